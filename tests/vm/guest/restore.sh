# Scenario "restore" (sourced by suite.sh): `srpass restore` re-applies the
# ledger after a "reboot".  First by hand: the assigned VF goes back to
# igbvf (driver_override cleared, drivers_probe) and its switch settings
# are reset with ip link, as a host boots with the ledger kept; audit sees
# the drift (SRP-LEDGER-002); restore puts the VF back on vfio-pci with
# the tenant's MAC and VLAN.  Then as a boot really goes: the VFs are gone
# (sriov_numvfs 0); restore --dry-run says what it would do and changes
# nothing; restore gives the PF its 2 VFs again (the count the assign
# recorded) and the VF its driver and settings.
pf=$(pf_of 1)

if ! have_srpass; then
	nok "srpass binary is executable (SRPASS=$SRPASS)"
else
	check "$pf: link up, 2 fresh VFs on igbvf, no ledger" fresh_vfs "$pf" 2
	modprobe vfio-pci
	vf0=$(vfs "$pf" | head -1)
	g0=$(grp "$vf0")
	nd=$(pf_netdev "$pf")
	check "srpass assign $vf0 --tenant blue --domain vm1 --vlan 100" sp_is 0 assign "$vf0" --tenant blue --domain vm1 --vlan 100
	a0=$(vf_state "$pf" 0)
	diag "assigned: vf 0 $a0"
	check "vf 0: vlan 100, a MAC of blue's" vf_is "$pf" 0 'mac=02:aa:00:* vlan=100 qos=0 spoofchk=on trust=off max_tx=0'

	# "reboot" by hand
	bind_to "$vf0" ""
	settle
	check "reboot by hand: $vf0 on igbvf, driver_override cleared, no /dev/vfio/$g0" on_host "$vf0" "$g0"
	check "reboot by hand: ip link set $nd vf 0 mac 00:00:00:00:00:00 vlan 0" ip link set "$nd" vf 0 mac 00:00:00:00:00:00 vlan 0
	check "vf 0: no MAC, no VLAN" state_is "$pf" 0 "mac=00:00:00:00:00:00 vlan=0 qos=0 spoofchk=on trust=off max_tx=0"
	check "ledger: $vf0 still assigned" ledger_is "1 - $vf0"
	check "srpass audit --json exits 2: SRP-LEDGER-002 (on igbvf), SRP-MAC-002, SRP-VLAN-001" \
		audit_gives 2 "SRP-LEDGER-002 SRP-MAC-002 SRP-VLAN-001"
	check "srpass restore" sp_is 0 restore
	check "$vf0: on vfio-pci, driver_override vfio-pci, /dev/vfio/$g0" on_stub "$vf0" "$g0"
	check "vf 0: the assigned settings again ($a0)" state_is "$pf" 0 "$a0"
	check "ledger: unchanged" ledger_is "1 - $vf0"
	check "srpass audit --json exits 0, no findings" audit_gives 0 ""
	check "srpass restore again: exits 0, nothing changes" eval \
		'sp_is 0 restore && on_stub "$vf0" "$g0" && state_is "$pf" 0 "$a0"'

	# a boot: the VFs do not exist until their PF gets them again
	check "reboot: echo 0 > sriov_numvfs (by hand; srpass disable would refuse)" set_numvfs "$pf" 0
	settle
	check "srpass audit --json exits 2: SRP-LEDGER-002 (no such VF)" audit_gives 2 SRP-LEDGER-002
	check "srpass restore --dry-run: exits 0, plans sriov_numvfs 0 -> 2, changes nothing" eval \
		'sp_is 0 restore --dry-run && grep -q "sriov_numvfs 0 -> 2" /run/sp.out &&
		 [ "$(cat "$(dev "$pf")/sriov_numvfs")" = 0 ] && ledger_is "1 - $vf0"'
	check "srpass restore: the PF gets its 2 VFs again" eval \
		'sp_is 0 restore && [ "$(cat "$(dev "$pf")/sriov_numvfs")" = 2 ]'
	settle
	g0=$(grp "$vf0")
	diag "after restore: vf 0 $(vf_state "$pf" 0), group $g0"
	check "$vf0: on vfio-pci, driver_override vfio-pci, /dev/vfio/$g0" on_stub "$vf0" "$g0"
	check "vf 0: the assigned settings again ($a0)" state_is "$pf" 0 "$a0"
	check "srpass audit --json exits 0, no findings" audit_gives 0 ""
	check "srpass release $vf0" sp_is 0 release "$vf0"
	check "$vf0: back on igbvf; ledger empty" eval 'on_host "$vf0" "$g0" && ledger_is "0 - "'
fi
