# Scenario "audit" (sourced by suite.sh): `srpass audit` against the real
# igb switch.  Two normal assigns (blue, red on PF 1) audit clean: exit 0,
# no finding.  Then settings planted by hand with `ip link`, each reported
# with its id, subject and tenant, and gone again once undone: trust on
# (SRP-VF-002), spoofchk off (SRP-VF-001), a VLAN outside the tenant's and
# another tenant's (SRP-VLAN-002, -003), a MAC twice on the PF
# (SRP-MAC-001); --tenant filters; a VF bound to vfio-pci by hand is an
# orphan (SRP-LEDGER-001, warning: exit 1); a tenant the configuration
# does not know (SRP-TENANT-001, via --config).  Leaves nothing assigned.
pf=$(pf_of 1)
# finding ID SUBJECT TENANT SEVERITY: the last audit --json has exactly one
# such finding (TENANT null for none)
finding() {
	jt /run/sp.out "[.findings[] | select(.id == \"$1\")] | length == 1 and
		(.[0] | .subject == \"$2\" and .tenant == $3 and .severity == \"$4\")"
}

if ! have_srpass; then
	nok "srpass binary is executable (SRPASS=$SRPASS)"
else
	check "$pf: link up, 3 fresh VFs on igbvf, no ledger" fresh_vfs "$pf" 3
	modprobe vfio-pci
	set -- $(vfs "$pf")
	vf0=$1 vf1=$2 vf2=$3
	nd=$(pf_netdev "$pf")
	check "no VF assigned: srpass audit --json exits 0, no findings" audit_gives 0 ""
	check "srpass assign $vf0 --tenant blue --vlan 100, $vf1 --tenant red --vlan 200" eval \
		'sp_is 0 assign "$vf0" --tenant blue --domain vm1 --vlan 100 && sp_is 0 assign "$vf1" --tenant red --domain vm2 --vlan 200'
	check "after two normal assigns: srpass audit --json exits 0, no findings" audit_gives 0 ""
	check "after two normal assigns: worst is clean" jt /run/sp.out '.version == 1 and .worst == "clean"'
	check "after two normal assigns: srpass audit (text) exits 0" sp_is 0 audit

	check "plant: ip link set $nd vf 0 trust on" ip link set "$nd" vf 0 trust on
	check "srpass audit --json exits 2, findings: SRP-VF-002" audit_gives 2 SRP-VF-002
	check "SRP-VF-002: $vf0, tenant blue, critical; worst critical" eval \
		'finding SRP-VF-002 "$vf0" "\"blue\"" critical && jt /run/sp.out ".worst == \"critical\""'
	check "srpass audit --tenant blue --json: exits 2, SRP-VF-002" audit_gives 2 SRP-VF-002 --tenant blue
	check "srpass audit --tenant red --json: exits 0, no findings" audit_gives 0 "" --tenant red
	check "srpass audit (text) exits 2 and names SRP-VF-002 and $vf0" eval \
		'sp_is 2 audit && grep -q "SRP-VF-002.*$vf0" /run/sp.out'

	check "plant: ip link set $nd vf 1 spoofchk off (red's VF)" ip link set "$nd" vf 1 spoofchk off
	check "srpass audit --json exits 2, findings: SRP-VF-001 SRP-VF-002" audit_gives 2 "SRP-VF-001 SRP-VF-002"
	check "SRP-VF-001: $vf1, tenant red, critical" finding SRP-VF-001 "$vf1" '"red"' critical
	check "srpass audit --tenant red --json: exits 2, SRP-VF-001 only" audit_gives 2 SRP-VF-001 --tenant red
	check "undo: trust off on vf 0, spoofchk on on vf 1" eval \
		'ip link set "$nd" vf 0 trust off && ip link set "$nd" vf 1 spoofchk on'
	check "srpass audit --json exits 0 again, no findings" audit_gives 0 ""

	check "plant: ip link set $nd vf 0 vlan 200 (red's VLAN on blue's VF)" ip link set "$nd" vf 0 vlan 200
	check "srpass audit --json exits 2, findings: SRP-VLAN-002 SRP-VLAN-003" audit_gives 2 "SRP-VLAN-002 SRP-VLAN-003"
	check "SRP-VLAN-002: $vf0, tenant blue; SRP-VLAN-003: $pf, tenants blue,red" eval \
		'finding SRP-VLAN-002 "$vf0" "\"blue\"" critical && finding SRP-VLAN-003 "$pf" "\"blue,red\"" critical'
	check "srpass audit --tenant red --json: exits 2, SRP-VLAN-003 (it concerns red too)" audit_gives 2 SRP-VLAN-003 --tenant red
	check "undo: vf 0 vlan 100" ip link set "$nd" vf 0 vlan 100

	mac0=$(vf_state "$pf" 0 | sed 's/^mac=\([^ ]*\).*/\1/')
	check "plant: ip link set $nd vf 2 mac $mac0 (vf 0's; $vf2 is not srpass's)" ip link set "$nd" vf 2 mac "$mac0"
	check "srpass audit --json exits 2, findings: SRP-MAC-001" audit_gives 2 SRP-MAC-001
	check "SRP-MAC-001: $pf, tenant blue, critical" finding SRP-MAC-001 "$pf" '"blue"' critical
	check "undo: vf 2 mac 00:00:00:00:00:00" ip link set "$nd" vf 2 mac 00:00:00:00:00:00
	check "srpass audit --json exits 0 again, no findings" audit_gives 0 ""

	# an orphan: a VF on vfio-pci that srpass did not put there
	bind_to "$vf2" vfio-pci
	check "plant: $vf2 bound to vfio-pci by hand" wait_for 10 drv_is "$vf2" vfio-pci
	check "srpass audit --json exits 1, findings: SRP-LEDGER-001" audit_gives 1 SRP-LEDGER-001
	check "SRP-LEDGER-001: $vf2, no tenant, warning; worst warning" eval \
		'finding SRP-LEDGER-001 "$vf2" null warning && jt /run/sp.out ".worst == \"warning\""'
	check "srpass assign $vf2 is refused (exit 1) and leaves it on vfio-pci" eval \
		'sp_is 1 assign "$vf2" --tenant blue --domain vm3 --vlan 101 && drv_is "$vf2" vfio-pci && ledger_is "2 - $vf0,$vf1"'
	bind_to "$vf2" ""
	settle
	check "undo: $vf2 back on igbvf" wait_for 20 drv_is "$vf2" igbvf
	check "srpass audit --json exits 0 again, no findings" audit_gives 0 ""

	# a tenant the configuration does not know (any more)
	sed '/^\[tenant:red\]/,$d' "$SRPASS_CONF" >/run/blue-only.conf
	sp_global="--config /run/blue-only.conf"
	check "srpass --config (blue only) audit --json exits 1, findings: SRP-TENANT-001" \
		audit_gives 1 SRP-TENANT-001
	sp_global=
	check "SRP-TENANT-001: $vf1, tenant red, warning" finding SRP-TENANT-001 "$vf1" '"red"' warning

	check "srpass release $vf0 and $vf1" eval 'sp_is 0 release "$vf0" && sp_is 0 release "$vf1"'
	check "ledger: empty" ledger_is "0 - "
	check "srpass audit --json exits 0, no findings" audit_gives 0 ""
fi
