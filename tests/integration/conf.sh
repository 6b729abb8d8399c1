# jail.conf(5) through jail(8): several jails from one file, the exec.*
# commands in FreeBSD's order and context, timeouts, the console log, the
# mount lines, and a jail that lingers while exec.start's work runs.
. "$SJ_SRC/tests/integration/lib.sh"
make_root "$ROOT"
JLS=$SJ_BUILD/jls
CONF=$WORK/jail.conf
LOG=$WORK/console.log

remove_all() {
	"$JAIL" -R '*' >/dev/null 2>&1
	return 0
}

# Write $CONF: common settings, then the text given.
conf() {
	{
		echo "path = \"$ROOT\";"
		echo "exec.consolelog = \"$LOG\";"
		cat
	} >"$CONF"
	rm -f "$LOG"
}

# Wait up to 10 s for jail $1 to be gone.
wait_gone() {
	for _ in $(seq 100); do
		"$JLS" -j "$1" >/dev/null 2>&1 || return 0
		sleep 0.1
	done
	return 1
}

test_hooks_in_order_and_in_context() {
	conf <<-EOF
	exec.prestart = "echo prestart \$(hostname)";
	exec.created = "echo created";
	exec.start = "echo start \$(hostname) pid \$\$", "echo start2";
	exec.poststart = "echo poststart";
	exec.prestop = "echo prestop";
	exec.stop = "echo stop \$(hostname) \$(cat /etc/passwd | wc -l)";
	exec.poststop = "echo poststop \$(cat /etc/hostname 2>/dev/null | wc -l)";
	h { host.hostname = "h.example"; persist; }
	EOF
	defer remove_all
	capture "$JAIL" -f "$CONF" -c h
	expect_eq "$rc" 0 "jail -c h ($err)"
	"$JLS" -j h >/dev/null || fail "jail h is not running"
	capture "$JAIL" -f "$CONF" -r h
	expect_eq "$rc" 0 "jail -r h ($err)"
	local host_lines
	host_lines=$(cat /etc/hostname 2>/dev/null | wc -l)
	# exec.start and exec.stop run in the jail: its hostname, its
	# /etc/passwd (two lines), a pid of its own; the rest on the host.
	expect_eq "$(cat "$LOG")" "$(printf '%s\n' "prestart $(hostname)" created \
		"start h.example pid 2" start2 poststart prestop "stop h.example 2" \
		"poststop $host_lines")" "the console log"
}

test_a_failing_hook_stops_the_jail() {
	local hook
	for hook in exec.prestart exec.created exec.start exec.poststart; do
		conf <<-EOF
		exec.poststop = "echo poststop";
		f { persist; $hook = "echo $hook", "exit 3", "echo after"; }
		EOF
		defer remove_all
		capture "$JAIL" -f "$CONF" -c f
		[ "$rc" -ne 0 ] || fail "$hook failing: jail -c succeeded"
		expect_eq "$err" "jail: f: $hook 'exit 3': failed with status 3" "$hook's message"
		expect_eq "$(cat "$LOG")" "$hook" "$hook: the commands after the failing one"
		capture "$JLS" -j f
		[ "$rc" -ne 0 ] || fail "$hook failing: the jail is still there"
	done
}

test_a_failing_stop_keeps_the_jail() {
	conf <<-EOF
	exec.poststop = "echo poststop";
	s { persist; exec.stop = "exit 4"; }
	EOF
	defer remove_all
	"$JAIL" -f "$CONF" -c s || fail "jail -c s"
	capture "$JAIL" -r s
	[ "$rc" -ne 0 ] || fail "jail -r succeeded although exec.stop failed"
	expect_eq "$err" "jail: s: exec.stop 'exit 4': failed with status 4" "the message"
	"$JLS" -j s >/dev/null || fail "the jail went although exec.stop failed"
	capture "$JAIL" -R s
	expect_eq "$rc" 0 "jail -R ($err)"
	"$JLS" -j s >/dev/null 2>&1 && fail "jail -R left the jail"
	[ ! -s "$LOG" ] || fail "jail -R ran exec.poststop: $(cat "$LOG")"
}

