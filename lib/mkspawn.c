/*
 * mkspawn.c: the helper programs a build runs (apt-get, debootstrap,
 * busybox --list-full, python3 -c), and packages installed on demand.
 *
 * A helper runs with stdin from /dev/null and a fixed environment (a
 * system PATH, the C locale, no prompts; proxy settings passed on); its
 * output goes to the caller's log one line at a time, never to our
 * stdout, and its last line ends up in the error when it fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mkroot.h"

extern char **environ;

struct lines {
	const struct mk_log *log;
	const char *prog;
	char buf[1024];
	size_t n;
	char last[256];
};

static void line_end(struct lines *l)
{
	if (l->n == 0)
		return;
	l->buf[l->n] = '\0';
	mk_log(l->log, SJ_MKROOT_INFO, "%s: %s", l->prog, l->buf);
	snprintf(l->last, sizeof(l->last), "%.*s", (int)sizeof(l->last) - 1, l->buf);
	l->n = 0;
}

static void lines_add(struct lines *l, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n' || p[i] == '\r') {
			line_end(l);
			continue;
		}
		l->buf[l->n++] = p[i];
		if (l->n == sizeof(l->buf) - 1)
			line_end(l);
	}
}

/* The environment a helper gets. */
static void helper_env(const char **envp, size_t max)
{
	static const char *const keep[] = {
		"http_proxy=", "https_proxy=", "no_proxy=", "HTTP_PROXY=", "HTTPS_PROXY=", "NO_PROXY=",
	};
	size_t n = 0;

	envp[n++] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
	envp[n++] = "LC_ALL=C";
	envp[n++] = "DEBIAN_FRONTEND=noninteractive";
	envp[n++] = "HOME=/root";
	for (char **e = environ; e && *e && n + 1 < max; e++)
		for (size_t i = 0; i < SJ_NELEM(keep); i++)
			if (strncmp(*e, keep[i], strlen(keep[i])) == 0)
				envp[n++] = *e;
	envp[n] = NULL;
}

/* Read the helper's output until both pipes close. */
static void collect(int ofd, int efd, char *out, size_t outlen, struct lines *l)
{
	struct pollfd pfd[2] = { { .fd = ofd, .events = POLLIN }, { .fd = efd, .events = POLLIN } };
	size_t used = 0;
	char buf[4096];

	while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			ssize_t n;

			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			n = read(pfd[i].fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				pfd[i].fd = -1;
				continue;
			}
			if (i == 0 && out) {
				size_t k = (size_t)n < outlen - 1 - used ? (size_t)n : outlen - 1 - used;

				memcpy(out + used, buf, k);
				used += k;
			} else {
				lines_add(l, buf, (size_t)n);
			}
		}
	}
	line_end(l);
	if (out)
		out[used] = '\0';
}

/*
 * Run ARGV (ARGV[0] an absolute path) and wait for it.  Its stdout goes
 * to OUT when OUT is not NULL (NUL-terminated, cut at OUTLEN), else to
 * the log with its stderr.  Returns 0 when it exits with status 0, or
 * -1 with ERR naming the program, its status and its last line.
 */
int mk_run(const struct mk_log *log, const char *const argv[], char *out, size_t outlen,
	   sj_error *err)
{
	SJ_AUTOCLOSE int ofd = -1, efd = -1;
	struct lines *l = calloc(1, sizeof(*l));
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, deflt;
	int opipe[2] = { -1, -1 }, epipe[2];
	const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	const char *envp[16];
	pid_t pid;
	int r, status;

	if (!l)
		return sj_fail(err, ENOMEM, "out of memory");
	l->log = log;
	l->prog = prog;
	if ((out && pipe2(opipe, O_CLOEXEC) < 0) || pipe2(epipe, O_CLOEXEC) < 0) {
		free(l);
		return sj_fail_errno(err, "pipe");
	}
	ofd = opipe[0];
	efd = epipe[0];
	helper_env(envp, SJ_NELEM(envp));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out ? opipe[1] : epipe[1], 1);
	posix_spawn_file_actions_adddup2(&fa, epipe[1], 2);
	/* posix_spawn() takes char *const[] for historical reasons only. */
	/* The caller may block signals while it builds (to undo a build that
	 * is interrupted): the helper gets the default mask and actions, so
	 * ^C stops it and the build fails and is undone. */
	sigemptyset(&none);
	sigfillset(&deflt);
	sigdelset(&deflt, SIGKILL);
	sigdelset(&deflt, SIGSTOP);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &deflt);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	r = posix_spawn(&pid, argv[0], &fa, &attr, (char *const *)argv, (char *const *)envp);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	if (opipe[1] >= 0)
		close(opipe[1]);
	close(epipe[1]);
	if (r != 0) {
		free(l);
		errno = r;
		return sj_fail_errno(err, "%s", argv[0]);
	}
	collect(ofd, efd, out, outlen, l);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			free(l);
			return sj_fail_errno(err, "waitpid %s", prog);
		}
	r = 0;
	if (WIFSIGNALED(status))
		r = sj_fail(err, EINTR, "%s was killed by signal %d%s%s", prog, WTERMSIG(status),
			    l->last[0] ? ": " : "", l->last);
	else if (WEXITSTATUS(status) != 0)
		r = sj_fail(err, EIO, "%s failed with status %d%s%s", prog, WEXITSTATUS(status),
			    l->last[0] ? ": " : "", l->last);
	free(l);
	return r;
}

/*
 * Make sure each file NEED[i][0] exists, installing package NEED[i][1]
 * with apt-get when it does not (WHY says what for, in the notice).
 */
int mk_apt_ensure(const struct mk_log *log, const char *const need[][2], size_t n,
		  const char *why, sj_error *err)
{
	const char *install[16] = { "/usr/bin/apt-get", "install", "-y", "-q",
				    "--no-install-recommends" };
	const char *update[] = { "/usr/bin/apt-get", "update", "-q", NULL };
	char list[256] = "";
	size_t k = 5;

	for (size_t i = 0; i < n && k + 1 < SJ_NELEM(install); i++) {
		if (access(need[i][0], F_OK) == 0 || strstr(list, need[i][1]))
			continue;
		install[k++] = need[i][1];
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", list[0] ? " " : "",
			 need[i][1]);
	}
	if (!list[0])
		return 0;
	install[k] = NULL;
	if (geteuid() != 0)
		return sj_fail(err, ENOENT, "%s is not installed (%s): apt-get install %s, as root",
			       list, why, list);
	mk_log(log, SJ_MKROOT_NOTICE, "installing %s with apt-get (%s)", list, why);
	if (mk_run(log, install, NULL, 0, err) < 0) {
		mk_log(log, SJ_MKROOT_INFO, "apt-get install failed; updating the package lists");
		if (mk_run(log, update, NULL, 0, err) < 0 || mk_run(log, install, NULL, 0, err) < 0) {
			sj_error_prefix(err, "installing %s", list);
			return -1;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (access(need[i][0], F_OK) != 0)
			return sj_fail(err, ENOENT, "%s: still missing after installing %s", need[i][0],
				       list);
	return 0;
}
