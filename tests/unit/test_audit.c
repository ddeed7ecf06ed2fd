/* SPDX-License-Identifier: MIT */
/* srpass tests -- `srpass audit`: every finding id raised and not raised, order, exit, --tenant */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/assign.h"
#include "sim/platform.h"
#include "core/audit.h"
#include "core/config.h"
#include "core/host.h"
#include "core/ledger.h"
#include "lib/fakehost.h"
#include "srpass/err.h"
#include "srpass/inventory.h"
#include "os/sys.h"
#include "switch/vfswitch.h"

#define PORT	"0000:00:01.0"
#define PF	"0000:03:00.0"
#define PFNET	"enp3s0f0"
#define VF0	"0000:03:02.0"
#define VF1	"0000:03:02.1"
#define VF2	"0000:03:02.2"
#define VF7	"0000:03:02.7"		/* VF 7: not enabled (numvfs 4) */

/*
 * Tenants on one PF.  blue and red: plain shared tenants with VLANs;
 * lab may turn spoof checking off and be trusted, and has no VLANs;
 * solo wants PFs of its own; edge wants VEPA on shared PFs.
 */
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
	"mac_prefix = 02:bb:00\n"
	"\n"
	"[tenant:lab]\n"
	"pfs = " PF "\n"
	"mac_prefix = 02:cc:00\n"
	"spoofchk = any\n"
	"trust = allowed\n"
	"\n"
	"[tenant:solo]\n"
	"pfs = " PF "\n"
	"vlans = 300\n"
	"mac_prefix = 02:dd:00\n"
	"isolation = dedicated-pf\n"
	"\n"
	"[tenant:edge]\n"
	"pfs = " PF "\n"
	"vlans = 400\n"
	"mac_prefix = 02:ee:00\n"
	"switch_mode = vepa\n";

/* How the host differs from a healthy one. */
struct opts {
	bool no_iommu;
	bool no_intremap;
	enum fakehost_acs acs;		/* of the root port; 0 (NONE) is replaced by ON */
	bool acs_none;			/* really no ACS capability */
	enum fakehost_group vf_group_mode;	/* 0 (AUTO) is replaced by NEW */
	unsigned int vf_group;
	bool no_config;
};

struct fx {
	struct fakehost *fh;
	struct srp_host *host;
	struct srp_config *cfg;
};

static struct fx *fx_new(const struct opts *o)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct fakehost_func port = {
		.addr = PORT, .vendor = 0x8086, .device = 0x2030, .port_type = FAKEHOST_ROOT_PORT,
		.secondary = 3, .subordinate = 3, .ari_fwd = true,
		.acs = o->acs_none ? FAKEHOST_ACS_NONE : o->acs ? o->acs : FAKEHOST_ACS_ON,
	};
	struct fakehost_func pf = {
		.addr = PF, .vendor = 0x8086, .device = 0x1572, .class = 0x020000,
		.driver = "i40e", .netdevs = PFNET,
		.group_mode = o->no_iommu ? FAKEHOST_GROUP_NONE : FAKEHOST_GROUP_AUTO,
	};
	struct fakehost_sriov sriov = {
		.totalvfs = 8, .numvfs = 4, .offset = 16, .stride = 1, .vf_device = 0x154c,
		.vf_driver = "iavf", .vf_netdevs = PFNET "v%u",
		.vf_group_mode = o->no_iommu ? FAKEHOST_GROUP_NONE :
				 o->vf_group_mode ? o->vf_group_mode : FAKEHOST_GROUP_NEW,
		.vf_group = o->vf_group,
	};
	struct fakehost_iommu iommu = { .no_intremap = o->no_intremap };
	struct srp_err err = { 0 };
	char path[PATH_MAX];

	assert_non_null(f);
	f->fh = fakehost_new(NULL);
	assert_non_null(f->fh);
	if (!o->no_iommu)
		assert_int_equal(fakehost_add_iommu(f->fh, &iommu), 0);
	assert_int_equal(fakehost_add_vfio(f->fh), 0);
	assert_int_equal(fakehost_add_hostbridge(f->fh, 0, 0, 0), 0);
	if (o->no_iommu)
		port.group_mode = FAKEHOST_GROUP_NONE;
	assert_int_equal(fakehost_add_port(f->fh, &port), 0);
	assert_int_equal(fakehost_add_pf(f->fh, &pf, &sriov), 0);
	/* a simulated host: kernel side effects of driver writes, the switch simulator */
	assert_int_equal(fakehost_write(f->fh, "var/lib/srpass-sim/default-driver/" PF, "i40e\n"),
			 0);
	assert_int_equal(fakehost_write(f->fh, "var/lib/srpass-sim/default-vf-driver/" PF,
					"iavf\n"), 0);
	assert_int_equal(fakehost_write(f->fh, "etc/machine-id",
					"0123456789abcdef0123456789abcdef\n"), 0);
	if (!o->no_config) {
		assert_int_equal(fakehost_write(f->fh, "etc/srpass/srpass.conf", conf), 0);
		snprintf(path, sizeof(path), "%s/etc/srpass/srpass.conf", fakehost_root(f->fh));
		assert_int_equal(chmod(path, 0644), 0);
	}
	if (srp_sim_host_open(fakehost_root(f->fh), &f->host, &err) < 0)
		fail_msg("host: %s", err.msg);
	if (o->no_config)
		f->cfg = srp_config_new_default();
	else if (srp_config_load(&f->host->sys, "/etc/srpass/srpass.conf", &f->cfg, &err) < 0)
		fail_msg("config: %s", err.msg);
	assert_non_null(f->cfg);
	return f;
}

