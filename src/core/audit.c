/* SPDX-License-Identifier: MIT */
/* srpass -- the isolation audit */
#include "core/audit.h"
#include "core/guest.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/backend.h"
#include "core/config.h"
#include "core/host.h"
#include "core/ledger.h"
#include "core/readiness.h"
#include "srpass/err.h"
#include "srpass/inventory.h"
#include "switch/vfswitch.h"

const char *srp_severity_name(enum srp_severity s)
{
	return s == SRP_SEV_CRITICAL ? "critical" : s == SRP_SEV_WARNING ? "warning" : "info";
}

void srp_findings_free(struct srp_findings *f)
{
	free(f->items);
	memset(f, 0, sizeof(*f));
}

static void fmt(char *buf, size_t len, const char *f, va_list ap)
{
	vsnprintf(buf, len, f, ap);
}

/* Add a finding; message first, then evidence and remedy as printf pairs
 * would be unwieldy, so they are set by the caller on the result. */
static struct srp_finding *add(struct srp_findings *f, const char *id, enum srp_severity sev,
			       const char *kind, const char *subject, const char *tenant,
			       const char *msg, ...) __attribute__((format(printf, 7, 8)));
static struct srp_finding *add(struct srp_findings *f, const char *id, enum srp_severity sev,
			       const char *kind, const char *subject, const char *tenant,
			       const char *msg, ...)
{
	static struct srp_finding sink;		/* absorbs writes after out-of-memory */
	struct srp_finding *it;
	va_list ap;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		struct srp_finding *grown = realloc(f->items, cap * sizeof(*grown));

		if (grown == NULL) {
			f->oom = 1;
			return &sink;
		}
		f->items = grown;
		f->cap = cap;
	}
	it = &f->items[f->n++];
	memset(it, 0, sizeof(*it));
	it->id = id;
	it->severity = sev;
	it->subject_kind = kind;
	snprintf(it->subject, sizeof(it->subject), "%s", subject);
	snprintf(it->tenant, sizeof(it->tenant), "%s", tenant ? tenant : "");
	va_start(ap, msg);
	fmt(it->message, sizeof(it->message), msg, ap);
	va_end(ap);
	return it;
}

#define EVIDENCE(it, ...) snprintf((it)->evidence, sizeof((it)->evidence), __VA_ARGS__)
#define REMEDY(it, ...) snprintf((it)->remedy, sizeof((it)->remedy), __VA_ARGS__)

static void audit_host(struct srp_findings *f, const struct srp_iommu_facts *io)
{
	struct srp_finding *it;

	if (io->iommu_units == 0 || io->groups == 0) {
		it = add(f, "SRP-IOMMU-001", SRP_SEV_CRITICAL, "host", "host", NULL,
			 "no IOMMU is translating: a VF given to a guest could DMA anywhere in host memory");
		EVIDENCE(it, "/sys/class/iommu (%d), /sys/kernel/iommu_groups (%d)", io->iommu_units,
			 io->groups);
		REMEDY(it, "enable VT-d/AMD-Vi in the firmware; boot with intel_iommu=on or amd_iommu=on");
	}
	if (io->unsafe_interrupts == 1) {
		it = add(f, "SRP-IOMMU-002", SRP_SEV_CRITICAL, "host", "host", NULL,
			 "vfio_iommu_type1 allows unsafe interrupts: guests can inject MSIs into the host");
		EVIDENCE(it, "/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts = Y");
		REMEDY(it, "echo N > that file (and drop allow_unsafe_interrupts=1 from modprobe.d)");
	}
	if (io->remapping == 0) {
		it = add(f, "SRP-IOMMU-003", SRP_SEV_CRITICAL, "host", "host", NULL,
			 "interrupt remapping is not in use");
		EVIDENCE(it, "/proc/interrupts: no IR- interrupt chip");
		REMEDY(it, "enable interrupt remapping in the firmware; do not boot with intremap=off");
	}
}

