# tests/vm/guest/lib.sh: TAP and sysfs helpers for scenarios that run
# INSIDE the VM (sourced by suite.sh).  POSIX sh: the guest runs the host's
# /bin/sh.
#
# TAP: ok/nok/skip DESC, check DESC CMD..., tap_from CMD... (PASS/FAIL/SKIP
# lines from a helper such as list_checks.py), diag TEXT...
# sysfs: dev, drv, drv_is, grp, vfs, pf_of, make_vfs, bind_to, settle, ...
# srpass: sp/sp_is (run it, keep its output), write_config (the tenants),
# ledger/ledger_is, audit_gives (exit status and finding ids)
# the PF's switch: vf_state/vf_is/state_is (a VF's settings as the PF
# reports them), pf_up/pf_down, fresh_vfs (new VFs, no ledger),
# on_stub/on_host (where a VF is)

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
# sp ARGS...: run srpass $sp_global ARGS (sp_global: global options such
# as --config FILE, unset by default); stdout in /run/sp.out, stderr in
# /run/sp.err, the exit status in $sp_rc; the command, its status, stderr
# and (the first 60 lines of) stdout become diagnostics
sp_global=
sp() {
	# shellcheck disable=SC2086
	"$SRPASS" $sp_global "$@" >/run/sp.out 2>/run/sp.err
	sp_rc=$?
	diag "srpass $sp_global${sp_global:+ }$* -> $sp_rc"
	sed 's/^/#   /' /run/sp.err
	head -60 /run/sp.out | sed 's/^/#   /'
	return 0
}
# sp_is RC ARGS...: run srpass (sp), true if it exited RC
sp_is() { _want=$1; shift; sp "$@"; [ "$sp_rc" -eq "$_want" ]; }
# sp_err_has TEXT: srpass's last stderr contains TEXT (a stable id)
sp_err_has() { grep -qF -- "$1" /run/sp.err; }

# ---------------------------------------------------------------- config, ledger
# The tenants every srpass scenario uses (suite.sh writes the file before
# the scenarios run; the guest's / is a RAM overlay).  Both on PF 1:
# blue: VLANs 100-110, MACs 02:aa:00:...; red: VLANs 200-210, MACs
# 02:bb:00:..., a 100 Mbps cap (igb takes rate limits only with the PF
# link up).  Both have vlan_required (the default with vlans), spoofchk
# required and trust forbidden (the defaults).
SRPASS_CONF=/etc/srpass/srpass.conf
LEDGER=/var/lib/srpass/ledger.json
write_config() {
	mkdir -p /etc/srpass && cat >"$SRPASS_CONF" <<-'CONF' && chmod 0644 "$SRPASS_CONF"
	# written by tests/vm/guest/lib.sh (write_config) for the VM suite
	[tenant:blue]
	pfs = 0000:01:00.0
	vlans = 100-110
	mac_prefix = 02:aa:00

	[tenant:red]
	pfs = 0000:01:00.0
	vlans = 200-210
	mac_prefix = 02:bb:00
	max_rate = 100
	CONF
}
# jv FILE|- FILTER: jq -r FILTER FILE; jt FILE|- FILTER: true if the
# filter's last output is neither false nor null (jq -e).  Under TCG a jq
# start costs 0.4 s (python 1 s, sed or awk 0.03 s): one jq per question.
jv() { jq -r "$2" "$1"; }
jt() { jq -e "$2" "$1" >/dev/null || { diag "false: $2"; return 1; }; }
# ledger: the ledger in one line: "N OP VF,VF..." (N assignments, OP the
# pending operation or -, the VFs); "0 - " without a ledger
ledger() {
	if [ -e "$LEDGER" ]; then
		jq -r '"\(.assignments | length) \(.pending.op // "-") \([.assignments[].vf] | join(","))"' "$LEDGER"
	else
		echo "0 - "
	fi
}
# ledger_is "N OP VFS": the ledger is that (see ledger)
ledger_is() { _l=$(ledger); [ "$_l" = "$1" ] && return 0; diag "ledger: '$_l', expected '$1'"; return 1; }
# audit_ids FILE: the sorted ids of the findings of an `audit --json`
audit_ids() { jq -r '[.findings[].id] | sort | join(" ")' "$1"; }
# audit_gives RC "IDS" [ARGS...]: `srpass audit --json ARGS` exits RC and
# its findings' ids, sorted and space-separated, are exactly IDS
audit_gives() {
	_rc=$1 _ids=$2; shift 2
	sp_is "$_rc" audit --json "$@" || return 1
	[ "$(audit_ids /run/sp.out)" = "$_ids" ] && return 0
	diag "audit ids: $(audit_ids /run/sp.out), expected: $_ids"
	return 1
}

