/*
 * netlink.h: rtnetlink through libnl-route-3, for net.c and netreg.c
 * only (netlink.c).  Every function works in the network namespace the
 * socket was opened in, and fails with the kernel's errno and message.
 */
#ifndef SJ_NETLINK_H
#define SJ_NETLINK_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "sysjail.h"

struct nl_sock;

/* A socket and what the kernel said of its last request. */
struct nlk {
	struct nl_sock *sk;
	int err;			/* the kernel's errno, 0 if none */
	char ext[160];			/* its extended message, "" if none */
};

/* An interface as nlk_link_get() finds it. */
struct nlk_link {
	int ifindex;
	unsigned flags;			/* IFF_* */
	char name[IF_NAMESIZE];
	char alias[128];
	unsigned char mac[6];
};

/* What the host's routing table says of an address (nlk_route_get). */
struct nlk_route {
	int type;			/* RTN_LOCAL, RTN_UNICAST, ... */
	int ifindex;			/* the interface it goes out of */
	bool gateway;			/* through a router, not on the link */
};

/* Open a socket in the calling thread's network namespace. */
int nlk_open(struct nlk *n, sj_error *err);
void nlk_close(struct nlk *n);

/* Find the interface NAME (or IFINDEX when NAME is NULL): 1, 0 if none. */
int nlk_link_get(struct nlk *n, const char *name, int ifindex, struct nlk_link *out,
		 sj_error *err);

/* A veth pair NAME (here) and PEER, made in PEER_NETNS. */
int nlk_veth_add(struct nlk *n, const char *name, const char *peer, int peer_netns,
		 sj_error *err);

/* A macvlan NAME of PARENT (here), in bridge mode, made in NETNS. */
int nlk_macvlan_add(struct nlk *n, int parent, const char *parent_name, const char *name,
		    int netns, sj_error *err);

/* Delete an interface; one already gone is not an error. */
int nlk_link_del(struct nlk *n, int ifindex, sj_error *err);
int nlk_link_up(struct nlk *n, int ifindex, sj_error *err);
/* Up, with ALIAS (the kernel takes none with a new interface). */
int nlk_link_up_alias(struct nlk *n, int ifindex, const char *alias, sj_error *err);

/* Add ADDR/PREFIX (IFA_F_* FLAGS) to an interface. */
int nlk_addr_add(struct nlk *n, int ifindex, int family, const void *addr, int prefix,
		 unsigned flags, sj_error *err);

/* A route to DST/DST_LEN (NULL: any) out of IFINDEX, through GW (on-link) if
 * not NULL. */
int nlk_route_add(struct nlk *n, int family, const void *dst, int dst_len, const void *gw,
		  int ifindex, sj_error *err);

/* A permanent neighbour entry: DST is at MAC on IFINDEX. */
int nlk_neigh_add(struct nlk *n, int family, const void *dst, const unsigned char mac[6],
		  int ifindex, sj_error *err);

/* Add (or delete) a proxy ARP/NDP entry for DST on IFINDEX. */
int nlk_proxy(struct nlk *n, bool add, int family, const void *dst, int ifindex, sj_error *err);

/* How the namespace routes DST: 1 with OUT filled, 0 if it has no route. */
int nlk_route_get(struct nlk *n, int family, const void *dst, struct nlk_route *out,
		  sj_error *err);

/* The longest prefix of an address on IFINDEX whose network holds ADDR,
 * -2 if none (-1: error). */
int nlk_host_prefix(struct nlk *n, int ifindex, int family, const void *addr, sj_error *err);

/* The main table's default gateway out of IFINDEX, into GW: 1, 0 if none. */
int nlk_default_gateway(struct nlk *n, int family, int ifindex, void *gw, sj_error *err);

/* Whether FAMILY address A is in network NET/PREFIX. */
bool nlk_in_network(int family, const unsigned char *a, const unsigned char *net, int prefix);

/* The interfaces but loopback, up to MAX indexes into OUT: how many. */
int nlk_links(struct nlk *n, int *out, size_t max, sj_error *err);

#endif /* SJ_NETLINK_H */
