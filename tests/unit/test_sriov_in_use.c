/* SPDX-License-Identifier: MIT */
/* srpass tests -- a VF in use: its VFIO device node held (iommufd), and disable of a PF with VFs assigned or held */
#include "assign_fix.h"

#include "os/sys.h"
#include "lib/faulty.h"

/* A process "pid" named comm with fd 3 on /dev/null and fd 7 on target. */
static void holder(struct fx *f, const char *pid, const char *comm, const char *target)
{
	char path[64], text[64];

	snprintf(path, sizeof(path), "proc/%s/comm", pid);
	snprintf(text, sizeof(text), "%s\n", comm);
	assert_int_equal(fakehost_write(f->fh, path, text), 0);
	snprintf(path, sizeof(path), "proc/%s/fd/3", pid);
	assert_int_equal(fakehost_symlink(f->fh, path, "/dev/null"), 0);
	snprintf(path, sizeof(path), "proc/%s/fd/7", pid);
	assert_int_equal(fakehost_symlink(f->fh, path, target), 0);
}

/* The VF's vfio-dev/vfioN, as a kernel with CONFIG_VFIO_DEVICE_CDEV has
 * it while vfio-pci holds the VF. */
static void vfio_cdev(struct fx *f, const char *vf, unsigned int n)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/vfio-dev/vfio%u/dev", fakehost_dev_dir(f->fh, vf), n);
	assert_int_equal(fakehost_write(f->fh, path, "511:3\n"), 0);
}

static int disable(struct fx *f, int flags, struct srp_err *err)
{
	struct srp_bdf pf;

	assert_int_equal(srp_bdf_parse(PF, &pf), 0);
	return srp_sriov_set(f->host, &pf, 0, 0, flags, NULL, err);
}

static unsigned int numvfs(struct fx *f)
{
	char buf[16] = "";
	ssize_t r;

	r = srp_sys_read(&f->host->sys, "/sys/bus/pci/devices/" PF "/sriov_numvfs", buf,
			 sizeof(buf) - 1);
	assert_true(r > 0);
	return (unsigned int)strtoul(buf, NULL, 10);
}

static size_t assigned(struct fx *f)
{
	struct srp_ledger *l = NULL;
	struct srp_err err = { 0 };
	size_t n;

	if (srp_ledger_peek(f->host, &l, &err) < 0)
		fail_msg("ledger: %s", err.msg);
	assert_int_equal(l->pending.op, SRP_OP_NONE);
	n = l->n;
	srp_ledger_close(l);
	return n;
}

static void expect_msg(const struct srp_err *err, const char *want)
{
	if (strstr(err->msg, want) == NULL)
		fail_msg("the message lacks \"%s\": %s", want, err->msg);
}

/*
 * With iommufd a guest's QEMU opens the VF's own node,
 * /dev/vfio/devices/vfioN, and never its group: release refuses while a
 * process holds that, naming it; --force goes on.
 */
static void test_release_refused_while_device_held(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	struct srp_bdf vf;
	char *before, *now;

	warm_up(f);
	if (do_assign(f, VF0, "blue", "vm1", 101, &err) < 0)
		fail_msg("assign: %s", err.msg);
	vfio_cdev(f, VF0, 3);
	holder(f, "4242", "qemu-system-x86", "/dev/vfio/devices/vfio3");
	holder(f, "77", "bash", "/dev/vfio/devices/vfio4");	/* another VF's */
	before = snap(f);

	assert_int_equal(srp_bdf_parse(VF0, &vf), 0);
	assert_int_equal(srp_release(f->host, &vf, 0, NULL, &err), -EBUSY);
	expect_msg(&err, "in use by 4242 (qemu-system-x86)");
	if (strstr(err.msg, "bash") != NULL)
		fail_msg("names a process that holds another node: %s", err.msg);
	now = snap(f);
	assert_same(before, now, "a release refused while the VFIO device is held");
	free(now);
	srp_err_clear(&err);
	if (srp_release(f->host, &vf, SRP_RELEASE_FORCE, NULL, &err) != 0)
		fail_msg("release --force: %s", err.msg);
	assert_int_equal(assigned(f), 0);
	free(before);
}

/*
 * vfio-dev must be the device's own directory: a symlink there is not
 * the kernel's and is not followed (who holds the VF cannot be told, so
 * release refuses, as for an unreadable /proc/PID/fd), and an entry that
 * is not "vfio" and a number never becomes a node to look for.
 */
