/* SPDX-License-Identifier: MIT */
/* srpass tests -- the simulated kernel: sysfs writes with the kernel's side effects */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os/bind.h"
#include "lib/faulty.h"
#include "lib/treediff.h"
#include "sim/simkernel.h"
#include "srpass/bdf.h"
#include "srpass/err.h"
#include "os/sys.h"

/*
 * The fixture, built by hand with links as sysfs makes them:
 *
 *   03:00.0  PF, ice, ens1f0, group 10, 2 of 8 VFs   (below 0000:00:03.0)
 *   03:02.0  VF 0, iavf, ens1f0v0, group 11          (default via the PF)
 *   03:02.1  VF 1, iavf, ens1f0v1, group 12
 *   05:00.0  e1000e, eth5a, group 20                 (below 0000:00:05.0)
 *   05:00.1  e1000e, eth5b, group 20
 *   06:00.0  unbound, no IOMMU group, default e1000e
 *   07:00.0  unbound, group 30, no default driver
 *   08:00.0  PF, unbound, 1 VF left enabled, group 40
 *   08:02.0  its VF, unbound, group 41
 *
 * Drivers loaded: iavf ice e1000e vfio-pci pci-stub pciback.
 */

#define VF0	"0000:03:02.0"
#define VF1	"0000:03:02.1"
#define PF	"0000:03:00.0"
#define DEV(b)	"/sys/bus/pci/devices/" b
#define DRV(d)	"/sys/bus/pci/drivers/" d
#define PROBE	"/sys/bus/pci/drivers_probe"

struct tb {
	char root[64];
	struct srp_sys sys;
};

/* ---- building trees on the host ---- */

/* snprintf into a PATH_MAX buffer; too long is a test bug */
static void __attribute__((format(printf, 2, 3))) sp(char buf[PATH_MAX], const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && n < PATH_MAX);
}

static void host_path(struct tb *t, const char *path, char buf[PATH_MAX])
{
	assert_true(path[0] == '/');
	sp(buf, "%s%s", t->root, path);
}

static void mkdir_p(const char *hpath)
{
	char tmp[PATH_MAX];

	sp(tmp, "%s", hpath);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		assert_true(mkdir(tmp, 0755) == 0 || errno == EEXIST);
		*p = '/';
	}
	assert_true(mkdir(tmp, 0755) == 0 || errno == EEXIST);
}

static void tb_dir(struct tb *t, const char *path)
{
	char h[PATH_MAX];

	host_path(t, path, h);
	mkdir_p(h);
}

static void tb_put_mode(struct tb *t, const char *path, const char *content, mode_t mode)
{
	char h[PATH_MAX], dir[PATH_MAX];
	FILE *f;

	host_path(t, path, h);
	sp(dir, "%s", h);
	*strrchr(dir, '/') = '\0';
	mkdir_p(dir);
	f = fopen(h, "w");
	assert_non_null(f);
	fputs(content, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(h, mode), 0);
}

static void tb_put(struct tb *t, const char *path, const char *content)
{
	tb_put_mode(t, path, content, 0644);
}

/* A symlink at path to the relative path from its directory to target,
 * both logical: "../" for each component of the link's directory not
 * shared with target, then the rest of target. */
static void tb_link(struct tb *t, const char *path, const char *target)
{
	char h[PATH_MAX], rel[PATH_MAX] = "", dir[PATH_MAX];
	size_t common = 0, i = 0;

	sp(dir, "%s", path);
	*strrchr(dir, '/') = '\0';
	while (dir[i] && dir[i] == target[i]) {
		if (dir[i] == '/')
			common = i;
		i++;
	}
	if (dir[i] == '\0' && target[i] == '/')
		common = i;
	for (const char *p = dir + common; *p; p++)
		if (*p == '/')
			strcat(rel, "../");
	strcat(rel, target + common + 1);
	host_path(t, path, h);
	sp(dir, "%s", h);
	*strrchr(dir, '/') = '\0';
	mkdir_p(dir);
	assert_int_equal(symlink(rel, h), 0);
}

static void tb_driver(struct tb *t, const char *name)
{
	static const char *const files[] = { "bind", "unbind", "new_id", "remove_id", "uevent" };
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		sp(path, DRV("%s/%s"), name, files[i]);
		tb_put_mode(t, path, "", 0200);
	}
}

struct tdev {
	const char *bdf;
	const char *parent;		/* below /sys/devices */
	int group;			/* -1: none */
	const char *driver;
	const char *ifname;		/* its netdev while driver has it */
	const char *defdrv;		/* default-driver record */
	const char *physfn;		/* a VF's PF */
	unsigned int totalvfs;		/* a PF's */
	unsigned int numvfs;
};

static void dev_dir(const struct tdev *d, char buf[PATH_MAX])
{
	sp(buf, "/sys/devices/%s/%s", d->parent, d->bdf);
}

static void tb_dev(struct tb *t, const struct tdev *d)
{
	bool stub = d->driver && (strcmp(d->driver, "vfio-pci") == 0 ||
				  strcmp(d->driver, "pci-stub") == 0);
	char dir[PATH_MAX], p[PATH_MAX], q[PATH_MAX];

	dev_dir(d, dir);
	tb_dir(t, dir);
#define ATTR(name, content, mode) \
	do { sp(p, "%s/%s", dir, name); tb_put_mode(t, p, content, mode); } while (0)
	ATTR("vendor", "0x8086\n", 0444);
	ATTR("device", "0x1593\n", 0444);
	ATTR("driver_override", "(null)\n", 0644);
	ATTR("enable", d->driver && !stub ? "1\n" : "0\n", 0644);
	ATTR("d3cold_allowed", "1\n", 0644);
	ATTR("reset", "", 0200);
	ATTR("remove", "", 0200);
	if (d->totalvfs) {
		sp(q, "%u\n", d->totalvfs);
		ATTR("sriov_totalvfs", q, 0444);
		sp(q, "%u\n", d->numvfs);
		ATTR("sriov_numvfs", q, 0664);
		ATTR("sriov_drivers_autoprobe", "1\n", 0664);
	}
#undef ATTR
	sp(p, DEV("%s"), d->bdf);
	tb_link(t, p, dir);
	if (d->group >= 0) {
		sp(q, "/sys/kernel/iommu_groups/%d", d->group);
		sp(p, "%s/devices/%s", q, d->bdf);
		tb_link(t, p, dir);
		sp(p, "%s/iommu_group", dir);
		tb_link(t, p, q);
		sp(p, "/sys/devices/virtual/iommu/dmar0/devices/%s", d->bdf);
		tb_link(t, p, dir);
	}
	if (d->physfn) {
		sp(p, "%s/physfn", dir);
		sp(q, "/sys/devices/%s/%s", d->parent, d->physfn);
		tb_link(t, p, q);
	}
	if (d->defdrv) {
		sp(p, SRP_SIMKERNEL_DIR "/default-driver/%s", d->bdf);
		sp(q, "%s\n", d->defdrv);
		tb_put(t, p, q);
	}
	if (d->driver) {
		sp(p, "%s/driver", dir);
		sp(q, DRV("%s"), d->driver);
		tb_link(t, p, q);
		sp(p, DRV("%s/%s"), d->driver, d->bdf);
		tb_link(t, p, dir);
	}
	if (d->driver && d->ifname) {
		sp(p, "%s/net/%s/address", dir, d->ifname);
		tb_put(t, p, "02:00:00:00:00:01\n");
		sp(p, "%s/net/%s/mtu", dir, d->ifname);
		tb_put(t, p, "1500\n");
		sp(p, "%s/net/%s/device", dir, d->ifname);
		tb_link(t, p, dir);
		sp(p, "/sys/class/net/%s", d->ifname);
		sp(q, "%s/net/%s", dir, d->ifname);
		tb_link(t, p, q);
	}
}

