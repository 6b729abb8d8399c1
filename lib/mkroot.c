/*
 * mkroot.c: building a jail's root (mkjail(8)): the options, the ordered
 * build steps, and undoing a build that failed.
 *
 * The steps run in a fixed order, each when its options ask for it: the
 * emulator for another architecture, the whole system (debootstrap or a
 * tarball), host programs and files with busybox, and last the layout
 * every root needs (mount points; a minimal /etc for roots of host
 * programs).  Everything a step creates goes in one journal; when a step
 * fails, the journal is undone newest first, a directory debootstrap
 * filled is emptied, and a target directory made by this run is removed:
 * what was there before stays.  A lock on the target keeps two builds
 * of one root apart.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <search.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkroot.h"

struct sj_mkroot {
	char *dir;			/* absolute */
	char **programs, **files;	/* NULL-terminated */
	size_t nprograms, nfiles;
	char *debian, *tar, *arch, *variant, *mirror;
	unsigned flags;			/* enum mk_flag */
	struct mk_log log;
};

void mk_log(const struct mk_log *log, int level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!log || !log->fn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log->fn(log->arg, level, msg);
}

sj_mkroot *sj_mkroot_new(const char *dir, sj_error *err)
{
	char cwd[PATH_MAX], clean[PATH_MAX], abs[PATH_MAX * 2];
	sj_mkroot *m;

	if (!dir || !*dir) {
		sj_fail(err, EINVAL, "no directory to build the root in");
		return NULL;
	}
	if (dir[0] != '/' && !getcwd(cwd, sizeof(cwd))) {
		sj_fail_errno(err, "getcwd");
		return NULL;
	}
	snprintf(abs, sizeof(abs), "%s/%s", dir[0] == '/' ? "" : cwd, dir);
	if (rp_clean(abs, clean, sizeof(clean) - 1) < 0) {
		sj_fail(err, ENAMETOOLONG, "%s: name too long", dir);
		return NULL;
	}
	if (!clean[0] || strcmp(clean, "..") == 0 || strncmp(clean, "../", 3) == 0 ||
	    strstr(clean, "/../") || (strlen(clean) > 2 && strcmp(clean + strlen(clean) - 3, "/..") == 0)) {
		sj_fail(err, EINVAL, "%s: %s", dir, clean[0] ? "give the directory without '..'" :
			"refusing to build a root over the host's /");
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m || asprintf(&m->dir, "/%s", clean) < 0) {
		free(m);
		sj_fail(err, ENOMEM, "out of memory");
		return NULL;
	}
	return m;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void sj_mkroot_free(sj_mkroot *m)
{
	if (!m)
		return;
	free(m->dir);
	free_list(m->programs, m->nprograms);
	free_list(m->files, m->nfiles);
	free(m->debian);
	free(m->tar);
	free(m->arch);
	free(m->variant);
	free(m->mirror);
	free(m);
}

void sj_mkroot_set_log(sj_mkroot *m, sj_mkroot_log_fn *fn, void *arg)
{
	m->log.fn = fn;
	m->log.arg = arg;
}

/* ---- options ----------------------------------------------------------- */

static const struct {
	const char *name;
	unsigned flag;
} bool_opts[] = {
	{ "busybox", MK_BUSYBOX },
	{ "copy", MK_COPY },
	{ "link", MK_LINK },
	{ "devices", MK_DEVICES },
	{ "locale", MK_LOCALE },
	{ "timezone", MK_TIMEZONE },
	{ "dist-packages", MK_DIST_PACKAGES },
};

static const struct {
	const char *name;
	size_t off;
} str_opts[] = {
	{ "debian", offsetof(sj_mkroot, debian) },
	{ "tar", offsetof(sj_mkroot, tar) },
	{ "arch", offsetof(sj_mkroot, arch) },
	{ "variant", offsetof(sj_mkroot, variant) },
	{ "mirror", offsetof(sj_mkroot, mirror) },
};

static int list_add(char ***v, size_t *n, const char *value, sj_error *err)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(char *));

	if (!nv)
		return sj_fail(err, ENOMEM, "out of memory");
	*v = nv;
	nv[*n] = sj_strdup(value, err);
	if (!nv[*n])
		return -1;
	nv[++*n] = NULL;
	return 0;
}

int sj_mkroot_set(sj_mkroot *m, const char *name, const char *value, sj_error *err)
{
	for (size_t i = 0; i < SJ_NELEM(bool_opts); i++) {
		if (strcmp(name, bool_opts[i].name) != 0)
			continue;
		if (!value || strcmp(value, "true") == 0 || strcmp(value, "1") == 0)
			m->flags |= bool_opts[i].flag;
		else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0)
			m->flags &= ~bool_opts[i].flag;
		else
			return sj_fail(err, EINVAL, "%s: '%s' is not true or false", name, value);
		return 0;
	}
	if (!value || !*value)
		return sj_fail(err, EINVAL, "%s needs a value", name);
	if (strcmp(name, "program") == 0)
		return list_add(&m->programs, &m->nprograms, value, err);
	if (strcmp(name, "file") == 0)
		return list_add(&m->files, &m->nfiles, value, err);
	for (size_t i = 0; i < SJ_NELEM(str_opts); i++) {
		char **field = (char **)((char *)m + str_opts[i].off);

		if (strcmp(name, str_opts[i].name) != 0)
			continue;
		free(*field);
		*field = sj_strdup(value, err);
		return *field ? 0 : -1;
	}
	return sj_fail(err, EINVAL, "unknown option '%s'", name);
}

