/* SPDX-License-Identifier: MIT */
/* srpass tests -- `srpass check`: every SRP-CHK-* item passing and failing on fake hosts */
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
#include <sys/wait.h>
#include <unistd.h>

#include "core/host.h"
#include "sim/platform.h"
#include "lib/fakehost.h"
#include "core/readiness.h"
#include "srpass/err.h"
#include "srpass/inventory.h"

#define RP	"0000:00:01.0"		/* root port, buses 01..03 or 03 */
#define USP	"0000:01:00.0"		/* switch upstream port, buses 02..03 */
#define DSP	"0000:02:00.0"		/* switch downstream port, bus 03 */
#define PF	"0000:03:00.0"
#define ROOTPF	"0000:00:04.0"		/* a PF on the root bus: no port above */

/* What a test host is made of; zero is a plain KVM host with an IOMMU,
 * interrupt remapping and vfio-pci, and nothing on its PCI buses. */
struct spec {
	bool no_iommu;
	bool no_vfio;
	struct fakehost_iommu iommu;
	enum fakehost_acs rp_acs;	/* root port RP; FAKEHOST_ACS_NONE is no ACS */
	bool rp_ari;
	bool has_switch;		/* USP + DSP between RP and the PF */
	enum fakehost_acs dsp_acs;
	bool dsp_ari;
	bool has_pf;			/* PF below RP (or DSP) */
	struct fakehost_sriov sriov;	/* zero: 8 VFs, 4 on, offset 16 (VFs at 03:02.x) */
	enum fakehost_group pf_group;
};

static struct fakehost *build(const struct spec *s)
{
	struct fakehost *fh = fakehost_new(NULL);
	struct fakehost_func rp = {
		.addr = RP, .vendor = 0x8086, .device = 0x2030, .port_type = FAKEHOST_ROOT_PORT,
		.secondary = s->has_switch ? 1 : 3, .subordinate = 3, .acs = s->rp_acs,
		.ari_fwd = s->rp_ari,
	};
	struct fakehost_func usp = {
		.addr = USP, .vendor = 0x10b5, .device = 0x8747,
		.port_type = FAKEHOST_UPSTREAM_PORT, .secondary = 2, .subordinate = 3,
		.acs = FAKEHOST_ACS_NONE,
	};
	struct fakehost_func dsp = {
		.addr = DSP, .vendor = 0x10b5, .device = 0x8747,
		.port_type = FAKEHOST_DOWNSTREAM_PORT, .secondary = 3, .subordinate = 3,
		.acs = s->dsp_acs, .ari_fwd = s->dsp_ari,
	};
	struct fakehost_func pf = {
		.addr = PF, .vendor = 0x8086, .device = 0x1572, .class = 0x020000,
		.driver = "i40e", .netdevs = "enp3s0f0", .group_mode = s->pf_group,
	};
	struct fakehost_sriov sriov = s->sriov;

	assert_non_null(fh);
	if (!s->no_iommu)
		assert_int_equal(fakehost_add_iommu(fh, &s->iommu), 0);
	if (!s->no_vfio)
		assert_int_equal(fakehost_add_vfio(fh), 0);
	assert_int_equal(fakehost_add_hostbridge(fh, 0, 0, 0), 0);
	assert_int_equal(fakehost_add_port(fh, &rp), 0);
	if (s->has_switch) {
		assert_int_equal(fakehost_add_port(fh, &usp), 0);
		assert_int_equal(fakehost_add_port(fh, &dsp), 0);
	}
	if (s->has_pf) {
		if (sriov.totalvfs == 0) {
			sriov.totalvfs = 8;
			sriov.numvfs = 4;
			sriov.offset = 16;
			sriov.stride = 1;
		}
		sriov.vf_device = 0x154c;
		sriov.vf_driver = "iavf";
		assert_int_equal(fakehost_add_pf(fh, &pf, &sriov), 0);
	}
	return fh;
}

/* Run every check on fh's tree. */
static void run(struct fakehost *fh, struct srp_checks *ret)
{
	struct srp_inventory *inv = NULL;
	struct srp_host *host = NULL;
	struct srp_err err = { 0 };

	memset(ret, 0, sizeof(*ret));
	if (srp_sim_host_open(fakehost_root(fh), &host, &err) < 0)
		fail_msg("host: %s", err.msg);
	if (srp_inventory_scan(host, &inv, &err) < 0)
		fail_msg("inventory: %s", err.msg);
	if (srp_readiness(host, inv, ret, &err) < 0)
		fail_msg("readiness: %s", err.msg);
	srp_inventory_free(inv);
	srp_host_close(host);
}

