/* SPDX-License-Identifier: MIT */
/* srpass tests -- the simulated kernel: driver_override, bind, unbind, drivers_probe, VFIO */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/vfio.h>
#include <unistd.h>

#include "os/bind.h"
#include "srpass/bdf.h"
#include "unit/simkernel_fix.h"

/* ---- driver_override ---- */

static void test_driver_override(void **state)
{
	struct tb *t = *state;
	const char *p = DEV(VF0) "/driver_override";

	assert_int_equal(wr(t, p, "vfio-pci"), 0);
	assert_string_equal(rd(t, p), "vfio-pci\n");
	assert_int_equal(wr(t, p, "pci-stub\n"), 0);
	assert_string_equal(rd(t, p), "pci-stub\n");
	assert_int_equal(wr(t, p, "\n"), 0);
	assert_string_equal(rd(t, p), "(null)\n");
	assert_int_equal(wr(t, p, "vfio-pci\nrest"), 0);	/* up to the newline */
	assert_string_equal(rd(t, p), "vfio-pci\n");
	assert_int_equal(t->sys.ops->write(&t->sys, p, "\0", 1), 0);	/* dpdk-devbind's clear */
	assert_string_equal(rd(t, p), "(null)\n");
	/* through the driver's back link, the same attribute */
	assert_int_equal(wr(t, DRV("iavf/") VF0 "/driver_override", "vfio-pci"), 0);
	assert_string_equal(rd(t, p), "vfio-pci\n");
	/* a page or more is refused */
	{
		char big[4096];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		assert_int_equal(wr(t, p, big), -EINVAL);
		assert_string_equal(rd(t, p), "vfio-pci\n");
	}
	/* any name is stored: the kernel does not check it names a driver */
	assert_int_equal(wr(t, p, "no-such-driver"), 0);
	assert_string_equal(rd(t, p), "no-such-driver\n");
	/* the driver stays bound: override acts on the next probe */
	assert_string_equal(lnk(t, DEV(VF0) "/driver"), "../../../../bus/pci/drivers/iavf");
}

/* ---- unbind ---- */

static void test_unbind(void **state)
{
	struct tb *t = *state;

	/* refusals first: nothing changes */
	assert_int_equal(wr(t, DRV("e1000e/unbind"), VF0), -ENODEV);	/* bound to iavf */
	assert_int_equal(wr(t, DRV("iavf/unbind"), "03:02.0"), -ENODEV);	/* no short form */
	assert_int_equal(wr(t, DRV("iavf/unbind"), "0000:03:02.0 "), -ENODEV);
	assert_int_equal(wr(t, DRV("iavf/unbind"), "0000:03:02.0\n\n"), -ENODEV);
	assert_int_equal(wr(t, DRV("iavf/unbind"), "garbage"), -ENODEV);
	assert_int_equal(wr(t, DRV("iavf/unbind"), "0000:0f:00.0"), -ENODEV);	/* no such device */
	assert_int_equal(wr(t, DRV("iavf/unbind"), "0000:06:00.0"), -ENODEV);	/* unbound */
	assert_string_equal(lnk(t, DEV(VF0) "/driver"), "../../../../bus/pci/drivers/iavf");

	/* through the device's driver link, with the newline echo adds */
	assert_int_equal(wr(t, DEV(VF0) "/driver/unbind", VF0 "\n"), 0);
	assert_false(ex(t, DEV(VF0) "/driver"));
	assert_false(ex(t, DRV("iavf/") VF0));
	assert_string_equal(rd(t, DEV(VF0) "/enable"), "0\n");
	/* the netdev went with the driver, parked whole */
	assert_false(ex(t, DEV(VF0) "/net"));
	assert_false(ex(t, "/sys/class/net/ens1f0v0"));
	assert_true(ex(t, SRP_SIMKERNEL_DIR "/parked/" VF0 "/net/ens1f0v0/address"));
	assert_string_equal(lnk(t, SRP_SIMKERNEL_DIR "/parked/" VF0 "/class-net/ens1f0v0"),
			    "../../devices/pci0000:00/0000:00:03.0/" VF0 "/net/ens1f0v0");
	/* the other netdevs are untouched */
	assert_true(ex(t, "/sys/class/net/ens1f0v1"));
	/* unbinding an unbound device */
	assert_int_equal(wr(t, DRV("iavf/unbind"), VF0), -ENODEV);

	/* the driver's own unbind file works the same */
	assert_int_equal(wr(t, DRV("iavf/unbind"), VF1), 0);
	assert_false(ex(t, DEV(VF1) "/driver"));
	assert_true(ex(t, SRP_SIMKERNEL_DIR "/parked/" VF1 "/net/ens1f0v1"));
}