/* The tenant that holds d, or NULL. */
static const char *owner(const struct srp_ledger *l, const struct srp_dev *d)
{
	const struct srp_assignment *a = srp_ledger_find(l, &d->addr);

	return a ? a->tenant : NULL;
}

static void audit_groups(struct srp_findings *f, const struct srp_host *host,
			 const struct srp_inventory *inv,
			 const struct srp_ledger *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct srp_assignment *a = &l->a[i];
		const struct srp_dev *vf = srp_inventory_find(inv, &a->vf);
		struct srp_finding *it;

		if (vf == NULL)
			continue;	/* drift, reported by audit_ledger */
		if (vf->group == NULL) {
			it = add(f, "SRP-GROUP-003", SRP_SEV_CRITICAL, "vf", vf->name, a->tenant,
				 "assigned VF has no IOMMU group: nothing confines its DMA");
			EVIDENCE(it, "/sys/bus/pci/devices/%s/iommu_group (absent)", vf->name);
			REMEDY(it, "release it and enable the IOMMU");
			continue;
		}
		for (size_t j = 0; j < vf->group->n_members; j++) {
			const struct srp_dev *m = vf->group->members[j];
			const char *o = owner(l, m);

			if (m == vf)
				continue;
			if (o && strcmp(o, a->tenant) != 0) {
				it = add(f, "SRP-GROUP-002", SRP_SEV_CRITICAL, "vf", vf->name, a->tenant,
					 "IOMMU group %u holds VFs of tenants '%s' (%s) and '%s' (%s)",
					 vf->group->id, a->tenant, vf->name, o, m->name);
				EVIDENCE(it, "/sys/kernel/iommu_groups/%u/devices", vf->group->id);
				REMEDY(it, "release one of them: a group is one isolation unit");
			} else if (!o && m->driver && !srp_backend_is_stub(host, m->driver)) {
				it = add(f, "SRP-GROUP-001", SRP_SEV_CRITICAL, "vf", vf->name, a->tenant,
					 "IOMMU group %u of the assigned VF also holds %s, bound to host "
					 "driver %s", vf->group->id, m->name, m->driver);
				EVIDENCE(it, "/sys/kernel/iommu_groups/%u/devices, %s/driver",
					 vf->group->id, m->name);
				REMEDY(it, "release the VF; use a PF behind ports with ACS so VFs get "
				       "their own groups");
			}
		}
		if (vf->group->n_foreign) {
			/* platform devices (and functions missing from the PCI list) are
			 * the host's: the group is not viable for VFIO either */
			it = add(f, "SRP-GROUP-001", SRP_SEV_CRITICAL, "vf", vf->name, a->tenant,
				 "IOMMU group %u of the assigned VF also holds %zu device(s) that are "
				 "not a PCI function srpass knows (platform devices of the host)",
				 vf->group->id, vf->group->n_foreign);
			EVIDENCE(it, "/sys/kernel/iommu_groups/%u/devices", vf->group->id);
			REMEDY(it, "release the VF; it cannot be isolated from the host's devices");
		}
	}
}

#define MAX_PF_TENANTS 64

/* The distinct tenants holding VFs of pf, in ledger order; at most max. */
static size_t pf_tenants(const struct srp_ledger *l, const struct srp_bdf *pf,
			 const char **ret, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++) {
		size_t j = 0;

		if (srp_bdf_cmp(&l->a[i].pf, pf) != 0)
			continue;
		while (j < n && strcmp(ret[j], l->a[i].tenant) != 0)
			j++;
		if (j == n && n < max)
			ret[n++] = l->a[i].tenant;
	}
	return n;
}

/*
 * A PF-wide problem concerns every tenant with VFs on the PF: one finding
 * per tenant (so that `audit --tenant T` keeps it), or one without a
 * tenant when nobody holds a VF there.
 */
