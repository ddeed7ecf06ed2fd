#!/bin/sh
# srpass -- install the Debian packages a build (or the VM suite) needs.
# A no-op when everything is present; otherwise apt-get from the
# machine's configured mirror (python3-jsonschema validates the JSON
# outputs against docs/schema/ in the tests; strace lets t35 prove
# confinement, groff t37 check the man pages).  Usage: deps.sh build|fuzz|probe
set -eu

build_pkgs="gcc make pkg-config libc6-dev linux-libc-dev libpci-dev pciutils pci.ids
	libiniparser-dev libcmocka-dev libmnl-dev libjson-c-dev libxen-dev iproute2
	python3 python3-jsonschema strace groff-base"

# probe: can this machine build srpass?  Each missing piece named with
# the Debian package that has it; exit 1 if any.  PKG is pkg-config.
probe() {
	pkg=${PKG:-pkg-config}
	lack=
	command -v "$pkg" >/dev/null 2>&1 || lack="$lack pkg-config"
	for m in libpci:libpci-dev libmnl:libmnl-dev json-c:libjson-c-dev cmocka:libcmocka-dev \
		 libxml-2.0:libxml2-dev; do
		"$pkg" --exists "${m%%:*}" 2>/dev/null || lack="$lack ${m#*:}"
	done
	for h in iniparser/iniparser.h:libiniparser-dev linux/vfio.h:linux-libc-dev; do
		[ -f "/usr/include/${h%%:*}" ] || lack="$lack ${h#*:}"
	done
	[ -z "$lack" ] && return 0
	echo "srpass: cannot build, missing Debian packages:$lack" >&2
	echo "srpass: install them with 'scripts/deps.sh build' as root (make check and" >&2
	echo "srpass: make demo do that first), or: apt-get install$lack" >&2
	return 1
}

# libxml2 merges libvirt devices into a domain (srpass launch); libvirt's
# virt-xml-validate checks what srpass launch prints (t48)
build_pkgs="$build_pkgs libxml2-dev libvirt-clients"

case "${1:-build}" in
build) want=$build_pkgs ;;
# make fuzz: clang with libFuzzer and the sanitizer runtimes
fuzz) want="$build_pkgs clang libclang-rt-dev" ;;
probe) probe; exit ;;
*) echo "deps.sh: unknown set '$1' (build, fuzz, probe)" >&2; exit 2 ;;
esac

missing=
for p in $want; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages:$missing (run as root, or install them)" >&2
	exit 1
fi
echo "deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
