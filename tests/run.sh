#!/bin/bash
# Run every test: the unit test programs of each build directory given,
# then the integration tests against the first one.  Each test prints
# lines "ok - NAME", "not ok - NAME: why" or "skip - NAME: why"; this
# prints them, then one line "N passed, N failed[, N skipped]".  Under
# CI=true a skip counts as a failure: a missing kernel feature there is a
# broken machine, not a reason to pass.
#
# usage: tests/run.sh BUILD_DIR [BUILD_DIR...]
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [BUILD_DIR...]" >&2; exit 2; }

passed=0 failed=0 skipped=0
count() {
	local label=$1 line
	while IFS= read -r line; do
		case $line in
		"ok - "*) passed=$((passed + 1)); echo "ok - $label${line#ok - }" ;;
		"not ok - "*) failed=$((failed + 1)); echo "not ok - $label${line#not ok - }" ;;
		"skip - "*)
			if [ "${CI:-}" = true ]; then
				failed=$((failed + 1)); echo "not ok - $label${line#skip - } (a skip fails under CI)"
			else
				skipped=$((skipped + 1)); echo "skip - $label${line#skip - }"
			fi ;;
		*) echo "# $line" ;;
		esac
	done
}

# A test program that dies without reporting must not pass quietly.
run_program() {
	local label=$1; shift
	local out rc
	out=$(mktemp)
	"$@" >"$out" 2>&1
	rc=$?
	count "$label" <"$out"
	if [ $rc -ne 0 ] && ! grep -q '^not ok - ' "$out"; then
		failed=$((failed + 1))
		echo "not ok - $label$(basename "$1"): exited with status $rc and no failure line"
	fi
	rm -f "$out"
}

for build in "$@"; do
	build=$(cd "$build" && pwd)
	tag=$(basename "$build")
	for t in "$build"/tests/unit/test-*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		run_program "[$tag] " "$t"
	done
done

build=$(cd "$1" && pwd)
for t in "$src"/tests/integration/*.sh; do
	[ "$(basename "$t")" = lib.sh ] && continue
	run_program "[$(basename "$t" .sh)] " env SJ_BUILD="$build" SJ_SRC="$src" bash "$t"
done

summary="$passed passed, $failed failed"
[ $skipped -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ $failed -eq 0 ]
