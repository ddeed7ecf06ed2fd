/* SPDX-License-Identifier: MIT */
/* srpass -- the adapter's internal switch: per-VF MAC, VLAN, spoof checking, trust, rates */
#ifndef SRP_VFSWITCH_H
#define SRP_VFSWITCH_H

#include <stddef.h>
#include <stdint.h>

#include "srpass/bdf.h"

struct json_object;
struct srp_err;
struct srp_nl_transport;
struct srp_sys;

#define SRP_VF_IFNAMSIZ		16	/* IFNAMSIZ: a netdev name plus NUL */
#define SRP_VF_MACSTRLEN	18	/* "02:00:00:00:00:01" plus NUL */
#define SRP_VF_VLAN_MAX		4095
#define SRP_VF_QOS_MAX		7
#define SRP_VF_PROTO_8021Q	0x8100
#define SRP_VF_PROTO_8021AD	0x88a8

/*
 * One bit per VF attribute.  In struct srp_vf_state.known a bit says the
 * driver reported the field; in struct srp_vf_change.set it says the
 * field is to be changed.  SRP_VF_VLAN covers vlan, qos and vlan_proto:
 * the kernel sets them together.
 */
enum srp_vf_attr {
	SRP_VF_MAC		= 1u << 0,
	SRP_VF_VLAN		= 1u << 1,
	SRP_VF_SPOOFCHK		= 1u << 2,
	SRP_VF_TRUST		= 1u << 3,
	SRP_VF_LINK_STATE	= 1u << 4,
	SRP_VF_MIN_RATE		= 1u << 5,
	SRP_VF_MAX_RATE		= 1u << 6,
	SRP_VF_QUERY_RSS	= 1u << 7,
	SRP_VF_STATS		= 1u << 8,	/* state only: not settable */
};
#define SRP_VF_SETTABLE	(SRP_VF_MAC | SRP_VF_VLAN | SRP_VF_SPOOFCHK | SRP_VF_TRUST | \
			 SRP_VF_LINK_STATE | SRP_VF_MIN_RATE | SRP_VF_MAX_RATE | SRP_VF_QUERY_RSS)

/* The kernel's IFLA_VF_LINK_STATE_* values. */
enum srp_vf_link_state {
	SRP_VF_LINK_AUTO	= 0,	/* follow the PF's link */
	SRP_VF_LINK_ENABLE	= 1,	/* always up */
	SRP_VF_LINK_DISABLE	= 2,	/* always down */
};

/* Counters the kernel reports for a VF (IFLA_VF_STATS).  A kernel that
 * lacks a counter (the dropped ones came with Linux 4.20) leaves it 0. */
struct srp_vf_stats {
	uint64_t rx_packets, tx_packets;
	uint64_t rx_bytes, tx_bytes;
	uint64_t broadcast, multicast;
	uint64_t rx_dropped, tx_dropped;
};

/*
 * What the switch says about one VF.  known is authoritative: a field
 * whose bit is clear was not reported (the kernel presets spoofchk,
 * trust and query_rss to -1 when the driver stays silent, and igb never
 * reports query_rss).  The int fields are also -1 whenever not known.
 */
struct srp_vf_state {
	unsigned int index;		/* VF index on its PF (N of virtfnN) */
	unsigned int known;		/* SRP_VF_* bits */
	uint8_t mac[6];			/* 00:00:00:00:00:00: none set by the PF */
	unsigned int vlan;		/* 0..4095; 0: no port VLAN */
	unsigned int qos;		/* 0..7 */
	uint16_t vlan_proto;		/* SRP_VF_PROTO_8021Q or _8021AD */
	int spoofchk;			/* 0/1, -1 */
	int trust;			/* 0/1, -1 */
	int link_state;			/* enum srp_vf_link_state, -1 */
	uint32_t min_tx_rate;		/* Mbps, 0: none */
	uint32_t max_tx_rate;		/* Mbps, 0: no limit */
	int rss_query_en;		/* 0/1, -1 */
	struct srp_vf_stats stats;
};

/* With SRP_VF_MAC set and an all-zero mac: if the driver refuses it with
 * EINVAL, set srp_vf_fallback_mac() instead (restore only). */
#define SRP_VF_CHANGE_MAC_FALLBACK	1u