/* ---- drivers_probe ---- */

static void test_drivers_probe(void **state)
{
	struct tb *t = *state;
	char *before;

	/* an unknown or malformed device */
	assert_int_equal(wr(t, PROBE, "0000:0f:00.0"), -ENODEV);
	assert_int_equal(wr(t, PROBE, "3:2.0"), -ENODEV);
	/* bound already: nothing to do */
	before = snap(t);
	assert_int_equal(wr(t, PROBE, VF0), 0);
	assert_tree_is(t, before);
	free(before);

	/* unbound, no override: the default driver, netdev back */
	assert_int_equal(wr(t, DEV(VF0) "/driver/unbind", VF0), 0);
	assert_int_equal(wr(t, PROBE, VF0 "\n"), 0);
	assert_string_equal(lnk(t, DEV(VF0) "/driver"), "../../../../bus/pci/drivers/iavf");
	assert_string_equal(lnk(t, DRV("iavf/") VF0),
			    "../../../../devices/pci0000:00/0000:00:03.0/" VF0);
	assert_true(ex(t, DEV(VF0) "/net/ens1f0v0/address"));
	assert_string_equal(lnk(t, "/sys/class/net/ens1f0v0"),
			    "../../devices/pci0000:00/0000:00:03.0/" VF0 "/net/ens1f0v0");
	assert_false(ex(t, SRP_SIMKERNEL_DIR "/parked"));
	assert_string_equal(rd(t, DEV(VF0) "/enable"), "1\n");

	/* an override naming a driver that is not loaded: no driver, no error */
	assert_int_equal(wr(t, DEV(VF0) "/driver/unbind", VF0), 0);
	assert_int_equal(wr(t, DEV(VF0) "/driver_override", "mlx5_vfio_pci"), 0);
	assert_int_equal(wr(t, PROBE, VF0), 0);
	assert_false(ex(t, DEV(VF0) "/driver"));
	/* ... and only that driver: no falling back to the default */
	assert_int_equal(wr(t, DEV(VF0) "/driver_override", "pci-stub"), 0);
	assert_int_equal(wr(t, PROBE, VF0), 0);
	assert_string_equal(lnk(t, DEV(VF0) "/driver"), "../../../../bus/pci/drivers/pci-stub");
	assert_false(ex(t, DEV(VF0) "/net"));		/* a stub registers no netdev */
	assert_false(ex(t, "/dev/vfio/11"));		/* and is not vfio */
	assert_string_equal(rd(t, DEV(VF0) "/enable"), "0\n");

	/* no default driver and no override: stays unbound */
	assert_int_equal(wr(t, PROBE, "0000:07:00.0"), 0);
	assert_false(ex(t, DEV("0000:07:00.0") "/driver"));
	/* a default driver, at another depth in the tree */
	assert_int_equal(wr(t, PROBE, "0000:06:00.0"), 0);
	assert_string_equal(lnk(t, DEV("0000:06:00.0") "/driver"), "../../../bus/pci/drivers/e1000e");
	assert_string_equal(lnk(t, DRV("e1000e/0000:06:00.0")),
			    "../../../../devices/pci0000:00/0000:06:00.0");
}

/* ---- bind ---- */

