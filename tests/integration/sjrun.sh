# sjrun(8): sysjail as an OCI runtime, end to end.  The same scripts run
# with runc as the reference (a difference is ours): bundles driven by
# the runtime's own command line, podman (private --root, --runroot and
# containers.conf, cgroupfs, file events, --network none) on a local image
# made with `podman import`, and a containerd started privately on its own
# socket and directories with `ctr run --runc-binary`.  Every container,
# process, mount, directory and cgroup a test makes is removed when it
# ends, however it ends; the private containerd is stopped by its pid.
. "$SJ_SRC/tests/integration/lib.sh"
file_needs_root "podman, containerd and the OCI runtime run as root here"
SJRUN=$SJ_BUILD/sjrun
JLS=$SJ_BUILD/jls
JEXEC=$SJ_BUILD/jexec
RUNC=$(command -v runc)
PODMAN=$(command -v podman)
CTR=$(command -v ctr)
CONTAINERD=$(command -v containerd)
# Our own cgroup parents, removed at the end: nothing of the machine's.
CG_PODMAN=sjrun-tests-podman.$$
CT_NS=sjrun-tests-$$
STATE=$WORK/sjrun-root
RUNC_STATE=$WORK/runc-root

missing=""
for t in "$RUNC" "$PODMAN" "$CTR" "$CONTAINERD" "$(command -v conmon)" "$(command -v python3)"; do
	[ -n "$t" ] || missing=1
done
if [ -n "$missing" ]; then
	echo "skip - all: sjrun's tests need runc, podman, conmon, containerd and python3 (./build.sh installs them)"
	exit 0
fi

# The image: busybox, every applet linked, a passwd and group.
IMAGE_ROOT=$WORK/image
mkdir -p "$IMAGE_ROOT"/bin "$IMAGE_ROOT"/etc "$IMAGE_ROOT"/tmp "$IMAGE_ROOT"/root
cp /bin/busybox "$IMAGE_ROOT"/bin/busybox
for a in $("$IMAGE_ROOT"/bin/busybox --list); do
	[ "$a" = busybox ] || ln -s busybox "$IMAGE_ROOT/bin/$a"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$IMAGE_ROOT"/etc/passwd
printf 'root:x:0:\nnobody:x:65534:\n' >"$IMAGE_ROOT"/etc/group
tar -C "$IMAGE_ROOT" -cf "$WORK/image.tar" .

# Podman's private world.
PM=$WORK/podman
mkdir -p "$PM"
cat >"$PM/containers.conf" <<EOF
[containers]
# Root here has no CAP_SYS_RESOURCE: podman's defaults are above its limits.
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
conmon_env_vars = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "SYSJAIL_RUNDIR=$SYSJAIL_RUNDIR", "SYSJAIL_CGROUP=$SYSJAIL_CGROUP"]
runtime_supports_json = ["sjrun", "runc"]
[engine.runtimes]
sjrun = ["$SJRUN"]
runc = ["$RUNC"]
EOF
export CONTAINERS_CONF=$PM/containers.conf
pm() {
	"$PODMAN" --root "$PM/root" --runroot "$PM/runroot" --tmpdir "$PM/tmp" \
		--storage-driver overlay --cgroup-manager cgroupfs --events-backend file \
		--runtime "$RT" "$@"
}
RT=sjrun pm import "$WORK/image.tar" localhost/sjrun-bb >/dev/null 2>&1
RT=sjrun pm save --format oci-archive -o "$WORK/image-oci.tar" localhost/sjrun-bb >/dev/null 2>&1

# What containerd's shim makes outside our directories: /run/containerd
# (its sockets, fifos, and runc's --root), removed unless it was there.
_run_containerd_before=$([ -e /run/containerd ] && echo yes)
# podman calls its runtime without --root: /run/sjrun and /run/runc.
_run_roots_made=()
for d in /run/sjrun /run/runc; do
	[ -e "$d" ] || _run_roots_made+=("$d")
done