static void tb_virtfn(struct tb *t, const struct tdev *pf, unsigned int i, const struct tdev *vf)
{
	char p[PATH_MAX], q[PATH_MAX];

	dev_dir(pf, q);
	sp(p, "%s/virtfn%u", q, i);
	dev_dir(vf, q);
	tb_link(t, p, q);
}

static const struct tdev fix_pf = {
	.bdf = PF, .parent = "pci0000:00/0000:00:03.0", .group = 10, .driver = "ice",
	.ifname = "ens1f0", .defdrv = "ice", .totalvfs = 8, .numvfs = 2,
};
static const struct tdev fix_vf0 = {
	.bdf = VF0, .parent = "pci0000:00/0000:00:03.0", .group = 11, .driver = "iavf",
	.ifname = "ens1f0v0", .physfn = PF,
};
static const struct tdev fix_vf1 = {
	.bdf = VF1, .parent = "pci0000:00/0000:00:03.0", .group = 12, .driver = "iavf",
	.ifname = "ens1f0v1", .physfn = PF, .defdrv = "iavf",
};
static const struct tdev fix_pf2 = {
	.bdf = "0000:08:00.0", .parent = "pci0000:00", .group = 40, .defdrv = "ice",
	.totalvfs = 4, .numvfs = 1,
};
static const struct tdev fix_pf2vf = {
	.bdf = "0000:08:02.0", .parent = "pci0000:00", .group = 41, .defdrv = "iavf",
	.physfn = "0000:08:00.0",
};

static void build_fixture(struct tb *t)
{
	static const char *const drivers[] = {
		"iavf", "ice", "e1000e", "vfio-pci", "pci-stub", "pciback",
	};
	const struct tdev devs[] = {
		{ .bdf = "0000:05:00.0", .parent = "pci0000:00/0000:00:05.0", .group = 20,
		  .driver = "e1000e", .ifname = "eth5a", .defdrv = "e1000e" },
		{ .bdf = "0000:05:00.1", .parent = "pci0000:00/0000:00:05.0", .group = 20,
		  .driver = "e1000e", .ifname = "eth5b", .defdrv = "e1000e" },
		{ .bdf = "0000:06:00.0", .parent = "pci0000:00", .group = -1, .defdrv = "e1000e" },
		{ .bdf = "0000:07:00.0", .parent = "pci0000:00", .group = 30 },
	};

	tb_put_mode(t, PROBE, "", 0200);
	tb_put_mode(t, "/sys/bus/pci/rescan", "", 0200);
	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		tb_driver(t, drivers[i]);
	tb_put(t, "/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts", "N\n");
	tb_dir(t, "/sys/class/net");
	tb_dir(t, "/sys/devices/virtual/iommu/dmar0/devices");
	tb_link(t, "/sys/class/iommu/dmar0", "/sys/devices/virtual/iommu/dmar0");
	tb_put_mode(t, "/dev/vfio/vfio", "", 0666);
	tb_put(t, "/etc/hostname", "sim\n");
	tb_dir(t, SRP_SIMKERNEL_DIR "/default-driver");
	tb_put(t, SRP_SIMKERNEL_DIR "/default-vf-driver/" PF, "iavf\n");
	tb_dev(t, &fix_pf);
	tb_dev(t, &fix_vf0);
	tb_dev(t, &fix_vf1);
	tb_virtfn(t, &fix_pf, 0, &fix_vf0);
	tb_virtfn(t, &fix_pf, 1, &fix_vf1);
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++)
		tb_dev(t, &devs[i]);
	tb_dev(t, &fix_pf2);
	tb_dev(t, &fix_pf2vf);
	tb_virtfn(t, &fix_pf2, 0, &fix_pf2vf);
}

static int setup_bare(void **state)
{
	struct tb *t = calloc(1, sizeof(*t));
	struct srp_err err = { 0 };

	assert_non_null(t);
	strcpy(t->root, "/tmp/srpass-sim-XXXXXX");
	assert_non_null(mkdtemp(t->root));
	tb_dir(t, "/sys/bus/pci/devices");
	assert_int_equal(srp_sys_open(&t->sys, t->root, &err), 0);
	*state = t;
	return 0;
}

static int setup(void **state)
{
	struct srp_err err = { 0 };
	struct tb *t;

	setup_bare(state);
	t = *state;
	build_fixture(t);
	assert_int_equal(srp_simkernel_attach(&t->sys, &err), 1);
	return 0;
}

static int teardown(void **state)
{
	struct tb *t = *state;
	char cmd[128];

	srp_simkernel_detach(&t->sys);
	srp_sys_close(&t->sys);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->root);
	assert_int_equal(system(cmd), 0);
	free(t);
	return 0;
}

/* ---- looking at the tree through the seam ---- */

static const char *rd(struct tb *t, const char *path)
{
	static char buf[4096];
	ssize_t n = srp_sys_read(&t->sys, path, buf, sizeof(buf) - 1);

	if (n < 0)
		return "<error>";
	buf[n] = '\0';
	return buf;
}

static const char *lnk(struct tb *t, const char *path)
{
	static char buf[PATH_MAX];

	if (srp_sys_readlink(&t->sys, path, buf, sizeof(buf)) < 0)
		return "";
	return buf;
}

static bool ex(struct tb *t, const char *path)
{
	mode_t m;

	return srp_sys_lstat(&t->sys, path, &m) == 0;
}

static int wr(struct tb *t, const char *path, const char *val)
{
	return srp_sys_write_str(&t->sys, path, val);
}

static char *snap(struct tb *t)
{
	char *s = NULL;

	assert_int_equal(treediff_snapshot(&t->sys, "/", NULL, &s), 0);
	return s;
}

static void assert_same_tree(const char *before, const char *after)
{
	char diff[4096];

	if (treediff_compare(before, after, diff, sizeof(diff)) != 0) {
		print_error("trees differ:\n%s", diff);
		fail();
	}
}

