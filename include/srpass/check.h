/* SPDX-License-Identifier: MIT */
/* srpass -- srpass check: is this host ready to give VFs to guests safely? */
#ifndef SRPASS_CHECK_H
#define SRPASS_CHECK_H

#include <stddef.h>

#include "srpass/api.h"

struct srp_err;
struct srp_host;

enum srp_status { SRP_PASS, SRP_WARN, SRP_FAIL };

struct srp_check {
	const char *id;			/* stable: "SRP-CHK-IOMMU", ... */
	enum srp_status status;
	char subject[32];		/* "host", or a device address */
	char message[256];
	char evidence[160];		/* the file or register read */
	char remedy[256];		/* empty on pass */
};

struct srp_checks {
	struct srp_check *items;
	size_t n, cap;
};

/*
 * srp_check_host - every readiness check on host (IOMMU, interrupt
 * remapping, ACS above each PF, ARI, SR-IOV adapters, each backend's
 * drivers), each with a stable id, evidence and a remedy.  -errno only if
 * the host cannot be read at all.  Free with srp_checks_free().
 */
SRP_API int srp_check_host(struct srp_host *host, struct srp_checks *ret, struct srp_err *err);
SRP_API void srp_checks_free(struct srp_checks *checks);
SRP_API const char *srp_status_name(enum srp_status s);

#endif
