/*
 * conf.c: jail.conf(5)'s lexer and parser.
 *
 * The language is FreeBSD's (usr.sbin/jail/jaillex.l, jailparse.y):
 *
 *   file      := { statement | jail | ';' }
 *   jail      := word '{' { statement | jail | ';' } '}'
 *   statement := name [ [ '=' | '+=' ] value { ',' value } ] ';'
 *   name      := word | '$' word          (a variable)
 *
 * A value is a run of pieces with nothing between them: unquoted text,
 * 'single-quoted' and "double-quoted" strings (both take C escapes),
 * backslash escapes, and "$name" or "${name}" references, which are not
 * expanded inside single quotes.  Comments are #, // and C's.  A jail
 * block inside another names "outer.inner"; ".include" reads other
 * files in place.  Pure logic: files come from a struct conf_loader.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"

enum tok_kind { T_EOF, T_SEMI, T_COMMA, T_EQ, T_PLEQ, T_LBRACE, T_RBRACE, T_WORD };

/* A token; a word is every piece up to the next separator. */
struct token {
	enum tok_kind kind;
	struct conf_loc loc;
	const char *src;		/* its text in the file, for messages */
	size_t srclen;
	struct conf_value v;		/* T_WORD, owned */
	unsigned npieces;
	bool first_ref;			/* begins with a reference: "$name" */
	size_t capref;
};

/* One file being read. */
struct lexer {
	const char *p, *end;
	struct conf_loc at;
	struct token tok;		/* the lookahead, once peeked */
	bool have;
};

struct parser {
	struct sj_conf *c;
	const struct conf_loader *ld;
	sj_error *err;
	struct lexer *lx;
	size_t cur;			/* open jail section, SIZE_MAX: none */
	unsigned nest;
	uint32_t stack[CONF_MAX_INCLUDE + 1];	/* files being read */
	unsigned depth;
};

/* Growable text of a word being lexed. */
struct buf {
	char *s;
	size_t len, cap;
};

static int fail_at(struct parser *ps, struct conf_loc loc, const char *fmt, ...)
	SJ_PRINTF(3, 4);

static int fail_at(struct parser *ps, struct conf_loc loc, const char *fmt, ...)
{
	char where[300], msg[SJ_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sj_fail(ps->err, EINVAL, "%s: %s",
		       conf_where(ps->c, loc, where, sizeof(where)), msg);
}

static int oom(struct parser *ps)
{
	return sj_fail(ps->err, ENOMEM, "out of memory");
}

static int buf_add(struct parser *ps, struct buf *b, char ch)
{
	if (b->len + 1 >= b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 32;
		char *s = realloc(b->s, cap);

		if (!s)
			return oom(ps);
		b->s = s;
		b->cap = cap;
	}
	b->s[b->len++] = ch;
	b->s[b->len] = '\0';
	return 0;
}

/* Move over N bytes, counting lines and columns. */
static void advance(struct lexer *lx, size_t n)
{
	for (; n > 0 && lx->p < lx->end; n--, lx->p++) {
		if (*lx->p == '\n') {
			lx->at.line++;
			lx->at.col = 1;
		} else {
			lx->at.col++;
		}
	}
}

static int peekc(const struct lexer *lx, size_t i)
{
	return lx->p + i < lx->end ? (unsigned char)lx->p[i] : -1;
}

/* The characters of unquoted text (jaillex.l's atomic strings). */
static bool is_atom(int ch)
{
	return ch > 0 && ch < 128 && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
				      (ch >= '0' && ch <= '9') || strchr("_!%&()-.:<>?@[]^`|~", ch));
}

