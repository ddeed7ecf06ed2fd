/* SPDX-License-Identifier: MIT */
/* srpass -- the backend table; the only place in src/ that names a backend */
#include "core/backend.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "core/host.h"
#include "core/ledger.h"
#include "os/bind.h"
#include "srpass/err.h"
#include "srpass/inventory.h"

/* Order is the "auto" probe order. */
static const struct srp_backend_ops *const backends[] = {
	&srp_backend_kvm,
	&srp_backend_xen,
};

const struct srp_backend_ops *const *srp_backends(size_t *ret_n)
{
	*ret_n = ARRAY_SIZE(backends);
	return backends;
}

const struct srp_backend_ops *const *srp_host_backends(const struct srp_host *host, size_t *ret_n)
{
	if (host->backends == NULL)
		return srp_backends(ret_n);
	*ret_n = host->n_backends;
	return host->backends;
}

const struct srp_backend_ops *srp_backend_find(struct srp_host *host, const char *name)
{
	size_t n;
	const struct srp_backend_ops *const *table = srp_host_backends(host, &n);

	for (size_t i = 0; i < n; i++) {
		if (strcmp(name, "auto") == 0 ? table[i]->detect(host) == 1
					      : strcmp(name, table[i]->name) == 0)
			return table[i];
	}
	return NULL;
}

const struct srp_backend_ops *srp_backend_lookup(const char *name)
{
	for (size_t i = 0; name != NULL && i < ARRAY_SIZE(backends); i++)
		if (strcmp(name, backends[i]->name) == 0)
			return backends[i];
	return NULL;
}

int srp_backend_open(struct srp_host *host, const char *name, struct srp_backend **ret,
		     struct srp_err *err)
{
	const struct srp_backend_ops *ops = srp_backend_find(host, name);
	struct srp_backend *be;
	int r;

	if (ops == NULL) {
		size_t n;
		const struct srp_backend_ops *const *table = srp_host_backends(host, &n);
		char known[128] = "";

		for (size_t i = 0, o = 0; i < n && o < sizeof(known); i++)
			o += (size_t)snprintf(known + o, sizeof(known) - o, "%s%s", i ? ", " : "",
					      table[i]->name);
		if (strcmp(name, "auto") == 0)
			return srp_err_set(err, -ENOENT, "no backend is usable on this host "
					   "(known: %s; none detects its hypervisor)", known);
		return srp_err_input(err, -ENOENT, "unknown backend '%.32s' (known: %s)", name, known);
	}
	be = calloc(1, sizeof(*be));
	if (be == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	be->ops = ops;
	be->host = host;
	r = ops->open ? ops->open(be, err) : 0;
	if (r < 0) {
		free(be);
		return r;
	}
	*ret = be;
	return 0;
}

void srp_backend_close(struct srp_backend *be)
{
	if (be == NULL)
		return;
	if (be->ops->close)
		be->ops->close(be);
	free(be);
}

int srp_backend_prepare(struct srp_backend *be, const struct srp_dev *vf,
			const struct srp_assignment *a, struct srp_err *err)
{
	return be->ops->prepare(be, vf, a, err);
}

int srp_backend_unprepare(struct srp_backend *be, const struct srp_dev *vf,
			  const struct srp_assignment *a, struct srp_err *err)
{
	struct srp_host *host = be->host;
	int r = 0;

	if (be->ops->unprepare)
		r = be->ops->unprepare(be, vf, a, err);
	if (r == 0 && !(be->ops->flags & SRP_BACKEND_REBINDS))
		r = srp_bind_restore(&host->sys, &vf->addr, a->orig_driver, a->orig_override,
				     host->bind_timeout_ms, err);
	return r;
}

int srp_backend_users(const struct srp_backend_ops *ops, struct srp_host *host,
		      const struct srp_dev *vf, char *buf, size_t len, struct srp_err *err)
{
	if (len > 0)
		buf[0] = '\0';
	return ops->users ? ops->users(host, vf, buf, len, err) : 0;
}

const char *srp_backend_stub(const struct srp_backend *be)
{
	return be->ops->stub_drivers[0];
}

bool srp_backend_is_stub(const struct srp_host *host, const char *driver)
{
	size_t n;
	const struct srp_backend_ops *const *table = srp_host_backends(host, &n);

	for (size_t i = 0; driver != NULL && i < n; i++)
		for (const char *const *s = table[i]->stub_drivers; *s; s++)
			if (strcmp(*s, driver) == 0)
				return true;
	return false;
}
