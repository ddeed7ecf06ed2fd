/* SPDX-License-Identifier: MIT */
/* srpass -- the VF switch handle: dispatch to its ops, apply, restore; error wording */
#include "switch/vfswitch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srpass/err.h"
#include "base/util.h"

/* ---- errors ---- */

/* "setting link state on VFs" */
static const char *attr_phrase(unsigned int set)
{
	switch (set) {
	case SRP_VF_MAC:	return "MAC addresses";
	case SRP_VF_VLAN:	return "VLANs";
	case SRP_VF_SPOOFCHK:	return "spoof checking";
	case SRP_VF_TRUST:	return "trust";
	case SRP_VF_LINK_STATE:	return "link state";
	case SRP_VF_MIN_RATE:
	case SRP_VF_MIN_RATE | SRP_VF_MAX_RATE:
				return "a minimum rate";
	case SRP_VF_MAX_RATE:	return "rate limits";
	case SRP_VF_QUERY_RSS:	return "RSS query";
	}
	return "these settings";
}

int srp_vf_set_error(struct srp_err *err, int code, const char *driver, const char *pf,
		     unsigned int vf, const struct srp_vf_change *step, int link_up,
		     const char *extack)
{
	char who[96], words[160], tail[200] = "";
	unsigned int rate = SRP_VF_MIN_RATE | SRP_VF_MAX_RATE;

	if (driver != NULL && driver[0] != '\0')
		snprintf(who, sizeof(who), "driver '%s' of PF '%s'", driver, pf);
	else
		snprintf(who, sizeof(who), "the driver of PF '%s'", pf);
	(void)srp_vf_change_format(step, words, sizeof(words));
	if (extack != NULL && extack[0] != '\0')
		snprintf(tail, sizeof(tail), " (kernel: '%s')", extack);

	switch (code) {
	case -EOPNOTSUPP:
		if ((step->set & SRP_VF_MIN_RATE) && step->min_tx_rate == 0)
			return srp_err_set(err, code, "%s does not support rate limits on VFs%s",
					   who, tail);
		return srp_err_set(err, code, "%s does not support setting %s on VFs%s", who,
				   attr_phrase(step->set), tail);
	case -EPROTONOSUPPORT:
		if (step->set & SRP_VF_VLAN)
			return srp_err_set(err, code,
					   "%s does not support VLAN protocol %s on VFs%s", who,
					   srp_vf_vlan_proto_name(step->vlan_proto) ?: "?", tail);
		break;
	case -EPERM:
	case -EACCES:
		return srp_err_set(err, code, "changing VF %u of PF '%s' needs CAP_NET_ADMIN%s",
				   vf, pf, tail);
	case -ENODEV:
		return srp_err_set(err, code, "no network interface '%s'%s", pf, tail);
	case -EINVAL:
		if (!(step->set & rate))
			break;
		if (link_up == 0)
			return srp_err_set(err, code,
					   "%s refused '%s' on VF %u: rate limits need the PF link up "
					   "('%s' is down)%s", who, words, vf, pf, tail);
		return srp_err_set(err, code,
				   "%s refused '%s' on VF %u: a rate above the link speed, or a "
				   "minimum rate the driver does not support%s", who, words, vf, tail);
	}
	return srp_err_set(err, code, "%s refused '%s' on VF %u%s", who, words, vf, tail);
}

/* ---- the switch handle ---- */

const char *srp_hwmode_name(enum srp_hwmode m)
{
	switch (m) {
	case SRP_HWMODE_VEB:		return "veb";
	case SRP_HWMODE_VEPA:		return "vepa";
	case SRP_HWMODE_UNSUPPORTED:	break;
	}
	return "unsupported";
}

const char *srp_eswitch_mode_name(enum srp_eswitch_mode m)
{
	switch (m) {
	case SRP_ESWITCH_LEGACY:	return "legacy";
	case SRP_ESWITCH_SWITCHDEV:	return "switchdev";
	case SRP_ESWITCH_UNSUPPORTED:	break;
	}
	return "unsupported";
}

void srp_vf_table_free(struct srp_vf_table *t)
{
	if (t == NULL)
		return;
	free(t->vfs);
	memset(t, 0, sizeof(*t));
}

void srp_switch_close(struct srp_switch *sw)
{
	if (sw == NULL)
		return;
	if (sw->ops->close != NULL)
		sw->ops->close(sw);
	free(sw);
}

static int check_pf(const char *pf, struct srp_err *err)
{
	if (!srp_vf_ifname_valid(pf))
		return srp_err_set(err, -EINVAL, "'%s' is not a network interface name",
				   pf ? pf : "(null)");
	return 0;
}

int srp_switch_get_vfs(struct srp_switch *sw, const char *pf, struct srp_vf_table *ret,
		       struct srp_err *err)
{
	int r = check_pf(pf, err);

	return r < 0 ? r : sw->ops->get_vfs(sw, pf, ret, err);
}

int srp_switch_get_hwmode(struct srp_switch *sw, const char *pf, enum srp_hwmode *ret,
			  struct srp_err *err)
{
	int r = check_pf(pf, err);

