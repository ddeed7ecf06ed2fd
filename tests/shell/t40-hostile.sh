#!/bin/sh
# srpass tests -- hostile host trees.  Every attribute, link and
# directory srpass reads (each name once: on a VF, a PF or the root
# port above them, and the host-wide ones) is replaced in turn by: a
# symlink out of the root (absolute, to files holding 0xdead), a symlink
# climbing out with ".." (to FIFOs nobody writes), a FIFO, a directory,
# an empty file, a 1 MiB file and garbage.  On each tree every command
# runs: list, list --json, show, check, audit, a dry-run assign, then a
# real assign + release on a copy.  Each must end within 5 s, without a
# crash or a sanitizer report, with its usual result or a message on
# stderr that names the spoiled file; check may instead add warn or fail
# findings, and a link out of the root may give what its absence gives
# (srpass resolves links inside the root, where its target is not).
# None may read outside the root (no 0xdead in its output, no outside
# file's atime moved, no outside FIFO opened: that hangs), and the
# read-only ones must change nothing (types, modes, owners, sizes,
# mtimes and link targets of the tree and of the outside).  A spoiled
# config space of the port must not let check pass ACS.  The mutating
# commands run on a copy: they must end in time, read nothing outside,
# and say why if they fail.
#
# Needs BUILD (the build directory); prints TAP, one line per spoiled
# tree.  HOSTILE_ONLY=REGEX runs the cases whose name matches, e.g.
#   HOSTILE_ONLY='VF numa_node' BUILD=build sh tests/shell/t40-hostile.sh
# HOSTILE_JOBS=N runs N cases at a time (default 2).
set -u

BUILD=${BUILD:-build}
MKHOST=$BUILD/tests/mkhost
SRPASS=$BUILD/srpass-sim
ONLY=${HOSTILE_ONLY:-}
JOBS=${HOSTILE_JOBS:-2}
LIMIT=5				# seconds a command may take

