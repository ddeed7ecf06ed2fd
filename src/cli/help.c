/* SPDX-License-Identifier: MIT */
/* srpass -- `srpass help CMD` and `srpass CMD --help`: every option, and an example */
#include "cli/cli.h"

#include <stddef.h>
#include <string.h>

#include "base/util.h"

static const struct {
	const char *cmd;
	const char *text;
} helps[] = {
	{ "list",
	  "usage: srpass list [--json] [--all] [--tenant T | --free] [--no-headers]\n"
	  "                   [-o COLUMNS] [--color[=WHEN]]\n"
	  "List the host's SR-IOV PFs and their VFs: driver, IOMMU group, NUMA node,\n"
	  "netdev, switch settings and owner.\n"
	  "  -j, --json         one JSON document (docs/json.md, docs/schema/list.schema.json)\n"
	  "  -a, --all          every PCI function, not only PFs and VFs\n"
	  "  -t, --tenant T     only the VFs assigned to tenant T\n"
	  "  -f, --free         only the VFs no tenant holds\n"
	  "  -H, --no-headers   no heading line\n"
	  "  -o, --output COLS  these columns, comma-separated, one row per function:\n"
	  "                     bdf pf index kind id driver group numa netdev vfs mac\n"
	  "                     vlan spoofchk trust owner tenant domain backend\n"
	  "      --color[=WHEN] auto (the default: a terminal, and NO_COLOR unset),\n"
	  "                     always or never\n"
	  "example: srpass list --free -o bdf,pf,netdev --no-headers\n" },
	{ "show",
	  "usage: srpass show [--json] BDF\n"
	  "Everything srpass knows about one PCI function.\n"
	  "  -j, --json   as JSON\n"
	  "example: srpass show 0000:03:02.0\n" },
	{ "check",
	  "usage: srpass check [--json] [--color[=WHEN]]\n"
	  "Is this host ready for VF passthrough: IOMMU, interrupt remapping, ACS,\n"
	  "ARI, SR-IOV adapters, vfio-pci.  Exit 0 all pass, 1 something fails.\n"
	  "  -j, --json       as JSON (docs/schema/check.schema.json)\n"
	  "      --color[=WHEN]  auto, always or never (see list)\n"
	  "example: srpass check\n" },
	{ "audit",
	  "usage: srpass audit [--json] [--tenant T] [--color[=WHEN]]\n"
	  "Every isolation problem on the host, each with a stable id, a severity\n"
	  "and a remedy (docs/audit.md).  Exit 0 clean, 1 warnings, 2 critical\n"
	  "findings, 3 the audit could not run.\n"
	  "  -j, --json       as JSON (docs/schema/audit.schema.json)\n"
	  "  -t, --tenant T   only the findings that concern tenant T\n"
	  "      --color[=WHEN]  auto, always or never (see list)\n"
	  "example: srpass audit --tenant blue\n" },
	{ "metrics",
	  "usage: srpass metrics [--json] [--output FILE]\n"
	  "The host in the Prometheus text format, for node_exporter's textfile\n"
	  "collector: every VF with its owner (srpass_vf_info), its switch settings\n"
	  "and the PF's counters for it, the VFs of each PF by state, and the audit's\n"
	  "findings by id and severity (docs/metrics.md).  Reads only; exit 0 also\n"
	  "with findings.  What could not be read is srpass_collector_success 0.\n"
	  "  -o, --output FILE  write FILE atomically (a temp file in its directory,\n"
	  "                     then rename), mode 0644, instead of stdout; name it\n"
	  "                     *.prom for the collector.  With --root, FILE is\n"
	  "                     absolute and under the root\n"
	  "  -j, --json         the same metrics as one JSON document on stdout\n"
	  "                     (docs/schema/metrics.schema.json); with --output the\n"
	  "                     file still gets the text format\n"
	  "example: srpass metrics --output /var/lib/prometheus/node-exporter/srpass.prom\n" },
	{ "assign",
	  "usage: srpass assign VF --tenant T --domain D [--backend NAME] [--vlan N]\n"
	  "                     [--mac M] [--dry-run] [--strict]\n"
	  "Hand VF to guest D of tenant T, under T's policy (srpass.conf(5)): bind the\n"
	  "backend's driver, program the adapter's switch, record it in the ledger.\n"
	  "All or nothing; 'srpass release' puts everything back.\n"
	  "  -t, --tenant T    the tenant (a [tenant:T] section of srpass.conf)\n"
	  "  -d, --domain D    the guest: [A-Za-z0-9_.-], 1 to 64 characters\n"
	  "  -b, --backend B   kvm (the default from srpass.conf)\n"
	  "  -V, --vlan N      VLAN id 1 to 4094, from the tenant's vlans\n"
	  "  -m, --mac M       unicast MAC within the tenant's mac_prefix\n"
	  "  -n, --dry-run     print the plan, change nothing\n"
	  "      --strict      a VF already assigned so is an error (default: exit 0,\n"
	  "                    'unchanged')\n"
	  "example: srpass assign 0000:03:02.0 --tenant blue --domain web1 --vlan 101\n" },
	{ "release",
	  "usage: srpass release VF [--dry-run] [--strict] [--force]\n"
	  "Take VF back from its guest: switch settings and original driver as they\n"
	  "were before 'srpass assign'.\n"
	  "  -n, --dry-run   print the plan, change nothing\n"
	  "      --strict    a VF that is not assigned is an error (default: exit 0,\n"
	  "                  'unchanged')\n"
	  "      --force     even while a process (the guest's QEMU) uses the VF\n"
	  "example: srpass release 0000:03:02.0\n" },
	{ "recover",
	  "usage: srpass recover\n"
	  "Finish or undo an operation that a crash interrupted (every changing\n"
	  "command does this first anyway).\n"
	  "example: srpass recover\n" },
	{ "restore",
	  "usage: srpass restore [--dry-run]\n"
	  "After a reboot: give each PF the ledger records its VFs again, then bind\n"
	  "and program every VF the ledger assigns (srpass-restore.service runs it\n"
	  "at boot).  Each PF and VF is one line: restored, or why not.\n"
	  "  -n, --dry-run   print the plan, change nothing\n"
	  "example: srpass restore\n" },
	{ "vf",
	  "usage: srpass vf show [--json] VF\n"
	  "       srpass vf set [--dry-run] [--force] VF SETTING...\n"
	  "Read or change a VF's port on the adapter's switch.  'srpass vf set --help'\n"
	  "lists the settings.\n"
	  "example: srpass vf show 0000:03:02.0\n" },
	{ "vf set",
	  "usage: srpass vf set [--dry-run] [--force] VF SETTING...\n"
	  "       srpass vf set [--dry-run] [--force] PF vf N SETTING...   (ip-link's form)\n"
	  "Change a VF's switch settings, all or nothing.  A VF the ledger assigns\n"
	  "keeps its tenant's policy: a forbidden change is refused, naming the rule.\n"
	  "  -n, --dry-run   print the plan, change nothing\n"
	  "      --force     apply a change the policy forbids (recorded in the ledger)\n"
	  "SETTING:\n"
	  "  mac M                  unicast MAC address, aa:bb:cc:dd:ee:ff\n"
	  "  vlan N                 VLAN id 1 to 4095, 0 for none\n"
	  "    qos Q                802.1p priority 0 to 7 (after vlan)\n"
	  "    proto 802.1Q|802.1ad the VLAN's protocol (after vlan)\n"
	  "  spoofchk on|off        drop frames whose source MAC is not the VF's\n"
	  "  trust on|off           let the guest change its MAC and go promiscuous\n"
	  "  state auto|enable|disable   the VF's link: follow the PF, up, down\n"
	  "  max-rate MBPS          transmit cap in Mbit/s, 0 for none\n"
	  "  min-rate MBPS          guaranteed transmit rate in Mbit/s, 0 for none\n"
	  "  query-rss on|off       let the guest query the RSS configuration\n"
	  "example: srpass vf set 0000:03:02.0 vlan 101 qos 3 spoofchk on\n" },
	{ "enable",
	  "usage: srpass enable PF --vfs N [--no-autoprobe] [--dry-run]\n"
	  "Create N VFs on PF (sriov_numvfs; through 0 if some exist).\n"
	  "  -v, --vfs N          1 to the PF's sriov_totalvfs\n"
	  "  -A, --no-autoprobe   leave the new VFs without a driver\n"
	  "  -n, --dry-run        print the plan, change nothing\n"
	  "example: srpass enable 0000:03:00.0 --vfs 8\n" },
	{ "disable",
	  "usage: srpass disable PF [--dry-run] [--force]\n"
	  "Remove PF's VFs.  Refused, naming them, while the ledger assigns any of\n"
	  "them (tenant and domain) or a process holds one's VFIO group or iommufd\n"
	  "device node open (pid and command: a guest's QEMU).\n"
	  "  -n, --dry-run   print the plan, change nothing\n"
	  "      --force     go on anyway: each assigned VF is released first, as\n"
	  "                  'release --force' does, then the VFs are removed\n"
	  "example: srpass disable 0000:03:00.0\n" },
	{ "history",
	  "usage: srpass history [--json] [--vf VF | --tenant T]\n"
	  "What srpass changed on this host: every assign, release, vf set, enable,\n"
	  "disable, recover, restore, attach and detach (dry runs aside), when, by\n"
	  "which uid, and how it ended.  Kept in history.jsonl in the state\n"
	  "directory; on the real root each change also goes to syslog.\n"
	  "  -j, --json       as a JSON array\n"
	  "      --vf VF      only the changes of VF (as it was named)\n"
	  "      --tenant T   only the changes naming tenant T\n"
	  "example: srpass history --vf 0000:03:02.0\n" },
	{ "config",
	  "usage: srpass config check [--json] [FILE]\n"
	  "Read and check a configuration without touching the host, as srpass\n"
	  "would before a change: FILE, or the one in use (--config, else\n"
	  "/etc/srpass/srpass.conf under --root).  Exit 0 valid, 2 invalid (the\n"
	  "message names the file, the line and the key).\n"
	  "  -j, --json   the tenants and settings read, or the error, as JSON\n"
	  "               (docs/schema/config.schema.json)\n"
	  "example: srpass config check /etc/srpass/srpass.conf.new\n" },
	{ "launch",
	  "usage: srpass launch qemu|libvirt|xl --domain D [--tenant T] [VF...]\n"
	  "                     [--bus B] [--addr SLOT] [--rombar-off]\n"
	  "                     [--plain] [--domain-xml FILE]\n"
	  "                     [--failover --standby-netdev ID | --standby-network NET]\n"
	  "Print what gives guest D the VFs the ledger assigns to it (all, or the VFs\n"
	  "named by BDF or netdev): QEMU arguments, libvirt devices, or an xl.cfg pci=\n"
	  "line (docs/launch.md).  Reads the ledger, changes nothing.  Exit 1 if a VF\n"
	  "is not assigned to D (the message names its owner) or D has no VFs.\n"
	  "  -d, --domain D          the guest, as assigned\n"
	  "  -t, --tenant T          only tenant T's guest D (needed if two tenants have one)\n"
	  "      --bus B             qemu: bus=B on every VF\n"
	  "      --addr SLOT         qemu: addr= the first VF's slot (hex), the next VFs\n"
	  "                          the next slots\n"
	  "      --rombar-off        qemu: rombar=0 (no option ROM)\n"
	  "      --plain             libvirt: <hostdev> instead of <interface type='hostdev'>\n"
	  "      --domain-xml FILE   libvirt: FILE (a domain definition, under --root) with\n"
	  "                          the devices added to its <devices>\n"
	  "      --failover          a virtio-net standby with the VF's MAC for each VF\n"
	  "                          (live migration; the guest needs net_failover)\n"
	  "      --standby-netdev ID qemu: the standby's -netdev id (yours), one per VF,\n"
	  "                          comma-separated\n"
	  "      --standby-network NET  libvirt: the standby's network\n"
	  "  -j, --json              qemu: the argv array; libvirt and xl: the text too\n"
	  "example: srpass launch qemu --domain web1 --failover --standby-netdev n0\n" },
	{ "attach",
	  "usage: srpass attach VF --domain D --qmp SOCKET [--bus B] [--addr SLOT]\n"
	  "                     [--rombar-off] [--timeout SECS]\n"
	  "Hot-plug a VF the ledger assigns to guest D into D's running QEMU, through\n"
	  "its QMP socket (QEMU's -qmp unix:SOCKET,server=on,wait=off): device_add of\n"
	  "the vfio-pci device 'srpass launch qemu' prints, then QEMU must report it\n"
	  "realized.  A VF the QEMU already has is left alone (unchanged).  QEMU's own\n"
	  "error is shown as it said it.\n"
	  "  -d, --domain D          the guest the VF is assigned to\n"
	  "  -q, --qmp SOCKET        the QEMU's QMP socket (under --root)\n"
	  "      --bus B             bus=B (a hotpluggable bus: a pcie-root-port's id on q35)\n"
	  "      --addr SLOT         addr= the VF's slot (hex, 0 to 1f)\n"
	  "      --rombar-off        rombar=0 (no option ROM)\n"
	  "      --timeout SECS      how long each QMP answer may take (1 to 600; default 10)\n"
	  "example: srpass attach 0000:03:02.0 --domain web1 --qmp /run/web1.qmp --bus rp0\n" },
	{ "detach",
	  "usage: srpass detach VF --qmp SOCKET [--timeout SECS]\n"
	  "Unplug a VF from the running QEMU behind SOCKET (device_del) and wait for\n"
	  "QEMU's DEVICE_DELETED: the guest must let go of the device first.  Exit 1\n"
	  "if it has not within the timeout (the request stands; run detach again to\n"
	  "wait more).  A VF the QEMU does not have is left alone (unchanged).  The VF\n"
	  "stays assigned: 'srpass release' gives it back to the host.\n"
	  "  -q, --qmp SOCKET        the QEMU's QMP socket (under --root)\n"
	  "      --timeout SECS      how long to wait (1 to 600; default 10)\n"
	  "example: srpass detach 0000:03:02.0 --qmp /run/web1.qmp\n" },
	{ "run",
	  "usage: srpass run --tenant T --domain D [--backend NAME] [--vlan N] [--mac M]\n"
	  "                  [--json] VF... -- COMMAND [ARG...]\n"
	  "Assign the VFs to guest D of tenant T (all or none), run COMMAND with the\n"
	  "VFs' QEMU arguments ('srpass launch qemu': appended, or in place of each ARG\n"
	  "that is exactly {srpass}), wait for it, then release the VFs however it\n"
	  "ended.  The ledger records the guest's pid and start time: if srpass is\n"
	  "killed, 'srpass recover' releases the VFs once the guest is gone.  SIGTERM,\n"
	  "SIGINT and SIGHUP are passed to COMMAND.  No lock is held while it runs.\n"
	  "Exit: COMMAND's status (128+N if signal N killed it; 127 if it cannot run),\n"
	  "or as assign's if a VF cannot be assigned (COMMAND never starts).\n"
	  "srpass's own lines go to stderr (stdout is COMMAND's).\n"
	  "  -t, --tenant T    the tenant (a [tenant:T] section of srpass.conf)\n"
	  "  -d, --domain D    the guest: [A-Za-z0-9_.-], 1 to 64 characters\n"
	  "  -b, --backend B   kvm (the default from srpass.conf)\n"
	  "  -V, --vlan N      VLAN id 1 to 4094 for every VF, from the tenant's vlans\n"
	  "  -m, --mac M       the VF's MAC (one VF only)\n"
	  "  -j, --json        the result (VFs, argv, exit) as JSON on stdout;\n"
	  "                    COMMAND's stdout then goes to stderr\n"
	  "example: srpass run --tenant blue --domain web1 --vlan 101 0000:03:02.0 --\n"
	  "           qemu-system-x86_64 -machine q35 -m 4G {srpass} -nographic\n" },
};

const char *srp_cli_help(const char *cmd, const char *sub)
{
	char both[32];

	if (sub != NULL && strlen(cmd) + strlen(sub) + 2 <= sizeof(both)) {
		strcpy(both, cmd);
		strcat(both, " ");
		strcat(both, sub);
		for (size_t i = 0; i < ARRAY_SIZE(helps); i++)
			if (strcmp(helps[i].cmd, both) == 0)
				return helps[i].text;
	}
	for (size_t i = 0; i < ARRAY_SIZE(helps); i++)
		if (strcmp(helps[i].cmd, cmd) == 0)
			return helps[i].text;
	return NULL;
}

int srp_cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}
