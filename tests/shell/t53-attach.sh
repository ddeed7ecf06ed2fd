#!/bin/sh
# srpass tests -- attach and detach over QMP, against a stand-in QEMU
# monitor (tests/tools/fakeqmp.py; the real QEMU is the VM suite's,
# tests/vm/guest/nested.sh) on the demo host: device_add carries exactly
# the properties `srpass launch qemu` prints; attach and detach are
# idempotent; a VF of another domain or not assigned is refused before
# QEMU is asked; QEMU's own error is shown verbatim; a device QEMU takes
# but does not show is taken back; a guest that never lets go is a
# bounded wait; a monitor that is not QMP, a symlink, a file or a socket
# outside the root are refused; both go to the history.  Needs BUILD and
# python3; prints TAP.
set -u

BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SRPASS=$BUILD/srpass-sim
FAKE=$TOP/tests/tools/fakeqmp.py
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t53-attach.XXXXXX") || exit 1
fake_pid=
trap '[ -n "$fake_pid" ] && kill $fake_pid 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT

. "$(dirname "$0")/tap.sh"

root=$tmp/root
if ! demo_host "$root"; then
	not_ok "the demo host is built"
	echo "1..$n"
	exit 1
fi
mkdir -p "$root/run"
sp() { "$SRPASS" --root "$root" "$@" >"$tmp/out" 2>"$tmp/err"; }
VF=0000:03:02.0
QID=hostdev-0000-03-02-0
sp assign $VF --tenant blue --domain web1 --vlan 101 &&
	sp assign 0000:03:02.1 --tenant red --domain db1 ||
	not_ok "two VFs assigned"

# fake MODE: (re)start the stand-in monitor at ROOT/run/web1.qmp
fake() {
	[ -n "$fake_pid" ] && kill $fake_pid 2>/dev/null && wait $fake_pid 2>/dev/null
	rm -f "$root/run/web1.qmp" "$tmp/qmp.log"
	: >"$tmp/qmp.log"
	python3 "$FAKE" "$root/run/web1.qmp" "$tmp/qmp.log" "$1" &
	fake_pid=$!
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		[ -S "$root/run/web1.qmp" ] && return 0
		sleep 0.1
	done
	return 1
}
# expect RC DESC ARGS...: srpass ARGS exits RC (stdout, stderr kept)
expect() {
	_rc=$1 _d=$2
	shift 2
	sp "$@"
	_got=$?
	if [ "$_got" -eq "$_rc" ]; then
		ok "$_d"
		return 0
	fi
	not_ok "$_d (exit $_got, not $_rc)"
	diag "$tmp/err"
	return 1
}
# cmds: the QMP commands the monitor got, one word each
cmds() { python3 -c 'import json,sys; print(" ".join(json.loads(l)["execute"] for l in open(sys.argv[1])))' "$tmp/qmp.log"; }

fake ok || not_ok "the stand-in monitor starts"
expect 0 "attach $VF --domain web1 --qmp /run/web1.qmp --bus rp0" \
	attach $VF --domain web1 --qmp /run/web1.qmp --bus rp0
grep -q "^attached $VF to web1 as $QID\$" "$tmp/out" && ok "attach says what it did" ||
	{ not_ok "attach says what it did"; diag "$tmp/out"; }
"$SRPASS" --root "$root" launch qemu --domain web1 $VF --bus rp0 >"$tmp/launch"
if python3 - "$tmp/qmp.log" "$tmp/launch" <<'EOF'
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
assert [m["execute"] for m in log] == ["qmp_capabilities", "qom-get", "device_add", "qom-get"], log
assert log[1]["arguments"] == {"path": "/machine/peripheral/hostdev-0000-03-02-0", "property": "realized"}, log[1]
words = open(sys.argv[2]).read().split()
assert words[0] == "-device", words
driver, *props = words[1].split(",")
want = dict(p.split("=", 1) for p in props)
want["driver"] = driver
assert log[2]["arguments"] == want, (log[2]["arguments"], want)
EOF
then
	ok "device_add has exactly the properties of srpass launch qemu, then qom-get checks it is realized"
else
	not_ok "device_add has exactly the properties of srpass launch qemu, then qom-get checks it is realized"
fi
: >"$tmp/qmp.log"
expect 0 "attach again: exit 0" attach $VF --domain web1 --qmp /run/web1.qmp --bus rp0 --json
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["changed"] is False and d["id"] == sys.argv[2] and d["tenant"] == "blue" and d["domain"] == "web1", d' \
	"$tmp/out" $QID 2>"$tmp/py" && [ "$(cmds)" = "qmp_capabilities qom-get" ]; then
	ok "attach again: unchanged (changed false in --json), no second device_add"
else
	not_ok "attach again: unchanged (changed false in --json), no second device_add"
	diag "$tmp/py"
fi

: >"$tmp/qmp.log"
expect 1 "attach to another domain: exit 1" attach $VF --domain db1 --qmp /run/web1.qmp &&
	grep -q "$VF is assigned to blue/web1, not to domain 'db1'" "$tmp/err" && [ ! -s "$tmp/qmp.log" ] &&
	ok "... naming the owner, and QEMU is never asked" ||
	not_ok "... naming the owner, and QEMU is never asked"
