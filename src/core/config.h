/* SPDX-License-Identifier: MIT */
/* srpass -- the configuration file: parsed, validated, copied out of iniparser */
#ifndef SRP_CONFIG_H
#define SRP_CONFIG_H

#include "srpass/config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "srpass/bdf.h"

struct srp_sys;
struct srp_err;

#define SRP_CONFIG_PATH		"/etc/srpass/srpass.conf"
#define SRP_CONFIG_MAX_SIZE	(1024 * 1024)	/* bytes; a larger file is refused */
#define SRP_CONFIG_MAX_LINE	1000		/* characters; iniparser 4.1 stops at 1024 */
#define SRP_CONFIG_MAX_TENANTS	1024

#define SRP_TENANT_NAME_MAX	32		/* [a-z0-9_-]{1,32} */
#define SRP_NETDEV_NAME_MAX	15		/* IFNAMSIZ - 1 */
#define SRP_VLAN_MIN		1
#define SRP_VLAN_MAX		4094
#define SRP_MAC_LEN		6

#define SRP_DEFAULT_STATE_DIR	"/var/lib/srpass"
#define SRP_DEFAULT_BIND_TIMEOUT_MS 5000
#define SRP_BIND_TIMEOUT_MAX_MS	600000
#define SRP_UNLIMITED		UINT32_MAX	/* max_vfs without a limit */

/* The hypervisor side is named by the backend table (core/backend.h):
 * the configuration holds only names it found there. */
#define SRP_CFG_MAX_BACKENDS	8

enum srp_cfg_isolation {
	SRP_CFG_ISOLATION_SHARED,	/* VFs may sit on a PF with other tenants' VFs */
	SRP_CFG_ISOLATION_DEDICATED_PF,	/* never on a PF that another tenant uses */
};

/* What a tenant requires of the embedded switch of a PF it shares. */
enum srp_cfg_switch {
	SRP_CFG_SWITCH_ANY,
	SRP_CFG_SWITCH_VEB,		/* the PF must not be in VEPA mode */
	SRP_CFG_SWITCH_VEPA,		/* the PF must be in VEPA mode when shared */
};

enum srp_cfg_spoofchk {
	SRP_CFG_SPOOFCHK_REQUIRED,	/* spoof checking stays on */
	SRP_CFG_SPOOFCHK_ANY,		/* the assignment may turn it off */
};

enum srp_cfg_trust {
	SRP_CFG_TRUST_FORBIDDEN,	/* VFs are never trusted */
	SRP_CFG_TRUST_ALLOWED,		/* an assignment may ask for a trusted VF */
};

enum srp_pf_sel_kind {
	SRP_PF_SEL_BDF,			/* "0000:03:00.0" or "03:00.0" (domain 0) */
	SRP_PF_SEL_NETDEV,		/* "enp3s0f0" */
	SRP_PF_SEL_ID,			/* "8086:1572": every PF with that vendor:device */
};

struct srp_pf_sel {
	enum srp_pf_sel_kind kind;
	struct srp_bdf bdf;				/* SRP_PF_SEL_BDF */
	char netdev[SRP_NETDEV_NAME_MAX + 1];		/* SRP_PF_SEL_NETDEV */
	uint16_t vendor, device;			/* SRP_PF_SEL_ID */
};

/* VLAN ids 1..4094 as a bitmap; bit 0 and 4095 are never set. */
struct srp_vlan_set {
	uint64_t bits[4096 / 64];
	unsigned int count;
};

struct srp_tenant {
	char name[SRP_TENANT_NAME_MAX + 1];
	unsigned int line;			/* of the [tenant:NAME] header */

	struct srp_pf_sel *pfs;			/* at least one */
	size_t n_pfs;

	struct srp_vlan_set vlans;		/* empty: the tenant has no VLANs */
	bool vlan_required;			/* every VF must get a VLAN */

	uint8_t mac_prefix[SRP_MAC_LEN];	/* the first mac_prefix_len bytes count */
	size_t mac_prefix_len;			/* 0: no prefix; else 1..5 */
	uint8_t (*macs)[SRP_MAC_LEN];		/* unicast, non-zero, distinct */
	size_t n_macs;

