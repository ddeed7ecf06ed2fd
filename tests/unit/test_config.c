/* SPDX-License-Identifier: MIT */
/* srpass tests -- the configuration file: whole files, [global], every tenant key */
#include "config_fix.h"

/* ---- whole files ---- */

static void test_example_file(void **state)
{
	struct fx *fx = *state;
	struct srp_config *cfg = load_ok(fx, example);
	const struct srp_tenant *web, *db;
	char buf[32];

	assert_string_equal(cfg->path, CONF);
	assert_string_equal(cfg->backend, "kvm");
	assert_string_equal(cfg->state_dir, "/run/srpass");
	assert_int_equal(cfg->bind_timeout_ms, 2500);
	assert_false(cfg->autoprobe_off);
	assert_int_equal(cfg->default_isolation, SRP_CFG_ISOLATION_DEDICATED_PF);
	assert_int_equal(cfg->n_tenants, 2);

	web = &cfg->tenants[0];
	assert_string_equal(web->name, "web");
	assert_int_equal(web->line, 9);
	assert_int_equal(web->n_pfs, 3);
	assert_int_equal(web->pfs[0].kind, SRP_PF_SEL_BDF);
	assert_string_equal(srp_pf_sel_format(&web->pfs[0], buf, sizeof(buf)), "0000:03:00.0");
	assert_int_equal(web->pfs[1].kind, SRP_PF_SEL_BDF);
	assert_string_equal(srp_pf_sel_format(&web->pfs[1], buf, sizeof(buf)), "0000:03:00.1");
	assert_int_equal(web->pfs[2].kind, SRP_PF_SEL_NETDEV);
	assert_string_equal(web->pfs[2].netdev, "enp4s0f0");
	assert_int_equal(web->vlans.count, 12);
	assert_true(srp_vlan_set_has(&web->vlans, 100));
	assert_true(srp_vlan_set_has(&web->vlans, 200));
	assert_true(srp_vlan_set_has(&web->vlans, 210));
	assert_false(srp_vlan_set_has(&web->vlans, 211));
	assert_false(srp_vlan_set_has(&web->vlans, 101));
	assert_int_equal(srp_vlan_set_single(&web->vlans), 0);
	assert_false(web->vlan_required);
	assert_int_equal(web->mac_prefix_len, 3);
	assert_memory_equal(web->mac_prefix, "\x02\x16\x3e", 3);
	assert_int_equal(web->n_macs, 0);
	assert_int_equal(web->max_rate, 10000);
	assert_int_equal(web->isolation, SRP_CFG_ISOLATION_SHARED);
	assert_int_equal(web->switch_mode, SRP_CFG_SWITCH_VEPA);
	assert_int_equal(web->spoofchk, SRP_CFG_SPOOFCHK_ANY);
	assert_int_equal(web->trust, SRP_CFG_TRUST_ALLOWED);
	assert_int_equal(web->n_backends, 1);
	assert_string_equal(web->backends[0], "xen");
	assert_int_equal(web->max_vfs, 8);

	db = srp_config_tenant(cfg, "db-1");
	assert_ptr_equal(db, &cfg->tenants[1]);
	assert_int_equal(db->n_pfs, 1);
	assert_int_equal(db->pfs[0].kind, SRP_PF_SEL_ID);
	assert_int_equal(db->pfs[0].vendor, 0x8086);
	assert_int_equal(db->pfs[0].device, 0x1572);
	assert_int_equal(srp_vlan_set_single(&db->vlans), 300);
	assert_true(db->vlan_required);			/* default with vlans */
	assert_int_equal(db->isolation, SRP_CFG_ISOLATION_DEDICATED_PF);	/* from [global] */
	assert_int_equal(db->n_macs, 2);
	assert_memory_equal(db->macs[1], "\x02\x00\x00\x00\x00\x02", 6);
	assert_int_equal(db->spoofchk, SRP_CFG_SPOOFCHK_REQUIRED);
	assert_int_equal(db->trust, SRP_CFG_TRUST_FORBIDDEN);
	assert_int_equal(db->switch_mode, SRP_CFG_SWITCH_ANY);
	assert_int_equal(db->n_backends, 0);			/* any */
	assert_int_equal(db->max_vfs, SRP_UNLIMITED);
	assert_int_equal(db->max_rate, 0);

	assert_null(srp_config_tenant(cfg, "nobody"));
	srp_config_free(cfg);
}

