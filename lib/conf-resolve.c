/*
 * conf-resolve.c: what a parsed jail.conf(5) means for one jail, as
 * FreeBSD's jail(8) reads it (usr.sbin/jail/config.c, load_config()):
 *
 *   - the jail's name implies its "name" parameter ("jid" when the name
 *     is a number), which cannot be set again;
 *   - its own block and every wildcard section that matches it ("*",
 *     "foo.*", and the globals, one "*" section placed where the first
 *     global statement is) are applied in the order they were opened;
 *   - a statement replaces what the same parameter had ("allow.mount"
 *     and "allow.nomount" are the same one), or appends with "+=";
 *   - then "$name" / "${name}" take the value of the jail's parameter
 *     or variable of that name, wherever in the file it was set.
 *
 * Also the model's lifetime and queries.  Pure logic, no output.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"

struct sj_conf *conf_new(sj_error *err)
{
	struct sj_conf *c = calloc(1, sizeof(*c));

	if (!c) {
		sj_fail(err, ENOMEM, "out of memory");
		return NULL;
	}
	c->global = SIZE_MAX;
	return c;
}

void conf_value_free(struct conf_value *v)
{
	free(v->text);
	for (size_t k = 0; k < v->nref; k++)
		free(v->ref[k].name);
	free(v->ref);
}

void conf_stmt_free(struct conf_stmt *st)
{
	free(st->name);
	for (size_t i = 0; i < st->nval; i++)
		conf_value_free(&st->val[i]);
	free(st->val);
}

void conf_free(struct sj_conf *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nsec; i++) {
		for (size_t k = 0; k < c->sec[i].nstmt; k++)
			conf_stmt_free(&c->sec[i].stmt[k]);
		free(c->sec[i].stmt);
		free(c->sec[i].name);
	}
	free(c->sec);
	free(c->jail);
	free(c->byname);
	free(c->wild);
	for (size_t i = 0; i < c->nfile; i++)
		free(c->file[i]);
	free(c->file);
	free(c);
}

const char *conf_where(const struct sj_conf *c, struct conf_loc loc, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%u:%u", loc.file < c->nfile ? c->file[loc.file] : "?",
		 loc.line, loc.col);
	return buf;
}

void conf_warn(const struct sj_conf *c, struct conf_loc loc, const char *fmt, ...)
{
	char where[300], msg[SJ_ERROR_MAX + 300];
	size_t n;
	va_list ap;

	if (!c->warn)
		return;
	n = (size_t)snprintf(msg, sizeof(msg), "%s: ", conf_where(c, loc, where, sizeof(where)));
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	c->warn(c->warn_ctx, msg);
}

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

static int by_name(const void *a, const void *b, void *ctx)
{
	const struct sj_conf *c = ctx;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int r = strcmp(c->sec[x].name, c->sec[y].name);

	return r ? r : (x > y) - (x < y);
}

int conf_index(struct sj_conf *c, sj_error *err)
{
	char where[300];

	free(c->jail);
	free(c->byname);
	free(c->wild);
	c->jail = malloc((c->nsec + 1) * sizeof(*c->jail));
	c->byname = malloc((c->nsec + 1) * sizeof(*c->byname));
	c->wild = malloc((c->nsec + 1) * sizeof(*c->wild));
	if (!c->jail || !c->byname || !c->wild)
		return sj_fail(err, ENOMEM, "out of memory");
	c->njail = c->nwild = 0;
	for (size_t i = 0; i < c->nsec; i++) {
		if (c->sec[i].wild)
			c->wild[c->nwild++] = i;
		else
			c->jail[c->njail++] = i;
	}
	memcpy(c->byname, c->jail, c->njail * sizeof(*c->jail));
	qsort_r(c->byname, c->njail, sizeof(*c->byname), by_name, c);
	for (size_t k = 1; k < c->njail; k++) {
		const struct conf_section *a = &c->sec[c->byname[k - 1]], *b = &c->sec[c->byname[k]];

		if (strcmp(a->name, b->name) == 0)
			return fail_at(c, err, b->loc, "jail '%s' is already defined at %s", b->name,
				       conf_where(c, a->loc, where, sizeof(where)));
	}
	return 0;
}

size_t conf_jail_count(const struct sj_conf *c)
{
	return c->njail;
}

const struct conf_section *conf_jail_at(const struct sj_conf *c, size_t i)
{
	return i < c->njail ? &c->sec[c->jail[i]] : NULL;
}

const struct conf_section *conf_jail_find(const struct sj_conf *c, const char *name)
{
	size_t lo = 0, hi = c->njail;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(c->sec[c->byname[mid]].name, name);

		if (r == 0)
			return &c->sec[c->byname[mid]];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* A name with a whole "*" component: "*", "foo.*", "*.bar". */
