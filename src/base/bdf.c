/* SPDX-License-Identifier: MIT */
/* srpass -- PCI address parsing and formatting; pure, no I/O */
#include "srpass/bdf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Exactly n hex digits at s; returns the value or -1. */
static int hexn(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (!isxdigit(c))
			return -1;
		v = v * 16 + (isdigit(c) ? c - '0' : tolower(c) - 'a' + 10);
	}
	return v;
}

int srp_bdf_parse(const char *s, struct srp_bdf *ret)
{
	struct srp_bdf a = { 0 };
	size_t len;
	int v;

	if (s == NULL)
		return -EINVAL;
	len = strlen(s);
	if (len == 12) {		/* dddd:bb:dd.f */
		v = hexn(s, 4);
		if (v < 0 || s[4] != ':')
			return -EINVAL;
		a.domain = (uint16_t)v;
		s += 5;
	} else if (len != 7) {		/* bb:dd.f */
		return -EINVAL;
	}
	v = hexn(s, 2);
	if (v < 0 || s[2] != ':')
		return -EINVAL;
	a.bus = (uint8_t)v;
	v = hexn(s + 3, 2);
	if (v < 0 || v > 0x1f || s[5] != '.')
		return -EINVAL;
	a.dev = (uint8_t)v;
	if (s[6] < '0' || s[6] > '7')
		return -EINVAL;
	a.fn = (uint8_t)(s[6] - '0');
	*ret = a;
	return 0;
}

char *srp_bdf_format(const struct srp_bdf *a, char buf[SRP_BDF_STRLEN])
{
	snprintf(buf, SRP_BDF_STRLEN, "%04x:%02x:%02x.%u", a->domain, a->bus, a->dev & 0x1fu, a->fn & 7u);
	return buf;
}

int srp_bdf_cmp(const struct srp_bdf *a, const struct srp_bdf *b)
{
	uint64_t x = (uint64_t)a->domain << 16 | (uint64_t)a->bus << 8 | (uint64_t)a->dev << 3 | a->fn;
	uint64_t y = (uint64_t)b->domain << 16 | (uint64_t)b->bus << 8 | (uint64_t)b->dev << 3 | b->fn;

	return x < y ? -1 : x > y;
}
