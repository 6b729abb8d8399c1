/*
 * probes.h: the table of sjtest's probes, shared by sjtest (which lists
 * them and reads their results) and sjtest-probe (which runs them inside
 * the jail).  One row per probe:
 *
 *   P(id, name, group, flags, explanation)
 *
 * The helper defines probe_<id>() for every row, so a row without a probe
 * does not link.  A probe flagged SJT_I386 runs twice: through the 64-bit
 * entry and through int $0x80 (the i386 entry, with the i386 branch of
 * the seccomp filter), reported as NAME and NAME-i386.
 *
 * Every probe has a control (sjtest --control runs it outside any jail,
 * where it must reach its target); the calls that would harm the host if
 * they went through get arguments that make them fail after the
 * permission check (bad magic, invalid lengths, missing files), so
 * "reached" means "got past the check that a jail must fail".
 */
#ifndef SJT_PROBES_H
#define SJT_PROBES_H

#define SJT_I386 1u		/* also through int $0x80 */

#define SJT_PROBES(P) \
	P(kill_host_process, "kill-host-process", "process", SJT_I386, \
	  "kill(2) with signal 0 of a host process; held: not in the jail (ESRCH)") \
	P(ptrace_host_process, "ptrace-host-process", "process", SJT_I386, \
	  "PTRACE_SEIZE of a host process; held: the jail cannot trace it") \
	P(process_vm_readv_host, "process-vm-readv-host", "process", SJT_I386, \
	  "process_vm_readv(2) of a host process's memory; held: not read") \
	P(proc_pid_host, "proc-pid-host", "process", SJT_I386, \
	  "statx(2) of /proc/PID of a host process; held: absent from the jail's /proc") \
	P(pidfd_open_host, "pidfd-open-host", "process", SJT_I386, \
	  "pidfd_open(2) of a host process; held: no such process") \
	P(fsetown_host_process, "fsetown-host-process", "process", SJT_I386, \
	  "F_SETOWN of a socket to a host process (a SIGIO target); held: ESRCH") \
	P(signal_jail_manager, "signal-jail-manager", "process", SJT_I386, \
	  "kill(2) with signal 0 of sjtest, the parent of the jail's init; held: ESRCH") \
	P(read_outside_root, "read-outside-root", "fs", SJT_I386, \
	  "open(2) of a marker file outside the jail's root by its host path") \
	P(dotdot_outside_root, "dotdot-outside-root", "fs", SJT_I386, \
	  "open(2) of the marker through /../../.. above the jail's root") \
	P(chroot_fchdir_escape, "chroot-fchdir-escape", "fs", SJT_I386, \
	  "chroot(2) holding a descriptor of /, fchdir(2) to it, chdir .. 64 times, chroot ., open the marker") \
	P(proc_self_root, "proc-self-root", "fs", SJT_I386, \
	  "open(2) of the marker through /proc/self/root") \
	P(proc_pid_root, "proc-pid-root", "fs", SJT_I386, \
	  "open(2) of the marker through /proc/PID/root of a host process and of the jail's init") \
	P(open_by_handle_at, "open-by-handle-at", "fs", SJT_I386, \
	  "open_by_handle_at(2) of the marker's file handle, made on the host (the shocker escape)") \
	P(mknod_block_device, "mknod-block-device", "fs", SJT_I386, \
	  "mknodat(2) of a block device node (never opened); held: not made") \
	P(mknod_char_device, "mknod-char-device", "fs", SJT_I386, \
	  "mknodat(2) of a character device with /dev/mem's numbers (never opened)") \
	P(mount_proc, "mount-proc", "fs", SJT_I386, \
	  "mount(2) of a new proc") \
	P(mount_tmpfs, "mount-tmpfs", "fs", SJT_I386, \
	  "mount(2) of a tmpfs") \
	P(mount_new_api, "mount-new-api", "fs", SJT_I386, \
	  "fsopen(2), fsconfig(2) and fsmount(2) of a tmpfs, the new mount API") \
	P(open_tree_clone, "open-tree-clone", "fs", SJT_I386, \
	  "open_tree(2) OPEN_TREE_CLONE of /, a copy of the mount tree to attach elsewhere") \
	P(proc_sys_write, "proc-sys-write", "fs", SJT_I386, \
	  "open(2) of /proc/sys/kernel/panic for writing (never written)") \
	P(sys_write, "sys-write", "fs", SJT_I386, \
	  "open(2) of a host-global /sys knob for writing (never written)") \
	P(sysrq_trigger, "sysrq-trigger", "fs", SJT_I386, \
	  "open(2) of /proc/sysrq-trigger for writing (never written)") \
	P(core_pattern, "core-pattern", "fs", SJT_I386, \
	  "open(2) of /proc/sys/kernel/core_pattern for writing (never written)") \
	P(leaked_host_fds, "leaked-host-fds", "fs", 0, \
	  "descriptors other than 0, 1, 2 at start; sjtest leaves a host directory open when it makes the jail") \
	P(proc_exe_overwrite, "proc-exe-overwrite", "fs", SJT_I386, \
	  "open the jail manager's binary for writing via /proc/1/exe and an O_PATH re-open (runc CVE-2019-5736)") \
	P(attach_exe_overwrite, "attach-exe-overwrite", "fs", 0, \
	  "catch /proc/PID/exe of a process sjtest adds to the jail (as jexec does) before it executes") \
	P(capabilities_left, "capabilities-left", "privilege", 0, \
	  "capability sets (bounding, permitted, effective, inheritable, ambient) beyond the jail's documented ones") \
	P(no_new_privs, "no-new-privs", "privilege", 0, \
	  "no_new_privs: set means setuid and file capabilities grant nothing") \
	P(userns_mount, "userns-mount", "privilege", SJT_I386, \
	  "unshare(2) a user namespace to regain capabilities, then mount(2) a tmpfs") \
	P(setuid_binary, "setuid-binary", "privilege", 0, \
	  "a non-root user runs a setuid-root copy of the helper; held: euid stays non-zero") \
	P(keyctl_host_keyring, "keyctl-host-keyring", "privilege", SJT_I386, \
	  "keyctl(2) KEYCTL_READ of a key in sjtest's session keyring") \
	P(bpf, "bpf", "privilege", SJT_I386, \
	  "bpf(2) BPF_MAP_CREATE of a one-entry array") \
	P(perf_event_open, "perf-event-open", "privilege", SJT_I386, \
	  "perf_event_open(2) of a system-wide CPU clock counter") \
	P(userfaultfd, "userfaultfd", "privilege", SJT_I386, \
	  "userfaultfd(2), which lets a process stall the kernel to win races") \
	P(io_uring, "io-uring", "privilege", SJT_I386, \
	  "io_uring_setup(2): io_uring's operations bypass seccomp") \
	P(module_load, "module-load", "privilege", SJT_I386, \
	  "init_module(2) and finit_module(2) with no image (fail after the CAP_SYS_MODULE check)") \
	P(kexec_load, "kexec-load", "privilege", SJT_I386, \
	  "kexec_load(2) with too many segments (fails after the CAP_SYS_BOOT check)") \
	P(reboot, "reboot", "privilege", SJT_I386, \
	  "reboot(2) with a bad magic number (fails after the CAP_SYS_BOOT check)") \
	P(clock_set, "clock-set", "privilege", SJT_I386, \
	  "settimeofday(2) with no time and no zone (passes CAP_SYS_TIME, then changes nothing)") \
	P(swapon, "swapon", "privilege", SJT_I386, \
	  "swapon(2) of a file that does not exist (fails after the CAP_SYS_ADMIN check)") \
	P(sethostname, "sethostname", "privilege", SJT_I386, \
	  "sethostname(2), setdomainname(2) with an over-long name (fail after the capability check)") \
	P(tiocsti, "tiocsti", "terminal", SJT_I386, \
	  "TIOCSTI into a host terminal made the controlling one, also with the request's high bits set") \
	P(tioclinux, "tioclinux", "terminal", SJT_I386, \
	  "TIOCLINUX on a host terminal; held: refused before any terminal driver sees it") \
	P(raw_socket, "raw-socket", "network", SJT_I386, \
	  "socket(2) AF_INET SOCK_RAW (nothing is sent)") \
	P(packet_socket, "packet-socket", "network", SJT_I386, \
	  "socket(2) AF_PACKET (nothing is sent)") \
	P(netlink_route_change, "netlink-route-change", "network", SJT_I386, \
	  "RTM_NEWROUTE over rtnetlink via a missing interface (fails after the CAP_NET_ADMIN check)") \
	P(bind_host_address, "bind-host-address", "network", SJT_I386, \
	  "bind(2) to an address of the host's, not the jail's") \
	P(bind_freebind, "bind-freebind", "network", SJT_I386, \
	  "bind(2) with IP_FREEBIND to the host's address, from a jail with an address of its own") \
	P(connect_host_address, "connect-host-address", "network", SJT_I386, \
	  "connect(2) to a listener on the host's address") \
	P(host_loopback_service, "host-loopback-service", "network", SJT_I386, \
	  "connect(2) to a listener on the host's 127.0.0.1") \
	P(abstract_unix_socket, "abstract-unix-socket", "network", SJT_I386, \
	  "connect(2) to an abstract unix socket of the host's") \
	P(sysv_shm_host, "sysv-shm-host", "ipc", SJT_I386, \
	  "shmget(2) of a System V segment made on the host") \
	P(posix_mq_host, "posix-mq-host", "ipc", SJT_I386, \
	  "mq_open(2) of a POSIX message queue made on the host") \
	P(posix_shm_host, "posix-shm-host", "ipc", SJT_I386, \
	  "open(2) of a POSIX shared memory object made on the host (/dev/shm)") \
	P(fork_bomb, "fork-bomb", "resource", 0, \
	  "fork(2) up to a bound; held: the jail's process limit stops it first") \
	P(memory_hog, "memory-hog", "resource", 0, \
	  "touch memory up to a bound; held: the jail's memory limit stops it first") \
	P(race_open_path, "race-open-path", "race", SJT_I386, \
	  "open(2) in a loop while a thread flips the path between a jail file and the marker") \
	P(race_connect_unix, "race-connect-unix", "race", SJT_I386, \
	  "connect(2) in a loop while a thread flips the address between the jail's and the host's abstract socket") \
	P(race_connect_loopback, "race-connect-loopback", "race", SJT_I386, \
	  "connect(2) in a loop while a thread flips the port between the jail's and the host's 127.0.0.1 listener") \
	P(race_bind, "race-bind", "race", SJT_I386, \
	  "bind(2) in a loop while a thread flips the address between 127.0.0.1 and the host's address")

/*
 * A line the helper prints, for sjtest to add processes to the jail (as
 * jexec(8) does) until the probe's result comes.
 */
#define SJT_ATTACH_REQUEST "!attach"

/* The suffix of a probe's run through the i386 entry. */
#define SJT_I386_SUFFIX "-i386"

/* Bounds of the resource probes, whatever the jail's limits. */
#define SJT_FORK_BOUND 4096		/* processes: above a jail's default 2048 */
#define SJT_MEMORY_BOUND 384		/* MiB */
#define SJT_CONTROL_FORKS 256		/* the control's bound */
#define SJT_CONTROL_MEMORY 128		/* MiB */

#endif /* SJT_PROBES_H */