	uint32_t max_rate;			/* Mbps; 0: no limit */
	enum srp_cfg_isolation isolation;
	enum srp_cfg_switch switch_mode;
	enum srp_cfg_spoofchk spoofchk;
	enum srp_cfg_trust trust;
	const char *backends[SRP_CFG_MAX_BACKENDS];	/* the table's names; none: any */
	size_t n_backends;
	uint32_t max_vfs;			/* host-wide; SRP_UNLIMITED if not set */
};

struct srp_config {
	char *path;				/* as given to srp_config_load() */

	/* [global] */
	const char *backend;			/* "auto" (default) or a backend's name */
	char *state_dir;			/* default SRP_DEFAULT_STATE_DIR */
	unsigned int bind_timeout_ms;		/* default SRP_DEFAULT_BIND_TIMEOUT_MS */
	bool autoprobe_off;			/* default false: srpass enable --no-autoprobe */
	enum srp_cfg_isolation default_isolation;	/* default shared */

	struct srp_tenant *tenants;		/* in file order */
	size_t n_tenants;
};

/*
 * srp_config_load - read, parse and validate the configuration file.
 *
 * path is a logical path ("/etc/srpass/srpass.conf") resolved under the
 * host root of sys; the file is read only through sys->ops (lstat, read).
 * It is refused if it is a symlink, not a regular file, writable by
 * others, larger than SRP_CONFIG_MAX_SIZE, or unreadable.  The format is
 * docs/srpass.conf.5; anything it does not allow (unknown sections or
 * keys, duplicates, bad values, a VLAN or MAC two tenants could both use
 * on one PF) is an error "PATH:LINE: [SECTION] KEY: what, 'value'".
 *
 * iniparser 4.1 only loads from a path, so the bytes read are handed to
 * it as a memfd through /proc/self/fd: /proc must be mounted.
 *
 * On success *ret is a new configuration the caller frees with
 * srp_config_free(); on failure *ret is untouched.  Returns 0 or -errno:
 * -ENOENT (or another lstat error) for a missing file, -ELOOP for a
 * symlink, -EISDIR, -EINVAL for another file type or bad contents,
 * -EPERM for a world-writable file, -EFBIG, -ENOMEM, -EIO if iniparser
 * and srpass read the file differently (a bug).
 */
int srp_config_load(const struct srp_sys *sys, const char *path, struct srp_config **ret,
		    struct srp_err *err);

/* Frees cfg and everything it owns; NULL is a no-op. */
void srp_config_free(struct srp_config *cfg);

/* The configuration with defaults only and no tenants (no file, no I/O).
 * NULL only on out-of-memory.  Free with srp_config_free(). */
struct srp_config *srp_config_new_default(void);

/* Borrowed, valid until srp_config_free(); NULL if there is no such tenant. */
const struct srp_tenant *srp_config_tenant(const struct srp_config *cfg, const char *name);

/* Helpers shared with the policy and the CLI; pure. */
static inline bool srp_vlan_set_has(const struct srp_vlan_set *s, unsigned int vlan)
{
	return vlan < 4096 && (s->bits[vlan / 64] >> (vlan % 64) & 1);
}
/* The only VLAN of a one-VLAN set, else 0. */
unsigned int srp_vlan_set_single(const struct srp_vlan_set *s);
/* The set as the configuration writes it ("100-110,200"; "none" if
 * empty), truncated with "..." if it does not fit len. */
void srp_vlan_set_format(const struct srp_vlan_set *s, char *buf, size_t len);
/* A tenant's MAC space: matches mac_prefix or is one of macs; with
 * neither configured every MAC matches. */
bool srp_tenant_mac_allowed(const struct srp_tenant *t, const uint8_t mac[SRP_MAC_LEN]);
bool srp_tenant_has_mac_space(const struct srp_tenant *t);

/* "0000:03:00.0", "enp3s0f0" or "8086:1572" into buf; returns buf. */
char *srp_pf_sel_format(const struct srp_pf_sel *sel, char *buf, size_t len);

/* The tenant may use the backend called name (backends unset: any). */
bool srp_tenant_backend_allowed(const struct srp_tenant *t, const char *name);
const char *srp_cfg_isolation_name(enum srp_cfg_isolation i);
const char *srp_cfg_switch_name(enum srp_cfg_switch s);

#endif
