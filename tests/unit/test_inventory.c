/* SPDX-License-Identifier: MIT */
/* srpass tests -- inventory: PF/VF links, IOMMU groups, JSON, malformed trees */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/host.h"
#include "sim/platform.h"
#include "core/invjson.h"
#include "lib/fakehost.h"
#include "core/readiness.h"
#include "srpass/err.h"
#include "srpass/inventory.h"

#define PF0 "0000:03:00.0"
#define PF1 "0000:03:00.1"
#define CX "0000:82:00.0"

/* Two PFs behind a root port with ACS (VFs in groups of their own), one
 * behind a port without ACS (PF and VFs share a group), an NVMe. */
static struct fakehost *build(void)
{
	struct fakehost *fh = fakehost_new(NULL);
	struct fakehost_func rp = {
		.addr = "0000:00:01.0", .vendor = 0x8086, .device = 0x2030,
		.port_type = FAKEHOST_ROOT_PORT, .secondary = 3, .subordinate = 3,
		.acs = FAKEHOST_ACS_ON, .ari_fwd = true,
	};
	struct fakehost_func rp2 = {
		.addr = "0000:80:02.0", .vendor = 0x8086, .device = 0x2032,
		.port_type = FAKEHOST_ROOT_PORT, .secondary = 0x82, .subordinate = 0x82,
		.acs = FAKEHOST_ACS_NONE,
	};
	struct fakehost_func pf0 = { .addr = PF0, .vendor = 0x8086, .device = 0x1572,
				     .class = 0x020000, .driver = "i40e", .netdevs = "enp3s0f0" };
	struct fakehost_func pf1 = { .addr = PF1, .vendor = 0x8086, .device = 0x1572,
				     .class = 0x020000, .driver = "i40e", .netdevs = "enp3s0f1" };
	struct fakehost_func cx = { .addr = CX, .vendor = 0x15b3, .device = 0x1017,
				    .class = 0x020000, .driver = "mlx5_core", .netdevs = "enp130s0f0" };
	struct fakehost_func nvme = { .addr = "0000:80:03.0", .vendor = 0x144d, .device = 0xa808,
				      .class = 0x010802, .driver = "nvme" };
	struct fakehost_sriov s0 = { .totalvfs = 64, .numvfs = 3, .offset = 16, .stride = 1,
				     .vf_device = 0x154c, .vf_driver = "iavf",
				     .vf_netdevs = "enp3s0f0v%u", .vf_group_mode = FAKEHOST_GROUP_NEW };
	struct fakehost_sriov s1 = { .totalvfs = 64, .numvfs = 0, .offset = 15, .stride = 1,
				     .vf_device = 0x154c };
	struct fakehost_sriov scx = { .totalvfs = 8, .numvfs = 2, .offset = 2, .stride = 1,
				      .vf_device = 0x1018, .vf_driver = "mlx5_core",
				      .vf_group_mode = FAKEHOST_GROUP_PF };

	assert_non_null(fh);
	assert_int_equal(fakehost_add_iommu(fh, NULL), 0);
	assert_int_equal(fakehost_add_hostbridge(fh, 0, 0, 0), 0);
	assert_int_equal(fakehost_add_hostbridge(fh, 0, 0x80, 1), 0);
	assert_int_equal(fakehost_add_port(fh, &rp), 0);
	assert_int_equal(fakehost_add_port(fh, &rp2), 0);
	assert_int_equal(fakehost_add_pf(fh, &pf0, &s0), 0);
	assert_int_equal(fakehost_add_pf(fh, &pf1, &s1), 0);
	assert_int_equal(fakehost_add_pf(fh, &cx, &scx), 0);
	assert_int_equal(fakehost_add_dev(fh, &nvme), 0);
	return fh;
}

struct fx {
	struct fakehost *fh;
	struct srp_host *host;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct srp_err err = { 0 };

	f->fh = build();
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

static const struct srp_dev *dev(const struct srp_inventory *inv, const char *addr)
{
	struct srp_bdf a;
	const struct srp_dev *d;

	assert_int_equal(srp_bdf_parse(addr, &a), 0);
	d = srp_inventory_find(inv, &a);
	if (d == NULL)
		fail_msg("%s not in the inventory", addr);
	return d;
}

static struct srp_inventory *scan(struct fx *f)
{
	struct srp_inventory *inv = NULL;
	struct srp_err err = { 0 };

