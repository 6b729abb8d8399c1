/*
 * init.c: the jail's PID 1.
 *
 * The init is cloned by sj_create() into the jail's new PID, mount, UTS,
 * IPC and network namespaces, as root on the host.  It brings up
 * loopback, builds the jail's filesystem and names the host while it
 * still can, then waits for sj_start(), joins the jail's user namespace
 * and gives up everything else: capabilities, then (no_new_privs and) the
 * seccomp filter, inherited by all it starts.  It then starts the command,
 * tells its creator how that went, reaps orphans, forwards signals to the
 * command, and exits with the command's status (a persistent jail's init
 * stays); the kernel then kills whatever is left in the jail.
 *
 * A user's init starts in a user namespace of the user's ids and does
 * the same one level down (unpriv.c).  The init of a jail confined in
 * place has no namespace: it stays outside the jail's Landlock domain,
 * a child subreaper, and confines its command instead.
 *
 * The init was made by a raw clone3(2): it must not call abort() or
 * raise(), which would use the parent's cached thread id.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "oci.h"

/* Stack of the command's process until its execve(). */
#define SJ_COMMAND_STACK (256 * 1024)

/* Signals the init passes on to the command. */
static const int forwarded[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
};

/* Tell the jail's creator something; it may be gone (then false). */
static bool tell(int fd, int stage, int errnum, const char *msg)
{
	struct sj_report r = { .stage = stage, .errnum = errnum };

	snprintf(r.msg, sizeof(r.msg), "%s", msg ? msg : "");
	return send(fd, &r, sizeof(r), MSG_NOSIGNAL) == (ssize_t)sizeof(r);
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

	if (j->mode == SJ_MODE_CONFINE)
		return 0;
	if (net_setup_inside(j, err) < 0)
		return -1;
	if (sethostname(c->hostname, strlen(c->hostname)) < 0)
		return sj_fail_errno(err, "host.hostname");
	return mnt_build(j, net_join_aside, err);
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
	/* Confined in place, only the command enters the jail's domain. */
	if (j->mode == SJ_MODE_CONFINE)
		return 0;
	/* A bundle's cgroup namespace was made (or joined) before its mounts. */
	if (j->oci)
		return uns_enter(j, err) < 0 ? -1 : oci_init_confine(j, &j->oci->spec->proc, err);
	if (unshare(CLONE_NEWCGROUP) < 0)
		return sj_fail_errno(err, "cgroup namespace");
	if (uns_enter(j, err) < 0)
		return -1;
	/* allow.set_hostname: a UTS namespace the jail's root owns, with the
	 * jail's hostname; otherwise the host's user namespace owns it, and
	 * the kernel refuses sethostname(2) to root in the jail. */
	if (j->cfg.allow_set_hostname && unshare(CLONE_NEWUTS) < 0)
		return sj_fail_errno(err, "allow.set_hostname: UTS namespace");
	/* sysjail's dir, symlink and chmod: as the jail's root, who could
	 * do the same. */
	if (layout_apply(j, err) < 0)
		return -1;
	/* die-with-parent: entering the user namespace cleared it. */
	if (j->cfg.die_with_parent && prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return sj_fail_errno(err, "die-with-parent");
	return cmd_confine(j, j->mode == SJ_MODE_USERNS ? LL_INIT : LL_COMMAND, err);
}

static void release_stdio(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return;
	for (int i = 0; i < 3; i++)
		dup3(fd, i, 0);
	if (fd > 2)
		close(fd);
}

static void noop_handler(int sig SJ_UNUSED)
{
}

struct command_args {
	const struct sj_jail *j;
	const struct sj_cmd *cmd;
	struct sj_report *report;	/* the init's memory: CLONE_VM */
};

static int run_command(void *arg)
{
	struct command_args *a = arg;
	sj_error err;

	/* Confined in place, the command alone enters the jail's domain; a
	 * user's jail's command enters one below its init's. */
	if ((a->j->mode == SJ_MODE_CONFINE && cmd_confine(a->j, LL_COMMAND, &err) < 0) ||
	    (a->j->mode == SJ_MODE_USERNS && ll_restrict(a->j, LL_COMMAND, &err) < 0)) {
		a->report->stage = SJ_REPORT_SETUP;
		a->report->errnum = err.errnum;
		snprintf(a->report->msg, sizeof(a->report->msg), "%s", err.msg);
		_exit(SJ_EXIT_SETUP);
	}
	cmd_exec(a->cmd, a->report);
}

/* Start the jail's command; returns its pid, or -1 with R filled. */
static pid_t start_command(const struct sj_jail *j, struct sj_report *r)
{
	struct sj_cmd cmd = {
		.argv = j->cfg.command,
		.user = j->cfg.jail_user,
		.host_user = j->cfg.system_jail_user,
		.cred = &j->cred,
		.clean_env = j->cfg.exec_clean,
		.id_limit = j->mode == SJ_MODE_USERNS ? j->nids : j->userns_fd >= 0 ? SJ_UID_COUNT : 0,
		.dir = j->cfg.chdir,
		.ids = j->cfg.uid >= 0 || j->cfg.gid >= 0,
		.uid = j->cfg.uid,
		.gid = j->cfg.gid,
		.clearenv = j->cfg.clearenv,
		.new_session = j->cfg.new_session,
		.unsetenv = j->cfg.unsetenv,
		.setenv = j->cfg.setenv,
	};
	struct command_args args = { j, &cmd, r };
	char *stack = malloc(SJ_COMMAND_STACK);
	pid_t pid;

	if (!stack) {
		r->stage = SJ_REPORT_SETUP;
		r->errnum = ENOMEM;
		snprintf(r->msg, sizeof(r->msg), "out of memory");
		return -1;
	}
	r->stage = 0;
	/* The init sleeps until the command has executed or failed. */
	pid = clone(run_command, stack + SJ_COMMAND_STACK, CLONE_VM | CLONE_VFORK | SIGCHLD,
		    &args);
	free(stack);
	if (pid < 0) {
		r->stage = SJ_REPORT_SETUP;
		r->errnum = errno;
		snprintf(r->msg, sizeof(r->msg), "starting the command: %s", strerror(errno));
	}
	return pid;
}

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/* Whether the jail has a process but its init (in the jail's /proc). */
static bool jail_busy(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	bool busy = false;

	if (!d)
		return true;
	while (!busy && (e = readdir(d)))
		busy = e->d_name[0] >= '1' && e->d_name[0] <= '9' && strcmp(e->d_name, "1") != 0;
	closedir(d);
	return busy;
}

/* The init's end: confined in place, the jail ends with it as a PID
 * namespace would, killed. */
static void __attribute__((noreturn)) end(const struct sj_jail *j, int status)
{
	if (j->mode == SJ_MODE_CONFINE)
		up_kill_all(j);
	_exit(status);
}

/*
 * PID 1's life: reap, forward signals to the command, end with it (or,
 * in a persistent jail, tell the creator its status and carry on).  A
 * jail that has neither a command nor persist lingers: once its creator
 * lets it go (closes SOCK, after exec.start), it ends with its last
 * process.  Processes jexec added are not our children, so the init
 * looks every second.
 */
static void __attribute__((noreturn)) serve(const struct sj_jail *j, pid_t cmd, bool persist,
					     bool linger, int sock, const sigset_t *set)
{
	const struct timespec second = { 1, 0 };

	for (;;) {
		siginfo_t si;
		int sig = sigtimedwait(set, &si, linger ? &second : NULL), status;
		pid_t pid;

		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid != cmd)
				continue;
			cmd = 0;
			if (!persist)
				end(j, exit_code(status));
			tell(sock, SJ_REPORT_EXITED, exit_code(status), NULL);
			close(sock);
			sock = -1;
		}
		if (linger) {
			char c;

			if (sock >= 0 && recv(sock, &c, 1, MSG_DONTWAIT) == 0) {
				close(sock);
				sock = -1;
			}
			if (sock < 0 && !jail_busy())
				end(j, 0);
		}
		/* The terminal signals a whole process group: the command has
		 * had its copy already. */
		if (sig > 0 && sig != SIGCHLD && si.si_code != SI_KERNEL && cmd > 0)
			kill(cmd, sig);
	}
}