bool conf_wild_name(const char *name)
{
	for (const char *w = strchr(name, '*'); w; w = strchr(w + 1, '*'))
		if ((w == name || w[-1] == '.') && (w[1] == '\0' || w[1] == '.'))
			return true;
	return false;
}

/* A "*" component matches one component of the jail's name; a final
 * one matches one or more. */
bool conf_wild_match(const char *jail, const char *wild)
{
	const char *jd, *wd;

	while ((jd = strchr(jail, '.')) && (wd = strchr(wild, '.'))) {
		if (strncmp(jail, wild, (size_t)(jd - jail + 1)) != 0 && strncmp(wild, "*.", 2) != 0)
			return false;
		jail = jd + 1;
		wild = wd + 1;
	}
	return strcmp(jail, wild) == 0 || strcmp(wild, "*") == 0;
}

/* Whether A and B name one parameter: equal, or one has a "no" more at
 * the start of one component ("allow.nomount", "allow.mount"). */
bool conf_equal_opts(const char *a, const char *b)
{
	for (;;) {
		const char *dot;

		if (strcmp(a, b) == 0 || (strncmp(a, "no", 2) == 0 && strcmp(a + 2, b) == 0) ||
		    (strncmp(b, "no", 2) == 0 && strcmp(a, b + 2) == 0))
			return true;
		if (!(dot = strchr(a, '.')) || strncmp(a, b, (size_t)(dot - a + 1)) != 0)
			return false;
		b += dot + 1 - a;
		a = dot + 1;
	}
}

/* FNV-1a of NAME with every "no" at a component's start left out, so
 * that names conf_equal_opts() joins hash alike. */
static uint32_t name_hash(const char *name)
{
	uint32_t h = 2166136261u;
	bool start = true;

	for (const char *s = name; *s; s++) {
		if (start && s[0] == 'n' && s[1] == 'o') {
			s++;
			continue;
		}
		start = *s == '.';
		h = (h ^ (unsigned char)*s) * 16777619u;
	}
	return h;
}

/* The jail's parameters: an array that never moves, a hash index over
 * it, and FreeBSD's order as a list. */

static int index_grow(struct conf_jail *j, sj_error *err)
{
	size_t n = j->nslot ? 2 * j->nslot : 64;
	uint32_t *slot = calloc(n, sizeof(*slot));

	if (!slot)
		return sj_fail(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < j->n; i++) {
		size_t k = j->p[i].hash & (n - 1);

		while (slot[k])
			k = (k + 1) & (n - 1);
		slot[k] = (uint32_t)(i + 1);
	}
	free(j->slot);
	j->slot = slot;
	j->nslot = n;
	return 0;
}

/* The parameter NAME, as the same one (EXACT false) or by exact name. */
static struct conf_param *find(const struct conf_jail *j, const char *name, bool exact)
{
	uint32_t h = name_hash(name);

	for (size_t k = j->nslot ? h & (j->nslot - 1) : 0; j->nslot && j->slot[k];
	     k = (k + 1) & (j->nslot - 1)) {
		struct conf_param *p = &j->p[j->slot[k] - 1];

		if (p->hash == h && (exact ? strcmp(p->name, name) == 0
				     : conf_equal_opts(p->name, name)))
			return p;
	}
	return NULL;
}

