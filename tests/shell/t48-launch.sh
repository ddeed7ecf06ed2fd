#!/bin/sh
# srpass tests -- srpass launch on the demo host, checked by the real
# parsers: the QEMU words as the shell splits them (and --json's argv the
# same words), every libvirt artefact (fragment, --plain, --failover, a
# merged --domain-xml) by libvirt's own schema (virt-xml-validate), the
# xl pci= line by libxlutil (build/tests/xlcfg-pci, built where
# libxen-dev is), each compared with the MAC, VLAN and BDF the ledger
# records; a broken artefact must fail each checker.  Then the errors:
# another tenant's VF, one not assigned, a domain without VFs (exit 1),
# bad usage (exit 2), JSON error documents, and nothing written.
# Needs BUILD, python3 and virt-xml-validate (Debian libvirt-clients);
# prints TAP.
set -u

BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
PYTHON=${PYTHON:-python3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t48-launch.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"

H=$tmp/host
demo_host "$H" || { echo "Bail out! mkhost failed"; exit 1; }
sp() { "$BUILD/srpass-sim" --root "$H" "$@"; }
LEDGER=$H/var/lib/srpass/ledger.json

sp assign 0000:03:02.0 --tenant blue --domain web1 --vlan 101 >/dev/null 2>&1 &&
	sp assign 0000:03:02.2 --tenant blue --domain web1 --vlan 102 >/dev/null 2>&1 &&
	sp assign 0000:03:02.1 --tenant red --domain db1 >/dev/null 2>&1 ||
	{ echo "Bail out! the assigns failed"; exit 1; }

# check DESCRIPTION COMMAND...: ok if COMMAND succeeds, else its output
check() {
	d=$1
	shift
	if "$@" >"$tmp/check.out" 2>&1; then
		ok "$d"
	else
		not_ok "$d"
		diag "$tmp/check.out"
	fi
}
# refute DESCRIPTION COMMAND...: ok if COMMAND fails
refute() {
	d=$1
	shift
	if "$@" >"$tmp/check.out" 2>&1; then
		not_ok "$d (it passed)"
		diag "$tmp/check.out"
	else
		ok "$d"
	fi
}

# ---- qemu ----

sp launch qemu --domain web1 >"$tmp/qemu" 2>"$tmp/err"
check "launch qemu --domain web1 exits 0" test -s "$tmp/qemu"
# the words as the shell splits them, one per line
# shellcheck disable=SC2046
(eval set -- "$(cat "$tmp/qemu")" && printf '%s\n' "$@") >"$tmp/qemu.words" 2>&1
sp launch qemu --domain web1 --json >"$tmp/qemu.json" 2>&1
sp launch qemu --domain web1 --failover --standby-netdev n0,n1 --bus pcie.0 --addr 10 \
	--rombar-off >"$tmp/fo" 2>&1
# shellcheck disable=SC2046
(eval set -- "$(cat "$tmp/fo")" && printf '%s\n' "$@") >"$tmp/fo.words" 2>&1
sp launch qemu --domain web1 --failover --standby-netdev n0,n1 --bus pcie.0 --addr 10 \
	--rombar-off --json >"$tmp/fo.json" 2>&1

cat >"$tmp/qemu.py" <<'PY'
import json, sys
ledger, words, doc, fo_words, fo_doc = sys.argv[1:6]
led = {a["vf"]: a for a in json.load(open(ledger))["assignments"] if a["domain"] == "web1"}
want = sorted(led)

def devices(ws):
    assert len(ws) % 2 == 0 and ws[0::2] == ["-device"] * (len(ws) // 2), ws
    out = []
    for w in ws[1::2]:
        drv, *opts = w.split(",")
        kv = dict(o.split("=", 1) for o in opts)
        out.append((drv, kv))
    return out

ws = open(words).read().split("\n")[:-1]
devs = devices(ws)
assert [kv["host"] for d, kv in devs] == want, devs
assert all(d == "vfio-pci" for d, kv in devs), devs
ids = [kv["id"] for d, kv in devs]
assert len(set(ids)) == len(ids), ids
assert all(set(kv) == {"host", "id"} for d, kv in devs), "options not asked for: %s" % devs
j = json.load(open(doc))
assert j["version"] == 1 and j["command"] == "launch" and j["format"] == "qemu", j
assert j["domain"] == "web1" and j["vfs"] == want, j
assert j["argv"] == ws, (j["argv"], ws)

ws = open(fo_words).read().split("\n")[:-1]
assert json.load(open(fo_doc))["argv"] == ws
devs = devices(ws)
nets = {kv["id"]: kv for d, kv in devs if d == "virtio-net-pci"}
vfs = [kv for d, kv in devs if d == "vfio-pci"]
assert [kv["host"] for kv in vfs] == want, vfs
assert [kv["addr"] for kv in vfs] == ["0x10", "0x11"], vfs
assert sorted(kv["netdev"] for kv in nets.values()) == ["n0", "n1"], nets
for kv in vfs:
    assert kv["bus"] == "pcie.0" and kv["rombar"] == "0", kv
    net = nets[kv["failover_pair_id"]]
    assert net["failover"] == "on", net
    assert net["mac"] == led[kv["host"]]["applied"]["mac"], (net, led[kv["host"]])
ids = [kv["id"] for d, kv in devs]
assert len(set(ids)) == len(ids), ids
PY
check "qemu: the shell's words are one -device vfio-pci per VF of web1, ids unique, --json argv the same words; --failover pairs each VF with a standby of its ledger MAC" \
	"$PYTHON" "$tmp/qemu.py" "$LEDGER" "$tmp/qemu.words" "$tmp/qemu.json" "$tmp/fo.words" \
	"$tmp/fo.json"
# the checker must catch a wrong artefact: a duplicated id
sed 's/id=hostdev-0000-03-02-2/id=hostdev-0000-03-02-0/' "$tmp/qemu.words" >"$tmp/qemu.bad"
refute "qemu: the checker refuses two devices with one id" \
	"$PYTHON" "$tmp/qemu.py" "$LEDGER" "$tmp/qemu.bad" "$tmp/qemu.json" "$tmp/fo.words" \
	"$tmp/fo.json"

# ---- libvirt ----

if command -v virt-xml-validate >/dev/null 2>&1; then
	have_virt=1
else
	have_virt=0
	not_ok "virt-xml-validate is installed (Debian libvirt-clients; scripts/deps.sh installs it)"
fi

# domain FRAGMENT OUT: a minimal domain around the fragment (one device,
# or a <devices>)
domain() {
	{
		printf "<domain type='kvm'>\n  <name>web1</name>\n  <memory unit='MiB'>512</memory>\n"
		printf "  <os><type arch='x86_64' machine='q35'>hvm</type></os>\n"
		if grep -q '^<devices>' "$1"; then cat "$1"; else echo "<devices>"; cat "$1"; echo "</devices>"; fi
		echo "</domain>"
	} >"$2"
}

# the MAC, VLAN and address of each <interface type='hostdev'>/<hostdev>
# against the ledger; argv: ledger xml plain|iface|failover
cat >"$tmp/lvcheck.py" <<'PY'
import json, sys
import xml.etree.ElementTree as ET
ledger, path, kind = sys.argv[1:4]
led = {a["vf"]: a for a in json.load(open(ledger))["assignments"] if a["domain"] == "web1"}
root = ET.parse(path).getroot()
devs = root.find("devices") if root.tag == "domain" else root
devs = [devs] if devs.tag in ("interface", "hostdev") else list(devs)
seen, nets = [], {}
for d in devs:
    if d.tag == "interface" and d.get("type") == "network":
        nets[d.find("alias").get("name")] = d
for d in devs:
    a = d.find("source/address")
    if a is None or d.get("type") not in ("hostdev", "pci"):
        continue
    assert d.get("managed") == "no", d.attrib
    bdf = "%04x:%02x:%02x.%x" % tuple(int(a.get(k), 16) for k in ("domain", "bus", "slot", "function"))
    ap = led[bdf]["applied"]
    seen.append(bdf)
    alias = d.find("alias").get("name")
    assert alias.startswith("ua-"), alias
    if kind == "plain":
        assert d.tag == "hostdev" and d.get("mode") == "subsystem", d.attrib
        assert d.find("mac") is None and d.find("vlan") is None
        continue
    assert d.tag == "interface", d.tag
    assert d.find("mac").get("address") == ap["mac"], (bdf, ap)
    tags = [t.get("id") for t in d.findall("vlan/tag")]
    assert tags == ([str(ap["vlan"])] if ap["vlan"] else []), (bdf, tags)
    if kind == "failover":
        t = d.find("teaming")
        assert t.get("type") == "transient", t.attrib
        n = nets[t.get("persistent")]
        assert n.find("mac").get("address") == ap["mac"]
        assert n.find("model").get("type") == "virtio"
        assert n.find("teaming").get("type") == "persistent"
        assert n.find("source").get("network") == "default"
assert sorted(seen) == sorted(set(seen)), seen
print(" ".join(seen))
PY

# libvirt NAME KIND ARGS...: launch, validate, compare with the ledger
libvirt() {
	name=$1
	kind=$2
	shift 2
	if ! sp launch libvirt --domain web1 "$@" >"$tmp/$name.xml" 2>"$tmp/err"; then
		not_ok "launch libvirt $*: exits 0"
		diag "$tmp/err"
		return
	fi
	case $name in merged*) cp "$tmp/$name.xml" "$tmp/$name.dom" ;;
	*) domain "$tmp/$name.xml" "$tmp/$name.dom" ;;
	esac
	[ "$have_virt" = 1 ] && check "libvirt $*: virt-xml-validate accepts it" \
		virt-xml-validate "$tmp/$name.dom" domain
	if "$PYTHON" "$tmp/lvcheck.py" "$LEDGER" "$tmp/$name.dom" "$kind" >"$tmp/vfs" 2>"$tmp/err"; then
		ok "libvirt $*: MAC, VLAN and address as the ledger records ($(cat "$tmp/vfs"))"
	else
		not_ok "libvirt $*: MAC, VLAN and address as the ledger records"
		diag "$tmp/err"
	fi
}

