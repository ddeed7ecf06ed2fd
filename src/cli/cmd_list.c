/* SPDX-License-Identifier: MIT */
/* srpass -- `list` and `show`: the inventory for people and for scripts */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/names.h"
#include "core/host.h"
#include "core/ledger.h"
#include "switch/vfswitch.h"
#include "core/invjson.h"
#include "srpass/inventory.h"
#include "cli/table.h"

static int print_json(struct srp_cli *cli, struct json_object *o)
{
	if (o == NULL) {
		srp_err_set(&cli->err, -ENOMEM, "out of memory");
		return SRP_EXIT_FAIL;
	}
	fprintf(cli->out, "%s\n",
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return SRP_EXIT_OK;
}

/* What list shows beyond the inventory: owners from the ledger, and each
 * VF's switch settings as its PF reports them. */
struct extras {
	const struct srp_ledger *l;
	struct srp_switch *sw;
	const struct srp_dev *pf;	/* whose table is loaded */
	struct srp_vf_table table;
};

static const struct srp_vf_state *vf_state(struct extras *x, const struct srp_dev *vf)
{
	if (x->sw == NULL || vf->pf == NULL || vf->pf->n_netdevs == 0)
		return NULL;
	if (x->pf != vf->pf) {
		srp_vf_table_free(&x->table);
		x->pf = vf->pf;
		if (srp_switch_get_vfs(x->sw, vf->pf->netdevs[0], &x->table, NULL) < 0)
			memset(&x->table, 0, sizeof(x->table));
	}
	return (size_t)vf->vf_index < x->table.n ? &x->table.vfs[vf->vf_index] : NULL;
}

/* The inventory JSON, with each VF's "owner" and "switch" added. */
static struct json_object *list_json(const struct srp_inventory *inv, const char *root,
				     struct extras *x)
{
	struct json_object *o = srp_inventory_to_json(inv, root), *devs;

	if (o == NULL || !json_object_object_get_ex(o, "devices", &devs))
		return o;
	for (size_t i = 0; i < inv->n_devs; i++) {
		const struct srp_dev *d = &inv->devs[i];
		struct json_object *dj = json_object_array_get_idx(devs, i), *ow = NULL;
		const struct srp_assignment *a;
		const struct srp_vf_state *st;

		if (d->kind != SRP_DEV_VF)
			continue;
		a = x->l ? srp_ledger_find(x->l, &d->addr) : NULL;
		if (a != NULL) {
			ow = json_object_new_object();
			json_object_object_add(ow, "tenant", json_object_new_string(a->tenant));
			json_object_object_add(ow, "domain", json_object_new_string(a->domain));
			json_object_object_add(ow, "backend", json_object_new_string(a->backend));
		}
		json_object_object_add(dj, "owner", ow);
		st = vf_state(x, d);
		json_object_object_add(dj, "switch", st ? srp_vf_state_to_json(st, 0) : NULL);
	}
	return o;
}

static const char *group_str(const struct srp_dev *d, char *buf, size_t len)
{
	if (d->group == NULL)
		return "-";
	snprintf(buf, len, "%u", d->group->id);
	return buf;
}

static const char *netdevs_str(const struct srp_dev *d, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < d->n_netdevs && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? "," : "", d->netdevs[i]);
	return d->n_netdevs ? buf : "-";
}

static void add_row(struct srp_table *t, const struct srp_dev *d, const char *indent,
		    struct extras *x)
{
	char dev[32], id[16], grp[16], numa[16], net[128], vfs[32], kind[16];
	char mac[SRP_VF_MACSTRLEN], vlan[16], owner[160];
	const char *spoof = "", *trust = "";
	const struct srp_vf_state *st = NULL;
	const struct srp_assignment *a = NULL;

	snprintf(dev, sizeof(dev), "%s%s", indent, d->name);
	snprintf(id, sizeof(id), "%04x:%04x", d->vendor, d->device);
	snprintf(numa, sizeof(numa), "%d", d->numa_node);
	if (d->kind == SRP_DEV_PF) {
		snprintf(kind, sizeof(kind), "PF");
		snprintf(vfs, sizeof(vfs), "%u/%u", d->numvfs, d->totalvfs);
	} else if (d->kind == SRP_DEV_VF) {
		snprintf(kind, sizeof(kind), "VF %d", d->vf_index);
		vfs[0] = '\0';
	} else {
		snprintf(kind, sizeof(kind), "-");
		vfs[0] = '\0';
	}
	mac[0] = vlan[0] = owner[0] = '\0';
	if (d->kind == SRP_DEV_VF) {
		st = vf_state(x, d);
		a = x->l ? srp_ledger_find(x->l, &d->addr) : NULL;
	}
	if (st != NULL) {
		if (st->known & SRP_VF_MAC)
			srp_vf_mac_format(st->mac, mac);
		if (st->known & SRP_VF_VLAN)
			snprintf(vlan, sizeof(vlan), "%u", st->vlan);
		if (st->known & SRP_VF_SPOOFCHK)
			spoof = st->spoofchk ? "on" : "off";
		if (st->known & SRP_VF_TRUST)
			trust = st->trust ? "on" : "off";
	}
	if (a != NULL)
		snprintf(owner, sizeof(owner), "%s/%s (%s)", a->tenant, a->domain, a->backend);
	const char *cells[] = {
		dev, kind, id, d->driver, group_str(d, grp, sizeof(grp)),
		d->numa_node < 0 ? "-" : numa, netdevs_str(d, net, sizeof(net)), vfs,
		mac, vlan, spoof, trust, owner,
	};
	srp_table_add(t, cells);
}

