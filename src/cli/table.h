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
void srp_table_free(struct srp_table *t);

#endif
