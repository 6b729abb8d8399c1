/*
 * report.c: the rows of a run (one per probe, and one per probe's run
 * through the i386 entry), the helper's result lines, and the output as
 * text or JSON.  Pure logic: tests/unit/test-sjtest-report.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "probes.h"
#include "sjtest.h"

static const struct {
	const char *name, *group, *text;
	unsigned flags;
} table[] = {
#define SJT_ROW(id, name, group, flags, text) { name, group, text, flags },
	SJT_PROBES(SJT_ROW)
#undef SJT_ROW
};

#define NPROBES (sizeof(table) / sizeof(table[0]))

static const char i386_text[] = "the probe above through int $0x80, the i386 entry";

int sjt_fail(sj_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->errnum = errnum;
	err->status = 0;
	errno = errnum;
	return -1;
}

int sjt_fail_errno(sj_error *err, const char *fmt, ...)
{
	int e = errno;
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(e));
	err->errnum = e;
	err->status = 0;
	errno = e;
	return -1;
}

/* Whether TOKEN (a probe, a probe's -i386 run, or a group) names ROW. */
static bool token_selects(const char *token, size_t i, bool i386)
{
	size_t n = strlen(table[i].name);

	if (strcmp(token, table[i].group) == 0 || strcmp(token, table[i].name) == 0)
		return true;
	return i386 && strncmp(token, table[i].name, n) == 0 &&
	       strcmp(token + n, SJT_I386_SUFFIX) == 0;
}

static bool token_known(const char *token)
{
	for (size_t i = 0; i < NPROBES; i++)
		if (token_selects(token, i, false) ||
		    ((table[i].flags & SJT_I386) && token_selects(token, i, true)))
			return true;
	return false;
}

static bool selected(const char *selection, size_t i, bool i386)
{
	char buf[1024], *save = NULL;

	if (!selection)
		return true;
	snprintf(buf, sizeof(buf), "%s", selection);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (token_selects(t, i, i386))
			return true;
	return false;
}

/*
 * The rows of a run of SELECTION (comma-separated probes, NAME-i386 runs
 * and groups; NULL for all), in the table's order.
 */
int sjt_rows_build(struct sjt_report *r, const char *selection, sj_error *err)
{
	char buf[1024], *save = NULL;

	r->n = 0;
	r->rows = calloc(2 * NPROBES, sizeof(*r->rows));
	if (!r->rows)
		return sjt_fail(err, ENOMEM, "out of memory");
	if (selection) {
		if (strlen(selection) >= sizeof(buf))
			return sjt_fail(err, EINVAL, "-p: the list is too long");
		snprintf(buf, sizeof(buf), "%s", selection);
		for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
			if (!token_known(t))
				return sjt_fail(err, EINVAL, "-p: unknown probe or group '%s' "
						"(see 'sjtest -l')", t);
	}
	for (size_t i = 0; i < NPROBES; i++) {
		for (int v = 0; v < 2; v++) {
			struct sjt_row *row = &r->rows[r->n];

			if (v == 1 && !(table[i].flags & SJT_I386))
				break;
			if (!selected(selection, i, v == 1))
				continue;
			snprintf(row->name, sizeof(row->name), "%s%s", table[i].name,
				 v ? SJT_I386_SUFFIX : "");
			row->group = table[i].group;
			row->text = v ? i386_text : table[i].text;
			row->i386 = v == 1;
			row->outcome = SJT_NONE;
			r->n++;
		}
	}
	if (r->n == 0)
		return sjt_fail(err, EINVAL, "-p: no probe selected");
	return 0;
}

void sjt_rows_free(struct sjt_report *r)
{
	free(r->rows);
	r->rows = NULL;
	r->n = 0;
}

/* "NAME <tab> held|reached|na|error <tab> DETAIL": 0, or -1 if malformed
 * or about no row of ours. */
int sjt_parse_line(struct sjt_report *r, char *line)
{
	static const struct {
		const char *word;
		enum sjt_outcome o;
	} words[] = {
		{ "held", SJT_HELD }, { "reached", SJT_REACHED },
		{ "na", SJT_NA }, { "error", SJT_ERROR },
	};
	char *out, *detail;

	line[strcspn(line, "\n")] = '\0';
	out = strchr(line, '\t');
	if (!out)
		return -1;
	*out++ = '\0';
	detail = strchr(out, '\t');
	if (!detail)
		return -1;
	*detail++ = '\0';
	for (size_t i = 0; i < r->n; i++) {
		if (strcmp(r->rows[i].name, line) != 0)
			continue;
		for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++)
			if (strcmp(words[w].word, out) == 0) {
				r->rows[i].outcome = words[w].o;
				snprintf(r->rows[i].detail, sizeof(r->rows[i].detail), "%s",
					 detail);
				return 0;
			}
		return -1;
	}
	return -1;
}

/* Rows the helper said nothing about are errors: WHY. */
void sjt_rows_missing(struct sjt_report *r, const char *why)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->rows[i].outcome == SJT_NONE) {
			r->rows[i].outcome = SJT_ERROR;
			snprintf(r->rows[i].detail, sizeof(r->rows[i].detail), "%s", why);
		}
}

