#!/bin/sh
# srpass tests -- exit codes and messages: bad input exits 2 (audit: 3,
# its "could not run"), a refusal 1; every message starts "srpass CMD:",
# says what would be right (the tenants, the tenant's VLANs and MAC
# prefix, the known backends, the range), has no doubled quote and no
# strerror() tail where the reason is already said; a refusal changes
# nothing.  Needs BUILD; prints TAP.
set -u

BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t38-exits.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/tap.sh"

H=$tmp/host
demo_host "$H" || { echo "Bail out! mkhost failed"; exit 1; }
VF=0000:03:02.0
# the switch simulator writes its state files on first sight of a PF
"$BUILD/srpass-sim" --root "$H" audit >/dev/null 2>&1

# expect WANT_RC 'WHAT' 'GREP PATTERN' srpass-args...: exit code, a
# message matching the pattern, the house style, and an unchanged tree
# (but the lock file, which names its last holder, and the history, which
# records the refusal)
expect() {
	want=$1
	what=$2
	pat=$3
	shift 3
	(cd "$H" && find . -type f ! -path ./var/lib/srpass/lock ! -path ./var/lib/srpass/history.jsonl -exec md5sum {} + | sort -k 2) \
		>"$tmp/before"
	"$BUILD/srpass-sim" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	(cd "$H" && find . -type f ! -path ./var/lib/srpass/lock ! -path ./var/lib/srpass/history.jsonl -exec md5sum {} + | sort -k 2) \
		>"$tmp/after"
	bad=""
	[ "$rc" -eq "$want" ] || bad="$bad exit $rc, want $want;"
	grep -q -- "$pat" "$tmp/err" || bad="$bad no '$pat';"
	grep -q "^srpass [a-z]*: " "$tmp/err" || bad="$bad no 'srpass CMD:' prefix;"
	grep -q "''" "$tmp/err" && bad="$bad a doubled quote;"
	grep -q 'Operation not permitted\|No such file or directory\|Invalid argument$' "$tmp/err" &&
		bad="$bad a strerror tail;"
	[ -s "$tmp/out" ] && bad="$bad stdout not empty;"
	cmp -s "$tmp/before" "$tmp/after" || bad="$bad the tree changed;"
	if [ -z "$bad" ]; then
		ok "$what: exit $want, '$pat'"
	else
		not_ok "$what:$bad"
		diag "$tmp/err"
	fi
}

R="--root $H"
# shellcheck disable=SC2086 # $R is two words
{
expect 2 "a bad domain name" "domain name 'a/b' is not valid" \
	$R assign $VF --tenant blue --domain a/b --vlan 101
expect 2 "assign without --domain" "--domain D is required" \
	$R assign $VF --tenant blue --vlan 101
expect 2 "an unknown backend" "unknown backend 'xem' (known: kvm" \
	$R assign $VF --tenant blue --domain web1 --vlan 101 --backend xem
expect 2 "an unknown tenant" "tenant 'green' is not in .* (its tenants: blue, red, vault)" \
	$R assign $VF --tenant green --domain web1
expect 2 "a VLAN outside 802.1Q's ids" "not a VLAN id (1-4094)" \
	$R assign $VF --tenant blue --domain web1 --vlan 4095
expect 1 "a VLAN not the tenant's" "not one of the VLANs of tenant 'blue' (100-109)" \
	$R assign $VF --tenant blue --domain web1 --vlan 200
expect 1 "a MAC outside the tenant's prefix" "outside the mac_prefix 02:16:3e:0b of tenant 'blue'" \
	$R assign $VF --tenant blue --domain web1 --vlan 101 --mac 02:16:3e:0d:00:01
expect 1 "release --strict of a VF nobody holds" "VF $VF is not assigned (not in the ledger)" \
	$R release --strict $VF
expect 3 "audit of an unknown tenant" "'nosuch' is not in the configuration (its tenants: blue, red, vault)" \
	$R audit --tenant nosuch
}
# shellcheck disable=SC2086
expect 2 "enable beyond sriov_totalvfs" "supports at most 64 VFs (sriov_totalvfs), not 99" \
	$R enable 0000:03:00.0 --vfs 99
# shellcheck disable=SC2086
expect 2 "enable of a function that is no PF" "0000:03:02.0 is not an SR-IOV PF" \
	$R enable $VF --vfs 2
expect 2 "a relative root" "host root 'rel/root' is not an absolute path" \
	--root rel/root list
expect 2 "a root that is not a directory" "is not a directory" \
	--root "$TOP/README.md" list

# repeats are unchanged and exit 0: assign twice, release twice; the
# strict assign between them is refused
repeat() {
	want=$1
	shift
	"$BUILD/srpass-sim" --root "$H" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 0 ] && grep -Eq "$want" "$tmp/out" && [ ! -s "$tmp/err" ]; then
		ok "a repeated '$*': exit 0, $(head -n 1 "$tmp/out")"
	else
		not_ok "a repeated '$*': exit $rc"
		diag "$tmp/out"
		diag "$tmp/err"
	fi
}
"$BUILD/srpass-sim" --root "$H" assign $VF --tenant blue --domain web1 --vlan 101 >/dev/null 2>&1
same="^unchanged: $VF is assigned to tenant 'blue', domain 'web1' already"
repeat "$same" assign $VF --tenant blue --domain web1 --vlan 101
repeat "$same" assign $VF --tenant blue --domain web1
# shellcheck disable=SC2086
expect 1 "assign --strict of a VF assigned so" "already assigned to tenant 'blue'" \
	$R assign $VF --tenant blue --domain web1 --vlan 101 --strict
repeat "^released $VF" release $VF
repeat "^unchanged: $VF is not assigned" release $VF

# a configuration with a bad value: the file, the line, the key
cp "$H/etc/srpass/srpass.conf" "$tmp/conf.good"
sed 's/^vlans = 100-109$/vlans = 100-5000/' "$tmp/conf.good" >"$H/etc/srpass/srpass.conf"
# shellcheck disable=SC2086
expect 2 "a bad configuration" "srpass.conf:[0-9]*: \[tenant:blue\] vlans" \
	$R assign $VF --tenant blue --domain web1 --vlan 101
cp "$tmp/conf.good" "$H/etc/srpass/srpass.conf"

echo "1..$n"
