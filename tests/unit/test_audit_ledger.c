/* SPDX-License-Identifier: MIT */
/* srpass tests -- `srpass audit`: switches, PFs, tenants, the ledger, order, the CLI */
#include "audit_fix.h"

/* ---- SRP-SWITCH-* ---- */

static void test_switch_001(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	/* edge alone on the PF: VEB is fine */
	plant(f, VF0, 0, "edge", true);
	audit(f, &fs);
	expect_none(&fs, "SRP-SWITCH-001");
	srp_findings_free(&fs);
	/* shared with blue while the switch is VEB */
	plant(f, VF1, 1, "blue", true);
	audit(f, &fs);
	expect(&fs, "SRP-SWITCH-001", PF, SRP_SEV_CRITICAL, "pf", "edge,blue", "veb");
	srp_findings_free(&fs);
	fx_free(f);

	/* the same on a PF in VEPA mode */
	f = fx_healthy();
	assert_int_equal(fakehost_write(f->fh, "var/lib/srpass-sim/switch/" PFNET ".json",
					"{ \"version\": 1, \"hwmode\": \"vepa\" }\n"), 0);
	plant(f, VF0, 0, "edge", true);
	plant(f, VF1, 1, "blue", true);
	audit(f, &fs);
	expect_none(&fs, "SRP-SWITCH-001");
	srp_findings_free(&fs);
	fx_free(f);
}

/* A third tenant on the PF must not hide the VEPA tenant. */
static void test_switch_001_three_tenants(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	plant(f, VF0, 0, "blue", true);
	plant(f, VF1, 1, "edge", true);
	plant(f, VF2, 2, "red", true);
	audit(f, &fs);
	expect(&fs, "SRP-SWITCH-001", PF, SRP_SEV_CRITICAL, "pf", "edge,blue", "veb");
	srp_findings_free(&fs);
	fx_free(f);
}

static void test_switch_002(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	audit(f, &fs);
	expect_none(&fs, "SRP-SWITCH-002");
	srp_findings_free(&fs);
	assert_int_equal(fakehost_write(f->fh, "var/lib/srpass-sim/switch/" PFNET ".json",
					"not json\n"), 0);
	audit(f, &fs);
	expect(&fs, "SRP-SWITCH-002", PF, SRP_SEV_WARNING, "pf", "", PFNET);
	srp_findings_free(&fs);
	fx_free(f);
}

/* ---- SRP-PF-001 ---- */

static void test_pf_001(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	/* solo alone, twice */
	plant(f, VF0, 0, "solo", true);
	plant(f, VF1, 1, "solo", true);
	audit(f, &fs);
	expect_none(&fs, "SRP-PF-001");
	srp_findings_free(&fs);
	fx_free(f);

	f = fx_healthy();
	plant(f, VF0, 0, "solo", true);
	plant(f, VF1, 1, "blue", true);
	audit(f, &fs);
	expect(&fs, "SRP-PF-001", PF, SRP_SEV_CRITICAL, "pf", "solo,blue", "PFs of its own");
	srp_findings_free(&fs);
	/* a ledger fact: found without the switch too */
	audit_sw(f, false, &fs);
	expect(&fs, "SRP-PF-001", PF, SRP_SEV_CRITICAL, "pf", "solo,blue", "PFs of its own");
	srp_findings_free(&fs);
	fx_free(f);
}

/* The dedicated tenant is neither the first nor the last on the PF. */
static void test_pf_001_three_tenants(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	plant(f, VF0, 0, "blue", true);
	plant(f, VF1, 1, "solo", true);
	plant(f, VF2, 2, "red", true);
	audit(f, &fs);
	expect(&fs, "SRP-PF-001", PF, SRP_SEV_CRITICAL, "pf", "solo,blue", "PFs of its own");
	srp_findings_free(&fs);
	fx_free(f);
}

/* ---- SRP-TENANT-001 ---- */

