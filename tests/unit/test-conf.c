/*
 * test-conf.c: jail.conf(5), the parser and what it means (no root):
 * every construct and every error (file:line:col and what was
 * expected), substitution, wildcards, includes from memory and from
 * files, the order FreeBSD applies statements in, jail -e's line,
 * applying a jail to sj_jail_set(), and the examples of FreeBSD's own
 * documentation and tests.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "tap.h"

/* ---- files in memory, for .include ------------------------------- */

static const struct mem_file {
	const char *name;
	const char *text;
} mem_files[] = {
	{ "inc.conf", "persist;\n" },
	{ "inc2.conf", "x = 1;\n" },
	{ "inc3.conf", "k { persist; }\n" },
	{ "d/a.conf", "a = 1;\n" },
	{ "d/b.conf", "b = 2;\n" },
	{ "d/c.conf", ".include \"a.conf\";\n" },
	{ "loop.conf", "\n.include \"loop.conf\";\n" },
	{ "bad.conf", "x = ;\n" },
	{ "open.conf", "k {\n" },
	{ "close.conf", "}\n" },
};

static const char *mem_dir_of(const char *from, const char *pattern, char *buf, size_t len)
{
	const char *slash = strrchr(from, '/');

	if (pattern[0] == '/' || !slash)
		snprintf(buf, len, "%s", pattern);
	else
		snprintf(buf, len, "%.*s%s", (int)(slash + 1 - from), from, pattern);
	return buf;
}

static int add_text(const char *name, const char *text, struct conf_text **out, size_t *n,
		    sj_error *err)
{
	struct conf_text *v = realloc(*out, (*n + 1) * sizeof(*v));

	if (!v)
		return sj_fail(err, ENOMEM, "out of memory");
	*out = v;
	v[*n] = (struct conf_text){ .text = text, .len = strlen(text), .name = strdup(name) };
	(*n)++;
	return 0;
}

/* FreeBSD's rules over mem_files: a glob matches in sorted order, a
 * plain name must exist; "dN" names a chain of includes, for depth. */
static int mem_include(void *ctx, const char *from, const char *pattern, struct conf_text **out,
		       size_t *n, sj_error *err)
{
	static char chain[64][32];
	char name[256];
	int d;

	(void)ctx;
	*out = NULL;
	*n = 0;
	mem_dir_of(from, pattern, name, sizeof(name));
	if (sscanf(name, "d%d", &d) == 1 && d >= 0 && d < 63 && !strchr(name, '/')) {
		snprintf(chain[d], sizeof(chain[d]), ".include \"d%d\";\n", d + 1);
		return add_text(name, chain[d], out, n, err);
	}
	if (!strpbrk(name, "*?[")) {
		for (size_t i = 0; i < SJ_NELEM(mem_files); i++)
			if (strcmp(mem_files[i].name, name) == 0)
				return add_text(name, mem_files[i].text, out, n, err);
		return sj_fail(err, ENOENT, "%s: no such file", name);
	}
	/* mem_files is sorted where it matters (d/a, d/b, d/c). */
	for (size_t i = 0; i < SJ_NELEM(mem_files); i++)
		if (fnmatch(name, mem_files[i].name, FNM_PATHNAME) == 0 &&
		    add_text(mem_files[i].name, mem_files[i].text, out, n, err) < 0)
			return -1;
	return 0;
}

static const struct conf_loader mem_loader = { mem_include, NULL };

/* ---- helpers ------------------------------------------------------ */

static char warnings[4096];

static void collect_warning(void *ctx, const char *msg)
{
	size_t n = strlen(warnings);

	(void)ctx;
	snprintf(warnings + n, sizeof(warnings) - n, "%s%s", n ? " | " : "", msg);
}

static struct sj_conf *parse_len(const char *text, size_t len, const struct conf_loader *ld,
				 sj_error *err)
{
	struct sj_conf *c = conf_new(err);

	if (!c)
		return NULL;
	warnings[0] = '\0';
	c->warn = collect_warning;
	if (conf_parse(c, "t.conf", text, len, ld, err) < 0) {
		conf_free(c);
		return NULL;
	}
	return c;
}

static struct sj_conf *parse(const char *text, sj_error *err)
{
	return parse_len(text, strlen(text), &mem_loader, err);
}

/* Jail JAIL of C as jail -e " " shows it, or "ERROR: msg". */
static char *show(const struct sj_conf *c, const char *jail)
{
	const struct conf_section *s = conf_jail_find(c, jail);
	struct conf_jail j;
	sj_error err;
	char *line;

	if (!s)
		return strdup("ERROR: no such jail");
	if (conf_resolve(c, s, &j, &err) < 0) {
		if (asprintf(&line, "ERROR: %s", err.msg) < 0)
			line = NULL;
		return line;
	}
	line = conf_format(&j, " ", &err);
	conf_jail_free(&j);
	return line;
}

static bool contains(const char *s, const char *part)
{
	return s && strstr(s, part);
}

/* ---- what parses, and what it means ------------------------------- */

