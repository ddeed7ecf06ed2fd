/* SPDX-License-Identifier: MIT */
/* srpass tests -- VF netlink codecs, and the netlink switch over a replaying transport */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/devlink.h>
#include <linux/genetlink.h>
#include <linux/if.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>

#include "switch/nlvf.h"
#include "srpass/err.h"
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

static uint32_t blob[32768];		/* 128 KiB, aligned for libmnl */

static void kvf_default(struct kvf *v, uint32_t idx)
{
	memset(v, 0, sizeof(*v));
	v->idx = idx;
	v->proto = SRP_VF_PROTO_8021Q;
	v->spoof = 1;
	v->rss = UINT32_MAX;		/* igb: not reported */
}

static void put_vf(struct nlmsghdr *nlh, size_t len, const struct kvf *v, int skip_stats)
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
static size_t put_newlink_ext(void *buf, size_t len, uint32_t seq, int ifindex, const char *name,
			      int oper, int num_vf, const struct kvf *vfs, size_t n, int skip_stats)
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

static size_t put_newlink(void *buf, size_t len, uint32_t seq, int ifindex, const char *name,
			  int oper, int num_vf, const struct kvf *vfs, size_t n)
{
	return put_newlink_ext(buf, len, seq, ifindex, name, oper, num_vf, vfs, n, 0);
}

static size_t put_error(void *buf, uint32_t seq, int error, const char *extack)
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

static void two_vfs(struct kvf v[2])
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

/* ---- RTM_GETLINK ---- */

static void test_getlink_request(void **state)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)blob;
	struct nlattr *a;
	struct ifinfomsg *ifm;
	int len, seen = 0;

	(void)state;
	len = srp_nl_build_getlink(blob, sizeof(blob), "eth0", RTEXT_FILTER_VF, 42);
	assert_true(len > 0);
	assert_int_equal(nlh->nlmsg_len, len);
	assert_int_equal(nlh->nlmsg_type, RTM_GETLINK);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST);
	assert_int_equal(nlh->nlmsg_seq, 42);
	ifm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifm->ifi_family, AF_UNSPEC);
	assert_int_equal(ifm->ifi_index, 0);
	mnl_attr_for_each(a, nlh, sizeof(*ifm)) {
		if (mnl_attr_get_type(a) == IFLA_IFNAME) {
			assert_string_equal(mnl_attr_get_str(a), "eth0");
			seen |= 1;
		} else if (mnl_attr_get_type(a) == IFLA_EXT_MASK) {
			assert_int_equal(mnl_attr_get_u32(a), RTEXT_FILTER_VF);
			seen |= 2;
		}
	}
	assert_int_equal(seen, 3);
}

static void test_getlink_request_bad_args(void **state)
{
	(void)state;
	assert_int_equal(srp_nl_build_getlink(blob, sizeof(blob), "", 1, 1), -EINVAL);
	assert_int_equal(srp_nl_build_getlink(blob, sizeof(blob), "a123456789abcdef", 1, 1), -EINVAL);
	assert_int_equal(srp_nl_build_getlink(blob, sizeof(blob), NULL, 1, 1), -EINVAL);
	/* header 16, ifinfomsg 16, IFLA_IFNAME 12, IFLA_EXT_MASK 8 */
	for (size_t n = 0; n < 52; n++)
		assert_int_equal(srp_nl_build_getlink(blob, n, "eth0", 1, 1), -EMSGSIZE);
	assert_int_equal(srp_nl_build_getlink(blob, 52, "eth0", 1, 1), 52);
	/* libmnl needs an aligned buffer */
	assert_int_equal(srp_nl_build_getlink((char *)blob + 1, 100, "eth0", 1, 1), -EMSGSIZE);
}

static void test_parse_two_vfs(void **state)
{
	struct srp_nl_link l = { 0 };
	struct srp_nl_status st;
	struct srp_err err = { 0 };
	struct kvf v[2];
	size_t len;

	(void)state;
	two_vfs(v);
	len = put_newlink(blob, sizeof(blob), 9, 4, "eth0", IF_OPER_UP, 2, v, 2);
	assert_int_equal(srp_nl_parse_getlink(blob, len, 9, &l, &st, &err), 0);
	assert_true(st.done);
	assert_int_equal(st.error, 0);
	assert_int_equal(l.ifindex, 4);
	assert_string_equal(l.ifname, "eth0");
	assert_int_equal(l.operstate, IF_OPER_UP);
	assert_int_equal(l.num_vf, 2);
	assert_int_equal(l.n_vfs, 2);

	const struct srp_vf_state *a = &l.vfs[0], *b = &l.vfs[1];

	assert_int_equal(a->index, 0);
	assert_memory_equal(a->mac, "\x02\x00\x00\x00\x00\x01", 6);
	assert_int_equal(a->vlan, 100);
	assert_int_equal(a->qos, 3);
	assert_int_equal(a->vlan_proto, SRP_VF_PROTO_8021Q);
	assert_int_equal(a->spoofchk, 1);
	assert_int_equal(a->trust, 1);
	assert_int_equal(a->link_state, SRP_VF_LINK_AUTO);
	assert_int_equal(a->min_tx_rate, 0);
	assert_int_equal(a->max_tx_rate, 100);
	assert_int_equal(a->rss_query_en, -1);
	assert_int_equal(a->known, (SRP_VF_SETTABLE | SRP_VF_STATS) & ~SRP_VF_QUERY_RSS);
	assert_int_equal(a->stats.rx_packets, 10);
	assert_true(a->stats.tx_bytes == 1ull << 40);
	assert_int_equal(a->stats.tx_dropped, 7);
	assert_int_equal(a->stats.multicast, 0);

	assert_int_equal(b->index, 1);
	assert_int_equal(b->vlan, 200);
	assert_int_equal(b->vlan_proto, SRP_VF_PROTO_8021AD);	/* from IFLA_VF_VLAN_LIST */
	assert_int_equal(b->spoofchk, 0);
	assert_int_equal(b->trust, -1);
	assert_false(b->known & SRP_VF_TRUST);
	assert_int_equal(b->rss_query_en, 1);
	assert_true(b->known & SRP_VF_QUERY_RSS);
	assert_int_equal(b->link_state, SRP_VF_LINK_DISABLE);
	assert_int_equal(b->min_tx_rate, 10);
	assert_int_equal(b->max_tx_rate, 1000);
	srp_nl_link_clear(&l);
	assert_null(l.vfs);
}

static void test_parse_old_kernel_attrs(void **state)
{
	struct srp_nl_link l = { 0 };
	struct srp_nl_status st;
	struct kvf v;
	size_t len;

	(void)state;
	kvf_default(&v, 0);
	v.vlan = 5;
	v.max = 300;
	v.no_vlan_list = 1;
	v.no_rate = 1;
	len = put_newlink(blob, sizeof(blob), 1, 2, "eth1", IF_OPER_DOWN, 1, &v, 1);
	assert_int_equal(srp_nl_parse_getlink(blob, len, 1, &l, &st, NULL), 0);
	assert_int_equal(l.n_vfs, 1);
	assert_int_equal(l.vfs[0].vlan, 5);
	assert_int_equal(l.vfs[0].vlan_proto, SRP_VF_PROTO_8021Q);
	assert_int_equal(l.vfs[0].max_tx_rate, 300);
	assert_true(l.vfs[0].known & SRP_VF_MAX_RATE);
	assert_false(l.vfs[0].known & SRP_VF_MIN_RATE);	/* IFLA_VF_TX_RATE has no min */
	srp_nl_link_clear(&l);
}

