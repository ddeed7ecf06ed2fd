/* SPDX-License-Identifier: MIT */
/* srpass tests -- `srpass check`: IOMMU, interrupt remapping, ACS, ARI */
#include "readiness_fix.h"

/* ---- SRP-CHK-IOMMU ---- */

static void test_iommu_on_passes(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON, .has_pf = true };
	struct fakehost *fh = build(&s);
	struct srp_checks c;
	const struct srp_check *it;

	(void)state;
	run(fh, &c);
	it = expect(&c, "SRP-CHK-IOMMU", "host", SRP_PASS, "1 unit(s)", "/sys/class/iommu");
	assert_non_null(strstr(it->evidence, "/sys/kernel/iommu_groups"));
	assert_null(strstr(it->message, "iommu=pt"));
	assert_int_equal(count(&c, "SRP-CHK-IOMMU"), 1);
	srp_checks_free(&c);
	fakehost_free(fh);
}

static void test_iommu_missing_fails(void **state)
{
	struct spec s = { .no_iommu = true, .rp_acs = FAKEHOST_ACS_ON, .has_pf = true,
			  .pf_group = FAKEHOST_GROUP_NONE };
	struct fakehost *fh = build(&s);
	struct srp_checks c;
	const struct srp_check *it;

	(void)state;
	run(fh, &c);
	it = expect(&c, "SRP-CHK-IOMMU", "host", SRP_FAIL, "0 unit(s), 0 group(s)",
		    "/sys/class/iommu");
	assert_non_null(strstr(it->remedy, "intel_iommu=on"));
	srp_checks_free(&c);
	fakehost_free(fh);
}

/* A DMAR unit, but no function in any group: nothing is translated. */
static void test_iommu_without_groups_fails(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON };
	struct fakehost *fh = build(&s);
	struct fakehost_func nic = { .addr = "0000:03:00.0", .vendor = 0x8086, .device = 0x10fb,
				     .driver = "ixgbe", .group_mode = FAKEHOST_GROUP_NONE };
	struct srp_checks c;

	(void)state;
	/* the root port got a group: take it out of the tree's groups */
	assert_int_equal(fakehost_add_dev(fh, &nic), 0);
	assert_int_equal(fakehost_remove(fh, "sys/kernel/iommu_groups"), 0);
	assert_int_equal(fakehost_write(fh, "sys/kernel/iommu_groups/.keep", ""), 0);
	assert_int_equal(fakehost_remove(fh, "sys/kernel/iommu_groups/.keep"), 0);
	assert_int_equal(fakehost_remove(fh, "sys/devices/pci0000:00/" RP "/iommu_group"), 0);
	run(fh, &c);
	expect(&c, "SRP-CHK-IOMMU", "host", SRP_FAIL, "1 unit(s), 0 group(s)",
	       "/sys/kernel/iommu_groups");
	srp_checks_free(&c);
	fakehost_free(fh);
}

/* iommu=pt: identity domains pass, with a note that VFIO replaces them. */
static void test_iommu_pt_passes_with_note(void **state)
{
	struct spec s = { .iommu = { .group_type = "identity" }, .rp_acs = FAKEHOST_ACS_ON,
			  .has_pf = true };
	struct fakehost *fh = build(&s);
	struct srp_checks c;

	(void)state;
	run(fh, &c);
	expect(&c, "SRP-CHK-IOMMU", "host", SRP_PASS, "iommu=pt", "/sys/kernel/iommu_groups");
	srp_checks_free(&c);
	fakehost_free(fh);
}

/* ---- SRP-CHK-INTREMAP ---- */

static void test_intremap_in_use_passes(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON };
	struct fakehost *fh = build(&s);
	struct srp_checks c;

	(void)state;
	run(fh, &c);
	expect(&c, "SRP-CHK-INTREMAP", "host", SRP_PASS, "remapping in use", "/proc/interrupts");
	assert_int_equal(count(&c, "SRP-CHK-INTREMAP"), 1);
	srp_checks_free(&c);
	fakehost_free(fh);
}

