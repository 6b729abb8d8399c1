/*
 * elfdeps.c: what a program needs to start, found the way glibc's dynamic
 * loader finds it.
 *
 * The headers come from elfparse.c.  Each needed name is searched as
 * ld.so does (elf/dl-load.c): a name with a '/' as it is; otherwise the
 * DT_RPATH of the requesting object and of the objects that loaded it, up
 * to the program (for an object without DT_RUNPATH); its DT_RUNPATH; the
 * directories of the cache (ld.so.conf, when the tree has an
 * /etc/ld.so.cache); the system directories (unless DF_1_NODEFLIB).
 * $ORIGIN, $LIB and $PLATFORM are expanded.  A file of another class or
 * machine is passed over, as the loader does.  Every file is opened
 * beneath the tree (rootpath.c), so a tree's symlinks stay inside it.
 *
 * Not modelled: LD_LIBRARY_PATH and LD_PRELOAD (the environment is not
 * part of a root), glibc-hwcaps and legacy hwcap subdirectories (each
 * holds an optional faster copy of a library found in the directory
 * itself), and the cache's own order among directories.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkroot.h"

#define MAX_OBJECTS 4096
#define MAX_CONF_DIRS 1024
#define MAX_CONF_DEPTH 8

/* ---- dynamic string tokens -------------------------------------------- */

/* Whether IN starts with the token NAME, or {NAME}; its length in *N. */
static bool is_token(const char *in, const char *name, size_t *n)
{
	size_t k = strlen(name);

	if (in[0] == '{') {
		if (strncmp(in + 1, name, k) != 0 || in[k + 1] != '}')
			return false;
		*n = k + 2;
		return true;
	}
	if (strncmp(in, name, k) != 0)
		return false;
	if (in[k] == '_' || (in[k] >= 'A' && in[k] <= 'Z') || (in[k] >= 'a' && in[k] <= 'z') ||
	    (in[k] >= '0' && in[k] <= '9'))
		return false;
	*n = k;
	return true;
}

/*
 * Expand $ORIGIN, $LIB and $PLATFORM (bare or in braces) in IN into OUT,
 * as ld.so does for machine M.  Returns 0, 1 when the element must be
 * dropped (it names $ORIGIN and ORIGIN is unknown, or $PLATFORM and M
 * has none), or -1 (ENAMETOOLONG).  Any other '$' is kept as it is.
 */
