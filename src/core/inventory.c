/* SPDX-License-Identifier: MIT */
/* srpass -- inventory: PCI functions, PF/VF links, IOMMU groups */
#include "srpass/inventory.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/host.h"
#include "os/pcilib.h"
#include "srpass/err.h"
#include "os/sysfs.h"
#include "base/util.h"

/*
 * Cost, for hosts with thousands of VFs: one pass over the devices with
 * a handful of small reads each, one readlink per link (virtfnN, physfn,
 * driver, iommu_group), one directory listing per PF and per IOMMU group,
 * and no config space reads at all.
 */

#define IFNAME_MAX 16		/* IFNAMSIZ */

const char *srp_dev_kind_name(enum srp_dev_kind kind)
{
	switch (kind) {
	case SRP_DEV_PF:
		return "pf";
	case SRP_DEV_VF:
		return "vf";
	default:
		return "plain";
	}
}

static int dev_cmp(const void *a, const void *b)
{
	return srp_bdf_cmp(&((const struct srp_dev *)a)->addr, &((const struct srp_dev *)b)->addr);
}

static int devp_cmp(const void *a, const void *b)
{
	return dev_cmp(*(const struct srp_dev *const *)a, *(const struct srp_dev *const *)b);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const struct srp_dev *srp_inventory_find(const struct srp_inventory *inv,
					 const struct srp_bdf *addr)
{
	struct srp_dev key = { .addr = *addr };

	if (inv->n_devs == 0)
		return NULL;
	return bsearch(&key, inv->devs, inv->n_devs, sizeof(key), dev_cmp);
}

static struct srp_dev *find_mut(struct srp_inventory *inv, const struct srp_bdf *addr)
{
	return (struct srp_dev *)srp_inventory_find(inv, addr);
}

static void dev_free(struct srp_dev *d)
{
	free(d->vendor_name);
	free(d->device_name);
	free(d->driver);
	free(d->driver_override);
	for (size_t i = 0; i < d->n_netdevs; i++)
		free(d->netdevs[i]);
	free(d->netdevs);
	free(d->vfs);
}

void srp_inventory_free(struct srp_inventory *inv)
{
	if (inv == NULL)
		return;
	for (size_t i = 0; i < inv->n_devs; i++)
		dev_free(&inv->devs[i]);
	for (size_t i = 0; i < inv->n_groups; i++) {
		free(inv->groups[i].type);
		free(inv->groups[i].members);
	}
	free(inv->devs);
	free(inv->groups);
	free(inv);
}

/* An optional text attribute: absent is NULL, "(null)" (driver_override
 * when unset) is NULL, anything else a copy. */
static int read_opt_str(const struct srp_sys *sys, const struct srp_dev *d, const char *attr,
			char **ret, struct srp_err *err)
{
	char path[PATH_MAX], buf[SRP_SYSFS_MAX];
	int r;

	if (srp_sysfs_dev_path(path, sizeof(path), &d->addr, attr) < 0)
		return srp_err_set(err, -ENAMETOOLONG, "path too long");
	r = srp_sysfs_read_str(sys, path, buf, sizeof(buf), err);
	if (srp_sysfs_absent(r, err) || (r == 0 && (buf[0] == '\0' || strcmp(buf, "(null)") == 0))) {
		*ret = NULL;
		return 0;
	}
	if (r < 0)
		return r;
	*ret = strdup(buf);
	return *ret ? 0 : srp_err_set(err, -ENOMEM, "out of memory");
}

static int read_link_name(const struct srp_sys *sys, const struct srp_dev *d, const char *attr,
			  char *buf, size_t len, struct srp_err *err)
{
	char path[PATH_MAX];

	if (srp_sysfs_dev_path(path, sizeof(path), &d->addr, attr) < 0)
		return srp_err_set(err, -ENAMETOOLONG, "path too long");
	return srp_sysfs_link_name(sys, path, buf, len, err);
}

static int read_dev_ulong(const struct srp_sys *sys, const struct srp_dev *d, const char *attr,
			  int base, unsigned long max, unsigned long *ret, struct srp_err *err)
{
	char path[PATH_MAX];

	if (srp_sysfs_dev_path(path, sizeof(path), &d->addr, attr) < 0)
		return srp_err_set(err, -ENAMETOOLONG, "path too long");
	return srp_sysfs_read_ulong(sys, path, base, max, ret, err);
}

struct netdev_walk {
	struct srp_dev *dev;
	size_t cap;
	const char *path;
	struct srp_err *err;
};

static int netdev_add(const char *name, unsigned char d_type, void *arg)
{
	struct netdev_walk *w = arg;
	struct srp_dev *d = w->dev;
	char **grown;

	(void)d_type;
	if (strlen(name) >= IFNAME_MAX || strchr(name, ':') != NULL)
		return srp_err_set(w->err, -EINVAL, "unexpected network interface name '%s' in '%s'",
				   name, w->path);
	if (d->n_netdevs == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 2;
		grown = realloc(d->netdevs, w->cap * sizeof(*grown));
		if (grown == NULL)
			return srp_err_set(w->err, -ENOMEM, "out of memory");
		d->netdevs = grown;
	}
	d->netdevs[d->n_netdevs] = strdup(name);
	if (d->netdevs[d->n_netdevs] == NULL)
		return srp_err_set(w->err, -ENOMEM, "out of memory");
	d->n_netdevs++;
	return 0;
}

static int read_netdevs(const struct srp_sys *sys, struct srp_dev *d, struct srp_err *err)
{
	char path[PATH_MAX];
	struct netdev_walk w = { .dev = d, .path = path, .err = err };
	int r;

	if (srp_sysfs_dev_path(path, sizeof(path), &d->addr, "net") < 0)
		return srp_err_set(err, -ENAMETOOLONG, "path too long");
	r = srp_sys_listdir(sys, path, netdev_add, &w);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return srp_err_set(err, r, "cannot list '%s'", path);
	if (d->n_netdevs > 1)
		qsort(d->netdevs, d->n_netdevs, sizeof(*d->netdevs), str_cmp);
	return 0;
}

static int read_pf_attrs(const struct srp_sys *sys, struct srp_dev *d, struct srp_err *err)
{
	unsigned long v;
	int r;

	d->kind = SRP_DEV_PF;
	d->drivers_autoprobe = -1;
	r = read_dev_ulong(sys, d, "sriov_numvfs", 10, 65535, &v, err);
	if (r < 0)
		return r;
	d->numvfs = (unsigned int)v;
	/* offset, stride and vf_device came with Linux 4.2; autoprobe with 4.12 */
	r = read_dev_ulong(sys, d, "sriov_offset", 10, 65535, &v, err);
	if (r < 0 && !srp_sysfs_absent(r, err))
		return r;
	d->vf_offset = r == 0 ? (unsigned int)v : 0;
	r = read_dev_ulong(sys, d, "sriov_stride", 10, 65535, &v, err);
	if (r < 0 && !srp_sysfs_absent(r, err))
		return r;
	d->vf_stride = r == 0 ? (unsigned int)v : 0;
	r = read_dev_ulong(sys, d, "sriov_vf_device", 16, 0xffff, &v, err);
	if (r < 0 && !srp_sysfs_absent(r, err))
		return r;
	d->vf_device = r == 0 ? (uint16_t)v : 0;
	r = read_dev_ulong(sys, d, "sriov_drivers_autoprobe", 10, 1, &v, err);
	if (r < 0 && !srp_sysfs_absent(r, err))
		return r;
	d->drivers_autoprobe = r == 0 ? (int)v : -1;
	return 0;
}

static int read_dev(const struct srp_sys *sys, struct srp_dev *d, unsigned long *ret_group,
		    struct srp_err *err)
{
	char path[PATH_MAX], name[256];
	unsigned long v;
	long node;
	int r;

	r = read_link_name(sys, d, "driver", name, sizeof(name), err);
	if (r < 0 && !srp_sysfs_absent(r, err))
		return r;
	if (r == 0 && (d->driver = strdup(name)) == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	r = read_opt_str(sys, d, "driver_override", &d->driver_override, err);
	if (r < 0)
		return r;

	*ret_group = ULONG_MAX;
	r = read_link_name(sys, d, "iommu_group", name, sizeof(name), err);
	if (r == 0) {
		if (srp_parse_ulong(name, 10, 0, 0x7fffffff, &v) < 0)
			return srp_err_set(err, -EINVAL, "%s: iommu_group link names '%s', not a group",
					   d->name, name);
		*ret_group = v;
	} else if (!srp_sysfs_absent(r, err)) {
		return r;
	}

	d->numa_node = -1;
	if (srp_sysfs_dev_path(path, sizeof(path), &d->addr, "numa_node") < 0)
		return srp_err_set(err, -ENAMETOOLONG, "path too long");
	r = srp_sysfs_read_long(sys, path, -1, 65535, &node, err);
	if (r < 0 && !srp_sysfs_absent(r, err))
		return r;
	if (r == 0)
		d->numa_node = (int)node;

	r = read_netdevs(sys, d, err);
	if (r < 0)
		return r;

	r = read_dev_ulong(sys, d, "sriov_totalvfs", 10, 65535, &v, err);
	if (r == 0) {
		d->totalvfs = (unsigned int)v;
		return read_pf_attrs(sys, d, err);
	}
	return srp_sysfs_absent(r, err) ? 0 : r;
}

struct vf_walk {
	const struct srp_sys *sys;
	struct srp_inventory *inv;
	struct srp_dev *pf;
	size_t cap;
	struct srp_err *err;
};

static int vf_link(const char *name, unsigned char d_type, void *arg)
{
	struct vf_walk *w = arg;
	struct srp_dev *pf = w->pf, *vf;
	char path[PATH_MAX];
	struct srp_bdf addr;
	unsigned long idx;
	int r;

	(void)d_type;
	if (strncmp(name, "virtfn", 6) != 0)
		return 0;
	if (srp_parse_ulong(name + 6, 10, 0, 65535, &idx) < 0)
		return 0;		/* not ours (virtfn-like names of other subsystems) */
	if (srp_sysfs_dev_path(path, sizeof(path), &pf->addr, name) < 0)
		return srp_err_set(w->err, -ENAMETOOLONG, "path too long");
	r = srp_sysfs_link_bdf(w->sys, path, &addr, w->err);
	if (r < 0)
		return r;
	vf = find_mut(w->inv, &addr);
	if (vf == NULL)
		return srp_err_set(w->err, -EINVAL, "'%s' points to %04x:%02x:%02x.%u, which is not a PCI function",
				   path, addr.domain, addr.bus, addr.dev, addr.fn);
	if (vf->pf != NULL && vf->pf != pf)
		return srp_err_set(w->err, -EINVAL, "VF %s is claimed by PFs %s and %s",
				   vf->name, vf->pf->name, pf->name);
	if (idx >= pf->n_vfs) {
		size_t n = w->cap;
		struct srp_dev **grown;

		while (n <= idx)
			n = n ? n * 2 : 8;
		grown = realloc(pf->vfs, n * sizeof(*grown));
		if (grown == NULL)
			return srp_err_set(w->err, -ENOMEM, "out of memory");
		memset(grown + w->cap, 0, (n - w->cap) * sizeof(*grown));
		pf->vfs = grown;
		w->cap = n;
		pf->n_vfs = idx + 1;
	}
	pf->vfs[idx] = vf;
	vf->kind = SRP_DEV_VF;
	vf->pf = pf;
	vf->vf_index = (int)idx;
	return 0;
}

/* PF -> VFs from the PF's virtfnN links, then each VF's physfn must agree. */
static int link_vfs(const struct srp_sys *sys, struct srp_inventory *inv, struct srp_err *err)
{
	char path[PATH_MAX];
	struct srp_bdf addr;
	int r;

	for (size_t i = 0; i < inv->n_devs; i++) {
		struct srp_dev *pf = &inv->devs[i];
		struct vf_walk w = { .sys = sys, .inv = inv, .pf = pf, .err = err };

		if (pf->kind != SRP_DEV_PF || pf->numvfs == 0)
			continue;
		if (srp_sysfs_dev_path(path, sizeof(path), &pf->addr, NULL) < 0)
			return srp_err_set(err, -ENAMETOOLONG, "path too long");
		r = srp_sys_listdir(sys, path, vf_link, &w);
		if (r < 0)
			return srp_err_set(err, r, "cannot list '%s'", path);
	}
	for (size_t i = 0; i < inv->n_devs; i++) {
		struct srp_dev *d = &inv->devs[i];

		if (srp_sysfs_dev_path(path, sizeof(path), &d->addr, "physfn") < 0)
			return srp_err_set(err, -ENAMETOOLONG, "path too long");
		r = srp_sysfs_link_bdf(sys, path, &addr, err);
		if (srp_sysfs_absent(r, err)) {
			if (d->kind == SRP_DEV_VF)
				return srp_err_set(err, -EINVAL, "VF %s (virtfn%d of %s) has no physfn link",
						   d->name, d->vf_index, d->pf->name);
			continue;
		}
		if (r < 0)
			return r;
		if (d->kind == SRP_DEV_PF)
			return srp_err_set(err, -EINVAL, "%s has both sriov_totalvfs and a physfn link",
					   d->name);
		if (d->pf == NULL || srp_bdf_cmp(&d->pf->addr, &addr) != 0)
			return srp_err_set(err, -EINVAL, "'%s' names a PF that does not list %s as a VF",
					   path, d->name);
	}
	return 0;
}

struct group_walk {
	struct srp_inventory *inv;
	struct srp_group *g;
	size_t cap;
	const char *path;
	struct srp_err *err;
};

static int group_member(const char *name, unsigned char d_type, void *arg)
{
	struct group_walk *w = arg;
	struct srp_group *g = w->g;
	struct srp_dev *d;
	struct srp_bdf addr;

	(void)d_type;
	if (srp_bdf_parse(name, &addr) < 0 || strlen(name) != 12) {
		g->n_foreign++;		/* not a PCI device (platform devices join groups too) */
		return 0;
	}
	d = find_mut(w->inv, &addr);
	if (d == NULL) {
		g->n_foreign++;
		return 0;
	}
	if (d->group != g)
		return srp_err_set(w->err, -EINVAL, "'%s' lists %s, whose iommu_group link disagrees",
				   w->path, name);
	if (g->n_members == w->cap) {
		struct srp_dev **grown;

		w->cap = w->cap ? w->cap * 2 : 4;
		grown = realloc(g->members, w->cap * sizeof(*grown));
		if (grown == NULL)
			return srp_err_set(w->err, -ENOMEM, "out of memory");
		g->members = grown;
	}
	g->members[g->n_members++] = d;
	return 0;
}

static int ulong_cmp(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

static int group_find_cmp(const void *key, const void *elem)
{
	unsigned long id = *(const unsigned long *)key;
	unsigned int gid = ((const struct srp_group *)elem)->id;

	return id < gid ? -1 : id > gid;
}

/* Build the group table from the ids the devices named, listing each
 * group's devices directory once. */
static int build_groups(const struct srp_sys *sys, struct srp_inventory *inv,
			const unsigned long *dev_group, struct srp_err *err)
{
	_cleanup_free_ unsigned long *ids = NULL;
	char path[PATH_MAX], buf[64];
	size_t n = 0;
	int r;

	ids = malloc((inv->n_devs ? inv->n_devs : 1) * sizeof(*ids));
	if (ids == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < inv->n_devs; i++)
		if (dev_group[i] != ULONG_MAX)
			ids[n++] = dev_group[i];
	qsort(ids, n, sizeof(*ids), ulong_cmp);
	inv->groups = calloc(n ? n : 1, sizeof(*inv->groups));
	if (inv->groups == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (inv->n_groups == 0 || inv->groups[inv->n_groups - 1].id != ids[i])
			inv->groups[inv->n_groups++].id = (unsigned int)ids[i];

	for (size_t i = 0; i < inv->n_devs; i++)
		if (dev_group[i] != ULONG_MAX)
			inv->devs[i].group = bsearch(&dev_group[i], inv->groups, inv->n_groups,
						     sizeof(*inv->groups), group_find_cmp);

	for (size_t i = 0; i < inv->n_groups; i++) {
		struct srp_group *g = &inv->groups[i];
		struct group_walk w = { .inv = inv, .g = g, .path = path, .err = err };

		snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%u/type", g->id);
		r = srp_sysfs_read_str(sys, path, buf, sizeof(buf), err);
		if (r == 0 && buf[0] == '\0')
			return srp_err_set(err, -EINVAL, "'%s' is empty (want DMA, DMA-FQ, identity...)",
					   path);
		if (r == 0 && (g->type = strdup(buf)) == NULL)
			return srp_err_set(err, -ENOMEM, "out of memory");
		if (r < 0 && !srp_sysfs_absent(r, err))
			return r;

		snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%u/devices", g->id);
		r = srp_sys_listdir(sys, path, group_member, &w);
		if (r < 0)
			return srp_err_set(err, r, "cannot list '%s'", path);
		qsort(g->members, g->n_members, sizeof(*g->members), devp_cmp);
	}
	/* a device whose link names a group that does not list it */
	for (size_t i = 0; i < inv->n_devs; i++) {
		const struct srp_dev *d = &inv->devs[i];
		const struct srp_group *g = d->group;

		if (g != NULL && !bsearch(&d, g->members, g->n_members, sizeof(d), devp_cmp))
			return srp_err_set(err, -EINVAL,
					   "%s: iommu_group %u does not list the device in /sys/kernel/iommu_groups/%u/devices",
					   d->name, g->id, g->id);
	}
	return 0;
}

int srp_inventory_scan(struct srp_host *host, struct srp_inventory **ret, struct srp_err *err)
{
	const struct srp_sys *sys = &host->sys;
	_cleanup_free_ unsigned long *dev_group = NULL;
	struct srp_pci_func *funcs = NULL;
	struct srp_inventory *inv;
	size_t n = 0;
	int r;

	r = srp_pci_enumerate(sys, &funcs, &n, err);
	if (r < 0)
		return r;
	inv = calloc(1, sizeof(*inv));
	if (inv == NULL || (inv->devs = calloc(n ? n : 1, sizeof(*inv->devs))) == NULL) {
		free(inv);
		srp_pci_funcs_free(funcs, n);
		return srp_err_set(err, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		struct srp_dev *d = &inv->devs[i];

		d->addr = funcs[i].addr;
		d->vendor = funcs[i].vendor;
		d->device = funcs[i].device;
		d->class = funcs[i].class;
		d->vendor_name = funcs[i].vendor_name;	/* ownership moves */
		d->device_name = funcs[i].device_name;
		funcs[i].vendor_name = funcs[i].device_name = NULL;
		d->numa_node = -1;
		d->drivers_autoprobe = -1;
		d->vf_index = -1;
	}
	inv->n_devs = n;
	srp_pci_funcs_free(funcs, n);
	qsort(inv->devs, n, sizeof(*inv->devs), dev_cmp);

	dev_group = malloc((n ? n : 1) * sizeof(*dev_group));
	if (dev_group == NULL) {
		r = srp_err_set(err, -ENOMEM, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		struct srp_dev *d = &inv->devs[i];

		srp_bdf_format(&d->addr, d->name);
		if (i > 0 && srp_bdf_cmp(&d[-1].addr, &d->addr) == 0) {
			r = srp_err_set(err, -EINVAL, "PCI function %s is listed twice", d->name);
			goto fail;
		}
		r = read_dev(sys, d, &dev_group[i], err);
		if (r < 0)
			goto fail;
	}
	r = link_vfs(sys, inv, err);
	if (r < 0)
		goto fail;
	r = build_groups(sys, inv, dev_group, err);
	if (r < 0)
		goto fail;
	*ret = inv;
	return 0;
fail:
	srp_inventory_free(inv);
	return r;
}
