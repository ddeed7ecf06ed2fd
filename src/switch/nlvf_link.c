/* SPDX-License-Identifier: MIT */
/* srpass -- VF netlink messages: RTM_GETLINK / RTM_SETLINK with VF info, build and parse */
#include "switch/nlvf.h"
#include "switch/nlvf_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>

#include "srpass/err.h"
#include "switch/vfswitch.h"

/* ---- VF info ---- */

struct vfinfo {
	struct srp_vf_state st;
	bool have_index, have_vlan_list, have_rate;
	struct srp_err *err;
};

/* Every VF attribute starts with the VF index; they must agree. */
static int vf_index(struct vfinfo *v, const char *what, const uint8_t *d)
{
	uint32_t idx = srp_nlvf_u32_at(d, 0);

	if (idx > 65535)
		return srp_err_set(v->err, -EBADMSG, "netlink: %s names VF %u", what, idx);
	if (v->have_index && v->st.index != idx)
		return srp_err_set(v->err, -EBADMSG, "netlink: IFLA_VF_INFO mixes VF %u and VF %u",
				   v->st.index, idx);
	v->st.index = idx;
	v->have_index = true;
	return 0;
}

/* spoofchk, trust, query_rss: (u32)-1 means the driver did not say */
static int vf_flag(struct vfinfo *v, const char *what, const uint8_t *d, size_t n,
		   unsigned int bit, int *field)
{
	uint32_t s;
	int r;

	r = srp_nlvf_want_len(what, n, sizeof(struct ifla_vf_spoofchk), 0, v->err);
	if (r == 0)
		r = vf_index(v, what, d);
	if (r < 0)
		return r;
	s = srp_nlvf_u32_at(d, 4);
	if (s == UINT32_MAX) {
		*field = -1;
		v->st.known &= ~bit;
	} else {
		*field = s != 0;
		v->st.known |= bit;
	}
	return 0;
}

static int vf_vlan(struct vfinfo *v, const char *what, uint32_t vlan, uint32_t qos,
		   uint16_t proto)
{
	if (vlan > SRP_VF_VLAN_MAX || qos > SRP_VF_QOS_MAX)
		return srp_err_set(v->err, -EBADMSG, "netlink: %s of VF %u: vlan %u qos %u",
				   what, v->st.index, vlan, qos);
	if (srp_vf_vlan_proto_name(proto) == NULL)
		return srp_err_set(v->err, -EBADMSG, "netlink: %s of VF %u: VLAN protocol 0x%04x",
				   what, v->st.index, proto);
	v->st.vlan = vlan;
	v->st.qos = qos;
	v->st.vlan_proto = proto;
	v->st.known |= SRP_VF_VLAN;
	return 0;
}

static int vf_vlan_list_attr(uint16_t type, const uint8_t *d, size_t n, void *arg)
{
	struct vfinfo *v = arg;
	struct ifla_vf_vlan_info vi;
	int r;

	if (type != IFLA_VF_VLAN_INFO || v->have_vlan_list)
		return 0;	/* the kernel sends one (MAX_VLAN_LIST_LEN) */
	r = srp_nlvf_want_len("IFLA_VF_VLAN_INFO", n, sizeof(vi), 0, v->err);
	if (r == 0)
		r = vf_index(v, "IFLA_VF_VLAN_INFO", d);
	if (r < 0)
		return r;
	memcpy(&vi, d, sizeof(vi));
	r = vf_vlan(v, "IFLA_VF_VLAN_INFO", vi.vlan, vi.qos, ntohs(vi.vlan_proto));
	if (r == 0)
		v->have_vlan_list = true;
	return r;
}

static int vf_stats_attr(uint16_t type, const uint8_t *d, size_t n, void *arg)
{
	struct vfinfo *v = arg;
	struct srp_vf_stats *s = &v->st.stats;
	uint64_t *dst = NULL;
	int r;

	switch (type) {
	case IFLA_VF_STATS_RX_PACKETS:	dst = &s->rx_packets; break;
	case IFLA_VF_STATS_TX_PACKETS:	dst = &s->tx_packets; break;
	case IFLA_VF_STATS_RX_BYTES:	dst = &s->rx_bytes; break;
	case IFLA_VF_STATS_TX_BYTES:	dst = &s->tx_bytes; break;
	case IFLA_VF_STATS_BROADCAST:	dst = &s->broadcast; break;
	case IFLA_VF_STATS_MULTICAST:	dst = &s->multicast; break;
	case IFLA_VF_STATS_RX_DROPPED:	dst = &s->rx_dropped; break;
	case IFLA_VF_STATS_TX_DROPPED:	dst = &s->tx_dropped; break;
	default:			return 0;	/* IFLA_VF_STATS_PAD, newer counters */
	}
	r = srp_nlvf_want_len("IFLA_VF_STATS counter", n, sizeof(*dst), 1, v->err);
	if (r < 0)
		return r;
	memcpy(dst, d, sizeof(*dst));
	return 0;
}

