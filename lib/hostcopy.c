/*
 * hostcopy.c: host programs, files and directory trees copied into a
 * root, with everything they need to start.
 *
 * A host path is installed under the same path in the root: each symlink
 * met on the way on the host is made again in the root (so /bin/sh ->
 * dash, /lib64 -> usr/lib64 and the rest resolve there as they do here),
 * each directory made, and the file at the end copied: a reflink where
 * the filesystem can (FICLONE, then copy_file_range), a plain copy with
 * --copy, a hard link to the host's file only with --link.  Hard links
 * are not the default: the jail's root owns the files of its root, so a
 * jail could write through a hard link into the host's own program.
 * Setuid and setgid bits are dropped (they do nothing in a jail, whose
 * root is mounted nosuid with no_new_privs set, and would only add
 * setuid programs to the host).
 *
 * Every ELF file installed brings what the loader needs for it
 * (elfdeps.c); a script brings its #! interpreter; python brings its
 * standard library, found by asking the interpreter itself.  A file that
 * is current in the root (same size, time, mode and owner) is left as it
 * is, so running again changes nothing; a file or symlink that differs is
 * replaced by rename(), never written through; a directory, or a file
 * where the host has a symlink, is left alone.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <linux/fs.h>
#include <search.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkroot.h"

/* What install_path() does with what it finds at the end of the path. */
enum {
	IP_FILE = 1u << 0,		/* must be a regular file */
	IP_TREE = 1u << 1,		/* a directory: copy all of it */
	IP_DEPS = 1u << 2,		/* an ELF file: its libraries; a script: its #! */
	IP_LENIENT = 1u << 3,		/* a library not found is a warning */
};

#define MAX_LINKS 40
#define MAX_DEPTH 64
#define SYSTEM_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static int install_path(struct mk_ctx *c, const char *path, unsigned what, int depth,
			sj_error *err);

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* 1 the first time KIND:KEY is seen in this run, 0 after, -1. */
static int first_time(struct mk_ctx *c, char kind, const char *key, unsigned what,
		      sj_error *err)
{
	char *k;
	void *node;

	if (asprintf(&k, "%c%x:%s", kind, what, key) < 0)
		return sj_fail(err, ENOMEM, "out of memory");
	node = tsearch(k, &c->seen, cmp_str);
	if (!node) {
		free(k);
		return sj_fail(err, ENOMEM, "out of memory");
	}
	if (*(char **)node != k) {
		free(k);
		return 0;
	}
	return 1;
}

/* The directory holding REL in the root (O_PATH), made if missing. */
static int parent_dir(struct mk_ctx *c, const char *rel, const char **base, sj_error *err)
{
	char dir[PATH_MAX];
	int fd = rp_parent(c->rootfd, rel, base);

	if (fd >= 0 || errno != ENOENT || *base == rel) {
		if (fd < 0)
			sj_fail_errno(err, "/%s in the root", rel);
		return fd;
	}
	snprintf(dir, sizeof(dir), "%.*s", (int)(*base - rel - 1), rel);
	return rp_mkdirs(c->rootfd, dir, 0755, &c->journal, err);
}

/*
 * Make symlink REL -> TARGET in the root.  A symlink there that differs
 * is replaced (atomically, never followed); a file or directory there is
 * left alone.
 */
