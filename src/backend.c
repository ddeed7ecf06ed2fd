/* SPDX-License-Identifier: MIT */
/* srpass -- the backend table; the only place in src/ that names a backend */
#include "backend.h"

#include <string.h>

#include "util.h"

/* Order is the "auto" probe order. */
static const struct srp_backend_ops *const backends[] = {
	&srp_backend_kvm,
};

const struct srp_backend_ops *const *srp_backends(size_t *ret_n)
{
	*ret_n = ARRAY_SIZE(backends);
	return backends;
}

const struct srp_backend_ops *srp_backend_find(struct srp_host *host, const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(backends); i++) {
		if (strcmp(name, "auto") == 0 ? backends[i]->detect(host) == 1
					      : strcmp(name, backends[i]->name) == 0)
			return backends[i];
	}
	return NULL;
}