int cmd_list(struct srp_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct srp_inventory *inv = NULL;
	struct srp_ledger *l = NULL;
	struct extras x = { 0 };
	struct srp_table t;
	int c, all = 0, rc;

	while ((c = getopt_long(argc, argv, "ja", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			cli->json = 1;
			break;
		case 'a':
			all = 1;
			break;
		default:
			fprintf(stderr, "usage: srpass list [--json] [--all]\n");
			return SRP_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "usage: srpass list [--json] [--all]\n");
		return SRP_EXIT_USAGE;
	}
	if (srp_inventory_scan(cli->host, &inv, &cli->err) < 0 ||
	    srp_ledger_peek(cli->host, &l, &cli->err) < 0) {
		srp_inventory_free(inv);
		return SRP_EXIT_FAIL;
	}
	x.l = l;
	/* switch columns are a bonus: without netlink access they stay empty */
	if (srp_host_switch_open(cli->host, &x.sw, NULL) < 0)
		x.sw = NULL;
	if (cli->json) {
		rc = print_json(cli, list_json(inv, cli->root, &x));
		goto out;
	}

	static const char *const head[] = {
		"DEVICE", "KIND", "ID", "DRIVER", "GROUP", "NUMA", "NETDEV", "VFS",
		"MAC", "VLAN", "SPOOFCHK", "TRUST", "OWNER",
	};
	srp_table_init(&t, 13);
	srp_table_add(&t, head);
	for (size_t i = 0; i < inv->n_devs; i++) {
		const struct srp_dev *d = &inv->devs[i];

		if (d->kind == SRP_DEV_PF) {
			add_row(&t, d, "", &x);
			for (size_t v = 0; v < d->n_vfs; v++)
				if (d->vfs[v] != NULL)
					add_row(&t, d->vfs[v], "  ", &x);
		} else if (d->kind == SRP_DEV_PLAIN && all) {
			add_row(&t, d, "", &x);
		}
	}
	rc = SRP_EXIT_OK;
	if (t.nrows == 1 && !all)
		fprintf(cli->out, "no SR-IOV capable devices under '%s' (--all lists every PCI function)\n",
			cli->root);
	else if (srp_table_print(&t, cli->out) < 0) {
		srp_err_set(&cli->err, -ENOMEM, "out of memory");
		rc = SRP_EXIT_FAIL;
	}
	srp_table_free(&t);
out:
	srp_vf_table_free(&x.table);
	srp_switch_close(x.sw);
	srp_ledger_close(l);
	srp_inventory_free(inv);
	return rc;
}

static void show_line(FILE *out, const char *key, const char *val)
{
	fprintf(out, "%-18s %s\n", key, val ? val : "-");
}

int cmd_show(struct srp_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct srp_inventory *inv = NULL;
	const struct srp_dev *d;
	struct srp_bdf addr;
	char buf[256];
	FILE *out = cli->out;
	int c;

	while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		if (c != 'j') {
			fprintf(stderr, "usage: srpass show [--json] BDF\n");
			return SRP_EXIT_USAGE;
		}
		cli->json = 1;
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: srpass show [--json] BDF\n");
		return SRP_EXIT_USAGE;
	}
	if (srp_function_by_name(cli->host, argv[optind], &addr, &cli->err) < 0)
		return SRP_EXIT_FAIL;	/* exit 2 for bad input: run.c */
	if (srp_inventory_scan(cli->host, &inv, &cli->err) < 0)
		return SRP_EXIT_FAIL;
	d = srp_inventory_find(inv, &addr);
	if (d == NULL) {
		srp_bdf_format(&addr, buf);
		srp_err_set(&cli->err, -ENODEV, "no PCI function %s under '%s'", buf, cli->root);
		srp_inventory_free(inv);
		return SRP_EXIT_FAIL;
	}
	if (cli->json) {
		int rc = print_json(cli, srp_dev_to_json(d));

		srp_inventory_free(inv);
		return rc;
	}
	show_line(out, "address", d->name);
	show_line(out, "kind", srp_dev_kind_name(d->kind));
	snprintf(buf, sizeof(buf), "%04x:%04x", d->vendor, d->device);
	show_line(out, "id", buf);
	show_line(out, "vendor", d->vendor_name);
	show_line(out, "device", d->device_name);
	snprintf(buf, sizeof(buf), "%06x", d->class);
	show_line(out, "class", buf);
	show_line(out, "driver", d->driver);
	show_line(out, "driver_override", d->driver_override);
	show_line(out, "iommu_group", group_str(d, buf, sizeof(buf)));
	if (d->group != NULL) {
		size_t off = 0;

		buf[0] = '\0';
		for (size_t i = 0; i < d->group->n_members && off < sizeof(buf); i++)
			off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", i ? " " : "",
						d->group->members[i]->name);
		show_line(out, "group_members", buf);
	}
	snprintf(buf, sizeof(buf), "%d", d->numa_node);
	show_line(out, "numa_node", buf);
	show_line(out, "netdevs", netdevs_str(d, buf, sizeof(buf)));
	if (d->kind == SRP_DEV_PF) {
		snprintf(buf, sizeof(buf), "%u of %u (offset %u, stride %u, VF id %04x, autoprobe %s)",
			 d->numvfs, d->totalvfs, d->vf_offset, d->vf_stride, d->vf_device,
			 d->drivers_autoprobe < 0 ? "?" : d->drivers_autoprobe ? "on" : "off");
		show_line(out, "sriov", buf);
	} else if (d->kind == SRP_DEV_VF) {
		snprintf(buf, sizeof(buf), "%s (VF %d)", d->pf->name, d->vf_index);
		show_line(out, "pf", buf);
	}
	srp_inventory_free(inv);
	return SRP_EXIT_OK;
}
