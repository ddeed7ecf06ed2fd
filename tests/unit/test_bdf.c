/* SPDX-License-Identifier: MIT */
/* srpass tests -- PCI address parsing */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "srpass/bdf.h"

static void test_full_and_short_forms(void **state)
{
	struct srp_bdf a;
	char buf[SRP_BDF_STRLEN];

	(void)state;
	assert_int_equal(srp_bdf_parse("0000:03:10.1", &a), 0);
	assert_int_equal(a.domain, 0);
	assert_int_equal(a.bus, 3);
	assert_int_equal(a.dev, 0x10);
	assert_int_equal(a.fn, 1);
	assert_string_equal(srp_bdf_format(&a, buf), "0000:03:10.1");

	assert_int_equal(srp_bdf_parse("03:10.1", &a), 0);
	assert_string_equal(srp_bdf_format(&a, buf), "0000:03:10.1");

	assert_int_equal(srp_bdf_parse("ABCD:Ef:1F.7", &a), 0);
	assert_string_equal(srp_bdf_format(&a, buf), "abcd:ef:1f.7");
}

static void test_rejects_malformed(void **state)
{
	static const char *const bad[] = {
		"", "0", "3:10.1", "03:10", "03:10.", "03:10.8", "03:20.0", "03:1g.0",
		"0000:03:10.1 ", " 0000:03:10.1", "00000:03:10.1", "000:03:10.1",
		"0000-03:10.1", "0000:03-10.1", "0000:03:10-1", "0000:03:10.1x",
		"03:10.1\n", "0000:03:10.10", "+0:03:10.1", "../03:10.1", "03:10.-",
	};
	struct srp_bdf a = { .domain = 7, .bus = 7, .dev = 7, .fn = 7 };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (srp_bdf_parse(bad[i], &a) != -EINVAL)
			fail_msg("accepted '%s'", bad[i]);
	}
	assert_int_equal(srp_bdf_parse(NULL, &a), -EINVAL);
	/* the output is untouched on failure */
	assert_int_equal(a.domain, 7);
	assert_int_equal(a.fn, 7);
}

static void test_ordering(void **state)
{
	struct srp_bdf a, b;

	(void)state;
	srp_bdf_parse("0000:03:00.1", &a);
	srp_bdf_parse("0000:03:01.0", &b);
	assert_true(srp_bdf_cmp(&a, &b) < 0);
	assert_true(srp_bdf_cmp(&b, &a) > 0);
	assert_int_equal(srp_bdf_cmp(&a, &a), 0);
	srp_bdf_parse("0001:00:00.0", &b);
	assert_true(srp_bdf_cmp(&a, &b) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_and_short_forms),
		cmocka_unit_test(test_rejects_malformed),
		cmocka_unit_test(test_ordering),
	};

	return cmocka_run_group_tests_name("bdf", tests, NULL, NULL);
}
