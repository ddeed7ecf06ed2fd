#!/bin/sh
# srpass tests -- `srpass config check [FILE]` validates a configuration
# without touching the host (nginx -t): ok and a summary, or exit 2 with
# the file and line; and with a broken configuration the read-only
# commands (list, show, check, history) still run on the defaults,
# warning once, while the commands that need the policy refuse (2).
# Needs BUILD; prints TAP.
set -u

BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t43-config.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"

H=$tmp/host
demo_host "$H" || { echo "Bail out! mkhost failed"; exit 1; }
sp() { "$BUILD/srpass-sim" --root "$H" "$@"; }
CONF=$H/etc/srpass/srpass.conf
# the whole tree, to tell that a command changed nothing
snap() { (cd "$H" && find . -printf '%p %l %s %m\n' | sort && find . -type f -exec md5sum {} + | sort) >"$1"; }

snap "$tmp/before"
sp config check >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -qx '/etc/srpass/srpass.conf: ok: 3 tenants (blue, red, vault), backend kvm, state in /var/lib/srpass' "$tmp/out"; then
	ok "config check: ok, the tenants, the backend and the state directory"
else
	not_ok "config check: ok (exit $rc)"
	diag "$tmp/out"
fi

sp config check --json >"$tmp/ok.json" 2>"$tmp/err"
if python3 - "$tmp/ok.json" >"$tmp/py" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == 1 and d["command"] == "config check", d
assert d["valid"] is True and d["exists"] is True and d["file"] == "/etc/srpass/srpass.conf", d
t = {x["name"]: x for x in d["tenants"]}
assert sorted(t) == ["blue", "red", "vault"], t
assert t["blue"]["vlans"] == "100-109" and t["blue"]["pfs"] == ["0000:03:00.0"], t["blue"]
assert t["red"]["vlans"] == "200", t["red"]
PY
then
	ok "config check --json: every tenant with its PFs and VLANs, as the file has them"
else
	not_ok "config check --json: every tenant with its PFs and VLANs"
	diag "$tmp/py"
fi

# a file of one's own, under the root; a relative one only without --root
printf '[tenant:x]\nvlans = 5000\n' >"$H/etc/srpass/bad.conf"
printf '[global]\nbackend = kvm\n[tenant:t1]\npfs = 0000:03:00.0\nvlans = 300-301\n' >"$H/etc/srpass/other.conf"
sp config check /etc/srpass/other.conf >"$tmp/out" 2>&1
if [ $? -eq 0 ] && grep -q '^/etc/srpass/other.conf: ok: 1 tenant' "$tmp/out"; then
	ok "config check FILE: that file, not the host's"
else
	not_ok "config check FILE: that file, not the host's"
	diag "$tmp/out"
fi
sp config check /etc/srpass/bad.conf >"$tmp/out" 2>"$tmp/err"
rc=$?
sp config check --json /etc/srpass/bad.conf >"$tmp/bad.json" 2>/dev/null
rc_json=$?
if [ $rc -eq 2 ] && [ $rc_json -eq 2 ] && [ ! -s "$tmp/out" ] &&
	grep -q "^srpass config: /etc/srpass/bad.conf:2: \[tenant:x\] vlans: bad VLAN '5000'" "$tmp/err" &&
	python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["error"]; assert e["id"] == "bad-input" and "bad.conf:2" in e["message"]' "$tmp/bad.json"; then
	ok "config check of a bad file: exit 2, the file, the line and the reason (and as a JSON error)"
else
	not_ok "config check of a bad file: exit 2 naming file and line (exit $rc, --json $rc_json)"
	diag "$tmp/err"
	diag "$tmp/bad.json"
fi
sp config check etc/srpass/bad.conf >/dev/null 2>"$tmp/err"
if [ $? -eq 2 ] && grep -q 'FILE must be absolute' "$tmp/err"; then
	ok "config check with --root and a relative FILE: a usage error, not a read outside the root"
else
	not_ok "config check with --root and a relative FILE: a usage error"
	diag "$tmp/err"
fi
sp config check /etc/srpass/nosuch.conf >/dev/null 2>"$tmp/err"
if [ $? -eq 2 ] && grep -q 'nosuch.conf' "$tmp/err"; then
	ok "config check of a FILE that is not there: exit 2, naming it"
else
	not_ok "config check of a FILE that is not there: exit 2, naming it"
	diag "$tmp/err"
fi
rm -f "$H/etc/srpass/bad.conf" "$H/etc/srpass/other.conf"
snap "$tmp/after"
if cmp -s "$tmp/before" "$tmp/after"; then
	ok "config check changed nothing under the root"
else
	not_ok "config check changed nothing under the root"
	diff "$tmp/before" "$tmp/after" | head -5 | sed 's/^/# /'
fi

# no configuration at all: the defaults, and that is fine
mv "$CONF" "$tmp/saved.conf"
sp config check --json >"$tmp/none.json" 2>&1
if [ $? -eq 0 ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["exists"] is False and d["valid"] is True and d["tenants"] == []' "$tmp/none.json"; then
	ok "config check without a file: valid, the defaults, no tenants"
else
	not_ok "config check without a file: valid, the defaults"
	diag "$tmp/none.json"
fi

# a broken host configuration: read-only commands warn once and run
# (with something in the history for `history` to show)
sp enable 0000:03:00.1 --vfs 2 >/dev/null 2>&1 || { echo "Bail out! enable failed"; exit 1; }
printf '[global]\nbackend = kvm\n[tenant:blue]\nvlans = 100-\n' >"$CONF"
for cmd in "list" "show 0000:03:02.0" "check" "history" "list --json"; do
	# shellcheck disable=SC2086
	sp $cmd >"$tmp/out" 2>"$tmp/err"
	rc=$?
	want=0
	[ "$cmd" = check ] && want=1	# the demo host's ACS warning, config or not
	if [ $rc -eq $want ] && [ -s "$tmp/out" ] && [ "$(grep -c 'warning: the configuration is not used' "$tmp/err")" -eq 1 ] &&
		grep -q 'srpass.conf:4' "$tmp/err"; then
		ok "a broken srpass.conf: '$cmd' runs (exit $rc) and warns once, naming file and line"
	else
		not_ok "a broken srpass.conf: '$cmd' runs and warns once (exit $rc, want $want)"
		diag "$tmp/err"
	fi
done
snap "$tmp/before"
for cmd in "assign 0000:03:02.3 --tenant blue --domain w --vlan 101" "audit" "release 0000:03:02.3"; do
	# shellcheck disable=SC2086
	sp $cmd >"$tmp/out" 2>"$tmp/err"
	rc=$?
	want=2
	[ "$cmd" = audit ] && want=3	# audit's 2 means critical findings
	if [ $rc -eq $want ] && grep -q 'srpass.conf:4' "$tmp/err"; then
		ok "a broken srpass.conf: '$cmd' refuses ($rc), naming file and line"
	else
		not_ok "a broken srpass.conf: '$cmd' refuses (exit $rc, want $want)"
		diag "$tmp/err"
	fi
done
# (history.jsonl records the refused attempts; nothing else moves)
snap "$tmp/after"
if diff "$tmp/before" "$tmp/after" | grep '^[<>]' | grep -v 'history.jsonl' | grep -q .; then
	not_ok "the refusals changed nothing but the history"
	diff "$tmp/before" "$tmp/after" | head -5 | sed 's/^/# /'
else
	ok "the refusals changed nothing but the history"
fi
mv "$tmp/saved.conf" "$CONF"

echo "1..$n"
[ "$failed" -eq 0 ]
