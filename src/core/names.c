/* SPDX-License-Identifier: MIT */
/* srpass -- a PCI function by its address or by its network interface's name */
#include "core/names.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>

#include "core/host.h"
#include "os/sysfs.h"
#include "srpass/err.h"
#include "switch/vfswitch.h"

int srp_function_by_name(struct srp_host *host, const char *name, struct srp_bdf *ret,
			 struct srp_err *err)
{
	char path[PATH_MAX];
	int r;

	if (srp_bdf_parse(name, ret) == 0)
		return 0;
	if (!srp_vf_ifname_valid(name))
		return srp_err_input(err, -EINVAL, "'%s' is neither a PCI address (0000:03:10.1 or "
				     "03:10.1) nor a network interface name", name);
	snprintf(path, sizeof(path), "/sys/class/net/%s/device", name);
	r = srp_sysfs_link_bdf(&host->sys, path, ret, err);
	if (r == -ENOENT) {
		srp_err_clear(err);
		return srp_err_input(err, -ENODEV, "no network interface '%s' of a PCI function "
				     "('%s' is missing; a VF held for a guest has none: use its "
				     "PCI address)", name, path);
	}
	return r;
}

int srp_vf_of(struct srp_host *host, const struct srp_bdf *pf, unsigned int n,
	      struct srp_bdf *ret, struct srp_err *err)
{
	char attr[32], path[PATH_MAX], name[SRP_BDF_STRLEN];
	int r;

	snprintf(attr, sizeof(attr), "virtfn%u", n);
	if (srp_sysfs_dev_path(path, sizeof(path), pf, attr) < 0)
		return srp_err_set(err, -ENAMETOOLONG, "path too long");
	r = srp_sysfs_link_bdf(&host->sys, path, ret, err);
	if (r == -ENOENT) {
		srp_err_clear(err);
		return srp_err_input(err, -ENODEV, "PF %s has no VF %u ('%s' is missing)",
				     srp_bdf_format(pf, name), n, path);
	}
	return r;
}
