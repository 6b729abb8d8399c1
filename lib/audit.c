/*
 * audit.c: log-denied, a record of every system call the jail's filter
 * refused: jail, pid, syscall name and number, ABI, errno.
 *
 * The jail's init installs its filter merged into one program that
 * answers SECCOMP_RET_USER_NOTIF wherever the filter would answer an
 * errno (bpf_notify()), and hands the listener to a process sj_create()
 * started on the host.  That process only observes: for each refused
 * call it writes one line and answers with the errno the filter chose,
 * found by running the jail's own programs on the values the kernel
 * reported (architecture, number, argument registers; never memory).
 * It never lets a call through (no SECCOMP_USER_NOTIF_FLAG_CONTINUE, and
 * an error is always set), so the kernel's decision stands; if it dies,
 * the kernel answers ENOSYS to whatever is refused after.
 *
 * Commands that jexec(8) adds get the filter as it is, not its merged
 * form: their refusals are not recorded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "policy.h"

/* How long sj_wait() waits for the last lines once the jail is gone. */
#define AUDIT_DRAIN_MS 5000

static const char *abi_name(uint32_t arch)
{
	switch (arch) {
	case AUDIT_ARCH_X86_64: return "x86_64";
	case AUDIT_ARCH_I386: return "i386";
	case AUDIT_ARCH_AARCH64: return "aarch64";
	case AUDIT_ARCH_ARM: return "arm";
	case AUDIT_ARCH_S390X: return "s390x";
	case AUDIT_ARCH_S390: return "s390";
	}
	return "unknown";
}

/* The first line of /proc/PID/FILE starting with KEY, after it; "" if none. */
static void proc_field(pid_t pid, const char *file, const char *key, char *out, size_t len)
{
	char path[64], buf[2048];
	SJ_AUTOCLOSE int fd = -1;
	ssize_t n;
	char *p;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return;
	buf[n] = '\0';
	p = buf;
	if (*key) {
		p = strstr(buf, key);
		if (!p || (p != buf && p[-1] != '\n'))
			return;
		p += strlen(key);
	}
	p[strcspn(p, "\n")] = '\0';
	snprintf(out, len, "%s", p + strspn(p, " \t"));
}

/* One line for a refused call; values that cannot be known are "?". */
static void record(const struct sj_jail *j, int logfd, int listener,
		   const struct seccomp_notif *n, int errnum)
{
	char comm[32], nspid[128], line[512], when[32];
	const char *jpid = "?";
	char *name = seccomp_syscall_resolve_num_arch(n->data.arch, n->data.nr);
	struct timespec ts;
	struct tm tm;
	int len;

	proc_field((pid_t)n->pid, "comm", "", comm, sizeof(comm));
	proc_field((pid_t)n->pid, "status", "NSpid:", nspid, sizeof(nspid));
	/* The pid may have been reused since: then say nothing of it. */
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &n->id) < 0) {
		snprintf(comm, sizeof(comm), "?");
		nspid[0] = '\0';
	}
	if (strrchr(nspid, '\t') || strrchr(nspid, ' '))
		jpid = (strrchr(nspid, '\t') ? strrchr(nspid, '\t') : strrchr(nspid, ' ')) + 1;
	else if (nspid[0])
		jpid = nspid;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	len = snprintf(line, sizeof(line), "%s sysjail: denied jail=%d name=%s pid=%u "
		       "jail_pid=%s comm=%s syscall=%s nr=%d abi=%s errno=%s\n", when,
		       j->reg.jid, j->cfg.name ? j->cfg.name : "-", n->pid, jpid,
		       comm[0] ? comm : "?", name ? name : "?", n->data.nr,
		       abi_name(n->data.arch), strerrorname_np(errnum) ?
		       strerrorname_np(errnum) : "?");
	free(name);
	if (len > 0)
		sj_write_all(logfd, line, (size_t)len < sizeof(line) ? (size_t)len : sizeof(line) - 1);
}

