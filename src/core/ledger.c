/* SPDX-License-Identifier: MIT */
/* srpass -- the ledger file: versioned JSON, atomic writes, one lock */
#define _GNU_SOURCE
#include "core/ledger.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/host.h"
#include "srpass/err.h"
#include "switch/vfswitch.h"

#define LEDGER_VERSION 1
#define LEDGER_MAX (4u << 20)

int srp_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= SRP_NAME_MAX || s[0] == '.' || s[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return 0;
	return 1;
}

void srp_assignment_clear(struct srp_assignment *a)
{
	free(a->orig_driver);
	free(a->orig_override);
	free(a->forced);
	if (a->orig_switch)
		json_object_put(a->orig_switch);
	memset(a, 0, sizeof(*a));
}

void srp_pending_clear(struct srp_pending *p)
{
	srp_assignment_clear(&p->a);
	if (p->before)
		json_object_put(p->before);
	memset(p, 0, sizeof(*p));
	p->op = SRP_OP_NONE;
	p->old_autoprobe = -1;
}

static char *dup_or_null(const char *s, int *oom)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		*oom = 1;
	return d;
}

int srp_assignment_copy(struct srp_assignment *dst, const struct srp_assignment *src)
{
	int oom = 0;

	*dst = *src;
	dst->orig_driver = dup_or_null(src->orig_driver, &oom);
	dst->orig_override = dup_or_null(src->orig_override, &oom);
	dst->orig_switch = src->orig_switch ? json_object_get(src->orig_switch) : NULL;
	dst->forced = dup_or_null(src->forced, &oom);
	if (oom) {
		srp_assignment_clear(dst);
		return -ENOMEM;
	}
	return 0;
}

struct srp_assignment *srp_ledger_find(const struct srp_ledger *l, const struct srp_bdf *vf)
{
	for (size_t i = 0; i < l->n; i++)
		if (srp_bdf_cmp(&l->a[i].vf, vf) == 0)
			return &l->a[i];
	return NULL;
}

int srp_ledger_add(struct srp_ledger *l, const struct srp_assignment *a)
{
	struct srp_assignment *grown;

	grown = realloc(l->a, (l->n + 1) * sizeof(*grown));
	if (grown == NULL)
		return -ENOMEM;
	l->a = grown;
	if (srp_assignment_copy(&l->a[l->n], a) < 0)
		return -ENOMEM;
	l->n++;
	return 0;
}

int srp_ledger_remove(struct srp_ledger *l, const struct srp_bdf *vf)
{
	struct srp_assignment *a = srp_ledger_find(l, vf);

	if (a == NULL)
		return -ENOENT;
	srp_assignment_clear(a);
	memmove(a, a + 1, (size_t)(&l->a[l->n] - (a + 1)) * sizeof(*a));
	l->n--;
	return 0;
}

/* --- JSON, strictly: every field present with the right type --- */

static const char *const op_names[] = {
	[SRP_OP_NONE] = "none", [SRP_OP_ASSIGN] = "assign",
	[SRP_OP_RELEASE] = "release", [SRP_OP_NUMVFS] = "numvfs",
	[SRP_OP_VFSET] = "vfset",
};

static struct json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *assignment_to_json(const struct srp_assignment *a)
{
	struct json_object *o = json_object_new_object();
	char b[SRP_BDF_STRLEN];

