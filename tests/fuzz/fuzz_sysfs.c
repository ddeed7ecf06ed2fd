/* SPDX-License-Identifier: MIT */
/* srpass fuzz -- the typed sysfs readers over a fake seam whose files hold the fuzz bytes */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fakesys.h"
#include "os/sysfs.h"
#include "srpass/bdf.h"
#include "srpass/err.h"

/*
 * Input: one selector byte, then the attribute's bytes (what read()
 * returns, or the target readlink() returns).  Selector bits 0-2 pick
 * the reader, bit 3 makes the read fail with an errno from bits 4-5,
 * bit 6 passes a NULL struct srp_err.  The oracles are sysfs.h's
 * promises about what a success holds and that a failure (other than
 * an absent file) says why.
 */

static const int faults[] = { -EIO, -EACCES, -ENOENT, -EINVAL };

#define PATH "/sys/bus/pci/devices/0000:03:02.2/attr"

/* A value srpass accepted: printable, NUL-terminated within len. */
static void check_str(const char *buf, size_t len)
{
	size_t n = strnlen(buf, len);

	if (n >= len)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			abort();
}

static int read_one(const struct fakesys *fs, unsigned int op, struct srp_err *err)
{
	const struct srp_sys *sys = &fs->sys;
	char buf[64], small[8];
	struct srp_bdf bdf, b2;
	unsigned long u = 0;
	long l = 0;
	int r;

	switch (op) {
	case 0:
		r = srp_sysfs_read_str(sys, PATH, buf, sizeof(buf), err);
		if (r == 0)
			check_str(buf, sizeof(buf));
		return r;
	case 1:
		r = srp_sysfs_read_str(sys, PATH, small, sizeof(small), err);
		if (r == 0)
			check_str(small, sizeof(small));
		return r;
	case 2:
		r = srp_sysfs_read_ulong(sys, PATH, 0, 0xffff, &u, err);
		if (r == 0 && u > 0xffff)
			abort();
		return r;
	case 3:
		r = srp_sysfs_read_ulong(sys, PATH, 16, UINT32_MAX, &u, err);
		if (r == 0 && u > UINT32_MAX)
			abort();
		return r;
	case 4:
		return srp_sysfs_read_ulong(sys, PATH, 10, ULONG_MAX, &u, err);
	case 5:
		r = srp_sysfs_read_long(sys, PATH, -1, INT_MAX, &l, err);
		if (r == 0 && (l < -1 || l > INT_MAX))
			abort();
		return r;
	case 6:
		r = srp_sysfs_link_name(sys, PATH, buf, sizeof(buf), err);
		if (r == 0 && (buf[0] == '\0' || strchr(buf, '/') != NULL ||
			       strcmp(buf, ".") == 0 || strcmp(buf, "..") == 0 ||
			       strnlen(buf, sizeof(buf)) >= sizeof(buf)))
			abort();
		return r;
	default:
		r = srp_sysfs_link_bdf(sys, PATH, &bdf, err);
		if (r == 0) {
			char s[SRP_BDF_STRLEN];

			if (srp_bdf_parse(srp_bdf_format(&bdf, s), &b2) < 0 ||
			    srp_bdf_cmp(&bdf, &b2) != 0)
				abort();
		}
		return r;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct srp_err err = { 0 };
	struct fakesys fs;
	unsigned int sel;
	int r;

	if (size < 1)
		return 0;
	sel = data[0];
	fakesys_init(&fs, data + 1, size - 1);
	if (sel & 8)
		fs.fail = faults[(sel >> 4) & 3];
	r = read_one(&fs, sel & 7, (sel & 0x40) ? NULL : &err);
	if (r > 0 || ((sel & 8) && r != fs.fail))
		abort();		/* a result the headers do not allow */
	/* every failure but an absent file names the file */
	if (r < 0 && r != -ENOENT && !(sel & 0x40) &&
	    (err.code != r || strstr(err.msg, PATH) == NULL))
		abort();
	fakesys_done(&fs);
	return 0;
}
