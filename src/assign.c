/* SPDX-License-Identifier: MIT */
/* srpass -- the assignment transaction */
#include "assign.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "host.h"
#include "ledger.h"
#include "srpass/err.h"
#include "srpass/inventory.h"
#include "sriov.h"

/*
 * Every operation is: lock, repair, write the intent, change the host,
 * write the result (which clears the intent).  A crash between the two
 * ledger writes leaves the intent, and the next run puts the VF back to
 * the state the intent recorded.  Rollback after an ordinary failure is
 * the same code as recovery, so both are exercised by the same tests.
 */

static void say(FILE *plan, const char *fmt, const char *a, const char *b)
{
	if (plan != NULL) {
		fprintf(plan, fmt, a, b);
		fputc('\n', plan);
	}
}

static const struct srp_backend_ops *backend_by_name(struct srp_host *host, const char *name,
						      struct srp_err *err)
{
	const struct srp_backend_ops *be = srp_backend_find(host, name);

	if (be == NULL)
		srp_err_set(err, -ENOENT, strcmp(name, "auto") == 0 ?
			    "no backend is usable on this host (is vfio-pci loaded?)" :
			    "unknown backend '%s'", name);
	return be;
}

/* Put a VF back to what a recorded.  The VF may be anywhere between the
 * original state and fully assigned. */
static int restore_vf(struct srp_host *host, const struct srp_inventory *inv,
		      const struct srp_assignment *a, struct srp_err *err)
{
	const struct srp_backend_ops *be;
	const struct srp_dev *vf;
	char name[SRP_BDF_STRLEN];

	srp_bdf_format(&a->vf, name);
	vf = srp_inventory_find(inv, &a->vf);
	if (vf == NULL || vf->kind != SRP_DEV_VF)
		return srp_err_set(err, -ENODEV, "VF %s no longer exists (was sriov_numvfs changed?)",
				   name);
	be = backend_by_name(host, a->backend, err);
	if (be == NULL)
		return -ENOENT;
	return be->release(host, vf, a, err);
}

static int repair(struct srp_host *host, struct srp_ledger *l, FILE *log, struct srp_err *err)
{
	struct srp_inventory *inv = NULL;
	struct srp_pending *p = &l->pending;
	char name[SRP_BDF_STRLEN];
	int r;

	if (p->op == SRP_OP_NONE)
		return 0;
	if (p->op == SRP_OP_NUMVFS) {
		srp_bdf_format(&p->pf, name);
		r = srp_sriov_undo(host, l, err);
		if (r < 0) {
			srp_err_prefix(err, "repairing the interrupted sriov_numvfs change of %s: ",
				       name);
			return r;
		}
		say(log, "recovered: PF %s is back to its previous sriov_numvfs%s", name, "");
		srp_pending_clear(p);
		r = srp_ledger_commit(host, l, err);
		return r < 0 ? r : 1;
	}
	srp_bdf_format(&p->a.vf, name);
	r = srp_inventory_scan(host, &inv, err);
	if (r < 0)
		return r;
	r = restore_vf(host, inv, &p->a, err);
	srp_inventory_free(inv);
	if (r < 0) {
		srp_err_prefix(err, "repairing the interrupted %s of %s: ",
			       p->op == SRP_OP_ASSIGN ? "assign" : "release", name);
		return r;
	}
	say(log, "recovered: the interrupted %s of %s was rolled back to the recorded state",
	    p->op == SRP_OP_ASSIGN ? "assign" : "release", name);
	(void)srp_ledger_remove(l, &p->a.vf);	/* a release was finished */
	srp_pending_clear(p);
	r = srp_ledger_commit(host, l, err);
	return r < 0 ? r : 1;
}

int srp_recover(struct srp_host *host, FILE *log, struct srp_err *err)
{
	struct srp_ledger *l;
	int r;

	r = srp_ledger_open(host, &l, err);
	if (r < 0)
		return r;
	r = repair(host, l, log, err);
	srp_ledger_close(l);
	return r;
}

