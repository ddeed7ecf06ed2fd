# tests/vm/guest/lib.sh: TAP and sysfs helpers for scenarios that run
# INSIDE the VM (sourced by suite.sh).  POSIX sh: the guest runs the host's
# /bin/sh.
#
# TAP: ok/nok/skip DESC, check DESC CMD..., tap_from CMD... (PASS/FAIL/SKIP
# lines from a helper such as list_checks.py), diag TEXT...

T_N=0
T_FAILED=0
ok() { T_N=$((T_N + 1)); echo "ok $T_N - $*"; }
nok() { T_N=$((T_N + 1)); T_FAILED=$((T_FAILED + 1)); echo "not ok $T_N - $*"; }
skip() { T_N=$((T_N + 1)); echo "ok $T_N - # SKIP $*"; }
check() { _d=$1; shift; if "$@"; then ok "$_d"; else nok "$_d"; fi; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }
# tap_from CMD...: run CMD, turn its "PASS desc" / "FAIL desc" / "SKIP desc"
# lines into TAP (other lines become diagnostics); a failing CMD is a failure
tap_from() {
	"$@" >/run/tap_from.out 2>&1
	_rc=$?
	while IFS= read -r _l; do
		case $_l in
		"PASS "*) ok "${_l#PASS }" ;;
		"FAIL "*) nok "${_l#FAIL }" ;;
		"SKIP "*) skip "${_l#SKIP }" ;;
		*) diag "$_l" ;;
		esac
	done </run/tap_from.out
	[ "$_rc" -eq 0 ] || nok "$* exits 0 (rc $_rc)"
}
section() { echo "# --- $* (uptime $(cut -d' ' -f1 /proc/uptime)s)"; }

# wait_for SECS CMD...: poll CMD every 0.1 s until it succeeds
wait_for() {
	_t=$(($1 * 10)); shift
	until "$@" 2>/dev/null; do
		_t=$((_t - 1)); [ "$_t" -gt 0 ] || return 1
		sleep 0.1
	done
}
# settle [SECS]: wait until init's uevent helper handled every uevent
settle() {
	wait_for "${1:-30}" sh -c '[ "$(cat /run/vm-uevent-seqnum)" -ge "$(cat /sys/kernel/uevent_seqnum)" ]' ||
		diag "settle: uevents still pending after ${1:-30}s"
}

# ---------------------------------------------------------------- sysfs
dev() { echo "/sys/bus/pci/devices/$1"; }
link_base() { _l=$(readlink "$1") && echo "${_l##*/}"; }
drv() { link_base "$(dev "$1")/driver"; }
drv_is() { [ "$(drv "$1")" = "$2" ]; }
grp() { link_base "$(dev "$1")/iommu_group"; }
# vfs PF: the PF's VFs in virtfn order
vfs() {
	_i=0
	while [ -e "$(dev "$1")/virtfn$_i" ]; do
		link_base "$(dev "$1")/virtfn$_i"
		_i=$((_i + 1))
	done
}
pf_of() { echo "0000:0$1:00.0"; }	# igb PF number k (1..8) as run.sh places it
set_numvfs() { echo "$2" >"$(dev "$1")/sriov_numvfs"; }
# make_vfs PF N: N VFs on PF (from 0), each bound to igbvf
make_vfs() {
	[ "$(cat "$(dev "$1")/sriov_numvfs")" = "$2" ] && return 0
	set_numvfs "$1" 0 && set_numvfs "$1" "$2" || return 1
	settle
	for _v in $(vfs "$1"); do wait_for 20 drv_is "$_v" igbvf || return 1; done
}
# bind_to BDF DRIVER: driver_override, unbind, reprobe ("" = default driver)
bind_to() {
	echo "$2" >"$(dev "$1")/driver_override"
	if [ -e "$(dev "$1")/driver" ]; then echo "$1" >"$(dev "$1")/driver/unbind"; fi
	echo "$1" >/sys/bus/pci/drivers_probe
}
irq_remapping() { dmesg | grep -q 'Enabled IRQ remapping'; }

# ---------------------------------------------------------------- srpass
# $SRPASS: the binary under test (check.sh passes $(BUILD)/srpass)
SRPASS=${SRPASS:-}
have_srpass() { [ -n "$SRPASS" ] && [ -x "$SRPASS" ]; }
srpass() { "$SRPASS" "$@"; }
