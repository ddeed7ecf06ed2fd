#!/bin/sh
# srpass tests -- the libvirt hook (conf/libvirt-hooks/qemu, installed as
# /etc/libvirt/hooks/qemu.d/srpass), called as libvirtd calls it (DOMAIN
# OPERATION SUBOP EXTRA, the domain XML on stdin) against the demo host:
# "prepare begin" assigns the VFs of the srpass metadata, "release end"
# releases them, other operations and domains without the metadata are
# left alone, a VF that cannot be assigned rolls back those before it
# and fails the start, release leaves a VF that is not the domain's; the
# domain XML with the metadata passes libvirt's schema (virt-xml-validate).
# Needs BUILD and xmllint (libxml2-utils); prints TAP.
set -u

BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t52-libvirt-hook.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"

H=$tmp/host
demo_host "$H" || { echo "Bail out! mkhost failed"; exit 1; }
HOOK=$TOP/conf/libvirt-hooks/qemu
LEDGER=$H/var/lib/srpass/ledger.json
VF1=0000:03:02.0
VF2=0000:03:02.2
RED=0000:03:02.1
SRPASS=$TOP/$BUILD/srpass-sim
case $BUILD in /*) SRPASS=$BUILD/srpass-sim ;; esac
SRPASS_ROOT=$H
export SRPASS SRPASS_ROOT

# hook DOMAIN OP SUB XMLFILE: as libvirtd runs it
hook() {
	sh "$HOOK" "$1" "$2" "$3" - <"$4" >"$tmp/hook.out" 2>"$tmp/hook.err"
}
# "VF tenant/domain" of each assignment, sorted
assigned() {
	[ -f "$LEDGER" ] || return 0
	python3 -c 'import json,sys
for a in json.load(open(sys.argv[1]))["assignments"]: print(a["vf"], a["tenant"] + "/" + a["domain"])' \
		"$LEDGER" | sort
}

# domain NAME OUT [VF-ELEMENT...]: a minimal domain with the metadata
domain() {
	name=$1
	out=$2
	shift 2
	{
		printf "<domain type='kvm'>\n  <name>%s</name>\n  <memory unit='MiB'>512</memory>\n" "$name"
		if [ $# -gt 0 ]; then
			echo "  <metadata>"
			# "-": the elements as they are, else inside one srpass:vfs
			wrap=1
			if [ "$1" = "-" ]; then
				wrap=0
				shift
			fi
			[ "$wrap" = 1 ] && echo "    <srpass:vfs xmlns:srpass=\"urn:srpass:1\">"
			for v in "$@"; do
				echo "      $v"
			done
			[ "$wrap" = 1 ] && echo "    </srpass:vfs>"
			echo "  </metadata>"
		fi
		printf "  <os><type arch='x86_64' machine='q35'>hvm</type></os>\n"
		echo "  <devices/>"
		echo "</domain>"
	} >"$out"
}
domain web1 "$tmp/web1.xml" \
	"<srpass:vf tenant=\"blue\" address=\"$VF1\" vlan=\"101\"/>" \
	"<srpass:vf tenant=\"blue\" address=\"$VF2\" vlan=\"102\"/>"

# ---- the XML is libvirt's ----
if ! command -v virt-xml-validate >/dev/null 2>&1; then
	not_ok "virt-xml-validate is installed (Debian libvirt-clients)"
elif virt-xml-validate "$tmp/web1.xml" domain >"$tmp/v.out" 2>&1; then
	ok "the domain XML with srpass's metadata passes virt-xml-validate"
else
	not_ok "virt-xml-validate refuses the domain XML with srpass's metadata"
	diag "$tmp/v.out"
	diag "$tmp/web1.xml"
fi

# ---- prepare assigns, other operations do nothing, release releases ----
hook web1 prepare begin "$tmp/web1.xml"
rc=$?
want="$VF1 blue/web1
$VF2 blue/web1"
if [ "$rc" -eq 0 ] && [ "$(assigned)" = "$want" ]; then
	ok "prepare begin: both VFs of the metadata assigned to blue/web1"
else
	not_ok "prepare begin: exit $rc, assigned: $(assigned)"
	diag "$tmp/hook.err"
fi
vlan=$("$SRPASS" list -H -o bdf,vlan | awk -v v="$VF2" '$1 == v { print $2 }')
if [ "$vlan" = 102 ]; then
	ok "prepare begin: the metadata's vlan is the VF's"
else
	not_ok "prepare begin: $VF2 has VLAN '$vlan', want 102"
fi
cp "$LEDGER" "$tmp/ledger.before"
bad=""
for opsub in "start begin" "started begin" "stopped end" "reconnect begin" "attach begin" \
	     "migrate begin" "restore begin" "prepare end" "release begin"; do
	# shellcheck disable=SC2086 # two words
	hook web1 $opsub "$tmp/web1.xml" || bad="$bad '$opsub' exits $?;"
	cmp -s "$LEDGER" "$tmp/ledger.before" || bad="$bad '$opsub' changed the ledger;"
done
if [ -z "$bad" ]; then
	ok "every other operation exits 0 and changes nothing"
else
	not_ok "other operations:$bad"
fi
hook web1 release end "$tmp/web1.xml"
rc=$?
if [ "$rc" -eq 0 ] && [ -z "$(assigned)" ]; then
	ok "release end: both VFs released"
else
	not_ok "release end: exit $rc, assigned: $(assigned)"
	diag "$tmp/hook.err"
fi

# ---- a second VF that cannot be assigned ----
"$SRPASS" assign "$RED" --tenant red --domain db1 >/dev/null 2>&1 || { echo "Bail out! assign"; exit 1; }
domain web1 "$tmp/bad.xml" \
	"<srpass:vf tenant=\"blue\" address=\"$VF1\" vlan=\"101\"/>" \
	"<srpass:vf tenant=\"blue\" address=\"$RED\" vlan=\"101\"/>"
hook web1 prepare begin "$tmp/bad.xml"
rc=$?
if [ "$rc" -ne 0 ] && [ "$(assigned)" = "$RED red/db1" ] && grep -q "$RED" "$tmp/hook.err"; then
	ok "prepare begin with another tenant's VF second: exit $rc, the first released"
else
	not_ok "prepare begin, failing second VF: exit $rc, assigned: $(assigned)"
	diag "$tmp/hook.err"
fi
# release: the XML names red's VF for web1: not web1's, left alone
hook web1 release end "$tmp/bad.xml"
if [ "$(assigned)" = "$RED red/db1" ]; then
	ok "release end leaves a VF the ledger gives to another guest"
else
	not_ok "release end released another guest's VF: $(assigned)"
fi
"$SRPASS" release "$RED" >/dev/null 2>&1

# ---- not srpass's domains ----
domain plain "$tmp/plain.xml"
domain other "$tmp/other.xml" - "<app:x xmlns:app=\"urn:example:app\" address=\"$VF1\" tenant=\"blue\"/>"
bad=""
for x in plain other; do
	for opsub in "prepare begin" "release end"; do
		# shellcheck disable=SC2086
		hook "$x" $opsub "$tmp/$x.xml" || bad="$bad $x '$opsub' exits $?;"
		[ -z "$(assigned)" ] || bad="$bad $x '$opsub' assigned;"
		[ -s "$tmp/hook.err" ] && bad="$bad $x '$opsub' says something;"
	done
done
if [ -z "$bad" ]; then
	ok "a domain without srpass metadata (or with another's) is left alone, exit 0"
else
	not_ok "domains without srpass metadata:$bad"
fi

# ---- broken metadata fails the start, assigns nothing ----
domain web1 "$tmp/notenant.xml" "<srpass:vf address=\"$VF1\"/>"
printf '<domain><name>web1</name><metadata><srpass:vfs xmlns:srpass="urn:srpass:1"><vf' >"$tmp/broken.xml"
# the children as `virsh metadata --set` leaves them (no namespace) count too
domain web1 "$tmp/nons.xml" - "<srpass:vfs xmlns:srpass=\"urn:srpass:1\"><vf tenant=\"blue\" address=\"$VF1\" vlan=\"101\"/></srpass:vfs>"
hook web1 prepare begin "$tmp/nons.xml"
rc=$?
if [ "$rc" -eq 0 ] && [ "$(assigned)" = "$VF1 blue/web1" ] && hook web1 release end "$tmp/nons.xml" &&
   [ -z "$(assigned)" ]; then
	ok "a vf element without a namespace inside srpass:vfs (virsh metadata --set) is taken"
else
	not_ok "vf without a namespace inside srpass:vfs: exit $rc, assigned: $(assigned)"
	diag "$tmp/hook.err"
fi
bad=""
for x in notenant broken; do
	hook web1 prepare begin "$tmp/$x.xml" && bad="$bad $x exits 0;"
	[ -z "$(assigned)" ] || bad="$bad $x assigned;"
done
if [ -z "$bad" ]; then
	ok "prepare begin with a vf without tenant, or XML that is not well-formed: exit 1, nothing assigned"
else
	not_ok "broken metadata:$bad"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
