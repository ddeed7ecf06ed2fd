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

#endif
