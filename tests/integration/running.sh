# Running jails: persist, jls, jexec, jail -m and -r, sjls, and a registry
# that tells the truth whatever gets killed.
. "$SJ_SRC/tests/integration/lib.sh"
make_root "$ROOT"
JLS=$SJ_BUILD/jls
JEXEC=$SJ_BUILD/jexec
SJLS=$SJ_BUILD/sjls

# Start a workload in running jail $1 with jexec, in the background.
workload() {
	local jail=$1
	shift
	"$JEXEC" "$jail" "$@" >/dev/null 2>&1 &
	defer "kill $!"
}

test_persist_jls_jexec() {
	persistent name=web host.hostname=web.example
	capture "$JLS"
	expect_eq "$out" "$(printf '   JID  IP Address      Hostname                      Path\n%6d  %-15s %-29s %s' \
		"$("$JLS" -j web jid)" "" web.example "$ROOT")" "jls"
	capture "$JEXEC" web /bin/sh -c 'hostname; echo $$'
	expect_eq "$out" "$(printf 'web.example\n2')" "jexec web: hostname and pid"
	expect_eq "$rc" 0 "jexec status"
	capture "$JEXEC" web /bin/sh -c 'exit 7'
	expect_eq "$rc" 7 "jexec passes on the command's status"
	capture "$JEXEC" web /bin/nosuch
	expect_eq "$rc" 127 "jexec of a missing command"
	expect_eq "$err" "jexec: /bin/nosuch: No such file or directory" "its message"
}

test_jid_and_name_everywhere() {
	local jid
	persistent name=n1
	jid=$("$JLS" -j n1 jid)
	expect_match "$jid" '^[0-9]+$' "jls -j NAME jid"
	expect_eq "$("$JLS" -j "$jid" name)" n1 "jls -j JID name"
	capture "$JEXEC" "$jid" /bin/hostname
	expect_eq "$out" n1 "jexec by jid (hostname defaults to the name)"
	"$JAIL" -r "$jid" || fail "jail -r by jid"
	capture "$JLS" -j n1
	expect_eq "$err" 'jls: jail "n1" not found' "after removal"
}

test_jid_printed_and_params_written() {
	local jid line
	jid=$("$JAIL" -i -J "$WORK/params" -c name=pj path="$ROOT" host.hostname=pj.example persist)
	defer remove_all
	expect_match "$jid" '^[0-9]+$' "-i prints the jid"
	expect_eq "$("$JLS" -j pj jid)" "$jid" "the jid printed is the jail's"
	line=$(cat "$WORK/params")
	expect_match "$line" "(^| )jid=$jid( |$)" "-J writes the jid"
	expect_match "$line" "(^| )name=pj( |$)" "-J writes the name"
	expect_match "$line" "(^| )host.hostname=pj.example( |$)" "-J writes the hostname"
	expect_match "$line" "(^| )persist( |$)" "-J writes booleans as FreeBSD does"
}

test_modify() {
	persistent name=m host.hostname=before
	"$JAIL" -m name=m host.hostname=after || fail "jail -m"
	capture "$JEXEC" m /bin/hostname
	expect_eq "$out" after "hostname in the jail after -m"
	expect_eq "$("$JLS" -j m host.hostname)" after "jls after -m"
	capture "$JAIL" -m name=m path=/tmp
	expect_eq "$err" "jail: path: cannot be changed on a running jail" "an immutable parameter"
	[ "$rc" -ne 0 ] || fail "changing path succeeded"
	capture "$JAIL" -m name=m no.such=1
	expect_eq "$err" "jail: unknown parameter 'no.such'" "an unknown parameter"
	capture "$JAIL" -m name=m host.hostname=bad_name
	expect_match "$err" "^jail: host.hostname: hostname 'bad_name' is malformed" "a bad value"
	expect_eq "$("$JLS" -j m host.hostname)" after "the hostname after a refused change"
}

