/* SPDX-License-Identifier: MIT */
/* srpass tests -- fake hosts: the internals fakehost*.c share */
#ifndef SRP_FAKEHOST_INT_H
#define SRP_FAKEHOST_INT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fakehost.h"

#define VF_BAR3		0x4000ULL	/* MSI-X table and PBA of a VF */
#define SRIOV_CAP	0x160		/* the SR-IOV extended capability of PFs */

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

/*
 * fakehost.c: allocation (aborting), files and links, drivers.  The
 * builders record the first failure in fh->err (fh_fail()) and do
 * nothing once it is set; fh_take_err() returns and clears it.
 */
void *fh_xzalloc(size_t n);
char *fh_xstrdup(const char *s);
char *fh_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fh_fail(struct fakehost *fh, int r);
int fh_take_err(struct fakehost *fh);
void fh_mkdirs(struct fakehost *fh, const char *path);
void fh_put(struct fakehost *fh, const char *path, const void *data, size_t len);
void fh_attr(struct fakehost *fh, const char *dir, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void fh_link_to(struct fakehost *fh, const char *path, const char *target);
void fh_link_at(struct fakehost *fh, const char *dir, const char *name, const char *target);
void fh_rmtree_at(struct fakehost *fh, const char *path);
int fh_parse_addr(const char *s, unsigned int *ret_domain, unsigned int *ret_bus,
		  unsigned int *ret_devfn);
struct dev *fh_dev_find(const struct fakehost *fh, const char *addr);
bool fh_valid_name(const char *s);
void fh_netdevs_add(struct fakehost *fh, struct dev *d, const char *names);
void fh_driver_bind(struct fakehost *fh, struct dev *d, const char *driver);

/* fakehost_topo.c: functions, their place, group and config space */
unsigned long long fh_vf_bar0(const struct fakehost_sriov *v);
struct dev *fh_port_above(const struct fakehost *fh, unsigned int domain, unsigned int bus);
void fh_group_join(struct fakehost *fh, struct dev *d, enum fakehost_group mode,
		   unsigned int id, const struct dev *pf);
uint8_t fh_sriov_ctl(const struct dev *d);
void fh_function_add(struct fakehost *fh, struct dev *d, const struct spec *s);
void fh_config_patch(struct fakehost *fh, const struct dev *d, unsigned int off, uint8_t v);
int fh_endpoint_add(struct fakehost *fh, const struct fakehost_func *f,
		    struct fakehost_sriov *v, struct dev **ret);

/* fakehost_sriov.c */
void fh_sriov_free(struct fakehost_sriov *v);

#endif
