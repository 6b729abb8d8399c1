/*
 * untar.c: a tarball (an image layer, a root filesystem) unpacked into a
 * root, so that nothing lands outside it.
 *
 * libarchive reads the archive (tar, pax, GNU tar; gzip, bzip2, xz,
 * lzma, zstd, lz4); the writing is ours.  libarchive's own writer
 * (archive_write_disk with ARCHIVE_EXTRACT_SECURE_NODOTDOT,
 * _SECURE_SYMLINKS and _SECURE_NOABSOLUTEPATHS) works on paths relative
 * to the process's working directory and checks symlinks with lstat()
 * before it opens: it cannot be anchored to a directory fd, and a jail
 * running in the root during a re-run could swap a checked directory for
 * a symlink in between.  So every entry goes through rp_tar_policy()
 * (the same refusals as those three flags, and more), and is then made
 * with *at() calls in a parent directory opened with
 * openat2(RESOLVE_IN_ROOT): a symlink planted by an earlier entry, or
 * already in the root, resolves inside the root and no further; the last
 * component is never followed (files, symlinks and nodes are made under
 * a temporary name and renamed over it).
 *
 * Refused entries are reported and the extraction goes on, to report
 * them all; then the build fails and is undone.  Device nodes are made
 * only with --devices and as root; ownership is kept only as root;
 * setuid and setgid bits are dropped.  Extended attributes and ACLs
 * (file capabilities among them) are not restored.
 */
#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mkroot.h"

struct job {
	struct mk_ctx *c;
	struct archive *a;
	struct archive_entry *e;
	const char *tarball;
	const struct rp_tar_verdict *v;
};

/* An entry's name for a message: a very long one is cut. */
static void shown(const char *name, char *out, size_t len)
{
	if (!name)
		snprintf(out, len, "(unnamed entry)");
	else if (strlen(name) > 120)
		snprintf(out, len, "%.60s...%s (%zu characters)", name, name + strlen(name) - 40,
			 strlen(name));
	else
		snprintf(out, len, "%s", name);
}

static void warn(struct job *j, const char *what, const char *why)
{
	char name[200];

	shown(archive_entry_pathname(j->e), name, sizeof(name));
	mk_log(&j->c->log, SJ_MKROOT_WARNING, "%s: %s: %s%s", j->tarball, name, what, why);
}

static void refuse(struct job *j, const char *why)
{
	j->c->refused++;
	warn(j, "refused: ", why);
}

static void refuse_errno(struct job *j, const char *what)
{
	char why[256];

	snprintf(why, sizeof(why), "%s: %s", what, strerror(errno));
	refuse(j, why);
}