/* The errno the jail's filter answers for the call N describes. */
static int policy_errno(const struct sj_jail *j, const struct seccomp_notif *n)
{
	uint32_t ret = bpf_run_all(&j->bpf, &n->data);

	if ((ret & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO && (ret & SECCOMP_RET_DATA))
		return (int)(ret & SECCOMP_RET_DATA);
	/* Not an errno (which the merge never turns into a notification):
	 * refuse all the same. */
	return EPERM;
}

/* Give up what the audit does not need: root, the terminal, the jail's fds. */
static void audit_drop(int sock, int logfd)
{
	int keep_lo = sock < logfd ? sock : logfd, keep_hi = sock < logfd ? logfd : sock;

	if (keep_lo > 3)
		close_range(3, (unsigned)keep_lo - 1, 0);
	if (keep_hi > keep_lo + 1)
		close_range((unsigned)keep_lo + 1, (unsigned)keep_hi - 1, 0);
	close_range((unsigned)keep_hi + 1, ~0u, 0);
	/* Its own session: ^C at the jail's terminal is not for it. */
	setsid();
	prctl(PR_SET_DUMPABLE, 0);
	/* It reads world-readable /proc files, writes to a descriptor it
	 * holds and answers through another: nobody's rights are enough. */
	if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		_exit(1);
}

/* The audit process: record and refuse until the jail is gone. */
static void __attribute__((noreturn)) audit_main(const struct sj_jail *j, int sock, int logfd)
{
	struct seccomp_notif_sizes sizes;
	struct seccomp_notif *n;
	struct seccomp_notif_resp *resp;
	int listener;
	char data;

	audit_drop(sock, logfd);
	/* The init's listener, or none (-1) if it sends none. */
	sj_recv_fd(sock, &data, 1, &listener);
	close(sock);
	if (listener < 0)
		_exit(0);
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
		_exit(1);
	n = calloc(1, sizes.seccomp_notif > sizeof(*n) ? sizes.seccomp_notif : sizeof(*n));
	resp = calloc(1, sizes.seccomp_notif_resp > sizeof(*resp) ? sizes.seccomp_notif_resp
		      : sizeof(*resp));
	if (!n || !resp)
		_exit(1);
	for (;;) {
		struct pollfd p = { listener, POLLIN, 0 };
		int errnum;

		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (!(p.revents & POLLIN))
			_exit(0);	/* POLLHUP: no process uses the filter any more */
		memset(n, 0, sizes.seccomp_notif);
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, n) < 0)
			continue;	/* the caller went away (ENOENT), or EINTR */
		errnum = policy_errno(j, n);
		record(j, logfd, listener, n, errnum);
		memset(resp, 0, sizes.seccomp_notif_resp);
		resp->id = n->id;
		resp->error = -errnum;
		resp->val = 0;
		resp->flags = 0;
		ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
	}
}

/*
 * The init hands the listener over with sendmsg(2) and closes it, under
 * the filter: were either refused, it would wait for a listener that
 * never comes.  The profile must allow both.
 */
static int check_handover(const struct sj_jail *j, sj_error *err)
{
	static const struct {
		const char *name;
		int nr;
	} calls[] = { { "sendmsg", SYS_sendmsg }, { "close", SYS_close } };

	for (size_t i = 0; i < SJ_NELEM(calls); i++) {
		struct seccomp_data d = { .nr = calls[i].nr, .arch = seccomp_arch_native() };

		if (bpf_run_all(&j->bpf, &d) != SECCOMP_RET_ALLOW)
			return sj_fail(err, EINVAL, "log-denied: the seccomp profile must allow "
				       "%s (the init hands the listener over with it)",
				       calls[i].name);
	}
	return 0;
}

/*
 * The create step: the merged filter, the log's descriptor, and the
 * audit process waiting for the listener.  Nothing without log-denied.
 */