static struct conf_param *add_new(struct conf_jail *j, const char *name, bool var, sj_error *err)
{
	struct conf_param *p;
	size_t k;

	if ((j->n + 1) * 2 > j->nslot && index_grow(j, err) < 0)
		return NULL;
	if (j->n == j->cap) {
		size_t cap = j->cap ? 2 * j->cap : 16;
		struct conf_param *v = realloc(j->p, cap * sizeof(*v));

		if (!v) {
			sj_fail(err, ENOMEM, "out of memory");
			return NULL;
		}
		j->p = v;
		j->cap = cap;
	}
	p = &j->p[j->n];
	*p = (struct conf_param){ .name = strdup(name), .var = var, .hash = name_hash(name),
				  .prev = j->tail, .next = CONF_NONE };
	if (!p->name) {
		sj_fail(err, ENOMEM, "out of memory");
		return NULL;
	}
	for (k = p->hash & (j->nslot - 1); j->slot[k]; k = (k + 1) & (j->nslot - 1))
		;
	j->slot[k] = (uint32_t)(j->n + 1);
	if (j->tail == CONF_NONE)
		j->head = j->n;
	else
		j->p[j->tail].next = j->n;
	j->tail = j->n++;
	return p;
}

static int copy_value(struct conf_value *to, const struct conf_value *from, sj_error *err)
{
	*to = (struct conf_value){ .len = from->len, .loc = from->loc };
	if (!(to->text = strdup(from->text)))
		return sj_fail(err, ENOMEM, "out of memory");
	if (from->nref && !(to->ref = calloc(from->nref, sizeof(*to->ref))))
		return sj_fail(err, ENOMEM, "out of memory");
	for (; to->nref < from->nref; to->nref++) {
		to->ref[to->nref] = from->ref[to->nref];
		if (!(to->ref[to->nref].name = strdup(from->ref[to->nref].name)))
			return sj_fail(err, ENOMEM, "out of memory");
	}
	return 0;
}

static void clear_values(struct conf_param *p)
{
	for (size_t i = 0; i < p->nval; i++)
		conf_value_free(&p->val[i]);
	free(p->val);
	p->val = NULL;
	p->nval = 0;
}

static int append_values(struct conf_param *p, const struct conf_value *v, size_t n,
			 sj_error *err)
{
	struct conf_value *nv;

	if (n == 0)
		return 0;
	if (!(nv = realloc(p->val, (p->nval + n) * sizeof(*nv))))
		return sj_fail(err, ENOMEM, "out of memory");
	p->val = nv;
	for (size_t i = 0; i < n; i++)
		if (copy_value(&p->val[p->nval++], &v[i], err) < 0)
			return -1;
	return 0;
}

static bool is_name_or_jid(const char *name)
{
	return conf_equal_opts(name, "name") || conf_equal_opts(name, "jid");
}

/* FreeBSD's add_param(): one statement into the jail's parameters. */
static int add_stmt(const struct sj_conf *c, struct conf_jail *j, const struct conf_stmt *st,
		    sj_error *err)
{
	struct conf_param *p = find(j, st->name, false);

	if (!p) {
		if (st->var && sj_param_exists(st->name))
			return fail_at(c, err, st->loc, "variable \"$%s\" cannot have the same "
				       "name as a parameter", st->name);
		if (!(p = add_new(j, st->name, st->var, err)))
			return -1;
		p->immutable = !st->var && is_name_or_jid(st->name);
	} else {
		if (p->var != st->var)
			return fail_at(c, err, st->loc, "variable \"$%s\" cannot have the same "
				       "name as a parameter", st->name);
		if (p->immutable)
			return fail_at(c, err, st->loc, "cannot redefine parameter \"%s\"", p->name);
		if (strcmp(p->name, st->name) != 0) {
			char *name = strdup(st->name);

			if (!name)
				return sj_fail(err, ENOMEM, "out of memory");
			free(p->name);
			p->name = name;
		}
		if (st->op != CONF_APPEND || st->nval == 0)
			clear_values(p);
	}
	p->loc = st->loc;
	return append_values(p, st->val, st->nval, err);
}

