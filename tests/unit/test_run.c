/* SPDX-License-Identifier: MIT */
/* srpass tests -- `srpass run`'s pure parts: the guest's /proc/PID/stat, alive or gone, its
 * ledger record (old ledgers without it, bad values refused), and COMMAND's argv with {srpass} */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/guest.h"
#include "core/host.h"
#include "core/launch.h"
#include "core/ledger.h"
#include "sim/platform.h"
#include "srpass/err.h"

#include "ledger_fix.h"

/* The first record's "guest" set to g (parsed JSON text; NULL: removed), as text. */
static const char *with_guest(struct json_object *ledger, const char *g)
{
	struct json_object *a = json_object_array_get_idx(records(ledger), 0);

	if (g == NULL)
		json_object_object_del(a, "guest");
	else
		json_object_object_add(a, "guest", json_tokener_parse(g));
	return text(ledger);
}

/* ---- /proc/PID/stat ---- */

static void test_parse_stat(void **state)
{
	/* a real line of Linux 6.1 (fields 1 to 22 and on), and one whose
	 * command name holds ") " and digits to mislead a naive parser */
	static const char real[] =
		"4242 (qemu-system-x86) S 1 4242 4242 0 -1 4194560 6000 0 0 0 120 40 0 0 20 0 "
		"5 0 987654 3000000000 50000 18446744073709551615 1 1 0 0 0 0 0 4096 17664 0 0 0 "
		"17 1 0 0 0 0 0\n";
	static const char tricky[] =
		"7 (a) S 1 2 3 (b) R 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 555 0 0 0\n";
	unsigned long long start = 0;
	char st = 0;

	(void)state;
	assert_int_equal(srp_guest_parse_stat(real, &st, &start), 0);
	assert_int_equal(st, 'S');
	assert_true(start == 987654ULL);
	assert_int_equal(srp_guest_parse_stat(tricky, &st, &start), 0);
	assert_int_equal(st, 'R');
	assert_true(start == 555ULL);
	assert_int_equal(srp_guest_parse_stat("4242 (x) Z 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 "
					      "16 17 0 99", &st, &start), 0);
	assert_int_equal(st, 'Z');
	assert_true(start == 99ULL);
	/* too short, no command, a start time that is not a number */
	assert_int_equal(srp_guest_parse_stat("4242 (x) S 1 2 3", &st, &start), -EINVAL);
	assert_int_equal(srp_guest_parse_stat("4242 x S 1 2 3", &st, &start), -EINVAL);
	assert_int_equal(srp_guest_parse_stat("", &st, &start), -EINVAL);
	assert_int_equal(srp_guest_parse_stat("1 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 "
					      "17 0 -5 0", &st, &start), -EINVAL);
	assert_int_equal(srp_guest_parse_stat("1 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 "
					      "17 0 12x 0", &st, &start), -EINVAL);
	assert_int_equal(srp_guest_parse_stat("1 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 "
					      "17 0  12", &st, &start), -EINVAL);
}

/* ---- alive or gone ---- */

