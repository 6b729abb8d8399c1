/*
 * sjprobe: a static helper the tests run inside jails to look from within.
 *
 * Each subcommand tries one thing and prints what happened:
 *   "ok [value]"   exit 0: the operation succeeded
 *   "err ENAME"    exit 1: it failed with that errno
 * Usage errors exit 2.  Calls that could touch the machine if they
 * succeeded are made harmless (bad magic, bad clock ids, NULL buffers)
 * so that a probe run outside a jail, or in a jail that does not hold,
 * reports the difference without doing damage.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "probe.h"

static int result(long r)
{
	if (r < 0) {
		printf("err %s\n", strerrorname_np(errno) ? strerrorname_np(errno) : "?");
		return 1;
	}
	printf("ok %ld\n", r);
	return 0;
}

/* Numbers, or "s:text" for a pointer to text. */
static unsigned long arg_value(const char *s)
{
	if (strncmp(s, "s:", 2) == 0)
		return (unsigned long)(uintptr_t)(s + 2);
	return strtoul(s, NULL, 0);
}

static int cmd_syscall(int argc, char **argv, bool entry32)
{
	unsigned long a[6] = { 0 };
	long nr;

	if (argc < 1)
		return 2;
	nr = entry32 ? probe_nr_i386(argv[0]) : probe_nr_native(argv[0]);
	if (nr < 0) {
		fprintf(stderr, "sjprobe: unknown system call %s\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc && i <= 6; i++)
		a[i - 1] = entry32 ? probe_low_arg(argv[i]) : arg_value(argv[i]);
	if (entry32)
		return result(probe_int80(nr, a));
	return result(syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]));
}

static int cmd_ps(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (!d)
		return result(-1);
	while ((e = readdir(d)))
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9')
			printf("%s ", e->d_name);
	printf("\n");
	closedir(d);
	return 0;
}

static int cmd_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int self;

	if (!d)
		return result(-1);
	self = dirfd(d);
	while ((e = readdir(d))) {
		char path[300], target[256] = "";

		if (e->d_name[0] == '.' || atoi(e->d_name) == self)
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		if (readlink(path, target, sizeof(target) - 1) < 0)
			strcpy(target, "?");
		printf("%s %s\n", e->d_name, target);
	}
	closedir(d);
	return 0;
}

static int cmd_read(const char *path)
{
	char buf[256];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return result(-1);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return result(-1);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	printf("ok %s\n", buf);
	return 0;
}

/* Read NAME relative to descriptor FD: a descriptor from outside. */
static int cmd_readat(int dirfd, const char *name)
{
	char buf[256];
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return result(-1);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return result(-1);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	printf("ok %s\n", buf);
	return 0;
}

static int cmd_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return result(-1);
	n = write(fd, text, strlen(text));
	close(fd);
	return result(n);
}

static int cmd_stat(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return result(-1);
	printf("ok uid=%u gid=%u mode=%o\n", st.st_uid, st.st_gid, st.st_mode);
	return 0;
}

/*
 * The classic chroot escape: chroot into a subdirectory while holding a
 * descriptor of the old root, climb out of it with fchdir and "..", chroot
 * there, then look for PATH.  Held when PATH stays out of reach.
 */
static int cmd_chroot_escape(const char *path)
{
	int fd = open("/", O_RDONLY | O_DIRECTORY);
	struct stat st;

	mkdir("/tmp", 0777);
	mkdir("/tmp/.sjprobe-chroot", 0700);
	if (fd < 0 || chroot("/tmp/.sjprobe-chroot") < 0) {
		/* Without chroot, ".." from the root is the root. */
		if (fd >= 0)
			close(fd);
	} else {
		if (fchdir(fd) < 0)
			return result(-1);
		close(fd);
	}
	for (int i = 0; i < 64; i++)
		if (chdir("..") < 0)
			break;
	if (chroot(".") < 0)
		errno = 0;
	return result(stat(path, &st));
}

static void on_signal(int sig)
{
	printf("got SIG%s\n", sigabbrev_np(sig));
	fflush(stdout);
	_exit(0);
}

