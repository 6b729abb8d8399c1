# mkjail(8): roots built in each mode, real programs run in them under
# jail(8); hostile tarballs refused or neutralised with nothing written
# outside the target; runs over an existing root change nothing that is
# current; bad input fails in one line and leaves nothing behind.
#
# The Debian and arm64 tests run debootstrap against Debian's mirror and
# take about a minute and 4 to 15 minutes (qemu runs the arm64 packages'
# scripts): every test here gets a generous time limit.
TEST_TIMEOUT=${TEST_TIMEOUT:-1200}
. "$SJ_SRC/tests/integration/lib.sh"

MKJAIL=$SJ_BUILD/mkjail

# Emulation for arm64 changes the machine (binfmt_misc mounted, qemu
# registered): do it before the tests start, so the harness does not
# count the binfmt_misc mount as something a test left behind.  The arm64
# test reports how this went.
"$MKJAIL" --emulation arm64 >"$WORK/emulation.out" 2>&1
echo $? >"$WORK/emulation.rc"

# A listing of a tree that changes when anything in it is rewritten
# (directories' times aside: making and removing an entry changes them).
listing() {
	(cd "$1" && {
		find . ! -type d -printf '%p %y %i %s %T@ %m %u:%g %l\n'
		find . -type d -printf '%p %y %i %m %u:%g\n'
	} | sort)
}

# expect_error PATTERN -- command...: fails, one line on stderr.
expect_error() {
	local pattern=$1
	shift 2
	capture "$@"
	[ "$rc" -ne 0 ] || fail "'$*' succeeded"
	expect_eq "$(wc -l <<<"$err")" 1 "lines on stderr for '$*' ($err)"
	expect_match "$err" "$pattern" "message of '$*'"
}

test_programs_shell_pipeline() {
	local r=$WORK/sh
	capture "$MKJAIL" -p /bin/sh -p /usr/bin/tr -p /usr/bin/wc -p sort "$r"
	expect_eq "$rc:$err" "0:" "mkjail -p"
	capture "$JAIL" "$r" h /bin/sh -c 'printf "b c\na b\n" | sort | tr a-z A-Z | wc -w'
	expect_eq "$rc:$out" "0:4" "a pipeline in the jail"
	capture "$JAIL" "$r" h /bin/sh -c 'printf "x\n" | tr x y; ls /tmp 2>&1'
	expect_match "$out" "^y" "tr in the jail"
	expect_eq "$(stat -c %a "$r/tmp")" 1777 "/tmp's mode"
	for d in proc dev sys etc/passwd etc/group etc/hosts etc/nsswitch.conf; do
		[ -e "$r/$d" ] || fail "the root has no /$d"
	done
	[ -L "$r/bin/sh" ] && [ -L "$r/lib64" ] || fail "the host's symlinks were not made again"
	capture "$MKJAIL" --check "$r"
	expect_eq "$rc:$out" "0:$r: ready to run /bin/sh in a jail" "--check"
}

test_python_script_writes_file() {
	local r=$WORK/py
	capture "$MKJAIL" -p /usr/bin/python3 "$r"
	expect_eq "$rc:$err" "0:" "mkjail -p /usr/bin/python3"
	[ -f "$r/usr/lib/python3.11/os.py" ] || fail "no standard library in the root"
	[ -f "$r/etc/python3.11/sitecustomize.py" ] || fail "a symlink's target outside the tree"
	mkdir -p "$r/srv"
	cat >"$r/srv/write.py" <<-'EOF'
	import hashlib, json, sqlite3, sys
	db = sqlite3.connect(":memory:")
	n = db.execute("select 6 * 7").fetchone()[0]
	with open("/tmp/result.json", "w") as f:
	    json.dump({"n": n, "sha": hashlib.sha256(b"jail").hexdigest()[:12],
	               "exe": sys.executable}, f)
	EOF
	capture "$JAIL" "$r" h /usr/bin/python3 /srv/write.py
	expect_eq "$rc" 0 "python3 in the jail ($err)"
	expect_eq "$(cat "$r/tmp/result.json")" \
		'{"n": 42, "sha": "'"$(printf jail | sha256sum | cut -c1-12)"'", "exe": "/usr/bin/python3"}' \
		"the file the script wrote, read from outside"
	# Root's jail's root is idmapped; a user's files are their jail's root's.
	expect_eq "$(stat -c %u:%g "$r/tmp/result.json")" \
		"$([ "$(id -u)" = 0 ] && echo 0:0 || echo "$(id -u):$(id -g)")" "its owner on disk"
	capture "$MKJAIL" --check "$r" python3
	expect_eq "$rc" 0 "--check python3 ($out)"
}