/* The combinations that make no sense, refused before anything is done. */
static int validate(const sj_mkroot *m, const struct elf_machine **machine, sj_error *err)
{
	bool host = m->nprograms || m->nfiles || (m->flags & MK_BUSYBOX);

	if (!host && !m->debian && !m->tar)
		return sj_fail(err, EINVAL, "nothing to put in %s: give -p, -f, --busybox, --debian "
			       "or --tar", m->dir);
	if (m->debian && m->tar)
		return sj_fail(err, EINVAL, "--debian and --tar both make a whole system: give one");
	if ((m->flags & MK_COPY) && (m->flags & MK_LINK))
		return sj_fail(err, EINVAL, "--copy and --link contradict each other");
	if ((m->variant || m->mirror) && !m->debian)
		return sj_fail(err, EINVAL, "--%s applies to --debian only",
			       m->variant ? "variant" : "mirror");
	if ((m->flags & MK_DEVICES) && !m->tar)
		return sj_fail(err, EINVAL, "--devices applies to --tar only");
	*machine = elf_machine_host();
	if (m->arch) {
		*machine = elf_machine_by_arch(m->arch);
		if (!*machine)
			return sj_fail(err, EINVAL, "arch: '%s' is not an architecture mkjail knows "
				       "(amd64, i386, arm64, armhf, armel, riscv64, ppc64el, s390x, "
				       "mips64el, mipsel)", m->arch);
	}
	if (!*machine)
		return sj_fail(err, ENOTSUP, "this machine's architecture is unknown to mkjail");
	if (m->arch && host && *machine != elf_machine_host())
		return sj_fail(err, EINVAL, "--arch %s: host programs and busybox are %s; --arch "
			       "applies to --debian and --tar", m->arch, elf_machine_host()->arch);
	return 0;
}

/* ---- the steps ----------------------------------------------------------- */

struct build {
	sj_mkroot *m;
	struct mk_ctx c;
	const struct elf_machine *machine;
	bool made_dir;			/* the target was made by this run */
	bool wipe;			/* debootstrap started in it */
};

static int step_emulation(struct build *b, sj_error *err)
{
	if (!b->m->tar || emul_native(b->machine))
		return 0;
	return emul_ensure(&b->c.log, b->machine, err);
}

static int step_debian(struct build *b, sj_error *err)
{
	struct mk_debian d = {
		.suite = b->m->debian,
		.variant = b->m->variant,
		.mirror = b->m->mirror,
		.machine = b->machine,
	};

	return b->m->debian ? deb_bootstrap(&b->c, &d, &b->wipe, err) : 0;
}

static int step_tar(struct build *b, sj_error *err)
{
	return b->m->tar ? untar_extract(&b->c, b->m->tar, err) : 0;
}

static int step_host(struct build *b, sj_error *err)
{
	if (!b->m->nprograms && !b->m->nfiles && !(b->m->flags & (MK_BUSYBOX | MK_LOCALE | MK_TIMEZONE)))
		return 0;
	return host_install(&b->c, b->m->programs, b->m->files, err);
}

/* Make REL with MODE in the root unless it exists (a directory, or TEXT). */
static int base_entry(struct build *b, const char *rel, mode_t mode, const char *text,
		      sj_error *err)
{
	const char *base;
	SJ_AUTOCLOSE int dfd = rp_parent(b->c.rootfd, rel, &base);
	SJ_AUTOCLOSE int fd = -1;
	struct stat st;

	if (dfd < 0)
		return sj_fail_errno(err, "/%s", rel);
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return 0;
	if (!text) {
		if (mkdirat(dfd, base, mode) < 0 || fchmodat(dfd, base, mode, 0) < 0)
			return sj_fail_errno(err, "mkdir /%s", rel);
	} else {
		fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd < 0 || sj_write_all(fd, text, strlen(text)) < 0 || fchmod(fd, mode) < 0) {
			sj_fail_errno(err, "/%s", rel);
			if (fd >= 0)
				unlinkat(dfd, base, 0);
			return -1;
		}
	}
	b->c.created++;
	return mk_journal_add(&b->c.journal, rel, err);
}

