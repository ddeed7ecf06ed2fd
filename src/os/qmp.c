/* SPDX-License-Identifier: MIT */
/* srpass -- a QMP client: QEMU's monitor protocol over a UNIX socket under the host root */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "os/qmp.h"
#include "os/sys.h"
#include "srpass/err.h"

/* A QMP message bigger than this is not one srpass asked for. */
#define QMP_MAX_MESSAGE (4u << 20)

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The socket is found like every host file, below the root, through an
 * O_PATH descriptor of its directory; connect(2) takes only a name, so
 * it gets that directory's /proc/self/fd entry and the last component,
 * which must be a socket (a symlink is refused, not followed).
 */
static int connect_under_root(struct srp_qmp *q, const struct srp_sys *sys, const char *path,
			      struct srp_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	const char *base;
	int dfd, fd, r;

	if (path[0] != '/')
		return srp_err_input(err, -EINVAL, "QMP socket '%s': not an absolute path", path);
	dfd = srp_sys_open_parent(sys, path, 0, &base);
	if (dfd < 0)
		return srp_err_set(err, dfd, "QMP socket %s", path);
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		r = -errno;
		close(dfd);
		return srp_err_set(err, r, "QMP socket %s", path);
	}
	if (!S_ISSOCK(st.st_mode)) {
		close(dfd);
		return srp_err_input(err, -ENOTSOCK, "QMP socket %s: not a socket%s", path,
				     S_ISLNK(st.st_mode) ? " (a symlink, not followed)" : "");
	}
	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", dfd,
			     base) >= sizeof(sa.sun_path)) {
		close(dfd);
		return srp_err_input(err, -ENAMETOOLONG, "QMP socket %s: its name is too long",
				     path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		r = -errno;
		close(dfd);
		return srp_err_set(err, r, "QMP socket %s: socket", path);
	}
	r = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
	close(dfd);
	if (r < 0) {
		close(fd);
		return srp_err_set(err, r, "QMP socket %s: connect (is the QEMU running?)", path);
	}
	q->fd = fd;
	return 0;
}

/* The next message, whole: 0 and *ret, or -errno by deadline. */
static int read_message(struct srp_qmp *q, long long deadline, struct json_object **ret,
			struct srp_err *err)
{
	for (;;) {
		while (q->off < q->len) {
			size_t n = q->len - q->off;
			struct json_object *o;
			enum json_tokener_error e;

			o = json_tokener_parse_ex(q->tok, q->buf + q->off, (int)n);
			e = json_tokener_get_error(q->tok);
			if (e == json_tokener_continue) {
				q->total += n;
				q->off = q->len;
				break;
			}
			q->off += json_tokener_get_parse_end(q->tok);
			q->total = 0;
			json_tokener_reset(q->tok);
			if (e != json_tokener_success || !json_object_is_type(o, json_type_object)) {
				json_object_put(o);
				return srp_err_set(err, -EPROTO, "QMP socket %s: not a QMP message "
						   "(%s)", q->path, e != json_tokener_success ?
						   json_tokener_error_desc(e) : "not an object");
			}
			*ret = o;
			return 0;
		}
		if (q->total > QMP_MAX_MESSAGE)
			return srp_err_set(err, -EPROTO, "QMP socket %s: a message of more than "
					   "%u bytes", q->path, QMP_MAX_MESSAGE);
		/* skip the white space between messages before waiting */
		q->off = q->len = 0;
		{
			struct pollfd p = { .fd = q->fd, .events = POLLIN };
			long long left = deadline - now_ms();
			ssize_t got;
			int r;

			if (left <= 0)
				return srp_err_set(err, -ETIMEDOUT, "QMP socket %s: no answer in "
						   "%d ms", q->path, q->timeout_ms);
			r = poll(&p, 1, left > 60000 ? 60000 : (int)left);
			if (r < 0 && errno != EINTR)
				return srp_err_set(err, -errno, "QMP socket %s: poll", q->path);
			if (r <= 0)
				continue;
			got = read(q->fd, q->buf, sizeof(q->buf));
			if (got < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (got < 0)
				return srp_err_set(err, -errno, "QMP socket %s: read", q->path);
			if (got == 0)
				return srp_err_set(err, -ECONNRESET, "QMP socket %s: QEMU closed the "
						   "connection", q->path);
			q->len = (size_t)got;
		}
	}
}

static int send_command(struct srp_qmp *q, const char *command, struct json_object *args,
			struct srp_err *err)
{
	struct json_object *o = json_object_new_object();
	char line[2048];
	const char *s;
	size_t len, done = 0;

	if (o == NULL) {
		json_object_put(args);
		return srp_err_set(err, -ENOMEM, "out of memory");
	}
	json_object_object_add(o, "execute", json_object_new_string(command));
	if (args != NULL)
		json_object_object_add(o, "arguments", args);
	/* one line each, as a person would type them: QEMU needs no newline,
	 * but line-minded monitors (and logs) do */
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	snprintf(line, sizeof(line), "%s\n", s);
	s = line;
	len = strlen(s);
	if (len == sizeof(line) - 1) {
		json_object_put(o);
		return srp_err_set(err, -E2BIG, "QMP command %s: too long", command);
	}
	while (done < len) {
		ssize_t w = send(q->fd, s + done, len - done, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			int r = -errno;

			json_object_put(o);
			return srp_err_set(err, r, "QMP socket %s: send %s", q->path, command);
		}
		done += (size_t)w;
	}
	json_object_put(o);
	return 0;
}

int srp_qmp_exec(struct srp_qmp *q, const char *command, struct json_object *args,
		 struct json_object **ret, struct srp_err *err)
{
	long long deadline = now_ms() + q->timeout_ms;
	struct json_object *m, *v;
	int r;

