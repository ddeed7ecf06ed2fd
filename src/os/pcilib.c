/* SPDX-License-Identifier: MIT */
/* srpass -- libpci glue; the only file that includes <pci/pci.h> */
#include "os/pcilib.h"

#include <errno.h>
#include <pci/header.h>
#include <pci/pci.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "srpass/err.h"
#include "os/sys.h"

/*
 * libpci reports fatal errors through a hook it expects never to return
 * (it would exit()).  We jump back to the caller instead.  The hooks get
 * no user pointer, so the jump target is per thread (a library caller
 * may scan two hosts from two threads), valid only inside the call that
 * set it.
 */
static __thread jmp_buf pci_jmp;
static __thread char pci_msg[256];

static void __attribute__((noreturn, format(printf, 1, 2))) pci_fatal(char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pci_msg, sizeof(pci_msg), fmt, ap);
	va_end(ap);
	longjmp(pci_jmp, 1);
}

static void __attribute__((format(printf, 1, 2))) pci_quiet(char *fmt, ...)
{
	(void)fmt;
}

/* A libpci handle on the sysfs tree at path, with our hooks.  Call it
 * after setjmp(pci_jmp): pci_init() may fail through pci_fatal(). */
static struct pci_access *pci_new(char *path)
{
	struct pci_access *pacc = pci_alloc();

	pacc->error = pci_fatal;
	pacc->warning = pci_quiet;
	pacc->debug = pci_quiet;
	pacc->method = PCI_ACCESS_SYS_BUS_PCI;
	/* sysfs.path is libpci's own parameter since 3.0; setting it cannot fail */
	(void)pci_set_param(pacc, "sysfs.path", path);
	pci_init(pacc);
	return pacc;
}

static char *name_or_null(struct pci_access *pacc, int what, unsigned int vendor,
			  unsigned int device)
{
	char buf[256];
	const char *s;

	/* pci.ids only: udev's hwdb lives outside the host root (and libpci
	 * 3.9 leaks its udev handle) */
	s = pci_lookup_name(pacc, buf, sizeof(buf), what | PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB,
			    vendor, device);
	return s ? strdup(s) : NULL;
}

/* libpci gives up (and leaks) on a name it cannot parse; refuse first. */
static int check_entry(const char *name, unsigned char d_type, void *arg)
{
	struct srp_bdf a;

	(void)d_type;
	if (strlen(name) != 12 || srp_bdf_parse(name, &a) < 0)
		return srp_err_set(arg, -EINVAL, "unexpected entry '%s' in '/sys/bus/pci/devices' "
				   "(not a PCI address)", name);
	return 0;
}

void srp_pci_funcs_free(struct srp_pci_func *funcs, size_t n)
{
	for (size_t i = 0; i < n && funcs; i++) {
		free(funcs[i].vendor_name);
		free(funcs[i].device_name);
	}
	free(funcs);
}

int srp_pci_enumerate(const struct srp_sys *sys, struct srp_pci_func **ret, size_t *ret_n,
		      struct srp_err *err)
{
	/* volatile: these change between setjmp() and a possible longjmp() */
	struct srp_pci_func *volatile funcs = NULL;
	volatile size_t n = 0;
	struct pci_access *volatile pacc = NULL;
	volatile int jumps = 0;
	char path[PATH_MAX];
	struct pci_dev *d;
	volatile size_t cap = 0;
	mode_t mode;
	int r;

	/* libpci treats a missing tree as fatal; see it through the seam first */
	r = srp_sys_lstat(sys, "/sys/bus/pci/devices", &mode);
	if (r < 0 || !S_ISDIR(mode)) {
		(void)srp_sys_hostpath(sys, "/sys/bus/pci/devices", path, sizeof(path));
		return srp_err_set(err, r < 0 ? r : -ENOTDIR, "no PCI devices directory '%s'", path);
	}
	if (srp_sys_hostpath(sys, "/sys/bus/pci", path, sizeof(path)) < 0)
		return srp_err_set(err, -ENAMETOOLONG, "host root '%s' is too long", sys->root);
	r = srp_sys_listdir(sys, "/sys/bus/pci/devices", check_entry, err);
	if (r < 0)
		return srp_err_set(err, r, "cannot list '/sys/bus/pci/devices'");

	if (setjmp(pci_jmp) != 0) {
		if (jumps++ > 0)
			pacc = NULL;	/* failed again in pci_cleanup(): leak, don't loop */
		r = srp_err_set(err, -EIO, "libpci cannot read '%s/devices': %s", path, pci_msg);
		goto out;
	}
	pacc = pci_new(path);
	pci_scan_bus(pacc);