/* The tree through the seam is what before says. */
static void assert_tree_is(struct tb *t, const char *before)
{
	char *now = snap(t);

	assert_same_tree(before, now);
	free(now);
}

static int group_status(struct tb *t, int group, uint32_t *ret_flags)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	char path[PATH_MAX];
	int fd, r;

	sp(path, "/dev/vfio/%d", group);
	fd = t->sys.ops->open(&t->sys, path, O_RDWR, 0);
	if (fd < 0)
		return fd;
	r = t->sys.ops->ioctl(&t->sys, fd, VFIO_GROUP_GET_STATUS, &st);
	close(fd);
	if (r == 0)
		*ret_flags = st.flags;
	return r;
}

/* ---- attach ---- */

static void test_attach_only_marked(void **state)
{
	struct tb *t = *state;
	struct srp_err err = { 0 };
	const struct srp_sys_ops *real = t->sys.ops;
	char h[PATH_MAX];

	assert_int_equal(srp_simkernel_attach(&t->sys, &err), 0);
	assert_ptr_equal(t->sys.ops, real);
	assert_false(srp_simkernel_attached(&t->sys));

	tb_put(t, SRP_SIMKERNEL_DIR, "not a directory\n");
	assert_int_equal(srp_simkernel_attach(&t->sys, &err), -ENOTDIR);
	assert_non_null(strstr(err.msg, SRP_SIMKERNEL_DIR));
	srp_err_clear(&err);
	host_path(t, SRP_SIMKERNEL_DIR, h);
	assert_int_equal(unlink(h), 0);

	tb_dir(t, SRP_SIMKERNEL_DIR);
	assert_int_equal(srp_simkernel_attach(&t->sys, &err), 1);
	assert_true(srp_simkernel_attached(&t->sys));
	assert_ptr_not_equal(t->sys.ops, real);
	assert_ptr_equal(t->sys.lower->ops, real);
	assert_int_equal(srp_simkernel_attach(&t->sys, &err), -EALREADY);
	srp_err_clear(&err);
	srp_simkernel_detach(&t->sys);
	assert_ptr_equal(t->sys.ops, real);
	assert_null(t->sys.lower);
	srp_simkernel_detach(&t->sys);		/* a no-op now */
	assert_ptr_equal(t->sys.ops, real);
}

