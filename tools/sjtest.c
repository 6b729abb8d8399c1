/*
 * sjtest(8): prove that a jail holds.
 *
 *   sjtest [--json] [--control] [-p probe,...] [--race-time ms]
 *          [--helper path] [-f file name]
 *   sjtest -l [-v]
 *
 * A thin front end: parse, run (tools/sjtest/run.c), print.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sjtest/sjtest.h"

static const char usage_text[] =
	"usage: sjtest [--json] [--control] [-p probe[,probe...]] [--race-time ms]\n"
	"              [--helper path] [-f file name]\n"
	"       sjtest -l [-v]\n";

static const char help_text[] =
	"\n"
	"Run escape attempts (probes) inside a real jail and report, for each,\n"
	"whether the jail held.  Exits 0 only if nothing escaped.\n"
	"\n"
	"  -f file name     the jail NAME of jail.conf FILE (default: a jail of a\n"
	"                   temporary root with every parameter at its default)\n"
	"  -p list          run these probes or groups only (comma-separated)\n"
	"  -l               list the probes; with -v, what each one tries\n"
	"  -v               with -l: explain each probe\n"
	"  --control        run the probes outside any jail, to show that each one\n"
	"                   detects the access it tries (exits 0 if all reached)\n"
	"  --json           print one JSON document\n"
	"  --race-time ms   how long each race probe runs (default 500)\n"
	"  --helper path    the probe helper (default: SJTEST_HELPER, the build\n"
	"                   tree's, or the installed one)\n"
	"  --help           show this help\n"
	"\n"
	"Needs root.  See sjtest(8).\n";

static void __attribute__((noreturn)) usage(const char *why)
{
	fprintf(stderr, "sjtest: %s (see 'sjtest --help')\n", why);
	exit(1);
}

static void on_signal(int sig)
{
	sjt_interrupt(sig);
}

/* No SA_RESTART: a signal must cut the wait for the jail short. */
static void catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = on_signal };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static int race_time(const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || end == arg || v < 10 || v > 60000)
		usage("--race-time takes milliseconds, 10 to 60000");
	return (int)v;
}

int main(int argc, char **argv)
{
	enum { OPT_JSON = 256, OPT_CONTROL, OPT_RACE, OPT_HELPER, OPT_HELP };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "control", no_argument, NULL, OPT_CONTROL },
		{ "race-time", required_argument, NULL, OPT_RACE },
		{ "helper", required_argument, NULL, OPT_HELPER },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "list", no_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	struct sjt_options o = { .race_ms = 500 };
	struct sjt_report rep = { 0 };
	bool list = false, verbose = false, json = false;
	char why[128];
	sj_error err;
	int ch, status;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":f:lp:v", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			o.conf_file = optarg;
			break;
		case 'l':
			list = true;
			break;
		case 'p':
			o.selection = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_CONTROL:
			o.control = true;
			break;
		case OPT_RACE:
			o.race_ms = race_time(optarg);
			break;
		case OPT_HELPER:
			o.helper = optarg;
			break;
		case OPT_HELP:
			fputs(usage_text, stdout);
			fputs(help_text, stdout);
			return 0;
		case ':':
			if (optopt)
				snprintf(why, sizeof(why), "option -%c needs a value", optopt);
			else
				snprintf(why, sizeof(why), "option %s needs a value", argv[optind - 1]);
			usage(why);
		default:
			if (optopt)
				snprintf(why, sizeof(why), "unknown option -%c", optopt);
			else
				snprintf(why, sizeof(why), "unknown option %s", argv[optind - 1]);
			usage(why);
		}
	}
	if (o.conf_file) {
		if (optind != argc - 1)
			usage("-f file needs the name of a jail in it, and nothing more");
		o.conf_name = argv[optind];
	} else if (optind < argc) {
		snprintf(why, sizeof(why), "unexpected operand '%s' (a jail's name goes with -f)",
			 argv[optind]);
		usage(why);
	}
	if (list) {
		if (o.control || json || o.selection || o.conf_file)
			usage("-l takes no other option but -v");
		sjt_print_list(stdout, verbose);
		return 0;
	}
	if (verbose)
		usage("-v goes with -l");
	if (sjt_rows_build(&rep, o.selection, &err) < 0) {
		fprintf(stderr, "sjtest: %s\n", err.msg);
		sjt_rows_free(&rep);
		return 1;
	}
	/* Controls show what a process outside any jail reaches: root's. */
	if (o.control && geteuid() != 0) {
		fputs("sjtest: --control needs root: the controls show what root reaches outside "
		      "a jail\n", stderr);
		sjt_rows_free(&rep);
		return 1;
	}
	catch_signals();
	if (sjt_run(&o, &rep, &err) < 0) {
		fprintf(stderr, "sjtest: %s\n", err.msg);
		sjt_rows_free(&rep);
		return sjt_interrupted() ? 128 + sjt_interrupted() : 1;
	}
	if (json)
		sjt_print_json(stdout, &rep);
	else
		sjt_print_text(stdout, &rep);
	status = sjt_exit_status(&rep);
	sjt_rows_free(&rep);
	if (fflush(stdout) != 0)
		return 1;
	return status;
}
