/*
 * oci.c: a jail made from an OCI bundle (sjrun(8)).
 *
 * sj_create() runs the same table of steps for a bundle as for any jail;
 * the rows here do nothing unless sysjail.oci names a bundle.  What
 * differs is when things happen, because the OCI lifecycle splits what
 * jail(8) does in one process over several:
 *
 *   create   the init is cloned, put in the container's cgroups, the
 *            createRuntime and createContainer hooks run; then ("c") the
 *            init builds the container (mounts, devices, pivot_root, the
 *            console) and checks its command can be executed, says so,
 *            and waits.  sj_create() returns only then, so every error of
 *            the bundle is create's, and the creator may exit: the init
 *            outlives it, a child of whoever reaps orphans (conmon, the
 *            containerd shim).
 *   start    any process that finds the jail in the registry connects to
 *            its start socket (RUNDIR/jail/JID.start, root's alone) and
 *            says "g"; the init confines itself and starts the command,
 *            and reports as it reports to sj_start() for any jail.
 *
 * A creator that stays (sjrun run) says "g" on its own channel instead.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "oci.h"

/* What the creator tells the init once the host side is ready. */
struct oci_go_on {
	char c;
	pid_t pid;			/* the init's, on the host */
};

static struct oci_state *state_new(sj_error *err)
{
	struct oci_state *o = calloc(1, sizeof(*o));

	if (!o) {
		sj_fail(err, ENOMEM, "out of memory");
		return NULL;
	}
	o->listen = o->console = o->pty = -1;
	return o;
}

int sj_oci_set_console(sj_jail *j, int sock, sj_error *err)
{
	if (!j->oci && !(j->oci = state_new(err)))
		return -1;
	j->oci->console = sock;
	return 0;
}

static int set_command(struct sj_config *c, char **args, sj_error *err)
{
	size_t n = 0;
	char **v;

	while (args[n])
		n++;
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return sj_fail(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (!(v[i] = strdup(args[i]))) {
			while (i > 0)
				free(v[--i]);
			free(v);
			return sj_fail(err, ENOMEM, "out of memory");
		}
	for (char **p = c->command; p && *p; p++)
		free(*p);
	free(c->command);
	c->command = v;
	return 0;
}

/* Row "oci bundle": read config.json; the jail's parameters follow it. */
int oci_load(struct sj_jail *j, sj_error *err)
{
	struct oci_spec *s;

	if (!j->cfg.oci || (j->oci && j->oci->spec))
		return 0;
	if (!j->oci && !(j->oci = state_new(err)))
		return -1;
	if (oci_spec_load(j->cfg.oci, j->cfg.oci_id, &s, err) < 0)
		return -1;
	j->oci->spec = s;
	if (j->found)
		return 0;
	/* The spec says what the jail is: root, command, hostname, and no
	 * user namespace of sysjail's own (linux.namespaces may ask for one). */
	if (params_set(&j->cfg, "path", s->root, err) < 0 ||
	    set_command(&j->cfg, s->proc.args, err) < 0 ||
	    (s->hostname && *s->hostname &&
	     params_set(&j->cfg, "host.hostname", s->hostname, err) < 0))
		return -1;
	j->cfg.userns = false;
	j->cfg.persist = false;
	return 0;
}

void oci_unload(struct sj_jail *j)
{
	if (!j->oci)
		return;
	oci_ns_close(j);
	if (j->oci->listen >= 0)
		close(j->oci->listen);
	if (j->oci->console >= 0)
		close(j->oci->console);
	if (j->oci->pty >= 0)
		close(j->oci->pty);
	oci_spec_free(j->oci->spec);
	free(j->oci->cg_rel);
	free(j->oci);
	j->oci = NULL;
}

/* Row "oci namespaces": those to join opened; where its cgroups will be. */
int oci_open_ns(struct sj_jail *j, sj_error *err)
{
	if (!j->oci)
		return 0;
	free(j->oci->cg_rel);
	if (!(j->oci->cg_rel = ocg_path(j)))
		return sj_fail(err, ENOMEM, "out of memory");
	return oci_ns_open(j, err);
}

/* RUNDIR/jail/JID.start, through the registry's descriptor. */
static void start_path(const struct sj_jail *j, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/jail/%d.start",
		 j->reg.dirfd, j->reg.jid);
}

