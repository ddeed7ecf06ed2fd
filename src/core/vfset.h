/* SPDX-License-Identifier: MIT */
/* srpass -- `vf set`: one VF's switch settings, under the tenant's policy */
#ifndef SRP_VFSET_H
#define SRP_VFSET_H

#include "srpass/assign.h"
#include "srpass/bdf.h"

struct srp_config;
struct srp_err;
struct srp_host;
struct srp_vf_change;

struct srp_vf_set_req {
	struct srp_bdf vf;
	const struct srp_vf_change *change;	/* parsed: srp_vf_change_parse() */
	int force;		/* apply what the policy refuses; the ledger records it */
	int dry_run;		/* tell the plan, change nothing */
};

/*
 * srp_vf_set - change VF req->vf's settings in its PF's switch, as a
 * transaction: repair an interrupted operation; if the ledger assigns the
 * VF, ask the tenant's policy about the settings the VF would have (its
 * assignment's, with req->change on top) and refuse with every rule that
 * forbids them (-EPERM), unless req->force; write the intent (the VF's
 * state now); apply with undo on failure; record the new settings (and
 * what was forced) with the assignment.  The plan hears each step.
 */
int srp_vf_set(struct srp_host *host, const struct srp_config *cfg,
	       const struct srp_vf_set_req *req, const struct srp_plan *plan, struct srp_err *err);

#endif
