/* SPDX-License-Identifier: MIT */
/* srpass -- the simulated kernel: VFIO groups, the /dev/vfio nodes and their ioctls */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/vfio.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os/sys.h"
#include "base/util.h"
#include "sim/simkernel_int.h"

/* ---- VFIO groups ---- */

/* The bound driver of group member m, "" if none. */
static int member_driver(struct sim *st, int g, const char *m, char drv[NAME_MAX + 1])
{
	char path[PATH_MAX];
	int r;

	r = sim_pfmt(path, "/sys/kernel/iommu_groups/%d/devices/%s/driver", g, m);
	if (r == 0)
		r = sim_link_base(st, path, drv, NAME_MAX + 1);
	if (r == -ENOENT) {
		drv[0] = '\0';
		r = 0;
	}
	return r;
}

/*
 * Walk the PCI members of group g but except: with want_vfio, 1 if one
 * is bound to a VFIO driver; without, 1 if one is bound to a driver
 * that makes the group not viable.  Drivers that leave DMA to vfio
 * (driver_managed_dma: vfio drivers, pci-stub, pcieport) and no driver
 * at all keep a group viable.
 */
int sim_group_scan(struct sim *st, int g, const char *except, bool want_vfio)
{
	char path[PATH_MAX], drv[NAME_MAX + 1];
	struct names ns;
	int r, found = 0;

	r = sim_pfmt(path, "/sys/kernel/iommu_groups/%d/devices", g);
	if (r == 0)
		r = sim_names_list(st, path, &ns);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ns.n && !found; i++) {
		if (!sim_is_bdf(ns.v[i]) || (except && strcmp(ns.v[i], except) == 0))
			continue;
		r = member_driver(st, g, ns.v[i], drv);
		if (r < 0)
			break;
		if (want_vfio)
			found = sim_drv_is_vfio(drv);
		else
			found = drv[0] != '\0' && !sim_drv_is_vfio(drv) &&
				strcmp(drv, "pci-stub") != 0 && strcmp(drv, "pcieport") != 0;
	}
	sim_names_free(&ns);
	return r < 0 ? r : found;
}

static int group_viable(struct sim *st, int g)
{
	int r = sim_group_scan(st, g, NULL, false);

	return r < 0 ? r : !r;
}

/* vfio makes /dev/vfio/<group> when the first device of a group
 * registers (a regular file stands for the char device); *ret_made
 * says whether this call made it. */
int sim_vfio_node_get(struct sim *st, int g, bool *ret_made)
{
	char node[PATH_MAX];
	int r;

	*ret_made = false;
	r = sim_pfmt(node, "/dev/vfio/%d", g);
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
int sim_vfio_node_put(struct sim *st, int g)
{
	char node[PATH_MAX];
	int r;

	r = sim_pfmt(node, "/dev/vfio/%d", g);
	if (r == 0)
		r = l_unlink(st, node);
	if (r < 0 && r != -ENOENT)
		return r;
	sim_rmdir_empty(st, "/dev/vfio");
	return 0;
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

int sim_open(const struct srp_sys *sys, const char *path, int flags, mode_t mode)
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

int sim_ioctl(const struct srp_sys *sys, int fd, unsigned long req, void *arg)
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
