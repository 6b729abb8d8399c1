/*
 * mkjail(8): build a jail's root in one command.
 *
 *   mkjail [-v] [-p program] ... [-f file] ... [--busybox] [--debian suite]
 *          [--tar file] [--arch arch] [options] dir
 *   mkjail --check dir [command [arg ...]]
 *   mkjail --emulation arch
 *
 * A thin front end: every long option is the libsysjail option of the
 * same name (sj_mkroot_set()); the library builds, this prints.
 */
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysjail.h"

static const char usage_text[] =
	"usage: mkjail [-v] [-p program] ... [-f file] ... [--busybox]\n"
	"              [--debian suite [--variant name] [--mirror url]]\n"
	"              [--tar file [--devices]] [--arch arch] [--copy | --link]\n"
	"              [--locale] [--timezone] [--dist-packages] dir\n"
	"       mkjail --check dir [command [arg ...]]\n"
	"       mkjail --emulation arch\n";

static const char help_text[] =
	"\n"
	"Build a root directory that runs under jail(8) as it is, or say what\n"
	"one lacks.  Running mkjail again over a root brings it up to date.\n"
	"\n"
	"  -p, --program prog  a host program and every library it needs (python:\n"
	"                      its standard library too); a name is looked up in\n"
	"                      the system's PATH\n"
	"  -f, --file path     a host file or directory, with the libraries of\n"
	"                      the programs in it\n"
	"  --busybox           busybox and a link for each of its commands\n"
	"  --debian suite      a Debian system made by debootstrap\n"
	"  --variant name      debootstrap's variant: minbase (the default),\n"
	"                      buildd, fakechroot, important\n"
	"  --mirror url        the Debian mirror (http://deb.debian.org/debian)\n"
	"  --tar file          unpack a tarball or image layer, safely\n"
	"  --devices           make the tarball's device nodes (root only)\n"
	"  --arch arch         the architecture for --debian and --tar (arm64,\n"
	"                      armhf, riscv64, ...): run through qemu-user\n"
	"  --copy              plain copies, never reflinks\n"
	"  --link              hard links to the host's files (see mkjail(8))\n"
	"  --locale            the host's locale data\n"
	"  --timezone          the host's time zone data\n"
	"  --dist-packages     python's site directories too\n"
	"  -v, --verbose       say what is installed\n"
	"  --check dir [cmd]   say what DIR lacks to run CMD (default /bin/sh)\n"
	"  --emulation arch    set up qemu-user for ARCH and say how it runs\n"
	"  --help              show this help\n";

enum { OPT_HELP = 256, OPT_CHECK, OPT_EMULATION, OPT_LIB };

/* Options from OPT_LIB on are passed to sj_mkroot_set() by their name. */
static const struct option longopts[] = {
	{ "help", no_argument, NULL, OPT_HELP },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "emulation", required_argument, NULL, OPT_EMULATION },
	{ "verbose", no_argument, NULL, 'v' },
	{ "program", required_argument, NULL, 'p' },
	{ "file", required_argument, NULL, 'f' },
	{ "busybox", no_argument, NULL, OPT_LIB },
	{ "debian", required_argument, NULL, OPT_LIB + 1 },
	{ "variant", required_argument, NULL, OPT_LIB + 2 },
	{ "mirror", required_argument, NULL, OPT_LIB + 3 },
	{ "tar", required_argument, NULL, OPT_LIB + 4 },
	{ "devices", no_argument, NULL, OPT_LIB + 5 },
	{ "arch", required_argument, NULL, OPT_LIB + 6 },
	{ "copy", no_argument, NULL, OPT_LIB + 7 },
	{ "link", no_argument, NULL, OPT_LIB + 8 },
	{ "locale", no_argument, NULL, OPT_LIB + 9 },
	{ "timezone", no_argument, NULL, OPT_LIB + 10 },
	{ "dist-packages", no_argument, NULL, OPT_LIB + 11 },
	{ NULL, 0, NULL, 0 },
};

static bool verbose;

/* The options for sj_mkroot_set(), kept until the directory is known. */
static const char **names, **values;

static void __attribute__((noreturn)) usage(const char *why)
{
	fprintf(stderr, "mkjail: %s (see 'mkjail --help')\n", why);
	exit(1);
}

static void __attribute__((noreturn)) die(const sj_error *err)
{
	fprintf(stderr, "mkjail: %s\n", err->msg);
	exit(1);
}

