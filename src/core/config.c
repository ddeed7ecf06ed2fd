/* SPDX-License-Identifier: MIT */
/* srpass -- the configuration file: parsed, validated, copied out of iniparser */
#define _GNU_SOURCE
#include "core/config.h"
#include "core/config_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <iniparser.h>

#include "base/util.h"
#include "os/sys.h"
#include "srpass/err.h"

/*
 * How a file becomes a struct srp_config:
 *
 * 1. Its bytes are read through the seam (lstat, then read), so the path
 *    resolves under the host root.
 * 2. A structural pass over the raw lines (scan_lines) records every
 *    section and key with its line number.  iniparser 4.1 cannot tell us
 *    any of this: it folds case, lets a repeated key or section silently
 *    win, reports syntax errors only by printing them to stderr, and
 *    joins lines that end in a backslash.  The pass refuses every line
 *    iniparser would call a syntax error (and every continuation), so
 *    iniparser never prints and both agree on what the sections and keys
 *    are.
 * 3. iniparser parses the same bytes for the values (quotes, inline
 *    comments).  4.1 has no iniparser_load_file(FILE *) and
 *    iniparser_load() wants a path, so the bytes go into a memfd that it
 *    opens as /proc/self/fd/N: a private copy, not a host file.
 * 4. Each section's keys are walked with iniparser_getseckeys(), unknown
 *    ones refused, and each value parsed strictly into the struct.
 *    iniparser_getint()/getboolean() are never used: they accept
 *    trailing garbage and look at one character respectively.
 * 5. Checks across tenants: a VLAN or a MAC two tenants could both use on
 *    one PF.
 */

/* ---- messages ---- */

/* A value for a message: printable ASCII, at most 48 characters. */
const char *cfg_shown(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s != '\0' && o + 5 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (o >= 48) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
	}
	buf[o] = '\0';
	return buf;
}

/* "PATH:LINE: [SECTION] KEY: message"; the parts that are NULL or 0 are left out. */
static int __attribute__((format(printf, 6, 7)))
cfg_error(struct loader *l, int code, unsigned int line, const char *sec, const char *key,
	  const char *fmt, ...)
{
	char msg[384], where[160];
	size_t o;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	o = (size_t)snprintf(where, sizeof(where), "%s", l->path);
	if (line > 0 && o < sizeof(where))
		o += (size_t)snprintf(where + o, sizeof(where) - o, ":%u", line);
	if (sec != NULL && o < sizeof(where))
		o += (size_t)snprintf(where + o, sizeof(where) - o, ": [%s]", sec);
	if (key != NULL && o < sizeof(where))
		snprintf(where + o, sizeof(where) - o, " %s", key);
	return srp_err_set(l->err, code, "%s: %s", where, msg);
}

int cfg_key_error(struct loader *l, const struct key_ctx *k, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cfg_error(l, -EINVAL, k->line, k->section, k->key, "%s", msg);
}

/* ---- reading the file through the seam ---- */

