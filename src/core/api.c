/* SPDX-License-Identifier: MIT */
/* srpass -- the library's entry points that take a host and do the whole job */
#include <errno.h>
#include <stdio.h>

#include "core/audit.h"
#include "core/config.h"
#include "core/host.h"
#include "core/ledger.h"
#include "core/readiness.h"
#include "srpass/config.h"
#include "srpass/err.h"
#include "srpass/inventory.h"
#include "switch/vfswitch.h"

int srp_config_open(struct srp_host *host, const char *path, struct srp_config **ret,
		    struct srp_err *err)
{
	struct srp_config *cfg = NULL;
	int r;

	r = srp_config_load(&host->sys, path ? path : SRP_CONFIG_DEFAULT, &cfg, err);
	if (r == -ENOENT && path == NULL) {
		srp_err_clear(err);
		cfg = srp_config_new_default();
		if (cfg == NULL)
			return srp_err_set(err, -ENOMEM, "out of memory");
	} else if (r < 0) {
		return r;
	}
	snprintf(host->state_dir, sizeof(host->state_dir), "%s", cfg->state_dir);
	host->bind_timeout_ms = cfg->bind_timeout_ms;
	*ret = cfg;
	return 0;
}

int srp_check_host(struct srp_host *host, struct srp_checks *ret, struct srp_err *err)
{
	struct srp_inventory *inv = NULL;
	struct srp_checks c = { 0 };
	int r;

	r = srp_inventory_scan(host, &inv, err);
	if (r == 0)
		r = srp_readiness(host, inv, &c, err);
	srp_inventory_free(inv);
	if (r < 0) {
		srp_checks_free(&c);
		return r;
	}
	*ret = c;
	return 0;
}

int srp_audit_host(struct srp_host *host, const struct srp_config *cfg,
		   struct srp_findings *ret, struct srp_err *err)
{
	struct srp_inventory *inv = NULL;
	struct srp_ledger *l = NULL;
	struct srp_switch *sw = NULL;
	int r;

	r = srp_inventory_scan(host, &inv, err);
	if (r == 0)
		r = srp_ledger_peek(host, &l, err);
	if (r == 0)
		r = srp_host_switch_open(host, &sw, err);
	if (r == 0)
		r = srp_audit(host, cfg, inv, l, sw, ret, err);
	srp_switch_close(sw);
	srp_ledger_close(l);
	srp_inventory_free(inv);
	return r;
}