static struct fx *fx_healthy(void)
{
	const struct opts o = { 0 };

	return fx_new(&o);
}

static void fx_free(struct fx *f)
{
	srp_config_free(f->cfg);
	srp_host_close(f->host);
	fakehost_free(f->fh);
	free(f);
}

/* ---- changing the host ---- */

static void assign(struct fx *f, const char *vf, const char *tenant, unsigned int vlan)
{
	struct srp_assign_req req = { .tenant = tenant, .domain = "vm1", .backend = "kvm",
				      .vlan = vlan };
	struct srp_err err = { 0 };

	assert_int_equal(srp_bdf_parse(vf, &req.vf), 0);
	if (srp_assign(f->host, f->cfg, &req, NULL, &err) < 0)
		fail_msg("assign %s to %s: %s", vf, tenant, err.msg);
}

/* Bind vf to driver as an admin would, through the simulated kernel. */
static void rebind(struct fx *f, const char *vf, const char *driver)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", vf);
	assert_int_equal(srp_sys_write_str(&f->host->sys, path, driver), 0);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", vf);
	assert_int_equal(srp_sys_write_str(&f->host->sys, path, vf), 0);
	assert_int_equal(srp_sys_write_str(&f->host->sys, "/sys/bus/pci/drivers_probe", vf), 0);
}

/*
 * Write a ledger entry by hand, as if srpass had assigned vf (VF index
 * of PF) to tenant; stub binds it to vfio-pci first, so that only what
 * the test means to plant is wrong.
 */
static void plant(struct fx *f, const char *vf, int index, const char *tenant, bool stub)
{
	struct srp_assignment a = { .vf_index = index };
	char orig[] = "iavf";
	struct srp_ledger *l = NULL;
	struct srp_err err = { 0 };

	if (stub)
		rebind(f, vf, "vfio-pci");
	assert_int_equal(srp_bdf_parse(vf, &a.vf), 0);
	assert_int_equal(srp_bdf_parse(PF, &a.pf), 0);
	snprintf(a.tenant, sizeof(a.tenant), "%s", tenant);
	snprintf(a.domain, sizeof(a.domain), "vm-%s", tenant);
	snprintf(a.backend, sizeof(a.backend), "kvm");
	a.orig_driver = orig;
	if (srp_ledger_open(f->host, &l, &err) < 0)
		fail_msg("ledger: %s", err.msg);
	assert_int_equal(srp_ledger_add(l, &a), 0);
	if (srp_ledger_commit(f->host, l, &err) < 0)
		fail_msg("ledger commit: %s", err.msg);
	srp_ledger_close(l);
}

