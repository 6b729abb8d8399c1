/*
 * fstab.c: the jail's own mounts, jail.conf(5)'s `mount` lines and
 * `mount.fstab` file, parsed on the host before anything is made.
 *
 * Each is an fstab(5) line: "source target type [options [dump [pass]]]",
 * with \NNN octal escapes.  The target is a host path under the jail's
 * path, as FreeBSD writes it ("$path/usr/ports"); what is kept is the
 * part inside the jail.  Types: nullfs or bind (a recursive bind of a
 * host directory or file) and tmpfs.  The jail's init makes them in its
 * own mount namespace (mount.c), so the host never sees them and they
 * go with the jail, unlike FreeBSD's, which are mounted on the host.
 *
 * A missing target is made here, as a directory (or an empty file for
 * a file's bind), through openat2(RESOLVE_IN_ROOT): a symlink the jail's
 * files hold resolves inside the jail's tree, never on the host.  What
 * is made stays in the tree, unless the jail fails to start.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "sj-private.h"

/* Options that are mount attributes; the rest go to tmpfs as they are. */
static const struct {
	const char *name;
	unsigned set, clear;
} attr_options[] = {
	{ "ro", MOUNT_ATTR_RDONLY, 0 },
	{ "rw", 0, MOUNT_ATTR_RDONLY },
	{ "noexec", MOUNT_ATTR_NOEXEC, 0 },
	{ "exec", 0, MOUNT_ATTR_NOEXEC },
	{ "nosuid", 0, 0 },
	{ "nodev", 0, 0 },
	{ "noatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME & ~MOUNT_ATTR_NOATIME },
	{ "relatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME & ~MOUNT_ATTR_RELATIME },
	{ "strictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME },
	{ "nodiratime", MOUNT_ATTR_NODIRATIME, 0 },
	{ "defaults", 0, 0 },
	{ "late", 0, 0 },		/* FreeBSD's: all jail mounts are late */
};

/* The jail's own mount points, mounted after (and over) these. */
static const char *const reserved[] = { "dev", "proc", "sys" };

void fstab_free(struct sj_jail *j)
{
	for (size_t i = 0; i < j->nmounts; i++) {
		free(j->mounts[i].source);
		free(j->mounts[i].target);
		free(j->mounts[i].data);
	}
	free(j->mounts);
	j->mounts = NULL;
	j->nmounts = 0;
	for (size_t i = 0; i < j->nmade; i++)
		free(j->made[i]);
	free(j->made);
	j->made = NULL;
	j->nmade = 0;
}

/* Split off the next blank-separated field of *S, decoding \NNN in place. */
static char *next_field(char **s)
{
	char *p = *s, *field, *out;

	while (isspace((unsigned char)*p))
		p++;
	if (!*p || *p == '#')
		return NULL;
	field = out = p;
	while (*p && !isspace((unsigned char)*p)) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
		    p[3] >= '0' && p[3] <= '7') {
			*out++ = (char)((p[1] - '0') << 6 | (p[2] - '0') << 3 | (p[3] - '0'));
			p += 4;
		} else {
			*out++ = *p++;
		}
	}
	if (*p)
		p++;
	*out = '\0';
	*s = p;
	return field;
}

/* The next field of *S, as a mount line's (sysjail's layout values too). */
char *fstab_field(char **s)
{
	return next_field(s);
}

/* TARGET (a host path) made relative to the jail's PATH, checked. */
static int jail_target(const char *target, const char *path, char **out, sj_error *err)
{
	size_t plen = strlen(path);
	const char *rel = target;

	while (plen > 1 && path[plen - 1] == '/')
		plen--;
	if (target[0] != '/')
		return sj_fail(err, EINVAL, "target %s is not an absolute path", target);
	if (plen > 1) {
		if (strncmp(target, path, plen) != 0 || (target[plen] && target[plen] != '/'))
			return sj_fail(err, EINVAL, "target %s is not under the jail's path %s",
				       target, path);
		rel = target + plen;
	}
	while (*rel == '/')
		rel++;
	if (!*rel)
		return sj_fail(err, EINVAL, "target %s is the jail's root", target);
	for (const char *c = rel; *c; c += strcspn(c, "/"), c += *c == '/') {
		size_t n = strcspn(c, "/");

		if ((n == 2 && c[0] == '.' && c[1] == '.') || (n == 1 && c[0] == '.'))
			return sj_fail(err, EINVAL, "target %s has a '.' or '..' component",
				       target);
	}
	for (size_t i = 0; i < SJ_NELEM(reserved); i++) {
		size_t n = strlen(reserved[i]);

		if (strncmp(rel, reserved[i], n) == 0 && (!rel[n] || rel[n] == '/'))
			return sj_fail(err, EINVAL, "target %s: sysjail mounts the jail's /%s "
				       "itself", target, reserved[i]);
	}
	*out = sj_strdup(rel, err);
	return *out ? 0 : -1;
}

/* Append option O to the tmpfs data of M. */
static int add_data(struct sj_mount *m, const char *o, sj_error *err)
{
	size_t old = m->data ? strlen(m->data) : 0;
	char *d = realloc(m->data, old + strlen(o) + 2);

	if (!d)
		return sj_fail(err, ENOMEM, "out of memory");
	sprintf(d + old, "%s%s", old ? "," : "", o);
	m->data = d;
	return 0;
}

static int parse_options(char *opts, struct sj_mount *m, sj_error *err)
{
	char *save = NULL;

	for (char *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < SJ_NELEM(attr_options); i++)
			if (strcmp(o, attr_options[i].name) == 0)
				break;
		if (i < SJ_NELEM(attr_options)) {
			m->attrs = (m->attrs & ~attr_options[i].clear) | attr_options[i].set;
		} else if (strcmp(o, "suid") == 0 || strcmp(o, "dev") == 0) {
			return sj_fail(err, EINVAL, "option %s: a jail's mounts are always "
				       "nosuid and nodev", o);
		} else if (strcmp(o, "noidmap") == 0) {
			m->idmap = false;
		} else if (m->bind) {
			return sj_fail(err, EINVAL, "option %s is not known for a bind mount", o);
		} else if (add_data(m, o, err) < 0) {
			return -1;
		}
	}
	return 0;
}

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

