/*
 * manage.c: running jails: find, list, modify, remove.
 *
 * A running jail is found in the registry (registry.c) and then reached
 * through a pidfd of its init, opened and checked against the start time
 * the registry recorded, so that a recycled pid can never stand in for a
 * jail's init.  Its processes are those in its PID namespace, each
 * signalled through a pidfd checked to be in that namespace (a jail
 * confined in place has no PID namespace: its processes are its init's
 * descendants, unpriv.c).
 *
 * A user sees their own registry; root sees its own and every user's
 * (reg_foreign()), whose entries the users wrote: such a jail counts
 * only while its init runs as its registry's owner, and its host
 * commands (exec.prestop, exec.poststop) run as that owner, never as
 * root.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "sj-private.h"

/* Whether process PIDFD has exited. */
static bool exited(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	return poll(&p, 1, 0) != 0;
}

/*
 * Open a pidfd of the jail's init and check it is the one the registry
 * recorded: same start time, and alive after the check.
 */
int mng_open_init(struct sj_jail *j, sj_error *err)
{
	int fd;

	if (j->init_pidfd >= 0)
		return 0;
	fd = pidfd_open(j->init_pid, 0);
	if (fd < 0 || reg_starttime(j->init_pid) != j->starttime || exited(fd) ||
	    (j->foreign && !up_owner_ok(j))) {
		if (fd >= 0)
			close(fd);
		return sj_fail(err, ESRCH, "jail %d is not running", j->reg.jid);
	}
	j->init_pidfd = fd;
	return 0;
}

/*
 * Another user's jail, found by root: what its entry says is the user's
 * word.  Its host commands run as its owner (hooks.c), whatever
 * exec.system_user says, and never write where exec.consolelog says: root
 * would open that file.  The owner's group is the registry's.
 */
static void make_foreign(struct sj_jail *j, int dirfd, uid_t owner)
{
	struct stat st;

	j->foreign = true;
	j->owner = owner;
	j->owner_gid = fstat(dirfd, &st) == 0 ? st.st_gid : (gid_t)owner;
	free(j->cfg.exec_system_user);
	j->cfg.exec_system_user = NULL;
	free(j->cfg.exec_consolelog);
	j->cfg.exec_consolelog = NULL;
}

/* Load jail JID of the registry at DIRFD, OWNER's (foreign if not ours). */
static sj_jail *load(int dirfd, int jid, uid_t owner, sj_error *err)
{
	sj_jail *j = sj_jail_new(err);

	if (!j)
		return NULL;
	j->reg.dirfd = dirfd;
	if (reg_load(dirfd, jid, j, err) < 0) {
		j->reg.dirfd = -1;
		sj_jail_free(j);
		return NULL;
	}
	if (owner != geteuid())
		make_foreign(j, dirfd, owner);
	/* Entries older than sysjail.mode are root's jails. */
	j->mode = j->cfg.mode ? j->cfg.mode : SJ_MODE_ROOT;
	if (!j->foreign)
		j->owner = owner;
	j->dying = reg_dying(dirfd, jid);
	j->found = true;
	return j;
}

/* Jail JAIL in the registry at DIRFD; NULL with ENOENT if not there. */
static sj_jail *find_in(int dirfd, uid_t owner, const char *jail, sj_error *err)
{
	int jid = reg_lookup(dirfd, jail, err);
	sj_jail *j;

	if (jid < 0 || !(j = load(dirfd, jid, owner, err))) {
		if (jid >= 0 && err->errnum == ESRCH)
			sj_fail(err, ENOENT, "jail '%s' not found", jail);
		return NULL;
	}
	/* A name must be the jail's own: a stale link is not it; another
	 * user's jail must be run by that user. */
	if (((jail[0] < '0' || jail[0] > '9') &&
	     (!j->cfg.name || strcmp(j->cfg.name, jail) != 0)) ||
	    (j->foreign && (!reg_alive(dirfd, jid) || !up_owner_ok(j)))) {
		j->reg.dirfd = -1;
		sj_jail_free(j);
		sj_fail(err, ENOENT, "jail '%s' not found", jail);
		return NULL;
	}
	return j;
}

/* Root, naming a jail its registry does not have: the users' jails. */
static sj_jail *find_foreign(const char *jail, sj_error *err)
{
	char **dirs;
	uid_t *owners;
	size_t n;
	sj_jail *found = NULL;

	if (reg_foreign(&dirs, &owners, &n) < 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		sj_error ignored;
		int fd = reg_open(dirs[i], &ignored);
		sj_jail *j = fd >= 0 ? find_in(fd, owners[i], jail, &ignored) : NULL;

		if (!j) {
			if (fd >= 0)
				close(fd);
		} else if (found) {
			sj_fail(err, EEXIST, "jail '%s' is ambiguous: users %u and %u have one "
				"(SYSJAIL_RUNDIR names a user's registry)", jail,
				(unsigned)found->owner, (unsigned)j->owner);
			sj_jail_free(j);
			sj_jail_free(found);
			found = NULL;
			break;
		} else {
			found = j;
		}
	}
	for (size_t i = 0; i < n; i++)
		free(dirs[i]);
	free(dirs);
	free(owners);
	return found;
}