/* The init: never returns. */
int init_main(struct sj_jail *j)
{
	int keep[10 + 3 + 8] = { 0, 1, 2, j->sock_init, j->root_fd, j->userns_fd,
				 j->reg.jid_lock, j->reg.slot_lock, net_keep_fd(j), j->audit.sock,
				 -1, -1, -1 };
	struct sigaction sa = { .sa_handler = noop_handler };
	struct sj_report r = { 0 };
	sigset_t set;
	pid_t cmd = 0;
	bool linger;
	sj_error err;

	/* Until the jail stands, it dies with its creator.  A user's init
	 * stays dumpable, for its owner to enter the jail, behind a Landlock
	 * domain of its own (unpriv.c, landlock.c). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (j->mode != SJ_MODE_USERNS)
		prctl(PR_SET_DUMPABLE, 0);
	signal(SIGPIPE, SIG_IGN);
	if (j->oci) {
		keep[10] = j->oci->listen;
		keep[11] = j->oci->console;
		for (size_t i = 0; i < j->oci->spec->nns && i < 8; i++)
			keep[13 + i] = j->oci->nsfd[i];
	}
	close_all_but(keep, SJ_NELEM(keep));
	if (cg_hold(j, &err) < 0)
		goto fail;

	if (j->oci ? oci_init_setup(j, &err) < 0
		   : up_init_prepare(j, &err) < 0 || setup_host_side(j, &err) < 0 ||
		     wait_go(j->sock_init, &err) < 0)
		goto fail;
	close(j->root_fd);
	/* The jail's v1 cgroups, made by now (we were born in its v2 one),
	 * and its rlimits, inherited by all it starts: joined and set while
	 * we are root on the host, as raising a hard limit needs. */
	if (cg_enter(j, &err) < 0 || lim_apply_rlimits(&j->cfg, &err) < 0 ||
	    drop_to_jail(j, &err) < 0)
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
	/* A container's runtime signals its process through the init
	 * (sjrun kill): every signal it can catch goes on. */
	for (int sig = 1; j->oci && sig < SIGRTMIN; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP || sig == SIGCHLD || sigismember(&set, sig))
			continue;
		sigaction(sig, &sa, NULL);
		sigaddset(&set, sig);
	}
	sigprocmask(SIG_BLOCK, &set, NULL);

	if (j->cfg.command) {
		int status;

		cmd = j->oci ? oci_start_command(j, &r) : start_command(j, &r);
		if (r.stage) {
			/* A command that could not run ends the jail. */
			if (cmd > 0)
				waitpid(cmd, &status, 0);
			tell(j->sock_init, r.stage, r.errnum, r.msg);
			_exit(r.stage == SJ_REPORT_EXEC && r.errnum == ENOENT
			      ? SJ_EXIT_NOTFOUND : r.stage == SJ_REPORT_EXEC
			      ? SJ_EXIT_NOEXEC : SJ_EXIT_SETUP);
		}
	}
	/* The container's process has what it needs of ours: all the init
	 * keeps is the right to pass signals on to it, whoever it runs as. */
	if (j->oci && oci_drop_all_caps(&err) < 0) {
		kill(cmd, SIGKILL);
		goto fail;
	}
	/* Before the creator learns it: it may exit the moment it does.
	 * (Root's init lost the signal when it changed its uid already.)
	 * With die-with-parent, a creator gone before it heard of the jail
	 * takes the jail with it too. */
	if (!j->cfg.die_with_parent)
		prctl(PR_SET_PDEATHSIG, 0);
	if (!tell(j->sock_init, SJ_REPORT_READY, 0, NULL) && j->cfg.die_with_parent)
		_exit(SJ_EXIT_SETUP);
	/* The command has the caller's stdio; the init lets go of it, or
	 * `jid=$(jail -i -c ... persist)` would wait for it forever. */
	release_stdio();
	/* What the creator allocated before the clone (a policy compiled
	 * on a cache miss: about a megabyte) is ours alone once it exits. */
	malloc_trim(0);
	/* A persistent jail's creator may wait for the command's status; a
	 * lingering one's tells it when its exec.start is done. */
	linger = !j->cfg.persist && !j->cfg.command;
	if (!(j->cfg.persist && cmd > 0) && !linger) {
		close(j->sock_init);
		j->sock_init = -1;
	}
	serve(j, cmd, j->cfg.persist || !j->cfg.command, linger, j->sock_init, &set);
fail:
	tell(j->sock_init, SJ_REPORT_SETUP, err.errnum, err.msg);
	_exit(SJ_EXIT_SETUP);
}
