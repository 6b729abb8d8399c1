/*
 * polcheck.c: sysjail --check-policy, a linter for seccomp profiles.
 *
 * The profile is loaded as a jail loads it, once for each combination of
 * the parameters its @when blocks can test (so that every block is
 * read in force), by the one parser (policy.c) with its linter's hook,
 * and compiled through libseccomp for this machine's ABIs.  Reported,
 * each at its file and line: syntax errors, unknown syscall names,
 * duplicate rules, rules that never take effect, conditional denies of
 * calls that are not allowed, allows that an always-true deny leaves
 * unreachable, names no ABI of this machine has, and what libseccomp
 * refuses.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"

struct diag {
	char *file;
	unsigned line;
	bool error;
	char *msg;
};

struct lint {
	struct diag *v;
	size_t n, cap;
	bool oom;
};

static void add(struct lint *l, const char *file, unsigned line, bool error, const char *msg)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].line == line && strcmp(l->v[i].file, file) == 0 &&
		    strcmp(l->v[i].msg, msg) == 0)
			return;
	if (l->n == l->cap) {
		struct diag *v = realloc(l->v, (l->cap = l->cap ? l->cap * 2 : 16) * sizeof(*v));

		if (!v) {
			l->oom = true;
			return;
		}
		l->v = v;
	}
	l->v[l->n] = (struct diag){ strdup(file), line, error, strdup(msg) };
	if (!l->v[l->n].file || !l->v[l->n].msg) {
		free(l->v[l->n].file);
		free(l->v[l->n].msg);
		l->oom = true;
		return;
	}
	l->n++;
}

static void collect(void *ctx, const char *file, unsigned line, bool error, const char *what)
{
	add(ctx, file, line, error, what);
}

/* An error message "file:line: what" (the parser's, libseccomp's) as a
 * diagnostic; false when it names no file and line. */
static bool add_error(struct lint *l, const char *msg)
{
	for (const char *p = strchr(msg, ':'); p; p = strchr(p + 1, ':')) {
		size_t digits = strspn(p + 1, "0123456789");
		char file[1024];

		if (digits && p[1 + digits] == ':' && p[2 + digits] == ' ' &&
		    (size_t)(p - msg) < sizeof(file)) {
			snprintf(file, sizeof(file), "%.*s", (int)(p - msg), msg);
			add(l, file, (unsigned)strtoul(p + 1, NULL, 10), true, p + 3 + digits);
			return true;
		}
	}
	return false;
}

/* Rules for names that no ABI of this machine has. */
static void lint_abis(const struct pol *p, struct lint *l)
{
	char msg[128];

	for (size_t i = 0; i < p->nrule; i++) {
		const struct pol_rule *r = &p->rule[i];

		if (sc_name_arches(r->name))
			continue;
		snprintf(msg, sizeof(msg), "%s exists on no ABI of this machine: the rule has no "
			 "effect here", r->name);
		add(l, p->file[r->file], r->line, false, msg);
	}
}

static int cmp_diag(const void *a, const void *b)
{
	const struct diag *x = a, *y = b;
	int c = strcmp(x->file, y->file);

	return c ? c : x->line < y->line ? -1 : x->line > y->line;
}

int sj_policy_check(const char *profile, sj_policy_diag_fn *fn, void *ctx, sj_error *err)
{
	struct lint l = { 0 };
	bool broken = false;
	int r = -1;

	sj_error_clear(err);
	for (unsigned params = 0; params < 1u << POL_NPARAMS && !broken; params++) {
		struct sj_bpf bpf;
		struct pol p;
		sj_error e;

		if (sc_parse(profile, params, collect, &l, &p, &e) < 0) {
			/* A profile that cannot be read at all is the caller's error. */
			if (!add_error(&l, e.msg)) {
				*err = e;
				goto out;
			}
			broken = true;
			continue;
		}
		lint_abis(&p, &l);
		if (sc_compile(&p, &bpf, &e) < 0 && !add_error(&l, e.msg))
			add(&l, p.file[0], 0, true, e.msg);
		for (size_t i = 0; i < SJ_NELEM(bpf.prog); i++)
			free(bpf.prog[i].insns);
		pol_free(&p);
	}
	if (l.oom) {
		sj_fail(err, ENOMEM, "out of memory");
		goto out;
	}
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), cmp_diag);
	for (size_t i = 0; i < l.n; i++) {
		char line[SJ_ERROR_MAX + 1100];

		if (l.v[i].line)
			snprintf(line, sizeof(line), "%s:%u: %s: %s", l.v[i].file, l.v[i].line,
				 l.v[i].error ? "error" : "warning", l.v[i].msg);
		else
			snprintf(line, sizeof(line), "%s: %s: %s", l.v[i].file,
				 l.v[i].error ? "error" : "warning", l.v[i].msg);
		if (fn)
			fn(ctx, line);
	}
	r = (int)l.n;
out:
	for (size_t i = 0; i < l.n; i++) {
		free(l.v[i].file);
		free(l.v[i].msg);
	}
	free(l.v);
	return r;
}
