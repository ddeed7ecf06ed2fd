/* SPDX-License-Identifier: MIT */
/* srpass tests -- `vf set`: policy, force, dry run, rollback, recovery, the ledger */
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

static int setup(void **state)
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

static int teardown(void **state)
{
	struct fx *f = *state;

	srp_config_free(f->cfg);
	srp_host_close(f->host);
	fakehost_free(f->fh);
	free(f);
	return 0;
}

/* ---- helpers ---- */

static struct srp_bdf bdf(const char *s)
{
	struct srp_bdf a;

	assert_int_equal(srp_bdf_parse(s, &a), 0);
	return a;
}

static char *snap(struct fx *f)
{
	char *s = NULL;

	assert_int_equal(treediff_snapshot(&f->host->sys, "/", NULL, &s), 0);
	return s;
}

static void assert_same(const char *a, const char *b, const char *what)
{
	char diff[4096];

	if (treediff_compare(a, b, diff, sizeof(diff)) != 0)
		fail_msg("%s: the tree changed:\n%s", what, diff);
}

static void do_assign(struct fx *f, const char *vf, const char *tenant, unsigned int vlan)
{
	struct srp_assign_req req = { .tenant = tenant, .domain = "vm1", .backend = "kvm",
				      .vlan = vlan };
	struct srp_err err = { 0 };

	req.vf = bdf(vf);
	if (srp_assign(f->host, f->cfg, &req, NULL, &err) < 0)
		fail_msg("assign %s to %s: %s", vf, tenant, err.msg);
}

/* The switch's view of VF index i of the PF. */
static struct srp_vf_state vf_state(struct fx *f, unsigned int i)
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

static void switch_set(struct fx *f, unsigned int i, const char *words[], int n)
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

static void collect(void *ctx, const char *line)
{
	struct lines *l = ctx;
	size_t len = strlen(l->text);

	snprintf(l->text + len, sizeof(l->text) - len, "%s\n", line);
	l->n++;
}

/* srp_vf_set on vf with the words after the flags, NULL-terminated. */
static int vf_set(struct fx *f, const char *vf, int force, int dry_run, struct lines *out,
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

static struct srp_ledger *ledger(struct fx *f)
{
	struct srp_ledger *l = NULL;
	struct srp_err err = { 0 };

	if (srp_ledger_peek(f->host, &l, &err) < 0)
		fail_msg("peek: %s", err.msg);
	return l;
}

static char *mac_str(const uint8_t mac[6], char buf[SRP_VF_MACSTRLEN])
{
	return srp_vf_mac_format(mac, buf);
}

/* A refused change: -EPERM naming id, and nothing anywhere changed. */
#define refused(f, vf, id, ...) refused_(f, vf, id, __VA_ARGS__, (const char *)NULL)
static void refused_(struct fx *f, const char *vf, const char *id, ...)
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
static void assigned(struct fx *f)
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
		T(test_recover_from_pending_vfset),
		T(test_crash_at_every_step_then_recover),
		T(test_failed_commit_rolls_back),
		T(test_switch_refusal_rolls_back),
		T(test_ledger_round_trip),
		T(test_ledger_refuses_malformed_forced),
		T(test_ledger_refuses_malformed_pending_vfset),
	};
#undef T

	return cmocka_run_group_tests_name("vfset", tests, NULL, NULL);
}
