#!/usr/bin/env bash
# Fuzzes the parsers with libFuzzer (tests/fuzz, docs/fuzzing.md): builds build-fuzz with
# clang (installed from Debian's archive when missing), then runs each harness for a bounded
# time, one process at a time, from a copy of its seed corpus in a scratch directory (the
# repository is never written to). Prints executions, exec/s, coverage (libFuzzer's cov:
# edges and ft: features) and crashes per harness; exits non-zero on any crash, leaving the
# input and the command that reproduces it. Not part of scripts/test.sh.
#   scripts/fuzz.sh                      every harness, 60 s each
#   scripts/fuzz.sh --seconds 300 ofp    one harness, 5 minutes
# FUZZ_DIR (default: a new /tmp/trestle-fuzz.XXXXXX) holds the corpora, crashes and logs;
# FUZZ_BUILD (default: build-fuzz) is the build directory.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"

seconds=60
harnesses=()
while [ $# -gt 0 ]; do
	case $1 in
	--seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
	--seconds=*) seconds=${1#--seconds=}; shift ;;
	-h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
	*) harnesses+=("$1"); shift ;;
	esac
done
case $seconds in '' | *[!0-9]*) echo "fuzz.sh: --seconds wants a whole number" >&2; exit 2 ;; esac
if [ ${#harnesses[@]} -eq 0 ]; then
	for f in tests/fuzz/fuzz_*.c; do
		h=${f#tests/fuzz/fuzz_}
		h=${h%.c}
		[ -d "tests/fuzz/corpus/$h" ] && harnesses+=("$h")
	done
fi
for h in "${harnesses[@]}"; do
	[ -d "tests/fuzz/corpus/$h" ] || { echo "fuzz.sh: no harness named $h" >&2; exit 2; }
done

# Build tools and libraries, and clang with its libFuzzer runtime (a Recommends of clang's).
PKGS="build-essential pkg-config meson ninja-build dpdk-dev libdpdk-dev libnuma-dev
      libjansson-dev clang libclang-rt-dev"
. "$TOP/scripts/pkgs.sh"
# shellcheck disable=SC2086 # PKGS is a list of words.
pkgs_install fuzz.sh $PKGS

BUILD=${FUZZ_BUILD:-build-fuzz}
if [ ! -f "$BUILD/build.ninja" ]; then
	CC=clang meson setup "$BUILD" -Dfuzz=true -Dbuildtype=debugoptimized >/dev/null
fi
ninja -C "$BUILD" >/dev/null

DIR=${FUZZ_DIR:-$(mktemp -d /tmp/trestle-fuzz.XXXXXX)}
mkdir -p "$DIR"
echo "fuzz.sh: ${#harnesses[@]} harness(es), ${seconds} s each, in $DIR"

# The last status line libFuzzer printed ("#N ... cov: X ft: Y corp: A/B ..."): field VALUE.
stat_of() { grep -aE '^#[0-9]+' "$2" | tail -n 1 | grep -oE "$1: [0-9]+" | grep -oE '[0-9]+' || echo -; }
final_stat() { grep -aE "^stat::$1:" "$2" | tail -n 1 | awk '{print $2}'; }

summary=$(printf '%-8s %8s %12s %8s %6s %7s %7s %8s\n' harness seconds executions exec/s cov ft corpus crashes)
failed=0
repro=()
for h in "${harnesses[@]}"; do
	corpus=$DIR/corpus/$h
	art=$DIR/crashes/$h
	log=$DIR/$h.log
	mkdir -p "$corpus" "$art"
	cp -n tests/fuzz/corpus/"$h"/* "$corpus"/ 2>/dev/null || true
	dict=()
	[ -f "tests/fuzz/$h.dict" ] && dict=(-dict="tests/fuzz/$h.dict")
	echo "== $h"
	rc=0
	"$BUILD/tests/fuzz/fuzz_$h" -max_total_time="$seconds" -print_final_stats=1 \
		-timeout=10 -rss_limit_mb=2048 -artifact_prefix="$art/" "${dict[@]}" "$corpus" \
		>"$log" 2>&1 || rc=$?
	grep -aE '^#[0-9]+.*(DONE|pulse)' "$log" | tail -n 1 || true
	execs=$(final_stat number_of_executed_units "$log")
	rate=$(final_stat average_exec_per_sec "$log")
	crashes=$(find "$art" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
		-o -name 'oom-*' \) | wc -l)
	if [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ]; then
		crashes=1 # Died without leaving an input: the log says why.
	fi
	if [ "$crashes" -gt 0 ]; then
		failed=1
		echo "   crashed (exit $rc): see $log"
		grep -a -m 3 -E 'oracle failed|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error' "$log" \
			| sed 's/^/   /' || true
		for f in "$art"/*; do
			[ -f "$f" ] || continue
			case ${f##*/} in slow-unit-*) continue ;; esac
			repro+=("$h: $BUILD/tests/fuzz/fuzz_$h $f   (or, in a gcc build: build/tests/fuzz/replay_$h $f)")
		done
	fi
	summary+=$(printf '\n%-8s %8s %12s %8s %6s %7s %7s %8s' "$h" "$seconds" "${execs:--}" \
		"${rate:--}" "$(stat_of cov "$log")" "$(stat_of ft "$log")" \
		"$(stat_of corp "$log")" "$crashes")
done

echo
echo "$summary"
echo
if [ "$failed" -ne 0 ]; then
	echo "crashes; to reproduce:"
	printf '  %s\n' "${repro[@]}"
	echo "logs, corpora and inputs: $DIR"
	exit 1
fi
echo "no crashes; logs and corpora (seeds plus what the fuzzer found): $DIR"
