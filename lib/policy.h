/*
 * policy.h: the seccomp policy language (policies/README.md), shared by
 * policy.c (the parser and the pure logic of conditions), seccomp.c
 * (compiling to BPF, the cache), the unit tests and the fuzz target.
 *
 * Nothing here calls libseccomp: a parsed policy is plain data, and a
 * condition is compiled into comparisons libseccomp can express by pure
 * functions that the tests check against a direct evaluation.
 */
#ifndef SJ_POLICY_H
#define SJ_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sj-private.h"

#define POL_NAME_MAX 40		/* longest syscall name + 1 */
#define POL_MAX_ARGS 6		/* arg0 .. arg5 */
#define POL_MAX_VALUES 32	/* values in one "in" list */
#define POL_MAX_INCLUDE 8	/* @include depth */
#define POL_MAX_NEST 16		/* @when / @unless depth */
#define POL_MAX_LINE 4096	/* bytes in one line */
#define POL_MAX_LINES 100000	/* lines read in one parse, includes too */
#define POL_MAX_FILE (1u << 20)	/* bytes in one policy file */
#define POL_MAX_CMPS 512	/* comparisons one condition compiles to */
#define POL_MAX_TERMS 1024	/* libseccomp rules one deny ... if makes */

/* The jail parameters a policy can test with @when / @unless. */
enum pol_param {
	POL_RAW_SOCKETS,	/* allow.raw_sockets */
	POL_SOCKET_AF,		/* allow.socket_af */
	POL_SET_HOSTNAME,	/* allow.set_hostname */
	POL_SYSVIPC,		/* allow.sysvipc */
	POL_MOUNT,		/* allow.mount */
	/* Derived, for a jail confined in place (no namespaces): the
	 * host's IPC, or the host's network, that the jail did not ask for
	 * (allow.sysvipc, ip4=inherit ip6=inherit). */
	POL_HOST_IPC,		/* sysjail.host_ipc */
	POL_HOST_NET,		/* sysjail.host_net */
	POL_NPARAMS,
};

/* Condition operators, as written. */
enum pol_op { POL_EQ, POL_NE, POL_LT, POL_LE, POL_GT, POL_GE, POL_IN, POL_NOTIN };

/* One condition: (argN & mask) OP value(s); mask is ~0 when not written. */
struct pol_cond {
	uint8_t arg;
	uint8_t op;			/* enum pol_op */
	bool masked;
	uint8_t nval;
	uint64_t mask;
	uint64_t val[POL_MAX_VALUES];
};

/* One rule: allow or deny a syscall, maybe only when conditions hold. */
struct pol_rule {
	char name[POL_NAME_MAX];
	int errnum;			/* 0: allow */
	uint32_t file;			/* index into pol.file */
	uint32_t line;
	bool in_block;			/* written inside @when / @unless */
	uint8_t ncond;
	struct pol_cond *cond;		/* NULL: unconditional */
};

/*
 * A parsed policy: the unconditional rules (one per syscall, the last
 * one written wins) and the conditional ones, in the order written.
 */
struct pol {
	struct pol_rule *rule;
	size_t nrule, caprule;
	char **file;			/* names for diagnostics */
	size_t nfile;
	uint32_t *slot;			/* hash index of unconditional rules */
	size_t nslot;
};

/* The text of one policy file, as a loader hands it to the parser. */
struct pol_text {
	const char *text;
	size_t len;
	char *owned;			/* freed by the parser when not NULL */
	char *name;			/* display name, taken by the parser */
};

/*
 * What the parser needs from outside: the files @include names, and
 * (optionally) which syscall names exist.  include() fills OUT for NAME as
 * written in the file called FROM, or returns -1 with ERR set.
 */
struct pol_loader {
	int (*include)(void *ctx, const char *from, const char *name,
		       struct pol_text *out, sj_error *err);
	bool (*known)(void *ctx, const char *syscall);
	void *ctx;
	/*
	 * A linter's (sysjail --check-policy): when set, what is wrong but
	 * not a syntax error (an unknown syscall name, a duplicate rule, a
	 * rule that never takes effect, an unreachable call) goes here as
	 * "what" at FILE:LINE, and the parse goes on.  ERROR is false for
	 * what still makes a valid policy.
	 */
	void (*diag)(void *ctx, const char *file, unsigned line, bool error,
		     const char *what);
	void *diag_ctx;
};