	json_object_object_add(o, "vf", json_object_new_string(srp_bdf_format(&a->vf, b)));
	json_object_object_add(o, "pf", json_object_new_string(srp_bdf_format(&a->pf, b)));
	json_object_object_add(o, "vf_index", json_object_new_int(a->vf_index));
	json_object_object_add(o, "tenant", json_object_new_string(a->tenant));
	json_object_object_add(o, "domain", json_object_new_string(a->domain));
	json_object_object_add(o, "backend", json_object_new_string(a->backend));
	json_object_object_add(o, "orig_driver", str_or_null(a->orig_driver));
	json_object_object_add(o, "orig_driver_override", str_or_null(a->orig_override));
	json_object_object_add(o, "orig_switch",
			       a->orig_switch ? json_object_get(a->orig_switch) : NULL);
	if (a->has_applied) {
		struct json_object *ap = json_object_new_object();
		char mac[SRP_VF_MACSTRLEN];

		json_object_object_add(ap, "vlan", json_object_new_int64(a->vlan));
		json_object_object_add(ap, "mac", a->has_mac ? json_object_new_string(
					       srp_vf_mac_format(a->mac, mac)) : NULL);
		json_object_object_add(ap, "spoofchk", json_object_new_boolean(a->spoofchk));
		json_object_object_add(ap, "trust", json_object_new_boolean(a->trust));
		json_object_object_add(ap, "max_rate", json_object_new_int64(a->max_rate));
		json_object_object_add(o, "applied", ap);
	} else {
		json_object_object_add(o, "applied", NULL);
	}
	if (a->forced)
		json_object_object_add(o, "forced", json_object_new_string(a->forced));
	return o;
}

static int get_field(struct json_object *o, const char *key, enum json_type type, int nullable,
		     struct json_object **ret)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return -EBADMSG;
	if (v == NULL && nullable) {
		*ret = NULL;
		return 0;
	}
	if (v == NULL || !json_object_is_type(v, type))
		return -EBADMSG;
	/* C would cut a string at an embedded NUL: refuse it as malformed */
	if (type == json_type_string &&
	    strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v))
		return -EBADMSG;
	*ret = v;
	return 0;
}

/* A kernel driver name: [A-Za-z0-9_.+-], 1 to 64 characters, not "." or
 * "..": it becomes a path component and a sysfs write. */
static int driver_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && strchr("_.+-", *s) == NULL)
			return 0;
	return 1;
}

static int get_name(struct json_object *o, const char *key, char *buf, size_t len)
{
	struct json_object *v;
	const char *s;

	if (get_field(o, key, json_type_string, 0, &v) < 0)
		return -EBADMSG;
	s = json_object_get_string(v);
	if (strlen(s) >= len || !srp_name_valid(s))
		return -EBADMSG;
	strcpy(buf, s);
	return 0;
}

static int get_bdf(struct json_object *o, const char *key, struct srp_bdf *ret)
{
	struct json_object *v;

	if (get_field(o, key, json_type_string, 0, &v) < 0)
		return -EBADMSG;
	/* the full form srpass writes, nothing shorter */
	if (json_object_get_string_len(v) != SRP_BDF_STRLEN - 1)
		return -EBADMSG;
	return srp_bdf_parse(json_object_get_string(v), ret) < 0 ? -EBADMSG : 0;
}

static int get_opt_str(struct json_object *o, const char *key, char **ret)
{
	struct json_object *v;

	if (get_field(o, key, json_type_string, 1, &v) < 0)
		return -EBADMSG;
	if (v == NULL) {
		*ret = NULL;
		return 0;
	}
	if (!driver_name_ok(json_object_get_string(v)))
		return -EBADMSG;
	*ret = strdup(json_object_get_string(v));
	return *ret ? 0 : -ENOMEM;
}

static int applied_from_json(struct json_object *o, struct srp_assignment *a)
{
	struct json_object *ap, *v;

	if (get_field(o, "applied", json_type_object, 1, &ap) < 0)
		return -EBADMSG;
	if (ap == NULL)
		return 0;
	if (get_field(ap, "vlan", json_type_int, 0, &v) < 0 || json_object_get_int64(v) < 0 ||
	    json_object_get_int64(v) > SRP_VF_VLAN_MAX)
		return -EBADMSG;
	a->vlan = (unsigned int)json_object_get_int64(v);
	if (get_field(ap, "mac", json_type_string, 1, &v) < 0 ||
	    (v != NULL && srp_vf_mac_parse(json_object_get_string(v), a->mac) < 0))
		return -EBADMSG;
	a->has_mac = v != NULL;
	if (get_field(ap, "spoofchk", json_type_boolean, 0, &v) < 0)
		return -EBADMSG;
	a->spoofchk = json_object_get_boolean(v);
	if (get_field(ap, "trust", json_type_boolean, 0, &v) < 0)
		return -EBADMSG;
	a->trust = json_object_get_boolean(v);
	if (get_field(ap, "max_rate", json_type_int, 0, &v) < 0 || json_object_get_int64(v) < 0 ||
	    json_object_get_int64(v) > UINT32_MAX)
		return -EBADMSG;
	a->max_rate = (uint32_t)json_object_get_int64(v);
	a->has_applied = 1;
	return 0;
}

