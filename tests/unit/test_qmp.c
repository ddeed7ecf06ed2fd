/* SPDX-License-Identifier: MIT */
/* srpass tests -- the QMP client: messages split and joined, events kept, errors, limits */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <json-c/json.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "os/qmp.h"
#include "srpass/err.h"

/* A client on one end of a socketpair (no greeting: as after open); the
 * test speaks QEMU's part on *peer. */
static void pair(struct srp_qmp *q, int *peer, int timeout_ms)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	memset(q, 0, sizeof(*q));
	q->fd = sv[0];
	q->timeout_ms = timeout_ms;
	strcpy(q->path, "/run/test.qmp");
	q->tok = json_tokener_new();
	q->events = json_object_new_array();
	*peer = sv[1];
}

static void put(int fd, const char *s)
{
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
}

/* what the client sent, one line */
static void sent(int fd, const char *want)
{
	char buf[512];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	assert_true(n > 0);
	buf[n] = '\0';
	if (want != NULL)	/* NULL: anything, one message */
		assert_string_equal(buf, want);
}

static void test_exec_return_after_events(void **state)
{
	struct srp_qmp q;
	struct srp_err err = { 0 };
	struct json_object *ret = NULL, *v;
	int peer;

	(void)state;
	pair(&q, &peer, 2000);
	/* an event, then the answer split in the middle of a key */
	put(peer, "{\"event\": \"RTC_CHANGE\", \"data\": {}}\r\n{\"ret");
	put(peer, "urn\": {\"a\": 1}}\r\n");
	assert_int_equal(srp_qmp_exec(&q, "query-x", NULL, &ret, &err), 0);
	sent(peer, "{\"execute\":\"query-x\"}\n");
	assert_true(json_object_object_get_ex(ret, "a", &v));
	assert_int_equal(json_object_get_int(v), 1);
	assert_int_equal(json_object_array_length(q.events), 1);
	json_object_put(ret);
	srp_qmp_close(&q);
	close(peer);
}

static void test_exec_arguments_and_error(void **state)
{
	struct srp_qmp q;
	struct srp_err err = { 0 };
	struct json_object *args = json_object_new_object();
	int peer;

	(void)state;
	pair(&q, &peer, 2000);
	json_object_object_add(args, "id", json_object_new_string("hostdev-0000-03-02-0"));
	put(peer, "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Duplicate device ID "
		  "'hostdev-0000-03-02-0'\"}}\r\n");
	assert_int_equal(srp_qmp_exec(&q, "device_add", args, NULL, &err), -EREMOTEIO);
	sent(peer, "{\"execute\":\"device_add\",\"arguments\":{\"id\":\"hostdev-0000-03-02-0\"}}\n");
	assert_string_equal(err.msg, "QEMU: device_add: Duplicate device ID 'hostdev-0000-03-02-0'");
	srp_qmp_close(&q);
	close(peer);
}

static void test_not_qmp(void **state)
{
	static const char *const bad[] = {
		"hello, this is not QMP\r\n",
		"[1, 2]\r\n",
		"{\"neither\": 1}\r\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct srp_qmp q;
		struct srp_err err = { 0 };
		int peer;

		pair(&q, &peer, 2000);
		put(peer, bad[i]);
		assert_int_equal(srp_qmp_exec(&q, "query-pci", NULL, NULL, &err), -EPROTO);
		assert_non_null(strstr(err.msg, "/run/test.qmp"));
		srp_qmp_close(&q);
		close(peer);
	}
}

static void test_timeout_and_hangup(void **state)
{
	struct srp_qmp q;
	struct srp_err err = { 0 };
	int peer;

	(void)state;
	pair(&q, &peer, 100);
	assert_int_equal(srp_qmp_exec(&q, "query-pci", NULL, NULL, &err), -ETIMEDOUT);
	assert_non_null(strstr(err.msg, "no answer in 100 ms"));
	close(peer);
	srp_err_clear(&err);
	assert_int_equal(srp_qmp_exec(&q, "query-pci", NULL, NULL, &err) < 0, 1);
	srp_qmp_close(&q);
}

static void test_wait_event_by_device(void **state)
{
	struct srp_qmp q;
	struct srp_err err = { 0 };
	int peer;

	(void)state;
	pair(&q, &peer, 2000);
	/* another device's event first, then an answer, then ours */
	put(peer, "{\"event\": \"DEVICE_DELETED\", \"data\": {\"device\": \"other\"}}\r\n"
		  "{\"return\": {}}\r\n");
	assert_int_equal(srp_qmp_exec(&q, "device_del", NULL, NULL, &err), 0);
	assert_int_equal(srp_qmp_wait_event(&q, "DEVICE_DELETED", "mine", 100, &err),
			 -ETIMEDOUT);
	srp_err_clear(&err);
	put(peer, "{\"event\": \"DEVICE_DELETED\", \"data\": {\"device\": \"mine\"}}\r\n");
	assert_int_equal(srp_qmp_wait_event(&q, "DEVICE_DELETED", "mine", 1000, &err), 0);
	/* one that came while a command waited is kept for the wait */
	put(peer, "{\"event\": \"DEVICE_DELETED\", \"data\": {\"device\": \"early\"}}\r\n"
		  "{\"return\": {}}\r\n");
	assert_int_equal(srp_qmp_exec(&q, "device_del", NULL, NULL, &err), 0);
	assert_int_equal(srp_qmp_wait_event(&q, "DEVICE_DELETED", "early", 100, &err), 0);
	srp_qmp_close(&q);
	close(peer);
}

static void test_realized(void **state)
{
	struct srp_qmp q;
	struct srp_err err = { 0 };
	int peer;

	(void)state;
	pair(&q, &peer, 2000);
	put(peer, "{\"return\": true}\r\n");
	assert_int_equal(srp_qmp_realized(&q, "hostdev-0000-03-02-0", &err), 1);
	sent(peer, "{\"execute\":\"qom-get\",\"arguments\":{\"path\":"
		   "\"\\/machine\\/peripheral\\/hostdev-0000-03-02-0\",\"property\":\"realized\"}}\n");
	put(peer, "{\"return\": false}\r\n");
	assert_int_equal(srp_qmp_realized(&q, "x", &err), 0);
	sent(peer, NULL);
	put(peer, "{\"error\": {\"class\": \"DeviceNotFound\", \"desc\": \"Device 'x' not found\"}}\r\n");
	assert_int_equal(srp_qmp_realized(&q, "x", &err), 0);
	assert_int_equal(err.code, 0);
	sent(peer, NULL);
	put(peer, "{\"error\": {\"class\": \"GenericError\", \"desc\": \"no\"}}\r\n");
	assert_int_equal(srp_qmp_realized(&q, "x", &err), -EREMOTEIO);
	srp_qmp_close(&q);
	close(peer);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_return_after_events),
		cmocka_unit_test(test_exec_arguments_and_error),
		cmocka_unit_test(test_not_qmp),
		cmocka_unit_test(test_timeout_and_hangup),
		cmocka_unit_test(test_wait_event_by_device),
		cmocka_unit_test(test_realized),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