static bool is_name_start(int ch)
{
	return ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static bool is_name_char(int ch)
{
	return is_name_start(ch) || (ch >= '0' && ch <= '9');
}

/* Whether a piece of a word starts here, so the word goes on. */
static bool piece_starts(const struct lexer *lx)
{
	int ch = peekc(lx, 0), next = peekc(lx, 1);

	if (is_atom(ch) || ch == '\\' || ch == '\'' || ch == '"' || ch == '$' || ch == '*')
		return true;
	if (ch == '+')
		return next != '=';
	if (ch == '/')
		return next != '/' && next != '*';
	return false;
}

/* Whitespace and comments. */
static int skip_blank(struct parser *ps)
{
	struct lexer *lx = ps->lx;

	for (;;) {
		int ch = peekc(lx, 0), next = peekc(lx, 1);

		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
			advance(lx, 1);
		} else if (ch == '#' || (ch == '/' && next == '/')) {
			const char *nl = memchr(lx->p, '\n', (size_t)(lx->end - lx->p));

			advance(lx, nl ? (size_t)(nl - lx->p) : (size_t)(lx->end - lx->p));
		} else if (ch == '/' && next == '*') {
			struct conf_loc at = lx->at;
			const char *close = memmem(lx->p + 2, (size_t)(lx->end - lx->p - 2), "*/", 2);

			if (!close)
				return fail_at(ps, at, "unterminated comment: expected '*/'");
			advance(lx, (size_t)(close + 2 - lx->p));
		} else {
			return 0;
		}
	}
}

/* A backslash escape, the backslash at the cursor; appends its byte. */
static int escape(struct parser *ps, struct buf *b)
{
	struct lexer *lx = ps->lx;
	struct conf_loc at = lx->at;
	int ch = peekc(lx, 1), v = 0, n = 0;
	static const char from[] = "abfnrtv", to[] = "\a\b\f\n\r\t\v";

	if (ch < 0)
		return fail_at(ps, at, "expected a character after '\\', got the end of the file");
	advance(lx, 2);
	if (ch == '\n')
		return 0;		/* a line continues */
	if (ch >= '0' && ch <= '7') {
		v = ch - '0';
		for (; n < 2 && peekc(lx, 0) >= '0' && peekc(lx, 0) <= '7'; n++, advance(lx, 1))
			v = v * 8 + peekc(lx, 0) - '0';
	} else if (ch == 'x') {
		for (int d; n < 2; n++, advance(lx, 1)) {
			d = peekc(lx, 0);
			if (d >= '0' && d <= '9')
				v = v * 16 + d - '0';
			else if ((d | 0x20) >= 'a' && (d | 0x20) <= 'f')
				v = v * 16 + (d | 0x20) - 'a' + 10;
			else
				break;
		}
	} else {
		const char *k = ch > 0 ? strchr(from, ch) : NULL;

		v = k ? to[k - from] : ch;
	}
	if ((v & 0xff) == 0)
		return fail_at(ps, at, "a value cannot hold a NUL byte");
	return buf_add(ps, b, (char)v);
}

/* Add a reference NAME at the end of the word's text so far. */
static int add_ref(struct parser *ps, struct token *t, char *name, struct conf_loc at,
		   size_t pos)
{
	if (t->v.nref == t->capref) {
		size_t cap = t->capref ? 2 * t->capref : 4;
		struct conf_ref *r = realloc(t->v.ref, cap * sizeof(*r));

		if (!r) {
			free(name);
			return oom(ps);
		}
		t->v.ref = r;
		t->capref = cap;
	}
	t->v.ref[t->v.nref++] = (struct conf_ref){ name, pos, at };
	return 0;
}

/* "$name" or "${name}" at the cursor; a '$' before anything else is text. */
static int reference(struct parser *ps, struct token *t, struct buf *b, bool quoted)
{
	struct lexer *lx = ps->lx;
	struct conf_loc at = lx->at;
	struct buf name = { 0 };
	int ch = peekc(lx, 1);

	if (is_name_start(ch)) {
		advance(lx, 1);
		while (is_name_char(peekc(lx, 0))) {
			if (buf_add(ps, &name, (char)peekc(lx, 0)) < 0)
				goto fail;
			advance(lx, 1);
		}
	} else if (ch == '{') {
		advance(lx, 2);
		while ((ch = peekc(lx, 0)) != '}') {
			if (ch <= 0 || ch == '\n' || ch == '{' || (quoted && ch == '"')) {
				fail_at(ps, at, "unterminated variable: expected '}'");
				goto fail;
			}
			if (ch == '\\' ? escape(ps, &name) < 0 : buf_add(ps, &name, (char)ch) < 0)
				goto fail;
			if (ch != '\\')
				advance(lx, 1);
		}
		advance(lx, 1);
		if (!name.s) {
			fail_at(ps, at, "expected a variable name between '${' and '}'");
			goto fail;
		}
	} else {
		advance(lx, 1);
		return buf_add(ps, b, '$');
	}
	return add_ref(ps, t, name.s, at, b->len);
fail:
	free(name.s);
	return -1;
}