static const struct good {
	const char *name;
	const char *text;
	const char *jail;
	const char *expect;		/* jail -e " " */
} goods[] = {
	{ "name; is a boolean", "j { persist; }", "j", "name=j persist" },
	{ "name = value", "j { host.hostname = a.example; }", "j",
	  "name=j host.hostname=a.example" },
	{ "name value, without '='", "j { host.hostname a.example; }", "j",
	  "name=j host.hostname=a.example" },
	{ "a list", "j { ip4.addr = 192.0.2.1, 192.0.2.2; }", "j",
	  "name=j ip4.addr=192.0.2.1,192.0.2.2" },
	{ "a list without '='", "j { ip4.addr 192.0.2.1, 192.0.2.2; }", "j",
	  "name=j ip4.addr=192.0.2.1,192.0.2.2" },
	{ "+= appends to a global", "ip4.addr = 192.0.2.1;\nj { ip4.addr += 192.0.2.2; }", "j",
	  "name=j ip4.addr=192.0.2.1,192.0.2.2" },
	{ "= replaces a global", "ip4.addr = 192.0.2.1;\nj { ip4.addr = 192.0.2.2; }", "j",
	  "name=j ip4.addr=192.0.2.2" },
	{ "+= with nothing before", "j { ip4.addr += 192.0.2.2; }", "j",
	  "name=j ip4.addr=192.0.2.2" },
	{ "= after += replaces", "j { a += 1; a += 2; a = 3; }", "j", "name=j a=3" },
	{ "name; drops the values", "j { exec.start = x; exec.start; }", "j",
	  "name=j exec.start" },
	{ "noNAME is NAME", "mount.devfs;\nj { mount.nodevfs; }", "j", "name=j mount.nodevfs" },
	{ "NAME after noNAME", "allow.nomount;\nj { allow.mount = 1; }", "j",
	  "name=j allow.mount=1" },
	{ "order of first appearance", "a = 1; b = 2;\nj { c = 3; a = 4; }", "j",
	  "name=j a=4 b=2 c=3" },
	{ "globals first when the first global comes first",
	  "y = 0;\nj { x = 1; }\nx = 2;", "j", "name=j y=0 x=1" },
	{ "globals after a jail that comes first", "j { x = 1; }\nx = 2;", "j", "name=j x=2" },
	{ "a '*' block after the jail wins", "j { x = 1; }\n* { x = 2; }", "j", "name=j x=2" },
	{ "a '*' block before the jail loses", "* { x = 2; }\nj { x = 1; }", "j", "name=j x=1" },
	{ "several '*' blocks", "* { a = 1; }\nj { b = 2; }\n* { c = 3; }", "j",
	  "name=j a=1 b=2 c=3" },
	{ "nested jail", "a { x = 0; b { x = 1; } }", "a.b", "name=a.b x=1" },
	{ "nested jail's parent", "a { x = 0; b { x = 1; } }", "a", "name=a x=0" },
	{ "prefix wildcard matches children", "a { b { } }\n\"a.*\" { persist; }", "a.b",
	  "name=a.b persist" },
	{ "prefix wildcard skips the parent", "a { b { } }\n\"a.*\" { persist; }", "a",
	  "name=a" },
	{ "prefix wildcard unquoted", "a.* { persist; }\na { b { } }", "a.b",
	  "name=a.b persist" },
	{ "final '*' matches deeper", "a { b { c { } } }\n\"a.*\" { x = 1; }", "a.b.c",
	  "name=a.b.c x=1" },
	{ "inner '*' matches one component", "a { b { } c { } }\n\"*.b\" { x = 1; }", "a.b",
	  "name=a.b x=1" },
	{ "inner '*' matches only its name", "a { b { } c { } }\n\"*.b\" { x = 1; }", "a.c",
	  "name=a.c" },
	{ "$name", "path = \"/j/$name\";\nj { }", "j", "name=j path=/j/j" },
	{ "${dotted.name}", "j { host.hostname = h.example; path = \"/j/${host.hostname}\"; }",
	  "j", "name=j host.hostname=h.example path=/j/h.example" },
	{ "$a.b is $a, then .b", "$a = x;\nj { host.hostname = $a.example; }", "j",
	  "name=j host.hostname=x.example" },
	{ "a parameter defined later", "j { path = \"/j/$h\"; $h = x; }", "j",
	  "name=j path=/j/x" },
	{ "a reference done first moves first",
	  "j { path = \"/j/${host.hostname}\"; host.hostname = \"$name.example\"; }", "j",
	  "name=j host.hostname=j.example path=/j/j.example" },
	{ "a chain of references", "j { a = \"$b\"; b = \"$c-b\"; c = \"$name-c\"; }", "j",
	  "name=j c=j-c b=j-c-b a=j-c-b" },
	{ "a global variable", "$base = /srv;\npath = \"$base/$name\";\nj { }", "j",
	  "name=j path=/srv/j" },
	{ "a jail's variable overrides", "$base = /srv;\npath = \"$base/$name\";\n"
	  "j { $base = /other; }", "j", "name=j path=/other/j" },
	{ "a list through a variable", "$a = 192.0.2.1, 192.0.2.2;\n"
	  "j { ip4.addr = $a, 192.0.2.3; }", "j", "name=j ip4.addr=192.0.2.1,192.0.2.2,192.0.2.3" },
	{ "a list through \"$var\"", "j { $a = x, y; exec.start = \"$a\"; }", "j",
	  "name=j exec.start=x,y" },
	{ "single quotes keep $", "j { exec.start = 'echo $HOME'; }", "j",
	  "name=j exec.start=\"echo $HOME\"" },
	{ "\\$ in double quotes", "j { exec.start = \"echo \\$HOME\"; }", "j",
	  "name=j exec.start=\"echo $HOME\"" },
	{ "'$' before a non-name", "j { a = \"cost $5\"; b = a$; c = $; }", "j",
	  "name=j a=\"cost $5\" b=a$ c=$" },
	{ "escapes in single quotes", "j { a = 'it\\'s'; }", "j", "name=j a=\"it's\"" },
	{ "pieces join", "j { a = \"x\"'y'z\"$name\"/w; }", "j", "name=j a=xyzj/w" },
	{ "'+' and '/' and '*' in words", "j { a = a+b/c*d; }", "j", "name=j a=a+b/c*d" },
	{ "comments", "# shell\n// C++\n/* C,\n   two lines */\nj { persist; # x\n"
	  "a = 1; // x\nb /* in */ = 2; }", "j", "name=j persist a=1 b=2" },
	{ "empty statements", ";;\nj { ; persist; ; };", "j", "name=j persist" },
	{ "quoted names", "\"j\" { \"persist\"; 'a' = 1; }", "j", "name=j persist a=1" },
	{ "CRLF line ends", "j {\r\n persist;\r\n}\r\n", "j", "name=j persist" },
	{ "a number names a jid", "5309 { host.hostname = \"${name}\"; persist; }", "5309",
	  "host.hostname=5309 persist name=5309" },
	{ "a numbered jail with a name", "5309 { name = basejail; persist; }", "5309",
	  "name=basejail persist" },
	{ "a named jail with a jid", "basejail { jid = 5309; persist; }", "basejail",
	  "name=basejail persist" },
	{ "values quoted as FreeBSD prints them",
	  "j { a = \"\"; b = \"x y\"; c = 'say \"hi\"'; d = \"it's\"; e = \"back\\\\slash\"; "
	  "f = \"t\\tab\"; }", "j",
	  "name=j a=\"\" b=\"x y\" c='say \"hi\"' d=\"it's\" e=back\\\\slash f=\"t\tab\"" },
	{ "variables are not shown", "$v = 1;\nj { $w = 2; }", "j", "name=j" },
	{ ".include in place", ".include \"inc.conf\";\nj { }", "j", "name=j persist" },
	{ ".include in a block", "j { .include \"inc2.conf\"; y = 2; }", "j",
	  "name=j x=1 y=2" },
	{ ".include defines jails", "x = 1;\n.include \"inc3.conf\";", "k",
	  "name=k x=1 persist" },
	{ ".include a glob, in order", ".include \"d/[ab].conf\";\nj { }", "j",
	  "name=j a=1 b=2" },
	{ ".include a glob that matches nothing", ".include \"none/*.conf\";\nj { }", "j",
	  "name=j" },
	{ ".include relative to its file", ".include \"d/c.conf\";\nj { }", "j",
	  "name=j a=1" },
	{ ".include a list", ".include \"d/b.conf\", \"d/a.conf\";\nj { }", "j",
	  "name=j b=2 a=1" },
	{ ".include unquoted", ".include d/a.conf;\nj { }", "j", "name=j a=1" },
	{ "escapes", "j { a = \"\\101\\x42\\q\\\\\"; }", "j", "name=j a=ABq\\\\" },
	{ "line continuation", "j { a = \"ab\\\ncd\"; b = ef\\\ngh; }", "j",
	  "name=j a=abcd b=efgh" },
	{ "non-ASCII in quotes", "j { a = \"caf\xc3\xa9\"; }", "j", "name=j a=caf\xc3\xa9" },
};

