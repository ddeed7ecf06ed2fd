/* SPDX-License-Identifier: MIT */
/* srpass tests -- the bind wait: a probe that binds another driver is a failure, undone */
#define _GNU_SOURCE
#include <unistd.h>

#include "core/assign.h"
#include "core/config.h"
#include "core/host.h"
#include "core/ledger.h"
#include "lib/fakehost.h"
#include "os/bind.h"
#include "sim/platform.h"
#include "srpass/bdf.h"
#include "unit/simkernel_fix.h"

/*
 * A decorator over the simulated kernel: the next n writes to
 * drivers_probe bind the device to drv, whatever its driver_override
 * says -- as when someone else (a udev rule, driverctl, an admin) sets
 * the override between srpass's write and the probe, then puts it back.
 * Sleeps are counted, not slept.
 */
struct hijack {
	struct srp_sys lower;
	const char *drv;
	unsigned int left;
	unsigned int slept_ms;
};

#define H(sys) ((struct hijack *)(sys)->data)
#define L(sys) (&H(sys)->lower)

static int h_write(const struct srp_sys *s, const char *p, const void *b, size_t n)
{
	const struct srp_sys *l = L(s);
	char ovr[PATH_MAX], bdf[SRP_BDF_STRLEN + 1], old[64];
	ssize_t len;
	int r;

	if (strcmp(p, PROBE) != 0 || H(s)->left == 0 || n > SRP_BDF_STRLEN)
		return l->ops->write(l, p, b, n);
	H(s)->left--;
	memcpy(bdf, b, n);
	bdf[n] = '\0';
	bdf[strcspn(bdf, "\n")] = '\0';
	sp(ovr, DEV("%s") "/driver_override", bdf);
	len = l->ops->read(l, ovr, old, sizeof(old) - 1);
	assert_true(len > 0);
	old[len] = '\0';
	assert_int_equal(srp_sys_write_str(l, ovr, H(s)->drv), 0);
	r = l->ops->write(l, p, b, n);
	assert_int_equal(srp_sys_write_str(l, ovr, old), 0);
	return r;
}

static ssize_t h_read(const struct srp_sys *s, const char *p, void *b, size_t n)
{ return L(s)->ops->read(L(s), p, b, n); }
static ssize_t h_readlink(const struct srp_sys *s, const char *p, char *b, size_t n)
{ return L(s)->ops->readlink(L(s), p, b, n); }
static int h_listdir(const struct srp_sys *s, const char *p, srp_dirent_fn fn, void *a)
{ return L(s)->ops->listdir(L(s), p, fn, a); }
static int h_lstat(const struct srp_sys *s, const char *p, mode_t *m)
{ return L(s)->ops->lstat(L(s), p, m); }
static int h_replace(const struct srp_sys *s, const char *p, const void *d, size_t n, mode_t m)
{ return L(s)->ops->replace(L(s), p, d, n, m); }
static int h_mkdir(const struct srp_sys *s, const char *p, mode_t m)
{ return L(s)->ops->mkdir(L(s), p, m); }
static int h_unlink(const struct srp_sys *s, const char *p)
{ return L(s)->ops->unlink(L(s), p); }
static int h_open(const struct srp_sys *s, const char *p, int fl, mode_t m)
{ return L(s)->ops->open(L(s), p, fl, m); }
static int h_ioctl(const struct srp_sys *s, int fd, unsigned long r, void *a)
{ return L(s)->ops->ioctl(L(s), fd, r, a); }
static void h_sleep(const struct srp_sys *s, unsigned int ms)
{ H(s)->slept_ms += ms; }

static const struct srp_sys_ops hijack_ops = {
	.read = h_read, .write = h_write, .readlink = h_readlink, .listdir = h_listdir,
	.lstat = h_lstat, .replace = h_replace, .mkdir = h_mkdir, .unlink = h_unlink,
	.open = h_open, .ioctl = h_ioctl, .sleep_ms = h_sleep,
};

static void hijack_attach(struct hijack *h, struct srp_sys *sys, const char *drv, unsigned int n)
{
	memset(h, 0, sizeof(*h));
	h->lower = *sys;
	h->drv = drv;
	h->left = n;
	sys->ops = &hijack_ops;
	sys->data = h;
	sys->lower = &h->lower;
}

static void hijack_detach(struct hijack *h, struct srp_sys *sys)
{
	assert_ptr_equal(sys->ops, &hijack_ops);
	*sys = h->lower;
}

/* srp_bind_to() vf to vfio-pci while the probe binds wrong; it must
 * time out, say what is bound, and leave the tree as it was. */
static void bind_hijacked(struct tb *t, const char *wrong, const char *orig)
{
	struct srp_err err = { 0 };
	struct hijack h;
	struct srp_bdf vf;
	char *before = snap(t);
	int r;

	assert_int_equal(srp_bdf_parse(VF0, &vf), 0);
	hijack_attach(&h, &t->sys, wrong, 1);
	r = srp_bind_to(&t->sys, &vf, "vfio-pci", orig, NULL, 1000, &err);
	hijack_detach(&h, &t->sys);
	assert_int_equal(h.left, 0);
	if (r != -ETIMEDOUT)
		fail_msg("bind with %s bound instead of vfio-pci: %d (%s), want -ETIMEDOUT", wrong,
			 r, err.msg);
	if (strstr(err.msg, "vfio-pci") == NULL || strstr(err.msg, wrong) == NULL)
		fail_msg("'%s' does not say vfio-pci was wanted and %s came", err.msg, wrong);
	assert_true(h.slept_ms >= 1000);	/* it waited, in case the probe was deferred */
	assert_tree_is(t, before);		/* the original driver back, override cleared */
	free(before);
}

