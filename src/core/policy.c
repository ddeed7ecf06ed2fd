/* SPDX-License-Identifier: MIT */
/* srpass -- the isolation policy: may this tenant have this VF?  Pure, no I/O */
#include "core/policy.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"

/*
 * The rules, in the order they are checked (docs/srpass.conf.5 says the
 * same for operators).  "Others" are the peers on the PF that belong to
 * another tenant.
 *
 *  1 TENANT     the tenant is in the configuration (else nothing more is checked)
 *  2 PF         the PF matches one of its pfs selectors
 *  3 BACKEND    the backend is one of its backends
 *  4 MAX-VFS    it holds fewer than max_vfs VFs
 *  5 IOMMU      the VF has an IOMMU group, shared with no host driver and no
 *               other tenant
 *  6 FOREIGN    every peer's tenant is in the configuration: an unknown
 *               tenant's isolation needs cannot be honoured, so refuse
 *  7 VLAN       the effective VLAN is the tenant's; if none is asked for, the
 *               only VLAN of a one-VLAN tenant, else untagged unless
 *               vlan_required (VLAN-REQUIRED)
 *  8 VLAN-CONFLICT   no other tenant has that VLAN on the PF
 *    VLAN-UNTAGGED   an untagged VF may tag frames itself (VGT), so neither
 *               side of a PF shared by two tenants may be untagged
 *  9 MAC        an asked-for MAC is unicast, non-zero, in the tenant's space,
 *               and not in use on the PF or by the tenant elsewhere; without
 *               one the policy picks one (below)
 * 10 DEDICATED  a dedicated-pf tenant shares its PF with nobody, in both
 *               directions
 * 11 SWITCH     a vepa tenant shares a PF only in VEPA mode (also when the
 *               vepa tenant is the one already there); a veb tenant never
 *               sits on a VEPA PF
 * 12 TRUST      trust only if allowed, and a trusted VF never shares a PF with
 *               another tenant (it can go promiscuous)
 * 13 SPOOFCHK   spoof checking off only if allowed and on a PF no other
 *               tenant uses (it could then send as them)
 * 14 RATE       the rate is at most max_rate
 */

struct ctx {
	const struct srp_config *cfg;
	const struct srp_policy_query *q;
	const struct srp_tenant *t;
	struct srp_verdict *v;
	char vf[SRP_BDF_STRLEN], pf[SRP_BDF_STRLEN];
};

static void __attribute__((format(printf, 3, 4)))
deny(struct ctx *c, const char *id, const char *fmt, ...)
{
	struct srp_verdict *v = c->v;
	struct srp_reason *r;
	va_list ap;

	v->allow = false;
	if (v->n_reasons == ARRAY_SIZE(v->reasons)) {
		v->n_dropped++;
		return;
	}
	r = &v->reasons[v->n_reasons++];
	r->id = id;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
}

/* "02:aa:00", the tenant's MAC prefix, into buf */
static const char *prefix_str(const struct srp_tenant *t, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < t->mac_prefix_len && o + 4 <= len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%02x", i ? ":" : "", t->mac_prefix[i]);
	return buf;
}

