/*
 * conf.h: jail.conf(5), FreeBSD's configuration file for jail(8), shared
 * by conf.c (the lexer and parser), conf-resolve.c (a jail's effective
 * parameters), conf-apply.c (jail -e's line, applying them), conf-load.c
 * (files, globs and the public sj_conf_* functions), the unit tests and
 * the fuzz target.
 *
 * The parser and the resolver are pure logic: no globals, no output,
 * no file access.  Files come through a struct conf_loader, parameters
 * go out through a struct conf_sink, warnings through a callback.
 *
 * The model is FreeBSD's (usr.sbin/jail/config.c): a file is a list of
 * sections (jail blocks, wildcard blocks, and one section of the global
 * parameters, named "*"), in the order each one was opened; a jail's
 * parameters are collected from every section that applies to it in
 * that order, then variables are substituted.
 */
#ifndef SJ_CONF_H
#define SJ_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sj-private.h"

#define CONF_MAX_INCLUDE 32		/* .include depth, as FreeBSD's */
#define CONF_MAX_NEST 32		/* jail blocks inside jail blocks */
#define CONF_MAX_FILE (1u << 20)	/* bytes in one file */
#define CONF_MAX_FILES 1024		/* files read in one load */
#define CONF_MAX_STMTS 100000		/* statements in one load */
#define CONF_MAX_VALUES 4096		/* values in one statement */
#define CONF_MAX_WILD 1000		/* wildcard blocks, the globals too */
#define CONF_MAX_GROWTH (16u << 20)	/* bytes substitution adds to a jail */

/* Where something was written: file index, 1-based line and byte column. */
struct conf_loc {
	uint32_t file, line, col;
};

/* A variable reference: "$name" or "${name}", cut out of a value. */
struct conf_ref {
	char *name;
	size_t pos;			/* where its value goes in the text */
	struct conf_loc loc;
};

/* One value of a statement: literal text and the references into it. */
struct conf_value {
	char *text;			/* escapes done, references cut out */
	size_t len;
	struct conf_ref *ref;
	size_t nref;
	struct conf_loc loc;
};

enum conf_op {
	CONF_BARE,			/* name; */
	CONF_SET,			/* name = v, ...;  or  name v, ...; */
	CONF_APPEND,			/* name += v, ...; */
};

/* One statement: a parameter, or a variable ("$name = ..."). */
struct conf_stmt {
	char *name;
	bool var;
	uint8_t op;			/* enum conf_op */
	struct conf_value *val;
	size_t nval;
	struct conf_loc loc;
};

/* A jail block, a wildcard block ("*", "foo.*"), or the globals ("*"). */
struct conf_section {
	char *name;			/* nested blocks: "outer.inner" */
	bool wild;
	bool global;
	struct conf_loc loc;
	struct conf_stmt *stmt;
	size_t nstmt, cap;
};

/* A parsed configuration: sections in the order each was opened. */
struct sj_conf {
	struct conf_section *sec;
	size_t nsec, capsec;
	size_t global;			/* index of the globals, or SIZE_MAX */
	char **file;			/* names for messages */
	size_t nfile;
	size_t nstmt;			/* statements and blocks: CONF_MAX_STMTS */
	size_t *jail, njail;		/* jail sections, in order */
	size_t *byname;			/* the same, sorted by name */
	size_t *wild, nwild;		/* wildcard sections, in order */
	sj_conf_warn_fn *warn;
	void *warn_ctx;
};

/* A file's text, as a loader hands it to the parser. */
struct conf_text {
	const char *text;
	size_t len;
	char *owned;			/* freed by the parser when not NULL */
	char *name;			/* display name, taken by the parser */
};

/*
 * What the parser needs from outside: the files ".include PATTERN"
 * names, written in the file called FROM.  include() fills *OUT with *N
 * texts (malloc'ed array, taken by the parser), in the order they are
 * to be read; none is fine for a glob that matches nothing.  On failure
 * it returns -1 with ERR set and keeps nothing allocated.
 */
struct conf_loader {
	int (*include)(void *ctx, const char *from, const char *pattern,
		       struct conf_text **out, size_t *n, sj_error *err);
	void *ctx;
};