static void dump(const struct srp_checks *c)
{
	for (size_t i = 0; i < c->n; i++)
		print_message("  %s %s %s: %s [%s] {%s}\n", srp_status_name(c->items[i].status),
			      c->items[i].id, c->items[i].subject, c->items[i].message,
			      c->items[i].evidence, c->items[i].remedy);
}

/* The item id about subject, or NULL. */
static const struct srp_check *item(const struct srp_checks *c, const char *id,
				    const char *subject)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->items[i].id, id) == 0 && strcmp(c->items[i].subject, subject) == 0)
			return &c->items[i];
	return NULL;
}

static size_t count(const struct srp_checks *c, const char *id)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n; i++)
		n += strcmp(c->items[i].id, id) == 0;
	return n;
}

/*
 * The item id about subject must exist with status st, a message naming
 * msg_has, evidence naming ev_has, and a remedy exactly when it does
 * not pass.
 */
static const struct srp_check *expect(const struct srp_checks *c, const char *id,
				      const char *subject, enum srp_status st, const char *msg_has,
				      const char *ev_has)
{
	const struct srp_check *it = item(c, id, subject);

	if (it == NULL) {
		dump(c);
		fail_msg("no %s item about %s", id, subject);
	}
	if (it->status != st) {
		dump(c);
		fail_msg("%s %s: %s, expected %s", id, subject, srp_status_name(it->status),
			 srp_status_name(st));
	}
	if (msg_has && strstr(it->message, msg_has) == NULL)
		fail_msg("%s %s: message '%s' lacks '%s'", id, subject, it->message, msg_has);
	if (ev_has && strstr(it->evidence, ev_has) == NULL)
		fail_msg("%s %s: evidence '%s' lacks '%s'", id, subject, it->evidence, ev_has);
	assert_int_not_equal(it->evidence[0], '\0');
	if (st == SRP_PASS && it->remedy[0] != '\0')
		fail_msg("%s %s passes but has a remedy '%s'", id, subject, it->remedy);
	if (st != SRP_PASS && it->remedy[0] == '\0')
		fail_msg("%s %s does not pass but has no remedy", id, subject);
	return it;
}

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

/* ---- SRP-CHK-SRIOV ---- */

static void test_sriov_pf_passes(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON, .has_pf = true };
	struct fakehost *fh = build(&s);
	struct srp_checks c;

	(void)state;
	run(fh, &c);
	expect(&c, "SRP-CHK-SRIOV", PF, SRP_PASS, "4 of 8 VFs",
	       "/sys/bus/pci/devices/" PF "/sriov_totalvfs");
	assert_null(item(&c, "SRP-CHK-SRIOV", "host"));
	srp_checks_free(&c);
	fakehost_free(fh);
}

/* A PF whose driver offers no VFs (sriov_totalvfs 0). */
static void test_sriov_pf_without_vfs_warns(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON, .has_pf = true,
			  .sriov = { .totalvfs = 4, .numvfs = 0, .offset = 16, .stride = 1 } };
	struct fakehost *fh = build(&s);
	struct srp_checks c;

	(void)state;
	assert_int_equal(fakehost_write(fh, "sys/bus/pci/devices/" PF "/sriov_totalvfs", "0\n"),
			 0);
	run(fh, &c);
	expect(&c, "SRP-CHK-SRIOV", PF, SRP_WARN, "0 of 0",
	       "/sys/bus/pci/devices/" PF "/sriov_totalvfs");
	/* and no VFs, so no ARI question */
	assert_null(item(&c, "SRP-CHK-ARI", PF));
	srp_checks_free(&c);
	fakehost_free(fh);
}

static void test_sriov_host_without_pfs_warns(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON };
	struct fakehost *fh = build(&s);
	struct srp_checks c;

	(void)state;
	run(fh, &c);
	expect(&c, "SRP-CHK-SRIOV", "host", SRP_WARN, "no SR-IOV", "sriov_totalvfs");
	assert_int_equal(count(&c, "SRP-CHK-SRIOV"), 1);
	/* ACS and ARI are per PF: none here */
	assert_int_equal(count(&c, "SRP-CHK-ACS"), 0);
	assert_int_equal(count(&c, "SRP-CHK-ARI"), 0);
	srp_checks_free(&c);
	fakehost_free(fh);
}

