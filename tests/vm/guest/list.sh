# Scenario "list" (sourced by suite.sh): the inventory against the real igb
# and igbvf drivers.  PF 1 gets 4 VFs; `srpass list --json` must describe
# the PF, its VFs and their IOMMU groups as sysfs and lspci do; `srpass
# show` one VF; after sriov_numvfs changes, list follows.
pf=$(pf_of 1)
check "$pf: coldplug bound igb" drv_is "$pf" igb
check "$pf: echo 4 > sriov_numvfs" set_numvfs "$pf" 4
settle
for v in $(vfs "$pf"); do
	check "$v: igbvf bound it (udev stand-in)" wait_for 20 drv_is "$v" igbvf
done

if ! have_srpass; then
	nok "srpass binary is executable (SRPASS=$SRPASS)"
else
	srpass list --json >/run/list.json
	check "srpass list --json exits 0" [ $? -eq 0 ]
	tap_from python3 "$here/list_checks.py" /run/list.json "$pf" 4

	out=$(srpass list)
	check "srpass list exits 0" [ $? -eq 0 ]
	diag "$out"
	for a in "$pf" $(vfs "$pf"); do
		check "srpass list shows $a" sh -c 'printf "%s\n" "$1" | grep -q "$2"' - "$out" "$a"
	done

	vf=$(vfs "$pf" | head -1)
	out=$(srpass show "$vf")
	check "srpass show $vf exits 0" [ $? -eq 0 ]
	diag "$out"
	check "srpass show $vf: driver igbvf" sh -c 'printf "%s\n" "$1" | grep -Eq "^driver +igbvf$"' - "$out"
	check "srpass show $vf: kind vf" sh -c 'printf "%s\n" "$1" | grep -Eq "^kind +vf$"' - "$out"
	check "srpass show --json $vf: driver igbvf, pf $pf, vf_index 0" python3 -c '
import json, subprocess, sys
d = json.loads(subprocess.run(sys.argv[1:5], capture_output=True, check=True).stdout)
sys.exit(not (d["driver"] == "igbvf" and d["pf"] == sys.argv[5] and d["vf_index"] == 0))' \
		"$SRPASS" show --json "$vf" "$pf"
	check "srpass show 0000:01:1f.7 (no such device) exits 1" sh -c '"$1" show 0000:01:1f.7 >/dev/null 2>&1; [ $? -eq 1 ]' - "$SRPASS"

	check "$pf: sriov_numvfs 4 -> 0 -> 2, igbvf on both" make_vfs "$pf" 2
	srpass list --json >/run/list.json
	tap_from python3 "$here/list_checks.py" /run/list.json "$pf" 2
	make_vfs "$pf" 4
fi
