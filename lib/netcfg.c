/*
 * netcfg.c: the jail's addresses, put in place from outside the jail.
 *
 * net_plan() checks the addresses against the host and decides where
 * each goes; net_configure() makes it so, between the init's clone and
 * sj_start()'s "go"; net_teardown() deletes every interface of the
 * jail's namespace, and netreg.c what the host holds.
 *
 * A veth carries no ARP or NDP: each end's neighbour table holds the
 * other end's MAC permanently.  The jail sends everything to a gateway
 * that stands for the host's end (169.254.0.1, fe80::1: the addresses
 * answer nothing, their MAC is the host end's), and the host routes each
 * of the jail's addresses to its end, so neither side depends on the
 * other's ARP settings, DAD or link-local addresses.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "sj-private.h"
#include "netlink.h"
#include "net.h"

/* Where a jail on a veth sends everything, IPv4 and IPv6. */
static const unsigned char veth_gateway[2][16] = {
	{ 169, 254, 0, 1 },
	{ 0xfe, 0x80, [15] = 1 },
};

/* The names the veth's jail end may take: the first a macvlan does not. */
static const char *const veth_names[] = { "eth0", "veth0", "jail0" };

static int fam(int family)
{
	return family == AF_INET6;
}

static int full(int family)
{
	return family == AF_INET ? 32 : 128;
}

static const char *param(const struct sj_addr *a)
{
	return a->family == AF_INET ? "ip4.addr" : "ip6.addr";
}

/* Fail about address A: "ip4.addr: 192.0.2.1 WHY". */
static int bad(const struct sj_addr *a, int errnum, sj_error *err, const char *why)
{
	char text[INET6_ADDRSTRLEN + IF_NAMESIZE + 8];

	addr_format(a, text, sizeof(text));
	return sj_fail(err, errnum, "%s: %s %s", param(a), text, why);
}

/* A jail's address is one a host could have on an interface. */
static int check_unicast(const struct sj_addr *a, bool lo, sj_error *err)
{
	static const unsigned char one6[16] = { [15] = 1 }, zero[16];
	const unsigned char *b = a->addr;

	if (a->family == AF_INET) {
		if (b[0] == 0 || b[0] >= 224)
			return bad(a, EINVAL, err, "is not a unicast address");
		if (b[0] == 127 && !lo)
			return bad(a, EINVAL, err, "is a loopback address: write lo|ADDRESS "
				   "for the jail's own loopback");
		return 0;
	}
	if (memcmp(b, zero, 16) == 0 || b[0] == 0xff ||
	    (memcmp(b, zero, 10) == 0 && b[10] == 0xff && b[11] == 0xff))
		return bad(a, EINVAL, err, "is not a unicast address");
	if (memcmp(b, one6, 16) == 0 && !lo)
		return bad(a, EINVAL, err, "is a loopback address: write lo|ADDRESS for the "
			   "jail's own loopback");
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return bad(a, EINVAL, err, "is link-local: a jail's address must be routable");
	return 0;
}

/* The interface of KIND (and PARENT) in the plan, added if new. */
static int plan_if(struct sj_net *net, enum jail_if_kind kind, const struct nlk_link *parent,
		   sj_error *err)
{
	struct jail_if *v;

	for (size_t i = 0; i < net->nifs; i++)
		if (net->ifs[i].kind == kind &&
		    (!parent || net->ifs[i].parent_index == parent->ifindex))
			return (int)i;
	v = realloc(net->ifs, (net->nifs + 1) * sizeof(*v));
	if (!v)
		return sj_fail(err, ENOMEM, "out of memory");
	net->ifs = v;
	v += net->nifs;
	memset(v, 0, sizeof(*v));
	v->kind = kind;
	if (kind == IF_LOOPBACK)
		snprintf(v->name, sizeof(v->name), "lo");
	if (parent) {
		/* In the jail, the interface bears its parent's name, as a
		 * FreeBSD jail sees the host's em0. */
		snprintf(v->parent, sizeof(v->parent), "%s", parent->name);
		snprintf(v->name, sizeof(v->name), "%s", parent->name);
		v->parent_index = parent->ifindex;
	}
	return (int)net->nifs++;
}

