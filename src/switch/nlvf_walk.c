/* SPDX-License-Identifier: MIT */
/* srpass -- VF netlink messages: walking datagrams and attributes, kernel errors, acks */
#include "switch/nlvf.h"
#include "switch/nlvf_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/netlink.h>

#include <libmnl/libmnl.h>

#include "srpass/err.h"

/*
 * Parsing does not use libmnl's iterators: mnl_attr_for_each stops
 * quietly at a truncated attribute, and a truncated VF list must be an
 * error, not a shorter list.  Headers are copied out with memcpy, so a
 * datagram may sit at any alignment.
 */

/* ---- walking ---- */

int srp_nlvf_attr_walk(const uint8_t *p, size_t len, const char *where, srp_nlvf_attr_fn fn,
		       void *arg, struct srp_err *err)
{
	size_t off = 0;
	int r;

	while (off < len) {
		struct nlattr a;

		if (len - off < sizeof(a))
			return srp_err_set(err, -EBADMSG,
					   "netlink: %s: %zu stray bytes where an attribute should be",
					   where, len - off);
		memcpy(&a, p + off, sizeof(a));
		if (a.nla_len < sizeof(a) || a.nla_len > len - off)
			return srp_err_set(err, -EBADMSG,
					   "netlink: %s: attribute %u claims %u bytes, %zu are left",
					   where, a.nla_type & NLA_TYPE_MASK, a.nla_len, len - off);
		r = fn(a.nla_type & NLA_TYPE_MASK, p + off + sizeof(a), a.nla_len - sizeof(a), arg);
		if (r < 0)
			return r;
		off += NLA_ALIGN(a.nla_len);	/* the last one may lack its padding */
	}
	return 0;
}

