/*
 * oci-ns.c: the namespaces of linux.namespaces, made or joined.
 *
 * New ones are made as sysjail makes a jail's: the init is cloned into
 * new PID, mount, UTS, IPC and network namespaces, and a new user
 * namespace is made beforehand by userns.c's holder, with the spec's
 * maps, and joined last.  Namespaces given by path are opened by the
 * creator (and checked to be of the type named) and joined by the init
 * first thing, except the PID namespace, which only a parent can choose
 * for its child: the creator joins it for its children around the clone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "oci.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const char *ns_name(int type)
{
	switch (type) {
	case CLONE_NEWPID: return "pid";
	case CLONE_NEWNET: return "network";
	case CLONE_NEWNS: return "mount";
	case CLONE_NEWIPC: return "ipc";
	case CLONE_NEWUTS: return "uts";
	case CLONE_NEWUSER: return "user";
	case CLONE_NEWCGROUP: return "cgroup";
	case CLONE_NEWTIME: return "time";
	}
	return "unknown";
}

/* Open the namespaces to join, each checked to be of its type. */
int oci_ns_open(struct sj_jail *j, sj_error *err)
{
	const struct oci_spec *s = j->oci->spec;

	j->oci->nsfd = calloc(s->nns + 1, sizeof(int));
	if (!j->oci->nsfd)
		return sj_fail(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < s->nns; i++) {
		const struct oci_ns *ns = &s->ns[i];
		int fd, type;

		j->oci->nsfd[i] = -1;
		if (!ns->path)
			continue;
		if (ns->type == CLONE_NEWNS)
			return sj_fail(err, ENOTSUP, "linux.namespaces[%zu]: joining a mount "
				       "namespace is not supported: the container's root is entered "
				       "with pivot_root in a new one", i);
		fd = open(ns->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return sj_fail_errno(err, "linux.namespaces[%zu].path: %s", i, ns->path);
		j->oci->nsfd[i] = fd;
		type = ioctl(fd, NS_GET_NSTYPE);
		if (type < 0)
			return sj_fail(err, EINVAL, "linux.namespaces[%zu].path: %s is not a "
				       "namespace", i, ns->path);
		if (type != ns->type)
			return sj_fail(err, EINVAL, "linux.namespaces[%zu].path: %s is a %s "
				       "namespace, not a %s one", i, ns->path, ns_name(type),
				       ns_name(ns->type));
		if (ns->type == CLONE_NEWUSER) {
			j->userns_fd = fd;
			j->oci->nsfd[i] = -1;
		}
	}
	return 0;
}

void oci_ns_close(struct sj_jail *j)
{
	if (!j->oci || !j->oci->nsfd)
		return;
	for (size_t i = 0; i < j->oci->spec->nns; i++)
		if (j->oci->nsfd[i] >= 0)
			close(j->oci->nsfd[i]);
	free(j->oci->nsfd);
	j->oci->nsfd = NULL;
}

/* Whether namespace TYPE is a new one. */
bool oci_ns_new(const struct sj_jail *j, int type)
{
	return oci_spec_ns_new(j->oci->spec, type);
}

/* What the init is cloned with: the new namespaces but user, cgroup, time. */
unsigned long oci_clone_flags(const struct sj_jail *j)
{
	static const int at_clone[] = {
		CLONE_NEWPID, CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWNET,
	};
	unsigned long flags = 0;

	for (size_t i = 0; i < SJ_NELEM(at_clone); i++)
		if (oci_ns_new(j, at_clone[i]))
			flags |= (unsigned long)at_clone[i];
	return flags;
}

static int ns_fd(const struct sj_jail *j, int type)
{
	for (size_t i = 0; i < j->oci->spec->nns; i++)
		if (j->oci->spec->ns[i].type == type)
			return j->oci->nsfd[i];
	return -1;
}

/*
 * A PID namespace to join: the creator's children go there.  *RESTORE
 * gets what to go back to (-1: nothing to do).
 */
int oci_ns_join_pid(struct sj_jail *j, int *restore, sj_error *err)
{
	int fd = ns_fd(j, CLONE_NEWPID);

	*restore = -1;
	if (fd < 0)
		return 0;
	*restore = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (*restore < 0)
		return sj_fail_errno(err, "/proc/self/ns/pid");
	if (setns(fd, CLONE_NEWPID) < 0) {
		close(*restore);
		*restore = -1;
		return sj_fail_errno(err, "joining the pid namespace");
	}
	return 0;
}

void oci_ns_restore_pid(int restore)
{
	if (restore < 0)
		return;
	/* Our own namespace is always one we may choose again. */
	if (setns(restore, CLONE_NEWPID) < 0)
		errno = 0;
	close(restore);
}

/*
 * In the init, before it builds anything: join the namespaces given by
 * path, and make the new cgroup and time namespaces (the init is in the
 * container's cgroups by now, so its cgroup namespace is rooted there).
 */
int oci_ns_join_inside(const struct sj_jail *j, sj_error *err)
{
	static const int joined[] = {
		CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWCGROUP, CLONE_NEWTIME,
	};

	for (size_t i = 0; i < SJ_NELEM(joined); i++) {
		int fd = ns_fd(j, joined[i]);

		if (fd >= 0 && setns(fd, joined[i]) < 0)
			return sj_fail_errno(err, "joining the %s namespace", ns_name(joined[i]));
	}
	if (oci_ns_new(j, CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
		return sj_fail_errno(err, "making the cgroup namespace");
	if (oci_ns_new(j, CLONE_NEWTIME) && unshare(CLONE_NEWTIME) < 0)
		return sj_fail_errno(err, "making the time namespace");
	return 0;
}

static int map_text(const struct oci_idmap *m, size_t n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(buf + used, len - used, "%u %u %u\n", m[i].inside, m[i].outside,
				 m[i].size);

		if (w < 0 || (size_t)w >= len - used)
			return -1;
		used += (size_t)w;
	}
	return 0;
}

/* userns.c's holder PID has a new user namespace: write the spec's maps. */
int oci_userns_maps(const struct sj_jail *j, pid_t pid, sj_error *err)
{
	const struct oci_spec *s = j->oci->spec;
	char path[64], map[4096];

	if (!s->nuidmap || !s->ngidmap)
		return sj_fail(err, EINVAL, "linux.uidMappings, gidMappings: a new user namespace "
			       "needs both");
	if (map_text(s->uidmap, s->nuidmap, map, sizeof(map)) < 0)
		return sj_fail(err, E2BIG, "linux.uidMappings: too many");
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	if (sj_write_file(path, map, err) < 0) {
		sj_error_prefix(err, "linux.uidMappings");
		return -1;
	}
	if (map_text(s->gidmap, s->ngidmap, map, sizeof(map)) < 0)
		return sj_fail(err, E2BIG, "linux.gidMappings: too many");
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	if (sj_write_file(path, map, err) < 0) {
		sj_error_prefix(err, "linux.gidMappings");
		return -1;
	}
	return 0;
}
