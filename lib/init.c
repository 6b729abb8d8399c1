/*
 * init.c: the jail's PID 1.
 *
 * The init is cloned by sj_create() into the jail's new PID, mount, UTS,
 * IPC and network namespaces, as root on the host.  It brings up
 * loopback, builds the jail's filesystem and names the host while it
 * still can, then waits for sj_start(), joins the jail's user namespace and gives up
 * everything else: capabilities, then (no_new_privs and) the seccomp
 * filter, inherited by all it starts.  It then starts the command, reaps
 * orphans, forwards signals to the command, and exits with the command's
 * status; the kernel then kills whatever is left in the jail.
 *
 * The init was made by a raw clone3(2): it must not call abort() or
 * raise(), which would use the parent's cached thread id.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "sj-private.h"

/* Stack of the command's process until its execve(). */
#define SJ_COMMAND_STACK (256 * 1024)

/* Signals the init passes on to the command. */
static const int forwarded[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
};

static void report(int fd, int stage, const sj_error *err)
{
	struct sj_report r = { .stage = stage, .errnum = err->errnum };

	memcpy(r.msg, err->msg, sizeof(r.msg));
	r.msg[sizeof(r.msg) - 1] = '\0';
	send(fd, &r, sizeof(r), MSG_NOSIGNAL);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Close every descriptor but those in KEEP (the caller's may leak in). */
static void close_all_but(int *keep, size_t n)
{
	unsigned from = 0;

	qsort(keep, n, sizeof(*keep), cmp_int);
	for (size_t i = 0; i < n; i++) {
		if (keep[i] < 0)
			continue;
		if ((unsigned)keep[i] > from)
			close_range(from, (unsigned)keep[i] - 1, 0);
		from = (unsigned)keep[i] + 1;
	}
	close_range(from, ~0u, 0);
}

static int setup_host_side(const struct sj_jail *j, sj_error *err)
{
	const struct sj_config *c = &j->cfg;

	/* Through the host's /proc, before the jail's read-only one. */
	if (net_setup_inside(j, err) < 0)
		return -1;
	if (sethostname(c->hostname, strlen(c->hostname)) < 0)
		return sj_fail_errno(err, "host.hostname");
	return mnt_build(j, err);
}

/* Wait for sj_start(): one byte, or EOF if our creator died. */
static int wait_go(int fd, sj_error *err)
{
	char c;
	ssize_t n;

	do
		n = recv(fd, &c, 1, 0);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return sj_fail(err, ECANCELED, "the jail's creator went away");
	return 0;
}

static int drop_to_jail(const struct sj_jail *j, sj_error *err)
{
	if (unshare(CLONE_NEWCGROUP) < 0)
		return sj_fail_errno(err, "cgroup namespace");
	if (uns_enter(j, err) < 0)
		return -1;
	/* allow.set_hostname: a UTS namespace the jail's root owns, with the
	 * jail's hostname; otherwise the host's user namespace owns it, and
	 * the kernel refuses sethostname(2) to root in the jail. */
	if (j->cfg.allow_set_hostname && unshare(CLONE_NEWUTS) < 0)
		return sj_fail_errno(err, "allow.set_hostname: UTS namespace");
	/* A keyring of the jail's own, not the session's of its creator. */
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0)
		return sj_fail_errno(err, "session keyring");
	if (caps_drop(&j->cfg, err) < 0)
		return -1;
	return sc_install(&j->bpf, err);
}

static void noop_handler(int sig SJ_UNUSED)
{
}

static char **clean_env(const struct sj_cred *cred)
{
	static const char *const path =
		"PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin";
	const char *term = getenv("TERM");
	const char *user = cred->set ? cred->name : "root";
	const char *home = cred->set ? cred->home : "/root";
	const char *shell = cred->set ? cred->shell : "/bin/sh";
	char **env = calloc(8, sizeof(*env));
	int n = 0;

	if (!env)
		return NULL;
	if (asprintf(&env[n++], "%s", path) < 0 ||
	    asprintf(&env[n++], "HOME=%s", home) < 0 ||
	    asprintf(&env[n++], "SHELL=%s", shell) < 0 ||
	    asprintf(&env[n++], "USER=%s", user) < 0 ||
	    asprintf(&env[n++], "LOGNAME=%s", user) < 0 ||
	    (term && asprintf(&env[n++], "TERM=%s", term) < 0))
		return NULL;
	return env;
}

static int become_user(const struct sj_jail *j, struct sj_cred *cred, sj_error *err)
{
	const struct sj_config *c = &j->cfg;

	if (!c->jail_user)
		return 0;
	if (!c->system_jail_user && users_lookup_jail(c->jail_user, cred, err) < 0)
		return -1;
	if (j->userns_fd >= 0 && (cred->uid >= SJ_UID_COUNT || cred->gid >= SJ_UID_COUNT))
		return sj_fail(err, EINVAL, "%s: uid %u or gid %u is outside the jail's "
			       "ids (0-%u)", cred->name, (unsigned)cred->uid,
			       (unsigned)cred->gid, SJ_UID_COUNT - 1);
	if (setgroups((size_t)cred->ngroups, cred->groups) < 0 ||
	    setresgid(cred->gid, cred->gid, cred->gid) < 0 ||
	    setresuid(cred->uid, cred->uid, cred->uid) < 0)
		return sj_fail_errno(err, "becoming user %s", cred->name);
	return 0;
}

struct command_args {
	struct sj_jail *j;
	const sigset_t *oldmask;
};

/*
 * The command's process: become its user, then execute it.  It shares the
 * init's memory (CLONE_VM | CLONE_VFORK, as posix_spawn does), while the
 * init waits: nothing to copy, nothing to fault in.
 */
static int run_command(void *arg)
{
	struct sj_jail *j = ((struct command_args *)arg)->j;
	const sigset_t *oldmask = ((struct command_args *)arg)->oldmask;
	struct sj_cred cred = j->cred;
	extern char **environ;
	sj_error err;

	for (size_t i = 0; i < SJ_NELEM(forwarded); i++)
		signal(forwarded[i], SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, oldmask, NULL);

	if (become_user(j, &cred, &err) < 0)
		goto fail;
	if (j->cfg.exec_clean) {
		char **env;

		/* As FreeBSD's exec.clean: the target login's HOME and SHELL,
		 * root's from the jail's passwd when no user is named. */
		if (!cred.set)
			users_lookup_jail("root", &cred, &err);
		env = clean_env(&cred);

		if (!env) {
			sj_fail(&err, ENOMEM, "out of memory");
			goto fail;
		}
		environ = env;
		if (chdir(cred.set ? cred.home : "/") < 0 && chdir("/") < 0) {
			sj_fail_errno(&err, "chdir");
			goto fail;
		}
	}
	/* Nothing of the host's descriptors but stdio may reach the command;
	 * the report pipe stays open until the exec succeeds. */
	close_range(3, ~0u, CLOSE_RANGE_CLOEXEC);
	execvp(j->cfg.command[0], j->cfg.command);

	sj_fail_errno(&err, "%s", j->cfg.command[0]);
	err.status = errno == ENOENT ? SJ_EXIT_NOTFOUND : SJ_EXIT_NOEXEC;
	report(j->sock_init, SJ_REPORT_EXEC, &err);
	_exit(err.status);
fail:
	report(j->sock_init, SJ_REPORT_SETUP, &err);
	_exit(SJ_EXIT_SETUP);
}

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

static void __attribute__((noreturn)) serve(pid_t cmd, bool persist, const sigset_t *set)
{
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(set, &si), status;
		pid_t pid;

		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			/* The terminal signals a whole process group: the
			 * command has had its copy already. */
			if (si.si_code != SI_KERNEL && cmd > 0)
				kill(cmd, sig);
			continue;
		}
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid != cmd)
				continue;
			cmd = 0;
			if (!persist)
				_exit(exit_code(status));
		}
	}
}