test_exec_timeout_kills_the_command() {
	conf <<-EOF
	t { persist; exec.timeout = 1; exec.prestart = "sleep 97.25"; }
	EOF
	defer remove_all
	capture "$JAIL" -f "$CONF" -c t
	[ "$rc" -ne 0 ] || fail "jail -c succeeded"
	expect_eq "$err" "jail: t: exec.prestart 'sleep 97.25': still running after exec.timeout (1 s), killed" \
		"the message"
	# The shell went with SIGKILL; nothing of ours may still sleep.
	for _ in $(seq 20); do
		pgrep -f '^sleep 97.25$' >/dev/null || return 0
		sleep 0.1
	done
	fail "the timed-out command's child still runs"
}

test_stop_timeout() {
	conf <<-EOF
	st { persist; stop.timeout = 1; exec.start = "trap '' TERM; sleep 100 </dev/null >/dev/null 2>&1 &"; }
	EOF
	defer remove_all
	"$JAIL" -f "$CONF" -c st || fail "jail -c st"
	local start=$EPOCHREALTIME
	"$JAIL" -r st || fail "jail -r st"
	# The default would wait 10 s for the process that ignores SIGTERM.
	awk "BEGIN { exit !($EPOCHREALTIME - $start < 8) }" ||
		fail "removal took $(awk "BEGIN { print $EPOCHREALTIME - $start }") s with stop.timeout = 1"
	"$JLS" -j st >/dev/null 2>&1 && fail "the jail is still there"
	return 0
}

test_system_user_and_clean_environment() {
	needs_root "exec.system_user runs host commands as another user"
	conf <<-EOF
	exec.clean;
	exec.system_user = nobody;
	exec.jail_user = jailuser;
	u {
		persist;
		exec.prestart = 'echo host \$(id -u) \$HOME \${SJTEST_VAR:-unset}';
		exec.start = 'echo jail \$(id -u) \$HOME \${SJTEST_VAR:-unset}';
	}
	v { persist; exec.noclean; exec.prestart = 'echo \${SJTEST_VAR:-unset}'; }
	EOF
	defer remove_all
	SJTEST_VAR=leaked "$JAIL" -f "$CONF" -c u || fail "jail -c u"
	expect_eq "$(cat "$LOG")" "$(printf 'host 65534 /nonexistent unset\njail 1000 /home/jailuser unset')" \
		"exec.system_user, exec.jail_user and exec.clean"
	rm -f "$LOG"
	SJTEST_VAR=kept "$JAIL" -f "$CONF" -c v || fail "jail -c v"
	expect_eq "$(cat "$LOG")" kept "without exec.clean, the environment is the caller's"
}

test_every_jail_of_the_file() {
	conf <<-EOF
	persist;
	a { host.hostname = a.example; }
	b { host.hostname = "bad_name"; }
	c { host.hostname = c.example; }
	EOF
	defer remove_all
	capture "$JAIL" -f "$CONF" -c
	[ "$rc" -ne 0 ] || fail "jail -c succeeded with a bad jail in the file"
	expect_match "$err" "^jail: b: .*host.hostname" "the bad jail is named"
	expect_eq "$(echo "$err" | wc -l)" 1 "one line for the bad jail"
	expect_eq "$("$JLS" -j a host.hostname)" a.example "jail a runs"
	expect_eq "$("$JLS" -j c host.hostname)" c.example "jail c runs"
	capture "$JLS" -j b
	[ "$rc" -ne 0 ] || fail "jail b runs"
	"$JAIL" -f "$CONF" -r a c || fail "jail -r a c"
}

test_stdin_and_exhibit() {
	local out_e
	out_e=$(printf 'path = "%s";\nx { host.hostname = x.example; persist; }\ny { persist; }\n' "$ROOT" |
		"$JAIL" -f - -e /)
	expect_eq "$out_e" "$(printf 'name=x/path=%s/host.hostname=x.example/persist\nname=y/path=%s/persist' \
		"$ROOT" "$ROOT")" "jail -e /"
	defer remove_all
	printf 'path = "%s";\nx { host.hostname = x.example; persist; }\n' "$ROOT" |
		"$JAIL" -f - -c x || fail "jail -f - -c x"
	expect_eq "$("$JLS" -j x host.hostname)" x.example "the jail from stdin"
}

