# Jail addresses: ip4.addr and ip6.addr held by the kernel.
#
# Every test runs in network namespaces it makes: HOST stands in for the
# machine (jail(8) runs there), its nic0 is one end of a veth pair
# standing in for a real NIC, and PEER, at the other end, is another
# machine on that network:
#
#   PEER eth0 192.0.2.2/24 2001:db8::2/64 --- nic0 192.0.2.1/24 2001:db8::1/64 HOST
#
# Nothing is ever sent on the machine's own interfaces.
. "$SJ_SRC/tests/integration/lib.sh"
file_needs_root "a jail's addresses and the test's network namespaces need root"
make_root "$ROOT"
for c in ip nc httpd ping readlink grep; do
	ln -sf busybox "$ROOT/bin/$c"
done
mkdir -p "$ROOT/www"
echo "served by the jail" >"$ROOT/www/index.html"
JLS=$SJ_BUILD/jls
JEXEC=$SJ_BUILD/jexec

# GET / from ADDRESS:PORT, as a client in whatever namespace runs it: the
# body, or "error: why".  Up to TRIES connections 0.1 s apart (the server
# may still be starting), all within TRIES * 0.1 s (at least 2 s): an
# address that never answers costs that, never more.
cat >"$WORK/fetch.py" <<'EOF'
import socket, sys, time
host, port, tries = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
deadline = time.monotonic() + max(2.0, tries * 0.1)
why = None
for _ in range(tries):
    left = deadline - time.monotonic()
    if left <= 0:
        break
    try:
        s = socket.create_connection((host, port), timeout=min(3, left))
        s.sendall(b"GET / HTTP/1.0\r\n\r\n")
        data = b""
        while True:
            b = s.recv(4096)
            if not b:
                break
            data += b
        print(data.decode(errors="replace").split("\r\n\r\n", 1)[-1].strip())
        sys.exit(0)
    except OSError as e:
        why = e.strerror or str(e)
        time.sleep(0.1)
print("error:", why)
sys.exit(1)
EOF

# fetch NETNS ADDRESS [TRIES]: GET / on port 80 from a client in NETNS.
fetch() {
	ip netns exec "$1" python3 "$WORK/fetch.py" "$2" 80 "${3:-50}"
}

# The test network; H and P run a command in HOST and in PEER.
make_net() {
	# Named after the test's own process: one test's leftovers never
	# stop the next.
	HOST=sjt-host-$BASHPID
	PEER=sjt-peer-$BASHPID
	defer "ip netns del $HOST"
	ip netns add "$HOST" || fail "ip netns add $HOST"
	defer "ip netns del $PEER"
	ip netns add "$PEER" || fail "ip netns add $PEER"
	# HOST is entered with nsenter, which leaves /sys alone: `ip netns
	# exec` mounts a /sys of its own, without the cgroup hierarchy the
	# jails' limits need.  PEER only runs clients.
	H="nsenter --net=/run/netns/$HOST"
	P="ip netns exec $PEER"
	$H ip link set lo up
	$P ip link set lo up
	$H ip link add nic0 type veth peer name eth0 netns "$PEER" || fail "the test NIC"
	$H ip addr add 192.0.2.1/24 dev nic0
	$H ip -6 addr add 2001:db8::1/64 dev nic0 nodad
	$H ip link set nic0 up
	$P ip addr add 192.0.2.2/24 dev eth0
	$P ip -6 addr add 2001:db8::2/64 dev eth0 nodad
	$P ip link set eth0 up
	# Every jail goes before the namespaces do (defers run backwards).
	defer "timeout 60 $H $JAIL -r '*'"
}

# What an administrator does so the network reaches bare addresses on
# nic0's networks through the host: forward, and answer NDP for proxies.
route_through_host() {
	$H sysctl -qw net.ipv4.conf.nic0.forwarding=1 net.ipv6.conf.nic0.forwarding=1 \
		net.ipv6.conf.nic0.proxy_ndp=1 net.ipv6.conf.nic0.force_forwarding=1 ||
		fail "forwarding on nic0"
}

