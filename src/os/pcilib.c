/* SPDX-License-Identifier: MIT */
/* srpass -- libpci glue; the only file that includes <pci/pci.h> */
#include "os/pcilib.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pci/header.h>
#include <pci/pci.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "srpass/err.h"
#include "os/sys.h"
#include "os/sysfs.h"

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
	pci_msg[strcspn(pci_msg, "\n")] = '\0';
	longjmp(pci_jmp, 1);
}

static void __attribute__((format(printf, 1, 2))) pci_quiet(char *fmt, ...)
{
	(void)fmt;
}

/*
 * libpci decodes; the seam reads.  libpci opens files by plain path
 * (following any symlink, blocking on a FIFO), so it is never let near
 * the host tree: the attributes and config spaces srpass needs are read
 * through the seam and handed to libpci as a config-space cache, and
 * pci.ids is opened through the seam and given to libpci as the
 * /proc/self/fd path of that open file.  Create a handle after
 * setjmp(pci_jmp): pci_init() may fail through pci_fatal().
 */
static struct pci_access *pci_new(void)
{
	struct pci_access *pacc = pci_alloc();

	pacc->error = pci_fatal;
	pacc->warning = pci_quiet;
	pacc->debug = pci_quiet;
	/* a pci_dev needs a method; with a full cache it never reads */
	pacc->method = PCI_ACCESS_SYS_BUS_PCI;
	(void)pci_set_param(pacc, "sysfs.path", "/nonexistent/srpass-reads-through-its-seam");
	pci_init(pacc);
	return pacc;
}

/* pci.ids of the host root (libpci's own default path, taken under the
 * root), open as *ret_fd; without it names stay NULL.  fdpath must
 * outlive pacc's use of it. */
static void names_from_root(const struct srp_sys *sys, struct pci_access *pacc, char *fdpath,
			    size_t len, int *ret_fd)
{
	const char *ids = pacc->id_file_name;
	char plain[PATH_MAX];
	struct stat st;
	size_t n;
	int fd;

	*ret_fd = -1;
	if (ids == NULL || ids[0] != '/' || (n = strlen(ids)) >= sizeof(plain))
		return;
	fd = sys->ops->open(sys, ids, O_RDONLY | O_NONBLOCK, 0);
	/* as libpci does: pci.ids.gz, else pci.ids */
	if (fd == -ENOENT && n > 3 && strcmp(ids + n - 3, ".gz") == 0) {
		memcpy(plain, ids, n - 3);
		plain[n - 3] = '\0';
		fd = sys->ops->open(sys, plain, O_RDONLY | O_NONBLOCK, 0);
	}
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    snprintf(fdpath, len, "/proc/self/fd/%d", fd) >= (int)len) {
		close(fd);
		return;
	}
	pci_set_name_list_path(pacc, fdpath, 0);
	*ret_fd = fd;
}

static char *name_or_null(struct pci_access *pacc, int what, unsigned int vendor,
			  unsigned int device)
{
	char buf[256];
	const char *s;

	/* pci.ids only: udev's hwdb lives outside the host root */
	s = pci_lookup_name(pacc, buf, sizeof(buf), what | PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB,
			    vendor, device);
	return s ? strdup(s) : NULL;
}

void srp_pci_funcs_free(struct srp_pci_func *funcs, size_t n)
{
	for (size_t i = 0; i < n && funcs; i++) {
		free(funcs[i].vendor_name);
		free(funcs[i].device_name);
	}
	free(funcs);
}

struct func_walk {
	const struct srp_sys *sys;
	struct srp_pci_func *funcs;
	size_t n, cap;
	struct srp_err *err;
};

/* A hex attribute of dev ("vendor", "class"). */
static int read_hex(const struct srp_sys *sys, const struct srp_bdf *dev, const char *attr,
		    unsigned long max, unsigned long *ret, struct srp_err *err)
{
	char path[PATH_MAX];

	if (srp_sysfs_dev_path(path, sizeof(path), dev, attr) < 0)
		return srp_err_set(err, -ENAMETOOLONG, "path too long");
	return srp_sysfs_read_ulong(sys, path, 16, max, ret, err);
}

/* One entry of /sys/bus/pci/devices: its address and the kernel's view
 * of its ids (for a VF the only one: its config space says ffff). */
static int add_func(const char *name, unsigned char d_type, void *arg)
{
	struct func_walk *w = arg;
	unsigned long vendor, device, class;
	struct srp_pci_func *f;
	int r;

	(void)d_type;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct srp_pci_func *grown = realloc(w->funcs, cap * sizeof(*grown));

		if (grown == NULL)
			return srp_err_set(w->err, -ENOMEM, "out of memory");
		w->funcs = grown;
		w->cap = cap;
	}
	f = &w->funcs[w->n];
	memset(f, 0, sizeof(*f));
	if (strlen(name) != SRP_BDF_STRLEN - 1 || srp_bdf_parse(name, &f->addr) < 0)
		return srp_err_set(w->err, -EINVAL, "unexpected entry '%s' in '/sys/bus/pci/devices' "
				   "(not a PCI address)", name);
	r = read_hex(w->sys, &f->addr, "vendor", 0xffff, &vendor, w->err);
	if (r == 0)
		r = read_hex(w->sys, &f->addr, "device", 0xffff, &device, w->err);
	if (r == 0)
		r = read_hex(w->sys, &f->addr, "class", 0xffffff, &class, w->err);
	if (r < 0)
		return r;
	f->vendor = (uint16_t)vendor;
	f->device = (uint16_t)device;
	f->class = (uint32_t)class;
	w->n++;
	return 0;
}

