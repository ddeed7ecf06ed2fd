/* SPDX-License-Identifier: MIT */
/* srpass tests -- mkhost: read a host description (docs/demo-host.md), check it, build it */
#include "sim/mkhost.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/fakehost.h"

enum kind { K_HOST, K_IOMMU, K_HOSTBRIDGE, K_PORT, K_DEV, K_PF, K_GROUP };

/* Keys of each section kind; a key not listed is an error. */
#define FUNC_KEYS "id", "subsys", "class", "rev", "driver", "group", "numa", "pcie", "gen", \
		  "width", "driver_override"
#define ENDPOINT_KEYS "netdevs", "msix", "bar0"

static const char *const host_keys[] = { "cmdline", "vfio", "simulated", NULL };
static const char *const iommu_keys[] = { "name", "type", "intremap", NULL };
static const char *const hostbridge_keys[] = { "numa", NULL };
static const char *const port_keys[] = { FUNC_KEYS, "type", "buses", "acs", "ari", NULL };
static const char *const dev_keys[] = { FUNC_KEYS, ENDPOINT_KEYS, NULL };
static const char *const pf_keys[] = {
	FUNC_KEYS, ENDPOINT_KEYS, "totalvfs", "numvfs", "offset", "stride", "vf_id", "vf_driver",
	"vf_netdevs", "vf_group", "vf_msix", "vf_bar0", "vf_total_msix", "autoprobe", NULL
};
static const char *const group_keys[] = { "type", NULL };

static const struct {
	const char *word;	/* "pf" of "[pf 0000:03:00.0]" */
	bool arg;
	const char *const *keys;
} kinds[] = {
	[K_HOST] = { "host", false, host_keys },
	[K_IOMMU] = { "iommu", false, iommu_keys },
	[K_HOSTBRIDGE] = { "hostbridge", true, hostbridge_keys },
	[K_PORT] = { "port", true, port_keys },
	[K_DEV] = { "dev", true, dev_keys },
	[K_PF] = { "pf", true, pf_keys },
	[K_GROUP] = { "group", true, group_keys },
};

struct section {
	enum kind kind;
	const char *name;	/* "pf 0000:03:00.0", owned by the dictionary */
	const char *arg;	/* "0000:03:00.0", or "" */
};

static int __attribute__((format(printf, 4, 5)))
bad(const struct desc *ds, const char *sec, const char *key, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mkhost: %s: [%s]%s%s: ", ds->file, sec, key ? " " : "", key ? key : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -EINVAL;
}

static const char *val(const struct desc *ds, const char *sec, const char *key)
{
	char k[256];

	if ((size_t)snprintf(k, sizeof(k), "%s:%s", sec, key) >= sizeof(k))
		return NULL;
	return iniparser_getstring(ds->d, k, NULL);
}

