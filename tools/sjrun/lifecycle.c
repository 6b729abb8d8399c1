/*
 * lifecycle.c: create, start, run, kill, delete.
 *
 * Messages reuse runc's wording where front ends match on it: "does not
 * exist", "container not running", "no such file or directory",
 * "permission denied", "executable file not found in $PATH".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sjrun.h"

/* A jail name is stricter than a container id: use the id when it fits. */
static bool jail_name_ok(const char *id)
{
	bool digits = true;

	if (strlen(id) > 64)
		return false;
	for (const char *p = id; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return false;
		digits = digits && *p >= '0' && *p <= '9';
	}
	return !digits;
}

static int connect_console(const struct sjrun *r, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return fail(r, "--console-socket: %s: path too long", path), -1;
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

/* --root and its parents, as runc makes them (0700 for the last). */
static int make_root(const char *root)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", root);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

struct create_opts {
	const char *bundle, *pid_file, *console, *detach, *ignored, *preserve;
	char *id;
};

/* Make the jail of container O->id; *OUT is the jail, created and waiting. */
static int create(const struct sjrun *r, struct create_opts *o, struct container *c,
		  sj_jail **out)
{
	char bundle[PATH_MAX];
	sj_error err;
	sj_jail *j = NULL, *other = NULL;
	int console = -1;

	*out = NULL;
	if (o->preserve && strcmp(o->preserve, "0") != 0)
		return fail(r, "--preserve-fds: passing descriptors is not supported by sjrun yet");
	if (!id_valid(o->id))
		return fail(r, "invalid id format: %s", o->id);
	if (!realpath(o->bundle ? o->bundle : ".", bundle))
		return fail(r, "bundle %s: %s", o->bundle ? o->bundle : ".", strerror(errno));
	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", o->id);
	snprintf(c->dir, sizeof(c->dir), "%s/%s", r->root, o->id);
	snprintf(c->bundle, sizeof(c->bundle), "%s", bundle);
	snprintf(c->rundir, sizeof(c->rundir), "%s", r->rundir ? r->rundir : "");
	snprintf(c->cgroup, sizeof(c->cgroup), "%s", r->cgroup ? r->cgroup : "");
	if (make_root(r->root) < 0)
		return fail(r, "--root %s: %s", r->root, strerror(errno));
	if (mkdir(c->dir, 0700) < 0)
		return errno == EEXIST ? fail(r, "container with id exists: %s", o->id)
				       : fail(r, "%s: %s", c->dir, strerror(errno));
	if (!(j = sj_jail_new(&err)) || sj_jail_set(j, "sysjail.oci", bundle, &err) < 0 ||
	    sj_jail_set(j, "sysjail.oci_id", o->id, &err) < 0 ||
	    (r->rundir && sj_jail_set(j, "sysjail.rundir", r->rundir, &err) < 0) ||
	    (r->cgroup && sj_jail_set(j, "sysjail.cgroup", r->cgroup, &err) < 0))
		goto fail;
	/* Named after the container, so that jexec ID finds it; a name some
	 * other registry user holds already is left out. */
	if (jail_name_ok(o->id) && !(other = sj_find(r->rundir, o->id, &err)) &&
	    sj_jail_set(j, "name", o->id, &err) < 0)
		goto fail;
	sj_jail_free(other);
	if (o->console && (console = connect_console(r, o->console)) < 0)
		goto out;
	if (console >= 0 && sj_oci_set_console(j, console, &err) < 0) {
		close(console);
		goto fail;
	}
	if (sj_create(j, &err) < 0)
		goto fail;
	c->jid = sj_jail_jid(j);
	c->pid = sj_jail_init_pid(j);
	sj_jail_get(j, "path", c->rootfs, sizeof(c->rootfs), &err);
	now_rfc3339(c->created, sizeof(c->created));
	if (state_save(c) < 0) {
		fail(r, "%s/state.json: %s", c->dir, strerror(errno));
		goto out;
	}
	if (o->pid_file && write_pid_file(o->pid_file, c->pid) < 0) {
		fail(r, "--pid-file %s: %s", o->pid_file, strerror(errno));
		goto out;
	}
	*out = j;
	return 0;
fail:
	fail(r, "%s", err.msg);
out:
	/* Whatever create made goes: the jail, with its state. */
	if (j && sj_jail_init_pid(j) > 0)
		kill(sj_jail_init_pid(j), SIGKILL);
	sj_jail_free(j);
	remove_dir(c->dir);
	return 1;
}

int do_create(const struct sjrun *r, int argc, char **argv)
{
	struct create_opts o = { 0 };
	const struct opt opts[] = {
		{ "bundle", 'b', true, &o.bundle }, { "pid-file", 0, true, &o.pid_file },
		{ "console-socket", 0, true, &o.console }, { "no-pivot", 0, false, &o.ignored },
		{ "no-new-keyring", 0, false, &o.ignored }, { "preserve-fds", 0, true, &o.preserve },
		{ NULL, 0, false, NULL },
	};
	struct container c;
	sj_jail *j;
	int n;

	if (parse_opts(r, argc, argv, opts, &o.id, 1, &n))
		return 1;
	if (n != 1)
		return fail(r, "create: needs a container id");
	if (create(r, &o, &c, &j))
		return 1;
	sj_jail_free(j);
	return 0;
}

static int load(const struct sjrun *r, const char *id, struct container *c)
{
	if (state_load(r, id, c) == 0)
		return 0;
	if (errno == EAGAIN)
		return fail(r, "container %s is being created", id);
	return fail(r, "container %s does not exist", id);
}

static int one_id(const struct sjrun *r, int argc, char **argv, const struct opt *opts,
		  char **id)
{
	int n;

	if (parse_opts(r, argc, argv, opts, id, 1, &n))
		return 1;
	if (n != 1)
		return fail(r, "%s: needs a container id", argv[0]);
	return 0;
}

int do_start(const struct sjrun *r, int argc, char **argv)
{
	struct container c;
	sj_error err;
	sj_jail *j;
	char *id;

	if (one_id(r, argc, argv, NULL, &id) || load(r, id, &c))
		return 1;
	switch (state_status(&c, &j)) {
	case ST_CREATED:
		break;
	case ST_STOPPED:
		return fail(r, "cannot start a container that has stopped");
	default:
		sj_jail_free(j);
		return fail(r, "cannot start an already running container");
	}
	if (sj_start(j, &err) < 0) {
		sj_jail_free(j);
		return fail(r, "%s", err.msg);
	}
	c.started = true;
	if (state_save(&c) < 0)
		warn_log(r, "%s/state.json: %s", c.dir, strerror(errno));
	if (sj_oci_poststart(j, &err) < 0)
		warn_log(r, "%s", err.msg);
	sj_jail_free(j);
	return 0;
}

static const struct {
	const char *name;
	int sig;
} signals[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ILL", SIGILL },
	{ "TRAP", SIGTRAP }, { "ABRT", SIGABRT }, { "IOT", SIGIOT }, { "BUS", SIGBUS },
	{ "FPE", SIGFPE }, { "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
	{ "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU }, { "URG", SIGURG },
	{ "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
	{ "WINCH", SIGWINCH }, { "IO", SIGIO }, { "PWR", SIGPWR }, { "SYS", SIGSYS },
};

/* A signal by number or name, with or without SIG; -1 if none. */
static int parse_signal(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s && !*end)
		return n > 0 && n < NSIG ? (int)n : -1;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (strcasecmp(s, signals[i].name) == 0)
			return signals[i].sig;
	return -1;
}

int do_kill(const struct sjrun *r, int argc, char **argv)
{
	const char *all = NULL;
	const struct opt opts[] = { { "all", 'a', false, &all }, { NULL, 0, false, NULL } };
	char *args[2];
	struct container c;
	sj_error err;
	sj_jail *j;
	int n, sig = SIGTERM;

	if (parse_opts(r, argc, argv, opts, args, 2, &n))
		return 1;
	if (n < 1)
		return fail(r, "kill: needs a container id");
	if (n == 2 && (sig = parse_signal(args[1])) < 0)
		return fail(r, "kill: unknown signal '%s'", args[1]);
	if (load(r, args[0], &c))
		return 1;
	if (state_status(&c, &j) == ST_STOPPED)
		return fail(r, "container not running");
	if (sj_oci_kill(j, sig, all != NULL, &err) < 0) {
		sj_jail_free(j);
		return fail(r, "%s", err.msg);
	}
	sj_jail_free(j);
	return 0;
}

/* Wait up to TIMEOUT_MS for process PID (not our child) to end. */
static void wait_gone(pid_t pid, int timeout_ms)
{
	int fd = pidfd_open(pid, 0);
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (fd < 0)
		return;
	while (poll(&p, 1, timeout_ms) < 0 && errno == EINTR)
		;
	close(fd);
}

/* Remove container C's cgroups, hooks' leftovers and state; its jail J is
 * alive (then killed) or NULL. */
static int destroy(const struct sjrun *r, struct container *c, sj_jail *j)
{
	char jid[16];
	sj_error err;
	int rc = 0;

	if (j) {
		sj_oci_kill(j, SIGKILL, true, &err);
		wait_gone(c->pid, 5000);
	} else {
		snprintf(jid, sizeof(jid), "%d", c->jid);
		if (!(j = sj_jail_new(&err)) || sj_jail_set(j, "sysjail.oci", c->bundle, &err) < 0 ||
		    sj_jail_set(j, "sysjail.oci_id", c->id, &err) < 0 ||
		    sj_jail_set(j, "jid", jid, &err) < 0 ||
		    (c->rundir[0] && sj_jail_set(j, "sysjail.rundir", c->rundir, &err) < 0) ||
		    (c->cgroup[0] && sj_jail_set(j, "sysjail.cgroup", c->cgroup, &err) < 0)) {
			sj_jail_free(j);
			return fail(r, "%s", err.msg);
		}
	}
	if (sj_oci_delete(j, c->pid, &err) < 0)
		rc = fail(r, "%s", err.msg);
	sj_jail_free(j);
	if (remove_dir(c->dir) < 0 && !rc)
		rc = fail(r, "%s: %s", c->dir, strerror(errno));
	return rc;
}

int do_delete(const struct sjrun *r, int argc, char **argv)
{
	const char *force = NULL;
	const struct opt opts[] = { { "force", 'f', false, &force }, { NULL, 0, false, NULL } };
	struct container c;
	enum status s;
	sj_jail *j;
	char *id;

	if (one_id(r, argc, argv, opts, &id))
		return 1;
	if (state_load(r, id, &c) < 0) {
		/* A create that died half-way leaves a directory only. */
		if (errno == EAGAIN && force)
			return remove_dir(c.dir) < 0 ? fail(r, "%s: %s", c.dir, strerror(errno)) : 0;
		return fail(r, "container %s does not exist", id);
	}
	s = state_status(&c, &j);
	if ((s == ST_RUNNING || s == ST_PAUSED) && !force) {
		sj_jail_free(j);
		return fail(r, "cannot delete container %s that is not stopped: %s", id,
			    status_name(s));
	}
	return destroy(r, &c, j);
}

static volatile sig_atomic_t got_signal;
static sj_jail *running;

static void forward(int sig)
{
	if (running)
		sj_forward_signal(running, sig);
	got_signal = sig;
}

int do_run(const struct sjrun *r, int argc, char **argv)
{
	struct create_opts o = { 0 };
	const struct opt opts[] = {
		{ "bundle", 'b', true, &o.bundle }, { "pid-file", 0, true, &o.pid_file },
		{ "console-socket", 0, true, &o.console }, { "detach", 'd', false, &o.detach },
		{ "no-pivot", 0, false, &o.ignored }, { "no-new-keyring", 0, false, &o.ignored },
		{ "preserve-fds", 0, true, &o.preserve }, { "keep", 0, false, &o.ignored },
		{ NULL, 0, false, NULL },
	};
	static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2,
					 SIGWINCH };
	struct sigaction sa = { .sa_handler = forward, .sa_flags = SA_RESTART };
	struct container c;
	sj_error err;
	sj_jail *j;
	int n, status = 0, rc;

	if (parse_opts(r, argc, argv, opts, &o.id, 1, &n))
		return 1;
	if (n != 1)
		return fail(r, "run: needs a container id");
	if (create(r, &o, &c, &j))
		return 1;
	if (sj_start(j, &err) < 0) {
		fail(r, "%s", err.msg);
		status = err.status ? err.status : 1;
		destroy(r, &c, NULL);
		sj_jail_free(j);
		return status;
	}
	c.started = true;
	state_save(&c);
	if (sj_oci_poststart(j, &err) < 0)
		warn_log(r, "%s", err.msg);
	if (o.detach) {
		sj_jail_free(j);
		return 0;
	}
	running = j;
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaction(forwarded[i], &sa, NULL);
	rc = sj_wait(j, &status, &err);
	running = NULL;
	sj_jail_free(j);
	if (rc < 0)
		status = fail(r, "%s", err.msg);
	destroy(r, &c, NULL);
	return status;
}