test_a_jail_lingers_while_its_work_runs() {
	conf <<-EOF
	l { exec.start = "sleep 1.5 </dev/null >/dev/null 2>&1 &"; }
	EOF
	defer remove_all
	"$JAIL" -f "$CONF" -c l || fail "jail -c l"
	"$JLS" -j l >/dev/null || fail "the jail is gone while exec.start's sleep runs"
	wait_gone l || fail "the jail stays after its last process ended"
}

test_warnings_and_quiet() {
	conf <<-EOF
	w { persist; securelevel = 3; }
	EOF
	defer remove_all
	capture "$JAIL" -f "$CONF" -c w
	expect_eq "$rc" 0 "jail -c w"
	expect_match "$err" "^jail: warning: $CONF:[0-9]+:[0-9]+: securelevel: a FreeBSD parameter that means nothing on Linux: ignored$" \
		"the warning"
	"$JAIL" -R w
	capture "$JAIL" -q -f "$CONF" -c w
	expect_eq "$err" "" "-q silences warnings"
}

test_mounts() {
	mkdir -p "$WORK/src/sub" "$WORK/fstab dir"
	echo hello >"$WORK/src/file"
	echo single >"$WORK/single"
	ln -s /etc "$ROOT/evil"
	defer "rm -rf '$ROOT/mnt' '$ROOT/evil' '$ROOT/etc/sjtest-made'"
	cat >"$WORK/fstab dir/fstab" <<-EOF
	# a comment, and a blank line

	tmpfs $ROOT/mnt/tmp tmpfs rw,size=1m,mode=1777 0 0
	EOF
	conf <<-EOF
	m {
		mount = "$WORK/src \$path/mnt/src nullfs ro 0 0";
		mount += "$WORK/single \$path/mnt/one/single bind rw";
		mount += "$WORK/src \$path/evil/sjtest-made nullfs ro";
		mount.fstab = "$WORK/fstab dir/fstab";
		command = "cat /mnt/src/file /mnt/one/single /etc/sjtest-made/file; touch /mnt/src/y || echo ro; echo x > /mnt/tmp/x && stat -c '%u %s' /mnt/tmp/x; echo z >> /mnt/one/single";
	}
	EOF
	capture "$JAIL" -f "$CONF" -c m
	expect_eq "$rc" 0 "jail -c m ($err)"
	expect_eq "$out" "$(printf 'hello\nsingle\nhello\nro\n0 2')" "the mounts, seen from inside"
	expect_eq "$(cat "$WORK/single")" "$(printf 'single\nz')" "a rw bind writes through"
	[ -e /etc/sjtest-made ] && fail "a target through a symlink was made on the host"
	[ -d "$ROOT/etc/sjtest-made" ] || fail "a target through a symlink was not made in the jail"
	[ -e "$WORK/src/y" ] && fail "a ro bind was written"
	return 0
}

test_bad_mounts() {
	local line want
	while IFS='|' read -r line want; do
		conf <<-EOF
		b { persist; mount = "$line"; }
		EOF
		defer remove_all
		capture "$JAIL" -f "$CONF" -c b
		[ "$rc" -ne 0 ] || fail "jail -c with mount '$line' succeeded"
		expect_eq "$err" "jail: b: $want" "mount '$line'"
		capture "$JLS" -j b
		[ "$rc" -ne 0 ] || fail "mount '$line': the jail runs"
	done <<-EOF
	/nonexistent-src $ROOT/x nullfs ro|mount: source /nonexistent-src: No such file or directory
	$WORK $ROOT/x ext4 ro|mount: '$WORK $ROOT/x ext4 ro': type ext4 is not supported (nullfs, bind or tmpfs)
	$WORK /elsewhere/x nullfs ro|mount: '$WORK /elsewhere/x nullfs ro': target /elsewhere/x is not under the jail's path $ROOT
	$WORK $ROOT/proc/x nullfs|mount: '$WORK $ROOT/proc/x nullfs': target $ROOT/proc/x: sysjail mounts the jail's /proc itself
	tmpfs $ROOT/t/u tmpfs size=lots|mount tmpfs on /t/u: tmpfs: option size: Invalid argument
	EOF
	[ -e "$ROOT/x" ] && fail "a failed jail left a mount target"
	[ -e "$ROOT/t" ] && fail "a failed jail left a mount target's parent"
	return 0
}

run_tests