/* The marker on a tree whose /sys is a real sysfs must not take effect. */
static void test_attach_refuses_real_sysfs(void **state)
{
	struct tb *t = *state;
	struct srp_err err = { 0 };
	char h[PATH_MAX];
	int r;

	tb_dir(t, SRP_SIMKERNEL_DIR);
	host_path(t, "/sys", h);
	if (mount("sysfs", h, "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		skip();		/* not allowed to mount here */
	r = srp_simkernel_attach(&t->sys, &err);
	assert_int_equal(umount(h), 0);
	assert_int_equal(r, -EPERM);
	assert_non_null(strstr(err.msg, "real sysfs"));
	assert_false(srp_simkernel_attached(&t->sys));
}

/* ---- what passes through, what sysfs refuses ---- */

static void test_passthrough_and_refusals(void **state)
{
	struct tb *t = *state;
	char *before;

	/* outside /sys: the lower ops, unchanged */
	assert_int_equal(wr(t, "/etc/hostname", "other\n"), 0);
	assert_string_equal(rd(t, "/etc/hostname"), "other\n");
	assert_int_equal(wr(t, "/etc/nonexistent", "x"), -ENOENT);
	assert_int_equal(t->sys.ops->mkdir(&t->sys, "/var/lib/srpass", 0700), 0);
	assert_int_equal(t->sys.ops->replace(&t->sys, "/var/lib/srpass/state", "s\n", 2, 0600), 0);
	assert_string_equal(rd(t, "/var/lib/srpass/state"), "s\n");
	assert_int_equal(t->sys.ops->unlink(&t->sys, "/var/lib/srpass/state"), 0);

	before = snap(t);
	/* an attribute the simulation does not model keeps what is written */
	assert_int_equal(wr(t, DEV(VF0) "/d3cold_allowed", "0\n"), 0);
	assert_string_equal(rd(t, DEV(VF0) "/d3cold_allowed"), "0\n");
	assert_int_equal(wr(t, DEV(VF0) "/d3cold_allowed", "1\n"), 0);
	/* read-only attributes, even for root */
	assert_int_equal(wr(t, DEV(VF0) "/vendor", "0x1234\n"), -EACCES);
	assert_int_equal(wr(t, DEV(PF) "/sriov_totalvfs", "64\n"), -EACCES);
	/* a zero-length write stores nothing (sysfs_kf_write) */
	assert_int_equal(t->sys.ops->write(&t->sys, DEV(VF0) "/driver_override", "", 0), 0);
	assert_string_equal(rd(t, DEV(VF0) "/driver_override"), "(null)\n");
	/* directories and links are not attributes */
	assert_int_equal(wr(t, "/sys/devices/pci0000:00/0000:00:03.0/" VF0, "x"), -EISDIR);
	assert_int_equal(wr(t, DEV(VF0), "x"), -ELOOP);
	assert_int_equal(wr(t, DEV(VF0) "/iommu_group", "x"), -ELOOP);
	assert_int_equal(wr(t, DEV(VF0) "/nosuch", "x"), -ENOENT);
	/* no making or removing files in sysfs */
	assert_int_equal(t->sys.ops->replace(&t->sys,
					     "/sys/devices/pci0000:00/0000:00:03.0/" VF0 "/x",
					     "x", 1, 0644), -EACCES);
	assert_int_equal(t->sys.ops->mkdir(&t->sys, "/sys/devices/x", 0755), -EPERM);
	assert_int_equal(t->sys.ops->unlink(&t->sys,
					    "/sys/devices/pci0000:00/0000:00:03.0/" VF0 "/vendor"),
			 -EPERM);
	/* through a link, the lower op's own refusal */
	assert_int_equal(t->sys.ops->replace(&t->sys, DEV(VF0) "/x", "x", 1, 0644), -ELOOP);
	/* reset and rescan are accepted and change nothing; remove is not simulated */
	assert_int_equal(wr(t, DEV(VF0) "/reset", "1"), 0);
	assert_int_equal(wr(t, DEV(VF0) "/reset", "2"), -EINVAL);
	assert_int_equal(wr(t, "/sys/bus/pci/rescan", "1"), 0);
	assert_int_equal(wr(t, DEV(VF0) "/remove", "1"), -EOPNOTSUPP);
	assert_tree_is(t, before);
	free(before);
}

/* ---- driver_override ---- */

static void test_driver_override(void **state)
{
	struct tb *t = *state;
	const char *p = DEV(VF0) "/driver_override";

	assert_int_equal(wr(t, p, "vfio-pci"), 0);
	assert_string_equal(rd(t, p), "vfio-pci\n");
	assert_int_equal(wr(t, p, "pci-stub\n"), 0);
	assert_string_equal(rd(t, p), "pci-stub\n");
	assert_int_equal(wr(t, p, "\n"), 0);
	assert_string_equal(rd(t, p), "(null)\n");
	assert_int_equal(wr(t, p, "vfio-pci\nrest"), 0);	/* up to the newline */
	assert_string_equal(rd(t, p), "vfio-pci\n");
	assert_int_equal(t->sys.ops->write(&t->sys, p, "\0", 1), 0);	/* dpdk-devbind's clear */
	assert_string_equal(rd(t, p), "(null)\n");
	/* through the driver's back link, the same attribute */
	assert_int_equal(wr(t, DRV("iavf/") VF0 "/driver_override", "vfio-pci"), 0);
	assert_string_equal(rd(t, p), "vfio-pci\n");
	/* a page or more is refused */
	{
		char big[4096];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		assert_int_equal(wr(t, p, big), -EINVAL);
		assert_string_equal(rd(t, p), "vfio-pci\n");
	}
	/* any name is stored: the kernel does not check it names a driver */
	assert_int_equal(wr(t, p, "no-such-driver"), 0);
	assert_string_equal(rd(t, p), "no-such-driver\n");
	/* the driver stays bound: override acts on the next probe */
	assert_string_equal(lnk(t, DEV(VF0) "/driver"), "../../../../bus/pci/drivers/iavf");
}

/* ---- unbind ---- */

static void test_unbind(void **state)
{
	struct tb *t = *state;

	/* refusals first: nothing changes */
	assert_int_equal(wr(t, DRV("e1000e/unbind"), VF0), -ENODEV);	/* bound to iavf */
	assert_int_equal(wr(t, DRV("iavf/unbind"), "03:02.0"), -ENODEV);	/* no short form */
	assert_int_equal(wr(t, DRV("iavf/unbind"), "0000:03:02.0 "), -ENODEV);
	assert_int_equal(wr(t, DRV("iavf/unbind"), "0000:03:02.0\n\n"), -ENODEV);
	assert_int_equal(wr(t, DRV("iavf/unbind"), "garbage"), -ENODEV);
	assert_int_equal(wr(t, DRV("iavf/unbind"), "0000:0f:00.0"), -ENODEV);	/* no such device */
	assert_int_equal(wr(t, DRV("iavf/unbind"), "0000:06:00.0"), -ENODEV);	/* unbound */
	assert_string_equal(lnk(t, DEV(VF0) "/driver"), "../../../../bus/pci/drivers/iavf");

	/* through the device's driver link, with the newline echo adds */
	assert_int_equal(wr(t, DEV(VF0) "/driver/unbind", VF0 "\n"), 0);
	assert_false(ex(t, DEV(VF0) "/driver"));
	assert_false(ex(t, DRV("iavf/") VF0));
	assert_string_equal(rd(t, DEV(VF0) "/enable"), "0\n");
	/* the netdev went with the driver, parked whole */
	assert_false(ex(t, DEV(VF0) "/net"));
	assert_false(ex(t, "/sys/class/net/ens1f0v0"));
	assert_true(ex(t, SRP_SIMKERNEL_DIR "/parked/" VF0 "/net/ens1f0v0/address"));
	assert_string_equal(lnk(t, SRP_SIMKERNEL_DIR "/parked/" VF0 "/class-net/ens1f0v0"),
			    "../../devices/pci0000:00/0000:00:03.0/" VF0 "/net/ens1f0v0");
	/* the other netdevs are untouched */
	assert_true(ex(t, "/sys/class/net/ens1f0v1"));
	/* unbinding an unbound device */
	assert_int_equal(wr(t, DRV("iavf/unbind"), VF0), -ENODEV);

	/* the driver's own unbind file works the same */
	assert_int_equal(wr(t, DRV("iavf/unbind"), VF1), 0);
	assert_false(ex(t, DEV(VF1) "/driver"));
	assert_true(ex(t, SRP_SIMKERNEL_DIR "/parked/" VF1 "/net/ens1f0v1"));
}

/* ---- drivers_probe ---- */

static void test_drivers_probe(void **state)
{
	struct tb *t = *state;
	char *before;

	/* an unknown or malformed device */
	assert_int_equal(wr(t, PROBE, "0000:0f:00.0"), -ENODEV);
	assert_int_equal(wr(t, PROBE, "3:2.0"), -ENODEV);
	/* bound already: nothing to do */
	before = snap(t);
	assert_int_equal(wr(t, PROBE, VF0), 0);
	assert_tree_is(t, before);
	free(before);

	/* unbound, no override: the default driver, netdev back */
	assert_int_equal(wr(t, DEV(VF0) "/driver/unbind", VF0), 0);
	assert_int_equal(wr(t, PROBE, VF0 "\n"), 0);
	assert_string_equal(lnk(t, DEV(VF0) "/driver"), "../../../../bus/pci/drivers/iavf");
	assert_string_equal(lnk(t, DRV("iavf/") VF0),
			    "../../../../devices/pci0000:00/0000:00:03.0/" VF0);
	assert_true(ex(t, DEV(VF0) "/net/ens1f0v0/address"));
	assert_string_equal(lnk(t, "/sys/class/net/ens1f0v0"),
			    "../../devices/pci0000:00/0000:00:03.0/" VF0 "/net/ens1f0v0");
	assert_false(ex(t, SRP_SIMKERNEL_DIR "/parked"));
	assert_string_equal(rd(t, DEV(VF0) "/enable"), "1\n");

	/* an override naming a driver that is not loaded: no driver, no error */
	assert_int_equal(wr(t, DEV(VF0) "/driver/unbind", VF0), 0);
	assert_int_equal(wr(t, DEV(VF0) "/driver_override", "mlx5_vfio_pci"), 0);
	assert_int_equal(wr(t, PROBE, VF0), 0);
	assert_false(ex(t, DEV(VF0) "/driver"));
	/* ... and only that driver: no falling back to the default */
	assert_int_equal(wr(t, DEV(VF0) "/driver_override", "pci-stub"), 0);
	assert_int_equal(wr(t, PROBE, VF0), 0);
	assert_string_equal(lnk(t, DEV(VF0) "/driver"), "../../../../bus/pci/drivers/pci-stub");
	assert_false(ex(t, DEV(VF0) "/net"));		/* a stub registers no netdev */
	assert_false(ex(t, "/dev/vfio/11"));		/* and is not vfio */
	assert_string_equal(rd(t, DEV(VF0) "/enable"), "0\n");

	/* no default driver and no override: stays unbound */
	assert_int_equal(wr(t, PROBE, "0000:07:00.0"), 0);
	assert_false(ex(t, DEV("0000:07:00.0") "/driver"));
	/* a default driver, at another depth in the tree */
	assert_int_equal(wr(t, PROBE, "0000:06:00.0"), 0);
	assert_string_equal(lnk(t, DEV("0000:06:00.0") "/driver"), "../../../bus/pci/drivers/e1000e");
	assert_string_equal(lnk(t, DRV("e1000e/0000:06:00.0")),
			    "../../../../devices/pci0000:00/0000:06:00.0");
}

/* ---- bind ---- */

static void test_bind(void **state)
{
	struct tb *t = *state;

	/* bound: the match is checked first, then "busy" */
	assert_int_equal(wr(t, DRV("iavf/bind"), VF0), -EBUSY);
	assert_int_equal(wr(t, DRV("e1000e/bind"), VF0), -ENODEV);	/* no ID match */
	assert_int_equal(wr(t, DEV(VF0) "/driver_override", "vfio-pci"), 0);
	assert_int_equal(wr(t, DRV("vfio-pci/bind"), VF0), -EBUSY);
	assert_int_equal(wr(t, DRV("iavf/bind"), VF0), -ENODEV);	/* the override rules */

	assert_int_equal(wr(t, DEV(VF0) "/driver/unbind", VF0), 0);
	assert_int_equal(wr(t, DRV("iavf/bind"), VF0), -ENODEV);
	assert_int_equal(wr(t, DRV("vfio-pci/bind"), "0000:0f:00.0"), -ENODEV);
	assert_int_equal(wr(t, DRV("vfio-pci/bind"), VF0 "\n"), 0);
	assert_string_equal(lnk(t, DEV(VF0) "/driver"), "../../../../bus/pci/drivers/vfio-pci");
	assert_true(ex(t, "/dev/vfio/11"));
	assert_int_equal(wr(t, DRV("vfio-pci/bind"), VF0), -EBUSY);

	/* no override: only the default driver's ID table matches */
	assert_int_equal(wr(t, DEV(VF0) "/driver_override", "\n"), 0);
	assert_int_equal(wr(t, DRV("vfio-pci/unbind"), VF0), 0);
	assert_false(ex(t, "/dev/vfio/11"));
	assert_int_equal(wr(t, DRV("vfio-pci/bind"), VF0), -ENODEV);
	assert_int_equal(wr(t, DRV("e1000e/bind"), VF0), -ENODEV);
	assert_int_equal(wr(t, DRV("iavf/bind"), VF0), 0);
	assert_true(ex(t, "/sys/class/net/ens1f0v0"));

	/* vfio-pci's probe: no IOMMU group, or a PF with VFs enabled */
	assert_int_equal(wr(t, DEV("0000:06:00.0") "/driver_override", "vfio-pci"), 0);
	assert_int_equal(wr(t, DRV("vfio-pci/bind"), "0000:06:00.0"), -EINVAL);
	assert_int_equal(wr(t, PROBE, "0000:06:00.0"), 0);	/* the probe fails quietly */
	assert_false(ex(t, DEV("0000:06:00.0") "/driver"));
	assert_int_equal(wr(t, DEV("0000:08:00.0") "/driver_override", "vfio-pci"), 0);
	assert_int_equal(wr(t, DRV("vfio-pci/bind"), "0000:08:00.0"), -EBUSY);
	assert_int_equal(wr(t, PROBE, "0000:08:00.0"), 0);
	assert_false(ex(t, DEV("0000:08:00.0") "/driver"));

	/* pciback: bound by override, no /dev/vfio node, no netdev */
	assert_int_equal(wr(t, DEV(VF1) "/driver_override", "pciback"), 0);
	assert_int_equal(wr(t, DEV(VF1) "/driver/unbind", VF1), 0);
	assert_int_equal(wr(t, PROBE, VF1), 0);
	assert_string_equal(lnk(t, DEV(VF1) "/driver"), "../../../../bus/pci/drivers/pciback");
	assert_false(ex(t, "/dev/vfio/12"));
	assert_false(ex(t, DEV(VF1) "/net"));
}

/* ---- driver directories ---- */

static void test_driver_dir_refusals(void **state)
{
	struct tb *t = *state;
	char *before = snap(t);

	assert_int_equal(wr(t, DRV("iavf/uevent"), "add"), -EINVAL);
	assert_int_equal(wr(t, DRV("vfio-pci/new_id"), "8086 1889"), -EOPNOTSUPP);
	assert_int_equal(wr(t, DRV("vfio-pci/remove_id"), "8086 1889"), -EOPNOTSUPP);
	assert_int_equal(wr(t, DRV("iavf/nosuch"), VF0), -ENOENT);
	assert_int_equal(wr(t, DRV("nosuch/bind"), VF0), -ENOENT);
	assert_tree_is(t, before);
	free(before);
}

/* ---- VFIO groups and ioctls ---- */

static void test_vfio_group_node_and_viability(void **state)
{
	struct tb *t = *state;
	const char *a = "0000:05:00.0", *b = "0000:05:00.1";
	uint32_t flags = 0;

	assert_int_equal(group_status(t, 20, &flags), -ENOENT);	/* no node yet */
	assert_int_equal(wr(t, DEV("0000:05:00.0") "/driver_override", "vfio-pci"), 0);
	assert_int_equal(wr(t, DEV("0000:05:00.0") "/driver/unbind", a), 0);
	assert_int_equal(wr(t, PROBE, a), 0);
	/* one level deeper than the VFs: the links follow the depth */
	assert_string_equal(lnk(t, DEV("0000:05:00.0") "/driver"),
			    "../../../../bus/pci/drivers/vfio-pci");
	assert_string_equal(lnk(t, DRV("vfio-pci/0000:05:00.0")),
			    "../../../../devices/pci0000:00/0000:00:05.0/0000:05:00.0");
	assert_string_equal(rd(t, "/dev/vfio/20"), "");
	/* its group mate still has e1000e: not viable */
	assert_int_equal(group_status(t, 20, &flags), 0);
	assert_int_equal(flags & VFIO_GROUP_FLAGS_VIABLE, 0);
	/* unbound: viable */
	assert_int_equal(wr(t, DEV("0000:05:00.1") "/driver/unbind", b), 0);
	assert_int_equal(group_status(t, 20, &flags), 0);
	assert_int_equal(flags, VFIO_GROUP_FLAGS_VIABLE);
	/* pci-stub: viable */
	assert_int_equal(wr(t, DEV("0000:05:00.1") "/driver_override", "pci-stub"), 0);
	assert_int_equal(wr(t, PROBE, b), 0);
	assert_int_equal(group_status(t, 20, &flags), 0);
	assert_int_equal(flags, VFIO_GROUP_FLAGS_VIABLE);
	/* both on vfio-pci: one node for the group, until the last goes */
	assert_int_equal(wr(t, DEV("0000:05:00.1") "/driver_override", "vfio-pci"), 0);
	assert_int_equal(wr(t, DRV("pci-stub/unbind"), b), 0);
	assert_int_equal(wr(t, PROBE, b), 0);
	assert_int_equal(group_status(t, 20, &flags), 0);
	assert_int_equal(flags, VFIO_GROUP_FLAGS_VIABLE);
	assert_int_equal(wr(t, DRV("vfio-pci/unbind"), a), 0);
	assert_true(ex(t, "/dev/vfio/20"));
	assert_int_equal(wr(t, DRV("vfio-pci/unbind"), b), 0);
	assert_false(ex(t, "/dev/vfio/20"));
	assert_true(ex(t, "/dev/vfio/vfio"));
}

static void test_vfio_ioctls(void **state)
{
	struct tb *t = *state;
	struct vfio_group_status st = { .argsz = sizeof(st) };
	int cfd, gfd, gfd2, fd;
	char h[PATH_MAX];

	/* the container */
	cfd = t->sys.ops->open(&t->sys, "/dev/vfio/vfio", O_RDWR, 0);
	assert_true(cfd >= 0);
	assert_int_equal(t->sys.ops->ioctl(&t->sys, cfd, VFIO_GET_API_VERSION, NULL),
			 VFIO_API_VERSION);
	assert_int_equal(t->sys.ops->ioctl(&t->sys, cfd, VFIO_CHECK_EXTENSION,
					   (void *)(unsigned long)VFIO_TYPE1v2_IOMMU), 1);
	assert_int_equal(t->sys.ops->ioctl(&t->sys, cfd, VFIO_CHECK_EXTENSION,
					   (void *)(unsigned long)VFIO_TYPE1_IOMMU), 1);
	assert_int_equal(t->sys.ops->ioctl(&t->sys, cfd, VFIO_CHECK_EXTENSION,
					   (void *)(unsigned long)VFIO_NOIOMMU_IOMMU), 0);
	assert_int_equal(t->sys.ops->ioctl(&t->sys, cfd, VFIO_GROUP_GET_STATUS, &st), -ENOTTY);
	/* no vfio_iommu_type1 module, no type1 */
	host_path(t, "/sys/module/vfio_iommu_type1", h);
	{
		char cmd[PATH_MAX + 16];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", h);
		assert_int_equal(system(cmd), 0);
	}
	assert_int_equal(t->sys.ops->ioctl(&t->sys, cfd, VFIO_CHECK_EXTENSION,
					   (void *)(unsigned long)VFIO_TYPE1v2_IOMMU), 0);
	close(cfd);

	/* a group */
	assert_int_equal(wr(t, DEV(VF0) "/driver_override", "vfio-pci"), 0);
	assert_int_equal(wr(t, DEV(VF0) "/driver/unbind", VF0), 0);
	assert_int_equal(wr(t, PROBE, VF0), 0);
	gfd = t->sys.ops->open(&t->sys, "/dev/vfio/11", O_RDWR, 0);
	assert_true(gfd >= 0);
	assert_int_equal(t->sys.ops->ioctl(&t->sys, gfd, VFIO_GROUP_GET_STATUS, &st), 0);
	assert_int_equal(st.flags, VFIO_GROUP_FLAGS_VIABLE);
	st.argsz = sizeof(st) - 1;
	assert_int_equal(t->sys.ops->ioctl(&t->sys, gfd, VFIO_GROUP_GET_STATUS, &st), -EINVAL);
	st.argsz = sizeof(st);
	assert_int_equal(t->sys.ops->ioctl(&t->sys, gfd, VFIO_GROUP_GET_STATUS, NULL), -EFAULT);
	assert_int_equal(t->sys.ops->ioctl(&t->sys, gfd, VFIO_GET_API_VERSION, NULL), -ENOTTY);
	/* one open at a time */
	assert_int_equal(t->sys.ops->open(&t->sys, "/dev/vfio/11", O_RDWR, 0), -EBUSY);
	/* through a path with links and dots, the same node */
	assert_int_equal(t->sys.ops->open(&t->sys, "/dev/../dev/vfio/./11", O_RDWR, 0), -EBUSY);
	close(gfd);
	gfd2 = t->sys.ops->open(&t->sys, "/dev/vfio/11", O_RDWR, 0);
	assert_true(gfd2 >= 0);
	close(gfd2);

	/* a number reused after close() is no VFIO node: the real ioctl answers */
	fd = t->sys.ops->open(&t->sys, "/etc/hostname", O_RDONLY, 0);
	assert_int_equal(fd, gfd2);
	assert_int_equal(t->sys.ops->ioctl(&t->sys, fd, VFIO_GROUP_GET_STATUS, &st), -ENOTTY);
	close(fd);
	gfd = t->sys.ops->open(&t->sys, "/dev/vfio/11", O_RDWR, 0);
	assert_true(gfd >= 0);
	close(gfd);
	host_path(t, "/etc/hostname", h);
	fd = open(h, O_RDONLY | O_CLOEXEC);		/* not through the seam */
	assert_int_equal(fd, gfd);
	assert_int_equal(t->sys.ops->ioctl(&t->sys, fd, VFIO_GROUP_GET_STATUS, &st), -ENOTTY);
	close(fd);
}

/* ---- the round trips srpass makes ---- */

/* Every step by hand, back with drivers_probe or with bind. */
static void round_trip(struct tb *t, bool back_with_bind)
{
	uint32_t flags = 0;
	char *before = snap(t), *mid;

	assert_int_equal(wr(t, DEV(VF0) "/driver_override", "vfio-pci"), 0);
	assert_int_equal(wr(t, DEV(VF0) "/driver/unbind", VF0), 0);
	assert_int_equal(wr(t, PROBE, VF0), 0);
	assert_string_equal(lnk(t, DEV(VF0) "/driver"), "../../../../bus/pci/drivers/vfio-pci");
	assert_true(ex(t, "/dev/vfio/11"));
	assert_int_equal(group_status(t, 11, &flags), 0);
	assert_int_equal(flags, VFIO_GROUP_FLAGS_VIABLE);
	assert_false(ex(t, DEV(VF0) "/net"));
	mid = snap(t);

	if (back_with_bind) {
		assert_int_equal(wr(t, DRV("vfio-pci/unbind"), VF0), 0);
		assert_int_equal(wr(t, DEV(VF0) "/driver_override", "iavf"), 0);
		assert_int_equal(wr(t, DRV("iavf/bind"), VF0), 0);
		assert_int_equal(wr(t, DEV(VF0) "/driver_override", "\n"), 0);
	} else {
		assert_int_equal(wr(t, DEV(VF0) "/driver_override", "\n"), 0);
		assert_int_equal(wr(t, DEV(VF0) "/driver/unbind", VF0), 0);
		assert_int_equal(wr(t, PROBE, VF0), 0);
	}
	assert_false(ex(t, "/dev/vfio/11"));
	assert_true(ex(t, DEV(VF0) "/net/ens1f0v0"));
	assert_tree_is(t, before);
	assert_int_equal(treediff_compare(before, mid, NULL, 0), 1);
	free(before);
	free(mid);
}

static void test_round_trip_probe(void **state)
{
	round_trip(*state, false);
}

static void test_round_trip_bind(void **state)
{
	round_trip(*state, true);
}

/* srpass's own bind engine, unchanged, on the simulated kernel */
static void test_round_trip_srpass_bind(void **state)
{
	struct tb *t = *state;
	struct srp_err err = { 0 };
	struct srp_bdf addr;
	uint32_t flags = 0;
	char *before = snap(t);

	assert_int_equal(srp_bdf_parse(VF0, &addr), 0);
	assert_int_equal(srp_bind_to(&t->sys, &addr, "vfio-pci", "iavf", NULL, 0, &err), 0);
	assert_int_equal(group_status(t, 11, &flags), 0);
	assert_int_equal(flags, VFIO_GROUP_FLAGS_VIABLE);
	assert_int_equal(srp_bind_restore(&t->sys, &addr, "iavf", NULL, 0, &err), 0);
	assert_tree_is(t, before);
	free(before);
}

/* ---- SR-IOV ---- */

static void test_numvfs_refusals(void **state)
{
	struct tb *t = *state;
	char *before = snap(t);

	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "3"), -EBUSY);	/* 2 -> 3 */
	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "9"), -ERANGE);	/* > total */
	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "65536"), -EINVAL);
	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "two"), -EINVAL);
	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "-1"), -EINVAL);
	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "2\n"), 0);	/* no change */
	/* no PF driver */
	assert_int_equal(wr(t, DEV("0000:08:00.0") "/sriov_numvfs", "0"), -ENOENT);
	assert_int_equal(wr(t, DEV(PF) "/sriov_drivers_autoprobe", "maybe"), -EINVAL);
	assert_tree_is(t, before);
	free(before);

	assert_int_equal(wr(t, DEV(PF) "/sriov_drivers_autoprobe", "0"), 0);
	assert_string_equal(rd(t, DEV(PF) "/sriov_drivers_autoprobe"), "0\n");
	assert_int_equal(wr(t, DEV(PF) "/sriov_drivers_autoprobe", "on"), 0);
	assert_string_equal(rd(t, DEV(PF) "/sriov_drivers_autoprobe"), "1\n");
	assert_int_equal(wr(t, DEV(PF) "/sriov_drivers_autoprobe", "N"), 0);
	assert_string_equal(rd(t, DEV(PF) "/sriov_drivers_autoprobe"), "0\n");
}