test_busybox_httpd() {
	local r=$WORK/tiny
	capture "$MKJAIL" --busybox "$r"
	expect_eq "$rc:$err" "0:" "mkjail --busybox"
	mkdir "$r/www"
	echo "hello from the jail" >"$r/www/index.html"
	# httpd in the jail's own network namespace (loopback only), asked
	# from inside the same jail; a bounded wait for it to listen.
	capture "$JAIL" "$r" h /bin/sh -c 'httpd -p 127.0.0.1:8080 -h /www || exit 2
		i=0
		while [ $i -lt 50 ]; do
			wget -qO- http://127.0.0.1:8080/ && exit 0
			i=$((i + 1)); sleep 0.1
		done
		exit 1'
	expect_eq "$rc:$out" "0:hello from the jail" "busybox httpd answering wget in the jail"
	capture "$JAIL" "$r" h /bin/sh -c 'cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d " "'
	expect_eq "$out" lo "the jail's interfaces"
}

test_rerun_changes_nothing() {
	local r=$WORK/again before after
	"$MKJAIL" --busybox -p /usr/bin/python3 -p /bin/sh "$r" || fail "first run"
	before=$(listing "$r")
	capture "$MKJAIL" --busybox -p /usr/bin/python3 -p /bin/sh "$r"
	expect_eq "$rc:$err" "0:" "second run"
	after=$(listing "$r")
	[ "$before" = "$after" ] || fail "the second run changed: $(diff <(echo "$before") <(echo "$after") | head -5)"
	# What changed on the host is brought up to date, and only that.
	rm "$r/usr/bin/dash"
	echo garbage >"$r/usr/lib/python3.11/os.py"
	capture "$MKJAIL" -v --busybox -p /usr/bin/python3 -p /bin/sh "$r"
	expect_match "$err" "1 created, 1 updated" "the repair"
	cmp -s "$r/usr/lib/python3.11/os.py" /usr/lib/python3.11/os.py || fail "os.py not repaired"
	capture "$JAIL" "$r" h /bin/sh -c 'echo ok'
	expect_eq "$out" ok "the repaired root"
}

# What a jail could leave in its root for the next run: symlinks to the
# host's files.  The run replaces them or fails; it never writes through.
test_rerun_over_planted_symlinks() {
	local r=$WORK/planted o=$WORK/outside before
	"$MKJAIL" -p /bin/sh "$r" >/dev/null || fail "mkjail"
	mkdir "$o"
	echo keep >"$o/libc.so.6"
	before=$(listing "$o"; cat "$o/libc.so.6")
	ln -sf "$o/libc.so.6" "$r/usr/lib/x86_64-linux-gnu/libc.so.6"
	ln -sf ../../../../../../../../..$o/libc.so.6 "$r/usr/lib64/ld-linux-x86-64.so.2"
	capture "$MKJAIL" -p /bin/sh "$r"
	expect_eq "$rc:$err" "0:" "running over planted symlinks"
	[ -f "$r/usr/lib/x86_64-linux-gnu/libc.so.6" ] && [ ! -L "$r/usr/lib/x86_64-linux-gnu/libc.so.6" ] ||
		fail "the planted libc.so.6 symlink is still there"
	capture "$JAIL" "$r" h /bin/sh -c 'echo ok'
	expect_eq "$out" ok "the root after the run"
	# A directory that leads out of the root: nothing is made through it.
	rm -r "$r/usr/bin"
	ln -s ../../../../../../../../..$o "$r/usr/bin"
	capture "$MKJAIL" -p /bin/sh "$r"
	[ "$rc" -ne 0 ] || fail "running through a directory symlink that leads out succeeded"
	expect_eq "$(listing "$o"; cat "$o/libc.so.6")" "$before" "the host's files"
}

# A rootfs tarball made by GNU tar from a busybox root.
make_tarball() {
	local src=$WORK/tarsrc
	"$MKJAIL" --busybox "$src" >/dev/null || fail "mkjail --busybox"
	mkdir -p "$src/home/u"
	echo owned >"$src/home/u/file"
	chown -R 1234:2345 "$src/home/u"
	ln "$src/home/u/file" "$src/home/u/link"
	tar -C "$src" -czf "$1" .
}

