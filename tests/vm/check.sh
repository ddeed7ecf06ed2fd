#!/bin/bash
# tests/vm/check.sh SRPASS [LOGDIR]: what `make check-vm` runs.  Sets up
# QEMU and a kernel (setup.sh), then boots one VM per variant and runs the
# guest scenarios in it with SRPASS (an absolute path the guest sees too).
# Prints the guests' TAP and a closing "check-vm: N passed, N failed, N
# skipped" line; keeps each VM's console.log, dmesg and lspci in LOGDIR.
# Exit status: 0 all passed, else the first failing VM's (124 time limit,
# 125 the VM never reported).  Extra run.sh options: $SRPASS_VM_RUN_OPTS.
set -u
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: $0 SRPASS [LOGDIR]" >&2; exit 2; }
srpass=$(realpath -e "$1") || exit 2
logs=$(realpath -m "${2:-$(dirname "$srpass")/check-vm}")
rm -rf "$logs"
mkdir -p "$logs"
start=$SECONDS

"$here/setup.sh" || { echo "check-vm: setup failed" >&2; exit 125; }

# NAME | run.sh options | scenarios
variants=(
	"vIOMMU||list vfio vflink lifecycle nested"
	"intremap-off|-I intremap=off,caching-mode=on|vfio"
	"iommu-pt|-a iommu=pt|lifecycle"
)
status=0
i=0
for v in "${variants[@]}"; do
	i=$((i + 1))
	IFS='|' read -r name opts scen <<<"$v"
	echo "check-vm: [$i/${#variants[@]}] $name: $scen"
	# shellcheck disable=SC2086
	"$here/run.sh" -t 300 $opts ${SRPASS_VM_RUN_OPTS:-} -o "$logs/$name" -e "SRPASS=$srpass" \
		"$here/guest/suite.sh" $scen 2>&1 | tr -d '\r' | tee "$logs/$name.log"
	rc=${PIPESTATUS[0]}
	[ "$status" -ne 0 ] || status=$rc
done

pass=$(cat "$logs"/*.log | grep -E '^ok [0-9]+ ' | grep -vc '# SKIP')
skipped=$(cat "$logs"/*.log | grep -Ec '^ok [0-9]+ .*# SKIP')
failed=$(cat "$logs"/*.log | grep -Ec '^not ok [0-9]+ ')
echo "check-vm: logs in $logs; $((SECONDS - start))s"
echo "check-vm: $pass passed, $failed failed, $skipped skipped"
[ "$status" -ne 0 ] || [ "$failed" -eq 0 ] || status=1
exit "$status"