	return r < 0 ? r : sw->ops->get_hwmode(sw, pf, ret, err);
}

int srp_switch_get_eswitch_mode(struct srp_switch *sw, const struct srp_bdf *pf,
				enum srp_eswitch_mode *ret, struct srp_err *err)
{
	return sw->ops->get_eswitch_mode(sw, pf, ret, err);
}

int srp_switch_set_vf(struct srp_switch *sw, const char *pf, const char *driver, unsigned int vf,
		      const struct srp_vf_change *c, struct srp_err *err)
{
	struct srp_vf_change rest = *c;
	int r = check_pf(pf, err);

	if (r < 0)
		return r;
	if ((c->set & SRP_VF_MAC) && (c->flags & SRP_VF_CHANGE_MAC_FALLBACK) &&
	    srp_vf_mac_is_zero(c->mac)) {
		struct srp_vf_change m = *c;
		struct srp_err first = { 0 };

		/* Clearing the PF-set MAC is what the saved all-zero state
		 * means; drivers that refuse it get a fixed, documented
		 * locally administered address instead. */
		m.set = SRP_VF_MAC;
		r = sw->ops->set_vf(sw, pf, driver, vf, &m, &first);
		if (r == -EINVAL) {
			srp_vf_fallback_mac(vf, m.mac);
			r = sw->ops->set_vf(sw, pf, driver, vf, &m, err);
		} else if (r < 0) {
			srp_err_set(err, first.code, "%s", first.msg);
		}
		if (r < 0)
			return r;
		rest.set &= ~SRP_VF_MAC;
		if (rest.set == 0)
			return 0;
	}
	return sw->ops->set_vf(sw, pf, driver, vf, &rest, err);
}

static int find_vf(struct srp_switch *sw, const char *pf, const char *driver, unsigned int vf,
		   struct srp_vf_state *ret, struct srp_err *err)
{
	struct srp_vf_table t = { 0 };
	int r;

	r = srp_switch_get_vfs(sw, pf, &t, err);
	if (r < 0)
		return r;
	if (vf >= t.num_vfs)
		r = srp_err_set(err, -EINVAL, "PF '%s' has %u VFs; there is no VF %u",
				pf, t.num_vfs, vf);
	else if (vf >= t.n || t.vfs[vf].index != vf || t.vfs[vf].known == 0)
		r = srp_err_set(err, -EOPNOTSUPP, "driver '%s' of PF '%s' reports no settings for VF %u",
				driver ? driver : "?", pf, vf);
	else
		*ret = t.vfs[vf];
	srp_vf_table_free(&t);
	return r;
}

int srp_switch_apply(struct srp_switch *sw, const char *pf, const char *driver, unsigned int vf,
		     const struct srp_vf_change *c, struct srp_vf_state *ret_before,
		     struct srp_err *err)
{
	struct srp_vf_change steps[SRP_VF_MAX_STEPS], undo[SRP_VF_MAX_STEPS];
	struct srp_vf_state before, saved, now;
	unsigned int applied = 0;
	int n, r;

	r = find_vf(sw, pf, driver, vf, &before, err);
	if (r < 0)
		return r;
	r = srp_vf_change_check(c, &before, err);
	if (r < 0)
		return r;
	n = srp_vf_apply_order(c, steps, ARRAY_SIZE(steps));
	if (n < 0)
		return srp_err_set(err, n, "too many steps");
	for (int i = 0; i < n; i++) {
		r = srp_switch_set_vf(sw, pf, driver, vf, &steps[i], err);
		if (r < 0)
			goto err_undo;
		applied |= steps[i].set;
	}
	if (ret_before != NULL)
		*ret_before = before;
	return 0;

err_undo:
	if (applied == 0)
		return r;
	/* Put back what the refused change already did: the state read
	 * first, limited to the attributes applied, against what is there
	 * now (or, if that cannot be read, unconditionally). */
	saved = before;
	saved.known &= applied;
	n = srp_vf_restore_plan(&saved,
				find_vf(sw, pf, driver, vf, &now, NULL) == 0 ? &now : NULL,
				undo, ARRAY_SIZE(undo), NULL);
	for (int i = 0; i < n; i++)
		(void)srp_switch_set_vf(sw, pf, driver, vf, &undo[i], NULL);	/* best effort */
	return r;
}

int srp_switch_restore(struct srp_switch *sw, const char *pf, const char *driver,
		       const struct srp_vf_state *saved, struct srp_err *err)
{
	struct srp_vf_change steps[SRP_VF_MAX_STEPS];
	struct srp_vf_state now;
	int n, r, first = 0;

	r = find_vf(sw, pf, driver, saved->index, &now, err);
	if (r < 0)
		return r;
	n = srp_vf_restore_plan(saved, &now, steps, ARRAY_SIZE(steps), err);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		/* go on: restore as much as the driver takes; err keeps the first refusal */
		r = srp_switch_set_vf(sw, pf, driver, saved->index, &steps[i], err);
		if (r < 0 && first == 0)
			first = r;
	}
	return first;
}
