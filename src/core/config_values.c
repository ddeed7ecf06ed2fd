/* SPDX-License-Identifier: MIT */
/* srpass -- the configuration's values: every key's parser, the key tables */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "core/backend.h"
#include "core/config.h"
#include "core/config_int.h"
#include "srpass/err.h"

/* ---- value parsers ---- */

struct name_val {
	const char *name;
	int val;
};

static int parse_enum(struct loader *l, const struct key_ctx *k, const char *v,
		      const struct name_val *tab, size_t n, int *ret)
{
	char expect[128], q[80];
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(v, tab[i].name) == 0) {
			*ret = tab[i].val;
			return 0;
		}
	}
	for (size_t i = 0; i < n && o < sizeof(expect); i++)
		o += (size_t)snprintf(expect + o, sizeof(expect) - o, "%s%s", i == 0 ? "" :
				      i + 1 == n ? " or " : ", ", tab[i].name);
	return cfg_key_error(l, k, "bad value '%s' (expected %s)", cfg_shown(v, q, sizeof(q)), expect);
}

static int parse_bool(struct loader *l, const struct key_ctx *k, const char *v, bool *ret)
{
	static const struct name_val tab[] = { { "yes", 1 }, { "no", 0 } };
	int b, r;

	r = parse_enum(l, k, v, tab, ARRAY_SIZE(tab), &b);
	if (r == 0)
		*ret = b;
	return r;
}

static int parse_num(struct loader *l, const struct key_ctx *k, const char *v, unsigned long min,
		     unsigned long max, unsigned long *ret)
{
	char q[80];
	int r;

	/* srp_parse_ulong() takes one trailing newline (sysfs); a value has none */
	r = strchr(v, '\n') != NULL ? -EINVAL : srp_parse_ulong(v, 10, min, max, ret);
	if (r == -ERANGE)
		return cfg_key_error(l, k, "value '%s' out of range (%lu-%lu)", cfg_shown(v, q, sizeof(q)),
				 min, max);
	if (r < 0)
		return cfg_key_error(l, k, "bad number '%s'", cfg_shown(v, q, sizeof(q)));
	return 0;
}

/*
 * Call fn for each comma-separated item of v, blanks around items
 * removed.  An empty item (",,", a trailing comma) is an error.
 */
static int for_each_item(struct loader *l, const struct key_ctx *k, const char *v,
			 int (*fn)(struct loader *l, const struct key_ctx *k, const char *item,
				   void *arg),
			 void *arg)
{
	char item[SRP_CONFIG_MAX_LINE + 1], q[80];
	const char *p = v;
	int r;

	for (;;) {
		const char *c = strchr(p, ','), *e = c != NULL ? c : p + strlen(p);
		const char *a = p, *b = e;

		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (a == b)
			return cfg_key_error(l, k, "empty item in the list '%s'",
					 cfg_shown(v, q, sizeof(q)));
		if ((size_t)(b - a) >= sizeof(item))
			return cfg_key_error(l, k, "list item too long");
		memcpy(item, a, (size_t)(b - a));
		item[b - a] = '\0';
		r = fn(l, k, item, arg);
		if (r < 0)
			return r;
		if (c == NULL)
			return 0;
		p = c + 1;
	}
}

static int hex2(const char *s)
{
	int v = 0;

	for (int i = 0; i < 2; i++) {
		int c = (unsigned char)s[i];

		if (!isxdigit(c))
			return -1;
		v = v * 16 + (isdigit(c) ? c - '0' : tolower(c) - 'a' + 10);
	}
	return v;
}

/* "xx:xx:..." with min..max bytes into out; the count, or -EINVAL. */
static int parse_mac_bytes(const char *s, size_t min, size_t max, uint8_t *out)
{
	size_t n = 0;

	for (;;) {
		int v = hex2(s);

		if (v < 0 || n == max)
			return -EINVAL;
		out[n++] = (uint8_t)v;
		s += 2;
		if (*s == '\0')
			break;
		if (*s != ':')
			return -EINVAL;
		s++;
	}
	return n < min ? -EINVAL : (int)n;
}