static void test_decide(void **state)
{
	struct srp_assignment a = { .guest_pid = 4242, .guest_start = 987654 };
	struct srp_assignment none = { 0 };

	(void)state;
	/* no guest recorded: whatever /proc says, nothing to decide */
	assert_int_equal(srp_guest_decide(&none, 0, 'S', 1), SRP_GUEST_NONE);
	assert_int_equal(srp_guest_decide(&none, -ENOENT, 0, 0), SRP_GUEST_NONE);
	/* the same process */
	assert_int_equal(srp_guest_decide(&a, 0, 'S', 987654), SRP_GUEST_ALIVE);
	assert_int_equal(srp_guest_decide(&a, 0, 'R', 987654), SRP_GUEST_ALIVE);
	assert_int_equal(srp_guest_decide(&a, 0, 'D', 987654), SRP_GUEST_ALIVE);
	/* no such pid; the pid reused by a later (or earlier) process */
	assert_int_equal(srp_guest_decide(&a, -ENOENT, 0, 0), SRP_GUEST_GONE);
	assert_int_equal(srp_guest_decide(&a, -ESRCH, 0, 0), SRP_GUEST_GONE);
	assert_int_equal(srp_guest_decide(&a, 0, 'S', 987655), SRP_GUEST_GONE);
	assert_int_equal(srp_guest_decide(&a, 0, 'S', 12), SRP_GUEST_GONE);
	/* exited, not yet reaped: it holds nothing any more */
	assert_int_equal(srp_guest_decide(&a, 0, 'Z', 987654), SRP_GUEST_GONE);
	assert_int_equal(srp_guest_decide(&a, 0, 'X', 987654), SRP_GUEST_GONE);
	/* cannot look (hidepid, a broken stat): never a reason to release */
	assert_int_equal(srp_guest_decide(&a, -EACCES, 0, 0), SRP_GUEST_UNKNOWN);
	assert_int_equal(srp_guest_decide(&a, -EBADMSG, 0, 0), SRP_GUEST_UNKNOWN);
}

/* The state read through the seam, under the fixture's root. */
static void put_stat(struct fx *f, int pid, const char *text)
{
	char path[PATH_MAX];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/proc", f->root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/proc/%d", f->root, pid);
	mkdir(path, 0755);
	strcat(path, "/stat");
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static void test_state_under_root(void **state)
{
	struct fx *f = *state;
	struct srp_assignment a = { .guest_pid = 4242, .guest_start = 987654 };
	char why[160];

	assert_int_equal(srp_guest_state(&f->host->sys, &a, why, sizeof(why)), SRP_GUEST_GONE);
	assert_non_null(strstr(why, "4242"));
	put_stat(f, 4242, "4242 (qemu) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 0 987654 1\n");
	assert_int_equal(srp_guest_state(&f->host->sys, &a, why, sizeof(why)), SRP_GUEST_ALIVE);
	put_stat(f, 4242, "4242 (bash) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 0 999999 1\n");
	assert_int_equal(srp_guest_state(&f->host->sys, &a, why, sizeof(why)), SRP_GUEST_GONE);
	assert_non_null(strstr(why, "999999"));
	put_stat(f, 4242, "garbage");
	assert_int_equal(srp_guest_state(&f->host->sys, &a, why, sizeof(why)), SRP_GUEST_UNKNOWN);
}

/* ---- the ledger record ---- */

static void test_ledger_guest(void **state)
{
	static const char *const vfs[] = { "0000:03:02.0", "0000:03:02.1", NULL };
	static const char *const bad[] = {
		"{\"pid\": 0, \"starttime\": 5}", "{\"pid\": -1, \"starttime\": 5}",
		"{\"pid\": 4194305, \"starttime\": 5}", "{\"pid\": \"42\", \"starttime\": 5}",
		"{\"pid\": 4.5, \"starttime\": 5}", "{\"starttime\": 5}",
	};
	static const char *const bad_start[] = {
		"{\"pid\": 42, \"starttime\": -1}", "{\"pid\": 42, \"starttime\": \"5\"}",
		"{\"pid\": 42}", "{\"pid\": 42, \"starttime\": null}",
	};
	struct fx *f = *state;
	struct json_object *o = written(f, vfs);
	struct srp_ledger *l = NULL;
	struct srp_err err = { 0 };
	struct srp_bdf b[2];

	/* srpass's own ledgers before run had no "guest": no guest recorded */
	assert_false(strstr(text(o), "guest"));
	loads(f, text(o), 2);
	assert_int_equal(srp_ledger_peek(f->host, &l, &err), 0);
	assert_int_equal(l->a[0].guest_pid, 0);
	srp_ledger_close(l);
	loads(f, with_guest(o, "null"), 2);
	loads(f, with_guest(o, "{\"pid\": 4194304, \"starttime\": 0}"), 2);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refused(f, with_guest(o, bad[i]), "guest.pid");
	for (size_t i = 0; i < sizeof(bad_start) / sizeof(bad_start[0]); i++)
		refused(f, with_guest(o, bad_start[i]), "guest.starttime");
	refused(f, with_guest(o, "[42, 5]"), "'guest'");
	/* recorded for both VFs in one commit, read back, and forgotten */
	put(f, with_guest(o, NULL));
	assert_int_equal(srp_bdf_parse(vfs[0], &b[0]), 0);
	assert_int_equal(srp_bdf_parse(vfs[1], &b[1]), 0);
	assert_int_equal(srp_guest_record(f->host, b, 2, 4242, 18446744073709551615ULL, &err), 0);
	assert_int_equal(srp_ledger_peek(f->host, &l, &err), 0);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(l->a[i].guest_pid, 4242);
		assert_true(l->a[i].guest_start == 18446744073709551615ULL);
	}
	srp_ledger_close(l);
	assert_int_equal(srp_guest_record(f->host, b, 1, 0, 7, &err), 0);
	assert_int_equal(srp_ledger_peek(f->host, &l, &err), 0);
	assert_int_equal(l->a[0].guest_pid, 0);
	assert_int_equal(l->a[1].guest_pid, 4242);
	srp_ledger_close(l);
	/* a VF not assigned: nothing recorded */
	assert_int_equal(srp_bdf_parse("0000:03:02.5", &b[1]), 0);
	assert_int_equal(srp_guest_record(f->host, b, 2, 99, 1, &err), -ENOENT);
	json_object_put(o);
}

