/*
 * oci-mount.c: a container's file system, as its config.json describes
 * it: root.path entered with pivot_root, the mounts in order, the
 * devices, the sysctls, maskedPaths and readonlyPaths.
 *
 * As mount.c does for a jail: the root is cloned by the creator, the
 * init attaches it in its own mount namespace (private: nothing reaches
 * the host), every mount is made with the new mount API and attached to
 * a descriptor, and every path in the container is walked here one
 * component at a time from the root's descriptor.  A symlink on the way
 * is followed inside the root (an absolute one from the root); one that
 * climbs above the root is refused, naming the path: it would have put
 * the mount on the host.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>

#include "oci.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

enum { OCI_EXISTING, OCI_MKDIR, OCI_MKFILE };

#define WALK_DEPTH 128
#define WALK_LINKS 40

/*
 * Walk PATH from ROOT; *OUT gets an O_PATH descriptor of what it names.
 * MODE says what to make when missing: nothing, directories, or
 * directories and a final empty file.
 */
int oci_resolve(int root, const char *path, int mode, int *out, sj_error *err)
{
	char buf[2 * PATH_MAX], comp[NAME_MAX + 1];
	int stack[WALK_DEPTH], depth = 0, links = 0, r = -1;
	char *rest = buf;

	if (strlen(path) >= PATH_MAX)
		return sj_fail(err, ENAMETOOLONG, "%s: path too long", path);
	snprintf(buf, sizeof(buf), "%s", path);
	for (;;) {
		int cur = depth ? stack[depth - 1] : root, fd;
		size_t len;
		struct stat st;
		bool last;

		while (*rest == '/')
			rest++;
		if (!*rest)
			break;
		len = strcspn(rest, "/");
		if (len > NAME_MAX) {
			sj_fail(err, ENAMETOOLONG, "%s: a name is too long", path);
			goto out;
		}
		memcpy(comp, rest, len);
		comp[len] = '\0';
		rest += len;
		last = rest[strspn(rest, "/")] == '\0';
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			if (depth == 0) {
				sj_fail(err, EXDEV, "%s: escapes the container's root (through "
					"'..' or a symlink)", path);
				goto out;
			}
			close(stack[--depth]);
			continue;
		}
		fd = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && mode != OCI_EXISTING) {
			if (last && mode == OCI_MKFILE) {
				int f = openat(cur, comp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
					       O_CLOEXEC, 0644);

				if (f >= 0)
					close(f);
			} else {
				mkdirat(cur, comp, 0755);
			}
			fd = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		}
		if (fd < 0 || fstat(fd, &st) < 0) {
			sj_fail_errno(err, "%s", path);
			if (fd >= 0)
				close(fd);
			goto out;
		}
		if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX], joined[2 * PATH_MAX];
			ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);

			close(fd);
			if (n <= 0 || ++links > WALK_LINKS) {
				sj_fail(err, n <= 0 ? EIO : ELOOP, "%s: %s", path,
					n <= 0 ? "an unreadable symlink" : "too many symlinks");
				goto out;
			}
			target[n] = '\0';
			if ((size_t)snprintf(joined, sizeof(joined), "%s/%s", target, rest) >=
			    sizeof(buf)) {
				sj_fail(err, ENAMETOOLONG, "%s: path too long", path);
				goto out;
			}
			memcpy(buf, joined, sizeof(buf));
			rest = buf;
			if (target[0] == '/')
				while (depth > 0)
					close(stack[--depth]);
			continue;
		}
		if (!last && !S_ISDIR(st.st_mode)) {
			close(fd);
			sj_fail(err, ENOTDIR, "%s: a component is not a directory", path);
			goto out;
		}
		if (depth == WALK_DEPTH) {
			close(fd);
			sj_fail(err, ENAMETOOLONG, "%s: too deep", path);
			goto out;
		}
		stack[depth++] = fd;
	}
	if (depth) {
		*out = stack[--depth];
	} else if ((*out = openat(root, ".", O_PATH | O_CLOEXEC)) < 0) {
		sj_fail_errno(err, "%s", path);
		goto out;
	}
	r = 0;
out:
	while (depth > 0)
		close(stack[--depth]);
	return r;
}