static void test_numvfs_round_trip(void **state)
{
	struct tb *t = *state;
	char *before = snap(t);

	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "0"), 0);
	assert_string_equal(rd(t, DEV(PF) "/sriov_numvfs"), "0\n");
	assert_false(ex(t, DEV(VF0)));
	assert_false(ex(t, DEV(VF1)));
	assert_false(ex(t, "/sys/devices/pci0000:00/0000:00:03.0/" VF0));
	assert_false(ex(t, "/sys/devices/pci0000:00/0000:00:03.0/" PF "/virtfn0"));
	assert_false(ex(t, "/sys/kernel/iommu_groups/11"));	/* alone in it: gone */
	assert_false(ex(t, "/sys/class/iommu/dmar0/devices/" VF0));
	assert_false(ex(t, "/sys/class/net/ens1f0v0"));
	assert_false(ex(t, DRV("iavf/") VF0));
	assert_true(ex(t, "/sys/class/net/ens1f0"));		/* the PF keeps its own */
	assert_true(ex(t, SRP_SIMKERNEL_DIR "/vfs/" PF "/virtfn0/device/vendor"));
	assert_true(ex(t, SRP_SIMKERNEL_DIR "/vfs/" PF "/virtfn1/group"));

	/* only as many as were parked can come back */
	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "3"), -EOPNOTSUPP);
	assert_string_equal(rd(t, DEV(PF) "/sriov_numvfs"), "0\n");

	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "2"), 0);
	assert_string_equal(rd(t, DEV(VF0) "/driver_override"), "(null)\n");
	assert_tree_is(t, before);

	/* with autoprobe off, the VFs come back without a driver */
	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "0"), 0);
	assert_int_equal(wr(t, DEV(PF) "/sriov_drivers_autoprobe", "0"), 0);
	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "1"), 0);
	assert_true(ex(t, DEV(VF0)));
	assert_false(ex(t, DEV(VF1)));
	assert_false(ex(t, DEV(VF0) "/driver"));
	assert_string_equal(lnk(t, "/sys/devices/pci0000:00/0000:00:03.0/" PF "/virtfn0"),
			    "../" VF0);
	free(before);
}

