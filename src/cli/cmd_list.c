/* SPDX-License-Identifier: MIT */
/* srpass -- `list` and `show`: the inventory for people and for scripts */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/backend.h"
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

/* The columns of list, by their -o names; the first 13 are the default. */
enum col {
	C_BDF, C_KIND, C_ID, C_DRIVER, C_GROUP, C_NUMA, C_NETDEV, C_VFS, C_MAC, C_VLAN,
	C_SPOOFCHK, C_TRUST, C_OWNER, C_PF, C_INDEX, C_TENANT, C_DOMAIN, C_BACKEND, C_NCOLS
};
#define N_DEFAULT_COLS 13

static const struct {
	const char *name, *head;
} cols[C_NCOLS] = {
	[C_BDF] = { "bdf", "DEVICE" },		[C_KIND] = { "kind", "KIND" },
	[C_ID] = { "id", "ID" },		[C_DRIVER] = { "driver", "DRIVER" },
	[C_GROUP] = { "group", "GROUP" },	[C_NUMA] = { "numa", "NUMA" },
	[C_NETDEV] = { "netdev", "NETDEV" },	[C_VFS] = { "vfs", "VFS" },
	[C_MAC] = { "mac", "MAC" },		[C_VLAN] = { "vlan", "VLAN" },
	[C_SPOOFCHK] = { "spoofchk", "SPOOFCHK" }, [C_TRUST] = { "trust", "TRUST" },
	[C_OWNER] = { "owner", "OWNER" },	[C_PF] = { "pf", "PF" },
	[C_INDEX] = { "index", "INDEX" },	[C_TENANT] = { "tenant", "TENANT" },
	[C_DOMAIN] = { "domain", "DOMAIN" },	[C_BACKEND] = { "backend", "BACKEND" },
};

struct view {
	enum col col[SRP_TABLE_MAXCOLS];
	size_t ncols;
	int custom;		/* -o: flat rows, no indent */
	const char *tenant;	/* --tenant: only its VFs */
	int free_only;		/* --free: only VFs nobody holds */
	int all;		/* --all: plain functions too */
};

