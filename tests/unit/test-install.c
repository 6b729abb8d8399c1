/*
 * test-install.c: the default profile installed on this kernel, in a
 * child process with no_new_privs (no root needed): what it denies
 * fails with the errno the policy names, on the native ABI, through
 * i386's int 0x80; an x32 call kills the process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "policy.h"
#include "tap.h"

/* A syscall through i386's entry: returns -errno like the kernel. */
static long int80(long nr, long a, long b, long c)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory", "r8", "r9", "r10", "r11");
	return r;
}

/* Whether this kernel runs i386 syscalls (CONFIG_IA32_EMULATION). */
static bool have_int80(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(int80(20, 0, 0, 0) == getpid() ? 0 : 1);
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

/* Check that R (a libc-style result) failed with errno E. */
static void fails(const char *name, long r, int e)
{
	tap(r == -1 && errno == e, name, "returned %ld, errno %s", r, strerror(errno));
}

static void native(void)
{
	char c = 'x';
	int fd;

	tap(getppid() > 0, "getppid works", " ");
	fails("mount fails with EPERM", mount("none", "/tmp", "tmpfs", 0, NULL), EPERM);
	fails("clone3 fails with ENOSYS", syscall(SYS_clone3, NULL, 0), ENOSYS);
	fails("syscall 1000 fails with ENOSYS", syscall(1000), ENOSYS);
	fails("unshare(CLONE_NEWUSER) fails with EPERM", unshare(CLONE_NEWUSER), EPERM);
	fails("sethostname fails with EPERM", sethostname("x", 1), EPERM);
	fails("ioctl TIOCSTI fails with EPERM", ioctl(0, TIOCSTI, &c), EPERM);
	fails("personality(READ_IMPLIES_EXEC) fails with EPERM", personality(READ_IMPLIES_EXEC),
	      EPERM);
	tap(personality(0xffffffff) >= 0, "personality query works", "%s", strerror(errno));
	fails("socket(AF_PACKET) fails with EPERM", socket(AF_PACKET, SOCK_RAW, 0), EPERM);
	fails("socket(AF_INET, SOCK_RAW) fails with EPERM", socket(AF_INET, SOCK_RAW, 1), EPERM);
	fails("socket(AF_BLUETOOTH) fails with EAFNOSUPPORT", socket(AF_BLUETOOTH, SOCK_STREAM, 0),
	      EAFNOSUPPORT);
	fails("socket(AF_NETLINK, NETLINK_AUDIT) fails with EPROTONOSUPPORT",
	      socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT), EPROTONOSUPPORT);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	tap(fd >= 0, "socket(AF_INET, SOCK_STREAM) works", "%s", strerror(errno));
	if (fd >= 0)
		close(fd);
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	tap(fd >= 0, "socket(AF_NETLINK, NETLINK_ROUTE) works", "%s", strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* The x32 ABI is foreign to the filter: its first call kills the process. */
static void x32(const struct sj_jail *j)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		sj_error err;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || sc_install(&j->bpf, &err) < 0)
			_exit(1);
		syscall(0x40000000 | 39 /* x32 getpid */);
		_exit(0);
	}
	tap(pid > 0 && waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
	    WTERMSIG(status) == SIGSYS, "an x32 call kills the process (SIGSYS)",
	    "status 0x%x", status);
}

static void i386(void)
{
	long r = int80(20, 0, 0, 0);

	tap(r == getpid(), "i386: getpid works", "returned %ld", r);
	tap(int80(21, 0, 0, 0) == -EPERM, "i386: mount (21) fails with EPERM", " ");
	tap(int80(22, 0, 0, 0) == -EPERM, "i386: umount (22) fails with EPERM", " ");
	tap(int80(102, 1, 0, 0) == -ENOSYS, "i386: socketcall (102) fails with ENOSYS", " ");
	tap(int80(359, AF_PACKET, SOCK_RAW, 0) == -EPERM, "i386: socket(AF_PACKET) fails with "
	    "EPERM", " ");
	tap(int80(1000, 0, 0, 0) == -ENOSYS, "i386: syscall 1000 fails with ENOSYS", " ");
	tap(int80(310, CLONE_NEWNET, 0, 0) == -EPERM, "i386: unshare(CLONE_NEWNET) fails with "
	    "EPERM", " ");
}

int main(void)
{
	struct sj_jail *j;
	sj_error err;
	bool ia32 = have_int80();
	int status;
	pid_t pid;

	j = sj_jail_new(&err);
	if (!j || sc_prepare_ex(j, SC_NO_CACHE, NULL, &err) < 0) {
		tap(false, "default profile compiles", "%s", err.msg);
		return 1;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || sc_install(&j->bpf, &err) < 0) {
			tap(false, "install the default profile", "%s", err.msg);
			_exit(1);
		}
		tap(true, "install the default profile", " ");
		native();
		if (ia32)
			i386();
		else
			tap_skip("i386 syscalls", "this kernel does not run them");
		fflush(stdout);
		_exit(tap_exit());
	}
	tap(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status), "the jailed child "
	    "exits", "status 0x%x", status);
	x32(j);
	sj_jail_free(j);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? tap_exit() : 1;
}
