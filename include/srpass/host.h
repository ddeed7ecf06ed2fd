/* SPDX-License-Identifier: MIT */
/* srpass -- a host handle: the root every host file is resolved under */
#ifndef SRPASS_HOST_H
#define SRPASS_HOST_H

#include "srpass/api.h"

struct srp_err;
struct srp_host;
struct srp_platform;

/* How to open a host; zero-initialise, then set what you need. */
struct srp_host_opts {
	const char *root;			/* NULL: "/" */
	/* NULL: the real kernel.  Tests and srpass-sim pass the simulated
	 * platform of tests/sim/; nothing is ever sniffed from the tree. */
	const struct srp_platform *platform;
	/* How long srp_assign() and friends wait for another srpass's lock
	 * on the ledger before failing with -EBUSY; 0: SRP_LOCK_WAIT_MS. */
	unsigned int lock_wait_ms;
};

#define SRP_LOCK_WAIT_MS	5000

/*
 * srp_host_open_opts - open the host under opts->root.  A missing root,
 * or one without /sys/bus/pci, is an error naming the path.  Free with
 * srp_host_close().  srp_host_open(root, ...) is the same with defaults.
 */
SRP_API int srp_host_open_opts(const struct srp_host_opts *opts, struct srp_host **ret,
			       struct srp_err *err);
SRP_API int srp_host_open(const char *root, struct srp_host **ret, struct srp_err *err);
SRP_API void srp_host_close(struct srp_host *host);
SRP_API const char *srp_host_root(const struct srp_host *host);

#endif
