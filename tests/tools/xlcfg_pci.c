/* SPDX-License-Identifier: MIT */
/* srpass tests -- an xl.cfg's pci = [...] as libxlutil reads it (t48-launch.sh)
 *
 *   xlcfg-pci FILE
 *
 * Parses FILE with libxlutil as xl does (xlu_cfg_readfile, the "pci"
 * list, xlu_pci_parse_spec_string per item) and prints one line per item:
 *   DDDD:BB:DD.F seize=N permissive=N rdm_policy=NAME
 * Each device starts from the opposite of what srpass writes (seize=1,
 * permissive=1, rdm_policy=relaxed), so a 0 or "strict" printed was read
 * from the item.  Exit 0 every item parsed, 1 an item or the list did
 * not, 2 usage or an xl.cfg syntax error.  Built only where libxen-dev is.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libxlutil.h>

int main(int argc, char **argv)
{
	XLU_ConfigList *list;
	XLU_Config *cfg;
	const char *item;
	int rc, bad = 0, i;

	if (argc != 2) {
		fprintf(stderr, "usage: xlcfg-pci FILE\n");
		return 2;
	}
	cfg = xlu_cfg_init(stderr, argv[1]);
	if (cfg == NULL)
		return 2;
	rc = xlu_cfg_readfile(cfg, argv[1]);
	if (rc != 0) {
		fprintf(stderr, "xlcfg-pci: %s: not an xl.cfg (%s)\n", argv[1], strerror(rc));
		xlu_cfg_destroy(cfg);
		return 2;
	}
	rc = xlu_cfg_get_list(cfg, "pci", &list, NULL, 0);
	if (rc != 0) {
		fprintf(stderr, "xlcfg-pci: %s: no pci list (%s)\n", argv[1], strerror(rc));
		xlu_cfg_destroy(cfg);
		return 1;
	}
	for (i = 0; (item = xlu_cfg_get_listitem(list, i)) != NULL; i++) {
		libxl_device_pci pci;
		const char *pol;

		libxl_device_pci_init(&pci);
		pci.seize = pci.permissive = true;
		pci.rdm_policy = LIBXL_RDM_RESERVE_POLICY_RELAXED;
		rc = xlu_pci_parse_spec_string(cfg, &pci, item);
		if (rc != 0) {
			/* libxlutil's own message has no newline */
			fprintf(stderr, "\nxlcfg-pci: '%s' does not parse (%d)\n", item, rc);
			bad = 1;
		} else {
			pol = libxl_rdm_reserve_policy_to_string(pci.rdm_policy);
			printf("%04x:%02x:%02x.%x seize=%d permissive=%d rdm_policy=%s\n",
			       (unsigned int)pci.domain, (unsigned int)pci.bus, (unsigned int)pci.dev,
			       (unsigned int)pci.func, (int)pci.seize, (int)pci.permissive,
			       pol ? pol : "?");
		}
		libxl_device_pci_dispose(&pci);
	}
	xlu_cfg_destroy(cfg);
	return bad;
}