expect 1 "attach of a VF not assigned: exit 1" attach 0000:03:02.3 --domain web1 --qmp /run/web1.qmp &&
	grep -q "0000:03:02.3 is not assigned" "$tmp/err" && ok "... saying so" || not_ok "... saying so"

expect 0 "detach $VF --qmp /run/web1.qmp" detach $VF --qmp /run/web1.qmp
grep -q "^detached $VF ($QID) from web1\$" "$tmp/out" &&
	[ "$(cmds)" = "qmp_capabilities qom-get device_del qom-get" ] &&
	ok "detach waited for DEVICE_DELETED of $QID (not another device's)" ||
	{ not_ok "detach waited for DEVICE_DELETED of $QID"; diag "$tmp/out"; }
: >"$tmp/qmp.log"
expect 0 "detach again: exit 0, unchanged" detach $VF --qmp /run/web1.qmp &&
	grep -q '^unchanged: ' "$tmp/out" && [ "$(cmds)" = "qmp_capabilities qom-get" ] &&
	ok "... and no device_del" || not_ok "... and no device_del"

fake refuse
expect 1 "QEMU refuses device_add: exit 1" attach $VF --domain web1 --qmp /run/web1.qmp &&
	grep -q "QEMU: device_add: vfio $VF: failed to open /dev/vfio/42: Device or resource busy" "$tmp/err" &&
	ok "... with QEMU's words" || { not_ok "... with QEMU's words"; diag "$tmp/err"; }

fake hide
expect 1 "QEMU takes device_add but does not realize it: exit 1" attach $VF --domain web1 --qmp /run/web1.qmp &&
	[ "$(cmds)" = "qmp_capabilities qom-get device_add qom-get device_del" ] &&
	ok "... and it is taken back (device_del)" || { not_ok "... and it is taken back"; diag "$tmp/qmp.log"; }

fake stuck
sp attach $VF --domain web1 --qmp /run/web1.qmp
expect 1 "a guest that does not let go: detach --timeout 1 exits 1" detach $VF --qmp /run/web1.qmp --timeout 1 &&
	grep -q "no DEVICE_DELETED from QEMU in 1000 ms" "$tmp/err" && ok "... saying so" ||
	{ not_ok "... saying so"; diag "$tmp/err"; }

# the wait holds up no other srpass: detach does not keep the host's lock
"$SRPASS" --root "$root" detach $VF --qmp /run/web1.qmp --timeout 3 >/dev/null 2>&1 &
det=$!
sleep 0.5
expect 0 "while detach waits for the guest, another srpass changes the host (--wait 1)" \
	--wait 1 assign 0000:03:02.3 --tenant blue --domain web2 --vlan 102
wait $det
sp release 0000:03:02.3

fake garbage
expect 1 "a monitor that is not QMP: exit 1" attach $VF --domain web1 --qmp /run/web1.qmp --timeout 2 &&
	grep -q "not a QMP message" "$tmp/err" && ok "... saying so" || { not_ok "... saying so"; diag "$tmp/err"; }

# the socket: under the root, a socket, never through a symlink
fake ok
ln -s web1.qmp "$root/run/link.qmp"
expect 2 "a symlink to the socket is refused (exit 2)" attach $VF --domain web1 --qmp /run/link.qmp &&
	grep -q "not a socket (a symlink, not followed)" "$tmp/err" && ok "... saying so" || not_ok "... saying so"
: >"$root/run/file.qmp"
expect 2 "a regular file is not a socket (exit 2)" attach $VF --domain web1 --qmp /run/file.qmp
mkdir -p "$tmp/outside"
python3 "$FAKE" "$tmp/outside/q.sock" "$tmp/outside.log" ok &
out_pid=$!
sleep 0.5
ln -s "$tmp/outside" "$root/run/out"
expect 1 "a socket outside the root, through an absolute directory symlink, is not reached" \
	attach $VF --domain web1 --qmp /run/out/q.sock
[ ! -s "$tmp/outside.log" ] && ok "... the monitor outside got nothing" || not_ok "... the monitor outside got nothing"
kill $out_pid 2>/dev/null

expect 2 "attach without --qmp: usage" attach $VF --domain web1
expect 2 "attach without --domain: usage" attach $VF --qmp /run/web1.qmp
expect 2 "a relative --qmp with --root: usage" attach $VF --domain web1 --qmp web1.qmp
expect 2 "detach --domain: usage (attach's option)" detach $VF --domain web1 --qmp /run/web1.qmp
expect 2 "--timeout 0: usage" detach $VF --qmp /run/web1.qmp --timeout 0

"$SRPASS" --root "$root" history >"$tmp/hist"
if grep -q "attach  *$VF --domain web1 --qmp /run/web1.qmp --bus rp0  *-> ok" "$tmp/hist" &&
   grep -q "detach  *$VF --qmp /run/web1.qmp  *-> ok" "$tmp/hist"; then
	ok "attach and detach are in the history"
else
	not_ok "attach and detach are in the history"
	diag "$tmp/hist"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
