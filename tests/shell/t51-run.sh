#!/bin/sh
# srpass tests -- `srpass run` on the demo host: COMMAND gets the VFs'
# -device vfio-pci words (appended, or in place of {srpass}), its exit
# status is srpass's (128+N for signal N), the VFs are released however it
# ends, SIGTERM to srpass reaches it, a VF that cannot be assigned leaves
# nothing assigned and COMMAND unstarted; srpass SIGKILLed while COMMAND
# runs leaves the guest's pid in the ledger, recover keeps its VFs while
# it lives, audit reports them (SRP-LEDGER-004) once it is gone and
# recover then releases them.  --json: one document, COMMAND's stdout on
# stderr.  Needs BUILD, root (a mount namespace) and python3; prints TAP.
set -u

BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)

# srpass reads a guest's /proc/PID/stat under the host root, as it reads
# every host file.  The demo host's root has a hand-made proc/ (cmdline,
# interrupts), and the guests here are real processes of this machine:
# faking their stat files would test the fake.  So the test runs in a
# mount namespace of its own with the real /proc bound over ROOT/proc:
# srpass-sim then sees the real pids and start times of its children,
# through the same openat2(RESOLVE_IN_ROOT) path it uses on a real host,
# and a guest that dies really disappears (or is a zombie).  Only this
# test's namespace sees the mount; it goes with the test.
if [ -z "${T51_NS:-}" ]; then
	if [ "$(id -u)" -eq 0 ] && unshare -m --propagation private true 2>/dev/null; then
		T51_NS=1 exec unshare -m --propagation private sh "$0" "$@"
	fi
	echo "ok 1 - # SKIP srpass run's tests need root and unshare -m (a mount namespace)"
	echo "1..1"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t51-run.XXXXXX") || exit 1
H=$tmp/host
# never let rm -rf walk into the bound /proc
trap 'umount "$H/proc" 2>/dev/null; rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"

demo_host "$H" || { echo "Bail out! mkhost failed"; exit 1; }
mount --bind /proc "$H/proc" || { echo "Bail out! cannot bind /proc into the root"; exit 1; }
sp() { "$BUILD/srpass-sim" --root "$H" "$@"; }
# in the background, srpass itself (not a subshell) must be $!
SP="$BUILD/srpass-sim --root $H"
LEDGER=$H/var/lib/srpass/ledger.json
VF1=0000:03:02.0
VF2=0000:03:02.2
RED=0000:03:02.1

