/*
 * sysjail(8): run a command in a jail, with the options Linux users know.
 *
 *   sysjail [options] [--] command [arg ...]
 *   sysjail --print-config [options] [--] [command [arg ...]]
 *   sysjail --learn[=FILE] [options] [--] command [arg ...]
 *   sysjail --check-policy PROFILE
 *   sysjail -r jail ... | -m jail param=value ...
 *
 * Every option that describes the jail sets the parameter of the same
 * name (--ro-bind SRC DST is ro-bind += "SRC DST", as jail.conf(5)
 * writes it), and every parameter of the table is an option too
 * (--allow.raw_sockets, --exec.start=CMD): one structure, filled through
 * sj_jail_set() and sj_jail_add().  A thin front end: parse, set, call
 * libsysjail, print.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sysjail.h"

/* sysjail's own failures; 126 and 127 are the command's (SJ_EXIT_*). */
#define EXIT_SYSJAIL SJ_EXIT_SETUP

enum tool_opt {
	T_PARAM,		/* sets the parameter of the same name (or PARAM) */
	T_HELP, T_BACKGROUND, T_DEBUG, T_PRINT_JID, T_QUIET, T_CONF, T_NAME,
	T_OUTPUT, T_PRINT_CONFIG, T_LEARN, T_CHECK_POLICY, T_REMOVE, T_MODIFY,
	T_USER, T_JAIL_USER, T_CLEAN, T_VERSION,
};

/* The options: one table, which --help prints. */
static const struct option_def {
	const char *name;	/* long option */
	char letter;		/* short option, or 0 */
	unsigned nargs;		/* 0, 1 or 2 operands; 3: an optional "=VALUE" */
	enum tool_opt what;
	const char *param;	/* the parameter, when not NAME */
	const char *args;	/* operands, for --help */
	const char *help;
} options[] = {
	{ "path", 0, 1, T_PARAM, NULL, "DIR", "the jail's root (default /, the host's tree)" },
	{ "bind", 0, 2, T_PARAM, NULL, "SRC DST", "bind host path SRC on DST in the jail" },
	{ "ro-bind", 0, 2, T_PARAM, NULL, "SRC DST", "the same, read-only" },
	{ "tmpfs", 0, 1, T_PARAM, NULL, "DST", "a new tmpfs on DST" },
	{ "dev", 0, 1, T_PARAM, NULL, "DST", "the jail's /dev on DST too" },
	{ "proc", 0, 1, T_PARAM, NULL, "DST", "the jail's /proc on DST too" },
	{ "dir", 0, 1, T_PARAM, NULL, "DIR", "make directory DIR (and its parents)" },
	{ "symlink", 0, 2, T_PARAM, NULL, "TARGET LINK", "make symbolic link LINK to TARGET" },
	{ "chmod", 0, 2, T_PARAM, NULL, "MODE PATH", "change PATH's mode to octal MODE" },
	{ "chdir", 0, 1, T_PARAM, NULL, "DIR", "the command's working directory" },
	{ "setenv", 0, 2, T_PARAM, NULL, "VAR VALUE", "set VAR in the command's environment" },
	{ "unsetenv", 0, 1, T_PARAM, NULL, "VAR", "remove VAR from it" },
	{ "clearenv", 0, 0, T_PARAM, NULL, NULL, "start from an empty environment" },
	{ "hostname", 0, 1, T_PARAM, "host.hostname", "NAME", "the jail's hostname" },
	{ "uid", 0, 1, T_PARAM, NULL, "UID", "run the command as UID in the jail" },
	{ "gid", 0, 1, T_PARAM, NULL, "GID", "... and GID (default: UID)" },
	{ "share-net", 0, 0, T_PARAM, NULL, NULL, "the host's network (ip4=inherit ip6=inherit)" },
	{ NULL, '4', 1, T_PARAM, "ip4.addr", "ADDR", "an IPv4 address of the jail's" },
	{ NULL, '6', 1, T_PARAM, "ip6.addr", "ADDR", "an IPv6 address of the jail's" },
	{ "seccomp", 0, 1, T_PARAM, "sysjail.seccomp", "PROFILE",
	  "the seccomp profile: a name in policies/, or a file" },
	{ "new-session", 0, 0, T_PARAM, NULL, NULL, "the command in a session of its own" },
	{ "die-with-parent", 0, 0, T_PARAM, NULL, NULL, "the jail dies when sysjail does" },
	{ "persist", 0, 0, T_PARAM, NULL, NULL, "the jail stays when its command ends" },
	{ "name", 'n', 1, T_NAME, NULL, "NAME", "the jail's name (with -f: the jail to take)" },
	{ "log-denied", 0, 3, T_PARAM, NULL, "[=FILE]",
	  "record every call the filter refuses (stderr, or FILE)" },
	{ "background", 'b', 0, T_BACKGROUND, NULL, NULL,
	  "start the jail and return (stdio: /dev/null, or --output)" },
	{ "output", 'o', 1, T_OUTPUT, NULL, "FILE", "the command's stdout and stderr to FILE" },
	{ "config", 'f', 1, T_CONF, NULL, "FILE", "start from a jail of jail.conf(5) FILE" },
	{ "print-config", 0, 0, T_PRINT_CONFIG, NULL, NULL,
	  "print the jail as jail.conf(5) and exit" },
	{ "learn", 0, 3, T_LEARN, NULL, "[=FILE]",
	  "run the command; print the smallest profile it needs" },
	{ "check-policy", 0, 1, T_CHECK_POLICY, NULL, "PROFILE", "check a seccomp profile" },
	{ NULL, 'u', 1, T_USER, NULL, "USER", "run the command as USER of the host's" },
	{ NULL, 'U', 1, T_JAIL_USER, NULL, "USER", "run the command as USER of the jail's" },
	{ NULL, 'l', 0, T_CLEAN, NULL, NULL, "a clean environment (exec.clean)" },
	{ NULL, 'i', 0, T_PRINT_JID, NULL, NULL, "print the jail's id (jid)" },
	{ NULL, 'r', 0, T_REMOVE, NULL, NULL, "remove the running jails named (jid or name)" },
	{ NULL, 'm', 0, T_MODIFY, NULL, NULL, "modify a running jail: -m JAIL PARAM=VALUE ..." },
	{ "debug", 'd', 0, T_DEBUG, NULL, NULL, "say what is done, and how long it took" },
	{ "quiet", 'q', 0, T_QUIET, NULL, NULL, "print no warnings" },
	{ "version", 0, 0, T_VERSION, NULL, NULL, "print sysjail's version" },
	{ "help", 'h', 0, T_HELP, NULL, NULL, "show this help" },
};