static void test_tenant_001(void **state)
{
	const struct opts nocfg = { .no_config = true };
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	plant(f, VF0, 0, "ghost", true);
	plant(f, VF1, 1, "blue", true);
	audit(f, &fs);
	expect(&fs, "SRP-TENANT-001", VF0, SRP_SEV_WARNING, "vf", "ghost", "'ghost'");
	assert_null(find(&fs, "SRP-TENANT-001", VF1));
	srp_findings_free(&fs);
	fx_free(f);

	/* without a configuration there are no tenants to compare with */
	f = fx_new(&nocfg);
	plant(f, VF0, 0, "ghost", true);
	audit(f, &fs);
	expect_none(&fs, "SRP-TENANT-001");
	srp_findings_free(&fs);
	fx_free(f);
}

/* ---- SRP-LEDGER-* ---- */

static void test_ledger_001(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	assign(f, VF0, "blue", 100);
	audit(f, &fs);
	expect_none(&fs, "SRP-LEDGER-001");
	srp_findings_free(&fs);
	rebind(f, VF1, "vfio-pci");
	audit(f, &fs);
	expect(&fs, "SRP-LEDGER-001", VF1, SRP_SEV_WARNING, "vf", "", "orphan");
	assert_null(find(&fs, "SRP-LEDGER-001", VF0));
	srp_findings_free(&fs);
	fx_free(f);
}

/* The VF of an interrupted assign is the ledger's (pending), not an orphan. */
static void test_ledger_003_not_orphan(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;
	struct srp_ledger *l = NULL;
	struct srp_err err = { 0 };

	(void)state;
	audit(f, &fs);
	expect_none(&fs, "SRP-LEDGER-003");
	srp_findings_free(&fs);

	rebind(f, VF1, "vfio-pci");
	if (srp_ledger_open(f->host, &l, &err) < 0)
		fail_msg("ledger: %s", err.msg);
	l->pending.op = SRP_OP_ASSIGN;
	assert_int_equal(srp_bdf_parse(VF1, &l->pending.a.vf), 0);
	assert_int_equal(srp_bdf_parse(PF, &l->pending.a.pf), 0);
	l->pending.a.vf_index = 1;
	snprintf(l->pending.a.tenant, sizeof(l->pending.a.tenant), "blue");
	snprintf(l->pending.a.domain, sizeof(l->pending.a.domain), "vm1");
	snprintf(l->pending.a.backend, sizeof(l->pending.a.backend), "kvm");
	if (srp_ledger_commit(f->host, l, &err) < 0)
		fail_msg("commit: %s", err.msg);
	srp_ledger_close(l);

	audit(f, &fs);
	expect(&fs, "SRP-LEDGER-003", "host", SRP_SEV_WARNING, "host", "", "interrupted");
	assert_non_null(strstr(find(&fs, "SRP-LEDGER-003", "host")->remedy, "srpass recover"));
	expect_none(&fs, "SRP-LEDGER-001");
	srp_findings_free(&fs);
	fx_free(f);
}

static void test_ledger_002(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	assign(f, VF0, "blue", 100);
	audit(f, &fs);
	expect_none(&fs, "SRP-LEDGER-002");
	srp_findings_free(&fs);

	/* a VF that is gone (VF 7 of 4), one recorded at the wrong index
	 * (VFs recreated with another layout), one on a host driver */
	plant(f, VF7, 7, "red", false);
	plant(f, VF1, 2, "red", true);
	plant(f, VF2, 2, "red", false);
	audit(f, &fs);
	expect(&fs, "SRP-LEDGER-002", VF7, SRP_SEV_CRITICAL, "vf", "red", "no such VF");
	expect(&fs, "SRP-LEDGER-002", VF1, SRP_SEV_CRITICAL, "vf", "red", "no such VF");
	expect(&fs, "SRP-LEDGER-002", VF2, SRP_SEV_CRITICAL, "vf", "red", "bound to iavf");
	assert_null(find(&fs, "SRP-LEDGER-002", VF0));
	srp_findings_free(&fs);
	fx_free(f);
}

