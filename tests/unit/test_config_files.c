/* SPDX-License-Identifier: MIT */
/* srpass tests -- the configuration file: structure, across tenants, the file itself, random bytes */
#include "config_fix.h"

/* ---- structure ---- */

static void test_sections(void **state)
{
	struct fx *fx = *state;

	load_bad(fx, "[globals]\n", -EINVAL, CONF ":1: [globals]: unknown section", NULL);
	load_bad(fx, "[tenants:a]\npfs = eth0\n", -EINVAL, "[tenants:a]: unknown section", NULL);
	load_bad(fx, "[tenant]\n", -EINVAL, "[tenant]: unknown section", NULL);
	load_bad(fx, "[tenant:]\npfs = eth0\n", -EINVAL, ":1: [tenant:]: empty tenant name", NULL);
	load_bad(fx, "[tenant:a:b]\npfs = eth0\n", -EINVAL, "bad tenant name 'a:b'", NULL);
	load_bad(fx, "[tenant:0123456789abcdef0123456789abcdef0]\n", -EINVAL,
		 "bad tenant name '0123456789abcdef0123456789abcdef0'", NULL);
	load_bad(fx, "[tenant:Web]\npfs = eth0\n", -EINVAL, "bad section name '[tenant:Web]'",
		 NULL);
	load_bad(fx, "[tenant:a b]\n", -EINVAL, "bad section name '[tenant:a b]'", NULL);
	load_bad(fx, "[Global]\n", -EINVAL, ":1: bad section name '[Global]'", NULL);
	load_bad(fx, "[]\n", -EINVAL, "empty section name", NULL);
	load_bad(fx, "[ ]\n", -EINVAL, "empty section name", NULL);
	load_bad(fx, "[global\n", -EINVAL, ":1: section header does not end in ']'", NULL);
	load_bad(fx, "[global] # comment\n", -EINVAL, "does not end in ']'", NULL);
	load_bad(fx, "[global]\n\n[tenant:a]\npfs=eth0\n[global]\n", -EINVAL,
		 ":5: [global]: section repeated (first on line 1)", NULL);
	load_bad(fx, "[tenant:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx]\n",
		 -EINVAL, "is too long", NULL);
	/* a tenant section repeated is the same as any other */
	load_bad(fx, "[tenant:a]\npfs=eth0\n[tenant:a]\nvlans=1\n", -EINVAL,
		 ":3: [tenant:a]: section repeated", NULL);
}

static void test_lines(void **state)
{
	struct fx *fx = *state;
	char text[4096];

	load_bad(fx, "backend = kvm\n", -EINVAL, ":1: key outside any section", NULL);
	load_bad(fx, "[global]\nbackend\n", -EINVAL,
		 ":2: [global]: expected 'key = value' or '[section]'", NULL);
	load_bad(fx, "[global]\n= kvm\n", -EINVAL, ":2: [global]: empty key name", NULL);
	load_bad(fx, "[global]\nBackend = kvm\n", -EINVAL, "bad key name 'Backend'", NULL);
	load_bad(fx, "[global]\nback end = kvm\n", -EINVAL, "bad key name 'back end'", NULL);
	load_bad(fx, "[global]\nbackend = kvm\nbackend = xen\n", -EINVAL,
		 CONF ":3: [global] backend: key repeated (first on line 2)", NULL);
	load_bad(fx, "[tenant:a]\npfs = eth0\nvlans = 1\nvlans = 2\n", -EINVAL,
		 ":4: [tenant:a] vlans: key repeated", NULL);
	load_bad(fx, "[global]\nstate_dir = /a\\\n/b\n", -EINVAL,
		 ":2: line ends in a backslash", NULL);
	load_bad(fx, "[global]\n# a comment \\\nbackend = kvm\n", -EINVAL,
		 ":2: line ends in a backslash", NULL);
	load_bad(fx, "[global]\nthis_is_a_very_long_key_name_beyond_limit = 1\n", -EINVAL,
		 "unknown key 'this_is_a_very_long_key_name_be...'", NULL);

	memset(text, 0, sizeof(text));
	strcpy(text, "[global]\nstate_dir = /");
	memset(text + strlen(text), 'a', 1100);
	strcat(text, "\n");
	load_bad(fx, text, -EINVAL, ":2: line longer than 1000 characters", NULL);

	/* exactly the limit is fine as far as lines go */
	memset(text, 0, sizeof(text));
	strcpy(text, "[tenant:t]\npfs = eth0\n#");
	memset(text + strlen(text), 'c', 999);
	strcat(text, "\n");
	srp_config_free(load_ok(fx, text));

	put_bytes(fx, "[global]\nbackend = k\0vm\n", 24, 0644);
	srp_err_clear(&fx->err);
	{
		struct srp_config *cfg = NULL;

		assert_int_equal(srp_config_load(&fx->sys, CONF, &cfg, &fx->err), -EINVAL);
		assert_null(cfg);
		assert_non_null(strstr(fx->err.msg, ":2: NUL byte"));
	}

	/* 65 distinct keys in one section: refused before anything scales badly */
	strcpy(text, "[global]\n");
	for (int i = 0; i < 65; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "k%d = 1\n", i);
	load_bad(fx, text, -EINVAL, "more than 64 keys", NULL);
}

