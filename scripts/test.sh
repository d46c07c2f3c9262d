#!/usr/bin/env bash
# Runs every test on a fresh Debian 12 machine as root: installs what is missing, reserves
# hugepages, builds, runs the cmocka unit tests and the functional tests against a real
# trestled, both with the normal build and with the ASan/UBSan one (build-asan). Prints
# "N passed, N failed" lines; exits non-zero on any failure.
#   scripts/test.sh                   everything (what CI runs)
#   scripts/test.sh unit              the layout check (scripts/format.sh) and the unit tests
#                                     (both builds)
#   scripts/test.sh functional        functional tests, normal build
#   scripts/test.sh functional-asan   functional tests against build-asan: any sanitizer report
#                                     fails its test file; reports kept in build-asan/sanitizer-logs/
#   ONLY=vsctl scripts/test.sh functional   functional tests whose name contains "vsctl"
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
what=${1:-all}
case $what in
all | unit | functional | functional-asan) ;;
*) sed -n '2,/^set -e/p' "$0" | sed '$d' >&2; exit 2 ;;
esac

bash scripts/deps.sh

build() {
	local dir=$1; shift
	[ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >/dev/null
	ninja -C "$dir" >/dev/null
}

ASAN_BUILD_OPTS=(-Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug)

rc=0
if [ "$what" = all ] || [ "$what" = unit ]; then
	echo "== layout (.clang-format)"
	bash scripts/format.sh || rc=1
	echo "== build"
	build build
	echo "== unit tests"
	meson test -C build --suite unit --print-errorlogs || rc=1
	# ASan and UBSan make ofp_test's randomised differential run about ten times slower
	# (120 s and more on this machine): the same tests, five times the time.
	echo "== unit tests under AddressSanitizer and UBSan"
	build build-asan "${ASAN_BUILD_OPTS[@]}"
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C build-asan --suite unit --print-errorlogs --timeout-multiplier 5 || rc=1
fi
if [ "$what" = all ] || [ "$what" = functional ]; then
	build build
	echo "== functional tests"
	BUILD="$TOP/build" bash tests/functional/run.sh || rc=1
fi
if [ "$what" = all ] || [ "$what" = functional-asan ]; then
	build build-asan "${ASAN_BUILD_OPTS[@]}"
	echo "== functional tests under AddressSanitizer and UBSan"
	BUILD="$TOP/build-asan" bash tests/functional/run.sh || rc=1
fi
exit $rc
