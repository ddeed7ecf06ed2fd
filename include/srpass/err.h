/* SPDX-License-Identifier: MIT */
/* srpass -- error reporting: one caller-owned buffer, set once, prefixed on the way up */
#ifndef SRPASS_ERR_H
#define SRPASS_ERR_H

#include "srpass/api.h"

/*
 * Every operation that can fail for more than one reason takes a
 * struct srp_err * as its last parameter and returns 0 (or a count) on
 * success, a negative errno on failure.  The first failure is recorded;
 * callers add context with srp_err_prefix().  err may be NULL.
 * Messages name the object and the file, never contain strerror() text:
 * the CLI appends that from code.
 */
struct srp_err {
	int code;		/* 0, or a negative errno */
	char msg[512];
	unsigned int flags;	/* SRP_ERR_* */
};

/* The message says why (a policy rule, a missing entry): strerror(code)
 * would add nothing. */
#define SRP_ERR_SAID	1u
/* The caller's input is wrong (a name, an option, the configuration),
 * not the host: the CLI exits 2. */
#define SRP_ERR_INPUT	2u

/* Record the first error only.  Returns code, so callers can write
 * `return srp_err_set(err, -EINVAL, "...")`. */
SRP_API int srp_err_set(struct srp_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* srp_err_set() with SRP_ERR_SAID: a refusal whose message is the reason. */
SRP_API int srp_err_refuse(struct srp_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* srp_err_set() with SRP_ERR_INPUT | SRP_ERR_SAID: bad input, explained. */
SRP_API int srp_err_input(struct srp_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prepend context ("VF 0000:03:02.0: ") to an error already set. */
SRP_API void srp_err_prefix(struct srp_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Forget a recorded error (a caller decided it does not matter). */
SRP_API void srp_err_clear(struct srp_err *err);

#endif
