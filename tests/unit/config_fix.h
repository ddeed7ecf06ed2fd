/* SPDX-License-Identifier: MIT */
/* srpass tests -- the configuration fixture: files under a temporary root, load_ok / *_bad */
#ifndef SRP_TEST_TEST_CONFIG_FIX_H
#define SRP_TEST_TEST_CONFIG_FIX_H
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "srpass/err.h"
#include "os/sys.h"

#define CONF "/etc/srpass/srpass.conf"

struct fx {
	char root[64];
	char host_conf[PATH_MAX];	/* CONF under root */
	struct srp_sys sys;
	struct srp_err err;
};

static inline int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct srp_err err = { 0 };
	char dir[PATH_MAX];

	assert_non_null(fx);
	strcpy(fx->root, "/tmp/srpass-cfg-XXXXXX");
	assert_non_null(mkdtemp(fx->root));
	snprintf(dir, sizeof(dir), "%s/etc", fx->root);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(dir, sizeof(dir), "%s/etc/srpass", fx->root);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(fx->host_conf, sizeof(fx->host_conf), "%s%s", fx->root, CONF);
	assert_int_equal(srp_sys_open(&fx->sys, fx->root, &err), 0);
	*state = fx;
	return 0;
}

static inline int teardown(void **state)
{
	struct fx *fx = *state;
	char cmd[128];

	srp_sys_close(&fx->sys);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->root);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

static inline void put_bytes(struct fx *fx, const void *data, size_t len, mode_t mode)
{
	int fd;

	(void)unlink(fx->host_conf);
	fd = open(fx->host_conf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static inline int load(struct fx *fx, const char *text, struct srp_config **ret)
{
	put_bytes(fx, text, strlen(text), 0644);
	srp_err_clear(&fx->err);
	return srp_config_load(&fx->sys, CONF, ret, &fx->err);
}

/* Loads text, which must be accepted; the caller frees. */
static inline struct srp_config *load_ok(struct fx *fx, const char *text)
{
	struct srp_config *cfg = NULL;
	int r = load(fx, text, &cfg);

	if (r != 0)
		fail_msg("refused: %s (%d)\n--- config:\n%s", fx->err.msg, r, text);
	assert_non_null(cfg);
	return cfg;
}

/* text must be refused with code, and the message must contain each of the
 * NULL-terminated fragments. */
static inline void load_bad(struct fx *fx, const char *text, int code, ...)
{
	struct srp_config *cfg = (struct srp_config *)(uintptr_t)0x1;
	const char *frag;
	va_list ap;
	int r;

	r = load(fx, text, &cfg);
	if (r != code)
		fail_msg("expected %d, got %d (%s)\n--- config:\n%s", code, r, fx->err.msg, text);
	assert_ptr_equal(cfg, (struct srp_config *)(uintptr_t)0x1);	/* untouched */
	assert_int_equal(fx->err.code, code);
	va_start(ap, code);
	while ((frag = va_arg(ap, const char *)) != NULL) {
		if (strstr(fx->err.msg, frag) == NULL)
			fail_msg("message '%s' lacks '%s'", fx->err.msg, frag);
	}
	va_end(ap);
}

/* A one-tenant file with extra lines in the tenant section. */
static inline void tenant_with(char *buf, size_t len, const char *lines)
{
	snprintf(buf, len, "[tenant:t]\npfs = 0000:03:00.0\n%s\n", lines);
}

static inline void tenant_bad(struct fx *fx, const char *lines, const char *key, const char *frag)
{
	char text[2048], where[64];

	tenant_with(text, sizeof(text), lines);
	snprintf(where, sizeof(where), ":3: [tenant:t] %s: ", key);
	load_bad(fx, text, -EINVAL, CONF, where, frag, NULL);
}

static inline const struct srp_tenant *tenant_ok(struct fx *fx, const char *lines,
					  struct srp_config **ret_cfg)
{
	char text[2048];
	const struct srp_tenant *t;

	tenant_with(text, sizeof(text), lines);
	*ret_cfg = load_ok(fx, text);
	t = srp_config_tenant(*ret_cfg, "t");
	assert_non_null(t);
	return t;
}

static inline void global_bad(struct fx *fx, const char *line, const char *key, const char *frag)
{
	char text[2048], where[64];

	snprintf(text, sizeof(text), "[global]\n%s\n", line);
	snprintf(where, sizeof(where), ":2: [global] %s: ", key);
	load_bad(fx, text, -EINVAL, where, frag, NULL);
}

static inline struct srp_config *global_ok(struct fx *fx, const char *line)
{
	char text[2048];

	snprintf(text, sizeof(text), "[global]\n%s\n", line);
	return load_ok(fx, text);
}

/* A file with every key (both programs read it). */
static const char example[] __attribute__((unused)) =
	"# srpass test configuration\n"
	"[global]\n"
	"backend = kvm\n"
	"state_dir = /run/srpass\n"
	"bind_timeout_ms = 2500\n"
	"autoprobe_off = no\n"
	"default_isolation = dedicated-pf\n"
	"\n"
	"[tenant:web]\n"
	"pfs = 0000:03:00.0, 03:00.1, enp4s0f0\n"
	"vlans = 100, 200-210\n"
	"vlan_required = no\n"
	"mac_prefix = 02:16:3e\n"
	"max_rate = 10000\n"
	"isolation = shared\n"
	"switch_mode = vepa\n"
	"spoofchk = any\n"
	"trust = allowed\n"
	"backends = xen\n"
	"max_vfs = 8\n"
	"\n"
	"; a tenant with a dedicated PF and fixed MACs\n"
	"[tenant:db-1]\n"
	"pfs = 8086:1572\n"
	"vlans = 300\n"
	"macs = 02:00:00:00:00:01, 02:00:00:00:00:02\n";

#endif
