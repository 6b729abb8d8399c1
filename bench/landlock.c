/*
 * landlock: what a jail's Landlock domain costs on open(2), measured in one
 * run against a process with no domain.
 *
 *   bare       no domain
 *   scoped     the domain every jail's command has: signal and abstract
 *              unix socket scoping (ABI 6), no filesystem rule
 *   fs-root    sysjail.landlock.fs in a jail with namespaces: every
 *              filesystem right handled, all of them allowed beneath "/"
 *   fs-confine a jail confined in place: the path read-write, the system
 *              directories read and execute, a few devices, /proc read
 *
 * Each variant runs in a process of its own (a domain is for life), the
 * variants interleaved over ROUNDS rounds; each round's figure is the best
 * of five batches of ITERATIONS open+close of FILE.  Prints the median
 * per variant, in nanoseconds, and its ratio to bare.
 *
 * usage: landlock [ITERATIONS [ROUNDS [FILE]]]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Landlock ABI 6's structure; Debian 12's headers stop at ABI 2. */
struct ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

#define SCOPE_ALL 3ULL		/* abstract unix sockets, signals */
#define FS_ALL ((1ULL << 16) - 1)
#define FS_READ_EXEC (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | \
		      LANDLOCK_ACCESS_FS_READ_DIR)

enum variant { BARE, SCOPED, FS_ROOT, FS_CONFINE, NVARIANTS };

static const char *const names[NVARIANTS] = { "bare", "scoped", "fs-root", "fs-confine" };

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int add(int ruleset, const char *path, uint64_t access)
{
	struct landlock_path_beneath_attr rule = { .allowed_access = access };
	int fd = open(path, O_PATH | O_CLOEXEC), r;

	if (fd < 0)
		return 0;	/* not on this machine: no rule */
	rule.parent_fd = fd;
	r = (int)syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
	close(fd);
	return r;
}

/* Enter VARIANT's domain; -1 if this kernel cannot. */
static int enter(enum variant v, const char *file)
{
	struct ruleset_attr attr = { 0 };
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	uint64_t fs = FS_ALL;
	int ruleset;

	if (v == BARE)
		return 0;
	if (abi < 6)
		return -1;
	if (v == SCOPED)
		attr.scoped = SCOPE_ALL;
	else
		attr.handled_access_fs = fs, attr.scoped = SCOPE_ALL;
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (ruleset < 0)
		return -1;
	if (v == FS_ROOT && add(ruleset, "/", fs) < 0)
		return -1;
	if (v == FS_CONFINE) {
		static const char *const sys[] = { "/usr", "/bin", "/sbin", "/lib", "/lib64", "/etc" };
		static const char *const dev[] = { "/dev/null", "/dev/zero", "/dev/urandom" };
		char dir[4096], *slash;

		/* The jail's path: FILE's directory, read-write. */
		snprintf(dir, sizeof(dir), "%s", file);
		slash = strrchr(dir, '/');
		if (slash && slash != dir)
			*slash = '\0';
		if (add(ruleset, dir, fs) < 0)
			return -1;
		for (size_t i = 0; i < sizeof(sys) / sizeof(sys[0]); i++)
			if (add(ruleset, sys[i], FS_READ_EXEC) < 0)
				return -1;
		for (size_t i = 0; i < sizeof(dev) / sizeof(dev[0]); i++)
			if (add(ruleset, dev[i], LANDLOCK_ACCESS_FS_READ_FILE |
				LANDLOCK_ACCESS_FS_WRITE_FILE) < 0)
				return -1;
		if (add(ruleset, "/proc", LANDLOCK_ACCESS_FS_READ_FILE |
			LANDLOCK_ACCESS_FS_READ_DIR) < 0)
			return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
		return -1;
	close(ruleset);
	return 0;
}

/* The best of five batches of N open+close of FILE, ns each. */
static double measure(const char *file, long n)
{
	double best = 1e18;

	for (int k = 0; k < 5; k++) {
		double t0 = now_ns(), d;

		for (long i = 0; i < n; i++)
			close(open(file, O_RDONLY | O_CLOEXEC));
		d = (now_ns() - t0) / (double)n;
		if (d < best)
			best = d;
	}
	return best;
}

/* In a child: enter V's domain, measure, send the figure back. */
static double run(enum variant v, const char *file, long n)
{
	int fds[2];
	double r = -1;
	pid_t pid;

	if (pipe(fds) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		double d = enter(v, file) < 0 ? -1 : measure(file, n);

		if (write(fds[1], &d, sizeof(d)) != sizeof(d))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	if (pid < 0 || read(fds[0], &r, sizeof(r)) != sizeof(r))
		r = -1;
	close(fds[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return r;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20000;
	int rounds = argc > 2 ? atoi(argv[2]) : 9;
	const char *file = argc > 3 ? argv[3] : "/usr/lib/os-release";
	double *t[NVARIANTS], med[NVARIANTS];

	if (n < 1 || rounds < 1 || rounds > 1000 || access(file, R_OK) < 0) {
		fprintf(stderr, "usage: landlock [ITERATIONS [ROUNDS [FILE]]]\n");
		return 2;
	}
	for (int v = 0; v < NVARIANTS; v++)
		if (!(t[v] = calloc((size_t)rounds, sizeof(double))))
			return 1;
	for (int r = 0; r < rounds; r++)
		for (int v = 0; v < NVARIANTS; v++)
			t[v][r] = run(v, file, n);
	printf("open+close of %s, %ld per batch, median of %d rounds\n", file, n, rounds);
	for (int v = 0; v < NVARIANTS; v++) {
		qsort(t[v], (size_t)rounds, sizeof(double), cmp);
		med[v] = t[v][rounds / 2];
		if (med[v] < 0) {
			printf("%-10s  (this kernel has no Landlock ABI 6)\n", names[v]);
			continue;
		}
		printf("%-10s %8.0f ns  %5.2fx bare  %+6.0f ns\n", names[v], med[v],
		       med[v] / med[BARE], med[v] - med[BARE]);
	}
	return 0;
}