static void print(void *arg, int level, const char *msg)
{
	const char *dir = arg;

	switch (level) {
	case SJ_MKROOT_INFO:
		if (verbose)
			fprintf(stderr, "mkjail: %s\n", msg);
		break;
	case SJ_MKROOT_WARNING:
		fprintf(stderr, "mkjail: warning: %s\n", msg);
		break;
	case SJ_MKROOT_LACK:
		printf("%s: %s\n", dir, msg);
		break;
	default:
		fprintf(stderr, "mkjail: %s\n", msg);
		break;
	}
}

/* --check DIR [COMMAND ...]: 0 when it can run, 1 when DIR lacks something. */
static int check(int argc, char **argv)
{
	sj_error err;
	int lacks;

	if (argc < 1)
		usage("--check needs the directory to check");
	lacks = sj_mkroot_check(argv[0], argc > 1 ? argv + 1 : NULL, print, argv[0], &err);
	if (lacks < 0)
		die(&err);
	fflush(stdout);
	if (lacks == 0) {
		printf("%s: ready to run %s in a jail\n", argv[0], argc > 1 ? argv[1] : "/bin/sh");
		return 0;
	}
	fprintf(stderr, "mkjail: %s lacks %d thing%s to run %s\n", argv[0], lacks,
		lacks == 1 ? "" : "s", argc > 1 ? argv[1] : "/bin/sh");
	return 1;
}

/*
 * Build, with the signals that end a run held back: an interrupted build
 * fails (the programs it runs are not held back), undoes what it made,
 * and then the signal is taken.
 */
static void build(sj_mkroot *m)
{
	static const int held[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	sigset_t set, pending;
	sj_error err;
	int r;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(held) / sizeof(held[0]); i++)
		sigaddset(&set, held[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
	r = sj_mkroot_build(m, &err);
	sigpending(&pending);
	for (size_t i = 0; r < 0 && i < sizeof(held) / sizeof(held[0]); i++)
		if (sigismember(&pending, held[i])) {
			fprintf(stderr, "mkjail: interrupted: what this run made is removed\n");
			sigprocmask(SIG_UNBLOCK, &set, NULL);
		}
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	if (r < 0)
		die(&err);
}

int main(int argc, char **argv)
{
	const char *emulation = NULL;
	bool do_check = false;
	size_t n = 0;
	char why[128];
	sj_error err;
	sj_mkroot *m;
	int ch, idx;

	names = calloc((size_t)argc + 1, sizeof(char *));
	values = calloc((size_t)argc + 1, sizeof(char *));
	if (!names || !values)
		usage("out of memory");
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:vp:f:", longopts, &idx)) != -1) {
		switch (ch) {
		case OPT_HELP:
			fputs(usage_text, stdout);
			fputs(help_text, stdout);
			return 0;
		case OPT_CHECK:
			do_check = true;
			break;
		case OPT_EMULATION:
			emulation = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'p':
		case 'f':
			names[n] = ch == 'p' ? "program" : "file";
			values[n++] = optarg;
			break;
		case ':':
			if (optopt)
				snprintf(why, sizeof(why), "option -%c needs a value", optopt);
			else
				snprintf(why, sizeof(why), "option %s needs a value", argv[optind - 1]);
			usage(why);
		case '?':
			if (optopt)
				snprintf(why, sizeof(why), "unknown option -%c", optopt);
			else
				snprintf(why, sizeof(why), "unknown option %s", argv[optind - 1]);
			usage(why);
		default:
			names[n] = longopts[idx].name;
			values[n++] = optarg;
			break;
		}
	}
	argc -= optind;
	argv += optind;
	if (do_check)
		return check(argc, argv);
	if (emulation) {
		if (argc > 0)
			usage("--emulation takes no directory");
		if (sj_mkroot_emulation(emulation, print, NULL, &err) < 0)
			die(&err);
		return 0;
	}
	if (argc > 1 && argv[1][0] == '-')
		usage("options go before the directory");
	if (argc != 1)
		usage(argc ? "give one directory" : "missing the directory to build the root in");
	m = sj_mkroot_new(argv[0], &err);
	if (!m)
		die(&err);
	sj_mkroot_set_log(m, print, argv[0]);
	for (size_t i = 0; i < n; i++)
		if (sj_mkroot_set(m, names[i], values[i], &err) < 0)
			die(&err);
	build(m);
	sj_mkroot_free(m);
	free(names);
	free(values);
	return 0;
}
