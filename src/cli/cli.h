/* SPDX-License-Identifier: MIT */
/* srpass -- what every CLI command gets; only the CLI prints or exits */
#ifndef SRP_CLI_H
#define SRP_CLI_H

#include <stdio.h>

#include "srpass/assign.h"
#include "srpass/err.h"

struct srp_host;

/* Exit codes, documented in docs/srpass.1 */
enum {
	SRP_EXIT_OK = 0,
	SRP_EXIT_FAIL = 1,	/* an operation failed, or findings (see audit) */
	SRP_EXIT_USAGE = 2,	/* bad command line or bad input */
};

struct srp_cli {
	const char *root;		/* --root, $SRPASS_ROOT or "/" */
	const char *config;		/* --config or NULL for the default */
	int json;			/* --json given */
	int dry_run;			/* --dry-run given */
	FILE *out;			/* stdout */
	struct srp_host *host;		/* opened by main before the command runs */
	struct srp_config *cfg;		/* loaded by main: the file, or the defaults */
	struct srp_err err;		/* a failed command leaves its reason here */
};

/*
 * A command gets argv with argv[0] = its own name and the global options
 * already removed.  It returns an exit code; on failure it leaves the
 * reason in cli->err (main prints "srpass CMD: MSG: strerror") or prints
 * a usage line itself and returns SRP_EXIT_USAGE.
 */
struct srp_config;

struct srp_platform;
struct option;
/* 0 the first time getopt_long() returns c, -1 (and a message naming
 * "srpass cmd --opt") if an option that takes a value comes twice: the
 * second would silently replace the first.  *seen is the caller's,
 * zero before the loop. */
int srp_cli_once(const char *cmd, const struct option *opts, int c, unsigned long *seen);

/* The help of cmd (or of "cmd sub", e.g. "vf set", if it has its own),
 * or NULL for an unknown command. */
const char *srp_cli_help(const char *cmd, const char *sub);
/* 1 if argv (a command's own, argv[0] its name) asks for --help or -h
 * before any "--". */
int srp_cli_wants_help(int argc, char **argv);

/* A plan that prints each line to cli->out. */
struct srp_plan srp_cli_plan(struct srp_cli *cli);

/* The whole command line on platform (NULL: the real kernel); returns
 * the exit code.  main() of srpass, and of srpass-sim with its own. */
int srp_cli_main(int argc, char **argv, const struct srp_platform *platform);

typedef int (*srp_cmd_fn)(struct srp_cli *cli, int argc, char **argv);

int cmd_list(struct srp_cli *cli, int argc, char **argv);
int cmd_show(struct srp_cli *cli, int argc, char **argv);
int cmd_check(struct srp_cli *cli, int argc, char **argv);
int cmd_vf(struct srp_cli *cli, int argc, char **argv);
int cmd_audit(struct srp_cli *cli, int argc, char **argv);
int cmd_assign(struct srp_cli *cli, int argc, char **argv);
int cmd_release(struct srp_cli *cli, int argc, char **argv);
int cmd_recover(struct srp_cli *cli, int argc, char **argv);
int cmd_restore(struct srp_cli *cli, int argc, char **argv);
int cmd_enable(struct srp_cli *cli, int argc, char **argv);
int cmd_disable(struct srp_cli *cli, int argc, char **argv);
int cmd_history(struct srp_cli *cli, int argc, char **argv);

#endif