/* A fresh temporary name in DFD, made by MAKE (0 or -1 with errno). */
static int temp_name(struct job *j, int dfd, char *tmp, size_t len,
		     int (*make)(struct job *, int, const char *))
{
	for (int tries = 0; tries < 100; tries++) {
		snprintf(tmp, len, ".mkjail.%d.%u", getpid(), j->c->tmpseq++);
		if (make(j, dfd, tmp) == 0)
			return 0;
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

static void entry_times(struct archive_entry *e, struct timespec ts[2])
{
	ts[1].tv_sec = archive_entry_mtime(e);
	ts[1].tv_nsec = archive_entry_mtime_nsec(e);
	ts[0] = ts[1];
	if (archive_entry_atime_is_set(e)) {
		ts[0].tv_sec = archive_entry_atime(e);
		ts[0].tv_nsec = archive_entry_atime_nsec(e);
	}
}

/* Owner (as root), then mode and times, of TMP in DFD. */
static int set_meta(struct job *j, int dfd, const char *tmp, bool symlink)
{
	struct timespec ts[2];

	if (j->c->privileged &&
	    fchownat(dfd, tmp, (uid_t)archive_entry_uid(j->e), (gid_t)archive_entry_gid(j->e),
		     AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (!symlink && fchmodat(dfd, tmp, j->v->mode, 0) < 0)
		return -1;
	entry_times(j->e, ts);
	return utimensat(dfd, tmp, ts, AT_SYMLINK_NOFOLLOW);
}

/* Rename TMP over BASE in DFD, unless a directory is there. */
static int commit(struct job *j, int dfd, const char *tmp, const char *base, sj_error *err)
{
	struct stat st;
	bool exists = fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0;

	if (exists && S_ISDIR(st.st_mode)) {
		unlinkat(dfd, tmp, 0);
		refuse(j, "a directory is there");
		return 0;
	}
	if (renameat(dfd, tmp, dfd, base) < 0) {
		refuse_errno(j, "rename");
		unlinkat(dfd, tmp, 0);
		return 0;
	}
	if (exists) {
		j->c->updated++;
		return 0;
	}
	j->c->created++;
	return mk_journal_add(&j->c->journal, j->v->rel, err);
}

static int write_data(struct job *j, int fd, sj_error *err)
{
	const void *buf;
	size_t size;
	la_int64_t off;
	int r;

	while ((r = archive_read_data_block(j->a, &buf, &size, &off)) == ARCHIVE_OK) {
		const char *p = buf;

		while (size > 0) {
			ssize_t n = pwrite(fd, p, size, off);

			if (n < 0) {
				if (errno == EINTR)
					continue;
				return sj_fail_errno(err, "%s: write %s", j->tarball, j->v->rel);
			}
			p += n;
			off += n;
			size -= (size_t)n;
		}
	}
	if (r != ARCHIVE_EOF)
		return sj_fail(err, EIO, "%s: %s", j->tarball, archive_error_string(j->a));
	if (archive_entry_size_is_set(j->e) && ftruncate(fd, archive_entry_size(j->e)) < 0)
		return sj_fail_errno(err, "%s: %s", j->tarball, j->v->rel);
	return 0;
}

/* Whether the root's file ST is the entry already (rsync's quick check). */
static bool current(const struct job *j, const struct stat *st)
{
	return S_ISREG(st->st_mode) &&
	       st->st_size == archive_entry_size(j->e) &&
	       st->st_mtim.tv_sec == archive_entry_mtime(j->e) &&
	       st->st_mtim.tv_nsec == archive_entry_mtime_nsec(j->e) &&
	       (st->st_mode & 07777) == j->v->mode &&
	       (!j->c->privileged || (st->st_uid == (uid_t)archive_entry_uid(j->e) &&
				      st->st_gid == (gid_t)archive_entry_gid(j->e)));
}

static int do_file(struct job *j, int dfd, const char *base, sj_error *err)
{
	char tmp[64];
	struct stat st;
	int fd = -1;

	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && current(j, &st)) {
		j->c->unchanged++;
		return 0;
	}
	for (int tries = 0; fd < 0 && tries < 100; tries++) {
		snprintf(tmp, sizeof(tmp), ".mkjail.%d.%u", getpid(), j->c->tmpseq++);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		refuse_errno(j, "create");
		return 0;
	}
	if (write_data(j, fd, err) < 0) {
		close(fd);
		unlinkat(dfd, tmp, 0);
		return -1;
	}
	close(fd);
	if (set_meta(j, dfd, tmp, false) < 0) {
		refuse_errno(j, "owner, mode or times");
		unlinkat(dfd, tmp, 0);
		return 0;
	}
	return commit(j, dfd, tmp, base, err);
}

static int make_symlink(struct job *j, int dfd, const char *tmp)
{
	return symlinkat(archive_entry_symlink(j->e), dfd, tmp);
}

static int do_symlink(struct job *j, int dfd, const char *base, sj_error *err)
{
	char have[PATH_MAX], tmp[64];
	ssize_t n = readlinkat(dfd, base, have, sizeof(have) - 1);

	if (n >= 0 && (have[n] = '\0', strcmp(have, archive_entry_symlink(j->e)) == 0)) {
		j->c->unchanged++;
		return 0;
	}
	if (temp_name(j, dfd, tmp, sizeof(tmp), make_symlink) < 0) {
		refuse_errno(j, "symlink");
		return 0;
	}
	if (set_meta(j, dfd, tmp, true) < 0) {
		refuse_errno(j, "owner or times");
		unlinkat(dfd, tmp, 0);
		return 0;
	}
	return commit(j, dfd, tmp, base, err);
}

static int make_node(struct job *j, int dfd, const char *tmp)
{
	return mknodat(dfd, tmp, archive_entry_filetype(j->e) | 0600, archive_entry_rdev(j->e));
}

static int do_node(struct job *j, int dfd, const char *base, sj_error *err)
{
	char tmp[64];
	struct stat st;

	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    (st.st_mode & S_IFMT) == archive_entry_filetype(j->e) &&
	    st.st_rdev == archive_entry_rdev(j->e) && (st.st_mode & 07777) == j->v->mode) {
		j->c->unchanged++;
		return 0;
	}

	if (temp_name(j, dfd, tmp, sizeof(tmp), make_node) < 0) {
		refuse_errno(j, "mknod");
		return 0;
	}
	if (set_meta(j, dfd, tmp, false) < 0) {
		refuse_errno(j, "owner, mode or times");
		unlinkat(dfd, tmp, 0);
		return 0;
	}
	return commit(j, dfd, tmp, base, err);
}

static int do_dir(struct job *j, int dfd, const char *base, sj_error *err)
{
	SJ_AUTOCLOSE int fd = -1;
	struct stat st;
	struct timespec ts[2];
	bool made = mkdirat(dfd, base, 0700) == 0;

	if (!made && errno == EEXIST && fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		/* A symlink to a directory stays (tar's --keep-directory-symlink);
		 * what goes through it resolves inside the root all the same. */
		if (S_ISLNK(st.st_mode))
			return 0;
		if (!S_ISDIR(st.st_mode)) {
			if (unlinkat(dfd, base, 0) < 0 || mkdirat(dfd, base, 0700) < 0) {
				refuse_errno(j, "replace with a directory");
				return 0;
			}
			made = true;
		}
	} else if (!made) {
		refuse_errno(j, "mkdir");
		return 0;
	}
	if (made) {
		j->c->created++;
		if (mk_journal_add(&j->c->journal, j->v->rel, err) < 0)
			return -1;
	}
	fd = openat(dfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	entry_times(j->e, ts);
	/* Not root: keep the directory writable for what comes into it. */
	if (fd < 0 ||
	    (j->c->privileged && fchown(fd, (uid_t)archive_entry_uid(j->e),
					(gid_t)archive_entry_gid(j->e)) < 0) ||
	    fchmod(fd, j->v->mode | (j->c->privileged ? 0 : S_IRWXU)) < 0 || futimens(fd, ts) < 0)
		refuse_errno(j, "owner, mode or times");
	return 0;
}

static int do_hardlink(struct job *j, int dfd, const char *base, sj_error *err)
{
	SJ_AUTOCLOSE int src = rp_open(j->c->rootfd, j->v->link, O_PATH | O_NOFOLLOW, 0);
	char proc[64], tmp[64];
	struct stat st, have;

	if (src < 0 || fstat(src, &st) < 0) {
		refuse_errno(j, "hard link target");
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		refuse(j, "hard link to a directory");
		return 0;
	}
	if (fstatat(dfd, base, &have, AT_SYMLINK_NOFOLLOW) == 0 && have.st_dev == st.st_dev &&
	    have.st_ino == st.st_ino) {
		j->c->unchanged++;
		return 0;
	}
	/* Link the inode the root holds, not whatever a path names now. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", src);
	for (int tries = 0; tries < 100; tries++) {
		snprintf(tmp, sizeof(tmp), ".mkjail.%d.%u", getpid(), j->c->tmpseq++);
		if (linkat(AT_FDCWD, proc, dfd, tmp, AT_SYMLINK_FOLLOW) == 0)
			return commit(j, dfd, tmp, base, err);
		if (errno != EEXIST)
			break;
	}
	refuse_errno(j, "hard link");
	return 0;
}

/* Make entry J->e, as the verdict says, in its parent directory. */
static int place(struct job *j, sj_error *err)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(j->v->rel, '/');
	const char *base = slash ? slash + 1 : j->v->rel;
	SJ_AUTOCLOSE int dfd = -1;
	sj_error e2;

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - j->v->rel) : 0, j->v->rel);
	dfd = rp_mkdirs(j->c->rootfd, dir, 0755, &j->c->journal, &e2);
	if (dfd < 0) {
		refuse(j, e2.msg);
		return 0;
	}
	if (archive_entry_hardlink(j->e))
		return do_hardlink(j, dfd, base, err);
	switch (archive_entry_filetype(j->e)) {
	case AE_IFREG:
		return do_file(j, dfd, base, err);
	case AE_IFDIR:
		return do_dir(j, dfd, base, err);
	case AE_IFLNK:
		return do_symlink(j, dfd, base, err);
	default:
		return do_node(j, dfd, base, err);
	}
}

static int entry(struct job *j, sj_error *err)
{
	struct rp_tar_verdict *v = malloc(sizeof(*v));
	struct rp_tar_entry te = {
		.name = archive_entry_pathname(j->e),
		.hardlink = archive_entry_hardlink(j->e),
		.symlink = archive_entry_symlink(j->e),
		.type = archive_entry_filetype(j->e),
		.mode = archive_entry_perm(j->e),
		.devices = j->c->flags & MK_DEVICES,
		.privileged = j->c->privileged,
	};
	int r = 0;

	if (!v)
		return sj_fail(err, ENOMEM, "out of memory");
	rp_tar_policy(&te, v);
	j->v = v;
	if (v->action == RP_TAR_REFUSE) {
		refuse(j, v->why);
	} else {
		if (v->why[0])
			warn(j, "", v->why);
		if (v->action == RP_TAR_EXTRACT)
			r = place(j, err);
	}
	j->v = NULL;
	free(v);
	return r;
}

/* Unpack TARBALL into the root. */
int untar_extract(struct mk_ctx *c, const char *tarball, sj_error *err)
{
	struct job j = { .c = c, .tarball = tarball };
	SJ_AUTOCLOSE int fd = open(tarball, O_RDONLY | O_CLOEXEC);
	int r = 0;

	if (fd < 0)
		return sj_fail_errno(err, "%s", tarball);
	j.a = archive_read_new();
	if (!j.a)
		return sj_fail(err, ENOMEM, "out of memory");
	archive_read_support_format_tar(j.a);
	archive_read_support_filter_gzip(j.a);
	archive_read_support_filter_bzip2(j.a);
	archive_read_support_filter_xz(j.a);
	archive_read_support_filter_lzma(j.a);
	archive_read_support_filter_zstd(j.a);
	archive_read_support_filter_lz4(j.a);
	if (archive_read_open_fd(j.a, fd, 1 << 16) != ARCHIVE_OK) {
		r = sj_fail(err, EINVAL, "%s: %s", tarball, archive_error_string(j.a));
		goto out;
	}
	for (;;) {
		int h = archive_read_next_header(j.a, &j.e);

		if (h == ARCHIVE_EOF)
			break;
		if (h == ARCHIVE_WARN)
			mk_log(&c->log, SJ_MKROOT_WARNING, "%s: %s", tarball, archive_error_string(j.a));
		if (h == ARCHIVE_FAILED) {
			refuse(&j, archive_error_string(j.a));
			continue;
		}
		if (h < ARCHIVE_WARN) {
			r = sj_fail(err, EINVAL, "%s: %s", tarball, archive_error_string(j.a));
			goto out;
		}
		r = entry(&j, err);
		if (r < 0)
			goto out;
	}
	if (c->refused)
		r = sj_fail(err, EPERM, "%s: %u %s refused", tarball, c->refused,
			    c->refused == 1 ? "entry" : "entries");
out:
	archive_read_free(j.a);
	return r;
}
