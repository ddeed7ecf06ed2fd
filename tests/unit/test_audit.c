/* SPDX-License-Identifier: MIT */
/* srpass tests -- `srpass audit`: the host, IOMMU groups, ACS, VFs, VLANs and MACs */
#include "audit_fix.h"

/* ---- a healthy host ---- */

/* Assigned VFs on a host with everything right: not a single finding. */
static void test_healthy_host_is_clean(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	assign(f, VF0, "blue", 100);
	assign(f, VF1, "red", 200);
	audit(f, &fs);
	if (fs.n != 0) {
		dump(&fs);
		fail_msg("%zu findings on a healthy host", fs.n);
	}
	srp_findings_free(&fs);
	fx_free(f);
}

/* ---- SRP-IOMMU-* ---- */

static void test_iommu_001(void **state)
{
	const struct opts o = { .no_iommu = true };
	struct fx *f = fx_new(&o);
	struct fx *g = fx_healthy();
	struct srp_findings fs;

	(void)state;
	audit(f, &fs);
	expect(&fs, "SRP-IOMMU-001", "host", SRP_SEV_CRITICAL, "host", "", "no IOMMU");
	assert_non_null(strstr(find(&fs, "SRP-IOMMU-001", "host")->evidence, "/sys/class/iommu"));
	srp_findings_free(&fs);
	audit(g, &fs);
	expect_none(&fs, "SRP-IOMMU-001");
	srp_findings_free(&fs);
	fx_free(f);
	fx_free(g);
}

static void test_iommu_002(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	audit(f, &fs);
	expect_none(&fs, "SRP-IOMMU-002");
	srp_findings_free(&fs);
	assert_int_equal(fakehost_write(f->fh, "sys/module/vfio_iommu_type1/parameters/"
					"allow_unsafe_interrupts", "Y\n"), 0);
	audit(f, &fs);
	expect(&fs, "SRP-IOMMU-002", "host", SRP_SEV_CRITICAL, "host", "", "unsafe interrupts");
	srp_findings_free(&fs);
	fx_free(f);
}

static void test_iommu_003(void **state)
{
	const struct opts o = { .no_intremap = true };
	struct fx *f = fx_new(&o);
	struct fx *g = fx_healthy();
	struct srp_findings fs;

	(void)state;
	audit(f, &fs);
	expect(&fs, "SRP-IOMMU-003", "host", SRP_SEV_CRITICAL, "host", "", "remapping");
	expect_none(&fs, "SRP-IOMMU-001");
	srp_findings_free(&fs);
	audit(g, &fs);
	expect_none(&fs, "SRP-IOMMU-003");
	srp_findings_free(&fs);
	fx_free(f);
	fx_free(g);
}

/* ---- SRP-GROUP-* ---- */

/* VFs in their PF's group, the PF on i40e: the assigned VF shares its
 * isolation unit with a host driver. */
static void test_group_001_host_driver(void **state)
{
	const struct opts o = { .vf_group_mode = FAKEHOST_GROUP_PF };
	struct fx *f = fx_new(&o);
	struct srp_findings fs;

	(void)state;
	plant(f, VF0, 0, "blue", true);
	audit(f, &fs);
	expect(&fs, "SRP-GROUP-001", VF0, SRP_SEV_CRITICAL, "vf", "blue", "host driver i40e");
	srp_findings_free(&fs);
	fx_free(f);
}

/* A non-PCI member (a platform device) in the VF's group belongs to
 * the host too. */
static void test_group_001_non_pci_member(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;
	char path[PATH_MAX];
	int g;

	(void)state;
	assign(f, VF0, "blue", 100);
	audit(f, &fs);
	expect_none(&fs, "SRP-GROUP-001");
	srp_findings_free(&fs);

	g = fakehost_group(f->fh, VF0);
	assert_true(g >= 0);
	snprintf(path, sizeof(path), "sys/kernel/iommu_groups/%d/devices/ACPI0007:00", g);
	assert_int_equal(fakehost_symlink(f->fh, path, "../../../../devices/platform/ACPI0007:00"),
			 0);
	audit(f, &fs);
	expect(&fs, "SRP-GROUP-001", VF0, SRP_SEV_CRITICAL, "vf", "blue", "not a PCI");
	srp_findings_free(&fs);
	fx_free(f);
}

