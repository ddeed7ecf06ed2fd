# srpass tests -- TAP helpers for the shell tests, sourced by each:
#   . "$(dirname "$0")/tap.sh"
# ok/not_ok DESCRIPTION print a numbered TAP line (failed counts the
# not-oks); diag FILE [LINES] shows a file as TAP comments; demo_host DIR
# builds the demo's simulated host there with its srpass.conf (BUILD and
# TOP set by the test).  The test prints "1..$n" at its end.

n=0
failed=0
ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $*"
}
diag() {
	sed 's/^/# /' "$1" | head -n "${2:-20}"
}
demo_host() {
	"$BUILD/tests/mkhost" -f "$TOP/demo/host.ini" "$1" >/dev/null 2>&1 &&
		install -D -m 0644 "$TOP/demo/srpass.conf" "$1/etc/srpass/srpass.conf"
}
