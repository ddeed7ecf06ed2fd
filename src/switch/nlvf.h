/* SPDX-License-Identifier: MIT */
/* srpass -- VF netlink messages: pure build and parse over caller buffers, and the transport seam */
#ifndef SRP_NLVF_H
#define SRP_NLVF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct srp_err;
struct srp_vf_change;
struct srp_vf_state;

/*
 * Builders write one request into buf[len] and return its length, or
 * -EMSGSIZE if it does not fit, or -EINVAL for a bad argument (a netdev
 * name that is not 1..15 bytes).  They touch nothing but buf.
 *
 * Parsers read one datagram (buf[len], as received) and look only at
 * messages carrying seq; others (stale replies) are skipped.  They
 * return 0 and fill *st, or -EBADMSG with err naming the fault for a
 * truncated or malformed message or attribute (they never read outside
 * buf), or -ENOMEM.  Attribute types they do not know are skipped, as
 * libmnl advises.  A kernel error is not a parse failure: it is
 * st->error.  A request is answered when st->done is set; a dump may
 * take several datagrams.
 */
struct srp_nl_status {
	int done;		/* the answer to seq is complete */
	int error;		/* 0, or the kernel's -errno (NLMSG_ERROR, NLMSG_DONE) */
	char extack[128];	/* the kernel's extended-ack message, "" if none */
};

/* ---- rtnetlink: RTM_GETLINK / RTM_NEWLINK with VF info ---- */

struct srp_nl_link {
	int ifindex;
	char ifname[16];
	int operstate;		/* IF_OPER_* (IF_OPER_UP is 6), -1 if absent */
	int num_vf;		/* IFLA_NUM_VF; -1 if absent (no parent device) */
	struct srp_vf_state *vfs;	/* malloc()ed, in message order; NULL if none */
	size_t n_vfs;
};

/* Free vfs and zero l. */
void srp_nl_link_clear(struct srp_nl_link *l);

/* RTM_GETLINK for one netdev by name, IFLA_EXT_MASK = ext_mask
 * (RTEXT_FILTER_VF for VF info; | RTEXT_FILTER_SKIP_STATS without stats). */
int srp_nl_build_getlink(void *buf, size_t len, const char *ifname, uint32_t ext_mask,
			 uint32_t seq);

/*
 * srp_nl_parse_getlink - the RTM_NEWLINK answer: ifindex, name,
 * IFLA_OPERSTATE, IFLA_NUM_VF and IFLA_VFINFO_LIST.  Each IFLA_VF_INFO
 * becomes a struct srp_vf_state (IFLA_VF_VLAN_LIST wins over IFLA_VF_VLAN,
 * IFLA_VF_RATE over IFLA_VF_TX_RATE; a spoofchk, trust or query_rss of
 * (u32)-1 is "not reported").  The attributes of one IFLA_VF_INFO must
 * agree on the VF index, and no index may appear twice (-EBADMSG).  On a
 * completed answer *ret is filled (the caller clears it); otherwise it
 * is untouched.
 */
int srp_nl_parse_getlink(const void *buf, size_t len, uint32_t seq, struct srp_nl_link *ret,
			 struct srp_nl_status *st, struct srp_err *err);

/*
 * srp_nl_build_setvf - RTM_SETLINK (NLM_F_ACK) for netdev ifname with one
 * IFLA_VFINFO_LIST > IFLA_VF_INFO holding every attribute in c->set for
 * VF vf.  VLAN: IFLA_VF_VLAN for 802.1Q, IFLA_VF_VLAN_LIST (with the
 * protocol) for 802.1ad.  Rates: IFLA_VF_TX_RATE for a max-rate alone
 * (the kernel keeps the min), IFLA_VF_RATE with both c->min_tx_rate and
 * c->max_tx_rate whenever SRP_VF_MIN_RATE is set.  Nothing is validated
 * beyond what the wire format needs: values are the kernel's to refuse.
 * -EINVAL for a bad ifname or a change that sets nothing.
 */
int srp_nl_build_setvf(void *buf, size_t len, const char *ifname, unsigned int vf,
		       const struct srp_vf_change *c, uint32_t seq);

/* The inverse, for tests and replays: one RTM_SETLINK request. */
int srp_nl_parse_setvf(const void *buf, size_t len, char ret_ifname[16], unsigned int *ret_vf,
		       struct srp_vf_change *ret, struct srp_err *err);

/* The NLMSG_ERROR answering a request sent with NLM_F_ACK (error 0: ack). */
int srp_nl_parse_ack(const void *buf, size_t len, uint32_t seq, struct srp_nl_status *st,
		     struct srp_err *err);

/* ---- rtnetlink AF_BRIDGE: the PF's embedded bridge mode ---- */

/* RTM_GETLINK dump, family AF_BRIDGE (the kernel has no per-device get). */
int srp_nl_build_bridge_dump(void *buf, size_t len, uint32_t seq);

/*
 * srp_nl_parse_bridge - one datagram of that dump: if a message for
 * ifindex carries IFLA_AF_SPEC > IFLA_BRIDGE_MODE, *ret_mode becomes
 * BRIDGE_MODE_VEB or BRIDGE_MODE_VEPA (any other value is stored as is);
 * *ret_mode is untouched otherwise.  st->done on NLMSG_DONE.
 */
int srp_nl_parse_bridge(const void *buf, size_t len, uint32_t seq, int ifindex, int *ret_mode,
			struct srp_nl_status *st, struct srp_err *err);

/* ---- generic netlink: devlink eswitch mode ---- */

/* CTRL_CMD_GETFAMILY for name ("devlink"). */
int srp_nl_build_getfamily(void *buf, size_t len, const char *name, uint32_t seq);
/* CTRL_ATTR_FAMILY_ID of the answer; -ENOENT in st->error if the family
 * is not there. */
int srp_nl_parse_getfamily(const void *buf, size_t len, uint32_t seq, uint16_t *ret_id,
			   struct srp_nl_status *st, struct srp_err *err);

/* DEVLINK_CMD_ESWITCH_GET for bus/dev ("pci", "0000:03:00.0") on the
 * devlink family id. */
int srp_nl_build_eswitch_get(void *buf, size_t len, uint16_t family, const char *bus,
			     const char *dev, uint32_t seq);
/* DEVLINK_ATTR_ESWITCH_MODE (DEVLINK_ESWITCH_MODE_*) of the answer;
 * an answer without it is -EBADMSG. */
int srp_nl_parse_eswitch(const void *buf, size_t len, uint32_t seq, int *ret_mode,
			 struct srp_nl_status *st, struct srp_err *err);

/* ---- the transport: the only part that meets a socket ---- */

struct srp_nl_transport;

struct srp_nl_transport_ops {
	/* Send one request on bus (NETLINK_ROUTE, NETLINK_GENERIC):
	 * 0 or -errno. */
	int (*send)(struct srp_nl_transport *t, int bus, const void *buf, size_t len);
	/* Receive the next datagram on bus into buf[len] and return its
	 * length.  A datagram longer than len stays queued and its length
	 * is returned, so the caller can retry with a larger buffer.
	 * -errno on failure (-EAGAIN after a timeout). */
	ssize_t (*recv)(struct srp_nl_transport *t, int bus, void *buf, size_t len);
	/* Free t. */
	void (*close)(struct srp_nl_transport *t);
};

struct srp_nl_transport {
	const struct srp_nl_transport_ops *ops;
	void *data;			/* private to ops */
};

#endif