	r = send_command(q, command, args, err);
	if (r < 0)
		return r;
	for (;;) {
		r = read_message(q, deadline, &m, err);
		if (r < 0)
			return r;
		if (json_object_object_get_ex(m, "event", NULL)) {
			json_object_array_add(q->events, m);
			continue;
		}
		if (json_object_object_get_ex(m, "return", &v)) {
			if (ret != NULL)
				*ret = json_object_get(v);
			json_object_put(m);
			return 0;
		}
		if (json_object_object_get_ex(m, "error", &v)) {
			struct json_object *d = NULL, *c = NULL;

			json_object_object_get_ex(v, "desc", &d);
			json_object_object_get_ex(v, "class", &c);
			r = c != NULL && strcmp(json_object_get_string(c), "DeviceNotFound") == 0 ?
			    -ENODEV : -EREMOTEIO;
			srp_err_refuse(err, r, "QEMU: %s: %s", command,
				       d != NULL ? json_object_get_string(d) : "(no description)");
			json_object_put(m);
			return r;
		}
		json_object_put(m);
		return srp_err_set(err, -EPROTO, "QMP socket %s: an answer to %s with neither "
				   "return nor error", q->path, command);
	}
}

int srp_qmp_open(struct srp_qmp *q, const struct srp_sys *sys, const char *path,
		 int timeout_ms, struct srp_err *err)
{
	struct json_object *greeting = NULL;
	int r;

	memset(q, 0, sizeof(*q));
	q->fd = -1;
	q->timeout_ms = timeout_ms;
	snprintf(q->path, sizeof(q->path), "%s", path);
	q->tok = json_tokener_new();
	q->events = json_object_new_array();
	if (q->tok == NULL || q->events == NULL) {
		r = srp_err_set(err, -ENOMEM, "out of memory");
		goto fail;
	}
	r = connect_under_root(q, sys, path, err);
	if (r < 0)
		goto fail;
	r = read_message(q, now_ms() + timeout_ms, &greeting, err);
	if (r < 0)
		goto fail;
	if (!json_object_object_get_ex(greeting, "QMP", NULL)) {
		json_object_put(greeting);
		r = srp_err_set(err, -EPROTO, "QMP socket %s: no QMP greeting (not a QEMU "
				"monitor in control mode)", path);
		goto fail;
	}
	json_object_put(greeting);
	r = srp_qmp_exec(q, "qmp_capabilities", NULL, NULL, err);
	if (r < 0)
		goto fail;
	return 0;
fail:
	srp_qmp_close(q);
	return r;
}

void srp_qmp_close(struct srp_qmp *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	if (q->tok != NULL)
		json_tokener_free(q->tok);
	q->tok = NULL;
	json_object_put(q->events);
	q->events = NULL;
}

static int is_event(struct json_object *m, const char *event, const char *device)
{
	struct json_object *e, *d, *dev;

	return json_object_object_get_ex(m, "event", &e) &&
	       strcmp(json_object_get_string(e), event) == 0 &&
	       json_object_object_get_ex(m, "data", &d) &&
	       json_object_object_get_ex(d, "device", &dev) &&
	       strcmp(json_object_get_string(dev), device) == 0;
}

int srp_qmp_wait_event(struct srp_qmp *q, const char *event, const char *device,
		       int timeout_ms, struct srp_err *err)
{
	long long deadline = now_ms() + timeout_ms;
	struct json_object *m;
	int saved = q->timeout_ms, r;

	for (size_t i = 0; i < json_object_array_length(q->events); i++)
		if (is_event(json_object_array_get_idx(q->events, i), event, device))
			return 0;
	q->timeout_ms = timeout_ms;
	for (;;) {
		r = read_message(q, deadline, &m, err);
		if (r < 0)
			break;
		if (is_event(m, event, device)) {
			json_object_put(m);
			break;
		}
		json_object_put(m);
	}
	q->timeout_ms = saved;
	return r;
}

int srp_qmp_realized(struct srp_qmp *q, const char *id, struct srp_err *err)
{
	struct json_object *args = json_object_new_object(), *ret = NULL;
	char path[160];
	int r;

	if (args == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	snprintf(path, sizeof(path), "/machine/peripheral/%s", id);
	json_object_object_add(args, "path", json_object_new_string(path));
	json_object_object_add(args, "property", json_object_new_string("realized"));
	r = srp_qmp_exec(q, "qom-get", args, &ret, err);
	if (r == -ENODEV) {
		srp_err_clear(err);
		return 0;
	}
	if (r < 0)
		return r;
	r = json_object_is_type(ret, json_type_boolean) && json_object_get_boolean(ret);
	json_object_put(ret);
	return r;
}
