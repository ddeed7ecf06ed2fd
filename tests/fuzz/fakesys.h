/* SPDX-License-Identifier: MIT */
/* srpass fuzz -- what every target shares: a fake seam whose files all hold the fuzz bytes */
#ifndef SRP_FUZZ_FAKESYS_H
#define SRP_FUZZ_FAKESYS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "os/sys.h"

/*
 * Every path reads as data[size]: read() returns its first bytes,
 * readlink() returns it as a link target, lstat() reports mode.  With
 * fail set (a negative errno) read, readlink and lstat return it
 * instead.  replace() keeps the last bytes written in out[out_len] (the
 * caller frees out); every other mutating op is -EPERM.
 */
struct fakesys {
	struct srp_sys sys;
	const uint8_t *data;
	size_t size;
	int fail;
	mode_t mode;
	char *out;
	size_t out_len;
};

void fakesys_init(struct fakesys *fs, const uint8_t *data, size_t size);
void fakesys_done(struct fakesys *fs);

struct srp_vf_change;
/* 1 if a and b set the same fields to the same values (round trips). */
int fuzz_change_equal(const struct srp_vf_change *a, const struct srp_vf_change *b);

#endif