/* Change VF index of the PF on the simulated switch: "trust on", ... */
static void sw_set(struct fx *f, unsigned int index, const char *words)
{
	struct srp_switch *sw = NULL;
	struct srp_vf_change c;
	struct srp_err err = { 0 };
	char buf[128], *argv[16], *save = NULL;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", words);
	for (char *w = strtok_r(buf, " ", &save); w && argc < 16; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	if (srp_vf_change_parse(argc, argv, &c, &err) < 0)
		fail_msg("'%s': %s", words, err.msg);
	assert_int_equal(srp_host_switch_open(f->host, &sw, &err), 0);
	if (srp_switch_set_vf(sw, PFNET, "i40e", index, &c, &err) < 0)
		fail_msg("vf %u %s: %s", index, words, err.msg);
	srp_switch_close(sw);
}

/* The MAC the switch has for VF index, formatted. */
static void sw_mac(struct fx *f, unsigned int index, char mac[SRP_VF_MACSTRLEN])
{
	struct srp_switch *sw = NULL;
	struct srp_vf_table t = { 0 };
	struct srp_err err = { 0 };

	assert_int_equal(srp_host_switch_open(f->host, &sw, &err), 0);
	if (srp_switch_get_vfs(sw, PFNET, &t, &err) < 0)
		fail_msg("switch: %s", err.msg);
	assert_true(index < t.n);
	srp_vf_mac_format(t.vfs[index].mac, mac);
	srp_vf_table_free(&t);
	srp_switch_close(sw);
}

/* ---- running the audit ---- */

/* Audit f's host; with_switch 0 audits without a switch (sw NULL). */
static void audit_sw(struct fx *f, bool with_switch, struct srp_findings *ret)
{
	struct srp_inventory *inv = NULL;
	struct srp_ledger *l = NULL;
	struct srp_switch *sw = NULL;
	struct srp_err err = { 0 };

	memset(ret, 0, sizeof(*ret));
	if (srp_inventory_scan(f->host, &inv, &err) < 0)
		fail_msg("inventory: %s", err.msg);
	if (srp_ledger_peek(f->host, &l, &err) < 0)
		fail_msg("ledger: %s", err.msg);
	if (with_switch)
		assert_int_equal(srp_host_switch_open(f->host, &sw, &err), 0);
	if (srp_audit(f->host, f->cfg, inv, l, sw, ret, &err) < 0)
		fail_msg("audit: %s", err.msg);
	srp_switch_close(sw);
	srp_ledger_close(l);
	srp_inventory_free(inv);
}

static void audit(struct fx *f, struct srp_findings *ret)
{
	audit_sw(f, true, ret);
}

static void dump(const struct srp_findings *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		const struct srp_finding *it = &fs->items[i];

		print_message("  %s %s %s %s [%s]: %s | %s | %s\n", it->id,
			      srp_severity_name(it->severity), it->subject_kind, it->subject,
			      it->tenant, it->message, it->evidence, it->remedy);
	}
}

/* The finding id about subject (any subject if NULL), or NULL. */
static const struct srp_finding *find(const struct srp_findings *fs, const char *id,
				      const char *subject)
{
	for (size_t i = 0; i < fs->n; i++)
		if (strcmp(fs->items[i].id, id) == 0 &&
		    (subject == NULL || strcmp(fs->items[i].subject, subject) == 0))
			return &fs->items[i];
	return NULL;
}

static size_t count(const struct srp_findings *fs, const char *id)
{
	size_t n = 0;

	for (size_t i = 0; i < fs->n; i++)
		n += strcmp(fs->items[i].id, id) == 0;
	return n;
}

/*
 * Finding id about subject must be there: severity sev, subject kind,
 * tenant ("" for none), a message containing msg_has (if not NULL), and
 * non-empty evidence and remedy.
 */
