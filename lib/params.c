/*
 * params.c: the one table of jail parameters.  jail(8)'s name=value
 * arguments, jail.conf(5) and sj_jail_set() all set parameters through it,
 * and jls(8) reads them back through it.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "sj-private.h"

enum param_type {
	PT_STRING,
	PT_PATH,			/* absolute path */
	PT_BOOL,
	PT_JID,
	PT_NAME,
	PT_HOSTNAME,
	PT_ADDR4,
	PT_ADDR6,
	PT_NETMODE,
	PT_ARGV,
	PT_INT,				/* 0 .. INT_MAX */
	PT_LIST,			/* strings, each value one element */
	PT_SYSVIPC,			/* new | inherit, onto allow.sysvipc */
	PT_LIMIT,			/* a resource limit or an rlimit (limits.c) */
	PT_LAYOUT,			/* a list, each element checked by layout.c */
	PT_ENVSET,			/* a list of VAR=VALUE */
	PT_ENVNAME,			/* a list of VAR */
	PT_ID,				/* a uid or gid, -1 (shown empty): unset */
	PT_SHARENET,			/* a boolean onto ip4 and ip6: no field */
	PT_LOGDEST,			/* "-" (stderr) or an absolute path; no value: "-" */
	PT_MODE,			/* enum sj_mode, or auto (0) */
	PT_PORTS,			/* TCP ports for Landlock: "80,8000-8099" */
};

enum param_flags {
	PF_MUTABLE = 1 << 0,		/* can change on a running jail */
	PF_LIST = 1 << 1,		/* takes += */
	PF_TOOL = 1 << 2,		/* how to run, not what the jail is */
	PF_PENDING = 1 << 3,		/* refused: jail.c does not act on it yet */
	PF_NOOP = 1 << 4,		/* FreeBSD's, means nothing on Linux: no field */
	PF_ALWAYS = 1 << 5,		/* a boolean sysjail always has true */
	PF_JAIL8 = 1 << 6,		/* jail(8)'s: how a jail is made, not what it is */
};

struct param {
	const char *name;
	enum param_type type;
	size_t offset;
	unsigned flags;
	size_t len;			/* strlen(name) */
};

#define P(n, t, field, f) { n, t, offsetof(struct sj_config, field), f, sizeof(n) - 1 }