/* ---- SRP-CHK-VFIO ---- */

static void test_vfio_loaded_passes(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON };
	struct fakehost *fh = build(&s);
	struct srp_checks c;

	(void)state;
	run(fh, &c);
	expect(&c, "SRP-CHK-VFIO", "host", SRP_PASS, "vfio-pci is loaded",
	       "/sys/bus/pci/drivers/vfio-pci");
	srp_checks_free(&c);
	fakehost_free(fh);
}

static void test_vfio_missing_warns(void **state)
{
	struct spec s = { .no_vfio = true, .rp_acs = FAKEHOST_ACS_ON };
	struct fakehost *fh = build(&s);
	struct srp_checks c;
	const struct srp_check *it;

	(void)state;
	run(fh, &c);
	it = expect(&c, "SRP-CHK-VFIO", "host", SRP_WARN, "vfio-pci is not loaded",
		    "/sys/bus/pci/drivers/vfio-pci");
	assert_non_null(strstr(it->remedy, "modprobe vfio-pci"));
	srp_checks_free(&c);
	fakehost_free(fh);
}

/* ---- SRP-CHK-PCIBACK ---- */

static void test_pciback_only_on_xen(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON };
	struct fakehost *fh = build(&s);
	struct srp_checks c;

	(void)state;
	run(fh, &c);
	assert_int_equal(count(&c, "SRP-CHK-PCIBACK"), 0);
	srp_checks_free(&c);
	fakehost_free(fh);
}

static void test_pciback_missing_on_dom0_fails(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON };
	struct fakehost *fh = build(&s);
	struct srp_checks c;
	const struct srp_check *it;

	(void)state;
	assert_int_equal(fakehost_write(fh, "proc/xen/capabilities", "control_d\n"), 0);
	run(fh, &c);
	it = expect(&c, "SRP-CHK-PCIBACK", "host", SRP_FAIL, "pciback is not loaded",
		    "/sys/bus/pci/drivers/pciback");
	assert_non_null(strstr(it->remedy, "xen-pciback"));
	srp_checks_free(&c);
	fakehost_free(fh);
}

static void test_pciback_loaded_on_dom0_passes(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON };
	struct fakehost *fh = build(&s);
	struct srp_checks c;

	(void)state;
	assert_int_equal(fakehost_write(fh, "proc/xen/capabilities", "control_d\n"), 0);
	assert_int_equal(fakehost_write(fh, "sys/bus/pci/drivers/pciback/bind", ""), 0);
	run(fh, &c);
	expect(&c, "SRP-CHK-PCIBACK", "host", SRP_PASS, "pciback is loaded",
	       "/sys/bus/pci/drivers/pciback");
	srp_checks_free(&c);
	fakehost_free(fh);
}

/* /proc/xen without xenfs mounted says nothing about the domain: the
 * check runs.  A domU's capabilities (no control_d) skip it. */
static void test_pciback_dom0_detection(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON };
	struct fakehost *fh = build(&s);
	struct srp_checks c;

	(void)state;
	assert_int_equal(fakehost_write(fh, "proc/xen/.keep", ""), 0);
	assert_int_equal(fakehost_remove(fh, "proc/xen/.keep"), 0);
	run(fh, &c);
	expect(&c, "SRP-CHK-PCIBACK", "host", SRP_FAIL, NULL, "pciback");
	srp_checks_free(&c);

	assert_int_equal(fakehost_write(fh, "proc/xen/capabilities", ""), 0);
	run(fh, &c);
	assert_int_equal(count(&c, "SRP-CHK-PCIBACK"), 0);
	srp_checks_free(&c);
	fakehost_free(fh);
}

/* ---- the whole list ---- */

/* One healthy host: every item passes, each id once per subject, in a
 * stable order (host items around the per-PF ones). */