/* Attributes to change on one VF and their new values. */
struct srp_vf_change {
	unsigned int set;		/* SRP_VF_SETTABLE bits */
	unsigned int flags;		/* SRP_VF_CHANGE_* */
	uint8_t mac[6];
	unsigned int vlan, qos;		/* vlan 0 removes the port VLAN; qos must be 0 then */
	uint16_t vlan_proto;
	int spoofchk, trust;		/* 0/1 */
	int link_state;			/* enum srp_vf_link_state */
	int rss_query_en;		/* 0/1 */
	uint32_t min_tx_rate, max_tx_rate;	/* Mbps */
};

/* Enough steps for any plan: one per settable attribute. */
#define SRP_VF_MAX_STEPS	8

/* A fresh state for VF index: nothing known, int fields -1. */
void srp_vf_state_init(struct srp_vf_state *st, unsigned int index);

/* "mac", "vlan", "spoofchk", ... for one SRP_VF_* bit; "?" otherwise. */
const char *srp_vf_attr_name(unsigned int attr);
/* "auto", "enable", "disable"; NULL for anything else. */
const char *srp_vf_link_state_name(int state);
/* "802.1Q", "802.1ad"; NULL for anything else. */
const char *srp_vf_vlan_proto_name(unsigned int proto);

/*
 * srp_vf_mac_parse - parse "xx:xx:xx:xx:xx:xx" (exactly two hex digits
 * per octet, either case).  Anything else is -EINVAL and ret_mac is
 * left untouched.  Says nothing about unicast or multicast.
 */
int srp_vf_mac_parse(const char *s, uint8_t ret_mac[6]);
/* Lower-case "xx:xx:xx:xx:xx:xx" into buf; returns buf. */
char *srp_vf_mac_format(const uint8_t mac[6], char buf[SRP_VF_MACSTRLEN]);
/* True if mac is 00:00:00:00:00:00 (the PF set none). */
int srp_vf_mac_is_zero(const uint8_t mac[6]);

/*
 * srp_vf_fallback_mac - the MAC a restore sets when the saved MAC is
 * all-zero and the driver refuses to clear it: 02:00:00:00:HH:LL, a
 * locally administered unicast address with the VF index (HH:LL, big
 * endian) in the last two octets, so VFs of one PF never collide.
 */
void srp_vf_fallback_mac(unsigned int vf, uint8_t ret_mac[6]);

/*
 * srp_vf_change_parse - parse `ip link set DEV vf N`-style words:
 *   mac M | vlan N [qos Q] [proto 802.1Q|802.1ad] | spoofchk on|off |
 *   trust on|off | state auto|enable|disable | max-rate MBPS |
 *   min-rate MBPS | query-rss on|off
 * (max_tx_rate, min_tx_rate and query_rss are accepted as ip(8) spells
 * them).  Strict: a multicast or broadcast MAC, vlan > 4095, qos > 7,
 * qos or proto without vlan, qos or 802.1ad with vlan 0, a negative or
 * non-decimal rate, min-rate above a non-zero max-rate, a word given
 * twice, a missing value or an unknown word is -EINVAL with a message
 * naming the word; zero words is -EINVAL too.  ret is written only on
 * success.  An all-zero MAC is allowed: it removes the MAC the PF set.
 */
int srp_vf_change_parse(int argc, char *const argv[], struct srp_vf_change *ret,
			struct srp_err *err);

/*
 * srp_vf_change_check - validate c on its own (the rules above) and,
 * when cur is not NULL, against the VF's current state: a min-rate above
 * the current non-zero max-rate (or the reverse) is -EINVAL.
 */
int srp_vf_change_check(const struct srp_vf_change *c, const struct srp_vf_state *cur,
			struct srp_err *err);

/* The change as words ("mac 02:00:00:00:00:01 vlan 100 qos 3 proto
 * 802.1Q"), in apply order.  Returns the length, or -ENAMETOOLONG if it
 * did not fit (buf then holds a truncated, terminated string). */
int srp_vf_change_format(const struct srp_vf_change *c, char *buf, size_t len);

/*
 * srp_vf_apply_order - split want into single-attribute steps in the
 * order that is safe while assigning a VF: MAC, VLAN, max and min rate,
 * link state, query-rss, trust, spoof checking.  The addresses are in
 * place before spoof checking (which compares against them) goes on,
 * and privilege (trust) comes last.  A rate change with both bits stays
 * one step, since the kernel sets min and max together.  Returns the
 * number of steps (0..SRP_VF_MAX_STEPS) or -ENOSPC if max_steps is short.
 */
