# Scenario "nested" (sourced by suite.sh): a VF that `srpass assign` gave
# to domain "nested" is realized by a QEMU started inside the VM (the
# host's QEMU, seen through the 9p root) with exactly the arguments
# `srpass launch qemu --domain nested` printed: the vfio-pci device shows
# up in the inner QEMU's query-pci.  Then the failover pair: the virtio-net
# standby (on a hubport netdev, which needs no host network) is realized
# with the VF's MAC, and the VF, on a hotpluggable root port as QEMU wants
# a failover primary, stays hidden until a guest driver takes the standby.
# Then hot-plug: `srpass attach` puts the VF into a running QEMU over QMP
# (query-pci shows it), release is refused while that QEMU holds it, and
# detach, with no guest OS to acknowledge the unplug, times out saying
# so.  `srpass release` gives the VF back to igbvf.  Without srpass, the same
# QEMU check of a VF bound to vfio-pci by hand.
pf=$(pf_of 1)
inner="qemu-system-x86_64 -machine q35 -accel tcg -m 128 -nodefaults"
if ! have_srpass; then
	check "$pf: 4 VFs on igbvf" make_vfs "$pf" 4
	vf=$(vfs "$pf" | sed -n 3p)
	modprobe vfio-pci
	bind_to "$vf" vfio-pci
	check "$vf: bound to vfio-pci by hand" wait_for 10 drv_is "$vf" vfio-pci
	# shellcheck disable=SC2086
	tap_from python3 "$here/nested.py" hostdev0 -- $inner -device "vfio-pci,host=$vf,id=hostdev0"
	bind_to "$vf" ""
	settle
	check "$vf: back on igbvf" wait_for 20 drv_is "$vf" igbvf
else
	check "$pf: link up, 4 fresh VFs on igbvf, no ledger" fresh_vfs "$pf" 4
	modprobe vfio-pci
	vf=$(vfs "$pf" | sed -n 3p)
	g=$(grp "$vf")
	qid=hostdev-$(echo "$vf" | tr ':.' '--')
	check "srpass assign $vf --tenant blue --domain nested --vlan 100" \
		sp_is 0 assign "$vf" --tenant blue --domain nested --vlan 100
	check "$vf: on vfio-pci" on_stub "$vf" "$g"
	mac=$(jv "$LEDGER" ".assignments[] | select(.vf == \"$vf\") | .applied.mac")
	check "srpass launch qemu --domain nested: -device vfio-pci,host=$vf,id=$qid" eval \
		'sp_is 0 launch qemu --domain nested &&
		 [ "$(cat /run/sp.out)" = "-device vfio-pci,host=$vf,id=$qid" ]'
	args=$(cat /run/sp.out)
	# shellcheck disable=SC2086
	tap_from python3 "$here/nested.py" "$qid" -- $inner $args

	sby=net-$(echo "$vf" | tr ':.' '--')
	check "srpass launch qemu --domain nested --failover --standby-netdev n0 --bus rp0" eval \
		'sp_is 0 launch qemu --domain nested --failover --standby-netdev n0 --bus rp0 &&
		 grep -q "virtio-net-pci,netdev=n0,id=$sby,failover=on,mac=$mac " /run/sp.out &&
		 grep -q "vfio-pci,host=$vf,id=$qid,bus=rp0,failover_pair_id=$sby\$" /run/sp.out'
	args=$(cat /run/sp.out)
	# shellcheck disable=SC2086
	tap_from python3 "$here/nested.py" "$sby" "!$qid" -- $inner \
		-device pcie-root-port,id=rp0,chassis=1 -netdev hubport,id=n0,hubid=0 $args

	# hot-plug into a running QEMU (no guest OS: nobody acknowledges an unplug)
	qmp=/run/hotplug.qmp
	rm -f "$qmp"
	# shellcheck disable=SC2086
	$inner -device pcie-root-port,id=rp0,chassis=1 -display none \
		-qmp "unix:$qmp,server=on,wait=off" >/run/hotplug-qemu.log 2>&1 &
	qpid=$!
	check "a running inner QEMU with a root port and a QMP socket" wait_for 30 [ -S "$qmp" ]
	check "srpass attach $vf --domain nested --qmp $qmp --bus rp0" \
		sp_is 0 attach "$vf" --domain nested --qmp "$qmp" --bus rp0
	check "srpass attach again: unchanged" eval \
		'sp_is 0 attach "$vf" --domain nested --qmp "$qmp" --bus rp0 && grep -q "^unchanged" /run/sp.out'
	check "the inner QEMU lists $qid behind rp0 in query-pci" \
		wait_for 10 python3 "$here/qmp_pci.py" "$qmp" "$qid"
	check "srpass release while the QEMU holds the VF: refused (exit 1), naming the QEMU" eval \
		'sp_is 1 release "$vf" && grep -q "qemu" /run/sp.err && on_stub "$vf" "$g"'
	check "srpass detach --timeout 2 with no guest to let go: exit 1, saying so" eval \
		'sp_is 1 detach "$vf" --qmp "$qmp" --timeout 2 && grep -q "no DEVICE_DELETED" /run/sp.err'
	kill "$qpid" 2>/dev/null
	wait "$qpid" 2>/dev/null
	diag "hot-plug QEMU: $(tail -n 3 /run/hotplug-qemu.log | tr '\n' ' ')"

	check "srpass release $vf" sp_is 0 release "$vf"
	check "$vf: back on igbvf, nothing in the ledger" eval 'on_host "$vf" "$g" && ledger_is "0 - "'
fi