# jail NAME PARAM...: a persistent jail made in HOST.
jail() {
	local name=$1
	shift
	$H "$JAIL" -c name="$name" path="$ROOT" persist "$@" || fail "creating jail $name ($*)"
}

# serve NAME: busybox httpd on port 80, any address, in jail NAME.
serve() {
	$H "$JEXEC" "$1" /bin/httpd -p 80 -h /www || fail "httpd in jail $1"
}

# in_jail NAME COMMAND...: run COMMAND in jail NAME; output in $out.
in_jail() {
	local name=$1
	shift
	capture $H "$JEXEC" "$name" "$@"
}

# The host pid of jail NAME's init, from the registry.
init_pid() {
	awk -F= '$1 == "sysjail.pid" { print $2 }' "$SYSJAIL_RUNDIR/jail/$($H "$JLS" -j "$1" jid)"
}

# The jail's view of its own interfaces: "NAME ADDRESS..." per line.
jail_addrs() {
	in_jail "$1" /bin/ip -o addr show
	awk '{ split($4, a, "/"); x[$2] = x[$2] " " $4 } END { for (i in x) print i x[i] }' \
		<<<"$out" | sort
}

# The routes of jail NAME's namespace as the host's ip(8) shows them
# (busybox's leaves out the protocol); "-6": IPv6's.
jail_routes() {
	nsenter --net="/proc/$(init_pid "$1")/ns/net" ip ${2:-} route show
}

# Nothing of any jail left in HOST: interfaces, routes, neighbour and
# proxy entries, journals; PEER as it was made.
expect_host_clean() {
	expect_eq "$($H ip -o link show | awk -F': ' '{ print $2 }' | cut -d@ -f1 | tr '\n' ' ')" \
		"lo nic0 " "HOST's interfaces ($1)"
	expect_eq "$($H ip neigh show proxy)$($H ip -6 neigh show proxy)" "" "HOST's proxy entries ($1)"
	expect_eq "$($H ip route show proto static)$($H ip -6 route show proto static)" "" \
		"HOST's static routes ($1)"
	expect_eq "$($H ip neigh show nud permanent)$($H ip -6 neigh show nud permanent)" "" \
		"HOST's permanent neighbours ($1)"
	expect_eq "$(ls "$SYSJAIL_RUNDIR/net" 2>/dev/null)" "" "journals in the registry ($1)"
	expect_eq "$($P ip -o link show | wc -l)" 2 "PEER's interfaces ($1)"
}

# --- a bare address: a veth, routed by the host ---------------------------

test_bare_address_serves_peer_host_and_ipv6() {
	make_net
	route_through_host
	jail web ip4.addr=192.0.2.10 ip6.addr=2001:db8::10
	serve web
	expect_eq "$(fetch "$PEER" 192.0.2.10)" "served by the jail" "PEER to 192.0.2.10"
	expect_eq "$(fetch "$PEER" 2001:db8::10)" "served by the jail" "PEER to [2001:db8::10]"
	expect_eq "$(fetch "$HOST" 192.0.2.10)" "served by the jail" "HOST to 192.0.2.10"
	expect_eq "$(fetch "$HOST" 2001:db8::10)" "served by the jail" "HOST to [2001:db8::10]"
	# Exactly its addresses, on its only interface but loopback.
	expect_eq "$(jail_addrs web)" "$(printf 'eth0 192.0.2.10/32 2001:db8::10/128\nlo 127.0.0.1/8 ::1/128')" \
		"the jail's interfaces and addresses"
	expect_eq "$(jail_routes web)" "default via 169.254.0.1 dev eth0 proto static onlink " \
		"the jail's IPv4 routes"
	expect_match "$(jail_routes web -6)" "^default via fe80::1 dev eth0 proto static metric 1024 onlink" \
		"the jail's IPv6 routes"
	# The host end: routed to, proxied on nic0 (the address is on its network).
	expect_match "$($H ip route show 192.0.2.10)" "^192.0.2.10 dev sj[0-9]+ proto static scope link" \
		"HOST's route to the jail"
	expect_eq "$($H ip -4 neigh show proxy)" "192.0.2.10 dev nic0 proxy " "HOST's proxy ARP entry"
	expect_eq "$($H ip -6 neigh show proxy)" "2001:db8::10 dev nic0 proxy " "HOST's proxy NDP entry"
	$H "$JAIL" -r web || fail "jail -r web"
	expect_host_clean "after jail -r"
}