/* "name" (or "jid") from the block's name. */
static int add_implied(struct conf_jail *j, const char *param, sj_error *err)
{
	struct conf_param *p = add_new(j, param, false, err);
	struct conf_value v = { .text = (char *)j->name, .len = strlen(j->name), .loc = j->loc };

	if (!p)
		return -1;
	p->immutable = p->implied = true;
	p->loc = j->loc;
	return append_values(p, &v, 1, err);
}

static int add_section(const struct sj_conf *c, struct conf_jail *j,
		       const struct conf_section *s, sj_error *err)
{
	for (size_t i = 0; i < s->nstmt; i++)
		if (add_stmt(c, j, &s->stmt[i], err) < 0)
			return -1;
	return 0;
}

/* The statements that apply to jail S, in FreeBSD's order. */
static int collect(const struct sj_conf *c, const struct conf_section *s, struct conf_jail *j,
		   sj_error *err)
{
	size_t self = (size_t)(s - c->sec);
	bool did_self = false;
	char *end;

	j->numeric = strtol(s->name, &end, 10) != 0 && *end == '\0';
	if (add_implied(j, j->numeric ? "jid" : "name", err) < 0)
		return -1;
	for (size_t k = 0; k < c->nwild; k++) {
		size_t i = c->wild[k];
		const struct conf_section *w = &c->sec[i];

		if (self < i && !did_self) {
			if (add_section(c, j, s, err) < 0)
				return -1;
			did_self = true;
		}
		if (conf_wild_match(s->name, w->name) && add_section(c, j, w, err) < 0)
			return -1;
	}
	if (!did_self && add_section(c, j, s, err) < 0)
		return -1;
	if (!find(j, "name", false) && add_implied(j, "name", err) < 0)
		return -1;
	return 0;
}

static bool has_refs(const struct conf_param *p)
{
	for (size_t i = 0; i < p->nval; i++)
		if (p->val[i].nref)
			return true;
	return false;
}

/* Take parameter K out of the order (it stays in the array). */
static void unlink_param(struct conf_jail *j, size_t k)
{
	struct conf_param *p = &j->p[k];

	if (p->prev != CONF_NONE)
		j->p[p->prev].next = p->next;
	else
		j->head = p->next;
	if (p->next != CONF_NONE)
		j->p[p->next].prev = p->prev;
	else
		j->tail = p->prev;
}

/* Put parameter K just before parameter AT in the order. */
static void move_before(struct conf_jail *j, size_t k, size_t at)
{
	struct conf_param *p = &j->p[k];

	unlink_param(j, k);
	p->next = at;
	p->prev = j->p[at].prev;
	if (p->prev != CONF_NONE)
		j->p[p->prev].next = k;
	else
		j->head = k;
	j->p[at].prev = k;
}

/* Replace value V's first reference by FROM's values: its text in
 * place, and further values (a list) after V in P. */
static int substitute(struct conf_param *p, size_t vi, const struct conf_param *from,
		      sj_error *err)
{
	struct conf_value *v = &p->val[vi];
	const struct conf_value *s = &from->val[0];
	size_t pos = v->ref[0].pos;
	char *text = malloc(v->len + s->len + 1);

	if (!text)
		return sj_fail(err, ENOMEM, "out of memory");
	memcpy(text, v->text, pos);
	memcpy(text + pos, s->text, s->len);
	memcpy(text + pos + s->len, v->text + pos, v->len - pos + 1);
	free(v->text);
	v->text = text;
	v->len += s->len;
	free(v->ref[0].name);
	memmove(v->ref, v->ref + 1, --v->nref * sizeof(*v->ref));
	for (size_t i = 0; i < v->nref; i++)
		v->ref[i].pos += s->len;
	if (from->nval > 1) {
		size_t extra = from->nval - 1;
		struct conf_value *nv = realloc(p->val, (p->nval + extra) * sizeof(*nv));

		if (!nv)
			return sj_fail(err, ENOMEM, "out of memory");
		p->val = nv;
		memmove(&nv[vi + 1 + extra], &nv[vi + 1], (p->nval - vi - 1) * sizeof(*nv));
		memset(&nv[vi + 1], 0, extra * sizeof(*nv));
		p->nval += extra;
		for (size_t i = 0; i < extra; i++)
			if (copy_value(&nv[vi + 1 + i], &from->val[1 + i], err) < 0)
				return -1;
	}
	return 0;
}