static void test_goods(void)
{
	for (size_t i = 0; i < SJ_NELEM(goods); i++) {
		const struct good *g = &goods[i];
		sj_error err;
		struct sj_conf *c = parse(g->text, &err);
		char *line;

		if (!c) {
			tap(false, g->name, "parse failed: %s", err.msg);
			continue;
		}
		line = show(c, g->jail);
		tap(line && strcmp(line, g->expect) == 0, g->name, "got [%s], expected [%s]",
		    line, g->expect);
		free(line);
		conf_free(c);
	}
}

/* Values that -e cannot show plainly. */
static void test_escapes(void)
{
	sj_error err;
	struct sj_conf *c = parse("j { a = \"t\\tn\\n\\r\\a\\b\\f\\v\\x7e\\1771\"; }", &err);
	const struct conf_section *s = c ? conf_jail_find(c, "j") : NULL;
	struct conf_jail j;
	const char *want = "t\tn\n\r\a\b\f\v~\1771";

	if (!s || conf_resolve(c, s, &j, &err) < 0) {
		tap(false, "C escapes", "%s", err.msg);
		conf_free(c);
		return;
	}
	tap(strcmp(j.p[j.p[j.head].next].val[0].text, want) == 0, "C escapes", "got [%s]",
	    j.p[j.p[j.head].next].val[0].text);
	conf_jail_free(&j);
	conf_free(c);
}

/* ---- what does not parse ----------------------------------------- */

static const struct bad {
	const char *name;
	const char *text;
	const char *expect;		/* part of the message */
} bads[] = {
	{ "unterminated double quotes", "x = \"abc;\n", "t.conf:1:5: unterminated string: "
	  "expected a closing \"" },
	{ "unterminated single quotes", "x = 'abc;", "t.conf:1:5: unterminated string: "
	  "expected a closing '" },
	{ "unterminated comment", "x = 1; /* no end\n", "t.conf:1:8: unterminated comment: "
	  "expected '*/'" },
	{ "unterminated variable", "x = ${abc;", "t.conf:1:5: unterminated variable: "
	  "expected '}'" },
	{ "newline in ${}", "x = ${ab\ncd};", "t.conf:1:5: unterminated variable" },
	{ "'\"' in \"${}\"", "x = \"${a\"b}\";", "t.conf:1:6: unterminated variable" },
	{ "empty ${}", "x = ${};", "t.conf:1:5: expected a variable name between '${' and '}'" },
	{ "\\0", "x = \"a\\0b\";", "t.conf:1:7: a value cannot hold a NUL byte" },
	{ "\\x without digits", "x = \"a\\xzz\";", "t.conf:1:7: a value cannot hold a NUL byte" },
	{ "control byte", "x = a\x01;", "t.conf:1:6: unexpected byte 0x01 outside quotes" },
	{ "non-ASCII unquoted", "x = caf\xc3\xa9;", "t.conf:1:8: unexpected byte 0xc3" },
	{ "backslash at the end", "x = a\\", "t.conf:1:6: expected a character after '\\', "
	  "got the end of the file" },
	{ "no ';' before '}'", "j { persist }", "t.conf:1:13: expected '=', '+=', a value, "
	  "';' or '{', got '}'" },
	{ "no ';' at the end", "persist", "t.conf:1:8: expected '=', '+=', a value, ';' or "
	  "'{', got the end of the file" },
	{ "no ';' after a value", "x = 1", "t.conf:1:6: expected ',' or ';', got the end of "
	  "the file" },
	{ "'}' after a value", "j { x = 1 }", "t.conf:1:11: expected ',' or ';', got '}'" },
	{ "'{' after a value", "x = 1 {", "t.conf:1:7: expected ',' or ';', got '{'" },
	{ "unclosed block", "j {\n persist;\n", "t.conf:3:1: expected '}' to close jail 'j' "
	  "opened at t.conf:1:1, got the end of the file" },
	{ "stray '}'", "persist; }", "t.conf:1:10: unexpected '}': no jail block is open" },
	{ "'=' first", "= 1;", "t.conf:1:1: expected a parameter, a jail block or ';', "
	  "got '='" },
	{ "',' first", "j { , }", "t.conf:1:5: expected a parameter, a jail block or ';', "
	  "got ','" },
	{ "'+=' first", "+= 1;", "t.conf:1:1: expected a parameter, a jail block or ';', "
	  "got '+='" },
	{ "no value after '='", "x = ;", "t.conf:1:5: expected a value, got ';'" },
	{ "no value after '+='", "x += ;", "t.conf:1:6: expected a value, got ';'" },
	{ "no value after ','", "x = 1, ;", "t.conf:1:8: expected a value, got ';'" },
	{ "'=' after '='", "x = = 1;", "t.conf:1:5: expected a value, got '='" },
	{ "a name in pieces", "a\"b\" = 1;", "t.conf:1:6: expected '{' (a parameter's name is "
	  "one word or one quoted string), got '='" },
	{ "$ in a name", "a$b = 1;", "t.conf:1:5: expected '{' (a parameter's name" },
	{ "a variable as a jail name", "$x { }", "t.conf:1:1: a jail name cannot hold "
	  "variables" },
	{ "a reference in a jail name", "j$x { }", "t.conf:1:2: a jail name cannot hold "
	  "variables" },
	{ "an empty jail name", "\"\" { }", "t.conf:1:1: a jail name cannot be empty" },
	{ "a jail twice", "j { }\nj { }", "t.conf:2:1: jail 'j' is already defined at "
	  "t.conf:1:1" },
	{ "a nested jail twice", "a { b { } }\na.b { }", "t.conf:2:1: jail 'a.b' is already "
	  "defined at t.conf:1:5" },
	{ "'#' inside a word is a comment", "j { a = b#c;\n}", "t.conf:2:1: expected ',' or "
	  "';', got '}'" },
	{ "'//' inside a word is a comment", "path = /usr//local;\n", "t.conf:2:1: expected "
	  "',' or ';', got the end of the file" },
	{ "an unquoted glob opens a comment", ".include /etc/jail.conf.d/*.conf;\n",
	  "t.conf:1:26: unterminated comment" },
	{ ".include with a variable", ".include \"$x.conf\";", "t.conf:1:11: variables are "
	  "not permitted in an .include file name" },
	{ ".include =", ".include = \"a\";", "t.conf:1:1: .include takes file names and no "
	  "'=' or '+='" },
	{ ".include;", ".include;", "t.conf:1:1: .include takes file names" },
	{ ".include a missing file", ".include \"nope.conf\";", "t.conf:1:10: .include "
	  "\"nope.conf\": nope.conf: no such file" },
	{ ".include itself", ".include \"loop.conf\";", "loop.conf:2:10: .include "
	  "\"loop.conf\": loop.conf includes itself" },
	{ ".include too deep", ".include \"d0\";", ".include nested more than 32 deep" },
	{ "an error in an included file", ".include \"bad.conf\";", "bad.conf:1:5: expected "
	  "a value, got ';'" },
	{ "a block must close in its file", ".include \"open.conf\";", "open.conf:2:1: "
	  "expected '}' to close jail 'k' opened at open.conf:1:1" },
	{ "'}' cannot close an outer file's block", "j { .include \"close.conf\"; }",
	  "close.conf:1:1: unexpected '}': no jail block is open" },
};

