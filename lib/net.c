/*
 * net.c: the jail's network namespace, and what is in it.
 *
 * ip4/ip6 choose between the host's network namespace (inherit) and one
 * of the jail's own (new, or disable: loopback only).  Linux has one
 * network namespace for both families, so one family cannot inherit
 * while the other does not.
 *
 * The jail's namespace is made as root in the host's user namespace, so
 * the host's user namespace owns it: root in the jail has no capability
 * over its interfaces, addresses or routes.  Root's jail makes it aside,
 * right after the init's clone3(2), and sends it to the init, which
 * joins it once it has built what of its tree does not need it: making a
 * network namespace is about 0.5 ms of the kernel's time, done on one
 * CPU while the init mounts on the other.  A user's jail, and a bundle's,
 * have it made by the init's clone3(2).
 * With allow.raw_sockets (and a user namespace) the namespace is made
 * here instead, inside the jail's user namespace, and the init joins it:
 * CAP_NET_RAW only counts over a namespace the jail's user namespace
 * owns, and CAP_NET_ADMIN never reaches the jail (caps.c).
 *
 * The init brings up loopback and sets the namespace's own sysctls.  The
 * jail's addresses are put in place from outside, by sj_create() (netcfg.c)
 * between the init's clone and sj_start()'s "go", so the init, and
 * everything the jail runs, holds no privilege over them:
 *
 *   address           where it lives
 *   192.0.2.10        the jail end of a veth pair (eth0); the host end
 *                     sj<jid> has a host route to it
 *   em0|192.0.2.11/24 a macvlan child of the host's em0, named em0 in the
 *                     jail: the jail sits on that network directly
 *   lo|127.0.0.2      the jail's own loopback
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "sj-private.h"
#include "netlink.h"
#include "net.h"

/* The mode of FAMILY's addresses: ip4/ip6 as set, else from the jail's
 * addresses, else the other family's inherit, else disable. */
int net_mode(const struct sj_config *c, int family)
{
	int mode = family == AF_INET ? c->ip4_mode : c->ip6_mode;
	int other = family == AF_INET ? c->ip6_mode : c->ip4_mode;
	size_t n = family == AF_INET ? c->ip4.n : c->ip6.n;

	if (mode >= 0)
		return mode;
	if (n)
		return SJ_NET_NEW;
	return other == SJ_NET_INHERIT ? SJ_NET_INHERIT : SJ_NET_DISABLE;
}

/* Whether address A goes on the jail's own loopback: "lo|", or FreeBSD's
 * "lo0|" (there an alias on the host's loopback that the jail uses). */
bool net_on_loopback(const struct sj_addr *a)
{
	return strcmp(a->ifname, "lo") == 0 || strcmp(a->ifname, "lo0") == 0;
}

/* Whether the jail gets a network namespace of its own. */
bool net_private(const struct sj_config *c)
{
	return net_mode(c, AF_INET) != SJ_NET_INHERIT || net_mode(c, AF_INET6) != SJ_NET_INHERIT;
}

static int check_modes(const struct sj_config *c, sj_error *err)
{
	static const char *const names[] = { "disable", "new", "inherit" };
	int m4 = net_mode(c, AF_INET), m6 = net_mode(c, AF_INET6);

	if ((m4 == SJ_NET_INHERIT) != (m6 == SJ_NET_INHERIT))
		return sj_fail(err, EINVAL, "ip4=%s with ip6=%s: Linux has one network namespace "
			       "for both families, so both inherit the host's or neither does",
			       names[m4], names[m6]);
	if (m4 == SJ_NET_INHERIT && c->allow_raw_sockets && c->userns)
		return sj_fail(err, EINVAL, "allow.raw_sockets with ip4=inherit: raw sockets on the "
			       "host's network need root of the host (sysjail.userns=false)");
	return 0;
}

static struct sj_net *net_new(sj_error *err)
{
	struct sj_net *net = calloc(1, sizeof(*net));

	if (!net) {
		sj_fail(err, ENOMEM, "out of memory");
		return NULL;
	}
	net->netns = -1;
	net->default_if[0] = net->default_if[1] = -1;
	return net;
}

void net_free(struct sj_jail *j)
{
	struct sj_net *net = j->net;

	if (!net)
		return;
	nlk_close(&net->host);
	nlk_close(&net->jail);
	if (net->netns >= 0)
		close(net->netns);
	free(net->ifs);
	free(net->addrs);
	free(net);
	j->net = NULL;
}

struct maker {
	int userns;
	int netns;
	int errnum;
	const char *what;
};

