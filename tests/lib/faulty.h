/* SPDX-License-Identifier: MIT */
/* srpass tests -- fault injection: the Nth mutating op of a seam fails */
#ifndef SRP_FAULTY_H
#define SRP_FAULTY_H

#include <limits.h>
#include <stdbool.h>

#include "os/sys.h"

/*
 * A decorator over any struct srp_sys (the real ops, a simulated
 * kernel, a mock): the fail_at'th mutating op -- write, replace, mkdir
 * or unlink, counted from 1 after attach -- fails with error instead of
 * reaching the layer below.  With sticky set, every mutating op after it
 * fails as well (a disk that stays full).  With only set, ops on other
 * paths pass through uncounted.  Everything else (read, readlink,
 * listdir, lstat, open, ioctl, sleep_ms) passes through.
 *
 * Attached on top of a simulated kernel it fails srpass's own sysfs and
 * state writes; attached below one (before srp_simkernel_attach), the
 * simulation's writes to the tree.
 *
 * The loop that proves an operation all-or-nothing:
 *
 *	for (n = 1; ; n++) {
 *		faulty_attach(&f, sys, n, -EIO);
 *		r = operation(sys);
 *		faulty_detach(&f, sys);
 *		if (f.failed == 0)
 *			break;		// it did all f.count mutations
 *		assert r < 0, and the tree is as before (tests/lib/treediff.h)
 *	}
 *
 * The struct is the caller's (on the stack is fine); nothing is
 * allocated.  Detach decorators in the reverse order of attaching.
 */
struct faulty {
	struct srp_sys lower;		/* sys as it was before attach */
	unsigned int fail_at;		/* 1-based; 0: never fail */
	int error;			/* what the failing op returns: -errno */
	bool sticky;			/* fail every mutating op after fail_at too */
	const char *only;		/* NULL, or count only paths below this one */
	unsigned int count;		/* mutating ops seen */
	unsigned int failed;		/* mutating ops made to fail */
	const char *first_op;		/* "write", "replace", ...: the first made to fail */
	char first_path[PATH_MAX];	/* and its path */
};

/* Decorate sys; resets the counters, sticky and only (set them after). */
void faulty_attach(struct faulty *f, struct srp_sys *sys, unsigned int fail_at, int error);

/* Put sys back as it was.  A no-op unless f is the top decorator of sys. */
void faulty_detach(struct faulty *f, struct srp_sys *sys);

#endif
