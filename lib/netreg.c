/*
 * netreg.c: jail addresses in the registry, and what the host holds for
 * them.
 *
 *   RUNDIR/net/JID   the jail's network journal, one record a line:
 *     netns DEV:INO        the host's network namespace the jail was made in
 *     jail NAME            its name ("-" if none), for messages
 *     addr ADDRESS         an address it holds (one line each)
 *     link NAME ALIAS      its veth's host end, recognised by its alias
 *     proxy IFINDEX ADDR   a proxy ARP/NDP entry it has on a host interface
 *
 * The addresses are claimed in reg_reserve(), under the registry lock, so
 * two jails never hold one address.  Host-side objects are recorded before
 * they are made, so whoever purges a dead jail's entry (its own manager,
 * jail -r from another process, or the next jail to take its jid) removes
 * them whatever killed it: the veth's host end goes with the jail's
 * namespace, but a proxy entry on a host interface would stay, and a
 * namespace may outlive the jail while something holds it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sj-private.h"
#include "netlink.h"
#include "net.h"

/* A journal as read back; only what purging and claiming need. */
struct journal {
	unsigned long long dev, ino;	/* the host namespace */
	char name[72];
	struct sj_addr_list addrs;	/* claims */
	char link[IF_NAMESIZE], alias[128];
	struct proxy {
		int ifindex;
		struct sj_addr a;
	} *proxies;
	size_t nproxies;
};

/* The calling thread's network namespace, as DEV and INO. */
static int own_netns(unsigned long long *dev, unsigned long long *ino)
{
	struct stat st;

	if (stat("/proc/thread-self/ns/net", &st) < 0)
		return -1;
	*dev = (unsigned long long)st.st_dev;
	*ino = (unsigned long long)st.st_ino;
	return 0;
}

static void journal_free(struct journal *jn)
{
	addr_list_clear(&jn->addrs);
	free(jn->proxies);
	memset(jn, 0, sizeof(*jn));
}

static int parse_addr(const char *text, struct sj_addr *a)
{
	sj_error ignored;

	return addr_parse(text, a, &ignored);
}

/* One record; a line cut short by a crash or a concurrent append is skipped. */
static void journal_line(struct journal *jn, char *line)
{
	char a[INET6_ADDRSTRLEN + 1];
	struct sj_addr addr;
	int n;

	if (sscanf(line, "netns %llu:%llu", &jn->dev, &jn->ino) == 2)
		return;
	if (sscanf(line, "jail %71s", jn->name) == 1)
		return;
	if (sscanf(line, "addr %46s", a) == 1 && parse_addr(a, &addr) == 0) {
		sj_error ignored;

		addr_list_append(&jn->addrs, &addr, &ignored);
	} else if (sscanf(line, "link %15s %127s", jn->link, jn->alias) == 2) {
		return;
	} else if (sscanf(line, "proxy %d %46s", &n, a) == 2 && parse_addr(a, &addr) == 0) {
		struct proxy *p = realloc(jn->proxies, (jn->nproxies + 1) * sizeof(*p));

		if (!p)
			return;
		jn->proxies = p;
		p[jn->nproxies++] = (struct proxy){ n, addr };
	}
}

/* Read jail JID's journal; -1 (errno ENOENT) if it has none. */
static int journal_read(int dirfd, int jid, struct journal *jn)
{
	char path[32], *line = NULL;
	size_t cap = 0;
	FILE *f;
	int fd;

	memset(jn, 0, sizeof(*jn));
	snprintf(path, sizeof(path), "net/%d", jid);
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || !(f = fdopen(fd, "re"))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (getline(&line, &cap, f) > 0)
		if (line[strlen(line) - 1] == '\n')
			journal_line(jn, line);
	free(line);
	fclose(f);
	return 0;
}

static bool same_addr(const struct sj_addr *a, const struct sj_addr *b)
{
	return a->family == b->family &&
	       memcmp(a->addr, b->addr, a->family == AF_INET ? 4 : 16) == 0;
}