libvirt frag iface
check "libvirt: two VFs in one <devices>" grep -q '^<devices>' "$tmp/frag.xml"
libvirt one iface 0000:03:02.0
check "libvirt: one VF is the <interface> itself (for virsh attach-device)" \
	grep -q "^<interface type='hostdev' managed='no'>" "$tmp/one.xml"
libvirt plain plain --plain
libvirt failover failover --failover --standby-network default
cat >"$tmp/web1.xml" <<'EOF'
<domain type='kvm'>
  <name>web1</name>
  <memory unit='MiB'>512</memory>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/web1.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
EOF
install -D -m 0644 "$tmp/web1.xml" "$H/etc/libvirt/qemu/web1.xml"
libvirt merged iface --domain-xml /etc/libvirt/qemu/web1.xml
libvirt merged-fo failover --domain-xml /etc/libvirt/qemu/web1.xml --failover \
	--standby-network default
check "libvirt --domain-xml: the domain's disk is kept" grep -q "web1.qcow2" "$tmp/merged.xml"

# a wrong artefact fails the same checks
if [ "$have_virt" = 1 ]; then
	sed "s/slot='0x02'/slot='0x99x'/" "$tmp/one.dom" >"$tmp/bad.dom"
	refute "libvirt: virt-xml-validate refuses a broken slot" \
		virt-xml-validate "$tmp/bad.dom" domain
	sed "s/<teaming type='transient' persistent='[^']*'/<teaming type='transient'/" \
		"$tmp/failover.dom" >"$tmp/bad2.dom"
	refute "libvirt: virt-xml-validate refuses a transient teaming without its persistent" \
		virt-xml-validate "$tmp/bad2.dom" domain
