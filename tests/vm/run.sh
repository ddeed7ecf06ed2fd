#!/bin/bash
# tests/vm/run.sh [options] GUEST_SCRIPT [ARG...]
#
# Boots the kernel that setup.sh unpacked under QEMU TCG: q35, an emulated
# Intel vIOMMU, N igb (82576) SR-IOV PFs, each on its own PCIe root port.
# The guest's root is this machine's root (9p, read-only, tmpfs overlay),
# so GUEST_SCRIPT (a path on this machine) runs inside at the same path, as
# root, and so does everything it calls.  Its exit status becomes ours.
# See docs/testing-vm.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${SRPASS_VM_CACHE:-${HOME:-/root}/.cache/srpass-vm}
kdir=$cache/kernel/current
nigb=1
mem=1G
cpus=1
limit=600
iommu=intremap=on,caching-mode=on
kargs=
quiet=quiet
outdir=
envs=()

usage() {
	cat >&2 <<EOF
usage: $0 [options] GUEST_SCRIPT [ARG...]
  -n N        igb SR-IOV PFs (default $nigb; PF k is 0000:0k:00.0)
  -I PROPS    intel-iommu properties (default $iommu; e.g. intremap=off,caching-mode=on)
  -a ARGS     extra kernel arguments (repeatable; e.g. iommu=pt, srpass.coldplug=0)
  -e VAR=VAL  environment for GUEST_SCRIPT (repeatable)
  -m MEM      guest memory (default $mem)
  -c N        vCPUs (default $cpus)
  -t SECS     wall-clock limit (default $limit)
  -k DIR      unpacked kernel (default $kdir)
  -o DIR      keep the guest's share: console.log, status, and what the
              script wrote to \$VM_OUT (default: a temporary dir, removed)
  -v          full kernel console (no 'quiet')
Exit status: GUEST_SCRIPT's; 124 time limit hit; 125 the VM or this runner
failed before the script could report.
EOF
	exit 125
}

while getopts "n:I:a:e:m:c:t:k:o:vh" opt; do
	case $opt in
	n) nigb=$OPTARG ;;
	I) iommu=$OPTARG ;;
	a) kargs="$kargs $OPTARG" ;;
	e) envs+=("$OPTARG") ;;
	m) mem=$OPTARG ;;
	c) cpus=$OPTARG ;;
	t) limit=$OPTARG ;;
	k) kdir=$OPTARG ;;
	o) outdir=$OPTARG ;;
	v) quiet= ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage

say() { echo "vm: $*" >&2; }
die() { say "$*"; exit 125; }

script=$(realpath -e -- "$1" 2>/dev/null) || die "no guest script $1"
shift
[[ $nigb =~ ^[0-9]+$ ]] && [ "$nigb" -le 8 ] || die "-n wants 0..8"
command -v qemu-system-x86_64 >/dev/null || die "no qemu-system-x86_64 (run tests/vm/setup.sh)"
kdir=$(realpath -e "$kdir" 2>/dev/null) || die "no kernel in $kdir (run tests/vm/setup.sh)"
kver=$(ls "$kdir/lib/modules")
[ -f "$kdir/boot/vmlinuz-$kver" ] || die "no $kdir/boot/vmlinuz-$kver"

# ---------------------------------------------------------------- initramfs
# static busybox, ./init and the modules for the 9p root (virtio_pci is a
# module on 6.1, built in on later kernels), decompressed, in load order.
# Cached per kernel and per content of ./init.
initrd=$cache/initramfs-$kver-$(cat "$here/init" "${BASH_SOURCE[0]}" | md5sum | cut -c1-12).cpio.gz
if [ ! -s "$initrd" ]; then
	bb=$(command -v busybox) || die "no busybox (run tests/vm/setup.sh)"
	ldd "$bb" >/dev/null 2>&1 && die "$bb is not static (install busybox-static)"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/bin" "$tmp/modules"
	cp "$bb" "$tmp/bin/busybox"
	install -m 0755 "$here/init" "$tmp/init"
	for m in virtio_pci 9pnet_virtio 9p overlay; do
		modprobe -d "$kdir" -S "$kver" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
	done | awk '!seen[$0]++' | while read -r ko; do
		name=$(basename "$ko")
		case $name in
		*.xz) xz -dc "$ko" >"$tmp/modules/${name%.xz}" ;;
		*.zst) zstd -qdc "$ko" >"$tmp/modules/${name%.zst}" ;;
		*) cp "$ko" "$tmp/modules/$name" ;;
		esac
		echo "${name%.ko*}.ko" >>"$tmp/modules/order"
	done
	touch "$tmp/modules/order"
	part=$(mktemp "$initrd.XXXXXX")
	(cd "$tmp" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) | gzip -1 >"$part"
	chmod 0644 "$part"
	mv "$part" "$initrd"
	find "$cache" -maxdepth 1 -name "initramfs-*.cpio.gz" ! -path "$initrd" -delete
	say "initramfs $initrd: $(du -k "$initrd" | cut -f1) KiB, modules: $(tr '\n' ' ' <"$tmp/modules/order")"
	rm -rf "$tmp"
	trap - EXIT
