/* SPDX-License-Identifier: MIT */
/* srpass -- the configuration loader's insides, shared by config.c and config_values.c */
#ifndef SRP_CONFIG_INT_H
#define SRP_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>

/* Users include core/config.h first (SRP_TENANT_NAME_MAX and the types). */
struct srp_config;
struct srp_err;
struct srp_pf_sel;
struct srp_tenant;

#define SEC_NAME_MAX	(7 + SRP_TENANT_NAME_MAX + 16)	/* "tenant:" + name, with room to
							 * report a name that is too long */
#define KEY_NAME_MAX	31
#define SEC_KEYS_MAX	64	/* far more than any section has; bounds the duplicate search */

struct ini_key {
	char name[KEY_NAME_MAX + 1];
	unsigned int line;
};

struct ini_section {
	char name[SEC_NAME_MAX + 1];
	unsigned int line;
	size_t first_key, n_keys;	/* into loader.keys: a section's keys are contiguous */
};

/* One key of a section as the value parsers see it. */
struct key_ctx {
	const char *section;
	const char *key;
	unsigned int line;
};

enum tenant_key {
	TK_PFS,
	TK_VLANS,
	TK_VLAN_REQUIRED,
	TK_MAC_PREFIX,
	TK_MACS,
	TK_MAX_RATE,
	TK_ISOLATION,
	TK_SWITCH_MODE,
	TK_SPOOFCHK,
	TK_TRUST,
	TK_BACKENDS,
	TK_MAX_VFS,
	TK_COUNT,
};

/* Where each tenant key was set (0: not set), for defaults and later checks. */
struct tenant_lines {
	unsigned int key[TK_COUNT];
};

struct loader {
	const char *path;
	struct srp_err *err;
	char *text;
	size_t len;
	struct ini_section *secs;
	size_t n_secs, cap_secs;
	struct ini_key *keys;
	size_t n_keys, cap_keys;
	struct srp_config *cfg;
	struct tenant_lines *tl;	/* parallel to cfg->tenants */
};

/* config.c: messages naming the file, line, section and key */
const char *cfg_shown(const char *s, char *buf, size_t len);
int cfg_key_error(struct loader *l, const struct key_ctx *k, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* config_values.c: one key's value into l->cfg (global) or t; -ENOENT
 * for a key the section does not have. */
int cfg_global_key(struct loader *l, const struct key_ctx *k, const char *v);
int cfg_tenant_key(struct loader *l, const struct key_ctx *k, const char *v,
		   struct srp_tenant *t, struct tenant_lines *tl);
/* Two PF selectors that may name the same PF. */
bool cfg_pf_sel_may_overlap(const struct srp_pf_sel *a, const struct srp_pf_sel *b);

#endif