static void test_shipped_example_loads(void **state)
{
	struct fx *fx = *state;
	struct srp_config *cfg;
	char text[65536];
	size_t n;
	FILE *f;

	/* conf/srpass.conf, from the top of the tree (make runs tests there) */
	f = fopen("conf/srpass.conf", "r");
	if (f == NULL)
		skip();
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	cfg = load_ok(fx, text);
	assert_true(cfg->n_tenants >= 2);
	srp_config_free(cfg);
}

static void test_defaults(void **state)
{
	struct fx *fx = *state;
	struct srp_config *cfg, *def;
	const struct srp_tenant *t;

	cfg = load_ok(fx, "");
	def = srp_config_new_default();
	assert_non_null(def);
	assert_string_equal(cfg->backend, "auto");
	assert_string_equal(cfg->state_dir, SRP_DEFAULT_STATE_DIR);
	assert_string_equal(def->state_dir, SRP_DEFAULT_STATE_DIR);
	assert_int_equal(cfg->bind_timeout_ms, SRP_DEFAULT_BIND_TIMEOUT_MS);
	assert_false(cfg->autoprobe_off);
	assert_int_equal(cfg->default_isolation, SRP_CFG_ISOLATION_SHARED);
	assert_int_equal(cfg->n_tenants, 0);
	assert_int_equal(def->n_tenants, 0);
	srp_config_free(cfg);
	srp_config_free(def);
	srp_config_free(NULL);

	cfg = load_ok(fx, "# nothing but comments\n; and blanks\n\n   \n[global]\n");
	srp_config_free(cfg);

	t = tenant_ok(fx, "", &cfg);
	assert_int_equal(t->vlans.count, 0);
	assert_false(t->vlan_required);
	assert_int_equal(t->mac_prefix_len, 0);
	assert_int_equal(t->n_macs, 0);
	assert_false(srp_tenant_has_mac_space(t));
	assert_true(srp_tenant_mac_allowed(t, (const uint8_t *)"\x02\x01\x02\x03\x04\x05"));
	assert_int_equal(t->max_rate, 0);
	assert_int_equal(t->isolation, SRP_CFG_ISOLATION_SHARED);
	assert_int_equal(t->switch_mode, SRP_CFG_SWITCH_ANY);
	assert_int_equal(t->spoofchk, SRP_CFG_SPOOFCHK_REQUIRED);
	assert_int_equal(t->trust, SRP_CFG_TRUST_FORBIDDEN);
	assert_int_equal(t->n_backends, 0);			/* any */
	assert_true(srp_tenant_backend_allowed(t, "xen"));
	assert_int_equal(t->max_vfs, SRP_UNLIMITED);
	srp_config_free(cfg);
}

/* iniparser's value syntax: quotes keep blanks and ';', '#' starts a comment */
static void test_value_syntax(void **state)
{
	struct fx *fx = *state;
	struct srp_config *cfg;
	const struct srp_tenant *t;

	cfg = load_ok(fx, "[global]\r\nstate_dir = \"/srv/srpass state\"  \r\nbackend=xen;c\r\n"
		      "  [ tenant:t ]  \n\tpfs\t=\teth0 , eth1 # comment\n");
	assert_string_equal(cfg->state_dir, "/srv/srpass state");
	assert_string_equal(cfg->backend, "xen");
	t = srp_config_tenant(cfg, "t");
	assert_non_null(t);
	assert_int_equal(t->n_pfs, 2);
	assert_string_equal(t->pfs[1].netdev, "eth1");
	srp_config_free(cfg);

	/* the last line may lack its newline */
	cfg = load_ok(fx, "[tenant:t]\npfs = eth0");
	srp_config_free(cfg);
}

/* ---- [global] ---- */

static void test_global_backend(void **state)
{
	struct fx *fx = *state;
	struct srp_config *cfg;

	cfg = global_ok(fx, "backend = auto");
	assert_string_equal(cfg->backend, "auto");
	srp_config_free(cfg);
	cfg = global_ok(fx, "backend = xen");
	assert_string_equal(cfg->backend, "xen");
	srp_config_free(cfg);
	global_bad(fx, "backend = KVM", "backend", "bad value 'KVM' (expected kvm, xen or auto)");
	global_bad(fx, "backend = kvm,xen", "backend", "'kvm,xen'");
	global_bad(fx, "backend = \"\"", "backend", "empty value");
	global_bad(fx, "backend =", "backend", "empty value");
}