int elf_expand(const char *in, const char *origin, const struct elf_machine *m, char *out,
	       size_t len)
{
	char lib[64];
	size_t n = 0;

	snprintf(lib, sizeof(lib), "lib%s%s", m && m->triplet ? "/" : "",
		 m && m->triplet ? m->triplet : "");
	while (*in) {
		const char *value = NULL;
		size_t skip = 1, k;

		if (*in == '$') {
			if (is_token(in + 1, "ORIGIN", &k)) {
				if (!origin)
					return 1;
				value = origin;
			} else if (is_token(in + 1, "LIB", &k)) {
				value = lib;
			} else if (is_token(in + 1, "PLATFORM", &k)) {
				if (!m || !*m->platform)
					return 1;
				value = m->platform;
			}
			if (value)
				skip = k + 1;
		}
		k = value ? strlen(value) : 1;
		if (n + k >= len) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(out + n, value ? value : in, k);
		n += k;
		in += skip;
	}
	if (len == 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	out[n] = '\0';
	return 0;
}

/* ---- the tree's loader configuration ----------------------------------- */

static int conf_add(struct elf_env *env, const char *dir, sj_error *err)
{
	char **v;

	if (dir[0] != '/' || env->nconf >= MAX_CONF_DIRS)
		return 0;
	for (size_t i = 0; i < env->nconf; i++)
		if (strcmp(env->conf[i], dir) == 0)
			return 0;
	v = realloc(env->conf, (env->nconf + 1) * sizeof(*v));
	if (!v)
		return sj_fail(err, ENOMEM, "out of memory");
	env->conf = v;
	v[env->nconf] = sj_strdup(dir, err);
	if (!v[env->nconf])
		return -1;
	env->nconf++;
	return 0;
}

static int conf_read(struct elf_env *env, const char *path, int depth, sj_error *err);

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "include PATTERN": the files the glob matches, in order. */
static int conf_include(struct elf_env *env, const char *from, const char *pattern, int depth,
			sj_error *err)
{
	char dir[PATH_MAX], path[PATH_MAX], *names[256];
	const char *base, *slash;
	size_t n = 0;
	struct dirent *e;
	DIR *d;
	int fd, r = 0;

	if (pattern[0] == '/')
		snprintf(dir, sizeof(dir), "%s", pattern);
	else
		snprintf(dir, sizeof(dir), "%.*s/%s", (int)(strrchr(from, '/') - from), from, pattern);
	slash = strrchr(dir, '/');
	base = slash + 1;
	dir[slash - dir] = '\0';
	fd = rp_open(env->rootfd, dir, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while ((e = readdir(d)) && n < SJ_NELEM(names))
		if (fnmatch(base, e->d_name, FNM_PERIOD) == 0 && (names[n] = strdup(e->d_name)))
			n++;
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (r == 0 && snprintf(path, sizeof(path), "%s/%s", dir, names[i]) < (int)sizeof(path))
			r = conf_read(env, path, depth + 1, err);
		free(names[i]);
	}
	return r;
}

/* Read ld.so.conf file PATH of the tree, as ldconfig does. */
static int conf_read(struct elf_env *env, const char *path, int depth, sj_error *err)
{
	SJ_AUTOFREE char *line = NULL;
	SJ_AUTOFCLOSE FILE *f = NULL;
	size_t cap = 0;
	int fd;

	if (depth > MAX_CONF_DEPTH)
		return 0;
	fd = rp_open_file(env->rootfd, path);
	if (fd < 0)
		return 0;
	f = fdopen(fd, "re");
	if (!f) {
		close(fd);
		return sj_fail_errno(err, "%s", path);
	}
	for (int lines = 0; getline(&line, &cap, f) > 0 && lines < 10000; lines++) {
		char *save = NULL, *tok;

		line[strcspn(line, "#")] = '\0';
		tok = strtok_r(line, " \t\n", &save);
		if (!tok || strcmp(tok, "hwcap") == 0)
			continue;
		if (strcmp(tok, "include") == 0) {
			while ((tok = strtok_r(NULL, " \t\n", &save)))
				if (conf_include(env, path, tok, depth, err) < 0)
					return -1;
			continue;
		}
		for (; tok; tok = strtok_r(NULL, " \t\n:,", &save)) {
			tok[strcspn(tok, "=")] = '\0';
			if (conf_add(env, tok, err) < 0)
				return -1;
		}
	}
	return 0;
}

/* Open the tree ROOT for elf_resolve(): its loader's configuration. */
int elf_env_open(struct elf_env *env, const char *root, sj_error *err)
{
	int fd;

	memset(env, 0, sizeof(*env));
	env->rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (env->rootfd < 0)
		return sj_fail_errno(err, "%s", root);
	env->rootpath = realpath(root, NULL);
	if (!env->rootpath) {
		sj_fail_errno(err, "%s", root);
		elf_env_close(env);
		return -1;
	}
	fd = rp_open(env->rootfd, "etc/ld.so.cache", O_PATH, 0);
	env->cache = fd >= 0;
	if (fd >= 0)
		close(fd);
	if (conf_read(env, "/etc/ld.so.conf", 0, err) < 0) {
		elf_env_close(env);
		return -1;
	}
	return 0;
}

void elf_env_close(struct elf_env *env)
{
	if (env->rootfd >= 0)
		close(env->rootfd);
	free(env->rootpath);
	for (size_t i = 0; i < env->nconf; i++)
		free(env->conf[i]);
	free(env->conf);
	memset(env, 0, sizeof(*env));
	env->rootfd = -1;
}

/* The loader's system directories for machine M (Debian's multiarch). */
static size_t default_dirs(const struct elf_machine *m, char dirs[][80])
{
	size_t n = 0;

	if (m && m->triplet) {
		snprintf(dirs[n++], 80, "/lib/%s", m->triplet);
		snprintf(dirs[n++], 80, "/usr/lib/%s", m->triplet);
	}
	/* Other distributions' 64-bit loaders default to lib64. */
	if (m && m->cls == ELFCLASS64) {
		snprintf(dirs[n++], 80, "/lib64");
		snprintf(dirs[n++], 80, "/usr/lib64");
	}
	snprintf(dirs[n++], 80, "/lib");
	snprintf(dirs[n++], 80, "/usr/lib");
	return n;
}

bool elf_default_dir(const struct elf_machine *m, const char *dir)
{
	char dirs[6][80];
	size_t n = default_dirs(m, dirs);

	for (size_t i = 0; i < n; i++)
		if (strcmp(dirs[i], dir) == 0)
			return true;
	return false;
}

/* ---- the search ------------------------------------------------------- */

struct search {
	const struct elf_env *env;
	struct elf_deps *deps;
	const struct elf_machine *m;	/* the program's machine */
	uint8_t cls, data;
	uint16_t machine;
};

static struct elf_dep *dep_push(struct elf_deps *deps, sj_error *err)
{
	if (deps->n == MAX_OBJECTS) {
		sj_fail(err, E2BIG, "more than %d objects", MAX_OBJECTS);
		return NULL;
	}
	if (deps->n == deps->cap) {
		size_t cap = deps->cap ? deps->cap * 2 : 16;
		struct elf_dep *v = realloc(deps->v, cap * sizeof(*v));

		if (!v) {
			sj_fail(err, ENOMEM, "out of memory");
			return NULL;
		}
		deps->v = v;
		deps->cap = cap;
	}
	memset(&deps->v[deps->n], 0, sizeof(deps->v[0]));
	return &deps->v[deps->n++];
}

/* The directory of PATH, a newly allocated string. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

/* The real path of open FD inside the tree, for the program's $ORIGIN. */
static char *real_in_tree(const struct elf_env *env, int fd, const char *fallback)
{
	char link[64], buf[PATH_MAX];
	size_t rl = strlen(env->rootpath);
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n <= 0)
		return strdup(fallback);
	buf[n] = '\0';
	if (strcmp(env->rootpath, "/") == 0)
		return strdup(buf);
	if (strncmp(buf, env->rootpath, rl) != 0 || (buf[rl] != '/' && buf[rl] != '\0'))
		return strdup(fallback);
	return strdup(buf[rl] ? buf + rl : "/");
}

