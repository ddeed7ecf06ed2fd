/* SPDX-License-Identifier: MIT */
/* srpass tests -- the ledger: round trip, strict parsing, lock, symlinks */
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/host.h"
#include "sim/platform.h"
#include "core/ledger.h"
#include "srpass/err.h"

struct fx {
	char root[64];
	struct srp_host *host;
};

static void put(struct fx *f, const char *rel, const char *content)
{
	char path[PATH_MAX];
	FILE *fp;

	snprintf(path, sizeof(path), "%s%s", f->root, rel);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(content, fp);
	fclose(fp);
}

static char *slurp(struct fx *f, const char *rel)
{
	static char buf[65536];
	char path[PATH_MAX];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s%s", f->root, rel);
	fp = fopen(path, "r");
	if (fp == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct srp_err err = { 0 };

	strcpy(f->root, "/tmp/srpass-ledger-XXXXXX");
	assert_non_null(mkdtemp(f->root));
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

static void sample(struct srp_assignment *a, const char *vf)
{
	memset(a, 0, sizeof(*a));
	assert_int_equal(srp_bdf_parse(vf, &a->vf), 0);
	assert_int_equal(srp_bdf_parse("0000:03:00.0", &a->pf), 0);
	a->vf_index = 2;
	strcpy(a->tenant, "acme");
	strcpy(a->domain, "vm-1");
	strcpy(a->backend, "kvm");
	a->orig_driver = strdup("iavf");
	a->orig_switch = json_tokener_parse("{\"mac\":\"02:00:00:00:00:01\",\"vlan\":0}");
}

static void test_roundtrip_and_mode(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	struct srp_ledger *l;
	struct srp_assignment a, *got;
	struct stat st;
	char path[PATH_MAX];

	assert_int_equal(srp_ledger_open(f->host, &l, &err), 0);
	assert_int_equal(l->n, 0);
	sample(&a, "0000:03:02.2");
	assert_int_equal(srp_ledger_add(l, &a), 0);
	l->pending.op = SRP_OP_RELEASE;
	assert_int_equal(srp_assignment_copy(&l->pending.a, &a), 0);
	assert_int_equal(srp_ledger_commit(f->host, l, &err), 0);
	srp_ledger_close(l);
	srp_assignment_clear(&a);

	snprintf(path, sizeof(path), "%s/var/lib/srpass", f->root);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	snprintf(path, sizeof(path), "%s/var/lib/srpass/ledger.json", f->root);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	assert_int_equal(srp_ledger_peek(f->host, &l, &err), 0);
	assert_int_equal(l->n, 1);
	assert_int_equal(srp_bdf_parse("03:02.2", &a.vf), 0);
	got = srp_ledger_find(l, &a.vf);
	assert_non_null(got);
	assert_string_equal(got->tenant, "acme");
	assert_string_equal(got->orig_driver, "iavf");
	assert_null(got->orig_override);
	assert_int_equal(got->vf_index, 2);
	assert_non_null(got->orig_switch);
	assert_int_equal(l->pending.op, SRP_OP_RELEASE);
	assert_string_equal(l->pending.a.domain, "vm-1");
	assert_int_equal(srp_ledger_remove(l, &a.vf), 0);
	assert_int_equal(srp_ledger_remove(l, &a.vf), -ENOENT);
	srp_ledger_close(l);
}

/* Each malformed ledger is refused with the file named, and left as it is. */
static void test_malformed_ledgers_are_refused(void **state)
{
	static const char *const bad[] = {
		"",
		"not json",
		"{\"version\":1,\"assignments\":[]} trailing",
		"[]",
		"{\"assignments\":[]}",
		"{\"version\":1}",
		"{\"version\":1,\"assignments\":{}}",
		"{\"version\":1,\"assignments\":[{\"vf\":\"zz\"}]}",
		"{\"version\":1,\"assignments\":[{\"vf\":\"0000:03:02.0\",\"pf\":\"0000:03:00.0\","
		"\"vf_index\":0,\"tenant\":\"a\",\"domain\":\"d\",\"backend\":\"kvm\","
		"\"orig_driver\":\"../../x\",\"orig_driver_override\":null,\"orig_switch\":null}]}",
		"{\"version\":1,\"assignments\":[{\"vf\":\"0000:03:02.0\",\"pf\":\"0000:03:00.0\","
		"\"vf_index\":-1,\"tenant\":\"a\",\"domain\":\"d\",\"backend\":\"kvm\","
		"\"orig_driver\":null,\"orig_driver_override\":null,\"orig_switch\":null}]}",
		"{\"version\":1,\"assignments\":[{\"vf\":\"0000:03:02.0\",\"pf\":\"0000:03:00.0\","
		"\"vf_index\":0,\"tenant\":\"a b\",\"domain\":\"d\",\"backend\":\"kvm\","
		"\"orig_driver\":null,\"orig_driver_override\":null,\"orig_switch\":null}]}",
		"{\"version\":1,\"assignments\":[],\"pending\":{\"op\":\"explode\"}}",
	};
	struct fx *f = *state;
	struct srp_ledger *l = NULL;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/var", f->root);
	mkdir(path, 0755);
	strcat(path, "/lib");
	mkdir(path, 0755);
	strcat(path, "/srpass");
	mkdir(path, 0700);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct srp_err err = { 0 };

		put(f, "/var/lib/srpass/ledger.json", bad[i]);
		if (srp_ledger_open(f->host, &l, &err) == 0)
			fail_msg("accepted ledger #%zu: %s", i, bad[i]);
		assert_non_null(strstr(err.msg, "/var/lib/srpass/ledger.json"));
		assert_string_equal(slurp(f, "/var/lib/srpass/ledger.json"), bad[i]);
	}

	struct srp_err err = { 0 };

	put(f, "/var/lib/srpass/ledger.json", "{\"version\":2,\"assignments\":[]}");
	assert_int_equal(srp_ledger_open(f->host, &l, &err), -EPROTO);
	assert_non_null(strstr(err.msg, "version 2"));
}

static void test_symlinked_state_dir_is_refused(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	struct srp_ledger *l = NULL;
	char path[PATH_MAX], target[PATH_MAX];

	snprintf(path, sizeof(path), "%s/var", f->root);
	mkdir(path, 0755);
	strcat(path, "/lib");
	mkdir(path, 0755);
	snprintf(target, sizeof(target), "%s/elsewhere", f->root);
	mkdir(target, 0700);
	strcat(path, "/srpass");
	assert_int_equal(symlink("../../elsewhere", path), 0);
	assert_int_equal(srp_ledger_open(f->host, &l, &err), -ENOTDIR);
	assert_non_null(strstr(err.msg, "symlink"));
	assert_null(slurp(f, "/elsewhere/lock"));
}

/* A second opener waits until the first closes. */
static void test_lock_is_exclusive(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	struct srp_ledger *l;
	struct timespec t0, t1;
	int pipefd[2], status;
	pid_t pid;
	char c;

	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (srp_ledger_open(f->host, &l, &err) < 0)
			_exit(1);
		(void)!write(pipefd[1], "x", 1);
		usleep(300 * 1000);
		srp_ledger_close(l);
		_exit(0);
	}
	assert_int_equal(read(pipefd[0], &c, 1), 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(srp_ledger_open(f->host, &l, &err), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	srp_ledger_close(l);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 >= 200);
	close(pipefd[0]);
	close(pipefd[1]);
}

/* [global] state_dir moves the ledger and its lock, made 0700 */
static void test_state_dir_is_configurable(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	struct srp_ledger *l;
	struct srp_assignment a;
	char path[PATH_MAX];
	struct stat st;

	snprintf(f->host->state_dir, sizeof(f->host->state_dir), "/run/srpass/state");
	assert_int_equal(srp_ledger_open(f->host, &l, &err), 0);
	sample(&a, "0000:03:02.1");
	assert_int_equal(srp_ledger_add(l, &a), 0);
	srp_assignment_clear(&a);
	assert_int_equal(srp_ledger_commit(f->host, l, &err), 0);
	srp_ledger_close(l);
	assert_non_null(slurp(f, "/run/srpass/state/ledger.json"));
	assert_non_null(slurp(f, "/run/srpass/state/lock"));
	assert_null(slurp(f, "/var/lib/srpass/ledger.json"));
	snprintf(path, sizeof(path), "%s/run/srpass/state", f->root);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	snprintf(f->host->state_dir, sizeof(f->host->state_dir), "relative/dir");
	assert_int_equal(srp_ledger_open(f->host, &l, &err), -EINVAL);
}

static void test_names(void **state)
{
	(void)state;
	assert_true(srp_name_valid("acme"));
	assert_true(srp_name_valid("vm-01.prod_a"));
	assert_false(srp_name_valid(""));
	assert_false(srp_name_valid("-x"));
	assert_false(srp_name_valid(".."));
	assert_false(srp_name_valid("a/b"));
	assert_false(srp_name_valid("a b"));
	assert_false(srp_name_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip_and_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_ledgers_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlinked_state_dir_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_is_exclusive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_dir_is_configurable, setup, teardown),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("ledger", tests, NULL, NULL);
}
