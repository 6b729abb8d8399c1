/*
 * command.c: the last steps of every process sysjail starts in a jail,
 * the jail's first command (init.c) and those jexec(8) adds (attach.c):
 * become the user asked for, take the environment and working directory,
 * close every descriptor the host may have leaked, and execute.
 *
 * It runs in a child that shares its parent's memory until execve(2)
 * (CLONE_VM | CLONE_VFORK, as posix_spawn does), so a failure is written
 * into the parent's sj_report before the child exits: the parent, woken
 * when the child execs or exits, knows which happened.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <linux/keyctl.h>
#include <sys/syscall.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sj-private.h"

/*
 * The confinement every process in a jail gets once it is in the jail's
 * user namespace: a session keyring of its own (not the session's of
 * whoever started it), the jail's capabilities and no_new_privs, a
 * Landlock domain of the jail (WHO's, landlock.c), and the seccomp
 * filter.  The order matters: no_new_privs before Landlock and the
 * filter.
 */
int cmd_confine(const struct sj_jail *j, enum ll_who who, sj_error *err)
{
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0)
		return sj_fail_errno(err, "session keyring");
	if (caps_drop(&j->cfg, err) < 0 || ll_restrict(j, who, err) < 0)
		return -1;
	/* log-denied: only the jail's init has the audit's end. */
	if (j->audit.sock >= 0)
		return audit_install(j, err);
	return sc_install(&j->bpf, err);
}

static const char default_path[] =
	"PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin";

/* FreeBSD's exec.clean: the target login's HOME, SHELL and USER, and TERM. */
static char **clean_env(const struct sj_cred *cred, sj_error *err)
{
	const char *term = getenv("TERM");
	const char *user = cred->set ? cred->name : "root";
	char **env = calloc(8, sizeof(*env));
	int n = 0;

	if (!env)
		goto oom;
	if (!(env[n++] = strdup(default_path)) ||
	    asprintf(&env[n++], "HOME=%s", cred->set ? cred->home : "/root") < 0 ||
	    asprintf(&env[n++], "SHELL=%s", cred->set ? cred->shell : "/bin/sh") < 0 ||
	    asprintf(&env[n++], "USER=%s", user) < 0 ||
	    asprintf(&env[n++], "LOGNAME=%s", user) < 0 ||
	    (term && asprintf(&env[n++], "TERM=%s", term) < 0))
		goto oom;
	return env;
oom:
	sj_fail(err, ENOMEM, "out of memory");
	return NULL;
}

/* sysjail's uid and gid: numbers, no supplementary groups. */
static int become_ids(const struct sj_cmd *c, sj_error *err)
{
	gid_t gid = (gid_t)(c->gid >= 0 ? c->gid : c->uid >= 0 ? c->uid : 0);

	if (!c->ids)
		return 0;
	if (c->id_limit && (c->uid >= (long)c->id_limit || (long)gid >= (long)c->id_limit))
		return sj_fail(err, EINVAL, "uid %ld or gid %u is outside the jail's ids (0-%u)",
			       c->uid, (unsigned)gid, (unsigned)c->id_limit - 1);
	if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 ||
	    (c->uid >= 0 && setresuid((uid_t)c->uid, (uid_t)c->uid, (uid_t)c->uid) < 0))
		return sj_fail_errno(err, "becoming uid %ld gid %u", c->uid, (unsigned)gid);
	return 0;
}

/* The environment with sysjail's clearenv, unsetenv and setenv applied,
 * in that order; NULL-ended, malloc'ed. */
static char **edit_env(char **env, const struct sj_cmd *c, sj_error *err)
{
	size_t n = 0, cap;
	char **v;

	while (!c->clearenv && env && env[n])
		n++;
	cap = n + 1;
	for (char *const *s = c->setenv; s && *s; s++)
		cap++;
	v = calloc(cap, sizeof(*v));
	if (!v) {
		sj_fail(err, ENOMEM, "out of memory");
		return NULL;
	}
	memcpy(v, env, n * sizeof(*v));
	for (char *const *u = c->unsetenv; u && *u; u++) {
		size_t len = strlen(*u), k = 0;

		for (size_t i = 0; i < n; i++)
			if (!(strncmp(v[i], *u, len) == 0 && v[i][len] == '='))
				v[k++] = v[i];
		n = k;
	}
	for (char *const *s = c->setenv; s && *s; s++) {
		size_t len = strcspn(*s, "=") + 1, i;

		for (i = 0; i < n && strncmp(v[i], *s, len) != 0; i++)
			;
		v[i] = *s;
		if (i == n)
			n++;
	}
	v[n] = NULL;
	return v;
}

