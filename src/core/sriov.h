/* SPDX-License-Identifier: MIT */
/* srpass -- creating and removing VFs (sriov_numvfs) */
#ifndef SRP_SRIOV_H
#define SRP_SRIOV_H

#include "srpass/assign.h"
#include "srpass/bdf.h"

struct srp_host;
struct srp_err;

/*
 * srp_sriov_set - give pf n VFs (0 removes them all).  The kernel only
 * accepts N -> 0 -> M, and destroys every VF and its switch settings on
 * the way, so a change of the count is refused (-EBUSY, naming them)
 * while the ledger assigns any VF of pf (naming each with its tenant and
 * domain) or a process holds one open (each VF with the pids and commands
 * of its holders: a guest's QEMU).  SRP_SRIOV_FORCE goes on anyway:
 * every assigned VF of pf is released first, as `release --force` does.
 * autoprobe_off writes sriov_drivers_autoprobe=0 first, so new VFs stay
 * driverless (no host netdev, nothing for NetworkManager to touch).  On
 * failure numvfs and autoprobe are put back.  Returns 1 if the PF (or
 * the ledger's record of it) changed, 0 if it was so already (or dry_run).
 */
#define SRP_SRIOV_DRY_RUN	1	/* tell the plan, change nothing */
#define SRP_SRIOV_FORCE		2	/* even with VFs assigned or in use */
int srp_sriov_set(struct srp_host *host, const struct srp_bdf *pf, unsigned int n,
		  int autoprobe_off, int flags, const struct srp_plan *plan, struct srp_err *err);

struct srp_dev;
struct srp_txn;
/*
 * srp_sriov_change - the change itself, inside transaction t (restore uses
 * it too): sriov_drivers_autoprobe to autoprobe (0 or 1; -1 leaves it),
 * then sriov_numvfs to n, with the intent on disk first and rolled back
 * on failure.  The ledger's record of the PF is the caller's.  Returns 1
 * if it changed something, 0 if there was nothing to do (or dry_run).
 */
int srp_sriov_change(struct srp_txn *t, const struct srp_dev *pf, unsigned int n, int autoprobe,
		     int dry_run, struct srp_err *err);

#endif
