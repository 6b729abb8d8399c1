/*
 * rootpath.c: paths inside a jail's root, for everything that writes
 * there.
 *
 * A name is resolved with openat2(RESOLVE_IN_ROOT) from the root's
 * directory fd: ".." stops at the root, an absolute symlink starts again
 * at the root, and so nothing a root contains (a symlink planted by a
 * tarball entry, or by a jail that ran there) can carry a lookup outside
 * it.  The last component is then handled with *at() calls that do not
 * follow it.  The tarball name policy and the journal of what a run
 * created live here too: pure logic, tested without root.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mkroot.h"

/*
 * Normalise IN to a path relative to the root: no leading "/", no "."
 * or empty components.  ".." is kept (the kernel clamps it at the root;
 * the tarball policy refuses it).  "" is the root itself.
 */
int rp_clean(const char *in, char *out, size_t len)
{
	size_t n = 0;

	while (*in) {
		const char *end = strchrnul(in, '/');
		size_t k = (size_t)(end - in);

		if (k > 0 && !(k == 1 && in[0] == '.')) {
			if (n + (n > 0) + k >= len) {
				errno = ENAMETOOLONG;
				return -1;
			}
			if (n > 0)
				out[n++] = '/';
			memcpy(out + n, in, k);
			n += k;
		}
		in = *end ? end + 1 : end;
	}
	if (len == 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	out[n] = '\0';
	return 0;
}

/*
 * The name of a tarball entry, or of a hard link's target, as it may
 * land in the root: refused (-1, WHY says why) when absolute, when any
 * component is "..", when empty or too long.  A name that is only "."
 * (the archive's top directory) comes out as "".
 */
int rp_tar_name(const char *name, char *out, size_t len, const char **why)
{
	const char *p;

	if (!name || !*name) {
		*why = "empty name";
		return -1;
	}
	if (strlen(name) >= PATH_MAX) {
		*why = "name too long";
		return -1;
	}
	if (name[0] == '/') {
		*why = "absolute name";
		return -1;
	}
	for (p = name; *p; ) {
		const char *end = strchrnul(p, '/');

		if (end - p == 2 && p[0] == '.' && p[1] == '.') {
			*why = "'..' in the name";
			return -1;
		}
		p = *end ? end + 1 : end;
	}
	if (rp_clean(name, out, len) < 0) {
		*why = "name too long";
		return -1;
	}
	return 0;
}

/* Whether symlink TARGET, at REL, climbs above the root lexically. */
static bool climbs_out(const char *rel, const char *target)
{
	int depth = 0;

	if (target[0] == '/')
		return false;
	for (const char *p = rel; (p = strchr(p, '/')); p++)
		depth++;
	for (const char *p = target; *p; ) {
		size_t k = strcspn(p, "/");

		if (k == 2 && p[0] == '.' && p[1] == '.') {
			if (--depth < 0)
				return true;
		} else if (k > 0 && !(k == 1 && p[0] == '.')) {
			depth++;
		}
		p += k + (p[k] == '/');
	}
	return false;
}

/*
 * What to do with tarball entry E.  Refused: a name (or a hard link's
 * target) that is absolute, has a ".." component, is empty or too long;
 * a hard link to itself.  Skipped: device nodes unless --devices (and
 * root), sockets and unknown types.  Changed: setuid and setgid bits are
 * dropped from files.  A symlink is kept whatever it points to: in a jail
 * it resolves inside the root, and so does every later entry written
 * through it (rootpath.c's openat2), but one that climbs above the root
 * is reported.
 */
void rp_tar_policy(const struct rp_tar_entry *e, struct rp_tar_verdict *v)
{
	const char *why;

	memset(v, 0, sizeof(*v));
	v->mode = e->mode & 07777;
	v->action = RP_TAR_REFUSE;
	if (rp_tar_name(e->name, v->rel, sizeof(v->rel), &why) < 0) {
		snprintf(v->why, sizeof(v->why), "%s", why);
		return;
	}
	if (e->hardlink) {
		if (rp_tar_name(e->hardlink, v->link, sizeof(v->link), &why) < 0) {
			snprintf(v->why, sizeof(v->why), "hard link target: %s", why);
			return;
		}
		if (!v->link[0] || strcmp(v->link, v->rel) == 0) {
			snprintf(v->why, sizeof(v->why), "hard link to itself or to the root");
			return;
		}
	}
	v->action = RP_TAR_EXTRACT;
	if (!v->rel[0]) {
		v->action = RP_TAR_SKIP;	/* "./": the root itself, left as it is */
		return;
	}
	if (e->hardlink)
		return;
	switch (e->type) {
	case S_IFREG:
		if (v->mode & (S_ISUID | S_ISGID)) {
			v->mode &= ~(mode_t)(S_ISUID | S_ISGID);
			snprintf(v->why, sizeof(v->why), "setuid and setgid bits dropped");
		}
		break;
	case S_IFDIR:
		v->mode &= ~(mode_t)S_ISUID;
		break;
	case S_IFLNK:
		if (!e->symlink || !e->symlink[0] || strlen(e->symlink) >= PATH_MAX) {
			v->action = RP_TAR_REFUSE;
			snprintf(v->why, sizeof(v->why), "symlink with an empty or too long target");
		} else if (climbs_out(v->rel, e->symlink)) {
			snprintf(v->why, sizeof(v->why), "symlink climbs above the root (kept: it "
				 "resolves inside the root in a jail)");
		}
		break;
	case S_IFCHR:
	case S_IFBLK:
		v->mode &= ~(mode_t)(S_ISUID | S_ISGID);
		if (!e->devices || !e->privileged) {
			v->action = RP_TAR_SKIP;
			snprintf(v->why, sizeof(v->why), "device node skipped (%s)",
				 e->devices ? "making one needs root" : "--devices makes them");
		}
		break;
	case S_IFIFO:
		v->mode &= ~(mode_t)(S_ISUID | S_ISGID);
		break;
	default:
		v->action = RP_TAR_SKIP;
		snprintf(v->why, sizeof(v->why), "%s skipped",
			 e->type == S_IFSOCK ? "socket" : "entry of unknown type");
		break;
	}
}

/* openat2() beneath the root; "" is the root itself. */
int rp_open(int rootfd, const char *rel, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, rootfd, *rel ? rel : ".", &how, sizeof(how));
}

