/*
 * net.c: probes of the network.  Nothing leaves loopback or the jail's
 * own namespaces: sockets that open are closed unused, the route change
 * names an interface that does not exist, and the listeners sjtest aims
 * at are on the host's own addresses.  A listener proves it is the host's
 * by sending the nonce.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "helper.h"

static bool shares_host_network(const struct ctx *c, struct result *r)
{
	if (!c->net_inherit)
		return false;
	not_applicable(r, "the jail shares the host's network (ip4=inherit, ip6=inherit)");
	return true;
}

static void timeouts(long s, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	setsockopt((int)s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt((int)s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* Open a socket of FAMILY/TYPE/PROTO; reached if the kernel gives one. */
static void try_socket(const struct ctx *c, struct result *r, int family, int type, int proto)
{
	long s = SC(c, socket, I(family), I(type | SOCK_CLOEXEC), I(proto));

	if (s >= 0) {
		SC(c, close, I(s));
		reached(r, "opened one (and closed it unused)");
	} else {
		held_errno(r);
	}
}

void probe_raw_socket(const struct ctx *c, struct result *r)
{
	try_socket(c, r, AF_INET, SOCK_RAW, IPPROTO_ICMP);
	allowed_by(r, c->allow_raw_sockets, "allow.raw_sockets");
}

void probe_packet_socket(const struct ctx *c, struct result *r)
{
	try_socket(c, r, AF_PACKET, SOCK_RAW, 0);
	allowed_by(r, c->allow_raw_sockets, "allow.raw_sockets");
}

struct route_req {
	struct nlmsghdr nh;
	struct rtmsg rt;
	struct rtattr dst_attr;
	uint32_t dst;
	struct rtattr oif_attr;
	int32_t oif;
};

/*
 * rtnetlink checks CAP_NET_ADMIN over the namespace before it looks at a
 * change; a route via an interface index no namespace has then fails
 * with ENODEV.
 */
void probe_netlink_route_change(const struct ctx *c, struct result *r)
{
	struct route_req *q = low(sizeof(*q));
	struct sockaddr_nl *kernel = low(sizeof(*kernel));
	char *buf = low(4096);
	struct nlmsgerr *e;
	long s, n;

	s = SC(c, socket, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (s < 0) {
		held(r, "socket(AF_NETLINK): %s", ename(errno));
		return;
	}
	timeouts(s, 2000);
	q->nh = (struct nlmsghdr){ .nlmsg_len = sizeof(*q), .nlmsg_type = RTM_NEWROUTE,
				   .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE |
						  NLM_F_EXCL, .nlmsg_seq = 1 };
	q->rt = (struct rtmsg){ .rtm_family = AF_INET, .rtm_dst_len = 24,
				.rtm_table = RT_TABLE_MAIN, .rtm_protocol = RTPROT_STATIC,
				.rtm_scope = RT_SCOPE_LINK, .rtm_type = RTN_UNICAST };
	q->dst_attr = (struct rtattr){ .rta_len = RTA_LENGTH(4), .rta_type = RTA_DST };
	q->dst = htonl(0xc6336400);	/* 198.51.100.0/24, TEST-NET-2 */
	q->oif_attr = (struct rtattr){ .rta_len = RTA_LENGTH(4), .rta_type = RTA_OIF };
	q->oif = 0x7ffffff0;
	kernel->nl_family = AF_NETLINK;
	if (SC(c, sendto, I(s), U(q), sizeof(*q), 0, U(kernel), sizeof(*kernel)) < 0) {
		held(r, "sendto: %s", ename(errno));
		return;
	}
	n = SC(c, recvfrom, I(s), U(buf), 4096, 0, 0, 0);
	e = NLMSG_DATA((struct nlmsghdr *)buf);
	if (n < (long)NLMSG_LENGTH(sizeof(*e)) || ((struct nlmsghdr *)buf)->nlmsg_type != NLMSG_ERROR) {
		failed(r, "no answer from rtnetlink (%s)", n < 0 ? ename(errno) : "short");
		return;
	}
	if (e->error == 0)
		reached(r, "rtnetlink added a route through a missing interface");
	else if (e->error == -EPERM || e->error == -EACCES)
		held(r, "%s", ename(-e->error));
	else
		reached(r, "passed the CAP_NET_ADMIN check, then failed with %s as meant",
			ename(-e->error));
}

static struct sockaddr_in *inet_addr_of(const char *addr, int port)
{
	struct sockaddr_in *sa = low(sizeof(*sa));

	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, addr, &sa->sin_addr);
	return sa;
}

