# jail(8) and bad input: one clear line on stderr, a non-zero status, and
# nothing left behind (the harness checks mounts, processes, namespaces
# and registry entries after every test).
. "$SJ_SRC/tests/integration/lib.sh"
make_root "$ROOT"

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

test_missing_path() {
	expect_error 1 "^jail: path: a jail needs a path" -- \
		"$JAIL" -c host.hostname=h command=/bin/true
}

test_relative_path() {
	expect_error 1 "^jail: path: 'srv/web' is not an absolute path" -- \
		"$JAIL" srv/web h /bin/true
}

test_path_does_not_exist() {
	expect_error 1 "^jail: path: $WORK/nonexistent: No such file or directory" -- \
		"$JAIL" "$WORK/nonexistent" h /bin/true
}

test_path_not_a_directory() {
	touch "$WORK/file"
	expect_error 1 "^jail: path: $WORK/file is not a directory" -- \
		"$JAIL" "$WORK/file" h /bin/true
}

test_hostname_too_long() {
	local long
	long=$(printf 'a%.0s' $(seq 65))
	expect_error 1 "^jail: host.hostname: hostname '$long' is too long \(65 characters, at most 64\)" -- \
		"$JAIL" "$ROOT" "$long" /bin/true
}

test_hostname_malformed() {
	expect_error 1 "^jail: host.hostname: hostname 'bad_host' is malformed" -- \
		"$JAIL" "$ROOT" bad_host /bin/true
	expect_error 1 "^jail: host.hostname: hostname '-x' is malformed" -- \
		"$JAIL" "$ROOT" -x /bin/true
	expect_error 1 "^jail: host.hostname: hostname 'a..b' is malformed" -- \
		"$JAIL" -c path="$ROOT" host.hostname=a..b command=/bin/true
}

test_command_not_found() {
	expect_error 127 "^jail: /bin/nosuch: No such file or directory$" -- \
		"$JAIL" "$ROOT" h /bin/nosuch
}

test_command_not_executable() {
	expect_error 126 "^jail: /etc/passwd: Permission denied$" -- \
		"$JAIL" "$ROOT" h /etc/passwd
}

test_unknown_parameter() {
	expect_error 1 "^jail: unknown parameter 'foo.bar'$" -- \
		"$JAIL" -c path="$ROOT" foo.bar=1 command=/bin/true
}

test_malformed_values() {
	expect_error 1 "^jail: persist: 'maybe' is not a boolean$" -- \
		"$JAIL" -c path="$ROOT" persist=maybe command=/bin/true
	expect_error 1 "^jail: ip4.addr: '300.1.1.1' is not an IPv4 or IPv6 address$" -- \
		"$JAIL" -c path="$ROOT" ip4.addr=300.1.1.1 command=/bin/true
	expect_error 1 "^jail: ip4.addr: prefix length '33' is out of range \(0-32\)$" -- \
		"$JAIL" -c path="$ROOT" ip4.addr=192.0.2.1/33 command=/bin/true
	expect_error 1 "^jail: ip6.addr: '192.0.2.1' is not an IPv6 address$" -- \
		"$JAIL" -c path="$ROOT" ip6.addr=192.0.2.1 command=/bin/true
	expect_error 1 "^jail: name: jail name 'a/b' has character '/'" -- \
		"$JAIL" -c path="$ROOT" name=a/b command=/bin/true
}

test_addresses_parsed_and_stored() {
	local ns=sjt-addr-$BASHPID
	# The legacy form's third operand counts as addresses only if it
	# parses as a list; root's jail is made either way, a user's
	# refused in one clear line (addresses need root).  Root's addresses
	# are wired (net.sh): in a network namespace of the test's, never on
	# the machine's own network.
	if [ "$(id -u)" = 0 ]; then
		defer "ip netns del $ns"
		ip netns add "$ns" || fail "ip netns add $ns"
		capture nsenter --net="/run/netns/$ns" "$JAIL" "$ROOT" h 192.0.2.10,2001:db8::10/64 /bin/true
		expect_eq "$rc" 0 "legacy form with addresses ($err)"
	else
		capture "$JAIL" "$ROOT" h 192.0.2.10,2001:db8::10/64 /bin/true
		expect_eq "$rc" 1 "a user's jail with addresses"
		expect_match "$err" "^jail: ip4.addr, ip6.addr: a jail's addresses need root " \
			"a user's jail with addresses"
	fi
	capture "$JAIL" "$ROOT" h /bin/echo hello
	expect_eq "$out" hello "legacy form without addresses"
}

# A user's jail is never root's kind: asking for it fails before anything
# is made (nothing of nobody's is created).
test_root_mode_needs_root() {
	command -v setpriv >/dev/null || fail "setpriv is needed"
	needs_root "it runs jail(8) as another user"
	expect_error 1 "^jail: sysjail.mode: 'root' needs root$" -- \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$JAIL" -c path="$ROOT" \
		sysjail.mode=root command=/bin/true
}

test_usage_errors() {
	expect_error 1 "^jail: unknown option -z \(see 'jail --help'\)$" -- "$JAIL" -z "$ROOT" h /bin/true
	expect_error 1 "^jail: missing the command to run" -- "$JAIL" "$ROOT" h
	expect_error 1 "^jail: missing path and hostname operands" -- "$JAIL" "$ROOT"
	expect_error 1 "^jail: option -n needs a value" -- "$JAIL" -n
	capture "$JAIL" --help
	expect_eq "$rc" 0 "--help"
	expect_match "$out" "^usage: jail" "--help output"
}

test_duplicate_name() {
	local pid
	"$JAIL" -n dup "$ROOT" h /bin/sleep 5 &
	pid=$!
	defer "kill_jail $pid"
	for _ in $(seq 100); do
		[ -L "$SYSJAIL_RUNDIR/name/dup" ] && break
		sleep 0.05
	done
	expect_error 1 "^jail: name: jail 'dup' already exists \(jid [0-9]+\)$" -- \
		"$JAIL" -n dup "$ROOT" h /bin/true
}

run_tests
