/*
 * policy.c: the seccomp policy language (policies/README.md).
 *
 * Pure logic, for the fuzzer and the unit tests as much as for
 * seccomp.c: the parser turns text into a struct pol, and a condition
 * on an argument is compiled into comparisons libseccomp can express
 * (one per argument per rule), so that "not in" and "!=" become several
 * rules.  Nothing here calls libseccomp, prints, or keeps state: what
 * the parser needs from outside (included files, known syscall names)
 * comes through a struct pol_loader.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"

/* Symbolic constants a condition may use, from the host's headers where
 * they are certain; the x86 ABIs share every one of these values. */
static const struct constant {
	const char *name;
	uint64_t value;
} constants[] = {
	{ "AF_UNSPEC", 0 }, { "AF_UNIX", 1 }, { "AF_LOCAL", 1 }, { "AF_INET", 2 },
	{ "AF_AX25", 3 }, { "AF_IPX", 4 }, { "AF_APPLETALK", 5 }, { "AF_X25", 9 },
	{ "AF_INET6", 10 }, { "AF_KEY", 15 }, { "AF_NETLINK", 16 }, { "AF_PACKET", 17 },
	{ "AF_RDS", 21 }, { "AF_IRDA", 23 }, { "AF_LLC", 26 }, { "AF_IB", 27 },
	{ "AF_MPLS", 28 }, { "AF_CAN", 29 }, { "AF_TIPC", 30 }, { "AF_BLUETOOTH", 31 },
	{ "AF_ALG", 38 }, { "AF_NFC", 39 }, { "AF_VSOCK", 40 }, { "AF_KCM", 41 },
	{ "AF_QIPCRTR", 42 }, { "AF_SMC", 43 }, { "AF_XDP", 44 }, { "AF_MCTP", 45 },
	{ "SOCK_STREAM", 1 }, { "SOCK_DGRAM", 2 }, { "SOCK_RAW", 3 }, { "SOCK_RDM", 4 },
	{ "SOCK_SEQPACKET", 5 }, { "SOCK_DCCP", 6 }, { "SOCK_PACKET", 10 },
	{ "SOCK_TYPE_MASK", 0xf }, { "SOCK_NONBLOCK", 04000 }, { "SOCK_CLOEXEC", 02000000 },
	{ "NETLINK_ROUTE", 0 }, { "NETLINK_SOCK_DIAG", 4 }, { "NETLINK_AUDIT", 9 },
	{ "NETLINK_KOBJECT_UEVENT", 15 }, { "NETLINK_GENERIC", 16 },
	{ "TIOCSTI", 0x5412 }, { "TIOCLINUX", 0x541c }, { "TIOCSETD", 0x5423 },
	{ "CLONE_NEWTIME", 0x80 }, { "CLONE_NEWNS", 0x20000 },
	{ "CLONE_NEWCGROUP", 0x2000000 }, { "CLONE_NEWUTS", 0x4000000 },
	{ "CLONE_NEWIPC", 0x8000000 }, { "CLONE_NEWUSER", 0x10000000 },
	{ "CLONE_NEWPID", 0x20000000 }, { "CLONE_NEWNET", 0x40000000 },
	{ "CLONE_NS_FLAGS", 0x80 | 0x20000 | 0x2000000 | 0x4000000 | 0x8000000 |
			    0x10000000 | 0x20000000 | 0x40000000 },
	{ "S_IFMT", 0170000 }, { "S_IFSOCK", 0140000 }, { "S_IFLNK", 0120000 },
	{ "S_IFREG", 0100000 }, { "S_IFBLK", 0060000 }, { "S_IFDIR", 0040000 },
	{ "S_IFCHR", 0020000 }, { "S_IFIFO", 0010000 },
	{ "PER_LINUX", 0 }, { "PER_LINUX32", 0x0008 }, { "UNAME26", 0x0020000 },
	{ "ADDR_NO_RANDOMIZE", 0x0040000 }, { "PER_QUERY", 0xffffffff },
	{ "SOL_IP", 0 }, { "SOL_IPV6", 41 }, { "IP_FREEBIND", 15 }, { "IP_TRANSPARENT", 19 },
	{ "IPV6_TRANSPARENT", 75 }, { "IPV6_FREEBIND", 78 },
};

/* The errno values a rule may return. */
static const struct errname {
	const char *name;
	int value;
} errnos[] = {
	{ "EPERM", EPERM }, { "ENOENT", ENOENT }, { "EINTR", EINTR }, { "EIO", EIO },
	{ "ENXIO", ENXIO }, { "E2BIG", E2BIG }, { "EBADF", EBADF }, { "EAGAIN", EAGAIN },
	{ "ENOMEM", ENOMEM }, { "EACCES", EACCES }, { "EFAULT", EFAULT },
	{ "EBUSY", EBUSY }, { "EEXIST", EEXIST }, { "ENODEV", ENODEV },
	{ "EINVAL", EINVAL }, { "ENOTTY", ENOTTY }, { "EROFS", EROFS },
	{ "ENOSYS", ENOSYS }, { "EOPNOTSUPP", EOPNOTSUPP },
	{ "EPROTONOSUPPORT", EPROTONOSUPPORT }, { "ESOCKTNOSUPPORT", ESOCKTNOSUPPORT },
	{ "EPFNOSUPPORT", EPFNOSUPPORT }, { "EAFNOSUPPORT", EAFNOSUPPORT },
	{ "EPROTOTYPE", EPROTOTYPE }, { "ENOTSUP", ENOTSUP },
};

