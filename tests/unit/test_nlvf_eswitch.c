/* SPDX-License-Identifier: MIT */
/* srpass tests -- VF netlink codecs: the PF's bridge mode (AF_BRIDGE) and devlink eswitch mode */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>		/* before the linux/ headers (linux/libc-compat.h) */
#include <errno.h>
#include <string.h>

#include <linux/devlink.h>
#include <linux/genetlink.h>
#include <linux/if_bridge.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "switch/nlvf.h"
#include "srpass/err.h"
#include "unit/nlvf_fix.h"

static uint32_t blob[32768];		/* 128 KiB, aligned for libmnl */

/* ---- AF_BRIDGE ---- */

static void test_bridge_dump(void **state)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)blob;
	struct srp_nl_status st;
	struct srp_err err = { 0 };
	uint8_t *p = (uint8_t *)blob;
	size_t len = 0;
	int mode = -1;

	(void)state;
	assert_true(srp_nl_build_bridge_dump(blob, sizeof(blob), 11) > 0);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(((struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_family, AF_BRIDGE);

	len += put_bridge(p + len, 11, 3, BRIDGE_MODE_VEPA, NLM_F_MULTI);
	len += put_bridge(p + len, 11, 5, BRIDGE_MODE_VEB, NLM_F_MULTI);
	/* first datagram: no NLMSG_DONE yet */
	assert_int_equal(srp_nl_parse_bridge(blob, len, 11, 3, &mode, &st, &err), 0);
	assert_false(st.done);
	assert_int_equal(mode, BRIDGE_MODE_VEPA);
	mode = -1;
	len += put_done(p + len, 11, 0);
	assert_int_equal(srp_nl_parse_bridge(blob, len, 11, 5, &mode, &st, &err), 0);
	assert_true(st.done);
	assert_int_equal(mode, BRIDGE_MODE_VEB);
	/* a device that is not there (igb has no ndo_bridge_getlink) */
	mode = -1;
	assert_int_equal(srp_nl_parse_bridge(blob, len, 11, 9, &mode, &st, &err), 0);
	assert_true(st.done);
	assert_int_equal(mode, -1);
	/* a message without IFLA_BRIDGE_MODE leaves it alone */
	len = put_bridge(p, 11, 9, -1, NLM_F_MULTI);
	len += put_done(p + len, 11, 0);
	assert_int_equal(srp_nl_parse_bridge(blob, len, 11, 9, &mode, &st, &err), 0);
	assert_int_equal(mode, -1);
	/* a failed dump */
	len = put_done(p, 11, -EOPNOTSUPP);
	assert_int_equal(srp_nl_parse_bridge(blob, len, 11, 9, &mode, &st, &err), 0);
	assert_true(st.done);
	assert_int_equal(st.error, -EOPNOTSUPP);
	/* IFLA_BRIDGE_MODE of the wrong size */
	len = put_bridge(p, 11, 9, BRIDGE_MODE_VEB, NLM_F_MULTI);
	{
		/* grow the u16 to a u32 in place: the mode is the last attribute */
		struct nlattr *a = (struct nlattr *)(p + len - 8);

		assert_int_equal(a->nla_type, IFLA_BRIDGE_MODE);
		a->nla_len = 8;
	}
	assert_int_equal(srp_nl_parse_bridge(blob, len, 11, 9, &mode, &st, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "IFLA_BRIDGE_MODE has 4 bytes"));
}

/* ---- generic netlink ---- */

static void test_getfamily(void **state)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)blob;
	struct genlmsghdr *g;
	struct srp_nl_status st;
	struct srp_err err = { 0 };
	struct nlattr *a;
	uint16_t id = 0;
	size_t len;

	(void)state;
	assert_true(srp_nl_build_getfamily(blob, sizeof(blob), "devlink", 2) > 0);
	assert_int_equal(nlh->nlmsg_type, GENL_ID_CTRL);
	g = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(g->cmd, CTRL_CMD_GETFAMILY);
	a = mnl_nlmsg_get_payload_offset(nlh, sizeof(*g));
	assert_int_equal(mnl_attr_get_type(a), CTRL_ATTR_FAMILY_NAME);
	assert_string_equal(mnl_attr_get_str(a), "devlink");
	assert_int_equal(srp_nl_build_getfamily(blob, sizeof(blob), "", 2), -EINVAL);

	put_genl_answer(blob, GENL_ID_CTRL, 2, CTRL_CMD_NEWFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "devlink");
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x1c);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, 1);
	len = nlh->nlmsg_len;
	assert_int_equal(srp_nl_parse_getfamily(blob, len, 2, &id, &st, &err), 0);
	assert_true(st.done);
	assert_int_equal(id, 0x1c);

	len = put_error(blob, 2, -ENOENT, NULL);
	id = 0;
	assert_int_equal(srp_nl_parse_getfamily(blob, len, 2, &id, &st, &err), 0);
	assert_int_equal(st.error, -ENOENT);
	assert_int_equal(id, 0);

	len = put_genl_answer(blob, GENL_ID_CTRL, 2, CTRL_CMD_NEWFAMILY);
	assert_int_equal(srp_nl_parse_getfamily(blob, len, 2, &id, &st, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "without CTRL_ATTR_FAMILY_ID"));

	put_genl_answer(blob, GENL_ID_CTRL, 2, CTRL_CMD_NEWFAMILY);
	mnl_attr_put_u32(nlh, CTRL_ATTR_FAMILY_ID, 0x1c);
	srp_err_clear(&err);
	assert_int_equal(srp_nl_parse_getfamily(blob, nlh->nlmsg_len, 2, &id, &st, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "CTRL_ATTR_FAMILY_ID has 4 bytes"));

	/* shorter than its genlmsghdr */
	nlh->nlmsg_len = NLMSG_HDRLEN + 2;
	assert_int_equal(srp_nl_parse_getfamily(blob, nlh->nlmsg_len, 2, &id, &st, NULL), -EBADMSG);
}

