/*
 * jail.c: the jail object, and creating a jail as an ordered table of
 * steps.  Each step that takes something has an undo; when a step fails,
 * the steps before it are undone in reverse, so a failed sj_create()
 * leaves nothing behind: no process, namespace, mount or registry entry.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "oci.h"

sj_jail *sj_jail_new(sj_error *err)
{
	sj_jail *j = calloc(1, sizeof(*j));

	if (!j) {
		sj_fail(err, ENOMEM, "out of memory");
		return NULL;
	}
	params_init(&j->cfg);
	j->reg = (struct sj_registry){ .dirfd = -1, .jid = -1, .jid_lock = -1,
				       .slot = -1, .slot_lock = -1 };
	j->userns_fd = j->root_fd = -1;
	j->sock_host = j->sock_init = -1;
	j->init_pid = -1;
	j->init_pidfd = -1;
	j->oom_before = -1;
	j->cg_fd = -1;
	j->audit = (struct sj_audit){ .sock = -1, .pid = -1, .pidfd = -1 };
	return j;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void sj_jail_free(sj_jail *j)
{
	if (!j)
		return;
	close_fd(&j->init_pidfd);
	close_fd(&j->sock_host);
	uns_reap(j);
	/* A jail still running keeps its registry entry: its init holds
	 * the entry's lock. */
	if (j->reg.dirfd >= 0) {
		close_fd(&j->reg.jid_lock);
		close_fd(&j->reg.slot_lock);
		close_fd(&j->reg.dirfd);
	}
	audit_release(j);
	sc_release(j);
	oci_unload(j);
	fstab_free(j);
	net_free(j);
	cg_free(j);
	users_free(&j->cred);
	params_free(&j->cfg);
	free(j);
}

int sj_jail_set(sj_jail *j, const char *name, const char *value, sj_error *err)
{
	if (j->created || j->found)
		return sj_fail(err, EBUSY, "%s: the jail is already created", name);
	return params_set(&j->cfg, name, value, err);
}

int sj_jail_add(sj_jail *j, const char *name, const char *value, sj_error *err)
{
	if (j->created || j->found)
		return sj_fail(err, EBUSY, "%s: the jail is already created", name);
	return params_add(&j->cfg, name, value, err);
}

int sj_jail_get(const sj_jail *j, const char *name, char *buf, size_t len, sj_error *err)
{
	/* FreeBSD's read-only "dying" is a state, not a parameter. */
	if (strcmp(name, "dying") == 0) {
		if (len < 6)
			return sj_fail(err, ERANGE, "dying: value does not fit");
		return snprintf(buf, len, "%s", j->dying ? "true" : "false");
	}
	return params_get(&j->cfg, name, buf, len, err);
}