/* Where address A goes: its interface, prefix and proxy entry. */
static int plan_addr(struct sj_net *net, const struct sj_addr *a, struct jail_addr *out,
		     sj_error *err)
{
	bool lo = net_on_loopback(a);
	struct nlk_link parent;
	struct nlk_route rt = { 0 };
	int r;

	*out = (struct jail_addr){ .a = *a, .prefix = a->prefix >= 0 ? a->prefix : full(a->family) };
	if (check_unicast(a, lo, err) < 0)
		return -1;
	if (lo) {
		out->ifno = plan_if(net, IF_LOOPBACK, NULL, err);
		return out->ifno;
	}
	r = nlk_route_get(&net->host, a->family, a->addr, &rt, err);
	if (r < 0)
		return -1;
	if (r > 0 && rt.type == RTN_LOCAL)
		return bad(a, EADDRINUSE, err, "is an address of the host's own");
	if (!a->ifname[0]) {
		/* On the network of a host interface: answer for it there. */
		if (r > 0 && rt.type == RTN_UNICAST && !rt.gateway)
			out->proxy = rt.ifindex;
		out->ifno = plan_if(net, IF_VETH, NULL, err);
		return out->ifno;
	}
	r = nlk_link_get(&net->host, a->ifname, 0, &parent, err);
	if (r < 0)
		return -1;
	if (r == 0)
		return bad(a, ENODEV, err, "names an interface the host does not have");
	if (a->prefix < 0) {
		/* As an alias on the host's interface would: its network's. */
		out->prefix = nlk_host_prefix(&net->host, parent.ifindex, a->family, a->addr, err);
		if (out->prefix == -1)
			return -1;
		if (out->prefix < 0)
			return bad(a, EINVAL, err, "has no prefix length, and no address of the "
				   "host's on that interface has it in its network: give one "
				   "(ADDRESS/PREFIX)");
	}
	out->ifno = plan_if(net, IF_MACVLAN, &parent, err);
	return out->ifno;
}

/* Name the veth's jail end after the macvlans took their names. */
static void name_veth(struct sj_net *net)
{
	for (size_t i = 0; i < net->nifs; i++) {
		if (net->ifs[i].kind != IF_VETH)
			continue;
		for (size_t n = 0; n < SJ_NELEM(veth_names); n++) {
			bool taken = false;

			for (size_t k = 0; k < net->nifs; k++)
				taken = taken || strcmp(net->ifs[k].name, veth_names[n]) == 0;
			if (!taken) {
				snprintf(net->ifs[i].name, sizeof(net->ifs[i].name), "%s", veth_names[n]);
				break;
			}
		}
	}
}

/*
 * Default routes, one per family: through the host's default gateway on
 * a macvlan's parent when the gateway is on the jail's network there (or
 * link-local), else through the veth's host end when the jail has one.
 */
static int plan_defaults(struct sj_net *net, sj_error *err)
{
	for (size_t i = 0; i < net->nifs; i++) {
		if (net->ifs[i].kind != IF_MACVLAN)
			continue;
		for (int f = 0; f < 2; f++) {
			int family = f ? AF_INET6 : AF_INET, r;
			unsigned char gw[16];

			if (net->default_if[f] >= 0)
				continue;
			r = nlk_default_gateway(&net->host, family, net->ifs[i].parent_index, gw, err);
			if (r < 0)
				return -1;
			for (size_t k = 0; r > 0 && k < net->naddrs; k++) {
				const struct jail_addr *a = &net->addrs[k];

				if (a->ifno != (int)i || a->a.family != family)
					continue;
				if ((f && gw[0] == 0xfe && (gw[1] & 0xc0) == 0x80) ||
				    nlk_in_network(family, gw, a->a.addr, a->prefix)) {
					net->default_if[f] = (int)i;
					memcpy(net->gateway[f], gw, 16);
					break;
				}
			}
		}
	}
	for (size_t k = 0; k < net->naddrs; k++) {
		const struct jail_addr *a = &net->addrs[k];
		int f = fam(a->a.family);

		if (net->ifs[a->ifno].kind == IF_VETH && net->default_if[f] < 0) {
			net->default_if[f] = a->ifno;
			memcpy(net->gateway[f], veth_gateway[f], 16);
		}
	}
	return 0;
}

/* Check J's addresses against the host and plan its interfaces. */
int net_plan(struct sj_jail *j, struct sj_net *net, sj_error *err)
{
	const struct sj_addr_list *lists[] = { &j->cfg.ip4, &j->cfg.ip6 };

	if (nlk_open(&net->host, err) < 0)
		return -1;
	net->addrs = calloc(j->cfg.ip4.n + j->cfg.ip6.n, sizeof(*net->addrs));
	if (!net->addrs)
		return sj_fail(err, ENOMEM, "out of memory");
	for (size_t l = 0; l < SJ_NELEM(lists); l++)
		for (size_t i = 0; i < lists[l]->n; i++) {
			struct sj_addr a = lists[l]->v[i];

			/* FreeBSD's interface parameter: where an address
			 * without an interface of its own goes. */
			if (!a.ifname[0] && j->cfg.interface)
				snprintf(a.ifname, sizeof(a.ifname), "%s", j->cfg.interface);
			for (size_t k = 0; k < net->naddrs; k++)
				if (net->addrs[k].a.family == a.family &&
				    memcmp(net->addrs[k].a.addr, a.addr, 16) == 0)
					return bad(&a, EINVAL, err, "is listed twice");
			if (plan_addr(net, &a, &net->addrs[net->naddrs], err) < 0)
				return -1;
			net->naddrs++;
		}
	name_veth(net);
	return plan_defaults(net, err);
}

