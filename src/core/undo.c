/* SPDX-License-Identifier: MIT */
/* srpass -- undo: the one way back, for rollback and recovery alike */
#include "core/undo.h"

#include <errno.h>

#include "core/backend.h"
#include "core/host.h"
#include "core/ledger.h"
#include "os/sysfs.h"
#include "srpass/err.h"
#include "srpass/inventory.h"
#include "switch/vfswitch.h"

int srp_vf_switch_open(struct srp_host *host, const struct srp_dev *vf, struct srp_switch **ret,
		       const char **ret_pf, struct srp_err *err)
{
	*ret = NULL;
	*ret_pf = NULL;
	if (vf->pf == NULL || vf->pf->n_netdevs == 0)
		return 0;
	*ret_pf = vf->pf->netdevs[0];
	return srp_host_switch_open(host, ret, err);
}

int srp_undo_switch(struct srp_host *host, const struct srp_dev *vf,
		    const struct json_object *saved, struct srp_err *err)
{
	struct srp_switch *sw = NULL;
	struct srp_vf_state st;
	const char *pfdev;
	int r;

	if (saved == NULL)
		return 0;
	r = srp_vf_state_from_json(saved, &st, err);
	if (r < 0)
		return r;
	r = srp_vf_switch_open(host, vf, &sw, &pfdev, err);
	if (r < 0)
		return r;
	if (pfdev == NULL)
		return srp_err_set(err, -ENODEV, "PF %s has no network interface: cannot restore "
				   "the switch state of VF %d", vf->pf->name, vf->vf_index);
	r = srp_switch_restore(sw, pfdev, vf->pf->driver, &st, err);
	srp_switch_close(sw);
	return r;
}

int srp_undo_vf(struct srp_host *host, const struct srp_inventory *inv,
		const struct srp_assignment *a, struct srp_err *err)
{
	struct srp_backend *be = NULL;
	const struct srp_dev *vf;
	char name[SRP_BDF_STRLEN];
	int r;

	srp_bdf_format(&a->vf, name);
	vf = srp_inventory_find(inv, &a->vf);
	if (vf == NULL || vf->kind != SRP_DEV_VF)
		return srp_err_set(err, -ENODEV, "VF %s no longer exists (was sriov_numvfs changed?)",
				   name);
	r = srp_backend_open(host, a->backend, &be, err);
	if (r < 0)
		return r;
	r = srp_undo_switch(host, vf, a->orig_switch, err);
	if (r < 0) {
		srp_err_prefix(err, "restoring the switch state: ");
		goto out;
	}
	r = srp_backend_unprepare(be, vf, a, err);
	if (r < 0)
		srp_err_prefix(err, "rebinding the original driver: ");
out:
	srp_backend_close(be);
	return r;
}

int srp_undo_numvfs(struct srp_host *host, const struct srp_pending *p, struct srp_err *err)
{
	unsigned int now;
	int r;

	r = srp_sysfs_numvfs_read(&host->sys, &p->pf, &now, err);
	if (r == 0)
		r = srp_sysfs_numvfs_set(&host->sys, &p->pf, now, p->old_numvfs, err);
	if (r == 0 && p->old_autoprobe >= 0)
		r = srp_sysfs_dev_write_uint(&host->sys, &p->pf, "sriov_drivers_autoprobe",
					     (unsigned int)p->old_autoprobe, err);
	return r;
}

int srp_undo_vfset(struct srp_host *host, const struct srp_pending *p, struct srp_err *err)
{
	struct srp_inventory *inv = NULL;
	const struct srp_dev *vf;
	char name[SRP_BDF_STRLEN];
	int r;

	r = srp_inventory_scan(host, &inv, err);
	if (r < 0)
		return r;
	vf = srp_inventory_find(inv, &p->vf);
	if (vf == NULL || vf->kind != SRP_DEV_VF || vf->pf == NULL ||
	    srp_bdf_cmp(&vf->pf->addr, &p->pf) != 0 || vf->vf_index != p->vf_index)
		r = srp_err_set(err, -ENODEV, "VF %s is gone or is another PF's VF now",
				srp_bdf_format(&p->vf, name));
	else
		r = srp_undo_switch(host, vf, p->before, err);
	srp_inventory_free(inv);
	return r;
}
