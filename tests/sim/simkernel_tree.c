/* SPDX-License-Identifier: MIT */
/* srpass -- the simulated kernel: the fake tree, its paths, devices and drivers */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "srpass/bdf.h"
#include "os/sys.h"
#include "base/util.h"
#include "sim/simkernel_int.h"

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

int sim_symlink(struct sim *st, const char *target, const char *path)
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
int sim_rename(struct sim *st, const char *from, const char *to)
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

int sim_rmdir(struct sim *st, const char *path)
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
void sim_rmdir_empty(struct sim *st, const char *path)
{
	(void)sim_rmdir(st, path);	/* ENOTEMPTY: still in use */
}

/* ---- paths ---- */

int __attribute__((format(printf, 2, 3))) sim_pfmt(char buf[PATH_MAX], const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	return (n < 0 || n >= PATH_MAX) ? -ENAMETOOLONG : 0;
}

bool sim_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

const char *sim_basename(const char *path)
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
int sim_join(const char *dir, const char *rel, char out[PATH_MAX])
{
	char tmp[PATH_MAX];
	size_t olen = 0;
	const char *p, *q;
	int r;

	r = rel[0] == '/' ? sim_pfmt(tmp, "%s", rel) : sim_pfmt(tmp, "%s/%s", dir, rel);
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
int sim_resolve(struct sim *st, const char *path, bool follow_last, char out[PATH_MAX])
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
	r = sim_pfmt(rest, "%s", path);
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
			r = sim_pfmt(tmp, "%s/%s", target, after);
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
int sim_resolve_parent(struct sim *st, const char *path, char dir[PATH_MAX],
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
int sim_relpath(const char *from, const char *to, char out[PATH_MAX])
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
int sim_read_str(struct sim *st, const char *path, char *buf, size_t len)
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

int sim_read_ulong(struct sim *st, const char *path, unsigned long *ret)
{
	char buf[64];
	int r;

	r = sim_read_str(st, path, buf, sizeof(buf));
	if (r < 0)
		return r;
	return srp_parse_ulong(buf, 10, 0, ULONG_MAX, ret) < 0 ? -EINVAL : 0;
}

/* The last component of the target of the link at path. */
int sim_link_base(struct sim *st, const char *path, char *buf, size_t len)
{
	char target[PATH_MAX];
	const char *base;
	ssize_t n;

	n = l_readlink(st, path, target, sizeof(target));
	if (n < 0)
		return (int)n;
	base = sim_basename(target);
	if (base[0] == '\0' || strlen(base) >= len)
		return -EINVAL;
	strcpy(buf, base);
	return 0;
}

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

void sim_names_free(struct names *ns)
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
int sim_names_list(struct sim *st, const char *path, struct names *ns)
{
	int r;

	memset(ns, 0, sizeof(*ns));
	r = st->lower.ops->listdir(&st->lower, path, names_add, ns);
	if (r < 0) {
		sim_names_free(ns);
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
bool sim_drv_is_vfio(const char *drv)
{
	return strcmp(drv, "vfio-pci") == 0 || ends_with(drv, "_vfio_pci");
}

/* Drivers that hold a device for a guest and register no netdev. */
bool sim_drv_is_stub(const char *drv)
{
	return sim_drv_is_vfio(drv) || strcmp(drv, "pci-stub") == 0 || strcmp(drv, "pciback") == 0;
}

static bool drv_name_ok(const char *drv)
{
	return drv[0] != '\0' && strchr(drv, '/') == NULL && strlen(drv) <= NAME_MAX &&
	       strcmp(drv, ".") != 0 && strcmp(drv, "..") != 0;
}

/* A driver is there (its module loaded) when its directory is. */
bool sim_drv_loaded(struct sim *st, const char *drv)
{
	char path[PATH_MAX];
	mode_t mode;

	return drv_name_ok(drv) && sim_pfmt(path, "/sys/bus/pci/drivers/%s", drv) == 0 &&
	       l_lstat(st, path, &mode) == 0 && S_ISDIR(mode);
}

/* The device named exactly name, as bus_find_device_by_name() finds it:
 * no short forms, no upper case.  -ENODEV if there is none. */
int sim_dev_lookup(struct sim *st, const char *name, struct sim_dev *ret)
{
	char canon[SRP_BDF_STRLEN], path[PATH_MAX];
	struct srp_bdf addr;
	mode_t mode;
	int r;

	if (strlen(name) != SRP_BDF_STRLEN - 1 || srp_bdf_parse(name, &addr) < 0)
		return -ENODEV;
	if (strcmp(srp_bdf_format(&addr, canon), name) != 0)
		return -ENODEV;
	r = sim_pfmt(path, "/sys/bus/pci/devices/%s", name);
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
int sim_dev_from_dir(struct sim *st, const char *dir, struct sim_dev *ret)
{
	int r;

	if (!sim_under(dir, "/sys/devices"))
		return -ENODEV;
	r = sim_dev_lookup(st, sim_basename(dir), ret);
	if (r < 0)
		return r;
	return strcmp(ret->dir, dir) == 0 ? 0 : -ENODEV;
}

int sim_dev_path(const struct sim_dev *dev, const char *attr, char buf[PATH_MAX])
{
	return sim_pfmt(buf, "%s/%s", dev->dir, attr);
}

/* The bound driver's name, "" if none. */
int sim_dev_driver(struct sim *st, const struct sim_dev *dev, char drv[NAME_MAX + 1])
{
	char path[PATH_MAX];
	int r;

	r = sim_dev_path(dev, "driver", path);
	if (r == 0)
		r = sim_link_base(st, path, drv, NAME_MAX + 1);
	if (r == -ENOENT) {
		drv[0] = '\0';
		r = 0;
	}
	return r;
}

/* driver_override, "" if unset ("(null)") or absent. */
int sim_dev_override(struct sim *st, const struct sim_dev *dev, char buf[NAME_MAX + 1])
{
	char path[PATH_MAX];
	int r;

	r = sim_dev_path(dev, "driver_override", path);
	if (r == 0)
		r = sim_read_str(st, path, buf, NAME_MAX + 1);
	if (r == -ENOENT || (r == 0 && strcmp(buf, "(null)") == 0)) {
		buf[0] = '\0';
		r = 0;
	}
	return r;
}

/* The IOMMU group number; -ENOENT without one. */
int sim_dev_group(struct sim *st, const struct sim_dev *dev, int *ret)
{
	char path[PATH_MAX], name[32];
	unsigned long g;
	int r;

	r = sim_dev_path(dev, "iommu_group", path);
	if (r == 0)
		r = sim_link_base(st, path, name, sizeof(name));
	if (r < 0)
		return r;
	if (srp_parse_ulong(name, 10, 0, INT_MAX, &g) < 0)
		return -EINVAL;
	*ret = (int)g;
	return 0;
}

/* An unsigned attribute; 0 if the device has none. */
int sim_dev_ulong(struct sim *st, const struct sim_dev *dev, const char *attr,
		  unsigned long *ret)
{
	char path[PATH_MAX];
	int r;

	r = sim_dev_path(dev, attr, path);
	if (r == 0)
		r = sim_read_ulong(st, path, ret);
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
int sim_dev_default_driver(struct sim *st, const struct sim_dev *dev, char drv[NAME_MAX + 1])
{
	char path[PATH_MAX], pf[NAME_MAX + 1];
	int r;

	r = sim_pfmt(path, SIM_DIR "/default-driver/%s", dev->name);
	if (r == 0)
		r = sim_read_str(st, path, drv, NAME_MAX + 1);
	if (r == -ENOENT) {
		r = sim_dev_path(dev, "physfn", path);
		if (r == 0)
			r = sim_link_base(st, path, pf, sizeof(pf));
		if (r == -EINVAL)
			r = -ENOENT;	/* physfn is not a link: not a VF */
		if (r == 0)
			r = sim_pfmt(path, SIM_DIR "/default-vf-driver/%s", pf);
		if (r == 0)
			r = sim_read_str(st, path, drv, NAME_MAX + 1);
	}
	if (r == 0 && !drv_name_ok(drv))
		r = -ENOENT;
	return r;
}

bool sim_is_bdf(const char *name)
{
	struct srp_bdf a;

	return strlen(name) == SRP_BDF_STRLEN - 1 && srp_bdf_parse(name, &a) == 0;
}
