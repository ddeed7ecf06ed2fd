/* SPDX-License-Identifier: MIT */
/* srpass tests -- assign, release, enable: all-or-nothing, crash-safe, serialized */
#include "assign_fix.h"

/*
 * The production platform never looks for the simulator: on the very
 * same tree, marker and all, it has the plain seam and the netlink switch
 * (which opens no socket until asked), and an assign reaches sysfs as
 * plain file writes that no simulated kernel answers.
 */
static void test_kernel_platform_ignores_the_marker(void **state)
{
	struct fx *f = *state;
	struct srp_host *real = NULL;
	struct srp_switch *sw = NULL;
	struct srp_err err = { 0 };

	assert_int_equal(srp_host_open(fakehost_root(f->fh), &real, &err), 0);
	assert_false(srp_simkernel_attached(&real->sys));
	assert_ptr_equal(real->sys.ops, &srp_sys_real);
	assert_ptr_equal(real->platform, &srp_platform_kernel);
	assert_int_equal(srp_host_switch_open(real, &sw, &err), 0);
	assert_string_equal(sw->ops->name, "netlink");
	srp_switch_close(sw);
	srp_host_close(real);
	assert_ptr_equal(f->host->platform, &srp_platform_sim);
}

static void test_assign_release_round_trip(void **state)
{
	struct fx *f = *state;
	struct srp_inventory *inv = NULL;
	struct srp_ledger *l = NULL;
	struct srp_err err = { 0 };
	const struct srp_dev *vf;
	struct srp_bdf a;
	char *before, *after;

	warm_up(f);
	before = snap(f);
	if (do_assign(f, VF0, "blue", "vm1", 105, &err) < 0)
		fail_msg("assign: %s", err.msg);

	assert_int_equal(srp_inventory_scan(f->host, &inv, &err), 0);
	vf = find(inv, VF0);
	assert_string_equal(vf->driver, "vfio-pci");
	assert_string_equal(vf->driver_override, "vfio-pci");
	assert_null(find(inv, VF0)->n_netdevs ? "netdev still there" : NULL);
	assert_int_equal(srp_ledger_peek(f->host, &l, &err), 0);
	assert_int_equal(srp_bdf_parse(VF0, &a), 0);
	assert_non_null(srp_ledger_find(l, &a));
	assert_string_equal(srp_ledger_find(l, &a)->orig_driver, "iavf");
	assert_int_equal(srp_ledger_find(l, &a)->vlan, 105);
	assert_true(srp_ledger_find(l, &a)->spoofchk);
	assert_false(srp_ledger_find(l, &a)->trust);
	assert_int_equal(srp_ledger_find(l, &a)->mac[0], 0x02);
	assert_int_equal(srp_ledger_find(l, &a)->mac[1], 0xaa);
	assert_int_equal(l->pending.op, SRP_OP_NONE);
	srp_ledger_close(l);
	srp_inventory_free(inv);

	if (do_release(f, VF0, &err) < 0)
		fail_msg("release: %s", err.msg);
	after = snap(f);
	assert_same(before, after, "assign + release");
	free(before);
	free(after);
}

/* Every mutating step of assign fails once, in turn: each time the host
 * is as before, or (when the failed write was the ledger's own) the next
 * run's recovery makes it so. */
static void test_assign_fault_at_every_step(void **state)
{
	struct fx *f = *state;
	unsigned int n, steps = 0;
	char *before;

	warm_up(f);
	before = snap(f);
	for (n = 1; n < 200; n++) {
		struct srp_err err = { 0 };
		struct faulty fl;
		char *now;
		int r;

		faulty_attach(&fl, &f->host->sys, n, -EIO);
		r = do_assign(f, VF0, "blue", "vm1", 101, &err);
		faulty_detach(&fl, &f->host->sys);
		if (fl.failed == 0) {
			assert_int_equal(r, 0);
			steps = fl.count;
			break;
		}
		if (r == 0)
			fail_msg("step %u (%s %s) failed but assign succeeded", n, fl.first_op,
				 fl.first_path);
		assert_int_not_equal(err.msg[0], '\0');
		now = snap(f);
		if (treediff_compare(before, now, NULL, 0) != 0) {
			struct srp_err rerr = { 0 };

			/* only a failed ledger write may leave something for recovery */
			if (strcmp(fl.first_path, LEDGER) != 0)
				fail_msg("step %u (%s %s): tree changed and it was not the ledger",
					 n, fl.first_op, fl.first_path);
			assert_true(srp_recover(f->host, NULL, &rerr) >= 0);
			free(now);
			now = snap(f);
		}
		assert_same(before, now, "assign with a failed step");
		free(now);
	}
	assert_true(steps >= 6);	/* ledger x2, override, unbind, probe, switch x3 */
	free(before);
}

