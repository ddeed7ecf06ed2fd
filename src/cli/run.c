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

/* What a command needs of the configuration. */
enum cfg_need {
	CFG_NONE,	/* nothing (config check reads its own) */
	CFG_OPTIONAL,	/* read-only: a broken file is a warning, the defaults stand */
	CFG_POLICY,	/* the tenants' policy: a broken file stops it */
};

struct cmd {
	const char *name;
	srp_cmd_fn run;
	enum cfg_need cfg;
	const char *usage;
	int fail;		/* exit code when it cannot run at all */
};

/* Exact names only: several of these change the host. */
static const struct cmd cmds[] = {
	{ "list", cmd_list, CFG_OPTIONAL,
	  "[--json] [--all] [--tenant T | --free] [--no-headers] [-o COLUMNS] [--color[=WHEN]]",
	  SRP_EXIT_FAIL },
	{ "show", cmd_show, CFG_OPTIONAL, "[--json] BDF", SRP_EXIT_FAIL },
	{ "check", cmd_check, CFG_OPTIONAL, "[--json] [--color[=WHEN]]", SRP_EXIT_FAIL },
	/* audit's 1 and 2 mean warnings and critical findings */
	{ "audit", cmd_audit, CFG_POLICY, "[--json] [--tenant T] [--color[=WHEN]]", 3 },
	{ "assign", cmd_assign, CFG_POLICY,
	  "VF --tenant T --domain D [--backend kvm] [--vlan N] [--mac M] [--dry-run] [--strict] "
	  "[--json]",
	  SRP_EXIT_FAIL },
	{ "release", cmd_release, CFG_POLICY, "VF [--dry-run] [--strict] [--force] [--json]",
	  SRP_EXIT_FAIL },
	{ "recover", cmd_recover, CFG_POLICY, "[--json]", SRP_EXIT_FAIL },
	{ "restore", cmd_restore, CFG_POLICY, "[--dry-run] [--json]", SRP_EXIT_FAIL },
	{ "vf", cmd_vf, CFG_POLICY,
	  "show [--json] VF | set [--dry-run] [--force] [--json] VF SETTING...", SRP_EXIT_FAIL },
	{ "enable", cmd_enable, CFG_POLICY, "PF --vfs N [--no-autoprobe] [--dry-run] [--json]",
	  SRP_EXIT_FAIL },
	{ "disable", cmd_disable, CFG_POLICY, "PF [--dry-run] [--force] [--json]", SRP_EXIT_FAIL },
	{ "metrics", cmd_metrics, CFG_POLICY, "[--json] [--output FILE]", SRP_EXIT_FAIL },
	{ "history", cmd_history, CFG_OPTIONAL, "[--json] [--vf VF | --tenant T]", SRP_EXIT_FAIL },
	{ "config", cmd_config, CFG_NONE, "check [--json] [FILE]", SRP_EXIT_FAIL },
	{ "launch", cmd_launch, CFG_OPTIONAL,
	  "qemu|libvirt|xl --domain D [--tenant T] [VF...] [--bus B] [--addr SLOT] "
	  "[--rombar-off] [--plain] [--domain-xml FILE] [--failover --standby-netdev ID | "
	  "--standby-network NET] [--json]",
	  SRP_EXIT_FAIL },
	{ "attach", cmd_attach, CFG_OPTIONAL,
	  "VF --domain D --qmp SOCKET [--bus B] [--addr SLOT] [--rombar-off] [--timeout SECS] "
	  "[--json]",
	  SRP_EXIT_FAIL },
	{ "detach", cmd_detach, CFG_OPTIONAL, "VF --qmp SOCKET [--timeout SECS] [--json]",
	  SRP_EXIT_FAIL },
	{ "run", cmd_run, CFG_POLICY,
	  "--tenant T --domain D [--backend kvm] [--vlan N] [--mac M] [--json] VF... -- "
	  "COMMAND [ARG...]",
	  SRP_EXIT_FAIL },
};

/* The commands that change the host, recorded in the history unless a
 * dry run. */
static int changes(const char *cmd, int argc, char **argv)
{
	static const char *const changing[] = { "assign", "release", "recover", "restore",
						"enable", "disable", "attach", "detach", "run" };
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
	fprintf(f, "usage: srpass [--root DIR] [--config FILE] [--wait SECS] [--json] [--color[=WHEN]]\n"
		   "              COMMAND [ARGS]\n"
		   "       srpass help [COMMAND]   (or srpass COMMAND --help)\n");
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(f, "       srpass %s%s%s\n", cmds[i].name, cmds[i].usage[0] ? " " : "",
			cmds[i].usage);
	fprintf(f, "BDF is 0000:03:10.1 or 03:10.1.  Exit: 0 ok, 1 failure or findings, 2 usage.\n"
		   "The host root is --root, else $SRPASS_ROOT, else /.  --wait: how long to wait\n"
		   "for another srpass holding the host's lock (default %u s).\n",
		SRP_LOCK_WAIT_MS / 1000);
}

/* Bad input exits 2 (usage), except where 2 means something else (audit:
 * critical findings) and the command's "could not run" code stands. */
static int exit_code(const struct cmd *cmd, const struct srp_err *err, int rc)
{
	if (!(err->flags & SRP_ERR_INPUT))
		return rc;
	return cmd->fail == SRP_EXIT_FAIL ? SRP_EXIT_USAGE : cmd->fail;
}