/* ---- across tenants ---- */

static void test_vlan_overlap(void **state)
{
	struct fx *fx = *state;
	struct srp_config *cfg;

	/* same PF, same VLAN */
	load_bad(fx, "[tenant:a]\npfs = 0000:03:00.0\nvlans = 100-110\n"
		 "[tenant:b]\npfs = 03:00.1, 03:00.0\nvlans = 5, 110\n", -EINVAL,
		 CONF ":6: [tenant:b] vlans: VLAN 110 is also claimed by tenant 'a' (line 3)",
		 "'0000:03:00.0' and '0000:03:00.0'", NULL);
	/* a netdev may be that BDF */
	load_bad(fx, "[tenant:a]\npfs = eth0\nvlans = 100\n"
		 "[tenant:b]\npfs = 03:00.0\nvlans = 100\n", -EINVAL, "'eth0' and '0000:03:00.0'",
		 NULL);
	/* an id may cover that netdev */
	load_bad(fx, "[tenant:a]\npfs = 8086:1572\nvlans = 100\n"
		 "[tenant:b]\npfs = eth3\nvlans = 100\n", -EINVAL, "VLAN 100", NULL);
	load_bad(fx, "[tenant:a]\npfs = 8086:1572\nvlans = 4094\n"
		 "[tenant:c]\npfs = 8086:1589\nvlans = 3\n"
		 "[tenant:b]\npfs = 8086:1572\nvlans = 1-4094\nvlan_required = no\n", -EINVAL,
		 ":9: [tenant:b] vlans: VLAN 4094 is also claimed by tenant 'a'", NULL);

	/* disjoint PFs of one kind, or disjoint VLANs: fine */
	cfg = load_ok(fx, "[tenant:a]\npfs = 0000:03:00.0, eth0\nvlans = 100\n"
		      "[tenant:b]\npfs = 0000:03:00.0, eth0\nvlans = 101\n"
		      "[tenant:c]\npfs = 0000:04:00.0\nvlans = 102\n"
		      "[tenant:d]\npfs = 0000:05:00.0\nvlans = 102\n"
		      "[tenant:e]\npfs = 8086:1589\nvlans = 200\n"
		      "[tenant:f]\npfs = 8086:1572\nvlans = 200\n");
	srp_config_free(cfg);
	load_bad(fx, "[tenant:a]\npfs = 0000:03:00.0\nvlans = 100\n"
		 "[tenant:b]\npfs = 0000:04:00.0\nvlans = 100\n"
		 "[tenant:c]\npfs = 8086:1589\nvlans = 100\n", -EINVAL,
		 "[tenant:c] vlans: VLAN 100 is also claimed by tenant 'a'", NULL);
	/* tenants without VLANs do not collide at load time */
	cfg = load_ok(fx, "[tenant:a]\npfs = eth0\n[tenant:b]\npfs = eth0\n");
	srp_config_free(cfg);
}