int srp_vf_apply_order(const struct srp_vf_change *want, struct srp_vf_change steps[],
		       size_t max_steps);

/*
 * srp_vf_restore_plan - the steps that take a VF from now back to saved,
 * in the reverse of the assign order: trust and spoof checking first (a
 * VF is never left trusted or unchecked while its addresses are being
 * changed), then link state, query-rss, rates, VLAN and MAC last (on
 * several drivers a MAC change resets the VF; doing it last resets it
 * once, with everything else already in place).
 *
 * Only attributes known in saved are restored, and, when now is not
 * NULL, only those that differ from a known value in now.  now == NULL
 * restores every known attribute.  A saved all-zero MAC is planned with
 * SRP_VF_CHANGE_MAC_FALLBACK (see srp_vf_fallback_mac()).  Saved and now
 * must describe the same VF index (-EINVAL).  Returns the number of steps.
 */
int srp_vf_restore_plan(const struct srp_vf_state *saved, const struct srp_vf_state *now,
			struct srp_vf_change steps[], size_t max_steps, struct srp_err *err);

/* srp_vf_state_to_json flags */
#define SRP_VF_JSON_STATS	1u	/* include "stats" (not wanted in the ledger) */

/*
 * srp_vf_state_to_json - st as a new json-c object (the caller puts it);
 * NULL only on out-of-memory.  Keys: vf, mac, vlan, qos, vlan_proto,
 * spoofchk, trust, link_state, min_tx_rate, max_tx_rate, query_rss and,
 * with SRP_VF_JSON_STATS, stats; a field the driver did not report is
 * null.  See docs/switch.md.
 */
struct json_object *srp_vf_state_to_json(const struct srp_vf_state *st, unsigned int flags);

/*
 * srp_vf_state_from_json - the inverse.  Strict: a non-object, a missing
 * or out-of-range "vf", an unknown key, a value of the wrong type or out
 * of range, a malformed MAC, or vlan/qos/vlan_proto not all given (or all
 * null) together is -EINVAL with a message naming the key.  ret is
 * written only on success.
 */
int srp_vf_state_from_json(const struct json_object *o, struct srp_vf_state *ret,
			   struct srp_err *err);

/*
 * srp_vf_set_error - record why setting step on VF vf of PF pf (driver
 * driver, NULL if unknown) failed with code, in words an operator can act
 * on.  link_up is the PF's link (1, 0, -1 unknown), used to explain a
 * refused rate; extack is the kernel's extended-ack text or NULL.
 * Returns code.
 */
int srp_vf_set_error(struct srp_err *err, int code, const char *driver, const char *pf,
		     unsigned int vf, const struct srp_vf_change *step, int link_up,
		     const char *extack);

/* True if name can be a network interface name (1..15 bytes, no '/',
 * no whitespace, not "." or ".."). */
int srp_vf_ifname_valid(const char *name);

/* ---- the switch: ops and handle ---- */

enum srp_hwmode {
	SRP_HWMODE_UNSUPPORTED,		/* the driver has no bridge hwmode */
	SRP_HWMODE_VEB,
	SRP_HWMODE_VEPA,
};

enum srp_eswitch_mode {
	SRP_ESWITCH_UNSUPPORTED,	/* no devlink instance or no eswitch */
	SRP_ESWITCH_LEGACY,
	SRP_ESWITCH_SWITCHDEV,
};

const char *srp_hwmode_name(enum srp_hwmode m);		/* "veb", "vepa", "unsupported" */
const char *srp_eswitch_mode_name(enum srp_eswitch_mode m);	/* "legacy", ... */

/* The VFs of one PF netdev, as get_vfs found them. */
struct srp_vf_table {
	char pf[SRP_VF_IFNAMSIZ];
	int ifindex;			/* 0 if unknown (the simulator) */
	int link_up;			/* 1, 0, or -1 if unknown */
	unsigned int num_vfs;		/* VFs the PF has enabled */
	struct srp_vf_state *vfs;	/* malloc()ed; vfs[i].index == i; known == 0 for
					 * a VF the driver did not describe */
	size_t n;			/* num_vfs, or 0 if the driver reports no VF info */
};

/* Frees what t owns and zeroes it; NULL and zeroed tables are fine. */
void srp_vf_table_free(struct srp_vf_table *t);

struct srp_switch;

/*
 * A switch implementation.  pf is the PF's netdev name; driver is its
 * driver's name, for messages only (may be NULL).  All return 0 or a
 * negative errno with err set.
 */
