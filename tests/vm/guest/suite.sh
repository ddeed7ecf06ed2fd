#!/bin/sh
# tests/vm/guest/suite.sh SCENARIO...: runs INSIDE the VM (tests/vm/run.sh).
# Sources guest/SCENARIO.sh for each name, in order, in one shell, so the
# scenarios share one TAP stream; exit 0 when every check passed, 1 if one
# failed.  Writes the srpass configuration (lib.sh write_config) first,
# dmesg and lspci to $VM_OUT at the end for the host to keep.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

echo "TAP version 13"
diag "kernel $(uname -r), cmdline: $(cat /proc/cmdline)" \
	"intel-iommu: ${VM_IOMMU:-?}; srpass: ${SRPASS:-unset}"
dmesg | grep -E 'DMAR: IOMMU enabled|DMAR-IR|iommu: Default domain' | sed 's/^/# /'
# the tenants of every srpass scenario (lib.sh); srpass assign needs them
check "wrote $SRPASS_CONF (blue, red; mode 0644)" write_config
for s in "$@"; do
	if [ ! -f "$here/$s.sh" ]; then
		nok "scenario $s exists ($here/$s.sh)"
		continue
	fi
	section "scenario $s"
	. "$here/$s.sh"
done
if [ -n "${VM_OUT:-}" ] && [ -d "$VM_OUT" ]; then
	dmesg >"$VM_OUT/dmesg.txt" 2>&1
	lspci -nn -vvv >"$VM_OUT/lspci.txt" 2>&1
fi
echo "1..$T_N"
diag "$T_FAILED of $T_N checks failed"
[ "$T_FAILED" -eq 0 ]
