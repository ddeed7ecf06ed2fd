#!/bin/sh
# srpass tests -- the bash completion (conf/srpass.bash) keeps up with the
# CLI: every command `srpass help` lists completes, and after each
# command every option its `srpass help CMD` names is offered, so a
# command or option added without completion fails here.  The
# completion's values (tenants, addresses) are t37's.  Needs BUILD and
# bash; prints TAP.
set -u

BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t47-completion.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"

SRPASS=$BUILD/srpass
COMP=$TOP/conf/srpass.bash
H=$tmp/host
demo_host "$H" || { echo "Bail out! mkhost failed"; exit 1; }

# the words bash would offer for the command line "$@" (the last word
# being completed)
complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _srpass
		 printf "%s\n" "${COMPREPLY[@]}"' sh "$COMP" "$@" | sort -u
}

# the commands, from the usage lines of `srpass help`
"$SRPASS" help 2>&1 | sed -n 's/^ *\(usage: \)\{0,1\}srpass \([a-z][a-z]*\).*/\2/p' | sort -u >"$tmp/cmds"
if [ "$(wc -l <"$tmp/cmds")" -ge 12 ]; then
	ok "srpass help lists $(wc -l <"$tmp/cmds") commands"
else
	not_ok "srpass help lists the commands"
	diag "$tmp/cmds"
fi
complete_words srpass "" >"$tmp/top"
missing=$(comm -23 "$tmp/cmds" "$tmp/top" | tr '\n' ' ')
if [ -z "$missing" ]; then
	ok "srpass <TAB> offers every command"
else
	not_ok "srpass <TAB> does not offer: $missing"
fi

# each command's options (vf's and config's through their subcommands),
# and the two every command takes
printf -- '--help\n--json\n' >"$tmp/every"
for cmd in $(cat "$tmp/cmds"); do
	case $cmd in
	help) continue ;;
	vf) line="vf set"; words="srpass --root $H vf set --" ;;
	config) line="config check"; words="srpass --root $H config check --" ;;
	*) line=$cmd; words="srpass --root $H $cmd --" ;;
	esac
	# shellcheck disable=SC2086
	"$SRPASS" help $line 2>&1 | sed -n 's/^ *\(-[a-zA-Z], \)\{0,1\}\(--[a-z][a-z-]*\).*/\2/p' |
		cat - "$tmp/every" | sort -u >"$tmp/want"
	# shellcheck disable=SC2086
	complete_words $words >"$tmp/got"
	missing=$(comm -23 "$tmp/want" "$tmp/got" | tr '\n' ' ')
	if [ -z "$missing" ]; then
		ok "srpass $line --<TAB> offers its $(wc -l <"$tmp/want") options"
	else
		not_ok "srpass $line --<TAB> lacks: $missing"
	fi
done

# vf set's settings, as `srpass help vf set` lists them
"$SRPASS" help vf set 2>&1 | sed -n '/^SETTING:/,/^example/s/^  *\([a-z][a-z-]*\) [^ ].*/\1/p' |
	sort -u >"$tmp/want"
complete_words srpass vf set 0000:03:02.0 "" >"$tmp/got"
missing=$(comm -23 "$tmp/want" "$tmp/got" | tr '\n' ' ')
if [ "$(wc -l <"$tmp/want")" -ge 8 ] && [ -z "$missing" ]; then
	ok "srpass vf set VF <TAB> offers its $(wc -l <"$tmp/want") settings"
else
	not_ok "srpass vf set VF <TAB> lacks: ${missing:-(help vf set lists none)}"
	diag "$tmp/want"
fi
got=$(complete_words srpass list -o "" | wc -l)
if [ "$got" -eq 18 ]; then
	ok "srpass list -o <TAB> offers the 18 columns"
else
	not_ok "srpass list -o <TAB> offers $got columns, want 18"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
