/* SPDX-License-Identifier: MIT */
/* srpass tests -- fake hosts: sysfs trees shaped like the kernel's */
#ifndef SRP_FAKEHOST_H
#define SRP_FAKEHOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A fake host is a directory ROOT holding what srpass and libpci read on
 * a real one: ROOT/sys/devices/pci0000:BB/... (functions nested under
 * their upstream bridge), ROOT/sys/bus/pci/{devices,drivers}, IOMMU
 * groups, netdevs, /proc/cmdline.  Every symlink is relative, computed
 * as sysfs does, so the tree can be moved and read with
 *   lspci -A linux-sysfs -O sysfs.path=ROOT/sys/bus/pci
 *
 * Functions are placed by bus number: the parent of 0000:03:00.0 is the
 * port added earlier whose secondary bus is 03, else the host bridge
 * pci0000:03 (made on demand).  So add host bridges and ports before the
 * functions below them, and the IOMMU before any function.
 *
 * All functions return 0 or a negative errno; on failure the tree may be
 * half-built (free it).  Out of memory aborts: this is test support.
 */
struct fakehost;

/* Which IOMMU group a function joins. */
enum fakehost_group {
	FAKEHOST_GROUP_AUTO,	/* the group of the upstream port if that port does
				 * not isolate (no ACS enabled), else a new group */
	FAKEHOST_GROUP_ID,	/* group number .group (made if new) */
	FAKEHOST_GROUP_NONE,	/* no iommu_group link */
	FAKEHOST_GROUP_PF,	/* VFs only: the PF's group */
	FAKEHOST_GROUP_NEW,	/* a new group, whatever the ports above */
};

/* The ACS extended capability of a port. */
enum fakehost_acs {
	FAKEHOST_ACS_NONE,	/* no ACS capability */
	FAKEHOST_ACS_ON,	/* SV TB RR CR UF DT capable; SV RR CR UF enabled, as
				 * Linux enables them when an IOMMU is on */
	FAKEHOST_ACS_OFF,	/* capable as above, nothing enabled */
	FAKEHOST_ACS_CUSTOM,	/* .acs_cap and .acs_ctrl as given */
};

enum fakehost_port {
	FAKEHOST_ROOT_PORT,
	FAKEHOST_UPSTREAM_PORT,		/* of a switch */
	FAKEHOST_DOWNSTREAM_PORT,
};

/* One PCI function.  Zero means the default noted. */
struct fakehost_func {
	const char *addr;		/* "0000:03:00.0", required */
	uint16_t vendor, device;
	uint16_t subsys_vendor, subsys_device;	/* both 0: vendor and device */
	uint32_t class;			/* 0x020000; ports get 0x060400 */
	uint8_t revision;
	const char *driver;		/* bound driver or NULL; ports: "pcieport" */
	const char *netdevs;		/* names under net/, space separated, or NULL */
	enum fakehost_group group_mode;
	unsigned int group;		/* with FAKEHOST_GROUP_ID */
	bool conventional;		/* PCI, not PCIe: 256-byte config, no ext caps */
	unsigned int link_gen;		/* PCIe link: 1..5, 0: 3 (8 GT/s) */
	unsigned int link_width;	/* lanes, 0: 8 */
	unsigned int msix;		/* MSI-X vectors, 0: 64; ports have none */
	unsigned long long bar0;	/* BAR 0 size (rounded up to a power of 2), 0: 1M */

	/* ports */
	enum fakehost_port port_type;
	unsigned int secondary, subordinate;	/* bus range below the port */
	enum fakehost_acs acs;
	uint16_t acs_cap, acs_ctrl;	/* with FAKEHOST_ACS_CUSTOM */
	bool ari_fwd;			/* ARI Forwarding Enable in Device Control 2 */
};

/* The SR-IOV side of a PF; VFs get the PF's vendor, class and NUMA node. */
struct fakehost_sriov {
	unsigned int totalvfs;		/* required, 1..65535 */
	unsigned int numvfs;		/* VFs enabled, <= totalvfs */
	unsigned int offset, stride;	/* 0: 1 and 1 */
	uint16_t vf_device;		/* required */
	const char *vf_driver;		/* NULL: VFs unbound */
	const char *vf_netdevs;		/* name pattern for VFs with a driver, every
					 * "%u" replaced by the VF index; or NULL */
	enum fakehost_group vf_group_mode;
	unsigned int vf_group;
	unsigned int vf_msix;		/* MSI-X vectors per VF, 0: 8 */
	unsigned long long vf_bar0;	/* VF BAR 0 size, 0: 64K */
	unsigned int vf_total_msix;	/* sriov_vf_total_msix; 0: no such file */
	bool no_autoprobe;		/* sriov_drivers_autoprobe reads 0 */
};