int sj_jail_set_command(sj_jail *j, char *const argv[], sj_error *err)
{
	size_t n = 0;
	char **v;

	while (argv[n])
		n++;
	if (n == 0)
		return sj_fail(err, EINVAL, "command: empty command");
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return sj_fail(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (!(v[i] = strdup(argv[i]))) {
			while (i > 0)
				free(v[--i]);
			free(v);
			return sj_fail(err, ENOMEM, "out of memory");
		}
	if (j->cfg.command)
		for (char **p = j->cfg.command; *p; p++)
			free(*p);
	free(j->cfg.command);
	j->cfg.command = v;
	return 0;
}

void sj_jail_set_log(sj_jail *j, sj_jail_log_fn *fn, void *ctx)
{
	j->log = fn;
	j->log_ctx = ctx;
}

int sj_jail_jid(const sj_jail *j)
{
	return j->created || j->found ? j->reg.jid : -1;
}

pid_t sj_jail_init_pid(const sj_jail *j)
{
	return j->created || j->found ? j->init_pid : -1;
}

/* Steps of sj_create(), in order. */

static int check(struct sj_jail *j, sj_error *err)
{
	bool own_name;
	char host[65];

	if (params_check(&j->cfg, err) < 0 || up_select(j, err) < 0)
		return -1;
	if (!j->cfg.hostname) {
		/* As FreeBSD: a jail without host.hostname takes its name,
		 * or the host's hostname (which one confined in place has). */
		own_name = j->cfg.name && j->mode != SJ_MODE_CONFINE;
		if (!own_name && gethostname(host, sizeof(host)) < 0)
			return sj_fail_errno(err, "gethostname");
		j->cfg.hostname = sj_strdup(own_name ? j->cfg.name : host, err);
		if (!j->cfg.hostname)
			return -1;
	}
	return 0;
}

static int resolve_user(struct sj_jail *j, sj_error *err)
{
	if (!j->cfg.jail_user || !j->cfg.system_jail_user)
		return 0;
	if (users_lookup_host(j->cfg.jail_user, &j->cred, err) < 0) {
		sj_error_prefix(err, "exec.jail_user");
		return -1;
	}
	return 0;
}

static void free_user(struct sj_jail *j)
{
	users_free(&j->cred);
}

/* A packet socket pair: no SIGPIPE, and EOF once the init and the
 * command (at its execve) have closed their end. */
static int open_channel(struct sj_jail *j, sj_error *err)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return sj_fail_errno(err, "socketpair");
	j->sock_host = sv[0];
	j->sock_init = sv[1];
	return 0;
}

static void close_channel(struct sj_jail *j)
{
	close_fd(&j->sock_host);
	close_fd(&j->sock_init);
}

static int spawn_init(struct sj_jail *j, sj_error *err)
{
	const struct sj_config *c = &j->cfg;
	int pidfd = -1;
	struct clone_args args = {
		.flags = CLONE_PIDFD | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS,
		.pidfd = (uint64_t)(uintptr_t)&pidfd,
		.exit_signal = SIGCHLD,
	};
	int restore = -1;
	long pid;

	if (!c->allow_sysvipc)
		args.flags |= CLONE_NEWIPC;
	args.flags |= (uint64_t)net_clone_flags(j);
	/* A user's jail: its init in a user namespace of the user's ids,
	 * which owns the others (unpriv.c).  Confined in place: none. */
	if (j->mode == SJ_MODE_USERNS)
		args.flags |= CLONE_NEWUSER;
	else if (j->mode == SJ_MODE_CONFINE)
		args.flags = CLONE_PIDFD;
	/* A bundle's namespaces are its own; a PID one to join is joined
	 * for our children, around the clone. */
	if (j->oci) {
		args.flags = CLONE_PIDFD | oci_clone_flags(j);
		if (oci_ns_join_pid(j, &restore, err) < 0)
			return -1;
	}
	/* Born in its v2 group (cg_prepare(), ocg_create()): moving a
	 * process in would take the kernel's cgroup_threadgroup_rwsem for
	 * writing, and wait for an RCU grace period (up to 15 ms here)
	 * unless another move came just before. */
	if (j->cg_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)j->cg_fd;
	}
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid != 0)
		oci_ns_restore_pid(restore);
	if (pid < 0)
		return sj_fail_errno(err, "starting the jail's init");
	if (pid == 0)
		_exit(init_main(j));
	j->init_pid = (pid_t)pid;
	j->init_pidfd = pidfd;
	close_fd(&j->cg_fd);
	/* The init's end is the init's alone now. */
	close_fd(&j->sock_init);
	return 0;
}

static void wait_init(struct sj_jail *j, siginfo_t *si)
{
	memset(si, 0, sizeof(*si));
	while (waitid(P_PIDFD, (id_t)j->init_pidfd, si, WEXITED) < 0 && errno == EINTR)
		;
}

static void kill_init(struct sj_jail *j)
{
	siginfo_t si;

	if (j->init_pidfd < 0)
		return;
	pidfd_send_signal(j->init_pidfd, SIGKILL, NULL, 0);
	wait_init(j, &si);
	close_fd(&j->init_pidfd);
	j->init_pid = -1;
}

