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

static int write_map(pid_t pid, const char *file, uid_t base, sj_error *err)
{
	char path[64], map[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	snprintf(map, sizeof(map), "0 %u %u\n", (unsigned)base, SJ_UID_COUNT);
	return sj_write_file(path, map, err);
}

/* Create the jail's user namespace; keep a descriptor of it. */
int uns_create(struct sj_jail *j, sj_error *err)
{
	char stack[8192] __attribute__((aligned(16)));
	pid_t pid, self = getpid();
	char path[64];
	int r = 0;

	j->userns_fd = -1;
	if (!j->cfg.userns && !(j->oci && oci_ns_new(j, CLONE_NEWUSER)))
		return 0;
	if (j->cfg.userns)
		j->uid_base = SJ_UID_BASE + (uid_t)j->reg.slot * SJ_UID_COUNT;

	/* CLONE_VM: nothing to copy; no exit signal: the caller's SIGCHLD
	 * handling is not disturbed. */
	pid = clone(holder, stack + sizeof(stack), CLONE_VM | CLONE_NEWUSER, &self);
	if (pid < 0)
		return sj_fail_errno(err, "creating the user namespace");
	/* A bundle's maps are its own (linux.uidMappings, gidMappings). */
	if (j->oci ? oci_userns_maps(j, pid, err) < 0
		   : write_map(pid, "uid_map", j->uid_base, err) < 0 ||
		     write_map(pid, "gid_map", j->uid_base, err) < 0) {
		r = -1;
	} else {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
		j->userns_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (j->userns_fd < 0)
			r = sj_fail_errno(err, "%s", path);
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
	/* Our ids are unmapped in the new namespace until we set them. */
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return sj_fail_errno(err, "becoming the jail's root");
	if (setgroups(0, NULL) < 0)
		return sj_fail_errno(err, "dropping supplementary groups");
	return 0;
}