/* In the jail's namespace: what its interfaces inherit, and a socket. */
static int enter_jail(struct sj_jail *j, sj_error *err)
{
	/* Only the addresses given: no SLAAC, no addresses or routes from
	 * router advertisements, no link-local address. */
	static const char *const knobs[][2] = {
		{ "accept_ra", "0" }, { "autoconf", "0" }, { "addr_gen_mode", "1" },
	};
	bool v6 = net_mode(&j->cfg, AF_INET6) == SJ_NET_NEW;
	char path[96];

	for (size_t i = 0; i <= SJ_NELEM(knobs); i++) {
		const char *k = i < SJ_NELEM(knobs) ? knobs[i][0] : "disable_ipv6";

		if (i == SJ_NELEM(knobs) && v6)
			break;
		snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/default/%s", k);
		/* A kernel without IPv6 is fine for a jail that has none. */
		if (sj_write_file(path, i < SJ_NELEM(knobs) ? knobs[i][1] : "1", err) < 0 &&
		    (v6 || err->errnum != ENOENT))
			return -1;
	}
	return nlk_open(&j->net->jail, err);
}

/*
 * The host end forwards what the jail sends (to other jails, or on), and
 * takes no orders from it: no redirects, no router advertisements, and no
 * IPv4 source that does not route back to it (rp_filter, against raw
 * sockets with allow.raw_sockets).  IPv6 forwarding per interface needs
 * force_forwarding (Linux 6.17).
 */
static int host_end_sysctls(const char *name, sj_error *err)
{
	static const struct { const char *family, *knob, *value; bool optional; } knobs[] = {
		{ "ipv4", "forwarding", "1", false },
		{ "ipv4", "rp_filter", "1", false },
		{ "ipv4", "accept_redirects", "0", false },
		{ "ipv6", "accept_ra", "0", true },
		{ "ipv6", "accept_redirects", "0", true },
		{ "ipv6", "force_forwarding", "1", true },
	};
	char path[128];

	for (size_t i = 0; i < SJ_NELEM(knobs); i++) {
		snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/%s", knobs[i].family, name,
			 knobs[i].knob);
		if (sj_write_file(path, knobs[i].value, err) < 0 &&
		    !(knobs[i].optional && err->errnum == ENOENT))
			return -1;
	}
	return 0;
}

/* The veth pair: host end sj<jid>, recorded before it is made. */
static int make_veth(struct sj_jail *j, struct sj_net *net, const struct jail_if *f,
		     sj_error *err)
{
	unsigned long long nonce = 0;
	struct nlk_link l;
	char alias[64];

	if (getrandom(&nonce, sizeof(nonce), 0) != sizeof(nonce))
		return sj_fail_errno(err, "getrandom");
	snprintf(net->host_end, sizeof(net->host_end), "sj%d", j->reg.jid);
	snprintf(alias, sizeof(alias), "sysjail:%d:%016llx", j->reg.jid, nonce);
	if (netreg_link(j, net->host_end, alias, err) < 0)
		return -1;
	if (nlk_veth_add(&net->host, net->host_end, f->name, net->netns, err) < 0) {
		if (err->errnum == EEXIST)
			sj_fail(err, EEXIST, "interface %s already exists on the host (a jail of "
				"another registry?)", net->host_end);
		net->host_end[0] = '\0';
		return -1;
	}
	if (nlk_link_get(&net->host, net->host_end, 0, &l, err) != 1)
		return sj_fail(err, ENODEV, "%s: the new interface is gone", net->host_end);
	net->host_index = l.ifindex;
	memcpy(net->host_mac, l.mac, sizeof(l.mac));
	/* The alias tells our interface from one of the same name made
	 * since by someone else, should the journal outlive the jail. */
	if (host_end_sysctls(net->host_end, err) < 0)
		return -1;
	return nlk_link_up_alias(&net->host, net->host_index, alias, err);
}

