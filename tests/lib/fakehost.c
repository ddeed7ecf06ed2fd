/* SPDX-License-Identifier: MIT */
/* srpass tests -- fake hosts: sysfs trees shaped like the kernel's */
#define _GNU_SOURCE
#include "fakehost.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CFG_PCI		256
#define CFG_PCIE	4096

#define ACS_CAP_DEFAULT	0x005f	/* SV TB RR CR UF DT */
#define ACS_REQ		0x001d	/* SV RR CR UF: what Linux needs to call a port isolating */

#define VF_BAR3		0x4000ULL	/* MSI-X table and PBA of a VF */
#define SRIOV_CAP	0x160		/* the SR-IOV extended capability of PFs */

#define CMDLINE "BOOT_IMAGE=/boot/vmlinuz-6.1.0-18-amd64 root=/dev/mapper/vg0-root ro quiet"

/* A bump allocator for the 64-bit prefetchable space below a bridge. */
struct window {
	unsigned long long base, next, end;
};

struct hostbridge {
	unsigned int domain, bus;
	int numa;
	char *dir;			/* "sys/devices/pci0000:00" */
	struct window win;
};

struct dev {
	char addr[13];
	unsigned int domain, bus, devfn;
	char *dir;			/* relative to the root */
	struct hostbridge *hb;
	struct dev *parent;		/* upstream port, NULL on a root bus */
	bool port, vf;
	uint8_t hdr;			/* header type without the multifunction bit */
	unsigned int irq;
	unsigned int secondary, subordinate;
	bool isolates;			/* ACS on this port and every port above */
	bool ari_fwd;
	int group;			/* -1: none */
	char *driver;
	struct window win;		/* ports */

	/* PFs */
	struct fakehost_sriov *sriov;	/* a copy, owning vf_driver and vf_netdevs */
	struct fakehost_func vf_tmpl;	/* what its VFs are made of */
	unsigned int numvfs;
	unsigned long long iov0, iov3;	/* VF BARs 0 and 3 of VF 0 */

	/* VFs */
	struct dev *pf;
	unsigned int vf_index;
};

struct fakehost {
	char root[PATH_MAX];
	int rootfd;
	bool owned;			/* fakehost_new() made root */
	int err;			/* first error of the operation under way */
	char *iommu_dir;		/* NULL without an IOMMU */
	char *group_type;
	unsigned int next_group, next_ifindex, next_irq;
	struct hostbridge **hbs;
	size_t n_hbs;
	struct dev **devs;
	size_t n_devs, cap_devs;
};

/* What one function's files are made of, besides its struct dev. */
struct spec {
	const struct fakehost_func *f;
	unsigned long long bar0, bar0_size, bar3, bar3_size;
};

static unsigned long long pow2(unsigned long long n)
{
	unsigned long long p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

static unsigned long long vf_bar0(const struct fakehost_sriov *v)
{
	return pow2(v->vf_bar0 ? v->vf_bar0 : 0x10000);
}

static void *xzalloc(size_t n)
{
	void *p = calloc(1, n);

	if (p == NULL)
		abort();
	return p;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		abort();
	return p;
}

static char * __attribute__((format(printf, 1, 2))) xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		abort();
	va_end(ap);
	return p;
}

/*
 * The builders below record the first failure in fh->err and do nothing
 * once it is set, so a sequence of them needs one check at the end.
 */
static int fail(struct fakehost *fh, int r)
{
	if (fh->err == 0)
		fh->err = r;
	return fh->err;
}

static int take_err(struct fakehost *fh)
{
	int r = fh->err;

	fh->err = 0;
	return r;
}

static void mkdirs(struct fakehost *fh, const char *path)
{
	char *p, *s;

	if (fh->err != 0 || mkdirat(fh->rootfd, path, 0755) == 0 || errno == EEXIST)
		return;		/* the parent is there, mostly */
	p = s = xstrdup(path);
	for (;;) {
		s = strchr(s + 1, '/');
		if (s != NULL)
			*s = '\0';
		if (fh->err == 0 && mkdirat(fh->rootfd, p, 0755) < 0 && errno != EEXIST)
			fail(fh, -errno);
		if (s == NULL)
			break;
		*s = '/';
	}
	free(p);
}

static void put(struct fakehost *fh, const char *path, const void *data, size_t len)
{
	ssize_t n;
	int fd;

	if (fh->err != 0)
		return;
	fd = openat(fh->rootfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		fail(fh, -errno);
		return;
	}
	n = write(fd, data, len);
	if (n < 0)
		fail(fh, -errno);
	else if ((size_t)n != len)
		fail(fh, -EIO);
	if (close(fd) < 0)
		fail(fh, -errno);
}

/* dir/name with printf-formatted text */
static void __attribute__((format(printf, 4, 5)))
attr(struct fakehost *fh, const char *dir, const char *name, const char *fmt, ...)
{
	char *path = xasprintf("%s/%s", dir, name), *text;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	put(fh, path, text, (size_t)n);
	free(text);
	free(path);
}

