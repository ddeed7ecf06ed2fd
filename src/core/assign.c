/* SPDX-License-Identifier: MIT */
/* srpass -- the assignment transactions: assign, release, restore */
#include "core/assign.h"
#include "core/guest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/backend.h"
#include "core/config.h"
#include "core/gate.h"
#include "core/host.h"
#include "core/ledger.h"
#include "core/txn.h"
#include "core/undo.h"
#include "os/bind.h"
#include "srpass/err.h"
#include "srpass/inventory.h"
#include "switch/vfswitch.h"

/*
 * Each is a transaction (core/txn.h): lock, repair, write the intent,
 * change the host, write the result (which clears the intent).  A crash
 * between the two ledger writes leaves the intent, and the next run puts
 * the VF back to the state the intent recorded.  Rollback after an
 * ordinary failure is the same code as recovery (core/undo.c), so both
 * are exercised by the same tests.
 */

/* The intent goes to disk before the host changes: a crash after this
 * leaves a record recovery can act on. */
static int write_intent(struct srp_txn *t, enum srp_op op, const struct srp_assignment *a,
			struct srp_err *err)
{
	struct srp_pending *p = &t->l->pending;
	int r;

	srp_pending_clear(p);
	p->op = op;
	r = srp_assignment_copy(&p->a, a);
	if (r < 0)
		return srp_err_set(err, r, "out of memory");
	return srp_txn_intent(t, err);
}

/* The VF as the host has it now, as the record release will restore. */
static int record_original(const struct srp_dev *vf, const struct srp_assign_req *req,
			   const struct srp_backend *be, struct srp_assignment *a,
			   struct srp_err *err)
{
	memset(a, 0, sizeof(*a));
	a->vf = vf->addr;
	a->pf = vf->pf->addr;
	a->vf_index = vf->vf_index;
	snprintf(a->tenant, sizeof(a->tenant), "%s", req->tenant);
	snprintf(a->domain, sizeof(a->domain), "%s", req->domain);
	snprintf(a->backend, sizeof(a->backend), "%s", be->ops->name);
	if ((vf->driver && !(a->orig_driver = strdup(vf->driver))) ||
	    (vf->driver_override && !(a->orig_override = strdup(vf->driver_override)))) {
		srp_assignment_clear(a);
		return srp_err_set(err, -ENOMEM, "out of memory");
	}
	return 0;
}

/* The VF is held as req asks: same tenant, domain and backend, and the
 * VLAN and MAC it asks for (if it asks) are the ones applied. */
static int held_as_asked(const struct srp_assignment *held, const struct srp_assign_req *req,
			 const struct srp_backend *be)
{
	return strcmp(held->tenant, req->tenant) == 0 && strcmp(held->domain, req->domain) == 0 &&
	       strcmp(held->backend, be->ops->name) == 0 && (req->vlan == 0 || req->vlan == held->vlan) &&
	       (!req->has_mac || (held->has_mac && memcmp(held->mac, req->mac, 6) == 0));
}

/* 0: free to assign; 1: already assigned as asked; or -errno */
static int check_assignable(const struct srp_ledger *l, const struct srp_dev *vf,
			    const struct srp_backend *be, const struct srp_assign_req *req,
			    const char *name, struct srp_err *err)
{
	const struct srp_assignment *held;

	if (vf == NULL)
		return srp_err_set(err, -ENODEV, "no PCI function %s on this host", name);
	if (vf->kind != SRP_DEV_VF)
		return srp_err_set(err, -EINVAL, "%s is not an SR-IOV VF (it is a %s function)",
				   name, vf->kind == SRP_DEV_PF ? "PF" : "plain");
	held = srp_ledger_find(l, &vf->addr);
	if (held != NULL && !req->strict && held_as_asked(held, req, be))
		return 1;
	if (held != NULL)
		return srp_err_refuse(err, -EBUSY, "VF %s is already assigned to tenant '%s', domain '%s'",
				   name, held->tenant, held->domain);
	if (vf->driver != NULL && strcmp(vf->driver, srp_backend_stub(be)) == 0)
		return srp_err_set(err, -EBUSY, "VF %s is already bound to %s but not in the ledger; "
				   "who owns it? (srpass audit reports it as an orphan)",
				   name, vf->driver);
	/* the IOMMU group is the policy's to judge (SRP-POL-IOMMU) */
	return 0;
}

