/* SPDX-License-Identifier: MIT */
/* srpass -- assign, release (core/restore.c: restore; the API: srpass/assign.h) */
#ifndef SRP_ASSIGN_H
#define SRP_ASSIGN_H

#include "srpass/assign.h"

struct srp_assignment;
struct srp_dev;

/* Put vf back as the ledger's a says: on the backend's stub driver (from
 * wherever it is now) with the switch settings srpass applied.  Release's
 * way back, and restore's. */
int srp_reassign(struct srp_host *host, const struct srp_dev *vf, const struct srp_assignment *a,
		 struct srp_err *err);

/* srp_release() only if the VF's recorded guest is gone (decided under
 * the lock; otherwise 1, nothing done): what recover does for each. */
#define SRP_RELEASE_GONE_GUEST	0x100

/*
 * srp_release_gone_guests - release every VF whose recorded guest
 * process (`srpass run`) is gone (core/guest.h), keeping those of a guest
 * that runs or cannot be looked at, each one line to plan.  Returns how
 * many were released, or -errno for the first that could not be (the
 * others are still tried).
 */
int srp_release_gone_guests(struct srp_host *host, const struct srp_plan *plan,
			    struct srp_err *err);

#endif
