#!/bin/sh
# srpass -- run the test suite: cmocka binaries and shell tests (TAP).
# Prints every test's own output, then one closing line:
#   check: N passed, M failed
# and exits non-zero if anything failed or a test binary crashed.
set -u

passed=0
failed=0
broken=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$@"; do
	printf '=== %s\n' "$t"
	case "$t" in
	*.sh) sh "$t" >"$log" 2>&1 ;;
	*) CMOCKA_MESSAGE_OUTPUT=stdout "$t" >"$log" 2>&1 ;;
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
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		failed=$((failed + 1))	# crashed, or failed outside any test
		broken="$broken $t(exit $rc)"
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$rc" -eq 0 ]; then
		failed=$((failed + 1))
		broken="$broken $t(ran no test)"
	fi
done

[ -n "$broken" ] && printf 'broken:%s\n' "$broken"
printf 'check: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
