/*
 * resource.c: a fork bomb and a memory hog, both bounded by sjtest itself
 * (SJT_FORK_BOUND processes, SJT_MEMORY_BOUND MiB, a few seconds) and
 * undone before the probe returns.  Held only when the jail's own limit
 * stopped them first; not applicable when the jail sets no limit (the
 * bound would be all they prove); reached when they got to the bound.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helper.h"

#define BOMB_MS 5000
#define CHUNK_MIB 16

/* The bound for a jail whose limit is LIMIT (-1: none); 0: not applicable. */
static long bound_for(const struct ctx *c, struct result *r, long limit, long control_bound,
		      long max, const char *what, const char *unit)
{
	if (c->control)
		return control_bound;
	if (limit < 0) {
		not_applicable(r, "the jail sets no %s limit", what);
		return 0;
	}
	if (limit + 64 > max) {
		not_applicable(r, "the jail's %s limit (%ld%s) is above sjtest's bound (%ld%s)",
			       what, limit, unit, max, unit);
		return 0;
	}
	return limit + 64;
}

void probe_fork_bomb(const struct ctx *c, struct result *r)
{
	long bound = bound_for(c, r, c->max_procs, SJT_CONTROL_FORKS, SJT_FORK_BOUND,
			       "process", "");
	long long deadline = now_ms() + BOMB_MS;
	pid_t self = getpid(), *pids;
	int n = 0, e = 0;

	if (bound == 0)
		return;
	pids = calloc((size_t)bound, sizeof(*pids));
	if (!pids) {
		failed(r, "out of memory");
		return;
	}
	for (; n < bound && now_ms() < deadline; n++) {
		pid_t pid = fork();

		if (pid < 0) {
			e = errno;
			break;
		}
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() == self)
				pause();
			_exit(0);
		}
		pids[n] = pid;
	}
	for (int i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	for (int i = 0; i < n; i++)
		while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
			;
	free(pids);
	if (n == bound)
		reached(r, "made %d processes: nothing stopped them before sjtest's bound", n);
	else if (e)
		held(r, "fork failed with %s after %d processes", ename(e), n);
	else
		failed(r, "stopped by sjtest's time bound after %d processes", n);
}

/* In a process of its own, so that an out-of-memory kill takes only it. */
static void hog(int fd, long bound)
{
	for (long mib = 0; mib < bound; mib += CHUNK_MIB) {
		void *m = mmap(NULL, CHUNK_MIB << 20, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		long done = mib + CHUNK_MIB;

		if (m == MAP_FAILED)
			_exit(1);
		memset(m, 0x5a, CHUNK_MIB << 20);
		if (write(fd, &done, sizeof(done)) < 0)
			_exit(2);
	}
	_exit(0);
}

void probe_memory_hog(const struct ctx *c, struct result *r)
{
	long bound = bound_for(c, r, c->max_memory_mib, SJT_CONTROL_MEMORY, SJT_MEMORY_BOUND,
			       "memory", " MiB");
	long done = 0, got;
	int fds[2], status;
	pid_t pid;

	if (bound == 0)
		return;
	if (pipe2(fds, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		failed(r, "pipe or fork: %s", ename(errno));
		return;
	}
	if (pid == 0) {
		close(fds[0]);
		hog(fds[1], bound);
	}
	close(fds[1]);
	while (read(fds[0], &got, sizeof(got)) == (ssize_t)sizeof(got))
		done = got;
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		reached(r, "touched %ld MiB: nothing stopped it before sjtest's bound", done);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 1)
		held(r, "mmap failed after %ld MiB", done);
	else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		held(r, "killed (out of memory) after %ld MiB", done);
	else
		failed(r, "the hog ended with status %#x after %ld MiB", status, done);
}