static void add_per_tenant(struct srp_findings *f, const char *id, enum srp_severity sev,
			   const struct srp_dev *pf, const char *const *tenants, size_t n_tenants,
			   const char *msg, const char *evidence, const char *remedy)
{
	size_t i = 0;

	do {
		struct srp_finding *it = add(f, id, sev, "pf", pf->name,
					     n_tenants ? tenants[i] : NULL, "%s", msg);

		EVIDENCE(it, "%s", evidence);
		REMEDY(it, "%s", remedy);
	} while (++i < n_tenants);
}

static void audit_acs(struct srp_findings *f, struct srp_host *host,
		      const struct srp_inventory *inv, const struct srp_ledger *l)
{
	for (size_t i = 0; i < inv->n_devs; i++) {
		const struct srp_dev *pf = &inv->devs[i];
		const char *tenants[MAX_PF_TENANTS];
		struct srp_err e = { 0 };
		struct srp_bdf port;
		char pname[SRP_BDF_STRLEN], msg[256], ev[200];
		size_t nt;
		int r;

		if (pf->kind != SRP_DEV_PF)
			continue;
		nt = pf_tenants(l, &pf->addr, tenants, MAX_PF_TENANTS);
		r = srp_acs_gap(host, pf, &port, &e);
		if (r == 1) {
			srp_bdf_format(&port, pname);
			snprintf(msg, sizeof(msg), "port %s above the PF lacks ACS: its functions can "
				 "talk peer to peer past the IOMMU%s", pname,
				 nt ? ", and VFs of this PF are assigned" : "");
			snprintf(ev, sizeof(ev), "ACS capability/control of %s "
				 "(/sys/bus/pci/devices/%s/config)", pname, pname);
			add_per_tenant(f, "SRP-ACS-001", nt ? SRP_SEV_CRITICAL : SRP_SEV_WARNING, pf,
				       tenants, nt, msg, ev, "move the adapter below ports with ACS "
				       "or enable ACS in the firmware");
		} else if (r < 0) {
			snprintf(msg, sizeof(msg), "cannot check ACS: %.200s", e.msg);
			snprintf(ev, sizeof(ev), "config space of the ports above %s "
				 "(/sys/bus/pci/devices/*/config)", pf->name);
			add_per_tenant(f, "SRP-ACS-002", SRP_SEV_WARNING, pf, tenants, nt, msg, ev,
				       "run as root; check that config space is readable");
		}
	}
}

/* A dedicated-pf tenant sharing a PF: a ledger fact, switch or not.
 * One finding per pair (dedicated tenant, other tenant). */
static void audit_dedicated(struct srp_findings *f, const struct srp_config *cfg,
			    const struct srp_inventory *inv, const struct srp_ledger *l)
{
	for (size_t i = 0; i < inv->n_devs; i++) {
		const struct srp_dev *pf = &inv->devs[i];
		const char *tenants[MAX_PF_TENANTS];
		size_t nt;

		if (pf->kind != SRP_DEV_PF)
			continue;
		nt = pf_tenants(l, &pf->addr, tenants, MAX_PF_TENANTS);
		for (size_t k = 0; nt > 1 && k < nt; k++) {
			const struct srp_tenant *tc = srp_config_tenant(cfg, tenants[k]);

			if (tc == NULL || tc->isolation != SRP_CFG_ISOLATION_DEDICATED_PF)
				continue;
			for (size_t o = 0; o < nt; o++) {
				struct srp_finding *it;
				char who[72];

				if (o == k)
					continue;
				snprintf(who, sizeof(who), "%s,%s", tenants[k], tenants[o]);
				it = add(f, "SRP-PF-001", SRP_SEV_CRITICAL, "pf", pf->name, who,
					 "tenant '%s' must have PFs of its own, but shares %s with "
					 "tenant '%s'", tenants[k], pf->name, tenants[o]);
				EVIDENCE(it, "ledger %s; [tenant:%s] isolation = dedicated-pf", l->path,
					 tenants[k]);
				REMEDY(it, "release the other tenant's VFs on this PF");
			}
		}
	}
}

/* Everything about one PF's switch: its VFs as the switch has them,
 * checked against the tenants that hold them. */
