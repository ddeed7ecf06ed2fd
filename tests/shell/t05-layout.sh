#!/bin/sh
# srpass tests -- the architecture rules, mechanically: which layer may
# include which, only the backend table names a backend, no include
# cycles between modules, no file over 800 lines, no simulator in the
# product, third-party headers only behind their seams.
# Reads the sources from the top of the repository; needs BUILD (the
# build directory) for the product binary and python3; prints TAP.
set -u

BUILD=${BUILD:-build}
PYTHON=${PYTHON:-python3}
cd "$(dirname "$0")/../.." || exit 1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t05-layout.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/tap.sh"
# show a file to the log, indented as a TAP comment
diag() {
	sed 's/^/# /' "$1" | head -n "${2:-40}"
}
# expect_none DESCRIPTION FILE: ok if FILE (a list of offenders) is empty
expect_none() {
	if [ -s "$2" ]; then not_ok "$1" && diag "$2"; else ok "$1"; fi
}

find src backends include tests -type f -name '*.[ch]' | sort >"$tmp/csrc"
# shellcheck disable=SC2046 # file names have no blanks
grep -n '^[[:space:]]*#[[:space:]]*include' $(cat "$tmp/csrc") >"$tmp/inc"

# Every #include, classified.  Out:
#   bad LAYER WHERE     an include LAYER may not have
#   edge A B            module A (a path without extension) includes B.h
#   third WHERE         a third-party header outside its seam
# Project headers are "layer/x.h" (-Isrc) and "srpass/x.h" (-Iinclude);
# any other quoted name is resolved beside the including file.
awk '
function layer(p, a) {
	split(p, a, "/")
	if (p ~ /^src\/(base|os|switch|core|cli)\//) return a[2]
	if (p ~ /^backends\/[^\/]+\//) return "backends/" a[2]
	if (p ~ /^include\/srpass\//) return "srpass"
	if (p ~ /^tests\//) return "tests"
	return "?"
}
function norm(p,   a, o, i, k, m) {
	m = split(p, a, "/")
	for (i = 1; i <= m; i++) {
		if (a[i] == "." || a[i] == "") continue
		if (a[i] == ".." && k > 0) { k--; continue }
		o[++k] = a[i]
	}
	p = o[1]
	for (i = 2; i <= k; i++) p = p "/" o[i]
	return p
}
function mod(p) { sub(/\.[ch]$/, "", p); return p }
BEGIN {
	allow["base"] = " base srpass "
	allow["os"] = " base os srpass "
	allow["switch"] = " base os switch srpass "
	allow["core"] = " base os switch core srpass "
	allow["cli"] = " base os switch core cli srpass "
	allow["srpass"] = " srpass "
	allow["backends"] = " base os switch core srpass "
}
{
	file = $0; sub(/:.*/, "", file)
	text = substr($0, length(file) + 2)
	ln = text; sub(/:.*/, "", ln)
	if (!match(text, /include[ \t]*("[^"]+"|<[^>]+>)/)) next
	inc = substr(text, RSTART, RLENGTH); sub(/^include[ \t]*/, "", inc)
	name = substr(inc, 2, length(inc) - 2)
	where = file ":" ln ": #include " inc
	fl = layer(file)
	prod = file !~ /^tests\//
	top = name; sub(/\/.*/, "", top)
	if (name ~ /\// && top ~ /^(base|os|switch|core|cli)$/) target = "src/" name
	else if (name ~ /\// && top == "srpass") target = "include/" name
	else if (inc ~ /^"/) {	# beside the file, or a system header
		d = file; sub(/\/[^\/]*$/, "", d)
		target = norm(d "/" name)
		if ((getline junk <target) < 0) target = ""
		else if (file ~ /^src\//) print "bad\t" fl "\t" where " (not written with its layer)"
		close(target)
	} else target = ""
	if (target != "") {
		tl = layer(target)
		f = fl ~ /^backends\// ? "backends" : fl
		if (fl != "tests" && tl != fl && !index(allow[f], " " tl " "))
			print "bad\t" f "\t" where
		if (tl == "cli" && fl != "cli" && fl != "tests") print "bad\tnocli\t" where
		if (prod && target !~ /^tests\// && mod(file) != mod(target))
			print "edge\t" mod(file) "\t" mod(target) "\t" where
	}
	if (!prod) next
	if (name == "iniparser.h" && file !~ /^src\/core\/config[^\/]*\.c$/ ||
	    name ~ /^libmnl\// && file !~ /^src\/switch\/(nlvf[^\/]*|switch_nl)\.c$/ ||
	    name ~ /^pci\// && file != "src/os/pcilib.c")
		print "third\t" where
}' "$tmp/inc" >"$tmp/classes"

# ---- 1. layers -------------------------------------------------------

for l in "base:src/base includes only base, srpass" \
	 "os:src/os includes only base, os, srpass" \
	 "switch:src/switch includes only base, os, switch, srpass" \
	 "core:src/core includes only base, os, switch, core, srpass" \
	 "cli:src/cli includes only base, os, switch, core, cli, srpass" \
	 "backends:backends/<x> include only base, os, switch, core, srpass, themselves" \
	 "srpass:include/srpass headers include only srpass/ headers" \
	 "nocli:nothing outside src/cli and tests/ includes cli/"; do
	awk -F '\t' -v l="${l%%:*}" '$1 == "bad" && $2 == l { print $3 }' "$tmp/classes" >"$tmp/bad"
	expect_none "layers: ${l#*:}" "$tmp/bad"
done

# ---- 2. only the backend table names a backend ------------------------

grep -rnw 'srp_backend_kvm\|srp_backend_xen' src include |
	grep -v '^src/core/backend\.[ch]:' >"$tmp/names"
expect_none "only src/core/backend.[ch] and backends/ name srp_backend_kvm/xen" "$tmp/names"

# Exact string literals in code (comments and longer strings do not count).
# shellcheck disable=SC2046
if "$PYTHON" - $(grep '^\(src\|include\)/' "$tmp/csrc") >"$tmp/lits" 2>&1 <<'EOF'
import re, sys
tok = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', re.S)
for f in sys.argv[1:]:
    s = open(f, errors="replace").read()
    for m in tok.finditer(s):
        if m.group() in ('"vfio-pci"', '"pciback"', '"pci-stub"'):
            print("%s:%d: %s" % (f, s.count("\n", 0, m.start()) + 1, m.group()))
EOF
then
	expect_none 'no "vfio-pci", "pciback" or "pci-stub" literal in src/ or include/' "$tmp/lits"
else
	not_ok "driver-name literals: $PYTHON failed"
	diag "$tmp/lits"
fi

# ---- 3. no include cycles between modules -----------------------------

awk -F '\t' '$1 == "edge" { print $2, $3 }' "$tmp/classes" | sort -u >"$tmp/edges"
if tsort "$tmp/edges" >/dev/null 2>"$tmp/tsort"; then
	ok "no include cycle among the $(wc -l <"$tmp/edges") module edges of src/, backends/, include/"
else
	not_ok "no include cycle between modules"
	# GNU tsort lists each loop in order after "input contains a loop:";
	# print it, then the includes that close it
	awk -F '\t' 'FNR == NR { if ($1 == "edge") w[$2 " " $3] = w[$2 " " $3] "\n  " $4; next }
	function out(   i) {
		if (!k) return
		s = c[1]; for (i = 2; i <= k; i++) s = s " -> " c[i]; print s " -> " c[1]
		for (i = 1; i <= k; i++) printf "%s", substr(w[c[i] " " c[i % k + 1]], 2) "\n"
		k = 0
	}
	/contains a loop/ { out(); next }
	{ sub(/^tsort: /, ""); c[++k] = $0 }
	END { out() }' "$tmp/classes" "$tmp/tsort" >"$tmp/cycles"
	diag "$tmp/cycles"
fi

# ---- 4. no file over 800 lines ---------------------------------------

find src backends tests -type f \( -name '*.[ch]' -o -name '*.sh' -o -name '*.py' \) \
	-exec wc -l {} + | awk '$2 != "total" && $1 > 800 { print $2 ": " $1 " lines" }' |
	sort >"$tmp/long"
expect_none "no file in src/, backends/, tests/ is over 800 lines" "$tmp/long"

# ---- 5. the product contains no simulator -----------------------------

if [ -x "$BUILD/srpass" ]; then
	nm "$BUILD/srpass" 2>&1 | grep sim_ >"$tmp/syms"
	expect_none "$BUILD/srpass has no sim_ symbol" "$tmp/syms"
	strings "$BUILD/srpass" | grep srpass-sim >"$tmp/strs"
	expect_none "$BUILD/srpass has no srpass-sim string (var/lib/srpass-sim)" "$tmp/strs"
else
	echo "$BUILD/srpass is missing: make all BUILD=$BUILD first" >"$tmp/miss"
	not_ok "$BUILD/srpass has no simulator"
	diag "$tmp/miss"
fi

# ---- 6. third-party headers behind their seams ------------------------

awk -F '\t' '$1 == "third" { print $2 }' "$tmp/classes" >"$tmp/third"
expect_none "<iniparser.h> only in src/core/config*.c, <libmnl/...> only in src/switch/nlvf*.c and switch_nl.c, <pci/...> only in src/os/pcilib.c" "$tmp/third"

echo "1..$n"
[ "$failed" -eq 0 ]
