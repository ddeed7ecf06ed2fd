/* SPDX-License-Identifier: MIT */
/* srpass -- a transaction: the lock, the repair of an interrupted one, the intent */
#ifndef SRP_TXN_H
#define SRP_TXN_H

#include "srpass/assign.h"

struct srp_err;
struct srp_host;
struct srp_ledger;

/*
 * Every change to the host is one transaction:
 *
 *	srp_txn_begin()		lock the ledger; undo what a crash left pending
 *	  fill t->l->pending, srp_txn_intent()	 the undo record, on disk first
 *	  change the host
 *	  change t->l's entries, srp_txn_commit()	 the result; the intent goes
 *	srp_txn_end()
 *
 * After a failed change the caller undoes its own steps; if that fails
 * too it leaves the intent on disk, and the next transaction's begin
 * undoes the change from it, with the same undo as a crash gets (the
 * table in txn.c, one entry per enum srp_op).
 */
struct srp_txn {
	struct srp_host *host;
	struct srp_ledger *l;
	const struct srp_plan *plan;
};

/* Returns 1 if an interrupted operation was repaired, 0 if none, or -errno
 * (then nothing is held). */
int srp_txn_begin(struct srp_host *host, const struct srp_plan *plan, struct srp_txn *t,
		  struct srp_err *err);
int srp_txn_intent(struct srp_txn *t, struct srp_err *err);
int srp_txn_commit(struct srp_txn *t, struct srp_err *err);
/* Drop the intent after the caller's own undo succeeded. */
int srp_txn_abort(struct srp_txn *t, struct srp_err *err);
void srp_txn_end(struct srp_txn *t);

/* One line to plan, printf-style. */
void srp_say(const struct srp_plan *plan, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
