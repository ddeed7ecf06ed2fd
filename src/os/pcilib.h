/* SPDX-License-Identifier: MIT */
/* srpass -- the libpci boundary: enumeration, names and config space */
#ifndef SRP_PCILIB_H
#define SRP_PCILIB_H

#include <stddef.h>
#include <stdint.h>

#include "srpass/bdf.h"

struct srp_sys;
struct srp_err;

struct srp_pci_func {
	struct srp_bdf addr;
	uint16_t vendor, device;
	uint32_t class;			/* base << 16 | sub << 8 | prog-if */
	char *vendor_name, *device_name;	/* NULL if pci.ids does not know them */
};

/*
 * srp_pci_enumerate - every PCI function libpci sees under the host root
 * (method linux-sysfs, sysfs.path = <root>/sys/bus/pci).  On success
 * *ret is a malloc()ed array of *ret_n entries (free each with
 * srp_pci_funcs_free()).  libpci's fatal errors come back as -EIO with
 * libpci's message; nothing exits.
 */
int srp_pci_enumerate(const struct srp_sys *sys, struct srp_pci_func **ret, size_t *ret_n,
		      struct srp_err *err);
void srp_pci_funcs_free(struct srp_pci_func *funcs, size_t n);

/* What srpass needs from a port's (or any function's) config space. */
struct srp_pci_caps {
	int pcie;			/* has a PCI Express capability */
	int port_type;			/* PCI_EXP_TYPE_*: 4 root port, 5 upstream, 6 downstream */
	int has_acs;
	uint16_t acs_cap, acs_ctrl;	/* ACS capability and control registers */
	int ari_fwd_cap, ari_fwd_en;	/* Device Capabilities/Control 2, ARI forwarding */
};

/* PCIe port types, as in the PCIe capability's flags */
#define SRP_PCIE_ROOT_PORT 4
#define SRP_PCIE_UPSTREAM 5
#define SRP_PCIE_DOWNSTREAM 6

/* ACS bits srpass requires on a port (libvirt's set): source validation,
 * P2P request and completion redirect, upstream forwarding. */
#define SRP_ACS_REQUIRED 0x001d

/*
 * srp_pci_read_caps - read dev's capabilities from its config space via
 * libpci.  A config space that cannot be read (absent file, short file)
 * is -EIO with the path.
 */
int srp_pci_read_caps(const struct srp_sys *sys, const struct srp_bdf *dev,
		      struct srp_pci_caps *ret, struct srp_err *err);

#endif
