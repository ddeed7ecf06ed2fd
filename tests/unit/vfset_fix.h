/* SPDX-License-Identifier: MIT */
/* srpass tests -- the `vf set` fixture: a fake host with two tenants, and helpers */
#ifndef SRP_TEST_VFSET_FIX_H
#define SRP_TEST_VFSET_FIX_H
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "core/assign.h"
#include "core/config.h"
#include "core/host.h"
#include "core/ledger.h"
#include "core/vfset.h"
#include "lib/fakehost.h"
#include "lib/faulty.h"
#include "lib/treediff.h"
#include "sim/platform.h"
#include "srpass/err.h"
#include "switch/vfswitch.h"

#define PF "0000:03:00.0"
#define PFDEV "enp3s0f0"
#define VF0 "0000:03:02.0"	/* index 0 */
#define VF1 "0000:03:02.1"	/* index 1 */
#define VF2 "0000:03:02.2"	/* index 2 */
#define LEDGER "/var/lib/srpass/ledger.json"

static const char conf[] =
	"[global]\n"
	"backend = kvm\n"
	"\n"
	"[tenant:blue]\n"
	"pfs = " PF "\n"
	"vlans = 100-110\n"
	"mac_prefix = 02:aa:00\n"
	"max_rate = 1000\n"
	"\n"
	"[tenant:red]\n"
	"pfs = " PF "\n"
	"vlans = 111-120\n"
	"mac_prefix = 02:bb:00\n";

struct fx {
	struct fakehost *fh;
	struct srp_host *host;
	struct srp_config *cfg;
};

static inline int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct fakehost_func port = {
		.addr = "0000:00:01.0", .vendor = 0x8086, .device = 0x2030,
		.port_type = FAKEHOST_ROOT_PORT, .secondary = 3, .subordinate = 3,
		.acs = FAKEHOST_ACS_ON,
	};
	struct fakehost_func pf = {
		.addr = PF, .vendor = 0x8086, .device = 0x1572, .class = 0x020000,
		.driver = "i40e", .netdevs = PFDEV,
	};
	struct fakehost_sriov sriov = {
		.totalvfs = 8, .numvfs = 4, .offset = 16, .stride = 1, .vf_device = 0x154c,
		.vf_driver = "iavf", .vf_netdevs = "enp3s0f0v%u", .vf_group_mode = FAKEHOST_GROUP_NEW,
	};
	struct srp_err err = { 0 };
	char path[PATH_MAX];

	assert_non_null(f);
	f->fh = fakehost_new(NULL);
	assert_non_null(f->fh);
	assert_int_equal(fakehost_add_iommu(f->fh, NULL), 0);
	assert_int_equal(fakehost_add_vfio(f->fh), 0);
	assert_int_equal(fakehost_add_hostbridge(f->fh, 0, 0, 0), 0);
	assert_int_equal(fakehost_add_port(f->fh, &port), 0);
	assert_int_equal(fakehost_add_pf(f->fh, &pf, &sriov), 0);
	assert_int_equal(fakehost_write(f->fh, "var/lib/srpass-sim/default-driver/" PF, "i40e\n"), 0);
	assert_int_equal(fakehost_write(f->fh, "var/lib/srpass-sim/default-vf-driver/" PF, "iavf\n"),
			 0);
	assert_int_equal(fakehost_write(f->fh, "etc/srpass/srpass.conf", conf), 0);
	assert_int_equal(fakehost_write(f->fh, "etc/machine-id",
					"0123456789abcdef0123456789abcdef\n"), 0);
	snprintf(path, sizeof(path), "%s/etc/srpass/srpass.conf", fakehost_root(f->fh));
	chmod(path, 0644);
	assert_int_equal(srp_sim_host_open(fakehost_root(f->fh), &f->host, &err), 0);
	if (srp_config_load(&f->host->sys, "/etc/srpass/srpass.conf", &f->cfg, &err) < 0)
		fail_msg("config: %s", err.msg);
	*state = f;
	return 0;
}

static inline int teardown(void **state)
{
	struct fx *f = *state;

	srp_config_free(f->cfg);
	srp_host_close(f->host);
	fakehost_free(f->fh);
	free(f);
	return 0;
}

/* ---- helpers ---- */

static inline struct srp_bdf bdf(const char *s)
{
	struct srp_bdf a;

	assert_int_equal(srp_bdf_parse(s, &a), 0);
	return a;
}

static inline char *snap(struct fx *f)
{
	char *s = NULL;

	assert_int_equal(treediff_snapshot(&f->host->sys, "/", NULL, &s), 0);
	return s;
}

static inline void assert_same(const char *a, const char *b, const char *what)
{
	char diff[4096];

	if (treediff_compare(a, b, diff, sizeof(diff)) != 0)
		fail_msg("%s: the tree changed:\n%s", what, diff);
}

static inline void do_assign(struct fx *f, const char *vf, const char *tenant, unsigned int vlan)
{
	struct srp_assign_req req = { .tenant = tenant, .domain = "vm1", .backend = "kvm",
				      .vlan = vlan };
	struct srp_err err = { 0 };

	req.vf = bdf(vf);
	if (srp_assign(f->host, f->cfg, &req, NULL, &err) < 0)
		fail_msg("assign %s to %s: %s", vf, tenant, err.msg);
}

