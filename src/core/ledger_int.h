/* SPDX-License-Identifier: MIT */
/* srpass -- inside the ledger module: its JSON form (ledger_json.c) */
#ifndef SRP_LEDGER_INT_H
#define SRP_LEDGER_INT_H

#include <stddef.h>

/* declarations only: ledger.c includes this, so no core/ledger.h here */
struct json_object;
struct srp_err;
struct srp_ledger;

/* The ledger as srpass writes it; NULL when out of memory. */
struct json_object *srp_ledger_to_json(const struct srp_ledger *l);
/* Read text into l (empty): every field checked, anything unexpected is
 * -EBADMSG naming the file and the field. */
int srp_ledger_parse(const char *text, size_t len, struct srp_ledger *l, struct srp_err *err);

#endif