static void test_bads(void)
{
	for (size_t i = 0; i < SJ_NELEM(bads); i++) {
		const struct bad *b = &bads[i];
		sj_error err = { 0 };
		struct sj_conf *c = parse(b->text, &err);

		tap(!c && contains(err.msg, b->expect) && err.errnum != 0, b->name,
		    "got [%s] (errno %d), expected [%s]", c ? "success" : err.msg, err.errnum,
		    b->expect);
		conf_free(c);
	}
}

/* Errors that need lengths, loaders or sizes the table cannot give. */
static void test_bads_special(void)
{
	static const char nul_in[] = "x = \"a\0\";", nul_out[] = "x = a\0;";
	sj_error err;
	struct sj_conf *c;
	char *big, *deep;

	c = parse_len(nul_in, sizeof(nul_in) - 1, &mem_loader, &err);
	tap(!c && contains(err.msg, "t.conf:1:7: a value cannot hold a NUL byte"),
	    "NUL byte in quotes", "%s", c ? "parsed" : err.msg);
	conf_free(c);
	c = parse_len(nul_out, sizeof(nul_out) - 1, &mem_loader, &err);
	tap(!c && contains(err.msg, "t.conf:1:6: unexpected byte 0x00 outside quotes"),
	    "NUL byte outside quotes", "%s", c ? "parsed" : err.msg);
	conf_free(c);
	c = parse_len(".include \"inc.conf\";", 20, NULL, &err);
	tap(!c && contains(err.msg, "t.conf:1:10: .include is not available here"),
	    ".include without a loader", "%s", c ? "parsed" : err.msg);
	conf_free(c);

	big = malloc(CONF_MAX_FILE + 2);
	deep = malloc(40 * 4 + 1);
	if (!big || !deep)
		abort();
	memset(big, ' ', CONF_MAX_FILE + 1);
	c = parse_len(big, CONF_MAX_FILE + 1, &mem_loader, &err);
	tap(!c && contains(err.msg, "t.conf:1:1: larger than 1048576 bytes"), "file too large",
	    "%s", c ? "parsed" : err.msg);
	conf_free(c);
	deep[0] = '\0';
	for (int i = 0; i < 33; i++)
		strcat(deep, "a{");
	c = parse(deep, &err);
	tap(!c && contains(err.msg, "t.conf:1:65: jail blocks nested more than 32 deep"),
	    "jail blocks too deep", "%s", c ? "parsed" : err.msg);
	conf_free(c);
	/* Limits that keep the parser's work in proportion. */
	for (size_t i = 0; i < 3 * (CONF_MAX_WILD + 1); i += 3)
		memcpy(big + i, "*{}", 3);
	c = parse_len(big, 3 * (CONF_MAX_WILD + 1), &mem_loader, &err);
	tap(!c && contains(err.msg, "t.conf:1:3001: more than 1000 wildcard blocks"),
	    "too many wildcard blocks", "%s", c ? "parsed" : err.msg);
	conf_free(c);
	for (size_t i = 0; i < 2 * (CONF_MAX_STMTS + 1); i += 2)
		memcpy(big + i, "a;", 2);
	c = parse_len(big, 2 * (CONF_MAX_STMTS + 1), &mem_loader, &err);
	tap(!c && contains(err.msg, "t.conf:1:200001: more than 100000 statements and blocks"),
	    "too many statements", "%s", c ? "parsed" : err.msg);
	conf_free(c);
	free(big);
	free(deep);
}

/* ---- what parses but cannot be resolved for one jail -------------- */

static const struct bad_jail {
	const char *name;
	const char *text;
	const char *jail;
	const char *expect;
} bad_jails[] = {
	{ "unknown variable", "j { path = \"/j/$nope\"; }", "j",
	  "t.conf:1:16: path: variable \"nope\" not found" },
	{ "a variable without a value", "j { persist; x = $persist; }", "j",
	  "t.conf:1:18: x: variable \"persist\" not found" },
	{ "variable loop", "j { $a = $b; $b = $a; }", "j", "t.conf:1:19: a: variable loop" },
	{ "a parameter refers to itself", "j { path = \"$path/x\"; }", "j",
	  "t.conf:1:13: path: variable loop" },
	{ "a list inside a string", "j { $a = x, y; b = \"pre$a\"; }", "j",
	  "t.conf:1:24: b: array cannot be substituted inline" },
	{ "a variable named as a parameter", "j { $path = x; }", "j",
	  "t.conf:1:5: variable \"$path\" cannot have the same name as a parameter" },
	{ "a variable and a parameter", "j { foo = 1; $foo = 2; }", "j",
	  "t.conf:1:14: variable \"$foo\" cannot have the same name as a parameter" },
	{ "name set again", "j { name = other; }", "j",
	  "t.conf:1:5: cannot redefine parameter \"name\"" },
	{ "name set by a global", "name = x;\nj { }", "j",
	  "t.conf:1:1: cannot redefine parameter \"name\"" },
	{ "jid set again", "5 { jid = 6; }", "5", "t.conf:1:5: cannot redefine parameter "
	  "\"jid\"" },
	{ "jid twice", "j { jid = 5; jid = 6; }", "j", "t.conf:1:14: cannot redefine "
	  "parameter \"jid\"" },
	{ "substitution that doubles a list", "j { $a = x, x, x, x, x, x, x, x, x;\n"
	  "$b = $a, $a, $a, $a, $a, $a, $a, $a;\n$c = $b, $b, $b, $b, $b, $b, $b, $b;\n"
	  "$d = $c, $c, $c, $c, $c, $c, $c, $c;\nz = $d; }", "j",
	  "d: more than 4096 values once substituted" },
	{ "substitution that doubles a string", "j { $a = xxxxxxxxxxxxxxxx;\n"
	  "$b = \"$a$a$a$a$a$a$a$a$a$a$a$a$a$a$a$a\";\n$c = \"$b$b$b$b$b$b$b$b$b$b$b$b$b$b$b$b\";\n"
	  "$d = \"$c$c$c$c$c$c$c$c$c$c$c$c$c$c$c$c\";\n$e = \"$d$d$d$d$d$d$d$d$d$d$d$d$d$d$d$d\";\n"
	  "$f = \"$e$e$e$e$e$e$e$e$e$e$e$e$e$e$e$e\";\nz = $f; }", "j",
	  "substitution makes the jail's values larger than 16777216 bytes" },
};