	if (srp_inventory_scan(f->host, &inv, &err) < 0)
		fail_msg("scan: %s", err.msg);
	return inv;
}

static int scan_fails(struct fx *f, const char *needle)
{
	struct srp_inventory *inv = NULL;
	struct srp_err err = { 0 };
	int r = srp_inventory_scan(f->host, &inv, &err);

	if (r == 0) {
		srp_inventory_free(inv);
		fail_msg("scan accepted a tree that should fail (%s)", needle);
	}
	if (strstr(err.msg, needle) == NULL)
		fail_msg("error '%s' does not name '%s'", err.msg, needle);
	return r;
}

static void test_pf_and_vf_links(void **state)
{
	struct fx *f = *state;
	struct srp_inventory *inv = scan(f);
	const struct srp_dev *pf = dev(inv, PF0), *vf;

	assert_int_equal(pf->kind, SRP_DEV_PF);
	assert_int_equal(pf->totalvfs, 64);
	assert_int_equal(pf->numvfs, 3);
	assert_int_equal(pf->vf_offset, 16);
	assert_int_equal(pf->vf_stride, 1);
	assert_int_equal(pf->vf_device, 0x154c);
	assert_int_equal(pf->drivers_autoprobe, 1);
	assert_string_equal(pf->driver, "i40e");
	assert_int_equal(pf->n_netdevs, 1);
	assert_string_equal(pf->netdevs[0], "enp3s0f0");
	assert_int_equal(pf->numa_node, 0);
	assert_int_equal(pf->n_vfs, 3);
	/* RID 03:00.0 + 16 + n: 03:02.0, 03:02.1, 03:02.2 */
	for (unsigned int i = 0; i < 3; i++) {
		char addr[16];

		snprintf(addr, sizeof(addr), "0000:03:02.%u", i);
		vf = dev(inv, addr);
		assert_ptr_equal(pf->vfs[i], vf);
		assert_int_equal(vf->kind, SRP_DEV_VF);
		assert_ptr_equal(vf->pf, pf);
		assert_int_equal(vf->vf_index, (int)i);
		assert_string_equal(vf->driver, "iavf");
		assert_null(vf->driver_override);
		assert_non_null(vf->group);
		assert_int_equal(vf->group->n_members, 1);
	}
	/* a PF with SR-IOV off is still a PF, without VFs */
	assert_int_equal(dev(inv, PF1)->kind, SRP_DEV_PF);
	assert_int_equal(dev(inv, PF1)->n_vfs, 0);
	/* the NVMe is neither */
	assert_int_equal(dev(inv, "0000:80:03.0")->kind, SRP_DEV_PLAIN);
	assert_int_equal(dev(inv, "0000:80:03.0")->numa_node, 1);
	assert_int_equal(dev(inv, "0000:80:03.0")->class, 0x010802);
	srp_inventory_free(inv);
}

static void test_groups_listed_once_and_shared(void **state)
{
	struct fx *f = *state;
	struct srp_inventory *inv = scan(f);
	const struct srp_dev *cx = dev(inv, CX), *v0 = dev(inv, "0000:82:00.2");

	/* no ACS above the ConnectX: its port, the PF and its VFs in one group */
	assert_non_null(cx->group);
	assert_ptr_equal(cx->group, v0->group);
	assert_int_equal(cx->group->n_members, 4);
	assert_string_equal(cx->group->members[0]->name, "0000:80:02.0");
	assert_ptr_equal(cx->group->members[1], cx);
	/* every group once, sorted, each member pointing back */
	for (size_t i = 0; i < inv->n_groups; i++) {
		if (i > 0)
			assert_true(inv->groups[i - 1].id < inv->groups[i].id);
		for (size_t m = 0; m < inv->groups[i].n_members; m++)
			assert_ptr_equal(inv->groups[i].members[m]->group, &inv->groups[i]);
	}
	srp_inventory_free(inv);
}

static void test_json_schema_fields(void **state)
{
	struct fx *f = *state;
	struct srp_inventory *inv = scan(f);
	struct json_object *o = srp_inventory_to_json(inv, "/fake"), *devs, *d, *v, *s;
	int found_vf = 0;

	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "version", &v));
	assert_int_equal(json_object_get_int(v), 1);
	assert_true(json_object_object_get_ex(o, "devices", &devs));
	assert_int_equal(json_object_array_length(devs), inv->n_devs);
	for (size_t i = 0; i < json_object_array_length(devs); i++) {
		d = json_object_array_get_idx(devs, i);
		assert_true(json_object_object_get_ex(d, "address", &v));
		assert_string_equal(json_object_get_string(v), inv->devs[i].name);
		assert_true(json_object_object_get_ex(d, "kind", &v));
		if (strcmp(json_object_get_string(v), "vf") == 0 && !found_vf) {
			assert_true(json_object_object_get_ex(d, "pf", &v));
			assert_string_equal(json_object_get_string(v), inv->devs[i].pf->name);
			assert_true(json_object_object_get_ex(d, "vf_index", &v));
			assert_int_equal(json_object_get_int(v), inv->devs[i].vf_index);
			found_vf = 1;
		}
	}
	assert_true(found_vf);
	d = json_object_array_get_idx(devs, 0);
	/* the first device is the root port: no sriov key, driver pcieport */
	assert_false(json_object_object_get_ex(d, "sriov", &s));
	for (size_t i = 0; i < inv->n_devs; i++)
		if (strcmp(inv->devs[i].name, PF0) == 0) {
			d = json_object_array_get_idx(devs, i);
			assert_true(json_object_object_get_ex(d, "sriov", &s));
			assert_true(json_object_object_get_ex(s, "vf_device", &v));
			assert_string_equal(json_object_get_string(v), "154c");
			assert_true(json_object_object_get_ex(s, "vfs", &v));
			assert_int_equal(json_object_array_length(v), 3);
			assert_true(json_object_object_get_ex(d, "class", &v));
			assert_string_equal(json_object_get_string(v), "020000");
		}
	assert_true(json_object_object_get_ex(o, "iommu_groups", &v));
	assert_int_equal(json_object_array_length(v), inv->n_groups);
	json_object_put(o);
	srp_inventory_free(inv);
}

