/* SPDX-License-Identifier: MIT */
/* srpass -- the host handle's insides, for the core and backends */
#ifndef SRP_HOST_H
#define SRP_HOST_H

#include "srpass/host.h"
#include "sys.h"

struct srp_backend_ops;

struct srp_host {
	struct srp_sys sys;		/* the seam; tests may swap sys.ops */
	/* The backends to choose from; NULL: the built-in table (tests put
	 * a mock backend here). */
	const struct srp_backend_ops *const *backends;
	size_t n_backends;
	/* From [global] of the configuration, or the defaults. */
	char state_dir[256];		/* the ledger's directory */
	unsigned int bind_timeout_ms;	/* how long a probe may take */
};

#endif
