/* SPDX-License-Identifier: MIT */
/* srpass -- the simulated kernel: sriov_numvfs, VFs parked and brought back */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "os/sys.h"
#include "base/util.h"
#include "sim/simkernel_int.h"

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
		return sim_pfmt(buf, SIM_DIR "/vfs/%s/virtfn%lu", pf->name, i);
	return sim_pfmt(buf, SIM_DIR "/vfs/%s/virtfn%lu/%s", pf->name, i, what);
}

/* The canonical path of a device's entry in IOMMU unit's devices/
 * (/sys/class/iommu/<unit> is a link to /sys/devices/virtual/iommu/). */
static int iommu_unit_entry(struct sim *st, const char *unit, const char *name,
			    char buf[PATH_MAX])
{
	char dir[PATH_MAX];
	int r;

	r = sim_pfmt(dir, "/sys/class/iommu/%s/devices", unit);
	if (r == 0)
		r = sim_resolve(st, dir, true, dir);
	if (r == 0)
		r = sim_pfmt(buf, "%s/%s", dir, name);
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
		r = sim_pfmt(link, "%s/virtfn%lu", pf->dir, i);
		if (r < 0)
			return r;
		n = l_readlink(st, link, target, sizeof(target));
	}
	if (n < 0)
		return n == -ENOENT ? -EIO : (int)n;
	r = sim_join(pf->dir, target, ret->dir);
	if (r < 0)
		return r;
	name = sim_basename(ret->dir);
	if (!sim_is_bdf(name))
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
		r = sim_pfmt(from, "%s/device", park);
	if (r == 0 && l_exists(st, from))
		r = sim_rename(st, from, vf.dir);
	if (r == 0 && sim_dev_group(st, &vf, &g) < 0)
		g = -1;
	if (r == 0)
		r = sim_pfmt(from, "%s/bus", park);
	if (r == 0)
		r = sim_pfmt(to, "/sys/bus/pci/devices/%s", vf.name);
	if (r == 0 && l_exists(st, from))
		r = sim_rename(st, from, to);
	if (r == 0 && g >= 0) {
		r = sim_pfmt(gdir, "/sys/kernel/iommu_groups/%d", g);
		if (r == 0)
			r = sim_pfmt(from, "%s/group", park);
		if (r == 0 && l_exists(st, from))
			r = sim_rename(st, from, gdir);
		if (r == 0)
			r = sim_pfmt(from, "%s/group-member", park);
		if (r == 0)
			r = sim_pfmt(to, "%s/devices/%s", gdir, vf.name);
		if (r == 0 && l_exists(st, from))
			r = sim_rename(st, from, to);
	}
	if (r == 0)
		r = sim_pfmt(gdir, "%s/iommu", park);
	if (r == 0 && sim_names_list(st, gdir, &ns) == 0) {
		for (size_t k = 0; k < ns.n && r == 0; k++) {
			r = sim_pfmt(from, "%s/%s", gdir, ns.v[k]);
			if (r == 0)
				r = iommu_unit_entry(st, ns.v[k], vf.name, to);
			if (r == 0)
				r = sim_rename(st, from, to);
		}
		sim_names_free(&ns);
		if (r == 0)
			sim_rmdir_empty(st, gdir);
	}
	if (r == 0)
		r = sim_pfmt(from, "%s/virtfn", park);
	if (r == 0)
		r = sim_pfmt(to, "%s/virtfn%lu", pf->dir, i);
	if (r == 0 && l_exists(st, from))
		r = sim_rename(st, from, to);
	if (r < 0)
		return r;
	sim_rmdir_empty(st, park);
	if (sim_pfmt(park, SIM_DIR "/vfs/%s", pf->name) == 0)
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
	if (r == 0 && (sim_dev_lookup(st, vf.name, &found) < 0 || strcmp(found.dir, vf.dir) != 0))
		r = -EIO;	/* virtfn points at no device of the bus */
	if (r == 0)
		r = sim_dev_driver(st, &vf, drv);
	if (r == 0 && drv[0] != '\0')
		r = sim_unbind(st, &vf, drv);
	if (r < 0)
		return r;
	if (sim_dev_group(st, &vf, &g) < 0)
		g = -1;
	r = l_mkdir_ok(st, SIM_DIR "/vfs");
	if (r == 0)
		r = sim_pfmt(path, SIM_DIR "/vfs/%s", pf->name);
	if (r == 0)
		r = l_mkdir_ok(st, path);
	if (r == 0)
		r = park_path(pf, i, NULL, park);
	if (r == 0)
		r = l_mkdir(st, park, 0755);
	if (r < 0)
		goto undo;

	r = sim_pfmt(path, "%s/virtfn%lu", pf->dir, i);
	if (r == 0)
		r = sim_pfmt(to, "%s/virtfn", park);
	if (r == 0)
		r = sim_rename(st, path, to);
	if (r == 0)
		r = sim_pfmt(path, "/sys/bus/pci/devices/%s", vf.name);
	if (r == 0)
		r = sim_pfmt(to, "%s/bus", park);
	if (r == 0)
		r = sim_rename(st, path, to);
	if (r < 0)
		goto undo;
	if (g >= 0) {
		struct names ns;

		r = sim_pfmt(path, "/sys/kernel/iommu_groups/%d/devices", g);
		if (r == 0)
			r = sim_names_list(st, path, &ns);
		if (r == 0) {
			members = ns.n;
			sim_names_free(&ns);
		}
		/* the group goes with its last device */
		if (r == 0 && members == 1) {
			r = sim_pfmt(path, "/sys/kernel/iommu_groups/%d", g);
			if (r == 0)
				r = sim_pfmt(to, "%s/group", park);
		} else if (r == 0) {
			r = sim_pfmt(path, "/sys/kernel/iommu_groups/%d/devices/%s", g, vf.name);
			if (r == 0)
				r = sim_pfmt(to, "%s/group-member", park);
		}
		if (r == 0 && l_exists(st, path))
			r = sim_rename(st, path, to);
		if (r < 0)
			goto undo;
	}
	if (sim_names_list(st, "/sys/class/iommu", &units) == 0) {
		bool made = false;

		for (size_t k = 0; k < units.n && r == 0; k++) {
			if (iommu_unit_entry(st, units.v[k], vf.name, path) < 0 ||
			    !l_exists(st, path))
				continue;
			if (!made) {
				r = sim_pfmt(to, "%s/iommu", park);
				if (r == 0)
					r = l_mkdir(st, to, 0755);
				made = r == 0;
			}
			if (r == 0)
				r = sim_pfmt(to, "%s/iommu/%s", park, units.v[k]);
			if (r == 0)
				r = sim_rename(st, path, to);
		}
		sim_names_free(&units);
		if (r < 0)
			goto undo;
	}
	r = sim_pfmt(to, "%s/device", park);
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
int sim_sriov_disable(struct sim *st, const struct sim_dev *pf, unsigned long cur)
{
	char path[PATH_MAX];
	unsigned long i, parked = 0;
	struct sim_dev vf;
	int r;

	for (i = 0; i < cur; i++) {
		r = sim_pfmt(path, "%s/virtfn%lu", pf->dir, i);
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
	r = sim_dev_path(pf, "sriov_numvfs", path);
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
int sim_sriov_enable(struct sim *st, const struct sim_dev *pf, unsigned long n)
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
	r = sim_dev_driver(st, pf, pfdrv);
	if (r == 0)
		r = sim_dev_path(pf, "sriov_drivers_autoprobe", path);
	if (r == 0)
		r = sim_read_ulong(st, path, &autoprobe);
	if (r == -ENOENT)
		r = 0;
	if (r < 0)
		return r;
	/* vfio_pci_core's bus notifier gives a vfio PF's new VFs its driver */
	snprintf(val, sizeof(val), "%s\n", sim_drv_is_vfio(pfdrv) ? pfdrv : "(null)");
	for (i = 0; i < n; i++) {
		r = vf_unpark(st, pf, i, &vf);
		if (r < 0)
			goto undo;
		r = sim_dev_path(&vf, "driver_override", path);
		if (r == 0 && l_exists(st, path))
			r = l_write_str(st, path, val);
		if (r == 0 && autoprobe)
			r = sim_probe(st, &vf);
		if (r < 0) {
			i++;
			goto undo;
		}
	}
	r = sim_dev_path(pf, "sriov_numvfs", path);
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

/* ---- attribute stores ---- */

/* Does drv implement sriov_configure? */
static bool drv_has_sriov(struct sim *st, const char *drv)
{
	char yn[8];

	if (strcmp(drv, "pci-stub") == 0 || strcmp(drv, "pciback") == 0)
		return false;
	/* vfio-pci creates VFs only with enable_sriov=1 */
	if (sim_drv_is_vfio(drv))
		return sim_read_str(st, "/sys/module/vfio_pci/parameters/enable_sriov", yn,
				sizeof(yn)) == 0 && strcmp(yn, "Y") == 0;
	return true;
}

/* sriov_numvfs_store() */
int sim_numvfs_store(struct sim *st, const struct sim_dev *pf, const char *val)
{
	char path[PATH_MAX], drv[NAME_MAX + 1];
	unsigned long n, total, cur;
	int r;

	if (srp_parse_ulong(val, 0, 0, UINT16_MAX, &n) < 0)
		return -EINVAL;
	r = sim_dev_path(pf, "sriov_totalvfs", path);
	if (r == 0)
		r = sim_read_ulong(st, path, &total);
	if (r == 0)
		r = sim_dev_ulong(st, pf, "sriov_numvfs", &cur);
	if (r < 0)
		return r;
	if (n > total)
		return -ERANGE;
	if (n == cur)
		return 0;
	r = sim_dev_driver(st, pf, drv);
	if (r < 0)
		return r;
	if (drv[0] == '\0' || !drv_has_sriov(st, drv))
		return -ENOENT;	/* "no driver bound to device; cannot configure SR-IOV" */
	if (n == 0)
		return sim_sriov_disable(st, pf, cur);
	if (cur > 0)
		return -EBUSY;	/* "%d VFs already enabled. Disable before enabling %d VFs" */
	return sim_sriov_enable(st, pf, n);
}