static void mac_str(const uint8_t *m, char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* A peer of another tenant (the VF itself, if listed, is not a peer). */
static bool is_other(const struct ctx *c, const struct srp_policy_peer *p)
{
	return srp_bdf_cmp(&p->vf, &c->q->vf) != 0 && strcmp(p->tenant, c->q->tenant) != 0;
}

static bool is_peer(const struct ctx *c, const struct srp_policy_peer *p)
{
	return srp_bdf_cmp(&p->vf, &c->q->vf) != 0;
}

/* The first other tenant's peer, or NULL: the PF is not shared. */
static const struct srp_policy_peer *first_other(const struct ctx *c)
{
	for (size_t i = 0; i < c->q->n_peers; i++)
		if (is_other(c, &c->q->peers[i]))
			return &c->q->peers[i];
	return NULL;
}

/* Whether peers[i] is the first peer of its tenant: one reason per tenant. */
static bool first_of_tenant(const struct ctx *c, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (is_peer(c, &c->q->peers[j]) &&
		    strcmp(c->q->peers[j].tenant, c->q->peers[i].tenant) == 0)
			return false;
	return true;
}

static bool sel_matches(const struct srp_pf_sel *s, const struct srp_policy_query *q)
{
	switch (s->kind) {
	case SRP_PF_SEL_BDF:
		return srp_bdf_cmp(&s->bdf, &q->pf) == 0;
	case SRP_PF_SEL_NETDEV:
		for (size_t i = 0; i < q->n_pf_netdevs; i++)
			if (q->pf_netdevs[i] != NULL && strcmp(q->pf_netdevs[i], s->netdev) == 0)
				return true;
		return false;
	case SRP_PF_SEL_ID:
		return s->vendor == q->pf_vendor && s->device == q->pf_device;
	}
	return false;
}

static void check_pf(struct ctx *c)
{
	const struct srp_policy_query *q = c->q;

	for (size_t i = 0; i < c->t->n_pfs; i++)
		if (sel_matches(&c->t->pfs[i], q))
			return;
	deny(c, SRP_POL_PF, "PF %s (%04x:%04x%s%s) of VF %s is not one of the pfs of tenant '%s'", c->pf,
	     q->pf_vendor, q->pf_device, q->n_pf_netdevs > 0 && q->pf_netdevs[0] ? ", " : "",
	     q->n_pf_netdevs > 0 && q->pf_netdevs[0] ? q->pf_netdevs[0] : "", c->vf, c->t->name);
}

static void check_iommu(struct ctx *c)
{
	const struct srp_policy_query *q = c->q;

	if (q->iommu_no_group)
		deny(c, SRP_POL_IOMMU, "VF %s has no IOMMU group: nothing isolates its DMA", c->vf);
	if (q->iommu_host)
		deny(c, SRP_POL_IOMMU, "VF %s shares its IOMMU group with a device bound to a host "
		     "driver", c->vf);
	if (q->iommu_other_tenant)
		deny(c, SRP_POL_IOMMU, "VF %s shares its IOMMU group with a device another tenant "
		     "holds", c->vf);
}

static void check_foreign(struct ctx *c)
{
	for (size_t i = 0; i < c->q->n_peers; i++) {
		const struct srp_policy_peer *p = &c->q->peers[i];
		char b[SRP_BDF_STRLEN];

		if (is_other(c, p) && first_of_tenant(c, i) &&
		    srp_config_tenant(c->cfg, p->tenant) == NULL)
			deny(c, SRP_POL_FOREIGN, "PF %s has VF %s of tenant '%s', which the "
			     "configuration does not know", c->pf, srp_bdf_format(&p->vf, b),
			     p->tenant);
	}
}

/* The VLAN the VF gets, or -1 if the VLAN rules already refused. */
static int effective_vlan(struct ctx *c)
{
	const struct srp_tenant *t = c->t;
	unsigned int v = c->q->vlan;

	if (v != 0) {
		if (v < SRP_VLAN_MIN || v > SRP_VLAN_MAX) {
			deny(c, SRP_POL_VLAN, "VLAN %u is not a VLAN id (%d-%d)", v, SRP_VLAN_MIN,
			     SRP_VLAN_MAX);
			return -1;
		}
		if (!srp_vlan_set_has(&t->vlans, v)) {
			if (t->vlans.count == 0)
				deny(c, SRP_POL_VLAN, "tenant '%s' has no VLANs; VLAN %u is not "
				     "its to use", t->name, v);
			else {
				char set[128];

				srp_vlan_set_format(&t->vlans, set, sizeof(set));
				deny(c, SRP_POL_VLAN, "VLAN %u is not one of the VLANs of tenant "
				     "'%s' (%s)", v, t->name, set);
			}
			return -1;
		}
		return (int)v;
	}
	v = srp_vlan_set_single(&t->vlans);
	if (v != 0)
		return (int)v;
	if (t->vlan_required) {
		deny(c, SRP_POL_VLAN_REQUIRED, "tenant '%s' has %u VLANs and requires one; ask for "
		     "one of them", t->name, t->vlans.count);
		return -1;
	}
	return 0;
}

static void check_vlan_peers(struct ctx *c, unsigned int vlan)
{
	const struct srp_policy_peer *o = first_other(c);
	char b[SRP_BDF_STRLEN];

	if (vlan == 0 && o != NULL)
		deny(c, SRP_POL_VLAN_UNTAGGED, "VF %s would be untagged on PF %s, which tenant "
		     "'%s' uses too (VF %s): an untagged VF can tag frames with their VLANs",
		     c->vf, c->pf, o->tenant, srp_bdf_format(&o->vf, b));
	for (size_t i = 0; i < c->q->n_peers; i++) {
		const struct srp_policy_peer *p = &c->q->peers[i];

		if (!is_other(c, p))
			continue;
		if (vlan != 0 && p->vlan == vlan)
			deny(c, SRP_POL_VLAN_CONFLICT, "VLAN %u belongs to tenant '%s' on PF %s (VF %s)",
			     vlan, p->tenant, c->pf, srp_bdf_format(&p->vf, b));
		else if (vlan != 0 && p->vlan == 0)
			deny(c, SRP_POL_VLAN_UNTAGGED, "VF %s of tenant '%s' is untagged on PF %s "
			     "and can tag frames with any VLAN", srp_bdf_format(&p->vf, b),
			     p->tenant, c->pf);
	}
}

/* Who uses mac on this PF or, for the tenant, elsewhere; NULL if nobody. */
static const char *mac_user(const struct ctx *c, const uint8_t *mac, char *buf, size_t len)
{
	const struct srp_policy_query *q = c->q;
	char b[SRP_BDF_STRLEN];

	for (size_t i = 0; i < q->n_peers; i++) {
		const struct srp_policy_peer *p = &q->peers[i];

		if (is_peer(c, p) && p->has_mac && memcmp(p->mac, mac, SRP_MAC_LEN) == 0) {
			snprintf(buf, len, "VF %s of tenant '%s' on PF %s",
				 srp_bdf_format(&p->vf, b), p->tenant, c->pf);
			return buf;
		}
	}
	for (size_t i = 0; i < q->n_tenant_macs; i++) {
		if (memcmp(q->tenant_macs[i], mac, SRP_MAC_LEN) == 0) {
			snprintf(buf, len, "another VF of tenant '%s'", q->tenant);
			return buf;
		}
	}
	for (size_t i = 0; i < q->n_pf_macs; i++) {
		if (memcmp(q->pf_macs[i], mac, SRP_MAC_LEN) == 0) {
			snprintf(buf, len, "another VF of PF %s (set on the adapter)", c->pf);
			return buf;
		}
	}
	return NULL;
}

static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h ^ 0xff;	/* a separator, so ("ab","c") and ("a","bc") differ */
}