static const struct param params[] = {
	P("jid", PT_JID, jid, 0),
	P("name", PT_NAME, name, 0),
	P("path", PT_PATH, path, 0),
	P("host.hostname", PT_HOSTNAME, hostname, PF_MUTABLE),
	P("ip4.addr", PT_ADDR4, ip4, PF_LIST),
	P("ip6.addr", PT_ADDR6, ip6, PF_LIST),
	P("ip4", PT_NETMODE, ip4_mode, 0),
	P("ip6", PT_NETMODE, ip6_mode, 0),
	P("interface", PT_STRING, interface, 0),
	P("persist", PT_BOOL, persist, 0),
	P("command", PT_ARGV, command, PF_JAIL8),
	P("exec.clean", PT_BOOL, exec_clean, PF_JAIL8),
	P("exec.jail_user", PT_STRING, jail_user, PF_JAIL8),
	P("exec.system_jail_user", PT_BOOL, system_jail_user, PF_JAIL8),
	P("allow.set_hostname", PT_BOOL, allow_set_hostname, 0),
	P("allow.raw_sockets", PT_BOOL, allow_raw_sockets, 0),
	P("allow.sysvipc", PT_BOOL, allow_sysvipc, 0),
	P("allow.mount", PT_BOOL, allow_mount, 0),
	P("allow.socket_af", PT_BOOL, allow_socket_af, 0),
	/* jail.conf(5)'s: exec.* run on stop too, so those can change. */
	P("exec.prestart", PT_LIST, exec_prestart, PF_LIST | PF_JAIL8),
	P("exec.created", PT_LIST, exec_created, PF_LIST | PF_JAIL8),
	P("exec.start", PT_LIST, exec_start, PF_LIST | PF_JAIL8),
	P("exec.poststart", PT_LIST, exec_poststart, PF_LIST | PF_JAIL8),
	P("exec.prestop", PT_LIST, exec_prestop, PF_LIST | PF_JAIL8 | PF_MUTABLE),
	P("exec.stop", PT_LIST, exec_stop, PF_LIST | PF_JAIL8 | PF_MUTABLE),
	P("exec.poststop", PT_LIST, exec_poststop, PF_LIST | PF_JAIL8 | PF_MUTABLE),
	P("exec.system_user", PT_STRING, exec_system_user, PF_JAIL8 | PF_MUTABLE),
	P("exec.timeout", PT_INT, exec_timeout, PF_JAIL8 | PF_MUTABLE),
	P("exec.consolelog", PT_PATH, exec_consolelog, PF_JAIL8 | PF_MUTABLE),
	P("stop.timeout", PT_INT, stop_timeout, PF_JAIL8 | PF_MUTABLE),
	P("mount.fstab", PT_PATH, mount_fstab, PF_JAIL8),
	P("mount", PT_LIST, mount, PF_LIST | PF_JAIL8),
	P("mount.devfs", PT_BOOL, mount_devfs, PF_ALWAYS | PF_JAIL8),
	P("mount.fdescfs", PT_BOOL, mount_fdescfs, PF_ALWAYS | PF_JAIL8),
	P("mount.procfs", PT_BOOL, mount_procfs, PF_ALWAYS | PF_JAIL8),
	P("children.max", PT_INT, children_max, 0),
	P("sysvmsg", PT_SYSVIPC, sysvmsg, 0),
	P("sysvsem", PT_SYSVIPC, sysvsem, 0),
	P("sysvshm", PT_SYSVIPC, sysvshm, 0),
	/* FreeBSD's parameters that mean nothing on Linux: accepted (the
	 * value checked for its type), kept nowhere, and jail.conf(5)
	 * and jail(8) warn naming them.  N: no field. */
#define N(n, t, f) { n, t, 0, PF_NOOP | (f), sizeof(n) - 1 }
	N("securelevel", PT_INT, 0),
	N("devfs_ruleset", PT_INT, 0),
	N("enforce_statfs", PT_INT, 0),
	N("allow.chflags", PT_BOOL, 0),
	N("allow.dying", PT_BOOL, 0),
	N("allow.mount.devfs", PT_BOOL, 0),
	N("allow.mount.fdescfs", PT_BOOL, 0),
	N("allow.mount.fusefs", PT_BOOL, 0),
	N("allow.mount.linprocfs", PT_BOOL, 0),
	N("allow.mount.linsysfs", PT_BOOL, 0),
	N("allow.mount.nullfs", PT_BOOL, 0),
	N("allow.mount.procfs", PT_BOOL, 0),
	N("allow.mount.tmpfs", PT_BOOL, 0),
	N("allow.mount.zfs", PT_BOOL, 0),
	N("ip4.saddrsel", PT_BOOL, 0),
	N("ip6.saddrsel", PT_BOOL, 0),
	N("exec.fib", PT_INT, 0),
	N("osrelease", PT_STRING, 0),
	N("osreldate", PT_INT, 0),
	N("linux", PT_STRING, 0),
	N("linux.osname", PT_STRING, 0),
	N("linux.osrelease", PT_STRING, 0),
	N("linux.oss_version", PT_INT, 0),
	N("zfs.dataset", PT_LIST, PF_LIST),
#undef N
	P("sysjail.userns", PT_BOOL, userns, 0),
	P("sysjail.seccomp", PT_STRING, seccomp, 0),
	P("sysjail.rundir", PT_PATH, rundir, PF_TOOL),
	/* Resource limits: cgroup.c applies them, also to a running jail;
	 * the rlimits are inherited from the init or jexec's attacher. */
	P("sysjail.cgroup", PT_STRING, cgroup, 0),
	P("sysjail.memory", PT_LIMIT, memory, PF_MUTABLE),
	P("sysjail.memory_swap", PT_LIMIT, memory_swap, PF_MUTABLE),
	P("sysjail.maxproc", PT_LIMIT, maxproc, PF_MUTABLE),
	P("sysjail.cpu_weight", PT_LIMIT, cpu_weight, PF_MUTABLE),
	P("sysjail.cpu_quota", PT_LIMIT, cpu_quota, PF_MUTABLE),
#define R(n, r) P("sysjail.rlimit." n, PT_LIMIT, rlimits[r], 0)
	R("as", RLIMIT_AS), R("core", RLIMIT_CORE), R("cpu", RLIMIT_CPU),
	R("data", RLIMIT_DATA), R("fsize", RLIMIT_FSIZE), R("locks", RLIMIT_LOCKS),
	R("memlock", RLIMIT_MEMLOCK), R("msgqueue", RLIMIT_MSGQUEUE), R("nice", RLIMIT_NICE),
	R("nofile", RLIMIT_NOFILE), R("nproc", RLIMIT_NPROC), R("rtprio", RLIMIT_RTPRIO),
	R("rttime", RLIMIT_RTTIME), R("sigpending", RLIMIT_SIGPENDING), R("stack", RLIMIT_STACK),
#undef R
	/* sysjail(8)'s: each name is its long option (--ro-bind SRC DST is
	 * ro-bind += "SRC DST"). */
	P("bind", PT_LAYOUT, bind, PF_LIST | PF_JAIL8),
	P("ro-bind", PT_LAYOUT, ro_bind, PF_LIST | PF_JAIL8),
	P("tmpfs", PT_LAYOUT, tmpfs, PF_LIST | PF_JAIL8),
	P("dev", PT_LAYOUT, dev, PF_LIST | PF_JAIL8),
	P("proc", PT_LAYOUT, proc, PF_LIST | PF_JAIL8),
	P("dir", PT_LAYOUT, dir, PF_LIST | PF_JAIL8),
	P("symlink", PT_LAYOUT, symlink, PF_LIST | PF_JAIL8),
	P("chmod", PT_LAYOUT, chmod, PF_LIST | PF_JAIL8),
	P("chdir", PT_PATH, chdir, PF_JAIL8),
	P("setenv", PT_ENVSET, setenv, PF_LIST | PF_JAIL8),
	P("unsetenv", PT_ENVNAME, unsetenv, PF_LIST | PF_JAIL8),
	P("clearenv", PT_BOOL, clearenv, PF_JAIL8),
	P("uid", PT_ID, uid, PF_JAIL8),
	P("gid", PT_ID, gid, PF_JAIL8),
	{ "share-net", PT_SHARENET, 0, PF_JAIL8, sizeof("share-net") - 1 },
	P("new-session", PT_BOOL, new_session, PF_JAIL8),
	P("die-with-parent", PT_BOOL, die_with_parent, PF_JAIL8),
	P("log-denied", PT_LOGDEST, log_denied, PF_JAIL8),
	/* sjrun(8)'s: a jail made from an OCI bundle (oci*.c). */
	P("sysjail.oci", PT_PATH, oci, 0),
	P("sysjail.oci_id", PT_STRING, oci_id, 0),
	/* Unprivileged jails and Landlock (issue 6): unpriv.c, landlock.c. */
	P("sysjail.mode", PT_MODE, mode, 0),
	P("sysjail.keep_uid", PT_BOOL, keep_uid, 0),
	P("sysjail.readonly", PT_BOOL, readonly, 0),
	P("sysjail.landlock.fs", PT_BOOL, landlock_fs, 0),
	P("sysjail.tcp.bind", PT_PORTS, tcp_bind, 0),
	P("sysjail.tcp.connect", PT_PORTS, tcp_connect, 0),
};

