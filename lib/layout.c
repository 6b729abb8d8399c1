/*
 * layout.c: the filesystem options sysjail(8) shares with bubblewrap:
 * bind, ro-bind, tmpfs, dev, proc (mounts) and dir, symlink, chmod
 * (changes to the jail's tree).
 *
 * Each is a list parameter whose elements are blank-separated fields,
 * \NNN-escaped as in fstab(5): ro-bind += "/usr /usr".  Paths are the
 * jail's, absolute; a bind's source is the host's.
 *
 * The mounts become fstab(5) lines (fstab.c) after jail.conf's own, in
 * the order of their targets' depth (a tmpfs on /x before a bind on
 * /x/y, whatever order they were given in), so they get the same checks
 * and the same handling: made by the init in the jail's mount namespace,
 * gone with it.  dev and proc are copies of the jail's own /dev and
 * /proc, masks included, mounted somewhere else too.
 *
 * dir, symlink and chmod are applied by the init after pivot_root and
 * after it joined the jail's user namespace, as the jail's root: they can
 * do nothing the jail's root could not do itself, and change the jail's
 * tree for good unless they are inside a tmpfs.  Directories first, then
 * symbolic links, then modes, each in the order given.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "sj-private.h"

/* The parameters and the fields each element has. */
static const struct kind {
	const char *param;
	unsigned nfields;
	const char *usage;
} kinds[] = {
	{ "bind", 2, "SRC DST" },
	{ "ro-bind", 2, "SRC DST" },
	{ "tmpfs", 1, "DST" },
	{ "dev", 1, "DST" },
	{ "proc", 1, "DST" },
	{ "dir", 1, "DIR" },
	{ "symlink", 2, "TARGET LINK" },
	{ "chmod", 2, "MODE PATH" },
};

static const struct kind *kind_of(const char *param)
{
	for (size_t i = 0; i < SJ_NELEM(kinds); i++)
		if (strcmp(kinds[i].param, param) == 0)
			return &kinds[i];
	return NULL;
}

/* Split VALUE into at most 3 fields (decoded) in *COPY; their number. */
static int split(const char *value, char **copy, char *f[3], sj_error *err)
{
	char *s;
	int n = 0;

	*copy = s = sj_strdup(value, err);
	if (!s)
		return -1;
	while (n < 3 && (f[n] = fstab_field(&s)))
		n++;
	return n;
}

static int parse_mode(const char *s, mode_t *mode)
{
	char *end;
	unsigned long m;

	errno = 0;
	m = strtoul(s, &end, 8);
	if (!*s || *end || errno || m > 07777)
		return -1;
	*mode = (mode_t)m;
	return 0;
}

/* Whether VALUE is a well-formed element of PARAM; the error names why. */
int layout_check(const char *param, const char *value, sj_error *err)
{
	const struct kind *k = kind_of(param);
	SJ_AUTOFREE char *copy = NULL;
	char *f[3];
	mode_t mode;
	int n;

	if (!k)
		return sj_fail(err, EINVAL, "not a layout parameter");
	n = split(value, &copy, f, err);
	if (n < 0)
		return -1;
	if ((unsigned)n != k->nfields)
		return sj_fail(err, EINVAL, "'%s': want %s", value, k->usage);
	if (strcmp(param, "chmod") == 0 && parse_mode(f[0], &mode) < 0)
		return sj_fail(err, EINVAL, "'%s' is not an octal mode (0 to 7777)", f[0]);
	/* Every field is an absolute path, but a link's target. */
	for (int i = 0; i < n; i++) {
		if (strcmp(param, "chmod") == 0 && i == 0)
			continue;
		if (strcmp(param, "symlink") == 0 && i == 0) {
			if (!*f[0])
				return sj_fail(err, EINVAL, "empty link target");
			continue;
		}
		if (f[i][0] != '/')
			return sj_fail(err, EINVAL, "'%s' is not an absolute path", f[i]);
		if (strlen(f[i]) >= PATH_MAX)
			return sj_fail(err, ENAMETOOLONG, "path is too long");
	}
	return 0;
}

/* S escaped as a field of a mount line, appended to *OUT. */
static int put_field(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\' || *s == '#')
			fprintf(out, "\\%03o", (unsigned char)*s);
		else
			fputc(*s, out);
	}
	return 0;
}

