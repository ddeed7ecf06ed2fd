/* SPDX-License-Identifier: MIT */
/* srpass -- what srpass metrics reports: VFs, their owners and switch, PFs, the audit */
#include "core/metrics.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/backend.h"
#include "core/host.h"
#include "core/ledger.h"
#include "srpass/err.h"
#include "srpass/inventory.h"
#include "switch/vfswitch.h"

/* The families, in output order (docs/metrics.md). */
enum fam {
	F_VF_INFO, F_VLAN, F_QOS, F_SPOOFCHK, F_TRUST, F_LINK_STATE, F_MIN_RATE, F_MAX_RATE,
	F_RX_PACKETS, F_TX_PACKETS, F_RX_BYTES, F_TX_BYTES, F_RX_BCAST, F_RX_MCAST,
	F_RX_DROPPED, F_TX_DROPPED, F_PF_VFS, F_PF_NUMVFS, F_PF_TOTALVFS, F_FINDINGS,
	F_COLLECTOR, F_COUNT
};

static const struct {
	const char *name;
	enum srp_metric_type type;
	const char *help;
} fams[F_COUNT] = {
	[F_VF_INFO] = { "srpass_vf_info", SRP_METRIC_GAUGE,
			"A VF of an SR-IOV PF, always 1; tenant, domain and backend are its "
			"owner in the ledger (empty for a VF nobody holds)" },
	[F_VLAN] = { "srpass_vf_vlan", SRP_METRIC_GAUGE,
		     "Port VLAN the PF's switch tags the VF's traffic with (0: none)" },
	[F_QOS] = { "srpass_vf_vlan_qos", SRP_METRIC_GAUGE, "802.1p priority of the port VLAN" },
	[F_SPOOFCHK] = { "srpass_vf_spoofchk", SRP_METRIC_GAUGE,
			 "1 if the PF drops frames the VF sends from other MACs or VLANs" },
	[F_TRUST] = { "srpass_vf_trust", SRP_METRIC_GAUGE,
		      "1 if the VF is trusted (may change its MAC, go promiscuous)" },
	[F_LINK_STATE] = { "srpass_vf_link_state", SRP_METRIC_GAUGE,
			   "VF link state: 0 auto (follows the PF), 1 enable, 2 disable" },
	[F_MIN_RATE] = { "srpass_vf_min_tx_rate_mbps", SRP_METRIC_GAUGE,
			 "Guaranteed transmit rate of the VF in Mbit/s (0: none)" },
	[F_MAX_RATE] = { "srpass_vf_max_tx_rate_mbps", SRP_METRIC_GAUGE,
			 "Transmit rate limit of the VF in Mbit/s (0: no limit)" },
	[F_RX_PACKETS] = { "srpass_vf_rx_packets_total", SRP_METRIC_COUNTER,
			   "Packets the VF received, as its PF counts them" },
	[F_TX_PACKETS] = { "srpass_vf_tx_packets_total", SRP_METRIC_COUNTER,
			   "Packets the VF sent, as its PF counts them" },
	[F_RX_BYTES] = { "srpass_vf_rx_bytes_total", SRP_METRIC_COUNTER,
			 "Bytes the VF received, as its PF counts them" },
	[F_TX_BYTES] = { "srpass_vf_tx_bytes_total", SRP_METRIC_COUNTER,
			 "Bytes the VF sent, as its PF counts them" },
	[F_RX_BCAST] = { "srpass_vf_rx_broadcast_total", SRP_METRIC_COUNTER,
			 "Broadcast packets the VF received" },
	[F_RX_MCAST] = { "srpass_vf_rx_multicast_total", SRP_METRIC_COUNTER,
			 "Multicast packets the VF received" },
	[F_RX_DROPPED] = { "srpass_vf_rx_dropped_total", SRP_METRIC_COUNTER,
			   "Received packets of the VF the PF dropped (0 before Linux 4.20)" },
	[F_TX_DROPPED] = { "srpass_vf_tx_dropped_total", SRP_METRIC_COUNTER,
			   "Sent packets of the VF the PF dropped (0 before Linux 4.20)" },
	[F_PF_VFS] = { "srpass_pf_vfs", SRP_METRIC_GAUGE,
		       "VFs of the PF by state: assigned (in the ledger), orphan (on a stub "
		       "driver the ledger does not know), free (the rest)" },
	[F_PF_NUMVFS] = { "srpass_pf_numvfs", SRP_METRIC_GAUGE,
			  "VFs the PF has enabled (sriov_numvfs)" },
	[F_PF_TOTALVFS] = { "srpass_pf_totalvfs", SRP_METRIC_GAUGE,
			    "VFs the PF can enable (sriov_totalvfs)" },
	[F_FINDINGS] = { "srpass_audit_findings", SRP_METRIC_GAUGE,
			 "Findings of srpass audit by id and severity (docs/audit.md)" },
	[F_COLLECTOR] = { "srpass_collector_success", SRP_METRIC_GAUGE,
			  "1 if srpass could read this part of the host; 0: its metrics are "
			  "missing or incomplete" },
};

