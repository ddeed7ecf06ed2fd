/* SPDX-License-Identifier: MIT */
/* srpass -- `assign`, `release`, `recover`, `restore`, `enable`, `disable` */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "core/assign.h"
#include "cli/cli.h"
#include "core/config.h"
#include "core/names.h"
#include "switch/vfswitch.h"
#include "core/sriov.h"
#include "base/util.h"


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
		{ NULL, 0, NULL, 0 },
	};
	static const char use[] =
		"usage: srpass assign VF --tenant T --domain D [--backend kvm|auto] [--vlan N] "
		"[--mac M] [--dry-run] [--strict]\n";
	struct srp_assign_req req = { .backend = cli->cfg->backend };
	unsigned long v, seen = 0;
	int c, r;

	while ((c = getopt_long(argc, argv, "t:d:b:V:m:nS", opts, NULL)) != -1) {
		if (srp_cli_once("assign", opts, c, &seen) < 0)
			return SRP_EXIT_USAGE;
		switch (c) {
		case 'V':
			if (srp_parse_ulong(optarg, 10, SRP_VLAN_MIN, SRP_VLAN_MAX, &v) < 0) {
				fprintf(stderr, "srpass assign: --vlan '%s' is not a VLAN id (%d-%d)\n",
					optarg, SRP_VLAN_MIN, SRP_VLAN_MAX);
				return SRP_EXIT_USAGE;
			}
			req.vlan = (unsigned int)v;
			break;
		case 'm':
			if (srp_vf_mac_parse(optarg, req.mac) < 0 || (req.mac[0] & 1) ||
			    !(req.mac[0] | req.mac[1] | req.mac[2] | req.mac[3] | req.mac[4] |
			      req.mac[5])) {
				fprintf(stderr, "srpass assign: --mac '%s' is not a unicast MAC "
					"address\n", optarg);
				return SRP_EXIT_USAGE;
			}
			req.has_mac = 1;
			break;
		case 't':
			req.tenant = optarg;
			break;
		case 'd':
			req.domain = optarg;
			break;
		case 'b':
			req.backend = optarg;
			break;
		case 'n':
			req.dry_run = 1;
			break;
		case 'S':
			req.strict = 1;
			break;
		default:
			fputs(use, stderr);
			return SRP_EXIT_USAGE;
		}
	}
	if (optind + 1 == argc && (req.tenant == NULL || req.domain == NULL)) {
		fprintf(stderr, "srpass assign: %s is required (the %s the VF goes to)\n",
			req.tenant == NULL ? "--tenant T" : "--domain D",
			req.tenant == NULL ? "tenant" : "guest");
		fputs(use, stderr);
		return SRP_EXIT_USAGE;
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "srpass assign: %s\n", optind == argc ? "which VF?" :
			"one VF at a time");
		fputs(use, stderr);
		return SRP_EXIT_USAGE;
	}
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
		fprintf(cli->out, "unchanged: %s is assigned to tenant '%s', domain '%s' already\n",
			argv[optind], req.tenant, req.domain);
	else if (!req.dry_run)
		fprintf(cli->out, "assigned %s to tenant '%s', domain '%s'\n", argv[optind],
			req.tenant, req.domain);
	return SRP_EXIT_OK;
}

int cmd_release(struct srp_cli *cli, int argc, char **argv)
{
	struct srp_plan plan = srp_cli_plan(cli);
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "strict", no_argument, NULL, 'S' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	static const char use[] = "usage: srpass release VF [--dry-run] [--strict] [--force]\n";
	struct srp_bdf vf;
	int c, r, flags = 0;

	while ((c = getopt_long(argc, argv, "nS", opts, NULL)) != -1) {
		if (c == 'n')
			flags |= SRP_RELEASE_DRY_RUN;
		else if (c == 'S')
			flags |= SRP_RELEASE_STRICT;
		else if (c == 'f')
			flags |= SRP_RELEASE_FORCE;
		else {
			fputs(use, stderr);
			return SRP_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fputs(use, stderr);
		return SRP_EXIT_USAGE;
	}
	if (srp_function_by_name(cli->host, argv[optind], &vf, &cli->err) < 0)
		return SRP_EXIT_FAIL;
	r = srp_release(cli->host, &vf, flags, (flags & SRP_RELEASE_DRY_RUN) ? &plan : NULL,
			&cli->err);
	if (r < 0)
		return SRP_EXIT_FAIL;
	if (r == 1 && !(flags & SRP_RELEASE_DRY_RUN))
		fprintf(cli->out, "unchanged: %s is not assigned\n", argv[optind]);
	else if (!(flags & SRP_RELEASE_DRY_RUN))
		fprintf(cli->out, "released %s\n", argv[optind]);
	return SRP_EXIT_OK;
}

int cmd_restore(struct srp_cli *cli, int argc, char **argv)
{
	struct srp_plan plan = srp_cli_plan(cli);
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	int c, dry = 0;

	while ((c = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
		if (c != 'n') {
			fputs("usage: srpass restore [--dry-run]\n", stderr);
			return SRP_EXIT_USAGE;
		}
		dry = 1;
	}
	if (optind != argc) {
		fputs("usage: srpass restore [--dry-run]\n", stderr);
		return SRP_EXIT_USAGE;
	}
	return srp_restore(cli->host, dry, &plan, &cli->err) < 0 ? SRP_EXIT_FAIL : SRP_EXIT_OK;
}

int cmd_recover(struct srp_cli *cli, int argc, char **argv)
{
	struct srp_plan plan = srp_cli_plan(cli);
	int r;

	(void)argv;
	if (argc != 1) {
		fputs("usage: srpass recover\n", stderr);
		return SRP_EXIT_USAGE;
	}
	r = srp_recover(cli->host, &plan, &cli->err);
	if (r < 0)
		return SRP_EXIT_FAIL;
	if (r == 0)
		fprintf(cli->out, "nothing to recover\n");
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
	struct srp_plan plan = { .line = said_line, .ctx = &said };
	static const struct option opts[] = {
		{ "vfs", required_argument, NULL, 'v' },
		{ "no-autoprobe", no_argument, NULL, 'A' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *use = enable ? "usage: srpass enable PF --vfs N [--no-autoprobe] [--dry-run]\n"
				 : "usage: srpass disable PF [--dry-run]\n";
	unsigned long n = 0, seen = 0;
	int c, have_n = 0, noauto = cli->cfg->autoprobe_off, dry = 0;
	struct srp_bdf pf;

	while ((c = getopt_long(argc, argv, enable ? "v:An" : "n", opts, NULL)) != -1) {
		if (srp_cli_once(enable ? "enable" : "disable", opts, c, &seen) < 0)
			return SRP_EXIT_USAGE;
		switch (c) {
		case 'v':
			if (srp_parse_ulong(optarg, 10, 1, 65535, &n) < 0) {
				fprintf(stderr, "srpass enable: --vfs '%s' is not a number from 1 to 65535\n",
					optarg);
				return SRP_EXIT_USAGE;
			}
			have_n = 1;
			break;
		case 'A':
			noauto = 1;
			break;
		case 'n':
			dry = 1;
			break;
		default:
			fputs(use, stderr);
			return SRP_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || (enable && !have_n)) {
		fputs(use, stderr);
		return SRP_EXIT_USAGE;
	}
	if (srp_function_by_name(cli->host, argv[optind], &pf, &cli->err) < 0)
		return SRP_EXIT_FAIL;
	if (srp_sriov_set(cli->host, &pf, (unsigned int)n, noauto, dry, &plan, &cli->err) < 0)
		return SRP_EXIT_FAIL;
	fputs(said.text, cli->out);
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
