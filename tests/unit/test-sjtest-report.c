/*
 * test-sjtest-report.c: sjtest's pure logic (tools/sjtest/report.c): the
 * rows of a selection, the helper's lines, the words and the summary of
 * each mode, the exit status, JSON strings.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/sjtest/sjtest.h"
#include "tap.h"

/* What F wrote, as a string (the caller frees it). */
static char *capture(void (*fn)(FILE *, const void *), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, arg);
	fclose(f);
	return buf;
}

static void json_of(FILE *f, const void *s)
{
	sjt_json_string(f, s);
}

static void check_json(const char *in, const char *want, const char *name)
{
	char *got = capture(json_of, in);

	tap(strcmp(got, want) == 0, name, "got %s, want %s", got, want);
	free(got);
}

static void test_json_strings(void)
{
	check_json("plain", "\"plain\"", "json: plain");
	check_json("a\"b\\c", "\"a\\\"b\\\\c\"", "json: quote and backslash");
	check_json("l1\nl2\tx", "\"l1\\nl2\\tx\"", "json: newline and tab");
	check_json("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"", "json: control bytes");
	check_json("caf\xc3\xa9 \xe2\x82\xac", "\"caf\xc3\xa9 \xe2\x82\xac\"", "json: UTF-8 kept");
	check_json("bad\xff\xc3", "\"bad\\ufffd\\ufffd\"", "json: invalid bytes replaced");
	check_json("\xc0\xaf", "\"\\ufffd\\ufffd\"", "json: overlong encoding replaced");
	check_json("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"", "json: surrogate replaced");
	check_json("", "\"\"", "json: empty");
}

static size_t find(const struct sjt_report *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->rows[i].name, name) == 0)
			return i;
	return (size_t)-1;
}

static void test_selection(void)
{
	struct sjt_report all = { 0 }, r = { 0 };
	sj_error err;
	bool i386_after_each = true;

	tap(sjt_rows_build(&all, NULL, &err) == 0 && all.n > 100, "rows: all", "n=%zu", all.n);
	for (size_t i = 0; i + 1 < all.n; i++)
		if (all.rows[i + 1].i386 && strncmp(all.rows[i + 1].name, all.rows[i].name,
						     strlen(all.rows[i].name)) != 0)
			i386_after_each = false;
	tap(i386_after_each, "rows: each -i386 run follows its probe", "failed");
	tap(find(&all, "kill-host-process-i386") != (size_t)-1 &&
	    find(&all, "leaked-host-fds-i386") == (size_t)-1, "rows: -i386 only where flagged",
	    "failed");

	tap(sjt_rows_build(&r, "kill-host-process", &err) == 0 && r.n == 2,
	    "select: a probe takes its -i386 run", "n=%zu", r.n);
	sjt_rows_free(&r);
	tap(sjt_rows_build(&r, "kill-host-process-i386", &err) == 0 && r.n == 1 && r.rows[0].i386,
	    "select: the -i386 run alone", "n=%zu", r.n);
	sjt_rows_free(&r);
	tap(sjt_rows_build(&r, "resource,no-new-privs", &err) == 0 && r.n == 3,
	    "select: a group and a probe", "n=%zu", r.n);
	sjt_rows_free(&r);
	tap(sjt_rows_build(&r, "nosuch", &err) < 0 &&
	    strcmp(err.msg, "-p: unknown probe or group 'nosuch' (see 'sjtest -l')") == 0,
	    "select: unknown name", "%s", err.msg);
	sjt_rows_free(&r);
	tap(sjt_rows_build(&r, "leaked-host-fds-i386", &err) < 0, "select: no such -i386 run", "failed");
	sjt_rows_free(&r);
	tap(sjt_rows_build(&r, ",", &err) < 0, "select: nothing selected", "failed");
	sjt_rows_free(&r);
	sjt_rows_free(&all);
}