/* Shares our memory and descriptors until it exits: the new namespace's
 * descriptor lands in our table. */
static int make_netns(void *arg)
{
	struct maker *m = arg;

	if (setns(m->userns, CLONE_NEWUSER) < 0) {
		m->what = "joining the jail's user namespace";
	} else if (unshare(CLONE_NEWNET) < 0) {
		m->what = "creating the network namespace";
	} else {
		m->netns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (m->netns >= 0)
			_exit(0);
		m->what = "opening the network namespace";
	}
	m->errnum = errno;
	_exit(1);
}

/* allow.raw_sockets: a network namespace the jail's user namespace owns. */
static int own_netns(struct sj_jail *j, struct sj_net *net, sj_error *err)
{
	char stack[8192] __attribute__((aligned(16)));
	struct maker m = { .userns = j->userns_fd, .netns = -1 };
	pid_t pid;

	/* No exit signal: the caller's SIGCHLD handling is not disturbed. */
	pid = clone(make_netns, stack + sizeof(stack), CLONE_VM | CLONE_VFORK | CLONE_FILES, &m);
	if (pid < 0)
		return sj_fail_errno(err, "allow.raw_sockets: network namespace");
	while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
		;
	if (m.netns < 0)
		return sj_fail(err, m.errnum, "allow.raw_sockets: %s: %s", m.what,
			       strerror(m.errnum));
	net->netns = m.netns;
	net->own = true;
	return 0;
}

/*
 * Before the init: check the modes and the addresses against the host,
 * plan the jail's interfaces, and make its namespace for allow.raw_sockets.
 */
int net_prepare(struct sj_jail *j, sj_error *err)
{
	const struct sj_config *c = &j->cfg;
	bool own = c->allow_raw_sockets && c->userns;
	struct sj_net *net;

	if (check_modes(c, err) < 0)
		return -1;
	if (!net_private(c) || (!c->ip4.n && !c->ip6.n && !own))
		return 0;
	net = net_new(err);
	if (!net)
		return -1;
	j->net = net;
	if ((c->ip4.n || c->ip6.n) && net_plan(j, net, err) < 0)
		goto fail;
	if (own && own_netns(j, net, err) < 0)
		goto fail;
	return 0;
fail:
	net_free(j);
	return -1;
}

/* Whether the jail's namespace is made aside (net_make_aside()). */
static bool made_aside(const struct sj_jail *j)
{
	return j->mode == SJ_MODE_ROOT && !j->oci && net_private(&j->cfg) &&
	       !(j->net && j->net->own);
}

int net_clone_flags(const struct sj_jail *j)
{
	if (!net_private(&j->cfg) || (j->net && j->net->own) || made_aside(j))
		return 0;
	return CLONE_NEWNET;
}

/*
 * A create step, after the init's clone: root's jail's network namespace,
 * sent to the init (net_join_aside()), and kept for net_configure() when
 * the jail has addresses.
 */
int net_make_aside(struct sj_jail *j, sj_error *err)
{
	SJ_AUTOCLOSE int self = -1;
	int fd, e;

	if (!made_aside(j))
		return 0;
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return sj_fail_errno(err, "our network namespace");
	if (unshare(CLONE_NEWNET) < 0)
		return sj_fail_errno(err, "making the jail's network namespace");
	fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	e = errno;
	/* We held it open: as in net_in(), this cannot fail short of a
	 * kernel bug. */
	if (setns(self, CLONE_NEWNET) < 0) {
		if (fd >= 0)
			close(fd);
		return sj_fail_errno(err, "returning to our network namespace");
	}
	if (fd < 0)
		return sj_fail(err, e, "opening the jail's network namespace: %s", strerror(e));
	if (sj_send_fd(j->sock_host, "n", 1, fd) < 0) {
		sj_fail_errno(err, "sending the jail's init its network namespace");
		close(fd);
		return -1;
	}
	if (j->net)
		j->net->netns = fd;
	else
		close(fd);
	return 0;
}

