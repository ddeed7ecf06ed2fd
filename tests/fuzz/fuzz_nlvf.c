/* SPDX-License-Identifier: MIT */
/* srpass fuzz -- the netlink parsers: getlink with VF info, setvf, acks, bridge, genl family, eswitch */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "srpass/err.h"
#include "fuzz/fakesys.h"
#include "switch/nlvf.h"
#include "switch/vfswitch.h"

/*
 * Input: one selector byte, then one datagram as recv() would return it.
 * It starts at data + 1, so at any alignment (the parsers promise to
 * copy headers out), and ends where libFuzzer's buffer ends (ASan sees a
 * read past it).  Selector bits 0-2 pick the parser.  The sequence
 * number asked for is the first message's (bit 7 clear) or one more
 * (bit 7 set: that message is stale and skipped).  The oracles are
 * nlvf.h's promises: -EBADMSG with a message, or a status that makes
 * sense; a parsed RTM_SETLINK builds back into the same request.
 */

#define IFINDEX 3		/* the bridge dump is asked about ifindex 3 */

static uint32_t wire[2048];	/* 8 KiB, aligned as the builders want */

static void check_status(const struct srp_nl_status *st)
{
	if (st->error > 0 || strnlen(st->extack, sizeof(st->extack)) >= sizeof(st->extack))
		abort();
}

static void getlink(const uint8_t *p, size_t len, uint32_t seq, struct srp_err *err)
{
	struct srp_nl_link l = { .ifindex = -7 };
	struct srp_nl_status st;
	int r;

	r = srp_nl_parse_getlink(p, len, seq, &l, &st, err);
	if (r < 0) {
		if (err->code != r || err->msg[0] == '\0' || l.ifindex != -7)
			abort();
		return;
	}
	check_status(&st);
	if (!st.done || st.error < 0) {
		if (l.ifindex != -7 || l.vfs != NULL)
			abort();		/* not completed: *ret untouched */
		return;
	}
	if (strnlen(l.ifname, sizeof(l.ifname)) >= sizeof(l.ifname) ||
	    (l.n_vfs > 0) != (l.vfs != NULL))
		abort();
	for (size_t i = 0; i < l.n_vfs; i++)
		for (size_t j = i + 1; j < l.n_vfs; j++)
			if (l.vfs[i].index == l.vfs[j].index)
				abort();	/* "no index may appear twice" */
	srp_nl_link_clear(&l);
}

static void setvf(const uint8_t *p, size_t len, struct srp_err *err)
{
	struct srp_vf_change c, c2;
	char name[16], name2[16];
	unsigned int vf, vf2;
	int n;

	if (srp_nl_parse_setvf(p, len, name, &vf, &c, err) < 0)
		return;
	if (c.set & ~SRP_VF_SETTABLE)
		abort();
	n = srp_nl_build_setvf(wire, sizeof(wire), name, vf, &c, 1);
	if (n == -EINVAL && !srp_vf_ifname_valid(name))
		return;			/* the builder refuses what a kernel would */
	if (n < 0 || srp_nl_parse_setvf(wire, (size_t)n, name2, &vf2, &c2, err) < 0 ||
	    strcmp(name, name2) != 0 || vf != vf2 || !fuzz_change_equal(&c, &c2))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct srp_err err = { 0 };
	struct srp_nl_status st;
	const uint8_t *p = data + 1;
	size_t len = size - 1;
	uint32_t seq = 0;
	uint16_t id = 0;
	int mode = -1, r;

	if (size < 1)
		return 0;
	if (len >= 12)
		memcpy(&seq, p + 8, sizeof(seq));	/* nlmsghdr.nlmsg_seq */
	seq += data[0] >> 7;
	switch (data[0] & 7) {
	case 0:
		getlink(p, len, seq, &err);
		return 0;
	case 1:
		setvf(p, len, &err);
		return 0;
	case 2:
		r = srp_nl_parse_ack(p, len, seq, &st, &err);
		break;
	case 3:
		r = srp_nl_parse_bridge(p, len, seq, IFINDEX, &mode, &st, &err);
		break;
	case 4:
		r = srp_nl_parse_getfamily(p, len, seq, &id, &st, &err);
		break;
	default:
		r = srp_nl_parse_eswitch(p, len, seq, &mode, &st, &err);
		break;
	}
	if (r < 0 && (err.code != r || err.msg[0] == '\0'))
		abort();
	if (r == 0)
		check_status(&st);
	return 0;
}
