/* SPDX-License-Identifier: MIT */
/* srpass tests -- the backend contract, through a mock backend shaped like Xen's */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/assign.h"
#include "sim/platform.h"
#include "core/backend.h"
#include "core/config.h"
#include "core/host.h"
#include "core/ledger.h"
#include "lib/fakehost.h"
#include "lib/treediff.h"
#include "srpass/err.h"
#include "srpass/inventory.h"

#define PF "0000:03:00.0"
#define VF "0000:03:02.0"

/*
 * The Xen backend hands a VF to pciback through libxl, which unbinds it
 * and records the original driver itself (SRP_BACKEND_REBINDS); the core
 * still records it too and passes it back on unprepare.  The mock holds a
 * "context" between open and close, and checks what it is given.
 */
static int opened;		/* open contexts: every open is closed */

static int mock_detect(struct srp_host *host)
{
	(void)host;
	return 1;
}

static int mock_open(struct srp_backend *be, struct srp_err *err)
{
	(void)err;
	be->data = &opened;
	opened++;
	return 0;
}

static void mock_close(struct srp_backend *be)
{
	assert_ptr_equal(be->data, &opened);
	opened--;
}

static int mock_prepare(struct srp_backend *be, const struct srp_dev *vf,
			const struct srp_assignment *a, struct srp_err *err)
{
	const char *name = vf->name;
	const char *orig = a->orig_driver;
	int r;

	assert_ptr_equal(be->data, &opened);
	check_expected_ptr(name);
	check_expected_ptr(orig);
	r = mock_type(int);
	return r < 0 ? srp_err_set(err, r, "libxl_device_pci_assignable_add failed") : 0;
}

static int mock_unprepare(struct srp_backend *be, const struct srp_dev *vf,
			  const struct srp_assignment *a, struct srp_err *err)
{
	const char *name = vf->name;
	const char *orig = a->orig_driver;
	int r;

	assert_ptr_equal(be->data, &opened);
	check_expected_ptr(name);
	check_expected_ptr(orig);
	r = mock_type(int);
	return r < 0 ? srp_err_set(err, r, "libxl_device_pci_assignable_remove failed") : 0;
}

static int mock_status(struct srp_backend *be, const struct srp_dev *vf, struct srp_err *err)
{
	(void)be;
	(void)vf;
	(void)err;
	return 0;
}

static const char *const mock_stubs[] = { "pciback", NULL };

static const struct srp_backend_ops mock_xen = {
	.name = "xen",
	.help = "mock: pciback through libxl",
	.flags = SRP_BACKEND_REBINDS,
	.stub_drivers = mock_stubs,
	.detect = mock_detect,
	.open = mock_open,
	.close = mock_close,
	.prepare = mock_prepare,
	.unprepare = mock_unprepare,
	.status = mock_status,
};

static const struct srp_backend_ops *const mock_table[] = { &mock_xen };

static const char conf[] =
	"[tenant:blue]\n"
	"pfs = " PF "\n"
	"vlans = 100\n"
	"mac_prefix = 02:aa:00\n"
	"backends = xen\n"
	"\n"
	"[tenant:slow]\n"
	"pfs = " PF "\n"
	"vlans = 300\n"
	"mac_prefix = 02:cc:00\n"
	"backends = xen\n"
	"max_rate = 100\n";

struct fx {
	struct fakehost *fh;
	struct srp_host *host;
	struct srp_config *cfg;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct fakehost_func pf = { .addr = PF, .vendor = 0x8086, .device = 0x1572,
				    .class = 0x020000, .driver = "i40e", .netdevs = "enp3s0f0" };
	struct fakehost_sriov sriov = { .totalvfs = 8, .numvfs = 2, .offset = 16, .stride = 1,
					.vf_device = 0x154c, .vf_driver = "iavf",
					.vf_group_mode = FAKEHOST_GROUP_NEW };
	struct fakehost_func port = { .addr = "0000:00:01.0", .vendor = 0x8086, .device = 0x2030,
				      .port_type = FAKEHOST_ROOT_PORT, .secondary = 3,
				      .subordinate = 3, .acs = FAKEHOST_ACS_ON };
	struct srp_err err = { 0 };
	char path[PATH_MAX];

