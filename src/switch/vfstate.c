/* SPDX-License-Identifier: MIT */
/* srpass -- VF switch settings: the state and change types, words, checks, order rules */
#include "switch/vfswitch.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "srpass/err.h"
#include "base/util.h"

#define WORDS_HINT "mac, vlan, qos, proto, spoofchk, trust, state, max-rate, min-rate or query-rss"

void srp_vf_state_init(struct srp_vf_state *st, unsigned int index)
{
	memset(st, 0, sizeof(*st));
	st->index = index;
	st->vlan_proto = SRP_VF_PROTO_8021Q;
	st->spoofchk = -1;
	st->trust = -1;
	st->link_state = -1;
	st->rss_query_en = -1;
}

const char *srp_vf_attr_name(unsigned int attr)
{
	switch (attr) {
	case SRP_VF_MAC:	return "mac";
	case SRP_VF_VLAN:	return "vlan";
	case SRP_VF_SPOOFCHK:	return "spoofchk";
	case SRP_VF_TRUST:	return "trust";
	case SRP_VF_LINK_STATE:	return "state";
	case SRP_VF_MIN_RATE:	return "min-rate";
	case SRP_VF_MAX_RATE:	return "max-rate";
	case SRP_VF_QUERY_RSS:	return "query-rss";
	case SRP_VF_STATS:	return "stats";
	}
	return "?";
}

const char *srp_vf_link_state_name(int state)
{
	switch (state) {
	case SRP_VF_LINK_AUTO:		return "auto";
	case SRP_VF_LINK_ENABLE:	return "enable";
	case SRP_VF_LINK_DISABLE:	return "disable";
	}
	return NULL;
}

