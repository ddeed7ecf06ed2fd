/* SPDX-License-Identifier: MIT */
/* srpass -- the simulated kernel: bind, unbind, drivers_probe, driver_override */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "os/sys.h"
#include "sim/simkernel_int.h"

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

	r = sim_pfmt(cdir, "%s/class-net", pdir);
	if (r < 0)
		return r;
	r = sim_names_list(st, cdir, &ns);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	for (size_t i = 0; i < ns.n && r == 0; i++) {
		r = sim_pfmt(from, "%s/%s", cdir, ns.v[i]);
		if (r == 0)
			r = sim_pfmt(to, "/sys/class/net/%s", ns.v[i]);
		if (r == 0)
			r = sim_rename(st, from, to);
	}
	sim_names_free(&ns);
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
	r = sim_dev_path(dev, "net", net);
	if (r == 0)
		r = l_lstat(st, net, &mode);
	if (r == -ENOENT || (r == 0 && !S_ISDIR(mode)))
		return 0;
	if (r < 0)
		return r;
	r = sim_names_list(st, net, &ns);
	if (r < 0)
		return r;
	r = l_mkdir_ok(st, SIM_DIR "/parked");
	if (r == 0)
		r = sim_pfmt(pdir, SIM_DIR "/parked/%s", dev->name);
	if (r == 0)
		r = l_mkdir(st, pdir, 0755);	/* EEXIST: a stale park, not ours to merge */
	if (r < 0)
		goto out;
	r = sim_pfmt(pnet, "%s/net", pdir);
	if (r == 0)
		r = sim_pfmt(cdir, "%s/class-net", pdir);
	if (r == 0)
		r = sim_rename(st, net, pnet);
	if (r < 0)
		goto out_pdir;
	for (size_t i = 0; i < ns.n; i++) {
		if (sim_pfmt(link, "/sys/class/net/%s", ns.v[i]) < 0 ||
		    l_readlink(st, link, target, sizeof(target)) < 0)
			continue;
		/* only the class link that points at this device's netdev */
		if (sim_join("/sys/class/net", target, abs) < 0 ||
		    sim_pfmt(want, "%s/%s", net, ns.v[i]) < 0 || strcmp(abs, want) != 0)
			continue;
		if (!made_cdir) {
			r = l_mkdir(st, cdir, 0755);
			if (r < 0)
				goto out_links;
			made_cdir = true;
		}
		r = sim_pfmt(dst, "%s/%s", cdir, ns.v[i]);
		if (r == 0)
			r = sim_rename(st, link, dst);
		if (r < 0)
			goto out_links;
	}
	sim_names_free(&ns);
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
	sim_names_free(&ns);
	return r;
}

