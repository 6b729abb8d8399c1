# Resource limits (cgroups and rlimits): a jail cannot starve the host,
# and the operator sees what each jail uses.  Every jail's groups are
# under the harness's own parent group ($SYSJAIL_CGROUP), which the
# harness checks is left empty after each test and removes at the end.
. "$SJ_SRC/tests/integration/lib.sh"
file_needs_root "a user's jail has no cgroups of its own (none is delegated to users here)"
make_root "$ROOT"
JLS=$SJ_BUILD/jls
JEXEC=$SJ_BUILD/jexec
SJLS=$SJ_BUILD/sjls
SJTEST=$SJ_BUILD/sjtest
CG=/sys/fs/cgroup

# The directory of jail $2's group for controller $1 (or "v2": its v2
# group): through cgroup v2 where its root enables the controller, else
# the controller's v1 hierarchy.
cgdir() {
	local v2
	for v2 in "$CG" "$CG/unified"; do
		[ -e "$v2/cgroup.controllers" ] || continue
		if [ "$1" = v2 ] || grep -qw "$1" "$v2/cgroup.subtree_control"; then
			echo "$v2/$SYSJAIL_CGROUP/jail-$2"
			return
		fi
	done
	echo "$CG/$1/$SYSJAIL_CGROUP/jail-$2"
}

# Every group directory of jail $1 that exists.
groups_of() {
	find "$CG" -maxdepth 3 -path "*/$SYSJAIL_CGROUP/jail-$1" -type d 2>/dev/null
}

# The memory limit of jail $1, in bytes ("max" for none).
memory_max() {
	local d
	d=$(cgdir memory "$1")
	if [ -e "$d/memory.max" ]; then
		cat "$d/memory.max"
	else
		# v1's "no limit" is the largest page count it holds (in awk's
		# print, a bare '>' would be a redirection).
		awk '{ print ($1 >= 2^62 ? "max" : $1) }' "$d/memory.limit_in_bytes"
	fi
}

# Jail $1's CPU quota in microseconds per 100 ms ("max" for none).
cpu_quota() {
	local d
	d=$(cgdir cpu "$1")
	if [ -e "$d/cpu.max" ]; then
		cut -d' ' -f1 "$d/cpu.max"
	else
		awk '{ print ($1 < 0 ? "max" : $1) }' "$d/cpu.cfs_quota_us"
	fi
}

# How often a fork was refused at jail $1's process limit.
refused_forks() {
	awk '$1 == "max" { print $2 }' "$(cgdir pids "$1")/pids.events"
}

# The pid of the command that jexec (or program $2, another sj_attach()
# caller) $1 started: its child.
command_of() {
	local c
	# The attacher is a child too until the command has started; the
	# command is the child that no longer runs the caller's program.
	for _ in $(seq 100); do
		for c in $(pgrep -P "$1"); do
			[ "$(readlink /proc/"$c"/exe 2>/dev/null)" != "${2:-$JEXEC}" ] &&
				{ echo "$c"; return 0; }
		done
		sleep 0.05
	done
}

test_fork_bomb_stops_at_maxproc() {
	local jid d n
	persistent name=fb maxproc=100
	jid=$("$JLS" -j fb jid)
	d=$(cgdir pids "$jid")
	expect_eq "$(cat "$d/pids.max")" 100 "pids.max"
	"$JEXEC" fb /bin/sh -c 'bomb() { bomb | bomb & }; bomb; /bin/sleep 30' >/dev/null 2>&1 &
	defer "kill $!"
	for _ in $(seq 200); do
		[ "$(refused_forks "$jid")" -gt 20 ] && break
		sleep 0.05
	done
	[ "$(refused_forks "$jid")" -gt 20 ] || fail "the bomb never reached the limit"
	expect_eq "$(cat "$d/pids.peak")" 100 "the most processes the jail ever had"
	n=$(wc -l <"$d/cgroup.procs")
	[ "$n" -le 100 ] || fail "$n processes in the jail's group"
	# The host is not short of processes while the bomb goes on.
	for _ in $(seq 50); do
		/bin/true || fail "the host could not fork"
	done
	expect_eq "$(sh -c 'echo $(( 6 * 7 ))')" 42 "a host shell"
	"$JAIL" -r fb || fail "removing the jail with the bomb going on"
	expect_eq "$(groups_of "$jid")" "" "the jail's groups after its removal"
}

