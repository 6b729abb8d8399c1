# lib.sh: what every integration test file sources.
#
# A test file defines functions test_NAME and ends with run_tests.  Each
# test runs against real jails, in a subshell with a time limit;
# it passes only if it returns 0 AND leaves nothing behind: no new mount
# on the host, no jail process, no network namespace, no live registry
# entry.  Whatever a test starts it registers with `defer`, and the
# deferred commands run when the test ends, however it ends.
#
# The files run twice: as root, and as an unprivileged user (tests/run.sh
# makes one), where jails are a user's (jail(8), PRIVILEGE).  A test that
# needs root says so with `needs_root WHY`, and is skipped in the
# unprivileged pass with that reason.
#
# Environment: SJ_BUILD (the build directory), SJ_SRC (the source tree).
set -u

JAIL=$SJ_BUILD/jail
PROBE=$SJ_BUILD/tests/probe/sjprobe
PROBE32=$SJ_BUILD/tests/probe/sjprobe32
TEST_TIMEOUT=${TEST_TIMEOUT:-120}

# Our own registry, so tests never see (or touch) the machine's jails.
if [ "$(id -u)" = 0 ]; then
	export SYSJAIL_RUNDIR=/run/sysjail-tests.$$
else
	export SYSJAIL_RUNDIR=/tmp/sysjail-tests.$(id -u).$$
fi
# Our own parent cgroup (sysjail.cgroup), removed when we end: the tests'
# jails' groups are never among the machine's jails'.
export SYSJAIL_CGROUP=sysjail-tests-$$
WORK=$(mktemp -d /var/tmp/sysjail-tests.XXXXXX)
ROOT=$WORK/root

# Jail processes that were there before us are never ours to kill.
_jails_before=$(find /proc -maxdepth 2 -name exe -lname "$JAIL" -printf '%h\n' 2>/dev/null |
	cut -d/ -f3 | sort)

lib_cleanup() {
	local p
	# Whatever a test left running goes before its registry does.
	[ -x "$JAIL" ] && timeout 60 "$JAIL" -r '*' >/dev/null 2>&1
	for p in $(find /proc -maxdepth 2 -name exe -lname "$JAIL" -printf '%h\n' 2>/dev/null |
		cut -d/ -f3); do
		grep -qx "$p" <<<"$_jails_before" || kill -KILL "$p" 2>/dev/null
	done
	# A user's jails leave files of the user's other ids (/etc/subuid),
	# which only the jail's root may remove.
	rm -rf "$WORK" 2>/dev/null ||
		{ [ -x "$JAIL" ] && "$JAIL" -q / h /bin/rm -rf "$WORK"; }
	rm -rf "$SYSJAIL_RUNDIR"
	# Our parent cgroup in each hierarchy, and what a test left in it
	# (that test failed already), once the processes killed above are gone.
	local d
	for d in /sys/fs/cgroup/"$SYSJAIL_CGROUP" /sys/fs/cgroup/*/"$SYSJAIL_CGROUP"; do
		[ -d "$d" ] || continue
		for _ in $(seq 50); do
			rmdir "$d"/*/ 2>/dev/null
			rmdir "$d" 2>/dev/null && break
			sleep 0.1
		done
		[ -d "$d" ] && echo "# cgroup $d is left: it still holds processes"
	done
}
trap lib_cleanup EXIT

# In a test: skip it, saying why, unless run as root.
needs_root() {
	[ "$(id -u)" = 0 ] && return 0
	echo "SKIP: needs root: $*"
	exit 77
}

# A file every test of which needs root says so once, before its tests:
# in the unprivileged pass each is skipped with that reason.
file_needs_root() {
	_file_needs_root=$*
}

# In a test: stop the test with a reason.
fail() {
	echo "FAIL: $*"
	exit 1
}

