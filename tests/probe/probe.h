/* probe.h: system call tables of sjprobe. */
#ifndef PROBE_H
#define PROBE_H

/* Names every ABI the probe speaks has; each file adds its own. */
#define PROBE_COMMON_SYSCALLS(X) \
	X(mount) X(umount2) X(pivot_root) X(swapon) X(swapoff) X(reboot) \
	X(kexec_load) X(init_module) X(finit_module) X(delete_module) \
	X(settimeofday) X(clock_settime) X(clock_adjtime) X(adjtimex) \
	X(sethostname) X(setdomainname) X(acct) X(quotactl) X(quotactl_fd) \
	X(bpf) X(perf_event_open) X(keyctl) X(add_key) X(request_key) \
	X(userfaultfd) X(open_by_handle_at) X(name_to_handle_at) X(unshare) \
	X(setns) X(clone) X(clone3) X(io_uring_setup) X(io_uring_enter) \
	X(io_uring_register) X(personality) X(ptrace) X(mknod) X(mknodat) \
	X(socket) X(socketpair) X(ioctl) X(fsopen) X(fsconfig) X(fsmount) \
	X(fspick) X(move_mount) X(open_tree) X(mount_setattr) X(getppid) \
	X(getpid) X(lookup_dcookie) X(vhangup) X(iopl) X(ioperm) X(modify_ldt) \
	X(syslog) X(fanotify_init) X(uselib) X(chroot) X(kill) X(nfsservctl) \
	X(msgget) X(mq_open)

/* The i386 ABI's own. */
#define PROBE_I386_SYSCALLS(X) \
	X(umount) X(stime) X(socketcall) X(vm86) X(vm86old) X(clock_settime64) \
	X(clock_adjtime64)

struct probe_nr {
	const char *name;
	long nr;
};

long probe_nr_native(const char *name);
long probe_nr_i386(const char *name);

/* An argument for the i386 entry: strings are copied below 4 GiB. */
unsigned long probe_low_arg(const char *s);

/* Make system call NR through int $0x80; -1 and errno on failure. */
long probe_int80(long nr, const unsigned long a[6]);

/* netprobe.c: sjprobe bind ADDRESS [PORT [freebind]]. */
int probe_bind(int argc, char **argv);

#endif