static void test_probe_binds_a_stub_instead(void **state)
{
	struct tb *t = *state;

	bind_hijacked(t, "pci-stub", "iavf");
	assert_string_equal(lnk(t, DEV(VF0) "/driver"), "../../../../bus/pci/drivers/iavf");
	assert_string_equal(rd(t, DEV(VF0) "/driver_override"), "(null)\n");
}

/* The original driver itself is no better than any other wrong one. */
static void test_probe_binds_the_original_driver_instead(void **state)
{
	struct tb *t = *state;

	bind_hijacked(t, "iavf", "iavf");
	assert_string_equal(lnk(t, DEV(VF0) "/driver"), "../../../../bus/pci/drivers/iavf");
}

/* An unbound VF: the wrong driver is unbound again, nothing is probed. */
static void test_unbound_vf_stays_unbound(void **state)
{
	struct tb *t = *state;

	assert_int_equal(wr(t, DEV(VF0) "/driver/unbind", VF0), 0);
	bind_hijacked(t, "iavf", NULL);
	assert_false(ex(t, DEV(VF0) "/driver"));
}

/* ---- through assign: refused, and the host as before ---- */

static const char conf[] =
	"[global]\n"
	"backend = kvm\n"
	"\n"
	"[tenant:blue]\n"
	"pfs = " PF "\n"
	"vlans = 100-110\n"
	"mac_prefix = 02:aa:00\n";

static void test_assign_with_a_wrong_probe_is_undone(void **state)
{
	struct fakehost *fh = fakehost_new(NULL);
	struct fakehost_func port = {
		.addr = "0000:00:01.0", .vendor = 0x8086, .device = 0x2030,
		.port_type = FAKEHOST_ROOT_PORT, .secondary = 3, .subordinate = 3,
		.acs = FAKEHOST_ACS_ON,
	};
	struct fakehost_func pf = { .addr = PF, .vendor = 0x8086, .device = 0x1572,
				    .class = 0x020000, .driver = "i40e", .netdevs = "enp3s0f0" };
	struct fakehost_sriov sriov = {
		.totalvfs = 8, .numvfs = 2, .offset = 16, .stride = 1, .vf_device = 0x154c,
		.vf_driver = "iavf", .vf_netdevs = "enp3s0f0v%u",
		.vf_group_mode = FAKEHOST_GROUP_NEW,
	};
	struct srp_assign_req req = { .tenant = "blue", .domain = "vm1", .backend = "kvm",
				      .vlan = 100 };
	struct srp_host *host = NULL;
	struct srp_config *cfg = NULL;
	struct srp_ledger *l = NULL;
	struct srp_err err = { 0 };
	char path[PATH_MAX], *before = NULL, *after = NULL, diff[2048];
	struct hijack h;
	int r;

	(void)state;
	assert_non_null(fh);
	assert_int_equal(fakehost_add_iommu(fh, NULL), 0);
	assert_int_equal(fakehost_add_vfio(fh), 0);
	assert_int_equal(fakehost_add_hostbridge(fh, 0, 0, 0), 0);
	assert_int_equal(fakehost_add_port(fh, &port), 0);
	assert_int_equal(fakehost_add_pf(fh, &pf, &sriov), 0);
	assert_int_equal(fakehost_write(fh, "var/lib/srpass-sim/default-driver/" PF, "i40e\n"), 0);
	assert_int_equal(fakehost_write(fh, "var/lib/srpass-sim/default-vf-driver/" PF, "iavf\n"),
			 0);
	assert_int_equal(fakehost_write(fh, "etc/srpass/srpass.conf", conf), 0);
	sp(path, "%s/etc/srpass/srpass.conf", fakehost_root(fh));
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(srp_sim_host_open(fakehost_root(fh), &host, &err), 0);
	if (srp_config_load(&host->sys, "/etc/srpass/srpass.conf", &cfg, &err) < 0)
		fail_msg("config: %s", err.msg);
	assert_int_equal(srp_bdf_parse(VF0, &req.vf), 0);
	/* a round trip first, so the ledger and the switch state exist */
	if (srp_assign(host, cfg, &req, NULL, &err) < 0 ||
	    srp_release(host, &req.vf, 0, NULL, &err) < 0)
		fail_msg("round trip: %s", err.msg);
	assert_int_equal(treediff_snapshot(&host->sys, "/", NULL, &before), 0);

	hijack_attach(&h, &host->sys, "iavf", 1);
	r = srp_assign(host, cfg, &req, NULL, &err);
	hijack_detach(&h, &host->sys);
	assert_int_equal(h.left, 0);
	if (r != -ETIMEDOUT)
		fail_msg("assign with iavf bound instead of vfio-pci: %d (%s), want -ETIMEDOUT", r,
			 err.msg);
	assert_int_equal(treediff_snapshot(&host->sys, "/", NULL, &after), 0);
	if (treediff_compare(before, after, diff, sizeof(diff)) != 0)
		fail_msg("the failed assign changed the host:\n%s", diff);
	assert_int_equal(srp_ledger_peek(host, &l, &err), 0);
	assert_int_equal(l->n, 0);
	assert_int_equal(l->pending.op, SRP_OP_NONE);
	srp_ledger_close(l);
	free(before);
	free(after);
	srp_config_free(cfg);
	srp_host_close(host);
	fakehost_free(fh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_probe_binds_a_stub_instead, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_binds_the_original_driver_instead, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unbound_vf_stays_unbound, setup, teardown),
		cmocka_unit_test(test_assign_with_a_wrong_probe_is_undone),
	};

	return cmocka_run_group_tests_name("bind wait", tests, NULL, NULL);
}