void probe_bind_host_address(const struct ctx *c, struct result *r)
{
	long s;

	if (shares_host_network(c, r))
		return;
	if (!c->host_addr) {
		not_applicable(r, "the host has no IPv4 address but loopback");
		return;
	}
	s = SC(c, socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		failed(r, "socket: %s", ename(errno));
		return;
	}
	if (SC(c, bind, I(s), U(inet_addr_of(c->host_addr, 0)), sizeof(struct sockaddr_in)) == 0)
		reached(r, "bound to %s", c->host_addr);
	else
		held_errno(r);
}

/*
 * IP_FREEBIND lets a socket bind an address its namespace does not have.
 * In a jail with an address of its own, that would be the host's address
 * on the jail's interface: a forged source.  (A control binds a TEST-NET
 * address nobody has.)
 */
void probe_bind_freebind(const struct ctx *c, struct result *r)
{
	const char *target = c->control ? "198.51.100.7" : c->host_addr;
	int one = 1;
	long s;

	if (shares_host_network(c, r))
		return;
	if (!c->control && !c->jail_addrs) {
		not_applicable(r, "the jail has no address of its own (loopback only)");
		return;
	}
	if (!target) {
		not_applicable(r, "the host has no IPv4 address but loopback");
		return;
	}
	s = SC(c, socket, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	/* Confined in place, the filter refuses IP sockets but TCP's. */
	if (s < 0 && c->confined && (errno == EPERM || errno == EACCES)) {
		held_errno(r);
		return;
	}
	if (s < 0) {
		failed(r, "socket: %s", ename(errno));
		return;
	}
	if (setsockopt((int)s, SOL_IP, IP_FREEBIND, &one, sizeof(one)) < 0) {
		held(r, "IP_FREEBIND: %s", ename(errno));
		return;
	}
	if (SC(c, bind, I(s), U(inet_addr_of(target, 0)), sizeof(struct sockaddr_in)) == 0)
		reached(r, "bound to %s, not an address of its own", target);
	else
		held_errno(r);
}

/* Connect to SA; reached when the other end sends the nonce. */
static void aim_at_listener(const struct ctx *c, struct result *r, int family,
			    const void *sa, size_t len, const char *what)
{
	long s = SC(c, socket, I(family), SOCK_STREAM | SOCK_CLOEXEC, 0), n;
	char *buf = low(128);

	if (s < 0) {
		failed(r, "socket: %s", ename(errno));
		return;
	}
	timeouts(s, 2000);
	if (SC(c, connect, I(s), U(sa), len) < 0) {
		held_errno(r);
		return;
	}
	n = SC(c, read, I(s), U(buf), 127);
	buf[n > 0 ? n : 0] = '\0';
	if (strstr(buf, c->nonce))
		reached(r, "connected to %s and got its greeting", what);
	else
		reached(r, "connected to %s (no greeting)", what);
}

void probe_connect_host_address(const struct ctx *c, struct result *r)
{
	if (shares_host_network(c, r))
		return;
	if (!c->host_addr) {
		not_applicable(r, "the host has no IPv4 address but loopback");
		return;
	}
	if (!c->control && c->jail_addrs) {
		not_applicable(r, "the jail has addresses: reaching the host is routing");
		return;
	}
	aim_at_listener(c, r, AF_INET, inet_addr_of(c->host_addr, c->host_addr_port),
			sizeof(struct sockaddr_in), "the host's address");
}

void probe_host_loopback_service(const struct ctx *c, struct result *r)
{
	if (!shares_host_network(c, r))
		aim_at_listener(c, r, AF_INET, inet_addr_of("127.0.0.1", c->tcp_port),
				sizeof(struct sockaddr_in), "the host's 127.0.0.1");
}

void probe_abstract_unix_socket(const struct ctx *c, struct result *r)
{
	struct sockaddr_un *sa = low(sizeof(*sa));
	size_t len = strlen(c->abstract);

	if (shares_host_network(c, r))
		return;
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path + 1, c->abstract, len);
	aim_at_listener(c, r, AF_UNIX, sa, offsetof(struct sockaddr_un, sun_path) + 1 + len,
			"the host's abstract socket");
}
