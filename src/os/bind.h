/* SPDX-License-Identifier: MIT */
/* srpass -- moving a PCI function between drivers through sysfs */
#ifndef SRP_BIND_H
#define SRP_BIND_H

#include "srpass/bdf.h"

struct srp_sys;
struct srp_err;

/* How long to wait for a probe to bind (the kernel probes synchronously
 * on drivers_probe, but a driver may defer). */
#define SRP_BIND_TIMEOUT_MS 5000

/* The bound driver's name into buf, or "" if none; -errno on a malformed tree. */
int srp_bind_current(const struct srp_sys *sys, const struct srp_bdf *dev, char *buf,
		     size_t len, struct srp_err *err);

/*
 * srp_bind_to - bind dev to driver with driver_override, unbind and
 * drivers_probe, then wait (up to timeout_ms; 0: SRP_BIND_TIMEOUT_MS)
 * until the driver link names driver.
 * Either it is done, or dev is back with its old driver and override
 * (as far as the kernel lets us; a failed undo is reported too).
 * orig_driver and orig_override describe dev now (NULL: none).
 */
int srp_bind_to(const struct srp_sys *sys, const struct srp_bdf *dev, const char *driver,
		const char *orig_driver, const char *orig_override, unsigned int timeout_ms,
		struct srp_err *err);

/*
 * srp_bind_restore - put dev back to orig_driver (NULL: leave it
 * unbound) and its driver_override to orig_override (NULL: cleared),
 * from whatever state it is in.  Idempotent: recovery calls it on
 * half-done operations.
 */
int srp_bind_restore(const struct srp_sys *sys, const struct srp_bdf *dev,
		     const char *orig_driver, const char *orig_override, unsigned int timeout_ms,
		     struct srp_err *err);

#endif
