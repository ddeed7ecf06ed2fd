/* SPDX-License-Identifier: MIT */
/* srpass tests -- the isolation policy: dedicated PFs, switch, trust, spoofchk, rate, many reasons */
#include "policy_fix.h"

static void test_dedicated(void **state)
{
	struct srp_policy_peer p[] = { peer("b", 1, 200) };
	struct srp_policy_query q = query("d", 0);
	struct srp_verdict v;

	(void)state;
	q.peers = p;
	q.n_peers = 1;
	v = judge(&q);
	denied(v, SRP_POL_DEDICATED, "tenant 'd' needs a PF of its own, and PF 0000:03:00.0 has "
	       "VF 0000:03:03.1 of tenant 'b'");
	/* nor may a shared tenant join a dedicated tenant's PF */
	p[0] = peer("d", 1, 300);
	q = query("b", 0);
	q.peers = p;
	q.n_peers = 1;
	v = judge(&q);
	denied(v, SRP_POL_DEDICATED, "PF 0000:03:00.0 is dedicated to tenant 'd'");
	/* a dedicated tenant's own VFs share as they like */
	q = query("d", 0);
	q.peers = p;
	q.n_peers = 1;
	v = judge(&q);
	allowed(v);
	/* two shared tenants */
	p[0] = peer("a", 1, 100);
	q = query("b", 0);
	q.peers = p;
	q.n_peers = 1;
	v = judge(&q);
	allowed(v);
}

static void test_switch(void **state)
{
	struct srp_policy_peer p[] = { peer("b", 1, 200) };
	struct srp_policy_query q = query("v", 0);
	struct srp_verdict v;

	(void)state;
	q.peers = p;
	q.n_peers = 1;
	v = judge(&q);
	denied(v, SRP_POL_SWITCH, "tenant 'v' requires VEPA on a shared PF; PF 0000:03:00.0 is in "
	       "VEB mode and tenant 'b' uses it");
	q.pf_switch = SRP_PF_SWITCH_UNKNOWN;
	v = judge(&q);
	denied(v, SRP_POL_SWITCH, "is in unknown mode");
	q.pf_switch = SRP_PF_SWITCH_VEPA;
	v = judge(&q);
	allowed(v);
	/* alone on a VEB PF: nobody to be switched to locally */
	q.pf_switch = SRP_PF_SWITCH_VEB;
	q.n_peers = 0;
	v = judge(&q);
	allowed(v);

	/* joining a VEB PF where a vepa tenant is */
	p[0] = peer("v", 1, 400);
	q = query("b", 0);
	q.peers = p;
	q.n_peers = 1;
	v = judge(&q);
	denied(v, SRP_POL_SWITCH, "tenant 'v' on PF 0000:03:00.0 requires VEPA on a shared PF");
	q.pf_switch = SRP_PF_SWITCH_VEPA;
	v = judge(&q);
	allowed(v);

	/* veb tenants stay off VEPA PFs; unknown is not VEPA */
	q = query("w", 0);
	q.pf_switch = SRP_PF_SWITCH_VEPA;
	v = judge(&q);
	denied(v, SRP_POL_SWITCH, "tenant 'w' requires VEB switching and PF 0000:03:00.0 is in "
	       "VEPA mode");
	q.pf_switch = SRP_PF_SWITCH_UNKNOWN;
	v = judge(&q);
	allowed(v);
}

static void test_trust(void **state)
{
	struct srp_policy_peer p[] = { peer("b", 1, 200) };
	struct srp_policy_query q = query("b", 0);
	struct srp_verdict v;

	(void)state;
	q.trust = true;
	v = judge(&q);
	denied(v, SRP_POL_TRUST, "tenant 'b' may not have trusted VFs");
	q = query("a", 100);
	q.trust = true;
	v = judge(&q);
	allowed(v);
	assert_true(v.trust);
	q.peers = p;
	q.n_peers = 1;
	v = judge(&q);
	denied(v, SRP_POL_TRUST, "a trusted VF may not share PF 0000:03:00.0 with tenant 'b'");
	/* next to another tenant's trusted VF */
	q.trust = false;
	p[0].trusted = true;
	v = judge(&q);
	denied(v, SRP_POL_TRUST, "VF 0000:03:03.1 of tenant 'b' on PF 0000:03:00.0 is trusted");
	p[0].trusted = false;
	v = judge(&q);
	allowed(v);
	assert_false(v.trust);
}

static void test_spoofchk(void **state)
{
	struct srp_policy_peer p[] = { peer("b", 1, 200) };
	struct srp_policy_query q = query("b", 0);
	struct srp_verdict v;

	(void)state;
	q.spoofchk_off = true;
	v = judge(&q);
	denied(v, SRP_POL_SPOOFCHK, "tenant 'b' requires spoof checking");
	q = query("a", 100);
	q.spoofchk_off = true;
	v = judge(&q);
	allowed(v);
	assert_false(v.spoofchk);
	q.peers = p;
	q.n_peers = 1;
	v = judge(&q);
	denied(v, SRP_POL_SPOOFCHK, "cannot be off on PF 0000:03:00.0, which tenant 'b' uses too");
}

