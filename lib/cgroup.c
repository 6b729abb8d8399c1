/*
 * cgroup.c: the jail's control groups.
 *
 * Each jail gets a group of its own in every hierarchy it uses, named
 * from its jid, so that any process can find it from the registry (jexec,
 * sjls, a jail -r after the jail's maker died):
 *
 *   ROOT/HIERARCHY/PARENT/jail-JID
 *
 * ROOT is /sys/fs/cgroup.  PARENT is sysjail.cgroup ("sysjail"): made on
 * demand and left in place, as /run/sysjail is, so an administrator may
 * limit all jails together through it.  A controller is used through
 * cgroup v2 where the v2 root enables it for its children (its
 * cgroup.subtree_control), else through its v1 hierarchy ROOT/NAME.  A
 * machine with a v2 hierarchy (ROOT itself, or ROOT/unified beside v1
 * ones) also gives every jail a v2 group, controllers or not, for what
 * v2 has in every group: cgroup.kill, cgroup.freeze, cgroup.events and
 * cpu.stat.
 *
 *   pids     sysjail.maxproc               pids.max
 *   memory   sysjail.memory, .memory_swap  memory.max, memory.swap.max (v2);
 *            memory.limit_in_bytes, memory.memsw.limit_in_bytes (v1)
 *   cpu      sysjail.cpu_weight, .cpu_quota
 *            cpu.weight, cpu.max (v2); cpu.shares, cpu.cfs_quota_us (v1)
 *   cpuacct  CPU time used, v1 only (v2's cpu.stat has it)
 *   freezer  removal, v1 only (v2 has cgroup.kill and cgroup.freeze)
 *
 * cpuset is not used: no parameter asks for it, and a v1 cpuset group
 * takes no process until cpus and mems are copied into it.
 *
 * Nothing here touches a group sysjail did not make: only PARENT and the
 * jail-JID groups under it are made, written, emptied or removed.
 *
 * sj_create() makes the v2 group before the init's clone, which puts the
 * init in it (CLONE_INTO_CGROUP), and the v1 groups after; at sj_start()'s
 * "go" the init joins those itself (cg_enter()), then unshares its cgroup
 * namespace: the jail sees its own group as its root.  jexec's attacher is
 * born in the v2 group and joins the v1 ones itself before it clones the
 * command.  Nothing is moved in by pid: see cg_prepare().
 *
 * The groups go with the jail: sj_wait() removes them, jail -r kills
 * through them first, a failed sj_create() undoes them (only those it
 * made), and the registry removes those of a dead jail whose maker died
 * (cg_remove_orphan(): empty groups only).
 *
 * Unit tests point j->cg_fake at a directory they build.  There, nothing
 * is checked to be a cgroup file system, a jail-JID directory that exists
 * is taken as made (the test made it, with the files the kernel would
 * make), writes append a line (the test reads what was written, in
 * order), and a group's files are unlinked before its rmdir.
 *
 * How the v2 path was verified: the machine this was written on has
 * every controller as a v1 hierarchy and a v2 hierarchy with none
 * (/sys/fs/cgroup/unified), so the integration tests run the v1 limits
 * and the v2 group's cgroup.kill and cpu.stat against the kernel; the v2
 * limits (subtree_control, memory.max, memory.swap.max, pids.max,
 * cpu.max, cpu.weight, memory.events) and the v2 freezer are verified
 * by tests/unit/test-cgroup.c only, against fake trees for v2 alone,
 * for v2 beside v1, and for v1 alone: which files are written, with
 * what and in which order, which groups are made, joined, frozen,
 * killed and removed.  jail(8) says the same.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>

#include "cgroup.h"

static const char *const ctl_names[C_COUNT] = { "pids", "memory", "cpu", "cpuacct", "freezer" };

struct where cg_where(const struct sj_jail *j)
{
	return (struct where){
		.root = j->cg_fake ? j->cg_fake : SJ_CGROUP_ROOT,
		.fake = j->cg_fake != NULL,
		.parent = j->cfg.cgroup ? j->cfg.cgroup : SJ_CGROUP_PARENT,
		.jid = j->reg.jid,
	};
}

/* sysjail.cgroup: one group name of letters, digits, '_' and '-'. */
int cg_parent_valid(const char *name, sj_error *err)
{
	size_t len = strlen(name);

	if (len == 0 || len > 64)
		return sj_fail(err, EINVAL, "sysjail.cgroup: a group name of 1 to 64 characters");
	for (const char *p = name; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && *p != '_' && *p != '-')
			return sj_fail(err, EINVAL, "sysjail.cgroup: '%s' has character '%c' (one "
				       "group name: letters, digits, '_' and '-' only)", name, *p);
	return 0;
}