static const struct srp_finding *expect(const struct srp_findings *fs, const char *id,
					const char *subject, enum srp_severity sev,
					const char *kind, const char *tenant, const char *msg_has)
{
	const struct srp_finding *it = find(fs, id, subject);

	if (it == NULL) {
		dump(fs);
		fail_msg("no %s about %s", id, subject);
	}
	if (it->severity != sev || strcmp(it->subject_kind, kind) != 0 ||
	    strcmp(it->tenant, tenant) != 0) {
		dump(fs);
		fail_msg("%s %s: %s/%s/'%s', expected %s/%s/'%s'", id, subject,
			 srp_severity_name(it->severity), it->subject_kind, it->tenant,
			 srp_severity_name(sev), kind, tenant);
	}
	if (msg_has && strstr(it->message, msg_has) == NULL)
		fail_msg("%s %s: message '%s' lacks '%s'", id, subject, it->message, msg_has);
	assert_int_not_equal(it->evidence[0], '\0');
	assert_int_not_equal(it->remedy[0], '\0');
	return it;
}

static void expect_none(const struct srp_findings *fs, const char *id)
{
	if (count(fs, id) != 0) {
		dump(fs);
		fail_msg("unexpected %s", id);
	}
}

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

/* ---- SRP-SWITCH-* ---- */

static void test_switch_001(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	/* edge alone on the PF: VEB is fine */
	plant(f, VF0, 0, "edge", true);
	audit(f, &fs);
	expect_none(&fs, "SRP-SWITCH-001");
	srp_findings_free(&fs);
	/* shared with blue while the switch is VEB */
	plant(f, VF1, 1, "blue", true);
	audit(f, &fs);
	expect(&fs, "SRP-SWITCH-001", PF, SRP_SEV_CRITICAL, "pf", "edge,blue", "veb");
	srp_findings_free(&fs);
	fx_free(f);

	/* the same on a PF in VEPA mode */
	f = fx_healthy();
	assert_int_equal(fakehost_write(f->fh, "var/lib/srpass-sim/switch/" PFNET ".json",
					"{ \"version\": 1, \"hwmode\": \"vepa\" }\n"), 0);
	plant(f, VF0, 0, "edge", true);
	plant(f, VF1, 1, "blue", true);
	audit(f, &fs);
	expect_none(&fs, "SRP-SWITCH-001");
	srp_findings_free(&fs);
	fx_free(f);
}

/* A third tenant on the PF must not hide the VEPA tenant. */
static void test_switch_001_three_tenants(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	plant(f, VF0, 0, "blue", true);
	plant(f, VF1, 1, "edge", true);
	plant(f, VF2, 2, "red", true);
	audit(f, &fs);
	expect(&fs, "SRP-SWITCH-001", PF, SRP_SEV_CRITICAL, "pf", "edge,blue", "veb");
	srp_findings_free(&fs);
	fx_free(f);
}

static void test_switch_002(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	audit(f, &fs);
	expect_none(&fs, "SRP-SWITCH-002");
	srp_findings_free(&fs);
	assert_int_equal(fakehost_write(f->fh, "var/lib/srpass-sim/switch/" PFNET ".json",
					"not json\n"), 0);
	audit(f, &fs);
	expect(&fs, "SRP-SWITCH-002", PF, SRP_SEV_WARNING, "pf", "", PFNET);
	srp_findings_free(&fs);
	fx_free(f);
}

/* ---- SRP-PF-001 ---- */

static void test_pf_001(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	/* solo alone, twice */
	plant(f, VF0, 0, "solo", true);
	plant(f, VF1, 1, "solo", true);
	audit(f, &fs);
	expect_none(&fs, "SRP-PF-001");
	srp_findings_free(&fs);
	fx_free(f);

	f = fx_healthy();
	plant(f, VF0, 0, "solo", true);
	plant(f, VF1, 1, "blue", true);
	audit(f, &fs);
	expect(&fs, "SRP-PF-001", PF, SRP_SEV_CRITICAL, "pf", "solo,blue", "PFs of its own");
	srp_findings_free(&fs);
	/* a ledger fact: found without the switch too */
	audit_sw(f, false, &fs);
	expect(&fs, "SRP-PF-001", PF, SRP_SEV_CRITICAL, "pf", "solo,blue", "PFs of its own");
	srp_findings_free(&fs);
	fx_free(f);
}

