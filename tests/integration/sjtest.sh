# sjtest(8): every probe holds in a default jail and in one from a
# jail.conf, every control reaches outside any jail, the output says what
# the man page says, and nothing is left behind: beyond what the harness
# checks (mounts, jail processes, registry), none of sjtest's fixtures.
. "$SJ_SRC/tests/integration/lib.sh"
SJTEST=$SJ_BUILD/sjtest
# Short races: the loops are the same, the tests quicker.
RACE=(--race-time 150)

# What sjtest makes on the host: its directories, POSIX and System V
# objects, its fixture process and anything run from its directories.
fixtures() {
	local q
	ls -d /var/tmp/sjtest.* /tmp/sjtest.* /run/sjtest.* 2>/dev/null
	ls /dev/shm 2>/dev/null | grep '^sjtest-'
	ipcs -m | awk '$1 ~ /^0x/ { print "shm", $1, $2 }'
	q=$(mktemp -d)
	unshare -m sh -c "mount -t mqueue none $q && ls $q" 2>/dev/null | grep '^sjtest-'
	rmdir "$q"
	pgrep -x sjtest-fixture | sed 's/^/fixture /'
	find /proc -maxdepth 2 -name exe -printf '%h %l\n' 2>/dev/null |
		awk '$2 ~ /^\/(var\/)?tmp\/sjtest\./ { split($1, d, "/"); print "process", d[3] }'
	return 0
}

# Run sjtest; then check that it left nothing of its fixtures.
run_sjtest() {
	local before after
	before=$(fixtures)
	# SJTEST_NETNS: run it in that network namespace (nsenter leaves
	# /sys, and so the cgroups, as they are).
	capture ${SJTEST_NETNS:+nsenter --net=/run/netns/$SJTEST_NETNS} "$SJTEST" "$@"
	after=$(fixtures)
	[ "$before" = "$after" ] ||
		fail "sjtest $* left behind: $(diff <(echo "$before") <(echo "$after") | grep '^>')"
}

# The probes' names, from sjtest -l.
all_probes() {
	"$SJTEST" -l | awk '{ print $1 }'
}

# "NAME RESULT" for every line of a table but the header and summary.
results() {
	sed '1d;$d' <<<"$out" | awk '{ print $1, $3 }'
}

test_default_jail_holds() {
	local n bad
	run_sjtest "${RACE[@]}"
	expect_eq "$rc" 0 "status (stderr: $err)"
	expect_eq "$err" "" "stderr"
	expect_eq "$(head -1 <<<"$out" | tr -s ' ')" "PROBE GROUP RESULT DETAIL" "header"
	expect_match "$(tail -1 <<<"$out")" "^[0-9]+ held, 0 escaped, [0-9]+ not applicable$" \
		"summary"
	n=$(all_probes | wc -l)
	[ "$n" -ge 100 ] || fail "only $n probes listed"
	expect_eq "$(results | awk '{ print $1 }')" "$(all_probes)" "every probe reported, in order"
	# In a default jail only what needs a limit or an address does not
	# apply (and, run by a user, the setuid-root program only root makes).
	bad=$(results | awk '$2 != "held" && $2 != "n/a"')
	expect_eq "$bad" "" "probes that did not hold"
	if [ "$(id -u)" = 0 ]; then
		expect_eq "$(results | awk '$2 == "n/a" { print $1 }' | tr '\n' ' ')" \
			"bind-freebind bind-freebind-i386 memory-hog " "probes not applicable"
		expect_match "$out" $'\n''fork-bomb +resource +held +fork failed with EAGAIN after' \
			"a fork bomb stopped by the default process limit"
	else
		# A user's jail has no cgroups: no default process limit.
		expect_eq "$(results | awk '$2 == "n/a" { print $1 }' | tr '\n' ' ')" \
			"setuid-binary bind-freebind bind-freebind-i386 fork-bomb memory-hog " \
			"probes not applicable"
		expect_match "$out" $'\n''fork-bomb +resource +n/a +the jail sets no process limit' \
			"the fork bomb's reason"
	fi
	expect_match "$out" $'\n''memory-hog +resource +n/a +the jail sets no memory limit' \
		"the memory hog's reason"
	expect_match "$out" $'\n''kill-host-process +process +held +ESRCH' "kill of a host process"
	expect_match "$out" $'\n''leaked-host-fds +fs +held +only 0, 1 and 2 are open' \
		"the bait descriptor"
	expect_match "$out" $'\n''race-open-path-i386 +race +held +none of [1-9][0-9]* attempts' \
		"the race through int 0x80 ran"
}

