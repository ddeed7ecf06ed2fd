/* SPDX-License-Identifier: MIT */
/* srpass -- restore after a reboot: the PFs' VFs, then every assignment */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assign.h"
#include "core/backend.h"
#include "core/host.h"
#include "core/ledger.h"
#include "core/sriov.h"
#include "core/txn.h"
#include "srpass/err.h"
#include "srpass/inventory.h"

/*
 * A PF with no VFs (a fresh boot) gets the count the ledger recorded.  One
 * that has VFs, but not that many, is left alone and reported: changing
 * the count destroys VFs the host may be using.  Returns 1 if it changed
 * the PF, 0 if not, -errno with the reason in err.
 */
static int restore_pf(struct srp_txn *t, const struct srp_inventory *inv,
		      const struct srp_pf_state *want, int dry_run, struct srp_err *err)
{
	const struct srp_dev *pf = srp_inventory_find(inv, &want->pf);
	char name[SRP_BDF_STRLEN];

	srp_bdf_format(&want->pf, name);
	if (pf == NULL || pf->kind != SRP_DEV_PF)
		return srp_err_refuse(err, -ENODEV, "PF %s is gone (not an SR-IOV PF on this host)",
				      name);
	if (pf->numvfs == want->numvfs)
		return 0;
	if (pf->numvfs != 0)
		return srp_err_refuse(err, -EEXIST, "PF %s has %u VFs, the ledger recorded %u: left "
				      "as it is ('srpass enable %s --vfs %u' to change it)", name,
				      pf->numvfs, want->numvfs, name, want->numvfs);
	if (want->numvfs > pf->totalvfs)
		return srp_err_refuse(err, -ERANGE, "PF %s supports %u VFs now, the ledger recorded "
				      "%u", name, pf->totalvfs, want->numvfs);
	if (dry_run) {
		(void)srp_sriov_change(t, pf, want->numvfs, want->autoprobe, 1, err);	/* the plan */
		return 1;
	}
	return srp_sriov_change(t, pf, want->numvfs, want->autoprobe, 0, err);
}

/* In a dry run, a VF whose PF restore_pf would give its VFs again. */
static int pf_comes_back(const struct srp_ledger *l, const unsigned char *back,
			 const struct srp_bdf *pf)
{
	for (size_t i = 0; i < l->n_pfs; i++)
		if (back[i] && srp_bdf_cmp(&l->pfs[i].pf, pf) == 0)
			return 1;
	return 0;
}

static int restore_vf(struct srp_host *host, const struct srp_inventory *inv,
		      const struct srp_assignment *a, int dry_run, const struct srp_plan *plan,
		      struct srp_err *err)
{
	const struct srp_dev *vf = srp_inventory_find(inv, &a->vf);
	const struct srp_backend_ops *be = srp_backend_find(host, a->backend);
	char name[SRP_BDF_STRLEN];

	srp_bdf_format(&a->vf, name);
	if (vf == NULL || vf->kind != SRP_DEV_VF || vf->pf == NULL ||
	    srp_bdf_cmp(&vf->pf->addr, &a->pf) != 0 || vf->vf_index != a->vf_index)
		return srp_err_refuse(err, -ENODEV, "VF %s (vf %d of PF %s) does not exist", name,
				      a->vf_index, srp_bdf_format(&a->pf, (char[SRP_BDF_STRLEN]){ 0 }));
	if (be == NULL)
		return srp_err_refuse(err, -ENOENT, "backend '%s' of VF %s is not available",
				      a->backend, name);
	if (dry_run) {
		srp_say(plan, "restore %s: to %s for domain '%s', with its switch settings", name,
			be->stub_drivers[0], a->domain);
		return 0;
	}
	if (srp_reassign(host, vf, a, err) < 0)
		return -1;
	srp_say(plan, "restore %s: held by %s for domain '%s', switch settings applied", name,
		be->stub_drivers[0], a->domain);
	return 0;
}

static void say_failed(const struct srp_plan *plan, const struct srp_err *one)
{
	if (one->flags & SRP_ERR_SAID || one->code == 0)
		srp_say(plan, "restore: %s", one->msg[0] ? one->msg : "failed");
	else
		srp_say(plan, "restore: %s: %s", one->msg, strerror(-one->code));
}

int srp_restore(struct srp_host *host, int dry_run, const struct srp_plan *plan,
		struct srp_err *err)
{
	struct srp_inventory *inv = NULL;
	size_t failed = 0, changed = 0, total;
	unsigned char *back = NULL;
	struct srp_txn t;
	int r;

	r = srp_txn_begin(host, plan, &t, err);
	if (r < 0)
		return r;
	total = t.l->n_pfs + t.l->n;
	back = calloc(t.l->n_pfs + 1, 1);
	r = back ? srp_inventory_scan(host, &inv, err) : srp_err_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; r >= 0 && i < t.l->n_pfs; i++) {
		struct srp_err one = { 0 };
		int c = restore_pf(&t, inv, &t.l->pfs[i], dry_run, &one);

		if (c < 0) {
			say_failed(plan, &one);
			failed++;
		}
		if (c < 0 && t.l->pending.op != SRP_OP_NONE) {
			/* its rollback failed: the intent on disk is recover's */
			r = srp_err_refuse(err, c, "restore stopped at PF %s, whose rollback failed: "
					   "run 'srpass recover', then restore again",
					   srp_bdf_format(&t.l->pfs[i].pf, (char[SRP_BDF_STRLEN]){ 0 }));
			break;
		}
		back[i] = c > 0;
		changed += c > 0;
	}
	if (r >= 0 && changed > 0 && !dry_run) {
		/* the new VFs: the kernel made them, their drivers probed */
		r = srp_txn_commit(&t, err);
		srp_inventory_free(inv);
		inv = NULL;
		if (r >= 0)
			r = srp_inventory_scan(host, &inv, err);
	}
	for (size_t i = 0; r >= 0 && i < t.l->n; i++) {
		const struct srp_assignment *a = &t.l->a[i];
		struct srp_err one = { 0 };
		char name[SRP_BDF_STRLEN];

		if (dry_run && pf_comes_back(t.l, back, &a->pf) &&
		    srp_inventory_find(inv, &a->vf) == NULL) {
			srp_say(plan, "restore %s: to its backend for domain '%s' once PF %s has its "
				"VFs again", srp_bdf_format(&a->vf, name), a->domain,
				srp_bdf_format(&a->pf, (char[SRP_BDF_STRLEN]){ 0 }));
			continue;
		}
		if (restore_vf(host, inv, a, dry_run, plan, &one) < 0) {
			say_failed(plan, &one);
			failed++;
		}
	}
	if (dry_run && r >= 0)
		srp_say(plan, "dry run: nothing was changed");
	srp_inventory_free(inv);
	free(back);
	srp_txn_end(&t);
	if (r < 0)
		return r;
	if (failed > 0)
		return srp_err_refuse(err, -EIO, "%zu of %zu PFs and VFs in the ledger were not "
				      "restored (each is named above)", failed, total);
	return 0;
}
