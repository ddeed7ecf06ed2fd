/* SPDX-License-Identifier: MIT */
/* srpass -- a simulated kernel: sysfs writes with the kernel's side effects on a fake tree */
#define _GNU_SOURCE
#include "sim/simkernel.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <linux/vfio.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "srpass/bdf.h"
#include "srpass/err.h"
#include "os/sys.h"
#include "base/util.h"

/*
 * What the simulation emulates is what libvirt's virpcimock does for its
 * tests (bind, unbind, drivers_probe, driver_override), plus sriov_numvfs
 * and the VFIO group ioctls srpass issues, with the kernel's answers
 * (drivers/base/bus.c, drivers/base/driver.c, drivers/pci/pci-sysfs.c,
 * drivers/pci/iov.c, drivers/vfio).  docs/simulation.md has the list and
 * the layout of SRP_SIMKERNEL_DIR.  Writes it does not model pass
 * through to the fake file, as a plain attribute would keep them.
 *
 * Everything goes through the lower layer's ops, except:
 *  - symlink, rename and rmdir, which the seam has no op for (sim_symlink
 *    and friends below, confined like sys.c with openat2 RESOLVE_IN_ROOT);
 *  - fstat/fstatfs on fds the lower ops returned, to recognise them.
 */

#define SIM_DIR		SRP_SIMKERNEL_DIR
#define SIM_PAGE	4096		/* sysfs hands a store at most a page */
#define SIM_MAXLINKS	40		/* as the VFS */
#define SIM_PASS	1		/* a write the simulation leaves to the file */

struct sim_fd {
	int fd;
	dev_t dev;
	ino_t ino;
	int group;			/* IOMMU group, or -1 for /dev/vfio/vfio */
};

struct sim {
	struct srp_sys lower;		/* sys as it was before attach */
	struct sim_fd *fds;		/* /dev/vfio nodes opened through the sim */
	size_t n_fds, cap_fds;
};

/* A PCI function of the fake tree. */
struct sim_dev {
	char name[SRP_BDF_STRLEN];	/* "0000:03:02.0" */
	char dir[PATH_MAX];		/* canonical: "/sys/devices/pci0000:00/.../0000:03:02.0" */
};

static const struct srp_sys_ops sim_ops;
static int sim_probe(struct sim *st, const struct sim_dev *dev);
static int do_unbind(struct sim *st, const struct sim_dev *dev, const char *drv);

/* ---- the lower layer ---- */

static ssize_t l_read(struct sim *st, const char *p, void *b, size_t n)
{
	return st->lower.ops->read(&st->lower, p, b, n);
}

static int l_write(struct sim *st, const char *p, const void *b, size_t n)
{
	return st->lower.ops->write(&st->lower, p, b, n);
}

static ssize_t l_readlink(struct sim *st, const char *p, char *b, size_t n)
{
	return st->lower.ops->readlink(&st->lower, p, b, n);
}

static int l_lstat(struct sim *st, const char *p, mode_t *m)
{
	return st->lower.ops->lstat(&st->lower, p, m);
}

static int l_mkdir(struct sim *st, const char *p, mode_t m)
{
	return st->lower.ops->mkdir(&st->lower, p, m);
}

static int l_unlink(struct sim *st, const char *p)
{
	return st->lower.ops->unlink(&st->lower, p);
}

static bool l_exists(struct sim *st, const char *p)
{
	mode_t m;

	return l_lstat(st, p, &m) == 0;
}

static int l_write_str(struct sim *st, const char *p, const char *s)
{
	return l_write(st, p, s, strlen(s));
}

/* mkdir that accepts an existing directory */
static int l_mkdir_ok(struct sim *st, const char *p)
{
	int r = l_mkdir(st, p, 0755);

	return r == -EEXIST ? 0 : r;
}

/* ---- tree operations the seam lacks ----
 * They take canonical paths (no symlink on the way: RESOLVE_NO_SYMLINKS
 * checks it) below the lower layer's root fd.
 * TODO(seam): symlink, rename and rmdir ops in struct srp_sys_ops, so
 * that decorators below the simulation (tests/lib/faulty) see these too. */

static int sim_open_parent(const struct sim *st, const char *path, const char **ret_base)
{
	if (st->lower.rootfd < 0)
		return -EOPNOTSUPP;
	return srp_sys_open_parent(&st->lower, path, RESOLVE_NO_SYMLINKS, ret_base);
}

static int sim_symlink(struct sim *st, const char *target, const char *path)
{
	const char *base;
	int dfd, r;

	dfd = sim_open_parent(st, path, &base);
	if (dfd < 0)
		return dfd;
	r = symlinkat(target, dfd, base) < 0 ? -errno : 0;
	close(dfd);
	return r;
}

/* Move from to to, which must not exist: a whole directory keeps every
 * byte, mode and link target in it. */
static int sim_rename(struct sim *st, const char *from, const char *to)
{
	const char *fbase, *tbase;
	int fdfd, tdfd, r;

	fdfd = sim_open_parent(st, from, &fbase);
	if (fdfd < 0)
		return fdfd;
	tdfd = sim_open_parent(st, to, &tbase);
	if (tdfd < 0) {
		close(fdfd);
		return tdfd;
	}
	r = renameat2(fdfd, fbase, tdfd, tbase, RENAME_NOREPLACE) < 0 ? -errno : 0;
	close(tdfd);
	close(fdfd);
	return r;
}

static int sim_rmdir(struct sim *st, const char *path)
{
	const char *base;
	int dfd, r;

	dfd = sim_open_parent(st, path, &base);
	if (dfd < 0)
		return dfd;
	r = unlinkat(dfd, base, AT_REMOVEDIR) < 0 ? -errno : 0;
	close(dfd);
	return r;
}

/* Remove a directory of the simulation's own if it is empty. */
static void sim_rmdir_empty(struct sim *st, const char *path)
{
	(void)sim_rmdir(st, path);	/* ENOTEMPTY: still in use */
}

/* ---- paths ---- */

static int __attribute__((format(printf, 2, 3))) pfmt(char buf[PATH_MAX], const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	return (n < 0 || n >= PATH_MAX) ? -ENAMETOOLONG : 0;
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Append the component c (clen bytes) to out (olen bytes); or, for "..",
 * drop its last component, stopping at the root. */
static int path_push(char out[PATH_MAX], size_t *olen, const char *c, size_t clen)
{
	if (clen == 0 || (clen == 1 && c[0] == '.'))
		return 0;
	if (clen == 2 && c[0] == '.' && c[1] == '.') {
		while (*olen > 0 && out[--*olen] != '/')
			;
		out[*olen] = '\0';
		return 0;
	}
	if (*olen + 1 + clen >= PATH_MAX)
		return -ENAMETOOLONG;
	out[*olen] = '/';
	memcpy(out + *olen + 1, c, clen);
	*olen += 1 + clen;
	out[*olen] = '\0';
	return 0;
}

/* dir + "/" + rel (rel alone if absolute) with "." and ".." applied
 * lexically, as the kernel reads a relative link in a canonical dir. */
static int sim_join(const char *dir, const char *rel, char out[PATH_MAX])
{
	char tmp[PATH_MAX];
	size_t olen = 0;
	const char *p, *q;
	int r;

	r = rel[0] == '/' ? pfmt(tmp, "%s", rel) : pfmt(tmp, "%s/%s", dir, rel);
	if (r < 0)
		return r;
	out[0] = '\0';
	for (p = tmp; *p != '\0'; p = *q ? q + 1 : q) {
		q = strchrnul(p, '/');
		r = path_push(out, &olen, p, (size_t)(q - p));
		if (r < 0)
			return r;
	}
	if (olen == 0)
		strcpy(out, "/");
	return 0;
}

/*
 * The canonical form of a logical path: symlinks followed (the last
 * component only if follow_last), "." and ".." applied, ".." stopping at
 * the root and absolute targets starting from it -- what openat2 does
 * with RESOLVE_IN_ROOT, but through the lower ops.
 */
static int sim_resolve(struct sim *st, const char *path, bool follow_last, char out[PATH_MAX])
{
	char rest[PATH_MAX], target[PATH_MAX], tmp[PATH_MAX];
	const char *p, *next, *after;
	size_t olen = 0, clen;
	int links = 0, r;
	mode_t mode;
	ssize_t n;
	bool last;

	if (path[0] != '/')
		return -EINVAL;
	r = pfmt(rest, "%s", path);
	if (r < 0)
		return r;
	out[0] = '\0';
	p = rest;
	for (;;) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		next = strchrnul(p, '/');
		clen = (size_t)(next - p);
		for (after = next; *after == '/'; after++)
			;
		last = *after == '\0';
		if ((clen == 1 && p[0] == '.') || (clen == 2 && p[0] == '.' && p[1] == '.')) {
			path_push(out, &olen, p, clen);
			p = next;
			continue;
		}
		r = path_push(out, &olen, p, clen);
		if (r < 0)
			return r;
		if (last && !follow_last)
			break;
		r = l_lstat(st, out, &mode);
		if (r < 0)
			return r;
		if (S_ISLNK(mode)) {
			if (++links > SIM_MAXLINKS)
				return -ELOOP;
			n = l_readlink(st, out, target, sizeof(target));
			if (n < 0)
				return (int)n;
			/* the link's own component goes; its target is read from its dir */
			path_push(out, &olen, "..", 2);
			if (target[0] == '/') {
				olen = 0;
				out[0] = '\0';
			}
			r = pfmt(tmp, "%s/%s", target, after);
			if (r < 0)
				return r;
			memcpy(rest, tmp, strlen(tmp) + 1);
			p = rest;
			continue;
		}
		if (!last && !S_ISDIR(mode))
			return -ENOTDIR;
		p = next;
	}
	if (olen == 0)
		strcpy(out, "/");
	return 0;
}