static void test_malformed_trees(void **state)
{
	struct fx *f = *state;
	char path[256];
	const char *pfdir = NULL;
	const char *vfdir = NULL;

	pfdir = fakehost_dev_dir(f->fh, PF0);
	vfdir = fakehost_dev_dir(f->fh, "0000:03:02.1");
	assert_non_null(pfdir);
	assert_non_null(vfdir);

	snprintf(path, sizeof(path), "%s/sriov_numvfs", pfdir);
	assert_int_equal(fakehost_write(f->fh, path, "three\n"), 0);
	scan_fails(f, "sriov_numvfs");
	assert_int_equal(fakehost_write(f->fh, path, "3\n"), 0);

	/* a virtfn link to a function that does not exist */
	snprintf(path, sizeof(path), "%s/virtfn1", pfdir);
	assert_int_equal(fakehost_symlink(f->fh, path, "../0000:03:07.7"), 0);
	scan_fails(f, "virtfn1");
	assert_int_equal(fakehost_symlink(f->fh, path, "../0000:03:02.1"), 0);

	/* a physfn that names another PF */
	snprintf(path, sizeof(path), "%s/physfn", vfdir);
	assert_int_equal(fakehost_symlink(f->fh, path, "../0000:03:00.1"), 0);
	scan_fails(f, "physfn");
	assert_int_equal(fakehost_symlink(f->fh, path, "../0000:03:00.0"), 0);

	/* an iommu_group link that is not a group */
	snprintf(path, sizeof(path), "%s/iommu_group", vfdir);
	assert_int_equal(fakehost_symlink(f->fh, path, "../../../kernel/iommu_groups/x"), 0);
	scan_fails(f, "iommu_group");
	assert_int_equal(fakehost_symlink(f->fh, path, "../../../../kernel/iommu_groups/1"), 0);

	/* a shared group that lists a device whose link is gone */
	snprintf(path, sizeof(path), "%s/iommu_group", fakehost_dev_dir(f->fh, "0000:82:00.2"));
	assert_int_equal(fakehost_remove(f->fh, path), 0);
	scan_fails(f, "iommu_group");
}

static void test_missing_root_pieces(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fakehost_remove(f->fh, "sys/bus/pci/devices"), 0);
	scan_fails(f, "/sys/bus/pci/devices");
}

/* The bridges above a function, nearest first, from one link. */
static void test_upstream_ports(void **state)
{
	struct fx *f = *state;
	struct srp_inventory *inv = scan(f);
	struct srp_err err = { 0 };
	struct srp_bdf ports[4], gap;
	char name[SRP_BDF_STRLEN];

	assert_int_equal(srp_pf_ports(f->host, dev(inv, PF0), ports, 4, &err), 1);
	assert_string_equal(srp_bdf_format(&ports[0], name), "0000:00:01.0");
	assert_int_equal(srp_acs_gap(f->host, dev(inv, PF0), &gap, &err), 0);
	assert_int_equal(srp_acs_gap(f->host, dev(inv, CX), &gap, &err), 1);
	assert_string_equal(srp_bdf_format(&gap, name), "0000:80:02.0");
	srp_inventory_free(inv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pf_and_vf_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_groups_listed_once_and_shared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_schema_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_trees, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_root_pieces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upstream_ports, setup, teardown),
	};

	return cmocka_run_group_tests_name("inventory", tests, NULL, NULL);
}
