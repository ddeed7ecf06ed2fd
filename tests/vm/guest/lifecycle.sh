# Scenario "lifecycle" (sourced by suite.sh): srpass enable -> assign ->
# (disable and resize refused) -> release -> disable on PF 1, against the
# real igb, igbvf and vfio-pci drivers.  Asserts exit statuses and the
# kernel's state (sysfs, /dev/vfio, a VMM's VFIO walk), not messages.
# Tenant blue of the suite's configuration (lib.sh write_config); PF 1's
# link stays as it is (down in the iommu-pt VM): blue has no rate cap.
pf=$(pf_of 1)
numvfs() { cat "$(dev "$pf")/sriov_numvfs"; }
# runs SRPASS ARGS...: srpass exits 0 (its output becomes diagnostics)
runs() { _o=$(srpass "$@" 2>&1); _r=$?; diag "srpass $* -> $_r" "$_o"; [ "$_r" -eq 0 ]; }
# refused SRPASS ARGS...: srpass exits 1
refused() { _o=$(srpass "$@" 2>&1); _r=$?; diag "srpass $* -> $_r" "$_o"; [ "$_r" -eq 1 ]; }
others_on_igbvf() { for _v in $(vfs "$pf" | tail -n +2); do drv_is "$_v" igbvf || return 1; done; }

if ! have_srpass; then
	nok "srpass binary is executable (SRPASS=$SRPASS)"
else
	check "$pf: start with 0 VFs" make_vfs "$pf" 0
	check "srpass enable $pf --vfs 4 --dry-run" runs enable "$pf" --vfs 4 --dry-run
	check "dry run: sriov_numvfs still 0" [ "$(numvfs)" = 0 ]
	check "srpass enable $pf --vfs 4" runs enable "$pf" --vfs 4
	settle
	check "sriov_numvfs is 4" [ "$(numvfs)" = 4 ]
	for v in $(vfs "$pf"); do
		check "$v: igbvf bound it" wait_for 20 drv_is "$v" igbvf
	done

	vf=$(vfs "$pf" | head -1)
	g=$(grp "$vf")
	modprobe vfio-pci
	check "srpass assign $vf --dry-run" runs assign "$vf" --tenant blue --domain vm1 --vlan 101 --dry-run
	check "dry run: $vf still on igbvf" drv_is "$vf" igbvf
	check "srpass assign $vf --tenant blue --domain vm1 --vlan 101" runs assign "$vf" --tenant blue --domain vm1 --vlan 101
	check "$vf: on vfio-pci" drv_is "$vf" vfio-pci
	check "$vf: driver_override vfio-pci" [ "$(cat "$(dev "$vf")/driver_override")" = vfio-pci ]
	check "$vf: /dev/vfio/$g exists" [ -c "/dev/vfio/$g" ]
	out=$(python3 "$here/vfio_probe.py" "$vf" 2>&1)
	diag "$out"
	check "$vf: a VMM's VFIO walk works (viable group, DMA map, device fd)" \
		sh -c 'printf "%s\n" "$1" | grep -q "^result=ok$"' - "$out"
	check "srpass show --json $vf: driver vfio-pci" sh -c \
		'"$1" show --json "$2" | python3 -c "import json,sys; sys.exit(json.load(sys.stdin)[\"driver\"] != \"vfio-pci\")"' \
		- "$SRPASS" "$vf"
	check "the other VFs are still on igbvf" others_on_igbvf
	check "assign $vf again is refused" refused assign "$vf" --tenant red --domain vm2 --vlan 200
	check "assign of the PF $pf is refused" sh -c '"$1" assign "$2" --tenant blue --domain vm1 --vlan 101 >/dev/null 2>&1; [ $? -ne 0 ]' \
		- "$SRPASS" "$pf"
	check "$pf: still on igb" drv_is "$pf" igb
	check "srpass disable $pf is refused while $vf is assigned" refused disable "$pf"
	check "srpass enable $pf --vfs 2 is refused while $vf is assigned" refused enable "$pf" --vfs 2
	check "sriov_numvfs still 4, $vf still on vfio-pci" sh -c "[ $(numvfs) = 4 ] && [ -c /dev/vfio/$g ]"

	check "srpass release $vf" runs release "$vf"
	settle
	check "$vf: back on igbvf" wait_for 20 drv_is "$vf" igbvf
	check "$vf: driver_override cleared" [ "$(cat "$(dev "$vf")/driver_override")" = "(null)" ]
	check "/dev/vfio/$g is gone" wait_for 5 [ ! -e "/dev/vfio/$g" ]
	check "release $vf again: exit 0, unchanged" sh -c \
		'"$1" release "$2" 2>&1 | grep -q "^unchanged: "' - "$SRPASS" "$vf"
	check "release --strict $vf again is refused" refused release --strict "$vf"
	check "srpass disable $pf" runs disable "$pf"
	settle
	check "sriov_numvfs is 0, no virtfn links" sh -c "[ $(numvfs) = 0 ] && [ ! -e $(dev "$pf")/virtfn0 ]"
fi
