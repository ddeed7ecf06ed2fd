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

enum srp_color { SRP_COLOR_AUTO, SRP_COLOR_ALWAYS, SRP_COLOR_NEVER };

struct json_object;

struct srp_cli {
	const char *root;		/* --root, $SRPASS_ROOT or "/" */
	const char *config;		/* --config or NULL for the default */
	const char *cmd;		/* the command's name ("vf"), for messages */
	const char *usage;		/* its usage line, without "srpass CMD" */
	int usage_exit;			/* what bad usage exits with (2; audit 3) */
	int json;			/* --json given, before the command or in its words */
	enum srp_color color_mode;	/* --color */
	FILE *out;			/* stdout */
	struct srp_host *host;		/* opened by main before the command runs */
	struct srp_config *cfg;		/* loaded by main: the file, or the defaults */
	struct srp_err err;		/* a failed command leaves its reason here */
	/* --json of a change: printed by main once the command succeeded */
	struct json_object *result;	/* srp_cli_result() */
	struct json_object *lines;	/* what the plan said */
	char *message;			/* srp_cli_say()'s last line */
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

/* A plan that prints each line to cli->out, or with --json collects it
 * into the result's "plan". */
struct srp_plan srp_cli_plan(struct srp_cli *cli);

/* Bad usage: "srpass CMD: MSG" (fmt may be NULL) and the usage line on
 * stderr, and with --json the error document on stdout.  Returns the
 * command's usage exit code. */
int srp_cli_usage(struct srp_cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* srp_cli_usage() for getopt_long()'s '?' (opterr is 0: this says it). */
int srp_cli_badopt(struct srp_cli *cli, char **argv);
/* A failed command's reason: "srpass CMD: MSG[: strerror]" on stderr,
 * and with --json {"error": {...}} on stdout. */
void srp_cli_report(struct srp_cli *cli, const char *cmd, const struct srp_err *err);
/* The one line a change ends with ("released 0000:03:10.0"): printed, or
 * with --json the result's "message". */
void srp_cli_say(struct srp_cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* With --json, the result of this command (version, command, and where
 * not -1 "changed" and "dry_run") for the caller to add to; main prints
 * it, with "plan" and "message", if the command succeeds.  NULL without
 * --json. */
struct json_object *srp_cli_result(struct srp_cli *cli, int changed, int dry_run);
int srp_cli_finish(struct srp_cli *cli);
void srp_cli_out_free(struct srp_cli *cli);
void srp_cli_json_print(FILE *out, struct json_object *o);
/* A FILE operand (of option opt) as the CLI reads files under the root:
 * absolute, or relative to the working directory on the real root only.
 * SRP_EXIT_OK and buf, or the usage error's exit code. */
int srp_cli_file_path(struct srp_cli *cli, const char *opt, const char *arg, char *buf,
		      size_t len);
/* assign's -t, -d, -b, -V and -m (also run's) into req: SRP_EXIT_OK, the
 * usage error's exit code for a bad value, or -1 if c is none of them. */
struct srp_assign_req;
int srp_cli_assign_opt(struct srp_cli *cli, int c, const char *arg, struct srp_assign_req *req);
/* 1 if cli->out gets ANSI colours: --color, else NO_COLOR and a tty. */
int srp_cli_color(struct srp_cli *cli);
/* --color[=auto|always|never]; -1 if arg is none of them. */
int srp_cli_color_parse(struct srp_cli *cli, const char *arg);

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
int cmd_config(struct srp_cli *cli, int argc, char **argv);
int cmd_launch(struct srp_cli *cli, int argc, char **argv);
int cmd_attach(struct srp_cli *cli, int argc, char **argv);
int cmd_detach(struct srp_cli *cli, int argc, char **argv);
int cmd_run(struct srp_cli *cli, int argc, char **argv);
int cmd_metrics(struct srp_cli *cli, int argc, char **argv);

#endif
