#!/bin/sh
# srpass tests -- list, check and audit --json against their JSON Schemas
# (docs/schema/*.schema.json, draft 2020-12), on the demo host with
# assignments and a planted violation, and on a test host without an
# IOMMU, with a hand-written ledger.  Deliberately broken documents must
# be rejected, so the schemas are known not to accept anything.
# Needs BUILD (the build directory) and python3 with jsonschema (Debian:
# python3-jsonschema); prints TAP.
set -u

BUILD=${BUILD:-build}
MKHOST=$BUILD/tests/mkhost
SRPASS=$BUILD/srpass-sim
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
SCHEMAS=$TOP/docs/schema
PYTHON=${PYTHON:-python3}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t20-json-schema.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/tap.sh"
finish() {
	echo "1..$n"
	[ "$failed" -eq 0 ]
	exit $?
}

# ---- the validator: python3 + jsonschema, or a loud failure ----

if ! command -v "$PYTHON" >/dev/null 2>&1; then
	not_ok "$PYTHON is installed (Debian packages python3 python3-jsonschema; add them to scripts/deps.sh)"
	finish
fi
if ! "$PYTHON" -c 'import jsonschema' >"$tmp/py.err" 2>&1; then
	not_ok "$PYTHON can import jsonschema (Debian package python3-jsonschema; add it to scripts/deps.sh)"
	diag "$tmp/py.err"
	finish
fi
for f in "$SRPASS" "$MKHOST"; do
	if [ ! -x "$f" ]; then
		not_ok "$f is built (make BUILD=$BUILD $f)"
		finish
	fi
done

# validate.py SCHEMA [DOC [DEF]]: 0 if DOC (JSON, "-" for stdin) is
# valid against SCHEMA, or against SCHEMA's $defs/DEF; 1 with the errors
# on stdout if not; 2 if SCHEMA itself is not a valid draft 2020-12
# schema or DOC is not JSON.  Without DOC, only SCHEMA is checked.
cat >"$tmp/validate.py" <<'EOF'
import json, sys
import jsonschema

def main():
    schema_file = sys.argv[1]
    try:
        with open(schema_file) as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
    except Exception as e:
        print("bad schema %s: %s" % (schema_file, e))
        return 2
    if len(sys.argv) < 3:
        return 0
    doc_file = sys.argv[2]
    if len(sys.argv) > 3:
        schema = {"$schema": schema["$schema"], "$defs": schema["$defs"],
                  "$ref": "#/$defs/" + sys.argv[3]}
    try:
        if doc_file == "-":
            doc = json.load(sys.stdin)
        else:
            with open(doc_file) as f:
                doc = json.load(f)
    except Exception as e:
        print("not JSON: %s: %s" % (doc_file, e))
        return 2
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc),
                    key=lambda e: list(e.absolute_path))
    for e in errors[:10]:
        print("%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(root)",
                          e.message[:300]))
    return 1 if errors else 0

sys.exit(main())
EOF

# rejects.py SCHEMAS TMP < LIST: each line of LIST is
# NAME<TAB>SCHEMA<TAB>WHAT<TAB>CODE; TMP/NAME.json changed by CODE (Python,
# on d) must be invalid against SCHEMAS/SCHEMA.schema.json.  One line out
# per line in: "rejected", "accepted" or "error", then SCHEMA, WHAT and
# (for errors) the reason, tab-separated.  One process for all: jsonschema is slow
# to import.
cat >"$tmp/rejects.py" <<'EOF'
import copy, json, sys
import jsonschema

schemas, tmp = sys.argv[1], sys.argv[2]
validators, docs = {}, {}
for line in sys.stdin:
    name, schema, what, code = line.rstrip("\n").split("\t", 3)
    try:
        if schema not in validators:
            with open("%s/%s.schema.json" % (schemas, schema)) as f:
                validators[schema] = jsonschema.Draft202012Validator(json.load(f))
        if name not in docs:
            with open("%s/%s.json" % (tmp, name)) as f:
                docs[name] = json.load(f)
        d = copy.deepcopy(docs[name])
        exec(code, {"d": d})
    except Exception as e:
        print("error\t%s\t%s\t%s" % (schema, what, repr(e)[:300]))
        continue
    print("%s\t%s\t%s" % ("accepted" if validators[schema].is_valid(d) else "rejected", schema,
                          what))
EOF

validate() {
	"$PYTHON" "$tmp/validate.py" "$@"
}

for s in list check audit; do
	if validate "$SCHEMAS/$s.schema.json" >"$tmp/out" 2>&1; then
		ok "docs/schema/$s.schema.json is a valid draft 2020-12 schema"
	else
		not_ok "docs/schema/$s.schema.json is a valid draft 2020-12 schema"
		diag "$tmp/out"
	fi