static void test_bind(void **state)
{
	struct tb *t = *state;

	/* bound: the match is checked first, then "busy" */
	assert_int_equal(wr(t, DRV("iavf/bind"), VF0), -EBUSY);
	assert_int_equal(wr(t, DRV("e1000e/bind"), VF0), -ENODEV);	/* no ID match */
	assert_int_equal(wr(t, DEV(VF0) "/driver_override", "vfio-pci"), 0);
	assert_int_equal(wr(t, DRV("vfio-pci/bind"), VF0), -EBUSY);
	assert_int_equal(wr(t, DRV("iavf/bind"), VF0), -ENODEV);	/* the override rules */

	assert_int_equal(wr(t, DEV(VF0) "/driver/unbind", VF0), 0);
	assert_int_equal(wr(t, DRV("iavf/bind"), VF0), -ENODEV);
	assert_int_equal(wr(t, DRV("vfio-pci/bind"), "0000:0f:00.0"), -ENODEV);
	assert_int_equal(wr(t, DRV("vfio-pci/bind"), VF0 "\n"), 0);
	assert_string_equal(lnk(t, DEV(VF0) "/driver"), "../../../../bus/pci/drivers/vfio-pci");
	assert_true(ex(t, "/dev/vfio/11"));
	assert_int_equal(wr(t, DRV("vfio-pci/bind"), VF0), -EBUSY);

	/* no override: only the default driver's ID table matches */
	assert_int_equal(wr(t, DEV(VF0) "/driver_override", "\n"), 0);
	assert_int_equal(wr(t, DRV("vfio-pci/unbind"), VF0), 0);
	assert_false(ex(t, "/dev/vfio/11"));
	assert_int_equal(wr(t, DRV("vfio-pci/bind"), VF0), -ENODEV);
	assert_int_equal(wr(t, DRV("e1000e/bind"), VF0), -ENODEV);
	assert_int_equal(wr(t, DRV("iavf/bind"), VF0), 0);
	assert_true(ex(t, "/sys/class/net/ens1f0v0"));

	/* vfio-pci's probe: no IOMMU group, or a PF with VFs enabled */
	assert_int_equal(wr(t, DEV("0000:06:00.0") "/driver_override", "vfio-pci"), 0);
	assert_int_equal(wr(t, DRV("vfio-pci/bind"), "0000:06:00.0"), -EINVAL);
	assert_int_equal(wr(t, PROBE, "0000:06:00.0"), 0);	/* the probe fails quietly */
	assert_false(ex(t, DEV("0000:06:00.0") "/driver"));
	assert_int_equal(wr(t, DEV("0000:08:00.0") "/driver_override", "vfio-pci"), 0);
	assert_int_equal(wr(t, DRV("vfio-pci/bind"), "0000:08:00.0"), -EBUSY);
	assert_int_equal(wr(t, PROBE, "0000:08:00.0"), 0);
	assert_false(ex(t, DEV("0000:08:00.0") "/driver"));

	/* pciback: bound by override, no /dev/vfio node, no netdev */
	assert_int_equal(wr(t, DEV(VF1) "/driver_override", "pciback"), 0);
	assert_int_equal(wr(t, DEV(VF1) "/driver/unbind", VF1), 0);
	assert_int_equal(wr(t, PROBE, VF1), 0);
	assert_string_equal(lnk(t, DEV(VF1) "/driver"), "../../../../bus/pci/drivers/pciback");
	assert_false(ex(t, "/dev/vfio/12"));
	assert_false(ex(t, DEV(VF1) "/net"));
}

/* ---- driver directories ---- */

static void test_driver_dir_refusals(void **state)
{
	struct tb *t = *state;
	char *before = snap(t);

	assert_int_equal(wr(t, DRV("iavf/uevent"), "add"), -EINVAL);
	assert_int_equal(wr(t, DRV("vfio-pci/new_id"), "8086 1889"), -EOPNOTSUPP);
	assert_int_equal(wr(t, DRV("vfio-pci/remove_id"), "8086 1889"), -EOPNOTSUPP);
	assert_int_equal(wr(t, DRV("iavf/nosuch"), VF0), -ENOENT);
	assert_int_equal(wr(t, DRV("nosuch/bind"), VF0), -ENOENT);
	assert_tree_is(t, before);
	free(before);
}

/* ---- VFIO groups and ioctls ---- */