static void test_global_state_dir(void **state)
{
	struct fx *fx = *state;
	struct srp_config *cfg;

	cfg = global_ok(fx, "state_dir = /var/lib/srpass-2");
	assert_string_equal(cfg->state_dir, "/var/lib/srpass-2");
	srp_config_free(cfg);
	global_bad(fx, "state_dir = var/lib/srpass", "state_dir", "'var/lib/srpass'");
	global_bad(fx, "state_dir = /", "state_dir", "not an absolute directory");
	global_bad(fx, "state_dir = /var//lib", "state_dir", "not a plain absolute path");
	global_bad(fx, "state_dir = /var/lib/", "state_dir", "not a plain absolute path");
	global_bad(fx, "state_dir = /var/../etc", "state_dir", "'/var/../etc'");
	global_bad(fx, "state_dir = /var/./lib", "state_dir", "not a plain absolute path");
	global_bad(fx, "state_dir = /a\x01" "b", "state_dir", "control character in '/a\\x01b'");
}

static void test_global_bind_timeout(void **state)
{
	struct fx *fx = *state;
	struct srp_config *cfg;

	cfg = global_ok(fx, "bind_timeout_ms = 1");
	assert_int_equal(cfg->bind_timeout_ms, 1);
	srp_config_free(cfg);
	cfg = global_ok(fx, "bind_timeout_ms = 600000");
	assert_int_equal(cfg->bind_timeout_ms, 600000);
	srp_config_free(cfg);
	global_bad(fx, "bind_timeout_ms = 0", "bind_timeout_ms", "'0' out of range (1-600000)");
	global_bad(fx, "bind_timeout_ms = 600001", "bind_timeout_ms", "out of range");
	global_bad(fx, "bind_timeout_ms = 99999999999999999999999", "bind_timeout_ms",
		   "out of range");
	global_bad(fx, "bind_timeout_ms = 5s", "bind_timeout_ms", "bad number '5s'");
	global_bad(fx, "bind_timeout_ms = -1", "bind_timeout_ms", "bad number '-1'");
	global_bad(fx, "bind_timeout_ms = 0x10", "bind_timeout_ms", "bad number '0x10'");
	global_bad(fx, "bind_timeout_ms = +5", "bind_timeout_ms", "bad number '+5'");
}

static void test_global_autoprobe_off(void **state)
{
	struct fx *fx = *state;
	struct srp_config *cfg;

	cfg = global_ok(fx, "autoprobe_off = yes");
	assert_true(cfg->autoprobe_off);
	srp_config_free(cfg);
	cfg = global_ok(fx, "autoprobe_off = no");
	assert_false(cfg->autoprobe_off);
	srp_config_free(cfg);
	/* iniparser_getboolean() would read these as yes */
	global_bad(fx, "autoprobe_off = yesterday", "autoprobe_off", "(expected yes or no)");
	global_bad(fx, "autoprobe_off = 1", "autoprobe_off", "bad value '1'");
	global_bad(fx, "autoprobe_off = true", "autoprobe_off", "bad value 'true'");
}

static void test_global_default_isolation(void **state)
{
	struct fx *fx = *state;
	struct srp_config *cfg;

	cfg = global_ok(fx, "default_isolation = dedicated-pf");
	assert_int_equal(cfg->default_isolation, SRP_CFG_ISOLATION_DEDICATED_PF);
	srp_config_free(cfg);
	/* [global] after the tenant still sets the tenant's default */
	cfg = load_ok(fx, "[tenant:t]\npfs = eth0\n[global]\ndefault_isolation = dedicated-pf\n");
	assert_int_equal(cfg->tenants[0].isolation, SRP_CFG_ISOLATION_DEDICATED_PF);
	srp_config_free(cfg);
	cfg = load_ok(fx, "[global]\ndefault_isolation = dedicated-pf\n[tenant:t]\npfs = eth0\n"
		      "isolation = shared\n");
	assert_int_equal(cfg->tenants[0].isolation, SRP_CFG_ISOLATION_SHARED);
	srp_config_free(cfg);
	global_bad(fx, "default_isolation = dedicated", "default_isolation",
		   "(expected shared or dedicated-pf)");
}

static void test_global_unknown_key(void **state)
{
	struct fx *fx = *state;

	global_bad(fx, "backends = kvm", "backends", "unknown key");
	global_bad(fx, "pfs = eth0", "pfs", "unknown key");
}

/* ---- [tenant:NAME] ---- */

