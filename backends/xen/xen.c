/* SPDX-License-Identifier: MIT */
/* srpass -- the Xen backend's place in the table, until libxl drives it (README.md) */
#include <errno.h>
#include <stddef.h>

#include "core/backend.h"
#include "srpass/err.h"
#include "srpass/inventory.h"

/*
 * Xen is a backend srpass knows by name (the configuration and the ledger
 * may say "xen") but cannot drive yet: it never detects, and every change
 * is refused with the reason.  Its stub driver and readiness check are
 * declared here, so that the core need not spell them.
 */
static int xen_detect(struct srp_host *host)
{
	(void)host;
	return 0;
}

static int xen_unwritten(const struct srp_dev *vf, struct srp_err *err)
{
	return srp_err_set(err, -EOPNOTSUPP, "%s: this srpass has no Xen backend yet "
			   "(backends/xen/README.md)", vf->name);
}

static int xen_assign(struct srp_host *host, const struct srp_dev *vf,
		      const struct srp_assignment *a, struct srp_err *err)
{
	(void)host;
	(void)a;
	return xen_unwritten(vf, err);
}

static int xen_status(struct srp_host *host, const struct srp_dev *vf, struct srp_err *err)
{
	(void)host;
	return xen_unwritten(vf, err);
}

const struct srp_backend_ops srp_backend_xen = {
	.name = "xen",
	.help = "Xen: VFs held by pciback through libxl (not yet)",
	.stub_driver = "pciback",
	.detect = xen_detect,
	.assign = xen_assign,
	.release = xen_assign,
	.status = xen_status,
};
