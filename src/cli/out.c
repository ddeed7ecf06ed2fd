/* SPDX-License-Identifier: MIT */
/* srpass -- what a command says: text for people, one JSON document for scripts */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

void srp_cli_json_print(FILE *out, struct json_object *o)
{
	fprintf(out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							     JSON_C_TO_STRING_SPACED |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* The error's stable id (docs/schema/error.schema.json): what kind of
 * failure, for a script to branch on; the message says the rest. */
static const char *error_id(const struct srp_err *err, int usage)
{
	if (usage)
		return "usage";
	if (err->flags & SRP_ERR_INPUT)
		return "bad-input";
	switch (-err->code) {
	case EBUSY:
	case EAGAIN:
		return (err->flags & SRP_ERR_SAID) ? "refused" : "busy";
	case EPERM:
	case EACCES:
		return (err->flags & SRP_ERR_SAID) ? "refused" : "permission";
	case ENODEV:
	case ENOENT:
	case ENXIO:
		return "not-found";
	case EBADMSG:
	case EPROTO:
		return "bad-state";
	case ENOMEM:
		return "out-of-memory";
	default:
		return (err->flags & SRP_ERR_SAID) ? "refused" : "failed";
	}
}

/* What to do about it, where the kind says it: the message names the
 * device and the file. */
static const char *error_remedy(const char *id)
{
	static const struct {
		const char *id, *remedy;
	} remedies[] = {
		{ "usage", "see 'srpass help COMMAND'" },
		{ "bad-input", "correct the value the message names; 'srpass help COMMAND' lists "
			       "what is accepted" },
		{ "busy", "another srpass holds the host's lock: retry, or wait longer with "
			  "--wait SECS" },
		{ "refused", "the message says what must change first; --force overrides where "
			     "the command has it" },
		{ "permission", "run srpass as root" },
		{ "bad-state", "'srpass recover' repairs an interrupted change; a damaged file "
			       "named in the message must be fixed or moved away by hand" },
		{ "failed", "'srpass recover' repairs anything left half-done" },
	};

	for (size_t i = 0; i < sizeof(remedies) / sizeof(remedies[0]); i++)
		if (strcmp(remedies[i].id, id) == 0)
			return remedies[i].remedy;
	return NULL;
}

static void error_json(FILE *out, const char *id, const char *msg, int code)
{
	struct json_object *o = json_object_new_object(), *e = json_object_new_object();
	const char *remedy = error_remedy(id);

	json_object_object_add(e, "id", json_object_new_string(id));
	json_object_object_add(e, "message", json_object_new_string(msg));
	json_object_object_add(e, "remedy", remedy ? json_object_new_string(remedy) : NULL);
	json_object_object_add(e, "errno", code ? json_object_new_int(-code) : NULL);
	json_object_object_add(o, "version", json_object_new_int(1));
	json_object_object_add(o, "error", e);
	srp_cli_json_print(out, o);
	json_object_put(o);
}

void srp_cli_report(struct srp_cli *cli, const char *cmd, const struct srp_err *err)
{
	char msg[sizeof(err->msg) + 128];

	if (err->flags & SRP_ERR_SAID)
		snprintf(msg, sizeof(msg), "%s", err->msg);
	else
		snprintf(msg, sizeof(msg), "%s: %s", err->msg, strerror(-err->code));
	fprintf(stderr, "srpass%s%s: %s\n", cmd[0] ? " " : "", cmd, msg);
	if (cli->json)
		error_json(cli->out, error_id(err, 0), msg, err->code);
}

int srp_cli_usage(struct srp_cli *cli, const char *fmt, ...)
{
	char msg[512] = "";
	va_list ap;

	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		fprintf(stderr, "srpass%s%s: %s\n", cli->cmd[0] ? " " : "", cli->cmd, msg);
	}
	if (cli->usage != NULL)
		fprintf(stderr, "usage: srpass %s %s\n", cli->cmd, cli->usage);
	if (cli->json)
		error_json(cli->out, "usage", msg[0] ? msg : "bad usage", 0);
	return cli->usage_exit;
}

int srp_cli_badopt(struct srp_cli *cli, char **argv)
{
	const char *word = optind > 0 ? argv[optind - 1] : "?";

	if (optopt != 0 && word[0] == '-' && word[1] != '-')
		return srp_cli_usage(cli, "option '-%c' is unknown or needs a value", optopt);
	return srp_cli_usage(cli, "option '%s' is unknown or needs a value", word);
}

/* --json: the plan's lines go into the result's "plan" array. */
static void collect_line(void *ctx, const char *line)
{
	struct srp_cli *cli = ctx;

	if (cli->lines == NULL)
		cli->lines = json_object_new_array();
	if (cli->lines != NULL)
		json_object_array_add(cli->lines, json_object_new_string(line));
}

static void plan_line(void *ctx, const char *line)
{
	fprintf(ctx, "%s\n", line);
}

struct srp_plan srp_cli_plan(struct srp_cli *cli)
{
	if (cli->json)
		return (struct srp_plan){ .line = collect_line, .ctx = cli };
	return (struct srp_plan){ .line = plan_line, .ctx = cli->out };
}

void srp_cli_say(struct srp_cli *cli, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (!cli->json) {
		fprintf(cli->out, "%s\n", line);
		return;
	}
	free(cli->message);
	cli->message = strdup(line);
}

struct json_object *srp_cli_result(struct srp_cli *cli, int changed, int dry_run)
{
	struct json_object *o;

	if (!cli->json)
		return NULL;
	json_object_put(cli->result);
	o = cli->result = json_object_new_object();
	if (o == NULL)
		return NULL;
	json_object_object_add(o, "version", json_object_new_int(1));
	json_object_object_add(o, "command", json_object_new_string(cli->cmd));
	if (changed >= 0)
		json_object_object_add(o, "changed", json_object_new_boolean(changed && !dry_run));
	if (dry_run >= 0)
		json_object_object_add(o, "dry_run", json_object_new_boolean(dry_run));
	return o;
}

int srp_cli_finish(struct srp_cli *cli)
{
	struct json_object *o = cli->result;

	if (o == NULL)
		return 0;
	if (json_object_object_get_ex(o, "changed", NULL)) {
		json_object_object_add(o, "message", cli->message ?
				       json_object_new_string(cli->message) : NULL);
		json_object_object_add(o, "plan", cli->lines ? json_object_get(cli->lines) :
					     json_object_new_array());
	}
	srp_cli_json_print(cli->out, o);
	return 0;
}

void srp_cli_out_free(struct srp_cli *cli)
{
	json_object_put(cli->result);
	json_object_put(cli->lines);
	free(cli->message);
	cli->result = cli->lines = NULL;
	cli->message = NULL;
}

int srp_cli_color(struct srp_cli *cli)
{
	const char *no = getenv("NO_COLOR");

	if (cli->json || cli->color_mode == SRP_COLOR_NEVER)
		return 0;
	if (cli->color_mode == SRP_COLOR_ALWAYS)
		return 1;
	return (no == NULL || no[0] == '\0') && isatty(fileno(cli->out));
}

int srp_cli_color_parse(struct srp_cli *cli, const char *arg)
{
	if (arg == NULL || strcmp(arg, "always") == 0)
		cli->color_mode = SRP_COLOR_ALWAYS;
	else if (strcmp(arg, "auto") == 0)
		cli->color_mode = SRP_COLOR_AUTO;
	else if (strcmp(arg, "never") == 0)
		cli->color_mode = SRP_COLOR_NEVER;
	else
		return -1;
	return 0;
}

int srp_cli_file_path(struct srp_cli *cli, const char *opt, const char *arg, char *buf,
		      size_t len)
{
	char cwd[PATH_MAX];

	if (arg[0] == '/') {
		if (strlen(arg) >= len)
			return srp_cli_usage(cli, "%s '%s': too long", opt, arg);
		snprintf(buf, len, "%s", arg);
		return SRP_EXIT_OK;
	}
	if (strcmp(cli->root, "/") != 0)
		return srp_cli_usage(cli, "%s '%s': with --root, FILE must be absolute (it is "
				     "resolved under the root)", opt, arg);
	if (getcwd(cwd, sizeof(cwd)) == NULL ||
	    (size_t)snprintf(buf, len, "%s/%s", cwd, arg) >= len)
		return srp_cli_usage(cli, "%s '%s': cannot make it an absolute path", opt, arg);
	return SRP_EXIT_OK;
}