/* The dedicated tenant is neither the first nor the last on the PF. */
static void test_pf_001_three_tenants(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	plant(f, VF0, 0, "blue", true);
	plant(f, VF1, 1, "solo", true);
	plant(f, VF2, 2, "red", true);
	audit(f, &fs);
	expect(&fs, "SRP-PF-001", PF, SRP_SEV_CRITICAL, "pf", "solo,blue", "PFs of its own");
	srp_findings_free(&fs);
	fx_free(f);
}

/* ---- SRP-TENANT-001 ---- */

static void test_tenant_001(void **state)
{
	const struct opts nocfg = { .no_config = true };
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	plant(f, VF0, 0, "ghost", true);
	plant(f, VF1, 1, "blue", true);
	audit(f, &fs);
	expect(&fs, "SRP-TENANT-001", VF0, SRP_SEV_WARNING, "vf", "ghost", "'ghost'");
	assert_null(find(&fs, "SRP-TENANT-001", VF1));
	srp_findings_free(&fs);
	fx_free(f);

	/* without a configuration there are no tenants to compare with */
	f = fx_new(&nocfg);
	plant(f, VF0, 0, "ghost", true);
	audit(f, &fs);
	expect_none(&fs, "SRP-TENANT-001");
	srp_findings_free(&fs);
	fx_free(f);
}

/* ---- SRP-LEDGER-* ---- */

static void test_ledger_001(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	assign(f, VF0, "blue", 100);
	audit(f, &fs);
	expect_none(&fs, "SRP-LEDGER-001");
	srp_findings_free(&fs);
	rebind(f, VF1, "vfio-pci");
	audit(f, &fs);
	expect(&fs, "SRP-LEDGER-001", VF1, SRP_SEV_WARNING, "vf", "", "orphan");
	assert_null(find(&fs, "SRP-LEDGER-001", VF0));
	srp_findings_free(&fs);
	fx_free(f);
}

/* The VF of an interrupted assign is the ledger's (pending), not an orphan. */
static void test_ledger_003_not_orphan(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;
	struct srp_ledger *l = NULL;
	struct srp_err err = { 0 };

	(void)state;
	audit(f, &fs);
	expect_none(&fs, "SRP-LEDGER-003");
	srp_findings_free(&fs);

	rebind(f, VF1, "vfio-pci");
	if (srp_ledger_open(f->host, &l, &err) < 0)
		fail_msg("ledger: %s", err.msg);
	l->pending.op = SRP_OP_ASSIGN;
	assert_int_equal(srp_bdf_parse(VF1, &l->pending.a.vf), 0);
	assert_int_equal(srp_bdf_parse(PF, &l->pending.a.pf), 0);
	l->pending.a.vf_index = 1;
	snprintf(l->pending.a.tenant, sizeof(l->pending.a.tenant), "blue");
	snprintf(l->pending.a.domain, sizeof(l->pending.a.domain), "vm1");
	snprintf(l->pending.a.backend, sizeof(l->pending.a.backend), "kvm");
	if (srp_ledger_commit(f->host, l, &err) < 0)
		fail_msg("commit: %s", err.msg);
	srp_ledger_close(l);

	audit(f, &fs);
	expect(&fs, "SRP-LEDGER-003", "host", SRP_SEV_WARNING, "host", "", "interrupted");
	assert_non_null(strstr(find(&fs, "SRP-LEDGER-003", "host")->remedy, "srpass recover"));
	expect_none(&fs, "SRP-LEDGER-001");
	srp_findings_free(&fs);
	fx_free(f);
}

