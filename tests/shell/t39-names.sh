#!/bin/sh
# srpass tests -- names: wherever srpass takes a PCI function, a network
# interface's name does too (show, vf show, assign, enable), and ip-link's
# `vf set PF vf N SETTING...` form works; a name that is neither is bad
# input (exit 2) naming what was expected.  Needs BUILD; prints TAP.
set -u

BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t39-names.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"

H=$tmp/host
demo_host "$H" || { echo "Bail out! mkhost failed"; exit 1; }
sp() { "$BUILD/srpass-sim" --root "$H" "$@"; }

# the demo's names: enp3s0f0 is PF 0000:03:00.0, enp3s0f0vN its VF N
for pair in "enp3s0f0v0 0000:03:02.0" "enp3s0f0 0000:03:00.0" "enp3s0f1 0000:03:00.1"; do
	name=${pair% *}
	addr=${pair#* }
	sp show "$name" >"$tmp/by-name" 2>&1
	sp show "$addr" >"$tmp/by-addr" 2>&1
	if cmp -s "$tmp/by-name" "$tmp/by-addr" && grep -q "^address  *$addr" "$tmp/by-name"; then
		ok "show $name is show $addr"
	else
		not_ok "show $name is show $addr"
		diag "$tmp/by-name"
	fi
done

sp vf show enp3s0f0v3 >"$tmp/a" 2>&1 && sp vf show 0000:03:02.3 >"$tmp/b" 2>&1
if cmp -s "$tmp/a" "$tmp/b"; then
	ok "vf show enp3s0f0v3 is vf show 0000:03:02.3"
else
	not_ok "vf show enp3s0f0v3 is vf show 0000:03:02.3"
	diag "$tmp/a"
fi

if sp vf set enp3s0f0 vf 4 vlan 107 >"$tmp/out" 2>&1 &&
   sp vf show 0000:03:02.4 | grep -q '^vlan  *107 '; then
	ok "ip-link's form: vf set enp3s0f0 vf 4 vlan 107 sets VF 0000:03:02.4"
else
	not_ok "ip-link's form: vf set enp3s0f0 vf 4 vlan 107"
	diag "$tmp/out"
fi

if sp assign enp3s0f0v1 --tenant blue --domain web1 --vlan 102 >"$tmp/out" 2>&1 &&
   sp release 0000:03:02.1 >>"$tmp/out" 2>&1; then
	ok "assign enp3s0f0v1 (released by its address: on vfio-pci it has no netdev)"
else
	not_ok "assign enp3s0f0v1"
	diag "$tmp/out"
fi

if sp enable enp3s0f1 --vfs 2 >"$tmp/out" 2>&1 && [ "$(cat "$H/sys/bus/pci/devices/0000:03:00.1/sriov_numvfs")" = 2 ]; then
	ok "enable enp3s0f1 --vfs 2 enables the PF 0000:03:00.1"
else
	not_ok "enable enp3s0f1 --vfs 2"
	diag "$tmp/out"
fi

for bad in "show nosuch0:no network interface 'nosuch0'" \
	   "show a/b:'a/b' is neither a PCI address" \
	   "vf set enp3s0f0 vf 99 vlan 101:PF 0000:03:00.0 has no VF 99" \
	   "vf set enp3s0f0 vf x vlan 101:vf 'x' is not a VF number"; do
	cmd=${bad%%:*}
	want=${bad#*:}
	# shellcheck disable=SC2086
	sp $cmd >/dev/null 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 2 ] && grep -qF "$want" "$tmp/err"; then
		ok "$cmd: exit 2, $want"
	else
		not_ok "$cmd: exit $rc"
		diag "$tmp/err"
	fi
done

echo "1..$n"