static int read_file(struct loader *l, const struct srp_sys *sys)
{
	mode_t mode;
	ssize_t n;
	int r;

	if (l->path[0] != '/')
		return srp_err_set(l->err, -EINVAL, "%s: configuration path is not absolute",
				   l->path);
	r = sys->ops->lstat(sys, l->path, &mode);
	if (r < 0)
		return srp_err_set(l->err, r, "%s: cannot access the configuration file", l->path);
	if (S_ISLNK(mode))
		return srp_err_set(l->err, -ELOOP, "%s: is a symlink; refusing it", l->path);
	if (S_ISDIR(mode))
		return srp_err_set(l->err, -EISDIR, "%s: is a directory, not a file", l->path);
	if (!S_ISREG(mode))
		return srp_err_set(l->err, -EINVAL, "%s: is not a regular file", l->path);
	if (mode & S_IWOTH)
		return srp_err_set(l->err, -EPERM,
				   "%s: is writable by everyone (mode %04o); refusing it",
				   l->path, (unsigned int)(mode & 07777));

	/*
	 * lstat() and read() are two lookups: swapping a symlink in between
	 * needs write access to the directory, which on a host is root's.
	 * One byte more than the limit tells "exactly 1 MiB" from "more".
	 */
	l->text = malloc(SRP_CONFIG_MAX_SIZE + 1);
	if (l->text == NULL)
		return srp_err_set(l->err, -ENOMEM, "%s: out of memory", l->path);
	n = sys->ops->read(sys, l->path, l->text, SRP_CONFIG_MAX_SIZE + 1);
	if (n < 0)
		return srp_err_set(l->err, (int)n, "%s: cannot read the configuration file",
				   l->path);
	if (n > SRP_CONFIG_MAX_SIZE)
		return srp_err_set(l->err, -EFBIG, "%s: larger than %d bytes; refusing it", l->path,
				   SRP_CONFIG_MAX_SIZE);
	l->len = (size_t)n;
	l->text[l->len] = '\0';
	return 0;
}

/* ---- the structural pass ---- */

static bool sec_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == ':';
}

static bool key_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static int add_section(struct loader *l, const char *name, size_t n, unsigned int line)
{
	char buf[48], q[80];
	struct ini_section *s;

	if (n == 0)
		return cfg_error(l, -EINVAL, line, NULL, NULL, "empty section name '[]'");
	if (n > SEC_NAME_MAX) {
		snprintf(buf, sizeof(buf), "%.*s", 40, name);
		return cfg_error(l, -EINVAL, line, NULL, NULL, "section name '%s...' is too long",
				 cfg_shown(buf, q, sizeof(q)));
	}
	for (size_t i = 0; i < n; i++) {
		if (!sec_char_ok(name[i])) {
			char val[SEC_NAME_MAX + 1];

			memcpy(val, name, n);
			val[n] = '\0';
			return cfg_error(l, -EINVAL, line, NULL, NULL,
					 "bad section name '[%s]': use lower-case letters, digits, "
					 "'_', '-' and ':'", cfg_shown(val, q, sizeof(q)));
		}
	}
	for (size_t i = 0; i < l->n_secs; i++) {
		if (strlen(l->secs[i].name) == n && memcmp(l->secs[i].name, name, n) == 0)
			return cfg_error(l, -EINVAL, line, l->secs[i].name, NULL,
					 "section repeated (first on line %u)", l->secs[i].line);
	}
	if (l->n_secs > SRP_CONFIG_MAX_TENANTS)
		return cfg_error(l, -EINVAL, line, NULL, NULL, "more than %d sections",
				 SRP_CONFIG_MAX_TENANTS + 1);
	if (l->n_secs == l->cap_secs) {
		size_t cap = l->cap_secs ? 2 * l->cap_secs : 16;
		struct ini_section *p = reallocarray(l->secs, cap, sizeof(*p));

		if (p == NULL)
			return srp_err_set(l->err, -ENOMEM, "%s: out of memory", l->path);
		l->secs = p;
		l->cap_secs = cap;
	}
	s = &l->secs[l->n_secs++];
	memcpy(s->name, name, n);
	s->name[n] = '\0';
	s->line = line;
	s->first_key = l->n_keys;
	s->n_keys = 0;
	return 0;
}