/* A quoted string, the quote at the cursor; "double" ones hold references. */
static int quoted(struct parser *ps, struct token *t, struct buf *b)
{
	struct lexer *lx = ps->lx;
	struct conf_loc at = lx->at;
	int q = peekc(lx, 0), ch;

	advance(lx, 1);
	while ((ch = peekc(lx, 0)) != q) {
		int r;

		if (ch < 0)
			return fail_at(ps, at, "unterminated string: expected a closing %c", q);
		if (ch == 0)
			return fail_at(ps, lx->at, "a value cannot hold a NUL byte");
		if (ch == '\\') {
			r = escape(ps, b);
		} else if (ch == '$' && q == '"') {
			r = reference(ps, t, b, true);
			t->npieces++;
		} else {
			r = buf_add(ps, b, (char)ch);
			advance(lx, 1);
		}
		if (r < 0)
			return -1;
	}
	advance(lx, 1);
	return 0;
}

/* One piece of a word, at the cursor. */
static int piece(struct parser *ps, struct token *t, struct buf *b)
{
	struct lexer *lx = ps->lx;
	int ch = peekc(lx, 0);

	t->npieces++;
	if (is_atom(ch)) {
		while (is_atom(peekc(lx, 0))) {
			if (buf_add(ps, b, (char)peekc(lx, 0)) < 0)
				return -1;
			advance(lx, 1);
		}
		return 0;
	}
	if (ch == '\\')
		return escape(ps, b);
	if (ch == '\'' || ch == '"')
		return quoted(ps, t, b);
	if (ch == '$') {
		if (t->npieces == 1 && (is_name_start(peekc(lx, 1)) || peekc(lx, 1) == '{'))
			t->first_ref = true;
		return reference(ps, t, b, false);
	}
	advance(lx, 1);			/* '*', '+' or '/' */
	return buf_add(ps, b, (char)ch);
}

static int lex_word(struct parser *ps, struct token *t)
{
	struct buf b = { 0 };

	t->kind = T_WORD;
	while (piece_starts(ps->lx))
		if (piece(ps, t, &b) < 0) {
			free(b.s);
			return -1;
		}
	if (!b.s && !(b.s = strdup("")))
		return oom(ps);
	t->v.text = b.s;
	t->v.len = b.len;
	t->v.loc = t->loc;
	return 0;
}

static void tok_clear(struct token *t)
{
	conf_value_free(&t->v);
	memset(t, 0, sizeof(*t));
}

/* Read the next token into the lookahead. */
static int lex(struct parser *ps)
{
	struct lexer *lx = ps->lx;
	struct token *t = &lx->tok;
	static const char punct[] = ";,={}";
	static const enum tok_kind kinds[] = { T_SEMI, T_COMMA, T_EQ, T_LBRACE, T_RBRACE };
	int ch;

	memset(t, 0, sizeof(*t));
	if (skip_blank(ps) < 0)
		return -1;
	t->loc = lx->at;
	t->src = lx->p;
	ch = peekc(lx, 0);
	if (ch < 0) {
		t->kind = T_EOF;
	} else if (ch == '+' && peekc(lx, 1) == '=') {
		t->kind = T_PLEQ;
		advance(lx, 2);
	} else if (ch && strchr(punct, ch)) {
		t->kind = kinds[strchr(punct, ch) - punct];
		advance(lx, 1);
	} else if (piece_starts(lx)) {
		if (lex_word(ps, t) < 0) {
			tok_clear(t);
			return -1;
		}
	} else if (ch >= 0x20 && ch < 0x7f) {
		return fail_at(ps, t->loc, "unexpected character '%c'", ch);
	} else {
		return fail_at(ps, t->loc, "unexpected byte 0x%02x outside quotes", (unsigned)ch);
	}
	t->srclen = (size_t)(lx->p - t->src);
	lx->have = true;
	return 0;
}

static struct token *peek(struct parser *ps)
{
	if (!ps->lx->have && lex(ps) < 0)
		return NULL;
	return &ps->lx->tok;
}

/* Drop the lookahead (its word, if not taken). */
static void consume(struct parser *ps)
{
	tok_clear(&ps->lx->tok);
	ps->lx->have = false;
}

