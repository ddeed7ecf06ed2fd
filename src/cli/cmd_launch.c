/* SPDX-License-Identifier: MIT */
/* srpass -- `launch`: a guest's QEMU arguments, libvirt devices or xl pci= line, from the ledger */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "base/util.h"
#include "core/launch.h"
#include "core/ledger.h"
#include "core/host.h"
#include "core/names.h"

static const char *const formats[] = {
	[SRP_LAUNCH_QEMU] = "qemu", [SRP_LAUNCH_LIBVIRT] = "libvirt", [SRP_LAUNCH_XL] = "xl",
};

struct launch_args {
	struct srp_launch_opts o;
	const char *domain, *tenant, *domain_xml;
	int have_addr, have_net, have_netdev;
};

static int by_bdf(const void *x, const void *y)
{
	const struct srp_assignment *const *a = x, *const *b = y;

	return srp_bdf_cmp(&(*a)->vf, &(*b)->vf);
}

/* The VFs to launch: the named ones, each assigned to the domain, or
 * every VF of the domain; sorted by BDF, each once. */
static int pick(struct srp_cli *cli, const struct srp_ledger *l, const struct launch_args *la,
		char **names, int n_names, const struct srp_assignment ***ret, size_t *ret_n)
{
	const struct srp_assignment **v = calloc(l->n + 1, sizeof(*v));
	const char *other = NULL;
	size_t n = 0;

	if (v == NULL)
		return srp_err_set(&cli->err, -ENOMEM, "out of memory");
	for (int i = 0; i < n_names; i++) {
		struct srp_bdf addr;
		const struct srp_assignment *a;
		char bdf[SRP_BDF_STRLEN];

		if (srp_function_by_name(cli->host, names[i], &addr, &cli->err) < 0)
			goto fail;
		srp_bdf_format(&addr, bdf);
		a = srp_ledger_find(l, &addr);
		if (a == NULL) {
			srp_err_refuse(&cli->err, -ENOENT, "%s is not assigned (srpass assign it to "
				       "domain '%s' first)", bdf, la->domain);
			goto fail;
		}
		if (strcmp(a->domain, la->domain) != 0 ||
		    (la->tenant != NULL && strcmp(a->tenant, la->tenant) != 0)) {
			if (la->tenant != NULL)
				srp_err_refuse(&cli->err, -EACCES, "%s is assigned to %s/%s, not to "
					       "%s/%s", bdf, a->tenant, a->domain, la->tenant,
					       la->domain);
			else
				srp_err_refuse(&cli->err, -EACCES, "%s is assigned to %s/%s, not to "
					       "domain '%s'", bdf, a->tenant, a->domain, la->domain);
			goto fail;
		}
		v[n++] = a;
	}
	for (size_t i = 0; n_names == 0 && i < l->n; i++)
		if (strcmp(l->a[i].domain, la->domain) == 0 &&
		    (la->tenant == NULL || strcmp(l->a[i].tenant, la->tenant) == 0))
			v[n++] = &l->a[i];
	if (n == 0) {
		if (la->tenant != NULL)
			srp_err_refuse(&cli->err, -ENOENT, "the ledger assigns no VF to %s/%s",
				       la->tenant, la->domain);
		else
			srp_err_refuse(&cli->err, -ENOENT, "the ledger assigns no VF to domain '%s'",
				       la->domain);
		goto fail;
	}
	qsort(v, n, sizeof(*v), by_bdf);
	for (size_t i = 0, k = 0; i < n; i++) {
		if (k > 0 && srp_bdf_cmp(&v[k - 1]->vf, &v[i]->vf) == 0)
			continue;
		if (strcmp(v[i]->tenant, v[0]->tenant) != 0)
			other = v[i]->tenant;
		v[k++] = v[i];
		*ret_n = k;
	}
	/* two tenants may each call a guest web1: never mix their VFs */
	if (other != NULL) {
		srp_err_input(&cli->err, -EINVAL, "domain '%s' names guests of tenants '%s' and "
			      "'%s'; say which with --tenant", la->domain, v[0]->tenant, other);
		goto fail;
	}
	*ret = v;
	return 0;
fail:
	free(v);
	return -1;
}

