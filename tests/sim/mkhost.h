/* SPDX-License-Identifier: MIT */
/* srpass tests -- mkhost: a host description (docs/demo-host.md), read and built */
#ifndef SRP_MKHOST_H
#define SRP_MKHOST_H

#include <iniparser.h>

struct fakehost;
struct section;

/* group = LABEL: functions with the same label share the group the first one got */
struct label {
	char name[32];
	int group;
};

struct desc {
	const char *file;
	dictionary *d;
	struct fakehost *fh;
	struct section *secs;
	int n_secs;
	struct label labels[64];
	int n_labels;
};

/* The whole of s, a number in base up to max. */
int mkhost_parse_ulong(const char *s, int base, unsigned long max, unsigned long *ret);

/* Classify every section of ds->d into ds->secs, in build order, and
 * check the keys; what is wrong is on stderr. */
int mkhost_scan(struct desc *ds);

/* Build the description in ds->fh: the sections, then VFs, group
 * types, the kernel command line, the simulated host's records. */
int mkhost_build(struct desc *ds);

#endif