/* A ledger written by hand, as a file: drift and an unknown tenant. */
static void test_ledger_file_by_hand(void **state)
{
	static const char ledger[] =
		"{ \"version\": 1, \"assignments\": [\n"
		"  { \"vf\": \"" VF7 "\", \"pf\": \"" PF "\", \"vf_index\": 7, \"tenant\": \"blue\",\n"
		"    \"domain\": \"vm1\", \"backend\": \"kvm\", \"orig_driver\": \"iavf\",\n"
		"    \"orig_driver_override\": null, \"orig_switch\": null, \"applied\": null } ] }\n";
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	assert_int_equal(fakehost_write(f->fh, "var/lib/srpass/ledger.json", ledger), 0);
	audit(f, &fs);
	expect(&fs, "SRP-LEDGER-002", VF7, SRP_SEV_CRITICAL, "vf", "blue", "VF 7");
	srp_findings_free(&fs);
	fx_free(f);
}

/* ---- the list as a whole ---- */

static int sev_rank(const struct srp_finding *it)
{
	return (int)it->severity;
}

/* Many findings at once: most severe first, then by id and subject. */
static void test_sorted_most_severe_first(void **state)
{
	const struct opts o = { .acs = FAKEHOST_ACS_OFF };
	struct fx *f = fx_new(&o);
	struct srp_findings fs;
	size_t crit = 0, warn = 0;

	(void)state;
	rebind(f, VF2, "vfio-pci");			/* LEDGER-001, warning */
	plant(f, VF0, 0, "ghost", true);		/* TENANT-001, warning */
	plant(f, VF7, 7, "blue", false);		/* LEDGER-002, critical */
	assert_int_equal(fakehost_write(f->fh, "sys/module/vfio_iommu_type1/parameters/"
					"allow_unsafe_interrupts", "Y\n"), 0);	/* IOMMU-002 */
	sw_set(f, 0, "trust on");			/* VF-002, critical */
	audit(f, &fs);
	for (size_t i = 0; i < fs.n; i++) {
		crit += fs.items[i].severity == SRP_SEV_CRITICAL;
		warn += fs.items[i].severity == SRP_SEV_WARNING;
		if (i == 0)
			continue;
		if (sev_rank(&fs.items[i - 1]) < sev_rank(&fs.items[i]) ||
		    (sev_rank(&fs.items[i - 1]) == sev_rank(&fs.items[i]) &&
		     strcmp(fs.items[i - 1].id, fs.items[i].id) > 0)) {
			dump(&fs);
			fail_msg("finding %zu is out of order", i);
		}
	}
	assert_true(crit >= 4);		/* IOMMU-002, ACS-001 (assigned), VF-002, LEDGER-002 */
	assert_true(warn >= 2);		/* LEDGER-001, TENANT-001 */
	assert_int_equal(fs.items[0].severity, SRP_SEV_CRITICAL);
	assert_int_equal(fs.items[fs.n - 1].severity, SRP_SEV_WARNING);
	srp_findings_free(&fs);
	fx_free(f);
}

/* ---- through the CLI: exit status, JSON, --tenant ---- */

/* build/srpass, next to this test's directory (build/tests/). */
static void srpass_path(char *buf, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	assert_true(n > 0);
	self[n] = '\0';
	slash = strrchr(self, '/');
	assert_non_null(slash);
	*slash = '\0';
	if ((size_t)snprintf(buf, len, "%s/../srpass-sim", self) >= len)
		fail_msg("path too long");
	if (access(buf, X_OK) != 0)
		fail_msg("%s is not built (make BUILD=... its srpass first)", buf);
}

/* srpass --root ROOT ARGS: returns the exit status; stdout parsed as
 * JSON into *ret_json (NULL if it is not JSON). */
