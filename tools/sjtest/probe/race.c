/*
 * race.c: the race that killed the original sysjail.  A userland check of
 * a system call's arguments followed by the kernel's own read of them can
 * be raced: a second thread rewrites the arguments in between.  Here a
 * thread flips a buffer between an address the jail may use and one it
 * must not reach, while the probe's thread makes the call on that buffer
 * in a loop, for race_ms milliseconds or a bounded number of attempts.
 * Held if no attempt reached the forbidden object; a control reaches it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "helper.h"

struct flip {
	char *buf;			/* low memory: the call's argument */
	const char *a, *b;		/* allowed, forbidden */
	size_t len;
	int stop;
};

struct race {
	unsigned long attempts, allowed, forbidden, unknown;
	int last_errno;
};

static void *flipper(void *arg)
{
	struct flip *f = arg;

	while (!__atomic_load_n(&f->stop, __ATOMIC_RELAXED)) {
		memcpy(f->buf, f->a, f->len);
		__asm__ volatile("" ::: "memory");
		memcpy(f->buf, f->b, f->len);
		__asm__ volatile("" ::: "memory");
	}
	return NULL;
}

/* ATTEMPT returns 1: reached the forbidden object, 0: the allowed one,
 * -1: neither (errno), -2: something, but it cannot tell what. */
typedef int attempt_fn(const struct ctx *c, const char *buf, void *arg);

static int run_race(const struct ctx *c, struct flip *f, attempt_fn *attempt, void *arg,
		    unsigned long max_attempts, struct race *out)
{
	long long deadline = now_ms() + c->race_ms;
	pthread_t t;

	memset(out, 0, sizeof(*out));
	memcpy(f->buf, f->a, f->len);
	if (pthread_create(&t, NULL, flipper, f) != 0)
		return -1;
	while (out->attempts < max_attempts) {
		int got = attempt(c, f->buf, arg);

		out->attempts++;
		if (got > 0)
			out->forbidden++;
		else if (got == 0)
			out->allowed++;
		else if (got == -2)
			out->unknown++;
		else
			out->last_errno = errno;
		/* Every attempt: under load, one connect may take long. */
		if (now_ms() >= deadline)
			break;
	}
	__atomic_store_n(&f->stop, 1, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	return 0;
}

static void report(struct result *r, const struct race *x, const char *target, const char *own)
{
	char unknown[64] = "";

	if (x->unknown)
		snprintf(unknown, sizeof(unknown), "; %lu connected to an end that was gone",
			 x->unknown);
	if (x->forbidden)
		reached(r, "%lu of %lu attempts reached %s", x->forbidden, x->attempts, target);
	else
		held(r, "none of %lu attempts reached %s (%lu reached %s%s; the others: %s)",
		     x->attempts, target, x->allowed, own, unknown,
		     x->last_errno ? ename(x->last_errno) : "none");
}

/* Two copies of the same length, zero-padded, for the flipper. */
static void pair(struct flip *f, const void *a, size_t alen, const void *b, size_t blen)
{
	char *pa, *pb;

	f->len = alen > blen ? alen : blen;
	pa = low(f->len);
	pb = low(f->len);
	memcpy(pa, a, alen);
	memcpy(pb, b, blen);
	f->a = pa;
	f->b = pb;
	f->buf = low(f->len);
}

static int attempt_open(const struct ctx *c, const char *buf, void *arg)
{
	char *rd = arg;
	long fd = SC(c, open, U(buf), O_RDONLY | O_CLOEXEC), n;

	if (fd < 0)
		return -1;
	n = SC(c, read, I(fd), U(rd), 63);
	SC(c, close, I(fd));
	rd[n > 0 ? n : 0] = '\0';
	return strstr(rd, c->nonce) ? 1 : 0;
}

void probe_race_open_path(const struct ctx *c, struct result *r)
{
	struct flip f = { 0 };
	struct race x;
	char inside[4096];

	if (!c->marker) {
		not_applicable(r, "nothing is outside the jail's root to aim at");
		return;
	}
	snprintf(inside, sizeof(inside), "%s/inside", c->stage);
	pair(&f, inside, strlen(inside) + 1, c->marker, strlen(c->marker) + 1);
	if (run_race(c, &f, attempt_open, low(64), 2000000, &x) < 0) {
		failed(r, "pthread_create failed");
		return;
	}
	report(r, &x, "the marker", "the jail's file");
}

/* The abstract address NAME, and its length. */
static socklen_t abstract_addr(struct sockaddr_un *sa, const char *name)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path + 1, name, strlen(name));
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
}

