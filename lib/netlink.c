/*
 * netlink.c: the few rtnetlink requests the jail's network needs, through
 * libnl-route-3: links (veth, macvlan), addresses, routes, neighbours and
 * proxy entries, and the lookups that check a jail's addresses.
 *
 * A socket works in the network namespace it was opened in (net.c opens
 * one in the jail's, from its own thread).  Every request asks for an
 * acknowledgement with the kernel's extended message, and an error keeps
 * the kernel's errno and that message: libnl's own error codes lose both.
 * The socket's callbacks are made with NL_CB_DEFAULT, so libnl never takes
 * its NLCB environment variable's verbose (printing) ones.
 */
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/macvlan.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <stdio.h>
#include <string.h>

#include "sj-private.h"
#include "netlink.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Keep the kernel's errno and extended message; stop libnl's loop. */
static int on_error(struct sockaddr_nl *who SJ_UNUSED, struct nlmsgerr *e, void *arg)
{
	struct nlk *n = arg;
	const struct nlmsghdr *h = (const struct nlmsghdr *)((const char *)e - NLMSG_HDRLEN);
	size_t off = sizeof(*e), len = h->nlmsg_len - NLMSG_HDRLEN;

	n->err = -e->error;
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	while (off + sizeof(struct nlattr) <= len) {
		const struct nlattr *a = (const struct nlattr *)((const char *)e + off);

		if (a->nla_len < sizeof(*a) || off + a->nla_len > len)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
			snprintf(n->ext, sizeof(n->ext), "%.*s", (int)(a->nla_len - sizeof(*a)),
				 (const char *)(a + 1));
		off += NLA_ALIGN(a->nla_len);
	}
	return NL_STOP;
}