int net_keep_fd(const struct sj_jail *j)
{
	return j->net && j->net->own ? j->net->netns : -1;
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

/* In the init, in the jail's new network namespace: loopback up. */
int net_setup_inside(const struct sj_jail *j, sj_error *err)
{
	int fd = net_keep_fd(j);

	if (!net_private(&j->cfg) || made_aside(j))
		return 0;
	if (fd >= 0) {
		if (setns(fd, CLONE_NEWNET) < 0)
			return sj_fail_errno(err, "joining the jail's network namespace");
		close(fd);
	}
	return bring_up_loopback(err);
}

/* In the init: join the namespace net_make_aside() sends; loopback up. */
int net_join_aside(const struct sj_jail *j, sj_error *err)
{
	char c;
	int fd;
	ssize_t n;

	if (!made_aside(j))
		return 0;
	n = sj_recv_fd(j->sock_init, &c, 1, &fd);
	if (n != 1 || c != 'n' || fd < 0) {
		if (fd >= 0)
			close(fd);
		return sj_fail(err, ECANCELED, "the jail's creator sent no network namespace");
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		sj_fail_errno(err, "joining the jail's network namespace");
		close(fd);
		return -1;
	}
	close(fd);
	return bring_up_loopback(err);
}

/*
 * In the init, in the jail's network namespace, through PROC, the jail's
 * own procfs before its /proc/sys is made read-only: root in the jail
 * holds no CAP_NET_BIND_SERVICE in a namespace the host's user namespace
 * owns, so let every id in the jail bind low ports and use ICMP echo
 * sockets, in its own namespace only.
 *
 * Not through the host's /proc: there a lookup of /proc/sys/net/ipv4
 * compares against that entry of every network namespace that has looked
 * it up (the kernel's proc_sys_compare), and with 1000 jails running it
 * cost a jail's start 0.5 ms.  A new procfs has no such entries yet.
 */
int net_sysctls(const struct sj_jail *j, int proc, sj_error *err)
{
	char range[32];

	if (!net_private(&j->cfg))
		return 0;
	/* A user's jail: the groups its namespace maps, no others. */
	snprintf(range, sizeof(range), "0 %u",
		 j->mode == SJ_MODE_USERNS ? j->nids - 1 : 2147483647u);
	if (sj_write_fileat(proc, "sys/net/ipv4/ip_unprivileged_port_start", "0", err) < 0 ||
	    sj_write_fileat(proc, "sys/net/ipv4/ping_group_range", range, err) < 0)
		return -1;
	return 0;
}

/* Run FN(J) in network namespace NETNS, from this thread only. */
int net_in(int netns, int (*fn)(struct sj_jail *j, sj_error *err), struct sj_jail *j,
	   sj_error *err)
{
	SJ_AUTOCLOSE int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int r;

	if (self < 0)
		return sj_fail_errno(err, "our network namespace");
	if (setns(netns, CLONE_NEWNET) < 0)
		return sj_fail_errno(err, "entering the jail's network namespace");
	r = fn(j, err);
	/* We held it open: this cannot fail short of a kernel bug, and then
	 * nothing this thread does afterwards may be trusted. */
	if (setns(self, CLONE_NEWNET) < 0)
		return sj_fail_errno(err, "returning to our network namespace");
	return r;
}

/* Whether network namespace FD is the calling thread's own. */
bool net_is_ours(int fd)
{
	struct stat a, b;

	return fstat(fd, &a) < 0 || stat("/proc/thread-self/ns/net", &b) < 0 ||
	       (a.st_dev == b.st_dev && a.st_ino == b.st_ino);
}

#ifndef PIDFD_GET_NET_NAMESPACE
#define PIDFD_GET_NET_NAMESPACE _IO(0xFF, 4)	/* Linux 6.11 */
#endif

/* A descriptor of the network namespace of the jail's init. */
int net_open_init(const struct sj_jail *j, sj_error *err)
{
	char path[64];
	int fd;

	fd = ioctl(j->init_pidfd, PIDFD_GET_NET_NAMESPACE, 0);
	if (fd >= 0)
		return fd;
	/* Older kernels: by pid, then checked to be the same init still. */
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)j->init_pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sj_fail_errno(err, "the jail's network namespace");
	if (pidfd_send_signal(j->init_pidfd, 0, NULL, 0) < 0) {
		close(fd);
		return sj_fail(err, ESRCH, "the jail's init is gone");
	}
	return fd;
}

/*
 * Before a running jail's init is killed (sj_remove()): hold its network
 * namespace, so that net_teardown() can empty it afterwards.
 */
int net_hold(struct sj_jail *j, sj_error *err)
{
	const struct sj_config *c = &j->cfg;

	if (!net_private(c) || (!c->ip4.n && !c->ip6.n) || j->init_pidfd < 0)
		return 0;
	if (!j->net && !(j->net = net_new(err)))
		return -1;
	if (j->net->netns < 0 && (j->net->netns = net_open_init(j, err)) < 0)
		return -1;
	return 0;
}
