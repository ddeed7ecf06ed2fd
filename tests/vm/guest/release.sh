# Scenario "release" (sourced by suite.sh): `srpass release` gives the VF
# back as it was before the assign: the original driver (igbvf), no
# driver_override, no /dev/vfio node, and the switch settings the PF
# reported before (ip link), even after someone changed them while the VF
# was assigned; not while a process holds its VFIO group; a second release
# is "unchanged".  vf 0 starts from settings set by hand (MAC, VLAN 7 with
# qos 2, spoof checking off, trust on), vf 1 from the driver's (igbvf
# registered a random MAC with the PF).  The ledger ends empty.
pf=$(pf_of 1)

if ! have_srpass; then
	nok "srpass binary is executable (SRPASS=$SRPASS)"
else
	check "$pf: link up, 2 fresh VFs on igbvf, no ledger" fresh_vfs "$pf" 2
	modprobe vfio-pci
	set -- $(vfs "$pf")
	vf0=$1 vf1=$2
	g0=$(grp "$vf0") g1=$(grp "$vf1")
	nd=$(pf_netdev "$pf")
	check "vf 0 set by hand: mac 02:00:00:00:00:07 vlan 7 qos 2 spoofchk off trust on" \
		ip link set "$nd" vf 0 mac 02:00:00:00:00:07 vlan 7 qos 2 spoofchk off trust on
	s0=$(vf_state "$pf" 0) s1=$(vf_state "$pf" 1)
	diag "before: vf 0 $s0" "before: vf 1 $s1"
	check "vf 0 reads back what was set" state_is "$pf" 0 "mac=02:00:00:00:00:07 vlan=7 qos=2 spoofchk=off trust=on max_tx=0"
	# igb lets a VF driver change its MAC unless the PF set one
	# (administrative MAC); rtnetlink does not tell which is the case
	vn1=$(ls "$(dev "$vf1")/net" 2>/dev/null)
	ip link set "$vn1" address 02:00:00:00:11:01 2>/dev/null && own_before=yes || own_before=no
	s1=$(vf_state "$pf" 1)
	diag "vf 1's driver ($vn1) may change its MAC before the assign: $own_before; vf 1 now $s1"

	check "srpass assign $vf0 --tenant blue --vlan 100, $vf1 --tenant blue --vlan 101" eval \
		'sp_is 0 assign "$vf0" --tenant blue --domain vm1 --vlan 100 && sp_is 0 assign "$vf1" --tenant blue --domain vm2 --vlan 101'
	check "vf 0: blue's settings now (vlan 100, spoofchk on, trust off)" vf_is "$pf" 0 'mac=02:aa:00:* vlan=100 qos=0 spoofchk=on trust=off max_tx=0'
	check "vf 1: blue's settings now (vlan 101)" vf_is "$pf" 1 'mac=02:aa:00:* vlan=101 qos=0 spoofchk=on trust=off max_tx=0'
	a0=$(vf_state "$pf" 0)
	check "srpass release $vf0 --dry-run: nothing changes" eval \
		'sp_is 0 release "$vf0" --dry-run && on_stub "$vf0" "$g0" && state_is "$pf" 0 "$a0" && ledger_is "2 - $vf0,$vf1"'
	check "drift while assigned: ip link set $nd vf 0 trust on vlan 105" ip link set "$nd" vf 0 vlan 105 trust on

	# a process holding the VFIO group (a guest's QEMU would) blocks release
	exec 9<>"/dev/vfio/$g0"
	check "srpass release $vf0 while this shell holds /dev/vfio/$g0: refused (exit 1), names it" \
		eval 'sp_is 1 release "$vf0" && sp_err_has "is in use by " && on_stub "$vf0" "$g0"'
	exec 9>&-
	check "srpass release $vf0" sp_is 0 release "$vf0"
	check "$vf0: back on igbvf, driver_override cleared, /dev/vfio/$g0 gone" on_host "$vf0" "$g0"
	check "vf 0: the settings from before the assign ($s0)" state_is "$pf" 0 "$s0"
	check "ledger: $vf1 only" ledger_is "1 - $vf1"
	check "srpass release $vf1" sp_is 0 release "$vf1"
	check "$vf1: back on igbvf, driver_override cleared, /dev/vfio/$g1 gone" on_host "$vf1" "$g1"
	check "vf 1: the settings from before the assign ($s1)" state_is "$pf" 1 "$s1"
	vn1=$(ls "$(dev "$vf1")/net" 2>/dev/null)
	ip link set "$vn1" address 02:00:00:00:11:02 2>/dev/null && own_after=yes || own_after=no
	diag "vf 1's driver ($vn1) may change its MAC after the release: $own_after (before: $own_before)"
	[ "$own_before" = "$own_after" ] || diag "NOTE: release wrote vf 1's MAC back as an administrative" \
		"MAC: its driver could change it before the assign, not after (igb)"
	ip link set "$vn1" address 02:00:00:00:11:01 2>/dev/null
	check "ledger: empty, no pending operation" ledger_is "0 - "
	check "srpass release $vf0 again: exit 0, unchanged; $vf0 stays on igbvf" eval \
		'sp_is 0 release "$vf0" && grep -q "^unchanged: " /run/sp.out && drv_is "$vf0" igbvf'
	check "srpass release --strict $vf0 again is refused (exit 1)" sp_is 1 release --strict "$vf0"
	check "srpass audit --json exits 0, no findings" audit_gives 0 ""
fi
