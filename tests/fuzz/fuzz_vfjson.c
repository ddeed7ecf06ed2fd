/* SPDX-License-Identifier: MIT */
/* srpass fuzz -- a VF's saved switch state (JSON in the ledger), read and written back */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "srpass/err.h"
#include "switch/vfswitch.h"

/*
 * Input: one JSON text, as the ledger's "orig_switch" and pending
 * "before" hold it; recover restores the VF from what
 * srp_vf_state_from_json() makes of it.  The oracle: a state it accepts
 * writes back (srp_vf_state_to_json, with stats) into JSON it accepts
 * again as the same state; a refusal says why.
 */

static int state_equal(const struct srp_vf_state *a, const struct srp_vf_state *b)
{
	unsigned int k = a->known;

	return a->index == b->index && a->known == b->known &&
	       (!(k & SRP_VF_MAC) || memcmp(a->mac, b->mac, 6) == 0) &&
	       (!(k & SRP_VF_VLAN) || (a->vlan == b->vlan && a->qos == b->qos &&
				       a->vlan_proto == b->vlan_proto)) &&
	       (!(k & SRP_VF_SPOOFCHK) || a->spoofchk == b->spoofchk) &&
	       (!(k & SRP_VF_TRUST) || a->trust == b->trust) &&
	       (!(k & SRP_VF_LINK_STATE) || a->link_state == b->link_state) &&
	       (!(k & SRP_VF_QUERY_RSS) || a->rss_query_en == b->rss_query_en) &&
	       (!(k & SRP_VF_MIN_RATE) || a->min_tx_rate == b->min_tx_rate) &&
	       (!(k & SRP_VF_MAX_RATE) || a->max_tx_rate == b->max_tx_rate) &&
	       (!(k & SRP_VF_STATS) || memcmp(&a->stats, &b->stats, sizeof(a->stats)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_tokener *tok;
	struct json_object *o, *back;
	struct srp_vf_state st, st2;
	struct srp_err err = { 0 };
	int r;

	if (size > 65536)
		return 0;
	tok = json_tokener_new();
	if (tok == NULL)
		return 0;
	o = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	json_tokener_free(tok);
	if (o == NULL)
		return 0;
	r = srp_vf_state_from_json(o, &st, &err);
	if (r < 0) {
		if (err.code != r || err.msg[0] == '\0')
			abort();
	} else {
		back = srp_vf_state_to_json(&st, SRP_VF_JSON_STATS);
		if (back == NULL || srp_vf_state_from_json(back, &st2, &err) < 0 ||
		    !state_equal(&st, &st2))
			abort();
		json_object_put(back);
	}
	json_object_put(o);
	return 0;
}