static int become_user(const struct sj_cmd *c, struct sj_cred *cred, sj_error *err)
{
	if (!c->user)
		return become_ids(c, err);
	if (!c->host_user && users_lookup_jail(c->user, cred, err) < 0)
		return -1;
	if (c->id_limit && (cred->uid >= c->id_limit || cred->gid >= c->id_limit))
		return sj_fail(err, EINVAL, "%s: uid %u or gid %u is outside the jail's "
			       "ids (0-%u)", cred->name, (unsigned)cred->uid,
			       (unsigned)cred->gid, (unsigned)c->id_limit - 1);
	if (setgroups((size_t)cred->ngroups, cred->groups) < 0 ||
	    setresgid(cred->gid, cred->gid, cred->gid) < 0 ||
	    setresuid(cred->uid, cred->uid, cred->uid) < 0)
		return sj_fail_errno(err, "becoming user %s", cred->name);
	return 0;
}

/* Report a failure at STAGE, ERR's, to whoever waits for the command. */
void cmd_report(struct sj_report *r, int stage, const sj_error *err)
{
	r->stage = stage;
	r->errnum = err->errnum;
	memcpy(r->msg, err->msg, sizeof(r->msg));
	r->msg[sizeof(r->msg) - 1] = '\0';
}

/*
 * Execute C in the jail.  Never returns: on failure, fills *R and exits
 * with SJ_EXIT_NOTFOUND, SJ_EXIT_NOEXEC or SJ_EXIT_SETUP.
 */
void cmd_exec(const struct sj_cmd *c, struct sj_report *r)
{
	struct sj_cred cred = c->cred ? *c->cred : (struct sj_cred){ 0 };
	extern char **environ;
	const char *dir = c->dir;
	sj_error err;
	sigset_t none;

	/* Caught signals are reset by execve(2); the init ignores SIGPIPE
	 * and blocks what it forwards: neither may reach the command. */
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	if (become_user(c, &cred, &err) < 0)
		goto fail;
	if (c->clean_env) {
		char **env;

		/* Root's entry from the jail's passwd when no user is named. */
		if (!cred.set)
			users_lookup_jail("root", &cred, &err);
		env = clean_env(&cred, &err);
		if (!env)
			goto fail;
		environ = env;
		if (!dir)
			dir = cred.set ? cred.home : "/";
	}
	if (c->clearenv || c->unsetenv || c->setenv) {
		char **env = edit_env(environ, c, &err);

		if (!env)
			goto fail;
		environ = env;
	}
	/* new-session: no controlling terminal to push input into. */
	if (c->new_session && setsid() < 0) {
		sj_fail_errno(&err, "new-session");
		goto fail;
	}
	if (dir && chdir(dir) < 0) {
		/* As FreeBSD's jexec -l: a missing home is not fatal. */
		if (!c->dir && chdir("/") == 0) {
			errno = 0;
		} else {
			sj_fail_errno(&err, "%s", dir);
			goto fail;
		}
	}
	if (c->output > 0 && (dup2(c->output, 1) < 0 || dup2(c->output, 2) < 0)) {
		sj_fail_errno(&err, "redirecting the output");
		goto fail;
	}
	/* Nothing of the host's descriptors but stdio reaches the command. */
	close_range(3, ~0u, CLOSE_RANGE_CLOEXEC);
	execvp(c->argv[0], c->argv);

	sj_fail_errno(&err, "%s", c->argv[0]);
	cmd_report(r, SJ_REPORT_EXEC, &err);
	_exit(err.errnum == ENOENT ? SJ_EXIT_NOTFOUND : SJ_EXIT_NOEXEC);
fail:
	cmd_report(r, SJ_REPORT_SETUP, &err);
	_exit(SJ_EXIT_SETUP);
}
