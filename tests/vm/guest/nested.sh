# Scenario "nested" (sourced by suite.sh): no srpass; a VF bound to
# vfio-pci by hand is realized by a QEMU started inside the VM (the host's
# QEMU, seen through the 9p root) with -device vfio-pci,host=VF: the
# nested-QEMU scenario only has to swap in the arguments srpass generates.
pf=$(pf_of 1)
check "$pf: 4 VFs on igbvf" make_vfs "$pf" 4
vf=$(vfs "$pf" | sed -n 3p)
modprobe vfio-pci
bind_to "$vf" vfio-pci
check "$vf: bound to vfio-pci by hand" wait_for 10 drv_is "$vf" vfio-pci
tap_from python3 "$here/nested.py" hostdev0 -- qemu-system-x86_64 -machine q35 -accel tcg \
	-m 128 -nodefaults -device "vfio-pci,host=$vf,id=hostdev0"
bind_to "$vf" ""
settle
check "$vf: back on igbvf" wait_for 20 drv_is "$vf" igbvf