/* Wait up to 10 s for one of the signals a jail's init forwards. */
static int cmd_sigwait(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2,
				    SIGWINCH };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], on_signal);
	printf("ready\n");
	fflush(stdout);
	sleep(10);
	printf("timeout\n");
	return 1;
}

/*
 * Leave an orphan: a grandchild that outlives its parent and exits, to
 * be reaped by the jail's init.  Then count zombies in the jail.
 */
static int cmd_orphan(void)
{
	pid_t c = fork();
	int zombies = 0;
	DIR *d;
	struct dirent *e;

	if (c == 0) {
		if (fork() == 0) {
			usleep(100000);
			_exit(0);
		}
		_exit(0);
	}
	waitpid(c, NULL, 0);
	usleep(400000);
	d = opendir("/proc");
	while (d && (e = readdir(d))) {
		char path[300], buf[512];
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			char *rp;

			buf[n] = '\0';
			rp = strrchr(buf, ')');
			if (rp && rp[2] == 'Z')
				zombies++;
		}
	}
	if (d)
		closedir(d);
	printf("zombies %d\n", zombies);
	return zombies ? 1 : 0;
}

static int cmd_id(void)
{
	printf("ok uid=%u gid=%u euid=%u\n", getuid(), getgid(), geteuid());
	return 0;
}

static int cmd_caps(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return result(-1);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "Cap", 3) == 0 || strncmp(line, "NoNewPrivs", 10) == 0 ||
		    strncmp(line, "Seccomp:", 8) == 0)
			fputs(line, stdout);
	fclose(f);
	return 0;
}

static int cmd_ls(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;

	if (!d)
		return result(-1);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			printf("%s\n", e->d_name);
	closedir(d);
	return 0;
}

/* Touch MIB mebibytes, one at a time: "ok MIB" unless something stops it. */
static int cmd_hog(long mib)
{
	for (long i = 0; i < mib; i++) {
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);

		if (p == MAP_FAILED)
			return result(-1);
		memset(p, 0x5a, 1 << 20);
	}
	return result(mib);
}

static int cmd_ptrace(pid_t pid)
{
	long r = ptrace(PTRACE_SEIZE, pid, NULL, NULL);

	if (r == 0)
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
	return result(r);
}

/* An abstract unix socket's address: "\0NAME". */
static socklen_t abstract_addr(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "%s", name);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
}

/* Listen on abstract socket NAME for SECS seconds, accepting; "ready" first. */
static int cmd_abstract_listen(const char *name, int secs)
{
	struct sockaddr_un a;
	socklen_t len = abstract_addr(&a, name);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	if (s < 0 || bind(s, (struct sockaddr *)&a, len) < 0 || listen(s, 8) < 0)
		return result(-1);
	printf("ready\n");
	alarm((unsigned)secs);
	for (;;) {
		int c = accept(s, NULL, NULL);

		if (c >= 0)
			close(c);
	}
}

static int cmd_abstract_connect(const char *name)
{
	struct sockaddr_un a;
	socklen_t len = abstract_addr(&a, name);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	if (s < 0)
		return result(-1);
	return result(connect(s, (struct sockaddr *)&a, len));
}

/* TCP on 127.0.0.1: bind PORT, or connect to PORT. */
static int cmd_tcp(const char *what, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr = { htonl(INADDR_LOOPBACK) } };
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0)
		return result(-1);
	if (!strcmp(what, "bind"))
		return result(bind(s, (struct sockaddr *)&a, sizeof(a)));
	return result(connect(s, (struct sockaddr *)&a, sizeof(a)));
}

static int write_self(const char *file, const char *text)
{
	int fd = open(file, O_WRONLY);
	ssize_t n = fd < 0 ? -1 : write(fd, text, strlen(text));

	if (fd >= 0)
		close(fd);
	return n < 0 ? -1 : 0;
}

/*
 * Run ARGV where the kernel refuses user namespaces, as a distribution
 * that turns them off would: in a user namespace of our own (our ids
 * alone, no privilege on the host), whose user.max_user_namespaces is 0
 * for it and all it starts.  Nothing outside changes.
 */
