/* SPDX-License-Identifier: MIT */
/* srpass -- metric families: the set, the text exposition format, JSON, the file */
#include "core/metrics.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/host.h"
#include "srpass/err.h"

struct srp_metrics *srp_metrics_new(void)
{
	return calloc(1, sizeof(struct srp_metrics));
}

static void sample_free(struct srp_metric_sample *s)
{
	for (size_t i = 0; i < s->n_labels; i++)
		free(s->values[i]);
}

void srp_metrics_free(struct srp_metrics *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n; i++) {
		struct srp_metric_family *f = m->fams[i];

		for (size_t k = 0; k < f->n; k++)
			sample_free(&f->samples[k]);
		free(f->samples);
		free(f);
	}
	free(m->fams);
	free(m);
}

struct srp_metric_family *srp_metrics_family(struct srp_metrics *m, const char *name,
					     enum srp_metric_type type, const char *help)
{
	struct srp_metric_family *f;

	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 16;
		struct srp_metric_family **v = realloc(m->fams, cap * sizeof(*v));

		if (v == NULL) {
			m->oom = 1;
			return NULL;
		}
		m->fams = v;
		m->cap = cap;
	}
	f = calloc(1, sizeof(*f));
	if (f == NULL) {
		m->oom = 1;
		return NULL;
	}
	f->name = name;
	f->help = help;
	f->type = type;
	m->fams[m->n++] = f;
	return f;
}

int srp_metric_add(struct srp_metrics *m, struct srp_metric_family *f, uint64_t value, ...)
{
	struct srp_metric_sample s = { .value = value };
	const char *name;
	va_list ap;
	int r = 0;

	if (f == NULL) {
		m->oom = 1;
		return -ENOMEM;
	}
	va_start(ap, value);
	while ((name = va_arg(ap, const char *)) != NULL) {
		const char *val = va_arg(ap, const char *);

		if (s.n_labels == SRP_METRIC_MAX_LABELS) {
			r = -E2BIG;
			break;
		}
		s.names[s.n_labels] = name;
		s.values[s.n_labels] = strdup(val ? val : "");
		if (s.values[s.n_labels++] == NULL) {
			r = -ENOMEM;
			break;
		}
	}
	va_end(ap);
	if (r == 0 && f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 8;
		struct srp_metric_sample *v = realloc(f->samples, cap * sizeof(*v));

		if (v == NULL) {
			r = -ENOMEM;
		} else {
			f->samples = v;
			f->cap = cap;
		}
	}
	if (r < 0) {
		sample_free(&s);
		if (r == -ENOMEM)
			m->oom = 1;
		return r;
	}
	f->samples[f->n++] = s;
	return 0;
}

void srp_metrics_escape(FILE *out, const char *s, int help)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else if (*s == '"' && !help)
			fputs("\\\"", out);
		else
			fputc(*s, out);
	}
}

int srp_metrics_format(const struct srp_metrics *m, char **ret, size_t *ret_len)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	if (out == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < m->n; i++) {
		const struct srp_metric_family *f = m->fams[i];

		fprintf(out, "# HELP %s ", f->name);
		srp_metrics_escape(out, f->help, 1);
		fprintf(out, "\n# TYPE %s %s\n", f->name,
			f->type == SRP_METRIC_COUNTER ? "counter" : "gauge");
		for (size_t k = 0; k < f->n; k++) {
			const struct srp_metric_sample *s = &f->samples[k];

			fputs(f->name, out);
			for (size_t l = 0; l < s->n_labels; l++) {
				fprintf(out, "%s%s=\"", l ? "," : "{", s->names[l]);
				srp_metrics_escape(out, s->values[l], 0);
				fputc('"', out);
			}
			fprintf(out, "%s %" PRIu64 "\n", s->n_labels ? "}" : "", s->value);
		}
	}
	if (ferror(out)) {
		fclose(out);
		free(buf);
		return -ENOMEM;
	}
	if (fclose(out) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}

struct json_object *srp_metrics_to_json(const struct srp_metrics *m)
{
	struct json_object *o = json_object_new_object(), *fams = json_object_new_array();

	if (o == NULL || fams == NULL) {
		json_object_put(o);
		json_object_put(fams);
		return NULL;
	}
	json_object_object_add(o, "version", json_object_new_int(1));
	json_object_object_add(o, "families", fams);
	for (size_t i = 0; i < m->n; i++) {
		const struct srp_metric_family *f = m->fams[i];
		struct json_object *fj = json_object_new_object(), *samples = json_object_new_array();

		if (fj == NULL || samples == NULL) {
			json_object_put(fj);
			json_object_put(samples);
			json_object_put(o);
			return NULL;
		}
		json_object_array_add(fams, fj);
		json_object_object_add(fj, "name", json_object_new_string(f->name));
		json_object_object_add(fj, "type", json_object_new_string(
			f->type == SRP_METRIC_COUNTER ? "counter" : "gauge"));
		json_object_object_add(fj, "help", json_object_new_string(f->help));
		json_object_object_add(fj, "samples", samples);
		for (size_t k = 0; k < f->n; k++) {
			const struct srp_metric_sample *s = &f->samples[k];
			struct json_object *sj = json_object_new_object(),
					   *labels = json_object_new_object();

			if (sj == NULL || labels == NULL) {
				json_object_put(sj);
				json_object_put(labels);
				json_object_put(o);
				return NULL;
			}
			for (size_t l = 0; l < s->n_labels; l++)
				json_object_object_add(labels, s->names[l],
						       json_object_new_string(s->values[l]));
			json_object_object_add(sj, "labels", labels);
			json_object_object_add(sj, "value", json_object_new_uint64(s->value));
			json_object_array_add(samples, sj);
		}
	}
	return o;
}

int srp_metrics_write(struct srp_host *host, const char *path, const char *text, size_t len,
		      struct srp_err *err)
{
	size_t n = strlen(path);
	int r;

	if (path[0] != '/' || n < 2 || path[n - 1] == '/')
		return srp_err_input(err, -EINVAL, "--output '%s': want the path of a file", path);
	r = host->sys.ops->replace(&host->sys, path, text, len, 0644);
	if (r < 0)
		return srp_err_set(err, r, "cannot write '%s'%s%s", path,
				   strcmp(host->sys.root, "/") ? " under host root " : "",
				   strcmp(host->sys.root, "/") ? host->sys.root : "");
	return 0;	/* 1: renamed, only the directory's fsync failed */
}
