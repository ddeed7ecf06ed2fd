# Scenario "recover" (sourced by suite.sh): srpass killed half-way, then
# `srpass recover`.  strace kills it (SIGKILL, injected) at its Nth
# renameat(2): the ledger commits (intent, then result) are atomic renames,
# so N=2 stops an assign after the VF went to vfio-pci and its switch was
# programmed but before the result was recorded, and a release after the
# VF went back; N=1 before the intent is written.  recover must put the VF
# back as the intent recorded it and clear the pending record; any other
# command repairs first too.
pf=$(pf_of 1)
# killed_at N ARGS...: run srpass ARGS under strace, SIGKILLed on entering
# its Nth renameat; true if it was killed (status 137)
killed_at() {
	_n=$1; shift
	strace -f -qq -o /dev/null -e trace=renameat -e inject=renameat:signal=KILL:when="$_n" \
		"$SRPASS" "$@" >/run/sp.out 2>/run/sp.err
	sp_rc=$?
	diag "srpass $* (SIGKILL at renameat #$_n) -> $sp_rc"
	[ "$sp_rc" -eq 137 ]
}

if ! have_srpass; then
	nok "srpass binary is executable (SRPASS=$SRPASS)"
elif ! command -v strace >/dev/null; then
	nok "strace is installed (tests/vm/setup.sh installs it)"
else
	check "$pf: link up, 2 fresh VFs on igbvf, no ledger" fresh_vfs "$pf" 2
	modprobe vfio-pci
	set -- $(vfs "$pf")
	vf0=$1 vf1=$2
	g0=$(grp "$vf0")
	s0=$(vf_state "$pf" 0)
	diag "before: vf 0 $s0"

	# an assign killed after the host changed
	check "srpass assign $vf0 --vlan 103, killed before it records the result" \
		killed_at 2 assign "$vf0" --tenant blue --domain vm1 --vlan 103
	check "interrupted: ledger has a pending assign and no assignment" ledger_is "0 assign "
	check "interrupted: $vf0 on vfio-pci, vf 0 programmed (vlan 103)" eval \
		'on_stub "$vf0" "$g0" && vf_is "$pf" 0 "mac=02:aa:00:* vlan=103 *"'
	check "srpass audit --json exits 1 (warnings only) and reports SRP-LEDGER-003" eval \
		'sp_is 1 audit --json && jt /run/sp.out "any(.findings[]; .id == \"SRP-LEDGER-003\") and .worst == \"warning\""'
	check "srpass recover" sp_is 0 recover
	check "recovered: $vf0 on igbvf, driver_override cleared, no /dev/vfio/$g0" on_host "$vf0" "$g0"
	check "recovered: vf 0's settings as before ($s0)" state_is "$pf" 0 "$s0"
	check "recovered: no pending operation, no assignment" ledger_is "0 - "
	check "srpass recover again: exits 0, nothing changes" eval 'sp_is 0 recover && ledger_is "0 - " && drv_is "$vf0" igbvf'
	check "srpass audit --json exits 0, no findings" audit_gives 0 ""

	# a release killed after the VF went back
	check "srpass assign $vf0 --vlan 103" sp_is 0 assign "$vf0" --tenant blue --domain vm1 --vlan 103
	check "srpass release $vf0, killed before it records the result" killed_at 2 release "$vf0"
	check "interrupted: ledger has a pending release and still the assignment" ledger_is "1 release $vf0"
	check "interrupted: $vf0 already on igbvf" on_host "$vf0" "$g0"
	check "srpass recover" sp_is 0 recover
	check "recovered: $vf0 on igbvf, vf 0's settings as before" eval 'on_host "$vf0" "$g0" && state_is "$pf" 0 "$s0"'
	check "recovered: the release is finished: no pending operation, no assignment" ledger_is "0 - "

	# an assign killed before it wrote its intent: nothing happened
	check "srpass assign $vf0, killed when it writes its intent" \
		killed_at 1 assign "$vf0" --tenant blue --domain vm1 --vlan 103
	check "nothing changed: $vf0 on igbvf, settings as before, no pending operation" eval \
		'drv_is "$vf0" igbvf && state_is "$pf" 0 "$s0" && ledger_is "0 - "'

	# the next command repairs first
	check "srpass assign $vf0 killed again before the result" \
		killed_at 2 assign "$vf0" --tenant blue --domain vm1 --vlan 103
	check "srpass assign $vf1 --tenant blue --vlan 104 (repairs $vf0 first)" \
		sp_is 0 assign "$vf1" --tenant blue --domain vm2 --vlan 104
	check "repaired: $vf0 on igbvf with its settings; ledger: $vf1 only" eval \
		'on_host "$vf0" "$g0" && state_is "$pf" 0 "$s0" && ledger_is "1 - $vf1"'
	check "srpass release $vf1" sp_is 0 release "$vf1"
	check "ledger: empty" ledger_is "0 - "
fi
