/* SPDX-License-Identifier: MIT */
/* srpass -- VF netlink messages: what the nlvf_*.c codecs share (private to them) */
#ifndef SRP_NLVF_INT_H
#define SRP_NLVF_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct nlmsghdr;
struct srp_err;
struct srp_nl_status;

/* ---- walking (nlvf_walk.c) ---- */

/* Called for each attribute with its type (NLA_TYPE_MASK applied) and payload. */
typedef int (*srp_nlvf_attr_fn)(uint16_t type, const uint8_t *data, size_t len, void *arg);

/*
 * srp_nlvf_attr_walk - every attribute in p[len] to fn; a truncated or
 * overlong attribute is -EBADMSG with err naming where.  Stops at fn's
 * first negative return and returns it.
 */
int srp_nlvf_attr_walk(const uint8_t *p, size_t len, const char *where, srp_nlvf_attr_fn fn,
		       void *arg, struct srp_err *err);

/* Called for each message of the answer with its payload (after nlmsghdr). */
typedef int (*srp_nlvf_msg_fn)(const struct nlmsghdr *h, const uint8_t *payload, size_t len,
			       void *arg);

/*
 * srp_nlvf_msg_walk - one datagram: every message whose sequence number
 * is seq goes to fn, except NLMSG_ERROR and NLMSG_DONE, which end the
 * answer (st->done, st->error, st->extack).  *st is zeroed first; with
 * fn NULL any other message is -EBADMSG.
 */
int srp_nlvf_msg_walk(const void *buf, size_t len, uint32_t seq, srp_nlvf_msg_fn fn, void *arg,
		      struct srp_nl_status *st, struct srp_err *err);

/* ---- typed attribute checks (nlvf_walk.c) ---- */

/* 0 if have is want (exact) or at least want; -EBADMSG naming what otherwise. */
int srp_nlvf_want_len(const char *what, size_t have, size_t want, int exact,
		      struct srp_err *err);

/* Copy the NUL-terminated string d[n] into buf[buflen]: -EBADMSG if it
 * has no NUL or does not fit. */
int srp_nlvf_get_str(const char *what, const uint8_t *d, size_t n, char *buf, size_t buflen,
		     struct srp_err *err);

/* The u32 at d + off, at any alignment. */
static inline uint32_t srp_nlvf_u32_at(const uint8_t *d, size_t off)
{
	uint32_t v;

	memcpy(&v, d + off, sizeof(v));
	return v;
}

/* ---- building (nlvf_walk.c) ---- */

/*
 * srp_nlvf_put_header - start a request of type with flags and seq in
 * buf[len], which must be 4-byte aligned (libmnl) and have room for the
 * header and extra bytes of family header.  NULL if not.
 */
struct nlmsghdr *srp_nlvf_put_header(void *buf, size_t len, uint16_t type, uint16_t flags,
				     uint32_t seq, size_t extra);

#endif