/* Row "oci start socket": where a later sj_start() finds the init. */
int oci_listen(struct sj_jail *j, sj_error *err)
{
	struct sockaddr_un sa;
	char name[32];

	if (!j->oci)
		return 0;
	snprintf(name, sizeof(name), "jail/%d.start", j->reg.jid);
	unlinkat(j->reg.dirfd, name, 0);
	start_path(j, &sa);
	j->oci->listen = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (j->oci->listen < 0)
		return sj_fail_errno(err, "start socket");
	if (bind(j->oci->listen, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return sj_fail_errno(err, "start socket %s", name);
	j->oci->listening = true;
	if (listen(j->oci->listen, 4) < 0)
		return sj_fail_errno(err, "start socket %s", name);
	return 0;
}

void oci_unlisten(struct sj_jail *j)
{
	char name[32];

	if (!j->oci)
		return;
	if (j->oci->listen >= 0)
		close(j->oci->listen);
	j->oci->listen = -1;
	if (j->oci->listening && j->reg.dirfd >= 0) {
		snprintf(name, sizeof(name), "jail/%d.start", j->reg.jid);
		unlinkat(j->reg.dirfd, name, 0);
	}
	j->oci->listening = false;
}

/* Row "oci cgroup", before the init's clone: the container's groups. */
int oci_make_cgroups(struct sj_jail *j, sj_error *err)
{
	return j->oci ? ocg_create(j, err) : 0;
}

static int read_report(int fd, struct sj_report *r, sj_error *err);
static int report_error(const struct sj_report *r, sj_error *err);

/*
 * Row "oci cgroups": once the init, cloned into the container's v2 group,
 * says it has joined the v1 ones (oci_init_setup()), run the hooks that
 * come before the container is built: they expect it there.
 */
int oci_after_spawn(struct sj_jail *j, sj_error *err)
{
	struct sj_report r;

	if (!j->oci)
		return 0;
	if (read_report(j->sock_host, &r, err) < 0)
		return -1;
	if (r.stage != SJ_REPORT_JOINED)
		return report_error(&r, err);
	if (oci_hooks_run(j, OCI_HOOK_PRESTART, "created", err) < 0 ||
	    oci_hooks_run(j, OCI_HOOK_CREATE_RUNTIME, "creating", err) < 0 ||
	    oci_hooks_run(j, OCI_HOOK_CREATE_CONTAINER, "creating", err) < 0)
		return -1;
	return 0;
}

void oci_undo_spawn(struct sj_jail *j)
{
	if (j->oci)
		ocg_remove_made(j);
}

static int read_report(int fd, struct sj_report *r, sj_error *err)
{
	ssize_t n;

	memset(r, 0, sizeof(*r));
	do
		n = recv(fd, r, sizeof(*r), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return sj_fail_errno(err, "reading from the container's init");
	if (n != 0 && n != (ssize_t)sizeof(*r))
		return sj_fail(err, EIO, "a short report from the container's init");
	r->msg[sizeof(r->msg) - 1] = '\0';
	return 0;
}

/* A report that is not the one hoped for, as an error. */
static int report_error(const struct sj_report *r, sj_error *err)
{
	if (r->stage == SJ_REPORT_SETUP || r->stage == SJ_REPORT_EXEC) {
		sj_fail(err, r->errnum, "%s", r->msg);
		if (r->stage == SJ_REPORT_EXEC)
			err->status = r->errnum == ENOENT ? SJ_EXIT_NOTFOUND : SJ_EXIT_NOEXEC;
		return -1;
	}
	return sj_fail(err, EIO, "the container's init died while it was being set up");
}

/* Row "oci built": let the init build the container; wait until it has. */
int oci_wait_built(struct sj_jail *j, sj_error *err)
{
	struct oci_go_on go = { 'c', j->init_pid };
	struct sj_report r;

	if (!j->oci)
		return 0;
	if (send(j->sock_host, &go, sizeof(go), MSG_NOSIGNAL) != (ssize_t)sizeof(go))
		return sj_fail_errno(err, "talking to the container's init");
	if (read_report(j->sock_host, &r, err) < 0)
		return -1;
	if (r.stage != SJ_REPORT_CREATED)
		return report_error(&r, err);
	/* The init holds its own copies now. */
	oci_ns_close(j);
	if (j->oci->listen >= 0)
		close(j->oci->listen);
	j->oci->listen = -1;
	if (j->oci->console >= 0)
		close(j->oci->console);
	j->oci->console = -1;
	return 0;
}

/* sj_start() of a jail found in the registry: through its start socket. */
int oci_start_found(struct sj_jail *j, sj_error *err)
{
	SJ_AUTOCLOSE int fd = -1;
	struct sockaddr_un sa;
	struct sj_report r;
	char name[32];

	if (!j->cfg.oci)
		return sj_fail(err, EINVAL, "jail %d was not created to be started later",
			       j->reg.jid);
	start_path(j, &sa);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return sj_fail_errno(err, "start socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return sj_fail(err, errno == ENOENT || errno == ECONNREFUSED ? EBUSY : errno,
			       "jail %d was started already, or is not waiting to start",
			       j->reg.jid);
	if (send(fd, "g", 1, MSG_NOSIGNAL) != 1)
		return sj_fail_errno(err, "starting jail %d", j->reg.jid);
	if (read_report(fd, &r, err) < 0)
		return -1;
	snprintf(name, sizeof(name), "jail/%d.start", j->reg.jid);
	unlinkat(j->reg.dirfd, name, 0);
	if (r.stage != SJ_REPORT_READY)
		return report_error(&r, err);
	j->started = true;
	return 0;
}

/* ---- in the init ----------------------------------------------------- */

static void tell(int fd, int stage, int errnum, const char *msg)
{
	struct sj_report r = { .stage = stage, .errnum = errnum };

	snprintf(r.msg, sizeof(r.msg), "%s", msg ? msg : "");
	send(fd, &r, sizeof(r), MSG_NOSIGNAL);
}

/*
 * Wait for "g": from the creator if it stayed, else from whoever
 * connects to the start socket.  On return J->sock_init is the channel
 * the init reports on.
 */
static int wait_go(struct sj_jail *j, sj_error *err)
{
	struct pollfd p[2] = {
		{ .fd = j->sock_init, .events = POLLIN },
		{ .fd = j->oci->listen, .events = POLLIN },
	};

	for (;;) {
		char c;
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return sj_fail_errno(err, "waiting to be started");
		}
		if (p[1].revents & POLLIN) {
			int conn = accept4(j->oci->listen, NULL, NULL, SOCK_CLOEXEC);

			if (conn < 0)
				continue;
			if (p[0].fd >= 0)
				close(p[0].fd);
			p[0].fd = j->sock_init = conn;
			p[0].revents = 0;
			continue;
		}
		if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)) || p[0].fd < 0)
			continue;
		n = recv(p[0].fd, &c, 1, 0);
		if (n == 1 && c == 'g')
			break;
		if (n < 0 && errno == EINTR)
			continue;
		/* The creator went away without starting us: wait for start. */
		close(p[0].fd);
		p[0].fd = j->sock_init = -1;
	}
	close(j->oci->listen);
	j->oci->listen = -1;
	return 0;
}