/* Resolve everything but the last component of path. */
static int sim_resolve_parent(struct sim *st, const char *path, char dir[PATH_MAX],
			      const char **ret_base)
{
	const char *slash = strrchr(path, '/'), *base;
	char tmp[PATH_MAX];
	size_t n;

	if (path[0] != '/' || slash == NULL)
		return -EINVAL;
	base = slash + 1;
	if (base[0] == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return -EINVAL;
	n = (size_t)(slash - path);
	if (n >= sizeof(tmp))
		return -ENAMETOOLONG;
	if (n == 0)
		n = 1;
	memcpy(tmp, path, n);
	tmp[n] = '\0';
	*ret_base = base;
	return sim_resolve(st, tmp, true, dir);
}

/* The relative link target from directory from to to, both canonical:
 * what sysfs writes (kernfs_get_target_path). */
static int sim_relpath(const char *from, const char *to, char out[PATH_MAX])
{
	size_t i = 0, common, len = 0, up = 0;
	const char *p, *rest;

	while (from[i] != '\0' && from[i] == to[i])
		i++;
	common = i;
	if (!((from[i] == '\0' || from[i] == '/') && (to[i] == '\0' || to[i] == '/')))
		while (common > 0 && from[common] != '/')
			common--;
	for (p = from + common; *p != '\0'; p++)
		if (*p == '/' && p[1] != '/' && p[1] != '\0')
			up++;
	rest = to + common;
	while (*rest == '/')
		rest++;
	out[0] = '\0';
	for (; up > 0; up--) {
		if (len + 3 >= PATH_MAX)
			return -ENAMETOOLONG;
		memcpy(out + len, "../", 4);
		len += 3;
	}
	if (len + strlen(rest) >= PATH_MAX)
		return -ENAMETOOLONG;
	strcpy(out + len, rest);
	len += strlen(rest);
	if (len > 0 && out[len - 1] == '/')
		out[len - 1] = '\0';
	if (out[0] == '\0')
		strcpy(out, ".");
	return 0;
}

/* ---- reading the tree ---- */

/* A one-line value without its newline; -ENOENT if absent. */
static int read_str(struct sim *st, const char *path, char *buf, size_t len)
{
	char raw[SIM_PAGE];
	ssize_t n;

	n = l_read(st, path, raw, sizeof(raw) - 1);
	if (n < 0)
		return (int)n;
	if (n > 0 && raw[n - 1] == '\n')
		n--;
	raw[n] = '\0';
	if (strlen(raw) >= len)
		return -EINVAL;
	strcpy(buf, raw);
	return 0;
}

static int read_ulong(struct sim *st, const char *path, unsigned long *ret)
{
	char buf[64];
	int r;

	r = read_str(st, path, buf, sizeof(buf));
	if (r < 0)
		return r;
	return srp_parse_ulong(buf, 10, 0, ULONG_MAX, ret) < 0 ? -EINVAL : 0;
}

/* The last component of the target of the link at path. */
static int link_base(struct sim *st, const char *path, char *buf, size_t len)
{
	char target[PATH_MAX];
	const char *base;
	ssize_t n;

	n = l_readlink(st, path, target, sizeof(target));
	if (n < 0)
		return (int)n;
	base = basename_of(target);
	if (base[0] == '\0' || strlen(base) >= len)
		return -EINVAL;
	strcpy(buf, base);
	return 0;
}

struct names {
	char **v;
	size_t n, cap;
};

static int names_add(const char *name, unsigned char d_type, void *arg)
{
	struct names *ns = arg;

	(void)d_type;
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? 2 * ns->cap : 16;
		char **v = realloc(ns->v, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		ns->v = v;
		ns->cap = cap;
	}
	ns->v[ns->n] = strdup(name);
	if (ns->v[ns->n] == NULL)
		return -ENOMEM;
	ns->n++;
	return 0;
}

static void names_free(struct names *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
	memset(ns, 0, sizeof(*ns));
}

static int names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of directory path, sorted. */
static int names_list(struct sim *st, const char *path, struct names *ns)
{
	int r;

	memset(ns, 0, sizeof(*ns));
	r = st->lower.ops->listdir(&st->lower, path, names_add, ns);
	if (r < 0) {
		names_free(ns);
		return r;
	}
	if (ns->n > 1)
		qsort(ns->v, ns->n, sizeof(*ns->v), names_cmp);
	return 0;
}

/* ---- drivers and devices ---- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* vfio-pci and its variant drivers (mlx5_vfio_pci, hisi_acc_vfio_pci, ...) */
static bool drv_is_vfio(const char *drv)
{
	return strcmp(drv, "vfio-pci") == 0 || ends_with(drv, "_vfio_pci");
}

/* Drivers that hold a device for a guest and register no netdev. */
static bool drv_is_stub(const char *drv)
{
	return drv_is_vfio(drv) || strcmp(drv, "pci-stub") == 0 || strcmp(drv, "pciback") == 0;
}

static bool drv_name_ok(const char *drv)
{
	return drv[0] != '\0' && strchr(drv, '/') == NULL && strlen(drv) <= NAME_MAX &&
	       strcmp(drv, ".") != 0 && strcmp(drv, "..") != 0;
}

/* A driver is there (its module loaded) when its directory is. */
static bool drv_loaded(struct sim *st, const char *drv)
{
	char path[PATH_MAX];
	mode_t mode;

	return drv_name_ok(drv) && pfmt(path, "/sys/bus/pci/drivers/%s", drv) == 0 &&
	       l_lstat(st, path, &mode) == 0 && S_ISDIR(mode);
}

/* The device named exactly name, as bus_find_device_by_name() finds it:
 * no short forms, no upper case.  -ENODEV if there is none. */
static int dev_lookup(struct sim *st, const char *name, struct sim_dev *ret)
{
	char canon[SRP_BDF_STRLEN], path[PATH_MAX];
	struct srp_bdf addr;
	mode_t mode;
	int r;

	if (strlen(name) != SRP_BDF_STRLEN - 1 || srp_bdf_parse(name, &addr) < 0)
		return -ENODEV;
	if (strcmp(srp_bdf_format(&addr, canon), name) != 0)
		return -ENODEV;
	r = pfmt(path, "/sys/bus/pci/devices/%s", name);
	if (r < 0)
		return r;
	r = sim_resolve(st, path, true, ret->dir);
	if (r == -ENOENT || r == -ENOTDIR)
		return -ENODEV;
	if (r < 0)
		return r;
	r = l_lstat(st, ret->dir, &mode);
	if (r < 0)
		return r;
	if (!S_ISDIR(mode))
		return -ENODEV;
	strcpy(ret->name, name);
	return 0;
}

/* Is the canonical directory dir a PCI function's? */
static int dev_from_dir(struct sim *st, const char *dir, struct sim_dev *ret)
{
	int r;

	if (!under(dir, "/sys/devices"))
		return -ENODEV;
	r = dev_lookup(st, basename_of(dir), ret);
	if (r < 0)
		return r;
	return strcmp(ret->dir, dir) == 0 ? 0 : -ENODEV;
}

static int dev_path(const struct sim_dev *dev, const char *attr, char buf[PATH_MAX])
{
	return pfmt(buf, "%s/%s", dev->dir, attr);
}

/* The bound driver's name, "" if none. */
static int dev_driver(struct sim *st, const struct sim_dev *dev, char drv[NAME_MAX + 1])
{
	char path[PATH_MAX];
	int r;

	r = dev_path(dev, "driver", path);
	if (r == 0)
		r = link_base(st, path, drv, NAME_MAX + 1);
	if (r == -ENOENT) {
		drv[0] = '\0';
		r = 0;
	}
	return r;
}

/* driver_override, "" if unset ("(null)") or absent. */
static int dev_override(struct sim *st, const struct sim_dev *dev, char buf[NAME_MAX + 1])
{
	char path[PATH_MAX];
	int r;

	r = dev_path(dev, "driver_override", path);
	if (r == 0)
		r = read_str(st, path, buf, NAME_MAX + 1);
	if (r == -ENOENT || (r == 0 && strcmp(buf, "(null)") == 0)) {
		buf[0] = '\0';
		r = 0;
	}
	return r;
}

/* The IOMMU group number; -ENOENT without one. */
static int dev_group(struct sim *st, const struct sim_dev *dev, int *ret)
{
	char path[PATH_MAX], name[32];
	unsigned long g;
	int r;

	r = dev_path(dev, "iommu_group", path);
	if (r == 0)
		r = link_base(st, path, name, sizeof(name));
	if (r < 0)
		return r;
	if (srp_parse_ulong(name, 10, 0, INT_MAX, &g) < 0)
		return -EINVAL;
	*ret = (int)g;
	return 0;
}

/* An unsigned attribute; 0 if the device has none. */
static int dev_ulong(struct sim *st, const struct sim_dev *dev, const char *attr,
		     unsigned long *ret)
{
	char path[PATH_MAX];
	int r;

	r = dev_path(dev, attr, path);
	if (r == 0)
		r = read_ulong(st, path, ret);
	if (r == -ENOENT) {
		*ret = 0;
		r = 0;
	}
	return r;
}

/*
 * The driver a probe without driver_override finds: the one whose ID
 * table matches, which the tree builder records in default-driver/<BDF>.
 * A VF without one takes default-vf-driver/<PF BDF>.  -ENOENT: none.
 */
static int dev_default_driver(struct sim *st, const struct sim_dev *dev, char drv[NAME_MAX + 1])
{
	char path[PATH_MAX], pf[NAME_MAX + 1];
	int r;

	r = pfmt(path, SIM_DIR "/default-driver/%s", dev->name);
	if (r == 0)
		r = read_str(st, path, drv, NAME_MAX + 1);
	if (r == -ENOENT) {
		r = dev_path(dev, "physfn", path);
		if (r == 0)
			r = link_base(st, path, pf, sizeof(pf));
		if (r == -EINVAL)
			r = -ENOENT;	/* physfn is not a link: not a VF */
		if (r == 0)
			r = pfmt(path, SIM_DIR "/default-vf-driver/%s", pf);
		if (r == 0)
			r = read_str(st, path, drv, NAME_MAX + 1);
	}
	if (r == 0 && !drv_name_ok(drv))
		r = -ENOENT;
	return r;
}

/* `enable` reads 1 while a driver has the device enabled: network
 * drivers do in probe; vfio-pci, pci-stub and pciback leave it to the
 * user (vfio enables it when a guest opens it). */
static int set_enable(struct sim *st, const struct sim_dev *dev, bool on)
{
	char path[PATH_MAX], cur[32];
	int r;

	r = dev_path(dev, "enable", path);
	if (r == 0)
		r = read_str(st, path, cur, sizeof(cur));
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if ((strcmp(cur, "0") != 0) == on)
		return 0;
	return l_write_str(st, path, on ? "1\n" : "0\n");
}

/* ---- VFIO groups ---- */

/* The bound driver of group member m, "" if none. */
static int member_driver(struct sim *st, int g, const char *m, char drv[NAME_MAX + 1])
{
	char path[PATH_MAX];
	int r;

	r = pfmt(path, "/sys/kernel/iommu_groups/%d/devices/%s/driver", g, m);
	if (r == 0)
		r = link_base(st, path, drv, NAME_MAX + 1);
	if (r == -ENOENT) {
		drv[0] = '\0';
		r = 0;
	}
	return r;
}

static bool is_bdf(const char *name)
{
	struct srp_bdf a;

	return strlen(name) == SRP_BDF_STRLEN - 1 && srp_bdf_parse(name, &a) == 0;
}

/*
 * Walk the PCI members of group g but except: with want_vfio, 1 if one
 * is bound to a VFIO driver; without, 1 if one is bound to a driver
 * that makes the group not viable.  Drivers that leave DMA to vfio
 * (driver_managed_dma: vfio drivers, pci-stub, pcieport) and no driver
 * at all keep a group viable.
 */
static int group_scan(struct sim *st, int g, const char *except, bool want_vfio)
{
	char path[PATH_MAX], drv[NAME_MAX + 1];
	struct names ns;
	int r, found = 0;

	r = pfmt(path, "/sys/kernel/iommu_groups/%d/devices", g);
	if (r == 0)
		r = names_list(st, path, &ns);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ns.n && !found; i++) {
		if (!is_bdf(ns.v[i]) || (except && strcmp(ns.v[i], except) == 0))
			continue;
		r = member_driver(st, g, ns.v[i], drv);
		if (r < 0)
			break;
		if (want_vfio)
			found = drv_is_vfio(drv);
		else
			found = drv[0] != '\0' && !drv_is_vfio(drv) && strcmp(drv, "pci-stub") != 0 &&
				strcmp(drv, "pcieport") != 0;
	}
	names_free(&ns);
	return r < 0 ? r : found;
}

