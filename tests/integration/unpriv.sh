# Jails for everyone (jail(8), PRIVILEGE and LANDLOCK): a user's jails in
# a user namespace of their ids, with /etc/subuid ranges or one id; jails
# confined in place where user namespaces are refused; the registry of
# each user; and Landlock in every mode.  Inside each mode the same proof:
# a marker file outside the jail's view cannot be read, a process outside
# cannot be signalled, an abstract socket made outside cannot be reached,
# and sjtest reports no escape.
#
# Run as root, the tests run jails as users of this file's own (A with
# ranges of its own in /etc/subuid and /etc/subgid, B without), removed
# when the file ends however it ends; run as a user (the unprivileged
# pass), as that user, and what needs two users or root is skipped.
#
# User namespaces are turned off where a test needs them off by
# `sjprobe no-userns`: a user namespace of the test's own whose
# user.max_user_namespaces is 0, for it and all it starts.  The kernel
# refuses the jail a user namespace exactly as it would with the host's
# sysctl at 0, and nothing outside the test changes: the machine is
# shared, and its sysctl is never touched.
. "$SJ_SRC/tests/integration/lib.sh"
JLS=$SJ_BUILD/jls
JEXEC=$SJ_BUILD/jexec
SJTEST=$SJ_BUILD/sjtest
RACE=(--race-time 150)

# The users' workspace: theirs to read (WORK is root's alone).
if [ "$(id -u)" = 0 ]; then
	UWORK=$(mktemp -d /var/tmp/sysjail-utests.XXXXXX)
	chmod 755 "$UWORK"
	UA=sju$$a UB=sju$$b
	# A's ranges: ours, above what useradd(8) hands out, below sysjail's.
	SUB=$((400000000 + ($$ % 4096) * 65536))
	useradd -M -s /bin/bash -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$UA" >/dev/null 2>&1 &&
		usermod --add-subuids "$SUB-$((SUB + 65535))" --add-subgids "$SUB-$((SUB + 65535))" \
			"$UA" >/dev/null 2>&1
	useradd -M -s /bin/bash -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$UB" >/dev/null 2>&1
else
	UWORK=$WORK/u
	mkdir -p "$UWORK"
	UA=$(id -un) UB=
fi