test_tar_rootfs_runs() {
	local r=$WORK/img before
	needs_root "a tarball's owners are kept only by root"
	make_tarball "$WORK/rootfs.tar.gz"
	capture "$MKJAIL" --tar "$WORK/rootfs.tar.gz" "$r"
	expect_eq "$rc:$err" "0:" "mkjail --tar"
	capture "$JAIL" "$r" h /bin/sh -c 'cat /home/u/file | tr a-z A-Z; stat -c %u:%g /home/u/file'
	expect_eq "$out" "OWNED
1234:2345" "a pipeline in the unpacked root, and the owner kept"
	expect_eq "$(stat -c %i "$r/home/u/file")" "$(stat -c %i "$r/home/u/link")" "the hard link"
	before=$(listing "$r")
	capture "$MKJAIL" --tar "$WORK/rootfs.tar.gz" "$r"
	expect_eq "$rc:$err" "0:" "unpacking again"
	[ "$before" = "$(listing "$r")" ] || fail "unpacking again changed the root"
}

# Tarballs with every kind of hostile entry, made with python's tarfile.
make_hostile() {
	python3 - "$@" <<-'EOF'
	import io, sys, tarfile
	out, sentinel, kind = sys.argv[1:4]
	t = tarfile.open(out, "w", format=tarfile.PAX_FORMAT)
	def add(name, type=tarfile.REGTYPE, data=b"x", mode=0o644, link="", dev=(0, 0)):
	    i = tarfile.TarInfo(name)
	    i.type, i.mode, i.linkname = type, mode, link
	    i.devmajor, i.devminor = dev
	    i.size = len(data) if type == tarfile.REGTYPE else 0
	    t.addfile(i, io.BytesIO(data) if type == tarfile.REGTYPE else None)
	add("ok-file", data=b"fine\n")
	if kind == "hostile":
	    add("../escape-dotdot")
	    add("a/../../escape-inner")
	    add(sentinel + "/abs-file")
	    add("out", tarfile.SYMTYPE, link=sentinel)
	    add("out/pwned")
	    add("hl-shadow", tarfile.LNKTYPE, link="/etc/shadow")
	    add("hl-up", tarfile.LNKTYPE, link="../../../../etc/shadow")
	    add("x/" * 2100 + "f")
	    add("y" * 300)
	else:
	    add("up", tarfile.SYMTYPE, link="../../../../../../../..")
	    add("up/inside", data=b"landed inside\n")
	    add("victim", tarfile.SYMTYPE, link=sentinel + "/file")
	    add("victim", data=b"replaced the link\n")
	    add("dev-sda", tarfile.BLKTYPE, dev=(8, 0), mode=0o666)
	    add("dev-mem", tarfile.CHRTYPE, dev=(1, 1), mode=0o666)
	    add("suid", data=b"#!/bin/sh\n", mode=0o4755)
	    add("ok-link", tarfile.LNKTYPE, link="ok-file")
	t.close()
	EOF
}

# What could have been written outside target $T: everything next to it.
outside() {
	listing "${T%/*}" | grep -v '^./target'
	cat "${T%/*}/sentinel/file"
	sha256sum /etc/shadow
	ls /escape-dotdot /escape-inner /pwned 2>&1
}

# A directory for a tarball test: a sentinel, and the target next to it.
tar_place() {
	mkdir -p "$WORK/$1/sentinel"
	echo original >"$WORK/$1/sentinel/file"
	T=$WORK/$1/target
}

test_tar_hostile_refused() {
	local T r before line tar=$WORK/hostile/hostile.tar
	tar_place hostile
	r=$T
	make_hostile "$tar" "$WORK/hostile/sentinel" hostile || fail "making the tarball"
	before=$(outside)
	capture "$MKJAIL" --tar "$tar" "$r"
	expect_eq "$rc" 1 "status"
	for line in "../escape-dotdot: refused: '..' in the name" \
		"a/../../escape-inner: refused: '..' in the name" \
		"$WORK/hostile/sentinel/abs-file: refused: absolute name" \
		"out/pwned: refused: out: No such file or directory" \
		"hl-shadow: refused: hard link target: absolute name" \
		"hl-up: refused: hard link target: '..' in the name" \
		"x/x/x.*\\(4201 characters\\): refused: name too long" \
		"yyyy.*: refused: .*File name too long"; do
		expect_match "$err" "warning: $tar: $line" "refusal reported"
	done
	expect_eq "$(tail -1 <<<"$err")" "mkjail: $tar: 8 entries refused" "last line"
	[ ! -e "$r" ] || fail "the failed run left $r"
	expect_eq "$(outside)" "$before" "what is outside the target"
	# Over an existing root: the root is as it was.
	"$MKJAIL" --busybox "$r" >/dev/null || fail "mkjail --busybox"
	before=$(listing "$r")
	capture "$MKJAIL" --tar "$tar" "$r"
	expect_eq "$rc" 1 "status over an existing root"
	expect_eq "$(listing "$r")" "$before" "the existing root after the refusal"
}