/* Ask the policy; on "no", every reason goes into err. */
static int gate(struct srp_host *host, const struct srp_config *cfg, const struct srp_ledger *l,
		const struct srp_dev *vf, const struct srp_assign_req *req,
		const struct srp_backend *be, enum srp_hwmode hw,
		const struct srp_vf_table *pf_vfs, struct srp_verdict *v, struct srp_err *err)
{
	struct srp_gate_req g = {
		.tenant = req->tenant,
		.backend = be->ops->name,
		.vlan = (uint16_t)req->vlan,
		.has_mac = req->has_mac,
		.pf_switch = hw == SRP_HWMODE_VEB ? SRP_PF_SWITCH_VEB :
			     hw == SRP_HWMODE_VEPA ? SRP_PF_SWITCH_VEPA : SRP_PF_SWITCH_UNKNOWN,
		.pf_vfs = pf_vfs,
	};
	char why[SRP_POLICY_MAX_REASONS * 120];
	int r;

	memcpy(g.mac, req->mac, sizeof(g.mac));
	r = srp_gate(host, cfg, l, vf, &g, v, err);
	if (r < 0)
		return r;
	if (!v->allow) {
		srp_verdict_format(v, why, sizeof(why));
		/* a tenant the configuration does not know is the caller's typo */
		if (srp_verdict_find(v, SRP_POL_TENANT) != NULL)
			return srp_err_input(err, -EPERM, "%s", why);
		return srp_err_refuse(err, -EPERM, "policy refuses %s for tenant '%s': %s",
				      vf->name, req->tenant, why);
	}
	return 0;
}

/* What the policy decided, kept in the ledger with the assignment. */
static void record_applied(struct srp_assignment *a, const struct srp_verdict *v)
{
	a->has_applied = 1;
	a->vlan = v->vlan;
	a->has_mac = v->has_mac;
	memcpy(a->mac, v->mac, sizeof(a->mac));
	a->spoofchk = v->spoofchk;
	a->trust = v->trust;
	a->max_rate = v->max_rate;
}

/* The switch change for a's settings; VLAN is always set (0 clears it). */
static void applied_change(const struct srp_assignment *a, struct srp_vf_change *c)
{
	memset(c, 0, sizeof(*c));
	c->set = SRP_VF_VLAN | SRP_VF_SPOOFCHK | SRP_VF_TRUST;
	c->vlan = a->vlan;
	c->vlan_proto = SRP_VF_PROTO_8021Q;
	c->spoofchk = a->spoofchk;
	c->trust = a->trust;
	if (a->has_mac) {
		c->set |= SRP_VF_MAC;
		memcpy(c->mac, a->mac, sizeof(c->mac));
	}
	if (a->max_rate) {
		c->set |= SRP_VF_MAX_RATE;
		c->max_tx_rate = a->max_rate;
	}
}