static void test_vfio_group_node_and_viability(void **state)
{
	struct tb *t = *state;
	const char *a = "0000:05:00.0", *b = "0000:05:00.1";
	uint32_t flags = 0;

	assert_int_equal(group_status(t, 20, &flags), -ENOENT);	/* no node yet */
	assert_int_equal(wr(t, DEV("0000:05:00.0") "/driver_override", "vfio-pci"), 0);
	assert_int_equal(wr(t, DEV("0000:05:00.0") "/driver/unbind", a), 0);
	assert_int_equal(wr(t, PROBE, a), 0);
	/* one level deeper than the VFs: the links follow the depth */
	assert_string_equal(lnk(t, DEV("0000:05:00.0") "/driver"),
			    "../../../../bus/pci/drivers/vfio-pci");
	assert_string_equal(lnk(t, DRV("vfio-pci/0000:05:00.0")),
			    "../../../../devices/pci0000:00/0000:00:05.0/0000:05:00.0");
	assert_string_equal(rd(t, "/dev/vfio/20"), "");
	/* its group mate still has e1000e: not viable */
	assert_int_equal(group_status(t, 20, &flags), 0);
	assert_int_equal(flags & VFIO_GROUP_FLAGS_VIABLE, 0);
	/* unbound: viable */
	assert_int_equal(wr(t, DEV("0000:05:00.1") "/driver/unbind", b), 0);
	assert_int_equal(group_status(t, 20, &flags), 0);
	assert_int_equal(flags, VFIO_GROUP_FLAGS_VIABLE);
	/* pci-stub: viable */
	assert_int_equal(wr(t, DEV("0000:05:00.1") "/driver_override", "pci-stub"), 0);
	assert_int_equal(wr(t, PROBE, b), 0);
	assert_int_equal(group_status(t, 20, &flags), 0);
	assert_int_equal(flags, VFIO_GROUP_FLAGS_VIABLE);
	/* both on vfio-pci: one node for the group, until the last goes */
	assert_int_equal(wr(t, DEV("0000:05:00.1") "/driver_override", "vfio-pci"), 0);
	assert_int_equal(wr(t, DRV("pci-stub/unbind"), b), 0);
	assert_int_equal(wr(t, PROBE, b), 0);
	assert_int_equal(group_status(t, 20, &flags), 0);
	assert_int_equal(flags, VFIO_GROUP_FLAGS_VIABLE);
	assert_int_equal(wr(t, DRV("vfio-pci/unbind"), a), 0);
	assert_true(ex(t, "/dev/vfio/20"));
	assert_int_equal(wr(t, DRV("vfio-pci/unbind"), b), 0);
	assert_false(ex(t, "/dev/vfio/20"));
	assert_true(ex(t, "/dev/vfio/vfio"));
}

static void test_vfio_ioctls(void **state)
{
	struct tb *t = *state;
	struct vfio_group_status st = { .argsz = sizeof(st) };
	int cfd, gfd, gfd2, fd;
	char h[PATH_MAX];

	/* the container */
	cfd = t->sys.ops->open(&t->sys, "/dev/vfio/vfio", O_RDWR, 0);
	assert_true(cfd >= 0);
	assert_int_equal(t->sys.ops->ioctl(&t->sys, cfd, VFIO_GET_API_VERSION, NULL),
			 VFIO_API_VERSION);
	assert_int_equal(t->sys.ops->ioctl(&t->sys, cfd, VFIO_CHECK_EXTENSION,
					   (void *)(unsigned long)VFIO_TYPE1v2_IOMMU), 1);
	assert_int_equal(t->sys.ops->ioctl(&t->sys, cfd, VFIO_CHECK_EXTENSION,
					   (void *)(unsigned long)VFIO_TYPE1_IOMMU), 1);
	assert_int_equal(t->sys.ops->ioctl(&t->sys, cfd, VFIO_CHECK_EXTENSION,
					   (void *)(unsigned long)VFIO_NOIOMMU_IOMMU), 0);
	assert_int_equal(t->sys.ops->ioctl(&t->sys, cfd, VFIO_GROUP_GET_STATUS, &st), -ENOTTY);
	/* no vfio_iommu_type1 module, no type1 */
	host_path(t, "/sys/module/vfio_iommu_type1", h);
	{
		char cmd[PATH_MAX + 16];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", h);
		assert_int_equal(system(cmd), 0);
	}
	assert_int_equal(t->sys.ops->ioctl(&t->sys, cfd, VFIO_CHECK_EXTENSION,
					   (void *)(unsigned long)VFIO_TYPE1v2_IOMMU), 0);
	close(cfd);

	/* a group */
	assert_int_equal(wr(t, DEV(VF0) "/driver_override", "vfio-pci"), 0);
	assert_int_equal(wr(t, DEV(VF0) "/driver/unbind", VF0), 0);
	assert_int_equal(wr(t, PROBE, VF0), 0);
	gfd = t->sys.ops->open(&t->sys, "/dev/vfio/11", O_RDWR, 0);
	assert_true(gfd >= 0);
	assert_int_equal(t->sys.ops->ioctl(&t->sys, gfd, VFIO_GROUP_GET_STATUS, &st), 0);
	assert_int_equal(st.flags, VFIO_GROUP_FLAGS_VIABLE);
	st.argsz = sizeof(st) - 1;
	assert_int_equal(t->sys.ops->ioctl(&t->sys, gfd, VFIO_GROUP_GET_STATUS, &st), -EINVAL);
	st.argsz = sizeof(st);
	assert_int_equal(t->sys.ops->ioctl(&t->sys, gfd, VFIO_GROUP_GET_STATUS, NULL), -EFAULT);
	assert_int_equal(t->sys.ops->ioctl(&t->sys, gfd, VFIO_GET_API_VERSION, NULL), -ENOTTY);
	/* one open at a time */
	assert_int_equal(t->sys.ops->open(&t->sys, "/dev/vfio/11", O_RDWR, 0), -EBUSY);
	/* through a path with links and dots, the same node */
	assert_int_equal(t->sys.ops->open(&t->sys, "/dev/../dev/vfio/./11", O_RDWR, 0), -EBUSY);
	close(gfd);
	gfd2 = t->sys.ops->open(&t->sys, "/dev/vfio/11", O_RDWR, 0);
	assert_true(gfd2 >= 0);
	close(gfd2);

	/* a number reused after close() is no VFIO node: the real ioctl answers */
	fd = t->sys.ops->open(&t->sys, "/etc/hostname", O_RDONLY, 0);
	assert_int_equal(fd, gfd2);
	assert_int_equal(t->sys.ops->ioctl(&t->sys, fd, VFIO_GROUP_GET_STATUS, &st), -ENOTTY);
	close(fd);
	gfd = t->sys.ops->open(&t->sys, "/dev/vfio/11", O_RDWR, 0);
	assert_true(gfd >= 0);
	close(gfd);
	host_path(t, "/etc/hostname", h);
	fd = open(h, O_RDONLY | O_CLOEXEC);		/* not through the seam */
	assert_int_equal(fd, gfd);
	assert_int_equal(t->sys.ops->ioctl(&t->sys, fd, VFIO_GROUP_GET_STATUS, &st), -ENOTTY);
	close(fd);
}