static int cmd_no_userns(char **argv)
{
	unsigned uid = getuid(), gid = getgid();
	char map[64];

	snprintf(map, sizeof(map), "%u %u 1", uid, uid);
	if (unshare(CLONE_NEWUSER) < 0 || write_self("/proc/self/setgroups", "deny") < 0 ||
	    write_self("/proc/self/uid_map", map) < 0)
		return result(-1);
	snprintf(map, sizeof(map), "%u %u 1", gid, gid);
	if (write_self("/proc/self/gid_map", map) < 0 ||
	    write_self("/proc/sys/user/max_user_namespaces", "0") < 0)
		return result(-1);
	execvp(argv[0], argv);
	return result(-1);
}

static const char usage_text[] =
	"usage: sjprobe syscall NAME [ARG...]    (ARG: number or s:string)\n"
	"       sjprobe int80 NAME [ARG...]      (the i386 entry, from a 64-bit probe)\n"
	"       sjprobe ps | fds | id | caps | orphan | sigwait\n"
	"       sjprobe kill PID [SIG] | ptrace PID\n"
	"       sjprobe read PATH | readat FD NAME | write PATH TEXT | stat PATH | ls PATH\n"
	"       sjprobe chroot-escape PATH | tiocsti [FD] | exit CODE | sleep SECS\n"
	"       sjprobe hog MIB\n"
	"       sjprobe bind ADDRESS [PORT [freebind]]\n"
	"       sjprobe abstract-listen NAME SECS | abstract-connect NAME\n"
	"       sjprobe tcp bind|connect PORT       (127.0.0.1)\n"
	"       sjprobe no-userns COMMAND [ARG...]  (user namespaces refused)\n";

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(c, "syscall"))
		return cmd_syscall(argc - 2, argv + 2, false);
	if (!strcmp(c, "int80"))
		return cmd_syscall(argc - 2, argv + 2, true);
	if (!strcmp(c, "ps"))
		return cmd_ps();
	if (!strcmp(c, "fds"))
		return cmd_fds();
	if (!strcmp(c, "id"))
		return cmd_id();
	if (!strcmp(c, "caps"))
		return cmd_caps();
	if (!strcmp(c, "orphan"))
		return cmd_orphan();
	if (!strcmp(c, "sigwait"))
		return cmd_sigwait();
	if (!strcmp(c, "kill") && argc > 2)
		return result(kill(atoi(argv[2]), argc > 3 ? atoi(argv[3]) : 0));
	if (!strcmp(c, "ptrace") && argc > 2)
		return cmd_ptrace(atoi(argv[2]));
	if (!strcmp(c, "abstract-listen") && argc > 3)
		return cmd_abstract_listen(argv[2], atoi(argv[3]));
	if (!strcmp(c, "abstract-connect") && argc > 2)
		return cmd_abstract_connect(argv[2]);
	if (!strcmp(c, "tcp") && argc > 3)
		return cmd_tcp(argv[2], atoi(argv[3]));
	if (!strcmp(c, "no-userns") && argc > 2)
		return cmd_no_userns(argv + 2);
	if (!strcmp(c, "read") && argc > 2)
		return cmd_read(argv[2]);
	if (!strcmp(c, "readat") && argc > 3)
		return cmd_readat(atoi(argv[2]), argv[3]);
	if (!strcmp(c, "write") && argc > 3)
		return cmd_write(argv[2], argv[3]);
	if (!strcmp(c, "stat") && argc > 2)
		return cmd_stat(argv[2]);
	if (!strcmp(c, "ls") && argc > 2)
		return cmd_ls(argv[2]);
	if (!strcmp(c, "chroot-escape") && argc > 2)
		return cmd_chroot_escape(argv[2]);
	if (!strcmp(c, "tiocsti"))
		return result(syscall(SYS_ioctl, argc > 2 ? atoi(argv[2]) : -1,
				      (unsigned long)TIOCSTI, "x"));
	if (!strcmp(c, "exit") && argc > 2)
		return atoi(argv[2]);
	if (!strcmp(c, "hog") && argc > 2)
		return cmd_hog(atol(argv[2]));
	if (!strcmp(c, "sleep") && argc > 2)
		return result(sleep((unsigned)atoi(argv[2])));
	if (!strcmp(c, "bind") && argc > 2)
		return probe_bind(argc - 2, argv + 2);
	fputs(usage_text, stderr);
	return 2;
}