/*
 * A MAC in the tenant's prefix for this VF: the bytes after the prefix
 * are a hash of (seed, tenant, VF), so the same VF gets the same MAC
 * again; on a clash with a MAC in use the suffix counts up.  At most
 * n_peers + n_tenant_macs + n_pf_macs MACs are in use, so that many + 1 tries find
 * a free one unless the suffix space itself is that small.
 */
static bool derive_mac(const struct ctx *c, uint8_t mac[SRP_MAC_LEN])
{
	const struct srp_tenant *t = c->t;
	size_t plen = t->mac_prefix_len;
	size_t tries = c->q->n_peers + c->q->n_tenant_macs + c->q->n_pf_macs + 1;
	static const uint8_t zero[SRP_MAC_LEN];
	uint64_t h = 0xcbf29ce484222325ULL;
	char buf[128];

	h = fnv1a(h, c->q->mac_seed != NULL ? c->q->mac_seed : "");
	h = fnv1a(h, t->name);
	h = fnv1a(h, c->vf);
	for (size_t n = 0; n < tries; n++, h++) {
		uint64_t x = h;

		memcpy(mac, t->mac_prefix, plen);
		for (size_t i = SRP_MAC_LEN; i-- > plen; x >>= 8)
			mac[i] = (uint8_t)x;
		if (memcmp(mac, zero, SRP_MAC_LEN) != 0 &&
		    mac_user(c, mac, buf, sizeof(buf)) == NULL)
			return true;
	}
	return false;
}