static void test_mac_overlap(void **state)
{
	struct fx *fx = *state;
	struct srp_config *cfg;

	load_bad(fx, "[tenant:a]\npfs = eth0\nmac_prefix = 02:16\n"
		 "[tenant:b]\npfs = eth1\nmac_prefix = 02:16:3e\n", -EINVAL,
		 ":6: [tenant:b] mac_prefix: MAC space overlaps tenant 'a' (line 1) at 02:16:3e",
		 NULL);
	load_bad(fx, "[tenant:a]\npfs = eth0\nmac_prefix = 02:16:3e\n"
		 "[tenant:b]\npfs = eth1\nmacs = 02:00:00:00:00:01, 02:16:3e:00:00:01\n", -EINVAL,
		 "[tenant:b] macs: MAC space overlaps tenant 'a' (line 1) at 02:16:3e:00:00:01",
		 NULL);
	load_bad(fx, "[tenant:a]\npfs = eth0\nmacs = 02:16:3e:00:00:01\n"
		 "[tenant:b]\npfs = eth1\nmac_prefix = 02:16\n", -EINVAL,
		 "at 02:16:3e:00:00:01", NULL);
	load_bad(fx, "[tenant:a]\npfs = eth0\nmacs = 02:00:00:00:00:09\n"
		 "[tenant:b]\npfs = eth1\nmacs = 02:00:00:00:00:08,02:00:00:00:00:09\n", -EINVAL,
		 "at 02:00:00:00:00:09", NULL);
	cfg = load_ok(fx, "[tenant:a]\npfs = eth0\nmac_prefix = 02:16:3e\n"
		      "[tenant:b]\npfs = eth0\nmac_prefix = 02:16:3f\n"
		      "[tenant:c]\npfs = eth0\nmacs = 02:16:40:00:00:01\n"
		      "[tenant:d]\npfs = eth0\n");
	srp_config_free(cfg);
}

/* ---- the file itself ---- */

static void test_file_checks(void **state)
{
	struct fx *fx = *state;
	struct srp_config *cfg = NULL;
	char path[PATH_MAX], *big;

	srp_err_clear(&fx->err);
	assert_int_equal(srp_config_load(&fx->sys, CONF, &cfg, &fx->err), -ENOENT);
	assert_non_null(strstr(fx->err.msg, CONF ": cannot access"));
	assert_null(cfg);

	srp_err_clear(&fx->err);
	assert_int_equal(srp_config_load(&fx->sys, "etc/srpass/srpass.conf", &cfg, &fx->err),
			 -EINVAL);
	assert_non_null(strstr(fx->err.msg, "not absolute"));

	/* a symlink, even to a good file in the tree */
	snprintf(path, sizeof(path), "%s/etc/srpass/real.conf", fx->root);
	put_bytes(fx, "[global]\n", 9, 0644);
	assert_int_equal(rename(fx->host_conf, path), 0);
	assert_int_equal(symlink("real.conf", fx->host_conf), 0);
	srp_err_clear(&fx->err);
	assert_int_equal(srp_config_load(&fx->sys, CONF, &cfg, &fx->err), -ELOOP);
	assert_non_null(strstr(fx->err.msg, CONF ": is a symlink"));
	assert_int_equal(srp_config_load(&fx->sys, "/etc/srpass/real.conf", &cfg, NULL), 0);
	srp_config_free(cfg);
	cfg = NULL;
	assert_int_equal(unlink(fx->host_conf), 0);

	assert_int_equal(mkdir(fx->host_conf, 0755), 0);
	srp_err_clear(&fx->err);
	assert_int_equal(srp_config_load(&fx->sys, CONF, &cfg, &fx->err), -EISDIR);
	assert_non_null(strstr(fx->err.msg, CONF ": is a directory"));
	assert_int_equal(rmdir(fx->host_conf), 0);

	assert_int_equal(mkfifo(fx->host_conf, 0644), 0);
	srp_err_clear(&fx->err);
	assert_int_equal(srp_config_load(&fx->sys, CONF, &cfg, &fx->err), -EINVAL);
	assert_non_null(strstr(fx->err.msg, CONF ": is not a regular file"));
	assert_int_equal(unlink(fx->host_conf), 0);

	put_bytes(fx, "[global]\n", 9, 0666);
	srp_err_clear(&fx->err);
	assert_int_equal(srp_config_load(&fx->sys, CONF, &cfg, &fx->err), -EPERM);
	assert_non_null(strstr(fx->err.msg, CONF ": is writable by everyone (mode 0666)"));
	put_bytes(fx, "[global]\n", 9, 0620);	/* group-writable is the admin's call */
	assert_int_equal(srp_config_load(&fx->sys, CONF, &cfg, NULL), 0);
	srp_config_free(cfg);
	cfg = NULL;

	big = malloc(SRP_CONFIG_MAX_SIZE + 1);
	assert_non_null(big);
	memset(big, '\n', SRP_CONFIG_MAX_SIZE + 1);
	memcpy(big, "[global]", 8);
	put_bytes(fx, big, SRP_CONFIG_MAX_SIZE + 1, 0644);
	srp_err_clear(&fx->err);
	assert_int_equal(srp_config_load(&fx->sys, CONF, &cfg, &fx->err), -EFBIG);
	assert_non_null(strstr(fx->err.msg, CONF ": larger than 1048576 bytes"));
	put_bytes(fx, big, SRP_CONFIG_MAX_SIZE, 0644);	/* exactly the limit */
	assert_int_equal(srp_config_load(&fx->sys, CONF, &cfg, NULL), 0);
	srp_config_free(cfg);
	free(big);
}

