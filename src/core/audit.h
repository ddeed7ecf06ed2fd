/* SPDX-License-Identifier: MIT */
/* srpass -- the isolation audit: every problem, with evidence and a remedy */
#ifndef SRP_AUDIT_H
#define SRP_AUDIT_H

#include <stddef.h>

#include "srpass/audit.h"

struct srp_host;
struct srp_config;
struct srp_inventory;
struct srp_ledger;
struct srp_switch;
struct srp_err;

/*
 * srp_audit - check the host against isolation rules and the tenants'
 * policy: IOMMU and interrupt remapping, IOMMU groups of assigned VFs,
 * ACS above PFs, every VF's switch state, VLAN and MAC sharing, switch
 * mode, dedicated PFs, and the ledger against the host (orphans, drift,
 * interrupted operations).  sw may be NULL (no switch checks).
 * Reads only.  Findings are sorted by severity, most severe first.
 */
int srp_audit(struct srp_host *host, const struct srp_config *cfg,
	      const struct srp_inventory *inv, const struct srp_ledger *l,
	      struct srp_switch *sw, struct srp_findings *ret, struct srp_err *err);

#endif