static int parse(struct srp_cli *cli, int argc, char **argv, struct launch_args *la)
{
	static const struct option opts[] = {
		{ "domain", required_argument, NULL, 'd' },
		{ "tenant", required_argument, NULL, 't' },
		{ "bus", required_argument, NULL, 'B' },
		{ "addr", required_argument, NULL, 'A' },
		{ "rombar-off", no_argument, NULL, 'r' },
		{ "plain", no_argument, NULL, 'p' },
		{ "domain-xml", required_argument, NULL, 'x' },
		{ "failover", no_argument, NULL, 'f' },
		{ "standby-netdev", required_argument, NULL, 'N' },
		{ "standby-network", required_argument, NULL, 'W' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long seen = 0, slot;
	int c;

	la->o.addr = -1;
	while ((c = getopt_long(argc, argv, "d:t:j", opts, NULL)) != -1) {
		if (srp_cli_once("launch", opts, c, &seen) < 0)
			return srp_cli_usage(cli, NULL);
		switch (c) {
		case 'd':
			la->domain = optarg;
			break;
		case 't':
			la->tenant = optarg;
			break;
		case 'B':
			la->o.bus = optarg;
			break;
		case 'A':
			if (srp_parse_ulong(optarg, 16, 0, 0x1f, &slot) < 0)
				return srp_cli_usage(cli, "--addr '%s': want a PCI slot, 0 to 1f (hex)",
						     optarg);
			la->o.addr = (int)slot;
			la->have_addr = 1;
			break;
		case 'r':
			la->o.rombar_off = 1;
			break;
		case 'p':
			la->o.plain = 1;
			break;
		case 'x':
			la->domain_xml = optarg;
			break;
		case 'f':
			la->o.failover = 1;
			break;
		case 'N':
			la->o.standby = optarg;
			la->have_netdev = 1;
			break;
		case 'W':
			la->o.standby = optarg;
			la->have_net = 1;
			break;
		case 'j':
			break;
		default:
			return srp_cli_badopt(cli, argv);
		}
	}
	if (optind >= argc)
		return srp_cli_usage(cli, "which FORMAT? (qemu, libvirt or xl)");
	for (c = 0; c < (int)ARRAY_SIZE(formats); c++)
		if (strcmp(argv[optind], formats[c]) == 0)
			break;
	if (c == (int)ARRAY_SIZE(formats))
		return srp_cli_usage(cli, "unknown FORMAT '%s' (qemu, libvirt or xl)", argv[optind]);
	la->o.format = (enum srp_launch_format)c;
	if (la->domain == NULL)
		return srp_cli_usage(cli, "--domain D is required");
	if (!srp_name_valid(la->domain) || (la->tenant && !srp_name_valid(la->tenant)))
		return srp_cli_usage(cli, "'%s' is not a domain or tenant name ([A-Za-z0-9_.-], 1 to "
				     "64 characters)", srp_name_valid(la->domain) ? la->tenant :
				     la->domain);
	/* an option of another format is a mistake, never silently dropped */
	if (c != SRP_LAUNCH_QEMU && (la->o.bus || la->have_addr || la->o.rombar_off ||
				     la->have_netdev))
		return srp_cli_usage(cli, "--bus, --addr, --rombar-off and --standby-netdev are "
				     "for qemu");
	if (c != SRP_LAUNCH_LIBVIRT && (la->o.plain || la->domain_xml || la->have_net))
		return srp_cli_usage(cli, "--plain, --domain-xml and --standby-network are for "
				     "libvirt");
	if (la->o.failover && c == SRP_LAUNCH_XL)
		return srp_cli_usage(cli, "--failover is for qemu and libvirt");
	if (la->o.failover && la->o.plain)
		return srp_cli_usage(cli, "--failover needs the <interface> form, not --plain");
	if (la->o.failover != (la->o.standby != NULL))
		return srp_cli_usage(cli, c == SRP_LAUNCH_QEMU ?
				     "--failover and --standby-netdev ID go together" :
				     "--failover and --standby-network NET go together");
	return SRP_EXIT_OK;
}

static struct json_object *strv_json(const struct srp_strv *v)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a != NULL && i < v->n; i++)
		json_object_array_add(a, json_object_new_string(v->v[i]));
	return a;
}

