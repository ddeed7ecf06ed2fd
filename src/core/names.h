/* SPDX-License-Identifier: MIT */
/* srpass -- a PCI function by its address or by its network interface's name */
#ifndef SRP_NAMES_H
#define SRP_NAMES_H

#include "srpass/bdf.h"

struct srp_err;
struct srp_host;

/*
 * srp_function_by_name - the function name names: a PCI address
 * ("0000:03:02.0", "03:02.0") or a network interface of the host
 * ("enp3s0f0v0": /sys/class/net/NAME/device).  A name that is neither is
 * bad input (SRP_ERR_INPUT) naming what was expected.
 */
int srp_function_by_name(struct srp_host *host, const char *name, struct srp_bdf *ret,
			 struct srp_err *err);

/* VF n of PF pf, as ip-link numbers them (pf's virtfnN link). */
int srp_vf_of(struct srp_host *host, const struct srp_bdf *pf, unsigned int n,
	      struct srp_bdf *ret, struct srp_err *err);

#endif