static void print_help(const char *text)
{
	fputs(text, stdout);
	fputs("Every command also takes --json: its output, or its error, as one JSON\n"
	      "document on stdout (docs/json.md; schemas in docs/schema/).\n", stdout);
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
	print_help(text);
	return SRP_EXIT_OK;
}

/* --json anywhere before "--" asks for JSON, errors included: taken out
 * of argv before the first word is parsed, so every error can be JSON and
 * no command's operands (vf set's SETTING...) ever see it.  Returns the
 * new argc. */
static int take_json(int argc, char **argv, int *json)
{
	int i, n = 1;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--json") == 0)
			*json = 1;
		else
			argv[n++] = argv[i];
	}
	while (i < argc)
		argv[n++] = argv[i++];
	argv[n] = NULL;
	return n;
}

/* The configuration cmd needs: the file (or the defaults when there is
 * none), or for a read-only command the defaults when the file is broken,
 * with one warning. */
static int open_config(struct srp_cli *cli, const struct cmd *cmd, int argc, char **argv)
{
	int optional = cmd->cfg == CFG_OPTIONAL ||
		       (strcmp(cmd->name, "vf") == 0 && argc > 1 && strcmp(argv[1], "show") == 0);

	if (cmd->cfg == CFG_NONE)
		return 0;
	if (srp_config_open(cli->host, cli->config, &cli->cfg, &cli->err) == 0)
		return 0;
	if (!optional || cli->err.code == -ENOMEM)
		return -1;
	fprintf(stderr, "srpass %s: warning: the configuration is not used: %s "
		"('srpass config check' says more)\n", cmd->name, cli->err.msg);
	srp_err_clear(&cli->err);
	cli->cfg = srp_config_new_default();
	return cli->cfg ? 0 : srp_err_set(&cli->err, -ENOMEM, "out of memory");
}

int srp_cli_main(int argc, char **argv, const struct srp_platform *platform)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'R' },
		{ "config", required_argument, NULL, 'c' },
		{ "wait", required_argument, NULL, 'w' },
		{ "json", no_argument, NULL, 'j' },
		{ "color", optional_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct srp_cli cli = { .out = stdout, .cmd = "", .usage_exit = SRP_EXIT_USAGE };
	struct srp_host_opts hopts = { .platform = platform };
	const struct cmd *cmd = NULL;
	unsigned long secs, seen = 0;
	char **given = NULL;
	int c, rc, fail;

	argc = take_json(argc, argv, &cli.json);
	cli.root = getenv("SRPASS_ROOT");
	if (cli.root == NULL || cli.root[0] == '\0')
		cli.root = "/";
	opterr = 0;	/* srp_cli_badopt() says what is wrong, as text or JSON */
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
			if (srp_parse_ulong(optarg, 10, 1, 3600, &secs) < 0)
				return srp_cli_usage(&cli, "--wait '%s': want seconds, 1 to 3600",
						     optarg);
			hopts.lock_wait_ms = (unsigned int)secs * 1000;
			break;
		case 'j':
			break;	/* wants_json() saw it */
		case 'C':
			if (srp_cli_color_parse(&cli, optarg) < 0)
				return srp_cli_usage(&cli, "--color='%s': want auto, always or never",
						     optarg);
			break;
		case 'h':
			usage(stdout);
			return SRP_EXIT_OK;
		case 'V':
			printf("srpass %s\n", SRPASS_VERSION);
			return SRP_EXIT_OK;
		default:
			rc = srp_cli_badopt(&cli, argv);
			usage(stderr);
			return rc;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return srp_cli_usage(&cli, NULL);
	}
	if (strcmp(argv[optind], "help") == 0)
		return help(argc - optind, argv + optind);
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		if (strcmp(argv[optind], cmds[i].name) == 0)
			cmd = &cmds[i];
	if (cmd == NULL) {
		rc = srp_cli_usage(&cli, "unknown command '%s'", argv[optind]);
		usage(stderr);
		return rc;
	}
	cli.cmd = cmd->name;
	cli.usage = cmd->usage;
	cli.usage_exit = cmd->fail == SRP_EXIT_FAIL ? SRP_EXIT_USAGE : cmd->fail;

	if (srp_cli_wants_help(argc - optind, argv + optind)) {
		const char *sub = optind + 1 < argc ? argv[optind + 1] : NULL;

		print_help(srp_cli_help(cmd->name, sub));
		return SRP_EXIT_OK;
	}

	fail = cmd->fail;
	hopts.root = cli.root;
	if (srp_host_open_opts(&hopts, &cli.host, &cli.err) < 0 ||
	    open_config(&cli, cmd, argc - optind, argv + optind) < 0) {
		srp_cli_report(&cli, cmd->name, &cli.err);
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
		srp_cli_report(&cli, cmd->name, &cli.err);
		rc = exit_code(cmd, &cli.err, rc);
	} else if (rc == SRP_EXIT_OK || (strcmp(cmd->name, "audit") == 0 && rc != fail)) {
		srp_cli_finish(&cli);
	}
	/* usage errors changed nothing; anything that ran is on the record */
	if (given != NULL && rc != cli.usage_exit && changes(cmd->name, argc, given)) {
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
	srp_cli_out_free(&cli);
	srp_config_free(cli.cfg);
	srp_host_close(cli.host);
	return rc;
}