int srp_assign(struct srp_host *host, const struct srp_config *cfg,
	       const struct srp_assign_req *req, const struct srp_plan *plan, struct srp_err *err)
{
	struct srp_backend *be = NULL;
	struct srp_inventory *inv = NULL;
	struct srp_switch *sw = NULL;
	struct srp_assignment a = { 0 };
	struct srp_vf_table table = { 0 };
	struct srp_vf_change change;
	struct srp_verdict verdict;
	enum srp_hwmode hw = SRP_HWMODE_UNSUPPORTED;
	struct srp_txn t;
	const struct srp_dev *vf;
	const char *pfdev = NULL;
	char name[SRP_BDF_STRLEN], buf[256];
	int r;

	srp_bdf_format(&req->vf, name);
	if (req->tenant == NULL || !srp_name_valid(req->tenant))
		return srp_err_input(err, -EINVAL, "tenant name '%s' is not valid ([A-Za-z0-9_.-], "
				     "at most %d)", req->tenant ? req->tenant : "", SRP_NAME_MAX - 1);
	if (req->domain == NULL || !srp_name_valid(req->domain))
		return srp_err_input(err, -EINVAL, "domain name '%s' is not valid ([A-Za-z0-9_.-], "
				     "at most %d)", req->domain ? req->domain : "", SRP_NAME_MAX - 1);
	r = srp_backend_open(host, req->backend ? req->backend : "auto", &be, err);
	if (r < 0)
		return r;
	r = srp_txn_begin(host, plan, &t, err);
	if (r < 0) {
		srp_backend_close(be);
		return r;
	}
	r = srp_inventory_scan(host, &inv, err);
	if (r < 0)
		goto out;
	vf = srp_inventory_find(inv, &req->vf);
	r = check_assignable(t.l, vf, be, req, name, err);
	if (r < 0)
		goto out;
	if (r == 1) {
		srp_say(plan, "unchanged: %s is assigned to tenant '%s', domain '%s' already", name,
			req->tenant, req->domain);
		goto out;
	}

	/* the switch as it is: saved for release, and its mode for the policy */
	r = srp_vf_switch_open(host, vf, &sw, &pfdev, err);
	if (r < 0)
		goto out;
	if (pfdev == NULL) {
		r = srp_err_set(err, -ENODEV, "PF %s of VF %s has no network interface (driver: %s); "
				"srpass cannot program or check its switch", vf->pf->name, name,
				vf->pf->driver ? vf->pf->driver : "none");
		goto out;
	}
	r = srp_switch_get_vfs(sw, pfdev, &table, err);
	if (r < 0)
		goto out;
	if ((size_t)vf->vf_index >= table.n) {
		r = srp_err_set(err, -ENODEV, "PF %s reports %zu VFs; VF %d (%s) is not among them",
				pfdev, table.n, vf->vf_index, name);
		goto out;
	}
	r = srp_switch_get_hwmode(sw, pfdev, &hw, err);
	if (r < 0)
		goto out;

	r = gate(host, cfg, t.l, vf, req, be, hw, &table, &verdict, err);
	if (r < 0)
		goto out;
	r = record_original(vf, req, be, &a, err);
	if (r < 0)
		goto out;
	a.orig_switch = srp_vf_state_to_json(&table.vfs[vf->vf_index], 0);
	if (a.orig_switch == NULL) {
		r = srp_err_set(err, -ENOMEM, "out of memory");
		goto out;
	}
	record_applied(&a, &verdict);
	applied_change(&a, &change);

	srp_vf_change_format(&change, buf, sizeof(buf));
	srp_say(plan, "assign %s: policy allows it; record the VF's driver (%s) and switch state",
		name, vf->driver ? vf->driver : "none");
	srp_say(plan, "assign %s: hand it to the %s backend (%s), verify it", name, be->ops->name,
		srp_backend_stub(be));
	srp_say(plan, "assign %s: program PF %s VF %d: %s", name, pfdev, vf->vf_index, buf);
	if (req->dry_run) {
		srp_say(plan, "dry run: nothing was changed");
		r = 0;
		goto out;
	}

	/* 1: the intent, before the host changes */
	r = write_intent(&t, SRP_OP_ASSIGN, &a, err);
	if (r < 0) {
		srp_err_prefix(err, "assign %s: recording the intent: ", name);
		goto out;
	}
	/* 2: the driver; from here no host network driver holds the VF.  A
	 * backend may fail half-way: the way back is the release path. */
	r = srp_backend_prepare(be, vf, &a, err);
	if (r < 0) {
		srp_err_prefix(err, "assign %s to %s: ", name, srp_backend_stub(be));
		goto undo_driver;
	}
	/* 3: the switch, MAC and VLAN before spoof checking */
	r = srp_switch_apply(sw, pfdev, vf->pf->driver, (unsigned int)vf->vf_index, &change, NULL,
			     err);
	if (r < 0) {
		srp_err_prefix(err, "assign %s: programming PF %s VF %d: ", name, pfdev, vf->vf_index);
		goto undo_driver;
	}
	/* 4: the result; the intent goes with it.  The PF's VF count too,
	 * for restore after a reboot, if srpass did not make the VFs itself */
	r = 0;
	if (srp_ledger_pf(t.l, &vf->pf->addr) == NULL)
		r = srp_ledger_pf_set(t.l, &vf->pf->addr, vf->pf->numvfs, vf->pf->drivers_autoprobe);
	if (r == 0)
		r = srp_ledger_add(t.l, &a);
	if (r < 0)
		srp_err_set(err, r, "out of memory");
	else
		r = srp_txn_commit(&t, err);
	if (r < 0) {
		srp_err_prefix(err, "assign %s: recording the assignment: ", name);
		(void)srp_ledger_remove(t.l, &a.vf);
		goto undo_switch;
	}
	r = 0;
	goto out;

undo_switch: {
	struct srp_err undo = { 0 };

	if (srp_undo_switch(host, vf, a.orig_switch, &undo) < 0) {
		srp_err_prefix(err, "[rollback failed: %s; run 'srpass recover'] ", undo.msg);
		goto keep_intent;
	}
	}
undo_driver: {
	struct srp_err undo = { 0 };

	if (srp_backend_unprepare(be, vf, &a, &undo) < 0) {
		srp_err_prefix(err, "[rollback failed: %s; run 'srpass recover'] ", undo.msg);
		goto keep_intent;
	}
	if (srp_txn_abort(&t, &undo) < 0)
		srp_err_prefix(err, "[clearing the intent failed: %s; the next run repairs it] ",
			       undo.msg);
	goto out;
	}
keep_intent:
	/* the ledger on disk still has the intent: recover finishes the undo */
out:
	srp_vf_table_free(&table);
	srp_switch_close(sw);
	srp_assignment_clear(&a);
	srp_inventory_free(inv);
	srp_txn_end(&t);
	srp_backend_close(be);
	return r;
}