done

# run_json NAME WANT_RC ARGS...: srpass --root ROOT ARGS > $tmp/NAME.json,
# and its exit status must be WANT_RC
run_json() {
	name=$1
	want=$2
	shift 2
	"$SRPASS" --root "$root" "$@" >"$tmp/$name.json" 2>"$tmp/$name.err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok "$label: srpass $* exits $want"
	else
		not_ok "$label: srpass $* exits $want (got $rc)"
		diag "$tmp/$name.err"
	fi
}

# check_doc NAME SCHEMA [DEF]: $tmp/NAME.json is valid
check_doc() {
	if validate "$SCHEMAS/$2.schema.json" "$tmp/$1.json" ${3:+"$3"} >"$tmp/out" 2>&1; then
		ok "$label: $1 is valid against $2.schema.json${3:+ \$defs/$3}"
	else
		not_ok "$label: $1 is valid against $2.schema.json${3:+ \$defs/$3}"
		diag "$tmp/out"
	fi
}

# reject NAME SCHEMA WHAT CODE: $tmp/NAME.json changed by CODE must be
# invalid; run_rejects checks all of them at once
: >"$tmp/rejects"
reject() {
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$tmp/rejects"
}
run_rejects() {
	tab=$(printf '\t')
	"$PYTHON" "$tmp/rejects.py" "$SCHEMAS" "$tmp" <"$tmp/rejects" >"$tmp/rejected" 2>&1
	while IFS=$tab read -r verdict schema what why; do
		case $verdict in
		rejected) ok "$label: $schema.schema.json rejects $what" ;;
		accepted) not_ok "$label: $schema.schema.json rejects $what (it was accepted)" ;;
		error) not_ok "$label: $schema.schema.json rejects $what: cannot build it: $why" ;;
		*) not_ok "$label: the broken documents: $verdict $schema $what $why" ;;
		esac
	done <"$tmp/rejected"
	if [ "$(wc -l <"$tmp/rejected")" -ne "$(wc -l <"$tmp/rejects")" ]; then
		not_ok "$label: every broken document was tried"
		diag "$tmp/rejected"
	fi
	: >"$tmp/rejects"
}

# ---- the demo host, as demo/run.sh sets it up, with two assignments ----

label="demo"
root=$tmp/demo
if ! "$MKHOST" -f "$TOP/demo/host.ini" "$root" >"$tmp/mkhost.log" 2>&1; then
	not_ok "demo: mkhost builds demo/host.ini"
	diag "$tmp/mkhost.log"
	finish
fi
ok "demo: mkhost builds demo/host.ini"
root=$(cd "$root" && pwd)
mkdir -p "$root/etc/srpass"
cp "$TOP/demo/srpass.conf" "$root/etc/srpass/srpass.conf"
chmod 0644 "$root/etc/srpass/srpass.conf"
if "$SRPASS" --root "$root" assign 0000:03:02.0 --tenant blue --domain web1 --vlan 101 \
		>"$tmp/assign.log" 2>&1 &&
   "$SRPASS" --root "$root" assign 0000:03:02.1 --tenant red --domain db1 \
		>>"$tmp/assign.log" 2>&1 &&
   "$SRPASS" --root "$root" vf set --force 0000:03:02.1 trust on >>"$tmp/assign.log" 2>&1; then
	ok "demo: two VFs assigned, one made trusted by hand"
else
	not_ok "demo: two VFs assigned, one made trusted by hand"
	diag "$tmp/assign.log"
fi

run_json list 0 list --json
check_doc list list
run_json check 1 check --json		# the ConnectX-5's port has no ACS
check_doc check check
run_json audit 2 audit --json		# red's VF is trusted
check_doc audit audit
run_json audit-red 2 audit --json --tenant red
check_doc audit-red audit
run_json show 0 show --json 0000:03:02.0
check_doc show show
run_json show-pf 0 show --json 0000:03:00.0
check_doc show-pf show
run_json show-free 0 show --json 0000:03:02.2
check_doc show-free show

# the documents say what the schemas are meant to check
if "$PYTHON" - "$tmp/list.json" "$tmp/audit.json" >"$tmp/out" 2>&1 <<'EOF'
import json, sys
lst = json.load(open(sys.argv[1]))
vf = [d for d in lst["devices"] if d["address"] == "0000:03:02.1"][0]
assert vf["owner"] == {"tenant": "red", "domain": "db1", "backend": "kvm"}, vf["owner"]
assert vf["switch"]["trust"] is True and vf["switch"]["vlan"] == 200, vf["switch"]
free = [d for d in lst["devices"] if d["address"] == "0000:03:02.2"][0]
assert free["owner"] is None and free["switch"] is not None, free
aud = json.load(open(sys.argv[2]))
assert aud["findings"][0]["id"] == "SRP-VF-002", aud["findings"][0]
assert aud["findings"][0]["tenant"] == "red", aud["findings"][0]
EOF
then
	ok "demo: VFs carry owner and switch; the trusted VF is the first finding"
