/*
 * test-filter.c: the BPF the library builds, run in a simulator: the
 * default profile's answer for each syscall it blocks on x86_64, i386 and
 * x32, its argument checks, unknown syscalls and foreign ABIs, the hot
 * syscalls the kernel's action cache must serve, and conditions compiled
 * through libseccomp compared with their direct evaluation.
 *
 * usage: test-filter [POLICIES-SOURCE-DIR]   (no root needed; default: the
 * source tree's policies/)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bpf-sim.h"
#include "policy.h"
#include "tap.h"

static const struct abi {
	const char *name;
	uint32_t scmp;
	uint32_t audit;
	uint64_t argmask;		/* what the ABI's registers can hold */
	uint64_t decides;		/* the argument bits the filter compares */
} abis[] = {
	{ "x86_64", SCMP_ARCH_X86_64, AUDIT_ARCH_X86_64, ~0ull, ~0ull },
	{ "i386", SCMP_ARCH_X86, AUDIT_ARCH_I386, 0xffffffff, 0xffffffff },
};

#define ALLOW SECCOMP_RET_ALLOW
#define ERR(e) (SECCOMP_RET_ERRNO | (e))
#define KILL SECCOMP_RET_KILL_PROCESS

static char tmpdir[] = "/tmp/sj-test-filter.XXXXXX";

static struct sj_jail *make_jail(const char *profile, unsigned params)
{
	sj_error err;
	struct sj_jail *j = sj_jail_new(&err);

	if (!j)
		return NULL;
	j->cfg.seccomp = profile ? strdup(profile) : NULL;
	j->cfg.allow_raw_sockets = params & (1u << POL_RAW_SOCKETS);
	j->cfg.allow_socket_af = params & (1u << POL_SOCKET_AF);
	j->cfg.allow_set_hostname = params & (1u << POL_SET_HOSTNAME);
	j->cfg.allow_sysvipc = params & (1u << POL_SYSVIPC);
	j->cfg.allow_mount = params & (1u << POL_MOUNT);
	return j;
}

/* Compile PROFILE under PARAMS (no cache); NULL with ERR on failure. */
static struct sj_jail *compile(const char *profile, unsigned params, sj_error *err)
{
	struct sj_jail *j = make_jail(profile, params);

	if (!j) {
		sj_fail(err, ENOMEM, "out of memory");
		return NULL;
	}
	if (sc_prepare_ex(j, SC_NO_CACHE, NULL, err) < 0) {
		sj_jail_free(j);
		return NULL;
	}
	return j;
}

static uint32_t run(const struct sj_jail *j, uint32_t audit, int nr, const uint64_t *args,
		    struct sim_stats *st)
{
	struct seccomp_data d = { .nr = nr, .arch = audit, .instruction_pointer = 0x401000 };

	if (args)
		memcpy(d.args, args, sizeof(d.args));
	memset(st, 0, sizeof(*st));
	return sim_run_all(&j->bpf, &d, st);
}

/* The number of NAME on ABI A, or -1.  libseccomp resolves i386's
 * multiplexed calls to pseudo numbers: look for the direct one. */
static int nr_of(const struct abi *a, const char *name)
{
	int nr = seccomp_syscall_resolve_name_arch(a->scmp, name);

	for (int n = 0; nr < 0 && n < 1024; n++) {
		int num = n | (a->scmp == SCMP_ARCH_X32 ? 0x40000000 : 0);
		char *s = seccomp_syscall_resolve_num_arch(a->scmp, num);

		if (s && strcmp(s, name) == 0)
			nr = num;
		free(s);
	}
	return nr;
}

/* Check syscall NAME with ARGS on ABI A gives WANT; CASE names it. */
static void expect(const struct sj_jail *j, const struct abi *a, const char *name,
		   const uint64_t *args, uint32_t want, const char *what)
{
	char tn[256], b1[48], b2[48];
	int nr = nr_of(a, name);
	struct sim_stats st;
	uint32_t got;

	snprintf(tn, sizeof(tn), "%s: %s%s%s", a->name, name, what ? " " : "", what ? what : "");
	/* A call this ABI does not have is not a case: nothing to check. */
	if (nr < 0)
		return;
	got = run(j, a->audit, nr, args, &st);
	tap(!st.bad && got == want, tn, "got %s, expected %s%s%s",
	    sim_action_name(got, b1, sizeof(b1)), sim_action_name(want, b2, sizeof(b2)),
	    st.bad ? "; bad program: " : "", st.bad ? st.why : "");
}

