/* SPDX-License-Identifier: MIT */
/* srpass -- who holds a file open: the fds of /proc under the host root */
#include "os/proc.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "os/sys.h"
#include "os/sysfs.h"
#include "srpass/err.h"

struct walk {
	const struct srp_sys *sys;
	const char *target;
	char *buf;
	size_t len, used;
	int count;
	int found;		/* this pid holds target */
	const char *pid;
	int error;		/* a process whose fds could not be read */
	char error_pid[16];
};

static int fd_entry(const char *name, unsigned char d_type, void *arg)
{
	struct walk *w = arg;
	char path[64], link[PATH_MAX];

	(void)d_type;
	snprintf(path, sizeof(path), "/proc/%s/fd/%.16s", w->pid, name);
	if (srp_sys_readlink(w->sys, path, link, sizeof(link)) < 0)
		return 0;	/* closed meanwhile */
	if (strcmp(link, w->target) != 0)
		return 0;
	w->found = 1;
	return 1;		/* one fd is enough: stop this pid's walk */
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
	int r;

	(void)d_type;
	if (srp_parse_ulong(name, 10, 1, INT_MAX, &pid) < 0 || (pid_t)pid == getpid())
		return 0;
	snprintf(path, sizeof(path), "/proc/%lu/fd", pid);
	w->pid = name;
	w->found = 0;
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

int srp_proc_holders(const struct srp_sys *sys, const char *target, char *buf, size_t len,
		     struct srp_err *err)
{
	struct walk w = { .sys = sys, .target = target, .buf = buf, .len = len };
	int r;

	if (len > 0)
		buf[0] = '\0';
	r = srp_sys_listdir(sys, "/proc", pid_entry, &w);
	if (r == -ENOENT)
		return 0;
	if (w.error < 0)
		return srp_err_set(err, w.error, "cannot tell who holds '%s': '/proc/%s/fd' cannot "
				   "be read", target, w.error_pid);
	if (r < 0)
		return srp_err_set(err, r, "cannot list '/proc'");
	return w.count;
}
