/*
 * net.h: what net.c and netcfg.c share about a jail's network.
 */
#ifndef SJ_NET_H
#define SJ_NET_H

#include <net/if.h>
#include <stdbool.h>

#include "netlink.h"

enum jail_if_kind {
	IF_VETH,			/* bare addresses: a veth pair */
	IF_MACVLAN,			/* "interface|address": a macvlan child */
	IF_LOOPBACK,			/* "lo|address": the jail's loopback */
};

/* An interface of the jail's. */
struct jail_if {
	enum jail_if_kind kind;
	char name[IF_NAMESIZE];		/* in the jail */
	char parent[IF_NAMESIZE];	/* a macvlan's, on the host */
	int parent_index;
	int index;			/* in the jail, once made */
	unsigned char mac[6];		/* a veth's jail end */
};

/* An address of the jail's, and where it goes. */
struct jail_addr {
	struct sj_addr a;
	int ifno;			/* in sj_net.ifs */
	int prefix;			/* as the jail's interface carries it */
	int proxy;			/* host interface for a proxy ARP/NDP entry, 0: none */
};

/* What net.c holds for a jail (sj_jail.net). */
struct sj_net {
	int netns;			/* the jail's network namespace, -1 until known */
	bool own;			/* made by net.c (allow.raw_sockets) */
	struct nlk host, jail;		/* sockets in the host's and in the jail's */
	struct jail_if *ifs;
	size_t nifs;
	struct jail_addr *addrs;
	size_t naddrs;
	int default_if[2];		/* per family (IPv4, IPv6): ifs index, -1: none */
	unsigned char gateway[2][16];	/* its gateway */
	char host_end[IF_NAMESIZE];	/* the veth's host end, "" if none */
	int host_index;
	unsigned char host_mac[6];
};

bool net_on_loopback(const struct sj_addr *a);
int net_plan(struct sj_jail *j, struct sj_net *net, sj_error *err);
int net_open_init(const struct sj_jail *j, sj_error *err);
int net_in(int netns, int (*fn)(struct sj_jail *j, sj_error *err), struct sj_jail *j,
	   sj_error *err);
bool net_is_ours(int fd);

/* netreg.c: records in the jail's journal, made before what they name. */
int netreg_link(const struct sj_jail *j, const char *name, const char *alias, sj_error *err);
int netreg_proxy(const struct sj_jail *j, int ifindex, const struct sj_addr *a, sj_error *err);

#endif /* SJ_NET_H */
