/*
 * jail(8): create, modify and remove jails, FreeBSD's way.
 *
 *   jail [-ilq] [-J file] [-u user | -U user] [-n name] path hostname [ip[,ip...]] command ...
 *   jail [-ilq] [-J file] [-u user | -U user] -c param=value ... [command=command ...]
 *   jail [-ilq] [-f conf] -c [jail ...]
 *   jail [-q] -m jid=JID|name=NAME param=value ...
 *   jail [-q] -r|-R jail ...|'*'
 *   jail [-f conf] -e separator [jail ...]
 *
 * A thin front end: parse, set parameters, call libsysjail, print.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysjail.h"

static const char usage_text[] =
	"usage: jail [-ilq] [-J file] [-u user | -U user] [-n name] path hostname\n"
	"            [ip[,ip...]] command [arg ...]\n"
	"       jail [-ilq] [-J file] [-u user | -U user] -c param=value ...\n"
	"            [command=command ...]\n"
	"       jail [-ilq] [-J file] [-f conf] -c [jail ...]\n"
	"       jail [-q] -m jid=jid|name=name param=value ...\n"
	"       jail [-q] -r|-R jail ... | '*'\n"
	"       jail [-f conf] -e separator [jail ...]\n";

static const char help_text[] =
	"\n"
	"Create a jail with its own root, process table, hostname and network,\n"
	"and run a command in it; jail exits with the command's status.  With\n"
	"persist, the jail stays when its command (if any) ends.\n"
	"\n"
	"  -c              create jails: from param=value arguments, or the jails\n"
	"                  named (all of them without names) from the configuration\n"
	"  -m              modify a running jail (host.hostname, exec.*, ...)\n"
	"  -r, -R          remove running jails (by jid or name; '*' for all);\n"
	"                  -R without running their exec.*stop commands\n"
	"  -e sep          print the configuration's jails, parameters joined by SEP\n"
	"  -f conf         the configuration file (default /etc/jail.conf; - for stdin)\n"
	"  -i              print each new jail's id (jid)\n"
	"  -J file         write the new jail's parameters to FILE\n"
	"  -l              run commands in a clean environment (exec.clean)\n"
	"  -n name         the jail's name (name=)\n"
	"  -q              print no warnings\n"
	"  -u user         run the command as USER from the host's user database\n"
	"  -U user         run the command as USER from the jail's /etc/passwd\n"
	"  --help          show this help\n"
	"\n"
	"Parameters: see jail(8) and jail.conf(5).  A list parameter given again\n"
	"adds to the list: ip4.addr=192.0.2.10 'ip4.addr=em0|192.0.2.11/24'.\n";

static const int forwarded[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
};

/* What the options ask of every jail this run creates. */
struct opts {
	bool print_jid, quiet, clean;
	const char *jfile, *name, *user, *rundir, *conf;
	bool host_user;
};

/* The jail whose command receives the signals sent to us. */
static sj_jail *running;

static void forward(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	/* A terminal signals the whole foreground process group, the
	 * jailed command included: pass on only what was sent to us. */
	if (si->si_code != SI_KERNEL && running)
		sj_forward_signal(running, sig);
}

static void __attribute__((noreturn)) usage(const char *why)
{
	fprintf(stderr, "jail: %s (see 'jail --help')\n", why);
	exit(1);
}

static void __attribute__((noreturn)) die(const sj_error *err)
{
	fprintf(stderr, "jail: %s\n", err->msg);
	exit(err->status ? err->status : 1);
}

static void warn(void *ctx, const char *msg)
{
	const struct opts *o = ctx;

	if (!o->quiet)
		fprintf(stderr, "jail: warning: %s\n", msg);
}

static void set(sj_jail *j, const struct opts *o, const char *name, const char *value)
{
	sj_error err;

	if (sj_jail_set(j, name, value, &err) < 0)
		die(&err);
	if (sj_param_flags(name) & SJ_PARAM_IGNORED) {
		char msg[160];

		snprintf(msg, sizeof(msg), "%s: means nothing on Linux; ignored", name);
		warn((void *)o, msg);
	}
}

