#!/bin/bash
# Run every test: the unit test programs of each build directory given,
# then the integration tests against the first one, and, run as root,
# the integration tests again as an unprivileged user that this run makes
# and removes (SJ_UNPRIVILEGED=0 leaves that pass out).  Each test prints
# lines "ok - NAME", "not ok - NAME: why" or "skip - NAME: why"; this
# prints them, then one line "N passed, N failed[, N skipped]".  Under
# CI=true a skip counts as a failure: a missing kernel feature there is a
# broken machine, not a reason to pass.  A test the unprivileged pass
# skips because it "needs root" is not: the root pass ran it.
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
		"skip - "*": needs root: "*)
			skipped=$((skipped + 1)); echo "skip - $label${line#skip - }" ;;
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

# The unprivileged pass: a user of this run's own, with ranges in
# /etc/subuid and /etc/subgid as useradd(8) gives them, removed with
# everything it ran however the run ends.
unpriv_user= unpriv_dir=
unpriv_cleanup() {
	local p
	[ -n "$unpriv_user" ] || return 0
	for _ in 1 2 3 4 5; do
		for p in $(ps -u "$unpriv_user" -o pid= 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null
		done
		userdel "$unpriv_user" >/dev/null 2>&1 && break
		sleep 0.2
	done
	rm -rf "$unpriv_dir"
	unpriv_user=
}

unprivileged_pass() {
	local uid gid home t view_build=$build view_src=$src
	command -v useradd >/dev/null && command -v setpriv >/dev/null || {
		failed=$((failed + 1))
		echo "not ok - [unprivileged] useradd and setpriv are needed for the unprivileged pass"
		return
	}
	unpriv_user=sjt$$
	trap unpriv_cleanup EXIT
	trap 'exit 130' INT TERM
	if ! useradd -M -s /bin/bash "$unpriv_user" >/dev/null 2>&1; then
		failed=$((failed + 1))
		echo "not ok - [unprivileged] could not make user $unpriv_user"
		unpriv_user=
		return
	fi
	# Ranges of its own if useradd(8) gave none: above what it hands out,
	# below sysjail's (0x70000000).
	if ! grep -q "^$unpriv_user:" /etc/subuid 2>/dev/null; then
		local sub=$((600000000 + ($$ % 4096) * 65536))
		usermod --add-subuids "$sub-$((sub + 65535))" --add-subgids "$sub-$((sub + 65535))" \
			"$unpriv_user" >/dev/null 2>&1
	fi
	uid=$(id -u "$unpriv_user")
	gid=$(id -g "$unpriv_user")
	unpriv_dir=$(mktemp -d /var/tmp/sysjail-unpriv.XXXXXX)
	chmod 755 "$unpriv_dir"
	home=$unpriv_dir/home
	mkdir "$home" && chown "$uid:$gid" "$home"
	as_user() {
		setpriv --reuid="$uid" --regid="$gid" --init-groups env -i \
			PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME="$home" \
			USER="$unpriv_user" LOGNAME="$unpriv_user" LANG=C.UTF-8 CI="${CI:-}" "$@"
	}
	# The user must reach the build and the tests: a tree under a
	# private home is copied where they can.
	if ! as_user test -x "$build/jail" -a -r "$src/tests/integration/lib.sh"; then
		view_build=$unpriv_dir/build view_src=$unpriv_dir/src
		cp -a "$build" "$view_build" && mkdir "$view_src" &&
			cp -a "$src/tests" "$src/policies" "$src/man" "$view_src"/ &&
			chmod -R a+rX "$unpriv_dir" || {
			failed=$((failed + 1))
			echo "not ok - [unprivileged] could not copy the build for user $unpriv_user"
			return
		}
	fi
	for t in "$view_src"/tests/integration/*.sh; do
		[ "$(basename "$t")" = lib.sh ] && continue
		run_program "[user:$(basename "$t" .sh)] " \
			as_user SJ_BUILD="$view_build" SJ_SRC="$view_src" bash "$t"
	done
	unpriv_cleanup
}

if [ "$(id -u)" = 0 ] && [ "${SJ_UNPRIVILEGED:-1}" != 0 ]; then
	unprivileged_pass
fi

summary="$passed passed, $failed failed"
[ $skipped -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ $failed -eq 0 ]
