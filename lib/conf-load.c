/*
 * conf-load.c: jail.conf(5) files on disk, and the public sj_conf_*
 * functions of sysjail.h.
 *
 * ".include" as FreeBSD's include_config() reads it: a relative name is
 * taken from the directory of the file that names it; a name with glob
 * characters includes every match in sorted order, none being fine;
 * a plain name must exist.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "conf.h"

/* Read regular file PATH whole, at most CONF_MAX_FILE bytes. */
static int read_text(const char *path, struct conf_text *out, sj_error *err)
{
	SJ_AUTOCLOSE int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	size_t len = 0, cap = 4096;
	char *buf;

	if (fd < 0 || fstat(fd, &st) < 0)
		return sj_fail_errno(err, "%s", path);
	if (!S_ISREG(st.st_mode))
		return sj_fail(err, EINVAL, "%s: not a regular file", path);
	if (!(buf = malloc(cap)))
		return sj_fail(err, ENOMEM, "out of memory");
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb = cap > CONF_MAX_FILE ? NULL : realloc(buf, cap *= 2);

			if (!nb) {
				free(buf);
				return len > CONF_MAX_FILE
				       ? sj_fail(err, EFBIG, "%s: larger than %u bytes", path,
						 CONF_MAX_FILE)
				       : sj_fail(err, ENOMEM, "out of memory");
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return sj_fail_errno(err, "%s", path);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*out = (struct conf_text){ .text = buf, .len = len, .owned = buf, .name = strdup(path) };
	if (!out->name) {
		free(buf);
		return sj_fail(err, ENOMEM, "out of memory");
	}
	return 0;
}

static bool has_glob_chars(const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' && s[1])
			s++;
		else if (*s == '*' || *s == '?' || *s == '[')
			return true;
	}
	return false;
}

/* PATTERN as written in FROM: relative to FROM's directory. */
static char *full_name(const char *from, const char *pattern)
{
	const char *slash = strrchr(from, '/');
	char *s;

	if (pattern[0] == '/' || !slash)
		return strdup(pattern);
	if (asprintf(&s, "%.*s%s", (int)(slash + 1 - from), from, pattern) < 0)
		return NULL;
	return s;
}

static int read_all(char *const *names, size_t n, struct conf_text **out, size_t *nout,
		    sj_error *err)
{
	struct conf_text *t;

	if (n > CONF_MAX_FILES)
		return sj_fail(err, E2BIG, "more than %d files", CONF_MAX_FILES);
	if (!(t = calloc(n ? n : 1, sizeof(*t))))
		return sj_fail(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (read_text(names[i], &t[i], err) < 0) {
			while (i-- > 0) {
				free(t[i].owned);
				free(t[i].name);
			}
			free(t);
			return -1;
		}
	*out = t;
	*nout = n;
	return 0;
}

static int file_include(void *ctx, const char *from, const char *pattern,
			struct conf_text **out, size_t *n, sj_error *err)
{
	SJ_AUTOFREE char *name = full_name(from, pattern);
	glob_t g;
	int r;

	(void)ctx;
	*out = NULL;
	*n = 0;
	if (!name)
		return sj_fail(err, ENOMEM, "out of memory");
	if (!has_glob_chars(name))
		return read_all(&name, 1, out, n, err);
	/* As FreeBSD: a directory that cannot be read matches nothing. */
	r = glob(name, 0, NULL, &g);
	if (r == GLOB_NOMATCH)
		return 0;
	if (r != 0)
		r = sj_fail(err, r == GLOB_NOSPACE ? ENOMEM : EIO, "%s: glob failed", name);
	else
		r = read_all(g.gl_pathv, g.gl_pathc, out, n, err);
	globfree(&g);
	return r;
}

static sj_conf *load(const char *name, const char *text, size_t len, sj_conf_warn_fn *warn,
		     void *ctx, sj_error *err)
{
	static const struct conf_loader ld = { file_include, NULL };
	struct sj_conf *c = conf_new(err);

	if (!c)
		return NULL;
	c->warn = warn;
	c->warn_ctx = ctx;
	if (conf_parse(c, name, text, len, &ld, err) < 0) {
		conf_free(c);
		return NULL;
	}
	return c;
}

sj_conf *sj_conf_load(const char *path, sj_conf_warn_fn *warn, void *ctx, sj_error *err)
{
	struct conf_text t;
	sj_conf *c;

	if (read_text(path, &t, err) < 0)
		return NULL;
	c = load(path, t.text, t.len, warn, ctx, err);
	free(t.owned);
	free(t.name);
	return c;
}

sj_conf *sj_conf_load_text(const char *name, const char *text, size_t len,
			   sj_conf_warn_fn *warn, void *ctx, sj_error *err)
{
	return load(name, text, len, warn, ctx, err);
}

void sj_conf_free(sj_conf *c)
{
	conf_free(c);
}

size_t sj_conf_jail_count(const sj_conf *c)
{
	return conf_jail_count(c);
}

const char *sj_conf_jail_name(const sj_conf *c, size_t i)
{
	const struct conf_section *s = conf_jail_at(c, i);

	return s ? s->name : NULL;
}

static int jail_set(void *ctx, const char *name, const char *value, sj_error *err)
{
	return sj_jail_set(ctx, name, value, err);
}

static int jail_add(void *ctx, const char *name, const char *value, sj_error *err)
{
	return sj_jail_add(ctx, name, value, err);
}

static int jail_command(void *ctx, char *const argv[], sj_error *err)
{
	return sj_jail_set_command(ctx, argv, err);
}

static int resolve(const sj_conf *c, const char *name, struct conf_jail *rj, sj_error *err)
{
	const struct conf_section *s = conf_jail_find(c, name);

	if (!s)
		return sj_fail(err, ENOENT, "%s: no jail '%s'", c->file[0], name);
	return conf_resolve(c, s, rj, err);
}

int sj_conf_apply(const sj_conf *c, const char *name, sj_jail *j, sj_error *err)
{
	const struct conf_sink sink = { jail_set, jail_add, jail_command, j };
	struct conf_jail rj;
	int r;

	if (resolve(c, name, &rj, err) < 0)
		return -1;
	r = conf_apply(c, &rj, &sink, err);
	conf_jail_free(&rj);
	return r;
}

char *sj_conf_show(const sj_conf *c, const char *name, const char *sep, sj_error *err)
{
	struct conf_jail rj;
	char *s;

	if (resolve(c, name, &rj, err) < 0)
		return NULL;
	s = conf_format(&rj, sep, err);
	conf_jail_free(&rj);
	return s;
}