test_bad_names() {
	persistent name=dup
	capture "$JAIL" -c name=dup path="$ROOT" persist
	expect_match "$err" "^jail: name: jail 'dup' already exists \(jid [0-9]+\)$" "a duplicate name"
	capture "$JAIL" -c jid="$("$JLS" -j dup jid)" path="$ROOT" persist
	expect_match "$err" "^jail: jid: jail [0-9]+ already exists$" "a jid in use"
	for tool in "$JEXEC nosuch /bin/true" "$JAIL -r nosuch" "$JAIL -m name=nosuch host.hostname=x"; do
		capture $tool
		expect_match "$err" "jail 'nosuch' not found" "$tool"
		[ "$rc" -ne 0 ] || fail "$tool succeeded"
	done
	capture "$JLS" -j nosuch
	expect_eq "$err" 'jls: jail "nosuch" not found' "jls -j of an unknown jail"
	capture "$SJLS" nosuch
	expect_eq "$err" "sjls: jail 'nosuch' not found" "sjls of an unknown jail"
}

test_remove_all() {
	persistent name=a1
	persistent name=a2
	persistent
	expect_eq "$("$JLS" jid | wc -l)" 3 "jails before -r '*'"
	"$JAIL" -r '*' || fail "jail -r '*'"
	expect_eq "$("$JLS" jid | wc -l)" 0 "jails after -r '*'"
}

test_jls_formats() {
	local jid
	persistent name=fmt host.hostname=fmt.example
	jid=$("$JLS" -j fmt jid)
	capture "$JLS" -N
	expect_eq "$out" "$(printf ' %-15s %-15s %-29s Path\n %-15s %-15.15s %-29.29s %s' JID \
		'IP Address' Hostname fmt '' fmt.example "$ROOT")" "jls -N"
	capture "$JLS" -v
	expect_eq "$out" "$(printf '   JID  Hostname%22sPath\n%8sName%26sState\n%8sCPUSetID\n%8sIP Address(es)\n%6d  %-29.29s %s\n        %-29.29s ACTIVE\n        0' \
		'' '' '' '' '' "$jid" fmt.example "$ROOT" fmt)" "jls -v"
	capture "$JLS" -h jid name host.hostname ip4.addr
	expect_eq "$out" "$(printf 'jid name host.hostname ip4.addr\n%d fmt fmt.example -' "$jid")" "jls -h with parameters"
	capture "$JLS" -j fmt -q name ip4.addr
	expect_eq "$out" 'fmt ""' "jls -q quotes the empty string"
	capture "$JLS" -j fmt --libxo json name host.hostname
	expect_eq "$out" '{"__version": "2", "jail-information": {"jail": [{"name":"fmt","host.hostname":"fmt.example"}]}}' "jls --libxo json with parameters"
	capture "$JLS" --libxo json
	expect_eq "$out" "{\"__version\": \"2\", \"jail-information\": {\"jail\": [{\"jid\":$jid,\"ipv4\":\"\",\"hostname\":\"fmt.example\",\"path\":\"$ROOT\"}]}}" "jls --libxo json"
	python3 -m json.tool <<<"$(
		"$JLS" -v --libxo json)" >/dev/null || fail "jls -v --libxo json is not JSON"
	capture "$JLS" -n
	expect_match "$out" "^nodying .*jid=$jid name=fmt .*persist .*host.hostname=fmt.example" "jls -n"
	capture "$JLS" -s
	expect_no_match "$out" "dying" "jls -s leaves out read-only parameters"
	expect_no_match "$out" "ip4.addr" "jls -s leaves out ip4.addr when ip4 is not new"
	expect_match "$out" "host.hostname=fmt.example" "jls -s"
	# What -s prints creates the same jail again.
	"$JAIL" -r fmt || fail "removing fmt"
	eval "set -- $out"
	"$JAIL" -c "$@" || fail "jail -c from jls -s ($out)"
	expect_eq "$("$JLS" -j fmt host.hostname)" fmt.example "the jail made from jls -s"
}

