#!/bin/sh
# srpass tests -- hostile host trees.  Every attribute, link and
# directory srpass reads (on one VF, one PF and the root port above them,
# and the host-wide ones) is replaced in turn by: a symlink out of the
# root (absolute, to files holding 0xdead), a symlink climbing out with
# "..", to FIFOs nobody writes), a FIFO, a directory, an empty file, a
# 1 MiB file and garbage.  On each tree every command runs: list,
# list --json, show, check, audit, a dry-run assign, and a real assign +
# release on a copy.  Each must end within 5 s, without a crash or a
# sanitizer report, with its usual result or a message on stderr that
# names the spoiled file; it must read nothing outside the root (no
# 0xdead in its output, no outside file's atime moved, no outside FIFO
# opened: that would hang) and the read-only ones must change nothing.
#
# Needs BUILD (the build directory); prints TAP, one line per spoiled
# tree.  HOSTILE_ONLY=REGEX runs only the cases whose name matches, e.g.
#   HOSTILE_ONLY='VF numa_node' BUILD=build sh tests/shell/t40-hostile.sh
set -u

BUILD=${BUILD:-build}
MKHOST=$BUILD/tests/mkhost
SRPASS=$BUILD/srpass-sim
ONLY=${HOSTILE_ONLY:-}
LIMIT=5				# seconds a command may take

tmpdir=${TMPDIR:-/tmp}
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	tmpdir=/dev/shm
fi
tmp=$(mktemp -d "$tmpdir/t40-hostile.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
tmp=$(cd "$tmp" && pwd)

n=0
failed=0
ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $*"
}
# show a file to the log, indented as a TAP comment
diag() {
	sed 's/^/# /' "$1" | head -n "${2:-20}"
}
bail() {
	not_ok "$*"
	echo "1..$n"
	exit 1
}

H=$tmp/host			# the tree every read-only command runs on
C=$tmp/copy			# a copy of the spoiled tree, for assign/release
out=$tmp/outside		# the world outside the root
save=$tmp/save			# the entry a case replaced, while it runs
mkdir "$out" "$save" "$tmp/base" || exit 1

PORT=0000:00:01.0
PF=0000:01:00.0
VF=0000:01:00.1
port_d=sys/devices/pci0000:00/$PORT	# relative to the root
pf_d=$port_d/$PF
vf_d=$port_d/$VF
ASSIGN="assign $VF --tenant blue --domain hostile --vlan 102"

# ---- the host: a root port with ACS and ARI, a PF, two VFs ----------

cat >"$tmp/host.ini" <<EOF
[host]
vfio = yes
simulated = yes
[iommu]
[hostbridge 0000:00]
numa = 0
[port $PORT]
buses = 01
acs = on
ari = on
[pf $PF]
id = 8086:1572
driver = i40e
netdevs = eth0
totalvfs = 8
numvfs = 2
vf_id = 154c
vf_driver = iavf
vf_netdevs = eth0v%u
EOF
cat >"$tmp/srpass.conf" <<EOF
[global]
backend = kvm
[tenant:blue]
pfs = $PF
vlans = 100-109
mac_prefix = 02:16:3e:0b
EOF

if "$MKHOST" "$tmp/host.ini" "$H" >"$tmp/log" 2>&1 &&
   mkdir -p "$H/etc/srpass" && cp "$tmp/srpass.conf" "$H/etc/srpass/srpass.conf"; then
	ok "mkhost builds the host"
else
	diag "$tmp/log"
	bail "mkhost builds the host"
fi
# srpass's lock and the simulator's switch state appear on first use;
# make them now, so that "changed nothing" can be exact afterwards
"$SRPASS" --root "$H" list >/dev/null 2>&1
"$SRPASS" --root "$H" $ASSIGN --dry-run >/dev/null 2>&1
cp -a "$H" "$tmp/pristine" || exit 1

# ---- the checks -----------------------------------------------------

# snap: the state of the tree and of the outside world, one line per
# entry with its type, mode, size, times and link target (srpass's lock
# left out: taking it writes a pid).  Reading changes no line: atimes
# are not in it.  Any write, creation, removal or chmod changes one.
snap() {
	find "$H" "$out" ! -path "$H/var/lib/srpass/lock" \
		-printf '%y %m %s %T@ %C@ %p -> %l\n' 2>/dev/null | sort
}