static void test_parse_no_vfs(void **state)
{
	struct srp_nl_link l = { 0 };
	struct srp_nl_status st;
	size_t len;

	(void)state;
	/* a veth: no parent device, so neither IFLA_NUM_VF nor a VF list */
	len = put_newlink(blob, sizeof(blob), 3, 7, "veth0", IF_OPER_LOWERLAYERDOWN, -1, NULL, 0);
	assert_int_equal(srp_nl_parse_getlink(blob, len, 3, &l, &st, NULL), 0);
	assert_true(st.done);
	assert_int_equal(l.num_vf, -1);
	assert_int_equal(l.n_vfs, 0);
	assert_null(l.vfs);
	srp_nl_link_clear(&l);
}

/* Wrap a VF_INFO body (raw attributes) in a complete RTM_NEWLINK. */
static size_t newlink_with_info(const void *attrs, size_t alen, int n_info)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(blob);
	struct nlattr *list;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_seq = 1;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_u32(nlh, IFLA_NUM_VF, 4);
	list = mnl_attr_nest_start(nlh, IFLA_VFINFO_LIST);
	for (int i = 0; i < n_info; i++) {
		struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_VF_INFO);

		memcpy((char *)nlh + nlh->nlmsg_len, attrs, alen);
		nlh->nlmsg_len += MNL_ALIGN(alen);
		mnl_attr_nest_end(nlh, info);
	}
	mnl_attr_nest_end(nlh, list);
	return nlh->nlmsg_len;
}

/* Append one attribute with a raw payload to a scratch area. */
static size_t raw_attr(uint8_t *p, uint16_t type, const void *data, uint16_t len)
{
	struct nlattr a = { .nla_len = (uint16_t)(sizeof(a) + len), .nla_type = type };

	memcpy(p, &a, sizeof(a));
	memcpy(p + sizeof(a), data, len);
	memset(p + sizeof(a) + len, 0, MNL_ALIGN(len) - len);
	return sizeof(a) + MNL_ALIGN(len);
}

static void expect_badmsg(size_t len, const char *needle)
{
	struct srp_nl_link l = { 0 };
	struct srp_nl_status st;
	struct srp_err err = { 0 };

	assert_int_equal(srp_nl_parse_getlink(blob, len, 1, &l, &st, &err), -EBADMSG);
	assert_int_equal(err.code, -EBADMSG);
	if (strstr(err.msg, needle) == NULL)
		fail_msg("error '%s' does not mention '%s'", err.msg, needle);
	assert_null(l.vfs);
}

static void test_parse_unknown_attrs_skipped(void **state)
{
	uint8_t attrs[256], odd[20] = { 1, 2, 3 };
	struct ifla_vf_mac mac = { .vf = 2, .mac = { 0x02, 0, 0, 0, 0, 9 } };
	struct srp_nl_link l = { 0 };
	struct srp_nl_status st;
	size_t n = 0, len;

	(void)state;
	n += raw_attr(attrs + n, 200, odd, 7);		/* unknown, odd length */
	n += raw_attr(attrs + n, IFLA_VF_MAC, &mac, sizeof(mac));
	n += raw_attr(attrs + n, IFLA_VF_IB_NODE_GUID, odd, 12);	/* known to Linux, not to us */
	n += raw_attr(attrs + n, 0x7fff, odd, 0);
	len = newlink_with_info(attrs, n, 1);
	assert_int_equal(srp_nl_parse_getlink(blob, len, 1, &l, &st, NULL), 0);
	assert_int_equal(l.n_vfs, 1);
	assert_int_equal(l.vfs[0].index, 2);
	assert_int_equal(l.vfs[0].known, SRP_VF_MAC);
	assert_int_equal(l.vfs[0].mac[5], 9);
	srp_nl_link_clear(&l);
}

static void test_parse_malformed(void **state)
{
	uint8_t attrs[256];
	struct ifla_vf_mac mac = { .vf = 0 };
	struct ifla_vf_spoofchk sp = { .vf = 1, .setting = 1 };
	struct ifla_vf_vlan vl = { .vf = 0, .vlan = 5000 };
	struct ifla_vf_link_state ls = { .vf = 0, .link_state = 7 };
	size_t n;

	(void)state;
	/* a wrong-length IFLA_VF_MAC */
	n = raw_attr(attrs, IFLA_VF_MAC, &mac, 8);
	expect_badmsg(newlink_with_info(attrs, n, 1), "IFLA_VF_MAC has 8 bytes");
	/* attributes of one IFLA_VF_INFO naming different VFs */
	n = raw_attr(attrs, IFLA_VF_MAC, &mac, sizeof(mac));
	n += raw_attr(attrs + n, IFLA_VF_SPOOFCHK, &sp, sizeof(sp));
	expect_badmsg(newlink_with_info(attrs, n, 1), "mixes VF 0 and VF 1");
	/* the same VF twice */
	n = raw_attr(attrs, IFLA_VF_MAC, &mac, sizeof(mac));
	expect_badmsg(newlink_with_info(attrs, n, 2), "VF 0 is listed twice");
	/* an IFLA_VF_INFO without any attribute carrying an index */
	expect_badmsg(newlink_with_info(attrs, 0, 1), "without a VF index");
	/* impossible values */
	n = raw_attr(attrs, IFLA_VF_VLAN, &vl, sizeof(vl));
	expect_badmsg(newlink_with_info(attrs, n, 1), "vlan 5000");
	n = raw_attr(attrs, IFLA_VF_LINK_STATE, &ls, sizeof(ls));
	expect_badmsg(newlink_with_info(attrs, n, 1), "link state 7");
	/* an attribute claiming more than its nest holds */
	n = raw_attr(attrs, IFLA_VF_MAC, &mac, sizeof(mac));
	((struct nlattr *)attrs)->nla_len = 200;
	expect_badmsg(newlink_with_info(attrs, n, 1), "claims 200 bytes");
	/* a nla_len below the header size */
	((struct nlattr *)attrs)->nla_len = 2;
	expect_badmsg(newlink_with_info(attrs, n, 1), "claims 2 bytes");
}

static void test_parse_bad_headers(void **state)
{
	struct srp_nl_link l = { 0 };
	struct srp_nl_status st;
	struct srp_err err = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)blob;
	size_t len;

	(void)state;
	assert_int_equal(srp_nl_parse_getlink(blob, 0, 1, &l, &st, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "empty"));
	len = put_newlink(blob, sizeof(blob), 1, 1, "eth0", IF_OPER_UP, 0, NULL, 0);
	nlh->nlmsg_len = 10;
	srp_err_clear(&err);
	assert_int_equal(srp_nl_parse_getlink(blob, len, 1, &l, &st, &err), -EBADMSG);
	/* a RTM_NEWLINK too short for its ifinfomsg */
	nlh->nlmsg_len = NLMSG_HDRLEN + 8;
	srp_err_clear(&err);
	assert_int_equal(srp_nl_parse_getlink(blob, len, 1, &l, &st, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "RTM_NEWLINK of 8 bytes"));
	/* the wrong answer */
	nlh->nlmsg_len = (uint32_t)len;
	nlh->nlmsg_type = RTM_NEWADDR;
	srp_err_clear(&err);
	assert_int_equal(srp_nl_parse_getlink(blob, len, 1, &l, &st, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "has type"));
	assert_null(l.vfs);
}