static int vf_info_attr(uint16_t type, const uint8_t *d, size_t n, void *arg)
{
	struct vfinfo *v = arg;
	int r = 0;

	switch (type) {
	case IFLA_VF_MAC: {
		r = srp_nlvf_want_len("IFLA_VF_MAC", n, sizeof(struct ifla_vf_mac), 0, v->err);
		if (r == 0)
			r = vf_index(v, "IFLA_VF_MAC", d);
		if (r < 0)
			return r;
		memcpy(v->st.mac, d + offsetof(struct ifla_vf_mac, mac), 6);
		v->st.known |= SRP_VF_MAC;
		return 0;
	}
	case IFLA_VF_VLAN: {
		struct ifla_vf_vlan vl;

		r = srp_nlvf_want_len("IFLA_VF_VLAN", n, sizeof(vl), 0, v->err);
		if (r == 0)
			r = vf_index(v, "IFLA_VF_VLAN", d);
		if (r < 0 || v->have_vlan_list)
			return r;
		memcpy(&vl, d, sizeof(vl));
		return vf_vlan(v, "IFLA_VF_VLAN", vl.vlan, vl.qos, SRP_VF_PROTO_8021Q);
	}
	case IFLA_VF_VLAN_LIST:
		return srp_nlvf_attr_walk(d, n, "IFLA_VF_VLAN_LIST", vf_vlan_list_attr, v, v->err);
	case IFLA_VF_TX_RATE: {
		struct ifla_vf_tx_rate tr;

		r = srp_nlvf_want_len("IFLA_VF_TX_RATE", n, sizeof(tr), 0, v->err);
		if (r == 0)
			r = vf_index(v, "IFLA_VF_TX_RATE", d);
		if (r < 0 || v->have_rate)
			return r;
		memcpy(&tr, d, sizeof(tr));
		v->st.max_tx_rate = tr.rate;
		v->st.known |= SRP_VF_MAX_RATE;
		return 0;
	}
	case IFLA_VF_RATE: {
		struct ifla_vf_rate rt;

		r = srp_nlvf_want_len("IFLA_VF_RATE", n, sizeof(rt), 0, v->err);
		if (r == 0)
			r = vf_index(v, "IFLA_VF_RATE", d);
		if (r < 0)
			return r;
		memcpy(&rt, d, sizeof(rt));
		v->st.min_tx_rate = rt.min_tx_rate;
		v->st.max_tx_rate = rt.max_tx_rate;
		v->st.known |= SRP_VF_MIN_RATE | SRP_VF_MAX_RATE;
		v->have_rate = true;
		return 0;
	}
	case IFLA_VF_SPOOFCHK:
		return vf_flag(v, "IFLA_VF_SPOOFCHK", d, n, SRP_VF_SPOOFCHK, &v->st.spoofchk);
	case IFLA_VF_TRUST:
		return vf_flag(v, "IFLA_VF_TRUST", d, n, SRP_VF_TRUST, &v->st.trust);
	case IFLA_VF_RSS_QUERY_EN:
		return vf_flag(v, "IFLA_VF_RSS_QUERY_EN", d, n, SRP_VF_QUERY_RSS,
			       &v->st.rss_query_en);
	case IFLA_VF_LINK_STATE: {
		struct ifla_vf_link_state ls;

		r = srp_nlvf_want_len("IFLA_VF_LINK_STATE", n, sizeof(ls), 0, v->err);
		if (r == 0)
			r = vf_index(v, "IFLA_VF_LINK_STATE", d);
		if (r < 0)
			return r;
		memcpy(&ls, d, sizeof(ls));
		if (srp_vf_link_state_name((int)ls.link_state) == NULL || ls.link_state > 2)
			return srp_err_set(v->err, -EBADMSG, "netlink: VF %u has link state %u",
					   v->st.index, ls.link_state);
		v->st.link_state = (int)ls.link_state;
		v->st.known |= SRP_VF_LINK_STATE;
		return 0;
	}
	case IFLA_VF_STATS:
		r = srp_nlvf_attr_walk(d, n, "IFLA_VF_STATS", vf_stats_attr, v, v->err);
		if (r == 0)
			v->st.known |= SRP_VF_STATS;
		return r;
	}
	return 0;	/* IFLA_VF_BROADCAST, IB GUIDs, newer attributes */
}