static int parse_pf_sel(const char *s, struct srp_pf_sel *ret)
{
	struct srp_pf_sel sel = { 0 };
	size_t n = strlen(s);

	if (strchr(s, ':') != NULL) {
		if (srp_bdf_parse(s, &sel.bdf) == 0) {
			sel.kind = SRP_PF_SEL_BDF;
		} else if (n == 9 && s[4] == ':' && hex2(s) >= 0 && hex2(s + 2) >= 0 &&
			   hex2(s + 5) >= 0 && hex2(s + 7) >= 0) {
			sel.kind = SRP_PF_SEL_ID;
			sel.vendor = (uint16_t)(hex2(s) << 8 | hex2(s + 2));
			sel.device = (uint16_t)(hex2(s + 5) << 8 | hex2(s + 7));
		} else {
			return -EINVAL;
		}
	} else {
		/* the kernel's dev_valid_name(), limited to printable ASCII */
		if (n == 0 || n > SRP_NETDEV_NAME_MAX || strcmp(s, ".") == 0 ||
		    strcmp(s, "..") == 0)
			return -EINVAL;
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];

			if (c <= 0x20 || c >= 0x7f || c == '/')
				return -EINVAL;
		}
		sel.kind = SRP_PF_SEL_NETDEV;
		memcpy(sel.netdev, s, n + 1);
	}
	*ret = sel;
	return 0;
}

static bool pf_sel_equal(const struct srp_pf_sel *a, const struct srp_pf_sel *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case SRP_PF_SEL_BDF:
		return srp_bdf_cmp(&a->bdf, &b->bdf) == 0;
	case SRP_PF_SEL_NETDEV:
		return strcmp(a->netdev, b->netdev) == 0;
	case SRP_PF_SEL_ID:
		return a->vendor == b->vendor && a->device == b->device;
	}
	return false;
}

/*
 * Whether two selectors can name the same PF.  Selectors of different
 * kinds can (a netdev or an id may be that BDF): without the host's
 * inventory at load time the answer has to be yes.
 */
bool cfg_pf_sel_may_overlap(const struct srp_pf_sel *a, const struct srp_pf_sel *b)
{
	return a->kind != b->kind || pf_sel_equal(a, b);
}

/* ---- [tenant:NAME] keys ---- */

struct tenant_arg {
	struct srp_tenant *t;
	size_t cap;
};

static int pfs_item(struct loader *l, const struct key_ctx *k, const char *item, void *arg)
{
	struct tenant_arg *ta = arg;
	struct srp_tenant *t = ta->t;
	struct srp_pf_sel sel;
	char q[80];

	if (parse_pf_sel(item, &sel) < 0)
		return cfg_key_error(l, k, "bad PF selector '%s' (expected a PCI address like "
				 "0000:03:00.0, an interface name, or vendor:device like "
				 "8086:1572)", cfg_shown(item, q, sizeof(q)));
	for (size_t i = 0; i < t->n_pfs; i++)
		if (pf_sel_equal(&t->pfs[i], &sel))
			return cfg_key_error(l, k, "PF selector '%s' listed twice",
					 cfg_shown(item, q, sizeof(q)));
	if (t->n_pfs == ta->cap) {
		size_t cap = ta->cap ? 2 * ta->cap : 4;
		struct srp_pf_sel *p = reallocarray(t->pfs, cap, sizeof(*p));

		if (p == NULL)
			return srp_err_set(l->err, -ENOMEM, "%s: out of memory", l->path);
		t->pfs = p;
		ta->cap = cap;
	}
	t->pfs[t->n_pfs++] = sel;
	return 0;
}

static int tk_pfs(struct loader *l, const struct key_ctx *k, const char *v, struct srp_tenant *t)
{
	struct tenant_arg ta = { .t = t };

	return for_each_item(l, k, v, pfs_item, &ta);
}

static int vlan_id(struct loader *l, const struct key_ctx *k, const char *s, const char *item,
		   unsigned int *ret)
{
	unsigned long v;
	char q[80];
	int r;

	r = srp_parse_ulong(s, 10, SRP_VLAN_MIN, SRP_VLAN_MAX, &v);
	if (r < 0 || strchr(s, '\n') != NULL)
		return cfg_key_error(l, k, "bad VLAN '%s' (expected an id %d-%d or a range like "
				 "100-199)", cfg_shown(item, q, sizeof(q)), SRP_VLAN_MIN, SRP_VLAN_MAX);
	*ret = (unsigned int)v;
	return 0;
}

