# Scenario "vf" (sourced by suite.sh): `srpass vf show` and `srpass vf set`
# against the real igb PF.  show --json agrees with what ip link reads
# back; set programs MAC, VLAN with qos, spoof checking, trust and a rate
# cap, all read back; what igb refuses (link state, min rate, query_rss,
# 802.1ad, a rate with the PF link down) fails with exit 1 and leaves the
# VF as it was; --dry-run changes nothing.  Then audit's remedies for a
# planted trust on / spoofchk off (`srpass vf set VF trust off`, ...), run
# as audit words them, make the audit clean again.
pf=$(pf_of 1)
# show_agrees N VF: `srpass vf show --json VF` says what ip link reads back
show_agrees() {
	sp_is 0 vf show --json "$2" || return 1
	_j=$(jv /run/sp.out '"mac=\(.switch.mac) vlan=\(.switch.vlan // 0) qos=\(.switch.qos // 0) spoofchk=\(if .switch.spoofchk then "on" else "off" end) trust=\(if .switch.trust then "on" else "off" end) max_tx=\(.switch.max_tx_rate // 0)"')
	_s=$(vf_state "$pf" "$1")
	[ "$_j" = "$_s" ] && return 0
	diag "vf show: $_j" "ip link: $_s"
	return 1
}
# set_refused VF SETTING...: `srpass vf set` exits 1 and the VF is unchanged
set_refused() {
	_before=$(vf_state "$pf" 0)
	sp_is 1 vf set "$@" && state_is "$pf" 0 "$_before"
}
set_refused_usage() {
	_before=$(vf_state "$pf" 0)
	sp_is 2 vf set "$@" && state_is "$pf" 0 "$_before"
}

if ! have_srpass; then
	nok "srpass binary is executable (SRPASS=$SRPASS)"
else
	check "$pf: link up, 2 fresh VFs on igbvf, no ledger" fresh_vfs "$pf" 2
	modprobe vfio-pci
	set -- $(vfs "$pf")
	vf0=$1 vf1=$2
	check "srpass vf show --json $vf0: version 1, VF 0 of $pf on eth0, igb, PF link up" eval \
		'sp_is 0 vf show --json "$vf0" && jt /run/sp.out ".version == 1 and .vf == \"$vf0\" and .vf_index == 0 and .pf == \"$pf\" and .pf_netdev == \"$(pf_netdev "$pf")\" and .driver == \"igb\" and .pf_link_up == true"'
	check "srpass vf show --json $vf0 agrees with ip link" show_agrees 0 "$vf0"
	check "srpass vf show $vf0 (text) exits 0 and shows its MAC" eval \
		'sp_is 0 vf show "$vf0" && grep -q "^mac  *$(vf_state "$pf" 0 | sed "s/^mac=\([^ ]*\).*/\1/")" /run/sp.out'

	s0=$(vf_state "$pf" 0)
	check "srpass vf set --dry-run $vf0 mac .. vlan 105: nothing changes" eval \
		'sp_is 0 vf set --dry-run "$vf0" mac 02:aa:00:00:00:99 vlan 105 && state_is "$pf" 0 "$s0"'
	check "srpass vf set $vf0 mac 02:aa:00:00:00:99 vlan 105 qos 3 spoofchk off trust on max-rate 200" \
		sp_is 0 vf set "$vf0" mac 02:aa:00:00:00:99 vlan 105 qos 3 spoofchk off trust on max-rate 200
	check "vf 0 reads back all of it" state_is "$pf" 0 "mac=02:aa:00:00:00:99 vlan=105 qos=3 spoofchk=off trust=on max_tx=200"
	check "srpass vf show --json $vf0 agrees with ip link" show_agrees 0 "$vf0"
	check "vf 1 untouched" vf_is "$pf" 1 '* vlan=0 qos=0 spoofchk=on trust=off max_tx=0'

	check "refused by igb, vf 0 unchanged: state disable" set_refused "$vf0" state disable
	check "refused by igb, vf 0 unchanged: vlan 106 state disable (nothing of it stays)" set_refused "$vf0" vlan 106 state disable
	check "refused by igb, vf 0 unchanged: min-rate 10" set_refused "$vf0" min-rate 10
	check "refused by igb, vf 0 unchanged: query-rss on" set_refused "$vf0" query-rss on
	check "refused by igb, vf 0 unchanged: vlan 107 proto 802.1ad" set_refused "$vf0" vlan 107 proto 802.1ad
	check "$pf: link down" pf_down "$pf"
	check "refused by igb with the PF link down, vf 0 unchanged: max-rate 300" set_refused "$vf0" max-rate 300
	check "$pf: link up" pf_up "$pf"
	check "srpass vf set $vf0 vlan 4096 is a usage error (exit 2), vf 0 unchanged" set_refused_usage "$vf0" vlan 4096
	check "srpass vf set $pf (the PF) exits 1" sp_is 1 vf set "$pf" trust off
	check "srpass vf set $vf0 vlan 0 spoofchk on trust off max-rate 0" \
		sp_is 0 vf set "$vf0" vlan 0 spoofchk on trust off max-rate 0
	check "vf 0: no VLAN, spoofchk on, trust off, no cap" vf_is "$pf" 0 'mac=02:aa:00:00:00:99 vlan=0 qos=0 spoofchk=on trust=off max_tx=0'

	# audit's remedies, run as audit words them
	check "srpass assign $vf1 --tenant blue --domain vm1 --vlan 100" sp_is 0 assign "$vf1" --tenant blue --domain vm1 --vlan 100
	a1=$(vf_state "$pf" 1)
	nd=$(pf_netdev "$pf")
	check "plant: ip link set $nd vf 1 trust on spoofchk off" ip link set "$nd" vf 1 trust on spoofchk off
	check "srpass audit --json exits 2: SRP-VF-001 SRP-VF-002" audit_gives 2 "SRP-VF-001 SRP-VF-002"
	jv /run/sp.out '.findings[].remedy' >/run/remedies
	diag "remedies:" "$(cat /run/remedies)"
	check "every remedy is an 'srpass vf set $vf1 ...' command" sh -c \
		'[ "$(grep -c . /run/remedies)" = 2 ] && ! grep -v "^srpass vf set $1 " /run/remedies' - "$vf1"
	while read -r _srpass _words; do
		# shellcheck disable=SC2086
		check "remedy: srpass $_words" sp_is 0 $_words
	done </run/remedies
	check "vf 1: the assigned settings again" state_is "$pf" 1 "$a1"
	check "srpass audit --json exits 0, no findings" audit_gives 0 ""
	check "srpass release $vf1" sp_is 0 release "$vf1"
fi
