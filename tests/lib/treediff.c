/* SPDX-License-Identifier: MIT */
/* srpass tests -- a whole tree as text, to prove an operation left it as it was */
#define _GNU_SOURCE
#include "treediff.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "os/sys.h"

#define TD_SHOW	200			/* content bytes shown in a line */
#define TD_MAX	(16u << 20)		/* bytes of a file read (and hashed) at most */

struct lines {
	char **v;
	size_t n, cap;
};

static int lines_add(struct lines *ls, char *line)
{
	if (line == NULL)
		return -ENOMEM;
	if (ls->n == ls->cap) {
		size_t cap = ls->cap ? 2 * ls->cap : 64;
		char **v = realloc(ls->v, cap * sizeof(*v));

		if (v == NULL) {
			free(line);
			return -ENOMEM;
		}
		ls->v = v;
		ls->cap = cap;
	}
	ls->v[ls->n++] = line;
	return 0;
}

static void lines_free(struct lines *ls)
{
	for (size_t i = 0; i < ls->n; i++)
		free(ls->v[i]);
	free(ls->v);
	memset(ls, 0, sizeof(*ls));
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* C-style escapes, so that a line never holds a newline. */
static char *escape(const unsigned char *s, size_t n)
{
	char *out = malloc(4 * n + 1), *p = out;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			*p++ = '\\';
			*p++ = 'n';
		} else if (s[i] == '\\') {
			*p++ = '\\';
			*p++ = '\\';
		} else if (s[i] < 0x20 || s[i] >= 0x7f) {
			p += sprintf(p, "\\x%02x", s[i]);
		} else {
			*p++ = (char)s[i];
		}
	}
	*p = '\0';
	return out;
}

static char *line_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *line_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

struct walk {
	const struct srp_sys *sys;
	const char *const *exclude;
	struct lines out;
};

static bool excluded(const char *const *exclude, const char *path)
{
	for (; exclude && *exclude; exclude++)
		if (strcmp(*exclude, path) == 0)
			return true;
	return false;
}

static int file_line(struct walk *w, const char *epath, const char *path, mode_t mode)
{
	size_t cap = 4096;
	uint64_t h = 0xcbf29ce484222325ULL;
	unsigned char *buf = NULL, *nb;
	char *shown;
	ssize_t n;
	int r;

	for (;;) {
		nb = realloc(buf, cap);
		if (nb == NULL) {
			free(buf);
			return -ENOMEM;
		}
		buf = nb;
		n = w->sys->ops->read(w->sys, path, buf, cap);
		if (n < 0) {
			free(buf);
			return (int)n;
		}
		if ((size_t)n < cap || cap >= TD_MAX)
			break;
		cap *= 4;
	}
	for (ssize_t i = 0; i < n; i++)
		h = (h ^ buf[i]) * 0x100000001b3ULL;
	shown = escape(buf, (size_t)n < TD_SHOW ? (size_t)n : TD_SHOW);
	free(buf);
	if (shown == NULL)
		return -ENOMEM;
	if (n > TD_SHOW)
		r = lines_add(&w->out, line_fmt("%s f %04o %zd %s... fnv1a=%016llx", epath,
						(unsigned int)(mode & 07777), n, shown,
						(unsigned long long)h));
	else
		r = lines_add(&w->out, line_fmt("%s f %04o %zd %s", epath,
						(unsigned int)(mode & 07777), n, shown));
	free(shown);
	return r;
}

static int name_add(const char *name, unsigned char d_type, void *arg)
{
	(void)d_type;
	return lines_add(arg, strdup(name));
}

