/*
 * jls(8): list running jails, in FreeBSD's formats.
 *
 *   jls [-dhNnqsv] [-j jail] [--libxo json] [parameter ...]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysjail.h"

enum {
	PRINT_DEFAULT = 0x01,
	PRINT_HEADER = 0x02,
	PRINT_NAMEVAL = 0x04,
	PRINT_QUOTED = 0x08,
	PRINT_SKIP = 0x10,
	PRINT_VERBOSE = 0x20,
	PRINT_JAIL_NAME = 0x40,
	PRINT_JSON = 0x80,
};

static const char usage_text[] =
	"usage: jls [-dhNnqsv] [-j jail] [--libxo json] [parameter ...]\n";

static const char help_text[] =
	"\n"
	"List running jails.  Without options: jid, IP address, hostname, path.\n"
	"\n"
	"  -d          include jails being removed (dying)\n"
	"  -h          a header line of parameter names (all parameters by default)\n"
	"  -N          jail names instead of jids in the default display\n"
	"  -n          parameters as name=value (all by default)\n"
	"  -q          quote values with spaces or quotes, and empty ones\n"
	"  -s          parameters as jail(8) -c takes them (implies -nq)\n"
	"  -v          several lines per jail\n"
	"  -j jail     only this jail (jid or name)\n"
	"  --libxo json  JSON output, as FreeBSD's libxo writes it\n"
	"  --help      show this help\n";

static char *value_of(sj_jail *j, const char *name)
{
	size_t len = 256;

	for (;;) {
		char *buf = malloc(len);
		sj_error err;

		if (!buf) {
			perror("jls");
			exit(1);
		}
		if (sj_jail_get(j, name, buf, len, &err) >= 0)
			return buf;
		free(buf);
		if (err.errnum != ERANGE) {
			fprintf(stderr, "jls: %s\n", err.msg);
			exit(1);
		}
		len *= 4;
	}
}

static bool is_bool(const char *name)
{
	return strcmp(name, "dying") == 0 || (sj_param_flags(name) & SJ_PARAM_BOOL);
}

/* FreeBSD's "all": top-level parameters first, then dotted ones, by name. */
static int sort_param(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	bool dx = strchr(x, '.') != NULL, dy = strchr(y, '.') != NULL;

	if (dx != dy)
		return dx ? 1 : -1;
	return strcmp(x, y);
}

static const char **all_params(size_t *n)
{
	const char *name;
	size_t count = 0;
	const char **v;

	while (sj_param_name(count))
		count++;
	v = calloc(count + 2, sizeof(*v));
	if (!v)
		exit(1);
	*n = 0;
	/* The jail's parameters, as FreeBSD's jls lists them: not jail(8)'s
	 * own (exec.*, mount.*, command), nor what has no value in a jail. */
	for (size_t i = 0; (name = sj_param_name(i)); i++)
		if (!(sj_param_flags(name) & (SJ_PARAM_NOVALUE | SJ_PARAM_JAIL8)))
			v[(*n)++] = name;
	v[(*n)++] = "dying";
	qsort(v, *n, sizeof(*v), sort_param);
	return v;
}

/* JSON: a string, escaped. */
static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* libxo's separators: a leaf after a leaf takes ",", a list ", ". */
static void json_key(bool *first, const char *key, bool list)
{
	if (!*first)
		fputs(list ? ", " : ",", stdout);
	*first = false;
	json_string(key);
	fputs(list ? ": " : ":", stdout);
}

static void json_addrs(bool *first, const char *key, const char *list)
{
	char *copy = strdup(list), *save = NULL;
	bool one = true;

	json_key(first, key, true);
	putchar('[');
	for (char *a = copy ? strtok_r(copy, ",", &save) : NULL; a; a = strtok_r(NULL, ",", &save)) {
		char *bar = strchr(a, '|'), *slash;

		a = bar ? bar + 1 : a;
		if ((slash = strchr(a, '/')))
			*slash = '\0';
		if (!one)
			putchar(',');
		one = false;
		json_string(a);
	}
	putchar(']');
	free(copy);
}

/* The first address of a list, without interface or prefix. */
static void first_addr(const char *list, char *buf, size_t len)
{
	size_t n = strcspn(list, ",/");
	const char *bar = memchr(list, '|', n);

	if (bar) {
		n -= (size_t)(bar + 1 - list);
		list = bar + 1;
	}
	snprintf(buf, len, "%.*s", (int)n, list);
}

