/* SPDX-License-Identifier: MIT */
/* srpass -- `config check`: is this configuration one srpass would accept? */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/config.h"
#include "core/host.h"

static const char *isolation_name(enum srp_cfg_isolation i)
{
	return i == SRP_CFG_ISOLATION_DEDICATED_PF ? "dedicated-pf" : "shared";
}

static void pf_sel_format(const struct srp_pf_sel *s, char *buf, size_t len)
{
	if (s->kind == SRP_PF_SEL_BDF)
		srp_bdf_format(&s->bdf, buf);
	else if (s->kind == SRP_PF_SEL_NETDEV)
		snprintf(buf, len, "%s", s->netdev);
	else
		snprintf(buf, len, "%04x:%04x", s->vendor, s->device);
}

static struct json_object *tenant_json(const struct srp_tenant *t)
{
	struct json_object *o = json_object_new_object(), *pfs = json_object_new_array();
	char buf[256];

	json_object_object_add(o, "name", json_object_new_string(t->name));
	json_object_object_add(o, "line", json_object_new_int((int)t->line));
	for (size_t i = 0; i < t->n_pfs; i++) {
		pf_sel_format(&t->pfs[i], buf, sizeof(buf));
		json_object_array_add(pfs, json_object_new_string(buf));
	}
	json_object_object_add(o, "pfs", pfs);
	srp_vlan_set_format(&t->vlans, buf, sizeof(buf));
	json_object_object_add(o, "vlans", json_object_new_string(buf));
	json_object_object_add(o, "isolation", json_object_new_string(isolation_name(t->isolation)));
	json_object_object_add(o, "max_vfs", t->max_vfs == SRP_UNLIMITED ? NULL :
				     json_object_new_int64(t->max_vfs));
	return o;
}

static int config_check(struct srp_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	char path[PATH_MAX], names[512];
	const char *file = cli->config;
	struct srp_config *cfg = NULL;
	struct json_object *o, *ts;
	int c, r;

	while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1)
		if (c != 'j')
			return srp_cli_badopt(cli, argv);
	if (optind + 1 < argc)
		return srp_cli_usage(cli, "one FILE at a time");
	if (optind + 1 == argc) {
		r = srp_cli_file_path(cli, "FILE", argv[optind], path, sizeof(path));
		if (r != 0)
			return r;
		file = path;
	}
	r = srp_config_load(&cli->host->sys, file ? file : SRP_CONFIG_PATH, &cfg, &cli->err);
	if (r == -ENOENT && file == NULL) {
		/* what every other command does then: the defaults, no tenants */
		srp_err_clear(&cli->err);
		cfg = srp_config_new_default();
		if (cfg == NULL)
			return srp_err_set(&cli->err, -ENOMEM, "out of memory"), SRP_EXIT_FAIL;
	} else if (r < 0) {
		/* the file is the input: whatever is wrong with it, exit 2 */
		if (r != -ENOMEM)
			cli->err.flags |= SRP_ERR_INPUT;
		return SRP_EXIT_FAIL;
	}
	srp_config_tenant_names(cfg, names, sizeof(names));
	o = srp_cli_result(cli, -1, -1);
	if (o == NULL) {
		if (cfg->path == NULL)
			fprintf(cli->out, "%s: no such file; srpass runs with the defaults (no "
				"tenants: nothing can be assigned)\n", SRP_CONFIG_PATH);
		else
			fprintf(cli->out, "%s: ok: %zu tenant%s (%s), backend %s, state in %s\n",
				cfg->path, cfg->n_tenants, cfg->n_tenants == 1 ? "" : "s", names,
				cfg->backend, cfg->state_dir);
		srp_config_free(cfg);
		return SRP_EXIT_OK;
	}
	json_object_object_add(o, "command", json_object_new_string("config check"));
	json_object_object_add(o, "file", json_object_new_string(cfg->path ? cfg->path :
								     SRP_CONFIG_PATH));
	json_object_object_add(o, "exists", json_object_new_boolean(cfg->path != NULL));
	json_object_object_add(o, "valid", json_object_new_boolean(1));
	json_object_object_add(o, "backend", json_object_new_string(cfg->backend));
	json_object_object_add(o, "state_dir", json_object_new_string(cfg->state_dir));
	json_object_object_add(o, "bind_timeout_ms", json_object_new_int64(cfg->bind_timeout_ms));
	json_object_object_add(o, "default_isolation",
			       json_object_new_string(isolation_name(cfg->default_isolation)));
	ts = json_object_new_array();
	for (size_t i = 0; i < cfg->n_tenants; i++)
		json_object_array_add(ts, tenant_json(&cfg->tenants[i]));
	json_object_object_add(o, "tenants", ts);
	srp_config_free(cfg);
	return SRP_EXIT_OK;
}

int cmd_config(struct srp_cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return srp_cli_usage(cli, "which subcommand? (check)");
	if (strcmp(argv[1], "check") == 0)
		return config_check(cli, argc - 1, argv + 1);
	return srp_cli_usage(cli, "unknown subcommand '%s' (check)", argv[1]);
}
