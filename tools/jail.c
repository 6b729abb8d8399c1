/*
 * jail(8): create, modify and remove jails, FreeBSD's way.
 *
 *   jail [-ilq] [-J file] [-u user | -U user] [-n name] path hostname [ip[,ip...]] command ...
 *   jail [-ilq] [-J file] [-u user | -U user] -c param=value ... [command=command ...]
 *   jail [-q] -m jid=JID|name=NAME param=value ...
 *   jail [-q] -r|-R jail ...|'*'
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
	"       jail [-q] -m jid=jid|name=name param=value ...\n"
	"       jail [-q] -r|-R jail ... | '*'\n";

static const char help_text[] =
	"\n"
	"Create a jail with its own root, process table, hostname and network,\n"
	"and run a command in it; jail exits with the command's status.  With\n"
	"persist, the jail stays when its command (if any) ends.\n"
	"\n"
	"  -c              create a jail from param=value arguments\n"
	"  -m              modify a running jail (host.hostname)\n"
	"  -r, -R          remove running jails (by jid or name; '*' for all)\n"
	"  -i              print the new jail's id (jid)\n"
	"  -J file         write the new jail's parameters to FILE\n"
	"  -l              run the command in a clean environment (exec.clean)\n"
	"  -n name         the jail's name (name=)\n"
	"  -q              print no warnings\n"
	"  -u user         run the command as USER from the host's user database\n"
	"  -U user         run the command as USER from the jail's /etc/passwd\n"
	"  --help          show this help\n"
	"\n"
	"Parameters: path, name, jid, host.hostname, ip4.addr, ip6.addr, ip4, ip6,\n"
	"persist, exec.clean, exec.jail_user, exec.system_jail_user,\n"
	"allow.set_hostname, allow.raw_sockets, allow.sysvipc, allow.socket_af,\n"
	"sysjail.userns, sysjail.seccomp, command.  See jail(8).\n";

static const int forwarded[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
};

/* The jail whose command receives the signals sent to us. */
static sj_jail *running;

static void forward(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	/* A terminal signals the whole foreground process group, the
	 * jailed command included: pass on only what was sent to us. */
	if (si->si_code != SI_KERNEL)
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

static void set(sj_jail *j, const char *name, const char *value)
{
	sj_error err;

	if (sj_jail_set(j, name, value, &err) < 0)
		die(&err);
}

/* "param=value", "param" (boolean true), or "command=..." and the rest. */
static void set_params(sj_jail *j, int argc, char **argv)
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
		if (eq)
			*eq = '\0';
		set(j, argv[i], eq ? eq + 1 : NULL);
	}
}

/* path hostname [ip[,ip...]] command [arg ...] */
static void set_legacy(sj_jail *j, int argc, char **argv)
{
	sj_error err;

	if (argc < 2)
		usage("missing path and hostname operands");
	set(j, "path", argv[0]);
	set(j, "host.hostname", argv[1]);
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
static void write_params(sj_jail *j, const char *file)
{
	char *line;
	sj_error err;
	FILE *f;

	if (sj_jail_cmdline(j, NULL, 0, &line, &err) < 0)
		die(&err);
	f = fopen(file, "we");
	if (!f || fprintf(f, "%s\n", line) < 0 || fclose(f) != 0) {
		fprintf(stderr, "jail: -J %s: %s\n", file, strerror(errno));
		exit(1);
	}
	free(line);
}

static int create(sj_jail *j, bool print_jid, const char *jfile)
{
	struct sigaction sa = { .sa_sigaction = forward, .sa_flags = SA_SIGINFO | SA_RESTART };
	sj_error err;
	int status;

	if (sj_create(j, &err) < 0)
		die(&err);
	if (print_jid) {
		printf("%d\n", sj_jail_jid(j));
		fflush(stdout);
	}
	if (jfile)
		write_params(j, jfile);
	running = j;
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaction(forwarded[i], &sa, NULL);
	if (sj_start(j, &err) < 0)
		die(&err);
	if (sj_wait(j, &status, &err) < 0)
		die(&err);
	return status;
}

/* -m jid=N|name=NAME param=value ... */
static int modify(const char *rundir, int argc, char **argv)
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
	j = sj_find(rundir, which, &err);
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
static int remove_jails(const char *rundir, int argc, char **argv)
{
	int status = 0;
	sj_error err;

	if (argc == 0)
		usage("-r needs the jails to remove (jids, names, or '*')");
	for (int i = 0; i < argc; i++) {
		sj_jail **all = NULL, *one = NULL;
		size_t n = 1;

		if (strcmp(argv[i], "*") == 0) {
			if (sj_list(rundir, 0, &all, &n, &err) < 0)
				die(&err);
		} else if (!(one = sj_find(rundir, argv[i], &err))) {
			fprintf(stderr, "jail: %s\n", err.msg);
			status = 1;
			continue;
		}
		for (size_t k = 0; k < n; k++) {
			sj_jail *j = all ? all[k] : one;

			if (sj_remove(j, &err) < 0) {
				fprintf(stderr, "jail: %d: %s\n", sj_jail_jid(j), err.msg);
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

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	const char *jfile = NULL, *rundir = getenv("SYSJAIL_RUNDIR");
	bool print_jid = false;
	int ch, mode = 0;
	char why[80];
	sj_error err;
	sj_jail *j;

	j = sj_jail_new(&err);
	if (!j)
		die(&err);
	/* '+': options end at the first operand; the command has its own. */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:ciJ:lmn:qRru:U:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
		case 'm':
		case 'r':
		case 'R':
			if (mode && mode != ch)
				usage("-c, -m and -r exclude each other");
			mode = ch;
			break;
		case 'H':
			fputs(usage_text, stdout);
			fputs(help_text, stdout);
			return 0;
		case 'i':
			print_jid = true;
			break;
		case 'J':
			jfile = optarg;
			break;
		case 'l':
			set(j, "exec.clean", "true");
			break;
		case 'n':
			set(j, "name", optarg);
			break;
		case 'q':
			break;
		case 'u':
		case 'U':
			set(j, "exec.jail_user", optarg);
			set(j, "exec.system_jail_user", ch == 'u' ? "true" : "false");
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
	switch (mode) {
	case 'm':
		return modify(rundir, argc, argv);
	case 'r':
	case 'R':
		return remove_jails(rundir, argc, argv);
	}
	if (rundir)
		set(j, "sysjail.rundir", rundir);
	if (mode == 'c')
		set_params(j, argc, argv);
	else
		set_legacy(j, argc, argv);
	return create(j, print_jid, jfile);
}