/* An option that describes the jail, in the order given. */
struct setting {
	const char *param;
	char *value;		/* malloc'ed; NULL: a boolean's true */
};

struct opts {
	struct setting *set;
	size_t nset;
	bool background, debug, print_jid, quiet, print_config, remove, modify, learn;
	const char *conf, *name, *output, *learn_file, *check, *rundir;
	char **command;
};

static int saved_stderr = 2, saved_stdout = 1;

/* The jail whose command receives the signals sent to us. */
static sj_jail *running;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(saved_stderr, "sysjail: ", 9) < 0 || write(saved_stderr, buf, (size_t)n) < 0)
		return;
}

static void usage(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void usage(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	say("%s (see 'sysjail --help')", msg);
	exit(EXIT_SYSJAIL);
}

static void __attribute__((noreturn)) die(const sj_error *err)
{
	say("%s", err->msg);
	exit(err->status ? err->status : EXIT_SYSJAIL);
}

static void help(void)
{
	printf("usage: sysjail [options] [--] command [arg ...]\n"
	       "       sysjail --print-config [options] [--] [command [arg ...]]\n"
	       "       sysjail --learn[=FILE] [options] [--] command [arg ...]\n"
	       "       sysjail --check-policy PROFILE\n"
	       "       sysjail -r jail ... | -m jail param=value ...\n\n"
	       "Run a command in a jail: its own root, processes, hostname, network,\n"
	       "and a seccomp filter.  sysjail exits with the command's status.\n\n");
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
		const struct option_def *o = &options[i];
		char spec[64];
		int n = 0;

		if (o->letter)
			n += snprintf(spec + n, sizeof(spec) - (size_t)n, "-%c%s", o->letter,
				      o->name ? ", " : "");
		else
			n += snprintf(spec + n, sizeof(spec) - (size_t)n, "    ");
		if (o->name)
			n += snprintf(spec + n, sizeof(spec) - (size_t)n, "--%s", o->name);
		if (o->args)
			snprintf(spec + n, sizeof(spec) - (size_t)n, "%s%s", o->nargs == 3 ? "" : " ",
				 o->args);
		printf("  %-26s %s\n", spec, o->help);
	}
	printf("\nEvery parameter of jail(8) and jail.conf(5) is an option too:\n"
	       "--NAME=VALUE or --NAME VALUE (--NAME alone for a boolean; each use\n"
	       "adds to a list): --allow.raw_sockets, --exec.start=CMD, ...\n"
	       "See sysjail(8).\n");
}