static int group_viable(struct sim *st, int g)
{
	int r = group_scan(st, g, NULL, false);

	return r < 0 ? r : !r;
}

/* vfio makes /dev/vfio/<group> when the first device of a group
 * registers (a regular file stands for the char device); *ret_made
 * says whether this call made it. */
static int vfio_node_get(struct sim *st, int g, bool *ret_made)
{
	char node[PATH_MAX];
	int r;

	*ret_made = false;
	r = pfmt(node, "/dev/vfio/%d", g);
	if (r < 0)
		return r;
	if (l_exists(st, node))
		return 0;
	r = l_mkdir_ok(st, "/dev/vfio");
	if (r < 0)
		return r;
	r = st->lower.ops->replace(&st->lower, node, "", 0, 0600);
	if (r < 0) {
		sim_rmdir_empty(st, "/dev/vfio");
		return r;
	}
	*ret_made = true;
	return 0;
}

/* ... and removes it with the last; devtmpfs drops the emptied dir. */
static int vfio_node_put(struct sim *st, int g)
{
	char node[PATH_MAX];
	int r;

	r = pfmt(node, "/dev/vfio/%d", g);
	if (r == 0)
		r = l_unlink(st, node);
	if (r < 0 && r != -ENOENT)
		return r;
	sim_rmdir_empty(st, "/dev/vfio");
	return 0;
}

/* ---- netdevs ----
 * A network driver's remove unregisters the device's netdevs: net/<if>
 * and /sys/class/net/<if> go, and come back when a network driver binds
 * again.  Meanwhile they wait, moved whole, in parked/<BDF>/. */