static const char *const param_names[POL_NPARAMS] = {
	[POL_RAW_SOCKETS] = "allow.raw_sockets",
	[POL_SOCKET_AF] = "allow.socket_af",
	[POL_SET_HOSTNAME] = "allow.set_hostname",
	[POL_SYSVIPC] = "allow.sysvipc",
	[POL_MOUNT] = "allow.mount",
	[POL_HOST_IPC] = "sysjail.host_ipc",
	[POL_HOST_NET] = "sysjail.host_net",
};

const char *pol_errno_name(int errnum)
{
	for (size_t i = 0; i < SJ_NELEM(errnos); i++)
		if (errnos[i].value == errnum)
			return errnos[i].name;
	return "?";
}

const char *pol_param_name(enum pol_param param)
{
	return (unsigned)param < POL_NPARAMS ? param_names[param] : "?";
}

/* Bits and compact spaces: a mask's bits taken as a number of their own. */

static unsigned popcount64(uint64_t x)
{
	return (unsigned)__builtin_popcountll(x);
}

/* The bits of X under MASK, packed to the bottom (x86's PEXT). */
static uint64_t pext(uint64_t x, uint64_t mask)
{
	uint64_t r = 0;
	unsigned k = 0;

	for (; mask; mask &= mask - 1, k++)
		if (x & mask & -mask)
			r |= 1ull << k;
	return r;
}

/* The low bits of X spread out to the bits of MASK (x86's PDEP). */
static uint64_t pdep(uint64_t x, uint64_t mask)
{
	uint64_t r = 0;
	unsigned k = 0;

	for (; mask; mask &= mask - 1, k++)
		if (x & (1ull << k))
			r |= mask & -mask;
	return r;
}

static uint64_t low_bits(unsigned n)
{
	return n >= 64 ? ~0ull : (1ull << n) - 1;
}

bool pol_cond_eval(const struct pol_cond *c, uint64_t x)
{
	uint64_t y = x & c->mask;
	bool in = false;

	switch (c->op) {
	case POL_EQ: return y == c->val[0];
	case POL_NE: return y != c->val[0];
	case POL_LT: return y < c->val[0];
	case POL_LE: return y <= c->val[0];
	case POL_GT: return y > c->val[0];
	case POL_GE: return y >= c->val[0];
	}
	for (unsigned i = 0; i < c->nval; i++)
		in |= y == c->val[i];
	return c->op == POL_IN ? in : !in;
}

bool pol_cmp_eval(const struct pol_cmp *k, uint64_t x)
{
	switch (k->op) {
	case POL_CMP_EQ: return x == k->val;
	case POL_CMP_LE: return x <= k->val;
	case POL_CMP_GE: return x >= k->val;
	case POL_CMP_MASKED_EQ: return (x & k->mask) == k->val;
	}
	return true;
}

/* A set of values as sorted, disjoint intervals of a compact space. */
struct ivset {
	size_t n;
	uint64_t lo[POL_MAX_VALUES + 1], hi[POL_MAX_VALUES + 1];
};

static void iv_add(struct ivset *s, uint64_t lo, uint64_t hi)
{
	s->lo[s->n] = lo;
	s->hi[s->n++] = hi;
}