# ---------------------------------------------------------------- the PF's switch
pf_netdev() { ls "$(dev "$1")/net" 2>/dev/null | head -1; }
# vf_state PF N: VF N's switch settings as the PF reports them over
# rtnetlink (IFLA_VFINFO_LIST, parsed from `ip -d link show`), one line:
#   mac=02:aa:00:01:f0:94 vlan=100 qos=0 spoofchk=on trust=off max_tx=0
vf_state() {
	ip -d link show "$(pf_netdev "$1")" | awk -v n="$2" '
	$1 == "vf" && $2 == n && $3 == "link/ether" {
		vlan = qos = rate = 0; sp = tr = "?"
		if (match($0, /, vlan [0-9]+/)) vlan = substr($0, RSTART + 7, RLENGTH - 7)
		if (match($0, /, qos [0-9]+/)) qos = substr($0, RSTART + 6, RLENGTH - 6)
		if (match($0, /max_tx_rate [0-9]+/)) rate = substr($0, RSTART + 12, RLENGTH - 12)
		if ($0 ~ /spoof checking on/) sp = "on"; else if ($0 ~ /spoof checking off/) sp = "off"
		if ($0 ~ /trust on/) tr = "on"; else if ($0 ~ /trust off/) tr = "off"
		printf "mac=%s vlan=%d qos=%d spoofchk=%s trust=%s max_tx=%d\n", $4, vlan, qos, sp, tr, rate
		found = 1
	}
	END { exit !found }'
}
# vf_is PF N PATTERN: VF N's vf_state matches the shell PATTERN
vf_is() { _s=$(vf_state "$1" "$2") || return 1; case $_s in $3) return 0 ;; esac; diag "vf $2: $_s"; return 1; }
# state_is PF N STATE: VF N's vf_state is exactly STATE
state_is() {
	_s=$(vf_state "$1" "$2")
	[ "$_s" = "$3" ] && return 0
	diag "vf $2: $_s" "expected: $3"
	return 1
}
# pf_up PF / pf_down PF: the PF's link; up waits for the carrier (igb
# needs it for rate limits, and igbvf registers its MAC with the PF)
pf_up() {
	_n=$(pf_netdev "$1")
	ip link set "$_n" up && wait_for 20 grep -qx 1 "/sys/class/net/$_n/carrier"
}
pf_down() { ip link set "$(pf_netdev "$1")" down; }
# fresh_vfs PF N: start over: no ledger, the PF up, N new VFs (sriov_numvfs
# 0 -> N, so their switch settings are the driver's defaults), on igbvf,
# each with the random MAC igbvf registered with the PF.  Creating VFs
# resets the igb PF (link down and up); an igbvf that probes meanwhile
# cannot reach the PF and registers nothing (the PF reports 00:00:...),
# and registers a MAC at its next probe: so autoprobe is off while the VFs
# are created, and igbvf binds them once the PF link is back.
fresh_vfs() {
	rm -rf /var/lib/srpass
	pf_up "$1" || return 1
	set_numvfs "$1" 0 || return 1
	echo 0 >"$(dev "$1")/sriov_drivers_autoprobe"
	set_numvfs "$1" "$2" || return 1
	echo 1 >"$(dev "$1")/sriov_drivers_autoprobe"
	settle
	pf_up "$1" || return 1
	for _v in $(vfs "$1"); do echo "$_v" >/sys/bus/pci/drivers_probe; done
	settle
	_i=0 _pf=$1
	for _v in $(vfs "$1"); do
		wait_for 20 drv_is "$_v" igbvf || return 1
		wait_for 10 eval 'vf_state "$_pf" $_i | grep -qv "^mac=00:00:00:00:00:00 "' || return 1
		_i=$((_i + 1))
	done
}
# on_stub VF GROUP: on vfio-pci, driver_override vfio-pci, /dev/vfio/GROUP
on_stub() {
	drv_is "$1" vfio-pci && [ "$(cat "$(dev "$1")/driver_override")" = vfio-pci ] &&
		[ -c "/dev/vfio/$2" ] && return 0
	where "$1" "$2"
	return 1
}
# on_host VF GROUP: back on igbvf, driver_override cleared, no /dev/vfio/GROUP
# (srpass waits for the driver itself: 5 s is plenty, and short when not)
on_host() {
	wait_for 5 drv_is "$1" igbvf && [ "$(cat "$(dev "$1")/driver_override")" = "(null)" ] &&
		wait_for 5 [ ! -e "/dev/vfio/$2" ] && return 0
	where "$1" "$2"
	return 1
}
where() {
	diag "$1: driver $(drv "$1" || echo none), driver_override $(cat "$(dev "$1")/driver_override")," \
		"/dev/vfio/$2: $(ls -l "/dev/vfio/$2" 2>&1)"
}
