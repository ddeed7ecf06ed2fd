/* SPDX-License-Identifier: MIT */
/* srpass -- srpass.conf: the tenants and their policy */
#ifndef SRPASS_CONFIG_H
#define SRPASS_CONFIG_H

#include "srpass/api.h"

struct srp_config;
struct srp_err;
struct srp_host;

/*
 * srp_config_open - read and check the configuration at path under the
 * host root (NULL: SRP_CONFIG_DEFAULT, and without that file the defaults
 * and no tenants).  A malformed file is an error naming the file, line
 * and key.  Its [global] section settles the host's state directory and
 * bind timeout.  Free with srp_config_free().
 */
#define SRP_CONFIG_DEFAULT "/etc/srpass/srpass.conf"
SRP_API int srp_config_open(struct srp_host *host, const char *path, struct srp_config **ret,
			    struct srp_err *err);
SRP_API void srp_config_free(struct srp_config *cfg);

#endif