static int add_key(struct loader *l, const char *name, size_t n, unsigned int line)
{
	struct ini_section *s;
	char val[KEY_NAME_MAX + 1], q[80];

	if (l->n_secs == 0)
		return cfg_error(l, -EINVAL, line, NULL, NULL,
				 "key outside any section; put it under [global] or [tenant:NAME]");
	s = &l->secs[l->n_secs - 1];
	if (n == 0)
		return cfg_error(l, -EINVAL, line, s->name, NULL, "empty key name before '='");
	snprintf(val, sizeof(val), "%.*s", (int)(n < KEY_NAME_MAX ? n : KEY_NAME_MAX), name);
	if (n > KEY_NAME_MAX)
		return cfg_error(l, -EINVAL, line, s->name, NULL, "unknown key '%s...'",
				 cfg_shown(val, q, sizeof(q)));
	for (size_t i = 0; i < n; i++) {
		if (!key_char_ok(name[i]))
			return cfg_error(l, -EINVAL, line, s->name, NULL,
					 "bad key name '%s': use lower-case letters, digits and "
					 "'_'", cfg_shown(val, q, sizeof(q)));
	}
	for (size_t i = s->first_key; i < s->first_key + s->n_keys; i++) {
		if (strcmp(l->keys[i].name, val) == 0)
			return cfg_error(l, -EINVAL, line, s->name, val,
					 "key repeated (first on line %u)", l->keys[i].line);
	}
	if (s->n_keys >= SEC_KEYS_MAX)
		return cfg_error(l, -EINVAL, line, s->name, NULL,
				 "more than %d keys in one section", SEC_KEYS_MAX);
	if (l->n_keys == l->cap_keys) {
		size_t cap = l->cap_keys ? 2 * l->cap_keys : 64;
		struct ini_key *p = reallocarray(l->keys, cap, sizeof(*p));

		if (p == NULL)
			return srp_err_set(l->err, -ENOMEM, "%s: out of memory", l->path);
		l->keys = p;
		l->cap_keys = cap;
	}
	memcpy(l->keys[l->n_keys].name, val, n + 1);
	l->keys[l->n_keys].line = line;
	l->n_keys++;
	s->n_keys++;
	return 0;
}

static int scan_lines(struct loader *l)
{
	const char *p = l->text, *end = l->text + l->len;
	unsigned int line = 0;
	int r;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl != NULL ? nl : end, *a = p, *b;

		line++;
		if (memchr(p, '\0', (size_t)(le - p)) != NULL)
			return cfg_error(l, -EINVAL, line, NULL, NULL, "NUL byte in the line");
		if (le - p > SRP_CONFIG_MAX_LINE)
			return cfg_error(l, -EINVAL, line, NULL, NULL,
					 "line longer than %d characters", SRP_CONFIG_MAX_LINE);
		b = le;
		while (a < b && isspace((unsigned char)*a))
			a++;
		while (b > a && isspace((unsigned char)b[-1]))
			b--;
		p = nl != NULL ? nl + 1 : end;

		/* iniparser joins a line ending in '\' with the next, comments too */
		if (b > a && b[-1] == '\\')
			return cfg_error(l, -EINVAL, line, NULL, NULL,
					 "line ends in a backslash; continuation lines are not "
					 "supported");
		if (a == b || *a == '#' || *a == ';')
			continue;
		if (*a == '[') {
			const char *ia = a + 1, *ib = b - 1;

			if (b[-1] != ']' || b - a < 2)
				return cfg_error(l, -EINVAL, line, NULL, NULL,
						 "section header does not end in ']'");
			while (ia < ib && isspace((unsigned char)*ia))
				ia++;
			while (ib > ia && isspace((unsigned char)ib[-1]))
				ib--;
			r = add_section(l, ia, (size_t)(ib - ia), line);
		} else {
			const char *eq = memchr(a, '=', (size_t)(b - a)), *kb;
			const char *sec = l->n_secs > 0 ? l->secs[l->n_secs - 1].name : NULL;

			if (eq == NULL)
				return cfg_error(l, -EINVAL, line, sec, NULL,
						 "expected 'key = value' or '[section]'");
			kb = eq;
			while (kb > a && isspace((unsigned char)kb[-1]))
				kb--;
			r = add_key(l, a, (size_t)(kb - a), line);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static unsigned int key_line(const struct loader *l, const struct ini_section *s, const char *key)
{
	for (size_t i = s->first_key; i < s->first_key + s->n_keys; i++)
		if (strcmp(l->keys[i].name, key) == 0)
			return l->keys[i].line;
	return 0;
}

/* ---- iniparser ---- */

static int ini_load(struct loader *l, dictionary **ret)
{
	char procpath[64];
	struct stat st;
	dictionary *d;
	size_t off = 0;
	int fd, r = 0;

	fd = memfd_create("srpass.conf", MFD_CLOEXEC);
	if (fd < 0)
		return srp_err_set(l->err, -errno, "%s: cannot create a memory file to parse it",
				   l->path);
	while (off < l->len) {
		ssize_t n = write(fd, l->text + off, l->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			break;
		}
		off += (size_t)n;
	}
	snprintf(procpath, sizeof(procpath), "/proc/self/fd/%d", fd);
	/* iniparser prints to stderr when it cannot open its file: make sure it can */
	if (r == 0 && stat(procpath, &st) < 0)
		r = -errno;
	if (r < 0) {
		close(fd);
		return srp_err_set(l->err, r, "%s: cannot copy it to a memory file (is /proc "
				   "mounted?)", l->path);
	}
	d = iniparser_load(procpath);
	close(fd);
	/* scan_lines() refused everything iniparser calls a syntax error */
	if (d == NULL)
		return srp_err_set(l->err, -ENOMEM, "%s: iniparser could not load it", l->path);
	*ret = d;
	return 0;
}

/* ---- sections ---- */

static bool tenant_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > SRP_TENANT_NAME_MAX)
		return false;
	for (; *s != '\0'; s++)
		if (!key_char_ok(*s) && *s != '-')
			return false;
	return true;
}