# every outside file and FIFO gets an atime in 2000: a read moves it
old_atime() {
	find "$out" \( -type f -o -type p \) -exec touch -a -d @946684800 {} +
}
: >"$tmp/ref2000"
touch -d @946771200 "$tmp/ref2000"	# a day later
read_outside() {
	[ "$atime_works" = yes ] || return 1
	find "$out" -type f -anewer "$tmp/ref2000" -print | sed "s|^$out|OUT|" >"$tmp/read"
	[ -s "$tmp/read" ] || return 1
	old_atime
	return 0
}
printf '0xdead\n' >"$out/probe"
old_atime
cat "$out/probe" >/dev/null
atime_works=no
if [ -n "$(find "$out/probe" -anewer "$tmp/ref2000")" ]; then
	atime_works=yes
else
	echo "# reads do not move atimes here (noatime?): outside reads are caught by content and FIFOs only"
fi
rm "$out/probe"

# leaked OUTFILE: the outside files' content, 0xdead (57005), in OUTFILE
leaked() {
	grep -Eq '(^|[^A-Za-z0-9])(0x)?dead([^A-Za-z0-9]|$)|57005' "$1"
}

# run ROOT ARGS...: srpass on ROOT, at most LIMIT seconds; out, err, rc
run() {
	root=$1
	shift
	timeout -k 1 "$LIMIT" "$SRPASS" --root "$root" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
}

# verdict NAME: what is wrong with the last run whatever its result,
# in $why (empty: nothing)
verdict() {
	why=""
	cat "$tmp/out" "$tmp/err" >"$tmp/both"
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		why="hung (killed after ${LIMIT} s)"
	elif grep -q 'Sanitizer\|runtime error:' "$tmp/err"; then
		why="sanitizer: $(grep -m 1 'Sanitizer\|runtime error:' "$tmp/err")"
	elif [ "$rc" -ge 128 ]; then
		why="killed by signal $((rc - 128))"
	fi
	if leaked "$tmp/both"; then
		why="${why:+$why; }printed what a file outside the root holds (0xdead)"
	fi
	if read_outside; then
		why="${why:+$why; }read outside the root: $(tr '\n' ' ' <"$tmp/read")"
	fi
}

# names NAME FILE...: a message in one of the files names NAME
names() {
	name=$1
	shift
	grep -qF -- "$name" "$@"
}

# The read-only commands, "KEY|ARGS": show gets the spoiled device.
commands() {
	cat <<EOF
list|list
list-json|list --json
show|show $1
check|check
audit|audit
dry-run|$ASSIGN --dry-run
EOF
}

# baselines on the pristine tree: what "a correct result" is
for dev in "$VF" "$PF" "$PORT"; do
	commands "$dev" >"$tmp/cmds"
	while IFS='|' read -r key args; do
		[ "$key" = show ] && key=show-$dev
		[ -f "$tmp/base/$key.rc" ] && continue
		# shellcheck disable=SC2086 # args are words
		run "$H" $args
		echo "$rc" >"$tmp/base/$key.rc"
		cp "$tmp/out" "$tmp/base/$key.out"
		if [ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ]; then
			ok "baseline: srpass $args: exit 0"
		else
			diag "$tmp/err"
			bail "baseline: srpass $args: exit 0 (got $rc)"
		fi
	done <"$tmp/cmds"
done
cp -a "$H" "$C"
run "$C" $ASSIGN
rc1=$rc
run "$C" release "$VF"
if [ "$rc1" -eq 0 ] && [ "$rc" -eq 0 ]; then
	ok "baseline: assign and release $VF on a copy"
else
	diag "$tmp/err"
	bail "baseline: assign and release $VF on a copy (exit $rc1, $rc)"
fi
rm -rf "$C"

# ---- the spoilers -----------------------------------------------------

# Every action that builds a case is logged, with H for the root and OUT
# for the outside, as the reproducer printed when the case fails.
act() {
	printf '%s\n' "$*" | sed "s|$H|H|g; s|$out|OUT|g" >>"$tmp/mut"
}
up() {
	i=0
	while [ $i -lt 40 ]; do printf '../'; i=$((i + 1)); done
}
ATTRS="vendor device class revision config numa_node driver_override sriov_totalvfs
sriov_numvfs sriov_offset sriov_stride sriov_vf_device sriov_drivers_autoprobe type enable
operstate bind unbind"
# mirror KIND NAME: an outside directory looking like a device, a group
# or a driver, whose files hold 0xdead (KIND text) or are FIFOs (fifo)
mirror() {
	m=$out/$1/$2
	if [ ! -d "$m" ]; then
		mkdir -p "$m/devices" "$m/net"
		for a in $ATTRS; do
			if [ "$1" = text ]; then printf '0xdead\n' >"$m/$a"; else mkfifo "$m/$a"; fi
		done
		old_atime
	fi
	echo "$m"
}
printf '0xdead\n' >"$out/file"
mkfifo "$out/fifo"
old_atime

