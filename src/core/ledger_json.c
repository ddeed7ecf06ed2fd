/* SPDX-License-Identifier: MIT */
/* srpass -- the ledger as JSON: what srpass writes, and a strict reader of it */
#include "core/ledger_int.h"

#include "core/ledger.h"

#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srpass/err.h"
#include "switch/vfswitch.h"

#define LEDGER_VERSION 1

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
	if (a->guest_pid > 0) {
		struct json_object *g = json_object_new_object();

		json_object_object_add(g, "pid", json_object_new_int(a->guest_pid));
		json_object_object_add(g, "starttime", json_object_new_uint64(a->guest_start));
		json_object_object_add(o, "guest", g);
	}
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

/* Optional (ledgers before `srpass run` lack it, and an assign records
 * none): {"pid": 1..SRP_GUEST_PID_MAX, "starttime": >= 0}.  *what names
 * the bad field. */
static int guest_from_json(struct json_object *o, struct srp_assignment *a, const char **what)
{
	struct json_object *g, *v;

	if (!json_object_object_get_ex(o, "guest", &g) || g == NULL)
		return 0;
	if (!json_object_is_type(g, json_type_object))
		return -EBADMSG;
	*what = "guest.pid";
	if (get_field(g, "pid", json_type_int, 0, &v) < 0 || json_object_get_int64(v) < 1 ||
	    json_object_get_int64(v) > SRP_GUEST_PID_MAX)
		return -EBADMSG;
	a->guest_pid = (int)json_object_get_int64(v);
	*what = "guest.starttime";
	if (get_field(g, "starttime", json_type_int, 0, &v) < 0 || json_object_get_int64(v) < 0)
		return -EBADMSG;
	a->guest_start = json_object_get_uint64(v);
	return 0;
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
	if (r == 0) {
		*ret_what = "guest";
		r = guest_from_json(o, a, ret_what);
	}
	if (r < 0)
		srp_assignment_clear(a);
	return r;
}

struct json_object *srp_ledger_to_json(const struct srp_ledger *l)
{
	struct json_object *o = json_object_new_object(), *arr = json_object_new_array();
	char b[SRP_BDF_STRLEN];

	json_object_object_add(o, "version", json_object_new_int(LEDGER_VERSION));
	for (size_t i = 0; i < l->n; i++)
		json_object_array_add(arr, assignment_to_json(&l->a[i]));
	json_object_object_add(o, "assignments", arr);
	if (l->n_pfs > 0) {
		arr = json_object_new_array();
		for (size_t i = 0; i < l->n_pfs; i++) {
			struct json_object *p = json_object_new_object();
			int ap = l->pfs[i].autoprobe;

			json_object_object_add(p, "pf", json_object_new_string(
						       srp_bdf_format(&l->pfs[i].pf, b)));
			json_object_object_add(p, "numvfs", json_object_new_int64(l->pfs[i].numvfs));
			json_object_object_add(p, "autoprobe",
					       ap < 0 ? NULL : json_object_new_boolean(ap));
			json_object_array_add(arr, p);
		}
		json_object_object_add(o, "pfs", arr);
	}
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

/* Optional (ledgers before reboot persistence lack it): the PFs' VF counts. */
static int pfs_from_json(struct json_object *arr, struct srp_ledger *l)
{
	if (!json_object_is_type(arr, json_type_array))
		return -EBADMSG;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *p = json_object_array_get_idx(arr, i), *v;
		struct srp_bdf pf;
		int64_t numvfs;
		int ap = -1;

		if (!json_object_is_type(p, json_type_object) || get_bdf(p, "pf", &pf) < 0 ||
		    get_field(p, "numvfs", json_type_int, 0, &v) < 0)
			return -EBADMSG;
		numvfs = json_object_get_int64(v);
		if (numvfs < 1 || numvfs > 65535 || srp_ledger_pf(l, &pf) != NULL)
			return -EBADMSG;
		if (get_field(p, "autoprobe", json_type_boolean, 1, &v) < 0)
			return -EBADMSG;
		if (v != NULL)
			ap = json_object_get_boolean(v);
		if (srp_ledger_pf_set(l, &pf, (unsigned int)numvfs, ap) < 0)
			return -ENOMEM;
	}
	return 0;
}

int srp_ledger_parse(const char *text, size_t len, struct srp_ledger *l, struct srp_err *err)

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
	what = "pfs";
	if (json_object_object_get_ex(o, "pfs", &arr) && pfs_from_json(arr, l) < 0)
		goto bad;
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

