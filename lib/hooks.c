/*
 * hooks.c: jail.conf(5)'s exec.* commands, run in FreeBSD's order and
 * context.
 *
 *   exec.prestart   host   before the jail is made
 *   exec.created    host   once it exists, before anything runs in it
 *   exec.start      jail   once it runs (after its command started)
 *   exec.poststart  host   after exec.start
 *   exec.prestop    host   before a removal
 *   exec.stop       jail   before its processes are signalled
 *   exec.poststop   host   after it is gone
 *
 * Each element of a list is one command, given to /bin/sh -c.  Host
 * commands run as exec.system_user (or the caller), jail ones as
 * exec.jail_user through sj_attach(), with all the jail's confinement;
 * exec.clean cleans the environment of both.  Their output goes to
 * exec.consolelog when it is set.  A command that fails, or outlives
 * exec.timeout seconds (killed then), stops what was under way.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>

#include "sj-private.h"

static const struct {
	const char *param;
	bool in_jail;
} hooks[] = {
	[HOOK_PRESTART] = { "exec.prestart", false },
	[HOOK_CREATED] = { "exec.created", false },
	[HOOK_START] = { "exec.start", true },
	[HOOK_POSTSTART] = { "exec.poststart", false },
	[HOOK_PRESTOP] = { "exec.prestop", false },
	[HOOK_STOP] = { "exec.stop", true },
	[HOOK_POSTSTOP] = { "exec.poststop", false },
};

/*
 * Wait for child PID, killing it after TIMEOUT seconds (0: none): with
 * its process group GROUP when it leads one (a host command, whose shell
 * may have started others), else alone.
 */
static int wait_child(pid_t pid, bool group, int timeout, const char *what, sj_error *err)
{
	SJ_AUTOCLOSE int fd = pidfd_open(pid, 0);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int status, r = 1;

	if (fd >= 0 && timeout > 0) {
		do
			r = poll(&p, 1, timeout * 1000);
		while (r < 0 && errno == EINTR);
		if (r == 0)
			kill(group ? -pid : pid, SIGKILL);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return sj_fail_errno(err, "%s", what);
	if (r == 0)
		return sj_fail(err, ETIMEDOUT, "%s: still running after exec.timeout (%d s), "
			       "killed", what, timeout);
	if (WIFSIGNALED(status))
		return sj_fail(err, ECANCELED, "%s: killed by signal %d", what, WTERMSIG(status));
	if (WEXITSTATUS(status) != 0)
		return sj_fail(err, ECANCELED, "%s: failed with status %d", what,
			       WEXITSTATUS(status));
	return 0;
}

static void __attribute__((noreturn)) host_child(const struct sj_jail *j, const char *cmd,
						  const struct sj_cred *user, int out)
{
	extern char **environ;

	/* A group of its own, for exec.timeout to kill all of it. */
	if (setpgid(0, 0) < 0 || (out >= 0 && (dup2(out, 1) < 0 || dup2(out, 2) < 0)))
		_exit(126);
	if (user->set && (setgroups((size_t)user->ngroups, user->groups) < 0 ||
			  setresgid(user->gid, user->gid, user->gid) < 0 ||
			  setresuid(user->uid, user->uid, user->uid) < 0))
		_exit(126);
	if (j->cfg.exec_clean) {
		static char *none[] = { NULL };
		const char *term = getenv("TERM");

		environ = none;
		setenv("PATH", "/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin", 1);
		if (term)
			setenv("TERM", term, 1);
		if (user->set) {
			setenv("HOME", user->home, 1);
			setenv("SHELL", user->shell, 1);
			setenv("USER", user->name, 1);
			if (chdir(user->home) < 0 && chdir("/") < 0)
				_exit(126);
		}
	}
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

static int run_host(const struct sj_jail *j, const char *param, const char *cmd,
		    const struct sj_cred *user, int out, sj_error *err)
{
	char what[256];
	pid_t pid;

	snprintf(what, sizeof(what), "%s '%.200s'", param, cmd);
	pid = fork();
	if (pid < 0)
		return sj_fail_errno(err, "%s", what);
	if (pid == 0)
		host_child(j, cmd, user, out);
	setpgid(pid, pid);
	return wait_child(pid, true, j->cfg.exec_timeout, what, err);
}

static int run_in_jail(struct sj_jail *j, const char *param, const char *cmd, int out,
		       sj_error *err)
{
	char sh[] = "/bin/sh", c[] = "-c", what[256];
	char *argv[] = { sh, c, (char *)cmd, NULL };
	struct sj_exec e = {
		.argv = argv,
		.user = j->cfg.jail_user,
		.host_user = j->cfg.system_jail_user,
		.clean_env = j->cfg.exec_clean,
		.output = out >= 0 ? out : 0,
	};
	pid_t pid;

	snprintf(what, sizeof(what), "%s '%.200s'", param, cmd);
	pid = sj_attach(j, &e, err);
	if (pid < 0) {
		sj_error_prefix(err, "%s", what);
		return -1;
	}
	return wait_child(pid, false, j->cfg.exec_timeout, what, err);
}

/* Run the commands of hook H for jail J, in order; stop at the first failure. */
int hooks_run(struct sj_jail *j, enum sj_hook h, sj_error *err)
{
	char *const *cmds = params_list(&j->cfg, hooks[h].param);
	struct sj_cred user = { 0 };
	SJ_AUTOCLOSE int out = -1;
	int r = 0;

	if (!cmds || !cmds[0])
		return 0;
	if (j->cfg.exec_consolelog) {
		out = open(j->cfg.exec_consolelog, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
			   O_NOCTTY, 0644);
		if (out < 0)
			return sj_fail_errno(err, "exec.consolelog: %s", j->cfg.exec_consolelog);
	}
	/* Another user's jail, removed by root: its commands, the user's
	 * word, run as the user (manage.c), looked up nowhere. */
	if (!hooks[h].in_jail && j->foreign) {
		char name[32];

		snprintf(name, sizeof(name), "%u", (unsigned)j->owner);
		user = (struct sj_cred){ .set = true, .uid = j->owner, .gid = j->owner_gid,
					 .name = sj_strdup(name, err), .home = sj_strdup("/", err),
					 .shell = sj_strdup("/bin/sh", err) };
		if (!user.name || !user.home || !user.shell) {
			users_free(&user);
			return -1;
		}
	} else if (!hooks[h].in_jail && j->cfg.exec_system_user &&
		   users_lookup_host(j->cfg.exec_system_user, &user, err) < 0) {
		sj_error_prefix(err, "exec.system_user");
		return -1;
	}
	for (size_t i = 0; r == 0 && cmds[i]; i++)
		r = hooks[h].in_jail ? run_in_jail(j, hooks[h].param, cmds[i], out, err)
				     : run_host(j, hooks[h].param, cmds[i], &user, out, err);
	users_free(&user);
	return r;
}
