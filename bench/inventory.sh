#!/bin/sh
# srpass benchmark: inventory cost against host size, with lspci on the
# same trees as the baseline.  Run by `make bench` (BUILD set).
#
# It prints ratios, not absolute times, since these machines are shared:
#   scaling   = t(4N functions) / t(N functions), for srpass and for lspci
#               (4.0 is linear)
#   vs lspci  = t(srpass list --json) / t(lspci -D), same tree
set -eu

build=${BUILD:-build}
srpass=$build/srpass-sim
mkhost=$build/tests/mkhost
runs=${BENCH_RUNS:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# best of $runs wall times, in microseconds
best() {
	b=
	for _ in $(seq "$runs"); do
		t0=$(date +%s%N)
		"$@" >/dev/null
		t1=$(date +%s%N)
		t=$(((t1 - t0) / 1000))
		if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
	done
	echo "$b"
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}

"$mkhost" --scale 4 250 "$tmp/small" >/dev/null
"$mkhost" --scale 16 250 "$tmp/large" >/dev/null
nsmall=$(ls "$tmp/small/sys/bus/pci/devices" | wc -l)
nlarge=$(ls "$tmp/large/sys/bus/pci/devices" | wc -l)

s_small=$(best "$srpass" --root "$tmp/small" list --json)
s_large=$(best "$srpass" --root "$tmp/large" list --json)
l_small=$(best lspci -A linux-sysfs -O "sysfs.path=$tmp/small/sys/bus/pci" -D)
l_large=$(best lspci -A linux-sysfs -O "sysfs.path=$tmp/large/sys/bus/pci" -D)

echo "inventory benchmark: $nsmall and $nlarge PCI functions, best of $runs runs"
echo "  srpass list --json  scaling x$(ratio "$nlarge" "$nsmall") functions: $(ratio "$s_large" "$s_small")"
echo "  lspci -D            scaling x$(ratio "$nlarge" "$nsmall") functions: $(ratio "$l_large" "$l_small")"
echo "  srpass / lspci      small tree: $(ratio "$s_small" "$l_small"), large tree: $(ratio "$s_large" "$l_large")"
