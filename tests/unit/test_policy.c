/* SPDX-License-Identifier: MIT */
/* srpass tests -- the isolation policy: the effective settings and each rule up to MACs */
#include "policy_fix.h"

/* ---- the effective settings ---- */

static void test_allowed_with_defaults(void **state)
{
	struct srp_policy_query q = query("a", 100);
	struct srp_verdict v, again;

	(void)state;
	v = judge(&q);
	allowed(v);
	assert_int_equal(v.vlan, 100);
	assert_true(v.has_mac);
	assert_memory_equal(v.mac, "\x02\xaa", 2);	/* derived in the prefix */
	assert_int_equal(v.max_rate, 1000);		/* the tenant's cap */
	assert_true(v.spoofchk);
	assert_false(v.trust);

	/* pure: the same question, the same answer, MAC included */
	again = judge(&q);
	assert_memory_equal(&v, &again, sizeof(v));

	/* another host (seed) or VF derives another MAC */
	q.mac_seed = "host-2";
	again = judge(&q);
	allowed(again);
	assert_memory_not_equal(v.mac, again.mac, 6);
	assert_memory_equal(again.mac, "\x02\xaa", 2);
	q.mac_seed = NULL;
	again = judge(&q);
	allowed(again);
}

static void test_malformed_query(void **state)
{
	struct srp_policy_query q = query("a", 100);
	struct srp_verdict v;

	(void)state;
	memset(&v, 0x5a, sizeof(v));
	q.tenant = NULL;
	assert_int_equal(srp_policy_allows(cfg, &q, &v), -EINVAL);
	q = query("a", 100);
	q.backend = "auto";
	assert_int_equal(srp_policy_allows(cfg, &q, &v), -EINVAL);
	q = query("a", 100);
	q.n_peers = 1;
	assert_int_equal(srp_policy_allows(cfg, &q, &v), -EINVAL);
	q = query("a", 100);
	q.n_pf_netdevs = 2;
	q.pf_netdevs = NULL;
	assert_int_equal(srp_policy_allows(cfg, &q, &v), -EINVAL);
	assert_int_equal(srp_policy_allows(NULL, &q, &v), -EINVAL);
	assert_int_equal(srp_policy_allows(cfg, NULL, &v), -EINVAL);
	assert_int_equal(srp_policy_allows(cfg, &q, NULL), -EINVAL);
	{
		struct srp_policy_peer p = peer(NULL, 1, 5);

		q = query("a", 100);
		q.peers = &p;
		q.n_peers = 1;
		assert_int_equal(srp_policy_allows(cfg, &q, &v), -EINVAL);
	}
	assert_int_equal(v.n_reasons, (size_t)0x5a5a5a5a5a5a5a5aULL);	/* untouched */
}

/* ---- one test per rule ---- */

static void test_tenant(void **state)
{
	struct srp_policy_query q = query("ghost", 100);
	struct srp_verdict v;

	(void)state;
	v = judge(&q);
	denied(v, SRP_POL_TENANT, "tenant 'ghost' is not in /srpass.conf");
	assert_int_equal(v.n_reasons, 1);	/* nothing else can be judged */
	q.tenant = "b";
	q.vlan = 0;
	v = judge(&q);
	allowed(v);
}

static void test_pf(void **state)
{
	struct srp_policy_query q = query("b", 0);
	struct srp_verdict v;

	(void)state;
	q.pf.bus = 4;
	v = judge(&q);
	denied(v, SRP_POL_PF, "PF 0000:04:00.0 (15b3:1018, enp3s0f0) of VF 0000:03:02.0 is not one "
	       "of the pfs of tenant 'b'");
	/* a has a netdev and an id selector too */
	q.tenant = "a";
	q.vlan = 100;
	v = judge(&q);
	denied(v, SRP_POL_PF, NULL);
	q.pf_netdevs = (const char *const[]){ "eth4", "eth5" };
	q.n_pf_netdevs = 2;
	v = judge(&q);
	allowed(v);
	q.n_pf_netdevs = 0;
	q.pf_netdevs = NULL;
	q.pf_vendor = 0x8086;
	q.pf_device = 0x1572;
	v = judge(&q);
	allowed(v);
	q.pf_device = 0x1573;
	v = judge(&q);
	denied(v, SRP_POL_PF, "(8086:1573) of VF");
}

