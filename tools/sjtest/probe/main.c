/*
 * sjtest-probe: the helper sjtest installs in a jail and runs there.
 *
 *   sjtest-probe run KEY=VALUE... [-- PROBE...]
 *   sjtest-probe euid
 *   sjtest-probe true
 *
 * "run" runs every probe (or those named), each in a child of its own
 * with a time limit, and prints one line per probe on standard output:
 *
 *   NAME <tab> held|reached|na|error <tab> DETAIL
 *
 * The KEY=VALUE arguments name sjtest's fixtures (see parse_arg()).
 * "euid" prints the effective uid: the setuid-root copy of the helper runs
 * it, and it is all that copy will ever do.  "true" does nothing: sjtest
 * runs it in the jail as jexec(8) would, for attach-exe-overwrite.
 *
 * Static and not PIE: it runs in any jail root, and its static buffers
 * sit below 4 GiB, where the i386 entry (int $0x80) can point.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helper.h"

/* A probe's time limit, beyond its own bounds. */
#define PROBE_TIMEOUT_MS 20000

static const struct probe {
	const char *name;
	unsigned flags;
	void (*run)(const struct ctx *c, struct result *r);
} probes[] = {
#define SJT_ROW(id, name, group, flags, text) { name, flags, probe_##id },
	SJT_PROBES(SJT_ROW)
#undef SJT_ROW
};

static void vset(struct result *r, int outcome, const char *fmt, va_list ap)
{
	r->outcome = outcome;
	vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
}

#define RESULT_FN(fn, outcome) \
	void fn(struct result *r, const char *fmt, ...) \
	{ \
		va_list ap; \
		va_start(ap, fmt); \
		vset(r, outcome, fmt, ap); \
		va_end(ap); \
	}
RESULT_FN(held, OUT_HELD)
RESULT_FN(reached, OUT_REACHED)
RESULT_FN(not_applicable, OUT_NA)
RESULT_FN(failed, OUT_ERROR)
#undef RESULT_FN

const char *ename(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "unknown errno";
}

void held_errno(struct result *r)
{
	held(r, "%s", ename(errno));
}

bool shares_host_pids(const struct ctx *c, struct result *r)
{
	if (!c->confined)
		return false;
	not_applicable(r, "the jail is confined in place: it shares the host's process IDs; "
		       "Landlock keeps it from signalling and tracing their processes");
	return true;
}

void allowed_by(struct result *r, bool allowed, const char *param)
{
	char what[sizeof(r->detail)];

	if (!allowed || r->outcome != OUT_REACHED)
		return;
	snprintf(what, sizeof(what), "%s", r->detail);
	not_applicable(r, "the jail has %s (%s)", param, what);
}

void gate(const struct ctx *c, struct result *r, long ret, const char *what)
{
	if (ret >= 0) {
		reached(r, "%s succeeded", what);
		return;
	}
	if (errno == ENOSYS && c->control) {
		not_applicable(r, "this kernel does not have %s (ENOSYS)", what);
		return;
	}
	if (errno == EPERM || errno == EACCES || errno == ENOSYS) {
		held(r, "%s: %s", what, ename(errno));
		return;
	}
	reached(r, "%s passed the permission check, then failed with %s as meant",
		what, ename(errno));
}

/* Descriptors other than 0, 1 and 2, before we open anything. */
static void snapshot_fds(struct ctx *c)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d) {
		c->nleaked = -1;
		return;
	}
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);
		char path[64];
		ssize_t n;

		if (e->d_name[0] == '.' || fd <= 2 || fd == dirfd(d) || c->nleaked == MAX_LEAKED)
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, c->leaked_what[c->nleaked], sizeof(c->leaked_what[0]) - 1);
		c->leaked_what[c->nleaked][n > 0 ? n : 0] = '\0';
		c->leaked[c->nleaked++] = fd;
	}
	closedir(d);
}