tmpdir=${TMPDIR:-/tmp}
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	tmpdir=/dev/shm
fi
tmp=$(mktemp -d "$tmpdir/t40-hostile.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
tmp=$(cd "$tmp" && pwd)

. "$(dirname "$0")/tap.sh"
bail() {
	not_ok "$*"
	echo "1..$n"
	exit 1
}

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

P=$tmp/pristine
if "$MKHOST" "$tmp/host.ini" "$P" >"$tmp/log" 2>&1 &&
   mkdir -p "$P/etc/srpass" && cp "$tmp/srpass.conf" "$P/etc/srpass/srpass.conf"; then
	ok "mkhost builds the host"
else
	diag "$tmp/log"
	bail "mkhost builds the host"
fi
# srpass's lock and the simulator's switch state appear on first use;
# make them now, so that "changed nothing" can be exact afterwards
"$SRPASS" --root "$P" list >/dev/null 2>&1
# shellcheck disable=SC2086 # ASSIGN is words
"$SRPASS" --root "$P" $ASSIGN --dry-run >/dev/null 2>&1

# ---- running srpass and judging a run -------------------------------

# A worker's files are in $wd: the tree H every read-only command runs
# on, C (a copy of the spoiled tree, for assign and release), out (the
# world outside the root), save (what the case replaced), base/ (the
# results on the unspoiled H).
setup_worker() {
	wd=$1
	H=$wd/host
	C=$wd/copy
	out=$wd/outside
	save=$wd/save
	mkdir -p "$wd/base" "$out" "$save" && cp -a "$P" "$H" || return 1
	printf '0xdead\n' >"$out/file"
	mkfifo "$out/pipe"
	: >"$wd/ref2000"
	touch -d @946771200 "$wd/ref2000"	# 2000-01-02
	old_atime
}

# run ROOT ARGS...: srpass on ROOT, at most LIMIT seconds; out, err, rc
# (HOSTILE_VERBOSE=1: each status and stderr to $wd/verbose)
run() {
	root=$1
	shift
	timeout -k 1 "$LIMIT" "$SRPASS" --root "$root" "$@" >"$wd/out" 2>"$wd/err" </dev/null
	rc=$?
	if [ -n "${HOSTILE_VERBOSE:-}" ]; then
		echo "srpass $*: exit $rc $(head -c 160 "$wd/err" | tr '\n' ' ')" | sed "s|$wd|W|g" >>"$wd/verbose"
	fi
}

# snap: the tree and the outside world, one line per entry with its
# type, mode, owner, links, size, mtime and link target; srpass's lock
# is left out (taking it writes a pid).  Reading changes no line (no
# atimes, nor ctimes: setting an atime moves those), any write,
# creation, removal, rename, chmod or chown does.
snap() {
	find "$H" "$out" ! -path "$H/var/lib/srpass/lock" -printf '%y %m %U:%G %n %s %T@ %p -> %l\n'
}

# Outside files and FIFOs have an atime in 2000: a read moves it on.
old_atime() {
	find "$out" \( -type f -o -type p \) -exec touch -a -d @946684800 {} +
}
read_outside() {
	[ "$atime_works" = yes ] || return 1
	find "$out" -type f -anewer "$wd/ref2000" >"$wd/read"
	[ -s "$wd/read" ] || return 1
	old_atime
}

# verdict: what is wrong with the last run whatever it printed, in $why
# (empty: nothing)
verdict() {
	why=""
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		why="hung (killed after ${LIMIT} s)"
	elif [ "$rc" -ne 0 ] && grep -q 'Sanitizer\|runtime error:' "$wd/err"; then
		why="sanitizer: $(grep -m 1 'Sanitizer\|runtime error:' "$wd/err")"
	elif [ "$rc" -ge 128 ]; then
		why="killed by signal $((rc - 128))"
	fi
	# what the outside files hold, 0xdead (57005), must never show
	if grep -Eq '(^|[^A-Za-z0-9])(0x)?dead([^A-Za-z0-9]|$)|57005' "$wd/out" "$wd/err"; then
		why="${why:+$why; }printed what a file outside the root holds (0xdead)"
	fi
	if read_outside; then
		why="${why:+$why; }read outside the root: $(sed "s|$out|OUT|" "$wd/read" | tr '\n' ' ')"
	fi
}

# The read-only commands, "KEY|ARGS"; show gets the spoiled device.
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

# baselines DEV...: the results on the unspoiled tree, into base/; in
# $bad the first command that did not end with status 0 and a quiet stderr
baselines() {
	bad=""
	for dev in "$@"; do
		commands "$dev" >"$wd/cmds"
		while IFS='|' read -r key args; do
			[ "$key" = show ] && key=show-$dev
			[ -f "$wd/base/$key.rc" ] && continue
			# shellcheck disable=SC2086 # args are words
			run "$H" $args
			echo "$rc" >"$wd/base/$key.rc"
			cp "$wd/out" "$wd/base/$key.out"
			if [ "$rc" -ne 0 ] || [ -s "$wd/err" ]; then
				bad=${bad:-"srpass $args: exit $rc $(head -c 200 "$wd/err")"}
			fi
		done <"$wd/cmds"
	done
}

# ---- the spoilers -----------------------------------------------------

# Every step that builds a case is logged with H for the root and OUT
# for the outside: the reproducer printed when the case fails.
act() {
	printf '%s\n' "$*" | sed "s|$H|H|g; s|$out|OUT|g" >>"$wd/mut"
}
UP=$(i=0; while [ $i -lt 40 ]; do printf '../'; i=$((i + 1)); done)
ATTRS="vendor device class revision config numa_node driver_override sriov_totalvfs
sriov_numvfs sriov_offset sriov_stride sriov_vf_device sriov_drivers_autoprobe type enable
operstate bind unbind"
# mirror KIND NAME: an outside directory that looks like a device, a
# group or a driver; its files hold 0xdead (KIND text) or are FIFOs (fifos)
mirror() {
	m=$out/$1/$2
	if [ ! -d "$m" ]; then
		mkdir -p "$m/devices" "$m/net"
		for a in $ATTRS; do
			if [ "$1" = text ]; then printf '0xdead\n' >"$m/$a"; else mkfifo "$m/$a"; fi
		done
		old_atime
	fi
}

# spoil TYPE PATH MUT: replace PATH (absolute) of TYPE (file, link, dir,
# or none where srpass looks for something absent) by MUT; the original
# waits in $save
spoil() {
	p=$2
	: >"$wd/mut"
	rm -rf "$save/e"
	name=${p##*/}
	if [ "$1" != none ]; then
		mv "$p" "$save/e" || return 1
		act "rm -rf $p"
		[ "$1" = link ] && { name=$(readlink "$save/e"); name=${name##*/}; }
	fi
	case $1:$3 in
	file:link-out | none:link-out)
		ln -s "$out/file" "$p" && act "ln -s $out/file $p  # OUT/file holds 0xdead" ;;
	file:link-up | none:link-up)
		ln -s "$UP${out#/}/pipe" "$p" && act "ln -s ../../(40 times)..$out/pipe $p  # a FIFO" ;;
	*:link-out)
		mirror text "$name"
		ln -s "$out/text/$name" "$p" && act "ln -s $out/text/$name $p  # its files hold 0xdead" ;;
	*:link-up)
		mirror fifos "$name"
		ln -s "$UP${out#/}/fifos/$name" "$p" &&
			act "ln -s ../../(40 times)..$out/fifos/$name $p  # its files are FIFOs" ;;
	*:fifo)
		mkfifo "$p" && act "mkfifo $p" ;;
	dir:dir)
		# a directory in place of one: its entries, each a FIFO
		mkdir "$p" && act "mkdir $p" &&
			for e in "$save/e"/*; do
				[ -e "$e" ] || [ -h "$e" ] || continue
				mkfifo "$p/${e##*/}" && act "mkfifo $p/${e##*/}"
			done ;;
	*:dir)
		mkdir "$p" && act "mkdir $p" ;;
	*:empty)
		: >"$p" && act ": >$p" ;;
	*:big)
		head -c 1048576 /dev/zero | tr '\0' 7 >"$p" &&
			act "head -c 1048576 /dev/zero | tr '\\0' 7 >$p" ;;
	link:garbage)
		ln -s "$(printf 'gar\001\377bage/..')" "$p" &&
			act "ln -s \"\$(printf 'gar\\001\\377bage/..')\" $p" ;;
	*:garbage)
		printf 'garbage\377\001\000 x\n\n' >"$p" && act "printf 'garbage\\377\\001\\000 x\\n\\n' >$p" ;;
	esac
}
unspoil() {
	rm -rf "$1" "$C"
	if [ -e "$save/e" ] || [ -h "$save/e" ]; then mv "$save/e" "$1"; fi
}