static void test_parse_truncated_everywhere(void **state)
{
	struct srp_nl_status st;
	struct kvf v[2];
	size_t len;

	(void)state;
	two_vfs(v);
	len = put_newlink(blob, sizeof(blob), 5, 4, "eth0", IF_OPER_UP, 2, v, 2);
	for (size_t cut = 0; cut < len; cut++) {
		/* an exact-size heap copy, so ASan sees any read past the end */
		uint8_t *p = malloc(cut ? cut : 1);
		struct srp_nl_link l = { 0 };
		int r;

		memcpy(p, blob, cut);
		/* the datagram is short */
		r = srp_nl_parse_getlink(p, cut, 5, &l, &st, NULL);
		assert_int_equal(r, -EBADMSG);
		/* the message agrees with the datagram, its attributes do not */
		if (cut >= NLMSG_HDRLEN) {
			struct nlmsghdr h;

			memcpy(&h, p, sizeof(h));
			h.nlmsg_len = (uint32_t)cut;
			memcpy(p, &h, sizeof(h));
			r = srp_nl_parse_getlink(p, cut, 5, &l, &st, NULL);
			assert_true(r == -EBADMSG || r == 0);
			if (r == 0)
				srp_nl_link_clear(&l);
		}
		free(p);
	}
}

static void test_parse_fuzz(void **state)
{
	struct srp_nl_status st;
	struct kvf v[2];
	uint32_t seed = 12345;
	size_t len;

	(void)state;
	two_vfs(v);
	len = put_newlink(blob, sizeof(blob), 5, 4, "eth0", IF_OPER_UP, 2, v, 2);
	for (int i = 0; i < 20000; i++) {
		uint8_t *p = malloc(len);
		struct srp_nl_link l = { 0 };
		int r;

		memcpy(p, blob, len);
		for (int k = 0; k < 1 + i % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			p[(seed >> 8) % len] = (uint8_t)(seed >> 24);
		}
		r = srp_nl_parse_getlink(p, len, 5, &l, &st, NULL);
		assert_true(r == 0 || r == -EBADMSG);
		srp_nl_link_clear(&l);
		free(p);
	}
}

static void test_parse_stale_seq_skipped(void **state)
{
	struct srp_nl_link l = { 0 };
	struct srp_nl_status st;
	struct kvf v;
	size_t a, b;

	(void)state;
	kvf_default(&v, 0);
	a = put_newlink(blob, sizeof(blob), 5, 4, "old0", IF_OPER_UP, 1, &v, 1);
	b = put_newlink((char *)blob + a, sizeof(blob) - a, 6, 4, "eth0", IF_OPER_UP, 1, &v, 1);
	assert_int_equal(srp_nl_parse_getlink(blob, a + b, 6, &l, &st, NULL), 0);
	assert_true(st.done);
	assert_string_equal(l.ifname, "eth0");
	srp_nl_link_clear(&l);
	/* only a stale answer: nothing yet, and *ret untouched */
	l.ifindex = 99;
	assert_int_equal(srp_nl_parse_getlink(blob, a, 6, &l, &st, NULL), 0);
	assert_false(st.done);
	assert_int_equal(l.ifindex, 99);
}

static void test_parse_error_answer(void **state)
{
	struct srp_nl_link l = { .ifindex = 77 };
	struct srp_nl_status st;
	struct srp_err err = { 0 };
	size_t len;

	(void)state;
	len = put_error(blob, 8, -ENODEV, NULL);
	assert_int_equal(srp_nl_parse_getlink(blob, len, 8, &l, &st, &err), 0);
	assert_true(st.done);
	assert_int_equal(st.error, -ENODEV);
	assert_string_equal(st.extack, "");
	assert_int_equal(l.ifindex, 77);
	assert_int_equal(err.code, 0);

	/* an extended ack with the kernel's reason */
	len = put_error(blob, 8, -EINVAL, "VF out of range");
	assert_int_equal(srp_nl_parse_ack(blob, len, 8, &st, &err), 0);
	assert_int_equal(st.error, -EINVAL);
	assert_string_equal(st.extack, "VF out of range");
}

static void test_parse_error_uncapped(void **state)
{
	struct nlmsghdr *nlh;
	struct srp_nl_status st;
	int req;

	(void)state;
	/* Without NETLINK_CAP_ACK the request comes back before the TLVs. */
	req = srp_nl_build_getlink((char *)blob + 1024, 1024, "eth0", 1, 3);
	assert_true(req > 0);
	nlh = mnl_nlmsg_put_header(blob);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = 3;
	nlh->nlmsg_flags = NLM_F_ACK_TLVS;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(int)), &(int){ -EOPNOTSUPP }, sizeof(int));
	memcpy(mnl_nlmsg_put_extra_header(nlh, (size_t)req), (char *)blob + 1024, (size_t)req);
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "no can do\n");
	assert_int_equal(srp_nl_parse_ack(blob, nlh->nlmsg_len, 3, &st, NULL), 0);
	assert_int_equal(st.error, -EOPNOTSUPP);
	assert_string_equal(st.extack, "no can do");
}

static void test_parse_ack(void **state)
{
	struct srp_nl_status st;
	struct srp_err err = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)blob;
	size_t len;

	(void)state;
	len = put_error(blob, 4, 0, NULL);
	assert_int_equal(srp_nl_parse_ack(blob, len, 4, &st, &err), 0);
	assert_true(st.done);
	assert_int_equal(st.error, 0);
	len = put_error(blob, 4, -EOPNOTSUPP, NULL);
	assert_int_equal(srp_nl_parse_ack(blob, len, 4, &st, &err), 0);
	assert_int_equal(st.error, -EOPNOTSUPP);
	/* an NLMSG_ERROR too short for struct nlmsgerr */
	nlh->nlmsg_len = NLMSG_HDRLEN + 4;
	assert_int_equal(srp_nl_parse_ack(blob, nlh->nlmsg_len, 4, &st, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "NLMSG_ERROR of 4 bytes"));
	/* a positive error is no errno */
	len = put_error(blob, 4, 5, NULL);
	srp_err_clear(&err);
	assert_int_equal(srp_nl_parse_ack(blob, len, 4, &st, &err), -EBADMSG);
	/* something else where an ack belongs */
	len = put_newlink(blob, sizeof(blob), 4, 1, "eth0", IF_OPER_UP, -1, NULL, 0);
	srp_err_clear(&err);
	assert_int_equal(srp_nl_parse_ack(blob, len, 4, &st, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "expected an ack"));
}

/* ---- RTM_SETLINK ---- */

static void change_all(struct srp_vf_change *c)
{
	memset(c, 0, sizeof(*c));
	c->set = SRP_VF_SETTABLE;
	memcpy(c->mac, "\x02\xaa\xbb\xcc\xdd\xee", 6);
	c->vlan = 4095;
	c->qos = 7;
	c->vlan_proto = SRP_VF_PROTO_8021Q;
	c->spoofchk = 1;
	c->trust = 1;
	c->link_state = SRP_VF_LINK_ENABLE;
	c->rss_query_en = 1;
	c->min_tx_rate = 5;
	c->max_tx_rate = 50;
}

/* The IFLA_VF_* types inside the one IFLA_VF_INFO of a request, as a bit set. */
static unsigned int vf_attr_types(const struct nlmsghdr *nlh)
{
	struct nlattr *a, *l, *i;
	unsigned int types = 0;

	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg))
		if (mnl_attr_get_type(a) == IFLA_VFINFO_LIST)
			mnl_attr_for_each_nested(l, a)
				mnl_attr_for_each_nested(i, l)
					types |= 1u << mnl_attr_get_type(i);
	return types;
}

