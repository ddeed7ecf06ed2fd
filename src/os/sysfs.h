/* SPDX-License-Identifier: MIT */
/* srpass -- typed sysfs reads: the only module that knows sysfs text formats */
#ifndef SRP_SYSFS_H
#define SRP_SYSFS_H

#include <stddef.h>

#include "srpass/bdf.h"

struct srp_sys;
struct srp_err;

/* Attribute values longer than this are malformed (sysfs pages are 4 KiB,
 * but no attribute srpass reads comes close). */
#define SRP_SYSFS_MAX 256

/* "/sys/bus/pci/devices/<bdf>/<attr>" (attr may be NULL or ""). */
int srp_sysfs_dev_path(char *buf, size_t len, const struct srp_bdf *dev, const char *attr);

/*
 * srp_sysfs_read_str - read a one-line text attribute into buf.
 * The trailing newline is dropped.  Oversized values, embedded NULs and
 * control characters are -EINVAL; an absent file is -ENOENT.  Every
 * failure names the file in err; a caller to whom an absent attribute
 * is an answer asks srp_sysfs_absent().
 */
int srp_sysfs_read_str(const struct srp_sys *sys, const char *path, char *buf, size_t len,
		       struct srp_err *err);

/* 1 if r says the attribute is absent (-ENOENT); its message is then
 * dropped from err, since "not there" is an answer, not a failure. */
int srp_sysfs_absent(int r, struct srp_err *err);

/* An unsigned value (base 0: decimal or 0x hex; base 16: hex with or
 * without 0x) no greater than max. */
int srp_sysfs_read_ulong(const struct srp_sys *sys, const char *path, int base,
			 unsigned long max, unsigned long *ret_val, struct srp_err *err);
int srp_sysfs_read_long(const struct srp_sys *sys, const char *path, long min, long max,
			long *ret_val, struct srp_err *err);

/*
 * srp_sysfs_link_name - the last component of the symlink at path
 * ("driver" -> "i40e").  -ENOENT if there is no link; a regular file or
 * an empty target is -EINVAL.
 */
int srp_sysfs_link_name(const struct srp_sys *sys, const char *path, char *buf, size_t len,
			struct srp_err *err);

/* Parse a sysfs link target's last component as a PCI address. */
int srp_sysfs_link_bdf(const struct srp_sys *sys, const char *path, struct srp_bdf *ret,
		       struct srp_err *err);

/* Write v to attribute attr of dev; err names the file (and, for
 * sriov_numvfs, the kernel's usual reasons). */
int srp_sysfs_dev_write_uint(const struct srp_sys *sys, const struct srp_bdf *dev,
			     const char *attr, unsigned int v, struct srp_err *err);
/* sriov_numvfs of pf, and setting it from -> to (through 0, as the kernel
 * requires between two non-zero counts). */
int srp_sysfs_numvfs_read(const struct srp_sys *sys, const struct srp_bdf *pf, unsigned int *ret,
			  struct srp_err *err);
int srp_sysfs_numvfs_set(const struct srp_sys *sys, const struct srp_bdf *pf, unsigned int from,
			 unsigned int to, struct srp_err *err);

#endif