/* Section names, before any key: so getseckeys() prefixes cannot collide. */
static int check_sections(struct loader *l, size_t *ret_tenants)
{
	size_t tenants = 0;
	char q[80];

	for (size_t i = 0; i < l->n_secs; i++) {
		const struct ini_section *s = &l->secs[i];
		const char *name;

		if (strcmp(s->name, "global") == 0)
			continue;
		if (strncmp(s->name, "tenant:", 7) != 0)
			return cfg_error(l, -EINVAL, s->line, s->name, NULL,
					 "unknown section (expected [global] or [tenant:NAME])");
		name = s->name + 7;
		if (name[0] == '\0')
			return cfg_error(l, -EINVAL, s->line, s->name, NULL, "empty tenant name");
		if (!tenant_name_ok(name))
			return cfg_error(l, -EINVAL, s->line, s->name, NULL,
					 "bad tenant name '%s' (expected 1-%d of a-z, 0-9, '_', "
					 "'-')", cfg_shown(name, q, sizeof(q)), SRP_TENANT_NAME_MAX);
		tenants++;
	}
	*ret_tenants = tenants;
	return 0;
}

static int walk_section(struct loader *l, dictionary *d, const struct ini_section *s,
			struct srp_tenant *t, struct tenant_lines *tl)
{
	_cleanup_free_ const char **keys = NULL;
	size_t plen = strlen(s->name) + 1;
	int n;

	/* the structural pass and iniparser must see the same keys */
	n = iniparser_getsecnkeys(d, s->name);
	if (!iniparser_find_entry(d, s->name) || n < 0 || (size_t)n != s->n_keys)
		return cfg_error(l, -EIO, s->line, s->name, NULL,
				 "iniparser sees %d keys, srpass %zu; please report this file",
				 n, s->n_keys);
	if (n == 0)
		return 0;
	keys = calloc((size_t)n, sizeof(*keys));
	if (keys == NULL)
		return srp_err_set(l->err, -ENOMEM, "%s: out of memory", l->path);
	if (iniparser_getseckeys(d, s->name, keys) == NULL)
		return srp_err_set(l->err, -ENOMEM, "%s: out of memory", l->path);