sjrun_cleanup() {
	# podman's containers, then its storage (overlay mounts our own).
	RT=sjrun pm rm -af -t 0 >/dev/null 2>&1
	RT=sjrun pm system reset -f >/dev/null 2>&1
	awk -v w="$WORK/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m"; done
	for h in /sys/fs/cgroup/*/; do
		for g in "$h$CG_PODMAN"/* "$h$CG_PODMAN" "$h$CT_NS"/* "$h$CT_NS"; do
			[ -d "$g" ] && rmdir "$g" 2>/dev/null
		done
	done
	[ -z "$_run_containerd_before" ] && rm -rf /run/containerd
	[ -n "$_run_containerd_before" ] && rm -rf "/run/containerd/runc/$CT_NS"
	for d in "${_run_roots_made[@]}"; do
		rmdir "$d" 2>/dev/null
	done
	lib_cleanup
}
trap sjrun_cleanup EXIT

# A bundle in $1 from `runc spec`, the process given as arguments.
make_bundle() {
	local dir=$1
	shift
	mkdir -p "$dir"
	cp -a "$IMAGE_ROOT" "$dir/rootfs"
	(cd "$dir" && "$RUNC" spec)
	python3 - "$dir/config.json" "$@" <<-'EOF'
	import json, sys
	path, args = sys.argv[1], sys.argv[2:]
	c = json.load(open(path))
	c["process"]["terminal"] = False
	c["process"]["args"] = args
	c["hostname"] = "oci-test"
	json.dump(c, open(path, "w"), indent=1)
	EOF
}

# Change config.json in bundle $1 with python statements on `c`.
edit_bundle() {
	python3 - "$1/config.json" "$2" <<-'EOF'
	import json, sys
	c = json.load(open(sys.argv[1]))
	exec(sys.argv[2])
	json.dump(c, open(sys.argv[1], "w"), indent=1)
	EOF
}

# The runtime under test, with its own --root.
rt() {
	if [ "$RT" = sjrun ]; then
		"$SJRUN" --root "$STATE" "$@"
	else
		"$RUNC" --root "$RUNC_STATE" "$@"
	fi
}

status_of() {
	rt state "$1" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])'
}

# ---- the runtime's own command line, with sjrun and runc ---------------

# create, start, state, kill, delete; the pid file; the process a child
# of the caller's reaper (here a python subreaper) with nothing between.
lifecycle() {
	local b=$WORK/b-$RT id=life-$RT out
	make_bundle "$b" sh -c 'trap "exit 143" TERM; while :; do sleep 0.1; done'
	defer "rt delete -f $id"
	out=$(python3 - "$b" "$id" <<-EOF
	import ctypes, json, os, subprocess, sys, time
	b, cid = sys.argv[1], sys.argv[2]
	ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)   # PR_SET_CHILD_SUBREAPER
	rt = ["$SJRUN", "--root", "$STATE"] if "$RT" == "sjrun" else ["$RUNC", "--root", "$RUNC_STATE"]
	subprocess.run(rt + ["create", "--bundle", b, "--pid-file", b + "/pid", cid], check=True)
	text = open(b + "/pid").read()
	pid = int(text)
	ppid = [l.split()[1] for l in open("/proc/%d/status" % pid) if l.startswith("PPid:")][0]
	st = json.loads(subprocess.run(rt + ["state", cid], capture_output=True).stdout)
	print("pidfile", repr(text) == repr(str(pid)), "ppid", int(ppid) == os.getpid(),
	      "state", st["status"], st["pid"] == pid, st["id"] == cid, st["bundle"] == b,
	      "ociVersion" in st)
	subprocess.run(rt + ["start", cid], check=True)
	st = json.loads(subprocess.run(rt + ["state", cid], capture_output=True).stdout)
	print("started", st["status"])
	subprocess.run(rt + ["kill", cid, "TERM"], check=True)
	_, status = os.waitpid(pid, 0)
	st = json.loads(subprocess.run(rt + ["state", cid], capture_output=True).stdout)
	print("killed", os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status),
	      st["status"])
	subprocess.run(rt + ["delete", cid], check=True)
	r = subprocess.run(rt + ["state", cid], capture_output=True)
	print("deleted", r.returncode != 0)
	EOF
	)
	expect_eq "$out" "$(printf '%s\n' 'pidfile True ppid True state created True True True True' \
		'started running' 'killed 143 stopped' 'deleted True')" "lifecycle with $RT"
}

test_lifecycle_sjrun() { RT=sjrun lifecycle; }
test_lifecycle_runc() { RT=runc lifecycle; }

# run, exec (process.json and plain), ps, pause and resume, kill --all.
operations() {
	local b=$WORK/o-$RT id=ops-$RT pids
	make_bundle "$b" sleep 1000
	defer "rt delete -f $id"
	rt run --detach --bundle "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run --detach with $RT"
	expect_eq "$(status_of "$id")" running "status after run -d"
	cat >"$WORK/proc-$RT.json" <<-'EOF'
	{"args": ["sh", "-c", "id -u; id -g; echo $HOME"], "cwd": "/tmp",
	 "env": ["PATH=/bin", "HOME=/nowhere"], "user": {"uid": 65534, "gid": 65534}}
	EOF
	capture rt exec --process "$WORK/proc-$RT.json" "$id"
	expect_eq "$out" "$(printf '65534\n65534\n/nowhere')" "exec --process"
	capture rt exec "$id" sh -c 'pwd; exit 9'
	expect_eq "$rc" 9 "exec's status"
	rt exec --detach --pid-file "$WORK/exec-$RT.pid" "$id" sleep 1000 || fail "exec --detach"
	expect_match "$(cat "$WORK/exec-$RT.pid")" '^[0-9]+$' "exec's pid file"
	pids=$(rt ps --format json "$id")
	expect_match "$pids" "$(cat "$WORK/exec-$RT.pid")" "ps --format json lists the exec'd process"
	rt pause "$id" || fail "pause"
	expect_eq "$(status_of "$id")" paused "status after pause"
	expect_match "$(grep State: /proc/"$(cat "$WORK/exec-$RT.pid")"/status)" "S|D" "a paused process"
	rt resume "$id" || fail "resume"
	expect_eq "$(status_of "$id")" running "status after resume"
	rt kill --all "$id" KILL || fail "kill --all"
	for _ in $(seq 100); do
		[ "$(status_of "$id")" = stopped ] && break
		sleep 0.05
	done
	expect_eq "$(status_of "$id")" stopped "status after kill --all"
	rt delete "$id" || fail "delete"
	# Gone, or a zombie its new parent has yet to reap.
	grep -q '^State:.*[^Z] (' "/proc/$(cat "$WORK/exec-$RT.pid")/status" 2>/dev/null &&
		fail "the exec'd process outlived its container"
	return 0
}

test_operations_sjrun() { RT=sjrun operations; }
test_operations_runc() { RT=runc operations; }

# ---- sjrun only: every container is a jail -------------------------------

test_container_is_a_jail() {
	local b=$WORK/jail id=visible
	RT=sjrun
	make_bundle "$b" sleep 1000
	defer "rt delete -f $id"
	rt create --bundle "$b" "$id" || fail "create"
	rt start "$id" || fail "start"
	capture "$JLS" -j "$id" name host.hostname path
	expect_eq "$out" "$id oci-test $b/rootfs" "jls sees the container"
	capture "$JEXEC" "$id" sh -c 'hostname; ps -o pid,comm | tail -n +2 | head -2'
	expect_eq "$out" "$(printf 'oci-test\n    1 sysjail-init\n    2 sleep')" "jexec enters it"
	expect_eq "$(rt state "$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["sysjail.jid"])')" \
		"$("$JLS" -j "$id" jid)" "the state names the jail"
}

test_namespaces_joined_by_path() {
	local a=$WORK/ns-a b=$WORK/ns-b pid
	RT=sjrun
	make_bundle "$a" sleep 1000
	make_bundle "$b" sh -c 'hostname; ps -o comm | grep -c sleep'
	defer "rt delete -f ns-a"
	rt run -d --bundle "$a" ns-a </dev/null || fail "run a"
	pid=$(rt state ns-a | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
	edit_bundle "$b" "
c['hostname'] = None
for n in c['linux']['namespaces']:
    if n['type'] in ('pid', 'network', 'uts', 'ipc'):
        n['path'] = '/proc/$pid/ns/' + {'network': 'net'}.get(n['type'], n['type'])
"
	capture rt run --bundle "$b" ns-b
	expect_eq "$out" "$(printf 'oci-test\n1')" "b in a's uts and pid namespaces"
	expect_eq "$rc" 0 "run b"
}

test_user_namespace_maps() {
	local b=$WORK/userns
	RT=sjrun
	make_bundle "$b" sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u'
	edit_bundle "$b" "
c['linux']['namespaces'].append({'type': 'user'})
c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 1879048192, 'size': 65536}]
c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': 1879048192, 'size': 65536}]
"
	capture rt run --bundle "$b" userns
	expect_eq "$(tr -s ' ' <<<"$out")" "$(printf ' 0 1879048192 65536\n 0 1879048192 65536\n0')" \
		"the maps asked for"
}

test_seccomp_profile_with_conditions() {
	local b=$WORK/seccomp
	RT=sjrun
	# mkdir denied; kill denied only for signal 10 (an argument condition).
	make_bundle "$b" sh -c 'mkdir /tmp/d 2>&1; kill -0 $$ && echo kill0-ok; kill -USR1 $$ 2>&1; echo done'
	edit_bundle "$b" "
c['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],
  'syscalls': [{'names': ['mkdir', 'mkdirat'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 1},
               {'names': ['kill'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 1, 'value': 10, 'op': 'SCMP_CMP_EQ'}]}]}
"
	capture rt run --bundle "$b" seccomp
	expect_match "$out" "mkdir: can't create directory '/tmp/d': Operation not permitted" "mkdir denied"
	expect_match "$out" "kill0-ok" "kill -0 allowed"
	expect_match "$out" "can't kill pid [0-9]+: Operation not permitted" \
		"kill -USR1 denied by its argument"
}

test_resources_masks_sysctl_hooks() {
	local b=$WORK/res id=res cg
	RT=sjrun
	make_bundle "$b" sh -c 'cat /proc/kcore 2>&1 | head -c 0; echo > /proc/sys/kernel/hostname 2>&1; cat /proc/sys/net/ipv4/ip_forward; sleep 1000'
	edit_bundle "$b" "
c['linux']['cgroupsPath'] = '/$CT_NS/res'
c['linux']['resources'] = {'memory': {'limit': 67108864}, 'pids': {'limit': 77}, 'cpu': {'shares': 512},
                           'devices': [{'allow': False, 'access': 'rwm'}]}
c['linux']['sysctl'] = {'net.ipv4.ip_forward': '1'}
c['hooks'] = {'prestart': [{'path': '/bin/sh', 'args': ['sh', '-c', 'cat > $WORK/hook-prestart']}],
              'poststop': [{'path': '/bin/sh', 'args': ['sh', '-c', 'cat > $WORK/hook-poststop']}]}
"
	defer "rt delete -f $id"
	rt run -d --bundle "$b" "$id" </dev/null >"$WORK/res.out" 2>&1 || fail "run: $(cat "$WORK/res.out")"
	expect_eq "$(cat /sys/fs/cgroup/memory/$CT_NS/res/memory.limit_in_bytes)" 67108864 "memory limit"
	expect_eq "$(cat /sys/fs/cgroup/pids/$CT_NS/res/pids.max)" 77 "pids limit"
	expect_eq "$(cat /sys/fs/cgroup/cpu/$CT_NS/res/cpu.shares)" 512 "cpu shares"
	expect_match "$(cat /sys/fs/cgroup/devices/$CT_NS/res/devices.list)" "c 1:3 rwm" "device rules"
	expect_match "$(cat "$WORK/hook-prestart")" "\"id\":\"res\".*\"pid\":[1-9]" "prestart hook got the state"
	sleep 0.3
	expect_match "$(cat "$WORK/res.out")" "Read-only file system" "/proc/sys read-only"
	expect_match "$(cat "$WORK/res.out")" $'(^|\n)1$' "the sysctl, in the container's namespace"
	expect_eq "$(cat /proc/sys/net/ipv4/ip_forward)" 0 "the host's untouched"
	rt delete -f "$id" || fail "delete -f"
	expect_match "$(cat "$WORK/hook-poststop")" '"status":"stopped"' "poststop hook"
	[ -d "/sys/fs/cgroup/memory/$CT_NS/res" ] && fail "the cgroup outlived the container"
	return 0
}

# Bad bundles: one clear error, non-zero, and nothing left.
bad_bundle() {
	local name=$1 pattern=$2 b=$WORK/bad-$1
	capture "$SJRUN" --root "$STATE" --log "$WORK/bad.log" --log-format json create \
		--bundle "$b" "bad-$name"
	[ "$rc" -ne 0 ] || fail "$name: create succeeded"
	expect_match "$(tail -1 "$WORK/bad.log")" "^\{\"level\": ?\"error\", ?\"msg\": ?\".*$pattern" \
		"$name: the log's JSON line"
	[ -e "$STATE/bad-$name" ] && fail "$name: state left behind"
	return 0
}

test_bad_bundles() {
	local cgs
	cgs=$(find /sys/fs/cgroup/pids/"$SYSJAIL_CGROUP" -mindepth 1 -type d 2>/dev/null)
	mkdir -p "$WORK/bad-missing"
	bad_bundle missing "config.json: No such file or directory"
	make_bundle "$WORK/bad-malformed" true
	echo '{"ociVersion": "1.0.2", "root": {' >"$WORK/bad-malformed/config.json"
	bad_bundle malformed "config.json: line 2, column 0"
	make_bundle "$WORK/bad-nstype" true
	edit_bundle "$WORK/bad-nstype" "c['linux']['namespaces'].append({'type': 'bogus'})"
	bad_bundle nstype "linux.namespaces\\[[0-9]\\]: unknown namespace type 'bogus'"
	make_bundle "$WORK/bad-relative" true
	edit_bundle "$WORK/bad-relative" "c['mounts'].append({'destination': 'data', 'type': 'tmpfs', 'source': 'tmpfs'})"
	bad_bundle relative "destination: 'data' is not an absolute path"
	make_bundle "$WORK/bad-cwd" true
	edit_bundle "$WORK/bad-cwd" "c['process']['cwd'] = 'tmp'"
	bad_bundle cwd "process.cwd: 'tmp' is not an absolute path"
	make_bundle "$WORK/bad-escape" true
	ln -s ../../../../../../../../.. "$WORK/bad-escape/rootfs/escape"
	edit_bundle "$WORK/bad-escape" "c['mounts'].append({'destination': '/escape$WORK/escaped', 'type': 'tmpfs', 'source': 'tmpfs'})"
	bad_bundle escape "escapes the container's root"
	[ -e "$WORK/escaped" ] && fail "a mount target was made outside the root"
	make_bundle "$WORK/bad-cmd" nosuch
	bad_bundle cmd 'exec: ..nosuch..: executable file not found in \$PATH'
	expect_eq "$(find /sys/fs/cgroup/pids/"$SYSJAIL_CGROUP" -mindepth 1 -type d 2>/dev/null)" "$cgs" \
		"no cgroup left"
}

test_help_and_version() {
	capture "$SJRUN" --help
	expect_match "$out" "create --bundle DIR" "--help lists create"
	expect_match "$out" "Run OCI containers as sysjail jails" "--help says what it is"
	capture "$SJRUN" --version
	expect_match "$out" "^sjrun version [0-9.]+" "--version"
	capture "$SJRUN" features
	expect_match "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["ociVersionMax"])' <<<"$out")" \
		"^1\\.1" "features is JSON"
}

# ---- podman --------------------------------------------------------------

podman_suite() {
	local id
	capture pm run --rm --network none --cgroup-parent "/$CG_PODMAN" localhost/sjrun-bb \
		sh -c 'echo hello; hostname | grep -c .'
	expect_eq "$out" "$(printf 'hello\n1')" "podman run ($RT): $err"
	capture pm run --rm -t --network none --cgroup-parent "/$CG_PODMAN" localhost/sjrun-bb tty
	expect_match "$out" "^/dev/pts/[0-9]+" "podman run -t ($RT)"
	for want in 0 1 126 127; do
		case $want in
		0) set -- true ;; 1) set -- false ;; 126) set -- /etc/passwd ;; 127) set -- nosuch ;;
		esac
		pm run --rm --network none --cgroup-parent "/$CG_PODMAN" localhost/sjrun-bb "$@" \
			>/dev/null 2>&1
		expect_eq "$?" "$want" "podman run $* ($RT)"
	done
	id=$(pm run -d --network none --cgroup-parent "/$CG_PODMAN" localhost/sjrun-bb \
		sh -c 'trap "exit 143" TERM; while :; do sleep 0.1; done')
	defer "RT=$RT pm rm -f -t 0 $id"
	capture pm exec "$id" sh -c 'echo in-exec; exit 3'
	expect_eq "$out/$rc" "in-exec/3" "podman exec ($RT)"
	capture pm exec "$id" sh -c 'kill -TERM $$'
	expect_eq "$rc" 143 "podman exec killed by SIGTERM ($RT)"
	capture pm exec -t "$id" tty
	expect_match "$out" "^/dev/pts/[0-9]+" "podman exec -t ($RT)"
	capture pm top "$id"
	expect_match "$out" "while :; do sleep 0.1; done" "podman top ($RT)"
	pm pause "$id" >/dev/null || fail "podman pause ($RT)"
	expect_eq "$(pm inspect --format '{{.State.Status}}' "$id")" paused "after pause ($RT)"
	pm unpause "$id" >/dev/null || fail "podman unpause ($RT)"
	pm update --memory 64m --cpu-quota 50000 "$id" >/dev/null || fail "podman update ($RT)"
	expect_eq "$(cat "/sys/fs/cgroup/memory/$CG_PODMAN/libpod-$id/memory.limit_in_bytes")" \
		67108864 "the memory limit updated ($RT)"
	pm stop -t 10 "$id" >/dev/null || fail "podman stop ($RT)"
	expect_eq "$(pm inspect --format '{{.State.ExitCode}}' "$id")" 143 "stopped by SIGTERM ($RT)"
	pm start "$id" >/dev/null || fail "podman start again ($RT)"
	pm kill "$id" >/dev/null || fail "podman kill ($RT)"
	pm wait "$id" >/dev/null
	expect_eq "$(pm inspect --format '{{.State.ExitCode}}' "$id")" 137 "killed ($RT)"
	pm rm "$id" >/dev/null || fail "podman rm ($RT)"
	[ -d "/sys/fs/cgroup/memory/$CG_PODMAN/libpod-$id" ] && fail "its cgroup is left ($RT)"
	return 0
}

test_podman_sjrun() { RT=sjrun podman_suite; }
test_podman_runc() { RT=runc podman_suite; }

test_podman_container_is_a_jail() {
	local id
	RT=sjrun
	id=$(pm run -d --network none --cgroup-parent "/$CG_PODMAN" --hostname pj localhost/sjrun-bb sleep 1000)
	defer "RT=sjrun pm rm -f -t 0 $id"
	expect_eq "$("$JLS" -j "$id" host.hostname)" pj "jls sees podman's container"
	capture "$JEXEC" "$id" hostname
	expect_eq "$out" pj "jexec enters podman's container"
}

# ---- containerd ----------------------------------------------------------

# A containerd of our own: socket, root and state under $WORK; stopped by
# its pid when the test ends, however it ends.
start_containerd() {
	local cd=$WORK/containerd-$RT
	mkdir -p "$cd"
	cat >"$cd/config.toml" <<-EOF
	version = 2
	root = "$cd/root"
	state = "$cd/state"
	disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
	  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
	  "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp"]
	[grpc]
	  address = "$cd/sock"
	[ttrpc]
	  address = "$cd/sock.ttrpc"
	EOF
	"$CONTAINERD" --config "$cd/config.toml" >"$cd/log" 2>&1 &
	CD_PID=$!
	defer "stop_containerd $CD_PID $cd"
	CTR_ARGS=(--address "$cd/sock" --namespace "$CT_NS")
	for _ in $(seq 100); do
		"$CTR" "${CTR_ARGS[@]}" version >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	fail "containerd did not start: $(tail -3 "$cd/log")"
}

stop_containerd() {
	local pid=$1 cd=$2 shim
	"$CTR" --address "$cd/sock" --namespace "$CT_NS" task ls -q 2>/dev/null |
		while read -r t; do
			"$CTR" --address "$cd/sock" --namespace "$CT_NS" task kill -s KILL "$t"
			"$CTR" --address "$cd/sock" --namespace "$CT_NS" task delete -f "$t"
		done
	"$CTR" --address "$cd/sock" --namespace "$CT_NS" containers ls -q 2>/dev/null |
		xargs -r "$CTR" --address "$cd/sock" --namespace "$CT_NS" containers delete
	# Its shims: children of nobody once containerd is gone, found by
	# their -namespace argument, ours alone.
	for shim in $(pgrep -f "containerd-shim-runc-v2 -namespace $CT_NS "); do
		kill -KILL "$shim"
	done
	kill -TERM "$pid"
	wait "$pid"
	awk -v d="$cd/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m"; done
	rm -rf "$cd"
}

ctr_() { "$CTR" "${CTR_ARGS[@]}" "$@"; }

containerd_suite() {
	local bin=$SJRUN
	[ "$RT" = runc ] && bin=$RUNC
	start_containerd
	ctr_ image import --base-name localhost/sjrun-bb "$WORK/image-oci.tar" >/dev/null ||
		fail "ctr image import"
	capture ctr_ run --rm --runc-binary "$bin" localhost/sjrun-bb:latest r1 sh -c 'echo hi; exit 7'
	expect_eq "$out/$rc" "hi/7" "ctr run ($RT)"
	capture ctr_ run --rm --runc-binary "$bin" localhost/sjrun-bb:latest r2 nosuch
	expect_match "$err" 'exec: "nosuch": executable file not found in \$PATH' "ctr run nosuch ($RT)"
	ctr_ run -d --runc-binary "$bin" localhost/sjrun-bb:latest d1 \
		sh -c 'trap "exit 143" TERM; while :; do sleep 0.1; done' >/dev/null || fail "ctr run -d ($RT)"
	capture ctr_ task exec --exec-id e1 d1 sh -c 'echo in-exec; exit 4'
	expect_eq "$out/$rc" "in-exec/4" "ctr task exec ($RT)"
	capture ctr_ task ps d1
	expect_eq "$(grep -c '^[0-9]' <<<"$out")" "$(($(rt_procs d1)))" "ctr task ps ($RT)"
	ctr_ task pause d1 || fail "ctr task pause ($RT)"
	expect_match "$(ctr_ task ls)" "d1 +[0-9]+ +PAUSED" "paused ($RT)"
	ctr_ task resume d1 || fail "ctr task resume ($RT)"
	ctr_ task kill d1 || fail "ctr task kill ($RT)"
	for _ in $(seq 100); do
		ctr_ task ls | grep -q 'd1 .*STOPPED' && break
		sleep 0.05
	done
	expect_match "$(ctr_ task ls)" "d1 +[0-9]+ +STOPPED" "stopped ($RT)"
	ctr_ task delete d1 >/dev/null || fail "ctr task delete ($RT)"
	ctr_ containers delete d1 || fail "ctr containers delete ($RT)"
}

# How many processes ctr should list: the container's cgroup's.
rt_procs() {
	wc -l <"/sys/fs/cgroup/pids/$CT_NS/$1/cgroup.procs"
}

test_containerd_sjrun() { RT=sjrun containerd_suite; }
test_containerd_runc() { RT=runc containerd_suite; }

run_tests
