#!/bin/sh
# srpass tests -- a VF in use, from the command line: release and disable
# refuse while a process holds a VF's VFIO group or iommufd device node
# (found in /proc under the root), naming the VF, the pid and the command;
# disable also refuses while VFs are assigned, naming them with tenant and
# domain; a vfio-dev entry that is not "vfio" and a number is no node; a
# dry run of --force changes nothing; --force releases the assigned VFs
# (the ledger forgets them), the VFs go, and `srpass history` shows each
# --force as given.  Needs BUILD; prints TAP.
set -u

BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t44-in-use.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"

H=$tmp/host
demo_host "$H" || { echo "Bail out! mkhost failed"; exit 1; }
sp() { "$BUILD/srpass-sim" --root "$H" "$@"; }
PF=0000:03:00.0

sp assign 0000:03:02.0 --tenant blue --domain web1 --vlan 101 >/dev/null 2>&1 &&
	sp assign 0000:03:02.1 --tenant blue --domain web2 --vlan 102 >/dev/null 2>&1 ||
	{ echo "Bail out! assign failed"; exit 1; }

# the guest of web2 runs with iommufd: its QEMU holds the VF's device node
dev=$(cd "$H/sys/bus/pci/devices/0000:03:02.1" && pwd -P)
mkdir -p "$dev/vfio-dev/vfio7" "$H/proc/4242/fd"
echo qemu-system-x86 >"$H/proc/4242/comm"
ln -s /dev/vfio/devices/vfio7 "$H/proc/4242/fd/9"

sp release 0000:03:02.1 >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && grep -q 'in use by 4242 (qemu-system-x86)' "$tmp/out"; then
	ok "release of a VF whose device node a QEMU holds: refused, naming it"
else
	not_ok "release of a held VF: exit $rc"
	diag "$tmp/out"
fi

sp disable $PF >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && grep -q "0000:03:02.0 (tenant 'blue', domain 'web1')" "$tmp/out" &&
   grep -q "0000:03:02.1 (tenant 'blue', domain 'web2')" "$tmp/out" &&
   grep -q 'disable --force' "$tmp/out" && [ "$(cat "$H/sys/bus/pci/devices/$PF/sriov_numvfs")" = 8 ]; then
	ok "disable of a PF with assigned VFs: refused, naming each and its tenant"
else
	not_ok "disable of a PF with assigned VFs: exit $rc"
	diag "$tmp/out"
fi

sp release 0000:03:02.0 >/dev/null 2>&1
sp release --force 0000:03:02.1 >/dev/null 2>&1
# then someone binds that VF to vfio-pci by hand, and the QEMU holds it still
# (both sides of the bind, as the kernel has them)
drv=$H/sys/bus/pci/drivers
rm -f "$drv/iavf/0000:03:02.1"
ln -s "../../../..${dev#"$H/sys"}" "$drv/vfio-pci/0000:03:02.1"
ln -sfn ../../../../bus/pci/drivers/vfio-pci "$dev/driver"
sp disable $PF >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && grep -q 'VF 0000:03:02.1: 4242 (qemu-system-x86)' "$tmp/out" &&
   grep -q 'disable --force' "$tmp/out"; then
	ok "disable while a VF is held: refused, naming the VF, pid and command"
else
	not_ok "disable while a VF is held: exit $rc"
	diag "$tmp/out"
fi

sp disable $PF --force >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && [ "$(cat "$H/sys/bus/pci/devices/$PF/sriov_numvfs")" = 0 ] &&
   grep -q 'going on (--force)' "$tmp/out"; then
	ok "disable --force: the VFs go, and it says what it went past"
else
	not_ok "disable --force: exit $rc"
	diag "$tmp/out"
fi

sp history >"$tmp/out" 2>&1
if grep -q "release  *--force 0000:03:02.1  *-> ok" "$tmp/out" &&
   grep -q "disable  *$PF --force  *-> ok" "$tmp/out" &&
   grep -q "disable  *$PF  *-> failed: PF $PF has assigned VFs" "$tmp/out"; then
	ok "history: the refusals, and each --force as given"
else
	not_ok "history: the refusals, and each --force as given"
	diag "$tmp/out"
fi