# Without any configuration a jail gets 2048 processes, and no memory
# limit; its init is in each of its groups, which the jail sees as its
# cgroup root.
test_default_limits() {
	local jid init d lines
	persistent name=def
	jid=$("$JLS" -j def jid)
	expect_eq "$("$JLS" -j def sysjail.maxproc)" 2048 "jls: the default process limit"
	expect_eq "$("$JLS" -j def maxproc)" 2048 "jls: by its rctl name"
	expect_eq "$(cat "$(cgdir pids "$jid")/pids.max")" 2048 "pids.max"
	expect_eq "$("$JLS" -j def sysjail.memory)" unlimited "jls: no memory limit"
	expect_eq "$(memory_max "$jid")" max "the memory controller's limit"
	expect_eq "$(cpu_quota "$jid")" max "no CPU quota"
	init=$(grep '^sysjail.pid=' "$SYSJAIL_RUNDIR/jail/$jid" | cut -d= -f2)
	lines=$(grep -c ":/$SYSJAIL_CGROUP/jail-$jid\$" /proc/"$init"/cgroup)
	expect_eq "$lines" "$(groups_of "$jid" | wc -l)" "the init's groups: one per hierarchy"
	[ "$lines" -ge 3 ] || fail "the init is in $lines of the jail's groups"
	capture "$JEXEC" def /bin/cat /proc/self/cgroup
	expect_eq "$(grep -vc ':/$' <<<"$out")" 0 "inside, every group is the root: $out"
	# A fork bomb in a default jail stops at the default.
	d=$(cgdir pids "$jid")
	"$JEXEC" def /bin/sh -c 'bomb() { bomb | bomb & }; bomb; /bin/sleep 30' >/dev/null 2>&1 &
	defer "kill $!"
	for _ in $(seq 400); do
		[ "$(refused_forks "$jid")" -gt 0 ] && break
		sleep 0.05
	done
	expect_eq "$(cat "$d/pids.peak")" 2048 "the most processes a default jail had"
	/bin/true || fail "the host could not fork"
}

# A 64 MiB jail: the hog is killed, only it, and jail(8) says why.
test_memory_hog_killed() {
	local host_pid
	/bin/sleep 60 &
	host_pid=$!
	defer "kill $host_pid"
	capture "$JAIL" -c path="$ROOT" memoryuse=64M \
		command=/bin/sh -c '/bin/sjprobe hog 256; echo "hog: $?"; /bin/sjprobe hog 16'
	expect_eq "$rc" 0 "the jail's status: its shell went on"
	expect_eq "$out" "$(printf 'hog: 137\nok 16')" "only the hog was killed"
	expect_eq "$(tail -1 <<<"$err")" "jail: out of memory: the kernel killed 1 process in the jail (limit sysjail.memory=64 MiB)" \
		"jail(8) says what the kernel did"
	capture "$JAIL" -c path="$ROOT" sysjail.memory=64M command=/bin/sjprobe hog 256
	expect_eq "$rc" 137 "a hog as the command: killed"
	expect_eq "$err" "jail: the command was killed: out of memory (limit sysjail.memory=64 MiB)" \
		"jail(8) on the command's death"
	capture "$JAIL" -c path="$ROOT" sysjail.memory=64M command=/bin/sjprobe hog 32
	expect_eq "$out/$rc/$err" "ok 32/0/" "under the limit, nothing is said"
	# In a jail that stays: jexec says it of its own command only, and
	# sjls counts every kill.
	persistent name=hog memoryuse=64M
	capture "$JEXEC" hog /bin/sjprobe hog 256
	expect_eq "$rc/$err" "137/jexec: the command was killed: out of memory (limit sysjail.memory=64 MiB)" \
		"jexec's command killed"
	capture "$JEXEC" hog /bin/sh -c '/bin/sjprobe hog 256; echo "hog: $?"'
	# (the shell's own "Killed", and nothing from jexec)
	expect_eq "$out/$rc/$err" "hog: 137/0/Killed" "jexec's command lived on"
	capture "$JEXEC" hog /bin/sh -c 'kill -KILL $$'
	expect_eq "$rc/$err" "137/" "a command killed by other means"
	capture "$SJLS" -v hog
	expect_match "$out" $'\n''      cgroup: [0-9.]+s of CPU, 2 killed for want of memory'$'\n' "sjls -v"
	kill -0 "$host_pid" || fail "a host process died"
}

