#!/bin/sh
# srpass tests -- what list and show show: --tenant and --free pick VFs
# by owner (in the table and in --json alike), -o picks the columns,
# --no-headers drops the heading, --color paints only when asked or on a
# terminal without NO_COLOR; show tells the owner and the switch.
# Needs BUILD; prints TAP.
set -u

BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t42-list-view.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"

H=$tmp/host
demo_host "$H" || { echo "Bail out! mkhost failed"; exit 1; }
sp() { "$BUILD/srpass-sim" --root "$H" "$@"; }
ESC=$(printf '\033')

# is WANT "$@"'s stdout, exactly?  (description from the words)
is() {
	want=$1
	shift
	sp "$@" >"$tmp/out" 2>"$tmp/err"
	if [ "$(cat "$tmp/out")" = "$want" ]; then
		ok "srpass $*"
	else
		not_ok "srpass $*: want '$want'"
		diag "$tmp/out"
		diag "$tmp/err"
	fi
}

sp assign 0000:03:02.0 --tenant blue --domain web1 --vlan 101 >/dev/null 2>&1 &&
	sp assign 0000:03:02.1 --tenant red --domain db1 >/dev/null 2>&1 ||
	{ echo "Bail out! the assigns failed"; exit 1; }

is "0000:03:02.0" list --tenant blue -H -o bdf
is "0000:03:02.1  red  db1" list -t red --no-headers -o bdf,tenant,domain
# on vfio-pci the VF has no netdev
is "0000:03:02.0  0000:03:00.0  0  -  101" list -t blue -H -o bdf,pf,index,netdev,vlan
is "PF            OWNER
0000:03:00.0  blue/web1 (kvm)" list -t blue -o pf,owner
is "" list --tenant nobody -H

# free: every VF but the two assigned and the two orphans on vfio-pci
sp list --json >"$tmp/all.json" 2>/dev/null
python3 - "$tmp/all.json" >"$tmp/free.want" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
taken = {"0000:03:02.0", "0000:03:02.1"}
for d in doc["devices"]:
    if d["kind"] == "vf" and d["address"] not in taken and d["driver"] != "vfio-pci":
        print(d["address"])
PY
sp list --free -H -o bdf >"$tmp/free" 2>"$tmp/err"
if [ -s "$tmp/free" ] && cmp -s "$tmp/free" "$tmp/free.want" &&
	! grep -q '0000:03:02.[0167]$' "$tmp/free"; then
	ok "list --free: every VF no tenant holds, none of the assigned or the orphans ($(wc -l <"$tmp/free"))"
else
	not_ok "list --free: every VF no tenant holds"
	diag "$tmp/free"
	diag "$tmp/free.want"
fi

# the filters apply to --json as well
sp list --json --free >"$tmp/free.json" 2>/dev/null
sp list --json -t blue >"$tmp/blue.json" 2>/dev/null
if python3 - "$tmp/free.json" "$tmp/free" "$tmp/blue.json" >"$tmp/py" 2>&1 <<'PY'
import json, sys
free = [d["address"] for d in json.load(open(sys.argv[1]))["devices"]]
assert free == open(sys.argv[2]).read().split(), free
blue = json.load(open(sys.argv[3]))["devices"]
assert [d["address"] for d in blue] == ["0000:03:02.0"], blue
assert blue[0]["owner"] == {"tenant": "blue", "domain": "web1", "backend": "kvm"}, blue
PY
then
	ok "list --json --free and --tenant: the same VFs as the table"
else
	not_ok "list --json --free and --tenant: the same VFs as the table"
	diag "$tmp/py"
fi

sp list >"$tmp/out" 2>/dev/null
sp list --no-headers >"$tmp/out.H" 2>/dev/null
# (the columns may narrow: the heading no longer counts)
if head -n 1 "$tmp/out" | grep -q '^DEVICE  *KIND' &&
	[ "$(tail -n +2 "$tmp/out" | tr -s ' ')" = "$(tr -s ' ' <"$tmp/out.H")" ]; then
	ok "list --no-headers: the same rows without the heading"
else
	not_ok "list --no-headers: the same rows without the heading"
	diag "$tmp/out.H" 3
fi