static void test_bad_jails(void)
{
	for (size_t i = 0; i < SJ_NELEM(bad_jails); i++) {
		const struct bad_jail *b = &bad_jails[i];
		sj_error err;
		struct sj_conf *c = parse(b->text, &err);
		char *line = c ? show(c, b->jail) : NULL;

		tap(contains(line, b->expect) && strncmp(line, "ERROR: ", 7) == 0, b->name,
		    "got [%s], expected [%s]", c ? line : err.msg, b->expect);
		free(line);
		conf_free(c);
	}
}

/* One bad jail leaves the others be. */
static void test_one_bad_jail(void)
{
	sj_error err;
	struct sj_conf *c = parse("a { x = $nope; }\nb { persist; }\nc { }", &err);
	char *a = c ? show(c, "a") : NULL, *b = c ? show(c, "b") : NULL;

	tap(c && conf_jail_count(c) == 3 && contains(a, "ERROR: t.conf:1:9: x: variable") &&
	    contains(b, "name=b persist"), "one bad jail, the others resolve", "[%s] [%s]",
	    a ? a : "-", b ? b : "-");
	tap(c && strcmp(conf_jail_at(c, 0)->name, "a") == 0 &&
	    strcmp(conf_jail_at(c, 2)->name, "c") == 0 && !conf_jail_at(c, 3),
	    "jails in file order", " ");
	free(a);
	free(b);
	conf_free(c);
}

/* ---- applying a jail: a sink that records ------------------------ */

static char calls[4096];

static void record(const char *text)
{
	size_t n = strlen(calls);

	snprintf(calls + n, sizeof(calls) - n, "%s%s", n ? "; " : "", text);
}

static int rec_set(void *ctx, const char *name, const char *value, sj_error *err)
{
	char buf[512];

	(void)ctx;
	if (strcmp(name, "fail") == 0)
		return sj_fail(err, EINVAL, "fail: refused");
	snprintf(buf, sizeof(buf), "set %s=%s", name, value ? value : "(null)");
	record(buf);
	return 0;
}

static int rec_add(void *ctx, const char *name, const char *value, sj_error *err)
{
	char buf[512];

	(void)ctx;
	(void)err;
	snprintf(buf, sizeof(buf), "add %s=%s", name, value);
	record(buf);
	return 0;
}

static int rec_command(void *ctx, char *const argv[], sj_error *err)
{
	char buf[512];

	(void)ctx;
	(void)err;
	snprintf(buf, sizeof(buf), "command %s", argv[0]);
	record(buf);
	for (size_t i = 1; argv[i]; i++)
		record(argv[i]);
	return 0;
}

static const struct conf_sink rec_sink = { rec_set, rec_add, rec_command, NULL };

static const struct apply_case {
	const char *name;
	const char *text;
	const char *jail;
	const char *calls;		/* NULL: must fail */
	const char *expect;		/* the error, or the warnings */
} applies[] = {
	{ "apply: values in order", "j { path = /j; host.hostname = h; persist; }", "j",
	  "set name=j; set path=/j; set host.hostname=h; set persist=(null)", "" },
	{ "apply: a list is set, then added to", "j { ip4.addr = 192.0.2.1, 192.0.2.2; }", "j",
	  "set name=j; set ip4.addr=192.0.2.1; add ip4.addr=192.0.2.2", "" },
	{ "apply: booleans as FreeBSD reads them",
	  "j { allow.mount = 2; allow.raw_sockets = FALSE; allow.noset_hostname = 0; "
	  "exec.noclean = true; }", "j",
	  "set name=j; set allow.mount=true; set allow.raw_sockets=false; "
	  "set allow.set_hostname=true; set exec.clean=false", "" },
	{ "apply: a boolean that is not", "j { persist = maybe; }", "j", NULL,
	  "t.conf:1:15: persist: unknown boolean value \"maybe\"" },
	{ "apply: one value wanted, the last used", "j { host.hostname = a, b; }", "j",
	  "set name=j; set host.hostname=b",
	  "t.conf:1:24: host.hostname takes one value: the last one, 'b', is used" },
	{ "apply: command split at blanks", "j { command = \"/bin/echo hi \tthere\"; }", "j",
	  "set name=j; command /bin/echo; hi; there", "" },
	{ "apply: command with shell characters", "j { command = 'echo $HOME; ls'; }", "j",
	  "set name=j; command /bin/sh; -c; echo $HOME; ls", "" },
	{ "apply: two commands, the second if the first succeeds",
	  "j { command = \"echo a\", 'b c'; }", "j",
	  "set name=j; command /bin/sh; -c; echo a && b c", "" },
	{ "apply: warns of a parameter with no meaning", "j { securelevel = 3; }", "j",
	  "set name=j; set securelevel=3",
	  "t.conf:1:5: securelevel: a FreeBSD parameter that means nothing on Linux: ignored" },
	{ "apply: a numbered jail sets jid, not name", "5 { persist; }", "5",
	  "set jid=5; set persist=(null)", "" },
	{ "apply: a jail inside a jail", "a { b { persist; } }", "a.b", NULL,
	  "t.conf:1:5: jail 'a.b': jails inside jails are not supported yet" },
	{ "apply: an unknown parameter is where it is named", "x = 1;\nj { fail = 2; }", "j",
	  NULL, "t.conf:2:5: fail: refused" },
};

static void test_applies(void)
{
	for (size_t i = 0; i < SJ_NELEM(applies); i++) {
		const struct apply_case *a = &applies[i];
		sj_error err = { 0 };
		struct sj_conf *c = parse(a->text, &err);
		const struct conf_section *s = c ? conf_jail_find(c, a->jail) : NULL;
		struct conf_jail j;
		int r = -1;

		calls[0] = '\0';
		if (s && conf_resolve(c, s, &j, &err) == 0) {
			r = conf_apply(c, &j, &rec_sink, &err);
			conf_jail_free(&j);
		}
		if (a->calls)
			tap(r == 0 && strcmp(calls, a->calls) == 0 && strcmp(warnings, a->expect) == 0,
			    a->name, "got [%s] warnings [%s] (%s)", calls, warnings,
			    r ? err.msg : "ok");
		else
			tap(r < 0 && contains(err.msg, a->expect), a->name, "got [%s]",
			    r ? err.msg : calls);
		conf_free(c);
	}
}

/* ---- applying to a real sj_jail ---------------------------------- */

static const char issue_example[] =
	"# global defaults\n"
	"exec.start = \"/bin/sh /etc/rc\";\n"
	"exec.stop = \"/bin/sh /etc/rc.shutdown\";\n"
	"exec.clean;\n"
	"mount.devfs;\n"
	"path = \"/srv/jails/$name\";\n"
	"www {\n"
	"    host.hostname = \"www.example.org\";\n"
	"    ip4.addr = 192.0.2.20;\n"
	"    ip4.addr += \"lo0|127.0.0.20\";\n"
	"    allow.raw_sockets = 0;\n"
	"}\n"
	"db { host.hostname = db; persist; sysvipc = new; }\n";

