/*
 * test-policy.c: the policy language's parser and pure logic (no
 * libseccomp, no root): every construct, every parse error, overrides
 * and conditional blocks, and the compilation of conditions into
 * comparisons, checked against a direct evaluation.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"
#include "tap.h"

/* Files an @include can name, in memory. */
static const struct mem_file {
	const char *name;
	const char *text;
} mem_files[] = {
	{ "grp", "# a group\nallow getpid\ndeny getppid ENOSYS\n" },
	{ "grp_cond", "allow ioctl\ndeny ioctl EPERM if arg1 == 5\n" },
	{ "grp_bad", "allow read\nallow Read\n" },
	{ "grp_open", "@when allow.mount\nallow mount\n" },
	{ "grp_override", "allow mount\n" },
	{ "loop", "@include loop2\n" },
	{ "loop2", "@include loop\n" },
	{ "deep", "@include deep\n" },
	{ "nested", "@include grp\n@when allow.mount\n@include grp_override\n@end\n" },
};

static int mem_include(void *ctx, const char *from, const char *name, struct pol_text *out,
		       sj_error *err)
{
	(void)ctx;
	for (size_t i = 0; i < SJ_NELEM(mem_files); i++)
		if (strcmp(mem_files[i].name, name) == 0) {
			out->text = mem_files[i].text;
			out->len = strlen(mem_files[i].text);
			out->name = malloc(strlen(name) + strlen(from) + 8);
			if (!out->name)
				return sj_fail(err, ENOMEM, "out of memory");
			sprintf(out->name, "%s.policy", name);
			/* "deep" includes itself under a new name each time. */
			if (strcmp(name, "deep") == 0 && strlen(from) < 64)
				sprintf(out->name, "d%s", from);
			return 0;
		}
	return sj_fail(err, ENOENT, "no such file");
}

static bool mem_known(void *ctx, const char *name)
{
	(void)ctx;
	return strncmp(name, "bogus", 5) != 0;
}

static const struct pol_loader loader = { mem_include, mem_known, NULL, NULL, NULL };

static int parse(const char *text, unsigned params, struct pol *p, sj_error *err)
{
	return pol_parse(p, "t.policy", text, strlen(text), params, &loader, err);
}

/* The rule for NAME as "allow"/"EPERM"/... and where it was written. */
static const char *verdict(const struct pol *p, const char *name, char *where, size_t len)
{
	const struct pol_rule *r = pol_find(p, name);

	if (!r)
		return "none";
	snprintf(where, len, "%s:%u", p->file[r->file], r->line);
	return r->errnum ? pol_errno_name(r->errnum) : "allow";
}

static size_t count_conditional(const struct pol *p, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nrule; i++)
		n += p->rule[i].cond && strcmp(p->rule[i].name, name) == 0;
	return n;
}

