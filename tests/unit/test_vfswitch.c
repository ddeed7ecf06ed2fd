/* SPDX-License-Identifier: MIT */
/* srpass tests -- VF settings: the word parser, order rules, JSON, error wording */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "srpass/err.h"
#include "switch/vfswitch.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- words ---- */

static void test_parse_everything(void **state)
{
	char *argv[] = {
		"mac", "02:AA:bb:cc:dd:0e", "vlan", "100", "proto", "802.1ad", "qos", "3",
		"spoofchk", "off", "trust", "on", "state", "disable", "max-rate", "1000",
		"min-rate", "100", "query-rss", "on",
	};
	struct srp_vf_change c;
	struct srp_err err = { 0 };

	(void)state;
	assert_int_equal(srp_vf_change_parse(N(argv), argv, &c, &err), 0);
	assert_int_equal(err.code, 0);
	assert_int_equal(c.set, SRP_VF_SETTABLE);
	assert_memory_equal(c.mac, "\x02\xaa\xbb\xcc\xdd\x0e", 6);
	assert_int_equal(c.vlan, 100);
	assert_int_equal(c.qos, 3);
	assert_int_equal(c.vlan_proto, SRP_VF_PROTO_8021AD);
	assert_int_equal(c.spoofchk, 0);
	assert_int_equal(c.trust, 1);
	assert_int_equal(c.link_state, SRP_VF_LINK_DISABLE);
	assert_int_equal(c.max_tx_rate, 1000);
	assert_int_equal(c.min_tx_rate, 100);
	assert_int_equal(c.rss_query_en, 1);
	assert_int_equal(c.flags, 0);
}

static void test_parse_defaults_and_aliases(void **state)
{
	char *a1[] = { "vlan", "7" };
	char *a2[] = { "max_tx_rate", "0", "min_tx_rate", "0", "query_rss", "off" };
	char *a3[] = { "vlan", "0" };
	char *a4[] = { "mac", "00:00:00:00:00:00" };	/* gives the MAC back to the VF */
	char *a5[] = { "vlan", "4095", "qos", "7", "proto", "802.1q", "state", "auto" };
	struct srp_vf_change c;

	(void)state;
	assert_int_equal(srp_vf_change_parse(N(a1), a1, &c, NULL), 0);
	assert_int_equal(c.set, SRP_VF_VLAN);
	assert_int_equal(c.qos, 0);
	assert_int_equal(c.vlan_proto, SRP_VF_PROTO_8021Q);
	assert_int_equal(srp_vf_change_parse(N(a2), a2, &c, NULL), 0);
	assert_int_equal(c.set, SRP_VF_MAX_RATE | SRP_VF_MIN_RATE | SRP_VF_QUERY_RSS);
	assert_int_equal(c.rss_query_en, 0);
	assert_int_equal(srp_vf_change_parse(N(a3), a3, &c, NULL), 0);
	assert_int_equal(c.vlan, 0);
	assert_int_equal(srp_vf_change_parse(N(a4), a4, &c, NULL), 0);
	assert_int_equal(c.set, SRP_VF_MAC);
	assert_int_equal(srp_vf_change_parse(N(a5), a5, &c, NULL), 0);
	assert_int_equal(c.vlan, 4095);
	assert_int_equal(c.qos, 7);
	assert_int_equal(c.link_state, SRP_VF_LINK_AUTO);
}

struct bad {
	int argc;
	char *argv[6];
	const char *msg;		/* a part of the message */
};

