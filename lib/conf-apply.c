/*
 * conf-apply.c: a resolved jail (conf-resolve.c) shown as jail -e shows
 * it (FreeBSD's print_jail()), and handed to a jail's parameters the way
 * FreeBSD's jail(8) uses them: booleans, lists, "command".  Pure logic:
 * parameters go out through a struct conf_sink.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "conf.h"

static int fail_at(const struct sj_conf *c, sj_error *err, struct conf_loc loc,
		   const char *fmt, ...) SJ_PRINTF(4, 5);

static int fail_at(const struct sj_conf *c, sj_error *err, struct conf_loc loc,
		   const char *fmt, ...)
{
	char where[300], msg[SJ_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sj_fail(err, EINVAL, "%s: %s", conf_where(c, loc, where, sizeof(where)), msg);
}

/* jail -e: FreeBSD's print_jail() and quoted_print(). */

struct out {
	char *s;
	size_t len, cap;
	bool oom;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->oom)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 128;
		char *v;

		while (o->len + n + 1 > cap)
			cap *= 2;
		if (!(v = realloc(o->s, cap))) {
			o->oom = true;
			return;
		}
		o->s = v;
		o->cap = cap;
	}
	memcpy(o->s + o->len, s, n);
	o->len += n;
	o->s[o->len] = '\0';
}

/* A value as FreeBSD prints it: quoted when empty or holding quotes or
 * blanks, with '\' before '\' and before the quote used. */
static void put_quoted(struct out *o, const struct conf_value *v)
{
	char q = v->len == 0 || memchr(v->text, '\'', v->len) ? '"'
		 : memchr(v->text, '"', v->len) ? '\''
		 : strpbrk(v->text, " \t") ? '"' : 0;

	if (q)
		put(o, &q, 1);
	for (size_t i = 0; i < v->len; i++) {
		if (v->text[i] == '\\' || v->text[i] == q)
			put(o, "\\", 1);
		put(o, &v->text[i], 1);
	}
	if (q)
		put(o, &q, 1);
}

char *conf_format(const struct conf_jail *j, const char *sep, sj_error *err)
{
	struct out o = { 0 };
	bool first = true;

	put(&o, "", 0);
	for (size_t k = j->head; k != CONF_NONE; k = j->p[k].next) {
		const struct conf_param *p = &j->p[k];

		if (strcmp(p->name, "jid") == 0)
			continue;
		if (!first)
			put(&o, sep, strlen(sep));
		first = false;
		put(&o, p->name, strlen(p->name));
		for (size_t i = 0; i < p->nval; i++) {
			put(&o, i ? "," : "=", 1);
			put_quoted(&o, &p->val[i]);
		}
	}
	if (o.oom) {
		free(o.s);
		sj_fail(err, ENOMEM, "out of memory");
		return NULL;
	}
	return o.s;
}

/* Handing a resolved jail to jail(8)'s parameters. */

/* A boolean as FreeBSD reads one: true, false, or a number (0: false). */
static int bool_value(const char *s)
{
	char *end;
	long n;

	if (strcasecmp(s, "true") == 0)
		return 1;
	if (strcasecmp(s, "false") == 0)
		return 0;
	n = strtol(s, &end, 10);
	return end != s && *end == '\0' ? n != 0 : -1;
}

static int located(const struct sj_conf *c, struct conf_loc loc, int r, sj_error *err)
{
	char where[300];

	if (r < 0)
		sj_error_prefix(err, "%s", conf_where(c, loc, where, sizeof(where)));
	return r;
}

/*
 * "command", as FreeBSD runs it for a jail from a file: a string with
 * shell characters through /bin/sh -c, else split at blanks.  Several
 * values run one after another, each only if the one before succeeded
 * (FreeBSD's order): through /bin/sh -c "a && b".
 */