/* One IFLA_VF_INFO nest into *ret. */
static int parse_vf_info(const uint8_t *d, size_t n, struct srp_vf_state *ret, struct srp_err *err)
{
	struct vfinfo v = { .err = err };
	int r;

	srp_vf_state_init(&v.st, 0);
	r = srp_nlvf_attr_walk(d, n, "IFLA_VF_INFO", vf_info_attr, &v, err);
	if (r < 0)
		return r;
	if (!v.have_index)
		return srp_err_set(err, -EBADMSG, "netlink: IFLA_VF_INFO without a VF index");
	*ret = v.st;
	return 0;
}

/* ---- RTM_NEWLINK ---- */

struct linkparse {
	struct srp_nl_link l;
	size_t cap;
	struct srp_nl_status *st;
	struct srp_err *err;
};

static int vfinfo_list_attr(uint16_t type, const uint8_t *d, size_t n, void *arg)
{
	struct linkparse *lp = arg;
	struct srp_vf_state vs;
	int r;

	if (type != IFLA_VF_INFO)
		return 0;
	r = parse_vf_info(d, n, &vs, lp->err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < lp->l.n_vfs; i++)
		if (lp->l.vfs[i].index == vs.index)
			return srp_err_set(lp->err, -EBADMSG, "netlink: VF %u is listed twice",
					   vs.index);
	if (lp->l.n_vfs == lp->cap) {
		size_t cap = lp->cap ? lp->cap * 2 : 8;
		struct srp_vf_state *grown = realloc(lp->l.vfs, cap * sizeof(*grown));

		if (grown == NULL)
			return srp_err_set(lp->err, -ENOMEM, "out of memory");
		lp->l.vfs = grown;
		lp->cap = cap;
	}
	lp->l.vfs[lp->l.n_vfs++] = vs;
	return 0;
}

static int link_attr(uint16_t type, const uint8_t *d, size_t n, void *arg)
{
	struct linkparse *lp = arg;
	int r;

	switch (type) {
	case IFLA_IFNAME:
		return srp_nlvf_get_str("IFLA_IFNAME", d, n, lp->l.ifname, sizeof(lp->l.ifname),
					lp->err);
	case IFLA_OPERSTATE:
		r = srp_nlvf_want_len("IFLA_OPERSTATE", n, 1, 1, lp->err);
		if (r == 0)
			lp->l.operstate = d[0];
		return r;
	case IFLA_NUM_VF:
		r = srp_nlvf_want_len("IFLA_NUM_VF", n, 4, 1, lp->err);
		if (r == 0 && srp_nlvf_u32_at(d, 0) > 65535)
			r = srp_err_set(lp->err, -EBADMSG, "netlink: IFLA_NUM_VF is %u",
					srp_nlvf_u32_at(d, 0));
		if (r == 0)
			lp->l.num_vf = (int)srp_nlvf_u32_at(d, 0);
		return r;
	case IFLA_VFINFO_LIST:
		return srp_nlvf_attr_walk(d, n, "IFLA_VFINFO_LIST", vfinfo_list_attr, lp, lp->err);
	}
	return 0;
}

static int link_msg(const struct nlmsghdr *h, const uint8_t *p, size_t len, void *arg)
{
	struct linkparse *lp = arg;
	struct ifinfomsg ifm;

	if (h->nlmsg_type != RTM_NEWLINK)
		return srp_err_set(lp->err, -EBADMSG,
				   "netlink: answer to RTM_GETLINK has type %u", h->nlmsg_type);
	if (len < sizeof(ifm))
		return srp_err_set(lp->err, -EBADMSG, "netlink: RTM_NEWLINK of %zu bytes", len);
	memcpy(&ifm, p, sizeof(ifm));
	lp->l.ifindex = ifm.ifi_index;
	lp->st->done = 1;
	return srp_nlvf_attr_walk(p + NLMSG_ALIGN(sizeof(ifm)), len - NLMSG_ALIGN(sizeof(ifm)),
				  "RTM_NEWLINK", link_attr, lp, lp->err);
}

void srp_nl_link_clear(struct srp_nl_link *l)
{
	free(l->vfs);
	memset(l, 0, sizeof(*l));
}

int srp_nl_parse_getlink(const void *buf, size_t len, uint32_t seq, struct srp_nl_link *ret,
			 struct srp_nl_status *st, struct srp_err *err)
{
	struct linkparse lp = { .st = st, .err = err };
	int r;