/* Other names of parameters: FreeBSD's rctl(8) resources that mean what a
 * sysjail limit means, and the short names sysjail(8) gives some. */
static const struct {
	const char *alias, *name;
} aliases[] = {
	{ "memoryuse", "sysjail.memory" },
	{ "swapuse", "sysjail.memory_swap" },
	{ "maxproc", "sysjail.maxproc" },
	{ "pcpu", "sysjail.cpu_quota" },
	{ "openfiles", "sysjail.rlimit.nofile" },
	{ "hostname", "host.hostname" },
	{ "seccomp", "sysjail.seccomp" },
};

#undef P

static const char *const modes[] = {
	[0] = "auto",
	[SJ_MODE_ROOT] = "root",
	[SJ_MODE_USERNS] = "userns",
	[SJ_MODE_CONFINE] = "confine",
};

static const char *const netmodes[] = {
	[SJ_NET_DISABLE] = "disable",
	[SJ_NET_NEW] = "new",
	[SJ_NET_INHERIT] = "inherit",
};

void params_init(struct sj_config *c)
{
	memset(c, 0, sizeof(*c));
	c->ip4_mode = -1;
	c->ip6_mode = -1;
	c->userns = true;
	c->mount_devfs = c->mount_fdescfs = c->mount_procfs = true;
	c->stop_timeout = 10;		/* FreeBSD's default */
	c->memory = c->cpu_quota = SJ_LIMIT_NONE;
	c->memory_swap = 0;		/* with a memory limit: see jail(8) */
	c->maxproc = SJ_MAXPROC_DEFAULT;
	c->cpu_weight = SJ_CPU_WEIGHT_DEFAULT;
	c->uid = c->gid = -1;
}

static void argv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

void params_free(struct sj_config *c)
{
	for (size_t i = 0; i < SJ_NELEM(params); i++) {
		void *field = (char *)c + params[i].offset;

		if (params[i].flags & PF_NOOP)
			continue;
		switch (params[i].type) {
		case PT_STRING:
		case PT_PATH:
		case PT_NAME:
		case PT_HOSTNAME:
		case PT_LOGDEST:
		case PT_PORTS:
			free(*(char **)field);
			break;
		case PT_ADDR4:
		case PT_ADDR6:
			addr_list_clear(field);
			break;
		case PT_ARGV:
		case PT_LIST:
		case PT_LAYOUT:
		case PT_ENVSET:
		case PT_ENVNAME:
			argv_free(*(char ***)field);
			break;
		case PT_BOOL:
		case PT_JID:
		case PT_NETMODE:
		case PT_INT:
		case PT_SYSVIPC:
		case PT_LIMIT:
		case PT_ID:
		case PT_SHARENET:
		case PT_MODE:
			break;
		}
	}
	memset(c, 0, sizeof(*c));
}

