#!/bin/sh
# srpass tests -- the library as a toolstack sees it: libsrpass.so with
# its soname exports exactly the API of include/srpass/, pkg-config finds
# it, the example program links it and lists the demo host's VFs as the
# CLI does; and the lock: a second srpass waits --wait seconds, then says
# who holds the host.  Needs BUILD (the build directory); prints TAP.
set -u

BUILD=${BUILD:-build}
MKHOST=$BUILD/tests/mkhost
SRPASS=$BUILD/srpass-sim
TOP=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t30-api.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/tap.sh"

so=$BUILD/libsrpass.so.0
if readelf -d "$so" 2>/dev/null | grep -q 'SONAME.*\[libsrpass\.so\.0\]'; then
	ok "libsrpass.so.0 has the soname libsrpass.so.0"
else
	not_ok "libsrpass.so.0 has the soname libsrpass.so.0 (make lib)"
fi

# what the headers promise against what the library exports
sed -n 's/^SRP_API [^(]*[ *]\(srp_[a-z0-9_]*\)(.*/\1/p' "$TOP"/include/srpass/*.h | sort -u \
	>"$tmp/api"
nm -D --defined-only "$so" 2>/dev/null | awk '$2 == "T" { print $3 }' | sort -u >"$tmp/exported"
if [ -s "$tmp/api" ] && cmp -s "$tmp/api" "$tmp/exported"; then
	ok "libsrpass.so exports the $(wc -l <"$tmp/api") SRP_API functions and nothing else"
else
	not_ok "libsrpass.so exports the SRP_API functions and nothing else"
	diff "$tmp/api" "$tmp/exported" >"$tmp/diff"
	diag "$tmp/diff"
fi

export PKG_CONFIG_PATH="$BUILD/pkgconfig"
if cc -Wall -Werror -o "$tmp/list-vfs" "$TOP/docs/examples/list-vfs.c" \
	$(pkg-config --cflags --libs srpass) 2>"$tmp/cc.log"; then
	ok "docs/examples/list-vfs.c builds with pkg-config --cflags --libs srpass"
else
	not_ok "docs/examples/list-vfs.c builds with pkg-config --cflags --libs srpass"
	diag "$tmp/cc.log"
fi
if LD_LIBRARY_PATH=$BUILD ldd "$tmp/list-vfs" 2>/dev/null | grep -q 'libsrpass\.so\.0 =>'; then
	ok "list-vfs links the shared library"
else
	not_ok "list-vfs links the shared library"
fi

"$MKHOST" "$TOP/demo/host.ini" "$tmp/host" >"$tmp/mkhost.log" 2>&1 || diag "$tmp/mkhost.log"
LD_LIBRARY_PATH=$BUILD "$tmp/list-vfs" "$tmp/host" >"$tmp/list.out" 2>&1
got=$(sed -n 's/^\([0-9]*\) VFs$/\1/p' "$tmp/list.out")
want=$("$SRPASS" --root "$tmp/host" list --json 2>/dev/null |
	python3 -c 'import json,sys; d=json.load(sys.stdin)
print(sum(1 for x in d["devices"] if x["kind"] == "vf"))' 2>/dev/null)
if [ -n "$got" ] && [ "$got" = "$want" ] && [ "$got" -gt 0 ]; then
	ok "list-vfs lists the demo host's $got VFs, as srpass list does"
else
	not_ok "list-vfs lists the demo host's VFs, as srpass list does (got '$got', want '$want')"
	diag "$tmp/list.out"
fi

# the lock: held by another process, a change waits --wait, then names it
mkdir -p "$tmp/host/var/lib/srpass"
chmod 0700 "$tmp/host/var/lib/srpass"
: >"$tmp/host/var/lib/srpass/lock"
flock "$tmp/host/var/lib/srpass/lock" sh -c 'echo $$ >"$1"; exec sleep 30' - "$tmp/host/var/lib/srpass/lock" &
holder=$!
i=0
while [ ! -s "$tmp/host/var/lib/srpass/lock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
start=$(date +%s)
"$SRPASS" --root "$tmp/host" --wait 1 recover >"$tmp/busy.out" 2>&1
rc=$?
took=$(( $(date +%s) - start ))
pid=$(cat "$tmp/host/var/lib/srpass/lock" 2>/dev/null)
kill "$pid" 2>/dev/null		# the sleep that holds the lock
wait "$holder" 2>/dev/null
if [ "$rc" = 1 ] && grep -q "the host is busy: another srpass (pid $pid) holds" "$tmp/busy.out" &&
	[ "$took" -le 5 ]; then
	ok "a held lock: srpass --wait 1 gives up in ${took}s, naming the holder's pid"
else
	not_ok "a held lock: srpass --wait 1 gives up, naming the holder (rc $rc, ${took}s)"
	diag "$tmp/busy.out"
fi
if "$SRPASS" --root "$tmp/host" --wait 0 recover >"$tmp/wait0.out" 2>&1; then
	not_ok "--wait 0 is refused"
else
	ok "--wait 0 is refused (want 1 to 3600 seconds)"
fi
if "$SRPASS" --root "$tmp/host" --wait 1 recover >"$tmp/free.out" 2>&1; then
	ok "the lock free again: recover runs"
else
	not_ok "the lock free again: recover runs"
	diag "$tmp/free.out"
fi

echo "1..$n"
