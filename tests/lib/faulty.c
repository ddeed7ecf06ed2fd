/* SPDX-License-Identifier: MIT */
/* srpass tests -- fault injection: the Nth mutating op of a seam fails */
#include "faulty.h"

#include <stdio.h>
#include <string.h>

static const struct srp_sys_ops faulty_ops;

static bool counted(const struct faulty *f, const char *path)
{
	size_t n;

	if (f->only == NULL)
		return true;
	n = strlen(f->only);
	return strncmp(path, f->only, n) == 0 &&
	       (path[n] == '\0' || path[n] == '/' || (n > 0 && f->only[n - 1] == '/'));
}

/* 0 to let the op through, or the error it fails with. */
static int fault(const struct srp_sys *sys, const char *op, const char *path)
{
	struct faulty *f = sys->data;

	if (!counted(f, path))
		return 0;
	f->count++;
	if (f->fail_at == 0 || f->count < f->fail_at || (f->count > f->fail_at && !f->sticky))
		return 0;
	if (f->failed++ == 0) {
		f->first_op = op;
		snprintf(f->first_path, sizeof(f->first_path), "%s", path);
	}
	return f->error;
}

static const struct srp_sys *below(const struct srp_sys *sys)
{
	return &((struct faulty *)sys->data)->lower;
}

static ssize_t faulty_read(const struct srp_sys *sys, const char *path, void *buf, size_t len)
{
	const struct srp_sys *l = below(sys);

	return l->ops->read(l, path, buf, len);
}

static int faulty_write(const struct srp_sys *sys, const char *path, const void *buf, size_t len)
{
	const struct srp_sys *l = below(sys);
	int r = fault(sys, "write", path);

	return r ? r : l->ops->write(l, path, buf, len);
}

static ssize_t faulty_readlink(const struct srp_sys *sys, const char *path, char *buf, size_t len)
{
	const struct srp_sys *l = below(sys);

	return l->ops->readlink(l, path, buf, len);
}

static int faulty_listdir(const struct srp_sys *sys, const char *path, srp_dirent_fn fn,
			  void *arg)
{
	const struct srp_sys *l = below(sys);

	return l->ops->listdir(l, path, fn, arg);
}

static int faulty_lstat(const struct srp_sys *sys, const char *path, mode_t *ret_mode)
{
	const struct srp_sys *l = below(sys);

	return l->ops->lstat(l, path, ret_mode);
}

static int faulty_replace(const struct srp_sys *sys, const char *path, const void *data,
			  size_t len, mode_t mode)
{
	const struct srp_sys *l = below(sys);
	int r = fault(sys, "replace", path);

	return r ? r : l->ops->replace(l, path, data, len, mode);
}

static int faulty_mkdir(const struct srp_sys *sys, const char *path, mode_t mode)
{
	const struct srp_sys *l = below(sys);
	int r = fault(sys, "mkdir", path);

	return r ? r : l->ops->mkdir(l, path, mode);
}

static int faulty_unlink(const struct srp_sys *sys, const char *path)
{
	const struct srp_sys *l = below(sys);
	int r = fault(sys, "unlink", path);

	return r ? r : l->ops->unlink(l, path);
}

static int faulty_open(const struct srp_sys *sys, const char *path, int flags, mode_t mode)
{
	const struct srp_sys *l = below(sys);

	return l->ops->open(l, path, flags, mode);
}

static int faulty_ioctl(const struct srp_sys *sys, int fd, unsigned long req, void *arg)
{
	const struct srp_sys *l = below(sys);

	return l->ops->ioctl(l, fd, req, arg);
}

static void faulty_sleep_ms(const struct srp_sys *sys, unsigned int ms)
{
	const struct srp_sys *l = below(sys);

	l->ops->sleep_ms(l, ms);
}

static const struct srp_sys_ops faulty_ops = {
	.read = faulty_read,
	.write = faulty_write,
	.readlink = faulty_readlink,
	.listdir = faulty_listdir,
	.lstat = faulty_lstat,
	.replace = faulty_replace,
	.mkdir = faulty_mkdir,
	.unlink = faulty_unlink,
	.open = faulty_open,
	.ioctl = faulty_ioctl,
	.sleep_ms = faulty_sleep_ms,
};

void faulty_attach(struct faulty *f, struct srp_sys *sys, unsigned int fail_at, int error)
{
	memset(f, 0, sizeof(*f));
	f->lower = *sys;
	f->fail_at = fail_at;
	f->error = error;
	sys->ops = &faulty_ops;
	sys->data = f;
	sys->lower = &f->lower;
}

void faulty_detach(struct faulty *f, struct srp_sys *sys)
{
	if (sys->ops != &faulty_ops || sys->data != f)
		return;
	sys->ops = f->lower.ops;
	sys->data = f->lower.data;
	sys->lower = f->lower.lower;
}