/* The KEY=VALUE arguments: sjtest's fixtures and the jail's parameters. */
enum arg_type { A_BOOL, A_STR, A_INT, A_LONG, A_ULONG };

/* Pids are set as A_INT. */
_Static_assert(sizeof(pid_t) == sizeof(int), "pid_t is an int");

static const struct arg {
	const char *key;
	enum arg_type type;
	size_t offset;
} args[] = {
#define A(k, t, f) { k, t, offsetof(struct ctx, f) }
	A("control", A_BOOL, control),
	A("nonce", A_STR, nonce),
	A("marker", A_STR, marker),
	A("stage", A_STR, stage),
	A("host-pid", A_INT, host_pid),
	A("host-mem", A_ULONG, host_mem),
	A("manager-pid", A_INT, manager_pid),
	A("exe-pid", A_INT, exe_pid),
	A("handle", A_STR, handle),
	A("abstract", A_STR, abstract),
	A("abstract-dgram", A_STR, abstract_dgram),
	A("tcp-port", A_INT, tcp_port),
	A("host-addr", A_STR, host_addr),
	A("host-addr-port", A_INT, host_addr_port),
	A("shm-key", A_LONG, shm_key),
	A("mq", A_STR, mq),
	A("pshm", A_STR, pshm),
	A("key", A_LONG, key_serial),
	A("race-ms", A_INT, race_ms),
	A("allow.raw_sockets", A_BOOL, allow_raw_sockets),
	A("allow.set_hostname", A_BOOL, allow_set_hostname),
	A("allow.sysvipc", A_BOOL, allow_sysvipc),
	A("net-inherit", A_BOOL, net_inherit),
	A("confined", A_BOOL, confined),
	A("max-procs", A_LONG, max_procs),
	A("max-memory-mib", A_LONG, max_memory_mib),
#undef A
};

static int parse_arg(struct ctx *c, char *text)
{
	char *v = strchr(text, '=');

	if (!v)
		return -1;
	*v++ = '\0';
	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		void *field = (char *)c + args[i].offset;

		if (strcmp(text, args[i].key) != 0)
			continue;
		switch (args[i].type) {
		case A_BOOL:
			*(bool *)field = strcmp(v, "1") == 0;
			break;
		case A_STR:
			*(const char **)field = v;
			break;
		case A_INT:
			*(int *)field = atoi(v);
			break;
		case A_LONG:
			*(long *)field = strtol(v, NULL, 0);
			break;
		case A_ULONG:
			*(unsigned long *)field = strtoul(v, NULL, 0);
			break;
		}
		return 0;
	}
	return -1;
}

/*
 * Whether the jail has an address of its own: not what its configuration
 * says, but what its network namespace holds.
 */
static bool has_own_address(void)
{
	struct ifaddrs *ifs, *i;
	bool found = false;

	if (getifaddrs(&ifs) < 0)
		return false;
	for (i = ifs; i; i = i->ifa_next)
		if (i->ifa_addr && (i->ifa_addr->sa_family == AF_INET ||
				    i->ifa_addr->sa_family == AF_INET6) &&
		    !(i->ifa_flags & IFF_LOOPBACK))
			found = true;
	freeifaddrs(ifs);
	return found;
}

