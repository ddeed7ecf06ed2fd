# Scenario "assign" (sourced by suite.sh): `srpass assign` with the VF
# switch settings of the tenant's policy, programmed on the real igb PF
# over rtnetlink and read back from it (vf_state: `ip -j -d link show`):
# blue's VF gets VLAN 100, a MAC in 02:aa:00, spoof checking on, trust
# off; red's (same PF) a MAC in 02:bb:00, VLAN 200 and its 100 Mbps cap.
# The ledger records it, `srpass list` shows it.  Refusals by the policy
# change nothing; a refusal by the driver (igb takes no rate limit with the
# PF link down) rolls the VF back.  Leaves nothing assigned.
pf=$(pf_of 1)
# entry VF FILTER: FILTER (jq) is true of VF's ledger entry
entry() { jt "$LEDGER" "[.assignments[] | select(.vf == \"$1\")] | length == 1 and (.[0] | $2)"; }

if ! have_srpass; then
	nok "srpass binary is executable (SRPASS=$SRPASS)"
else
	check "$pf: link up, 4 fresh VFs on igbvf, no ledger" fresh_vfs "$pf" 4
	modprobe vfio-pci
	set -- $(vfs "$pf")
	vf0=$1 vf1=$2 vf2=$3 vf3=$4
	g0=$(grp "$vf0") g1=$(grp "$vf1")
	s0=$(vf_state "$pf" 0) s1=$(vf_state "$pf" 1) s2=$(vf_state "$pf" 2) s3=$(vf_state "$pf" 3)
	diag "before: vf 0 $s0" "before: vf 1 $s1" "before: vf 2 $s2" "before: vf 3 $s3"

	check "srpass assign $vf0 --tenant blue --domain vm1 --vlan 100 --dry-run" \
		sp_is 0 assign "$vf0" --tenant blue --domain vm1 --vlan 100 --dry-run
	check "dry run: $vf0 still on igbvf, vf 0 unchanged, nothing in the ledger" \
		eval 'drv_is "$vf0" igbvf && state_is "$pf" 0 "$s0" && ledger_is "0 - "'
	check "srpass assign $vf0 --tenant blue --domain vm1 --vlan 100" \
		sp_is 0 assign "$vf0" --tenant blue --domain vm1 --vlan 100
	check "$vf0: on vfio-pci, driver_override vfio-pci, /dev/vfio/$g0" on_stub "$vf0" "$g0"
	a0=$(vf_state "$pf" 0)
	diag "after: vf 0 $a0"
	check "vf 0: MAC in blue's prefix 02:aa:00" vf_is "$pf" 0 'mac=02:aa:00:*'
	check "vf 0: vlan 100, qos 0" vf_is "$pf" 0 '* vlan=100 qos=0 *'
	check "vf 0: spoof checking on, trust off, no rate cap" vf_is "$pf" 0 '* spoofchk=on trust=off max_tx=0'
	mac0=${a0#mac=}
	mac0=${mac0%% *}
	check "the other VFs' switch settings are untouched" \
		eval 'state_is "$pf" 1 "$s1" && state_is "$pf" 2 "$s2" && state_is "$pf" 3 "$s3"'
	out=$(python3 "$here/vfio_probe.py" "$vf0" 2>&1)
	check "$vf0: a VMM's VFIO walk works (viable group, DMA map, device fd)" \
		sh -c 'printf "%s\n" "$1" | grep -q "^result=ok$"' - "$out"

	check "ledger: $vf0 alone, no pending operation" ledger_is "1 - $vf0"
	check "ledger: $vf0 is VF 0 of $pf, tenant blue, domain vm1, backend kvm, was on igbvf (no override)" \
		entry "$vf0" "[.pf, .vf_index, .tenant, .domain, .backend, .orig_driver, .orig_driver_override] == [\"$pf\", 0, \"blue\", \"vm1\", \"kvm\", \"igbvf\", null]"
	check "ledger: original switch state = vf 0 before the assign ($s0)" entry "$vf0" \
		".orig_switch | \"mac=\\(.mac) vlan=\\(.vlan) qos=\\(.qos) spoofchk=\\(if .spoofchk then \"on\" else \"off\" end) trust=\\(if .trust then \"on\" else \"off\" end) max_tx=\\(.max_tx_rate)\" == \"$s0\""
	check "ledger: applied = what the PF reports (vlan 100, $mac0, spoofchk, no trust, no cap)" entry "$vf0" \
		".applied == {\"vlan\": 100, \"mac\": \"$mac0\", \"spoofchk\": true, \"trust\": false, \"max_rate\": 0}"
	check "srpass list: $vf0 on vfio-pci, held by blue/vm1 (kvm)" eval \
		'sp_is 0 list && grep -E "^ *$vf0 .* vfio-pci " /run/sp.out | grep -qF "blue/vm1 (kvm)"'
	check "srpass list --json: $vf0 on vfio-pci (override too), owner blue/vm1/kvm, switch as the PF reports" eval \
		'sp_is 0 list --json && jt /run/sp.out "[.devices[] | select(.address == \"$vf0\") |
			[.driver, .driver_override, .owner, (.switch | [.mac, .vlan, .spoofchk, .trust])]] ==
			[[\"vfio-pci\", \"vfio-pci\", {\"tenant\": \"blue\", \"domain\": \"vm1\", \"backend\": \"kvm\"},
			  [\"$mac0\", 100, true, false]]]"'
	check "srpass list --json: no owner for the other VFs" \
		jt /run/sp.out "[.devices[] | select(.kind == \"vf\" and .address != \"$vf0\") | .owner] | length == 3 and all(. == null)"

	# refused by the policy (exit 1, the reason's id): nothing changes on $vf1
	refused_here() {
		sp_is "${refused_rc:-1}" "$@" && sp_err_has "$why:" && drv_is "$vf1" igbvf &&
			state_is "$pf" 1 "$s1" && ledger_is "1 - $vf0"
	}
	why=SRP-POL-VLAN; check "refused, $vf1 untouched: blue --vlan 200 (red's VLAN; $why)" \
		refused_here assign "$vf1" --tenant blue --domain vm2 --vlan 200
	why=SRP-POL-VLAN; check "refused, $vf1 untouched: red --vlan 100 (blue's VLAN; $why)" \
		refused_here assign "$vf1" --tenant red --domain vm2 --vlan 100
	why=SRP-POL-VLAN-REQUIRED; check "refused, $vf1 untouched: blue without --vlan ($why)" \
		refused_here assign "$vf1" --tenant blue --domain vm2
	why=SRP-POL-MAC; check "refused, $vf1 untouched: blue --mac 02:bb:00:00:00:01 (red's MACs; $why)" \
		refused_here assign "$vf1" --tenant blue --domain vm2 --vlan 101 --mac 02:bb:00:00:00:01
	why=SRP-POL-MAC-CONFLICT; check "refused, $vf1 untouched: blue --mac $mac0 (vf 0 has it; $why)" \
		refused_here assign "$vf1" --tenant blue --domain vm2 --vlan 101 --mac "$mac0"
	# a tenant the configuration does not know is bad input: exit 2
	why=SRP-POL-TENANT refused_rc=2; check "refused (exit 2), $vf1 untouched: tenant green (not configured; $why)" \
		refused_here assign "$vf1" --tenant green --domain vm2 --vlan 101
	refused_rc=1

	# red: another tenant on the same PF, with a rate cap (PF link up)
	check "srpass assign $vf1 --tenant red --domain vm2 --vlan 200" sp_is 0 assign "$vf1" --tenant red --domain vm2 --vlan 200
	check "$vf1: on vfio-pci, /dev/vfio/$g1" on_stub "$vf1" "$g1"
	check "vf 1: MAC in red's prefix 02:bb:00, vlan 200, spoofchk on, trust off, max_tx_rate 100" \
		vf_is "$pf" 1 'mac=02:bb:00:* vlan=200 qos=0 spoofchk=on trust=off max_tx=100'
	check "ledger: red's entry applied max_rate 100" entry "$vf1" '.tenant == "red" and .applied.max_rate == 100'
	check "vf 0 unchanged by red's assign" state_is "$pf" 0 "$a0"
	# an explicit MAC
	check "srpass assign $vf2 --tenant blue --domain vm3 --vlan 101 --mac 02:aa:00:00:00:42" \
		sp_is 0 assign "$vf2" --tenant blue --domain vm3 --vlan 101 --mac 02:aa:00:00:00:42
	check "vf 2: mac 02:aa:00:00:00:42, vlan 101" vf_is "$pf" 2 'mac=02:aa:00:00:00:42 vlan=101 qos=0 spoofchk=on trust=off max_tx=0'
	check "ledger: $vf0, $vf1, $vf2" ledger_is "3 - $vf0,$vf1,$vf2"
	check "srpass release $vf1 and $vf2" eval 'sp_is 0 release "$vf1" && sp_is 0 release "$vf2"'

	# MACs in use on the PF by a VF srpass does not hold.  srpass.conf(5):
	# a MAC asked for must be "in use neither on the PF nor by another of
	# the tenant's VFs", and "derived MACs are unique on the PF"; audit
	# calls two VFs with one MAC critical (SRP-MAC-001).
	nd=$(pf_netdev "$pf")
	check "ip link set $nd vf 3 mac 02:aa:00:00:00:77 (by hand; $vf3 is not srpass's)" \
		ip link set "$nd" vf 3 mac 02:aa:00:00:00:77
	s1=$(vf_state "$pf" 1)
	why=SRP-POL-MAC-CONFLICT; check "refused, $vf1 untouched: blue --mac 02:aa:00:00:00:77, vf 3's MAC on the PF ($why)" \
		refused_here assign "$vf1" --tenant blue --domain vm2 --vlan 102 --mac 02:aa:00:00:00:77
	if drv_is "$vf1" vfio-pci; then
		diag "srpass BUG: it gave $vf1 the MAC that vf 3 has on the same PF; its own audit says:"
		sp audit
		sp release "$vf1"
	fi
	# the MAC derived for $vf1 (the dry run tells it), planted on vf 3
	sp assign "$vf1" --tenant blue --domain vm2 --vlan 102 --dry-run
	m=$(sed -n 's/.* mac \([0-9a-f:]*\) .*/\1/p' /run/sp.out)
	check "the dry run shows the MAC derived for $vf1 ($m), in blue's prefix" sh -c 'case $1 in 02:aa:00:*) ;; *) exit 1 ;; esac' - "$m"
	ip link set "$nd" vf 3 mac "$m"
	check "srpass assign $vf1 --tenant blue --vlan 102 (no --mac) while vf 3 has $m" \
		sp_is 0 assign "$vf1" --tenant blue --domain vm2 --vlan 102
	check "vf 1 got a derived MAC other than vf 3's $m" sh -c '[ "${1%% *}" != "mac=$2" ]' - "$(vf_state "$pf" 1)" "$m"
	if [ "$(vf_state "$pf" 1 | cut -d' ' -f1)" = "mac=$m" ]; then
		diag "srpass BUG: it derived for $vf1 the MAC that vf 3 has on the same PF; its own audit says:"
		sp audit
	fi
	sp release "$vf1"
	ip link set "$nd" vf 3 mac 00:00:00:00:00:00

	# refused by the driver: igb takes no rate limit with the PF link down.
	# The VF was bound to vfio-pci and got MAC and VLAN before the rate
	# failed: all of it must be rolled back.
	check "$pf: link down" pf_down "$pf"
	b1=$(vf_state "$pf" 1)
	check "srpass assign $vf1 --tenant red --vlan 200 fails with the PF link down (max rate)" \
		sp_is 1 assign "$vf1" --tenant red --domain vm2 --vlan 200
	check "rolled back: $vf1 on igbvf, driver_override cleared, no /dev/vfio/$g1" on_host "$vf1" "$g1"
	check "rolled back: vf 1's switch settings as before ($b1)" state_is "$pf" 1 "$b1"
	check "rolled back: $vf1 not in the ledger (only $vf0), no pending operation" \
		ledger_is "1 - $vf0"
	check "$pf: link up" pf_up "$pf"
	check "srpass release $vf0" sp_is 0 release "$vf0"
	check "$vf0: back on igbvf" on_host "$vf0" "$g0"
	check "ledger: empty, no pending operation" ledger_is "0 - "
fi