/*
 * Parse TEXT, called NAME, into C (allocated, empty or holding earlier
 * files).  On failure returns -1 and ERR says "file:line:col: what was
 * expected"; C then holds what was parsed before, and is only fit for
 * conf_free().  LD may be NULL: .include is then an error.
 */
int conf_parse(struct sj_conf *c, const char *name, const char *text, size_t len,
	       const struct conf_loader *ld, sj_error *err);
struct sj_conf *conf_new(sj_error *err);
void conf_free(struct sj_conf *c);
void conf_value_free(struct conf_value *v);
void conf_stmt_free(struct conf_stmt *st);

/* "file:line:col" of LOC, into BUF. */
const char *conf_where(const struct sj_conf *c, struct conf_loc loc, char *buf, size_t len);

/* Warn through C's callback, if any: "file:line:col: message". */
void conf_warn(const struct sj_conf *c, struct conf_loc loc, const char *fmt, ...)
	SJ_PRINTF(3, 4);

/* Index C's sections once parsed: jails in order and by name (two of
 * one name are an error), wildcards.  conf_parse() calls it. */
int conf_index(struct sj_conf *c, sj_error *err);

/* Jails (sections that are not wildcards), in file order. */
size_t conf_jail_count(const struct sj_conf *c);
const struct conf_section *conf_jail_at(const struct sj_conf *c, size_t i);
const struct conf_section *conf_jail_find(const struct sj_conf *c, const char *name);

/* FreeBSD's rules on names (config.c): wildcards, and "no" prefixes. */
bool conf_wild_name(const char *name);
bool conf_wild_match(const char *jail, const char *wild);
bool conf_equal_opts(const char *a, const char *b);

/* A jail's effective parameter: name, values after substitution. */
struct conf_param {
	char *name;
	bool var;			/* a variable: gone once resolved */
	bool immutable;			/* name, jid: set once */
	bool implied;			/* from the block's name */
	struct conf_value *val;		/* nref 0 once resolved */
	size_t nval;
	struct conf_loc loc;		/* the statement that set it last */
	size_t prev, next;		/* FreeBSD's order: a list, CONF_NONE ends */
	uint32_t hash;			/* of the name without "no" prefixes */
	int gen;			/* substitution: which chain saw it */
};

#define CONF_NONE SIZE_MAX

/* A jail's effective parameters: p[] never moves, the order is a list. */
struct conf_jail {
	const char *name;		/* the block's */
	struct conf_loc loc;
	bool numeric;			/* the block's name is a jid */
	struct conf_param *p;
	size_t n, cap;
	size_t head, tail;
	uint32_t *slot;			/* hash index: 1 + index into p, 0 empty */
	size_t nslot;
	size_t growth;			/* bytes substitution added so far */
};

/*
 * Collect the parameters of jail section S from every section of C that
 * applies, in FreeBSD's order, and substitute variables.  -1 with ERR
 * ("file:line:col: ...") when a reference cannot be resolved or a
 * statement conflicts; J is then empty.
 */
int conf_resolve(const struct sj_conf *c, const struct conf_section *s, struct conf_jail *j,
		 sj_error *err);
void conf_jail_free(struct conf_jail *j);

/* One line of jail -e SEP for a resolved jail (malloc'ed, no newline). */
char *conf_format(const struct conf_jail *j, const char *sep, sj_error *err);

/* Where a resolved jail's parameters go: sj_jail_set() and friends. */
struct conf_sink {
	int (*set)(void *ctx, const char *name, const char *value, sj_error *err);
	int (*add)(void *ctx, const char *name, const char *value, sj_error *err);
	int (*command)(void *ctx, char *const argv[], sj_error *err);
	void *ctx;
};

/*
 * Hand resolved jail J's parameters to SINK, as FreeBSD's jail(8) means
 * them; C for locations and warnings.  Errors say "file:line:col: ...".
 */
int conf_apply(const struct sj_conf *c, const struct conf_jail *j, const struct conf_sink *sink,
	       sj_error *err);

#endif /* SJ_CONF_H */
