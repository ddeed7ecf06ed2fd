/* SPDX-License-Identifier: MIT */
/* srpass -- `check`: is this host ready to give VFs to guests? */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>

#include "cli/cli.h"
#include "core/readiness.h"
#include "srpass/inventory.h"

static struct json_object *checks_json(const struct srp_checks *c)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();

	json_object_object_add(o, "version", json_object_new_int(1));
	for (size_t i = 0; i < c->n; i++) {
		const struct srp_check *it = &c->items[i];
		struct json_object *j = json_object_new_object();

		json_object_object_add(j, "id", json_object_new_string(it->id));
		json_object_object_add(j, "status", json_object_new_string(srp_status_name(it->status)));
		json_object_object_add(j, "subject", json_object_new_string(it->subject));
		json_object_object_add(j, "message", json_object_new_string(it->message));
		json_object_object_add(j, "evidence", json_object_new_string(it->evidence));
		json_object_object_add(j, "remedy", it->remedy[0] ? json_object_new_string(it->remedy)
								  : NULL);
		json_object_array_add(a, j);
	}
	json_object_object_add(o, "checks", a);
	return o;
}

int cmd_check(struct srp_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "color", optional_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	struct srp_checks checks = { 0 };
	struct srp_inventory *inv = NULL;
	int c, rc = SRP_EXIT_OK, tty;

	while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		if (c == 'C' && srp_cli_color_parse(cli, optarg) == 0)
			continue;
		if (c != 'j')
			return srp_cli_badopt(cli, argv);
	}
	if (optind != argc)
		return srp_cli_usage(cli, "check takes no operands");
	tty = srp_cli_color(cli);
	if (srp_inventory_scan(cli->host, &inv, &cli->err) < 0)
		return SRP_EXIT_FAIL;
	if (srp_readiness(cli->host, inv, &checks, &cli->err) < 0) {
		srp_inventory_free(inv);
		return SRP_EXIT_FAIL;
	}
	for (size_t i = 0; i < checks.n; i++)
		if (checks.items[i].status == SRP_FAIL)
			rc = SRP_EXIT_FAIL;
	if (cli->json) {
		struct json_object *o = checks_json(&checks);

		srp_cli_json_print(cli->out, o);
		json_object_put(o);
	} else {
		for (size_t i = 0; i < checks.n; i++) {
			const struct srp_check *it = &checks.items[i];
			const char *on = "", *off = "";

			if (tty) {
				on = it->status == SRP_PASS ? "\033[32m" : it->status == SRP_WARN ?
				     "\033[33m" : "\033[31m";
				off = "\033[0m";
			}
			fprintf(cli->out, "%s%-4s%s  %-16s  %-12s  %s\n", on, srp_status_name(it->status),
				off, it->id, it->subject, it->message);
			if (it->remedy[0])
				fprintf(cli->out, "      %-16s  %-12s  remedy: %s\n", "", "", it->remedy);
		}
	}
	srp_checks_free(&checks);
	srp_inventory_free(inv);
	return rc;
}