/* The init: never returns. */
int init_main(struct sj_jail *j)
{
	int keep[] = { 0, 1, 2, j->sock_init, j->root_fd, j->userns_fd,
		       j->reg.jid_lock, j->reg.slot_lock };
	struct sigaction sa = { .sa_handler = noop_handler };
	sigset_t set, old;
	pid_t cmd = 0;
	sj_error err;

	/* Until the jail stands, it dies with its creator. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_DUMPABLE, 0);
	signal(SIGPIPE, SIG_IGN);
	close_all_but(keep, SJ_NELEM(keep));

	if (setup_host_side(j, &err) < 0 || wait_go(j->sock_init, &err) < 0)
		goto fail;
	close(j->root_fd);
	if (drop_to_jail(j, &err) < 0)
		goto fail;
	if (j->userns_fd >= 0)
		close(j->userns_fd);

	/* PID 1 gets only the signals it has a handler for. */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < SJ_NELEM(forwarded); i++) {
		sigaction(forwarded[i], &sa, NULL);
		sigaddset(&set, forwarded[i]);
	}
	sigprocmask(SIG_BLOCK, &set, &old);

	if (j->cfg.command) {
		struct command_args args = { j, &old };
		char *stack = malloc(SJ_COMMAND_STACK);

		if (!stack) {
			sj_fail(&err, ENOMEM, "out of memory");
			goto fail;
		}
		cmd = clone(run_command, stack + SJ_COMMAND_STACK,
			    CLONE_VM | CLONE_VFORK | SIGCHLD, &args);
		free(stack);
		if (cmd < 0) {
			sj_fail_errno(&err, "starting the command");
			goto fail;
		}
	}
	close(j->sock_init);
	prctl(PR_SET_PDEATHSIG, 0);
	serve(cmd, j->cfg.persist || !j->cfg.command, &set);
fail:
	report(j->sock_init, SJ_REPORT_SETUP, &err);
	_exit(SJ_EXIT_SETUP);
}