/* ---- the round trips srpass makes ---- */

/* Every step by hand, back with drivers_probe or with bind. */
static void round_trip(struct tb *t, bool back_with_bind)
{
	uint32_t flags = 0;
	char *before = snap(t), *mid;

	assert_int_equal(wr(t, DEV(VF0) "/driver_override", "vfio-pci"), 0);
	assert_int_equal(wr(t, DEV(VF0) "/driver/unbind", VF0), 0);
	assert_int_equal(wr(t, PROBE, VF0), 0);
	assert_string_equal(lnk(t, DEV(VF0) "/driver"), "../../../../bus/pci/drivers/vfio-pci");
	assert_true(ex(t, "/dev/vfio/11"));
	assert_int_equal(group_status(t, 11, &flags), 0);
	assert_int_equal(flags, VFIO_GROUP_FLAGS_VIABLE);
	assert_false(ex(t, DEV(VF0) "/net"));
	mid = snap(t);

	if (back_with_bind) {
		assert_int_equal(wr(t, DRV("vfio-pci/unbind"), VF0), 0);
		assert_int_equal(wr(t, DEV(VF0) "/driver_override", "iavf"), 0);
		assert_int_equal(wr(t, DRV("iavf/bind"), VF0), 0);
		assert_int_equal(wr(t, DEV(VF0) "/driver_override", "\n"), 0);
	} else {
		assert_int_equal(wr(t, DEV(VF0) "/driver_override", "\n"), 0);
		assert_int_equal(wr(t, DEV(VF0) "/driver/unbind", VF0), 0);
		assert_int_equal(wr(t, PROBE, VF0), 0);
	}
	assert_false(ex(t, "/dev/vfio/11"));
	assert_true(ex(t, DEV(VF0) "/net/ens1f0v0"));
	assert_tree_is(t, before);
	assert_int_equal(treediff_compare(before, mid, NULL, 0), 1);
	free(before);
	free(mid);
}

static void test_round_trip_probe(void **state)
{
	round_trip(*state, false);
}

static void test_round_trip_bind(void **state)
{
	round_trip(*state, true);
}

/* srpass's own bind engine, unchanged, on the simulated kernel */
static void test_round_trip_srpass_bind(void **state)
{
	struct tb *t = *state;
	struct srp_err err = { 0 };
	struct srp_bdf addr;
	uint32_t flags = 0;
	char *before = snap(t);

	assert_int_equal(srp_bdf_parse(VF0, &addr), 0);
	assert_int_equal(srp_bind_to(&t->sys, &addr, "vfio-pci", "iavf", NULL, 0, &err), 0);
	assert_int_equal(group_status(t, 11, &flags), 0);
	assert_int_equal(flags, VFIO_GROUP_FLAGS_VIABLE);
	assert_int_equal(srp_bind_restore(&t->sys, &addr, "iavf", NULL, 0, &err), 0);
	assert_tree_is(t, before);
	free(before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_driver_override, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unbind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drivers_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_dir_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vfio_group_node_and_viability, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vfio_ioctls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip_bind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip_srpass_bind, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
