/* SPDX-License-Identifier: MIT */
/* srpass fuzz -- the string parsers: PCI addresses, MACs, numbers, `vf set` words, names */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "core/ledger.h"
#include "srpass/bdf.h"
#include "srpass/err.h"
#include "fuzz/fakesys.h"
#include "switch/vfswitch.h"

/*
 * Input: one selector byte, then the text (a C string: it ends at the
 * first NUL).  The selector picks the parser; the oracles are the
 * headers' promises: a failed parse leaves *ret alone, a parsed value
 * formats back to the canonical spelling of its input, a parsed change
 * survives format and parse again unchanged.
 */

#define MAX_WORDS 32

static void parse_bdf(const char *s)
{
	struct srp_bdf a, b, sentinel = { 0xbeef, 0xaa, 0x1f, 7 };
	char out[SRP_BDF_STRLEN], want[SRP_BDF_STRLEN];
	size_t n = strlen(s);

	a = sentinel;
	if (srp_bdf_parse(s, &a) < 0) {
		if (memcmp(&a, &sentinel, sizeof(a)) != 0)
			abort();		/* a failed parse wrote *ret */
		return;
	}
	if (a.dev > 0x1f || a.fn > 7 || (n != 12 && n != 7))
		abort();
	srp_bdf_format(&a, out);
	snprintf(want, sizeof(want), "%s%s", n == 7 ? "0000:" : "", s);
	for (char *p = want; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (strcmp(out, want) != 0 || srp_bdf_parse(out, &b) < 0 || srp_bdf_cmp(&a, &b) != 0)
		abort();
}

static void parse_mac(const char *s)
{
	uint8_t mac[6], sentinel[6] = { 1, 2, 3, 4, 5, 6 };
	char out[SRP_VF_MACSTRLEN];

	memcpy(mac, sentinel, 6);
	if (srp_vf_mac_parse(s, mac) < 0) {
		if (memcmp(mac, sentinel, 6) != 0)
			abort();
		return;
	}
	srp_vf_mac_format(mac, out);
	if (strlen(s) != 17)
		abort();
	for (size_t i = 0; i < 17; i++)
		if (out[i] != tolower((unsigned char)s[i]))
			abort();
}

static void parse_numbers(const char *s, unsigned int sel)
{
	static const int bases[] = { 0, 10, 16 };
	unsigned long u = 12345, lo = sel & 1 ? 1 : 0, hi = sel & 1 ? 4094 : ULONG_MAX;
	long l = 12345;
	int r;

	r = srp_parse_ulong(s, bases[sel % 3], lo, hi, &u);
	if (r == 0 && (u < lo || u > hi))
		abort();
	if (r < 0 && (u != 12345 || (r != -EINVAL && r != -ERANGE)))
		abort();
	r = srp_parse_long(s, sel & 1 ? -1 : LONG_MIN, sel & 1 ? 65535 : LONG_MAX, &l);
	if (r == 0 && (sel & 1) && (l < -1 || l > 65535))
		abort();
	if (r < 0 && (l != 12345 || (r != -EINVAL && r != -ERANGE)))
		abort();
}

/* Split s in place at blanks into at most MAX_WORDS words. */
static int split_words(char *s, char *argv[MAX_WORDS])
{
	char *save = NULL;
	int argc = 0;

	for (char *tok = strtok_r(s, " \t\n", &save); tok != NULL && argc < MAX_WORDS;
	     tok = strtok_r(NULL, " \t\n", &save))
		argv[argc++] = tok;
	return argc;
}

static void parse_change(char *s)
{
	struct srp_vf_change c, c2;
	struct srp_err err = { 0 };
	char *argv[MAX_WORDS], text[512];
	int argc = split_words(s, argv), r;

	memset(&c, 0xa5, sizeof(c));
	r = srp_vf_change_parse(argc, argv, &c, &err);
	if (r < 0) {
		if (err.code != r || err.msg[0] == '\0')
			abort();		/* every refusal says why */
		return;
	}
	if (c.set == 0 || (c.set & ~SRP_VF_SETTABLE) || srp_vf_change_check(&c, NULL, &err) < 0)
		abort();
	/* the words it formats to mean the same change */
	if (srp_vf_change_format(&c, text, sizeof(text)) < 0)
		abort();
	argc = split_words(text, argv);
	if (srp_vf_change_parse(argc, argv, &c2, &err) < 0 || !fuzz_change_equal(&c, &c2))
		abort();
}

static void check_names(const char *s)
{
	size_t n = strlen(s);

	if (srp_name_valid(s) && (n == 0 || n >= SRP_NAME_MAX || strpbrk(s, "/ \n") != NULL))
		abort();
	if (srp_vf_ifname_valid(s) && (n == 0 || n > 15 || strpbrk(s, "/ \n") != NULL ||
				       strcmp(s, ".") == 0 || strcmp(s, "..") == 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int sel;
	char *s;

	if (size < 1 || size > 4096)
		return 0;
	sel = data[0];
	/* an exact-size copy, so reading past the NUL is caught */
	s = malloc(size);
	if (s == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (sel % 5) {
	case 0:
		parse_bdf(s);
		break;
	case 1:
		parse_mac(s);
		break;
	case 2:
		parse_numbers(s, sel / 5);
		break;
	case 3:
		parse_change(s);
		break;
	default:
		check_names(s);
		break;
	}
	free(s);
	return 0;
}