/* A text that parses, and what it must give. */
static const struct good {
	const char *name;
	const char *text;
	unsigned params;
	const char *syscall;
	const char *expect;		/* verdict */
	const char *where;		/* NULL: don't check */
} goods[] = {
	{ "comments and blank lines", "# comment\n\n   \n\tallow read # trailing\n", 0,
	  "read", "allow", "t.policy:4" },
	{ "several names", "allow read write close\n", 0, "close", "allow", NULL },
	{ "deny defaults to EPERM", "deny mount\n", 0, "mount", "EPERM", NULL },
	{ "deny with an errno", "deny clone3 ENOSYS\n", 0, "clone3", "ENOSYS", NULL },
	{ "deny several with an errno", "deny a b c EACCES\n", 0, "b", "EACCES", NULL },
	{ "later rule replaces earlier", "deny read\nallow read\n", 0, "read", "allow",
	  "t.policy:2" },
	{ "later deny replaces allow", "allow read\ndeny read ENOSYS\n", 0, "read", "ENOSYS",
	  "t.policy:2" },
	{ "CRLF line ends", "allow read\r\nallow write\r\n", 0, "write", "allow", NULL },
	{ "no final newline", "allow read", 0, "read", "allow", NULL },
	{ "@when true", "deny mount\n@when allow.mount\nallow mount\n@end\n", 1u << POL_MOUNT,
	  "mount", "allow", "t.policy:3" },
	{ "@when false", "deny mount\n@when allow.mount\nallow mount\n@end\n", 0,
	  "mount", "EPERM", "t.policy:1" },
	{ "@unless true", "@unless allow.mount\ndeny mount\n@end\n", 1u << POL_MOUNT,
	  "mount", "none", NULL },
	{ "@unless false", "@unless allow.mount\ndeny mount\n@end\n", 0, "mount", "EPERM", NULL },
	{ "@else taken", "@when allow.set_hostname\nallow sethostname\n@else\n"
	  "deny sethostname\n@end\n", 0, "sethostname", "EPERM", "t.policy:4" },
	{ "@else not taken", "@when allow.set_hostname\nallow sethostname\n@else\n"
	  "deny sethostname\n@end\n", 1u << POL_SET_HOSTNAME, "sethostname", "allow", NULL },
	{ "nested blocks, both true", "@when allow.mount\n@when allow.sysvipc\nallow x\n@end\n@end\n",
	  1u << POL_MOUNT | 1u << POL_SYSVIPC, "x", "allow", NULL },
	{ "nested blocks, outer false", "@when allow.mount\n@unless allow.sysvipc\nallow x\n"
	  "@else\nallow y\n@end\n@end\n", 0, "x", "none", NULL },
	{ "nested @else under false outer", "@when allow.mount\n@unless allow.sysvipc\nallow x\n"
	  "@else\nallow y\n@end\n@end\n", 1u << POL_SYSVIPC, "y", "none", NULL },
	{ "every parameter", "@when allow.raw_sockets\n@when allow.socket_af\n@when "
	  "allow.set_hostname\n@when allow.sysvipc\n@when allow.mount\nallow x\n@end\n@end\n"
	  "@end\n@end\n@end\n", 0x1f, "x", "allow", NULL },
	{ "@include", "@include grp\n", 0, "getppid", "ENOSYS", "grp.policy:3" },
	{ "@include then override", "@include grp\nallow getppid\n", 0, "getppid", "allow",
	  "t.policy:2" },
	{ "@include in a false block", "@when allow.mount\n@include grp\n@end\n", 0,
	  "getpid", "none", NULL },
	{ "@when inside an include", "@include nested\n", 1u << POL_MOUNT, "mount", "allow",
	  "grp_override.policy:1" },
	{ "include twice", "@include grp\n@include grp\n", 0, "getpid", "allow", NULL },
};

static void test_good(void)
{
	for (size_t i = 0; i < SJ_NELEM(goods); i++) {
		const struct good *g = &goods[i];
		struct pol p;
		sj_error err;
		char where[128] = "";
		const char *v;

		if (parse(g->text, g->params, &p, &err) < 0) {
			tap(false, g->name, "parse failed: %s", err.msg);
			continue;
		}
		v = verdict(&p, g->syscall, where, sizeof(where));
		if (strcmp(v, g->expect) != 0)
			tap(false, g->name, "%s is %s, expected %s", g->syscall, v, g->expect);
		else
			tap(!g->where || strcmp(where, g->where) == 0, g->name,
			    "rule at %s, expected %s", where, g->where);
		pol_free(&p);
	}
}

