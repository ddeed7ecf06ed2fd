/* SPDX-License-Identifier: MIT */
/* srpass -- the one seam to the OS: every host file is reached through here */
#ifndef SRP_SYS_H
#define SRP_SYS_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

struct srp_sys;

/* Called for each entry of a directory except "." and ".."; a non-zero
 * return stops the walk and becomes listdir's result. */
typedef int (*srp_dirent_fn)(const char *name, unsigned char d_type, void *arg);

/*
 * Paths are logical and absolute ("/sys/bus/pci/devices/..."); the ops
 * resolve them under the host root, which they may not leave: ".." and
 * absolute symlinks stop at the root (openat2 RESOLVE_IN_ROOT).  All
 * return >= 0 on success and a negative errno on failure.
 */
struct srp_sys_ops {
	/* Read up to len bytes from the start of a regular file: anything
	 * else (a FIFO, a device, a socket) is -EINVAL, a directory -EISDIR,
	 * and neither blocks. */
	ssize_t (*read)(const struct srp_sys *sys, const char *path, void *buf, size_t len);
	/* Store a value into an existing file (a sysfs attribute) with one
	 * write(); a short write is -EIO.  The last component must not be a
	 * symlink, and the file must be regular, as for read. */
	int (*write)(const struct srp_sys *sys, const char *path, const void *buf, size_t len);
	/* The target of the symlink at path (not followed); NUL-terminated. */
	ssize_t (*readlink)(const struct srp_sys *sys, const char *path, char *buf, size_t len);
	int (*listdir)(const struct srp_sys *sys, const char *path, srp_dirent_fn fn, void *arg);
	/* lstat() of path: 0 and *ret_mode, or -errno. */
	int (*lstat)(const struct srp_sys *sys, const char *path, mode_t *ret_mode);
	/* Replace path atomically with data: temp file, fsync, rename, fsync
	 * of the directory.  No symlink anywhere on the path is followed.
	 * 1 if the rename happened but the directory's fsync failed: the
	 * new content is in place, only its survival of a power loss is in
	 * doubt (the next replace in that directory syncs it again). */
	int (*replace)(const struct srp_sys *sys, const char *path, const void *data, size_t len,
		       mode_t mode);
	int (*mkdir)(const struct srp_sys *sys, const char *path, mode_t mode);
	int (*unlink)(const struct srp_sys *sys, const char *path);
	/* open(2) below the root, never following symlinks in state paths
	 * when flags has O_NOFOLLOW; returns a new fd the caller closes. */
	int (*open)(const struct srp_sys *sys, const char *path, int flags, mode_t mode);
	/* ioctl(2): its non-negative result, or -errno */
	int (*ioctl)(const struct srp_sys *sys, int fd, unsigned long req, void *arg);
	/* Sleep for ms milliseconds (tests make this instant). */
	void (*sleep_ms)(const struct srp_sys *sys, unsigned int ms);
};

struct srp_sys {
	const struct srp_sys_ops *ops;
	int rootfd;			/* O_PATH fd of root, or -1 */
	char root[PATH_MAX];		/* "/" on a real host */
	void *data;			/* private to decorating ops (tests, sim) */
	const struct srp_sys *lower;	/* the ops a decorator passes through to */
};

extern const struct srp_sys_ops srp_sys_real;

/* Open root (a directory) for the real ops.  A missing or non-directory
 * root is an error naming it. */
struct srp_err;
int srp_sys_open(struct srp_sys *sys, const char *root, struct srp_err *err);
void srp_sys_close(struct srp_sys *sys);

/* Convenience wrappers; they only dispatch. */
static inline ssize_t srp_sys_read(const struct srp_sys *s, const char *p, void *b, size_t n)
{ return s->ops->read(s, p, b, n); }
static inline int srp_sys_write(const struct srp_sys *s, const char *p, const void *b, size_t n)
{ return s->ops->write(s, p, b, n); }
static inline ssize_t srp_sys_readlink(const struct srp_sys *s, const char *p, char *b, size_t n)
{ return s->ops->readlink(s, p, b, n); }
static inline int srp_sys_listdir(const struct srp_sys *s, const char *p, srp_dirent_fn fn, void *a)
{ return s->ops->listdir(s, p, fn, a); }
static inline int srp_sys_lstat(const struct srp_sys *s, const char *p, mode_t *m)
{ return s->ops->lstat(s, p, m); }

/* An O_PATH fd of the directory holding path's last component, resolved
 * like the real ops (below the root; resolve adds RESOLVE_* flags);
 * *ret_base points into path.  For decorators that need a directory op
 * the seam does not have (the simulated kernel's symlink, rename). */
int srp_sys_open_parent(const struct srp_sys *sys, const char *path, unsigned long long resolve,
			const char **ret_base);

/* Remove the temp files that a replace killed between write and rename
 * left in dir (".NAME.PID.tmp" of a PID that no longer runs).  Call it
 * holding the lock that serializes replaces there.  Returns how many
 * went, or -errno. */
int srp_sys_clean_stale(const struct srp_sys *sys, const char *dir);

/* Write a string value (sysfs style). */
int srp_sys_write_str(const struct srp_sys *sys, const char *path, const char *val);

/* The host path of a logical path, for messages and for libraries that
 * take a path (libpci).  Returns -ENAMETOOLONG if it does not fit. */
int srp_sys_hostpath(const struct srp_sys *sys, const char *path, char *buf, size_t len);

#endif