static int vlans_item(struct loader *l, const struct key_ctx *k, const char *item, void *arg)
{
	struct srp_vlan_set *set = arg;
	char lo[16], hi[16], q[80];
	const char *dash = strchr(item, '-');
	unsigned int a, b;
	int r;

	if (dash == NULL) {
		r = vlan_id(l, k, item, item, &a);
		b = a;
	} else {
		if ((size_t)(dash - item) >= sizeof(lo) || strlen(dash + 1) >= sizeof(hi))
			return cfg_key_error(l, k, "bad VLAN range '%s'", cfg_shown(item, q, sizeof(q)));
		memcpy(lo, item, (size_t)(dash - item));
		lo[dash - item] = '\0';
		strcpy(hi, dash + 1);
		r = vlan_id(l, k, lo, item, &a);
		if (r == 0)
			r = vlan_id(l, k, hi, item, &b);
		if (r == 0 && a > b)
			return cfg_key_error(l, k, "VLAN range '%s' runs backwards",
					 cfg_shown(item, q, sizeof(q)));
	}
	if (r < 0)
		return r;
	for (unsigned int v = a; v <= b; v++) {
		if (srp_vlan_set_has(set, v))
			return cfg_key_error(l, k, "VLAN %u listed twice", v);
		set->bits[v / 64] |= UINT64_C(1) << (v % 64);
		set->count++;
	}
	return 0;
}

static int tk_vlans(struct loader *l, const struct key_ctx *k, const char *v, struct srp_tenant *t)
{
	return for_each_item(l, k, v, vlans_item, &t->vlans);
}

static int tk_vlan_required(struct loader *l, const struct key_ctx *k, const char *v,
			    struct srp_tenant *t)
{
	return parse_bool(l, k, v, &t->vlan_required);
}

static int tk_mac_prefix(struct loader *l, const struct key_ctx *k, const char *v,
			 struct srp_tenant *t)
{
	char q[80];
	int n;

	n = parse_mac_bytes(v, 1, SRP_MAC_LEN - 1, t->mac_prefix);
	if (n < 0)
		return cfg_key_error(l, k, "bad MAC prefix '%s' (expected 1 to 5 bytes like 02:16:3e)",
				 cfg_shown(v, q, sizeof(q)));
	if (t->mac_prefix[0] & 1)
		return cfg_key_error(l, k, "MAC prefix '%s' is a multicast prefix",
				 cfg_shown(v, q, sizeof(q)));
	t->mac_prefix_len = (size_t)n;
	return 0;
}

static int macs_item(struct loader *l, const struct key_ctx *k, const char *item, void *arg)
{
	struct tenant_arg *ta = arg;
	struct srp_tenant *t = ta->t;
	static const uint8_t zero[SRP_MAC_LEN];
	uint8_t mac[SRP_MAC_LEN];
	char q[80];

	if (parse_mac_bytes(item, SRP_MAC_LEN, SRP_MAC_LEN, mac) < 0)
		return cfg_key_error(l, k, "bad MAC '%s' (expected six bytes like 02:16:3e:00:00:01)",
				 cfg_shown(item, q, sizeof(q)));
	if (memcmp(mac, zero, sizeof(mac)) == 0)
		return cfg_key_error(l, k, "MAC '%s' is all zeros", item);
	if (mac[0] & 1)
		return cfg_key_error(l, k, "MAC '%s' is a multicast address", item);
	for (size_t i = 0; i < t->n_macs; i++)
		if (memcmp(t->macs[i], mac, sizeof(mac)) == 0)
			return cfg_key_error(l, k, "MAC '%s' listed twice", item);
	if (t->n_macs == ta->cap) {
		size_t cap = ta->cap ? 2 * ta->cap : 8;
		uint8_t (*p)[SRP_MAC_LEN] = reallocarray(t->macs, cap, sizeof(*p));

		if (p == NULL)
			return srp_err_set(l->err, -ENOMEM, "%s: out of memory", l->path);
		t->macs = p;
		ta->cap = cap;
	}
	memcpy(t->macs[t->n_macs++], mac, sizeof(mac));
	return 0;
}

static int tk_macs(struct loader *l, const struct key_ctx *k, const char *v, struct srp_tenant *t)
{
	struct tenant_arg ta = { .t = t };

	return for_each_item(l, k, v, macs_item, &ta);
}