/* Conditions: each operator, masks, lists, constants. */
static const struct cond_case {
	const char *text;
	uint8_t arg, op;
	bool masked;
	uint64_t mask;
	unsigned nval;
	uint64_t v0, v1;
} conds[] = {
	{ "arg0 == 1", 0, POL_EQ, false, ~0ull, 1, 1, 0 },
	{ "arg1 != 0x10", 1, POL_NE, false, ~0ull, 1, 16, 0 },
	{ "arg2 < 7", 2, POL_LT, false, ~0ull, 1, 7, 0 },
	{ "arg3 <= 7", 3, POL_LE, false, ~0ull, 1, 7, 0 },
	{ "arg4 > 18446744073709551614", 4, POL_GT, false, ~0ull, 1, ~0ull - 1, 0 },
	{ "arg5 >= 0XFF", 5, POL_GE, false, ~0ull, 1, 255, 0 },
	{ "arg0 in AF_INET, AF_INET6", 0, POL_IN, false, ~0ull, 2, 2, 10 },
	{ "arg0 not in AF_UNIX,AF_NETLINK", 0, POL_NOTIN, false, ~0ull, 2, 1, 16 },
	{ "arg1 & 0xffffffff == TIOCSTI", 1, POL_EQ, true, 0xffffffff, 1, 0x5412, 0 },
	{ "arg1&SOCK_TYPE_MASK in SOCK_RAW,SOCK_PACKET", 1, POL_IN, true, 0xf, 2, 3, 10 },
	{ "arg0 & CLONE_NS_FLAGS != 0", 0, POL_NE, true, 0x7e020080, 1, 0, 0 },
	{ "arg0 & S_IFMT in S_IFCHR, S_IFBLK", 0, POL_IN, true, 0170000, 2, 0020000, 0060000 },
	{ "arg0 in PER_LINUX32|UNAME26, PER_QUERY", 0, POL_IN, false, ~0ull, 2, 0x20008,
	  0xffffffff },
};

static void test_conditions(void)
{
	char text[256], name[300];

	for (size_t i = 0; i < SJ_NELEM(conds); i++) {
		const struct cond_case *c = &conds[i];
		struct pol p;
		sj_error err;
		const struct pol_cond *pc;

		snprintf(text, sizeof(text), "allow getpid\ndeny getpid EPERM if %s\n", c->text);
		snprintf(name, sizeof(name), "condition '%s'", c->text);
		if (parse(text, 0, &p, &err) < 0) {
			tap(false, name, "%s", err.msg);
			continue;
		}
		pc = p.rule[1].cond;
		tap(p.nrule == 2 && p.rule[1].ncond == 1 && pc->arg == c->arg && pc->op == c->op &&
		    pc->masked == c->masked && pc->mask == c->mask && pc->nval == c->nval &&
		    pc->val[0] == c->v0 && (c->nval < 2 || pc->val[1] == c->v1) &&
		    p.rule[1].errnum == EPERM && p.rule[1].line == 2, name,
		    "parsed as arg%u op %u mask 0x%llx nval %u v0 0x%llx", pc->arg, pc->op,
		    (unsigned long long)pc->mask, pc->nval, (unsigned long long)pc->val[0]);
		pol_free(&p);
	}
}

static void test_conditional_rules(void)
{
	struct pol p;
	sj_error err;
	const char *t = "allow socket\n"
			"deny socket EPERM if arg0 == AF_PACKET\n"
			"deny socket EPERM if arg0 == AF_PACKET\n"
			"deny socket EAFNOSUPPORT if arg0 > 17 && arg1 & 0xf == 1\n"
			"@include grp_cond\n";

	if (!tap(parse(t, 0, &p, &err) == 0, "conditional rules parse", "%s", err.msg))
		return;
	tap(count_conditional(&p, "socket") == 2, "identical conditional rules kept once",
	    "%zu rules", count_conditional(&p, "socket"));
	tap(p.rule[2].ncond == 2 && p.rule[2].cond[1].arg == 1 && p.rule[2].errnum == EAFNOSUPPORT,
	    "conditions joined by &&", "ncond %u", p.rule[2].ncond);
	tap(count_conditional(&p, "ioctl") == 1 &&
	    strcmp(p.file[p.rule[p.nrule - 1].file], "grp_cond.policy") == 0 &&
	    p.rule[p.nrule - 1].line == 2, "conditional rule keeps its file and line",
	    "%s:%u", p.file[p.rule[p.nrule - 1].file], p.rule[p.nrule - 1].line);
	pol_free(&p);

	t = "allow clone\n@unless allow.mount\ndeny clone if arg0 & 1 == 1\n@end\n";
	if (tap(parse(t, 1u << POL_MOUNT, &p, &err) == 0, "conditional rule in a false block",
		"%s", err.msg)) {
		tap(count_conditional(&p, "clone") == 0, "conditional rule in a false block is "
		    "left out", "%zu", count_conditional(&p, "clone"));
		pol_free(&p);
	}
	t = "allow x y\ndeny x y EACCES if arg2 == 3\n";
	if (tap(parse(t, 0, &p, &err) == 0, "conditional rule on several names", "%s", err.msg)) {
		tap(count_conditional(&p, "x") == 1 && count_conditional(&p, "y") == 1 &&
		    p.rule[3].cond != p.rule[2].cond, "each name gets its own conditions", " ");
		pol_free(&p);
	}
	t = "allow read\ndeny read EPERM if arg0 == 1\ndeny read EACCES if arg0 > 5\n";
	if (tap(parse(t, 0, &p, &err) == 0, "disjoint conditions with different errnos",
		"%s", err.msg))
		pol_free(&p);
	t = "allow read\ndeny read EPERM if arg0 < 9\ndeny read EPERM if arg0 > 5\n";
	if (tap(parse(t, 0, &p, &err) == 0, "overlapping conditions with one errno", "%s",
		err.msg))
		pol_free(&p);
}

