#!/bin/sh
# srpass tests -- the trace of changes: every assign, release, vf set,
# enable, disable, recover and restore (not a dry run, not a usage error)
# is appended to history.jsonl with the time, the uid, the words as
# given and how it ended; `srpass history` shows them, filtered by VF or
# tenant, and as JSON.  Needs BUILD; prints TAP.
set -u

BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t41-history.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"

H=$tmp/host
demo_host "$H" || { echo "Bail out! mkhost failed"; exit 1; }
sp() { "$BUILD/srpass-sim" --root "$H" "$@"; }
HIST=$H/var/lib/srpass/history.jsonl

sp assign 0000:03:02.0 --tenant blue --domain web1 --vlan 101 >/dev/null 2>&1
sp assign 0000:03:02.1 --tenant blue --domain web1 --vlan 200 >/dev/null 2>&1	# refused
sp assign 0000:03:02.2 --tenant blue --domain web1 --vlan 102 --dry-run >/dev/null 2>&1
sp assign 0000:03:02.2 --tenant >/dev/null 2>&1					# usage
sp vf set 0000:03:02.0 vlan 103 >/dev/null 2>&1
sp vf show 0000:03:02.0 >/dev/null 2>&1
sp list >/dev/null 2>&1
sp release 0000:03:02.0 >/dev/null 2>&1
sp enable 0000:03:00.1 --vfs 2 >/dev/null 2>&1

if [ "$(wc -l <"$HIST")" -eq 5 ]; then
	ok "five changes recorded: no dry run, no usage error, no read"
else
	not_ok "five changes recorded, not $(wc -l <"$HIST")"
	diag "$HIST"
fi

if python3 - "$HIST" >"$tmp/check" 2>&1 <<'PY'
import json, re, sys, os
want = [("assign", ["0000:03:02.0", "--tenant", "blue", "--domain", "web1", "--vlan", "101"], "ok"),
        ("assign", ["0000:03:02.1", "--tenant", "blue", "--domain", "web1", "--vlan", "200"], "failed"),
        ("vf", ["set", "0000:03:02.0", "vlan", "103"], "ok"),
        ("release", ["0000:03:02.0"], "ok"),
        ("enable", ["0000:03:00.1", "--vfs", "2"], "ok")]
lines = [json.loads(l) for l in open(sys.argv[1])]
for e, (op, args, result) in zip(lines, want):
    assert e["op"] == op and e["args"] == args and e["result"] == result, e
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", e["time"]), e
    assert e["uid"] == os.getuid(), e
assert "SRP-POL-VLAN" in lines[1]["message"], lines[1]
assert "message" not in lines[0]
PY
then
	ok "each entry: op, the words as given, ok or failed with the message, time, uid"
else
	not_ok "each entry: op, the words as given, ok or failed with the message, time, uid"
	diag "$tmp/check"
fi

sp history >"$tmp/out" 2>&1
if [ "$(wc -l <"$tmp/out")" -eq 5 ] && grep -q 'assign .*0000:03:02.1.*-> failed: policy refuses' "$tmp/out"; then
	ok "srpass history: a line each, failures with their reason"
else
	not_ok "srpass history"
	diag "$tmp/out"
fi

sp history --vf 0000:03:02.0 --json >"$tmp/vf.json" 2>&1
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not (len(d) == 3 and all("0000:03:02.0" in e["args"] for e in d)))' "$tmp/vf.json"; then
	ok "srpass history --vf 0000:03:02.0 --json: its three changes, as JSON"
else
	not_ok "srpass history --vf 0000:03:02.0 --json"
	diag "$tmp/vf.json"
fi

if [ "$(sp history --tenant blue | wc -l)" -eq 2 ]; then
	ok "srpass history --tenant blue: the two assigns that name it"
else
	not_ok "srpass history --tenant blue"
fi

printf 'not json\n' >>"$HIST"
sp history >/dev/null 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 1 ] && grep -q "history.jsonl' line 6 is not a history entry" "$tmp/err"; then
	ok "a damaged history is an error naming the file and the line"
else
	not_ok "a damaged history: exit $rc"
	diag "$tmp/err"
fi

echo "1..$n"
