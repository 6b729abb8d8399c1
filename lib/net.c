/*
 * net.c: the jail's network namespace.
 *
 * Creating a network namespace is the slowest single thing a jail start
 * does (about 0.6 ms here).  So it is made in parallel with the rest of
 * sj_create(): net_start() starts a thread that moves itself (alone: a
 * network namespace is per thread) into a new namespace, brings up
 * loopback, sets the namespace's own sysctls and leaves a descriptor of
 * it; net_finish() joins the thread before the jail's init is cloned.
 *
 * The thread runs as root in the host's user namespace, so the namespace
 * belongs to the host's user namespace: root in the jail can never change
 * its interfaces, addresses or routes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "sj-private.h"

bool net_private(const struct sj_config *c)
{
	return !(c->ip4_mode == SJ_NET_INHERIT && c->ip6_mode == SJ_NET_INHERIT);
}

static int bring_up_loopback(sj_error *err)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	SJ_AUTOCLOSE int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return sj_fail_errno(err, "loopback");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		return sj_fail_errno(err, "bringing up loopback");
	return 0;
}

/*
 * Root in the jail holds no CAP_NET_BIND_SERVICE in a namespace that the
 * host's user namespace owns: let every id in the jail bind low ports and
 * use ICMP echo sockets, in its own namespace only.
 */
static int set_sysctls(sj_error *err)
{
	if (sj_write_file("/proc/sys/net/ipv4/ip_unprivileged_port_start", "0", err) < 0 ||
	    sj_write_file("/proc/sys/net/ipv4/ping_group_range", "0 2147483647", err) < 0)
		return -1;
	return 0;
}

/* The maker thread; its result is j->netns_fd, or j->net_err. */
static void *maker(void *arg)
{
	struct sj_jail *j = arg;
	int fd;

	if (unshare(CLONE_NEWNET) < 0) {
		sj_fail_errno(&j->net_err, "creating the network namespace");
		return NULL;
	}
	if (bring_up_loopback(&j->net_err) < 0 || set_sysctls(&j->net_err) < 0)
		return NULL;
	fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		sj_fail_errno(&j->net_err, "/proc/thread-self/ns/net");
	j->netns_fd = fd;
	return NULL;
}

/* Start making the jail's network namespace, if it gets one. */
int net_start(struct sj_jail *j, sj_error *err)
{
	int e;

	j->netns_fd = -1;
	j->net_maker_running = false;
	if (!net_private(&j->cfg))
		return 0;
	sj_error_clear(&j->net_err);
	e = pthread_create(&j->net_maker, NULL, maker, j);
	if (e)
		return sj_fail(err, e, "starting the network namespace: %s", strerror(e));
	j->net_maker_running = true;
	return 0;
}

/* Wait for the maker; the namespace's descriptor is then j->netns_fd. */
int net_finish(struct sj_jail *j, sj_error *err)
{
	if (!j->net_maker_running)
		return 0;
	pthread_join(j->net_maker, NULL);
	j->net_maker_running = false;
	if (j->netns_fd < 0) {
		*err = j->net_err;
		errno = err->errnum;
		return -1;
	}
	return 0;
}

void net_stop(struct sj_jail *j)
{
	sj_error ignored;

	net_finish(j, &ignored);
	if (j->netns_fd >= 0)
		close(j->netns_fd);
	j->netns_fd = -1;
}

/* In the init: join the namespace the maker made. */
int net_enter(const struct sj_jail *j, sj_error *err)
{
	if (j->netns_fd < 0)
		return 0;
	if (setns(j->netns_fd, CLONE_NEWNET) < 0)
		return sj_fail_errno(err, "joining the jail's network namespace");
	return 0;
}
