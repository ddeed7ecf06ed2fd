#!/bin/sh
# srpass fuzz -- run each libFuzzer target for a bounded time on a fresh
# copy of its seed corpus.  Usage: run.sh BUILD SECONDS RSS_MB TARGET...
# (TARGET: a binary BUILD/fuzz_x; its seeds are tests/fuzz/corpus/fuzz_x/).
# Prints one line per target and a closing "fuzz: N targets, M failed";
# exits non-zero on any crash, leak, timeout or out-of-memory.
set -u
cd "$(dirname "$0")/../.." || exit 1

build=$1 secs=$2 rss=$3
shift 3
failed=0
n=0

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"

for bin in "$@"; do
	t=$(basename "$bin")
	n=$((n + 1))
	# FUZZ_SEED: the same mutations each run (CI); unset, a new seed each time
	seed=${FUZZ_SEED:+-seed=$FUZZ_SEED}
	corpus=$build/corpus/$t
	art=$build/artifacts/$t
	log=$build/log/$t.log
	rm -rf "$corpus" "$art"
	mkdir -p "$corpus" "$art" "$build/log"
	if [ -d "tests/fuzz/corpus/$t" ]; then
		cp tests/fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null
	fi
	# shellcheck disable=SC2086 # $seed is one word or none
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb="$rss" -detect_leaks=1 $seed \
		-print_final_stats=1 -artifact_prefix="$art/" "$corpus" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(sed -n 's/^#[0-9]*[[:space:]]*DONE[[:space:]]*cov: \([0-9]*\).*corp: \([0-9]*\).*/cov \1, corpus \2/p' "$log" | tail -n 1)
	found=$(ls "$art" 2>/dev/null | head -n 1)
	if [ "$rc" -eq 0 ] && [ -z "$found" ]; then
		echo "fuzz: $t: ok, ${runs:-?} runs in ${secs} s, ${cov:-cov ?}"
	else
		failed=$((failed + 1))
		echo "fuzz: $t: FAILED (exit $rc${found:+, $art/$found}), log $log"
		grep -m 1 -E '^==[0-9]+==ERROR|^SUMMARY|runtime error|ALARM|out-of-memory|deadly signal' \
			"$log" | sed 's/^/fuzz:   /'
	fi
done

echo "fuzz: $n targets, $failed failed"
[ "$failed" -eq 0 ]
