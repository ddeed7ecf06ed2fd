/* SPDX-License-Identifier: MIT */
/* srpass tests -- `vf set`: every policy refusal, an allowed change, --force, dry run */
#include "vfset_fix.h"

/* ---- 1: every rule refuses, and leaves everything as it was ---- */

static void test_refuse_trust(void **state)
{
	struct fx *f = *state;

	assigned(f);
	refused(f, VF0, "SRP-POL-TRUST", "trust", "on");
	assert_int_equal(vf_state(f, 0).trust, 0);
}

static void test_refuse_spoofchk(void **state)
{
	struct fx *f = *state;

	assigned(f);
	refused(f, VF0, "SRP-POL-SPOOFCHK", "spoofchk", "off");
	assert_int_equal(vf_state(f, 0).spoofchk, 1);
}

static void test_refuse_vlan(void **state)
{
	struct fx *f = *state;

	assigned(f);
	refused(f, VF0, "SRP-POL-VLAN", "vlan", "300");
	assert_int_equal(vf_state(f, 0).vlan, 100);
	/* red's VLAN that blue does not share: not blue's either */
	refused(f, VF0, "SRP-POL-VLAN", "vlan", "115");
	assert_int_equal(vf_state(f, 0).vlan, 100);
}

static void test_refuse_vlan_removed(void **state)
{
	struct fx *f = *state;

	assigned(f);
	/* blue has 11 VLANs and needs one: untagged is refused */
	refused(f, VF0, "SRP-POL-VLAN-REQUIRED", "vlan", "0");
	assert_int_equal(vf_state(f, 0).vlan, 100);
}

/* The config keeps tenants' VLANs apart; only a forced `vf set` of
 * another tenant's VF can put blue's VLAN on the PF. */
static void test_refuse_vlan_conflict(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	struct srp_ledger *l;
	struct srp_bdf b = bdf(VF1);

	assigned(f);
	do_assign(f, VF1, "red", 115);
	assert_int_equal(vf_state(f, 1).vlan, 115);
	/* red may not have 105 either ... */
	assert_int_equal(vf_set(f, VF1, 0, 0, NULL, &err, "vlan", "105", (const char *)NULL),
			 -EPERM);
	assert_non_null(strstr(err.msg, "SRP-POL-VLAN"));
	assert_non_null(strstr(err.msg, "red"));
	/* ... unless forced */
	if (vf_set(f, VF1, 1, 0, NULL, &err, "vlan", "105", (const char *)NULL) < 0)
		fail_msg("forced: %s", err.msg);
	assert_int_equal(vf_state(f, 1).vlan, 105);
	l = ledger(f);
	assert_int_equal(srp_ledger_find(l, &b)->vlan, 105);
	assert_non_null(strstr(srp_ledger_find(l, &b)->forced, "SRP-POL-VLAN"));
	srp_ledger_close(l);

	refused(f, VF0, "SRP-POL-VLAN-CONFLICT", "vlan", "105");
	assert_int_equal(vf_state(f, 0).vlan, 100);
	/* another of blue's VLANs is fine */
	if (vf_set(f, VF0, 0, 0, NULL, &err, "vlan", "106", (const char *)NULL) < 0)
		fail_msg("vf set: %s", err.msg);
	assert_int_equal(vf_state(f, 0).vlan, 106);
}

static void test_refuse_mac(void **state)
{
	struct fx *f = *state;
	struct srp_vf_state was;

	assigned(f);
	was = vf_state(f, 0);
	refused(f, VF0, "SRP-POL-MAC", "mac", "02:cc:00:00:00:01");
	assert_memory_equal(vf_state(f, 0).mac, was.mac, 6);
}

static void test_refuse_mac_conflict(void **state)
{
	struct fx *f = *state;
	const char *plant[] = { "mac", "02:aa:00:00:00:99" };
	struct srp_vf_state was;

	assigned(f);
	switch_set(f, 2, plant, 2);	/* someone else's VF, not in the ledger */
	was = vf_state(f, 0);
	refused(f, VF0, "SRP-POL-MAC-CONFLICT", "mac", "02:aa:00:00:00:99");
	assert_memory_equal(vf_state(f, 0).mac, was.mac, 6);
}

static void test_refuse_rate(void **state)
{
	struct fx *f = *state;

	assigned(f);
	refused(f, VF0, "SRP-POL-RATE", "max-rate", "2000");
	assert_int_equal(vf_state(f, 0).max_tx_rate, 1000);
	/* unlimited is above any max_rate */
	refused(f, VF0, "SRP-POL-RATE", "max-rate", "0");
	assert_int_equal(vf_state(f, 0).max_tx_rate, 1000);
}

