/* SPDX-License-Identifier: MIT */
/* srpass tests -- the simulated kernel: sysfs writes with the kernel's side effects */
#define _GNU_SOURCE
#include <sys/mount.h>

#include "lib/faulty.h"
#include "unit/simkernel_fix.h"

/* ---- attach ---- */

static void test_attach_only_marked(void **state)
{
	struct tb *t = *state;
	struct srp_err err = { 0 };
	const struct srp_sys_ops *real = t->sys.ops;
	char h[PATH_MAX];

	assert_int_equal(srp_simkernel_attach(&t->sys, &err), 0);
	assert_ptr_equal(t->sys.ops, real);
	assert_false(srp_simkernel_attached(&t->sys));

	tb_put(t, SRP_SIMKERNEL_DIR, "not a directory\n");
	assert_int_equal(srp_simkernel_attach(&t->sys, &err), -ENOTDIR);
	assert_non_null(strstr(err.msg, SRP_SIMKERNEL_DIR));
	srp_err_clear(&err);
	host_path(t, SRP_SIMKERNEL_DIR, h);
	assert_int_equal(unlink(h), 0);

	tb_dir(t, SRP_SIMKERNEL_DIR);
	assert_int_equal(srp_simkernel_attach(&t->sys, &err), 1);
	assert_true(srp_simkernel_attached(&t->sys));
	assert_ptr_not_equal(t->sys.ops, real);
	assert_ptr_equal(t->sys.lower->ops, real);
	assert_int_equal(srp_simkernel_attach(&t->sys, &err), -EALREADY);
	srp_err_clear(&err);
	srp_simkernel_detach(&t->sys);
	assert_ptr_equal(t->sys.ops, real);
	assert_null(t->sys.lower);
	srp_simkernel_detach(&t->sys);		/* a no-op now */
	assert_ptr_equal(t->sys.ops, real);
}