int audit_prepare(struct sj_jail *j, sj_error *err)
{
	struct sj_audit *a = &j->audit;
	const char *dest = j->cfg.log_denied;
	SJ_AUTOCLOSE int logfd = -1;
	int sv[2];
	pid_t pid;

	if (!dest)
		return 0;
	if (check_handover(j, err) < 0 || bpf_notify(&j->bpf, &a->bpf, err) < 0)
		return -1;
	if (strcmp(dest, "-") == 0)
		logfd = fcntl(2, F_DUPFD_CLOEXEC, 3);
	else
		logfd = open(dest, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
			     O_NOCTTY, 0600);
	if (logfd < 0) {
		sj_fail_errno(err, "log-denied: %s", strcmp(dest, "-") ? dest : "standard error");
		goto fail;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		sj_fail_errno(err, "log-denied: socketpair");
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		sj_fail_errno(err, "log-denied: starting the audit process");
		close(sv[0]);
		close(sv[1]);
		goto fail;
	}
	if (pid == 0)
		audit_main(j, sv[0], logfd);
	close(sv[0]);
	a->sock = sv[1];
	a->pid = pid;
	a->pidfd = (int)pidfd_open(pid, 0);
	if (a->pidfd < 0) {
		sj_fail_errno(err, "log-denied: pidfd_open");
		audit_undo(j);
		return -1;
	}
	return 0;
fail:
	free(a->bpf.prog[0].insns);
	memset(&a->bpf, 0, sizeof(a->bpf));
	return -1;
}

static void reap(struct sj_audit *a, int timeout_ms)
{
	struct pollfd p = { a->pidfd, POLLIN, 0 };
	siginfo_t si;

	if (a->pidfd < 0)
		return;
	if (timeout_ms >= 0 && poll(&p, 1, timeout_ms) <= 0)
		pidfd_send_signal(a->pidfd, SIGKILL, NULL, 0);
	while (waitid(P_PIDFD, (id_t)a->pidfd, &si, WEXITED) < 0 && errno == EINTR)
		;
	close(a->pidfd);
	a->pidfd = -1;
	a->pid = -1;
}

/* Undo audit_prepare(): the audit process killed, its resources freed. */
void audit_undo(struct sj_jail *j)
{
	struct sj_audit *a = &j->audit;

	if (a->sock >= 0)
		close(a->sock);
	a->sock = -1;
	reap(a, 0);
	free(a->bpf.prog[0].insns);
	memset(&a->bpf, 0, sizeof(a->bpf));
}

/* The jail ended: let the audit write its last lines, then reap it. */
void audit_finish(struct sj_jail *j)
{
	reap(&j->audit, AUDIT_DRAIN_MS);
}

/* Forget the audit process of a jail that lives on (it ends with it). */
void audit_release(struct sj_jail *j)
{
	struct sj_audit *a = &j->audit;

	if (a->sock >= 0)
		close(a->sock);
	if (a->pidfd >= 0)
		close(a->pidfd);
	a->sock = a->pidfd = -1;
	free(a->bpf.prog[0].insns);
	memset(&a->bpf, 0, sizeof(a->bpf));
}

/* Send FD over SOCK. */
static int send_fd(int sock, int fd, sj_error *err)
{
	char data = 'l';

	if (sj_send_fd(sock, &data, 1, fd) < 0)
		return sj_fail_errno(err, "log-denied: handing the listener over");
	return 0;
}

/*
 * In the jail's init, instead of sc_install(): the merged filter, with
 * a listener that goes to the audit process.  Until it is there, a
 * refused call waits; the init makes none before it is sent.
 */
int audit_install(const struct sj_jail *j, sj_error *err)
{
	const struct sj_audit *a = &j->audit;
	struct sock_fprog fp = {
		.len = (unsigned short)a->bpf.prog[0].len,
		.filter = a->bpf.prog[0].insns,
	};
	int listener, r;

	/* no_new_privs is set (caps_drop): the filter holds for setuid
	 * programs too. */
	listener = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
				SECCOMP_FILTER_FLAG_NEW_LISTENER, &fp);
	if (listener < 0)
		return sj_fail_errno(err, "seccomp: installing the filter with a listener");
	r = send_fd(a->sock, listener, err);
	close(listener);
	close(a->sock);
	return r;
}