test_jexec_joins_the_groups() {
	local jid pid cmd
	persistent name=jx maxproc=6
	jid=$("$JLS" -j jx jid)
	"$JEXEC" jx /bin/sleep 60 &
	pid=$!
	defer "kill $pid"
	cmd=$(command_of "$pid")
	[ -n "$cmd" ] || fail "the jexec'd command did not show up"
	expect_eq "$(grep -c ":/$SYSJAIL_CGROUP/jail-$jid\$" /proc/"$cmd"/cgroup)" \
		"$(groups_of "$jid" | wc -l)" "jexec's command in every group of the jail"
	grep -qx "$cmd" "$(cgdir pids "$jid")/cgroup.procs" || fail "not in the pids group's list"
	# Bound by the jail's limit: init, sleep, and a shell starting eight.
	# The sleeps must not hold capture's pipe: they outlive the shell,
	# and keep the jail full for the jexec below.
	capture "$JEXEC" jx /bin/sh -c \
		'i=0; while [ $i -lt 8 ]; do /bin/sleep 30 >/dev/null 2>&1 & i=$((i + 1)); done'
	expect_eq "$err" "/bin/sh: can't fork: Resource temporarily unavailable" \
		"the shell that filled the jail"
	[ "$(cat "$(cgdir pids "$jid")/pids.peak")" -le 6 ] || fail "the jail went past its limit"
	[ "$(refused_forks "$jid")" -gt 0 ] || fail "no fork was refused"
	# A jexec takes two places while it starts (its helper, then the
	# command).  If the helper of the jexec above still counted while
	# the shell forked, the shell left one more place: a start takes it
	# (or is refused), so that no jexec fits below.
	"$JEXEC" jx /bin/sleep 30 >/dev/null 2>&1 &
	defer "kill $!"
	for _ in $(seq 100); do
		[ "$(cat "$(cgdir pids "$jid")/pids.current")" -ge 5 ] && break
		sleep 0.05
	done
	capture "$JEXEC" jx /bin/true
	# jexec's own failures are status 1 (jexec(8)), as FreeBSD's.
	expect_eq "$rc" 1 "jexec into a full jail"
	expect_eq "$err" "jexec: jail $jid is at its process limit (sysjail.maxproc): Resource temporarily unavailable" \
		"its message"
}

# A library user's process with a second thread: its attacher is made by
# fork() (not clone3) and moves itself into the v2 group; the command
# still lands in every group of the jail.
test_attach_from_threads() {
	local jid pid cmd attach=$SJ_BUILD/tests/host/attach-threaded
	persistent name=th
	jid=$("$JLS" -j th jid)
	"$attach" th /bin/sleep 60 &
	pid=$!
	defer "kill $pid"
	cmd=$(command_of "$pid" "$attach")
	[ -n "$cmd" ] || fail "the attached command did not show up"
	expect_eq "$(grep -c ":/$SYSJAIL_CGROUP/jail-$jid\$" /proc/"$cmd"/cgroup)" \
		"$(groups_of "$jid" | wc -l)" "the command in every group of the jail"
	capture "$attach" th /bin/sh -c 'exit 7'
	expect_eq "$rc" 7 "the command's status"
}