test_tar_neutralised() {
	local T r before tar=$WORK/neutral/neutral.tar
	tar_place neutral
	r=$T
	make_hostile "$tar" "$WORK/neutral/sentinel" neutral || fail "making the tarball"
	before=$(outside)
	capture "$MKJAIL" --tar "$tar" "$r"
	expect_eq "$rc" 0 "status ($err)"
	expect_match "$err" "dev-sda: device node skipped" "the device node reported"
	expect_match "$err" "suid: setuid and setgid bits dropped" "the setuid bit reported"
	expect_match "$err" "up: symlink climbs above the root" "the climbing symlink reported"
	[ ! -e "$r/dev-sda" ] && [ ! -e "$r/dev-mem" ] || fail "device nodes were made"
	expect_eq "$(stat -c %a "$r/suid")" 755 "the setuid file's mode"
	expect_eq "$(cat "$r/inside")" "landed inside" "the entry written through the symlink"
	expect_eq "$(cat "$r/victim")" "replaced the link" "the entry over a symlink"
	expect_eq "$(stat -c %i "$r/ok-file")" "$(stat -c %i "$r/ok-link")" "the hard link"
	expect_eq "$(outside)" "$before" "what is outside the target"
	# Device nodes are root's to make.
	[ "$(id -u)" = 0 ] || return 0
	capture "$MKJAIL" --tar "$tar" --devices "$r"
	expect_eq "$rc" 0 "status with --devices ($err)"
	expect_eq "$(stat -c %F:%t:%T "$r/dev-sda")" "block special file:8:0" "--devices"
	# The jail mounts its root nodev: the node gives nothing.
	mkdir -p "$r/bin"
	cp /bin/busybox "$r/bin/busybox"
	capture "$JAIL" "$r" h /bin/busybox head -c 1 /dev-mem
	[ "$rc" -ne 0 ] || fail "reading the device node in the jail succeeded"
	expect_match "$err" "Permission denied" "reading the device node in the jail"
}

test_check_reports_lacks() {
	local r=$WORK/lacks
	"$MKJAIL" -p /bin/sh -p /usr/bin/tr "$r" >/dev/null || fail "mkjail"
	rm "$r/usr/lib/x86_64-linux-gnu/libc.so.6"
	rmdir "$r/tmp"
	capture "$MKJAIL" --check "$r" tr
	expect_eq "$rc" 1 "status"
	expect_match "$out" "$r: /tmp: no mount point" "the missing /tmp"
	expect_match "$out" "$r: libc.so.6: not found \(needed by /usr/bin/tr\)" "the missing libc"
	expect_eq "$err" "mkjail: $r lacks 2 things to run tr" "the summary"
	capture "$MKJAIL" --check "$r" /usr/bin/nosuch
	expect_match "$out" "/usr/bin/nosuch: No such file or directory" "a missing command"
	capture "$MKJAIL" -p /bin/sh -p /usr/bin/tr "$r"
	expect_eq "$rc:$err" "0:" "repairing"
	capture "$MKJAIL" --check "$r" tr
	expect_eq "$rc" 0 "--check after the repair ($out)"
}

test_files_and_data() {
	local r=$WORK/data
	capture "$MKJAIL" -p /bin/sh -p date -f /etc/services -f /usr/share/zoneinfo/Europe --timezone \
		--locale "$r"
	expect_eq "$rc:$err" "0:" "mkjail -f --timezone --locale"
	capture "$JAIL" "$r" h /bin/sh -c 'TZ=Europe/Paris date -d @0 +%H; echo /usr/lib/locale/*'
	expect_eq "$out" "01
/usr/lib/locale/C.utf8" "time zone and locale data in the jail"
	[ -f "$r/etc/services" ] || fail "-f /etc/services"
}

