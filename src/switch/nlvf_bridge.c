/* SPDX-License-Identifier: MIT */
/* srpass -- VF netlink messages: the PF's embedded bridge mode (rtnetlink AF_BRIDGE) */
#include "switch/nlvf.h"
#include "switch/nlvf_int.h"

#include <errno.h>
#include <string.h>

#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>

#include "srpass/err.h"

int srp_nl_build_bridge_dump(void *buf, size_t len, uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;

	nlh = srp_nlvf_put_header(buf, len, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, seq,
				  sizeof(*ifm));
	if (nlh == NULL)
		return -EMSGSIZE;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_BRIDGE;
	return (int)nlh->nlmsg_len;
}

struct bridgeparse {
	int ifindex;
	int mode;		/* -1 until seen */
	struct srp_err *err;
};

static int bridge_spec_attr(uint16_t type, const uint8_t *d, size_t n, void *arg)
{
	struct bridgeparse *bp = arg;
	uint16_t mode;
	int r;

	if (type != IFLA_BRIDGE_MODE)
		return 0;
	r = srp_nlvf_want_len("IFLA_BRIDGE_MODE", n, sizeof(mode), 1, bp->err);
	if (r < 0)
		return r;
	memcpy(&mode, d, sizeof(mode));
	bp->mode = mode;
	return 0;
}

static int bridge_attr(uint16_t type, const uint8_t *d, size_t n, void *arg)
{
	struct bridgeparse *bp = arg;

	if (type != IFLA_AF_SPEC)
		return 0;
	return srp_nlvf_attr_walk(d, n, "IFLA_AF_SPEC", bridge_spec_attr, bp, bp->err);
}

static int bridge_msg(const struct nlmsghdr *h, const uint8_t *p, size_t len, void *arg)
{
	struct bridgeparse *bp = arg;
	struct ifinfomsg ifm;

	if (h->nlmsg_type != RTM_NEWLINK)
		return 0;
	if (len < sizeof(ifm))
		return srp_err_set(bp->err, -EBADMSG, "netlink: RTM_NEWLINK of %zu bytes", len);
	memcpy(&ifm, p, sizeof(ifm));
	if (ifm.ifi_index != bp->ifindex)
		return 0;
	return srp_nlvf_attr_walk(p + NLMSG_ALIGN(sizeof(ifm)), len - NLMSG_ALIGN(sizeof(ifm)),
				  "RTM_NEWLINK (AF_BRIDGE)", bridge_attr, bp, bp->err);
}

int srp_nl_parse_bridge(const void *buf, size_t len, uint32_t seq, int ifindex, int *ret_mode,
			struct srp_nl_status *st, struct srp_err *err)
{
	struct bridgeparse bp = { .ifindex = ifindex, .mode = -1, .err = err };
	int r;

	r = srp_nlvf_msg_walk(buf, len, seq, bridge_msg, &bp, st, err);
	if (r == 0 && bp.mode >= 0)
		*ret_mode = bp.mode;
	return r;
}
