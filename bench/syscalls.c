/*
 * syscalls: the cost of a few system calls, to run bare and in a jail.
 * Static, so that it runs in any jail.
 *
 * usage: syscalls [ITERATIONS]
 * prints "getppid NS", "open+close NS", "fork+exec NS" (nanoseconds each,
 * the best of five batches).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static void getppid_loop(long n)
{
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
}

static void open_close_loop(long n)
{
	for (long i = 0; i < n; i++)
		close(open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
}

static const char *self;

static void fork_exec_loop(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t p = fork();

		if (p == 0) {
			execl(self, self, "--exit", (char *)NULL);
			_exit(127);
		}
		waitpid(p, NULL, 0);
	}
}

static double best(void (*fn)(long), long n)
{
	double b = 1e18;

	for (int k = 0; k < 5; k++) {
		double t0 = now_ns(), d;

		fn(n);
		d = (now_ns() - t0) / (double)n;
		if (d < b)
			b = d;
	}
	return b;
}

int main(int argc, char **argv)
{
	long n = argc > 1 && argv[1][0] != '-' ? atol(argv[1]) : 200000;

	if (argc > 1 && argv[1][0] == '-')
		return 0;	/* --exit: the exec'd child */
	self = realpath("/proc/self/exe", NULL);
	printf("getppid %.1f\n", best(getppid_loop, n));
	printf("open+close %.1f\n", best(open_close_loop, n / 4));
	printf("fork+exec %.1f\n", best(fork_exec_loop, n / 1000 > 20 ? n / 1000 : 20));
	return 0;
}
