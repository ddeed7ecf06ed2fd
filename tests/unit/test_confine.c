/* SPDX-License-Identifier: MIT */
/* srpass tests -- confinement: the seam stays in its root and follows no magic link */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "srpass/err.h"
#include "os/sys.h"

/*
 * A root that has a procfs of its own: "/" itself (srpass --root /).
 * /proc/self/{root,cwd,fd/N} are magic links: the kernel jumps to what
 * they name instead of resolving a path, so a tree that makes srpass
 * look through one escapes any root.  The seam asks openat2() for
 * RESOLVE_NO_MAGICLINKS, which refuses them with ELOOP.  Today's
 * kernels refuse magic links in a RESOLVE_IN_ROOT lookup anyway, with
 * EXDEV ("not yet safe for scoped lookups", which openat2(2) says may
 * change), so ELOOP is what shows the seam asked: every case below
 * wants exactly -ELOOP.
 */
struct fx {
	char dir[64];			/* a scratch directory on the real host */
	char file[128];			/* dir/secret, "outside\n" */
	char cwd[PATH_MAX];
	int fd;				/* open on file */
	struct srp_sys sys;		/* rooted at "/" */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct srp_err err = { 0 };
	FILE *fp;

	assert_non_null(f);
	strcpy(f->dir, "/tmp/srpass-confine-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->file, sizeof(f->file), "%s/secret", f->dir);
	fp = fopen(f->file, "w");
	assert_non_null(fp);
	fputs("outside\n", fp);
	assert_int_equal(fclose(fp), 0);
	f->fd = open(f->file, O_RDWR | O_CLOEXEC);
	assert_true(f->fd >= 0);
	assert_non_null(getcwd(f->cwd, sizeof(f->cwd)));
	assert_int_equal(chdir(f->dir), 0);
	assert_int_equal(srp_sys_open(&f->sys, "/", &err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	srp_sys_close(&f->sys);
	close(f->fd);
	assert_int_equal(chdir(f->cwd), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Set by the first test: the seam keeps to its root.  Until then
 * (and if not) the others skip: they write, and a seam that is not
 * confined would write wherever their paths say on the real host.
 * tests/run.sh runs this program first and stops the suite if it fails. */
static bool confined;

static void need_proc(void)
{
	struct stat st;

	if (!confined)
		skip();
	if (lstat("/proc/self/root", &st) < 0 || !S_ISLNK(st.st_mode))
		skip();
}

/* The file, untouched: "outside\n". */
static void assert_secret_intact(struct fx *f)
{
	char buf[16] = "";
	ssize_t n = pread(f->fd, buf, sizeof(buf) - 1, 0);

	assert_int_equal(n, 8);
	assert_string_equal(buf, "outside\n");
}

/* Reads only: absolute paths, "..", absolute and escaping relative
 * links all resolve in a tree, where etc/hostname says "inside". */
static void test_reads_stay_in_the_root(void **state)
{
	static const char *const paths[] = {
		"/etc/hostname", "/../../../etc/hostname", "/abs", "/rel", "/sub/up",
	};
	struct fx *f = *state;
	struct srp_sys tree = { .rootfd = -1 };
	struct srp_err err = { 0 };
	char path[PATH_MAX], buf[64];
	FILE *fp;

	assert_int_equal(mkdir("tree", 0755), 0);
	assert_int_equal(mkdir("tree/etc", 0755), 0);
	assert_int_equal(mkdir("tree/sub", 0755), 0);
	fp = fopen("tree/etc/hostname", "w");
	assert_non_null(fp);
	fputs("inside\n", fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(symlink("/etc/hostname", "tree/abs"), 0);
	assert_int_equal(symlink("../../../../../../../../etc/hostname", "tree/rel"), 0);
	assert_int_equal(symlink("../../../../../../../etc/hostname", "tree/sub/up"), 0);
	snprintf(path, sizeof(path), "%s/tree", f->dir);
	assert_int_equal(srp_sys_open(&tree, path, &err), 0);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		ssize_t n = srp_sys_read(&tree, paths[i], buf, sizeof(buf) - 1);

		buf[n > 0 ? n : 0] = '\0';
		if (n != 7 || strcmp(buf, "inside\n") != 0)
			fail_msg("'%s' in the tree read %zd bytes '%s': not the tree's file", paths[i],
				 n, buf);
	}
	srp_sys_close(&tree);
	confined = true;
	assert_int_equal(system("rm -rf tree"), 0);
}

static void test_read_through_magic_links_is_refused(void **state)
{
	struct fx *f = *state;
	char paths[4][PATH_MAX], buf[64];

	need_proc();
	snprintf(paths[0], PATH_MAX, "/proc/self/root%s", f->file);
	snprintf(paths[1], PATH_MAX, "/proc/self/cwd/secret");
	snprintf(paths[2], PATH_MAX, "/proc/self/fd/%d", f->fd);
	snprintf(paths[3], PATH_MAX, "/proc/thread-self/root%s", f->file);
	/* the file itself is readable through the seam: only the links are refused */
	assert_int_equal(srp_sys_read(&f->sys, f->file, buf, sizeof(buf)), 8);
	for (size_t i = 0; i < 4; i++) {
		ssize_t n = srp_sys_read(&f->sys, paths[i], buf, sizeof(buf));

		if (n != -ELOOP)
			fail_msg("read '%s': %zd (%s), want -ELOOP", paths[i], n,
				 n < 0 ? strerror((int)-n) : "read it");
	}
}

static int count_entry(const char *name, unsigned char d_type, void *arg)
{
	(void)name;
	(void)d_type;
	++*(int *)arg;
	return 0;
}

/* Every other operation that resolves a path: write, open, readlink,
 * lstat, listdir, and the parent-relative ones. */
static void test_every_op_refuses_magic_links(void **state)
{
	struct fx *f = *state;
	const struct srp_sys *sys = &f->sys;
	char fdpath[64], inroot[PATH_MAX], buf[64];
	mode_t mode;
	int r, entries = 0;

	need_proc();
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", f->fd);
	snprintf(inroot, sizeof(inroot), "/proc/self/root%s", f->dir);
	assert_int_equal(symlink("secret", "link"), 0);

	assert_int_equal(srp_sys_write_str(sys, fdpath, "x"), -ELOOP);
	assert_int_equal(srp_sys_write_str(sys, "/proc/self/cwd/secret", "x"), -ELOOP);
	r = sys->ops->open(sys, fdpath, O_RDONLY, 0);
	if (r >= 0)
		close(r);
	assert_int_equal(r, -ELOOP);
	r = sys->ops->open(sys, "/proc/self/cwd/secret", O_RDWR, 0);
	if (r >= 0)
		close(r);
	assert_int_equal(r, -ELOOP);
	assert_int_equal(srp_sys_readlink(sys, "/proc/self/cwd/link", buf, sizeof(buf)), -ELOOP);
	assert_int_equal(srp_sys_lstat(sys, "/proc/self/cwd/secret", &mode), -ELOOP);
	assert_int_equal(sys->ops->listdir(sys, inroot, count_entry, &entries), -ELOOP);
	assert_int_equal(entries, 0);
	assert_int_equal(sys->ops->replace(sys, "/proc/self/cwd/secret", "x", 1, 0600), -ELOOP);
	assert_int_equal(sys->ops->unlink(sys, "/proc/self/cwd/secret"), -ELOOP);
	assert_int_equal(sys->ops->mkdir(sys, "/proc/self/cwd/new", 0700), -ELOOP);
	unlink("link");
	assert_secret_intact(f);
	assert_int_equal(access("new", F_OK), -1);
}

/* In a host tree, a link to /proc/self/root is resolved in the tree
 * (RESOLVE_IN_ROOT): it names the tree's own proc/self/root, which a
 * tree does not have, and nothing of the real host is read. */
static void test_tree_link_to_proc_stays_in_the_tree(void **state)
{
	struct fx *f = *state;
	struct srp_sys tree = { .rootfd = -1 };
	struct srp_err err = { 0 };
	char path[PATH_MAX], buf[64];

	need_proc();
	assert_int_equal(mkdir("tree", 0755), 0);
	assert_int_equal(symlink("/proc/self/root", "tree/escape"), 0);
	assert_int_equal(symlink("/proc/self/cwd", "tree/cwd"), 0);
	snprintf(path, sizeof(path), "%s/tree", f->dir);
	assert_int_equal(srp_sys_open(&tree, path, &err), 0);
	snprintf(path, sizeof(path), "/escape%s", f->file);
	assert_true(srp_sys_read(&tree, path, buf, sizeof(buf)) < 0);
	assert_true(srp_sys_read(&tree, "/cwd/secret", buf, sizeof(buf)) < 0);
	assert_true(srp_sys_write_str(&tree, "/cwd/secret", "x") < 0);
	srp_sys_close(&tree);
	unlink("tree/escape");
	unlink("tree/cwd");
	rmdir("tree");
	assert_secret_intact(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reads_stay_in_the_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_through_magic_links_is_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_every_op_refuses_magic_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tree_link_to_proc_stays_in_the_tree, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("confine", tests, NULL, NULL);
}
