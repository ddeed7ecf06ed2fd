/* SPDX-License-Identifier: MIT */
/* srpass tests -- the file-backed simulated VF switch, on a temporary host root */
#define _GNU_SOURCE		/* nftw */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "srpass/err.h"
#include "os/sys.h"
#include "switch/vfswitch.h"
#include "sim/platform.h"

#define PF_DIR	"sys/bus/pci/devices/0000:03:00.0"
#define SIM_FILE "var/lib/srpass-sim/switch/eth0.json"

struct host {
	char root[64];
	struct srp_sys sys;
	struct srp_switch *sw;
};

/* ---- building the tree with plain libc ---- */

static void mkdirs(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		assert_true(mkdir(buf, 0755) == 0 || errno == EEXIST);
		*p = '/';
	}
	assert_true(mkdir(buf, 0755) == 0 || errno == EEXIST);
}

static void put(struct host *h, const char *rel, const char *content)
{
	char path[PATH_MAX];
	char *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", h->root, rel);
	slash = strrchr(path, '/');
	*slash = '\0';
	mkdirs(path);
	*slash = '/';
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	assert_int_equal(fclose(f), 0);
}

static void link_(struct host *h, const char *target, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", h->root, rel);
	assert_int_equal(symlink(target, path), 0);
}

static struct json_object *read_json(struct host *h, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", h->root, rel);
	return json_object_from_file(path);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* A PF 0000:03:00.0 with netdev eth0 (sysfs-shaped: class/net link,
 * device link back) and numvfs VFs, link up. */
static void add_pf(struct host *h, const char *numvfs)
{
	put(h, PF_DIR "/sriov_numvfs", numvfs);
	put(h, PF_DIR "/net/eth0/operstate", "up\n");
	link_(h, "../..", PF_DIR "/net/eth0/device");
	put(h, "sys/class/net/.keep", "");
	link_(h, "../../bus/pci/devices/0000:03:00.0/net/eth0", "sys/class/net/eth0");
}

static int setup_bare(void **state)
{
	struct host *h = calloc(1, sizeof(*h));

	strcpy(h->root, "/tmp/srpass-swsim-XXXXXX");
	assert_non_null(mkdtemp(h->root));
	h->sys.rootfd = -1;
	*state = h;
	return 0;
}

static int setup(void **state)
{
	struct host *h;
	struct srp_err err = { 0 };

	setup_bare(state);
	h = *state;
	put(h, "var/lib/srpass-sim/.keep", "");
	add_pf(h, "4\n");
	assert_int_equal(srp_sys_open(&h->sys, h->root, &err), 0);
	assert_int_equal(srp_platform_sim.switch_open(&h->sys, &h->sw, &err), 0);
	assert_string_equal(h->sw->ops->name, "sim");
	return 0;
}

static int teardown(void **state)
{
	struct host *h = *state;

	srp_switch_close(h->sw);
	srp_sys_close(&h->sys);
	assert_int_equal(nftw(h->root, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
	free(h);
	return 0;
}

static void get(struct host *h, unsigned int vf, struct srp_vf_state *ret)
{
	struct srp_vf_table t = { 0 };
	struct srp_err err = { 0 };

	if (srp_switch_get_vfs(h->sw, "eth0", &t, &err) < 0)
		fail_msg("get_vfs: %s", err.msg);
	assert_true(vf < t.n);
	*ret = t.vfs[vf];
	srp_vf_table_free(&t);
}

static int set(struct host *h, unsigned int vf, const char *words, struct srp_err *err)
{
	char buf[256], *argv[16];
	struct srp_vf_change c;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", words);
	for (char *w = strtok(buf, " "); w != NULL; w = strtok(NULL, " "))
		argv[argc++] = w;
	assert_int_equal(srp_vf_change_parse(argc, argv, &c, NULL), 0);
	/* the op itself, so nothing checks on its behalf */
	return h->sw->ops->set_vf(h->sw, "eth0", "igb", vf, &c, err);
}

/* ---- selection ---- */

static void test_platforms_pick_their_switch(void **state)
{
	struct host *h = *state;
	struct srp_switch *sw = NULL;
	struct srp_err err = { 0 };

	assert_int_equal(srp_sys_open(&h->sys, h->root, &err), 0);
	/* the simulated platform wants a simulated host */
	assert_int_equal(srp_platform_sim.switch_open(&h->sys, &sw, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "is not a simulated host: no '/var/lib/srpass-sim'"));
	assert_null(sw);

	/* the kernel's platform never looks at the marker */
	put(h, "var/lib/srpass-sim/.keep", "");
	assert_int_equal(srp_platform_kernel.switch_open(&h->sys, &sw, &err), 0);
	assert_string_equal(sw->ops->name, "netlink");	/* opens no socket yet */
	srp_switch_close(sw);
	sw = NULL;
	assert_int_equal(srp_platform_sim.switch_open(&h->sys, &sw, &err), 0);
	assert_string_equal(sw->ops->name, "sim");
	srp_switch_close(sw);
}

static void test_sim_marker_must_be_a_directory(void **state)
{
	struct host *h = *state;
	struct srp_switch *sw = NULL;
	struct srp_err err = { 0 };

	assert_int_equal(srp_sys_open(&h->sys, h->root, &err), 0);
	put(h, "var/lib/srpass-sim", "not a directory");
	assert_int_equal(srp_platform_sim.switch_open(&h->sys, &sw, &err), -ENOTDIR);
	assert_non_null(strstr(err.msg, "'/var/lib/srpass-sim' under host root"));
}

/* ---- first use ---- */

static void test_first_use_creates_state(void **state)
{
	struct host *h = *state;
	struct srp_vf_table t = { 0 };
	struct srp_err err = { 0 };
	struct json_object *o, *v;

	assert_int_equal(srp_switch_get_vfs(h->sw, "eth0", &t, &err), 0);
	assert_string_equal(t.pf, "eth0");
	assert_int_equal(t.num_vfs, 4);
	assert_int_equal(t.n, 4);
	assert_int_equal(t.link_up, 1);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(t.vfs[i].index, i);
		assert_int_equal(t.vfs[i].known, SRP_VF_SETTABLE | SRP_VF_STATS);
		assert_memory_equal(t.vfs[i].mac, "\0\0\0\0\0\0", 6);
		assert_int_equal(t.vfs[i].spoofchk, 0);		/* full profile: like netdevsim */
		assert_int_equal(t.vfs[i].trust, 0);
		assert_int_equal(t.vfs[i].link_state, SRP_VF_LINK_AUTO);
		assert_int_equal(t.vfs[i].rss_query_en, 0);
	}
	srp_vf_table_free(&t);

	o = read_json(h, SIM_FILE);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "profile", &v));
	assert_string_equal(json_object_get_string(v), "full");
	assert_true(json_object_object_get_ex(o, "vfs", &v));
	assert_int_equal(json_object_array_length(v), 4);
	json_object_put(o);
}

