/*
 * addr.c: jail addresses as FreeBSD writes them: "[ifname|]address[/prefix]",
 * comma-separated in lists.  IPv4 prefixes may also be dotted netmasks.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "sj-private.h"

static bool ifname_valid(const char *s, size_t len)
{
	if (len == 0 || len >= IF_NAMESIZE)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isgraph((unsigned char)s[i]) || s[i] == '/' || s[i] == ':' ||
		    s[i] == ',')
			return false;
	return true;
}

/* Whether NAME can name an interface (the interface parameter). */
bool addr_ifname_valid(const char *name)
{
	return ifname_valid(name, strlen(name));
}

/* Length of a contiguous IPv4 netmask, or -1. */
static int netmask_prefix(const char *s)
{
	struct in_addr m;
	uint32_t v;
	int n = 0;

	if (inet_pton(AF_INET, s, &m) != 1)
		return -1;
	v = ntohl(m.s_addr);
	while (v & 0x80000000u) {
		v <<= 1;
		n++;
	}
	return v ? -1 : n;
}

static int parse_prefix(const char *s, int family, sj_error *err)
{
	int max = family == AF_INET ? 32 : 128;
	char *end;
	long v;

	if (family == AF_INET && strchr(s, '.')) {
		int n = netmask_prefix(s);

		if (n < 0)
			return sj_fail(err, EINVAL, "'%s' is not a netmask", s);
		return n;
	}
	if (!isdigit((unsigned char)*s))
		return sj_fail(err, EINVAL, "prefix length '%s' is not a number", s);
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end || errno || v < 0 || v > max)
		return sj_fail(err, EINVAL, "prefix length '%s' is out of range (0-%d)",
			       s, max);
	return (int)v;
}

/* Parse one address. */
int addr_parse(const char *text, struct sj_addr *a, sj_error *err)
{
	char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 8];
	const char *bar = strchr(text, '|');
	char *slash, *host;

	memset(a, 0, sizeof(*a));
	a->prefix = -1;
	if (strlen(text) >= sizeof(buf))
		return sj_fail(err, EINVAL, "'%s' is not an address", text);
	if (bar) {
		if (!ifname_valid(text, (size_t)(bar - text)))
			return sj_fail(err, EINVAL, "'%.*s' is not an interface name",
				       (int)(bar - text), text);
		memcpy(a->ifname, text, (size_t)(bar - text));
		text = bar + 1;
	}
	strcpy(buf, text);
	host = buf;
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, host, a->addr) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, host, a->addr) == 1)
		a->family = AF_INET6;
	else
		return sj_fail(err, EINVAL, "'%s' is not an IPv4 or IPv6 address", host);
	if (slash) {
		int p = parse_prefix(slash + 1, a->family, err);

		if (p < 0)
			return -1;
		a->prefix = p;
	}
	return 0;
}

int addr_list_append(struct sj_addr_list *l, const struct sj_addr *a, sj_error *err)
{
	struct sj_addr *v = realloc(l->v, (l->n + 1) * sizeof(*v));

	if (!v)
		return sj_fail(err, ENOMEM, "out of memory");
	v[l->n++] = *a;
	l->v = v;
	return 0;
}

void addr_list_clear(struct sj_addr_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/*
 * Parse a comma-separated list into OUT (appending).  FAMILY, when not
 * AF_UNSPEC, is the only family accepted.
 */
int addr_list_parse(const char *text, int family, struct sj_addr_list *out,
		    sj_error *err)
{
	SJ_AUTOFREE char *copy = sj_strdup(text, err);
	char *save = NULL;

	if (!copy)
		return -1;
	if (!*text)
		return sj_fail(err, EINVAL, "empty address");
	for (char *tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		struct sj_addr a;

		while (isspace((unsigned char)*tok))
			tok++;
		if (addr_parse(tok, &a, err) < 0)
			return -1;
		if (family != AF_UNSPEC && a.family != family)
			return sj_fail(err, EINVAL, "'%s' is not an %s address", tok,
				       family == AF_INET ? "IPv4" : "IPv6");
		if (addr_list_append(out, &a, err) < 0)
			return -1;
	}
	return 0;
}

/* Print A as it was written: "[ifname|]address[/prefix]". */
int addr_format(const struct sj_addr *a, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];
	int n;

	inet_ntop(a->family, a->addr, host, sizeof(host));
	n = snprintf(buf, len, "%s%s%s", a->ifname, *a->ifname ? "|" : "", host);
	if (a->prefix >= 0 && n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, "/%d", a->prefix);
	return n;
}

bool sj_addr_list_valid(const char *text)
{
	struct sj_addr_list l = { 0 };
	sj_error err;
	bool ok = addr_list_parse(text, AF_UNSPEC, &l, &err) == 0;

	addr_list_clear(&l);
	return ok;
}
