/* SPDX-License-Identifier: MIT */
/* srpass -- `assign`, `release`, `recover`, `restore`, `enable`, `disable` */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "core/assign.h"
#include "cli/cli.h"
#include "core/config.h"
#include "core/names.h"
#include "switch/vfswitch.h"
#include "core/sriov.h"
#include "base/util.h"


/* assign's options that say what goes where, shared with run */
int srp_cli_assign_opt(struct srp_cli *cli, int c, const char *arg, struct srp_assign_req *req)
{
	unsigned long v;

	switch (c) {
	case 'V':
		if (srp_parse_ulong(arg, 10, SRP_VLAN_MIN, SRP_VLAN_MAX, &v) < 0)
			return srp_cli_usage(cli, "--vlan '%s' is not a VLAN id (%d-%d)", arg,
					     SRP_VLAN_MIN, SRP_VLAN_MAX);
		req->vlan = (unsigned int)v;
		return SRP_EXIT_OK;
	case 'm':
		if (srp_vf_mac_parse(arg, req->mac) < 0 || (req->mac[0] & 1) ||
		    !(req->mac[0] | req->mac[1] | req->mac[2] | req->mac[3] | req->mac[4] |
		      req->mac[5]))
			return srp_cli_usage(cli, "--mac '%s' is not a unicast MAC address", arg);
		req->has_mac = 1;
		return SRP_EXIT_OK;
	case 't':
		req->tenant = arg;
		return SRP_EXIT_OK;
	case 'd':
		req->domain = arg;
		return SRP_EXIT_OK;
	case 'b':
		req->backend = arg;
		return SRP_EXIT_OK;
	default:
		return -1;
	}
}

