/* SPDX-License-Identifier: MIT */
/* srpass -- the KVM backend: VFs held by vfio-pci, checked with the VFIO uapi */
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/backend.h"
#include "core/host.h"
#include "core/ledger.h"
#include "os/bind.h"
#include "os/proc.h"
#include "os/sys.h"
#include "os/sysfs.h"
#include "srpass/err.h"
#include "srpass/inventory.h"

#define STUB "vfio-pci"

static int kvm_detect(struct srp_host *host)
{
	mode_t mode;

	return srp_sys_lstat(&host->sys, "/sys/bus/pci/drivers/" STUB, &mode) == 0 &&
	       S_ISDIR(mode);
}

/* The VF's VFIO group node, "/dev/vfio/N" (vf->group must be set). */
static void group_node(const struct srp_dev *vf, char *buf, size_t len)
{
	snprintf(buf, len, "/dev/vfio/%u", vf->group->id);
}

/*
 * A group is usable by a guest only when every device in it is bound to
 * vfio-pci (or unbound): the kernel reports that as VFIO_GROUP_FLAGS_VIABLE.
 * And the type1 IOMMU must be there to attach it to.
 */
static int kvm_check_vfio(struct srp_host *host, const struct srp_dev *vf, struct srp_err *err)
{
	const struct srp_sys *sys = &host->sys;
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];
	int gfd, cfd, r;

	if (vf->group == NULL)
		return srp_err_set(err, -ENODEV, "%s has no IOMMU group; is the IOMMU on?", vf->name);
	group_node(vf, path, sizeof(path));
	gfd = sys->ops->open(sys, path, O_RDWR, 0);
	if (gfd < 0)
		return srp_err_set(err, gfd, "cannot open VFIO group '%s'", path);
	r = sys->ops->ioctl(sys, gfd, VFIO_GROUP_GET_STATUS, &status);
	close(gfd);
	if (r < 0)
		return srp_err_set(err, r, "VFIO_GROUP_GET_STATUS on '%s' failed", path);
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return srp_err_set(err, -EBUSY, "VFIO group %u is not viable: bind every device in "
				   "/sys/kernel/iommu_groups/%u/devices to vfio-pci or unbind it",
				   vf->group->id, vf->group->id);

	cfd = sys->ops->open(sys, "/dev/vfio/vfio", O_RDWR, 0);
	if (cfd < 0)
		return srp_err_set(err, cfd, "cannot open '/dev/vfio/vfio'");
	r = sys->ops->ioctl(sys, cfd, VFIO_GET_API_VERSION, NULL);
	if (r >= 0 && r != VFIO_API_VERSION)
		r = -EPROTO;
	if (r >= 0)	/* 1 if supported, 0 if not */
		r = sys->ops->ioctl(sys, cfd, VFIO_CHECK_EXTENSION,
				    (void *)(unsigned long)VFIO_TYPE1v2_IOMMU);
	close(cfd);
	if (r <= 0)
		return srp_err_set(err, r < 0 ? r : -ENODEV,
				   "the VFIO type1v2 IOMMU is not available ('/dev/vfio/vfio')");
	return 0;
}

static int kvm_prepare(struct srp_backend *be, const struct srp_dev *vf,
		       const struct srp_assignment *a, struct srp_err *err)
{
	struct srp_host *host = be->host;
	int r;

	r = srp_bind_to(&host->sys, &vf->addr, STUB, a->orig_driver, a->orig_override,
			host->bind_timeout_ms, err);
	if (r < 0)
		return r;
	return kvm_check_vfio(host, vf, err);
}

/* The VF's VFIO device node, "/dev/vfio/devices/vfioN", from the one
 * entry of its sysfs vfio-dev directory (a kernel with
 * CONFIG_VFIO_DEVICE_CDEV, while vfio-pci holds the VF). */
struct cdev_walk {
	char name[24];
};

