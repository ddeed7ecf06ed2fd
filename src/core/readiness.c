/* SPDX-License-Identifier: MIT */
/* srpass -- host readiness checks */
#include "core/readiness.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/backend.h"
#include "core/host.h"
#include "os/pcilib.h"
#include "srpass/err.h"
#include "srpass/inventory.h"
#include "os/sysfs.h"

#define MAX_DEPTH 16

const char *srp_status_name(enum srp_status s)
{
	return s == SRP_PASS ? "pass" : s == SRP_WARN ? "warn" : "fail";
}

void srp_checks_free(struct srp_checks *c)
{
	free(c->items);
	memset(c, 0, sizeof(*c));
}

static struct srp_check *add(struct srp_checks *c, const char *id, enum srp_status st,
			     const char *subject)
{
	struct srp_check *it;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct srp_check *grown = realloc(c->items, cap * sizeof(*grown));

		if (grown == NULL)
			return NULL;
		c->items = grown;
		c->cap = cap;
	}
	it = &c->items[c->n++];
	memset(it, 0, sizeof(*it));
	it->id = id;
	it->status = st;
	snprintf(it->subject, sizeof(it->subject), "%s", subject);
	return it;
}

static void fmt(char *buf, size_t len, const char *f, ...) __attribute__((format(printf, 3, 4)));
static void fmt(char *buf, size_t len, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(buf, len, f, ap);
	va_end(ap);
}

struct counter {
	const struct srp_sys *sys;
	int n;
};

static int count_entry(const char *name, unsigned char d_type, void *arg)
{
	(void)name;
	(void)d_type;
	((struct counter *)arg)->n++;
	return 0;
}

static int count_dir(const struct srp_sys *sys, const char *path)
{
	struct counter c = { .sys = sys };
	int r = srp_sys_listdir(sys, path, count_entry, &c);

	return r == -ENOENT ? 0 : r < 0 ? r : c.n;
}

int srp_iommu_facts(struct srp_host *host, const struct srp_inventory *inv,
		    struct srp_iommu_facts *ret, struct srp_err *err)
{
	const struct srp_sys *sys = &host->sys;
	struct srp_iommu_facts f = { .unsafe_interrupts = -1, .remapping = -1 };
	char buf[16];
	char *irq;
	ssize_t n;
	int r;

	f.iommu_units = count_dir(sys, "/sys/class/iommu");
	f.groups = count_dir(sys, "/sys/kernel/iommu_groups");
	if (f.iommu_units < 0 || f.groups < 0)
		return srp_err_set(err, f.iommu_units < 0 ? f.iommu_units : f.groups,
				   "cannot list '/sys/class/iommu' or '/sys/kernel/iommu_groups'");
	for (size_t i = 0; i < inv->n_groups; i++)
		if (inv->groups[i].type && strcmp(inv->groups[i].type, "identity") == 0)
			f.identity_groups++;

	r = srp_sysfs_read_str(sys, "/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts",
			       buf, sizeof(buf), err);
	if (r == 0)
		f.unsafe_interrupts = buf[0] == 'Y' || buf[0] == '1';
	else if (!srp_sysfs_absent(r, err))
		return r;

