# Scenario "vflink" (sourced by suite.sh): no srpass; the igb PF's VF
# settings over rtnetlink, set by hand with `ip link` and read back from
# `ip -d link show`, as assign will set them and audit will read them.
pf=$(pf_of 1)
check "$pf: 4 VFs on igbvf" make_vfs "$pf" 4
nd=$(ls "$(dev "$pf")/net" | head -1)
vfline() { ip -d link show "$nd" | grep "^ *vf $1 "; }
vf_has() { vfline "$1" | grep -q -- "$2"; }
check "$pf: netdev $nd, set up" ip link set "$nd" up
check "ip link set $nd vf 1 mac 02:00:00:00:01:01 vlan 100 spoofchk on trust off" \
	ip link set "$nd" vf 1 mac 02:00:00:00:01:01 vlan 100 spoofchk on trust off
diag "$(vfline 1)"
check "vf 1 reads back the MAC" vf_has 1 "link/ether 02:00:00:00:01:01"
check "vf 1 reads back vlan 100" vf_has 1 "vlan 100,"
check "vf 1 reads back spoof checking on, trust off" sh -c \
	"ip -d link show $nd | grep '^ *vf 1 ' | grep 'spoof checking on' | grep -q 'trust off'"
check "ip link set $nd vf 1 trust on (what audit must flag)" ip link set "$nd" vf 1 trust on
check "vf 1 reads back trust on" vf_has 1 "trust on"
check "vf 0 untouched: trust off" vf_has 0 "trust off"
check "restore vf 1: vlan 0 trust off" ip link set "$nd" vf 1 vlan 0 trust off
check "vf 1 reads back no vlan, trust off" sh -c \
	"l=\$(ip -d link show $nd | grep '^ *vf 1 '); ! echo \"\$l\" | grep -q vlan && echo \"\$l\" | grep -q 'trust off'"