/* Whether int $0x80 works here: a kernel without IA32 emulation kills. */
static bool probe_int80_entry(void)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return false;
	if (pid == 0) {
		static const unsigned long none[6];

		_exit(int80(sjt_nr32[SYS_getpid_], none) > 0 ? 0 : 1);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Run one probe in a child with a time limit. */
static void run_one(const struct ctx *c, const struct probe *p, struct result *r)
{
	int fds[2], status;
	struct pollfd pfd;
	ssize_t n = 0;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	if (pipe2(fds, O_CLOEXEC) < 0) {
		failed(r, "pipe: %s", ename(errno));
		return;
	}
	pid = fork();
	if (pid < 0) {
		failed(r, "fork: %s", ename(errno));
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		struct result mine = { .outcome = OUT_ERROR };

		close(fds[0]);
		p->run(c, &mine);
		if (write(fds[1], &mine, sizeof(mine)) < 0)
			_exit(4);
		_exit(0);
	}
	close(fds[1]);
	pfd = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	if (poll(&pfd, 1, PROBE_TIMEOUT_MS + c->race_ms) > 0)
		n = read(fds[0], r, sizeof(*r));
	close(fds[0]);
	if (n != (ssize_t)sizeof(*r))
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof(*r)) {
		r->detail[sizeof(r->detail) - 1] = '\0';
		return;
	}
	/* A filter that kills (the x32 ABI, say) holds too. */
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
		held(r, "killed by SIGSYS (seccomp)");
	else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && n == 0)
		failed(r, "timed out after %d ms", PROBE_TIMEOUT_MS + c->race_ms);
	else if (WIFSIGNALED(status))
		failed(r, "the probe died of SIG%s", sigabbrev_np(WTERMSIG(status)));
	else
		failed(r, "the probe exited with status %d and no result", WEXITSTATUS(status));
}

static void print_result(const char *name, const struct result *r)
{
	static const char *const words[] = {
		[OUT_HELD] = "held", [OUT_REACHED] = "reached",
		[OUT_NA] = "na", [OUT_ERROR] = "error",
	};
	char detail[sizeof(r->detail)];

	snprintf(detail, sizeof(detail), "%s", r->detail);
	for (char *s = detail; *s; s++)
		if (*s == '\t' || *s == '\n' || *s == '\r')
			*s = ' ';
	printf("%s\t%s\t%s\n", name, words[r->outcome & 3], detail);
	fflush(stdout);
}

static bool selected(char **names, int n, const char *name)
{
	if (n == 0)
		return true;
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

static int run(int argc, char **argv)
{
	struct ctx c = { .max_procs = -1, .max_memory_mib = -1, .race_ms = 500,
			 .nonce = "" };
	int i;

	snapshot_fds(&c);
	for (i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (parse_arg(&c, argv[i]) < 0) {
			fprintf(stderr, "sjtest-probe: bad argument '%s'\n", argv[i]);
			return 2;
		}
	if (i < argc)
		i++;
	argc -= i;
	argv += i;
	signal(SIGPIPE, SIG_IGN);
	c.has_int80 = probe_int80_entry();
	/* Confined in place, the addresses seen are the host's. */
	c.jail_addrs = !c.control && !c.net_inherit && !c.confined && has_own_address();

	for (size_t k = 0; k < sizeof(probes) / sizeof(probes[0]); k++) {
		const struct probe *p = &probes[k];
		char name[64];
		struct result r;

		for (int entry = 0; entry < 2; entry++) {
			if (entry == 1 && !(p->flags & SJT_I386))
				break;
			snprintf(name, sizeof(name), "%s%s", p->name, entry ? SJT_I386_SUFFIX : "");
			if (!selected(argv, argc, name))
				continue;
			c.i386 = entry == 1;
			if (c.i386 && !c.has_int80)
				not_applicable(&r, "this kernel has no i386 entry (no IA32 emulation)");
			else
				run_one(&c, p, &r);
			print_result(name, &r);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	/* Run setuid (the copy the setuid probe makes), do nothing else. */
	if (geteuid() != getuid() || strcmp(cmd, "euid") == 0) {
		printf("euid=%u\n", (unsigned)geteuid());
		return 0;
	}
	if (strcmp(cmd, "run") == 0)
		return run(argc - 2, argv + 2);
	/* What sjtest adds to the jail for attach-exe-overwrite. */
	if (strcmp(cmd, "true") == 0)
		return 0;
	fputs("usage: sjtest-probe run KEY=VALUE... [-- PROBE...]\n"
	      "       sjtest-probe euid | true\n"
	      "(run by sjtest(8); not meant to be run by hand)\n", stderr);
	return 2;
}