static const char *const denied_eperm[] = {
	"mount", "umount2", "umount", "pivot_root", "fsopen", "fsconfig", "fsmount", "fspick",
	"move_mount", "open_tree", "mount_setattr", "swapon", "swapoff", "reboot", "kexec_load",
	"kexec_file_load", "init_module", "finit_module", "delete_module", "settimeofday",
	"stime", "clock_settime", "clock_settime64", "clock_adjtime", "clock_adjtime64",
	"adjtimex", "sethostname", "setdomainname", "acct", "quotactl", "quotactl_fd", "bpf",
	"perf_event_open", "keyctl", "add_key", "request_key", "userfaultfd",
	"open_by_handle_at", "name_to_handle_at", "setns", "io_uring_setup", "io_uring_enter",
	"io_uring_register", "lookup_dcookie", "vhangup", "iopl", "ioperm", "modify_ldt",
	"vm86", "vm86old", "nfsservctl", "uselib", "fanotify_init", "syslog",
};

static const char *const allowed[] = {
	"read", "write", "openat", "execve", "exit_group", "ptrace", "process_vm_readv",
	"process_vm_writev", "landlock_create_ruleset", "landlock_add_rule",
	"landlock_restrict_self", "seccomp", "ipc", "set_thread_area", "_llseek",
	"clock_gettime64", "futex_time64", "mmap2", "fstat64", "getppid", "wait4", "kill",
	"prctl", "arch_prctl", "getrandom", "memfd_create", "accept4", "semget",
	"shmat", "msgrcv", "statx", "pidfd_open", "rseq", "sched_setaffinity", "kcmp",
	"unshare", "clone", "personality", "ioctl", "mknodat",
};

/* Syscalls a busy program makes most: decided with no argument loaded,
 * so the kernel's action cache serves them. */
static const char *const hot[] = {
	"read", "write", "getppid", "getpid", "gettid", "openat", "close", "mmap", "mmap2",
	"munmap", "mprotect", "brk", "futex", "futex_time64", "fstat", "fstat64",
	"newfstatat", "fstatat64", "statx", "lseek", "_llseek", "rt_sigprocmask",
	"rt_sigaction", "clock_gettime", "clock_gettime64", "pread64", "pwrite64", "readv",
	"writev", "recvfrom", "sendto", "recvmsg", "sendmsg", "epoll_wait", "epoll_pwait",
	"poll", "ppoll", "ppoll_time64", "getuid", "geteuid32", "fcntl", "fcntl64", "dup2",
	"access", "faccessat", "getdents64", "sched_yield", "madvise", "getrandom", "wait4",
};

static void test_default_blocks(const struct sj_jail *j)
{
	for (size_t a = 0; a < SJ_NELEM(abis); a++) {
		struct sim_stats st;
		char b[48];
		uint32_t r;

		for (size_t i = 0; i < SJ_NELEM(denied_eperm); i++)
			expect(j, &abis[a], denied_eperm[i], NULL, ERR(EPERM), "denied");
		expect(j, &abis[a], "clone3", NULL, ERR(ENOSYS), "fails with ENOSYS");
		for (size_t i = 0; i < SJ_NELEM(allowed); i++)
			expect(j, &abis[a], allowed[i], NULL, ALLOW, "allowed");
		r = run(j, abis[a].audit, 1000, NULL, &st);
		tap(r == ERR(ENOSYS), a == 0 ? "x86_64: unknown syscall 1000 fails with ENOSYS"
		    : "i386: unknown syscall 1000 fails with ENOSYS",
		    "got %s", sim_action_name(r, b, sizeof(b)));
		for (size_t i = 0; i < SJ_NELEM(hot); i++) {
			int nr = nr_of(&abis[a], hot[i]);
			char tn[128];

			if (nr < 0)
				continue;
			snprintf(tn, sizeof(tn), "%s: hot syscall %s allowed without an argument "
				 "load", abis[a].name, hot[i]);
			r = run(j, abis[a].audit, nr, NULL, &st);
			tap(r == ALLOW && st.arg_loads == 0 && !st.bad, tn, "%s, %u argument loads",
			    sim_action_name(r, b, sizeof(b)), st.arg_loads);
		}
	}
}