struct fakehost_iommu {
	const char *name;		/* NULL: "dmar0" (Intel VT-d) */
	const char *group_type;		/* type of new groups; NULL: "DMA" */
	bool no_intremap;		/* no interrupt remapping (ecap.IR clear) */
};

/*
 * fakehost_new - start a tree in dir, made if missing and refused
 * (-ENOTEMPTY in errno) if not empty; dir NULL makes a mkdtemp()
 * directory under $TMPDIR or /tmp.  NULL with errno set on failure.
 * The tree starts with sys/bus/pci, sys/devices, proc/cmdline and no
 * IOMMU.
 */
struct fakehost *fakehost_new(const char *dir);

/* Free fh and remove its tree if fakehost_new() made the directory. */
void fakehost_free(struct fakehost *fh);

/* The absolute path of the tree. */
const char *fakehost_root(const struct fakehost *fh);

/* Host bridge pci<domain>:<bus>; the functions below it get numa_node. */
int fakehost_add_hostbridge(struct fakehost *fh, unsigned int domain, unsigned int bus,
			    int numa_node);

/* IOMMU dmar0 (or iommu->name), sys/kernel/iommu_groups, interrupt
 * remapping; before any function.  iommu NULL: the defaults. */
int fakehost_add_iommu(struct fakehost *fh, const struct fakehost_iommu *iommu);

/* vfio, vfio_pci and vfio_iommu_type1 loaded (allow_unsafe_interrupts N),
 * the vfio-pci driver, dev/vfio/vfio. */
int fakehost_add_vfio(struct fakehost *fh);

/* A PCI-to-PCI bridge: a PCIe root, upstream or downstream port. */
int fakehost_add_port(struct fakehost *fh, const struct fakehost_func *port);

/* An endpoint (or root complex integrated endpoint, on a root bus). */
int fakehost_add_dev(struct fakehost *fh, const struct fakehost_func *dev);

/*
 * A PF with sriov->numvfs VFs at the routing IDs the kernel computes:
 * RID(VF n) = RID(PF) + offset + n * stride, the bus in the upper byte
 * (ARI), so VFs may sit on buses after the PF's, within the parent
 * port's bus range.  VF directories are siblings of the PF's, with
 * physfn and virtfnN links; their config space reads ffff as the
 * vendor and device ID, as real VFs do.
 */
int fakehost_add_pf(struct fakehost *fh, const struct fakehost_func *pf,
		    const struct fakehost_sriov *sriov);

/*
 * Enable numvfs VFs of pf (0: disable them) as a write to sriov_numvfs
 * would: -ERANGE above totalvfs, -EBUSY from N to M when both are not 0.
 * The VFs get the drivers, names and groups of fakehost_add_pf().
 */
int fakehost_set_numvfs(struct fakehost *fh, const char *pf, unsigned int numvfs);

/* Address of VF n of pf, as fakehost_add_pf() places it, into
 * buf[13]; -ERANGE past bus ff, -EINVAL for a bad pf address. */
int fakehost_vf_addr(const char *pf, unsigned int offset, unsigned int stride, unsigned int n,
		     char buf[13]);

/* The IOMMU group of a function, -1 if it has none, -ENOENT if unknown. */
int fakehost_group(const struct fakehost *fh, const char *addr);

/* Bind a function to driver, or unbind it (driver NULL): the driver
 * link, the driver's back link, enable; its netdevs go with the old
 * driver. */
int fakehost_bind(struct fakehost *fh, const char *addr, const char *driver);

/* The function's directory, relative to the root
 * ("sys/devices/pci0000:00/0000:00:01.0/0000:03:00.0"), or NULL. */
const char *fakehost_dev_dir(const struct fakehost *fh, const char *addr);

/*
 * Crafting, for malformed trees.  path is relative to the root, without
 * ".." (symlinks on the way, like sys/bus/pci/devices/X, are followed:
 * don't write through a link you pointed out of the tree).  Missing
 * parent directories are made.
 */
int fakehost_write(struct fakehost *fh, const char *path, const char *content);
int fakehost_write_bin(struct fakehost *fh, const char *path, const void *data, size_t len);
/* A symlink at path to target, verbatim (absolute, dangling and
 * escaping targets allowed); replaces what is at path. */
int fakehost_symlink(struct fakehost *fh, const char *path, const char *target);
/* Remove a file, a link (not what it points to) or a whole directory. */
int fakehost_remove(struct fakehost *fh, const char *path);

/* rm -rf dir, never following symlinks nor crossing mount points. */
int fakehost_rmtree(const char *dir);

#endif
