/* SPDX-License-Identifier: MIT */
/* srpass tests -- fake hosts: the handle, files and links, drivers, netdevs, IOMMU, crafting */
#define _GNU_SOURCE
#include "fakehost.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fakehost_int.h"

#define CMDLINE "BOOT_IMAGE=/boot/vmlinuz-6.1.0-18-amd64 root=/dev/mapper/vg0-root ro quiet"

void *fh_xzalloc(size_t n)
{
	void *p = calloc(1, n);

	if (p == NULL)
		abort();
	return p;
}

char *fh_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		abort();
	return p;
}

char *fh_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		abort();
	va_end(ap);
	return p;
}

/*
 * The builders below record the first failure in fh->err and do nothing
 * once it is set, so a sequence of them needs one check at the end.
 */
int fh_fail(struct fakehost *fh, int r)
{
	if (fh->err == 0)
		fh->err = r;
	return fh->err;
}

int fh_take_err(struct fakehost *fh)
{
	int r = fh->err;

	fh->err = 0;
	return r;
}

void fh_mkdirs(struct fakehost *fh, const char *path)
{
	char *p, *s;

	if (fh->err != 0 || mkdirat(fh->rootfd, path, 0755) == 0 || errno == EEXIST)
		return;		/* the parent is there, mostly */
	p = s = fh_xstrdup(path);
	for (;;) {
		s = strchr(s + 1, '/');
		if (s != NULL)
			*s = '\0';
		if (fh->err == 0 && mkdirat(fh->rootfd, p, 0755) < 0 && errno != EEXIST)
			fh_fail(fh, -errno);
		if (s == NULL)
			break;
		*s = '/';
	}
	free(p);
}

void fh_put(struct fakehost *fh, const char *path, const void *data, size_t len)
{
	ssize_t n;
	int fd;

	if (fh->err != 0)
		return;
	fd = openat(fh->rootfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		fh_fail(fh, -errno);
		return;
	}
	n = write(fd, data, len);
	if (n < 0)
		fh_fail(fh, -errno);
	else if ((size_t)n != len)
		fh_fail(fh, -EIO);
	if (close(fd) < 0)
		fh_fail(fh, -errno);
}

/* dir/name with printf-formatted text */
void fh_attr(struct fakehost *fh, const char *dir, const char *name, const char *fmt, ...)
{
	char *path = fh_xasprintf("%s/%s", dir, name), *text;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	fh_put(fh, path, text, (size_t)n);
	free(text);
	free(path);
}

/*
 * The relative path from directory from to target, both relative to the
 * root, as sysfs makes it: up to the deepest common directory, then down.
 * Like sysfs it never ends in "..": a link to an ancestor names it
 * ("net/eth0/device" -> "../../../0000:03:00.0").
 */
static char *relpath(const char *from, const char *target)
{
	size_t i, common = 0, ups = 0, len;
	char *p, *out;

	for (i = 0; from[i] != '\0' && from[i] == target[i]; i++)
		if (from[i] == '/')
			common = i + 1;
	if (from[i] == '\0' && target[i] == '/')
		common = i + 1;		/* from is an ancestor of target */
	if (from[common] != '\0')
		for (ups = 1, i = common; from[i] != '\0'; i++)
			ups += from[i] == '/';
	len = ups * 3 + strlen(target + common) + 1;
	out = p = fh_xzalloc(len);
	while (ups-- > 0)
		p = stpcpy(p, "../");
	strcpy(p, target + common);
	return out;
}

/* A symlink at path to target (relative to the root), made relative. */
void fh_link_to(struct fakehost *fh, const char *path, const char *target)
{
	char *dir = fh_xstrdup(path), *slash = strrchr(dir, '/'), *rel;

	if (slash == NULL)
		abort();
	*slash = '\0';
	rel = relpath(dir, target);
	if (fh->err == 0 && symlinkat(rel, fh->rootfd, path) < 0)
		fh_fail(fh, -errno);
	free(rel);
	free(dir);
}