static int srpass(struct fx *f, const char *args, struct json_object **ret_json)
{
	char exe[PATH_MAX], cmd[3 * PATH_MAX];
	size_t cap = 1 << 16, len = 0, n;
	char *out = malloc(cap);
	FILE *p;
	int status;

	assert_non_null(out);
	srpass_path(exe, sizeof(exe));
	snprintf(cmd, sizeof(cmd), "'%s' --root '%s' %s 2>/dev/null", exe, fakehost_root(f->fh),
		 args);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
		len += n;
		if (len + 1 == cap) {
			cap *= 2;
			out = realloc(out, cap);
			assert_non_null(out);
		}
	}
	out[len] = '\0';
	status = pclose(p);
	assert_true(WIFEXITED(status));
	*ret_json = json_tokener_parse(out);
	free(out);
	return WEXITSTATUS(status);
}

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return NULL;
	return json_object_get_string(v);
}

/* Does audit --json output hold finding id about subject? */
static bool jhas(struct json_object *doc, const char *id, const char *subject)
{
	struct json_object *arr;

	assert_true(json_object_object_get_ex(doc, "findings", &arr));
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *it = json_object_array_get_idx(arr, i);

		if (strcmp(jstr(it, "id"), id) == 0 && strcmp(jstr(it, "subject"), subject) == 0)
			return true;
	}
	return false;
}

static size_t jcount(struct json_object *doc)
{
	struct json_object *arr;

	assert_true(json_object_object_get_ex(doc, "findings", &arr));
	return json_object_array_length(arr);
}

/* 0 clean, 1 warnings, 2 critical, 3 could not run (usage too). */
static void test_cli_exit_status(void **state)
{
	struct fx *f = fx_healthy();
	struct json_object *doc;

	(void)state;
	assign(f, VF0, "blue", 100);
	assert_int_equal(srpass(f, "audit --json", &doc), 0);
	assert_non_null(doc);
	assert_string_equal(jstr(doc, "worst"), "clean");
	assert_int_equal(jcount(doc), 0);
	json_object_put(doc);
	assert_int_equal(srpass(f, "audit", &doc), 0);
	json_object_put(doc);

	rebind(f, VF1, "vfio-pci");			/* an orphan: a warning */
	assert_int_equal(srpass(f, "audit --json", &doc), 1);
	assert_string_equal(jstr(doc, "worst"), "warning");
	assert_true(jhas(doc, "SRP-LEDGER-001", VF1));
	json_object_put(doc);

	sw_set(f, 0, "trust on");			/* critical */
	assert_int_equal(srpass(f, "audit --json", &doc), 2);
	assert_string_equal(jstr(doc, "worst"), "critical");
	json_object_put(doc);
	assert_int_equal(srpass(f, "audit", &doc), 2);
	json_object_put(doc);

	/* could not run: a usage error must not read as "critical" */
	assert_int_equal(srpass(f, "audit --bogus", &doc), 3);
	json_object_put(doc);
	assert_int_equal(srpass(f, "audit extra", &doc), 3);
	json_object_put(doc);
	/* nor a ledger that cannot be read */
	assert_int_equal(fakehost_write(f->fh, "var/lib/srpass/ledger.json", "{ broken"), 0);
	assert_int_equal(srpass(f, "audit --json", &doc), 3);
	json_object_put(doc);
	/* nor a configuration that cannot be read */
	assert_int_equal(fakehost_write(f->fh, "etc/srpass/srpass.conf", "[nonsense\n"), 0);
	assert_int_equal(srpass(f, "audit --json", &doc), 3);
	json_object_put(doc);
	fx_free(f);
}