struct unix_race {
	long sock;
	socklen_t len;
	const char *host;
	struct sockaddr_un *peer;	/* low memory, for getpeername */
	socklen_t *plen;
};

static int attempt_connect_unix(const struct ctx *c, const char *buf, void *arg)
{
	struct unix_race *u = arg;

	if (SC(c, connect, I(u->sock), U(buf), u->len) < 0)
		return -1;
	*u->plen = sizeof(*u->peer);
	if (SC(c, getpeername, I(u->sock), U(u->peer), U(u->plen)) < 0)
		return -1;
	return memcmp(u->peer->sun_path + 1, u->host, strlen(u->host)) == 0 ? 1 : 0;
}

static bool shares_host_network(const struct ctx *c, struct result *r)
{
	if (!c->net_inherit)
		return false;
	not_applicable(r, "the jail shares the host's network (ip4=inherit, ip6=inherit)");
	return true;
}

void probe_race_connect_unix(const struct ctx *c, struct result *r)
{
	struct sockaddr_un mine, host;
	struct unix_race u = { .host = c->abstract_dgram, .peer = low(sizeof(*u.peer)),
			       .plen = low(sizeof(*u.plen)) };
	char own[108];
	struct flip f = { 0 };
	struct race x;
	int s;

	if (shares_host_network(c, r))
		return;
	/* Our own name, the host's with its last letter changed: the same
	 * length, so that one address length fits both. */
	snprintf(own, sizeof(own), "%s", c->abstract_dgram);
	own[strlen(own) - 1] = 'j';
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	u.len = abstract_addr(&mine, own);
	abstract_addr(&host, c->abstract_dgram);
	if (s < 0 || bind(s, (struct sockaddr *)&mine, u.len) < 0) {
		failed(r, "binding the jail's own abstract socket: %s", ename(errno));
		return;
	}
	u.sock = SC(c, socket, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (u.sock < 0) {
		failed(r, "socket: %s", ename(errno));
		return;
	}
	pair(&f, &mine, sizeof(mine), &host, sizeof(host));
	if (run_race(c, &f, attempt_connect_unix, &u, 2000000, &x) < 0) {
		failed(r, "pthread_create failed");
		return;
	}
	report(r, &x, "the host's abstract socket", "the jail's own");
}

/*
 * The jail's own listener: accept and close, so that the loop runs on.
 * Not a reset: the connecting side must still know its peer.
 */
static void *acceptor(void *arg)
{
	int l = *(int *)arg;

	for (;;) {
		int s = accept4(l, NULL, NULL, SOCK_CLOEXEC);

		if (s < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return NULL;
		}
		close(s);
	}
}

struct inet_race {
	uint16_t forbidden_port;	/* network order */
	struct in_addr forbidden_addr;
	bool by_port;
	int type;
	struct sockaddr_in *got;	/* low memory, for get*name */
	socklen_t *len;
};

/* Reset on close (no TIME_WAIT), and a connect never blocks long. */
static void short_lived(long s)
{
	struct linger lg = { 1, 0 };
	struct timeval tv = { 0, 200000 };

	setsockopt((int)s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	setsockopt((int)s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int attempt_inet(const struct ctx *c, const char *buf, void *arg, bool do_bind)
{
	struct inet_race *in = arg;
	struct sockaddr_in *got = in->got;
	socklen_t *len = in->len;
	long s = SC(c, socket, AF_INET, I(in->type | SOCK_CLOEXEC), 0), r;
	int ret = -1, e;

	if (s < 0)
		return -1;
	short_lived(s);
	*len = sizeof(*got);
	if (do_bind)
		r = SC(c, bind, I(s), U(buf), sizeof(struct sockaddr_in));
	else
		r = SC(c, connect, I(s), U(buf), sizeof(struct sockaddr_in));
	if (r == 0 && do_bind)
		r = SC(c, getsockname, I(s), U(got), U(len));
	else if (r == 0 && SC(c, getpeername, I(s), U(got), U(len)) < 0)
		r = -2;
	e = errno;
	if (r == 0)
		ret = in->by_port ? got->sin_port == in->forbidden_port
				  : got->sin_addr.s_addr == in->forbidden_addr.s_addr;
	else if (r == -2)
		ret = -2;
	SC(c, close, I(s));
	errno = e;
	return ret;
}

static int attempt_connect_inet(const struct ctx *c, const char *buf, void *arg)
{
	return attempt_inet(c, buf, arg, false);
}

static int attempt_bind_inet(const struct ctx *c, const char *buf, void *arg)
{
	return attempt_inet(c, buf, arg, true);
}

/* A listener on 127.0.0.1 whose port is not the host's listener's. */
static int own_listener(const struct ctx *c, struct sockaddr_in *sa)
{
	for (int tries = 0; tries < 8; tries++) {
		int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		socklen_t len = sizeof(*sa);

		*sa = (struct sockaddr_in){ .sin_family = AF_INET,
					    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		if (l < 0 || bind(l, (struct sockaddr *)sa, sizeof(*sa)) < 0 ||
		    listen(l, 4096) < 0 || getsockname(l, (struct sockaddr *)sa, &len) < 0)
			return -1;
		if (ntohs(sa->sin_port) != c->tcp_port)
			return l;
		close(l);
	}
	return -1;
}

void probe_race_connect_loopback(const struct ctx *c, struct result *r)
{
	struct sockaddr_in mine, host;
	struct inet_race in = { .by_port = true, .type = SOCK_STREAM,
				.got = low(sizeof(*in.got)), .len = low(sizeof(*in.len)) };
	struct flip f = { 0 };
	struct race x;
	pthread_t t;
	int l;

	if (shares_host_network(c, r))
		return;
	l = own_listener(c, &mine);
	/* Confined in place, Landlock lets the jail bind no port but its
	 * own (sysjail.tcp.bind): the race needs one of its own. */
	if (l < 0 && c->confined && errno == EACCES) {
		not_applicable(r, "confined in place, the jail may not listen (sysjail.tcp.bind)");
		return;
	}
	if (l < 0 || pthread_create(&t, NULL, acceptor, &l) != 0) {
		failed(r, "the jail's own listener: %s", ename(errno));
		return;
	}
	host = mine;
	host.sin_port = htons((uint16_t)c->tcp_port);
	in.forbidden_port = host.sin_port;
	pair(&f, &mine, sizeof(mine), &host, sizeof(host));
	if (run_race(c, &f, attempt_connect_inet, &in, 5000, &x) < 0) {
		failed(r, "pthread_create failed");
		return;
	}
	report(r, &x, "the host's 127.0.0.1 listener", "the jail's own");
}

void probe_race_bind(const struct ctx *c, struct result *r)
{
	struct sockaddr_in lo = { .sin_family = AF_INET }, host = { .sin_family = AF_INET };
	struct inet_race in = { .type = SOCK_DGRAM, .got = low(sizeof(*in.got)),
				.len = low(sizeof(*in.len)) };
	struct flip f = { 0 };
	struct race x;

	if (shares_host_network(c, r))
		return;
	if (!c->host_addr) {
		not_applicable(r, "the host has no IPv4 address but loopback");
		return;
	}
	lo.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	inet_pton(AF_INET, c->host_addr, &host.sin_addr);
	in.forbidden_addr = host.sin_addr;
	pair(&f, &lo, sizeof(lo), &host, sizeof(host));
	if (run_race(c, &f, attempt_bind_inet, &in, 200000, &x) < 0) {
		failed(r, "pthread_create failed");
		return;
	}
	report(r, &x, c->host_addr, "127.0.0.1");
}