	/* remapped MSIs are named IR-PCI-MSI (Intel) or carry AMD-IR */
	irq = malloc(1 << 20);
	if (irq == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	n = srp_sys_read(sys, "/proc/interrupts", irq, (1 << 20) - 1);
	if (n >= 0) {
		irq[n] = '\0';
		f.remapping = strstr(irq, "IR-") != NULL || strstr(irq, "-IR") != NULL;
	}
	free(irq);
	*ret = f;
	return 0;
}

int srp_pf_ports(struct srp_host *host, const struct srp_dev *dev, struct srp_bdf *ret,
		 size_t max, struct srp_err *err)
{
	char path[PATH_MAX], target[PATH_MAX];
	struct srp_bdf chain[MAX_DEPTH];
	size_t n = 0, out = 0;
	ssize_t len;
	char *tok, *save = NULL;

	if (srp_sysfs_dev_path(path, sizeof(path), &dev->addr, NULL) < 0)
		return srp_err_set(err, -ENAMETOOLONG, "path too long");
	len = srp_sys_readlink(&host->sys, path, target, sizeof(target));
	if (len < 0)
		return srp_err_set(err, (int)len, "cannot read link '%s'", path);
	for (tok = strtok_r(target, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		struct srp_bdf a;

		if (strlen(tok) == 12 && srp_bdf_parse(tok, &a) == 0 && n < MAX_DEPTH)
			chain[n++] = a;
	}
	if (n == 0 || srp_bdf_cmp(&chain[n - 1], &dev->addr) != 0)
		return srp_err_set(err, -EINVAL, "link '%s' does not end in %s", path, dev->name);
	for (size_t i = n - 1; i-- > 0 && out < max;)
		ret[out++] = chain[i];
	return (int)out;
}

int srp_acs_gap(struct srp_host *host, const struct srp_dev *dev, struct srp_bdf *ret_port,
		struct srp_err *err)
{
	struct srp_bdf ports[MAX_DEPTH];
	int n, r;

	n = srp_pf_ports(host, dev, ports, MAX_DEPTH, err);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		struct srp_pci_caps c;

		r = srp_pci_read_caps(&host->sys, &ports[i], &c, err);
		if (r < 0)
			return r;
		if (!c.pcie || (c.port_type != SRP_PCIE_ROOT_PORT &&
				c.port_type != SRP_PCIE_DOWNSTREAM))
			continue;
		if (!c.has_acs || (c.acs_ctrl & SRP_ACS_REQUIRED) != SRP_ACS_REQUIRED) {
			*ret_port = ports[i];
			return 1;
		}
	}
	return 0;
}

/* Would some VF of pf have a device number other than 0 on its bus?
 * Then the port above must forward ARI routing (function numbers > 7). */
static int needs_ari(const struct srp_dev *pf)
{
	unsigned int rid = (unsigned int)pf->addr.bus << 8 | pf->addr.dev << 3 | pf->addr.fn;

	if (pf->totalvfs == 0 || pf->vf_offset == 0)
		return 0;
	for (unsigned int i = 0; i < pf->totalvfs; i++) {
		unsigned int vf = rid + pf->vf_offset + i * pf->vf_stride;

		if ((vf & 0xff) > 7 || (vf >> 8) != pf->addr.bus)
			return 1;
	}
	return 0;
}

static void check_iommu(struct srp_checks *c, const struct srp_iommu_facts *f)
{
	struct srp_check *it;

	if (f->iommu_units > 0 && f->groups > 0) {
		it = add(c, "SRP-CHK-IOMMU", SRP_PASS, "host");
		if (it == NULL)
			return;
		fmt(it->message, sizeof(it->message), "IOMMU on: %d unit(s), %d group(s)%s",
		    f->iommu_units, f->groups, f->identity_groups ?
		    "; iommu=pt (identity domains), which VFIO replaces with its own" : "");
	} else {
		it = add(c, "SRP-CHK-IOMMU", SRP_FAIL, "host");
		if (it == NULL)
			return;
		fmt(it->message, sizeof(it->message), "no IOMMU is translating (%d unit(s), %d group(s))",
		    f->iommu_units, f->groups);
		fmt(it->remedy, sizeof(it->remedy), "enable VT-d/AMD-Vi in the firmware and boot with "
		    "intel_iommu=on (Intel) or amd_iommu=on (AMD)");
	}
	fmt(it->evidence, sizeof(it->evidence), "/sys/class/iommu, /sys/kernel/iommu_groups");

	if (f->unsafe_interrupts == 1) {
		it = add(c, "SRP-CHK-INTREMAP", SRP_FAIL, "host");
		if (it == NULL)
			return;
		fmt(it->message, sizeof(it->message), "vfio_iommu_type1 allows unsafe interrupts: a "
		    "guest can forge MSIs to the host");
		fmt(it->remedy, sizeof(it->remedy), "set allow_unsafe_interrupts=N and use a platform "
		    "with interrupt remapping");
		fmt(it->evidence, sizeof(it->evidence),
		    "/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts");
	} else if (f->remapping == 0) {
		it = add(c, "SRP-CHK-INTREMAP", SRP_FAIL, "host");
		if (it == NULL)
			return;
		fmt(it->message, sizeof(it->message), "interrupt remapping is not in use; VFIO will "
		    "refuse to attach groups");
		fmt(it->remedy, sizeof(it->remedy), "enable interrupt remapping (x2APIC/IR in the "
		    "firmware; do not boot with intremap=off or nointremap)");
		fmt(it->evidence, sizeof(it->evidence), "/proc/interrupts (no IR- interrupt chips)");
	} else {
		it = add(c, "SRP-CHK-INTREMAP", f->remapping == 1 ? SRP_PASS : SRP_WARN, "host");
		if (it == NULL)
			return;
		fmt(it->message, sizeof(it->message), f->remapping == 1 ?
		    "interrupt remapping in use" : "cannot tell whether interrupt remapping is in use");
		if (f->remapping != 1)
			fmt(it->remedy, sizeof(it->remedy), "check dmesg for 'Enabled IRQ remapping'");
		fmt(it->evidence, sizeof(it->evidence), "/proc/interrupts");
	}
}

static void check_driver(struct srp_checks *c, const struct srp_sys *sys, const char *id,
			 const char *driver, enum srp_status missing, const char *remedy)
{
	char path[128];
	struct srp_check *it;
	mode_t mode;
	int have;

	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s", driver);
	have = srp_sys_lstat(sys, path, &mode) == 0 && S_ISDIR(mode);
	it = add(c, id, have ? SRP_PASS : missing, "host");
	if (it == NULL)
		return;
	fmt(it->message, sizeof(it->message), "%s is %s", driver, have ? "loaded" : "not loaded");
	fmt(it->evidence, sizeof(it->evidence), "%s", path);
	if (!have)
		fmt(it->remedy, sizeof(it->remedy), "%s", remedy);
}

/* "ACS capabilities in /sys/bus/pci/devices/{P1,P2}/config": the config
 * space files of the ports above pf, nearest first. */
static void ports_evidence(struct srp_host *host, const struct srp_dev *pf, char *buf, size_t len)
{
	struct srp_bdf ports[MAX_DEPTH];
	char pname[SRP_BDF_STRLEN];
	size_t off;
	int n;

	n = srp_pf_ports(host, pf, ports, MAX_DEPTH, NULL);
	if (n <= 0) {
		fmt(buf, len, n == 0 ? "/sys/bus/pci/devices/%s: on a root bus, no port above" :
		    "/sys/bus/pci/devices/%s (link unreadable)", pf->name);
		return;
	}
	off = (size_t)snprintf(buf, len, "ACS capabilities in /sys/bus/pci/devices/%s",
			       n > 1 ? "{" : "");
	for (int i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? "," : "",
					srp_bdf_format(&ports[i], pname));
	if (off < len)
		snprintf(buf + off, len - off, "%s/config", n > 1 ? "}" : "");
}

static void check_pf(struct srp_checks *c, struct srp_host *host, const struct srp_dev *pf)
{
	struct srp_err err = { 0 };
	struct srp_bdf port, ports[1];
	char pname[SRP_BDF_STRLEN];
	struct srp_check *it;
	int r;

	it = add(c, "SRP-CHK-SRIOV", pf->totalvfs ? SRP_PASS : SRP_WARN, pf->name);
	if (it == NULL)
		return;
	fmt(it->message, sizeof(it->message), "SR-IOV PF (%s): %u of %u VFs enabled",
	    pf->driver ? pf->driver : "no driver", pf->numvfs, pf->totalvfs);
	fmt(it->evidence, sizeof(it->evidence), "/sys/bus/pci/devices/%s/sriov_totalvfs", pf->name);
	if (!pf->totalvfs)
		fmt(it->remedy, sizeof(it->remedy), "the PF driver offers no VFs; check its module options");

	r = srp_acs_gap(host, pf, &port, &err);
	it = add(c, "SRP-CHK-ACS", r == 0 ? SRP_PASS : SRP_FAIL, pf->name);
	if (it == NULL)
		return;
	if (r < 0) {
		fmt(it->message, sizeof(it->message), "cannot check ACS: %s", err.msg);
		ports_evidence(host, pf, it->evidence, sizeof(it->evidence));
		fmt(it->remedy, sizeof(it->remedy), "make the config space of the ports above readable");
	} else if (r == 1) {
		fmt(it->message, sizeof(it->message), "port %s above the PF lacks ACS source validation, "
		    "request/completion redirect or upstream forwarding: peer-to-peer traffic can "
		    "bypass the IOMMU", srp_bdf_format(&port, pname));
		fmt(it->evidence, sizeof(it->evidence), "ACS capability of %s "
		    "(/sys/bus/pci/devices/%s/config)", pname, pname);
		fmt(it->remedy, sizeof(it->remedy), "use a slot below ports with ACS, or enable ACS in "
		    "the firmware; do not use pcie_acs_override");
	} else {
		struct srp_bdf above[1];

		fmt(it->message, sizeof(it->message), "%s",
		    srp_pf_ports(host, pf, above, 1, NULL) == 0 ?
		    "the PF is on a root bus: no root or downstream port above it" :
		    "every root/downstream port above the PF has ACS");
		ports_evidence(host, pf, it->evidence, sizeof(it->evidence));
	}

	if (!needs_ari(pf))
		return;
	srp_err_clear(&err);
	r = srp_pf_ports(host, pf, ports, 1, &err);
	if (r <= 0)
		return;		/* on a root bus: no port to forward */
	{
		struct srp_pci_caps caps = { 0 };

		r = srp_pci_read_caps(&host->sys, &ports[0], &caps, &err);
		it = add(c, "SRP-CHK-ARI", r == 0 && caps.ari_fwd_en ? SRP_PASS : SRP_FAIL, pf->name);
		if (it == NULL)
			return;
		srp_bdf_format(&ports[0], pname);
		fmt(it->message, sizeof(it->message), r < 0 ? "cannot read port %s" :
		    caps.ari_fwd_en ? "port %s forwards ARI function numbers for the VFs" :
		    "the VFs use function numbers above 7 but port %s does not forward ARI", pname);
		fmt(it->evidence, sizeof(it->evidence), "Device Control 2 of %s "
		    "(/sys/bus/pci/devices/%s/config)", pname, pname);
		if (!(r == 0 && caps.ari_fwd_en))
			fmt(it->remedy, sizeof(it->remedy), "enable ARI forwarding (the kernel does it when "
			    "the port supports it: check the firmware, or use another slot)");
	}
}

int srp_readiness(struct srp_host *host, const struct srp_inventory *inv,
		  struct srp_checks *c, struct srp_err *err)
{
	const struct srp_backend_ops *const *table;
	size_t n_backends;
	struct srp_iommu_facts f;
	size_t pfs = 0, want;
	int r;

