/* SPDX-License-Identifier: MIT */
/* srpass -- sriov_numvfs and sriov_drivers_autoprobe, with rollback */
#include "core/sriov.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assign.h"
#include "core/backend.h"
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
	if (r < 0) {
		/* nothing changed: no intent for recover (pending means one) */
		srp_pending_clear(&l->pending);
		return r;
	}
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

/* printf to the end of buf (*used so far), cut with "..." if it does not fit */
static void __attribute__((format(printf, 4, 5)))
append(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (*used >= len)
		return;
	va_start(ap, fmt);
	k = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= len - *used) {
		snprintf(buf + len - 4, 4, "...");
		*used = len;
	} else {
		*used += (size_t)k;
	}
}

/* "0000:03:02.0 (tenant 'blue', domain 'web1'), ..." for the VFs of pf
 * the ledger assigns; their number. */
static size_t assigned_vfs(const struct srp_ledger *l, const struct srp_bdf *pf, char *buf,
			   size_t len)
{
	size_t count = 0, used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < l->n; i++) {
		char vf[SRP_BDF_STRLEN];

		if (srp_bdf_cmp(&l->a[i].pf, pf) != 0)
			continue;
		count++;
		append(buf, len, &used, "%s%s (tenant '%s', domain '%s')", used ? ", " : "",
		       srp_bdf_format(&l->a[i].vf, vf), l->a[i].tenant, l->a[i].domain);
	}
	return count;
}

/*
 * "VF 0000:03:02.0: 4242 (qemu-system-x86); ..." for the VFs of pf a
 * process holds open (a guest's QEMU: the VFIO group or device node, as
 * each backend's users op finds them); their number, or -errno if who
 * holds one cannot be told.  A VF on a host driver has no such node.
 */
static int vfs_in_use(struct srp_host *host, const struct srp_dev *pf, char *buf, size_t len,
		      struct srp_err *err)
{
	size_t n_be, used = 0;
	const struct srp_backend_ops *const *table = srp_host_backends(host, &n_be);
	int count = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < pf->n_vfs; i++) {
		const struct srp_dev *vf = pf->vfs[i];
		char who[256];
		int r;

		if (vf == NULL || (vf->driver != NULL && !srp_backend_is_stub(host, vf->driver)))
			continue;
		for (size_t b = 0; b < n_be; b++) {
			r = srp_backend_users(table[b], host, vf, who, sizeof(who), err);
			if (r < 0)
				return r;
			if (r == 0)
				continue;
			count++;
			append(buf, len, &used, "%sVF %s: %s", used ? "; " : "", vf->name, who);
			break;
		}
	}
	return count;
}

/* a into the ledger at index at (where it was), the rest in their order */
static int ledger_insert(struct srp_ledger *l, const struct srp_assignment *a, size_t at)
{
	struct srp_assignment moved;
	int r = srp_ledger_add(l, a);

	if (r < 0)
		return r;
	if (at >= l->n - 1)
		return 0;
	moved = l->a[l->n - 1];
	memmove(&l->a[at + 1], &l->a[at], (l->n - 1 - at) * sizeof(*l->a));
	l->a[at] = moved;
	return 0;
}

/*
 * VF a given back as `release --force` does, inside t: the intent, the
 * VF's switch state and driver, the ledger without it (a at index at in
 * it, where a failure puts it back).  0, or -errno:
 * then *stuck is 0 if the VF is assigned still (put back, the intent
 * gone), 1 if the intent stays on disk for recover (which finishes the
 * release).
 */
static int release_forced(struct srp_txn *t, const struct srp_inventory *inv,
			  const struct srp_assignment *a, size_t at, int *stuck,
			  struct srp_err *err)
{
	struct srp_ledger *l = t->l;
	const struct srp_dev *vf;
	char name[SRP_BDF_STRLEN];
	int r;

