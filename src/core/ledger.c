/* SPDX-License-Identifier: MIT */
/* srpass -- the ledger file: versioned JSON, atomic writes, one lock */
#define _GNU_SOURCE
#include "core/ledger.h"
#include "core/ledger_int.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/host.h"
#include "srpass/err.h"
#include "switch/vfswitch.h"

#define LEDGER_MAX (4u << 20)

int srp_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= SRP_NAME_MAX || s[0] == '.' || s[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return 0;
	return 1;
}

void srp_assignment_clear(struct srp_assignment *a)
{
	free(a->orig_driver);
	free(a->orig_override);
	free(a->forced);
	if (a->orig_switch)
		json_object_put(a->orig_switch);
	memset(a, 0, sizeof(*a));
}

void srp_pending_clear(struct srp_pending *p)
{
	srp_assignment_clear(&p->a);
	if (p->before)
		json_object_put(p->before);
	memset(p, 0, sizeof(*p));
	p->op = SRP_OP_NONE;
	p->old_autoprobe = -1;
}

static char *dup_or_null(const char *s, int *oom)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		*oom = 1;
	return d;
}

int srp_assignment_copy(struct srp_assignment *dst, const struct srp_assignment *src)
{
	int oom = 0;

	*dst = *src;
	dst->orig_driver = dup_or_null(src->orig_driver, &oom);
	dst->orig_override = dup_or_null(src->orig_override, &oom);
	dst->orig_switch = src->orig_switch ? json_object_get(src->orig_switch) : NULL;
	dst->forced = dup_or_null(src->forced, &oom);
	if (oom) {
		srp_assignment_clear(dst);
		return -ENOMEM;
	}
	return 0;
}

struct srp_assignment *srp_ledger_find(const struct srp_ledger *l, const struct srp_bdf *vf)
{
	for (size_t i = 0; i < l->n; i++)
		if (srp_bdf_cmp(&l->a[i].vf, vf) == 0)
			return &l->a[i];
	return NULL;
}

int srp_ledger_add(struct srp_ledger *l, const struct srp_assignment *a)
{
	struct srp_assignment *grown;

	grown = realloc(l->a, (l->n + 1) * sizeof(*grown));
	if (grown == NULL)
		return -ENOMEM;
	l->a = grown;
	if (srp_assignment_copy(&l->a[l->n], a) < 0)
		return -ENOMEM;
	l->n++;
	return 0;
}

int srp_ledger_remove(struct srp_ledger *l, const struct srp_bdf *vf)
{
	struct srp_assignment *a = srp_ledger_find(l, vf);

	if (a == NULL)
		return -ENOENT;
	srp_assignment_clear(a);
	memmove(a, a + 1, (size_t)(&l->a[l->n] - (a + 1)) * sizeof(*a));
	l->n--;
	return 0;
}

/* --- JSON, strictly: every field present with the right type --- */

static int ledger_read(struct srp_host *host, struct srp_ledger *l, struct srp_err *err)
{
	const struct srp_sys *sys = &host->sys;
	char *buf;
	mode_t mode;
	ssize_t n;
	int r;

	r = srp_sys_lstat(sys, l->path, &mode);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return srp_err_set(err, r, "cannot stat ledger '%s'", l->path);
	if (!S_ISREG(mode))
		return srp_err_set(err, -EINVAL, "ledger '%s' is not a regular file", l->path);
	buf = malloc(LEDGER_MAX + 1);
	if (buf == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	n = srp_sys_read(sys, l->path, buf, LEDGER_MAX + 1);
	if (n < 0)
		r = srp_err_set(err, (int)n, "cannot read ledger '%s'", l->path);
	else if ((size_t)n > LEDGER_MAX)
		r = srp_err_set(err, -EFBIG, "ledger '%s' is larger than %u bytes", l->path,
				LEDGER_MAX);
	else
		r = srp_ledger_parse(buf, (size_t)n, l, err);
	free(buf);
	return r;
}

static struct srp_ledger *ledger_new(const struct srp_host *host)
{
	struct srp_ledger *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	l->lockfd = -1;
	srp_pending_clear(&l->pending);
	snprintf(l->dir, sizeof(l->dir), "%s", host->state_dir);
	snprintf(l->path, sizeof(l->path), "%s/ledger.json", host->state_dir);
	return l;
}

const struct srp_pf_state *srp_ledger_pf(const struct srp_ledger *l, const struct srp_bdf *pf)
{
	for (size_t i = 0; i < l->n_pfs; i++)
		if (srp_bdf_cmp(&l->pfs[i].pf, pf) == 0)
			return &l->pfs[i];
	return NULL;
}

int srp_ledger_pf_set(struct srp_ledger *l, const struct srp_bdf *pf, unsigned int numvfs,
		      int autoprobe)
{
	struct srp_pf_state *p = (struct srp_pf_state *)srp_ledger_pf(l, pf);

	if (numvfs == 0) {
		if (p != NULL)
			*p = l->pfs[--l->n_pfs];
		return 0;
	}
	if (p == NULL) {
		struct srp_pf_state *grown = realloc(l->pfs, (l->n_pfs + 1) * sizeof(*grown));

		if (grown == NULL)
			return -ENOMEM;
		l->pfs = grown;
		p = &l->pfs[l->n_pfs++];
	}
	*p = (struct srp_pf_state){ .pf = *pf, .numvfs = numvfs, .autoprobe = autoprobe };
	return 0;
}

void srp_ledger_close(struct srp_ledger *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++)
		srp_assignment_clear(&l->a[i]);
	free(l->a);
	free(l->pfs);
	srp_pending_clear(&l->pending);
	if (l->lockfd >= 0)
		close(l->lockfd);	/* releases the flock */
	free(l);
}

