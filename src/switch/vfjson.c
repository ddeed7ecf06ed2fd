/* SPDX-License-Identifier: MIT */
/* srpass -- VF switch state as JSON (json-c), both ways */
#include "switch/vfswitch.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <json-c/json.h>

#include "srpass/err.h"

static struct json_object *tristate(int known, int v)
{
	return known ? json_object_new_boolean(v) : NULL;
}

struct json_object *srp_vf_state_to_json(const struct srp_vf_state *st, unsigned int flags)
{
	struct json_object *o = json_object_new_object();
	unsigned int k = st->known;
	char mac[SRP_VF_MACSTRLEN];

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "vf", json_object_new_int64(st->index));
	json_object_object_add(o, "mac", (k & SRP_VF_MAC) ?
			       json_object_new_string(srp_vf_mac_format(st->mac, mac)) : NULL);
	if (k & SRP_VF_VLAN) {
		const char *p = srp_vf_vlan_proto_name(st->vlan_proto);

		json_object_object_add(o, "vlan", json_object_new_int64(st->vlan));
		json_object_object_add(o, "qos", json_object_new_int64(st->qos));
		json_object_object_add(o, "vlan_proto", json_object_new_string(p ? p : "802.1Q"));
	} else {
		json_object_object_add(o, "vlan", NULL);
		json_object_object_add(o, "qos", NULL);
		json_object_object_add(o, "vlan_proto", NULL);
	}
	json_object_object_add(o, "spoofchk", tristate(k & SRP_VF_SPOOFCHK, st->spoofchk));
	json_object_object_add(o, "trust", tristate(k & SRP_VF_TRUST, st->trust));
	json_object_object_add(o, "link_state", (k & SRP_VF_LINK_STATE) &&
			       srp_vf_link_state_name(st->link_state) ?
			       json_object_new_string(srp_vf_link_state_name(st->link_state)) : NULL);
	json_object_object_add(o, "min_tx_rate", (k & SRP_VF_MIN_RATE) ?
			       json_object_new_int64(st->min_tx_rate) : NULL);
	json_object_object_add(o, "max_tx_rate", (k & SRP_VF_MAX_RATE) ?
			       json_object_new_int64(st->max_tx_rate) : NULL);
	json_object_object_add(o, "query_rss", tristate(k & SRP_VF_QUERY_RSS, st->rss_query_en));
	if (flags & SRP_VF_JSON_STATS) {
		struct json_object *s = NULL;

		if (k & SRP_VF_STATS) {
			s = json_object_new_object();
			json_object_object_add(s, "rx_packets", json_object_new_uint64(st->stats.rx_packets));
			json_object_object_add(s, "tx_packets", json_object_new_uint64(st->stats.tx_packets));
			json_object_object_add(s, "rx_bytes", json_object_new_uint64(st->stats.rx_bytes));
			json_object_object_add(s, "tx_bytes", json_object_new_uint64(st->stats.tx_bytes));
			json_object_object_add(s, "broadcast", json_object_new_uint64(st->stats.broadcast));
			json_object_object_add(s, "multicast", json_object_new_uint64(st->stats.multicast));
			json_object_object_add(s, "rx_dropped", json_object_new_uint64(st->stats.rx_dropped));
			json_object_object_add(s, "tx_dropped", json_object_new_uint64(st->stats.tx_dropped));
		}
		json_object_object_add(o, "stats", s);
	}
	return o;
}

#define JSON_WHAT "VF switch state"

static int get_json_uint(const char *key, const struct json_object *v, uint64_t max, uint64_t *ret,
		     struct srp_err *err)
{
	int64_t i;

	if (!json_object_is_type(v, json_type_int))
		return srp_err_set(err, -EINVAL, JSON_WHAT ": '%s' is not an integer", key);
	i = json_object_get_int64(v);
	if (i < 0)
		return srp_err_set(err, -EINVAL, JSON_WHAT ": '%s' is negative", key);
	if (max == UINT64_MAX) {
		*ret = json_object_get_uint64(v);
		return 0;
	}
	if ((uint64_t)i > max)
		return srp_err_set(err, -EINVAL, JSON_WHAT ": '%s' %" PRId64 " is above %" PRIu64,
				   key, i, max);
	*ret = (uint64_t)i;
	return 0;
}

static int get_json_bool(const char *key, const struct json_object *v, int *ret, struct srp_err *err)
{
	if (!json_object_is_type(v, json_type_boolean))
		return srp_err_set(err, -EINVAL, JSON_WHAT ": '%s' is not true, false or null", key);
	*ret = json_object_get_boolean(v) ? 1 : 0;
	return 0;
}

static int get_json_stats(const struct json_object *o, struct srp_vf_stats *ret, struct srp_err *err)
{
	struct srp_vf_stats s = { 0 };
	uint64_t v;
	int r;

	if (!json_object_is_type(o, json_type_object))
		return srp_err_set(err, -EINVAL, JSON_WHAT ": 'stats' is not an object");
	json_object_object_foreach((struct json_object *)o, key, val) {
		uint64_t *dst;

		if (strcmp(key, "rx_packets") == 0)
			dst = &s.rx_packets;
		else if (strcmp(key, "tx_packets") == 0)
			dst = &s.tx_packets;
		else if (strcmp(key, "rx_bytes") == 0)
			dst = &s.rx_bytes;
		else if (strcmp(key, "tx_bytes") == 0)
			dst = &s.tx_bytes;
		else if (strcmp(key, "broadcast") == 0)
			dst = &s.broadcast;
		else if (strcmp(key, "multicast") == 0)
			dst = &s.multicast;
		else if (strcmp(key, "rx_dropped") == 0)
			dst = &s.rx_dropped;
		else if (strcmp(key, "tx_dropped") == 0)
			dst = &s.tx_dropped;
		else
			return srp_err_set(err, -EINVAL, JSON_WHAT ": unknown key 'stats.%s'", key);
		r = get_json_uint(key, val, UINT64_MAX, &v, err);
		if (r < 0)
			return r;
		*dst = v;
	}
	*ret = s;
	return 0;
}

