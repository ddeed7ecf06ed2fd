/* SPDX-License-Identifier: MIT */
/* srpass -- the host handle */
#include "host.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "bind.h"
#include "ledger.h"
#include "simkernel.h"
#include "srpass/err.h"

int srp_host_open(const char *root, struct srp_host **ret, struct srp_err *err)
{
	struct srp_host *host;
	int r;

	host = calloc(1, sizeof(*host));
	if (host == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	host->sys.rootfd = -1;
	snprintf(host->state_dir, sizeof(host->state_dir), "%s", SRP_STATE_DIR);
	host->bind_timeout_ms = SRP_BIND_TIMEOUT_MS;
	r = srp_sys_open(&host->sys, root, err);
	if (r < 0) {
		free(host);
		return r;
	}
	/* a simulated host (demo, tests) gets the simulated kernel's side effects */
	r = srp_simkernel_attach(&host->sys, err);
	if (r < 0) {
		srp_sys_close(&host->sys);
		free(host);
		return r;
	}
	*ret = host;
	return 0;
}

void srp_host_close(struct srp_host *host)
{
	if (host == NULL)
		return;
	srp_simkernel_detach(&host->sys);
	srp_sys_close(&host->sys);
	free(host);
}

const char *srp_host_root(const struct srp_host *host)
{
	return host->sys.root;
}
