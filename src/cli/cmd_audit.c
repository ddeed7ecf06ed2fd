/* SPDX-License-Identifier: MIT */
/* srpass -- `audit`: every isolation problem on the host */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/audit.h"
#include "cli/cli.h"
#include "core/config.h"
#include "core/host.h"
#include "core/ledger.h"
#include "srpass/inventory.h"
#include "switch/vfswitch.h"

/* Exit codes of audit, by the worst finding (docs/audit.md). */
enum { AUDIT_CLEAN = 0, AUDIT_WARNINGS = 1, AUDIT_CRITICAL = 2, AUDIT_FAILED = 3 };

static int concerns(const struct srp_finding *it, const char *tenant)
{
	size_t n = strlen(tenant);
	const char *p = it->tenant;

	if (tenant[0] == '\0' || strcmp(it->subject_kind, "host") == 0)
		return 1;	/* host-wide problems concern every tenant */
	while ((p = strstr(p, tenant)) != NULL) {
		if ((p == it->tenant || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return 1;
		p += n;
	}
	return 0;
}

static void print_json(FILE *out, const struct srp_findings *f, const char *tenant, int worst)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();
	static const char *const worst_name[] = { "clean", "warning", "critical" };

	json_object_object_add(o, "version", json_object_new_int(1));
	json_object_object_add(o, "worst", json_object_new_string(worst_name[worst]));
	for (size_t i = 0; i < f->n; i++) {
		const struct srp_finding *it = &f->items[i];
		struct json_object *j;

		if (!concerns(it, tenant))
			continue;
		j = json_object_new_object();
		json_object_object_add(j, "id", json_object_new_string(it->id));
		json_object_object_add(j, "severity",
				       json_object_new_string(srp_severity_name(it->severity)));
		json_object_object_add(j, "subject_kind", json_object_new_string(it->subject_kind));
		json_object_object_add(j, "subject", json_object_new_string(it->subject));
		json_object_object_add(j, "tenant", it->tenant[0] ? json_object_new_string(it->tenant)
								   : NULL);
		json_object_object_add(j, "message", json_object_new_string(it->message));
		json_object_object_add(j, "evidence", json_object_new_string(it->evidence));
		json_object_object_add(j, "remedy", json_object_new_string(it->remedy));
		json_object_array_add(a, j);
	}
	json_object_object_add(o, "findings", a);
	fprintf(out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
			JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static void print_text(FILE *out, const struct srp_findings *f, const char *tenant, int tty)
{
	static const char *const colour[] = { "\033[36m", "\033[33m", "\033[1;31m" };
	size_t shown = 0;

	for (int sev = SRP_SEV_CRITICAL; sev >= SRP_SEV_INFO; sev--) {
		int header = 0;

		for (size_t i = 0; i < f->n; i++) {
			const struct srp_finding *it = &f->items[i];

			if ((int)it->severity != sev || !concerns(it, tenant))
				continue;
			if (!header++)
				fprintf(out, "%s%s%s\n", tty ? colour[sev] : "",
					sev == SRP_SEV_CRITICAL ? "CRITICAL" :
					sev == SRP_SEV_WARNING ? "WARNING" : "INFO", tty ? "\033[0m" : "");
			fprintf(out, "  %-15s %s %s%s%s%s\n", it->id, it->subject_kind, it->subject,
				it->tenant[0] ? " (tenant " : "", it->tenant,
				it->tenant[0] ? ")" : "");
			fprintf(out, "      %s\n", it->message);
			fprintf(out, "      evidence: %s\n", it->evidence);
			fprintf(out, "      remedy:   %s\n", it->remedy);
			shown++;
		}
	}
	if (shown == 0)
		fprintf(out, "no findings: every check passed\n");
}

int cmd_audit(struct srp_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "tenant", required_argument, NULL, 't' },
		{ "color", optional_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	struct srp_findings f = { 0 };
	struct srp_inventory *inv = NULL;
	struct srp_ledger *l = NULL;
	const struct srp_config *cfg = cli->cfg;
	struct srp_switch *sw = NULL;
	const char *tenant = "";
	int c, worst = AUDIT_CLEAN, rc = AUDIT_FAILED;
	unsigned long seen = 0;

	while ((c = getopt_long(argc, argv, "jt:", opts, NULL)) != -1) {
		/* usage exits 3, not 2: 2 means "critical findings" here */
		if (srp_cli_once("audit", opts, c, &seen) < 0)
			return srp_cli_usage(cli, NULL);
		switch (c) {
		case 'j':
			break;
		case 't':
			tenant = optarg;
			break;
		case 'C':
			if (srp_cli_color_parse(cli, optarg) == 0)
				break;
			/* fall through */
		default:
			return srp_cli_badopt(cli, argv);
		}
	}
	if (optind != argc)
		return srp_cli_usage(cli, "audit takes no operands");
	if (tenant[0] && srp_config_tenant(cfg, tenant) == NULL) {
		char known[256];

		srp_config_tenant_names(cfg, known, sizeof(known));
		srp_err_input(&cli->err, -ENOENT, "--tenant '%s' is not in the configuration (its "
			      "tenants: %s)", tenant, known);
		return AUDIT_FAILED;
	}
	if (srp_inventory_scan(cli->host, &inv, &cli->err) < 0 ||
	    srp_ledger_peek(cli->host, &l, &cli->err) < 0 ||
	    srp_host_switch_open(cli->host, &sw, &cli->err) < 0 ||
	    srp_audit(cli->host, cfg, inv, l, sw, &f, &cli->err) < 0)
		goto out;
	for (size_t i = 0; i < f.n; i++) {
		int sev = f.items[i].severity == SRP_SEV_CRITICAL ? AUDIT_CRITICAL :
			  f.items[i].severity == SRP_SEV_WARNING ? AUDIT_WARNINGS : AUDIT_CLEAN;

		if (concerns(&f.items[i], tenant) && sev > worst)
			worst = sev;
	}
	if (cli->json)
		print_json(cli->out, &f, tenant, worst);
	else
		print_text(cli->out, &f, tenant, srp_cli_color(cli));
	rc = worst;
out:
	srp_findings_free(&f);
	srp_switch_close(sw);
	srp_ledger_close(l);
	srp_inventory_free(inv);
	return rc;
}