static void test_setvf_roundtrip_all(void **state)
{
	struct srp_vf_change c, back;
	struct nlmsghdr *nlh = (struct nlmsghdr *)blob;
	struct srp_err err = { 0 };
	char ifname[16];
	unsigned int vf = 0;
	int len;

	(void)state;
	change_all(&c);
	len = srp_nl_build_setvf(blob, sizeof(blob), "enp3s0f0", 6, &c, 77);
	assert_true(len > 0);
	assert_int_equal(nlh->nlmsg_type, RTM_SETLINK);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	assert_int_equal(nlh->nlmsg_seq, 77);
	assert_int_equal(vf_attr_types(nlh),
			 1u << IFLA_VF_MAC | 1u << IFLA_VF_VLAN | 1u << IFLA_VF_RATE |
			 1u << IFLA_VF_SPOOFCHK | 1u << IFLA_VF_LINK_STATE |
			 1u << IFLA_VF_RSS_QUERY_EN | 1u << IFLA_VF_TRUST);
	assert_int_equal(srp_nl_parse_setvf(blob, (size_t)len, ifname, &vf, &back, &err), 0);
	assert_string_equal(ifname, "enp3s0f0");
	assert_int_equal(vf, 6);
	assert_int_equal(back.set, SRP_VF_SETTABLE);
	assert_memory_equal(back.mac, c.mac, 6);
	assert_int_equal(back.vlan, 4095);
	assert_int_equal(back.qos, 7);
	assert_int_equal(back.vlan_proto, SRP_VF_PROTO_8021Q);
	assert_int_equal(back.spoofchk, 1);
	assert_int_equal(back.trust, 1);
	assert_int_equal(back.link_state, SRP_VF_LINK_ENABLE);
	assert_int_equal(back.rss_query_en, 1);
	assert_int_equal(back.min_tx_rate, 5);
	assert_int_equal(back.max_tx_rate, 50);
}

static void test_setvf_roundtrip_each(void **state)
{
	static const struct {
		unsigned int attr;
		unsigned int types;
	} cases[] = {
		{ SRP_VF_MAC, 1u << IFLA_VF_MAC },
		{ SRP_VF_VLAN, 1u << IFLA_VF_VLAN },
		{ SRP_VF_SPOOFCHK, 1u << IFLA_VF_SPOOFCHK },
		{ SRP_VF_TRUST, 1u << IFLA_VF_TRUST },
		{ SRP_VF_LINK_STATE, 1u << IFLA_VF_LINK_STATE },
		{ SRP_VF_QUERY_RSS, 1u << IFLA_VF_RSS_QUERY_EN },
		{ SRP_VF_MAX_RATE, 1u << IFLA_VF_TX_RATE },	/* the kernel keeps min */
		{ SRP_VF_MIN_RATE, 1u << IFLA_VF_RATE },
		{ SRP_VF_MIN_RATE | SRP_VF_MAX_RATE, 1u << IFLA_VF_RATE },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct srp_vf_change c, back;
		char ifname[16];
		unsigned int vf;
		int len;

		change_all(&c);
		c.set = cases[i].attr;
		c.spoofchk = 0;		/* "off" must survive too */
		len = srp_nl_build_setvf(blob, sizeof(blob), "eth0", 3, &c, 1);
		assert_true(len > 0);
		assert_int_equal(vf_attr_types((struct nlmsghdr *)blob), cases[i].types);
		assert_int_equal(srp_nl_parse_setvf(blob, (size_t)len, ifname, &vf, &back, NULL), 0);
		assert_int_equal(vf, 3);
		/* a min-only request carries the caller's max with it */
		assert_int_equal(back.set, cases[i].attr == SRP_VF_MIN_RATE ?
				 SRP_VF_MIN_RATE | SRP_VF_MAX_RATE : cases[i].attr);
		if (c.set & SRP_VF_SPOOFCHK)
			assert_int_equal(back.spoofchk, 0);
		if (c.set & SRP_VF_MAX_RATE)
			assert_int_equal(back.max_tx_rate, 50);
	}
}

static void test_setvf_8021ad_uses_vlan_list(void **state)
{
	struct srp_vf_change c = { .set = SRP_VF_VLAN, .vlan = 200, .qos = 1,
				   .vlan_proto = SRP_VF_PROTO_8021AD };
	struct srp_vf_change back;
	char ifname[16];
	unsigned int vf;
	int len;

	(void)state;
	len = srp_nl_build_setvf(blob, sizeof(blob), "eth0", 0, &c, 1);
	assert_true(len > 0);
	assert_int_equal(vf_attr_types((struct nlmsghdr *)blob), 1u << IFLA_VF_VLAN_LIST);
	assert_int_equal(srp_nl_parse_setvf(blob, (size_t)len, ifname, &vf, &back, NULL), 0);
	assert_int_equal(back.set, SRP_VF_VLAN);
	assert_int_equal(back.vlan, 200);
	assert_int_equal(back.qos, 1);
	assert_int_equal(back.vlan_proto, SRP_VF_PROTO_8021AD);
}

static void test_setvf_buffer_too_small(void **state)
{
	struct srp_vf_change c;
	int full;

	(void)state;
	change_all(&c);
	full = srp_nl_build_setvf(blob, sizeof(blob), "eth0", 0, &c, 1);
	assert_true(full > 0);
	for (int n = 0; n < full; n++)
		assert_int_equal(srp_nl_build_setvf(blob, (size_t)n, "eth0", 0, &c, 1), -EMSGSIZE);
	assert_int_equal(srp_nl_build_setvf(blob, (size_t)full, "eth0", 0, &c, 1), full);
	assert_int_equal(srp_nl_build_setvf(blob, sizeof(blob), "", 0, &c, 1), -EINVAL);
}

static void test_setvf_parse_rejects(void **state)
{
	struct srp_vf_change c = { .set = SRP_VF_TRUST, .trust = 1 }, back;
	struct srp_err err = { 0 };
	char ifname[16];
	unsigned int vf;
	int len;

	(void)state;
	len = srp_nl_build_getlink(blob, sizeof(blob), "eth0", 1, 1);
	assert_int_equal(srp_nl_parse_setvf(blob, (size_t)len, ifname, &vf, &back, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "not RTM_SETLINK"));
	len = srp_nl_build_setvf(blob, sizeof(blob), "eth0", 1, &c, 1);
	for (int n = 0; n < len; n++)
		assert_int_equal(srp_nl_parse_setvf(blob, (size_t)n, ifname, &vf, &back, NULL),
				 -EBADMSG);
}

/* ---- AF_BRIDGE ---- */

static size_t put_bridge(void *buf, uint32_t seq, int ifindex, int mode, uint16_t flags)
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

static size_t put_done(void *buf, uint32_t seq, int error)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = seq;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(int)), &error, sizeof(int));
	return nlh->nlmsg_len;
}