	for (d = pacc->devices; d != NULL; d = d->next) {
		struct srp_pci_func *f;

		if (n == cap) {
			struct srp_pci_func *grown;

			cap = cap ? cap * 2 : 64;
			grown = realloc(funcs, cap * sizeof(*funcs));
			if (grown == NULL) {
				r = srp_err_set(err, -ENOMEM, "out of memory");
				goto out;
			}
			funcs = grown;
		}
		pci_fill_info(d, PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_CLASS_EXT);
		if (d->domain > 0xffff) {
			r = srp_err_set(err, -ERANGE, "PCI domain %x is not supported", d->domain);
			goto out;
		}
		f = &funcs[n];
		memset(f, 0, sizeof(*f));
		f->addr.domain = (uint16_t)d->domain;
		f->addr.bus = d->bus;
		f->addr.dev = d->dev;
		f->addr.fn = d->func;
		f->vendor = d->vendor_id;
		f->device = d->device_id;
		f->class = (uint32_t)d->device_class << 8 | (uint8_t)d->prog_if;
		n++;
		f->vendor_name = name_or_null(pacc, PCI_LOOKUP_VENDOR, d->vendor_id, 0);
		f->device_name = name_or_null(pacc, PCI_LOOKUP_DEVICE, d->vendor_id, d->device_id);
	}
	*ret = funcs;
	*ret_n = n;
	funcs = NULL;
	r = 0;
out:
	if (pacc != NULL)
		pci_cleanup(pacc);
	srp_pci_funcs_free(funcs, n);
	return r;
}

int srp_pci_read_caps(const struct srp_sys *sys, const struct srp_bdf *addr,
		      struct srp_pci_caps *ret, struct srp_err *err)
{
	struct pci_access *volatile pacc = NULL;
	struct srp_pci_caps c = { 0 };
	volatile int jumps = 0;
	char path[PATH_MAX], name[SRP_BDF_STRLEN];
	struct pci_dev *volatile d = NULL;
	struct pci_cap *cap;
	int r;

	srp_bdf_format(addr, name);
	if (srp_sys_hostpath(sys, "/sys/bus/pci", path, sizeof(path)) < 0)
		return srp_err_set(err, -ENAMETOOLONG, "host root '%s' is too long", sys->root);
	if (setjmp(pci_jmp) != 0) {
		if (jumps++ > 0)
			pacc = NULL;
		r = srp_err_set(err, -EIO, "libpci: %s", pci_msg);
		goto out;
	}
	pacc = pci_new(path);
	d = pci_get_dev(pacc, addr->domain, addr->bus, addr->dev, addr->fn);
	/* a readable config space answers its own vendor id */
	if (d == NULL || pci_read_word(d, PCI_VENDOR_ID) == 0xffff ||
	    pci_read_word(d, PCI_VENDOR_ID) == 0) {
		r = srp_err_set(err, -EIO, "cannot read the config space of %s ('%s/devices/%s/config')",
				name, path, name);
		goto out_dev;
	}
	pci_fill_info(d, PCI_FILL_CAPS | PCI_FILL_EXT_CAPS);
	cap = pci_find_cap(d, PCI_CAP_ID_EXP, PCI_CAP_NORMAL);
	if (cap != NULL) {
		c.pcie = 1;
		c.port_type = (pci_read_word(d, cap->addr + PCI_EXP_FLAGS) & PCI_EXP_FLAGS_TYPE) >> 4;
		c.ari_fwd_cap = !!(pci_read_long(d, cap->addr + PCI_EXP_DEVCAP2) & PCI_EXP_DEVCAP2_ARI);
		c.ari_fwd_en = !!(pci_read_word(d, cap->addr + PCI_EXP_DEVCTL2) & PCI_EXP_DEVCTL2_ARI);
	}
	cap = pci_find_cap(d, PCI_EXT_CAP_ID_ACS, PCI_CAP_EXTENDED);
	if (cap != NULL) {
		c.has_acs = 1;
		c.acs_cap = pci_read_word(d, cap->addr + PCI_ACS_CAP);
		c.acs_ctrl = pci_read_word(d, cap->addr + PCI_ACS_CTRL);
	}
	*ret = c;
	r = 0;
out_dev:
	if (d != NULL)
		pci_free_dev(d);
out:
	if (pacc != NULL)
		pci_cleanup(pacc);
	return r;
}