int cmd_assign(struct srp_cli *cli, int argc, char **argv)
{
	struct srp_plan plan = srp_cli_plan(cli);
	static const struct option opts[] = {
		{ "tenant", required_argument, NULL, 't' },
		{ "domain", required_argument, NULL, 'd' },
		{ "backend", required_argument, NULL, 'b' },
		{ "vlan", required_argument, NULL, 'V' },
		{ "mac", required_argument, NULL, 'm' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "strict", no_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct json_object *o;
	struct srp_assign_req req = { .backend = cli->cfg->backend };
	unsigned long seen = 0;
	int c, r;

	while ((c = getopt_long(argc, argv, "t:d:b:V:m:nSj", opts, NULL)) != -1) {
		if (srp_cli_once("assign", opts, c, &seen) < 0)
			return srp_cli_usage(cli, NULL);
		r = srp_cli_assign_opt(cli, c, optarg, &req);
		if (r >= 0) {
			if (r != SRP_EXIT_OK)
				return r;
			continue;
		}
		switch (c) {
		case 'n':
			req.dry_run = 1;
			break;
		case 'S':
			req.strict = 1;
			break;
		case 'j':
			break;	/* cli->json: main saw it */
		default:
			return srp_cli_badopt(cli, argv);
		}
	}
	if (optind + 1 == argc && (req.tenant == NULL || req.domain == NULL))
		return srp_cli_usage(cli, "%s is required (the %s the VF goes to)",
				     req.tenant == NULL ? "--tenant T" : "--domain D",
				     req.tenant == NULL ? "tenant" : "guest");
	if (optind + 1 != argc)
		return srp_cli_usage(cli, "%s", optind == argc ? "which VF?" : "one VF at a time");
	/* bad input is exit 2 by its error's flag (run.c) */
	if (srp_function_by_name(cli->host, argv[optind], &req.vf, &cli->err) < 0)
		return SRP_EXIT_FAIL;
	if (cli->cfg->n_tenants == 0) {
		srp_err_input(&cli->err, -ENOENT, "no tenants are configured: define [tenant:%s] in %s "
			    "(see srpass.conf(5))", req.tenant,
			    cli->config ? cli->config : "/etc/srpass/srpass.conf");
		return SRP_EXIT_FAIL;
	}
	r = srp_assign(cli->host, cli->cfg, &req, req.dry_run ? &plan : NULL, &cli->err);
	if (r < 0)
		return SRP_EXIT_FAIL;
	if (r == 1 && !req.dry_run)
		srp_cli_say(cli, "unchanged: %s is assigned to tenant '%s', domain '%s' already",
			    argv[optind], req.tenant, req.domain);
	else if (!req.dry_run)
		srp_cli_say(cli, "assigned %s to tenant '%s', domain '%s'", argv[optind],
			    req.tenant, req.domain);
	o = srp_cli_result(cli, r == 0, req.dry_run);
	if (o != NULL) {
		json_object_object_add(o, "vf", json_object_new_string(srp_bdf_format(&req.vf,
								(char[SRP_BDF_STRLEN]){ 0 })));
		json_object_object_add(o, "tenant", json_object_new_string(req.tenant));
		json_object_object_add(o, "domain", json_object_new_string(req.domain));
	}
	return SRP_EXIT_OK;
}

int cmd_release(struct srp_cli *cli, int argc, char **argv)
{
	struct srp_plan plan = srp_cli_plan(cli);
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "strict", no_argument, NULL, 'S' },
		{ "force", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct json_object *o;
	struct srp_bdf vf;
	int c, r, flags = 0;

	while ((c = getopt_long(argc, argv, "nSj", opts, NULL)) != -1) {
		if (c == 'n')
			flags |= SRP_RELEASE_DRY_RUN;
		else if (c == 'S')
			flags |= SRP_RELEASE_STRICT;
		else if (c == 'f')
			flags |= SRP_RELEASE_FORCE;
		else if (c != 'j')
			return srp_cli_badopt(cli, argv);
	}
	if (optind + 1 != argc)
		return srp_cli_usage(cli, "%s", optind == argc ? "which VF?" : "one VF at a time");
	if (srp_function_by_name(cli->host, argv[optind], &vf, &cli->err) < 0)
		return SRP_EXIT_FAIL;
	r = srp_release(cli->host, &vf, flags, (flags & SRP_RELEASE_DRY_RUN) ? &plan : NULL,
			&cli->err);
	if (r < 0)
		return SRP_EXIT_FAIL;
	if (r == 1 && !(flags & SRP_RELEASE_DRY_RUN))
		srp_cli_say(cli, "unchanged: %s is not assigned", argv[optind]);
	else if (!(flags & SRP_RELEASE_DRY_RUN))
		srp_cli_say(cli, "released %s", argv[optind]);
	o = srp_cli_result(cli, r == 0, !!(flags & SRP_RELEASE_DRY_RUN));
	if (o != NULL)
		json_object_object_add(o, "vf", json_object_new_string(srp_bdf_format(&vf,
								(char[SRP_BDF_STRLEN]){ 0 })));
	return SRP_EXIT_OK;
}

int cmd_restore(struct srp_cli *cli, int argc, char **argv)
{
	struct srp_plan plan = srp_cli_plan(cli);
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int c, dry = 0;

	while ((c = getopt_long(argc, argv, "nj", opts, NULL)) != -1) {
		if (c == 'n')
			dry = 1;
		else if (c != 'j')
			return srp_cli_badopt(cli, argv);
	}
	if (optind != argc)
		return srp_cli_usage(cli, "restore takes no operands");
	if (srp_restore(cli->host, dry, &plan, &cli->err) < 0)
		return SRP_EXIT_FAIL;
	/* what restore did is in its plan, one line per PF and VF */
	srp_cli_result(cli, !dry && cli->lines != NULL, dry);
	return SRP_EXIT_OK;
}

int cmd_recover(struct srp_cli *cli, int argc, char **argv)
{
	struct srp_plan plan = srp_cli_plan(cli);
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int c, r, g;

	while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1)
		if (c != 'j')
			return srp_cli_badopt(cli, argv);
	if (optind != argc)
		return srp_cli_usage(cli, "recover takes no operands");
	r = srp_recover(cli->host, &plan, &cli->err);
	if (r < 0)
		return SRP_EXIT_FAIL;
	/* then the VFs of `srpass run` guests that are gone (srpass killed) */
	g = srp_release_gone_guests(cli->host, &plan, &cli->err);
	if (g < 0)
		return SRP_EXIT_FAIL;
	r += g;
	if (r == 0)
		srp_cli_say(cli, "nothing to recover");
	srp_cli_result(cli, r > 0, 0);
	return SRP_EXIT_OK;
}

/* Lines said while a change runs: printed once it succeeded, so stdout
 * never claims a change that was rolled back. */
struct said {
	char text[4096];
	size_t len;
};

static void said_line(void *ctx, const char *line)
{
	struct said *s = ctx;
	int n = snprintf(s->text + s->len, sizeof(s->text) - s->len, "%s\n", line);

	if (n > 0 && (size_t)n < sizeof(s->text) - s->len)
		s->len += (size_t)n;
}

static int sriov_cmd(struct srp_cli *cli, int argc, char **argv, int enable)
{
	struct said said = { .len = 0 };
	/* --json: the plan goes into the result, printed only on success */
	struct srp_plan plan = cli->json ? srp_cli_plan(cli) :
			       (struct srp_plan){ .line = said_line, .ctx = &said };
	static const struct option opts[] = {
		{ "vfs", required_argument, NULL, 'v' },
		{ "no-autoprobe", no_argument, NULL, 'A' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long n = 0, seen = 0;
	int c, r, have_n = 0, noauto = cli->cfg->autoprobe_off, dry = 0, force = 0;
	struct json_object *o;
	struct srp_bdf pf;

	while ((c = getopt_long(argc, argv, enable ? "v:Anj" : "nj", opts, NULL)) != -1) {
		if (srp_cli_once(cli->cmd, opts, c, &seen) < 0)
			return srp_cli_usage(cli, NULL);
		switch (c) {
		case 'v':
			if (!enable)
				return srp_cli_badopt(cli, argv);
			if (srp_parse_ulong(optarg, 10, 1, 65535, &n) < 0)
				return srp_cli_usage(cli, "--vfs '%s' is not a number from 1 to 65535",
						     optarg);
			have_n = 1;
			break;
		case 'A':
			if (!enable)
				return srp_cli_badopt(cli, argv);
			noauto = 1;
			break;
		case 'n':
			dry = SRP_SRIOV_DRY_RUN;
			break;
		case 'f':
			/* disable only: enable destroys no VF */
			if (enable)
				return srp_cli_badopt(cli, argv);
			force = SRP_SRIOV_FORCE;
			break;
		case 'j':
			break;
		default:
			return srp_cli_badopt(cli, argv);
		}
	}
	if (optind + 1 != argc)
		return srp_cli_usage(cli, "%s", optind == argc ? "which PF?" : "one PF at a time");
	if (enable && !have_n)
		return srp_cli_usage(cli, "--vfs N is required (how many VFs)");
	if (srp_function_by_name(cli->host, argv[optind], &pf, &cli->err) < 0)
		return SRP_EXIT_FAIL;
	r = srp_sriov_set(cli->host, &pf, (unsigned int)n, noauto, dry | force, &plan, &cli->err);
	if (r < 0)
		return SRP_EXIT_FAIL;
	fputs(said.text, cli->out);
	o = srp_cli_result(cli, r > 0, dry);
	if (o != NULL) {
		json_object_object_add(o, "pf", json_object_new_string(srp_bdf_format(&pf,
								(char[SRP_BDF_STRLEN]){ 0 })));
		json_object_object_add(o, "numvfs", json_object_new_int64((int64_t)n));
		if (!enable)
			json_object_object_add(o, "forced", json_object_new_boolean(force != 0));
	}
	return SRP_EXIT_OK;
}

int cmd_enable(struct srp_cli *cli, int argc, char **argv)
{
	return sriov_cmd(cli, argc, argv, 1);
}

int cmd_disable(struct srp_cli *cli, int argc, char **argv)
{
	return sriov_cmd(cli, argc, argv, 0);
}