static void test_bridge_dump(void **state)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)blob;
	struct srp_nl_status st;
	struct srp_err err = { 0 };
	uint8_t *p = (uint8_t *)blob;
	size_t len = 0;
	int mode = -1;

	(void)state;
	assert_true(srp_nl_build_bridge_dump(blob, sizeof(blob), 11) > 0);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(((struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_family, AF_BRIDGE);

	len += put_bridge(p + len, 11, 3, BRIDGE_MODE_VEPA, NLM_F_MULTI);
	len += put_bridge(p + len, 11, 5, BRIDGE_MODE_VEB, NLM_F_MULTI);
	/* first datagram: no NLMSG_DONE yet */
	assert_int_equal(srp_nl_parse_bridge(blob, len, 11, 3, &mode, &st, &err), 0);
	assert_false(st.done);
	assert_int_equal(mode, BRIDGE_MODE_VEPA);
	mode = -1;
	len += put_done(p + len, 11, 0);
	assert_int_equal(srp_nl_parse_bridge(blob, len, 11, 5, &mode, &st, &err), 0);
	assert_true(st.done);
	assert_int_equal(mode, BRIDGE_MODE_VEB);
	/* a device that is not there (igb has no ndo_bridge_getlink) */
	mode = -1;
	assert_int_equal(srp_nl_parse_bridge(blob, len, 11, 9, &mode, &st, &err), 0);
	assert_true(st.done);
	assert_int_equal(mode, -1);
	/* a message without IFLA_BRIDGE_MODE leaves it alone */
	len = put_bridge(p, 11, 9, -1, NLM_F_MULTI);
	len += put_done(p + len, 11, 0);
	assert_int_equal(srp_nl_parse_bridge(blob, len, 11, 9, &mode, &st, &err), 0);
	assert_int_equal(mode, -1);
	/* a failed dump */
	len = put_done(p, 11, -EOPNOTSUPP);
	assert_int_equal(srp_nl_parse_bridge(blob, len, 11, 9, &mode, &st, &err), 0);
	assert_true(st.done);
	assert_int_equal(st.error, -EOPNOTSUPP);
	/* IFLA_BRIDGE_MODE of the wrong size */
	len = put_bridge(p, 11, 9, BRIDGE_MODE_VEB, NLM_F_MULTI);
	{
		/* grow the u16 to a u32 in place: the mode is the last attribute */
		struct nlattr *a = (struct nlattr *)(p + len - 8);

		assert_int_equal(a->nla_type, IFLA_BRIDGE_MODE);
		a->nla_len = 8;
	}
	assert_int_equal(srp_nl_parse_bridge(blob, len, 11, 9, &mode, &st, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "IFLA_BRIDGE_MODE has 4 bytes"));
}

/* ---- generic netlink ---- */

static size_t put_genl_answer(void *buf, uint16_t type, uint32_t seq, uint8_t cmd)
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

static void test_getfamily(void **state)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)blob;
	struct genlmsghdr *g;
	struct srp_nl_status st;
	struct srp_err err = { 0 };
	struct nlattr *a;
	uint16_t id = 0;
	size_t len;

	(void)state;
	assert_true(srp_nl_build_getfamily(blob, sizeof(blob), "devlink", 2) > 0);
	assert_int_equal(nlh->nlmsg_type, GENL_ID_CTRL);
	g = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(g->cmd, CTRL_CMD_GETFAMILY);
	a = mnl_nlmsg_get_payload_offset(nlh, sizeof(*g));
	assert_int_equal(mnl_attr_get_type(a), CTRL_ATTR_FAMILY_NAME);
	assert_string_equal(mnl_attr_get_str(a), "devlink");
	assert_int_equal(srp_nl_build_getfamily(blob, sizeof(blob), "", 2), -EINVAL);

	put_genl_answer(blob, GENL_ID_CTRL, 2, CTRL_CMD_NEWFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "devlink");
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x1c);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, 1);
	len = nlh->nlmsg_len;
	assert_int_equal(srp_nl_parse_getfamily(blob, len, 2, &id, &st, &err), 0);
	assert_true(st.done);
	assert_int_equal(id, 0x1c);

	len = put_error(blob, 2, -ENOENT, NULL);
	id = 0;
	assert_int_equal(srp_nl_parse_getfamily(blob, len, 2, &id, &st, &err), 0);
	assert_int_equal(st.error, -ENOENT);
	assert_int_equal(id, 0);

	len = put_genl_answer(blob, GENL_ID_CTRL, 2, CTRL_CMD_NEWFAMILY);
	assert_int_equal(srp_nl_parse_getfamily(blob, len, 2, &id, &st, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "without CTRL_ATTR_FAMILY_ID"));

	put_genl_answer(blob, GENL_ID_CTRL, 2, CTRL_CMD_NEWFAMILY);
	mnl_attr_put_u32(nlh, CTRL_ATTR_FAMILY_ID, 0x1c);
	srp_err_clear(&err);
	assert_int_equal(srp_nl_parse_getfamily(blob, nlh->nlmsg_len, 2, &id, &st, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "CTRL_ATTR_FAMILY_ID has 4 bytes"));

	/* shorter than its genlmsghdr */
	nlh->nlmsg_len = NLMSG_HDRLEN + 2;
	assert_int_equal(srp_nl_parse_getfamily(blob, nlh->nlmsg_len, 2, &id, &st, NULL), -EBADMSG);
}

static void test_eswitch(void **state)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)blob;
	struct srp_nl_status st;
	struct nlattr *a;
	int mode = -1, seen = 0;
	size_t len;

	(void)state;
	assert_true(srp_nl_build_eswitch_get(blob, sizeof(blob), 0x1c, "pci", "0000:03:00.0", 5) > 0);
	assert_int_equal(nlh->nlmsg_type, 0x1c);
	assert_int_equal(((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd,
			 DEVLINK_CMD_ESWITCH_GET);
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == DEVLINK_ATTR_BUS_NAME) {
			assert_string_equal(mnl_attr_get_str(a), "pci");
			seen |= 1;
		}
		if (mnl_attr_get_type(a) == DEVLINK_ATTR_DEV_NAME) {
			assert_string_equal(mnl_attr_get_str(a), "0000:03:00.0");
			seen |= 2;
		}
	}
	assert_int_equal(seen, 3);
	assert_int_equal(srp_nl_build_eswitch_get(blob, sizeof(blob), 0, "pci", "x", 5), -EINVAL);

	put_genl_answer(blob, 0x1c, 5, DEVLINK_CMD_ESWITCH_GET);
	mnl_attr_put_strz(nlh, DEVLINK_ATTR_BUS_NAME, "pci");
	mnl_attr_put_strz(nlh, DEVLINK_ATTR_DEV_NAME, "0000:03:00.0");
	mnl_attr_put_u16(nlh, DEVLINK_ATTR_ESWITCH_MODE, DEVLINK_ESWITCH_MODE_SWITCHDEV);
	mnl_attr_put_u8(nlh, DEVLINK_ATTR_ESWITCH_INLINE_MODE, 0);
	assert_int_equal(srp_nl_parse_eswitch(blob, nlh->nlmsg_len, 5, &mode, &st, NULL), 0);
	assert_true(st.done);
	assert_int_equal(mode, DEVLINK_ESWITCH_MODE_SWITCHDEV);

	len = put_error(blob, 5, -ENODEV, NULL);
	mode = -1;
	assert_int_equal(srp_nl_parse_eswitch(blob, len, 5, &mode, &st, NULL), 0);
	assert_int_equal(st.error, -ENODEV);
	assert_int_equal(mode, -1);
}

/* ---- the netlink switch over a fake kernel behind the transport ---- */

/*
 * The fake kernel answers what the switch sends, from its own VF table:
 * RTM_GETLINK, RTM_SETLINK (with per-attribute refusals, like igb), the
 * AF_BRIDGE dump and generic netlink.  Answers queue up for recv().
 */
