/* SPDX-License-Identifier: MIT */
/* srpass -- the host's PCI functions, PFs and VFs, as one snapshot */
#ifndef SRPASS_INVENTORY_H
#define SRPASS_INVENTORY_H

#include "srpass/api.h"

#include <stddef.h>
#include <stdint.h>

#include "srpass/bdf.h"

struct srp_host;
struct srp_err;

enum srp_dev_kind {
	SRP_DEV_PLAIN,		/* neither PF nor VF */
	SRP_DEV_PF,		/* has sriov_totalvfs */
	SRP_DEV_VF,		/* has a physfn link */
};

struct srp_group;

struct srp_dev {
	struct srp_bdf addr;
	char name[SRP_BDF_STRLEN];	/* canonical "dddd:bb:dd.f" */
	enum srp_dev_kind kind;
	uint16_t vendor, device;
	uint32_t class;			/* 24 bits: base, sub, prog-if */
	char *vendor_name, *device_name;	/* from pci.ids; NULL if unknown */
	char *driver;			/* bound driver, NULL if none */
	char *driver_override;		/* NULL if "(null)" or absent */
	int numa_node;			/* -1 if none */
	struct srp_group *group;	/* NULL without an IOMMU group */
	char **netdevs;			/* names under net/, sorted */
	size_t n_netdevs;

	/* PF only */
	unsigned int totalvfs, numvfs, vf_offset, vf_stride;
	uint16_t vf_device;
	int drivers_autoprobe;		/* 0, 1, or -1 if unknown */
	struct srp_dev **vfs;		/* by VF index; NULL where virtfnN is missing */
	size_t n_vfs;

	/* VF only */
	struct srp_dev *pf;
	int vf_index;			/* N of the PF's virtfnN link */
};

struct srp_group {
	unsigned int id;
	char *type;			/* "DMA", "DMA-FQ", "identity", ...; NULL if absent */
	struct srp_dev **members;	/* sorted by address; members absent from the
					 * PCI list are left out and counted in n_foreign */
	size_t n_members;
	size_t n_foreign;
};

struct srp_inventory {
	struct srp_dev *devs;		/* sorted by address */
	size_t n_devs;
	struct srp_group *groups;	/* sorted by id */
	size_t n_groups;
};

/*
 * srp_inventory_scan - enumerate every PCI function under the host root.
 * On success *ret is a new snapshot the caller frees with
 * srp_inventory_free().  Reads only; no config space of VFs is read.
 */
SRP_API int srp_inventory_scan(struct srp_host *host, struct srp_inventory **ret, struct srp_err *err);
SRP_API void srp_inventory_free(struct srp_inventory *inv);

/* Borrowed, valid until srp_inventory_free(); NULL if absent. */
SRP_API const struct srp_dev *srp_inventory_find(const struct srp_inventory *inv,
					 const struct srp_bdf *addr);

SRP_API const char *srp_dev_kind_name(enum srp_dev_kind kind);

#endif
