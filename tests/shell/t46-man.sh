#!/bin/sh
# srpass tests -- the man pages say what the program does: every command
# `srpass help` lists is a .SS of srpass(1)'s COMMANDS, every option its
# `srpass help CMD` names is in that .SS, every setting of `vf set` too;
# srpass(1) has ENVIRONMENT, FILES, EXIT STATUS, EXAMPLES and SEE ALSO
# with virsh(1), xl(1), ip-link(8) and driverctl(8); `make man` dates
# both pages from SOURCE_DATE_EPOCH (else the last commit), refuses a
# SOURCE_DATE_EPOCH that is not a time, and the built pages render
# without a groff warning.  Needs BUILD; prints TAP.
set -u

BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SRPASS=$BUILD/srpass-sim
MAN1=$TOP/docs/srpass.1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t46-man.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/tap.sh"

# section NAME: the source of srpass(1)'s .SS NAME, up to the next
# heading, with roff's \- as - and font changes dropped.
section() {
	awk -v want="$1" '
		/^\.S[HS] / {
			name = substr($0, 5); gsub(/"/, "", name)
			on = ($1 == ".SS" && name == want); next
		}
		on' "$MAN1" | sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g'
}

"$SRPASS" help >"$tmp/help" 2>&1
# the commands, two-word ones (vf show, vf set, config check) as such
sed -n 's/^       srpass \([a-z]*\)\( .*\)\{0,1\}$/\1\2/p' "$tmp/help" |
	while read -r cmd rest; do
		case $cmd in
		help) ;;
		vf) echo "vf show"; echo "vf set" ;;
		config) echo "config check" ;;
		*) echo "$cmd" ;;
		esac
	done >"$tmp/cmds"
if [ "$(wc -l <"$tmp/cmds")" -ge 14 ]; then
	ok "srpass help lists $(wc -l <"$tmp/cmds") commands"
else
	not_ok "srpass help lists every command"
	diag "$tmp/help"
fi

while read -r cmd; do
	section "$cmd" >"$tmp/sec"
	if [ ! -s "$tmp/sec" ]; then
		not_ok "srpass(1) has a .SS $cmd"
		continue
	fi
	# shellcheck disable=SC2086
	"$SRPASS" help $cmd >"$tmp/usage" 2>&1
	missing=""
	# the options: of the usage line of cmd, and of the option table
	opts=$(grep -e "srpass $cmd\( \|\$\)" -e '^  *\(-[a-z], \)\{0,1\}--[a-z]' "$tmp/usage" |
		grep -o -- '--[a-z][a-z-]*' | sort -u)
	[ -n "$opts" ] || opts=--json
	for opt in $opts; do
		grep -q -- "$opt" "$tmp/sec" || missing="$missing $opt"
	done
	if [ -z "$missing" ]; then
		ok "srpass(1) .SS $cmd names every option of srpass help $cmd"
	else
		not_ok "srpass(1) .SS $cmd misses:$missing"
	fi
done <"$tmp/cmds"

