/* SPDX-License-Identifier: MIT */
/* srpass -- the isolation audit: every problem, with evidence and a remedy */
#ifndef SRP_AUDIT_H
#define SRP_AUDIT_H

#include <stddef.h>

struct srp_host;
struct srp_config;
struct srp_inventory;
struct srp_ledger;
struct srp_switch;
struct srp_err;

enum srp_severity { SRP_SEV_INFO, SRP_SEV_WARNING, SRP_SEV_CRITICAL };

struct srp_finding {
	const char *id;			/* stable, see docs/audit.md */
	enum srp_severity severity;
	const char *subject_kind;	/* "host", "pf", "vf", "tenant" */
	char subject[40];		/* "host", an address or a tenant */
	char tenant[72];		/* tenant(s) concerned, "" for none */
	char message[256];
	char evidence[320];		/* the file or attribute read */
	char remedy[256];
};

struct srp_findings {
	struct srp_finding *items;
	size_t n, cap;
	int oom;
};

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
void srp_findings_free(struct srp_findings *f);
const char *srp_severity_name(enum srp_severity s);

#endif