	*stuck = 0;
	srp_bdf_format(&a->vf, name);
	vf = srp_inventory_find(inv, &a->vf);
	if (vf == NULL || vf->kind != SRP_DEV_VF) {
		/* gone already (sriov_numvfs changed behind srpass's back, or
		 * a reboot before restore): nothing to give back */
		srp_say(t->plan, "%s no longer exists: its ledger entry goes", name);
		(void)srp_ledger_remove(l, &a->vf);
		r = srp_txn_commit(t, err);
		if (r < 0 && ledger_insert(l, a, at) < 0) {
			/* the entry is on disk still; never write a ledger without it */
			srp_err_prefix(err, "[out of memory] ");
			*stuck = 1;
		}
		goto out;
	}
	srp_pending_clear(&l->pending);
	l->pending.op = SRP_OP_RELEASE;
	r = srp_assignment_copy(&l->pending.a, a);
	if (r < 0) {
		srp_pending_clear(&l->pending);
		r = srp_err_set(err, r, "out of memory");
		goto out;
	}
	r = srp_txn_intent(t, err);
	if (r < 0) {
		/* not on disk, so nothing to recover: the host is untouched */
		srp_pending_clear(&l->pending);
		goto out;
	}
	r = srp_undo_vf(t->host, inv, a, err);
	if (r < 0) {
		struct srp_err undo = { 0 };

		/* back to assigned; else the intent stays for recover */
		if (srp_reassign(t->host, vf, a, &undo) < 0 ||
		    srp_txn_abort(t, &undo) < 0) {
			srp_err_prefix(err, "[going back to assigned failed too: %s; run "
				       "'srpass recover' to finish the release] ", undo.msg);
			*stuck = 1;
		}
		goto out;
	}
	(void)srp_ledger_remove(l, &a->vf);
	r = srp_txn_commit(t, err);
	if (r < 0) {
		/* the release is done on the host; the intent on disk finishes
		 * it in the ledger on the next run */
		srp_err_prefix(err, "the VF is back, but the ledger could not be updated (the "
			       "next run finishes it): ");
		*stuck = 1;
	}
out:
	if (r < 0)
		srp_err_prefix(err, "releasing %s: ", name);
	return r;
}

/*
 * A forced disable that failed after releasing the n VFs rel (at[k]:
 * where rel[k] was in the ledger): each is put back as assigned, in the
 * ledger's order, under an assign intent of its own (a VF gone from the
 * host only gets its ledger entry back), so the ledger ends as it began.
 * If one cannot be, its intent stays, and recover takes it back to
 * released, as the ledger has it and the ones after it; err says so.
 */
static void unrelease(struct srp_txn *t, const struct srp_inventory *inv,
		      const struct srp_assignment *rel, const size_t *at, size_t n,
		      struct srp_err *err)
{
	struct srp_ledger *l = t->l;

	for (size_t k = 0; k < n; k++) {
		const struct srp_assignment *a = &rel[k];
		const struct srp_dev *vf = srp_inventory_find(inv, &a->vf);
		struct srp_err e = { 0 };
		char name[SRP_BDF_STRLEN];
		int r = 0;

		srp_bdf_format(&a->vf, name);
		if (vf != NULL && vf->kind == SRP_DEV_VF) {
			srp_pending_clear(&l->pending);
			l->pending.op = SRP_OP_ASSIGN;
			r = srp_assignment_copy(&l->pending.a, a);
			if (r < 0)
				srp_err_set(&e, r, "out of memory");
			if (r == 0)
				r = srp_txn_intent(t, &e);
			if (r == 0)
				r = srp_reassign(t->host, vf, a, &e);
		}
		if (r == 0) {
			r = ledger_insert(l, a, at[k]);
			if (r < 0)
				srp_err_set(&e, r, "out of memory");
		}
		if (r == 0)
			r = srp_txn_commit(t, &e);
		if (r < 0) {
			srp_err_prefix(err, "[%s and the %zu VFs after it stay released: putting %s "
				       "back failed: %s; run 'srpass recover'] ", name, n - k - 1,
				       name, e.msg);
			return;
		}
		srp_say(t->plan, "%s: assigned again to tenant '%s', domain '%s'", name, a->tenant,
			a->domain);
	}
	if (n > 0)
		srp_err_prefix(err, "[the VFs released for it are assigned again] ");
}

