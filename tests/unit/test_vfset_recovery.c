/* SPDX-License-Identifier: MIT */
/* srpass tests -- `vf set`: rollback, crash recovery, and the ledger records it keeps */
#include "vfset_fix.h"

/* ---- 6: crashes ---- */

/* A crash between apply and commit, by hand: the intent says what the VF
 * was; the switch has the new settings; recover puts the old back. */
static void test_recover_from_pending_vfset(void **state)
{
	struct fx *f = *state;
	const char *change[] = { "vlan", "109", "trust", "on", "max-rate", "10" };
	struct srp_err err = { 0 };
	struct lines out = { 0 };
	struct srp_ledger *l = NULL;
	struct srp_vf_state was, st;
	struct srp_bdf a = bdf(VF0);
	char *before, *after;

	assigned(f);
	was = vf_state(f, 0);
	before = snap(f);

	assert_int_equal(srp_ledger_open(f->host, &l, &err), 0);
	l->pending.op = SRP_OP_VFSET;
	l->pending.vf = a;
	l->pending.pf = bdf(PF);
	l->pending.vf_index = 0;
	l->pending.before = srp_vf_state_to_json(&was, 0);
	assert_non_null(l->pending.before);
	assert_int_equal(srp_ledger_commit(f->host, l, &err), 0);
	srp_ledger_close(l);
	switch_set(f, 0, change, 6);
	st = vf_state(f, 0);
	assert_int_equal(st.vlan, 109);
	assert_int_equal(st.trust, 1);

	assert_int_equal(srp_recover(f->host, &(struct srp_plan){ collect, &out }, &err), 1);
	assert_non_null(strstr(out.text, "vf set"));
	assert_non_null(strstr(out.text, VF0));
	st = vf_state(f, 0);
	assert_int_equal(st.vlan, was.vlan);
	assert_int_equal(st.trust, was.trust);
	assert_int_equal(st.max_tx_rate, was.max_tx_rate);
	assert_memory_equal(st.mac, was.mac, 6);
	l = ledger(f);
	assert_int_equal(l->pending.op, SRP_OP_NONE);
	assert_int_equal(l->n, 1);
	assert_int_equal(srp_ledger_find(l, &a)->vlan, 100);
	srp_ledger_close(l);
	after = snap(f);
	assert_same(before, after, "recovered vf set");
	free(before);
	free(after);
	/* and once only */
	assert_int_equal(srp_recover(f->host, NULL, &err), 0);
}

/* Every mutating step of vf set fails, and so does everything after it
 * (a disk gone read-only: no undo can be written either).  Whatever is
 * left, the next transaction's repair puts the host back as it was. */
