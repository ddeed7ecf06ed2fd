/* SPDX-License-Identifier: MIT */
/* srpass -- srpass metrics: the host as Prometheus metric families */
#ifndef SRP_METRICS_H
#define SRP_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json_object;
struct srp_config;
struct srp_err;
struct srp_host;

enum srp_metric_type { SRP_METRIC_GAUGE, SRP_METRIC_COUNTER };

#define SRP_METRIC_MAX_LABELS 10

struct srp_metric_sample {
	size_t n_labels;
	const char *names[SRP_METRIC_MAX_LABELS];	/* static strings */
	char *values[SRP_METRIC_MAX_LABELS];		/* owned */
	uint64_t value;
};

struct srp_metric_family {
	const char *name;		/* static; a counter's ends in _total */
	const char *help;		/* static */
	enum srp_metric_type type;
	struct srp_metric_sample *samples;	/* in the order added */
	size_t n, cap;
};

/* Families in the order added: the output's order. */
struct srp_metrics {
	struct srp_metric_family **fams;
	size_t n, cap;
	int oom;			/* an add failed: the set is incomplete */
};

/* A new empty set, NULL on out-of-memory; free with srp_metrics_free(). */
struct srp_metrics *srp_metrics_new(void);
void srp_metrics_free(struct srp_metrics *m);

/* A new family at the end of m; NULL (and m->oom) on out-of-memory.
 * name and help must outlive m (string literals). */
struct srp_metric_family *srp_metrics_family(struct srp_metrics *m, const char *name,
					     enum srp_metric_type type, const char *help);

/* One sample of f: value and label pairs (static name, value copied;
 * NULL values are ""), the list ending in NULL.  0, or -ENOMEM (and
 * m->oom), or -E2BIG past SRP_METRIC_MAX_LABELS.  f may be NULL (its
 * srp_metrics_family() failed): -ENOMEM. */
int srp_metric_add(struct srp_metrics *m, struct srp_metric_family *f, uint64_t value, ...)
	__attribute__((sentinel));

/* s as a label value of the text format: \ " and newline escaped
 * (\\ \" \n).  With help set, as HELP text: \ and newline only. */
void srp_metrics_escape(FILE *out, const char *s, int help);

/*
 * srp_metrics_format - m in the Prometheus text exposition format
 * (version 0.0.4): for every family "# HELP", "# TYPE" and its samples,
 * in m's order, even a family without samples.  *ret is malloc()ed,
 * NUL-terminated, *ret_len its length.  -ENOMEM.
 */
int srp_metrics_format(const struct srp_metrics *m, char **ret, size_t *ret_len);

/* m as JSON: {"version":1,"families":[{"name","type","help","samples":
 * [{"labels":{...},"value":N}]}]} (docs/schema/metrics.schema.json);
 * NULL on out-of-memory. */
struct json_object *srp_metrics_to_json(const struct srp_metrics *m);

/*
 * srp_metrics_collect - the host's metrics: every VF (owner, switch
 * settings, the PF's counters for it), the PFs' VF counts and the audit
 * (srp_audit(), against cfg) by finding id and severity.  The
 * inventory and the ledger must be read (or it fails, err set); the
 * switch and the audit are reported by srpass_collector_success and,
 * when one could not be read, a line in *ret_warn (static, or NULL).
 */
int srp_metrics_collect(struct srp_host *host, const struct srp_config *cfg,
			struct srp_metrics **ret, char *warn, size_t warn_len, struct srp_err *err);

/*
 * srp_metrics_write - text into path (absolute, under the host root)
 * atomically: a temp file in the same directory, then rename, as
 * node_exporter's textfile collector wants; mode 0644 so the exporter
 * can read it.  No symlink on the path is followed.
 */
int srp_metrics_write(struct srp_host *host, const char *path, const char *text, size_t len,
		      struct srp_err *err);

#endif