/* Whether a live jail other than JID records proxy entry P. */
static bool proxy_in_use(int dirfd, int jid, const struct proxy *p)
{
	SJ_AUTOFREE int *jids = NULL;
	bool used = false;
	size_t n = 0;
	sj_error ignored;

	if (reg_list_in(dirfd, "net", &jids, &n, &ignored) < 0)
		return true;
	for (size_t i = 0; i < n && !used; i++) {
		struct journal other;

		if (jids[i] == jid || !reg_alive(dirfd, jids[i]) ||
		    journal_read(dirfd, jids[i], &other) < 0)
			continue;
		for (size_t k = 0; k < other.nproxies && !used; k++)
			used = other.proxies[k].ifindex == p->ifindex &&
			       same_addr(&other.proxies[k].a, &p->a);
		journal_free(&other);
	}
	return used;
}

/* Remove from the host what journal JN recorded, if we are in its namespace. */
static void undo_host_side(int dirfd, int jid, const struct journal *jn)
{
	unsigned long long dev, ino;
	struct nlk_link l;
	struct nlk n;
	sj_error ignored;

	if (!jn->link[0] && !jn->nproxies)
		return;
	/* Elsewhere the indexes and names are another namespace's. */
	if (own_netns(&dev, &ino) < 0 || dev != jn->dev || ino != jn->ino)
		return;
	if (nlk_open(&n, &ignored) < 0)
		return;
	if (jn->link[0] && nlk_link_get(&n, jn->link, 0, &l, &ignored) == 1 &&
	    strcmp(l.alias, jn->alias) == 0)
		nlk_link_del(&n, l.ifindex, &ignored);
	for (size_t i = 0; i < jn->nproxies; i++)
		if (!proxy_in_use(dirfd, jid, &jn->proxies[i]))
			nlk_proxy(&n, false, jn->proxies[i].a.family, jn->proxies[i].a.addr,
				  jn->proxies[i].ifindex, &ignored);
	nlk_close(&n);
}

/*
 * Jail JID is dead (nobody holds its life lock) and the registry lock is
 * held: remove what its journal recorded, then the journal.
 */
void netreg_purge(int dirfd, int jid)
{
	struct journal jn;
	char path[32];

	if (journal_read(dirfd, jid, &jn) < 0)
		return;
	undo_host_side(dirfd, jid, &jn);
	journal_free(&jn);
	snprintf(path, sizeof(path), "net/%d", jid);
	unlinkat(dirfd, path, 0);
}

/* The addresses of J that other jails must not hold (not loopback's). */
static bool claimable(const struct sj_addr *a)
{
	return !net_on_loopback(a);
}

/* Fail if a live jail's journal JN claims one of J's addresses. */
static int check_claims(const struct sj_jail *j, int jid, const struct journal *jn,
			sj_error *err)
{
	const struct sj_addr_list *lists[] = { &j->cfg.ip4, &j->cfg.ip6 };
	char text[INET6_ADDRSTRLEN];

	for (size_t l = 0; l < SJ_NELEM(lists); l++)
		for (size_t i = 0; i < lists[l]->n; i++)
			for (size_t k = 0; k < jn->addrs.n; k++) {
				const struct sj_addr *a = &lists[l]->v[i];

				if (!claimable(a) || !same_addr(a, &jn->addrs.v[k]))
					continue;
				inet_ntop(a->family, a->addr, text, sizeof(text));
				if (strcmp(jn->name, "-") == 0 || !jn->name[0])
					return sj_fail(err, EADDRINUSE, "%s: %s is held by "
						       "jail %d", l ? "ip6.addr" : "ip4.addr",
						       text, jid);
				return sj_fail(err, EADDRINUSE, "%s: %s is held by jail '%s' "
					       "(jid %d)", l ? "ip6.addr" : "ip4.addr", text,
					       jn->name, jid);
			}
	return 0;
}

