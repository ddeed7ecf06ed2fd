/* SPDX-License-Identifier: MIT */
/* srpass -- launch artefacts: a guest's QEMU arguments, libvirt devices, xl pci= line */
#ifndef SRP_LAUNCH_H
#define SRP_LAUNCH_H

#include <stddef.h>

#include "srpass/bdf.h"

struct srp_assignment;
struct srp_err;
struct srp_sys;

/*
 * Pure functions from ledger assignments to the text that gives those
 * VFs to a guest (docs/launch.md).  The caller picks the assignments
 * (those of one domain) and passes them sorted by BDF; nothing here
 * reads the host.  Every identifier is derived from the VF's address
 * (srp_launch_id()), so it is the same whichever VFs are printed
 * together and unique on the host.
 */

enum srp_launch_format { SRP_LAUNCH_QEMU, SRP_LAUNCH_LIBVIRT, SRP_LAUNCH_XL };

struct srp_launch_opts {
	enum srp_launch_format format;
	/* qemu */
	const char *bus;		/* bus= of every VF, or NULL */
	int addr;			/* addr= slot of the first VF (the next get the
					 * next slots), -1: none */
	int rombar_off;			/* rombar=0 */
	/* libvirt */
	int plain;			/* <hostdev> instead of <interface type='hostdev'> */
	/* qemu and libvirt: the virtio-net standby of each VF */
	int failover;
	const char *standby;		/* qemu: the user's -netdev id; libvirt: a network */
};

/* A list of strings (argv words, devices, xl items), each malloc'ed. */
struct srp_strv {
	char **v;
	size_t n;
};
void srp_strv_free(struct srp_strv *s);

/* "hostdev-0000-03-02-0" for prefix "hostdev": a QEMU id and, after
 * "ua-", a libvirt alias.  buf holds SRP_LAUNCH_IDMAX. */
#define SRP_LAUNCH_IDMAX 32
char *srp_launch_id(const char *prefix, const struct srp_bdf *vf, char buf[SRP_LAUNCH_IDMAX]);

/* A QEMU id: a letter, then letters, digits, '-', '.', '_'; 1 to 127 characters. */
int srp_launch_qemu_id_valid(const char *s);
/* A libvirt network name we can print: 1 to 64 characters of [A-Za-z0-9_.-]. */
int srp_launch_network_valid(const char *s);

/*
 * The artefact for a[0..n-1] (n > 0, sorted by BDF) in o->format, added
 * to *out: qemu the argv words ("-device", "vfio-pci,host=...", ...),
 * libvirt one device element each (two per VF with failover), xl one
 * pci= item each ("0000:03:02.0,seize=0,..." without quotes).  Refuses
 * (SRP_ERR_SAID) a VF whose backend the format cannot take (qemu: kvm,
 * xl: xen), and without a recorded MAC one that needs it (failover, the
 * libvirt interface).  0 or -errno; *out is left as it was on failure.
 */
int srp_launch_build(const struct srp_assignment *const *a, size_t n,
		     const struct srp_launch_opts *o, struct srp_strv *out, struct srp_err *err);

/*
 * srp_launch_command - `srpass run`'s command line: cmd[0..n-1] (n > 0)
 * with the words in place of every word that is exactly "{srpass}", or
 * after the last word when no word is.  Copies into *out (empty): 0 or
 * -ENOMEM (then *out is empty).
 */
#define SRP_LAUNCH_PLACEHOLDER "{srpass}"
int srp_launch_command(char *const *cmd, size_t n, const struct srp_strv *words,
		       struct srp_strv *out);

/* argv as one line of shell words, each quoted where it needs it ('...'). */
char *srp_launch_shell_join(const struct srp_strv *argv);
/* The devices as one fragment: the element itself when there is one
 * (what `virsh attach-device` takes), else inside one <devices>. */
char *srp_launch_libvirt_fragment(const struct srp_strv *devs);
/* pci = [ 'ITEM', 'ITEM' ] */
char *srp_launch_xl_line(const struct srp_strv *items);

/*
 * srp_launch_merge - the libvirt domain definition xml (len bytes; name
 * for messages) with devs appended to its <devices> (made if it has
 * none).  Refuses, as bad input: a document that is not well-formed XML
 * or not a <domain>, a domain whose <name> is not domain, and a domain
 * that already has a device with one of these VFs' PCI addresses or
 * aliases.  *ret is malloc'ed.  (libxml2, this file's library alone.)
 */
int srp_launch_merge(const char *xml, size_t len, const char *name, const char *domain,
		     const struct srp_strv *devs, char **ret, struct srp_err *err);

/* The file at path under the host root (absolute; a regular file, not a
 * symlink, at most 1 MiB), read through the seam; *ret NUL-terminated. */
int srp_launch_read_file(const struct srp_sys *sys, const char *path, char **ret,
			 size_t *ret_len, struct srp_err *err);

#endif
