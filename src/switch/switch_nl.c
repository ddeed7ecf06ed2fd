/* SPDX-License-Identifier: MIT */
/* srpass -- the VF switch over rtnetlink and devlink, and its mnl_socket transport */
#include "switch/vfswitch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <linux/devlink.h>
#include <linux/genetlink.h>
#include <linux/if.h>
#include <linux/if_bridge.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>

#include "switch/nlvf.h"
#include "srpass/err.h"
#include "base/util.h"

/* A netlink answer larger than this is refused rather than buffered. */
#define NL_MAX_DATAGRAM	(16u << 20)
/* A kernel that does not answer within this long never will. */
#define NL_TIMEOUT_S	10

/* ---- the transport: one mnl_socket per bus, opened on first use ---- */

struct mnl_transport {
	struct srp_nl_transport t;
	struct mnl_socket *route, *generic;
};

static struct mnl_socket **mt_slot(struct mnl_transport *m, int bus)
{
	if (bus == NETLINK_ROUTE)
		return &m->route;
	if (bus == NETLINK_GENERIC)
		return &m->generic;
	return NULL;
}

static int mt_sock(struct srp_nl_transport *t, int bus, struct mnl_socket **ret)
{
	struct mnl_transport *m = t->data;
	struct mnl_socket **slot = mt_slot(m, bus), *s;
	struct timeval tv = { .tv_sec = NL_TIMEOUT_S };
	int one = 1, r;

	if (slot == NULL)
		return -EPROTONOSUPPORT;
	if (*slot != NULL) {
		*ret = *slot;
		return 0;
	}
	s = mnl_socket_open(bus);
	if (s == NULL)
		return -errno;
	/* Extended acks carry the kernel's reason; capped acks keep our
	 * request out of the answer.  Both are optional (Linux 4.12, 4.3). */
	(void)mnl_socket_setsockopt(s, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)mnl_socket_setsockopt(s, NETLINK_CAP_ACK, &one, sizeof(one));
	if (setsockopt(mnl_socket_get_fd(s), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		mnl_socket_close(s);
		return r;
	}
	*slot = s;
	*ret = s;
	return 0;
}

static int mt_send(struct srp_nl_transport *t, int bus, const void *buf, size_t len)
{
	struct mnl_socket *s;
	int r = mt_sock(t, bus, &s);

	if (r < 0)
		return r;
	if (mnl_socket_sendto(s, buf, len) < 0)
		return -errno;
	return 0;
}

static ssize_t mt_recv(struct srp_nl_transport *t, int bus, void *buf, size_t len)
{
	struct mnl_socket *s;
	ssize_t n;
	int r = mt_sock(t, bus, &s);

	if (r < 0)
		return r;
	/* MSG_TRUNC with MSG_PEEK gives the datagram's real length */
	do
		n = recv(mnl_socket_get_fd(s), NULL, 0, MSG_PEEK | MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if ((size_t)n > len)
		return n;
	do
		n = mnl_socket_recvfrom(s, buf, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

static void mt_close(struct srp_nl_transport *t)
{
	struct mnl_transport *m = t->data;

	if (m->route != NULL)
		mnl_socket_close(m->route);
	if (m->generic != NULL)
		mnl_socket_close(m->generic);
	free(m);
}

static const struct srp_nl_transport_ops mnl_transport_ops = {
	.send = mt_send,
	.recv = mt_recv,
	.close = mt_close,
};

/* ---- the switch ---- */

struct nl_switch {
	struct srp_nl_transport *t;
	uint32_t seq;
	uint8_t *buf;			/* receive buffer, grown to the largest answer */
	size_t cap;
	int devlink;			/* family id; 0 not looked up, -1 absent */
};

typedef int (*nl_parse_fn)(const void *buf, size_t len, uint32_t seq, void *arg,
			   struct srp_nl_status *st, struct srp_err *err);

/*
 * Send req and feed every datagram of the answer to parse until it is
 * complete.  A kernel error is st->error, not a failure of this call.
 */
static int nl_call(struct nl_switch *ns, int bus, const void *req, size_t reqlen, uint32_t seq,
		   nl_parse_fn parse, void *arg, struct srp_nl_status *st, const char *what,
		   struct srp_err *err)
{
	ssize_t n;
	int r;

	r = ns->t->ops->send(ns->t, bus, req, reqlen);
	if (r < 0)
		return srp_err_set(err, r, "cannot send %s to the kernel", what);
	for (;;) {
		n = ns->t->ops->recv(ns->t, bus, ns->buf, ns->cap);
		if (n < 0)
			return srp_err_set(err, (int)n, "no answer to %s from the kernel", what);
		if ((size_t)n > ns->cap) {
			size_t cap = ns->cap;
			uint8_t *grown;

			if ((size_t)n > NL_MAX_DATAGRAM)
				return srp_err_set(err, -EMSGSIZE,
						   "answer to %s is %zd bytes, more than %u", what, n,
						   NL_MAX_DATAGRAM);
			while (cap < (size_t)n)
				cap *= 2;
			grown = realloc(ns->buf, cap);
			if (grown == NULL)
				return srp_err_set(err, -ENOMEM, "out of memory");
			ns->buf = grown;
			ns->cap = cap;
			continue;
		}
		r = parse(ns->buf, (size_t)n, seq, arg, st, err);
		if (r < 0) {
			srp_err_prefix(err, "answer to %s: ", what);
			return r;
		}
		if (st->done)
			return 0;
	}
}

static int parse_link(const void *buf, size_t len, uint32_t seq, void *arg,
		      struct srp_nl_status *st, struct srp_err *err)
{
	return srp_nl_parse_getlink(buf, len, seq, arg, st, err);
}

static int parse_ack(const void *buf, size_t len, uint32_t seq, void *arg,
		     struct srp_nl_status *st, struct srp_err *err)
{
	(void)arg;
	return srp_nl_parse_ack(buf, len, seq, st, err);
}

struct bridge_arg {
	int ifindex;
	int mode;
};

static int parse_bridge(const void *buf, size_t len, uint32_t seq, void *arg,
			struct srp_nl_status *st, struct srp_err *err)
{
	struct bridge_arg *b = arg;

	return srp_nl_parse_bridge(buf, len, seq, b->ifindex, &b->mode, st, err);
}

static int parse_family(const void *buf, size_t len, uint32_t seq, void *arg,
			struct srp_nl_status *st, struct srp_err *err)
{
	return srp_nl_parse_getfamily(buf, len, seq, arg, st, err);
}

static int parse_eswitch(const void *buf, size_t len, uint32_t seq, void *arg,
			 struct srp_nl_status *st, struct srp_err *err)
{
	return srp_nl_parse_eswitch(buf, len, seq, arg, st, err);
}

static uint32_t next_seq(struct nl_switch *ns)
{
	if (++ns->seq == 0)
		ns->seq = 1;
	return ns->seq;
}

/* RTM_GETLINK for pf into *ret (cleared by the caller). */
static int nl_getlink(struct nl_switch *ns, const char *pf, uint32_t ext_mask,
		      struct srp_nl_link *ret, struct srp_err *err)
{
	uint32_t req[128];		/* aligned for libmnl */
	struct srp_nl_status st;
	uint32_t seq = next_seq(ns);
	int len, r;

	len = srp_nl_build_getlink(req, sizeof(req), pf, ext_mask, seq);
	if (len < 0)
		return srp_err_set(err, len, "cannot build a request for '%s'", pf);
	r = nl_call(ns, NETLINK_ROUTE, req, (size_t)len, seq, parse_link, ret, &st,
		    "RTM_GETLINK", err);
	if (r < 0)
		return r;
	if (st.error == -ENODEV)
		return srp_err_set(err, st.error, "no network interface '%s'", pf);
	if (st.error < 0)
		return srp_err_set(err, st.error, "cannot read network interface '%s'%s%s%s", pf,
				   st.extack[0] ? " (kernel: '" : "", st.extack,
				   st.extack[0] ? "')" : "");
	return 0;
}

static int link_up(const struct srp_nl_link *l)
{
	if (l->operstate == IF_OPER_UP)
		return 1;
	if (l->operstate < 0 || l->operstate == IF_OPER_UNKNOWN)
		return -1;
	return 0;
}

static int nl_get_vfs(struct srp_switch *sw, const char *pf, struct srp_vf_table *ret,
		      struct srp_err *err)
{
	struct nl_switch *ns = sw->data;
	struct srp_nl_link l = { 0 };
	struct srp_vf_table t = { 0 };
	struct srp_err first = { 0 };
	int r;

	/*
	 * IFLA_VFINFO_LIST's length is a u16: with stats (about 300 bytes a
	 * VF) it wraps past ~210 VFs, and kernels that do not notice send a
	 * list that does not parse, or, if the wrap lands on a VF boundary,
	 * a short one.  Without stats a VF takes about 190 bytes: ask again.
	 */
	r = nl_getlink(ns, pf, RTEXT_FILTER_VF, &l, &first);
	if (r == -EBADMSG || (r == 0 && l.num_vf > 0 && l.n_vfs > 0 &&
			      l.n_vfs < (size_t)l.num_vf)) {
		struct srp_nl_link again = { 0 };

		if (nl_getlink(ns, pf, RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS, &again,
			       NULL) == 0 && again.n_vfs >= l.n_vfs) {
			srp_nl_link_clear(&l);
			l = again;
			r = 0;
		} else {
			srp_nl_link_clear(&again);
		}
	}
	if (r < 0) {
		srp_err_set(err, first.code, "%s", first.msg);
		goto out;
	}
	snprintf(t.pf, sizeof(t.pf), "%s", pf);
	t.ifindex = l.ifindex;
	t.link_up = link_up(&l);
	/* No IFLA_NUM_VF: the netdev has no parent device (veth, bridge...). */
	t.num_vfs = l.num_vf > 0 ? (unsigned int)l.num_vf : 0;
	if (l.n_vfs > 0 && t.num_vfs == 0) {
		r = srp_err_set(err, -EBADMSG, "'%s' lists VF settings but no VF count", pf);
		goto out;
	}
	/* A driver without ndo_get_vf_config lists nothing; one whose
	 * get_vf_config fails for a VF leaves that VF out. */
	if (l.n_vfs > 0) {
		t.vfs = calloc(t.num_vfs, sizeof(*t.vfs));
		if (t.vfs == NULL) {
			r = srp_err_set(err, -ENOMEM, "out of memory");
			goto out;
		}
		t.n = t.num_vfs;
		for (unsigned int i = 0; i < t.num_vfs; i++)
			srp_vf_state_init(&t.vfs[i], i);
		for (size_t i = 0; i < l.n_vfs; i++) {
			if (l.vfs[i].index >= t.num_vfs) {
				r = srp_err_set(err, -EBADMSG, "'%s' has %u VFs but lists VF %u", pf,
						t.num_vfs, l.vfs[i].index);
				goto out;
			}
			t.vfs[l.vfs[i].index] = l.vfs[i];
		}
	}
	*ret = t;
	t.vfs = NULL;
out:
	srp_vf_table_free(&t);
	srp_nl_link_clear(&l);
	return r;
}

/* Fetch the current max rate (for an IFLA_VF_RATE that only changes min). */
static int current_max_rate(struct srp_switch *sw, const char *pf, unsigned int vf,
			    uint32_t *ret, struct srp_err *err)
{
	struct srp_vf_table t = { 0 };
	int r;

	r = nl_get_vfs(sw, pf, &t, err);
	if (r < 0)
		return r;
	*ret = vf < t.n && (t.vfs[vf].known & SRP_VF_MAX_RATE) ? t.vfs[vf].max_tx_rate : 0;
	srp_vf_table_free(&t);
	return 0;
}

static int nl_set_vf(struct srp_switch *sw, const char *pf, const char *driver, unsigned int vf,
		     const struct srp_vf_change *c, struct srp_err *err)
{
	struct nl_switch *ns = sw->data;
	struct srp_vf_change steps[SRP_VF_MAX_STEPS];
	int n, r;

	n = srp_vf_apply_order(c, steps, ARRAY_SIZE(steps));
	if (n < 0)
		return srp_err_set(err, n, "too many VF settings at once");
	for (int i = 0; i < n; i++) {
		struct srp_vf_change *s = &steps[i];
		uint32_t req[256], seq;
		struct srp_nl_status st;
		int len;

		if ((s->set & SRP_VF_MIN_RATE) && !(s->set & SRP_VF_MAX_RATE)) {
			r = current_max_rate(sw, pf, vf, &s->max_tx_rate, err);
			if (r < 0)
				return r;
		}
		seq = next_seq(ns);
		len = srp_nl_build_setvf(req, sizeof(req), pf, vf, s, seq);
		if (len < 0)
			return srp_err_set(err, len, "cannot build a request for '%s'", pf);
		r = nl_call(ns, NETLINK_ROUTE, req, (size_t)len, seq, parse_ack, NULL, &st,
			    "RTM_SETLINK", err);
		if (r < 0)
			return r;
		if (st.error < 0) {
			int up = -1;

			if (st.error == -EINVAL && (s->set & (SRP_VF_MIN_RATE | SRP_VF_MAX_RATE))) {
				struct srp_nl_link l = { 0 };

				/* was the PF link down?  That is igb's usual reason */
				if (nl_getlink(ns, pf, 0, &l, NULL) == 0)
					up = link_up(&l);
				srp_nl_link_clear(&l);
			}
			return srp_vf_set_error(err, st.error, driver, pf, vf, s, up, st.extack);
		}
	}
	return 0;
}

static int nl_get_hwmode(struct srp_switch *sw, const char *pf, enum srp_hwmode *ret,
			 struct srp_err *err)
{
	struct nl_switch *ns = sw->data;
	struct srp_nl_link l = { 0 };
	struct bridge_arg b = { .mode = -1 };
	struct srp_nl_status st;
	uint32_t req[16], seq;
	int len, r;

	r = nl_getlink(ns, pf, 0, &l, err);
	b.ifindex = l.ifindex;
	srp_nl_link_clear(&l);
	if (r < 0)
		return r;
	seq = next_seq(ns);
	len = srp_nl_build_bridge_dump(req, sizeof(req), seq);
	if (len < 0)
		return srp_err_set(err, len, "cannot build a bridge request");
	r = nl_call(ns, NETLINK_ROUTE, req, (size_t)len, seq, parse_bridge, &b, &st,
		    "RTM_GETLINK (AF_BRIDGE)", err);
	if (r < 0)
		return r;
	if (st.error == -EOPNOTSUPP) {
		*ret = SRP_HWMODE_UNSUPPORTED;
		return 0;
	}
	if (st.error < 0)
		return srp_err_set(err, st.error, "cannot read the bridge mode of '%s'", pf);
	/* A driver without ndo_bridge_getlink (igb) does not show up at all. */
	*ret = b.mode == BRIDGE_MODE_VEB ? SRP_HWMODE_VEB :
	       b.mode == BRIDGE_MODE_VEPA ? SRP_HWMODE_VEPA : SRP_HWMODE_UNSUPPORTED;
	return 0;
}

/* The devlink family id into *ret, or -1 if the kernel has no devlink. */
static int nl_devlink_family(struct nl_switch *ns, int *ret, struct srp_err *err)
{
	struct srp_nl_status st;
	uint32_t req[32], seq;
	uint16_t id = 0;
	int len, r;

	if (ns->devlink != 0) {
		*ret = ns->devlink;
		return 0;
	}
	seq = next_seq(ns);
	len = srp_nl_build_getfamily(req, sizeof(req), DEVLINK_GENL_NAME, seq);
	if (len < 0)
		return srp_err_set(err, len, "cannot build a generic netlink request");
	r = nl_call(ns, NETLINK_GENERIC, req, (size_t)len, seq, parse_family, &id, &st,
		    "CTRL_CMD_GETFAMILY", err);
	if (r < 0)
		return r;
	if (st.error < 0 && st.error != -ENOENT)
		return srp_err_set(err, st.error, "cannot look up the devlink netlink family");
	ns->devlink = st.error == -ENOENT ? -1 : id;	/* -ENOENT: no devlink */
	*ret = ns->devlink;
	return 0;
}

static int nl_get_eswitch_mode(struct srp_switch *sw, const struct srp_bdf *pf,
			       enum srp_eswitch_mode *ret, struct srp_err *err)
{
	struct nl_switch *ns = sw->data;
	char dev[SRP_BDF_STRLEN];
	struct srp_nl_status st;
	uint32_t req[32], seq;
	int family = -1, mode = -1, len, r;

	srp_bdf_format(pf, dev);
	r = nl_devlink_family(ns, &family, err);
	if (r < 0)
		return r;
	if (family == -1) {
		*ret = SRP_ESWITCH_UNSUPPORTED;
		return 0;
	}
	seq = next_seq(ns);
	len = srp_nl_build_eswitch_get(req, sizeof(req), (uint16_t)family, "pci", dev, seq);
	if (len < 0)
		return srp_err_set(err, len, "cannot build a devlink request");
	r = nl_call(ns, NETLINK_GENERIC, req, (size_t)len, seq, parse_eswitch, &mode, &st,
		    "DEVLINK_CMD_ESWITCH_GET", err);
	if (r < 0)
		return r;
	/* no devlink instance for the device (igb), or no eswitch ops */
	if (st.error == -ENODEV || st.error == -EOPNOTSUPP || st.error == -ENOENT) {
		*ret = SRP_ESWITCH_UNSUPPORTED;
		return 0;
	}
	if (st.error == -EPERM || st.error == -EACCES)
		return srp_err_set(err, st.error,
				   "reading the eswitch mode of PCI device %s needs CAP_NET_ADMIN", dev);
	if (st.error < 0)
		return srp_err_set(err, st.error, "cannot read the eswitch mode of PCI device %s",
				   dev);
	if (mode == DEVLINK_ESWITCH_MODE_LEGACY)
		*ret = SRP_ESWITCH_LEGACY;
	else if (mode == DEVLINK_ESWITCH_MODE_SWITCHDEV)
		*ret = SRP_ESWITCH_SWITCHDEV;
	else
		return srp_err_set(err, -EPROTO, "PCI device %s is in eswitch mode %d, unknown to srpass",
				   dev, mode);
	return 0;
}

static void nl_close(struct srp_switch *sw)
{
	struct nl_switch *ns = sw->data;

	if (ns == NULL)
		return;
	if (ns->t != NULL)
		ns->t->ops->close(ns->t);
	free(ns->buf);
	free(ns);
}

const struct srp_switch_ops srp_switch_netlink_ops = {
	.name = "netlink",
	.get_vfs = nl_get_vfs,
	.set_vf = nl_set_vf,
	.get_hwmode = nl_get_hwmode,
	.get_eswitch_mode = nl_get_eswitch_mode,
	.close = nl_close,
};

static int mnl_transport_new(struct srp_nl_transport **ret)
{
	struct mnl_transport *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return -ENOMEM;
	m->t.ops = &mnl_transport_ops;
	m->t.data = m;
	*ret = &m->t;
	return 0;
}

int srp_switch_nl_new(struct srp_sys *sys, struct srp_nl_transport *t, struct srp_switch **ret,
		      struct srp_err *err)
{
	struct srp_switch *sw = calloc(1, sizeof(*sw));
	struct nl_switch *ns = calloc(1, sizeof(*ns));

	if (ns != NULL) {
		ns->cap = 32768;	/* grows when an answer is larger (many VFs) */
		ns->buf = malloc(ns->cap);
	}
	if (t == NULL)
		(void)mnl_transport_new(&t);	/* leaves t NULL when out of memory */
	if (sw == NULL || ns == NULL || ns->buf == NULL || t == NULL) {
		if (t != NULL)
			t->ops->close(t);
		if (ns != NULL)
			free(ns->buf);
		free(ns);
		free(sw);
		return srp_err_set(err, -ENOMEM, "out of memory");
	}
	ns->t = t;
	sw->ops = &srp_switch_netlink_ops;
	sw->sys = sys;
	sw->data = ns;
	*ret = sw;
	return 0;
}