/* A text that must fail, and what the message must say. */
static const struct bad {
	const char *text;
	const char *expect;
} bads[] = {
	{ "frobnicate read\n", "t.policy:1: unknown statement 'frobnicate'" },
	{ "allow read\nallow\n", "t.policy:2: expected a syscall name, got end of line" },
	{ "allow Read\n", "t.policy:1: expected a syscall name, got 'Read'" },
	{ "allow read |\n", "t.policy:1: expected a syscall name, got '|'" },
	{ "deny read EBOGUS\n", "t.policy:1: expected a syscall name, an errno name" },
	{ "deny read EPERM EACCES\n", "t.policy:1: expected a syscall name, an errno name" },
	{ "allow read bogus_call\n", "t.policy:1: unknown syscall 'bogus_call'" },
	{ "allow read\ndeny read EPERM if\n", "t.policy:2: expected an argument arg0 .. arg5, "
	  "got end of line" },
	{ "deny read if arg6 == 1\n", "t.policy:1: expected an argument arg0 .. arg5, got 'arg6'" },
	{ "deny read if arg0 = 1\n", "t.policy:1: unexpected '='" },
	{ "deny read if arg0 ~ 1\n", "t.policy:1: expected ==, !=, <, <=, >, >=, in or not in" },
	{ "deny read if arg0 ==\n", "t.policy:1: expected a number or a constant, got end of line" },
	{ "deny read if arg0 == FOO\n", "t.policy:1: unknown constant 'FOO'" },
	{ "deny read if arg0 == 0x\n", "t.policy:1: bad number '0x'" },
	{ "deny read if arg0 == 12ab\n", "t.policy:1: bad number '12ab'" },
	{ "deny read if arg0 == 18446744073709551616\n", "t.policy:1: number "
	  "'18446744073709551616' does not fit in 64 bits" },
	{ "deny read if arg0 == 1 |\n", "t.policy:1: expected a number or a constant" },
	{ "deny read if arg0 in\n", "t.policy:1: expected a number or a constant, got end of line" },
	{ "deny read if arg0 in 1,,2\n", "t.policy:1: expected a number or a constant, got ','" },
	{ "deny read if arg0 in 1,2,\n", "t.policy:1: expected a number or a constant" },
	{ "deny read if arg0 not 1\n", "t.policy:1: expected 'in' after 'not', got '1'" },
	{ "deny read if arg0 == 1 arg1 == 2\n", "t.policy:1: expected '&&' or the end of the "
	  "line, got 'arg1'" },
	{ "deny read if arg0 == 1 &&\n", "t.policy:1: expected an argument arg0 .. arg5" },
	{ "deny read if arg0 == 1 && arg0 == 2\n", "t.policy:1: arg0 is tested twice" },
	{ "deny read if arg0 & 0 == 0\n", "t.policy:1: mask 0 makes the condition constant" },
	{ "deny read if arg0 & 0xf == 0x10\n", "t.policy:1: value 0x10 has bits outside the "
	  "mask 0xf" },
	{ "deny read if arg0 < 0\n", "t.policy:1: the condition can never be true" },
	{ "deny read if arg0 & 0xf > 15\n", "t.policy:1: the condition can never be true" },
	{ "deny read if arg0 in 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,"
	  "24,25,26,27,28,29,30,31,32,33\n", "t.policy:1: more than 32 values in one list" },
	{ "@when allow.bogus\n@end\n", "t.policy:1: expected a parameter (allow.raw_sockets" },
	{ "@when\n", "t.policy:1: expected a parameter" },
	{ "@when allow.mount extra\n@end\n", "t.policy:1: expected the end of the line, got 'extra'" },
	{ "@else\n", "t.policy:1: @else without @when or @unless" },
	{ "allow read\n@end\n", "t.policy:2: @end without @when or @unless" },
	{ "@when allow.mount\n@else\n@else\n@end\n", "t.policy:3: second @else for the @when at "
	  "line 1" },
	{ "@when allow.mount\n@end x\n", "t.policy:2: expected the end of the line, got 'x'" },
	{ "\n@unless allow.mount\nallow read\n", "t.policy:2: @when or @unless without @end" },
	{ "@include\n", "t.policy:1: expected a profile name after @include" },
	{ "@include a b\n", "t.policy:1: expected the end of the line after the @include name" },
	{ "@include missing\n", "t.policy:1: @include missing: no such file" },
	{ "@when allow.mount\n@include missing\n@end\n", "t.policy:2: @include missing" },
	{ "@include loop\n", "loop2.policy:1: @include loop: include cycle" },
	{ "@include deep\n", "@include nested more than 8 deep" },
	{ "@include grp_bad\n", "grp_bad.policy:2: expected a syscall name, got 'Read'" },
	{ "@include grp_open\n", "grp_open.policy:1: @when or @unless without @end" },
	{ "@when allow.mount\n@include grp_bad\n@end\n", "grp_bad.policy:2: expected a syscall" },
	{ "deny read if arg0 == 1\n", "t.policy:1: deny read ... if: unreachable, read is not "
	  "allowed" },
	{ "deny read\ndeny read EPERM if arg0 == 1\n", "t.policy:2: deny read ... if: "
	  "unreachable, read is denied at t.policy:1" },
	{ "allow read\ndeny read EPERM if arg0 == 1\ndeny read EACCES if arg0 < 5\n",
	  "t.policy:3: deny read EACCES ... if: overlaps deny read EPERM at t.policy:2" },
	{ "allow socket\ndeny socket EPERM if arg0 & 0xffffffff == 17\n"
	  "deny socket EAFNOSUPPORT if arg0 not in 1, 2\n", "t.policy:3: deny socket "
	  "EAFNOSUPPORT ... if: overlaps" },
	{ "allow read\ndeny read EPERM if arg0 & 0xff == 1 && arg1 == 2\n"
	  "deny read EACCES if arg1 >= 2 && arg0 > 0x100\n", "t.policy:3:" },
	{ "allow read\0\n", "t.policy:1: NUL byte in the text" },
};