/* Optional (ledgers before `vf set --force` lack it): printable text. */
static int forced_from_json(struct json_object *o, struct srp_assignment *a)
{
	struct json_object *v;
	const char *t;

	if (!json_object_object_get_ex(o, "forced", &v) || v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_string) || json_object_get_string_len(v) == 0 ||
	    json_object_get_string_len(v) > 4096 ||
	    strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v))
		return -EBADMSG;
	for (t = json_object_get_string(v); *t; t++)
		if ((unsigned char)*t < 0x20)
			return -EBADMSG;
	a->forced = strdup(json_object_get_string(v));
	return a->forced ? 0 : -ENOMEM;
}

static int assignment_from_json(struct json_object *o, struct srp_assignment *a,
				const char **ret_what)
{
	struct json_object *v;
	int r;

	memset(a, 0, sizeof(*a));
	*ret_what = "vf";
	if (!json_object_is_type(o, json_type_object) || get_bdf(o, "vf", &a->vf) < 0)
		return -EBADMSG;
	*ret_what = "pf";
	if (get_bdf(o, "pf", &a->pf) < 0)
		return -EBADMSG;
	*ret_what = "vf_index";
	if (get_field(o, "vf_index", json_type_int, 0, &v) < 0 || json_object_get_int64(v) < 0 ||
	    json_object_get_int64(v) > 65535)
		return -EBADMSG;
	a->vf_index = (int)json_object_get_int64(v);
	*ret_what = "tenant";
	if (get_name(o, "tenant", a->tenant, sizeof(a->tenant)) < 0)
		return -EBADMSG;
	*ret_what = "domain";
	if (get_name(o, "domain", a->domain, sizeof(a->domain)) < 0)
		return -EBADMSG;
	*ret_what = "backend";
	if (get_name(o, "backend", a->backend, sizeof(a->backend)) < 0)
		return -EBADMSG;
	*ret_what = "orig_driver";
	r = get_opt_str(o, "orig_driver", &a->orig_driver);
	if (r == 0) {
		*ret_what = "orig_driver_override";
		r = get_opt_str(o, "orig_driver_override", &a->orig_override);
	}
	if (r == 0) {
		*ret_what = "orig_switch";
		r = get_field(o, "orig_switch", json_type_object, 1, &v);
		if (r == 0 && v != NULL)
			a->orig_switch = json_object_get(v);
	}
	if (r == 0) {
		*ret_what = "applied";
		r = applied_from_json(o, a);
	}
	if (r == 0) {
		*ret_what = "forced";
		r = forced_from_json(o, a);
	}
	if (r < 0)
		srp_assignment_clear(a);
	return r;
}

static struct json_object *ledger_to_json(const struct srp_ledger *l)
{
	struct json_object *o = json_object_new_object(), *arr = json_object_new_array();
	char b[SRP_BDF_STRLEN];