const char *srp_vf_vlan_proto_name(unsigned int proto)
{
	if (proto == SRP_VF_PROTO_8021Q)
		return "802.1Q";
	if (proto == SRP_VF_PROTO_8021AD)
		return "802.1ad";
	return NULL;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int srp_vf_mac_parse(const char *s, uint8_t ret_mac[6])
{
	uint8_t mac[6];

	if (s == NULL || strlen(s) != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		int hi = hexval((unsigned char)s[3 * i]), lo = hexval((unsigned char)s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(ret_mac, mac, 6);
	return 0;
}

char *srp_vf_mac_format(const uint8_t mac[6], char buf[SRP_VF_MACSTRLEN])
{
	snprintf(buf, SRP_VF_MACSTRLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

int srp_vf_mac_is_zero(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	return memcmp(mac, zero, 6) == 0;
}

void srp_vf_fallback_mac(unsigned int vf, uint8_t ret_mac[6])
{
	ret_mac[0] = 0x02;		/* locally administered, unicast */
	ret_mac[1] = ret_mac[2] = ret_mac[3] = 0;
	ret_mac[4] = (uint8_t)(vf >> 8);
	ret_mac[5] = (uint8_t)vf;
}

int srp_vf_ifname_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n >= SRP_VF_IFNAMSIZ || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (name[i] == '/' || name[i] == ':' || isspace((unsigned char)name[i]) ||
		    !isprint((unsigned char)name[i]))
			return 0;
	return 1;
}

/* ---- checking and parsing words ---- */

static int check_mac(const uint8_t mac[6], struct srp_err *err)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	char s[SRP_VF_MACSTRLEN];

	if (memcmp(mac, bcast, 6) == 0)
		return srp_err_set(err, -EINVAL,
				   "mac '%s' is the broadcast address; a VF needs a unicast MAC",
				   srp_vf_mac_format(mac, s));
	if (mac[0] & 1)
		return srp_err_set(err, -EINVAL,
				   "mac '%s' is a multicast address; a VF needs a unicast MAC",
				   srp_vf_mac_format(mac, s));
	return 0;
}

int srp_vf_change_check(const struct srp_vf_change *c, const struct srp_vf_state *cur,
			struct srp_err *err)
{
	int r;

	if (c->set == 0)
		return srp_err_set(err, -EINVAL, "nothing to set (expected " WORDS_HINT ")");
	if (c->set & ~SRP_VF_SETTABLE)
		return srp_err_set(err, -EINVAL, "only %s can be set", WORDS_HINT);
	if (c->set & SRP_VF_MAC) {
		r = check_mac(c->mac, err);
		if (r < 0)
			return r;
	}
	if (c->set & SRP_VF_VLAN) {
		if (c->vlan > SRP_VF_VLAN_MAX)
			return srp_err_set(err, -ERANGE,
					   "vlan %u is out of range (0..4095; 0 removes the port VLAN)",
					   c->vlan);
		if (c->qos > SRP_VF_QOS_MAX)
			return srp_err_set(err, -ERANGE, "qos %u is out of range (0..7)", c->qos);
		if (srp_vf_vlan_proto_name(c->vlan_proto) == NULL)
			return srp_err_set(err, -EINVAL, "VLAN protocol 0x%04x is not 802.1Q or 802.1ad",
					   c->vlan_proto);
		if (c->vlan == 0 && c->qos != 0)
			return srp_err_set(err, -EINVAL,
					   "qos %u needs a VLAN: vlan 0 removes the port VLAN and its qos",
					   c->qos);
		if (c->vlan == 0 && c->vlan_proto != SRP_VF_PROTO_8021Q)
			return srp_err_set(err, -EINVAL,
					   "proto 802.1ad needs a VLAN: vlan 0 removes the port VLAN");
	}
	if ((c->set & SRP_VF_SPOOFCHK) && c->spoofchk != 0 && c->spoofchk != 1)
		return srp_err_set(err, -EINVAL, "spoofchk must be on or off");
	if ((c->set & SRP_VF_TRUST) && c->trust != 0 && c->trust != 1)
		return srp_err_set(err, -EINVAL, "trust must be on or off");
	if ((c->set & SRP_VF_QUERY_RSS) && c->rss_query_en != 0 && c->rss_query_en != 1)
		return srp_err_set(err, -EINVAL, "query-rss must be on or off");
	if ((c->set & SRP_VF_LINK_STATE) && srp_vf_link_state_name(c->link_state) == NULL)
		return srp_err_set(err, -EINVAL, "link state %d is not auto, enable or disable",
				   c->link_state);
	if ((c->set & SRP_VF_MIN_RATE) && (c->set & SRP_VF_MAX_RATE) && c->max_tx_rate != 0 &&
	    c->min_tx_rate > c->max_tx_rate)
		return srp_err_set(err, -EINVAL, "min-rate %" PRIu32 " is above max-rate %" PRIu32,
				   c->min_tx_rate, c->max_tx_rate);
	if (cur == NULL)
		return 0;
	if ((c->set & SRP_VF_MIN_RATE) && !(c->set & SRP_VF_MAX_RATE) &&
	    (cur->known & SRP_VF_MAX_RATE) && cur->max_tx_rate != 0 &&
	    c->min_tx_rate > cur->max_tx_rate)
		return srp_err_set(err, -EINVAL,
				   "min-rate %" PRIu32 " is above VF %u's max-rate %" PRIu32
				   " (give both)", c->min_tx_rate, cur->index, cur->max_tx_rate);
	if ((c->set & SRP_VF_MAX_RATE) && !(c->set & SRP_VF_MIN_RATE) && c->max_tx_rate != 0 &&
	    (cur->known & SRP_VF_MIN_RATE) && cur->min_tx_rate > c->max_tx_rate)
		return srp_err_set(err, -EINVAL,
				   "max-rate %" PRIu32 " is below VF %u's min-rate %" PRIu32
				   " (give both)", c->max_tx_rate, cur->index, cur->min_tx_rate);
	return 0;
}

static int parse_onoff(const char *word, const char *val, int *ret, struct srp_err *err)
{
	if (strcmp(val, "on") == 0)
		*ret = 1;
	else if (strcmp(val, "off") == 0)
		*ret = 0;
	else
		return srp_err_set(err, -EINVAL, "%s '%s' must be 'on' or 'off'", word, val);
	return 0;
}

static int parse_uint(const char *val, unsigned long max, unsigned long *ret)
{
	if (strchr(val, '\n') != NULL)
		return -EINVAL;
	return srp_parse_ulong(val, 10, 0, max, ret);
}

static int parse_rate(const char *word, const char *val, uint32_t *ret, struct srp_err *err)
{
	unsigned long v;

	if (parse_uint(val, UINT32_MAX, &v) < 0)
		return srp_err_set(err, -EINVAL,
				   "%s '%s' is not a rate in Mbps (a whole number 0..%" PRIu32
				   "; 0: no limit)", word, val, UINT32_MAX);
	*ret = (uint32_t)v;
	return 0;
}

/* Which bit a word sets; 0 for words that only qualify "vlan". */
static unsigned int word_attr(const char *w)
{
	static const struct {
		const char *word;
		unsigned int attr;
	} words[] = {
		{ "mac", SRP_VF_MAC },
		{ "vlan", SRP_VF_VLAN },
		{ "spoofchk", SRP_VF_SPOOFCHK },
		{ "trust", SRP_VF_TRUST },
		{ "state", SRP_VF_LINK_STATE },
		{ "max-rate", SRP_VF_MAX_RATE },
		{ "max_tx_rate", SRP_VF_MAX_RATE },
		{ "min-rate", SRP_VF_MIN_RATE },
		{ "min_tx_rate", SRP_VF_MIN_RATE },
		{ "query-rss", SRP_VF_QUERY_RSS },
		{ "query_rss", SRP_VF_QUERY_RSS },
	};

	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strcmp(w, words[i].word) == 0)
			return words[i].attr;
	return 0;
}

int srp_vf_change_parse(int argc, char *const argv[], struct srp_vf_change *ret,
			struct srp_err *err)
{
	struct srp_vf_change c = { .vlan_proto = SRP_VF_PROTO_8021Q };
	unsigned long v;
	int i = 0, r;

	if (argc <= 0)
		return srp_err_set(err, -EINVAL, "nothing to set (expected " WORDS_HINT ")");
	while (i < argc) {
		const char *w = argv[i], *val;
		unsigned int attr = word_attr(w);

		if (attr == 0) {
			if (strcmp(w, "qos") == 0 || strcmp(w, "proto") == 0)
				return srp_err_set(err, -EINVAL, "'%s' needs a VLAN: write 'vlan N %s ...'",
						   w, w);
			return srp_err_set(err, -EINVAL, "unknown VF setting '%s' (expected " WORDS_HINT ")",
					   w);
		}
		if (c.set & attr)
			return srp_err_set(err, -EINVAL, "'%s' is given twice", srp_vf_attr_name(attr));
		if (i + 1 >= argc)
			return srp_err_set(err, -EINVAL, "'%s' needs a value", w);
		val = argv[i + 1];
		i += 2;
		c.set |= attr;
		switch (attr) {
		case SRP_VF_MAC:
			if (srp_vf_mac_parse(val, c.mac) < 0)
				return srp_err_set(err, -EINVAL,
						   "mac '%s' is not a MAC address (expected xx:xx:xx:xx:xx:xx)",
						   val);
			r = check_mac(c.mac, err);
			if (r < 0)
				return r;
			break;
		case SRP_VF_VLAN:
			if (parse_uint(val, SRP_VF_VLAN_MAX, &v) < 0)
				return srp_err_set(err, -EINVAL,
						   "vlan '%s' is not a VLAN id (0..4095; 0 removes the port VLAN)",
						   val);
			c.vlan = (unsigned int)v;
			/* "qos Q" and "proto P" belong to this vlan, in either order */
			for (int seen_qos = 0, seen_proto = 0; i < argc;) {
				const char *q = argv[i];

				if (strcmp(q, "qos") != 0 && strcmp(q, "proto") != 0)
					break;
				if ((q[0] == 'q' && seen_qos) || (q[0] == 'p' && seen_proto))
					return srp_err_set(err, -EINVAL, "'%s' is given twice", q);
				if (i + 1 >= argc)
					return srp_err_set(err, -EINVAL, "'%s' needs a value", q);
				val = argv[i + 1];
				i += 2;
				if (q[0] == 'q') {
					seen_qos = 1;
					if (parse_uint(val, SRP_VF_QOS_MAX, &v) < 0)
						return srp_err_set(err, -EINVAL,
								   "qos '%s' is not a priority (0..7)", val);
					c.qos = (unsigned int)v;
				} else {
					seen_proto = 1;
					if (strcasecmp(val, "802.1Q") == 0)
						c.vlan_proto = SRP_VF_PROTO_8021Q;
					else if (strcasecmp(val, "802.1ad") == 0)
						c.vlan_proto = SRP_VF_PROTO_8021AD;
					else
						return srp_err_set(err, -EINVAL,
								   "proto '%s' is not 802.1Q or 802.1ad", val);
				}
			}
			break;
		case SRP_VF_SPOOFCHK:
			r = parse_onoff(w, val, &c.spoofchk, err);
			if (r < 0)
				return r;
			break;
		case SRP_VF_TRUST:
			r = parse_onoff(w, val, &c.trust, err);
			if (r < 0)
				return r;
			break;
		case SRP_VF_QUERY_RSS:
			r = parse_onoff(w, val, &c.rss_query_en, err);
			if (r < 0)
				return r;
			break;
		case SRP_VF_LINK_STATE:
			if (strcmp(val, "auto") == 0)
				c.link_state = SRP_VF_LINK_AUTO;
			else if (strcmp(val, "enable") == 0)
				c.link_state = SRP_VF_LINK_ENABLE;
			else if (strcmp(val, "disable") == 0)
				c.link_state = SRP_VF_LINK_DISABLE;
			else
				return srp_err_set(err, -EINVAL,
						   "state '%s' must be 'auto', 'enable' or 'disable'", val);
			break;
		case SRP_VF_MAX_RATE:
			r = parse_rate(w, val, &c.max_tx_rate, err);
			if (r < 0)
				return r;
			break;
		case SRP_VF_MIN_RATE:
			r = parse_rate(w, val, &c.min_tx_rate, err);
			if (r < 0)
				return r;
			break;
		}
	}
	r = srp_vf_change_check(&c, NULL, err);
	if (r < 0)
		return r;
	*ret = c;
	return 0;
}

/* ---- order rules ---- */

/* The assign order; restore walks it backwards.  Rates are one group. */
static const unsigned int assign_order[] = {
	SRP_VF_MAC,
	SRP_VF_VLAN,
	SRP_VF_MAX_RATE | SRP_VF_MIN_RATE,
	SRP_VF_LINK_STATE,
	SRP_VF_QUERY_RSS,
	SRP_VF_TRUST,
	SRP_VF_SPOOFCHK,
};

static int append(char *buf, size_t len, size_t *off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int append(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= len)
		return -ENAMETOOLONG;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	*off += (size_t)n;
	return *off >= len ? -ENAMETOOLONG : 0;
}

int srp_vf_change_format(const struct srp_vf_change *c, char *buf, size_t len)
{
	char mac[SRP_VF_MACSTRLEN];
	const char *sep = "";
	size_t off = 0;
	int r = 0;

	if (len == 0)
		return -ENAMETOOLONG;
	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(assign_order) && r == 0; i++) {
		unsigned int a = c->set & assign_order[i];

		if (a == 0)
			continue;
		switch (assign_order[i]) {
		case SRP_VF_MAC:
			r = append(buf, len, &off, "%smac %s", sep, srp_vf_mac_format(c->mac, mac));
			break;
		case SRP_VF_VLAN:
			r = append(buf, len, &off, "%svlan %u qos %u proto %s", sep, c->vlan, c->qos,
				   srp_vf_vlan_proto_name(c->vlan_proto) ?: "?");
			break;
		case SRP_VF_MAX_RATE | SRP_VF_MIN_RATE:
			if (a & SRP_VF_MAX_RATE)
				r = append(buf, len, &off, "%smax-rate %" PRIu32, sep, c->max_tx_rate);
			if (r == 0 && (a & SRP_VF_MIN_RATE))
				r = append(buf, len, &off, "%smin-rate %" PRIu32,
					   (a & SRP_VF_MAX_RATE) ? " " : sep, c->min_tx_rate);
			break;
		case SRP_VF_LINK_STATE:
			r = append(buf, len, &off, "%sstate %s", sep,
				   srp_vf_link_state_name(c->link_state) ?: "?");
			break;
		case SRP_VF_QUERY_RSS:
			r = append(buf, len, &off, "%squery-rss %s", sep, c->rss_query_en ? "on" : "off");
			break;
		case SRP_VF_TRUST:
			r = append(buf, len, &off, "%strust %s", sep, c->trust ? "on" : "off");
			break;
		case SRP_VF_SPOOFCHK:
			r = append(buf, len, &off, "%sspoofchk %s", sep, c->spoofchk ? "on" : "off");
			break;
		}
		sep = " ";
	}
	return r < 0 ? r : (int)off;
}

int srp_vf_apply_order(const struct srp_vf_change *want, struct srp_vf_change steps[],
		       size_t max_steps)
{
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(assign_order); i++) {
		unsigned int a = want->set & assign_order[i];

		if (a == 0)
			continue;
		if (n == max_steps)
			return -ENOSPC;
		steps[n] = *want;
		steps[n].set = a;
		if (a != SRP_VF_MAC)
			steps[n].flags &= ~SRP_VF_CHANGE_MAC_FALLBACK;
		n++;
	}
	return (int)n;
}