/* The artefact as text, or into the --json result. */
static int emit(struct srp_cli *cli, const struct launch_args *la,
		const struct srp_assignment *const *v, size_t n, const struct srp_strv *out)
{
	struct json_object *o = srp_cli_result(cli, -1, -1), *vfs;
	char *text = NULL, *xml = NULL, path[PATH_MAX];
	size_t len = 0;
	int r;

	if (la->o.format == SRP_LAUNCH_LIBVIRT && la->domain_xml != NULL) {
		r = srp_cli_file_path(cli, "--domain-xml", la->domain_xml, path, sizeof(path));
		if (r != 0)
			return r;
		if (srp_launch_read_file(&cli->host->sys, path, &xml, &len, &cli->err) < 0 ||
		    srp_launch_merge(xml, len, path, la->domain, out, &text, &cli->err) < 0) {
			free(xml);
			return SRP_EXIT_FAIL;
		}
		free(xml);
	} else if (la->o.format == SRP_LAUNCH_QEMU) {
		text = srp_launch_shell_join(out);
	} else if (la->o.format == SRP_LAUNCH_LIBVIRT) {
		text = srp_launch_libvirt_fragment(out);
	} else {
		text = srp_launch_xl_line(out);
	}
	if (text == NULL || (cli->json && o == NULL)) {
		free(text);
		return srp_err_set(&cli->err, -ENOMEM, "out of memory"), SRP_EXIT_FAIL;
	}
	if (o == NULL) {
		fprintf(cli->out, "%s\n", text);
		free(text);
		return SRP_EXIT_OK;
	}
	json_object_object_add(o, "format", json_object_new_string(formats[la->o.format]));
	json_object_object_add(o, "domain", json_object_new_string(la->domain));
	json_object_object_add(o, "tenant", json_object_new_string(v[0]->tenant));
	vfs = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		char bdf[SRP_BDF_STRLEN];

		json_object_array_add(vfs, json_object_new_string(srp_bdf_format(&v[i]->vf, bdf)));
	}
	json_object_object_add(o, "vfs", vfs);
	if (la->o.format == SRP_LAUNCH_QEMU) {
		json_object_object_add(o, "argv", strv_json(out));
	} else if (la->o.format == SRP_LAUNCH_LIBVIRT) {
		json_object_object_add(o, "devices", strv_json(out));
		json_object_object_add(o, la->domain_xml ? "domain_xml" : "xml",
				       json_object_new_string(text));
	} else {
		json_object_object_add(o, "pci", strv_json(out));
		json_object_object_add(o, "line", json_object_new_string(text));
	}
	free(text);
	return SRP_EXIT_OK;
}

int cmd_launch(struct srp_cli *cli, int argc, char **argv)
{
	struct launch_args la = { 0 };
	struct srp_ledger *l = NULL;
	const struct srp_assignment **v = NULL;
	struct srp_strv out = { 0 };
	size_t n = 0;
	int rc;

	rc = parse(cli, argc, argv, &la);
	if (rc != SRP_EXIT_OK)
		return rc;
	/* read-only: the ledger is peeked, never locked or written */
	if (srp_ledger_peek(cli->host, &l, &cli->err) < 0)
		return SRP_EXIT_FAIL;
	rc = SRP_EXIT_FAIL;
	if (pick(cli, l, &la, argv + optind + 1, argc - optind - 1, &v, &n) < 0)
		goto out;
	if (srp_launch_build(v, n, &la.o, &out, &cli->err) < 0)
		goto out;
	rc = emit(cli, &la, v, n, &out);
out:
	srp_strv_free(&out);
	free(v);
	srp_ledger_close(l);
	return rc;
}