/* "-o bdf,pf,netdev" into v; -1 (and the word in *bad) if a name is unknown */
static int parse_cols(struct view *v, char *arg, const char **bad)
{
	v->ncols = 0;
	v->custom = 1;
	for (char *save = NULL, *w = strtok_r(arg, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		size_t c = 0;

		while (c < C_NCOLS && strcmp(cols[c].name, w) != 0)
			c++;
		if (c == C_NCOLS || v->ncols == SRP_TABLE_MAXCOLS) {
			*bad = w;
			return -1;
		}
		v->col[v->ncols++] = (enum col)c;
	}
	if (v->ncols == 0) {
		*bad = "";
		return -1;
	}
	return 0;
}

/* A VF nobody holds: not in the ledger, and not on a stub driver (an
 * orphan someone else assigned) */
static int is_free(struct srp_cli *cli, const struct srp_dev *d, const struct srp_assignment *a)
{
	return a == NULL && (d->driver == NULL || !srp_backend_is_stub(cli->host, d->driver));
}

/* Whether d gets a row (and, with --json, stays in the document). */
static int shown(struct srp_cli *cli, const struct view *v, const struct srp_dev *d,
		 const struct extras *x)
{
	const struct srp_assignment *a;

	if (v->tenant == NULL && !v->free_only)
		return d->kind != SRP_DEV_PLAIN || v->all;
	if (d->kind != SRP_DEV_VF)
		return 0;
	a = x->l ? srp_ledger_find(x->l, &d->addr) : NULL;
	if (v->tenant != NULL)
		return a != NULL && strcmp(a->tenant, v->tenant) == 0;
	return is_free(cli, d, a);
}

static void add_row(struct srp_table *t, const struct view *v, const struct srp_dev *d,
		    const char *indent, struct extras *x)
{
	char dev[32], id[16], grp[16], numa[16], net[128], vfs[32], kind[16], idx[16];
	char mac[SRP_VF_MACSTRLEN], vlan[16], owner[160];
	const char *spoof = "", *trust = "", *cells[SRP_TABLE_MAXCOLS];
	const char *pf = "", *tenant = "", *domain = "", *backend = "";
	const struct srp_vf_state *st = NULL;
	const struct srp_assignment *a = NULL;

	snprintf(dev, sizeof(dev), "%s%s", v->custom ? "" : indent, d->name);
	snprintf(id, sizeof(id), "%04x:%04x", d->vendor, d->device);
	snprintf(numa, sizeof(numa), "%d", d->numa_node);
	vfs[0] = idx[0] = '\0';
	if (d->kind == SRP_DEV_PF) {
		snprintf(kind, sizeof(kind), "PF");
		snprintf(vfs, sizeof(vfs), "%u/%u", d->numvfs, d->totalvfs);
	} else if (d->kind == SRP_DEV_VF) {
		snprintf(kind, sizeof(kind), "VF %d", d->vf_index);
		snprintf(idx, sizeof(idx), "%d", d->vf_index);
		pf = d->pf->name;
	} else {
		snprintf(kind, sizeof(kind), "-");
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
	if (a != NULL) {
		snprintf(owner, sizeof(owner), "%s/%s (%s)", a->tenant, a->domain, a->backend);
		tenant = a->tenant;
		domain = a->domain;
		backend = a->backend;
	}
	const char *all[C_NCOLS] = {
		[C_BDF] = dev, [C_KIND] = kind, [C_ID] = id, [C_DRIVER] = d->driver,
		[C_GROUP] = group_str(d, grp, sizeof(grp)),
		[C_NUMA] = d->numa_node < 0 ? "-" : numa,
		[C_NETDEV] = netdevs_str(d, net, sizeof(net)), [C_VFS] = vfs, [C_MAC] = mac,
		[C_VLAN] = vlan, [C_SPOOFCHK] = spoof, [C_TRUST] = trust, [C_OWNER] = owner,
		[C_PF] = pf, [C_INDEX] = idx, [C_TENANT] = tenant, [C_DOMAIN] = domain,
		[C_BACKEND] = backend,
	};
	for (size_t c = 0; c < v->ncols; c++)
		cells[c] = all[v->col[c]];
	srp_table_add(t, cells);
}

/* --color: the heading bold, a trusted VF and one without spoof
 * checking red, the owner green (arg: the view; row 0 is the heading
 * unless --no-headers, which then passes NULL) */
struct paint {
	const struct view *v;
	int headed;
};

static const char *paint_cell(size_t col, size_t row, const char *cell, void *arg)
{
	const struct paint *p = arg;

	if (p->headed && row == 0)
		return "1";
	switch (p->v->col[col]) {
	case C_TRUST:
		return strcmp(cell, "on") == 0 ? "1;31" : NULL;
	case C_SPOOFCHK:
		return strcmp(cell, "off") == 0 ? "1;31" : NULL;
	case C_OWNER:
	case C_TENANT:
		return cell[0] != '\0' && strcmp(cell, "-") != 0 ? "32" : NULL;
	default:
		return NULL;
	}
}

/* The document without the devices the filters leave out. */
static void filter_json(struct srp_cli *cli, const struct view *v, struct json_object *o,
			const struct srp_inventory *inv, const struct extras *x)
{
	struct json_object *devs;

	if ((v->tenant == NULL && !v->free_only) || o == NULL ||
	    !json_object_object_get_ex(o, "devices", &devs))
		return;
	for (size_t i = inv->n_devs; i-- > 0;)
		if (!shown(cli, v, &inv->devs[i], x))
			json_object_array_del_idx(devs, i, 1);
}

int cmd_list(struct srp_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "all", no_argument, NULL, 'a' },
		{ "tenant", required_argument, NULL, 't' },
		{ "free", no_argument, NULL, 'f' },
		{ "no-headers", no_argument, NULL, 'H' },
		{ "output", required_argument, NULL, 'o' },
		{ "color", optional_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	struct view v = { .ncols = N_DEFAULT_COLS };
	struct srp_inventory *inv = NULL;
	struct srp_ledger *l = NULL;
	struct extras x = { 0 };
	struct srp_table t;
	unsigned long seen = 0;
	int c, headers = 1, rc;
	const char *bad;

	for (size_t i = 0; i < N_DEFAULT_COLS; i++)
		v.col[i] = (enum col)i;
	while ((c = getopt_long(argc, argv, "jat:fHo:", opts, NULL)) != -1) {
		if (srp_cli_once("list", opts, c, &seen) < 0)
			return srp_cli_usage(cli, NULL);
		switch (c) {
		case 'j':
			cli->json = 1;
			break;
		case 'a':
			v.all = 1;
			break;
		case 't':
			v.tenant = optarg;
			break;
		case 'f':
			v.free_only = 1;
			break;
		case 'H':
			headers = 0;
			break;
		case 'o':
			if (parse_cols(&v, optarg, &bad) < 0)
				return srp_cli_usage(cli, "-o: no column '%s' (at most %d of: bdf pf "
						     "index kind id driver group numa netdev vfs "
						     "mac vlan spoofchk trust owner tenant domain "
						     "backend)", bad, SRP_TABLE_MAXCOLS);
			break;
		case 'C':
			if (srp_cli_color_parse(cli, optarg) == 0)
				break;
			return srp_cli_usage(cli, "--color='%s': want auto, always or never",
					     optarg);
		default:
			return srp_cli_badopt(cli, argv);
		}
	}
	if (optind != argc)
		return srp_cli_usage(cli, "list takes no operands ('%s')", argv[optind]);
	if (v.tenant != NULL && v.free_only)
		return srp_cli_usage(cli, "--tenant and --free exclude each other (a free VF has "
				     "no tenant)");
	if (v.tenant != NULL && v.tenant[0] == '\0')
		return srp_cli_usage(cli, "--tenant: empty name");
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
		struct json_object *o = list_json(inv, cli->root, &x);

		filter_json(cli, &v, o, inv, &x);
		rc = print_json(cli, o);
		goto out;
	}

	const char *head[SRP_TABLE_MAXCOLS];

	for (size_t i = 0; i < v.ncols; i++)
		head[i] = cols[v.col[i]].head;
	srp_table_init(&t, v.ncols);
	if (headers)
		srp_table_add(&t, head);
	for (size_t i = 0; i < inv->n_devs; i++) {
		const struct srp_dev *d = &inv->devs[i];

		if (d->kind == SRP_DEV_PF) {
			if (shown(cli, &v, d, &x))
				add_row(&t, &v, d, "", &x);
			for (size_t k = 0; k < d->n_vfs; k++)
				if (d->vfs[k] != NULL && shown(cli, &v, d->vfs[k], &x))
					add_row(&t, &v, d->vfs[k], "  ", &x);
		} else if (d->kind == SRP_DEV_PLAIN && shown(cli, &v, d, &x)) {
			add_row(&t, &v, d, "", &x);
		}
	}
	rc = SRP_EXIT_OK;
	if (t.nrows == (size_t)headers && v.tenant == NULL && !v.free_only && !v.all) {
		/* said on stderr: a script reading the rows gets none */
		fprintf(stderr, "srpass list: no SR-IOV capable devices under '%s' (--all lists "
			"every PCI function)\n", cli->root);
	} else {
		struct paint p = { &v, headers };

		if (srp_table_print_painted(&t, cli->out, srp_cli_color(cli) ? paint_cell : NULL,
					    &p) < 0) {
			srp_err_set(&cli->err, -ENOMEM, "out of memory");
			rc = SRP_EXIT_FAIL;
		}
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

/* show --json: the device as list has it, with "version"; a VF with its
 * "owner" and "switch", as in list (null: nobody holds it, the PF does
 * not say) */
static struct json_object *show_json(const struct srp_dev *d, const struct srp_assignment *a,
				     const struct srp_vf_state *st)
{
	struct json_object *o = srp_dev_to_json(d), *ow = NULL;

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "version", json_object_new_int(1));
	if (d->kind != SRP_DEV_VF)
		return o;
	if (a != NULL) {
		ow = json_object_new_object();
		json_object_object_add(ow, "tenant", json_object_new_string(a->tenant));
		json_object_object_add(ow, "domain", json_object_new_string(a->domain));
		json_object_object_add(ow, "backend", json_object_new_string(a->backend));
	}
	json_object_object_add(o, "owner", ow);
	json_object_object_add(o, "switch", st ? srp_vf_state_to_json(st, 0) : NULL);
	return o;
}

/* "mac 02:..., vlan 100, spoofchk on, trust off" of what the PF reports */
static const char *switch_str(const struct srp_vf_state *st, char *buf, size_t len)
{
	char mac[SRP_VF_MACSTRLEN];
	size_t off = 0;

	buf[0] = '\0';
	if (st->known & SRP_VF_MAC)
		off += (size_t)snprintf(buf + off, len - off, "mac %s", srp_vf_mac_format(st->mac, mac));
	if ((st->known & SRP_VF_VLAN) && off < len)
		off += (size_t)snprintf(buf + off, len - off, "%svlan %u", off ? ", " : "", st->vlan);
	if ((st->known & SRP_VF_SPOOFCHK) && off < len)
		off += (size_t)snprintf(buf + off, len - off, "%sspoofchk %s", off ? ", " : "",
					st->spoofchk ? "on" : "off");
	if ((st->known & SRP_VF_TRUST) && off < len)
		snprintf(buf + off, len - off, "%strust %s", off ? ", " : "", st->trust ? "on" : "off");
	return buf[0] ? buf : NULL;
}

int cmd_show(struct srp_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct srp_inventory *inv = NULL;
	struct srp_ledger *l = NULL;
	struct extras x = { 0 };
	const struct srp_assignment *a = NULL;
	const struct srp_vf_state *st = NULL;
	const struct srp_dev *d;
	struct srp_bdf addr;
	char buf[256];
	FILE *out = cli->out;
	int c, rc = SRP_EXIT_OK;

	while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		if (c != 'j')
			return srp_cli_badopt(cli, argv);
		cli->json = 1;
	}
	if (optind + 1 != argc)
		return srp_cli_usage(cli, optind == argc ? "which function? (a BDF or a netdev "
				     "name)" : "one function at a time");
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
	if (d->kind == SRP_DEV_VF) {
		if (srp_ledger_peek(cli->host, &l, &cli->err) < 0) {
			srp_inventory_free(inv);
			return SRP_EXIT_FAIL;
		}
		a = srp_ledger_find(l, &d->addr);
		/* the switch settings are a bonus, as in list */
		if (srp_host_switch_open(cli->host, &x.sw, NULL) < 0)
			x.sw = NULL;
		st = vf_state(&x, d);
	}
	if (cli->json) {
		rc = print_json(cli, show_json(d, a, st));
		goto out;
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
		if (a != NULL)
			snprintf(buf, sizeof(buf), "tenant %s, domain %s (%s)", a->tenant, a->domain,
				 a->backend);
		show_line(out, "owner", a ? buf : NULL);
		show_line(out, "switch", st ? switch_str(st, buf, sizeof(buf)) : NULL);
	}
out:
	srp_vf_table_free(&x.table);
	srp_switch_close(x.sw);
	srp_ledger_close(l);
	srp_inventory_free(inv);
	return rc;
}