static int mirror_symlink(struct mk_ctx *c, const char *rel, const char *target, sj_error *err)
{
	const char *base;
	SJ_AUTOCLOSE int dfd = parent_dir(c, rel, &base, err);
	char have[PATH_MAX], tmp[64];
	struct stat st;
	ssize_t n;

	if (dfd < 0)
		return -1;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (symlinkat(target, dfd, base) < 0)
			return sj_fail_errno(err, "symlink /%s", rel);
		c->created++;
		return mk_journal_add(&c->journal, rel, err);
	}
	if (!S_ISLNK(st.st_mode)) {
		mk_log(&c->log, SJ_MKROOT_INFO, "/%s: left as the root has it (the host's is a "
		       "symlink to %s)", rel, target);
		return 0;
	}
	n = readlinkat(dfd, base, have, sizeof(have) - 1);
	if (n >= 0 && (have[n] = '\0', strcmp(have, target) == 0)) {
		c->unchanged++;
		return 0;
	}
	for (int tries = 0; tries < 100; tries++) {
		snprintf(tmp, sizeof(tmp), ".mkjail.%d.%u", getpid(), c->tmpseq++);
		if (symlinkat(target, dfd, tmp) == 0)
			break;
		if (errno != EEXIST || tries == 99)
			return sj_fail_errno(err, "symlink /%s", rel);
	}
	if (renameat(dfd, tmp, dfd, base) < 0) {
		sj_fail_errno(err, "symlink /%s", rel);
		unlinkat(dfd, tmp, 0);
		return -1;
	}
	mk_log(&c->log, SJ_MKROOT_INFO, "updated /%s -> %s", rel, target);
	c->updated++;
	return 0;
}

