/* SPDX-License-Identifier: MIT */
/* srpass fuzz -- the configuration loader, fed through a fake seam */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "fuzz/fakesys.h"
#include "srpass/err.h"

/*
 * Input: the bytes of /etc/srpass/srpass.conf, which srp_config_load()
 * reads through the seam (lstat: a regular file, 0644; read: the bytes)
 * and hands to iniparser in a memfd, as on a host.  The oracles:
 * a refusal says why and never is -EIO or "iniparser could not load it"
 * (srpass's own pass and iniparser read the file differently: a bug,
 * says config.h); a loaded configuration keeps the promises of config.h;
 * no file descriptor is left open.
 */

#define CONF "/etc/srpass/srpass.conf"

static void check_tenant(const struct srp_config *cfg, const struct srp_tenant *t)
{
	unsigned int count = 0;

	if (t->n_pfs == 0 || t->pfs == NULL || t->mac_prefix_len > 5 ||
	    t->n_backends > SRP_CFG_MAX_BACKENDS || srp_config_tenant(cfg, t->name) != t ||
	    (t->mac_prefix_len > 0 && t->n_macs > 0))
		abort();
	if (srp_vlan_set_has(&t->vlans, 0) || srp_vlan_set_has(&t->vlans, 4095))
		abort();
	for (unsigned int v = 1; v < 4095; v++)
		count += srp_vlan_set_has(&t->vlans, v);
	if (count != t->vlans.count)
		abort();
	for (size_t i = 0; i < t->n_backends; i++)
		if (t->backends[i] == NULL)
			abort();
	for (size_t i = 0; i < t->n_macs; i++)
		if ((t->macs[i][0] & 1) || !srp_tenant_mac_allowed(t, t->macs[i]))
			abort();		/* "unicast, non-zero, distinct" */
}

/* The lowest free descriptor, to see that a load leaves none open. */
static int lowest_free_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct srp_err err = { 0 };
	struct srp_config *cfg = NULL;
	struct fakesys fs;
	int free_fd = lowest_free_fd(), r;

	fakesys_init(&fs, data, size);
	r = srp_config_load(&fs.sys, CONF, &cfg, &err);
	if (r < 0) {
		if (cfg != NULL || err.code != r || strstr(err.msg, CONF) == NULL)
			abort();
		if (r == -EIO || strcmp(err.msg, CONF ": iniparser could not load it") == 0)
			abort();
	} else {
		if (cfg == NULL || cfg->state_dir == NULL || cfg->state_dir[0] != '/' ||
		    cfg->backend == NULL || cfg->bind_timeout_ms == 0 ||
		    cfg->bind_timeout_ms > SRP_BIND_TIMEOUT_MAX_MS ||
		    cfg->n_tenants > SRP_CONFIG_MAX_TENANTS)
			abort();
		for (size_t i = 0; i < cfg->n_tenants; i++)
			check_tenant(cfg, &cfg->tenants[i]);
		srp_config_free(cfg);
	}
	fakesys_done(&fs);
	if (lowest_free_fd() != free_fd)
		abort();			/* a descriptor leaked */
	return 0;
}