static void test_eswitch(void **state)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)blob;
	struct srp_nl_status st;
	struct nlattr *a;
	int mode = -1, seen = 0;
	size_t len;

	(void)state;
	assert_true(srp_nl_build_eswitch_get(blob, sizeof(blob), 0x1c, "pci", "0000:03:00.0", 5) > 0);
	assert_int_equal(nlh->nlmsg_type, 0x1c);
	assert_int_equal(((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd,
			 DEVLINK_CMD_ESWITCH_GET);
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == DEVLINK_ATTR_BUS_NAME) {
			assert_string_equal(mnl_attr_get_str(a), "pci");
			seen |= 1;
		}
		if (mnl_attr_get_type(a) == DEVLINK_ATTR_DEV_NAME) {
			assert_string_equal(mnl_attr_get_str(a), "0000:03:00.0");
			seen |= 2;
		}
	}
	assert_int_equal(seen, 3);
	assert_int_equal(srp_nl_build_eswitch_get(blob, sizeof(blob), 0, "pci", "x", 5), -EINVAL);

	put_genl_answer(blob, 0x1c, 5, DEVLINK_CMD_ESWITCH_GET);
	mnl_attr_put_strz(nlh, DEVLINK_ATTR_BUS_NAME, "pci");
	mnl_attr_put_strz(nlh, DEVLINK_ATTR_DEV_NAME, "0000:03:00.0");
	mnl_attr_put_u16(nlh, DEVLINK_ATTR_ESWITCH_MODE, DEVLINK_ESWITCH_MODE_SWITCHDEV);
	mnl_attr_put_u8(nlh, DEVLINK_ATTR_ESWITCH_INLINE_MODE, 0);
	assert_int_equal(srp_nl_parse_eswitch(blob, nlh->nlmsg_len, 5, &mode, &st, NULL), 0);
	assert_true(st.done);
	assert_int_equal(mode, DEVLINK_ESWITCH_MODE_SWITCHDEV);

	len = put_error(blob, 5, -ENODEV, NULL);
	mode = -1;
	assert_int_equal(srp_nl_parse_eswitch(blob, len, 5, &mode, &st, NULL), 0);
	assert_int_equal(st.error, -ENODEV);
	assert_int_equal(mode, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bridge_dump),
		cmocka_unit_test(test_getfamily),
		cmocka_unit_test(test_eswitch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
