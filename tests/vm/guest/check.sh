# Scenario "check" (sourced by suite.sh): `srpass check` (host readiness)
# and the host part of `srpass audit` against what the VM really is.  In
# every VM: the IOMMU is on (also with iommu=pt: identity domains, which
# VFIO replaces), PF 1 is an SR-IOV PF below a root port with ACS and ARI
# forwarding, vfio-pci is loaded.  Interrupt remapping is on unless the
# vIOMMU has intremap=off (VM_IOMMU); then SRP-CHK-INTREMAP fails and audit
# reports SRP-IOMMU-003.  In every VM, allow_unsafe_interrupts=1 makes
# SRP-CHK-INTREMAP fail and audit report SRP-IOMMU-002 (critical, exit 2).
pf=$(pf_of 1)
unsafe=/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts
case ${VM_IOMMU:-} in *intremap=off*) remap=0 ;; *) remap=1 ;; esac
case " $(cat /proc/cmdline) " in *" iommu=pt "*) pt=1 ;; *) pt=0 ;; esac
# chk_is ID STATUS [SUBJECT]: check ID (for SUBJECT, default host) has
# STATUS in the last `srpass check --json` (exactly one such check)
chk_is() {
	_s=$(jq -r --arg id "$1" --arg s "${3:-host}" '[.checks[] | select(.id == $id and .subject == $s) | .status] | join(" ")' /run/sp.out)
	[ "$_s" = "$2" ] && return 0
	diag "$1 ${3:-host}: '$_s', expected $2"
	return 1
}
check_json_ok() {
	jt /run/sp.out '.version == 1 and (.checks | length > 0) and all(.checks[];
		has("id") and has("subject") and has("message") and has("evidence") and has("remedy") and
		(.status | IN("pass", "warn", "fail")))'
}
# check_text RC: `srpass check` (text) exits RC and names every check
check_text() {
	sp_is "$1" check || return 1
	for _id in SRP-CHK-IOMMU SRP-CHK-INTREMAP SRP-CHK-SRIOV SRP-CHK-ACS SRP-CHK-ARI SRP-CHK-VFIO; do
		grep -q "$_id" /run/sp.out || { diag "no $_id"; return 1; }
	done
}
dmesg_remap() { dmesg | grep -q 'Enabled IRQ remapping'; }

if ! have_srpass; then
	nok "srpass binary is executable (SRPASS=$SRPASS)"
else
	check "$pf: 4 fresh VFs on igbvf, no ledger" fresh_vfs "$pf" 4
	check "modprobe vfio-pci" modprobe vfio-pci
	[ "$remap" = 1 ] && rc=0 || rc=1
	check "srpass check --json exits $rc (remapping: $remap, iommu=pt: $pt)" sp_is "$rc" check --json
	check "srpass check --json: version 1, checks with id, status, subject, message, evidence, remedy" check_json_ok
	check "SRP-CHK-IOMMU pass" chk_is SRP-CHK-IOMMU pass
	if [ "$remap" = 1 ]; then
		check "dmesg: IRQ remapping enabled" dmesg_remap
		check "SRP-CHK-INTREMAP pass" chk_is SRP-CHK-INTREMAP pass
		check "every check passes" jt /run/sp.out 'all(.checks[]; .status == "pass")'
	else
		check "dmesg: no IRQ remapping" sh -c '! dmesg | grep -q "Enabled IRQ remapping"'
		check "SRP-CHK-INTREMAP fail" chk_is SRP-CHK-INTREMAP fail
		check "SRP-CHK-INTREMAP is the only check not passing, and has a remedy" jt /run/sp.out \
			'[.checks[] | select(.status != "pass") | .id] == ["SRP-CHK-INTREMAP"] and
			 all(.checks[] | select(.id == "SRP-CHK-INTREMAP"); .remedy | length > 0)'
	fi
	for id in SRP-CHK-SRIOV SRP-CHK-ACS SRP-CHK-ARI; do
		check "$id pass for $pf" chk_is $id pass "$pf"
	done
	check "SRP-CHK-VFIO pass (vfio-pci loaded)" chk_is SRP-CHK-VFIO pass
	check "srpass check (text) exits $rc and names every check" check_text "$rc"

	# the host part of the audit (no VF assigned, no orphan)
	[ "$remap" = 1 ] && { rc=0 ids=; } || { rc=2 ids=SRP-IOMMU-003; }
	check "srpass audit --json exits $rc, findings: ${ids:-none}" audit_gives "$rc" "$ids"

	check "allow_unsafe_interrupts is N" [ "$(cat $unsafe)" = N ]
	echo 1 >$unsafe
	check "allow_unsafe_interrupts=1: srpass check --json exits 1" sp_is 1 check --json
	check "allow_unsafe_interrupts=1: SRP-CHK-INTREMAP fail" chk_is SRP-CHK-INTREMAP fail
	[ "$remap" = 1 ] && ids=SRP-IOMMU-002 || ids="SRP-IOMMU-002 SRP-IOMMU-003"
	check "allow_unsafe_interrupts=1: srpass audit --json exits 2, findings: $ids" audit_gives 2 "$ids"
	check "allow_unsafe_interrupts=1: SRP-IOMMU-002 is critical, about the host, worst critical" jt /run/sp.out \
		'.worst == "critical" and
		 [.findings[] | select(.id == "SRP-IOMMU-002") | [.severity, .subject_kind]] == [["critical", "host"]]'
	check "allow_unsafe_interrupts=1: srpass audit (text) exits 2" sp_is 2 audit
	echo 0 >$unsafe
	[ "$remap" = 1 ] && rc=0 || rc=1
	check "allow_unsafe_interrupts=0 again: srpass check exits $rc" sp_is "$rc" check
fi
