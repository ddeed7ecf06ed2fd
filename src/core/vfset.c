/* SPDX-License-Identifier: MIT */
/* srpass -- the `vf set` transaction */
#include "core/vfset.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/gate.h"
#include "core/host.h"
#include "core/ledger.h"
#include "core/txn.h"
#include "core/undo.h"
#include "srpass/err.h"
#include "srpass/inventory.h"
#include "switch/vfswitch.h"

/* The settings an assigned VF would have after c: its assignment's with
 * c on top, as the policy judges an assignment. */
static void wanted(const struct srp_assignment *a, const struct srp_vf_change *c,
		   struct srp_gate_req *g)
{
	g->tenant = a->tenant;
	g->backend = a->backend;
	g->vlan = (uint16_t)(c->set & SRP_VF_VLAN ? c->vlan : a->vlan);
	g->has_mac = c->set & SRP_VF_MAC ? true : a->has_mac;
	memcpy(g->mac, c->set & SRP_VF_MAC ? c->mac : a->mac, sizeof(g->mac));
	g->rate = c->set & SRP_VF_MAX_RATE ? c->max_tx_rate : a->max_rate;
	g->trust = c->set & SRP_VF_TRUST ? c->trust : a->trust;
	g->spoofchk_off = !(c->set & SRP_VF_SPOOFCHK ? c->spoofchk : a->spoofchk);
}

