/* SPDX-License-Identifier: MIT */
/* srpass -- small helpers: the complete cleanup vocabulary and a few macros */
#ifndef SRP_UTIL_H
#define SRP_UTIL_H

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* For locals only; host-state rollback is always explicit code. */
static inline void srp_freep(void *p) { free(*(void **)p); }
static inline void srp_closep(int *fd) { if (*fd >= 0) close(*fd); }
#define _cleanup_free_  __attribute__((cleanup(srp_freep)))
#define _cleanup_close_ __attribute__((cleanup(srp_closep)))

/* Strict unsigned parse: the whole string (one trailing newline allowed)
 * is a number in [min, max] in base (0: C prefixes).  -EINVAL/-ERANGE. */
int srp_parse_ulong(const char *s, int base, unsigned long min, unsigned long max,
		    unsigned long *ret_val);
int srp_parse_long(const char *s, long min, long max, long *ret_val);

#endif
