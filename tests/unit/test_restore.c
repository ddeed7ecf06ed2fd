/* SPDX-License-Identifier: MIT */
/* srpass tests -- restore after a reboot: the PF's VFs again, then the assignments */
#include "assign_fix.h"

#include "core/sriov.h"
#include "os/bind.h"
#include "os/sysfs.h"

/* the ledger file's text, malloc()ed */
static char *ledger_text(struct fx *f)
{
	char *buf = calloc(1, 1 << 16);
	ssize_t n;

	assert_non_null(buf);
	n = srp_sys_read(&f->host->sys, LEDGER, buf, (1 << 16) - 1);
	assert_true(n > 0);
	return buf;
}

/* vf's VLAN as the PF's switch reports it */
static unsigned int switch_vlan(struct fx *f, unsigned int vf)
{
	struct srp_vf_table t = { 0 };
	struct srp_switch *sw = NULL;
	struct srp_err err = { 0 };
	unsigned int vlan;

	assert_int_equal(srp_host_switch_open(f->host, &sw, &err), 0);
	if (srp_switch_get_vfs(sw, "enp3s0f0", &t, &err) < 0)
		fail_msg("switch: %s", err.msg);
	assert_true(vf < t.num_vfs);
	vlan = t.vfs[vf].vlan;
	srp_vf_table_free(&t);
	srp_switch_close(sw);
	return vlan;
}

static const char *driver_of(struct fx *f, const char *addr, char *buf, size_t len)
{
	struct srp_err err = { 0 };
	struct srp_bdf a;

	assert_int_equal(srp_bdf_parse(addr, &a), 0);
	assert_int_equal(srp_bind_current(&f->host->sys, &a, buf, len, &err), 0);
	return buf;
}

/* the kernel's side of a boot: no VFs (the simulated kernel removes them) */
static void reboot(struct fx *f)
{
	struct srp_err err = { 0 };
	struct srp_bdf pf;
	unsigned int n;

	assert_int_equal(srp_bdf_parse(PF, &pf), 0);
	assert_int_equal(srp_sysfs_numvfs_read(&f->host->sys, &pf, &n, &err), 0);
	if (srp_sysfs_numvfs_set(&f->host->sys, &pf, n, 0, &err) < 0)
		fail_msg("sriov_numvfs 0: %s", err.msg);
}

/*
 * An assigned VF of a PF whose VFs the host made itself (4 at boot of the
 * fixture): after a reboot the PF has none; restore gives it its 4 again,
 * the VF goes back to vfio-pci with its VLAN, the ledger is as before.  A
 * dry run before it changes nothing.
 */
static void test_restore_after_reboot(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	char drv[64], *booted, *now, *ledger_before, *ledger_after;
	struct srp_ledger *l = NULL;
	struct srp_bdf pf;
	unsigned int n;

	warm_up(f);
	if (do_assign(f, VF1, "blue", "vm1", 103, &err) < 0)
		fail_msg("assign: %s", err.msg);
	assert_int_equal(srp_ledger_peek(f->host, &l, &err), 0);
	assert_int_equal(l->n_pfs, 1);		/* the PF's count, recorded by assign */
	assert_int_equal(l->pfs[0].numvfs, 4);
	srp_ledger_close(l);
	ledger_before = ledger_text(f);

	reboot(f);
	booted = snap(f);
	assert_int_equal(srp_restore(f->host, 1, NULL, &err), 0);
	now = snap(f);
	assert_same(booted, now, "restore --dry-run");
	free(now);

	if (srp_restore(f->host, 0, NULL, &err) < 0)
		fail_msg("restore: %s", err.msg);
	assert_int_equal(srp_bdf_parse(PF, &pf), 0);
	assert_int_equal(srp_sysfs_numvfs_read(&f->host->sys, &pf, &n, &err), 0);
	assert_int_equal(n, 4);
	assert_string_equal(driver_of(f, VF1, drv, sizeof(drv)), "vfio-pci");
	assert_string_equal(driver_of(f, VF0, drv, sizeof(drv)), "iavf");
	assert_int_equal(switch_vlan(f, 1), 103);
	ledger_after = ledger_text(f);
	assert_string_equal(ledger_before, ledger_after);	/* restore records nothing new */

	/* restore again: nothing to do */
	if (srp_restore(f->host, 0, NULL, &err) < 0)
		fail_msg("restore again: %s", err.msg);
	if (do_release(f, VF1, &err) != 0)
		fail_msg("release: %s", err.msg);
	free(booted);
	free(ledger_before);
	free(ledger_after);
}

/* enable records the count it made; disable forgets it; restore of a PF
 * that has VFs, but another number, leaves it and says so */
static void test_enable_disable_record_the_count(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	struct srp_ledger *l = NULL;
	struct srp_bdf pf;

	assert_int_equal(srp_bdf_parse(PF, &pf), 0);
	if (srp_sriov_set(f->host, &pf, 2, 1, 0, NULL, &err) != 1)
		fail_msg("enable: %s", err.msg);
	/* the same again: nothing to change, and it says so */
	assert_int_equal(srp_sriov_set(f->host, &pf, 2, 1, 0, NULL, &err), 0);
	assert_int_equal(srp_ledger_peek(f->host, &l, &err), 0);
	assert_int_equal(l->n_pfs, 1);
	assert_int_equal(l->pfs[0].numvfs, 2);
	assert_int_equal(l->pfs[0].autoprobe, 0);
	srp_ledger_close(l);

	if (srp_sysfs_numvfs_set(&f->host->sys, &pf, 2, 3, &err) < 0)
		fail_msg("sriov_numvfs 3: %s", err.msg);
	assert_int_equal(srp_restore(f->host, 0, NULL, &err), -EIO);
	if (strstr(err.msg, "1 of 1 PFs and VFs") == NULL)
		fail_msg("restore: %s", err.msg);
	srp_err_clear(&err);

	if (srp_sriov_set(f->host, &pf, 0, 0, 0, NULL, &err) < 0)
		fail_msg("disable: %s", err.msg);
	assert_int_equal(srp_ledger_peek(f->host, &l, &err), 0);
	assert_int_equal(l->n_pfs, 0);
	srp_ledger_close(l);
	assert_int_equal(srp_restore(f->host, 0, NULL, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_restore_after_reboot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enable_disable_record_the_count, setup, teardown),
	};

	return cmocka_run_group_tests_name("restore", tests, NULL, NULL);
}
