#!/bin/sh
# srpass tests -- fake hosts against lspci: the demo host and a --scale
# host must decode with libpci's own tools, srpass list --json must see
# the same functions, and each VF's PF must be the one the SR-IOV
# capability routes it to.  Bad roots fail in one line, never crash.
# Needs BUILD (the build directory); prints TAP.
set -u

BUILD=${BUILD:-build}
MKHOST=$BUILD/tests/mkhost
SRPASS=$BUILD/srpass-sim
HERE=$(dirname "$0")

# Trees of thousands of functions are a lot of small files and links:
# on tmpfs unless TMPDIR says otherwise.
tmpdir=${TMPDIR:-/tmp}
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	tmpdir=/dev/shm
fi
tmp=$(mktemp -d "$tmpdir/t10-lspci.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/tap.sh"
# check DESCRIPTION CMD...: ok if CMD succeeds
check() {
	what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

lspci_at() {
	root=$1
	shift
	lspci -A linux-sysfs -O "sysfs.path=$root/sys/bus/pci" "$@"
}

# lspci's stderr, less the libkmod complaint of hosts without /lib/modules
lspci_errors() {
	grep -v 'libkmod' "$1"
}

# JSON -> one "PATH<TAB>VALUE" line per scalar, e.g.
#   .devices[3].address	0000:03:00.0
# Plain awk (mawk too).  Strings never span lines in JSON, so each line
# is tokenized on its own, through a window so long lines stay linear.
json_flat() {
	awk '
	function path(   p, i) {
		p = ""
		for (i = 1; i <= d; i++)
			p = p (type[i] == "o" ? "." key[i] : "[" idx[i] "]")
		return p
	}
	function unquote(s) {
		s = substr(s, 2, length(s) - 2)
		gsub(/\\\\/, "\001", s)
		gsub(/\\"/, "\"", s)
		gsub(/\\\//, "/", s)
		gsub(/\001/, "\\", s)
		return s
	}
	{
		line = $0
		len = length(line)
		pos = 1
		while (pos <= len) {
			win = 512
			w = substr(line, pos, win)
			c = substr(w, 1, 1)
			if (c == " " || c == "\t" || c == "\r") {
				pos++
				continue
			}
			if (c == "\"") {
				while (!match(w, /^"([^"\\]|\\.)*"/) && pos + win <= len) {
					win *= 2
					w = substr(line, pos, win)
				}
				if (RSTART != 1) {
					print "json_flat: unterminated string on line " NR > "/dev/stderr"
					exit 1
				}
				tok = substr(w, 1, RLENGTH)
				pos += RLENGTH
				if (type[d] == "o" && want_key)
					key[d] = unquote(tok)
				else
					print path() "\t" unquote(tok)
				continue
			}
			if (c == "{" || c == "[") {
				d++
				type[d] = c == "{" ? "o" : "a"
				idx[d] = 0
				want_key = c == "{"
			} else if (c == "}" || c == "]") {
				d--
			} else if (c == ",") {
				if (type[d] == "a")
					idx[d]++
				else
					want_key = 1
			} else if (c == ":") {
				want_key = 0
			} else if (match(w, /^(-?[0-9][0-9.eE+-]*|true|false|null)/)) {
				print path() "\t" substr(w, 1, RLENGTH)
				pos += RLENGTH
				continue
			} else {
				print "json_flat: unexpected \"" c "\" on line " NR > "/dev/stderr"
				exit 1
			}
			pos++
		}
	}
	END {
		if (d != 0) {
			print "json_flat: unbalanced document" > "/dev/stderr"
			exit 1
		}
	}' "$1"
}

# From flattened list --json: "ADDRESS KIND PF VF_INDEX" per device
# ("-" where a key is absent), sorted.
json_devices() {
	awk -F '\t' '
	match($1, /^\.devices\[[0-9]+\]\./) {
		i = substr($1, 10, RLENGTH - 11)
		f = substr($1, RLENGTH + 1)
		if (!(i in seen)) {
			seen[i] = 1
			order[++n] = i
		}
		v[i, f] = $2
	}
	END {
		for (k = 1; k <= n; k++) {
			i = order[k]
			printf "%s %s %s %s\n", v[i, "address"], v[i, "kind"],
			       ((i, "pf") in v) ? v[i, "pf"] : "-",
			       ((i, "vf_index") in v) ? v[i, "vf_index"] : "-"
		}
	}' "$1" | sort
}

# From lspci -D -vvv: "VF PF N" for every enabled VF, computed as the
# kernel does from the PF's SR-IOV capability: RID(VF N) = RID(PF) +
# First VF Offset + N * VF Stride (drivers/pci/iov.c).
lspci_vfs() {
	awk '
	function hex(s,   i, v) {
		v = 0
		s = tolower(s)
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	/^[0-9a-f][0-9a-f][0-9a-f][0-9a-f]:/ {
		pf = $1
		split(pf, a, /[:.]/)
		rid = hex(a[2]) * 256 + hex(a[3]) * 8 + a[4]
		numvfs = 0
	}
	/Number of VFs:/ {
		sub(/.*Number of VFs: */, "")
		numvfs = $0 + 0
	}
	/VF offset:/ {
		line = $0
		sub(/.*VF offset: */, "", line)
		offset = line + 0
		sub(/.*stride: */, "", line)
		stride = line + 0
		for (k = 0; k < numvfs; k++) {
			r = rid + offset + k * stride
			printf "%s:%02x:%02x.%d %s %d\n", substr(pf, 1, 4), int(r / 256),
			       int((r % 256) / 8), r % 8, pf, k
		}
	}' "$1" | sort
}

# physfn and virtfnN links: "VF PF N", sorted
sysfs_vfs() {
	find "$1/sys/devices" -name 'virtfn[0-9]*' -type l -printf '%h %f %l\n' |
		awk '{
			n = split($1, p, "/")
			vf = $3
			sub(/.*\//, "", vf)
			idx = $2
			sub(/virtfn/, "", idx)
			print vf, p[n], idx
		}' | sort
}

physfn_ok() {
	find "$1/sys/devices" -name physfn -type l -printf '%h %l\n' |
		awk '{
			n = split($1, p, "/")
			pf = $2
			sub(/.*\//, "", pf)
			print p[n], pf
		}' | sort >"$tmp/physfn"
	awk '{ print $1, $2 }' "$2" | sort | cmp -s - "$tmp/physfn"
}

# The cross-checks for one tree T, named NAME.
cross_check() {
	name=$1
	t=$2

	if lspci_at "$t" -D >"$tmp/$name.lspci" 2>"$tmp/$name.lspci.err" &&
	   ! lspci_errors "$tmp/$name.lspci.err" >/dev/null; then
		ok "$name: lspci -D decodes the tree ($(wc -l <"$tmp/$name.lspci") functions)"
	else
		not_ok "$name: lspci -D decodes the tree"
		diag "$tmp/$name.lspci.err"
	fi
	awk '{ print $1 }' "$tmp/$name.lspci" | sort >"$tmp/$name.lspci.addr"

	if "$SRPASS" --root "$t" list --json >"$tmp/$name.json" 2>"$tmp/$name.json.err" &&
	   json_flat "$tmp/$name.json" >"$tmp/$name.flat"; then
		ok "$name: srpass list --json gives one JSON document"
	else
		not_ok "$name: srpass list --json gives one JSON document"
		diag "$tmp/$name.json.err"
		return
	fi
	json_devices "$tmp/$name.flat" >"$tmp/$name.devs"
	awk '{ print $1 }' "$tmp/$name.devs" >"$tmp/$name.json.addr"
	if cmp -s "$tmp/$name.lspci.addr" "$tmp/$name.json.addr"; then
		ok "$name: srpass lists the functions lspci lists"
	else
		not_ok "$name: srpass lists the functions lspci lists"
		diff "$tmp/$name.lspci.addr" "$tmp/$name.json.addr" >"$tmp/diff"
		diag "$tmp/diff"
	fi

	# every VF the PFs' SR-IOV capabilities route, with its PF and index
	awk '$2 == "pf" { print $1 }' "$tmp/$name.devs" | while read -r pf; do
		lspci_at "$t" -D -vvv -s "$pf" 2>/dev/null
	done | lspci_vfs - >"$tmp/$name.cap"
	awk '$2 == "vf" { print $1, $3, $4 }' "$tmp/$name.devs" >"$tmp/$name.jvfs"
	if [ -s "$tmp/$name.cap" ] && cmp -s "$tmp/$name.cap" "$tmp/$name.jvfs"; then
		ok "$name: each VF's pf and vf_index match the PF's SR-IOV capability ($(wc -l <"$tmp/$name.jvfs") VFs)"
	else
		not_ok "$name: each VF's pf and vf_index match the PF's SR-IOV capability"
		diff "$tmp/$name.cap" "$tmp/$name.jvfs" >"$tmp/diff"
		diag "$tmp/diff"
	fi
	sysfs_vfs "$t" >"$tmp/$name.links"
	if cmp -s "$tmp/$name.links" "$tmp/$name.jvfs" && physfn_ok "$t" "$tmp/$name.links"; then
		ok "$name: ... and the virtfnN and physfn links"
	else
		not_ok "$name: ... and the virtfnN and physfn links"
		diff "$tmp/$name.links" "$tmp/$name.jvfs" >"$tmp/diff"
		diag "$tmp/diff"
	fi
}

# ---- the demo host ----------------------------------------------------

demo=$tmp/demo
if "$MKHOST" "$HERE/../../demo/host.ini" "$demo" 2>"$tmp/mkhost.err"; then
	ok "mkhost builds the demo host"
else
	not_ok "mkhost builds the demo host"
	diag "$tmp/mkhost.err"
	echo "1..$n"
	exit 1
fi
cross_check demo "$demo"

if lspci_at "$demo" -D -vvv >"$tmp/demo.vvv" 2>"$tmp/demo.vvv.err" &&
   ! lspci_errors "$tmp/demo.vvv.err" >/dev/null; then
	ok "demo: lspci -vvv decodes every config space"
else
	not_ok "demo: lspci -vvv decodes every config space"
	diag "$tmp/demo.vvv.err"
fi
# para ADDRESS: the paragraph of one function in lspci -vvv, into $tmp/para
para() {
	awk -v a="$1" '/^[0-9a-f]/ { on = $1 == a } on' "$tmp/demo.vvv" >"$tmp/para"
}
# has PATTERN...: every pattern is in $tmp/para
has() {
	[ -s "$tmp/para" ] || return 1
	for p in "$@"; do
		grep -q -- "$p" "$tmp/para" || return 1
	done
}
para 0000:03:00.0
check "demo: 03:00.0 has SR-IOV with 8 of 64 VFs at offset 16, ARI hierarchy" \
	has 'Single Root I/O Virtualization (SR-IOV)' 'Total VFs: 64, Number of VFs: 8' \
	    'VF offset: 16, stride: 1, Device ID: 154c' 'IOVCtl:.*Enable+.*ARIHierarchy+'
para 0000:00:03.0
check "demo: root port 00:03.0 has ACS enabled and forwards ARI" \
	has 'Access Control Services' 'ACSCtl:.*SrcValid+.*ReqRedir+.*CmpltRedir+.*UpstreamFwd+' \
	    'DevCtl2:.*ARIFwd+'
para 0000:80:03.0
# shellcheck disable=SC2016 # $1 is for the inner sh
check "demo: root port 80:03.0 has no ACS" \
	sh -c '[ -s "$1" ] && ! grep -q "Access Control Services" "$1"' - "$tmp/para"

# expectations from demo/host.ini itself
for want in "0000:03:02.0 vf 0000:03:00.0 0" "0000:03:02.7 vf 0000:03:00.0 7" \
	    "0000:03:0a.3 vf 0000:03:00.1 3" "0000:82:00.2 vf 0000:82:00.0 0" \
	    "0000:82:01.3 vf 0000:82:00.1 1" "0000:81:00.0 plain - -"; do
	check "demo: $want" grep -qx "$want" "$tmp/demo.devs"
done
group_of() {
	awk -F '\t' -v a="$1" '
		$1 ~ /^\.devices\[[0-9]+\]\.address$/ { cur = $2 }
		$1 ~ /^\.devices\[[0-9]+\]\.iommu_group$/ && cur == a { print $2 }' "$tmp/demo.flat"
}
g=$(group_of 0000:80:03.0)
check "demo: ConnectX-5 PFs and VFs share the no-ACS port's IOMMU group ($g)" \
	test -n "$g" -a "$(group_of 0000:82:00.0)" = "$g" -a "$(group_of 0000:82:00.1)" = "$g" \
	-a "$(group_of 0000:82:01.3)" = "$g"
check "demo: X710 VFs have IOMMU groups of their own" \
	test -n "$(group_of 0000:03:02.0)" -a "$(group_of 0000:03:02.0)" != "$(group_of 0000:03:00.0)" \
	-a "$(group_of 0000:03:02.0)" != "$(group_of 0000:03:02.1)"

# ---- thousands of VFs -------------------------------------------------

big=$tmp/scale
if "$MKHOST" --scale 16 250 "$big" 2>"$tmp/mkhost.err"; then
	ok "mkhost --scale 16 250 builds 4000 VFs"
	cross_check scale "$big"
else
	not_ok "mkhost --scale 16 250 builds 4000 VFs"
	diag "$tmp/mkhost.err"
fi

# ---- bad roots: one line naming the path, status 1 or 2, no crash ------

# bad_root NAME ROOT FRAGMENT: srpass list must fail with one line on
# stderr that contains FRAGMENT (a path), with status 1 or 2
bad_root() {
	"$SRPASS" --root "$2" list --json >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ge 1 ] && [ "$rc" -le 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
	   grep -qF -- "$3" "$tmp/err"; then
		ok "bad root: $1: exit $rc, '$(cat "$tmp/err")'"
	else
		not_ok "bad root: $1: want exit 1 or 2 and one line naming '$3', got exit $rc"
		diag "$tmp/err"
	fi
}
# odd_root NAME ROOT: srpass list may succeed or fail, but a failure is
# one line with status 1 or 2 and never a crash (status >= 128)
odd_root() {
	"$SRPASS" --root "$2" list --json >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 0 ] || { [ "$rc" -le 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ]; }; then
		ok "odd root: $1: exit $rc $(head -n 1 "$tmp/err")"
	else
		not_ok "odd root: $1: exit $rc (want 0, or 1/2 with one line)"
		diag "$tmp/err"
	fi
}

bad_root "missing" "$tmp/no-such-root" "$tmp/no-such-root"
: >"$tmp/plain-file"
bad_root "a plain file" "$tmp/plain-file" "$tmp/plain-file"
mkdir "$tmp/empty"
bad_root "an empty directory" "$tmp/empty" "$tmp/empty"

# a small host to spoil, one way at a time
cat >"$tmp/small.ini" <<'EOF'
[iommu]
[port 0000:00:01.0]
buses = 01
acs = on
ari = on
[pf 0000:01:00.0]
id = 8086:1572
driver = i40e
netdevs = eth0
totalvfs = 8
numvfs = 2
vf_id = 154c
vf_driver = iavf
EOF
spoil() {
	rm -rf "$tmp/bad"
	"$MKHOST" "$tmp/small.ini" "$tmp/bad" || echo "# mkhost failed"
}
dev=$tmp/bad/sys/devices/pci0000:00/0000:00:01.0
pfd=$dev/0000:01:00.0

spoil
ln -s ../../../devices/pci0000:00/0000:00:01.0/0000:01:00.0 "$tmp/bad/sys/bus/pci/devices/garbage"
bad_root "an entry 'garbage' in sys/bus/pci/devices" "$tmp/bad" "sys/bus/pci/devices"
spoil
echo garbage >"$pfd/sriov_totalvfs"
bad_root "sriov_totalvfs 'garbage'" "$tmp/bad" "sriov_totalvfs"
spoil
head -c 5000 /dev/zero | tr '\0' 7 >"$pfd/sriov_numvfs"
bad_root "a 5000-digit sriov_numvfs" "$tmp/bad" "sriov_numvfs"
spoil
ln -sfn ../../../../kernel/iommu_groups/banana "$pfd/iommu_group"
bad_root "iommu_group link to 'banana'" "$tmp/bad" "iommu_group"

spoil
echo 'not a resource line' >"$pfd/resource"
odd_root "resource with no numbers" "$tmp/bad"
spoil
echo zzzz >"$pfd/vendor"
odd_root "vendor 'zzzz'" "$tmp/bad"
spoil
head -c 10 /dev/urandom >"$pfd/config"
odd_root "10 bytes of config space" "$tmp/bad"
spoil
head -c 1048576 /dev/urandom >"$pfd/config"
odd_root "1M of random config space" "$tmp/bad"
spoil
echo banana >"$pfd/numa_node"
odd_root "numa_node 'banana'" "$tmp/bad"
spoil
rm "$pfd/virtfn1"
odd_root "virtfn1 missing" "$tmp/bad"
spoil
ln -sfn ../../../../../../../../../../../etc "$dev/0000:01:00.1/physfn"
odd_root "a physfn link out of the root" "$tmp/bad"
spoil
ln -sfn /etc "$pfd/virtfn0"
odd_root "an absolute virtfn0 link" "$tmp/bad"
spoil
ln -sfn ../../../../bus/pci/drivers/nowhere "$pfd/driver"
odd_root "a dangling driver link" "$tmp/bad"
spoil
ln -sfn driver "$pfd/driver"
odd_root "a driver link to itself" "$tmp/bad"
spoil
rm -r "$pfd/net/eth0" && mkdir "$pfd/net/$(printf 'x%.0s' 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20)"
odd_root "a 20-character netdev name" "$tmp/bad"
spoil
head -c 100000 /dev/zero | tr '\0' a >"$pfd/driver_override"
odd_root "a 100000-byte driver_override" "$tmp/bad"
spoil
rm -r "$tmp/bad/sys/kernel/iommu_groups"
odd_root "no sys/kernel/iommu_groups" "$tmp/bad"

echo "1..$n"
[ "$failed" -eq 0 ]