# spoil TYPE PATH MUT: replace PATH (absolute) of TYPE (file, link, dir,
# or none when absent) by MUT; the original is kept in $save
spoil() {
	ty=$1
	p=$2
	: >"$tmp/mut"
	rm -rf "$save/e"
	if [ "$ty" != none ]; then
		mv "$p" "$save/e" || return 1
		act "rm -rf $p"
	fi
	base=$(basename "$p")
	[ "$ty" = link ] && base=$(basename "$(readlink "$save/e")")
	case $1:$3 in
	file:link-out | none:link-out)
		ln -s "$out/file" "$p" && act "ln -s $out/file $p  # OUT/file holds 0xdead" ;;
	file:link-up | none:link-up)
		ln -s "$(up)${out#/}/fifo" "$p" && act "ln -s ../../(40 times)..$out/fifo $p  # a FIFO" ;;
	*:link-out)
		m=$(mirror text "$base")
		ln -s "$m" "$p" && act "ln -s $m $p  # files in it hold 0xdead" ;;
	*:link-up)
		m=$(mirror fifo "$base")
		ln -s "$(up)${m#/}" "$p" && act "ln -s ../../(40 times)..$m $p  # files in it are FIFOs" ;;
	*:fifo)
		mkfifo "$p" && act "mkfifo $p" ;;
	*:dir)
		mkdir "$p" && act "mkdir $p" ;;
	*:empty)
		: >"$p" && act ": >$p" ;;
	*:big)
		head -c 1048576 /dev/zero | tr '\0' 7 >"$p" &&
			act "head -c 1048576 /dev/zero | tr '\\0' 7 >$p" ;;
	link:garbage)
		ln -s "$(printf 'gar\001\377bage/..')" "$p" && act "ln -s \"\$(printf 'gar\\001\\377bage/..')\" $p" ;;
	*:garbage)
		printf 'garbage\377\001\000 x\n\n' >"$p" && act "printf 'garbage\\377\\001\\000 x\\n\\n' >$p" ;;
	esac
}
unspoil() {
	rm -rf "$1"
	[ -e "$save/e" ] || [ -h "$save/e" ] && mv "$save/e" "$1"
	rm -rf "$C"
}

# ---- a case: one spoiled tree, every command --------------------------

# hostile LABEL DEV TYPE PATH MUT
hostile() {
	if [ "$1" = host ]; then label="/$4 as $5"; else label="$1 $(basename "$4") as $5"; fi
	dev=$2
	[ -n "$ONLY" ] && ! echo "$label" | grep -Eq -- "$ONLY" && return 0
	spoil "$3" "$H/$4" "$5" || { not_ok "$label: cannot build the case"; return 0; }
	name=$(basename "$4")
	snap >"$tmp/snap0"
	: >"$tmp/fails"
	hung=""
	commands "$dev" >"$tmp/cmds"
	while IFS='|' read -r key args; do
		[ "$key" = show ] && key=show-$dev
		if [ -n "$hung" ]; then
			echo "srpass $args: not run ($hung hung)" >>"$tmp/fails"
			continue
		fi
		# shellcheck disable=SC2086
		run "$H" $args
		verdict
		snap >"$tmp/snap1"
		if ! cmp -s "$tmp/snap0" "$tmp/snap1"; then
			diff "$tmp/snap0" "$tmp/snap1" | grep '^[<>]' | head -n 4 |
				sed "s|$H|H|g; s|$out|OUT|g" >"$tmp/changes"
			why="${why:+$why; }changed the tree: $(tr '\n' ' ' <"$tmp/changes")"
			cp "$tmp/snap1" "$tmp/snap0"
		fi
		if [ -z "$why" ] && { [ "$rc" -ne "$(cat "$tmp/base/$key.rc")" ] ||
		   ! cmp -s "$tmp/out" "$tmp/base/$key.out"; }; then
			# not the usual result: then a message must name the file
			# (check and audit may name it in a finding)
			case $key in
			check | audit) where="$tmp/err $tmp/out" ;;
			*) where="$tmp/err" ;;
			esac
			# shellcheck disable=SC2086
			if ! names "$name" $where; then
				if [ -s "$tmp/err" ]; then
					why="exit $rc, stderr does not name '$name': $(head -c 200 "$tmp/err")"
				elif [ "$rc" -ne 0 ]; then
					why="exit $rc with nothing on stderr"
				else
					why="exit 0, output differs from the pristine tree's, nothing on stderr"
				fi
			fi
		fi
		if [ -n "$why" ]; then
			echo "srpass $args: $why" >>"$tmp/fails"
			case $why in hung*) hung="srpass $args" ;; esac
		fi
	done <"$tmp/cmds"

	# assign for real on a copy, then release: no hang, a message if
	# refused, nothing read outside
	if [ -z "$hung" ]; then
		cp -a "$H" "$C"
		# shellcheck disable=SC2086
		run "$C" $ASSIGN
		verdict
		[ -z "$why" ] && [ "$rc" -ne 0 ] && [ ! -s "$tmp/err" ] && why="exit $rc with nothing on stderr"
		if [ -n "$why" ]; then
			echo "srpass $ASSIGN (on a copy): $why" >>"$tmp/fails"
		elif [ "$rc" -eq 0 ]; then
			run "$C" release "$VF"
			verdict
			[ -z "$why" ] && [ "$rc" -ne 0 ] && [ ! -s "$tmp/err" ] &&
				why="exit $rc with nothing on stderr"
			[ -n "$why" ] && echo "srpass release $VF (after assign, on a copy): $why" >>"$tmp/fails"
		fi
	fi
	unspoil "$H/$4"

	if [ -s "$tmp/fails" ]; then
		not_ok "$label: $(wc -l <"$tmp/fails") of 8 commands"
		diag "$tmp/fails" 10
		echo "# reproduce: $MKHOST tests/shell/t40-hostile.sh's host.ini H, then"
		diag "$tmp/mut"
	else
		ok "$label: every command"
	fi
}

