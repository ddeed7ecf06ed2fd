/* SPDX-License-Identifier: MIT */
/* srpass tests -- the gate: shared IOMMU groups, non-PCI group members, a VF's own MAC */
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
#include "core/config.h"
#include "core/host.h"
#include "core/ledger.h"
#include "lib/fakehost.h"
#include "sim/platform.h"
#include "srpass/err.h"
#include "switch/vfswitch.h"

#define PF "0000:03:00.0"
#define PFNET "enp3s0f0"
#define VF0 "0000:03:02.0"
#define VF1 "0000:03:02.1"
#define GROUP 50

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
	"vlans = 200-210\n"
	"mac_prefix = 02:bb:00\n";

struct fx {
	struct fakehost *fh;
	struct srp_host *host;
	struct srp_config *cfg;
};

/*
 * A PF with VFs behind a root port with ACS.  shared: two VFs, unbound
 * (as vfio needs every member of a group to be), both in group GROUP;
 * else four VFs on iavf, each in a group of its own.
 */
static struct fx *fx_new(bool shared)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct fakehost_func port = {
		.addr = "0000:00:01.0", .vendor = 0x8086, .device = 0x2030,
		.port_type = FAKEHOST_ROOT_PORT, .secondary = 3, .subordinate = 3,
		.acs = FAKEHOST_ACS_ON,
	};
	struct fakehost_func pf = {
		.addr = PF, .vendor = 0x8086, .device = 0x1572, .class = 0x020000,
		.driver = "i40e", .netdevs = PFNET,
	};
	struct fakehost_sriov sriov = {
		.totalvfs = 8, .numvfs = shared ? 2 : 4, .offset = 16, .stride = 1,
		.vf_device = 0x154c, .vf_driver = shared ? NULL : "iavf",
		.vf_netdevs = PFNET "v%u",
		.vf_group_mode = shared ? FAKEHOST_GROUP_ID : FAKEHOST_GROUP_NEW,
		.vf_group = GROUP,
	};
	struct srp_err err = { 0 };
	char path[PATH_MAX];

	assert_non_null(f);
	f->fh = fakehost_new(NULL);
	assert_non_null(f->fh);
	assert_int_equal(fakehost_add_iommu(f->fh, NULL), 0);
	assert_int_equal(fakehost_add_vfio(f->fh), 0);
	assert_int_equal(fakehost_add_hostbridge(f->fh, 0, 0, 0), 0);
	assert_int_equal(fakehost_add_port(f->fh, &port), 0);
	assert_int_equal(fakehost_add_pf(f->fh, &pf, &sriov), 0);
	assert_int_equal(fakehost_write(f->fh, "var/lib/srpass-sim/default-driver/" PF, "i40e\n"),
			 0);
	if (!shared)
		assert_int_equal(fakehost_write(f->fh, "var/lib/srpass-sim/default-vf-driver/" PF,
						"iavf\n"), 0);
	assert_int_equal(fakehost_write(f->fh, "etc/srpass/srpass.conf", conf), 0);
	assert_int_equal(fakehost_write(f->fh, "etc/machine-id",
					"0123456789abcdef0123456789abcdef\n"), 0);
	snprintf(path, sizeof(path), "%s/etc/srpass/srpass.conf", fakehost_root(f->fh));
	assert_int_equal(chmod(path, 0644), 0);
	if (srp_sim_host_open(fakehost_root(f->fh), &f->host, &err) < 0)
		fail_msg("host: %s", err.msg);
	if (srp_config_load(&f->host->sys, "/etc/srpass/srpass.conf", &f->cfg, &err) < 0)
		fail_msg("config: %s", err.msg);
	return f;
}

static void fx_free(struct fx *f)
{
	srp_config_free(f->cfg);
	srp_host_close(f->host);
	fakehost_free(f->fh);
	free(f);
}

/* Assign vf (0 or a negative errno, the reasons in err); mac NULL: derived. */
static int assign(struct fx *f, const char *vf, const char *tenant, unsigned int vlan,
		  const uint8_t *mac, bool dry_run, struct srp_err *err)
{
	struct srp_assign_req req = { .tenant = tenant, .domain = "vm1", .backend = "kvm",
				      .vlan = vlan, .dry_run = dry_run };

	assert_int_equal(srp_bdf_parse(vf, &req.vf), 0);
	if (mac != NULL) {
		req.has_mac = 1;
		memcpy(req.mac, mac, SRP_MAC_LEN);
	}
	srp_err_clear(err);
	return srp_assign(f->host, f->cfg, &req, NULL, err);
}

static void assign_ok(struct fx *f, const char *vf, const char *tenant, unsigned int vlan,
		      const uint8_t *mac)
{
	struct srp_err err = { 0 };

	if (assign(f, vf, tenant, vlan, mac, false, &err) < 0)
		fail_msg("assign %s to %s: %s", vf, tenant, err.msg);
}

static void release_ok(struct fx *f, const char *vf)
{
	struct srp_err err = { 0 };
	struct srp_bdf a;

	assert_int_equal(srp_bdf_parse(vf, &a), 0);
	if (srp_release(f->host, &a, 0, NULL, &err) < 0)
		fail_msg("release %s: %s", vf, err.msg);
}

