# jail(8): what a jail is, seen from inside and from outside.
. "$SJ_SRC/tests/integration/lib.sh"
make_root "$ROOT"

# The host process the jail must not reach; stopped when the test ends.
host_sleeper() {
	sleep 300 &
	sleeper=$!
	defer "kill $sleeper"
}

test_only_jail_processes_visible() {
	capture "$JAIL" "$ROOT" h /bin/sjprobe ps
	expect_eq "$rc" 0 "status"
	expect_eq "$out" "1 2 " "processes the jail sees"
	capture "$JAIL" "$ROOT" h /bin/cat /proc/1/comm
	expect_eq "$out" "jail" "PID 1 is sysjail's init"
}

test_readme_example() {
	local me
	host_sleeper
	capture "$JAIL" / ahost /bin/sh -c "echo \$\$; hostname; kill $sleeper"
	expect_eq "$(sed -n 1p <<<"$out")" 2 "the shell's pid in the jail"
	expect_eq "$(sed -n 2p <<<"$out")" ahost "hostname in the jail"
	expect_match "$err" "No such process" "kill of a host pid"
	kill -0 "$sleeper" || fail "the host process was killed"
	me=$(hostname)
	[ "$me" != ahost ] || fail "the host's hostname changed"
}

test_host_process_unreachable() {
	host_sleeper
	capture "$JAIL" "$ROOT" h /bin/sjprobe kill "$sleeper"
	expect_eq "$out" "err ESRCH" "kill(2) of a host process"
	capture "$JAIL" "$ROOT" h /bin/sjprobe ptrace "$sleeper"
	expect_eq "$out" "err ESRCH" "ptrace(2) of a host process"
	capture "$JAIL" "$ROOT" h /bin/sjprobe stat "/proc/$sleeper"
	expect_eq "$out" "err ENOENT" "/proc of a host process"
	# Control: the same probe outside the jail does reach it.
	capture "$PROBE" kill "$sleeper" 0
	expect_eq "$out" "ok 0" "the probe's kill outside a jail"
}

test_files_outside_root_unreachable() {
	echo secret >"$WORK/marker"
	capture "$JAIL" "$ROOT" h /bin/sjprobe read "$WORK/marker"
	expect_eq "$out" "err ENOENT" "reading a host file by its path"
	capture "$JAIL" "$ROOT" h /bin/sjprobe chroot-escape "$WORK/marker"
	expect_eq "$out" "err ENOENT" "chroot escape with an open directory and .."
	# The init is not dumpable: its /proc/1/root is closed to the jail.
	capture "$JAIL" "$ROOT" h /bin/sjprobe stat /proc/1/root/"$WORK/marker"
	expect_match "$out" "^err (ENOENT|EACCES)$" "through /proc/1/root"
	capture "$JAIL" "$ROOT" h /bin/sjprobe stat /proc/self/root/"$WORK/marker"
	expect_eq "$out" "err ENOENT" "through /proc/self/root"
	defer "rmdir /tmp/.sjprobe-chroot"
	capture "$PROBE" chroot-escape "$WORK/marker"
	expect_eq "$out" "ok 0" "the probe finds the marker outside a jail"
}

test_no_host_descriptors() {
	exec 7<"$WORK"
	capture "$JAIL" "$ROOT" h /bin/sjprobe fds
	exec 7<&-
	expect_eq "$(cut -d' ' -f1 <<<"$out" | tr '\n' ' ')" "0 1 2 " "open descriptors in the jail"
}

test_hostname() {
	capture "$JAIL" "$ROOT" web.example /bin/hostname
	expect_eq "$out" web.example "hostname(1) in the jail"
	capture "$JAIL" "$ROOT" h /bin/sjprobe syscall sethostname s:evil 4
	expect_eq "$out" "err EPERM" "sethostname(2)"
	capture "$JAIL" "$ROOT" h /bin/sjprobe int80 sethostname s:evil 4
	expect_eq "$out" "err EPERM" "sethostname through int 0x80"
}

