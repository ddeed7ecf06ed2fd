/* SPDX-License-Identifier: MIT */
/* srpass -- `vf show` and `vf set`: a VF's MAC, VLAN, spoof checking, trust, rates */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "base/util.h"
#include "core/names.h"
#include "core/vfset.h"
#include "core/ledger.h"
#include "core/host.h"
#include "srpass/inventory.h"
#include "switch/vfswitch.h"

/* The VF and how to reach its switch port. */
struct vf_target {
	char vf[SRP_BDF_STRLEN];
	char pf[SRP_BDF_STRLEN];
	struct srp_bdf pf_addr;
	char netdev[SRP_VF_IFNAMSIZ];
	char driver[64];		/* "" if the PF has none */
	unsigned int index;
};

/* Find VF arg in the inventory; SRP_EXIT_* on failure with cli->err set. */
static int resolve(struct srp_cli *cli, const char *arg, struct vf_target *t)
{
	struct srp_inventory *inv = NULL;
	const struct srp_dev *d, *pf;
	struct srp_bdf addr;
	int rc = SRP_EXIT_FAIL;

	if (srp_function_by_name(cli->host, arg, &addr, &cli->err) < 0)
		return SRP_EXIT_FAIL;	/* exit 2 for bad input: run.c */
	if (srp_inventory_scan(cli->host, &inv, &cli->err) < 0)
		return SRP_EXIT_FAIL;
	srp_bdf_format(&addr, t->vf);
	d = srp_inventory_find(inv, &addr);
	if (d == NULL) {
		srp_err_set(&cli->err, -ENODEV, "no PCI function %s under '%s'", t->vf, cli->root);
		goto out;
	}
	if (d->kind != SRP_DEV_VF || d->pf == NULL || d->vf_index < 0) {
		srp_err_set(&cli->err, -EINVAL, "%s is %s, not a VF", t->vf,
			    d->kind == SRP_DEV_PF ? "a PF" : "a plain PCI function");
		goto out;
	}
	pf = d->pf;
	snprintf(t->pf, sizeof(t->pf), "%s", pf->name);
	t->pf_addr = pf->addr;
	t->index = (unsigned int)d->vf_index;
	snprintf(t->driver, sizeof(t->driver), "%s", pf->driver ? pf->driver : "");
	/* A PF with two ports on one function (mlx4) lists two netdevs; the
	 * VF switch is reachable through either, so take the first. */
	if (pf->n_netdevs == 0) {
		srp_err_set(&cli->err, -ENODEV,
			    "PF %s of VF %s has no network interface (driver '%s'), so its VF "
			    "switch cannot be reached; bind the PF to its network driver",
			    t->pf, t->vf, pf->driver ? pf->driver : "none");
		goto out;
	}
	if (!srp_vf_ifname_valid(pf->netdevs[0])) {
		srp_err_set(&cli->err, -EINVAL, "PF %s has network interface '%s', an unusable name",
			    t->pf, pf->netdevs[0]);
		goto out;
	}
	snprintf(t->netdev, sizeof(t->netdev), "%s", pf->netdevs[0]);
	rc = SRP_EXIT_OK;
out:
	srp_inventory_free(inv);
	return rc;
}

/* The VF's state from the switch, with the PF's link. */
static int read_vf(struct srp_cli *cli, struct srp_switch *sw, const struct vf_target *t,
		   struct srp_vf_state *ret, int *ret_link_up)
{
	struct srp_vf_table tab = { 0 };
	int r;

	r = srp_switch_get_vfs(sw, t->netdev, &tab, &cli->err);
	if (r < 0)
		return r;
	if (t->index >= tab.num_vfs)
		r = srp_err_set(&cli->err, -ENODEV,
				"PF '%s' has %u VFs on its switch; VF %u is not among them", t->netdev,
				tab.num_vfs, t->index);
	else if (t->index >= tab.n || tab.vfs[t->index].known == 0)
		r = srp_err_set(&cli->err, -EOPNOTSUPP,
				"driver '%s' of PF '%s' reports no switch settings for VF %u",
				t->driver[0] ? t->driver : "?", t->netdev, t->index);
	else {
		*ret = tab.vfs[t->index];
		*ret_link_up = tab.link_up;
	}
	srp_vf_table_free(&tab);
	return r;
}

static const char *onoff(const struct srp_vf_state *st, unsigned int bit, int v)
{
	if (!(st->known & bit))
		return "- (not reported)";
	return v ? "on" : "off";
}