/* A PF driver's remove takes the VFs with it; they come back with numvfs. */
static void test_pf_unbind_disables_sriov(void **state)
{
	struct tb *t = *state;
	char *before = snap(t);

	assert_int_equal(wr(t, DEV(PF) "/driver/unbind", PF), 0);
	assert_string_equal(rd(t, DEV(PF) "/sriov_numvfs"), "0\n");
	assert_false(ex(t, DEV(VF0)));
	assert_false(ex(t, "/sys/class/net/ens1f0"));
	assert_int_equal(wr(t, PROBE, PF), 0);
	assert_string_equal(lnk(t, DEV(PF) "/driver"), "../../../../bus/pci/drivers/ice");
	assert_string_equal(rd(t, DEV(PF) "/sriov_numvfs"), "0\n");	/* not re-enabled */
	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "2"), 0);
	assert_tree_is(t, before);
	free(before);
}

/* vfio-pci as a PF driver: SR-IOV only with enable_sriov=Y, and its VFs
 * get vfio-pci as their driver_override. */
static void test_vfio_pf(void **state)
{
	struct tb *t = *state;

	assert_int_equal(wr(t, DEV(PF) "/driver_override", "vfio-pci"), 0);
	assert_int_equal(wr(t, DEV(PF) "/driver/unbind", PF), 0);
	assert_int_equal(wr(t, PROBE, PF), 0);
	assert_string_equal(lnk(t, DEV(PF) "/driver"), "../../../../bus/pci/drivers/vfio-pci");
	assert_true(ex(t, "/dev/vfio/10"));
	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "2"), -ENOENT);
	tb_put(t, "/sys/module/vfio_pci/parameters/enable_sriov", "Y\n");
	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "2"), 0);
	assert_string_equal(rd(t, DEV(VF0) "/driver_override"), "vfio-pci\n");
	assert_string_equal(lnk(t, DEV(VF0) "/driver"), "../../../../bus/pci/drivers/vfio-pci");
	assert_true(ex(t, "/dev/vfio/11"));
	assert_true(ex(t, "/dev/vfio/12"));
}