/* The options that are parameters, on a new jail. */
static sj_jail *new_jail(const struct opts *o)
{
	sj_error err;
	sj_jail *j = sj_jail_new(&err);

	if (!j)
		die(&err);
	if (o->rundir)
		set(j, o, "sysjail.rundir", o->rundir);
	/* Like SYSJAIL_RUNDIR: a registry's jails may need a parent cgroup
	 * of their own (the tests' does). */
	if (getenv("SYSJAIL_CGROUP"))
		set(j, o, "sysjail.cgroup", getenv("SYSJAIL_CGROUP"));
	if (o->clean)
		set(j, o, "exec.clean", "true");
	if (o->name)
		set(j, o, "name", o->name);
	if (o->user) {
		set(j, o, "exec.jail_user", o->user);
		set(j, o, "exec.system_jail_user", o->host_user ? "true" : "false");
	}
	return j;
}

/* Whether parameter NAME is among the first N operands (names by now). */
static bool given_before(char **argv, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(argv[i], name) == 0)
			return true;
	return false;
}

/*
 * "param=value", "param" (boolean true), or "command=..." and the rest.
 * As FreeBSD's jail(8) does, a list parameter given again adds to the
 * list (ip4.addr=A ip4.addr=B); "+=" is jail.conf(5)'s, and FreeBSD's
 * command line has none either.
 */
static void set_params(sj_jail *j, const struct opts *o, int argc, char **argv)
{
	sj_error err;

	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (eq && eq - argv[i] == 7 && strncmp(argv[i], "command", 7) == 0) {
			argv[i] = eq + 1;
			if (sj_jail_set_command(j, argv + i, &err) < 0)
				die(&err);
			return;
		}
		if (eq && eq > argv[i] && eq[-1] == '+') {
			eq[-1] = '\0';
			fprintf(stderr, "jail: %s+=: '+=' is for jail.conf(5); on the command line, "
				"give %s again to add to it\n", argv[i], argv[i]);
			exit(1);
		}
		if (eq)
			*eq = '\0';
		if ((sj_param_flags(argv[i]) & SJ_PARAM_LIST) && given_before(argv, i, argv[i])) {
			if (sj_jail_add(j, argv[i], eq ? eq + 1 : NULL, &err) < 0)
				die(&err);
			continue;
		}
		set(j, o, argv[i], eq ? eq + 1 : NULL);
	}
}

/* path hostname [ip[,ip...]] command [arg ...] */
static void set_legacy(sj_jail *j, const struct opts *o, int argc, char **argv)
{
	sj_error err;

	if (argc < 2)
		usage("missing path and hostname operands");
	set(j, o, "path", argv[0]);
	set(j, o, "host.hostname", argv[1]);
	argc -= 2;
	argv += 2;
	if (argc > 0 && sj_addr_list_valid(argv[0])) {
		char *save = NULL;

		for (char *a = strtok_r(argv[0], ",", &save); a; a = strtok_r(NULL, ",", &save))
			if (sj_jail_add(j, strchr(a, ':') ? "ip6.addr" : "ip4.addr", a, &err) < 0)
				die(&err);
		argc--;
		argv++;
	}
	if (argc < 1)
		usage("missing the command to run");
	if (sj_jail_set_command(j, argv, &err) < 0)
		die(&err);
}

/* -J: the new jail's parameters, one line, as jail -c takes them. */
static int write_params(sj_jail *j, const char *file, sj_error *err)
{
	char *line;
	FILE *f;

	if (sj_jail_cmdline(j, NULL, 0, &line, err) < 0)
		return -1;
	f = fopen(file, "ae");
	if (!f || fprintf(f, "%s\n", line) < 0 || fclose(f) != 0) {
		snprintf(err->msg, sizeof(err->msg), "-J %s: %s", file, strerror(errno));
		err->status = 0;
		free(line);
		return -1;
	}
	free(line);
	return 0;
}

/*
 * Create jail J and run it: its status, or -1 with ERR set (then
 * nothing of it is left).
 */