static void test_missing_and_plain_netdevs(void **state)
{
	struct host *h = *state;
	struct srp_vf_table t = { 0 };
	struct srp_err err = { 0 };

	assert_int_equal(srp_switch_get_vfs(h->sw, "eth9", &t, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "no network interface 'eth9'"));
	srp_err_clear(&err);
	assert_int_equal(srp_switch_get_vfs(h->sw, "../../etc", &t, &err), -EINVAL);

	/* no sriov_numvfs, no class/net link: found through net/, 0 VFs */
	put(h, "sys/bus/pci/devices/0000:00:19.0/net/eno1/operstate", "down\n");
	assert_int_equal(srp_switch_get_vfs(h->sw, "eno1", &t, NULL), 0);
	assert_int_equal(t.num_vfs, 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(t.link_up, 0);
	srp_vf_table_free(&t);
}

/* ---- semantics ---- */

static void test_mac_is_administrative(void **state)
{
	struct host *h = *state;
	struct srp_vf_state st;
	struct json_object *o, *vfs, *adm;
	struct srp_err err = { 0 };

	assert_int_equal(set(h, 1, "mac 02:00:00:00:00:11", &err), 0);
	get(h, 1, &st);
	assert_memory_equal(st.mac, "\x02\x00\x00\x00\x00\x11", 6);
	o = read_json(h, SIM_FILE);
	assert_true(json_object_object_get_ex(o, "vfs", &vfs));
	assert_true(json_object_object_get_ex(json_object_array_get_idx(vfs, 1), "admin_mac", &adm));
	assert_true(json_object_get_boolean(adm));
	json_object_put(o);

	/* all-zero hands the MAC back to the VF */
	assert_int_equal(set(h, 1, "mac 00:00:00:00:00:00", &err), 0);
	o = read_json(h, SIM_FILE);
	assert_true(json_object_object_get_ex(o, "vfs", &vfs));
	assert_true(json_object_object_get_ex(json_object_array_get_idx(vfs, 1), "admin_mac", &adm));
	assert_false(json_object_get_boolean(adm));
	json_object_put(o);

	/* a multicast MAC that got past the parser is still refused */
	struct srp_vf_change c = { .set = SRP_VF_MAC, .mac = { 1, 0, 0x5e, 0, 0, 1 } };

	assert_int_equal(h->sw->ops->set_vf(h->sw, "eth0", "igb", 1, &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "refused 'mac 01:00:5e:00:00:01' on VF 1"));
}

/* counters written into the file by hand are reported and survive a change */
static void test_planted_stats(void **state)
{
	struct host *h = *state;
	struct srp_vf_state st;
	struct json_object *o, *vfs, *stats;
	struct srp_err err = { 0 };

	get(h, 0, &st);		/* creates the file */
	assert_true(st.known & SRP_VF_STATS);
	assert_true(st.stats.rx_packets == 0);
	o = read_json(h, SIM_FILE);
	assert_true(json_object_object_get_ex(o, "vfs", &vfs));
	stats = json_tokener_parse("{\"rx_packets\": 7, \"tx_bytes\": 1099511627776, "
				   "\"rx_dropped\": 3}");
	json_object_object_add(json_object_array_get_idx(vfs, 0), "stats", stats);
	put(h, SIM_FILE, json_object_to_json_string(o));
	json_object_put(o);
	get(h, 0, &st);
	assert_true(st.stats.rx_packets == 7);
	assert_true(st.stats.tx_bytes == 1ull << 40);
	assert_true(st.stats.rx_dropped == 3);
	assert_true(st.stats.tx_packets == 0);
	assert_int_equal(set(h, 0, "trust on", &err), 0);
	get(h, 0, &st);
	assert_int_equal(st.trust, 1);
	assert_true(st.stats.rx_packets == 7);
	assert_true(st.stats.tx_bytes == 1ull << 40);
	get(h, 1, &st);
	assert_true(st.stats.rx_packets == 0);
}

static void test_vlan_semantics(void **state)
{
	struct host *h = *state;
	struct srp_vf_state st;
	struct srp_vf_change c = { .set = SRP_VF_VLAN, .vlan = 0, .qos = 3,
				   .vlan_proto = SRP_VF_PROTO_8021Q };
	struct srp_err err = { 0 };

	assert_int_equal(set(h, 0, "vlan 100 qos 3 proto 802.1ad", &err), 0);
	get(h, 0, &st);
	assert_int_equal(st.vlan, 100);
	assert_int_equal(st.qos, 3);
	assert_int_equal(st.vlan_proto, SRP_VF_PROTO_8021AD);
	/* vlan 0 clears qos and protocol */
	assert_int_equal(set(h, 0, "vlan 0", &err), 0);
	get(h, 0, &st);
	assert_int_equal(st.vlan, 0);
	assert_int_equal(st.qos, 0);
	assert_int_equal(st.vlan_proto, SRP_VF_PROTO_8021Q);
	/* qos needs a vlan, even when the parser is bypassed */
	assert_int_equal(h->sw->ops->set_vf(h->sw, "eth0", "igb", 0, &c, &err), -EINVAL);
	c = (struct srp_vf_change){ .set = SRP_VF_VLAN, .vlan = 9, .vlan_proto = 0x9100 };
	srp_err_clear(&err);
	assert_int_equal(h->sw->ops->set_vf(h->sw, "eth0", "igb", 0, &c, &err), -EPROTONOSUPPORT);
}

static void test_vf_index_out_of_range(void **state)
{
	struct host *h = *state;
	struct srp_vf_change c = { .set = SRP_VF_TRUST, .trust = 1 };
	struct srp_err err = { 0 };

	assert_int_equal(set(h, 4, "trust on", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "on VF 4"));
	srp_err_clear(&err);
	assert_int_equal(srp_switch_apply(h->sw, "eth0", "igb", 4, &c, NULL, &err), -EINVAL);
	assert_string_equal(err.msg, "PF 'eth0' has 4 VFs; there is no VF 4");
}

static void test_rate_needs_link_up(void **state)
{
	struct host *h = *state;
	struct srp_vf_state st;
	struct srp_err err = { 0 };

	assert_int_equal(set(h, 2, "max-rate 1000 min-rate 100", &err), 0);
	get(h, 2, &st);
	assert_int_equal(st.max_tx_rate, 1000);
	assert_int_equal(st.min_tx_rate, 100);
	/* min-rate alone keeps the max */
	assert_int_equal(set(h, 2, "min-rate 200", &err), 0);
	get(h, 2, &st);
	assert_int_equal(st.max_tx_rate, 1000);
	assert_int_equal(st.min_tx_rate, 200);
	/* the op refuses a min above the max the parser could not see */
	assert_int_equal(set(h, 2, "max-rate 50", &err), -EINVAL);
	srp_err_clear(&err);

	put(h, PF_DIR "/net/eth0/operstate", "down\n");
	assert_int_equal(set(h, 2, "max-rate 0", &err), -EINVAL);
	assert_string_equal(err.msg, "driver 'igb' of PF 'eth0' refused 'max-rate 0' on VF 2: "
				     "rate limits need the PF link up ('eth0' is down)");
	get(h, 2, &st);
	assert_int_equal(st.max_tx_rate, 1000);

	/* the sim file's flag wins over operstate */
	put(h, SIM_FILE, "{ \"version\": 1, \"link_up\": true }");
	assert_int_equal(set(h, 2, "max-rate 10", &err), 0);
}

static void test_numvfs_change_recreates_vfs(void **state)
{
	struct host *h = *state;
	struct srp_vf_table t = { 0 };
	struct srp_err err = { 0 };

	assert_int_equal(set(h, 0, "trust on mac 02:00:00:00:00:01", &err), 0);
	put(h, PF_DIR "/sriov_numvfs", "2\n");
	assert_int_equal(srp_switch_get_vfs(h->sw, "eth0", &t, &err), 0);
	assert_int_equal(t.n, 2);
	assert_int_equal(t.vfs[0].trust, 0);
	assert_memory_equal(t.vfs[0].mac, "\0\0\0\0\0\0", 6);
	srp_vf_table_free(&t);
}

/* ---- profiles ---- */

static void test_igb_profile(void **state)
{
	struct host *h = *state;
	struct srp_vf_table t = { 0 };
	struct srp_err err = { 0 };
	struct srp_bdf pf = { .bus = 3 };
	enum srp_hwmode hw = SRP_HWMODE_VEB;
	enum srp_eswitch_mode es = SRP_ESWITCH_LEGACY;

	/* written before first use: the VFs are made the igb way */
	put(h, SIM_FILE, "{ \"version\": 1, \"profile\": \"igb\" }\n");
	assert_int_equal(srp_switch_get_vfs(h->sw, "eth0", &t, &err), 0);
	assert_int_equal(t.n, 4);
	assert_int_equal(t.vfs[3].spoofchk, 1);
	assert_false(t.vfs[3].known & SRP_VF_QUERY_RSS);
	assert_int_equal(t.vfs[3].rss_query_en, -1);
	srp_vf_table_free(&t);

	/* what igb accepts */
	assert_int_equal(set(h, 0, "mac 02:00:00:00:00:01 vlan 100 qos 3 spoofchk on trust off",
			     &err), 0);
	assert_int_equal(set(h, 0, "max-rate 100", &err), 0);
	/* and refuses */
	assert_int_equal(set(h, 0, "state enable", &err), -EOPNOTSUPP);
	assert_string_equal(err.msg,
			    "driver 'igb' of PF 'eth0' does not support setting link state on VFs");
	srp_err_clear(&err);
	assert_int_equal(set(h, 0, "query-rss on", &err), -EOPNOTSUPP);
	assert_non_null(strstr(err.msg, "does not support setting RSS query on VFs"));
	srp_err_clear(&err);
	assert_int_equal(set(h, 0, "vlan 200 proto 802.1ad", &err), -EPROTONOSUPPORT);
	assert_string_equal(err.msg,
			    "driver 'igb' of PF 'eth0' does not support VLAN protocol 802.1ad on VFs");
	srp_err_clear(&err);
	assert_int_equal(set(h, 0, "min-rate 10", &err), -EINVAL);
	assert_int_equal(srp_switch_get_hwmode(h->sw, "eth0", &hw, NULL), 0);
	assert_int_equal(hw, SRP_HWMODE_UNSUPPORTED);
	assert_int_equal(srp_switch_get_eswitch_mode(h->sw, &pf, &es, NULL), 0);
	assert_int_equal(es, SRP_ESWITCH_UNSUPPORTED);
}

static void test_full_profile_modes(void **state)
{
	struct host *h = *state;
	struct srp_bdf pf = { .bus = 3 }, other = { .bus = 9 };
	enum srp_hwmode hw = SRP_HWMODE_UNSUPPORTED;
	enum srp_eswitch_mode es = SRP_ESWITCH_UNSUPPORTED;
	struct srp_vf_state st;
	struct srp_err err = { 0 };

	assert_int_equal(srp_switch_get_hwmode(h->sw, "eth0", &hw, NULL), 0);
	assert_int_equal(hw, SRP_HWMODE_VEB);
	assert_int_equal(srp_switch_get_eswitch_mode(h->sw, &pf, &es, NULL), 0);
	assert_int_equal(es, SRP_ESWITCH_LEGACY);
	assert_int_equal(srp_switch_get_eswitch_mode(h->sw, &other, &es, NULL), 0);
	assert_int_equal(es, SRP_ESWITCH_UNSUPPORTED);	/* no such device */

	put(h, SIM_FILE, "{ \"hwmode\": \"vepa\", \"eswitch_mode\": \"switchdev\" }");
	assert_int_equal(srp_switch_get_hwmode(h->sw, "eth0", &hw, NULL), 0);
	assert_int_equal(hw, SRP_HWMODE_VEPA);
	assert_int_equal(srp_switch_get_eswitch_mode(h->sw, &pf, &es, NULL), 0);
	assert_int_equal(es, SRP_ESWITCH_SWITCHDEV);

	assert_int_equal(set(h, 3, "state disable query-rss on vlan 7 proto 802.1ad", &err), 0);
	get(h, 3, &st);
	assert_int_equal(st.link_state, SRP_VF_LINK_DISABLE);
	assert_int_equal(st.rss_query_en, 1);
	assert_int_equal(st.vlan_proto, SRP_VF_PROTO_8021AD);
}

static void test_bad_sim_files(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
	} bad[] = {
		{ "{ \"version\": 1", "is not valid JSON (it ends too early)" },
		{ "{ ] }", "is not valid JSON" },
		{ "{} x", "has text after the JSON object" },
		{ "[]", "is not a JSON object" },
		{ "{ \"version\": 2 }", "'version' is not 1" },
		{ "{ \"profile\": \"ixgbe\" }", "'profile' is not \"full\" or \"igb\"" },
		{ "{ \"link_up\": \"yes\" }", "'link_up' is not true, false or null" },
		{ "{ \"hwmode\": 1 }", "'hwmode' is not" },
		{ "{ \"eswitch_mode\": \"off\" }", "'eswitch_mode' is not" },
		{ "{ \"colour\": 1 }", "unknown key 'colour'" },
		{ "{ \"vfs\": {} }", "'vfs' is not an array" },
		{ "{ \"vfs\": [ 1 ] }", "'vfs[0]' is not an object" },
		{ "{ \"vfs\": [ { \"vf\": 1 } ] }", "'vfs[0]' describes another VF" },
		{ "{ \"vfs\": [ { \"vf\": 0, \"vlan\": 5000, \"qos\": 0, \"vlan_proto\": \"802.1Q\" } ] }",
		  "vfs[0]: VF switch state: 'vlan' 5000" },
		{ "{ \"vfs\": [ { \"vf\": 0, \"admin_mac\": 1 } ] }", "'vfs[0].admin_mac'" },
	};
	struct host *h = *state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct srp_vf_table t = { 0 };
		struct srp_err err = { 0 };
		int r;

		put(h, SIM_FILE, bad[i].text);
		r = srp_switch_get_vfs(h->sw, "eth0", &t, &err);
		if (r != -EINVAL || strstr(err.msg, bad[i].msg) == NULL ||
		    strstr(err.msg, "/var/lib/srpass-sim/switch/eth0.json") == NULL)
			fail_msg("case %zu %s: r=%d msg='%s', want '%s'", i, bad[i].text, r, err.msg,
				 bad[i].msg);
		assert_null(t.vfs);
	}
}