int srp_sriov_set(struct srp_host *host, const struct srp_bdf *pfaddr, unsigned int n,
		  int autoprobe_off, int flags, const struct srp_plan *plan, struct srp_err *err)
{
	int dry_run = flags & SRP_SRIOV_DRY_RUN, force = flags & SRP_SRIOV_FORCE;
	struct srp_inventory *inv = NULL;
	const struct srp_pf_state *want;
	struct srp_ledger *l;
	struct srp_txn t;
	const struct srp_dev *pf;
	struct srp_assignment *rel = NULL;	/* what --force releases */
	size_t *at = NULL;			/* where each was in the ledger */
	struct srp_err uerr = { 0 };
	char name[SRP_BDF_STRLEN], list[512], busy[512];
	size_t n_assigned, n_rel = 0, n_copied = 0;
	int r, autoprobe, changed = 0, n_busy = 0;

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
	n_assigned = assigned_vfs(l, pfaddr, list, sizeof(list));
	/* the VFs go (N -> 0 -> M): a guest must not hold one, or the kernel
	 * blocks removing it until the guest lets go */
	if (pf->numvfs > 0 && n != pf->numvfs) {
		r = vfs_in_use(host, pf, busy, sizeof(busy), &uerr);
		if (r < 0 && !force && n_assigned == 0) {
			r = srp_err_set(err, r, "PF %s (disable --force%s if you know its VFs are "
					"unused): %s", name, n == 0 ? "" : " first", uerr.msg);
			goto out;
		}
		if (r < 0)
			snprintf(busy, sizeof(busy), "(who holds them cannot be told: %.400s)",
				 uerr.msg);
		n_busy = r != 0;
	}
	if (n_assigned > 0 && !force) {
		r = srp_err_refuse(err, -EBUSY, "PF %s has assigned VFs: %s%s%s; changing "
				   "sriov_numvfs would destroy them. Release them first%s", name,
				   list, n_busy ? "; in use: " : "", n_busy ? busy : "",
				   n == 0 ? ", or disable --force" : "");
		goto out;
	}
	if (n_busy && !force) {
		r = srp_err_refuse(err, -EBUSY, "PF %s has VFs in use: %s; stop the guests first%s",
				   name, busy, n == 0 ? ", or disable --force" : "");
		goto out;
	}
	if (n_busy)
		srp_say(plan, "PF %s: VFs in use: %s; going on (--force)", name, busy);
	/* --force: the assigned VFs are released first (the ledger forgets
	 * them, their switch settings and drivers come back), one intent
	 * each; copies, as the ledger's entries move */
	if (n_assigned > 0) {
		rel = calloc(n_assigned, sizeof(*rel));
		at = calloc(n_assigned, sizeof(*at));
		if (rel == NULL || at == NULL) {
			r = srp_err_set(err, -ENOMEM, "out of memory");
			goto out;
		}
	}
	for (size_t i = 0; i < l->n && n_rel < n_assigned; i++) {
		if (srp_bdf_cmp(&l->a[i].pf, pfaddr) != 0)
			continue;
		r = srp_assignment_copy(&rel[n_rel], &l->a[i]);
		at[n_rel] = i;
		n_copied = n_rel + 1;
		if (r < 0) {
			r = srp_err_set(err, r, "out of memory");
			goto out;
		}
		n_rel++;
	}
	for (size_t i = 0; i < n_copied; i++) {
		char vf[SRP_BDF_STRLEN];
		int stuck;

		srp_say(plan, "PF %s: release %s of tenant '%s', domain '%s' first (--force)", name,
			srp_bdf_format(&rel[i].vf, vf), rel[i].tenant, rel[i].domain);
		if (dry_run)
			continue;
		r = release_forced(&t, inv, &rel[i], at[i] - i, &stuck, err);
		if (r < 0) {
			if (stuck && i > 0)
				srp_err_prefix(err, "[the %zu VFs released before it stay so] ", i);
			else
				unrelease(&t, inv, rel, at, i, err);
			srp_err_prefix(err, "PF %s: ", name);
			goto out;
		}
		changed = 1;
	}
	/* only ever turned off here: on is the kernel's default */
	autoprobe = autoprobe_off ? 0 : -1;
	r = srp_sriov_change(&t, pf, n, autoprobe, dry_run, err);
	if (r < 0 && n_copied > 0) {
		/* numvfs is back (else its intent stays, and recover puts it
		 * back; the released VFs stay so) */
		if (l->pending.op == SRP_OP_NONE)
			unrelease(&t, inv, rel, at, n_copied, err);
		else
			srp_err_prefix(err, "[the %zu VFs released for it stay so] ", n_copied);
	}
	if (r < 0 || dry_run)
		goto out;
	changed |= r;
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
	for (size_t i = 0; i < n_copied; i++)
		srp_assignment_clear(&rel[i]);
	free(rel);
	free(at);
	srp_inventory_free(inv);
	srp_txn_end(&t);
	return r < 0 ? r : changed;
}