/*
 * Open PATH in the tree and keep it as object HOW when it is an ELF
 * object of the program's kind.  Returns 1 kept, 0 passed over, -1.
 */
static int try_object(struct search *s, const char *path, const char *name, int by,
		      enum elf_how how, sj_error *err)
{
	SJ_AUTOCLOSE int fd = rp_open_file(s->env->rootfd, path);
	struct elf_info ei;
	struct elf_dep *d;
	struct stat st;
	sj_error ignored;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	if (elf_read_fd(fd, &ei, &ignored) != 0)
		return 0;
	if (how != ELF_MAIN && how != ELF_INTERP &&
	    (ei.cls != s->cls || ei.data != s->data || ei.machine != s->machine)) {
		elf_info_free(&ei);
		return 0;
	}
	for (size_t i = 0; i < s->deps->n; i++)
		if (s->deps->v[i].path && s->deps->v[i].dev == st.st_dev &&
		    s->deps->v[i].ino == st.st_ino) {
			elf_info_free(&ei);
			return 1;		/* the same file, loaded already */
		}
	d = dep_push(s->deps, err);
	if (!d) {
		elf_info_free(&ei);
		return -1;
	}
	d->info = ei;
	d->how = how;
	d->by = by;
	d->dev = st.st_dev;
	d->ino = st.st_ino;
	d->path = strdup(path);
	d->name = strdup(name);
	d->origin = how == ELF_MAIN ? real_in_tree(s->env, fd, path) : strdup(path);
	if (!d->path || !d->name || !d->origin)
		return sj_fail(err, ENOMEM, "out of memory");
	/* $ORIGIN is the directory: of the real file for the program. */
	{
		char *o = dir_of(d->origin);

		free(d->origin);
		d->origin = o;
		if (!o)
			return sj_fail(err, ENOMEM, "out of memory");
	}
	return 1;
}

/* Try NAME in each directory of the ':'-separated LIST of object OBJ. */
static int try_list(struct search *s, const char *list, int obj, const char *name, int by,
		    enum elf_how how, sj_error *err)
{
	const char *origin = s->deps->v[obj].origin;
	char elem[PATH_MAX], dir[PATH_MAX], path[PATH_MAX];

	while (*list) {
		size_t k = strcspn(list, ":");
		int r;

		if (k > 0 && k < sizeof(elem)) {
			memcpy(elem, list, k);
			elem[k] = '\0';
			if (elf_expand(elem, origin, s->m, dir, sizeof(dir)) == 0 &&
			    snprintf(path, sizeof(path), "%s/%s", dir, name) < (int)sizeof(path) &&
			    (r = try_object(s, path, name, by, how, err)) != 0)
				return r;
		}
		list += k + (list[k] == ':');
	}
	return 0;
}