	for (int i = 0; i < n; i++) {
		struct key_ctx k = { .section = s->name };
		const char *v;
		int r = -ENOENT;

		if (keys[i] == NULL || strncmp(keys[i], s->name, plen - 1) != 0 ||
		    keys[i][plen - 1] != ':')
			return cfg_error(l, -EIO, s->line, s->name, NULL,
					 "iniparser returned a key of another section");
		k.key = keys[i] + plen;
		k.line = key_line(l, s, k.key);
		v = iniparser_getstring(d, keys[i], NULL);
		if (k.line == 0 || v == NULL)
			return cfg_error(l, -EIO, s->line, s->name, k.key,
					 "iniparser and srpass disagree on this key");
		if (v[0] == '\0')
			return cfg_key_error(l, &k, "empty value; leave the key out for the default");
		r = t == NULL ? cfg_global_key(l, &k, v) : cfg_tenant_key(l, &k, v, t, tl);
		if (r == -ENOENT)
			return cfg_key_error(l, &k, "unknown key");
		if (r < 0)
			return r;
	}
	return 0;
}

/* Defaults that depend on other keys, and what one tenant's keys require of each other. */
static int finish_tenant(struct loader *l, struct srp_tenant *t, const struct tenant_lines *tl)
{
	char sec[SEC_NAME_MAX + 1];

	snprintf(sec, sizeof(sec), "tenant:%s", t->name);
	if (tl->key[TK_PFS] == 0)
		return cfg_error(l, -EINVAL, t->line, sec, NULL,
				 "missing key 'pfs': which PFs may this tenant's VFs come from?");
	if (tl->key[TK_ISOLATION] == 0)
		t->isolation = l->cfg->default_isolation;
	/* without a VLAN set by the host a guest may tag frames as it likes */
	if (tl->key[TK_VLAN_REQUIRED] == 0)
		t->vlan_required = t->vlans.count > 0;
	else if (t->vlan_required && t->vlans.count == 0)
		return cfg_error(l, -EINVAL, tl->key[TK_VLAN_REQUIRED], sec, "vlan_required",
				 "'yes' needs a 'vlans' list");
	if (tl->key[TK_MAC_PREFIX] != 0 && tl->key[TK_MACS] != 0)
		return cfg_error(l, -EINVAL, tl->key[TK_MACS], sec, "macs",
				 "set either mac_prefix (line %u) or macs, not both",
				 tl->key[TK_MAC_PREFIX]);
	return 0;
}

static bool tenant_pfs_may_overlap(const struct srp_tenant *a, const struct srp_tenant *b,
				   const struct srp_pf_sel **ret_a, const struct srp_pf_sel **ret_b)
{
	for (size_t i = 0; i < a->n_pfs; i++) {
		for (size_t j = 0; j < b->n_pfs; j++) {
			if (cfg_pf_sel_may_overlap(&a->pfs[i], &b->pfs[j])) {
				*ret_a = &a->pfs[i];
				*ret_b = &b->pfs[j];
				return true;
			}
		}
	}
	return false;
}

static unsigned int vlan_first_common(const struct srp_vlan_set *a, const struct srp_vlan_set *b)
{
	for (size_t i = 0; i < ARRAY_SIZE(a->bits); i++) {
		uint64_t w = a->bits[i] & b->bits[i];

		if (w != 0)
			return (unsigned int)(i * 64 + (size_t)__builtin_ctzll(w));
	}
	return 0;
}

static void mac_format(const uint8_t *m, size_t n, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%02x", i ? ":" : "", m[i]);
}