void fh_link_at(struct fakehost *fh, const char *dir, const char *name, const char *target)
{
	char *path = fh_xasprintf("%s/%s", dir, name);

	fh_link_to(fh, path, target);
	free(path);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DNR)
		return -EACCES;
	return remove(path) < 0 ? -errno : 0;
}

int fakehost_rmtree(const char *dir)
{
	int r;

	if (dir == NULL || dir[0] == '\0' || strcmp(dir, "/") == 0)
		return -EINVAL;
	r = nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	if (r == -1)
		return errno == ENOENT ? 0 : -errno;
	return r;
}

void fh_rmtree_at(struct fakehost *fh, const char *path)
{
	char *abs = fh_xasprintf("%s/%s", fh->root, path);
	int r;

	r = fakehost_rmtree(abs);
	if (r < 0)
		fh_fail(fh, r);
	free(abs);
}

/* "dddd:bb:dd.f", canonical (lower case, all digits) only */
int fh_parse_addr(const char *s, unsigned int *ret_domain, unsigned int *ret_bus,
		      unsigned int *ret_devfn)
{
	unsigned int d, b, sl, f;
	char canon[32];
	int n = 0;

	if (s == NULL || sscanf(s, "%x:%x:%x.%u%n", &d, &b, &sl, &f, &n) != 4 || s[n] != '\0')
		return -EINVAL;
	if (d > 0xffff || b > 0xff || sl > 0x1f || f > 7)
		return -EINVAL;
	snprintf(canon, sizeof(canon), "%04x:%02x:%02x.%u", d, b, sl, f);
	if (strcmp(canon, s) != 0)
		return -EINVAL;
	*ret_domain = d;
	*ret_bus = b;
	*ret_devfn = sl << 3 | f;
	return 0;
}

struct dev *fh_dev_find(const struct fakehost *fh, const char *addr)
{
	for (size_t i = fh->n_devs; i-- > 0;)
		if (strcmp(fh->devs[i]->addr, addr) == 0)
			return fh->devs[i];
	return NULL;
}

const char *fakehost_dev_dir(const struct fakehost *fh, const char *addr)
{
	const struct dev *d = fh_dev_find(fh, addr);

	return d ? d->dir : NULL;
}

int fakehost_group(const struct fakehost *fh, const char *addr)
{
	const struct dev *d = fh_dev_find(fh, addr);

	return d ? d->group : -ENOENT;
}