static const struct param *find(const char *name)
{
	size_t len = strlen(name);

	/* Called for every line of every registry entry jls reads: the
	 * length first spares most comparisons. */
	for (size_t i = 0; i < SJ_NELEM(params); i++)
		if (params[i].len == len && memcmp(params[i].name, name, len) == 0)
			return &params[i];
	for (size_t i = 0; i < SJ_NELEM(aliases); i++)
		if (strcmp(aliases[i].alias, name) == 0)
			return find(aliases[i].name);
	return NULL;
}

/* Whether P is a boolean: NAME alone sets it, noNAME clears it. */
static bool is_bool(const struct param *p)
{
	return p->type == PT_BOOL || p->type == PT_SHARENET;
}

/* "noNAME" for a boolean NAME, as jail(8) and jail.conf(5) allow. */
static const struct param *find_negated(const char *name)
{
	const char *dot = strrchr(name, '.');
	char buf[128];
	const struct param *p;

	/* The "no" goes on the last component: "allow.noraw_sockets". */
	if (dot && strncmp(dot + 1, "no", 2) == 0)
		snprintf(buf, sizeof(buf), "%.*s%s", (int)(dot + 1 - name), name, dot + 3);
	else if (!dot && strncmp(name, "no", 2) == 0)
		snprintf(buf, sizeof(buf), "%s", name + 2);
	else
		return NULL;
	p = find(buf);
	return p && is_bool(p) ? p : NULL;
}

bool sj_param_exists(const char *name)
{
	return find(name) || find_negated(name);
}

int params_lookup(const char *name, struct param_info *out)
{
	const struct param *p = find(name);
	bool negated = false;

	if (!p) {
		p = find_negated(name);
		negated = true;
	}
	if (!p) {
		errno = ENOENT;
		return -1;
	}
	*out = (struct param_info){
		.name = p->name,
		.negated = negated,
		.boolean = is_bool(p),
		.list = p->flags & PF_LIST,
		.mutable = p->flags & PF_MUTABLE,
		.noop = p->flags & PF_NOOP,
		.pending = p->flags & PF_PENDING,
	};
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };

	if (!v) {
		*out = true;
		return 0;
	}
	for (size_t i = 0; i < SJ_NELEM(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

int params_hostname_valid(const char *name, sj_error *err)
{
	size_t len = strlen(name), label = 0;

	if (len == 0)
		return sj_fail(err, EINVAL, "empty hostname");
	if (len > 64)
		return sj_fail(err, EINVAL,
			       "hostname '%.70s%s' is too long (%zu characters, at most 64)",
			       name, len > 70 ? "..." : "", len);
	for (size_t i = 0; i <= len; i++) {
		char ch = name[i];

		if (ch == '.' || ch == '\0') {
			if (label == 0 || name[i - 1] == '-')
				return sj_fail(err, EINVAL, "hostname '%s' is malformed "
					       "(empty label, or a label ending in '-')", name);
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)ch) && ch != '-')
			return sj_fail(err, EINVAL, "hostname '%s' is malformed "
				       "(character '%c' is not a letter, digit, '-' or '.')",
				       name, ch);
		if (label == 0 && ch == '-')
			return sj_fail(err, EINVAL, "hostname '%s' is malformed "
				       "(a label starts with '-')", name);
		label++;
	}
	return 0;
}

static int name_valid(const char *name, sj_error *err)
{
	size_t len = strlen(name);
	bool digits = true;

	if (len == 0 || len > 64)
		return sj_fail(err, EINVAL, "jail name must be 1 to 64 characters");
	for (const char *p = name; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
			return sj_fail(err, EINVAL, "jail name '%s' has character '%c' "
				       "(letters, digits, '_' and '-' only)", name, *p);
		digits = digits && isdigit((unsigned char)*p);
	}
	if (digits)
		return sj_fail(err, EINVAL, "jail name '%s' is a number, "
			       "which would read as a jid", name);
	return 0;
}

static int set_string(char **field, const char *value, sj_error *err)
{
	char *v = sj_strdup(value, err);

	if (!v)
		return -1;
	free(*field);
	*field = v;
	return 0;
}

