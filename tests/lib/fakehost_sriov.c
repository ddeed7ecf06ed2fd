/* SPDX-License-Identifier: MIT */
/* srpass tests -- fake hosts: PFs and their VFs */
#define _GNU_SOURCE
#include "fakehost_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

	if (fh_parse_addr(pf, &domain, &bus, &devfn) < 0)
		return -EINVAL;
	/* drivers/pci/iov.c: pci_iov_virtfn_bus() and pci_iov_virtfn_devfn() */
	rid = (bus << 8 | devfn) + (unsigned long long)offset + (unsigned long long)stride * n;
	if (rid > 0xffff)
		return -ERANGE;
	format_addr(buf, domain, (unsigned int)(rid >> 8), (unsigned int)(rid & 0xff));
	return 0;
}

/* pattern with every "%u" replaced by n */
static char *expand(const char *pattern, unsigned int n)
{
	size_t len = strlen(pattern) + 1;
	char *out, *p;

	for (const char *s = strstr(pattern, "%u"); s != NULL; s = strstr(s + 2, "%u"))
		len += 10;
	p = out = fh_xzalloc(len);
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

void fh_sriov_free(struct fakehost_sriov *v)
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
		if (fh_dev_find(fh, addr) != NULL)
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

	d = fh_xzalloc(sizeof(*d));
	(void)fakehost_vf_addr(pf->addr, v->offset, v->stride, n, d->addr);
	(void)fh_parse_addr(d->addr, &d->domain, &d->bus, &d->devfn);
	d->vf = true;
	d->pf = pf;
	d->vf_index = n;
	d->hb = pf->hb;
	d->parent = pf->parent;		/* pci_iov_add_virtfn(): the PF's parent device */
	d->group = -1;
	f.addr = d->addr;
	if (v->vf_netdevs != NULL)
		f.netdevs = name = expand(v->vf_netdevs, n);
	s.bar0_size = fh_vf_bar0(v);
	s.bar0 = pf->iov0 + n * s.bar0_size;
	s.bar3_size = VF_BAR3;
	s.bar3 = pf->iov3 + n * VF_BAR3;

	fh_function_add(fh, d, &s);
	free(name);
	fh_link_at(fh, d->dir, "physfn", pf->dir);
	name = fh_xasprintf("virtfn%u", n);
	fh_link_at(fh, pf->dir, name, d->dir);
	free(name);
	if (v->vf_total_msix)
		fh_attr(fh, d->dir, "sriov_vf_msix_count", "%u\n", f.msix);
	fh_group_join(fh, d, v->vf_group_mode, v->vf_group, pf);
}

/* Everything of VF d outside its directory, then the directory. */
static void vf_remove(struct fakehost *fh, struct dev *d, unsigned int n)
{
	char *path, *gdir;
	struct stat st;

	fh_driver_bind(fh, d, NULL);
	path = fh_xasprintf("%s/virtfn%u", d->pf->dir, n);
	(void)unlinkat(fh->rootfd, path, 0);
	free(path);
	path = fh_xasprintf("sys/bus/pci/devices/%s", d->addr);
	(void)unlinkat(fh->rootfd, path, 0);
	free(path);
	if (d->group >= 0) {
		gdir = fh_xasprintf("sys/kernel/iommu_groups/%d", d->group);
		path = fh_xasprintf("%s/devices/%s", gdir, d->addr);
		(void)unlinkat(fh->rootfd, path, 0);
		free(path);
		path = fh_xasprintf("%s/devices", gdir);
		if (unlinkat(fh->rootfd, path, AT_REMOVEDIR) == 0 || fstatat(fh->rootfd, path, &st, 0) < 0)
			fh_rmtree_at(fh, gdir);	/* the last member: the kernel frees the group */
		free(path);
		free(gdir);
		path = fh_xasprintf("%s/devices/%s", fh->iommu_dir, d->addr);
		(void)unlinkat(fh->rootfd, path, 0);
		free(path);
	}
	fh_rmtree_at(fh, d->dir);
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
	fh_attr(fh, pf->dir, "sriov_numvfs", "%u\n", n);
	/* SR-IOV Control and NumVFs in the PF's config space */
	fh_config_patch(fh, pf, SRIOV_CAP + 0x08, fh_sriov_ctl(pf));
	fh_config_patch(fh, pf, SRIOV_CAP + 0x10, n & 0xff);
	fh_config_patch(fh, pf, SRIOV_CAP + 0x11, (n >> 8) & 0xff);
}

int fakehost_set_numvfs(struct fakehost *fh, const char *pf, unsigned int numvfs)
{
	struct dev *d = pf ? fh_dev_find(fh, pf) : NULL;
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
	return fh_take_err(fh);
}

int fakehost_add_pf(struct fakehost *fh, const struct fakehost_func *pf,
		    const struct fakehost_sriov *sriov)
{
	unsigned int domain, bus, devfn;
	struct fakehost_sriov *v;
	bool own_ids;
	struct dev *d;
	int r;

	if (pf == NULL || sriov == NULL || fh_parse_addr(pf->addr, &domain, &bus, &devfn) < 0)
		return -EINVAL;
	if (sriov->totalvfs == 0 || sriov->totalvfs > 0xffff || sriov->numvfs > sriov->totalvfs ||
	    sriov->offset > 0xffff || sriov->stride > 0xffff || sriov->vf_device == 0 ||
	    sriov->vf_msix > 512 || pf->conventional ||
	    (sriov->vf_driver != NULL && !fh_valid_name(sriov->vf_driver)))
		return -EINVAL;
	v = fh_xzalloc(sizeof(*v));
	*v = *sriov;
	v->offset = v->offset ? v->offset : 1;
	v->stride = v->stride ? v->stride : 1;
	v->vf_driver = v->vf_driver ? fh_xstrdup(v->vf_driver) : NULL;
	v->vf_netdevs = v->vf_netdevs ? fh_xstrdup(v->vf_netdevs) : NULL;
	r = vfs_check(fh, pf->addr, fh_port_above(fh, domain, bus), v, v->numvfs);
	if (r == 0)
		r = fh_endpoint_add(fh, pf, v, &d);
	if (r < 0) {
		fh_sriov_free(v);
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

	fh_attr(fh, d->dir, "sriov_totalvfs", "%u\n", v->totalvfs);
	fh_attr(fh, d->dir, "sriov_offset", "%u\n", v->offset);
	fh_attr(fh, d->dir, "sriov_stride", "%u\n", v->stride);
	fh_attr(fh, d->dir, "sriov_vf_device", "%x\n", v->vf_device);
	fh_attr(fh, d->dir, "sriov_drivers_autoprobe", "%d\n", !v->no_autoprobe);
	if (v->vf_total_msix)
		fh_attr(fh, d->dir, "sriov_vf_total_msix", "%u\n", v->vf_total_msix);
	numvfs_set(fh, d, v->numvfs);
	return fh_take_err(fh);
}
