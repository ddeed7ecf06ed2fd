/* SPDX-License-Identifier: MIT */
/* srpass -- `metrics`: the host in Prometheus text format, for node_exporter's textfile collector */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/metrics.h"

/* FILE as the CLI takes files under the root (launch --domain-xml and
 * config check do the same): absolute, or relative to the working
 * directory on the real root only. */
static int file_path(struct srp_cli *cli, const char *arg, char *buf, size_t len)
{
	char cwd[PATH_MAX];

	if (arg[0] == '\0')
		return srp_cli_usage(cli, "--output: empty file name");
	if (arg[0] == '/') {
		if (strlen(arg) >= len)
			return srp_cli_usage(cli, "--output '%s': the path is too long", arg);
		snprintf(buf, len, "%s", arg);
		return 0;
	}
	if (strcmp(cli->root, "/") != 0)
		return srp_cli_usage(cli, "--output '%s': with --root, FILE must be absolute (it is "
				     "written under the root)", arg);
	if (getcwd(cwd, sizeof(cwd)) == NULL ||
	    (size_t)snprintf(buf, len, "%s/%s", cwd, arg) >= len)
		return srp_cli_usage(cli, "'%s': cannot make it an absolute path", arg);
	return 0;
}

int cmd_metrics(struct srp_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct srp_metrics *m = NULL;
	const char *output = NULL;
	char path[PATH_MAX], warn[1024], *text = NULL;
	unsigned long seen = 0;
	size_t len = 0;
	int c, r, rc = SRP_EXIT_FAIL;

	while ((c = getopt_long(argc, argv, "jo:", opts, NULL)) != -1) {
		if (srp_cli_once("metrics", opts, c, &seen) < 0)
			return srp_cli_usage(cli, NULL);
		switch (c) {
		case 'j':
			cli->json = 1;
			break;
		case 'o':
			output = optarg;
			break;
		default:
			return srp_cli_badopt(cli, argv);
		}
	}
	if (optind != argc)
		return srp_cli_usage(cli, "metrics takes no operands ('%s')", argv[optind]);
	if (output != NULL && file_path(cli, output, path, sizeof(path)) != 0)
		return cli->usage_exit;

	if (srp_metrics_collect(cli->host, cli->cfg, &m, warn, sizeof(warn), &cli->err) < 0)
		return SRP_EXIT_FAIL;
	/* a part that could not be read is in the metrics (collector_success) */
	if (warn[0] != '\0')
		fprintf(stderr, "srpass metrics: warning: %s\n", warn);
	if (output != NULL || !cli->json) {
		r = srp_metrics_format(m, &text, &len);
		if (r < 0) {
			srp_err_set(&cli->err, r, "out of memory");
			goto out;
		}
	}
	if (output != NULL) {
		if (srp_metrics_write(cli->host, path, text, len, &cli->err) < 0)
			goto out;
	} else if (!cli->json && fwrite(text, 1, len, cli->out) != len) {
		srp_err_set(&cli->err, -errno, "cannot write the metrics");
		goto out;
	}
	if (cli->json) {
		struct json_object *o = srp_metrics_to_json(m);

		if (o == NULL) {
			srp_err_set(&cli->err, -ENOMEM, "out of memory");
			goto out;
		}
		srp_cli_json_print(cli->out, o);
		json_object_put(o);
	}
	rc = SRP_EXIT_OK;
out:
	free(text);
	srp_metrics_free(m);
	return rc;
}
