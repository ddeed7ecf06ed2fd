/* SPDX-License-Identifier: MIT */
/* srpass -- `history`: what srpass changed on this host, when, and how it ended */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "core/history.h"

int cmd_history(struct srp_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "vf", required_argument, NULL, 'v' },
		{ "tenant", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *match = NULL;
	unsigned long seen = 0;
	int c;

	while ((c = getopt_long(argc, argv, "jv:t:", opts, NULL)) != -1) {
		if (srp_cli_once("history", opts, c, &seen) < 0)
			return srp_cli_usage(cli, NULL);
		if (c == 'j')
			continue;
		if (c != 'v' && c != 't')
			return srp_cli_badopt(cli, argv);
		if (match != NULL)
			return srp_cli_usage(cli, "--vf and --tenant: one or the other");
		match = optarg;
	}
	if (optind != argc)
		return srp_cli_usage(cli, "history takes no operands");
	return srp_history_print(cli->host, cli->out, match, cli->json, &cli->err) < 0 ?
	       SRP_EXIT_FAIL : SRP_EXIT_OK;
}
