/* SPDX-License-Identifier: MIT */
/* srpass tests -- the ledger-record fixture: a host root with a state directory, a ledger
 * as srpass writes it, and whether a ledger text loads or is refused */
#ifndef SRP_TEST_LEDGER_FIX_H
#define SRP_TEST_LEDGER_FIX_H
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/host.h"
#include "core/ledger.h"
#include "sim/platform.h"
#include "srpass/err.h"

#define LEDGER "/var/lib/srpass/ledger.json"

struct fx {
	char root[64];
	struct srp_host *host;
};

static inline void put(struct fx *f, const char *content)
{
	char path[PATH_MAX];
	FILE *fp;

	snprintf(path, sizeof(path), "%s%s", f->root, LEDGER);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(content, fp);
	assert_int_equal(fclose(fp), 0);
}

static inline int setup(void **state)
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

static inline int teardown(void **state)
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
static inline void loads(struct fx *f, const char *text, size_t n)
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
static inline void refused(struct fx *f, const char *text, const char *reason)
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
static inline struct json_object *written(struct fx *f, const char *const *vfs)
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

static inline struct json_object *records(struct json_object *ledger)
{
	struct json_object *arr;

	assert_true(json_object_object_get_ex(ledger, "assignments", &arr));
	assert_true(json_object_is_type(arr, json_type_array));
	return arr;
}

static inline const char *text(struct json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
}

#endif
