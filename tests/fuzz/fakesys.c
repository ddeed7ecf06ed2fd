/* SPDX-License-Identifier: MIT */
/* srpass fuzz -- a fake seam whose files all hold the fuzz bytes */
#include "fuzz/fakesys.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "switch/vfswitch.h"

static struct fakesys *fs_of(const struct srp_sys *sys)
{
	return sys->data;
}

static ssize_t fs_read(const struct srp_sys *sys, const char *path, void *buf, size_t len)
{
	struct fakesys *fs = fs_of(sys);
	size_t n = fs->size < len ? fs->size : len;

	(void)path;
	if (fs->fail < 0)
		return fs->fail;
	memcpy(buf, fs->data, n);
	return (ssize_t)n;
}

/* Like the real op: -ENAMETOOLONG if the target does not fit with its NUL. */
static ssize_t fs_readlink(const struct srp_sys *sys, const char *path, char *buf, size_t len)
{
	struct fakesys *fs = fs_of(sys);

	(void)path;
	if (fs->fail < 0)
		return fs->fail;
	if (len == 0)
		return -EINVAL;
	if (fs->size >= len)
		return -ENAMETOOLONG;
	memcpy(buf, fs->data, fs->size);
	buf[fs->size] = '\0';
	return (ssize_t)fs->size;
}

static int fs_write(const struct srp_sys *sys, const char *path, const void *buf, size_t len)
{
	(void)sys, (void)path, (void)buf, (void)len;
	return -EPERM;
}

static int fs_listdir(const struct srp_sys *sys, const char *path, srp_dirent_fn fn, void *arg)
{
	(void)sys, (void)path, (void)fn, (void)arg;
	return -ENOTDIR;
}

static int fs_lstat(const struct srp_sys *sys, const char *path, mode_t *ret_mode)
{
	struct fakesys *fs = fs_of(sys);

	(void)path;
	if (fs->fail < 0)
		return fs->fail;
	*ret_mode = fs->mode;
	return 0;
}

static int fs_replace(const struct srp_sys *sys, const char *path, const void *data, size_t len,
		      mode_t mode)
{
	struct fakesys *fs = fs_of(sys);
	char *copy = malloc(len ? len : 1);

	(void)path, (void)mode;
	if (copy == NULL)
		return -ENOMEM;
	memcpy(copy, data, len);
	free(fs->out);
	fs->out = copy;
	fs->out_len = len;
	return 0;
}

static int fs_mkdir(const struct srp_sys *sys, const char *path, mode_t mode)
{
	(void)sys, (void)path, (void)mode;
	return -EPERM;
}

static int fs_unlink(const struct srp_sys *sys, const char *path)
{
	(void)sys, (void)path;
	return -EPERM;
}

static int fs_open(const struct srp_sys *sys, const char *path, int flags, mode_t mode)
{
	(void)sys, (void)path, (void)flags, (void)mode;
	return -EPERM;
}

static int fs_ioctl(const struct srp_sys *sys, int fd, unsigned long req, void *arg)
{
	(void)sys, (void)fd, (void)req, (void)arg;
	return -ENOTTY;
}

static void fs_sleep_ms(const struct srp_sys *sys, unsigned int ms)
{
	(void)sys, (void)ms;
}

static const struct srp_sys_ops fakesys_ops = {
	.read = fs_read,
	.write = fs_write,
	.readlink = fs_readlink,
	.listdir = fs_listdir,
	.lstat = fs_lstat,
	.replace = fs_replace,
	.mkdir = fs_mkdir,
	.unlink = fs_unlink,
	.open = fs_open,
	.ioctl = fs_ioctl,
	.sleep_ms = fs_sleep_ms,
};

void fakesys_init(struct fakesys *fs, const uint8_t *data, size_t size)
{
	memset(fs, 0, sizeof(*fs));
	fs->sys.ops = &fakesys_ops;
	fs->sys.rootfd = -1;
	strcpy(fs->sys.root, "/");
	fs->sys.data = fs;
	fs->data = data;
	fs->size = size;
	fs->mode = S_IFREG | 0644;
}

void fakesys_done(struct fakesys *fs)
{
	free(fs->out);
	fs->out = NULL;
	fs->out_len = 0;
}

int fuzz_change_equal(const struct srp_vf_change *a, const struct srp_vf_change *b)
{
	unsigned int s = a->set;

	return a->set == b->set &&
	       (!(s & SRP_VF_MAC) || memcmp(a->mac, b->mac, 6) == 0) &&
	       (!(s & SRP_VF_VLAN) || (a->vlan == b->vlan && a->qos == b->qos &&
				       a->vlan_proto == b->vlan_proto)) &&
	       (!(s & SRP_VF_SPOOFCHK) || a->spoofchk == b->spoofchk) &&
	       (!(s & SRP_VF_TRUST) || a->trust == b->trust) &&
	       (!(s & SRP_VF_LINK_STATE) || a->link_state == b->link_state) &&
	       (!(s & SRP_VF_QUERY_RSS) || a->rss_query_en == b->rss_query_en) &&
	       (!(s & SRP_VF_MIN_RATE) || a->min_tx_rate == b->min_tx_rate) &&
	       (!(s & SRP_VF_MAX_RATE) || a->max_tx_rate == b->max_tx_rate);
}