bool fh_valid_name(const char *s)
{
	if (s == NULL || s[0] == '\0' || strlen(s) > 64 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (; *s != '\0'; s++)
		if (*s == '/' || (unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

static void driver_add(struct fakehost *fh, const char *name)
{
	static const char *const files[] = { "bind", "unbind", "new_id", "remove_id", "uevent" };
	char *dir = fh_xasprintf("sys/bus/pci/drivers/%s", name), *mod, *p;

	if (fh->err != 0 || mkdirat(fh->rootfd, dir, 0755) < 0) {
		if (fh->err == 0 && errno != EEXIST)	/* EEXIST: made before */
			fh_fail(fh, -errno);
		free(dir);
		return;
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		fh_attr(fh, dir, files[i], "%s", "");
	/* a module unless built in, as pcieport is; module names use '_' */
	if (strcmp(name, "pcieport") != 0) {
		mod = fh_xasprintf("sys/module/%s", name);
		for (p = mod; *p != '\0'; p++)
			if (*p == '-')
				*p = '_';
		p = fh_xasprintf("%s/drivers", mod);
		fh_mkdirs(fh, p);
		free(p);
		fh_link_at(fh, dir, "module", mod);
		p = fh_xasprintf("%s/drivers/pci:%s", mod, name);
		fh_link_to(fh, p, dir);
		free(p);
		free(mod);
	}
	free(dir);
}

/* A function's netdevs, and the sys/class/net links to them. */
static void netdev_add(struct fakehost *fh, struct dev *d, const char *name)
{
	char *dir = fh_xasprintf("%s/net/%s", d->dir, name), *cls;
	unsigned int ifindex = fh->next_ifindex++;

	if (name[0] == '\0' || strlen(name) >= 16 || strchr(name, '/') != NULL) {
		fh_fail(fh, -EINVAL);
		free(dir);
		return;
	}
	fh_mkdirs(fh, dir);
	fh_attr(fh, dir, "ifindex", "%u\n", ifindex);
	fh_attr(fh, dir, "address", "02:00:%02x:%02x:%02x:%02x\n", d->bus, d->devfn,
	     (ifindex >> 8) & 0xff, ifindex & 0xff);
	fh_attr(fh, dir, "operstate", "%s\n", d->vf ? "down" : "up");
	fh_attr(fh, dir, "mtu", "1500\n");
	fh_link_at(fh, dir, "device", d->dir);
	cls = fh_xasprintf("sys/class/net/%s", name);
	fh_link_to(fh, cls, dir);
	free(cls);
	free(dir);
}

void fh_netdevs_add(struct fakehost *fh, struct dev *d, const char *names)
{
	char *list = fh_xstrdup(names), *save = NULL;

	for (char *n = strtok_r(list, " \t,", &save); n != NULL; n = strtok_r(NULL, " \t,", &save))
		netdev_add(fh, d, n);
	free(list);
}

/* Remove d's netdevs: they belong to the driver going away. */
static void netdevs_remove(struct fakehost *fh, struct dev *d)
{
	char *net = fh_xasprintf("%s/net", d->dir), *cls;
	struct dirent *e;
	DIR *dir;
	int fd;

	fd = openat(fh->rootfd, net, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && (dir = fdopendir(fd)) != NULL) {
		while ((e = readdir(dir)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			cls = fh_xasprintf("sys/class/net/%s", e->d_name);
			(void)unlinkat(fh->rootfd, cls, 0);
			free(cls);
		}
		closedir(dir);
		fh_rmtree_at(fh, net);
	} else if (fd >= 0) {
		close(fd);
	}
	free(net);
}

void fh_driver_bind(struct fakehost *fh, struct dev *d, const char *driver)
{
	char *path;

	if (d->driver != NULL) {
		netdevs_remove(fh, d);
		path = fh_xasprintf("%s/driver", d->dir);
		(void)unlinkat(fh->rootfd, path, 0);
		free(path);
		path = fh_xasprintf("sys/bus/pci/drivers/%s/%s", d->driver, d->addr);
		(void)unlinkat(fh->rootfd, path, 0);
		free(path);
		free(d->driver);
		d->driver = NULL;
	}
	if (driver != NULL) {
		driver_add(fh, driver);
		path = fh_xasprintf("sys/bus/pci/drivers/%s", driver);
		fh_link_at(fh, d->dir, "driver", path);
		fh_link_at(fh, path, d->addr, d->dir);
		free(path);
		d->driver = fh_xstrdup(driver);
	}
	fh_attr(fh, d->dir, "enable", "%d\n", driver != NULL);
}

int fakehost_bind(struct fakehost *fh, const char *addr, const char *driver)
{
	struct dev *d = addr ? fh_dev_find(fh, addr) : NULL;

	if (d == NULL)
		return -ENOENT;
	if (driver != NULL && !fh_valid_name(driver))
		return -EINVAL;
	fh_driver_bind(fh, d, driver);
	return fh_take_err(fh);
}

/* /proc/interrupts: remapped MSIs are "IR-PCI-MSI" */
static void interrupts(struct fakehost *fh, const char *iommu, bool remap)
{
	fh_attr(fh, "proc", "interrupts",
	     "            CPU0       CPU1\n"
	     "   0:         44          0   IO-APIC    2-edge      timer\n"
	     "%s%s%s"
	     "  25:       1830          0  %s 1572864-edge      nvme0q0\n",
	     iommu ? "  24:          0          0   DMAR-MSI    0-edge      " : "",
	     iommu ? iommu : "", iommu ? "\n" : "", remap ? "IR-PCI-MSI" : "   PCI-MSI");
}

int fakehost_add_iommu(struct fakehost *fh, const struct fakehost_iommu *iommu)
{
	const struct fakehost_iommu none = { 0 };
	const char *name, *type;
	char *path;

	if (iommu == NULL)
		iommu = &none;
	name = iommu->name ? iommu->name : "dmar0";
	type = iommu->group_type ? iommu->group_type : "DMA";
	if (!fh_valid_name(name) || !fh_valid_name(type))
		return -EINVAL;
	if (fh->iommu_dir != NULL || fh->n_devs > 0)
		return -EBUSY;
	fh->iommu_dir = fh_xasprintf("sys/devices/virtual/iommu/%s", name);
	free(fh->group_type);
	fh->group_type = fh_xstrdup(type);

	path = fh_xasprintf("%s/devices", fh->iommu_dir);
	fh_mkdirs(fh, path);
	free(path);
	fh_mkdirs(fh, "sys/class/iommu");
	fh_link_at(fh, "sys/class/iommu", name, fh->iommu_dir);
	fh_mkdirs(fh, "sys/kernel/iommu_groups");
	if (strncmp(name, "dmar", 4) == 0) {
		/* VT-d registers; ecap bit 3 is Interrupt Remapping support */
		path = fh_xasprintf("%s/intel-iommu", fh->iommu_dir);
		fh_mkdirs(fh, path);
		fh_attr(fh, path, "version", "1:0\n");
		fh_attr(fh, path, "cap", "d2008c40660462\n");
		fh_attr(fh, path, "ecap", "%s\n", iommu->no_intremap ? "f050d2" : "f050da");
		free(path);
		fh_attr(fh, "proc", "cmdline", "%s intel_iommu=on%s\n", CMDLINE,
		     strcmp(type, "identity") == 0 ? " iommu=pt" : "");
	} else {
		fh_attr(fh, "proc", "cmdline", "%s%s\n", CMDLINE,
		     strcmp(type, "identity") == 0 ? " iommu=pt" : "");
	}
	interrupts(fh, name, !iommu->no_intremap);
	return fh_take_err(fh);
}

int fakehost_add_vfio(struct fakehost *fh)
{
	fh_mkdirs(fh, "sys/module/vfio/parameters");
	fh_attr(fh, "sys/module/vfio/parameters", "enable_unsafe_noiommu_mode", "N\n");
	fh_mkdirs(fh, "sys/module/vfio_iommu_type1/parameters");
	fh_attr(fh, "sys/module/vfio_iommu_type1/parameters", "allow_unsafe_interrupts", "N\n");
	fh_attr(fh, "sys/module/vfio_iommu_type1/parameters", "dma_entry_limit", "65535\n");
	driver_add(fh, "vfio-pci");
	fh_mkdirs(fh, "dev/vfio");
	fh_attr(fh, "dev/vfio", "vfio", "%s", "");	/* stands in for the character device */
	return fh_take_err(fh);
}

static int dir_empty(const char *path)
{
	struct dirent *e;
	DIR *dir;
	int r = 0;

	dir = opendir(path);
	if (dir == NULL)
		return -errno;
	while (r == 0 && (e = readdir(dir)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			r = -ENOTEMPTY;
	closedir(dir);
	return r;
}

static int skeleton(struct fakehost *fh)
{
	static const char *const dirs[] = {
		"sys/bus/pci/devices", "sys/bus/pci/drivers", "sys/bus/pci/slots",
		"sys/devices/virtual", "sys/kernel", "sys/module", "sys/class/net", "proc", "dev",
	};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		fh_mkdirs(fh, dirs[i]);
	fh_attr(fh, "sys/bus/pci", "drivers_probe", "%s", "");
	fh_attr(fh, "sys/bus/pci", "drivers_autoprobe", "1\n");
	fh_attr(fh, "sys/bus/pci", "rescan", "%s", "");
	fh_attr(fh, "proc", "cmdline", "%s\n", CMDLINE);
	interrupts(fh, NULL, false);
	return fh_take_err(fh);
}

struct fakehost *fakehost_new(const char *dir)
{
	struct fakehost *fh = fh_xzalloc(sizeof(*fh));
	char path[PATH_MAX];
	const char *tmp;
	int r = 0;

	fh->rootfd = -1;
	fh->next_ifindex = 2;		/* 1 is lo */
	fh->group_type = fh_xstrdup("DMA");
	if (dir == NULL) {
		tmp = getenv("TMPDIR");
		if (tmp == NULL || tmp[0] == '\0')
			tmp = "/tmp";
		if ((size_t)snprintf(path, sizeof(path), "%s/fakehost.XXXXXX", tmp) >= sizeof(path))
			r = -ENAMETOOLONG;
		else if (mkdtemp(path) == NULL)
			r = -errno;
		dir = path;
		fh->owned = r == 0;
	} else if (mkdir(dir, 0755) < 0) {
		r = errno == EEXIST ? dir_empty(dir) : -errno;
	}
	if (r == 0 && realpath(dir, fh->root) == NULL)
		r = -errno;
	if (r == 0) {
		fh->rootfd = open(fh->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fh->rootfd < 0)
			r = -errno;
	}
	if (r == 0)
		r = skeleton(fh);
	if (r < 0) {
		if (fh->owned && fh->root[0] == '\0')
			strcpy(fh->root, path);		/* realpath failed: remove what we made */
		fakehost_free(fh);
		errno = -r;
		return NULL;
	}
	return fh;
}

void fakehost_free(struct fakehost *fh)
{
	if (fh == NULL)
		return;
	if (fh->rootfd >= 0)
		close(fh->rootfd);
	if (fh->owned && fh->root[0] != '\0')
		(void)fakehost_rmtree(fh->root);
	for (size_t i = 0; i < fh->n_devs; i++) {
		struct dev *d = fh->devs[i];

		fh_sriov_free(d->sriov);
		free(d->dir);
		free(d->driver);
		free(d);
	}
	for (size_t i = 0; i < fh->n_hbs; i++) {
		free(fh->hbs[i]->dir);
		free(fh->hbs[i]);
	}
	free(fh->devs);
	free(fh->hbs);
	free(fh->iommu_dir);
	free(fh->group_type);
	free(fh);
}

const char *fakehost_root(const struct fakehost *fh)
{
	return fh->root;
}

/* Relative, not empty, no ".." component. */
static int path_check(const char *path)
{
	const char *p = path;
	size_t n;

	if (path == NULL || path[0] == '\0' || path[0] == '/')
		return -EINVAL;
	while (*p != '\0') {
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return -EINVAL;
		p += n;
		if (*p == '/')
			p++;
	}
	return 0;
}

static void parent_mkdirs(struct fakehost *fh, const char *path)
{
	char *dir = fh_xstrdup(path), *slash = strrchr(dir, '/');

	if (slash != NULL) {
		*slash = '\0';
		fh_mkdirs(fh, dir);
	}
	free(dir);
}

int fakehost_write_bin(struct fakehost *fh, const char *path, const void *data, size_t len)
{
	int r = path_check(path);

	if (r < 0)
		return r;
	parent_mkdirs(fh, path);
	fh_put(fh, path, data, len);
	return fh_take_err(fh);
}

int fakehost_write(struct fakehost *fh, const char *path, const char *content)
{
	return fakehost_write_bin(fh, path, content, strlen(content));
}

int fakehost_symlink(struct fakehost *fh, const char *path, const char *target)
{
	int r = path_check(path);

	if (r < 0 || target == NULL || target[0] == '\0')
		return -EINVAL;
	parent_mkdirs(fh, path);
	if (fh->err == 0 && unlinkat(fh->rootfd, path, 0) < 0 && errno != ENOENT)
		fh_fail(fh, -errno);
	if (fh->err == 0 && symlinkat(target, fh->rootfd, path) < 0)
		fh_fail(fh, -errno);
	return fh_take_err(fh);
}

int fakehost_remove(struct fakehost *fh, const char *path)
{
	struct stat st;
	int r = path_check(path);

	if (r < 0)
		return r;
	if (fstatat(fh->rootfd, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		fh_rmtree_at(fh, path);
	else if (unlinkat(fh->rootfd, path, 0) < 0)
		fh_fail(fh, -errno);
	return fh_take_err(fh);
}
