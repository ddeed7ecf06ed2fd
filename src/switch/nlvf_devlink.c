/* SPDX-License-Identifier: MIT */
/* srpass -- VF netlink messages: generic netlink family lookup and the devlink eswitch mode */
#include "switch/nlvf.h"
#include "switch/nlvf_int.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <linux/devlink.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <libmnl/libmnl.h>

#include "srpass/err.h"

static struct nlmsghdr *put_genl(void *buf, size_t len, uint16_t type, uint8_t cmd,
				 uint8_t version, uint32_t seq)
{
	struct nlmsghdr *nlh = srp_nlvf_put_header(buf, len, type, NLM_F_REQUEST, seq,
						   sizeof(struct genlmsghdr));
	struct genlmsghdr *g;

	if (nlh == NULL)
		return NULL;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

int srp_nl_build_getfamily(void *buf, size_t len, const char *name, uint32_t seq)
{
	struct nlmsghdr *nlh;

	if (name == NULL || name[0] == '\0' || strlen(name) >= GENL_NAMSIZ)
		return -EINVAL;
	nlh = put_genl(buf, len, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, seq);
	if (nlh == NULL || !mnl_attr_put_strz_check(nlh, len, CTRL_ATTR_FAMILY_NAME, name))
		return -EMSGSIZE;
	return (int)nlh->nlmsg_len;
}

struct genlparse {
	uint16_t want;		/* the attribute sought */
	const char *what;
	uint16_t val;
	bool found;
	struct srp_nl_status *st;
	struct srp_err *err;
};

static int genl_u16_attr(uint16_t type, const uint8_t *d, size_t n, void *arg)
{
	struct genlparse *gp = arg;
	int r;

	if (type != gp->want)
		return 0;
	r = srp_nlvf_want_len(gp->what, n, sizeof(gp->val), 1, gp->err);
	if (r < 0)
		return r;
	memcpy(&gp->val, d, sizeof(gp->val));
	gp->found = true;
	return 0;
}

static int genl_msg(const struct nlmsghdr *h, const uint8_t *p, size_t len, void *arg)
{
	struct genlparse *gp = arg;
	int r;

	(void)h;
	if (len < GENL_HDRLEN)
		return srp_err_set(gp->err, -EBADMSG, "netlink: generic message of %zu bytes", len);
	r = srp_nlvf_attr_walk(p + GENL_HDRLEN, len - GENL_HDRLEN, gp->what, genl_u16_attr, gp,
			       gp->err);
	if (r < 0)
		return r;
	if (!gp->found)
		return srp_err_set(gp->err, -EBADMSG, "netlink: answer without %s", gp->what);
	gp->st->done = 1;
	return 0;
}

int srp_nl_parse_getfamily(const void *buf, size_t len, uint32_t seq, uint16_t *ret_id,
			   struct srp_nl_status *st, struct srp_err *err)
{
	struct genlparse gp = {
		.want = CTRL_ATTR_FAMILY_ID, .what = "CTRL_ATTR_FAMILY_ID", .st = st, .err = err,
	};
	int r;

	r = srp_nlvf_msg_walk(buf, len, seq, genl_msg, &gp, st, err);
	if (r == 0 && gp.found)
		*ret_id = gp.val;
	return r;
}

int srp_nl_build_eswitch_get(void *buf, size_t len, uint16_t family, const char *bus,
			     const char *dev, uint32_t seq)
{
	struct nlmsghdr *nlh;

	if (bus == NULL || dev == NULL || bus[0] == '\0' || dev[0] == '\0' || family < NLMSG_MIN_TYPE)
		return -EINVAL;
	nlh = put_genl(buf, len, family, DEVLINK_CMD_ESWITCH_GET, DEVLINK_GENL_VERSION, seq);
	if (nlh == NULL || !mnl_attr_put_strz_check(nlh, len, DEVLINK_ATTR_BUS_NAME, bus) ||
	    !mnl_attr_put_strz_check(nlh, len, DEVLINK_ATTR_DEV_NAME, dev))
		return -EMSGSIZE;
	return (int)nlh->nlmsg_len;
}

int srp_nl_parse_eswitch(const void *buf, size_t len, uint32_t seq, int *ret_mode,
			 struct srp_nl_status *st, struct srp_err *err)
{
	struct genlparse gp = {
		.want = DEVLINK_ATTR_ESWITCH_MODE, .what = "DEVLINK_ATTR_ESWITCH_MODE",
		.st = st, .err = err,
	};
	int r;

	r = srp_nlvf_msg_walk(buf, len, seq, genl_msg, &gp, st, err);
	if (r == 0 && gp.found)
		*ret_mode = gp.val;
	return r;
}