/* mkdir -p for the state directory (0700 itself, 0755 above), refusing
 * symlinks on the way. */
static int make_state_dir(const struct srp_sys *sys, const char *dir, struct srp_err *err)
{
	char path[sizeof(((struct srp_ledger *)0)->dir)];
	mode_t mode;
	int r;

	if (dir[0] != '/' || strlen(dir) >= sizeof(path))
		return srp_err_set(err, -EINVAL, "state directory '%s' is not an absolute path", dir);
	for (const char *p = dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		memcpy(path, dir, (size_t)(p - dir));
		path[p - dir] = '\0';
		r = srp_sys_lstat(sys, path, &mode);
		if (r == -ENOENT) {
			r = sys->ops->mkdir(sys, path, *p == '\0' ? 0700 : 0755);
			if (r < 0 && r != -EEXIST)
				return srp_err_set(err, r, "cannot create state directory '%s'", path);
		} else if (r < 0) {
			return srp_err_set(err, r, "cannot stat '%s'", path);
		} else if (!S_ISDIR(mode)) {
			return srp_err_set(err, -ENOTDIR, "'%s' is not a directory%s", path,
					   S_ISLNK(mode) ? " (a symlink; srpass will not follow it)" : "");
		}
		if (*p == '\0')
			return 0;
	}
}

/*
 * The lock, waited for at most host->lock_wait_ms: a caller that asked
 * for a change should hear that the host is busy, not hang behind a
 * stuck srpass.  The holder leaves its pid in the file for that message.
 */
static int take_lock(struct srp_host *host, int fd, const char *path, struct srp_err *err)
{
	const struct srp_sys *sys = &host->sys;
	unsigned int waited = 0, step = 20;
	char holder[32] = "", pid[24];
	int n;

	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return srp_err_set(err, -errno, "cannot lock '%s'", path);
		if (waited >= host->lock_wait_ms) {
			n = (int)pread(fd, holder, sizeof(holder) - 1, 0);
			holder[n > 0 ? n : 0] = '\0';
			holder[strcspn(holder, "\n")] = '\0';
			return srp_err_set(err, -EBUSY, "the host is busy: another srpass (pid %s) "
					   "holds '%s'; tried for %u ms (--wait SECS)",
					   holder[0] ? holder : "unknown", path, host->lock_wait_ms);
		}
		sys->ops->sleep_ms(sys, step);
		waited += step;
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n)
		return srp_err_set(err, -errno, "cannot write '%s'", path);
	return 0;
}

int srp_ledger_open(struct srp_host *host, struct srp_ledger **ret, struct srp_err *err)
{
	const struct srp_sys *sys = &host->sys;
	struct srp_ledger *l;
	struct stat st;
	int r;

	char lock[sizeof(l->dir) + 8];

	r = make_state_dir(sys, host->state_dir, err);
	if (r < 0)
		return r;
	l = ledger_new(host);
	if (l == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	snprintf(lock, sizeof(lock), "%s/lock", l->dir);
	l->lockfd = sys->ops->open(sys, lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK, 0600);
	if (l->lockfd < 0) {
		r = srp_err_set(err, l->lockfd, "cannot open lock file '%s'", lock);
		goto fail;
	}
	if (fstat(l->lockfd, &st) < 0 || !S_ISREG(st.st_mode)) {
		r = srp_err_set(err, -EINVAL, "lock file '%s' is not a regular file", lock);
		goto fail;
	}
	r = take_lock(host, l->lockfd, lock, err);
	if (r < 0)
		goto fail;
	(void)srp_sys_clean_stale(sys, l->dir);	/* of commits killed mid-way */
	r = ledger_read(host, l, err);
	if (r < 0)
		goto fail;
	*ret = l;
	return 0;
fail:
	srp_ledger_close(l);
	return r;
}

int srp_ledger_peek(struct srp_host *host, struct srp_ledger **ret, struct srp_err *err)
{
	struct srp_ledger *l = ledger_new(host);
	int r;

	if (l == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	r = ledger_read(host, l, err);
	if (r < 0) {
		srp_ledger_close(l);
		return r;
	}
	*ret = l;
	return 0;
}

int srp_ledger_commit(struct srp_host *host, const struct srp_ledger *l, struct srp_err *err)
{
	const struct srp_sys *sys = &host->sys;
	struct json_object *o = srp_ledger_to_json(l);
	const char *text;
	size_t len;
	char *buf;
	int r;

	if (o == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED);
	len = strlen(text);
	buf = malloc(len + 1);
	if (buf == NULL) {
		json_object_put(o);
		return srp_err_set(err, -ENOMEM, "out of memory");
	}
	memcpy(buf, text, len);
	buf[len] = '\n';
	json_object_put(o);
	r = sys->ops->replace(sys, l->path, buf, len + 1, 0600);
	free(buf);
	if (r < 0)
		return srp_err_set(err, r, "cannot write ledger '%s'", l->path);
	return 0;
}