struct fake_kernel {
	struct srp_nl_transport t;
	char ifname[16];
	int ifindex, oper;
	struct kvf vfs[256];
	unsigned int n;
	unsigned int refuse;		/* SRP_VF_* bits answered with refuse_errno */
	int refuse_errno;
	int refuse_zero_mac;		/* EINVAL for 00:00:00:00:00:00 (some drivers) */
	int hwmode;			/* -1: not in the bridge dump */
	int short_with_stats;		/* list half the VFs unless asked to skip stats */
	int have_devlink;
	struct srp_vf_change sent[16];	/* the RTM_SETLINK requests, decoded */
	unsigned int sent_vf[16];
	int n_sent;
	uint8_t *q[8];			/* queued datagrams */
	size_t qlen[8];
	int nq;
};

static void fk_queue(struct fake_kernel *k, const void *p, size_t len)
{
	assert_true(k->nq < 8);
	k->q[k->nq] = malloc(len);
	memcpy(k->q[k->nq], p, len);
	k->qlen[k->nq++] = len;
}

static int fk_setvf(struct fake_kernel *k, const void *buf, size_t len)
{
	struct srp_vf_change c;
	char ifname[16];
	unsigned int vf;
	struct kvf *v;

	assert_int_equal(srp_nl_parse_setvf(buf, len, ifname, &vf, &c, NULL), 0);
	assert_true(k->n_sent < 16);
	k->sent[k->n_sent] = c;
	k->sent_vf[k->n_sent++] = vf;
	if (strcmp(ifname, k->ifname) != 0)
		return -ENODEV;
	if (vf >= k->n)
		return -EINVAL;
	if (c.set & k->refuse)
		return k->refuse_errno;
	if ((c.set & SRP_VF_MAC) && k->refuse_zero_mac && memcmp(c.mac, "\0\0\0\0\0\0", 6) == 0)
		return -EINVAL;
	v = &k->vfs[vf];
	if (c.set & SRP_VF_MAC)
		memcpy(v->mac, c.mac, 6);
	if (c.set & SRP_VF_VLAN) {
		v->vlan = c.vlan;
		v->qos = c.qos;
		v->proto = c.vlan_proto;
	}
	if (c.set & SRP_VF_SPOOFCHK)
		v->spoof = (uint32_t)c.spoofchk;
	if (c.set & SRP_VF_TRUST)
		v->trust = (uint32_t)c.trust;
	if (c.set & SRP_VF_LINK_STATE)
		v->link = (uint32_t)c.link_state;
	if (c.set & SRP_VF_QUERY_RSS)
		v->rss = (uint32_t)c.rss_query_en;
	if (c.set & SRP_VF_MIN_RATE)
		v->min = c.min_tx_rate;
	if (c.set & SRP_VF_MAX_RATE)
		v->max = c.max_tx_rate;
	return 0;
}

static int fk_send(struct srp_nl_transport *t, int bus, const void *buf, size_t len)
{
	struct fake_kernel *k = t->data;
	const struct nlmsghdr *nlh = buf;
	static uint32_t out[65536];
	uint8_t *o = (uint8_t *)out;
	size_t n = 0;

	if (bus == NETLINK_GENERIC) {
		if (nlh->nlmsg_type == GENL_ID_CTRL && !k->have_devlink) {
			n = put_error(out, nlh->nlmsg_seq, -ENOENT, NULL);
		} else if (nlh->nlmsg_type == GENL_ID_CTRL) {
			struct nlmsghdr *a = (struct nlmsghdr *)out;

			put_genl_answer(out, GENL_ID_CTRL, nlh->nlmsg_seq, CTRL_CMD_NEWFAMILY);
			mnl_attr_put_u16(a, CTRL_ATTR_FAMILY_ID, 0x1c);
			n = a->nlmsg_len;
		} else {
			n = put_error(out, nlh->nlmsg_seq, -ENODEV, NULL);
		}
		fk_queue(k, out, n);
		return 0;
	}
	if (nlh->nlmsg_type == RTM_SETLINK) {
		n = put_error(out, nlh->nlmsg_seq, fk_setvf(k, buf, len), NULL);
	} else if (nlh->nlmsg_flags & NLM_F_DUMP) {
		if (k->hwmode >= 0) {
			n = put_bridge(o, nlh->nlmsg_seq, k->ifindex, k->hwmode, NLM_F_MULTI);
			fk_queue(k, out, n);	/* the dump spans two datagrams */
		}
		n = put_done(out, nlh->nlmsg_seq, 0);
	} else {
		const struct nlattr *a;
		const char *name = NULL;
		uint32_t mask = 0;

		mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg)) {
			if (mnl_attr_get_type(a) == IFLA_IFNAME)
				name = mnl_attr_get_str(a);
			if (mnl_attr_get_type(a) == IFLA_EXT_MASK)
				mask = mnl_attr_get_u32(a);
		}
		assert_non_null(name);
		if (strcmp(name, k->ifname) != 0)
			n = put_error(out, nlh->nlmsg_seq, -ENODEV, NULL);
		else
			n = put_newlink_ext(out, sizeof(out), nlh->nlmsg_seq, k->ifindex, k->ifname,
					    k->oper, (int)k->n, k->vfs,
					    k->short_with_stats && !(mask & RTEXT_FILTER_SKIP_STATS) ?
					    k->n / 2 : k->n, (mask & RTEXT_FILTER_SKIP_STATS) != 0);
	}
	fk_queue(k, out, n);
	return 0;
}

static ssize_t fk_recv(struct srp_nl_transport *t, int bus, void *buf, size_t len)
{
	struct fake_kernel *k = t->data;
	size_t n;

	(void)bus;
	if (k->nq == 0)
		return -EAGAIN;
	n = k->qlen[0];
	if (n > len)
		return (ssize_t)n;	/* stays queued: the caller grows its buffer */
	memcpy(buf, k->q[0], n);
	free(k->q[0]);
	memmove(k->q, k->q + 1, (size_t)(k->nq - 1) * sizeof(k->q[0]));
	memmove(k->qlen, k->qlen + 1, (size_t)(k->nq - 1) * sizeof(k->qlen[0]));
	k->nq--;
	return (ssize_t)n;
}

static void fk_close(struct srp_nl_transport *t)
{
	struct fake_kernel *k = t->data;

	while (k->nq > 0)
		free(k->q[--k->nq]);
	free(k);
}

static const struct srp_nl_transport_ops fk_ops = {
	.send = fk_send,
	.recv = fk_recv,
	.close = fk_close,
};

/* The switch under test and the fake kernel it talks to (owned by the switch). */
struct fixture {
	struct srp_switch *sw;
	struct fake_kernel *k;
};

static int fk_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct fake_kernel *k = calloc(1, sizeof(*k));

	k->t.ops = &fk_ops;
	k->t.data = k;
	strcpy(k->ifname, "eth0");
	k->ifindex = 4;
	k->oper = IF_OPER_UP;
	k->n = 2;
	two_vfs(k->vfs);
	k->hwmode = -1;
	assert_int_equal(srp_switch_nl_new(NULL, &k->t, &f->sw, NULL), 0);
	f->k = k;
	*state = f;
	return 0;
}

static int fk_teardown(void **state)
{
	struct fixture *f = *state;

	srp_switch_close(f->sw);	/* closes the transport: frees the fake kernel */
	free(f);
	return 0;
}

static void test_nl_get_vfs(void **state)
{
	struct srp_switch *sw = ((struct fixture *)*state)->sw;
	struct srp_vf_table t = { 0 };
	struct srp_err err = { 0 };

	assert_int_equal(srp_switch_get_vfs(sw, "eth0", &t, &err), 0);
	assert_string_equal(t.pf, "eth0");
	assert_int_equal(t.ifindex, 4);
	assert_int_equal(t.link_up, 1);
	assert_int_equal(t.num_vfs, 2);
	assert_int_equal(t.n, 2);
	assert_int_equal(t.vfs[0].vlan, 100);
	assert_int_equal(t.vfs[1].vlan_proto, SRP_VF_PROTO_8021AD);
	srp_vf_table_free(&t);

	assert_int_equal(srp_switch_get_vfs(sw, "eth9", &t, &err), -ENODEV);
	assert_string_equal(err.msg, "no network interface 'eth9'");
	srp_err_clear(&err);
	assert_int_equal(srp_switch_get_vfs(sw, "../x", &t, &err), -EINVAL);
}