/* ---- COMMAND's argv ---- */

static char *joined(char *const *cmd, size_t n, const struct srp_strv *w)
{
	static char buf[512];
	struct srp_strv out = { 0 };

	assert_int_equal(srp_launch_command(cmd, n, w, &out), 0);
	buf[0] = '\0';
	for (size_t i = 0; i < out.n; i++) {
		strcat(buf, i ? "|" : "");
		strcat(buf, out.v[i]);
	}
	srp_strv_free(&out);
	return buf;
}

static void test_command(void **state)
{
	char *dev[] = { "-device", "vfio-pci,host=0000:03:02.0,id=hostdev-0000-03-02-0" };
	struct srp_strv w = { .v = dev, .n = 2 };
	struct srp_strv none = { 0 };
	char *plain[] = { "qemu", "-m", "1G" };
	char *mid[] = { "qemu", "{srpass}", "-nographic" };
	char *twice[] = { "{srpass}", "x", "{srpass}" };
	char *near[] = { "qemu", "{srpass}x", "{SRPASS}", " {srpass}", "{srpass" };

	(void)state;
	assert_string_equal(joined(plain, 3, &w), "qemu|-m|1G|-device|"
			    "vfio-pci,host=0000:03:02.0,id=hostdev-0000-03-02-0");
	assert_string_equal(joined(mid, 3, &w), "qemu|-device|"
			    "vfio-pci,host=0000:03:02.0,id=hostdev-0000-03-02-0|-nographic");
	assert_string_equal(joined(twice, 3, &w), "-device|vfio-pci,host=0000:03:02.0,"
			    "id=hostdev-0000-03-02-0|x|-device|vfio-pci,host=0000:03:02.0,"
			    "id=hostdev-0000-03-02-0");
	/* only a word that is exactly {srpass}: the others are COMMAND's, as given */
	assert_string_equal(joined(near, 5, &w), "qemu|{srpass}x|{SRPASS}| {srpass}|{srpass|"
			    "-device|vfio-pci,host=0000:03:02.0,id=hostdev-0000-03-02-0");
	/* no words: the placeholder goes, nothing is added */
	assert_string_equal(joined(mid, 3, &none), "qemu|-nographic");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_stat),
		cmocka_unit_test(test_decide),
		cmocka_unit_test_setup_teardown(test_state_under_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ledger_guest, setup, teardown),
		cmocka_unit_test(test_command),
	};

	return cmocka_run_group_tests_name("run: guest and argv", tests, NULL, NULL);
}