/* ---- all or nothing: the simulation's own writes fail one at a time ---- */

/* Run one sysfs write with the nth tree mutation below the simulation
 * failing; 1 if a fault fired. */
static int faulted_write(struct tb *t, unsigned int n, const char *path, const char *val,
			 int *ret)
{
	struct srp_err err = { 0 };
	struct faulty f;

	srp_simkernel_detach(&t->sys);
	faulty_attach(&f, &t->sys, n, -EIO);
	assert_int_equal(srp_simkernel_attach(&t->sys, &err), 1);
	*ret = wr(t, path, val);
	srp_simkernel_detach(&t->sys);
	faulty_detach(&f, &t->sys);
	assert_int_equal(srp_simkernel_attach(&t->sys, &err), 1);
	return f.failed > 0;
}

static void test_sim_all_or_nothing(void **state)
{
	struct tb *t = *state;
	static const struct { const char *path, *val; } steps[] = {
		{ DEV(VF0) "/driver_override", "vfio-pci" },
		{ DRV("iavf/unbind"), VF0 },
		{ PROBE, VF0 },
		{ DEV(VF0) "/driver_override", "\n" },
		{ DRV("vfio-pci/unbind"), VF0 },
		{ PROBE, VF0 },
		{ DEV(PF) "/sriov_numvfs", "0" },
		{ DEV(PF) "/sriov_numvfs", "2" },
		{ DRV("ice/unbind"), PF },
	};
	char *start = snap(t);

	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		unsigned int n;
		int r;

		for (n = 1; n < 100; n++) {
			char *before = snap(t), *after;
			int fired = faulted_write(t, n, steps[s].path, steps[s].val, &r);

			after = snap(t);
			if (!fired) {
				assert_int_equal(r, 0);
				free(before);
				free(after);
				break;
			}
			if (r != -EIO)
				print_error("step %zu (%s), fault %u: %d\n", s, steps[s].path, n, r);
			assert_int_equal(r, -EIO);
			assert_same_tree(before, after);
			free(before);
			free(after);
		}
		assert_true(n < 100);
	}
	/* and it got back where it started, but for the PF unbound */
	assert_int_equal(wr(t, PROBE, PF), 0);
	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "2"), 0);
	assert_tree_is(t, start);
	free(start);
}