/*
 * Parse one fstab(5) LINE of the jail at PATH into M.  Returns 1 for a
 * mount, 0 for a blank or comment line, -1 on error.
 */
int fstab_parse_line(const char *line, const char *path, struct sj_mount *m, sj_error *err)
{
	SJ_AUTOFREE char *copy = sj_strdup(line, err);
	char *s = copy, *f[7] = { 0 };
	size_t n = 0;

	memset(m, 0, sizeof(*m));
	if (!copy)
		return -1;
	while (n < SJ_NELEM(f) && (f[n] = next_field(&s)))
		n++;
	if (n == 0)
		return 0;
	if (n < 3)
		return sj_fail(err, EINVAL, "want \"source target type [options [dump "
			       "[pass]]]\"");
	if (n > 6)
		return sj_fail(err, EINVAL, "more than six fields");
	if ((n > 4 && !all_digits(f[4])) || (n > 5 && !all_digits(f[5])))
		return sj_fail(err, EINVAL, "the dump and pass fields are numbers");
	if (strcmp(f[2], "nullfs") == 0 || strcmp(f[2], "bind") == 0) {
		m->bind = true;
		if (f[0][0] != '/') {
			return sj_fail(err, EINVAL, "source %s is not an absolute path", f[0]);
		}
	} else if (strcmp(f[2], "tmpfs") != 0) {
		return sj_fail(err, EINVAL, "type %s is not supported (nullfs, bind or tmpfs)",
			       f[2]);
	}
	m->idmap = true;
	m->attrs = MOUNT_ATTR_RELATIME;
	if ((n > 3 && parse_options(f[3], m, err) < 0) ||
	    jail_target(f[1], path, &m->target, err) < 0 ||
	    (m->bind && !(m->source = sj_strdup(f[0], err)))) {
		free(m->target);
		free(m->data);
		return -1;
	}
	return 1;
}

/* Parse LINE and add its mount to the jail's. */
int fstab_add_line(struct sj_jail *j, const char *line, sj_error *err)
{
	struct sj_mount m, *v;
	int r = fstab_parse_line(line, j->cfg.path, &m, err);

	if (r <= 0)
		return r;
	v = realloc(j->mounts, (j->nmounts + 1) * sizeof(*v));
	if (!v) {
		free(m.source);
		free(m.target);
		free(m.data);
		return sj_fail(err, ENOMEM, "out of memory");
	}
	j->mounts = v;
	j->mounts[j->nmounts++] = m;
	return 0;
}

static int read_fstab(struct sj_jail *j, const char *file, sj_error *err)
{
	SJ_AUTOFCLOSE FILE *f = fopen(file, "re");
	SJ_AUTOFREE char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;

	if (!f)
		return sj_fail_errno(err, "mount.fstab: %s", file);
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (fstab_add_line(j, line, err) < 0) {
			sj_error_prefix(err, "mount.fstab: %s:%u", file, lineno);
			return -1;
		}
	}
	if (ferror(f))
		return sj_fail_errno(err, "mount.fstab: %s", file);
	return 0;
}

/* Resolve REL under ROOT, never leaving it. */
static int open_in_root(int root, const char *rel, sj_error *err)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, root, rel, &how, sizeof(how));

	if (fd < 0 && errno != ENOENT)
		sj_fail_errno(err, "%s", rel);
	return fd;
}

/* Note that REL was made, to be removed if the jail fails. */
static int note_made(struct sj_jail *j, const char *rel, sj_error *err)
{
	char **v = realloc(j->made, (j->nmade + 1) * sizeof(*v));

	if (!v)
		return sj_fail(err, ENOMEM, "out of memory");
	j->made = v;
	if (!(v[j->nmade] = sj_strdup(rel, err)))
		return -1;
	j->nmade++;
	return 0;
}