static int tk_max_rate(struct loader *l, const struct key_ctx *k, const char *v,
		       struct srp_tenant *t)
{
	unsigned long n;
	int r;

	r = parse_num(l, k, v, 1, UINT32_MAX, &n);
	if (r == 0)
		t->max_rate = (uint32_t)n;
	return r;
}

static const struct name_val isolation_names[] = {
	{ "shared", SRP_CFG_ISOLATION_SHARED },
	{ "dedicated-pf", SRP_CFG_ISOLATION_DEDICATED_PF },
};

static int tk_isolation(struct loader *l, const struct key_ctx *k, const char *v,
			struct srp_tenant *t)
{
	int e, r;

	r = parse_enum(l, k, v, isolation_names, ARRAY_SIZE(isolation_names), &e);
	if (r == 0)
		t->isolation = (enum srp_cfg_isolation)e;
	return r;
}

static const struct name_val switch_names[] = {
	{ "veb", SRP_CFG_SWITCH_VEB },
	{ "vepa", SRP_CFG_SWITCH_VEPA },
	{ "any", SRP_CFG_SWITCH_ANY },
};

static int tk_switch_mode(struct loader *l, const struct key_ctx *k, const char *v,
			  struct srp_tenant *t)
{
	int e, r;

	r = parse_enum(l, k, v, switch_names, ARRAY_SIZE(switch_names), &e);
	if (r == 0)
		t->switch_mode = (enum srp_cfg_switch)e;
	return r;
}

static int tk_spoofchk(struct loader *l, const struct key_ctx *k, const char *v,
		       struct srp_tenant *t)
{
	static const struct name_val tab[] = {
		{ "required", SRP_CFG_SPOOFCHK_REQUIRED },
		{ "any", SRP_CFG_SPOOFCHK_ANY },
	};
	int e, r;

	r = parse_enum(l, k, v, tab, ARRAY_SIZE(tab), &e);
	if (r == 0)
		t->spoofchk = (enum srp_cfg_spoofchk)e;
	return r;
}

static int tk_trust(struct loader *l, const struct key_ctx *k, const char *v, struct srp_tenant *t)
{
	static const struct name_val tab[] = {
		{ "forbidden", SRP_CFG_TRUST_FORBIDDEN },
		{ "allowed", SRP_CFG_TRUST_ALLOWED },
	};
	int e, r;

	r = parse_enum(l, k, v, tab, ARRAY_SIZE(tab), &e);
	if (r == 0)
		t->trust = (enum srp_cfg_trust)e;
	return r;
}

/* A backend's name as the table spells it (static), or a key error that
 * lists the names it knows, with "auto" where the key allows it. */
static int parse_backend(struct loader *l, const struct key_ctx *k, const char *v, bool with_auto,
			 const char **ret)
{
	const struct srp_backend_ops *be = srp_backend_lookup(v);
	const struct srp_backend_ops *const *tab;
	char expect[128], q[80];
	size_t n, o = 0;

	if (be != NULL) {
		*ret = be->name;
		return 0;
	}
	if (with_auto && strcmp(v, "auto") == 0) {
		*ret = "auto";
		return 0;
	}
	tab = srp_backends(&n);
	for (size_t i = 0; i < n + with_auto && o < sizeof(expect); i++)
		o += (size_t)snprintf(expect + o, sizeof(expect) - o, "%s%s",
				      i == 0 ? "" : i + 1 == n + with_auto ? " or " : ", ",
				      i < n ? tab[i]->name : "auto");
	return cfg_key_error(l, k, "bad value '%s' (expected %s)", cfg_shown(v, q, sizeof(q)), expect);
}

static int backends_item(struct loader *l, const struct key_ctx *k, const char *item, void *arg)
{
	struct srp_tenant *t = arg;
	const char *name = NULL;
	int r;

	r = parse_backend(l, k, item, false, &name);
	if (r < 0)
		return r;
	for (size_t i = 0; i < t->n_backends; i++)
		if (t->backends[i] == name)
			return cfg_key_error(l, k, "backend '%s' listed twice", item);
	if (t->n_backends == SRP_CFG_MAX_BACKENDS)
		return cfg_key_error(l, k, "more than %d backends", SRP_CFG_MAX_BACKENDS);
	t->backends[t->n_backends++] = name;
	return 0;
}

