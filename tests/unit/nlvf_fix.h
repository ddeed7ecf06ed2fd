/* SPDX-License-Identifier: MIT */
/* srpass tests -- kernel-shaped netlink messages for the test_nlvf_* programs */
#ifndef SRP_NLVF_FIX_H
#define SRP_NLVF_FIX_H

/*
 * Generators of what the kernel answers (RTM_NEWLINK with VF info,
 * NLMSG_ERROR, the AF_BRIDGE dump, generic netlink), shared by the
 * codec tests and the fake kernel behind the netlink switch.  They
 * assert with cmocka, so they live here as static inline functions, not
 * in tests/lib (linked into mkhost, which has no cmocka).  This header
 * is where the test_nlvf_* programs get libmnl from.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>

#include "switch/vfswitch.h"

/* ---- a kernel-shaped RTM_NEWLINK generator (rtnl_fill_vfinfo()'s layout) ---- */

struct kvf {
	uint32_t idx;
	uint8_t mac[6];
	uint32_t vlan, qos;
	uint16_t proto;
	uint32_t spoof, trust, rss, link;
	uint32_t min, max;
	uint64_t stats[IFLA_VF_STATS_MAX + 1];
	int no_vlan_list;		/* an old kernel: IFLA_VF_VLAN only */
	int no_rate;			/* an old kernel: IFLA_VF_TX_RATE only */
};

static inline void kvf_default(struct kvf *v, uint32_t idx)
{
	memset(v, 0, sizeof(*v));
	v->idx = idx;
	v->proto = SRP_VF_PROTO_8021Q;
	v->spoof = 1;
	v->rss = UINT32_MAX;		/* igb: not reported */
}

static inline void put_vf(struct nlmsghdr *nlh, size_t len, const struct kvf *v,
			  int skip_stats)
{
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_VF_INFO), *n;
	struct ifla_vf_mac mac = { .vf = v->idx };
	struct ifla_vf_broadcast bc;
	struct ifla_vf_vlan vl = { .vf = v->idx, .vlan = v->vlan, .qos = v->qos };
	struct ifla_vf_rate rt = { .vf = v->idx, .min_tx_rate = v->min, .max_tx_rate = v->max };
	struct ifla_vf_tx_rate tr = { .vf = v->idx, .rate = v->max };
	struct ifla_vf_spoofchk sp = { .vf = v->idx, .setting = v->spoof };
	struct ifla_vf_link_state ls = { .vf = v->idx, .link_state = v->link };
	struct ifla_vf_rss_query_en rq = { .vf = v->idx, .setting = v->rss };
	struct ifla_vf_trust tu = { .vf = v->idx, .setting = v->trust };
	struct ifla_vf_vlan_info vi = {
		.vf = v->idx, .vlan = v->vlan, .qos = v->qos, .vlan_proto = htons(v->proto),
	};

	assert_true(mnl_nlmsg_size(nlh->nlmsg_len) + 512 < len);
	memcpy(mac.mac, v->mac, 6);
	memset(&bc, 0xff, sizeof(bc));
	mnl_attr_put(nlh, IFLA_VF_MAC, sizeof(mac), &mac);
	mnl_attr_put(nlh, IFLA_VF_BROADCAST, sizeof(bc), &bc);
	mnl_attr_put(nlh, IFLA_VF_VLAN, sizeof(vl), &vl);
	if (!v->no_rate)
		mnl_attr_put(nlh, IFLA_VF_RATE, sizeof(rt), &rt);
	mnl_attr_put(nlh, IFLA_VF_TX_RATE, sizeof(tr), &tr);
	mnl_attr_put(nlh, IFLA_VF_SPOOFCHK, sizeof(sp), &sp);
	mnl_attr_put(nlh, IFLA_VF_LINK_STATE, sizeof(ls), &ls);
	mnl_attr_put(nlh, IFLA_VF_RSS_QUERY_EN, sizeof(rq), &rq);
	mnl_attr_put(nlh, IFLA_VF_TRUST, sizeof(tu), &tu);
	if (!v->no_vlan_list) {
		n = mnl_attr_nest_start(nlh, IFLA_VF_VLAN_LIST);
		mnl_attr_put(nlh, IFLA_VF_VLAN_INFO, sizeof(vi), &vi);
		mnl_attr_nest_end(nlh, n);
	}
	if (!skip_stats) {
		n = mnl_attr_nest_start(nlh, IFLA_VF_STATS);
		for (uint16_t t = 0; t <= IFLA_VF_STATS_MAX; t++)
			if (t != IFLA_VF_STATS_PAD)
				mnl_attr_put_u64(nlh, t, v->stats[t]);
		mnl_attr_nest_end(nlh, n);
	}
	mnl_attr_nest_end(nlh, info);
}