test_sjls() {
	local jid
	persistent name=s
	workload s /bin/sh -c '/bin/sleep 100 & /bin/sleep 100'
	jid=$("$JLS" -j s jid)
	sleep 0.3
	capture "$SJLS" s
	expect_match "$(tail -1 <<<"$out")" "^ +$jid s +3 " "sjls: three processes (init, sh, sleep)"
	capture "$SJLS" -p s
	expect_match "$out" "1 +[0-9]+ +[0-9]+ S  jail \(init\)" "sjls -p shows the init"
	expect_eq "$(grep -c sleep <<<"$out")" 2 "sjls -p shows the sleeps"
	capture "$SJLS" --json
	python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["jails"][0]["processes"]==3, d' \
		<<<"$out" || fail "sjls --json: $out"
}

test_jexec_confinement() {
	local pid cmd uid
	persistent name=c
	capture "$JEXEC" c /bin/sjprobe caps
	expect_match "$out" "CapBnd:.00000000a00405fb" "jexec: the jail's bounding set"
	expect_match "$out" "NoNewPrivs:.1" "jexec: no_new_privs"
	expect_match "$out" "Seccomp:.2" "jexec: the seccomp filter"
	capture "$JEXEC" c /bin/sjprobe syscall mount s:none s:/tmp s:tmpfs 0 0
	expect_eq "$out" "err EPERM" "mount from jexec"
	capture "$JEXEC" c /bin/sjprobe int80 sethostname s:x 1
	expect_eq "$out" "err EPERM" "sethostname through int 0x80 from jexec"
	capture "$JEXEC" c /bin/sjprobe ps
	expect_match "$out" "^1 [0-9]+ $" "processes a jexec'd command sees: the init and itself"
	capture "$JEXEC" c /bin/sjprobe fds
	expect_eq "$(cut -d' ' -f1 <<<"$out" | tr '\n' ' ')" "0 1 2 " "descriptors in a jexec'd command"
	capture "$JEXEC" -U jailuser c /bin/sjprobe id
	expect_eq "$out" "ok uid=1000 gid=1000 euid=1000" "jexec -U"
	capture "$JEXEC" -u nobody c /bin/sjprobe id
	expect_eq "$out" "ok uid=65534 gid=65534 euid=65534" "jexec -u"
	capture "$JEXEC" -d /tmp c /bin/pwd
	expect_eq "$out" /tmp "jexec -d"
	capture "$JEXEC" -l -U jailuser c /bin/pwd
	expect_eq "$out" /home/jailuser "jexec -l runs in the user's home"
	# The jexec'd process is root of the jail: an unprivileged host uid.
	"$JEXEC" c /bin/sleep 5 &
	pid=$!
	defer "kill $pid"
	for _ in $(seq 100); do
		cmd=$(pgrep -P "$pid")
		[ -n "$cmd" ] && break
		sleep 0.05
	done
	[ -n "$cmd" ] || fail "the jexec'd command did not show up"
	uid=$(awk '/^Uid:/ {print $2}' /proc/"$cmd"/status)
	# Root's jail's root is a host uid of the jail's own; a user's is
	# the user (jail(8), PRIVILEGE).
	if [ "$(id -u)" = 0 ]; then
		[ "$uid" -ge $((0x70000000)) ] || fail "a jexec'd command runs as host uid $uid"
	else
		expect_eq "$uid" "$(id -u)" "the host uid of a jexec'd command in a user's jail"
	fi
}