/* The VF as the host has it now, as the record release will restore. */
static int record_original(const struct srp_dev *vf, const struct srp_assign_req *req,
			   const struct srp_backend_ops *be, struct srp_assignment *a,
			   struct srp_err *err)
{
	memset(a, 0, sizeof(*a));
	a->vf = vf->addr;
	a->pf = vf->pf->addr;
	a->vf_index = vf->vf_index;
	snprintf(a->tenant, sizeof(a->tenant), "%s", req->tenant);
	snprintf(a->domain, sizeof(a->domain), "%s", req->domain);
	snprintf(a->backend, sizeof(a->backend), "%s", be->name);
	if ((vf->driver && !(a->orig_driver = strdup(vf->driver))) ||
	    (vf->driver_override && !(a->orig_override = strdup(vf->driver_override)))) {
		srp_assignment_clear(a);
		return srp_err_set(err, -ENOMEM, "out of memory");
	}
	return 0;
}

static int check_assignable(const struct srp_ledger *l, const struct srp_dev *vf,
			    const struct srp_backend_ops *be, const char *tenant, const char *name,
			    struct srp_err *err)
{
	const struct srp_assignment *held;

	if (vf == NULL)
		return srp_err_set(err, -ENODEV, "no PCI function %s on this host", name);
	if (vf->kind != SRP_DEV_VF)
		return srp_err_set(err, -EINVAL, "%s is not an SR-IOV VF (it is a %s function)",
				   name, vf->kind == SRP_DEV_PF ? "PF" : "plain");
	held = srp_ledger_find(l, &vf->addr);
	if (held != NULL)
		return srp_err_set(err, -EBUSY, "VF %s is already assigned to tenant '%s', domain '%s'",
				   name, held->tenant, held->domain);
	if (vf->driver != NULL && strcmp(vf->driver, be->stub_driver) == 0)
		return srp_err_set(err, -EBUSY, "VF %s is already bound to %s but not in the ledger; "
				   "who owns it? (srpass audit reports it as an orphan)",
				   name, be->stub_driver);
	/* every other member of the group must be free or the same tenant's */
	for (size_t i = 0; vf->group && i < vf->group->n_members; i++) {
		const struct srp_dev *m = vf->group->members[i];
		const struct srp_assignment *o;

		if (m == vf)
			continue;
		o = srp_ledger_find(l, &m->addr);
		if (o != NULL && strcmp(o->tenant, tenant) == 0)
			continue;
		if (o != NULL)
			return srp_err_set(err, -EPERM, "VF %s shares IOMMU group %u with %s, which tenant "
					   "'%s' holds", name, vf->group->id, m->name, o->tenant);
		if (m->driver != NULL && strcmp(m->driver, be->stub_driver) != 0)
			return srp_err_set(err, -EPERM, "VF %s shares IOMMU group %u with %s, bound to "
					   "host driver %s; the group cannot be isolated",
					   name, vf->group->id, m->name, m->driver);
	}
	return 0;
}

int srp_assign(struct srp_host *host, const struct srp_assign_req *req, FILE *plan,
	       struct srp_err *err)
{
	const struct srp_backend_ops *be;
	struct srp_inventory *inv = NULL;
	struct srp_ledger *l = NULL;
	struct srp_assignment a = { 0 };
	const struct srp_dev *vf;
	char name[SRP_BDF_STRLEN];
	int r;

	srp_bdf_format(&req->vf, name);
	if (!srp_name_valid(req->tenant))
		return srp_err_set(err, -EINVAL, "tenant name '%s' is not valid ([A-Za-z0-9_.-], "
				   "at most %d)", req->tenant, SRP_NAME_MAX - 1);
	if (!srp_name_valid(req->domain))
		return srp_err_set(err, -EINVAL, "domain name '%s' is not valid ([A-Za-z0-9_.-], "
				   "at most %d)", req->domain, SRP_NAME_MAX - 1);
	be = backend_by_name(host, req->backend, err);
	if (be == NULL)
		return -ENOENT;

