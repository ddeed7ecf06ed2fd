/* SPDX-License-Identifier: MIT */
/* srpass tests -- the configuration file: every key, every refusal, random bytes */
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
#include "srpass/err.h"
#include "os/sys.h"

#define CONF "/etc/srpass/srpass.conf"

struct fx {
	char root[64];
	char host_conf[PATH_MAX];	/* CONF under root */
	struct srp_sys sys;
	struct srp_err err;
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct srp_err err = { 0 };
	char dir[PATH_MAX];

	assert_non_null(fx);
	strcpy(fx->root, "/tmp/srpass-cfg-XXXXXX");
	assert_non_null(mkdtemp(fx->root));
	snprintf(dir, sizeof(dir), "%s/etc", fx->root);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(dir, sizeof(dir), "%s/etc/srpass", fx->root);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(fx->host_conf, sizeof(fx->host_conf), "%s%s", fx->root, CONF);
	assert_int_equal(srp_sys_open(&fx->sys, fx->root, &err), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	char cmd[128];

	srp_sys_close(&fx->sys);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->root);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

static void put_bytes(struct fx *fx, const void *data, size_t len, mode_t mode)
{
	int fd;

	(void)unlink(fx->host_conf);
	fd = open(fx->host_conf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static int load(struct fx *fx, const char *text, struct srp_config **ret)
{
	put_bytes(fx, text, strlen(text), 0644);
	srp_err_clear(&fx->err);
	return srp_config_load(&fx->sys, CONF, ret, &fx->err);
}

/* Loads text, which must be accepted; the caller frees. */
static struct srp_config *load_ok(struct fx *fx, const char *text)
{
	struct srp_config *cfg = NULL;
	int r = load(fx, text, &cfg);

	if (r != 0)
		fail_msg("refused: %s (%d)\n--- config:\n%s", fx->err.msg, r, text);
	assert_non_null(cfg);
	return cfg;
}

/* text must be refused with code, and the message must contain each of the
 * NULL-terminated fragments. */
static void load_bad(struct fx *fx, const char *text, int code, ...)
{
	struct srp_config *cfg = (struct srp_config *)(uintptr_t)0x1;
	const char *frag;
	va_list ap;
	int r;

	r = load(fx, text, &cfg);
	if (r != code)
		fail_msg("expected %d, got %d (%s)\n--- config:\n%s", code, r, fx->err.msg, text);
	assert_ptr_equal(cfg, (struct srp_config *)(uintptr_t)0x1);	/* untouched */
	assert_int_equal(fx->err.code, code);
	va_start(ap, code);
	while ((frag = va_arg(ap, const char *)) != NULL) {
		if (strstr(fx->err.msg, frag) == NULL)
			fail_msg("message '%s' lacks '%s'", fx->err.msg, frag);
	}
	va_end(ap);
}

/* A one-tenant file with extra lines in the tenant section. */
static void tenant_with(char *buf, size_t len, const char *lines)
{
	snprintf(buf, len, "[tenant:t]\npfs = 0000:03:00.0\n%s\n", lines);
}

static void tenant_bad(struct fx *fx, const char *lines, const char *key, const char *frag)
{
	char text[2048], where[64];

	tenant_with(text, sizeof(text), lines);
	snprintf(where, sizeof(where), ":3: [tenant:t] %s: ", key);
	load_bad(fx, text, -EINVAL, CONF, where, frag, NULL);
}

static const struct srp_tenant *tenant_ok(struct fx *fx, const char *lines,
					  struct srp_config **ret_cfg)
{
	char text[2048];
	const struct srp_tenant *t;

	tenant_with(text, sizeof(text), lines);
	*ret_cfg = load_ok(fx, text);
	t = srp_config_tenant(*ret_cfg, "t");
	assert_non_null(t);
	return t;
}

static void global_bad(struct fx *fx, const char *line, const char *key, const char *frag)
{
	char text[2048], where[64];

	snprintf(text, sizeof(text), "[global]\n%s\n", line);
	snprintf(where, sizeof(where), ":2: [global] %s: ", key);
	load_bad(fx, text, -EINVAL, where, frag, NULL);
}

static struct srp_config *global_ok(struct fx *fx, const char *line)
{
	char text[2048];

	snprintf(text, sizeof(text), "[global]\n%s\n", line);
	return load_ok(fx, text);
}

/* ---- whole files ---- */

static const char example[] =
	"# srpass test configuration\n"
	"[global]\n"
	"backend = kvm\n"
	"state_dir = /run/srpass\n"
	"bind_timeout_ms = 2500\n"
	"autoprobe_off = no\n"
	"default_isolation = dedicated-pf\n"
	"\n"
	"[tenant:web]\n"
	"pfs = 0000:03:00.0, 03:00.1, enp4s0f0\n"
	"vlans = 100, 200-210\n"
	"vlan_required = no\n"
	"mac_prefix = 02:16:3e\n"
	"max_rate = 10000\n"
	"isolation = shared\n"
	"switch_mode = vepa\n"
	"spoofchk = any\n"
	"trust = allowed\n"
	"backends = xen\n"
	"max_vfs = 8\n"
	"\n"
	"; a tenant with a dedicated PF and fixed MACs\n"
	"[tenant:db-1]\n"
	"pfs = 8086:1572\n"
	"vlans = 300\n"
	"macs = 02:00:00:00:00:01, 02:00:00:00:00:02\n";

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

/* ---- structure ---- */

static void test_sections(void **state)
{
	struct fx *fx = *state;

	load_bad(fx, "[globals]\n", -EINVAL, CONF ":1: [globals]: unknown section", NULL);
	load_bad(fx, "[tenants:a]\npfs = eth0\n", -EINVAL, "[tenants:a]: unknown section", NULL);
	load_bad(fx, "[tenant]\n", -EINVAL, "[tenant]: unknown section", NULL);
	load_bad(fx, "[tenant:]\npfs = eth0\n", -EINVAL, ":1: [tenant:]: empty tenant name", NULL);
	load_bad(fx, "[tenant:a:b]\npfs = eth0\n", -EINVAL, "bad tenant name 'a:b'", NULL);
	load_bad(fx, "[tenant:0123456789abcdef0123456789abcdef0]\n", -EINVAL,
		 "bad tenant name '0123456789abcdef0123456789abcdef0'", NULL);
	load_bad(fx, "[tenant:Web]\npfs = eth0\n", -EINVAL, "bad section name '[tenant:Web]'",
		 NULL);
	load_bad(fx, "[tenant:a b]\n", -EINVAL, "bad section name '[tenant:a b]'", NULL);
	load_bad(fx, "[Global]\n", -EINVAL, ":1: bad section name '[Global]'", NULL);
	load_bad(fx, "[]\n", -EINVAL, "empty section name", NULL);
	load_bad(fx, "[ ]\n", -EINVAL, "empty section name", NULL);
	load_bad(fx, "[global\n", -EINVAL, ":1: section header does not end in ']'", NULL);
	load_bad(fx, "[global] # comment\n", -EINVAL, "does not end in ']'", NULL);
	load_bad(fx, "[global]\n\n[tenant:a]\npfs=eth0\n[global]\n", -EINVAL,
		 ":5: [global]: section repeated (first on line 1)", NULL);
	load_bad(fx, "[tenant:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx]\n",
		 -EINVAL, "is too long", NULL);
	/* a tenant section repeated is the same as any other */
	load_bad(fx, "[tenant:a]\npfs=eth0\n[tenant:a]\nvlans=1\n", -EINVAL,
		 ":3: [tenant:a]: section repeated", NULL);
}

static void test_lines(void **state)
{
	struct fx *fx = *state;
	char text[4096];

	load_bad(fx, "backend = kvm\n", -EINVAL, ":1: key outside any section", NULL);
	load_bad(fx, "[global]\nbackend\n", -EINVAL,
		 ":2: [global]: expected 'key = value' or '[section]'", NULL);
	load_bad(fx, "[global]\n= kvm\n", -EINVAL, ":2: [global]: empty key name", NULL);
	load_bad(fx, "[global]\nBackend = kvm\n", -EINVAL, "bad key name 'Backend'", NULL);
	load_bad(fx, "[global]\nback end = kvm\n", -EINVAL, "bad key name 'back end'", NULL);
	load_bad(fx, "[global]\nbackend = kvm\nbackend = xen\n", -EINVAL,
		 CONF ":3: [global] backend: key repeated (first on line 2)", NULL);
	load_bad(fx, "[tenant:a]\npfs = eth0\nvlans = 1\nvlans = 2\n", -EINVAL,
		 ":4: [tenant:a] vlans: key repeated", NULL);
	load_bad(fx, "[global]\nstate_dir = /a\\\n/b\n", -EINVAL,
		 ":2: line ends in a backslash", NULL);
	load_bad(fx, "[global]\n# a comment \\\nbackend = kvm\n", -EINVAL,
		 ":2: line ends in a backslash", NULL);
	load_bad(fx, "[global]\nthis_is_a_very_long_key_name_beyond_limit = 1\n", -EINVAL,
		 "unknown key 'this_is_a_very_long_key_name_be...'", NULL);

	memset(text, 0, sizeof(text));
	strcpy(text, "[global]\nstate_dir = /");
	memset(text + strlen(text), 'a', 1100);
	strcat(text, "\n");
	load_bad(fx, text, -EINVAL, ":2: line longer than 1000 characters", NULL);

	/* exactly the limit is fine as far as lines go */
	memset(text, 0, sizeof(text));
	strcpy(text, "[tenant:t]\npfs = eth0\n#");
	memset(text + strlen(text), 'c', 999);
	strcat(text, "\n");
	srp_config_free(load_ok(fx, text));

	put_bytes(fx, "[global]\nbackend = k\0vm\n", 24, 0644);
	srp_err_clear(&fx->err);
	{
		struct srp_config *cfg = NULL;

		assert_int_equal(srp_config_load(&fx->sys, CONF, &cfg, &fx->err), -EINVAL);
		assert_null(cfg);
		assert_non_null(strstr(fx->err.msg, ":2: NUL byte"));
	}

	/* 65 distinct keys in one section: refused before anything scales badly */
	strcpy(text, "[global]\n");
	for (int i = 0; i < 65; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "k%d = 1\n", i);
	load_bad(fx, text, -EINVAL, "more than 64 keys", NULL);
}

/* ---- across tenants ---- */

static void test_vlan_overlap(void **state)
{
	struct fx *fx = *state;
	struct srp_config *cfg;

	/* same PF, same VLAN */
	load_bad(fx, "[tenant:a]\npfs = 0000:03:00.0\nvlans = 100-110\n"
		 "[tenant:b]\npfs = 03:00.1, 03:00.0\nvlans = 5, 110\n", -EINVAL,
		 CONF ":6: [tenant:b] vlans: VLAN 110 is also claimed by tenant 'a' (line 3)",
		 "'0000:03:00.0' and '0000:03:00.0'", NULL);
	/* a netdev may be that BDF */
	load_bad(fx, "[tenant:a]\npfs = eth0\nvlans = 100\n"
		 "[tenant:b]\npfs = 03:00.0\nvlans = 100\n", -EINVAL, "'eth0' and '0000:03:00.0'",
		 NULL);
	/* an id may cover that netdev */
	load_bad(fx, "[tenant:a]\npfs = 8086:1572\nvlans = 100\n"
		 "[tenant:b]\npfs = eth3\nvlans = 100\n", -EINVAL, "VLAN 100", NULL);
	load_bad(fx, "[tenant:a]\npfs = 8086:1572\nvlans = 4094\n"
		 "[tenant:c]\npfs = 8086:1589\nvlans = 3\n"
		 "[tenant:b]\npfs = 8086:1572\nvlans = 1-4094\nvlan_required = no\n", -EINVAL,
		 ":9: [tenant:b] vlans: VLAN 4094 is also claimed by tenant 'a'", NULL);

	/* disjoint PFs of one kind, or disjoint VLANs: fine */
	cfg = load_ok(fx, "[tenant:a]\npfs = 0000:03:00.0, eth0\nvlans = 100\n"
		      "[tenant:b]\npfs = 0000:03:00.0, eth0\nvlans = 101\n"
		      "[tenant:c]\npfs = 0000:04:00.0\nvlans = 102\n"
		      "[tenant:d]\npfs = 0000:05:00.0\nvlans = 102\n"
		      "[tenant:e]\npfs = 8086:1589\nvlans = 200\n"
		      "[tenant:f]\npfs = 8086:1572\nvlans = 200\n");
	srp_config_free(cfg);
	load_bad(fx, "[tenant:a]\npfs = 0000:03:00.0\nvlans = 100\n"
		 "[tenant:b]\npfs = 0000:04:00.0\nvlans = 100\n"
		 "[tenant:c]\npfs = 8086:1589\nvlans = 100\n", -EINVAL,
		 "[tenant:c] vlans: VLAN 100 is also claimed by tenant 'a'", NULL);
	/* tenants without VLANs do not collide at load time */
	cfg = load_ok(fx, "[tenant:a]\npfs = eth0\n[tenant:b]\npfs = eth0\n");
	srp_config_free(cfg);
}

static void test_mac_overlap(void **state)
{
	struct fx *fx = *state;
	struct srp_config *cfg;

	load_bad(fx, "[tenant:a]\npfs = eth0\nmac_prefix = 02:16\n"
		 "[tenant:b]\npfs = eth1\nmac_prefix = 02:16:3e\n", -EINVAL,
		 ":6: [tenant:b] mac_prefix: MAC space overlaps tenant 'a' (line 1) at 02:16:3e",
		 NULL);
	load_bad(fx, "[tenant:a]\npfs = eth0\nmac_prefix = 02:16:3e\n"
		 "[tenant:b]\npfs = eth1\nmacs = 02:00:00:00:00:01, 02:16:3e:00:00:01\n", -EINVAL,
		 "[tenant:b] macs: MAC space overlaps tenant 'a' (line 1) at 02:16:3e:00:00:01",
		 NULL);
	load_bad(fx, "[tenant:a]\npfs = eth0\nmacs = 02:16:3e:00:00:01\n"
		 "[tenant:b]\npfs = eth1\nmac_prefix = 02:16\n", -EINVAL,
		 "at 02:16:3e:00:00:01", NULL);
	load_bad(fx, "[tenant:a]\npfs = eth0\nmacs = 02:00:00:00:00:09\n"
		 "[tenant:b]\npfs = eth1\nmacs = 02:00:00:00:00:08,02:00:00:00:00:09\n", -EINVAL,
		 "at 02:00:00:00:00:09", NULL);
	cfg = load_ok(fx, "[tenant:a]\npfs = eth0\nmac_prefix = 02:16:3e\n"
		      "[tenant:b]\npfs = eth0\nmac_prefix = 02:16:3f\n"
		      "[tenant:c]\npfs = eth0\nmacs = 02:16:40:00:00:01\n"
		      "[tenant:d]\npfs = eth0\n");
	srp_config_free(cfg);
}

/* ---- the file itself ---- */

static void test_file_checks(void **state)
{
	struct fx *fx = *state;
	struct srp_config *cfg = NULL;
	char path[PATH_MAX], *big;

	srp_err_clear(&fx->err);
	assert_int_equal(srp_config_load(&fx->sys, CONF, &cfg, &fx->err), -ENOENT);
	assert_non_null(strstr(fx->err.msg, CONF ": cannot access"));
	assert_null(cfg);

	srp_err_clear(&fx->err);
	assert_int_equal(srp_config_load(&fx->sys, "etc/srpass/srpass.conf", &cfg, &fx->err),
			 -EINVAL);
	assert_non_null(strstr(fx->err.msg, "not absolute"));

	/* a symlink, even to a good file in the tree */
	snprintf(path, sizeof(path), "%s/etc/srpass/real.conf", fx->root);
	put_bytes(fx, "[global]\n", 9, 0644);
	assert_int_equal(rename(fx->host_conf, path), 0);
	assert_int_equal(symlink("real.conf", fx->host_conf), 0);
	srp_err_clear(&fx->err);
	assert_int_equal(srp_config_load(&fx->sys, CONF, &cfg, &fx->err), -ELOOP);
	assert_non_null(strstr(fx->err.msg, CONF ": is a symlink"));
	assert_int_equal(srp_config_load(&fx->sys, "/etc/srpass/real.conf", &cfg, NULL), 0);
	srp_config_free(cfg);
	cfg = NULL;
	assert_int_equal(unlink(fx->host_conf), 0);

	assert_int_equal(mkdir(fx->host_conf, 0755), 0);
	srp_err_clear(&fx->err);
	assert_int_equal(srp_config_load(&fx->sys, CONF, &cfg, &fx->err), -EISDIR);
	assert_non_null(strstr(fx->err.msg, CONF ": is a directory"));
	assert_int_equal(rmdir(fx->host_conf), 0);

	assert_int_equal(mkfifo(fx->host_conf, 0644), 0);
	srp_err_clear(&fx->err);
	assert_int_equal(srp_config_load(&fx->sys, CONF, &cfg, &fx->err), -EINVAL);
	assert_non_null(strstr(fx->err.msg, CONF ": is not a regular file"));
	assert_int_equal(unlink(fx->host_conf), 0);

	put_bytes(fx, "[global]\n", 9, 0666);
	srp_err_clear(&fx->err);
	assert_int_equal(srp_config_load(&fx->sys, CONF, &cfg, &fx->err), -EPERM);
	assert_non_null(strstr(fx->err.msg, CONF ": is writable by everyone (mode 0666)"));
	put_bytes(fx, "[global]\n", 9, 0620);	/* group-writable is the admin's call */
	assert_int_equal(srp_config_load(&fx->sys, CONF, &cfg, NULL), 0);
	srp_config_free(cfg);
	cfg = NULL;

	big = malloc(SRP_CONFIG_MAX_SIZE + 1);
	assert_non_null(big);
	memset(big, '\n', SRP_CONFIG_MAX_SIZE + 1);
	memcpy(big, "[global]", 8);
	put_bytes(fx, big, SRP_CONFIG_MAX_SIZE + 1, 0644);
	srp_err_clear(&fx->err);
	assert_int_equal(srp_config_load(&fx->sys, CONF, &cfg, &fx->err), -EFBIG);
	assert_non_null(strstr(fx->err.msg, CONF ": larger than 1048576 bytes"));
	put_bytes(fx, big, SRP_CONFIG_MAX_SIZE, 0644);	/* exactly the limit */
	assert_int_equal(srp_config_load(&fx->sys, CONF, &cfg, NULL), 0);
	srp_config_free(cfg);
	free(big);
}

/* The file is found under the host root, not on this machine's /etc. */
static void test_reads_under_root(void **state)
{
	struct fx *fx = *state;
	struct srp_config *cfg = load_ok(fx, "[tenant:under-root]\npfs = eth0\n");

	assert_string_equal(cfg->tenants[0].name, "under-root");
	srp_config_free(cfg);
}

/* A decorator: the read of the config fails, as for an unreadable file. */
static ssize_t eacces_read(const struct srp_sys *sys, const char *path, void *buf, size_t len)
{
	(void)sys;
	(void)path;
	(void)buf;
	(void)len;
	return -EACCES;
}

static void test_unreadable(void **state)
{
	struct fx *fx = *state;
	struct srp_sys_ops ops = srp_sys_real;
	struct srp_sys sys = fx->sys;
	struct srp_config *cfg = NULL;

	put_bytes(fx, "[global]\n", 9, 0644);
	ops.read = eacces_read;
	sys.ops = &ops;
	srp_err_clear(&fx->err);
	assert_int_equal(srp_config_load(&sys, CONF, &cfg, &fx->err), -EACCES);
	assert_string_equal(fx->err.msg, CONF ": cannot read the configuration file");
	assert_null(cfg);
}

/* ---- robustness ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static void load_any(struct fx *fx, const void *data, size_t len)
{
	struct srp_config *cfg = NULL;
	int r;

	put_bytes(fx, data, len, 0644);
	srp_err_clear(&fx->err);
	r = srp_config_load(&fx->sys, CONF, &cfg, &fx->err);
	if (r == 0) {
		assert_non_null(cfg);
		srp_config_free(cfg);
	} else {
		assert_true(r < 0);
		assert_null(cfg);
		assert_int_equal(fx->err.code, r);
		assert_true(fx->err.msg[0] != '\0');
		assert_non_null(strstr(fx->err.msg, CONF));
	}
}

static void test_random_bytes(void **state)
{
	struct fx *fx = *state;
	static const char alphabet[] = "[]=:,;#-\\\"' \t\n\r0123456789abcdefglnoprstuvxyz\x80\xff";
	char buf[2048];

	for (int i = 0; i < 300; i++) {
		size_t len = rnd() % sizeof(buf);

		for (size_t j = 0; j < len; j++)
			buf[j] = i % 2 ? (char)rnd() : alphabet[rnd() % (sizeof(alphabet) - 1)];
		load_any(fx, buf, len);
	}
}

/* Byte flips, insertions and deletions of a good file reach the value parsers. */
static void test_mutations(void **state)
{
	struct fx *fx = *state;
	static const char pool[] = "[]=:,;#-\"\n 0179afxz\\";
	char buf[sizeof(example) + 64];
	int accepted = 0;

	for (int i = 0; i < 600; i++) {
		size_t len = sizeof(example) - 1;

		memcpy(buf, example, len);
		for (int m = 0, n = 1 + (int)(rnd() % 3); m < n; m++) {
			size_t at = rnd() % len;
			char c = (rnd() % 4 == 0) ? (char)rnd() : pool[rnd() % (sizeof(pool) - 1)];

			switch (rnd() % 3) {
			case 0:
				buf[at] = c;
				break;
			case 1:
				memmove(buf + at + 1, buf + at, len - at);
				buf[at] = c;
				len++;
				break;
			default:
				memmove(buf + at, buf + at + 1, len - at - 1);
				len--;
				break;
			}
		}
		load_any(fx, buf, len);
		accepted += fx->err.code == 0;
	}
	/* some mutations are harmless (a comment, a digit); most are not */
	assert_true(accepted > 0);
	assert_true(accepted < 600);
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
		T(test_sections),
		T(test_lines),
		T(test_vlan_overlap),
		T(test_mac_overlap),
		T(test_file_checks),
		T(test_reads_under_root),
		T(test_unreadable),
		T(test_random_bytes),
		T(test_mutations),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
