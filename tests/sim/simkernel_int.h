/* SPDX-License-Identifier: MIT */
/* srpass -- the simulated kernel's insides, shared by tests/sim/simkernel*.c */
#ifndef SRP_SIMKERNEL_INT_H
#define SRP_SIMKERNEL_INT_H

#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/types.h>

#include "srpass/bdf.h"
#include "os/sys.h"
#include "sim/simkernel.h"

/*
 * The simulated kernel (simkernel.c has what it emulates) in files:
 *   simkernel.c        attach and detach, the ops, attribute writes to their stores
 *   simkernel_tree.c   the tree: what the seam lacks, paths, reading, devices, drivers
 *   simkernel_bind.c   netdevs, bind, unbind, drivers_probe, driver_override
 *   simkernel_sriov.c  sriov_numvfs: VFs parked and brought back
 *   simkernel_vfio.c   VFIO groups, the /dev/vfio nodes and their ioctls
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

/* ---- the lower layer ---- */

static inline ssize_t l_read(struct sim *st, const char *p, void *b, size_t n)
{
	return st->lower.ops->read(&st->lower, p, b, n);
}

static inline int l_write(struct sim *st, const char *p, const void *b, size_t n)
{
	return st->lower.ops->write(&st->lower, p, b, n);
}

static inline ssize_t l_readlink(struct sim *st, const char *p, char *b, size_t n)
{
	return st->lower.ops->readlink(&st->lower, p, b, n);
}

static inline int l_lstat(struct sim *st, const char *p, mode_t *m)
{
	return st->lower.ops->lstat(&st->lower, p, m);
}

static inline int l_mkdir(struct sim *st, const char *p, mode_t m)
{
	return st->lower.ops->mkdir(&st->lower, p, m);
}

static inline int l_unlink(struct sim *st, const char *p)
{
	return st->lower.ops->unlink(&st->lower, p);
}

static inline bool l_exists(struct sim *st, const char *p)
{
	mode_t m;

	return l_lstat(st, p, &m) == 0;
}

static inline int l_write_str(struct sim *st, const char *p, const char *s)
{
	return l_write(st, p, s, strlen(s));
}

/* mkdir that accepts an existing directory */
static inline int l_mkdir_ok(struct sim *st, const char *p)
{
	int r = l_mkdir(st, p, 0755);

	return r == -EEXIST ? 0 : r;
}

struct names {
	char **v;
	size_t n, cap;
};

/* ---- simkernel_tree.c ---- */

int sim_symlink(struct sim *st, const char *target, const char *path);
int sim_rename(struct sim *st, const char *from, const char *to);
int sim_rmdir(struct sim *st, const char *path);
void sim_rmdir_empty(struct sim *st, const char *path);

int sim_pfmt(char buf[PATH_MAX], const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool sim_under(const char *path, const char *dir);
const char *sim_basename(const char *path);
int sim_join(const char *dir, const char *rel, char out[PATH_MAX]);
int sim_resolve(struct sim *st, const char *path, bool follow_last, char out[PATH_MAX]);
int sim_resolve_parent(struct sim *st, const char *path, char dir[PATH_MAX],
		       const char **ret_base);
int sim_relpath(const char *from, const char *to, char out[PATH_MAX]);

int sim_read_str(struct sim *st, const char *path, char *buf, size_t len);
int sim_read_ulong(struct sim *st, const char *path, unsigned long *ret);
int sim_link_base(struct sim *st, const char *path, char *buf, size_t len);
int sim_names_list(struct sim *st, const char *path, struct names *ns);
void sim_names_free(struct names *ns);

bool sim_drv_is_vfio(const char *drv);
bool sim_drv_is_stub(const char *drv);
bool sim_drv_loaded(struct sim *st, const char *drv);
bool sim_is_bdf(const char *name);
int sim_dev_lookup(struct sim *st, const char *name, struct sim_dev *ret);
int sim_dev_from_dir(struct sim *st, const char *dir, struct sim_dev *ret);
int sim_dev_path(const struct sim_dev *dev, const char *attr, char buf[PATH_MAX]);
int sim_dev_driver(struct sim *st, const struct sim_dev *dev, char drv[NAME_MAX + 1]);
int sim_dev_override(struct sim *st, const struct sim_dev *dev, char buf[NAME_MAX + 1]);
int sim_dev_group(struct sim *st, const struct sim_dev *dev, int *ret);
int sim_dev_ulong(struct sim *st, const struct sim_dev *dev, const char *attr,
		  unsigned long *ret);
int sim_dev_default_driver(struct sim *st, const struct sim_dev *dev, char drv[NAME_MAX + 1]);

/* ---- simkernel_bind.c ---- */

int sim_probe(struct sim *st, const struct sim_dev *dev);
int sim_unbind(struct sim *st, const struct sim_dev *dev, const char *drv);
int sim_bind_store(struct sim *st, const char *drv, char *val);
int sim_unbind_store(struct sim *st, const char *drv, char *val);
int sim_drivers_probe_store(struct sim *st, char *val);
int sim_override_store(struct sim *st, const char *path, const char *val, size_t len);

/* ---- simkernel_sriov.c ---- */

int sim_sriov_disable(struct sim *st, const struct sim_dev *pf, unsigned long cur);
int sim_sriov_enable(struct sim *st, const struct sim_dev *pf, unsigned long n);
int sim_numvfs_store(struct sim *st, const struct sim_dev *pf, const char *val);

/* ---- simkernel_vfio.c ---- */

int sim_group_scan(struct sim *st, int g, const char *except, bool want_vfio);
int sim_vfio_node_get(struct sim *st, int g, bool *ret_made);
int sim_vfio_node_put(struct sim *st, int g);
int sim_open(const struct srp_sys *sys, const char *path, int flags, mode_t mode);
int sim_ioctl(const struct srp_sys *sys, int fd, unsigned long req, void *arg);

#endif