static int apply_command(const struct sj_conf *c, const struct conf_param *p,
			 const struct conf_sink *sink, sj_error *err)
{
	const struct conf_value *v = p->val;
	char *copy, *save = NULL, **argv;
	size_t n = 0;
	int r;

	if (p->nval == 0)
		return fail_at(c, err, p->loc, "command: needs a value");
	if (p->nval > 1 || strpbrk(v->text, "!\"$&'()*;<>?[\\]`{|}~")) {
		char *sh[] = { (char *)"/bin/sh", (char *)"-c", NULL, NULL };
		size_t len = 1;

		for (size_t i = 0; i < p->nval; i++)
			len += p->val[i].len + 4;
		if (!(sh[2] = calloc(1, len)))
			return sj_fail(err, ENOMEM, "out of memory");
		for (size_t i = 0; i < p->nval; i++)
			strcat(strcat(sh[2], i ? " && " : ""), p->val[i].text);
		r = located(c, v->loc, sink->command(sink->ctx, sh, err), err);
		free(sh[2]);
		return r;
	}
	if (!(copy = strdup(v->text)) || !(argv = calloc(v->len / 2 + 2, sizeof(*argv)))) {
		free(copy);
		return sj_fail(err, ENOMEM, "out of memory");
	}
	for (char *t = strtok_r(copy, " \t\f\v\r\n", &save); t; t = strtok_r(NULL, " \t\f\v\r\n", &save))
		argv[n++] = t;
	r = n ? located(c, v->loc, sink->command(sink->ctx, argv, err), err) : 0;
	free(argv);
	free(copy);
	return r;
}

/* A boolean: FreeBSD's value rules; "noNAME = v" means NAME = !v. */
static int apply_bool(const struct sj_conf *c, const struct conf_param *p,
		      const struct param_info *info, const struct conf_sink *sink, sj_error *err)
{
	const struct conf_value *v = &p->val[p->nval - 1];
	int truth = bool_value(v->text);

	if (truth < 0)
		return fail_at(c, err, v->loc, "%s: unknown boolean value \"%s\"", p->name, v->text);
	if (p->nval > 1)
		conf_warn(c, v->loc, "%s takes one value: the last one, %s, is used", p->name,
			  v->text);
	if (info->negated)
		truth = !truth;
	return located(c, v->loc, sink->set(sink->ctx, info->negated ? info->name : p->name,
					    truth ? "true" : "false", err), err);
}

static int apply_one(const struct sj_conf *c, const struct conf_param *p,
		     const struct conf_sink *sink, sj_error *err)
{
	struct param_info info;
	bool known = params_lookup(p->name, &info) == 0;
	const struct conf_value *last = p->nval ? &p->val[p->nval - 1] : NULL;

	if (known && strcmp(info.name, "command") == 0)
		return apply_command(c, p, sink, err);
	if (known && info.noop)
		conf_warn(c, p->loc, "%s: a FreeBSD parameter that means nothing on Linux: "
			  "ignored", p->name);
	/* What is wrong with the parameter itself is where it is named. */
	if (!last || !known || info.pending)
		return located(c, p->loc, sink->set(sink->ctx, p->name, last ? last->text : NULL,
						    err), err);
	if (known && info.boolean)
		return apply_bool(c, p, &info, sink, err);
	if (known && info.list) {
		for (size_t i = 0; i < p->nval; i++)
			if (located(c, p->val[i].loc, (i ? sink->add : sink->set)(sink->ctx,
				    p->name, p->val[i].text, err), err) < 0)
				return -1;
		return 0;
	}
	if (p->nval > 1)
		conf_warn(c, last->loc, "%s takes one value: the last one, '%s', is used",
			  p->name, last->text);
	return located(c, last->loc, sink->set(sink->ctx, p->name, last->text, err), err);
}

int conf_apply(const struct sj_conf *c, const struct conf_jail *j, const struct conf_sink *sink,
	       sj_error *err)
{
	if (strchr(j->name, '.'))
		return fail_at(c, err, j->loc, "jail '%s': jails inside jails are not supported "
			       "yet", j->name);
	for (size_t k = j->head; k != CONF_NONE; k = j->p[k].next) {
		const struct conf_param *p = &j->p[k];

		/* FreeBSD fills in a numeric block's name; a sysjail jail's
		 * name is never a number (it would read as a jid). */
		if (p->implied && j->numeric && strcmp(p->name, "name") == 0)
			continue;
		if (apply_one(c, p, sink, err) < 0)
			return -1;
	}
	return 0;
}