static void test_bad(void)
{
	char name[160];

	for (size_t i = 0; i < SJ_NELEM(bads); i++) {
		const struct bad *b = &bads[i];
		size_t len = strlen(b->text);
		struct pol p;
		sj_error err;
		int r;

		/* The NUL-byte case has its newline after the NUL. */
		if (strstr(b->expect, "NUL"))
			len += 2;
		r = pol_parse(&p, "t.policy", b->text, len, 0, &loader, &err);
		snprintf(name, sizeof(name), "error: %.*s", (int)strcspn(b->expect, "\n"), b->expect);
		if (r == 0) {
			tap(false, name, "parsed");
			pol_free(&p);
			continue;
		}
		tap(strstr(err.msg, b->expect) != NULL && err.errnum != 0, name,
		    "message is '%s'", err.msg);
	}
}

static void test_limits(void)
{
	char *text = malloc(POL_MAX_LINE + 64);
	struct pol p;
	sj_error err;

	if (!text)
		return;
	memset(text, ' ', POL_MAX_LINE + 8);
	memcpy(text, "allow read", 10);
	text[POL_MAX_LINE + 8] = '\n';
	tap(pol_parse(&p, "t.policy", text, POL_MAX_LINE + 9, 0, &loader, &err) < 0 &&
	    strstr(err.msg, "t.policy:1: line longer than") != NULL, "error: line too long",
	    "%s", err.msg);
	free(text);
}