static void test_intremap_unsafe_interrupts_fail(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON };
	struct fakehost *fh = build(&s);
	struct srp_checks c;

	(void)state;
	assert_int_equal(fakehost_write(fh, "sys/module/vfio_iommu_type1/parameters/"
					"allow_unsafe_interrupts", "Y\n"), 0);
	run(fh, &c);
	/* remapping is on, but the module would let a group in without it */
	expect(&c, "SRP-CHK-INTREMAP", "host", SRP_FAIL, "unsafe interrupts",
	       "/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts");
	srp_checks_free(&c);
	fakehost_free(fh);
}

static void test_intremap_off_fails(void **state)
{
	struct spec s = { .iommu = { .no_intremap = true }, .rp_acs = FAKEHOST_ACS_ON };
	struct fakehost *fh = build(&s);
	struct srp_checks c;
	const struct srp_check *it;

	(void)state;
	run(fh, &c);
	it = expect(&c, "SRP-CHK-INTREMAP", "host", SRP_FAIL, "not in use", "/proc/interrupts");
	assert_non_null(strstr(it->remedy, "intremap"));
	/* the IOMMU itself is fine */
	expect(&c, "SRP-CHK-IOMMU", "host", SRP_PASS, NULL, NULL);
	srp_checks_free(&c);
	fakehost_free(fh);
}

/* No /proc/interrupts to read: a warning, not a pass. */
static void test_intremap_unknown_warns(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON };
	struct fakehost *fh = build(&s);
	struct srp_checks c;

	(void)state;
	assert_int_equal(fakehost_remove(fh, "proc/interrupts"), 0);
	run(fh, &c);
	expect(&c, "SRP-CHK-INTREMAP", "host", SRP_WARN, "cannot tell", "/proc/interrupts");
	srp_checks_free(&c);
	fakehost_free(fh);
}

/* ---- SRP-CHK-ACS ---- */

static void test_acs_on_root_port_passes(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON, .has_pf = true };
	struct fakehost *fh = build(&s);
	struct srp_checks c;

	(void)state;
	run(fh, &c);
	expect(&c, "SRP-CHK-ACS", PF, SRP_PASS, "has ACS", "/sys/bus/pci/devices/" RP "/config");
	srp_checks_free(&c);
	fakehost_free(fh);
}

static void test_acs_off_root_port_fails(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_OFF, .has_pf = true };
	struct fakehost *fh = build(&s);
	struct srp_checks c;

	(void)state;
	run(fh, &c);
	expect(&c, "SRP-CHK-ACS", PF, SRP_FAIL, "port " RP, "/sys/bus/pci/devices/" RP "/config");
	srp_checks_free(&c);
	fakehost_free(fh);
}

static void test_acs_missing_on_root_port_fails(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_NONE, .has_pf = true };
	struct fakehost *fh = build(&s);
	struct srp_checks c;

	(void)state;
	run(fh, &c);
	expect(&c, "SRP-CHK-ACS", PF, SRP_FAIL, "port " RP, "/sys/bus/pci/devices/" RP "/config");
	srp_checks_free(&c);
	fakehost_free(fh);
}

/* ACS capable and partly enabled (SV, RR, CR but not UF): not enough. */
static void test_acs_partly_enabled_fails(void **state)
{
	struct fakehost *fh = fakehost_new(NULL);
	struct fakehost_func rp = {
		.addr = RP, .vendor = 0x8086, .device = 0x2030, .port_type = FAKEHOST_ROOT_PORT,
		.secondary = 3, .subordinate = 3,
		.acs = FAKEHOST_ACS_CUSTOM, .acs_cap = 0x007f, .acs_ctrl = 0x000d,
	};
	struct fakehost_func pf = { .addr = PF, .vendor = 0x8086, .device = 0x1572,
				    .driver = "i40e" };
	struct fakehost_sriov sriov = { .totalvfs = 4, .offset = 16, .stride = 1,
					.vf_device = 0x154c };
	struct srp_checks c;

	(void)state;
	assert_non_null(fh);
	assert_int_equal(fakehost_add_iommu(fh, NULL), 0);
	assert_int_equal(fakehost_add_hostbridge(fh, 0, 0, 0), 0);
	assert_int_equal(fakehost_add_port(fh, &rp), 0);
	assert_int_equal(fakehost_add_pf(fh, &pf, &sriov), 0);
	run(fh, &c);
	expect(&c, "SRP-CHK-ACS", PF, SRP_FAIL, "port " RP, "/sys/bus/pci/devices/" RP "/config");
	srp_checks_free(&c);

	/* the same port with UF enabled too: enough */
	fakehost_free(fh);
	fh = fakehost_new(NULL);
	rp.acs_ctrl = 0x001d;
	assert_int_equal(fakehost_add_iommu(fh, NULL), 0);
	assert_int_equal(fakehost_add_hostbridge(fh, 0, 0, 0), 0);
	assert_int_equal(fakehost_add_port(fh, &rp), 0);
	assert_int_equal(fakehost_add_pf(fh, &pf, &sriov), 0);
	run(fh, &c);
	expect(&c, "SRP-CHK-ACS", PF, SRP_PASS, NULL, RP);
	srp_checks_free(&c);
	fakehost_free(fh);
}

