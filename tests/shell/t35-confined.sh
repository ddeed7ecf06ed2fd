#!/bin/sh
# srpass tests -- the host root holds: under strace, every file srpass
# touches is below --root (openat2 RESOLVE_IN_ROOT) or one it opened
# itself there (/proc/self/fd/N), libpci included; symlinks out of the
# root, FIFOs and missing attributes end at once with a message naming
# the file; commits are durable (the directory is fsynced after the
# rename); stale temp files of dead commits go; a repeated option and a
# ledger string with a NUL or a newline are refused.  Needs BUILD; TAP.
set -u

BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t35-confined.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/tap.sh"
skip() { ok "$* # SKIP no strace"; }

VF=0000:03:02.2
PORT=0000:00:03.0
PF=0000:03:00.0

# a fresh demo host at $tmp/$1
host() {
	rm -rf "${tmp:?}/$1"
	demo_host "$tmp/$1" &&
		install -D -m 0644 /usr/share/misc/pci.ids "$tmp/$1/usr/share/misc/pci.ids"
}

# What a traced run touched by path outside its root: the loader's files,
# the root itself and srpass's own /proc/self/fd/N reopenings aside.
# Every openat2 must resolve in the root.
outside() {
	log=$1
	root=$2
	grep -v '^[0-9]* *+++\|^[0-9]* *---\|resumed>' "$log" |
		awk -v root="$root" '
		/openat2\(/ && !/RESOLVE_IN_ROOT/ { print "openat2 without RESOLVE_IN_ROOT: " $0; next }
		/openat2\(/ { next }
		{
			if (!match($0, /"\/[^"]*"/))
				next
			p = substr($0, RSTART + 1, RLENGTH - 2)
			# its own /proc/self (the fds it opened below the root; a
			# sanitizer runtime reads maps, exe, environ...)
			if (p == root || p ~ /^\/proc\/self\//)
				next
			if (p ~ /^\/(etc\/ld\.so\.(cache|preload)|lib|lib64|usr\/lib)(\/|$)/)
				next
			print
		}'
}

# LeakSanitizer cannot run under ptrace; the untraced runs check leaks
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
export ASAN_OPTIONS

have_strace=0
command -v strace >/dev/null 2>&1 && strace -f -o /dev/null true 2>/dev/null && have_strace=1

# 1: every command, traced
host h1 || { echo "Bail out! mkhost failed"; exit 1; }
for cmd in "list" "list --json" "show $VF" "check" "audit" "vf show $VF"; do
	if [ "$have_strace" -eq 0 ]; then
		skip "srpass $cmd touches nothing outside the root"
		continue
	fi
	# shellcheck disable=SC2086 # $cmd is words
	strace -f -qq -e trace=%file -o "$tmp/trace" "$BUILD/srpass" --root "$tmp/h1" $cmd \
		>/dev/null 2>&1
	outside "$tmp/trace" "$tmp/h1" >"$tmp/out"
	if [ -s "$tmp/out" ]; then
		not_ok "srpass $cmd touches nothing outside the root"
		diag "$tmp/out"
	else
		ok "srpass $cmd touches nothing outside the root"
	fi
done
for cmd in "assign $VF --tenant blue --domain web1 --vlan 101" "release $VF"; do
	if [ "$have_strace" -eq 0 ]; then
		skip "srpass-sim $cmd touches nothing outside the root"
		continue
	fi
	# shellcheck disable=SC2086
	strace -f -qq -e trace=%file -o "$tmp/trace" "$BUILD/srpass-sim" --root "$tmp/h1" $cmd \
		>"$tmp/cmd.out" 2>&1
	rc=$?
	outside "$tmp/trace" "$tmp/h1" >"$tmp/out"
	if [ "$rc" -eq 0 ] && [ ! -s "$tmp/out" ]; then
		ok "srpass-sim $cmd touches nothing outside the root"
	else
		not_ok "srpass-sim $cmd touches nothing outside the root (exit $rc)"
		diag "$tmp/cmd.out"
		diag "$tmp/out"
	fi
done

# 2: a VF's vendor is a symlink to a file outside the root
host h2
echo 0xdead >"$tmp/outside-vendor"
d=$tmp/h2/sys/bus/pci/devices/$VF
rm -f "$d/vendor"
ln -s "$tmp/outside-vendor" "$d/vendor"
timeout 5 "$BUILD/srpass" --root "$tmp/h2" show "$VF" >"$tmp/out" 2>&1
rc=$?
if grep -q dead "$tmp/out"; then
	not_ok "a vendor symlinked out of the root is not read"
	diag "$tmp/out"
elif [ "$rc" -ne 0 ] && grep -q "$VF/vendor" "$tmp/out"; then
	ok "a vendor symlinked out of the root is not read: the error names it"
else
	not_ok "a vendor symlinked out of the root: exit $rc, and a message naming it"
	diag "$tmp/out"
fi

# 3: a root port's config is a symlink to a FIFO outside the root
host h3
mkfifo "$tmp/outside-fifo"
d=$tmp/h3/sys/bus/pci/devices/$PORT
rm -f "$d/config"
ln -s "$tmp/outside-fifo" "$d/config"
for cmd in check audit; do
	timeout 5 "$BUILD/srpass" --root "$tmp/h3" "$cmd" >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" -eq 124 ]; then
		not_ok "$cmd with a port's config linked to a FIFO outside the root: hangs"
	elif grep -q "$PORT/config" "$tmp/out"; then
		ok "$cmd with a port's config linked to a FIFO outside: ends (exit $rc), names the file"
	else
		not_ok "$cmd with a port's config linked to a FIFO outside: no message naming it"
		diag "$tmp/out"
	fi
done

# 4: a FIFO in place of a VF's numa_node
host h4
rm -f "$tmp/h4/sys/bus/pci/devices/$VF/numa_node"
mkfifo "$tmp/h4/sys/bus/pci/devices/$VF/numa_node"
for cmd in "list" "show $VF" "check" "audit" "vf show $VF" \
	   "assign $VF --tenant blue --domain web1 --vlan 101"; do
	# shellcheck disable=SC2086
	timeout 5 "$BUILD/srpass-sim" --root "$tmp/h4" $cmd >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" -eq 124 ]; then
		not_ok "$cmd with a FIFO for numa_node: hangs"
	elif [ "$rc" -ne 0 ] && grep -q "numa_node' is not a regular file" "$tmp/out"; then
		ok "$cmd with a FIFO for numa_node: refused, naming it"
	else
		not_ok "$cmd with a FIFO for numa_node: exit $rc"
		diag "$tmp/out"
	fi
done

# 5: a PF without sriov_numvfs (sriov_totalvfs kept)
host h5
rm -f "$tmp/h5/sys/bus/pci/devices/$PF/sriov_numvfs"
for cmd in list audit; do
	"$BUILD/srpass" --root "$tmp/h5" "$cmd" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne 0 ] && grep -q "$PF/sriov_numvfs' is missing" "$tmp/err"; then
		ok "$cmd without a PF's sriov_numvfs: exit $rc, the message names it"
	else
		not_ok "$cmd without a PF's sriov_numvfs: exit $rc, and a message naming it"
		diag "$tmp/err"
	fi
done

# 6: a commit is durable: the directory is fsynced after the rename
host h6
if [ "$have_strace" -eq 0 ]; then
	skip "the ledger's directory is fsynced after the rename"
else
	strace -qq -e trace=fsync,renameat,renameat2,rename -o "$tmp/trace" \
		"$BUILD/srpass-sim" --root "$tmp/h6" assign "$VF" --tenant blue --domain web1 \
		--vlan 101 >/dev/null 2>&1
	awk '/rename.*"ledger.json"/ { seen = 1; next }
	     seen && /^fsync/ { print; seen = 0 }' "$tmp/trace" >"$tmp/after"
	if grep -q 'fsync' "$tmp/after" && ! grep -q '= -1' "$tmp/after" &&
	   ! grep -q '^fsync.*= -1' "$tmp/trace"; then
		ok "the ledger's directory is fsynced after each rename, and no fsync fails"
	else
		not_ok "the ledger's directory is fsynced after the rename"
		diag "$tmp/trace"
	fi
fi

# 7: temp files of a commit killed before its rename
sh -c 'echo $$' >"$tmp/pid"
dead=$(cat "$tmp/pid")
state=$tmp/h6/var/lib/srpass
echo '{' >"$state/.ledger.json.$dead.tmp"
echo '{' >"$state/.ledger.json.$$.tmp"	# ours: alive
"$BUILD/srpass-sim" --root "$tmp/h6" recover >/dev/null 2>&1
if [ ! -e "$state/.ledger.json.$dead.tmp" ] && [ -e "$state/.ledger.json.$$.tmp" ]; then
	ok "a dead pid's temp ledger is removed under the lock, a live one's kept"
else
	not_ok "a dead pid's temp ledger is removed under the lock, a live one's kept"
	ls -la "$state" | diag /dev/stdin
fi
rm -f "$state/.ledger.json.$$.tmp"

# 8: an option given twice
cp "$state/ledger.json" "$tmp/ledger.before"
"$BUILD/srpass-sim" --root "$tmp/h6" assign 0000:03:02.3 --tenant blue --domain web1 \
	--mac 02:aa:00:00:00:01 --mac 02:aa:00:00:00:02 >/dev/null 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q -- '--mac given twice' "$tmp/err" &&
   cmp -s "$tmp/ledger.before" "$state/ledger.json"; then
	ok "assign --mac twice is refused (exit 2) and changes nothing"
else
	not_ok "assign --mac twice is refused (exit $rc)"
	diag "$tmp/err"
fi

# 9: ledger strings srpass never writes
for bad in orig_driver vf; do
	case $bad in
	orig_driver) sed 's/"orig_driver": "iavf"/"orig_driver": "iavf\\n"/' ;;
	vf) sed "s/\"vf\": \"$VF\"/\"vf\": \"0000:03:02.2\\\\u0000x\"/" ;;
	esac <"$tmp/ledger.before" >"$state/ledger.json"
	if cmp -s "$tmp/ledger.before" "$state/ledger.json"; then
		not_ok "the planted $bad is in the ledger (test fixture)"
		continue
	fi
	"$BUILD/srpass-sim" --root "$tmp/h6" release "$VF" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne 0 ] && grep -q "ledger.json" "$tmp/err"; then
		ok "a ledger whose $bad holds a control character is refused, naming the file"
	else
		not_ok "a ledger whose $bad holds a control character is refused (exit $rc)"
		diag "$tmp/err"
	fi
done
cp "$tmp/ledger.before" "$state/ledger.json"

echo "1..$n"
