/* SPDX-License-Identifier: MIT */
/* srpass -- command line: global options, the command table, one exit point */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/history.h"
#include "srpass/assign.h"
#include "srpass/config.h"
#include "core/host.h"
#include "srpass/host.h"
#include "base/util.h"

#define SRPASS_VERSION "0.1.0"

struct cmd {
	const char *name;
	srp_cmd_fn run;
	int needs_host;
	const char *usage;
	int fail;		/* exit code when it cannot run at all */
};

/* Exact names only: several of these change the host. */
static const struct cmd cmds[] = {
	{ "list", cmd_list, 1, "[--json] [--all]", SRP_EXIT_FAIL },
	{ "show", cmd_show, 1, "[--json] BDF", SRP_EXIT_FAIL },
	{ "check", cmd_check, 1, "[--json]", SRP_EXIT_FAIL },
	/* audit's 1 and 2 mean warnings and critical findings */
	{ "audit", cmd_audit, 1, "[--json] [--tenant T]", 3 },
	{ "assign", cmd_assign, 1,
	  "VF --tenant T --domain D [--backend kvm] [--vlan N] [--mac M] [--dry-run] [--strict]",
	  SRP_EXIT_FAIL },
	{ "release", cmd_release, 1, "VF [--dry-run] [--strict] [--force]", SRP_EXIT_FAIL },
	{ "recover", cmd_recover, 1, "", SRP_EXIT_FAIL },
	{ "restore", cmd_restore, 1, "[--dry-run]", SRP_EXIT_FAIL },
	{ "vf", cmd_vf, 1, "show [--json] VF | set [--dry-run] [--force] VF SETTING...", SRP_EXIT_FAIL },
	{ "enable", cmd_enable, 1, "PF --vfs N [--no-autoprobe] [--dry-run]", SRP_EXIT_FAIL },
	{ "disable", cmd_disable, 1, "PF [--dry-run]", SRP_EXIT_FAIL },
	{ "history", cmd_history, 1, "[--json] [--vf VF | --tenant T]", SRP_EXIT_FAIL },
};

/* The commands that change the host, recorded in the history unless a
 * dry run. */
static int changes(const char *cmd, int argc, char **argv)
{
	static const char *const changing[] = { "assign", "release", "recover", "restore",
						"enable", "disable" };
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--dry-run") == 0 || strcmp(argv[i], "-n") == 0)
			return 0;
	if (strcmp(cmd, "vf") == 0)
		return argc > 1 && strcmp(argv[1], "set") == 0;
	for (i = 0; i < (int)ARRAY_SIZE(changing); i++)
		if (strcmp(cmd, changing[i]) == 0)
			return 1;
	return 0;
}

static void plan_line(void *ctx, const char *line)
{
	fprintf(ctx, "%s\n", line);
}

struct srp_plan srp_cli_plan(struct srp_cli *cli)
{
	return (struct srp_plan){ .line = plan_line, .ctx = cli->out };
}

int srp_cli_once(const char *cmd, const struct option *opts, int c, unsigned long *seen)
{
	for (unsigned int i = 0; opts[i].name != NULL && i < 8 * sizeof(*seen); i++) {
		if (opts[i].val != c || opts[i].has_arg == no_argument)
			continue;
		if (*seen & 1UL << i) {
			fprintf(stderr, "srpass%s%s: --%s given twice\n", cmd[0] ? " " : "", cmd,
				opts[i].name);
			return -1;
		}
		*seen |= 1UL << i;
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: srpass [--root DIR] [--config FILE] [--wait SECS] COMMAND [ARGS]\n"
		   "       srpass help [COMMAND]   (or srpass COMMAND --help)\n");
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(f, "       srpass %s%s%s\n", cmds[i].name, cmds[i].usage[0] ? " " : "",
			cmds[i].usage);
	fprintf(f, "BDF is 0000:03:10.1 or 03:10.1.  Exit: 0 ok, 1 failure or findings, 2 usage.\n"
		   "The host root is --root, else $SRPASS_ROOT, else /.  --wait: how long to wait\n"
		   "for another srpass holding the host's lock (default %u s).\n",
		SRP_LOCK_WAIT_MS / 1000);
}

/* "srpass CMD: what went wrong", and strerror() only where the message
 * does not already say why. */
static void report(const char *cmd, const struct srp_err *err)
{
	if (err->flags & SRP_ERR_SAID)
		fprintf(stderr, "srpass %s: %s\n", cmd, err->msg);
	else
		fprintf(stderr, "srpass %s: %s: %s\n", cmd, err->msg, strerror(-err->code));
}

/* Bad input exits 2 (usage), except where 2 means something else (audit:
 * critical findings) and the command's "could not run" code stands. */