static void test_vfio_dev_not_followed(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	char path[PATH_MAX];
	struct srp_bdf vf;

	warm_up(f);
	if (do_assign(f, VF0, "blue", "vm1", 101, &err) < 0)
		fail_msg("assign: %s", err.msg);
	assert_int_equal(srp_bdf_parse(VF0, &vf), 0);
	assert_int_equal(fakehost_write(f->fh, "elsewhere/vfio3/dev", "511:3\n"), 0);
	snprintf(path, sizeof(path), "%s/vfio-dev", fakehost_dev_dir(f->fh, VF0));
	assert_int_equal(fakehost_symlink(f->fh, path, "/elsewhere"), 0);
	holder(f, "4242", "qemu-system-x86", "/dev/vfio/devices/vfio3");
	assert_int_equal(srp_release(f->host, &vf, 0, NULL, &err), -ENOTDIR);
	expect_msg(&err, "vfio-dev' is not a directory");
	srp_err_clear(&err);

	assert_int_equal(fakehost_remove(f->fh, path), 0);
	snprintf(path, sizeof(path), "%s/vfio-dev/vfio3.old/dev", fakehost_dev_dir(f->fh, VF0));
	assert_int_equal(fakehost_write(f->fh, path, "511:3\n"), 0);
	holder(f, "4343", "qemu-system-x86", "/dev/vfio/devices/vfio3.old");
	if (srp_release(f->host, &vf, 0, NULL, &err) != 0)
		fail_msg("release: %s", err.msg);
}

/*
 * Disable of a PF whose VFs the ledger assigns: refused, naming every
 * such VF with its tenant and domain, the host untouched; with --force
 * each is released first (the ledger forgets it), then the VFs go.
 */
static void test_disable_with_assigned_vfs(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	char *before, *now;

	warm_up(f);
	if (do_assign(f, VF0, "blue", "vm1", 101, &err) < 0 ||
	    do_assign(f, VF1, "red", "vm2", 200, &err) < 0)
		fail_msg("assign: %s", err.msg);
	before = snap(f);
	assert_int_equal(disable(f, 0, &err), -EBUSY);
	expect_msg(&err, VF0 " (tenant 'blue', domain 'vm1')");
	expect_msg(&err, VF1 " (tenant 'red', domain 'vm2')");
	expect_msg(&err, "disable --force");
	srp_err_clear(&err);
	assert_int_equal(disable(f, SRP_SRIOV_DRY_RUN, &err), -EBUSY);	/* refused too */
	srp_err_clear(&err);
	assert_int_equal(disable(f, SRP_SRIOV_DRY_RUN | SRP_SRIOV_FORCE, &err), 0);
	now = snap(f);
	assert_same(before, now, "a refused disable, and a dry run of --force");
	free(now);

	if (disable(f, SRP_SRIOV_FORCE, &err) != 1)
		fail_msg("disable --force: %s", err.msg);
	assert_int_equal(numvfs(f), 0);
	assert_int_equal(assigned(f), 0);
	free(before);
}

/*
 * Disable while a process holds a VF of the PF open, assigned or not:
 * a VF someone bound to vfio-pci by hand, its group held by a QEMU; then
 * another VF's iommufd device node.  Refused naming the VF, the pid and
 * the command; --force goes on.
 */
static void test_disable_refused_while_in_use(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	char target[32], *before, *now;

	warm_up(f);
	assert_int_equal(fakehost_bind(f->fh, VF1, "vfio-pci"), 0);
	snprintf(target, sizeof(target), "/dev/vfio/%d", fakehost_group(f->fh, VF1));
	holder(f, "4242", "qemu-system-x86", target);
	before = snap(f);
	assert_int_equal(disable(f, 0, &err), -EBUSY);
	expect_msg(&err, "VF " VF1 ": 4242 (qemu-system-x86)");
	expect_msg(&err, "disable --force");
	now = snap(f);
	assert_same(before, now, "a disable refused while a VF is held");
	free(now);
	free(before);
	srp_err_clear(&err);

	assert_int_equal(fakehost_remove(f->fh, "proc/4242"), 0);
	assert_int_equal(fakehost_bind(f->fh, VF0, "vfio-pci"), 0);
	vfio_cdev(f, VF0, 5);
	holder(f, "4343", "qemu-kvm", "/dev/vfio/devices/vfio5");
	assert_int_equal(disable(f, 0, &err), -EBUSY);
	expect_msg(&err, "VF " VF0 ": 4343 (qemu-kvm)");
	srp_err_clear(&err);

	/* who holds the VFs cannot be told: refused too */
	assert_int_equal(fakehost_write(f->fh, "proc/555/fd", "not a directory\n"), 0);
	assert_int_equal(disable(f, 0, &err), -ENOTDIR);
	expect_msg(&err, "cannot tell who holds");
	srp_err_clear(&err);

	/* a dry run of --force goes past it, and changes nothing */
	before = snap(f);
	assert_int_equal(disable(f, SRP_SRIOV_DRY_RUN | SRP_SRIOV_FORCE, &err), 0);
	now = snap(f);
	assert_same(before, now, "a dry run of disable --force with VFs held");
	free(now);
	free(before);
	if (disable(f, SRP_SRIOV_FORCE, &err) != 1)
		fail_msg("disable --force: %s", err.msg);
	assert_int_equal(numvfs(f), 0);
}