test_legacy_form_and_removal_after_manager_killed() {
	local manager jid
	make_net
	route_through_host
	# FreeBSD's form: path hostname address command; not persistent.
	$H "$JAIL" "$ROOT" web 192.0.2.10,2001:db8::10 /bin/httpd -f -p 80 -h /www &
	manager=$!
	defer "kill -KILL $manager"
	expect_eq "$(fetch "$PEER" 192.0.2.10)" "served by the jail" "PEER to the legacy jail"
	expect_eq "$(fetch "$PEER" 2001:db8::10)" "served by the jail" "PEER to the legacy jail (IPv6)"
	jid=$($H "$JLS" jid)
	expect_match "$jid" '^[0-9]+$' "the legacy jail's jid"
	# Its manager dies; the jail lives on, and another process removes it.
	kill -KILL "$manager"
	wait "$manager" 2>/dev/null
	expect_eq "$(fetch "$PEER" 192.0.2.10)" "served by the jail" "the jail without its manager"
	$H "$JAIL" -r "$jid" || fail "jail -r $jid"
	expect_host_clean "after the manager was killed and jail -r"
	expect_match "$(fetch "$PEER" 192.0.2.10 1)" "^error: " "the address after removal"
}

test_jail_that_ends_on_its_own_leaves_nothing() {
	make_net
	capture $H "$JAIL" -c path="$ROOT" ip4.addr=192.0.2.10 ip6.addr=2001:db8::10 \
		'ip4.addr=nic0|192.0.2.20/24' command=/bin/ip -o addr show
	expect_eq "$rc" 0 "a jail whose command ends"
	expect_match "$out" "eth0 +inet 192.0.2.10/32" "its veth address"
	expect_match "$out" "nic0 +inet 192.0.2.20/24" "its macvlan address"
	expect_host_clean "after the jail ended"
}

test_namespace_held_after_removal_is_emptied() {
	local pid held
	make_net
	jail held ip4.addr=192.0.2.10 'ip6.addr=nic0|2001:db8::20'
	pid=$(init_pid held)
	# Something holds the jail's network namespace past its end.
	exec {held}<"/proc/$pid/ns/net" || fail "holding the namespace"
	$H "$JAIL" -r held || fail "jail -r held"
	expect_eq "$(nsenter --net=/proc/self/fd/$held ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')" \
		"lo " "interfaces left in the held namespace"
	exec {held}<&-
	expect_host_clean "with the namespace held"
}

# --- interface|address: a macvlan -------------------------------------------

test_macvlan_address_sits_on_the_network() {
	make_net
	$H ip route add default via 192.0.2.2 dev nic0
	defer "$H ip route del default"
	jail db 'ip4.addr=nic0|192.0.2.20/24' 'ip6.addr=nic0|2001:db8::20'
	serve db
	expect_eq "$(fetch "$PEER" 192.0.2.20)" "served by the jail" "PEER to the macvlan jail"
	expect_eq "$(fetch "$PEER" 2001:db8::20)" "served by the jail" "PEER to the macvlan jail (IPv6)"
	# Named as its parent; without a prefix, the host's on nic0.
	expect_eq "$(jail_addrs db)" "$(printf 'lo 127.0.0.1/8 ::1/128\nnic0 192.0.2.20/24 2001:db8::20/64')" \
		"the jail's interfaces"
	expect_match "$(jail_routes db)" "^default via 192.0.2.2 dev nic0 proto static onlink" \
		"the host's default gateway on nic0"
	# Nothing on the host but what the test made.
	expect_eq "$($H ip neigh show proxy)$($H ip route show proto static)" "" "HOST untouched"
	# FreeBSD's interface parameter: where an address without one goes.
	jail db2 interface=nic0 ip4.addr=192.0.2.21 'ip6.addr=2001:db8::21/64'
	expect_eq "$(jail_addrs db2)" "$(printf 'lo 127.0.0.1/8 ::1/128\nnic0 192.0.2.21/24 2001:db8::21/64')" \
		"interface=nic0"
	expect_eq "$($H "$JLS" -j db2 interface)" nic0 "jls interface"
	capture $H "$JAIL" -c path="$ROOT" persist interface=nosuch0 ip4.addr=192.0.2.22
	expect_eq "$err" "jail: ip4.addr: nosuch0|192.0.2.22 names an interface the host does not have" \
		"interface naming a missing interface"
	capture $H "$JAIL" -c path="$ROOT" persist interface=a/b ip4.addr=192.0.2.22
	expect_eq "$err" "jail: interface: 'a/b' is not an interface name" "a malformed interface"
	$H "$JAIL" -r db db2 || fail "jail -r db db2"
	expect_host_clean "after jail -r"
}

