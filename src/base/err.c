/* SPDX-License-Identifier: MIT */
/* srpass -- error buffer helpers */
#include "srpass/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int err_vset(struct srp_err *err, int code, unsigned int flags, const char *fmt,
		    va_list ap)
{
	if (err == NULL || err->code != 0)
		return code;
	err->code = code;
	err->flags = flags;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	return code;
}

int srp_err_set(struct srp_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = err_vset(err, code, 0, fmt, ap);
	va_end(ap);
	return code;
}

int srp_err_refuse(struct srp_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = err_vset(err, code, SRP_ERR_SAID, fmt, ap);
	va_end(ap);
	return code;
}

int srp_err_input(struct srp_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = err_vset(err, code, SRP_ERR_SAID | SRP_ERR_INPUT, fmt, ap);
	va_end(ap);
	return code;
}

void srp_err_prefix(struct srp_err *err, const char *fmt, ...)
{
	char head[sizeof(err->msg)];
	size_t hl, tl;
	va_list ap;

	if (err == NULL || err->code == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	hl = strlen(head);
	tl = strlen(err->msg);
	if (hl + tl >= sizeof(err->msg))
		tl = sizeof(err->msg) - 1 - hl;	/* the tail gives way */
	memmove(err->msg + hl, err->msg, tl);
	memcpy(err->msg, head, hl);
	err->msg[hl + tl] = '\0';
}

void srp_err_clear(struct srp_err *err)
{
	if (err == NULL)
		return;
	err->code = 0;
	err->flags = 0;
	err->msg[0] = '\0';
}
