/*
 * jexec(8): run a command in a running jail.
 *
 *   jexec [-l] [-u user | -U user] [-d dir] jail [command ...]
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "sysjail.h"

static const char usage_text[] =
	"usage: jexec [-l] [-u user | -U user] [-d dir] jail [command ...]\n";

static const char help_text[] =
	"\n"
	"Run a command in a running jail, inside all of its namespaces and\n"
	"control groups and with its confinement.  Without a command, /bin/sh.\n"
	"jexec exits with the command's status.\n"
	"\n"
	"  -d dir      run in DIR (in the jail); default: the jail's root\n"
	"  -l          a clean environment, in the user's home (exec.clean)\n"
	"  -u user     as USER from the host's user database\n"
	"  -U user     as USER from the jail's /etc/passwd\n"
	"  --help      show this help\n";

static const int forwarded[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
};

static pid_t child;

static void forward(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	/* The terminal signals our process group, the command included. */
	if (si->si_code != SI_KERNEL && child > 0)
		kill(child, sig);
}

static void __attribute__((noreturn)) usage(const char *why)
{
	fprintf(stderr, "jexec: %s (see 'jexec --help')\n", why);
	exit(1);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	static char sh[] = "/bin/sh";
	static char *shell[] = { sh, NULL };
	struct sigaction sa = { .sa_sigaction = forward, .sa_flags = SA_SIGINFO | SA_RESTART };
	struct sj_exec e = { 0 };
	const char *why_ended;
	char why[80];
	sj_error err;
	sj_jail *j;
	int ch, status;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:d:lu:U:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			e.dir = optarg;
			break;
		case 'l':
			e.clean_env = true;
			break;
		case 'u':
		case 'U':
			if (e.user)
				usage("-u and -U name one user");
			e.user = optarg;
			e.host_user = ch == 'u';
			break;
		case 'H':
			fputs(usage_text, stdout);
			fputs(help_text, stdout);
			return 0;
		case ':':
			snprintf(why, sizeof(why), "option -%c needs a value", optopt);
			usage(why);
		default:
			snprintf(why, sizeof(why), "unknown option -%c", optopt ? optopt : '?');
			usage(why);
		}
	}
	if (optind >= argc)
		usage("missing the jail");
	j = sj_find(getenv("SYSJAIL_RUNDIR"), argv[optind], &err);
	if (!j) {
		fprintf(stderr, "jexec: %s\n", err.msg);
		return 1;
	}
	e.argv = optind + 1 < argc ? argv + optind + 1 : shell;
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaction(forwarded[i], &sa, NULL);
	child = sj_attach(j, &e, &err);
	if (child < 0) {
		fprintf(stderr, "jexec: %s\n", err.msg);
		return err.status ? err.status : 1;
	}
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	/* The kernel's out-of-memory killer, within the jail's limit. */
	why_ended = sj_attach_reason(j, status);
	if (why_ended)
		fprintf(stderr, "jexec: %s\n", why_ended);
	sj_jail_free(j);
	return status;
}