/* Split VALUE on whitespace into an argv; the "command" parameter. */
static int set_argv(char ***field, const char *value, sj_error *err)
{
	SJ_AUTOFREE char *copy = sj_strdup(value, err);
	char **v = NULL, *save = NULL;
	size_t n = 0;

	if (!copy)
		return -1;
	for (char *t = strtok_r(copy, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save)) {
		char **nv = realloc(v, (n + 2) * sizeof(*v));

		if (!nv || !(nv[n] = strdup(t))) {
			free(nv ? nv : v);
			return sj_fail(err, ENOMEM, "out of memory");
		}
		v = nv;
		v[++n] = NULL;
	}
	if (!v)
		return sj_fail(err, EINVAL, "empty command");
	argv_free(*field);
	*field = v;
	return 0;
}

/* A decimal integer in [LO, HI]. */
static int parse_int(const char *v, long lo, long hi, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (end == v || *end || errno || n < lo || n > hi)
		return -1;
	*out = (int)n;
	return 0;
}

/* A list of strings: VALUE is one element, replacing the list or added. */
static int set_list(char ***field, const char *value, bool append, sj_error *err)
{
	char *s = sj_strdup(value, err), **v;
	size_t n = 0;

	if (!s)
		return -1;
	while (append && *field && (*field)[n])
		n++;
	v = realloc(append ? *field : NULL, (n + 2) * sizeof(*v));
	if (!v) {
		free(s);
		return sj_fail(err, ENOMEM, "out of memory");
	}
	if (!append)
		argv_free(*field);
	v[n] = s;
	v[n + 1] = NULL;
	*field = v;
	return 0;
}

/*
 * sysvmsg, sysvsem, sysvshm: FreeBSD's per-primitive IPC modes.  The
 * jail has one IPC namespace for all three (allow.sysvipc), so they
 * must agree; "disable" would need a seccomp rule of its own.
 */
static int set_sysvipc(struct sj_config *c, int *field, const char *value, sj_error *err)
{
	static const char *const names[] = { "sysvmsg", "sysvsem", "sysvshm" };
	int *const all[] = { &c->sysvmsg, &c->sysvsem, &c->sysvshm };
	int mode;

	if (strcmp(value, "new") == 0)
		mode = SJ_NET_NEW;
	else if (strcmp(value, "inherit") == 0)
		mode = SJ_NET_INHERIT;
	else if (strcmp(value, "disable") == 0)
		return sj_fail(err, EINVAL, "'disable' is not supported yet: the jail has System "
			       "V IPC in an IPC namespace of its own ('new') or the host's "
			       "('inherit')");
	else
		return sj_fail(err, EINVAL, "'%s' is not one of new, inherit, disable", value);
	for (size_t i = 0; i < SJ_NELEM(all); i++)
		if (all[i] != field && *all[i] && *all[i] != mode)
			return sj_fail(err, EINVAL, "'%s' conflicts with %s=%s: one IPC namespace "
				       "serves sysvmsg, sysvsem and sysvshm", value, names[i],
				       netmodes[*all[i]]);
	*field = mode;
	c->allow_sysvipc = mode == SJ_NET_INHERIT;
	return 0;
}

/* An environment variable's name, and for setenv "=VALUE" after it. */
static int env_check(const char *value, bool assignment, sj_error *err)
{
	size_t n = strcspn(value, "=");

	if (n == 0)
		return sj_fail(err, EINVAL, "'%s': empty variable name", value);
	if (assignment && !value[n])
		return sj_fail(err, EINVAL, "'%s' is not VAR=VALUE", value);
	if (!assignment && value[n])
		return sj_fail(err, EINVAL, "'%s': a variable name has no '='", value);
	return 0;
}

/* log-denied: no value, true or "-" for standard error; an absolute
 * path for a file; false for none. */
static int set_logdest(char **field, const char *value, sj_error *err)
{
	bool on = true;

	if (value && value[0] != '/' && strcmp(value, "-") != 0 && parse_bool(value, &on) < 0)
		return sj_fail(err, EINVAL, "'%s' is not '-' (standard error), an absolute "
			       "path or a boolean", value);
	if (!on) {
		free(*field);
		*field = NULL;
		return 0;
	}
	if (value && value[0] == '/' && strlen(value) >= PATH_MAX)
		return sj_fail(err, ENAMETOOLONG, "path is too long");
	return set_string(field, value && value[0] == '/' ? value : "-", err);
}

