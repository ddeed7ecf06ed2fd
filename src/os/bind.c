/* SPDX-License-Identifier: MIT */
/* srpass -- driver_override, unbind, drivers_probe, and their undo */
#include "os/bind.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "srpass/err.h"
#include "os/sys.h"
#include "os/sysfs.h"

/*
 * The sequence libvirt, driverctl and the kernel's own documentation
 * use: set driver_override, unbind from the current driver, ask the bus
 * to probe.  Only driver_override is per device; new_id would grab
 * every device with that vendor:device, so srpass never writes it.
 */

int srp_bind_current(const struct srp_sys *sys, const struct srp_bdf *dev, char *buf,
		     size_t len, struct srp_err *err)
{
	char path[PATH_MAX];
	int r;

	if (srp_sysfs_dev_path(path, sizeof(path), dev, "driver") < 0)
		return srp_err_set(err, -ENAMETOOLONG, "path too long");
	r = srp_sysfs_link_name(sys, path, buf, len, err);
	if (srp_sysfs_absent(r, err)) {
		buf[0] = '\0';
		return 0;
	}
	return r;
}

static int set_override(const struct srp_sys *sys, const struct srp_bdf *dev, const char *drv,
			struct srp_err *err)
{
	char path[PATH_MAX];
	int r;

	if (srp_sysfs_dev_path(path, sizeof(path), dev, "driver_override") < 0)
		return srp_err_set(err, -ENAMETOOLONG, "path too long");
	/* "\n" clears it: the kernel stores NULL for an empty value */
	r = srp_sys_write_str(sys, path, drv ? drv : "\n");
	if (r < 0)
		return srp_err_set(err, r, "cannot write '%s' to '%s'", drv ? drv : "", path);
	return 0;
}

static int unbind(const struct srp_sys *sys, const struct srp_bdf *dev, struct srp_err *err)
{
	char path[PATH_MAX], name[SRP_BDF_STRLEN];
	int r;

	srp_bdf_format(dev, name);
	if (srp_sysfs_dev_path(path, sizeof(path), dev, "driver/unbind") < 0)
		return srp_err_set(err, -ENAMETOOLONG, "path too long");
	r = srp_sys_write_str(sys, path, name);
	if (r < 0)
		return srp_err_set(err, r, "cannot unbind %s ('%s')", name, path);
	return 0;
}

static int probe(const struct srp_sys *sys, const struct srp_bdf *dev, struct srp_err *err)
{
	char name[SRP_BDF_STRLEN];
	int r;

	srp_bdf_format(dev, name);
	r = srp_sys_write_str(sys, "/sys/bus/pci/drivers_probe", name);
	if (r < 0)
		return srp_err_set(err, r, "cannot probe %s ('/sys/bus/pci/drivers_probe')", name);
	return 0;
}

/* Poll until the driver link names want ("" = unbound). */
static int wait_bound(const struct srp_sys *sys, const struct srp_bdf *dev, const char *want,
		      unsigned int timeout_ms, struct srp_err *err)
{
	char cur[256], name[SRP_BDF_STRLEN];
	unsigned int waited = 0, step = 10;
	int r;

	for (;;) {
		r = srp_bind_current(sys, dev, cur, sizeof(cur), err);
		if (r < 0)
			return r;
		if (strcmp(cur, want) == 0)
			return 0;
		if (waited >= timeout_ms)
			break;
		sys->ops->sleep_ms(sys, step);
		waited += step;
		if (step < 200)
			step *= 2;
	}
	srp_bdf_format(dev, name);
	return srp_err_set(err, -ETIMEDOUT, "%s did not bind to '%s' within %u ms (driver: %s)",
			   name, want, timeout_ms, cur[0] ? cur : "none");
}

int srp_bind_restore(const struct srp_sys *sys, const struct srp_bdf *dev,
		     const char *orig_driver, const char *orig_override, unsigned int timeout_ms,
		     struct srp_err *err)
{
	char cur[256];
	int r;

	if (timeout_ms == 0)
		timeout_ms = SRP_BIND_TIMEOUT_MS;
	r = srp_bind_current(sys, dev, cur, sizeof(cur), err);
	if (r < 0)
		return r;
	if (orig_driver == NULL || strcmp(cur, orig_driver) != 0) {
		if (cur[0] != '\0') {
			r = unbind(sys, dev, err);
			if (r < 0)
				return r;
		}
		if (orig_driver != NULL) {
			/* pin the probe to the recorded driver, not whatever matches first */
			r = set_override(sys, dev, orig_driver, err);
			if (r == 0)
				r = probe(sys, dev, err);
			if (r == 0)
				r = wait_bound(sys, dev, orig_driver, timeout_ms, err);
			if (r < 0)
				return r;
		}
	}
	return set_override(sys, dev, orig_override, err);
}

/* A driver that is not loaded would leave the probe to time out. */
static int driver_loaded(const struct srp_sys *sys, const char *driver, struct srp_err *err)
{
	char path[PATH_MAX];
	mode_t mode;
	int r;

	if (snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s", driver) >= (int)sizeof(path))
		return srp_err_set(err, -ENAMETOOLONG, "path too long");
	r = srp_sys_lstat(sys, path, &mode);
	if (r == 0 && S_ISDIR(mode))
		return 0;
	return srp_err_refuse(err, -ENODEV, "driver '%s' is not loaded ('%s' is %s; modprobe %s)",
			      driver, path, r == -ENOENT ? "missing" : "not a directory", driver);
}

int srp_bind_to(const struct srp_sys *sys, const struct srp_bdf *dev, const char *driver,
		const char *orig_driver, const char *orig_override, unsigned int timeout_ms,
		struct srp_err *err)
{
	int r;

	if (timeout_ms == 0)
		timeout_ms = SRP_BIND_TIMEOUT_MS;
	r = driver_loaded(sys, driver, err);
	if (r < 0)
		return r;
	r = set_override(sys, dev, driver, err);
	if (r < 0)
		return r;
	if (orig_driver != NULL) {
		r = unbind(sys, dev, err);
		if (r < 0)
			goto undo;
	}
	r = probe(sys, dev, err);
	if (r == 0)
		r = wait_bound(sys, dev, driver, timeout_ms, err);
	if (r == 0)
		return 0;
undo: {
	/* the first error stays in err; the undo speaks only if it fails too */
	struct srp_err undo = { 0 };

	if (srp_bind_restore(sys, dev, orig_driver, orig_override, timeout_ms, &undo) < 0)
		srp_err_prefix(err, "[undo failed too: %s] ", undo.msg);
	return r;
	}
}
