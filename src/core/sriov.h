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
 * the way, so this is refused while any VF of pf is assigned.
 * autoprobe_off writes sriov_drivers_autoprobe=0 first, so new VFs stay
 * driverless (no host netdev, nothing for NetworkManager to touch).  On
 * failure numvfs and autoprobe are put back.
 */
int srp_sriov_set(struct srp_host *host, const struct srp_bdf *pf, unsigned int n,
		  int autoprobe_off, int dry_run, const struct srp_plan *plan, struct srp_err *err);

#endif
