/* SPDX-License-Identifier: MIT */
/* srpass tests -- the simulated platform: simulated kernel + simulated switch */
#ifndef SRP_SIM_PLATFORM_H
#define SRP_SIM_PLATFORM_H

#include "core/platform.h"

struct srp_host;

/*
 * srp_platform_sim - for the tests, the demo and srpass-sim: on a tree
 * with SRP_SIMKERNEL_DIR the simulated kernel answers sysfs writes and
 * VFIO ioctls, and the switch lives in files under that directory.  A
 * tree without it is read as it is, and has no switch (-ENODEV).
 */
extern const struct srp_platform srp_platform_sim;

/* The simulated switch, whatever the tree holds (docs/switch.md). */
int srp_switch_sim_new(struct srp_sys *sys, struct srp_switch **ret, struct srp_err *err);

/* srp_host_open() on the simulated platform. */
int srp_sim_host_open(const char *root, struct srp_host **ret, struct srp_err *err);

#endif