/* Make directory REL in the root, as the host's (stat HST), if missing. */
static int mirror_dir(struct mk_ctx *c, const char *rel, const struct stat *hst, sj_error *err)
{
	const char *base;
	SJ_AUTOCLOSE int dfd = -1;
	int fd = rp_open(c->rootfd, rel, O_PATH | O_DIRECTORY, 0);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (errno != ENOENT)
		return sj_fail_errno(err, "/%s in the root", rel);
	dfd = parent_dir(c, rel, &base, err);
	if (dfd < 0)
		return -1;
	if (mkdirat(dfd, base, hst->st_mode & 07777) < 0)
		return sj_fail_errno(err, "mkdir /%s in the root", rel);
	c->created++;
	if (mk_journal_add(&c->journal, rel, err) < 0)
		return -1;
	if (c->privileged && fchownat(dfd, base, hst->st_uid, hst->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return sj_fail_errno(err, "chown /%s in the root", rel);
	return 0;
}

/* Copy IN to OUT: a reflink, else copy_file_range, else read and write. */
static int copy_data(int in, int out, bool plain)
{
	char *buf;
	ssize_t n = 0;

	if (!plain) {
		if (ioctl(out, FICLONE, in) == 0)
			return 0;
		while ((n = copy_file_range(in, NULL, out, NULL, SSIZE_MAX, 0)) > 0)
			;
		if (n == 0)
			return 0;
		if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
			return -1;
	}
	buf = malloc(1 << 17);
	if (!buf)
		return -1;
	while ((n = read(in, buf, 1 << 17)) > 0)
		if (sj_write_all(out, buf, (size_t)n) < 0) {
			n = -1;
			break;
		}
	free(buf);
	return n < 0 ? -1 : 0;
}

/* A temporary name TMP in DFD holding host file SRC, ready to rename. */
static int make_temp(struct mk_ctx *c, const char *src, const struct stat *hst, int dfd,
		     char *tmp, size_t len, mode_t mode, sj_error *err)
{
	SJ_AUTOCLOSE int in = -1, out = -1;
	struct timespec ts[2] = { hst->st_atim, hst->st_mtim };

	for (int tries = 0; out < 0 && tries < 100; tries++) {
		snprintf(tmp, len, ".mkjail.%d.%u", getpid(), c->tmpseq++);
		if (c->flags & MK_LINK) {
			if (linkat(AT_FDCWD, src, dfd, tmp, 0) == 0)
				return 0;
			if (errno == EEXIST)
				continue;
		}
		out = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (out < 0 && errno != EEXIST)
			return sj_fail_errno(err, "%s", src);
	}
	if (out < 0)
		return sj_fail(err, EEXIST, "%s: no free temporary name", src);
	in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0 || copy_data(in, out, c->flags & MK_COPY) < 0 ||
	    (c->privileged && fchown(out, hst->st_uid, hst->st_gid) < 0) ||
	    fchmod(out, mode) < 0 || futimens(out, ts) < 0) {
		sj_fail_errno(err, "copy %s", src);
		unlinkat(dfd, tmp, 0);
		return -1;
	}
	return 0;
}

/* Whether the root's file DST is what copying the host's HST would make. */
static bool current(const struct mk_ctx *c, const struct stat *hst, const struct stat *dst,
		    mode_t mode)
{
	bool same_inode = hst->st_dev == dst->st_dev && hst->st_ino == dst->st_ino;

	if (c->flags & MK_LINK)
		return same_inode;
	return S_ISREG(dst->st_mode) && !same_inode && dst->st_size == hst->st_size &&
	       dst->st_mtim.tv_sec == hst->st_mtim.tv_sec &&
	       dst->st_mtim.tv_nsec == hst->st_mtim.tv_nsec && (dst->st_mode & 07777) == mode &&
	       (!c->privileged || (dst->st_uid == hst->st_uid && dst->st_gid == hst->st_gid));
}

/* Put host file SRC (a real path, stat HST) at REL in the root. */
static int put_file(struct mk_ctx *c, const char *src, const struct stat *hst, const char *rel,
		    sj_error *err)
{
	mode_t mode = hst->st_mode & 07777 & ~(mode_t)(S_ISUID | S_ISGID);
	const char *base;
	SJ_AUTOCLOSE int dfd = parent_dir(c, rel, &base, err);
	struct stat dst;
	char tmp[64];
	bool exists;

	if (dfd < 0)
		return -1;
	exists = fstatat(dfd, base, &dst, AT_SYMLINK_NOFOLLOW) == 0;
	if (exists && S_ISDIR(dst.st_mode))
		return sj_fail(err, EISDIR, "/%s: a directory in the root, a file on the host", rel);
	if (exists && current(c, hst, &dst, mode)) {
		c->unchanged++;
		return 0;
	}
	if (make_temp(c, src, hst, dfd, tmp, sizeof(tmp), mode, err) < 0)
		return -1;
	/* rename() replaces a symlink there; it never writes through it. */
	if (renameat(dfd, tmp, dfd, base) < 0) {
		sj_fail_errno(err, "/%s in the root", rel);
		unlinkat(dfd, tmp, 0);
		return -1;
	}
	if (hst->st_mode & (S_ISUID | S_ISGID) && !(c->flags & MK_LINK))
		mk_log(&c->log, SJ_MKROOT_INFO, "%s: setuid and setgid bits dropped", src);
	mk_log(&c->log, SJ_MKROOT_INFO, "%s %s", exists ? "updated" : "installed", src);
	if (exists) {
		c->updated++;
		return 0;
	}
	c->created++;
	return mk_journal_add(&c->journal, rel, err);
}

/* The #! interpreter of script PATH into INTERP (""), or -1. */
static int script_interp(const char *path, char *interp, size_t len)
{
	char buf[256];
	SJ_AUTOCLOSE int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	size_t k;

	interp[0] = '\0';
	if (n < 2 || buf[0] != '#' || buf[1] != '!')
		return n < 0 ? -1 : 0;
	buf[n] = '\0';
	k = strspn(buf + 2, " \t");
	snprintf(interp, len, "%.*s", (int)strcspn(buf + 2 + k, " \t\n"), buf + 2 + k);
	return 0;
}

/*
 * A library found through ld.so.conf, outside the loader's own
 * directories: the root has no cache, so link it from the first of them.
 */
static int compat_link(struct mk_ctx *c, const struct elf_dep *d, sj_error *err)
{
	const struct elf_machine *m = elf_machine_of(&d->info);
	char dir[PATH_MAX], rel[PATH_MAX];
	const char *base;
	SJ_AUTOCLOSE int dfd = -1;
	struct stat st;

	snprintf(dir, sizeof(dir), "%.*s", (int)(strrchr(d->path, '/') - d->path), d->path);
	if (elf_default_dir(m, dir))
		return 0;
	snprintf(dir, sizeof(dir), "/usr/lib%s%s", m && m->triplet ? "/" : "",
		 m && m->triplet ? m->triplet : "");
	if (stat(dir, &st) == 0 && install_path(c, dir, 0, 0, err) < 0)
		return -1;
	snprintf(rel, sizeof(rel), "%s/%s", dir + 1, d->name);
	dfd = parent_dir(c, rel, &base, err);
	if (dfd < 0)
		return -1;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return 0;
	if (symlinkat(d->path, dfd, base) < 0)
		return sj_fail_errno(err, "symlink /%s", rel);
	c->created++;
	return mk_journal_add(&c->journal, rel, err);
}

/* Everything the loader needs for host file PATH, or its #! interpreter. */
static int install_deps(struct mk_ctx *c, const char *path, unsigned what, int depth,
			sj_error *err)
{
	struct elf_deps deps;
	char interp[PATH_MAX];
	int r = first_time(c, 'E', path, 0, err);

	if (r <= 0)
		return r;
	r = elf_resolve(&c->host, path, &deps, err);
	if (r == 1 && (what & IP_LENIENT))
		return 0;	/* a script in a tree is data until someone runs it */
	if (r == 1) {
		if (script_interp(path, interp, sizeof(interp)) < 0)
			return sj_fail_errno(err, "%s", path);
		if (!interp[0])
			return 0;
		r = install_path(c, interp, IP_FILE | IP_DEPS, depth + 1, err);
		if (r < 0)
			sj_error_prefix(err, "%s: interpreter", path);
		return r;
	}
	for (size_t i = 1; r == 0 && i < deps.n; i++) {
		const struct elf_dep *d = &deps.v[i];

		if (!d->path) {
			const char *by = d->by >= 0 ? deps.v[d->by].path : path;

			if (what & IP_LENIENT) {
				mk_log(&c->log, SJ_MKROOT_WARNING, "%s: not found (needed by %s)",
				       d->name, by);
				continue;
			}
			r = sj_fail(err, ENOENT, "%s: not found (needed by %s)", d->name, by);
			break;
		}
		r = install_path(c, d->path, IP_FILE, depth + 1, err);
		if (r == 0 && d->how == ELF_CONF && !strchr(d->name, '/'))
			r = compat_link(c, d, err);
	}
	elf_deps_free(&deps);
	return r;
}

/* A file of tree that may be an ELF object: executable, or a library. */
static bool maybe_elf(const char *name, const struct stat *st)
{
	return (st->st_mode & 0111) || strstr(name, ".so");
}

/* Copy host directory DIR (a real path) into the root, all of it. */
static int install_tree(struct mk_ctx *c, const char *dir, unsigned what, int depth,
			sj_error *err)
{
	char path[PATH_MAX], target[PATH_MAX];
	struct dirent *e;
	struct stat st;
	DIR *d;
	int fd, r = first_time(c, 'T', dir, 0, err);

	if (r <= 0)
		return r;
	r = 0;
	if (depth > MAX_DEPTH)
		return sj_fail(err, ELOOP, "%s: directories nested too deep", dir);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return sj_fail_errno(err, "%s", dir);
	}
	while (r == 0 && (e = readdir(d))) {
		ssize_t n;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path) ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			r = mirror_dir(c, path + 1, &st, err);
			if (r == 0)
				r = install_tree(c, path, what, depth + 1, err);
		} else if (S_ISLNK(st.st_mode)) {
			n = readlinkat(dirfd(d), e->d_name, target, sizeof(target) - 1);
			if (n < 0)
				continue;
			target[n] = '\0';
			r = mirror_symlink(c, path + 1, target, err);
			/* What it points to outside the tree comes too, if a file. */
			if (r == 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode))
				r = install_path(c, path, IP_FILE | IP_DEPS | IP_LENIENT, depth + 1, err);
		} else if (S_ISREG(st.st_mode)) {
			r = put_file(c, path, &st, path + 1, err);
			if (r == 0 && (what & IP_DEPS) && maybe_elf(e->d_name, &st))
				r = install_deps(c, path, IP_LENIENT, depth, err);
		}
	}
	closedir(d);
	return r;
}