sj_jail *sj_find(const char *rundir, const char *jail, sj_error *err)
{
	int dirfd;
	sj_jail *j;

	sj_error_clear(err);
	dirfd = reg_open(rundir, err);
	if (dirfd < 0 && err->errnum != ENOENT)
		return NULL;
	j = dirfd >= 0 ? find_in(dirfd, geteuid(), jail, err) : NULL;
	if (j)
		return j;
	if (dirfd >= 0)
		close(dirfd);
	if (dirfd >= 0 && err->errnum != ENOENT)
		return NULL;
	if (!rundir && geteuid() == 0 && (j = find_foreign(jail, err)))
		return j;
	if (err->errnum != EEXIST)
		sj_fail(err, ENOENT, "jail '%s' not found", jail);
	return NULL;
}

/* Append the jails of the registry at DIRFD (OWNER's) to *V. */
static int list_in(int dirfd, uid_t owner, unsigned flags, sj_jail ***v, size_t *n,
		   sj_error *err)
{
	SJ_AUTOFREE int *jids = NULL;
	size_t count = 0;
	sj_jail **nv;

	/* What dead jails left (their makers died too): cgroups, entries. */
	reg_sweep(dirfd);
	if (reg_list(dirfd, &jids, &count, err) < 0)
		return -1;
	nv = realloc(*v, (*n + count + 1) * sizeof(*nv));
	if (!nv)
		return sj_fail(err, ENOMEM, "out of memory");
	*v = nv;
	for (size_t i = 0; i < count; i++) {
		sj_error ignored;
		int fd = dup(dirfd);
		sj_jail *j = fd >= 0 ? load(fd, jids[i], owner, &ignored) : NULL;

		if (!j) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		if ((j->dying && !(flags & SJ_LIST_DYING)) ||
		    (j->foreign && (!reg_alive(fd, jids[i]) || !up_owner_ok(j)))) {
			sj_jail_free(j);
			continue;
		}
		nv[(*n)++] = j;
	}
	return 0;
}

int sj_list(const char *rundir, unsigned flags, sj_jail ***out, size_t *n, sj_error *err)
{
	sj_jail **v = calloc(1, sizeof(*v));
	char **dirs = NULL;
	uid_t *owners = NULL;
	size_t ndirs = 0;
	int dirfd, r = 0;

	sj_error_clear(err);
	*out = NULL;
	*n = 0;
	if (!v)
		return sj_fail(err, ENOMEM, "out of memory");
	dirfd = reg_open(rundir, err);
	if (dirfd < 0 && err->errnum != ENOENT) {
		free(v);
		return -1;
	}
	/* No registry: no jails. */
	if (dirfd >= 0)
		r = list_in(dirfd, geteuid(), flags, &v, n, err);
	if (dirfd >= 0)
		close(dirfd);
	if (r == 0 && !rundir && geteuid() == 0 && reg_foreign(&dirs, &owners, &ndirs) == 0) {
		for (size_t i = 0; i < ndirs; i++) {
			sj_error ignored;
			int fd = reg_open(dirs[i], &ignored);

			if (fd >= 0) {
				list_in(fd, owners[i], flags, &v, n, &ignored);
				close(fd);
			}
			free(dirs[i]);
		}
		free(dirs);
		free(owners);
	}
	if (r < 0) {
		sj_list_free(v, *n);
		*n = 0;
		return -1;
	}
	*out = v;
	return 0;
}

void sj_list_free(sj_jail **jails, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sj_jail_free(jails[i]);
	free(jails);
}

bool sj_jail_dying(const sj_jail *j)
{
	return j->dying;
}

time_t sj_jail_created(const sj_jail *j)
{
	return j->created_at;
}

/* The inode of the PID namespace whose PID 1 is the jail's init. */
static ino_t pidns_of(pid_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	return stat(path, &st) == 0 ? st.st_ino : 0;
}

/*
 * Call FN(pidfd, arg) for every process of the jail but its init, each
 * pidfd checked (after opening it) to be in the jail's PID namespace.
 * Returns how many there were.
 */
int mng_each_process(const struct sj_jail *j, void (*fn)(int pidfd, pid_t pid, void *arg),
		     void *arg)
{
	ino_t ns;
	struct dirent *e;
	DIR *d;
	int n = 0;

	if (j->mode == SJ_MODE_CONFINE)
		return up_each_process(j, fn, arg);
	ns = pidns_of(j->init_pid);
	if (!ns || !(d = opendir("/proc")))
		return 0;
	while ((e = readdir(d))) {
		pid_t pid = (pid_t)atoi(e->d_name);
		int fd;

		if (pid <= 0 || pid == j->init_pid)
			continue;
		fd = pidfd_open(pid, 0);
		if (fd < 0)
			continue;
		/* Alive after the look at /proc: the pid was still this one. */
		if (pidns_of(pid) == ns && !exited(fd)) {
			n++;
			if (fn)
				fn(fd, pid, arg);
		}
		close(fd);
	}
	closedir(d);
	return n;
}

