#!/usr/bin/env bash
# Runs every functional test (tests/functional/t_*.sh) and prints one closing line
# "functional: N passed, N failed" that counts the individual checks.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
total_pass=0 total_fail=0 failed_scripts=()
for t in "$HERE"/t_*.sh; do
	[ -n "${ONLY:-}" ] && [[ "$(basename "$t")" != *"$ONLY"* ]] && continue
	echo "=== $(basename "$t")"
	out=$(timeout 900 bash "$t" 2>&1); rc=$?
	echo "$out"
	line=$(echo "$out" | grep -E '^[^ ]+: [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/'); f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed$/\1/')
	[ -n "$p" ] || p=0
	[ -n "$f" ] || f=0
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "FAIL: $(basename "$t") exited $rc"; fi
	[ $rc -ne 0 ] && failed_scripts+=("$(basename "$t")")
	total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
done
[ ${#failed_scripts[@]} -gt 0 ] && echo "failed: ${failed_scripts[*]}"
echo "functional: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