/* A switch: its downstream port lacks ACS, the root port has it. */
static void test_acs_missing_on_downstream_port_fails(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON, .has_switch = true,
			  .dsp_acs = FAKEHOST_ACS_NONE, .has_pf = true };
	struct fakehost *fh = build(&s);
	struct srp_checks c;
	const struct srp_check *it;

	(void)state;
	run(fh, &c);
	it = expect(&c, "SRP-CHK-ACS", PF, SRP_FAIL, "port " DSP,
		    "/sys/bus/pci/devices/" DSP "/config");
	assert_null(strstr(it->message, RP));
	srp_checks_free(&c);
	fakehost_free(fh);
}

/* ACS on the root and downstream ports; the upstream port needs none. */
static void test_acs_on_through_switch_passes(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON, .has_switch = true,
			  .dsp_acs = FAKEHOST_ACS_ON, .has_pf = true };
	struct fakehost *fh = build(&s);
	struct srp_checks c;
	const struct srp_check *it;

	(void)state;
	run(fh, &c);
	/* every port read is named: /sys/bus/pci/devices/{DSP,USP,RP}/config */
	it = expect(&c, "SRP-CHK-ACS", PF, SRP_PASS, NULL, "/sys/bus/pci/devices/{" DSP ",");
	assert_non_null(strstr(it->evidence, USP));
	assert_non_null(strstr(it->evidence, RP "}/config"));
	srp_checks_free(&c);
	fakehost_free(fh);
}

/* A PF on the root bus has no port above it: nothing to lack ACS. */
static void test_acs_root_bus_pf_passes(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON };
	struct fakehost *fh = build(&s);
	struct fakehost_func pf = { .addr = ROOTPF, .vendor = 0x8086, .device = 0x1572,
				    .driver = "i40e" };
	struct fakehost_sriov sriov = { .totalvfs = 4, .numvfs = 2, .offset = 16, .stride = 1,
					.vf_device = 0x154c };
	struct srp_checks c;

	(void)state;
	assert_int_equal(fakehost_add_pf(fh, &pf, &sriov), 0);
	run(fh, &c);
	expect(&c, "SRP-CHK-ACS", ROOTPF, SRP_PASS, "on a root bus", ROOTPF);
	/* and no ARI item: no port forwards anything to it */
	assert_null(item(&c, "SRP-CHK-ARI", ROOTPF));
	srp_checks_free(&c);
	fakehost_free(fh);
}

/* The port's config space cannot be read: a failure with evidence. */
static void test_acs_unreadable_port_fails(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON, .has_pf = true };
	struct fakehost *fh = build(&s);
	struct srp_checks c;

	(void)state;
	assert_int_equal(fakehost_remove(fh, "sys/devices/pci0000:00/" RP "/config"), 0);
	run(fh, &c);
	expect(&c, "SRP-CHK-ACS", PF, SRP_FAIL, "cannot check ACS", RP);
	srp_checks_free(&c);
	fakehost_free(fh);
}

/* ---- SRP-CHK-ARI ---- */