/* Substitution can double a value at each step: keep it in bounds. */
static int grow(const struct sj_conf *c, struct conf_jail *j, const struct conf_param *p,
		const struct conf_param *from, struct conf_loc at, sj_error *err)
{
	size_t add = 0;

	for (size_t i = 0; i < from->nval; i++)
		add += from->val[i].len + 1;
	if (p->nval + from->nval - 1 > CONF_MAX_VALUES)
		return fail_at(c, err, at, "%s: more than %d values once substituted", p->name,
			       CONF_MAX_VALUES);
	if (add > CONF_MAX_GROWTH - j->growth)
		return fail_at(c, err, at, "%s: substitution makes the jail's values larger than "
			       "%u bytes", p->name, CONF_MAX_GROWTH);
	j->growth += add;
	return 0;
}

/*
 * Substitute parameter K's references.  0 when done; 1 with *DEP set when
 * a parameter it refers to has references of its own, to be done first
 * (FreeBSD moves it before K); -1 on error.
 */
static int resolve_one(const struct sj_conf *c, struct conf_jail *j, size_t k, int gen,
		       size_t *dep, sj_error *err)
{
	for (size_t vi = 0; vi < j->p[k].nval; vi++) {
		while (j->p[k].val[vi].nref) {
			struct conf_param *p = &j->p[k];
			const struct conf_value *v = &p->val[vi];
			const struct conf_ref *r = &v->ref[0];
			struct conf_param *from = find(j, r->name, true);

			if (!from || from->nval == 0)
				return fail_at(c, err, r->loc, "%s: variable \"%s\" not found",
					       p->name, r->name);
			if (from->gen == gen)
				return fail_at(c, err, r->loc, "%s: variable loop", r->name);
			if (has_refs(from)) {
				*dep = (size_t)(from - j->p);
				return 1;
			}
			if (from->nval > 1 && (v->len != 0 || v->nref > 1))
				return fail_at(c, err, r->loc, "%s: array cannot be substituted "
					       "inline", p->name);
			if (grow(c, j, p, from, r->loc, err) < 0 || substitute(p, vi, from, err) < 0)
				return -1;
		}
	}
	return 0;
}

/* Every reference, in FreeBSD's order (load_config's find_vars). */
static int resolve_refs(const struct sj_conf *c, struct conf_jail *j, sj_error *err)
{
	int gen = 0;

	for (size_t k = j->head; k != CONF_NONE; k = j->p[k].next) {
		size_t dep = CONF_NONE;
		int r;

		j->p[k].gen = ++gen;
		while ((r = resolve_one(c, j, k, gen, &dep, err)) == 1) {
			move_before(j, dep, k);
			j->p[dep].gen = gen;
			k = dep;
		}
		if (r < 0)
			return -1;
	}
	return 0;
}

void conf_jail_free(struct conf_jail *j)
{
	for (size_t i = 0; i < j->n; i++) {
		free(j->p[i].name);
		clear_values(&j->p[i]);
	}
	free(j->p);
	free(j->slot);
	memset(j, 0, sizeof(*j));
	j->head = j->tail = CONF_NONE;
}

int conf_resolve(const struct sj_conf *c, const struct conf_section *s, struct conf_jail *j,
		 sj_error *err)
{
	*j = (struct conf_jail){ .name = s->name, .loc = s->loc, .head = CONF_NONE,
				 .tail = CONF_NONE };
	if (collect(c, s, j, err) < 0 || resolve_refs(c, j, err) < 0) {
		conf_jail_free(j);
		return -1;
	}
	/* Variables served the substitutions only. */
	for (size_t k = j->head; k != CONF_NONE; k = j->p[k].next)
		if (j->p[k].var)
			unlink_param(j, k);
	return 0;
}
