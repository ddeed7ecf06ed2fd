/* SPDX-License-Identifier: MIT */
/* srpass tests -- the netlink switch over a fake kernel behind its transport */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>		/* before the linux/ headers (linux/libc-compat.h) */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <linux/genetlink.h>
#include <linux/if.h>
#include <linux/if_bridge.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "switch/nlvf.h"
#include "srpass/err.h"
#include "switch/vfswitch.h"
#include "unit/nlvf_fix.h"

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