static void test_ledger_002(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	assign(f, VF0, "blue", 100);
	audit(f, &fs);
	expect_none(&fs, "SRP-LEDGER-002");
	srp_findings_free(&fs);

	/* a VF that is gone (VF 7 of 4), one recorded at the wrong index
	 * (VFs recreated with another layout), one on a host driver */
	plant(f, VF7, 7, "red", false);
	plant(f, VF1, 2, "red", true);
	plant(f, VF2, 2, "red", false);
	audit(f, &fs);
	expect(&fs, "SRP-LEDGER-002", VF7, SRP_SEV_CRITICAL, "vf", "red", "no such VF");
	expect(&fs, "SRP-LEDGER-002", VF1, SRP_SEV_CRITICAL, "vf", "red", "no such VF");
	expect(&fs, "SRP-LEDGER-002", VF2, SRP_SEV_CRITICAL, "vf", "red", "bound to iavf");
	assert_null(find(&fs, "SRP-LEDGER-002", VF0));
	srp_findings_free(&fs);
	fx_free(f);
}

/* A ledger written by hand, as a file: drift and an unknown tenant. */
static void test_ledger_file_by_hand(void **state)
{
	static const char ledger[] =
		"{ \"version\": 1, \"assignments\": [\n"
		"  { \"vf\": \"" VF7 "\", \"pf\": \"" PF "\", \"vf_index\": 7, \"tenant\": \"blue\",\n"
		"    \"domain\": \"vm1\", \"backend\": \"kvm\", \"orig_driver\": \"iavf\",\n"
		"    \"orig_driver_override\": null, \"orig_switch\": null, \"applied\": null } ] }\n";
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	assert_int_equal(fakehost_write(f->fh, "var/lib/srpass/ledger.json", ledger), 0);
	audit(f, &fs);
	expect(&fs, "SRP-LEDGER-002", VF7, SRP_SEV_CRITICAL, "vf", "blue", "VF 7");
	srp_findings_free(&fs);
	fx_free(f);
}

/* ---- the list as a whole ---- */

static int sev_rank(const struct srp_finding *it)
{
	return (int)it->severity;
}

/* Many findings at once: most severe first, then by id and subject. */
static void test_sorted_most_severe_first(void **state)
{
	const struct opts o = { .acs = FAKEHOST_ACS_OFF };
	struct fx *f = fx_new(&o);
	struct srp_findings fs;
	size_t crit = 0, warn = 0;

	(void)state;
	rebind(f, VF2, "vfio-pci");			/* LEDGER-001, warning */
	plant(f, VF0, 0, "ghost", true);		/* TENANT-001, warning */
	plant(f, VF7, 7, "blue", false);		/* LEDGER-002, critical */
	assert_int_equal(fakehost_write(f->fh, "sys/module/vfio_iommu_type1/parameters/"
					"allow_unsafe_interrupts", "Y\n"), 0);	/* IOMMU-002 */
	sw_set(f, 0, "trust on");			/* VF-002, critical */
	audit(f, &fs);
	for (size_t i = 0; i < fs.n; i++) {
		crit += fs.items[i].severity == SRP_SEV_CRITICAL;
		warn += fs.items[i].severity == SRP_SEV_WARNING;
		if (i == 0)
			continue;
		if (sev_rank(&fs.items[i - 1]) < sev_rank(&fs.items[i]) ||
		    (sev_rank(&fs.items[i - 1]) == sev_rank(&fs.items[i]) &&
		     strcmp(fs.items[i - 1].id, fs.items[i].id) > 0)) {
			dump(&fs);
			fail_msg("finding %zu is out of order", i);
		}
	}
	assert_true(crit >= 4);		/* IOMMU-002, ACS-001 (assigned), VF-002, LEDGER-002 */
	assert_true(warn >= 2);		/* LEDGER-001, TENANT-001 */
	assert_int_equal(fs.items[0].severity, SRP_SEV_CRITICAL);
	assert_int_equal(fs.items[fs.n - 1].severity, SRP_SEV_WARNING);
	srp_findings_free(&fs);
	fx_free(f);
}

/* ---- through the CLI: exit status, JSON, --tenant ---- */