	r = srp_iommu_facts(host, inv, &f, err);
	if (r < 0)
		return r;
	/* Room for every item up front, so none is dropped for want of
	 * memory half way: IOMMU, INTREMAP, SRIOV/ACS/ARI per PF (or one
	 * SRIOV), VFIO, PCIBACK. */
	for (size_t i = 0; i < inv->n_devs; i++)
		pfs += inv->devs[i].kind == SRP_DEV_PF;
	want = c->n + 2 + (pfs ? 3 * pfs : 1) + 2;
	if (want > c->cap) {
		struct srp_check *grown = realloc(c->items, want * sizeof(*grown));

		if (grown == NULL)
			return srp_err_set(err, -ENOMEM, "out of memory");
		c->items = grown;
		c->cap = want;
	}
	check_iommu(c, &f);
	for (size_t i = 0; i < inv->n_devs; i++)
		if (inv->devs[i].kind == SRP_DEV_PF)
			check_pf(c, host, &inv->devs[i]);
	if (pfs == 0) {
		struct srp_check *it = add(c, "SRP-CHK-SRIOV", SRP_WARN, "host");

		if (it) {
			fmt(it->message, sizeof(it->message), "no SR-IOV capable adapter found");
			fmt(it->remedy, sizeof(it->remedy), "enable SR-IOV in the firmware and the PF driver");
			fmt(it->evidence, sizeof(it->evidence), "/sys/bus/pci/devices/*/sriov_totalvfs");
		}
	}
	/* what each backend needs, as its table entry declares it */
	table = srp_host_backends(host, &n_backends);
	for (size_t b = 0; b < n_backends; b++)
		for (size_t i = 0; i < table[b]->n_checks; i++) {
			const struct srp_backend_check *k = &table[b]->checks[i];

			if (k->applies == NULL || k->applies(host) == 1)
				check_driver(c, &host->sys, k->id, k->driver,
					     k->fail ? SRP_FAIL : SRP_WARN, k->remedy);
		}
	return c->n && c->items ? 0 : srp_err_set(err, -ENOMEM, "out of memory");
}
