/*
 * sjrun(8): sysjail as an OCI runtime, with runc's command line.
 *
 *   sjrun [global options] command [options] [container-id] ...
 *
 * Every container is a jail: libsysjail makes it (sysjail.oci), the
 * registry lists it, jls, sjls and jexec see and enter it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sjrun/sjrun.h"

static const char usage_text[] =
	"usage: sjrun [--root DIR] [--log FILE] [--log-format text|json] [--systemd-cgroup]\n"
	"             command [options] [container-id] ...\n";

static const char help_text[] =
	"\n"
	"Run OCI containers as sysjail jails, with runc's command line: podman,\n"
	"containerd and Kubernetes use it as they use runc, and jls, sjls and\n"
	"jexec see and enter every container it runs.\n"
	"\n"
	"Commands:\n"
	"  create --bundle DIR [--pid-file F] [--console-socket S] ID\n"
	"                       build the container from DIR/config.json; it waits\n"
	"  start ID             run its process\n"
	"  run --bundle DIR [--pid-file F] [--detach] [--console-socket S] ID\n"
	"                       create and start it, and wait for it (unless --detach)\n"
	"  state ID             its state, as JSON\n"
	"  kill [--all] ID [SIGNAL]\n"
	"                       signal its process (SIGTERM), or all of them\n"
	"  delete [--force] ID  remove a stopped container (--force: any)\n"
	"  exec --process FILE [--detach] [--tty] [--console-socket S] [--pid-file F] ID\n"
	"  exec [--cwd DIR] [--env K=V] [--user UID[:GID]] ID COMMAND [ARG...]\n"
	"                       run another process in it\n"
	"  ps [--format table|json] ID\n"
	"                       its processes\n"
	"  pause ID, resume ID  freeze and thaw all its processes\n"
	"  update --resources FILE|- ID\n"
	"                       change its memory, pids and cpu limits\n"
	"  list [--format table|json] [--quiet]\n"
	"  features             what this runtime supports, as JSON\n"
	"\n"
	"Global options:\n"
	"  --root DIR           where the containers' state is kept (" SJRUN_ROOT ")\n"
	"  --log FILE           append errors to FILE (with --log-format json, one\n"
	"                       JSON object a line)\n"
	"  --systemd-cgroup     accepted: cgroupsPath \"slice:prefix:name\" is\n"
	"                       read as runc reads it, and cgroupfs does the work\n"
	"  --version, --help\n"
	"\n"
	"The jails' registry is $SYSJAIL_RUNDIR (/run/sysjail); a bundle without\n"
	"cgroupsPath gets groups under $SYSJAIL_CGROUP (sysjail).  See sjrun(8).\n";

/* Append one line to --log, as runc's logrus writes it. */
static void log_line(const struct sjrun *r, const char *level, const char *msg)
{
	char when[64], *line = NULL;
	int fd, n;

	if (!r->log)
		return;
	now_rfc3339(when, sizeof(when));
	if (r->log_json) {
		json_t *o = json_pack("{s:s, s:s, s:s}", "level", level, "msg", msg, "time", when);
		char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

		n = text ? asprintf(&line, "%s\n", text) : -1;
		free(text);
		json_decref(o);
	} else {
		n = asprintf(&line, "time=\"%s\" level=%s msg=\"%s\"\n", when, level, msg);
	}
	fd = open(r->log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (n > 0 && fd >= 0 && write(fd, line, (size_t)n) < 0)
		n = -1;
	if (fd >= 0)
		close(fd);
	free(line);
}

int fail(const struct sjrun *r, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* As runc: with --log, the log alone (front ends read it). */
	if (r->log)
		log_line(r, "error", msg);
	else
		fprintf(stderr, "sjrun: %s\n", msg);
	return 1;
}

void warn_log(const struct sjrun *r, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->log)
		log_line(r, "warning", msg);
	else
		fprintf(stderr, "sjrun: warning: %s\n", msg);
}

