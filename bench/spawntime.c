/*
 * spawntime: how long commands take to run, start to exit, measured in
 * one run and interleaved (round-robin), so that every command sees the
 * same machine.
 *
 * usage: spawntime [-g MS] ROUNDS COMMAND... [-- COMMAND...]...
 * prints one line per command: median and mean wall time in microseconds.
 * With -g, each start comes MS milliseconds after the last one ended, as
 * when commands are started now and then rather than back to back: what
 * the kernel defers (RCU grace periods, namespace teardown) is then done
 * between them, and what waits for it shows.
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

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double run(char **argv)
{
	posix_spawn_file_actions_t fa;
	double t0, t1;
	pid_t pid;
	int status;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	t0 = now_us();
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		perror(argv[0]);
		exit(1);
	}
	waitpid(pid, &status, 0);
	t1 = now_us();
	posix_spawn_file_actions_destroy(&fa);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "spawntime: %s failed (status %d)\n", argv[0], status);
		exit(1);
	}
	return t1 - t0;
}

int main(int argc, char **argv)
{
	int rounds, ncmd = 0, gap_ms = 0;
	char **cmds[16];
	double *t[16];

	if (argc > 2 && strcmp(argv[1], "-g") == 0) {
		gap_ms = atoi(argv[2]);
		argc -= 2;
		argv += 2;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: spawntime [-g MS] ROUNDS COMMAND... [-- COMMAND...]...\n");
		return 2;
	}
	rounds = atoi(argv[1]);
	cmds[ncmd++] = argv + 2;
	for (int i = 2; i < argc && ncmd < 16; i++)
		if (strcmp(argv[i], "--") == 0) {
			argv[i] = NULL;
			cmds[ncmd++] = argv + i + 1;
		}
	for (int c = 0; c < ncmd; c++) {
		t[c] = calloc((size_t)rounds, sizeof(double));
		run(cmds[c]);	/* warm-up */
	}
	for (int r = 0; r < rounds; r++)
		for (int c = 0; c < ncmd; c++) {
			if (gap_ms > 0)
				usleep((useconds_t)gap_ms * 1000);
			t[c][r] = run(cmds[c]);
		}
	for (int c = 0; c < ncmd; c++) {
		double sum = 0;

		for (int r = 0; r < rounds; r++)
			sum += t[c][r];
		qsort(t[c], (size_t)rounds, sizeof(double), cmp);
		printf("%.1f %.1f\n", t[c][rounds / 2], sum / rounds);
	}
	return 0;
}