# the VFs the ledger assigns, one per line
assigned() {
	[ -f "$LEDGER" ] || return 0
	python3 -c 'import json,sys
for a in json.load(open(sys.argv[1]))["assignments"]: print(a["vf"])' "$LEDGER" | sort
}
# the guest pids the ledger records, one per line ("-" for none)
guests() {
	python3 -c 'import json,sys
for a in json.load(open(sys.argv[1]))["assignments"]:
    g = a.get("guest"); print(g["pid"] if g else "-")' "$LEDGER" | sort -u
}
# wait until file $1 is not empty (at most 10 s)
await() {
	i=0
	while [ ! -s "$1" ] && [ "$i" -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -s "$1" ]
}
# gone PID: not in /proc, or a zombie
gone() {
	[ ! -e "/proc/$1" ] || [ "$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

# COMMAND: records its argv, one word a line, into $1, then exits 3
cat >"$tmp/rec.sh" <<'EOF'
#!/bin/sh
out=$1
shift
printf '%s\n' "$@" >"$out"
exit 3
EOF
chmod +x "$tmp/rec.sh"

# ---- 1: the argv, the exit status, the release ----
sp run --tenant blue --domain web1 --vlan 101 "$VF2" "$VF1" -- "$tmp/rec.sh" "$tmp/argv1" -m 1G \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
want="-m
1G
-device
vfio-pci,host=$VF1,id=hostdev-0000-03-02-0
-device
vfio-pci,host=$VF2,id=hostdev-0000-03-02-2"
if [ "$rc" -eq 3 ] && [ "$(cat "$tmp/argv1")" = "$want" ]; then
	ok "run: COMMAND gets the VFs' -device vfio-pci words appended (BDF order); exit 3 is srpass's"
else
	not_ok "run: argv and exit 3 (exit $rc)"
	diag "$tmp/argv1"
	diag "$tmp/err"
fi
if [ -z "$(assigned)" ] && [ -z "$(sp list --tenant blue -H -o bdf)" ] &&
   grep -q "released $VF1" "$tmp/err" && grep -q "released $VF2" "$tmp/err"; then
	ok "run: both VFs released after COMMAND exits (ledger and list)"
else
	not_ok "run: VFs released after COMMAND exits"
	assigned >"$tmp/a"
	diag "$tmp/a"
	diag "$tmp/err"
fi
if [ ! -s "$tmp/out" ]; then
	ok "run: srpass's own lines go to stderr (stdout is COMMAND's)"
else
	not_ok "run: srpass wrote to stdout"
	diag "$tmp/out"
fi

# ---- 2: {srpass} ----
sp run --tenant blue --domain web1 --vlan 101 "$VF1" -- "$tmp/rec.sh" "$tmp/argv2" -name x \
	'{srpass}' -nographic >/dev/null 2>"$tmp/err"
rc=$?
want="-name
x
-device
vfio-pci,host=$VF1,id=hostdev-0000-03-02-0
-nographic"
if [ "$rc" -eq 3 ] && [ "$(cat "$tmp/argv2")" = "$want" ] && [ -z "$(assigned)" ]; then
	ok "run: {srpass} is replaced by the words, in place"
else
	not_ok "run: {srpass} substitution (exit $rc)"
	diag "$tmp/argv2"
	diag "$tmp/err"
fi

# ---- 3: COMMAND killed by SIGKILL ----
sp run --tenant blue --domain web1 --vlan 101 "$VF1" -- sh -c 'kill -KILL $$' \
	>/dev/null 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 137 ] && [ -z "$(assigned)" ]; then
	ok "run: COMMAND killed by SIGKILL -> exit 137, VF released"
else
	not_ok "run: COMMAND killed by SIGKILL: exit $rc, want 137; assigned: $(assigned)"
	diag "$tmp/err"
fi

# ---- 4: SIGTERM to srpass reaches COMMAND ----
rm -f "$tmp/pid4" "$tmp/term4"
$SP run --tenant blue --domain web1 --vlan 101 "$VF1" "$VF2" -- sh -c '
	trap "echo TERM >$1; exit 5" TERM
	echo $$ >$2
	while :; do sleep 0.1; done' sh "$tmp/term4" "$tmp/pid4" >/dev/null 2>"$tmp/err" &
spid=$!
if await "$tmp/pid4" && [ "$(assigned | wc -l)" -eq 2 ]; then
	kill -TERM "$spid"
	wait "$spid"
	rc=$?
else
	rc=none
fi
if [ "$rc" = 5 ] && grep -qx TERM "$tmp/term4" && [ -z "$(assigned)" ]; then
	ok "run: SIGTERM to srpass is forwarded; COMMAND's exit 5 passed through; VFs released"
else
	not_ok "run: SIGTERM forwarded (exit $rc), VFs released (assigned: $(assigned))"
	diag "$tmp/err"
	kill -KILL "$spid" 2>/dev/null
fi

# ---- 5: the second VF cannot be assigned ----
sp assign "$RED" --tenant red --domain db1 >/dev/null 2>&1 || { echo "Bail out! assign"; exit 1; }
sp assign "$RED" --tenant blue --domain web1 --vlan 101 --strict >/dev/null 2>"$tmp/assign.err"
want_rc=$?
rm -f "$tmp/started"
sp run --tenant blue --domain web1 --vlan 101 "$VF1" "$RED" -- touch "$tmp/started" \
	>/dev/null 2>"$tmp/err"
rc=$?
if [ "$want_rc" -ne 0 ] && [ "$rc" -eq "$want_rc" ] && [ ! -e "$tmp/started" ] &&
   [ "$(assigned)" = "$RED" ] && grep -q "$RED" "$tmp/err"; then
	ok "run: another tenant's VF second -> exit $rc as assign's, the first released, COMMAND never started"
else
	not_ok "run: a failing second VF (exit $rc, assign's $want_rc; assigned: $(assigned))"
	diag "$tmp/err"
fi
sp release "$RED" >/dev/null 2>&1

# ---- 6: --json ----
sp run --json --tenant blue --domain web1 --vlan 101 "$VF1" -- sh -c 'echo hello; exit 4' \
	>"$tmp/json" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 4 ] && grep -qx hello "$tmp/err" && python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == 1 and d["command"] == "run" and d["changed"] is True, d
