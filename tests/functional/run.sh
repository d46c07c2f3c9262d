#!/usr/bin/env bash
# Runs the functional tests (tests/functional/t_*.sh, or the files named as arguments, as
# meson test does one at a time) against the programs in $BUILD (default build/), and prints
# one closing line "functional: N passed, N failed" that counts the individual checks.
# Against a sanitizer build (BUILD=build-asan), each test file's sanitizer reports are kept in
# $BUILD/sanitizer-logs/<test>/ (see lib.sh), and each report is one more failure.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:-$(cd "$HERE/../.." && pwd)/build}
export BUILD
sanitized=
ldd "$BUILD/src/trestled" 2>/dev/null | grep -qE '/lib(a|ub)san\.so' && sanitized=1
total_pass=0 total_fail=0 failed_scripts=()
if [ $# -gt 0 ]; then tests=("${@/#/$HERE/}"); else tests=("$HERE"/t_*.sh); fi
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	[ -n "${ONLY:-}" ] && [[ "$name.sh" != *"$ONLY"* ]] && continue
	echo "=== $name.sh"
	if [ -n "$sanitized" ]; then
		export SANITIZER_LOGS=$BUILD/sanitizer-logs/$name
		rm -rf "$SANITIZER_LOGS"
		mkdir -p "$SANITIZER_LOGS"
	fi
	out=$(timeout 900 bash "$t" 2>&1); rc=$?
	echo "$out"
	line=$(echo "$out" | grep -E '^[^ ]+: [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/'); f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed$/\1/')
	[ -n "$p" ] || p=0
	[ -n "$f" ] || f=0
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "FAIL: $name.sh exited $rc"; fi
	# Every file is one process's reports: ASan's (an error, or the leaks found at its exit) or
	# UBSan's.
	if [ -n "$sanitized" ]; then
		for r in "$SANITIZER_LOGS"/asan.* "$SANITIZER_LOGS"/ubsan.*; do
			[ -e "$r" ] || continue
			f=$((f + 1)); rc=1
			n=$(grep -cE '^==[0-9]+==ERROR|runtime error:' "$r")
			echo "FAIL: $name.sh: sanitizer report $r ($n error(s)), first lines:"
			grep -v '^$' "$r" | head -n 25 | sed 's/^/  /'
		done
	fi
	[ $rc -ne 0 ] && failed_scripts+=("$name.sh")
	total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
done
[ ${#failed_scripts[@]} -gt 0 ] && echo "failed: ${failed_scripts[*]}"
[ -n "$sanitized" ] && echo "sanitizer logs: $BUILD/sanitizer-logs"
echo "functional: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