/* An assigned VF as the ledger has it: the stub driver and the switch
 * settings srpass programmed (a release that failed half-way goes back). */
int srp_reassign(struct srp_host *host, const struct srp_dev *vf, const struct srp_assignment *a,
		 struct srp_err *err)
{
	struct srp_backend *be = NULL;
	struct srp_switch *sw = NULL;
	struct srp_vf_change c;
	const char *pfdev;
	char now[256];
	int r;

	r = srp_backend_open(host, a->backend, &be, err);
	if (r < 0)
		return r;
	/* where the VF is now, not where the inventory saw it: a failed
	 * release may have moved it half-way */
	r = srp_bind_current(&host->sys, &vf->addr, now, sizeof(now), err);
	if (r == 0 && strcmp(now, srp_backend_stub(be)) != 0) {
		struct srp_assignment cur = *a;

		cur.orig_driver = now[0] ? now : NULL;
		cur.orig_override = NULL;
		r = srp_backend_prepare(be, vf, &cur, err);
	}
	srp_backend_close(be);
	if (r < 0 || !a->has_applied)
		return r;
	applied_change(a, &c);
	r = srp_vf_switch_open(host, vf, &sw, &pfdev, err);
	if (r == 0 && pfdev != NULL)
		r = srp_switch_apply(sw, pfdev, vf->pf->driver, (unsigned int)vf->vf_index, &c,
				     NULL, err);
	srp_switch_close(sw);
	return r;
}