static void test_release_fault_at_every_step(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	char *assigned, *released;
	unsigned int n;

	warm_up(f);
	released = snap(f);
	if (do_assign(f, VF0, "blue", "vm1", 100, &err) < 0)
		fail_msg("assign: %s", err.msg);
	assigned = snap(f);
	for (n = 1; n < 200; n++) {
		struct faulty fl;
		char *now;
		int r;

		srp_err_clear(&err);
		faulty_attach(&fl, &f->host->sys, n, -EIO);
		r = do_release(f, VF0, &err);
		faulty_detach(&fl, &f->host->sys);
		if (fl.failed == 0) {
			assert_int_equal(r, 0);
			break;
		}
		assert_true(r < 0);
		now = snap(f);
		if (treediff_compare(assigned, now, NULL, 0) != 0) {
			/* a failed ledger write: the next run finishes the release */
			if (strcmp(fl.first_path, LEDGER) != 0)
				fail_msg("step %u (%s %s): neither assigned nor released", n,
					 fl.first_op, fl.first_path);
			assert_true(srp_recover(f->host, NULL, &err) >= 0);
			free(now);
			now = snap(f);
			assert_same(released, now, "release finished by recovery");
			free(now);
			/* back to assigned for the next step */
			if (do_assign(f, VF0, "blue", "vm1", 100, &err) < 0)
				fail_msg("assign: %s", err.msg);
			now = snap(f);
		}
		assert_same(assigned, now, "release with a failed step");
		free(now);
	}
	{
		char *now = snap(f);

		assert_same(released, now, "release");
		free(now);
	}
	free(assigned);
	free(released);
}

/* A crash: the process dies at the Nth mutating step, without any
 * rollback.  The next run (recover) must restore consistency. */
struct crashy {
	struct srp_sys lower;
	unsigned int at, count;
};

static int crash_point(const struct srp_sys *sys)
{
	struct crashy *c = sys->data;

	if (++c->count == c->at)
		_exit(99);
	return 0;
}

#define LOWER(sys) (&((struct crashy *)(sys)->data)->lower)
static ssize_t c_read(const struct srp_sys *s, const char *p, void *b, size_t n)
{ return LOWER(s)->ops->read(LOWER(s), p, b, n); }
static int c_write(const struct srp_sys *s, const char *p, const void *b, size_t n)
{ crash_point(s); return LOWER(s)->ops->write(LOWER(s), p, b, n); }
static ssize_t c_readlink(const struct srp_sys *s, const char *p, char *b, size_t n)
{ return LOWER(s)->ops->readlink(LOWER(s), p, b, n); }
static int c_listdir(const struct srp_sys *s, const char *p, srp_dirent_fn fn, void *a)
{ return LOWER(s)->ops->listdir(LOWER(s), p, fn, a); }
static int c_lstat(const struct srp_sys *s, const char *p, mode_t *m)
{ return LOWER(s)->ops->lstat(LOWER(s), p, m); }
static int c_replace(const struct srp_sys *s, const char *p, const void *d, size_t n, mode_t m)
{ crash_point(s); return LOWER(s)->ops->replace(LOWER(s), p, d, n, m); }
static int c_mkdir(const struct srp_sys *s, const char *p, mode_t m)
{ crash_point(s); return LOWER(s)->ops->mkdir(LOWER(s), p, m); }
static int c_unlink(const struct srp_sys *s, const char *p)
{ crash_point(s); return LOWER(s)->ops->unlink(LOWER(s), p); }
static int c_open(const struct srp_sys *s, const char *p, int fl, mode_t m)
{ return LOWER(s)->ops->open(LOWER(s), p, fl, m); }
static int c_ioctl(const struct srp_sys *s, int fd, unsigned long r, void *a)
{ return LOWER(s)->ops->ioctl(LOWER(s), fd, r, a); }
static void c_sleep(const struct srp_sys *s, unsigned int ms)
{ LOWER(s)->ops->sleep_ms(LOWER(s), ms); }

