# sysjail(8): each option seen from inside the jail and from outside; the
# audit log (--log-denied) through the 64-bit and the i386 entry; --learn's
# profile running the same command and nothing more; --check-policy; the
# example server; the library as installed.  Bad input: one line naming
# what was wrong, a non-zero status, nothing left behind (the harness
# checks mounts, processes, namespaces and registry entries after each).
. "$SJ_SRC/tests/integration/lib.sh"
make_root "$ROOT"
SYSJAIL=$SJ_BUILD/sysjail

# sysjail with the test root as its path.
sj() {
	"$SYSJAIL" --path "$ROOT" "$@"
}

# expect_error STATUS PATTERN -- command...: fails with STATUS and one line.
expect_error() {
	local status=$1 pattern=$2
	shift 3
	capture "$@"
	[ "$rc" -ne 0 ] || fail "'$*' succeeded"
	[ "$status" = any ] || expect_eq "$rc" "$status" "status of '$*'"
	expect_eq "$(wc -l <<<"$err")" 1 "lines on stderr for '$*' ($err)"
	expect_match "$err" "$pattern" "message of '$*'"
}

# A file owned by root, not writable by others: what a profile must be.
policy_file() {
	cat >"$WORK/$1.policy"
	chmod 644 "$WORK/$1.policy"
	echo "$WORK/$1.policy"
}

test_status_and_processes() {
	capture sj -- /bin/sh -c 'echo $$; exit 3'
	expect_eq "$rc" 3 "the command's status"
	expect_eq "$out" 2 "the command's pid in the jail"
	capture sj -- /bin/sjprobe ps
	expect_eq "$out" "1 2 " "processes the jail sees"
	# Default path: the host's own tree, jailed.
	capture "$SYSJAIL" -- /bin/sh -c "cat /proc/1/comm; cat /etc/hostname"
	expect_eq "$out" "$(printf 'sysjail\n%s' "$(cat /etc/hostname)")" "a jail of / sees the host's files"
}

test_hostname() {
	capture sj --hostname box.example -- /bin/hostname
	expect_eq "$out" box.example "hostname inside"
	[ "$(hostname)" != box.example ] || fail "the host's hostname changed"
	capture sj --host.hostname=other -- /bin/hostname
	expect_eq "$out" other "the parameter as an option"
}

test_bind() {
	mkdir -p "$WORK/src"
	echo host >"$WORK/src/file"
	capture sj --bind "$WORK/src" /data -- /bin/sh -c 'cat /data/file; echo jail >/data/new'
	expect_eq "$rc" 0 "status"
	expect_eq "$out" host "the host's file inside"
	expect_eq "$(cat "$WORK/src/new")" jail "the jail's write, outside"
	expect_no_match "$(cat /proc/self/mountinfo)" " /data " "the mount on the host"
}

test_ro_bind() {
	mkdir -p "$WORK/ro"
	echo keep >"$WORK/ro/file"
	capture sj --ro-bind "$WORK/ro" /ro -- /bin/sjprobe write /ro/file gone
	expect_eq "$out" "err EROFS" "writing a read-only bind"
	expect_eq "$(cat "$WORK/ro/file")" keep "the host's file"
	# A path with blanks, as the option takes it.
	mkdir -p "$WORK/with space"
	echo spaced >"$WORK/with space/f"
	capture sj --ro-bind "$WORK/with space" "/a b" -- /bin/cat "/a b/f"
	expect_eq "$out" spaced "a bind with blanks in both paths"
}

test_tmpfs() {
	capture sj --tmpfs /scratch -- /bin/sh -c 'echo x >/scratch/f && cat /scratch/f &&
		grep " /scratch " /proc/self/mountinfo | grep -c tmpfs'
	expect_eq "$out" "$(printf 'x\n1')" "a tmpfs inside"
	[ -d "$ROOT/scratch" ] && [ -z "$(ls -A "$ROOT/scratch")" ] ||
		fail "the jail's tmpfs left something in the root"
}