	f->fh = fakehost_new(NULL);
	assert_non_null(f->fh);
	assert_int_equal(fakehost_add_iommu(f->fh, NULL), 0);
	assert_int_equal(fakehost_add_hostbridge(f->fh, 0, 0, 0), 0);
	assert_int_equal(fakehost_add_port(f->fh, &port), 0);
	assert_int_equal(fakehost_add_pf(f->fh, &pf, &sriov), 0);
	/* the switch simulator; the PF link is down, so rate limits fail */
	assert_int_equal(fakehost_write(f->fh, "var/lib/srpass-sim/default-driver/" PF, "i40e\n"), 0);
	assert_int_equal(fakehost_write(f->fh, "etc/srpass/srpass.conf", conf), 0);
	snprintf(path, sizeof(path), "%s/etc/srpass/srpass.conf", fakehost_root(f->fh));
	chmod(path, 0644);
	snprintf(path, sizeof(path), "%s/net/enp3s0f0/operstate", fakehost_dev_dir(f->fh, PF));
	assert_int_equal(fakehost_write(f->fh, path, "down\n"), 0);
	assert_int_equal(srp_sim_host_open(fakehost_root(f->fh), &f->host, &err), 0);
	f->host->backends = mock_table;
	f->host->n_backends = 1;
	if (srp_config_load(&f->host->sys, "/etc/srpass/srpass.conf", &f->cfg, &err) < 0)
		fail_msg("config: %s", err.msg);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	assert_int_equal(opened, 0);
	srp_config_free(f->cfg);
	srp_host_close(f->host);
	fakehost_free(f->fh);
	free(f);
	return 0;
}

static int assign(struct fx *f, const char *tenant, unsigned int vlan, struct srp_err *err)
{
	struct srp_assign_req req = { .tenant = tenant, .domain = "dom1", .backend = "auto",
				      .vlan = vlan };

	assert_int_equal(srp_bdf_parse(VF, &req.vf), 0);
	return srp_assign(f->host, f->cfg, &req, NULL, err);
}

static struct srp_ledger *ledger(struct fx *f)
{
	struct srp_ledger *l = NULL;
	struct srp_err err = { 0 };

	assert_int_equal(srp_ledger_peek(f->host, &l, &err), 0);
	return l;
}

static void test_assign_and_release_through_the_backend(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	struct srp_ledger *l;
	struct srp_bdf vf;

	expect_string(mock_prepare, name, VF);
	expect_string(mock_prepare, orig, "iavf");
	will_return(mock_prepare, 0);
	if (assign(f, "blue", 100, &err) < 0)
		fail_msg("assign: %s", err.msg);
	l = ledger(f);
	assert_int_equal(srp_bdf_parse(VF, &vf), 0);
	assert_non_null(srp_ledger_find(l, &vf));
	assert_string_equal(srp_ledger_find(l, &vf)->backend, "xen");
	assert_string_equal(srp_ledger_find(l, &vf)->orig_driver, "iavf");
	srp_ledger_close(l);

	/* release hands the recorded original driver back to the backend */
	expect_string(mock_unprepare, name, VF);
	expect_string(mock_unprepare, orig, "iavf");
	will_return(mock_unprepare, 0);
	if (srp_release(f->host, &vf, 0, NULL, &err) < 0)
		fail_msg("release: %s", err.msg);
	l = ledger(f);
	assert_int_equal(l->n, 0);
	assert_int_equal(l->pending.op, SRP_OP_NONE);
	srp_ledger_close(l);
}

static void test_backend_failure_leaves_nothing(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	struct srp_ledger *l;
	char *before = NULL, *after = NULL;
	const char *const skip[] = { "/var/lib/srpass", NULL };
	struct srp_assign_req dry = { .tenant = "blue", .domain = "dom1", .backend = "auto",
				      .vlan = 100, .dry_run = 1 };

	/* a dry run first: the switch simulator makes its state file on first use */
	assert_int_equal(srp_bdf_parse(VF, &dry.vf), 0);
	assert_int_equal(srp_assign(f->host, f->cfg, &dry, NULL, &err), 0);
	assert_int_equal(treediff_snapshot(&f->host->sys, "/", skip, &before), 0);
	expect_string(mock_prepare, name, VF);
	expect_string(mock_prepare, orig, "iavf");
	will_return(mock_prepare, -EIO);
	/* prepare may fail half-way: the core takes the way back */
	expect_string(mock_unprepare, name, VF);
	expect_string(mock_unprepare, orig, "iavf");
	will_return(mock_unprepare, 0);
	assert_int_equal(assign(f, "blue", 100, &err), -EIO);
	assert_non_null(strstr(err.msg, "pciback"));
	assert_non_null(strstr(err.msg, "libxl_device_pci_assignable_add"));
	l = ledger(f);
	assert_int_equal(l->n, 0);
	assert_int_equal(l->pending.op, SRP_OP_NONE);
	srp_ledger_close(l);
	assert_int_equal(treediff_snapshot(&f->host->sys, "/", skip, &after), 0);
	assert_int_equal(treediff_compare(before, after, NULL, 0), 0);
	free(before);
	free(after);
}

