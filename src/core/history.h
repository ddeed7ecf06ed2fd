/* SPDX-License-Identifier: MIT */
/* srpass -- the trace of changes: a history file under the state directory, and syslog */
#ifndef SRP_HISTORY_H
#define SRP_HISTORY_H

#include <stdio.h>

struct srp_err;
struct srp_host;

/* The history file, one JSON object a line (docs/history.md). */
#define SRP_HISTORY_FILE "history.jsonl"

/*
 * srp_history_add - one change: the command (op), its arguments, and how
 * it ended (ok, or the message it failed with).  Appended to the history
 * file with the time and the uid; on the real root ("/") also to syslog.
 * A failure to record is returned, never the change's own result.
 */
int srp_history_add(struct srp_host *host, const char *op, int argc, char *const *argv, int ok,
		    const char *message, struct srp_err *err);

/* Print the history (or, with json, a JSON array of it) to out: only the
 * entries one of whose arguments is match, if match is not NULL. */
int srp_history_print(struct srp_host *host, FILE *out, const char *match, int json,
		      struct srp_err *err);

#endif