test_bad_input() {
	local r=$WORK/bad before
	expect_error "^mkjail: nothing to put in $r: give" -- "$MKJAIL" "$r"
	expect_error "^mkjail: /nonexistent: No such file or directory$" -- "$MKJAIL" -p /nonexistent "$r"
	[ ! -e "$r" ] || fail "a failed run left $r"
	expect_error "^mkjail: tar: $WORK/none.tar: No such file" -- "$MKJAIL" --tar "$WORK/none.tar" "$r"
	expect_error "^mkjail: arch: 'vax' is not an architecture" -- "$MKJAIL" --debian bookworm --arch vax "$r"
	expect_error "^mkjail: debian: 'bad/suite' is not a suite name$" -- "$MKJAIL" --debian bad/suite "$r"
	expect_error "^mkjail: --arch arm64: host programs and busybox are amd64" -- \
		"$MKJAIL" --busybox --arch arm64 "$r"
	expect_error "^mkjail: /: refusing to build a root over the host's /$" -- "$MKJAIL" --busybox /
	expect_error "^mkjail: unknown option --nosuch" -- "$MKJAIL" --nosuch "$r"
	expect_error "^mkjail: --devices applies to --tar only$" -- "$MKJAIL" --busybox --devices "$r"
	expect_error "^mkjail: missing the directory" -- "$MKJAIL" --busybox
	[ ! -e "$r" ] || fail "a failed run left $r"
	# A failure over an existing root removes only what that run made.
	"$MKJAIL" --busybox "$r" >/dev/null || fail "mkjail --busybox"
	before=$(listing "$r")
	expect_error "^mkjail: /nonexistent: No such file or directory$" -- \
		"$MKJAIL" -p /usr/bin/getent -p /nonexistent "$r"
	expect_eq "$(listing "$r")" "$before" "the root after the failed run"
	touch "$r/junk"
	if [ "$(id -u)" = 0 ]; then
		expect_error "is neither empty nor a Debian root" -- "$MKJAIL" --debian bookworm "$r"
	else
		expect_error "^mkjail: debian: debootstrap needs root$" -- \
			"$MKJAIL" --debian bookworm "$r"
	fi
}

test_debian_bookworm() {
	local r=$WORK/deb start
	needs_root "debootstrap needs root"
	capture "$MKJAIL" --debian bookworm "$r"
	expect_eq "$rc" 0 "mkjail --debian bookworm ($err)"
	capture "$JAIL" "$r" deb /bin/sh -c \
		'cat /etc/debian_version | cut -d. -f1; dpkg-query -W -f="\${Status}\n" apt; hostname'
	expect_eq "$out" "12
install ok installed
deb" "Debian in the jail"
	start=$SECONDS
	capture "$MKJAIL" -v --debian bookworm "$r"
	expect_eq "$rc" 0 "running again ($err)"
	expect_match "$err" "already holds Debian bookworm for amd64: not bootstrapped again" "again"
	[ $((SECONDS - start)) -lt 10 ] || fail "running again bootstrapped again"
}

test_debian_arm64() {
	local r=$WORK/arm
	needs_root "debootstrap and registering an emulator need root"
	[ "$(cat "$WORK/emulation.rc")" = 0 ] ||
		fail "arm64 emulation could not be set up: $(tail -1 "$WORK/emulation.out")"
	expect_match "$(cat "$WORK/emulation.out")" "flags [A-Z]*F" "the F flag"
	capture "$MKJAIL" --debian bookworm --arch arm64 "$r"
	expect_eq "$rc" 0 "mkjail --debian bookworm --arch arm64 ($err)"
	capture "$JAIL" "$r" arm /bin/sh -c 'uname -m; echo hello | tr a-z A-Z; echo made >/tmp/f'
	expect_eq "$rc:$out" "0:aarch64
HELLO" "arm64 programs in the jail"
	expect_eq "$(stat -c %u "$r/tmp/f")" 0 "a file the jail wrote"
	# The same confinement as native: the emulator's system calls meet the
	# jail's filter and capabilities.
	capture "$JAIL" "$r" arm /bin/sh -c 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status; hostname evil'
	expect_match "$out" "NoNewPrivs:.1" "no_new_privs under emulation"
	expect_match "$out" "Seccomp:.2" "the seccomp filter under emulation"
	[ "$rc" -ne 0 ] || fail "hostname succeeded under emulation"
	[ "$(hostname)" != evil ] || fail "the host's hostname changed"
	capture "$MKJAIL" --check "$r"
	expect_eq "$rc" 0 "--check of the arm64 root ($out)"
}

run_tests