struct pf_view {
	const struct srp_dev *pf;
	struct srp_vf_table t;
	enum srp_hwmode hw;
	const char *tenant[4096];	/* per VF index, NULL if unassigned */
	char vname[4096][SRP_BDF_STRLEN];	/* per assigned VF index: its address */
};

static void audit_pf_switch(struct srp_findings *f, const struct srp_config *cfg,
			    const struct srp_ledger *l, struct pf_view *pv)
{
	const struct srp_dev *pf = pv->pf;
	const char *ifname = pf->netdevs[0];
	char mac[SRP_VF_MACSTRLEN];
	const char *tenants[MAX_PF_TENANTS];
	size_t nt;

	for (size_t i = 0; i < pv->t.n && i < 4096; i++) {
		const struct srp_vf_state *st = &pv->t.vfs[i];
		const char *t = pv->tenant[i];
		const struct srp_tenant *tc = t ? srp_config_tenant(cfg, t) : NULL;
		const char *vname = pv->vname[i];
		struct srp_finding *it;

		if (t == NULL)
			continue;
		if ((st->known & SRP_VF_SPOOFCHK) && st->spoofchk == 0 &&
		    (tc == NULL || tc->spoofchk == SRP_CFG_SPOOFCHK_REQUIRED)) {
			it = add(f, "SRP-VF-001", SRP_SEV_CRITICAL, "vf", vname, t,
				 "spoof checking is off: the guest can send frames with any source MAC");
			EVIDENCE(it, "%s vf %zu spoofchk off (rtnetlink IFLA_VF_SPOOFCHK)", ifname, i);
			REMEDY(it, "srpass vf set %s spoofchk on", vname);
		}
		if ((st->known & SRP_VF_TRUST) && st->trust == 1 &&
		    (tc == NULL || tc->trust == SRP_CFG_TRUST_FORBIDDEN)) {
			it = add(f, "SRP-VF-002", SRP_SEV_CRITICAL, "vf", vname, t,
				 "the VF is trusted: the guest can change its MAC and see other VFs' "
				 "traffic (promiscuous)");
			EVIDENCE(it, "%s vf %zu trust on (rtnetlink IFLA_VF_TRUST)", ifname, i);
			REMEDY(it, "srpass vf set %s trust off", vname);
		}
		if (tc != NULL && (st->known & SRP_VF_VLAN)) {
			if (st->vlan == 0 && tc->vlan_required) {
				it = add(f, "SRP-VLAN-001", SRP_SEV_WARNING, "vf", vname, t,
					 "no port VLAN, but tenant '%s' requires one", t);
				EVIDENCE(it, "%s vf %zu vlan 0", ifname, i);
				REMEDY(it, "srpass vf set %s vlan N (one of the tenant's VLANs)", vname);
			} else if (st->vlan != 0 && !srp_vlan_set_has(&tc->vlans, st->vlan)) {
				it = add(f, "SRP-VLAN-002", SRP_SEV_CRITICAL, "vf", vname, t,
					 "VLAN %u is not one of the VLANs of tenant '%s'", st->vlan, t);
				EVIDENCE(it, "%s vf %zu vlan %u", ifname, i, st->vlan);
				REMEDY(it, "srpass vf set %s vlan N with one of the tenant's VLANs", vname);
			}
		}
		if ((st->known & SRP_VF_MAC) && !(st->mac[0] | st->mac[1] | st->mac[2] | st->mac[3] |
						  st->mac[4] | st->mac[5])) {
			it = add(f, "SRP-MAC-002", SRP_SEV_WARNING, "vf", vname, t,
				 "assigned VF has no administrative MAC: the guest picks its own (and a "
				 "new one at every boot)");
			EVIDENCE(it, "%s vf %zu mac 00:00:00:00:00:00", ifname, i);
			REMEDY(it, "srpass vf set %s mac M", vname);
		}
	}

	/* VLAN shared by two tenants; MAC shared by two VFs */
	for (size_t i = 0; i < pv->t.n && i < 4096; i++) {
		const struct srp_vf_state *a = &pv->t.vfs[i];

		for (size_t j = i + 1; j < pv->t.n && j < 4096; j++) {
			const struct srp_vf_state *b = &pv->t.vfs[j];
			const char *ta = pv->tenant[i], *tb = pv->tenant[j];
			struct srp_finding *it;
			char who[72];

			if (ta && tb && strcmp(ta, tb) != 0 && (a->known & b->known & SRP_VF_VLAN) &&
			    a->vlan == b->vlan) {
				char shared[32];

				/* both untagged is one segment too: either guest can tag */
				if (a->vlan)
					snprintf(shared, sizeof(shared), "share VLAN %u", a->vlan);
				else
					snprintf(shared, sizeof(shared), "are both untagged");
				snprintf(who, sizeof(who), "%s,%s", ta, tb);
				it = add(f, "SRP-VLAN-003", SRP_SEV_CRITICAL, "pf", pf->name, who,
					 "%s: VFs %zu (tenant '%s') and %zu (tenant '%s') %s on one "
					 "switch", ifname, i, ta, j, tb, shared);
				EVIDENCE(it, "%s vf %zu vlan %u, vf %zu vlan %u", ifname, i, a->vlan, j,
					 b->vlan);
				REMEDY(it, "give each tenant its own VLANs on this PF");
			}
			if ((a->known & b->known & SRP_VF_MAC) &&
			    (a->mac[0] | a->mac[1] | a->mac[2] | a->mac[3] | a->mac[4] | a->mac[5]) &&
			    memcmp(a->mac, b->mac, 6) == 0) {
				snprintf(who, sizeof(who), "%s%s%s", ta ? ta : "",
					 ta && tb ? "," : "", tb ? tb : "");
				it = add(f, "SRP-MAC-001", SRP_SEV_CRITICAL, "pf", pf->name, who,
					 "%s: VFs %zu and %zu have the same MAC %s: the switch delivers "
					 "to one of them", ifname, i, j, srp_vf_mac_format(a->mac, mac));
				EVIDENCE(it, "%s vf %zu and vf %zu mac %s", ifname, i, j, mac);
				REMEDY(it, "give one of them another MAC (srpass vf set VF mac M)");
			}
		}
	}

	/* VEPA: one finding per pair (tenant requiring it, other tenant) */
	nt = pf_tenants(l, &pf->addr, tenants, MAX_PF_TENANTS);
	for (size_t k = 0; nt > 1 && pv->hw != SRP_HWMODE_VEPA && k < nt; k++) {
		const struct srp_tenant *tc = srp_config_tenant(cfg, tenants[k]);

		if (tc == NULL || tc->switch_mode != SRP_CFG_SWITCH_VEPA)
			continue;
		for (size_t o = 0; o < nt; o++) {
			struct srp_finding *it;
			char who[72];

			if (o == k)
				continue;
			snprintf(who, sizeof(who), "%s,%s", tenants[k], tenants[o]);
			it = add(f, "SRP-SWITCH-001", SRP_SEV_CRITICAL, "pf", pf->name, who,
				 "tenant '%s' requires VEPA on shared PFs, but %s's switch is %s "
				 "and tenant '%s' shares it: VF-to-VF traffic stays inside the adapter",
				 tenants[k], ifname, srp_hwmode_name(pv->hw), tenants[o]);
			EVIDENCE(it, "%s hwmode %s (AF_BRIDGE IFLA_BRIDGE_MODE)", ifname,
				 srp_hwmode_name(pv->hw));
			REMEDY(it, "bridge link set dev %s hwmode vepa, or do not share the PF", ifname);
		}
	}
}

