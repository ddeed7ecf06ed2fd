/* SPDX-License-Identifier: MIT */
/* srpass -- the host handle */
#include "core/host.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/platform.h"
#include "os/bind.h"
#include "srpass/err.h"
#include "switch/vfswitch.h"

static int kernel_switch_open(struct srp_sys *sys, struct srp_switch **ret, struct srp_err *err)
{
	return srp_switch_nl_new(sys, NULL, ret, err);
}

const struct srp_platform srp_platform_kernel = {
	.name = "kernel",
	.switch_open = kernel_switch_open,
};

int srp_host_open_opts(const struct srp_host_opts *opts, struct srp_host **ret,
		       struct srp_err *err)
{
	const struct srp_platform *platform = opts->platform ? opts->platform : &srp_platform_kernel;
	struct srp_host *host;
	int r;

	host = calloc(1, sizeof(*host));
	if (host == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	host->sys.rootfd = -1;
	host->platform = platform;
	host->lock_wait_ms = opts->lock_wait_ms ? opts->lock_wait_ms : SRP_LOCK_WAIT_MS;
	snprintf(host->state_dir, sizeof(host->state_dir), "%s", SRP_STATE_DIR);
	host->bind_timeout_ms = SRP_BIND_TIMEOUT_MS;
	r = srp_sys_open(&host->sys, opts->root ? opts->root : "/", err);
	if (r < 0) {
		free(host);
		return r;
	}
	r = platform->attach ? platform->attach(&host->sys, err) : 0;
	if (r < 0) {
		srp_sys_close(&host->sys);
		free(host);
		return r;
	}
	*ret = host;
	return 0;
}

int srp_host_open(const char *root, struct srp_host **ret, struct srp_err *err)
{
	struct srp_host_opts opts = { .root = root };

	return srp_host_open_opts(&opts, ret, err);
}

void srp_host_close(struct srp_host *host)
{
	if (host == NULL)
		return;
	if (host->platform->detach)
		host->platform->detach(&host->sys);
	srp_sys_close(&host->sys);
	free(host);
}

const char *srp_host_root(const struct srp_host *host)
{
	return host->sys.root;
}

int srp_host_switch_open(struct srp_host *host, struct srp_switch **ret, struct srp_err *err)
{
	return host->platform->switch_open(&host->sys, ret, err);
}
