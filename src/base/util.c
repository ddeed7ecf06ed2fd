/* SPDX-License-Identifier: MIT */
/* srpass -- strict number parsing */
#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

/* strtoul() accepts leading blanks and a minus sign; sysfs and config
 * values have neither, so refuse them before it sees the string. */
int srp_parse_ulong(const char *s, int base, unsigned long min, unsigned long max,
		    unsigned long *ret_val)
{
	unsigned long v;
	char *end;

	if (s == NULL || !isxdigit((unsigned char)s[0]))
		return -EINVAL;
	if (base == 10 && !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, base);
	if (end == s)
		return -EINVAL;
	if (*end == '\n')
		end++;
	if (*end != '\0')
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*ret_val = v;
	return 0;
}

int srp_parse_long(const char *s, long min, long max, long *ret_val)
{
	const char *digits = (s != NULL && s[0] == '-') ? s + 1 : s;
	char *end;
	long v;

	if (digits == NULL || !isdigit((unsigned char)digits[0]))
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end == '\n')
		end++;
	if (*end != '\0')
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*ret_val = v;
	return 0;
}