/* Values to test conditions on: small ones, and high-bit garbage. */
static size_t test_values(uint64_t *v, size_t max)
{
	static const uint64_t high[] = {
		0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x100000000ull, 0x100000001ull,
		0x100000002ull, 0x100000011ull, 0x100005412ull, 0xdead00005412ull,
		0xffffffff00000000ull, 0xffffffff00000011ull, 0x8000000000000000ull,
		0xfffffffffffffffeull, 0xffffffffffffffffull, 0x20008, 0x2000a, 0x40000,
		0x12345678, 0x80000080, 0x40000000, 0x60000000,
	};
	size_t n = 0;

	for (uint64_t x = 0; x < 600 && n < max; x++)
		v[n++] = x;
	for (size_t i = 0; i < SJ_NELEM(high) && n < max; i++)
		v[n++] = high[i];
	for (uint64_t x = 0xffffffff - 40; x <= 0xffffffff && n < max; x++)
		v[n++] = x;
	for (uint64_t x = 0; x < 64 && n < max; x++)
		v[n++] = 1ull << x, v[n++] = ~(1ull << x);
	return n;
}

static const char *const complement_conds[] = {
	"arg0 not in 1, 2, 10, 16",
	"arg0 not in AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET",
	"arg0 & 0xffffffff not in 1, 2, 10, 16, 17",
	"arg0 & 0xffffffff not in 0, 8, 0x20000, 0x20008, 0xffffffff",
	"arg0 not in 0, 8, 0x20000, 0x20008, 0xffffffff",
	"arg0 != 5",
	"arg0 != 0",
	"arg0 != 0xffffffffffffffff",
	"arg0 & 0xff != 0x41",
	"arg0 & CLONE_NS_FLAGS != 0",
	"arg0 & 0xf0 >= 0x30",
	"arg0 & 0xf0f < 0x10a",
	"arg0 & 0x8000000000000001 > 1",
	"arg0 & 0xffffffff00000000 == 0x100000000",
	"arg0 < 100",
	"arg0 <= 0",
	"arg0 > 0xffffffff",
	"arg0 >= 0x100000000",
	"arg0 > 17",
	"arg0 >= 300",
	"arg0 in 3, 500, 0xffffffff, 0x100000000",
	"arg0 & 0xf in SOCK_RAW, SOCK_PACKET",
	"arg0 & 0xffffffff in TIOCSTI, TIOCLINUX",
	"arg0 & S_IFMT in S_IFCHR, S_IFBLK",
	"arg0 & 0xa5 not in 0x21, 0x84, 0x5",
	"arg0 == 0x100000011",
};

/* Compile each condition at 32 and 64 bits and compare the union of its
 * comparisons with the condition itself, value by value. */