/* One refusal names every rule at once. */
static void test_refuse_names_every_rule(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	struct srp_vf_state st;

	assigned(f);
	assert_int_equal(vf_set(f, VF0, 0, 0, NULL, &err, "trust", "on", "spoofchk", "off",
				"vlan", "300", "mac", "02:cc:00:00:00:01", (const char *)NULL),
			 -EPERM);
	assert_non_null(strstr(err.msg, "SRP-POL-TRUST"));
	assert_non_null(strstr(err.msg, "SRP-POL-SPOOFCHK"));
	assert_non_null(strstr(err.msg, "SRP-POL-VLAN"));
	assert_non_null(strstr(err.msg, "SRP-POL-MAC"));
	st = vf_state(f, 0);
	assert_int_equal(st.trust, 0);
	assert_int_equal(st.spoofchk, 1);
	assert_int_equal(st.vlan, 100);
}

/* ---- 2: an allowed change is applied and recorded ---- */

static void test_allowed_change_is_applied_and_recorded(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	struct lines out = { 0 };
	struct srp_bdf a = bdf(VF0);
	const struct srp_assignment *e;
	struct srp_ledger *l;
	struct srp_vf_state st;
	char m[SRP_VF_MACSTRLEN];

	assigned(f);
	if (vf_set(f, VF0, 0, 0, &out, &err, "vlan", "107", "mac", "02:aa:00:00:00:42",
		   "max-rate", "500", (const char *)NULL) < 0)
		fail_msg("vf set: %s", err.msg);
	st = vf_state(f, 0);
	assert_int_equal(st.vlan, 107);
	assert_string_equal(mac_str(st.mac, m), "02:aa:00:00:00:42");
	assert_int_equal(st.max_tx_rate, 500);
	assert_int_equal(st.spoofchk, 1);
	assert_int_equal(st.trust, 0);
	assert_non_null(strstr(out.text, "set "));
	assert_non_null(strstr(out.text, "vlan 107"));
	assert_null(strstr(out.text, "would set"));

	l = ledger(f);
	assert_int_equal(l->n, 1);
	assert_int_equal(l->pending.op, SRP_OP_NONE);
	e = srp_ledger_find(l, &a);
	assert_non_null(e);
	assert_true(e->has_applied);
	assert_int_equal(e->vlan, 107);
	assert_true(e->has_mac);
	assert_string_equal(mac_str(e->mac, m), "02:aa:00:00:00:42");
	assert_int_equal(e->max_rate, 500);
	assert_int_equal(e->spoofchk, 1);
	assert_int_equal(e->trust, 0);
	assert_null(e->forced);
	assert_string_equal(e->tenant, "blue");
	srp_ledger_close(l);

	/* and a second change builds on the recorded one */
	if (vf_set(f, VF0, 0, 0, NULL, &err, "vlan", "108", (const char *)NULL) < 0)
		fail_msg("vf set: %s", err.msg);
	st = vf_state(f, 0);
	assert_int_equal(st.vlan, 108);
	assert_string_equal(mac_str(st.mac, m), "02:aa:00:00:00:42");
	l = ledger(f);
	e = srp_ledger_find(l, &a);
	assert_int_equal(e->vlan, 108);
	assert_string_equal(mac_str(e->mac, m), "02:aa:00:00:00:42");
	assert_int_equal(e->max_rate, 500);
	srp_ledger_close(l);
}

/* ---- 3: --force applies and records what it overrode ---- */

static void test_force_applies_and_records(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	struct lines out = { 0 };
	struct srp_bdf a = bdf(VF0);
	const struct srp_assignment *e;
	struct srp_ledger *l;

	assigned(f);
	if (vf_set(f, VF0, 1, 0, &out, &err, "trust", "on", (const char *)NULL) < 0)
		fail_msg("vf set --force: %s", err.msg);
	assert_int_equal(vf_state(f, 0).trust, 1);
	assert_non_null(strstr(out.text, "forced"));
	assert_non_null(strstr(out.text, "SRP-POL-TRUST"));
	l = ledger(f);
	e = srp_ledger_find(l, &a);
	assert_non_null(e);
	assert_int_equal(e->trust, 1);
	assert_non_null(e->forced);
	assert_non_null(strstr(e->forced, "SRP-POL-TRUST"));
	assert_null(strstr(e->forced, "SRP-POL-SPOOFCHK"));
	assert_int_equal(l->pending.op, SRP_OP_NONE);
	srp_ledger_close(l);

	/* the VF is trusted now: the next change is judged with that too */
	refused(f, VF0, "SRP-POL-TRUST", "vlan", "102");
	assert_int_equal(vf_state(f, 0).vlan, 100);

	/* a second forced change adds to the record */
	if (vf_set(f, VF0, 1, 0, NULL, &err, "spoofchk", "off", (const char *)NULL) < 0)
		fail_msg("vf set --force: %s", err.msg);
	assert_int_equal(vf_state(f, 0).spoofchk, 0);
	l = ledger(f);
	e = srp_ledger_find(l, &a);
	assert_int_equal(e->spoofchk, 0);
	assert_non_null(strstr(e->forced, "SRP-POL-TRUST"));
	assert_non_null(strstr(e->forced, "SRP-POL-SPOOFCHK"));
	srp_ledger_close(l);

	/* back within the policy: no force needed */
	if (vf_set(f, VF0, 0, 0, NULL, &err, "trust", "off", "spoofchk", "on",
		   (const char *)NULL) < 0)
		fail_msg("vf set: %s", err.msg);
	assert_int_equal(vf_state(f, 0).trust, 0);
	assert_int_equal(vf_state(f, 0).spoofchk, 1);
}

