/* SPDX-License-Identifier: MIT */
/* srpass tests -- the simulated platform */
#include "sim/platform.h"

#include <errno.h>
#include <sys/stat.h>

#include "os/sys.h"
#include "sim/simkernel.h"
#include "srpass/err.h"
#include "srpass/host.h"

static int sim_switch_open(struct srp_sys *sys, struct srp_switch **ret, struct srp_err *err)
{
	mode_t mode;
	int r;

	r = srp_sys_lstat(sys, SRP_SIMKERNEL_DIR, &mode);
	if (r == -ENOENT)
		return srp_err_set(err, -ENODEV, "host root '%s' is not a simulated host: no '%s'",
				   sys->root, SRP_SIMKERNEL_DIR);
	if (r < 0)
		return srp_err_set(err, r, "cannot look at '%s' under host root '%s'",
				   SRP_SIMKERNEL_DIR, sys->root);
	if (!S_ISDIR(mode))
		return srp_err_set(err, -ENOTDIR, "'%s' under host root '%s' is not a directory",
				   SRP_SIMKERNEL_DIR, sys->root);
	return srp_switch_sim_new(sys, ret, err);
}

const struct srp_platform srp_platform_sim = {
	.name = "sim",
	.attach = srp_simkernel_attach,
	.detach = srp_simkernel_detach,
	.switch_open = sim_switch_open,
};

int srp_sim_host_open(const char *root, struct srp_host **ret, struct srp_err *err)
{
	struct srp_host_opts opts = { .root = root, .platform = &srp_platform_sim };

	return srp_host_open_opts(&opts, ret, err);
}