/* The switch's view of VF index i of the PF. */
static inline struct srp_vf_state vf_state(struct fx *f, unsigned int i)
{
	struct srp_switch *sw = NULL;
	struct srp_vf_table t = { 0 };
	struct srp_err err = { 0 };
	struct srp_vf_state st;

	assert_int_equal(srp_host_switch_open(f->host, &sw, &err), 0);
	if (srp_switch_get_vfs(sw, PFDEV, &t, &err) < 0)
		fail_msg("get_vfs: %s", err.msg);
	assert_true(i < t.n);
	st = t.vfs[i];
	srp_vf_table_free(&t);
	srp_switch_close(sw);
	return st;
}

static inline void switch_set(struct fx *f, unsigned int i, const char *words[], int n)
{
	struct srp_switch *sw = NULL;
	struct srp_vf_change c;
	struct srp_err err = { 0 };

	if (srp_vf_change_parse(n, (char *const *)words, &c, &err) < 0)
		fail_msg("parse: %s", err.msg);
	assert_int_equal(srp_host_switch_open(f->host, &sw, &err), 0);
	if (srp_switch_set_vf(sw, PFDEV, "i40e", i, &c, &err) < 0)
		fail_msg("switch set: %s", err.msg);
	srp_switch_close(sw);
}

struct lines {
	char text[8192];
	size_t n;
};

static inline void collect(void *ctx, const char *line)
{
	struct lines *l = ctx;
	size_t len = strlen(l->text);

	snprintf(l->text + len, sizeof(l->text) - len, "%s\n", line);
	l->n++;
}

/* srp_vf_set on vf with the words after the flags, NULL-terminated. */
static inline int vf_set(struct fx *f, const char *vf, int force, int dry_run, struct lines *out,
		  struct srp_err *err, ...)
{
	const char *words[16];
	struct srp_vf_change c;
	struct srp_vf_set_req req = { .change = &c, .force = force, .dry_run = dry_run };
	struct srp_plan plan = { .line = collect, .ctx = out };
	va_list ap;
	int n = 0;

	va_start(ap, err);
	for (const char *w; (w = va_arg(ap, const char *)) != NULL;)
		words[n++] = w;
	va_end(ap);
	if (srp_vf_change_parse(n, (char *const *)words, &c, err) < 0)
		fail_msg("parse: %s", err->msg);
	req.vf = bdf(vf);
	return srp_vf_set(f->host, f->cfg, &req, out ? &plan : NULL, err);
}

static inline struct srp_ledger *ledger(struct fx *f)
{
	struct srp_ledger *l = NULL;
	struct srp_err err = { 0 };

	if (srp_ledger_peek(f->host, &l, &err) < 0)
		fail_msg("peek: %s", err.msg);
	return l;
}

static inline char *mac_str(const uint8_t mac[6], char buf[SRP_VF_MACSTRLEN])
{
	return srp_vf_mac_format(mac, buf);
}

/* A refused change: -EPERM naming id, and nothing anywhere changed. */
#define refused(f, vf, id, ...) refused_(f, vf, id, __VA_ARGS__, (const char *)NULL)
static inline void refused_(struct fx *f, const char *vf, const char *id, ...)
{
	const char *words[16];
	struct srp_vf_change c;
	struct srp_vf_set_req req = { .change = &c };
	struct srp_err err = { 0 };
	char *before, *after;
	va_list ap;
	int n = 0, r;

	va_start(ap, id);
	for (const char *w; (w = va_arg(ap, const char *)) != NULL;)
		words[n++] = w;
	va_end(ap);
	if (srp_vf_change_parse(n, (char *const *)words, &c, &err) < 0)
		fail_msg("parse: %s", err.msg);
	req.vf = bdf(vf);
	before = snap(f);
	r = srp_vf_set(f->host, f->cfg, &req, NULL, &err);
	if (r != -EPERM)
		fail_msg("%s: expected -EPERM, got %d (%s)", id, r, err.msg);
	if (strstr(err.msg, id) == NULL)
		fail_msg("%s not named in: %s", id, err.msg);
	assert_non_null(strstr(err.msg, "--force"));
	assert_non_null(strstr(err.msg, "blue"));
	after = snap(f);
	assert_same(before, after, id);
	free(before);
	free(after);
}

/* blue has VF0 with VLAN 100, as srp_assign programmed it. */
static inline void assigned(struct fx *f)
{
	struct srp_vf_state st;

	do_assign(f, VF0, "blue", 100);
	st = vf_state(f, 0);
	assert_int_equal(st.vlan, 100);
	assert_int_equal(st.trust, 0);
	assert_int_equal(st.spoofchk, 1);
	assert_int_equal(st.max_tx_rate, 1000);
	assert_int_equal(st.mac[0], 0x02);
	assert_int_equal(st.mac[1], 0xaa);
}

#endif