/* ---- 4: a VF the ledger does not hold has no policy ---- */

static void test_unassigned_vf_has_no_policy(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	struct srp_bdf a = bdf(VF2);
	struct srp_ledger *l;

	assigned(f);
	assert_int_equal(vf_state(f, 2).trust, 0);
	if (vf_set(f, VF2, 0, 0, NULL, &err, "trust", "on", "vlan", "3000", (const char *)NULL) < 0)
		fail_msg("vf set: %s", err.msg);
	assert_int_equal(vf_state(f, 2).trust, 1);
	assert_int_equal(vf_state(f, 2).vlan, 3000);
	l = ledger(f);
	assert_int_equal(l->n, 1);
	assert_null(srp_ledger_find(l, &a));
	assert_int_equal(l->pending.op, SRP_OP_NONE);
	srp_ledger_close(l);
	/* and the assigned one is untouched */
	assert_int_equal(vf_state(f, 0).vlan, 100);
}

static void test_not_a_vf(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	char *before, *after;

	assigned(f);
	before = snap(f);
	assert_int_equal(vf_set(f, PF, 0, 0, NULL, &err, "trust", "on", (const char *)NULL),
			 -ENODEV);
	assert_non_null(strstr(err.msg, "not an SR-IOV VF"));
	after = snap(f);
	assert_same(before, after, "vf set on a PF");
	free(before);
	free(after);
}

/* ---- 5: a dry run tells and changes nothing ---- */

static void test_dry_run_changes_nothing(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	struct lines out = { 0 };
	char *before, *after;

	assigned(f);
	before = snap(f);
	if (vf_set(f, VF0, 0, 1, &out, &err, "vlan", "105", "mac", "02:aa:00:00:00:07",
		   (const char *)NULL) < 0)
		fail_msg("dry run: %s", err.msg);
	assert_non_null(strstr(out.text, "would set"));
	assert_non_null(strstr(out.text, "vlan 105"));
	assert_non_null(strstr(out.text, "mac 02:aa:00:00:00:07"));
	assert_true(out.n >= 2);	/* one line per step */
	after = snap(f);
	assert_same(before, after, "dry run");
	free(after);

	/* a forced dry run says so, and still changes nothing */
	memset(&out, 0, sizeof(out));
	if (vf_set(f, VF0, 1, 1, &out, &err, "trust", "on", (const char *)NULL) < 0)
		fail_msg("forced dry run: %s", err.msg);
	assert_non_null(strstr(out.text, "SRP-POL-TRUST"));
	assert_non_null(strstr(out.text, "would set trust on"));
	after = snap(f);
	assert_same(before, after, "forced dry run");
	free(after);

	/* a refused dry run is refused */
	assert_int_equal(vf_set(f, VF0, 0, 1, NULL, &err, "trust", "on", (const char *)NULL),
			 -EPERM);
	after = snap(f);
	assert_same(before, after, "refused dry run");
	free(after);
	free(before);
	assert_int_equal(vf_state(f, 0).vlan, 100);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_refuse_trust),
		T(test_refuse_spoofchk),
		T(test_refuse_vlan),
		T(test_refuse_vlan_removed),
		T(test_refuse_vlan_conflict),
		T(test_refuse_mac),
		T(test_refuse_mac_conflict),
		T(test_refuse_rate),
		T(test_refuse_names_every_rule),
		T(test_allowed_change_is_applied_and_recorded),
		T(test_force_applies_and_records),
		T(test_unassigned_vf_has_no_policy),
		T(test_not_a_vf),
		T(test_dry_run_changes_nothing),
	};
#undef T

	return cmocka_run_group_tests_name("vfset", tests, NULL, NULL);
}
