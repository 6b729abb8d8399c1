/*
 * format.c: a jail's parameters as a jail(8) command line, the way
 * FreeBSD's `jls -s` writes them: name=value pairs, booleans as NAME or
 * noNAME, values quoted when they hold blanks or quotes, read-only and
 * unused parameters (those whose parent, such as ip4 for ip4.addr, is not
 * "new") left out.  Unlike FreeBSD, unset (empty) values are left out
 * too: sysjail's unset strings are not the empty string.  jls -s and
 * jail -J both write this.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sj-private.h"

static char *value_of(const sj_jail *j, const char *name, sj_error *err)
{
	for (size_t len = 256; len <= (1u << 24); len *= 4) {
		char *buf = malloc(len);

		if (!buf) {
			sj_fail(err, ENOMEM, "out of memory");
			return NULL;
		}
		if (sj_jail_get(j, name, buf, len, err) >= 0)
			return buf;
		free(buf);
		if (err->errnum != ERANGE)
			return NULL;
	}
	return NULL;
}

/* Whether jail -c would not take NAME for this jail. */
static bool unused(const sj_jail *j, const char *name, sj_error *err)
{
	const char *dot = strchr(name, '.');
	char parent[64];
	SJ_AUTOFREE char *mode = NULL;

	/* "dying" is read-only; the others have no value in a jail. */
	if (strcmp(name, "dying") == 0 || sj_param_flags(name) & SJ_PARAM_NOVALUE)
		return true;
	if (!dot || (size_t)(dot - name) >= sizeof(parent))
		return false;
	snprintf(parent, sizeof(parent), "%.*s", (int)(dot - name), name);
	if (!(sj_param_flags(parent) & SJ_PARAM_KNOWN))
		return false;
	mode = value_of(j, parent, err);
	return mode && strcmp(mode, "new") != 0;
}

static void put_value(FILE *f, const char *v)
{
	int qc = strchr(v, '\'') ? '"' : strchr(v, '"') ? '\'' :
		 strchr(v, ' ') || strchr(v, '\t') || !*v ? '"' : 0;

	if (qc)
		fputc(qc, f);
	fputs(v, f);
	if (qc)
		fputc(qc, f);
}

static void put_bool(FILE *f, const char *name, bool on)
{
	const char *dot = strrchr(name, '.');

	if (on)
		fputs(name, f);
	else if (dot)
		fprintf(f, "%.*s.no%s", (int)(dot - name), name, dot + 1);
	else
		fprintf(f, "no%s", name);
}

int sj_jail_cmdline(const sj_jail *j, const char *const *names, size_t n, char **out,
		    sj_error *err)
{
	size_t len = 0;
	bool spc = false;
	FILE *f = open_memstream(out, &len);

	if (!f)
		return sj_fail_errno(err, "open_memstream");
	for (size_t i = 0; names ? i < n : sj_param_name(i) != NULL; i++) {
		const char *name = names ? names[i] : sj_param_name(i);
		SJ_AUTOFREE char *v = NULL;

		if (unused(j, name, err))
			continue;
		v = value_of(j, name, err);
		if (!v) {
			fclose(f);
			free(*out);
			*out = NULL;
			return -1;
		}
		/* Unset: jail -c gives it its default when left out. */
		if (!*v)
			continue;
		if (spc)
			fputc(' ', f);
		spc = true;
		if (sj_param_flags(name) & SJ_PARAM_BOOL) {
			put_bool(f, name, strcmp(v, "true") == 0);
		} else {
			fprintf(f, "%s=", name);
			put_value(f, v);
		}
	}
	if (fclose(f) != 0)
		return sj_fail(err, ENOMEM, "out of memory");
	return 0;
}

/* V as a jail.conf(5) string: single quotes (no "$" expansion), C escapes. */
static void put_conf_string(FILE *f, const char *v)
{
	fputc('\'', f);
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p == '\'' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\%03o", *p);
		else
			fputc(*p, f);
	}
	fputc('\'', f);
}

