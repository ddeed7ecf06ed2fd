/* SPDX-License-Identifier: MIT */
/* srpass tests -- fake hosts: host bridges, ports, endpoints, IOMMU groups, config space */
#define _GNU_SOURCE
#include "fakehost_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CFG_PCI		256
#define CFG_PCIE	4096

#define ACS_CAP_DEFAULT	0x005f	/* SV TB RR CR UF DT */
#define ACS_REQ		0x001d	/* SV RR CR UF: what Linux needs to call a port isolating */

static unsigned long long pow2(unsigned long long n)
{
	unsigned long long p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

unsigned long long fh_vf_bar0(const struct fakehost_sriov *v)
{
	return pow2(v->vf_bar0 ? v->vf_bar0 : 0x10000);
}

/* The port whose secondary bus is bus */
struct dev *fh_port_above(const struct fakehost *fh, unsigned int domain, unsigned int bus)
{
	for (size_t i = 0; i < fh->n_devs; i++)
		if (fh->devs[i]->port && fh->devs[i]->domain == domain &&
		    fh->devs[i]->secondary == bus)
			return fh->devs[i];
	return NULL;
}

static struct hostbridge *hb_find(const struct fakehost *fh, unsigned int domain, unsigned int bus)
{
	for (size_t i = 0; i < fh->n_hbs; i++)
		if (fh->hbs[i]->domain == domain && fh->hbs[i]->bus == bus)
			return fh->hbs[i];
	return NULL;
}

int fakehost_add_hostbridge(struct fakehost *fh, unsigned int domain, unsigned int bus,
			    int numa_node)
{
	struct hostbridge *hb;

	if (domain > 0xffff || bus > 0xff || numa_node < -1)
		return -EINVAL;
	if (hb_find(fh, domain, bus) != NULL)
		return -EEXIST;
	hb = fh_xzalloc(sizeof(*hb));
	hb->domain = domain;
	hb->bus = bus;
	hb->numa = numa_node;
	hb->dir = fh_xasprintf("sys/devices/pci%04x:%02x", domain, bus);
	/* 1T of 64-bit space each, as firmware hands out per root bus */
	hb->win.base = 0x20000000000ULL + 0x10000000000ULL * fh->n_hbs;
	hb->win.next = hb->win.base;
	hb->win.end = hb->win.base + 0x10000000000ULL;
	fh->hbs = realloc(fh->hbs, (fh->n_hbs + 1) * sizeof(*fh->hbs));
	if (fh->hbs == NULL)
		abort();
	fh->hbs[fh->n_hbs++] = hb;
	fh_mkdirs(fh, hb->dir);
	return fh_take_err(fh);
}

/* size bytes aligned to align (a power of 2), or 0 when the window is full */
static unsigned long long win_alloc(struct window *w, unsigned long long size,
				    unsigned long long align)
{
	unsigned long long base = (w->next + align - 1) & ~(align - 1);

	if (base < w->next || base + size > w->end || base + size < base)
		return 0;
	w->next = base + size;
	return base;
}

static struct window *parent_window(struct dev *d)
{
	return d->parent ? &d->parent->win : &d->hb->win;
}

/*
 * The IOMMU group of d.  AUTO follows Linux's pci_device_group(), cut
 * down: a function below a port that does not isolate shares the port's
 * group, anything else gets a new one.
 */
void fh_group_join(struct fakehost *fh, struct dev *d, enum fakehost_group mode,
		       unsigned int id, const struct dev *pf)
{
	char *gdir, *path;

	d->group = -1;
	if (fh->iommu_dir == NULL || mode == FAKEHOST_GROUP_NONE)
		return;
	if (mode == FAKEHOST_GROUP_PF && pf != NULL) {
		if (pf->group < 0)
			return;
		id = (unsigned int)pf->group;
	} else if (mode != FAKEHOST_GROUP_ID) {
		if (mode != FAKEHOST_GROUP_NEW && d->parent && !d->parent->isolates &&
		    d->parent->group >= 0)
			id = (unsigned int)d->parent->group;
		else
			id = fh->next_group;
	}
	if (id > INT_MAX) {
		fh_fail(fh, -EINVAL);
		return;
	}
	if (id >= fh->next_group)
		fh->next_group = id + 1;
	d->group = (int)id;

	gdir = fh_xasprintf("sys/kernel/iommu_groups/%u", id);
	if (fh->err == 0 && mkdirat(fh->rootfd, gdir, 0755) == 0) {
		path = fh_xasprintf("%s/devices", gdir);
		fh_mkdirs(fh, path);
		free(path);
		fh_attr(fh, gdir, "type", "%s\n", fh->group_type);
		fh_attr(fh, gdir, "reserved_regions", "0x00000000fee00000 0x00000000feefffff msi\n");
	} else if (fh->err == 0 && errno != EEXIST) {
		fh_fail(fh, -errno);
	}
	path = fh_xasprintf("%s/devices/%s", gdir, d->addr);
	fh_link_to(fh, path, d->dir);
	free(path);
	fh_link_at(fh, d->dir, "iommu_group", gdir);
	path = fh_xasprintf("%s/devices/%s", fh->iommu_dir, d->addr);
	fh_link_to(fh, path, d->dir);
	free(path);
	fh_link_at(fh, d->dir, "iommu", fh->iommu_dir);
	free(gdir);
}

static void w16(uint8_t *c, unsigned int off, unsigned int v)
{
	c[off] = v & 0xff;
	c[off + 1] = (v >> 8) & 0xff;
}

static void w32(uint8_t *c, unsigned int off, unsigned long long v)
{
	w16(c, off, (unsigned int)(v & 0xffff));
	w16(c, off + 2, (unsigned int)((v >> 16) & 0xffff));
}

/* a 64-bit prefetchable memory BAR */
static void bar64(uint8_t *c, unsigned int off, unsigned long long addr)
{
	w32(c, off, (addr & 0xfffffff0) | 0xc);
	w32(c, off + 4, addr >> 32);
}

/* Append capability id at off to the list whose last "next" byte is *prev. */
static void cap(uint8_t *c, unsigned int *prev, unsigned int off, unsigned int id)
{
	c[*prev] = (uint8_t)off;
	c[off] = (uint8_t)id;
	*prev = off + 1;
}

/* The same for extended capabilities (the first one is at 0x100). */
static void ext_cap(uint8_t *c, unsigned int *prev, unsigned int off, unsigned int id,
		    unsigned int ver)
{
	if (*prev != 0) {		/* next pointer: bits 31:20 of the header */
		c[*prev + 2] |= (uint8_t)((off << 4) & 0xf0);
		c[*prev + 3] = (uint8_t)(off >> 4);
	}
	w32(c, off, id | ver << 16);
	*prev = off;
}

/* SR-IOV Control: VF Enable and VF MSE with VFs, ARI Capable Hierarchy
 * in PF 0 when the bus above forwards ARI (pci_iov_set_numvfs()) */
uint8_t fh_sriov_ctl(const struct dev *d)
{
	bool ari = d->devfn == 0 && d->parent && d->parent->ari_fwd;

	return (d->numvfs ? 0x09 : 0) | (ari ? 0x10 : 0);
}

/* The PCIe port type of d, as in the Express capability's flags */
static unsigned int pcie_type(const struct dev *d, const struct fakehost_func *f)
{
	static const unsigned int port_types[] = { 4, 5, 6 };

	if (d->port)
		return port_types[f->port_type];
	return d->parent ? 0 : 9;	/* endpoint, or root complex integrated */
}

/* Config space: header, then PM, MSI, Express, MSI-X, then AER, ARI or
 * ACS, SR-IOV.  Returns its size. */
static size_t config(uint8_t *c, const struct dev *d, const struct spec *s)
{
	const struct fakehost_func *f = s->f;
	unsigned int gen = f->link_gen ? f->link_gen : 3, width = f->link_width ? f->link_width : 8;
	unsigned int prev = 0x34, eprev = 0, msix = f->msix ? f->msix : 64, b;

	memset(c, 0, CFG_PCIE);
	w16(c, 0x00, d->vf ? 0xffff : f->vendor);
	w16(c, 0x02, d->vf ? 0xffff : f->device);
	/* Mem+ BusMaster+ when bound; VFs have no Mem bit (VF MSE is the PF's) */
	w16(c, 0x04, (d->vf ? 0 : 0x0002) | (d->driver ? 0x0404 : 0));
	w16(c, 0x06, 0x0010);		/* capability list */
	c[0x08] = f->revision;
	c[0x09] = f->class & 0xff;
	c[0x0a] = (f->class >> 8) & 0xff;
	c[0x0b] = (f->class >> 16) & 0xff;
	c[0x0c] = d->vf ? 0 : 0x10;
	c[0x0e] = d->hdr;
	c[0x3c] = (uint8_t)d->irq;
	if (d->port) {
		c[0x18] = (uint8_t)d->bus;
		c[0x19] = (uint8_t)d->secondary;
		c[0x1a] = (uint8_t)d->subordinate;
		c[0x1c] = 0xf0;			/* I/O window closed */
		w16(c, 0x20, 0xfff0);		/* 32-bit window closed */
		w16(c, 0x24, ((d->win.base >> 16) & 0xfff0) | 1);
		w16(c, 0x26, (((d->win.end - 1) >> 16) & 0xfff0) | 1);
		w32(c, 0x28, d->win.base >> 32);
		w32(c, 0x2c, (d->win.end - 1) >> 32);
	} else {
		if (!d->vf) {
			bar64(c, 0x10, s->bar0);
			bar64(c, 0x1c, s->bar3);
		}
		w16(c, 0x2c, f->subsys_vendor || f->subsys_device ? f->subsys_vendor : f->vendor);
		w16(c, 0x2e, f->subsys_vendor || f->subsys_device ? f->subsys_device : f->device);
	}
	if (!d->vf) {
		c[0x3d] = 1;			/* INTA */
		cap(c, &prev, 0x40, 0x01);	/* power management: D3hot/cold PME */
		w16(c, 0x42, 0xc823);
		w16(c, 0x44, 0x0008);
		cap(c, &prev, 0x50, 0x05);	/* MSI, 64-bit, per-vector masking */
		w16(c, 0x52, 0x0180);
	}
	if (!f->conventional) {
		cap(c, &prev, 0x70, 0x10);	/* PCI Express, v2 */
		w16(c, 0x72, 0x0002 | pcie_type(d, f) << 4);
		w32(c, 0x74, d->port ? 0x00008001 : 0x10008022);	/* RBER; FLR */
		w16(c, 0x78, d->port ? 0x002f : 0x2930);
		if (!d->vf) {			/* link registers of VFs are reserved */
			w32(c, 0x7c, gen | width << 4 | 0x0800 | (d->port ? 0x00100000 : 0) |
				     (d->port ? (d->devfn >> 3) << 24 : 0));
			w16(c, 0x80, 0x0040);
			w16(c, 0x82, gen | width << 4 | 0x1000 | (d->port ? 0x2000 : 0));
			w32(c, 0x9c, ((1u << gen) - 1) << 1);
			w16(c, 0xa0, gen);
		}
		w32(c, 0x94, d->port ? 0x0000003f : 0x0000001f);	/* ports: ARI fwd */
		w16(c, 0x98, d->ari_fwd ? 0x0020 : 0);
	}
	if (!d->port) {
		cap(c, &prev, 0xb0, 0x11);	/* MSI-X: table and PBA in BAR 3 */
		w16(c, 0xb2, (msix - 1) | (d->driver ? 0x8000 : 0));
		w32(c, 0xb4, 3);
		w32(c, 0xb8, (s->bar3_size / 2) | 3);
	}
	if (f->conventional)
		return CFG_PCI;

	ext_cap(c, &eprev, 0x100, 0x0001, 2);	/* AER */
	if (d->port && f->acs != FAKEHOST_ACS_NONE) {
		ext_cap(c, &eprev, 0x150, 0x000d, 1);
		if (f->acs == FAKEHOST_ACS_CUSTOM) {
			w16(c, 0x154, f->acs_cap);
			w16(c, 0x156, f->acs_ctrl);
		} else {
			w16(c, 0x154, ACS_CAP_DEFAULT);
			w16(c, 0x156, f->acs == FAKEHOST_ACS_ON ? ACS_REQ : 0);
		}
	}
	if (d->vf || d->sriov)
		ext_cap(c, &eprev, 0x150, 0x000e, 1);	/* ARI */
	if (d->sriov) {
		const struct fakehost_sriov *v = d->sriov;

		b = SRIOV_CAP;
		ext_cap(c, &eprev, b, 0x0010, 1);
		w16(c, b + 0x08, fh_sriov_ctl(d));
		w16(c, b + 0x0c, v->totalvfs);		/* InitialVFs */
		w16(c, b + 0x0e, v->totalvfs);
		w16(c, b + 0x10, d->numvfs);
		c[b + 0x12] = (uint8_t)d->devfn;	/* function dependency link */
		w16(c, b + 0x14, v->offset);
		w16(c, b + 0x16, v->stride);
		w16(c, b + 0x1a, v->vf_device);
		w32(c, b + 0x1c, 0x553);		/* supported page sizes */
		w32(c, b + 0x20, 1);			/* 4K */
		bar64(c, b + 0x24, d->iov0);
		bar64(c, b + 0x30, d->iov3);
	}
	return CFG_PCIE;
}

static const char *link_speed(unsigned int gen)
{
	static const char *const speeds[] = {
		"Unknown", "2.5 GT/s PCIe", "5.0 GT/s PCIe", "8.0 GT/s PCIe",
		"16.0 GT/s PCIe", "32.0 GT/s PCIe",
	};

	return gen < sizeof(speeds) / sizeof(speeds[0]) ? speeds[gen] : speeds[0];
}

static void range(unsigned long long *start, unsigned long long *end, unsigned long long *flags,
		  unsigned int i, unsigned long long base, unsigned long long size,
		  unsigned long long fl)
{
	start[i] = base;
	end[i] = base + size - 1;
	flags[i] = fl;
}

/* The resource file: BARs 0-5, ROM, the six VF BARs, four bridge windows. */
static void resource(struct fakehost *fh, const struct dev *d, const struct spec *s)
{
	unsigned long long start[17] = { 0 }, end[17] = { 0 }, flags[17] = { 0 };
	const unsigned long long pref64 = 0x14220c;	/* IORESOURCE_MEM|PREFETCH|MEM_64 */
	const struct fakehost_sriov *v = d->sriov;
	unsigned int lines = d->port ? 17 : 13;
	char *text, *p;

	if (s->bar0_size) {
		range(start, end, flags, 0, s->bar0, s->bar0_size, pref64);
		range(start, end, flags, 3, s->bar3, s->bar3_size, pref64);
	}
	if (v != NULL) {
		range(start, end, flags, 7, d->iov0, fh_vf_bar0(v) * v->totalvfs, pref64);
		range(start, end, flags, 10, d->iov3, VF_BAR3 * v->totalvfs, pref64);
	}
	if (d->port)	/* the prefetchable window */
		range(start, end, flags, 15, d->win.base, d->win.end - d->win.base, 0x102201);
	p = text = fh_xzalloc(lines * 60 + 1);
	for (unsigned int i = 0; i < lines; i++)
		p += sprintf(p, "0x%016llx 0x%016llx 0x%016llx\n", start[i], end[i], flags[i]);
	fh_attr(fh, d->dir, "resource", "%s", text);
	free(text);
}

/* Record d and make its directory, attributes and links. */
void fh_function_add(struct fakehost *fh, struct dev *d, const struct spec *s)
{
	static const char *const wo[] = { "remove", "rescan", "reset" };
	const struct fakehost_func *f = s->f;
	uint8_t cfg[CFG_PCIE];
	char *path;
	size_t n;

	if (fh->n_devs == fh->cap_devs) {
		fh->cap_devs = fh->cap_devs ? fh->cap_devs * 2 : 64;
		fh->devs = realloc(fh->devs, fh->cap_devs * sizeof(*fh->devs));
		if (fh->devs == NULL)
			abort();
	}
	fh->devs[fh->n_devs++] = d;

	d->dir = fh_xasprintf("%s/%s", d->parent ? d->parent->dir : d->hb->dir, d->addr);
	if (fh->err == 0 && mkdirat(fh->rootfd, d->dir, 0755) < 0)
		fh_fail(fh, -errno);
	fh_attr(fh, d->dir, "vendor", "0x%04x\n", f->vendor);
	fh_attr(fh, d->dir, "device", "0x%04x\n", f->device);
	fh_attr(fh, d->dir, "subsystem_vendor", "0x%04x\n",
	     f->subsys_vendor || f->subsys_device ? f->subsys_vendor : f->vendor);
	fh_attr(fh, d->dir, "subsystem_device", "0x%04x\n",
	     f->subsys_vendor || f->subsys_device ? f->subsys_device : f->device);
	fh_attr(fh, d->dir, "class", "0x%06x\n", f->class);
	fh_attr(fh, d->dir, "revision", "0x%02x\n", f->revision);
	d->irq = d->vf ? 0 : 16 + fh->next_irq++ % 96;
	fh_attr(fh, d->dir, "irq", "%u\n", d->irq);
	fh_attr(fh, d->dir, "numa_node", "%d\n", d->hb->numa);
	fh_attr(fh, d->dir, "driver_override", "(null)\n");
	fh_attr(fh, d->dir, "broken_parity_status", "0\n");
	fh_attr(fh, d->dir, "d3cold_allowed", "1\n");
	for (size_t i = 0; i < sizeof(wo) / sizeof(wo[0]); i++)
		fh_attr(fh, d->dir, wo[i], "%s", "");
	if (!d->port)
		fh_attr(fh, d->dir, "reset_method", "%s\n", d->vf ? "flr" : "flr bus");
	if (!f->conventional) {
		unsigned int gen = d->vf ? 0 : f->link_gen ? f->link_gen : 3;
		unsigned int width = d->vf ? 0 : f->link_width ? f->link_width : 8;

		fh_attr(fh, d->dir, "current_link_speed", "%s\n", link_speed(gen));
		fh_attr(fh, d->dir, "max_link_speed", "%s\n", link_speed(gen));
		fh_attr(fh, d->dir, "current_link_width", "%u\n", width);
		fh_attr(fh, d->dir, "max_link_width", "%u\n", width);
	}
	resource(fh, d, s);
	fh_link_at(fh, d->dir, "subsystem", "sys/bus/pci");
	path = fh_xasprintf("sys/bus/pci/devices/%s", d->addr);
	fh_link_to(fh, path, d->dir);
	free(path);

	fh_driver_bind(fh, d, f->driver);
	if (f->driver && f->netdevs)
		fh_netdevs_add(fh, d, f->netdevs);
	/* config last: it shows whether a driver is bound */
	n = config(cfg, d, s);
	path = fh_xasprintf("%s/config", d->dir);
	fh_put(fh, path, cfg, n);
	free(path);
}

/* Rewrite one byte of d's config space. */
void fh_config_patch(struct fakehost *fh, const struct dev *d, unsigned int off, uint8_t v)
{
	char *path = fh_xasprintf("%s/config", d->dir);
	ssize_t n;
	int fd;

	if (fh->err == 0) {
		fd = openat(fh->rootfd, path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			fh_fail(fh, -errno);
		} else {
			n = pwrite(fd, &v, 1, off);
			if (n != 1)
				fh_fail(fh, n < 0 ? -errno : -EIO);
			close(fd);
		}
	}
	free(path);
}

/* Functions sharing a device number set the multifunction bit. */
static void multifunction(struct fakehost *fh, struct dev *d)
{
	bool any = false;

	for (size_t i = 0; i < fh->n_devs; i++) {
		struct dev *o = fh->devs[i];

		if (o == d || o->vf || o->domain != d->domain || o->bus != d->bus ||
		    o->devfn >> 3 != d->devfn >> 3)
			continue;
		fh_config_patch(fh, o, 0x0e, o->hdr | 0x80);
		any = true;
	}
	if (any)
		fh_config_patch(fh, d, 0x0e, d->hdr | 0x80);
}

/* Check f and place it: its parent is the port whose secondary bus is
 * its bus, else the host bridge of that bus. */
static int dev_new(struct fakehost *fh, const struct fakehost_func *f, struct dev **ret)
{
	unsigned int domain, bus, devfn;
	struct hostbridge *hb = NULL;
	struct dev *d, *parent = NULL;
	int r;

	if (f == NULL || fh_parse_addr(f->addr, &domain, &bus, &devfn) < 0)
		return -EINVAL;
	if (fh_dev_find(fh, f->addr) != NULL)
		return -EEXIST;
	if (f->msix > 2048 || f->link_gen > 5 || f->link_width > 32 ||
	    (f->driver != NULL && !fh_valid_name(f->driver)))
		return -EINVAL;
	parent = fh_port_above(fh, domain, bus);
	if (parent != NULL) {
		hb = parent->hb;
	} else {
		hb = hb_find(fh, domain, bus);
		if (hb == NULL) {
			r = fakehost_add_hostbridge(fh, domain, bus, -1);
			if (r < 0)
				return r;
			hb = hb_find(fh, domain, bus);
		}
	}
	d = fh_xzalloc(sizeof(*d));
	strcpy(d->addr, f->addr);
	d->domain = domain;
	d->bus = bus;
	d->devfn = devfn;
	d->hb = hb;
	d->parent = parent;
	d->group = -1;
	*ret = d;
	return 0;
}

int fakehost_add_port(struct fakehost *fh, const struct fakehost_func *port)
{
	struct fakehost_func f;
	struct spec s = { .f = &f };
	unsigned long long size = 0x100000000ULL;	/* 4G below a root port */
	unsigned int ctrl, req;
	struct dev *d, *p;
	bool own;
	int r;

	r = dev_new(fh, port, &d);
	if (r < 0)
		return r;
	f = *port;
	r = -EINVAL;
	if (f.secondary <= d->bus || f.subordinate < f.secondary || f.subordinate > 0xff ||
	    f.port_type > FAKEHOST_DOWNSTREAM_PORT || f.acs > FAKEHOST_ACS_CUSTOM ||
	    (d->parent != NULL && f.subordinate > d->parent->subordinate))
		goto out_free;
	r = -EEXIST;
	if (fh_port_above(fh, d->domain, f.secondary) != NULL)
		goto out_free;
	if (f.class == 0)
		f.class = 0x060400;
	if (f.driver == NULL)
		f.driver = "pcieport";
	d->port = true;
	d->hdr = 1;
	d->secondary = f.secondary;
	d->subordinate = f.subordinate;
	d->ari_fwd = f.ari_fwd;

	/*
	 * pci_acs_enabled(): a root or downstream port isolates when its
	 * ACS control has every one of SV RR CR UF that it is capable of;
	 * a (single-function) upstream port needs no ACS.  Isolation needs
	 * it all the way up (pci_acs_path_enabled()).
	 */
	if (f.acs == FAKEHOST_ACS_CUSTOM) {
		req = ACS_REQ & f.acs_cap;
		ctrl = f.acs_ctrl;
	} else {
		req = ACS_REQ;
		ctrl = f.acs == FAKEHOST_ACS_ON ? ACS_REQ : 0;
	}
	if (f.acs == FAKEHOST_ACS_NONE)
		own = f.port_type == FAKEHOST_UPSTREAM_PORT;
	else
		own = (ctrl & req) == req;
	d->isolates = own && (d->parent == NULL || d->parent->isolates);

	for (p = d->parent; p != NULL; p = p->parent)
		size >>= 2;
	d->win.base = win_alloc(parent_window(d), size, size);
	r = -ENOSPC;
	if (d->win.base == 0)
		goto out_free;
	d->win.next = d->win.base;
	d->win.end = d->win.base + size;

	fh_function_add(fh, d, &s);
	fh_group_join(fh, d, f.group_mode, f.group, NULL);
	multifunction(fh, d);
	return fh_take_err(fh);

out_free:
	free(d);
	return r;
}

/* An endpoint; a PF when v is not NULL (d takes it over on success). */
int fh_endpoint_add(struct fakehost *fh, const struct fakehost_func *f,
			struct fakehost_sriov *v, struct dev **ret)
{
	struct spec s = { .f = f };
	unsigned int msix = f && f->msix ? f->msix : 64;
	struct window *win;
	struct dev *d;
	int r;

	r = dev_new(fh, f, &d);
	if (r < 0)
		return r;
	win = parent_window(d);
	s.bar0_size = pow2(f->bar0 ? f->bar0 : 0x100000);
	s.bar3_size = pow2(msix * 16) * 2;
	if (s.bar3_size < 0x4000)
		s.bar3_size = 0x4000;
	s.bar0 = win_alloc(win, s.bar0_size, s.bar0_size);
	s.bar3 = win_alloc(win, s.bar3_size, s.bar3_size);
	if (v != NULL) {
		d->iov0 = win_alloc(win, fh_vf_bar0(v) * v->totalvfs, fh_vf_bar0(v));
		d->iov3 = win_alloc(win, VF_BAR3 * v->totalvfs, VF_BAR3);
	}
	if (s.bar0 == 0 || s.bar3 == 0 || (v != NULL && (d->iov0 == 0 || d->iov3 == 0))) {
		free(d);
		return -ENOSPC;
	}
	d->sriov = v;
	fh_function_add(fh, d, &s);
	fh_group_join(fh, d, f->group_mode, f->group, NULL);
	multifunction(fh, d);
	*ret = d;
	return 0;
}

int fakehost_add_dev(struct fakehost *fh, const struct fakehost_func *dev)
{
	struct dev *d;
	int r;

	r = fh_endpoint_add(fh, dev, NULL, &d);
	return r < 0 ? r : fh_take_err(fh);
}