/* What to do with the file or directory REAL at the end of a path. */
static int install_end(struct mk_ctx *c, const char *path, const char *real,
		       const struct stat *st, unsigned what, int depth, sj_error *err)
{
	if (S_ISDIR(st->st_mode)) {
		if (what & IP_FILE && !(what & IP_TREE))
			return sj_fail(err, EISDIR, "%s: is a directory", path);
		if (!*real)
			return sj_fail(err, EINVAL, "%s: refusing to copy the host's whole tree", path);
		if (mirror_dir(c, real + 1, st, err) < 0)
			return -1;
		return what & IP_TREE ? install_tree(c, real, what, depth, err) : 0;
	}
	if (!S_ISREG(st->st_mode)) {
		if (what & IP_FILE)
			return sj_fail(err, EINVAL, "%s: not a regular file", path);
		return 0;
	}
	if (put_file(c, real, st, real + 1, err) < 0)
		return -1;
	return what & IP_DEPS ? install_deps(c, real, what, depth, err) : 0;
}

/*
 * Install host path PATH (absolute) at the same path in the root: every
 * symlink on the way mirrored, every directory made, then install_end().
 */
static int install_path(struct mk_ctx *c, const char *path, unsigned what, int depth,
			sj_error *err)
{
	char cur[PATH_MAX] = "", rest[PATH_MAX], next[PATH_MAX], target[PATH_MAX], tmp[PATH_MAX];
	struct stat st = { .st_mode = S_IFDIR | 0755 };
	const char *p = rest;
	int links = 0, r;

	if (path[0] != '/')
		return sj_fail(err, EINVAL, "%s: not an absolute path", path);
	if (depth > MAX_DEPTH)
		return sj_fail(err, ELOOP, "%s: too many levels of interpreters or links", path);
	r = first_time(c, 'P', path, what, err);
	if (r <= 0)
		return r;
	if (snprintf(rest, sizeof(rest), "%s", path) >= (int)sizeof(rest))
		return sj_fail(err, ENAMETOOLONG, "%s: name too long", path);
	for (;;) {
		size_t k;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		k = strcspn(p, "/");
		if (k == 1 && p[0] == '.') {
			p += k;
			continue;
		}
		if (k == 2 && p[0] == '.' && p[1] == '.') {
			*(strrchr(cur, '/') ? strrchr(cur, '/') : cur) = '\0';
			p += k;
			continue;
		}
		if (snprintf(next, sizeof(next), "%s/%.*s", cur, (int)k, p) >= (int)sizeof(next))
			return sj_fail(err, ENAMETOOLONG, "%s: name too long", path);
		p += k;
		if (lstat(next, &st) < 0)
			return sj_fail_errno(err, "%s", path);
		if (S_ISLNK(st.st_mode)) {
			ssize_t n = readlink(next, target, sizeof(target) - 1);

			if (n < 0)
				return sj_fail_errno(err, "%s", next);
			target[n] = '\0';
			if (++links > MAX_LINKS)
				return sj_fail(err, ELOOP, "%s: too many levels of symbolic links", path);
			r = first_time(c, 'L', next, 0, err);
			if (r < 0 || (r > 0 && mirror_symlink(c, next + 1, target, err) < 0))
				return -1;
			if (snprintf(tmp, sizeof(tmp), "%s/%s", target, p) >= (int)sizeof(tmp))
				return sj_fail(err, ENAMETOOLONG, "%s: name too long", path);
			memcpy(rest, tmp, sizeof(rest));
			p = rest;
			if (target[0] == '/')
				cur[0] = '\0';
			continue;
		}
		if (p[strspn(p, "/")] != '\0') {
			if (!S_ISDIR(st.st_mode))
				return sj_fail(err, ENOTDIR, "%s: %s is not a directory", path, next);
			r = first_time(c, 'D', next, 0, err);
			if (r < 0 || (r > 0 && mirror_dir(c, next + 1, &st, err) < 0))
				return -1;
		}
		memcpy(cur, next, sizeof(cur));
	}
	if (!*cur && lstat("/", &st) < 0)
		return sj_fail_errno(err, "/");
	return install_end(c, path, cur, &st, what, depth, err);
}