/* The mount points every root needs, and a minimal /etc for host roots. */
static int step_base(struct build *b, sj_error *err)
{
	static const struct {
		const char *rel;
		mode_t mode;
		const char *text;
		bool host_only;
	} entries[] = {
		{ "proc", 0555, NULL, false },
		{ "dev", 0755, NULL, false },
		{ "sys", 0555, NULL, false },
		{ "tmp", 01777, NULL, false },
		{ "root", 0700, NULL, true },
		{ "etc", 0755, NULL, true },
		{ "etc/passwd", 0644, "root:x:0:0:root:/root:/bin/sh\n"
			"nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n", true },
		{ "etc/group", 0644, "root:x:0:\nnogroup:x:65534:\n", true },
		{ "etc/hosts", 0644, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost "
			"ip6-loopback\n", true },
		{ "etc/nsswitch.conf", 0644, "passwd: files\ngroup: files\nshadow: files\n"
			"hosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n", true },
	};
	bool host_root = !b->m->debian && !b->m->tar;

	for (size_t i = 0; i < SJ_NELEM(entries); i++)
		if ((host_root || !entries[i].host_only) &&
		    base_entry(b, entries[i].rel, entries[i].mode, entries[i].text, err) < 0)
			return -1;
	return 0;
}

static const struct {
	const char *name;
	int (*run)(struct build *b, sj_error *err);
} steps[] = {
	{ "emulation", step_emulation },
	{ "debian", step_debian },
	{ "tar", step_tar },
	{ "host", step_host },
	{ "base", step_base },
};

/* Undo a failed build: ours only, newest first. */
static void rollback(struct build *b)
{
	mk_journal_undo(&b->c.journal, b->c.rootfd);
	if (b->wipe || b->made_dir)
		deb_wipe(b->m->dir);
	if (b->made_dir)
		rmdir(b->m->dir);
}

/* The target directory: made if missing, locked, never the host's /. */
static int open_target(struct build *b, sj_error *err)
{
	char real[PATH_MAX];
	struct stat st;

	if (mkdir(b->m->dir, 0755) == 0)
		b->made_dir = true;
	else if (errno != EEXIST)
		return sj_fail_errno(err, "%s", b->m->dir);
	b->c.rootfd = open(b->m->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (b->c.rootfd < 0)
		return sj_fail_errno(err, "%s", b->m->dir);
	if (fstat(b->c.rootfd, &st) < 0 || !realpath(b->m->dir, real))
		return sj_fail_errno(err, "%s", b->m->dir);
	if (strcmp(real, "/") == 0)
		return sj_fail(err, EINVAL, "%s: refusing to build a root over the host's /",
			       b->m->dir);
	if (flock(b->c.rootfd, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK ?
			sj_fail(err, EBUSY, "%s: another mkjail is building it", b->m->dir) :
			sj_fail_errno(err, "lock %s", b->m->dir);
	return 0;
}

int sj_mkroot_build(sj_mkroot *m, sj_error *err)
{
	struct build b = { .m = m };
	int r = 0;

	sj_error_clear(err);
	b.c.rootfd = -1;
	b.c.host.rootfd = -1;
	b.c.rootpath = m->dir;
	b.c.flags = m->flags;
	b.c.privileged = geteuid() == 0;
	b.c.log = m->log;
	if (validate(m, &b.machine, err) < 0)
		return -1;
	if (m->tar && access(m->tar, R_OK) < 0)
		return sj_fail_errno(err, "tar: %s", m->tar);
	if (open_target(&b, err) < 0 || elf_env_open(&b.c.host, "/", err) < 0) {
		r = -1;
	} else {
		for (size_t i = 0; i < SJ_NELEM(steps) && r == 0; i++)
			r = steps[i].run(&b, err);
	}
	if (r < 0 && b.c.rootfd >= 0)
		rollback(&b);
	else if (r < 0 && b.made_dir)
		rmdir(m->dir);
	if (r == 0)
		mk_log(&m->log, SJ_MKROOT_INFO, "%s: %u created, %u updated, %u unchanged", m->dir,
		       b.c.created, b.c.updated, b.c.unchanged);
	elf_env_close(&b.c.host);
	tdestroy(b.c.seen, free);
	mk_journal_free(&b.c.journal);
	if (b.c.rootfd >= 0)
		close(b.c.rootfd);
	return r;
}

int sj_mkroot_check(const char *dir, char *const argv[], sj_mkroot_log_fn *fn, void *arg,
		    sj_error *err)
{
	struct mk_log log = { fn, arg };

	sj_error_clear(err);
	return mk_check(dir, argv, &log, err);
}

int sj_mkroot_emulation(const char *arch, sj_mkroot_log_fn *fn, void *arg, sj_error *err)
{
	const struct elf_machine *m = elf_machine_by_arch(arch);
	struct mk_log log = { fn, arg };
	char why[PATH_MAX + 256];

	sj_error_clear(err);
	if (!m)
		return sj_fail(err, EINVAL, "arch: '%s' is not an architecture mkjail knows", arch);
	if (emul_status(m, why, sizeof(why)) == 1) {
		mk_log(&log, SJ_MKROOT_NOTICE, "%s", why);
		return 0;
	}
	return emul_ensure(&log, m, err);
}