/* Root clones the jail's root here; a user's init does it itself. */
static int prepare_root(struct sj_jail *j, sj_error *err)
{
	return j->mode == SJ_MODE_ROOT ? mnt_prepare_root(j, err) : 0;
}

static int hook_prestart(struct sj_jail *j, sj_error *err)
{
	return hooks_run(j, HOOK_PRESTART, err);
}

static int hook_created(struct sj_jail *j, sj_error *err)
{
	return hooks_run(j, HOOK_CREATED, err);
}

static const struct step {
	const char *name;
	int (*apply)(struct sj_jail *j, sj_error *err);
	void (*undo)(struct sj_jail *j);
} create_steps[] = {
	{ "oci bundle", oci_load, oci_unload },
	{ "parameters", check, NULL },
	{ "exec.prestart", hook_prestart, NULL },
	{ "mounts", fstab_prepare, fstab_undo },
	{ "user", resolve_user, free_user },
	{ "registry", reg_reserve, reg_release },
	{ "seccomp", sc_prepare, sc_release },
	{ "log-denied", audit_prepare, audit_undo },
	{ "user namespace", uns_create, uns_close },
	{ "network namespace", net_prepare, net_free },
	{ "oci namespaces", oci_open_ns, oci_ns_close },
	{ "root", prepare_root, mnt_close_root },
	{ "cgroup", cg_prepare, cg_destroy },
	{ "oci cgroup", oci_make_cgroups, oci_undo_spawn },
	{ "channel", open_channel, close_channel },
	{ "oci start socket", oci_listen, oci_unlisten },
	{ "init", spawn_init, kill_init },
	{ "network namespace aside", net_make_aside, NULL },
	{ "id maps", up_write_maps, NULL },
	{ "network", net_configure, net_teardown },
	{ "cgroups", cg_create, NULL },
	{ "oci cgroups", oci_after_spawn, NULL },
	{ "oci built", oci_wait_built, NULL },
	{ "registry entry", reg_publish, NULL },
	{ "exec.created", hook_created, NULL },
};

