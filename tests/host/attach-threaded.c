/*
 * attach-threaded: sj_attach() from a process with a second thread, as a
 * library user may call it, to run COMMAND in running jail JAIL; exits
 * with the command's status.  With threads, the attacher is made by
 * fork(), not clone3(2) (attach.c), and must still end up in every one
 * of the jail's cgroups.
 *
 * usage: attach-threaded JAIL COMMAND [ARG...]   (SYSJAIL_RUNDIR: the registry)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sysjail.h"

static void *idle(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	struct sj_exec e = { 0 };
	pthread_t t;
	sj_error err;
	sj_jail *j;
	pid_t pid;
	int status;

	if (argc < 3) {
		fprintf(stderr, "usage: attach-threaded JAIL COMMAND [ARG...]\n");
		return 2;
	}
	if (pthread_create(&t, NULL, idle, NULL) != 0) {
		fprintf(stderr, "attach-threaded: pthread_create failed\n");
		return 1;
	}
	j = sj_find(getenv("SYSJAIL_RUNDIR"), argv[1], &err);
	if (!j) {
		fprintf(stderr, "attach-threaded: %s\n", err.msg);
		return 1;
	}
	e.argv = argv + 2;
	pid = sj_attach(j, &e, &err);
	if (pid < 0) {
		fprintf(stderr, "attach-threaded: %s\n", err.msg);
		sj_jail_free(j);
		return 1;
	}
	while (waitpid(pid, &status, 0) < 0)
		;
	sj_jail_free(j);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