static void test_nl_get_vfs_large_answer(void **state)
{
	struct fixture *f = *state;
	struct srp_switch *sw = f->sw;
	struct fake_kernel *k = f->k;
	struct srp_vf_table t = { 0 };

	/* about 45 KiB of VF info: more than the first receive buffer */
	k->n = 150;
	for (unsigned int i = 0; i < k->n; i++) {
		kvf_default(&k->vfs[i], i);
		k->vfs[i].vlan = i + 1;
	}
	assert_int_equal(srp_switch_get_vfs(sw, "eth0", &t, NULL), 0);
	assert_int_equal(t.n, 150);
	assert_int_equal(t.vfs[149].index, 149);
	assert_int_equal(t.vfs[149].vlan, 150);
	srp_vf_table_free(&t);
}

static void test_nl_get_vfs_list_wraps(void **state)
{
	struct fixture *f = *state;
	struct fake_kernel *k = f->k;
	struct srp_vf_table t = { 0 };

	/* 250 VFs with stats overflow the u16 list length; without, they fit */
	k->n = 250;
	for (unsigned int i = 0; i < k->n; i++)
		kvf_default(&k->vfs[i], i);
	assert_int_equal(srp_switch_get_vfs(f->sw, "eth0", &t, NULL), 0);
	assert_int_equal(t.n, 250);
	assert_int_equal(t.vfs[249].index, 249);
	assert_false(t.vfs[249].known & SRP_VF_STATS);
	assert_true(t.vfs[249].known & SRP_VF_MAC);
	srp_vf_table_free(&t);

	/* a wrap that lands on a VF boundary parses, but lists too few VFs */
	k->n = 4;
	k->short_with_stats = 1;
	assert_int_equal(srp_switch_get_vfs(f->sw, "eth0", &t, NULL), 0);
	assert_int_equal(t.n, 4);
	assert_true(t.vfs[3].known & SRP_VF_MAC);
	srp_vf_table_free(&t);
}

static void test_nl_set_vf_one_request_per_attr(void **state)
{
	struct fixture *f = *state;
	struct srp_switch *sw = f->sw;
	struct fake_kernel *k = f->k;
	struct srp_vf_change c = { 0 };
	struct srp_err err = { 0 };

	c.set = SRP_VF_SPOOFCHK | SRP_VF_MAC | SRP_VF_VLAN | SRP_VF_TRUST;
	memcpy(c.mac, "\x02\x00\x00\x00\x00\x42", 6);
	c.vlan = 7;
	c.vlan_proto = SRP_VF_PROTO_8021Q;
	c.spoofchk = 1;
	c.trust = 0;
	assert_int_equal(srp_switch_set_vf(sw, "eth0", "igb", 1, &c, &err), 0);
	assert_int_equal(k->n_sent, 4);
	assert_int_equal(k->sent[0].set, SRP_VF_MAC);
	assert_int_equal(k->sent[1].set, SRP_VF_VLAN);
	assert_int_equal(k->sent[2].set, SRP_VF_TRUST);
	assert_int_equal(k->sent[3].set, SRP_VF_SPOOFCHK);
	assert_int_equal(k->sent_vf[3], 1);
	assert_int_equal(k->vfs[1].mac[5], 0x42);
	assert_int_equal(k->vfs[1].vlan, 7);
}

static void test_nl_set_vf_errors(void **state)
{
	struct fixture *f = *state;
	struct srp_switch *sw = f->sw;
	struct fake_kernel *k = f->k;
	struct srp_vf_change c = { .set = SRP_VF_LINK_STATE, .link_state = SRP_VF_LINK_ENABLE };
	struct srp_err err = { 0 };

	k->refuse = SRP_VF_LINK_STATE | SRP_VF_QUERY_RSS;
	k->refuse_errno = -EOPNOTSUPP;
	assert_int_equal(srp_switch_set_vf(sw, "eth0", "igb", 0, &c, &err), -EOPNOTSUPP);
	assert_string_equal(err.msg,
			    "driver 'igb' of PF 'eth0' does not support setting link state on VFs");

	k->refuse = SRP_VF_VLAN;
	k->refuse_errno = -EPROTONOSUPPORT;
	c = (struct srp_vf_change){ .set = SRP_VF_VLAN, .vlan = 5,
				    .vlan_proto = SRP_VF_PROTO_8021AD };
	srp_err_clear(&err);
	assert_int_equal(srp_switch_set_vf(sw, "eth0", "igb", 0, &c, &err), -EPROTONOSUPPORT);
	assert_string_equal(err.msg,
			    "driver 'igb' of PF 'eth0' does not support VLAN protocol 802.1ad on VFs");

	/* igb refuses rates while the link is down, with a bare EINVAL */
	k->refuse = SRP_VF_MAX_RATE;
	k->refuse_errno = -EINVAL;
	k->oper = IF_OPER_DOWN;
	c = (struct srp_vf_change){ .set = SRP_VF_MAX_RATE, .max_tx_rate = 100 };
	srp_err_clear(&err);
	assert_int_equal(srp_switch_set_vf(sw, "eth0", "igb", 0, &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "rate limits need the PF link up ('eth0' is down)"));
	k->oper = IF_OPER_UP;
	srp_err_clear(&err);
	assert_int_equal(srp_switch_set_vf(sw, "eth0", "igb", 0, &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "above the link speed"));
}

static void test_nl_min_rate_keeps_max(void **state)
{
	struct fixture *f = *state;
	struct srp_switch *sw = f->sw;
	struct fake_kernel *k = f->k;
	struct srp_vf_change c = { .set = SRP_VF_MIN_RATE, .min_tx_rate = 20 };

	/* VF 1 has max 1000: a min-only change sends IFLA_VF_RATE 20/1000 */
	assert_int_equal(srp_switch_set_vf(sw, "eth0", NULL, 1, &c, NULL), 0);
	assert_int_equal(k->n_sent, 1);
	assert_int_equal(k->sent[0].set, SRP_VF_MIN_RATE | SRP_VF_MAX_RATE);
	assert_int_equal(k->sent[0].min_tx_rate, 20);
	assert_int_equal(k->sent[0].max_tx_rate, 1000);
}