/* The marker on a tree whose /sys is a real sysfs must not take effect. */
static void test_attach_refuses_real_sysfs(void **state)
{
	struct tb *t = *state;
	struct srp_err err = { 0 };
	char h[PATH_MAX];
	int r;

	tb_dir(t, SRP_SIMKERNEL_DIR);
	host_path(t, "/sys", h);
	if (mount("sysfs", h, "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		skip();		/* not allowed to mount here */
	r = srp_simkernel_attach(&t->sys, &err);
	assert_int_equal(umount(h), 0);
	assert_int_equal(r, -EPERM);
	assert_non_null(strstr(err.msg, "real sysfs"));
	assert_false(srp_simkernel_attached(&t->sys));
}

/* ---- what passes through, what sysfs refuses ---- */

static void test_passthrough_and_refusals(void **state)
{
	struct tb *t = *state;
	char *before;

	/* outside /sys: the lower ops, unchanged */
	assert_int_equal(wr(t, "/etc/hostname", "other\n"), 0);
	assert_string_equal(rd(t, "/etc/hostname"), "other\n");
	assert_int_equal(wr(t, "/etc/nonexistent", "x"), -ENOENT);
	assert_int_equal(t->sys.ops->mkdir(&t->sys, "/var/lib/srpass", 0700), 0);
	assert_int_equal(t->sys.ops->replace(&t->sys, "/var/lib/srpass/state", "s\n", 2, 0600), 0);
	assert_string_equal(rd(t, "/var/lib/srpass/state"), "s\n");
	assert_int_equal(t->sys.ops->unlink(&t->sys, "/var/lib/srpass/state"), 0);

	before = snap(t);
	/* an attribute the simulation does not model keeps what is written */
	assert_int_equal(wr(t, DEV(VF0) "/d3cold_allowed", "0\n"), 0);
	assert_string_equal(rd(t, DEV(VF0) "/d3cold_allowed"), "0\n");
	assert_int_equal(wr(t, DEV(VF0) "/d3cold_allowed", "1\n"), 0);
	/* read-only attributes, even for root */
	assert_int_equal(wr(t, DEV(VF0) "/vendor", "0x1234\n"), -EACCES);
	assert_int_equal(wr(t, DEV(PF) "/sriov_totalvfs", "64\n"), -EACCES);
	/* a zero-length write stores nothing (sysfs_kf_write) */
	assert_int_equal(t->sys.ops->write(&t->sys, DEV(VF0) "/driver_override", "", 0), 0);
	assert_string_equal(rd(t, DEV(VF0) "/driver_override"), "(null)\n");
	/* directories and links are not attributes */
	assert_int_equal(wr(t, "/sys/devices/pci0000:00/0000:00:03.0/" VF0, "x"), -EISDIR);
	assert_int_equal(wr(t, DEV(VF0), "x"), -ELOOP);
	assert_int_equal(wr(t, DEV(VF0) "/iommu_group", "x"), -ELOOP);
	assert_int_equal(wr(t, DEV(VF0) "/nosuch", "x"), -ENOENT);
	/* no making or removing files in sysfs */
	assert_int_equal(t->sys.ops->replace(&t->sys,
					     "/sys/devices/pci0000:00/0000:00:03.0/" VF0 "/x",
					     "x", 1, 0644), -EACCES);
	assert_int_equal(t->sys.ops->mkdir(&t->sys, "/sys/devices/x", 0755), -EPERM);
	assert_int_equal(t->sys.ops->unlink(&t->sys,
					    "/sys/devices/pci0000:00/0000:00:03.0/" VF0 "/vendor"),
			 -EPERM);
	/* through a link, the lower op's own refusal */
	assert_int_equal(t->sys.ops->replace(&t->sys, DEV(VF0) "/x", "x", 1, 0644), -ELOOP);
	/* reset and rescan are accepted and change nothing; remove is not simulated */
	assert_int_equal(wr(t, DEV(VF0) "/reset", "1"), 0);
	assert_int_equal(wr(t, DEV(VF0) "/reset", "2"), -EINVAL);
	assert_int_equal(wr(t, "/sys/bus/pci/rescan", "1"), 0);
	assert_int_equal(wr(t, DEV(VF0) "/remove", "1"), -EOPNOTSUPP);
	assert_tree_is(t, before);
	free(before);
}


/* ---- all or nothing: the simulation's own writes fail one at a time ---- */

/* Run one sysfs write with the nth tree mutation below the simulation
 * failing; 1 if a fault fired. */
static int faulted_write(struct tb *t, unsigned int n, const char *path, const char *val,
			 int *ret)
{
	struct srp_err err = { 0 };
	struct faulty f;

	srp_simkernel_detach(&t->sys);
	faulty_attach(&f, &t->sys, n, -EIO);
	assert_int_equal(srp_simkernel_attach(&t->sys, &err), 1);
	*ret = wr(t, path, val);
	srp_simkernel_detach(&t->sys);
	faulty_detach(&f, &t->sys);
	assert_int_equal(srp_simkernel_attach(&t->sys, &err), 1);
	return f.failed > 0;
}

static void test_sim_all_or_nothing(void **state)
{
	struct tb *t = *state;
	static const struct { const char *path, *val; } steps[] = {
		{ DEV(VF0) "/driver_override", "vfio-pci" },
		{ DRV("iavf/unbind"), VF0 },
		{ PROBE, VF0 },
		{ DEV(VF0) "/driver_override", "\n" },
		{ DRV("vfio-pci/unbind"), VF0 },
		{ PROBE, VF0 },
		{ DEV(PF) "/sriov_numvfs", "0" },
		{ DEV(PF) "/sriov_numvfs", "2" },
		{ DRV("ice/unbind"), PF },
	};
	char *start = snap(t);

	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		unsigned int n;
		int r;

		for (n = 1; n < 100; n++) {
			char *before = snap(t), *after;
			int fired = faulted_write(t, n, steps[s].path, steps[s].val, &r);

			after = snap(t);
			if (!fired) {
				assert_int_equal(r, 0);
				free(before);
				free(after);
				break;
			}
			if (r != -EIO)
				print_error("step %zu (%s), fault %u: %d\n", s, steps[s].path, n, r);
			assert_int_equal(r, -EIO);
			assert_same_tree(before, after);
			free(before);
			free(after);
		}
		assert_true(n < 100);
	}
	/* and it got back where it started, but for the PF unbound */
	assert_int_equal(wr(t, PROBE, PF), 0);
	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "2"), 0);
	assert_tree_is(t, start);
	free(start);
}

/* ---- the test helpers themselves ---- */

