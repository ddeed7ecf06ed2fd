/* SPDX-License-Identifier: MIT */
/* srpass -- a simulated kernel: sysfs writes with the kernel's side effects on a fake tree */
#define _GNU_SOURCE
#include "sim/simkernel.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "srpass/err.h"
#include "os/sys.h"
#include "base/util.h"
#include "sim/simkernel_int.h"

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
 *    and friends in simkernel_tree.c, confined like sys.c with openat2
 *    RESOLVE_IN_ROOT);
 *  - fstat/fstatfs on fds the lower ops returned, to recognise them.
 *
 * simkernel_int.h says which of the simkernel*.c files holds what.
 */

/* ---- attribute stores ---- */

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
		return sim_override_store(st, path, val, len);
	if (strcmp(base, "sriov_numvfs") == 0)
		return sim_numvfs_store(st, dev, val);
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
		return sim_bind_store(st, drv, val);
	if (strcmp(base, "unbind") == 0)
		return sim_unbind_store(st, drv, val);
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

	if (sim_resolve_parent(st, path, dir, &base) < 0 || !sim_under(dir, "/sys") ||
	    sim_pfmt(file, "%s/%s", dir, base) < 0)
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
		r = sim_drivers_probe_store(st, val);
	} else if (strcmp(dir, "/sys/bus/pci") == 0 && strcmp(base, "rescan") == 0) {
		unsigned long v;

		r = ulong_store(val, &v);
	} else if (driver_dir(dir, &drv)) {
		r = driver_attr_write(st, drv, base, val);
	} else if (sim_dev_from_dir(st, dir, &dev) == 0) {
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

	if (sim_resolve_parent(st, path, dir, &base) < 0 || !sim_under(dir, "/sys"))
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