static void add_reason(struct srp_verdict *v, const char *id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void add_reason(struct srp_verdict *v, const char *id, const char *fmt, ...)
{
	va_list ap;

	v->allow = false;
	if (v->n_reasons == SRP_POLICY_MAX_REASONS) {
		v->n_dropped++;
		return;
	}
	v->reasons[v->n_reasons].id = id;
	va_start(ap, fmt);
	vsnprintf(v->reasons[v->n_reasons].msg, sizeof(v->reasons[0].msg), fmt, ap);
	va_end(ap);
	v->n_reasons++;
}

/*
 * The policy fills in what an assignment leaves open (a VLAN, a rate);
 * a `vf set` leaves nothing open, so where the policy would have chosen
 * otherwise, the explicit value is what it refuses.
 */
static void judge_explicit(const struct srp_assignment *a, const struct srp_vf_change *c,
			   struct srp_verdict *v)
{
	if (!v->allow)
		return;
	if ((c->set & SRP_VF_VLAN) && c->vlan != v->vlan)
		add_reason(v, SRP_POL_VLAN_REQUIRED, "tenant '%s' needs VLAN %u on this VF, not %s",
			   a->tenant, v->vlan, c->vlan ? "another" : "none");
	if ((c->set & SRP_VF_MAX_RATE) && c->max_tx_rate != v->max_rate)
		add_reason(v, SRP_POL_RATE, "tenant '%s' has max_rate %u Mbps; the VF may not be "
			   "unlimited", a->tenant, v->max_rate);
}

/* The settings now in force, for the ledger (restore re-applies them). */
static void record(struct srp_assignment *a, const struct srp_vf_change *c)
{
	if (c->set & SRP_VF_VLAN)
		a->vlan = c->vlan;
	if (c->set & SRP_VF_MAC) {
		a->has_mac = 1;
		memcpy(a->mac, c->mac, sizeof(a->mac));
	}
	if (c->set & SRP_VF_SPOOFCHK)
		a->spoofchk = c->spoofchk;
	if (c->set & SRP_VF_TRUST)
		a->trust = c->trust;
	if (c->set & SRP_VF_MAX_RATE)
		a->max_rate = c->max_tx_rate;
	a->has_applied = 1;
}

static int note_forced(struct srp_assignment *a, const char *why)
{
	size_t n = (a->forced ? strlen(a->forced) + 2 : 0) + strlen(why) + 1;
	char *s;

	if (n > 4096)
		return 0;	/* the first refusals are the ones that matter */
	s = malloc(n);
	if (s == NULL)
		return -ENOMEM;
	snprintf(s, n, "%s%s%s", a->forced ? a->forced : "", a->forced ? "; " : "", why);
	free(a->forced);
	a->forced = s;
	return 0;
}

int srp_vf_set(struct srp_host *host, const struct srp_config *cfg,
	       const struct srp_vf_set_req *req, const struct srp_plan *plan, struct srp_err *err)
{
	const struct srp_vf_change *c = req->change;
	struct srp_vf_change steps[SRP_VF_MAX_STEPS];
	struct srp_assignment old = { 0 };
	struct json_object *before = NULL;
	struct srp_inventory *inv = NULL;
	struct srp_switch *sw = NULL;
	struct srp_vf_table table = { 0 };
	struct srp_assignment *held;
	struct srp_verdict v = { .allow = true };
	struct srp_pending *p;
	struct srp_txn t;
	const struct srp_dev *vf;
	const char *pfdev = NULL;
	char name[SRP_BDF_STRLEN], words[256], why[SRP_POLICY_MAX_REASONS * 220] = "";
	int r, n;

	srp_bdf_format(&req->vf, name);
	r = srp_txn_begin(host, plan, &t, err);
	if (r < 0)
		return r;
	r = srp_inventory_scan(host, &inv, err);
	if (r < 0)
		goto out;
	vf = srp_inventory_find(inv, &req->vf);
	if (vf == NULL || vf->kind != SRP_DEV_VF || vf->pf == NULL) {
		r = srp_err_set(err, -ENODEV, "%s is not an SR-IOV VF on this host", name);
		goto out;
	}
	r = srp_vf_switch_open(host, vf, &sw, &pfdev, err);
	if (r == 0 && pfdev == NULL)
		r = srp_err_set(err, -ENODEV, "PF %s has no network interface: its switch cannot "
				"be programmed", vf->pf->name);
	if (r == 0)
		r = srp_switch_get_vfs(sw, pfdev, &table, err);
	if (r == 0 && (size_t)vf->vf_index >= table.n)
		r = srp_err_set(err, -ENODEV, "PF %s reports %zu VFs; VF %d is not among them",
				pfdev, table.n, vf->vf_index);
	if (r == 0)
		r = srp_vf_change_check(c, &table.vfs[vf->vf_index], err);
	if (r < 0)
		goto out;

	held = srp_ledger_find(t.l, &vf->addr);
	if (held != NULL) {
		struct srp_gate_req g = { 0 };
		enum srp_hwmode hw = SRP_HWMODE_UNSUPPORTED;

		if (srp_switch_get_hwmode(sw, pfdev, &hw, NULL) == 0)
			g.pf_switch = hw == SRP_HWMODE_VEB ? SRP_PF_SWITCH_VEB :
				      hw == SRP_HWMODE_VEPA ? SRP_PF_SWITCH_VEPA :
							      SRP_PF_SWITCH_UNKNOWN;
		wanted(held, c, &g);
		g.pf_vfs = &table;
		r = srp_gate(host, cfg, t.l, vf, &g, &v, err);
		if (r < 0)
			goto out;
		judge_explicit(held, c, &v);
		if (!v.allow) {
			srp_verdict_format(&v, why, sizeof(why));
			if (!req->force) {
				r = srp_err_refuse(err, -EPERM, "policy of tenant '%s' refuses it (--force "
						"overrides): %s", held->tenant, why);
				goto out;
			}
			srp_say(plan, "VF %s: forced past the policy of tenant '%s': %s", name,
				held->tenant, why);
		}
	}

	n = srp_vf_apply_order(c, steps, SRP_VF_MAX_STEPS);
	for (int i = 0; req->dry_run && i < n; i++) {
		(void)srp_vf_change_format(&steps[i], words, sizeof(words));
		srp_say(plan, "VF %s ('%s' vf %d): would set %s", name, pfdev, vf->vf_index, words);
	}
	if (req->dry_run) {
		r = 0;
		goto out;
	}

	/* the intent: the VF's state now, for the way back */
	p = &t.l->pending;
	srp_pending_clear(p);
	p->op = SRP_OP_VFSET;
	p->vf = vf->addr;
	p->pf = vf->pf->addr;
	p->vf_index = vf->vf_index;
	before = srp_vf_state_to_json(&table.vfs[vf->vf_index], 0);
	if (before == NULL || (held != NULL && srp_assignment_copy(&old, held) < 0)) {
		r = srp_err_set(err, -ENOMEM, "out of memory");
		goto out;
	}
	p->before = json_object_get(before);
	r = srp_txn_intent(&t, err);
	if (r < 0)
		goto out;
	r = srp_switch_apply(sw, pfdev, vf->pf->driver, (unsigned int)vf->vf_index, c, NULL, err);
	if (r < 0)
		goto undo;
	if (held != NULL) {
		record(held, c);
		if (!v.allow && note_forced(held, why) < 0) {
			r = srp_err_set(err, -ENOMEM, "out of memory");
			goto undo;
		}
	}
	r = srp_txn_commit(&t, err);
	if (r < 0) {
		srp_err_prefix(err, "recording the change: ");
		goto undo;
	}
	(void)srp_vf_change_format(c, words, sizeof(words));
	srp_say(plan, "VF %s ('%s' vf %d): set %s", name, pfdev, vf->vf_index, words);
	goto out;

undo: {
	struct srp_err undo = { 0 };

	/* the ledger entry as it was, and the switch: srp_switch_apply put
	 * back what it could, this makes sure */
	if (held != NULL) {
		srp_assignment_clear(held);
		*held = old;
		memset(&old, 0, sizeof(old));
	}
	if (srp_undo_switch(host, vf, before, &undo) < 0) {
		srp_err_prefix(err, "[rollback failed: %s; run 'srpass recover'] ", undo.msg);
		goto out;	/* the intent stays on disk */
	}
	if (srp_txn_abort(&t, &undo) < 0)
		srp_err_prefix(err, "[clearing the intent failed: %s; the next run repairs it] ",
			       undo.msg);
	}
out:
	srp_assignment_clear(&old);
	if (before)
		json_object_put(before);
	srp_vf_table_free(&table);
	srp_switch_close(sw);
	srp_inventory_free(inv);
	srp_txn_end(&t);
	return r;
}
