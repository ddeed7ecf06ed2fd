/* SPDX-License-Identifier: MIT */
/* srpass tests -- the rooted OS seam and the typed sysfs readers */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "srpass/err.h"
#include "os/sys.h"
#include "os/sysfs.h"

struct tree {
	char root[64];
	struct srp_sys sys;
};

static void put(struct tree *t, const char *rel, const char *content)
{
	char path[PATH_MAX], cmd[PATH_MAX + 32];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", t->root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static void link_(struct tree *t, const char *target, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", t->root, rel);
	assert_int_equal(symlink(target, path), 0);
}

static int setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	struct srp_err err = { 0 };

	strcpy(t->root, "/tmp/srpass-sys-XXXXXX");
	assert_non_null(mkdtemp(t->root));
	put(t, "sys/bus/pci/devices/.keep", "");
	assert_int_equal(srp_sys_open(&t->sys, t->root, &err), 0);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tree *t = *state;
	char cmd[128];

	srp_sys_close(&t->sys);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->root);
	assert_int_equal(system(cmd), 0);
	free(t);
	return 0;
}

static void test_open_rejects_bad_roots(void **state)
{
	struct srp_sys sys = { .rootfd = -1 };
	struct srp_err err = { 0 };

	(void)state;
	assert_int_equal(srp_sys_open(&sys, "/nonexistent/srpass-root", &err), -ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/srpass-root"));
	srp_err_clear(&err);
	assert_int_equal(srp_sys_open(&sys, "relative/root", &err), -EINVAL);
	srp_err_clear(&err);
	assert_int_equal(srp_sys_open(&sys, "/etc/hostname", &err), -ENOTDIR);
}

/* ".." and absolute links stop at the root: nothing outside is reachable */
static void test_paths_cannot_escape_root(void **state)
{
	struct tree *t = *state;
	char buf[64];
	ssize_t n;

	put(t, "etc/hostname", "inside\n");
	link_(t, "/etc/hostname", "sys/abs");
	link_(t, "../../../../../../../../etc/hostname", "sys/rel");

	n = srp_sys_read(&t->sys, "/../../../../etc/hostname", buf, sizeof(buf));
	assert_int_equal(n, 7);
	assert_memory_equal(buf, "inside\n", 7);
	n = srp_sys_read(&t->sys, "/sys/abs", buf, sizeof(buf));
	assert_int_equal(n, 7);
	assert_memory_equal(buf, "inside\n", 7);
	n = srp_sys_read(&t->sys, "/sys/rel", buf, sizeof(buf));
	assert_int_equal(n, 7);
	assert_memory_equal(buf, "inside\n", 7);
	assert_int_equal(srp_sys_read(&t->sys, "relative", buf, sizeof(buf)), -EINVAL);
}

static void test_write_never_follows_final_symlink(void **state)
{
	struct tree *t = *state;
	char buf[16];

	put(t, "victim", "keep\n");
	link_(t, "victim", "attr");
	assert_int_equal(srp_sys_write_str(&t->sys, "/attr", "x"), -ELOOP);
	assert_int_equal(srp_sys_read(&t->sys, "/victim", buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "keep\n", 5);

	put(t, "plain", "old value\n");
	assert_int_equal(srp_sys_write_str(&t->sys, "/plain", "1\n"), 0);
	assert_int_equal(srp_sys_read(&t->sys, "/plain", buf, sizeof(buf)), 2);
	/* a missing attribute is not created */
	assert_int_equal(srp_sys_write_str(&t->sys, "/missing", "1"), -ENOENT);
}

static void test_replace_is_atomic_and_refuses_symlinked_dirs(void **state)
{
	struct tree *t = *state;
	char buf[32], path[PATH_MAX];
	struct stat st;

	assert_int_equal(t->sys.ops->mkdir(&t->sys, "/state", 0700), 0);
	assert_int_equal(t->sys.ops->replace(&t->sys, "/state/ledger", "v1\n", 3, 0600), 0);
	assert_int_equal(t->sys.ops->replace(&t->sys, "/state/ledger", "v2!\n", 4, 0600), 0);
	assert_int_equal(srp_sys_read(&t->sys, "/state/ledger", buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "v2!\n", 4);
	snprintf(path, sizeof(path), "%s/state/ledger", t->root);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	link_(t, "state", "statelink");
	assert_int_equal(t->sys.ops->replace(&t->sys, "/statelink/ledger", "x", 1, 0600), -ELOOP);
	link_(t, "elsewhere", "state/ledger2");
	assert_int_equal(t->sys.ops->unlink(&t->sys, "/state/ledger2"), 0);
}

static void test_readlink_and_link_name(void **state)
{
	struct tree *t = *state;
	struct srp_err err = { 0 };
	struct srp_bdf a;
	char buf[64];
	int r;

	link_(t, "../../../bus/pci/drivers/i40e", "sys/driver");
	link_(t, "../0000:03:02.0", "sys/virtfn0");
	link_(t, "../not-a-device", "sys/virtfn1");
	put(t, "sys/regular", "x");

	assert_int_equal(srp_sysfs_link_name(&t->sys, "/sys/driver", buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "i40e");
	assert_int_equal(srp_sysfs_link_bdf(&t->sys, "/sys/virtfn0", &a, &err), 0);
	assert_int_equal(a.dev, 2);
	assert_int_equal(srp_sysfs_link_bdf(&t->sys, "/sys/virtfn1", &a, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "/sys/virtfn1"));
	srp_err_clear(&err);
	r = srp_sysfs_link_name(&t->sys, "/sys/none", buf, sizeof(buf), &err);
	assert_int_equal(r, -ENOENT);
	assert_non_null(strstr(err.msg, "'/sys/none' is missing"));
	assert_true(srp_sysfs_absent(r, &err));		/* an answer, not a failure */
	assert_int_equal(err.code, 0);
	assert_string_equal(err.msg, "");
	assert_int_equal(srp_sysfs_link_name(&t->sys, "/sys/regular", buf, sizeof(buf), &err), -EINVAL);
}

static void test_typed_reads(void **state)
{
	struct tree *t = *state;
	struct srp_err err = { 0 };
	unsigned long v;
	long l;
	char big[1024], buf[64];
	int r;

	put(t, "a/num", "64\n");
	put(t, "a/hex", "0x8086\n");
	put(t, "a/hexbare", "154c\n");
	put(t, "a/neg", "-1\n");
	put(t, "a/garbage", "12abc\n");
	put(t, "a/empty", "");
	put(t, "a/huge", "99999999999999999999999\n");
	put(t, "a/ctrl", "i40\x01e\n");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	put(t, "a/oversized", big);

	assert_int_equal(srp_sysfs_read_ulong(&t->sys, "/a/num", 10, 65535, &v, &err), 0);
	assert_int_equal(v, 64);
	assert_int_equal(srp_sysfs_read_ulong(&t->sys, "/a/hex", 16, 0xffff, &v, &err), 0);
	assert_int_equal(v, 0x8086);
	assert_int_equal(srp_sysfs_read_ulong(&t->sys, "/a/hexbare", 16, 0xffff, &v, &err), 0);
	assert_int_equal(v, 0x154c);
	assert_int_equal(srp_sysfs_read_long(&t->sys, "/a/neg", -1, 100, &l, &err), 0);
	assert_int_equal(l, -1);

	v = 7;
	assert_int_equal(srp_sysfs_read_ulong(&t->sys, "/a/garbage", 10, 65535, &v, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "/a/garbage"));
	assert_int_equal(v, 7);
	srp_err_clear(&err);
	assert_int_equal(srp_sysfs_read_ulong(&t->sys, "/a/empty", 10, 65535, &v, &err), -EINVAL);
	srp_err_clear(&err);
	assert_int_equal(srp_sysfs_read_ulong(&t->sys, "/a/huge", 10, 65535, &v, &err), -ERANGE);
	srp_err_clear(&err);
	assert_int_equal(srp_sysfs_read_ulong(&t->sys, "/a/neg", 10, 65535, &v, &err), -EINVAL);
	srp_err_clear(&err);
	assert_int_equal(srp_sysfs_read_ulong(&t->sys, "/a/num", 10, 63, &v, &err), -ERANGE);
	srp_err_clear(&err);
	assert_int_equal(srp_sysfs_read_str(&t->sys, "/a/ctrl", buf, sizeof(buf), &err), -EINVAL);
	srp_err_clear(&err);
	assert_int_equal(srp_sysfs_read_str(&t->sys, "/a/oversized", buf, sizeof(buf), &err), -EINVAL);
	assert_non_null(strstr(err.msg, "longer than"));
	srp_err_clear(&err);
	r = srp_sysfs_read_str(&t->sys, "/a/missing", buf, sizeof(buf), &err);
	assert_int_equal(r, -ENOENT);
	assert_non_null(strstr(err.msg, "'/a/missing' is missing"));
	assert_false(srp_sysfs_absent(-EINVAL, &err));
	assert_int_equal(err.code, -ENOENT);
	assert_true(srp_sysfs_absent(r, &err));
	assert_int_equal(err.code, 0);
	/* a directory where a value should be */
	assert_true(srp_sysfs_read_str(&t->sys, "/a", buf, sizeof(buf), &err) < 0);
	assert_non_null(strstr(err.msg, "'/a'"));
}

/*
 * A FIFO, a socket or a directory where a value should be: refused at
 * once with the path named, for reads and for writes.  Run in a child
 * with an alarm, since the bug this catches is a hang in open().
 */
static void test_values_are_regular_files(void **state)
{
	struct tree *t = *state;
	char path[PATH_MAX], buf[64];
	pid_t pid;
	int status;

	snprintf(path, sizeof(path), "%s/a/fifo", t->root);
	put(t, "a/.keep", "");
	assert_int_equal(mkfifo(path, 0600), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct srp_err err = { 0 };
		int ok = 1;

		alarm(5);
		ok &= srp_sysfs_read_str(&t->sys, "/a/fifo", buf, sizeof(buf), &err) == -EINVAL;
		ok &= strstr(err.msg, "'/a/fifo' is not a regular file") != NULL;
		ok &= srp_sys_write_str(&t->sys, "/a/fifo", "1") == -EINVAL;
		ok &= srp_sys_read(&t->sys, "/a", buf, sizeof(buf)) == -EISDIR;
		_exit(ok ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		fail_msg("the seam hung on a FIFO (signal %d)", WTERMSIG(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Renames elsewhere on the system make openat2(RESOLVE_IN_ROOT) answer
 * EAGAIN on paths with ".."; the seam retries, so readers never see it. */
static void test_dotdot_paths_survive_concurrent_renames(void **state)
{
	struct tree *t = *state;
	char a[PATH_MAX], b[PATH_MAX], buf[16];
	pid_t pid;
	int failures = 0;

	put(t, "sys/devices/x/attr", "1\n");
	link_(t, "../devices/x", "sys/bus/dev");
	snprintf(a, sizeof(a), "%s/ping", t->root);
	snprintf(b, sizeof(b), "%s/pong", t->root);
	put(t, "ping", "");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		for (;;) {
			(void)!rename(a, b);
			(void)!rename(b, a);
		}
	}
	for (int i = 0; i < 20000; i++)
		if (srp_sys_read(&t->sys, "/sys/bus/dev/attr", buf, sizeof(buf)) != 2)
			failures++;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	assert_int_equal(failures, 0);
}

static void test_err_prefix_and_first_wins(void **state)
{
	struct srp_err err = { 0 };

	(void)state;
	assert_int_equal(srp_err_set(&err, -EBUSY, "first %d", 1), -EBUSY);
	assert_int_equal(srp_err_set(&err, -EIO, "second"), -EIO);
	assert_string_equal(err.msg, "first 1");
	assert_int_equal(err.code, -EBUSY);
	srp_err_prefix(&err, "VF %s: ", "0000:03:02.0");
	assert_string_equal(err.msg, "VF 0000:03:02.0: first 1");
	assert_int_equal(srp_err_set(NULL, -EIO, "ignored"), -EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_rejects_bad_roots),
		cmocka_unit_test_setup_teardown(test_paths_cannot_escape_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_never_follows_final_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace_is_atomic_and_refuses_symlinked_dirs,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_readlink_and_link_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_typed_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_values_are_regular_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dotdot_paths_survive_concurrent_renames, setup,
						teardown),
		cmocka_unit_test(test_err_prefix_and_first_wins),
	};

	return cmocka_run_group_tests_name("sys", tests, NULL, NULL);
}
