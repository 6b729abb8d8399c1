/*
 * landlock.c: the jail's Landlock domain.
 *
 * Landlock is on wherever the kernel has it.  Every jail's init and
 * first command are scoped (ABI 6): they cannot signal a process, nor
 * connect to an abstract unix socket, outside their domain.  TCP bind
 * and connect are limited to the jail's ports (ABI 4) when the jail has
 * port rules (sysjail.tcp.bind, sysjail.tcp.connect), and always in a
 * jail confined in place.  Filesystem rules (ABI 1) are the whole
 * filesystem view of a jail confined in place, and a second wall behind
 * the mount namespace when sysjail.landlock.fs asks for one: they cost
 * about 0.9 us on every open(2) here, where the scoping-only ruleset
 * costs nothing measurable (bench/landlock), so they are not on by
 * default where the mount namespace already holds the line.
 *
 * A restriction the jail asked for that this kernel cannot apply stops
 * the jail (ll_check() before anything is built, and every step of
 * ll_restrict() in the process); a restriction sysjail adds on its own
 * where the kernel has it (the scoping of a jail with namespaces) is
 * left out on a kernel without it.
 *
 * Debian 12's headers know Landlock ABI 2: what came later is defined
 * here, under the kernel's names.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "sj-private.h"

#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif
#define LL_RULE_PATH_BENEATH 1
#define LL_RULE_NET_PORT 2

/* The kernel's structures as of ABI 6; it takes the size we pass. */
struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

struct ll_path_beneath {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

struct ll_net_port {
	uint64_t allowed_access;
	uint64_t port;
};

#define FS_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define FS_EXEC (FS_READ | LANDLOCK_ACCESS_FS_EXECUTE)
#define FS_DEV (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
		LANDLOCK_ACCESS_FS_IOCTL_DEV)
#define FS_ALL ((1ULL << 16) - 1)

/* The filesystem rights each ABI knows. */
static uint64_t fs_rights(int abi)
{
	uint64_t r = FS_ALL;

	if (abi < 5)
		r &= ~LANDLOCK_ACCESS_FS_IOCTL_DEV;
	if (abi < 3)
		r &= ~LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi < 2)
		r &= ~LANDLOCK_ACCESS_FS_REFER;
	return r;
}

/* The Landlock ABI version of this kernel, 0 when it has none. */
int ll_abi(void)
{
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0,
			 LANDLOCK_CREATE_RULESET_VERSION);

	return v < 0 ? 0 : (int)v;
}

/*
 * A list of TCP ports, "80,443,8000-8099", or "none".  Landlock takes one
 * rule per port, so ranges are capped: a rule costs about a microsecond
 * at every start of a process in the jail.
 */
#define LL_PORTS_MAX 4096

int ll_ports_parse(const char *text, uint16_t **ports, size_t *n, sj_error *err)
{
	const char *p = text;

	*ports = NULL;
	*n = 0;
	if (strcmp(text, "none") == 0)
		return 0;
	for (;;) {
		unsigned long lo, hi;
		char *end;

		if (*p < '0' || *p > '9')
			goto bad;
		lo = strtoul(p, &end, 10);
		hi = lo;
		if (*end == '-') {
			p = end + 1;
			if (*p < '0' || *p > '9')
				goto bad;
			hi = strtoul(p, &end, 10);
		}
		if (lo > 65535 || hi > 65535 || hi < lo)
			goto bad;
		if (*n + (hi - lo + 1) > LL_PORTS_MAX) {
			free(*ports);
			*ports = NULL;
			return sj_fail(err, EINVAL, "'%s' is more than %d ports (Landlock takes "
				       "one rule per port)", text, LL_PORTS_MAX);
		}
		for (unsigned long port = lo; port <= hi; port++) {
			uint16_t *v = realloc(*ports, (*n + 1) * sizeof(**ports));

			if (!v) {
				free(*ports);
				*ports = NULL;
				return sj_fail(err, ENOMEM, "out of memory");
			}
			*ports = v;
			v[(*n)++] = (uint16_t)port;
		}
		if (*end == '\0')
			return 0;
		if (*end != ',')
			goto bad;
		p = end + 1;
	}
bad:
	free(*ports);
	*ports = NULL;
	*n = 0;
	return sj_fail(err, EINVAL, "'%s' is not a list of ports (80,443,8000-8099) or 'none'",
		       text);
}

/* What the jail's domain restricts, from its parameters and mode. */
struct ll_plan {
	bool fs;			/* filesystem rules */
	bool net_bind, net_connect;	/* TCP rules (none listed: none allowed) */
	uint64_t scoped;
	bool scope_required;		/* confined in place: no PID namespace */
	bool domain_required;		/* a domain even with nothing to restrict */
};

