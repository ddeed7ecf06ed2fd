/* SPDX-License-Identifier: MIT */
/* srpass -- hot-plug: an assigned VF into a running QEMU over QMP, and out again */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/attach.h"
#include "core/host.h"
#include "core/ledger.h"
#include "core/names.h"
#include "os/qmp.h"
#include "srpass/err.h"

/* device_add's arguments from the words launch qemu prints for a:
 * "-device", "vfio-pci,host=...,id=...[,bus=...]" */
static int device_args(const struct srp_assignment *a, const struct srp_attach_opts *o,
		       struct json_object **ret, struct srp_err *err)
{
	const struct srp_launch_opts lo = {
		.format = SRP_LAUNCH_QEMU, .bus = o->bus, .addr = o->addr,
		.rombar_off = o->rombar_off,
	};
	struct srp_strv words = { 0 };
	struct json_object *args;
	char *spec, *tok, *save = NULL;
	int r;

	r = srp_launch_build(&a, 1, &lo, &words, err);
	if (r < 0)
		return r;
	if (words.n != 2 || strcmp(words.v[0], "-device") != 0) {
		srp_strv_free(&words);
		return srp_err_set(err, -EPROTO, "launch qemu gave %zu words for one VF",
				   words.n);
	}
	spec = words.v[1];
	args = json_object_new_object();
	for (tok = strtok_r(spec, ",", &save); args != NULL && tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		if (eq == NULL) {
			json_object_object_add(args, "driver", json_object_new_string(tok));
			continue;
		}
		*eq = '\0';
		json_object_object_add(args, tok, json_object_new_string(eq + 1));
	}
	srp_strv_free(&words);
	if (args == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	*ret = args;
	return 0;
}

/* The VF name names, its ledger entry (copied into res; assigned to
 * domain unless that is NULL), then the QMP connection.  attach (domain
 * given) holds the ledger's lock until it is done, so that the VF cannot
 * be released and given to another tenant between the check and the
 * device_add; detach only takes a device out, and reads the ledger
 * without the lock, which it must not hold while a guest takes up to
 * --timeout to let go. */
static int prepare(struct srp_host *host, const char *name, const char *domain,
		   const struct srp_attach_opts *o, struct srp_ledger **l,
		   const struct srp_assignment **a, struct srp_qmp *q,
		   struct srp_attach_result *res, struct srp_err *err)
{
	char bdf[SRP_BDF_STRLEN];
	int r;

	memset(res, 0, sizeof(*res));
	r = srp_function_by_name(host, name, &res->vf, err);
	if (r < 0)
		return r;
	srp_bdf_format(&res->vf, bdf);
	srp_launch_id("hostdev", &res->vf, res->id);
	r = domain != NULL ? srp_ledger_open(host, l, err) : srp_ledger_peek(host, l, err);
	if (r < 0)
		return r;
	*a = srp_ledger_find(*l, &res->vf);
	if (*a == NULL) {
		srp_ledger_close(*l);
		return srp_err_refuse(err, -ENOENT, "%s is not assigned (srpass assign it first)",
				      bdf);
	}
	snprintf(res->tenant, sizeof(res->tenant), "%s", (*a)->tenant);
	snprintf(res->domain, sizeof(res->domain), "%s", (*a)->domain);
	if (domain != NULL && strcmp(res->domain, domain) != 0) {
		srp_ledger_close(*l);
		return srp_err_refuse(err, -EACCES, "%s is assigned to %s/%s, not to domain '%s'",
				      bdf, res->tenant, res->domain, domain);
	}
	r = srp_qmp_open(q, &host->sys, o->qmp, o->timeout_ms, err);
	if (r < 0) {
		srp_ledger_close(*l);
		return r;
	}
	return 0;
}

int srp_attach(struct srp_host *host, const char *name, const char *domain,
	       const struct srp_attach_opts *o, struct srp_attach_result *res,
	       struct srp_err *err)
{
	const struct srp_assignment *a;
	struct srp_ledger *l;
	struct json_object *args = NULL, *del;
	struct srp_qmp q;
	char bdf[SRP_BDF_STRLEN];
	int r;

	r = prepare(host, name, domain, o, &l, &a, &q, res, err);
	if (r < 0)
		return r;
	srp_bdf_format(&res->vf, bdf);
	r = device_args(a, o, &args, err);
	if (r < 0)
		goto out;
	r = srp_qmp_realized(&q, res->id, err);
	if (r != 0) {
		json_object_put(args);
		goto out;		/* there already (r 1: unchanged), or an error */
	}
	r = srp_qmp_exec(&q, "device_add", args, NULL, err);
	if (r < 0)
		goto out;
	r = srp_qmp_realized(&q, res->id, err);
	if (r == 0) {
		/* accepted but not there: take it back, then fail */
		del = json_object_new_object();
		if (del != NULL)
			json_object_object_add(del, "id", json_object_new_string(res->id));
		srp_qmp_exec(&q, "device_del", del, NULL, NULL);
		r = srp_err_set(err, -EIO, "QEMU took device_add of %s (%s) but has not "
				"realized it; device_del sent", bdf, res->id);
		goto out;
	}
	if (r > 0)
		res->changed = 1;
out:
	srp_qmp_close(&q);
	srp_ledger_close(l);
	return r < 0 ? r : 0;
}

int srp_detach(struct srp_host *host, const char *name, const struct srp_attach_opts *o,
	       struct srp_attach_result *res, struct srp_err *err)
{
	const struct srp_assignment *a;
	struct srp_ledger *l;
	struct json_object *args;
	struct srp_qmp q;
	char bdf[SRP_BDF_STRLEN];
	int r;

	r = prepare(host, name, NULL, o, &l, &a, &q, res, err);
	if (r < 0)
		return r;
	srp_bdf_format(&res->vf, bdf);
	r = srp_qmp_realized(&q, res->id, err);
	if (r <= 0)
		goto out;		/* not there (unchanged), or an error */
	args = json_object_new_object();
	if (args == NULL) {
		r = srp_err_set(err, -ENOMEM, "out of memory");
		goto out;
	}
	json_object_object_add(args, "id", json_object_new_string(res->id));
	r = srp_qmp_exec(&q, "device_del", args, NULL, err);
	if (r < 0)
		goto out;
	r = srp_qmp_wait_event(&q, "DEVICE_DELETED", res->id, o->timeout_ms, err);
	if (r == -ETIMEDOUT) {
		srp_err_clear(err);
		r = srp_err_refuse(err, -ETIMEDOUT, "%s (%s): no DEVICE_DELETED from QEMU in %d "
				   "ms; the guest has not let go of it (the unplug request "
				   "stands: run detach again to wait more)", bdf, res->id,
				   o->timeout_ms);
		goto out;
	}
	if (r < 0)
		goto out;
	r = srp_qmp_realized(&q, res->id, err);
	if (r > 0)
		r = srp_err_set(err, -EIO, "QEMU reported DEVICE_DELETED of %s (%s) but "
				"still has it", bdf, res->id);
	else if (r == 0)
		res->changed = 1;
out:
	srp_qmp_close(&q);
	srp_ledger_close(l);
	return r < 0 ? r : 0;
}