/* Make the missing components of REL under ROOT; the last one a file if !DIR. */
static int make_target(struct sj_jail *j, int root, const char *rel, bool dir, sj_error *err)
{
	SJ_AUTOFREE char *p = sj_strdup(rel, err);
	SJ_AUTOCLOSE int parent = -1;
	char *end = p;

	if (!p || (parent = fcntl(root, F_DUPFD_CLOEXEC, 0)) < 0)
		return p ? sj_fail_errno(err, "dup") : -1;
	for (;;) {
		SJ_AUTOCLOSE int fd = -1;
		const char *name = end;
		bool last;
		char sep;

		end += strcspn(end, "/");
		last = !end[strspn(end, "/")];
		sep = *end;
		*end = '\0';
		fd = open_in_root(root, p, err);
		if (fd < 0 && errno != ENOENT)
			return -1;
		if (fd < 0) {
			/* One component, in a directory resolved inside the
			 * tree: neither call follows a symlink NAME. */
			int r = last && !dir ? openat(parent, name, O_WRONLY | O_CREAT | O_EXCL |
						      O_NOFOLLOW | O_CLOEXEC, 0644)
					     : mkdirat(parent, name, 0755);

			if (r < 0)
				return sj_fail_errno(err, "making %s", p);
			if (last && !dir)
				close(r);
			if (note_made(j, p, err) < 0)
				return -1;
			fd = open_in_root(root, p, err);
			if (fd < 0)
				return errno == ENOENT ? sj_fail_errno(err, "%s", p) : -1;
		}
		if (last)
			return 0;
		*end = sep;
		end += strspn(end, "/");
		close(parent);
		parent = sj_steal_fd(&fd);
	}
}

/* Whether mount I's target lies in a tmpfs (or /dev, /proc copy) mounted before it. */
static bool in_tmpfs(const struct sj_jail *j, size_t i)
{
	const char *t = j->mounts[i].target;

	for (size_t k = 0; k < i; k++) {
		size_t n = strlen(j->mounts[k].target);

		if ((!j->mounts[k].bind || j->mounts[k].special) &&
		    strncmp(t, j->mounts[k].target, n) == 0 && t[n] == '/')
			return true;
	}
	return false;
}

/*
 * The jail's mounts: parse `mount` then `mount.fstab` (FreeBSD's order),
 * check each bind's source and make the missing targets.
 */
int fstab_prepare(struct sj_jail *j, sj_error *err)
{
	char *const *lines = params_list(&j->cfg, "mount");
	SJ_AUTOCLOSE int root = -1;

	for (size_t i = 0; lines && lines[i]; i++)
		if (fstab_add_line(j, lines[i], err) < 0) {
			sj_error_prefix(err, "mount: '%s'", lines[i]);
			goto fail;
		}
	if (j->cfg.mount_fstab && read_fstab(j, j->cfg.mount_fstab, err) < 0)
		goto fail;
	if (layout_mounts(j, err) < 0)
		goto fail;
	if (!j->nmounts)
		return 0;
	root = open(j->cfg.path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		sj_fail_errno(err, "path: %s", j->cfg.path);
		goto fail;
	}
	for (size_t i = 0; i < j->nmounts; i++) {
		struct sj_mount *m = &j->mounts[i];
		struct stat st = { .st_mode = S_IFDIR };
		SJ_AUTOCLOSE int fd = -1;

		if (m->bind && stat(m->source, &st) < 0) {
			sj_fail_errno(err, "mount: source %s", m->source);
			goto fail;
		}
		/* A target inside an earlier tmpfs is made there, by the init. */
		if (in_tmpfs(j, i))
			continue;
		fd = open_in_root(root, m->target, err);
		if (fd < 0 && (errno != ENOENT ||
			       make_target(j, root, m->target, S_ISDIR(st.st_mode), err) < 0)) {
			sj_error_prefix(err, "mount: target /%s in the jail", m->target);
			goto fail;
		}
	}
	return 0;
fail:
	fstab_undo(j);
	return -1;
}

/* Remove the targets made for a jail that failed, last first, if still empty. */
void fstab_undo(struct sj_jail *j)
{
	SJ_AUTOCLOSE int root = j->nmade ? open(j->cfg.path, O_PATH | O_DIRECTORY |
						 O_CLOEXEC) : -1;

	for (size_t i = j->nmade; root >= 0 && i-- > 0;) {
		char *slash = strrchr(j->made[i], '/');
		SJ_AUTOCLOSE int parent = -1;
		sj_error ignored;
		struct stat st;

		if (slash) {
			*slash = '\0';
			parent = open_in_root(root, j->made[i], &ignored);
			*slash = '/';
		} else {
			parent = fcntl(root, F_DUPFD_CLOEXEC, 0);
		}
		if (parent < 0)
			continue;
		slash = slash ? slash + 1 : j->made[i];
		if (fstatat(parent, slash, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			unlinkat(parent, slash, AT_REMOVEDIR);
		else if (S_ISREG(st.st_mode) && st.st_size == 0)
			unlinkat(parent, slash, 0);
	}
	fstab_free(j);
}