/* Apply jail NAME of TEXT to a new sj_jail; the jail, or NULL and ERR. */
static sj_jail *apply_text(const char *text, const char *name, sj_error *err)
{
	sj_conf *c = sj_conf_load_text("t.conf", text, strlen(text), collect_warning, NULL, err);
	sj_jail *j = c ? sj_jail_new(err) : NULL;

	warnings[0] = '\0';
	if (j && sj_conf_apply(c, name, j, err) < 0) {
		sj_jail_free(j);
		j = NULL;
	}
	sj_conf_free(c);
	return j;
}

static bool has_value(const sj_jail *j, const char *name, const char *want)
{
	char buf[256];
	sj_error err;

	return sj_jail_get(j, name, buf, sizeof(buf), &err) >= 0 && strcmp(buf, want) == 0;
}

static void test_real_jail(void)
{
	static const struct {
		const char *name, *value;
	} www[] = {
		{ "name", "www" }, { "path", "/srv/jails/www" }, { "exec.clean", "true" },
		{ "host.hostname", "www.example.org" }, { "allow.raw_sockets", "false" },
		{ "ip4.addr", "192.0.2.20,lo0|127.0.0.20" }, { "mount.devfs", "true" },
		{ "exec.start", "/bin/sh /etc/rc" }, { "exec.stop", "/bin/sh /etc/rc.shutdown" },
	};
	sj_error err;
	sj_jail *j;
	bool ok = true;

	j = apply_text(issue_example, "www", &err);
	for (size_t i = 0; j && i < SJ_NELEM(www); i++)
		ok = ok && has_value(j, www[i].name, www[i].value);
	tap(j && ok, "the issue's example: jail www", "%s", j ? "a value differs" : err.msg);
	sj_jail_free(j);
	j = apply_text(issue_example, "db", &err);
	tap(!j && contains(err.msg, "t.conf:13:35: unknown parameter 'sysvipc'"),
	    "the issue's example: db's sysvipc is not FreeBSD's", "%s", j ? "applied" : err.msg);
	sj_jail_free(j);
}

static void test_real_params(void)
{
	sj_error err;
	sj_jail *j;

	j = apply_text("j { mount.nodevfs; }", "j", &err);
	tap(!j && contains(err.msg, "t.conf:1:5: mount.nodevfs: 'false' is not supported: "
			   "sysjail always mounts it"), "mount.nodevfs is refused", "%s",
	    j ? "applied" : err.msg);
	sj_jail_free(j);
	j = apply_text("j { sysvmsg = new; sysvsem = new; sysvshm = new; }", "j", &err);
	tap(j && has_value(j, "allow.sysvipc", "false") && has_value(j, "sysvshm", "new"),
	    "sysv*=new: an IPC namespace of the jail's own", "%s", j ? "values" : err.msg);
	sj_jail_free(j);
	j = apply_text("j { sysvmsg = inherit; sysvsem = inherit; sysvshm = inherit; }", "j",
		       &err);
	tap(j && has_value(j, "allow.sysvipc", "true") && has_value(j, "sysvmsg", "inherit"),
	    "sysv*=inherit: the host's IPC namespace", "%s", j ? "values" : err.msg);
	sj_jail_free(j);
	j = apply_text("j { sysvmsg = new; sysvshm = inherit; }", "j", &err);
	tap(!j && contains(err.msg, "t.conf:1:30: sysvshm: 'inherit' conflicts with "
			   "sysvmsg=new"), "sysv* that disagree are refused", "%s",
	    j ? "applied" : err.msg);
	sj_jail_free(j);
	j = apply_text("j { sysvshm = disable; }", "j", &err);
	tap(!j && contains(err.msg, "sysvshm: 'disable' is not supported yet"),
	    "sysv*=disable is refused", "%s", j ? "applied" : err.msg);
	sj_jail_free(j);
	j = apply_text("j { securelevel = 3; allow.nochflags; enforce_statfs = x; }", "j", &err);
	tap(!j && contains(warnings, "t.conf:1:5: securelevel: a FreeBSD parameter that means "
			   "nothing on Linux: ignored | t.conf:1:22: allow.nochflags: a FreeBSD")
	    && contains(err.msg, "t.conf:1:56: enforce_statfs: 'x' is not a number"),
	    "ignored parameters: warned, values still checked", "%s | %s", warnings,
	    j ? "applied" : err.msg);
	sj_jail_free(j);
	j = apply_text("j { ip4.addr = 192.0.2.1, 192.0.2; }", "j", &err);
	tap(!j && contains(err.msg, "t.conf:1:27: ip4.addr: "), "a bad address, located",
	    "%s", j ? "applied" : err.msg);
	sj_jail_free(j);
	j = apply_text("j { }", "nope", &err);
	tap(!j && err.errnum == ENOENT && contains(err.msg, "t.conf: no jail 'nope'"),
	    "applying a jail that is not there", "%s", j ? "applied" : err.msg);
	sj_jail_free(j);
}

/* ---- the parameter table ----------------------------------------- */

