/* SPDX-License-Identifier: MIT */
/* srpass -- real OS operations, confined below the host root */
#define _GNU_SOURCE
#include "os/sys.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "srpass/err.h"
#include "base/util.h"

/*
 * Every path is opened relative to the root with RESOLVE_IN_ROOT, so a
 * symlink in a host tree (absolute or full of "..") cannot lead srpass
 * out of it: sysfs is made of relative links and they resolve as usual.
 * RESOLVE_NO_MAGICLINKS keeps /proc/self/fd-style links out.
 */
static int sys_openat(const struct srp_sys *sys, const char *path, int flags, mode_t mode,
		      unsigned long long resolve)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC),
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = resolve | RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	if (path[0] != '/')
		return -EINVAL;
	/*
	 * With RESOLVE_IN_ROOT the kernel answers EAGAIN when a rename
	 * anywhere on the system raced with resolving a ".." (sysfs links
	 * are full of them); openat2(2) says to retry.  A bounded loop: a
	 * host that renames that busily is still answered, or told why not.
	 */
	for (int tries = 0;; tries++) {
		fd = syscall(SYS_openat2, sys->rootfd, path, &how, sizeof(how));
		if (fd >= 0)
			return (int)fd;
		if (errno != EAGAIN || tries == 1000)
			return -errno;
	}
}

/* The directory holding path's last component, opened with flags. */
static int open_parent(const struct srp_sys *sys, const char *path, int flags,
		       unsigned long long resolve, const char **ret_base)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t n;

	if (slash == NULL || slash[1] == '\0')
		return -EINVAL;
	n = (size_t)(slash - path);
	if (n >= sizeof(dir))
		return -ENAMETOOLONG;
	if (n == 0)
		n = 1;		/* the root itself */
	memcpy(dir, path, n);
	dir[n] = '\0';
	*ret_base = slash + 1;
	if (strcmp(*ret_base, ".") == 0 || strcmp(*ret_base, "..") == 0)
		return -EINVAL;
	return sys_openat(sys, dir, flags | O_DIRECTORY, 0, resolve);
}

int srp_sys_open_parent(const struct srp_sys *sys, const char *path,
			   unsigned long long resolve, const char **ret_base)
{
	return open_parent(sys, path, O_PATH, resolve, ret_base);
}

/*
 * Open a file srpass reads or writes as a value (a sysfs attribute, the
 * ledger, the config).  O_NONBLOCK: a FIFO or a device node planted in
 * its place must not stall the open; anything but a regular file is
 * then refused (-EISDIR for a directory, -EINVAL for the rest).
 */
static int open_value(const struct srp_sys *sys, const char *path, int flags)
{
	struct stat st;
	int fd, r = 0;

	fd = sys_openat(sys, path, flags | O_NONBLOCK | O_NOCTTY, 0, 0);
	if (fd < 0)
		return fd == -ENXIO ? -EINVAL : fd;	/* ENXIO: a FIFO with no reader */
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (S_ISDIR(st.st_mode))
		r = -EISDIR;
	else if (!S_ISREG(st.st_mode))
		r = -EINVAL;
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

static ssize_t real_read(const struct srp_sys *sys, const char *path, void *buf, size_t len)
{
	ssize_t n, total = 0;
	int fd;

	fd = open_value(sys, path, O_RDONLY);
	if (fd < 0)
		return fd;
	/* sysfs answers an attribute in one read; regular files may need more */
	while ((size_t)total < len) {
		n = read(fd, (char *)buf + total, len - (size_t)total);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			total = -errno;
			break;
		}
		if (n == 0)
			break;
		total += n;
	}
	close(fd);
	return total;
}

static int real_write(const struct srp_sys *sys, const char *path, const void *buf, size_t len)
{
	ssize_t n;
	int fd, r = 0;

	fd = open_value(sys, path, O_WRONLY | O_TRUNC | O_NOFOLLOW);
	if (fd < 0)
		return fd;
	n = write(fd, buf, len);
	if (n < 0)
		r = -errno;
	else if ((size_t)n != len)
		r = -EIO;
	if (close(fd) < 0 && r == 0 && errno != EINTR)
		r = -errno;
	return r;
}