test_jexec_into_dying_jail_fails() {
	persistent name=d
	workload d /bin/sh -c "trap '' TERM; while :; do /bin/sleep 1; done"
	sleep 0.3
	"$JAIL" -r d &
	local remover=$!
	defer "kill $remover"
	for _ in $(seq 100); do
		"$JLS" -d -j d dying 2>/dev/null | grep -q true && break
		sleep 0.02
	done
	expect_eq "$("$JLS" -d -j d dying)" true "jls -d shows the jail as dying"
	capture "$JLS" -j d
	expect_eq "$err" 'jls: jail "d" not found' "jls without -d hides a dying jail"
	capture "$JEXEC" d /bin/true
	expect_eq "$err" "jexec: jail $("$JLS" -d -j d jid) is being removed" "jexec into a dying jail"
	[ "$rc" -ne 0 ] || fail "jexec into a dying jail succeeded"
	wait "$remover"
	expect_eq "$?" 0 "the removal of a jail whose processes ignore SIGTERM"
}

test_killed_init_leaves_no_lie() {
	local init jid
	persistent name=k
	jid=$("$JLS" -j k jid)
	init=$(grep '^sysjail.pid=' "$SYSJAIL_RUNDIR/jail/$jid" | cut -d= -f2)
	kill -KILL "$init"
	for _ in $(seq 100); do
		[ -z "$("$JLS" jid)" ] && break
		sleep 0.02
	done
	expect_eq "$("$JLS" jid)" "" "jls after the init was killed"
	capture "$JEXEC" k /bin/true
	expect_eq "$err" "jexec: jail 'k' not found" "jexec into a jail whose init was killed"
	# Its name and jid are free again.
	"$JAIL" -c name=k jid="$jid" path="$ROOT" persist || fail "reusing the name and jid"
}

# SIGKILL the manager at random moments of a jail's creation: whatever
# survives is listed, and nothing listed is dead.
test_killed_manager_leaves_no_lie() {
	local i pid listed alive
	for i in $(seq 40); do
		"$JAIL" -c name="km$i" path="$ROOT" persist &
		pid=$!
		sleep "0.00$((RANDOM % 9))"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	defer remove_all
	sleep 0.2
	listed=$("$JLS" jid | sort -n | tr '\n' ' ')
	alive=""
	for e in "$SYSJAIL_RUNDIR"/jail/[0-9]*; do
		[ -e "$e" ] || continue
		pid=$(grep '^sysjail.pid=' "$e" | cut -d= -f2)
		# Alive: not gone, and not a zombie waiting to be reaped.
		[ "$(awk '{ print $3 }' /proc/"$pid"/stat 2>/dev/null)" = S ] &&
			alive+="$(basename "$e") "
	done
	alive=$(tr ' ' '\n' <<<"$alive" | sed '/^$/d' | sort -n | tr '\n' ' ')
	expect_eq "$listed" "$alive" "jails listed against jails alive"
	"$JAIL" -r '*' || fail "removing the survivors"
	expect_eq "$("$JLS" jid)" "" "after removing the survivors"
}

test_killed_remover() {
	local remover
	persistent name=kr
	workload kr /bin/sh -c "trap '' TERM; while :; do /bin/sleep 1; done"
	sleep 0.3
	"$JAIL" -r kr &
	remover=$!
	sleep 0.5
	kill -KILL "$remover"
	wait "$remover" 2>/dev/null
	expect_eq "$("$JLS" -j kr name)" kr "a jail whose remover was killed is listed, not dying"
	"$JAIL" -r kr || fail "removing it again"
	expect_eq "$("$JLS" jid)" "" "after the second removal"
}

test_hundred_concurrent() {
	local i pids=()
	defer remove_all
	for i in $(seq 100); do
		"$JAIL" -c name="c$i" path="$ROOT" persist &
		pids+=($!)
	done
	for p in "${pids[@]}"; do
		wait "$p" || fail "a concurrent creation failed"
	done
	expect_eq "$("$JLS" jid | sort -u | wc -l)" 100 "distinct jids"
	expect_eq "$("$JLS" name | sort -u | wc -l)" 100 "distinct names"
	expect_eq "$("$JLS" name | sort)" "$(seq 100 | sed 's/^/c/' | sort)" "the names listed"
	pids=()
	for i in $(seq 100); do
		"$JAIL" -r "c$i" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do
		wait "$p" || fail "a concurrent removal failed"
	done
	expect_eq "$("$JLS" jid)" "" "jails after 100 concurrent removals"
	expect_eq "$(ls "$SYSJAIL_RUNDIR"/name | wc -l)" 0 "names left in the registry"
	expect_eq "$(ls "$SYSJAIL_RUNDIR"/jail | grep -vc '^$')" 0 "files left in the registry"
}