test_dev_and_proc() {
	capture sj --dev /newdev --proc /newproc -- /bin/sh -c \
		'ls /newdev/null && cat /newproc/1/comm && stat -c %F /newproc/keys &&
		 awk "\$5 == \"/newproc/sys\" { print substr(\$6, 1, 2) }" /proc/self/mountinfo &&
		 n() { awk -v p="^$1/" "\$5 ~ p" /proc/self/mountinfo | wc -l; } &&
		 [ $(n /newproc) = $(n /proc) ] && [ $(n /newdev) = $(n /dev) ] && [ $(n /proc) -gt 3 ] &&
		 echo same'
	expect_eq "$out" "$(printf '/newdev/null\nsysjail\ncharacter special file\nro\nsame')" \
		"the copies, masks and all"
	expect_no_match "$(awk '{print $5}' /proc/self/mountinfo)" "newproc|newdev" "on the host"
	# The jail's own /dev and /proc: nothing more to do.
	capture sj --dev /dev --proc /proc -- /bin/cat /proc/1/comm
	expect_eq "$out" sysjail "--dev /dev --proc /proc"
}

test_dir_symlink_chmod() {
	capture sj --tmpfs /t --dir /t/a/b --symlink ../etc/passwd /t/l --chmod 700 /t/a -- \
		/bin/sh -c 'stat -c "%a %F" /t/a /t/a/b; readlink /t/l; head -1 /t/l'
	expect_eq "$out" "$(printf '700 directory\n755 directory\n../etc/passwd\nroot:x:0:0:root:/root:/bin/sh')" \
		"made inside, in order"
	[ ! -e "$ROOT/t/a" ] || fail "the tmpfs's directories are in the root"
	# Outside a tmpfs they stay, as the jail's root made them.
	capture sj --dir /made --symlink made /made-link -- /bin/true
	expect_eq "$rc" 0 "status"
	[ -d "$ROOT/made" ] && [ "$(readlink "$ROOT/made-link")" = made ] ||
		fail "dir and symlink outside a tmpfs are not in the root"
	capture sj --symlink made /made-link -- /bin/true
	expect_eq "$rc" 0 "the same symlink again"
}

test_chdir_and_env() {
	capture sj --chdir /tmp -- /bin/pwd
	expect_eq "$out" /tmp "--chdir"
	capture env KEEP=1 DROP=1 "$SYSJAIL" --path "$ROOT" --unsetenv DROP --setenv NEW "a b" -- \
		/bin/sh -c 'echo "$KEEP/${DROP:-unset}/$NEW"'
	expect_eq "$out" "1/unset/a b" "--setenv, --unsetenv"
	capture env KEEP=1 "$SYSJAIL" --path "$ROOT" --clearenv --setenv ONLY 1 -- /bin/env
	expect_eq "$(grep -v '^PWD=\|^SHLVL=' <<<"$out")" "ONLY=1" "--clearenv"
}

test_uid_gid() {
	needs_root "checks root's uid range on the host"
	mkdir -p "$WORK/owned"
	chmod 777 "$WORK/owned"
	capture sj --uid 1000 --gid 50 --bind "$WORK/owned" /owned -- \
		/bin/sh -c 'id; echo x >/owned/f' 
	expect_eq "$(head -1 <<<"$out")" "uid=1000(jailuser) gid=50(staff)" "ids inside, no other group"
	# The bind is idmapped as the jail's root is: on disk, the jail's ids.
	expect_eq "$(stat -c %u:%g "$WORK/owned/f")" 1000:50 "the file's owner outside"
	capture sj --uid 1000 -- /bin/sjprobe id
	expect_eq "$out" "ok uid=1000 gid=1000 euid=1000" "--gid defaults to the uid"
	capture sj -U jailuser -l -- /bin/sh -c 'id -un; echo "$HOME"'
	expect_eq "$out" "$(printf 'jailuser\n/home/jailuser')" "-U and -l, as jail(8) has them"
	capture sj -U jailuser --uid 5 -- /bin/true
	expect_match "$err" "uid: exec.jail_user names the user already" "-U with --uid"
}