static void plan(const struct sj_jail *j, enum ll_who who, struct ll_plan *p)
{
	const struct sj_config *c = &j->cfg;
	bool confine = j->mode == SJ_MODE_CONFINE;
	bool inherit = c->ip4_mode == SJ_NET_INHERIT && c->ip6_mode == SJ_NET_INHERIT;

	memset(p, 0, sizeof(*p));
	p->scoped = LANDLOCK_SCOPE_SIGNAL | LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET;
	/*
	 * The init of a user's jail is dumpable, so that its owner may enter
	 * the jail (setns(2) through a pidfd wants ptrace access to it); a
	 * domain of its own, above the jail's, keeps every process of the
	 * jail from tracing it, as Landlock holds a domain to itself and
	 * the domains nested in it.
	 */
	if (who == LL_INIT) {
		p->domain_required = true;
		return;
	}
	p->fs = confine || c->landlock_fs;
	/* Confined in place, the jail shares the host's network: without a
	 * namespace of its own (ip4=inherit aside), no TCP but its ports. */
	p->net_bind = c->tcp_bind || (confine && !inherit);
	p->net_connect = c->tcp_connect || (confine && !inherit);
	p->domain_required = j->mode == SJ_MODE_USERNS;
	p->scope_required = confine;
	/*
	 * The init and the jail's command share one domain (or nested ones).
	 * A command sj_attach() starts (jexec, exec.start, exec.stop) gets a
	 * domain of its own: scoped, it could not signal the jail's own
	 * processes (nor they it), and exec.stop could not stop what
	 * exec.start started.  The PID namespace holds that line for it;
	 * the network namespace holds the abstract sockets unless the jail
	 * shares the host's.
	 */
	if (who == LL_ATTACHED)
		p->scoped = net_private(c) ? 0 : LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET;
}

/*
 * Before a jail is made: refuse what it asks of Landlock that this
 * kernel cannot do, naming the restriction and the ABI it needs.
 */
int ll_check(const struct sj_jail *j, sj_error *err)
{
	int abi = ll_abi();
	struct ll_plan p;
	const char *what = NULL;
	int need = 0;

	plan(j, LL_COMMAND, &p);
	if (p.scope_required && abi < 6) {
		what = "confining in place (signal and abstract-socket scoping)";
		need = 6;
	} else if ((p.net_bind || p.net_connect) && abi < 4) {
		what = j->mode == SJ_MODE_CONFINE ? "confining in place (TCP port rules)"
						  : "sysjail.tcp.bind, sysjail.tcp.connect";
		need = 4;
	} else if (p.fs && abi < 1) {
		what = j->mode == SJ_MODE_CONFINE ? "confining in place (filesystem rules)"
						  : "sysjail.landlock.fs";
		need = 1;
	}
	if (what)
		return sj_fail(err, EOPNOTSUPP, "%s needs Landlock ABI %d; this kernel has %s",
			       what, need, abi ? "an older one" : "no Landlock");
	return 0;
}

/* Allow ACCESS (cut to what the ruleset handles) beneath PATH. */
static int add_path(int ruleset, const char *path, uint64_t access, uint64_t handled,
		    bool optional, sj_error *err)
{
	struct ll_path_beneath rule = { .allowed_access = access & handled };
	SJ_AUTOCLOSE int fd = open(path, O_PATH | O_CLOEXEC);
	struct stat st;

	if (fd < 0) {
		if (optional && errno == ENOENT)
			return 0;
		return sj_fail_errno(err, "landlock: %s", path);
	}
	/* Directory rights on a file are refused by the kernel. */
	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		rule.allowed_access &= LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
				       LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |
				       LANDLOCK_ACCESS_FS_IOCTL_DEV;
	rule.parent_fd = fd;
	if (syscall(SYS_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &rule, 0) < 0)
		return sj_fail_errno(err, "landlock: a rule for %s", path);
	return 0;
}

/* What a program needs to run from the host's tree: read and execute. */
static const char *const system_dirs[] = {
	"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc",
};

/* Devices every program may use; the terminal is its own, not the host's ptys. */
static const char *const dev_files[] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty",
};

/* The file the command runs, found as execvp(3) will: allowed if outside
 * the directories above (a program of the user's own). */
static int add_command(int ruleset, const struct sj_jail *j, uint64_t handled, sj_error *err)
{
	const char *cmd = j->cfg.command ? j->cfg.command[0] : NULL;
	const char *path = getenv("PATH");
	char buf[4096];

	if (!cmd)
		return 0;
	if (strchr(cmd, '/'))
		return add_path(ruleset, cmd, FS_EXEC, handled, true, err);
	if (!path)
		path = "/bin:/usr/bin";
	while (*path) {
		size_t len = strcspn(path, ":");

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)len, len ? path : ".", cmd);
		if (access(buf, X_OK) == 0)
			return add_path(ruleset, buf, FS_EXEC, handled, true, err);
		path += len + (path[len] == ':');
	}
	return 0;
}