static int create(sj_jail *j, const struct opts *o, sj_error *err)
{
	struct sigaction sa = { .sa_sigaction = forward, .sa_flags = SA_SIGINFO | SA_RESTART };
	int status;

	if (sj_create(j, err) < 0)
		return -1;
	/* What the user got, when it is not what they may expect: the mode
	 * of a jail made without root and why, a limit not applied. */
	for (size_t i = 0; !o->quiet && sj_jail_note(j, i); i++)
		fprintf(stderr, "jail: note: %s\n", sj_jail_note(j, i));
	if (o->print_jid) {
		printf("%d\n", sj_jail_jid(j));
		fflush(stdout);
	}
	if (o->jfile && write_params(j, o->jfile, err) < 0)
		return -1;
	running = j;
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaction(forwarded[i], &sa, NULL);
	if (sj_start(j, err) < 0 || sj_wait(j, &status, err) < 0) {
		running = NULL;
		return -1;
	}
	running = NULL;
	/* Such as "the command was killed: out of memory (...)". */
	if (sj_wait_reason(j))
		fprintf(stderr, "jail: %s\n", sj_wait_reason(j));
	return status;
}

static sj_conf *load_conf(struct opts *o)
{
	const char *path = o->conf ? o->conf : SJ_CONF_PATH;
	sj_conf *c = NULL;
	sj_error err;

	if (strcmp(path, "-") == 0) {
		char *text = NULL;
		size_t cap = 0, len = 0;

		for (;;) {
			size_t n;

			if (len + 4096 > cap && !(text = realloc(text, cap = (cap + 4096) * 2))) {
				perror("jail");
				exit(1);
			}
			n = fread(text + len, 1, cap - len, stdin);
			if (n == 0)
				break;
			len += n;
		}
		c = sj_conf_load_text("STDIN", text ? text : "", len, warn, o, &err);
		free(text);
	} else {
		c = sj_conf_load(path, warn, o, &err);
	}
	if (!c)
		die(&err);
	return c;
}

/*
 * -c NAME... (or every jail of the configuration, in order): each jail
 * that fails is reported by name, and the others are still created.
 */
static int create_from_conf(struct opts *o, int argc, char **argv)
{
	sj_conf *c = load_conf(o);
	size_t n = argc ? (size_t)argc : sj_conf_jail_count(c);
	int status = 0;

	if (n == 0)
		fprintf(stderr, "jail: %s: no jails\n", o->conf ? o->conf : SJ_CONF_PATH);
	for (size_t i = 0; i < n; i++) {
		const char *name = argc ? argv[i] : sj_conf_jail_name(c, i);
		sj_jail *j = new_jail(o);
		sj_error err;
		int r;

		r = sj_conf_apply(c, name, j, &err);
		if (r == 0)
			r = create(j, o, &err);
		if (r < 0) {
			fprintf(stderr, "jail: %s: %s\n", name, err.msg);
			status = 1;
		} else if (r > 0 && !status) {
			status = r;
		}
		sj_jail_free(j);
	}
	sj_conf_free(c);
	return status;
}

/* -e SEP: the configuration's jails, as FreeBSD prints them. */
static int show_conf(struct opts *o, const char *sep, int argc, char **argv)
{
	sj_conf *c = load_conf(o);
	size_t n = argc ? (size_t)argc : sj_conf_jail_count(c);
	int status = 0;

	for (size_t i = 0; i < n; i++) {
		const char *name = argc ? argv[i] : sj_conf_jail_name(c, i);
		sj_error err;
		char *line = sj_conf_show(c, name, sep, &err);

		if (!line) {
			fprintf(stderr, "jail: %s: %s\n", name, err.msg);
			status = 1;
			continue;
		}
		puts(line);
		free(line);
	}
	sj_conf_free(c);
	return status;
}

/* -m jid=N|name=NAME param=value ... */
static int modify(const struct opts *o, int argc, char **argv)
{
	const char *which = NULL;
	sj_error err;
	sj_jail *j;
	int status = 0;

	for (int i = 0; i < argc; i++)
		if (!strncmp(argv[i], "jid=", 4) || !strncmp(argv[i], "name=", 5))
			which = which ? which : strchr(argv[i], '=') + 1;
	if (!which)
		usage("-m needs jid= or name= to name the jail");
	j = sj_find(o->rundir, which, &err);
	if (!j)
		die(&err);
	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!strncmp(argv[i], "jid=", 4) || !strncmp(argv[i], "name=", 5))
			continue;
		if (eq)
			*eq = '\0';
		if (sj_modify(j, argv[i], eq ? eq + 1 : NULL, &err) < 0) {
			fprintf(stderr, "jail: %s\n", err.msg);
			status = 1;
		}
	}
	sj_jail_free(j);
	return status;
}