# a second round: 8 VFs again, two assigned, the guest of web1 with the
# classic VFIO group open (/dev/vfio/N), and a stray vfio-dev entry that
# is not the kernel's
# the kernel took vfio-dev with its VF; the simulation leaves what the
# test made there by hand
rm -rf "$dev/vfio-dev"
sp enable $PF --vfs 8 >"$tmp/r2" 2>&1 &&
	sp assign 0000:03:02.0 --tenant blue --domain web1 --vlan 101 >>"$tmp/r2" 2>&1 &&
	sp assign 0000:03:02.1 --tenant red --domain db1 --vlan 200 >>"$tmp/r2" 2>&1 ||
	{ echo "Bail out! second round: enable or assign failed"; diag "$tmp/r2"; exit 1; }
rm -rf "$H/proc/4242"
grp=$(basename "$(readlink "$H/sys/bus/pci/devices/0000:03:02.0/iommu_group")")
mkdir -p "$H/proc/4343/fd"
echo qemu-kvm >"$H/proc/4343/comm"
ln -s "/dev/vfio/$grp" "$H/proc/4343/fd/21"
dev=$(cd "$H/sys/bus/pci/devices/0000:03:02.1" && pwd -P)
mkdir -p "$dev/vfio-dev/vfio7.bak" "$H/proc/4444/fd"
echo qemu-system-x86 >"$H/proc/4444/comm"
ln -s /dev/vfio/devices/vfio7.bak "$H/proc/4444/fd/9"

sp disable $PF >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && grep -q "VF 0000:03:02.0: 4343 (qemu-kvm)" "$tmp/out" &&
   grep -q "0000:03:02.1 (tenant 'red', domain 'db1')" "$tmp/out" &&
   ! grep -q "4444" "$tmp/out" && grep -q 'disable --force' "$tmp/out"; then
	ok "disable while assigned and a group is held: refused, naming both; vfio7.bak is no node"
else
	not_ok "disable while assigned and a group is held: exit $rc"
	diag "$tmp/out"
fi

# what the tree holds, to tell that a dry run changes nothing
tree_sum() {
	(cd "$H" && find . \( -path ./var/log -o -path ./var/lib/srpass/lock \) -prune -o -print | LC_ALL=C sort |
		while read -r f; do
			if [ -L "$f" ]; then printf '%s -> %s\n' "$f" "$(readlink "$f")"
			elif [ -f "$f" ]; then printf '%s %s\n' "$f" "$(cksum <"$f")"
			else printf '%s\n' "$f"; fi
		done)
}
tree_sum >"$tmp/before"
sp disable $PF --dry-run --force >"$tmp/out" 2>&1
rc=$?
tree_sum >"$tmp/after"
if [ "$rc" -eq 0 ] && cmp -s "$tmp/before" "$tmp/after" &&
   grep -q "release 0000:03:02.0 of tenant 'blue', domain 'web1' first (--force)" "$tmp/out" &&
   grep -q "sriov_numvfs 8 -> 0" "$tmp/out"; then
	ok "disable --dry-run --force: tells the releases and the change, changes nothing"
else
	not_ok "disable --dry-run --force: exit $rc"
	diff "$tmp/before" "$tmp/after" >"$tmp/diff"
	diag "$tmp/out"
	diag "$tmp/diff"
fi

sp disable $PF --force --json >"$tmp/out" 2>"$tmp/err"
rc=$?
ledger=$H/var/lib/srpass/ledger.json
if [ "$rc" -eq 0 ] && [ "$(cat "$H/sys/bus/pci/devices/$PF/sriov_numvfs")" = 0 ] &&
   grep -q '"forced": *true' "$tmp/out" && grep -q '"changed": *true' "$tmp/out" &&
   ! grep -q '0000:03:02\.[01]' "$ledger" && ! grep -q '"pending"' "$ledger"; then
	ok "disable --force --json: both released first (the ledger forgets them), the VFs go"
else
	not_ok "disable --force --json: exit $rc"
	diag "$tmp/out"
	diag "$tmp/err"
	diag "$ledger"
fi

sp history >"$tmp/out" 2>&1
if [ "$(grep -c "disable  *$PF --force" "$tmp/out")" -eq 2 ] &&
   ! grep -q -- "--dry-run" "$tmp/out"; then
	ok "history: the second --force too (with --json given), the dry run not"
else
	not_ok "history: the second --force, and no dry run"
	diag "$tmp/out"
fi

sp disable $PF --vfs 3 >"$tmp/out" 2>&1
rc1=$?
sp enable $PF --vfs 2 --force >>"$tmp/out" 2>&1
rc2=$?
if [ "$rc1" -eq 2 ] && [ "$rc2" -eq 2 ]; then
	ok "disable takes no --vfs, enable no --force (exit 2)"
else
	not_ok "disable --vfs: exit $rc1, enable --force: exit $rc2"
	diag "$tmp/out"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