static void test_crash_at_every_step_then_recover(void **state)
{
	struct fx *f = *state;
	unsigned int n, steps = 0, repaired = 0, left_changed = 0;
	struct srp_bdf a = bdf(VF0);
	struct srp_vf_state was;
	char *before;

	assigned(f);
	was = vf_state(f, 0);
	before = snap(f);
	for (n = 1; n < 100; n++) {
		struct srp_err err = { 0 }, rerr = { 0 };
		struct srp_vf_state st;
		struct srp_ledger *l;
		struct faulty fl;
		char *now;
		int r;

		faulty_attach(&fl, &f->host->sys, n, -EROFS);
		fl.sticky = true;
		r = vf_set(f, VF0, 0, 0, NULL, &err, "vlan", "106", "mac", "02:aa:00:00:00:66",
			   (const char *)NULL);
		faulty_detach(&fl, &f->host->sys);
		if (fl.failed == 0) {
			assert_int_equal(r, 0);
			steps = fl.count;
			break;
		}
		if (r == 0)
			fail_msg("step %u (%s %s) failed but vf set succeeded", n, fl.first_op,
				 fl.first_path);
		assert_int_not_equal(err.msg[0], '\0');
		st = vf_state(f, 0);
		if (st.vlan != was.vlan)
			left_changed++;
		l = ledger(f);
		if (l->pending.op != SRP_OP_NONE) {
			assert_int_equal(l->pending.op, SRP_OP_VFSET);
			assert_int_equal(srp_bdf_cmp(&l->pending.vf, &a), 0);
			assert_int_equal(l->pending.vf_index, 0);
			assert_non_null(l->pending.before);
		} else if (st.vlan != was.vlan) {
			fail_msg("step %u (%s %s): the switch changed and no intent says so", n,
				 fl.first_op, fl.first_path);
		}
		/* the ledger entry never shows the change that failed */
		assert_int_equal(srp_ledger_find(l, &a)->vlan, 100);
		srp_ledger_close(l);
		r = srp_recover(f->host, NULL, &rerr);
		if (r < 0)
			fail_msg("step %u (%s %s): recover: %s", n, fl.first_op, fl.first_path,
				 rerr.msg);
		repaired += r == 1;
		st = vf_state(f, 0);
		assert_int_equal(st.vlan, was.vlan);
		assert_memory_equal(st.mac, was.mac, 6);
		now = snap(f);
		{
			char what[64];

			snprintf(what, sizeof(what), "fault at step %u", n);
			assert_same(before, now, what);
		}
		free(now);
	}
	assert_true(steps >= 3);	/* intent, the switch, commit */
	assert_true(repaired >= 1);	/* some crash left an intent to repair */
	assert_true(left_changed >= 1);	/* and one left the switch changed */
	assert_int_equal(vf_state(f, 0).vlan, 106);
	free(before);
}

/* The commit after apply fails once: the switch is put back and the
 * ledger keeps the old settings, with no intent left over. */
static void test_failed_commit_rolls_back(void **state)
{
	struct fx *f = *state;
	struct srp_bdf a = bdf(VF0);
	unsigned int n;
	int seen = 0;
	char *before;

	assigned(f);
	before = snap(f);
	for (n = 1; n < 20; n++) {
		struct srp_err err = { 0 };
		struct srp_ledger *l;
		struct faulty fl;
		char *now;
		int r;

		faulty_attach(&fl, &f->host->sys, n, -ENOSPC);
		fl.only = "/var/lib/srpass";
		r = vf_set(f, VF0, 1, 0, NULL, &err, "trust", "on", (const char *)NULL);
		faulty_detach(&fl, &f->host->sys);
		if (fl.failed == 0)
			break;
		assert_true(r < 0);
		if (strstr(err.msg, "recording the change") != NULL)
			seen = 1;
		assert_int_equal(vf_state(f, 0).trust, 0);
		l = ledger(f);
		assert_int_equal(l->pending.op, SRP_OP_NONE);
		assert_int_equal(srp_ledger_find(l, &a)->trust, 0);
		assert_null(srp_ledger_find(l, &a)->forced);
		srp_ledger_close(l);
		now = snap(f);
		assert_same(before, now, "failed commit");
		free(now);
	}
	assert_true(seen);
	free(before);
}

/* The switch refuses a step after others were applied (a rate on a PF
 * whose link is down): every step is undone and the ledger keeps the old
 * settings, with no intent left. */
static void test_switch_refusal_rolls_back(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	struct srp_bdf a = bdf(VF0);
	struct srp_vf_state was, st;
	struct srp_ledger *l;
	char path[PATH_MAX];
	char *before, *after;

	assigned(f);
	snprintf(path, sizeof(path), "%s/net/" PFDEV "/operstate", fakehost_dev_dir(f->fh, PF));
	assert_int_equal(fakehost_write(f->fh, path, "down\n"), 0);
	was = vf_state(f, 0);
	before = snap(f);
	assert_true(vf_set(f, VF0, 0, 0, NULL, &err, "mac", "02:aa:00:00:00:31", "vlan", "103",
			   "max-rate", "400", (const char *)NULL) < 0);
	assert_non_null(strstr(err.msg, PFDEV));
	st = vf_state(f, 0);
	assert_int_equal(st.vlan, was.vlan);
	assert_memory_equal(st.mac, was.mac, 6);
	assert_int_equal(st.max_tx_rate, was.max_tx_rate);
	l = ledger(f);
	assert_int_equal(l->pending.op, SRP_OP_NONE);
	assert_int_equal(srp_ledger_find(l, &a)->vlan, 100);
	assert_int_equal(srp_ledger_find(l, &a)->max_rate, 1000);
	srp_ledger_close(l);
	after = snap(f);
	assert_same(before, after, "refused by the switch");
	free(before);
	free(after);
}