/*
 * Regular file REL beneath the root, open for reading.  Anything else is
 * never opened (EISDIR, or EINVAL): opening a FIFO would block, and
 * opening a device node runs its driver.
 */
int rp_open_file(int rootfd, const char *rel)
{
	char proc[64];
	struct stat st;
	int fd = rp_open(rootfd, rel, O_PATH, 0), r;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		r = errno;
		close(fd);
		errno = r;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		return -1;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	r = open(proc, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	close(fd);
	return r;
}

/*
 * The directory that holds REL (O_PATH), resolved beneath the root, and
 * in *BASE REL's last component.  REL must be a cleaned, non-empty path.
 */
int rp_parent(int rootfd, const char *rel, const char **base)
{
	const char *slash = strrchr(rel, '/');
	char dir[PATH_MAX];

	if (!slash) {
		*base = rel;
		return rp_open(rootfd, "", O_PATH | O_DIRECTORY, 0);
	}
	if ((size_t)(slash - rel) >= sizeof(dir)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(dir, rel, (size_t)(slash - rel));
	dir[slash - rel] = '\0';
	*base = slash + 1;
	return rp_open(rootfd, dir, O_PATH | O_DIRECTORY, 0);
}

/* Make directory NAME in the directory DIRFD unless it exists. */
static int mkdir_one(int rootfd, const char *prefix, mode_t mode, struct mk_journal *j,
		     sj_error *err)
{
	const char *base;
	SJ_AUTOCLOSE int dfd = rp_parent(rootfd, prefix, &base);

	if (dfd < 0)
		return sj_fail_errno(err, "%s", prefix);
	if (mkdirat(dfd, base, mode) == 0)
		return mk_journal_add(j, prefix, err);
	if (errno != EEXIST)
		return sj_fail_errno(err, "mkdir %s", prefix);
	return 0;
}

/*
 * Open directory REL beneath the root (O_PATH), making it and any
 * missing parent with MODE.  A component that exists and is not a
 * directory (or a symlink that resolves to none) is an error: nothing is
 * made through it.  What was made goes in the journal J.
 */
int rp_mkdirs(int rootfd, const char *rel, mode_t mode, struct mk_journal *j, sj_error *err)
{
	char prefix[PATH_MAX];
	size_t len = strlen(rel);
	int fd = rp_open(rootfd, rel, O_PATH | O_DIRECTORY, 0);

	if (fd >= 0 || errno != ENOENT) {
		if (fd < 0)
			sj_fail_errno(err, "%s", *rel ? rel : "/");
		return fd;
	}
	if (len >= sizeof(prefix))
		return sj_fail(err, ENAMETOOLONG, "%s: name too long", rel);
	for (size_t i = 0; i <= len; i++) {
		if (rel[i] != '/' && rel[i] != '\0')
			continue;
		memcpy(prefix, rel, i);
		prefix[i] = '\0';
		fd = rp_open(rootfd, prefix, O_PATH | O_DIRECTORY, 0);
		if (fd >= 0) {
			close(fd);
			continue;
		}
		if (errno != ENOENT)
			return sj_fail_errno(err, "%s", prefix);
		if (mkdir_one(rootfd, prefix, mode, j, err) < 0)
			return -1;
	}
	fd = rp_open(rootfd, rel, O_PATH | O_DIRECTORY, 0);
	if (fd < 0)
		return sj_fail_errno(err, "%s", rel);
	return fd;
}

/* 1 when the directory DIRFD (any open mode) has no entry, 0 if it has. */
int rp_is_empty_dir(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *e;
	DIR *d;
	int empty = 1;

	if (fd < 0)
		return -1;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

/* Note that this run created REL. */
int mk_journal_add(struct mk_journal *j, const char *rel, sj_error *err)
{
	char *copy;

	if (!j)
		return 0;
	if (j->n == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 64;
		char **v = realloc(j->path, cap * sizeof(*v));

		if (!v)
			return sj_fail(err, ENOMEM, "out of memory");
		j->path = v;
		j->cap = cap;
	}
	copy = sj_strdup(rel, err);
	if (!copy)
		return -1;
	j->path[j->n++] = copy;
	return 0;
}

/*
 * Remove what the journal holds, newest first: everything this run
 * created, and nothing else.  A directory still holding something that
 * is not ours stays.
 */
void mk_journal_undo(struct mk_journal *j, int rootfd)
{
	while (j->n > 0) {
		char *rel = j->path[--j->n];
		const char *base;
		int dfd = rp_parent(rootfd, rel, &base);

		if (dfd >= 0) {
			if (unlinkat(dfd, base, 0) < 0 && (errno == EISDIR || errno == EPERM))
				unlinkat(dfd, base, AT_REMOVEDIR);
			close(dfd);
		}
		free(rel);
	}
}

void mk_journal_free(struct mk_journal *j)
{
	for (size_t i = 0; i < j->n; i++)
		free(j->path[i]);
	free(j->path);
	j->path = NULL;
	j->n = j->cap = 0;
}