/* Search needed NAME of object BY, in the loader's order. */
static int search_one(struct search *s, const char *name, int by, sj_error *err)
{
	const struct elf_dep *l = &s->deps->v[by];
	char path[PATH_MAX], dirs[6][80];
	bool main_seen = false;
	size_t n;
	int r;

	if (strchr(name, '/')) {
		if (elf_expand(name, l->origin, s->m, path, sizeof(path)) != 0)
			return 0;
		return try_object(s, path, name, by, ELF_PATHNAME, err);
	}
	if (!l->info.runpath) {
		for (int o = by; o >= 0; o = s->deps->v[o].by) {
			const struct elf_dep *lo = &s->deps->v[o];

			main_seen |= o == 0;
			if (lo->info.rpath && !lo->info.runpath &&
			    (r = try_list(s, lo->info.rpath, o, name, by, ELF_RPATH, err)) != 0)
				return r;
		}
		if (!main_seen && s->deps->v[0].info.rpath && !s->deps->v[0].info.runpath &&
		    (r = try_list(s, s->deps->v[0].info.rpath, 0, name, by, ELF_RPATH, err)) != 0)
			return r;
	}
	if (l->info.runpath &&
	    (r = try_list(s, l->info.runpath, by, name, by, ELF_RUNPATH, err)) != 0)
		return r;
	if (l->info.nodeflib)
		return 0;
	for (size_t i = 0; s->env->cache && i < s->env->nconf; i++)
		if (snprintf(path, sizeof(path), "%s/%s", s->env->conf[i], name) < (int)sizeof(path) &&
		    (r = try_object(s, path, name, by, ELF_CONF, err)) != 0)
			return r;
	n = default_dirs(s->m, dirs);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], name);
		if ((r = try_object(s, path, name, by, ELF_DEFAULT, err)) != 0)
			return r;
	}
	return 0;
}

/* Whether NAME was loaded (or found missing) already. */
static bool loaded(const struct elf_deps *deps, const char *name)
{
	for (size_t i = 0; i < deps->n; i++) {
		const struct elf_dep *d = &deps->v[i];

		if (strcmp(d->name, name) == 0 || (d->info.soname && strcmp(d->info.soname, name) == 0))
			return true;
	}
	return false;
}

static int missing(struct elf_deps *deps, const char *name, int by, sj_error *err)
{
	struct elf_dep *d = dep_push(deps, err);

	if (!d)
		return -1;
	d->by = by;
	d->name = strdup(name);
	return d->name ? 0 : sj_fail(err, ENOMEM, "out of memory");
}

/*
 * Find every object program PATH of the tree needs, in the loader's
 * order: DEPS->v[0] is the program, then its interpreter, then the
 * libraries breadth first; a library not found has path NULL.  Returns
 * 0, 1 when PATH is not an ELF file (DEPS empty), or -1.
 */
int elf_resolve(const struct elf_env *env, const char *path, struct elf_deps *deps,
		sj_error *err)
{
	struct search s = { .env = env, .deps = deps };
	int r;

	memset(deps, 0, sizeof(*deps));
	r = try_object(&s, path, path, -1, ELF_MAIN, err);
	if (r <= 0) {
		SJ_AUTOCLOSE int fd = rp_open_file(env->rootfd, path);
		struct elf_info ei;

		if (r < 0)
			return -1;
		if (fd < 0)
			return sj_fail_errno(err, "%s", path);
		r = elf_read_fd(fd, &ei, err);
		if (r == 0) {
			elf_info_free(&ei);
			return sj_fail(err, ENOEXEC, "%s: cannot read", path);
		}
		if (r < 0)
			sj_error_prefix(err, "%s", path);
		return r;
	}
	s.cls = deps->v[0].info.cls;
	s.data = deps->v[0].info.data;
	s.machine = deps->v[0].info.machine;
	s.m = elf_machine_of(&deps->v[0].info);
	if (deps->v[0].info.interp) {
		r = try_object(&s, deps->v[0].info.interp, deps->v[0].info.interp, 0, ELF_INTERP, err);
		if (r < 0 || (r == 0 && missing(deps, deps->v[0].info.interp, 0, err) < 0))
			return -1;
		if (r > 0 && deps->v[deps->n - 1].how == ELF_INTERP)
			deps->v[deps->n - 1].by = -1;	/* the loader is loaded by no one */
	}
	for (size_t i = 0; i < deps->n; i++) {
		if (!deps->v[i].path)
			continue;
		for (size_t k = 0; k < deps->v[i].info.nneeded; k++) {
			const char *name = deps->v[i].info.needed[k];

			if (loaded(deps, name))
				continue;
			r = search_one(&s, name, (int)i, err);
			if (r < 0 || (r == 0 && missing(deps, name, (int)i, err) < 0))
				return -1;
		}
	}
	return 0;
}

void elf_deps_free(struct elf_deps *deps)
{
	for (size_t i = 0; i < deps->n; i++) {
		free(deps->v[i].path);
		free(deps->v[i].name);
		free(deps->v[i].origin);
		elf_info_free(&deps->v[i].info);
	}
	free(deps->v);
	memset(deps, 0, sizeof(*deps));
}