struct entry {
	const struct kind *kind;
	char *value;			/* the element */
	unsigned depth;			/* components of the target */
	size_t seq;
};

static unsigned depth_of(const char *path)
{
	unsigned d = 0;

	for (const char *p = path; *p; p++)
		if (*p != '/' && (p == path || p[-1] == '/'))
			d++;
	return d;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* A target that is the jail's own /dev or /proc. */
static bool is_own(const char *dst, const char *what)
{
	size_t n = strlen(what);

	return strncmp(dst, what, n) == 0 && dst[strspn(dst + n, "/") + n] == '\0';
}

/* One element as an fstab(5) line on the jail's PATH, added to J. */
static int add_mount(struct sj_jail *j, const struct entry *e, sj_error *err)
{
	SJ_AUTOFREE char *copy = NULL, *line = NULL;
	const char *param = e->kind->param;
	char *f[3];
	size_t len = 0;
	FILE *out;
	int n = split(e->value, &copy, f, err);
	const char *dst = f[n - 1];
	bool special = strcmp(param, "dev") == 0 || strcmp(param, "proc") == 0;

	if (n < 0)
		return -1;
	/* The jail has its own /dev and /proc already. */
	if (special && is_own(dst, param[0] == 'd' ? "/dev" : "/proc"))
		return 0;
	out = open_memstream(&line, &len);
	if (!out)
		return sj_fail(err, ENOMEM, "out of memory");
	if (n == 2)
		put_field(out, f[0]);
	else
		fputs(special ? "none" : "tmpfs", out);
	fputc(' ', out);
	put_field(out, strcmp(j->cfg.path, "/") == 0 ? "" : j->cfg.path);
	put_field(out, dst);
	fprintf(out, " %s %s", n == 2 ? "bind" : "tmpfs",
		strcmp(param, "ro-bind") == 0 ? "ro" : "rw");
	if (fclose(out) != 0)
		return sj_fail(err, ENOMEM, "out of memory");
	if (fstab_add_line(j, line, err) < 0)
		return -1;
	if (special) {
		struct sj_mount *m = &j->mounts[j->nmounts - 1];

		m->special = param[0];
		m->idmap = false;
	}
	return 0;
}

/* bind, ro-bind, tmpfs, dev and proc, parents first, onto J's mounts. */
int layout_mounts(struct sj_jail *j, sj_error *err)
{
	static const char *const order[] = { "bind", "ro-bind", "tmpfs", "dev", "proc" };
	SJ_AUTOFREE struct entry *v = NULL;
	size_t n = 0, cap = 0;

	for (size_t k = 0; k < SJ_NELEM(order); k++) {
		char *const *list = params_list(&j->cfg, order[k]);

		for (size_t i = 0; list && list[i]; i++) {
			SJ_AUTOFREE char *copy = NULL;
			char *f[3];
			int nf;

			if (n == cap) {
				struct entry *nv = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof(*v));

				if (!nv)
					return sj_fail(err, ENOMEM, "out of memory");
				v = nv;
			}
			nf = split(list[i], &copy, f, err);
			if (nf < 1)
				return nf < 0 ? -1 : sj_fail(err, EINVAL, "%s: empty", order[k]);
			v[n] = (struct entry){ kind_of(order[k]), list[i], depth_of(f[nf - 1]), n };
			n++;
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_entry);
	for (size_t i = 0; i < n; i++)
		if (add_mount(j, &v[i], err) < 0) {
			sj_error_prefix(err, "%s '%s'", v[i].kind->param, v[i].value);
			return -1;
		}
	return 0;
}

/* Open REL under ROOT, resolved inside it. */
static int open_in(int root, const char *rel, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, root, rel, &how, sizeof(how));
}

/*
 * Make the missing components of REL (relative to ROOT, resolved inside
 * it), directories 0755, the last one an empty file unless DIR.
 */