# A thousand processes, some ignoring SIGTERM and some forking without
# end: none outlives the removal.
# The processes in PID namespace $1 (an inode) that are not zombies
# (those of a removed jail's are reaped a moment later by their parent
# outside the jail, jexec).
in_pidns() {
	find /proc -maxdepth 3 -path '/proc/[0-9]*/ns/pid' -lname "pid:\[$1\]" \
		-printf '%h\n' 2>/dev/null | cut -d/ -f3 | while read -r p; do
		[ "$(awk '{ print $3 }' /proc/"$p"/stat 2>/dev/null)" = Z ] || echo "$p"
	done | wc -l
}

test_remove_thousand_processes() {
	local init ns n
	persistent name=big
	workload big /bin/sh -c '
		i=0; while [ $i -lt 970 ]; do /bin/sleep 1000 & i=$((i + 1)); done
		i=0; while [ $i -lt 20 ]; do /bin/sh -c "trap \"\" TERM; while :; do /bin/sleep 1; done" & i=$((i + 1)); done
		i=0; while [ $i -lt 10 ]; do /bin/sh -c "while :; do /bin/true; done" & i=$((i + 1)); done
		wait'
	init=$(grep '^sysjail.pid=' "$SYSJAIL_RUNDIR"/jail/"$("$JLS" -j big jid)" | cut -d= -f2)
	ns=$(readlink /proc/"$init"/ns/pid | tr -dc 0-9)
	[ -n "$ns" ] || fail "the jail's PID namespace"
	for _ in $(seq 300); do
		n=$(in_pidns "$ns")
		[ "$n" -ge 1000 ] && break
		sleep 0.1
	done
	[ "$n" -ge 1000 ] || fail "only $n processes started"
	"$JAIL" -r big || fail "removing the jail"
	expect_eq "$(in_pidns "$ns")" 0 "processes of the jail alive after its removal"
}

# The jail's network namespace lets every id in it bind low ports and use
# ICMP echo sockets; the host's own knobs stay as they were.
test_low_ports_and_ping_in_own_namespace() {
	local host_start host_ping jid init
	needs_root "enters the jail's network namespace from the host"
	host_start=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)
	host_ping=$(cat /proc/sys/net/ipv4/ping_group_range)
	"$JAIL" -c name=net path=/ persist || fail "creating a persistent jail"
	defer remove_all
	jid=$("$JLS" -j net jid)
	init=$(grep '^sysjail.pid=' "$SYSJAIL_RUNDIR/jail/$jid" | cut -d= -f2)
	capture nsenter -t "$init" -n cat /proc/sys/net/ipv4/ip_unprivileged_port_start \
		/proc/sys/net/ipv4/ping_group_range
	expect_eq "$(tr '\t\n' '  ' <<<"$out")" "0 0 2147483647 " "the jail's port and ping knobs"
	capture "$JEXEC" -u nobody net /usr/bin/python3 -c 'import socket
socket.socket().bind(("127.0.0.1", 80))
socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)
print("bound")'
	expect_eq "$out" "bound" "nobody binds port 80 and opens an ICMP socket ($err)"
	expect_eq "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)" "$host_start" \
		"the host's ip_unprivileged_port_start"
	expect_eq "$(cat /proc/sys/net/ipv4/ping_group_range)" "$host_ping" \
		"the host's ping_group_range"
}

run_tests