/* A complete RTM_NEWLINK; num_vf < 0 leaves IFLA_NUM_VF out.  Returns its
 * length.  Like the kernel, a VF list over 64 KiB wraps its u16 length. */
static inline size_t put_newlink_ext(void *buf, size_t len, uint32_t seq, int ifindex,
				     const char *name, int oper, int num_vf, const struct kvf *vfs,
				     size_t n, int skip_stats)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_seq = seq;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_index = ifindex;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_MTU, 1500);		/* not ours: skipped */
	mnl_attr_put_u8(nlh, IFLA_OPERSTATE, (uint8_t)oper);
	if (num_vf >= 0)
		mnl_attr_put_u32(nlh, IFLA_NUM_VF, (uint32_t)num_vf);
	if (n > 0) {
		struct nlattr *list = mnl_attr_nest_start(nlh, IFLA_VFINFO_LIST);

		for (size_t i = 0; i < n; i++)
			put_vf(nlh, len, &vfs[i], skip_stats);
		mnl_attr_nest_end(nlh, list);
	}
	assert_true(nlh->nlmsg_len <= len);
	return nlh->nlmsg_len;
}

static inline size_t put_newlink(void *buf, size_t len, uint32_t seq, int ifindex,
				 const char *name, int oper, int num_vf, const struct kvf *vfs,
				 size_t n)
{
	return put_newlink_ext(buf, len, seq, ifindex, name, oper, num_vf, vfs, n, 0);
}

static inline size_t put_error(void *buf, uint32_t seq, int error, const char *extack)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *e;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = seq;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = error;
	e->msg.nlmsg_len = 64;		/* the request's header, as NETLINK_CAP_ACK leaves it */
	e->msg.nlmsg_seq = seq;
	if (extack != NULL) {
		nlh->nlmsg_flags |= NLM_F_CAPPED | NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, extack);
	}
	return nlh->nlmsg_len;
}

static inline void two_vfs(struct kvf v[2])
{
	kvf_default(&v[0], 0);
	memcpy(v[0].mac, "\x02\x00\x00\x00\x00\x01", 6);
	v[0].vlan = 100;
	v[0].qos = 3;
	v[0].trust = 1;
	v[0].max = 100;
	v[0].stats[IFLA_VF_STATS_RX_PACKETS] = 10;
	v[0].stats[IFLA_VF_STATS_TX_BYTES] = 1ull << 40;
	v[0].stats[IFLA_VF_STATS_TX_DROPPED] = 7;
	kvf_default(&v[1], 1);
	v[1].vlan = 200;
	v[1].proto = SRP_VF_PROTO_8021AD;
	v[1].spoof = 0;
	v[1].trust = UINT32_MAX;	/* not reported */
	v[1].rss = 1;
	v[1].link = IFLA_VF_LINK_STATE_DISABLE;
	v[1].min = 10;
	v[1].max = 1000;
}

/* ---- AF_BRIDGE ---- */

static inline size_t put_bridge(void *buf, uint32_t seq, int ifindex, int mode, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;
	struct nlattr *spec;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_BRIDGE;
	ifm->ifi_index = ifindex;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "x");
	spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	mnl_attr_put_u16(nlh, IFLA_BRIDGE_FLAGS, BRIDGE_FLAGS_SELF);
	if (mode >= 0)
		mnl_attr_put_u16(nlh, IFLA_BRIDGE_MODE, (uint16_t)mode);
	mnl_attr_nest_end(nlh, spec);
	return nlh->nlmsg_len;
}

static inline size_t put_done(void *buf, uint32_t seq, int error)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = seq;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(int)), &error, sizeof(int));
	return nlh->nlmsg_len;
}

/* ---- generic netlink ---- */

static inline size_t put_genl_answer(void *buf, uint16_t type, uint32_t seq, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = 1;
	return nlh->nlmsg_len;
}

#endif