/* The whole of s, a number in base up to max. */
int mkhost_parse_ulong(const char *s, int base, unsigned long max, unsigned long *ret)
{
	unsigned long v;
	char *end;

	if (s == NULL || s[0] == '\0' || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, base);
	if (errno != 0 || *end != '\0' || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

static int get_ulong(const struct desc *ds, const char *sec, const char *key, int base,
		     unsigned long max, unsigned long *ret)
{
	const char *s = val(ds, sec, key);

	if (s != NULL && mkhost_parse_ulong(s, base, max, ret) < 0)
		return bad(ds, sec, key, "'%s' is not a %snumber up to %lu", s,
			   base == 16 ? "hex " : "", max);
	return 0;
}

static int get_uint(const struct desc *ds, const char *sec, const char *key, unsigned long max,
		    unsigned int *ret)
{
	unsigned long v = *ret;
	int r = get_ulong(ds, sec, key, 10, max, &v);

	*ret = (unsigned int)v;
	return r;
}

static int get_bool(const struct desc *ds, const char *sec, const char *key, bool *ret)
{
	static const char *const yes[] = { "yes", "on", "true", "1" }, *const no[] = {
		"no", "off", "false", "0"
	};
	const char *s = val(ds, sec, key);

	if (s == NULL)
		return 0;
	for (size_t i = 0; i < 4; i++) {
		if (strcmp(s, yes[i]) == 0) {
			*ret = true;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*ret = false;
			return 0;
		}
	}
	return bad(ds, sec, key, "'%s' is not yes or no", s);
}

/* "64K", "8M", "1G" or bytes */
static int get_size(const struct desc *ds, const char *sec, const char *key,
		    unsigned long long *ret)
{
	const char *s = val(ds, sec, key);
	unsigned long long mult = 1;
	unsigned long v;
	char num[32];
	size_t len;

	if (s == NULL)
		return 0;
	len = strlen(s);
	if (len > 0 && len < sizeof(num)) {
		memcpy(num, s, len + 1);
		switch (num[len - 1]) {
		case 'K': case 'k': mult = 1ULL << 10; break;
		case 'M': case 'm': mult = 1ULL << 20; break;
		case 'G': case 'g': mult = 1ULL << 30; break;
		}
		if (mult != 1)
			num[len - 1] = '\0';
		if (mkhost_parse_ulong(num, 10, 1UL << 20, &v) == 0 && v > 0) {
			*ret = v * mult;
			return 0;
		}
	}
	return bad(ds, sec, key, "'%s' is not a size like 64K, 8M or 4096", s);
}

/* "8086:1572" */
static int get_id(const struct desc *ds, const char *sec, const char *key, bool required,
		  uint16_t *ret_vendor, uint16_t *ret_device)
{
	const char *s = val(ds, sec, key);
	unsigned long v, d;
	char buf[16];

	if (s == NULL)
		return required ? bad(ds, sec, key, "missing (vendor:device, like 8086:1572)") : 0;
	if (strlen(s) == 9 && s[4] == ':') {
		memcpy(buf, s, 10);
		buf[4] = '\0';
		if (mkhost_parse_ulong(buf, 16, 0xffff, &v) == 0 &&
		    mkhost_parse_ulong(buf + 5, 16, 0xffff, &d) == 0) {
			*ret_vendor = (uint16_t)v;
			*ret_device = (uint16_t)d;
			return 0;
		}
	}
	return bad(ds, sec, key, "'%s' is not vendor:device in hex, like 8086:1572", s);
}

static bool is_label(const char *s)
{
	if (s[0] < 'a' || s[0] > 'z' || strlen(s) >= sizeof(((struct label *)0)->name))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == strlen(s);
}

static struct label *label_find(struct desc *ds, const char *name)
{
	for (int i = 0; i < ds->n_labels; i++)
		if (strcmp(ds->labels[i].name, name) == 0)
			return &ds->labels[i];
	return NULL;
}

/* "auto", "none", "pf" (VFs), a group number or (not VFs) a label */
static int get_group(const struct desc *ds, const char *sec, const char *key, bool vf,
		     enum fakehost_group *ret_mode, unsigned int *ret_id)
{
	const char *s = val(ds, sec, key);
	unsigned long id;

	if (s == NULL || strcmp(s, "auto") == 0)
		*ret_mode = FAKEHOST_GROUP_AUTO;
	else if (strcmp(s, "none") == 0)
		*ret_mode = FAKEHOST_GROUP_NONE;
	else if (vf && strcmp(s, "pf") == 0)
		*ret_mode = FAKEHOST_GROUP_PF;
	else if (mkhost_parse_ulong(s, 10, 1000000, &id) == 0) {
		*ret_mode = FAKEHOST_GROUP_ID;
		*ret_id = (unsigned int)id;
	} else if (!vf && is_label(s) && strcmp(s, "pf") != 0)
		*ret_mode = FAKEHOST_GROUP_NEW;		/* see group_label() */
	else
		return bad(ds, sec, key, "'%s' is not auto, none, %s", s,
			   vf ? "pf or a group number" : "a group number or a label");
	return 0;
}

/*
 * group = LABEL: the first function with the label gets a new group;
 * after it is made (done), the others join that group.
 */
static int group_label(struct desc *ds, const struct section *s, struct fakehost_func *f,
		       bool done)
{
	const char *name = val(ds, s->name, "group");
	struct label *l;

	if (name == NULL || !is_label(name) || strcmp(name, "auto") == 0 ||
	    strcmp(name, "none") == 0)
		return 0;
	l = label_find(ds, name);
	if (!done) {
		if (l != NULL) {
			f->group_mode = l->group >= 0 ? FAKEHOST_GROUP_ID : FAKEHOST_GROUP_NONE;
			f->group = l->group >= 0 ? (unsigned int)l->group : 0;
		}
		return 0;
	}
	if (l != NULL)
		return 0;
	if (ds->n_labels == (int)(sizeof(ds->labels) / sizeof(ds->labels[0])))
		return bad(ds, s->name, "group", "more than %d group labels",
			   (int)(sizeof(ds->labels) / sizeof(ds->labels[0])));
	l = &ds->labels[ds->n_labels++];
	strcpy(l->name, name);
	l->group = fakehost_group(ds->fh, s->arg);
	return 0;
}

/* A driver name, "none" for none. */
static const char *driver(const struct desc *ds, const char *sec, const char *key)
{
	const char *s = val(ds, sec, key);

	return s && strcmp(s, "none") != 0 && s[0] != '\0' ? s : NULL;
}

/* Keys common to ports, devices and PFs. */
static int read_func(const struct desc *ds, const struct section *s, struct fakehost_func *f)
{
	unsigned long v;
	bool pcie = true;
	int r = 0;

	f->addr = s->arg;
	r |= get_id(ds, s->name, "id", s->kind != K_PORT, &f->vendor, &f->device);
	r |= get_id(ds, s->name, "subsys", false, &f->subsys_vendor, &f->subsys_device);
	v = s->kind == K_PF ? 0x020000 : 0;
	if (s->kind == K_DEV && val(ds, s->name, "class") == NULL)
		r |= bad(ds, s->name, "class", "missing (6 hex digits, like 020000)");
	r |= get_ulong(ds, s->name, "class", 16, 0xffffff, &v);
	f->class = (uint32_t)v;
	v = 0;
	r |= get_ulong(ds, s->name, "rev", 16, 0xff, &v);
	f->revision = (uint8_t)v;
	f->driver = driver(ds, s->name, "driver");
	r |= get_group(ds, s->name, "group", false, &f->group_mode, &f->group);
	r |= get_bool(ds, s->name, "pcie", &pcie);
	f->conventional = !pcie;
	r |= get_uint(ds, s->name, "gen", 5, &f->link_gen);
	r |= get_uint(ds, s->name, "width", 32, &f->link_width);
	f->netdevs = val(ds, s->name, "netdevs");
	r |= get_uint(ds, s->name, "msix", 2048, &f->msix);
	r |= get_size(ds, s->name, "bar0", &f->bar0);
	return r ? -EINVAL : 0;
}

static int read_port(const struct desc *ds, const struct section *s, struct fakehost_func *f)
{
	const char *type = val(ds, s->name, "type"), *buses = val(ds, s->name, "buses");
	const char *acs = val(ds, s->name, "acs");
	unsigned long sec, sub;
	unsigned int cap, ctl;
	char buf[8];
	int r;

	r = read_func(ds, s, f);
	if (f->vendor == 0 && f->device == 0) {
		f->vendor = 0x8086;		/* a Xeon root port */
		f->device = 0x2030;
	}
	if (type == NULL || strcmp(type, "root") == 0)
		f->port_type = FAKEHOST_ROOT_PORT;
	else if (strcmp(type, "upstream") == 0)
		f->port_type = FAKEHOST_UPSTREAM_PORT;
	else if (strcmp(type, "downstream") == 0)
		f->port_type = FAKEHOST_DOWNSTREAM_PORT;
	else
		r |= bad(ds, s->name, "type", "'%s' is not root, upstream or downstream", type);

	if (buses == NULL)
		return bad(ds, s->name, "buses", "missing (the bus range below, like 03 or 03-05)");
	if (strlen(buses) == 2 && mkhost_parse_ulong(buses, 16, 0xff, &sec) == 0) {
		sub = sec;
	} else if (strlen(buses) == 5 && buses[2] == '-') {
		memcpy(buf, buses, 6);
		buf[2] = '\0';
		if (mkhost_parse_ulong(buf, 16, 0xff, &sec) < 0 ||
		    mkhost_parse_ulong(buf + 3, 16, 0xff, &sub) < 0)
			return bad(ds, s->name, "buses", "'%s' is not like 03 or 03-05", buses);
	} else {
		return bad(ds, s->name, "buses", "'%s' is not like 03 or 03-05", buses);
	}
	f->secondary = (unsigned int)sec;
	f->subordinate = (unsigned int)sub;

	if (acs == NULL || strcmp(acs, "none") == 0)
		f->acs = FAKEHOST_ACS_NONE;
	else if (strcmp(acs, "on") == 0)
		f->acs = FAKEHOST_ACS_ON;
	else if (strcmp(acs, "off") == 0)
		f->acs = FAKEHOST_ACS_OFF;
	else if (strlen(acs) == 9 && acs[4] == '/' && sscanf(acs, "%4x/%4x", &cap, &ctl) == 2) {
		f->acs = FAKEHOST_ACS_CUSTOM;
		f->acs_cap = (uint16_t)cap;
		f->acs_ctrl = (uint16_t)ctl;
	} else {
		r |= bad(ds, s->name, "acs", "'%s' is not on, off, none or CAP/CTRL like 005f/001d", acs);
	}
	r |= get_bool(ds, s->name, "ari", &f->ari_fwd);
	return r ? -EINVAL : 0;
}

static int read_sriov(const struct desc *ds, const struct section *s, struct fakehost_sriov *v)
{
	bool autoprobe = true;
	int r = 0;

	if (val(ds, s->name, "totalvfs") == NULL)
		r |= bad(ds, s->name, "totalvfs", "missing");
	r |= get_uint(ds, s->name, "totalvfs", 65535, &v->totalvfs);
	r |= get_uint(ds, s->name, "numvfs", 65535, &v->numvfs);
	r |= get_uint(ds, s->name, "offset", 65535, &v->offset);
	r |= get_uint(ds, s->name, "stride", 65535, &v->stride);
	if (val(ds, s->name, "vf_id") != NULL) {
		/* the device ID alone: VFs have the PF's vendor */
		unsigned long id;

		if (mkhost_parse_ulong(val(ds, s->name, "vf_id"), 16, 0xffff, &id) < 0)
			r |= bad(ds, s->name, "vf_id", "not a device ID like 154c");
		v->vf_device = (uint16_t)id;
	} else {
		r |= bad(ds, s->name, "vf_id", "missing (the VF device ID, like 154c)");
	}
	v->vf_driver = driver(ds, s->name, "vf_driver");
	v->vf_netdevs = val(ds, s->name, "vf_netdevs");
	r |= get_group(ds, s->name, "vf_group", true, &v->vf_group_mode, &v->vf_group);
	r |= get_uint(ds, s->name, "vf_msix", 512, &v->vf_msix);
	r |= get_size(ds, s->name, "vf_bar0", &v->vf_bar0);
	r |= get_uint(ds, s->name, "vf_total_msix", 65535, &v->vf_total_msix);
	r |= get_bool(ds, s->name, "autoprobe", &autoprobe);
	v->no_autoprobe = !autoprobe;
	if (v->numvfs > v->totalvfs)
		r |= bad(ds, s->name, "numvfs", "%u is more than totalvfs %u", v->numvfs, v->totalvfs);
	return r ? -EINVAL : 0;
}

/* vf<N>_driver, N a decimal VF index: for PFs, on top of pf_keys */
static bool vf_driver_key(const char *key, unsigned long *ret_n)
{
	char num[16];
	size_t len;

	if (strncmp(key, "vf", 2) != 0)
		return false;
	len = strcspn(key + 2, "_");
	if (len == 0 || len >= sizeof(num) || strcmp(key + 2 + len, "_driver") != 0)
		return false;
	memcpy(num, key + 2, len);
	num[len] = '\0';
	return mkhost_parse_ulong(num, 10, 65535, ret_n) == 0;
}

/*
 * Build order: [host], [iommu], then host bridges and functions by
 * address (so bridges and ports come before what is below them, and
 * automatic group numbers follow the address, about as the kernel's
 * probe order does), then [group] sections.
 */
static int sec_rank(enum kind k)
{
	return k == K_HOST ? 0 : k == K_IOMMU ? 1 : k == K_GROUP ? 3 : 2;
}

static int sec_cmp(const void *a, const void *b)
{
	const struct section *x = a, *y = b;

	if (sec_rank(x->kind) != sec_rank(y->kind))
		return sec_rank(x->kind) - sec_rank(y->kind);
	return strcmp(x->arg, y->arg);
}

/*
 * Classify every section and check its keys.  Not with
 * iniparser_getnsec(): it skips section names with a ':' in them, and
 * ours have addresses.  Sections are the dictionary's entries without a
 * value.
 */
int mkhost_scan(struct desc *ds)
{
	int r = 0;

	ds->secs = calloc(ds->d->n > 0 ? (size_t)ds->d->n : 1, sizeof(*ds->secs));
	if (ds->secs == NULL)
		abort();
	for (ssize_t i = 0; i < ds->d->size; i++) {
		const char *name = ds->d->key[i], **keys;
		struct section *s = &ds->secs[ds->n_secs];
		size_t k, wlen;
		int nkeys;

		if (name == NULL || ds->d->val[i] != NULL)
			continue;
		wlen = strcspn(name, " ");
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (strlen(kinds[k].word) == wlen && strncmp(name, kinds[k].word, wlen) == 0)
				break;
		if (k == sizeof(kinds) / sizeof(kinds[0]) ||
		    kinds[k].arg != (name[wlen] == ' ' && name[wlen + 1] != '\0')) {
			r = bad(ds, name, NULL, "unknown section (host, iommu, hostbridge DDDD:BB, "
				"port|dev|pf DDDD:BB:DD.F, group N)");
			continue;
		}
		s->kind = (enum kind)k;
		s->name = name;
		s->arg = kinds[k].arg ? name + wlen + 1 : "";
		ds->n_secs++;

		nkeys = iniparser_getsecnkeys(ds->d, name);
		keys = calloc(nkeys > 0 ? (size_t)nkeys : 1, sizeof(*keys));
		if (keys == NULL)
			abort();
		iniparser_getseckeys(ds->d, name, keys);
		for (int j = 0; j < nkeys; j++) {
			const char *key = keys[j] + strlen(name) + 1;
			const char *const *known = kinds[k].keys;
			unsigned long vf;

			while (*known != NULL && strcmp(*known, key) != 0)
				known++;
			if (*known == NULL && !(s->kind == K_PF && vf_driver_key(key, &vf)))
				r = bad(ds, name, key, "unknown key");
		}
		free(keys);
	}
	/* keys before the first section are ":key" */
	for (ssize_t i = 0; i < ds->d->size; i++)
		if (ds->d->key[i] != NULL && ds->d->key[i][0] == ':')
			r = bad(ds, "", ds->d->key[i] + 1, "outside any section");
	qsort(ds->secs, (size_t)ds->n_secs, sizeof(*ds->secs), sec_cmp);
	return r;
}

static int failed(const struct desc *ds, const struct section *s, int r, const char *what)
{
	const char *hint = "";

	if (r == -EEXIST)
		hint = " (the address, or a bus range, is taken: by another function or a VF)";
	else if (r == -ERANGE)
		hint = " (VFs run past the bus range of the port above: see offset, stride, buses)";
	else if (r == -EINVAL)
		hint = " (check the address, ids, bus range and VF settings)";
	else if (r == -EBUSY)
		hint = " ([iommu] must come before any function)";
	return bad(ds, s->name, NULL, "cannot %s: %s%s", what, strerror(-r), hint);
}

/* Overrides written after the function is made: numa, driver_override. */
static int tweak(struct desc *ds, const struct section *s, const struct fakehost_sriov *v)
{
	const char *dir = fakehost_dev_dir(ds->fh, s->arg), *ovr = val(ds, s->name, "driver_override");
	const char *numa = val(ds, s->name, "numa");
	char path[4096], text[128], vf[13];
	unsigned int n = 0;
	unsigned long node;
	int r = 0;

	if (numa != NULL) {
		if (strcmp(numa, "-1") != 0 && mkhost_parse_ulong(numa, 10, 1023, &node) < 0)
			return bad(ds, s->name, "numa", "'%s' is not a node number or -1", numa);
		snprintf(text, sizeof(text), "%s\n", numa);
		/* VFs are on the PF's node */
		do {
			snprintf(path, sizeof(path), "%s/numa_node", dir);
			r = fakehost_write(ds->fh, path, text);
			if (v == NULL || n >= v->numvfs || r < 0)
				break;
			(void)fakehost_vf_addr(s->arg, v->offset ? v->offset : 1, v->stride ? v->stride : 1,
					       n++, vf);
			dir = fakehost_dev_dir(ds->fh, vf);
		} while (dir != NULL);
	}
	if (r == 0 && ovr != NULL) {
		snprintf(path, sizeof(path), "%s/driver_override", fakehost_dev_dir(ds->fh, s->arg));
		snprintf(text, sizeof(text), "%s\n", ovr);
		r = fakehost_write(ds->fh, path, text);
	}
	return r < 0 ? failed(ds, s, r, "write an attribute") : 0;
}

/* vf<N>_driver keys of a PF */
static int vf_drivers(struct desc *ds, const struct section *s, const struct fakehost_sriov *v)
{
	int nkeys = iniparser_getsecnkeys(ds->d, s->name), r = 0;
	const char **keys = calloc(nkeys > 0 ? (size_t)nkeys : 1, sizeof(*keys));
	unsigned long n;
	char vf[13];

	if (keys == NULL)
		abort();
	iniparser_getseckeys(ds->d, s->name, keys);
	for (int j = 0; j < nkeys && r == 0; j++) {
		const char *key = keys[j] + strlen(s->name) + 1;

		if (!vf_driver_key(key, &n))
			continue;
		if (n >= v->numvfs) {
			r = bad(ds, s->name, key, "VF %lu is not enabled (numvfs %u)", n, v->numvfs);
			break;
		}
		(void)fakehost_vf_addr(s->arg, v->offset ? v->offset : 1, v->stride ? v->stride : 1,
				       (unsigned int)n, vf);
		r = fakehost_bind(ds->fh, vf, driver(ds, s->name, key));
		if (r < 0)
			r = failed(ds, s, r, "bind the VF");
	}
	free(keys);
	return r;
}

/* "0000:80" */
static int parse_hostbridge(const char *s, unsigned long *ret_domain, unsigned long *ret_bus)
{
	char dom[5];

	if (strlen(s) != 7 || s[4] != ':')
		return -EINVAL;
	memcpy(dom, s, 4);
	dom[4] = '\0';
	if (mkhost_parse_ulong(dom, 16, 0xffff, ret_domain) < 0 ||
	    mkhost_parse_ulong(s + 5, 16, 0xff, ret_bus) < 0)
		return -EINVAL;
	return 0;
}

static int group_type(struct desc *ds, const struct section *s)
{
	const char *type = val(ds, s->name, "type");
	char path[64], full[4096], text[80];
	struct label *l = label_find(ds, s->arg);
	unsigned long id;
	struct stat st;
	int r;

	if (l != NULL && l->group >= 0)
		id = (unsigned long)l->group;
	else if (mkhost_parse_ulong(s->arg, 10, 1000000, &id) < 0)
		return bad(ds, s->name, NULL, "'%s' is not a group number or a label in use", s->arg);
	snprintf(path, sizeof(path), "sys/kernel/iommu_groups/%lu", id);
	snprintf(full, sizeof(full), "%s/%s", fakehost_root(ds->fh), path);
	if (stat(full, &st) < 0)
		return bad(ds, s->name, NULL, "no function is in this group");
	if (type == NULL)
		return 0;
	snprintf(path, sizeof(path), "sys/kernel/iommu_groups/%lu/type", id);
	snprintf(text, sizeof(text), "%.64s\n", type);
	r = fakehost_write(ds->fh, path, text);
	return r < 0 ? failed(ds, s, r, "set the group type") : 0;
}

/* One section but [group]; PFs without their VFs. */
static int add_section(struct desc *ds, const struct section *sec)
{
	struct fakehost_iommu iommu = { 0 };
	struct fakehost_sriov v = { 0 };
	struct fakehost_func f = { 0 };
	unsigned long bus, dom, n;
	const char *s;
	bool on = true;
	int node = -1, r = 0;

	switch (sec->kind) {
	case K_HOST:
		on = false;
		if ((r = get_bool(ds, sec->name, "vfio", &on)) == 0 && on &&
		    (r = fakehost_add_vfio(ds->fh)) < 0)
			r = failed(ds, sec, r, "add vfio");
		break;
	case K_IOMMU:
		iommu.name = val(ds, sec->name, "name");
		iommu.group_type = val(ds, sec->name, "type");
		r = get_bool(ds, sec->name, "intremap", &on);
		iommu.no_intremap = !on;
		if (r == 0 && (r = fakehost_add_iommu(ds->fh, &iommu)) < 0)
			r = failed(ds, sec, r, "add the IOMMU");
		break;
	case K_HOSTBRIDGE:
		if (parse_hostbridge(sec->arg, &dom, &bus) < 0) {
			r = bad(ds, sec->name, NULL, "not a host bridge like [hostbridge 0000:80]");
			break;
		}
		if ((s = val(ds, sec->name, "numa")) != NULL && strcmp(s, "-1") != 0) {
			if ((r = get_ulong(ds, sec->name, "numa", 10, 1023, &n)) < 0)
				break;
			node = (int)n;
		}
		if ((r = fakehost_add_hostbridge(ds->fh, (unsigned int)dom, (unsigned int)bus,
						 node)) < 0)
			r = failed(ds, sec, r, "add the host bridge");
		break;
	case K_PORT:
		if ((r = read_port(ds, sec, &f)) == 0)
			r = group_label(ds, sec, &f, false);
		if (r == 0 && (r = fakehost_add_port(ds->fh, &f)) < 0)
			r = failed(ds, sec, r, "add the port");
		if (r == 0)
			r = group_label(ds, sec, &f, true);
		if (r == 0)
			r = tweak(ds, sec, NULL);
		break;
	case K_DEV:
		if ((r = read_func(ds, sec, &f)) == 0)
			r = group_label(ds, sec, &f, false);
		if (r == 0 && (r = fakehost_add_dev(ds->fh, &f)) < 0)
			r = failed(ds, sec, r, "add the device");
		if (r == 0)
			r = group_label(ds, sec, &f, true);
		if (r == 0)
			r = tweak(ds, sec, NULL);
		break;
	case K_PF:
		r = read_func(ds, sec, &f);
		if (read_sriov(ds, sec, &v) < 0)
			r = -EINVAL;
		if (r == 0)
			r = group_label(ds, sec, &f, false);
		v.numvfs = 0;
		if (r == 0 && (r = fakehost_add_pf(ds->fh, &f, &v)) < 0)
			r = failed(ds, sec, r, "add the PF");
		if (r == 0)
			r = group_label(ds, sec, &f, true);
		break;
	case K_GROUP:
		break;
	}
	return r;
}

/* numvfs, the vf<N>_driver keys, numa and driver_override of a PF */
static int enable_vfs(struct desc *ds, const struct section *sec)
{
	struct fakehost_sriov v = { 0 };
	int r;

	r = read_sriov(ds, sec, &v);
	if (r == 0 && (r = fakehost_set_numvfs(ds->fh, sec->arg, v.numvfs)) < 0)
		r = failed(ds, sec, r, "enable the VFs");
	if (r == 0)
		r = vf_drivers(ds, sec, &v);
	if (r == 0)
		r = tweak(ds, sec, &v);
	return r;
}

/*
 * [host] simulated = yes: the records srpass's simulated kernel needs
 * (docs/simulation.md): the marker directory, and the driver each
 * function binds to when nothing overrides it.
 */
static int simulate(struct desc *ds)
{
	char path[96], text[72];
	const char *drv;
	bool on = false;
	int r;

	r = get_bool(ds, "host", "simulated", &on);
	if (r < 0 || !on)
		return r;
	r = fakehost_write(ds->fh, "var/lib/srpass-sim/README",
			   "This tree is a simulated host: see srpass docs/simulation.md.\n");
	for (int i = 0; i < ds->n_secs && r == 0; i++) {
		const struct section *sec = &ds->secs[i];

		if (sec->kind != K_DEV && sec->kind != K_PF && sec->kind != K_PORT)
			continue;
		drv = val(ds, sec->name, "driver");
		if (drv == NULL && sec->kind == K_PORT)
			drv = "pcieport";
		if (drv != NULL) {
			snprintf(path, sizeof(path), "var/lib/srpass-sim/default-driver/%s", sec->arg);
			snprintf(text, sizeof(text), "%.64s\n", drv);
			r = fakehost_write(ds->fh, path, text);
		}
		drv = sec->kind == K_PF ? val(ds, sec->name, "vf_driver") : NULL;
		if (r == 0 && drv != NULL) {
			snprintf(path, sizeof(path), "var/lib/srpass-sim/default-vf-driver/%s",
				 sec->arg);
			snprintf(text, sizeof(text), "%.64s\n", drv);
			r = fakehost_write(ds->fh, path, text);
		}
	}
	return r;
}

int mkhost_build(struct desc *ds)
{
	const char *s;
	int r = 0;

	for (int i = 0; i < ds->n_secs && r == 0; i++)
		r = add_section(ds, &ds->secs[i]);
	/*
	 * VFs last, as when sriov_numvfs is written after boot: their
	 * groups are numbered after everything else's.
	 */
	for (int i = 0; i < ds->n_secs && r == 0; i++)
		if (ds->secs[i].kind == K_PF)
			r = enable_vfs(ds, &ds->secs[i]);
	for (int i = 0; i < ds->n_secs && r == 0; i++)
		if (ds->secs[i].kind == K_GROUP)
			r = group_type(ds, &ds->secs[i]);
	/* the kernel command line last: [iommu] writes one */
	if (r == 0 && (s = val(ds, "host", "cmdline")) != NULL) {
		char *text = malloc(strlen(s) + 2);

		if (text == NULL)
			abort();
		sprintf(text, "%s\n", s);
		r = fakehost_write(ds->fh, "proc/cmdline", text);
		free(text);
	}
	if (r == 0)
		r = simulate(ds);
	return r;
}