/* VFs at 03:02.x (offset 16): function numbers above 7. */
static void test_ari_forwarding_passes(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON, .rp_ari = true, .has_pf = true };
	struct fakehost *fh = build(&s);
	struct srp_checks c;

	(void)state;
	run(fh, &c);
	expect(&c, "SRP-CHK-ARI", PF, SRP_PASS, "port " RP " forwards ARI",
	       "/sys/bus/pci/devices/" RP "/config");
	srp_checks_free(&c);
	fakehost_free(fh);
}

static void test_ari_not_forwarding_fails(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON, .rp_ari = false, .has_pf = true };
	struct fakehost *fh = build(&s);
	struct srp_checks c;

	(void)state;
	run(fh, &c);
	expect(&c, "SRP-CHK-ARI", PF, SRP_FAIL, "port " RP " does not forward ARI",
	       "/sys/bus/pci/devices/" RP "/config");
	srp_checks_free(&c);
	fakehost_free(fh);
}

/* Behind a switch it is the downstream port that must forward. */
static void test_ari_downstream_port(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON, .rp_ari = true, .has_switch = true,
			  .dsp_acs = FAKEHOST_ACS_ON, .dsp_ari = false, .has_pf = true };
	struct fakehost *fh = build(&s);
	struct srp_checks c;

	(void)state;
	run(fh, &c);
	expect(&c, "SRP-CHK-ARI", PF, SRP_FAIL, "port " DSP, DSP);
	srp_checks_free(&c);
	fakehost_free(fh);

	s.dsp_ari = true;
	s.rp_ari = false;
	fh = build(&s);
	run(fh, &c);
	expect(&c, "SRP-CHK-ARI", PF, SRP_PASS, "port " DSP, DSP);
	srp_checks_free(&c);
	fakehost_free(fh);
}

/* Seven VFs at 03:00.1..7 fit in device 0: no ARI needed, no item,
 * even below a port that does not forward it.  One more VF would
 * land on 03:01.0. */
static void test_ari_not_needed_when_vfs_fit(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON, .rp_ari = false, .has_pf = true,
			  .sriov = { .totalvfs = 7, .numvfs = 7, .offset = 1, .stride = 1 } };
	struct fakehost *fh = build(&s);
	struct srp_checks c;

	(void)state;
	run(fh, &c);
	expect(&c, "SRP-CHK-SRIOV", PF, SRP_PASS, "7 of 7", NULL);
	assert_null(item(&c, "SRP-CHK-ARI", PF));
	assert_int_equal(count(&c, "SRP-CHK-ARI"), 0);
	srp_checks_free(&c);
	fakehost_free(fh);

	/* totalvfs counts, not numvfs: VF 7 (not enabled) would need ARI */
	s.sriov.totalvfs = 8;
	s.sriov.numvfs = 2;
	fh = build(&s);
	run(fh, &c);
	expect(&c, "SRP-CHK-ARI", PF, SRP_FAIL, "above 7", RP);
	srp_checks_free(&c);
	fakehost_free(fh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iommu_on_passes),
		cmocka_unit_test(test_iommu_missing_fails),
		cmocka_unit_test(test_iommu_without_groups_fails),
		cmocka_unit_test(test_iommu_pt_passes_with_note),
		cmocka_unit_test(test_intremap_in_use_passes),
		cmocka_unit_test(test_intremap_unsafe_interrupts_fail),
		cmocka_unit_test(test_intremap_off_fails),
		cmocka_unit_test(test_intremap_unknown_warns),
		cmocka_unit_test(test_acs_on_root_port_passes),
		cmocka_unit_test(test_acs_off_root_port_fails),
		cmocka_unit_test(test_acs_missing_on_root_port_fails),
		cmocka_unit_test(test_acs_partly_enabled_fails),
		cmocka_unit_test(test_acs_missing_on_downstream_port_fails),
		cmocka_unit_test(test_acs_on_through_switch_passes),
		cmocka_unit_test(test_acs_root_bus_pf_passes),
		cmocka_unit_test(test_acs_unreadable_port_fails),
		cmocka_unit_test(test_ari_forwarding_passes),
		cmocka_unit_test(test_ari_not_forwarding_fails),
		cmocka_unit_test(test_ari_downstream_port),
		cmocka_unit_test(test_ari_not_needed_when_vfs_fit),
	};

	return cmocka_run_group_tests_name("readiness", tests, NULL, NULL);
}