/* ---- files ---------------------------------------------------------- */

static int path_of(char *buf, size_t len, const char *dir, const char *file)
{
	if ((size_t)snprintf(buf, len, "%s/%s", dir, file) >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

bool cg_exists(const char *dir, const char *file)
{
	char path[PATH_MAX];

	return path_of(path, sizeof(path), dir, file) == 0 && access(path, F_OK) == 0;
}

/* Write TEXT to DIR/FILE in one write, DIR relative to DIRFD; -1 with
 * errno on failure. */
static int put_at(const struct groups *gs, int dirfd, const char *dir, const char *file,
		  const char *text)
{
	char path[PATH_MAX], line[64];
	int flags = O_WRONLY | O_CLOEXEC | O_NOFOLLOW | (gs->w.fake ? O_APPEND : 0);
	size_t len;
	ssize_t n;
	int fd;

	if (path_of(path, sizeof(path), dir, file) < 0)
		return -1;
	len = (size_t)snprintf(line, sizeof(line), "%s%s", text, gs->w.fake ? "\n" : "");
	fd = openat(dirfd, path, flags);
	if (fd < 0)
		return -1;
	n = write(fd, line, len);
	if (n < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	return 0;
}

/* Write TEXT to DIR/FILE in one write; -1 with errno on failure. */
int cg_put(const struct groups *gs, const char *dir, const char *file, const char *text)
{
	return put_at(gs, AT_FDCWD, dir, file, text);
}

/* DIR/FILE, whole, NUL-ended (malloc'ed); NULL with errno. */
char *cg_slurp(const char *dir, const char *file)
{
	char path[PATH_MAX], *buf = NULL;
	size_t len = 0, cap = 0;
	SJ_AUTOCLOSE int fd = -1;

	if (path_of(path, sizeof(path), dir, file) < 0)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	/* cgroup.procs of a big jail runs to a few tens of kilobytes. */
	while (cap < (16u << 20)) {
		ssize_t n;

		if (len + 1 >= cap) {
			char *b = realloc(buf, cap = cap ? cap * 2 : 4096);

			if (!b) {
				free(buf);
				errno = ENOMEM;
				return NULL;
			}
			buf = b;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return buf;
}

/* A number file: its value, SJ_LIMIT_NONE for "max", -2 if unreadable. */
long long cg_number(const char *dir, const char *file)
{
	SJ_AUTOFREE char *s = cg_slurp(dir, file);

	if (!s)
		return -2;
	if (strncmp(s, "max", 3) == 0)
		return SJ_LIMIT_NONE;
	return strtoll(s, NULL, 10);
}

/* The value of "KEY value" in a flat-keyed file; -2 if none. */
long long cg_keyed(const char *dir, const char *file, const char *key)
{
	SJ_AUTOFREE char *s = cg_slurp(dir, file);
	size_t len = strlen(key);

	for (char *p = s; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, key, len) == 0 && p[len] == ' ')
			return strtoll(p + len + 1, NULL, 10);
	return -2;
}

/* ---- where the groups are -------------------------------------------- */

/* Whether DIR is a cgroup file system with MAGIC (anything, in a fake tree). */
static bool is_cgroupfs(const struct where *w, const char *dir, long magic, struct stat *st)
{
	struct statfs s;

	if (stat(dir, st) < 0 || !S_ISDIR(st->st_mode) || statfs(dir, &s) < 0)
		return false;
	return w->fake || (long)s.f_type == magic;
}

/* The v2 hierarchy in DIR, and the controllers its root gives its children. */
static bool find_v2(const struct where *w, char *dir, size_t len, unsigned *ctls,
		    struct stat *st)
{
	static const char *const places[] = { "", "/unified" };

	for (size_t i = 0; i < SJ_NELEM(places); i++) {
		SJ_AUTOFREE char *enabled = NULL;
		char *save = NULL;

		if ((size_t)snprintf(dir, len, "%s%s", w->root, places[i]) >= len ||
		    !cg_exists(dir, "cgroup.controllers") ||
		    !is_cgroupfs(w, dir, CGROUP2_SUPER_MAGIC, st))
			continue;
		*ctls = 0;
		enabled = cg_slurp(dir, "cgroup.subtree_control");
		for (char *t = enabled ? strtok_r(enabled, " \n", &save) : NULL; t;
		     t = strtok_r(NULL, " \n", &save))
			for (int c = 0; c < C_COUNT; c++)
				if ((BIT(c) & LIMITED) && strcmp(t, ctl_names[c]) == 0)
					*ctls |= BIT(c);
		return true;
	}
	return false;
}

static int add_group(struct groups *gs, const char *hier, bool v2, unsigned ctls,
		     const struct stat *st, sj_error *err)
{
	struct group *g = &gs->g[gs->n];
	int n = snprintf(g->dir, sizeof(g->dir), "%s/%s", hier, gs->w.parent);

	if (n < 0 || (size_t)n >= sizeof(g->dir) ||
	    (size_t)snprintf(g->dir + n, sizeof(g->dir) - (size_t)n, "/jail-%d",
			     gs->w.jid) >= sizeof(g->dir) - (size_t)n)
		return sj_fail(err, ENAMETOOLONG, "cgroup %s: path too long", hier);
	g->parent_len = (size_t)n;
	g->v2 = v2;
	g->ctls = ctls;
	g->hier = -1;
	g->dev = st->st_dev;
	g->ino = st->st_ino;
	gs->n++;
	return 0;
}

/*
 * Where jail W's groups are on this machine: the v2 one, then one per v1
 * hierarchy (controllers mounted together share one).  Nothing is made.
 */
int cg_layout(const struct where *w, struct groups *gs, sj_error *err)
{
	char dir[PATH_MAX];
	unsigned v2ctls = 0;
	struct stat st;
	bool v2 = find_v2(w, dir, sizeof(dir), &v2ctls, &st);

	memset(gs, 0, sizeof(*gs));
	gs->w = *w;
	if (v2 && add_group(gs, dir, true, v2ctls, &st, err) < 0)
		return -1;
	for (int c = 0; c < C_COUNT; c++) {
		size_t k;

		/* What v2 has in every group, the jail's v2 group gives. */
		if (v2 && ((v2ctls & BIT(c)) || c == C_CPUACCT || c == C_FREEZER))
			continue;
		if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", w->root, ctl_names[c]) >=
		    sizeof(dir) || !is_cgroupfs(w, dir, CGROUP_SUPER_MAGIC, &st) ||
		    !cg_exists(dir, "cgroup.procs")) {
			gs->missing |= BIT(c);
			continue;
		}
		for (k = 0; k < gs->n; k++)
			if (!gs->g[k].v2 && gs->g[k].dev == st.st_dev && gs->g[k].ino == st.st_ino)
				break;
		if (k < gs->n)
			gs->g[k].ctls |= BIT(c);
		else if (add_group(gs, dir, false, BIT(c), &st, err) < 0)
			return -1;
	}
	gs->made = (1u << gs->n) - 1;
	return 0;
}

/* The group serving controller C, or NULL. */
const struct group *cg_serving(const struct groups *gs, enum ctl c)
{
	for (size_t i = 0; i < gs->n; i++)
		if (gs->g[i].ctls & BIT(c))
			return &gs->g[i];
	return NULL;
}

const struct group *cg_v2(const struct groups *gs)
{
	return gs->n && gs->g[0].v2 ? &gs->g[0] : NULL;
}

/* Fail closed: a limit asked for needs its controller. */
static int check_missing(const struct sj_config *c, const struct groups *gs, sj_error *err)
{
	static const char fix[] = "this machine has no %s cgroup controller (in cgroup v2 or "
				  "as a v1 hierarchy under " SJ_CGROUP_ROOT ")%s";

	if ((gs->missing & BIT(C_PIDS)) && c->maxproc != SJ_LIMIT_NONE)
		return sj_fail(err, ENOTSUP, fix, "pids", ": set sysjail.maxproc=unlimited to "
			       "run the jail without a process limit");
	if ((gs->missing & BIT(C_MEMORY)) && c->memory != SJ_LIMIT_NONE)
		return sj_fail(err, ENOTSUP, fix, "memory", " for sysjail.memory");
	if ((gs->missing & BIT(C_CPU)) && c->cpu_quota != SJ_LIMIT_NONE)
		return sj_fail(err, ENOTSUP, fix, "cpu", " for sysjail.cpu_quota");
	if ((gs->missing & BIT(C_CPU)) && c->cpu_weight != SJ_CPU_WEIGHT_DEFAULT)
		return sj_fail(err, ENOTSUP, fix, "cpu", " for sysjail.cpu_weight");
	return 0;
}

/* ---- making groups and setting limits --------------------------------- */

/* PARENT in G's hierarchy, made if need be, with G's v2 controllers on. */
static int make_parent(const struct groups *gs, const struct group *g, sj_error *err)
{
	char parent[PATH_MAX];

	snprintf(parent, sizeof(parent), "%.*s", (int)g->parent_len, g->dir);
	if (mkdir(parent, 0755) < 0 && errno != EEXIST)
		return sj_fail_errno(err, "cgroup %s", parent);
	for (int c = 0; g->v2 && c < C_COUNT; c++) {
		char word[16];

		if (!(g->ctls & BIT(c)))
			continue;
		snprintf(word, sizeof(word), "+%s", ctl_names[c]);
		if (cg_put(gs, parent, "cgroup.subtree_control", word) < 0)
			return sj_fail_errno(err, "cgroup %s: enabling the %s controller in it",
					     parent, ctl_names[c]);
	}
	return 0;
}

/*
 * The jail's group G, and PARENT if missing (or, in v2 with controllers,
 * always: they are enabled in it).  We hold the jid: a group of that name
 * is a dead jail's (empty: replaced), or a live jail's of another registry
 * sharing PARENT (refused).
 */
static int make_group(const struct groups *gs, const struct group *g, sj_error *err)
{
	if (g->v2 && g->ctls && make_parent(gs, g, err) < 0)
		return -1;
	if (mkdir(g->dir, 0755) == 0 || (errno == EEXIST && gs->w.fake))
		return 0;
	if (errno == ENOENT) {
		if (make_parent(gs, g, err) < 0)
			return -1;
		if (mkdir(g->dir, 0755) == 0)
			return 0;
	}
	if (errno != EEXIST)
		return sj_fail_errno(err, "cgroup %s", g->dir);
	if (rmdir(g->dir) < 0 && errno != ENOENT) {
		if (errno == EBUSY || errno == ENOTEMPTY)
			return sj_fail(err, EBUSY, "cgroup %s holds another jail's processes: give "
				       "the jails of each registry (sysjail.rundir) a sysjail.cgroup "
				       "of their own", g->dir);
		return sj_fail_errno(err, "cgroup %s", g->dir);
	}
	if (mkdir(g->dir, 0755) < 0)
		return sj_fail_errno(err, "cgroup %s", g->dir);
	return 0;
}

static int write_limit(const struct groups *gs, const struct group *g, const char *param,
		       const char *file, const char *text, sj_error *err)
{
	if (cg_put(gs, g->dir, file, text) < 0)
		return sj_fail_errno(err, "%s: writing '%s' to %s/%s", param, text, g->dir, file);
	return 0;
}

/* The same for a value that is the kernel's default: a kernel without
 * the file (no CFS bandwidth control, say) has it already. */
static int write_default(const struct groups *gs, const struct group *g, const char *param,
			 const char *file, const char *text, bool is_default, sj_error *err)
{
	if (is_default && !cg_exists(g->dir, file))
		return 0;
	return write_limit(gs, g, param, file, text, err);
}

/* V, or NONE_TEXT for SJ_LIMIT_NONE, in BUF. */
static const char *text_of(char *buf, size_t len, long long v, const char *none_text)
{
	if (v == SJ_LIMIT_NONE)
		snprintf(buf, len, "%s", none_text);
	else
		snprintf(buf, len, "%lld", v);
	return buf;
}

static int set_pids(const struct groups *gs, const struct group *g, const struct sj_config *c,
		    sj_error *err)
{
	char v[32];

	return write_limit(gs, g, "sysjail.maxproc", "pids.max",
			   text_of(v, sizeof(v), c->maxproc, "max"), err);
}

/*
 * v1 limits memory and memory+swap, memory never above memory+swap: when
 * the new memory limit is above the old memory+swap one, that goes
 * first.
 */
static int set_memory_v1(const struct groups *gs, const struct group *g,
			 const struct sj_config *c, bool swap, sj_error *err)
{
	long long all = c->memory == SJ_LIMIT_NONE || c->memory_swap == SJ_LIMIT_NONE ||
			c->memory > LLONG_MAX - c->memory_swap ? -1 : c->memory + c->memory_swap;
	char m[32], s[32];

	text_of(m, sizeof(m), c->memory, "-1");
	snprintf(s, sizeof(s), "%lld", all);
	if (!swap)
		return write_limit(gs, g, "sysjail.memory", "memory.limit_in_bytes", m, err);
	if (cg_put(gs, g->dir, "memory.limit_in_bytes", m) < 0) {
		if (errno != EINVAL)
			return sj_fail_errno(err, "sysjail.memory: writing '%s' to %s/%s", m,
					     g->dir, "memory.limit_in_bytes");
		if (write_limit(gs, g, "sysjail.memory_swap", "memory.memsw.limit_in_bytes", s,
				err) < 0)
			return -1;
		return write_limit(gs, g, "sysjail.memory", "memory.limit_in_bytes", m, err);
	}
	return write_limit(gs, g, "sysjail.memory_swap", "memory.memsw.limit_in_bytes", s, err);
}

/*
 * sysjail.memory_swap is swap beyond sysjail.memory, and only with it: a
 * jail without a memory limit is not limited in swap either.
 */
static int set_memory(const struct groups *gs, const struct group *g,
		      const struct sj_config *c, sj_error *err)
{
	bool swap = cg_exists(g->dir, g->v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes");
	char v[32];

	if (c->memory == SJ_LIMIT_NONE && c->memory_swap > 0)
		return sj_fail(err, EINVAL, "sysjail.memory_swap: limits swap beyond "
			       "sysjail.memory, which is unlimited: set sysjail.memory too");
	/* No swap accounting (swapaccount=0): nothing to hold swap with. */
	if (!swap && c->memory != SJ_LIMIT_NONE && c->memory_swap > 0)
		return sj_fail(err, ENOTSUP, "sysjail.memory_swap: this kernel does not account "
			       "swap in cgroups (%s has no swap limit)", g->dir);
	if (!g->v2)
		return set_memory_v1(gs, g, c, swap, err);
	if (write_limit(gs, g, "sysjail.memory", "memory.max",
			text_of(v, sizeof(v), c->memory, "max"), err) < 0)
		return -1;
	if (!swap)
		return 0;
	return write_limit(gs, g, "sysjail.memory_swap", "memory.swap.max",
			   text_of(v, sizeof(v), c->memory == SJ_LIMIT_NONE ? SJ_LIMIT_NONE
					       : c->memory_swap, "max"), err);
}

/* The weight (1-10000, 100 the default) as v1 shares (1024 the default). */
static int set_cpu(const struct groups *gs, const struct group *g, const struct sj_config *c,
		   sj_error *err)
{
	long long quota = c->cpu_quota == SJ_LIMIT_NONE ? -1 : c->cpu_quota * CPU_PERIOD / 100;
	bool wdef = c->cpu_weight == SJ_CPU_WEIGHT_DEFAULT, qdef = quota < 0;
	char w[32], q[48], p[16];

	if (g->v2) {
		snprintf(w, sizeof(w), "%lld", c->cpu_weight);
		if (quota < 0)
			snprintf(q, sizeof(q), "max %d", CPU_PERIOD);
		else
			snprintf(q, sizeof(q), "%lld %d", quota, CPU_PERIOD);
		return write_default(gs, g, "sysjail.cpu_weight", "cpu.weight", w, wdef, err) < 0 ||
		       write_default(gs, g, "sysjail.cpu_quota", "cpu.max", q, qdef, err) < 0
		       ? -1 : 0;
	}
	snprintf(w, sizeof(w), "%lld", c->cpu_weight * 1024 / 100 < 2 ? 2
				       : c->cpu_weight * 1024 / 100);
	snprintf(q, sizeof(q), "%lld", quota);
	snprintf(p, sizeof(p), "%d", CPU_PERIOD);
	return write_default(gs, g, "sysjail.cpu_weight", "cpu.shares", w, wdef, err) < 0 ||
	       write_default(gs, g, "sysjail.cpu_quota", "cpu.cfs_period_us", p, qdef, err) < 0 ||
	       write_default(gs, g, "sysjail.cpu_quota", "cpu.cfs_quota_us", q, qdef, err) < 0
	       ? -1 : 0;
}

/* The limits of C for the controllers in WHICH. */
static int set_limits(const struct groups *gs, const struct sj_config *c, unsigned which,
		      sj_error *err)
{
	const struct group *g;

	if ((which & BIT(C_PIDS)) && (g = cg_serving(gs, C_PIDS)) && set_pids(gs, g, c, err) < 0)
		return -1;
	if ((which & BIT(C_MEMORY)) && (g = cg_serving(gs, C_MEMORY)) &&
	    set_memory(gs, g, c, err) < 0)
		return -1;
	if ((which & BIT(C_CPU)) && (g = cg_serving(gs, C_CPU)) && set_cpu(gs, g, c, err) < 0)
		return -1;
	return 0;
}

/* The controllers whose limits in C are not what a new group has. */
static unsigned not_default(const struct sj_config *c)
{
	unsigned which = 0;

	if (c->maxproc != SJ_LIMIT_NONE)
		which |= BIT(C_PIDS);
	if (c->memory != SJ_LIMIT_NONE || c->memory_swap > 0)
		which |= BIT(C_MEMORY);
	if (c->cpu_quota != SJ_LIMIT_NONE || c->cpu_weight != SJ_CPU_WEIGHT_DEFAULT)
		which |= BIT(C_CPU);
	return which;
}

/* Where G's hierarchy's root ends in G->dir. */
static size_t hier_len(const struct groups *gs, const struct group *g)
{
	return g->parent_len - strlen(gs->w.parent) - 1;
}

/* ---- the entry points ----------------------------------------------------- */

/* A create step: the jail's groups, its limits, and its init moved in. */
/*
 * A user's jail: no cgroup subtree is delegated to users here.  A limit
 * asked for is refused; the default process limit is left out (jail(8),
 * RESOURCE LIMITS, says so: a note on every user's jail would be noise).
 */
static int without_groups(struct sj_jail *j, sj_error *err)
{
	const struct sj_config *c = &j->cfg;
	const char *asked = c->memory != SJ_LIMIT_NONE ? "sysjail.memory"
			    : c->memory_swap > 0 ? "sysjail.memory_swap"
			    : c->cpu_quota != SJ_LIMIT_NONE ? "sysjail.cpu_quota"
			    : c->cpu_weight != SJ_CPU_WEIGHT_DEFAULT ? "sysjail.cpu_weight"
			    : c->maxproc != SJ_MAXPROC_DEFAULT ? "sysjail.maxproc" : NULL;

	if (asked)
		return sj_fail(err, EPERM, "%s: a user's jail has no cgroups of its own (this "
			       "machine delegates none to users)", asked);
	return 0;
}

/*
 * A create step before the init's clone: where the jail's groups go
 * (kept in J for the init and for the jail's end), and its v2 group,
 * made and opened for clone3(2)'s CLONE_INTO_CGROUP.
 *
 * No process is ever moved into a jail's group by its pid: that takes the
 * kernel's cgroup_threadgroup_rwsem for writing, whose every first taker
 * after a quiet while waits for an RCU grace period (7 to 15 ms on this
 * kind of machine).  The init is born in the v2 group, and joins its v1
 * groups itself (cg_enter()) through their "tasks" files, which for the
 * calling thread the kernel does without that lock.
 */
int cg_prepare(struct sj_jail *j, sj_error *err)
{
	struct where w = cg_where(j);
	const struct group *v2;

	cg_free(j);
	j->cg_removed = false;
	/* A bundle's jail has the groups its spec asks for (oci-cgroup.c);
	 * a user's has none (cg_create() says why a limit can't be had). */
	if (j->cfg.oci || !up_cgroups_allowed(j))
		return 0;
	j->cg = malloc(sizeof(*j->cg));
	if (!j->cg)
		return sj_fail(err, ENOMEM, "out of memory");
	if (cg_layout(&w, j->cg, err) < 0 || check_missing(&j->cfg, j->cg, err) < 0) {
		cg_free(j);
		return -1;
	}
	j->cg->made = 0;
	if (!(v2 = cg_v2(j->cg)))
		return 0;
	if (make_group(j->cg, v2, err) < 0) {
		cg_free(j);
		return -1;
	}
	j->cg->made |= BIT(0);
	/* A fake tree has no cgroup to clone into. */
	if (j->cg->w.fake)
		return 0;
	j->cg_fd = open(v2->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (j->cg_fd < 0) {
		sj_fail_errno(err, "cgroup %s", v2->dir);
		cg_destroy(j);
		return -1;
	}
	return 0;
}

/* A create step after the init's clone: the rest of the groups, and the
 * limits; the init joins them (cg_enter()) before it starts anything. */
int cg_create(struct sj_jail *j, sj_error *err)
{
	struct groups *gs = j->cg;

	if (j->cfg.oci)
		return 0;
	if (!up_cgroups_allowed(j))
		return without_groups(j, err);
	if (!gs)
		return 0;
	for (size_t i = 0; i < gs->n; i++) {
		if (gs->made & BIT(i))
			continue;
		if (make_group(gs, &gs->g[i], err) < 0)
			return -1;
		gs->made |= BIT(i);
	}
	/* New groups: only what differs from the kernel's defaults. */
	return set_limits(gs, &j->cfg, not_default(&j->cfg), err);
}

/*
 * In the init, first: hold the root of each hierarchy of the jail's v1
 * groups, which its creator makes meanwhile, for cg_enter() to find them
 * once the init's own tree is the jail's.
 */
int cg_hold(struct sj_jail *j, sj_error *err)
{
	struct groups *gs = j->cg;

	for (size_t i = 0; gs && i < gs->n; i++) {
		struct group *g = &gs->g[i];
		char root[sizeof(g->dir)];

		if (g->v2)
			continue;
		snprintf(root, sizeof(root), "%.*s", (int)hier_len(gs, g), g->dir);
		g->hier = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (g->hier < 0)
			return sj_fail_errno(err, "cgroup %s", root);
	}
	return 0;
}

/*
 * In the init, after sj_start()'s "go": join the jail's v1 groups through
 * their "tasks" files (this thread: the init has no other), and let go of
 * their hierarchies.
 */
int cg_enter(struct sj_jail *j, sj_error *err)
{
	struct groups *gs = j->cg;
	int r = 0;

	for (size_t i = 0; gs && i < gs->n; i++) {
		struct group *g = &gs->g[i];

		if (g->v2 || g->hier < 0)
			continue;
		if (r == 0 && put_at(gs, g->hier, g->dir + hier_len(gs, g) + 1, "tasks", "0") < 0)
			r = sj_fail_errno(err, "joining cgroup %s", g->dir);
		close(g->hier);
		g->hier = -1;
	}
	return r;
}

/* Undo cg_prepare() and cg_create(): kill what is in the groups made,
 * and remove them. */
void cg_destroy(struct sj_jail *j)
{
	sj_error ignored;

	if (j->cg)
		cg_remove_groups(j->cg, 2000, true, &ignored);
	cg_free(j);
}

void cg_free(struct sj_jail *j)
{
	free(j->cg);
	j->cg = NULL;
	if (j->cg_fd >= 0)
		close(j->cg_fd);
	j->cg_fd = -1;
}

/*
 * The running jail's v2 group, opened for clone3(2)'s CLONE_INTO_CGROUP
 * (jexec's attacher is born there, as the init was): *FD, or -1 if the
 * jail has none.
 */
int cg_open_v2(const struct sj_jail *j, int *fd, sj_error *err)
{
	struct where w = cg_where(j);
	const struct group *v2;
	struct groups gs;

	*fd = -1;
	if (cg_layout(&w, &gs, err) < 0)
		return -1;
	if (!(v2 = cg_v2(&gs)))
		return 0;
	*fd = open(v2->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*fd >= 0)
		return 0;
	if (errno == ENOENT)
		return sj_fail(err, ESRCH, "jail %d is being removed (no cgroup %s)", w.jid,
			       v2->dir);
	return sj_fail_errno(err, "cgroup %s", v2->dir);
}

/*
 * The calling process (jexec's attacher: one thread) joins the jail's v1
 * groups, as the init does (cg_enter()), through "tasks".  It was born in
 * the v2 group, unless V2 (its caller had threads): then it moves itself
 * there too, and waits for the lock that takes (cg_prepare()).
 */
int cg_join(const struct sj_jail *j, bool v2, sj_error *err)
{
	struct where w = cg_where(j);
	struct groups gs;

	if (cg_layout(&w, &gs, err) < 0)
		return -1;
	for (size_t i = 0; i < gs.n; i++) {
		if (gs.g[i].v2 && !v2)
			continue;
		if (cg_put(&gs, gs.g[i].dir, gs.g[i].v2 ? "cgroup.procs" : "tasks", "0") == 0)
			continue;
		if (errno == ENOENT)
			return sj_fail(err, ESRCH, "jail %d is being removed (no cgroup %s)", w.jid,
				       gs.g[i].dir);
		return sj_fail_errno(err, "joining cgroup %s", gs.g[i].dir);
	}
	return 0;
}

/*
 * jail -m: give the running jail's groups limit parameter NAME's new
 * VALUE, before the caller records it (0 at once for another parameter).
 * The value is parsed into a copy of the parameters: a limit is a
 * number, so nothing in the copy is freed or allocated.
 */
int cg_modify(struct sj_jail *j, const char *name, const char *value, sj_error *err)
{
	struct where w = cg_where(j);
	struct sj_config c = j->cfg;
	struct param_info pi;
	struct groups gs;
	unsigned which;

	if (params_lookup(name, &pi) < 0)
		return 0;
	if (strcmp(pi.name, "sysjail.maxproc") == 0)
		which = BIT(C_PIDS);
	else if (strncmp(pi.name, "sysjail.memory", 14) == 0)
		which = BIT(C_MEMORY);
	else if (strncmp(pi.name, "sysjail.cpu_", 12) == 0)
		which = BIT(C_CPU);
	else
		return 0;
	if (params_set(&c, name, value, err) < 0 || cg_layout(&w, &gs, err) < 0 ||
	    check_missing(&c, &gs, err) < 0)
		return -1;
	for (size_t i = 0; i < gs.n; i++)
		if ((gs.g[i].ctls & which) && access(gs.g[i].dir, F_OK) < 0)
			return sj_fail(err, ESRCH, "jail %d has no cgroup %s", w.jid, gs.g[i].dir);
	return set_limits(&gs, &c, which, err);
}