/*
 * The x32 ABI is refused as a whole, as a foreign ABI: every x32 number
 * (the x86_64 token with bit 30 set) kills the process, the calls x32
 * alone has included.
 */
static void test_x32_refused(const struct sj_jail *j)
{
	struct sim_stats st;
	unsigned through = 0, first = 0;
	char b[48];

	for (unsigned n = 0; n < 1024; n++) {
		uint32_t r = run(j, AUDIT_ARCH_X86_64, (int)(0x40000000u | n), NULL, &st);

		if (r != KILL && through++ == 0)
			first = n;
	}
	tap(through == 0, "x32: all of 0x40000000|0..1023 kill the process",
	    "%u not refused, the first 0x40000000|%u: %s", through, first,
	    sim_action_name(run(j, AUDIT_ARCH_X86_64, (int)(0x40000000u | first), NULL, &st),
			    b, sizeof(b)));
}

/* Numbers checked by hand, not through libseccomp's tables. */
static void test_numbers(const struct sj_jail *j)
{
	static const struct {
		const char *name;
		uint32_t audit;
		int nr;
		uint32_t want;
	} nums[] = {
		{ "x86_64: mount (165) denied", AUDIT_ARCH_X86_64, 165, ERR(EPERM) },
		{ "i386: mount (21) denied", AUDIT_ARCH_I386, 21, ERR(EPERM) },
		{ "x32: mount (0x40000000|165) kills", AUDIT_ARCH_X86_64, 0x40000000 | 165, KILL },
		{ "i386: umount (22) denied", AUDIT_ARCH_I386, 22, ERR(EPERM) },
		{ "i386: socketcall (102) fails with ENOSYS", AUDIT_ARCH_I386, 102, ERR(ENOSYS) },
		{ "i386: ipc (117) allowed", AUDIT_ARCH_I386, 117, ALLOW },
		{ "i386: socket (359) of AF_UNSPEC fails with EAFNOSUPPORT", AUDIT_ARCH_I386, 359,
		  ERR(EAFNOSUPPORT) },
		{ "x86_64: clone3 (435) fails with ENOSYS", AUDIT_ARCH_X86_64, 435, ERR(ENOSYS) },
		{ "x86_64: x32 read (0x40000000) kills", AUDIT_ARCH_X86_64, 0x40000000, KILL },
		{ "x86_64: x32 nr 0x40000000|1023 kills", AUDIT_ARCH_X86_64, 0x40000000 | 1023,
		  KILL },
		{ "aarch64 token kills the process", AUDIT_ARCH_AARCH64, 63, KILL },
		{ "arm token kills the process", AUDIT_ARCH_ARM, 3, KILL },
		{ "bogus arch token kills the process", 0x12345678, 0, KILL },
		{ "i386 token with x86_64 read (0) is i386 restart_syscall", AUDIT_ARCH_I386, 0, ALLOW },
	};
	struct sim_stats st;
	char b1[48], b2[48];

	for (size_t i = 0; i < SJ_NELEM(nums); i++) {
		uint32_t r = run(j, nums[i].audit, nums[i].nr, NULL, &st);

		tap(r == nums[i].want && !st.bad, nums[i].name, "got %s, expected %s",
		    sim_action_name(r, b1, sizeof(b1)), sim_action_name(nums[i].want, b2, sizeof(b2)));
	}
	/* Every call of i386's socket multiplexer fails, whatever filter 1's
	 * libseccomp-made additions for the direct calls say. */
	for (uint64_t call = 0; call <= 21; call++) {
		uint64_t args[6] = { call, 0, 0, 0, 0, 0 };
		bool ok = run(j, AUDIT_ARCH_I386, 102, args, &st) == ERR(ENOSYS);

		if (!ok || call == 21)
			tap(ok, "i386: socketcall fails with ENOSYS for every call number",
			    "call %llu", (unsigned long long)call);
		if (!ok)
			break;
	}
}

