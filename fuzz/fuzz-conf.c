/*
 * fuzz-conf.c: libFuzzer target for jail.conf(5): the lexer and parser
 * (lib/conf.c), and for every jail that parses, the resolution of its
 * parameters, jail -e's line and applying it to a jail's parameters
 * (lib/conf-resolve.c, lib/params.c).  No file is read: .include sees
 * only the input's own files.
 *
 * Input: the text of "fuzz.conf"; each line "%%" starts another file,
 * named "f1.conf", "f2.conf", ... that .include can name, also by glob.
 * Traps when a failure has no message, when a resolved jail still holds
 * a variable or a reference, or when jail -e's line is not a string.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FILES 8

struct input {
	const char *text[MAX_FILES];
	size_t len[MAX_FILES];
	char name[MAX_FILES][16];
	size_t n;
};

static int add(struct input *in, size_t i, struct conf_text **out, size_t *n, sj_error *err)
{
	struct conf_text *v = realloc(*out, (*n + 1) * sizeof(*v));

	if (!v)
		return sj_fail(err, ENOMEM, "out of memory");
	*out = v;
	v[*n] = (struct conf_text){ .text = in->text[i], .len = in->len[i],
				    .name = strdup(in->name[i]) };
	if (!v[(*n)++].name)
		return sj_fail(err, ENOMEM, "out of memory");
	return 0;
}

/* FreeBSD's rules over the input's files: a glob matches in order, a
 * plain name must exist. */
static int include(void *ctx, const char *from, const char *pattern, struct conf_text **out,
		   size_t *n, sj_error *err)
{
	struct input *in = ctx;
	bool glob = strpbrk(pattern, "*?[") != NULL;
	int r = 0;

	(void)from;
	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < in->n && r == 0; i++)
		if (glob ? fnmatch(pattern, in->name[i], 0) == 0 : strcmp(pattern, in->name[i]) == 0)
			r = add(in, i, out, n, err);
	if (r == 0 && !glob && *n == 0)
		r = sj_fail(err, ENOENT, "%s: no such file", pattern);
	if (r < 0) {
		for (size_t i = 0; i < *n; i++)
			free((*out)[i].name);
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return r;
}

static void check_error(const sj_error *err)
{
	if (!memchr(err->msg, '\0', sizeof(err->msg)) || err->errnum == 0 || !err->msg[0])
		__builtin_trap();
}

static int set(void *ctx, const char *name, const char *value, sj_error *err)
{
	return params_set(ctx, name, value, err);
}

static int add_param(void *ctx, const char *name, const char *value, sj_error *err)
{
	return params_add(ctx, name, value, err);
}

static int command(void *ctx, char *const argv[], sj_error *err)
{
	(void)ctx;
	(void)err;
	if (!argv[0] || !argv[0][0])
		__builtin_trap();
	return 0;
}

static void warn(void *ctx, const char *msg)
{
	(void)ctx;
	if (!strchr(msg, ':'))
		__builtin_trap();
}

static void check_jail(const struct sj_conf *c, const struct conf_section *s)
{
	struct sj_config cfg;
	const struct conf_sink sink = { set, add_param, command, &cfg };
	struct conf_jail j;
	sj_error err;
	char *line;

	if (conf_resolve(c, s, &j, &err) < 0) {
		check_error(&err);
		return;
	}
	for (size_t k = j.head; k != CONF_NONE; k = j.p[k].next) {
		if (j.p[k].var)
			__builtin_trap();
		for (size_t i = 0; i < j.p[k].nval; i++)
			if (j.p[k].val[i].nref || strlen(j.p[k].val[i].text) != j.p[k].val[i].len)
				__builtin_trap();
	}
	line = conf_format(&j, "\t", &err);
	if (!line)
		check_error(&err);
	free(line);
	params_init(&cfg);
	if (conf_apply(c, &j, &sink, &err) < 0)
		check_error(&err);
	params_free(&cfg);
	conf_jail_free(&j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { .n = 0 };
	const struct conf_loader ld = { include, &in };
	const char *p = (const char *)data, *end = p + size;
	struct sj_conf *c;
	sj_error err;

	while (in.n < MAX_FILES) {
		const char *split = memmem(p, (size_t)(end - p), "\n%%\n", 4);

		snprintf(in.name[in.n], sizeof(in.name[in.n]), in.n ? "f%zu.conf" : "fuzz.conf",
			 in.n);
		in.text[in.n] = p;
		in.len[in.n] = split && in.n + 1 < MAX_FILES ? (size_t)(split + 1 - p)
							     : (size_t)(end - p);
		in.n++;
		if (!split || in.n == MAX_FILES)
			break;
		p = split + 4;
	}
	if (!(c = conf_new(&err)))
		return 0;
	c->warn = warn;
	if (conf_parse(c, in.name[0], in.text[0], in.len[0], &ld, &err) < 0)
		check_error(&err);
	else
		for (size_t i = 0; i < conf_jail_count(c); i++)
			check_jail(c, conf_jail_at(c, i));
	conf_free(c);
	return 0;
}