static void test_backend(void **state)
{
	struct srp_policy_query q = query("a", 100);
	struct srp_verdict v;

	(void)state;
	q.backend = "xen";
	v = judge(&q);
	denied(v, SRP_POL_BACKEND, "tenant 'a' may not use the xen backend");
	q = query("b", 0);
	q.backend = "xen";
	v = judge(&q);
	allowed(v);
}

static void test_max_vfs(void **state)
{
	struct srp_policy_query q = query("a", 100);
	struct srp_verdict v;

	(void)state;
	q.tenant_vfs = 3;
	v = judge(&q);
	denied(v, SRP_POL_MAX_VFS, "tenant 'a' holds 3 VFs already (max_vfs 3)");
	q.tenant_vfs = 2;
	v = judge(&q);
	allowed(v);
	q = query("b", 0);
	q.tenant_vfs = 100000;		/* b has no limit */
	v = judge(&q);
	allowed(v);
}

static void test_iommu(void **state)
{
	struct srp_policy_query q = query("b", 0);
	struct srp_verdict v;

	(void)state;
	q.iommu_no_group = true;
	v = judge(&q);
	denied(v, SRP_POL_IOMMU, "VF 0000:03:02.0 has no IOMMU group");
	q = query("b", 0);
	q.iommu_host = true;
	v = judge(&q);
	denied(v, SRP_POL_IOMMU, "bound to a host driver");
	q = query("b", 0);
	q.iommu_other_tenant = true;
	v = judge(&q);
	denied(v, SRP_POL_IOMMU, "another tenant holds");
	q = query("b", 0);
	v = judge(&q);
	allowed(v);
}

static void test_foreign(void **state)
{
	struct srp_policy_peer p[] = { peer("ghost", 1, 900), peer("ghost", 2, 901),
				       peer("b", 3, 200) };
	struct srp_policy_query q = query("a", 100);
	struct srp_verdict v;

	(void)state;
	q.peers = p;
	q.n_peers = 3;
	v = judge(&q);
	denied(v, SRP_POL_FOREIGN, "PF 0000:03:00.0 has VF 0000:03:03.1 of tenant 'ghost'");
	assert_int_equal(v.n_reasons, 1);	/* once per tenant */
	not_for(v, SRP_POL_DEDICATED);		/* an unknown tenant's isolation is not guessed */
	q.n_peers = 0;
	q.peers = p + 2;
	q.n_peers = 1;
	v = judge(&q);
	allowed(v);
}

static void test_vlan(void **state)
{
	struct srp_policy_query q = query("a", 103);
	struct srp_verdict v;

	(void)state;
	v = judge(&q);
	denied(v, SRP_POL_VLAN, "VLAN 103 is not one of the VLANs of tenant 'a' (100-102)");
	q.vlan = 4095;
	v = judge(&q);
	denied(v, SRP_POL_VLAN, "VLAN 4095 is not a VLAN id");
	q.vlan = 102;
	v = judge(&q);
	allowed(v);
	assert_int_equal(v.vlan, 102);

	q = query("u", 5);
	v = judge(&q);
	denied(v, SRP_POL_VLAN, "tenant 'u' has no VLANs");
	q.vlan = 0;
	v = judge(&q);
	allowed(v);
	assert_int_equal(v.vlan, 0);

	/* the only VLAN of a one-VLAN tenant is the default */
	q = query("b", 0);
	v = judge(&q);
	allowed(v);
	assert_int_equal(v.vlan, 200);
}

static void test_vlan_required(void **state)
{
	struct srp_policy_query q = query("r", 0);
	struct srp_verdict v;

	(void)state;
	v = judge(&q);
	denied(v, SRP_POL_VLAN_REQUIRED, "tenant 'r' has 2 VLANs and requires one");
	q.vlan = 601;
	v = judge(&q);
	allowed(v);
	/* a has three and requires one by default */
	q = query("a", 0);
	v = judge(&q);
	denied(v, SRP_POL_VLAN_REQUIRED, NULL);
	/* n does not require one: untagged */
	q = query("n", 0);
	v = judge(&q);
	allowed(v);
	assert_int_equal(v.vlan, 0);
}