fi
sed "s/02:16:3e:0b:/02:16:3e:0c:/" "$tmp/one.dom" >"$tmp/bad3.dom"
refute "libvirt: the ledger comparison refuses another MAC" \
	"$PYTHON" "$tmp/lvcheck.py" "$LEDGER" "$tmp/bad3.dom" iface

# --domain-xml: a domain of another name, a file outside the root
sed 's|<name>web1</name>|<name>db1</name>|' "$tmp/web1.xml" >"$H/etc/libvirt/qemu/db1.xml"
sp launch libvirt -d web1 --domain-xml /etc/libvirt/qemu/db1.xml >"$tmp/out" 2>"$tmp/err"
rc=$?
check "libvirt --domain-xml of domain db1 for web1: exit 2, saying so" \
	sh -c "[ $rc = 2 ] && grep -q \"defines domain 'db1', not 'web1'\" '$tmp/err'"
sp launch libvirt -d web1 --domain-xml "$tmp/web1.xml" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "libvirt --domain-xml is read under the root: a path outside it is not found (exit 1)" \
	sh -c "[ $rc = 1 ] && grep -q 'cannot access' '$tmp/err'"

# ---- xl ----

# the hand-written ledger of t20's kind: two VFs of backend xen for xen1
"$PYTHON" - "$LEDGER" <<'PY'
import copy, json, sys
doc = json.load(open(sys.argv[1]))
base = doc["assignments"][0]
for fn in (3, 4):
    a = copy.deepcopy(base)
    a.update(vf="0000:03:02.%d" % fn, vf_index=fn, domain="xen1", backend="xen")
    a["applied"]["mac"] = "02:16:3e:0b:00:0%d" % fn
    doc["assignments"].append(a)