/* The jail's interfaces: made, found in its namespace, up. */
static int make_interfaces(struct sj_jail *j, struct sj_net *net, sj_error *err)
{
	for (size_t i = 0; i < net->nifs; i++) {
		struct jail_if *f = &net->ifs[i];
		struct nlk_link l;

		if (f->kind == IF_VETH && make_veth(j, net, f, err) < 0)
			return -1;
		if (f->kind == IF_MACVLAN &&
		    nlk_macvlan_add(&net->host, f->parent_index, f->parent, f->name, net->netns,
				    err) < 0)
			return -1;
		if (nlk_link_get(&net->jail, f->name, 0, &l, err) != 1)
			return sj_fail(err, ENODEV, "%s: not in the jail's namespace", f->name);
		f->index = l.ifindex;
		memcpy(f->mac, l.mac, sizeof(l.mac));
		if (nlk_link_up(&net->jail, f->index, err) < 0)
			return -1;
	}
	return 0;
}

/* Each address on its interface; a veth's routed and proxied by the host. */
static int add_addresses(struct sj_jail *j, struct sj_net *net, sj_error *err)
{
	for (size_t k = 0; k < net->naddrs; k++) {
		const struct jail_addr *a = &net->addrs[k];
		const struct jail_if *f = &net->ifs[a->ifno];
		int family = a->a.family;
		/* No DAD: a server can bind it at once.  On the veth the
		 * prefix is shown but routes nothing: the host routes all. */
		unsigned flags = IFA_F_NODAD | (f->kind == IF_VETH ? IFA_F_NOPREFIXROUTE : 0);

		if (nlk_addr_add(&net->jail, f->index, family, a->a.addr, a->prefix, flags,
				 err) < 0) {
			char text[INET6_ADDRSTRLEN + IF_NAMESIZE + 8];

			addr_format(&a->a, text, sizeof(text));
			sj_error_prefix(err, "%s: %s", param(&a->a), text);
			return -1;
		}
		if (f->kind != IF_VETH)
			continue;
		if (nlk_neigh_add(&net->host, family, a->a.addr, f->mac, net->host_index, err) < 0 ||
		    nlk_route_add(&net->host, family, a->a.addr, full(family), NULL,
				  net->host_index, err) < 0)
			return -1;
		if (a->proxy && (netreg_proxy(j, a->proxy, &a->a, err) < 0 ||
				 nlk_proxy(&net->host, true, family, a->a.addr, a->proxy, err) < 0))
			return -1;
	}
	return 0;
}

/* The jail's default routes, and its veth's permanent gateway entries. */
static int add_routes(struct sj_net *net, sj_error *err)
{
	for (int f = 0; f < 2; f++) {
		int family = f ? AF_INET6 : AF_INET;
		const struct jail_if *i;

		if (net->default_if[f] < 0)
			continue;
		i = &net->ifs[net->default_if[f]];
		if (i->kind == IF_VETH &&
		    nlk_neigh_add(&net->jail, family, veth_gateway[f], net->host_mac, i->index,
				  err) < 0)
			return -1;
		if (nlk_route_add(&net->jail, family, NULL, 0, net->gateway[f], i->index, err) < 0)
			return -1;
	}
	return 0;
}

/*
 * After the init's clone: give the jail its interfaces, addresses and
 * routes.  On failure, whatever was made is deleted.
 */
int net_configure(struct sj_jail *j, sj_error *err)
{
	struct sj_net *net = j->net;
	int r;

	if (!net || !net->nifs)
		return 0;
	if (net->netns < 0 && (net->netns = net_open_init(j, err)) < 0)
		return -1;
	r = net_in(net->netns, enter_jail, j, err);
	if (r == 0)
		r = make_interfaces(j, net, err);
	if (r == 0)
		r = add_addresses(j, net, err);
	if (r == 0)
		r = add_routes(net, err);
	if (r < 0) {
		sj_error_prefix(err, "network");
		net_teardown(j);
	}
	/* Teardown opens its own: a socket would hold the namespace. */
	nlk_close(&net->host);
	nlk_close(&net->jail);
	return r;
}

static int open_jail_socket(struct sj_jail *j, sj_error *err)
{
	return nlk_open(&j->net->jail, err);
}

/*
 * Delete every interface in the jail's namespace (a veth's host end goes
 * with its pair): for a jail that ended or is being removed, whether or
 * not its namespace outlives it.  Never in our own namespace.
 */
void net_teardown(struct sj_jail *j)
{
	struct sj_net *net = j->net;
	sj_error ignored;
	int links[256], n;

	if (!net || net->netns < 0 || net_is_ours(net->netns))
		return;
	if (!net->jail.sk && net_in(net->netns, open_jail_socket, j, &ignored) < 0)
		return;
	n = nlk_links(&net->jail, links, SJ_NELEM(links), &ignored);
	for (int i = 0; i < n; i++)
		nlk_link_del(&net->jail, links[i], &ignored);
	nlk_close(&net->jail);
}