/* Does now (if given) already hold saved's value of attribute a? */
static int same(const struct srp_vf_state *saved, const struct srp_vf_state *now, unsigned int a)
{
	if (now == NULL || !(now->known & a))
		return 0;
	switch (a) {
	case SRP_VF_MAC:
		return memcmp(saved->mac, now->mac, 6) == 0;
	case SRP_VF_VLAN:
		return saved->vlan == now->vlan && saved->qos == now->qos &&
		       (saved->vlan == 0 || saved->vlan_proto == now->vlan_proto);
	case SRP_VF_SPOOFCHK:
		return saved->spoofchk == now->spoofchk;
	case SRP_VF_TRUST:
		return saved->trust == now->trust;
	case SRP_VF_LINK_STATE:
		return saved->link_state == now->link_state;
	case SRP_VF_MIN_RATE:
		return saved->min_tx_rate == now->min_tx_rate;
	case SRP_VF_MAX_RATE:
		return saved->max_tx_rate == now->max_tx_rate;
	case SRP_VF_QUERY_RSS:
		return saved->rss_query_en == now->rss_query_en;
	}
	return 0;
}

int srp_vf_restore_plan(const struct srp_vf_state *saved, const struct srp_vf_state *now,
			struct srp_vf_change steps[], size_t max_steps, struct srp_err *err)
{
	struct srp_vf_change all = { 0 };
	unsigned int todo = 0;