static void audit_switches(struct srp_findings *f, const struct srp_config *cfg,
			   const struct srp_inventory *inv, const struct srp_ledger *l,
			   struct srp_switch *sw)
{
	struct pf_view *pv = malloc(sizeof(*pv));

	if (pv == NULL) {
		f->oom = 1;
		return;
	}
	for (size_t i = 0; i < inv->n_devs; i++) {
		const struct srp_dev *pf = &inv->devs[i];
		struct srp_err e = { 0 };

		if (pf->kind != SRP_DEV_PF || pf->numvfs == 0 || pf->n_netdevs == 0)
			continue;
		memset(pv, 0, sizeof(*pv));
		pv->pf = pf;
		if (srp_switch_get_vfs(sw, pf->netdevs[0], &pv->t, &e) < 0 ||
		    srp_switch_get_hwmode(sw, pf->netdevs[0], &pv->hw, &e) < 0) {
			const char *tenants[MAX_PF_TENANTS];
			char msg[256], ev[64];

			snprintf(msg, sizeof(msg), "cannot read the switch of %s: %.200s", pf->netdevs[0],
				 e.msg);
			snprintf(ev, sizeof(ev), "rtnetlink RTM_GETLINK %s", pf->netdevs[0]);
			add_per_tenant(f, "SRP-SWITCH-002", SRP_SEV_WARNING, pf, tenants,
				       pf_tenants(l, &pf->addr, tenants, MAX_PF_TENANTS), msg, ev,
				       "run as root; check the PF driver");
			srp_vf_table_free(&pv->t);
			continue;
		}
		for (size_t v = 0; v < l->n; v++) {
			const struct srp_assignment *a = &l->a[v];
			size_t k = (size_t)a->vf_index;

			if (srp_bdf_cmp(&a->pf, &pf->addr) != 0 || a->vf_index < 0 || k >= 4096)
				continue;
			pv->tenant[k] = a->tenant;
			/* the VF the switch means; the ledger's if the link is missing */
			if (k < pf->n_vfs && pf->vfs[k] != NULL)
				snprintf(pv->vname[k], SRP_BDF_STRLEN, "%s", pf->vfs[k]->name);
			else
				srp_bdf_format(&a->vf, pv->vname[k]);
		}
		audit_pf_switch(f, cfg, l, pv);
		srp_vf_table_free(&pv->t);
	}
	free(pv);
}