struct collect {
	struct srp_metrics *m;
	struct srp_metric_family *f[F_COUNT];
	struct srp_host *host;
	const struct srp_ledger *l;
	struct srp_switch *sw;		/* NULL: no switch */
	int switch_ok;
	char *warn;
	size_t warn_len;
};

static void warn(struct collect *c, const char *what, const struct srp_err *err)
{
	size_t off = strlen(c->warn);

	if (off + 1 < c->warn_len)
		snprintf(c->warn + off, c->warn_len - off, "%s%s: %s", off ? "; " : "", what,
			 err->msg[0] ? err->msg : strerror(-err->code));
}

static void netdevs_str(const struct srp_dev *d, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < d->n_netdevs && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? "," : "", d->netdevs[i]);
}

static void add(struct collect *c, enum fam f, uint64_t v, const struct srp_dev *vf)
{
	srp_metric_add(c->m, c->f[f], v, "vf", vf->name, "pf", vf->pf->name, NULL);
}

static void vf_switch(struct collect *c, const struct srp_dev *vf, const struct srp_vf_state *st)
{
	if (st->known & SRP_VF_VLAN) {
		add(c, F_VLAN, st->vlan, vf);
		add(c, F_QOS, st->qos, vf);
	}
	if ((st->known & SRP_VF_SPOOFCHK) && st->spoofchk >= 0)
		add(c, F_SPOOFCHK, (uint64_t)st->spoofchk, vf);
	if ((st->known & SRP_VF_TRUST) && st->trust >= 0)
		add(c, F_TRUST, (uint64_t)st->trust, vf);
	if ((st->known & SRP_VF_LINK_STATE) && st->link_state >= 0)
		add(c, F_LINK_STATE, (uint64_t)st->link_state, vf);
	if (st->known & SRP_VF_MIN_RATE)
		add(c, F_MIN_RATE, st->min_tx_rate, vf);
	if (st->known & SRP_VF_MAX_RATE)
		add(c, F_MAX_RATE, st->max_tx_rate, vf);
	if (st->known & SRP_VF_STATS) {
		add(c, F_RX_PACKETS, st->stats.rx_packets, vf);
		add(c, F_TX_PACKETS, st->stats.tx_packets, vf);
		add(c, F_RX_BYTES, st->stats.rx_bytes, vf);
		add(c, F_TX_BYTES, st->stats.tx_bytes, vf);
		add(c, F_RX_BCAST, st->stats.broadcast, vf);
		add(c, F_RX_MCAST, st->stats.multicast, vf);
		add(c, F_RX_DROPPED, st->stats.rx_dropped, vf);
		add(c, F_TX_DROPPED, st->stats.tx_dropped, vf);
	}
}

