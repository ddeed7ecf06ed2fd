/* SPDX-License-Identifier: MIT */
/* srpass -- building the policy query from inventory and ledger */
#include "core/gate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/backend.h"
#include "core/host.h"
#include "core/ledger.h"
#include "srpass/err.h"
#include "srpass/inventory.h"
#include "os/sysfs.h"
#include "switch/vfswitch.h"

void srp_verdict_format(const struct srp_verdict *v, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < v->n_reasons && off < len; i++) {
		int n = snprintf(buf + off, len - off, "%s%s: %s", i ? "; " : "",
				 v->reasons[i].id, v->reasons[i].msg);

		if (n < 0)
			break;
		off += (size_t)n;
	}
	if (v->n_dropped && off < len)
		snprintf(buf + off, len - off, "; and %zu more", v->n_dropped);
}

int srp_gate(struct srp_host *host, const struct srp_config *cfg, const struct srp_ledger *l,
	     const struct srp_dev *vf, const struct srp_gate_req *req,
	     struct srp_verdict *ret, struct srp_err *err)
{
	struct srp_policy_query q = { 0 };
	struct srp_policy_peer *peers = NULL;
	uint8_t (*macs)[SRP_MAC_LEN] = NULL, (*pf_macs)[SRP_MAC_LEN] = NULL;
	size_t n_vfs = req->pf_vfs ? req->pf_vfs->n : 0;
	const struct srp_dev *pf = vf->pf;
	char seed[64];
	int r;

	if (req->backend == NULL || strcmp(req->backend, "auto") == 0)
		return srp_err_set(err, -EINVAL, "the gate needs a resolved backend");
	q.backend = req->backend;
	q.tenant = req->tenant;
	q.vf = vf->addr;
	q.pf = pf->addr;
	q.pf_netdevs = (const char *const *)pf->netdevs;
	q.n_pf_netdevs = pf->n_netdevs;
	q.pf_vendor = pf->vendor;
	q.pf_device = pf->device;
	q.pf_switch = req->pf_switch;
	q.vlan = req->vlan;
	q.has_mac = req->has_mac;
	memcpy(q.mac, req->mac, sizeof(q.mac));
	q.rate = req->rate;
	q.trust = req->trust;
	q.spoofchk_off = req->spoofchk_off;

	peers = calloc(l->n ? l->n : 1, sizeof(*peers));
	macs = calloc(l->n ? l->n : 1, sizeof(*macs));
	pf_macs = calloc(n_vfs ? n_vfs : 1, sizeof(*pf_macs));
	if (peers == NULL || macs == NULL || pf_macs == NULL) {
		r = srp_err_set(err, -ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct srp_assignment *a = &l->a[i];

		if (srp_bdf_cmp(&a->vf, &vf->addr) == 0)
			continue;
		if (strcmp(a->tenant, req->tenant) == 0) {
			q.tenant_vfs++;
			if (a->has_applied && a->has_mac)
				memcpy(macs[q.n_tenant_macs++], a->mac, SRP_MAC_LEN);
		}
		if (srp_bdf_cmp(&a->pf, &pf->addr) != 0)
			continue;
		peers[q.n_peers].vf = a->vf;
		peers[q.n_peers].tenant = a->tenant;
		peers[q.n_peers].vlan = (uint16_t)a->vlan;
		peers[q.n_peers].has_mac = a->has_applied && a->has_mac;
		memcpy(peers[q.n_peers].mac, a->mac, SRP_MAC_LEN);
		peers[q.n_peers].trusted = a->has_applied && a->trust;
		q.n_peers++;
	}
	q.peers = peers;
	q.tenant_macs = (const uint8_t (*)[SRP_MAC_LEN])macs;

	/* what the adapter has, beyond the ledger: MACs set by anyone */
	for (size_t i = 0; i < n_vfs; i++) {
		const struct srp_vf_state *st = &req->pf_vfs->vfs[i];
		static const uint8_t zero[SRP_MAC_LEN];

		if ((int)st->index == vf->vf_index || !(st->known & SRP_VF_MAC) ||
		    memcmp(st->mac, zero, SRP_MAC_LEN) == 0)
			continue;
		memcpy(pf_macs[q.n_pf_macs++], st->mac, SRP_MAC_LEN);
	}
	q.pf_macs = (const uint8_t (*)[SRP_MAC_LEN])pf_macs;

	/* the group: anything bound to a host driver, or another tenant's */
	q.iommu_no_group = vf->group == NULL;
	for (size_t i = 0; vf->group && i < vf->group->n_members; i++) {
		const struct srp_dev *m = vf->group->members[i];
		const struct srp_assignment *o;

		if (m == vf)
			continue;
		o = srp_ledger_find(l, &m->addr);
		if (o != NULL) {
			if (strcmp(o->tenant, req->tenant) != 0)
				q.iommu_other_tenant = true;
		} else if (m->driver != NULL && !srp_backend_is_stub(host, m->driver)) {
			q.iommu_host = true;
		}
	}
	if (vf->group && vf->group->n_foreign)
		q.iommu_host = true;	/* non-PCI members belong to the host */

	if (srp_sysfs_read_str(&host->sys, "/etc/machine-id", seed, sizeof(seed), NULL) == 0)
		q.mac_seed = seed;

	r = srp_policy_allows(cfg, &q, ret);
	if (r < 0)
		srp_err_set(err, r, "policy query for %s is malformed", vf->name);
out:
	free(peers);
	free(macs);
	free(pf_macs);
	return r;
}