# ---- a case: one spoiled tree, every command --------------------------

# one_ro KEY ARGS...: a read-only command on H; problems to $wd/fails
one_ro() {
	key=$1
	shift
	run "$H" "$@"
	verdict
	snap >"$wd/snap1"
	if ! cmp -s "$wd/snap0" "$wd/snap1"; then
		diff "$wd/snap0" "$wd/snap1" | grep '^[<>]' | head -n 4 | sed "s|$H|H|g; s|$out|OUT|g" |
			tr '\n' ' ' >"$wd/changes"
		why="${why:+$why; }changed the tree: $(cat "$wd/changes")"
		mv "$wd/snap1" "$wd/snap0"
	fi
	read -r brc <"$wd/base/$key.rc"
	if [ -z "$why" ] && { [ "$rc" -ne "$brc" ] || ! cmp -s "$wd/out" "$wd/base/$key.out"; }; then
		# not the usual result: a message must name the file (check
		# and audit may name it in a finding)
		where=$wd/err
		case $key in check | audit) where="$wd/err $wd/out" ;; esac
		# shellcheck disable=SC2086 # where is two words
		if grep -qF -- "$name" $where; then
			:
		elif [ "$key" = check ] && only_findings; then
			:	# the host is flagged
		elif as_if_absent "$@"; then
			:	# a link leading nowhere in the root: as if absent
		elif [ -s "$wd/err" ]; then
			why="exit $rc, stderr does not name '$name': $(head -c 200 "$wd/err")"
		elif [ "$rc" -ne 0 ]; then
			why="exit $rc with nothing on stderr"
		else
			why="exit 0, output differs from the unspoiled tree's, nothing on stderr"
		fi
	fi
	if [ "$key" = check ] && [ "$name" = config ] && grep -q '^pass  SRP-CHK-ACS' "$wd/out"; then
		why="${why:+$why; }finds ACS on a port whose config space is spoiled"
	fi
	if [ -n "$why" ]; then
		echo "srpass $*: $why" >>"$wd/fails"
		case $why in hung*) hung="srpass $*" ;; esac
	fi
}

