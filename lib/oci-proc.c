/*
 * oci-proc.c: a container's process, as config.json's process (or exec's
 * process.json) describes it.
 *
 * In the order runc keeps, for the same reasons:
 *
 *   1. while still root with every capability (the init, or jexec's
 *      command right after it joined the container): rlimits (raising a
 *      hard limit needs CAP_SYS_RESOURCE), oomScoreAdj, the capability
 *      bounding set, no_new_privs if asked, and the seccomp filter --
 *      without no_new_privs installing one needs CAP_SYS_ADMIN, so it
 *      goes in before the capabilities are dropped, and the profile must
 *      allow what follows (setgroups, setuid, capset: Docker's and
 *      Podman's profiles do);
 *   2. in the process itself: a session, its terminal, its user (keeping
 *      the capabilities across setuid), then exactly the effective,
 *      permitted, inheritable and ambient sets asked for, the umask, the
 *      working directory, the environment, execve.
 *
 * The bounding set and no_new_privs are what hold after execve; a
 * process running as uid 0 gets its bounding set as its permitted set,
 * as under runc.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/keyctl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>

#include "oci.h"

static int capset_sets(uint64_t eff, uint64_t perm, uint64_t inh, sj_error *err)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = {
		{ (uint32_t)eff, (uint32_t)perm, (uint32_t)inh },
		{ (uint32_t)(eff >> 32), (uint32_t)(perm >> 32), (uint32_t)(inh >> 32) },
	};

	if (syscall(SYS_capset, &hdr, d) < 0)
		return sj_fail_errno(err, "process.capabilities: setting them");
	return 0;
}

/* Step 1, while root with every capability. */
int oci_init_confine(const struct sj_jail *j, const struct oci_process *p, sj_error *err)
{
	/* A session keyring of the container's own, not the caller's. */
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS)
		return sj_fail_errno(err, "session keyring");
	for (size_t i = 0; i < p->nrlimits; i++) {
		struct rlimit rl = { p->rlimits[i].soft, p->rlimits[i].hard };

		if (setrlimit(p->rlimits[i].resource, &rl) < 0)
			return sj_fail_errno(err, "process.rlimits[%zu]: setting %llu:%llu", i,
					     (unsigned long long)rl.rlim_cur,
					     (unsigned long long)rl.rlim_max);
	}
	if (p->oom_set) {
		char v[16];

		snprintf(v, sizeof(v), "%d", p->oom_score_adj);
		if (sj_write_file("/proc/self/oom_score_adj", v, err) < 0) {
			sj_error_prefix(err, "process.oomScoreAdj");
			return -1;
		}
	}
	/* Without capabilities given, none: the spec's default. */
	for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (!(p->caps[OCI_CAP_BOUNDING] & (1ull << cap)) &&
		    prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return sj_fail_errno(err, "process.capabilities.bounding: dropping %d", cap);
	if (p->nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return sj_fail_errno(err, "process.noNewPrivileges");
	if (j->bpf.nprog > 0 && sc_install_flags(&j->bpf, oci_seccomp_flags(j), err) < 0) {
		sj_error_prefix(err, "linux.seccomp");
		return -1;
	}
	return 0;
}

/* The init, once the process runs: nothing but the right to signal it. */
int oci_drop_all_caps(sj_error *err)
{
	uint64_t kill_cap = 1ull << CAP_KILL;

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return sj_fail_errno(err, "clearing ambient capabilities");
	return capset_sets(kill_cap, kill_cap, 0, err);
}

/* Make SLAVE the process's controlling terminal and stdio. */
static int take_terminal(int slave, sj_error *err)
{
	if (setsid() < 0)
		return sj_fail_errno(err, "setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return sj_fail_errno(err, "making the terminal the controlling one");
	for (int fd = 0; fd < 3; fd++)
		if (dup3(slave, fd, 0) < 0)
			return sj_fail_errno(err, "terminal: dup");
	if (slave > 2)
		close(slave);
	return 0;
}

static int become(const struct oci_process *p, sj_error *err)
{
	/* Through setuid with the capabilities kept: the sets asked for
	 * are set afterwards, exactly. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return sj_fail_errno(err, "keeping capabilities");
	if (setgroups(p->ngroups, p->groups) < 0)
		return sj_fail_errno(err, "process.user.additionalGids");
	if (setresgid(p->gid, p->gid, p->gid) < 0)
		return sj_fail_errno(err, "process.user.gid %u", (unsigned)p->gid);
	if (setresuid(p->uid, p->uid, p->uid) < 0)
		return sj_fail_errno(err, "process.user.uid %u", (unsigned)p->uid);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return sj_fail_errno(err, "keeping capabilities");
	if (capset_sets(p->caps[OCI_CAP_EFFECTIVE], p->caps[OCI_CAP_PERMITTED],
			p->caps[OCI_CAP_INHERITABLE], err) < 0)
		return -1;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return sj_fail_errno(err, "process.capabilities.ambient");
	/* As runc: an ambient capability needs to be inheritable and
	 * permitted too; one that is not is left out (runc warns). */
	for (int cap = 0; cap < 64; cap++)
		if (p->caps[OCI_CAP_AMBIENT] & (1ull << cap))
			prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0);
	return 0;
}

/*
 * Step 2, in the process (a CLONE_VM child of the init or of jexec's
 * attacher): never returns.  SLAVE is its terminal, or -1.
 */
void oci_exec(const struct sj_jail *j SJ_UNUSED, const struct oci_process *p, int slave,
	      struct sj_report *r)
{
	static char *empty[] = { NULL };
	extern char **environ;
	sj_error err;
	sigset_t none;

	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (slave >= 0 ? take_terminal(slave, &err) < 0 : setsid() < 0 && errno != EPERM) {
		if (slave < 0)
			sj_fail_errno(&err, "setsid");
		goto fail;
	}
	if (become(p, &err) < 0)
		goto fail;
	if (p->umask >= 0)
		umask((mode_t)p->umask);
	if (chdir(p->cwd) < 0) {
		sj_fail_errno(&err, "process.cwd: %s", p->cwd);
		goto fail;
	}
	environ = p->env ? p->env : empty;
	/* Nothing of the host's descriptors but stdio reaches the process. */
	close_range(3, ~0u, CLOSE_RANGE_CLOEXEC);
	execvp(p->args[0], p->args);

	/* runc's wording, which the front ends match on. */
	if (errno == ENOENT)
		sj_fail(&err, ENOENT, "exec: \"%s\": %s", p->args[0], strchr(p->args[0], '/')
			? "no such file or directory" : "executable file not found in $PATH");
	else if (errno == EACCES)
		sj_fail(&err, EACCES, "exec: \"%s\": permission denied", p->args[0]);
	else
		sj_fail_errno(&err, "exec: \"%s\"", p->args[0]);
	cmd_report(r, SJ_REPORT_EXEC, &err);
	_exit(err.errnum == ENOENT ? SJ_EXIT_NOTFOUND : SJ_EXIT_NOEXEC);
fail:
	cmd_report(r, SJ_REPORT_SETUP, &err);
	_exit(SJ_EXIT_SETUP);
}

/* Send FD over unix socket SOCK. */
static int send_fd(int sock, int fd, sj_error *err)
{
	char data = 'T';

	if (sj_send_fd(sock, &data, 1, fd) < 0)
		return sj_fail_errno(err, "sending the terminal over the console socket");
	return 0;
}

/*
 * In the container: a new pty from its devpts; the master goes over
 * SOCK to whoever asked for a terminal, *SLAVE gets the other side.
 */
int oci_console_open(int sock, const struct oci_process *p, int *slave, sj_error *err)
{
	SJ_AUTOCLOSE int master = -1;
	struct winsize ws = { .ws_row = (unsigned short)p->rows, .ws_col = (unsigned short)p->cols };
	int unlock = 0;

	if (sock < 0)
		return sj_fail(err, EINVAL, "process.terminal: a terminal needs --console-socket");
	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return sj_fail_errno(err, "process.terminal: /dev/ptmx");
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return sj_fail_errno(err, "process.terminal: unlocking the pty");
	/* The slave through the master: never by a name someone could swap. */
	*slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0)
		return sj_fail_errno(err, "process.terminal: opening the pty");
	if (ws.ws_row && ws.ws_col)
		ioctl(*slave, TIOCSWINSZ, &ws);
	return send_fd(sock, master, err);
}

/* The init's terminal: also the container's /dev/console. */
int oci_console_init(struct sj_jail *j, sj_error *err)
{
	SJ_AUTOCLOSE int m = -1, target = -1;
	int slave = -1;

	if (oci_console_open(j->oci->console, &j->oci->spec->proc, &slave, err) < 0)
		return -1;
	j->oci->pty = slave;
	close(j->oci->console);
	j->oci->console = -1;
	target = open("/dev/console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (target < 0) {
		int f = open("/dev/console", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			     O_CLOEXEC, 0600);

		if (f >= 0)
			close(f);
		target = open("/dev/console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	}
	m = open_tree(slave, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (target < 0 || m < 0 ||
	    move_mount(m, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return sj_fail_errno(err, "process.terminal: /dev/console");
	return 0;
}