static const struct option_def *find_long(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (options[i].name && strlen(options[i].name) == len &&
		    strncmp(options[i].name, name, len) == 0)
			return &options[i];
	return NULL;
}

static const struct option_def *find_short(char c)
{
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (options[i].letter == c)
			return &options[i];
	return NULL;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d) {
		say("out of memory");
		exit(EXIT_SYSJAIL);
	}
	return d;
}

/* S escaped as a field of a layout value (\NNN, as fstab(5) does). */
static void put_field(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\' || *s == '#')
			fprintf(f, "\\%03o", (unsigned char)*s);
		else
			fputc(*s, f);
	}
}

static void add_setting(struct opts *o, const char *param, char *value)
{
	struct setting *v = realloc(o->set, (o->nset + 1) * sizeof(*v));

	if (!v) {
		say("out of memory");
		exit(EXIT_SYSJAIL);
	}
	o->set = v;
	o->set[o->nset++] = (struct setting){ param, value };
}

/* A jail option with its operands ARGS (NARGS of them, or one optional). */
static void add_param(struct opts *o, const struct option_def *d, const char *param,
		      char **args, unsigned nargs)
{
	char *value = NULL;
	size_t len = 0;
	FILE *f;

	if (nargs == 0) {
		add_setting(o, param, NULL);
		return;
	}
	if (strcmp(param, "setenv") == 0) {
		if (asprintf(&value, "%s=%s", args[0], args[1]) < 0)
			value = NULL;
	} else if (nargs == 2 || (d && (strcmp(param, "tmpfs") == 0 || strcmp(param, "dev") == 0 ||
				       strcmp(param, "proc") == 0 || strcmp(param, "dir") == 0))) {
		/* Layout values: blank-separated fields, escaped. */
		f = open_memstream(&value, &len);
		if (f) {
			for (unsigned i = 0; i < nargs; i++) {
				if (i)
					fputc(' ', f);
				put_field(f, args[i]);
			}
			if (fclose(f) != 0)
				value = NULL;
		}
	} else {
		value = strdup(args[0]);
	}
	if (!value) {
		say("out of memory");
		exit(EXIT_SYSJAIL);
	}
	add_setting(o, param, value);
}

/* An option's operands from "--opt=VALUE" (INLINE) and the arguments after. */
static char **operands(const struct option_def *d, const char *name, char *inl, int argc,
		       char **argv, int *i, unsigned *n)
{
	static char *buf[2];

	*n = d->nargs == 3 ? (inl ? 1 : 0) : d->nargs;
	if (d->nargs == 3 || d->nargs == 0) {
		if (inl && d->nargs == 0)
			usage("option %s takes no value", name);
		buf[0] = inl;
		return buf;
	}
	for (unsigned k = 0; k < *n; k++) {
		if (k == 0 && inl) {
			buf[0] = inl;
			continue;
		}
		if (*i + 1 >= argc)
			usage(d->nargs == 2 ? "option %s needs two operands" :
			      "option %s needs a value", name);
		buf[k] = argv[++*i];
	}
	return buf;
}