static void test_complement(void)
{
	static uint64_t v[2000];
	static struct pol_cmp cmps[POL_MAX_CMPS];
	size_t nv = test_values(v, SJ_NELEM(v));
	char text[256], name[300];

	for (size_t i = 0; i < SJ_NELEM(complement_conds); i++) {
		struct pol p;
		sj_error err;

		snprintf(text, sizeof(text), "allow getpid\ndeny getpid if %s\n", complement_conds[i]);
		if (parse(text, 0, &p, &err) < 0) {
			snprintf(name, sizeof(name), "compile '%s'", complement_conds[i]);
			tap(false, name, "%s", err.msg);
			continue;
		}
		for (unsigned width = 32; width <= 64; width += 32) {
			const struct pol_cond *c = &p.rule[1].cond[0];
			uint64_t u = width == 64 ? ~0ull : 0xffffffff, bad = 0;
			int n = pol_cond_compile(c, width, cmps, SJ_NELEM(cmps));
			bool ok = n >= 0, one_per = true;

			for (size_t k = 0; ok && k < nv; k++) {
				bool any = false;

				for (int m = 0; m < n; m++)
					any |= pol_cmp_eval(&cmps[m], v[k] & u);
				if (any != pol_cond_eval(c, v[k] & u)) {
					ok = false;
					bad = v[k];
				}
			}
			for (int m = 0; m < n; m++)
				one_per &= cmps[m].op != POL_CMP_ANY || n == 1;
			snprintf(name, sizeof(name), "compile '%s' for %u-bit arguments (%d "
				 "comparisons)", complement_conds[i], width, n);
			tap(ok && one_per, name, n < 0 ? "too many comparisons" :
			    "differs at 0x%llx", (unsigned long long)bad);
		}
		pol_free(&p);
	}
}

static uint32_t rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* A random condition whose truth is decided by x's low 9 bits or by
 * small values, so that [0, 511] and a few high values decide it all. */
static void random_cond(uint32_t *s, struct pol_cond *c)
{
	memset(c, 0, sizeof(*c));
	c->op = (uint8_t)(rnd(s) % 8);
	c->masked = rnd(s) % 2;
	c->mask = c->masked ? rnd(s) % 255 + 1 : ~0ull;
	c->nval = c->op >= POL_IN ? (uint8_t)(rnd(s) % 4 + 1) : 1;
	for (unsigned i = 0; i < c->nval; i++)
		c->val[i] = (rnd(s) % 200) & c->mask;
}

/* pol_terms_overlap against a brute-force search for a common value. */
static void test_overlap(void)
{
	uint32_t seed = 12345;
	unsigned wrong = 0, cases = 0, overlapping = 0;
	char first[200] = "";

	for (int i = 0; i < 3000; i++) {
		struct pol_cond ca, cb;
		struct pol_rule ra = { .ncond = 1, .cond = &ca }, rb = { .ncond = 1, .cond = &cb };
		struct pol_term *ta, *tb;
		size_t na, nb;
		bool got = false, want = false;
		sj_error err;

		random_cond(&seed, &ca);
		random_cond(&seed, &cb);
		if (pol_rule_expand(&ra, 64, &ta, &na, &err) < 0 ||
		    pol_rule_expand(&rb, 64, &tb, &nb, &err) < 0) {
			tap(false, "overlap: expand", "%s", err.msg);
			return;
		}
		for (size_t a = 0; a < na; a++)
			for (size_t b = 0; b < nb; b++)
				got |= pol_terms_overlap(&ta[a], &tb[b]);
		for (uint64_t x = 0; x < 1024 && !want; x++)
			want = pol_cond_eval(&ca, x) && pol_cond_eval(&cb, x);
		want |= pol_cond_eval(&ca, ~0ull) && pol_cond_eval(&cb, ~0ull);
		cases++;
		overlapping += want;
		if (got != want && !wrong++)
			snprintf(first, sizeof(first), "op %u mask 0x%llx v 0x%llx vs op %u mask "
				 "0x%llx v 0x%llx: got %d", ca.op, (unsigned long long)ca.mask,
				 (unsigned long long)ca.val[0], cb.op, (unsigned long long)cb.mask,
				 (unsigned long long)cb.val[0], got);
		free(ta);
		free(tb);
	}
	tap(wrong == 0 && overlapping > 0 && overlapping < cases,
	    "overlap of random conditions matches a brute-force search",
	    "%u of %u wrong (%u overlap), first: %s", wrong, cases, overlapping, first);
}

int main(void)
{
	test_good();
	test_conditions();
	test_conditional_rules();
	test_bad();
	test_limits();
	test_complement();
	test_overlap();
	return tap_exit();
}
