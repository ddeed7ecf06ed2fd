/* SPDX-License-Identifier: MIT */
/* srpass tests -- a whole tree as text, to prove an operation left it as it was */
#ifndef SRP_TREEDIFF_H
#define SRP_TREEDIFF_H

#include <stddef.h>

struct srp_sys;

/*
 * treediff_snapshot - describe everything below path (a logical path,
 * read through sys without following links) as text, one line per
 * entry, sorted:
 *
 *	/sys/devices/.../driver l ../../../../bus/pci/drivers/iavf
 *	/sys/devices/.../driver_override f 0644 7 (null)\n
 *	/sys/devices/.../net d 0755
 *
 * Files show their permission bits, size and content (escaped as C
 * does; past 200 bytes cut, with a 64-bit FNV-1a hash of the whole);
 * directories their permission bits; links their target.  Times, owners
 * and inode numbers are left out: two trees are "the same" when every
 * path, type, mode, content and link target is.
 *
 * exclude is NULL or a NULL-terminated list of logical paths left out
 * with everything below them (srpass's own state, say).  *ret is
 * malloc()ed text; returns 0 or a negative errno.
 */
int treediff_snapshot(const struct srp_sys *sys, const char *path, const char *const *exclude,
		      char **ret);

/*
 * treediff_compare - 0 if snapshots a and b are equal, else 1 with the
 * differing lines ("- " only in a, "+ " only in b; as many as fit) in
 * buf, which may be NULL.
 */
int treediff_compare(const char *a, const char *b, char *buf, size_t len);

#endif