/* ---- the test helpers themselves ---- */

static void test_faulty(void **state)
{
	struct tb *t = *state;
	struct faulty f;

	srp_simkernel_detach(&t->sys);
	faulty_attach(&f, &t->sys, 2, -ENOSPC);
	assert_int_equal(wr(t, "/etc/hostname", "a\n"), 0);
	assert_int_equal(wr(t, "/etc/hostname", "b\n"), -ENOSPC);
	assert_int_equal(wr(t, "/etc/hostname", "c\n"), 0);
	assert_int_equal(t->sys.ops->mkdir(&t->sys, "/etc/d", 0755), 0);
	assert_int_equal(f.count, 4);
	assert_int_equal(f.failed, 1);
	assert_string_equal(f.first_op, "write");
	assert_string_equal(f.first_path, "/etc/hostname");
	assert_string_equal(rd(t, "/etc/hostname"), "c\n");	/* reads pass */
	faulty_detach(&f, &t->sys);

	faulty_attach(&f, &t->sys, 1, -EROFS);
	f.sticky = true;
	f.only = "/var";
	assert_int_equal(wr(t, "/etc/hostname", "d\n"), 0);	/* not counted */
	assert_int_equal(t->sys.ops->mkdir(&t->sys, "/var/x", 0755), -EROFS);
	assert_int_equal(t->sys.ops->replace(&t->sys, "/var/y", "", 0, 0644), -EROFS);
	assert_int_equal(t->sys.ops->unlink(&t->sys, "/var/lib/srpass-sim"), -EROFS);
	assert_int_equal(t->sys.ops->mkdir(&t->sys, "/variable", 0755), 0);
	assert_int_equal(f.count, 3);
	assert_int_equal(f.failed, 3);
	assert_string_equal(f.first_op, "mkdir");
	faulty_detach(&f, &t->sys);
	assert_ptr_equal(t->sys.ops, &srp_sys_real);
}

static void test_treediff(void **state)
{
	struct tb *t = *state;
	const char *const exclude[] = { "/etc", NULL };
	char *a, *b, diff[512], h[PATH_MAX];

	srp_simkernel_detach(&t->sys);
	a = snap(t);
	assert_non_null(strstr(a, DEV(VF0) " l ../../../devices/pci0000:00/0000:00:03.0/" VF0 "\n"));
	assert_non_null(strstr(a, "/driver_override f 0644 7 (null)\\n\n"));
	assert_non_null(strstr(a, "/sys/class/net d 0755\n"));

	/* a byte of content */
	tb_put(t, "/etc/hostname", "sin\n");
	b = snap(t);
	assert_int_equal(treediff_compare(a, b, diff, sizeof(diff)), 1);
	assert_string_equal(diff, "- /etc/hostname f 0644 4 sim\\n\n+ /etc/hostname f 0644 4 sin\\n\n");
	free(b);
	/* left out */
	free(a);
	assert_int_equal(treediff_snapshot(&t->sys, "/", exclude, &a), 0);
	tb_put(t, "/etc/hostname", "sim\n");
	assert_int_equal(treediff_snapshot(&t->sys, "/", exclude, &b), 0);
	assert_int_equal(treediff_compare(a, b, NULL, 0), 0);
	assert_null(strstr(a, "/etc"));
	free(a);
	free(b);

	a = snap(t);
	/* a mode */
	host_path(t, "/etc/hostname", h);
	assert_int_equal(chmod(h, 0600), 0);
	b = snap(t);
	assert_int_equal(treediff_compare(a, b, diff, sizeof(diff)), 1);
	assert_non_null(strstr(diff, "+ /etc/hostname f 0600"));
	free(b);
	assert_int_equal(chmod(h, 0644), 0);
	/* a link target, and an added file */
	host_path(t, DEV(VF0) "/physfn", h);
	assert_int_equal(unlink(h), 0);
	assert_int_equal(symlink("../" VF1, h), 0);
	tb_put(t, "/etc/new", "");
	b = snap(t);
	assert_int_equal(treediff_compare(a, b, diff, sizeof(diff)), 1);
	assert_non_null(strstr(diff, "- /sys/devices/pci0000:00/0000:00:03.0/" VF0 "/physfn l ../" PF));
	assert_non_null(strstr(diff, "+ /sys/devices/pci0000:00/0000:00:03.0/" VF0 "/physfn l ../" VF1));
	assert_non_null(strstr(diff, "+ /etc/new f 0644 0 \n"));
	/* a small buffer ends in a mark */
	assert_int_equal(treediff_compare(a, b, diff, 40), 1);
	assert_non_null(strstr(diff, "...\n"));
	assert_true(strlen(diff) < 40);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_attach_only_marked, setup_bare, teardown),
		cmocka_unit_test_setup_teardown(test_attach_refuses_real_sysfs, setup_bare, teardown),
		cmocka_unit_test_setup_teardown(test_passthrough_and_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_override, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unbind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drivers_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_dir_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vfio_group_node_and_viability, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vfio_ioctls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip_bind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip_srpass_bind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_numvfs_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_numvfs_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pf_unbind_disables_sriov, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vfio_pf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sim_all_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faulty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_treediff, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