static void test_tenant_pfs(void **state)
{
	struct fx *fx = *state;
	struct srp_config *cfg;
	const struct srp_tenant *t;
	char buf[32];

	cfg = load_ok(fx, "[tenant:t]\npfs = 0000:81:00.1,81:00.0,ABCD:0f:1f.7,eth0,"
		      "enp129s0f1np1,8086:1572,15b3:101E\n");
	t = &cfg->tenants[0];
	assert_int_equal(t->n_pfs, 7);
	assert_string_equal(srp_pf_sel_format(&t->pfs[1], buf, sizeof(buf)), "0000:81:00.0");
	assert_string_equal(srp_pf_sel_format(&t->pfs[2], buf, sizeof(buf)), "abcd:0f:1f.7");
	assert_int_equal(t->pfs[4].kind, SRP_PF_SEL_NETDEV);
	assert_string_equal(srp_pf_sel_format(&t->pfs[6], buf, sizeof(buf)), "15b3:101e");
	srp_config_free(cfg);

	load_bad(fx, "[tenant:t]\npfs = 0000:03:00.8\n", -EINVAL,
		 CONF ":2: [tenant:t] pfs: bad PF selector '0000:03:00.8'", NULL);
	load_bad(fx, "[tenant:t]\npfs = 03:20.0\n", -EINVAL, "bad PF selector '03:20.0'", NULL);
	load_bad(fx, "[tenant:t]\npfs = 8086:157\n", -EINVAL, "'8086:157'", NULL);
	load_bad(fx, "[tenant:t]\npfs = a/b\n", -EINVAL, "'a/b'", NULL);
	load_bad(fx, "[tenant:t]\npfs = eth0 eth1\n", -EINVAL, "'eth0 eth1'", NULL);
	load_bad(fx, "[tenant:t]\npfs = abcdefghijklmnop\n", -EINVAL, "'abcdefghijklmnop'", NULL);
	load_bad(fx, "[tenant:t]\npfs = ..\n", -EINVAL, "bad PF selector '..'", NULL);
	load_bad(fx, "[tenant:t]\npfs = eth0,,eth1\n", -EINVAL, "empty item", NULL);
	load_bad(fx, "[tenant:t]\npfs = eth0,\n", -EINVAL, "empty item", NULL);
	load_bad(fx, "[tenant:t]\npfs = 03:00.0, 0000:03:00.0\n", -EINVAL,
		 "PF selector '0000:03:00.0' listed twice", NULL);
	load_bad(fx, "[tenant:t]\nvlans = 5\n", -EINVAL,
		 CONF ":1: [tenant:t]: missing key 'pfs'", NULL);
}

/* "8086-1572" has no ':' and is a fine interface name: accepted */
static void test_tenant_pfs_netdev_lookalike(void **state)
{
	struct fx *fx = *state;
	struct srp_config *cfg = load_ok(fx, "[tenant:t]\npfs = 8086-1572\n");

	assert_int_equal(cfg->tenants[0].pfs[0].kind, SRP_PF_SEL_NETDEV);
	srp_config_free(cfg);
}

static void test_tenant_vlans(void **state)
{
	struct fx *fx = *state;
	struct srp_config *cfg;
	const struct srp_tenant *t;

	t = tenant_ok(fx, "vlans = 1, 4094, 10-12,13", &cfg);
	assert_int_equal(t->vlans.count, 6);
	assert_true(srp_vlan_set_has(&t->vlans, 1));
	assert_true(srp_vlan_set_has(&t->vlans, 4094));
	assert_true(srp_vlan_set_has(&t->vlans, 13));
	assert_false(srp_vlan_set_has(&t->vlans, 0));
	assert_false(srp_vlan_set_has(&t->vlans, 4095));
	assert_false(srp_vlan_set_has(&t->vlans, 60000));
	assert_true(t->vlan_required);
	srp_config_free(cfg);
	t = tenant_ok(fx, "vlans = 7", &cfg);
	assert_int_equal(srp_vlan_set_single(&t->vlans), 7);
	srp_config_free(cfg);

	tenant_bad(fx, "vlans = 0", "vlans", "bad VLAN '0'");
	tenant_bad(fx, "vlans = 4095", "vlans", "bad VLAN '4095' (expected an id 1-4094");
	tenant_bad(fx, "vlans = 100,x", "vlans", "bad VLAN 'x'");
	tenant_bad(fx, "vlans = 10-", "vlans", "bad VLAN '10-'");
	tenant_bad(fx, "vlans = -10", "vlans", "bad VLAN '-10'");
	tenant_bad(fx, "vlans = 1-2-3", "vlans", "'1-2-3'");
	tenant_bad(fx, "vlans = 20-10", "vlans", "VLAN range '20-10' runs backwards");
	tenant_bad(fx, "vlans = 10-20, 15", "vlans", "VLAN 15 listed twice");
	tenant_bad(fx, "vlans = 10 - 20", "vlans", "'10 - 20'");
	tenant_bad(fx, "vlans = 1234567890123456789012", "vlans", "bad VLAN");
}

