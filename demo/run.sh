#!/bin/sh
# srpass demo: build the simulated host of demo/host.ini under ROOT and
# run srpass against it: inventory, readiness, assignments under tenant
# policy, a planted violation, the audit, and a release round trip that
# leaves the tree as it was.  Called by `make demo` as
#   BUILD=build demo/run.sh build/demo-host
set -eu

if [ $# -ne 1 ]; then
	echo "usage: BUILD=build $0 ROOT" >&2
	exit 2
fi
root=$1
build=${BUILD:-build}
demo=$(dirname "$0")

section() {
	printf '\n==== %s\n\n' "$*"
}

# run a command that may fail on purpose, and say how it ended
show() {
	printf '$ %s\n' "$*" | sed "s|$root|ROOT|g"
	set +e
	"$@"
	rc=$?
	set -e
	printf '(exit %d)\n' "$rc"
}

srpass() {
	show "$build/srpass-sim" --root "$root" "$@"
}

section "The simulated host: $demo/host.ini -> $root"
"$build/tests/mkhost" -f "$demo/host.ini" "$root"
root=$(cd "$root" && pwd)	# srpass wants an absolute root
# a Debian host has pci.ids, and srpass reads the root's own copy
for ids in /usr/share/misc/pci.ids /usr/share/hwdata/pci.ids; do
	if [ -f "$ids" ]; then
		install -D -m 0644 "$ids" "$root/usr/share/misc/pci.ids"
		break
	fi
done
install -D -m 0644 "$demo/srpass.conf" "$root/etc/srpass/srpass.conf"
echo "Two sockets; Intel X710 (8 + 4 VFs) on socket 0, Mellanox ConnectX-5"
echo "(4 + 2 VFs) on socket 1 behind a root port without ACS.  Tenants: $demo/srpass.conf"

section "Inventory"
srpass list

section "Host readiness"
srpass check

before=$(mktemp -d)
trap 'rm -rf "$before"' EXIT
cp -a "$root/." "$before/"

section "Assignments under tenant policy"
srpass assign 0000:03:02.0 --tenant blue --domain web1 --vlan 101
srpass assign 0000:03:02.1 --tenant red --domain db1
echo
echo "Refused: a VF whose IOMMU group holds the whole ConnectX-5, and a VLAN of another tenant"
srpass assign 0000:82:00.2 --tenant blue --domain web2 --vlan 102
srpass assign 0000:03:02.2 --tenant blue --domain web3 --vlan 200
srpass list

section "Launching web1: what QEMU, libvirt and xl need, from the ledger (docs/launch.md)"
srpass assign 0000:03:02.2 --tenant blue --domain web1 --vlan 102
srpass launch qemu --domain web1
srpass launch qemu --domain web1 0000:03:02.0 --failover --standby-netdev n0
srpass launch libvirt --domain web1
srpass launch libvirt --domain web1 0000:03:02.0 --plain
echo
echo "xl: the demo's VFs are kvm's (srpass.conf backend = kvm, and this srpass cannot"
echo "prepare Xen VFs yet), so launch xl refuses them, naming the backend:"
srpass launch xl --domain web1
echo
echo "And another tenant's VF is never handed to web1:"
srpass launch qemu --domain web1 0000:03:02.1

section "A violation planted by hand: trust on for tenant red's VF"
echo "The tenant's policy refuses it; an operator who means it forces it (the ledger records that)"
srpass vf set 0000:03:02.1 trust on
srpass vf set --force 0000:03:02.1 trust on
srpass vf show 0000:03:02.1

section "The audit (exit 0 clean, 1 warnings, 2 critical)"
srpass audit

section "Release, and the tree is as it was"
srpass release 0000:03:02.1
srpass release 0000:03:02.2
srpass release 0000:03:02.0
# srpass's ledger and the simulator's switch state are the only new files
if diff -r --no-dereference -x srpass -x switch "$before" "$root"; then
	echo "identical: drivers, overrides, netdevs and switch settings are back"
else
	echo "the tree differs after the release round trip" >&2
	exit 1
fi
