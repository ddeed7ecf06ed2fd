/* SPDX-License-Identifier: MIT */
/* srpass -- the libpci boundary: enumeration, names and config space decoding */
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
 * srp_pci_enumerate - every PCI function under the host root's
 * /sys/bus/pci/devices, with the kernel's vendor, device and class, read
 * through the seam, and their names from the root's pci.ids (libpci's
 * parser, fed through the seam too; NULL names without one).  libpci
 * itself opens nothing.  On success *ret is a malloc()ed array of *ret_n
 * entries (free with srp_pci_funcs_free()).  A malformed pci.ids is -EIO
 * with libpci's message; nothing exits.
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
 * srp_pci_read_caps - dev's capabilities: its config file read through
 * the seam, decoded by libpci from that copy.  A config space that
 * cannot be read (absent, not a regular file, shorter than a header, no
 * vendor id) is an error naming the path.
 */
int srp_pci_read_caps(const struct srp_sys *sys, const struct srp_bdf *dev,
		      struct srp_pci_caps *ret, struct srp_err *err);

#endif