assert d["tenant"] == "blue" and d["domain"] == "web1" and d["vfs"] == [sys.argv[2]], d
assert d["argv"][:3] == ["sh", "-c", "echo hello; exit 4"], d
assert "vfio-pci,host=" + sys.argv[2] + ",id=hostdev-0000-03-02-0" in d["argv"], d
assert d["exit"] == {"code": 4, "status": 4, "signal": None}, d
assert d["released"] is True, d
' "$tmp/json" "$VF1" 2>"$tmp/py"; then
	ok "run --json: one document (vfs, argv, exit), COMMAND's stdout on stderr"
else
	not_ok "run --json (exit $rc)"
	diag "$tmp/json"
	diag "$tmp/py"
fi

# ---- 7: srpass SIGKILLed while COMMAND runs ----
rm -f "$tmp/pid7"
$SP run --tenant blue --domain web1 --vlan 101 "$VF1" "$VF2" -- sh -c 'echo $$ >$1; exec sleep 300' \
	sh "$tmp/pid7" >/dev/null 2>"$tmp/err" &
spid=$!
if await "$tmp/pid7"; then
	gpid=$(cat "$tmp/pid7")
else
	gpid=none
fi
kill -KILL "$spid" 2>/dev/null
wait "$spid" 2>/dev/null
if [ "$(assigned | wc -l)" -eq 2 ] && [ "$(guests)" = "$gpid" ]; then
	ok "run SIGKILLed: the ledger keeps both VFs with the guest's pid $gpid"
else
	not_ok "run SIGKILLed: the ledger's guests '$(guests)', want '$gpid'"
	diag "$LEDGER" 40
fi
sp recover >"$tmp/rec1" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && [ "$(assigned | wc -l)" -eq 2 ] && grep -q "keep $VF1" "$tmp/rec1"; then
	ok "recover keeps the VFs while the guest runs"
else
	not_ok "recover keeps the VFs while the guest runs (exit $rc)"
	diag "$tmp/rec1"
fi
sp audit --json >"$tmp/audit1" 2>&1
if ! grep -q SRP-LEDGER-004 "$tmp/audit1"; then
	ok "audit: no SRP-LEDGER-004 while the guest runs"
else
	not_ok "audit: SRP-LEDGER-004 while the guest runs"
fi
kill -KILL "$gpid" 2>/dev/null
i=0
while ! gone "$gpid" && [ "$i" -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
sp audit --json >"$tmp/audit2" 2>&1
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
f = [x for x in d["findings"] if x["id"] == "SRP-LEDGER-004"]
assert sorted(x["subject"] for x in f) == sorted(sys.argv[2:4]), f
assert all(x["severity"] == "warning" and x["tenant"] == "blue" and
           "srpass recover" in x["remedy"] and sys.argv[4] in x["evidence"] for x in f), f
' "$tmp/audit2" "$VF1" "$VF2" "$gpid" 2>"$tmp/py"; then
	ok "audit: SRP-LEDGER-004 (warning, remedy srpass recover) for each VF of the dead guest"
else
	not_ok "audit: SRP-LEDGER-004 for the dead guest's VFs"
	diag "$tmp/py"
fi
sp recover >"$tmp/rec2" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && [ -z "$(assigned)" ] && grep -q "release $VF1" "$tmp/rec2"; then
	ok "recover releases the VFs of the guest that is gone"
else
	not_ok "recover releases the dead guest's VFs (exit $rc; assigned: $(assigned))"
	diag "$tmp/rec2"
fi

# ---- 8: bad usage ----
sp run --tenant blue --domain web1 "$VF1" >/dev/null 2>&1
rc1=$?
sp run --tenant blue --domain web1 -- true >/dev/null 2>&1
rc2=$?
if [ "$rc1" -eq 2 ] && [ "$rc2" -eq 2 ] && [ -z "$(assigned)" ]; then
	ok "run without COMMAND or without a VF: exit 2, nothing assigned"
else
	not_ok "run's usage errors: exit $rc1 and $rc2, want 2"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
