/* SPDX-License-Identifier: MIT */
/* srpass tests -- an assign whose own rollback fails: the intent stays for recover */
#include "assign_fix.h"

#include "core/audit.h"

static void assert_pending_assign(struct fx *f)
{
	struct srp_inventory *inv = NULL;
	struct srp_findings fs = { 0 };
	struct srp_ledger *l = NULL;
	struct srp_err err = { 0 };
	int seen = 0;

	if (srp_ledger_peek(f->host, &l, &err) < 0)
		fail_msg("ledger: %s", err.msg);
	assert_int_equal(l->pending.op, SRP_OP_ASSIGN);
	assert_string_equal(l->pending.a.orig_driver, "iavf");
	if (srp_inventory_scan(f->host, &inv, &err) < 0)
		fail_msg("inventory: %s", err.msg);
	if (srp_audit(f->host, f->cfg, inv, l, NULL, &fs, &err) < 0)
		fail_msg("audit: %s", err.msg);
	for (size_t i = 0; i < fs.n; i++)
		seen += strcmp(fs.items[i].id, "SRP-LEDGER-003") == 0;
	assert_int_equal(seen, 1);	/* audit names the unfinished operation */
	srp_findings_free(&fs);
	srp_inventory_free(inv);
	srp_ledger_close(l);
}

static void recover_to(struct fx *f, const char *before)
{
	struct srp_err err = { 0 };
	char *now;
	int r;

	r = srp_recover(f->host, NULL, &err);
	if (r < 0)
		fail_msg("recover: %s", err.msg);
	assert_int_equal(r, 1);		/* it found the intent and undid it */
	now = snap(f);
	assert_same(before, now, "recover after a failed rollback");
	free(now);
}

/*
 * drivers_probe refuses every write: the bind to vfio-pci fails, and so
 * does probing the original driver back.  The VF is left with no driver,
 * so the ledger must keep the intent (with the original driver in it)
 * and say so; recover, once probing works again, puts the VF back.
 */
static void test_probe_refused_keeps_the_intent(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	struct faulty fl;
	char *before;
	int r;

	warm_up(f);
	before = snap(f);
	faulty_attach(&fl, &f->host->sys, 1, -EACCES);
	fl.sticky = true;
	fl.only = "/sys/bus/pci/drivers_probe";
	r = do_assign(f, VF0, "blue", "vm1", 101, &err);
	faulty_detach(&fl, &f->host->sys);
	assert_true(r < 0);
	assert_true(fl.failed >= 2);	/* the bind, then the rollback's probe */
	if (strstr(err.msg, "srpass recover") == NULL)
		fail_msg("the error does not say the rollback is left to recover: %s", err.msg);
	assert_pending_assign(f);
	recover_to(f, before);
	free(before);
}

/*
 * A directory where the VF's VFIO group node should be: the viability
 * check fails after the VF is on vfio-pci.  Whatever the rollback
 * manages, recover must end with the VF on its original driver.
 */
static void test_vfio_node_a_directory(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	char path[64], host_path[PATH_MAX];
	char *before;
	int group, r;

	warm_up(f);
	before = snap(f);
	group = fakehost_group(f->fh, VF0);
	assert_true(group >= 0);
	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	assert_int_equal(srp_sys_hostpath(&f->host->sys, path, host_path, sizeof(host_path)), 0);
	assert_int_equal(mkdir(host_path, 0755), 0);
	r = do_assign(f, VF0, "blue", "vm1", 101, &err);
	assert_true(r < 0);
	assert_non_null(strstr(err.msg, path));
	assert_int_equal(rmdir(host_path), 0);
	{
		struct srp_ledger *l = NULL;
		char *now;

		if (srp_ledger_peek(f->host, &l, &err) < 0)
			fail_msg("ledger: %s", err.msg);
		if (l->pending.op == SRP_OP_NONE) {
			/* the rollback worked: nothing may be left over */
			now = snap(f);
			assert_same(before, now, "assign with an undone failure");
			free(now);
		} else {
			recover_to(f, before);
		}
		srp_ledger_close(l);
	}
	free(before);
}

