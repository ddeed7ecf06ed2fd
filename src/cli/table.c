/* SPDX-License-Identifier: MIT */
/* srpass -- aligned text columns */
#include "cli/table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void srp_table_init(struct srp_table *t, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols < SRP_TABLE_MAXCOLS ? ncols : SRP_TABLE_MAXCOLS;
}

void srp_table_add(struct srp_table *t, const char *const cells[])
{
	if (t->failed)
		return;
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **grown = realloc(t->cells, cap * t->ncols * sizeof(*grown));

		if (grown == NULL) {
			t->failed = 1;
			return;
		}
		t->cells = grown;
		t->cap = cap;
	}
	for (size_t c = 0; c < t->ncols; c++) {
		char *s = strdup(cells[c] ? cells[c] : "-");

		if (s == NULL) {
			while (c-- > 0)
				free(t->cells[t->nrows * t->ncols + c]);
			t->failed = 1;
			return;
		}
		t->cells[t->nrows * t->ncols + c] = s;
	}
	t->nrows++;
}

int srp_table_print(const struct srp_table *t, FILE *out)
{
	return srp_table_print_painted(t, out, NULL, NULL);
}

int srp_table_print_painted(const struct srp_table *t, FILE *out, srp_table_paint_fn paint,
			    void *arg)
{
	size_t width[SRP_TABLE_MAXCOLS] = { 0 };

	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			size_t n = strlen(t->cells[r * t->ncols + c]);

			if (n > width[c])
				width[c] = n;
		}
	for (size_t r = 0; r < t->nrows; r++) {
		size_t last = t->ncols;

		while (last > 1 && strcmp(t->cells[r * t->ncols + last - 1], "") == 0)
			last--;
		for (size_t c = 0; c < last; c++) {
			const char *s = t->cells[r * t->ncols + c];
			const char *sgr = paint ? paint(c, r, s, arg) : NULL;
			int pad = (int)(width[c] - strlen(s));

			if (sgr != NULL)
				fprintf(out, "\033[%sm%s\033[0m", sgr, s);
			else
				fputs(s, out);
			if (c + 1 == last)
				fputc('\n', out);
			else
				fprintf(out, "%*s  ", pad, "");
		}
	}
	return t->failed ? -ENOMEM : 0;
}

void srp_table_free(struct srp_table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}