int srp_vf_state_from_json(const struct json_object *o, struct srp_vf_state *ret,
			   struct srp_err *err)
{
	struct srp_vf_state st;
	unsigned int vlan_keys = 0, vlan_nulls = 0;
	int have_vf = 0, r = 0;
	uint64_t v = 0;

	if (o == NULL || !json_object_is_type(o, json_type_object))
		return srp_err_set(err, -EINVAL, JSON_WHAT " is not a JSON object");
	srp_vf_state_init(&st, 0);
	json_object_object_foreach((struct json_object *)o, key, val) {
		if (strcmp(key, "vf") == 0) {
			r = get_json_uint(key, val, 65535, &v, err);
			st.index = (unsigned int)v;
			have_vf = 1;
		} else if (strcmp(key, "vlan") == 0 || strcmp(key, "qos") == 0 ||
			   strcmp(key, "vlan_proto") == 0) {
			unsigned int bit = key[0] == 'q' ? 2 : strlen(key) == 4 ? 1 : 4;

			vlan_keys |= bit;
			if (val == NULL) {
				vlan_nulls |= bit;
			} else if (bit == 4) {
				const char *s = json_object_is_type(val, json_type_string) ?
						json_object_get_string(val) : "";

				if (strcmp(s, "802.1Q") == 0)
					st.vlan_proto = SRP_VF_PROTO_8021Q;
				else if (strcmp(s, "802.1ad") == 0)
					st.vlan_proto = SRP_VF_PROTO_8021AD;
				else
					r = srp_err_set(err, -EINVAL,
							JSON_WHAT ": 'vlan_proto' is not \"802.1Q\" or \"802.1ad\"");
			} else {
				r = get_json_uint(key, val, bit == 1 ? SRP_VF_VLAN_MAX : SRP_VF_QOS_MAX, &v, err);
				if (bit == 1)
					st.vlan = (unsigned int)v;
				else
					st.qos = (unsigned int)v;
			}
		} else if (val == NULL) {
			/* null: the driver did not report it */
			if (strcmp(key, "mac") != 0 && strcmp(key, "spoofchk") != 0 &&
			    strcmp(key, "trust") != 0 && strcmp(key, "link_state") != 0 &&
			    strcmp(key, "min_tx_rate") != 0 && strcmp(key, "max_tx_rate") != 0 &&
			    strcmp(key, "query_rss") != 0 && strcmp(key, "stats") != 0)
				r = srp_err_set(err, -EINVAL, JSON_WHAT ": unknown key '%s'", key);
		} else if (strcmp(key, "mac") == 0) {
			if (!json_object_is_type(val, json_type_string) ||
			    srp_vf_mac_parse(json_object_get_string(val), st.mac) < 0)
				r = srp_err_set(err, -EINVAL,
						JSON_WHAT ": 'mac' is not a \"xx:xx:xx:xx:xx:xx\" string");
			else
				st.known |= SRP_VF_MAC;
		} else if (strcmp(key, "spoofchk") == 0) {
			r = get_json_bool(key, val, &st.spoofchk, err);
			st.known |= SRP_VF_SPOOFCHK;
		} else if (strcmp(key, "trust") == 0) {
			r = get_json_bool(key, val, &st.trust, err);
			st.known |= SRP_VF_TRUST;
		} else if (strcmp(key, "query_rss") == 0) {
			r = get_json_bool(key, val, &st.rss_query_en, err);
			st.known |= SRP_VF_QUERY_RSS;
		} else if (strcmp(key, "link_state") == 0) {
			const char *s = json_object_is_type(val, json_type_string) ?
					json_object_get_string(val) : "";

			if (strcmp(s, "auto") == 0)
				st.link_state = SRP_VF_LINK_AUTO;
			else if (strcmp(s, "enable") == 0)
				st.link_state = SRP_VF_LINK_ENABLE;
			else if (strcmp(s, "disable") == 0)
				st.link_state = SRP_VF_LINK_DISABLE;
			else
				r = srp_err_set(err, -EINVAL,
						JSON_WHAT ": 'link_state' is not \"auto\", \"enable\" or \"disable\"");
			st.known |= SRP_VF_LINK_STATE;
		} else if (strcmp(key, "min_tx_rate") == 0 || strcmp(key, "max_tx_rate") == 0) {
			r = get_json_uint(key, val, UINT32_MAX, &v, err);
			if (key[1] == 'i') {
				st.min_tx_rate = (uint32_t)v;
				st.known |= SRP_VF_MIN_RATE;
			} else {
				st.max_tx_rate = (uint32_t)v;
				st.known |= SRP_VF_MAX_RATE;
			}
		} else if (strcmp(key, "stats") == 0) {
			r = get_json_stats(val, &st.stats, err);
			st.known |= SRP_VF_STATS;
		} else {
			r = srp_err_set(err, -EINVAL, JSON_WHAT ": unknown key '%s'", key);
		}
		if (r < 0)
			return r;
	}
	if (!have_vf)
		return srp_err_set(err, -EINVAL, JSON_WHAT ": 'vf' is missing");
	if (vlan_keys != vlan_nulls) {
		/* some VLAN key has a value: all three must */
		if (vlan_keys != 7 || vlan_nulls != 0)
			return srp_err_set(err, -EINVAL,
					   JSON_WHAT ": 'vlan', 'qos' and 'vlan_proto' go together");
		st.known |= SRP_VF_VLAN;
	}
	*ret = st;
	return 0;
}