test_share_net() {
	local host
	host=$(ls /sys/class/net | sort | tr '\n' ' ')
	capture sj -- /bin/sh -c 'ls /sys/class/net | sort | tr "\n" " "'
	expect_eq "$out" "lo " "a network of its own"
	capture sj --share-net -- /bin/sh -c 'ls /sys/class/net | sort | tr "\n" " "'
	expect_eq "$out" "$host" "--share-net: the host's interfaces"
	capture sj --share-net -4 192.0.2.1 -- /bin/true
	expect_match "$err" "ip4.addr is set but ip4 is 'inherit'" "--share-net with an address"
}

test_addresses_are_parameters() {
	capture sj -4 192.0.2.10 -6 2001:db8::10 --print-config -- /bin/true
	expect_match "$out" "ip4.addr = '192.0.2.10';" "-4"
	expect_match "$out" "ip6.addr = '2001:db8::10';" "-6"
}

test_seccomp_profile() {
	local p
	p=$(policy_file noppid <<-EOF
	@include default
	deny getppid EACCES
	EOF
	)
	capture sj --seccomp "$p" -- /bin/sjprobe syscall getppid
	expect_eq "$out" "err EACCES" "a profile file"
	capture sj -- /bin/sjprobe syscall getppid
	expect_eq "$out" "ok 1" "the default profile (the init is its parent)"
	capture "$PROBE" syscall getppid
	expect_match "$out" "^ok [0-9]+$" "outside, no filter"
}

test_new_session() {
	capture sj --new-session -- /bin/sh -c 'cut -d" " -f6 /proc/$$/stat'
	expect_eq "$out" 2 "--new-session: the command leads its session"
	capture sj -- /bin/sh -c 'cut -d" " -f6 /proc/$$/stat'
	expect_eq "$out" 0 "without: a session outside the jail"
	capture sj --new-session -- /bin/sjprobe tiocsti 0
	expect_match "$out" "^err (EPERM|EIO|ENOTTY)" "no terminal to push into"
}

# A child of process $1 whose real uid is $2.
child_with_uid() {
	local c
	for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		[ "$(awk '/^Uid:/ {print $2}' /proc/"$c"/status 2>/dev/null)" = "$2" ] && echo "$c"
	done | head -1
}

# The init of the jail a sysjail process started: its child that runs as
# a jail's root (an id from 0x70000000 up), once the jail stands.
jail_init_of() {
	local c
	for _ in $(seq 100); do
		for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
			if [ "$(awk '/^Uid:/ {print $2}' /proc/"$c"/status 2>/dev/null)" -ge $((0x70000000)) ]
			then
				echo "$c"
				return
			fi 2>/dev/null
		done
		sleep 0.1
	done
}

# Whether process $1 is alive (a zombie is not).
alive() {
	local s
	s=$(awk '{print $3}' /proc/"$1"/stat 2>/dev/null)
	[ -n "$s" ] && [ "$s" != Z ] && [ "$s" != X ]
}

test_die_with_parent() {
	local tool init
	needs_root "finds the jail's init by root's uid range"
	"$SYSJAIL" --path "$ROOT" --die-with-parent -n dwp -- /bin/sleep 60 &
	tool=$!
	defer "kill_jail $tool"
	init=$(jail_init_of "$tool")
	[ -n "$init" ] || fail "no jail"
	kill -KILL "$tool"
	wait "$tool" 2>/dev/null
	for _ in $(seq 50); do alive "$init" || break; sleep 0.1; done
	alive "$init" && fail "the jail outlived sysjail"
	capture "$SJ_BUILD/jls" -j dwp
	expect_match "$err" "not found|No such" "the jail in jls"
	# Without it, the jail stays.
	"$SYSJAIL" --path "$ROOT" -n stays -- /bin/sleep 60 &
	tool=$!
	defer "$SYSJAIL -r stays"
	init=$(jail_init_of "$tool")
	kill -KILL "$tool"
	wait "$tool" 2>/dev/null
	sleep 0.3
	alive "$init" || fail "the jail died with sysjail"
	capture "$SYSJAIL" -r stays
	expect_eq "$rc" 0 "sysjail -r"
}