int srp_pci_enumerate(const struct srp_sys *sys, struct srp_pci_func **ret, size_t *ret_n,
		      struct srp_err *err)
{
	/* volatile: these change between setjmp() and a possible longjmp() */
	struct pci_access *volatile pacc = NULL;
	volatile int jumps = 0, ids_fd = -1;
	struct func_walk w = { .sys = sys, .err = err };
	char fdpath[32];
	mode_t mode;
	int r, fd;

	r = srp_sys_lstat(sys, "/sys/bus/pci/devices", &mode);
	if (r < 0 || !S_ISDIR(mode))
		return srp_err_set(err, r < 0 ? r : -ENOTDIR, "no PCI devices directory "
				   "'/sys/bus/pci/devices' under host root '%s'", sys->root);
	r = srp_sys_listdir(sys, "/sys/bus/pci/devices", add_func, &w);
	if (r < 0) {
		srp_err_set(err, r, "cannot list '/sys/bus/pci/devices'");
		goto out;
	}
	if (setjmp(pci_jmp) != 0) {
		if (jumps++ > 0)
			pacc = NULL;	/* failed again in pci_cleanup(): leak, don't loop */
		r = srp_err_set(err, -EIO, "libpci cannot parse the pci.ids of host root '%s': %s",
				sys->root, pci_msg);
		goto out;
	}
	pacc = pci_new();
	names_from_root(sys, pacc, fdpath, sizeof(fdpath), &fd);
	ids_fd = fd;
	for (size_t i = 0; ids_fd >= 0 && i < w.n; i++) {
		struct srp_pci_func *f = &w.funcs[i];

		f->vendor_name = name_or_null(pacc, PCI_LOOKUP_VENDOR, f->vendor, 0);
		f->device_name = name_or_null(pacc, PCI_LOOKUP_DEVICE, f->vendor, f->device);
	}
	*ret = w.funcs;
	*ret_n = w.n;
	w.funcs = NULL;
	w.n = 0;
	r = 0;
out:
	if (pacc != NULL)
		pci_cleanup(pacc);
	if (ids_fd >= 0)
		close(ids_fd);
	srp_pci_funcs_free(w.funcs, w.n);
	return r;
}

int srp_pci_read_caps(const struct srp_sys *sys, const struct srp_bdf *addr,
		      struct srp_pci_caps *ret, struct srp_err *err)
{
	/* the whole extended config space (libpci never reads past a cache),
	 * and one byte more to tell a file that is larger */
	static __thread uint8_t config[4096 + 1];
	unsigned long vendor;
	struct pci_access *volatile pacc = NULL;
	struct pci_dev *volatile d = NULL;
	struct srp_pci_caps c = { 0 };
	volatile int jumps = 0;
	char path[PATH_MAX], name[SRP_BDF_STRLEN];
	struct pci_cap *cap;
	ssize_t n;
	int r;

	srp_bdf_format(addr, name);
	if (srp_sysfs_dev_path(path, sizeof(path), addr, "config") < 0)
		return srp_err_set(err, -ENAMETOOLONG, "path too long");
	memset(config, 0, sizeof(config));
	n = srp_sys_read(sys, path, config, sizeof(config));
	if (n < 0)
		return srp_err_set(err, (int)n, "cannot read the config space of %s ('%s')", name,
				   path);
	/*
	 * Decode only what is a config space of this function: a header, at
	 * most 4 KiB, the vendor the kernel names in 'vendor', a known header
	 * type.  Anything else is an error, never a capability found or not.
	 */
	if (n < 64 || n > 4096)
		return srp_err_set(err, -EIO, "'%s' is not a config space of %s (%zd bytes)", path,
				   name, n);
	r = read_hex(sys, addr, "vendor", 0xffff, &vendor, err);
	if (r < 0)
		return r;
	if ((unsigned long)(config[0] | config[1] << 8) != vendor || (config[0x0e] & 0x7f) > 2)
		return srp_err_set(err, -EIO, "'%s' is not a config space of %s (vendor %02x%02x, "
				   "header type %02x; its 'vendor' says %04lx)", path, name, config[1],
				   config[0], config[0x0e], vendor);
	if (setjmp(pci_jmp) != 0) {
		if (jumps++ > 0)
			pacc = NULL;
		r = srp_err_set(err, -EIO, "libpci, decoding '%s': %s", path, pci_msg);
		goto out;
	}
	pacc = pci_new();
	d = pci_get_dev(pacc, addr->domain, addr->bus, addr->dev, addr->fn);
	pci_setup_cache(d, config, 4096);
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
out:
	if (d != NULL && jumps <= 1) {	/* not when pci_cleanup() jumped */
		pci_free_dev(d);
		d = NULL;
	}
	if (pacc != NULL)
		pci_cleanup(pacc);
	return r;
}