/* --NAME[=VALUE] for a parameter of the table, not an option of our own. */
static void generic_param(struct opts *o, const char *arg, char *inl, int argc, char **argv,
			  int *i)
{
	size_t len = inl ? (size_t)(inl - 1 - arg) : strlen(arg);
	char *name = strndup(arg, len);
	unsigned flags;

	if (!name)
		usage("%s", "out of memory");
	flags = sj_param_flags(name);
	if (!flags && !sj_param_exists(name)) {
		char msg[300];

		snprintf(msg, sizeof(msg), "unknown option --%s", name);
		usage("%s", msg);
	}
	if ((flags & SJ_PARAM_BOOL) || !flags) {	/* noNAME: a negated boolean */
		add_setting(o, name, inl ? xstrdup(inl) : NULL);
		return;
	}
	if (!inl) {
		if (*i + 1 >= argc)
			usage("option --%s needs a value", name);
		inl = argv[++*i];
	}
	add_setting(o, name, xstrdup(inl));
}

static void apply_option(struct opts *o, const struct option_def *d, const char *shown,
			 char *inl, int argc, char **argv, int *i)
{
	unsigned n;
	char **a = operands(d, shown, inl, argc, argv, i, &n);

	switch (d->what) {
	case T_PARAM:
		add_param(o, d, d->param ? d->param : d->name, a, n);
		break;
	case T_NAME:
		o->name = a[0];
		add_param(o, d, "name", a, 1);
		break;
	case T_HELP:
		help();
		exit(0);
	case T_VERSION:
		printf("sysjail %s\n", SJ_VERSION);
		exit(0);
	case T_BACKGROUND: o->background = true; break;
	case T_DEBUG: o->debug = true; break;
	case T_PRINT_JID: o->print_jid = true; break;
	case T_QUIET: o->quiet = true; break;
	case T_CONF: o->conf = a[0]; break;
	case T_OUTPUT: o->output = a[0]; break;
	case T_PRINT_CONFIG: o->print_config = true; break;
	case T_LEARN: o->learn = true; o->learn_file = a[0]; break;
	case T_CHECK_POLICY: o->check = a[0]; break;
	case T_REMOVE: o->remove = true; break;
	case T_MODIFY: o->modify = true; break;
	case T_USER:
	case T_JAIL_USER:
		add_setting(o, "exec.jail_user", xstrdup(a[0]));
		add_setting(o, "exec.system_jail_user", xstrdup(d->what == T_USER ? "true" : "false"));
		break;
	case T_CLEAN:
		add_setting(o, "exec.clean", NULL);
		break;
	}
}

/* Options up to the first operand (or "--"); the rest is the command. */
static void parse(struct opts *o, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		char *arg = argv[i];

		if (strcmp(arg, "--") == 0) {
			i++;
			break;
		}
		if (arg[0] != '-' || arg[1] == '\0')
			break;
		if (arg[1] == '-') {
			char *eq = strchr(arg + 2, '=');
			const struct option_def *d = find_long(arg + 2, eq ? (size_t)(eq - arg - 2)
							       : strlen(arg + 2));

			if (!d) {
				generic_param(o, arg + 2, eq ? eq + 1 : NULL, argc, argv, &i);
				continue;
			}
			if (eq)
				*eq = '\0';
			apply_option(o, d, arg, eq ? eq + 1 : NULL, argc, argv, &i);
			continue;
		}
		/* Short options, bundled; one that takes a value ends the bundle. */
		for (char *c = arg + 1; *c; c++) {
			const struct option_def *d = find_short(*c);
			char shown[3] = { '-', *c, '\0' };

			if (!d)
				usage("unknown option %s", shown);
			if (d->nargs && c[1]) {
				apply_option(o, d, shown, c + 1, argc, argv, &i);
				break;
			}
			apply_option(o, d, shown, NULL, argc, argv, &i);
		}
	}
	o->command = argv + i;
}

static void debug_log(void *ctx, const char *msg)
{
	(void)ctx;
	say("debug: %s", msg);
}

static void conf_warn(void *ctx, const char *msg)
{
	const struct opts *o = ctx;

	if (!o->quiet)
		say("warning: %s", msg);
}