static void print_default(sj_jail *j, int flags, bool *first_jail)
{
	char *ip4 = value_of(j, "ip4.addr"), *host = value_of(j, "host.hostname");
	char *path = value_of(j, "path"), *name = value_of(j, "name"), ip[64];
	int jid = sj_jail_jid(j);

	first_addr(ip4, ip, sizeof(ip));
	if (flags & PRINT_JSON) {
		bool first = true;

		fputs(*first_jail ? "{" : ", {", stdout);
		if (flags & PRINT_JAIL_NAME) {
			json_key(&first, "name", false);
			json_string(*name ? name : "");
		} else {
			json_key(&first, "jid", false);
			printf("%d", jid);
		}
		json_key(&first, "ipv4", false);
		json_string(ip);
		json_key(&first, "hostname", false);
		json_string(host);
		json_key(&first, "path", false);
		json_string(path);
		putchar('}');
	} else {
		if (flags & PRINT_JAIL_NAME) {
			char jidbuf[16];

			snprintf(jidbuf, sizeof(jidbuf), "%d", jid);
			printf(" %-15s ", *name ? name : jidbuf);
		} else {
			printf("%6d  ", jid);
		}
		printf("%-15.15s %-29.29s %.74s\n", ip, host, path);
	}
	*first_jail = false;
	free(ip4);
	free(host);
	free(path);
	free(name);
}

static void print_verbose(sj_jail *j, int flags, bool *first_jail)
{
	char *host = value_of(j, "host.hostname"), *path = value_of(j, "path");
	char *name = value_of(j, "name"), *ip4 = value_of(j, "ip4.addr");
	char *ip6 = value_of(j, "ip6.addr");
	const char *state = sj_jail_dying(j) ? "DYING" : "ACTIVE";
	int jid = sj_jail_jid(j);

	if (flags & PRINT_JSON) {
		bool first = true;

		fputs(*first_jail ? "{" : ", {", stdout);
		json_key(&first, "jid", false);
		printf("%d", jid);
		json_key(&first, "hostname", false);
		json_string(host);
		json_key(&first, "path", false);
		json_string(path);
		json_key(&first, "name", false);
		json_string(name);
		json_key(&first, "state", false);
		json_string(state);
		json_key(&first, "cpusetid", false);
		printf("%d", 0);
		json_addrs(&first, "ipv4_addrs", ip4);
		json_addrs(&first, "ipv6_addrs", ip6);
		putchar('}');
	} else {
		char *lists[] = { ip4, ip6 };

		printf("%6d  %-29.29s %.74s\n", jid, host, path);
		printf("        %-29.29s %.74s\n", name, state);
		printf("        %d\n", 0);
		for (int l = 0; l < 2; l++) {
			char *save = NULL;

			for (char *a = strtok_r(lists[l], ",", &save); a;
			     a = strtok_r(NULL, ",", &save)) {
				char ip[64];

				first_addr(a, ip, sizeof(ip));
				printf("        %s\n", ip);
			}
		}
	}
	*first_jail = false;
	free(host);
	free(path);
	free(name);
	free(ip4);
	free(ip6);
}

/* FreeBSD quotes with ", or ' when the value holds a ". */
static void quoted(int flags, const char *v)
{
	int qc = strchr(v, '\'') ? '"' : strchr(v, '"') ? '\'' :
		 strchr(v, ' ') || strchr(v, '\t') ? '"' : 0;

	if (!*v) {
		if (flags & PRINT_QUOTED)
			fputs("\"\"", stdout);
		else if (!(flags & PRINT_NAMEVAL))
			putchar('-');
		return;
	}
	if (qc && (flags & PRINT_QUOTED))
		putchar(qc);
	fputs(v, stdout);
	if (qc && (flags & PRINT_QUOTED))
		putchar(qc);
}

static void print_params(sj_jail *j, int flags, const char **names, size_t n, bool *first_jail)
{
	bool first = true, spc = false;

	if (flags & PRINT_JSON)
		fputs(*first_jail ? "{" : ", {", stdout);
	for (size_t i = 0; i < n; i++) {
		char *v;

		v = value_of(j, names[i]);
		if (flags & PRINT_JSON) {
			if (strcmp(names[i], "ip4.addr") == 0 || strcmp(names[i], "ip6.addr") == 0) {
				json_addrs(&first, names[i], v);
			} else if (is_bool(names[i])) {
				json_key(&first, names[i], false);
				fputs(strcmp(v, "true") == 0 ? "true" : "false", stdout);
			} else if (*v) {
				json_key(&first, names[i], false);
				json_string(v);
			}
			free(v);
			continue;
		}
		if (spc)
			putchar(' ');
		spc = true;
		if ((flags & PRINT_NAMEVAL) && is_bool(names[i])) {
			const char *dot = strrchr(names[i], '.');

			if (strcmp(v, "true") == 0)
				fputs(names[i], stdout);
			else if (dot)
				printf("%.*s.no%s", (int)(dot - names[i]), names[i], dot + 1);
			else
				printf("no%s", names[i]);
		} else {
			if (flags & PRINT_NAMEVAL)
				printf("%s=", names[i]);
			quoted(flags, v);
		}
		free(v);
	}
	if (flags & PRINT_JSON)
		putchar('}');
	else
		putchar('\n');
	*first_jail = false;
}