static void parse_extack(const uint8_t *p, size_t len, struct srp_nl_status *st)
{
	size_t off = 0;

	/* Best effort: a mangled extack must not hide the error code. */
	while (len - off >= sizeof(struct nlattr)) {
		struct nlattr a;

		memcpy(&a, p + off, sizeof(a));
		if (a.nla_len < sizeof(a) || a.nla_len > len - off)
			return;
		if ((a.nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			const char *s = (const char *)p + off + sizeof(a);
			size_t n = a.nla_len - sizeof(a);

			if (n > 0 && memchr(s, '\0', n) != NULL) {
				snprintf(st->extack, sizeof(st->extack), "%s", s);
				/* the kernel's text may end in a newline */
				n = strlen(st->extack);
				while (n > 0 && (st->extack[n - 1] == '\n' || st->extack[n - 1] == ' '))
					st->extack[--n] = '\0';
			}
			return;
		}
		off += NLA_ALIGN(a.nla_len);
		if (off > len)
			return;
	}
}

static int parse_error_msg(const struct nlmsghdr *h, const uint8_t *p, size_t len,
			   struct srp_nl_status *st, struct srp_err *err)
{
	struct nlmsgerr e;
	size_t tlv;

	if (len < sizeof(e))
		return srp_err_set(err, -EBADMSG, "netlink: NLMSG_ERROR of %zu bytes, expected %zu",
				   len, sizeof(e));
	memcpy(&e, p, sizeof(e));
	if (e.error > 0 || e.error < -4095)
		return srp_err_set(err, -EBADMSG, "netlink: NLMSG_ERROR with error %d", e.error);
	st->error = e.error;
	st->done = 1;
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return 0;
	/* TLVs follow the echoed request, or just its header if capped */
	tlv = sizeof(e);
	if (!(h->nlmsg_flags & NLM_F_CAPPED)) {
		if (e.msg.nlmsg_len < sizeof(e.msg))
			return 0;
		tlv = sizeof(e.error) + NLMSG_ALIGN((size_t)e.msg.nlmsg_len);
	}
	if (tlv < len)
		parse_extack(p + tlv, len - tlv, st);
	return 0;
}

int srp_nlvf_msg_walk(const void *buf, size_t len, uint32_t seq, srp_nlvf_msg_fn fn, void *arg,
		      struct srp_nl_status *st, struct srp_err *err)
{
	const uint8_t *p = buf;
	size_t off = 0;
	int r;

	memset(st, 0, sizeof(*st));
	if (len == 0)
		return srp_err_set(err, -EBADMSG, "netlink: empty datagram");
	while (off < len && !st->done) {
		struct nlmsghdr h;
		const uint8_t *payload;
		size_t plen;

		if (len - off < sizeof(h))
			return srp_err_set(err, -EBADMSG,
					   "netlink: truncated message header (%zu bytes)", len - off);
		memcpy(&h, p + off, sizeof(h));
		if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len - off)
			return srp_err_set(err, -EBADMSG,
					   "netlink: message claims %u bytes, %zu are left",
					   h.nlmsg_len, len - off);
		payload = p + off + NLMSG_HDRLEN;
		plen = h.nlmsg_len - NLMSG_HDRLEN;
		off += NLMSG_ALIGN((size_t)h.nlmsg_len);
		if (h.nlmsg_seq != seq || h.nlmsg_type == NLMSG_NOOP)
			continue;
		if (h.nlmsg_type == NLMSG_ERROR) {
			r = parse_error_msg(&h, payload, plen, st, err);
		} else if (h.nlmsg_type == NLMSG_DONE) {
			int e = 0;

			if (plen >= sizeof(e))
				memcpy(&e, payload, sizeof(e));
			st->error = e < 0 ? e : 0;
			st->done = 1;
			r = 0;
		} else if (h.nlmsg_type == NLMSG_OVERRUN) {
			r = srp_err_set(err, -EBADMSG, "netlink: overrun");
		} else if (fn != NULL) {
			r = fn(&h, payload, plen, arg);
		} else {
			r = srp_err_set(err, -EBADMSG, "netlink: unexpected message type %u",
					h.nlmsg_type);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- typed attribute checks ---- */

int srp_nlvf_want_len(const char *what, size_t have, size_t want, int exact,
		      struct srp_err *err)
{
	if (have == want || (!exact && have > want))
		return 0;
	return srp_err_set(err, -EBADMSG, "netlink: %s has %zu bytes, expected %s%zu", what, have,
			   exact ? "" : "at least ", want);
}

int srp_nlvf_get_str(const char *what, const uint8_t *d, size_t n, char *buf, size_t buflen,
		     struct srp_err *err)
{
	const uint8_t *nul = memchr(d, '\0', n);

	if (nul == NULL)
		return srp_err_set(err, -EBADMSG, "netlink: %s is not NUL-terminated", what);
	if ((size_t)(nul - d) >= buflen)
		return srp_err_set(err, -EBADMSG, "netlink: %s is too long", what);
	memcpy(buf, d, (size_t)(nul - d) + 1);
	return 0;
}

/* ---- builders ---- */

struct nlmsghdr *srp_nlvf_put_header(void *buf, size_t len, uint16_t type, uint16_t flags,
				     uint32_t seq, size_t extra)
{
	struct nlmsghdr *nlh;

	if (((uintptr_t)buf & 3) != 0 || len < MNL_NLMSG_HDRLEN + MNL_ALIGN(extra))
		return NULL;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	return nlh;
}

/* ---- acks ---- */

static int ack_msg(const struct nlmsghdr *h, const uint8_t *p, size_t len, void *arg)
{
	(void)p;
	(void)len;
	return srp_err_set(arg, -EBADMSG, "netlink: expected an ack, got message type %u",
			   h->nlmsg_type);
}

int srp_nl_parse_ack(const void *buf, size_t len, uint32_t seq, struct srp_nl_status *st,
		     struct srp_err *err)
{
	return srp_nlvf_msg_walk(buf, len, seq, ack_msg, err, st, err);
}