test_persist_background_jid() {
	local jid
	capture sj -b -i -n bg --persist -o "$WORK/bg.out" -- /bin/sh -c 'echo started; hostname'
	expect_eq "$rc" 0 "-b returns"
	expect_match "$out" "^[0-9]+$" "-i prints the jid"
	jid=$out
	defer "$SYSJAIL -r $jid"
	for _ in $(seq 50); do grep -q bg "$WORK/bg.out" 2>/dev/null && break; sleep 0.1; done
	expect_eq "$(cat "$WORK/bg.out")" "$(printf 'started\nbg')" "the command's output"
	capture "$SJ_BUILD/jls" -j "$jid" -n name
	expect_eq "$out" "name=bg" "the persistent jail in jls"
	capture "$SJ_BUILD/jexec" bg /bin/hostname
	expect_eq "$out" bg "jexec into it"
	capture "$SYSJAIL" -m bg host.hostname=renamed
	expect_eq "$rc" 0 "sysjail -m"
	capture "$SJ_BUILD/jexec" bg /bin/hostname
	expect_eq "$out" renamed "the hostname -m set, inside"
	capture "$SYSJAIL" -r bg
	expect_eq "$rc" 0 "sysjail -r"
	capture "$SJ_BUILD/jls" -j "$jid"
	[ "$rc" -ne 0 ] || fail "the jail is still listed"
}

test_background_returns_at_once() {
	local start jid
	start=$EPOCHREALTIME
	capture sj -b -i -- /bin/sleep 30
	expect_eq "$rc" 0 "status"
	jid=$out
	defer "$SYSJAIL -r $jid"
	awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { exit !(e - s < 10) }' ||
		fail "-b waited for the command"
	capture "$SJ_BUILD/jls" -j "$jid" -n jid
	expect_eq "$out" "jid=$jid" "running in the background"
}

test_debug() {
	capture sj -d -- /bin/true
	expect_eq "$rc" 0 "status"
	expect_match "$err" "sysjail: debug: step 'seccomp' done in [0-9.]+ ms" "a step"
	expect_match "$err" "sysjail: debug: jail [0-9]+: status 0 after" "the end"
}

test_print_config_runs_the_same() {
	capture sj --print-config -n cfg --hostname from.config --tmpfs /t --setenv A 'b c' -- \
		/bin/sh -c 'hostname; echo "$A"; grep -c " /t " /proc/self/mountinfo'
	expect_eq "$rc" 0 "status"
	expect_match "$out" "^'cfg' \{" "a jail.conf(5) block"
	expect_match "$out" "tmpfs \+= '/t';" "a list, element by element"
	echo "$out" >"$WORK/printed.conf"
	capture "$SYSJAIL" -f "$WORK/printed.conf" -n cfg
	expect_eq "$out" "$(printf 'from.config\nb c\n1')" "the printed jail, run"
	# Options after -f override the file.
	capture "$SYSJAIL" -f "$WORK/printed.conf" -n cfg --hostname overridden -- /bin/hostname
	expect_eq "$out" overridden "an option over the file"
	capture "$JAIL" -f "$WORK/printed.conf" -e ' '
	expect_eq "$rc" 0 "jail(8) reads it too"
}

test_generic_parameters() {
	needs_root "--log-denied's audit process runs as nobody, which only root can make"
	capture sj --exec.prestart='/bin/echo from exec.prestart' -- /bin/true
	expect_eq "$out" "from exec.prestart" "--exec.prestart"
	# The filter lets it through (nothing logged); the kernel refuses a
	# raw socket to root in a jail all the same.
	capture sj --allow.raw_sockets --log-denied -- /bin/sjprobe syscall socket 17 3 0
	expect_no_match "$err" "syscall=socket" "--allow.raw_sockets: the filter allows socket(AF_PACKET)"
	capture sj --log-denied -- /bin/sjprobe syscall socket 17 3 0
	expect_match "$err" "syscall=socket" "without: the filter refuses it"
	capture sj --sysjail.userns=false --print-config -- /bin/true
	expect_match "$out" "sysjail.userns = 'false';" "a boolean set false"
}

# The log's line for one refused call.
log_line() {
	grep "syscall=$1 " "$2" | head -1
}

