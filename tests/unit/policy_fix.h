/* SPDX-License-Identifier: MIT */
/* srpass tests -- the policy fixture: a configuration and queries */
#ifndef SRP_TEST_TEST_POLICY_FIX_H
#define SRP_TEST_TEST_POLICY_FIX_H
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

static inline int group_setup(void **state)
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

static inline int group_teardown(void **state)
{
	(void)state;
	srp_config_free(cfg);
	return 0;
}

static const char *const pf_netdevs[] = { "enp3s0f0" };

static inline struct srp_policy_query query(const char *tenant, uint16_t vlan)
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

static inline struct srp_policy_peer peer(const char *tenant, uint8_t fn, uint16_t vlan)
{
	struct srp_policy_peer p = { .vf = { 0, 3, 3, fn }, .tenant = tenant, .vlan = vlan };

	return p;
}

static inline struct srp_verdict judge(const struct srp_policy_query *q)
{
	struct srp_verdict v;

	memset(&v, 0x5a, sizeof(v));
	assert_int_equal(srp_policy_allows(cfg, q, &v), 0);
	return v;
}

static inline void allowed_(const struct srp_verdict *v, int line)
{
	if (!v->allow || v->n_reasons != 0) {
		for (size_t i = 0; i < v->n_reasons; i++)
			print_message("  %s: %s\n", v->reasons[i].id, v->reasons[i].msg);
		fail_msg("line %d: expected allow", line);
	}
	assert_int_equal(v->n_dropped, 0);
}

/* Denied for id, and the message has frag (if not NULL). */
static inline void denied_(const struct srp_verdict *v, const char *id, const char *frag, int line)
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
static inline void not_for_(const struct srp_verdict *v, const char *id, int line)
{
	const struct srp_reason *r = srp_verdict_find(v, id);

	if (r != NULL)
		fail_msg("line %d: unexpected %s: %s", line, id, r->msg);
}

#define allowed(v) allowed_(&(v), __LINE__)
#define denied(v, id, frag) denied_(&(v), id, frag, __LINE__)
#define not_for(v, id) not_for_(&(v), id, __LINE__)

#endif