int layout_mkpath(int root, const char *rel, bool dir, sj_error *err)
{
	SJ_AUTOFREE char *p = sj_strdup(rel, err);
	char *end;

	if (!p)
		return -1;
	end = p + strspn(p, "/");
	for (;;) {
		SJ_AUTOCLOSE int parent = -1, fd = -1;
		char *slash = end + strcspn(end, "/"), sep = *slash, *name;
		bool last = !slash[strspn(slash, "/")];

		*slash = '\0';
		fd = open_in(root, p, O_PATH);
		if (fd < 0 && errno != ENOENT)
			return sj_fail_errno(err, "/%s", p + strspn(p, "/"));
		if (fd < 0) {
			name = strrchr(p, '/') ? strrchr(p, '/') + 1 : p;
			if (name == p)
				parent = fcntl(root, F_DUPFD_CLOEXEC, 0);
			else {
				name[-1] = '\0';
				parent = open_in(root, *p ? p : "/", O_PATH | O_DIRECTORY);
				name[-1] = '/';
			}
			if (parent < 0)
				return sj_fail_errno(err, "/%s", p + strspn(p, "/"));
			/* One component, in a directory resolved inside the
			 * tree: neither call follows a symlink NAME. */
			if (last && !dir) {
				int r = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
					       O_CLOEXEC, 0644);

				if (r < 0)
					return sj_fail_errno(err, "making /%s", p + strspn(p, "/"));
				close(r);
			} else if (mkdirat(parent, name, 0755) < 0 && errno != EEXIST) {
				return sj_fail_errno(err, "making /%s", p + strspn(p, "/"));
			}
		}
		if (last)
			return 0;
		*slash = sep;
		end = slash + strspn(slash, "/");
	}
}

/* symlink TARGET LINK: made, or there already with that target. */
static int make_link(int root, const char *target, const char *link, sj_error *err)
{
	SJ_AUTOFREE char *dir = sj_strdup(link, err);
	SJ_AUTOCLOSE int parent = -1;
	char *base, now[PATH_MAX];
	ssize_t n;

	if (!dir)
		return -1;
	base = strrchr(dir, '/');
	*base++ = '\0';
	if (*dir && layout_mkpath(root, dir, true, err) < 0)
		return -1;
	parent = open_in(root, *dir ? dir : "/", O_PATH | O_DIRECTORY);
	if (parent < 0)
		return sj_fail_errno(err, "%s", *dir ? dir : "/");
	if (symlinkat(target, parent, base) == 0)
		return 0;
	if (errno != EEXIST)
		return sj_fail_errno(err, "%s", link);
	n = readlinkat(parent, base, now, sizeof(now) - 1);
	if (n >= 0)
		now[n] = '\0';
	if (n < 0 || strcmp(now, target) != 0)
		return sj_fail(err, EEXIST, "%s exists%s", link, n < 0 ? "" : ", pointing elsewhere");
	return 0;
}

/* chmod MODE PATH, PATH resolved inside the jail. */
static int change_mode(int root, const char *mode_text, const char *path, sj_error *err)
{
	SJ_AUTOCLOSE int fd = open_in(root, path, O_PATH);
	char proc[64];
	mode_t mode;

	if (parse_mode(mode_text, &mode) < 0)
		return sj_fail(err, EINVAL, "'%s' is not an octal mode", mode_text);
	if (fd < 0)
		return sj_fail_errno(err, "%s", path);
	/* Through the descriptor: the path was resolved once, inside. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (chmod(proc, mode) < 0)
		return sj_fail_errno(err, "%s", path);
	return 0;
}

/* In the init, in the jail: dir, symlink, then chmod. */
int layout_apply(const struct sj_jail *j, sj_error *err)
{
	static const char *const order[] = { "dir", "symlink", "chmod" };
	SJ_AUTOCLOSE int root = -1;

	for (size_t k = 0; k < SJ_NELEM(order); k++) {
		char *const *list = params_list(&j->cfg, order[k]);

		for (size_t i = 0; list && list[i]; i++) {
			SJ_AUTOFREE char *copy = NULL;
			char *f[3];
			int r, n = split(list[i], &copy, f, err);

			if (n < 0)
				return -1;
			if (root < 0 && (root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
				return sj_fail_errno(err, "/");
			if (k == 0)
				r = layout_mkpath(root, f[0], true, err);
			else if (k == 1)
				r = make_link(root, f[0], f[1], err);
			else
				r = change_mode(root, f[0], f[1], err);
			if (r < 0) {
				sj_error_prefix(err, "%s '%s'", order[k], list[i]);
				return -1;
			}
		}
	}
	return 0;
}