/*
 * The init is a clone of its creator, with its command line: the runtime's
 * own, bundle and log paths of the host included, which the container's
 * ps would show as its PID 1.  The argument area is overwritten in place
 * (fields 48 and 49 of /proc/self/stat say where it is).
 */
static void set_title(void)
{
	char buf[1024], *p;
	unsigned long start = 0, end = 0;
	SJ_AUTOCLOSE int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	static const char title[] = "sysjail-init";

	prctl(PR_SET_NAME, title);
	if (n <= 0)
		return;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	for (int field = 2; p && field < 48; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%lu %lu", &start, &end) != 2 || end <= start + sizeof(title))
		return;
	memset((void *)start, 0, end - start);
	memcpy((void *)start, title, sizeof(title));
}

/* PATH-style lookup of the command, to fail at create as runc does. */
static int check_command(const struct oci_process *p, sj_error *err)
{
	const char *arg0 = p->args[0], *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:"
					       "/usr/bin:/sbin:/bin";
	char file[4096];
	struct stat st;

	for (char **e = p->env; e && *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			path = *e + 5;
	if (strchr(arg0, '/')) {
		if (stat(arg0, &st) < 0)
			return sj_fail(err, errno, "exec: \"%s\": %s", arg0,
				       errno == ENOENT ? "no such file or directory" :
				       strerror(errno));
		if (S_ISDIR(st.st_mode) || access(arg0, X_OK) < 0)
			return sj_fail(err, EACCES, "exec: \"%s\": permission denied", arg0);
		return 0;
	}
	while (*path) {
		size_t len = strcspn(path, ":");

		snprintf(file, sizeof(file), "%.*s%s%s", (int)len, path, len ? "/" : "", arg0);
		if (stat(file, &st) == 0 && !S_ISDIR(st.st_mode) && access(file, X_OK) == 0)
			return 0;
		path += len + (path[len] == ':');
	}
	return sj_fail(err, ENOENT, "exec: \"%s\": executable file not found in $PATH", arg0);
}

/*
 * The init's part of create, from the "c" to the "g": namespaces joined,
 * loopback, hostname, the container's file system, the console, the
 * command checked.
 */
int oci_init_setup(struct sj_jail *j, sj_error *err)
{
	const struct oci_spec *s = j->oci->spec;
	struct oci_go_on go;
	ssize_t n;

	/* Born in the container's v2 group: the v1 ones, before the
	 * creator's hooks run (oci_after_spawn()). */
	if (ocg_join(j, false, err) < 0)
		return -1;
	tell(j->sock_init, SJ_REPORT_JOINED, 0, NULL);
	do
		n = recv(j->sock_init, &go, sizeof(go), 0);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(go) || go.c != 'c')
		return sj_fail(err, ECANCELED, "the container's creator went away");
	j->init_pid = go.pid;
	set_title();
	if (oci_ns_join_inside(j, err) < 0)
		return -1;
	if (oci_ns_new(j, CLONE_NEWNET) && net_setup_inside(j, err) < 0)
		return -1;
	if (s->hostname && *s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		return sj_fail_errno(err, "hostname");
	if (oci_mnt_build(j, err) < 0)
		return -1;
	if (s->proc.terminal && oci_console_init(j, err) < 0)
		return -1;
	if (check_command(&s->proc, err) < 0) {
		tell(j->sock_init, SJ_REPORT_EXEC, err->errnum, err->msg);
		_exit(err->errnum == ENOENT ? SJ_EXIT_NOTFOUND : SJ_EXIT_NOEXEC);
	}
	/* From here the container outlives its creator. */
	prctl(PR_SET_PDEATHSIG, 0);
	tell(j->sock_init, SJ_REPORT_CREATED, 0, NULL);
	if (wait_go(j, err) < 0)
		return -1;
	return oci_hooks_run(j, OCI_HOOK_START_CONTAINER, "running", err);
}

#define OCI_COMMAND_STACK (256 * 1024)

struct command_args {
	const struct sj_jail *j;
	struct sj_report *report;
};

static int run_command(void *arg)
{
	struct command_args *a = arg;

	oci_exec(a->j, &a->j->oci->spec->proc, a->j->oci->pty, a->report);
}

/* The init starts the container's process; its pid, or -1 with R filled. */
pid_t oci_start_command(struct sj_jail *j, struct sj_report *r)
{
	struct command_args args = { j, r };
	char *stack = malloc(OCI_COMMAND_STACK);
	pid_t pid;

	if (!stack) {
		*r = (struct sj_report){ SJ_REPORT_SETUP, ENOMEM, "out of memory" };
		return -1;
	}
	r->stage = 0;
	pid = clone(run_command, stack + OCI_COMMAND_STACK, CLONE_VM | CLONE_VFORK | SIGCHLD,
		    &args);
	free(stack);
	if (pid < 0) {
		r->stage = SJ_REPORT_SETUP;
		r->errnum = errno;
		snprintf(r->msg, sizeof(r->msg), "starting the process: %s", strerror(errno));
	}
	/* The slave is the process's now. */
	if (j->oci->pty >= 0)
		close(j->oci->pty);
	j->oci->pty = -1;
	return pid;
}