static int cdev_entry(const char *name, unsigned char d_type, void *arg)
{
	struct cdev_walk *w = arg;
	size_t digits = strspn(name + (strncmp(name, "vfio", 4) == 0 ? 4 : 0), "0123456789");

	(void)d_type;
	/* "vfio" and a number: anything else is not the kernel's, and never
	 * becomes part of a path */
	if (strncmp(name, "vfio", 4) != 0 || digits == 0 || digits > 10 || name[4 + digits] != '\0')
		return 0;
	snprintf(w->name, sizeof(w->name), "%s", name);
	return 1;
}

/* 1 and the node into buf, 0 if the VF has none, or -errno */
static int cdev_node(struct srp_host *host, const struct srp_dev *vf, char *buf, size_t len,
		     struct srp_err *err)
{
	struct cdev_walk w = { .name = "" };
	char dir[128];
	mode_t mode;
	int r;

	srp_sysfs_dev_path(dir, sizeof(dir), &vf->addr, "vfio-dev");
	/* the device's own directory; a symlink there is not the kernel's */
	r = srp_sys_lstat(&host->sys, dir, &mode);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return srp_err_set(err, r, "cannot read '%s'", dir);
	if (!S_ISDIR(mode))
		return srp_err_set(err, -ENOTDIR, "'%s' is not a directory", dir);
	r = srp_sys_listdir(&host->sys, dir, cdev_entry, &w);
	if (r < 0 && r != -ENOENT)
		return srp_err_set(err, r, "cannot list '%s'", dir);
	if (w.name[0] == '\0')
		return 0;
	snprintf(buf, len, "/dev/vfio/devices/%s", w.name);
	return 1;
}

/* A guest's QEMU holds the VF's VFIO group open while it runs, or with
 * iommufd the VF's own device node: a process holding either uses it. */
static int kvm_users(struct srp_host *host, const struct srp_dev *vf, char *buf, size_t len,
		     struct srp_err *err)
{
	char group[64], cdev[64];
	const char *targets[2];
	size_t n = 0;
	int r;

	if (vf->group != NULL) {
		group_node(vf, group, sizeof(group));
		targets[n++] = group;
	}
	r = cdev_node(host, vf, cdev, sizeof(cdev), err);
	if (r < 0)
		return r;
	if (r > 0)
		targets[n++] = cdev;
	return srp_proc_holders(&host->sys, targets, n, buf, len, err);
}

static int kvm_status(struct srp_backend *be, const struct srp_dev *vf, struct srp_err *err)
{
	if (vf->driver == NULL || strcmp(vf->driver, STUB) != 0)
		return srp_err_set(err, -ENXIO, "%s is bound to %s, not %s", vf->name,
				   vf->driver ? vf->driver : "no driver", STUB);
	return kvm_check_vfio(be->host, vf, err);
}

/* QEMU's side: "-device vfio-pci,host=0000:03:02.0" (docs/launch.md). */
static int kvm_launch(const struct srp_dev *vf, const struct srp_assignment *a, char *buf,
		      size_t len)
{
	(void)a;
	return snprintf(buf, len, "-device vfio-pci,host=%s", vf->name);
}

static const char *const kvm_stubs[] = { STUB, "pci-stub", NULL };

static const struct srp_backend_check kvm_checks[] = {
	{ "SRP-CHK-VFIO", STUB, false, "modprobe vfio-pci", NULL },
};

/* vfio-pci holds the VF; release is the core's rebind of the original driver. */
const struct srp_backend_ops srp_backend_kvm = {
	.name = "kvm",
	.help = "Linux KVM: VFs held by vfio-pci",
	.stub_drivers = kvm_stubs,
	.checks = kvm_checks,
	.n_checks = sizeof(kvm_checks) / sizeof(kvm_checks[0]),
	.detect = kvm_detect,
	.prepare = kvm_prepare,
	.users = kvm_users,
	.status = kvm_status,
	.launch = kvm_launch,
};