/* -r jail ... | '*': each is reported and the others still removed. */
static int remove_jails(const struct opts *o, unsigned flags, int argc, char **argv)
{
	int status = 0;
	sj_error err;

	if (argc == 0)
		usage("-r needs the jails to remove (jids, names, or '*')");
	for (int i = 0; i < argc; i++) {
		sj_jail **all = NULL, *one = NULL;
		size_t n = 1;

		if (strcmp(argv[i], "*") == 0) {
			if (sj_list(o->rundir, 0, &all, &n, &err) < 0)
				die(&err);
		} else if (!(one = sj_find(o->rundir, argv[i], &err))) {
			fprintf(stderr, "jail: %s\n", err.msg);
			status = 1;
			continue;
		}
		for (size_t k = 0; k < n; k++) {
			sj_jail *j = all ? all[k] : one;

			if (sj_remove(j, flags, &err) < 0) {
				char name[256];
				sj_error ignored;

				/* FreeBSD names the jail by its name, else its jid. */
				if (sj_jail_get(j, "name", name, sizeof(name), &ignored) < 0 ||
				    !name[0])
					snprintf(name, sizeof(name), "%d", sj_jail_jid(j));
				fprintf(stderr, "jail: %s: %s\n", name, err.msg);
				status = 1;
			}
		}
		if (all)
			sj_list_free(all, n);
		else
			sj_jail_free(one);
	}
	return status;
}

/* Whether the operands are param=value (not jail names). */
static bool has_params(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (strchr(argv[i], '='))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .rundir = getenv("SYSJAIL_RUNDIR") };
	const char *sep = NULL;
	int ch, mode = 0, status;
	char why[80];
	sj_error err;
	sj_jail *j;

	/* '+': options end at the first operand; the command has its own. */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:ce:f:iJ:lmn:qRru:U:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
		case 'm':
		case 'r':
		case 'R':
			if (mode && mode != ch)
				usage("-c, -m and -r exclude each other");
			mode = ch;
			break;
		case 'e':
			sep = optarg;
			break;
		case 'f':
			o.conf = optarg;
			break;
		case 'H':
			fputs(usage_text, stdout);
			fputs(help_text, stdout);
			return 0;
		case 'i':
			o.print_jid = true;
			break;
		case 'J':
			o.jfile = optarg;
			break;
		case 'l':
			o.clean = true;
			break;
		case 'n':
			o.name = optarg;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'u':
		case 'U':
			o.user = optarg;
			o.host_user = ch == 'u';
			break;
		case ':':
			snprintf(why, sizeof(why), "option -%c needs a value", optopt);
			usage(why);
		default:
			if (optopt)
				snprintf(why, sizeof(why), "unknown option -%c", optopt);
			else
				snprintf(why, sizeof(why), "unknown option %s", argv[optind - 1]);
			usage(why);
		}
	}
	argc -= optind;
	argv += optind;
	/* -J: one line per jail this run creates, in a fresh file. */
	if (o.jfile) {
		FILE *f = fopen(o.jfile, "we");

		if (!f || fclose(f) != 0) {
			fprintf(stderr, "jail: -J %s: %s\n", o.jfile, strerror(errno));
			return 1;
		}
	}
	if (sep)
		return show_conf(&o, sep, argc, argv);
	switch (mode) {
	case 'm':
		return modify(&o, argc, argv);
	case 'r':
	case 'R':
		return remove_jails(&o, mode == 'R' ? SJ_REMOVE_NOHOOKS : 0, argc, argv);
	case 'c':
		if (!has_params(argc, argv))
			return create_from_conf(&o, argc, argv);
		break;
	}
	j = new_jail(&o);
	if (mode == 'c')
		set_params(j, &o, argc, argv);
	else
		set_legacy(j, &o, argc, argv);
	status = create(j, &o, &err);
	if (status < 0)
		die(&err);
	return status;
}