else
	not_ok "demo: VFs carry owner and switch; the trusted VF is the first finding"
	diag "$tmp/out"
fi

# ---- the schemas are not vacuous: broken documents ----

reject list list "a document without version" 'del d["version"]'
reject list list "version 2" 'd["version"] = 2'
reject list list "an unknown top-level key" 'd["extra"] = 1'
reject list list "an unknown device kind" 'd["devices"][0]["kind"] = "bridge"'
reject list list "an upper-case address" 'd["devices"][0]["address"] = d["devices"][0]["address"].upper().replace("0000", "000A")'
reject list list "an undocumented device key" 'd["devices"][0]["colour"] = "blue"'
reject list list "a VF without owner" '[x.pop("owner") for x in d["devices"] if x["kind"] == "vf"]'
reject list list "a VF without switch" '[x.pop("switch") for x in d["devices"] if x["kind"] == "vf"]'
reject list list "a PF with an owner" '[x.update(owner=None) for x in d["devices"] if x["kind"] == "pf"]'
reject list list "a PF without sriov" '[x.pop("sriov") for x in d["devices"] if x["kind"] == "pf"]'
reject list list "vlan without qos" '[x["switch"].update(qos=None) for x in d["devices"] if x["kind"] == "vf" and x["switch"]]'
reject list list "a malformed MAC" '[x["switch"].update(mac="02:16:3E:0B:00:01") for x in d["devices"] if x["kind"] == "vf" and x["switch"]]'
reject list list "an owner with an unknown key" '[x.update(owner={"tenant": "a", "domain": "b", "backend": "kvm", "since": 1}) for x in d["devices"] if x["kind"] == "vf"]'
reject list list "a negative group id" 'd["iommu_groups"][0]["id"] = -1'
reject list list "numa_node as a string" 'd["devices"][0]["numa_node"] = "0"'

reject show show "a document without version" 'del d["version"]'
reject show show "a VF without owner" 'del d["owner"]'
reject show show "a VF without switch" 'del d["switch"]'
reject show show "an unknown key" 'd["colour"] = "blue"'
reject show-pf show "a PF with an owner" 'd["owner"] = None'
reject show-free show "an owner that is not null or an object" 'd["owner"] = "nobody"'

reject check check "an unknown status" 'd["checks"][0]["status"] = "ok"'
reject check check "a lower-case id" 'd["checks"][0]["id"] = "srp-chk-iommu"'
reject check check "an id that is not SRP-CHK-" 'd["checks"][0]["id"] = "SRP-IOMMU-001"'
reject check check "a passing item with a remedy" 'd["checks"][0]["remedy"] = "none needed"'
reject check check "a failing item without a remedy" '[x.update(remedy=None) for x in d["checks"] if x["status"] == "fail"]'
reject check check "an item without evidence" 'del d["checks"][0]["evidence"]'
reject check check "a PF subject that is not an address" '[x.update(subject="PF 3") for x in d["checks"] if x["id"] == "SRP-CHK-ACS"]'
reject check check "SRP-CHK-VFIO failing (it only warns)" '[x.update(status="fail") for x in d["checks"] if x["id"] == "SRP-CHK-VFIO"]'

reject audit audit "an unknown severity" 'd["findings"][0]["severity"] = "high"'
reject audit audit "an unknown subject kind" 'd["findings"][0]["subject_kind"] = "device"'
reject audit audit "worst clean with findings" 'd["worst"] = "clean"'
reject audit audit "worst warning with a critical finding" 'd["worst"] = "warning"'
reject audit audit "an empty tenant string" 'd["findings"][0]["tenant"] = ""'
reject audit audit "an empty remedy" 'd["findings"][0]["remedy"] = ""'
reject audit audit "a host finding about a device" 'd["findings"].append({"id": "SRP-IOMMU-001", "severity": "critical", "subject_kind": "host", "subject": "0000:03:00.0", "tenant": None, "message": "m", "evidence": "e", "remedy": "r"})'
reject audit audit "SRP-VF-002 as a warning (the table says critical)" 'd["findings"][0]["severity"] = "warning"'
reject audit audit "SRP-VF-002 about a PF (the table says vf)" 'd["findings"][0]["subject_kind"] = "pf"'
reject audit audit "SRP-VF-002 without its tenant" 'd["findings"][0]["tenant"] = None'
reject audit audit "a finding without message" 'del d["findings"][0]["message"]'
reject audit audit "an undocumented finding key" 'd["findings"][0]["rule"] = 7'
run_rejects