/* Argument checks of the default profile. */
static const struct argcase {
	const char *name;		/* syscall */
	const char *what;
	unsigned params;
	uint64_t args[6];
	uint32_t want;
} argcases[] = {
	{ "clone", "with CLONE_NEWUSER", 0, { 0x10000000 | 17 }, ERR(EPERM) },
	{ "clone", "with CLONE_NEWNS", 0, { 0x20000 }, ERR(EPERM) },
	{ "clone", "with CLONE_NEWTIME", 0, { 0x80 }, ERR(EPERM) },
	{ "clone", "with CLONE_NEWNET and high garbage", 0, { 0xffff000040000000ull }, ERR(EPERM) },
	{ "clone", "for a thread", 0, { 0x3d0f00 }, ALLOW },
	{ "clone", "for fork with high garbage", 0, { 0xffffffff00000011ull }, ALLOW },
	{ "unshare", "CLONE_NEWUSER", 0, { 0x10000000 }, ERR(EPERM) },
	{ "unshare", "CLONE_NEWCGROUP|CLONE_FILES", 0, { 0x2000400 }, ERR(EPERM) },
	{ "unshare", "CLONE_FILES", 0, { 0x400 }, ALLOW },
	{ "ioctl", "TIOCSTI", 0, { 0, 0x5412 }, ERR(EPERM) },
	{ "ioctl", "TIOCSTI with high garbage", 0, { 0, 0xdead00005412ull }, ERR(EPERM) },
	{ "ioctl", "TIOCLINUX", 0, { 1, 0x541c }, ERR(EPERM) },
	{ "ioctl", "TIOCGWINSZ", 0, { 1, 0x5413 }, ALLOW },
	{ "ioctl", "FIONREAD", 0, { 1, 0x541b }, ALLOW },
	{ "mknod", "S_IFCHR", 0, { 0, 0020600, 0x0103 }, ERR(EPERM) },
	{ "mknod", "S_IFBLK", 0, { 0, 0060600, 0x0801 }, ERR(EPERM) },
	{ "mknod", "S_IFIFO", 0, { 0, 0010600 }, ALLOW },
	{ "mknod", "S_IFREG", 0, { 0, 0100600 }, ALLOW },
	{ "mknodat", "S_IFCHR", 0, { 3, 0, 0020666 }, ERR(EPERM) },
	{ "mknodat", "S_IFBLK with high garbage", 0, { 3, 0, 0xffff000000000000ull | 0060666 }, ERR(EPERM) },
	{ "mknodat", "S_IFSOCK", 0, { 3, 0, 0140666 }, ALLOW },
	{ "personality", "PER_LINUX", 0, { 0 }, ALLOW },
	{ "personality", "PER_LINUX32", 0, { 8 }, ALLOW },
	{ "personality", "UNAME26", 0, { 0x20000 }, ALLOW },
	{ "personality", "PER_LINUX32|UNAME26", 0, { 0x20008 }, ALLOW },
	{ "personality", "query", 0, { 0xffffffff }, ALLOW },
	{ "personality", "READ_IMPLIES_EXEC", 0, { 0x0400000 }, ERR(EPERM) },
	{ "personality", "ADDR_NO_RANDOMIZE", 0, { 0x0040000 }, ERR(EPERM) },
	{ "personality", "PER_SVR4", 0, { 0x68000001 }, ERR(EPERM) },
	{ "personality", "1", 0, { 1 }, ERR(EPERM) },
	{ "socket", "AF_INET SOCK_STREAM", 0, { 2, 1, 0 }, ALLOW },
	{ "socket", "AF_INET6 SOCK_DGRAM|SOCK_CLOEXEC", 0, { 10, 2 | 02000000, 17 }, ALLOW },
	{ "socket", "AF_INET ping (SOCK_DGRAM, IPPROTO_ICMP)", 0, { 2, 2, 1 }, ALLOW },
	{ "socket", "AF_UNIX SOCK_SEQPACKET", 0, { 1, 5, 0 }, ALLOW },
	{ "socket", "AF_NETLINK SOCK_RAW NETLINK_ROUTE", 0, { 16, 3 | 02000000, 0 }, ALLOW },
	{ "socket", "AF_INET SOCK_RAW", 0, { 2, 3, 1 }, ERR(EPERM) },
	{ "socket", "AF_INET6 SOCK_RAW|SOCK_NONBLOCK", 0, { 10, 3 | 04000, 58 }, ERR(EPERM) },
	{ "socket", "AF_INET SOCK_PACKET", 0, { 2, 10, 0x300 }, ERR(EPERM) },
	{ "socket", "AF_INET with high garbage, SOCK_RAW", 0, { 0x100000002ull, 3 }, ERR(EPERM) },
	{ "socket", "AF_PACKET", 0, { 17, 3, 0x300 }, ERR(EPERM) },
	{ "socket", "AF_PACKET with high garbage", 0, { 0xabc00000011ull, 2 }, ERR(EPERM) },
	{ "socket", "AF_BLUETOOTH", 0, { 31, 1 }, ERR(EAFNOSUPPORT) },
	{ "socket", "AF_VSOCK", 0, { 40, 1 }, ERR(EAFNOSUPPORT) },
	{ "socket", "AF_NETLINK NETLINK_AUDIT", 0, { 16, 3, 9 }, ERR(EPROTONOSUPPORT) },
	{ "socket", "AF_NETLINK NETLINK_ROUTE with high garbage protocol", 0,
	  { 16, 3, 0x100000000ull }, ERR(EPROTONOSUPPORT) },
	{ "socket", "AF_NETLINK with high garbage, NETLINK_AUDIT", 0, { 0x700000010ull, 3, 9 },
	  ERR(EPROTONOSUPPORT) },
	{ "socket", "AF_PACKET with allow.raw_sockets", 1u << POL_RAW_SOCKETS, { 17, 3 }, ALLOW },
	{ "socket", "AF_INET SOCK_RAW with allow.raw_sockets", 1u << POL_RAW_SOCKETS, { 2, 3 },
	  ALLOW },
	{ "socket", "AF_BLUETOOTH with allow.raw_sockets", 1u << POL_RAW_SOCKETS, { 31, 1 },
	  ERR(EAFNOSUPPORT) },
	{ "socket", "AF_BLUETOOTH with allow.socket_af", 1u << POL_SOCKET_AF, { 31, 1 }, ALLOW },
	{ "socket", "AF_NETLINK NETLINK_AUDIT with allow.socket_af", 1u << POL_SOCKET_AF,
	  { 16, 3, 9 }, ALLOW },
	{ "socket", "AF_PACKET with allow.socket_af", 1u << POL_SOCKET_AF, { 17, 3 }, ERR(EPERM) },
	{ "socket", "AF_INET SOCK_RAW with allow.socket_af", 1u << POL_SOCKET_AF, { 2, 3 },
	  ERR(EPERM) },
	{ "socketpair", "AF_UNIX", 0, { 1, 1 }, ALLOW },
	{ "socketpair", "AF_INET", 0, { 2, 1 }, ERR(EAFNOSUPPORT) },
	{ "socketpair", "AF_UNIX with high garbage", 0, { 0x100000001ull, 1 }, ERR(EAFNOSUPPORT) },
	{ "socketpair", "AF_INET with allow.socket_af", 1u << POL_SOCKET_AF, { 2, 1 }, ALLOW },
	{ "setsockopt", "SOL_IP IP_FREEBIND", 0, { 3, 0, 15 }, ERR(EPERM) },
	{ "setsockopt", "SOL_IP IP_TRANSPARENT", 0, { 3, 0, 19 }, ERR(EPERM) },
	{ "setsockopt", "SOL_IPV6 IPV6_FREEBIND", 0, { 3, 41, 78 }, ERR(EPERM) },
	{ "setsockopt", "SOL_IPV6 IPV6_TRANSPARENT", 0, { 3, 41, 75 }, ERR(EPERM) },
	{ "setsockopt", "SOL_IP IP_FREEBIND with high garbage", 0,
	  { 3, 0xdead00000000ull, 0x100000000full }, ERR(EPERM) },
	{ "setsockopt", "SOL_IP IP_TOS", 0, { 3, 0, 1 }, ALLOW },
	{ "setsockopt", "SOL_IPV6 IPV6_V6ONLY", 0, { 3, 41, 26 }, ALLOW },
	{ "setsockopt", "SOL_SOCKET SO_REUSEADDR", 0, { 3, 1, 2 }, ALLOW },
	{ "setsockopt", "SOL_TCP optname 15 (TCP_REPAIR_QUEUE)", 0, { 3, 6, 15 }, ALLOW },
	{ "setsockopt", "SOL_IP IP_FREEBIND with allow.raw_sockets", 1u << POL_RAW_SOCKETS,
	  { 3, 0, 15 }, ERR(EPERM) },
	{ "setsockopt", "SOL_IPV6 IPV6_TRANSPARENT with allow.raw_sockets", 1u << POL_RAW_SOCKETS,
	  { 3, 41, 75 }, ERR(EPERM) },
	{ "sethostname", "with allow.set_hostname", 1u << POL_SET_HOSTNAME, { 0 }, ALLOW },
	{ "setdomainname", "with allow.set_hostname", 1u << POL_SET_HOSTNAME, { 0 }, ALLOW },
	{ "mount", "with allow.mount", 1u << POL_MOUNT, { 0 }, ALLOW },
	{ "umount2", "with allow.mount", 1u << POL_MOUNT, { 0 }, ALLOW },
	{ "fsopen", "with allow.mount", 1u << POL_MOUNT, { 0 }, ALLOW },
	{ "sethostname", "with allow.mount", 1u << POL_MOUNT, { 0 }, ERR(EPERM) },
};

