/* SPDX-License-Identifier: MIT */
/* srpass -- the backend table; the only place in src/ that names a backend */
#include "core/backend.h"

#include <string.h>

#include "core/host.h"
#include "base/util.h"

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

const struct srp_backend_ops *srp_backend_find(struct srp_host *host, const char *name)
{
	const struct srp_backend_ops *const *table = host->backends ? host->backends : backends;
	size_t n = host->backends ? host->n_backends : ARRAY_SIZE(backends);

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