static void test_faulty(void **state)
{
	struct tb *t = *state;
	struct faulty f;

	srp_simkernel_detach(&t->sys);
	faulty_attach(&f, &t->sys, 2, -ENOSPC);
	assert_int_equal(wr(t, "/etc/hostname", "a\n"), 0);
	assert_int_equal(wr(t, "/etc/hostname", "b\n"), -ENOSPC);
	assert_int_equal(wr(t, "/etc/hostname", "c\n"), 0);
	assert_int_equal(t->sys.ops->mkdir(&t->sys, "/etc/d", 0755), 0);
	assert_int_equal(f.count, 4);
	assert_int_equal(f.failed, 1);
	assert_string_equal(f.first_op, "write");
	assert_string_equal(f.first_path, "/etc/hostname");
	assert_string_equal(rd(t, "/etc/hostname"), "c\n");	/* reads pass */
	faulty_detach(&f, &t->sys);

	faulty_attach(&f, &t->sys, 1, -EROFS);
	f.sticky = true;
	f.only = "/var";
	assert_int_equal(wr(t, "/etc/hostname", "d\n"), 0);	/* not counted */
	assert_int_equal(t->sys.ops->mkdir(&t->sys, "/var/x", 0755), -EROFS);
	assert_int_equal(t->sys.ops->replace(&t->sys, "/var/y", "", 0, 0644), -EROFS);
	assert_int_equal(t->sys.ops->unlink(&t->sys, "/var/lib/srpass-sim"), -EROFS);
	assert_int_equal(t->sys.ops->mkdir(&t->sys, "/variable", 0755), 0);
	assert_int_equal(f.count, 3);
	assert_int_equal(f.failed, 3);
	assert_string_equal(f.first_op, "mkdir");
	faulty_detach(&f, &t->sys);
	assert_ptr_equal(t->sys.ops, &srp_sys_real);
}

static void test_treediff(void **state)
{
	struct tb *t = *state;
	const char *const exclude[] = { "/etc", NULL };
	char *a, *b, diff[512], h[PATH_MAX];

	srp_simkernel_detach(&t->sys);
	a = snap(t);
	assert_non_null(strstr(a, DEV(VF0) " l ../../../devices/pci0000:00/0000:00:03.0/" VF0 "\n"));
	assert_non_null(strstr(a, "/driver_override f 0644 7 (null)\\n\n"));
	assert_non_null(strstr(a, "/sys/class/net d 0755\n"));

	/* a byte of content */
	tb_put(t, "/etc/hostname", "sin\n");
	b = snap(t);
	assert_int_equal(treediff_compare(a, b, diff, sizeof(diff)), 1);
	assert_string_equal(diff, "- /etc/hostname f 0644 4 sim\\n\n+ /etc/hostname f 0644 4 sin\\n\n");
	free(b);
	/* left out */
	free(a);
	assert_int_equal(treediff_snapshot(&t->sys, "/", exclude, &a), 0);
	tb_put(t, "/etc/hostname", "sim\n");
	assert_int_equal(treediff_snapshot(&t->sys, "/", exclude, &b), 0);
	assert_int_equal(treediff_compare(a, b, NULL, 0), 0);
	assert_null(strstr(a, "/etc"));
	free(a);
	free(b);

	a = snap(t);
	/* a mode */
	host_path(t, "/etc/hostname", h);
	assert_int_equal(chmod(h, 0600), 0);
	b = snap(t);
	assert_int_equal(treediff_compare(a, b, diff, sizeof(diff)), 1);
	assert_non_null(strstr(diff, "+ /etc/hostname f 0600"));
	free(b);
	assert_int_equal(chmod(h, 0644), 0);
	/* a link target, and an added file */
	host_path(t, DEV(VF0) "/physfn", h);
	assert_int_equal(unlink(h), 0);
	assert_int_equal(symlink("../" VF1, h), 0);
	tb_put(t, "/etc/new", "");
	b = snap(t);
	assert_int_equal(treediff_compare(a, b, diff, sizeof(diff)), 1);
	assert_non_null(strstr(diff, "- /sys/devices/pci0000:00/0000:00:03.0/" VF0 "/physfn l ../" PF));
	assert_non_null(strstr(diff, "+ /sys/devices/pci0000:00/0000:00:03.0/" VF0 "/physfn l ../" VF1));
	assert_non_null(strstr(diff, "+ /etc/new f 0644 0 \n"));
	/* a small buffer ends in a mark */
	assert_int_equal(treediff_compare(a, b, diff, 40), 1);
	assert_non_null(strstr(diff, "...\n"));
	assert_true(strlen(diff) < 40);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_attach_only_marked, setup_bare, teardown),
		cmocka_unit_test_setup_teardown(test_attach_refuses_real_sysfs, setup_bare, teardown),
		cmocka_unit_test_setup_teardown(test_passthrough_and_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sim_all_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faulty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_treediff, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