int nlk_open(struct nlk *n, sj_error *err)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int one = 1, r;

	memset(n, 0, sizeof(*n));
	if (!cb || !(n->sk = nl_socket_alloc_cb(cb))) {
		nl_cb_put(cb);
		return sj_fail(err, ENOMEM, "out of memory");
	}
	nl_cb_put(cb);
	nl_socket_modify_err_cb(n->sk, NL_CB_CUSTOM, on_error, n);
	r = nl_connect(n->sk, NETLINK_ROUTE);
	if (r < 0) {
		nlk_close(n);
		return sj_fail(err, EIO, "rtnetlink socket: %s", nl_geterror(r));
	}
	/* Without these the kernel's reasons stay in its log. */
	setsockopt(nl_socket_get_fd(n->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(n->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return 0;
}

void nlk_close(struct nlk *n)
{
	if (n->sk)
		nl_socket_free(n->sk);
	n->sk = NULL;
}

static void start(struct nlk *n)
{
	n->err = 0;
	n->ext[0] = '\0';
}

/* libnl's code R of a request, as an errno. */
static int errno_of(const struct nlk *n, int r)
{
	if (n->err)
		return n->err;
	switch (-r) {
	case NLE_NOMEM:
		return ENOMEM;
	case NLE_EXIST:
		return EEXIST;
	case NLE_OBJ_NOTFOUND:
		return ENOENT;
	case NLE_NODEV:
		return ENODEV;
	case NLE_PERM:
		return EPERM;
	case NLE_INVAL:
		return EINVAL;
	default:
		return EIO;
	}
}

/* Fail with what the kernel said about request R: "WHAT: reason". */
static int request_failed(const struct nlk *n, int r, sj_error *err, const char *what)
{
	int e = errno_of(n, r);

	if (n->ext[0])
		return sj_fail(err, e, "%s: %s (%s)", what, strerror(e), n->ext);
	return sj_fail(err, e, "%s: %s", what, strerror(e));
}

static struct nl_addr *ip_addr(int family, const void *bytes, int prefix)
{
	struct nl_addr *a = nl_addr_build(family, bytes, family == AF_INET ? 4 : 16);

	if (a && prefix >= 0)
		nl_addr_set_prefixlen(a, prefix);
	return a;
}

int nlk_link_get(struct nlk *n, const char *name, int ifindex, struct nlk_link *out,
		 sj_error *err)
{
	struct rtnl_link *l = NULL;
	struct nl_addr *mac;
	const char *alias;
	int r;

	start(n);
	r = rtnl_link_get_kernel(n->sk, ifindex, name, &l);
	if (r < 0) {
		/* libnl takes this request's errors with a callback of its
		 * own: the kernel's ENODEV arrives as NLE_NODEV. */
		if (errno_of(n, r) == ENODEV || -r == NLE_OBJ_NOTFOUND)
			return 0;
		return request_failed(n, r, err, name ? name : "interface");
	}
	memset(out, 0, sizeof(*out));
	out->ifindex = rtnl_link_get_ifindex(l);
	out->flags = rtnl_link_get_flags(l);
	snprintf(out->name, sizeof(out->name), "%s", rtnl_link_get_name(l));
	alias = rtnl_link_get_ifalias(l);
	snprintf(out->alias, sizeof(out->alias), "%s", alias ? alias : "");
	mac = rtnl_link_get_addr(l);
	if (mac && nl_addr_get_len(mac) == sizeof(out->mac))
		memcpy(out->mac, nl_addr_get_binary_addr(mac), sizeof(out->mac));
	rtnl_link_put(l);
	return 1;
}

int nlk_veth_add(struct nlk *n, const char *name, const char *peer, int peer_netns,
		 sj_error *err)
{
	struct rtnl_link *l = rtnl_link_veth_alloc(), *p;
	char what[64];
	int r;

	if (!l)
		return sj_fail(err, ENOMEM, "out of memory");
	p = rtnl_link_veth_get_peer(l);
	rtnl_link_set_name(l, name);
	rtnl_link_set_name(p, peer);
	rtnl_link_set_ns_fd(p, peer_netns);
	rtnl_link_put(p);
	start(n);
	r = rtnl_link_add(n->sk, l, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(l);
	if (r < 0) {
		snprintf(what, sizeof(what), "creating veth %s", name);
		return request_failed(n, r, err, what);
	}
	return 0;
}

int nlk_macvlan_add(struct nlk *n, int parent, const char *parent_name, const char *name,
		    int netns, sj_error *err)
{
	struct rtnl_link *l = rtnl_link_macvlan_alloc();
	char what[64];
	int r;

	if (!l)
		return sj_fail(err, ENOMEM, "out of memory");
	rtnl_link_set_link(l, parent);
	rtnl_link_set_name(l, name);
	rtnl_link_set_ns_fd(l, netns);
	/* Jails on one interface reach each other, as hosts on a switch. */
	rtnl_link_macvlan_set_mode(l, MACVLAN_MODE_BRIDGE);
	start(n);
	r = rtnl_link_add(n->sk, l, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(l);
	if (r < 0) {
		snprintf(what, sizeof(what), "creating a macvlan on %s", parent_name);
		return request_failed(n, r, err, what);
	}
	return 0;
}

int nlk_link_del(struct nlk *n, int ifindex, sj_error *err)
{
	struct rtnl_link *l = rtnl_link_alloc();
	int r;

	if (!l)
		return sj_fail(err, ENOMEM, "out of memory");
	rtnl_link_set_ifindex(l, ifindex);
	start(n);
	r = rtnl_link_delete(n->sk, l);
	rtnl_link_put(l);
	if (r < 0 && errno_of(n, r) != ENODEV)
		return request_failed(n, r, err, "deleting an interface");
	return 0;
}

/* Change interface IFINDEX: up, and ALIAS if not NULL. */
static int link_change(struct nlk *n, int ifindex, const char *alias, sj_error *err)
{
	struct rtnl_link *l = rtnl_link_alloc(), *c = rtnl_link_alloc();
	int r = -NLE_NOMEM;

	if (l && c) {
		rtnl_link_set_ifindex(l, ifindex);
		rtnl_link_set_flags(c, IFF_UP);
		if (alias)
			rtnl_link_set_ifalias(c, alias);
		start(n);
		r = rtnl_link_change(n->sk, l, c, 0);
	}
	rtnl_link_put(l);
	rtnl_link_put(c);
	return r < 0 ? request_failed(n, r, err, alias ? "naming an interface"
				      : "bringing an interface up") : 0;
}

int nlk_link_up(struct nlk *n, int ifindex, sj_error *err)
{
	return link_change(n, ifindex, NULL, err);
}

int nlk_link_up_alias(struct nlk *n, int ifindex, const char *alias, sj_error *err)
{
	return link_change(n, ifindex, alias, err);
}

int nlk_addr_add(struct nlk *n, int ifindex, int family, const void *addr, int prefix,
		 unsigned flags, sj_error *err)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local = ip_addr(family, addr, prefix);
	int r = -NLE_NOMEM;

	if (a && local) {
		rtnl_addr_set_ifindex(a, ifindex);
		rtnl_addr_set_family(a, family);
		rtnl_addr_set_local(a, local);
		rtnl_addr_set_prefixlen(a, prefix);
		rtnl_addr_set_flags(a, flags);
		start(n);
		r = rtnl_addr_add(n->sk, a, NLM_F_EXCL);
	}
	nl_addr_put(local);
	rtnl_addr_put(a);
	return r < 0 ? request_failed(n, r, err, "adding an address") : 0;
}

int nlk_route_add(struct nlk *n, int family, const void *dst, int dst_len, const void *gw,
		  int ifindex, sj_error *err)
{
	static const unsigned char any[16];
	struct rtnl_route *rt = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *d = ip_addr(family, dst ? dst : any, dst_len);
	struct nl_addr *g = gw ? ip_addr(family, gw, -1) : NULL;
	int r = -NLE_NOMEM;

	if (rt && nh && d && (g || !gw)) {
		rtnl_route_set_family(rt, (uint8_t)family);
		rtnl_route_set_table(rt, RT_TABLE_MAIN);
		rtnl_route_set_protocol(rt, RTPROT_STATIC);
		rtnl_route_set_type(rt, RTN_UNICAST);
		rtnl_route_set_scope(rt, gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
		rtnl_route_set_dst(rt, d);
		rtnl_route_nh_set_ifindex(nh, ifindex);
		if (g) {
			/* The gateway is on the link whatever the addresses
			 * say: the jail's interface may have no prefix. */
			rtnl_route_nh_set_gateway(nh, g);
			rtnl_route_nh_set_flags(nh, RTNH_F_ONLINK);
			rtnl_route_set_flags(rt, RTNH_F_ONLINK);
		}
		rtnl_route_add_nexthop(rt, nh);
		nh = NULL;
		start(n);
		r = rtnl_route_add(n->sk, rt, NLM_F_EXCL);
	}
	if (nh)
		rtnl_route_nh_free(nh);
	nl_addr_put(d);
	nl_addr_put(g);
	rtnl_route_put(rt);
	return r < 0 ? request_failed(n, r, err, "adding a route") : 0;
}

/* A neighbour entry; MAC NULL and PROXY for a proxy entry. */
static int neigh(struct nlk *n, bool add, bool proxy, int family, const void *dst,
		 const unsigned char *mac, int ifindex, sj_error *err)
{
	struct rtnl_neigh *ne = rtnl_neigh_alloc();
	struct nl_addr *d = ip_addr(family, dst, -1);
	struct nl_addr *ll = mac ? nl_addr_build(AF_LLC, mac, 6) : NULL;
	int r = -NLE_NOMEM;

	if (ne && d && (ll || !mac)) {
		rtnl_neigh_set_ifindex(ne, ifindex);
		rtnl_neigh_set_family(ne, family);
		rtnl_neigh_set_dst(ne, d);
		if (ll)
			rtnl_neigh_set_lladdr(ne, ll);
		if (proxy)
			rtnl_neigh_set_flags(ne, NTF_PROXY);
		else
			rtnl_neigh_set_state(ne, NUD_PERMANENT);
		start(n);
		r = add ? rtnl_neigh_add(n->sk, ne, NLM_F_CREATE | NLM_F_REPLACE)
			: rtnl_neigh_delete(n->sk, ne, 0);
	}
	nl_addr_put(d);
	nl_addr_put(ll);
	rtnl_neigh_put(ne);
	if (r < 0 && !add && (errno_of(n, r) == ENOENT || errno_of(n, r) == ENODEV))
		return 0;
	return r < 0 ? request_failed(n, r, err, add ? "adding a neighbour entry"
				      : "deleting a neighbour entry") : 0;
}

int nlk_neigh_add(struct nlk *n, int family, const void *dst, const unsigned char mac[6],
		  int ifindex, sj_error *err)
{
	return neigh(n, true, false, family, dst, mac, ifindex, err);
}

int nlk_proxy(struct nlk *n, bool add, int family, const void *dst, int ifindex, sj_error *err)
{
	return neigh(n, add, true, family, dst, NULL, ifindex, err);
}

int nlk_route_get(struct nlk *n, int family, const void *dst, struct nlk_route *out,
		  sj_error *err)
{
	struct nl_addr *d = ip_addr(family, dst, family == AF_INET ? 32 : 128);
	struct rtnl_route *rt = NULL;
	struct rtnl_nexthop *nh;
	int r;

	memset(out, 0, sizeof(*out));
	if (!d)
		return sj_fail(err, ENOMEM, "out of memory");
	start(n);
	r = rtnl_route_lookup(n->sk, d, &rt);
	nl_addr_put(d);
	if (r < 0) {
		/* No route at all: nothing on the host holds it. */
		if (n->err == ENETUNREACH || n->err == EHOSTUNREACH || n->err == ENETDOWN)
			return 0;
		return request_failed(n, r, err, "looking up a route");
	}
	out->type = rtnl_route_get_type(rt);
	nh = rtnl_route_get_nnexthops(rt) > 0 ? rtnl_route_nexthop_n(rt, 0) : NULL;
	if (nh) {
		out->ifindex = rtnl_route_nh_get_ifindex(nh);
		out->gateway = rtnl_route_nh_get_gateway(nh) != NULL;
	}
	rtnl_route_put(rt);
	return 1;
}

/* Whether FAMILY address A is in network NET/PREFIX. */
bool nlk_in_network(int family, const unsigned char *a, const unsigned char *net, int prefix)
{
	int bytes = prefix / 8, bits = prefix % 8;

	if (prefix > (family == AF_INET ? 32 : 128))
		return false;
	if (memcmp(a, net, (size_t)bytes) != 0)
		return false;
	return bits == 0 || ((a[bytes] ^ net[bytes]) & (0xff << (8 - bits))) == 0;
}

int nlk_host_prefix(struct nlk *n, int ifindex, int family, const void *addr, sj_error *err)
{
	struct nl_cache *cache = NULL;
	int prefix = -1, r;

	start(n);
	r = rtnl_addr_alloc_cache(n->sk, &cache);
	if (r < 0)
		return request_failed(n, r, err, "listing the host's addresses");
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		struct nl_addr *local = rtnl_addr_get_local(a);
		int p = rtnl_addr_get_prefixlen(a);

		if (rtnl_addr_get_ifindex(a) != ifindex || rtnl_addr_get_family(a) != family ||
		    !local || p <= prefix)
			continue;
		if (nlk_in_network(family, addr, nl_addr_get_binary_addr(local), p))
			prefix = p;
	}
	nl_cache_free(cache);
	return prefix < 0 ? -2 : prefix;
}

int nlk_default_gateway(struct nlk *n, int family, int ifindex, void *gw, sj_error *err)
{
	struct nl_cache *cache = NULL;
	int found = 0, r;

	start(n);
	r = rtnl_route_alloc_cache(n->sk, family, 0, &cache);
	if (r < 0)
		return request_failed(n, r, err, "listing the host's routes");
	for (struct nl_object *o = nl_cache_get_first(cache); o && !found;
	     o = nl_cache_get_next(o)) {
		struct rtnl_route *rt = (struct rtnl_route *)o;
		struct rtnl_nexthop *nh;
		struct nl_addr *g, *dst = rtnl_route_get_dst(rt);

		if (rtnl_route_get_table(rt) != RT_TABLE_MAIN ||
		    rtnl_route_get_type(rt) != RTN_UNICAST || (dst && nl_addr_get_prefixlen(dst)) ||
		    rtnl_route_get_nnexthops(rt) != 1)
			continue;
		nh = rtnl_route_nexthop_n(rt, 0);
		g = rtnl_route_nh_get_gateway(nh);
		if (rtnl_route_nh_get_ifindex(nh) != ifindex || !g ||
		    nl_addr_get_len(g) != (family == AF_INET ? 4u : 16u))
			continue;
		memcpy(gw, nl_addr_get_binary_addr(g), nl_addr_get_len(g));
		found = 1;
	}
	nl_cache_free(cache);
	return found;
}

int nlk_links(struct nlk *n, int *out, size_t max, sj_error *err)
{
	struct nl_cache *cache = NULL;
	size_t count = 0;
	int r;

	start(n);
	r = rtnl_link_alloc_cache(n->sk, AF_UNSPEC, &cache);
	if (r < 0)
		return request_failed(n, r, err, "listing interfaces");
	for (struct nl_object *o = nl_cache_get_first(cache); o && count < max;
	     o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o;

		if (!(rtnl_link_get_flags(l) & IFF_LOOPBACK))
			out[count++] = rtnl_link_get_ifindex(l);
	}
	nl_cache_free(cache);
	return (int)count;
}