	json_object_object_add(o, "version", json_object_new_int(LEDGER_VERSION));
	for (size_t i = 0; i < l->n; i++)
		json_object_array_add(arr, assignment_to_json(&l->a[i]));
	json_object_object_add(o, "assignments", arr);
	if (l->pending.op != SRP_OP_NONE) {
		struct json_object *p = json_object_new_object();

		json_object_object_add(p, "op", json_object_new_string(op_names[l->pending.op]));
		if (l->pending.op == SRP_OP_NUMVFS) {
			json_object_object_add(p, "pf", json_object_new_string(
						       srp_bdf_format(&l->pending.pf, b)));
			json_object_object_add(p, "old_numvfs",
					       json_object_new_int64(l->pending.old_numvfs));
			json_object_object_add(p, "old_autoprobe",
					       json_object_new_int(l->pending.old_autoprobe));
		} else if (l->pending.op == SRP_OP_VFSET) {
			json_object_object_add(p, "vf", json_object_new_string(
						       srp_bdf_format(&l->pending.vf, b)));
			json_object_object_add(p, "pf", json_object_new_string(
						       srp_bdf_format(&l->pending.pf, b)));
			json_object_object_add(p, "vf_index",
					       json_object_new_int(l->pending.vf_index));
			json_object_object_add(p, "before", json_object_get(l->pending.before));
		} else {
			json_object_object_add(p, "assignment", assignment_to_json(&l->pending.a));
		}
		json_object_object_add(o, "pending", p);
	}
	return o;
}

static int pending_from_json(struct json_object *p, struct srp_pending *ret, const char **what)
{
	struct json_object *v;
	const char *op;
	size_t i;

	*what = "pending.op";
	if (!json_object_is_type(p, json_type_object) ||
	    get_field(p, "op", json_type_string, 0, &v) < 0)
		return -EBADMSG;
	op = json_object_get_string(v);
	for (i = SRP_OP_ASSIGN; i < sizeof(op_names) / sizeof(op_names[0]); i++)
		if (strcmp(op, op_names[i]) == 0)
			break;
	if (i == sizeof(op_names) / sizeof(op_names[0]))
		return -EBADMSG;
	ret->op = (enum srp_op)i;
	if (ret->op == SRP_OP_NUMVFS) {
		*what = "pending.pf";
		if (get_bdf(p, "pf", &ret->pf) < 0)
			return -EBADMSG;
		*what = "pending.old_numvfs";
		if (get_field(p, "old_numvfs", json_type_int, 0, &v) < 0 ||
		    json_object_get_int64(v) < 0 || json_object_get_int64(v) > 65535)
			return -EBADMSG;
		ret->old_numvfs = (unsigned int)json_object_get_int64(v);
		*what = "pending.old_autoprobe";
		if (get_field(p, "old_autoprobe", json_type_int, 0, &v) < 0 ||
		    json_object_get_int64(v) < -1 || json_object_get_int64(v) > 1)
			return -EBADMSG;
		ret->old_autoprobe = (int)json_object_get_int64(v);
		return 0;
	}
	if (ret->op == SRP_OP_VFSET) {
		*what = "pending.vf";
		if (get_bdf(p, "vf", &ret->vf) < 0)
			return -EBADMSG;
		*what = "pending.pf";
		if (get_bdf(p, "pf", &ret->pf) < 0)
			return -EBADMSG;
		*what = "pending.vf_index";
		if (get_field(p, "vf_index", json_type_int, 0, &v) < 0 ||
		    json_object_get_int64(v) < 0 || json_object_get_int64(v) > 65535)
			return -EBADMSG;
		ret->vf_index = (int)json_object_get_int64(v);
		*what = "pending.before";
		if (get_field(p, "before", json_type_object, 0, &v) < 0)
			return -EBADMSG;
		ret->before = json_object_get(v);
		return 0;
	}
	*what = "pending.assignment";
	if (get_field(p, "assignment", json_type_object, 0, &v) < 0)
		return -EBADMSG;
	return assignment_from_json(v, &ret->a, what);
}

static int ledger_parse(const char *text, size_t len, struct srp_ledger *l, struct srp_err *err)