test_sjls_use_against_limit() {
	local jid
	persistent name=s memoryuse=64M maxproc=100 pcpu=50
	persistent name=plain
	# Four processes: init, the shell and its two sleeps (busybox's sh
	# would exec a last command in place of itself: the exit keeps it).
	"$JEXEC" s /bin/sh -c '/bin/sleep 60 & /bin/sleep 60; exit $?' >/dev/null 2>&1 &
	defer "kill $!"
	jid=$("$JLS" -j s jid)
	for _ in $(seq 100); do
		[ "$(cat "$(cgdir pids "$jid")/pids.current")" -ge 4 ] && break
		sleep 0.05
	done
	capture "$SJLS" s plain
	expect_match "$(head -1 <<<"$out")" " MEMORY +TASKS +CPUMAX " "sjls's columns"
	expect_match "$(grep ' s ' <<<"$out")" " [0-9.]+[BKM]/64.0M +4/100 +50% " "sjls: use/limit"
	expect_match "$(grep ' plain ' <<<"$out")" " [0-9.]+[BKM]/- +1/2048 +- " "sjls: no limits"
	capture "$SJLS" --json s
	python3 -c '
import json, sys
c = json.load(sys.stdin)["jails"][0]["cgroup"]
assert c["memory_max"] == 64 << 20 and 0 < c["memory"] < c["memory_max"], c
assert c["tasks"] == 4 and c["tasks_max"] == 100, c
assert c["cpu_quota_percent"] == 50 and c["cpu_usec"] > 0 and c["oom_kills"] == 0, c' \
		<<<"$out" || fail "sjls --json: $out"
	capture "$SJLS" --json plain
	python3 -c '
import json, sys
c = json.load(sys.stdin)["jails"][0]["cgroup"]
assert c["memory_max"] is None and c["cpu_quota_percent"] is None, c
assert c["tasks_max"] == 2048, c' <<<"$out" || fail "sjls --json, no limits: $out"
}

test_modify_limits() {
	local jid
	persistent name=m
	jid=$("$JLS" -j m jid)
	"$JAIL" -m name=m maxproc=50 sysjail.memory=32M pcpu=10 || fail "jail -m"
	expect_eq "$(cat "$(cgdir pids "$jid")/pids.max")" 50 "pids.max after -m"
	expect_eq "$(memory_max "$jid")" 33554432 "the memory limit after -m"
	expect_eq "$(cpu_quota "$jid")" 10000 "the CPU quota after -m"
	expect_eq "$("$JLS" -j m sysjail.maxproc sysjail.memory pcpu)" "50 33554432 10" "jls after -m"
	# Up again: v1 needs memory+swap raised before memory.
	"$JAIL" -m name=m memoryuse=1G maxproc=unlimited || fail "jail -m raising"
	expect_eq "$(memory_max "$jid")" 1073741824 "raised"
	expect_eq "$(cat "$(cgdir pids "$jid")/pids.max")" max "no process limit"
	capture "$JAIL" -m name=m sysjail.memory=64MB
	expect_eq "$rc" 1 "a typo's status"
	expect_eq "$err" "jail: sysjail.memory: '64MB' has an unknown unit 'MB' (K, M, G or T, binary: 64M is 64 MiB)" \
		"a typo's message"
	expect_eq "$("$JLS" -j m sysjail.memory)" 1073741824 "a refused value is not recorded"
	capture "$JAIL" -m name=m openfiles=10
	expect_eq "$err" "jail: openfiles: cannot be changed on a running jail" "an rlimit"
	"$JEXEC" m /bin/sjprobe hog 48 >/dev/null || fail "48 MiB under a 1 GiB limit"
	capture "$JAIL" -m name=m sysjail.memory=2M
	[ "$rc" -eq 0 ] || expect_match "$err" "^jail: sysjail.memory: writing '2097152' to " \
		"lowering below what the jail uses"
}