static void header(int flags, const char **names, size_t n)
{
	if (flags & PRINT_JSON)
		return;
	if (flags & PRINT_VERBOSE) {
		printf("   JID  Hostname%22sPath\n", "");
		printf("%8sName%26sState\n", "", "");
		printf("%8sCPUSetID\n", "");
		printf("%8sIP Address(es)\n", "");
	} else if (flags & PRINT_DEFAULT) {
		if (flags & PRINT_JAIL_NAME)
			printf(" %-15s %-15s %-29s Path\n", "JID", "IP Address", "Hostname");
		else
			printf("%6s  IP Address%6sHostname%22sPath\n", "JID", "", "");
	} else if (flags & PRINT_HEADER) {
		for (size_t i = 0; i < n; i++)
			printf("%s%s", i ? " " : "", names[i]);
		putchar('\n');
	}
}

static void print_jail(sj_jail *j, int flags, const char **names, size_t n, bool *first)
{
	if ((flags & PRINT_SKIP) && !(flags & PRINT_JSON)) {
		char *line;
		sj_error err;

		if (sj_jail_cmdline(j, names, n, &line, &err) < 0) {
			fprintf(stderr, "jls: %s\n", err.msg);
			exit(1);
		}
		puts(line);
		free(line);
	} else if (flags & PRINT_VERBOSE)
		print_verbose(j, flags, first);
	else if (flags & PRINT_DEFAULT)
		print_default(j, flags, first);
	else
		print_params(j, flags, names, n, first);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "libxo", required_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	const char *jail = NULL, *rundir = getenv("SYSJAIL_RUNDIR");
	const char **names;
	unsigned list_flags = 0;
	int flags = 0, ch;
	bool first = true;
	size_t n = 0;
	sj_error err;

	while ((ch = getopt_long(argc, argv, "adj:hNnqsv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
		case 'd':
			list_flags |= SJ_LIST_DYING;
			break;
		case 'j':
			jail = optarg;
			break;
		case 'h':
			flags = (flags & ~(PRINT_SKIP | PRINT_VERBOSE)) | PRINT_HEADER;
			break;
		case 'N':
			flags |= PRINT_JAIL_NAME;
			break;
		case 'n':
			flags = (flags & ~PRINT_VERBOSE) | PRINT_NAMEVAL;
			break;
		case 'q':
			flags |= PRINT_QUOTED;
			break;
		case 's':
			flags = (flags & ~(PRINT_HEADER | PRINT_VERBOSE)) | PRINT_NAMEVAL |
				PRINT_QUOTED | PRINT_SKIP;
			break;
		case 'v':
			flags = (flags & ~(PRINT_HEADER | PRINT_NAMEVAL | PRINT_SKIP)) |
				PRINT_VERBOSE;
			break;
		case 'X':
			if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0) {
				fprintf(stderr, "jls: --libxo: only 'json' and 'text' are supported\n");
				return 1;
			}
			if (strcmp(optarg, "json") == 0)
				flags |= PRINT_JSON;
			break;
		case 'H':
			fputs(usage_text, stdout);
			fputs(help_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 1;
		}
	}
	if (optind < argc) {
		flags &= ~PRINT_VERBOSE;
		names = (const char **)argv + optind;
		n = (size_t)(argc - optind);
		for (size_t i = 0; i < n; i++)
			if (!sj_param_exists(names[i]) && strcmp(names[i], "dying") != 0) {
				fprintf(stderr, "jls: unknown parameter: %s\n", names[i]);
				return 1;
			}
	} else if (flags & (PRINT_HEADER | PRINT_NAMEVAL)) {
		names = all_params(&n);
	} else {
		names = NULL;
		if (!(flags & PRINT_VERBOSE))
			flags |= PRINT_DEFAULT;
	}

	header(flags, names, n);
	if (flags & PRINT_JSON)
		fputs("{\"__version\": \"2\", \"jail-information\": {\"jail\": [", stdout);
	if (jail) {
		sj_jail *j = sj_find(rundir, jail, &err);

		if (!j || (sj_jail_dying(j) && !(list_flags & SJ_LIST_DYING))) {
			fprintf(stderr, "jls: jail \"%s\" not found\n", jail);
			return 1;
		}
		print_jail(j, flags, names, n, &first);
		sj_jail_free(j);
	} else {
		sj_jail **jails;
		size_t count;

		if (sj_list(rundir, list_flags, &jails, &count, &err) < 0) {
			fprintf(stderr, "jls: %s\n", err.msg);
			return 1;
		}
		for (size_t i = 0; i < count; i++)
			print_jail(jails[i], flags, names, n, &first);
		sj_list_free(jails, count);
	}
	if (flags & PRINT_JSON)
		fputs("]}}\n", stdout);
	return 0;
}
