/* SPDX-License-Identifier: MIT */
/* srpass -- transactions: lock, repair, intent, commit */
#include "core/txn.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "core/host.h"
#include "core/ledger.h"
#include "core/undo.h"
#include "srpass/err.h"
#include "srpass/inventory.h"

void srp_say(const struct srp_plan *plan, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (plan == NULL || plan->line == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	plan->line(plan->ctx, line);
}

static int undo_assignment(struct srp_host *host, const struct srp_pending *p,
			   struct srp_err *err)
{
	struct srp_inventory *inv = NULL;
	int r;

	r = srp_inventory_scan(host, &inv, err);
	if (r == 0)
		r = srp_undo_vf(host, inv, &p->a, err);
	srp_inventory_free(inv);
	return r;
}

/* What a crash in the middle of each operation leaves, and how it is put
 * right.  An interrupted assign is undone; an interrupted release is
 * finished (its undo is the release itself), so its entry goes. */
static const struct {
	const char *what;
	int (*undo)(struct srp_host *host, const struct srp_pending *p, struct srp_err *err);
	const char *done;
	int drop_entry;
} undo_table[] = {
	[SRP_OP_ASSIGN] = { "assign", undo_assignment,
			    "was rolled back to the recorded state", 0 },
	[SRP_OP_RELEASE] = { "release", undo_assignment,
			     "was finished: the VF is back to its recorded state", 1 },
	[SRP_OP_NUMVFS] = { "sriov_numvfs change", srp_undo_numvfs,
			    "was rolled back: the PF has its previous sriov_numvfs", 0 },
	[SRP_OP_VFSET] = { "vf set", srp_undo_vfset,
			   "was rolled back: the VF has its previous switch settings", 0 },
};

static int repair(struct srp_txn *t, struct srp_err *err)
{
	struct srp_pending *p = &t->l->pending;
	char name[SRP_BDF_STRLEN];
	int r;

	if (p->op == SRP_OP_NONE)
		return 0;
	if ((size_t)p->op >= sizeof(undo_table) / sizeof(undo_table[0]) ||
	    undo_table[p->op].undo == NULL)
		return srp_err_set(err, -EPROTO, "ledger '%s': no undo for pending op %d",
				   t->l->path, (int)p->op);
	srp_bdf_format(p->op == SRP_OP_NUMVFS ? &p->pf : p->op == SRP_OP_VFSET ? &p->vf : &p->a.vf,
		       name);
	r = undo_table[p->op].undo(t->host, p, err);
	if (r < 0) {
		srp_err_prefix(err, "repairing the interrupted %s of %s: ", undo_table[p->op].what,
			       name);
		return r;
	}
	srp_say(t->plan, "recovered: the interrupted %s of %s %s", undo_table[p->op].what, name,
		undo_table[p->op].done);
	if (undo_table[p->op].drop_entry)
		(void)srp_ledger_remove(t->l, &p->a.vf);
	srp_pending_clear(p);
	r = srp_ledger_commit(t->host, t->l, err);
	return r < 0 ? r : 1;
}

int srp_txn_begin(struct srp_host *host, const struct srp_plan *plan, struct srp_txn *t,
		  struct srp_err *err)
{
	int r;

	t->host = host;
	t->plan = plan;
	t->l = NULL;
	r = srp_ledger_open(host, &t->l, err);
	if (r < 0)
		return r;
	r = repair(t, err);	/* under the same lock as the change that follows */
	if (r < 0)
		srp_txn_end(t);
	return r;
}

int srp_txn_intent(struct srp_txn *t, struct srp_err *err)
{
	return srp_ledger_commit(t->host, t->l, err);
}

int srp_txn_commit(struct srp_txn *t, struct srp_err *err)
{
	srp_pending_clear(&t->l->pending);
	return srp_ledger_commit(t->host, t->l, err);
}

int srp_txn_abort(struct srp_txn *t, struct srp_err *err)
{
	return srp_txn_commit(t, err);
}

void srp_txn_end(struct srp_txn *t)
{
	srp_ledger_close(t->l);
	t->l = NULL;
}

int srp_recover(struct srp_host *host, const struct srp_plan *log, struct srp_err *err)
{
	struct srp_txn t;
	int r;

	r = srp_txn_begin(host, log, &t, err);
	if (r >= 0)
		srp_txn_end(&t);
	return r;
}