/* A MAC both tenants may use: into buf, and true.  Only tenants that limit their MACs. */
static bool mac_spaces_overlap(const struct srp_tenant *a, const struct srp_tenant *b, char *buf,
			       size_t len)
{
	if (a->mac_prefix_len > 0 && b->mac_prefix_len > 0) {
		const struct srp_tenant *longer = a->mac_prefix_len > b->mac_prefix_len ? a : b;
		size_t n = longer == a ? b->mac_prefix_len : a->mac_prefix_len;

		if (memcmp(a->mac_prefix, b->mac_prefix, n) == 0) {
			mac_format(longer->mac_prefix, longer->mac_prefix_len, buf, len);
			return true;
		}
		return false;
	}
	for (size_t i = 0; i < a->n_macs; i++) {
		if (srp_tenant_has_mac_space(b) && srp_tenant_mac_allowed(b, a->macs[i])) {
			mac_format(a->macs[i], SRP_MAC_LEN, buf, len);
			return true;
		}
	}
	for (size_t i = 0; i < b->n_macs; i++) {
		if (srp_tenant_has_mac_space(a) && srp_tenant_mac_allowed(a, b->macs[i])) {
			mac_format(b->macs[i], SRP_MAC_LEN, buf, len);
			return true;
		}
	}
	return false;
}

/*
 * Across tenants.  A VLAN two tenants could both use on one PF would put
 * them on one L2 segment, so their VLAN sets must be disjoint wherever
 * their PF selectors may overlap.  MAC spaces must be disjoint everywhere:
 * a MAC is an identity on any segment the PFs reach, not only on one PF.
 */
static int check_tenants(struct loader *l)
{
	const struct srp_config *cfg = l->cfg;
	char sec[SEC_NAME_MAX + 1], as[40], bs[40], mac[24];

	for (size_t j = 1; j < cfg->n_tenants; j++) {
		const struct srp_tenant *b = &cfg->tenants[j];
		const struct tenant_lines *bl = &l->tl[j];

		snprintf(sec, sizeof(sec), "tenant:%s", b->name);
		for (size_t i = 0; i < j; i++) {
			const struct srp_tenant *a = &cfg->tenants[i];
			const struct srp_pf_sel *pa, *pb;
			unsigned int vlan;

			vlan = vlan_first_common(&a->vlans, &b->vlans);
			if (vlan != 0 && tenant_pfs_may_overlap(a, b, &pa, &pb))
				return cfg_error(l, -EINVAL, bl->key[TK_VLANS], sec, "vlans",
						 "VLAN %u is also claimed by tenant '%s' (line "
						 "%u), and their PFs may be the same ('%s' and "
						 "'%s')", vlan, a->name, l->tl[i].key[TK_VLANS],
						 srp_pf_sel_format(pa, as, sizeof(as)),
						 srp_pf_sel_format(pb, bs, sizeof(bs)));
			if (mac_spaces_overlap(a, b, mac, sizeof(mac))) {
				unsigned int line = bl->key[TK_MACS] ? bl->key[TK_MACS] :
						    bl->key[TK_MAC_PREFIX];

				return cfg_error(l, -EINVAL, line, sec,
						 bl->key[TK_MACS] ? "macs" : "mac_prefix",
						 "MAC space overlaps tenant '%s' (line %u) at %s",
						 a->name, a->line, mac);
			}
		}
	}
	return 0;
}

static int build(struct loader *l, dictionary *d)
{
	struct srp_config *cfg = l->cfg;
	size_t n_tenants = 0, ti = 0;
	int r;

	r = check_sections(l, &n_tenants);
	if (r < 0)
		return r;
	if (n_tenants > 0) {
		cfg->tenants = calloc(n_tenants, sizeof(*cfg->tenants));
		l->tl = calloc(n_tenants, sizeof(*l->tl));
		if (cfg->tenants == NULL || l->tl == NULL)
			return srp_err_set(l->err, -ENOMEM, "%s: out of memory", l->path);
	}
	for (size_t i = 0; i < l->n_secs; i++) {
		const struct ini_section *s = &l->secs[i];
		struct srp_tenant *t = NULL;

		if (strcmp(s->name, "global") != 0) {
			t = &cfg->tenants[ti];
			snprintf(t->name, sizeof(t->name), "%s", s->name + 7);
			t->line = s->line;
			t->spoofchk = SRP_CFG_SPOOFCHK_REQUIRED;
			t->trust = SRP_CFG_TRUST_FORBIDDEN;
			t->switch_mode = SRP_CFG_SWITCH_ANY;
			t->max_vfs = SRP_UNLIMITED;
			cfg->n_tenants = ++ti;	/* so srp_config_free() sees what t owns */
		}
		r = walk_section(l, d, s, t, t != NULL ? &l->tl[ti - 1] : NULL);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < cfg->n_tenants; i++) {
		r = finish_tenant(l, &cfg->tenants[i], &l->tl[i]);
		if (r < 0)
			return r;
	}
	return check_tenants(l);
}