{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o = NULL, *v, *arr;
	const char *what = "top level";
	int r = -EBADMSG;

	if (tok == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	o = json_tokener_parse_ex(tok, text, (int)len);
	if (o == NULL || json_tokener_get_error(tok) != json_tokener_success ||
	    tok->char_offset != (int)len) {
		r = srp_err_set(err, -EBADMSG, "ledger '%s' is not valid JSON (%s at byte %d)",
				l->path, json_tokener_error_desc(json_tokener_get_error(tok)),
				(int)tok->char_offset);
		goto out;
	}
	what = "version";
	if (!json_object_is_type(o, json_type_object) ||
	    get_field(o, "version", json_type_int, 0, &v) < 0)
		goto bad;
	if (json_object_get_int64(v) != LEDGER_VERSION) {
		r = srp_err_set(err, -EPROTO, "ledger '%s' has version %lld; this srpass reads version %d",
				l->path, (long long)json_object_get_int64(v), LEDGER_VERSION);
		goto out;
	}
	what = "assignments";
	if (get_field(o, "assignments", json_type_array, 0, &arr) < 0)
		goto bad;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct srp_assignment a;

		if (assignment_from_json(json_object_array_get_idx(arr, i), &a, &what) < 0)
			goto bad;
		if (srp_ledger_find(l, &a.vf) != NULL) {
			what = "assignments (a VF listed twice)";
			srp_assignment_clear(&a);
			goto bad;
		}
		r = srp_ledger_add(l, &a);
		srp_assignment_clear(&a);
		if (r < 0) {
			r = srp_err_set(err, r, "out of memory");
			goto out;
		}
	}
	if (json_object_object_get_ex(o, "pending", &v) &&
	    pending_from_json(v, &l->pending, &what) < 0)
		goto bad;
	r = 0;
	goto out;
bad:
	r = srp_err_set(err, -EBADMSG, "ledger '%s' is malformed: bad or missing '%s' "
			"(fix or move the file; srpass never resets it)", l->path, what);
out:
	if (o)
		json_object_put(o);
	json_tokener_free(tok);
	return r;
}

static int ledger_read(struct srp_host *host, struct srp_ledger *l, struct srp_err *err)
{
	const struct srp_sys *sys = &host->sys;
	char *buf;
	mode_t mode;
	ssize_t n;
	int r;

	r = srp_sys_lstat(sys, l->path, &mode);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return srp_err_set(err, r, "cannot stat ledger '%s'", l->path);
	if (!S_ISREG(mode))
		return srp_err_set(err, -EINVAL, "ledger '%s' is not a regular file", l->path);
	buf = malloc(LEDGER_MAX + 1);
	if (buf == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	n = srp_sys_read(sys, l->path, buf, LEDGER_MAX + 1);
	if (n < 0)
		r = srp_err_set(err, (int)n, "cannot read ledger '%s'", l->path);
	else if ((size_t)n > LEDGER_MAX)
		r = srp_err_set(err, -EFBIG, "ledger '%s' is larger than %u bytes", l->path,
				LEDGER_MAX);
	else
		r = ledger_parse(buf, (size_t)n, l, err);
	free(buf);
	return r;
}

static struct srp_ledger *ledger_new(const struct srp_host *host)
{
	struct srp_ledger *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	l->lockfd = -1;
	srp_pending_clear(&l->pending);
	snprintf(l->dir, sizeof(l->dir), "%s", host->state_dir);
	snprintf(l->path, sizeof(l->path), "%s/ledger.json", host->state_dir);
	return l;
}

void srp_ledger_close(struct srp_ledger *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++)
		srp_assignment_clear(&l->a[i]);
	free(l->a);
	srp_pending_clear(&l->pending);
	if (l->lockfd >= 0)
		close(l->lockfd);	/* releases the flock */
	free(l);
}

/* mkdir -p for the state directory (0700 itself, 0755 above), refusing
 * symlinks on the way. */
static int make_state_dir(const struct srp_sys *sys, const char *dir, struct srp_err *err)
{
	char path[sizeof(((struct srp_ledger *)0)->dir)];
	mode_t mode;
	int r;

	if (dir[0] != '/' || strlen(dir) >= sizeof(path))
		return srp_err_set(err, -EINVAL, "state directory '%s' is not an absolute path", dir);
	for (const char *p = dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		memcpy(path, dir, (size_t)(p - dir));
		path[p - dir] = '\0';
		r = srp_sys_lstat(sys, path, &mode);
		if (r == -ENOENT) {
			r = sys->ops->mkdir(sys, path, *p == '\0' ? 0700 : 0755);
			if (r < 0 && r != -EEXIST)
				return srp_err_set(err, r, "cannot create state directory '%s'", path);
		} else if (r < 0) {
			return srp_err_set(err, r, "cannot stat '%s'", path);
		} else if (!S_ISDIR(mode)) {
			return srp_err_set(err, -ENOTDIR, "'%s' is not a directory%s", path,
					   S_ISLNK(mode) ? " (a symlink; srpass will not follow it)" : "");
		}
		if (*p == '\0')
			return 0;
	}
}