	r = srp_ledger_open(host, &l, err);
	if (r < 0)
		return r;
	r = repair(host, l, plan, err);
	if (r < 0)
		goto out;
	r = srp_inventory_scan(host, &inv, err);
	if (r < 0)
		goto out;
	vf = srp_inventory_find(inv, &req->vf);
	r = check_assignable(l, vf, be, req->tenant, name, err);
	if (r < 0)
		goto out;
	r = record_original(vf, req, be, &a, err);
	if (r < 0)
		goto out;

	say(plan, "assign %s: record the VF's driver (%s) in the ledger", name,
	    vf->driver ? vf->driver : "none");
	say(plan, "assign %s: bind to %s through driver_override, unbind, drivers_probe", name,
	    be->stub_driver);
	say(plan, "assign %s: verify the driver and the VFIO group (%s)", name,
	    vf->group ? "viable" : "no group");
	if (req->dry_run) {
		say(plan, "dry run: nothing was changed%s%s", "", "");
		r = 0;
		goto out;
	}

	/* 1: the intent, before the host changes */
	srp_pending_clear(&l->pending);
	l->pending.op = SRP_OP_ASSIGN;
	r = srp_assignment_copy(&l->pending.a, &a);
	if (r < 0) {
		srp_err_set(err, r, "out of memory");
		goto out;
	}
	r = srp_ledger_commit(host, l, err);
	if (r < 0) {
		srp_err_prefix(err, "assign %s: recording the intent: ", name);
		goto out;
	}
	/* 2: the host */
	r = be->assign(host, vf, &a, err);
	if (r < 0) {
		srp_err_prefix(err, "assign %s to %s: ", name, be->stub_driver);
		goto undo_intent;
	}
	/* 3: the result; the intent goes with it */
	srp_pending_clear(&l->pending);
	r = srp_ledger_add(l, &a);
	if (r == 0)
		r = srp_ledger_commit(host, l, err);
	if (r < 0) {
		srp_err_set(err, r, "out of memory");
		srp_err_prefix(err, "assign %s: recording the assignment: ", name);
		(void)srp_ledger_remove(l, &a.vf);
		goto undo_host;
	}
	r = 0;
	goto out;

undo_host: {
	struct srp_err undo = { 0 };

	if (be->release(host, vf, &a, &undo) < 0) {
		srp_err_prefix(err, "[rollback failed: %s; run 'srpass recover'] ", undo.msg);
		goto out;	/* the intent stays for recover */
	}
	}
undo_intent: {
	struct srp_err undo = { 0 };

	srp_pending_clear(&l->pending);
	if (srp_ledger_commit(host, l, &undo) < 0)
		srp_err_prefix(err, "[clearing the intent failed: %s; the next run repairs it] ",
			       undo.msg);
	}
out:
	srp_assignment_clear(&a);
	srp_inventory_free(inv);
	srp_ledger_close(l);
	return r;
}

int srp_release(struct srp_host *host, const struct srp_bdf *vfaddr, int dry_run, FILE *plan,
		struct srp_err *err)
{
	const struct srp_backend_ops *be;
	struct srp_inventory *inv = NULL;
	struct srp_ledger *l = NULL;
	struct srp_assignment a = { 0 };
	const struct srp_assignment *held;
	const struct srp_dev *vf;
	char name[SRP_BDF_STRLEN];
	int r;

	srp_bdf_format(vfaddr, name);
	r = srp_ledger_open(host, &l, err);
	if (r < 0)
		return r;
	r = repair(host, l, plan, err);
	if (r < 0)
		goto out;
	held = srp_ledger_find(l, vfaddr);
	if (held == NULL) {
		r = srp_err_set(err, -ENOENT, "VF %s is not assigned (not in the ledger)", name);
		goto out;
	}
	r = srp_assignment_copy(&a, held);
	if (r < 0) {
		srp_err_set(err, r, "out of memory");
		goto out;
	}
	be = backend_by_name(host, a.backend, err);
	if (be == NULL) {
		r = -ENOENT;
		goto out;
	}
	r = srp_inventory_scan(host, &inv, err);
	if (r < 0)
		goto out;
	vf = srp_inventory_find(inv, vfaddr);
	if (vf == NULL || vf->kind != SRP_DEV_VF) {
		r = srp_err_set(err, -ENODEV, "VF %s no longer exists (was sriov_numvfs changed?); "
				"its ledger entry is kept for 'srpass audit'", name);
		goto out;
	}
	say(plan, "release %s: rebind to its original driver %s", name,
	    a.orig_driver ? a.orig_driver : "(none: leave unbound)");
	say(plan, "release %s: restore driver_override (%s)", name,
	    a.orig_override ? a.orig_override : "cleared");
	if (dry_run) {
		say(plan, "dry run: nothing was changed%s%s", "", "");
		r = 0;
		goto out;
	}