/* ---- apply and restore through the handle ---- */

static void test_apply_rolls_back_on_igb(void **state)
{
	struct host *h = *state;
	struct srp_vf_change c;
	struct srp_vf_state st, before;
	struct srp_err err = { 0 };
	char *argv[] = { "mac", "02:00:00:00:00:42", "vlan", "10", "state", "enable" };

	put(h, SIM_FILE, "{ \"version\": 1, \"profile\": \"igb\" }\n");
	assert_int_equal(set(h, 1, "mac 02:00:00:00:00:01 vlan 5", &err), 0);
	assert_int_equal(srp_vf_change_parse(6, argv, &c, NULL), 0);
	assert_int_equal(srp_switch_apply(h->sw, "eth0", "igb", 1, &c, &before, &err),
			 -EOPNOTSUPP);
	assert_non_null(strstr(err.msg, "link state"));
	get(h, 1, &st);
	assert_memory_equal(st.mac, "\x02\x00\x00\x00\x00\x01", 6);
	assert_int_equal(st.vlan, 5);

	/* without the refused word it goes through, and says what was there */
	c.set &= ~SRP_VF_LINK_STATE;
	assert_int_equal(srp_switch_apply(h->sw, "eth0", "igb", 1, &c, &before, &err), 0);
	assert_int_equal(before.vlan, 5);
	get(h, 1, &st);
	assert_int_equal(st.vlan, 10);
}

