/*
 * netprobe.c: sjprobe's network subcommands.
 *
 *   sjprobe bind ADDRESS [PORT [freebind]]
 *
 * binds a TCP socket to ADDRESS (IPv4 or IPv6) and PORT (0: any), with
 * IP_FREEBIND set first when asked, and prints "ok" or "err ENAME" for
 * the first call that failed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probe.h"

static int report(int r)
{
	if (r < 0) {
		printf("err %s\n", strerrorname_np(errno) ? strerrorname_np(errno) : "?");
		return 1;
	}
	printf("ok\n");
	return 0;
}

int probe_bind(int argc, char **argv)
{
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in in = { .sin_family = AF_INET };
	int port = argc > 1 ? atoi(argv[1]) : 0, one = 1, s, r;
	bool v6 = strchr(argv[0], ':') != NULL;

	in.sin_port = in6.sin6_port = htons((uint16_t)port);
	if ((v6 ? inet_pton(AF_INET6, argv[0], &in6.sin6_addr)
		: inet_pton(AF_INET, argv[0], &in.sin_addr)) != 1) {
		fprintf(stderr, "sjprobe: %s is not an address\n", argv[0]);
		return 2;
	}
	s = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return report(-1);
	if (argc > 2 && strcmp(argv[2], "freebind") == 0 &&
	    setsockopt(s, SOL_IP, IP_FREEBIND, &one, sizeof(one)) < 0)
		return report(-1);
	r = v6 ? bind(s, (struct sockaddr *)&in6, sizeof(in6))
	       : bind(s, (struct sockaddr *)&in, sizeof(in));
	close(s);
	return report(r);
}
