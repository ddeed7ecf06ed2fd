/* SPDX-License-Identifier: MIT */
/* srpass tests -- mkhost: build a fake host tree from a description (docs/demo-host.md) */
#include "sim/mkhost.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/fakehost.h"

/*
 * --scale: npf X710-like PFs with nvf VFs each, every PF alone below a
 * root port with ACS (so every VF gets its own IOMMU group), VFs bound
 * to vfio-pci.  A domain takes as many root ports as its 256 buses
 * allow; the next PFs go to domain 0001, and so on.
 */
static int build_scale(struct fakehost *fh, unsigned long npf, unsigned long nvf)
{
	unsigned long buses = 1 + nvf / 256, per_domain = 255 / buses;
	char port[32], pf[32], ifname[32];	/* fakehost checks the lengths */
	int r;

	if (per_domain > 248)
		per_domain = 248;	/* root ports 00:01.0 to 00:1f.7 */
	if (npf == 0 || per_domain == 0 || npf / per_domain > 0xffff)
		return -ERANGE;
	r = fakehost_add_iommu(fh, NULL);
	if (r == 0)
		r = fakehost_add_vfio(fh);
	for (unsigned long i = 0; i < npf && r == 0; i++) {
		unsigned long dom = i / per_domain, k = i % per_domain, sec = 1 + k * buses;
		struct fakehost_func rp = {
			.addr = port, .secondary = (unsigned int)sec,
			.subordinate = (unsigned int)(sec + buses - 1),
			.acs = FAKEHOST_ACS_ON, .ari_fwd = true,
		};
		struct fakehost_func f = {
			.addr = pf, .vendor = 0x8086, .device = 0x1572, .subsys_vendor = 0x8086,
			.subsys_device = 0x0001, .class = 0x020000, .revision = 2, .driver = "i40e",
			.netdevs = ifname, .msix = 129, .bar0 = 8 << 20,
		};
		struct fakehost_sriov v = {
			.totalvfs = nvf ? (unsigned int)nvf : 64, .numvfs = (unsigned int)nvf,
			.offset = 1, .stride = 1, .vf_device = 0x154c, .vf_driver = "vfio-pci",
			.vf_msix = 5,
		};

		if (k == 0)
			r = fakehost_add_hostbridge(fh, (unsigned int)dom, 0, (int)(dom % 2));
		snprintf(port, sizeof(port), "%04lx:00:%02lx.%lu", dom, 1 + k / 8, k % 8);
		snprintf(pf, sizeof(pf), "%04lx:%02lx:00.0", dom, sec);
		snprintf(ifname, sizeof(ifname), "ens%lup%lu", dom, k);
		rp.vendor = 0x8086;
		rp.device = 0x2030;
		if (r == 0)
			r = fakehost_add_port(fh, &rp);
		if (r == 0)
			r = fakehost_add_pf(fh, &f, &v);
	}
	return r;
}

/* OUTDIR may be missing or empty; with -f it may also hold an old tree. */
static int outdir_ready(const char *out, bool force)
{
	char path[4096];
	struct stat st;
	int r;

	if (lstat(out, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "mkhost: '%s' exists and is not a directory\n", out);
		return -ENOTDIR;
	}
	if (rmdir(out) == 0 || errno == ENOENT)
		return 0;		/* was empty */
	if (!force) {
		fprintf(stderr, "mkhost: '%s' is not empty (-f replaces an old tree)\n", out);
		return -ENOTEMPTY;
	}
	snprintf(path, sizeof(path), "%s/sys/bus/pci", out);
	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "mkhost: '%s' has no sys/bus/pci: not a fake host, not removing it\n",
			out);
		return -EEXIST;
	}
	r = fakehost_rmtree(out);
	if (r < 0)
		fprintf(stderr, "mkhost: cannot remove '%s': %s\n", out, strerror(-r));
	return r;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: mkhost [-f] DESCRIPTION.ini OUTDIR\n"
		   "       mkhost [-f] --scale NPF NVF OUTDIR\n"
		   "Build a fake host tree (sysfs, procfs) in OUTDIR, which must be missing or\n"
		   "empty; -f first removes an old tree there.  See docs/demo-host.md.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "scale", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct desc ds = { 0 };
	bool force = false, scale = false;
	unsigned long npf = 0, nvf = 0;
	const char *out;
	int c, r;

	while ((c = getopt_long(argc, argv, "fh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			force = true;
			break;
		case 's':
			scale = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != (scale ? 3 : 2)) {
		usage(stderr);
		return 2;
	}
	out = argv[argc - 1];
	if (scale) {
		if (mkhost_parse_ulong(argv[optind], 10, 65535, &npf) < 0 || npf == 0 ||
		    mkhost_parse_ulong(argv[optind + 1], 10, 65535, &nvf) < 0) {
			fprintf(stderr, "mkhost: --scale wants 1..65535 PFs and 0..65535 VFs\n");
			return 2;
		}
	} else {
		ds.file = argv[optind];
		ds.d = iniparser_load(ds.file);
		if (ds.d == NULL) {
			fprintf(stderr, "mkhost: cannot read '%s'\n", ds.file);
			return 1;
		}
		if (mkhost_scan(&ds) < 0) {
			r = -EINVAL;
			goto out;
		}
	}

	r = outdir_ready(out, force);
	if (r < 0)
		goto out;
	ds.fh = fakehost_new(out);
	if (ds.fh == NULL) {
		r = -errno;
		fprintf(stderr, "mkhost: cannot make a tree in '%s': %s\n", out, strerror(errno));
		goto out;
	}
	if (scale) {
		r = build_scale(ds.fh, npf, nvf);
		if (r < 0)
			fprintf(stderr, "mkhost: --scale %lu %lu: %s\n", npf, nvf, strerror(-r));
	} else {
		r = mkhost_build(&ds);
	}
	if (r < 0)
		(void)fakehost_rmtree(fakehost_root(ds.fh));	/* no half-built trees */
	fakehost_free(ds.fh);
out:
	free(ds.secs);
	if (ds.d != NULL)
		iniparser_freedict(ds.d);
	return r < 0 ? 1 : 0;
}
