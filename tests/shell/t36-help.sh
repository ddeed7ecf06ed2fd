#!/bin/sh
# srpass tests -- help everywhere: `srpass help`, `srpass help CMD` and
# `srpass CMD --help|-h` exit 0 without touching a host, print the usage
# with every option the command's usage line names and an example; `vf
# set --help` names every setting.  Needs BUILD; prints TAP.
set -u

BUILD=${BUILD:-build}
SRPASS=$BUILD/srpass
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t36-help.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/tap.sh"

# no host at all: help must not need one
R="--root $tmp/no-such-root"

# shellcheck disable=SC2086
$SRPASS $R help >"$tmp/help" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && grep -q '^usage: srpass' "$tmp/help"; then
	ok "srpass help: the usage, exit 0"
else
	not_ok "srpass help: the usage, exit 0 (exit $rc)"
	diag "$tmp/help"
fi

# the commands, as the usage lists them
sed -n 's/^       srpass \([a-z]*\) .*/\1/p; s/^       srpass \([a-z]*\)$/\1/p' "$tmp/help" |
	grep -v '^help$' | sort -u >"$tmp/cmds"
if [ "$(wc -l <"$tmp/cmds")" -ge 11 ]; then
	ok "the usage lists $(wc -l <"$tmp/cmds") commands"
else
	not_ok "the usage lists every command"
	diag "$tmp/cmds"
fi

while read -r cmd; do
	line=$(grep "^       srpass $cmd\( \|\$\)" "$tmp/help")
	bad=""
	for way in "$cmd --help" "$cmd -h" "help $cmd"; do
		# shellcheck disable=SC2086
		$SRPASS $R $way >"$tmp/out" 2>"$tmp/err"
		rc=$?
		[ "$rc" -eq 0 ] || bad="$bad '$way' exits $rc;"
		[ -s "$tmp/err" ] && bad="$bad '$way' writes to stderr;"
		head -n 1 "$tmp/out" | grep -q "^usage: srpass $cmd" || bad="$bad '$way' has no usage;"
		grep -q '^example: srpass ' "$tmp/out" || bad="$bad '$way' has no example;"
		for opt in $(echo "$line" | grep -o -- '--[a-z-]*' | sort -u); do
			grep -q -- "$opt" "$tmp/out" || bad="$bad '$way' misses $opt;"
		done
	done
	if [ -z "$bad" ]; then
		ok "srpass $cmd --help, -h and help $cmd: usage, every option, an example"
	else
		not_ok "srpass $cmd --help:$bad"
		diag "$tmp/out"
	fi
done <"$tmp/cmds"

# vf set: every setting the parser knows, with its range or values
# shellcheck disable=SC2086
$SRPASS $R vf set --help >"$tmp/out" 2>&1
bad=""
for s in mac vlan qos proto spoofchk trust state max-rate min-rate query-rss; do
	grep -q "^  *$s " "$tmp/out" || bad="$bad $s"
done
grep -q 'Mbit/s' "$tmp/out" || bad="$bad (rate unit)"
if [ -z "$bad" ]; then
	ok "srpass vf set --help lists every setting, with units"
else
	not_ok "srpass vf set --help misses:$bad"
	diag "$tmp/out" 40
fi

# shellcheck disable=SC2086
$SRPASS $R help no-such-command >/dev/null 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "unknown command 'no-such-command'" "$tmp/err"; then
	ok "srpass help of an unknown command: exit 2, naming it"
else
	not_ok "srpass help of an unknown command: exit $rc"
	diag "$tmp/err"
fi

# an argument after "--" is not a request for help
# shellcheck disable=SC2086
$SRPASS $R list -- --help >/dev/null 2>&1
rc=$?
if [ "$rc" -ne 0 ]; then
	ok "--help after -- is not help (exit $rc: the missing root)"
else
	not_ok "--help after -- was taken for help"
fi

echo "1..$n"