/* A message for sj_jail_set_log()'s function, if there is one. */
static void say(const struct sj_jail *j, const char *fmt, ...) SJ_PRINTF(2, 3);
static void say(const struct sj_jail *j, const char *fmt, ...)
{
	char msg[SJ_ERROR_MAX + 64];
	va_list ap;

	if (!j->log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	j->log(j->log_ctx, msg);
}

static void undo_from(struct sj_jail *j, size_t n)
{
	while (n-- > 0)
		if (create_steps[n].undo)
			create_steps[n].undo(j);
}

int sj_create(sj_jail *j, sj_error *err)
{
	sj_error_clear(err);
	if (j->created)
		return sj_fail(err, EBUSY, "the jail is already created");
	for (size_t i = 0; i < SJ_NELEM(create_steps); i++) {
		struct timespec t0, t1;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (create_steps[i].apply(j, err) < 0) {
			say(j, "step '%s' failed: %s", create_steps[i].name, err->msg);
			undo_from(j, i);
			return -1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		say(j, "step '%s' done in %.3f ms", create_steps[i].name,
		    (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	}
	/* The init holds what it needs of these now. */
	close_fd(&j->userns_fd);
	close_fd(&j->audit.sock);
	mnt_close_root(j);
	j->created = true;
	return 0;
}

int sj_spawn(sj_jail *j, sj_error *err)
{
	if (sj_create(j, err) < 0)
		return -1;
	return sj_start(j, err);
}

/* Undo everything sj_create() did; for a jail whose start failed. */
static void destroy(struct sj_jail *j)
{
	j->created = j->started = false;
	undo_from(j, SJ_NELEM(create_steps));
}

/* Read one report of the init; 0 with R->stage 0 on EOF. */
static int read_report(int fd, struct sj_report *r, sj_error *err)
{
	int reset = 0;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	/* An init that failed before it read our "go" leaves it unread: the
	 * kernel then reports ECONNRESET once, ahead of the report queued
	 * before it (sock_error() comes first in a datagram receive). */
	do
		n = recv(fd, r, sizeof(*r), 0);
	while (n < 0 && (errno == EINTR || (errno == ECONNRESET && !reset++)));
	if (n < 0)
		return sj_fail_errno(err, "reading from the jail's init");
	if (n != 0 && n != (ssize_t)sizeof(*r))
		return sj_fail(err, EIO, "a short report from the jail's init");
	r->msg[sizeof(r->msg) - 1] = '\0';
	return 0;
}

int sj_start(sj_jail *j, sj_error *err)
{
	struct sj_report r;

	sj_error_clear(err);
	/* Created by another process: through the jail's start socket. */
	if (j->found && !j->started)
		return oci_start_found(j, err);
	if (!j->created || j->sock_host < 0 || j->started)
		return sj_fail(err, EINVAL, "the jail is not created, or already started");
	/* If the init died already, its report is waiting for us. */
	send(j->sock_host, "g", 1, MSG_NOSIGNAL);
	uns_reap(j);
	if (read_report(j->sock_host, &r, err) < 0)
		goto fail;
	switch (r.stage) {
	case SJ_REPORT_READY:
		j->started = true;
		if (hooks_run(j, HOOK_START, err) < 0 || hooks_run(j, HOOK_POSTSTART, err) < 0)
			goto fail;
		/* Only a persistent jail's init says more (its command's end);
		 * one that is not persistent and has no command learns here
		 * that it may end with its last process. */
		if (!(j->cfg.persist && j->cfg.command))
			close_fd(&j->sock_host);
		return 0;
	case SJ_REPORT_SETUP:
	case SJ_REPORT_EXEC:
		sj_fail(err, r.errnum, "%s", r.msg);
		if (r.stage == SJ_REPORT_EXEC)
			err->status = r.errnum == ENOENT ? SJ_EXIT_NOTFOUND : SJ_EXIT_NOEXEC;
		break;
	default:
		sj_fail(err, EIO, "the jail's init died while starting");
	}
fail:
	destroy(j);
	return -1;
}

int sj_wait(sj_jail *j, int *status, sj_error *err)
{
	struct sj_report r;
	siginfo_t si;

	sj_error_clear(err);
	if (!j->started || j->init_pidfd < 0)
		return sj_fail(err, EINVAL, "the jail was not started by this process");
	/* Without a command, nothing to wait for: a persistent jail lives on,
	 * another one until its last process ends. */
	*status = 0;
	if (!j->cfg.command)
		return 0;
	if (j->cfg.persist) {
		/* The jail lives on: wait for its command. */
		if (j->sock_host < 0)
			return sj_fail(err, EINVAL, "the jail's command was waited for already");
		if (read_report(j->sock_host, &r, err) < 0)
			return -1;
		close_fd(&j->sock_host);
		if (r.stage != SJ_REPORT_EXITED)
			return sj_fail(err, ESRCH, "the jail ended before its command");
		*status = r.errnum;
		cg_ended(j, *status, false);
		return 0;
	}
	wait_init(j, &si);
	if (si.si_pid == 0)
		return sj_fail_errno(err, "waiting for the jail");
	*status = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
	close_fd(&j->init_pidfd);
	cg_ended(j, *status, true);
	/* Its interfaces, even if something holds its namespace; what the
	 * host holds goes with its registry records. */
	net_teardown(j);
	audit_finish(j);
	reg_release(j);
	sc_release(j);
	j->created = j->started = false;
	return 0;
}

int sj_forward_signal(const sj_jail *j, int sig)
{
	if (j->init_pidfd < 0) {
		errno = ESRCH;
		return -1;
	}
	return pidfd_send_signal(j->init_pidfd, sig, NULL, 0);
}