int srp_release(struct srp_host *host, const struct srp_bdf *vfaddr, int flags,
		const struct srp_plan *plan, struct srp_err *err)
{
	int dry_run = flags & SRP_RELEASE_DRY_RUN;
	const struct srp_backend_ops *ops;
	struct srp_err uerr = { 0 };
	char users[256];
	struct srp_inventory *inv = NULL;
	struct srp_assignment a = { 0 };
	const struct srp_assignment *held;
	const struct srp_dev *vf;
	struct srp_txn t;
	char name[SRP_BDF_STRLEN];
	int r;

	srp_bdf_format(vfaddr, name);
	r = srp_txn_begin(host, plan, &t, err);
	if (r < 0)
		return r;
	held = srp_ledger_find(t.l, vfaddr);
	if (held == NULL && !(flags & SRP_RELEASE_STRICT)) {
		srp_say(plan, "unchanged: %s is not assigned", name);
		r = 1;
		goto out;
	}
	if (held == NULL) {
		r = srp_err_refuse(err, -ENOENT, "VF %s is not assigned (not in the ledger)", name);
		goto out;
	}
	if (flags & SRP_RELEASE_GONE_GUEST) {
		char why[160];

		if (srp_guest_state(&host->sys, held, why, sizeof(why)) != SRP_GUEST_GONE) {
			if (held->guest_pid > 0)
				srp_say(plan, "keep %s (%s/%s): %s", name, held->tenant,
					held->domain, why);
			r = 1;
			goto out;
		}
		srp_say(plan, "release %s (%s/%s): %s", name, held->tenant, held->domain, why);
	}
	r = srp_assignment_copy(&a, held);
	if (r < 0) {
		srp_err_set(err, r, "out of memory");
		goto out;
	}
	ops = srp_backend_find(host, a.backend);
	if (ops == NULL) {
		r = srp_err_set(err, -ENOENT, "VF %s is held by backend '%s', which this srpass "
				"does not have", name, a.backend);
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
	r = srp_backend_users(ops, host, vf, users, sizeof(users), &uerr);
	if (r < 0 && !(flags & SRP_RELEASE_FORCE)) {
		r = srp_err_set(err, r, "release %s (--force if you know it is unused): %s", name,
				uerr.msg);
		goto out;
	}
	if (r < 0) {
		srp_say(plan, "release %s: %s; going on (--force)", name, uerr.msg);
		r = 0;
	}
	if (r > 0 && !(flags & SRP_RELEASE_FORCE)) {
		r = srp_err_refuse(err, -EBUSY, "VF %s is in use by %s (domain '%s'): stop the "
				   "guest first, or release --force", name, users, a.domain);
		goto out;
	}
	if (r > 0)
		srp_say(plan, "release %s: in use by %s; going on (--force)", name, users);
	srp_say(plan, "release %s: restore its saved switch state (spoofchk and trust, VLAN, MAC)",
		name);
	srp_say(plan, "release %s: rebind to its original driver %s", name,
		a.orig_driver ? a.orig_driver : "(none: leave unbound)");
	srp_say(plan, "release %s: restore driver_override (%s)", name,
		a.orig_override ? a.orig_override : "cleared");
	if (dry_run) {
		srp_say(plan, "dry run: nothing was changed");
		r = 0;
		goto out;
	}

	r = write_intent(&t, SRP_OP_RELEASE, &a, err);
	if (r < 0) {
		srp_err_prefix(err, "release %s: recording the intent: ", name);
		goto out;
	}
	r = srp_undo_vf(host, inv, &a, err);
	if (r < 0) {
		srp_err_prefix(err, "release %s: ", name);
		goto undo;
	}
	(void)srp_ledger_remove(t.l, vfaddr);
	r = srp_txn_commit(&t, err);
	if (r < 0)
		srp_err_prefix(err, "release %s: the VF is back, but the ledger could not be "
			       "updated (the next run finishes it): ", name);
	goto out;

undo: {
	/* back to assigned, as before the command; if even that fails the
	 * intent stays and recover finishes the release */
	struct srp_err undo = { 0 };

	if (srp_reassign(host, vf, &a, &undo) < 0) {
		srp_err_prefix(err, "[going back to assigned failed too: %s; run 'srpass recover' "
			       "to finish the release] ", undo.msg);
		goto out;
	}
	if (srp_txn_abort(&t, &undo) < 0)
		srp_err_prefix(err, "[clearing the intent failed: %s] ", undo.msg);
	}
out:
	srp_assignment_clear(&a);
	srp_inventory_free(inv);
	srp_txn_end(&t);
	return r;
}

int srp_release_gone_guests(struct srp_host *host, const struct srp_plan *plan,
			    struct srp_err *err)
{
	struct srp_ledger *l = NULL;
	struct srp_bdf *vfs;
	size_t n = 0;
	int r, done = 0, first = 0;

	/* the candidates; srp_release() decides again under the lock */
	r = srp_ledger_peek(host, &l, err);
	if (r < 0)
		return r;
	vfs = calloc(l->n + 1, sizeof(*vfs));
	if (vfs == NULL) {
		srp_ledger_close(l);
		return srp_err_set(err, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < l->n; i++)
		if (l->a[i].guest_pid > 0)
			vfs[n++] = l->a[i].vf;
	srp_ledger_close(l);
	for (size_t i = 0; i < n; i++) {
		struct srp_err one = { 0 };

		r = srp_release(host, &vfs[i], SRP_RELEASE_GONE_GUEST, plan, &one);
		if (r == 0)
			done++;
		if (r < 0) {
			srp_say(plan, "%s", one.msg);
			if (first == 0) {
				*err = one;
				first = r;
			}
		}
	}
	free(vfs);
	return first < 0 ? first : done;
}
