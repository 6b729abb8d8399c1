/*
 * mount.c: the jail's filesystem view.
 *
 * The host side (mnt_prepare_root) clones the tree at `path` into a
 * detached mount, idmapped to the jail's user namespace, nosuid and nodev.
 * The jail's init (mnt_build), in its own mount namespace with private
 * propagation, attaches that tree, mounts a fresh /dev, /proc and a
 * read-only /sys on it, masks the host-global knobs under /proc, and
 * enters it with pivot_root(2), detaching the old root.  The jail's own
 * mounts (fstab.c) go on its tree first, under /dev, /proc and /sys.
 *
 * Every mount is made with the new mount API and attached relative to a
 * descriptor of the jail's tree: a symlink the jail's files hold in place
 * of /dev or /proc is never followed (move_mount(2) without
 * MOVE_MOUNT_T_SYMLINKS fails on it instead).  Nothing propagates to the
 * host, and nothing outlives the jail's mount namespace.
 *
 * A jail of the host's whole tree ("/") run by root gets the root mount
 * alone, and the init adds back a recursive clone of each mount on it
 * but /dev, /proc and /sys: each detach of a cloned host /proc would
 * cost an expedited RCU grace period (about 0.1 ms), three per start.
 *
 * A user's init does all of it as root of a user namespace of the user's
 * ids (unpriv.c): the root is cloned in the init, never idmapped, and
 * the device nodes the kernel does not let it make are the host's, bound.
 * The kernel locks the host's mounts together in a user's namespace, so
 * there the whole tree is cloned and the host's /dev, /proc and /sys
 * are detached from it where the kernel allows.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "oci.h"

/* Device nodes of the jail's /dev. */
static const struct {
	const char *name;
	unsigned major, minor;
} dev_nodes[] = {
	{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static const struct {
	const char *name, *target;
} dev_links[] = {
	{ "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
	{ "ptmx", "pts/ptmx" },
};

/* Under /proc: host-global knobs made read-only... */
static const char *const proc_readonly[] = {
	"sys", "sysrq-trigger", "irq", "bus", "fs",
};

/* ...files hidden behind /dev/null... */
static const char *const proc_masked_files[] = {
	"kcore", "keys", "kmsg", "latency_stats", "timer_list", "timer_stats",
	"sched_debug", "config.gz",
};

/* ...and directories hidden behind an empty read-only tmpfs. */
static const char *const proc_masked_dirs[] = { "acpi", "scsi" };

/* Mount points the jail's root needs. */
static const char *const root_dirs[] = { "proc", "dev", "sys" };

/* Whether the jail's root is the host's root mount alone (see above). */
static bool root_alone(const struct sj_jail *j)
{
	return j->mode == SJ_MODE_ROOT && strcmp(j->cfg.path, "/") == 0;
}

/* The attributes of every mount of the jail's tree from the host. */
static unsigned root_attrs(const struct sj_jail *j)
{
	return MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (j->cfg.readonly ? MOUNT_ATTR_RDONLY : 0);
}

/* Clone the tree at `path` for the jail: host side, as root (a user's
 * jail: in its init, as root of the user's ids). */
int mnt_prepare_root(struct sj_jail *j, sj_error *err)
{
	const char *path = j->cfg.path;
	SJ_AUTOCLOSE int dirfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	bool whole_host = strcmp(path, "/") == 0;
	struct mount_attr attr = { .attr_set = root_attrs(j) };

	j->root_fd = -1;
	if (j->oci)
		return oci_prepare_root(j, err);
	if (dirfd < 0) {
		if (errno == ENOTDIR)
			return sj_fail(err, ENOTDIR, "path: %s is not a directory", path);
		return sj_fail_errno(err, "path: %s", path);
	}
	for (size_t i = 0; i < SJ_NELEM(root_dirs); i++)
		if (mkdirat(dirfd, root_dirs[i], 0755) < 0 && errno != EEXIST)
			return sj_fail_errno(err, "path: cannot make %s/%s", path, root_dirs[i]);

	j->root_fd = open_tree(dirfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
			       (root_alone(j) ? 0 : AT_RECURSIVE));
	if (j->root_fd < 0)
		return sj_fail_errno(err, "path: cloning %s", path);

	/* The host's own files are never idmapped: in a jail of "/" they
	 * show as unmapped (nobody) and the jail's root cannot write them.
	 * A user's files are theirs in their jail already. */
	if (j->userns_fd >= 0 && !whole_host && j->mode == SJ_MODE_ROOT) {
		attr.attr_set |= MOUNT_ATTR_IDMAP;
		attr.userns_fd = (uint64_t)j->userns_fd;
	}
	if (mount_setattr(j->root_fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr,
			  sizeof(attr)) < 0) {
		if (errno == EINVAL && (attr.attr_set & MOUNT_ATTR_IDMAP))
			return sj_fail(err, EINVAL, "path: the filesystem of %s does not "
				       "support idmapped mounts (sysjail.userns=false "
				       "shares the host's uids instead)", path);
		return sj_fail_errno(err, "path: setting mount attributes on %s", path);
	}
	return 0;
}

void mnt_close_root(struct sj_jail *j)
{
	if (j->root_fd >= 0)
		close(j->root_fd);
	j->root_fd = -1;
}

/*
 * A new, detached mount of filesystem TYPE, from SOURCE if not NULL, with
 * OPTIONS ("key=value,flag,...").
 */
int mnt_fs_new(const char *type, const char *source, const char *options, unsigned attrs,
	       sj_error *err)
{
	SJ_AUTOCLOSE int fs = fsopen(type, FSOPEN_CLOEXEC);
	SJ_AUTOFREE char *copy = options ? strdup(options) : NULL;
	char *save = NULL;
	int m;

	if (fs < 0)
		return sj_fail_errno(err, "%s: fsopen", type);
	if (options && !copy)
		return sj_fail(err, ENOMEM, "out of memory");
	if (source && *source && fsconfig(fs, FSCONFIG_SET_STRING, "source", source, 0) < 0)
		return sj_fail_errno(err, "%s: source %s", type, source);
	for (char *o = copy ? strtok_r(copy, ",", &save) : NULL; o; o = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(o, '=');

		if (eq)
			*eq = '\0';
		if (fsconfig(fs, eq ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, o,
			     eq ? eq + 1 : NULL, 0) < 0)
			return sj_fail_errno(err, "%s: option %s", type, o);
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return sj_fail_errno(err, "%s: creating the filesystem", type);
	m = fsmount(fs, FSMOUNT_CLOEXEC, attrs);
	if (m < 0)
		return sj_fail_errno(err, "%s: fsmount", type);
	return m;
}

/* Attach detached mount M on DIRFD/NAME; NAME's final symlink is not followed. */
static int attach(int m, int dirfd, const char *name, const char *what, sj_error *err)
{
	if (move_mount(m, "", dirfd, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return sj_fail_errno(err, "mounting %s", what);
	return 0;
}

/* Mount a new TYPE on ROOT/NAME; returns the mount's descriptor. */
static int mount_new(int root, const char *name, const char *type, const char *options,
		     unsigned attrs, sj_error *err)
{
	char what[64];
	int m = mnt_fs_new(type, NULL, options, attrs, err);

	snprintf(what, sizeof(what), "%s on /%s", type, name);
	if (m < 0) {
		sj_error_prefix(err, "mounting /%s", name);
		return -1;
	}
	if (attach(m, root, name, what, err) < 0) {
		close(m);
		return -1;
	}
	return m;
}

/*
 * Bind a clone of FROM (or of DIRFD/NAME itself, when FROM is -1) over
 * DIRFD/NAME with ATTRS.  A NAME this kernel does not have is skipped
 * before anything is cloned: dropping an unused clone costs more than
 * the mount would have.
 */
static int bind_over(int from, int dirfd, const char *name, unsigned attrs, sj_error *err)
{
	struct mount_attr attr = { .attr_set = attrs };
	SJ_AUTOCLOSE int target = openat(dirfd, name, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	SJ_AUTOCLOSE int m = -1;

	if (target < 0)
		return errno == ENOENT ? 0 : sj_fail_errno(err, "/proc/%s", name);
	m = open_tree(from >= 0 ? from : target, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
		      AT_EMPTY_PATH);
	if (m < 0)
		return sj_fail_errno(err, "cloning a mount for /proc/%s", name);
	if (attrs && mount_setattr(m, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return sj_fail_errno(err, "making /proc/%s read-only", name);
	if (move_mount(m, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return sj_fail_errno(err, "masking /proc/%s", name);
	return 0;
}

/*
 * A user namespace may not make device nodes: bind the host's over an
 * empty file instead (/dev/null is /dev/null wherever it is made).
 */
static int bind_host_node(int dirfd, const char *name, sj_error *err)
{
	char host[64];
	SJ_AUTOCLOSE int file = -1, m = -1;

	snprintf(host, sizeof(host), "/dev/%s", name);
	file = openat(dirfd, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);
	if (file < 0)
		return sj_fail_errno(err, "/dev/%s", name);
	m = open_tree(AT_FDCWD, host, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (m < 0 || move_mount(m, "", dirfd, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return sj_fail_errno(err, "binding the host's %s", host);
	return 0;
}

static int build_dev(int root, const struct sj_jail *j, int *devfd, sj_error *err)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	char opts[64];
	int fd, m;

	fd = mount_new(root, "dev", "tmpfs", "mode=755,size=64k,nr_inodes=64",
		       MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, err);
	if (fd < 0)
		return -1;
	*devfd = fd;
	for (size_t i = 0; i < SJ_NELEM(dev_nodes); i++) {
		if (j->mode == SJ_MODE_USERNS) {
			if (bind_host_node(fd, dev_nodes[i].name, err) < 0)
				return -1;
		} else if (mknodat(fd, dev_nodes[i].name, S_IFCHR | 0666,
				   makedev(dev_nodes[i].major, dev_nodes[i].minor)) < 0) {
			return sj_fail_errno(err, "/dev/%s", dev_nodes[i].name);
		}
	}
	for (size_t i = 0; i < SJ_NELEM(dev_links); i++)
		if (symlinkat(dev_links[i].target, fd, dev_links[i].name) < 0)
			return sj_fail_errno(err, "/dev/%s", dev_links[i].name);
	if (mkdirat(fd, "pts", 0755) < 0 || mkdirat(fd, "shm", 01777) < 0)
		return sj_fail_errno(err, "/dev");

	/* The jail's own pty instance: its ptys are not the host's.  Group
	 * tty (5) when the jail has that many ids. */
	snprintf(opts, sizeof(opts), "newinstance,ptmxmode=0666,mode=620");
	if (j->mode != SJ_MODE_USERNS || j->nids > 5)
		snprintf(opts + strlen(opts), sizeof(opts) - strlen(opts), ",gid=%u",
			 (unsigned)(j->uid_base + 5));
	m = mount_new(fd, "pts", "devpts", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, err);
	if (m < 0)
		return -1;
	close(m);
	m = mount_new(fd, "shm", "tmpfs", "mode=1777",
		      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, err);
	if (m < 0)
		return -1;
	close(m);
	if (mount_setattr(fd, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		return sj_fail_errno(err, "making /dev read-only");
	return 0;
}

static int build_proc(int root, int devfd, const struct sj_jail *j, sj_error *err)
{
	const unsigned hard = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	SJ_AUTOCLOSE int proc = mount_new(root, "proc", "proc", NULL, hard, err);
	SJ_AUTOCLOSE int null = -1, empty = -1;

	if (proc < 0 || net_sysctls(j, proc, err) < 0)
		return -1;
	for (size_t i = 0; i < SJ_NELEM(proc_readonly); i++)
		if (bind_over(-1, proc, proc_readonly[i], hard | MOUNT_ATTR_RDONLY, err) < 0)
			return -1;
	null = openat(devfd, "null", O_PATH | O_CLOEXEC);
	if (null < 0)
		return sj_fail_errno(err, "/dev/null");
	for (size_t i = 0; i < SJ_NELEM(proc_masked_files); i++)
		if (bind_over(null, proc, proc_masked_files[i], 0, err) < 0)
			return -1;
	for (size_t i = 0; i < SJ_NELEM(proc_masked_dirs); i++) {
		SJ_AUTOCLOSE int target = -1;

		if (empty >= 0) {
			if (bind_over(empty, proc, proc_masked_dirs[i], 0, err) < 0)
				return -1;
			continue;
		}
		/* The first one masked gets the new mount itself: were it
		 * cloned, dropping the detached original would wait for an
		 * RCU grace period. */
		target = openat(proc, proc_masked_dirs[i], O_PATH | O_CLOEXEC | O_NOFOLLOW);
		if (target < 0)
			continue;
		empty = mnt_fs_new("tmpfs", NULL, "size=0,nr_inodes=1", hard | MOUNT_ATTR_RDONLY,
				   err);
		if (empty < 0)
			return -1;
		if (move_mount(empty, "", target, "", MOVE_MOUNT_F_EMPTY_PATH |
			       MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return sj_fail_errno(err, "masking /proc/%s", proc_masked_dirs[i]);
	}
	return 0;
}

/*
 * In a jail of the host's own tree, hide the registry (other jails'
 * parameters are none of this jail's business).
 */
static int mask_rundir(int root, const struct sj_jail *j, sj_error *err)
{
	char buf[PATH_MAX];
	const char *dir = j->cfg.rundir ? j->cfg.rundir : reg_default_dir(buf, sizeof(buf));
	size_t plen = strlen(j->cfg.path);
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	SJ_AUTOCLOSE int target = -1, m = -1;

	if (strcmp(j->cfg.path, "/") == 0)
		plen = 0;
	else if (strncmp(dir, j->cfg.path, plen) != 0 || dir[plen] != '/')
		return 0;
	target = (int)syscall(SYS_openat2, root, dir + plen, &how, sizeof(how));
	if (target < 0)
		return 0;
	m = mnt_fs_new("tmpfs", NULL, "size=0,nr_inodes=1", MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
		   MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, err);
	if (m < 0)
		return -1;
	if (move_mount(m, "", target, "", MOVE_MOUNT_F_EMPTY_PATH |
		       MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return sj_fail_errno(err, "masking %s", dir);
	return 0;
}

/* One of the jail's own mounts, detached, with its attributes. */
static int user_mount_new(const struct sj_jail *j, const struct sj_mount *u, sj_error *err)
{
	struct mount_attr attr = {
		.attr_set = u->attrs | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
		.attr_clr = MOUNT_ATTR__ATIME,
	};
	SJ_AUTOCLOSE int m = -1;

	if (u->bind)
		m = open_tree(AT_FDCWD, u->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
			      AT_RECURSIVE);
	else
		m = mnt_fs_new("tmpfs", NULL, u->data, 0, err);
	if (m < 0)
		return u->bind ? sj_fail_errno(err, "%s", u->source) : -1;
	/* As the jail's root: its ids are the jail's, not the host's. */
	if (u->idmap && j->userns_fd >= 0 && strcmp(j->cfg.path, "/") != 0 &&
	    j->mode == SJ_MODE_ROOT) {
		attr.attr_set |= MOUNT_ATTR_IDMAP;
		attr.userns_fd = (uint64_t)j->userns_fd;
	}
	if (mount_setattr(m, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0) {
		if (errno == EINVAL && (attr.attr_set & MOUNT_ATTR_IDMAP))
			return sj_fail(err, EINVAL, "%s does not support idmapped mounts (the "
				       "noidmap option mounts it with the host's ids)",
				       u->bind ? u->source : "tmpfs");
		return sj_fail_errno(err, "setting mount attributes");
	}
	return sj_steal_fd(&m);
}

/* The jail's own mounts, in order, on targets resolved inside its tree. */
static int user_mounts(int root, const struct sj_jail *j, sj_error *err)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	for (size_t i = 0; i < j->nmounts; i++) {
		const struct sj_mount *u = &j->mounts[i];
		SJ_AUTOCLOSE int m = -1;
		SJ_AUTOCLOSE int target = -1;
		struct stat st = { .st_mode = S_IFDIR };

		if (u->special)
			continue;
		m = user_mount_new(j, u, err);
		if (m < 0)
			goto fail;
		target = (int)syscall(SYS_openat2, root, u->target, &how, sizeof(how));
		/* A target in a tmpfs mounted before it is made there. */
		if (target < 0 && errno == ENOENT && (!u->bind || stat(u->source, &st) == 0) &&
		    layout_mkpath(root, u->target, S_ISDIR(st.st_mode), err) == 0)
			target = (int)syscall(SYS_openat2, root, u->target, &how, sizeof(how));
		if (target < 0 || move_mount(m, "", target, "", MOVE_MOUNT_F_EMPTY_PATH |
					     MOVE_MOUNT_T_EMPTY_PATH) < 0) {
			sj_fail_errno(err, "/%s", u->target);
			goto fail;
		}
		continue;
fail:
		sj_error_prefix(err, "mount %s on /%s", u->bind ? u->source : "tmpfs",
				u->target);
		return -1;
	}
	return 0;
}

/* sysjail's dev and proc: copies of the jail's /dev and /proc, elsewhere. */
static int special_mounts(int root, const struct sj_jail *j, sj_error *err)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	for (size_t i = 0; i < j->nmounts; i++) {
		const struct sj_mount *u = &j->mounts[i];
		const char *what = u->special == 'd' ? "dev" : "proc";
		SJ_AUTOCLOSE int m = -1, target = -1;

		if (!u->special)
			continue;
		m = open_tree(root, what, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (m < 0)
			return sj_fail_errno(err, "%s %s: cloning /%s", what, u->target, what);
		target = (int)syscall(SYS_openat2, root, u->target, &how, sizeof(how));
		if (target < 0 && errno == ENOENT && layout_mkpath(root, u->target, true, err) == 0)
			target = (int)syscall(SYS_openat2, root, u->target, &how, sizeof(how));
		if (target < 0 || move_mount(m, "", target, "", MOVE_MOUNT_F_EMPTY_PATH |
					     MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return sj_fail_errno(err, "%s on /%s", what, u->target);
	}
	return 0;
}

/*
 * A user may mount a sysfs only for a network namespace of their own:
 * with the host's network, the jail gets the host's /sys, read-only.
 */
static int bind_host_sys(int root, sj_error *err)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
					     MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC };
	SJ_AUTOCLOSE int m = open_tree(AT_FDCWD, "/sys", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
				       AT_RECURSIVE);

	if (m < 0)
		return sj_fail_errno(err, "cloning the host's /sys");
	if (mount_setattr(m, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro, sizeof(ro)) < 0)
		return sj_fail_errno(err, "making the host's /sys read-only");
	if (attach(m, root, "sys", "the host's /sys", err) < 0)
		return -1;
	return sj_steal_fd(&m);
}

/* The host's mounts a jail of its whole tree keeps: clones, and where. */
struct host_mounts {
	size_t n;
	struct host_mount {
		int fd;
		char *path;		/* relative to the root */
	} *m;
};

static void host_mounts_free(struct host_mounts *hm)
{
	for (size_t i = 0; i < hm->n; i++) {
		close(hm->m[i].fd);
		free(hm->m[i].path);
	}
	free(hm->m);
	hm->n = 0;
	hm->m = NULL;
}

/* Whether mount point PATH is /dev, /proc or /sys, or below one. */
static bool replaced(const char *path)
{
	for (size_t i = 0; i < SJ_NELEM(root_dirs); i++) {
		size_t len = strlen(root_dirs[i]);

		if (path[0] == '/' && strncmp(path + 1, root_dirs[i], len) == 0 &&
		    (path[len + 1] == '\0' || path[len + 1] == '/'))
			return true;
	}
	return false;
}

/* Undo mountinfo's octal escapes (\040 for a space) in place. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/*
 * Clone, recursively and with ATTRS, every mount on the root mount of
 * our (host-copied) namespace but /dev, /proc and /sys.  Before the
 * jail's tree covers the root.  A mount gone meanwhile is left out.
 */
static int clone_host_mounts(struct host_mounts *hm, unsigned attrs, sj_error *err)
{
	struct mount_attr attr = { .attr_set = attrs };
	SJ_AUTOFCLOSE FILE *f = fopen("/proc/self/mountinfo", "re");
	SJ_AUTOFREE char *line = NULL;
	struct statx st;
	size_t cap = 0;

	if (!f || statx(AT_FDCWD, "/", 0, STATX_MNT_ID, &st) < 0 || !(st.stx_mask & STATX_MNT_ID))
		return sj_fail_errno(err, "path: reading the host's mounts");
	while (getline(&line, &cap, f) > 0) {
		unsigned long long id, parent;
		char *path = NULL;
		struct host_mount *grown;
		int m;

		if (sscanf(line, "%llu %llu %*s %*s %ms", &id, &parent, &path) != 3 ||
		    parent != st.stx_mnt_id || id == st.stx_mnt_id) {
			free(path);
			continue;
		}
		unescape(path);
		if (path[0] != '/' || path[1] == '\0' || replaced(path)) {
			free(path);
			continue;
		}
		m = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (m < 0 && errno == ENOENT) {
			free(path);
			continue;
		}
		if (m < 0 || mount_setattr(m, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr,
					   sizeof(attr)) < 0 ||
		    !(grown = realloc(hm->m, (hm->n + 1) * sizeof(*hm->m)))) {
			sj_fail_errno(err, "path: cloning the host's %s", path);
			if (m >= 0)
				close(m);
			free(path);
			return -1;
		}
		hm->m = grown;
		hm->m[hm->n].fd = m;
		/* Relative to the jail's root: "/run/x" is "run/x" there. */
		memmove(path, path + 1, strlen(path));
		hm->m[hm->n++].path = path;
	}
	return 0;
}

/* Attach HM's clones to the jail's tree ROOT, where they were. */
static int attach_host_mounts(int root, const struct host_mounts *hm, sj_error *err)
{
	for (size_t i = 0; i < hm->n; i++)
		if (move_mount(hm->m[i].fd, "", root, hm->m[i].path, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return sj_fail_errno(err, "path: mounting the host's /%s", hm->m[i].path);
	return 0;
}

/* In a clone of the host's tree, drop the host's /dev, /proc and /sys. */
static void detach_host_mounts(int root)
{
	char path[64];

	for (size_t i = 0; i < SJ_NELEM(root_dirs); i++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", root, root_dirs[i]);
		while (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
			;
	}
}

/*
 * Build the jail's filesystem and enter it.  Runs in the jail's init, in
 * its new mount namespace, before it gives up the host's root.  JOIN_NET,
 * if not NULL, joins the jail's network namespace: it is called once,
 * before the first mount that depends on that namespace.
 */
int mnt_build(const struct sj_jail *j, int (*join_net)(const struct sj_jail *j, sj_error *err),
	      sj_error *err)
{
	const unsigned hard = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	int root = j->root_fd;
	SJ_AUTOCLOSE int devfd = -1, sys = -1;
	struct host_mounts hm = { 0 };
	mode_t mask;
	int r = -1;

	if (j->oci)
		return oci_mnt_build(j, err);
	mask = umask(0);
	/* Nothing we mount may reach the host, nor the host's mounts us. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		sj_fail_errno(err, "making mounts private");
		goto out;
	}
	if (root_alone(j) && clone_host_mounts(&hm, root_attrs(j), err) < 0)
		goto out;
	if (move_mount(root, "", AT_FDCWD, j->cfg.path, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
		sj_fail_errno(err, "attaching %s", j->cfg.path);
		goto out;
	}
	if (root_alone(j)) {
		if (attach_host_mounts(root, &hm, err) < 0)
			goto out;
	} else if (strcmp(j->cfg.path, "/") == 0) {
		detach_host_mounts(root);
	}
	/* The network namespace before the first filesystem that takes
	 * it: the jail's own (a sysfs, say), procfs's sysctls, sysfs. */
	if (j->nmounts && join_net && join_net(j, err) < 0)
		goto out;
	if (user_mounts(root, j, err) < 0 || build_dev(root, j, &devfd, err) < 0)
		goto out;
	if (!j->nmounts && join_net && join_net(j, err) < 0)
		goto out;
	if (build_proc(root, devfd, j, err) < 0 || special_mounts(root, j, err) < 0)
		goto out;
	sys = j->mode == SJ_MODE_USERNS && !net_private(&j->cfg)
	      ? bind_host_sys(root, err)
	      : mount_new(root, "sys", "sysfs", NULL, hard | MOUNT_ATTR_RDONLY, err);
	if (sys < 0 || mask_rundir(root, j, err) < 0)
		goto out;

	/* pivot_root(".", "."): the old root ends up stacked on the new
	 * one, and is detached from there. */
	if (fchdir(root) < 0 || syscall(SYS_pivot_root, ".", ".") < 0) {
		sj_fail_errno(err, "pivot_root to %s", j->cfg.path);
		goto out;
	}
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0) {
		sj_fail_errno(err, "detaching the host's root");
		goto out;
	}
	r = 0;
out:
	host_mounts_free(&hm);
	umask(mask);
	return r;
}
