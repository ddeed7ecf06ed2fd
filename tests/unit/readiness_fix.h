/* SPDX-License-Identifier: MIT */
/* srpass tests -- the readiness fixture: fake hosts and looking up check items */
#ifndef SRP_TEST_TEST_READINESS_FIX_H
#define SRP_TEST_TEST_READINESS_FIX_H
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

static inline struct fakehost *build(const struct spec *s)
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
static inline void run(struct fakehost *fh, struct srp_checks *ret)
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

static inline void dump(const struct srp_checks *c)
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

static inline size_t count(const struct srp_checks *c, const char *id)
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

#endif
