/* SPDX-License-Identifier: MIT */
/* srpass -- the hypervisor backends' contract and their table */
#ifndef SRP_BACKEND_H
#define SRP_BACKEND_H

#include <stddef.h>

struct srp_host;
struct srp_dev;
struct srp_err;
struct srp_assignment;

struct srp_backend_ops {
	const char *name;		/* "kvm", "xen": config, CLI, ledger */
	const char *help;		/* one line */
	const char *stub_driver;	/* the driver that holds an assigned VF */

	/* 1 if usable on this host, 0 if not; reads only. */
	int (*detect)(struct srp_host *host);
	/*
	 * Hand vf to the hypervisor.  a carries the VF's recorded original
	 * driver and override.  On failure vf is back as it was.
	 */
	int (*assign)(struct srp_host *host, const struct srp_dev *vf,
		      const struct srp_assignment *a, struct srp_err *err);
	/* Give vf back to a->orig_driver from any state (idempotent: recovery
	 * calls it after a crash anywhere in assign or release). */
	int (*release)(struct srp_host *host, const struct srp_dev *vf,
		       const struct srp_assignment *a, struct srp_err *err);
	/* 0 if vf is held by this backend as the ledger says; -errno with a
	 * reason if not (audit's drift check). */
	int (*status)(struct srp_host *host, const struct srp_dev *vf, struct srp_err *err);
};

extern const struct srp_backend_ops srp_backend_kvm;
extern const struct srp_backend_ops srp_backend_xen;

/* By name; NULL if unknown.  "auto" picks the first that detects. */
const struct srp_backend_ops *srp_backend_find(struct srp_host *host, const char *name);
/* The built-in table by name, NULL if unknown ("auto" is not a name):
 * what the configuration resolves its names against. */
const struct srp_backend_ops *srp_backend_lookup(const char *name);
/* The table, for listing. */
const struct srp_backend_ops *const *srp_backends(size_t *ret_n);

#endif