test_rlimits() {
	capture "$JAIL" -c path="$ROOT" openfiles=64 sysjail.rlimit.core=0 \
		sysjail.rlimit.fsize=1M:2M command=/bin/cat /proc/self/limits
	expect_eq "$rc" 0 "status ($err)"
	expect_match "$out" $'\n''Max open files +64 +64 +files' "openfiles"
	expect_match "$out" $'\n''Max core file size +0 +0 +bytes' "core"
	expect_match "$out" $'\n''Max file size +1048576 +2097152 +bytes' "fsize, soft and hard"
	persistent name=rl sysjail.rlimit.nofile=128:256
	capture "$JEXEC" rl /bin/cat /proc/self/limits
	expect_match "$out" $'\n''Max open files +128 +256 +files' "jexec's command too"
}

# jail -r, the end of a jail's command, and a maker's death: no group left.
test_removal_leaves_no_group() {
	local jid pid
	persistent name=r
	"$JEXEC" r /bin/sh -c 'while :; do /bin/true; done' >/dev/null 2>&1 &
	defer "kill $!"
	jid=$("$JLS" -j r jid)
	[ "$(groups_of "$jid" | wc -l)" -ge 3 ] || fail "the jail's groups: $(groups_of "$jid")"
	"$JAIL" -r r || fail "jail -r"
	expect_eq "$(groups_of "$jid")" "" "after jail -r"
	"$JAIL" -c path="$ROOT" jid=77 command=/bin/true || fail "a jail that ends"
	expect_eq "$(groups_of 77)" "" "after its command ended"
	# Its maker killed: jail -r still removes the groups.  (Killed before
	# the jail runs its command, the maker would take the jail with it.)
	"$JAIL" -c name=mk jid=78 path="$ROOT" command=/bin/sleep 60 &
	pid=$!
	wait_listed mk || fail "jail mk never listed"
	for _ in $(seq 100); do
		[ "$(wc -l <"$(cgdir pids 78)/cgroup.procs")" -ge 2 ] && break
		sleep 0.05
	done
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	[ -n "$(groups_of 78)" ] || fail "no groups while the jail runs"
	"$JAIL" -r mk || fail "removing a jail whose maker was killed"
	expect_eq "$(groups_of 78)" "" "after its removal"
	# Its maker killed, and then its command ended: the next listing purges it.
	"$JAIL" -c name=mk2 jid=79 path="$ROOT" command=/bin/sleep 1 &
	pid=$!
	wait_listed mk2 || fail "jail mk2 never listed"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	sleep 1.5
	[ -n "$(groups_of 79)" ] || fail "the dead jail's groups, before anyone looked"
	expect_eq "$("$JLS" jid)" "" "jls: no jail"
	expect_eq "$(groups_of 79)" "" "after jls purged the dead jail"
}

# A jail killed as it was made leaves nothing once listed.
test_killed_while_created() {
	local i pid
	for i in $(seq 20); do
		"$JAIL" -c path="$ROOT" persist maxproc=10 &
		pid=$!
		sleep "0.00$((RANDOM % 9))"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	defer remove_all
	sleep 0.2
	"$JAIL" -r '*' || fail "removing the survivors"
	expect_eq "$(find "$CG" -maxdepth 3 -path "*/$SYSJAIL_CGROUP/jail-*" -type d)" "" \
		"groups after the survivors' removal"
}

# Under `ip netns exec`, which mounts a /sys of its own without the
# cgroup hierarchies, a jail cannot have its default process limit: one
# line says so and what to do, and nothing is left (run_one checks).
test_no_controllers() {
	local ns=sjcg-$BASHPID
	defer "ip netns del $ns"
	ip netns add "$ns" || fail "ip netns add $ns"
	capture ip netns exec "$ns" "$JAIL" -c path="$ROOT" persist name=nc
	expect_eq "$rc" 1 "status without a pids controller"
	expect_eq "$err" "jail: this machine has no pids cgroup controller (in cgroup v2 or as a v1 hierarchy under /sys/fs/cgroup): set sysjail.maxproc=unlimited to run the jail without a process limit" \
		"the message"
	expect_eq "$("$JLS" jid)" "" "no jail made"
	capture ip netns exec "$ns" "$JAIL" -c path="$ROOT" maxproc=unlimited memoryuse=64M \
		command=/bin/true
	expect_eq "$rc/$err" "1/jail: this machine has no memory cgroup controller (in cgroup v2 or as a v1 hierarchy under /sys/fs/cgroup) for sysjail.memory" \
		"a memory limit without its controller"
	# Without a limit that needs one, a jail runs with no group at all.
	capture ip netns exec "$ns" "$JAIL" -c path="$ROOT" maxproc=unlimited \
		command=/bin/echo in the jail
	expect_eq "$rc/$out/$err" "0/in the jail/" "a jail without limits"
}

