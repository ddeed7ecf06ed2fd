/* SPDX-License-Identifier: MIT */
/* srpass tests -- the simulated kernel's fixture, shared by tests/unit/test_simkernel*.c */
#ifndef SRP_SIMKERNEL_FIX_H
#define SRP_SIMKERNEL_FIX_H

/* Everything here is static inline: it asserts with cmocka, and
 * tests/lib is linked without cmocka (into tests/sim/mkhost too). */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/vfio.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/treediff.h"
#include "sim/simkernel.h"
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
static inline void __attribute__((format(printf, 2, 3))) sp(char buf[PATH_MAX], const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && n < PATH_MAX);
}

static inline void host_path(struct tb *t, const char *path, char buf[PATH_MAX])
{
	assert_true(path[0] == '/');
	sp(buf, "%s%s", t->root, path);
}

static inline void mkdir_p(const char *hpath)
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

static inline void tb_dir(struct tb *t, const char *path)
{
	char h[PATH_MAX];

	host_path(t, path, h);
	mkdir_p(h);
}

static inline void tb_put_mode(struct tb *t, const char *path, const char *content, mode_t mode)
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

static inline void tb_put(struct tb *t, const char *path, const char *content)
{
	tb_put_mode(t, path, content, 0644);
}

/* A symlink at path to the relative path from its directory to target,
 * both logical: "../" for each component of the link's directory not
 * shared with target, then the rest of target. */
static inline void tb_link(struct tb *t, const char *path, const char *target)
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

static inline void tb_driver(struct tb *t, const char *name)
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

static inline void dev_dir(const struct tdev *d, char buf[PATH_MAX])
{
	sp(buf, "/sys/devices/%s/%s", d->parent, d->bdf);
}

static inline void tb_dev(struct tb *t, const struct tdev *d)
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

static inline void tb_virtfn(struct tb *t, const struct tdev *pf, unsigned int i,
			     const struct tdev *vf)
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

static inline void build_fixture(struct tb *t)
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

static inline int setup_bare(void **state)
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

static inline int setup(void **state)
{
	struct srp_err err = { 0 };
	struct tb *t;

	setup_bare(state);
	t = *state;
	build_fixture(t);
	assert_int_equal(srp_simkernel_attach(&t->sys, &err), 1);
	return 0;
}

static inline int teardown(void **state)
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

static inline const char *rd(struct tb *t, const char *path)
{
	static char buf[4096];
	ssize_t n = srp_sys_read(&t->sys, path, buf, sizeof(buf) - 1);

	if (n < 0)
		return "<error>";
	buf[n] = '\0';
	return buf;
}

static inline const char *lnk(struct tb *t, const char *path)
{
	static char buf[PATH_MAX];

	if (srp_sys_readlink(&t->sys, path, buf, sizeof(buf)) < 0)
		return "";
	return buf;
}

static inline bool ex(struct tb *t, const char *path)
{
	mode_t m;

	return srp_sys_lstat(&t->sys, path, &m) == 0;
}

static inline int wr(struct tb *t, const char *path, const char *val)
{
	return srp_sys_write_str(&t->sys, path, val);
}

static inline char *snap(struct tb *t)
{
	char *s = NULL;

	assert_int_equal(treediff_snapshot(&t->sys, "/", NULL, &s), 0);
	return s;
}

static inline void assert_same_tree(const char *before, const char *after)
{
	char diff[4096];

	if (treediff_compare(before, after, diff, sizeof(diff)) != 0) {
		print_error("trees differ:\n%s", diff);
		fail();
	}
}

/* The tree through the seam is what before says. */
static inline void assert_tree_is(struct tb *t, const char *before)
{
	char *now = snap(t);

	assert_same_tree(before, now);
	free(now);
}

static inline int group_status(struct tb *t, int group, uint32_t *ret_flags)
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

#endif
