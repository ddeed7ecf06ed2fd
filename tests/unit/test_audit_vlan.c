/* SPDX-License-Identifier: MIT */
/* srpass tests -- the audit: two tenants' VFs untagged on one PF share a segment */
#include "audit_fix.h"

/*
 * Untagged is a VLAN too: two VFs without a port VLAN on one PF are on
 * the same L2 segment of the adapter's switch, and either guest can tag
 * its way onto anything else untagged.  For two tenants that is the
 * SRP-VLAN-003 of a shared VLAN; for one tenant it is nothing.
 */
static void test_two_tenants_both_untagged(void **state)
{
	struct fx *f = fx_healthy();
	struct srp_findings fs;

	(void)state;
	/* the switch starts with every VF untagged; the ledger says whose */
	plant(f, VF0, 0, "lab", true);
	plant(f, VF1, 1, "lab", true);
	audit(f, &fs);
	expect_none(&fs, "SRP-VLAN-003");
	srp_findings_free(&fs);

	plant(f, VF2, 2, "blue", true);
	audit(f, &fs);
	expect(&fs, "SRP-VLAN-003", PF, SRP_SEV_CRITICAL, "pf", "lab,blue", "are both untagged");
	if (count(&fs, "SRP-VLAN-003") != 2) {	/* VF 0 with VF 2, VF 1 with VF 2 */
		dump(&fs);
		fail_msg("%zu SRP-VLAN-003, want 2", count(&fs, "SRP-VLAN-003"));
	}
	srp_findings_free(&fs);

	/* blue's VF tagged: nothing is shared any more */
	sw_set(f, 2, "vlan 100");
	audit(f, &fs);
	expect_none(&fs, "SRP-VLAN-003");
	srp_findings_free(&fs);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_tenants_both_untagged),
	};

	return cmocka_run_group_tests_name("audit vlan", tests, NULL, NULL);
}