static const char *rate(const struct srp_vf_state *st, unsigned int bit, uint32_t v,
			char *buf, size_t len)
{
	if (!(st->known & bit))
		return "- (not reported)";
	if (v == 0)
		return "none";
	snprintf(buf, len, "%" PRIu32 " Mbps", v);
	return buf;
}

static void line(FILE *out, const char *key, const char *val)
{
	fprintf(out, "%-18s %s\n", key, val);
}

static void print_text(FILE *out, const struct vf_target *t, const struct srp_vf_state *st,
		       int link_up, enum srp_hwmode hw, enum srp_eswitch_mode es)
{
	char buf[256], mac[SRP_VF_MACSTRLEN];

	snprintf(buf, sizeof(buf), "%s (VF %u of %s)", t->vf, t->index, t->pf);
	line(out, "vf", buf);
	snprintf(buf, sizeof(buf), "%s (driver %s, link %s)", t->netdev,
		 t->driver[0] ? t->driver : "-",
		 link_up < 0 ? "unknown" : link_up ? "up" : "down");
	line(out, "pf_netdev", buf);
	line(out, "mac", (st->known & SRP_VF_MAC) ? srp_vf_mac_format(st->mac, mac) :
		       "- (not reported)");
	if (!(st->known & SRP_VF_VLAN))
		line(out, "vlan", "- (not reported)");
	else if (st->vlan == 0)
		line(out, "vlan", "none");
	else {
		snprintf(buf, sizeof(buf), "%u qos %u proto %s", st->vlan, st->qos,
			 srp_vf_vlan_proto_name(st->vlan_proto) ?: "?");
		line(out, "vlan", buf);
	}
	line(out, "spoofchk", onoff(st, SRP_VF_SPOOFCHK, st->spoofchk));
	line(out, "trust", onoff(st, SRP_VF_TRUST, st->trust));
	line(out, "link_state", (st->known & SRP_VF_LINK_STATE) ?
		       srp_vf_link_state_name(st->link_state) : "- (not reported)");
	line(out, "max_tx_rate", rate(st, SRP_VF_MAX_RATE, st->max_tx_rate, buf, sizeof(buf)));
	line(out, "min_tx_rate", rate(st, SRP_VF_MIN_RATE, st->min_tx_rate, buf, sizeof(buf)));
	line(out, "query_rss", onoff(st, SRP_VF_QUERY_RSS, st->rss_query_en));
	if (st->known & SRP_VF_STATS) {
		const struct srp_vf_stats *s = &st->stats;

		snprintf(buf, sizeof(buf),
			 "rx %" PRIu64 " packets %" PRIu64 " bytes %" PRIu64 " dropped, "
			 "tx %" PRIu64 " packets %" PRIu64 " bytes %" PRIu64 " dropped, "
			 "%" PRIu64 " broadcast, %" PRIu64 " multicast",
			 s->rx_packets, s->rx_bytes, s->rx_dropped, s->tx_packets, s->tx_bytes,
			 s->tx_dropped, s->broadcast, s->multicast);
		line(out, "stats", buf);
	}
	line(out, "hwmode", srp_hwmode_name(hw));
	line(out, "eswitch_mode", srp_eswitch_mode_name(es));
}

static int print_json(struct srp_cli *cli, const struct vf_target *t,
		      const struct srp_vf_state *st, int link_up, enum srp_hwmode hw,
		      enum srp_eswitch_mode es)
{
	struct json_object *o = json_object_new_object(), *s;

