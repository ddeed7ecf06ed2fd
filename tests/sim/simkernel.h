/* SPDX-License-Identifier: MIT */
/* srpass -- a simulated kernel: the side effects of sysfs writes, on a fake tree */
#ifndef SRP_SIMKERNEL_H
#define SRP_SIMKERNEL_H

struct srp_sys;
struct srp_err;

/* The directory that marks a tree as a simulated host, and holds the
 * simulation's own state (docs/simulation.md describes the layout). */
#define SRP_SIMKERNEL_DIR "/var/lib/srpass-sim"

/*
 * srp_simkernel_attach - make sys behave like a kernel, if it is a fake host.
 *
 * If the tree under sys has the directory SRP_SIMKERNEL_DIR, sys->ops is
 * replaced by the simulated kernel's ops, which pass everything through
 * to a private copy of sys as it was (the lower layer) except writes to
 * the sysfs attributes the kernel acts on (driver_override, bind, unbind,
 * drivers_probe, sriov_numvfs, ...), which they apply to the tree the
 * way the kernel would, and the VFIO ioctls on /dev/vfio nodes opened
 * through sys.  sys->data and sys->lower point at the simulation's state;
 * sys->root and sys->rootfd are untouched and still owned by the caller.
 *
 * A tree whose /sys is a real sysfs is refused (-EPERM), marker or not:
 * the simulation must never stand between srpass and a real kernel.
 *
 * Returns 1 if attached, 0 if the tree is not a simulated host (sys is
 * unchanged), a negative errno on failure (-EALREADY if sys already has
 * a simulated kernel).  Not thread-safe, like the fake tree itself.
 */
int srp_simkernel_attach(struct srp_sys *sys, struct srp_err *err);

/* Put sys back as it was before srp_simkernel_attach() and free the
 * state.  A no-op if no simulated kernel is attached. */
void srp_simkernel_detach(struct srp_sys *sys);

/* 1 if sys has a simulated kernel attached (at the top), else 0. */
int srp_simkernel_attached(const struct srp_sys *sys);

#endif