/* Make sure NAME, installed from the host's REAL, resolves in the root. */
static int reachable(struct mk_ctx *c, const char *name, const char *real, sj_error *err)
{
	SJ_AUTOCLOSE int a = rp_open(c->rootfd, name, O_PATH, 0);
	SJ_AUTOCLOSE int b = rp_open(c->rootfd, real, O_PATH, 0);
	SJ_AUTOCLOSE int dfd = -1;
	struct stat sa, sb;
	const char *base;

	if (b < 0 || fstat(b, &sb) < 0)
		return sj_fail_errno(err, "%s in the root", real);
	if (a >= 0) {
		if (fstat(a, &sa) == 0 && (sa.st_dev != sb.st_dev || sa.st_ino != sb.st_ino))
			mk_log(&c->log, SJ_MKROOT_WARNING, "%s: the root has its own, left alone "
			       "(the host's is at %s)", name, real);
		return 0;
	}
	dfd = parent_dir(c, name + 1, &base, err);
	if (dfd < 0)
		return -1;
	if (symlinkat(real, dfd, base) < 0)
		return sj_fail_errno(err, "symlink %s in the root", name);
	c->created++;
	return mk_journal_add(&c->journal, name + 1, err);
}

/* python's standard library (and with --dist-packages, its site dirs). */
static int install_python(struct mk_ctx *c, const char *python, sj_error *err)
{
	static const char code[] =
		"import sys, sysconfig\n"
		"for k in ('stdlib', 'platstdlib'): print(sysconfig.get_path(k))\n"
		"if sys.argv[1:]:\n"
		"    import site\n"
		"    for d in site.getsitepackages(): print(d)\n";
	const char *argv[] = { python, "-I", "-S", "-c", code, NULL, NULL };
	char out[8192], *save = NULL;
	struct stat st;

	if (c->flags & MK_DIST_PACKAGES)
		argv[5] = "site";
	if (mk_run(&c->log, argv, out, sizeof(out), err) < 0) {
		sj_error_prefix(err, "%s: asking for its standard library", python);
		return -1;
	}
	for (char *d = strtok_r(out, "\n", &save); d; d = strtok_r(NULL, "\n", &save))
		if (d[0] == '/' && stat(d, &st) == 0 && S_ISDIR(st.st_mode) &&
		    install_path(c, d, IP_TREE | IP_DEPS | IP_LENIENT, 1, err) < 0)
			return -1;
	return 0;
}

