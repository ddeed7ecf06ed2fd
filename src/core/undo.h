/* SPDX-License-Identifier: MIT */
/* srpass -- putting a VF or PF back as a ledger record says it was */
#ifndef SRP_UNDO_H
#define SRP_UNDO_H

struct json_object;
struct srp_assignment;
struct srp_dev;
struct srp_err;
struct srp_host;
struct srp_inventory;
struct srp_pending;
struct srp_switch;

/*
 * The same code undoes a failed step and repairs a crash: the callers
 * are assign.c, sriov.c and vfset.c (their own rollback) and the undo
 * table of txn.c (a pending intent).  Each works from any state between
 * the record and the finished change.
 */

/* The switch of vf's PF; *ret_pf is NULL when the PF has no netdev
 * (then there is nothing to program or restore, and *ret is NULL). */
int srp_vf_switch_open(struct srp_host *host, const struct srp_dev *vf, struct srp_switch **ret,
		       const char **ret_pf, struct srp_err *err);

/* The switch state saved (srp_vf_state_to_json) back on vf; NULL: none saved. */
int srp_undo_switch(struct srp_host *host, const struct srp_dev *vf,
		    const struct json_object *saved, struct srp_err *err);

/* A VF back to what a recorded: switch state first (while no host
 * network driver holds it), then the backend gives it back. */
int srp_undo_vf(struct srp_host *host, const struct srp_inventory *inv,
		const struct srp_assignment *a, struct srp_err *err);

/* sriov_numvfs and sriov_drivers_autoprobe back to p's old values. */
int srp_undo_numvfs(struct srp_host *host, const struct srp_pending *p, struct srp_err *err);

/* A `vf set` undone: the VF's switch state back to p->before. */
int srp_undo_vfset(struct srp_host *host, const struct srp_pending *p, struct srp_err *err);

#endif