static int set_one(struct sj_config *c, const struct param *p, const char *value,
		   bool append, sj_error *err)
{
	void *field = (char *)c + p->offset;

	if (!value && !is_bool(p) && p->type != PT_LOGDEST)
		return sj_fail(err, EINVAL, "needs a value");
	if (append && !(p->flags & PF_LIST))
		return sj_fail(err, EINVAL, "is not a list: '+=' does not apply");
	switch (p->type) {
	case PT_STRING:
		return set_string(field, value, err);
	case PT_PATH:
		if (value[0] != '/')
			return sj_fail(err, EINVAL, "'%s' is not an absolute path", value);
		if (strlen(value) >= PATH_MAX)
			return sj_fail(err, ENAMETOOLONG, "path is too long");
		return set_string(field, value, err);
	case PT_NAME:
		if (name_valid(value, err) < 0)
			return -1;
		return set_string(field, value, err);
	case PT_HOSTNAME:
		if (params_hostname_valid(value, err) < 0)
			return -1;
		return set_string(field, value, err);
	case PT_BOOL:
		if (parse_bool(value, field) < 0)
			return sj_fail(err, EINVAL, "'%s' is not a boolean", value);
		return 0;
	case PT_JID: {
		char *end;
		long v;

		errno = 0;
		v = strtol(value, &end, 10);
		if (!isdigit((unsigned char)*value) || *end || errno || v < 0 || v > INT_MAX)
			return sj_fail(err, EINVAL, "'%s' is not a jail id", value);
		*(int *)field = (int)v;
		return 0;
	}
	case PT_ADDR4:
	case PT_ADDR6: {
		struct sj_addr_list l = { 0 };
		int family = p->type == PT_ADDR4 ? AF_INET : AF_INET6;

		if (addr_list_parse(value, family, &l, err) < 0) {
			addr_list_clear(&l);
			return -1;
		}
		if (!append)
			addr_list_clear(field);
		for (size_t i = 0; i < l.n; i++)
			if (addr_list_append(field, &l.v[i], err) < 0) {
				addr_list_clear(&l);
				return -1;
			}
		addr_list_clear(&l);
		return 0;
	}
	case PT_NETMODE:
		for (size_t i = 0; i < SJ_NELEM(netmodes); i++)
			if (strcmp(value, netmodes[i]) == 0) {
				*(int *)field = (int)i;
				return 0;
			}
		return sj_fail(err, EINVAL, "'%s' is not one of new, inherit, disable", value);
	case PT_ARGV:
		return set_argv(field, value, err);
	case PT_INT:
		if (parse_int(value, 0, INT_MAX, field) < 0)
			return sj_fail(err, EINVAL, "'%s' is not a number from 0 to %d", value, INT_MAX);
		return 0;
	case PT_LIST:
		return set_list(field, value, append, err);
	case PT_SYSVIPC:
		return set_sysvipc(c, field, value, err);
	case PT_LIMIT:
		return lim_parse(p->name, value, field, err);
	case PT_LAYOUT:
		if (layout_check(p->name, value, err) < 0)
			return -1;
		return set_list(field, value, append, err);
	case PT_ENVSET:
	case PT_ENVNAME:
		if (env_check(value, p->type == PT_ENVSET, err) < 0)
			return -1;
		return set_list(field, value, append, err);
	case PT_ID: {
		int id;

		/* (uid_t)-1 means "unchanged" to setresuid(2). */
		if (parse_int(value, 0, INT_MAX, &id) < 0)
			return sj_fail(err, EINVAL, "'%s' is not a uid or gid (0 to %d)", value,
				       INT_MAX);
		*(long *)field = id;
		return 0;
	}
	case PT_SHARENET: {
		bool share;

		if (parse_bool(value, &share) < 0)
			return sj_fail(err, EINVAL, "'%s' is not a boolean", value);
		/* The host's network namespace: ip4=inherit ip6=inherit;
		 * false undoes only that. */
		if (share)
			c->ip4_mode = c->ip6_mode = SJ_NET_INHERIT;
		else if (c->ip4_mode == SJ_NET_INHERIT && c->ip6_mode == SJ_NET_INHERIT)
			c->ip4_mode = c->ip6_mode = -1;
		return 0;
	}
	case PT_LOGDEST:
		return set_logdest(field, value, err);
	case PT_MODE:
		for (size_t i = 0; i < SJ_NELEM(modes); i++)
			if (strcmp(value, modes[i]) == 0) {
				*(int *)field = (int)i;
				return 0;
			}
		return sj_fail(err, EINVAL, "'%s' is not one of auto, root, userns, confine", value);
	case PT_PORTS: {
		SJ_AUTOFREE uint16_t *ports = NULL;
		size_t n;

		if (ll_ports_parse(value, &ports, &n, err) < 0)
			return -1;
		return set_string(field, value, err);
	}
	}
	return sj_fail(err, EINVAL, "has no setter");
}