static void test_rate(void **state)
{
	struct srp_policy_query q = query("a", 100);
	struct srp_verdict v;

	(void)state;
	q.rate = 1001;
	v = judge(&q);
	denied(v, SRP_POL_RATE, "rate 1001 Mbit/s is above the max_rate of tenant 'a' (1000 Mbit/s)");
	q.rate = 500;
	v = judge(&q);
	allowed(v);
	assert_int_equal(v.max_rate, 500);
	q = query("b", 0);
	q.rate = 99999;
	v = judge(&q);
	allowed(v);
	assert_int_equal(v.max_rate, 99999);
	q.rate = 0;
	v = judge(&q);
	assert_int_equal(v.max_rate, 0);
}

/* ---- many reasons ---- */

static void test_every_reason_reported(void **state)
{
	struct srp_policy_peer p[] = { peer("b", 1, 200) };
	struct srp_policy_query q = query("d", 301);
	struct srp_verdict v;

	(void)state;
	q.backend = "xen";	/* allowed for d */
	q.iommu_host = true;
	q.trust = true;
	q.spoofchk_off = true;
	q.peers = p;
	q.n_peers = 1;
	v = judge(&q);
	assert_false(v.allow);
	assert_int_equal(v.n_reasons, 5);
	assert_string_equal(v.reasons[0].id, SRP_POL_IOMMU);
	assert_string_equal(v.reasons[1].id, SRP_POL_VLAN);
	assert_string_equal(v.reasons[2].id, SRP_POL_DEDICATED);
	assert_string_equal(v.reasons[3].id, SRP_POL_TRUST);
	assert_string_equal(v.reasons[4].id, SRP_POL_SPOOFCHK);
	not_for(v, SRP_POL_VLAN_CONFLICT);	/* a refused VLAN is not checked further */
	not_for(v, SRP_POL_VLAN_UNTAGGED);
}

static void test_reason_overflow(void **state)
{
	static char names[24][8];
	struct srp_policy_peer p[24];
	struct srp_policy_query q = query("a", 100);
	struct srp_verdict v;

	(void)state;
	for (int i = 0; i < 24; i++) {
		snprintf(names[i], sizeof(names[i]), "x%d", i);
		p[i] = peer(names[i], 0, (uint16_t)(1000 + i));
		p[i].vf.dev = (uint8_t)(4 + i);
	}
	q.peers = p;
	q.n_peers = 24;
	v = judge(&q);
	assert_false(v.allow);
	assert_int_equal(v.n_reasons, SRP_POLICY_MAX_REASONS);
	assert_int_equal(v.n_dropped, 24 - SRP_POLICY_MAX_REASONS);
	assert_string_equal(v.reasons[15].id, SRP_POL_FOREIGN);
}

/* ---- robustness ---- */

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* Random queries over the configured tenants and strangers: a verdict
 * every time, consistent with its reasons, and nothing else touched. */
static void test_random_queries(void **state)
{
	static const char *const names[] = { "a", "b", "d", "v", "w", "u", "r", "n", "p",
					     "ghost", "" };
	static const uint8_t macs[][6] = { { 0x02, 0xaa, 0, 0, 0, 1 }, { 0x02, 0xbb, 0, 0, 0, 1 },
					   { 0x02, 0xcc, 0, 0, 0, 7 }, { 0, 0, 0, 0, 0, 0 },
					   { 0x01, 0, 0x5e, 0, 0, 1 } };
	struct srp_policy_peer p[40];
	struct srp_policy_query q;
	struct srp_verdict v;

	(void)state;
	for (int i = 0; i < 5000; i++) {
		size_t n = rnd() % ARRAY_SIZE(p);

		q = query(names[rnd() % ARRAY_SIZE(names)], (uint16_t)(rnd() % 900));
		if (rnd() % 5 == 0)
			q.vlan = (uint16_t)rnd();
		q.backend = rnd() % 2 ? "kvm" : "xen";
		q.vf.dev = (uint8_t)(rnd() % 4);
		q.pf_switch = (enum srp_pf_switch)(rnd() % 3);
		q.has_mac = rnd() % 2;
		memcpy(q.mac, macs[rnd() % ARRAY_SIZE(macs)], 6);
		q.rate = rnd() % 3 ? 0 : rnd() % 3000;
		q.trust = rnd() % 4 == 0;
		q.spoofchk_off = rnd() % 4 == 0;
		q.tenant_vfs = rnd() % 5;
		q.iommu_host = rnd() % 8 == 0;
		for (size_t j = 0; j < n; j++) {
			p[j] = peer(names[rnd() % ARRAY_SIZE(names)], (uint8_t)(rnd() % 8),
				    (uint16_t)(rnd() % 900));
			p[j].vf.dev = (uint8_t)(rnd() % 4);
			p[j].has_mac = rnd() % 2;
			memcpy(p[j].mac, macs[rnd() % ARRAY_SIZE(macs)], 6);
			p[j].trusted = rnd() % 10 == 0;
		}
		q.peers = p;
		q.n_peers = n;
		v = judge(&q);
		assert_true(v.allow == (v.n_reasons == 0));
		assert_true(v.n_reasons <= SRP_POLICY_MAX_REASONS);
		for (size_t j = 0; j < v.n_reasons; j++) {
			assert_non_null(v.reasons[j].id);
			assert_true(strncmp(v.reasons[j].id, "SRP-POL-", 8) == 0);
			assert_true(v.reasons[j].msg[0] != '\0');
		}
		if (v.allow && v.has_mac)
			assert_true(!(v.mac[0] & 1));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dedicated),
		cmocka_unit_test(test_switch),
		cmocka_unit_test(test_trust),
		cmocka_unit_test(test_spoofchk),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_every_reason_reported),
		cmocka_unit_test(test_reason_overflow),
		cmocka_unit_test(test_random_queries),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