test_allow_set_hostname() {
	capture "$JAIL" -c path="$ROOT" host.hostname=before allow.set_hostname \
		command=/bin/sh -c 'hostname after && hostname'
	expect_eq "$out" after "hostname after sethostname(2)"
	[ "$(hostname)" != after ] || fail "the host's hostname changed"
	capture "$JAIL" -c path="$ROOT" host.hostname=h allow.set_hostname sysjail.userns=false \
		command=/bin/true
	expect_match "$err" "allow.set_hostname needs sysjail.userns" "without a user namespace"
}

test_mount_denied() {
	capture "$JAIL" "$ROOT" h /bin/sjprobe syscall mount s:none s:/tmp s:tmpfs 0 0
	expect_eq "$out" "err EPERM" "mount(2)"
	capture "$JAIL" "$ROOT" h /bin/sjprobe int80 mount s:none s:/tmp s:tmpfs 0 0
	expect_eq "$out" "err EPERM" "mount through int 0x80"
	capture "$JAIL" "$ROOT" h /bin/sjprobe syscall fsopen s:tmpfs 0
	expect_eq "$out" "err EPERM" "fsopen(2)"
	capture "$JAIL" "$ROOT" h /bin/sjprobe syscall umount2 s:/proc 2
	expect_eq "$out" "err EPERM" "umount2(2)"
}

# name, then arguments that are harmless should the call get through.
blocked=(
	"mount s:none s:/tmp s:tmpfs 0 0"
	"umount2 s:/proc 2"
	"pivot_root s:/tmp s:/tmp"
	"swapon s:/nonexistent 0"
	"swapoff s:/nonexistent"
	"reboot 0 0 0 0"
	"kexec_load 0 0 0 0"
	"init_module 0 0 s:"
	"finit_module -1 s: 0"
	"delete_module s:nonexistent 0"
	"settimeofday 0 0"
	"clock_settime 99 0"
	"adjtimex 0"
	"sethostname s:x 1"
	"setdomainname s:x 1"
	"acct 0"
	"quotactl 0 0 0 0"
	"bpf 0 0 0"
	"perf_event_open 0 0 -1 -1 0"
	"keyctl 0 0 0 0 0"
	"add_key s:user s:x 0 0 0"
	"request_key s:user s:x 0 0"
	"userfaultfd 0"
	"open_by_handle_at -1 0 0"
	"name_to_handle_at -100 s:/ 0 0 0"
	"unshare 0x10000000"
	"unshare 0x20000"
	"setns -1 0"
	"clone 0x10000011 0 0 0 0"
	"io_uring_setup 1 0"
	"personality 0x40000"
	"mknod s:/tmp/blk 0x61a0 0x800"
	"mknodat -100 s:/tmp/chr 0x2180 0x103"
	"socket 17 3 0"
	"socket 2 3 1"
	"ioctl -1 0x5412 s:x"
	"ioctl -1 0x541c s:x"
	"fsopen s:tmpfs 0"
	"open_tree -100 s:/ 1"
	"move_mount -1 s: -1 s: 0"
	"fspick -100 s:/ 0"
	"mount_setattr -1 s: 0 0 0"
)

# Every blocked call, through the 64-bit entry, the i386 entry of the same
# 64-bit binary (int 0x80), and from a real 32-bit binary.
test_blocked_syscalls_every_abi() {
	local entry call script=""
	for call in "${blocked[@]}"; do
		script+="/bin/sjprobe syscall $call; /bin/sjprobe int80 $call; /bin/sjprobe32 syscall $call;"
	done
	capture "$JAIL" "$ROOT" h /bin/sh -c "$script"
	local i=0
	while IFS= read -r line; do
		call=${blocked[i / 3]}
		entry=(64-bit "int 0x80" i386)
		expect_eq "$line" "err EPERM" "${entry[i % 3]} ${call%% *}"
		i=$((i + 1))
	done <<<"$out"
	expect_eq "$i" "$((${#blocked[@]} * 3))" "results"
}