static int exit_code(const struct cmd *cmd, const struct srp_err *err, int rc)
{
	if (!(err->flags & SRP_ERR_INPUT))
		return rc;
	return cmd->fail == SRP_EXIT_FAIL ? SRP_EXIT_USAGE : cmd->fail;
}

/* srpass help [CMD [SUB]] */
static int help(int argc, char **argv)
{
	const char *text;

	if (argc < 2) {
		usage(stdout);
		return SRP_EXIT_OK;
	}
	text = srp_cli_help(argv[1], argc > 2 ? argv[2] : NULL);
	if (text == NULL) {
		fprintf(stderr, "srpass help: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return SRP_EXIT_USAGE;
	}
	fputs(text, stdout);
	return SRP_EXIT_OK;
}

int srp_cli_main(int argc, char **argv, const struct srp_platform *platform)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'R' },
		{ "config", required_argument, NULL, 'c' },
		{ "wait", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct srp_cli cli = { .out = stdout };
	struct srp_host_opts hopts = { .platform = platform };
	const struct cmd *cmd = NULL;
	unsigned long secs, seen = 0;
	char **given = NULL;
	int c, rc, fail;

	cli.root = getenv("SRPASS_ROOT");
	if (cli.root == NULL || cli.root[0] == '\0')
		cli.root = "/";
	while ((c = getopt_long(argc, argv, "+R:c:w:hV", opts, NULL)) != -1) {
		if (srp_cli_once("", opts, c, &seen) < 0)
			return SRP_EXIT_USAGE;
		switch (c) {
		case 'R':
			cli.root = optarg;
			break;
		case 'c':
			cli.config = optarg;
			break;
		case 'w':
			if (srp_parse_ulong(optarg, 10, 1, 3600, &secs) < 0) {
				fprintf(stderr, "srpass: --wait '%s': want seconds, 1 to 3600\n",
					optarg);
				return SRP_EXIT_USAGE;
			}
			hopts.lock_wait_ms = (unsigned int)secs * 1000;
			break;
		case 'h':
			usage(stdout);
			return SRP_EXIT_OK;
		case 'V':
			printf("srpass %s\n", SRPASS_VERSION);
			return SRP_EXIT_OK;
		default:
			usage(stderr);
			return SRP_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return SRP_EXIT_USAGE;
	}
	if (strcmp(argv[optind], "help") == 0)
		return help(argc - optind, argv + optind);
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		if (strcmp(argv[optind], cmds[i].name) == 0)
			cmd = &cmds[i];
	if (cmd == NULL) {
		fprintf(stderr, "srpass: unknown command '%s'\n", argv[optind]);
		usage(stderr);
		return SRP_EXIT_USAGE;
	}

	if (srp_cli_wants_help(argc - optind, argv + optind)) {
		const char *sub = optind + 1 < argc ? argv[optind + 1] : NULL;

		fputs(srp_cli_help(cmd->name, sub), stdout);
		return SRP_EXIT_OK;
	}

	fail = cmd->fail;
	hopts.root = cli.root;
	if (cmd->needs_host && (srp_host_open_opts(&hopts, &cli.host, &cli.err) < 0 ||
				srp_config_open(cli.host, cli.config, &cli.cfg, &cli.err) < 0)) {
		report(cmd->name, &cli.err);
		srp_host_close(cli.host);
		return exit_code(cmd, &cli.err, fail);
	}
	/* commands parse their own options from a fresh getopt state */
	argc -= optind;
	argv += optind;
	optind = 0;
	/* getopt_long() permutes argv; the history keeps the words as given */
	given = malloc((size_t)(argc > 0 ? argc : 1) * sizeof(*given));
	if (given != NULL && argc > 0)
		memcpy(given, argv, (size_t)argc * sizeof(*given));
	rc = cmd->run(&cli, argc, argv);
	if (rc != SRP_EXIT_OK && cli.err.code != 0) {
		report(cmd->name, &cli.err);
		rc = exit_code(cmd, &cli.err, rc);
	}
	/* usage errors changed nothing; anything that ran is on the record */
	if (given != NULL && rc != SRP_EXIT_USAGE && changes(cmd->name, argc, given)) {
		struct srp_err herr = { 0 };

		if (srp_history_add(cli.host, cmd->name, argc - 1, given + 1, rc == SRP_EXIT_OK,
				    cli.err.msg, &herr) < 0)
			fprintf(stderr, "srpass %s: warning: %s: %s\n", cmd->name, herr.msg,
				strerror(-herr.code));
	}
	free(given);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "srpass %s: cannot write output: %s\n", cmd->name, strerror(errno));
		rc = fail;
	}
	srp_config_free(cli.cfg);
	srp_host_close(cli.host);
	return rc;
}
