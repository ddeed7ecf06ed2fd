/* SPDX-License-Identifier: MIT */
/* srpass -- the changes srpass makes to a host: all or nothing, under one lock */
#ifndef SRPASS_ASSIGN_H
#define SRPASS_ASSIGN_H

#include <stdint.h>

#include "srpass/api.h"
#include "srpass/bdf.h"

struct srp_config;
struct srp_err;
struct srp_host;

/* Where an operation tells its steps (a dry run's plan, recovery's log):
 * one line at a time, without newline.  A NULL plan hears nothing. */
struct srp_plan {
	void (*line)(void *ctx, const char *line);
	void *ctx;
};

struct srp_assign_req {
	struct srp_bdf vf;
	const char *tenant;
	const char *domain;
	const char *backend;		/* a backend's name, or "auto" */
	unsigned int vlan;		/* 0: the tenant's (policy chooses) */
	int has_mac;			/* 0: the policy chooses, or leaves it */
	uint8_t mac[6];
	int dry_run;			/* tell the plan, change nothing */
	int strict;			/* a VF already so assigned is an error */
};

/*
 * srp_assign - give a VF to a tenant's domain.  Under the ledger lock:
 * repair an interrupted operation, check the VF is free, ask the policy
 * (cfg), save the VF's driver and switch state with the intent, hand the
 * VF to the backend, program the PF's switch for it (MAC, VLAN, spoof
 * checking, trust, rate), then record the assignment.  Any failure undoes
 * every earlier step and the error names the step.  Returns 0, or 1 if
 * the VF already is assigned so (tenant, domain, backend, and the VLAN and
 * MAC asked for): nothing to do, unless req->strict makes that -EBUSY.
 */
SRP_API int srp_assign(struct srp_host *host, const struct srp_config *cfg,
		       const struct srp_assign_req *req, const struct srp_plan *plan,
		       struct srp_err *err);

/* srp_release - give the VF back: its switch state, original driver and
 * override, as they were before srp_assign().  flags: SRP_RELEASE_*.
 * Returns 0, or 1 if the ledger does not hold the VF (nothing to give
 * back), which SRP_RELEASE_STRICT makes -ENOENT.  A VF a process still
 * uses (the guest's QEMU holds its VFIO group) is -EBUSY naming it, unless
 * SRP_RELEASE_FORCE. */
#define SRP_RELEASE_DRY_RUN	1	/* tell the plan, change nothing */
#define SRP_RELEASE_STRICT	2
#define SRP_RELEASE_FORCE	4	/* even while a process uses the VF */
SRP_API int srp_release(struct srp_host *host, const struct srp_bdf *vf, int flags,
			const struct srp_plan *plan, struct srp_err *err);

/*
 * srp_recover - undo an operation a crash interrupted (assign, enable,
 * vf set are undone, release is finished).  Returns 1 if there was one,
 * 0 if the ledger was clean.  Every changing call runs it first itself.
 */
SRP_API int srp_recover(struct srp_host *host, const struct srp_plan *log, struct srp_err *err);

/*
 * srp_restore - after a reboot, bring the host back to what the ledger
 * records (the kernel forgot; the ledger did not): each recorded PF that
 * has no VFs gets its VF count (and sriov_drivers_autoprobe) again, then
 * every assigned VF goes to its backend with its switch settings.  Each
 * PF and VF is one line to plan, done or not and why; one that cannot be
 * restored is reported, never dropped from the ledger.  Returns 0 if all
 * were restored, else -errno with how many were not.
 */
SRP_API int srp_restore(struct srp_host *host, int dry_run, const struct srp_plan *plan,
			struct srp_err *err);

#endif