test_new_syscalls_get_enosys() {
	capture "$JAIL" "$ROOT" h /bin/sjprobe syscall clone3 0 0
	expect_eq "$out" "err ENOSYS" "clone3: glibc falls back to clone"
	capture "$JAIL" "$ROOT" h /bin/sjprobe int80 socketcall 1 0
	expect_eq "$out" "err ENOSYS" "socketcall: its arguments are in memory"
	capture "$JAIL" "$ROOT" h /bin/sjprobe syscall ioctl -1 0xffffffff00005412 s:x
	expect_eq "$out" "err EPERM" "TIOCSTI with garbage in the high bits"
}

test_probe_detects_success_outside() {
	# Control for the table above: the same probe, outside any jail,
	# gets past the filter (EINVAL/EFAULT/EBADF, not EPERM).
	capture "$PROBE" syscall personality 0xffffffff
	expect_match "$out" "^ok " "personality query outside a jail"
	capture "$PROBE" int80 getppid
	expect_match "$out" "^ok [0-9]+$" "getppid through int 0x80 outside a jail"
	capture "$PROBE" syscall ioctl -1 0x5412 s:x
	expect_eq "$out" "err EBADF" "TIOCSTI on a bad descriptor outside a jail"
}

test_exit_status() {
	capture "$JAIL" "$ROOT" h /bin/sh -c 'exit 42'
	expect_eq "$rc" 42 "exit code"
	capture "$JAIL" "$ROOT" h /bin/sh -c 'kill -TERM $$'
	expect_eq "$rc" 143 "killed by SIGTERM"
	capture "$JAIL" "$ROOT" h /bin/sh -c 'kill -KILL $$'
	expect_eq "$rc" 137 "killed by SIGKILL"
}

test_signals_forwarded() {
	local sig pid log
	for sig in INT TERM HUP QUIT USR1 USR2 WINCH; do
		# A file per signal: the redirection of a background command
		# happens after it is started, so a reused file may still say
		# "ready" from the last round.
		log=$WORK/sig.$sig
		"$JAIL" "$ROOT" h /bin/sjprobe sigwait >"$log" 2>&1 &
		pid=$!
		defer "kill_jail $pid"
		for _ in $(seq 200); do
			grep -q ready "$log" 2>/dev/null && break
			sleep 0.05
		done
		kill -"$sig" "$pid"
		wait "$pid"
		rc=$?
		expect_eq "$(tail -1 "$log")" "got SIG$sig" "SIG$sig sent to jail(8)"
		expect_eq "$rc" 0 "status after SIG$sig"
	done
}

test_orphans_reaped() {
	capture "$JAIL" "$ROOT" h /bin/sjprobe orphan
	expect_eq "$out" "zombies 0" "zombies left in the jail"
	expect_eq "$rc" 0 "status"
}

test_leftovers_killed_when_command_exits() {
	local start=$SECONDS
	capture "$JAIL" "$ROOT" h /bin/sh -c '/bin/sleep 100 & /bin/sleep 100 & echo started'
	expect_eq "$out" started "output"
	expect_eq "$rc" 0 "status"
	[ $((SECONDS - start)) -lt 20 ] || fail "jail(8) waited for the leftover processes"
}

test_dev_is_minimal() {
	capture "$JAIL" "$ROOT" h /bin/ls /dev
	expect_eq "$(tr '\n' ' ' <<<"$out")" \
		"fd full null ptmx pts random shm stderr stdin stdout tty urandom zero " "/dev"
	capture "$JAIL" "$ROOT" h /bin/sjprobe write /dev/evil x
	expect_eq "$out" "err EROFS" "creating a file in /dev"
	capture "$JAIL" "$ROOT" h /bin/sjprobe read /dev/zero
	expect_eq "$out" "ok " "reading /dev/zero"
}

test_proc_and_sys_knobs_readonly() {
	local f
	# With a user namespace the files' owner (host root) is unmapped
	# too, so either refusal may come first.
	for f in /proc/sys/kernel/core_pattern /proc/sys/kernel/hostname /proc/sys/vm/drop_caches \
		/sys/kernel/uevent_helper; do
		capture "$JAIL" "$ROOT" h /bin/sjprobe write "$f" x
		expect_match "$out" "^err (EROFS|EACCES)$" "writing $f"
	done
	capture "$JAIL" "$ROOT" h /bin/sjprobe read /proc/keys
	expect_eq "$out" "ok " "/proc/keys is masked"
}