/* Move the links parked in pdir/class-net back to /sys/class/net. */
static int class_net_unpark(struct sim *st, const char *pdir)
{
	char cdir[PATH_MAX], from[PATH_MAX], to[PATH_MAX];
	struct names ns;
	int r;

	r = pfmt(cdir, "%s/class-net", pdir);
	if (r < 0)
		return r;
	r = names_list(st, cdir, &ns);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	for (size_t i = 0; i < ns.n && r == 0; i++) {
		r = pfmt(from, "%s/%s", cdir, ns.v[i]);
		if (r == 0)
			r = pfmt(to, "/sys/class/net/%s", ns.v[i]);
		if (r == 0)
			r = sim_rename(st, from, to);
	}
	names_free(&ns);
	if (r == 0)
		r = sim_rmdir(st, cdir);
	return r;
}

static int net_park(struct sim *st, const struct sim_dev *dev, bool *ret_parked)
{
	char net[PATH_MAX], pdir[PATH_MAX], pnet[PATH_MAX], cdir[PATH_MAX], link[PATH_MAX];
	char target[PATH_MAX], abs[PATH_MAX], want[PATH_MAX], dst[PATH_MAX];
	bool made_cdir = false;
	struct names ns;
	mode_t mode;
	int r;

	*ret_parked = false;
	r = dev_path(dev, "net", net);
	if (r == 0)
		r = l_lstat(st, net, &mode);
	if (r == -ENOENT || (r == 0 && !S_ISDIR(mode)))
		return 0;
	if (r < 0)
		return r;
	r = names_list(st, net, &ns);
	if (r < 0)
		return r;
	r = l_mkdir_ok(st, SIM_DIR "/parked");
	if (r == 0)
		r = pfmt(pdir, SIM_DIR "/parked/%s", dev->name);
	if (r == 0)
		r = l_mkdir(st, pdir, 0755);	/* EEXIST: a stale park, not ours to merge */
	if (r < 0)
		goto out;
	r = pfmt(pnet, "%s/net", pdir);
	if (r == 0)
		r = pfmt(cdir, "%s/class-net", pdir);
	if (r == 0)
		r = sim_rename(st, net, pnet);
	if (r < 0)
		goto out_pdir;
	for (size_t i = 0; i < ns.n; i++) {
		if (pfmt(link, "/sys/class/net/%s", ns.v[i]) < 0 ||
		    l_readlink(st, link, target, sizeof(target)) < 0)
			continue;
		/* only the class link that points at this device's netdev */
		if (sim_join("/sys/class/net", target, abs) < 0 ||
		    pfmt(want, "%s/%s", net, ns.v[i]) < 0 || strcmp(abs, want) != 0)
			continue;
		if (!made_cdir) {
			r = l_mkdir(st, cdir, 0755);
			if (r < 0)
				goto out_links;
			made_cdir = true;
		}
		r = pfmt(dst, "%s/%s", cdir, ns.v[i]);
		if (r == 0)
			r = sim_rename(st, link, dst);
		if (r < 0)
			goto out_links;
	}
	names_free(&ns);
	*ret_parked = true;
	return 0;

out_links:
	if (made_cdir)
		(void)class_net_unpark(st, pdir);
	(void)sim_rename(st, pnet, net);
out_pdir:
	sim_rmdir_empty(st, pdir);
out:
	sim_rmdir_empty(st, SIM_DIR "/parked");
	names_free(&ns);
	return r;
}

static int net_unpark(struct sim *st, const struct sim_dev *dev, bool *ret_restored)
{
	char net[PATH_MAX], pdir[PATH_MAX], pnet[PATH_MAX];
	int r;

	*ret_restored = false;
	r = pfmt(pdir, SIM_DIR "/parked/%s", dev->name);
	if (r == 0)
		r = pfmt(pnet, "%s/net", pdir);
	if (r == 0)
		r = dev_path(dev, "net", net);
	if (r < 0)
		return r;
	if (!l_exists(st, pnet) || l_exists(st, net))
		return 0;
	r = sim_rename(st, pnet, net);
	if (r < 0)
		return r;
	r = class_net_unpark(st, pdir);
	if (r < 0) {
		(void)sim_rename(st, net, pnet);
		return r;
	}
	sim_rmdir_empty(st, pdir);
	sim_rmdir_empty(st, SIM_DIR "/parked");
	*ret_restored = true;
	return 0;
}

/* ---- binding ---- */

/* What a driver's probe checks before it takes dev: 0, or the error the
 * probe fails with. */
static int probe_check(struct sim *st, const struct sim_dev *dev, const char *drv)
{
	unsigned long numvfs;
	int g, r;

	if (!drv_is_vfio(drv))
		return 0;
	/* vfio_pci_probe(): "Cannot bind to PF with SR-IOV enabled" */
	r = dev_ulong(st, dev, "sriov_numvfs", &numvfs);
	if (r < 0)
		return r;
	if (numvfs > 0)
		return -EBUSY;
	/* no IOMMU group, no VFIO device (no-IOMMU mode is not simulated) */
	r = dev_group(st, dev, &g);
	return r == -ENOENT ? -EINVAL : r;
}

/* The driver link, the driver's back link, the VFIO node, the netdevs
 * and `enable`: what really_probe() and a successful probe leave. */
static int do_bind(struct sim *st, const struct sim_dev *dev, const char *drv)
{
	char drvdir[PATH_MAX], link[PATH_MAX], back[PATH_MAX], target[PATH_MAX];
	bool stub = drv_is_stub(drv), vfio = drv_is_vfio(drv), node = false, net = false;
	int g = -1, r;

	r = pfmt(drvdir, "/sys/bus/pci/drivers/%s", drv);
	if (r == 0)
		r = sim_resolve(st, drvdir, true, drvdir);
	if (r == 0)
		r = dev_path(dev, "driver", link);
	if (r == 0)
		r = pfmt(back, "%s/%s", drvdir, dev->name);
	if (r == 0 && vfio)
		r = dev_group(st, dev, &g);
	if (r == 0)
		r = sim_relpath(dev->dir, drvdir, target);
	if (r == 0)
		r = sim_symlink(st, target, link);
	if (r < 0)
		return r;
	r = sim_relpath(drvdir, dev->dir, target);
	if (r == 0)
		r = sim_symlink(st, target, back);
	if (r < 0)
		goto out_link;
	if (vfio) {
		r = vfio_node_get(st, g, &node);
		if (r < 0)
			goto out_back;
	}
	if (!stub) {
		r = net_unpark(st, dev, &net);
		if (r < 0)
			goto out_node;
	}
	r = set_enable(st, dev, !stub);
	if (r < 0)
		goto out_net;
	return 0;

out_net:
	if (net)
		(void)net_park(st, dev, &net);
out_node:
	if (node)
		(void)vfio_node_put(st, g);
out_back:
	(void)l_unlink(st, back);
out_link:
	(void)l_unlink(st, link);
	return r;
}

/*
 * bus_rescan_devices_helper(), as drivers_probe and autoprobe run it:
 * an unbound device goes to the driver that matches it -- only the one
 * driver_override names if it is set, else its default driver -- if
 * that driver is loaded.  A probe that fails leaves it unbound, and is
 * not an error: the write succeeds and the driver link never comes.
 */
static int sim_probe(struct sim *st, const struct sim_dev *dev)
{
	char cur[NAME_MAX + 1], drv[NAME_MAX + 1];
	int r;

	r = dev_driver(st, dev, cur);
	if (r < 0 || cur[0] != '\0')
		return r;
	r = dev_override(st, dev, drv);
	if (r == 0 && drv[0] == '\0')
		r = dev_default_driver(st, dev, drv);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (!drv_loaded(st, drv) || probe_check(st, dev, drv) != 0)
		return 0;
	return do_bind(st, dev, drv);
}