/* Replace S, sorted points, by its complement in [0, top]. */
static void iv_complement(struct ivset *s, uint64_t top)
{
	struct ivset c = { 0 };
	uint64_t from = 0;
	bool done = false;

	for (size_t i = 0; i < s->n && !done; i++) {
		if (s->lo[i] > from)
			iv_add(&c, from, s->lo[i] - 1);
		if (s->hi[i] == top)
			done = true;
		else
			from = s->hi[i] + 1;
	}
	if (!done)
		iv_add(&c, from, top);
	*s = c;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The values of (arg & M) for which C holds, as intervals of M's compact
 * space [0, 2^popcount(M) - 1].  Values outside M (possible only above
 * the ABI's width) are greater than every value the argument can have.
 */
static void cond_set(const struct pol_cond *c, uint64_t m, struct ivset *s)
{
	uint64_t top = low_bits(popcount64(m)), v = c->val[0], pv = pext(v, m);
	bool inside = (v & ~m) == 0;
	uint64_t pts[POL_MAX_VALUES];
	size_t n = 0;

	s->n = 0;
	switch (c->op) {
	case POL_EQ:
	case POL_NE:
	case POL_IN:
	case POL_NOTIN:
		for (unsigned i = 0; i < c->nval; i++)
			if ((c->val[i] & ~m) == 0)
				pts[n++] = pext(c->val[i], m);
		qsort(pts, n, sizeof(pts[0]), cmp_u64);
		for (size_t i = 0; i < n; i++)
			if (i == 0 || pts[i] != pts[i - 1])
				iv_add(s, pts[i], pts[i]);
		if (c->op == POL_NE || c->op == POL_NOTIN)
			iv_complement(s, top);
		return;
	case POL_LT:
		if (!inside)
			iv_add(s, 0, top);
		else if (pv > 0)
			iv_add(s, 0, pv - 1);
		return;
	case POL_LE:
		iv_add(s, 0, inside ? pv : top);
		return;
	case POL_GT:
		if (inside && pv < top)
			iv_add(s, pv + 1, top);
		return;
	case POL_GE:
		if (inside)
			iv_add(s, pv, top);
		return;
	}
}

struct cmpbuf {
	struct pol_cmp *v;
	size_t n, max;
	bool full;
};

static void emit(struct cmpbuf *b, uint8_t op, uint64_t mask, uint64_t val)
{
	if (b->n >= b->max) {
		b->full = true;
		return;
	}
	b->v[b->n++] = (struct pol_cmp){ .op = op, .mask = mask, .val = val };
}

/* Cover [lo, hi] of M's compact space with aligned blocks, each one
 * masked comparison on the argument (CIDR-style). */
static void emit_blocks(struct cmpbuf *b, uint64_t m, uint64_t lo, uint64_t hi)
{
	uint64_t top = low_bits(popcount64(m));

	for (;;) {
		unsigned j = lo ? (unsigned)__builtin_ctzll(lo) : 64;

		while (j > 0 && low_bits(j) > hi - lo)
			j--;
		emit(b, POL_CMP_MASKED_EQ, pdep(top & ~low_bits(j), m), pdep(lo, m));
		if (b->full || hi - lo == low_bits(j))
			return;
		lo += low_bits(j) + 1;
	}
}

int pol_cond_compile(const struct pol_cond *c, unsigned width, struct pol_cmp *out, size_t max)
{
	uint64_t u = low_bits(width), m = c->mask & u, top = low_bits(popcount64(m));
	struct cmpbuf b = { .v = out, .max = max };
	struct ivset s;

	cond_set(c, m, &s);
	for (size_t i = 0; i < s.n && !b.full; i++) {
		uint64_t lo = s.lo[i], hi = s.hi[i];

		if (lo == 0 && hi == top) {
			b.n = 0;	/* always true: no constraint */
			emit(&b, POL_CMP_ANY, 0, 0);
			break;
		}
		if (m != u)
			emit_blocks(&b, m, lo, hi);
		else if (lo == hi)
			emit(&b, POL_CMP_EQ, 0, lo);
		else if (lo == 0)
			emit(&b, POL_CMP_LE, 0, hi);
		else if (hi == top)
			emit(&b, POL_CMP_GE, 0, lo);
		else
			emit_blocks(&b, m, lo, hi);
	}
	return b.full ? -1 : (int)b.n;
}

int pol_rule_expand(const struct pol_rule *r, unsigned width, struct pol_term **out,
		    size_t *n, sj_error *err)
{
	SJ_AUTOFREE struct pol_cmp *cmps = NULL;
	int count[POL_MAX_ARGS];
	size_t total = 1, idx[POL_MAX_ARGS] = { 0 };
	struct pol_term *t;

	*out = NULL;
	*n = 0;
	cmps = calloc((size_t)(r->ncond ? r->ncond : 1) * POL_MAX_CMPS, sizeof(*cmps));
	if (!cmps)
		return sj_fail(err, ENOMEM, "out of memory");
	for (unsigned i = 0; i < r->ncond; i++) {
		count[i] = pol_cond_compile(&r->cond[i], width, cmps + i * POL_MAX_CMPS,
					    POL_MAX_CMPS);
		if (count[i] < 0)
			return sj_fail(err, E2BIG, "condition on arg%u needs more than %d "
				       "comparisons", r->cond[i].arg, POL_MAX_CMPS);
		total *= (size_t)count[i];
		if (total > POL_MAX_TERMS)
			return sj_fail(err, E2BIG, "conditions need more than %d rules",
				       POL_MAX_TERMS);
	}
	if (total == 0)
		return 0;
	t = *out = calloc(total, sizeof(*t));
	if (!t)
		return sj_fail(err, ENOMEM, "out of memory");
	/* Odometer over the conditions' comparisons: one term per combination. */
	for (size_t k = 0; k < total; k++, t++) {
		for (unsigned i = 0; i < r->ncond; i++) {
			const struct pol_cmp *cmp = &cmps[i * POL_MAX_CMPS + idx[i]];

			if (cmp->op == POL_CMP_ANY)
				continue;
			t->arg[t->n] = r->cond[i].arg;
			t->cmp[t->n++] = *cmp;
		}
		for (unsigned i = 0; i < r->ncond && ++idx[i] == (size_t)count[i]; i++)
			idx[i] = 0;
	}
	*n = total;
	return 0;
}

/* The smallest x >= LO with (x & M) == V, if any (V within M). */
static bool next_match(uint64_t lo, uint64_t m, uint64_t v, uint64_t *x)
{
	if ((lo & m) == v) {
		*x = lo;
		return true;
	}
	/* Keep LO's bits above some bit i, set bit i (clear in LO), and the
	 * pattern's least below: the lowest such i gives the smallest x. */
	for (unsigned i = 0; i < 64; i++) {
		uint64_t bit = 1ull << i, above = i == 63 ? 0 : ~low_bits(i + 1);

		if ((lo & bit) || ((m & bit) && !(v & bit)))
			continue;
		if (((lo ^ v) & m & above) != 0)
			continue;
		*x = (lo & above) | bit | (v & low_bits(i));
		return true;
	}
	return false;
}

static void cmp_range(const struct pol_cmp *k, uint64_t *lo, uint64_t *hi)
{
	*lo = k->op == POL_CMP_EQ || k->op == POL_CMP_GE ? k->val : 0;
	*hi = k->op == POL_CMP_EQ || k->op == POL_CMP_LE ? k->val : ~0ull;
}

/* Whether some value satisfies both comparisons. */
static bool cmps_meet(const struct pol_cmp *a, const struct pol_cmp *b)
{
	uint64_t alo, ahi, blo, bhi, x;

	if (a->op == POL_CMP_MASKED_EQ && b->op == POL_CMP_MASKED_EQ)
		return ((a->val ^ b->val) & a->mask & b->mask) == 0;
	if (b->op == POL_CMP_MASKED_EQ) {
		const struct pol_cmp *t = a;

		a = b;
		b = t;
	}
	cmp_range(b, &blo, &bhi);
	if (a->op == POL_CMP_MASKED_EQ)
		return next_match(blo, a->mask, a->val, &x) && x <= bhi;
	cmp_range(a, &alo, &ahi);
	return (alo > blo ? alo : blo) <= (ahi < bhi ? ahi : bhi);
}

bool pol_terms_overlap(const struct pol_term *a, const struct pol_term *b)
{
	for (unsigned i = 0; i < a->n; i++)
		for (unsigned k = 0; k < b->n; k++)
			if (a->arg[i] == b->arg[k] && !cmps_meet(&a->cmp[i], &b->cmp[k]))
				return false;
	return true;
}

/* The parsed policy. */

void pol_free(struct pol *p)
{
	for (size_t i = 0; i < p->nrule; i++)
		free(p->rule[i].cond);
	for (size_t i = 0; i < p->nfile; i++)
		free(p->file[i]);
	free(p->rule);
	free(p->file);
	free(p->slot);
	memset(p, 0, sizeof(*p));
}

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* The slot of NAME's unconditional rule in the index (slot holds 0 when
 * free, else rule index + 1). */
static uint32_t *find_slot(const struct pol *p, const char *name)
{
	size_t mask = p->nslot - 1;

	for (size_t i = name_hash(name) & mask;; i = (i + 1) & mask) {
		uint32_t s = p->slot[i];

		if (s == 0 || strcmp(p->rule[s - 1].name, name) == 0)
			return &p->slot[i];
	}
}

const struct pol_rule *pol_find(const struct pol *p, const char *name)
{
	uint32_t *s;

	if (p->nslot == 0)
		return NULL;
	s = find_slot(p, name);
	return *s ? &p->rule[*s - 1] : NULL;
}

/* Grow the index to keep it at most half full. */
static int grow_index(struct pol *p, sj_error *err)
{
	size_t n = p->nslot ? p->nslot * 2 : 256;
	uint32_t *old = p->slot;
	size_t nold = p->nslot;

	p->slot = calloc(n, sizeof(*p->slot));
	if (!p->slot) {
		p->slot = old;
		return sj_fail(err, ENOMEM, "out of memory");
	}
	p->nslot = n;
	for (size_t i = 0; i < nold; i++)
		if (old[i])
			*find_slot(p, p->rule[old[i] - 1].name) = old[i];
	free(old);
	return 0;
}

static bool same_conditional(const struct pol_rule *a, const struct pol_rule *b)
{
	return a->cond && b->cond && a->errnum == b->errnum && a->ncond == b->ncond &&
	       strcmp(a->name, b->name) == 0 &&
	       memcmp(a->cond, b->cond, a->ncond * sizeof(*a->cond)) == 0;
}

/* The parser proper: one line at a time, one file at a time. */

struct tok {
	const char *s;
	size_t n;
};

#define MAX_TOKS 512

struct parser {
	struct pol *p;
	const struct pol_loader *ld;
	unsigned params;
	sj_error *err;
	size_t lines;
	unsigned depth;
	uint32_t stack[POL_MAX_INCLUDE + 1];	/* files being read */
	/* The line being parsed. */
	uint32_t file;
	uint32_t line;
	bool in_block;			/* inside @when / @unless */
	struct tok t[MAX_TOKS];
	size_t nt, pos;
};

static int fail(struct parser *ps, const char *fmt, ...) SJ_PRINTF(2, 3);
static void diag(struct parser *ps, uint32_t file, uint32_t line, bool error,
		 const char *fmt, ...) SJ_PRINTF(5, 6);

/* Tell the linter, if there is one. */
static void diag(struct parser *ps, uint32_t file, uint32_t line, bool error,
		 const char *fmt, ...)
{
	char msg[SJ_ERROR_MAX];
	va_list ap;

	if (!ps->ld->diag)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ps->ld->diag(ps->ld->diag_ctx, ps->p->file[file], line, error, msg);
}

/* Fail with "file:line: message". */
static int fail(struct parser *ps, const char *fmt, ...)
{
	char msg[SJ_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sj_fail(ps->err, EINVAL, "%s:%u: %s", ps->p->file[ps->file], ps->line, msg);
}

static bool tok_is(const struct tok *t, const char *s)
{
	return t && t->n == strlen(s) && memcmp(t->s, s, t->n) == 0;
}

static const struct tok *peek(const struct parser *ps)
{
	return ps->pos < ps->nt ? &ps->t[ps->pos] : NULL;
}

/* The token at the cursor, quoted for a message ("end of line" at the end). */
static const char *shown(const struct parser *ps, char *buf, size_t len)
{
	const struct tok *t = peek(ps);

	if (!t)
		return "end of line";
	snprintf(buf, len, "'%.*s'", (int)(t->n > 40 ? 40 : t->n), t->s);
	return buf;
}

static int expected(struct parser *ps, const char *what)
{
	char buf[64];

	return fail(ps, "expected %s, got %s", what, shown(ps, buf, sizeof(buf)));
}

static bool is_op_char(char c)
{
	return strchr("=!<>&|,", c) != NULL;
}

/* Split a line into words and operators; '#' starts a comment. */
static int tokenize(struct parser *ps, const char *s, size_t len)
{
	static const char *const ops[] = { "==", "!=", "<=", ">=", "&&", "<", ">", "&", "|", "," };
	size_t i = 0;

	ps->nt = ps->pos = 0;
	while (i < len) {
		size_t start = i, n = 0;

		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r') {
			i++;
			continue;
		}
		if (s[i] == '#')
			break;
		if (s[i] == '\0')
			return fail(ps, "NUL byte in the text");
		if (ps->nt == MAX_TOKS)
			return fail(ps, "more than %d words on one line", MAX_TOKS);
		if (is_op_char(s[i])) {
			for (size_t k = 0; k < SJ_NELEM(ops) && !n; k++)
				if (strlen(ops[k]) <= len - i && memcmp(s + i, ops[k], strlen(ops[k])) == 0)
					n = strlen(ops[k]);
			if (!n)
				return fail(ps, "unexpected '%c'", s[i]);
			i += n;
		} else {
			while (i < len && !strchr(" \t\r#", s[i]) && s[i] != '\0' && !is_op_char(s[i]))
				i++;
		}
		ps->t[ps->nt++] = (struct tok){ s + start, i - start };
	}
	return 0;
}

/* A number (decimal or 0x hex) or a constant from the table. */
static int parse_atom(struct parser *ps, uint64_t *v)
{
	const struct tok *t = peek(ps);
	size_t i = 0;
	int base = 10;

	if (!t || is_op_char(t->s[0]))
		return expected(ps, "a number or a constant");
	if (t->s[0] >= '0' && t->s[0] <= '9') {
		*v = 0;
		if (t->n > 2 && t->s[0] == '0' && (t->s[1] == 'x' || t->s[1] == 'X')) {
			base = 16;
			i = 2;
		}
		for (; i < t->n; i++) {
			char c = t->s[i];
			int d = c >= '0' && c <= '9' ? c - '0'
				: base == 16 && c >= 'a' && c <= 'f' ? c - 'a' + 10
				: base == 16 && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

			if (d < 0)
				return fail(ps, "bad number '%.*s'", (int)t->n, t->s);
			if (*v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
				return fail(ps, "number '%.*s' does not fit in 64 bits", (int)t->n, t->s);
			*v = *v * (uint64_t)base + (uint64_t)d;
		}
		ps->pos++;
		return 0;
	}
	for (size_t k = 0; k < SJ_NELEM(constants); k++)
		if (tok_is(t, constants[k].name)) {
			*v = constants[k].value;
			ps->pos++;
			return 0;
		}
	return fail(ps, "unknown constant '%.*s'", (int)(t->n > 40 ? 40 : t->n), t->s);
}

/* VALUE := ATOM ('|' ATOM)* */
static int parse_value(struct parser *ps, uint64_t *v)
{
	uint64_t x;

	if (parse_atom(ps, v) < 0)
		return -1;
	while (tok_is(peek(ps), "|")) {
		ps->pos++;
		if (parse_atom(ps, &x) < 0)
			return -1;
		*v |= x;
	}
	return 0;
}

/* LIST := VALUE (',' VALUE)* */
static int parse_list(struct parser *ps, struct pol_cond *c)
{
	do {
		if (c->nval == POL_MAX_VALUES)
			return fail(ps, "more than %d values in one list", POL_MAX_VALUES);
		if (parse_value(ps, &c->val[c->nval++]) < 0)
			return -1;
	} while (tok_is(peek(ps), ",") && ++ps->pos);
	return 0;
}

/* OP VALUE, "in LIST" or "not in LIST". */
static int parse_op(struct parser *ps, struct pol_cond *c)
{
	static const char *const ops[] = {
		[POL_EQ] = "==", [POL_NE] = "!=", [POL_LT] = "<", [POL_LE] = "<=",
		[POL_GT] = ">", [POL_GE] = ">=",
	};
	const struct tok *t = peek(ps);

	for (unsigned i = 0; i < SJ_NELEM(ops); i++)
		if (tok_is(t, ops[i])) {
			ps->pos++;
			c->op = (uint8_t)i;
			c->nval = 1;
			return parse_value(ps, &c->val[0]);
		}
	if (tok_is(t, "not")) {
		ps->pos++;
		if (!tok_is(peek(ps), "in"))
			return expected(ps, "'in' after 'not'");
		c->op = POL_NOTIN;
	} else if (tok_is(t, "in")) {
		c->op = POL_IN;
	} else {
		return expected(ps, "==, !=, <, <=, >, >=, in or not in");
	}
	ps->pos++;
	return parse_list(ps, c);
}

/* COND := argN ['&' MASK] (OP VALUE | [not] in LIST) */
static int parse_cond(struct parser *ps, struct pol_cond *c, unsigned *seen)
{
	const struct tok *t = peek(ps);

	memset(c, 0, sizeof(*c));
	if (!t || t->n != 4 || memcmp(t->s, "arg", 3) != 0 || t->s[3] < '0' || t->s[3] > '5')
		return expected(ps, "an argument arg0 .. arg5");
	c->arg = (uint8_t)(t->s[3] - '0');
	if (*seen & (1u << c->arg))
		return fail(ps, "arg%u is tested twice in one rule; write one condition "
			    "per argument", c->arg);
	*seen |= 1u << c->arg;
	ps->pos++;
	c->mask = ~0ull;
	if (tok_is(peek(ps), "&")) {
		ps->pos++;
		if (parse_value(ps, &c->mask) < 0)
			return -1;
		if (c->mask == 0)
			return fail(ps, "mask 0 makes the condition constant");
		c->masked = true;
	}
	if (parse_op(ps, c) < 0)
		return -1;
	for (unsigned i = 0; i < c->nval; i++)
		if (c->val[i] & ~c->mask)
			return fail(ps, "value 0x%llx has bits outside the mask 0x%llx",
				    (unsigned long long)c->val[i], (unsigned long long)c->mask);
	return 0;
}

/* COND ('&&' COND)* to the end of the line, into R->cond. */
static int parse_conds(struct parser *ps, struct pol_rule *r)
{
	struct pol_cond c[POL_MAX_ARGS];
	unsigned seen = 0;

	do {
		if (r->ncond == POL_MAX_ARGS)
			return fail(ps, "more than %d conditions", POL_MAX_ARGS);
		if (parse_cond(ps, &c[r->ncond++], &seen) < 0)
			return -1;
	} while (tok_is(peek(ps), "&&") && ++ps->pos);
	if (peek(ps))
		return expected(ps, "'&&' or the end of the line");
	r->cond = malloc(r->ncond * sizeof(*r->cond));
	if (!r->cond)
		return sj_fail(ps->err, ENOMEM, "out of memory");
	memcpy(r->cond, c, r->ncond * sizeof(*r->cond));
	return 0;
}

/*
 * For the linter: R replaces OLD.  In one file, naming a call again with
 * the same answer is a duplicate, and a different answer, neither in a
 * conditional block, leaves OLD without effect.  Overriding what an
 * included file or another block says is what "later wins" is for, and
 * groups name what they need whatever other groups say.
 */
static void lint_replaced(struct parser *ps, const struct pol_rule *old,
			  const struct pol_rule *r)
{
	const char *where = ps->p->file[old->file];

	if (old->file != r->file)
		return;
	if (old->errnum == r->errnum)
		diag(ps, r->file, r->line, false, "duplicate: %s is already %s at %s:%u",
		     r->name, r->errnum ? "denied so" : "allowed", where, old->line);
	else if (!old->in_block && !r->in_block)
		diag(ps, old->file, old->line, false, "%s %s never takes effect: %s:%u "
		     "overrides it", old->errnum ? "deny" : "allow", r->name, where, r->line);
}

/* Add R (its conditions now owned by P): an unconditional rule replaces
 * the one before it for the same syscall. */
static int add_rule(struct parser *ps, struct pol_rule *r, sj_error *err)
{
	struct pol *p = ps->p;
	uint32_t *slot = NULL;

	if (!r->cond) {
		if ((p->nrule + 1) * 2 > p->nslot && grow_index(p, err) < 0)
			return -1;
		slot = find_slot(p, r->name);
		if (*slot) {
			lint_replaced(ps, &p->rule[*slot - 1], r);
			p->rule[*slot - 1] = *r;
			return 0;
		}
	} else {
		for (size_t i = 0; i < p->nrule; i++)
			if (same_conditional(&p->rule[i], r)) {
				diag(ps, r->file, r->line, false, "duplicate: the same deny %s ... if "
				     "is at %s:%u", r->name, p->file[p->rule[i].file],
				     p->rule[i].line);
				free(r->cond);
				return 0;
			}
	}
	if (p->nrule == p->caprule) {
		size_t n = p->caprule ? p->caprule * 2 : 512;
		struct pol_rule *v = realloc(p->rule, n * sizeof(*v));

		if (!v) {
			free(r->cond);
			return sj_fail(err, ENOMEM, "out of memory");
		}
		p->rule = v;
		p->caprule = n;
	}
	p->rule[p->nrule++] = *r;
	if (slot)
		*slot = (uint32_t)p->nrule;
	return 0;
}

static bool is_syscall_name(const struct tok *t)
{
	if (t->n == 0 || t->n >= POL_NAME_MAX)
		return false;
	for (size_t i = 0; i < t->n; i++)
		if (!((t->s[i] >= 'a' && t->s[i] <= 'z') || (t->s[i] >= '0' && t->s[i] <= '9') ||
		      t->s[i] == '_'))
			return false;
	return true;
}

static int find_errno(const struct tok *t)
{
	for (size_t i = 0; i < SJ_NELEM(errnos); i++)
		if (tok_is(t, errnos[i].name))
			return errnos[i].value;
	return 0;
}

/* Check a conditional rule can ever be true, and is not too complex. */
static int check_conditional(struct parser *ps, const struct pol_rule *r)
{
	SJ_AUTOFREE struct pol_term *terms = NULL;
	size_t n;

	if (pol_rule_expand(r, 64, &terms, &n, ps->err) < 0)
		return fail(ps, "%s", ps->err->msg);
	if (n == 0)
		return fail(ps, "the condition can never be true");
	return 0;
}

/* "allow NAME..." or "deny NAME... [ERRNO] [if COND && ...]" */
static int parse_rule(struct parser *ps, bool active)
{
	bool deny = tok_is(peek(ps), "deny");
	size_t first = ++ps->pos, last;
	struct pol_rule r = { .errnum = deny ? EPERM : 0, .file = ps->file, .line = ps->line,
			      .in_block = ps->in_block };

	while (peek(ps) && is_syscall_name(peek(ps)) && !tok_is(peek(ps), "if"))
		ps->pos++;
	last = ps->pos;
	if (first == last)
		return expected(ps, "a syscall name");
	if (deny && peek(ps) && find_errno(peek(ps))) {
		r.errnum = find_errno(peek(ps));
		ps->pos++;
	}
	if (deny && tok_is(peek(ps), "if")) {
		ps->pos++;
		if (parse_conds(ps, &r) < 0 || check_conditional(ps, &r) < 0)
			goto fail;
	} else if (peek(ps)) {
		expected(ps, deny ? "a syscall name, an errno name (EPERM, ENOSYS, ...), "
			 "'if' or the end of the line" : "a syscall name");
		goto fail;
	}
	for (size_t i = first; i < last; i++) {
		struct pol_rule one = r;

		memcpy(one.name, ps->t[i].s, ps->t[i].n);
		one.name[ps->t[i].n] = '\0';
		if (ps->ld->known && !ps->ld->known(ps->ld->ctx, one.name)) {
			if (ps->ld->diag) {
				diag(ps, ps->file, ps->line, true, "unknown syscall '%s'", one.name);
				continue;
			}
			ps->pos = i;
			fail(ps, "unknown syscall '%s'", one.name);
			goto fail;
		}
		if (!active)
			continue;
		if (r.cond && i + 1 < last) {
			one.cond = malloc(r.ncond * sizeof(*r.cond));
			if (!one.cond) {
				sj_fail(ps->err, ENOMEM, "out of memory");
				goto fail;
			}
			memcpy(one.cond, r.cond, r.ncond * sizeof(*r.cond));
		} else if (r.cond) {
			r.cond = NULL;		/* handed over with the last name */
		}
		if (add_rule(ps, &one, ps->err) < 0)
			goto fail;
	}
	free(r.cond);
	return 0;
fail:
	free(r.cond);
	return -1;
}

static int parse_file(struct parser *ps, uint32_t file, const char *text, size_t len,
		      bool active);

/* Keep NAME (taken) for diagnostics; its index goes to *IDX. */
static int add_file(struct parser *ps, char *name, uint32_t *idx)
{
	char **v = realloc(ps->p->file, (ps->p->nfile + 1) * sizeof(*v));

	if (!v) {
		free(name);
		return sj_fail(ps->err, ENOMEM, "out of memory");
	}
	ps->p->file = v;
	*idx = (uint32_t)ps->p->nfile;
	v[ps->p->nfile++] = name;
	return 0;
}

/* "@include NAME": parse the named file in place, inside this block. */
static int include(struct parser *ps, bool active)
{
	const struct tok *t = peek(ps);
	char name[256];
	struct pol_text txt = { 0 };
	uint32_t idx, file = ps->file, line = ps->line;
	int r;

	if (!t || ps->nt != 2 || t->n >= sizeof(name))
		return expected(ps, ps->nt < 2 ? "a profile name after @include"
				: "the end of the line after the @include name");
	if (!ps->ld->include)
		return fail(ps, "@include is not available here");
	if (ps->depth == POL_MAX_INCLUDE)
		return fail(ps, "@include nested more than %d deep", POL_MAX_INCLUDE);
	memcpy(name, t->s, t->n);
	name[t->n] = '\0';
	if (ps->ld->include(ps->ld->ctx, ps->p->file[file], name, &txt, ps->err) < 0) {
		free(txt.owned);
		free(txt.name);
		sj_error_prefix(ps->err, "%s:%u: @include %s", ps->p->file[file], line, name);
		return -1;
	}
	if (add_file(ps, txt.name, &idx) < 0) {
		free(txt.owned);
		return -1;
	}
	for (unsigned i = 0; i <= ps->depth; i++)
		if (strcmp(ps->p->file[ps->stack[i]], ps->p->file[idx]) == 0) {
			free(txt.owned);
			return fail(ps, "@include %s: include cycle", name);
		}
	ps->stack[++ps->depth] = idx;
	r = parse_file(ps, idx, txt.text, txt.len, active);
	ps->depth--;
	free(txt.owned);
	ps->file = file;
	ps->line = line;
	return r;
}

struct block {
	bool outer;			/* the enclosing block is active */
	bool test;			/* the @when / @unless holds */
	bool in_else;
	uint32_t line;
};

/* The parameter after @when / @unless, and its value for this jail. */
static int parse_param(struct parser *ps, bool *value)
{
	const struct tok *t = ps->pos + 1 < ps->nt ? &ps->t[ps->pos + 1] : NULL;

	ps->pos++;
	for (unsigned i = 0; i < POL_NPARAMS; i++)
		if (tok_is(t, param_names[i])) {
			*value = ps->params & (1u << i);
			ps->pos++;
			if (peek(ps))
				return expected(ps, "the end of the line");
			return 0;
		}
	return expected(ps, "a parameter (allow.raw_sockets, allow.socket_af, "
			"allow.set_hostname, allow.sysvipc, allow.mount, sysjail.host_ipc or "
			"sysjail.host_net)");
}

/* @when / @unless / @else / @end: keep the block stack of one file. */
static int directive(struct parser *ps, struct block *b, unsigned *nb, bool active)
{
	const struct tok *t = peek(ps);
	bool v = false;

	if (tok_is(t, "@when") || tok_is(t, "@unless")) {
		bool unless = tok_is(t, "@unless");

		if (*nb == POL_MAX_NEST)
			return fail(ps, "@when / @unless nested more than %d deep", POL_MAX_NEST);
		if (parse_param(ps, &v) < 0)
			return -1;
		b[(*nb)++] = (struct block){ active, unless ? !v : v, false, ps->line };
		return 0;
	}
	if (ps->nt != 1) {
		ps->pos = 1;
		return expected(ps, "the end of the line");
	}
	if (*nb == 0)
		return fail(ps, "%.*s without @when or @unless", (int)t->n, t->s);
	if (tok_is(t, "@end")) {
		(*nb)--;
		return 0;
	}
	if (b[*nb - 1].in_else)
		return fail(ps, "second @else for the @when at line %u", b[*nb - 1].line);
	b[*nb - 1].in_else = true;
	return 0;
}

static bool block_active(const struct block *b, unsigned nb)
{
	return nb == 0 || (b[nb - 1].outer && b[nb - 1].test != b[nb - 1].in_else);
}

/* One statement; ACTIVE says whether its rules count. */
static int statement(struct parser *ps, struct block *b, unsigned *nb, bool active)
{
	const struct tok *t = peek(ps);

	if (!t)
		return 0;
	if (tok_is(t, "allow") || tok_is(t, "deny"))
		return parse_rule(ps, active);
	if (tok_is(t, "@include")) {
		ps->pos++;
		return include(ps, active);
	}
	if (tok_is(t, "@when") || tok_is(t, "@unless") || tok_is(t, "@else") || tok_is(t, "@end"))
		return directive(ps, b, nb, active);
	return fail(ps, "unknown statement '%.*s' (expected allow, deny, @include, @when, "
		    "@unless, @else or @end)", (int)(t->n > 40 ? 40 : t->n), t->s);
}

/* Every line of one file; its @when blocks must close in it. */
static int parse_file(struct parser *ps, uint32_t file, const char *text, size_t len,
		      bool active)
{
	struct block b[POL_MAX_NEST];
	unsigned nb = 0;
	const char *end = text + len;

	ps->file = file;
	ps->line = 0;
	if (len > POL_MAX_FILE)
		return fail(ps, "larger than %u bytes", POL_MAX_FILE);
	for (const char *s = text; s < end;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

		ps->file = file;
		ps->line++;
		if (++ps->lines > POL_MAX_LINES)
			return fail(ps, "more than %d lines in all", POL_MAX_LINES);
		if (n > POL_MAX_LINE)
			return fail(ps, "line longer than %d bytes", POL_MAX_LINE);
		if (tokenize(ps, s, n) < 0)
			return -1;
		ps->in_block = nb > 0;
		if (ps->nt && statement(ps, b, &nb, active && block_active(b, nb)) < 0)
			return -1;
		s += n + (nl != NULL);
	}
	if (nb > 0) {
		ps->line = b[nb - 1].line;
		return fail(ps, "@when or @unless without @end");
	}
	return 0;
}

/* A conditional deny only narrows what filter 1 allows.  For a linter,
 * 1 when it is not reachable (said), 0 when it is. */
static int check_reachable(struct parser *ps, const struct pol_rule *r)
{
	const struct pol_rule *u = pol_find(ps->p, r->name);
	char msg[SJ_ERROR_MAX];

	if (!u)
		snprintf(msg, sizeof(msg), "deny %s ... if: unreachable, %s is not allowed",
			 r->name, r->name);
	else if (u->errnum)
		snprintf(msg, sizeof(msg), "deny %s ... if: unreachable, %s is denied at %s:%u",
			 r->name, r->name, ps->p->file[u->file], u->line);
	else
		return 0;
	if (ps->ld->diag) {
		diag(ps, r->file, r->line, true, "%s", msg);
		return 1;
	}
	ps->file = r->file;
	ps->line = r->line;
	return fail(ps, "%s", msg);
}

/* For a linter: a conditional deny whose conditions always hold leaves
 * the call's allow unreachable. */
static void lint_always(struct parser *ps, const struct pol_rule *r, const struct pol_term *t,
			size_t n)
{
	const struct pol_rule *u = pol_find(ps->p, r->name);

	for (size_t i = 0; i < n; i++)
		if (t[i].n == 0 && u) {
			diag(ps, u->file, u->line, true, "allow %s: unreachable, deny %s ... if "
			     "at %s:%u holds for every argument", r->name, r->name,
			     ps->p->file[r->file], r->line);
			return;
		}
}

/* Two conditional rules of one syscall with different errnos must never
 * both match: libseccomp would pick one in an order of its own. */
static int check_disjoint(struct parser *ps, const struct pol_rule *a, const struct pol_term *ta,
			  size_t na, const struct pol_rule *b, const struct pol_term *tb, size_t nb)
{
	for (size_t i = 0; i < na; i++)
		for (size_t k = 0; k < nb; k++)
			if (pol_terms_overlap(&ta[i], &tb[k])) {
				ps->file = b->file;
				ps->line = b->line;
				return fail(ps, "deny %s %s ... if: overlaps deny %s %s at %s:%u; "
					    "conditions with different errnos must not overlap",
					    b->name, pol_errno_name(b->errnum), a->name,
					    pol_errno_name(a->errnum), ps->p->file[a->file], a->line);
			}
	return 0;
}

struct expanded {
	struct pol_term *t;
	size_t n;
};

/* What only the whole policy tells: reachability and overlaps. */
static int check_policy(struct parser *ps)
{
	const struct pol *p = ps->p;
	struct expanded *x = calloc(p->nrule ? p->nrule : 1, sizeof(*x));
	int r = 0;

	if (!x)
		return sj_fail(ps->err, ENOMEM, "out of memory");
	for (size_t i = 0; i < p->nrule && r == 0; i++) {
		const struct pol_rule *ri = &p->rule[i];

		if (!ri->cond)
			continue;
		r = check_reachable(ps, ri);
		if (r > 0) {		/* a linter's: said, and skipped */
			r = 0;
			continue;
		}
		if (r == 0)
			r = pol_rule_expand(ri, 64, &x[i].t, &x[i].n, ps->err);
		if (r == 0)
			lint_always(ps, ri, x[i].t, x[i].n);
		for (size_t k = 0; k < i && r == 0; k++)
			if (p->rule[k].cond && p->rule[k].errnum != ri->errnum &&
			    strcmp(p->rule[k].name, ri->name) == 0)
				r = check_disjoint(ps, &p->rule[k], x[k].t, x[k].n, ri, x[i].t, x[i].n);
	}
	for (size_t i = 0; i < p->nrule; i++)
		free(x[i].t);
	free(x);
	return r;
}

int pol_parse(struct pol *p, const char *name, const char *text, size_t len,
	      unsigned params, const struct pol_loader *ld, sj_error *err)
{
	struct parser *ps = calloc(1, sizeof(*ps));
	char *copy = strdup(name);
	int r = -1;

	memset(p, 0, sizeof(*p));
	if (!ps || !copy) {
		free(ps);
		free(copy);
		return sj_fail(err, ENOMEM, "out of memory");
	}
	*ps = (struct parser){ .p = p, .ld = ld, .params = params, .err = err };
	if (add_file(ps, copy, &ps->stack[0]) == 0 &&
	    parse_file(ps, 0, text, len, true) == 0 && check_policy(ps) == 0)
		r = 0;
	free(ps);
	if (r < 0)
		pol_free(p);
	return r;
}