users_cleanup() {
	local u p uid
	for u in ${UB:+$UB} $UA; do
		[ "$(id -u)" = 0 ] && [ "$u" != root ] || continue
		uid=$(id -u "$u" 2>/dev/null) || continue
		for p in $(ps -u "$u" -o pid= 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null
		done
		rm -rf "/tmp/sysjail-$uid"
		userdel "$u" >/dev/null 2>&1
	done
	[ "$(id -u)" = 0 ] && rm -rf "$UWORK"
}
trap 'users_cleanup; lib_cleanup' EXIT

# run_as USER COMMAND...: as USER (the current user in the unprivileged
# pass), with a clean environment and the registry under XDG_RUNTIME_DIR
# in our workspace (unless XDG=none: the default, /tmp/sysjail-UID).
run_as() {
	local user=$1 xdg
	shift
	xdg=$UWORK/xdg-$user
	if [ ! -d "$xdg" ]; then
		mkdir -m 700 "$xdg"
		[ "$(id -u)" = 0 ] && chown "$user": "$xdg"
	fi
	[ "${XDG:-}" = none ] && xdg=
	# In the background (spawn_as), the shell becomes the command.
	local ex=
	[ -n "${SPAWN:-}" ] && ex=exec
	if [ "$user" = root ]; then
		$ex env -i PATH=/usr/bin:/bin HOME=/ SYSJAIL_RUNDIR="$SYSJAIL_RUNDIR" \
			SYSJAIL_CGROUP="$SYSJAIL_CGROUP" "$@"
	elif [ "$(id -u)" = 0 ]; then
		$ex setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups \
			env -i PATH=/usr/bin:/bin HOME=/ ${xdg:+XDG_RUNTIME_DIR=$xdg} "$@"
	else
		$ex env -i PATH=/usr/bin:/bin HOME=/ ${xdg:+XDG_RUNTIME_DIR=$xdg} "$@"
	fi
}

# run_as in the background: $! is the command's pid.
spawn_as() {
	SPAWN=1 run_as "$@" &
}

# The same, with the user's default registry (/tmp/sysjail-UID).
run_as_default() {
	XDG=none run_as "$@"
}

# A jail root USER owns, in the workspace.
user_root() {
	local user=$1 dir=$UWORK/root-$1
	if [ ! -d "$dir" ]; then
		make_root "$dir"
		[ "$(id -u)" = 0 ] && chown -R "$user": "$dir"
	fi
	echo "$dir"
}

# The marker outside every jail's view, readable by the users outside.
marker() {
	echo "marker $$" >"$UWORK/marker"
	chmod 644 "$UWORK/marker"
	echo "$UWORK/marker"
}

# Remove USER's jails when the test ends.
remove_jails_of() {
	defer "run_as $1 $JAIL -r '*'; run_as_default $1 $JAIL -r '*'"
}

# Start, as USER, what the jails must not reach: a sleeper and an
# abstract socket; sets $sleeper and $abstract.
outside_targets() {
	local user=$1 log=$UWORK/listen.$RANDOM
	spawn_as "$user" sleep 300
	sleeper=$!
	defer "kill $sleeper"
	abstract=sjtest-abstract-$$-$RANDOM
	spawn_as "$user" "$PROBE" abstract-listen "$abstract" 120 >"$log" 2>&1
	defer "kill $!"
	for _ in $(seq 100); do
		grep -q ready "$log" 2>/dev/null && break
		sleep 0.05
	done
	# Controls: outside a jail, the user reaches both.
	capture run_as "$user" "$PROBE" kill "$sleeper" 0
	expect_eq "$out" "ok 0" "signal 0 to the sleeper outside a jail"
	capture run_as "$user" "$PROBE" abstract-connect "$abstract"
	expect_eq "$out" "ok 0" "the abstract socket outside a jail"
}

# The proof inside a jail made by `$@` (a jail(8) command line without
# its command): marker, signal, abstract socket, with the errors wanted.
proof() {
	local want_read=$1 want_kill=$2 want_abstract=$3 user=$4 root=$5 m
	shift 5
	m=$(marker)
	capture run_as "$user" "$PROBE" read "$m"
	expect_eq "$out" "ok marker $$" "the marker outside a jail"
	capture run_as "$user" "$@" command="$root"/bin/sjprobe read "$m"
	expect_eq "$out" "err $want_read" "reading the marker outside the jail's view ($err)"
	capture run_as "$user" "$@" command="$root"/bin/sjprobe kill "$sleeper" 0
	expect_eq "$out" "err $want_kill" "signalling a process outside"
	capture run_as "$user" "$@" command="$root"/bin/sjprobe abstract-connect "$abstract"
	expect_eq "$out" "err $want_abstract" "connecting to an abstract socket made outside"
}

test_user_jail_in_a_user_namespace() {
	local r m
	r=$(user_root "$UA")
	remove_jails_of "$UA"
	capture run_as "$UA" "$JAIL" -c path="$r" name=u1 persist
	expect_eq "$rc:$err" "0:" "a user's persistent jail"
	expect_eq "$(run_as "$UA" "$JLS" -j u1 sysjail.mode)" userns "its mode"
	capture run_as "$UA" "$JEXEC" u1 /bin/sh -c 'id -u; echo $$; hostname'
	expect_eq "$out" "$(printf '0\n2\nu1')" "jexec: root, pid 2, its hostname"
	# The init is dumpable, for its owner to enter the jail, but its own
	# Landlock domain keeps the jail from it.
	capture run_as "$UA" "$JEXEC" u1 /bin/sjprobe read /proc/1/environ
	expect_eq "$out" "err EACCES" "the init's environment from the jail"
	capture run_as "$UA" "$JEXEC" u1 /bin/sjprobe ptrace 1
	expect_eq "$out" "err EPERM" "tracing the init from the jail"
	capture run_as "$UA" "$JEXEC" u1 /bin/sjprobe caps
	expect_match "$out" "CapBnd:.00000000a00405fb" "the jail's bounding set"
	expect_match "$out" "NoNewPrivs:.1" "no_new_privs"
	run_as "$UA" "$JAIL" -r u1 || fail "removing it"
	expect_eq "$(run_as "$UA" "$JLS" jid)" "" "after its removal"
}

test_subid_ranges_through_newuidmap() {
	local r
	command -v newuidmap >/dev/null || fail "newuidmap (package uidmap) is needed"
	grep -q "^$UA:" /etc/subuid || fail "user $UA has no range in /etc/subuid"
	r=$(user_root "$UA")
	capture run_as "$UA" "$JAIL" "$r" h /bin/cat /proc/self/uid_map /proc/self/gid_map
	expect_eq "$(tr -s ' ' <<<"$out" | sed 's/^ //')" "$(printf '0 0 1\n1 1 65535\n0 0 1\n1 1 65535')" \
		"the jail's ids: the user, then the user's range"
	capture run_as "$UA" "$JAIL" -U jailuser "$r" h /bin/sh -c \
		'/bin/sjprobe id; /bin/sjprobe write /tmp/by-jailuser x'
	expect_eq "$out" "$(printf 'ok uid=1000 gid=1000 euid=1000\nok 1')" "a user of the jail's"
	expect_eq "$(stat -c %u "$r/tmp/by-jailuser")" \
		"$(($(grep "^$UA:" /etc/subuid | head -1 | cut -d: -f2) + 999))" \
		"its file on disk: the user's range"
}

test_single_id_without_ranges() {
	local r
	needs_root "it needs a user without /etc/subuid ranges of this run's own"
	r=$(user_root "$UB")
	capture run_as "$UB" "$JAIL" "$r" h /bin/sh -c \
		'cat /proc/self/uid_map; /bin/sjprobe id; ls -ln /bin/sjprobe'
	expect_eq "$rc" 0 "a jail of a user without ranges ($err)"
	expect_match "$(head -1 <<<"$out")" "^ +0 +0 +1$" "one id"
	expect_eq "$(sed -n 2p <<<"$out")" "ok uid=0 gid=0 euid=0" "root in the jail"
	expect_match "$(sed -n 3p <<<"$out")" " 0 +0 " "the user's files are the jail's root's"
	capture run_as "$UB" "$JAIL" -U jailuser "$r" h /bin/sjprobe id
	expect_match "$err" "jailuser" "a user the jail has no id for"
	[ "$rc" -ne 0 ] || fail "becoming an unmapped user succeeded"
}

test_keep_uid() {
	local r uid
	r=$(user_root "$UA")
	uid=$(id -u "$UA")
	capture run_as "$UA" "$JAIL" -c path="$r" sysjail.keep_uid command=/bin/sh -c \
		'/bin/sjprobe id; /bin/sjprobe stat /bin/sjprobe'
	expect_eq "$(head -1 <<<"$out")" "ok uid=$uid gid=$(id -g "$UA") euid=$uid" "the user's ids"
	expect_match "$(sed -n 2p <<<"$out")" "^ok uid=$uid " "the user's files are theirs"
}

# The proof in a user's jail; with the host's network, abstract sockets
# are the host's, and Landlock's scoping alone holds them.
test_proof_in_a_user_jail() {
	local r
	r=$(user_root "$UA")
	outside_targets "$UA"
	proof ENOENT ESRCH ECONNREFUSED "$UA" "" "$JAIL" -c path="$r"
	capture run_as "$UA" "$JAIL" -c path="$r" ip4=inherit ip6=inherit \
		command=/bin/sjprobe abstract-connect "$abstract"
	expect_eq "$out" "err EPERM" "the host's abstract socket, sharing the host's network"
}

test_sjtest_in_a_user_jail() {
	capture run_as "$UA" "$SJTEST" "${RACE[@]}"
	expect_eq "$rc" 0 "sjtest as a user ($err)"
	expect_match "$(tail -1 <<<"$out")" "^[0-9]+ held, 0 escaped, [0-9]+ not applicable$" \
		"no escape"
	expect_match "$out" $'\n''setuid-binary +privilege +n/a +sjtest runs as a user' \
		"the setuid probe, which needs root"
}

# Where user namespaces are refused: confined in place, and told why.
test_confined_in_place() {
	local r m
	r=$(user_root "$UA")
	remove_jails_of "$UA"
	capture run_as "$UA" "$PROBE" no-userns "$JAIL" "$r" h "$r"/bin/sjprobe id
	expect_eq "$rc" 0 "a jail where user namespaces are refused ($err)"
	expect_eq "$out" "ok uid=$(id -u "$UA") gid=$(id -g "$UA") euid=$(id -u "$UA")" \
		"the user, not root"
	expect_match "$err" "^jail: note: no user namespace here \(user.max_user_namespaces is 0\): confined in place instead" \
		"the mode and why"
	capture run_as "$UA" "$PROBE" no-userns "$JAIL" -q -c path="$r" command="$r"/bin/sh -c \
		"pwd && $r/bin/sjprobe write $r/tmp/in-place x && $r/bin/sjprobe write /tmp/sjx-$$ x"
	expect_eq "$out" "$(printf '%s\nok 1\nerr EACCES' "$r")" "writing in path, and not elsewhere"
	[ ! -e /tmp/sjx-$$ ] || { rm -f /tmp/sjx-$$; fail "wrote outside path"; }
	capture run_as "$UA" "$PROBE" no-userns "$JAIL" -q -c path="$r" command="$r"/bin/sjprobe caps
	expect_match "$out" "CapEff:.0000000000000000" "no capability"
	expect_match "$out" "NoNewPrivs:.1" "no_new_privs"
	expect_match "$out" "Seccomp:.2" "the seccomp filter"
}

test_proof_confined_in_place() {
	local r
	r=$(user_root "$UA")
	outside_targets "$UA"
	proof EACCES EPERM EPERM "$UA" "$r" "$PROBE" no-userns "$JAIL" -q -c path="$r"
}

test_confined_jail_listed_removed_not_entered() {
	local r pid ns leftover
	r=$(user_root "$UA")
	remove_jails_of "$UA"
	# A process that leaves the command's tree: the init still has it.
	spawn_as "$UA" "$PROBE" no-userns "$JAIL" -q -c name=cp path="$r" persist command="$r"/bin/sh -c \
		"$r/bin/sh -c '$r/bin/sleep 300 & echo \$! >$r/tmp/orphan' & $r/bin/sleep 300"
	defer "kill_jail $!"
	for _ in $(seq 100); do
		[ -s "$r/tmp/orphan" ] && break
		sleep 0.05
	done
	leftover=$(cat "$r/tmp/orphan")
	[ -n "$leftover" ] || fail "the jail's orphan did not start"
	expect_eq "$(run_as "$UA" "$JLS" -j cp sysjail.mode)" confine "jls lists it, and its mode"
	# The shell runs its last command in its own place.
	capture run_as "$UA" "$SJ_BUILD/sjls" cp
	expect_match "$(tail -1 <<<"$out")" "^ +[0-9]+ cp +3 " "sjls: the init and two sleeps"
	capture run_as "$UA" "$JEXEC" cp /bin/true
	expect_match "$err" "^jexec: jail [0-9]+ is confined in place: it has no namespaces to enter" \
		"jexec refused"
	run_as "$UA" "$JAIL" -r cp || fail "removing it"
	sleep 0.2
	[ "$(awk '{ print $3 }' /proc/"$leftover"/stat 2>/dev/null)" != S ] ||
		fail "the orphan outlived the jail"
	expect_eq "$(run_as "$UA" "$JLS" jid)" "" "after its removal"
}

test_confined_refusals() {
	local r
	r=$(user_root "$UA")
	capture run_as "$UA" "$PROBE" no-userns "$JAIL" -c path="$r" ip4.addr=192.0.2.1 \
		command=/bin/true
	expect_match "$err" "^jail: ip4.addr, ip6.addr: a jail confined in place has no namespace" \
		"addresses"
	capture run_as "$UA" "$PROBE" no-userns "$JAIL" -c path="$r" mount="/tmp $r/tmp nullfs ro" \
		command=/bin/true
	expect_match "$err" "^jail: mount, mount.fstab: a jail confined in place" "mount lines"
	capture run_as "$UA" "$PROBE" no-userns "$JAIL" -c path="$r" persist exec.start=true
	expect_match "$err" "^jail: exec.start, exec.stop: a jail confined in place cannot be entered" \
		"exec.start"
	capture run_as "$UA" "$PROBE" no-userns "$JAIL" -c path="$r" sysjail.mode=userns \
		command=/bin/true
	expect_eq "$err" "jail: sysjail.mode: no user namespace: user.max_user_namespaces is 0" \
		"a user namespace asked for where there is none"
	capture run_as "$UA" "$JAIL" -c path="$r" sysjail.mode=root command=/bin/true
	expect_eq "$err" "jail: sysjail.mode: 'root' needs root" "root's mode asked by a user"
}

# Confined in place, TCP is the jail's ports alone, and other IP
# protocols and System V IPC are the filter's to refuse.
test_confined_network_and_ipc() {
	local r port=$((20000 + $$ % 20000))
	r=$(user_root "$UA")
	capture run_as "$UA" "$PROBE" no-userns "$JAIL" -q -c path="$r" sysjail.tcp.bind="$port" \
		command="$r"/bin/sh -c "$r/bin/sjprobe tcp bind $port; $r/bin/sjprobe tcp bind $((port + 1));
		$r/bin/sjprobe tcp connect $port; $r/bin/sjprobe syscall socket 2 2 0;
		$r/bin/sjprobe syscall msgget 0 0"
	expect_eq "$out" "$(printf 'ok 0\nerr EACCES\nerr EACCES\nerr EPERM\nerr EPERM')" \
		"bind its port only, connect nowhere, no UDP, no System V IPC"
	capture run_as "$UA" "$PROBE" no-userns "$JAIL" -q -c path="$r" ip4=inherit ip6=inherit \
		allow.sysvipc command="$r"/bin/sh -c "$r/bin/sjprobe syscall socket 2 2 0"
	expect_match "$out" "^ok " "UDP with the host's network asked for"
}

test_sjtest_confined_in_place() {
	capture run_as "$UA" "$PROBE" no-userns "$SJTEST" "${RACE[@]}"
	expect_eq "$rc" 0 "sjtest confined in place ($err)"
	expect_match "$(tail -1 <<<"$out")" "^[0-9]+ held, 0 escaped, [0-9]+ not applicable$" \
		"no escape"
	expect_match "$out" $'\n''kill-host-process +process +held +EPERM' \
		"a host process: Landlock's scoping"
	expect_match "$out" $'\n''read-outside-root +fs +held +EACCES' "the marker: Landlock"
}

# Landlock in root's jails: scoping holds the host's abstract sockets in
# a jail sharing the host's network, and filesystem rules are a second
# wall behind the mount namespace, against a descriptor from outside.
test_landlock_in_roots_jails() {
	local m
	needs_root "root's jails (a user's are tested above)"
	make_root "$ROOT"
	outside_targets root
	proof ENOENT ESRCH ECONNREFUSED root "" "$JAIL" -c path="$ROOT"
	capture "$JAIL" -c path="$ROOT" ip4=inherit ip6=inherit \
		command=/bin/sjprobe abstract-connect "$abstract"
	expect_eq "$out" "err EPERM" "the host's abstract socket, sharing the host's network"
}

test_landlock_fs_second_wall() {
	local r
	r=$(user_root "$UA")
	echo second-wall >"$UWORK/beside"
	chmod 644 "$UWORK/beside"
	# Standard input, a directory of the host's: a way out of the mount
	# namespace that only Landlock's filesystem rules close.
	capture run_as "$UA" "$JAIL" -c path="$r" command=/bin/sjprobe readat 0 beside <"$UWORK"
	expect_eq "$out" "ok second-wall" "through a descriptor from outside, without the wall"
	capture run_as "$UA" "$JAIL" -c path="$r" sysjail.landlock.fs \
		command=/bin/sjprobe readat 0 beside <"$UWORK"
	expect_eq "$out" "err EACCES" "through a descriptor from outside, with the wall"
	capture run_as "$UA" "$JAIL" -c path="$r" sysjail.landlock.fs command=/bin/cat /etc/passwd
	expect_match "$out" "^root:x:0:0" "the jail's own files, with the wall"
	capture run_as "$UA" "$JAIL" -c path="$r" sysjail.readonly \
		command=/bin/sjprobe write /tmp/ro x
	expect_eq "$out" "err EROFS" "sysjail.readonly"
}

test_tcp_port_rules() {
	local r port=$((20000 + ($$ + 7) % 20000))
	r=$(user_root "$UA")
	capture run_as "$UA" "$JAIL" -c path="$r" sysjail.tcp.bind="$port,$((port + 2))-$((port + 3))" \
		sysjail.tcp.connect=none command=/bin/sh -c "/bin/sjprobe tcp bind $port;
		/bin/sjprobe tcp bind $((port + 1)); /bin/sjprobe tcp bind $((port + 3));
		/bin/sjprobe tcp connect $port"
	expect_eq "$out" "$(printf 'ok 0\nerr EACCES\nok 0\nerr EACCES')" "the jail's ports"
	capture run_as "$UA" "$JAIL" -c path="$r" sysjail.tcp.bind=1-5000 command=/bin/true
	expect_match "$err" "is more than 4096 ports" "too many ports"
}

# The registry: each user's own; root sees and removes every user's,
# their host commands running as their owner.
test_registry_per_user() {
	local ra rb uid=$(id -u "$UA") name=sjreg$$ out_file=$UWORK/poststop
	needs_root "it needs two users, and root"
	ra=$(user_root "$UA")
	rb=$(user_root "$UB")
	defer "run_as_default $UA $JAIL -r $name"
	touch "$out_file" && chmod 666 "$out_file"
	capture run_as_default "$UA" "$JAIL" -c name="$name" path="$ra" persist \
		"exec.poststop=id -u >$out_file"
	expect_eq "$rc:$err" "0:" "a jail in the default registry (/tmp/sysjail-UID)"
	[ -d "/tmp/sysjail-$uid" ] || fail "the registry is not /tmp/sysjail-$uid"
	expect_eq "$(run_as_default "$UA" "$JLS" name)" "$name" "the user sees it"
	expect_eq "$(run_as_default "$UB" "$JLS" name)" "" "another user does not see it"
	capture run_as_default "$UB" "$JEXEC" "$name" /bin/true
	expect_eq "$err" "jexec: jail '$name' not found" "another user cannot enter it"
	capture env -u SYSJAIL_RUNDIR "$JLS" -n
	expect_match "$out" "name=$name .*sysjail.mode=userns" "root sees it"
	capture env -u SYSJAIL_RUNDIR "$JEXEC" "$name" /bin/sh -c 'id -u; hostname'
	expect_eq "$out" "$(printf '0\n%s' "$name")" "root enters it, as its root"
	env -u SYSJAIL_RUNDIR "$JAIL" -r "$name" || fail "root removes it"
	expect_eq "$(cat "$out_file")" "$uid" "its exec.poststop ran as its owner"
	expect_eq "$(run_as_default "$UA" "$JLS" name)" "" "gone for the user too"
}

test_default_registry_under_xdg_runtime_dir() {
	local r
	r=$(user_root "$UA")
	remove_jails_of "$UA"
	run_as "$UA" "$JAIL" -c name=x1 path="$r" persist || fail "creating it"
	[ -d "$UWORK/xdg-$UA/sysjail/jail" ] || fail "the registry is not \$XDG_RUNTIME_DIR/sysjail"
	expect_eq "$(run_as "$UA" "$JLS" name)" x1 "listed from there"
}

run_tests
