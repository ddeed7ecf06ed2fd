/* SPDX-License-Identifier: MIT */
/* srpass tests -- srpass metrics' families: the text exposition format, its escaping, JSON */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/metrics.h"

static char *format(const struct srp_metrics *m)
{
	char *text = NULL;
	size_t len = 0;

	assert_int_equal(srp_metrics_format(m, &text, &len), 0);
	assert_non_null(text);
	assert_int_equal(strlen(text), len);
	return text;
}

static char *escaped(const char *s, int help)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	srp_metrics_escape(f, s, help);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_escape(void **state)
{
	static const struct {
		const char *in, *label, *help;
	} cases[] = {
		{ "plain", "plain", "plain" },
		{ "", "", "" },
		{ "a\\b", "a\\\\b", "a\\\\b" },
		{ "say \"hi\"", "say \\\"hi\\\"", "say \"hi\"" },
		{ "two\nlines", "two\\nlines", "two\\nlines" },
		{ "\\\"\n", "\\\\\\\"\\n", "\\\\\"\\n" },
		/* what is not special stays as it is, UTF-8 included */
		{ "tab\there {}=,#", "tab\there {}=,#", "tab\there {}=,#" },
		{ "gr\xc3\xbcn", "gr\xc3\xbcn", "gr\xc3\xbcn" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *l = escaped(cases[i].in, 0), *h = escaped(cases[i].in, 1);

		assert_string_equal(l, cases[i].label);
		assert_string_equal(h, cases[i].help);
		free(l);
		free(h);
	}
}

static void test_format(void **state)
{
	struct srp_metrics *m = srp_metrics_new();
	struct srp_metric_family *info, *empty, *ctr, *bare;
	char *text;

	(void)state;
	assert_non_null(m);
	info = srp_metrics_family(m, "srpass_vf_info", SRP_METRIC_GAUGE,
				  "A VF\nwith \"owner\" \\ labels");
	empty = srp_metrics_family(m, "srpass_audit_findings", SRP_METRIC_GAUGE, "Findings");
	ctr = srp_metrics_family(m, "srpass_vf_rx_bytes_total", SRP_METRIC_COUNTER, "Bytes");
	bare = srp_metrics_family(m, "srpass_up", SRP_METRIC_GAUGE, "Up");
	assert_non_null(info);
	assert_non_null(empty);
	assert_int_equal(srp_metric_add(m, info, 1, "vf", "0000:03:02.0", "tenant", "a\"b\\c\nd",
					"domain", NULL, NULL), 0);
	assert_int_equal(srp_metric_add(m, info, 1, "vf", "0000:03:02.1", "tenant", "", NULL), 0);
	assert_int_equal(srp_metric_add(m, ctr, UINT64_MAX, "vf", "0000:03:02.0", NULL), 0);
	assert_int_equal(srp_metric_add(m, ctr, 0, "vf", "0000:03:02.1", NULL), 0);
	assert_int_equal(srp_metric_add(m, bare, 1, NULL), 0);
	assert_false(m->oom);

	text = format(m);
	assert_string_equal(text,
		"# HELP srpass_vf_info A VF\\nwith \"owner\" \\\\ labels\n"
		"# TYPE srpass_vf_info gauge\n"
		"srpass_vf_info{vf=\"0000:03:02.0\",tenant=\"a\\\"b\\\\c\\nd\",domain=\"\"} 1\n"
		"srpass_vf_info{vf=\"0000:03:02.1\",tenant=\"\"} 1\n"
		"# HELP srpass_audit_findings Findings\n"
		"# TYPE srpass_audit_findings gauge\n"
		"# HELP srpass_vf_rx_bytes_total Bytes\n"
		"# TYPE srpass_vf_rx_bytes_total counter\n"
		"srpass_vf_rx_bytes_total{vf=\"0000:03:02.0\"} 18446744073709551615\n"
		"srpass_vf_rx_bytes_total{vf=\"0000:03:02.1\"} 0\n"
		"# HELP srpass_up Up\n"
		"# TYPE srpass_up gauge\n"
		"srpass_up 1\n");
	free(text);
	srp_metrics_free(m);
}

static void test_empty_set(void **state)
{
	struct srp_metrics *m = srp_metrics_new();
	char *text;

	(void)state;
	text = format(m);
	assert_string_equal(text, "");
	free(text);
	srp_metrics_free(m);
	srp_metrics_free(NULL);
}

static void test_limits(void **state)
{
	struct srp_metrics *m = srp_metrics_new();
	struct srp_metric_family *f = srp_metrics_family(m, "x", SRP_METRIC_GAUGE, "x");

	(void)state;
	assert_int_equal(srp_metric_add(m, f, 1, "a", "1", "b", "2", "c", "3", "d", "4", "e", "5",
					"f", "6", "g", "7", "h", "8", "i", "9", "j", "10", "k", "11",
					NULL), -E2BIG);
	assert_int_equal(f->n, 0);
	assert_false(m->oom);
	/* a family whose creation failed: the add fails and marks the set */
	assert_int_equal(srp_metric_add(m, NULL, 1, "a", "1", NULL), -ENOMEM);
	assert_true(m->oom);
	/* many samples: the array grows, the order stays */
	for (unsigned int i = 0; i < 100; i++) {
		char v[16];

		snprintf(v, sizeof(v), "%u", i);
		assert_int_equal(srp_metric_add(m, f, i, "i", v, NULL), 0);
	}
	assert_int_equal(f->n, 100);
	assert_string_equal(f->samples[99].values[0], "99");
	assert_true(f->samples[42].value == 42);
	srp_metrics_free(m);
}

static void test_json(void **state)
{
	struct srp_metrics *m = srp_metrics_new();
	struct srp_metric_family *f = srp_metrics_family(m, "srpass_vf_tx_bytes_total",
							 SRP_METRIC_COUNTER, "Bytes");
	struct json_object *o, *v, *fam, *s, *labels;

	(void)state;
	srp_metrics_family(m, "srpass_audit_findings", SRP_METRIC_GAUGE, "Findings");
	assert_int_equal(srp_metric_add(m, f, UINT64_MAX, "vf", "0000:03:02.0", "pf",
					"q\"uote", NULL), 0);
	o = srp_metrics_to_json(m);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "version", &v));
	assert_int_equal(json_object_get_int(v), 1);
	assert_true(json_object_object_get_ex(o, "families", &v));
	assert_int_equal(json_object_array_length(v), 2);
	fam = json_object_array_get_idx(v, 0);
	assert_true(json_object_object_get_ex(fam, "type", &s));
	assert_string_equal(json_object_get_string(s), "counter");
	assert_true(json_object_object_get_ex(fam, "samples", &s));
	assert_int_equal(json_object_array_length(s), 1);
	s = json_object_array_get_idx(s, 0);
	assert_true(json_object_object_get_ex(s, "labels", &labels));
	assert_true(json_object_object_get_ex(labels, "pf", &v));
	assert_string_equal(json_object_get_string(v), "q\"uote");
	assert_true(json_object_object_get_ex(s, "value", &v));
	assert_true(json_object_get_uint64(v) == UINT64_MAX);
	fam = json_object_array_get_idx(json_object_object_get(o, "families"), 1);
	assert_true(json_object_object_get_ex(fam, "samples", &s));
	assert_int_equal(json_object_array_length(s), 0);
	json_object_put(o);
	srp_metrics_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_empty_set),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