	if (now != NULL && now->index != saved->index)
		return srp_err_set(err, -EINVAL, "cannot restore VF %u from the state of VF %u",
				   now->index, saved->index);
	for (unsigned int a = SRP_VF_MAC; a & SRP_VF_SETTABLE; a <<= 1)
		if ((saved->known & a) && !same(saved, now, a))
			todo |= a;
	/* The kernel sets min and max together (IFLA_VF_RATE): a min change
	 * carries the saved max along when that is known. */
	if ((todo & SRP_VF_MIN_RATE) && (saved->known & SRP_VF_MAX_RATE))
		todo |= SRP_VF_MAX_RATE;

	all.set = todo;
	memcpy(all.mac, saved->mac, 6);
	all.vlan = saved->vlan;
	all.qos = saved->vlan == 0 ? 0 : saved->qos;
	all.vlan_proto = saved->vlan == 0 ? SRP_VF_PROTO_8021Q : saved->vlan_proto;
	all.spoofchk = saved->spoofchk;
	all.trust = saved->trust;
	all.link_state = saved->link_state;
	all.rss_query_en = saved->rss_query_en;
	all.min_tx_rate = saved->min_tx_rate;
	all.max_tx_rate = saved->max_tx_rate;
	if ((todo & SRP_VF_MAC) && srp_vf_mac_is_zero(saved->mac))
		all.flags |= SRP_VF_CHANGE_MAC_FALLBACK;

	size_t n = 0;

	for (size_t i = ARRAY_SIZE(assign_order); i-- > 0;) {
		unsigned int a = todo & assign_order[i];

		if (a == 0)
			continue;
		if (n == max_steps)
			return srp_err_set(err, -ENOSPC, "restore plan for VF %u needs more than %zu steps",
					   saved->index, max_steps);
		steps[n] = all;
		steps[n].set = a;
		if (a != SRP_VF_MAC)
			steps[n].flags = 0;
		n++;
	}
	return (int)n;
}
