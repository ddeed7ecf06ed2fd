/* SPDX-License-Identifier: MIT */
/* srpass tests -- the assign fixture: a simulated host with one PF, two tenants, and helpers */
#ifndef SRP_TEST_ASSIGN_FIX_H
#define SRP_TEST_ASSIGN_FIX_H
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
#include <sys/wait.h>
#include <unistd.h>

#include "core/assign.h"
#include "sim/platform.h"
#include "core/config.h"
#include "lib/fakehost.h"
#include "lib/faulty.h"
#include "core/host.h"
#include "core/platform.h"
#include "core/ledger.h"
#include "sim/simkernel.h"
#include "core/sriov.h"
#include "srpass/err.h"
#include "srpass/inventory.h"
#include "lib/treediff.h"
#include "switch/vfswitch.h"

#define PF "0000:03:00.0"
#define VF0 "0000:03:02.0"
#define VF1 "0000:03:02.1"
#define LEDGER "/var/lib/srpass/ledger.json"

static const char conf[] =
	"[global]\n"
	"backend = kvm\n"
	"\n"
	"[tenant:blue]\n"
	"pfs = " PF "\n"
	"vlans = 100-110\n"
	"mac_prefix = 02:aa:00\n"
	"\n"
	"[tenant:red]\n"
	"pfs = " PF "\n"
	"vlans = 200\n"
	"mac_prefix = 02:bb:00\n";

struct fx {
	struct fakehost *fh;
	struct srp_host *host;
	struct srp_config *cfg;
};

static inline struct fakehost *build(void)
{
	struct fakehost *fh = fakehost_new(NULL);
	struct fakehost_func port = {
		.addr = "0000:00:01.0", .vendor = 0x8086, .device = 0x2030,
		.port_type = FAKEHOST_ROOT_PORT, .secondary = 3, .subordinate = 3,
		.acs = FAKEHOST_ACS_ON,
	};
	struct fakehost_func pf = {
		.addr = PF, .vendor = 0x8086, .device = 0x1572, .class = 0x020000,
		.driver = "i40e", .netdevs = "enp3s0f0",
	};
	struct fakehost_sriov sriov = {
		.totalvfs = 8, .numvfs = 4, .offset = 16, .stride = 1, .vf_device = 0x154c,
		.vf_driver = "iavf", .vf_netdevs = "enp3s0f0v%u", .vf_group_mode = FAKEHOST_GROUP_NEW,
	};

	assert_non_null(fh);
	assert_int_equal(fakehost_add_iommu(fh, NULL), 0);
	assert_int_equal(fakehost_add_vfio(fh), 0);
	assert_int_equal(fakehost_add_hostbridge(fh, 0, 0, 0), 0);
	assert_int_equal(fakehost_add_port(fh, &port), 0);
	assert_int_equal(fakehost_add_pf(fh, &pf, &sriov), 0);
	/* a simulated host: the kernel's side effects of driver writes */
	assert_int_equal(fakehost_write(fh, "var/lib/srpass-sim/default-driver/" PF, "i40e\n"), 0);
	assert_int_equal(fakehost_write(fh, "var/lib/srpass-sim/default-vf-driver/" PF, "iavf\n"), 0);
	assert_int_equal(fakehost_write(fh, "etc/srpass/srpass.conf", conf), 0);
	assert_int_equal(fakehost_write(fh, "etc/machine-id", "0123456789abcdef0123456789abcdef\n"), 0);
	return fh;
}

static inline int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct srp_err err = { 0 };
	char path[PATH_MAX];

	f->fh = build();
	snprintf(path, sizeof(path), "%s/etc/srpass/srpass.conf", fakehost_root(f->fh));
	chmod(path, 0644);
	assert_int_equal(srp_sim_host_open(fakehost_root(f->fh), &f->host, &err), 0);
	assert_true(srp_simkernel_attached(&f->host->sys));
	if (srp_config_load(&f->host->sys, "/etc/srpass/srpass.conf", &f->cfg, &err) < 0)
		fail_msg("config: %s", err.msg);
	*state = f;
	return 0;
}

static inline int teardown(void **state)
{
	struct fx *f = *state;

	srp_config_free(f->cfg);
	srp_host_close(f->host);
	fakehost_free(f->fh);
	free(f);
	return 0;
}

static inline char *snap(struct fx *f)
{
	char *s = NULL;

	assert_int_equal(treediff_snapshot(&f->host->sys, "/", NULL, &s), 0);
	return s;
}

static inline void assert_same(const char *a, const char *b, const char *what)
{
	char diff[2048];

	if (treediff_compare(a, b, diff, sizeof(diff)) != 0)
		fail_msg("%s: the tree changed:\n%s", what, diff);
}

static inline int do_assign(struct fx *f, const char *vf, const char *tenant, const char *domain,
		     unsigned int vlan, struct srp_err *err)
{
	struct srp_assign_req req = { .tenant = tenant, .domain = domain, .backend = "kvm",
				      .vlan = vlan };

	assert_int_equal(srp_bdf_parse(vf, &req.vf), 0);
	return srp_assign(f->host, f->cfg, &req, NULL, err);
}

static inline int do_release(struct fx *f, const char *vf, struct srp_err *err)
{
	struct srp_bdf a;

	assert_int_equal(srp_bdf_parse(vf, &a), 0);
	return srp_release(f->host, &a, 0, NULL, err);
}

static inline const struct srp_dev *find(struct srp_inventory *inv, const char *addr)
{
	struct srp_bdf a;

	assert_int_equal(srp_bdf_parse(addr, &a), 0);
	return srp_inventory_find(inv, &a);
}

/* A round trip once, so the ledger and the switch simulation exist;
 * after that a failed operation must leave the tree byte for byte. */
static inline void warm_up(struct fx *f)
{
	struct srp_err err = { 0 };

	if (do_assign(f, VF0, "blue", "vm1", 100, &err) < 0)
		fail_msg("assign: %s", err.msg);
	if (do_release(f, VF0, &err) < 0)
		fail_msg("release: %s", err.msg);
}


#endif