struct srp_switch_ops {
	const char *name;		/* "netlink", "sim" */
	/* Every VF of pf.  A netdev without SR-IOV has 0 VFs (not an error);
	 * a missing netdev is -ENODEV.  On success *ret is filled (free it
	 * with srp_vf_table_free()); on failure it is untouched. */
	int (*get_vfs)(struct srp_switch *sw, const char *pf, struct srp_vf_table *ret,
		       struct srp_err *err);
	/* Apply every attribute in c->set to VF vf, one kernel request per
	 * attribute in srp_vf_apply_order()'s order, stopping at the first
	 * refusal: attributes before it stay applied (no rollback here; see
	 * srp_switch_apply()).  c->flags is not looked at. */
	int (*set_vf)(struct srp_switch *sw, const char *pf, const char *driver, unsigned int vf,
		      const struct srp_vf_change *c, struct srp_err *err);
	/* The PF's bridge hwmode (VEB/VEPA); a driver without one is
	 * SRP_HWMODE_UNSUPPORTED, not an error. */
	int (*get_hwmode)(struct srp_switch *sw, const char *pf, enum srp_hwmode *ret,
			  struct srp_err *err);
	/* The devlink eswitch mode of PCI device pf; no devlink instance is
	 * SRP_ESWITCH_UNSUPPORTED, not an error. */
	int (*get_eswitch_mode)(struct srp_switch *sw, const struct srp_bdf *pf,
				enum srp_eswitch_mode *ret, struct srp_err *err);
	/* Free data; may be NULL. */
	void (*close)(struct srp_switch *sw);
};

struct srp_switch {
	const struct srp_switch_ops *ops;
	struct srp_sys *sys;		/* the host's seam; borrowed */
	void *data;			/* private to ops */
};

extern const struct srp_switch_ops srp_switch_netlink_ops;

/* Free a switch made by one of the constructors below (or a platform's). */
void srp_switch_close(struct srp_switch *sw);

/* The netlink switch over t (NULL: the kernel, one mnl_socket per bus).
 * The switch owns t from here on, also on failure.  sys is borrowed and
 * must outlive the switch.  No socket is opened until the first request. */
int srp_switch_nl_new(struct srp_sys *sys, struct srp_nl_transport *t, struct srp_switch **ret,
		      struct srp_err *err);

/* Dispatch, after checking the netdev name (-EINVAL). */
int srp_switch_get_vfs(struct srp_switch *sw, const char *pf, struct srp_vf_table *ret,
		       struct srp_err *err);
int srp_switch_get_hwmode(struct srp_switch *sw, const char *pf, enum srp_hwmode *ret,
			  struct srp_err *err);
int srp_switch_get_eswitch_mode(struct srp_switch *sw, const struct srp_bdf *pf,
				enum srp_eswitch_mode *ret, struct srp_err *err);

/*
 * srp_switch_set_vf - ops->set_vf, plus SRP_VF_CHANGE_MAC_FALLBACK: an
 * all-zero MAC the driver refuses with -EINVAL is retried once as
 * srp_vf_fallback_mac(vf).  No rollback.
 */
int srp_switch_set_vf(struct srp_switch *sw, const char *pf, const char *driver, unsigned int vf,
		      const struct srp_vf_change *c, struct srp_err *err);

/*
 * srp_switch_apply - change VF vf of pf as c says, all or nothing as far
 * as the driver allows: reads the VF's state, checks c against it
 * (srp_vf_change_check(); an index beyond the PF's VFs is -EINVAL), then
 * applies srp_vf_apply_order()'s steps.  If a step is refused, the steps
 * already applied are put back (srp_vf_restore_plan() from the state
 * read first; best effort, their errors are not reported) and the
 * refusal is returned.  ret_before, if not NULL, receives the state read
 * first (on success only).
 */
int srp_switch_apply(struct srp_switch *sw, const char *pf, const char *driver, unsigned int vf,
		     const struct srp_vf_change *c, struct srp_vf_state *ret_before,
		     struct srp_err *err);

/*
 * srp_switch_restore - put VF saved->index of pf back to saved: reads its
 * state, plans with srp_vf_restore_plan() and applies every step, going
 * on after a refused step so that as much as possible is restored.
 * Returns 0, or the first refusal (err names it).
 */
int srp_switch_restore(struct srp_switch *sw, const char *pf, const char *driver,
		       const struct srp_vf_state *saved, struct srp_err *err);

#endif