/* The switch refuses a step after the backend took the VF: the backend
 * must be asked to give it back. */
static void test_switch_failure_rolls_the_backend_back(void **state)
{
	struct fx *f = *state;
	struct srp_err err = { 0 };
	struct srp_ledger *l;

	expect_string(mock_prepare, name, VF);
	expect_string(mock_prepare, orig, "iavf");
	will_return(mock_prepare, 0);
	expect_string(mock_unprepare, name, VF);
	expect_string(mock_unprepare, orig, "iavf");
	will_return(mock_unprepare, 0);
	assert_true(assign(f, "slow", 300, &err) < 0);
	assert_non_null(strstr(err.msg, "programming PF enp3s0f0"));
	l = ledger(f);
	assert_int_equal(l->n, 0);
	assert_int_equal(l->pending.op, SRP_OP_NONE);
	srp_ledger_close(l);
}

static void test_backend_lookup(void **state)
{
	struct fx *f = *state;
	struct srp_backend *be = NULL;
	struct srp_err err = { 0 };

	assert_ptr_equal(srp_backend_find(f->host, "xen"), &mock_xen);
	assert_ptr_equal(srp_backend_find(f->host, "auto"), &mock_xen);
	assert_null(srp_backend_find(f->host, "kvm"));
	assert_int_equal(srp_backend_open(f->host, "kvm", &be, &err), -ENOENT);
	assert_string_equal(err.msg, "unknown backend 'kvm' (known: xen)");
	assert_int_equal(opened, 0);
	assert_int_equal(srp_backend_open(f->host, "auto", &be, &err), 0);
	assert_int_equal(opened, 1);
	assert_string_equal(srp_backend_stub(be), "pciback");
	srp_backend_close(be);
	assert_int_equal(opened, 0);
	assert_true(srp_backend_is_stub(f->host, "pciback"));
	assert_false(srp_backend_is_stub(f->host, "vfio-pci"));	/* not in this table */

	f->host->backends = NULL;	/* the built-in table */
	assert_ptr_equal(srp_backend_find(f->host, "kvm"), &srp_backend_kvm);
	assert_ptr_equal(srp_backend_lookup("xen"), &srp_backend_xen);
	assert_null(srp_backend_find(f->host, "bhyve"));
	assert_null(srp_backend_lookup("auto"));
	assert_true(srp_backend_is_stub(f->host, "vfio-pci"));
	assert_true(srp_backend_is_stub(f->host, "pci-stub"));
	assert_true(srp_backend_is_stub(f->host, "pciback"));
	assert_false(srp_backend_is_stub(f->host, "iavf"));
	assert_false(srp_backend_is_stub(f->host, NULL));
}

/* The guest side is a pure formatter per backend, into the caller's buffer. */
static void test_launch_fragments(void **state)
{
	struct srp_dev vf = { .name = VF };
	struct srp_assignment a = { 0 };
	char buf[64], tiny[8];

	(void)state;
	assert_int_equal(srp_backend_kvm.launch(&vf, &a, buf, sizeof(buf)),
			 (int)strlen("-device vfio-pci,host=" VF));
	assert_string_equal(buf, "-device vfio-pci,host=" VF);
	assert_int_equal(srp_backend_xen.launch(&vf, &a, buf, sizeof(buf)), 14);
	assert_string_equal(buf, "'" VF "'");
	/* too small: the length it needs, and a terminated prefix */
	assert_int_equal(srp_backend_kvm.launch(&vf, &a, tiny, sizeof(tiny)),
			 (int)strlen("-device vfio-pci,host=" VF));
	assert_string_equal(tiny, "-device");
}

/* Each backend declares its stub drivers and readiness checks; the
 * core spells none of them. */
static void test_backends_declare_their_drivers(void **state)
{
	size_t n;
	const struct srp_backend_ops *const *t = srp_backends(&n);

	(void)state;
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(t[i]->stub_drivers);
		assert_non_null(t[i]->stub_drivers[0]);
		assert_true(t[i]->n_checks >= 1);
		assert_string_equal(t[i]->checks[0].driver, t[i]->stub_drivers[0]);
		assert_non_null(t[i]->prepare);
		assert_non_null(t[i]->launch);
	}
	assert_false(srp_backend_kvm.flags & SRP_BACKEND_REBINDS);
	assert_true(srp_backend_xen.flags & SRP_BACKEND_REBINDS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_assign_and_release_through_the_backend, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_backend_failure_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_switch_failure_rolls_the_backend_back, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_backend_lookup, setup, teardown),
		cmocka_unit_test(test_launch_fragments),
		cmocka_unit_test(test_backends_declare_their_drivers),
	};

	return cmocka_run_group_tests_name("backend", tests, NULL, NULL);
}
