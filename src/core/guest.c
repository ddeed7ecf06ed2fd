/* SPDX-License-Identifier: MIT */
/* srpass -- the guest process of a VF: /proc/PID/stat under the host root */
#include "core/guest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ledger.h"
#include "core/txn.h"
#include "os/sys.h"
#include "srpass/err.h"

int srp_guest_parse_stat(const char *text, char *ret_state, unsigned long long *ret_start)
{
	/* "PID (COMM) S f4 ... f22 ...": COMM may hold ") ", so the last ')' */
	const char *p = strrchr(text, ')');
	unsigned long long v = 0;
	char *end;
	int field;

	if (p == NULL || p[1] != ' ' || p[2] == '\0' || p[3] != ' ')
		return -EINVAL;
	*ret_state = p[2];
	p += 3;
	/* p is at the blank before field 4 */
	for (field = 4; field <= 22; field++) {
		if (*p != ' ' || p[1] == ' ' || p[1] == '\0')
			return -EINVAL;
		p++;
		if (field == 22) {
			if (*p < '0' || *p > '9')
				return -EINVAL;
			errno = 0;
			v = strtoull(p, &end, 10);
			if (errno != 0 || (*end != ' ' && *end != '\n' && *end != '\0'))
				return -EINVAL;
			break;
		}
		p += strcspn(p, " \n");
	}
	*ret_start = v;
	return 0;
}

enum srp_guest_state srp_guest_decide(const struct srp_assignment *a, int rd, char state,
				      unsigned long long start)
{
	if (a->guest_pid <= 0)
		return SRP_GUEST_NONE;
	if (rd == -ENOENT || rd == -ESRCH)
		return SRP_GUEST_GONE;
	if (rd < 0)
		return SRP_GUEST_UNKNOWN;
	if (state == 'Z' || state == 'X' || start != a->guest_start)
		return SRP_GUEST_GONE;
	return SRP_GUEST_ALIVE;
}

int srp_guest_read(const struct srp_sys *sys, int pid, char *ret_state,
		   unsigned long long *ret_start, struct srp_err *err)
{
	char path[48], text[1024];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	n = srp_sys_read(sys, path, text, sizeof(text) - 1);
	if (n == -ENOENT || n == -ESRCH)
		return srp_err_set(err, -ENOENT, "%s: no such process", path);
	if (n < 0)
		return srp_err_set(err, (int)n, "cannot read %s", path);
	text[n] = '\0';
	if (srp_guest_parse_stat(text, ret_state, ret_start) < 0)
		return srp_err_set(err, -EBADMSG, "%s is not a process's stat", path);
	return 0;
}

enum srp_guest_state srp_guest_state(const struct srp_sys *sys, const struct srp_assignment *a,
				     char *why, size_t len)
{
	struct srp_err err = { 0 };
	unsigned long long start = 0;
	enum srp_guest_state s;
	char state = '?';
	int rd;

	if (a->guest_pid <= 0) {
		snprintf(why, len, "no guest recorded");
		return SRP_GUEST_NONE;
	}
	rd = srp_guest_read(sys, a->guest_pid, &state, &start, &err);
	s = srp_guest_decide(a, rd, state, start);
	if (s == SRP_GUEST_ALIVE)
		snprintf(why, len, "guest pid %d (started at %llu) runs", a->guest_pid,
			 a->guest_start);
	else if (s == SRP_GUEST_UNKNOWN)
		snprintf(why, len, "guest pid %d: %s", a->guest_pid, err.msg);
	else if (rd < 0)
		snprintf(why, len, "guest pid %d is gone (no /proc/%d)", a->guest_pid, a->guest_pid);
	else if (start != a->guest_start)
		snprintf(why, len, "guest pid %d is gone: that pid is now a process started at %llu, "
			 "the guest started at %llu", a->guest_pid, start, a->guest_start);
	else
		snprintf(why, len, "guest pid %d is gone (state %c)", a->guest_pid, state);
	return s;
}

int srp_guest_record(struct srp_host *host, const struct srp_bdf *vfs, size_t n, int pid,
		     unsigned long long start, struct srp_err *err)
{
	struct srp_txn t;
	int r;

	if (pid < 0 || pid > SRP_GUEST_PID_MAX)
		return srp_err_set(err, -EINVAL, "pid %d is not a pid", pid);
	r = srp_txn_begin(host, NULL, &t, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct srp_assignment *a = srp_ledger_find(t.l, &vfs[i]);
		char bdf[SRP_BDF_STRLEN];

		if (a == NULL) {
			r = srp_err_set(err, -ENOENT, "%s is no longer assigned",
					srp_bdf_format(&vfs[i], bdf));
			goto out;
		}
		a->guest_pid = pid;
		a->guest_start = pid > 0 ? start : 0;
	}
	r = srp_txn_commit(&t, err);
out:
	srp_txn_end(&t);
	return r;
}
