/* SPDX-License-Identifier: MIT */
/* srpass -- who holds a file open: the fds of /proc under the host root */
#ifndef SRP_PROC_H
#define SRP_PROC_H

#include <stddef.h>

struct srp_sys;
struct srp_err;

/*
 * srp_proc_holders - the processes with an fd open on any of the n targets
 * (absolute paths as /proc/PID/fd/N's link reads them: "/dev/vfio/15",
 * "/dev/vfio/devices/vfio3"), srpass itself aside: their number, and
 * "4242 (qemu-system-x86)" for each, ", " between, into buf (cut with
 * "..." if it does not fit).  /proc is walked once, whatever n.  A root
 * without /proc has none.  A process that exits during the walk is
 * skipped; one whose fds cannot be read (hidepid) is an error, never
 * "nobody".  The fd links are read, never followed.
 */
int srp_proc_holders(const struct srp_sys *sys, const char *const *targets, size_t n,
		     char *buf, size_t len, struct srp_err *err);

#endif