/* --tenant T keeps T's findings and the host's, drops the others'. */
static void test_cli_tenant_filter(void **state)
{
	struct fx *f = fx_healthy();
	struct json_object *doc;
	struct srp_ledger *l = NULL;
	struct srp_err err = { 0 };

	(void)state;
	assign(f, VF0, "blue", 100);
	assign(f, VF1, "red", 200);
	sw_set(f, 0, "trust on");		/* VF-002 blue */
	sw_set(f, 1, "vlan 100");		/* VLAN-002 red, VLAN-003 blue,red */
	rebind(f, VF2, "vfio-pci");		/* LEDGER-001, nobody's */
	/* a pending operation: LEDGER-003, the host's */
	if (srp_ledger_open(f->host, &l, &err) < 0)
		fail_msg("ledger: %s", err.msg);
	l->pending.op = SRP_OP_NUMVFS;
	assert_int_equal(srp_bdf_parse(PF, &l->pending.pf), 0);
	l->pending.old_numvfs = 4;
	l->pending.old_autoprobe = -1;
	if (srp_ledger_commit(f->host, l, &err) < 0)
		fail_msg("commit: %s", err.msg);
	srp_ledger_close(l);

	assert_int_equal(srpass(f, "audit --json", &doc), 2);
	assert_true(jhas(doc, "SRP-VF-002", VF0));
	assert_true(jhas(doc, "SRP-VLAN-002", VF1));
	assert_true(jhas(doc, "SRP-VLAN-003", PF));
	assert_true(jhas(doc, "SRP-LEDGER-001", VF2));
	assert_true(jhas(doc, "SRP-LEDGER-003", "host"));
	json_object_put(doc);

	assert_int_equal(srpass(f, "audit --json --tenant blue", &doc), 2);
	assert_true(jhas(doc, "SRP-VF-002", VF0));
	assert_true(jhas(doc, "SRP-VLAN-003", PF));		/* "blue,red" */
	assert_true(jhas(doc, "SRP-LEDGER-003", "host"));	/* host-wide */
	assert_false(jhas(doc, "SRP-VLAN-002", VF1));		/* red's */
	assert_false(jhas(doc, "SRP-LEDGER-001", VF2));	/* nobody's */
	json_object_put(doc);

	assert_int_equal(srpass(f, "audit --json --tenant red", &doc), 2);
	assert_false(jhas(doc, "SRP-VF-002", VF0));
	assert_true(jhas(doc, "SRP-VLAN-002", VF1));
	assert_true(jhas(doc, "SRP-VLAN-003", PF));
	json_object_put(doc);

	/* a tenant the configuration does not know (here a prefix of one) is
	 * a mistake, not a clean bill: the audit cannot run (3), and the
	 * document is an error, not a report */
	assert_int_equal(srpass(f, "audit --json --tenant re", &doc), 3);
	assert_non_null(doc);
	assert_null(json_object_object_get(doc, "findings"));
	assert_non_null(json_object_object_get(doc, "error"));
	json_object_put(doc);
	/* lab has nothing of its own: only the host's warning is left, and
	 * the exit follows it */
	assert_int_equal(srpass(f, "audit --json --tenant lab", &doc), 1);
	assert_string_equal(jstr(doc, "worst"), "warning");
	assert_int_equal(jcount(doc), 1);
	json_object_put(doc);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_switch_001),
		cmocka_unit_test(test_switch_001_three_tenants),
		cmocka_unit_test(test_switch_002),
		cmocka_unit_test(test_pf_001),
		cmocka_unit_test(test_pf_001_three_tenants),
		cmocka_unit_test(test_tenant_001),
		cmocka_unit_test(test_ledger_001),
		cmocka_unit_test(test_ledger_002),
		cmocka_unit_test(test_ledger_003_not_orphan),
		cmocka_unit_test(test_ledger_file_by_hand),
		cmocka_unit_test(test_sorted_most_severe_first),
		cmocka_unit_test(test_cli_exit_status),
		cmocka_unit_test(test_cli_tenant_filter),
	};

	return cmocka_run_group_tests_name("audit-2", tests, NULL, NULL);
}