static int tk_backends(struct loader *l, const struct key_ctx *k, const char *v,
		       struct srp_tenant *t)
{
	t->n_backends = 0;
	return for_each_item(l, k, v, backends_item, t);
}

static int tk_max_vfs(struct loader *l, const struct key_ctx *k, const char *v,
		      struct srp_tenant *t)
{
	unsigned long n;
	int r;

	r = parse_num(l, k, v, 0, 65535, &n);
	if (r == 0)
		t->max_vfs = (uint32_t)n;
	return r;
}

static const struct {
	const char *name;
	int (*parse)(struct loader *l, const struct key_ctx *k, const char *v,
		     struct srp_tenant *t);
} tenant_keys[TK_COUNT] = {
	[TK_PFS] = { "pfs", tk_pfs },
	[TK_VLANS] = { "vlans", tk_vlans },
	[TK_VLAN_REQUIRED] = { "vlan_required", tk_vlan_required },
	[TK_MAC_PREFIX] = { "mac_prefix", tk_mac_prefix },
	[TK_MACS] = { "macs", tk_macs },
	[TK_MAX_RATE] = { "max_rate", tk_max_rate },
	[TK_ISOLATION] = { "isolation", tk_isolation },
	[TK_SWITCH_MODE] = { "switch_mode", tk_switch_mode },
	[TK_SPOOFCHK] = { "spoofchk", tk_spoofchk },
	[TK_TRUST] = { "trust", tk_trust },
	[TK_BACKENDS] = { "backends", tk_backends },
	[TK_MAX_VFS] = { "max_vfs", tk_max_vfs },
};

/* ---- [global] keys ---- */

static int gk_backend(struct loader *l, const struct key_ctx *k, const char *v,
		      struct srp_config *cfg)
{
	return parse_backend(l, k, v, true, &cfg->backend);
}

static int gk_state_dir(struct loader *l, const struct key_ctx *k, const char *v,
			struct srp_config *cfg)
{
	size_t n = strlen(v);
	char q[80], *s;

	if (v[0] != '/' || n < 2)
		return cfg_key_error(l, k, "'%s' is not an absolute directory other than '/'",
				 cfg_shown(v, q, sizeof(q)));
	if (n >= 256)
		return cfg_key_error(l, k, "path longer than 255 characters");
	for (const char *p = v; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return cfg_key_error(l, k, "control character in '%s'", cfg_shown(v, q, sizeof(q)));
	}
	/* one spelling per directory: no "//", "/./", "/../" or trailing '/' */
	for (const char *p = v; p != NULL; p = strchr(p + 1, '/')) {
		const char *c = p + 1, *e = strchrnul(c, '/');
		size_t len = (size_t)(e - c);

		if (len == 0 || (len == 1 && c[0] == '.') ||
		    (len == 2 && c[0] == '.' && c[1] == '.'))
			return cfg_key_error(l, k, "'%s' is not a plain absolute path (empty, '.' or "
					 "'..' component)", cfg_shown(v, q, sizeof(q)));
	}
	s = strdup(v);
	if (s == NULL)
		return srp_err_set(l->err, -ENOMEM, "%s: out of memory", l->path);
	free(cfg->state_dir);
	cfg->state_dir = s;
	return 0;
}

static int gk_bind_timeout_ms(struct loader *l, const struct key_ctx *k, const char *v,
			      struct srp_config *cfg)
{
	unsigned long n;
	int r;

	r = parse_num(l, k, v, 1, SRP_BIND_TIMEOUT_MAX_MS, &n);
	if (r == 0)
		cfg->bind_timeout_ms = (unsigned int)n;
	return r;
}

static int gk_autoprobe_off(struct loader *l, const struct key_ctx *k, const char *v,
			    struct srp_config *cfg)
{
	return parse_bool(l, k, v, &cfg->autoprobe_off);
}

static int gk_default_isolation(struct loader *l, const struct key_ctx *k, const char *v,
				struct srp_config *cfg)
{
	int e, r;

	r = parse_enum(l, k, v, isolation_names, ARRAY_SIZE(isolation_names), &e);
	if (r == 0)
		cfg->default_isolation = (enum srp_cfg_isolation)e;
	return r;
}

