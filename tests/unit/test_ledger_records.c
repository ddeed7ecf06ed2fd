/* SPDX-License-Identifier: MIT */
/* srpass tests -- the ledger: each record check on its own, over an otherwise valid ledger */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/host.h"
#include "sim/platform.h"
#include "core/ledger.h"
#include "srpass/err.h"

#define LEDGER "/var/lib/srpass/ledger.json"

struct fx {
	char root[64];
	struct srp_host *host;
};

static void put(struct fx *f, const char *content)
{
	char path[PATH_MAX];
	FILE *fp;

	snprintf(path, sizeof(path), "%s%s", f->root, LEDGER);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(content, fp);
	assert_int_equal(fclose(fp), 0);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct srp_err err = { 0 };
	char path[PATH_MAX];

	assert_non_null(f);
	strcpy(f->root, "/tmp/srpass-ledger-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	snprintf(path, sizeof(path), "%s/var", f->root);
	assert_int_equal(mkdir(path, 0755), 0);
	strcat(path, "/lib");
	assert_int_equal(mkdir(path, 0755), 0);
	strcat(path, "/srpass");
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(srp_sim_host_open(f->root, &f->host, &err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	srp_host_close(f->host);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* The ledger text loads, with n records. */
static void loads(struct fx *f, const char *text, size_t n)
{
	struct srp_ledger *l = NULL;
	struct srp_err err = { 0 };

	put(f, text);
	if (srp_ledger_peek(f->host, &l, &err) < 0)
		fail_msg("refused a valid ledger: %s\n%s", err.msg, text);
	assert_int_equal(l->n, n);
	srp_ledger_close(l);
}

/* The ledger text is refused, by both open and peek, for the reason
 * (a word of the message) given. */
static void refused(struct fx *f, const char *text, const char *reason)
{
	struct srp_ledger *l = NULL;
	struct srp_err err = { 0 };

	put(f, text);
	if (srp_ledger_open(f->host, &l, &err) == 0) {
		srp_ledger_close(l);
		fail_msg("accepted a ledger it must refuse (%s):\n%s", reason, text);
	}
	assert_int_equal(err.code, -EBADMSG);
	assert_non_null(strstr(err.msg, LEDGER));
	if (strstr(err.msg, reason) == NULL)
		fail_msg("refused for another reason than %s: %s", reason, err.msg);
	srp_err_clear(&err);
	assert_int_equal(srp_ledger_peek(f->host, &l, &err), -EBADMSG);
}

/* A ledger as srpass writes it, with one applied record per VF in vfs
 * (NULL-terminated), parsed: the tests change one thing in it. */
static struct json_object *written(struct fx *f, const char *const *vfs)
{
	struct srp_ledger *l = NULL;
	struct srp_err err = { 0 };
	struct json_object *o;
	char path[PATH_MAX];

	if (srp_ledger_open(f->host, &l, &err) < 0)
		fail_msg("ledger: %s", err.msg);
	for (size_t i = 0; vfs[i] != NULL; i++) {
		struct srp_assignment a = { .vf_index = (int)i, .has_applied = 1, .vlan = 100,
					    .spoofchk = 1, .has_mac = 1,
					    .mac = { 0x02, 0xaa, 0, 0, 0, (uint8_t)i } };
		char drv[] = "iavf";

		assert_int_equal(srp_bdf_parse(vfs[i], &a.vf), 0);
		assert_int_equal(srp_bdf_parse("0000:03:00.0", &a.pf), 0);
		strcpy(a.tenant, "acme");
		strcpy(a.domain, "vm-1");
		strcpy(a.backend, "kvm");
		a.orig_driver = drv;
		assert_int_equal(srp_ledger_add(l, &a), 0);
	}
	if (srp_ledger_commit(f->host, l, &err) < 0)
		fail_msg("commit: %s", err.msg);
	srp_ledger_close(l);
	snprintf(path, sizeof(path), "%s%s", f->root, LEDGER);
	o = json_object_from_file(path);
	assert_non_null(o);
	return o;
}

static struct json_object *records(struct json_object *ledger)
{
	struct json_object *arr;

	assert_true(json_object_object_get_ex(ledger, "assignments", &arr));
	assert_true(json_object_is_type(arr, json_type_array));
	return arr;
}

static const char *text(struct json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
}

/* The first record's orig_driver set to drv (NULL: null), as text. */
static const char *with_orig_driver(struct json_object *ledger, const char *drv)
{
	struct json_object *a = json_object_array_get_idx(records(ledger), 0);

	json_object_object_add(a, "orig_driver", drv ? json_object_new_string(drv) : NULL);
	return text(ledger);
}

/* orig_driver becomes a path (/sys/bus/pci/drivers/<it>/bind): a '/'
 * in it is refused, whatever else is around it.  The controls load. */
static void test_orig_driver_with_a_slash_is_refused(void **state)
{
	static const char *const vfs[] = { "0000:03:02.0", NULL };
	static const char *const bad[] = { "iavf/x", "/iavf", "iavf/", "x/../../../unbind" };
	struct fx *f = *state;
	struct json_object *o = written(f, vfs);

	loads(f, text(o), 1);
	loads(f, with_orig_driver(o, NULL), 1);
	loads(f, with_orig_driver(o, "i40e.x"), 1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refused(f, with_orig_driver(o, bad[i]), "orig_driver");
	json_object_put(o);
}

/* Two records of one VF: which one holds?  Neither is trusted. */
static void test_a_vf_listed_twice_is_refused(void **state)
{
	static const char *const vfs[] = { "0000:03:02.0", "0000:03:02.1", NULL };
	struct fx *f = *state;
	struct json_object *o = written(f, vfs), *arr = records(o);

	loads(f, text(o), 2);
	/* the first record again, byte for byte, at the end */
	json_object_array_add(arr, json_object_get(json_object_array_get_idx(arr, 0)));
	refused(f, text(o), "twice");
	/* and the two alone, side by side */
	json_object_array_del_idx(arr, 1, 1);
	assert_int_equal(json_object_array_length(arr), 2);
	refused(f, text(o), "twice");
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_orig_driver_with_a_slash_is_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_a_vf_listed_twice_is_refused, setup, teardown),
	};

	return cmocka_run_group_tests_name("ledger records", tests, NULL, NULL);
}