# only_findings: what the last check printed that the unspoiled tree's
# did not is warn and fail findings (and their remedies)
only_findings() {
	diff "$wd/base/check.out" "$wd/out" | grep '^>' |
		grep -Evq '^> (warn|fail)  |^>  +remedy: '
	[ $? -eq 1 ]
}

# as_if_absent ARGS...: the spoiled entry is a link out of the root
# (which the root does not have: srpass resolves links in it), and the
# last run's status and output are those with the entry removed
as_if_absent() {
	case $cmut in link-out | link-up) ;; *) return 1 ;; esac
	mv "$wd/out" "$wd/out.spoiled"
	mv "$wd/err" "$wd/err.spoiled"
	rc_spoiled=$rc
	mv "$H/$cpath" "$save/link"
	run "$H" "$@"
	mv "$save/link" "$H/$cpath"
	snap >"$wd/snap0"
	[ "$rc" -eq "$rc_spoiled" ] && cmp -s "$wd/out" "$wd/out.spoiled"
	r=$?
	rc=$rc_spoiled
	mv "$wd/out.spoiled" "$wd/out"
	mv "$wd/err.spoiled" "$wd/err"
	return $r
}

# one_rw ARGS...: a command that may change the copy C: it must end in
# time, say why if it fails, read nothing outside; $rc as it ended
one_rw() {
	run "$C" "$@"
	verdict
	[ -z "$why" ] && [ "$rc" -ne 0 ] && [ ! -s "$wd/err" ] && why="exit $rc with nothing on stderr"
	[ -n "$why" ] && echo "srpass $* (on a copy): $why" >>"$wd/fails"
	[ -z "$why" ]
}