# --- what a jail can and cannot do with its addresses -----------------------

test_any_bind_serves_only_the_jail_addresses() {
	make_net
	route_through_host
	jail web ip4.addr=192.0.2.10 ip6.addr=2001:db8::10/64
	serve web
	expect_eq "$(fetch "$PEER" 192.0.2.10)" "served by the jail" "the jail's address"
	expect_match "$(fetch "$PEER" 192.0.2.1 3)" "^error: Connection refused" \
		"the host's address: the jail's 'any' does not listen there"
	expect_eq "$($H ss -Hltn 'sport = :80')" "" "no listener in HOST"
	for a in 192.0.2.1 192.0.2.11 2001:db8::1 2001:db8::11 198.51.100.1; do
		in_jail web /bin/sjprobe bind "$a"
		expect_eq "$out" "err EADDRNOTAVAIL" "bind to $a"
	done
	for a in 192.0.2.10 2001:db8::10 127.0.0.1 ::1; do
		in_jail web /bin/sjprobe bind "$a"
		expect_eq "$out" "ok" "bind to $a"
	done
	in_jail web /bin/sjprobe bind 192.0.2.1 0 freebind
	expect_eq "$out" "err EPERM" "IP_FREEBIND"
	in_jail web /bin/sjprobe bind 2001:db8::1 0 freebind
	expect_eq "$out" "err EPERM" "IP_FREEBIND on an IPv6 socket"
}

test_two_jails_talk() {
	make_net
	jail a ip4.addr=192.0.2.10 ip6.addr=2001:db8::10
	jail b ip4.addr=198.51.100.7 ip6.addr=2001:db8:1::7
	jail c 'ip4.addr=nic0|192.0.2.20/24' 'ip6.addr=nic0|2001:db8::20/64'
	jail d 'ip4.addr=nic0|192.0.2.21/24' 'ip6.addr=nic0|2001:db8::21/64'
	serve a
	serve c
	expect_eq "$(fetch "$HOST" 192.0.2.10)" "served by the jail" "jail a is up"
	expect_eq "$(fetch "$PEER" 192.0.2.20)" "served by the jail" "jail c is up"
	for dst in 192.0.2.10 2001:db8::10; do
		in_jail b /bin/sh -c "printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 3 $dst 80 | tail -1"
		expect_eq "$out" "served by the jail" "veth jail b to veth jail a at $dst"
	done
	for dst in 192.0.2.20 2001:db8::20; do
		in_jail d /bin/sh -c "printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 3 $dst 80 | tail -1"
		expect_eq "$out" "served by the jail" "macvlan jail d to macvlan jail c at $dst"
	done
}