fi

# ---------------------------------------------------------------- the job
keep=1
if [ -z "$outdir" ]; then
	outdir=$(mktemp -d "${TMPDIR:-/tmp}/srpass-vm.XXXXXX")
	keep=0
fi
mkdir -p "$outdir"
outdir=$(realpath -e "$outdir")
rm -f "$outdir/job" "$outdir/status" "$outdir/console.log"
cleanup() { if [ "$keep" = 0 ]; then rm -rf "$outdir"; fi; }
trap cleanup EXIT

q() { printf "'%s'" "${1//\'/\'\\\'\'}"; }	# quote for the guest's /bin/sh
{
	echo "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root"
	echo "export VM_OUT=/run/vm VM_NUM_IGB=$nigb VM_IOMMU=$(q "$iommu")"
	for e in "${envs[@]}"; do
		[[ $e =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || die "-e wants VAR=VALUE, not $e"
		echo "export ${e%%=*}=$(q "${e#*=}")"
	done
	echo "cd $(q "$(dirname "$script")")"
	if [ -x "$script" ]; then printf 'exec %s' "$(q "$script")"; else printf 'exec /bin/sh %s' "$(q "$script")"; fi
	for a in "$@"; do printf ' %s' "$(q "$a")"; done
	echo
} >"$outdir/job"

# ---------------------------------------------------------------- boot
nics=()
for ((i = 1; i <= nigb; i++)); do
	nics+=(-device "pcie-root-port,id=rp$i,bus=pcie.0,chassis=$i,slot=$i"
	       -device "igb,bus=rp$i,mac=52:54:00:12:34:$(printf %02x "$i")")
done
append="console=ttyS0 intel_iommu=on panic=-1 srpass.moddir=$kdir/lib/modules $quiet$kargs"
say "booting $kver: $nigb igb PF(s), intel-iommu($iommu), -smp $cpus -m $mem, limit ${limit}s"
say "guest runs: $script $*"
start=$SECONDS
set +e
timeout -k 10 "$limit" qemu-system-x86_64 \
	-machine q35 -accel tcg -cpu max -smp "$cpus" -m "$mem" \
	-nodefaults -display none -no-reboot \
	-chardev "stdio,id=con,logfile=$outdir/console.log" -serial chardev:con \
	-device "intel-iommu,$iommu" \
	"${nics[@]}" \
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap,id=hostroot" \
	-virtfs "local,path=$outdir,mount_tag=vmout,security_model=none,id=vmout" \
	-kernel "$kdir/boot/vmlinuz-$kver" -initrd "$initrd" -append "$append" </dev/null
qrc=$?
set -e
secs=$((SECONDS - start))

if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	say "timed out after ${limit}s"
	exit 124
fi
rc=$(cat "$outdir/status" 2>/dev/null || true)
[ -n "$rc" ] || rc=$(grep -ao '@@VM-EXIT=[0-9]*@@' "$outdir/console.log" 2>/dev/null | tail -1 | tr -dc 0-9 || true)
if [ -z "$rc" ]; then
	say "the guest gave no exit status (qemu exit $qrc after ${secs}s; kernel panic or init failure?)"
	exit 125
fi
say "guest exit status $rc after ${secs}s"
exit "$rc"