const char *sjt_word(bool control, enum sjt_outcome o)
{
	switch (o) {
	case SJT_HELD:
		return control ? "missed" : "held";
	case SJT_REACHED:
		return control ? "reached" : "escaped";
	case SJT_NA:
		return "n/a";
	case SJT_NONE:
	case SJT_ERROR:
		break;
	}
	return "error";
}

void sjt_count(const struct sjt_report *r, struct sjt_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < r->n; i++) {
		switch (r->rows[i].outcome) {
		case SJT_HELD:
			c->held++;
			c->missed++;
			break;
		case SJT_REACHED:
			c->escaped++;
			c->reached++;
			break;
		case SJT_NA:
			c->na++;
			break;
		case SJT_NONE:
		case SJT_ERROR:
			c->errors++;
			break;
		}
	}
}

void sjt_summary(const struct sjt_report *r, char *buf, size_t len)
{
	struct sjt_counts c;
	int n;

	sjt_count(r, &c);
	if (r->control)
		n = snprintf(buf, len, "%d reached, %d missed, %d not applicable",
			     c.reached, c.missed, c.na);
	else
		n = snprintf(buf, len, "%d held, %d escaped, %d not applicable",
			     c.held, c.escaped, c.na);
	if (c.errors && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, ", %d error%s", c.errors,
			 c.errors == 1 ? "" : "s");
}

/* 0 only if nothing escaped (or, for a control, every control reached)
 * and every probe ran. */
int sjt_exit_status(const struct sjt_report *r)
{
	struct sjt_counts c;

	sjt_count(r, &c);
	if (c.errors || (r->control ? c.missed : c.escaped))
		return 1;
	return 0;
}

static int name_width(const struct sjt_report *r)
{
	size_t w = 25;

	for (size_t i = 0; i < r->n; i++)
		if (strlen(r->rows[i].name) > w)
			w = strlen(r->rows[i].name);
	return (int)w;
}

void sjt_print_text(FILE *f, const struct sjt_report *r)
{
	int w = name_width(r);
	char summary[128];

	fprintf(f, "%-*s %-9s %-8s %s\n", w, "PROBE", "GROUP", "RESULT", "DETAIL");
	for (size_t i = 0; i < r->n; i++)
		fprintf(f, "%-*s %-9s %-8s %s\n", w, r->rows[i].name, r->rows[i].group,
			sjt_word(r->control, r->rows[i].outcome), r->rows[i].detail);
	sjt_summary(r, summary, sizeof(summary));
	fprintf(f, "%s\n", summary);
}

/* The length of the valid UTF-8 sequence at S, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	unsigned min;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, cp = s[0] & 0x1f, min = 0x80;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, cp = s[0] & 0x0f, min = 0x800;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, cp = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* S as a JSON string; bytes that are not UTF-8 become U+FFFD. */
void sjt_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p) {
		size_t n = utf8_len(p);

		if (n == 0) {
			fputs("\\ufffd", f);
			p++;
		} else if (*p == '"' || *p == '\\') {
			fprintf(f, "\\%c", *p++);
		} else if (*p == '\n') {
			fputs("\\n", f);
			p++;
		} else if (*p == '\t') {
			fputs("\\t", f);
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(f, "\\u%04x", *p++);
		} else {
			fwrite(p, 1, n, f);
			p += n;
		}
	}
	fputc('"', f);
}

void sjt_print_json(FILE *f, const struct sjt_report *r)
{
	struct sjt_counts c;
	char summary[128];

	sjt_count(r, &c);
	sjt_summary(r, summary, sizeof(summary));
	fprintf(f, "{\n  \"mode\": \"%s\",\n  \"probes\": [", r->control ? "control" : "jail");
	for (size_t i = 0; i < r->n; i++) {
		fprintf(f, "%s\n    {\"probe\": ", i ? "," : "");
		sjt_json_string(f, r->rows[i].name);
		fputs(", \"group\": ", f);
		sjt_json_string(f, r->rows[i].group);
		fputs(", \"result\": ", f);
		sjt_json_string(f, sjt_word(r->control, r->rows[i].outcome));
		fputs(", \"detail\": ", f);
		sjt_json_string(f, r->rows[i].detail);
		fputc('}', f);
	}
	fputs("\n  ],\n  \"summary\": {", f);
	if (r->control)
		fprintf(f, "\"reached\": %d, \"missed\": %d", c.reached, c.missed);
	else
		fprintf(f, "\"held\": %d, \"escaped\": %d", c.held, c.escaped);
	fprintf(f, ", \"not_applicable\": %d, \"errors\": %d},\n  \"summary_line\": ",
		c.na, c.errors);
	sjt_json_string(f, summary);
	fputs("\n}\n", f);
}

void sjt_print_list(FILE *f, bool verbose)
{
	struct sjt_report all = { 0 };
	sj_error err;

	if (sjt_rows_build(&all, NULL, &err) < 0)
		return;
	for (size_t i = 0; i < all.n; i++) {
		if (verbose)
			fprintf(f, "%-26s %-9s %s\n", all.rows[i].name, all.rows[i].group,
				all.rows[i].text);
		else
			fprintf(f, "%-26s %s\n", all.rows[i].name, all.rows[i].group);
	}
	sjt_rows_free(&all);
}