# expect_refused ARGS... -- MESSAGE: jail -c refuses ARGS with MESSAGE.
expect_refused() {
	local msg=${*: -1}
	capture "$JAIL" -c path="$ROOT" persist "${@:1:$#-2}"
	expect_eq "$rc" 1 "status of ${*:1:$#-2}"
	expect_eq "$err" "jail: $msg" "message for ${*:1:$#-2}"
}

test_bad_input() {
	expect_refused sysjail.memory=64MB -- \
		"sysjail.memory: '64MB' has an unknown unit 'MB' (K, M, G or T, binary: 64M is 64 MiB)"
	expect_refused memoryuse=-1 -- "memoryuse: '-1' is negative"
	expect_refused sysjail.memory=64 -- \
		"sysjail.memory: '64' is below 1 MiB (a number without a unit is bytes: did you mean 64M?)"
	expect_refused maxproc=lots -- "maxproc: 'lots' is not a number or 'unlimited'"
	expect_refused sysjail.maxproc=1e3 -- "sysjail.maxproc: '1e3' is not a whole number"
	expect_refused pcpu=0 -- \
		"pcpu: '0' is below 1: a percentage of one CPU, from 1 (the kernel's least quota)"
	expect_refused sysjail.cpu_weight=0 -- \
		"sysjail.cpu_weight: '0' is below 1: weights run from 1 to 10000"
	expect_refused sysjail.rlimit.nofile=10:5 -- \
		"sysjail.rlimit.nofile: '10:5': the soft limit is above the hard one"
	expect_refused sysjail.rlimit.nosuch=1 -- "unknown parameter 'sysjail.rlimit.nosuch'"
	expect_refused swapuse=1G -- \
		"sysjail.memory_swap: limits swap beyond sysjail.memory, which is unlimited: set sysjail.memory too"
	expect_refused sysjail.cgroup=a/b -- \
		"sysjail.cgroup: 'a/b' has character '/' (one group name: letters, digits, '_' and '-' only)"
	cat >"$WORK/bad.conf" <<-EOF
	lim {
		path = "$ROOT";
		persist;
		memoryuse = 64MB;
	}
	EOF
	capture "$JAIL" -f "$WORK/bad.conf" -c lim
	expect_eq "$rc" 1 "status of a bad jail.conf"
	expect_match "$err" "bad.conf:4:[0-9]+: memoryuse: '64MB' has an unknown unit 'MB'" \
		"a bad jail.conf names the file, line and parameter"
	expect_eq "$("$JLS" jid)" "" "no jail made"
}

# sjtest's resource probes hold in a jail with limits.
test_sjtest_holds_with_limits() {
	cat >"$WORK/jail.conf" <<-EOF
	lim {
		path = "$ROOT";
		maxproc = 100;
		sysjail.memory = 64M;
	}
	EOF
	capture "$SJTEST" -f "$WORK/jail.conf" lim -p resource
	expect_eq "$rc" 0 "status ($err)"
	expect_match "$out" $'\n''fork-bomb +resource +held +fork failed with EAGAIN after' \
		"the fork bomb"
	expect_match "$out" $'\n''memory-hog +resource +held +killed \(out of memory\) after' \
		"the memory hog"
	expect_eq "$(tail -1 <<<"$out")" "2 held, 0 escaped, 0 not applicable" "summary"
}

run_tests
