/* SPDX-License-Identifier: MIT */
/* srpass -- the hypervisor backends' contract and their table */
#ifndef SRP_BACKEND_H
#define SRP_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

struct srp_assignment;
struct srp_dev;
struct srp_err;
struct srp_host;
struct srp_backend;

/* The backend's unprepare gives the VF back to its original driver itself
 * (libxl's assignable_remove with rebind=1).  Without it the core rebinds
 * a->orig_driver after unprepare. */
#define SRP_BACKEND_REBINDS	(1u << 0)

/* A readiness item of srpass check: the driver the backend needs. */
struct srp_backend_check {
	const char *id;			/* "SRP-CHK-VFIO": stable */
	const char *driver;		/* must be in /sys/bus/pci/drivers */
	bool fail;			/* missing: a failure (else a warning) */
	const char *remedy;
	/* NULL: always checked; else only where it returns 1 (Xen: a dom0). */
	int (*applies)(struct srp_host *host);
};

/*
 * A backend hands VFs to one hypervisor.  The core calls, for assign:
 * prepare (the VF leaves the host for the backend's stub driver), and for
 * release, rollback and recovery alike: unprepare, then the original
 * driver unless SRP_BACKEND_REBINDS.  prepare may fail half-way; the
 * core then runs the release path, so unprepare must work from any
 * state.  Only this table, core/backend.c, names a backend.
 */
struct srp_backend_ops {
	const char *name;		/* "kvm", "xen": config, CLI, ledger */
	const char *help;		/* one line */
	unsigned int flags;		/* SRP_BACKEND_* */
	/* Drivers that hold a VF for this hypervisor's guests, NULL-ended;
	 * [0] is the one prepare binds.  Gate and audit count a device on
	 * one of these as held for a guest, not in use by the host. */
	const char *const *stub_drivers;
	const struct srp_backend_check *checks;
	size_t n_checks;

	/* 1 if this host can run the backend's guests, 0 if not; reads only. */
	int (*detect)(struct srp_host *host);
	/* Optional: set up be->data (a libxl context); close frees it. */
	int (*open)(struct srp_backend *be, struct srp_err *err);
	void (*close)(struct srp_backend *be);

	int (*prepare)(struct srp_backend *be, const struct srp_dev *vf,
		       const struct srp_assignment *a, struct srp_err *err);
	/* Optional (NULL: nothing beyond the core's rebind). */
	int (*unprepare)(struct srp_backend *be, const struct srp_dev *vf,
			 const struct srp_assignment *a, struct srp_err *err);
	/* Optional: how many processes use the prepared vf (a guest's QEMU
	 * holding its VFIO group), described into buf; release refuses then. */
	int (*users)(struct srp_host *host, const struct srp_dev *vf, char *buf, size_t len,
		     struct srp_err *err);
	/* 0 if vf is held by this backend as the ledger says; -errno with a
	 * reason if not (audit's drift check). */
	int (*status)(struct srp_backend *be, const struct srp_dev *vf, struct srp_err *err);
	/* Optional: hot-plug a prepared VF into the running domain a->domain,
	 * and take it out again. */
	int (*attach)(struct srp_backend *be, const struct srp_dev *vf,
		      const struct srp_assignment *a, struct srp_err *err);
	int (*detach)(struct srp_backend *be, const struct srp_dev *vf,
		      const struct srp_assignment *a, struct srp_err *err);
	/* Pure: the guest configuration that gives a prepared VF to a domain
	 * (a QEMU -device, an xl.cfg pci= item) into buf; returns the length
	 * it needs, as snprintf does, or -EINVAL. */
	int (*launch)(const struct srp_dev *vf, const struct srp_assignment *a, char *buf,
		      size_t len);
};

/* An open backend. */
struct srp_backend {
	const struct srp_backend_ops *ops;
	struct srp_host *host;
	void *data;			/* the backend's own */
};

/* The table: kvm.c and xen.c define these. */
extern const struct srp_backend_ops srp_backend_kvm;
extern const struct srp_backend_ops srp_backend_xen;

/* The host's table: the built-in one, or the one tests put in host. */
const struct srp_backend_ops *const *srp_host_backends(const struct srp_host *host, size_t *ret_n);
/* By name in the host's table; NULL if unknown.  "auto": the first that detects. */
const struct srp_backend_ops *srp_backend_find(struct srp_host *host, const char *name);
/* By name in the built-in table; NULL if unknown ("auto" is not a name):
 * what the configuration resolves its names against. */
const struct srp_backend_ops *srp_backend_lookup(const char *name);
/* The built-in table, for listing. */
const struct srp_backend_ops *const *srp_backends(size_t *ret_n);

/* Open the backend called name ("auto" too): -ENOENT names what is known. */
int srp_backend_open(struct srp_host *host, const char *name, struct srp_backend **ret,
		     struct srp_err *err);
void srp_backend_close(struct srp_backend *be);

/* The core's two halves of the contract above. */
int srp_backend_prepare(struct srp_backend *be, const struct srp_dev *vf,
			const struct srp_assignment *a, struct srp_err *err);
int srp_backend_unprepare(struct srp_backend *be, const struct srp_dev *vf,
			  const struct srp_assignment *a, struct srp_err *err);

/* The driver prepare binds ("vfio-pci"). */
const char *srp_backend_stub(const struct srp_backend *be);
/* The users of vf as backend ops sees them (0 if it cannot tell). */
int srp_backend_users(const struct srp_backend_ops *ops, struct srp_host *host,
		      const struct srp_dev *vf, char *buf, size_t len, struct srp_err *err);
/* driver is a stub driver of some backend of host: the device is held
 * for a guest (or for no one), not used by the host. */
bool srp_backend_is_stub(const struct srp_host *host, const char *driver);

#endif
