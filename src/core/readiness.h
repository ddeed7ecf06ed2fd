/* SPDX-License-Identifier: MIT */
/* srpass -- host readiness: IOMMU, interrupt remapping, ACS, ARI, SR-IOV, stub drivers */
#ifndef SRP_READINESS_H
#define SRP_READINESS_H

#include <stddef.h>

#include "srpass/bdf.h"
#include "srpass/check.h"

struct srp_host;
struct srp_inventory;
struct srp_dev;
struct srp_err;

struct srp_iommu_facts {
	int iommu_units;		/* entries in /sys/class/iommu */
	int groups;			/* entries in /sys/kernel/iommu_groups */
	int identity_groups;		/* of those, type "identity" (iommu=pt) */
	int unsafe_interrupts;		/* allow_unsafe_interrupts is Y; -1 unknown */
	int remapping;			/* 1 IR- in /proc/interrupts, 0 none, -1 unknown */
};
int srp_iommu_facts(struct srp_host *host, const struct srp_inventory *inv,
		    struct srp_iommu_facts *ret, struct srp_err *err);

/*
 * srp_pf_ports - the PCI bridges above dev, nearest first, from the one
 * link /sys/bus/pci/devices/<dev> (no realpath).  Returns the count
 * (at most max).
 */
int srp_pf_ports(struct srp_host *host, const struct srp_dev *dev, struct srp_bdf *ret,
		 size_t max, struct srp_err *err);

/*
 * srp_acs_gap - 1 if some root or downstream port above dev lacks the ACS
 * controls isolation needs, 0 if all have them; *ret_port names the first
 * port that lacks them.
 */
int srp_acs_gap(struct srp_host *host, const struct srp_dev *dev, struct srp_bdf *ret_port,
		struct srp_err *err);

/* Run every readiness check.  Fills checks; -errno only if the host
 * cannot be read at all. */
int srp_readiness(struct srp_host *host, const struct srp_inventory *inv,
		  struct srp_checks *checks, struct srp_err *err);

#endif