# Every probe detects the access it tries: outside a jail, it reaches.
test_controls_reach() {
	local bad
	needs_root "the controls show what root reaches outside a jail"
	run_sjtest --control "${RACE[@]}"
	expect_eq "$rc" 0 "status (stderr: $err)"
	expect_match "$(tail -1 <<<"$out")" "^[0-9]+ reached, 0 missed, [0-9]+ not applicable$" \
		"summary"
	expect_eq "$(results | awk '{ print $1 }')" "$(all_probes)" "every probe reported"
	bad=$(results | awk '$2 != "reached" && $2 != "n/a"')
	expect_eq "$bad" "" "controls that did not reach"
	# Only what this kernel lacks may be not applicable.
	bad=$(sed '1d;$d' <<<"$out" | awk '$3 == "n/a"' | grep -v "this kernel")
	expect_eq "$bad" "" "controls not applicable for another reason"
	expect_match "$out" $'\n''race-open-path +race +reached +[1-9][0-9]* of' \
		"the race reaches the marker outside a jail"
}

test_json() {
	local check
	run_sjtest --json -p process,race,resource "${RACE[@]}"
	expect_eq "$rc" 0 "status (stderr: $err)"
	python3 -m json.tool <<<"$out" >/dev/null || fail "not valid JSON: $out"
	check=$(python3 -c '
import json, sys
d = json.load(sys.stdin)
p = d["probes"]
s = d["summary"]
assert d["mode"] == "jail"
assert all(set(x) == {"probe", "group", "result", "detail"} for x in p)
assert all(x["group"] in ("process", "race", "resource") for x in p)
assert s["held"] + s["escaped"] + s["not_applicable"] + s["errors"] == len(p)
assert s["escaped"] == 0 and s["errors"] == 0
assert d["summary_line"] == "%d held, 0 escaped, %d not applicable" % (s["held"], s["not_applicable"])
print(len(p))' <<<"$out") || fail "JSON document: $out"
	expect_eq "$check" 24 "probes in the document"
	[ "$(id -u)" = 0 ] || return 0	# --control is root's

	run_sjtest --json --control -p fs
	python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["mode"] == "control" and d["summary"]["missed"] == 0, d["summary"]
assert set(d["summary"]) == {"reached", "missed", "not_applicable", "errors"}' <<<"$out" ||
		fail "control JSON: $out"
}

test_list() {
	local n
	capture "$SJTEST" -l
	expect_eq "$rc" 0 "status"
	n=$(wc -l <<<"$out")
	[ "$n" -ge 100 ] || fail "-l lists $n probes"
	expect_eq "$(awk 'NF != 2' <<<"$out")" "" "-l: name and group"
	expect_eq "$(awk '{ print $2 }' <<<"$out" | sort -u | tr '\n' ' ')" \
		"fs ipc network privilege process race resource terminal " "groups"
	expect_eq "$(awk '{ print $1 }' <<<"$out" | sort | uniq -d)" "" "names are unique"
	capture "$SJTEST" -l -v
	expect_eq "$(wc -l <<<"$out")" "$n" "-l -v: one line per probe"
	expect_eq "$(awk 'NF < 5' <<<"$out")" "" "-l -v: every probe explained"
	expect_match "$out" "chroot-fchdir-escape +fs +chroot\(2\)" "an explanation"
	capture "$SJTEST" --help
	expect_match "$out" "^usage: sjtest" "--help"
}

test_selection() {
	run_sjtest -p kill-host-process,tiocsti-i386
	expect_eq "$rc" 0 "status (stderr: $err)"
	expect_eq "$(results | tr '\n' ' ')" \
		"kill-host-process held kill-host-process-i386 held tiocsti-i386 held " "selected probes"
	expect_eq "$(tail -1 <<<"$out")" "3 held, 0 escaped, 0 not applicable" "summary"
}

# expect_error PATTERN -- command...: status 1 and one line on stderr.
expect_error() {
	local pattern=$1
	shift 2
	capture "$@"
	expect_eq "$rc" 1 "status of '$*'"
	expect_eq "$(wc -l <<<"$err")" 1 "lines on stderr for '$*' ($err)"
	expect_match "$err" "$pattern" "message of '$*'"
	expect_eq "$out" "" "stdout of '$*'"
}

test_bad_options() {
	expect_error "^sjtest: unknown option -z \(see 'sjtest --help'\)$" -- "$SJTEST" -z
	expect_error "^sjtest: unknown option --nosuch " -- "$SJTEST" --nosuch
	expect_error "^sjtest: option -p needs a value " -- "$SJTEST" -p
	expect_error "^sjtest: -p: unknown probe or group 'nosuch' \(see 'sjtest -l'\)$" -- \
		"$SJTEST" -p kill-host-process,nosuch
	expect_error "^sjtest: -f file needs the name of a jail in it" -- "$SJTEST" -f /etc/jail.conf
	expect_error "^sjtest: unexpected operand 'www' " -- "$SJTEST" www
	expect_error "^sjtest: --race-time takes milliseconds" -- "$SJTEST" --race-time 5
	expect_error "^sjtest: --race-time takes milliseconds" -- "$SJTEST" --race-time x
	expect_error "^sjtest: -v goes with -l" -- "$SJTEST" -v
	expect_error "^sjtest: -l takes no other option" -- "$SJTEST" -l --control
	expect_error "^sjtest: .*$WORK/nosuch.conf" -- "$SJTEST" -f "$WORK/nosuch.conf" www
	expect_error "^sjtest: the probe helper $WORK/nosuch is missing" -- \
		"$SJTEST" --helper "$WORK/nosuch" -p bpf
	[ "$(id -u)" = 0 ] || return 0	# another user is root's to become
	expect_error "^sjtest: --control needs root" -- setpriv --reuid=65534 --regid=65534 \
		--clear-groups "$SJTEST" --control -p bpf
}

test_jail_conf() {
	local conf=$WORK/jail.conf bad SJTEST_NETNS=sjt-sjtest-$BASHPID
	needs_root "the jail has an address, which a user's jail cannot have"
	make_root "$ROOT"
	# The jail's address gets a veth and a host route: in a namespace the
	# test makes, whose nic0 stands in for the machine's network.
	defer "ip netns del $SJTEST_NETNS"
	ip netns add "$SJTEST_NETNS" || fail "ip netns add $SJTEST_NETNS"
	ip -n "$SJTEST_NETNS" link set lo up
	ip -n "$SJTEST_NETNS" link add nic0 type veth peer name nic1 || fail "the test NIC"
	ip -n "$SJTEST_NETNS" addr add 192.0.2.1/24 dev nic0
	ip -n "$SJTEST_NETNS" link set nic0 up
	ip -n "$SJTEST_NETNS" link set nic1 up
	cat >"$conf" <<-EOF
	www {
		path = "$ROOT";
		host.hostname = "www.example";
		ip4.addr = 192.0.2.77;
		maxproc = 100;
		sysjail.memory = 64M;
		allow.raw_sockets;
		allow.sysvipc;
		persist;
		jid = 77;
	}
	other { path = "/nonexistent"; }
	EOF
	run_sjtest -f "$conf" www "${RACE[@]}"
	expect_eq "$rc" 0 "status (stderr: $err)"
	expect_match "$(tail -1 <<<"$out")" "^[0-9]+ held, 0 escaped, [0-9]+ not applicable$" \
		"summary"
	bad=$(results | awk '$2 != "held" && $2 != "n/a"')
	expect_eq "$bad" "" "probes that did not hold"
	expect_match "$out" $'\n''sysv-shm-host +ipc +n/a +the jail has allow.sysvipc' \
		"System V IPC shared by allow.sysvipc"
	expect_match "$out" $'\n''fork-bomb +resource +held +fork failed with EAGAIN after' \
		"the fork bomb against maxproc"
	expect_match "$out" $'\n''memory-hog +resource +held +killed \(out of memory\) after' \
		"the memory hog against sysjail.memory"
	# The jail has its address; it binds no other, with or without
	# IP_FREEBIND (allow.raw_sockets does not change that).
	expect_match "$out" $'\n''bind-freebind +network +held +IP_FREEBIND: EPERM' \
		"IP_FREEBIND in a jail with an address"
	expect_match "$out" $'\n''bind-host-address +network +held +EADDRNOTAVAIL' \
		"the host's address"
	expect_eq "$(ls -A "$ROOT" | grep '^\.sjtest')" "" "sjtest's directory in the jail's root"
	expect_error "^sjtest: .*nosuch" -- "$SJTEST" -f "$conf" nosuch
}

# A signal mid-run: the jail is killed and everything removed.
test_interrupted() {
	local pid before after
	before=$(fixtures)
	"$SJTEST" -p race --race-time 20000 >"$WORK/int.out" 2>"$WORK/int.err" &
	pid=$!
	defer "kill -KILL $pid"
	for _ in $(seq 100); do
		[ -n "$(fixtures | grep '^fixture')" ] && break
		sleep 0.05
	done
	sleep 0.5
	kill -INT "$pid"
	wait "$pid"
	expect_eq "$?" 130 "status after SIGINT"
	expect_eq "$(cat "$WORK/int.err")" "sjtest: interrupted by SIGINT" "message"
	after=$(fixtures)
	expect_eq "$after" "$before" "left behind after SIGINT"
}

run_tests