static void test_parse_rejects(void **state)
{
	static const struct bad bad[] = {
		{ 2, { "vlan", "5000" }, "vlan '5000' is not a VLAN id (0..4095" },
		{ 2, { "vlan", "-1" }, "vlan '-1' is not a VLAN id" },
		{ 2, { "vlan", "12a" }, "vlan '12a'" },
		{ 2, { "vlan", "" }, "vlan ''" },
		{ 2, { "vlan", "5\n" }, "is not a VLAN id" },
		{ 2, { "mac", "01:00:5e:00:00:01" }, "'01:00:5e:00:00:01' is a multicast address" },
		{ 2, { "mac", "ff:ff:ff:ff:ff:ff" }, "'ff:ff:ff:ff:ff:ff' is the broadcast address" },
		{ 2, { "mac", "02:00:00:00:00" }, "mac '02:00:00:00:00' is not a MAC address" },
		{ 2, { "mac", "2:0:0:0:0:1" }, "is not a MAC address" },
		{ 2, { "mac", "02-00-00-00-00-01" }, "is not a MAC address" },
		{ 2, { "mac", "02:00:00:00:00:0g" }, "is not a MAC address" },
		{ 2, { "mac", "02:00:00:00:00:011" }, "is not a MAC address" },
		{ 2, { "max-rate", "-1" }, "max-rate '-1' is not a rate in Mbps" },
		{ 2, { "max-rate", "4294967296" }, "max-rate '4294967296'" },
		{ 2, { "min-rate", "1.5" }, "min-rate '1.5'" },
		{ 2, { "max_tx_rate", " 5" }, "max_tx_rate ' 5'" },
		{ 2, { "max-rate", "+5" }, "max-rate '+5'" },
		{ 4, { "vlan", "5", "qos", "8" }, "qos '8' is not a priority (0..7)" },
		{ 2, { "qos", "3" }, "'qos' needs a VLAN" },
		{ 2, { "proto", "802.1ad" }, "'proto' needs a VLAN" },
		{ 4, { "spoofchk", "on", "qos", "1" }, "'qos' needs a VLAN" },
		{ 4, { "vlan", "0", "qos", "3" }, "qos 3 needs a VLAN" },
		{ 4, { "vlan", "0", "proto", "802.1ad" }, "proto 802.1ad needs a VLAN" },
		{ 4, { "vlan", "5", "proto", "802.1x" }, "proto '802.1x' is not 802.1Q or 802.1ad" },
		{ 2, { "spoofchk", "yes" }, "spoofchk 'yes' must be 'on' or 'off'" },
		{ 2, { "trust", "1" }, "trust '1' must be 'on' or 'off'" },
		{ 2, { "query-rss", "ON" }, "query-rss 'ON'" },
		{ 2, { "state", "up" }, "state 'up' must be 'auto', 'enable' or 'disable'" },
		{ 1, { "mac" }, "'mac' needs a value" },
		{ 3, { "vlan", "5", "qos" }, "'qos' needs a value" },
		{ 4, { "vlan", "5", "vlan", "6" }, "'vlan' is given twice" },
		{ 6, { "vlan", "5", "qos", "1", "qos", "2" }, "'qos' is given twice" },
		{ 4, { "max-rate", "1", "max_tx_rate", "2" }, "'max-rate' is given twice" },
		{ 4, { "min-rate", "500", "max-rate", "100" }, "min-rate 500 is above max-rate 100" },
		{ 2, { "foo", "bar" }, "unknown VF setting 'foo'" },
		{ 4, { "trust", "on", "--json", "x" }, "unknown VF setting '--json'" },
		{ 0, { NULL }, "nothing to set" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct srp_vf_change c = { .set = 0xdead };
		struct srp_err err = { 0 };
		int r = srp_vf_change_parse(bad[i].argc, (char *const *)bad[i].argv, &c, &err);

		if (r != -EINVAL || strstr(err.msg, bad[i].msg) == NULL)
			fail_msg("case %zu (%s %s): r=%d msg='%s', want '%s'", i,
				 bad[i].argv[0] ? bad[i].argv[0] : "", bad[i].argc > 1 ? bad[i].argv[1] : "",
				 r, err.msg, bad[i].msg);
		assert_int_equal(c.set, 0xdead);	/* untouched */
	}
}

static void test_mac_helpers(void **state)
{
	uint8_t mac[6] = { 9, 9, 9, 9, 9, 9 };
	char s[SRP_VF_MACSTRLEN];

	(void)state;
	assert_int_equal(srp_vf_mac_parse("0A:0b:0C:0d:0E:ff", mac), 0);
	assert_string_equal(srp_vf_mac_format(mac, s), "0a:0b:0c:0d:0e:ff");
	assert_int_equal(srp_vf_mac_parse("0a:0b:0c:0d:0e:f", mac), -EINVAL);
	assert_int_equal(srp_vf_mac_parse("0a:0b:0c:0d:0e:ff ", mac), -EINVAL);
	assert_int_equal(srp_vf_mac_parse(NULL, mac), -EINVAL);
	assert_int_equal(mac[5], 0xff);		/* untouched by the failures */

	srp_vf_fallback_mac(0, mac);
	assert_string_equal(srp_vf_mac_format(mac, s), "02:00:00:00:00:00");
	srp_vf_fallback_mac(258, mac);
	assert_string_equal(srp_vf_mac_format(mac, s), "02:00:00:00:01:02");
}

static void test_ifname_valid(void **state)
{
	(void)state;
	assert_true(srp_vf_ifname_valid("eth0"));
	assert_true(srp_vf_ifname_valid("enp3s0f0np0.10"));
	assert_true(srp_vf_ifname_valid("a23456789012345"));
	assert_false(srp_vf_ifname_valid("a234567890123456"));
	assert_false(srp_vf_ifname_valid(""));
	assert_false(srp_vf_ifname_valid(NULL));
	assert_false(srp_vf_ifname_valid("."));
	assert_false(srp_vf_ifname_valid(".."));
	assert_false(srp_vf_ifname_valid("a/b"));
	assert_false(srp_vf_ifname_valid("a b"));
	assert_false(srp_vf_ifname_valid("eth0:1"));
}

static void test_check_against_current(void **state)
{
	struct srp_vf_state cur;
	struct srp_vf_change c = { .set = SRP_VF_MIN_RATE, .min_tx_rate = 500 };
	struct srp_err err = { 0 };

	(void)state;
	srp_vf_state_init(&cur, 3);
	cur.known = SRP_VF_MIN_RATE | SRP_VF_MAX_RATE;
	cur.max_tx_rate = 100;
	cur.min_tx_rate = 50;
	assert_int_equal(srp_vf_change_check(&c, NULL, &err), 0);
	assert_int_equal(srp_vf_change_check(&c, &cur, &err), -EINVAL);
	assert_string_equal(err.msg, "min-rate 500 is above VF 3's max-rate 100 (give both)");

	c = (struct srp_vf_change){ .set = SRP_VF_MAX_RATE, .max_tx_rate = 10 };
	srp_err_clear(&err);
	assert_int_equal(srp_vf_change_check(&c, &cur, &err), -EINVAL);
	assert_string_equal(err.msg, "max-rate 10 is below VF 3's min-rate 50 (give both)");
	c.max_tx_rate = 0;		/* no limit: fine whatever the min */
	assert_int_equal(srp_vf_change_check(&c, &cur, NULL), 0);

	/* values made by code, not words, get the same checks */
	c = (struct srp_vf_change){ .set = SRP_VF_VLAN, .vlan = 4096 };
	assert_int_equal(srp_vf_change_check(&c, NULL, NULL), -ERANGE);
	c = (struct srp_vf_change){ .set = SRP_VF_VLAN, .vlan = 1, .vlan_proto = 0x9100 };
	assert_int_equal(srp_vf_change_check(&c, NULL, NULL), -EINVAL);
	c = (struct srp_vf_change){ .set = SRP_VF_LINK_STATE, .link_state = 3 };
	assert_int_equal(srp_vf_change_check(&c, NULL, NULL), -EINVAL);
	c = (struct srp_vf_change){ .set = SRP_VF_STATS };
	assert_int_equal(srp_vf_change_check(&c, NULL, NULL), -EINVAL);
	c = (struct srp_vf_change){ .set = 0 };
	assert_int_equal(srp_vf_change_check(&c, NULL, NULL), -EINVAL);
}

/* ---- order ---- */

static void full_change(struct srp_vf_change *c)
{
	char *argv[] = {
		"spoofchk", "on", "trust", "off", "query-rss", "off", "state", "auto",
		"min-rate", "0", "max-rate", "100", "vlan", "10", "qos", "2", "mac", "02:00:00:00:00:01",
	};

	assert_int_equal(srp_vf_change_parse(N(argv), argv, c, NULL), 0);
}

static void test_apply_order(void **state)
{
	struct srp_vf_change c, steps[SRP_VF_MAX_STEPS];
	static const unsigned int want[] = {
		SRP_VF_MAC, SRP_VF_VLAN, SRP_VF_MAX_RATE | SRP_VF_MIN_RATE, SRP_VF_LINK_STATE,
		SRP_VF_QUERY_RSS, SRP_VF_TRUST, SRP_VF_SPOOFCHK,
	};
	char words[200];

	(void)state;
	full_change(&c);
	c.flags = SRP_VF_CHANGE_MAC_FALLBACK;
	assert_int_equal(srp_vf_apply_order(&c, steps, SRP_VF_MAX_STEPS), 7);
	for (int i = 0; i < 7; i++) {
		assert_int_equal(steps[i].set, want[i]);
		/* the values come along */
		assert_int_equal(steps[i].vlan, 10);
		assert_int_equal(steps[i].flags, i == 0 ? SRP_VF_CHANGE_MAC_FALLBACK : 0);
	}
	assert_int_equal(srp_vf_apply_order(&c, steps, 6), -ENOSPC);
	c.set = SRP_VF_SPOOFCHK | SRP_VF_MAC;
	assert_int_equal(srp_vf_apply_order(&c, steps, SRP_VF_MAX_STEPS), 2);
	assert_int_equal(steps[0].set, SRP_VF_MAC);	/* the address before the check on it */
	assert_int_equal(steps[1].set, SRP_VF_SPOOFCHK);

	full_change(&c);
	assert_true(srp_vf_change_format(&c, words, sizeof(words)) > 0);
	assert_string_equal(words, "mac 02:00:00:00:00:01 vlan 10 qos 2 proto 802.1Q max-rate 100 "
				   "min-rate 0 state auto query-rss off trust off spoofchk on");
	assert_int_equal(srp_vf_change_format(&c, words, 20), -ENAMETOOLONG);
	assert_int_equal(strlen(words), 19);
}

static void two_states(struct srp_vf_state *saved, struct srp_vf_state *now)
{
	srp_vf_state_init(saved, 2);
	saved->known = SRP_VF_SETTABLE;
	memcpy(saved->mac, "\x02\x00\x00\x00\x00\x02", 6);
	saved->vlan = 0;
	saved->spoofchk = 1;
	saved->trust = 0;
	saved->link_state = SRP_VF_LINK_AUTO;
	saved->rss_query_en = 0;
	*now = *saved;
	memcpy(now->mac, "\x02\x00\x00\x00\x00\x99", 6);
	now->vlan = 100;
	now->qos = 5;
	now->spoofchk = 0;
	now->trust = 1;
	now->link_state = SRP_VF_LINK_ENABLE;
	now->rss_query_en = 1;
	now->min_tx_rate = 10;
	now->max_tx_rate = 100;
}

static void test_restore_order(void **state)
{
	struct srp_vf_state saved, now;
	struct srp_vf_change s[SRP_VF_MAX_STEPS];
	static const unsigned int want[] = {
		SRP_VF_SPOOFCHK, SRP_VF_TRUST, SRP_VF_QUERY_RSS, SRP_VF_LINK_STATE,
		SRP_VF_MAX_RATE | SRP_VF_MIN_RATE, SRP_VF_VLAN, SRP_VF_MAC,
	};

	(void)state;
	two_states(&saved, &now);
	assert_int_equal(srp_vf_restore_plan(&saved, &now, s, SRP_VF_MAX_STEPS, NULL), 7);
	for (int i = 0; i < 7; i++)
		assert_int_equal(s[i].set, want[i]);
	assert_int_equal(s[0].spoofchk, 1);
	assert_int_equal(s[1].trust, 0);
	assert_int_equal(s[4].min_tx_rate, 0);
	assert_int_equal(s[4].max_tx_rate, 0);
	/* vlan 0 clears: qos 0, 802.1Q */
	assert_int_equal(s[5].vlan, 0);
	assert_int_equal(s[5].qos, 0);
	assert_int_equal(s[5].vlan_proto, SRP_VF_PROTO_8021Q);
	assert_memory_equal(s[6].mac, "\x02\x00\x00\x00\x00\x02", 6);
	assert_int_equal(s[6].flags, 0);	/* not all-zero: no fallback */
	for (int i = 0; i < 7; i++)
		assert_int_equal(srp_vf_change_check(&s[i], NULL, NULL), 0);

	/* nothing differs: nothing to do */
	assert_int_equal(srp_vf_restore_plan(&saved, &saved, s, SRP_VF_MAX_STEPS, NULL), 0);
	assert_int_equal(srp_vf_restore_plan(&saved, &now, s, 6, NULL), -ENOSPC);
}

static void test_restore_known_only(void **state)
{
	struct srp_vf_state saved, now;
	struct srp_vf_change s[SRP_VF_MAX_STEPS];
	struct srp_err err = { 0 };

	(void)state;
	two_states(&saved, &now);
	/* unknown in saved: not restored (what was it?) */
	saved.known = SRP_VF_TRUST | SRP_VF_MAC;
	assert_int_equal(srp_vf_restore_plan(&saved, &now, s, SRP_VF_MAX_STEPS, NULL), 2);
	assert_int_equal(s[0].set, SRP_VF_TRUST);
	assert_int_equal(s[1].set, SRP_VF_MAC);
	/* unknown now: restored anyway */
	now.known &= ~SRP_VF_TRUST;
	now.trust = -1;
	memcpy(now.mac, saved.mac, 6);
	assert_int_equal(srp_vf_restore_plan(&saved, &now, s, SRP_VF_MAX_STEPS, NULL), 1);
	assert_int_equal(s[0].set, SRP_VF_TRUST);
	/* without now, every known attribute */
	assert_int_equal(srp_vf_restore_plan(&saved, NULL, s, SRP_VF_MAX_STEPS, NULL), 2);
	/* a min-rate change carries the saved max (the kernel sets both) */
	two_states(&saved, &now);
	now.max_tx_rate = 0;
	assert_int_equal(srp_vf_restore_plan(&saved, &now, s, SRP_VF_MAX_STEPS, NULL), 7);
	assert_int_equal(s[4].set, SRP_VF_MIN_RATE | SRP_VF_MAX_RATE);
	/* only the max: IFLA_VF_TX_RATE will do, the kernel keeps the min */
	now.min_tx_rate = 0;
	now.max_tx_rate = 7;
	assert_int_equal(srp_vf_restore_plan(&saved, &now, s, SRP_VF_MAX_STEPS, NULL), 7);
	assert_int_equal(s[4].set, SRP_VF_MAX_RATE);
	/* another VF's state */
	now.index = 3;
	assert_int_equal(srp_vf_restore_plan(&saved, &now, s, SRP_VF_MAX_STEPS, &err), -EINVAL);
	assert_string_equal(err.msg, "cannot restore VF 3 from the state of VF 2");
}

static void test_restore_zero_mac(void **state)
{
	struct srp_vf_state saved, now;
	struct srp_vf_change s[SRP_VF_MAX_STEPS];

	(void)state;
	two_states(&saved, &now);
	memset(saved.mac, 0, 6);
	saved.known = SRP_VF_MAC | SRP_VF_VLAN;
	now.vlan = 0;
	now.qos = 0;
	assert_int_equal(srp_vf_restore_plan(&saved, &now, s, SRP_VF_MAX_STEPS, NULL), 1);
	assert_int_equal(s[0].set, SRP_VF_MAC);
	assert_int_equal(s[0].flags, SRP_VF_CHANGE_MAC_FALLBACK);
	assert_memory_equal(s[0].mac, "\0\0\0\0\0\0", 6);
}

static void test_restore_vlan_proto(void **state)
{
	struct srp_vf_state saved, now;
	struct srp_vf_change s[SRP_VF_MAX_STEPS];

	(void)state;
	two_states(&saved, &now);
	saved.known = now.known = SRP_VF_VLAN;
	saved.vlan = now.vlan = 100;
	saved.qos = now.qos = 1;
	saved.vlan_proto = SRP_VF_PROTO_8021Q;
	now.vlan_proto = SRP_VF_PROTO_8021AD;
	assert_int_equal(srp_vf_restore_plan(&saved, &now, s, SRP_VF_MAX_STEPS, NULL), 1);
	assert_int_equal(s[0].vlan_proto, SRP_VF_PROTO_8021Q);
	/* with vlan 0 the protocol does not matter */
	saved.vlan = now.vlan = 0;
	saved.qos = now.qos = 0;
	assert_int_equal(srp_vf_restore_plan(&saved, &now, s, SRP_VF_MAX_STEPS, NULL), 0);
}

/* ---- JSON ---- */

/* Field by field: struct copies need not carry padding along. */
static void assert_state_equal(const struct srp_vf_state *a, const struct srp_vf_state *b)
{
	assert_int_equal(a->index, b->index);
	assert_int_equal(a->known, b->known);
	assert_memory_equal(a->mac, b->mac, 6);
	assert_int_equal(a->vlan, b->vlan);
	assert_int_equal(a->qos, b->qos);
	assert_int_equal(a->vlan_proto, b->vlan_proto);
	assert_int_equal(a->spoofchk, b->spoofchk);
	assert_int_equal(a->trust, b->trust);
	assert_int_equal(a->link_state, b->link_state);
	assert_int_equal(a->min_tx_rate, b->min_tx_rate);
	assert_int_equal(a->max_tx_rate, b->max_tx_rate);
	assert_int_equal(a->rss_query_en, b->rss_query_en);
	assert_memory_equal(&a->stats, &b->stats, sizeof(a->stats));	/* no padding: all u64 */
}

static void test_json_roundtrip(void **state)
{
	struct srp_vf_state st, back;
	struct json_object *o, *v;
	struct srp_err err = { 0 };

	(void)state;
	srp_vf_state_init(&st, 5);
	st.known = SRP_VF_SETTABLE | SRP_VF_STATS;
	memcpy(st.mac, "\x02\x11\x22\x33\x44\x55", 6);
	st.vlan = 4095;
	st.qos = 7;
	st.vlan_proto = SRP_VF_PROTO_8021AD;
	st.spoofchk = 1;
	st.trust = 0;
	st.link_state = SRP_VF_LINK_DISABLE;
	st.min_tx_rate = 1;
	st.max_tx_rate = UINT32_MAX;
	st.rss_query_en = 1;
	st.stats.rx_bytes = UINT64_MAX;
	st.stats.tx_dropped = 3;

	o = srp_vf_state_to_json(&st, SRP_VF_JSON_STATS);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "mac", &v));
	assert_string_equal(json_object_get_string(v), "02:11:22:33:44:55");
	assert_true(json_object_object_get_ex(o, "vlan_proto", &v));
	assert_string_equal(json_object_get_string(v), "802.1ad");
	assert_true(json_object_object_get_ex(o, "link_state", &v));
	assert_string_equal(json_object_get_string(v), "disable");
	assert_int_equal(srp_vf_state_from_json(o, &back, &err), 0);
	json_object_put(o);
	assert_state_equal(&back, &st);

	/* without stats, through text, as the ledger stores it */
	o = srp_vf_state_to_json(&st, 0);
	assert_false(json_object_object_get_ex(o, "stats", NULL));
	v = json_tokener_parse(json_object_to_json_string(o));
	json_object_put(o);
	assert_int_equal(srp_vf_state_from_json(v, &back, &err), 0);
	json_object_put(v);
	assert_int_equal(back.known, SRP_VF_SETTABLE);
	assert_int_equal(back.max_tx_rate, UINT32_MAX);
}