static void test_tenant_vlan_required(void **state)
{
	struct fx *fx = *state;
	struct srp_config *cfg;
	const struct srp_tenant *t;

	t = tenant_ok(fx, "vlans = 5\nvlan_required = no", &cfg);
	assert_false(t->vlan_required);
	srp_config_free(cfg);
	t = tenant_ok(fx, "vlans = 5\nvlan_required = yes", &cfg);
	assert_true(t->vlan_required);
	srp_config_free(cfg);
	t = tenant_ok(fx, "vlan_required = no", &cfg);
	assert_false(t->vlan_required);
	srp_config_free(cfg);
	tenant_bad(fx, "vlan_required = yes", "vlan_required", "'yes' needs a 'vlans' list");
	tenant_bad(fx, "vlan_required = maybe", "vlan_required", "bad value 'maybe'");
}

static void test_tenant_mac_prefix(void **state)
{
	struct fx *fx = *state;
	struct srp_config *cfg;
	const struct srp_tenant *t;

	t = tenant_ok(fx, "mac_prefix = 02", &cfg);
	assert_int_equal(t->mac_prefix_len, 1);
	srp_config_free(cfg);
	t = tenant_ok(fx, "mac_prefix = 52:54:00:AB:cd", &cfg);
	assert_int_equal(t->mac_prefix_len, 5);
	assert_memory_equal(t->mac_prefix, "\x52\x54\x00\xab\xcd", 5);
	assert_true(srp_tenant_has_mac_space(t));
	assert_true(srp_tenant_mac_allowed(t, (const uint8_t *)"\x52\x54\x00\xab\xcd\x01"));
	assert_false(srp_tenant_mac_allowed(t, (const uint8_t *)"\x52\x54\x00\xab\xce\x01"));
	srp_config_free(cfg);

	tenant_bad(fx, "mac_prefix = 02:16:3e:00:00:01", "mac_prefix", "bad MAC prefix");
	tenant_bad(fx, "mac_prefix = 01:00:5e", "mac_prefix", "'01:00:5e' is a multicast prefix");
	tenant_bad(fx, "mac_prefix = 2:16:3e", "mac_prefix", "bad MAC prefix '2:16:3e'");
	tenant_bad(fx, "mac_prefix = 02-16-3e", "mac_prefix", "'02-16-3e'");
	tenant_bad(fx, "mac_prefix = 02:16:", "mac_prefix", "'02:16:'");
	tenant_bad(fx, "mac_prefix = 0g", "mac_prefix", "'0g'");
}

static void test_tenant_macs(void **state)
{
	struct fx *fx = *state;
	struct srp_config *cfg;
	const struct srp_tenant *t;

	t = tenant_ok(fx, "macs = 02:00:00:00:00:0A,02:00:00:00:00:0b", &cfg);
	assert_int_equal(t->n_macs, 2);
	assert_memory_equal(t->macs[0], "\x02\x00\x00\x00\x00\x0a", 6);
	assert_true(srp_tenant_mac_allowed(t, (const uint8_t *)"\x02\x00\x00\x00\x00\x0b"));
	assert_false(srp_tenant_mac_allowed(t, (const uint8_t *)"\x02\x00\x00\x00\x00\x0c"));
	srp_config_free(cfg);

	tenant_bad(fx, "macs = 00:00:00:00:00:00", "macs", "all zeros");
	tenant_bad(fx, "macs = 03:00:00:00:00:01", "macs", "'03:00:00:00:00:01' is a multicast");
	tenant_bad(fx, "macs = ff:ff:ff:ff:ff:ff", "macs", "multicast");
	tenant_bad(fx, "macs = 02:00:00:00:00", "macs", "bad MAC '02:00:00:00:00'");
	tenant_bad(fx, "macs = 02:00:00:00:00:01:02", "macs", "bad MAC");
	tenant_bad(fx, "macs = 02:00:00:00:00:01, 02:00:00:00:00:01", "macs", "listed twice");
	load_bad(fx, "[tenant:t]\npfs = eth0\nmac_prefix = 02\nmacs = 02:00:00:00:00:01\n", -EINVAL,
		 ":4: [tenant:t] macs: set either mac_prefix (line 3) or macs", NULL);
}

