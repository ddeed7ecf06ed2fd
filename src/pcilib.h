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

#endif