static void test_healthy_host_all_pass(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON, .rp_ari = true, .has_pf = true };
	struct fakehost *fh = build(&s);
	static const char *const order[] = {
		"SRP-CHK-IOMMU", "SRP-CHK-INTREMAP", "SRP-CHK-SRIOV", "SRP-CHK-ACS",
		"SRP-CHK-ARI", "SRP-CHK-VFIO",
	};
	struct srp_checks c;

	(void)state;
	run(fh, &c);
	if (c.n != sizeof(order) / sizeof(order[0])) {
		dump(&c);
		fail_msg("%zu items, expected %zu", c.n, sizeof(order) / sizeof(order[0]));
	}
	for (size_t i = 0; i < c.n; i++) {
		assert_string_equal(c.items[i].id, order[i]);
		assert_int_equal(c.items[i].status, SRP_PASS);
	}
	srp_checks_free(&c);
	fakehost_free(fh);
}

/* ---- through the CLI: exit status and JSON ---- */

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

/* Run srpass --root ROOT ARGS; its stdout parsed as JSON into *ret_json
 * (NULL if it is not JSON); returns the exit status. */
static int srpass(const char *root, const char *args, struct json_object **ret_json)
{
	char exe[PATH_MAX], cmd[3 * PATH_MAX];
	size_t cap = 1 << 16, len = 0;
	char *out = malloc(cap);
	FILE *p;
	size_t n;
	int status;

	assert_non_null(out);
	srpass_path(exe, sizeof(exe));
	snprintf(cmd, sizeof(cmd), "'%s' --root '%s' %s 2>/dev/null", exe, root, args);
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

static const char *json_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* The status of item id/subject in check --json output, or NULL. */
static const char *json_status(struct json_object *doc, const char *id, const char *subject)
{
	struct json_object *arr;

	if (!json_object_object_get_ex(doc, "checks", &arr))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *it = json_object_array_get_idx(arr, i), *remedy;
		const char *st = json_str(it, "status");

		if (strcmp(json_str(it, "id"), id) != 0 || strcmp(json_str(it, "subject"), subject))
			continue;
		/* remedy: null exactly when the item passes */
		assert_true(json_object_object_get_ex(it, "remedy", &remedy));
		assert_int_equal(remedy == NULL, strcmp(st, "pass") == 0);
		return st;
	}
	return NULL;
}

static void test_cli_exit_status(void **state)
{
	struct spec s = { .rp_acs = FAKEHOST_ACS_ON, .rp_ari = true, .has_pf = true };
	struct fakehost *fh = build(&s);
	struct json_object *doc;

	(void)state;
	/* all pass: 0 */
	assert_int_equal(srpass(fakehost_root(fh), "check --json", &doc), 0);
	assert_non_null(doc);
	assert_string_equal(json_status(doc, "SRP-CHK-ARI", PF), "pass");
	json_object_put(doc);
	fakehost_free(fh);

	/* warnings only (no vfio-pci): still 0 */
	s.no_vfio = true;
	fh = build(&s);
	assert_int_equal(srpass(fakehost_root(fh), "check --json", &doc), 0);
	assert_string_equal(json_status(doc, "SRP-CHK-VFIO", "host"), "warn");
	json_object_put(doc);
	fakehost_free(fh);

	/* a failure: 1, in text and JSON */
	s.rp_acs = FAKEHOST_ACS_OFF;
	fh = build(&s);
	assert_int_equal(srpass(fakehost_root(fh), "check --json", &doc), 1);
	assert_string_equal(json_status(doc, "SRP-CHK-ACS", PF), "fail");
	json_object_put(doc);
	assert_int_equal(srpass(fakehost_root(fh), "check", &doc), 1);
	json_object_put(doc);
	/* bad usage: 2 */
	assert_int_equal(srpass(fakehost_root(fh), "check --bogus", &doc), 2);
	json_object_put(doc);
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
		cmocka_unit_test(test_sriov_pf_passes),
		cmocka_unit_test(test_sriov_pf_without_vfs_warns),
		cmocka_unit_test(test_sriov_host_without_pfs_warns),
		cmocka_unit_test(test_vfio_loaded_passes),
		cmocka_unit_test(test_vfio_missing_warns),
		cmocka_unit_test(test_pciback_only_on_xen),
		cmocka_unit_test(test_pciback_missing_on_dom0_fails),
		cmocka_unit_test(test_pciback_loaded_on_dom0_passes),
		cmocka_unit_test(test_pciback_dom0_detection),
		cmocka_unit_test(test_healthy_host_all_pass),
		cmocka_unit_test(test_cli_exit_status),
	};

	return cmocka_run_group_tests_name("readiness", tests, NULL, NULL);
}