test_log_denied_x86_64() {
	needs_root "--log-denied's audit process runs as nobody, which only root can make"
	capture sj --log-denied="$WORK/denied.log" -n audited -- /bin/sh -c \
		'/bin/sjprobe syscall mount s:none s:/tmp s:tmpfs 0 0; /bin/sjprobe syscall socket 17 3 0;
		 /bin/sjprobe syscall getppid'
	expect_eq "$out" "$(printf 'err EPERM\nerr EPERM\nok 1')" "the calls were refused all the same"
	expect_match "$(log_line mount "$WORK/denied.log")" \
		"sysjail: denied jail=[0-9]+ name=audited pid=[0-9]+ jail_pid=[0-9]+ comm=sjprobe syscall=mount nr=165 abi=x86_64 errno=EPERM$" \
		"mount(2) in the log"
	expect_match "$(log_line socket "$WORK/denied.log")" "nr=41 abi=x86_64 errno=EPERM$" \
		"a conditional deny (AF_PACKET) in the log"
	expect_eq "$(grep -c 'syscall=getppid' "$WORK/denied.log")" 0 "an allowed call is not logged"
	expect_eq "$(stat -c %a "$WORK/denied.log")" 600 "the log's mode"
}

test_log_denied_i386() {
	needs_root "--log-denied's audit process runs as nobody, which only root can make"
	[ -x "$PROBE32" ] || fail "no 32-bit probe (gcc-multilib)"
	capture sj --log-denied -- /bin/sh -c \
		'/bin/sjprobe32 syscall mount s:none s:/tmp s:tmpfs 0 0; /bin/sjprobe int80 reboot 0 0 0 0'
	expect_eq "$out" "$(printf 'err EPERM\nerr EPERM')" "refused"
	expect_match "$err" "comm=sjprobe32 syscall=mount nr=21 abi=i386 errno=EPERM" \
		"a 32-bit program's call, on stderr"
	expect_match "$err" "comm=sjprobe syscall=reboot nr=88 abi=i386 errno=EPERM" \
		"int 0x80 from a 64-bit program"
}

test_log_denied_never_grants() {
	local tool audit
	needs_root "--log-denied's audit process runs as nobody, which only root can make"
	# The audit process gone, what the filter refuses fails still.
	"$SYSJAIL" --path "$ROOT" --log-denied="$WORK/gone.log" -o "$WORK/gone.out" -- /bin/sh -c \
		'sleep 1; /bin/sjprobe syscall mount s:none s:/tmp s:tmpfs 0 0' &
	tool=$!
	defer "kill_jail $tool"
	for _ in $(seq 50); do
		audit=$(child_with_uid "$tool" 65534)
		[ -n "$audit" ] && break
		sleep 0.05
	done
	[ -n "$audit" ] || fail "no audit process (nobody's child of sysjail)"
	expect_eq "$(awk '/^NoNewPrivs/ {print $2}' /proc/"$audit"/status)" 1 "the audit's no_new_privs"
	# Once it holds the jail's listener (before, the jail is not made).
	for _ in $(seq 50); do
		ls -l /proc/"$audit"/fd 2>/dev/null | grep -q 'seccomp notify' && break
		sleep 0.05
	done
	ls -l /proc/"$audit"/fd | grep -q 'seccomp notify' || fail "the audit holds no listener"
	kill -KILL "$audit"
	wait "$tool"
	expect_eq "$(cat "$WORK/gone.out")" "err ENOSYS" "refused without the audit"
}

test_log_denied_needs_sendmsg() {
	local p
	p=$(policy_file nosend <<-EOF
	@include default
	deny sendmsg
	EOF
	)
	expect_error 125 "log-denied: the seccomp profile must allow sendmsg" -- \
		sj --seccomp "$p" --log-denied -- /bin/true
}

test_learn_runs_the_same_and_nothing_more() {
	capture sj --learn="$WORK/learned.policy" -- /bin/sjprobe syscall getpid
	expect_eq "$rc" 0 "the command's status"
	expect_eq "$out" "ok 2" "the command ran while learning"
	grep -q '^allow .*\bgetpid\b' "$WORK/learned.policy" || fail "getpid is not allowed"
	grep -q '\bgetppid\b' "$WORK/learned.policy" && fail "getppid, never made, is allowed"
	chmod 644 "$WORK/learned.policy"
	capture sj --seccomp "$WORK/learned.policy" -- /bin/sjprobe syscall getpid
	expect_eq "$out" "ok 2" "the same command under the learned profile"
	capture sj --seccomp "$WORK/learned.policy" -- /bin/sjprobe syscall getppid
	expect_eq "$out" "err ENOSYS" "a call it never made, refused"
	capture sj -- /bin/sjprobe syscall getppid
	expect_eq "$out" "ok 1" "that call under the default profile"
	capture "$SYSJAIL" --check-policy "$WORK/learned.policy"
	expect_eq "$rc$err" 0 "the learned profile checks clean"
}

