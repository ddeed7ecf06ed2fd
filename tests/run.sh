#!/bin/sh
# srpass -- run the test suite: cmocka binaries and shell tests (TAP).
# Prints every test's own output, then one closing line:
#   check: N passed, M failed
# and exits non-zero if anything failed, a test binary crashed or timed out,
# or anything changed outside the test roots.
#
# The suite must be safe when the code under test is wrong (confinement
# dropped, a wait that never ends), so:
#  - the confinement tests (CONFINE: the seam stays in its root) run
#    first, in that order, and if one fails nothing else runs: every
#    other test trusts the seam to keep its writes in a temporary tree
#    (test_confine reads before it writes, and writes only if confined);
#  - every test runs under timeout(1), TEST_TIMEOUT seconds (120), its
#    children with it; a timeout is a failure, said so;
#  - the places srpass writes on a real host (WATCH: its state and lock
#    directory, the simulator's state, its config, /dev/vfio) are listed
#    before and after each test; a test that changed them fails the suite
#    and stops it.  Nothing there is removed: look, then clean up by hand.
set -u

CONFINE=${CONFINE:-"test_confine test_sys"}
TEST_TIMEOUT=${TEST_TIMEOUT:-120}
WATCH=${WATCH:-"/var/lib/srpass* /run/srpass* /etc/srpass* /dev/vfio"}

passed=0
failed=0
broken=""
tmp=$(mktemp -d "${TMPDIR:-/tmp}/srpass-check.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
log=$tmp/log

# What is at the WATCH places (globs), one line per file; absent ones say so.
outside() {
	for w in $WATCH; do
		if [ -e "$w" ] || [ -L "$w" ]; then
			find "$w" -xdev -printf '%p %y %m %s %T@ %l\n' 2>&1
		else
			echo "$w absent"
		fi
	done | LC_ALL=C sort
}

finish() {
	[ -n "$broken" ] && printf 'broken:%s\n' "$broken"
	printf 'check: %d passed, %d failed\n' "$passed" "$failed"
	[ "$failed" -eq 0 ]
	exit
}

is_confine() {
	for c in $CONFINE; do
		[ "$(basename "$1")" = "$c" ] && return 0
	done
	return 1
}

# run_one TEST: run it, print its output, count its results.
run_one() {
	t=$1
	printf '=== %s\n' "$t"
	case "$t" in
	*.sh) timeout -k 10 "$TEST_TIMEOUT" sh "$t" >"$log" 2>&1 ;;
	*) CMOCKA_MESSAGE_OUTPUT=stdout timeout -k 10 "$TEST_TIMEOUT" "$t" >"$log" 2>&1 ;;
	esac
	rc=$?
	cat "$log"
	case "$t" in
	*.sh)
		p=$(grep -c '^ok ' "$log")
		f=$(grep -c '^not ok ' "$log")
		;;
	*)
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
		;;
	esac
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		printf '%s: timed out after %s s\n' "$t" "$TEST_TIMEOUT"
		failed=$((failed + 1))
		broken="$broken $t(timed out)"
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		failed=$((failed + 1))	# crashed, or failed outside any test
		broken="$broken $t(exit $rc)"
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$rc" -eq 0 ]; then
		failed=$((failed + 1))
		broken="$broken $t(ran no test)"
	fi
	outside >"$tmp/after"
	if ! cmp -s "$tmp/before" "$tmp/after"; then
		printf '%s changed the host outside the test roots:\n' "$t"
		diff "$tmp/before" "$tmp/after" | sed -n 's/^< /  - /p; s/^> /  + /p'
		failed=$((failed + 1))
		broken="$broken $t(wrote outside its root)"
		printf 'stopping: the code under test is not confined\n'
		finish
	fi
}

outside >"$tmp/before"
for c in $CONFINE; do
	for t in "$@"; do
		[ "$(basename "$t")" = "$c" ] || continue
		run_one "$t"
		if [ "$failed" -ne 0 ]; then
			printf 'stopping: %s failed; no other test runs on a seam that may leave its root\n' "$t"
			finish
		fi
	done
done
for t in "$@"; do
	is_confine "$t" || run_one "$t"
done
finish