static int walk(struct walk *w, const char *path)
{
	struct lines names = { 0 };
	char target[PATH_MAX], *epath, *child;
	mode_t mode;
	ssize_t n;
	int r;

	if (excluded(w->exclude, path))
		return 0;
	r = w->sys->ops->lstat(w->sys, path, &mode);
	if (r < 0)
		return r;
	epath = escape((const unsigned char *)path, strlen(path));
	if (epath == NULL)
		return -ENOMEM;
	if (S_ISLNK(mode)) {
		n = w->sys->ops->readlink(w->sys, path, target, sizeof(target));
		if (n < 0) {
			r = (int)n;
		} else {
			char *et = escape((const unsigned char *)target, (size_t)n);

			r = et ? lines_add(&w->out, line_fmt("%s l %s", epath, et)) : -ENOMEM;
			free(et);
		}
	} else if (S_ISREG(mode)) {
		r = file_line(w, epath, path, mode);
	} else if (S_ISDIR(mode)) {
		r = lines_add(&w->out, line_fmt("%s d %04o", epath, (unsigned int)(mode & 07777)));
		if (r == 0)
			r = w->sys->ops->listdir(w->sys, path, name_add, &names);
		if (r == 0 && names.n > 1)
			qsort(names.v, names.n, sizeof(*names.v), str_cmp);
		for (size_t i = 0; i < names.n && r == 0; i++) {
			child = line_fmt("%s/%s", strcmp(path, "/") == 0 ? "" : path, names.v[i]);
			r = child ? walk(w, child) : -ENOMEM;
			free(child);
		}
		lines_free(&names);
	} else {
		r = lines_add(&w->out, line_fmt("%s ? %06o", epath, (unsigned int)mode));
	}
	free(epath);
	return r;
}

int treediff_snapshot(const struct srp_sys *sys, const char *path, const char *const *exclude,
		      char **ret)
{
	struct walk w = { .sys = sys, .exclude = exclude };
	size_t len = 1;
	char *text, *p;
	int r;

	r = walk(&w, path);
	if (r < 0) {
		lines_free(&w.out);
		return r;
	}
	if (w.out.n > 1)
		qsort(w.out.v, w.out.n, sizeof(*w.out.v), str_cmp);
	for (size_t i = 0; i < w.out.n; i++)
		len += strlen(w.out.v[i]) + 1;
	text = p = malloc(len);
	if (text == NULL) {
		lines_free(&w.out);
		return -ENOMEM;
	}
	for (size_t i = 0; i < w.out.n; i++)
		p += sprintf(p, "%s\n", w.out.v[i]);
	*p = '\0';
	lines_free(&w.out);
	*ret = text;
	return 0;
}

/* The next line of *s (without its newline) into a fresh string, or NULL at the end. */
static char *next_line(const char **s)
{
	const char *nl;
	char *line;

	if (**s == '\0')
		return NULL;
	nl = strchrnul(*s, '\n');
	line = strndup(*s, (size_t)(nl - *s));
	*s = *nl ? nl + 1 : nl;
	return line;
}

static void put(char *buf, size_t len, size_t *used, bool *full, const char *sign,
		const char *line)
{
	int n;

	if (buf == NULL || *full)
		return;
	n = snprintf(buf + *used, len - *used, "%s%s\n", sign, line);
	if (n < 0 || (size_t)n >= len - *used) {
		/* no room: end with a mark instead of a cut line */
		buf[*used] = '\0';
		if (len - *used > 4)
			strcpy(buf + *used, "...\n");
		*full = true;
		return;
	}
	*used += (size_t)n;
}

int treediff_compare(const char *a, const char *b, char *buf, size_t len)
{
	char *la = next_line(&a), *lb = next_line(&b);
	bool full = buf == NULL || len == 0;
	size_t used = 0;
	int diff = 0, c;

	if (!full)
		buf[0] = '\0';
	while (la != NULL || lb != NULL) {
		c = la == NULL ? 1 : lb == NULL ? -1 : strcmp(la, lb);
		if (c == 0) {
			free(la);
			free(lb);
			la = next_line(&a);
			lb = next_line(&b);
			continue;
		}
		diff = 1;
		if (c < 0) {
			put(buf, len, &used, &full, "- ", la);
			free(la);
			la = next_line(&a);
		} else {
			put(buf, len, &used, &full, "+ ", lb);
			free(lb);
			lb = next_line(&b);
		}
	}
	return diff;
}