/*
 * The relative path from directory from to target, both relative to the
 * root, as sysfs makes it: up to the deepest common directory, then down.
 * Like sysfs it never ends in "..": a link to an ancestor names it
 * ("net/eth0/device" -> "../../../0000:03:00.0").
 */
static char *relpath(const char *from, const char *target)
{
	size_t i, common = 0, ups = 0, len;
	char *p, *out;

	for (i = 0; from[i] != '\0' && from[i] == target[i]; i++)
		if (from[i] == '/')
			common = i + 1;
	if (from[i] == '\0' && target[i] == '/')
		common = i + 1;		/* from is an ancestor of target */
	if (from[common] != '\0')
		for (ups = 1, i = common; from[i] != '\0'; i++)
			ups += from[i] == '/';
	len = ups * 3 + strlen(target + common) + 1;
	out = p = xzalloc(len);
	while (ups-- > 0)
		p = stpcpy(p, "../");
	strcpy(p, target + common);
	return out;
}

/* A symlink at path to target (relative to the root), made relative. */
static void link_to(struct fakehost *fh, const char *path, const char *target)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/'), *rel;

	if (slash == NULL)
		abort();
	*slash = '\0';
	rel = relpath(dir, target);
	if (fh->err == 0 && symlinkat(rel, fh->rootfd, path) < 0)
		fail(fh, -errno);
	free(rel);
	free(dir);
}

static void link_at(struct fakehost *fh, const char *dir, const char *name, const char *target)
{
	char *path = xasprintf("%s/%s", dir, name);

	link_to(fh, path, target);
	free(path);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DNR)
		return -EACCES;
	return remove(path) < 0 ? -errno : 0;
}

int fakehost_rmtree(const char *dir)
{
	int r;

	if (dir == NULL || dir[0] == '\0' || strcmp(dir, "/") == 0)
		return -EINVAL;
	r = nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	if (r == -1)
		return errno == ENOENT ? 0 : -errno;
	return r;
}

static void rmtree_at(struct fakehost *fh, const char *path)
{
	char *abs = xasprintf("%s/%s", fh->root, path);
	int r;

	r = fakehost_rmtree(abs);
	if (r < 0)
		fail(fh, r);
	free(abs);
}

/* "dddd:bb:dd.f", canonical (lower case, all digits) only */
static int parse_addr(const char *s, unsigned int *ret_domain, unsigned int *ret_bus,
		      unsigned int *ret_devfn)
{
	unsigned int d, b, sl, f;
	char canon[32];
	int n = 0;

	if (s == NULL || sscanf(s, "%x:%x:%x.%u%n", &d, &b, &sl, &f, &n) != 4 || s[n] != '\0')
		return -EINVAL;
	if (d > 0xffff || b > 0xff || sl > 0x1f || f > 7)
		return -EINVAL;
	snprintf(canon, sizeof(canon), "%04x:%02x:%02x.%u", d, b, sl, f);
	if (strcmp(canon, s) != 0)
		return -EINVAL;
	*ret_domain = d;
	*ret_bus = b;
	*ret_devfn = sl << 3 | f;
	return 0;
}

static void format_addr(char buf[13], unsigned int domain, unsigned int bus, unsigned int devfn)
{
	snprintf(buf, 13, "%04x:%02x:%02x.%u", domain & 0xffff, bus & 0xff, (devfn >> 3) & 0x1f,
		 devfn & 7);
}

int fakehost_vf_addr(const char *pf, unsigned int offset, unsigned int stride, unsigned int n,
		     char buf[13])
{
	unsigned int domain, bus, devfn;
	unsigned long long rid;

	if (parse_addr(pf, &domain, &bus, &devfn) < 0)
		return -EINVAL;
	/* drivers/pci/iov.c: pci_iov_virtfn_bus() and pci_iov_virtfn_devfn() */
	rid = (bus << 8 | devfn) + (unsigned long long)offset + (unsigned long long)stride * n;
	if (rid > 0xffff)
		return -ERANGE;
	format_addr(buf, domain, (unsigned int)(rid >> 8), (unsigned int)(rid & 0xff));
	return 0;
}

static struct dev *dev_find(const struct fakehost *fh, const char *addr)
{
	for (size_t i = fh->n_devs; i-- > 0;)
		if (strcmp(fh->devs[i]->addr, addr) == 0)
			return fh->devs[i];
	return NULL;
}

const char *fakehost_dev_dir(const struct fakehost *fh, const char *addr)
{
	const struct dev *d = dev_find(fh, addr);

	return d ? d->dir : NULL;
}

int fakehost_group(const struct fakehost *fh, const char *addr)
{
	const struct dev *d = dev_find(fh, addr);

	return d ? d->group : -ENOENT;
}