static void test_table(void)
{
	static const char *const required[] = {
		"path", "name", "jid", "host.hostname", "ip4.addr", "ip6.addr", "ip4", "ip6",
		"persist", "exec.prestart", "exec.created", "exec.start", "exec.poststart",
		"exec.prestop", "exec.stop", "exec.poststop", "exec.clean", "exec.jail_user",
		"exec.system_user", "exec.system_jail_user", "exec.timeout", "exec.consolelog",
		"stop.timeout", "mount.fstab", "mount", "mount.devfs", "mount.procfs",
		"allow.set_hostname", "allow.raw_sockets", "allow.sysvipc", "allow.mount",
		"allow.socket_af", "children.max", "sysvmsg", "sysvsem", "sysvshm",
	};
	struct param_info info;
	char man[8192], path[4096], line[512];
	size_t missing = 0;
	FILE *f;
	sj_error err;
	sj_jail *j = sj_jail_new(&err);
	bool ok = true;

	for (size_t i = 0; i < SJ_NELEM(required); i++)
		if (params_lookup(required[i], &info) < 0)
			ok = tap(false, "a required parameter is missing", "%s", required[i]);
	tap(ok, "every parameter the issue names is in the table", " ");
	ok = true;
	for (size_t i = 0; sj_param_name(i); i++)
		if (sj_param_flags(sj_param_name(i)) & SJ_PARAM_PENDING)
			ok = tap(false, "a parameter is still pending", "%s", sj_param_name(i));
	tap(ok, "no parameter is left \"not supported yet\"", " ");
	tap(sj_jail_set(j, "children.max", "0", &err) == 0 &&
	    sj_jail_set(j, "children.max", "2", &err) == 0 &&
	    sj_jail_set(j, "path", "/", &err) == 0 && sj_jail_set(j, "persist", NULL, &err) == 0 &&
	    params_check(&((struct sj_jail *)j)->cfg, &err) < 0 &&
	    strcmp(err.msg, "children.max: jails inside jails are not supported; only 0 is") == 0,
	    "children.max: 0 is what a jail is, more is refused", "%s", err.msg);
	sj_jail_set(j, "children.max", "0", &err);
	tap(params_lookup("securelevel", &info) == 0 && info.noop &&
	    params_lookup("allow.nochflags", &info) == 0 && info.noop && info.negated &&
	    strcmp(info.name, "allow.chflags") == 0 &&
	    params_lookup("path", &info) == 0 && !info.noop && params_lookup("nope", &info) < 0,
	    "params_lookup: ignored parameters, negated names", " ");
	tap(sj_jail_set(j, "securelevel", "2", &err) == 0 &&
	    sj_jail_get(j, "securelevel", line, sizeof(line), &err) < 0 && err.errnum == ENOENT,
	    "an ignored parameter is checked and not kept", "%s", err.msg);
	tap(has_value(j, "stop.timeout", "10") && has_value(j, "mount.procfs", "true"),
	    "defaults: stop.timeout 10, mount.procfs true", " ");
	sj_jail_free(j);

	/* Every parameter of the table is documented in jail.conf(5). */
	snprintf(path, sizeof(path), "%s/../man/jail.conf.5", SJ_POLICIES_DIR);
	if (!(f = fopen(path, "r"))) {
		tap(false, "jail.conf(5) documents every parameter", "%s: cannot open", path);
		return;
	}
	ok = true;
	for (const char *name; (name = sj_param_name(missing)); missing++) {
		bool found = false;

		snprintf(man, sizeof(man), ".It Va %s", name);
		rewind(f);
		while (!found && fgets(line, sizeof(line), f))
			found = strncmp(line, man, strlen(man)) == 0 &&
				(line[strlen(man)] == '\n' || line[strlen(man)] == ' ');
		if (!found)
			ok = tap(false, "jail.conf(5) misses a parameter", "%s", name);
	}
	fclose(f);
	tap(ok && missing > 50, "jail.conf(5) documents every parameter", "%zu", missing);
}

/* ---- includes from real files ------------------------------------ */

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "w")) || fputs(text, f) < 0 || fclose(f) != 0)
		abort();
}

/* Load DIR/NAME; jail -e " " of JAIL, or "ERROR: msg". */
static char *load_show(const char *dir, const char *name, const char *jail)
{
	char path[4096], *line = NULL;
	sj_error err;
	sj_conf *c;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(c = sj_conf_load(path, NULL, NULL, &err))) {
		if (asprintf(&line, "ERROR: %s", err.msg) < 0)
			line = NULL;
		return line;
	}
	if (!(line = sj_conf_show(c, jail, " ", &err)) && asprintf(&line, "ERROR: %s", err.msg) < 0)
		line = NULL;
	sj_conf_free(c);
	return line;
}