/* The jail the options describe: a jail.conf(5) jail first, if asked. */
static sj_jail *build(struct opts *o)
{
	bool has_path = false;
	sj_error err;
	sj_jail *j = sj_jail_new(&err);

	if (!j)
		die(&err);
	if (o->rundir && sj_jail_set(j, "sysjail.rundir", o->rundir, &err) < 0)
		die(&err);
	/* As jail(8): a registry's jails may need a parent cgroup of their
	 * own (the tests' does). */
	if (getenv("SYSJAIL_CGROUP") &&
	    sj_jail_set(j, "sysjail.cgroup", getenv("SYSJAIL_CGROUP"), &err) < 0)
		die(&err);
	if (o->conf) {
		sj_conf *c = sj_conf_load(o->conf, conf_warn, o, &err);
		const char *name = o->name;

		if (!c)
			die(&err);
		if (!name && sj_conf_jail_count(c) == 1)
			name = sj_conf_jail_name(c, 0);
		if (!name)
			usage("-f %s: name the jail to take with -n", o->conf);
		if (sj_conf_apply(c, name, j, &err) < 0)
			die(&err);
		sj_conf_free(c);
	}
	for (size_t i = 0; i < o->nset; i++) {
		const struct setting *s = &o->set[i];
		unsigned flags = sj_param_flags(s->param);
		int r = (flags & SJ_PARAM_LIST) ? sj_jail_add(j, s->param, s->value, &err)
						 : sj_jail_set(j, s->param, s->value, &err);

		if (r < 0)
			die(&err);
		if ((flags & SJ_PARAM_IGNORED) && !o->quiet)
			say("warning: %s: means nothing on Linux; ignored", s->param);
	}
	{
		char buf[8];

		has_path = sj_jail_get(j, "path", buf, sizeof(buf), &err) != 0;
	}
	if (!has_path && sj_jail_set(j, "path", "/", &err) < 0)
		die(&err);
	if (o->command[0] && sj_jail_set_command(j, o->command, &err) < 0)
		die(&err);
	if (o->debug)
		sj_jail_set_log(j, debug_log, NULL);
	return j;
}

static const int forwarded[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
};

static void forward(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	/* A terminal signals the whole foreground process group, the
	 * jailed command included: pass on only what was sent to us. */
	if (si->si_code != SI_KERNEL && running)
		sj_forward_signal(running, sig);
}

/* The command's stdio: /dev/null (or FILE) for -b, FILE for --output.
 * Our own messages keep going to the original stderr. */
