#!/usr/bin/env bash
# Runs every test on a fresh Debian 12 machine as root: installs what is missing, reserves
# hugepages, builds, runs the cmocka unit tests (also under ASan/UBSan) and the functional tests
# against a real trestled. Prints "N passed, N failed" lines; exits non-zero on any failure.
#   scripts/test.sh            everything
#   scripts/test.sh unit       unit tests only (both builds)
#   ONLY=vsctl scripts/test.sh functional   functional tests whose name contains "vsctl"
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
what=${1:-all}

bash scripts/deps.sh

build() {
	local dir=$1; shift
	[ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >/dev/null
	ninja -C "$dir" >/dev/null
}

rc=0
if [ "$what" = all ] || [ "$what" = unit ]; then
	echo "== build"
	build build
	echo "== unit tests"
	meson test -C build --suite unit --print-errorlogs || rc=1
	# ASan and UBSan make ofp_test's randomised differential run about ten times slower
	# (120 s and more on this machine): the same tests, five times the time.
	echo "== unit tests under AddressSanitizer and UBSan"
	build build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C build-asan --suite unit --print-errorlogs --timeout-multiplier 5 || rc=1
fi
if [ "$what" = all ] || [ "$what" = functional ]; then
	build build
	echo "== functional tests"
	BUILD="$TOP/build" bash tests/functional/run.sh || rc=1
fi
exit $rc
