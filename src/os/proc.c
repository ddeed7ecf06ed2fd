/* SPDX-License-Identifier: MIT */
/* srpass -- who holds a file open: the fds of /proc under the host root */
#include "os/proc.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "os/sys.h"
#include "os/sysfs.h"
#include "srpass/err.h"

struct walk {
	const struct srp_sys *sys;
	const char *const *targets;
	size_t n_targets;
	char *buf;
	size_t len, used;
	int count;
	int found;		/* this pid holds a target */
	char pid[16];		/* the pid's directory name, as srpass wrote it */
	int error;		/* a process whose fds could not be read */
	char error_pid[16];
};

/* An fd's name is a number; anything else never becomes a path. */
static int all_digits(const char *s, size_t max)
{
	size_t n = strspn(s, "0123456789");

	return n > 0 && n <= max && s[n] == '\0';
}

static int fd_entry(const char *name, unsigned char d_type, void *arg)
{
	struct walk *w = arg;
	char path[64], link[PATH_MAX];

	(void)d_type;
	if (!all_digits(name, 10))
		return 0;
	snprintf(path, sizeof(path), "/proc/%s/fd/%s", w->pid, name);
	if (srp_sys_readlink(w->sys, path, link, sizeof(link)) < 0)
		return 0;	/* closed meanwhile */
	for (size_t i = 0; i < w->n_targets; i++)
		if (strcmp(link, w->targets[i]) == 0) {
			w->found = 1;
			return 1;	/* one fd is enough: stop this pid's walk */
		}
	return 0;
}

static void add_holder(struct walk *w)
{
	char path[64], comm[SRP_SYSFS_MAX];
	int n;

	snprintf(path, sizeof(path), "/proc/%s/comm", w->pid);
	if (srp_sysfs_read_str(w->sys, path, comm, sizeof(comm), NULL) < 0)
		strcpy(comm, "?");
	w->count++;
	if (w->used + 4 > w->len)
		return;
	n = snprintf(w->buf + w->used, w->len - w->used, "%s%s (%s)", w->used ? ", " : "",
		     w->pid, comm);
	if (n < 0 || (size_t)n >= w->len - w->used) {
		memcpy(w->buf + w->len - 4, "...", 4);
		w->used = w->len;
		return;
	}
	w->used += (size_t)n;
}

static int pid_entry(const char *name, unsigned char d_type, void *arg)
{
	struct walk *w = arg;
	char path[64];
	unsigned long pid;
	mode_t mode;
	int r;

	(void)d_type;
	if (!all_digits(name, 10) || srp_parse_ulong(name, 10, 1, INT_MAX, &pid) < 0 ||
	    (pid_t)pid == getpid())
		return 0;
	snprintf(w->pid, sizeof(w->pid), "%lu", pid);
	snprintf(path, sizeof(path), "/proc/%lu/fd", pid);
	w->found = 0;
	/* the kernel's fd directory, never a link to some other one: only
	 * the fds themselves are links, and those are read, not followed */
	r = srp_sys_lstat(w->sys, path, &mode);
	if (r == 0 && !S_ISDIR(mode))
		r = S_ISLNK(mode) ? -ELOOP : -ENOTDIR;
	if (r == 0)
		r = srp_sys_listdir(w->sys, path, fd_entry, w);
	if (r < 0 && r != -ENOENT && r != -ESRCH) {
		/* hidepid, another namespace: who it is cannot be told, so no
		 * "nobody" either */
		w->error = r;
		snprintf(w->error_pid, sizeof(w->error_pid), "%s", name);
		return r;
	}
	if (w->found)
		add_holder(w);
	return 0;
}

int srp_proc_holders(const struct srp_sys *sys, const char *const *targets, size_t n,
		     char *buf, size_t len, struct srp_err *err)
{
	struct walk w = { .sys = sys, .targets = targets, .n_targets = n, .buf = buf, .len = len };
	int r;

	if (len > 0)
		buf[0] = '\0';
	if (n == 0)
		return 0;
	r = srp_sys_listdir(sys, "/proc", pid_entry, &w);
	if (r == -ENOENT)
		return 0;
	if (w.error < 0)
		return srp_err_set(err, w.error, "cannot tell who holds '%s%s%s'%s: '/proc/%s/fd' "
				   "cannot be read", targets[0], n > 1 ? "' or '" : "",
				   n > 1 ? targets[1] : "", n > 2 ? " or more" : "", w.error_pid);
	if (r < 0)
		return srp_err_set(err, r, "cannot list '/proc'");
	return w.count;
}
