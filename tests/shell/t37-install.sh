#!/bin/sh
# srpass tests -- make install into a DESTDIR lays out a tree a Debian
# package could ship (binary, library with soname and pkg-config file,
# headers, man pages, systemd unit pointing at the installed binary, bash
# completion, example config never overwritten); the completion completes
# commands, tenants and VFs; make uninstall takes it all back but the
# configuration; and a machine without the build dependencies is told
# which Debian packages to install.  Needs BUILD; prints TAP.
set -u

BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t37-install.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/tap.sh"

D=$tmp/dest
inst() {
	make -s -C "$TOP" --no-print-directory BUILD="$BUILD" SANITIZE="${SANITIZE:-0}" \
		DESTDIR="$D" PREFIX=/usr "$@" \
		>"$tmp/make.log" 2>&1
}

if inst install; then
	ok "make install DESTDIR=... PREFIX=/usr"
else
	not_ok "make install DESTDIR=... PREFIX=/usr"
	diag "$tmp/make.log"
fi

missing=""
for f in usr/sbin/srpass:755 usr/lib/libsrpass.so.0:755 usr/lib/pkgconfig/srpass.pc:644 \
	 usr/include/srpass/srpass.h:644 usr/include/srpass/api.h:644 \
	 usr/share/man/man1/srpass.1:644 usr/share/man/man5/srpass.conf.5:644 \
	 usr/lib/systemd/system/srpass-restore.service:644 \
	 usr/share/bash-completion/completions/srpass:644 etc/srpass/srpass.conf:644 \
	 etc/libvirt/hooks/qemu.d/srpass:755; do
	path=${f%:*}
	mode=${f##*:}
	if [ ! -f "$D/$path" ] || [ "$(stat -c %a "$D/$path")" != "$mode" ]; then
		missing="$missing $path($mode)"
	fi
done
if [ -z "$missing" ] && [ "$(readlink "$D/usr/lib/libsrpass.so")" = libsrpass.so.0 ]; then
	ok "the tree: binary, library and its link, headers, man pages, unit, completion, config"
else
	not_ok "the tree lacks:$missing"
	(cd "$D" && find . | sort) >"$tmp/tree"
	diag "$tmp/tree" 40
fi

if grep -qx 'ExecStart=/usr/sbin/srpass restore' "$D/usr/lib/systemd/system/srpass-restore.service" &&
   grep -qx 'SRPASS=${SRPASS:-/usr/sbin/srpass}' "$D/etc/libvirt/hooks/qemu.d/srpass" &&
   "$D/usr/sbin/srpass" --version | grep -q '^srpass '; then
	ok "the unit and the libvirt hook run the installed binary, which runs"
else
	not_ok "the unit runs the installed binary"
	diag "$D/usr/lib/systemd/system/srpass-restore.service"
fi

if grep -qx 'libdir=/usr/lib' "$D/usr/lib/pkgconfig/srpass.pc" &&
   grep -qx 'includedir=/usr/include' "$D/usr/lib/pkgconfig/srpass.pc" &&
   ! grep -q '@' "$D/usr/lib/pkgconfig/srpass.pc"; then
	ok "srpass.pc names the installed directories"
else
	not_ok "srpass.pc names the installed directories"
	diag "$D/usr/lib/pkgconfig/srpass.pc"
fi

bad=""
for m in "$D/usr/share/man/man1/srpass.1" "$D/usr/share/man/man5/srpass.conf.5"; do
	if command -v groff >/dev/null 2>&1; then
		groff -ww -z -man "$m" >"$tmp/groff" 2>&1
		[ -s "$tmp/groff" ] && bad="$bad ${m##*/}"
	fi
done
if [ -z "$bad" ]; then
	ok "the man pages render without warnings (groff -ww -z)"
else
	not_ok "man pages with groff warnings:$bad"
	diag "$tmp/groff"
fi

# an operator's configuration survives a reinstall
echo '# mine' >>"$D/etc/srpass/srpass.conf"
if inst install && tail -n 1 "$D/etc/srpass/srpass.conf" | grep -qx '# mine'; then
	ok "a second install keeps the existing srpass.conf"
else
	not_ok "a second install keeps the existing srpass.conf"
fi

# the completion, as bash runs it
root=$tmp/host
demo_host "$root"
complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _srpass
		 printf "%s\n" "${COMPREPLY[@]}"' sh "$D/usr/share/bash-completion/completions/srpass" \
		"$@"
}
got=$(complete_words srpass as)
if [ "$got" = assign ]; then
	ok "completion: 'srpass as' -> assign"
else
	not_ok "completion: 'srpass as' -> '$got'"
fi
got=$(complete_words srpass --root "$root" assign 0000:03:02.0 --tenant "" | sort | tr '\n' ' ')
want=$(sed -n 's/^\[tenant:\(.*\)\]$/\1/p' "$root/etc/srpass/srpass.conf" | sort | tr '\n' ' ')
if [ -n "$want" ] && [ "$got" = "$want" ]; then
	ok "completion: --tenant offers the tenants of srpass.conf ($want)"
else
	not_ok "completion: --tenant offers '$got', want '$want'"
fi
got=$(complete_words srpass --root "$root" release 0000:03:02. | wc -l)
if [ "$got" -eq 8 ]; then
	ok "completion: release 0000:03:02. offers the PF's 8 VFs"
else
	not_ok "completion: release 0000:03:02. offers $got addresses, want 8"
fi

if inst uninstall; then
	(cd "$D" && find . -type f -o -type l | sort) >"$tmp/left"
	if [ "$(cat "$tmp/left")" = "./etc/srpass/srpass.conf" ]; then
		ok "make uninstall removes everything but the configuration"
	else
		not_ok "make uninstall leaves more than the configuration"
		diag "$tmp/left"
	fi
else
	not_ok "make uninstall"
	diag "$tmp/make.log"
fi

# a machine without the build dependencies is told which packages
make -s -C "$TOP" --no-print-directory BUILD="$tmp/bare" PKG=false all >"$tmp/bare.log" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && grep -q 'missing Debian packages:.*libpci-dev' "$tmp/bare.log" &&
   grep -q 'scripts/deps.sh build' "$tmp/bare.log" && ! grep -q 'fatal error' "$tmp/bare.log"; then
	ok "make on a machine without the -dev packages names them, and how to get them"
else
	not_ok "make on a machine without the -dev packages names them (exit $rc)"
	diag "$tmp/bare.log"
fi

echo "1..$n"
