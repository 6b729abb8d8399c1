/*
 * exec.c: another process in a running container, through sj_attach():
 * every namespace of the jail, its cgroups, its seccomp filter, and the
 * process.json's user, capabilities and terminal.  With --detach sjrun
 * exits once the process runs (it is a child of sjrun's caller's reaper,
 * as runc's is); otherwise it waits and exits with the process's status.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sjrun.h"

static pid_t child;

static void forward(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (si->si_code != SI_KERNEL && child > 0)
		kill(child, sig);
}

/*
 * runc's exec without --process: a process.json made from the options
 * and the bundle's own process (its env and capabilities).
 */
static char *process_from_args(const struct sjrun *r, const struct container *c, char **argv,
			       int argc, const char *cwd, const char *user, const char *env,
			       bool tty)
{
	char path[4096 + 16], tmp[] = "/tmp/sjrun-process.XXXXXX";
	json_t *spec, *p, *args = json_array();
	int fd;

	snprintf(path, sizeof(path), "%s/config.json", c->bundle);
	spec = json_load_file(path, 0, NULL);
	p = json_deep_copy(json_object_get(spec, "process"));
	json_decref(spec);
	if (!p)
		p = json_object();
	for (int i = 0; i < argc; i++)
		json_array_append_new(args, json_string(argv[i]));
	json_object_set_new(p, "args", args);
	json_object_set_new(p, "terminal", json_boolean(tty));
	if (cwd)
		json_object_set_new(p, "cwd", json_string(cwd));
	if (!json_object_get(p, "cwd"))
		json_object_set_new(p, "cwd", json_string("/"));
	if (user) {
		unsigned uid = 0, gid = 0;

		if (sscanf(user, "%u:%u", &uid, &gid) < 1) {
			json_decref(p);
			fail(r, "exec: --user '%s' is not UID[:GID]", user);
			return NULL;
		}
		json_object_set_new(p, "user", json_pack("{s:i, s:i}", "uid", (int)uid, "gid",
							 (int)gid));
	}
	if (env) {
		json_t *e = json_object_get(p, "env");

		if (!json_is_array(e))
			json_object_set_new(p, "env", e = json_array());
		json_array_append_new(e, json_string(env));
	}
	fd = mkstemp(tmp);
	if (fd < 0 || json_dumpfd(p, fd, JSON_COMPACT) < 0) {
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		json_decref(p);
		fail(r, "exec: %s: %s", tmp, strerror(errno));
		return NULL;
	}
	close(fd);
	json_decref(p);
	return strdup(tmp);
}

static int connect_socket(const struct sjrun *r, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fail(r, "--console-socket: %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int do_exec(const struct sjrun *r, int argc, char **argv)
{
	const char *process = NULL, *detach = NULL, *tty = NULL, *console = NULL,
		   *pid_file = NULL, *cwd = NULL, *user = NULL, *env = NULL, *ignored = NULL;
	const struct opt opts[] = {
		{ "process", 'p', true, &process }, { "detach", 'd', false, &detach },
		{ "tty", 't', false, &tty }, { "console-socket", 0, true, &console },
		{ "pid-file", 0, true, &pid_file }, { "cwd", 0, true, &cwd },
		{ "user", 'u', true, &user }, { "env", 'e', true, &env },
		{ "no-new-privs", 0, false, &ignored }, { "preserve-fds", 0, true, &ignored },
		{ "cap", 'c', true, &ignored }, { "apparmor", 0, true, &ignored },
		{ "process-label", 0, true, &ignored }, { NULL, 0, false, NULL },
	};
	struct sigaction sa = { .sa_sigaction = forward, .sa_flags = SA_SIGINFO | SA_RESTART };
	char *operands[256], *made = NULL;
	struct sj_exec e = { 0 };
	struct container c;
	enum status s;
	sj_error err;
	sj_jail *j;
	int n, status, rc = 1;

	static char name[] = "process.json";
	static char *from_file[] = { name, NULL };

	if (parse_opts(r, argc, argv, opts, operands, -255, &n))
		return 1;
	operands[n] = NULL;
	if (n < 1)
		return fail(r, "exec: needs a container id");
	if (!process && n < 2)
		return fail(r, "exec: needs --process FILE or a command");
	if (state_load(r, operands[0], &c) < 0)
		return fail(r, "container %s does not exist", operands[0]);
	s = state_status(&c, &j);
	if (s == ST_STOPPED)
		return fail(r, "cannot exec in a stopped container");
	if (s == ST_PAUSED) {
		sj_jail_free(j);
		return fail(r, "cannot exec in a paused container");
	}
	if (!process && !(process = made = process_from_args(r, &c, operands + 1, n - 1, cwd, user,
							    env, tty != NULL)))
		goto out;
	if (console && (e.console = connect_socket(r, console)) < 0)
		goto out;
	e.oci_process = process;
	e.argv = made || !operands[1] ? from_file : operands + 1;
	child = sj_attach(j, &e, &err);
	if (e.console > 0)
		close(e.console);
	if (child < 0) {
		rc = fail(r, "%s", err.msg);
		if (err.status)
			rc = err.status;
		goto out;
	}
	if (pid_file && write_pid_file(pid_file, child) < 0) {
		kill(child, SIGKILL);
		rc = fail(r, "--pid-file %s: %s", pid_file, strerror(errno));
		goto out;
	}
	if (detach) {
		rc = 0;
		goto out;
	}
	for (int sig = 1; sig < 32; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD)
			sigaction(sig, &sa, NULL);
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			goto out;
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
out:
	if (made) {
		unlink(made);
		free(made);
	}
	sj_jail_free(j);
	return rc;
}
