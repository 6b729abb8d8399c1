/*
 * jailed-echo: a tiny TCP echo server that jails each client's handler,
 * an example of libsysjail (sysjail(3)).
 *
 *   jailed-echo [-p PORT] [-r ROOT] [-n COUNT]
 *
 * It listens on 127.0.0.1:PORT (0, the default: a free port, printed as
 * "listening on 127.0.0.1:PORT").  Each client gets a jail of its own:
 * root ROOT (default "/"), hostname client-N, its own processes, no
 * network but loopback; the handler it runs is this program again, with
 * the connection as its standard input and output.  Once started, the
 * handler confines itself further with sj_confine_self() to a profile
 * that allows little more than reading and writing its connection
 * (the "minimal" one), then answers each line with "[HOST pid PID]
 * LINE"; "open PATH" tries to open PATH and says how that went.  With
 * -n, the server ends after COUNT clients.
 *
 * Build: cc jailed-echo.c $(pkg-config --cflags --libs libsysjail)
 * Run as root (making a jail needs it).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sysjail.h>

/* An embedded profile (policies/minimal.policy): a file would have to
 * be root's as the handler sees it, and in a jail of the host's tree
 * the host's root is nobody. */
#define HANDLER_POLICY "minimal"

/* Write all of BUF (the handler has no stdio once confined). */
static void put(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(1, buf, len);

		if (n <= 0)
			_exit(1);
		buf += n;
		len -= (size_t)n;
	}
}

/* The handler, in its jail: confine, then echo lines. */
static int handler(const char *policy)
{
	char prefix[128], line[1024], out[1200];
	struct utsname u;
	size_t have = 0;
	sj_error err;
	sj_jail *j;

	/* What it learns about itself, before it can no longer ask. */
	uname(&u);
	snprintf(prefix, sizeof(prefix), "[%s pid %d] ", u.nodename, (int)getpid());
	j = sj_jail_new(&err);
	if (!j || sj_jail_set(j, "sysjail.seccomp", policy, &err) < 0 ||
	    sj_jail_set(j, "gid", "65534", &err) < 0 || sj_jail_set(j, "uid", "65534", &err) < 0 ||
	    sj_confine_self(j, &err) < 0) {
		int n = snprintf(out, sizeof(out), "handler: %s\n", err.msg);

		put(out, (size_t)n);
		return 1;
	}
	sj_jail_free(j);
	for (;;) {
		ssize_t n = read(0, line + have, sizeof(line) - 1 - have);
		char *nl;

		if (n <= 0)
			return 0;
		have += (size_t)n;
		while ((nl = memchr(line, '\n', have))) {
			size_t len = (size_t)(nl - line);
			int m;

			*nl = '\0';
			if (strncmp(line, "open ", 5) == 0) {
				int fd = open(line + 5, O_RDONLY | O_CLOEXEC);

				m = snprintf(out, sizeof(out), "%s%s: %s\n", prefix, line,
					     fd >= 0 ? "opened" : strerrorname_np(errno));
			} else {
				m = snprintf(out, sizeof(out), "%s%.*s\n", prefix, (int)len, line);
			}
			put(out, (size_t)m);
			if (strcmp(line, "quit") == 0)
				return 0;
			memmove(line, nl + 1, have - len - 1);
			have -= len + 1;
		}
		if (have == sizeof(line) - 1)
			have = 0;	/* a line too long: dropped */
	}
}

/* One client, in a child of the server: a jail around the handler. */
static int serve(int conn, int n, const char *root, const char *self, const char *policy)
{
	char host[32];
	char *argv[] = { (char *)self, (char *)"--handler", (char *)policy, NULL };
	const char *rundir = getenv("SYSJAIL_RUNDIR"), *cgroup = getenv("SYSJAIL_CGROUP");
	sj_error err;
	sj_jail *j;
	int status = 1;

	/* The jail's command gets our standard input and output. */
	if (dup2(conn, 0) < 0 || dup2(conn, 1) < 0) {
		perror("jailed-echo: dup2");
		return 1;
	}
	close(conn);
	snprintf(host, sizeof(host), "client-%d", n);
	j = sj_jail_new(&err);
	/* The registry and the parent cgroup as jail(8) takes them. */
	if (!j || sj_jail_set(j, "path", root, &err) < 0 ||
	    sj_jail_set(j, "host.hostname", host, &err) < 0 ||
	    (rundir && sj_jail_set(j, "sysjail.rundir", rundir, &err) < 0) ||
	    (cgroup && sj_jail_set(j, "sysjail.cgroup", cgroup, &err) < 0) ||
	    sj_jail_set_command(j, argv, &err) < 0 || sj_spawn(j, &err) < 0 ||
	    sj_wait(j, &status, &err) < 0) {
		fprintf(stderr, "jailed-echo: client %d: %s\n", n, err.msg);
		status = 1;
	}
	sj_jail_free(j);
	return status;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	const char *root = "/";
	char self[4096];
	int count = 0, s, opt, failed = 0, live = 0, status;
	ssize_t len;

	if (argc == 3 && strcmp(argv[1], "--handler") == 0)
		return handler(argv[2]);
	while ((opt = getopt(argc, argv, "p:r:n:")) != -1) {
		switch (opt) {
		case 'p': a.sin_port = htons((uint16_t)atoi(optarg)); break;
		case 'r': root = optarg; break;
		case 'n': count = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: jailed-echo [-p port] [-r root] [-n count]\n");
			return 2;
		}
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len < 0) {
		perror("jailed-echo: /proc/self/exe");
		return 1;
	}
	self[len] = '\0';
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int)) < 0 ||
	    bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 16) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &alen) < 0) {
		perror("jailed-echo: listening");
		return 1;
	}
	printf("listening on 127.0.0.1:%d\n", ntohs(a.sin_port));
	fflush(stdout);
	for (int n = 1; !count || n <= count; n++) {
		int conn = accept4(s, NULL, NULL, SOCK_CLOEXEC);
		pid_t pid;

		if (conn < 0) {
			perror("jailed-echo: accept");
			return 1;
		}
		pid = fork();
		if (pid == 0) {
			close(s);
			_exit(serve(conn, n, root, self, HANDLER_POLICY));
		}
		close(conn);
		if (pid > 0)
			live++;
		while (live && waitpid(-1, &status, WNOHANG) > 0) {
			live--;
			failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
		}
	}
	while (live && wait(&status) > 0) {
		live--;
		failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	}
	return failed;
}