static void test_restore_saved_state(void **state)
{
	struct host *h = *state;
	struct srp_vf_state saved, st;
	struct json_object *o;
	struct srp_err err = { 0 };

	/* what the ledger would have kept, through JSON */
	get(h, 2, &saved);
	o = srp_vf_state_to_json(&saved, 0);
	assert_int_equal(srp_vf_state_from_json(o, &saved, &err), 0);
	json_object_put(o);

	assert_int_equal(set(h, 2, "mac 02:00:00:00:00:22 vlan 22 qos 2 trust on spoofchk on "
				   "state disable", &err), 0);
	assert_int_equal(srp_switch_restore(h->sw, "eth0", "igb", &saved, &err), 0);
	get(h, 2, &st);
	assert_memory_equal(st.mac, "\0\0\0\0\0\0", 6);
	assert_int_equal(st.vlan, 0);
	assert_int_equal(st.qos, 0);
	assert_int_equal(st.trust, 0);
	assert_int_equal(st.spoofchk, 0);
	assert_int_equal(st.link_state, SRP_VF_LINK_AUTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_platforms_pick_their_switch, setup_bare, teardown),
		cmocka_unit_test_setup_teardown(test_sim_marker_must_be_a_directory, setup_bare, teardown),
		cmocka_unit_test_setup_teardown(test_first_use_creates_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_and_plain_netdevs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mac_is_administrative, setup, teardown),
		cmocka_unit_test_setup_teardown(test_planted_stats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vlan_semantics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vf_index_out_of_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_needs_link_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_numvfs_change_recreates_vfs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_igb_profile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_profile_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_sim_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_rolls_back_on_igb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restore_saved_state, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
