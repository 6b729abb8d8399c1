/*
 * userns.c: the jail's user namespace.
 *
 * Root in a jail is not root on the host.  Each running jail owns a slot
 * of 65536 host ids (uid and gid SJ_UID_BASE + slot * 65536 onwards), and
 * its user namespace maps the jail's ids 0-65535 onto that slot.
 *
 * The namespace is created before the jail's other namespaces, by a
 * short-lived holder process, so that the namespaces the jail's init then
 * creates are owned by the host's user namespace, not the jail's: root in
 * the jail holds no capability over its own mount, network, UTS or PID
 * namespace, and the kernel refuses it mount(2), interface and route
 * changes, and sethostname(2) whatever the seccomp filter says.  The init
 * joins the namespace last, when everything is built.
 *
 * A jail made by a user (SJ_MODE_USERNS) is built the same way one level
 * down: its init starts in a user namespace of the user's ids (unpriv.c
 * writes its maps), owner of every other namespace of the jail, and
 * has the jail's user namespace made inside it (uns_create_inner()), an
 * identity map of those ids, which it joins last.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "oci.h"

/*
 * The holder only has to exist while its maps are written.  It lets go of
 * every descriptor it was born with (the registry's locks among them) and
 * dies with its creator, however the creator dies.
 */
static int holder(void *arg)
{
	pid_t creator = *(const pid_t *)arg;

	syscall(SYS_close_range, 0, ~0u, 0);
	syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (syscall(SYS_getppid) != creator)
		syscall(SYS_exit, 0);
	for (;;)
		syscall(SYS_pause);
	return 0;
}

static int write_map(int proc, pid_t pid, const char *file, unsigned inside, uid_t base,
		     unsigned count, sj_error *err)
{
	char path[64], map[64];
	SJ_AUTOCLOSE int fd = -1;
	int n;

	snprintf(path, sizeof(path), "%d/%s", (int)pid, file);
	/* The kernel maps an extent onto one extent of the parent's map: a
	 * user's (unpriv.c) has one for their own id and one for the rest. */
	if (inside == 0 && base == 0 && count > 1)
		n = snprintf(map, sizeof(map), "0 0 1\n1 1 %u\n", count - 1);
	else
		n = snprintf(map, sizeof(map), "%u %u %u\n", inside, (unsigned)base, count);
	fd = openat(proc, path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || sj_write_all(fd, map, (size_t)n) < 0)
		return sj_fail_errno(err, "/proc/%s", path);
	return 0;
}

/*
 * Make a user namespace through a holder process, map COUNT ids from
 * UID_INSIDE and GID_INSIDE onto BASE, and keep a descriptor of it.
 */
static int make_userns(struct sj_jail *j, int proc, unsigned uid_inside, unsigned gid_inside,
		       uid_t base, unsigned count, sj_error *err)
{
	char stack[8192] __attribute__((aligned(16)));
	pid_t pid, self = getpid();
	char path[64];
	int r = 0;

	/* CLONE_VM: nothing to copy; no exit signal: the caller's SIGCHLD
	 * handling is not disturbed. */
	pid = clone(holder, stack + sizeof(stack), CLONE_VM | CLONE_NEWUSER, &self);
	if (pid < 0)
		return sj_fail_errno(err, "creating the user namespace");
	/* A bundle's maps are its own (linux.uidMappings, gidMappings). */
	if (j->oci ? oci_userns_maps(j, pid, err) < 0
		   : write_map(proc, pid, "uid_map", uid_inside, base, count, err) < 0 ||
		     write_map(proc, pid, "gid_map", gid_inside, base, count, err) < 0) {
		r = -1;
	} else {
		snprintf(path, sizeof(path), "%d/ns/user", (int)pid);
		j->userns_fd = openat(proc, path, O_RDONLY | O_CLOEXEC);
		if (j->userns_fd < 0)
			r = sj_fail_errno(err, "/proc/%s", path);
	}
	/* Reaped later (uns_reap()): waiting for it to die here would
	 * cost a wake-up of its CPU for nothing. */
	kill(pid, SIGKILL);
	j->holder_pid = pid;
	if (r < 0) {
		uns_reap(j);
		sj_error_prefix(err, "user namespace");
	}
	return r;
}

/* Create the jail's user namespace; keep a descriptor of it. */
int uns_create(struct sj_jail *j, sj_error *err)
{
	SJ_AUTOCLOSE int proc = -1;

	j->userns_fd = -1;
	if (j->mode != SJ_MODE_ROOT)
		return 0;
	if (!j->cfg.userns && !(j->oci && oci_ns_new(j, CLONE_NEWUSER)))
		return 0;
	if (j->cfg.userns)
		j->uid_base = SJ_UID_BASE + (uid_t)j->reg.slot * SJ_UID_COUNT;
	proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (proc < 0)
		return sj_fail_errno(err, "/proc");
	return make_userns(j, proc, 0, 0, j->uid_base, SJ_UID_COUNT, err);
}

/*
 * For a user's jail, in the user namespace of the user's ids (joined by
 * a helper of the creator, unpriv.c): the jail's own, which owns
 * nothing.  The same ids, or with sysjail.keep_uid the user's own uid
 * and gid alone, as on the host.
 */
int uns_create_inner(struct sj_jail *j, sj_error *err)
{
	SJ_AUTOCLOSE int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);

	j->userns_fd = -1;
	if (proc < 0)
		return sj_fail_errno(err, "/proc");
	if (j->cfg.keep_uid)
		return make_userns(j, proc, (unsigned)j->owner, (unsigned)j->owner_gid, 0, 1, err);
	return make_userns(j, proc, 0, 0, 0, j->nids, err);
}
/* Reap the holder process, if it is not reaped yet. */
void uns_reap(struct sj_jail *j)
{
	if (j->holder_pid <= 0)
		return;
	while (waitpid(j->holder_pid, NULL, __WALL) < 0 && errno == EINTR)
		;
	j->holder_pid = 0;
}

void uns_close(struct sj_jail *j)
{
	uns_reap(j);
	if (j->userns_fd >= 0)
		close(j->userns_fd);
	j->userns_fd = -1;
}

/*
 * Join the jail's user namespace and become its root (uid and gid 0, no
 * supplementary groups).  Called by the init once the jail is built.
 */
int uns_enter(const struct sj_jail *j, sj_error *err)
{
	if (j->userns_fd < 0)
		return 0;
	if (setns(j->userns_fd, CLONE_NEWUSER) < 0)
		return sj_fail_errno(err, "joining the jail's user namespace");
	return uns_become_root(j, err);
}

/*
 * In the jail's user namespace: become its root (uid and gid 0, no
 * supplementary groups), or, with sysjail.keep_uid, stay the user.
 */
int uns_become_root(const struct sj_jail *j, sj_error *err)
{
	if (j->cfg.keep_uid)
		return 0;
	/* Our ids are unmapped in the new namespace until we set them. */
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return sj_fail_errno(err, "becoming the jail's root");
	/* A user's single-id map is written with setgroups(2) denied, as
	 * the kernel requires: the user's groups stay, unmapped, as they
	 * were on the host. */
	if (setgroups(0, NULL) < 0 && !(errno == EPERM && j->mode == SJ_MODE_USERNS))
		return sj_fail_errno(err, "dropping supplementary groups");
	return 0;
}