/* VFs on host drivers have no VFIO node: a process holding some other
 * VFIO group does not stop the disable. */
static void test_disable_ignores_other_holders(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };

	warm_up(f);
	holder(f, "4242", "qemu-system-x86", "/dev/vfio/99");
	if (disable(f, 0, &err) != 1)
		fail_msg("disable: %s", err.msg);
	assert_int_equal(numvfs(f), 0);
}


/*
 * A VF on vfio-pci whose vfio-dev holds entries that are not "vfio" and
 * a number: none becomes a node to look for, so a process holding a node
 * of that name does not stop the disable (nor a path built from it).
 */
static void test_disable_ignores_malformed_vfio_dev(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	static const char *const bad[] = { "vfio3.old", "vfio", "xvfio3", "vfio12345678901",
					   "vfio-3" };
	char path[PATH_MAX], target[64];

	warm_up(f);
	assert_int_equal(fakehost_bind(f->fh, VF0, "vfio-pci"), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char pid[16];

		snprintf(path, sizeof(path), "%s/vfio-dev/%s/dev", fakehost_dev_dir(f->fh, VF0),
			 bad[i]);
		assert_int_equal(fakehost_write(f->fh, path, "511:3\n"), 0);
		snprintf(pid, sizeof(pid), "%zu", 4000 + i);
		snprintf(target, sizeof(target), "/dev/vfio/devices/%s", bad[i]);
		holder(f, pid, "qemu-system-x86", target);
	}
	if (disable(f, 0, &err) != 1)
		fail_msg("disable: %s", err.msg);
	assert_int_equal(numvfs(f), 0);
}

/* /proc/PID/fd must be the kernel's directory: a link there is not
 * followed (who the process holds cannot be told, so refused), and fd
 * names that are not numbers are never read. */
static void test_proc_links_not_followed(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	char target[32];

	warm_up(f);
	assert_int_equal(fakehost_bind(f->fh, VF1, "vfio-pci"), 0);
	snprintf(target, sizeof(target), "/dev/vfio/%d", fakehost_group(f->fh, VF1));
	holder(f, "4242", "qemu-system-x86", target);
	assert_int_equal(fakehost_symlink(f->fh, "proc/77", "/proc/4242"), 0);	/* skipped */
	assert_int_equal(fakehost_symlink(f->fh, "proc/78/fd", "/proc/4242/fd"), 0);
	assert_int_equal(disable(f, 0, &err), -ELOOP);
	expect_msg(&err, "cannot tell who holds");
	srp_err_clear(&err);
	assert_int_equal(fakehost_remove(f->fh, "proc/78"), 0);
	/* an fd "name" that is not a number: never read */
	assert_int_equal(fakehost_remove(f->fh, "proc/4242/fd/7"), 0);
	assert_int_equal(fakehost_symlink(f->fh, "proc/4242/fd/7x", target), 0);
	if (disable(f, 0, &err) != 1)
		fail_msg("disable: %s", err.msg);
}

static void assign_two(struct fx *f)
{
	struct srp_err err = { 0 };

	if (do_assign(f, VF0, "blue", "vm1", 101, &err) < 0 ||
	    do_assign(f, VF1, "red", "vm2", 200, &err) < 0)
		fail_msg("assign: %s", err.msg);
}

/* The ledger's VFs of PF are on vfio-pci, the others on iavf, nothing is
 * pending: the host and the ledger agree. */