# The same holds without a user namespace, where root is uid 0.
test_proc_knobs_readonly_without_userns() {
	needs_root "a jail without a user namespace is root's (a user's is confined in place)"
	capture "$JAIL" -c path="$ROOT" host.hostname=h sysjail.userns=false \
		command=/bin/sjprobe write /proc/sys/kernel/core_pattern x
	expect_eq "$out" "err EROFS" "core_pattern without a user namespace"
}

# The pid, on the host, of the jail's command (the child of its init).
command_pid() {
	local manager=$1 init
	for _ in $(seq 100); do
		init=$(cat /proc/"$manager"/task/*/children 2>/dev/null | tr ' ' '\n' | head -1)
		[ -n "$init" ] && cmd=$(cat /proc/"$init"/task/*/children 2>/dev/null | tr -d ' ')
		[ -n "${cmd:-}" ] && { echo "$cmd"; return; }
		sleep 0.05
	done
}

test_jail_root_is_not_host_root() {
	local pid cmd uid
	needs_root "a user's jail's root is the user (jail(8), PRIVILEGE)"
	capture "$JAIL" "$ROOT" h /bin/sjprobe id
	expect_eq "$out" "ok uid=0 gid=0 euid=0" "ids inside"
	"$JAIL" "$ROOT" h /bin/sjprobe sleep 5 &
	pid=$!
	defer "kill_jail $pid"
	cmd=$(command_pid "$pid")
	[ -n "$cmd" ] || fail "the jail's command did not show up"
	uid=$(awk '/^Uid:/ {print $2}' /proc/"$cmd"/status)
	[ "$uid" -ge $((0x70000000)) ] || fail "jail root is host uid $uid"
}

test_two_jails_get_different_id_ranges() {
	local a b pa pb ua ub
	needs_root "uid ranges of their own are for root's jails"
	"$JAIL" "$ROOT" h /bin/sjprobe sleep 5 &
	a=$!
	defer "kill_jail $a"
	"$JAIL" "$ROOT" h /bin/sjprobe sleep 5 &
	b=$!
	defer "kill_jail $b"
	pa=$(command_pid "$a")
	pb=$(command_pid "$b")
	ua=$(awk '/^Uid:/ {print $2}' /proc/"$pa"/status)
	ub=$(awk '/^Uid:/ {print $2}' /proc/"$pb"/status)
	[ "$ua" != "$ub" ] || fail "both jails' root is host uid $ua"
}

test_idmapped_root() {
	needs_root "idmapped mounts need root; a user's files are their jail's root's"
	capture "$JAIL" "$ROOT" h /bin/sjprobe stat /bin/busybox
	expect_match "$out" "^ok uid=0 gid=0 " "the jail's files as the jail sees them"
	capture "$JAIL" "$ROOT" h /bin/sjprobe write /tmp/made-in-jail hello
	expect_eq "$out" "ok 5" "writing in the jail's /tmp"
	expect_eq "$(stat -c %u:%g "$ROOT/tmp/made-in-jail")" 0:0 "owner on disk"
	rm -f "$ROOT/tmp/made-in-jail"
}

test_host_tree_unmapped() {
	capture "$JAIL" / h /bin/sh -c 'stat -c %u /etc/passwd; echo x >/etc/sysjail-test-file'
	expect_eq "$(head -1 <<<"$out")" 65534 "host files' owner seen from the jail"
	[ ! -e /etc/sysjail-test-file ] || { rm -f /etc/sysjail-test-file; fail "wrote in /etc"; }
	expect_match "$err" "Permission denied" "writing a host file"
}

