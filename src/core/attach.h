/* SPDX-License-Identifier: MIT */
/* srpass -- hot-plug: an assigned VF into a running QEMU over QMP, and out again */
#ifndef SRP_ATTACH_H
#define SRP_ATTACH_H

#include "core/launch.h"
#include "srpass/bdf.h"

struct srp_err;
struct srp_host;

struct srp_attach_opts {
	const char *qmp;		/* the QMP socket, absolute, under the host root */
	int timeout_ms;			/* each answer; detach: DEVICE_DELETED too */
	const char *bus;		/* as srpass launch qemu: bus=, addr=, rombar=0 */
	int addr;
	int rombar_off;
};

struct srp_attach_result {
	struct srp_bdf vf;
	char id[SRP_LAUNCH_IDMAX];	/* the QEMU id: srp_launch_id("hostdev", vf) */
	char tenant[65], domain[65];
	int changed;			/* 0: it already was (attached / not attached) */
};

/*
 * srp_attach - device_add the VF named name (BDF or netdev) to the QEMU
 * behind o->qmp, with exactly the properties `srpass launch qemu` prints,
 * then check with query-pci that QEMU shows it (if not, device_del it
 * and fail).  The ledger must assign the VF to domain (backend kvm); it
 * is read under the lock, so no release runs meanwhile.  A VF the QEMU
 * already shows under its id is left alone (changed 0).  QEMU's own
 * error is in err verbatim ("QEMU: device_add: ...").  0 or -errno.
 */
int srp_attach(struct srp_host *host, const char *name, const char *domain,
	       const struct srp_attach_opts *o, struct srp_attach_result *res,
	       struct srp_err *err);

/*
 * srp_detach - device_del the VF (assigned in the ledger) from the QEMU
 * behind o->qmp and wait, o->timeout_ms at most, for DEVICE_DELETED: the
 * guest must let go of it first.  Then query-pci must no longer show it.
 * The ledger is read, not locked: the wait holds up no other srpass.
 * A VF the QEMU does not show is left alone (changed 0).  0 or -errno
 * (-ETIMEDOUT: QEMU still has it, the unplug request stands).
 */
int srp_detach(struct srp_host *host, const char *name, const struct srp_attach_opts *o,
	       struct srp_attach_result *res, struct srp_err *err);

#endif