test_no_raw_sockets_and_no_network_changes() {
	make_net
	jail locked ip4.addr=192.0.2.10 ip6.addr=2001:db8::10
	in_jail locked /bin/sjprobe syscall socket 2 3 1
	expect_eq "$out" "err EPERM" "a raw IPv4 socket"
	in_jail locked /bin/sjprobe syscall socket 10 3 58
	expect_eq "$out" "err EPERM" "a raw IPv6 socket"
	in_jail locked /bin/sjprobe syscall socket 17 3 0
	expect_eq "$out" "err EPERM" "a packet socket"
	in_jail locked /bin/sjprobe syscall socket 16 3 9
	expect_eq "$out" "err EPROTONOSUPPORT" "a netlink socket other than NETLINK_ROUTE"
	in_jail locked /bin/sjprobe syscall socket 31 1 0
	expect_eq "$out" "err EAFNOSUPPORT" "another family (allow.socket_af)"
	for change in "link set eth0 down" "addr add 192.0.2.11/32 dev eth0" \
		"-6 addr add 2001:db8::11/128 dev eth0" "route add 198.51.100.0/24 dev eth0" \
		"route del default" "link add veth9 type veth peer name veth8" \
		"link set lo down" "rule add from 192.0.2.10 table 5"; do
		in_jail locked /bin/ip $change
		[ "$rc" -ne 0 ] || fail "ip $change succeeded in the jail"
		expect_match "$err" "Operation not permitted" "ip $change"
	done
	expect_eq "$(jail_addrs locked)" "$(printf 'eth0 192.0.2.10/32 2001:db8::10/128\nlo 127.0.0.1/8 ::1/128')" \
		"the jail's addresses after the attempts"
	in_jail locked /bin/ip route
	expect_match "$out" "^default via 169.254.0.1 dev eth0 .*onlink" \
		"routes can be read through NETLINK_ROUTE"
}

test_raw_sockets_allowed() {
	make_net
	jail raw ip4.addr=192.0.2.10 allow.raw_sockets
	in_jail raw /bin/sjprobe syscall socket 2 3 1
	expect_match "$out" "^ok " "a raw socket with allow.raw_sockets"
	in_jail raw /bin/sjprobe syscall socket 17 3 0
	expect_match "$out" "^ok " "a packet socket with allow.raw_sockets"
	in_jail raw /bin/ping -c 1 -W 3 192.0.2.1
	expect_eq "$rc" 0 "ping (a raw socket) to the host: $out $err"
	in_jail raw /bin/sjprobe caps
	expect_match "$out" "CapBnd:.00000000a00425fb" "CAP_NET_RAW kept, CAP_NET_ADMIN not"
	for change in "link set eth0 down" "addr add 192.0.2.11/32 dev eth0" \
		"route add 198.51.100.0/24 dev eth0" "link add veth9 type veth peer name veth8"; do
		in_jail raw /bin/ip $change
		[ "$rc" -ne 0 ] || fail "ip $change succeeded with allow.raw_sockets"
		expect_match "$err" "Operation not permitted" "ip $change with allow.raw_sockets"
	done
	in_jail raw /bin/sjprobe bind 192.0.2.1 0 freebind
	expect_eq "$out" "err EPERM" "IP_FREEBIND with allow.raw_sockets"
	$H "$JAIL" -r raw || fail "jail -r raw"
	expect_host_clean "after jail -r"
}

# --- modes, jls, jexec --------------------------------------------------------

test_inherit_disable_and_mixed_modes() {
	local hostns
	make_net
	hostns=$($H readlink /proc/self/ns/net)
	jail inh ip4=inherit
	in_jail inh /bin/readlink /proc/self/ns/net
	expect_eq "$out" "$hostns" "ip4=inherit shares HOST's namespace"
	expect_eq "$($H "$JLS" -j inh ip6)" inherit "ip4=inherit takes ip6 with it"
	jail off ip4=disable ip6=disable
	expect_eq "$(jail_addrs off)" "lo 127.0.0.1/8 ::1/128" "ip4=disable ip6=disable: loopback only"
	jail none
	expect_eq "$(jail_addrs none)" "lo 127.0.0.1/8 ::1/128" "no address: loopback only"
	expect_eq "$($H "$JLS" -j none ip4)" disable "jls: ip4 without an address"
	jail v4only ip4.addr=192.0.2.10 ip6=disable
	expect_eq "$(jail_addrs v4only)" "$(printf 'eth0 192.0.2.10/32\nlo 127.0.0.1/8 ::1/128')" \
		"ip6=disable: no IPv6 on the jail's interface"
	expect_eq "$($H "$JLS" -j v4only ip4)" new "jls: ip4 with an address"
	for bad in "ip4=inherit ip6=new" "ip4=inherit ip6=disable" "ip6=inherit ip4.addr=192.0.2.12"; do
		capture $H "$JAIL" -c path="$ROOT" $bad persist
		[ "$rc" -ne 0 ] || fail "$bad was accepted"
		expect_match "$err" "^jail: ip4=[a-z]+ with ip6=[a-z]+: Linux has one network namespace" "$bad"
	done
}

