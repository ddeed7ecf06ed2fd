/* SPDX-License-Identifier: MIT */
/* srpass -- aligned text columns for human output */
#ifndef SRP_TABLE_H
#define SRP_TABLE_H

#include <stddef.h>
#include <stdio.h>

#define SRP_TABLE_MAXCOLS 16

struct srp_table {
	size_t ncols;
	size_t nrows, cap;
	char **cells;			/* nrows * ncols, malloc()ed strings */
	int failed;			/* out of memory somewhere: print says so */
};

void srp_table_init(struct srp_table *t, size_t ncols);
/* Append a row of ncols cells (NULL cells print as "-"). */
void srp_table_add(struct srp_table *t, const char *const cells[]);
/* Print with two spaces between columns; trailing blanks trimmed.
 * Returns -ENOMEM if a row could not be stored. */
int srp_table_print(const struct srp_table *t, FILE *out);
/* The same, each cell wrapped in the ANSI colour paint(col, row, cell,
 * arg) returns ("1;31"; NULL: none), the padding by the plain text. */
typedef const char *(*srp_table_paint_fn)(size_t col, size_t row, const char *cell, void *arg);
int srp_table_print_painted(const struct srp_table *t, FILE *out, srp_table_paint_fn paint,
			    void *arg);
void srp_table_free(struct srp_table *t);

#endif