static bool garbage(const uint64_t *args)
{
	for (int i = 0; i < 6; i++)
		if (args[i] >> 32)
			return true;
	return false;
}

static void test_arguments(void)
{
	struct sj_jail *js[32] = { NULL };
	sj_error err;

	for (size_t i = 0; i < SJ_NELEM(argcases); i++) {
		const struct argcase *c = &argcases[i];

		if (!js[c->params] && !(js[c->params] = compile(NULL, c->params, &err))) {
			tap(false, "default profile compiles", "%s", err.msg);
			return;
		}
		for (size_t a = 0; a < SJ_NELEM(abis); a++) {
			/* i386 registers cannot hold high bits. */
			if (garbage(c->args) && a == 1)
				continue;
			expect(js[c->params], &abis[a], c->name, c->args, c->want, c->what);
		}
	}
	for (size_t i = 0; i < SJ_NELEM(js); i++)
		sj_jail_free(js[i]);
}

/* Every combination of parameters compiles, within BPF_MAXINSNS. */
static void test_all_params(void)
{
	size_t max1 = 0, max2 = 0;
	sj_error err;

	for (unsigned params = 0; params < 32; params++) {
		struct sj_jail *j = compile(NULL, params, &err);
		char tn[96];

		snprintf(tn, sizeof(tn), "default profile compiles with parameters 0x%02x", params);
		if (!tap(j != NULL, tn, "%s", err.msg))
			continue;
		tap(j->bpf.nprog == 2, tn, "%zu programs", j->bpf.nprog);
		max1 = j->bpf.prog[0].len > max1 ? j->bpf.prog[0].len : max1;
		max2 = j->bpf.nprog > 1 && j->bpf.prog[1].len > max2 ? j->bpf.prog[1].len : max2;
		sj_jail_free(j);
	}
	printf("# largest programs: filter 1 %zu, filter 2 %zu instructions\n", max1, max2);
}