/*
 * The lock, waited for at most host->lock_wait_ms: a caller that asked
 * for a change should hear that the host is busy, not hang behind a
 * stuck srpass.  The holder leaves its pid in the file for that message.
 */
static int take_lock(struct srp_host *host, int fd, const char *path, struct srp_err *err)
{
	const struct srp_sys *sys = &host->sys;
	unsigned int waited = 0, step = 20;
	char holder[32] = "", pid[24];
	int n;

	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return srp_err_set(err, -errno, "cannot lock '%s'", path);
		if (waited >= host->lock_wait_ms) {
			n = (int)pread(fd, holder, sizeof(holder) - 1, 0);
			holder[n > 0 ? n : 0] = '\0';
			holder[strcspn(holder, "\n")] = '\0';
			return srp_err_set(err, -EBUSY, "the host is busy: another srpass (pid %s) "
					   "holds '%s'; tried for %u ms (--wait SECS)",
					   holder[0] ? holder : "unknown", path, host->lock_wait_ms);
		}
		sys->ops->sleep_ms(sys, step);
		waited += step;
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n)
		return srp_err_set(err, -errno, "cannot write '%s'", path);
	return 0;
}

int srp_ledger_open(struct srp_host *host, struct srp_ledger **ret, struct srp_err *err)
{
	const struct srp_sys *sys = &host->sys;
	struct srp_ledger *l;
	struct stat st;
	int r;

	char lock[sizeof(l->dir) + 8];

	r = make_state_dir(sys, host->state_dir, err);
	if (r < 0)
		return r;
	l = ledger_new(host);
	if (l == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	snprintf(lock, sizeof(lock), "%s/lock", l->dir);
	l->lockfd = sys->ops->open(sys, lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK, 0600);
	if (l->lockfd < 0) {
		r = srp_err_set(err, l->lockfd, "cannot open lock file '%s'", lock);
		goto fail;
	}
	if (fstat(l->lockfd, &st) < 0 || !S_ISREG(st.st_mode)) {
		r = srp_err_set(err, -EINVAL, "lock file '%s' is not a regular file", lock);
		goto fail;
	}
	r = take_lock(host, l->lockfd, lock, err);
	if (r < 0)
		goto fail;
	(void)srp_sys_clean_stale(sys, l->dir);	/* of commits killed mid-way */
	r = ledger_read(host, l, err);
	if (r < 0)
		goto fail;
	*ret = l;
	return 0;
fail:
	srp_ledger_close(l);
	return r;
}

int srp_ledger_peek(struct srp_host *host, struct srp_ledger **ret, struct srp_err *err)
{
	struct srp_ledger *l = ledger_new(host);
	int r;

	if (l == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	r = ledger_read(host, l, err);
	if (r < 0) {
		srp_ledger_close(l);
		return r;
	}
	*ret = l;
	return 0;
}

int srp_ledger_commit(struct srp_host *host, const struct srp_ledger *l, struct srp_err *err)
{
	const struct srp_sys *sys = &host->sys;
	struct json_object *o = ledger_to_json(l);
	const char *text;
	size_t len;
	char *buf;
	int r;

	if (o == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED);
	len = strlen(text);
	buf = malloc(len + 1);
	if (buf == NULL) {
		json_object_put(o);
		return srp_err_set(err, -ENOMEM, "out of memory");
	}
	memcpy(buf, text, len);
	buf[len] = '\n';
	json_object_put(o);
	r = sys->ops->replace(sys, l->path, buf, len + 1, 0600);
	free(buf);
	if (r < 0)
		return srp_err_set(err, r, "cannot write ledger '%s'", l->path);
	return 0;
}
