/* SPDX-License-Identifier: MIT */
/* srpass -- a platform: the kernel srpass talks to, chosen when a host is opened */
#ifndef SRP_PLATFORM_H
#define SRP_PLATFORM_H

struct srp_err;
struct srp_switch;
struct srp_sys;

/*
 * The real machine is srp_platform_kernel: the seam as srp_sys_open()
 * makes it and the adapter switch over rtnetlink and devlink.  The tests
 * and srpass-sim bring their own (tests/sim/): a simulated kernel stacked
 * over the seam and a switch kept in files.  Nothing in src/ looks at the
 * host tree to decide which platform it is on.
 */
struct srp_platform {
	const char *name;
	/* Stack the platform's kernel over a freshly opened seam; NULL: none.
	 * Returns >= 0 on success. */
	int (*attach)(struct srp_sys *sys, struct srp_err *err);
	void (*detach)(struct srp_sys *sys);
	/* The host's adapter switch; sys is borrowed and outlives it. */
	int (*switch_open)(struct srp_sys *sys, struct srp_switch **ret, struct srp_err *err);
};

extern const struct srp_platform srp_platform_kernel;

#endif