static void test_vlan_conflict(void **state)
{
	struct srp_policy_peer p[] = { peer("b", 1, 100) };
	struct srp_policy_query q = query("a", 100);
	struct srp_verdict v;

	(void)state;
	q.peers = p;
	q.n_peers = 1;
	v = judge(&q);
	denied(v, SRP_POL_VLAN_CONFLICT, "VLAN 100 belongs to tenant 'b' on PF 0000:03:00.0 (VF "
	       "0000:03:03.1)");
	p[0].vlan = 200;
	v = judge(&q);
	allowed(v);
	/* the tenant's own VFs may share a VLAN */
	p[0] = peer("a", 1, 100);
	v = judge(&q);
	allowed(v);
	/* the queried VF itself, already recorded (re-checking an assignment), is no peer */
	p[0] = peer("b", 1, 100);
	p[0].vf = q.vf;
	v = judge(&q);
	allowed(v);
}

static void test_vlan_untagged(void **state)
{
	struct srp_policy_peer p[] = { peer("b", 1, 200) };
	struct srp_policy_query q = query("n", 0);
	struct srp_verdict v;

	(void)state;
	q.peers = p;
	q.n_peers = 1;
	v = judge(&q);
	denied(v, SRP_POL_VLAN_UNTAGGED, "VF 0000:03:02.0 would be untagged on PF 0000:03:00.0, "
	       "which tenant 'b' uses too");
	q.vlan = 700;
	v = judge(&q);
	allowed(v);
	/* the other way round: joining a PF where another tenant is untagged */
	p[0] = peer("u", 1, 0);
	q = query("a", 100);
	q.peers = p;
	q.n_peers = 1;
	v = judge(&q);
	denied(v, SRP_POL_VLAN_UNTAGGED, "VF 0000:03:03.1 of tenant 'u' is untagged");
	/* untagged next to one's own VFs is fine */
	q = query("u", 0);
	q.peers = p;
	q.n_peers = 1;
	v = judge(&q);
	allowed(v);
}

static void test_mac_requested(void **state)
{
	static const uint8_t elsewhere[][6] = { { 0x02, 0xaa, 9, 9, 9, 9 } };
	struct srp_policy_peer p[] = { peer("b", 1, 200) };
	struct srp_policy_query q = query("a", 100);
	struct srp_verdict v;

	(void)state;
	q.has_mac = true;
	memcpy(q.mac, "\x02\xaa\x01\x02\x03\x04", 6);
	v = judge(&q);
	allowed(v);
	assert_true(v.has_mac);
	assert_memory_equal(v.mac, q.mac, 6);

	memcpy(q.mac, "\x02\xbb\x00\x00\x00\x01", 6);
	v = judge(&q);
	denied(v, SRP_POL_MAC, "MAC 02:bb:00:00:00:01 is outside the mac_prefix 02:aa of "
	       "tenant 'a'");
	memset(q.mac, 0, 6);
	v = judge(&q);
	denied(v, SRP_POL_MAC_INVALID, "MAC 00:00:00:00:00:00 is all zeros");
	memcpy(q.mac, "\x03\xaa\x00\x00\x00\x01", 6);
	v = judge(&q);
	denied(v, SRP_POL_MAC_INVALID, "multicast");

	/* in use on the PF, by anyone */
	memcpy(q.mac, "\x02\xaa\x01\x02\x03\x04", 6);
	p[0].has_mac = true;
	memcpy(p[0].mac, q.mac, 6);
	q.peers = p;
	q.n_peers = 1;
	v = judge(&q);
	denied(v, SRP_POL_MAC_CONFLICT, "MAC 02:aa:01:02:03:04 is in use by VF 0000:03:03.1 of "
	       "tenant 'b'");
	p[0].tenant = "a";
	v = judge(&q);
	denied(v, SRP_POL_MAC_CONFLICT, NULL);
	q.n_peers = 0;

	/* in use by the tenant on another PF */
	memcpy(q.mac, elsewhere[0], 6);
	q.tenant_macs = elsewhere;
	q.n_tenant_macs = 1;
	v = judge(&q);
	denied(v, SRP_POL_MAC_CONFLICT, "in use by another VF of tenant 'a'");

	/* a tenant without a MAC space takes any unicast MAC, and gets none by default */
	q = query("u", 0);
	q.has_mac = true;
	memcpy(q.mac, "\x52\x54\x00\x12\x34\x56", 6);
	v = judge(&q);
	allowed(v);
	q.has_mac = false;
	v = judge(&q);
	allowed(v);
	assert_false(v.has_mac);
}