test_jls_shows_addresses_and_jexec_lands_in_the_namespace() {
	local jid initns
	make_net
	jail web ip4.addr=192.0.2.10,192.0.2.11/24 ip6.addr=2001:db8::10 'ip4.addr=nic0|192.0.2.20'
	jid=$($H "$JLS" -j web jid)
	capture $H "$JLS"
	expect_match "$out" $'\n'" +$jid +192.0.2.10 +web +$ROOT$" "jls: the first address"
	capture $H "$JLS" -v
	expect_eq "$(grep -E '^ +[0-9a-f]*[.:][0-9a-f.:]+$' <<<"$out" | tr -d ' ' | tr '\n' ' ')" \
		"192.0.2.10 192.0.2.11 192.0.2.20 2001:db8::10 " "jls -v: every address"
	capture $H "$JLS" -v --libxo json
	python3 -c 'import json,sys; j=json.load(sys.stdin)["jail-information"]["jail"][0]
assert j["ipv4_addrs"] == ["192.0.2.10", "192.0.2.11", "192.0.2.20"], j
assert j["ipv6_addrs"] == ["2001:db8::10"], j' <<<"$out" || fail "jls -v --libxo json: $out"
	expect_eq "$($H "$JLS" -j web ip4.addr)" "192.0.2.10,192.0.2.11/24,nic0|192.0.2.20" "jls ip4.addr"
	# jexec lands in the namespace of the jail's init.
	initns=$(readlink "/proc/$(init_pid web)/ns/net")
	in_jail web /bin/readlink /proc/self/ns/net
	expect_eq "$out" "$initns" "jexec's network namespace"
	expect_eq "$(jail_addrs web)" \
		"$(printf 'eth0 192.0.2.10/32 192.0.2.11/24 2001:db8::10/128\nlo 127.0.0.1/8 ::1/128\nnic0 192.0.2.20/24')" \
		"the addresses jexec sees"
}

# --- bad input: a clear error, and nothing left -------------------------------

