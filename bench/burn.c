/*
 * burn: spin in NPROC processes for SECONDS of wall time, then print the
 * CPU time they used as a share of that wall time, in percent of one CPU
 * (two processes alone on two idle CPUs: about 200).  The figure comes
 * from the kernel's accounting of these processes (getrusage), not from
 * any cgroup, so it measures what a quota does without trusting the code
 * that set it.  Static: it runs in an empty jail root.
 *
 *   burn SECONDS [NPROC]
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu_of(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Spin until DEADLINE, looking at the clock only now and then. */
static void spin(double deadline)
{
	volatile unsigned long x = 0;

	while (now() < deadline)
		for (int i = 0; i < 100000; i++)
			x += (unsigned long)i;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 0, start, wall;
	int nproc = argc > 2 ? atoi(argv[2]) : 1;

	if (seconds <= 0 || nproc < 1 || nproc > 64) {
		fprintf(stderr, "usage: burn SECONDS [NPROC (1-64)]\n");
		return 2;
	}
	start = now();
	for (int i = 1; i < nproc; i++) {
		pid_t p = fork();

		if (p < 0) {
			perror("burn: fork");
			return 1;
		}
		if (p == 0) {
			spin(start + seconds);
			_exit(0);
		}
	}
	spin(start + seconds);
	while (wait(NULL) > 0)
		;
	wall = now() - start;
	printf("%.1f\n", 100 * (cpu_of(RUSAGE_SELF) + cpu_of(RUSAGE_CHILDREN)) / wall);
	return 0;
}
