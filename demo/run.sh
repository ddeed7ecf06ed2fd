#!/bin/sh
# srpass demo: build the simulated host of demo/host.ini under ROOT and
# run srpass against it.  Called by `make demo` as
#   BUILD=build demo/run.sh build/demo-host
set -eu

if [ $# -ne 1 ]; then
	echo "usage: BUILD=build $0 ROOT" >&2
	exit 2
fi
root=$1
build=${BUILD:-build}
demo=$(dirname "$0")

section() {
	printf '\n==== %s\n\n' "$*"
}

section "The simulated host: $demo/host.ini -> $root"
"$build/tests/mkhost" -f "$demo/host.ini" "$root"
root=$(cd "$root" && pwd)	# srpass wants an absolute root
echo "Two sockets; Intel X710 (8 + 4 VFs) on socket 0, Mellanox ConnectX-5"
echo "(4 + 2 VFs) on socket 1 behind a root port without ACS."

section "srpass --root $root list"
"$build/srpass" --root "$root" list