static void test_files(void)
{
	static const char *const files[] = {
		"sub/a.conf", "sub/b.conf", "sub/c.conf", "main.conf", "missing.conf",
		"loop1.conf", "loop2.conf", "list.conf", "sub",
	};
	char tmpl[] = "/tmp/test-conf.XXXXXX", *dir = mkdtemp(tmpl), path[4096], want[4200];
	char *line;
	sj_error err;

	if (!dir) {
		tap(false, "temporary directory", "%s", strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/sub", dir);
	mkdir(path, 0700);
	write_file(dir, "sub/a.conf", "a = 1;\n");
	write_file(dir, "sub/b.conf", "b = 2;\n");
	write_file(dir, "sub/c.conf", ".include \"a.conf\";\n");
	write_file(dir, "main.conf", ".include \"sub/*.conf\";\n.include \"opt[.]conf\";\nj { }\n");
	write_file(dir, "missing.conf", ".include \"nope.conf\";\n");
	write_file(dir, "loop1.conf", ".include \"loop2.conf\";\n");
	write_file(dir, "loop2.conf", "\n.include \"loop1.conf\";\n");

	line = load_show(dir, "main.conf", "j");
	tap(line && strcmp(line, "name=j a=1 b=2") == 0,
	    "files: a glob in order, relative names, an optional file", "%s", line);
	free(line);
	line = load_show(dir, "missing.conf", "j");
	snprintf(want, sizeof(want), "missing.conf:1:10: .include \"nope.conf\": %s/nope.conf: "
		 "No such file or directory", dir);
	tap(contains(line, want), "files: a missing file", "%s", line);
	free(line);
	line = load_show(dir, "loop1.conf", "j");
	tap(contains(line, "loop2.conf:2:10: .include \"loop1.conf\":") &&
	    contains(line, "loop1.conf includes itself"), "files: a cycle", "%s", line);
	free(line);
	snprintf(path, sizeof(path), "%s/none.conf", dir);
	tap(!sj_conf_load(path, NULL, NULL, &err) && err.errnum == ENOENT &&
	    contains(err.msg, "none.conf: No such file"), "files: sj_conf_load of nothing",
	    "%s", err.msg);
	snprintf(path, sizeof(path), "%s/sub", dir);
	tap(!sj_conf_load(path, NULL, NULL, &err) && contains(err.msg, "not a regular file"),
	    "files: a directory", "%s", err.msg);

	for (size_t i = 0; i < SJ_NELEM(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		(i + 1 == SJ_NELEM(files) ? rmdir : unlink)(path);
	}
	tap(rmdir(dir) == 0, "files: cleaned up", "%s", strerror(errno));
}

/* ---- FreeBSD's own examples mean what FreeBSD means -------------- */

static const struct good freebsd[] = {
	/* jail.conf(5), EXAMPLES (FreeBSD 14). */
#define JAIL_CONF_5_BODY \
	"# Typical static defaults:\n" \
	"# Use the rc scripts to start and stop jails.  Mount jail's /dev.\n" \
	"exec.start = \"/bin/sh /etc/rc\";\n" \
	"exec.stop = \"/bin/sh /etc/rc.shutdown jail\";\n" \
	"exec.clean;\n" \
	"mount.devfs;\n" \
	"\n" \
	"# Dynamic wildcard parameter:\n" \
	"# Base the path off the jail name.\n" \
	"path = \"/var/jail/$name\";\n" \
	"\n" \
	"# A typical jail.\n" \
	"foo {\n" \
	"\thost.hostname = \"foo.com\";\n" \
	"\tip4.addr = 10.1.1.1, 10.1.1.2, 10.1.1.3;\n" \
	"}\n" \
	"\n" \
	"# This jail overrides the defaults defined above.\n" \
	"bar {\n" \
	"\texec.start = '';\n" \
	"\texec.stop = '';\n" \
	"\tpath = /;\n" \
	"\tmount.nodevfs;\n" \
	"\tpersist;\t// Required because there are no processes\n" \
	"}\n"
#define JAIL_CONF_5 JAIL_CONF_5_BODY \
	"\n" \
	"# Include configurations from standard locations.\n" \
	".include \"/etc/jail.conf.d/*.conf\";\n" \
	".include \"/etc/jail.*.conf\";\n" \
	".include \"/usr/local/etc/jail[.]conf\";\n" \
	".include \"/usr/local/etc/jail.conf.d/*.conf\";\n" \
	".include \"/usr/local/etc/jail.*.conf\";\n"
	{ "jail.conf(5) EXAMPLES: foo", JAIL_CONF_5, "foo",
	  "name=foo exec.start=\"/bin/sh /etc/rc\" exec.stop=\"/bin/sh /etc/rc.shutdown jail\" "
	  "exec.clean mount.devfs path=/var/jail/foo host.hostname=foo.com "
	  "ip4.addr=10.1.1.1,10.1.1.2,10.1.1.3" },
	{ "jail.conf(5) EXAMPLES: bar", JAIL_CONF_5, "bar",
	  "name=bar exec.start=\"\" exec.stop=\"\" exec.clean mount.nodevfs path=/ persist" },
	/* jail.conf(5), DESCRIPTION: equivalent forms. */
	{ "jail.conf(5): allow.mount = \"false\"", "j { allow.mount = \"false\"; }", "j",
	  "name=j allow.mount=false" },
	{ "jail.conf(5): a list at once", "j { ip4.addr = 10.1.1.1, 10.1.1.2, 10.1.1.3; }", "j",
	  "name=j ip4.addr=10.1.1.1,10.1.1.2,10.1.1.3" },
	{ "jail.conf(5): a list with +=", "j { ip4.addr = 10.1.1.1;\nip4.addr += 10.1.1.2;\n"
	  "ip4.addr += 10.1.1.3; }", "j", "name=j ip4.addr=10.1.1.1,10.1.1.2,10.1.1.3" },
	{ "jail.conf(5): path from the name", "j { path = \"/var/jail/$name\"; }", "j",
	  "name=j path=/var/jail/j" },
	{ "jail.conf(5): path from the hostname", "j { host.hostname = h;\n"
	  "path = \"/var/jail/${host.hostname}\"; }", "j", "name=j host.hostname=h path=/var/jail/h" },
	{ "jail.conf(5): a variable", "$parentdir = \"/var/jail\";\n"
	  "path = \"$parentdir/$name\";\nj { }", "j", "name=j path=/var/jail/j" },
	/* jail(8), EXAMPLES. */
	{ "jail(8) EXAMPLES: testjail", "testjail {\n\tpath = /tmp/jail/testjail;\n"
	  "\tmount.devfs;\n\thost.hostname = testhostname;\n\tip4.addr = 192.0.2.100;\n"
	  "\tinterface = em0;\n\texec.start = \"/bin/sh /etc/rc\";\n"
	  "\texec.stop = \"/bin/sh /etc/rc.shutdown jail\";\n}\n", "testjail",
	  "name=testjail path=/tmp/jail/testjail mount.devfs host.hostname=testhostname "
	  "ip4.addr=192.0.2.100 interface=em0 exec.start=\"/bin/sh /etc/rc\" "
	  "exec.stop=\"/bin/sh /etc/rc.shutdown jail\"" },
	/* usr.sbin/jail/tests/jail_basic_test.sh */
	{ "FreeBSD tests: commands.jail.conf", "\nexec.prestop = \"echo STOP\";\n"
	  "exec.prestart = \"echo START\";\npersist;\n\nbasejail {}\npath = \"/tmp/x\";\n",
	  "basejail", "name=basejail exec.prestop=\"echo STOP\" exec.prestart=\"echo START\" "
	  "persist path=/tmp/x" },
	{ "FreeBSD tests: jid_name_set 1", "5309 { name = basejail; persist; }\n", "5309",
	  "name=basejail persist" },
	{ "FreeBSD tests: jid_name_set 2", "5309 { host.hostname = \"${name}\"; persist; }\n",
	  "5309", "host.hostname=5309 persist name=5309" },
	{ "FreeBSD tests: jid_name_set 3", "basejail { jid = 5309; persist; }\n", "basejail",
	  "name=basejail persist" },
	{ "FreeBSD tests: param_consistency", "basejail {path = /; exec.prestop = 'echo STOP'; "
	  "persist; }\n", "basejail", "name=basejail path=/ exec.prestop=\"echo STOP\" persist" },
	{ "FreeBSD tests: param_consistency $JID", "basejail {path = /; "
	  "exec.poststop = 'echo JID=$JID'; persist; }\n", "basejail",
	  "name=basejail path=/ exec.poststop=\"echo JID=$JID\" persist" },
};

static void test_freebsd(void)
{
	for (size_t i = 0; i < SJ_NELEM(freebsd); i++) {
		const struct good *g = &freebsd[i];
		sj_error err;
		struct sj_conf *c = parse(g->text, &err);
		char *line = c ? show(c, g->jail) : NULL;

		tap(line && strcmp(line, g->expect) == 0, g->name, "got [%s], expected [%s]",
		    line ? line : err.msg, g->expect);
		free(line);
		conf_free(c);
	}
}

/* jail -e's separator and the jails of a file, through the public API. */
static void test_public(void)
{
	sj_error err;
	sj_conf *c = sj_conf_load_text("STDIN", JAIL_CONF_5_BODY, strlen(JAIL_CONF_5_BODY), NULL,
					NULL, &err);
	char *line = c ? sj_conf_show(c, "bar", "\t", &err) : NULL;

	tap(c && sj_conf_jail_count(c) == 2 && strcmp(sj_conf_jail_name(c, 0), "foo") == 0 &&
	    strcmp(sj_conf_jail_name(c, 1), "bar") == 0 && !sj_conf_jail_name(c, 2),
	    "sj_conf_jail_name: jails in order, wildcards left out", "%s", c ? "" : err.msg);
	tap(line && strcmp(line, "name=bar\texec.start=\"\"\texec.stop=\"\"\texec.clean\t"
			   "mount.nodevfs\tpath=/\tpersist") == 0, "sj_conf_show: the separator",
	    "%s", line ? line : err.msg);
	free(line);
	tap(c && !sj_conf_show(c, "nope", " ", &err) && err.errnum == ENOENT,
	    "sj_conf_show: no such jail", "%s", err.msg);
	sj_conf_free(c);
	c = sj_conf_load_text("t.conf", "x = ;", 5, NULL, NULL, &err);
	tap(!c && err.errnum == EINVAL && contains(err.msg, "t.conf:1:5: expected a value"),
	    "sj_conf_load_text: a syntax error", "%s", err.msg);
}

int main(void)
{
	test_goods();
	test_escapes();
	test_bads();
	test_bads_special();
	test_bad_jails();
	test_one_bad_jail();
	test_applies();
	test_real_jail();
	test_real_params();
	test_table();
	test_files();
	test_freebsd();
	test_public();
	return tap_exit();
}