static const struct srp_sys_ops crashy_ops = {
	.read = c_read, .write = c_write, .readlink = c_readlink, .listdir = c_listdir,
	.lstat = c_lstat, .replace = c_replace, .mkdir = c_mkdir, .unlink = c_unlink,
	.open = c_open, .ioctl = c_ioctl, .sleep_ms = c_sleep,
};

typedef int (*op_fn)(struct fx *f, struct srp_err *err);

/* Run op in a child that dies at its nth mutating step; 1 if it died
 * there, 0 if op ran to the end without reaching step n. */
static int crash_at(struct fx *f, op_fn op, unsigned int n)
{
	int status;
	pid_t pid;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		static struct crashy c;
		struct srp_err err = { 0 };

		c.lower = f->host->sys;
		c.at = n;
		f->host->sys.ops = &crashy_ops;
		f->host->sys.data = &c;
		_exit(op(f, &err) == 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 0)
		return 0;
	assert_int_equal(WEXITSTATUS(status), 99);
	return 1;
}

/* The next run after a crash: recovery, then the tree as one of the
 * snapshots; returns which. */
static int recover_to(struct fx *f, unsigned int n, const char *a, const char *b)
{
	struct srp_err err = { 0 };
	char *now;
	int which;

	if (srp_recover(f->host, NULL, &err) < 0)
		fail_msg("recover after a crash at step %u: %s", n, err.msg);
	now = snap(f);
	which = treediff_compare(a, now, NULL, 0) == 0 ? 0 :
		b != NULL && treediff_compare(b, now, NULL, 0) == 0 ? 1 : -1;
	if (which < 0)
		assert_same(a, now, "crash + recover");
	free(now);
	return which;
}

static int op_assign(struct fx *f, struct srp_err *err)
{
	return do_assign(f, VF0, "blue", "vm1", 102, err);
}

static int op_release(struct fx *f, struct srp_err *err)
{
	return do_release(f, VF0, err);
}

static int op_shrink(struct fx *f, struct srp_err *err)
{
	struct srp_bdf pf;

	int r;

	assert_int_equal(srp_bdf_parse(PF, &pf), 0);
	r = srp_sriov_set(f->host, &pf, 2, 0, 0, NULL, err);
	return r < 0 ? r : 0;	/* 1: changed */
}

/* A crash: the process dies at the Nth mutating step, without any
 * rollback; the next run (recover) must leave the host consistent. */
static void test_crash_in_assign_then_recover(void **state)
{
	struct fx *f = *state;
	char *before;
	unsigned int n;

	warm_up(f);
	before = snap(f);
	for (n = 1; n < 200 && crash_at(f, op_assign, n); n++)
		recover_to(f, n, before, NULL);	/* an assign is undone */
	assert_true(n > 6);
	{
		struct srp_err err = { 0 };	/* and the one that ran is real */

		if (do_release(f, VF0, &err) < 0)
			fail_msg("release: %s", err.msg);
	}
	free(before);
}

static void test_crash_in_release_then_recover(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	char *released, *assigned;
	unsigned int n;

	warm_up(f);
	released = snap(f);
	if (op_assign(f, &err) < 0)
		fail_msg("assign: %s", err.msg);
	assigned = snap(f);
	/* a release is finished, unless it died before writing its intent */
	for (n = 1; n < 200 && crash_at(f, op_release, n); n++) {
		if (recover_to(f, n, released, assigned) == 0 && op_assign(f, &err) < 0)
			fail_msg("assign: %s", err.msg);
	}
	assert_true(n > 4);
	free(released);
	free(assigned);
}