/*
 * Parse the policy TEXT called NAME under PARAMS (bits of enum
 * pol_param).  On failure returns -1 and ERR says "file:line: what was
 * expected"; P is then empty.  Never prints, keeps no state.
 */
int pol_parse(struct pol *p, const char *name, const char *text, size_t len,
	      unsigned params, const struct pol_loader *ld, sj_error *err);
void pol_free(struct pol *p);

/* The unconditional rule for NAME, or NULL. */
const struct pol_rule *pol_find(const struct pol *p, const char *name);

/* Names for diagnostics and tests. */
const char *pol_errno_name(int errnum);
const char *pol_param_name(enum pol_param param);

/*
 * One comparison of one argument, as libseccomp can express it: no
 * constraint, x == v, x <= v, x >= v, or (x & mask) == v.
 */
enum pol_cmp_op { POL_CMP_ANY, POL_CMP_EQ, POL_CMP_LE, POL_CMP_GE, POL_CMP_MASKED_EQ };

struct pol_cmp {
	uint8_t op;			/* enum pol_cmp_op */
	uint64_t mask;
	uint64_t val;
};

/* A conjunction: at most one comparison per argument (libseccomp's rule). */
struct pol_term {
	unsigned n;
	uint8_t arg[POL_MAX_ARGS];
	struct pol_cmp cmp[POL_MAX_ARGS];
};

/* Evaluate a condition on an argument value, as the language defines it. */
bool pol_cond_eval(const struct pol_cond *c, uint64_t x);
bool pol_cmp_eval(const struct pol_cmp *k, uint64_t x);

/*
 * Compile condition C for an ABI whose filter sees WIDTH-bit arguments
 * (32 or 64) into a union of at most MAX comparisons.  Returns their
 * number (0: never true), or -1 when more than MAX would be needed.
 */
int pol_cond_compile(const struct pol_cond *c, unsigned width, struct pol_cmp *out,
		     size_t max);

/*
 * Expand rule R at WIDTH into terms (the cross product of its conditions'
 * comparisons) into *OUT (malloc'ed, *N of them).  0 or -1 with ERR.
 */
int pol_rule_expand(const struct pol_rule *r, unsigned width, struct pol_term **out,
		    size_t *n, sj_error *err);

/* Whether two terms can both be true for some argument values. */
bool pol_terms_overlap(const struct pol_term *a, const struct pol_term *b);

/* The profiles in policies/, embedded at build time (policies.c). */
struct pol_embedded {
	const char *name;		/* "default" for default.policy */
	const char *text;
	size_t len;
};

extern const struct pol_embedded pol_embedded[];
extern const size_t pol_nembedded;
extern const uint64_t pol_embedded_hash;	/* of every name and text */

/* seccomp.c, for the unit tests. */
struct sc_stats {
	bool parsed;			/* a policy was parsed */
	bool compiled;			/* libseccomp compiled it */
	bool cache_hit;			/* the programs came from the cache */
	bool cache_written;
};

enum sc_flags {
	SC_CACHE_ONLY = 1 << 0,		/* fail instead of compiling */
	SC_NO_CACHE = 1 << 1,		/* neither read nor write the cache */
};

int sc_prepare_ex(struct sj_jail *j, unsigned flags, struct sc_stats *st, sj_error *err);

int sc_parse(const char *profile, unsigned params,
	     void (*diag)(void *ctx, const char *file, unsigned line, bool error, const char *what),
	     void *diag_ctx, struct pol *out, sj_error *err);
unsigned sc_name_arches(const char *name);
int sc_compile(const struct pol *p, struct sj_bpf *out, sj_error *err);
char *sc_syscall_name(uint32_t arch, int nr);
const char *sc_arch_name(uint32_t arch);
unsigned sc_policy_params(const struct sj_config *c);

/* The ABIs a filter of this machine covers, native first. */
size_t sc_arches(uint32_t *out, size_t max);
unsigned sc_arch_width(uint32_t arch);

#endif /* SJ_POLICY_H */
