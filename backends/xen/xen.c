/* SPDX-License-Identifier: MIT */
/* srpass -- the Xen backend's place in the table, until libxl drives it (README.md) */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/backend.h"
#include "os/sys.h"
#include "os/sysfs.h"
#include "core/host.h"
#include "srpass/err.h"
#include "srpass/inventory.h"

/*
 * Xen is a backend srpass knows by name (the configuration and the ledger
 * may say "xen") but cannot drive yet: it never detects, and every change
 * is refused with the reason.  Its stub driver and readiness check are
 * declared here, so that the core need not spell them.
 */

/*
 * A Xen dom0 has /proc/xen.  So does a domU, so when xenfs is mounted
 * there its capabilities decide: "control_d" only in dom0.  Without
 * xenfs mounted there is no telling; assume dom0 and check.
 */
static int xen_dom0(struct srp_host *host)
{
	char caps[64];
	mode_t mode;
	int r;

	if (srp_sys_lstat(&host->sys, "/proc/xen", &mode) < 0 || !S_ISDIR(mode))
		return 0;
	r = srp_sysfs_read_str(&host->sys, "/proc/xen/capabilities", caps, sizeof(caps), NULL);
	if (r == -ENOENT)
		return 1;
	return r == 0 && strstr(caps, "control_d") != NULL;
}

static int xen_detect(struct srp_host *host)
{
	(void)host;
	return 0;	/* not until libxl drives it */
}

static int xen_unwritten(const struct srp_dev *vf, struct srp_err *err)
{
	return srp_err_set(err, -EOPNOTSUPP, "%s: this srpass has no Xen backend yet "
			   "(backends/xen/README.md)", vf->name);
}

static int xen_prepare(struct srp_backend *be, const struct srp_dev *vf,
		       const struct srp_assignment *a, struct srp_err *err)
{
	(void)be;
	(void)a;
	return xen_unwritten(vf, err);
}

static int xen_status(struct srp_backend *be, const struct srp_dev *vf, struct srp_err *err)
{
	(void)be;
	return xen_unwritten(vf, err);
}

/* xl.cfg's side: one item of pci=[...] */
static int xen_launch(const struct srp_dev *vf, const struct srp_assignment *a, char *buf,
		      size_t len)
{
	(void)a;
	return snprintf(buf, len, "'%s'", vf->name);
}

static const char *const xen_stubs[] = { "pciback", NULL };

static const struct srp_backend_check xen_checks[] = {
	{ "SRP-CHK-PCIBACK", "pciback", true, "modprobe xen-pciback", xen_dom0 },
};

const struct srp_backend_ops srp_backend_xen = {
	.name = "xen",
	.help = "Xen: VFs held by pciback through libxl (not yet)",
	.flags = SRP_BACKEND_REBINDS,
	.stub_drivers = xen_stubs,
	.checks = xen_checks,
	.n_checks = sizeof(xen_checks) / sizeof(xen_checks[0]),
	.detect = xen_detect,
	.prepare = xen_prepare,
	.unprepare = xen_prepare,
	.status = xen_status,
	.launch = xen_launch,
};