expect_eq() {
	[ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
}

expect_match() {
	[[ $1 =~ $2 ]] || fail "$3: '$1' does not match /$2/"
}

expect_no_match() {
	[[ $1 =~ $2 ]] && fail "$3: '$1' matches /$2/"
	return 0
}

# Run a command, keeping its stdout in $out, stderr in $err, status in $rc.
capture() {
	local e
	e=$(mktemp)
	out=$("$@" 2>"$e")
	rc=$?
	err=$(cat "$e")
	rm -f "$e"
}

# Kill a jail(8) started in the background: its init (which takes the
# whole jail with it) and the tool itself.
kill_jail() {
	local manager=$1 child
	for child in $(cat /proc/"$manager"/task/*/children 2>/dev/null); do
		kill -KILL "$child" 2>/dev/null
	done
	kill -KILL "$manager" 2>/dev/null
	wait "$manager" 2>/dev/null
	return 0
}

_defers=()
defer() {
	_defers+=("$*")
}

_run_defers() {
	local i
	for ((i = ${#_defers[@]} - 1; i >= 0; i--)); do
		eval "${_defers[i]}" >/dev/null 2>&1
	done
	_defers=()
}

# Remove every jail of our registry (a deferred command, so a test's
# persistent jails go however it ends).
remove_all() {
	"$JAIL" -r '*' >/dev/null 2>&1
	return 0
}

# A persistent jail on $ROOT with the parameters given, removed when the
# test ends.
persistent() {
	"$JAIL" -c path="$ROOT" persist "$@" || fail "creating a persistent jail ($*)"
	defer remove_all
}

# Wait up to 5 s until jls lists jail $1.
wait_listed() {
	local _
	for _ in $(seq 100); do
		"$SJ_BUILD/jls" -j "$1" jid >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}

# A minimal jail root: the static probes, busybox, /etc/passwd and group.
make_root() {
	local dir=$1
	mkdir -p "$dir"/bin "$dir"/etc "$dir"/tmp "$dir"/home/jailuser
	chmod 1777 "$dir"/tmp
	cp "$PROBE" "$dir"/bin/sjprobe
	[ -x "$PROBE32" ] && cp "$PROBE32" "$dir"/bin/sjprobe32
	cp /bin/busybox "$dir"/bin/busybox
	for c in sh cat echo ls sleep id hostname kill ps true false env pwd stat mkdir stty; do
		ln -sf busybox "$dir/bin/$c"
	done
	cat >"$dir"/etc/passwd <<-EOF
	root:x:0:0:root:/root:/bin/sh
	jailuser:x:1000:1000:jail user:/home/jailuser:/bin/sh
	EOF
	cat >"$dir"/etc/group <<-EOF
	root:x:0:
	jailuser:x:1000:
	staff:x:50:jailuser
	EOF
	# A user cannot give files away (their jail's root can).
	[ "$(id -u)" = 0 ] && chown 1000:1000 "$dir"/home/jailuser
	return 0
}

# What a jail could leave on the host.
_snapshot() {
	{
		echo "## mounts"
		awk '{print $5}' /proc/self/mountinfo | sort
		# Our jails' processes: the jail tool (and its inits), and
		# programs run from our build or our jail roots.  A jail's
		# namespaces live exactly as long as some of these do.
		echo "## jail processes"
		find /proc -maxdepth 2 -name exe -printf '%h %l\n' 2>/dev/null |
			awk -v b="$SJ_BUILD/" -v w="$WORK/" \
			'index($2, b) == 1 || index($2, w) == 1 { split($1, d, "/"); print d[3] }' | sort
		echo "## named network namespaces"
		ip netns list 2>/dev/null
		echo "## cgroups under our parent group"
		# A jail whose maker and init were both killed (kill_jail)
		# leaves its empty groups to the next listing, which purges
		# them: list, as the operator's next jls would.
		"$SJ_BUILD/jls" >/dev/null 2>&1
		find /sys/fs/cgroup/"$SYSJAIL_CGROUP" /sys/fs/cgroup/*/"$SYSJAIL_CGROUP" \
			-mindepth 1 -maxdepth 1 -type d | sort
		# A jail run without the test's SYSJAIL_CGROUP makes the
		# default parent: that is a group the tests must not leave.
		echo "## default parent cgroups"
		ls -d /sys/fs/cgroup/sysjail /sys/fs/cgroup/*/sysjail
		echo "## live registry entries"
		for l in "$SYSJAIL_RUNDIR"/jail/*.lock; do
			[ -e "$l" ] || continue
			flock -n -s "$l" true || echo "$l"
		done
	} 2>/dev/null
}

# Kill jail processes that appeared during a test (ours, by PID).
_kill_new_jails() {
	local before=$1 p
	for p in $(find /proc -maxdepth 2 -name exe -printf '%h %l\n' 2>/dev/null |
		awk -v b="$SJ_BUILD/" -v w="$WORK/" \
		'index($2, b) == 1 || index($2, w) == 1 { split($1, d, "/"); print d[3] }'); do
		grep -qx "$p" <<<"$before" || kill -KILL "$p" 2>/dev/null
	done
}

run_one() {
	local t=$1 before after out rc leak pid watchdog start=$EPOCHREALTIME
	before=$(_snapshot)
	out=$(mktemp)
	(
		trap '_run_defers' EXIT
		trap 'exit 143' TERM
		"$t"
	) >"$out" 2>&1 &
	pid=$!
	# The watchdog's sleep dies with it: an orphaned sleep would hold our
	# stdout open for the whole timeout.
	(
		trap 'kill $nap 2>/dev/null; exit 0' TERM
		sleep "$TEST_TIMEOUT" &
		nap=$!
		wait $nap
		kill -TERM "$pid" 2>/dev/null
		sleep 5
		kill -KILL "$pid" 2>/dev/null
	) &
	watchdog=$!
	wait "$pid"
	rc=$?
	kill "$watchdog" 2>/dev/null
	wait "$watchdog" 2>/dev/null

	# A jail being torn down may take a moment; a leak does not go away.
	for _ in $(seq 50); do
		after=$(_snapshot)
		leak=$(diff <(echo "$before") <(echo "$after") | grep '^>' | tr '\n' ' ')
		[ -z "$leak" ] && break
		sleep 0.1
	done
	if [ -n "$leak" ]; then
		_kill_new_jails "$(sed -n '/## jail processes/,/##/p' <<<"$before")"
	fi

	local name=${t#test_}
	if [ $rc -eq 77 ] && grep -q '^SKIP: ' "$out"; then
		echo "skip - $name: $(grep -m1 '^SKIP: ' "$out" | cut -c7-)"
	elif [ $rc -ne 0 ]; then
		local why
		why=$(grep -m1 '^FAIL: ' "$out" | cut -c7-)
		[ $rc -ge 124 ] && [ -z "$why" ] && why="timed out or killed (status $rc)"
		echo "not ok - $name: ${why:-status $rc}"
		sed 's/^/    /' "$out"
	elif [ -n "$leak" ]; then
		echo "not ok - $name: left behind: $leak"
	else
		echo "ok - $name"
	fi
	echo "$name took $(awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $start }") s"
	rm -f "$out"
}

# SJ_TESTS, if set, is an extended regular expression: only the tests
# whose names (without test_) match it run.
run_tests() {
	local t
	for t in $(declare -F | awk '{print $3}' | grep '^test_'); do
		[ -n "${SJ_TESTS:-}" ] && ! grep -Eq -- "$SJ_TESTS" <<<"${t#test_}" && continue
		if [ -n "${_file_needs_root:-}" ] && [ "$(id -u)" != 0 ]; then
			echo "skip - ${t#test_}: needs root: $_file_needs_root"
			continue
		fi
		run_one "$t"
	done
}