/* The lookahead as a message shows it. */
static const char *shown(const struct token *t, char *buf, size_t len)
{
	size_t n = t->srclen;
	const char *nl = memchr(t->src, '\n', n);

	if (t->kind == T_EOF)
		return "the end of the file";
	if (nl)
		n = (size_t)(nl - t->src);
	snprintf(buf, len, "'%.*s%s'", (int)(n > 40 ? 40 : n), t->src, n > 40 ? "..." : "");
	return buf;
}

static int expected(struct parser *ps, const struct token *t, const char *what)
{
	char buf[64];

	return fail_at(ps, t->loc, "expected %s, got %s", what, shown(t, buf, sizeof(buf)));
}

/* Section bookkeeping. */

/* A section NAME (taken); IMPLIED: the globals', not a statement. */
static int add_section(struct parser *ps, char *name, struct conf_loc loc, bool implied,
		       size_t *idx)
{
	struct sj_conf *c = ps->c;
	bool wild = conf_wild_name(name);

	if ((!implied && ++c->nstmt > CONF_MAX_STMTS) || (wild && ++c->nwild > CONF_MAX_WILD)) {
		free(name);
		return fail_at(ps, loc, "more than %d %s", wild ? CONF_MAX_WILD : CONF_MAX_STMTS,
			       wild ? "wildcard blocks" : "statements and blocks");
	}
	if (c->nsec == c->capsec) {
		size_t cap = c->capsec ? 2 * c->capsec : 8;
		struct conf_section *v = realloc(c->sec, cap * sizeof(*v));

		if (!v) {
			free(name);
			return oom(ps);
		}
		c->sec = v;
		c->capsec = cap;
	}
	*idx = c->nsec;
	c->sec[c->nsec++] = (struct conf_section){ .name = name, .loc = loc, .wild = wild };
	return 0;
}

static int add_stmt(struct parser *ps, struct conf_section *s, struct conf_stmt *st)
{
	if (s->nstmt == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 8;
		struct conf_stmt *v = realloc(s->stmt, cap * sizeof(*v));

		if (!v)
			return oom(ps);
		s->stmt = v;
		s->cap = cap;
	}
	s->stmt[s->nstmt++] = *st;
	return 0;
}


/* The section a statement outside any block goes to: FreeBSD's one
 * "*" pseudo-jail, placed where the first such statement is. */
static int global_section(struct parser *ps, struct conf_loc loc, size_t *idx)
{
	char *star;

	if (ps->c->global != SIZE_MAX) {
		*idx = ps->c->global;
		return 0;
	}
	if (!(star = strdup("*")))
		return oom(ps);
	if (add_section(ps, star, loc, true, idx) < 0)
		return -1;
	ps->c->sec[*idx].global = true;
	ps->c->global = *idx;
	return 0;
}

static int parse_text(struct parser *ps, uint32_t file, const char *text, size_t len);
static int parse_block(struct parser *ps, const struct token *open);

static int add_file(struct parser *ps, char *name, uint32_t *idx)
{
	struct sj_conf *c = ps->c;
	char **v;

	if (!name)
		return oom(ps);
	v = realloc(c->file, (c->nfile + 1) * sizeof(*v));
	if (!v) {
		free(name);
		return oom(ps);
	}
	c->file = v;
	*idx = (uint32_t)c->nfile;
	v[c->nfile++] = name;
	return 0;
}

/* One file an .include names, read in place with a lexer of its own. */
static int parse_included(struct parser *ps, const struct conf_value *v, struct conf_text *t)
{
	struct lexer *outer = ps->lx;
	uint32_t idx;
	int r;

	if (ps->c->nfile >= CONF_MAX_FILES)
		return fail_at(ps, v->loc, ".include: more than %d files in all", CONF_MAX_FILES);
	r = add_file(ps, t->name, &idx);
	t->name = NULL;
	if (r < 0)
		return -1;
	for (unsigned i = 0; i <= ps->depth; i++)
		if (strcmp(ps->c->file[ps->stack[i]], ps->c->file[idx]) == 0)
			return fail_at(ps, v->loc, ".include \"%s\": %s includes itself",
				       v->text, ps->c->file[idx]);
	ps->stack[++ps->depth] = idx;
	r = parse_text(ps, idx, t->text, t->len);
	ps->depth--;
	ps->lx = outer;
	return r;
}

