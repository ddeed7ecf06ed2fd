/* SPDX-License-Identifier: MIT */
/* srpass tests -- the simulated kernel: sriov_numvfs, VFs parked and brought back */
#define _GNU_SOURCE

#include "unit/simkernel_fix.h"

/* ---- SR-IOV ---- */

static void test_numvfs_refusals(void **state)
{
	struct tb *t = *state;
	char *before = snap(t);

	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "3"), -EBUSY);	/* 2 -> 3 */
	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "9"), -ERANGE);	/* > total */
	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "65536"), -EINVAL);
	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "two"), -EINVAL);
	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "-1"), -EINVAL);
	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "2\n"), 0);	/* no change */
	/* no PF driver */
	assert_int_equal(wr(t, DEV("0000:08:00.0") "/sriov_numvfs", "0"), -ENOENT);
	assert_int_equal(wr(t, DEV(PF) "/sriov_drivers_autoprobe", "maybe"), -EINVAL);
	assert_tree_is(t, before);
	free(before);

	assert_int_equal(wr(t, DEV(PF) "/sriov_drivers_autoprobe", "0"), 0);
	assert_string_equal(rd(t, DEV(PF) "/sriov_drivers_autoprobe"), "0\n");
	assert_int_equal(wr(t, DEV(PF) "/sriov_drivers_autoprobe", "on"), 0);
	assert_string_equal(rd(t, DEV(PF) "/sriov_drivers_autoprobe"), "1\n");
	assert_int_equal(wr(t, DEV(PF) "/sriov_drivers_autoprobe", "N"), 0);
	assert_string_equal(rd(t, DEV(PF) "/sriov_drivers_autoprobe"), "0\n");
}

static void test_numvfs_round_trip(void **state)
{
	struct tb *t = *state;
	char *before = snap(t);

	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "0"), 0);
	assert_string_equal(rd(t, DEV(PF) "/sriov_numvfs"), "0\n");
	assert_false(ex(t, DEV(VF0)));
	assert_false(ex(t, DEV(VF1)));
	assert_false(ex(t, "/sys/devices/pci0000:00/0000:00:03.0/" VF0));
	assert_false(ex(t, "/sys/devices/pci0000:00/0000:00:03.0/" PF "/virtfn0"));
	assert_false(ex(t, "/sys/kernel/iommu_groups/11"));	/* alone in it: gone */
	assert_false(ex(t, "/sys/class/iommu/dmar0/devices/" VF0));
	assert_false(ex(t, "/sys/class/net/ens1f0v0"));
	assert_false(ex(t, DRV("iavf/") VF0));
	assert_true(ex(t, "/sys/class/net/ens1f0"));		/* the PF keeps its own */
	assert_true(ex(t, SRP_SIMKERNEL_DIR "/vfs/" PF "/virtfn0/device/vendor"));
	assert_true(ex(t, SRP_SIMKERNEL_DIR "/vfs/" PF "/virtfn1/group"));

	/* only as many as were parked can come back */
	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "3"), -EOPNOTSUPP);
	assert_string_equal(rd(t, DEV(PF) "/sriov_numvfs"), "0\n");

	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "2"), 0);
	assert_string_equal(rd(t, DEV(VF0) "/driver_override"), "(null)\n");
	assert_tree_is(t, before);

	/* with autoprobe off, the VFs come back without a driver */
	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "0"), 0);
	assert_int_equal(wr(t, DEV(PF) "/sriov_drivers_autoprobe", "0"), 0);
	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "1"), 0);
	assert_true(ex(t, DEV(VF0)));
	assert_false(ex(t, DEV(VF1)));
	assert_false(ex(t, DEV(VF0) "/driver"));
	assert_string_equal(lnk(t, "/sys/devices/pci0000:00/0000:00:03.0/" PF "/virtfn0"),
			    "../" VF0);
	free(before);
}

/* A PF driver's remove takes the VFs with it; they come back with numvfs. */
static void test_pf_unbind_disables_sriov(void **state)
{
	struct tb *t = *state;
	char *before = snap(t);

	assert_int_equal(wr(t, DEV(PF) "/driver/unbind", PF), 0);
	assert_string_equal(rd(t, DEV(PF) "/sriov_numvfs"), "0\n");
	assert_false(ex(t, DEV(VF0)));
	assert_false(ex(t, "/sys/class/net/ens1f0"));
	assert_int_equal(wr(t, PROBE, PF), 0);
	assert_string_equal(lnk(t, DEV(PF) "/driver"), "../../../../bus/pci/drivers/ice");
	assert_string_equal(rd(t, DEV(PF) "/sriov_numvfs"), "0\n");	/* not re-enabled */
	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "2"), 0);
	assert_tree_is(t, before);
	free(before);
}

/* vfio-pci as a PF driver: SR-IOV only with enable_sriov=Y, and its VFs
 * get vfio-pci as their driver_override. */
static void test_vfio_pf(void **state)
{
	struct tb *t = *state;

	assert_int_equal(wr(t, DEV(PF) "/driver_override", "vfio-pci"), 0);
	assert_int_equal(wr(t, DEV(PF) "/driver/unbind", PF), 0);
	assert_int_equal(wr(t, PROBE, PF), 0);
	assert_string_equal(lnk(t, DEV(PF) "/driver"), "../../../../bus/pci/drivers/vfio-pci");
	assert_true(ex(t, "/dev/vfio/10"));
	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "2"), -ENOENT);
	tb_put(t, "/sys/module/vfio_pci/parameters/enable_sriov", "Y\n");
	assert_int_equal(wr(t, DEV(PF) "/sriov_numvfs", "2"), 0);
	assert_string_equal(rd(t, DEV(VF0) "/driver_override"), "vfio-pci\n");
	assert_string_equal(lnk(t, DEV(VF0) "/driver"), "../../../../bus/pci/drivers/vfio-pci");
	assert_true(ex(t, "/dev/vfio/11"));
	assert_true(ex(t, "/dev/vfio/12"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_numvfs_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_numvfs_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pf_unbind_disables_sriov, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vfio_pf, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