# usage errors: exit 2, the reason named, nothing on stdout (an error
# document with --json)
usage() {
	what=$1
	shift
	sp "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	sp --json "$@" >"$tmp/out.json" 2>/dev/null
	rc_json=$?
	if [ $rc -eq 2 ] && [ $rc_json -eq 2 ] && [ ! -s "$tmp/out" ] && grep -q "$what" "$tmp/err" &&
		python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["error"]["id"] == "usage"' \
			"$tmp/out.json" 2>/dev/null; then
		ok "srpass $*: usage error (2) naming $what, the same with --json"
	else
		not_ok "srpass $*: usage error (2) naming $what (exit $rc, with --json $rc_json)"
		diag "$tmp/err"
		diag "$tmp/out.json"
	fi
}
usage "no column 'size'" list -o bdf,size
usage "no column ''" list -o ,
usage "exclude each other" list --tenant blue --free
usage "want auto, always or never" list --color=sometimes
usage "which function" show

# colour: only when asked, or on a terminal without NO_COLOR
sp vf set --force 0000:03:02.1 trust on >/dev/null 2>&1
sp list --color=always -o bdf,trust >"$tmp/c" 2>/dev/null
if grep -q "^0000:03:02.1  ${ESC}\[1;31mon${ESC}\[0m$" "$tmp/c" && grep -q "^${ESC}\[1mDEVICE" "$tmp/c" &&
	grep -q '^0000:03:02.2  off$' "$tmp/c"; then
	ok "list --color=always: the heading bold, a trusted VF red, the rest plain"
else
	not_ok "list --color=always: the heading bold, a trusted VF red, the rest plain"
	diag "$tmp/c" 4
fi
sp list --color=never >"$tmp/c" 2>/dev/null
sp list >"$tmp/c2" 2>/dev/null
if ! grep -q "$ESC" "$tmp/c" "$tmp/c2"; then
	ok "list --color=never, and list into a pipe: no escapes"
else
	not_ok "list --color=never, and list into a pipe: no escapes"
fi
# a terminal: script(1) gives srpass a pty
if command -v script >/dev/null 2>&1; then
	env -u NO_COLOR script -qec "$BUILD/srpass-sim --root $H list" /dev/null >"$tmp/tty" 2>&1
	NO_COLOR=1 script -qec "$BUILD/srpass-sim --root $H list" /dev/null >"$tmp/tty.no" 2>&1
	NO_COLOR=1 script -qec "$BUILD/srpass-sim --root $H list --color=always" /dev/null \
		>"$tmp/tty.always" 2>&1
	if grep -q "$ESC" "$tmp/tty" && ! grep -q "$ESC" "$tmp/tty.no" && grep -q "$ESC" "$tmp/tty.always" &&
		grep -q '0000:03:02.1' "$tmp/tty.no"; then
		ok "on a terminal: colour, none with NO_COLOR, --color=always over NO_COLOR"
	else
		not_ok "on a terminal: colour, none with NO_COLOR, --color=always over NO_COLOR"
		diag "$tmp/tty" 3
		diag "$tmp/tty.no" 3
	fi
else
	ok "# SKIP script(1) (bsdutils) is not installed"
fi

# show: the owner and the switch, in text and JSON
sp show 0000:03:02.0 >"$tmp/show" 2>&1
if grep -q '^owner  *tenant blue, domain web1 (kvm)$' "$tmp/show" &&
	grep -q '^switch  *mac [0-9a-f:]*, vlan 101, spoofchk on, trust off$' "$tmp/show"; then
	ok "show VF: its owner and its switch settings"
else
	not_ok "show VF: its owner and its switch settings"
	diag "$tmp/show"
fi
sp show --json 0000:03:02.0 >"$tmp/v.json" 2>/dev/null
sp show --json 0000:03:00.0 >"$tmp/pf.json" 2>/dev/null
sp show --json 0000:03:02.2 >"$tmp/free.json" 2>/dev/null
if python3 - "$tmp/v.json" "$tmp/pf.json" "$tmp/free.json" >"$tmp/py" 2>&1 <<'PY'
import json, sys
v, pf, free = (json.load(open(f)) for f in sys.argv[1:4])
assert v["version"] == 1 and v["address"] == "0000:03:02.0", v
assert v["owner"] == {"tenant": "blue", "domain": "web1", "backend": "kvm"}, v
assert v["switch"]["vlan"] == 101 and v["switch"]["spoofchk"] is True, v
assert pf["version"] == 1 and "owner" not in pf and "switch" not in pf, pf
assert free["owner"] is None and free["switch"]["vlan"] == 0, free
PY
then
	ok "show --json: version; a VF's owner and switch (null where there is none), a PF without them"
else
	not_ok "show --json: version; a VF's owner and switch (null where there is none), a PF without them"
	diag "$tmp/py"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