static void test_json_unknowns_are_null(void **state)
{
	struct srp_vf_state st, back;
	struct json_object *o, *v;

	(void)state;
	srp_vf_state_init(&st, 0);
	st.known = SRP_VF_MAC;		/* igb without a PF-set MAC reports this much at least */
	o = srp_vf_state_to_json(&st, SRP_VF_JSON_STATS);
	assert_true(json_object_object_get_ex(o, "query_rss", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(o, "vlan", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(o, "stats", &v));
	assert_null(v);
	assert_int_equal(srp_vf_state_from_json(o, &back, NULL), 0);
	json_object_put(o);
	assert_int_equal(back.known, SRP_VF_MAC);
	assert_int_equal(back.spoofchk, -1);
	assert_int_equal(back.link_state, -1);
}

static void test_json_rejects(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
	} bad[] = {
		{ "[]", "is not a JSON object" },
		{ "{}", "'vf' is missing" },
		{ "{\"vf\": -1}", "'vf' is negative" },
		{ "{\"vf\": \"0\"}", "'vf' is not an integer" },
		{ "{\"vf\": 70000}", "'vf' 70000 is above 65535" },
		{ "{\"vf\": 1.0}", "'vf' is not an integer" },
		{ "{\"vf\": 0, \"colour\": 1}", "unknown key 'colour'" },
		{ "{\"vf\": 0, \"colour\": null}", "unknown key 'colour'" },
		{ "{\"vf\": 0, \"mac\": \"02:00:00:00:00\"}", "'mac' is not" },
		{ "{\"vf\": 0, \"mac\": 2}", "'mac' is not" },
		{ "{\"vf\": 0, \"vlan\": 5000, \"qos\": 0, \"vlan_proto\": \"802.1Q\"}", "'vlan' 5000" },
		{ "{\"vf\": 0, \"vlan\": 5}", "go together" },
		{ "{\"vf\": 0, \"vlan\": 5, \"qos\": null, \"vlan_proto\": \"802.1Q\"}", "go together" },
		{ "{\"vf\": 0, \"vlan\": 5, \"qos\": 8, \"vlan_proto\": \"802.1Q\"}", "'qos' 8" },
		{ "{\"vf\": 0, \"vlan\": 5, \"qos\": 0, \"vlan_proto\": \"QinQ\"}", "'vlan_proto'" },
		{ "{\"vf\": 0, \"spoofchk\": \"on\"}", "'spoofchk' is not true, false or null" },
		{ "{\"vf\": 0, \"trust\": 1}", "'trust' is not true" },
		{ "{\"vf\": 0, \"query_rss\": []}", "'query_rss' is not true" },
		{ "{\"vf\": 0, \"link_state\": \"up\"}", "'link_state' is not" },
		{ "{\"vf\": 0, \"max_tx_rate\": -1}", "'max_tx_rate' is negative" },
		{ "{\"vf\": 0, \"min_tx_rate\": 4294967296}", "'min_tx_rate' 4294967296 is above" },
		{ "{\"vf\": 0, \"max_tx_rate\": 1.5}", "'max_tx_rate' is not an integer" },
		{ "{\"vf\": 0, \"stats\": 3}", "'stats' is not an object" },
		{ "{\"vf\": 0, \"stats\": {\"rx_bytes\": -2}}", "'rx_bytes' is negative" },
		{ "{\"vf\": 0, \"stats\": {\"errors\": 0}}", "unknown key 'stats.errors'" },
	};

	(void)state;
	assert_int_equal(srp_vf_state_from_json(NULL, NULL, NULL), -EINVAL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct json_object *o = json_tokener_parse(bad[i].text);
		struct srp_vf_state st = { .index = 4242 };
		struct srp_err err = { 0 };
		int r;

		assert_non_null(o);
		r = srp_vf_state_from_json(o, &st, &err);
		json_object_put(o);
		if (r != -EINVAL || strstr(err.msg, bad[i].msg) == NULL)
			fail_msg("case %zu %s: r=%d msg='%s', want '%s'", i, bad[i].text, r, err.msg,
				 bad[i].msg);
		assert_int_equal(st.index, 4242);	/* untouched */
	}
}

/* ---- error wording ---- */

static void test_error_messages(void **state)
{
	struct srp_vf_change ls = { .set = SRP_VF_LINK_STATE, .link_state = 1 };
	struct srp_vf_change ad = { .set = SRP_VF_VLAN, .vlan = 200,
				    .vlan_proto = SRP_VF_PROTO_8021AD };
	struct srp_vf_change rate = { .set = SRP_VF_MAX_RATE, .max_tx_rate = 100 };
	struct srp_vf_change mac = { .set = SRP_VF_MAC, .mac = { 2, 0, 0, 0, 0, 1 } };
	struct srp_err err = { 0 };

	(void)state;
	assert_int_equal(srp_vf_set_error(&err, -EOPNOTSUPP, "igb", "eth0", 0, &ls, 1, NULL),
			 -EOPNOTSUPP);
	assert_string_equal(err.msg,
			    "driver 'igb' of PF 'eth0' does not support setting link state on VFs");
	srp_err_clear(&err);
	srp_vf_set_error(&err, -EOPNOTSUPP, NULL, "eth0", 0, &ls, 1, NULL);
	assert_string_equal(err.msg,
			    "the driver of PF 'eth0' does not support setting link state on VFs");
	srp_err_clear(&err);
	srp_vf_set_error(&err, -EPROTONOSUPPORT, "igb", "eth0", 0, &ad, 1, NULL);
	assert_string_equal(err.msg,
			    "driver 'igb' of PF 'eth0' does not support VLAN protocol 802.1ad on VFs");
	srp_err_clear(&err);
	srp_vf_set_error(&err, -EINVAL, "igb", "eth0", 1, &rate, 0, NULL);
	assert_string_equal(err.msg, "driver 'igb' of PF 'eth0' refused 'max-rate 100' on VF 1: "
				     "rate limits need the PF link up ('eth0' is down)");
	srp_err_clear(&err);
	srp_vf_set_error(&err, -EINVAL, "igb", "eth0", 1, &mac, 1, "bad address");
	assert_string_equal(err.msg, "driver 'igb' of PF 'eth0' refused 'mac 02:00:00:00:00:01' "
				     "on VF 1 (kernel: 'bad address')");
	srp_err_clear(&err);
	srp_vf_set_error(&err, -EPERM, "igb", "eth0", 1, &mac, 1, NULL);
	assert_string_equal(err.msg, "changing VF 1 of PF 'eth0' needs CAP_NET_ADMIN");
	/* set once: a second error does not overwrite the first */
	srp_vf_set_error(&err, -EINVAL, "igb", "eth0", 1, &mac, 1, NULL);
	assert_int_equal(err.code, -EPERM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_everything),
		cmocka_unit_test(test_parse_defaults_and_aliases),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_mac_helpers),
		cmocka_unit_test(test_ifname_valid),
		cmocka_unit_test(test_check_against_current),
		cmocka_unit_test(test_apply_order),
		cmocka_unit_test(test_restore_order),
		cmocka_unit_test(test_restore_known_only),
		cmocka_unit_test(test_restore_zero_mac),
		cmocka_unit_test(test_restore_vlan_proto),
		cmocka_unit_test(test_json_roundtrip),
		cmocka_unit_test(test_json_unknowns_are_null),
		cmocka_unit_test(test_json_rejects),
		cmocka_unit_test(test_error_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