/* Two tenants' VFs in one group: each side is reported. */
static void test_group_002(void **state)
{
	const struct opts o = { .vf_group_mode = FAKEHOST_GROUP_ID, .vf_group = 40 };
	struct fx *f = fx_new(&o);
	struct srp_findings fs;

	(void)state;
	plant(f, VF0, 0, "blue", true);
	plant(f, VF1, 1, "blue", true);
	audit(f, &fs);
	expect_none(&fs, "SRP-GROUP-002");	/* one tenant: one isolation unit is fine */
	srp_findings_free(&fs);
	fx_free(f);

	f = fx_new(&o);
	plant(f, VF0, 0, "blue", true);
	plant(f, VF1, 1, "red", true);
	audit(f, &fs);
	expect(&fs, "SRP-GROUP-002", VF0, SRP_SEV_CRITICAL, "vf", "blue", "'red'");
	expect(&fs, "SRP-GROUP-002", VF1, SRP_SEV_CRITICAL, "vf", "red", "'blue'");
	/* VFs 2 and 3 are on iavf in the same group */
	expect(&fs, "SRP-GROUP-001", VF0, SRP_SEV_CRITICAL, "vf", "blue", "iavf");
	srp_findings_free(&fs);
	fx_free(f);
}

static void test_group_003(void **state)
{
	const struct opts o = { .vf_group_mode = FAKEHOST_GROUP_NONE };
	struct fx *f = fx_new(&o);
	struct fx *g = fx_healthy();
	struct srp_findings fs;

	(void)state;
	plant(f, VF0, 0, "blue", false);
	audit(f, &fs);
	expect(&fs, "SRP-GROUP-003", VF0, SRP_SEV_CRITICAL, "vf", "blue", "no IOMMU group");
	srp_findings_free(&fs);
	assign(g, VF0, "blue", 100);
	audit(g, &fs);
	expect_none(&fs, "SRP-GROUP-003");
	srp_findings_free(&fs);
	fx_free(f);
	fx_free(g);
}

/* ---- SRP-ACS-* ---- */

static void test_acs_001(void **state)
{
	const struct opts off = { .acs = FAKEHOST_ACS_OFF };
	const struct opts none = { .acs_none = true };
	struct fx *f = fx_new(&off);
	struct srp_findings fs;
	const struct srp_finding *it;

	(void)state;
	/* nothing assigned: a warning */
	audit(f, &fs);
	it = expect(&fs, "SRP-ACS-001", PF, SRP_SEV_WARNING, "pf", "", "port " PORT);
	assert_non_null(strstr(it->evidence, PORT));
	srp_findings_free(&fs);
	/* a VF of the PF assigned: critical, and the tenant is concerned */
	plant(f, VF0, 0, "blue", true);
	audit(f, &fs);
	expect(&fs, "SRP-ACS-001", PF, SRP_SEV_CRITICAL, "pf", "blue", "are assigned");
	srp_findings_free(&fs);
	fx_free(f);

	/* no ACS capability at all */
	f = fx_new(&none);
	audit(f, &fs);
	expect(&fs, "SRP-ACS-001", PF, SRP_SEV_WARNING, "pf", "", "port " PORT);
	srp_findings_free(&fs);
	fx_free(f);

	/* ACS on */
	f = fx_healthy();
	audit(f, &fs);
	expect_none(&fs, "SRP-ACS-001");
	srp_findings_free(&fs);
	fx_free(f);
}

static void test_acs_002(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	audit(f, &fs);
	expect_none(&fs, "SRP-ACS-002");
	srp_findings_free(&fs);
	assert_int_equal(fakehost_remove(f->fh, "sys/devices/pci0000:00/" PORT "/config"), 0);
	audit(f, &fs);
	expect(&fs, "SRP-ACS-002", PF, SRP_SEV_WARNING, "pf", "", "cannot check ACS");
	expect_none(&fs, "SRP-ACS-001");
	srp_findings_free(&fs);
	fx_free(f);
}

/* ---- SRP-VF-* ---- */

static void test_vf_001(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	assign(f, VF0, "blue", 100);
	/* fresh VFs of the "full" profile have spoof checking off: VF 2 is
	 * not assigned, so that concerns nobody */
	audit(f, &fs);
	expect_none(&fs, "SRP-VF-001");
	srp_findings_free(&fs);
	sw_set(f, 0, "spoofchk off");
	audit(f, &fs);
	expect(&fs, "SRP-VF-001", VF0, SRP_SEV_CRITICAL, "vf", "blue", "spoof checking is off");
	assert_non_null(strstr(find(&fs, "SRP-VF-001", VF0)->remedy, "spoofchk on"));
	srp_findings_free(&fs);
	fx_free(f);

	/* a tenant that may turn it off */
	f = fx_healthy();
	assign(f, VF0, "lab", 0);
	sw_set(f, 0, "spoofchk off");
	audit(f, &fs);
	expect_none(&fs, "SRP-VF-001");
	srp_findings_free(&fs);
	fx_free(f);
}

static void test_vf_002(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	assign(f, VF0, "blue", 100);
	audit(f, &fs);
	expect_none(&fs, "SRP-VF-002");
	srp_findings_free(&fs);
	sw_set(f, 0, "trust on");
	sw_set(f, 1, "trust on");		/* not assigned: nobody's concern */
	audit(f, &fs);
	expect(&fs, "SRP-VF-002", VF0, SRP_SEV_CRITICAL, "vf", "blue", "trusted");
	assert_int_equal(count(&fs, "SRP-VF-002"), 1);
	srp_findings_free(&fs);
	fx_free(f);

	f = fx_healthy();
	assign(f, VF0, "lab", 0);
	sw_set(f, 0, "trust on");
	audit(f, &fs);
	expect_none(&fs, "SRP-VF-002");
	srp_findings_free(&fs);
	fx_free(f);
}