test_bad_addresses() {
	make_net
	jail holder ip4.addr=192.0.2.10 ip6.addr=2001:db8::10
	# An interface a macvlan cannot sit on (not Ethernet).
	$H ip tuntap add tun0 mode tun || fail "a tun device"
	while IFS=';' read -r args pattern; do
		capture $H "$JAIL" -c path="$ROOT" persist $args
		[ "$rc" -ne 0 ] || fail "'$args' was accepted"
		expect_eq "$(wc -l <<<"$err")" 1 "one line for '$args' ($err)"
		expect_match "$err" "$pattern" "the error for '$args'"
	done <<-'EOF'
	ip4.addr=192.0.2.300;^jail: ip4.addr: '192.0.2.300' is not an IPv4 or IPv6 address$
	ip4.addr=192.0.2.5/33;^jail: ip4.addr: prefix length '33' is out of range \(0-32\)$
	ip6.addr=2001:db8::5/129;^jail: ip6.addr: prefix length '129' is out of range \(0-128\)$
	ip4.addr=2001:db8::5;^jail: ip4.addr: '2001:db8::5' is not an IPv4 address$
	ip4.addr=nosuch0|192.0.2.5/24;^jail: ip4.addr: nosuch0\|192.0.2.5/24 names an interface the host does not have$
	ip4.addr=192.0.2.10;^jail: ip4.addr: 192.0.2.10 is held by jail 'holder' \(jid [0-9]+\)$
	ip6.addr=2001:db8::10;^jail: ip6.addr: 2001:db8::10 is held by jail 'holder' \(jid [0-9]+\)$
	ip4.addr=nic0|192.0.2.10/24;^jail: ip4.addr: 192.0.2.10 is held by jail 'holder' \(jid [0-9]+\)$
	ip4.addr=192.0.2.1;^jail: ip4.addr: 192.0.2.1 is an address of the host's own$
	ip6.addr=2001:db8::1;^jail: ip6.addr: 2001:db8::1 is an address of the host's own$
	ip4.addr=192.0.2.5,192.0.2.5;^jail: ip4.addr: 192.0.2.5 is listed twice$
	ip4.addr=127.0.0.5;^jail: ip4.addr: 127.0.0.5 is a loopback address: write lo\|ADDRESS
	ip4.addr=224.0.0.5;^jail: ip4.addr: 224.0.0.5 is not a unicast address$
	ip6.addr=fe80::5;^jail: ip6.addr: fe80::5 is link-local
	ip6.addr=nosuch0|2001:db8::5/64;^jail: ip6.addr: nosuch0\|2001:db8::5/64 names an interface the host does not have$
	ip4.addr=nic0|192.0.2.5/40;^jail: ip4.addr: prefix length '40' is out of range \(0-32\)$
	ip4.addr=192.0.2.5 ip4.addr=192.0.2.5;^jail: ip4.addr: 192.0.2.5 is listed twice$
	ip4.addr+=192.0.2.5;^jail: ip4.addr\+=: '\+=' is for jail.conf\(5\); on the command line, give ip4.addr again
	ip4.addr=nic0|198.51.100.5;^jail: ip4.addr: nic0\|198.51.100.5 has no prefix length, and no address of the host's on that interface
	ip4.addr=198.51.100.5 ip4.addr=tun0|192.0.2.30/24;^jail: network: creating a macvlan on tun0: Invalid argument$
	EOF
	# The last failed after its veth was made: that is gone too.
	$H ip link del tun0
	$H "$JAIL" -r holder || fail "jail -r holder"
	expect_host_clean "after the refused jails"
	expect_eq "$($H "$JLS" jid)" "" "running jails"
}

test_addresses_from_jail_conf() {
	make_net
	# FreeBSD's way: interface, a list, and += with its lo0.
	cat >"$WORK/net.conf" <<-EOF
	path = "$ROOT";
	persist;
	www {
		interface = nic0;
		ip4.addr = 192.0.2.20/24, 192.0.2.21/24;
		ip4.addr += "lo0|127.0.0.20";
		ip6.addr = 2001:db8::20/64;
	}
	EOF
	$H "$JAIL" -f "$WORK/net.conf" -c www || fail "jail -f net.conf -c www"
	expect_eq "$(jail_addrs www)" \
		"$(printf 'lo 127.0.0.1/8 127.0.0.20/32 ::1/128\nnic0 192.0.2.20/24 192.0.2.21/24 2001:db8::20/64')" \
		"the addresses of a jail.conf jail"
	$H "$JAIL" -f "$WORK/net.conf" -r www || fail "jail -r www"
	expect_host_clean "after jail -r"
}

test_loopback_address() {
	make_net
	# FreeBSD's files name the loopback lo0: the same here.
	jail lo2 ip4.addr=192.0.2.10 'ip4.addr=lo|127.0.0.2' 'ip4.addr=lo0|127.0.0.3'
	expect_eq "$(jail_addrs lo2)" \
		"$(printf 'eth0 192.0.2.10/32\nlo 127.0.0.1/8 127.0.0.2/32 127.0.0.3/32 ::1/128')" \
		"lo|127.0.0.2 and lo0|127.0.0.3 on the jail's own loopback"
	in_jail lo2 /bin/sjprobe bind 127.0.0.2
	expect_eq "$out" "ok" "bind to the jail's loopback address"
}

run_tests