test_learn_keeps_refusals() {
	capture sj --learn -- /bin/sjprobe syscall mount s:none s:/tmp s:tmpfs 0 0
	expect_match "$out" "^err EPERM" "refused while learning: the filter decides"
	expect_match "$out" "deny mount EPERM" "the refusal, kept"
	expect_match "$out" "deny clone EPERM if arg0 & 0x7e020080 != 0" "the argument checks kept"
	[ -x "$PROBE32" ] || fail "no 32-bit probe (gcc-multilib)"
	capture sj --learn="$WORK/l32.policy" -- /bin/sjprobe32 syscall getpid
	expect_eq "$out" "ok 2" "a 32-bit command learned"
	expect_match "$(cat "$WORK/l32.policy")" "ABIs seen: x86_64 i386" "both ABIs"
	chmod 644 "$WORK/l32.policy"
	capture sj --seccomp "$WORK/l32.policy" -- /bin/sjprobe32 syscall getpid
	expect_eq "$out" "ok 2" "the 32-bit command under its profile"
	capture sj --seccomp "$WORK/l32.policy" -- /bin/sjprobe32 syscall getppid
	expect_eq "$out" "err ENOSYS" "and nothing more"
}

test_check_policy() {
	local p
	p=$(policy_file bad <<-EOF
	# problems, each on its line
	allow read read
	allow frobnicate
	deny getuid EPERM if arg0 == 1
	EOF
	)
	capture "$SYSJAIL" --check-policy "$p"
	expect_eq "$rc" 1 "status with findings"
	expect_match "$err" "sysjail: $p:2: warning: duplicate: read is already allowed at $p:2" "duplicate"
	expect_match "$err" "sysjail: $p:3: error: unknown syscall 'frobnicate'" "unknown name"
	expect_match "$err" "sysjail: $p:4: error: deny getuid \.\.\. if: unreachable" "unreachable"
	capture "$SYSJAIL" --check-policy default
	expect_eq "$rc:$err" "0:" "the default profile is clean"
	expect_error 125 "nonexistent.policy: No such file" -- "$SYSJAIL" --check-policy "$WORK/nonexistent.policy"
}

test_example_server() {
	local server port reply
	"$SJ_BUILD/examples/jailed-echo" -n 2 >"$WORK/echo.out" 2>"$WORK/echo.err" &
	server=$!
	defer "kill $server"
	for _ in $(seq 50); do
		port=$(sed -n 's/^listening on 127.0.0.1://p' "$WORK/echo.out")
		[ -n "$port" ] && break
		sleep 0.1
	done
	[ -n "$port" ] || fail "the server did not start: $(cat "$WORK/echo.err")"
	exec 5<>/dev/tcp/127.0.0.1/"$port"
	printf 'hello\nopen /etc/passwd\nquit\n' >&5
	reply=$(timeout 20 cat <&5)
	exec 5<&-
	expect_eq "$reply" "$(printf '[client-1 pid 2] hello\n[client-1 pid 2] open /etc/passwd: ENOSYS\n[client-1 pid 2] quit')" \
		"the first client's jailed, confined handler"
	exec 5<>/dev/tcp/127.0.0.1/"$port"
	printf 'second\nquit\n' >&5
	reply=$(timeout 20 cat <&5)
	exec 5<&-
	expect_match "$reply" '^\[client-2 pid 2\] second' "the second client's own jail"
	wait "$server"
	expect_eq "$?" 0 "the server's status after two clients"
	expect_eq "$(cat "$WORK/echo.err")" "" "the server's errors"
}