/* a VF `srpass run` recorded for a guest that is gone: srpass was killed
 * before it could release it */
static void audit_guest(struct srp_findings *f, const struct srp_host *host,
			const struct srp_assignment *a, const char *name)
{
	struct srp_finding *it;
	char why[160];

	if (srp_guest_state(&host->sys, a, why, sizeof(why)) != SRP_GUEST_GONE)
		return;
	it = add(f, "SRP-LEDGER-004", SRP_SEV_WARNING, "vf", name, a->tenant,
		 "assigned to '%s'/'%s' for a guest process that is gone (srpass run ended "
		 "without releasing it)", a->tenant, a->domain);
	EVIDENCE(it, "%s", why);
	REMEDY(it, "srpass recover (releases the VFs of guests that are gone)");
}

static void audit_ledger(struct srp_findings *f, const struct srp_host *host,
			 const struct srp_config *cfg, const struct srp_inventory *inv,
			 const struct srp_ledger *l)
{
	char name[SRP_BDF_STRLEN];
	struct srp_finding *it;

	if (l->pending.op != SRP_OP_NONE) {
		it = add(f, "SRP-LEDGER-003", SRP_SEV_WARNING, "host", "host", NULL,
			 "an operation was interrupted (a crash?) and is not finished");
		EVIDENCE(it, "%s: pending", l->path);
		REMEDY(it, "srpass recover");
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct srp_assignment *a = &l->a[i];
		const struct srp_dev *vf = srp_inventory_find(inv, &a->vf);

		srp_bdf_format(&a->vf, name);
		if (cfg->n_tenants && srp_config_tenant(cfg, a->tenant) == NULL) {
			it = add(f, "SRP-TENANT-001", SRP_SEV_WARNING, "vf", name, a->tenant,
				 "assigned to tenant '%s', which the configuration does not know",
				 a->tenant);
			EVIDENCE(it, "%s; %s", l->path, cfg->path ? cfg->path : "no configuration");
			REMEDY(it, "add [tenant:%s] or release the VF", a->tenant);
		}
		if (vf == NULL || vf->kind != SRP_DEV_VF || vf->pf == NULL ||
		    srp_bdf_cmp(&vf->pf->addr, &a->pf) != 0 || vf->vf_index != a->vf_index) {
			it = add(f, "SRP-LEDGER-002", SRP_SEV_CRITICAL, "vf", name, a->tenant,
				 "the ledger assigns %s (VF %d of PF) to '%s'/'%s', but the host has no "
				 "such VF: VFs were recreated (sriov_numvfs) or the PF changed",
				 name, a->vf_index, a->tenant, a->domain);
			EVIDENCE(it, "%s; /sys/bus/pci/devices/%s", l->path, name);
			REMEDY(it, "stop the guest, then srpass release %s (or re-enable the VFs and "
			       "srpass restore)", name);
			continue;
		}
		if (vf->driver == NULL || !srp_backend_is_stub(host, vf->driver)) {
			it = add(f, "SRP-LEDGER-002", SRP_SEV_CRITICAL, "vf", name, a->tenant,
				 "assigned to '%s'/'%s' but bound to %s, not a stub driver", a->tenant,
				 a->domain, vf->driver ? vf->driver : "no driver");
			EVIDENCE(it, "/sys/bus/pci/devices/%s/driver", name);
			REMEDY(it, "srpass restore (after a reboot), or srpass release %s", name);
		}
		audit_guest(f, host, a, name);
	}
	for (size_t i = 0; i < inv->n_devs; i++) {
		const struct srp_dev *d = &inv->devs[i];

		if (d->kind != SRP_DEV_VF || !srp_backend_is_stub(host, d->driver) || srp_ledger_find(l, &d->addr))
			continue;
		/* the VF of an interrupted assign or release: LEDGER-003 covers it */
		if ((l->pending.op == SRP_OP_ASSIGN || l->pending.op == SRP_OP_RELEASE) &&
		    srp_bdf_cmp(&l->pending.a.vf, &d->addr) == 0)
			continue;
		it = add(f, "SRP-LEDGER-001", SRP_SEV_WARNING, "vf", d->name, NULL,
			 "VF bound to %s but not in the ledger: someone else assigned it (orphan)",
			 d->driver);
		EVIDENCE(it, "/sys/bus/pci/devices/%s/driver -> %s", d->name, d->driver);
		REMEDY(it, "find its user; srpass cannot restore what it did not record");
	}
}