static void test_crash_in_numvfs_then_recover(void **state)
{
	struct fx *f = *state;
	char *before;
	unsigned int n;

	warm_up(f);
	before = snap(f);
	for (n = 1; n < 100 && crash_at(f, op_shrink, n); n++)
		recover_to(f, n, before, NULL);	/* a numvfs change is undone */
	assert_true(n > 2);
	free(before);
}

/* 16 processes assign one VF at once: exactly one wins. */
static void test_concurrent_assigns_one_wins(void **state)
{
	struct fx *f = *state;
	int wins = 0, busy = 0;
	pid_t pids[16];

	for (int i = 0; i < 16; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			struct srp_host *h = NULL;
			struct srp_err err = { 0 };
			struct srp_assign_req req = { .tenant = "blue", .backend = "kvm",
						      .vlan = 100 };
			char dom[16];
			int r;

			snprintf(dom, sizeof(dom), "vm%d", i);
			req.domain = dom;
			srp_bdf_parse(VF0, &req.vf);
			if (srp_sim_host_open(fakehost_root(f->fh), &h, &err) < 0)
				_exit(3);
			r = srp_assign(h, f->cfg, &req, NULL, &err);
			srp_host_close(h);
			_exit(r == 0 ? 0 : r == -EBUSY ? 1 : 2);
		}
	}
	for (int i = 0; i < 16; i++) {
		int status;

		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		if (WEXITSTATUS(status) == 0)
			wins++;
		else if (WEXITSTATUS(status) == 1)
			busy++;
	}
	assert_int_equal(wins, 1);
	assert_int_equal(busy, 15);
}

static void test_refusals_change_nothing(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	struct srp_assign_req req = { .tenant = "blue", .domain = "vm1", .backend = "kvm",
				      .vlan = 101, .dry_run = 1 };
	struct srp_bdf pf;
	char *before, *now;

	warm_up(f);
	before = snap(f);

	/* not its VLAN */
	assert_int_equal(do_assign(f, VF0, "red", "vm1", 100, &err), -EPERM);
	assert_non_null(strstr(err.msg, "SRP-POL-VLAN"));
	/* unknown tenant */
	srp_err_clear(&err);
	assert_int_equal(do_assign(f, VF0, "green", "vm1", 0, &err), -EPERM);
	assert_non_null(strstr(err.msg, "SRP-POL-TENANT"));
	/* the PF is not a VF; bad names */
	srp_err_clear(&err);
	assert_int_equal(do_assign(f, PF, "blue", "vm1", 100, &err), -EINVAL);
	srp_err_clear(&err);
	assert_int_equal(do_assign(f, VF0, "blue", "../etc", 100, &err), -EINVAL);
	srp_err_clear(&err);
	assert_int_equal(do_assign(f, "0000:03:03.7", "blue", "vm1", 100, &err), -ENODEV);
	/* a dry run */
	srp_err_clear(&err);
	assert_int_equal(srp_bdf_parse(VF1, &req.vf), 0);
	if (srp_assign(f->host, f->cfg, &req, NULL, &err) < 0)
		fail_msg("dry run: %s", err.msg);
	/* release of a VF that is not assigned: nothing to do, or with
	 * --strict an error */
	srp_err_clear(&err);
	assert_int_equal(do_release(f, VF1, &err), 1);
	assert_int_equal(err.code, 0);
	assert_int_equal(srp_release(f->host, &req.vf, SRP_RELEASE_STRICT, NULL, &err), -ENOENT);
	now = snap(f);
	assert_same(before, now, "refused operations");
	free(now);

	/* two tenants on one VF, and a VLAN another tenant holds */
	srp_err_clear(&err);
	assert_int_equal(do_assign(f, VF0, "blue", "vm1", 100, &err), 0);
	assert_int_equal(do_assign(f, VF0, "red", "vm2", 200, &err), -EBUSY);
	/* sriov_numvfs cannot change under an assigned VF */
	srp_err_clear(&err);
	assert_int_equal(srp_bdf_parse(PF, &pf), 0);
	assert_int_equal(srp_sriov_set(f->host, &pf, 0, 0, 0, NULL, &err), -EBUSY);
	assert_int_equal(do_release(f, VF0, &err), 0);
	free(before);
}