/* ---- 7: the ledger keeps forced and the vfset intent ---- */

static char *ledger_file(struct fx *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", fakehost_root(f->fh), LEDGER);
	return buf;
}

static void test_ledger_round_trip(void **state)
{
	struct fx *f = *state;
	struct srp_assignment x = { 0 };
	struct srp_vf_state st, back;
	struct srp_err err = { 0 };
	struct srp_ledger *l = NULL;
	const struct srp_assignment *e;
	struct srp_bdf a = bdf(VF1);

	x.vf = a;
	x.pf = bdf(PF);
	x.vf_index = 1;
	strcpy(x.tenant, "blue");
	strcpy(x.domain, "vm9");
	strcpy(x.backend, "kvm");
	x.orig_driver = (char *)"iavf";
	x.has_applied = 1;
	x.vlan = 104;
	x.has_mac = 1;
	memcpy(x.mac, (uint8_t[]){ 2, 0xaa, 0, 0, 0, 5 }, 6);
	x.spoofchk = 1;
	x.trust = 1;
	x.max_rate = 250;
	x.forced = (char *)"SRP-POL-TRUST: tenant 'blue' may not have trusted VFs";

	srp_vf_state_init(&st, 1);
	st.known = SRP_VF_MAC | SRP_VF_VLAN | SRP_VF_SPOOFCHK | SRP_VF_TRUST;
	memcpy(st.mac, (uint8_t[]){ 2, 0xaa, 0, 0, 0, 4 }, 6);
	st.vlan = 103;
	st.qos = 0;
	st.vlan_proto = SRP_VF_PROTO_8021Q;
	st.spoofchk = 1;
	st.trust = 0;

	assert_int_equal(srp_ledger_open(f->host, &l, &err), 0);
	assert_int_equal(srp_ledger_add(l, &x), 0);
	l->pending.op = SRP_OP_VFSET;
	l->pending.vf = a;
	l->pending.pf = bdf(PF);
	l->pending.vf_index = 1;
	l->pending.before = srp_vf_state_to_json(&st, 0);
	if (srp_ledger_commit(f->host, l, &err) < 0)
		fail_msg("commit: %s", err.msg);
	srp_ledger_close(l);

	l = ledger(f);
	assert_int_equal(l->n, 1);
	e = srp_ledger_find(l, &a);
	assert_non_null(e);
	assert_string_equal(e->forced, x.forced);
	assert_int_equal(e->vlan, 104);
	assert_int_equal(e->trust, 1);
	assert_int_equal(e->max_rate, 250);
	assert_memory_equal(e->mac, x.mac, 6);
	assert_int_equal(l->pending.op, SRP_OP_VFSET);
	assert_int_equal(srp_bdf_cmp(&l->pending.vf, &a), 0);
	assert_int_equal(srp_bdf_cmp(&l->pending.pf, &x.pf), 0);
	assert_int_equal(l->pending.vf_index, 1);
	assert_non_null(l->pending.before);
	if (srp_vf_state_from_json(l->pending.before, &back, &err) < 0)
		fail_msg("before: %s", err.msg);
	assert_int_equal(back.index, 1);
	assert_int_equal(back.vlan, 103);
	assert_int_equal(back.trust, 0);
	assert_memory_equal(back.mac, st.mac, 6);
	srp_ledger_close(l);
}

/* Rewrite the ledger file with assignments[0].forced (or pending) set
 * to v (owned by the call), and peek: the result. */