/* Host program NAME: a path, or a name looked up in the system's PATH. */
static int find_program(const char *name, char *out, size_t len, sj_error *err)
{
	char cwd[PATH_MAX];
	const char *p = SYSTEM_PATH;

	if (name[0] == '/')
		return snprintf(out, len, "%s", name) < (int)len ? 0 :
			sj_fail(err, ENAMETOOLONG, "%s: name too long", name);
	if (strchr(name, '/')) {
		if (!getcwd(cwd, sizeof(cwd)))
			return sj_fail_errno(err, "getcwd");
		return snprintf(out, len, "%s/%s", cwd, name) < (int)len ? 0 :
			sj_fail(err, ENAMETOOLONG, "%s: name too long", name);
	}
	while (*p) {
		size_t k = strcspn(p, ":");
		struct stat st;

		snprintf(out, len, "%.*s/%s", (int)k, p, name);
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
			return 0;
		p += k + (p[k] == ':');
	}
	return sj_fail(err, ENOENT, "%s: no such program in %s", name, SYSTEM_PATH);
}

static int install_program(struct mk_ctx *c, const char *name, sj_error *err)
{
	char path[PATH_MAX], real[PATH_MAX];
	const char *base;

	if (find_program(name, path, sizeof(path), err) < 0)
		return -1;
	if (!realpath(path, real))
		return sj_fail_errno(err, "%s", path);
	if (access(real, X_OK) < 0)
		return sj_fail(err, EACCES, "%s: not an executable program", path);
	if (install_path(c, path, IP_FILE | IP_DEPS, 0, err) < 0 || reachable(c, path, real, err) < 0)
		return -1;
	base = strrchr(real, '/') + 1;
	if (fnmatch("python[0-9]*", base, 0) == 0 ||
	    fnmatch("python[0-9]*", strrchr(path, '/') + 1, 0) == 0)
		return install_python(c, path, err);
	return 0;
}