static const struct {
	const char *name;
	int (*parse)(struct loader *l, const struct key_ctx *k, const char *v,
		     struct srp_config *cfg);
} global_keys[] = {
	{ "backend", gk_backend },
	{ "state_dir", gk_state_dir },
	{ "bind_timeout_ms", gk_bind_timeout_ms },
	{ "autoprobe_off", gk_autoprobe_off },
	{ "default_isolation", gk_default_isolation },
};

int cfg_global_key(struct loader *l, const struct key_ctx *k, const char *v)
{
	for (size_t j = 0; j < ARRAY_SIZE(global_keys); j++)
		if (strcmp(k->key, global_keys[j].name) == 0)
			return global_keys[j].parse(l, k, v, l->cfg);
	return -ENOENT;
}

int cfg_tenant_key(struct loader *l, const struct key_ctx *k, const char *v,
		   struct srp_tenant *t, struct tenant_lines *tl)
{
	for (size_t j = 0; j < TK_COUNT; j++) {
		if (strcmp(k->key, tenant_keys[j].name) == 0) {
			tl->key[j] = k->line;
			return tenant_keys[j].parse(l, k, v, t);
		}
	}
	return -ENOENT;
}

/* ---- the API: a tenant's values ---- */

bool srp_tenant_has_mac_space(const struct srp_tenant *t)
{
	return t->mac_prefix_len > 0 || t->n_macs > 0;
}

bool srp_tenant_mac_allowed(const struct srp_tenant *t, const uint8_t mac[SRP_MAC_LEN])
{
	if (!srp_tenant_has_mac_space(t))
		return true;
	if (t->mac_prefix_len > 0 && memcmp(mac, t->mac_prefix, t->mac_prefix_len) == 0)
		return true;
	for (size_t i = 0; i < t->n_macs; i++)
		if (memcmp(mac, t->macs[i], SRP_MAC_LEN) == 0)
			return true;
	return false;
}

char *srp_pf_sel_format(const struct srp_pf_sel *sel, char *buf, size_t len)
{
	char bdf[SRP_BDF_STRLEN];

	switch (sel->kind) {
	case SRP_PF_SEL_BDF:
		snprintf(buf, len, "%s", srp_bdf_format(&sel->bdf, bdf));
		break;
	case SRP_PF_SEL_NETDEV:
		snprintf(buf, len, "%s", sel->netdev);
		break;
	case SRP_PF_SEL_ID:
		snprintf(buf, len, "%04x:%04x", sel->vendor, sel->device);
		break;
	default:
		snprintf(buf, len, "?");
		break;
	}
	return buf;
}

bool srp_tenant_backend_allowed(const struct srp_tenant *t, const char *name)
{
	for (size_t i = 0; i < t->n_backends; i++)
		if (strcmp(t->backends[i], name) == 0)
			return true;
	return t->n_backends == 0;
}

const char *srp_cfg_isolation_name(enum srp_cfg_isolation i)
{
	return i == SRP_CFG_ISOLATION_DEDICATED_PF ? "dedicated-pf" : "shared";
}

const char *srp_cfg_switch_name(enum srp_cfg_switch s)
{
	switch (s) {
	case SRP_CFG_SWITCH_ANY:
		return "any";
	case SRP_CFG_SWITCH_VEB:
		return "veb";
	case SRP_CFG_SWITCH_VEPA:
		return "vepa";
	}
	return "?";
}

void srp_vlan_set_format(const struct srp_vlan_set *s, char *buf, size_t len)
{
	size_t o = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (s->count == 0) {
		snprintf(buf, len, "none");
		return;
	}
	for (unsigned int v = 0; v < 4096; v++) {
		unsigned int end = v;
		int n;

		if (!srp_vlan_set_has(s, v))
			continue;
		while (end + 1 < 4096 && srp_vlan_set_has(s, end + 1))
			end++;
		n = end > v ? snprintf(buf + o, len - o, "%s%u-%u", o ? "," : "", v, end)
			    : snprintf(buf + o, len - o, "%s%u", o ? "," : "", v);
		if (n < 0 || (size_t)n >= len - o) {
			if (len >= 4)
				memcpy(buf + len - 4, "...", 4);
			return;
		}
		o += (size_t)n;
		v = end;
	}
}