/* The file is found under the host root, not on this machine's /etc. */
static void test_reads_under_root(void **state)
{
	struct fx *fx = *state;
	struct srp_config *cfg = load_ok(fx, "[tenant:under-root]\npfs = eth0\n");

	assert_string_equal(cfg->tenants[0].name, "under-root");
	srp_config_free(cfg);
}

/* A decorator: the read of the config fails, as for an unreadable file. */
static ssize_t eacces_read(const struct srp_sys *sys, const char *path, void *buf, size_t len)
{
	(void)sys;
	(void)path;
	(void)buf;
	(void)len;
	return -EACCES;
}

static void test_unreadable(void **state)
{
	struct fx *fx = *state;
	struct srp_sys_ops ops = srp_sys_real;
	struct srp_sys sys = fx->sys;
	struct srp_config *cfg = NULL;

	put_bytes(fx, "[global]\n", 9, 0644);
	ops.read = eacces_read;
	sys.ops = &ops;
	srp_err_clear(&fx->err);
	assert_int_equal(srp_config_load(&sys, CONF, &cfg, &fx->err), -EACCES);
	assert_string_equal(fx->err.msg, CONF ": cannot read the configuration file");
	assert_null(cfg);
}

/* ---- robustness ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static void load_any(struct fx *fx, const void *data, size_t len)
{
	struct srp_config *cfg = NULL;
	int r;

	put_bytes(fx, data, len, 0644);
	srp_err_clear(&fx->err);
	r = srp_config_load(&fx->sys, CONF, &cfg, &fx->err);
	if (r == 0) {
		assert_non_null(cfg);
		srp_config_free(cfg);
	} else {
		assert_true(r < 0);
		assert_null(cfg);
		assert_int_equal(fx->err.code, r);
		assert_true(fx->err.msg[0] != '\0');
		assert_non_null(strstr(fx->err.msg, CONF));
	}
}

static void test_random_bytes(void **state)
{
	struct fx *fx = *state;
	static const char alphabet[] = "[]=:,;#-\\\"' \t\n\r0123456789abcdefglnoprstuvxyz\x80\xff";
	char buf[2048];

	for (int i = 0; i < 300; i++) {
		size_t len = rnd() % sizeof(buf);

		for (size_t j = 0; j < len; j++)
			buf[j] = i % 2 ? (char)rnd() : alphabet[rnd() % (sizeof(alphabet) - 1)];
		load_any(fx, buf, len);
	}
}

/* Byte flips, insertions and deletions of a good file reach the value parsers. */
static void test_mutations(void **state)
{
	struct fx *fx = *state;
	static const char pool[] = "[]=:,;#-\"\n 0179afxz\\";
	char buf[sizeof(example) + 64];
	int accepted = 0;

	for (int i = 0; i < 600; i++) {
		size_t len = sizeof(example) - 1;

		memcpy(buf, example, len);
		for (int m = 0, n = 1 + (int)(rnd() % 3); m < n; m++) {
			size_t at = rnd() % len;
			char c = (rnd() % 4 == 0) ? (char)rnd() : pool[rnd() % (sizeof(pool) - 1)];

			switch (rnd() % 3) {
			case 0:
				buf[at] = c;
				break;
			case 1:
				memmove(buf + at + 1, buf + at, len - at);
				buf[at] = c;
				len++;
				break;
			default:
				memmove(buf + at, buf + at + 1, len - at - 1);
				len--;
				break;
			}
		}
		load_any(fx, buf, len);
		accepted += fx->err.code == 0;
	}
	/* some mutations are harmless (a comment, a digit); most are not */
	assert_true(accepted > 0);
	assert_true(accepted < 600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_sections),
		T(test_lines),
		T(test_vlan_overlap),
		T(test_mac_overlap),
		T(test_file_checks),
		T(test_reads_under_root),
		T(test_unreadable),
		T(test_random_bytes),
		T(test_mutations),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
