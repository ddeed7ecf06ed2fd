/* SPDX-License-Identifier: MIT */
/* srpass -- `attach` and `detach`: hot-plug an assigned VF into a running QEMU over QMP */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <string.h>

#include "cli/cli.h"
#include "base/util.h"
#include "core/attach.h"
#include "core/ledger.h"
#include "core/names.h"

#define DEFAULT_TIMEOUT_MS 10000

static int parse(struct srp_cli *cli, int argc, char **argv, int attach, const char **domain,
		 struct srp_attach_opts *o, char *qmp, size_t qmp_len)
{
	static const struct option opts[] = {
		{ "domain", required_argument, NULL, 'd' },
		{ "qmp", required_argument, NULL, 'q' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "bus", required_argument, NULL, 'B' },
		{ "addr", required_argument, NULL, 'A' },
		{ "rombar-off", no_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = NULL;
	unsigned long seen = 0, v;
	int c, r;

	o->timeout_ms = DEFAULT_TIMEOUT_MS;
	o->addr = -1;
	while ((c = getopt_long(argc, argv, "d:q:j", opts, NULL)) != -1) {
		if (srp_cli_once(cli->cmd, opts, c, &seen) < 0)
			return srp_cli_usage(cli, NULL);
		if (!attach && (c == 'd' || c == 'B' || c == 'A' || c == 'r'))
			return srp_cli_usage(cli, "--domain, --bus, --addr and --rombar-off are "
					     "attach's (detach finds the VF by its id)");
		switch (c) {
		case 'd':
			*domain = optarg;
			break;
		case 'q':
			sock = optarg;
			break;
		case 'T':
			if (srp_parse_ulong(optarg, 10, 1, 600, &v) < 0)
				return srp_cli_usage(cli, "--timeout '%s': want seconds, 1 to 600",
						     optarg);
			o->timeout_ms = (int)v * 1000;
			break;
		case 'B':
			o->bus = optarg;
			break;
		case 'A':
			if (srp_parse_ulong(optarg, 16, 0, 0x1f, &v) < 0)
				return srp_cli_usage(cli, "--addr '%s': want a PCI slot, 0 to 1f (hex)",
						     optarg);
			o->addr = (int)v;
			break;
		case 'r':
			o->rombar_off = 1;
			break;
		case 'j':
			break;
		default:
			return srp_cli_badopt(cli, argv);
		}
	}
	if (optind + 1 != argc)
		return srp_cli_usage(cli, "%s", optind == argc ? "which VF?" : "one VF at a time");
	if (attach && *domain == NULL)
		return srp_cli_usage(cli, "--domain D is required (the guest the VF is assigned to)");
	if (attach && !srp_name_valid(*domain))
		return srp_cli_usage(cli, "'%s' is not a domain name ([A-Za-z0-9_.-], 1 to 64 "
				     "characters)", *domain);
	if (sock == NULL)
		return srp_cli_usage(cli, "--qmp SOCKET is required (the QEMU's -qmp "
				     "unix:SOCKET,server=on)");
	r = srp_cli_file_path(cli, "--qmp", sock, qmp, qmp_len);
	if (r != SRP_EXIT_OK)
		return r;
	o->qmp = qmp;
	return SRP_EXIT_OK;
}

static void result(struct srp_cli *cli, const struct srp_attach_result *res, const char *qmp)
{
	struct json_object *o = srp_cli_result(cli, res->changed, -1);
	char bdf[SRP_BDF_STRLEN];

	if (o == NULL)
		return;
	json_object_object_add(o, "vf", json_object_new_string(srp_bdf_format(&res->vf, bdf)));
	json_object_object_add(o, "id", json_object_new_string(res->id));
	json_object_object_add(o, "tenant", json_object_new_string(res->tenant));
	json_object_object_add(o, "domain", json_object_new_string(res->domain));
	json_object_object_add(o, "qmp", json_object_new_string(qmp));
}

int cmd_attach(struct srp_cli *cli, int argc, char **argv)
{
	struct srp_attach_opts o = { 0 };
	struct srp_attach_result res;
	const char *domain = NULL;
	char qmp[PATH_MAX], bdf[SRP_BDF_STRLEN];
	int rc;

	rc = parse(cli, argc, argv, 1, &domain, &o, qmp, sizeof(qmp));
	if (rc != SRP_EXIT_OK)
		return rc;
	if (srp_attach(cli->host, argv[optind], domain, &o, &res, &cli->err) < 0)
		return SRP_EXIT_FAIL;
	srp_bdf_format(&res.vf, bdf);
	if (res.changed)
		srp_cli_say(cli, "attached %s to %s as %s", bdf, domain, res.id);
	else
		srp_cli_say(cli, "unchanged: %s is attached to %s as %s", bdf, domain, res.id);
	result(cli, &res, qmp);
	return SRP_EXIT_OK;
}

int cmd_detach(struct srp_cli *cli, int argc, char **argv)
{
	struct srp_attach_opts o = { 0 };
	struct srp_attach_result res;
	const char *domain = NULL;
	char qmp[PATH_MAX], bdf[SRP_BDF_STRLEN];
	int rc;

	rc = parse(cli, argc, argv, 0, &domain, &o, qmp, sizeof(qmp));
	if (rc != SRP_EXIT_OK)
		return rc;
	if (srp_detach(cli->host, argv[optind], &o, &res, &cli->err) < 0)
		return SRP_EXIT_FAIL;
	srp_bdf_format(&res.vf, bdf);
	if (res.changed)
		srp_cli_say(cli, "detached %s (%s) from %s", bdf, res.id, res.domain);
	else
		srp_cli_say(cli, "unchanged: the QEMU at %s does not have %s (%s)", qmp, bdf,
			    res.id);
	result(cli, &res, qmp);
	return SRP_EXIT_OK;
}
