#!/bin/sh
# tests/vm/setup.sh: get what the VM suite needs onto this machine, from the
# machine's own Debian mirror only.  Idempotent: a no-op (and no network)
# when everything is already there.
#
#   1. packages: qemu-system-x86 >= 8 (the igb device) from <codename>-backports,
#      busybox-static kmod cpio xz-utils iproute2 pciutils python3 jq strace
#      from the release itself; the backports suite is added to apt with the
#      URI of the machine's own entry for the release
#   2. a kernel: linux-image-*-amd64 (the candidate of linux-image-amd64, or
#      $SRPASS_VM_KERNEL_PKG), downloaded with apt-get download, unpacked
#      into the cache (never installed) and depmod'ed
#
# Cache: ${SRPASS_VM_CACHE:-$HOME/.cache/srpass-vm}; kernel/current -> the
# unpacked kernel that run.sh boots.  Delete the cache to start over.
set -eu

cache=${SRPASS_VM_CACHE:-${HOME:-/root}/.cache/srpass-vm}
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
pkgs="busybox-static kmod cpio xz-utils iproute2 pciutils python3 jq strace"
apt_opts="-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3"
export DEBIAN_FRONTEND=noninteractive

say() { echo "vm-setup: $*" >&2; }
die() { say "$*"; exit 1; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }

# The URI and Signed-By of the first "deb" entry for suite $1 with component
# main, in one-line (.list) or deb822 (.sources) files: "URI [KEYRING]".
apt_entry() {
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk -v s="$1" '$1 == "deb" {
			i = 2; kr = ""
			if ($2 ~ /^\[/) {
				for (; i <= NF; i++) {
					if ($i ~ /^\[?signed-by=/) { kr = $i; sub(/.*signed-by=/, "", kr); sub(/\]$/, "", kr) }
					if ($i ~ /\]$/) break
				}
				i++
			}
			if ($(i + 1) != s) next
			for (j = i + 2; j <= NF; j++) if ($j == "main") { print $i, kr; exit }
		}' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v s="$1" '
		function flush() {
			if (deb && suite && main && uri != "") print uri, kr
			deb = suite = main = 0; uri = kr = ""
		}
		/^[ \t]*#/ { next }
		/^[ \t]*$/ { flush(); next }
		{ key = tolower($1) }
		key == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
		key == "uris:" { uri = $2 }
		key == "suites:" { for (i = 2; i <= NF; i++) if ($i == s) suite = 1 }
		key == "components:" { for (i = 2; i <= NF; i++) if ($i == "main") main = 1 }
		key == "signed-by:" { kr = $2 }
		END { flush() }' "$f"
	done
}

add_backports() {
	bp=$codename-backports
	if [ -n "$(apt_entry "$bp")" ]; then return 0; fi
	set -- $(apt_entry "$codename" | head -1)
	[ $# -ge 1 ] || die "no 'deb URI $codename main' entry in /etc/apt/sources.list{,.d/} to derive the mirror from"
	say "adding $bp from $1 to apt (/etc/apt/sources.list.d/srpass-vm-backports.sources)"
	{
		echo "Types: deb"
		echo "URIs: $1"
		echo "Suites: $bp"
		echo "Components: main"
		[ -n "${2:-}" ] && echo "Signed-By: $2"
	} >/etc/apt/sources.list.d/srpass-vm-backports.sources
}

qemu_ok() {
	v=$(dpkg-query -W -f='${Version}' qemu-system-x86 2>/dev/null) &&
		installed qemu-system-x86 && dpkg --compare-versions "$v" ge 1:8 &&
		command -v qemu-system-x86_64 >/dev/null
}

# ---------------------------------------------------------------- packages
missing=
for p in $pkgs; do installed "$p" || missing="$missing $p"; done
if [ -n "$missing" ] || ! qemu_ok; then
	[ "$(id -u)" = 0 ] || die "missing packages:$missing qemu-system-x86(>=8) (run as root)"
	qemu_ok || add_backports
	say "apt-get update"
	apt-get $apt_opts update -qq || die "apt-get update failed"
	if [ -n "$missing" ]; then
		say "installing$missing"
		apt-get $apt_opts install -y -qq --no-install-recommends $missing >/dev/null ||
			die "apt-get install$missing failed"
	fi
	if ! qemu_ok; then
		say "installing qemu-system-x86 from $codename-backports (about 50 MB)"
		apt-get $apt_opts install -y -qq --no-install-recommends \
			-t "$codename-backports" qemu-system-x86 >/dev/null ||
			die "apt-get install -t $codename-backports qemu-system-x86 failed"
	fi
	qemu_ok || die "qemu-system-x86 >= 8 is still not installed"
fi
say "qemu $(dpkg-query -W -f='${Version}' qemu-system-x86), $(echo $pkgs | sed 's/ /, /g'): ok"

# ---------------------------------------------------------------- kernel
mkdir -p "$cache/debs" "$cache/kernel"
# one setup at a time per cache (CI and a developer may share it)
exec 9>"$cache/lock"
flock 9
cur=$cache/kernel/current
if [ -n "${SRPASS_VM_KERNEL_PKG:-}" ] || [ ! -f "$cur/ready" ]; then
	pkg=${SRPASS_VM_KERNEL_PKG:-$(apt-cache depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }')}
	[ -n "$pkg" ] || die "cannot resolve linux-image-amd64 (apt-get update?)"
	if [ -f "$cache/kernel/$pkg/ready" ]; then
		say "kernel $pkg: cached"
	else
		deb=$(ls -t "$cache/debs/${pkg}_"*.deb 2>/dev/null | head -1 || true)
		if [ -z "$deb" ]; then
			say "downloading $pkg (about 70 MB)"
			dl() {
				(cd "$cache/debs" && apt-get $apt_opts download "$pkg" 2>&1 | grep -v unsandboxed >&2)
				deb=$(ls -t "$cache/debs/${pkg}_"*.deb 2>/dev/null | head -1 || true)
				[ -n "$deb" ]
			}
			dl || { say "retrying after apt-get update"; apt-get $apt_opts update -qq && dl; } ||
				die "apt-get download $pkg failed"
		fi
		say "unpacking $(basename "$deb")"
		dir=$cache/kernel/$pkg
		rm -rf "$dir"
		mkdir -p "$dir"
		dpkg-deb -x "$deb" "$dir"
		# usrmerged packages put the modules under usr/lib
		[ -d "$dir/lib/modules" ] || ln -s usr/lib "$dir/lib"
		kver=$(ls "$dir/lib/modules")
		[ -f "$dir/boot/vmlinuz-$kver" ] || die "no boot/vmlinuz-$kver in $deb"
		say "depmod $kver"
		depmod -b "$dir" "$kver"
		dpkg-deb -f "$deb" Version >"$dir/ready"
	fi
	ln -sfn "$pkg" "$cur"
fi
say "kernel: $(readlink "$cur") $(cat "$cur/ready") in $cache/kernel"
