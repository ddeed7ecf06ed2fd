/* SPDX-License-Identifier: MIT */
/* srpass -- PCI addresses (domain:bus:device.function) */
#ifndef SRPASS_BDF_H
#define SRPASS_BDF_H

#include "srpass/api.h"

#include <stddef.h>
#include <stdint.h>

struct srp_bdf {
	uint16_t domain;
	uint8_t bus;
	uint8_t dev;		/* 0..31 */
	uint8_t fn;		/* 0..7 */
};

/* "0000:03:10.1" plus NUL */
#define SRP_BDF_STRLEN 13

/*
 * srp_bdf_parse - parse "DDDD:BB:DD.F" or "BB:DD.F" (hex, either case).
 * Anything else (spaces, a longer domain, device > 1f, function > 7,
 * trailing text) is -EINVAL and *ret is left untouched.
 */
SRP_API int srp_bdf_parse(const char *s, struct srp_bdf *ret);

/* Canonical lower-case "dddd:bb:dd.f" into buf[SRP_BDF_STRLEN]; returns buf. */
SRP_API char *srp_bdf_format(const struct srp_bdf *a, char buf[SRP_BDF_STRLEN]);

SRP_API int srp_bdf_cmp(const struct srp_bdf *a, const struct srp_bdf *b);

#endif