/* build/srpass, next to this test's directory (build/tests/). */
static void srpass_path(char *buf, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	assert_true(n > 0);
	self[n] = '\0';
	slash = strrchr(self, '/');
	assert_non_null(slash);
	*slash = '\0';
	if ((size_t)snprintf(buf, len, "%s/../srpass-sim", self) >= len)
		fail_msg("path too long");
	if (access(buf, X_OK) != 0)
		fail_msg("%s is not built (make BUILD=... its srpass first)", buf);
}

/* srpass --root ROOT ARGS: returns the exit status; stdout parsed as
 * JSON into *ret_json (NULL if it is not JSON). */
static int srpass(struct fx *f, const char *args, struct json_object **ret_json)
{
	char exe[PATH_MAX], cmd[3 * PATH_MAX];
	size_t cap = 1 << 16, len = 0, n;
	char *out = malloc(cap);
	FILE *p;
	int status;

	assert_non_null(out);
	srpass_path(exe, sizeof(exe));
	snprintf(cmd, sizeof(cmd), "'%s' --root '%s' %s 2>/dev/null", exe, fakehost_root(f->fh),
		 args);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
		len += n;
		if (len + 1 == cap) {
			cap *= 2;
			out = realloc(out, cap);
			assert_non_null(out);
		}
	}
	out[len] = '\0';
	status = pclose(p);
	assert_true(WIFEXITED(status));
	*ret_json = json_tokener_parse(out);
	free(out);
	return WEXITSTATUS(status);
}

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return NULL;
	return json_object_get_string(v);
}

/* Does audit --json output hold finding id about subject? */
static bool jhas(struct json_object *doc, const char *id, const char *subject)
{
	struct json_object *arr;

	assert_true(json_object_object_get_ex(doc, "findings", &arr));
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *it = json_object_array_get_idx(arr, i);

		if (strcmp(jstr(it, "id"), id) == 0 && strcmp(jstr(it, "subject"), subject) == 0)
			return true;
	}
	return false;
}

static size_t jcount(struct json_object *doc)
{
	struct json_object *arr;

	assert_true(json_object_object_get_ex(doc, "findings", &arr));
	return json_object_array_length(arr);
}

/* 0 clean, 1 warnings, 2 critical, 3 could not run (usage too). */
static void test_cli_exit_status(void **state)
{
	struct fx *f = fx_healthy();
	struct json_object *doc;

	(void)state;
	assign(f, VF0, "blue", 100);
	assert_int_equal(srpass(f, "audit --json", &doc), 0);
	assert_non_null(doc);
	assert_string_equal(jstr(doc, "worst"), "clean");
	assert_int_equal(jcount(doc), 0);
	json_object_put(doc);
	assert_int_equal(srpass(f, "audit", &doc), 0);
	json_object_put(doc);

	rebind(f, VF1, "vfio-pci");			/* an orphan: a warning */
	assert_int_equal(srpass(f, "audit --json", &doc), 1);
	assert_string_equal(jstr(doc, "worst"), "warning");
	assert_true(jhas(doc, "SRP-LEDGER-001", VF1));
	json_object_put(doc);

	sw_set(f, 0, "trust on");			/* critical */
	assert_int_equal(srpass(f, "audit --json", &doc), 2);
	assert_string_equal(jstr(doc, "worst"), "critical");
	json_object_put(doc);
	assert_int_equal(srpass(f, "audit", &doc), 2);
	json_object_put(doc);

	/* could not run: a usage error must not read as "critical" */
	assert_int_equal(srpass(f, "audit --bogus", &doc), 3);
	json_object_put(doc);
	assert_int_equal(srpass(f, "audit extra", &doc), 3);
	json_object_put(doc);
	/* nor a ledger that cannot be read */
	assert_int_equal(fakehost_write(f->fh, "var/lib/srpass/ledger.json", "{ broken"), 0);
	assert_int_equal(srpass(f, "audit --json", &doc), 3);
	json_object_put(doc);
	/* nor a configuration that cannot be read */
	assert_int_equal(fakehost_write(f->fh, "etc/srpass/srpass.conf", "[nonsense\n"), 0);
	assert_int_equal(srpass(f, "audit --json", &doc), 3);
	json_object_put(doc);
	fx_free(f);
}

