/*
 * oci-hooks.c: config.json's hooks, each given the container's state on
 * its standard input, as the runtime spec says:
 *
 *   prestart, createRuntime   the runtime's namespaces, after the
 *                             container's are made, before pivot_root
 *   createContainer           the container's namespaces, before
 *                             pivot_root (its mount namespace still
 *                             shows the host's files)
 *   startContainer            in the container, by its init, before
 *                             the process is executed
 *   poststart, poststop       the runtime's namespaces; a failure is
 *                             only a warning
 *
 * A hook that fails, or outlives its timeout (then killed), fails the
 * operation it belongs to.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>

#include "oci.h"

static const char *const kind_names[OCI_HOOK_KINDS] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart",
	"poststop",
};

/* The state, as `sjrun state` prints it. */
char *oci_state_json(const struct sj_jail *j, const char *status, pid_t pid)
{
	const struct oci_spec *s = j->oci->spec;
	json_t *o = json_object(), *ann = NULL;
	char *text;

	if (!o)
		return NULL;
	if (s->annotations)
		ann = json_loads(s->annotations, 0, NULL);
	json_object_set_new(o, "ociVersion", json_string("1.0.2"));
	json_object_set_new(o, "id", json_string(s->id));
	json_object_set_new(o, "status", json_string(status));
	json_object_set_new(o, "pid", json_integer(pid));
	json_object_set_new(o, "bundle", json_string(s->bundle));
	json_object_set_new(o, "annotations", ann ? ann : json_object());
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return text;
}

static void __attribute__((noreturn)) child(const struct sj_jail *j, const struct oci_hook *h,
					     enum oci_hook_kind kind, int in)
{
	static char *none[] = { NULL };
	int flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP |
		    CLONE_NEWPID;

	if (dup2(in, 0) < 0)
		_exit(126);
	close_range(3, ~0u, 0);
	if (kind == OCI_HOOK_CREATE_CONTAINER && setns(j->init_pidfd, flags) < 0)
		_exit(126);
	execve(h->path, h->args && h->args[0] ? h->args : (char *[]){ h->path, NULL },
	       h->env ? h->env : none);
	_exit(127);
}

static int run_one(const struct sj_jail *j, const struct oci_hook *h, enum oci_hook_kind kind,
		   size_t i, const char *state, sj_error *err)
{
	int in[2], status, r = 1;
	SJ_AUTOCLOSE int fd = -1;
	struct pollfd p;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0)
		return sj_fail_errno(err, "hooks.%s[%zu]: pipe", kind_names[kind], i);
	pid = fork();
	if (pid < 0) {
		close(in[0]);
		close(in[1]);
		return sj_fail_errno(err, "hooks.%s[%zu]: fork", kind_names[kind], i);
	}
	if (pid == 0) {
		close(in[1]);
		child(j, h, kind, in[0]);
	}
	close(in[0]);
	signal(SIGPIPE, SIG_IGN);
	if (sj_write_all(in[1], state, strlen(state)) < 0)
		errno = 0;
	close(in[1]);
	fd = pidfd_open(pid, 0);
	if (fd >= 0 && h->timeout > 0) {
		p = (struct pollfd){ .fd = fd, .events = POLLIN };
		do
			r = poll(&p, 1, h->timeout * 1000);
		while (r < 0 && errno == EINTR);
		if (r == 0)
			kill(pid, SIGKILL);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return sj_fail_errno(err, "hooks.%s[%zu]", kind_names[kind], i);
	if (r == 0)
		return sj_fail(err, ETIMEDOUT, "hooks.%s[%zu] (%s): still running after its timeout "
			       "(%d s), killed", kind_names[kind], i, h->path, h->timeout);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return sj_fail(err, ECANCELED, "hooks.%s[%zu] (%s): %s %d", kind_names[kind], i,
			       h->path, WIFEXITED(status) ? "failed with status" : "killed by signal",
			       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return 0;
}

/* Run the hooks of KIND in order; stop at the first that fails. */
int oci_hooks_run(const struct sj_jail *j, enum oci_hook_kind kind, const char *status,
		  sj_error *err)
{
	const struct oci_spec *s = j->oci->spec;
	SJ_AUTOFREE char *state = NULL;

	if (!s->nhooks[kind])
		return 0;
	state = oci_state_json(j, status, j->init_pid);
	if (!state)
		return sj_fail(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < s->nhooks[kind]; i++)
		if (run_one(j, &s->hooks[kind][i], kind, i, state, err) < 0)
			return -1;
	return 0;
}