/* A MAC someone set on another VF of the PF (not in the ledger) is
 * taken: asked for, it is refused; derived, another one is chosen. */
static void test_mac_on_the_adapter_is_taken(void **state)
{
	struct fx *f = *state;
	struct srp_vf_change c = { .set = SRP_VF_MAC, .mac = { 0x02, 0xaa, 0, 0, 0, 0x77 } };
	struct srp_assign_req req = { .tenant = "blue", .domain = "vm1", .backend = "kvm",
				      .vlan = 100, .has_mac = 1,
				      .mac = { 0x02, 0xaa, 0, 0, 0, 0x77 } };
	struct srp_switch *sw = NULL;
	struct srp_err err = { 0 };

	assert_int_equal(srp_host_switch_open(f->host, &sw, &err), 0);
	if (srp_switch_set_vf(sw, "enp3s0f0", "i40e", 3, &c, &err) < 0)
		fail_msg("planting a MAC: %s", err.msg);
	srp_switch_close(sw);
	assert_int_equal(srp_bdf_parse(VF0, &req.vf), 0);
	assert_int_equal(srp_assign(f->host, f->cfg, &req, NULL, &err), -EPERM);
	assert_non_null(strstr(err.msg, "SRP-POL-MAC-CONFLICT"));
}

static void test_orphan_on_vfio_is_refused(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };

	assert_int_equal(srp_sys_write_str(&f->host->sys,
					   "/sys/bus/pci/devices/" VF1 "/driver_override", "vfio-pci"), 0);
	assert_int_equal(srp_sys_write_str(&f->host->sys,
					   "/sys/bus/pci/devices/" VF1 "/driver/unbind", VF1), 0);
	assert_int_equal(srp_sys_write_str(&f->host->sys, "/sys/bus/pci/drivers_probe", VF1), 0);
	assert_int_equal(do_assign(f, VF1, "blue", "vm1", 100, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "orphan"));
}

/* numvfs 4 -> 2 with a fault at every step: back at 4 each time. */
static void test_enable_fault_at_every_step(void **state)
{
	struct fx *f = *state;
	struct srp_inventory *inv = NULL;
	struct srp_err err = { 0 };
	struct srp_bdf pf;
	char *before;
	unsigned int n;

	warm_up(f);
	assert_int_equal(srp_bdf_parse(PF, &pf), 0);
	before = snap(f);
	for (n = 1; n < 100; n++) {
		struct faulty fl;
		char *now;
		int r;

		srp_err_clear(&err);
		faulty_attach(&fl, &f->host->sys, n, -EIO);
		r = srp_sriov_set(f->host, &pf, 2, 0, 0, NULL, &err);
		faulty_detach(&fl, &f->host->sys);
		if (fl.failed == 0) {
			assert_int_equal(r, 1);	/* 4 -> 2: changed */
			break;
		}
		assert_true(r < 0);
		now = snap(f);
		if (treediff_compare(before, now, NULL, 0) != 0) {
			if (strcmp(fl.first_path, LEDGER) != 0)
				fail_msg("step %u (%s %s): tree changed", n, fl.first_op,
					 fl.first_path);
			assert_true(srp_recover(f->host, NULL, &err) >= 0);
			free(now);
			now = snap(f);
		}
		assert_same(before, now, "numvfs change with a failed step");
		free(now);
	}
	assert_int_equal(srp_inventory_scan(f->host, &inv, &err), 0);
	assert_int_equal(find(inv, PF)->numvfs, 2);
	assert_int_equal(find(inv, PF)->n_vfs, 2);
	srp_inventory_free(inv);
	/* and above totalvfs */
	assert_int_equal(srp_sriov_set(f->host, &pf, 9, 0, 0, NULL, &err), -ERANGE);
	free(before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kernel_platform_ignores_the_marker, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_assign_release_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_assign_fault_at_every_step, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_fault_at_every_step, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_in_assign_then_recover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_in_release_then_recover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_in_numvfs_then_recover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_assigns_one_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals_change_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_orphan_on_vfio_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mac_on_the_adapter_is_taken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enable_fault_at_every_step, setup, teardown),
	};

	return cmocka_run_group_tests_name("assign", tests, NULL, NULL);
}