static void redirect(const struct opts *o)
{
	int in, out;

	if (!o->background && !o->output)
		return;
	saved_stderr = fcntl(2, F_DUPFD_CLOEXEC, 3);
	saved_stdout = fcntl(1, F_DUPFD_CLOEXEC, 3);
	if (saved_stderr < 0 || saved_stdout < 0) {
		saved_stderr = 2;
		say("dup: %s", strerror(errno));
		exit(EXIT_SYSJAIL);
	}
	in = o->background ? open("/dev/null", O_RDONLY | O_CLOEXEC) : 0;
	out = o->output ? open(o->output, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0644)
			: open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (in < 0 || out < 0) {
		say("%s: %s", o->output && out < 0 ? o->output : "/dev/null", strerror(errno));
		exit(EXIT_SYSJAIL);
	}
	if ((in != 0 && dup2(in, 0) < 0) || dup2(out, 1) < 0 || dup2(out, 2) < 0) {
		say("dup2: %s", strerror(errno));
		exit(EXIT_SYSJAIL);
	}
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int run(const struct opts *o, sj_jail *j)
{
	struct sigaction sa = { .sa_sigaction = forward, .sa_flags = SA_SIGINFO | SA_RESTART };
	double t0 = now_ms();
	sj_error err;
	int status, jid;

	if (sj_create(j, &err) < 0)
		die(&err);
	jid = sj_jail_jid(j);
	if (o->print_jid) {
		char line[32];
		int n = snprintf(line, sizeof(line), "%d\n", sj_jail_jid(j));

		if (write(saved_stdout, line, (size_t)n) != n)
			say("writing the jid: %s", strerror(errno));
	}
	running = j;
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaction(forwarded[i], &sa, NULL);
	if (sj_start(j, &err) < 0)
		die(&err);
	if (o->debug)
		say("debug: jail %d started in %.3f ms", sj_jail_jid(j), now_ms() - t0);
	/* In the background, the jail lives on without us. */
	if (o->background)
		return 0;
	if (sj_wait(j, &status, &err) < 0)
		die(&err);
	running = NULL;
	if (o->debug)
		say("debug: jail %d: status %d after %.3f ms", jid, status, now_ms() - t0);
	return status;
}

static int learn(const struct opts *o, sj_jail *j)
{
	char *profile;
	int status;
	sj_error err;
	FILE *f = stdout;

	if (sj_learn(j, &profile, &status, &err) < 0)
		die(&err);
	if (o->learn_file && !(f = fopen(o->learn_file, "we"))) {
		say("%s: %s", o->learn_file, strerror(errno));
		return EXIT_SYSJAIL;
	}
	if (!o->learn_file && o->output)
		f = fdopen(saved_stdout, "w");
	if (!f || fputs(profile, f) < 0 || fflush(f) != 0 ||
	    (o->learn_file && fclose(f) != 0)) {
		say("writing the profile: %s", strerror(errno));
		return EXIT_SYSJAIL;
	}
	free(profile);
	return status;
}

static void print_finding(void *ctx, const char *msg)
{
	(void)ctx;
	say("%s", msg);
}

/* -r JAIL ...: each reported, the others still removed. */
static int remove_jails(const struct opts *o)
{
	int status = 0;
	sj_error err;

	if (!o->command[0])
		usage("%s", "-r needs the jails to remove (jids or names)");
	for (char **a = o->command; *a; a++) {
		sj_jail *j = sj_find(o->rundir, *a, &err);

		if (!j || sj_remove(j, 0, &err) < 0) {
			say("%s: %s", *a, err.msg);
			status = 1;
		}
		sj_jail_free(j);
	}
	return status;
}

/* -m JAIL PARAM=VALUE ... */
static int modify(const struct opts *o)
{
	int status = 0;
	sj_error err;
	sj_jail *j;

	if (!o->command[0] || !o->command[1])
		usage("%s", "-m needs a jail and param=value");
	j = sj_find(o->rundir, o->command[0], &err);
	if (!j)
		die(&err);
	for (char **a = o->command + 1; *a; a++) {
		char *eq = strchr(*a, '=');

		if (eq)
			*eq = '\0';
		if (sj_modify(j, *a, eq ? eq + 1 : NULL, &err) < 0) {
			say("%s", err.msg);
			status = 1;
		}
	}
	sj_jail_free(j);
	return status;
}

static void free_opts(struct opts *o)
{
	for (size_t i = 0; i < o->nset; i++)
		free(o->set[i].value);
	free(o->set);
	o->set = NULL;
	o->nset = 0;
}

/* A command from the arguments, or from the configuration. */
static bool has_command(const sj_jail *j)
{
	char buf[2];
	sj_error err;

	return sj_jail_get(j, "command", buf, sizeof(buf), &err) != 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .rundir = getenv("SYSJAIL_RUNDIR") };
	sj_error err;
	sj_jail *j;
	int n;

	parse(&o, argc, argv);
	if (o.check) {
		n = sj_policy_check(o.check, print_finding, NULL, &err);
		free_opts(&o);
		if (n < 0)
			die(&err);
		return n ? 1 : 0;
	}
	if (o.remove || o.modify) {
		n = o.remove ? remove_jails(&o) : modify(&o);
		free_opts(&o);
		return n;
	}
	if (o.background && o.learn)
		usage("%s", "-b and --learn exclude each other");
	/* A jail in the background is no one's terminal's. */
	if (o.background)
		add_setting(&o, "new-session", NULL);
	j = build(&o);
	free_opts(&o);
	if (o.print_config) {
		char *text = sj_jail_conf(j, &err);

		if (!text)
			die(&err);
		fputs(text, stdout);
		free(text);
		sj_jail_free(j);
		return 0;
	}
	if (!has_command(j))
		usage("%s", "missing the command to run");
	redirect(&o);
	n = o.learn ? learn(&o, j) : run(&o, j);
	sj_jail_free(j);
	return n;
}