# hostile LABEL DEV TYPE PATH MUT: the result ("ok"/"not ok", the label,
# the diagnosis) to stdout
hostile() {
	label=$1
	spoil "$3" "$H/$4" "$5" || { echo "not ok - $label: cannot build the case"; return; }
	name=${4##*/}
	cpath=$4
	cmut=$5
	snap >"$wd/snap0"
	: >"$wd/fails"
	hung=""
	commands "$2" >"$wd/cmds"
	while IFS='|' read -r key args; do
		[ "$key" = show ] && key=show-$2
		if [ -n "$hung" ]; then
			echo "srpass $args: not run ($hung hung)" >>"$wd/fails"
		else
			# shellcheck disable=SC2086 # args are words
			one_ro "$key" $args
		fi
	done <"$wd/cmds"
	if [ -n "$hung" ]; then
		echo "srpass $ASSIGN, release: not run ($hung hung)" >>"$wd/fails"
	else
		cp -a "$H" "$C"
		# shellcheck disable=SC2086
		one_rw $ASSIGN && [ "$rc" -eq 0 ] && one_rw release "$VF"
	fi
	unspoil "$H/$4"

	if [ -s "$wd/fails" ]; then
		echo "not ok - $label: $(wc -l <"$wd/fails") of 8 commands"
		diag "$wd/fails" 10
		echo "# reproduce: BUILD=$BUILD HOSTILE_ONLY='^$label\$' sh tests/shell/t40-hostile.sh"
		echo "# or by hand on a host made by mkhost from the host.ini in it (H):"
		diag "$wd/mut"
	else
		echo "ok - $label: every command"
	fi
	if [ -n "${HOSTILE_VERBOSE:-}" ]; then
		diag "$wd/verbose" 40
		: >"$wd/verbose"
	fi
}

# ---- what srpass reads ------------------------------------------------

# "WHO DEV TYPE PATH": what srpass reads (strace -f -e openat2,openat,
# readlinkat of every command), each name once: on the VF what all
# functions have, on the PF what PFs have, on the port its config
# space, then host-wide; type none is what srpass looks for in vain.
# DEV is the device show is asked about.
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
PF $PF file $pf_d/sriov_totalvfs
PF $PF file $pf_d/sriov_numvfs
PF $PF file $pf_d/sriov_offset
PF $PF file $pf_d/sriov_stride
PF $PF file $pf_d/sriov_vf_device
PF $PF file $pf_d/sriov_drivers_autoprobe
PF $PF link $pf_d/virtfn0
PF $PF link $pf_d/driver
PF $PF link $pf_d/iommu_group
PF $PF dir $pf_d/net
PF $PF none $pf_d/physfn
port $PORT file $port_d/config
host $VF link sys/bus/pci/devices/$VF
host $PF link sys/bus/pci/devices/$PF
host $VF dir sys/bus/pci/devices
host $VF dir sys/kernel/iommu_groups
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

# The cases, "LABEL|WHO|DEV|TYPE|PATH|MUT", as HOSTILE_ONLY selects them.
targets | while read -r who dev ty path; do
	for mut in link-out link-up fifo dir empty big garbage; do
		if [ "$who" = host ]; then label="/$path as $mut"; else label="$who ${path##*/} as $mut"; fi
		echo "$label|$who|$dev|$ty|$path|$mut"
	done
done | awk -F '|' -v re="$ONLY" '$1 ~ re' >"$tmp/cases"

# ---- the baseline -----------------------------------------------------

wd=$tmp/w0
setup_worker "$wd" || bail "a copy of the host for the baselines"
printf '0xdead\n' >"$out/probe"
touch -a -d @946684800 "$out/probe"
cat "$out/probe" >/dev/null
atime_works=no
if [ -n "$(find "$out/probe" -anewer "$wd/ref2000")" ]; then
	atime_works=yes
else
	echo "# reads do not move atimes here (noatime?): outside reads are caught by content and FIFOs"
fi
missing=$(targets | while read -r who dev ty path; do
	[ "$ty" = none ] || [ -e "$H/$path" ] || [ -h "$H/$path" ] || printf ' %s' "$path"; done)
if [ -z "$missing" ]; then
	ok "the host has every entry the cases spoil"
else
	not_ok "the host has every entry the cases spoil: missing$missing (has mkhost changed?)"
fi
baselines "$VF" "$PF" "$PORT"
if [ -z "$bad" ]; then
	ok "on the unspoiled host every read-only command ends with status 0 and nothing on stderr"
else
	bail "on the unspoiled host every read-only command ends with status 0: $bad"
fi
cp -a "$H" "$C"
# shellcheck disable=SC2086
run "$C" $ASSIGN
rc1=$rc
run "$C" release "$VF"
if [ "$rc1" -eq 0 ] && [ "$rc" -eq 0 ]; then
	ok "on the unspoiled host, assign and release $VF succeed"
else
	diag "$wd/err"
	bail "on the unspoiled host, assign and release $VF succeed (exit $rc1, $rc)"
fi

# ---- the cases, JOBS workers each taking every JOBS-th ----------------

worker() {
	wd=$tmp/w$1
	setup_worker "$wd" && baselines "$VF" "$PF" "$PORT" || exit 1
	[ -z "$bad" ] || exit 1
	: >"$wd/verbose"
	i=0
	while IFS='|' read -r label who dev ty path mut; do
		i=$((i + 1))
		[ $((i % JOBS)) -eq $(($1 % JOBS)) ] || continue
		hostile "$label" "$dev" "$ty" "$path" "$mut" >"$tmp/res.$i" </dev/null
	done <"$tmp/cases"
	# the tree is as built after every case
	diff -r --no-dereference -x lock "$P" "$H" >"$wd/diff" 2>&1
}

start=$(date +%s)
pids=""
j=1
while [ $j -le "$JOBS" ]; do
	worker $j &
	pids="$pids $!"
	j=$((j + 1))
done
j=1
for pid in $pids; do
	wait "$pid" || echo "worker $j failed (setup, or a tree not restored)" >>"$tmp/broken"
	j=$((j + 1))
done
took=$(($(date +%s) - start))

i=0
while [ $i -lt "$(wc -l <"$tmp/cases")" ]; do
	i=$((i + 1))
	if [ ! -s "$tmp/res.$i" ]; then
		not_ok "case $i: $(sed -n "${i}s/|.*//p" "$tmp/cases"): no result"
		continue
	fi
	read -r first <"$tmp/res.$i"
	case $first in
	"ok - "*) ok "${first#ok - }" ;;
	*) not_ok "${first#not ok - }" ;;
	esac
	sed 1d "$tmp/res.$i"
done
echo "# $i cases in $took s ($JOBS at a time)"

if [ -s "$tmp/broken" ]; then
	not_ok "every worker ran and left its tree as built"
	diag "$tmp/broken"
	for f in "$tmp"/w*/diff; do diag "$f" 5; done
else
	ok "every worker ran and left its tree as built"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