static void assert_consistent(struct fx *f)
{
	struct srp_inventory *inv = NULL;
	struct srp_ledger *l = NULL;
	struct srp_err err = { 0 };
	const struct srp_dev *pf;

	if (srp_ledger_peek(f->host, &l, &err) < 0 || srp_inventory_scan(f->host, &inv, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(l->pending.op, SRP_OP_NONE);
	pf = find(inv, PF);
	assert_non_null(pf);
	for (size_t i = 0; i < pf->n_vfs; i++) {
		const struct srp_dev *vf = pf->vfs[i];
		const char *want = srp_ledger_find(l, &vf->addr) ? "vfio-pci" : "iavf";

		if (vf->driver == NULL || strcmp(vf->driver, want) != 0)
			fail_msg("%s is on %s, the ledger says %s", vf->name,
				 vf->driver ? vf->driver : "(none)", want);
	}
	srp_inventory_free(inv);
	srp_ledger_close(l);
}

/*
 * disable --force ends where releasing each assigned VF, then disable,
 * ends: the same tree (ledger, switch state, drivers, numvfs), byte for
 * byte, on a second host built the same way.
 */
static void test_disable_force_is_release_then_disable(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	void *other = NULL;
	struct fx *g;
	char *forced, *by_hand;

	warm_up(f);
	assign_two(f);
	if (disable(f, SRP_SRIOV_FORCE, &err) != 1)
		fail_msg("disable --force: %s", err.msg);
	forced = snap(f);

	assert_int_equal(setup(&other), 0);
	g = other;
	warm_up(g);
	assign_two(g);
	if (do_release(g, VF0, &err) < 0 || do_release(g, VF1, &err) < 0)
		fail_msg("release: %s", err.msg);
	if (disable(g, 0, &err) != 1)
		fail_msg("disable: %s", err.msg);
	by_hand = snap(g);
	assert_same(by_hand, forced, "disable --force against release, release, disable");
	free(by_hand);
	free(forced);
	teardown(&other);
}

/*
 * Each mutating step of disable --force fails in turn (once, then
 * everything works again): the forced releases are undone, so the tree
 * is as before, byte for byte; or where a step cannot be undone (the
 * release done on the host, its ledger write lost) the intent is left,
 * and after recover host and ledger agree.  Then every step fails from
 * the Nth on (a disk that stays full): nothing is half-done either.
 */
static void test_disable_force_all_or_nothing(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	unsigned int undone = 0, recovered = 0;

	warm_up(f);
	for (int sticky = 0; sticky <= 1; sticky++) {
		for (unsigned int n = 1;; n++) {
			struct faulty fl;
			char *before, *now;
			int r;

			assign_two(f);
			before = snap(f);
			faulty_attach(&fl, &f->host->sys, n, -EIO);
			fl.sticky = sticky;
			r = disable(f, SRP_SRIOV_FORCE, &err);
			faulty_detach(&fl, &f->host->sys);
			if (fl.failed == 0) {
				if (r != 1)
					fail_msg("disable --force: %s", err.msg);
				assert_int_equal(numvfs(f), 0);
				free(before);
				break;
			}
			if (r >= 0)
				fail_msg("step %u (%s %s) failed, yet disable --force succeeded",
					 n, fl.first_op, fl.first_path);
			now = snap(f);
			if (treediff_compare(before, now, NULL, 0) == 0) {
				undone++;
			} else {
				struct srp_err rerr = { 0 };

				/* left for recover: it must say so */
				if (strstr(err.msg, "recover") == NULL &&
				    strstr(err.msg, "next") == NULL)
					fail_msg("step %u (%s %s): the tree changed, and the error "
						 "does not say recover finishes it: %s", n,
						 fl.first_op, fl.first_path, err.msg);
				if (srp_recover(f->host, NULL, &rerr) < 0)
					fail_msg("recover after step %u: %s", n, rerr.msg);
				recovered++;
			}
			assert_consistent(f);
			assert_int_equal(numvfs(f), 4);
			free(now);
			free(before);
			srp_err_clear(&err);
			/* back to both assigned for the next round */
			{
				struct srp_bdf vf;

				assert_int_equal(srp_bdf_parse(VF0, &vf), 0);
				(void)srp_release(f->host, &vf, 0, NULL, &err);
				assert_int_equal(srp_bdf_parse(VF1, &vf), 0);
				(void)srp_release(f->host, &vf, 0, NULL, &err);
				srp_err_clear(&err);
			}
		}
		/* the next round starts from 4 VFs again */
		if (sticky == 0) {
			struct srp_bdf pf;

			assert_int_equal(srp_bdf_parse(PF, &pf), 0);
			if (srp_sriov_set(f->host, &pf, 4, 0, 0, NULL, &err) < 0)
				fail_msg("enable: %s", err.msg);
		}
	}
	assert_true(undone > 0);
	print_message("disable --force: %u failures undone, %u left for recover\n", undone,
		      recovered);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_release_refused_while_device_held, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vfio_dev_not_followed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disable_with_assigned_vfs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disable_refused_while_in_use, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disable_ignores_other_holders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disable_ignores_malformed_vfio_dev, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_proc_links_not_followed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disable_force_is_release_then_disable, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_disable_force_all_or_nothing, setup, teardown),
	};

	return cmocka_run_group_tests_name("sriov-in-use", tests, NULL, NULL);
}
