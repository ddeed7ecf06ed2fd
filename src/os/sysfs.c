/* SPDX-License-Identifier: MIT */
/* srpass -- typed sysfs attribute helpers */
#include "os/sysfs.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "srpass/err.h"
#include "os/sys.h"
#include "base/util.h"

int srp_sysfs_dev_path(char *buf, size_t len, const struct srp_bdf *dev, const char *attr)
{
	char name[SRP_BDF_STRLEN];
	int n;

	srp_bdf_format(dev, name);
	if (attr != NULL && attr[0] != '\0')
		n = snprintf(buf, len, "/sys/bus/pci/devices/%s/%s", name, attr);
	else
		n = snprintf(buf, len, "/sys/bus/pci/devices/%s", name);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

int srp_sysfs_read_str(const struct srp_sys *sys, const char *path, char *buf, size_t len,
		       struct srp_err *err)
{
	char raw[SRP_SYSFS_MAX + 1];
	ssize_t n;

	n = sys->ops->read(sys, path, raw, sizeof(raw));
	if (n == -ENOENT)
		return srp_err_set(err, -ENOENT, "'%s' is missing", path);
	if (n == -EINVAL)
		return srp_err_set(err, -EINVAL, "'%s' is not a regular file", path);
	if (n < 0)
		return srp_err_set(err, (int)n, "cannot read '%s'", path);
	if ((size_t)n > SRP_SYSFS_MAX)
		return srp_err_set(err, -EINVAL, "value in '%s' is longer than %d bytes",
				   path, SRP_SYSFS_MAX);
	if (n > 0 && raw[n - 1] == '\n')
		n--;
	for (ssize_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)raw[i];

		if (c < 0x20 || c == 0x7f)
			return srp_err_set(err, -EINVAL, "unexpected character 0x%02x in '%s'",
					   c, path);
	}
	if ((size_t)n >= len)
		return srp_err_set(err, -EINVAL, "value in '%s' is too long", path);
	memcpy(buf, raw, (size_t)n);
	buf[n] = '\0';
	return 0;
}

int srp_sysfs_absent(int r, struct srp_err *err)
{
	if (r != -ENOENT)
		return 0;
	if (err != NULL && err->code == -ENOENT)
		srp_err_clear(err);
	return 1;
}

int srp_sysfs_read_ulong(const struct srp_sys *sys, const char *path, int base,
			 unsigned long max, unsigned long *ret_val, struct srp_err *err)
{
	char buf[64];
	const char *p = buf;
	int r;

	r = srp_sysfs_read_str(sys, path, buf, sizeof(buf), err);
	if (r < 0)
		return r;
	if (base == 16 && (strncmp(buf, "0x", 2) == 0 || strncmp(buf, "0X", 2) == 0))
		p += 2;
	r = srp_parse_ulong(p, base, 0, max, ret_val);
	if (r < 0)
		return srp_err_set(err, r, "unexpected value '%s' in '%s'", buf, path);
	return 0;
}

int srp_sysfs_read_long(const struct srp_sys *sys, const char *path, long min, long max,
			long *ret_val, struct srp_err *err)
{
	char buf[64];
	int r;

	r = srp_sysfs_read_str(sys, path, buf, sizeof(buf), err);
	if (r < 0)
		return r;
	r = srp_parse_long(buf, min, max, ret_val);
	if (r < 0)
		return srp_err_set(err, r, "unexpected value '%s' in '%s'", buf, path);
	return 0;
}

int srp_sysfs_link_name(const struct srp_sys *sys, const char *path, char *buf, size_t len,
			struct srp_err *err)
{
	char target[PATH_MAX];
	const char *base;
	ssize_t n;

	n = sys->ops->readlink(sys, path, target, sizeof(target));
	if (n == -ENOENT)
		return srp_err_set(err, -ENOENT, "link '%s' is missing", path);
	if (n == -EINVAL)
		return srp_err_set(err, -EINVAL, "'%s' is not a symlink", path);
	if (n < 0)
		return srp_err_set(err, (int)n, "cannot read link '%s'", path);
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (base[0] == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return srp_err_set(err, -EINVAL, "link '%s' points to '%s'", path, target);
	if (strlen(base) >= len)
		return srp_err_set(err, -EINVAL, "link '%s' target name is too long", path);
	strcpy(buf, base);
	return 0;
}

int srp_sysfs_link_bdf(const struct srp_sys *sys, const char *path, struct srp_bdf *ret,
		       struct srp_err *err)
{
	char name[64];
	int r;

	r = srp_sysfs_link_name(sys, path, name, sizeof(name), err);
	if (r < 0)
		return r;
	if (strlen(name) != 12 || srp_bdf_parse(name, ret) < 0)
		return srp_err_set(err, -EINVAL, "link '%s' does not point to a PCI device ('%s')",
				   path, name);
	return 0;
}

int srp_sysfs_dev_write_uint(const struct srp_sys *sys, const struct srp_bdf *dev,
			     const char *attr, unsigned int v, struct srp_err *err)
{
	char path[PATH_MAX], val[16];
	int r;

	if (srp_sysfs_dev_path(path, sizeof(path), dev, attr) < 0)
		return srp_err_set(err, -ENAMETOOLONG, "path too long");
	snprintf(val, sizeof(val), "%u", v);
	r = srp_sys_write_str(sys, path, val);
	if (r < 0)
		return srp_err_set(err, r, "cannot write %s to '%s'%s", val, path,
				   r == -ERANGE ? " (more than sriov_totalvfs)" :
				   r == -ENOENT ? " (no PF driver bound?)" : "");
	return 0;
}

int srp_sysfs_numvfs_read(const struct srp_sys *sys, const struct srp_bdf *pf, unsigned int *ret,
			  struct srp_err *err)
{
	char path[PATH_MAX];
	unsigned long v;
	int r;

	if (srp_sysfs_dev_path(path, sizeof(path), pf, "sriov_numvfs") < 0)
		return srp_err_set(err, -ENAMETOOLONG, "path too long");
	r = srp_sysfs_read_ulong(sys, path, 10, 65535, &v, err);
	if (r < 0)
		return r;
	*ret = (unsigned int)v;
	return 0;
}

int srp_sysfs_numvfs_set(const struct srp_sys *sys, const struct srp_bdf *pf, unsigned int from,
			 unsigned int to, struct srp_err *err)
{
	int r;

	if (from == to)
		return 0;
	if (from != 0 && to != 0) {
		r = srp_sysfs_dev_write_uint(sys, pf, "sriov_numvfs", 0, err);
		if (r < 0)
			return r;
	}
	return srp_sysfs_dev_write_uint(sys, pf, "sriov_numvfs", to, err);
}