test_library_installed() {
	local dest=$WORK/inst prefix libdir pc syms
	needs_root "meson install writes into the build directory, root's"
	DESTDIR=$dest meson install -C "$SJ_BUILD" --no-rebuild --quiet >/dev/null 2>&1 ||
		fail "meson install failed"
	prefix=$(meson introspect "$SJ_BUILD" --buildoptions | python3 -c \
		'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"][0])')
	libdir=$(find "$dest$prefix" -name libsysjail.so -printf '%h\n' | head -1)
	pc=$(find "$dest$prefix" -name libsysjail.pc -printf '%h\n' | head -1)
	[ -n "$libdir" ] && [ -f "$libdir/libsysjail.a" ] || fail "shared and static libraries"
	[ -f "$dest$prefix/include/sysjail.h" ] || fail "sysjail.h"
	[ -f "$(find "$dest$prefix" -name sysjail.3 | head -1)" ] || fail "sysjail.3"
	[ -f "$(find "$dest$prefix" -name sysjail.8 | head -1)" ] || fail "sysjail.8"
	[ -x "$(find "$dest$prefix" -name sysjail -type f | head -1)" ] || fail "the tool"
	# Another program, built against what was installed: shared, then static.
	export PKG_CONFIG_PATH=$pc PKG_CONFIG_SYSROOT_DIR=$dest
	# shellcheck disable=SC2046
	cc -o "$WORK/echo-shared" "$SJ_SRC/examples/jailed-echo.c" \
		$(pkg-config --cflags --libs libsysjail) -Wl,-rpath,"$libdir" 2>"$WORK/cc.err" ||
		fail "cc against the shared library: $(cat "$WORK/cc.err")"
	ldd "$WORK/echo-shared" | grep -q "$libdir/libsysjail.so" || fail "not linked to the installed library"
	# shellcheck disable=SC2046
	cc -o "$WORK/echo-static" "$SJ_SRC/examples/jailed-echo.c" $(pkg-config --cflags libsysjail) \
		"$libdir/libsysjail.a" $(pkg-config --libs libseccomp libarchive libnl-route-3.0 jansson) 2>"$WORK/cc.err" ||
		fail "cc against the static library: $(cat "$WORK/cc.err")"
	ldd "$WORK/echo-static" | grep -q libsysjail && fail "the static build uses the shared library"
	# Only sysjail.h's functions leave the shared library.
	syms=$(nm -D --defined-only "$libdir/libsysjail.so" | awk '$2 == "T" {print $3}' | sed 's/@.*//' | sort)
	expect_eq "$(grep -vc '^sj_' <<<"$syms")" 0 "exported symbols without sj_"
	for s in $syms; do
		grep -q "\b$s(" "$dest$prefix/include/sysjail.h" || fail "$s is exported, not in sysjail.h"
	done
	# ... and the library never prints, exits or aborts on its own (fprintf
	# only to its own memory streams: it never names stdout or stderr).
	expect_eq "$(nm -u "$libdir/libsysjail.a" 2>/dev/null | awk '{print $2}' |
		grep -xE 'printf|puts|putchar|perror|exit|abort|err|errx|warn|warnx|stdout|stderr|__assert_fail|__printf_chk' |
		sort -u | tr '\n' ' ')" "" "printing, exiting or aborting symbols in libsysjail.a"
}

test_man_documents_every_function() {
	local f
	for f in $(grep -oE '\bsj_[a-z_0-9]+\(' "$SJ_SRC/include/sysjail.h" | tr -d '(' | sort -u); do
		grep -q "^\.Fn $f\b" "$SJ_SRC/man/sysjail.3" || fail "sysjail(3) does not document $f"
	done
	for f in $(grep -oE '^\s+\{ "[a-z-]+", ' "$SJ_SRC/tools/sysjail.c" | cut -d'"' -f2); do
		grep -q "^\.It Fl \(- \)\?$f\b\|^\.It Fl $f\b" "$SJ_SRC/man/sysjail.8" ||
			grep -q "Fl -$f" "$SJ_SRC/man/sysjail.8" || fail "sysjail(8) does not document --$f"
	done
	capture "$SYSJAIL" --help
	expect_match "$out" "--log-denied\[=FILE\]" "--help"
}

# Bad input.

