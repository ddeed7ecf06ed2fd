/* SPDX-License-Identifier: MIT */
/* srpass -- assign, release, recover: the host changes, all-or-nothing */
#ifndef SRP_ASSIGN_H
#define SRP_ASSIGN_H

#include <stdio.h>

#include "srpass/bdf.h"

#include <stdint.h>

struct srp_host;
struct srp_err;
struct srp_config;
struct srp_ledger;

struct srp_assign_req {
	struct srp_bdf vf;
	const char *tenant;
	const char *domain;
	const char *backend;		/* "kvm", or "auto" */
	unsigned int vlan;		/* 0: the tenant's (policy chooses) */
	int has_mac;			/* 0: the policy chooses, or leaves it */
	uint8_t mac[6];
	int dry_run;			/* print the plan to plan, change nothing */
};

/*
 * srp_assign - give a VF to a tenant's domain.  Under the ledger lock:
 * repair an interrupted operation, check the VF is free, ask the policy
 * (cfg), save the VF's driver and switch state with the intent, move the
 * VF to the backend's stub driver and verify it, program the PF's switch
 * for it (MAC, VLAN, spoof checking, trust, rate), then record the
 * assignment.  Any failure undoes every earlier step and the
 * error names the step.  plan (may be NULL) receives one line per step.
 */
int srp_assign(struct srp_host *host, const struct srp_config *cfg,
	       const struct srp_assign_req *req, FILE *plan, struct srp_err *err);

/* srp_release - give the VF back: its original driver and override. */
int srp_release(struct srp_host *host, const struct srp_bdf *vf, int dry_run, FILE *plan,
		struct srp_err *err);

/*
 * srp_recover - finish or undo an operation a crash interrupted (assign
 * is undone, release is finished).  Returns 1 if there was one, 0 if
 * the ledger was clean.  Mutating commands run it first themselves.
 */
int srp_recover(struct srp_host *host, FILE *log, struct srp_err *err);

/* The same for a caller that already holds the ledger l (its lock):
 * 1 if an operation was repaired, 0 if none was pending. */
int srp_repair(struct srp_host *host, struct srp_ledger *l, FILE *log, struct srp_err *err);

/*
 * srp_restore - after a reboot, hand every VF in the ledger to its
 * backend again (the kernel forgot; the ledger did not).  VFs that are
 * gone are reported, not dropped.  Returns 0 if all were restored.
 */
int srp_restore(struct srp_host *host, FILE *log, struct srp_err *err);

#endif