/* ---- SRP-VLAN-* ---- */

static void test_vlan_001(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	assign(f, VF0, "blue", 100);
	sw_set(f, 0, "vlan 0");
	audit(f, &fs);
	expect(&fs, "SRP-VLAN-001", VF0, SRP_SEV_WARNING, "vf", "blue", "requires one");
	expect_none(&fs, "SRP-VLAN-002");
	srp_findings_free(&fs);
	fx_free(f);

	/* lab has no VLANs and requires none */
	f = fx_healthy();
	assign(f, VF0, "lab", 0);
	audit(f, &fs);
	expect_none(&fs, "SRP-VLAN-001");
	srp_findings_free(&fs);
	fx_free(f);
}

static void test_vlan_002(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	assign(f, VF0, "blue", 100);
	sw_set(f, 0, "vlan 105");
	audit(f, &fs);
	expect_none(&fs, "SRP-VLAN-002");
	srp_findings_free(&fs);
	sw_set(f, 0, "vlan 300");
	audit(f, &fs);
	expect(&fs, "SRP-VLAN-002", VF0, SRP_SEV_CRITICAL, "vf", "blue", "VLAN 300");
	srp_findings_free(&fs);
	fx_free(f);
}

static void test_vlan_003(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	assign(f, VF0, "blue", 100);
	assign(f, VF1, "red", 200);
	audit(f, &fs);
	expect_none(&fs, "SRP-VLAN-003");
	srp_findings_free(&fs);
	sw_set(f, 1, "vlan 100");
	audit(f, &fs);
	expect(&fs, "SRP-VLAN-003", PF, SRP_SEV_CRITICAL, "pf", "blue,red", "share VLAN 100");
	expect(&fs, "SRP-VLAN-002", VF1, SRP_SEV_CRITICAL, "vf", "red", "VLAN 100");
	srp_findings_free(&fs);
	fx_free(f);
}

/* ---- SRP-MAC-* ---- */

static void test_mac_001(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;
	char mac[SRP_VF_MACSTRLEN], words[64];

	(void)state;
	assign(f, VF0, "blue", 100);
	assign(f, VF1, "red", 200);
	audit(f, &fs);
	expect_none(&fs, "SRP-MAC-001");
	srp_findings_free(&fs);

	/* an unassigned VF with blue's MAC */
	sw_mac(f, 0, mac);
	snprintf(words, sizeof(words), "mac %s", mac);
	sw_set(f, 2, words);
	audit(f, &fs);
	expect(&fs, "SRP-MAC-001", PF, SRP_SEV_CRITICAL, "pf", "blue", mac);
	srp_findings_free(&fs);

	/* red's VF with blue's MAC: both tenants concerned */
	sw_set(f, 2, "mac 02:00:00:00:00:42");
	sw_set(f, 1, words);
	audit(f, &fs);
	expect(&fs, "SRP-MAC-001", PF, SRP_SEV_CRITICAL, "pf", "blue,red", mac);
	assert_int_equal(count(&fs, "SRP-MAC-001"), 1);
	srp_findings_free(&fs);
	fx_free(f);
}

static void test_mac_002(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	assign(f, VF0, "blue", 100);
	audit(f, &fs);
	expect_none(&fs, "SRP-MAC-002");	/* unassigned VFs have MAC 0 too */
	srp_findings_free(&fs);
	sw_set(f, 0, "mac 00:00:00:00:00:00");
	audit(f, &fs);
	expect(&fs, "SRP-MAC-002", VF0, SRP_SEV_WARNING, "vf", "blue", "no administrative MAC");
	srp_findings_free(&fs);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_healthy_host_is_clean),
		cmocka_unit_test(test_iommu_001),
		cmocka_unit_test(test_iommu_002),
		cmocka_unit_test(test_iommu_003),
		cmocka_unit_test(test_group_001_host_driver),
		cmocka_unit_test(test_group_001_non_pci_member),
		cmocka_unit_test(test_group_002),
		cmocka_unit_test(test_group_003),
		cmocka_unit_test(test_acs_001),
		cmocka_unit_test(test_acs_002),
		cmocka_unit_test(test_vf_001),
		cmocka_unit_test(test_vf_002),
		cmocka_unit_test(test_vlan_001),
		cmocka_unit_test(test_vlan_002),
		cmocka_unit_test(test_vlan_003),
		cmocka_unit_test(test_mac_001),
		cmocka_unit_test(test_mac_002),
	};

	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