# ---- a test host: no IOMMU, no vfio-pci, a Xen dom0, a ledger by hand ----

label="test"
root=$tmp/test
cat >"$tmp/test.ini" <<'EOF'
; no [iommu]: no groups, no interrupt remapping
[host]
vfio = no
simulated = yes

[hostbridge 0000:00]
numa = 0

[port 0000:00:01.0]
id = 8086:2030
buses = 03
acs = off
ari = off

; VFs at 03:10.0 and 03:10.2 (offset 128, stride 2): ARI needed; both
; on vfio-pci without srpass knowing one of them
[pf 0000:03:00.0]
id = 8086:10fb
class = 020000
driver = ixgbe
totalvfs = 8
numvfs = 2
offset = 128
stride = 2
vf_id = 10ed
vf_driver = vfio-pci

; an adapter without VFs to give
[pf 0000:00:04.0]
id = 8086:1521
class = 020000
driver = igb
totalvfs = 7
numvfs = 0
offset = 128
stride = 4
vf_id = 1520
EOF
if ! "$MKHOST" -f "$tmp/test.ini" "$root" >"$tmp/mkhost.log" 2>&1; then
	not_ok "test: mkhost builds the test host"
	diag "$tmp/mkhost.log"
	finish
fi
ok "test: mkhost builds the test host"
root=$(cd "$root" && pwd)
mkdir -p "$root/etc/srpass" "$root/var/lib/srpass" "$root/proc/xen"
chmod 0700 "$root/var/lib/srpass"
echo control_d >"$root/proc/xen/capabilities"
cat >"$root/etc/srpass/srpass.conf" <<'EOF'
[tenant:blue]
pfs = 0000:03:00.0
vlans = 100
EOF
chmod 0644 "$root/etc/srpass/srpass.conf"
# VF 0 to a tenant the configuration does not know; VF 5, which is not
# enabled; an enable that was interrupted
cat >"$root/var/lib/srpass/ledger.json" <<'EOF'
{ "version": 1,
  "assignments": [
    { "vf": "0000:03:10.0", "pf": "0000:03:00.0", "vf_index": 0, "tenant": "Ghost.1",
      "domain": "vm1", "backend": "kvm", "orig_driver": "ixgbevf",
      "orig_driver_override": null, "orig_switch": null, "applied": null },
    { "vf": "0000:03:11.2", "pf": "0000:03:00.0", "vf_index": 5, "tenant": "blue",
      "domain": "vm2", "backend": "kvm", "orig_driver": null,
      "orig_driver_override": null, "orig_switch": null, "applied": null } ],
  "pending": { "op": "numvfs", "pf": "0000:03:00.0", "old_numvfs": 0, "old_autoprobe": -1 } }
EOF
chmod 0600 "$root/var/lib/srpass/ledger.json"
# the igb's driver offers no VFs after all: a warning
echo 0 >"$root/sys/bus/pci/devices/0000:00:04.0/sriov_totalvfs"

run_json list 0 list --json
check_doc list list
run_json check 1 check --json
check_doc check check
run_json audit 2 audit --json
check_doc audit audit
run_json audit-blue 2 audit --json --tenant blue
check_doc audit-blue audit

if "$PYTHON" - "$tmp/list.json" "$tmp/check.json" "$tmp/audit.json" >"$tmp/out" 2>&1 <<'EOF'
import json, sys
lst, chk, aud = (json.load(open(f)) for f in sys.argv[1:4])
assert lst["iommu_groups"] == [], lst["iommu_groups"]
assert all(d["iommu_group"] is None for d in lst["devices"])
statuses = {c["status"] for c in chk["checks"]}
assert statuses == {"pass", "warn", "fail"}, statuses
ids = {c["id"] for c in chk["checks"]}
assert {"SRP-CHK-ARI", "SRP-CHK-PCIBACK", "SRP-CHK-VFIO"} <= ids, ids
ids = {f["id"] for f in aud["findings"]}
want = {"SRP-IOMMU-001", "SRP-IOMMU-003", "SRP-ACS-001", "SRP-GROUP-003", "SRP-TENANT-001",
        "SRP-LEDGER-001", "SRP-LEDGER-002", "SRP-LEDGER-003"}
assert want <= ids, want - ids
EOF
then
	ok "test: the documents hold nulls, every status and the planted findings"
else
	not_ok "test: the documents hold nulls, every status and the planted findings"
	diag "$tmp/out"
fi

finish