static int put(int m, int target, sj_error *err)
{
	if (move_mount(m, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return sj_fail_errno(err, "attaching the mount");
	return 0;
}

static int set_attrs(int m, unsigned set, unsigned clr, unsigned long propagation, bool rec,
		     sj_error *err)
{
	struct mount_attr a = { .attr_set = set, .attr_clr = clr,
				.propagation = propagation & ~(unsigned long)MS_REC };

	if (!set && !clr && !propagation)
		return 0;
	if (mount_setattr(m, "", AT_EMPTY_PATH | (rec || (propagation & MS_REC) ? AT_RECURSIVE : 0),
			  &a, sizeof(a)) < 0)
		return sj_fail_errno(err, "setting mount attributes");
	return 0;
}

/* The name of a v1 hierarchy's directory from a /proc/self/cgroup line's field. */
static void hierarchy_dir(const char *ctrls, char *out, size_t len)
{
	if (!*ctrls)
		snprintf(out, len, "unified");
	else if (strncmp(ctrls, "name=", 5) == 0)
		snprintf(out, len, "%s", ctrls + 5);
	else
		snprintf(out, len, "%s", ctrls);
}

/*
 * A "cgroup" mount: on a cgroup v2 host, cgroup2 (rooted at the
 * container's group by its cgroup namespace, if it has one); on a v1 or
 * mixed host, a tmpfs holding a bind of the container's own group of
 * each hierarchy, as runc makes it.
 */
static int mount_cgroup(const struct sj_jail *j, const struct oci_mount *m, int target,
			sj_error *err)
{
	SJ_AUTOCLOSE int tmp = -1;
	SJ_AUTOFREE char *line = NULL;
	const char *rel = j->oci->cg_rel ? j->oci->cg_rel : "";
	struct statfs sf;
	size_t cap = 0;
	FILE *f;

	if (statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC) {
		SJ_AUTOCLOSE int c = mnt_fs_new("cgroup2", NULL, NULL, m->attr_set, err);

		return c < 0 ? -1 : put(c, target, err);
	}
	tmp = mnt_fs_new("tmpfs", "cgroup", "mode=755", m->attr_set & ~(unsigned)MOUNT_ATTR_RDONLY, err);
	if (tmp < 0 || put(tmp, target, err) < 0)
		return -1;
	f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return sj_fail_errno(err, "/proc/self/cgroup");
	while (getline(&line, &cap, f) > 0) {
		char *ctrls = strchr(line, ':'), dir[128], host[PATH_MAX];
		SJ_AUTOCLOSE int sub = -1, b = -1;

		if (!ctrls || !strchr(ctrls + 1, ':'))
			continue;
		ctrls++;
		*strchr(ctrls, ':') = '\0';
		hierarchy_dir(ctrls, dir, sizeof(dir));
		snprintf(host, sizeof(host), "/sys/fs/cgroup/%s%s", dir, rel);
		b = open_tree(AT_FDCWD, host, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (b < 0)
			continue;	/* a hierarchy not mounted where runc looks */
		if (mkdirat(tmp, dir, 0755) < 0 && errno != EEXIST) {
			fclose(f);
			return sj_fail_errno(err, "cgroup: %s", dir);
		}
		sub = openat(tmp, dir, O_PATH | O_CLOEXEC | O_NOFOLLOW);
		if (sub < 0 || set_attrs(b, m->attr_set | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					 MOUNT_ATTR_NOEXEC, m->attr_clr, 0, false, err) < 0 ||
		    put(b, sub, err) < 0) {
			fclose(f);
			return sub < 0 ? sj_fail_errno(err, "cgroup: %s", dir) : -1;
		}
	}
	fclose(f);
	return set_attrs(tmp, m->attr_set & MOUNT_ATTR_RDONLY, 0, 0, false, err);
}

static int do_mount(const struct sj_jail *j, int root, const struct oci_mount *m, sj_error *err)
{
	SJ_AUTOCLOSE int target = -1, mnt = -1;
	int mode = OCI_MKDIR;
	struct stat st;

	if (m->bind) {
		if (stat(m->source, &st) < 0)
			return sj_fail_errno(err, "source %s", m->source);
		if (!S_ISDIR(st.st_mode))
			mode = OCI_MKFILE;
	}
	if (oci_resolve(root, m->dest, mode, &target, err) < 0)
		return -1;
	if (m->type && strcmp(m->type, "cgroup") == 0)
		return mount_cgroup(j, m, target, err);
	if (m->bind) {
		mnt = open_tree(AT_FDCWD, m->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
				(m->recursive ? AT_RECURSIVE : 0));
		if (mnt < 0)
			return sj_fail_errno(err, "source %s", m->source);
		if (set_attrs(mnt, m->attr_set, m->attr_clr, 0, m->recursive, err) < 0)
			return -1;
	} else {
		mnt = mnt_fs_new(m->type, m->source, m->data, m->attr_set, err);
		if (mnt < 0)
			return -1;
	}
	if (put(mnt, target, err) < 0)
		return -1;
	return set_attrs(mnt, 0, 0, m->propagation, m->recursive, err);
}

/* The devices every container has, as the runtime spec lists them. */
static const struct oci_device default_devices[] = {
	{ (char *)"/dev/null", 'c', 1, 3, 0666, 0, 0 }, { (char *)"/dev/zero", 'c', 1, 5, 0666, 0, 0 },
	{ (char *)"/dev/full", 'c', 1, 7, 0666, 0, 0 }, { (char *)"/dev/random", 'c', 1, 8, 0666, 0, 0 },
	{ (char *)"/dev/urandom", 'c', 1, 9, 0666, 0, 0 }, { (char *)"/dev/tty", 'c', 5, 0, 0666, 0, 0 },
};

static int make_device(int root, const struct oci_device *d, sj_error *err)
{
	mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
	SJ_AUTOCLOSE int dir = -1, node = -1, b = -1;
	char parent[PATH_MAX];
	const char *name = strrchr(d->path, '/') + 1;

	snprintf(parent, sizeof(parent), "%.*s", (int)(name - d->path), d->path);
	if (oci_resolve(root, parent, OCI_MKDIR, &dir, err) < 0)
		return -1;
	if (mknodat(dir, name, type | (d->mode & 07777), makedev(d->major, d->minor)) == 0)
		return fchownat(dir, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0
		       ? sj_fail_errno(err, "%s", d->path) : 0;
	if (errno == EEXIST)
		return 0;
	if (errno != EPERM)
		return sj_fail_errno(err, "%s", d->path);
	/* In a user namespace: the host's node, bound over an empty file. */
	if (oci_resolve(root, d->path, OCI_MKFILE, &node, err) < 0)
		return -1;
	b = open_tree(AT_FDCWD, d->path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (b < 0)
		return sj_fail_errno(err, "%s (on the host)", d->path);
	return put(b, node, err);
}

static int make_devices(const struct sj_jail *j, int root, sj_error *err)
{
	static const struct { const char *name, *target; } links[] = {
		{ "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
		{ "ptmx", "pts/ptmx" },
	};
	const struct oci_spec *s = j->oci->spec;
	SJ_AUTOCLOSE int dev = -1;

	for (size_t i = 0; i < SJ_NELEM(default_devices); i++) {
		bool given = false;

		for (size_t k = 0; k < s->ndevices; k++)
			given |= strcmp(s->devices[k].path, default_devices[i].path) == 0;
		if (!given && make_device(root, &default_devices[i], err) < 0)
			return -1;
	}
	for (size_t k = 0; k < s->ndevices; k++)
		if (make_device(root, &s->devices[k], err) < 0) {
			sj_error_prefix(err, "linux.devices[%zu]", k);
			return -1;
		}
	if (oci_resolve(root, "/dev", OCI_EXISTING, &dev, err) < 0)
		return -1;
	for (size_t i = 0; i < SJ_NELEM(links); i++) {
		char path[64];
		SJ_AUTOCLOSE int d = -1;

		snprintf(path, sizeof(path), "/proc/self/fd/%d", dev);
		d = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (d < 0 || (symlinkat(links[i].target, d, links[i].name) < 0 && errno != EEXIST))
			return sj_fail_errno(err, "/dev/%s", links[i].name);
	}
	return 0;
}

/*
 * linux.sysctl: only what the container's own namespaces hold.  Written
 * through /proc/sys before pivot_root: a namespaced knob shows the
 * writer's namespace, and the init is in the container's.
 */
static int set_sysctls(const struct sj_jail *j, sj_error *err)
{
	static const char *const ipc[] = {
		"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
		"kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
	};
	const struct oci_spec *s = j->oci->spec;

	for (size_t i = 0; i < s->nsysctls; i++) {
		const char *k = s->sysctls[i].key;
		char path[PATH_MAX];
		bool ok = false;

		for (size_t n = 0; n < SJ_NELEM(ipc); n++)
			ok |= strcmp(k, ipc[n]) == 0;
		ok = (ok || strncmp(k, "fs.mqueue.", 10) == 0) ? oci_ns_new(j, CLONE_NEWIPC) :
		     strncmp(k, "net.", 4) == 0 ? oci_ns_new(j, CLONE_NEWNET) :
		     strcmp(k, "kernel.hostname") == 0 || strcmp(k, "kernel.domainname") == 0
		     ? oci_ns_new(j, CLONE_NEWUTS) : false;
		if (!ok)
			return sj_fail(err, EPERM, "linux.sysctl: %s is not in a namespace the "
				       "container has of its own: it would change the host", k);
		snprintf(path, sizeof(path), "/proc/sys/%s", k);
		for (char *p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		if (sj_write_file(path, s->sysctls[i].value, err) < 0) {
			sj_error_prefix(err, "linux.sysctl: %s", k);
			return -1;
		}
	}
	return 0;
}

static int mask_paths(int root, char **paths, sj_error *err)
{
	for (char **p = paths; p && *p; p++) {
		SJ_AUTOCLOSE int target = -1, m = -1;
		struct stat st;
		sj_error ignored;

		if (oci_resolve(root, *p, OCI_EXISTING, &target, &ignored) < 0)
			continue;
		if (fstat(target, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			m = mnt_fs_new("tmpfs", "tmpfs", "size=0,nr_inodes=1", MOUNT_ATTR_RDONLY, err);
		else
			m = open_tree(AT_FDCWD, "/dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (m < 0 || put(m, target, err) < 0) {
			if (m < 0 && !S_ISDIR(st.st_mode))
				sj_fail_errno(err, "/dev/null");
			sj_error_prefix(err, "linux.maskedPaths: %s", *p);
			return -1;
		}
	}
	return 0;
}

static int readonly_paths(int root, char **paths, sj_error *err)
{
	for (char **p = paths; p && *p; p++) {
		SJ_AUTOCLOSE int target = -1, m = -1;
		sj_error ignored;

		if (oci_resolve(root, *p, OCI_EXISTING, &target, &ignored) < 0)
			continue;
		m = open_tree(target, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE |
			      AT_EMPTY_PATH);
		if (m < 0 || set_attrs(m, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
				       MOUNT_ATTR_NOEXEC, 0, 0, true, err) < 0 ||
		    put(m, target, err) < 0) {
			if (m < 0)
				sj_fail_errno(err, "cloning it");
			sj_error_prefix(err, "linux.readonlyPaths: %s", *p);
			return -1;
		}
	}
	return 0;
}

/* Clone root.path for the container: host side, as root. */
int oci_prepare_root(struct sj_jail *j, sj_error *err)
{
	j->root_fd = open_tree(AT_FDCWD, j->oci->spec->root, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
			       AT_RECURSIVE);
	if (j->root_fd < 0)
		return sj_fail_errno(err, "root.path: cloning %s", j->oci->spec->root);
	return 0;
}

/* Build the container's file system and enter it: in the init. */
int oci_mnt_build(const struct sj_jail *j, sj_error *err)
{
	const struct oci_spec *s = j->oci->spec;
	int root = j->root_fd;
	mode_t mask = umask(0);
	int r = -1;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		sj_fail_errno(err, "making mounts private");
		goto out;
	}
	if (move_mount(root, "", AT_FDCWD, s->root, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
		sj_fail_errno(err, "root.path: attaching %s", s->root);
		goto out;
	}
	for (size_t i = 0; i < s->nmounts; i++)
		if (do_mount(j, root, &s->mounts[i], err) < 0) {
			sj_error_prefix(err, "mounts[%zu] (%s on %s)", i,
					s->mounts[i].bind ? "bind" : s->mounts[i].type,
					s->mounts[i].dest);
			goto out;
		}
	if (make_devices(j, root, err) < 0 || set_sysctls(j, err) < 0 ||
	    mask_paths(root, s->masked, err) < 0 || readonly_paths(root, s->readonly, err) < 0)
		goto out;
	if (s->root_readonly && set_attrs(root, MOUNT_ATTR_RDONLY, 0, 0, false, err) < 0) {
		sj_error_prefix(err, "root.readonly");
		goto out;
	}
	if (fchdir(root) < 0 || syscall(SYS_pivot_root, ".", ".") < 0) {
		sj_fail_errno(err, "pivot_root to %s", s->root);
		goto out;
	}
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0) {
		sj_fail_errno(err, "detaching the host's root");
		goto out;
	}
	if ((s->rootfs_propagation & (MS_SHARED | MS_SLAVE | MS_UNBINDABLE)) &&
	    mount(NULL, "/", NULL, s->rootfs_propagation, NULL) < 0) {
		sj_fail_errno(err, "linux.rootfsPropagation");
		goto out;
	}
	r = 0;
out:
	umask(mask);
	return r;
}