/* ---- SR-IOV ----
 * VFs that sriov_numvfs takes away wait in vfs/<PF>/virtfn<i>/, moved
 * whole: the PF's virtfn link (virtfn), the VF's directory (device), its
 * bus link (bus), its IOMMU group directory if it was alone in it (group)
 * or else its entry in the group (group-member), and its entries under
 * /sys/class/iommu/<unit>/devices (iommu/<unit>).  Enabling VFs brings
 * parked ones back; there is no creating VFs from nothing. */

static int park_path(const struct sim_dev *pf, unsigned long i, const char *what,
		     char buf[PATH_MAX])
{
	if (what == NULL)
		return pfmt(buf, SIM_DIR "/vfs/%s/virtfn%lu", pf->name, i);
	return pfmt(buf, SIM_DIR "/vfs/%s/virtfn%lu/%s", pf->name, i, what);
}

/* The canonical path of a device's entry in IOMMU unit's devices/
 * (/sys/class/iommu/<unit> is a link to /sys/devices/virtual/iommu/). */
static int iommu_unit_entry(struct sim *st, const char *unit, const char *name,
			    char buf[PATH_MAX])
{
	char dir[PATH_MAX];
	int r;

	r = pfmt(dir, "/sys/class/iommu/%s/devices", unit);
	if (r == 0)
		r = sim_resolve(st, dir, true, dir);
	if (r == 0)
		r = pfmt(buf, "%s/%s", dir, name);
	return r;
}

/* Where VF i lives (or lived): its name and directory, from the virtfn
 * link, parked or not. */
static int vf_where(struct sim *st, const struct sim_dev *pf, unsigned long i,
		    struct sim_dev *ret)
{
	char link[PATH_MAX], target[PATH_MAX];
	const char *name;
	ssize_t n;
	int r;

	r = park_path(pf, i, "virtfn", link);
	if (r < 0)
		return r;
	n = l_readlink(st, link, target, sizeof(target));
	if (n == -ENOENT) {
		r = pfmt(link, "%s/virtfn%lu", pf->dir, i);
		if (r < 0)
			return r;
		n = l_readlink(st, link, target, sizeof(target));
	}
	if (n < 0)
		return n == -ENOENT ? -EIO : (int)n;
	r = sim_join(pf->dir, target, ret->dir);
	if (r < 0)
		return r;
	name = basename_of(ret->dir);
	if (!is_bdf(name))
		return -EIO;
	strcpy(ret->name, name);
	return 0;
}

/* Bring back whatever of VF i is parked.  Stops at the first failure. */
static int vf_unpark(struct sim *st, const struct sim_dev *pf, unsigned long i,
		     struct sim_dev *ret_vf)
{
	char park[PATH_MAX], from[PATH_MAX], to[PATH_MAX], gdir[PATH_MAX];
	struct sim_dev vf;
	struct names ns;
	int g = -1, r;

	r = vf_where(st, pf, i, &vf);
	if (r == 0)
		r = park_path(pf, i, NULL, park);
	if (r == 0)
		r = pfmt(from, "%s/device", park);
	if (r == 0 && l_exists(st, from))
		r = sim_rename(st, from, vf.dir);
	if (r == 0 && dev_group(st, &vf, &g) < 0)
		g = -1;
	if (r == 0)
		r = pfmt(from, "%s/bus", park);
	if (r == 0)
		r = pfmt(to, "/sys/bus/pci/devices/%s", vf.name);
	if (r == 0 && l_exists(st, from))
		r = sim_rename(st, from, to);
	if (r == 0 && g >= 0) {
		r = pfmt(gdir, "/sys/kernel/iommu_groups/%d", g);
		if (r == 0)
			r = pfmt(from, "%s/group", park);
		if (r == 0 && l_exists(st, from))
			r = sim_rename(st, from, gdir);
		if (r == 0)
			r = pfmt(from, "%s/group-member", park);
		if (r == 0)
			r = pfmt(to, "%s/devices/%s", gdir, vf.name);
		if (r == 0 && l_exists(st, from))
			r = sim_rename(st, from, to);
	}
	if (r == 0)
		r = pfmt(gdir, "%s/iommu", park);
	if (r == 0 && names_list(st, gdir, &ns) == 0) {
		for (size_t k = 0; k < ns.n && r == 0; k++) {
			r = pfmt(from, "%s/%s", gdir, ns.v[k]);
			if (r == 0)
				r = iommu_unit_entry(st, ns.v[k], vf.name, to);
			if (r == 0)
				r = sim_rename(st, from, to);
		}
		names_free(&ns);
		if (r == 0)
			sim_rmdir_empty(st, gdir);
	}
	if (r == 0)
		r = pfmt(from, "%s/virtfn", park);
	if (r == 0)
		r = pfmt(to, "%s/virtfn%lu", pf->dir, i);
	if (r == 0 && l_exists(st, from))
		r = sim_rename(st, from, to);
	if (r < 0)
		return r;
	sim_rmdir_empty(st, park);
	if (pfmt(park, SIM_DIR "/vfs/%s", pf->name) == 0)
		sim_rmdir_empty(st, park);
	sim_rmdir_empty(st, SIM_DIR "/vfs");
	if (ret_vf)
		*ret_vf = vf;
	return 0;
}

/* pci_iov_remove_virtfn(): the VF's driver goes, then the VF. */
static int vf_park(struct sim *st, const struct sim_dev *pf, unsigned long i)
{
	char park[PATH_MAX], path[PATH_MAX], to[PATH_MAX], drv[NAME_MAX + 1];
	struct sim_dev vf, found;
	struct names units = { 0 };
	unsigned long members = 0;
	int g = -1, r;

	r = vf_where(st, pf, i, &vf);
	if (r == 0 && (dev_lookup(st, vf.name, &found) < 0 || strcmp(found.dir, vf.dir) != 0))
		r = -EIO;	/* virtfn points at no device of the bus */
	if (r == 0)
		r = dev_driver(st, &vf, drv);
	if (r == 0 && drv[0] != '\0')
		r = do_unbind(st, &vf, drv);
	if (r < 0)
		return r;
	if (dev_group(st, &vf, &g) < 0)
		g = -1;
	r = l_mkdir_ok(st, SIM_DIR "/vfs");
	if (r == 0)
		r = pfmt(path, SIM_DIR "/vfs/%s", pf->name);
	if (r == 0)
		r = l_mkdir_ok(st, path);
	if (r == 0)
		r = park_path(pf, i, NULL, park);
	if (r == 0)
		r = l_mkdir(st, park, 0755);
	if (r < 0)
		goto undo;

	r = pfmt(path, "%s/virtfn%lu", pf->dir, i);
	if (r == 0)
		r = pfmt(to, "%s/virtfn", park);
	if (r == 0)
		r = sim_rename(st, path, to);
	if (r == 0)
		r = pfmt(path, "/sys/bus/pci/devices/%s", vf.name);
	if (r == 0)
		r = pfmt(to, "%s/bus", park);
	if (r == 0)
		r = sim_rename(st, path, to);
	if (r < 0)
		goto undo;
	if (g >= 0) {
		struct names ns;

		r = pfmt(path, "/sys/kernel/iommu_groups/%d/devices", g);
		if (r == 0)
			r = names_list(st, path, &ns);
		if (r == 0) {
			members = ns.n;
			names_free(&ns);
		}
		/* the group goes with its last device */
		if (r == 0 && members == 1) {
			r = pfmt(path, "/sys/kernel/iommu_groups/%d", g);
			if (r == 0)
				r = pfmt(to, "%s/group", park);
		} else if (r == 0) {
			r = pfmt(path, "/sys/kernel/iommu_groups/%d/devices/%s", g, vf.name);
			if (r == 0)
				r = pfmt(to, "%s/group-member", park);
		}
		if (r == 0 && l_exists(st, path))
			r = sim_rename(st, path, to);
		if (r < 0)
			goto undo;
	}
	if (names_list(st, "/sys/class/iommu", &units) == 0) {
		bool made = false;

		for (size_t k = 0; k < units.n && r == 0; k++) {
			if (iommu_unit_entry(st, units.v[k], vf.name, path) < 0 ||
			    !l_exists(st, path))
				continue;
			if (!made) {
				r = pfmt(to, "%s/iommu", park);
				if (r == 0)
					r = l_mkdir(st, to, 0755);
				made = r == 0;
			}
			if (r == 0)
				r = pfmt(to, "%s/iommu/%s", park, units.v[k]);
			if (r == 0)
				r = sim_rename(st, path, to);
		}
		names_free(&units);
		if (r < 0)
			goto undo;
	}
	r = pfmt(to, "%s/device", park);
	if (r == 0)
		r = sim_rename(st, vf.dir, to);
	if (r < 0)
		goto undo;
	return 0;

undo:
	(void)vf_unpark(st, pf, i, NULL);
	(void)sim_probe(st, &vf);
	return r;
}