/* A FreeBSD parameter that means nothing here: check the value, keep nothing. */
static int check_noop(const struct param *p, const char *value, bool append, sj_error *err)
{
	bool b;
	int n;

	if (!value && p->type != PT_BOOL)
		return sj_fail(err, EINVAL, "needs a value");
	if (append && !(p->flags & PF_LIST))
		return sj_fail(err, EINVAL, "is not a list: '+=' does not apply");
	if (p->type == PT_BOOL && parse_bool(value, &b) < 0)
		return sj_fail(err, EINVAL, "'%s' is not a boolean", value);
	if (p->type == PT_INT && parse_int(value, INT_MIN, INT_MAX, &n) < 0)
		return sj_fail(err, EINVAL, "'%s' is not a number", value);
	return 0;
}

/* set_one(), and what the table says beyond the type. */
static int set_checked(struct sj_config *c, const struct param *p, const char *value,
		       bool append, sj_error *err)
{
	bool *flag = (bool *)((char *)c + p->offset);

	if (p->flags & PF_PENDING)
		return sj_fail(err, EINVAL, "not supported yet");
	if (p->flags & PF_NOOP)
		return check_noop(p, value, append, err);
	if (set_one(c, p, value, append, err) < 0)
		return -1;
	if ((p->flags & PF_ALWAYS) && !*flag) {
		*flag = true;
		return sj_fail(err, EINVAL, "'false' is not supported: sysjail always mounts it");
	}
	return 0;
}

static int set_or_add(struct sj_config *c, const char *name, const char *value,
		      bool append, sj_error *err)
{
	const struct param *p = find(name);

	if (!p) {
		p = find_negated(name);
		if (!p)
			return sj_fail(err, EINVAL, "unknown parameter '%s'", name);
		if (value)
			return sj_fail(err, EINVAL, "'%s' takes no value", name);
		value = "false";
	}
	if (set_checked(c, p, value, append, err) < 0) {
		sj_error_prefix(err, "%s", name);
		return -1;
	}
	return 0;
}

int params_set(struct sj_config *c, const char *name, const char *value, sj_error *err)
{
	return set_or_add(c, name, value, false, err);
}

int params_add(struct sj_config *c, const char *name, const char *value, sj_error *err)
{
	return set_or_add(c, name, value, true, err);
}

static int format_addrs(const struct sj_addr_list *l, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < l->n && n < len; i++) {
		if (i > 0)
			n += (size_t)snprintf(buf + n, len - n, ",");
		if (n < len)
			n += (size_t)addr_format(&l->v[i], buf + n, len - n);
	}
	return (int)n;
}

int params_get(const struct sj_config *c, const char *name, char *buf, size_t len,
	       sj_error *err)
{
	const struct param *p = find(name);
	const void *field;
	int n = 0;

	if (!p)
		return sj_fail(err, ENOENT, "unknown parameter '%s'", name);
	if (p->flags & PF_NOOP)
		return sj_fail(err, ENOENT, "%s: means nothing on Linux, and is not kept", name);
	field = (const char *)c + p->offset;
	switch (p->type) {
	case PT_STRING:
	case PT_PATH:
	case PT_NAME:
	case PT_HOSTNAME:
	case PT_LOGDEST:
	case PT_PORTS: {
		const char *s = *(char *const *)field;

		n = snprintf(buf, len, "%s", s ? s : "");
		break;
	}
	case PT_BOOL:
		n = snprintf(buf, len, "%s", *(const bool *)field ? "true" : "false");
		break;
	case PT_JID:
	case PT_INT:
		n = snprintf(buf, len, "%d", *(const int *)field);
		break;
	case PT_SYSVIPC:
		n = snprintf(buf, len, "%s", c->allow_sysvipc ? "inherit" : "new");
		break;
	case PT_LIMIT:
		n = lim_format(p->name, field, buf, len);
		break;
	case PT_MODE:
		n = snprintf(buf, len, "%s", modes[*(const int *)field]);
		break;
	case PT_ADDR4:
	case PT_ADDR6:
		n = format_addrs(field, buf, len);
		break;
	case PT_NETMODE: {
		/* The mode in effect: "new" for a jail with addresses. */
		int m = net_mode(c, field == &c->ip4_mode ? AF_INET : AF_INET6);

		n = snprintf(buf, len, "%s", netmodes[m]);
		break;
	}
	case PT_ID:
		buf[0] = '\0';
		if (*(const long *)field >= 0)
			n = snprintf(buf, len, "%ld", *(const long *)field);
		break;
	case PT_SHARENET:
		/* As in effect (ip4=inherit takes ip6 with it), so that
		 * reading back what was written changes nothing. */
		n = snprintf(buf, len, "%s", net_mode(c, AF_INET) == SJ_NET_INHERIT &&
			     net_mode(c, AF_INET6) == SJ_NET_INHERIT ? "true" : "false");
		break;
	case PT_ARGV:
	case PT_LIST:
	case PT_LAYOUT:
	case PT_ENVSET:
	case PT_ENVNAME: {
		char *const *v = *(char **const *)field;
		const char *sep = p->type == PT_ARGV ? " " : ",";

		buf[0] = '\0';
		for (size_t i = 0; v && v[i] && (size_t)n < len; i++)
			n += snprintf(buf + n, len - (size_t)n, "%s%s", i ? sep : "", v[i]);
		break;
	}
	}
	if (n < 0 || (size_t)n >= len)
		return sj_fail(err, ERANGE, "%s: value does not fit", name);
	return n;
}