	srp_pending_clear(&l->pending);
	l->pending.op = SRP_OP_RELEASE;
	r = srp_assignment_copy(&l->pending.a, &a);
	if (r == 0)
		r = srp_ledger_commit(host, l, err);
	if (r < 0) {
		srp_err_prefix(err, "release %s: recording the intent: ", name);
		goto out;
	}
	r = be->release(host, vf, &a, err);
	if (r < 0) {
		/* back to assigned, as before the command; else recover finishes it */
		struct srp_err undo = { 0 };

		srp_err_prefix(err, "release %s: ", name);
		if (be->assign(host, vf, &a, &undo) < 0) {
			srp_err_prefix(err, "[re-assigning failed too: %s; run 'srpass recover'] ",
				       undo.msg);
			goto out;
		}
		srp_pending_clear(&l->pending);
		(void)srp_ledger_commit(host, l, NULL);
		goto out;
	}
	srp_pending_clear(&l->pending);
	(void)srp_ledger_remove(l, vfaddr);
	r = srp_ledger_commit(host, l, err);
	if (r < 0)
		srp_err_prefix(err, "release %s: the VF is back, but the ledger could not be "
			       "updated (the next run finishes it): ", name);
out:
	srp_assignment_clear(&a);
	srp_inventory_free(inv);
	srp_ledger_close(l);
	return r;
}

int srp_restore(struct srp_host *host, FILE *log, struct srp_err *err)
{
	struct srp_inventory *inv = NULL;
	struct srp_ledger *l = NULL;
	int r, failed = 0;

	r = srp_ledger_open(host, &l, err);
	if (r < 0)
		return r;
	r = repair(host, l, log, err);
	if (r >= 0)
		r = srp_inventory_scan(host, &inv, err);
	for (size_t i = 0; r >= 0 && i < l->n; i++) {
		const struct srp_assignment *a = &l->a[i];
		const struct srp_backend_ops *be;
		const struct srp_dev *vf;
		struct srp_err one = { 0 };
		char name[SRP_BDF_STRLEN];

		srp_bdf_format(&a->vf, name);
		vf = srp_inventory_find(inv, &a->vf);
		be = srp_backend_find(host, a->backend);
		if (vf == NULL || vf->kind != SRP_DEV_VF || vf->pf == NULL ||
		    srp_bdf_cmp(&vf->pf->addr, &a->pf) != 0 || vf->vf_index != a->vf_index) {
			srp_err_set(&one, -ENODEV, "VF %s is gone or is another PF's VF now "
				    "(enable its PF's VFs first)", name);
		} else if (be == NULL) {
			srp_err_set(&one, -ENOENT, "backend '%s' of %s is not available", a->backend, name);
		} else if (vf->driver && strcmp(vf->driver, be->stub_driver) == 0) {
			say(log, "restore %s: already held by %s", name, be->stub_driver);
			continue;
		} else if (be->assign(host, vf, a, &one) == 0) {
			say(log, "restore %s: assigned to %s again", name, a->domain);
			continue;
		}
		say(log, "restore: %s%s", one.msg, "");
		if (!failed++)
			srp_err_set(err, one.code, "%s", one.msg);
	}
	srp_inventory_free(inv);
	srp_ledger_close(l);
	if (r < 0)
		return r;
	return failed ? err ? err->code : -EIO : 0;
}
