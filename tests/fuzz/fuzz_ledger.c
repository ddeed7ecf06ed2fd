/* SPDX-License-Identifier: MIT */
/* srpass fuzz -- the ledger loader, with a serialise round trip */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/host.h"
#include "core/ledger.h"
#include "fuzz/fakesys.h"
#include "srpass/err.h"
#include "switch/vfswitch.h"

/*
 * Input: the bytes of ledger.json.  srp_ledger_peek() reads them through
 * a fake seam.  A ledger that loads must write (srp_ledger_commit, which
 * the seam captures), load again from what was written, and write the
 * same bytes a second time: srpass must read whatever it writes, and
 * writing must not drift.  A load that fails must say why.  The saved
 * switch states it carries are what recover hands to
 * srp_vf_state_from_json(), so they go there too.
 */

static void host_init(struct srp_host *host, struct fakesys *fs)
{
	memset(host, 0, sizeof(*host));
	host->sys = fs->sys;
	host->sys.data = fs;
	strcpy(host->state_dir, "/var/lib/srpass");
}

/* Load data[size]; on success *ret_out holds its serialisation (malloc()ed). */
static int load_and_write(const uint8_t *data, size_t size, char **ret_out, size_t *ret_len)
{
	struct srp_err err = { 0 };
	struct srp_ledger *l = NULL;
	struct srp_host host;
	struct fakesys fs;
	struct srp_vf_state st;
	int r;

	fakesys_init(&fs, data, size);
	host_init(&host, &fs);
	r = srp_ledger_peek(&host, &l, &err);
	if (r < 0) {
		if (err.code != r || strstr(err.msg, "ledger") == NULL)
			abort();		/* a refusal names the ledger */
		fakesys_done(&fs);
		return r;
	}
	for (size_t i = 0; i < l->n; i++)
		if (l->a[i].orig_switch != NULL)
			srp_vf_state_from_json(l->a[i].orig_switch, &st, NULL);
	if (l->pending.a.orig_switch != NULL)
		srp_vf_state_from_json(l->pending.a.orig_switch, &st, NULL);
	if (l->pending.before != NULL)
		srp_vf_state_from_json(l->pending.before, &st, NULL);
	if (srp_ledger_commit(&host, l, &err) < 0 || fs.out == NULL)
		abort();
	srp_ledger_close(l);
	*ret_out = fs.out;
	*ret_len = fs.out_len;
	fs.out = NULL;
	fakesys_done(&fs);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *one, *two;
	size_t n1, n2;

	if (load_and_write(data, size, &one, &n1) < 0)
		return 0;
	if (load_and_write((const uint8_t *)one, n1, &two, &n2) < 0)
		abort();			/* srpass cannot read what it wrote */
	if (n1 != n2 || memcmp(one, two, n1) != 0)
		abort();			/* writing drifts */
	free(one);
	free(two);
	return 0;
}
