#!/usr/bin/env bash
# Checks that every C file of the tree is laid out as .clang-format says (scripts/test.sh runs
# it with the unit tests); prints each file that is not and the first lines clang-format would
# change, and exits 1. With --fix, rewrites them in place instead.
#   scripts/format.sh [--fix]
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
fix=
[ "${1:-}" = --fix ] && fix=1
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	mapfile -t files < <(git ls-files '*.c' '*.h')
else
	mapfile -t files < <(find include src tests -name '*.[ch]' | sort)
fi
if [ -n "$fix" ]; then
	clang-format -i "${files[@]}"
	exit 0
fi
bad=0
for f in "${files[@]}"; do
	if ! out=$(clang-format "$f" | diff -u "$f" - | tail -n +3); then
		echo "format: $f is not as .clang-format lays it out (scripts/format.sh --fix):"
		echo "$out" | head -n 12 | sed 's/^/  /'
		bad=$((bad + 1))
	fi
done
echo "format: ${#files[@]} files, $bad not formatted"
[ $bad -eq 0 ]
