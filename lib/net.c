/*
 * net.c: the jail's network namespace.
 *
 * The jail's init is cloned into a new network namespace (unless the jail
 * inherits the host's), as root in the host's user namespace, so the
 * namespace belongs to the host's user namespace: root in the jail can
 * never change its interfaces, addresses or routes.  The init brings up
 * loopback and sets the namespace's own sysctls before it gives up root.
 *
 * (Making the namespace in a separate thread, in parallel with the rest
 * of the set-up, was measured here and was no faster: the 0.6 ms the
 * kernel takes is spent either way, and waking the other CPU costs more
 * than the overlap saves.)
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "sj-private.h"

/* Whether the jail gets a network namespace of its own. */
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
 * In the init, in the jail's new network namespace, through the host's
 * /proc: root in the jail holds no CAP_NET_BIND_SERVICE in a namespace
 * the host's user namespace owns, so let every id in the jail bind low
 * ports and use ICMP echo sockets, in its own namespace only.
 */
int net_setup_inside(const struct sj_jail *j, sj_error *err)
{
	char range[32];

	if (!net_private(&j->cfg))
		return 0;
	/* A user's jail: the groups its namespace maps, no others. */
	snprintf(range, sizeof(range), "0 %u",
		 j->mode == SJ_MODE_USERNS ? j->nids - 1 : 2147483647u);
	if (bring_up_loopback(err) < 0 ||
	    sj_write_file("/proc/sys/net/ipv4/ip_unprivileged_port_start", "0", err) < 0 ||
	    sj_write_file("/proc/sys/net/ipv4/ping_group_range", range, err) < 0)
		return -1;
	return 0;
}