/* The PF's driver's sriov_configure(pdev, 0). */
static int sriov_disable(struct sim *st, const struct sim_dev *pf, unsigned long cur)
{
	char path[PATH_MAX];
	unsigned long i, parked = 0;
	struct sim_dev vf;
	int r;

	for (i = 0; i < cur; i++) {
		r = pfmt(path, "%s/virtfn%lu", pf->dir, i);
		if (r < 0)
			return r;
		if (!l_exists(st, path))
			return -EIO;	/* sriov_numvfs and the tree disagree */
	}
	for (i = cur; i-- > 0; parked++) {
		r = vf_park(st, pf, i);
		if (r < 0)
			goto undo;
	}
	r = dev_path(pf, "sriov_numvfs", path);
	if (r == 0)
		r = l_write_str(st, path, "0\n");
	if (r == 0)
		return 0;
undo:
	for (i = cur - parked; i < cur; i++)
		if (vf_unpark(st, pf, i, &vf) == 0)
			(void)sim_probe(st, &vf);
	return r;
}

/* The PF's driver's sriov_configure(pdev, n), from parked VFs. */
static int sriov_enable(struct sim *st, const struct sim_dev *pf, unsigned long n)
{
	char path[PATH_MAX], pfdrv[NAME_MAX + 1], val[NAME_MAX + 2];
	unsigned long i, autoprobe = 1;
	struct sim_dev vf;
	int r;

	for (i = 0; i < n; i++) {
		r = park_path(pf, i, "device", path);
		if (r < 0)
			return r;
		if (!l_exists(st, path))
			return -EOPNOTSUPP;	/* only parked VFs can come back */
	}
	r = dev_driver(st, pf, pfdrv);
	if (r == 0)
		r = dev_path(pf, "sriov_drivers_autoprobe", path);
	if (r == 0)
		r = read_ulong(st, path, &autoprobe);
	if (r == -ENOENT)
		r = 0;
	if (r < 0)
		return r;
	/* vfio_pci_core's bus notifier gives a vfio PF's new VFs its driver */
	snprintf(val, sizeof(val), "%s\n", drv_is_vfio(pfdrv) ? pfdrv : "(null)");
	for (i = 0; i < n; i++) {
		r = vf_unpark(st, pf, i, &vf);
		if (r < 0)
			goto undo;
		r = dev_path(&vf, "driver_override", path);
		if (r == 0 && l_exists(st, path))
			r = l_write_str(st, path, val);
		if (r == 0 && autoprobe)
			r = sim_probe(st, &vf);
		if (r < 0) {
			i++;
			goto undo;
		}
	}
	r = dev_path(pf, "sriov_numvfs", path);
	if (r == 0) {
		snprintf(val, sizeof(val), "%lu\n", n);
		r = l_write_str(st, path, val);
	}
	if (r == 0)
		return 0;
undo:
	while (i-- > 0)
		(void)vf_park(st, pf, i);
	return r;
}

/* ---- unbinding ---- */

/* device_release_driver(): the driver's remove (a PF's disables SR-IOV
 * first -- igb, ice, i40e, ixgbe, mlx5, bnxt and vfio-pci all do; a
 * network driver's unregisters its netdevs), then the links go. */
static int do_unbind(struct sim *st, const struct sim_dev *dev, const char *drv)
{
	char link[PATH_MAX], back[PATH_MAX], drvdir[PATH_MAX];
	char ltarget[PATH_MAX], btarget[PATH_MAX];
	bool stub = drv_is_stub(drv), net = false, node = false, has_back = false;
	unsigned long numvfs = 0;
	int g = -1, r;
	ssize_t n;

	r = dev_ulong(st, dev, "sriov_numvfs", &numvfs);
	if (r == 0 && numvfs > 0)
		r = sriov_disable(st, dev, numvfs);
	if (r < 0)
		return r;
	if (!stub) {
		r = net_park(st, dev, &net);
		if (r < 0)
			goto out_sriov;
	}
	r = dev_path(dev, "driver", link);
	if (r == 0)
		r = sim_resolve(st, link, true, drvdir);
	if (r == 0)
		r = pfmt(back, "%s/%s", drvdir, dev->name);
	if (r < 0)
		goto out_net;
	n = l_readlink(st, link, ltarget, sizeof(ltarget));
	if (n < 0) {
		r = (int)n;
		goto out_net;
	}
	has_back = l_readlink(st, back, btarget, sizeof(btarget)) >= 0;
	if (drv_is_vfio(drv) && dev_group(st, dev, &g) == 0) {
		r = group_scan(st, g, dev->name, true);
		if (r == 0) {
			r = vfio_node_put(st, g);
			node = r == 0;
		} else if (r > 0) {
			r = 0;
		}
		if (r < 0)
			goto out_net;
	}
	if (has_back) {
		r = l_unlink(st, back);
		if (r < 0)
			goto out_node;
	}
	r = l_unlink(st, link);
	if (r < 0)
		goto out_back;
	r = set_enable(st, dev, false);
	if (r < 0)
		goto out_link;
	return 0;

out_link:
	(void)sim_symlink(st, ltarget, link);
out_back:
	if (has_back)
		(void)sim_symlink(st, btarget, back);
out_node:
	if (node)
		(void)vfio_node_get(st, g, &node);
out_net:
	if (net)
		(void)net_unpark(st, dev, &net);
out_sriov:
	if (numvfs > 0)
		(void)sriov_enable(st, dev, numvfs);
	return r;
}

/* ---- attribute stores ---- */

/* The device a bind/unbind/drivers_probe value names: sysfs_streq()
 * allows one trailing newline, nothing else. */
static int value_dev(struct sim *st, char *val, struct sim_dev *ret)
{
	size_t n = strlen(val);

	if (n > 0 && val[n - 1] == '\n')
		val[n - 1] = '\0';
	return dev_lookup(st, val, ret);
}

/* bind_store(): the driver must match (driver_override, else its ID
 * table), then the device must be free, then the probe must accept it. */
static int bind_store(struct sim *st, const char *drv, char *val)
{
	char want[NAME_MAX + 1], cur[NAME_MAX + 1];
	struct sim_dev dev;
	int r;

	r = value_dev(st, val, &dev);
	if (r == 0)
		r = dev_override(st, &dev, want);
	if (r == 0 && want[0] == '\0')
		r = dev_default_driver(st, &dev, want);
	if (r == -ENOENT || (r == 0 && strcmp(want, drv) != 0))
		return -ENODEV;
	if (r == 0)
		r = dev_driver(st, &dev, cur);
	if (r == 0 && cur[0] != '\0')
		return -EBUSY;
	if (r == 0)
		r = probe_check(st, &dev, drv);
	if (r == 0)
		r = do_bind(st, &dev, drv);
	return r;
}

/* unbind_store(): only from the driver the device is bound to. */
static int unbind_store(struct sim *st, const char *drv, char *val)
{
	char cur[NAME_MAX + 1];
	struct sim_dev dev;
	int r;

	r = value_dev(st, val, &dev);
	if (r == 0)
		r = dev_driver(st, &dev, cur);
	if (r == 0 && strcmp(cur, drv) != 0)
		return -ENODEV;
	if (r == 0)
		r = do_unbind(st, &dev, drv);
	return r;
}

static int drivers_probe_store(struct sim *st, char *val)
{
	struct sim_dev dev;
	int r;

	r = value_dev(st, val, &dev);
	if (r == 0)
		r = sim_probe(st, &dev);
	return r;
}