static int by_severity(const void *a, const void *b)
{
	const struct srp_finding *x = a, *y = b;

	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	if (strcmp(x->id, y->id) != 0)
		return strcmp(x->id, y->id);
	if (strcmp(x->subject, y->subject) != 0)
		return strcmp(x->subject, y->subject);
	return strcmp(x->tenant, y->tenant);	/* a stable order for per-tenant copies */
}

int srp_audit(struct srp_host *host, const struct srp_config *cfg,
	      const struct srp_inventory *inv, const struct srp_ledger *l,
	      struct srp_switch *sw, struct srp_findings *ret, struct srp_err *err)
{
	struct srp_findings f = { 0 };
	struct srp_iommu_facts io;
	int r;

	r = srp_iommu_facts(host, inv, &io, err);
	if (r < 0)
		return r;
	audit_host(&f, &io);
	audit_groups(&f, host, inv, l);
	audit_acs(&f, host, inv, l);
	audit_dedicated(&f, cfg, inv, l);
	if (sw != NULL)
		audit_switches(&f, cfg, inv, l, sw);
	audit_ledger(&f, host, cfg, inv, l);
	if (f.oom) {
		srp_findings_free(&f);
		return srp_err_set(err, -ENOMEM, "out of memory");
	}
	if (f.n > 1)
		qsort(f.items, f.n, sizeof(*f.items), by_severity);
	*ret = f;
	return 0;
}
