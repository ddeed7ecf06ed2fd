/* SPDX-License-Identifier: MIT */
/* srpass -- the guest process of a VF (`srpass run`): recorded, and alive or gone */
#ifndef SRP_GUEST_H
#define SRP_GUEST_H

#include <stddef.h>

#include "srpass/bdf.h"

struct srp_assignment;
struct srp_err;
struct srp_host;
struct srp_sys;

/*
 * `srpass run` records in the ledger, for each VF it assigned, the pid
 * of the guest process and its start time (/proc/PID/stat field 22),
 * both read under the host root.  The pair names one process for the
 * life of the host: a pid that comes back for a later process has a
 * later start time.  recover releases the VFs whose guest is gone, and
 * audit reports them (SRP-LEDGER-004).
 */
enum srp_guest_state {
	SRP_GUEST_NONE,		/* no guest recorded (assign, older ledgers) */
	SRP_GUEST_ALIVE,	/* the recorded process runs */
	SRP_GUEST_GONE,		/* no such pid, a zombie, or another process */
	SRP_GUEST_UNKNOWN,	/* /proc/PID/stat could not be read: keep the VF */
};

/* The state (field 3) and start time (field 22) of a /proc/PID/stat
 * text (NUL-terminated); the command name (field 2) may hold anything,
 * ')' and spaces included.  0, or -EINVAL for a text that is not one. */
int srp_guest_parse_stat(const char *text, char *ret_state, unsigned long long *ret_start);

/*
 * srp_guest_decide - pure: what a's recorded guest is, given how reading
 * its /proc/PID/stat went: rd 0 (then state and start are the parsed
 * fields), -ENOENT or -ESRCH (no such process), or another -errno
 * (unknown: never a reason to release).  A zombie ('Z') or dead ('X')
 * process is gone, and so is a process that started at another time
 * (the pid was reused).
 */
enum srp_guest_state srp_guest_decide(const struct srp_assignment *a, int rd, char state,
				      unsigned long long start);

/* pid's state and start time from /proc/PID/stat under the host root:
 * 0, -ENOENT (no such process) or -errno with err set. */
int srp_guest_read(const struct srp_sys *sys, int pid, char *ret_state,
		   unsigned long long *ret_start, struct srp_err *err);

/* srp_guest_decide() on the host; why (len bytes) says what was found,
 * for recover's log and audit's evidence. */
enum srp_guest_state srp_guest_state(const struct srp_sys *sys, const struct srp_assignment *a,
				     char *why, size_t len);

/* Record (pid > 0) or forget (pid 0) the guest of the n VFs in the
 * ledger, in one transaction.  Every VF must be assigned. */
int srp_guest_record(struct srp_host *host, const struct srp_bdf *vfs, size_t n, int pid,
		     unsigned long long start, struct srp_err *err);

#endif