/* Checks across parameters, made once before a jail is created. */
int params_check(const struct sj_config *c, sj_error *err)
{
	if (!c->path)
		return sj_fail(err, EINVAL, "path: a jail needs a path (its root directory)");
	if (!c->command && !c->persist && !(c->exec_start && c->exec_start[0]))
		return sj_fail(err, EINVAL, "a jail needs a command, exec.start, or persist to "
			       "live without either");
	if (c->ip4.n && c->ip4_mode >= 0 && c->ip4_mode != SJ_NET_NEW)
		return sj_fail(err, EINVAL, "ip4.addr is set but ip4 is '%s'",
			       netmodes[c->ip4_mode]);
	if (c->ip6.n && c->ip6_mode >= 0 && c->ip6_mode != SJ_NET_NEW)
		return sj_fail(err, EINVAL, "ip6.addr is set but ip6 is '%s'",
			       netmodes[c->ip6_mode]);
	if (c->interface && !addr_ifname_valid(c->interface))
		return sj_fail(err, EINVAL, "interface: '%s' is not an interface name",
			       c->interface);
	/* A jail cannot make jails: it has no root on the host. */
	if (c->children_max != 0)
		return sj_fail(err, EINVAL, "children.max: jails inside jails are not "
			       "supported; only 0 is");
	if (c->cgroup && cg_parent_valid(c->cgroup, err) < 0)
		return -1;
	if (c->memory_swap > 0 && c->memory == SJ_LIMIT_NONE)
		return sj_fail(err, EINVAL, "sysjail.memory_swap: limits swap beyond sysjail.memory, "
			       "which is unlimited: set sysjail.memory too");
	if (c->system_jail_user && !c->jail_user)
		return sj_fail(err, EINVAL, "exec.system_jail_user needs exec.jail_user");
	if (c->allow_set_hostname && !c->userns)
		return sj_fail(err, EINVAL, "allow.set_hostname needs sysjail.userns: without a "
			       "user namespace, root in the jail would need CAP_SYS_ADMIN");
	if (c->jail_user && (c->uid >= 0 || c->gid >= 0))
		return sj_fail(err, EINVAL, "%s: exec.jail_user names the user already",
			       c->uid >= 0 ? "uid" : "gid");
	if (c->userns && ((c->uid >= (long)SJ_UID_COUNT) || c->gid >= (long)SJ_UID_COUNT))
		return sj_fail(err, EINVAL, "%s: %ld is outside the jail's ids (0-%u)",
			       c->uid >= (long)SJ_UID_COUNT ? "uid" : "gid",
			       c->uid >= (long)SJ_UID_COUNT ? c->uid : c->gid, SJ_UID_COUNT - 1);
	return 0;
}

/* The Ith parameter's name, NULL past the last. */
const char *sj_param_name(size_t i)
{
	return i < SJ_NELEM(params) ? params[i].name : NULL;
}

unsigned sj_param_flags(const char *name)
{
	const struct param *p = find(name);
	unsigned f = SJ_PARAM_KNOWN;

	if (!p)
		return 0;
	if (is_bool(p))
		f |= SJ_PARAM_BOOL;
	if (p->flags & PF_LIST)
		f |= SJ_PARAM_LIST;
	if (p->flags & PF_MUTABLE)
		f |= SJ_PARAM_MUTABLE;
	if (p->flags & PF_TOOL)
		f |= SJ_PARAM_LOCAL;
	if (p->flags & PF_NOOP)
		f |= SJ_PARAM_IGNORED;
	if (p->flags & PF_PENDING)
		f |= SJ_PARAM_PENDING;
	if (p->flags & PF_JAIL8)
		f |= SJ_PARAM_JAIL8;
	return f;
}

/*
 * The elements of string-list parameter NAME, NULL-ended (an empty list
 * when unset); NULL when NAME is not a list of strings.
 */
char *const *params_list(const struct sj_config *c, const char *name)
{
	static char *const empty[] = { NULL };
	const struct param *p = find(name);
	char *const *v;

	if (!p || (p->type != PT_LIST && p->type != PT_LAYOUT && p->type != PT_ENVSET &&
		   p->type != PT_ENVNAME) || (p->flags & PF_NOOP))
		return NULL;
	v = *(char **const *)((const char *)c + p->offset);
	return v ? v : empty;
}