	lp.l.operstate = -1;
	lp.l.num_vf = -1;
	r = srp_nlvf_msg_walk(buf, len, seq, link_msg, &lp, st, err);
	if (r < 0 || !st->done || st->error < 0) {
		free(lp.l.vfs);
		return r;
	}
	*ret = lp.l;
	return 0;
}

/* ---- builders ---- */

static bool ifname_ok(const char *ifname)
{
	size_t n = ifname ? strnlen(ifname, IFNAMSIZ) : 0;

	return n > 0 && n < IFNAMSIZ;
}

int srp_nl_build_getlink(void *buf, size_t len, const char *ifname, uint32_t ext_mask,
			 uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;

	if (!ifname_ok(ifname))
		return -EINVAL;
	nlh = srp_nlvf_put_header(buf, len, RTM_GETLINK, NLM_F_REQUEST, seq, sizeof(*ifm));
	if (nlh == NULL)
		return -EMSGSIZE;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	if (!mnl_attr_put_strz_check(nlh, len, IFLA_IFNAME, ifname) ||
	    !mnl_attr_put_u32_check(nlh, len, IFLA_EXT_MASK, ext_mask))
		return -EMSGSIZE;
	return (int)nlh->nlmsg_len;
}

static bool put_vf_attrs(struct nlmsghdr *nlh, size_t len, unsigned int vf,
			 const struct srp_vf_change *c)
{
	bool ok = true;

	/* The kernel applies them in its own fixed order (do_setvfinfo()):
	 * callers wanting an order send one attribute per message. */
	if (c->set & SRP_VF_MAC) {
		struct ifla_vf_mac m = { .vf = vf };

		memcpy(m.mac, c->mac, 6);
		ok = ok && mnl_attr_put_check(nlh, len, IFLA_VF_MAC, sizeof(m), &m);
	}
	if ((c->set & SRP_VF_VLAN) && c->vlan_proto == SRP_VF_PROTO_8021Q) {
		struct ifla_vf_vlan vl = { .vf = vf, .vlan = c->vlan, .qos = c->qos };

		ok = ok && mnl_attr_put_check(nlh, len, IFLA_VF_VLAN, sizeof(vl), &vl);
	} else if (c->set & SRP_VF_VLAN) {
		struct ifla_vf_vlan_info vi = {
			.vf = vf, .vlan = c->vlan, .qos = c->qos, .vlan_proto = htons(c->vlan_proto),
		};
		struct nlattr *list = ok ? mnl_attr_nest_start_check(nlh, len, IFLA_VF_VLAN_LIST) : NULL;

		ok = list != NULL && mnl_attr_put_check(nlh, len, IFLA_VF_VLAN_INFO, sizeof(vi), &vi);
		if (ok)
			mnl_attr_nest_end(nlh, list);
	}
	if (c->set & SRP_VF_MIN_RATE) {
		struct ifla_vf_rate rt = {
			.vf = vf, .min_tx_rate = c->min_tx_rate, .max_tx_rate = c->max_tx_rate,
		};

		ok = ok && mnl_attr_put_check(nlh, len, IFLA_VF_RATE, sizeof(rt), &rt);
	} else if (c->set & SRP_VF_MAX_RATE) {
		struct ifla_vf_tx_rate tr = { .vf = vf, .rate = c->max_tx_rate };

		ok = ok && mnl_attr_put_check(nlh, len, IFLA_VF_TX_RATE, sizeof(tr), &tr);
	}
	if (c->set & SRP_VF_SPOOFCHK) {
		struct ifla_vf_spoofchk s = { .vf = vf, .setting = (uint32_t)c->spoofchk };

		ok = ok && mnl_attr_put_check(nlh, len, IFLA_VF_SPOOFCHK, sizeof(s), &s);
	}
	if (c->set & SRP_VF_LINK_STATE) {
		struct ifla_vf_link_state ls = { .vf = vf, .link_state = (uint32_t)c->link_state };

		ok = ok && mnl_attr_put_check(nlh, len, IFLA_VF_LINK_STATE, sizeof(ls), &ls);
	}
	if (c->set & SRP_VF_QUERY_RSS) {
		struct ifla_vf_rss_query_en q = { .vf = vf, .setting = (uint32_t)c->rss_query_en };

		ok = ok && mnl_attr_put_check(nlh, len, IFLA_VF_RSS_QUERY_EN, sizeof(q), &q);
	}
	if (c->set & SRP_VF_TRUST) {
		struct ifla_vf_trust t = { .vf = vf, .setting = (uint32_t)c->trust };

		ok = ok && mnl_attr_put_check(nlh, len, IFLA_VF_TRUST, sizeof(t), &t);
	}
	return ok;
}