static ssize_t real_readlink(const struct srp_sys *sys, const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	if (len == 0)
		return -EINVAL;
	fd = sys_openat(sys, path, O_PATH | O_NOFOLLOW, 0, 0);
	if (fd < 0)
		return fd;
	n = readlinkat(fd, "", buf, len);
	if (n < 0)
		n = -errno;		/* ENOENT for "not a link" as well */
	close(fd);
	if (n == -ENOENT)
		n = -EINVAL;
	if (n >= 0 && (size_t)n >= len)
		n = -ENAMETOOLONG;
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

static int real_listdir(const struct srp_sys *sys, const char *path, srp_dirent_fn fn, void *arg)
{
	struct dirent *de;
	DIR *d;
	int fd, r = 0;

	fd = sys_openat(sys, path, O_RDONLY | O_DIRECTORY, 0, 0);
	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (d == NULL) {
		r = -errno;
		close(fd);
		return r;
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (de == NULL) {
			r = -errno;
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		r = fn(de->d_name, de->d_type, arg);
		if (r != 0)
			break;
	}
	closedir(d);
	return r;
}

static int real_lstat(const struct srp_sys *sys, const char *path, mode_t *ret_mode)
{
	struct stat st;
	const char *base;
	int dfd, r;

	if (strcmp(path, "/") == 0) {
		if (fstat(sys->rootfd, &st) < 0)
			return -errno;
		*ret_mode = st.st_mode;
		return 0;
	}
	dfd = srp_sys_open_parent(sys, path, 0, &base);
	if (dfd < 0)
		return dfd;
	r = fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
	close(dfd);
	if (r == 0)
		*ret_mode = st.st_mode;
	return r;
}

static int real_replace(const struct srp_sys *sys, const char *path, const void *data,
			size_t len, mode_t mode)
{
	char tmp[NAME_MAX + 1];
	const char *base;
	ssize_t n;
	int dfd, fd, r = 0;

	/* O_RDONLY, not O_PATH: fsync() of an O_PATH fd is EBADF */
	dfd = open_parent(sys, path, O_RDONLY, RESOLVE_NO_SYMLINKS, &base);
	if (dfd < 0)
		return dfd;
	if (snprintf(tmp, sizeof(tmp), ".%s.%ld.tmp", base, (long)getpid()) >= (int)sizeof(tmp)) {
		close(dfd);
		return -ENAMETOOLONG;
	}
	(void)unlinkat(dfd, tmp, 0);	/* a leftover of a crashed run of this pid */
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0) {
		r = -errno;
		close(dfd);
		return r;
	}
	n = write(fd, data, len);
	if (n < 0)
		r = -errno;
	else if ((size_t)n != len)
		r = -EIO;
	if (r == 0 && fchmod(fd, mode) < 0)
		r = -errno;
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dfd, tmp, dfd, base) < 0)
		r = -errno;
	if (r < 0)
		(void)unlinkat(dfd, tmp, 0);
	else if (fsync(dfd) < 0)
		r = 1;		/* replaced, but the new entry may not survive a power loss */
	close(dfd);
	return r;
}

static int real_mkdir(const struct srp_sys *sys, const char *path, mode_t mode)
{
	const char *base;
	int dfd, r;

	dfd = srp_sys_open_parent(sys, path, RESOLVE_NO_SYMLINKS, &base);
	if (dfd < 0)
		return dfd;
	r = mkdirat(dfd, base, mode) < 0 ? -errno : 0;
	close(dfd);
	return r;
}

static int real_unlink(const struct srp_sys *sys, const char *path)
{
	const char *base;
	int dfd, r;

	dfd = srp_sys_open_parent(sys, path, RESOLVE_NO_SYMLINKS, &base);
	if (dfd < 0)
		return dfd;
	r = unlinkat(dfd, base, 0) < 0 ? -errno : 0;
	close(dfd);
	return r;
}

static int real_open(const struct srp_sys *sys, const char *path, int flags, mode_t mode)
{
	return sys_openat(sys, path, flags, mode, (flags & O_NOFOLLOW) ? RESOLVE_NO_SYMLINKS : 0);
}