static void test_mac_from_list(void **state)
{
	static const uint8_t first[][6] = { { 0x02, 0xbb, 0, 0, 0, 1 } };
	struct srp_policy_peer p[] = { peer("b", 1, 200), peer("b", 2, 200) };
	struct srp_policy_query q = query("b", 0);
	struct srp_verdict v;

	(void)state;
	v = judge(&q);
	allowed(v);
	assert_memory_equal(v.mac, first[0], 6);

	p[0].has_mac = true;
	memcpy(p[0].mac, first[0], 6);
	q.peers = p;
	q.n_peers = 1;
	v = judge(&q);
	allowed(v);
	assert_memory_equal(v.mac, "\x02\xbb\x00\x00\x00\x02", 6);

	p[1].has_mac = true;
	memcpy(p[1].mac, "\x02\xbb\x00\x00\x00\x02", 6);
	q.n_peers = 2;
	v = judge(&q);
	denied(v, SRP_POL_MAC_EXHAUSTED, "all 2 MACs of tenant 'b' are in use");

	/* the tenant's MACs on other PFs count too */
	q.n_peers = 0;
	q.tenant_macs = first;
	q.n_tenant_macs = 1;
	v = judge(&q);
	allowed(v);
	assert_memory_equal(v.mac, "\x02\xbb\x00\x00\x00\x02", 6);
}

static void test_mac_derived(void **state)
{
	static struct srp_policy_peer p[256];
	struct srp_policy_query q = query("p", 0);
	struct srp_verdict v, w;

	(void)state;
	v = judge(&q);
	allowed(v);
	assert_memory_equal(v.mac, "\x02\xcc\x00\x00\x00", 5);

	/* the derived MAC taken: the next free one */
	p[0] = peer("p", 0, 800);
	p[0].has_mac = true;
	memcpy(p[0].mac, v.mac, 6);
	q.peers = p;
	q.n_peers = 1;
	w = judge(&q);
	allowed(w);
	assert_memory_equal(w.mac, "\x02\xcc\x00\x00\x00", 5);
	assert_memory_not_equal(w.mac, v.mac, 6);

	/* every one of the 256 taken */
	for (int i = 0; i < 256; i++) {
		p[i] = peer("p", 0, 800);
		p[i].vf.bus = 4;
		p[i].vf.dev = (uint8_t)(i / 8);
		p[i].vf.fn = (uint8_t)(i % 8);
		p[i].has_mac = true;
		memcpy(p[i].mac, "\x02\xcc\x00\x00\x00", 5);
		p[i].mac[5] = (uint8_t)i;
	}
	q.n_peers = 256;
	v = judge(&q);
	denied(v, SRP_POL_MAC_EXHAUSTED, "no free MAC left in the mac_prefix of tenant 'p'");
}

/* A MAC another VF of the PF has on the adapter, set by whoever: taken,
 * whether asked for or derived. */
static void test_mac_set_on_the_adapter(void **state)
{
	static uint8_t on_pf[1][6];
	struct srp_policy_query q = query("p", 0);
	struct srp_verdict v, w;

	(void)state;
	v = judge(&q);
	allowed(v);
	memcpy(on_pf[0], v.mac, 6);
	q.pf_macs = (const uint8_t (*)[6])on_pf;
	q.n_pf_macs = 1;
	w = judge(&q);
	allowed(w);
	assert_memory_equal(w.mac, "\x02\xcc\x00\x00\x00", 5);
	assert_memory_not_equal(w.mac, v.mac, 6);

	q.has_mac = true;
	memcpy(q.mac, v.mac, 6);
	w = judge(&q);
	denied(w, SRP_POL_MAC_CONFLICT, "another VF of PF 0000:03:00.0 (set on the adapter)");

	q.pf_macs = NULL;	/* a count without the MACs is a malformed query */
	assert_int_equal(srp_policy_allows(cfg, &q, &w), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowed_with_defaults),
		cmocka_unit_test(test_malformed_query),
		cmocka_unit_test(test_tenant),
		cmocka_unit_test(test_pf),
		cmocka_unit_test(test_backend),
		cmocka_unit_test(test_max_vfs),
		cmocka_unit_test(test_iommu),
		cmocka_unit_test(test_foreign),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_vlan_required),
		cmocka_unit_test(test_vlan_conflict),
		cmocka_unit_test(test_vlan_untagged),
		cmocka_unit_test(test_mac_requested),
		cmocka_unit_test(test_mac_from_list),
		cmocka_unit_test(test_mac_derived),
		cmocka_unit_test(test_mac_set_on_the_adapter),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