/* --tenant T keeps T's findings and the host's, drops the others'. */
static void test_cli_tenant_filter(void **state)
{
	struct fx *f = fx_healthy();
	struct json_object *doc;
	struct srp_ledger *l = NULL;
	struct srp_err err = { 0 };

	(void)state;
	assign(f, VF0, "blue", 100);
	assign(f, VF1, "red", 200);
	sw_set(f, 0, "trust on");		/* VF-002 blue */
	sw_set(f, 1, "vlan 100");		/* VLAN-002 red, VLAN-003 blue,red */
	rebind(f, VF2, "vfio-pci");		/* LEDGER-001, nobody's */
	/* a pending operation: LEDGER-003, the host's */
	if (srp_ledger_open(f->host, &l, &err) < 0)
		fail_msg("ledger: %s", err.msg);
	l->pending.op = SRP_OP_NUMVFS;
	assert_int_equal(srp_bdf_parse(PF, &l->pending.pf), 0);
	l->pending.old_numvfs = 4;
	l->pending.old_autoprobe = -1;
	if (srp_ledger_commit(f->host, l, &err) < 0)
		fail_msg("commit: %s", err.msg);
	srp_ledger_close(l);

	assert_int_equal(srpass(f, "audit --json", &doc), 2);
	assert_true(jhas(doc, "SRP-VF-002", VF0));
	assert_true(jhas(doc, "SRP-VLAN-002", VF1));
	assert_true(jhas(doc, "SRP-VLAN-003", PF));
	assert_true(jhas(doc, "SRP-LEDGER-001", VF2));
	assert_true(jhas(doc, "SRP-LEDGER-003", "host"));
	json_object_put(doc);

	assert_int_equal(srpass(f, "audit --json --tenant blue", &doc), 2);
	assert_true(jhas(doc, "SRP-VF-002", VF0));
	assert_true(jhas(doc, "SRP-VLAN-003", PF));		/* "blue,red" */
	assert_true(jhas(doc, "SRP-LEDGER-003", "host"));	/* host-wide */
	assert_false(jhas(doc, "SRP-VLAN-002", VF1));		/* red's */
	assert_false(jhas(doc, "SRP-LEDGER-001", VF2));	/* nobody's */
	json_object_put(doc);

	assert_int_equal(srpass(f, "audit --json --tenant red", &doc), 2);
	assert_false(jhas(doc, "SRP-VF-002", VF0));
	assert_true(jhas(doc, "SRP-VLAN-002", VF1));
	assert_true(jhas(doc, "SRP-VLAN-003", PF));
	json_object_put(doc);

	/* a name that is a prefix of another tenant's matches nothing of it;
	 * only the host's warning is left, and the exit follows it */
	assert_int_equal(srpass(f, "audit --json --tenant re", &doc), 1);
	assert_int_equal(jcount(doc), 1);
	assert_true(jhas(doc, "SRP-LEDGER-003", "host"));
	assert_string_equal(jstr(doc, "worst"), "warning");
	json_object_put(doc);
	assert_int_equal(srpass(f, "audit --json --tenant lab", &doc), 1);
	assert_int_equal(jcount(doc), 1);
	json_object_put(doc);
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
		cmocka_unit_test(test_switch_001),
		cmocka_unit_test(test_switch_001_three_tenants),
		cmocka_unit_test(test_switch_002),
		cmocka_unit_test(test_pf_001),
		cmocka_unit_test(test_pf_001_three_tenants),
		cmocka_unit_test(test_tenant_001),
		cmocka_unit_test(test_ledger_001),
		cmocka_unit_test(test_ledger_002),
		cmocka_unit_test(test_ledger_003_not_orphan),
		cmocka_unit_test(test_ledger_file_by_hand),
		cmocka_unit_test(test_sorted_most_severe_first),
		cmocka_unit_test(test_cli_exit_status),
		cmocka_unit_test(test_cli_tenant_filter),
	};

	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
