/*
 * attach.c: run a command in a running jail (jexec).
 *
 * The caller forks an attacher (into the jail's v2 cgroup, as clone3(2)
 * can: never moved there by pid, see cgroup.c), which joins every
 * namespace of the jail
 * at once through a pidfd of the jail's init (never by pid: a recycled
 * pid cannot put a command in the wrong place) and starts the command as
 * a sibling of itself, a child of the caller, in the jail's PID namespace.
 * The command then takes the confinement the jail's first command has:
 * the jail's root user, session keyring, capabilities, no_new_privs and
 * seccomp filter (cmd_confine()), and its user and environment
 * (cmd_exec()).  The attacher tells the caller the command's pid, or why
 * it could not run, and exits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/single_threaded.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "oci.h"

#define ATTACH_STACK (256 * 1024)

/* What the attacher tells the caller. */
struct attach_msg {
	pid_t pid;
	struct sj_report report;
};

struct command_args {
	const struct sj_jail *j;
	const struct sj_cmd *cmd;
	struct sj_report *report;
};

/* The command's process, in the jail's namespaces: confine, then exec. */
static int command(void *arg)
{
	struct command_args *a = arg;
	sj_error err;
	int slave = -1;

	/* A container's process: its own user, capabilities and terminal. */
	if (a->cmd->oci) {
		if (oci_init_confine(a->j, a->cmd->oci, &err) < 0)
			goto fail;
		if (a->cmd->oci->terminal &&
		    oci_console_open(a->cmd->console, a->cmd->oci, &slave, &err) < 0)
			goto fail;
		oci_exec(a->j, a->cmd->oci, slave, a->report);
	}
	if (a->j->cfg.userns && uns_become_root(a->j, &err) < 0)
		goto fail;
	if (cmd_confine(a->j, LL_ATTACHED, &err) < 0)
		goto fail;
	cmd_exec(a->cmd, a->report);
fail:
	a->report->stage = SJ_REPORT_SETUP;
	a->report->errnum = err.errnum;
	snprintf(a->report->msg, sizeof(a->report->msg), "%s", err.msg);
	_exit(SJ_EXIT_SETUP);
}

/* The attacher; IN_V2: born in the jail's v2 cgroup (fork_attacher()). */
static void __attribute__((noreturn)) attacher(const struct sj_jail *j, const struct sj_cmd *cmd,
					       int sock, bool in_v2)
{
	int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
		    CLONE_NEWCGROUP;
	struct attach_msg m = { .pid = -1 };
	struct command_args args = { j, cmd, &m.report };
	sj_error e;
	char *stack = malloc(ATTACH_STACK);

	if (j->cfg.userns || (j->oci && oci_spec_has_ns(j->oci->spec, CLONE_NEWUSER)))
		flags |= CLONE_NEWUSER;
	/* Before anything of the jail can see us: a process in the jail
	 * must not reach our binary through /proc/PID/exe and rewrite it
	 * (runc's CVE-2019-5736).  The command shares our memory until its
	 * execve, and with it this flag. */
	prctl(PR_SET_DUMPABLE, 0);
	if (!stack) {
		m.report = (struct sj_report){ SJ_REPORT_SETUP, ENOMEM, "out of memory" };
	} else if (j->oci ? ocg_join(j, !in_v2, &e) < 0
			  : (up_cgroups_allowed(j) && cg_join(j, !in_v2, &e) < 0) ||
			    lim_apply_rlimits(&j->cfg, &e) < 0) {
		/* The jail's cgroups and rlimits (a bundle's: its own), for the
		 * command to inherit; as root on the host still, before
		 * anything of the jail. */
		m.report = (struct sj_report){ SJ_REPORT_SETUP, e.errnum, "" };
		snprintf(m.report.msg, sizeof(m.report.msg), "%s", e.msg);
	} else if (j->mode == SJ_MODE_USERNS ? up_attach_setns(j, flags, &e) < 0
					     : setns(j->init_pidfd, flags) < 0) {
		if (j->mode != SJ_MODE_USERNS)
			sj_fail_errno(&e, "jail %d is not running", j->reg.jid);
		m.report = (struct sj_report){ SJ_REPORT_SETUP, ESRCH, "" };
		snprintf(m.report.msg, sizeof(m.report.msg), "%s", e.msg);
	} else {
		/* A sibling: the caller waits for it.  We sleep until it has
		 * executed the command or failed. */
		m.pid = clone(command, stack + ATTACH_STACK,
			      CLONE_VM | CLONE_VFORK | CLONE_PARENT | SIGCHLD, &args);
		if (m.pid < 0) {
			/* A PID namespace whose init died takes no one. */
			m.report = (struct sj_report){ SJ_REPORT_SETUP, errno, "" };
			snprintf(m.report.msg, sizeof(m.report.msg), "jail %d is %s: %s",
				 j->reg.jid, errno == ENOMEM ? "being removed" : errno == EAGAIN
				 ? "at its process limit (sysjail.maxproc)" : "unreachable",
				 strerror(errno));
		}
	}
	send(sock, &m, sizeof(m), MSG_NOSIGNAL);
	_exit(0);
}