# ---- what srpass reads ------------------------------------------------

# "LABEL DEV TYPE PATH": the attributes, links and directories srpass
# reads (strace -f -e openat2,openat,readlinkat of every command), on
# the VF, the PF and the root port, then host-wide; absent ones (none)
# are read where present.  One device of each kind: the others are
# read by the same code.
targets() {
	cat <<EOF
VF $VF file $vf_d/vendor
VF $VF file $vf_d/device
VF $VF file $vf_d/class
VF $VF file $vf_d/revision
VF $VF file $vf_d/numa_node
VF $VF file $vf_d/driver_override
VF $VF link $vf_d/driver
VF $VF link $vf_d/iommu_group
VF $VF link $vf_d/physfn
VF $VF dir $vf_d/net
VF $VF none $vf_d/sriov_totalvfs
PF $PF file $pf_d/vendor
PF $PF file $pf_d/device
PF $PF file $pf_d/class
PF $PF file $pf_d/revision
PF $PF file $pf_d/numa_node
PF $PF file $pf_d/driver_override
PF $PF file $pf_d/sriov_totalvfs
PF $PF file $pf_d/sriov_numvfs
PF $PF file $pf_d/sriov_offset
PF $PF file $pf_d/sriov_stride
PF $PF file $pf_d/sriov_vf_device
PF $PF file $pf_d/sriov_drivers_autoprobe
PF $PF link $pf_d/driver
PF $PF link $pf_d/iommu_group
PF $PF link $pf_d/virtfn0
PF $PF dir $pf_d/net
PF $PF none $pf_d/physfn
port $PORT file $port_d/vendor
port $PORT file $port_d/device
port $PORT file $port_d/class
port $PORT file $port_d/revision
port $PORT file $port_d/config
port $PORT file $port_d/numa_node
port $PORT file $port_d/driver_override
port $PORT link $port_d/driver
port $PORT link $port_d/iommu_group
host $VF link sys/bus/pci/devices/$VF
host $VF dir sys/bus/pci/devices
host $VF dir sys/kernel/iommu_groups/2/devices
host $VF link sys/kernel/iommu_groups/2/devices/$VF
host $VF file sys/kernel/iommu_groups/2/type
host $VF dir sys/class/iommu
host $VF file sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts
host $VF dir sys/bus/pci/drivers/vfio-pci
host $VF link sys/bus/pci/drivers/iavf/$VF
host $VF file proc/interrupts
host $VF file dev/vfio/vfio
host $VF file etc/srpass/srpass.conf
host $VF none etc/machine-id
host $VF none var/lib/srpass/ledger.json
EOF
}

targets >"$tmp/targets"
start=$(date +%s)
while read -r who dev ty path; do
	if [ "$ty" != none ] && [ ! -e "$H/$path" ] && [ ! -h "$H/$path" ]; then
		not_ok "$who $path: not in the tree (has mkhost changed?)"
		continue
	fi
	for mut in link-out link-up fifo dir empty big garbage; do
		hostile "$who" "$dev" "$ty" "$path" "$mut" </dev/null
	done
done <"$tmp/targets"
echo "# the cases took $(( $(date +%s) - start )) s"

# ---- afterwards -------------------------------------------------------

if [ -z "$ONLY" ]; then
	if diff -r --no-dereference -x lock "$tmp/pristine" "$H" >"$tmp/diff" 2>&1; then
		ok "the host tree is as built after every case"
	else
		not_ok "the host tree is as built after every case"
		diag "$tmp/diff"
	fi
fi

echo "1..$n"
[ "$failed" -eq 0 ]