static int real_ioctl(const struct srp_sys *sys, int fd, unsigned long req, void *arg)
{
	int r;

	(void)sys;
	r = ioctl(fd, req, arg);
	return r < 0 ? -errno : r;
}

static void real_sleep_ms(const struct srp_sys *sys, unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	(void)sys;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

const struct srp_sys_ops srp_sys_real = {
	.read = real_read,
	.write = real_write,
	.readlink = real_readlink,
	.listdir = real_listdir,
	.lstat = real_lstat,
	.replace = real_replace,
	.mkdir = real_mkdir,
	.unlink = real_unlink,
	.open = real_open,
	.ioctl = real_ioctl,
	.sleep_ms = real_sleep_ms,
};

int srp_sys_open(struct srp_sys *sys, const char *root, struct srp_err *err)
{
	struct stat st;
	size_t n;
	int fd;

	n = strlen(root);
	if (n == 0 || root[0] != '/')
		return srp_err_input(err, -EINVAL, "host root '%s' is not an absolute path", root);
	if (n >= sizeof(sys->root))
		return srp_err_input(err, -ENAMETOOLONG, "host root '%.64s...' is too long", root);
	fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return srp_err_input(err, -ENOENT, "host root '%s' does not exist", root);
	if (fd < 0 && errno == ENOTDIR)
		return srp_err_input(err, -ENOTDIR, "host root '%s' is not a directory", root);
	if (fd < 0)
		return srp_err_set(err, -errno, "cannot open host root '%s'", root);
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		close(fd);
		return srp_err_input(err, -ENOTDIR, "host root '%s' is not a directory", root);
	}
	sys->ops = &srp_sys_real;
	sys->rootfd = fd;
	memcpy(sys->root, root, n + 1);
	/* "/srv/host/" and "/srv/host" name the same root; keep one form */
	while (n > 1 && sys->root[n - 1] == '/')
		sys->root[--n] = '\0';
	sys->data = NULL;
	sys->lower = NULL;
	return 0;
}

void srp_sys_close(struct srp_sys *sys)
{
	if (sys->rootfd >= 0)
		close(sys->rootfd);
	sys->rootfd = -1;
}

int srp_sys_write_str(const struct srp_sys *sys, const char *path, const char *val)
{
	return sys->ops->write(sys, path, val, strlen(val));
}

int srp_sys_hostpath(const struct srp_sys *sys, const char *path, char *buf, size_t len)
{
	const char *root = strcmp(sys->root, "/") == 0 ? "" : sys->root;
	int n = snprintf(buf, len, "%s%s", root, path);

	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

struct stale_walk {
	const struct srp_sys *sys;
	const char *dir;
	int removed;
};

/* ".NAME.PID.tmp", as real_replace names its temp files */
static long stale_pid(const char *name)
{
	size_t n = strlen(name);
	const char *dot;
	char *end;
	long pid;

	if (n < 8 || name[0] != '.' || strcmp(name + n - 4, ".tmp") != 0)
		return -1;
	dot = name + n - 5;
	while (dot > name && *dot >= '0' && *dot <= '9')
		dot--;
	if (dot == name || *dot != '.' || dot == name + n - 5)
		return -1;
	pid = strtol(dot + 1, &end, 10);
	return *end == '.' && pid > 0 ? pid : -1;
}

static int stale_entry(const char *name, unsigned char d_type, void *arg)
{
	struct stale_walk *w = arg;
	char path[PATH_MAX];
	long pid = stale_pid(name);

	if (pid < 0 || (d_type != DT_REG && d_type != DT_UNKNOWN) || pid == (long)getpid())
		return 0;
	if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
		return 0;	/* alive, or not ours to judge: leave it */
	if (snprintf(path, sizeof(path), "%s/%s", w->dir, name) >= (int)sizeof(path))
		return 0;
	if (w->sys->ops->unlink(w->sys, path) == 0)
		w->removed++;
	return 0;
}

int srp_sys_clean_stale(const struct srp_sys *sys, const char *dir)
{
	struct stale_walk w = { .sys = sys, .dir = dir };
	int r = sys->ops->listdir(sys, dir, stale_entry, &w);

	return r < 0 ? r : w.removed;
}
