/* SPDX-License-Identifier: MIT */
/* srpass -- srpass audit: every isolation problem on the host */
#ifndef SRPASS_AUDIT_H
#define SRPASS_AUDIT_H

#include <stddef.h>

#include "srpass/api.h"

struct srp_config;
struct srp_err;
struct srp_host;

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
 * srp_audit_host - audit host against cfg (srp_config_open()): its
 * IOMMU, the IOMMU groups, ACS, the PFs' switches, the ledger and the
 * tenants' policy.  Findings are sorted, worst first.  Free with
 * srp_findings_free().
 */
SRP_API int srp_audit_host(struct srp_host *host, const struct srp_config *cfg,
			   struct srp_findings *ret, struct srp_err *err);
SRP_API void srp_findings_free(struct srp_findings *f);
SRP_API const char *srp_severity_name(enum srp_severity s);

#endif