/* One PF: its VFs (info, switch, counters) and its counts by state. */
static void pf(struct collect *c, const struct srp_dev *d)
{
	struct srp_vf_table t = { 0 };
	unsigned int assigned = 0, orphan = 0, free_vfs = 0;

	if (c->sw != NULL && d->n_netdevs > 0) {
		struct srp_err e = { 0 };

		if (srp_switch_get_vfs(c->sw, d->netdevs[0], &t, &e) < 0) {
			char what[64];

			snprintf(what, sizeof(what), "the switch of %s", d->name);
			warn(c, what, &e);
			c->switch_ok = 0;
			memset(&t, 0, sizeof(t));
		}
	}
	for (size_t k = 0; k < d->n_vfs; k++) {
		const struct srp_dev *vf = d->vfs[k];
		const struct srp_assignment *a;
		char idx[16], net[128];

		if (vf == NULL)
			continue;
		a = srp_ledger_find(c->l, &vf->addr);
		if (a != NULL)
			assigned++;
		else if (vf->driver != NULL && srp_backend_is_stub(c->host, vf->driver))
			orphan++;
		else
			free_vfs++;
		snprintf(idx, sizeof(idx), "%d", vf->vf_index);
		netdevs_str(vf, net, sizeof(net));
		srp_metric_add(c->m, c->f[F_VF_INFO], 1, "vf", vf->name, "pf", d->name,
			       "pf_netdev", d->n_netdevs ? d->netdevs[0] : "", "index", idx,
			       "netdev", net, "driver", vf->driver, "tenant", a ? a->tenant : "",
			       "domain", a ? a->domain : "", "backend", a ? a->backend : "", NULL);
		if (vf->vf_index >= 0 && (size_t)vf->vf_index < t.n)
			vf_switch(c, vf, &t.vfs[vf->vf_index]);
	}
	srp_vf_table_free(&t);
	srp_metric_add(c->m, c->f[F_PF_VFS], assigned, "pf", d->name, "state", "assigned", NULL);
	srp_metric_add(c->m, c->f[F_PF_VFS], orphan, "pf", d->name, "state", "orphan", NULL);
	srp_metric_add(c->m, c->f[F_PF_VFS], free_vfs, "pf", d->name, "state", "free", NULL);
	srp_metric_add(c->m, c->f[F_PF_NUMVFS], d->numvfs, "pf", d->name, NULL);
	srp_metric_add(c->m, c->f[F_PF_TOTALVFS], d->totalvfs, "pf", d->name, NULL);
}

static int by_id(const void *x, const void *y)
{
	const struct srp_finding *a = x, *b = y;
	int r = strcmp(a->id, b->id);

	return r ? r : (int)a->severity - (int)b->severity;
}

/* The audit's findings, counted by (id, severity), sorted. */
static int findings(struct collect *c, const struct srp_config *cfg,
		    const struct srp_inventory *inv)
{
	struct srp_findings f = { 0 };
	struct srp_err e = { 0 };

	if (srp_audit(c->host, cfg, inv, c->l, c->sw, &f, &e) < 0) {
		warn(c, "the audit", &e);
		srp_findings_free(&f);
		return 0;
	}
	qsort(f.items, f.n, sizeof(*f.items), by_id);
	for (size_t i = 0; i < f.n;) {
		size_t k = i;

		while (k < f.n && by_id(&f.items[i], &f.items[k]) == 0)
			k++;
		srp_metric_add(c->m, c->f[F_FINDINGS], k - i, "id", f.items[i].id, "severity",
			       srp_severity_name(f.items[i].severity), NULL);
		i = k;
	}
	srp_findings_free(&f);
	return 1;
}

int srp_metrics_collect(struct srp_host *host, const struct srp_config *cfg,
			struct srp_metrics **ret, char *warn_buf, size_t warn_len,
			struct srp_err *err)
{
	struct collect c = { .host = host, .switch_ok = 1, .warn = warn_buf, .warn_len = warn_len };
	struct srp_inventory *inv = NULL;
	struct srp_ledger *l = NULL;
	int audit_ok, r = 0;

	warn_buf[0] = '\0';
	c.m = srp_metrics_new();
	if (c.m == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	r = srp_inventory_scan(host, &inv, err);
	if (r == 0)
		r = srp_ledger_peek(host, &l, err);
	if (r < 0)
		goto out;
	c.l = l;
	{
		struct srp_err e = { 0 };

		/* as in list: without the switch, its families stay empty */
		if (srp_host_switch_open(host, &c.sw, &e) < 0) {
			warn(&c, "the switch", &e);
			c.sw = NULL;
			c.switch_ok = 0;
		}
	}
	for (int i = 0; i < F_COUNT; i++)
		c.f[i] = srp_metrics_family(c.m, fams[i].name, fams[i].type, fams[i].help);
	for (size_t i = 0; i < inv->n_devs; i++)
		if (inv->devs[i].kind == SRP_DEV_PF)
			pf(&c, &inv->devs[i]);
	audit_ok = findings(&c, cfg, inv);
	srp_metric_add(c.m, c.f[F_COLLECTOR], (uint64_t)audit_ok, "collector", "audit", NULL);
	srp_metric_add(c.m, c.f[F_COLLECTOR], (uint64_t)c.switch_ok, "collector", "switch", NULL);
	if (c.m->oom)
		r = srp_err_set(err, -ENOMEM, "out of memory");
out:
	srp_switch_close(c.sw);
	srp_ledger_close(l);
	srp_inventory_free(inv);
	if (r < 0) {
		srp_metrics_free(c.m);
		return r;
	}
	*ret = c.m;
	return 0;
}
