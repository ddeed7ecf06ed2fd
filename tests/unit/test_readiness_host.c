/* SPDX-License-Identifier: MIT */
/* srpass tests -- `srpass check`: SR-IOV, the backends' drivers, the whole list, the CLI */
#include "readiness_fix.h"

/* ---- SRP-CHK-SRIOV ---- */

static void test_sriov_pf_passes(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON, .has_pf = true };
	struct fakehost *fh = build(&s);
	struct srp_checks c;

	(void)state;
	run(fh, &c);
	expect(&c, "SRP-CHK-SRIOV", PF, SRP_PASS, "4 of 8 VFs",
	       "/sys/bus/pci/devices/" PF "/sriov_totalvfs");
	assert_null(item(&c, "SRP-CHK-SRIOV", "host"));
	srp_checks_free(&c);
	fakehost_free(fh);
}

/* A PF whose driver offers no VFs (sriov_totalvfs 0). */
static void test_sriov_pf_without_vfs_warns(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON, .has_pf = true,
			  .sriov = { .totalvfs = 4, .numvfs = 0, .offset = 16, .stride = 1 } };
	struct fakehost *fh = build(&s);
	struct srp_checks c;

	(void)state;
	assert_int_equal(fakehost_write(fh, "sys/bus/pci/devices/" PF "/sriov_totalvfs", "0\n"),
			 0);
	run(fh, &c);
	expect(&c, "SRP-CHK-SRIOV", PF, SRP_WARN, "0 of 0",
	       "/sys/bus/pci/devices/" PF "/sriov_totalvfs");
	/* and no VFs, so no ARI question */
	assert_null(item(&c, "SRP-CHK-ARI", PF));
	srp_checks_free(&c);
	fakehost_free(fh);
}

static void test_sriov_host_without_pfs_warns(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON };
	struct fakehost *fh = build(&s);
	struct srp_checks c;

	(void)state;
	run(fh, &c);
	expect(&c, "SRP-CHK-SRIOV", "host", SRP_WARN, "no SR-IOV", "sriov_totalvfs");
	assert_int_equal(count(&c, "SRP-CHK-SRIOV"), 1);
	/* ACS and ARI are per PF: none here */
	assert_int_equal(count(&c, "SRP-CHK-ACS"), 0);
	assert_int_equal(count(&c, "SRP-CHK-ARI"), 0);
	srp_checks_free(&c);
	fakehost_free(fh);
}

/* ---- SRP-CHK-VFIO ---- */

static void test_vfio_loaded_passes(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON };
	struct fakehost *fh = build(&s);
	struct srp_checks c;

	(void)state;
	run(fh, &c);
	expect(&c, "SRP-CHK-VFIO", "host", SRP_PASS, "vfio-pci is loaded",
	       "/sys/bus/pci/drivers/vfio-pci");
	srp_checks_free(&c);
	fakehost_free(fh);
}

static void test_vfio_missing_warns(void **state)
{
	struct spec s = { .no_vfio = true, .rp_acs = FAKEHOST_ACS_ON };
	struct fakehost *fh = build(&s);
	struct srp_checks c;
	const struct srp_check *it;

	(void)state;
	run(fh, &c);
	it = expect(&c, "SRP-CHK-VFIO", "host", SRP_WARN, "vfio-pci is not loaded",
		    "/sys/bus/pci/drivers/vfio-pci");
	assert_non_null(strstr(it->remedy, "modprobe vfio-pci"));
	srp_checks_free(&c);
	fakehost_free(fh);
}

/* ---- SRP-CHK-PCIBACK ---- */

static void test_pciback_only_on_xen(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON };
	struct fakehost *fh = build(&s);
	struct srp_checks c;

	(void)state;
	run(fh, &c);
	assert_int_equal(count(&c, "SRP-CHK-PCIBACK"), 0);
	srp_checks_free(&c);
	fakehost_free(fh);
}

static void test_pciback_missing_on_dom0_fails(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON };
	struct fakehost *fh = build(&s);
	struct srp_checks c;
	const struct srp_check *it;

	(void)state;
	assert_int_equal(fakehost_write(fh, "proc/xen/capabilities", "control_d\n"), 0);
	run(fh, &c);
	it = expect(&c, "SRP-CHK-PCIBACK", "host", SRP_FAIL, "pciback is not loaded",
		    "/sys/bus/pci/drivers/pciback");
	assert_non_null(strstr(it->remedy, "xen-pciback"));
	srp_checks_free(&c);
	fakehost_free(fh);
}

static void test_pciback_loaded_on_dom0_passes(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON };
	struct fakehost *fh = build(&s);
	struct srp_checks c;

	(void)state;
	assert_int_equal(fakehost_write(fh, "proc/xen/capabilities", "control_d\n"), 0);
	assert_int_equal(fakehost_write(fh, "sys/bus/pci/drivers/pciback/bind", ""), 0);
	run(fh, &c);
	expect(&c, "SRP-CHK-PCIBACK", "host", SRP_PASS, "pciback is loaded",
	       "/sys/bus/pci/drivers/pciback");
	srp_checks_free(&c);
	fakehost_free(fh);
}

/* /proc/xen without xenfs mounted says nothing about the domain: the
 * check runs.  A domU's capabilities (no control_d) skip it. */
