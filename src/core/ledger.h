/* SPDX-License-Identifier: MIT */
/* srpass -- the ledger: every assignment and the operation in flight, one file */
#ifndef SRP_LEDGER_H
#define SRP_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "srpass/bdf.h"

struct json_object;
struct srp_err;
struct srp_host;

#define SRP_NAME_MAX 65			/* tenant and domain names, plus NUL */

/* What a VF was before srpass touched it, and what srpass made of it. */
struct srp_assignment {
	struct srp_bdf vf, pf;
	int vf_index;
	char tenant[SRP_NAME_MAX];
	char domain[SRP_NAME_MAX];
	char backend[16];
	char *orig_driver;		/* NULL: the VF was unbound */
	char *orig_override;		/* NULL: driver_override was unset */
	struct json_object *orig_switch;	/* the VF's switch state, or NULL */

	/* What srpass programmed into the PF's switch for the VF. */
	int has_applied;		/* 0: nothing was programmed (no netdev) */
	unsigned int vlan;		/* 0: untagged */
	int has_mac;
	uint8_t mac[6];
	int spoofchk, trust;		/* 0/1 */
	uint32_t max_rate;		/* Mbps, 0: none */
	/* The policy's refusals an operator overrode with `vf set --force`,
	 * as "ID: reason; ..." (NULL: none).  Audit still reports the VF. */
	char *forced;
	/* The guest process using the VF (`srpass run`): its pid and its
	 * start time (/proc/PID/stat field 22, clock ticks after boot), so
	 * recover can tell it from a later process with the same pid.
	 * guest_pid 0: no guest recorded (assign, and every older ledger). */
	int guest_pid;
	unsigned long long guest_start;
};

/* The largest pid Linux hands out (PID_MAX_LIMIT, 2^22). */
#define SRP_GUEST_PID_MAX 4194304

enum srp_op {
	SRP_OP_NONE,
	SRP_OP_ASSIGN,			/* recover undoes it */
	SRP_OP_RELEASE,			/* recover finishes it */
	SRP_OP_NUMVFS,			/* recover puts numvfs/autoprobe back */
	SRP_OP_VFSET,			/* recover puts the VF's switch state back */
};

/* The write-ahead intent: written before the first host change of an
 * operation, cleared with its last ledger write. */
struct srp_pending {
	enum srp_op op;
	struct srp_assignment a;	/* ASSIGN, RELEASE */
	struct srp_bdf pf;		/* NUMVFS, VFSET */
	unsigned int old_numvfs;
	int old_autoprobe;		/* -1: not touched */
	struct srp_bdf vf;		/* VFSET: the VF, its index on pf, */
	int vf_index;
	struct json_object *before;	/* and its switch state before */
};

/* A PF as srpass last left it, for restore after a reboot (when the
 * kernel starts with no VFs). */
struct srp_pf_state {
	struct srp_bdf pf;
	unsigned int numvfs;		/* > 0 */
	int autoprobe;			/* sriov_drivers_autoprobe, -1: not known */
};

struct srp_ledger {
	struct srp_assignment *a;
	size_t n;
	struct srp_pf_state *pfs;	/* sorted by nothing; one per PF */
	size_t n_pfs;
	struct srp_pending pending;	/* op == SRP_OP_NONE if nothing in flight */
	int lockfd;
	char dir[256];			/* the state directory (host->state_dir) */
	char path[272];			/* dir + "/ledger.json" */
};

/*
 * srp_ledger_open - lock the state directory (creating it 0700 if
 * missing) and read the ledger.  The lock is exclusive and held until
 * srp_ledger_close(): callers that change the host hold it for the
 * whole operation.  Another holder is waited for host->lock_wait_ms at
 * most, then -EBUSY names it (the lock file holds the holder's pid).  A
 * malformed ledger is an error naming the file and never silently reset.
 */
int srp_ledger_open(struct srp_host *host, struct srp_ledger **ret, struct srp_err *err);
/* Read without locking or creating anything (list, audit).  A host
 * without a state directory has an empty ledger. */
int srp_ledger_peek(struct srp_host *host, struct srp_ledger **ret, struct srp_err *err);
void srp_ledger_close(struct srp_ledger *l);

/* Write the ledger atomically (temp file, fsync, rename), mode 0600. */
int srp_ledger_commit(struct srp_host *host, const struct srp_ledger *l, struct srp_err *err);

/* Borrowed; NULL if vf is not assigned. */
struct srp_assignment *srp_ledger_find(const struct srp_ledger *l, const struct srp_bdf *vf);
/* Copy a into the ledger (deep); -ENOMEM.  Remove by VF: 0 or -ENOENT. */
int srp_ledger_add(struct srp_ledger *l, const struct srp_assignment *a);
int srp_ledger_remove(struct srp_ledger *l, const struct srp_bdf *vf);

/* The recorded state of pf, or NULL.  Set records (or, with numvfs 0,
 * forgets) it: -ENOMEM. */
const struct srp_pf_state *srp_ledger_pf(const struct srp_ledger *l, const struct srp_bdf *pf);
int srp_ledger_pf_set(struct srp_ledger *l, const struct srp_bdf *pf, unsigned int numvfs,
		      int autoprobe);

int srp_assignment_copy(struct srp_assignment *dst, const struct srp_assignment *src);
void srp_assignment_clear(struct srp_assignment *a);
void srp_pending_clear(struct srp_pending *p);

/* Tenant and domain names: [A-Za-z0-9_.-], 1..64 characters, no leading
 * dot or dash. */
int srp_name_valid(const char *s);

#endif