static void terminate(int pidfd, pid_t pid SJ_UNUSED, void *arg SJ_UNUSED)
{
	pidfd_send_signal(pidfd, SIGTERM, NULL, 0);
}

/* FreeBSD's jail -r: SIGTERM to every process, stop.timeout, then kill. */
static void stop_processes(struct sj_jail *j, int timeout_ms)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	if (mng_each_process(j, terminate, NULL) == 0)
		return;
	for (;;) {
		long ms;

		usleep(10000);
		if (mng_each_process(j, NULL, NULL) == 0)
			return;
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (ms >= timeout_ms)
			return;
	}
}

int sj_remove(sj_jail *j, unsigned flags, sj_error *err)
{
	SJ_AUTOCLOSE int dying = -1;
	struct pollfd p;

	sj_error_clear(err);
	if (!j->found)
		return sj_fail(err, EINVAL, "only a jail found in the registry can be removed");
	dying = reg_mark_dying(j->reg.dirfd, j->reg.jid, err);
	if (dying < 0)
		return -1;
	/* Another remover may have finished while we waited for the mark. */
	if (!reg_alive(j->reg.dirfd, j->reg.jid) || mng_open_init(j, err) < 0)
		return reg_purge(j->reg.dirfd, j->reg.jid, 0, err) < 0 ? -1 : 0;
	/* As FreeBSD: a stop command that fails keeps the jail. */
	if (!(flags & SJ_REMOVE_NOHOOKS) &&
	    (hooks_run(j, HOOK_PRESTOP, err) < 0 || hooks_run(j, HOOK_STOP, err) < 0))
		return -1;
	/* Its network namespace, to empty once the init is gone, taken
	 * while the init surely lives; if it cannot be had, the namespace
	 * empties itself when it is freed. */
	if (net_hold(j, err) < 0)
		sj_error_clear(err);
	stop_processes(j, j->cfg.stop_timeout * 1000);
	/* What is left, through the jail's cgroups: none escapes by forking. */
	cg_kill(j);
	/* The kernel takes every process of the jail with its init, and no
	 * process can join a PID namespace whose init has died.  Confined in
	 * place, the jail has no PID namespace: its init's descendants go
	 * first, the init last. */
	if (j->mode == SJ_MODE_CONFINE)
		up_kill_all(j);
	pidfd_send_signal(j->init_pidfd, SIGKILL, NULL, 0);
	p = (struct pollfd){ .fd = j->init_pidfd, .events = POLLIN };
	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
	net_teardown(j);
	if (reg_purge(j->reg.dirfd, j->reg.jid, 5000, err) < 0)
		return -1;
	return flags & SJ_REMOVE_NOHOOKS ? 0 : hooks_run(j, HOOK_POSTSTOP, err);
}

/* In a child, in the jail's UTS namespace: set its hostname. */
static int set_hostname(struct sj_jail *j, const char *name, sj_error *err)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return sj_fail_errno(err, "fork");
	if (pid == 0) {
		sj_error ignored;

		/* A user's jail: through the user namespace that owns it. */
		if ((j->mode == SJ_MODE_USERNS ? up_attach_setns(j, CLONE_NEWUTS, &ignored)
					       : setns(j->init_pidfd, CLONE_NEWUTS)) < 0 ||
		    sethostname(name, strlen(name)) < 0)
			_exit(1);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return sj_fail(err, EIO, "host.hostname: could not set it in jail %d",
			       j->reg.jid);
	return 0;
}

int sj_modify(sj_jail *j, const char *name, const char *value, sj_error *err)
{
	unsigned flags = sj_param_flags(name);

	sj_error_clear(err);
	if (!j->found)
		return sj_fail(err, EINVAL, "only a jail found in the registry can be modified");
	if (!flags)
		return sj_fail(err, EINVAL, "unknown parameter '%s'", name);
	if (!(flags & SJ_PARAM_MUTABLE))
		return sj_fail(err, EPERM, "%s: cannot be changed on a running jail", name);
	if (j->dying)
		return sj_fail(err, ESRCH, "jail %d is being removed", j->reg.jid);
	/* A limit reaches the kernel first: one it refuses is not recorded. */
	if (cg_modify(j, name, value, err) < 0)
		return -1;
	if (params_set(&j->cfg, name, value, err) < 0 || mng_open_init(j, err) < 0)
		return -1;
	if (strcmp(name, "host.hostname") == 0 && set_hostname(j, j->cfg.hostname, err) < 0)
		return -1;
	return reg_rewrite(j, err);
}