static void test_nl_apply_rolls_back(void **state)
{
	struct fixture *f = *state;
	struct srp_switch *sw = f->sw;
	struct fake_kernel *k = f->k;
	struct srp_vf_change c = { 0 };
	struct srp_err err = { 0 };

	/* MAC and VLAN go through, link state is refused: both come back */
	k->refuse = SRP_VF_LINK_STATE;
	k->refuse_errno = -EOPNOTSUPP;
	c.set = SRP_VF_MAC | SRP_VF_VLAN | SRP_VF_LINK_STATE;
	memcpy(c.mac, "\x02\x00\x00\x00\x00\x77", 6);
	c.vlan = 300;
	c.vlan_proto = SRP_VF_PROTO_8021Q;
	c.link_state = SRP_VF_LINK_ENABLE;
	assert_int_equal(srp_switch_apply(sw, "eth0", "igb", 0, &c, NULL, &err), -EOPNOTSUPP);
	assert_non_null(strstr(err.msg, "link state"));
	assert_memory_equal(k->vfs[0].mac, "\x02\x00\x00\x00\x00\x01", 6);
	assert_int_equal(k->vfs[0].vlan, 100);
	assert_int_equal(k->vfs[0].qos, 3);
	/* sent: mac, vlan, state (refused), then vlan and mac back, in that order */
	assert_int_equal(k->n_sent, 5);
	assert_int_equal(k->sent[3].set, SRP_VF_VLAN);
	assert_int_equal(k->sent[4].set, SRP_VF_MAC);

	/* an index beyond the PF's VFs is refused before anything is sent */
	k->n_sent = 0;
	srp_err_clear(&err);
	assert_int_equal(srp_switch_apply(sw, "eth0", "igb", 2, &c, NULL, &err), -EINVAL);
	assert_string_equal(err.msg, "PF 'eth0' has 2 VFs; there is no VF 2");
	assert_int_equal(k->n_sent, 0);
}

static void test_nl_restore_zero_mac_fallback(void **state)
{
	struct fixture *f = *state;
	struct srp_switch *sw = f->sw;
	struct fake_kernel *k = f->k;
	struct srp_vf_state saved;
	struct srp_err err = { 0 };

	/* The saved state had no MAC and trust off. */
	srp_vf_state_init(&saved, 0);
	saved.known = SRP_VF_MAC | SRP_VF_TRUST;
	saved.trust = 0;
	assert_int_equal(srp_switch_restore(sw, "eth0", "igb", &saved, NULL), 0);
	/* trust first, then the MAC: all-zero is accepted here */
	assert_int_equal(k->n_sent, 2);
	assert_int_equal(k->sent[0].set, SRP_VF_TRUST);
	assert_int_equal(k->sent[1].set, SRP_VF_MAC);
	assert_int_equal(k->vfs[0].trust, 0);
	assert_memory_equal(k->vfs[0].mac, "\0\0\0\0\0\0", 6);

	/* a driver that refuses all-zero MACs gets the documented fallback */
	memcpy(k->vfs[0].mac, "\x02\x00\x00\x00\x00\x05", 6);
	k->refuse_zero_mac = 1;
	k->n_sent = 0;
	assert_int_equal(srp_switch_restore(sw, "eth0", "igb", &saved, NULL), 0);
	assert_int_equal(k->n_sent, 2);
	assert_memory_equal(k->vfs[0].mac, "\x02\x00\x00\x00\x00\x00", 6);

	/* nothing left to do */
	k->n_sent = 0;
	k->refuse_zero_mac = 0;
	memcpy(k->vfs[0].mac, "\0\0\0\0\0\0", 6);
	assert_int_equal(srp_switch_restore(sw, "eth0", "igb", &saved, NULL), 0);
	assert_int_equal(k->n_sent, 0);

	/* refused twice: the zero MAC, then the fallback; the error is the fallback's */
	memcpy(k->vfs[0].mac, "\x02\x00\x00\x00\x00\x05", 6);
	k->refuse = SRP_VF_MAC;
	k->refuse_errno = -EINVAL;
	assert_int_equal(srp_switch_restore(sw, "eth0", "igb", &saved, &err), -EINVAL);
	assert_int_equal(k->n_sent, 2);
	assert_memory_equal(k->sent[1].mac, "\x02\x00\x00\x00\x00\x00", 6);
	assert_non_null(strstr(err.msg, "refused 'mac 02:00:00:00:00:00' on VF 0"));
}

static void test_nl_hwmode_and_eswitch(void **state)
{
	struct fixture *f = *state;
	struct srp_switch *sw = f->sw;
	struct fake_kernel *k = f->k;
	struct srp_bdf pf = { .bus = 3 };
	enum srp_hwmode hw = SRP_HWMODE_VEB;
	enum srp_eswitch_mode es = SRP_ESWITCH_LEGACY;

	assert_int_equal(srp_switch_get_hwmode(sw, "eth0", &hw, NULL), 0);
	assert_int_equal(hw, SRP_HWMODE_UNSUPPORTED);	/* igb: not in the dump */
	k->hwmode = BRIDGE_MODE_VEPA;
	assert_int_equal(srp_switch_get_hwmode(sw, "eth0", &hw, NULL), 0);
	assert_int_equal(hw, SRP_HWMODE_VEPA);

	assert_int_equal(srp_switch_get_eswitch_mode(sw, &pf, &es, NULL), 0);
	assert_int_equal(es, SRP_ESWITCH_UNSUPPORTED);	/* no devlink family */
}

static void test_nl_eswitch_no_instance(void **state)
{
	struct fixture *f = *state;
	struct srp_switch *sw = f->sw;
	struct fake_kernel *k = f->k;
	struct srp_bdf pf = { .bus = 3 };
	enum srp_eswitch_mode es = SRP_ESWITCH_LEGACY;

	k->have_devlink = 1;	/* the family is there, the device is not (igb) */
	assert_int_equal(srp_switch_get_eswitch_mode(sw, &pf, &es, NULL), 0);
	assert_int_equal(es, SRP_ESWITCH_UNSUPPORTED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_getlink_request),
		cmocka_unit_test(test_getlink_request_bad_args),
		cmocka_unit_test(test_parse_two_vfs),
		cmocka_unit_test(test_parse_old_kernel_attrs),
		cmocka_unit_test(test_parse_no_vfs),
		cmocka_unit_test(test_parse_unknown_attrs_skipped),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_parse_bad_headers),
		cmocka_unit_test(test_parse_truncated_everywhere),
		cmocka_unit_test(test_parse_fuzz),
		cmocka_unit_test(test_parse_stale_seq_skipped),
		cmocka_unit_test(test_parse_error_answer),
		cmocka_unit_test(test_parse_error_uncapped),
		cmocka_unit_test(test_parse_ack),
		cmocka_unit_test(test_setvf_roundtrip_all),
		cmocka_unit_test(test_setvf_roundtrip_each),
		cmocka_unit_test(test_setvf_8021ad_uses_vlan_list),
		cmocka_unit_test(test_setvf_buffer_too_small),
		cmocka_unit_test(test_setvf_parse_rejects),
		cmocka_unit_test(test_bridge_dump),
		cmocka_unit_test(test_getfamily),
		cmocka_unit_test(test_eswitch),
		cmocka_unit_test_setup_teardown(test_nl_get_vfs, fk_setup, fk_teardown),
		cmocka_unit_test_setup_teardown(test_nl_get_vfs_large_answer, fk_setup, fk_teardown),
		cmocka_unit_test_setup_teardown(test_nl_get_vfs_list_wraps, fk_setup, fk_teardown),
		cmocka_unit_test_setup_teardown(test_nl_set_vf_one_request_per_attr, fk_setup,
						fk_teardown),
		cmocka_unit_test_setup_teardown(test_nl_set_vf_errors, fk_setup, fk_teardown),
		cmocka_unit_test_setup_teardown(test_nl_min_rate_keeps_max, fk_setup, fk_teardown),
		cmocka_unit_test_setup_teardown(test_nl_apply_rolls_back, fk_setup, fk_teardown),
		cmocka_unit_test_setup_teardown(test_nl_restore_zero_mac_fallback, fk_setup,
						fk_teardown),
		cmocka_unit_test_setup_teardown(test_nl_hwmode_and_eswitch, fk_setup, fk_teardown),
		cmocka_unit_test_setup_teardown(test_nl_eswitch_no_instance, fk_setup, fk_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
