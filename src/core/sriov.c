/* SPDX-License-Identifier: MIT */
/* srpass -- sriov_numvfs and sriov_drivers_autoprobe, with rollback */
#include "core/sriov.h"

#include <errno.h>
#include <stdio.h>

#include "core/assign.h"
#include "core/host.h"
#include "core/ledger.h"
#include "srpass/err.h"
#include "srpass/inventory.h"
#include "os/sysfs.h"

static int write_uint(const struct srp_sys *sys, const struct srp_bdf *pf, const char *attr,
		      unsigned int v, struct srp_err *err)
{
	char path[PATH_MAX], val[16];
	int r;

	if (srp_sysfs_dev_path(path, sizeof(path), pf, attr) < 0)
		return srp_err_set(err, -ENAMETOOLONG, "path too long");
	snprintf(val, sizeof(val), "%u", v);
	r = srp_sys_write_str(sys, path, val);
	if (r < 0)
		return srp_err_set(err, r, "cannot write %s to '%s'%s", val, path,
				   r == -ERANGE ? " (more than sriov_totalvfs)" :
				   r == -ENOENT ? " (no PF driver bound?)" : "");
	return 0;
}

/* numvfs from -> to, through 0 as the kernel requires */
static int set_numvfs(const struct srp_sys *sys, const struct srp_bdf *pf, unsigned int from,
		      unsigned int to, struct srp_err *err)
{
	int r;

	if (from == to)
		return 0;
	if (from != 0 && to != 0) {
		r = write_uint(sys, pf, "sriov_numvfs", 0, err);
		if (r < 0)
			return r;
	}
	return write_uint(sys, pf, "sriov_numvfs", to, err);
}

static int read_numvfs(const struct srp_sys *sys, const struct srp_bdf *pf, unsigned int *ret,
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

int srp_sriov_undo(struct srp_host *host, const struct srp_ledger *l, struct srp_err *err)
{
	const struct srp_pending *p = &l->pending;
	unsigned int now;
	int r;

	r = read_numvfs(&host->sys, &p->pf, &now, err);
	if (r == 0)
		r = set_numvfs(&host->sys, &p->pf, now, p->old_numvfs, err);
	if (r == 0 && p->old_autoprobe >= 0)
		r = write_uint(&host->sys, &p->pf, "sriov_drivers_autoprobe",
			       (unsigned int)p->old_autoprobe, err);
	return r;
}

int srp_sriov_set(struct srp_host *host, const struct srp_bdf *pfaddr, unsigned int n,
		  int autoprobe_off, int dry_run, FILE *plan, struct srp_err *err)
{
	const struct srp_sys *sys = &host->sys;
	struct srp_inventory *inv = NULL;
	struct srp_ledger *l = NULL;
	const struct srp_dev *pf;
	char name[SRP_BDF_STRLEN];
	int r;

	srp_bdf_format(pfaddr, name);
	r = srp_ledger_open(host, &l, err);
	if (r < 0)
		return r;
	r = srp_repair(host, l, plan, err);	/* under the same lock as the change */
	if (r >= 0)
		r = srp_inventory_scan(host, &inv, err);
	if (r < 0)
		goto out;
	pf = srp_inventory_find(inv, pfaddr);
	if (pf == NULL || pf->kind != SRP_DEV_PF) {
		r = srp_err_set(err, -EINVAL, "%s is not an SR-IOV PF", name);
		goto out;
	}
	if (n > pf->totalvfs) {
		r = srp_err_set(err, -ERANGE, "PF %s supports at most %u VFs (sriov_totalvfs), not %u",
				name, pf->totalvfs, n);
		goto out;
	}
	for (size_t i = 0; i < l->n; i++)
		if (srp_bdf_cmp(&l->a[i].pf, pfaddr) == 0) {
			char vf[SRP_BDF_STRLEN];

			r = srp_err_set(err, -EBUSY, "PF %s has assigned VFs (%s, tenant '%s'); "
					"changing sriov_numvfs would destroy them. Release them first",
					name, srp_bdf_format(&l->a[i].vf, vf), l->a[i].tenant);
			goto out;
		}
	if (plan) {
		if (autoprobe_off && pf->drivers_autoprobe != 0)
			fprintf(plan, "PF %s: sriov_drivers_autoprobe 1 -> 0\n", name);
		fprintf(plan, "PF %s: sriov_numvfs %u -> %u%s\n", name, pf->numvfs, n,
			pf->numvfs && n && pf->numvfs != n ? " (through 0)" : "");
	}
	if (dry_run || (pf->numvfs == n && !(autoprobe_off && pf->drivers_autoprobe == 1))) {
		r = 0;
		goto out;
	}

	srp_pending_clear(&l->pending);
	l->pending.op = SRP_OP_NUMVFS;
	l->pending.pf = *pfaddr;
	l->pending.old_numvfs = pf->numvfs;
	l->pending.old_autoprobe = autoprobe_off ? pf->drivers_autoprobe : -1;
	r = srp_ledger_commit(host, l, err);
	if (r < 0)
		goto out;
	if (autoprobe_off && pf->drivers_autoprobe == 1)
		r = write_uint(sys, pfaddr, "sriov_drivers_autoprobe", 0, err);
	if (r == 0)
		r = set_numvfs(sys, pfaddr, pf->numvfs, n, err);
	if (r < 0) {
		struct srp_err undo = { 0 };

		srp_err_prefix(err, "PF %s: ", name);
		if (srp_sriov_undo(host, l, &undo) < 0) {
			srp_err_prefix(err, "[rollback failed: %s; run 'srpass recover'] ", undo.msg);
			goto out;
		}
	}
	srp_pending_clear(&l->pending);
	if (r == 0)
		r = srp_ledger_commit(host, l, err);
	else
		(void)srp_ledger_commit(host, l, NULL);	/* else the next run repairs it */
out:
	srp_inventory_free(inv);
	srp_ledger_close(l);
	return r;
}