# A jail of "/" has the host's other mounts (nosuid, nodev), and none of
# its /dev, /proc or /sys.
test_host_tree_keeps_other_mounts() {
	needs_root "it mounts a tmpfs on the host"
	# Not under $WORK, which the jail's unmapped root may not enter.
	local m
	m=$(mktemp -d /var/tmp/sysjail-mnt.XXXXXX) && chmod 755 "$m" || fail "mktemp"
	defer rmdir "$m"
	mount -t tmpfs -o size=64k,mode=755 sysjail-test "$m" || fail "mounting a tmpfs on $m"
	defer umount -l "$m"
	echo here >"$m/f"
	capture "$JAIL" / h /bin/sh -c "cat $m/f
		awk '\$5 == \"$m\" { print \$6 }' /proc/self/mountinfo
		grep -c -e ' /sys/fs/cgroup' -e binfmt_misc /proc/self/mountinfo"
	expect_eq "$(head -1 <<<"$out")" here "a host mount's file, seen from the jail"
	expect_match "$(sed -n 2p <<<"$out")" "nosuid,nodev" "the host mount's flags in the jail"
	expect_eq "$(sed -n 3p <<<"$out")" 0 "host mounts under /sys or /proc in the jail"
}

test_capabilities_and_nnp() {
	capture "$JAIL" "$ROOT" h /bin/sjprobe caps
	expect_match "$out" "NoNewPrivs:.1" "no_new_privs"
	expect_match "$out" "Seccomp:.2" "seccomp filter"
	expect_match "$out" "CapBnd:.00000000a00405fb" "bounding set"
	capture "$JAIL" "$ROOT" h /bin/sjprobe syscall unshare 0x10000000
	expect_eq "$out" "err EPERM" "a nested user namespace"
}

test_users() {
	capture "$JAIL" -U jailuser "$ROOT" h /bin/sjprobe id
	expect_eq "$out" "ok uid=1000 gid=1000 euid=1000" "-U jailuser"
	capture "$JAIL" -U jailuser "$ROOT" h /bin/id -G
	expect_eq "$out" "1000 50" "-U jailuser's groups"
	capture "$JAIL" -u nobody "$ROOT" h /bin/sjprobe id
	expect_eq "$out" "ok uid=65534 gid=65534 euid=65534" "-u nobody (host passwd)"
	capture "$JAIL" -U nosuch "$ROOT" h /bin/sjprobe id
	expect_eq "$err" "jail: nosuch: no such user in the jail" "-U unknown user"
	[ "$rc" -ne 0 ] || fail "-U unknown user succeeded"
}

test_environment() {
	# The test's registry and parent cgroup, so nothing lands in the defaults.
	local keep=("SYSJAIL_RUNDIR=$SYSJAIL_RUNDIR" "SYSJAIL_CGROUP=$SYSJAIL_CGROUP")
	capture env -i FOO=bar TERM=xterm "${keep[@]}" "$JAIL" "$ROOT" h /bin/env
	expect_eq "$(grep -v ^SYSJAIL_ <<<"$out" | sort | tr '\n' ' ')" "FOO=bar TERM=xterm " \
		"inherited environment"
	capture env -i FOO=bar TERM=xterm "${keep[@]}" "$JAIL" -l "$ROOT" h /bin/env
	expect_eq "$(sort <<<"$out" | tr '\n' ' ')" \
		"HOME=/root LOGNAME=root PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin SHELL=/bin/sh TERM=xterm USER=root " \
		"-l environment"
	capture "$JAIL" -l -U jailuser "$ROOT" h /bin/pwd
	expect_eq "$out" /home/jailuser "-l runs in the user's home"
}

test_32bit_program_runs() {
	capture "$JAIL" "$ROOT" h /bin/sjprobe32 id
	expect_eq "$out" "ok uid=0 gid=0 euid=0" "a 32-bit static program"
}

test_jid_printed() {
	capture "$JAIL" -i "$ROOT" h /bin/true
	expect_match "$out" '^[0-9]+$' "-i prints the jid"
}

test_loopback_only() {
	capture "$JAIL" / h /bin/cat /proc/net/dev
	expect_eq "$(tail -n +3 <<<"$out" | awk -F: '{gsub(/ /,"",$1); print $1}' | tr '\n' ' ')" \
		"lo " "interfaces in the jail"
}

test_interactive_terminal() {
	command -v python3 >/dev/null || fail "python3 is needed for the terminal test"
	capture python3 "$SJ_SRC/tests/integration/pty-session.py" "$JAIL" "$ROOT"
	expect_eq "$rc" 0 "terminal session (output: $out $err)"
}

run_tests