static void check_mac(struct ctx *c)
{
	const struct srp_policy_query *q = c->q;
	const struct srp_tenant *t = c->t;
	struct srp_verdict *v = c->v;
	static const uint8_t zero[SRP_MAC_LEN];
	char m[18], who[128];

	if (q->has_mac) {
		mac_str(q->mac, m);
		if (memcmp(q->mac, zero, SRP_MAC_LEN) == 0)
			deny(c, SRP_POL_MAC_INVALID, "MAC %s is all zeros", m);
		else if (q->mac[0] & 1)
			deny(c, SRP_POL_MAC_INVALID, "MAC %s is a multicast address", m);
		else if (!srp_tenant_mac_allowed(t, q->mac))
			deny(c, SRP_POL_MAC, "MAC %s is outside the %s%s of tenant '%s'", m,
			     t->mac_prefix_len > 0 ? "mac_prefix " : "macs",
			     t->mac_prefix_len > 0 ? prefix_str(t, who, sizeof(who)) : "", t->name);
		else if (mac_user(c, q->mac, who, sizeof(who)) != NULL)
			deny(c, SRP_POL_MAC_CONFLICT, "MAC %s is in use by %s", m, who);
		v->has_mac = true;
		memcpy(v->mac, q->mac, SRP_MAC_LEN);
		return;
	}
	if (t->n_macs > 0) {
		for (size_t i = 0; i < t->n_macs; i++) {
			if (mac_user(c, t->macs[i], who, sizeof(who)) == NULL) {
				v->has_mac = true;
				memcpy(v->mac, t->macs[i], SRP_MAC_LEN);
				return;
			}
		}
		deny(c, SRP_POL_MAC_EXHAUSTED, "all %zu MACs of tenant '%s' are in use", t->n_macs,
		     t->name);
		return;
	}
	if (t->mac_prefix_len > 0) {
		if (derive_mac(c, v->mac)) {
			v->has_mac = true;
			return;
		}
		deny(c, SRP_POL_MAC_EXHAUSTED, "no free MAC left in the mac_prefix of tenant '%s'",
		     t->name);
	}
	/* a tenant without a MAC space: the VF keeps whatever MAC it has */
}

static void check_dedicated(struct ctx *c)
{
	const struct srp_policy_peer *o = first_other(c);
	char b[SRP_BDF_STRLEN];

	if (c->t->isolation == SRP_CFG_ISOLATION_DEDICATED_PF && o != NULL)
		deny(c, SRP_POL_DEDICATED, "tenant '%s' needs a PF of its own, and PF %s has VF %s "
		     "of tenant '%s'", c->t->name, c->pf, srp_bdf_format(&o->vf, b), o->tenant);
	for (size_t i = 0; i < c->q->n_peers; i++) {
		const struct srp_policy_peer *p = &c->q->peers[i];
		const struct srp_tenant *pt;

		if (!is_other(c, p) || !first_of_tenant(c, i))
			continue;
		pt = srp_config_tenant(c->cfg, p->tenant);
		if (pt != NULL && pt->isolation == SRP_CFG_ISOLATION_DEDICATED_PF)
			deny(c, SRP_POL_DEDICATED, "PF %s is dedicated to tenant '%s' (VF %s)",
			     c->pf, p->tenant, srp_bdf_format(&p->vf, b));
	}
}

static const char *pf_switch_name(enum srp_pf_switch s)
{
	return s == SRP_PF_SWITCH_VEB ? "VEB" : s == SRP_PF_SWITCH_VEPA ? "VEPA" : "unknown";
}

static void check_switch(struct ctx *c)
{
	const struct srp_policy_peer *o = first_other(c);
	enum srp_pf_switch mode = c->q->pf_switch;

	if (c->t->switch_mode == SRP_CFG_SWITCH_VEB && mode == SRP_PF_SWITCH_VEPA)
		deny(c, SRP_POL_SWITCH, "tenant '%s' requires VEB switching and PF %s is in VEPA "
		     "mode", c->t->name, c->pf);
	if (c->t->switch_mode == SRP_CFG_SWITCH_VEPA && mode != SRP_PF_SWITCH_VEPA && o != NULL)
		deny(c, SRP_POL_SWITCH, "tenant '%s' requires VEPA on a shared PF; PF %s is in %s "
		     "mode and tenant '%s' uses it", c->t->name, c->pf, pf_switch_name(mode),
		     o->tenant);
	if (mode == SRP_PF_SWITCH_VEPA)
		return;
	for (size_t i = 0; i < c->q->n_peers; i++) {
		const struct srp_policy_peer *p = &c->q->peers[i];
		const struct srp_tenant *pt;

		if (!is_other(c, p) || !first_of_tenant(c, i))
			continue;
		pt = srp_config_tenant(c->cfg, p->tenant);
		if (pt != NULL && pt->switch_mode == SRP_CFG_SWITCH_VEPA)
			deny(c, SRP_POL_SWITCH, "tenant '%s' on PF %s requires VEPA on a shared "
			     "PF, and the PF is in %s mode", p->tenant, c->pf,
			     pf_switch_name(mode));
	}
}

