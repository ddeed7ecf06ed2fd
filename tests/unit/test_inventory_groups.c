/* SPDX-License-Identifier: MIT */
/* srpass tests -- inventory: a device's iommu_group link and its group's devices list agree */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/host.h"
#include "lib/fakehost.h"
#include "sim/platform.h"
#include "srpass/err.h"
#include "srpass/inventory.h"

#define PF "0000:03:00.0"
#define VF0 "0000:03:02.0"
#define VF1 "0000:03:02.1"

/*
 * The kernel writes both sides of a group's membership: the device's
 * iommu_group link and the group's devices/<BDF> link.  When they
 * disagree the tree is not a kernel's, and which group isolates the
 * device is unknown: the gate would reason about the wrong members.
 * The scan refuses such a tree, naming the device.
 */
struct fx {
	struct fakehost *fh;
	struct srp_host *host;
	int g0, g1;			/* VF0's and VF1's groups */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct fakehost_func port = {
		.addr = "0000:00:01.0", .vendor = 0x8086, .device = 0x2030,
		.port_type = FAKEHOST_ROOT_PORT, .secondary = 3, .subordinate = 3,
		.acs = FAKEHOST_ACS_ON,
	};
	struct fakehost_func pf = { .addr = PF, .vendor = 0x8086, .device = 0x1572,
				    .class = 0x020000, .driver = "i40e", .netdevs = "enp3s0f0" };
	struct fakehost_sriov sriov = { .totalvfs = 8, .numvfs = 3, .offset = 16, .stride = 1,
					.vf_device = 0x154c, .vf_driver = "iavf",
					.vf_group_mode = FAKEHOST_GROUP_NEW };
	struct srp_err err = { 0 };

	assert_non_null(f);
	f->fh = fakehost_new(NULL);
	assert_non_null(f->fh);
	assert_int_equal(fakehost_add_iommu(f->fh, NULL), 0);
	assert_int_equal(fakehost_add_hostbridge(f->fh, 0, 0, 0), 0);
	assert_int_equal(fakehost_add_port(f->fh, &port), 0);
	assert_int_equal(fakehost_add_pf(f->fh, &pf, &sriov), 0);
	f->g0 = fakehost_group(f->fh, VF0);
	f->g1 = fakehost_group(f->fh, VF1);
	assert_true(f->g0 >= 0 && f->g1 >= 0 && f->g0 != f->g1);
	assert_int_equal(srp_sim_host_open(fakehost_root(f->fh), &f->host, &err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	srp_host_close(f->host);
	fakehost_free(f->fh);
	free(f);
	return 0;
}

/* The target of the link at path (relative to the root). */
static void target(struct fx *f, const char *path, char buf[PATH_MAX])
{
	char host[PATH_MAX];
	ssize_t n;

	snprintf(host, sizeof(host), "%s/%s", fakehost_root(f->fh), path);
	n = readlink(host, buf, PATH_MAX - 1);
	assert_true(n > 0);
	buf[n] = '\0';
}

/* Point dev's iommu_group link at group g instead. */
static void relink_device(struct fx *f, const char *dev, int g)
{
	char path[PATH_MAX], t[PATH_MAX], *slash;

	snprintf(path, sizeof(path), "%s/iommu_group", fakehost_dev_dir(f->fh, dev));
	target(f, path, t);
	slash = strrchr(t, '/');
	assert_non_null(slash);
	snprintf(slash + 1, sizeof(t) - (size_t)(slash + 1 - t), "%d", g);
	assert_int_equal(fakehost_symlink(f->fh, path, t), 0);
}

/* List dev in group g's devices too (the same target: the same depth). */
static void list_in(struct fx *f, const char *dev, int from, int g)
{
	char path[PATH_MAX], t[PATH_MAX];

	snprintf(path, sizeof(path), "sys/kernel/iommu_groups/%d/devices/%s", from, dev);
	target(f, path, t);
	snprintf(path, sizeof(path), "sys/kernel/iommu_groups/%d/devices/%s", g, dev);
	assert_int_equal(fakehost_symlink(f->fh, path, t), 0);
}

static void unlist(struct fx *f, const char *dev, int g)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "sys/kernel/iommu_groups/%d/devices/%s", g, dev);
	assert_int_equal(fakehost_remove(f->fh, path), 0);
}

static void scan_ok(struct fx *f)
{
	struct srp_inventory *inv = NULL;
	struct srp_err err = { 0 };

	if (srp_inventory_scan(f->host, &inv, &err) < 0)
		fail_msg("scan: %s", err.msg);
	srp_inventory_free(inv);
}

static void scan_refuses(struct fx *f, const char *dev)
{
	struct srp_inventory *inv = NULL;
	struct srp_err err = { 0 };

	if (srp_inventory_scan(f->host, &inv, &err) == 0) {
		srp_inventory_free(inv);
		fail_msg("scan accepted a tree where %s's group membership disagrees", dev);
	}
	assert_int_equal(err.code, -EINVAL);
	if (strstr(err.msg, dev) == NULL || strstr(err.msg, "iommu_group") == NULL)
		fail_msg("'%s' names neither %s nor its iommu_group", err.msg, dev);
}

/* VF0's group lists VF1 too, whose link names its own group (which
 * lists it): a group lists a device whose link names another. */
static void test_listed_by_a_group_its_link_does_not_name(void **state)
{
	struct fx *f = *state;

	scan_ok(f);
	list_in(f, VF1, f->g1, f->g0);
	scan_refuses(f, VF1);
}

/* VF1's link names VF0's group, which does not list it; no group does:
 * a link to a group that does not list the device. */
static void test_link_to_a_group_that_does_not_list_it(void **state)
{
	struct fx *f = *state;

	relink_device(f, VF1, f->g0);
	unlist(f, VF1, f->g1);
	scan_refuses(f, VF1);
}

/* The links of two devices swapped, the lists as they were: each
 * group lists a device whose link names the other. */
static void test_swapped_links(void **state)
{
	struct fx *f = *state;

	relink_device(f, VF0, f->g1);
	relink_device(f, VF1, f->g0);
	scan_refuses(f, "0000:03:02.");
	relink_device(f, VF0, f->g0);
	relink_device(f, VF1, f->g1);
	scan_ok(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_listed_by_a_group_its_link_does_not_name,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_to_a_group_that_does_not_list_it, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_swapped_links, setup, teardown),
	};

	return cmocka_run_group_tests_name("inventory groups", tests, NULL, NULL);
}