/* Write a profile file NAME with TEXT in the temporary directory. */
static const char *write_profile(const char *name, const char *text, mode_t mode)
{
	static char path[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (!f)
		return path;
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
	return path;
}

static const char *const conds[] = {
	"arg0 not in 1, 2, 10, 16",
	"arg0 & 0xffffffff not in 1, 2, 10, 16, 17",
	"arg0 & 0xffffffff not in 0, 8, 0x20000, 0x20008, 0xffffffff",
	"arg0 != 5",
	"arg0 & 0xff != 0x41",
	"arg0 & CLONE_NS_FLAGS != 0",
	"arg0 & 0xf0 >= 0x30",
	"arg0 < 100",
	"arg0 > 0xffffffff",
	"arg0 >= 0x100000000",
	"arg0 > 17",
	"arg0 in 3, 500, 0xffffffff, 0x100000000",
	"arg0 & 0xffffffff in TIOCSTI, TIOCLINUX",
	"arg0 & 0xa5 not in 0x21, 0x84, 0x5",
	"arg0 == 0x100000011",
};

static const uint64_t probe_values[] = {
	0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x100000000ull, 0x100000001ull,
	0x100000005ull, 0x100000011ull, 0x100005412ull, 0xdead00005412ull, 0xffffffff00000000ull,
	0xffffffff00000011ull, 0x8000000000000000ull, 0xffffffffffffffffull, 0x20008, 0x40000,
	0x1000000a5ull, 0x541c, 0x5412,
};

/* A condition compiled through libseccomp decides as the condition says. */
static void test_compiled_conditions(void)
{
	char text[256], tn[256];

	for (size_t i = 0; i < SJ_NELEM(conds); i++) {
		struct pol_cond c;
		struct pol p;
		struct pol_loader ld = { NULL, NULL, NULL, NULL, NULL };
		const char *path;
		struct sj_jail *j;
		sj_error err;

		snprintf(text, sizeof(text), "allow getpid\ndeny getpid EACCES if %s\n", conds[i]);
		if (pol_parse(&p, "c", text, strlen(text), 0, &ld, &err) < 0) {
			tap(false, conds[i], "%s", err.msg);
			continue;
		}
		c = p.rule[1].cond[0];
		pol_free(&p);
		path = write_profile("cond.policy", text, 0644);
		if (!(j = compile(path, 0, &err))) {
			tap(false, conds[i], "%s", err.msg);
			continue;
		}
		for (size_t a = 0; a < SJ_NELEM(abis); a++) {
			int nr = nr_of(&abis[a], "getpid");
			uint64_t bad = 0;
			bool ok = true;

			for (uint64_t k = 0; k < 700 + SJ_NELEM(probe_values) && ok; k++) {
				uint64_t x = k < 700 ? k : probe_values[k - 700];
				uint64_t args[6] = { x & abis[a].argmask };
				struct sim_stats st;
				uint32_t want = pol_cond_eval(&c, args[0] & abis[a].decides) ?
						ERR(EACCES) : ALLOW;

				if (run(j, abis[a].audit, nr, args, &st) != want || st.bad) {
					ok = false;
					bad = args[0];
				}
			}
			snprintf(tn, sizeof(tn), "%s: '%s' through libseccomp", abis[a].name, conds[i]);
			tap(ok, tn, "differs at 0x%llx", (unsigned long long)bad);
		}
		sj_jail_free(j);
	}
}

/* Profiles that must fail, and what the message must say. */
static void test_profile_errors(void)
{
	static const struct {
		const char *name;
		const char *text;
		mode_t mode;
		const char *expect;
	} bad[] = {
		{ "unknown.policy", "allow read\nallow nosuchcall\n", 0644,
		  "unknown.policy:2: unknown syscall 'nosuchcall'" },
		{ "bypass.policy", "allow socket socketcall\ndeny socket EPERM if arg0 == 17\n", 0644,
		  "bypass.policy:2: deny socket ... if: bypassed through socketcall" },
		{ "writable.policy", "allow read\n", 0666, "not writable by group or others" },
		{ "inc.policy", "@include nosuch\n", 0644, "inc.policy:1: @include nosuch: no "
		  "embedded profile 'nosuch'" },
		{ "incfile.policy", "@include ./nosuch.policy\n", 0644,
		  "incfile.policy:1: @include ./nosuch.policy: " },
		{ "syntax.policy", "@include default\nallow read\ndeny read if\n", 0644,
		  "syntax.policy:3: expected an argument" },
	};
	sj_error err;
	char tn[160];

	for (size_t i = 0; i < SJ_NELEM(bad); i++) {
		const char *path = write_profile(bad[i].name, bad[i].text, bad[i].mode);
		struct sj_jail *j = compile(path, 0, &err);

		snprintf(tn, sizeof(tn), "profile error: %s", bad[i].name);
		tap(!j && strstr(err.msg, bad[i].expect) && strstr(err.msg, "seccomp profile '"),
		    tn, "message is '%s'", j ? "(none)" : err.msg);
		sj_jail_free(j);
	}
	tap(!compile("nosuch", 0, &err) && strstr(err.msg, "seccomp profile 'nosuch': no such "
						   "embedded profile"),
	    "unknown embedded profile is refused", "%s", err.msg);
	tap(!compile("rel/x.policy", 0, &err) && strstr(err.msg, "absolute path"),
	    "relative profile path is refused", "%s", err.msg);
}

/* A file profile that builds on the default one and on a file of its own. */
static void test_file_profile(void)
{
	sj_error err;
	struct sj_jail *j;

	write_profile("extra.policy", "allow kexec_load\n", 0644);
	j = compile(write_profile("mine.policy", "@include default\n@include extra.policy\n"
				  "deny getppid EACCES\n", 0644), 0, &err);
	if (!tap(j != NULL, "file profile with includes compiles", "%s", err.msg))
		return;
	expect(j, &abis[0], "getppid", NULL, ERR(EACCES), "denied by the file");
	expect(j, &abis[0], "kexec_load", NULL, ALLOW, "allowed by the included file");
	expect(j, &abis[1], "mount", NULL, ERR(EPERM), "denied by the included default");
	sj_jail_free(j);
}

/* Every policies/NAME.policy is embedded, and nothing else. */
static void test_embedded_list(const char *dir)
{
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *e;
	size_t files = 0;

	if (!d) {
		tap_skip("every policy file is embedded", "no policies directory given");
		return;
	}
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		bool found = false;
		char tn[300];

		if (n <= 7 || strcmp(e->d_name + n - 7, ".policy") != 0)
			continue;
		files++;
		for (size_t i = 0; i < pol_nembedded; i++)
			found |= strlen(pol_embedded[i].name) == n - 7 &&
				 strncmp(pol_embedded[i].name, e->d_name, n - 7) == 0;
		snprintf(tn, sizeof(tn), "policies/%s is embedded", e->d_name);
		tap(found, tn, "missing from policies/meson.build");
	}
	closedir(d);
	tap(files == pol_nembedded, "every embedded profile has a file", "%zu files, %zu embedded",
	    files, pol_nembedded);
}

