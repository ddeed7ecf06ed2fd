#!/bin/bash
# tests/vm/check.sh SRPASS [LOGDIR]: what `make check-vm` runs.  Sets up
# QEMU and a kernel (setup.sh), then boots one VM per variant and runs the
# guest scenarios in it with SRPASS (an absolute path the guest sees too).
# Runs $SRPASS_VM_JOBS VMs at a time (default 2: one TCG vCPU each, on
# this 2-core machine); prints each VM's TAP (in variant order, each VM's
# once it is done) and a closing "check-vm: N passed, N failed, N skipped"
# line; keeps each VM's console.log, dmesg and lspci in LOGDIR.
# Exit status: 0 all passed, else the first failing VM's (124 time limit,
# 125 the VM never reported).  Extra run.sh options: $SRPASS_VM_RUN_OPTS.
set -u
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: $0 SRPASS [LOGDIR]" >&2; exit 2; }
srpass=$(realpath -e "$1") || exit 2
logs=$(realpath -m "${2:-$(dirname "$srpass")/check-vm}")
jobs=${SRPASS_VM_JOBS:-2}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || { echo "check-vm: SRPASS_VM_JOBS wants a number" >&2; exit 2; }
rm -rf "$logs"
mkdir -p "$logs"
start=$SECONDS

"$here/setup.sh" || { echo "check-vm: setup failed" >&2; exit 125; }

# NAME | run.sh options | scenarios.  Longest first: with 2 at a time the
# last ones fill in beside them.
variants=(
	"vIOMMU||list vfio vflink lifecycle check assign nested"
	"vIOMMU-switch||audit release restore recover vf"
	"iommu-pt|-a iommu=pt|lifecycle check"
	"intremap-off|-I intremap=off,caching-mode=on|vfio check"
)
n=${#variants[@]}

# run_vm I: boot variant I; its output goes to $logs/NAME.log, its status
# to $logs/NAME.rc, its wall time to $logs/NAME.secs
run_vm() {
	local name opts scen t0=$SECONDS
	IFS='|' read -r name opts scen <<<"${variants[$1]}"
	# shellcheck disable=SC2086
	"$here/run.sh" -t 300 $opts ${SRPASS_VM_RUN_OPTS:-} -o "$logs/$name" -e "SRPASS=$srpass" \
		"$here/guest/suite.sh" $scen 2>&1 | tr -d '\r' >"$logs/$name.log"
	echo "${PIPESTATUS[0]}" >"$logs/$name.rc"
	echo $((SECONDS - t0)) >"$logs/$name.secs"
}

# interrupted: end the VMs this script started (timeout(1) in run.sh puts
# QEMU in a process group of its own, out of reach of the terminal's ^C)
kill_tree() {
	local c
	for c in $(pgrep -P "$1"); do kill_tree "$c"; done
	kill "$1" 2>/dev/null
}
pids=()
trap 'for p in "${pids[@]}"; do kill_tree "$p"; done; echo "check-vm: interrupted" >&2; exit 130' INT TERM

for ((i = 0; i < n; i++)); do
	IFS='|' read -r name opts scen <<<"${variants[$i]}"
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
	echo "check-vm: [$((i + 1))/$n] $name: $scen (starting)"
	run_vm "$i" &
	pids[i]=$!
done
status=0
for ((i = 0; i < n; i++)); do
	IFS='|' read -r name opts scen <<<"${variants[$i]}"
	wait "${pids[i]}"
	echo "check-vm: [$((i + 1))/$n] $name: $scen"
	cat "$logs/$name.log"
	rc=$(cat "$logs/$name.rc" 2>/dev/null || echo 125)
	echo "check-vm: [$((i + 1))/$n] $name: exit $rc after $(cat "$logs/$name.secs" 2>/dev/null)s"
	[ "$status" -ne 0 ] || status=$rc
done

pass=$(cat "$logs"/*.log | grep -E '^ok [0-9]+ ' | grep -vc '# SKIP')
skipped=$(cat "$logs"/*.log | grep -Ec '^ok [0-9]+ .*# SKIP')
failed=$(cat "$logs"/*.log | grep -Ec '^not ok [0-9]+ ')
echo "check-vm: logs in $logs; $((SECONDS - start))s"
echo "check-vm: $pass passed, $failed failed, $skipped skipped"
[ "$status" -ne 0 ] || [ "$failed" -eq 0 ] || status=1
exit "$status"