static void test_tenant_numbers(void **state)
{
	struct fx *fx = *state;
	struct srp_config *cfg;
	const struct srp_tenant *t;

	t = tenant_ok(fx, "max_rate = 4294967295\nmax_vfs = 0", &cfg);
	assert_int_equal(t->max_rate, UINT32_MAX);
	assert_int_equal(t->max_vfs, 0);
	srp_config_free(cfg);
	t = tenant_ok(fx, "max_rate = 1\nmax_vfs = 65535", &cfg);
	assert_int_equal(t->max_rate, 1);
	assert_int_equal(t->max_vfs, 65535);
	srp_config_free(cfg);

	tenant_bad(fx, "max_rate = 0", "max_rate", "out of range (1-4294967295)");
	tenant_bad(fx, "max_rate = 4294967296", "max_rate", "out of range");
	tenant_bad(fx, "max_rate = 10G", "max_rate", "bad number '10G'");
	tenant_bad(fx, "max_vfs = 65536", "max_vfs", "out of range (0-65535)");
	tenant_bad(fx, "max_vfs = 1.5", "max_vfs", "bad number '1.5'");
}

static void test_tenant_enums(void **state)
{
	struct fx *fx = *state;
	struct srp_config *cfg;
	const struct srp_tenant *t;

	t = tenant_ok(fx, "isolation = dedicated-pf\nswitch_mode = veb\nspoofchk = required\n"
		      "trust = forbidden\nbackends = kvm", &cfg);
	assert_int_equal(t->isolation, SRP_CFG_ISOLATION_DEDICATED_PF);
	assert_int_equal(t->switch_mode, SRP_CFG_SWITCH_VEB);
	assert_int_equal(t->spoofchk, SRP_CFG_SPOOFCHK_REQUIRED);
	assert_int_equal(t->trust, SRP_CFG_TRUST_FORBIDDEN);
	assert_int_equal(t->n_backends, 1);
	assert_string_equal(t->backends[0], "kvm");
	srp_config_free(cfg);
	t = tenant_ok(fx, "switch_mode = any\nbackends = xen, kvm", &cfg);
	assert_int_equal(t->switch_mode, SRP_CFG_SWITCH_ANY);
	assert_int_equal(t->n_backends, 2);
	assert_string_equal(t->backends[0], "xen");
	assert_string_equal(t->backends[1], "kvm");
	assert_true(srp_tenant_backend_allowed(t, "kvm"));
	assert_false(srp_tenant_backend_allowed(t, "bhyve"));
	srp_config_free(cfg);

	tenant_bad(fx, "isolation = dedicated", "isolation", "bad value 'dedicated'");
	tenant_bad(fx, "switch_mode = VEPA", "switch_mode", "(expected veb, vepa or any)");
	tenant_bad(fx, "spoofchk = off", "spoofchk", "(expected required or any)");
	tenant_bad(fx, "trust = yes", "trust", "(expected forbidden or allowed)");
	tenant_bad(fx, "backends = auto", "backends", "bad value 'auto' (expected kvm or xen)");
	tenant_bad(fx, "backends = kvm,kvm", "backends", "backend 'kvm' listed twice");
	tenant_bad(fx, "backends = kvm xen", "backends", "'kvm xen'");
	tenant_bad(fx, "vlan = 5", "vlan", "unknown key");
	tenant_bad(fx, "backend = kvm", "backend", "unknown key");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_example_file),
		T(test_shipped_example_loads),
		T(test_defaults),
		T(test_value_syntax),
		T(test_global_backend),
		T(test_global_state_dir),
		T(test_global_bind_timeout),
		T(test_global_autoprobe_off),
		T(test_global_default_isolation),
		T(test_global_unknown_key),
		T(test_tenant_pfs),
		T(test_tenant_pfs_netdev_lookalike),
		T(test_tenant_vlans),
		T(test_tenant_vlan_required),
		T(test_tenant_mac_prefix),
		T(test_tenant_macs),
		T(test_tenant_numbers),
		T(test_tenant_enums),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
