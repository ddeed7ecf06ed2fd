/* SPDX-License-Identifier: MIT */
/* srpass -- sriov_numvfs and sriov_drivers_autoprobe, with rollback */
#include "core/sriov.h"

#include <errno.h>
#include <stdio.h>

#include "core/host.h"
#include "core/ledger.h"
#include "core/txn.h"
#include "core/undo.h"
#include "srpass/err.h"
#include "srpass/inventory.h"
#include "os/sysfs.h"

int srp_sriov_change(struct srp_txn *t, const struct srp_dev *pf, unsigned int n, int autoprobe,
		     int dry_run, struct srp_err *err)
{
	const struct srp_sys *sys = &t->host->sys;
	struct srp_ledger *l = t->l;
	int flip = autoprobe >= 0 && pf->drivers_autoprobe >= 0 && autoprobe != pf->drivers_autoprobe;
	int r = 0;

	if (flip)
		srp_say(t->plan, "PF %s: sriov_drivers_autoprobe %d -> %d", pf->name,
			pf->drivers_autoprobe, autoprobe);
	srp_say(t->plan, "PF %s: sriov_numvfs %u -> %u%s", pf->name, pf->numvfs, n,
		pf->numvfs && n && pf->numvfs != n ? " (through 0)" : "");
	if (dry_run || (pf->numvfs == n && !flip))
		return 0;

	srp_pending_clear(&l->pending);
	l->pending.op = SRP_OP_NUMVFS;
	l->pending.pf = pf->addr;
	l->pending.old_numvfs = pf->numvfs;
	l->pending.old_autoprobe = flip ? pf->drivers_autoprobe : -1;
	r = srp_txn_intent(t, err);
	if (r < 0)
		return r;
	if (flip)
		r = srp_sysfs_dev_write_uint(sys, &pf->addr, "sriov_drivers_autoprobe",
					     (unsigned int)autoprobe, err);
	if (r == 0)
		r = srp_sysfs_numvfs_set(sys, &pf->addr, pf->numvfs, n, err);
	if (r < 0) {
		struct srp_err undo = { 0 };

		srp_err_prefix(err, "PF %s: ", pf->name);
		if (srp_undo_numvfs(t->host, &l->pending, &undo) < 0) {
			srp_err_prefix(err, "[rollback failed: %s; run 'srpass recover'] ", undo.msg);
			return r;	/* the intent stays for recover */
		}
		(void)srp_txn_abort(t, NULL);	/* else the next run repairs it */
		return r;
	}
	srp_pending_clear(&l->pending);
	return 1;
}

int srp_sriov_set(struct srp_host *host, const struct srp_bdf *pfaddr, unsigned int n,
		  int autoprobe_off, int dry_run, const struct srp_plan *plan, struct srp_err *err)
{
	struct srp_inventory *inv = NULL;
	const struct srp_pf_state *want;
	struct srp_ledger *l;
	struct srp_txn t;
	const struct srp_dev *pf;
	char name[SRP_BDF_STRLEN];
	int r, autoprobe, changed = 0;

	srp_bdf_format(pfaddr, name);
	r = srp_txn_begin(host, plan, &t, err);
	if (r < 0)
		return r;
	l = t.l;
	r = srp_inventory_scan(host, &inv, err);
	if (r < 0)
		goto out;
	pf = srp_inventory_find(inv, pfaddr);
	if (pf == NULL || pf->kind != SRP_DEV_PF) {
		r = srp_err_input(err, -EINVAL, "%s is not an SR-IOV PF", name);
		goto out;
	}
	if (n > pf->totalvfs) {
		r = srp_err_input(err, -ERANGE, "PF %s supports at most %u VFs (sriov_totalvfs), "
				  "not %u", name, pf->totalvfs, n);
		goto out;
	}
	for (size_t i = 0; i < l->n; i++)
		if (srp_bdf_cmp(&l->a[i].pf, pfaddr) == 0) {
			char vf[SRP_BDF_STRLEN];

			r = srp_err_refuse(err, -EBUSY, "PF %s has assigned VFs (%s, tenant '%s'); "
					"changing sriov_numvfs would destroy them. Release them first",
					name, srp_bdf_format(&l->a[i].vf, vf), l->a[i].tenant);
			goto out;
		}
	/* only ever turned off here: on is the kernel's default */
	autoprobe = autoprobe_off ? 0 : -1;
	r = changed = srp_sriov_change(&t, pf, n, autoprobe, dry_run, err);
	if (r < 0 || dry_run)
		goto out;
	/* what restore brings back after a reboot */
	want = srp_ledger_pf(l, pfaddr);
	if (autoprobe < 0)
		autoprobe = want && want->numvfs ? want->autoprobe : pf->drivers_autoprobe;
	if (r == 0 && (n == 0 ? want == NULL : want && want->numvfs == n &&
		       want->autoprobe == autoprobe))
		goto out;	/* nothing changed, and the ledger knows it */
	changed = 1;
	r = srp_ledger_pf_set(l, pfaddr, n, autoprobe);
	if (r < 0)
		srp_err_set(err, r, "out of memory");
	else
		r = srp_txn_commit(&t, err);
	if (r < 0)	/* the intent is still on disk: the change is not done */
		srp_err_prefix(err, "PF %s: sriov_numvfs changed, but the ledger could not be "
			       "written; the next srpass run rolls it back: ", name);
out:
	srp_inventory_free(inv);
	srp_txn_end(&t);
	return r < 0 ? r : changed;
}
