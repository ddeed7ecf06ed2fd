/* SPDX-License-Identifier: MIT */
/* srpass tests -- the isolation policy: each rule refusing, and not refusing */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "core/policy.h"
#include "srpass/err.h"
#include "os/sys.h"
#include "base/util.h"

static const char conf[] =
	"[tenant:a]\n"			/* shared, everything allowed, limits */
	"pfs = 0000:03:00.0, eth5, 8086:1572\n"
	"vlans = 100-102\n"
	"mac_prefix = 02:aa\n"
	"max_rate = 1000\n"
	"max_vfs = 3\n"
	"trust = allowed\n"
	"spoofchk = any\n"
	"backends = kvm\n"
	"[tenant:b]\n"			/* one VLAN, a MAC list */
	"pfs = 0000:03:00.0\n"
	"vlans = 200\n"
	"macs = 02:bb:00:00:00:01, 02:bb:00:00:00:02\n"
	"[tenant:d]\n"
	"pfs = 0000:03:00.0\n"
	"vlans = 300\n"
	"isolation = dedicated-pf\n"
	"[tenant:v]\n"
	"pfs = 0000:03:00.0\n"
	"vlans = 400\n"
	"switch_mode = vepa\n"
	"[tenant:w]\n"
	"pfs = 0000:03:00.0\n"
	"vlans = 500\n"
	"switch_mode = veb\n"
	"[tenant:u]\n"			/* no VLANs, no MAC space */
	"pfs = 0000:03:00.0\n"
	"[tenant:r]\n"
	"pfs = 0000:03:00.0\n"
	"vlans = 600-601\n"
	"[tenant:n]\n"
	"pfs = 0000:03:00.0\n"
	"vlans = 700-701\n"
	"vlan_required = no\n"
	"[tenant:p]\n"			/* a prefix with one free byte */
	"pfs = 0000:03:00.0\n"
	"vlans = 800\n"
	"mac_prefix = 02:cc:00:00:00\n";

static struct srp_config *cfg;

static int group_setup(void **state)
{
	char root[] = "/tmp/srpass-pol-XXXXXX", path[PATH_MAX];
	struct srp_err err = { 0 };
	struct srp_sys sys;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/srpass.conf", root);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(conf, f);
	fclose(f);
	assert_int_equal(srp_sys_open(&sys, root, &err), 0);
	if (srp_config_load(&sys, "/srpass.conf", &cfg, &err) < 0)
		fail_msg("%s", err.msg);
	srp_sys_close(&sys);
	unlink(path);
	rmdir(root);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	srp_config_free(cfg);
	return 0;
}

static const char *const pf_netdevs[] = { "enp3s0f0" };

static struct srp_policy_query query(const char *tenant, uint16_t vlan)
{
	struct srp_policy_query q = {
		.tenant = tenant,
		.backend = "kvm",
		.vf = { 0, 3, 2, 0 },
		.pf = { 0, 3, 0, 0 },
		.pf_netdevs = pf_netdevs,
		.n_pf_netdevs = 1,
		.pf_vendor = 0x15b3,
		.pf_device = 0x1018,
		.pf_switch = SRP_PF_SWITCH_VEB,
		.vlan = vlan,
		.mac_seed = "host-1",
	};
	return q;
}

static struct srp_policy_peer peer(const char *tenant, uint8_t fn, uint16_t vlan)
{
	struct srp_policy_peer p = { .vf = { 0, 3, 3, fn }, .tenant = tenant, .vlan = vlan };

	return p;
}

static struct srp_verdict judge(const struct srp_policy_query *q)
{
	struct srp_verdict v;

	memset(&v, 0x5a, sizeof(v));
	assert_int_equal(srp_policy_allows(cfg, q, &v), 0);
	return v;
}

static void allowed_(const struct srp_verdict *v, int line)
{
	if (!v->allow || v->n_reasons != 0) {
		for (size_t i = 0; i < v->n_reasons; i++)
			print_message("  %s: %s\n", v->reasons[i].id, v->reasons[i].msg);
		fail_msg("line %d: expected allow", line);
	}
	assert_int_equal(v->n_dropped, 0);
}

/* Denied for id, and the message has frag (if not NULL). */
static void denied_(const struct srp_verdict *v, const char *id, const char *frag, int line)
{
	const struct srp_reason *r = srp_verdict_find(v, id);

	if (v->allow || r == NULL) {
		for (size_t i = 0; i < v->n_reasons; i++)
			print_message("  %s: %s\n", v->reasons[i].id, v->reasons[i].msg);
		fail_msg("line %d: expected a %s denial", line, id);
	}
	if (frag != NULL && strstr(r->msg, frag) == NULL)
		fail_msg("line %d: '%s' lacks '%s'", line, r->msg, frag);
}

/* Not refused for id (other rules may refuse). */
static void not_for_(const struct srp_verdict *v, const char *id, int line)
{
	const struct srp_reason *r = srp_verdict_find(v, id);

	if (r != NULL)
		fail_msg("line %d: unexpected %s: %s", line, id, r->msg);
}

#define allowed(v) allowed_(&(v), __LINE__)
#define denied(v, id, frag) denied_(&(v), id, frag, __LINE__)
#define not_for(v, id) not_for_(&(v), id, __LINE__)

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
	denied(v, SRP_POL_PF, "PF 0000:04:00.0 (15b3:1018, enp3s0f0) of VF 0000:03:02.0 is none "
	       "of tenant 'b''s pfs");
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
	denied(v, SRP_POL_VLAN, "VLAN 103 is not one of tenant 'a''s VLANs");
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
	denied(v, SRP_POL_VLAN_CONFLICT, "VLAN 100 is tenant 'b''s on PF 0000:03:00.0 (VF "
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
	denied(v, SRP_POL_MAC, "MAC 02:bb:00:00:00:01 is outside tenant 'a''s mac_prefix");
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
	denied(v, SRP_POL_MAC_EXHAUSTED, "no free MAC left in tenant 'p''s mac_prefix");
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
	denied(v, SRP_POL_RATE, "rate 1001 Mbps is above tenant 'a''s max_rate 1000");
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