/* "-x", "--name", "--name=value", "-name value": Go's flag package, as runc. */
static const struct opt *match(const struct opt *opts, const char *arg, const char **value)
{
	const char *name = arg + 1 + (arg[1] == '-');
	size_t len = strcspn(name, "=");

	*value = name[len] == '=' ? name + len + 1 : NULL;
	for (const struct opt *o = opts; o && o->name; o++) {
		if ((strlen(o->name) == len && strncmp(o->name, name, len) == 0) ||
		    (o->letter && len == 1 && name[0] == o->letter))
			return o;
	}
	return NULL;
}

int parse_opts(const struct sjrun *r, int argc, char **argv, const struct opt *opts,
	       char **operands, int max, int *n)
{
	bool rest = false;

	*n = 0;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *value;
		const struct opt *o;

		if (!rest && strcmp(arg, "--") == 0) {
			rest = true;
			continue;
		}
		if (rest || arg[0] != '-' || !arg[1]) {
			if (*n >= (max < 0 ? -max : max))
				return fail(r, "%s: too many arguments ('%s')", argv[0], arg);
			operands[(*n)++] = argv[i];
			/* exec ID COMMAND...: all after the id is the command's
			 * (MAX negative). */
			rest = rest || max < 0;
			continue;
		}
		o = match(opts, arg, &value);
		if (!o)
			return fail(r, "%s: unknown option %s", argv[0], arg);
		if (o->has_arg && !value) {
			if (i + 1 >= argc)
				return fail(r, "%s: option %s needs a value", argv[0], arg);
			value = argv[++i];
		}
		*o->value = o->has_arg ? value : (value ? value : "");
		/* "--detach=false" */
		if (!o->has_arg && value && strcmp(value, "false") == 0)
			*o->value = NULL;
	}
	return 0;
}

static int version(void)
{
	const struct scmp_version *v = seccomp_version();

	printf("sjrun version %s\nspec: 1.1.0\nlibseccomp: %u.%u.%u\n", SJ_VERSION, v->major,
	       v->minor, v->micro);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(const struct sjrun *r, int argc, char **argv);
} commands[] = {
	{ "create", do_create }, { "start", do_start }, { "run", do_run },
	{ "kill", do_kill }, { "delete", do_delete }, { "state", do_state },
	{ "list", do_list }, { "ps", do_ps }, { "pause", do_pause },
	{ "resume", do_resume }, { "update", do_update }, { "features", do_features },
	{ "exec", do_exec },
};

int main(int argc, char **argv)
{
	struct sjrun r = {
		.root = SJRUN_ROOT,
		.rundir = getenv("SYSJAIL_RUNDIR"),
		.cgroup = getenv("SYSJAIL_CGROUP"),
	};
	const char *root = NULL, *log = NULL, *format = NULL, *flag = NULL;
	const struct opt globals[] = {
		{ "root", 0, true, &root }, { "log", 0, true, &log },
		{ "log-format", 0, true, &format }, { "systemd-cgroup", 0, false, &flag },
		{ "debug", 0, false, &flag }, { "rootless", 0, true, &flag },
		{ "criu", 0, true, &flag }, { NULL, 0, false, NULL },
	};
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const struct opt *o;
		const char *value;

		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage_text, stdout);
			fputs(help_text, stdout);
			return 0;
		}
		if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-v") == 0)
			return version();
		o = match(globals, argv[i], &value);
		if (!o)
			return fail(&r, "unknown global option %s (see 'sjrun --help')", argv[i]);
		if (o->has_arg && !value) {
			if (i + 1 >= argc)
				return fail(&r, "option %s needs a value", argv[i]);
			value = argv[++i];
		}
		*o->value = value ? value : "";
	}
	if (root)
		r.root = root;
	r.log = log && *log ? log : NULL;
	if (format && strcmp(format, "json") != 0 && strcmp(format, "text") != 0)
		return fail(&r, "--log-format: '%s' is not text or json", format);
	r.log_json = format && strcmp(format, "json") == 0;
	if (i >= argc) {
		fputs(usage_text, stderr);
		return 1;
	}
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++)
		if (strcmp(argv[i], commands[c].name) == 0)
			return commands[c].fn(&r, argc - i, argv + i);
	if (strcmp(argv[i], "help") == 0) {
		fputs(usage_text, stdout);
		fputs(help_text, stdout);
		return 0;
	}
	return fail(&r, "unknown command '%s' (see 'sjrun --help')", argv[i]);
}