/* ---- the API ---- */

struct srp_config *srp_config_new_default(void)
{
	struct srp_config *cfg = calloc(1, sizeof(*cfg));

	if (cfg == NULL)
		return NULL;
	cfg->backend = "auto";
	cfg->state_dir = strdup(SRP_DEFAULT_STATE_DIR);
	cfg->bind_timeout_ms = SRP_DEFAULT_BIND_TIMEOUT_MS;
	cfg->autoprobe_off = false;
	cfg->default_isolation = SRP_CFG_ISOLATION_SHARED;
	if (cfg->state_dir == NULL) {
		free(cfg);
		return NULL;
	}
	return cfg;
}

void srp_config_free(struct srp_config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < cfg->n_tenants; i++) {
		free(cfg->tenants[i].pfs);
		free(cfg->tenants[i].macs);
	}
	free(cfg->tenants);
	free(cfg->state_dir);
	free(cfg->path);
	free(cfg);
}

int srp_config_load(const struct srp_sys *sys, const char *path, struct srp_config **ret,
		    struct srp_err *err)
{
	struct loader l = { .path = path, .err = err };
	dictionary *d = NULL;
	int r;

	if (sys == NULL || path == NULL || ret == NULL)
		return srp_err_set(err, -EINVAL, "srp_config_load: missing argument");
	if (sys->ops->lstat == NULL || sys->ops->read == NULL)
		return srp_err_set(err, -ENOSYS, "%s: these host ops cannot read files", path);
	l.cfg = srp_config_new_default();
	if (l.cfg == NULL || (l.cfg->path = strdup(path)) == NULL) {
		r = srp_err_set(err, -ENOMEM, "%s: out of memory", path);
		goto out;
	}
	r = read_file(&l, sys);
	if (r < 0)
		goto out;
	r = scan_lines(&l);
	if (r < 0)
		goto out;
	r = ini_load(&l, &d);
	if (r < 0)
		goto out;
	r = build(&l, d);
	if (r < 0)
		goto out;
	*ret = l.cfg;
	l.cfg = NULL;		/* moved to the caller */
out:
	/* a file srpass could read but not accept is the operator's to fix */
	if (err != NULL && (r == -EINVAL || r == -EBADMSG || r == -ERANGE || r == -EFBIG || r == -ELOOP ||
	    r == -EISDIR || r == -EPERM || r == -ENOTDIR))
		err->flags |= SRP_ERR_INPUT | SRP_ERR_SAID;
	if (d != NULL)
		iniparser_freedict(d);
	srp_config_free(l.cfg);
	free(l.tl);
	free(l.keys);
	free(l.secs);
	free(l.text);
	return r;
}

const struct srp_tenant *srp_config_tenant(const struct srp_config *cfg, const char *name)
{
	if (cfg == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < cfg->n_tenants; i++)
		if (strcmp(cfg->tenants[i].name, name) == 0)
			return &cfg->tenants[i];
	return NULL;
}

unsigned int srp_vlan_set_single(const struct srp_vlan_set *s)
{
	if (s->count != 1)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(s->bits); i++)
		if (s->bits[i] != 0)
			return (unsigned int)(i * 64 + (size_t)__builtin_ctzll(s->bits[i]));
	return 0;
}