/* Scan the journals: refuse what live jails hold, purge the dead's. */
static int scan(const struct sj_jail *j, sj_error *err)
{
	SJ_AUTOFREE int *jids = NULL;
	size_t n = 0;
	int r = 0;

	if (reg_list_in(j->reg.dirfd, "net", &jids, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && r == 0; i++) {
		struct journal jn;

		if (jids[i] == j->reg.jid)
			continue;
		if (!reg_alive(j->reg.dirfd, jids[i])) {
			netreg_purge(j->reg.dirfd, jids[i]);
			continue;
		}
		if (journal_read(j->reg.dirfd, jids[i], &jn) < 0)
			continue;
		r = check_claims(j, jids[i], &jn, err);
		journal_free(&jn);
	}
	return r;
}

/* Append LINE to jail J's journal. */
static int append(const struct sj_jail *j, const char *line, bool create, sj_error *err)
{
	char path[32];
	SJ_AUTOCLOSE int fd = -1;

	snprintf(path, sizeof(path), "net/%d", j->reg.jid);
	fd = openat(j->reg.dirfd, path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW |
		    (create ? O_CREAT | O_TRUNC : 0), 0600);
	if (fd < 0 || sj_write_all(fd, line, strlen(line)) < 0)
		return sj_fail_errno(err, "registry %s", path);
	return 0;
}

/*
 * Under the registry lock, for a jail with addresses: claim them, or fail
 * naming the jail that holds one.
 */
int netreg_claim(struct sj_jail *j, sj_error *err)
{
	const struct sj_addr_list *lists[] = { &j->cfg.ip4, &j->cfg.ip6 };
	unsigned long long dev, ino;
	char text[INET6_ADDRSTRLEN], line[128];
	SJ_AUTOFREE char *all = NULL;
	size_t len = 0;
	FILE *f;

	if (!j->cfg.ip4.n && !j->cfg.ip6.n)
		return 0;
	if (mkdirat(j->reg.dirfd, "net", 0700) < 0 && errno != EEXIST)
		return sj_fail_errno(err, "registry net");
	if (scan(j, err) < 0)
		return -1;
	if (own_netns(&dev, &ino) < 0)
		return sj_fail_errno(err, "our network namespace");
	f = open_memstream(&all, &len);
	if (!f)
		return sj_fail(err, ENOMEM, "out of memory");
	fprintf(f, "netns %llu:%llu\njail %s\n", dev, ino, j->cfg.name ? j->cfg.name : "-");
	for (size_t l = 0; l < SJ_NELEM(lists); l++)
		for (size_t i = 0; i < lists[l]->n; i++) {
			const struct sj_addr *a = &lists[l]->v[i];

			if (!claimable(a))
				continue;
			inet_ntop(a->family, a->addr, text, sizeof(text));
			snprintf(line, sizeof(line), "addr %s\n", text);
			fputs(line, f);
		}
	if (fclose(f) != 0)
		return sj_fail(err, ENOMEM, "out of memory");
	return append(j, all, true, err);
}

/* Record, before it is made, the veth host end NAME with ALIAS. */
int netreg_link(const struct sj_jail *j, const char *name, const char *alias, sj_error *err)
{
	char line[IF_NAMESIZE + 160];

	snprintf(line, sizeof(line), "link %s %s\n", name, alias);
	return append(j, line, false, err);
}

/* Record, before it is made, a proxy entry for A on IFINDEX. */
int netreg_proxy(const struct sj_jail *j, int ifindex, const struct sj_addr *a, sj_error *err)
{
	char text[INET6_ADDRSTRLEN], line[96];

	inet_ntop(a->family, a->addr, text, sizeof(text));
	snprintf(line, sizeof(line), "proxy %d %s\n", ifindex, text);
	return append(j, line, false, err);
}