	s = srp_vf_state_to_json(st, SRP_VF_JSON_STATS);
	if (o == NULL || s == NULL) {
		json_object_put(o);
		json_object_put(s);
		srp_err_set(&cli->err, -ENOMEM, "out of memory");
		return SRP_EXIT_FAIL;
	}
	json_object_object_add(o, "version", json_object_new_int(1));
	json_object_object_add(o, "vf", json_object_new_string(t->vf));
	json_object_object_add(o, "vf_index", json_object_new_int64(t->index));
	json_object_object_add(o, "pf", json_object_new_string(t->pf));
	json_object_object_add(o, "pf_netdev", json_object_new_string(t->netdev));
	json_object_object_add(o, "driver", t->driver[0] ? json_object_new_string(t->driver) : NULL);
	json_object_object_add(o, "pf_link_up", link_up < 0 ? NULL : json_object_new_boolean(link_up));
	json_object_object_add(o, "hwmode", json_object_new_string(srp_hwmode_name(hw)));
	json_object_object_add(o, "eswitch_mode", json_object_new_string(srp_eswitch_mode_name(es)));
	json_object_object_add(o, "switch", s);
	fprintf(cli->out, "%s\n",
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return SRP_EXIT_OK;
}

static int vf_show(struct srp_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct srp_switch *sw = NULL;
	struct vf_target t;
	struct srp_vf_state st;
	enum srp_hwmode hw = SRP_HWMODE_UNSUPPORTED;
	enum srp_eswitch_mode es = SRP_ESWITCH_UNSUPPORTED;
	int c, rc, link_up = -1;

	while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1)
		if (c != 'j')
			return srp_cli_badopt(cli, argv);
	if (optind + 1 != argc)
		return srp_cli_usage(cli, "%s", optind == argc ? "which VF?" : "one VF at a time");
	rc = resolve(cli, argv[optind], &t);
	if (rc != SRP_EXIT_OK)
		return rc;
	if (srp_host_switch_open(cli->host, &sw, &cli->err) < 0)
		return SRP_EXIT_FAIL;
	if (read_vf(cli, sw, &t, &st, &link_up) < 0 ||
	    srp_switch_get_hwmode(sw, t.netdev, &hw, &cli->err) < 0 ||
	    srp_switch_get_eswitch_mode(sw, &t.pf_addr, &es, &cli->err) < 0) {
		srp_err_prefix(&cli->err, "VF %s: ", t.vf);
		srp_switch_close(sw);
		return SRP_EXIT_FAIL;
	}
	srp_switch_close(sw);
	if (cli->json)
		return print_json(cli, &t, &st, link_up, hw, es);
	print_text(cli->out, &t, &st, link_up, hw, es);
	return SRP_EXIT_OK;
}

static int vf_set(struct srp_cli *cli, int argc, char **argv)
{
	struct srp_plan plan = srp_cli_plan(cli);
	struct srp_vf_change want;
	struct srp_vf_set_req req = { .change = &want };
	struct json_object *o;
	int i = 1, ip, settings;
	unsigned long n = 0;
	struct srp_bdf pf;

	/* No getopt here: "-1" is a (bad) rate for the parser to name, not an option. */
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--dry-run") == 0 || strcmp(argv[i], "-n") == 0)
			req.dry_run = 1;
		else if (strcmp(argv[i], "--force") == 0)
			req.force = 1;
		else
			return srp_cli_usage(cli, "vf set: unknown option '%s'", argv[i]);
	}
	if (i >= argc)
		return srp_cli_usage(cli, "vf set: which VF?");
	/* ip-link's form: PF vf N SETTING... */
	ip = i + 2 < argc && strcmp(argv[i + 1], "vf") == 0;
	if (ip && srp_parse_ulong(argv[i + 2], 10, 0, 65535, &n) < 0) {
		return srp_cli_usage(cli, "vf set: vf '%s' is not a VF number", argv[i + 2]);
	}
	/* Every value is checked before anything is looked up or changed. */
	settings = i + (ip ? 3 : 1);
	if (srp_vf_change_parse(argc - settings, argv + settings, &want, &cli->err) < 0) {
		cli->err.flags |= SRP_ERR_INPUT;
		return SRP_EXIT_USAGE;
	}
	if (srp_function_by_name(cli->host, argv[i], ip ? &pf : &req.vf, &cli->err) < 0 ||
	    (ip && srp_vf_of(cli->host, &pf, (unsigned int)n, &req.vf, &cli->err) < 0))
		return SRP_EXIT_FAIL;	/* exit 2 for bad input: run.c */
	if (srp_vf_set(cli->host, cli->cfg, &req, &plan, &cli->err) < 0) {
		srp_err_prefix(&cli->err, "VF %s: ", argv[i]);
		return SRP_EXIT_FAIL;
	}
	o = srp_cli_result(cli, 1, req.dry_run);
	if (o != NULL)
		json_object_object_add(o, "vf", json_object_new_string(srp_bdf_format(&req.vf,
								(char[SRP_BDF_STRLEN]){ 0 })));
	return SRP_EXIT_OK;
}

int cmd_vf(struct srp_cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return srp_cli_usage(cli, "which subcommand? (show, set)");
	/* the subcommand's own options start after its name */
	if (strcmp(argv[1], "show") == 0)
		return vf_show(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "set") == 0)
		return vf_set(cli, argc - 1, argv + 1);
	return srp_cli_usage(cli, "unknown subcommand '%s' (show, set)", argv[1]);
}