/*
 * fork(), or, with CGROUP, a clone3(2) that puts the child there.  Like
 * the jail's init, the child must not call abort() or raise(), which
 * would use the parent's cached thread id.  The caller passes CGROUP only
 * while it has one thread: with more, another may hold a lock of malloc
 * or stdio at the clone, which fork() takes care of and clone3 does not.
 */
static pid_t fork_attacher(int cgroup)
{
	struct clone_args args = {
		.flags = CLONE_INTO_CGROUP,
		.exit_signal = SIGCHLD,
		.cgroup = (uint64_t)cgroup,
	};

	if (cgroup < 0)
		return fork();
	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

pid_t sj_attach(sj_jail *j, const struct sj_exec *e, sj_error *err)
{
	struct sj_cmd cmd = {
		.argv = e->argv,
		.user = e->user,
		.host_user = e->host_user,
		.cred = &j->cred,
		.clean_env = e->clean_env,
		.dir = e->dir,
		.output = e->output,
		.id_limit = j->cfg.userns ? SJ_UID_COUNT : 0,
		.console = e->console > 0 ? e->console : -1,
	};
	struct attach_msg m = { .pid = -1 };
	struct oci_process *proc = NULL;
	SJ_AUTOCLOSE int cgroup = -1;
	int sv[2], status;
	pid_t a;
	ssize_t n;

	sj_error_clear(err);
	if (!j->found && !j->started)
		return sj_fail(err, EINVAL, "only a running jail can be entered");
	if (!e->argv || !e->argv[0])
		return sj_fail(err, EINVAL, "no command to run");
	if (j->dying)
		return sj_fail(err, ESRCH, "jail %d is being removed", j->reg.jid);
	/* A process from outside could not join its Landlock domain. */
	if (j->mode == SJ_MODE_CONFINE)
		return sj_fail(err, EOPNOTSUPP, "jail %d is confined in place: it has no "
			       "namespaces to enter, and only its own command runs in it",
			       j->reg.jid);
	/* A bundle's jail: its spec first, which sc_prepare() compiles. */
	if (j->cfg.oci && !(cmd.oci = proc = oci_exec_process(j, e, err)))
		return -1;
	if (mng_open_init(j, err) < 0 || sc_prepare(j, err) < 0) {
		oci_exec_process_free(proc);
		return -1;
	}
	/* For sj_attach_reason(): the jail's memory kills until now. */
	j->oom_before = cg_oom_kills(j);
	users_free(&j->cred);
	if (e->user && e->host_user && users_lookup_host(e->user, &j->cred, err) < 0) {
		oci_exec_process_free(proc);
		return -1;
	}
	if (__libc_single_threaded &&
	    (j->cfg.oci ? ocg_open_v2(j, &cgroup, err)
			: up_cgroups_allowed(j) ? cg_open_v2(j, &cgroup, err) : 0) < 0) {
		oci_exec_process_free(proc);
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		oci_exec_process_free(proc);
		return sj_fail_errno(err, "socketpair");
	}
	a = fork_attacher(cgroup);
	if (a < 0) {
		close(sv[0]);
		close(sv[1]);
		oci_exec_process_free(proc);
		return sj_fail_errno(err, "starting jexec's attacher");
	}
	if (a == 0) {
		close(sv[0]);
		attacher(j, &cmd, sv[1], cgroup >= 0);
	}
	close(sv[1]);
	do
		n = recv(sv[0], &m, sizeof(m), 0);
	while (n < 0 && errno == EINTR);
	close(sv[0]);
	oci_exec_process_free(proc);
	while (waitpid(a, &status, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(m))
		return sj_fail(err, EIO, "the attacher of jail %d died", j->reg.jid);
	if (m.report.stage) {
		if (m.pid > 0)
			while (waitpid(m.pid, &status, 0) < 0 && errno == EINTR)
				;
		m.report.msg[sizeof(m.report.msg) - 1] = '\0';
		sj_fail(err, m.report.errnum, "%s", m.report.msg);
		if (m.report.stage == SJ_REPORT_EXEC)
			err->status = m.report.errnum == ENOENT ? SJ_EXIT_NOTFOUND : SJ_EXIT_NOEXEC;
		return -1;
	}
	return m.pid;
}