/* driver_set_override(): up to the first newline; "", "\n" (and a
 * leading NUL) clear it, which reads back as "(null)". */
static int override_store(struct sim *st, const char *path, const char *val, size_t len)
{
	char buf[SIM_PAGE + 1];
	char *nl;

	if (len >= SIM_PAGE - 1)
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s", val);
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	if (buf[0] == '\0')
		return l_write_str(st, path, "(null)\n");
	strcat(buf, "\n");
	return l_write_str(st, path, buf);
}

/* kstrtobool(): the first character or two */
static int parse_bool(const char *s, bool *ret)
{
	switch (s[0]) {
	case 'y': case 'Y': case '1':
		*ret = true;
		return 0;
	case 'n': case 'N': case '0':
		*ret = false;
		return 0;
	case 'o': case 'O':
		if (s[1] == 'n' || s[1] == 'N') {
			*ret = true;
			return 0;
		}
		if (s[1] == 'f' || s[1] == 'F') {
			*ret = false;
			return 0;
		}
		break;
	}
	return -EINVAL;
}

/* Does drv implement sriov_configure? */
static bool drv_has_sriov(struct sim *st, const char *drv)
{
	char yn[8];

	if (strcmp(drv, "pci-stub") == 0 || strcmp(drv, "pciback") == 0)
		return false;
	/* vfio-pci creates VFs only with enable_sriov=1 */
	if (drv_is_vfio(drv))
		return read_str(st, "/sys/module/vfio_pci/parameters/enable_sriov", yn,
				sizeof(yn)) == 0 && strcmp(yn, "Y") == 0;
	return true;
}

/* sriov_numvfs_store() */
static int numvfs_store(struct sim *st, const struct sim_dev *pf, const char *val)
{
	char path[PATH_MAX], drv[NAME_MAX + 1];
	unsigned long n, total, cur;
	int r;

	if (srp_parse_ulong(val, 0, 0, UINT16_MAX, &n) < 0)
		return -EINVAL;
	r = dev_path(pf, "sriov_totalvfs", path);
	if (r == 0)
		r = read_ulong(st, path, &total);
	if (r == 0)
		r = dev_ulong(st, pf, "sriov_numvfs", &cur);
	if (r < 0)
		return r;
	if (n > total)
		return -ERANGE;
	if (n == cur)
		return 0;
	r = dev_driver(st, pf, drv);
	if (r < 0)
		return r;
	if (drv[0] == '\0' || !drv_has_sriov(st, drv))
		return -ENOENT;	/* "no driver bound to device; cannot configure SR-IOV" */
	if (n == 0)
		return sriov_disable(st, pf, cur);
	if (cur > 0)
		return -EBUSY;	/* "%d VFs already enabled. Disable before enabling %d VFs" */
	return sriov_enable(st, pf, n);
}

static int ulong_store(const char *val, unsigned long *ret)
{
	return srp_parse_ulong(val, 0, 0, ULONG_MAX, ret) < 0 ? -EINVAL : 0;
}

/* Attributes of a PCI function. */
static int dev_attr_write(struct sim *st, const struct sim_dev *dev, const char *path,
			  const char *base, const char *val, size_t len)
{
	unsigned long v;
	bool on;

	if (strcmp(base, "driver_override") == 0)
		return override_store(st, path, val, len);
	if (strcmp(base, "sriov_numvfs") == 0)
		return numvfs_store(st, dev, val);
	if (strcmp(base, "sriov_drivers_autoprobe") == 0) {
		if (parse_bool(val, &on) < 0)
			return -EINVAL;
		return l_write_str(st, path, on ? "1\n" : "0\n");
	}
	if (strcmp(base, "reset") == 0) {
		/* reset_store(): only "1"; the reset itself changes nothing here */
		if (ulong_store(val, &v) < 0 || v != 1)
			return -EINVAL;
		return 0;
	}
	if (strcmp(base, "rescan") == 0)
		return ulong_store(val, &v);	/* nothing new to find */
	if (strcmp(base, "remove") == 0)
		return -EOPNOTSUPP;		/* not simulated */
	return SIM_PASS;
}

/* Attributes of /sys/bus/pci/drivers/<drv>. */
static int driver_attr_write(struct sim *st, const char *drv, const char *base, char *val)
{
	if (strcmp(base, "bind") == 0)
		return bind_store(st, drv, val);
	if (strcmp(base, "unbind") == 0)
		return unbind_store(st, drv, val);
	/* ID and slot tables: known to the kernel, not simulated (srpass
	 * uses driver_override only) */
	if (strcmp(base, "new_id") == 0 || strcmp(base, "remove_id") == 0 ||
	    strcmp(base, "new_slot") == 0 || strcmp(base, "remove_slot") == 0)
		return -EOPNOTSUPP;
	return -EINVAL;
}

/* ---- the ops ---- */

/* Is dir /sys/bus/pci/drivers/<drv>?  *ret_drv points into dir. */
static bool driver_dir(const char *dir, const char **ret_drv)
{
	const char *prefix = "/sys/bus/pci/drivers/";
	size_t n = strlen(prefix);

	if (strncmp(dir, prefix, n) != 0 || dir[n] == '\0' || strchr(dir + n, '/') != NULL)
		return false;
	*ret_drv = dir + n;
	return true;
}

static ssize_t sim_read(const struct srp_sys *sys, const char *path, void *buf, size_t len)
{
	return l_read(sys->data, path, buf, len);
}

static ssize_t sim_readlink(const struct srp_sys *sys, const char *path, char *buf, size_t len)
{
	return l_readlink(sys->data, path, buf, len);
}

static int sim_listdir(const struct srp_sys *sys, const char *path, srp_dirent_fn fn, void *arg)
{
	struct sim *st = sys->data;

	return st->lower.ops->listdir(&st->lower, path, fn, arg);
}

static int sim_lstat(const struct srp_sys *sys, const char *path, mode_t *ret_mode)
{
	return l_lstat(sys->data, path, ret_mode);
}

static void sim_sleep_ms(const struct srp_sys *sys, unsigned int ms)
{
	struct sim *st = sys->data;

	st->lower.ops->sleep_ms(&st->lower, ms);
}

static int sim_write(const struct srp_sys *sys, const char *path, const void *buf, size_t len)
{
	struct sim *st = sys->data;
	char dir[PATH_MAX], file[PATH_MAX], val[SIM_PAGE];
	const char *base, *drv;
	struct sim_dev dev;
	mode_t mode;
	int r;

	if (sim_resolve_parent(st, path, dir, &base) < 0 || !under(dir, "/sys") ||
	    pfmt(file, "%s/%s", dir, base) < 0)
		return l_write(st, path, buf, len);
	r = l_lstat(st, file, &mode);
	if (r < 0)
		return r;
	if (S_ISLNK(mode))
		return -ELOOP;			/* as the real op's O_NOFOLLOW */
	if (S_ISDIR(mode))
		return -EISDIR;
	if (!S_ISREG(mode))
		return l_write(st, path, buf, len);
	/* kernfs will not open an attribute without a store method for
	 * writing, root or not: read-only files stand for those */
	if (!(mode & 0222))
		return -EACCES;
	if (len == 0)
		return 0;			/* sysfs_kf_write(): nothing to store */
	memcpy(val, buf, len < sizeof(val) ? len : sizeof(val) - 1);
	val[len < sizeof(val) ? len : sizeof(val) - 1] = '\0';

	if (strcmp(dir, "/sys/bus/pci") == 0 && strcmp(base, "drivers_probe") == 0) {
		r = drivers_probe_store(st, val);
	} else if (strcmp(dir, "/sys/bus/pci") == 0 && strcmp(base, "rescan") == 0) {
		unsigned long v;

		r = ulong_store(val, &v);
	} else if (driver_dir(dir, &drv)) {
		r = driver_attr_write(st, drv, base, val);
	} else if (dev_from_dir(st, dir, &dev) == 0) {
		r = dev_attr_write(st, &dev, file, base, val, len);
	} else {
		r = SIM_PASS;
	}
	return r == SIM_PASS ? l_write(st, path, buf, len) : r;
}

