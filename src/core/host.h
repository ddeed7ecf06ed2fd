/* SPDX-License-Identifier: MIT */
/* srpass -- the host handle's insides, for the core and backends */
#ifndef SRP_HOST_H
#define SRP_HOST_H

#include "srpass/host.h"
#include "os/sys.h"

/* The ledger's directory until [global] state_dir says otherwise. */
#define SRP_STATE_DIR "/var/lib/srpass"

struct srp_backend_ops;
struct srp_platform;
struct srp_switch;

struct srp_host {
	struct srp_sys sys;		/* the seam; tests may swap sys.ops */
	const struct srp_platform *platform;	/* never NULL */
	unsigned int lock_wait_ms;	/* how long to wait for the ledger's lock */
	/* The backends to choose from; NULL: the built-in table (tests put
	 * a mock backend here). */
	const struct srp_backend_ops *const *backends;
	size_t n_backends;
	/* From [global] of the configuration, or the defaults. */
	char state_dir[256];		/* the ledger's directory */
	unsigned int bind_timeout_ms;	/* how long a probe may take */
};

/* The host's adapter switch, as its platform makes it.  Free with
 * srp_switch_close(). */
int srp_host_switch_open(struct srp_host *host, struct srp_switch **ret, struct srp_err *err);

#endif