static int peek_with(struct fx *f, const char *key, struct json_object *v, int in_pending)
{
	char path[PATH_MAX];
	struct json_object *o, *t;
	struct srp_ledger *l = NULL;
	struct srp_err err = { 0 };
	int r;

	o = json_object_from_file(ledger_file(f, path, sizeof(path)));
	assert_non_null(o);
	if (in_pending) {
		assert_true(json_object_object_get_ex(o, "pending", &t));
	} else {
		assert_true(json_object_object_get_ex(o, "assignments", &t));
		t = json_object_array_get_idx(t, 0);
	}
	assert_non_null(t);
	json_object_object_add(t, key, v);
	assert_int_equal(json_object_to_file(path, o), 0);
	json_object_put(o);
	r = srp_ledger_peek(f->host, &l, &err);
	if (r == 0)
		srp_ledger_close(l);
	else
		assert_non_null(strstr(err.msg, "ledger"));
	return r;
}

static void test_ledger_refuses_malformed_forced(void **state)
{
	struct fx *f = *state;
	char path[PATH_MAX];
	struct json_object *good;

	assigned(f);
	good = json_object_from_file(ledger_file(f, path, sizeof(path)));
	assert_non_null(good);

	assert_int_equal(peek_with(f, "forced", json_object_new_int(7), 0), -EBADMSG);
	assert_int_equal(json_object_to_file(path, good), 0);
	assert_int_equal(peek_with(f, "forced", json_object_new_string(""), 0), -EBADMSG);
	assert_int_equal(json_object_to_file(path, good), 0);
	assert_int_equal(peek_with(f, "forced", json_object_new_string("SRP-POL-TRUST\nx"), 0),
			 -EBADMSG);
	assert_int_equal(json_object_to_file(path, good), 0);
	assert_int_equal(peek_with(f, "forced", json_object_new_boolean(1), 0), -EBADMSG);
	assert_int_equal(json_object_to_file(path, good), 0);
	/* a string is fine, and so is null (no override) */
	assert_int_equal(peek_with(f, "forced", json_object_new_string("SRP-POL-RATE: x"), 0), 0);
	assert_int_equal(json_object_to_file(path, good), 0);
	assert_int_equal(peek_with(f, "forced", NULL, 0), 0);
	assert_int_equal(json_object_to_file(path, good), 0);
	json_object_put(good);
}

static void test_ledger_refuses_malformed_pending_vfset(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	struct srp_ledger *l = NULL;
	struct srp_vf_state st;
	char path[PATH_MAX];
	struct json_object *good;

	assigned(f);
	st = vf_state(f, 0);
	assert_int_equal(srp_ledger_open(f->host, &l, &err), 0);
	l->pending.op = SRP_OP_VFSET;
	l->pending.vf = bdf(VF0);
	l->pending.pf = bdf(PF);
	l->pending.before = srp_vf_state_to_json(&st, 0);
	assert_int_equal(srp_ledger_commit(f->host, l, &err), 0);
	srp_ledger_close(l);
	good = json_object_from_file(ledger_file(f, path, sizeof(path)));
	assert_non_null(good);

	assert_int_equal(peek_with(f, "before", json_object_new_int(1), 1), -EBADMSG);
	assert_int_equal(json_object_to_file(path, good), 0);
	assert_int_equal(peek_with(f, "vf", json_object_new_string("nope"), 1), -EBADMSG);
	assert_int_equal(json_object_to_file(path, good), 0);
	assert_int_equal(peek_with(f, "vf_index", json_object_new_int(-1), 1), -EBADMSG);
	assert_int_equal(json_object_to_file(path, good), 0);
	assert_int_equal(peek_with(f, "vf_index", json_object_new_int(0), 1), 0);
	json_object_put(good);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_recover_from_pending_vfset),
		T(test_crash_at_every_step_then_recover),
		T(test_failed_commit_rolls_back),
		T(test_switch_refusal_rolls_back),
		T(test_ledger_round_trip),
		T(test_ledger_refuses_malformed_forced),
		T(test_ledger_refuses_malformed_pending_vfset),
	};
#undef T

	return cmocka_run_group_tests_name("vfset-recovery", tests, NULL, NULL);
}
