/* SPDX-License-Identifier: MIT */
/* srpass fuzz -- writes the netlink seeds of tests/fuzz/corpus/fuzz_nlvf/ from the test fixtures */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/devlink.h>

#include "switch/nlvf.h"
#include "unit/nlvf_fix.h"

/*
 * Usage: mkseeds DIR.  Each seed is the selector byte fuzz_nlvf.c reads
 * (which parser; bit 7: the first message is stale) and one datagram:
 * the kernel answers the codec tests replay (unit/nlvf_fix.h) and the
 * requests srpass builds itself.  `make fuzz-seeds` reruns it.
 */

static uint32_t blob[16384];		/* 64 KiB, aligned for libmnl */
static const char *dir;

static void seed(const char *name, unsigned int sel, const void *buf, size_t len)
{
	char path[4096];
	unsigned char s = (unsigned char)sel;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(&s, 1, 1, f) != 1 || fwrite(buf, 1, len, f) != len ||
	    fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static void getlink_seeds(void)
{
	uint8_t *p = (uint8_t *)blob;
	struct kvf v[2];
	size_t len;

	two_vfs(v);
	seed("getlink-two-vfs", 0, blob, put_newlink(blob, sizeof(blob), 1, 4, "enp3s0f0", 6, 2, v, 2));
	seed("getlink-no-stats", 0, blob,
	     put_newlink_ext(blob, sizeof(blob), 1, 4, "enp3s0f0", 6, 2, v, 2, 1));
	v[0].no_vlan_list = v[1].no_vlan_list = 1;
	v[0].no_rate = v[1].no_rate = 1;
	seed("getlink-old-kernel", 0, blob, put_newlink(blob, sizeof(blob), 1, 4, "eth0", 2, 2, v, 2));
	seed("getlink-no-vfs", 0, blob, put_newlink(blob, sizeof(blob), 1, 9, "eno1", 6, -1, NULL, 0));
	seed("getlink-enodev", 0, blob, put_error(blob, 1, -ENODEV, "Cannot find device"));
	/* a stale answer (seq 1) ahead of the one asked for (seq 2) */
	two_vfs(v);
	len = put_newlink(blob, sizeof(blob), 1, 4, "enp3s0f0", 6, 2, v, 1);
	len += put_newlink(p + len, sizeof(blob) - len, 2, 4, "enp3s0f0", 6, 2, v + 1, 1);
	seed("getlink-stale-first", 0x80, blob, len);
}

static void setvf_seeds(void)
{
	struct srp_vf_change c = { 0 };
	int n;

	c.set = SRP_VF_MAC | SRP_VF_VLAN | SRP_VF_SPOOFCHK | SRP_VF_TRUST | SRP_VF_LINK_STATE |
		SRP_VF_MIN_RATE | SRP_VF_MAX_RATE | SRP_VF_QUERY_RSS;
	memcpy(c.mac, "\x02\x16\x3e\x01\x00\x0a", 6);
	c.vlan = 102;
	c.qos = 3;
	c.vlan_proto = SRP_VF_PROTO_8021AD;
	c.spoofchk = 1;
	c.link_state = SRP_VF_LINK_DISABLE;
	c.rss_query_en = 1;
	c.min_tx_rate = 10;
	c.max_tx_rate = 1000;
	n = srp_nl_build_setvf(blob, sizeof(blob), "enp3s0f0", 2, &c, 7);
	assert_true(n > 0);
	seed("setvf-all", 1, blob, (size_t)n);
	c.set = SRP_VF_VLAN | SRP_VF_MAX_RATE;
	c.vlan_proto = SRP_VF_PROTO_8021Q;
	n = srp_nl_build_setvf(blob, sizeof(blob), "eth1", 0, &c, 8);
	assert_true(n > 0);
	seed("setvf-vlan-rate", 1, blob, (size_t)n);
}

static void other_seeds(void)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)blob;
	uint8_t *p = (uint8_t *)blob;
	size_t len;

	seed("ack-ok", 2, blob, put_error(blob, 3, 0, NULL));
	seed("ack-extack", 2, blob, put_error(blob, 3, -EINVAL, "VF VLAN 4095 is not allowed\n"));

	len = put_bridge(p, 11, 3, BRIDGE_MODE_VEPA, NLM_F_MULTI);
	len += put_bridge(p + len, 11, 5, BRIDGE_MODE_VEB, NLM_F_MULTI);
	len += put_done(p + len, 11, 0);
	seed("bridge-dump", 3, blob, len);
	seed("bridge-failed", 3, blob, put_done(blob, 11, -EOPNOTSUPP));

	put_genl_answer(blob, GENL_ID_CTRL, 2, CTRL_CMD_NEWFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "devlink");
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x1c);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, 1);
	seed("getfamily", 4, blob, nlh->nlmsg_len);
	seed("getfamily-enoent", 4, blob, put_error(blob, 2, -ENOENT, NULL));

	put_genl_answer(blob, 0x1c, 5, DEVLINK_CMD_ESWITCH_GET);
	mnl_attr_put_strz(nlh, DEVLINK_ATTR_BUS_NAME, "pci");
	mnl_attr_put_strz(nlh, DEVLINK_ATTR_DEV_NAME, "0000:03:00.0");
	mnl_attr_put_u16(nlh, DEVLINK_ATTR_ESWITCH_MODE, DEVLINK_ESWITCH_MODE_SWITCHDEV);
	mnl_attr_put_u8(nlh, DEVLINK_ATTR_ESWITCH_INLINE_MODE, 0);
	seed("eswitch", 5, blob, nlh->nlmsg_len);
	seed("eswitch-enodev", 5, blob, put_error(blob, 5, -ENODEV, NULL));
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	getlink_seeds();
	setvf_seeds();
	other_seeds();
	return 0;
}
