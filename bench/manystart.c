/*
 * manystart: start N commands at once and report when each one ended.
 *
 * usage: manystart N COMMAND [ARG...]    ("%d" in an argument becomes i)
 * prints: the wall time until the last ended, and the mean time from
 * start to end of the first and the last tenth, in milliseconds.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[1]) : 0, failed = 0;
	double *start, *end, t0, first = 0, last = 0;
	pid_t *pids;

	if (n <= 0) {
		fprintf(stderr, "usage: manystart N COMMAND [ARG...]\n");
		return 2;
	}
	start = calloc((size_t)n, sizeof(double));
	end = calloc((size_t)n, sizeof(double));
	pids = calloc((size_t)n, sizeof(pid_t));
	t0 = now_ms();
	for (int i = 0; i < n; i++) {
		char **args = calloc((size_t)argc, sizeof(char *));

		for (int a = 2; a < argc; a++) {
			const char *pct = strstr(argv[a], "%d");

			if (pct) {
				if (asprintf(&args[a - 2], "%.*s%d%s", (int)(pct - argv[a]), argv[a],
					     i, pct + 2) < 0)
					return 1;
			} else {
				args[a - 2] = argv[a];
			}
		}
		start[i] = now_ms();
		if (posix_spawn(&pids[i], args[0], NULL, NULL, args, environ) != 0) {
			perror(args[0]);
			return 1;
		}
	}
	for (int done = 0; done < n; done++) {
		int status;
		pid_t p = wait(&status);

		for (int i = 0; i < n; i++)
			if (pids[i] == p) {
				end[i] = now_ms();
				failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
			}
	}
	for (int i = 0; i < n / 10; i++) {
		first += end[i] - start[i];
		last += end[n - 1 - i] - start[n - 1 - i];
	}
	printf("%.1f %.1f %.1f %d\n", now_ms() - t0, first / (n / 10), last / (n / 10), failed);
	return failed != 0;
}