/* busybox and a symlink for each of its applets, where the root has none. */
static int install_busybox(struct mk_ctx *c, sj_error *err)
{
	static const char *const need[][2] = { { "/bin/busybox", "busybox-static" } };
	const char *argv[] = { "/bin/busybox", "--list-full", NULL };
	char real[PATH_MAX], *out, *save = NULL;
	int r = -1;

	if (mk_apt_ensure(&c->log, need, 1, "for --busybox", err) < 0 ||
	    install_path(c, "/bin/busybox", IP_FILE | IP_DEPS, 0, err) < 0)
		return -1;
	if (!realpath("/bin/busybox", real))
		return sj_fail_errno(err, "/bin/busybox");
	out = malloc(1 << 16);
	if (!out)
		return sj_fail(err, ENOMEM, "out of memory");
	if (mk_run(&c->log, argv, out, 1 << 16, err) < 0)
		goto out;
	for (char *a = strtok_r(out, "\n", &save); a; a = strtok_r(NULL, "\n", &save)) {
		const char *base;
		SJ_AUTOCLOSE int dfd = -1;
		struct stat st;

		if (!strchr(a, '/') || a[0] == '/' || strstr(a, ".."))
			continue;
		dfd = parent_dir(c, a, &base, err);
		if (dfd < 0)
			goto out;
		if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		if (symlinkat(real, dfd, base) < 0) {
			sj_fail_errno(err, "symlink /%s", a);
			goto out;
		}
		c->created++;
		if (mk_journal_add(&c->journal, a, err) < 0)
			goto out;
	}
	r = 0;
out:
	free(out);
	return r;
}

/* The host's top-level links (/bin -> usr/bin, ...), for a merged /usr. */
static int install_skeleton(struct mk_ctx *c, sj_error *err)
{
	static const char *const top[] = { "/bin", "/sbin", "/lib", "/lib64" };
	struct stat st;

	for (size_t i = 0; i < SJ_NELEM(top); i++)
		if (lstat(top[i], &st) == 0 && install_path(c, top[i], 0, 0, err) < 0)
			return -1;
	return 0;
}

/* Locale and timezone data, when asked for. */
static int install_data(struct mk_ctx *c, sj_error *err)
{
	struct stat st;

	if (c->flags & MK_LOCALE && install_path(c, "/usr/lib/locale", IP_TREE, 0, err) < 0) {
		sj_error_prefix(err, "--locale");
		return -1;
	}
	if (!(c->flags & MK_TIMEZONE))
		return 0;
	if (install_path(c, "/usr/share/zoneinfo", IP_TREE, 0, err) < 0 ||
	    (lstat("/etc/localtime", &st) == 0 && install_path(c, "/etc/localtime", IP_FILE, 0, err) < 0) ||
	    (lstat("/etc/timezone", &st) == 0 && install_path(c, "/etc/timezone", IP_FILE, 0, err) < 0)) {
		sj_error_prefix(err, "--timezone");
		return -1;
	}
	return 0;
}

/*
 * The host side of a root: its top-level links, PROGRAMS with their
 * libraries, FILES (files or directories, with the libraries of the ELF
 * files among them), busybox, and the data asked for.
 */
int host_install(struct mk_ctx *c, char *const programs[], char *const files[], sj_error *err)
{
	char path[PATH_MAX];

	if (install_skeleton(c, err) < 0)
		return -1;
	for (size_t i = 0; programs && programs[i]; i++)
		if (install_program(c, programs[i], err) < 0)
			return -1;
	for (size_t i = 0; files && files[i]; i++) {
		if (!strchr(files[i], '/'))
			return sj_fail(err, EINVAL, "%s: give the file's path", files[i]);
		if (find_program(files[i], path, sizeof(path), err) < 0)
			return -1;
		if (install_path(c, path, IP_TREE | IP_DEPS | IP_LENIENT, 0, err) < 0)
			return -1;
	}
	/* After the programs: busybox links only where they put nothing. */
	if (c->flags & MK_BUSYBOX && install_busybox(c, err) < 0)
		return -1;
	return install_data(c, err);
}