/* ".include" each value: files in place, in the current block. */
static int include(struct parser *ps, const struct conf_stmt *st)
{
	const char *from = ps->c->file[ps->lx->at.file];

	for (size_t i = 0; i < st->nval; i++) {
		const struct conf_value *v = &st->val[i];
		struct conf_text *t = NULL;
		size_t n = 0;
		int r = 0;
		char where[300];

		if (v->nref)
			return fail_at(ps, v->ref[0].loc, "variables are not permitted in an "
				       ".include file name");
		if (!ps->ld || !ps->ld->include)
			return fail_at(ps, v->loc, ".include is not available here");
		if (ps->depth == CONF_MAX_INCLUDE)
			return fail_at(ps, v->loc, ".include nested more than %d deep",
				       CONF_MAX_INCLUDE);
		if (ps->ld->include(ps->ld->ctx, from, v->text, &t, &n, ps->err) < 0) {
			sj_error_prefix(ps->err, "%s: .include \"%s\"",
					conf_where(ps->c, v->loc, where, sizeof(where)), v->text);
			return -1;
		}
		for (size_t k = 0; k < n; k++) {
			if (r == 0)
				r = parse_included(ps, v, &t[k]);
			free(t[k].owned);
			free(t[k].name);
		}
		free(t);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* Take the lookahead's word. */
static struct conf_value take_word(struct parser *ps)
{
	struct conf_value v = ps->lx->tok.v;

	memset(&ps->lx->tok.v, 0, sizeof(ps->lx->tok.v));
	consume(ps);
	return v;
}

/* value { ',' value } ';' into ST. */
static int parse_values(struct parser *ps, struct conf_stmt *st)
{
	struct token *t;

	for (;;) {
		if (!(t = peek(ps)))
			return -1;
		if (t->kind != T_WORD)
			return expected(ps, t, "a value");
		if (st->nval == CONF_MAX_VALUES)
			return fail_at(ps, t->loc, "more than %d values", CONF_MAX_VALUES);
		if (st->nval % 8 == 0) {
			struct conf_value *v = realloc(st->val, (st->nval + 8) * sizeof(*v));

			if (!v)
				return oom(ps);
			st->val = v;
		}
		st->val[st->nval++] = take_word(ps);
		if (!(t = peek(ps)))
			return -1;
		if (t->kind == T_SEMI)
			break;
		if (t->kind != T_COMMA)
			return expected(ps, t, "',' or ';'");
		consume(ps);
	}
	consume(ps);
	return 0;
}

/* The rest of a statement after its name: ';', '= v;', '+= v;' or 'v;'. */
static int parse_statement(struct parser *ps, struct conf_stmt *st, bool *nameval)
{
	struct token *t = peek(ps);

	if (!t)
		return -1;
	*nameval = false;
	switch (t->kind) {
	case T_SEMI:
		consume(ps);
		st->op = CONF_BARE;
		return 0;
	case T_EQ:
	case T_PLEQ:
		st->op = t->kind == T_EQ ? CONF_SET : CONF_APPEND;
		consume(ps);
		return parse_values(ps, st);
	case T_WORD:
		st->op = CONF_SET;
		*nameval = true;
		return parse_values(ps, st);
	default:
		return expected(ps, t, "'=', '+=', a value, ';' or '{'");
	}
}

/* NAME '{' ... '}': the lookahead is '{', NAME the word before it. */
static int jail_block(struct parser *ps, struct token *name)
{
	struct sj_conf *c = ps->c;
	size_t outer = ps->cur, idx;
	char *full;
	int r;

	if (name->v.nref)
		return fail_at(ps, name->v.ref[0].loc, "a jail name cannot hold variables");
	if (name->v.len == 0)
		return fail_at(ps, name->loc, "a jail name cannot be empty");
	if (ps->nest == CONF_MAX_NEST)
		return fail_at(ps, name->loc, "jail blocks nested more than %d deep", CONF_MAX_NEST);
	full = malloc((outer == SIZE_MAX ? 0 : strlen(c->sec[outer].name) + 1) + name->v.len + 1);
	if (!full)
		return oom(ps);
	sprintf(full, "%s%s%s", outer == SIZE_MAX ? "" : c->sec[outer].name,
		outer == SIZE_MAX ? "" : ".", name->v.text);
	if (add_section(ps, full, name->loc, false, &idx) < 0)
		return -1;
	consume(ps);			/* '{' */
	ps->cur = idx;
	ps->nest++;
	r = parse_block(ps, name);
	ps->nest--;
	ps->cur = outer;
	return r;
}

/* A word at the start of a statement: a jail block or a parameter. */
static int word_statement(struct parser *ps)
{
	struct token name = ps->lx->tok, *t;
	struct conf_stmt st = { 0 };
	size_t sec;
	bool nameval;
	int r;

	memset(&ps->lx->tok, 0, sizeof(ps->lx->tok));
	ps->lx->have = false;
	if (!(t = peek(ps)))
		goto fail;
	if (t->kind == T_LBRACE) {
		r = jail_block(ps, &name);
		tok_clear(&name);
		return r;
	}
	if (name.npieces != 1) {
		expected(ps, t, "'{' (a parameter's name is one word or one quoted string)");
		goto fail;
	}
	st.var = name.first_ref;
	st.loc = name.loc;
	if (st.var) {
		st.name = name.v.ref[0].name;
		name.v.ref[0].name = NULL;
	} else {
		st.name = name.v.text;
		name.v.text = NULL;
	}
	tok_clear(&name);
	if (parse_statement(ps, &st, &nameval) < 0)
		goto fail_stmt;
	if (!st.var && strcmp(st.name, ".include") == 0) {
		if (!nameval) {
			fail_at(ps, st.loc, ".include takes file names and no '=' or '+=': "
				".include \"file\";");
			goto fail_stmt;
		}
		r = include(ps, &st);
		conf_stmt_free(&st);
		return r;
	}
	if (++ps->c->nstmt > CONF_MAX_STMTS) {
		fail_at(ps, st.loc, "more than %d statements and blocks", CONF_MAX_STMTS);
		goto fail_stmt;
	}
	sec = ps->cur;
	if (sec == SIZE_MAX && global_section(ps, st.loc, &sec) < 0)
		goto fail_stmt;
	if (add_stmt(ps, &ps->c->sec[sec], &st) < 0)
		goto fail_stmt;
	return 0;
fail:
	tok_clear(&name);
	return -1;
fail_stmt:
	conf_stmt_free(&st);
	return -1;
}

/* Statements and jail blocks up to the end of the file or OPEN's '}'. */
static int parse_block(struct parser *ps, const struct token *open)
{
	char where[300];

	for (;;) {
		struct token *t = peek(ps);

		if (!t)
			return -1;
		switch (t->kind) {
		case T_EOF:
			if (!open)
				return 0;
			return fail_at(ps, t->loc, "expected '}' to close jail '%s' opened at %s, "
				       "got the end of the file", open->v.text,
				       conf_where(ps->c, open->loc, where, sizeof(where)));
		case T_RBRACE:
			if (!open)
				return fail_at(ps, t->loc, "unexpected '}': no jail block is open");
			consume(ps);
			return 0;
		case T_SEMI:
			consume(ps);
			break;
		case T_WORD:
			if (word_statement(ps) < 0)
				return -1;
			break;
		default:
			return expected(ps, t, "a parameter, a jail block or ';'");
		}
	}
}

/* Read one file's text as file FILE. */
static int parse_text(struct parser *ps, uint32_t file, const char *text, size_t len)
{
	struct lexer lx = { .p = text, .end = text + len, .at = { file, 1, 1 } };
	int r;

	ps->lx = &lx;
	if (len > CONF_MAX_FILE)
		r = fail_at(ps, lx.at, "larger than %u bytes", CONF_MAX_FILE);
	else
		r = parse_block(ps, NULL);
	if (lx.have)
		tok_clear(&lx.tok);
	return r;
}

int conf_parse(struct sj_conf *c, const char *name, const char *text, size_t len,
	       const struct conf_loader *ld, sj_error *err)
{
	struct parser ps = { .c = c, .ld = ld, .err = err, .cur = SIZE_MAX };
	uint32_t idx;

	if (add_file(&ps, strdup(name), &idx) < 0)
		return -1;
	ps.stack[0] = idx;
	if (parse_text(&ps, idx, text, len) < 0)
		return -1;
	return conf_index(c, err);
}