test_bad_options() {
	expect_error 125 "^sysjail: unknown option --bogus" -- sj --bogus /bin/true
	expect_error 125 "^sysjail: option --bind needs two operands" -- sj --bind /x
	expect_error 125 "^sysjail: missing the command to run" -- sj --hostname h
	expect_error 125 "^sysjail: uid: '-5' is not a uid or gid" -- sj --uid -5 /bin/true
	expect_error 125 "^sysjail: chmod: 'rwx' is not an octal mode" -- sj --chmod rwx /x /bin/true
	expect_error 125 "^sysjail: bind: 'rel' is not an absolute path" -- sj --bind rel /x /bin/true
	expect_error 125 "^sysjail: setenv: '=v': empty variable name" -- sj --setenv "" v /bin/true
	expect_error 125 "^sysjail: log-denied: 'rel' is not '-'" -- sj --log-denied=rel /bin/true
	expect_error 125 "^sysjail: -b and --learn exclude each other" -- sj -b --learn /bin/true
	expect_error 125 "^sysjail: option --clearenv takes no value" -- sj --clearenv=1 /bin/true
	expect_error 125 "^sysjail: hostname '-x' is malformed|host.hostname: hostname '-x'" -- \
		sj --hostname -x /bin/true
}

test_bad_jails_leave_nothing() {
	local before
	before=$(cd "$ROOT" && find . | sort)
	expect_error 125 "^sysjail: mount: source $WORK/nonexistent: No such file" -- \
		sj --tmpfs /made-for-nothing --bind "$WORK/nonexistent" /x/y /bin/true
	expect_error 125 "sysjail mounts the jail's /proc itself" -- sj --tmpfs /proc/x /bin/true
	expect_error 125 "^sysjail: uid: 70000 is outside the jail's ids" -- sj --uid 70000 /bin/true
	expect_error 125 "^sysjail: seccomp profile 'nosuch': no such embedded profile" -- \
		sj --seccomp nosuch /bin/true
	expect_error 125 "^sysjail: path: $WORK/nonexistent: No such file" -- \
		"$SYSJAIL" --path "$WORK/nonexistent" /bin/true
	expect_error 125 "chdir|/nonexistent: No such file" -- sj --chdir /nonexistent /bin/true
	expect_error 125 "symlink '/etc/passwd /etc/group': /etc/group exists" -- \
		sj --symlink /etc/passwd /etc/group /bin/true
	expect_error 127 "^sysjail: /bin/nosuch: No such file or directory$" -- sj /bin/nosuch
	expect_error 125 "^sysjail: learn: a persistent jail never ends" -- sj --persist --learn /bin/true
	expect_error 125 "^sysjail: .*nonexistent.conf" -- "$SYSJAIL" -f "$WORK/nonexistent.conf" /bin/true
	expect_error 1 "^sysjail: nosuchjail: " -- "$SYSJAIL" -r nosuchjail
	expect_eq "$(cd "$ROOT" && find . | sort)" "$before" "the root after the failures"
}

# Limits and Landlock have no options of their own: their parameters are
# options as every parameter is, and act as in jail(8).
test_limit_and_landlock_parameters_as_options() {
	local dir
	needs_root "a user's jail has no cgroups of its own"
	capture sj --sysjail.maxproc=5 -- /bin/sh -c \
		'i=0; while [ $i -lt 10 ]; do /bin/sleep 1 & i=$((i + 1)); done; wait'
	expect_match "$err" "can't fork: Resource temporarily unavailable" \
		"--sysjail.maxproc=5 stops the sixth process"
	dir=$WORK/beside
	mkdir -p "$dir"
	echo second-wall >"$dir/file"
	chmod 644 "$dir/file"
	# Standard input, a directory of the host's: only Landlock's
	# filesystem rules close that way out of the mount namespace.
	capture sj -- /bin/sjprobe readat 0 file <"$dir"
	expect_eq "$out" "ok second-wall" "through a descriptor from outside, without the wall"
	capture sj --sysjail.landlock.fs -- /bin/sjprobe readat 0 file <"$dir"
	expect_eq "$out" "err EACCES" "--sysjail.landlock.fs: through a descriptor from outside"
}

run_tests