/* command = '...', each word quoted for sh(1) where it needs it. */
static void put_command(FILE *f, char *const *argv)
{
	SJ_AUTOFREE char *line = NULL;
	size_t len = 0;
	FILE *l = open_memstream(&line, &len);

	if (!l)
		return;
	for (char *const *a = argv; *a; a++) {
		if (a != argv)
			fputc(' ', l);
		if (**a && strspn(*a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "0123456789_-./=:,+@%") == strlen(*a)) {
			fputs(*a, l);
			continue;
		}
		fputc('\'', l);
		for (const char *p = *a; *p; p++)
			fputs(*p == '\'' ? "'\\''" : (char[]){ *p, 0 }, l);
		fputc('\'', l);
	}
	if (fclose(l) != 0)
		return;
	fputs("\tcommand = ", f);
	put_conf_string(f, line);
	fputs(";\n", f);
}

/* ip4, ip6 and the sysv* modes that were never set (they follow from
 * other parameters): what jls shows for them is not a setting. */
static bool mode_unset(const sj_jail *j, const char *name)
{
	if (strcmp(name, "ip4") == 0)
		return j->cfg.ip4_mode < 0;
	if (strcmp(name, "ip6") == 0)
		return j->cfg.ip6_mode < 0;
	if (strcmp(name, "sysvmsg") == 0)
		return !j->cfg.sysvmsg;
	if (strcmp(name, "sysvsem") == 0)
		return !j->cfg.sysvsem;
	if (strcmp(name, "sysvshm") == 0)
		return !j->cfg.sysvshm;
	return false;
}

/*
 * The jail as a jail.conf(5) block (sysjail --print-config): every
 * parameter with a value, in the table's order, lists element by
 * element with "+=", the hostname a jail would get by default.
 */
char *sj_jail_conf(const sj_jail *j, sj_error *err)
{
	char *out = NULL, host[65] = "";
	size_t len = 0;
	const char *name;
	FILE *f = open_memstream(&out, &len);

	sj_error_clear(err);
	if (!f) {
		sj_fail_errno(err, "open_memstream");
		return NULL;
	}
	put_conf_string(f, j->cfg.name ? j->cfg.name : "sysjail");
	fputs(" {\n", f);
	for (size_t i = 0; (name = sj_param_name(i)); i++) {
		char *const *list = params_list(&j->cfg, name);
		SJ_AUTOFREE char *v = NULL;

		if (strcmp(name, "host.hostname") == 0 && !j->cfg.hostname) {
			if (!j->cfg.name)
				gethostname(host, sizeof(host) - 1);
			fputs("\thost.hostname = ", f);
			put_conf_string(f, j->cfg.name ? j->cfg.name : host);
			fputs(";\t# by default\n", f);
			continue;
		}
		/* jail.conf(5) runs a command through sh -c: its words quoted. */
		if (strcmp(name, "command") == 0) {
			if (j->cfg.command)
				put_command(f, j->cfg.command);
			continue;
		}

		if ((sj_param_flags(name) & SJ_PARAM_NOVALUE) || strcmp(name, "jid") == 0 ||
		    strcmp(name, "name") == 0 ||
		    mode_unset(j, name))
			continue;
		if (list) {
			for (; *list; list++) {
				fprintf(f, "\t%s += ", name);
				put_conf_string(f, *list);
				fputs(";\n", f);
			}
			continue;
		}
		v = value_of(j, name, err);
		if (!v) {
			fclose(f);
			free(out);
			return NULL;
		}
		if (!*v)
			continue;
		fprintf(f, "\t%s = ", name);
		put_conf_string(f, v);
		fputs(";\n", f);
	}
	fputs("}\n", f);
	if (fclose(f) != 0) {
		free(out);
		sj_fail(err, ENOMEM, "out of memory");
		return NULL;
	}
	return out;
}