/* Files cannot be made or removed in sysfs: create is -EACCES (no
 * ->create), mkdir and unlink -EPERM (kernfs).  A parent path through
 * a symlink is left to the lower op, which refuses it with -ELOOP. */
static int sysfs_refuses(struct sim *st, const char *path, int code)
{
	char dir[PATH_MAX], lexical[PATH_MAX];
	const char *base;

	if (sim_resolve_parent(st, path, dir, &base) < 0 || !under(dir, "/sys"))
		return 0;
	if (sim_join("/", path, lexical) < 0 || sim_join(lexical, "..", lexical) < 0 ||
	    strcmp(lexical, dir) != 0)
		return 0;
	return code;
}

static int sim_replace(const struct srp_sys *sys, const char *path, const void *data,
		       size_t len, mode_t mode)
{
	struct sim *st = sys->data;
	int r = sysfs_refuses(st, path, -EACCES);

	return r ? r : st->lower.ops->replace(&st->lower, path, data, len, mode);
}

static int sim_mkdir(const struct srp_sys *sys, const char *path, mode_t mode)
{
	struct sim *st = sys->data;
	int r = sysfs_refuses(st, path, -EPERM);

	return r ? r : l_mkdir(st, path, mode);
}

static int sim_unlink(const struct srp_sys *sys, const char *path)
{
	struct sim *st = sys->data;
	int r = sysfs_refuses(st, path, -EPERM);

	return r ? r : l_unlink(st, path);
}

/* ---- /dev/vfio ----
 * Fds are recognised by tracking the ones this open returned, with the
 * inode they had, so that a number reused after close() (the seam has
 * no close op) is not mistaken for a VFIO node. */

static bool fd_live(const struct sim_fd *f)
{
	struct stat s;

	return fstat(f->fd, &s) == 0 && s.st_dev == f->dev && s.st_ino == f->ino;
}

static void fd_drop(struct sim *st, size_t i)
{
	st->fds[i] = st->fds[--st->n_fds];
}

static struct sim_fd *fd_find(struct sim *st, int fd)
{
	for (size_t i = 0; i < st->n_fds; i++) {
		if (st->fds[i].fd != fd)
			continue;
		if (fd_live(&st->fds[i]))
			return &st->fds[i];
		fd_drop(st, i);
		return NULL;
	}
	return NULL;
}

/* /dev/vfio/vfio: 1 and *ret_group -1; /dev/vfio/<N>: 1 and N; else 0. */
static int vfio_node_kind(const char *canon, int *ret_group)
{
	const char *name = canon + strlen("/dev/vfio/");
	unsigned long g;

	if (strncmp(canon, "/dev/vfio/", strlen("/dev/vfio/")) != 0)
		return 0;
	if (strcmp(name, "vfio") == 0) {
		*ret_group = -1;
		return 1;
	}
	if (srp_parse_ulong(name, 10, 0, INT_MAX, &g) < 0 || strchr(name, '\n'))
		return 0;
	*ret_group = (int)g;
	return 1;
}

static int sim_open(const struct srp_sys *sys, const char *path, int flags, mode_t mode)
{
	struct sim *st = sys->data;
	char canon[PATH_MAX];
	struct sim_fd f;
	struct stat s;
	int fd, g;

	fd = st->lower.ops->open(&st->lower, path, flags, mode);
	if (fd < 0)
		return fd;
	for (size_t i = 0; i < st->n_fds; i++) {
		if (st->fds[i].fd == fd) {		/* closed and reused */
			fd_drop(st, i);
			break;
		}
	}
	if ((flags & O_PATH) || sim_resolve(st, path, true, canon) < 0 ||
	    !vfio_node_kind(canon, &g))
		return fd;
	if (fstat(fd, &s) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	f = (struct sim_fd){ .fd = fd, .dev = s.st_dev, .ino = s.st_ino, .group = g };
	/* vfio_group_fops_open(): a group is opened once at a time */
	for (size_t i = 0; g >= 0 && i < st->n_fds; i++) {
		if (st->fds[i].group == g && fd_live(&st->fds[i]) && st->fds[i].ino == f.ino) {
			close(fd);
			return -EBUSY;
		}
	}
	if (st->n_fds == st->cap_fds) {
		size_t cap = st->cap_fds ? 2 * st->cap_fds : 8;
		struct sim_fd *v = realloc(st->fds, cap * sizeof(*v));

		if (v == NULL) {
			close(fd);
			return -ENOMEM;
		}
		st->fds = v;
		st->cap_fds = cap;
	}
	st->fds[st->n_fds++] = f;
	return fd;
}

static int sim_ioctl(const struct srp_sys *sys, int fd, unsigned long req, void *arg)
{
	struct sim *st = sys->data;
	struct vfio_group_status *status = arg;
	struct sim_fd *f = fd_find(st, fd);
	unsigned long ext = (unsigned long)arg;
	int r;

	if (f == NULL)
		return st->lower.ops->ioctl(&st->lower, fd, req, arg);
	if (f->group < 0) {
		/* the container: vfio_fops_unl_ioctl() before VFIO_SET_IOMMU */
		switch (req) {
		case VFIO_GET_API_VERSION:
			return VFIO_API_VERSION;
		case VFIO_CHECK_EXTENSION:
			if (ext != VFIO_TYPE1_IOMMU && ext != VFIO_TYPE1v2_IOMMU)
				return 0;
			return l_exists(st, "/sys/module/vfio_iommu_type1") ? 1 : 0;
		default:
			return -ENOTTY;		/* not simulated */
		}
	}
	switch (req) {
	case VFIO_GROUP_GET_STATUS:
		if (status == NULL)
			return -EFAULT;
		if (status->argsz < offsetof(struct vfio_group_status, flags) + sizeof(status->flags))
			return -EINVAL;
		r = group_viable(st, f->group);
		if (r < 0)
			return r;
		status->flags = r ? VFIO_GROUP_FLAGS_VIABLE : 0;
		return 0;
	default:
		return -ENOTTY;			/* not simulated */
	}
}

static const struct srp_sys_ops sim_ops = {
	.read = sim_read,
	.write = sim_write,
	.readlink = sim_readlink,
	.listdir = sim_listdir,
	.lstat = sim_lstat,
	.replace = sim_replace,
	.mkdir = sim_mkdir,
	.unlink = sim_unlink,
	.open = sim_open,
	.ioctl = sim_ioctl,
	.sleep_ms = sim_sleep_ms,
};

/* ---- attach ---- */

int srp_simkernel_attach(struct srp_sys *sys, struct srp_err *err)
{
	struct statfs sfs;
	struct sim *st;
	mode_t mode;
	int fd, r;

	if (sys->ops == &sim_ops)
		return srp_err_set(err, -EALREADY, "a simulated kernel is already attached");
	r = sys->ops->lstat(sys, SIM_DIR, &mode);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return srp_err_set(err, r, "cannot check '%s'", SIM_DIR);
	if (!S_ISDIR(mode))
		return srp_err_set(err, -ENOTDIR, "'%s' is not a directory", SIM_DIR);
	/* never stand between srpass and a real kernel */
	fd = sys->ops->open(sys, "/sys", O_PATH | O_DIRECTORY, 0);
	if (fd >= 0) {
		r = fstatfs(fd, &sfs);
		close(fd);
		if (r == 0 && sfs.f_type == SYSFS_MAGIC)
			return srp_err_set(err, -EPERM, "'%s' marks a simulated host, but /sys is a "
					   "real sysfs: not simulating a kernel over it", SIM_DIR);
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	st->lower = *sys;
	sys->ops = &sim_ops;
	sys->data = st;
	sys->lower = &st->lower;
	return 1;
}

void srp_simkernel_detach(struct srp_sys *sys)
{
	struct sim *st;

	if (sys->ops != &sim_ops)
		return;
	st = sys->data;
	sys->ops = st->lower.ops;
	sys->data = st->lower.data;
	sys->lower = st->lower.lower;
	free(st->fds);
	free(st);
}

int srp_simkernel_attached(const struct srp_sys *sys)
{
	return sys->ops == &sim_ops;
}