# vf set: every setting its --help lists
section "vf set" >"$tmp/sec"
"$SRPASS" vf set --help >"$tmp/usage" 2>&1
missing=""
for s in $(sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' "$tmp/usage"); do
	grep -q -- "$s" "$tmp/sec" || missing="$missing $s"
done
if [ -z "$missing" ] && grep -q 'Mbit/s' "$tmp/sec"; then
	ok "srpass(1) .SS vf set names every setting, with the rate unit"
else
	not_ok "srpass(1) .SS vf set misses:$missing"
fi

missing=""
for s in ENVIRONMENT FILES '"EXIT STATUS"' EXAMPLES '"SEE ALSO"' '"JSON OUTPUT"'; do
	grep -q "^\.SH $s\$" "$MAN1" || missing="$missing $s"
done
for ref in virsh xl ip\\\\-link driverctl srpass.conf; do
	awk '/^\.SH "SEE ALSO"/ { on = 1; next } /^\.SH/ { on = 0 } on' "$MAN1" |
		grep -q "^\.BR $ref (" || missing="$missing $ref"
done
for v in SRPASS_ROOT NO_COLOR; do
	awk '/^\.SH ENVIRONMENT/ { on = 1; next } /^\.SH/ { on = 0 } on' "$MAN1" |
		grep -q "$v" || missing="$missing $v"
done
if [ -z "$missing" ]; then
	ok "srpass(1) has ENVIRONMENT, FILES, EXIT STATUS, EXAMPLES, SEE ALSO and JSON OUTPUT"
else
	not_ok "srpass(1) misses:$missing"
fi

# the pages as built: dated, versioned, clean
mk() {
	make -s -C "$TOP" --no-print-directory BUILD="$BUILD" MAN_BUILD="$tmp/man" "$@" man \
		>"$tmp/make.log" 2>&1
}
version=$(sed -n 's/^VERSION *[:?]*= *//p' "$TOP/Makefile" | head -n 1)
if mk SOURCE_DATE_EPOCH=1700000000; then
	bad=""
	for p in srpass.1 srpass.conf.5; do
		th=$(grep '^\.TH ' "$tmp/man/$p")
		case $th in
		*'"2023-11-14" "srpass '"$version"'"'*) ;;
		*) bad="$bad $p: '$th';" ;;
		esac
		grep -q '@[A-Z]*@' "$tmp/man/$p" && bad="$bad $p has a @...@ left;"
		groff -ww -z -man "$tmp/man/$p" >"$tmp/groff" 2>&1 || bad="$bad $p: groff exits $?;"
		[ -s "$tmp/groff" ] && bad="$bad $p: $(head -n 1 "$tmp/groff");"
	done
	if [ -z "$bad" ]; then
		ok "make man SOURCE_DATE_EPOCH=1700000000: both pages dated 2023-11-14, srpass $version, no groff warning"
	else
		not_ok "make man SOURCE_DATE_EPOCH=1700000000:$bad"
	fi
else
	not_ok "make man SOURCE_DATE_EPOCH=1700000000"
	diag "$tmp/make.log"
fi

# a new date redoes the pages
if mk SOURCE_DATE_EPOCH=86400 && grep -q '^\.TH SRPASS 1 "1970-01-02"' "$tmp/man/srpass.1"; then
	ok "make man with another SOURCE_DATE_EPOCH redates the pages"
else
	not_ok "make man with another SOURCE_DATE_EPOCH redates the pages"
	diag "$tmp/make.log"
fi

# without SOURCE_DATE_EPOCH: the last commit's date in a git tree
if [ -e "$TOP/.git" ] && command -v git >/dev/null 2>&1; then
	want=$(git -C "$TOP" log -1 --format=%cs 2>/dev/null)
	if env -u SOURCE_DATE_EPOCH make -s -C "$TOP" --no-print-directory BUILD="$BUILD" \
			MAN_BUILD="$tmp/man" man >"$tmp/make.log" 2>&1 &&
	   grep -q "^\.TH SRPASS 1 \"$want\"" "$tmp/man/srpass.1"; then
		ok "make man without SOURCE_DATE_EPOCH: the last commit's date ($want)"
	else
		not_ok "make man without SOURCE_DATE_EPOCH: the last commit's date ($want)"
		diag "$tmp/make.log"
	fi
else
	ok "make man without SOURCE_DATE_EPOCH # SKIP not a git tree"
fi

if mk SOURCE_DATE_EPOCH=yesterday; then
	not_ok "make man refuses SOURCE_DATE_EPOCH=yesterday"
elif grep -q "SOURCE_DATE_EPOCH='yesterday' is not a time" "$tmp/make.log"; then
	ok "make man refuses SOURCE_DATE_EPOCH=yesterday, saying why"
else
	not_ok "make man refuses SOURCE_DATE_EPOCH=yesterday, saying why"
	diag "$tmp/make.log"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