/*
 * Assign what is assigned so already, release what is free: exit 0 and
 * nothing changes (hooks and configuration management repeat them); the
 * same VF asked for another domain or VLAN is refused; --strict refuses
 * the repeat.
 */
static void test_repeats_are_unchanged(void **state)
{
	struct fx *f = *state;
	struct srp_assign_req req = { .tenant = "blue", .domain = "vm1", .backend = "kvm",
				      .vlan = 101 };
	struct srp_err err = { 0 };
	char *assigned, *now;

	warm_up(f);
	if (do_assign(f, VF0, "blue", "vm1", 101, &err) < 0)
		fail_msg("assign: %s", err.msg);
	assigned = snap(f);
	assert_int_equal(srp_bdf_parse(VF0, &req.vf), 0);
	assert_int_equal(srp_assign(f->host, f->cfg, &req, NULL, &err), 1);
	req.vlan = 0;		/* "the tenant's": whatever it has */
	assert_int_equal(srp_assign(f->host, f->cfg, &req, NULL, &err), 1);
	now = snap(f);
	assert_same(assigned, now, "a repeated assign");
	free(now);
	assert_int_equal(err.code, 0);

	assert_int_equal(do_assign(f, VF0, "blue", "vm2", 101, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "already assigned to tenant 'blue', domain 'vm1'"));
	srp_err_clear(&err);
	assert_int_equal(do_assign(f, VF0, "blue", "vm1", 102, &err), -EBUSY);
	srp_err_clear(&err);
	req.strict = 1;
	assert_int_equal(srp_assign(f->host, f->cfg, &req, NULL, &err), -EBUSY);
	srp_err_clear(&err);

	if (do_release(f, VF0, &err) != 0)
		fail_msg("release: %s", err.msg);
	assert_int_equal(do_release(f, VF0, &err), 1);
	assert_int_equal(err.code, 0);
	free(assigned);
}

/*
 * A guest's QEMU holds the VF's VFIO group open: release refuses, naming
 * the process, and changes nothing; --force releases it anyway.
 */
static void test_release_refused_while_in_use(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	char target[32], *assigned, *now;
	struct srp_bdf vf;

	warm_up(f);
	if (do_assign(f, VF0, "blue", "vm1", 101, &err) < 0)
		fail_msg("assign: %s", err.msg);
	snprintf(target, sizeof(target), "/dev/vfio/%d", fakehost_group(f->fh, VF0));
	assert_int_equal(fakehost_write(f->fh, "proc/4242/comm", "qemu-system-x86\n"), 0);
	assert_int_equal(fakehost_symlink(f->fh, "proc/4242/fd/3", "/dev/null"), 0);
	assert_int_equal(fakehost_symlink(f->fh, "proc/4242/fd/7", target), 0);
	assert_int_equal(fakehost_write(f->fh, "proc/77/comm", "bash\n"), 0);
	assigned = snap(f);

	assert_int_equal(srp_bdf_parse(VF0, &vf), 0);
	assert_int_equal(srp_release(f->host, &vf, 0, NULL, &err), -EBUSY);
	if (strstr(err.msg, "in use by 4242 (qemu-system-x86)") == NULL)
		fail_msg("the refusal does not name the process: %s", err.msg);
	now = snap(f);
	assert_same(assigned, now, "a release refused while in use");
	free(now);
	srp_err_clear(&err);

	/* a process whose fds cannot be read: nobody can say "nobody" */
	assert_int_equal(fakehost_remove(f->fh, "proc/4242"), 0);
	assert_int_equal(fakehost_write(f->fh, "proc/555/fd", "not a directory\n"), 0);
	assert_int_equal(srp_release(f->host, &vf, 0, NULL, &err), -ENOTDIR);
	if (strstr(err.msg, "cannot tell who holds") == NULL)
		fail_msg("%s", err.msg);
	srp_err_clear(&err);
	if (srp_release(f->host, &vf, SRP_RELEASE_FORCE, NULL, &err) != 0)
		fail_msg("release --force: %s", err.msg);
	free(assigned);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_probe_refused_keeps_the_intent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vfio_node_a_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_repeats_are_unchanged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_refused_while_in_use, setup, teardown),
	};

	return cmocka_run_group_tests_name("assign-undo", tests, NULL, NULL);
}
