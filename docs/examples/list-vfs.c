/* SPDX-License-Identifier: MIT */
/*
 * list-vfs -- the smallest libsrpass program: every SR-IOV VF of a host,
 * with its PF, driver and IOMMU group.
 *
 *	cc list-vfs.c $(pkg-config --cflags --libs srpass) -o list-vfs
 *	./list-vfs [ROOT]
 */
#include <stdio.h>
#include <string.h>

#include <srpass/srpass.h>

int main(int argc, char **argv)
{
	struct srp_host_opts opts = { .root = argc > 1 ? argv[1] : "/" };
	struct srp_err err = { 0 };
	struct srp_inventory *inv = NULL;
	struct srp_host *host = NULL;
	size_t n = 0;

	if (srp_host_open_opts(&opts, &host, &err) < 0 ||
	    srp_inventory_scan(host, &inv, &err) < 0) {
		fprintf(stderr, "list-vfs: %s: %s\n", err.msg, strerror(-err.code));
		srp_host_close(host);
		return 1;
	}
	for (size_t i = 0; i < inv->n_devs; i++) {
		const struct srp_dev *d = &inv->devs[i];

		if (d->kind != SRP_DEV_VF)
			continue;
		printf("%s vf %d of %s driver %s group %s\n", d->name, d->vf_index,
		       d->pf ? d->pf->name : "?", d->driver ? d->driver : "-",
		       d->group ? "yes" : "none");
		n++;
	}
	printf("%zu VFs\n", n);
	srp_inventory_free(inv);
	srp_host_close(host);
	return 0;
}