int srp_nl_build_setvf(void *buf, size_t len, const char *ifname, unsigned int vf,
		       const struct srp_vf_change *c, uint32_t seq)
{
	struct nlattr *list, *info;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;

	if (!ifname_ok(ifname) || (c->set & SRP_VF_SETTABLE) == 0)
		return -EINVAL;
	nlh = srp_nlvf_put_header(buf, len, RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, seq,
				  sizeof(*ifm));
	if (nlh == NULL)
		return -EMSGSIZE;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	if (!mnl_attr_put_strz_check(nlh, len, IFLA_IFNAME, ifname))
		return -EMSGSIZE;
	/* IFLA_VFINFO_LIST > IFLA_VF_INFO > IFLA_VF_*, as the kernel expects */
	list = mnl_attr_nest_start_check(nlh, len, IFLA_VFINFO_LIST);
	info = list ? mnl_attr_nest_start_check(nlh, len, IFLA_VF_INFO) : NULL;
	if (info == NULL || !put_vf_attrs(nlh, len, vf, c))
		return -EMSGSIZE;
	mnl_attr_nest_end(nlh, info);
	mnl_attr_nest_end(nlh, list);
	return (int)nlh->nlmsg_len;
}

/* ---- parsing a RTM_SETLINK request back ---- */

struct setparse {
	char ifname[16];
	struct srp_vf_state st;
	int n_info;
	struct srp_err *err;
};

static int setvf_list_attr(uint16_t type, const uint8_t *d, size_t n, void *arg)
{
	struct setparse *sp = arg;

	if (type != IFLA_VF_INFO)
		return 0;
	if (sp->n_info++ > 0)
		return srp_err_set(sp->err, -EBADMSG, "netlink: RTM_SETLINK for more than one VF");
	return parse_vf_info(d, n, &sp->st, sp->err);
}

static int setvf_attr(uint16_t type, const uint8_t *d, size_t n, void *arg)
{
	struct setparse *sp = arg;

	if (type == IFLA_IFNAME)
		return srp_nlvf_get_str("IFLA_IFNAME", d, n, sp->ifname, sizeof(sp->ifname),
					sp->err);
	if (type == IFLA_VFINFO_LIST)
		return srp_nlvf_attr_walk(d, n, "IFLA_VFINFO_LIST", setvf_list_attr, sp, sp->err);
	return 0;
}

int srp_nl_parse_setvf(const void *buf, size_t len, char ret_ifname[16], unsigned int *ret_vf,
		       struct srp_vf_change *ret, struct srp_err *err)
{
	struct setparse sp = { .err = err };
	struct srp_vf_change c = { 0 };
	struct nlmsghdr h;
	const uint8_t *p = buf;
	size_t hl = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ifinfomsg));
	int r;

	if (len < sizeof(h))
		return srp_err_set(err, -EBADMSG, "netlink: truncated message header");
	memcpy(&h, p, sizeof(h));
	if (h.nlmsg_len > len || h.nlmsg_len < hl)
		return srp_err_set(err, -EBADMSG, "netlink: message claims %u bytes of %zu",
				   h.nlmsg_len, len);
	if (h.nlmsg_type != RTM_SETLINK)
		return srp_err_set(err, -EBADMSG, "netlink: type %u is not RTM_SETLINK",
				   h.nlmsg_type);
	r = srp_nlvf_attr_walk(p + hl, h.nlmsg_len - hl, "RTM_SETLINK", setvf_attr, &sp, err);
	if (r < 0)
		return r;
	if (sp.n_info != 1)
		return srp_err_set(err, -EBADMSG, "netlink: RTM_SETLINK without IFLA_VF_INFO");
	c.set = sp.st.known & SRP_VF_SETTABLE;
	/* what srpass builds always sets something; so does a real request */
	if (c.set == 0)
		return srp_err_set(err, -EBADMSG, "netlink: RTM_SETLINK for VF %u sets nothing",
				   sp.st.index);
	memcpy(c.mac, sp.st.mac, 6);
	c.vlan = sp.st.vlan;
	c.qos = sp.st.qos;
	c.vlan_proto = sp.st.vlan_proto;
	c.spoofchk = sp.st.spoofchk;
	c.trust = sp.st.trust;
	c.link_state = sp.st.link_state;
	c.rss_query_en = sp.st.rss_query_en;
	c.min_tx_rate = sp.st.min_tx_rate;
	c.max_tx_rate = sp.st.max_tx_rate;
	memcpy(ret_ifname, sp.ifname, sizeof(sp.ifname));
	*ret_vf = sp.st.index;
	*ret = c;
	return 0;
}
