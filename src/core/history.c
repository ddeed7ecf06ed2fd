/* SPDX-License-Identifier: MIT */
/* srpass -- the trace of changes: a history file under the state directory, and syslog */
#include "core/history.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "core/host.h"
#include "os/sys.h"
#include "srpass/err.h"

#define HISTORY_MAX (16u << 20)	/* what history reads back at most */

/* "2026-12-03T07:46:06Z" without the C library's time zone machinery,
 * which reads /etc/localtime (outside the host root) even for UTC:
 * days to a civil date as in Howard Hinnant's days_from_civil inverse. */
static void utc_time(time_t t, char *buf, size_t len)
{
	long long days = t / 86400, secs = t % 86400, era, doe, yoe, doy, mp, y, m, d;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, (int)m, (int)d,
		 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}

static void history_path(const struct srp_host *host, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", host->state_dir, SRP_HISTORY_FILE);
}

int srp_history_add(struct srp_host *host, const char *op, int argc, char *const *argv, int ok,
		    const char *message, struct srp_err *err)
{
	struct json_object *o = json_object_new_object(), *args = json_object_new_array();
	char path[PATH_MAX], when[80], *line;
	const char *text;
	size_t len;
	ssize_t n;
	int fd, r = 0;

	if (o == NULL || args == NULL) {
		json_object_put(o);
		json_object_put(args);
		return srp_err_set(err, -ENOMEM, "out of memory");
	}
	utc_time(time(NULL), when, sizeof(when));
	json_object_object_add(o, "time", json_object_new_string(when));
	json_object_object_add(o, "uid", json_object_new_int((int)getuid()));
	json_object_object_add(o, "op", json_object_new_string(op));
	for (int i = 0; i < argc; i++)
		json_object_array_add(args, json_object_new_string(argv[i]));
	json_object_object_add(o, "args", args);
	json_object_object_add(o, "result", json_object_new_string(ok ? "ok" : "failed"));
	if (!ok && message != NULL)
		json_object_object_add(o, "message", json_object_new_string(message));
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);

	/* the same line to syslog, but only from srpass's own host: a test
	 * or demo tree would fill the machine's journal with its make-believe */
	if (strcmp(host->sys.root, "/") == 0) {
		openlog("srpass", LOG_PID, LOG_DAEMON);
		syslog(ok ? LOG_INFO : LOG_WARNING, "%s", text);
		closelog();
	}
	history_path(host, path, sizeof(path));
	len = strlen(text);
	line = malloc(len + 1);
	fd = line == NULL ? -ENOMEM :
	     host->sys.ops->open(&host->sys, path,
				 O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK, 0600);
	if (fd < 0) {
		r = srp_err_set(err, fd, "cannot open the history '%s'", path);
	} else {
		memcpy(line, text, len);
		line[len] = '\n';
		/* one write: lines of concurrent writers do not mix */
		n = write(fd, line, len + 1);
		if (n != (ssize_t)(len + 1))
			r = srp_err_set(err, n < 0 ? -errno : -EIO, "cannot append to the history '%s'",
					path);
		close(fd);
	}
	free(line);
	json_object_put(o);
	return r;
}

static int matches(struct json_object *e, const char *match)
{
	struct json_object *args;

	if (match == NULL)
		return 1;
	if (!json_object_object_get_ex(e, "args", &args) ||
	    !json_object_is_type(args, json_type_array))
		return 0;
	for (size_t i = 0; i < json_object_array_length(args); i++) {
		const char *a = json_object_get_string(json_object_array_get_idx(args, i));

		if (a != NULL && strcmp(a, match) == 0)
			return 1;
	}
	return 0;
}

static const char *field(struct json_object *e, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(e, key, &v) && json_object_is_type(v, json_type_string) ?
	       json_object_get_string(v) : "?";
}

int srp_history_print(struct srp_host *host, FILE *out, const char *match, int json,
		      struct srp_err *err)
{
	struct json_object *all = json_object_new_array();
	char path[PATH_MAX], *buf, *line, *next;
	unsigned int lineno = 0;
	ssize_t n;
	int r = 0;

	history_path(host, path, sizeof(path));
	buf = malloc(HISTORY_MAX + 1);
	if (buf == NULL || all == NULL) {
		free(buf);
		json_object_put(all);
		return srp_err_set(err, -ENOMEM, "out of memory");
	}
	n = srp_sys_read(&host->sys, path, buf, HISTORY_MAX);
	if (n == -ENOENT)
		n = 0;		/* nothing changed yet */
	if (n < 0) {
		r = srp_err_set(err, (int)n, "cannot read the history '%s'", path);
		goto out;
	}
	buf[n] = '\0';
	for (line = buf; line < buf + n; line = next) {
		struct json_object *e;

		next = strchr(line, '\n');
		next = next ? next + 1 : buf + n;
		lineno++;
		if (next - line <= 1)
			continue;
		e = json_tokener_parse(line);
		if (e == NULL || !json_object_is_type(e, json_type_object)) {
			json_object_put(e);
			r = srp_err_refuse(err, -EBADMSG, "'%s' line %u is not a history entry", path,
					   lineno);
			goto out;
		}
		if (!matches(e, match)) {
			json_object_put(e);
			continue;
		}
		if (!json) {
			struct json_object *args;

			fprintf(out, "%s  %-8s", field(e, "time"), field(e, "op"));
			if (json_object_object_get_ex(e, "args", &args))
				for (size_t i = 0; i < json_object_array_length(args); i++)
					fprintf(out, " %s", json_object_get_string(
							json_object_array_get_idx(args, i)));
			fprintf(out, "  -> %s%s%s\n", field(e, "result"),
				strcmp(field(e, "result"), "ok") ? ": " : "",
				strcmp(field(e, "result"), "ok") ? field(e, "message") : "");
		}
		json_object_array_add(all, e);
	}
	if (json)
		fprintf(out, "%s\n", json_object_to_json_string_ext(all, JSON_C_TO_STRING_PRETTY |
								 JSON_C_TO_STRING_SPACED |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
out:
	json_object_put(all);
	free(buf);
	return r;
}