static void check_trust(struct ctx *c)
{
	const struct srp_policy_peer *o = first_other(c);
	char b[SRP_BDF_STRLEN];

	if (c->q->trust) {
		if (c->t->trust == SRP_CFG_TRUST_FORBIDDEN)
			deny(c, SRP_POL_TRUST, "tenant '%s' may not have trusted VFs", c->t->name);
		else if (o != NULL)
			deny(c, SRP_POL_TRUST, "a trusted VF may not share PF %s with tenant '%s'",
			     c->pf, o->tenant);
		else
			c->v->trust = true;
	}
	for (size_t i = 0; i < c->q->n_peers; i++) {
		const struct srp_policy_peer *p = &c->q->peers[i];

		if (is_other(c, p) && p->trusted)
			deny(c, SRP_POL_TRUST, "VF %s of tenant '%s' on PF %s is trusted",
			     srp_bdf_format(&p->vf, b), p->tenant, c->pf);
	}
}

static void check_spoofchk(struct ctx *c)
{
	const struct srp_policy_peer *o = first_other(c);

	if (!c->q->spoofchk_off)
		return;
	if (c->t->spoofchk == SRP_CFG_SPOOFCHK_REQUIRED)
		deny(c, SRP_POL_SPOOFCHK, "tenant '%s' requires spoof checking", c->t->name);
	else if (o != NULL)
		deny(c, SRP_POL_SPOOFCHK, "spoof checking cannot be off on PF %s, which tenant "
		     "'%s' uses too", c->pf, o->tenant);
	else
		c->v->spoofchk = false;
}

static void check_rate(struct ctx *c)
{
	uint32_t max = c->t->max_rate, rate = c->q->rate;

	if (rate != 0 && max != 0 && rate > max)
		deny(c, SRP_POL_RATE, "rate %u Mbit/s is above the max_rate of tenant '%s' "
		     "(%u Mbit/s)", rate, c->t->name, max);
	c->v->max_rate = rate != 0 ? rate : max;
}

int srp_policy_allows(const struct srp_config *cfg, const struct srp_policy_query *q,
		      struct srp_verdict *ret)
{
	struct srp_verdict v;
	struct ctx c = { .cfg = cfg, .q = q, .v = &v };
	int vlan;

	if (cfg == NULL || q == NULL || ret == NULL || q->tenant == NULL ||
	    (q->n_peers > 0 && q->peers == NULL) ||
	    (q->n_pf_netdevs > 0 && q->pf_netdevs == NULL) ||
	    (q->n_tenant_macs > 0 && q->tenant_macs == NULL) ||
	    (q->n_pf_macs > 0 && q->pf_macs == NULL) ||
	    q->backend == NULL || q->backend[0] == '\0' || strcmp(q->backend, "auto") == 0)
		return -EINVAL;
	for (size_t i = 0; i < q->n_peers; i++)
		if (q->peers[i].tenant == NULL)
			return -EINVAL;

	memset(&v, 0, sizeof(v));
	v.allow = true;
	v.spoofchk = true;
	srp_bdf_format(&q->vf, c.vf);
	srp_bdf_format(&q->pf, c.pf);

	c.t = srp_config_tenant(cfg, q->tenant);
	if (c.t == NULL) {
		deny(&c, SRP_POL_TENANT, "tenant '%.64s' is not in %s", q->tenant,
		     cfg->path != NULL ? cfg->path : "the configuration");
		*ret = v;
		return 0;
	}
	check_pf(&c);
	if (!srp_tenant_backend_allowed(c.t, q->backend))
		deny(&c, SRP_POL_BACKEND, "tenant '%s' may not use the %.32s backend", c.t->name,
		     q->backend);
	if (q->tenant_vfs >= c.t->max_vfs)
		deny(&c, SRP_POL_MAX_VFS, "tenant '%s' holds %u VFs already (max_vfs %u)",
		     c.t->name, q->tenant_vfs, c.t->max_vfs);
	check_iommu(&c);
	check_foreign(&c);
	vlan = effective_vlan(&c);
	if (vlan >= 0) {
		v.vlan = (uint16_t)vlan;
		check_vlan_peers(&c, (unsigned int)vlan);
	}
	check_mac(&c);
	check_dedicated(&c);
	check_switch(&c);
	check_trust(&c);
	check_spoofchk(&c);
	check_rate(&c);
	*ret = v;
	return 0;
}

const struct srp_reason *srp_verdict_find(const struct srp_verdict *v, const char *id)
{
	for (size_t i = 0; i < v->n_reasons; i++)
		if (strcmp(v->reasons[i].id, id) == 0)
			return &v->reasons[i];
	return NULL;
}