static int net_unpark(struct sim *st, const struct sim_dev *dev, bool *ret_restored)
{
	char net[PATH_MAX], pdir[PATH_MAX], pnet[PATH_MAX];
	int r;

	*ret_restored = false;
	r = sim_pfmt(pdir, SIM_DIR "/parked/%s", dev->name);
	if (r == 0)
		r = sim_pfmt(pnet, "%s/net", pdir);
	if (r == 0)
		r = sim_dev_path(dev, "net", net);
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

/* `enable` reads 1 while a driver has the device enabled: network
 * drivers do in probe; vfio-pci, pci-stub and pciback leave it to the
 * user (vfio enables it when a guest opens it). */
static int set_enable(struct sim *st, const struct sim_dev *dev, bool on)
{
	char path[PATH_MAX], cur[32];
	int r;

	r = sim_dev_path(dev, "enable", path);
	if (r == 0)
		r = sim_read_str(st, path, cur, sizeof(cur));
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if ((strcmp(cur, "0") != 0) == on)
		return 0;
	return l_write_str(st, path, on ? "1\n" : "0\n");
}

/* What a driver's probe checks before it takes dev: 0, or the error the
 * probe fails with. */
static int probe_check(struct sim *st, const struct sim_dev *dev, const char *drv)
{
	unsigned long numvfs;
	int g, r;

	if (!sim_drv_is_vfio(drv))
		return 0;
	/* vfio_pci_probe(): "Cannot bind to PF with SR-IOV enabled" */
	r = sim_dev_ulong(st, dev, "sriov_numvfs", &numvfs);
	if (r < 0)
		return r;
	if (numvfs > 0)
		return -EBUSY;
	/* no IOMMU group, no VFIO device (no-IOMMU mode is not simulated) */
	r = sim_dev_group(st, dev, &g);
	return r == -ENOENT ? -EINVAL : r;
}

/* The driver link, the driver's back link, the VFIO node, the netdevs
 * and `enable`: what really_probe() and a successful probe leave. */
static int do_bind(struct sim *st, const struct sim_dev *dev, const char *drv)
{
	char drvdir[PATH_MAX], link[PATH_MAX], back[PATH_MAX], target[PATH_MAX];
	bool stub = sim_drv_is_stub(drv), vfio = sim_drv_is_vfio(drv), node = false, net = false;
	int g = -1, r;

	r = sim_pfmt(drvdir, "/sys/bus/pci/drivers/%s", drv);
	if (r == 0)
		r = sim_resolve(st, drvdir, true, drvdir);
	if (r == 0)
		r = sim_dev_path(dev, "driver", link);
	if (r == 0)
		r = sim_pfmt(back, "%s/%s", drvdir, dev->name);
	if (r == 0 && vfio)
		r = sim_dev_group(st, dev, &g);
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
		r = sim_vfio_node_get(st, g, &node);
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
		(void)sim_vfio_node_put(st, g);
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
int sim_probe(struct sim *st, const struct sim_dev *dev)
{
	char cur[NAME_MAX + 1], drv[NAME_MAX + 1];
	int r;

	r = sim_dev_driver(st, dev, cur);
	if (r < 0 || cur[0] != '\0')
		return r;
	r = sim_dev_override(st, dev, drv);
	if (r == 0 && drv[0] == '\0')
		r = sim_dev_default_driver(st, dev, drv);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (!sim_drv_loaded(st, drv) || probe_check(st, dev, drv) != 0)
		return 0;
	return do_bind(st, dev, drv);
}

/* ---- unbinding ---- */

/* device_release_driver(): the driver's remove (a PF's disables SR-IOV
 * first -- igb, ice, i40e, ixgbe, mlx5, bnxt and vfio-pci all do; a
 * network driver's unregisters its netdevs), then the links go. */
int sim_unbind(struct sim *st, const struct sim_dev *dev, const char *drv)
{
	char link[PATH_MAX], back[PATH_MAX], drvdir[PATH_MAX];
	char ltarget[PATH_MAX], btarget[PATH_MAX];
	bool stub = sim_drv_is_stub(drv), net = false, node = false, has_back = false;
	unsigned long numvfs = 0;
	int g = -1, r;
	ssize_t n;

	r = sim_dev_ulong(st, dev, "sriov_numvfs", &numvfs);
	if (r == 0 && numvfs > 0)
		r = sim_sriov_disable(st, dev, numvfs);
	if (r < 0)
		return r;
	if (!stub) {
		r = net_park(st, dev, &net);
		if (r < 0)
			goto out_sriov;
	}
	r = sim_dev_path(dev, "driver", link);
	if (r == 0)
		r = sim_resolve(st, link, true, drvdir);
	if (r == 0)
		r = sim_pfmt(back, "%s/%s", drvdir, dev->name);
	if (r < 0)
		goto out_net;
	n = l_readlink(st, link, ltarget, sizeof(ltarget));
	if (n < 0) {
		r = (int)n;
		goto out_net;
	}
	has_back = l_readlink(st, back, btarget, sizeof(btarget)) >= 0;
	if (sim_drv_is_vfio(drv) && sim_dev_group(st, dev, &g) == 0) {
		r = sim_group_scan(st, g, dev->name, true);
		if (r == 0) {
			r = sim_vfio_node_put(st, g);
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
		(void)sim_vfio_node_get(st, g, &node);
out_net:
	if (net)
		(void)net_unpark(st, dev, &net);
out_sriov:
	if (numvfs > 0)
		(void)sim_sriov_enable(st, dev, numvfs);
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
	return sim_dev_lookup(st, val, ret);
}

/* bind_store(): the driver must match (driver_override, else its ID
 * table), then the device must be free, then the probe must accept it. */
int sim_bind_store(struct sim *st, const char *drv, char *val)
{
	char want[NAME_MAX + 1], cur[NAME_MAX + 1];
	struct sim_dev dev;
	int r;

	r = value_dev(st, val, &dev);
	if (r == 0)
		r = sim_dev_override(st, &dev, want);
	if (r == 0 && want[0] == '\0')
		r = sim_dev_default_driver(st, &dev, want);
	if (r == -ENOENT || (r == 0 && strcmp(want, drv) != 0))
		return -ENODEV;
	if (r == 0)
		r = sim_dev_driver(st, &dev, cur);
	if (r == 0 && cur[0] != '\0')
		return -EBUSY;
	if (r == 0)
		r = probe_check(st, &dev, drv);
	if (r == 0)
		r = do_bind(st, &dev, drv);
	return r;
}

/* unbind_store(): only from the driver the device is bound to. */
int sim_unbind_store(struct sim *st, const char *drv, char *val)
{
	char cur[NAME_MAX + 1];
	struct sim_dev dev;
	int r;

	r = value_dev(st, val, &dev);
	if (r == 0)
		r = sim_dev_driver(st, &dev, cur);
	if (r == 0 && strcmp(cur, drv) != 0)
		return -ENODEV;
	if (r == 0)
		r = sim_unbind(st, &dev, drv);
	return r;
}

int sim_drivers_probe_store(struct sim *st, char *val)
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
int sim_override_store(struct sim *st, const char *path, const char *val, size_t len)
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