static void test_pciback_dom0_detection(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON };
	struct fakehost *fh = build(&s);
	struct srp_checks c;

	(void)state;
	assert_int_equal(fakehost_write(fh, "proc/xen/.keep", ""), 0);
	assert_int_equal(fakehost_remove(fh, "proc/xen/.keep"), 0);
	run(fh, &c);
	expect(&c, "SRP-CHK-PCIBACK", "host", SRP_FAIL, NULL, "pciback");
	srp_checks_free(&c);

	assert_int_equal(fakehost_write(fh, "proc/xen/capabilities", ""), 0);
	run(fh, &c);
	assert_int_equal(count(&c, "SRP-CHK-PCIBACK"), 0);
	srp_checks_free(&c);
	fakehost_free(fh);
}

/* ---- the whole list ---- */

/* One healthy host: every item passes, each id once per subject, in a
 * stable order (host items around the per-PF ones). */
static void test_healthy_host_all_pass(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON, .rp_ari = true, .has_pf = true };
	struct fakehost *fh = build(&s);
	static const char *const order[] = {
		"SRP-CHK-IOMMU", "SRP-CHK-INTREMAP", "SRP-CHK-SRIOV", "SRP-CHK-ACS",
		"SRP-CHK-ARI", "SRP-CHK-VFIO",
	};
	struct srp_checks c;

	(void)state;
	run(fh, &c);
	if (c.n != sizeof(order) / sizeof(order[0])) {
		dump(&c);
		fail_msg("%zu items, expected %zu", c.n, sizeof(order) / sizeof(order[0]));
	}
	for (size_t i = 0; i < c.n; i++) {
		assert_string_equal(c.items[i].id, order[i]);
		assert_int_equal(c.items[i].status, SRP_PASS);
	}
	srp_checks_free(&c);
	fakehost_free(fh);
}

/* ---- through the CLI: exit status and JSON ---- */

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

/* Run srpass --root ROOT ARGS; its stdout parsed as JSON into *ret_json
 * (NULL if it is not JSON); returns the exit status. */
static int srpass(const char *root, const char *args, struct json_object **ret_json)
{
	char exe[PATH_MAX], cmd[3 * PATH_MAX];
	size_t cap = 1 << 16, len = 0;
	char *out = malloc(cap);
	FILE *p;
	size_t n;
	int status;

	assert_non_null(out);
	srpass_path(exe, sizeof(exe));
	snprintf(cmd, sizeof(cmd), "'%s' --root '%s' %s 2>/dev/null", exe, root, args);
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

static const char *json_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* The status of item id/subject in check --json output, or NULL. */
static const char *json_status(struct json_object *doc, const char *id, const char *subject)
{
	struct json_object *arr;

	if (!json_object_object_get_ex(doc, "checks", &arr))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *it = json_object_array_get_idx(arr, i), *remedy;
		const char *st = json_str(it, "status");

		if (strcmp(json_str(it, "id"), id) != 0 || strcmp(json_str(it, "subject"), subject))
			continue;
		/* remedy: null exactly when the item passes */
		assert_true(json_object_object_get_ex(it, "remedy", &remedy));
		assert_int_equal(remedy == NULL, strcmp(st, "pass") == 0);
		return st;
	}
	return NULL;
}

static void test_cli_exit_status(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON, .rp_ari = true, .has_pf = true };
	struct fakehost *fh = build(&s);
	struct json_object *doc;

	(void)state;
	/* all pass: 0 */
	assert_int_equal(srpass(fakehost_root(fh), "check --json", &doc), 0);
	assert_non_null(doc);
	assert_string_equal(json_status(doc, "SRP-CHK-ARI", PF), "pass");
	json_object_put(doc);
	fakehost_free(fh);

	/* warnings only (no vfio-pci): still 0 */
	s.no_vfio = true;
	fh = build(&s);
	assert_int_equal(srpass(fakehost_root(fh), "check --json", &doc), 0);
	assert_string_equal(json_status(doc, "SRP-CHK-VFIO", "host"), "warn");
	json_object_put(doc);
	fakehost_free(fh);

	/* a failure: 1, in text and JSON */
	s.rp_acs = FAKEHOST_ACS_OFF;
	fh = build(&s);
	assert_int_equal(srpass(fakehost_root(fh), "check --json", &doc), 1);
	assert_string_equal(json_status(doc, "SRP-CHK-ACS", PF), "fail");
	json_object_put(doc);
	assert_int_equal(srpass(fakehost_root(fh), "check", &doc), 1);
	json_object_put(doc);
	/* bad usage: 2 */
	assert_int_equal(srpass(fakehost_root(fh), "check --bogus", &doc), 2);
	json_object_put(doc);
	fakehost_free(fh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sriov_pf_passes),
		cmocka_unit_test(test_sriov_pf_without_vfs_warns),
		cmocka_unit_test(test_sriov_host_without_pfs_warns),
		cmocka_unit_test(test_vfio_loaded_passes),
		cmocka_unit_test(test_vfio_missing_warns),
		cmocka_unit_test(test_pciback_only_on_xen),
		cmocka_unit_test(test_pciback_missing_on_dom0_fails),
		cmocka_unit_test(test_pciback_loaded_on_dom0_passes),
		cmocka_unit_test(test_pciback_dom0_detection),
		cmocka_unit_test(test_healthy_host_all_pass),
		cmocka_unit_test(test_cli_exit_status),
	};

	return cmocka_run_group_tests_name("readiness-2", tests, NULL, NULL);
}