/* The assign is refused by the gate, for reason id, saying what. */
static void refused(struct fx *f, const char *vf, const char *tenant, unsigned int vlan,
		    const uint8_t *mac, const char *id, const char *what)
{
	struct srp_err err = { 0 };
	int r = assign(f, vf, tenant, vlan, mac, false, &err);

	if (r == 0)
		fail_msg("%s assigned to %s, but the gate must refuse it (%s)", vf, tenant, id);
	assert_int_equal(r, -EPERM);
	if (strstr(err.msg, id) == NULL || strstr(err.msg, what) == NULL)
		fail_msg("%s for %s: '%s' lacks %s '%s'", vf, tenant, err.msg, id, what);
}

/* The MAC the ledger records for vf. */
static void ledger_mac(struct fx *f, const char *vf, uint8_t mac[SRP_MAC_LEN])
{
	struct srp_ledger *l = NULL;
	struct srp_err err = { 0 };
	const struct srp_assignment *a;
	struct srp_bdf b;

	assert_int_equal(srp_bdf_parse(vf, &b), 0);
	assert_int_equal(srp_ledger_peek(f->host, &l, &err), 0);
	a = srp_ledger_find(l, &b);
	assert_non_null(a);
	assert_true(a->has_applied && a->has_mac);
	memcpy(mac, a->mac, SRP_MAC_LEN);
	srp_ledger_close(l);
}

/* Set the adapter's MAC of VF index, as an admin with ip link would. */
static void adapter_mac(struct fx *f, unsigned int index, const uint8_t mac[SRP_MAC_LEN])
{
	struct srp_vf_change c = { .set = SRP_VF_MAC };
	struct srp_switch *sw = NULL;
	struct srp_err err = { 0 };

	memcpy(c.mac, mac, SRP_MAC_LEN);
	assert_int_equal(srp_host_switch_open(f->host, &sw, &err), 0);
	if (srp_switch_set_vf(sw, PFNET, "i40e", index, &c, &err) < 0)
		fail_msg("setting VF %u's MAC: %s", index, err.msg);
	srp_switch_close(sw);
}

/* VF0 and VF1 share a group: once VF0 is red's, VF1 is refused to blue
 * (the group would span two tenants) and given to red. */
static void test_shared_group_stays_with_one_tenant(void **state)
{
	struct fx *f = fx_new(true);
	struct srp_err err = { 0 };

	(void)state;
	assert_int_equal(fakehost_group(f->fh, VF0), GROUP);
	assert_int_equal(fakehost_group(f->fh, VF1), GROUP);
	/* with the group free, either tenant may have VF1 */
	assert_int_equal(assign(f, VF1, "blue", 100, NULL, true, &err), 0);
	assign_ok(f, VF0, "red", 200, NULL);
	refused(f, VF1, "blue", 100, NULL, "SRP-POL-IOMMU", "another tenant");
	assign_ok(f, VF1, "red", 201, NULL);
	release_ok(f, VF1);
	release_ok(f, VF0);
	/* and once the group is free again, blue may have it */
	assign_ok(f, VF1, "blue", 100, NULL);
	fx_free(f);
}

/* A group that holds a non-PCI device (a platform device, here an ACPI
 * processor) is the host's: no VF of it is given to a guest. */
static void test_group_with_a_non_pci_member_is_refused(void **state)
{
	struct fx *f = fx_new(true);
	struct srp_err err = { 0 };
	char path[128];

	(void)state;
	assert_int_equal(assign(f, VF0, "blue", 100, NULL, true, &err), 0);
	assert_int_equal(fakehost_write(f->fh, "sys/devices/LNXSYSTM:00/ACPI0007:00/uevent",
					"DRIVER=processor\n"), 0);
	snprintf(path, sizeof(path), "sys/kernel/iommu_groups/%d/devices/ACPI0007:00", GROUP);
	assert_int_equal(fakehost_symlink(f->fh, path,
					  "../../../../devices/LNXSYSTM:00/ACPI0007:00"), 0);
	refused(f, VF0, "blue", 100, NULL, "SRP-POL-IOMMU", "host driver");
	refused(f, VF1, "red", 200, NULL, "SRP-POL-IOMMU", "host driver");
	fx_free(f);
}

/* The MAC a VF has on the adapter is not "in use by another VF": asked
 * for, it is granted; derived, the same one comes again. */
static void test_a_vf_keeps_its_own_mac(void **state)
{
	static const uint8_t asked[SRP_MAC_LEN] = { 0x02, 0xaa, 0x00, 0x00, 0x00, 0x77 };
	struct fx *f = fx_new(false);
	uint8_t got[SRP_MAC_LEN], first[SRP_MAC_LEN];

	(void)state;
	adapter_mac(f, 0, asked);
	assign_ok(f, VF0, "blue", 100, asked);
	ledger_mac(f, VF0, got);
	assert_memory_equal(got, asked, SRP_MAC_LEN);
	release_ok(f, VF0);

	/* VF1's derived MAC, left on the adapter after a release */
	assign_ok(f, VF1, "blue", 101, NULL);
	ledger_mac(f, VF1, first);
	release_ok(f, VF1);
	adapter_mac(f, 1, first);
	assign_ok(f, VF1, "blue", 101, NULL);
	ledger_mac(f, VF1, got);
	assert_memory_equal(got, first, SRP_MAC_LEN);
	release_ok(f, VF1);

	/* still taken for any other VF */
	adapter_mac(f, 1, asked);
	refused(f, VF0, "blue", 100, asked, "SRP-POL-MAC-CONFLICT", "set on the adapter");
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_group_stays_with_one_tenant),
		cmocka_unit_test(test_group_with_a_non_pci_member_is_refused),
		cmocka_unit_test(test_a_vf_keeps_its_own_mac),
	};

	return cmocka_run_group_tests_name("gate", tests, NULL, NULL);
}