/* The port whose secondary bus is bus */
static struct dev *port_above(const struct fakehost *fh, unsigned int domain, unsigned int bus)
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
	hb = xzalloc(sizeof(*hb));
	hb->domain = domain;
	hb->bus = bus;
	hb->numa = numa_node;
	hb->dir = xasprintf("sys/devices/pci%04x:%02x", domain, bus);
	/* 1T of 64-bit space each, as firmware hands out per root bus */
	hb->win.base = 0x20000000000ULL + 0x10000000000ULL * fh->n_hbs;
	hb->win.next = hb->win.base;
	hb->win.end = hb->win.base + 0x10000000000ULL;
	fh->hbs = realloc(fh->hbs, (fh->n_hbs + 1) * sizeof(*fh->hbs));
	if (fh->hbs == NULL)
		abort();
	fh->hbs[fh->n_hbs++] = hb;
	mkdirs(fh, hb->dir);
	return take_err(fh);
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

static bool valid_name(const char *s)
{
	if (s == NULL || s[0] == '\0' || strlen(s) > 64 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (; *s != '\0'; s++)
		if (*s == '/' || (unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

static void driver_add(struct fakehost *fh, const char *name)
{
	static const char *const files[] = { "bind", "unbind", "new_id", "remove_id", "uevent" };
	char *dir = xasprintf("sys/bus/pci/drivers/%s", name), *mod, *p;

	if (fh->err != 0 || mkdirat(fh->rootfd, dir, 0755) < 0) {
		if (fh->err == 0 && errno != EEXIST)	/* EEXIST: made before */
			fail(fh, -errno);
		free(dir);
		return;
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		attr(fh, dir, files[i], "%s", "");
	/* a module unless built in, as pcieport is; module names use '_' */
	if (strcmp(name, "pcieport") != 0) {
		mod = xasprintf("sys/module/%s", name);
		for (p = mod; *p != '\0'; p++)
			if (*p == '-')
				*p = '_';
		p = xasprintf("%s/drivers", mod);
		mkdirs(fh, p);
		free(p);
		link_at(fh, dir, "module", mod);
		p = xasprintf("%s/drivers/pci:%s", mod, name);
		link_to(fh, p, dir);
		free(p);
		free(mod);
	}
	free(dir);
}

/* A function's netdevs, and the sys/class/net links to them. */
static void netdev_add(struct fakehost *fh, struct dev *d, const char *name)
{
	char *dir = xasprintf("%s/net/%s", d->dir, name), *cls;
	unsigned int ifindex = fh->next_ifindex++;

	if (name[0] == '\0' || strlen(name) >= 16 || strchr(name, '/') != NULL) {
		fail(fh, -EINVAL);
		free(dir);
		return;
	}
	mkdirs(fh, dir);
	attr(fh, dir, "ifindex", "%u\n", ifindex);
	attr(fh, dir, "address", "02:00:%02x:%02x:%02x:%02x\n", d->bus, d->devfn,
	     (ifindex >> 8) & 0xff, ifindex & 0xff);
	attr(fh, dir, "operstate", "%s\n", d->vf ? "down" : "up");
	attr(fh, dir, "mtu", "1500\n");
	link_at(fh, dir, "device", d->dir);
	cls = xasprintf("sys/class/net/%s", name);
	link_to(fh, cls, dir);
	free(cls);
	free(dir);
}

static void netdevs_add(struct fakehost *fh, struct dev *d, const char *names)
{
	char *list = xstrdup(names), *save = NULL;

	for (char *n = strtok_r(list, " \t,", &save); n != NULL; n = strtok_r(NULL, " \t,", &save))
		netdev_add(fh, d, n);
	free(list);
}

/* Remove d's netdevs: they belong to the driver going away. */
static void netdevs_remove(struct fakehost *fh, struct dev *d)
{
	char *net = xasprintf("%s/net", d->dir), *cls;
	struct dirent *e;
	DIR *dir;
	int fd;

	fd = openat(fh->rootfd, net, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && (dir = fdopendir(fd)) != NULL) {
		while ((e = readdir(dir)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			cls = xasprintf("sys/class/net/%s", e->d_name);
			(void)unlinkat(fh->rootfd, cls, 0);
			free(cls);
		}
		closedir(dir);
		rmtree_at(fh, net);
	} else if (fd >= 0) {
		close(fd);
	}
	free(net);
}

static void driver_bind(struct fakehost *fh, struct dev *d, const char *driver)
{
	char *path;

	if (d->driver != NULL) {
		netdevs_remove(fh, d);
		path = xasprintf("%s/driver", d->dir);
		(void)unlinkat(fh->rootfd, path, 0);
		free(path);
		path = xasprintf("sys/bus/pci/drivers/%s/%s", d->driver, d->addr);
		(void)unlinkat(fh->rootfd, path, 0);
		free(path);
		free(d->driver);
		d->driver = NULL;
	}
	if (driver != NULL) {
		driver_add(fh, driver);
		path = xasprintf("sys/bus/pci/drivers/%s", driver);
		link_at(fh, d->dir, "driver", path);
		link_at(fh, path, d->addr, d->dir);
		free(path);
		d->driver = xstrdup(driver);
	}
	attr(fh, d->dir, "enable", "%d\n", driver != NULL);
}

int fakehost_bind(struct fakehost *fh, const char *addr, const char *driver)
{
	struct dev *d = addr ? dev_find(fh, addr) : NULL;

	if (d == NULL)
		return -ENOENT;
	if (driver != NULL && !valid_name(driver))
		return -EINVAL;
	driver_bind(fh, d, driver);
	return take_err(fh);
}

/*
 * The IOMMU group of d.  AUTO follows Linux's pci_device_group(), cut
 * down: a function below a port that does not isolate shares the port's
 * group, anything else gets a new one.
 */
static void group_join(struct fakehost *fh, struct dev *d, enum fakehost_group mode,
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
		fail(fh, -EINVAL);
		return;
	}
	if (id >= fh->next_group)
		fh->next_group = id + 1;
	d->group = (int)id;

	gdir = xasprintf("sys/kernel/iommu_groups/%u", id);
	if (fh->err == 0 && mkdirat(fh->rootfd, gdir, 0755) == 0) {
		path = xasprintf("%s/devices", gdir);
		mkdirs(fh, path);
		free(path);
		attr(fh, gdir, "type", "%s\n", fh->group_type);
		attr(fh, gdir, "reserved_regions", "0x00000000fee00000 0x00000000feefffff msi\n");
	} else if (fh->err == 0 && errno != EEXIST) {
		fail(fh, -errno);
	}
	path = xasprintf("%s/devices/%s", gdir, d->addr);
	link_to(fh, path, d->dir);
	free(path);
	link_at(fh, d->dir, "iommu_group", gdir);
	path = xasprintf("%s/devices/%s", fh->iommu_dir, d->addr);
	link_to(fh, path, d->dir);
	free(path);
	link_at(fh, d->dir, "iommu", fh->iommu_dir);
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
static uint8_t sriov_ctl(const struct dev *d)
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
		w16(c, b + 0x08, sriov_ctl(d));
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
		range(start, end, flags, 7, d->iov0, vf_bar0(v) * v->totalvfs, pref64);
		range(start, end, flags, 10, d->iov3, VF_BAR3 * v->totalvfs, pref64);
	}
	if (d->port)	/* the prefetchable window */
		range(start, end, flags, 15, d->win.base, d->win.end - d->win.base, 0x102201);
	p = text = xzalloc(lines * 60 + 1);
	for (unsigned int i = 0; i < lines; i++)
		p += sprintf(p, "0x%016llx 0x%016llx 0x%016llx\n", start[i], end[i], flags[i]);
	attr(fh, d->dir, "resource", "%s", text);
	free(text);
}

/* Record d and make its directory, attributes and links. */
static void function_add(struct fakehost *fh, struct dev *d, const struct spec *s)
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

	d->dir = xasprintf("%s/%s", d->parent ? d->parent->dir : d->hb->dir, d->addr);
	if (fh->err == 0 && mkdirat(fh->rootfd, d->dir, 0755) < 0)
		fail(fh, -errno);
	attr(fh, d->dir, "vendor", "0x%04x\n", f->vendor);
	attr(fh, d->dir, "device", "0x%04x\n", f->device);
	attr(fh, d->dir, "subsystem_vendor", "0x%04x\n",
	     f->subsys_vendor || f->subsys_device ? f->subsys_vendor : f->vendor);
	attr(fh, d->dir, "subsystem_device", "0x%04x\n",
	     f->subsys_vendor || f->subsys_device ? f->subsys_device : f->device);
	attr(fh, d->dir, "class", "0x%06x\n", f->class);
	attr(fh, d->dir, "revision", "0x%02x\n", f->revision);
	d->irq = d->vf ? 0 : 16 + fh->next_irq++ % 96;
	attr(fh, d->dir, "irq", "%u\n", d->irq);
	attr(fh, d->dir, "numa_node", "%d\n", d->hb->numa);
	attr(fh, d->dir, "driver_override", "(null)\n");
	attr(fh, d->dir, "broken_parity_status", "0\n");
	attr(fh, d->dir, "d3cold_allowed", "1\n");
	for (size_t i = 0; i < sizeof(wo) / sizeof(wo[0]); i++)
		attr(fh, d->dir, wo[i], "%s", "");
	if (!d->port)
		attr(fh, d->dir, "reset_method", "%s\n", d->vf ? "flr" : "flr bus");
	if (!f->conventional) {
		unsigned int gen = d->vf ? 0 : f->link_gen ? f->link_gen : 3;
		unsigned int width = d->vf ? 0 : f->link_width ? f->link_width : 8;

		attr(fh, d->dir, "current_link_speed", "%s\n", link_speed(gen));
		attr(fh, d->dir, "max_link_speed", "%s\n", link_speed(gen));
		attr(fh, d->dir, "current_link_width", "%u\n", width);
		attr(fh, d->dir, "max_link_width", "%u\n", width);
	}
	resource(fh, d, s);
	link_at(fh, d->dir, "subsystem", "sys/bus/pci");
	path = xasprintf("sys/bus/pci/devices/%s", d->addr);
	link_to(fh, path, d->dir);
	free(path);

	driver_bind(fh, d, f->driver);
	if (f->driver && f->netdevs)
		netdevs_add(fh, d, f->netdevs);
	/* config last: it shows whether a driver is bound */
	n = config(cfg, d, s);
	path = xasprintf("%s/config", d->dir);
	put(fh, path, cfg, n);
	free(path);
}


/* Rewrite one byte of d's config space. */
static void config_patch(struct fakehost *fh, const struct dev *d, unsigned int off, uint8_t v)
{
	char *path = xasprintf("%s/config", d->dir);
	ssize_t n;
	int fd;

	if (fh->err == 0) {
		fd = openat(fh->rootfd, path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			fail(fh, -errno);
		} else {
			n = pwrite(fd, &v, 1, off);
			if (n != 1)
				fail(fh, n < 0 ? -errno : -EIO);
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
		config_patch(fh, o, 0x0e, o->hdr | 0x80);
		any = true;
	}
	if (any)
		config_patch(fh, d, 0x0e, d->hdr | 0x80);
}

/* Check f and place it: its parent is the port whose secondary bus is
 * its bus, else the host bridge of that bus. */
static int dev_new(struct fakehost *fh, const struct fakehost_func *f, struct dev **ret)
{
	unsigned int domain, bus, devfn;
	struct hostbridge *hb = NULL;
	struct dev *d, *parent = NULL;
	int r;

	if (f == NULL || parse_addr(f->addr, &domain, &bus, &devfn) < 0)
		return -EINVAL;
	if (dev_find(fh, f->addr) != NULL)
		return -EEXIST;
	if (f->msix > 2048 || f->link_gen > 5 || f->link_width > 32 ||
	    (f->driver != NULL && !valid_name(f->driver)))
		return -EINVAL;
	parent = port_above(fh, domain, bus);
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
	d = xzalloc(sizeof(*d));
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
	if (port_above(fh, d->domain, f.secondary) != NULL)
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

	function_add(fh, d, &s);
	group_join(fh, d, f.group_mode, f.group, NULL);
	multifunction(fh, d);
	return take_err(fh);

out_free:
	free(d);
	return r;
}

/* An endpoint; a PF when v is not NULL (d takes it over on success). */
static int endpoint_add(struct fakehost *fh, const struct fakehost_func *f,
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
		d->iov0 = win_alloc(win, vf_bar0(v) * v->totalvfs, vf_bar0(v));
		d->iov3 = win_alloc(win, VF_BAR3 * v->totalvfs, VF_BAR3);
	}
	if (s.bar0 == 0 || s.bar3 == 0 || (v != NULL && (d->iov0 == 0 || d->iov3 == 0))) {
		free(d);
		return -ENOSPC;
	}
	d->sriov = v;
	function_add(fh, d, &s);
	group_join(fh, d, f->group_mode, f->group, NULL);
	multifunction(fh, d);
	*ret = d;
	return 0;
}

int fakehost_add_dev(struct fakehost *fh, const struct fakehost_func *dev)
{
	struct dev *d;
	int r;

	r = endpoint_add(fh, dev, NULL, &d);
	return r < 0 ? r : take_err(fh);
}

/* pattern with every "%u" replaced by n */
static char *expand(const char *pattern, unsigned int n)
{
	size_t len = strlen(pattern) + 1;
	char *out, *p;

	for (const char *s = strstr(pattern, "%u"); s != NULL; s = strstr(s + 2, "%u"))
		len += 10;
	p = out = xzalloc(len);
	while (*pattern != '\0') {
		if (pattern[0] == '%' && pattern[1] == 'u') {
			p += sprintf(p, "%u", n);
			pattern += 2;
		} else {
			*p++ = *pattern++;
		}
	}
	return out;
}

static void sriov_free(struct fakehost_sriov *v)
{
	if (v == NULL)
		return;
	free((char *)v->vf_driver);	/* our copies */
	free((char *)v->vf_netdevs);
	free(v);
}

/* VFs 0..n-1 of PF pf (below parent) fit the bus range and are free. */
static int vfs_check(const struct fakehost *fh, const char *pf, const struct dev *parent,
		     const struct fakehost_sriov *v, unsigned int n)
{
	char addr[13];

	for (unsigned int i = 0; i < n; i++) {
		if (fakehost_vf_addr(pf, v->offset, v->stride, i, addr) < 0)
			return -ERANGE;
		/* sriov_enable(): VFs must fit the bus range below the bridge */
		if (parent != NULL && strtoul(addr + 5, NULL, 16) > parent->subordinate)
			return -ERANGE;
		if (dev_find(fh, addr) != NULL)
			return -EEXIST;
	}
	return 0;
}

static void vf_add(struct fakehost *fh, struct dev *pf, unsigned int n)
{
	const struct fakehost_sriov *v = pf->sriov;
	struct fakehost_func f = pf->vf_tmpl;
	struct spec s = { .f = &f };
	char *name = NULL;
	struct dev *d;

	d = xzalloc(sizeof(*d));
	(void)fakehost_vf_addr(pf->addr, v->offset, v->stride, n, d->addr);
	(void)parse_addr(d->addr, &d->domain, &d->bus, &d->devfn);
	d->vf = true;
	d->pf = pf;
	d->vf_index = n;
	d->hb = pf->hb;
	d->parent = pf->parent;		/* pci_iov_add_virtfn(): the PF's parent device */
	d->group = -1;
	f.addr = d->addr;
	if (v->vf_netdevs != NULL)
		f.netdevs = name = expand(v->vf_netdevs, n);
	s.bar0_size = vf_bar0(v);
	s.bar0 = pf->iov0 + n * s.bar0_size;
	s.bar3_size = VF_BAR3;
	s.bar3 = pf->iov3 + n * VF_BAR3;

	function_add(fh, d, &s);
	free(name);
	link_at(fh, d->dir, "physfn", pf->dir);
	name = xasprintf("virtfn%u", n);
	link_at(fh, pf->dir, name, d->dir);
	free(name);
	if (v->vf_total_msix)
		attr(fh, d->dir, "sriov_vf_msix_count", "%u\n", f.msix);
	group_join(fh, d, v->vf_group_mode, v->vf_group, pf);
}

/* Everything of VF d outside its directory, then the directory. */
static void vf_remove(struct fakehost *fh, struct dev *d, unsigned int n)
{
	char *path, *gdir;
	struct stat st;

	driver_bind(fh, d, NULL);
	path = xasprintf("%s/virtfn%u", d->pf->dir, n);
	(void)unlinkat(fh->rootfd, path, 0);
	free(path);
	path = xasprintf("sys/bus/pci/devices/%s", d->addr);
	(void)unlinkat(fh->rootfd, path, 0);
	free(path);
	if (d->group >= 0) {
		gdir = xasprintf("sys/kernel/iommu_groups/%d", d->group);
		path = xasprintf("%s/devices/%s", gdir, d->addr);
		(void)unlinkat(fh->rootfd, path, 0);
		free(path);
		path = xasprintf("%s/devices", gdir);
		if (unlinkat(fh->rootfd, path, AT_REMOVEDIR) == 0 || fstatat(fh->rootfd, path, &st, 0) < 0)
			rmtree_at(fh, gdir);	/* the last member: the kernel frees the group */
		free(path);
		free(gdir);
		path = xasprintf("%s/devices/%s", fh->iommu_dir, d->addr);
		(void)unlinkat(fh->rootfd, path, 0);
		free(path);
	}
	rmtree_at(fh, d->dir);
}

/* Like a write to sriov_numvfs, once the checks passed. */
static void numvfs_set(struct fakehost *fh, struct dev *pf, unsigned int n)
{
	size_t j = 0;

	for (unsigned int i = 0; i < n && fh->err == 0; i++)
		vf_add(fh, pf, i);
	if (n == 0) {
		for (size_t i = 0; i < fh->n_devs; i++) {
			struct dev *d = fh->devs[i];

			if (d->pf != pf) {
				fh->devs[j++] = d;
				continue;
			}
			vf_remove(fh, d, d->vf_index);
			free(d->dir);
			free(d->driver);
			free(d);
		}
		fh->n_devs = j;
	}
	pf->numvfs = n;
	attr(fh, pf->dir, "sriov_numvfs", "%u\n", n);
	/* SR-IOV Control and NumVFs in the PF's config space */
	config_patch(fh, pf, SRIOV_CAP + 0x08, sriov_ctl(pf));
	config_patch(fh, pf, SRIOV_CAP + 0x10, n & 0xff);
	config_patch(fh, pf, SRIOV_CAP + 0x11, (n >> 8) & 0xff);
}

int fakehost_set_numvfs(struct fakehost *fh, const char *pf, unsigned int numvfs)
{
	struct dev *d = pf ? dev_find(fh, pf) : NULL;
	int r;

	if (d == NULL || d->sriov == NULL)
		return -ENOENT;
	/* sriov_numvfs_store() */
	if (numvfs > d->sriov->totalvfs)
		return -ERANGE;
	if (numvfs == d->numvfs)
		return 0;
	if (numvfs != 0 && d->numvfs != 0)
		return -EBUSY;
	r = vfs_check(fh, d->addr, d->parent, d->sriov, numvfs);
	if (r < 0)
		return r;
	numvfs_set(fh, d, numvfs);
	return take_err(fh);
}

int fakehost_add_pf(struct fakehost *fh, const struct fakehost_func *pf,
		    const struct fakehost_sriov *sriov)
{
	unsigned int domain, bus, devfn;
	struct fakehost_sriov *v;
	bool own_ids;
	struct dev *d;
	int r;

	if (pf == NULL || sriov == NULL || parse_addr(pf->addr, &domain, &bus, &devfn) < 0)
		return -EINVAL;
	if (sriov->totalvfs == 0 || sriov->totalvfs > 0xffff || sriov->numvfs > sriov->totalvfs ||
	    sriov->offset > 0xffff || sriov->stride > 0xffff || sriov->vf_device == 0 ||
	    sriov->vf_msix > 512 || pf->conventional ||
	    (sriov->vf_driver != NULL && !valid_name(sriov->vf_driver)))
		return -EINVAL;
	v = xzalloc(sizeof(*v));
	*v = *sriov;
	v->offset = v->offset ? v->offset : 1;
	v->stride = v->stride ? v->stride : 1;
	v->vf_driver = v->vf_driver ? xstrdup(v->vf_driver) : NULL;
	v->vf_netdevs = v->vf_netdevs ? xstrdup(v->vf_netdevs) : NULL;
	r = vfs_check(fh, pf->addr, port_above(fh, domain, bus), v, v->numvfs);
	if (r == 0)
		r = endpoint_add(fh, pf, v, &d);
	if (r < 0) {
		sriov_free(v);
		return r;
	}
	own_ids = pf->subsys_vendor || pf->subsys_device;
	d->vf_tmpl = (struct fakehost_func){
		.vendor = pf->vendor,
		.device = v->vf_device,
		.subsys_vendor = own_ids ? pf->subsys_vendor : pf->vendor,
		.subsys_device = own_ids ? pf->subsys_device : pf->device,
		.class = pf->class,
		.revision = pf->revision,
		.driver = v->vf_driver,
		.msix = v->vf_msix ? v->vf_msix : 8,
	};

	attr(fh, d->dir, "sriov_totalvfs", "%u\n", v->totalvfs);
	attr(fh, d->dir, "sriov_offset", "%u\n", v->offset);
	attr(fh, d->dir, "sriov_stride", "%u\n", v->stride);
	attr(fh, d->dir, "sriov_vf_device", "%x\n", v->vf_device);
	attr(fh, d->dir, "sriov_drivers_autoprobe", "%d\n", !v->no_autoprobe);
	if (v->vf_total_msix)
		attr(fh, d->dir, "sriov_vf_total_msix", "%u\n", v->vf_total_msix);
	numvfs_set(fh, d, v->numvfs);
	return take_err(fh);
}

/* /proc/interrupts: remapped MSIs are "IR-PCI-MSI" */
static void interrupts(struct fakehost *fh, const char *iommu, bool remap)
{
	attr(fh, "proc", "interrupts",
	     "            CPU0       CPU1\n"
	     "   0:         44          0   IO-APIC    2-edge      timer\n"
	     "%s%s%s"
	     "  25:       1830          0  %s 1572864-edge      nvme0q0\n",
	     iommu ? "  24:          0          0   DMAR-MSI    0-edge      " : "",
	     iommu ? iommu : "", iommu ? "\n" : "", remap ? "IR-PCI-MSI" : "   PCI-MSI");
}

int fakehost_add_iommu(struct fakehost *fh, const struct fakehost_iommu *iommu)
{
	const struct fakehost_iommu none = { 0 };
	const char *name, *type;
	char *path;

	if (iommu == NULL)
		iommu = &none;
	name = iommu->name ? iommu->name : "dmar0";
	type = iommu->group_type ? iommu->group_type : "DMA";
	if (!valid_name(name) || !valid_name(type))
		return -EINVAL;
	if (fh->iommu_dir != NULL || fh->n_devs > 0)
		return -EBUSY;
	fh->iommu_dir = xasprintf("sys/devices/virtual/iommu/%s", name);
	free(fh->group_type);
	fh->group_type = xstrdup(type);

	path = xasprintf("%s/devices", fh->iommu_dir);
	mkdirs(fh, path);
	free(path);
	mkdirs(fh, "sys/class/iommu");
	link_at(fh, "sys/class/iommu", name, fh->iommu_dir);
	mkdirs(fh, "sys/kernel/iommu_groups");
	if (strncmp(name, "dmar", 4) == 0) {
		/* VT-d registers; ecap bit 3 is Interrupt Remapping support */
		path = xasprintf("%s/intel-iommu", fh->iommu_dir);
		mkdirs(fh, path);
		attr(fh, path, "version", "1:0\n");
		attr(fh, path, "cap", "d2008c40660462\n");
		attr(fh, path, "ecap", "%s\n", iommu->no_intremap ? "f050d2" : "f050da");
		free(path);
		attr(fh, "proc", "cmdline", "%s intel_iommu=on%s\n", CMDLINE,
		     strcmp(type, "identity") == 0 ? " iommu=pt" : "");
	} else {
		attr(fh, "proc", "cmdline", "%s%s\n", CMDLINE,
		     strcmp(type, "identity") == 0 ? " iommu=pt" : "");
	}
	interrupts(fh, name, !iommu->no_intremap);
	return take_err(fh);
}

int fakehost_add_vfio(struct fakehost *fh)
{
	mkdirs(fh, "sys/module/vfio/parameters");
	attr(fh, "sys/module/vfio/parameters", "enable_unsafe_noiommu_mode", "N\n");
	mkdirs(fh, "sys/module/vfio_iommu_type1/parameters");
	attr(fh, "sys/module/vfio_iommu_type1/parameters", "allow_unsafe_interrupts", "N\n");
	attr(fh, "sys/module/vfio_iommu_type1/parameters", "dma_entry_limit", "65535\n");
	driver_add(fh, "vfio-pci");
	mkdirs(fh, "dev/vfio");
	attr(fh, "dev/vfio", "vfio", "%s", "");	/* stands in for the character device */
	return take_err(fh);
}

static int dir_empty(const char *path)
{
	struct dirent *e;
	DIR *dir;
	int r = 0;

	dir = opendir(path);
	if (dir == NULL)
		return -errno;
	while (r == 0 && (e = readdir(dir)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			r = -ENOTEMPTY;
	closedir(dir);
	return r;
}

static int skeleton(struct fakehost *fh)
{
	static const char *const dirs[] = {
		"sys/bus/pci/devices", "sys/bus/pci/drivers", "sys/bus/pci/slots",
		"sys/devices/virtual", "sys/kernel", "sys/module", "sys/class/net", "proc", "dev",
	};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		mkdirs(fh, dirs[i]);
	attr(fh, "sys/bus/pci", "drivers_probe", "%s", "");
	attr(fh, "sys/bus/pci", "drivers_autoprobe", "1\n");
	attr(fh, "sys/bus/pci", "rescan", "%s", "");
	attr(fh, "proc", "cmdline", "%s\n", CMDLINE);
	interrupts(fh, NULL, false);
	return take_err(fh);
}

struct fakehost *fakehost_new(const char *dir)
{
	struct fakehost *fh = xzalloc(sizeof(*fh));
	char path[PATH_MAX];
	const char *tmp;
	int r = 0;

	fh->rootfd = -1;
	fh->next_ifindex = 2;		/* 1 is lo */
	fh->group_type = xstrdup("DMA");
	if (dir == NULL) {
		tmp = getenv("TMPDIR");
		if (tmp == NULL || tmp[0] == '\0')
			tmp = "/tmp";
		if ((size_t)snprintf(path, sizeof(path), "%s/fakehost.XXXXXX", tmp) >= sizeof(path))
			r = -ENAMETOOLONG;
		else if (mkdtemp(path) == NULL)
			r = -errno;
		dir = path;
		fh->owned = r == 0;
	} else if (mkdir(dir, 0755) < 0) {
		r = errno == EEXIST ? dir_empty(dir) : -errno;
	}
	if (r == 0 && realpath(dir, fh->root) == NULL)
		r = -errno;
	if (r == 0) {
		fh->rootfd = open(fh->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fh->rootfd < 0)
			r = -errno;
	}
	if (r == 0)
		r = skeleton(fh);
	if (r < 0) {
		if (fh->owned && fh->root[0] == '\0')
			strcpy(fh->root, path);		/* realpath failed: remove what we made */
		fakehost_free(fh);
		errno = -r;
		return NULL;
	}
	return fh;
}

void fakehost_free(struct fakehost *fh)
{
	if (fh == NULL)
		return;
	if (fh->rootfd >= 0)
		close(fh->rootfd);
	if (fh->owned && fh->root[0] != '\0')
		(void)fakehost_rmtree(fh->root);
	for (size_t i = 0; i < fh->n_devs; i++) {
		struct dev *d = fh->devs[i];

		sriov_free(d->sriov);
		free(d->dir);
		free(d->driver);
		free(d);
	}
	for (size_t i = 0; i < fh->n_hbs; i++) {
		free(fh->hbs[i]->dir);
		free(fh->hbs[i]);
	}
	free(fh->devs);
	free(fh->hbs);
	free(fh->iommu_dir);
	free(fh->group_type);
	free(fh);
}

const char *fakehost_root(const struct fakehost *fh)
{
	return fh->root;
}

/* Relative, not empty, no ".." component. */
static int path_check(const char *path)
{
	const char *p = path;
	size_t n;

	if (path == NULL || path[0] == '\0' || path[0] == '/')
		return -EINVAL;
	while (*p != '\0') {
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return -EINVAL;
		p += n;
		if (*p == '/')
			p++;
	}
	return 0;
}

static void parent_mkdirs(struct fakehost *fh, const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');

	if (slash != NULL) {
		*slash = '\0';
		mkdirs(fh, dir);
	}
	free(dir);
}

int fakehost_write_bin(struct fakehost *fh, const char *path, const void *data, size_t len)
{
	int r = path_check(path);

	if (r < 0)
		return r;
	parent_mkdirs(fh, path);
	put(fh, path, data, len);
	return take_err(fh);
}

int fakehost_write(struct fakehost *fh, const char *path, const char *content)
{
	return fakehost_write_bin(fh, path, content, strlen(content));
}

int fakehost_symlink(struct fakehost *fh, const char *path, const char *target)
{
	int r = path_check(path);

	if (r < 0 || target == NULL || target[0] == '\0')
		return -EINVAL;
	parent_mkdirs(fh, path);
	if (fh->err == 0 && unlinkat(fh->rootfd, path, 0) < 0 && errno != ENOENT)
		fail(fh, -errno);
	if (fh->err == 0 && symlinkat(target, fh->rootfd, path) < 0)
		fail(fh, -errno);
	return take_err(fh);
}

int fakehost_remove(struct fakehost *fh, const char *path)
{
	struct stat st;
	int r = path_check(path);

	if (r < 0)
		return r;
	if (fstatat(fh->rootfd, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		rmtree_at(fh, path);
	else if (unlinkat(fh->rootfd, path, 0) < 0)
		fail(fh, -errno);
	return take_err(fh);
}
