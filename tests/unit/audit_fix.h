/* SPDX-License-Identifier: MIT */
/* srpass tests -- the audit fixture: a fake host, a config, assignments, running the audit */
#ifndef SRP_TEST_TEST_AUDIT_FIX_H
#define SRP_TEST_TEST_AUDIT_FIX_H
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

static inline struct fx *fx_new(const struct opts *o)
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

static inline struct fx *fx_healthy(void)
{
	const struct opts o = { 0 };

	return fx_new(&o);
}

static inline void fx_free(struct fx *f)
{
	srp_config_free(f->cfg);
	srp_host_close(f->host);
	fakehost_free(f->fh);
	free(f);
}

/* ---- changing the host ---- */

static inline void assign(struct fx *f, const char *vf, const char *tenant, unsigned int vlan)
{
	struct srp_assign_req req = { .tenant = tenant, .domain = "vm1", .backend = "kvm",
				      .vlan = vlan };
	struct srp_err err = { 0 };

	assert_int_equal(srp_bdf_parse(vf, &req.vf), 0);
	if (srp_assign(f->host, f->cfg, &req, NULL, &err) < 0)
		fail_msg("assign %s to %s: %s", vf, tenant, err.msg);
}

/* Bind vf to driver as an admin would, through the simulated kernel. */
static inline void rebind(struct fx *f, const char *vf, const char *driver)
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
static inline void plant(struct fx *f, const char *vf, int index, const char *tenant, bool stub)
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
static inline void sw_set(struct fx *f, unsigned int index, const char *words)
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
static inline void sw_mac(struct fx *f, unsigned int index, char mac[SRP_VF_MACSTRLEN])
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
static inline void audit_sw(struct fx *f, bool with_switch, struct srp_findings *ret)
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

static inline void audit(struct fx *f, struct srp_findings *ret)
{
	audit_sw(f, true, ret);
}

static inline void dump(const struct srp_findings *fs)
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

static inline size_t count(const struct srp_findings *fs, const char *id)
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

static inline void expect_none(const struct srp_findings *fs, const char *id)
{
	if (count(fs, id) != 0) {
		dump(fs);
		fail_msg("unexpected %s", id);
	}
}

#endif