static void test_lines(void)
{
	struct sjt_report r = { 0 };
	sj_error err;
	char l1[] = "bpf\theld\tBPF_MAP_CREATE: EPERM\n", l2[] = "bpf-i386\treached\tyes",
	     l3[] = "bpf\tmaybe\tx", l4[] = "nosuch\theld\tx", l5[] = "bpf held", l6[] = "";

	sjt_rows_build(&r, "bpf", &err);
	tap(sjt_parse_line(&r, l1) == 0 && r.rows[0].outcome == SJT_HELD &&
	    strcmp(r.rows[0].detail, "BPF_MAP_CREATE: EPERM") == 0, "line: held", "%s",
	    r.rows[0].detail);
	tap(sjt_parse_line(&r, l2) == 0 && r.rows[1].outcome == SJT_REACHED, "line: reached", "failed");
	tap(sjt_parse_line(&r, l3) < 0, "line: unknown outcome", "failed");
	tap(sjt_parse_line(&r, l4) < 0, "line: unknown probe", "failed");
	tap(sjt_parse_line(&r, l5) < 0 && sjt_parse_line(&r, l6) < 0, "line: malformed", "failed");
	sjt_rows_free(&r);
}

static void set_outcomes(struct sjt_report *r, const enum sjt_outcome *o, size_t n)
{
	for (size_t i = 0; i < n && i < r->n; i++)
		r->rows[i].outcome = o[i];
}

static void print_text(FILE *f, const void *r)
{
	sjt_print_text(f, r);
}

static void print_json(FILE *f, const void *r)
{
	sjt_print_json(f, r);
}

static void test_summary_and_status(void)
{
	static const enum sjt_outcome held[] = { SJT_HELD, SJT_HELD, SJT_NA };
	static const enum sjt_outcome escape[] = { SJT_HELD, SJT_REACHED, SJT_NA };
	static const enum sjt_outcome missing[] = { SJT_HELD, SJT_HELD, SJT_NONE };
	struct sjt_report r = { 0 };
	char s[128], *text, *json;
	sj_error err;

	sjt_rows_build(&r, "fork-bomb,memory-hog,no-new-privs", &err);
	set_outcomes(&r, held, 3);
	sjt_summary(&r, s, sizeof(s));
	tap(strcmp(s, "2 held, 0 escaped, 1 not applicable") == 0, "summary: held", "%s", s);
	tap(sjt_exit_status(&r) == 0, "status: nothing escaped", "failed");
	set_outcomes(&r, escape, 3);
	sjt_summary(&r, s, sizeof(s));
	tap(strcmp(s, "1 held, 1 escaped, 1 not applicable") == 0, "summary: escaped", "%s", s);
	tap(sjt_exit_status(&r) == 1, "status: an escape", "failed");
	tap(strcmp(sjt_word(false, SJT_REACHED), "escaped") == 0 &&
	    strcmp(sjt_word(true, SJT_REACHED), "reached") == 0 &&
	    strcmp(sjt_word(true, SJT_HELD), "missed") == 0 &&
	    strcmp(sjt_word(false, SJT_NA), "n/a") == 0, "words of each mode", "failed");

	r.control = true;
	set_outcomes(&r, escape, 3);
	sjt_summary(&r, s, sizeof(s));
	tap(strcmp(s, "1 reached, 1 missed, 1 not applicable") == 0, "summary: control", "%s", s);
	tap(sjt_exit_status(&r) == 1, "status: a control missed", "failed");
	r.control = false;

	set_outcomes(&r, missing, 3);
	sjt_rows_missing(&r, "no result: the helper died of signal 9");
	sjt_summary(&r, s, sizeof(s));
	tap(strcmp(s, "2 held, 0 escaped, 0 not applicable, 1 error") == 0, "summary: an error",
	    "%s", s);
	tap(sjt_exit_status(&r) == 1, "status: a probe that did not run", "failed");

	set_outcomes(&r, held, 3);
	snprintf(r.rows[0].detail, sizeof(r.rows[0].detail), "a \"quoted\"\tdetail");
	text = capture(print_text, &r);
	tap(strncmp(text, "PROBE                     GROUP     RESULT   DETAIL\n", 52) == 0 &&
	    strstr(text, "\n2 held, 0 escaped, 1 not applicable\n"), "text: header and summary",
	    "%s", text);
	json = capture(print_json, &r);
	tap(strstr(json, "\"probe\": \"no-new-privs\"") && strstr(json, "\\\"quoted\\\"\\t") &&
	    strstr(json, "\"summary\": {\"held\": 2, \"escaped\": 0, \"not_applicable\": 1, "
			 "\"errors\": 0}"), "json: probes and summary", "%s", json);
	free(text);
	free(json);
	sjt_rows_free(&r);
}

int main(void)
{
	test_json_strings();
	test_selection();
	test_lines();
	test_summary_and_status();
	return tap_exit();
}