int main(int argc, char **argv)
{
	struct sj_jail *j;
	sj_error err;

	if (seccomp_arch_native() != SCMP_ARCH_X86_64) {
		tap_skip("filter tables", "written for x86_64 hosts");
		return 0;
	}
	if (!mkdtemp(tmpdir)) {
		tap(false, "temporary directory", "%s", strerror(errno));
		return 1;
	}
	test_embedded_list(argc > 1 ? argv[1] : SJ_POLICIES_DIR);
	j = compile(NULL, 0, &err);
	if (tap(j != NULL, "default profile compiles", "%s", err.msg)) {
		tap(j->bpf.nprog == 2, "default profile has two filters", "%zu", j->bpf.nprog);
		test_default_blocks(j);
		test_numbers(j);
		test_x32_refused(j);
		sj_jail_free(j);
	}
	test_arguments();
	test_all_params();
	test_compiled_conditions();
	test_profile_errors();
	test_file_profile();
	for (const char *const *f = (const char *const[]){ "cond.policy", "unknown.policy",
	     "bypass.policy", "writable.policy", "inc.policy", "incfile.policy", "syntax.policy",
	     "extra.policy", "mine.policy", NULL }; *f; f++) {
		char path[300];

		snprintf(path, sizeof(path), "%s/%s", tmpdir, *f);
		unlink(path);
	}
	rmdir(tmpdir);
	return tap_exit();
}