/* Filesystem rules: the jail's view in place, or its root once inside. */
static int add_fs_rules(int ruleset, const struct sj_jail *j, uint64_t handled, sj_error *err)
{
	uint64_t root = j->cfg.readonly ? FS_EXEC : FS_ALL;

	if (j->mode != SJ_MODE_CONFINE) {
		/* Inside the jail's mount namespace: its root, and what its
		 * mounts make writable in a read-only one. */
		if (add_path(ruleset, "/", root, handled, false, err) < 0)
			return -1;
		if (j->cfg.readonly) {
			if (add_path(ruleset, "/dev", FS_ALL, handled, true, err) < 0 ||
			    add_path(ruleset, "/proc", FS_READ | LANDLOCK_ACCESS_FS_WRITE_FILE,
				     handled, true, err) < 0)
				return -1;
			for (size_t i = 0; i < j->nmounts; i++) {
				char target[4096];

				if (j->mounts[i].attrs & MOUNT_ATTR_RDONLY)
					continue;
				snprintf(target, sizeof(target), "/%s", j->mounts[i].target);
				if (add_path(ruleset, target, FS_ALL, handled, true, err) < 0)
					return -1;
			}
		}
		return 0;
	}
	if (add_path(ruleset, j->cfg.path, root, handled, false, err) < 0)
		return -1;
	for (size_t i = 0; i < SJ_NELEM(system_dirs); i++)
		if (add_path(ruleset, system_dirs[i], FS_EXEC, handled, true, err) < 0)
			return -1;
	for (size_t i = 0; i < SJ_NELEM(dev_files); i++)
		if (add_path(ruleset, dev_files[i], FS_DEV, handled, true, err) < 0)
			return -1;
	/* /proc: what other processes' files would tell is behind Landlock's
	 * ptrace check, which holds a domain to its own processes. */
	if (add_path(ruleset, "/proc", FS_READ, handled, true, err) < 0)
		return -1;
	return add_command(ruleset, j, handled, err);
}

static int add_ports(int ruleset, const char *list, uint64_t access, sj_error *err)
{
	SJ_AUTOFREE uint16_t *ports = NULL;
	size_t n;

	if (!list)
		return 0;
	if (ll_ports_parse(list, &ports, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct ll_net_port rule = { .allowed_access = access, .port = ports[i] };

		if (syscall(SYS_landlock_add_rule, ruleset, LL_RULE_NET_PORT, &rule, 0) < 0)
			return sj_fail_errno(err, "landlock: a rule for TCP port %u", ports[i]);
	}
	return 0;
}

/*
 * Restrict the calling process, and all it will start, to a domain of
 * the jail: WHO says whose.  Needs no_new_privs (caps_drop() sets it).
 */
int ll_restrict(const struct sj_jail *j, enum ll_who who, sj_error *err)
{
	struct ll_ruleset_attr attr = { 0 };
	int abi = ll_abi();
	SJ_AUTOCLOSE int ruleset = -1;
	struct ll_plan p;
	size_t size;

	plan(j, who, &p);
	if (abi < 6) {
		if (p.scope_required)
			return sj_fail(err, EOPNOTSUPP, "landlock: confining in place needs "
				       "ABI 6 (scoping); this kernel has %d", abi);
		p.scoped = 0;
	}
	if (p.fs)
		attr.handled_access_fs = fs_rights(abi);
	if (p.net_bind)
		attr.handled_access_net |= LANDLOCK_ACCESS_NET_BIND_TCP;
	if (p.net_connect)
		attr.handled_access_net |= LANDLOCK_ACCESS_NET_CONNECT_TCP;
	attr.scoped = p.scoped;
	if (!attr.handled_access_fs && !attr.handled_access_net && !attr.scoped) {
		if (!p.domain_required || abi < 1)
			return 0;
		/* A domain with nothing to allow: no block device made. */
		attr.handled_access_fs = LANDLOCK_ACCESS_FS_MAKE_BLOCK;
	}
	if (abi < 1 || (attr.handled_access_net && abi < 4))
		return sj_fail(err, EOPNOTSUPP, "landlock: the jail's rules need a newer ABI "
			       "than this kernel's (%d)", abi);
	/* The smallest structure that carries what we set: an older kernel
	 * refuses a larger one with non-zero fields it does not know. */
	size = attr.scoped ? sizeof(attr) : attr.handled_access_net
	       ? offsetof(struct ll_ruleset_attr, scoped)
	       : offsetof(struct ll_ruleset_attr, handled_access_net);
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
	if (ruleset < 0)
		return sj_fail_errno(err, "landlock: creating the jail's ruleset");
	if (p.fs && add_fs_rules(ruleset, j, attr.handled_access_fs, err) < 0)
		return -1;
	if (p.net_bind && add_ports(ruleset, j->cfg.tcp_bind, LANDLOCK_ACCESS_NET_BIND_TCP,
				    err) < 0)
		return -1;
	if (p.net_connect && add_ports(ruleset, j->cfg.tcp_connect,
				       LANDLOCK_ACCESS_NET_CONNECT_TCP, err) < 0)
		return -1;
	/* From here on the kernel holds the process to the rules, whatever
	 * it later asks: a file outside them, a port not listed, a signal
	 * to a process outside its domain. */
	if (syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
		return sj_fail_errno(err, "landlock: entering the jail's domain");
	return 0;
}