json.dump(doc, open(sys.argv[1], "w"), indent=2)
PY
sp launch xl --domain xen1 >"$tmp/xl.line" 2>"$tmp/err"
check "launch xl --domain xen1 exits 0" test -s "$tmp/xl.line"
printf 'name = "xen1"\nmemory = 512\n%s\n' "$(cat "$tmp/xl.line")" >"$tmp/xen1.cfg"
printf '%s seize=0 permissive=0 rdm_policy=strict\n' 0000:03:02.3 0000:03:02.4 >"$tmp/xl.want"
XLCFG=$BUILD/tests/xlcfg-pci
if [ -x "$XLCFG" ]; then
	if "$XLCFG" "$tmp/xen1.cfg" >"$tmp/xl.got" 2>"$tmp/err" && cmp -s "$tmp/xl.got" "$tmp/xl.want"; then
		ok "xl: libxlutil parses the pci= line: the ledger's xen VFs, seize=0 permissive=0 rdm_policy=strict"
	else
		not_ok "xl: libxlutil parses the pci= line as the ledger says"
		diag "$tmp/xl.got"
		diag "$tmp/err"
	fi
	sed 's/permissive=0/permissive=0,bogus=1/' "$tmp/xen1.cfg" >"$tmp/bad.cfg"
	refute "xl: libxlutil refuses an unknown option" "$XLCFG" "$tmp/bad.cfg"
	sed "s/'0000:03:02.3,/'0000:03:02.3;/" "$tmp/xen1.cfg" >"$tmp/bad.cfg"
	refute "xl: libxlutil refuses a broken item" "$XLCFG" "$tmp/bad.cfg"
else
	ok "xl: libxlutil parses the pci= line # SKIP no libxen-dev ($XLCFG not built)"
fi
sp launch xl --domain xen1 --json >"$tmp/xl.json" 2>&1
check "xl --json: the items and the line" "$PYTHON" -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert j["pci"] == ["0000:03:02.%d,seize=0,permissive=0,rdm_policy=strict" % i for i in (3, 4)], j
assert j["line"] == open(sys.argv[2]).read().strip(), j' "$tmp/xl.json" "$tmp/xl.line"
sp launch xl --domain web1 >"$tmp/out" 2>"$tmp/err"
rc=$?
check "xl for web1's kvm VFs: exit 1, saying the backend" \
	sh -c "[ $rc = 1 ] && grep -q 'backend kvm: xl takes only VFs of backend xen' '$tmp/err'"
sp launch qemu --domain xen1 >"$tmp/out" 2>"$tmp/err"
check "qemu for xen1's xen VFs: exit 1" sh -c "[ $? = 1 ]"

# ---- errors ----

sum() { cat "$LEDGER" "$H/var/lib/srpass/history.jsonl" | cksum; }
before=$(sum)

# expect RC ERROR-ID TEXT ARGS...: exit RC, TEXT on stderr, and with
# --json the error document with ERROR-ID
expect() {
	want=$1 id=$2 text=$3
	shift 3
	sp launch "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	sp launch "$@" --json >"$tmp/ej" 2>/dev/null
	if [ "$rc" = "$want" ] && grep -q -- "$text" "$tmp/err" &&
		"$PYTHON" -c 'import json, sys
e = json.load(open(sys.argv[1]))["error"]
assert e["id"] == sys.argv[2], e' "$tmp/ej" "$id" 2>/dev/null; then
		ok "launch $*: exit $want, '$text', error $id"
	else
		not_ok "launch $*: want exit $want, '$text', error $id (exit $rc)"
		diag "$tmp/err"
		diag "$tmp/ej"
	fi
}
expect 1 refused "0000:03:02.1 is assigned to red/db1, not to domain 'web1'" \
	qemu --domain web1 0000:03:02.1
expect 1 not-found "0000:03:02.5 is not assigned" libvirt --domain web1 03:02.5
expect 1 not-found "assigns no VF to domain 'web9'" qemu --domain web9
expect 1 refused "assigned to blue/web1, not to red/web1" qemu --domain web1 --tenant red 0000:03:02.0
expect 2 usage "unknown FORMAT 'kvm'" kvm --domain web1
expect 2 usage "--domain D is required" qemu
expect 2 usage "are for libvirt" qemu --domain web1 --plain
expect 2 usage "are for qemu" libvirt --domain web1 --bus pcie.0
expect 2 usage "go together" qemu --domain web1 --failover
expect 2 usage "not --plain" libvirt --domain web1 --failover --standby-network default --plain
expect 2 usage "want a PCI slot" qemu --domain web1 --addr 0x20
expect 2 bad-input "2 VFs, 1 standby netdev id" qemu --domain web1 --failover --standby-netdev n0
expect 2 usage "FILE must be absolute" libvirt --domain web1 --domain-xml web1.xml
expect 2 bad-input "nosuchdev" qemu --domain web1 nosuchdev
check "launch changed nothing: the ledger and the history are as they were" \
	test "$(sum)" = "$before"

echo "1..$n"
[ "$failed" -eq 0 ]
