# Scenario "vfio" (sourced by suite.sh): no srpass; proves the VM is ready
# for the assign scenarios.  One VF of PF 1 moves from igbvf to vfio-pci by
# hand (driver_override, unbind, drivers_probe), its VFIO group is viable
# and a VMM's whole VFIO walk works (vfio_probe.py, with a DMA map through
# the vIOMMU), then it goes back to igbvf.  With intremap=off in VM_IOMMU
# (run.sh -I) the kernel must refuse VFIO_SET_IOMMU until
# allow_unsafe_interrupts=1: the host srpass check has to flag.
pf=$(pf_of 1)
check "$pf: 4 VFs on igbvf" make_vfs "$pf" 4
vf=$(vfs "$pf" | sed -n 2p)
g=$(grp "$vf")
case ${VM_IOMMU:-} in
*intremap=off*)
	check "dmesg: no IRQ remapping (intremap=off)" sh -c '! dmesg | grep -q "Enabled IRQ remapping"'
	remap=0 ;;
*)
	check "dmesg: IRQ remapping enabled" irq_remapping
	remap=1 ;;
esac
check "an IOMMU in /sys/class/iommu ($(ls /sys/class/iommu | tr '\n' ' '))" [ -n "$(ls /sys/class/iommu)" ]

check "modprobe vfio-pci" modprobe vfio-pci
check "$vf: no /dev/vfio/$g while igbvf owns it" [ ! -e "/dev/vfio/$g" ]
bind_to "$vf" vfio-pci
check "$vf: bound to vfio-pci (driver_override + drivers_probe)" wait_for 10 drv_is "$vf" vfio-pci
check "$vf: /dev/vfio/$g is a character device" [ -c "/dev/vfio/$g" ]
check "$pf: still on igb" drv_is "$pf" igb

out=$(python3 "$here/vfio_probe.py" "$vf" 2>&1)
diag "$out"
has() { printf '%s\n' "$out" | grep -q -- "$1"; }
check "vfio_probe $vf: group viable" has '^group_viable=1$'
if [ "$remap" = 1 ]; then
	check "vfio_probe $vf: TYPE1v2 IOMMU, 1 MiB DMA map, device fd" has '^result=ok$'
else
	check "vfio_probe $vf: SET_IOMMU refused (EPERM) without IRQ remapping" \
		has '^error=SET_IOMMU(TYPE1v2): Operation not permitted'
	p=/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts
	check "allow_unsafe_interrupts is N" [ "$(cat $p)" = N ]
	echo 1 >$p
	out=$(python3 "$here/vfio_probe.py" "$vf" 2>&1)
	check "vfio_probe $vf: works with allow_unsafe_interrupts=1" has '^result=ok$'
	echo 0 >$p
fi

bind_to "$vf" ""
settle
check "$vf: back on igbvf" wait_for 20 drv_is "$vf" igbvf
check "$vf: driver_override cleared" [ "$(cat "$(dev "$vf")/driver_override")" = "(null)" ]
check "/dev/vfio/$g is gone" wait_for 5 [ ! -e "/dev/vfio/$g" ]
