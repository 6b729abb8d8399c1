/*
 * oci-cgroup.c: a container's cgroups: linux.cgroupsPath in every
 * hierarchy, linux.resources written to them, the freezer, the list of
 * processes.
 *
 * The path is the same under every hierarchy: cgroupsPath ("/a/b"; a
 * relative one is taken from the root too; systemd's "slice:prefix:name"
 * becomes "/slice/prefix-name.scope", as --systemd-cgroup front ends
 * expect to find it, though cgroupfs does the work), or sysjail's own
 * place for a jail, "/PARENT/jail-JID" (sysjail.cgroup, "sysjail").
 *
 * The groups are made before the init's clone, which puts the init in
 * the v2 one; the init joins the v1 ones itself through "tasks" before
 * it builds anything, so its cgroup namespace (when it has one) and the
 * "cgroup" mount are rooted at its group.  jexec's attacher does the
 * same before it starts a process.  Nothing is moved in by pid, which
 * the kernel makes wait for an RCU grace period (see cgroup.c).
 *
 * Each controller is used where this machine has it: through cgroup v2
 * when the v2 root enables it for its children, else through its v1
 * hierarchy (a machine with both, as this one, has v1 controllers and a
 * v2 hierarchy with none).  The groups are made in every hierarchy, as
 * runc makes them, so that every tool finds the container where it
 * looks.  Device rules are written to the v1 devices controller, with
 * runc's default allowed devices after the bundle's rules; on a cgroup
 * v2 host they would need a BPF program, which is not written yet (the
 * container's /dev still holds only the nodes the spec lists).
 *
 * Only the container's own group (the last component) is ever removed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>

#include "oci.h"

#define CG_ROOT "/sys/fs/cgroup"
#define CG_MAX 16

#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

struct hier {
	char dir[PATH_MAX];		/* the hierarchy's root */
	char name[NAME_MAX + 1];	/* "memory", "cpu,cpuacct", "" for v2 */
	bool v2;
};

struct hiers {
	struct hier h[CG_MAX];
	size_t n;
	char v2ctl[256];		/* what the v2 root gives its children */
};

/* The hierarchies mounted under /sys/fs/cgroup. */
static void find_hiers(struct hiers *hs)
{
	struct statfs sf;
	struct dirent *e;
	DIR *d;

	memset(hs, 0, sizeof(*hs));
	if (statfs(CG_ROOT, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC) {
		snprintf(hs->h[0].dir, sizeof(hs->h[0].dir), "%s", CG_ROOT);
		hs->h[0].v2 = true;
		hs->n = 1;
	} else if ((d = opendir(CG_ROOT))) {
		while ((e = readdir(d)) && hs->n < CG_MAX) {
			struct hier *h = &hs->h[hs->n];
			struct stat st;

			if (e->d_name[0] == '.')
				continue;
			snprintf(h->dir, sizeof(h->dir), "%s/%s", CG_ROOT, e->d_name);
			if (lstat(h->dir, &st) < 0 || !S_ISDIR(st.st_mode) || statfs(h->dir, &sf) < 0)
				continue;
			if (sf.f_type == CGROUP2_SUPER_MAGIC)
				h->v2 = true;
			else if (sf.f_type != CGROUP_SUPER_MAGIC)
				continue;
			snprintf(h->name, sizeof(h->name), "%s", h->v2 ? "" : e->d_name);
			hs->n++;
		}
		closedir(d);
	}
	for (size_t i = 0; i < hs->n; i++) {
		char path[PATH_MAX];
		FILE *f;

		if (!hs->h[i].v2)
			continue;
		snprintf(path, sizeof(path), "%s/cgroup.subtree_control", hs->h[i].dir);
		if ((f = fopen(path, "re"))) {
			if (!fgets(hs->v2ctl, sizeof(hs->v2ctl), f))
				hs->v2ctl[0] = '\0';
			fclose(f);
		}
	}
}

static bool has_word(const char *list, const char *word, const char *seps)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || strchr(seps, p[-1])) && (!p[n] || strchr(seps, p[n])))
			return true;
	return false;
}

/* The hierarchy serving controller CTL, or NULL. */
static const struct hier *serving(const struct hiers *hs, const char *ctl)
{
	bool in_v2 = has_word(hs->v2ctl, ctl, " \n");

	for (size_t i = 0; i < hs->n; i++)
		if (in_v2 ? hs->h[i].v2 : !hs->h[i].v2 && has_word(hs->h[i].name, ctl, ","))
			return &hs->h[i];
	return NULL;
}

/* The container's group, relative to each hierarchy's root ("/a/b"). */
char *ocg_path(const struct sj_jail *j)
{
	const char *p = j->oci->spec->cgroups_path;
	char *out = NULL, *first, *second;

	if (!p || !*p) {
		if (asprintf(&out, "/%s/jail-%d", j->cfg.cgroup ? j->cfg.cgroup : SJ_CGROUP_PARENT,
			     j->reg.jid >= 0 ? j->reg.jid : j->cfg.jid) < 0)
			return NULL;
		return out;
	}
	first = strchr(p, ':');
	second = first ? strchr(first + 1, ':') : NULL;
	if (p[0] != '/' && second && !strchr(p, '/')) {
		if (asprintf(&out, "/%.*s/%.*s-%s.scope", (int)(first - p), p,
			     (int)(second - first - 1), first + 1, second + 1) < 0)
			return NULL;
		return out;
	}
	if (asprintf(&out, "%s%s", p[0] == '/' ? "" : "/", p) < 0)
		return NULL;
	return out;
}

static int put(const char *dir, const char *file, const char *text)
{
	char path[PATH_MAX + 64];
	int fd, r = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	if (write(fd, text, strlen(text)) < 0)
		r = -1;
	close(fd);
	return r;
}

static int get(const char *dir, const char *file, char *buf, size_t len)
{
	char path[PATH_MAX + 64];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static void group_dir(const struct sj_jail *j, const struct hier *h, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", h->dir, j->oci->cg_rel);
}

/* Make every missing component of the group in hierarchy H. */
static int make_group(const struct sj_jail *j, const struct hiers *hs, const struct hier *h,
		      sj_error *err)
{
	char path[PATH_MAX], parent[PATH_MAX];
	size_t base = strlen(h->dir);

	group_dir(j, h, path, sizeof(path));
	for (char *p = path + base + 1; ; p++) {
		char buf[256];
		bool end = !*p;

		if (*p && *p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return sj_fail_errno(err, "linux.cgroupsPath: %s", path);
		snprintf(parent, sizeof(parent), "%s", path);
		*strrchr(parent, '/') = '\0';
		/* A new v1 cpuset takes no process before it has cpus and mems. */
		if (has_word(h->name, "cpuset", ",") && get(path, "cpuset.cpus", buf, sizeof(buf)) == 0 &&
		    (buf[0] == '\n' || !buf[0])) {
			if (get(parent, "cpuset.cpus", buf, sizeof(buf)) == 0)
				put(path, "cpuset.cpus", buf);
			if (get(parent, "cpuset.mems", buf, sizeof(buf)) == 0)
				put(path, "cpuset.mems", buf);
		}
		/* v2: the controllers this machine enables, all the way down. */
		if (h->v2 && !end) {
			char *save = NULL, ctl[256];

			snprintf(ctl, sizeof(ctl), "%s", hs->v2ctl);
			for (char *c = strtok_r(ctl, " \n", &save); c; c = strtok_r(NULL, " \n", &save)) {
				char word[64];

				snprintf(word, sizeof(word), "+%s", c);
				put(path, "cgroup.subtree_control", word);
			}
		}
		if (end)
			break;
		*p = '/';
	}
	return 0;
}

static int write_limit(const char *dir, const char *file, const char *text, const char *field,
		       sj_error *err)
{
	if (put(dir, file, text) < 0)
		return sj_fail_errno(err, "linux.resources.%s: writing '%s' to %s/%s", field, text,
				     dir, file);
	return 0;
}

static void num(char *buf, size_t len, long long v, const char *max)
{
	if (v == OCI_MAX)
		snprintf(buf, len, "%s", max);
	else
		snprintf(buf, len, "%lld", v);
}

static int set_memory(const char *g, bool v2, const struct oci_resources *r, sj_error *err)
{
	char v[32], s[32];

	if (v2) {
		if (r->memory != OCI_UNSET) {
			num(v, sizeof(v), r->memory, "max");
			if (write_limit(g, "memory.max", v, "memory.limit", err) < 0)
				return -1;
		}
		if (r->memory_swap != OCI_UNSET && r->memory != OCI_UNSET) {
			/* OCI's swap is memory plus swap; v2's is swap alone. */
			num(s, sizeof(s), r->memory_swap == OCI_MAX || r->memory == OCI_MAX ? OCI_MAX
					  : r->memory_swap - r->memory, "max");
			if (r->memory_swap >= 0 && r->memory_swap < r->memory)
				return sj_fail(err, EINVAL, "linux.resources.memory.swap: %lld is "
					       "below the memory limit %lld", r->memory_swap,
					       r->memory);
			if (put(g, "memory.swap.max", s) < 0 && errno != ENOENT)
				return sj_fail_errno(err, "linux.resources.memory.swap");
		}
		if (r->memory_reservation != OCI_UNSET) {
			num(v, sizeof(v), r->memory_reservation, "max");
			return write_limit(g, "memory.low", v, "memory.reservation", err);
		}
		return 0;
	}
	num(v, sizeof(v), r->memory, "-1");
	num(s, sizeof(s), r->memory_swap, "-1");
	/* v1 keeps memory at or below memory+swap: the order matters. */
	if (r->memory != OCI_UNSET && put(g, "memory.limit_in_bytes", v) < 0) {
		if (errno != EINVAL || r->memory_swap == OCI_UNSET)
			return sj_fail_errno(err, "linux.resources.memory.limit: writing %s", v);
		if (write_limit(g, "memory.memsw.limit_in_bytes", s, "memory.swap", err) < 0 ||
		    write_limit(g, "memory.limit_in_bytes", v, "memory.limit", err) < 0)
			return -1;
	} else if (r->memory_swap != OCI_UNSET && put(g, "memory.memsw.limit_in_bytes", s) < 0 &&
		   errno != ENOENT) {
		return sj_fail_errno(err, "linux.resources.memory.swap: writing %s", s);
	}
	if (r->memory_reservation != OCI_UNSET) {
		num(v, sizeof(v), r->memory_reservation, "-1");
		return write_limit(g, "memory.soft_limit_in_bytes", v, "memory.reservation", err);
	}
	return 0;
}

static int set_cpu(const char *g, bool v2, const struct oci_resources *r, sj_error *err)
{
	char v[64];

	if (v2) {
		if (r->cpu_shares != OCI_UNSET) {
			/* runc's conversion of shares (2-262144) to weight (1-10000). */
			snprintf(v, sizeof(v), "%lld", 1 + ((r->cpu_shares - 2) * 9999) / 262142);
			if (write_limit(g, "cpu.weight", v, "cpu.shares", err) < 0)
				return -1;
		}
		if (r->cpu_quota != OCI_UNSET || r->cpu_period != OCI_UNSET) {
			char q[32];

			num(q, sizeof(q), r->cpu_quota == OCI_UNSET || r->cpu_quota < 0 ? OCI_MAX
					  : r->cpu_quota, "max");
			snprintf(v, sizeof(v), "%s %lld", q,
				 r->cpu_period == OCI_UNSET ? 100000 : r->cpu_period);
			return write_limit(g, "cpu.max", v, "cpu.quota", err);
		}
		return 0;
	}
	if (r->cpu_shares != OCI_UNSET) {
		snprintf(v, sizeof(v), "%lld", r->cpu_shares);
		if (write_limit(g, "cpu.shares", v, "cpu.shares", err) < 0)
			return -1;
	}
	if (r->cpu_period != OCI_UNSET) {
		snprintf(v, sizeof(v), "%lld", r->cpu_period);
		if (write_limit(g, "cpu.cfs_period_us", v, "cpu.period", err) < 0)
			return -1;
	}
	if (r->cpu_quota != OCI_UNSET) {
		snprintf(v, sizeof(v), "%lld", r->cpu_quota < 0 ? -1 : r->cpu_quota);
		return write_limit(g, "cpu.cfs_quota_us", v, "cpu.quota", err);
	}
	return 0;
}

/* runc's default allowed devices, after the bundle's own rules. */
static const struct oci_devrule default_rules[] = {
	{ true, 'c', -1, -1, "m" }, { true, 'b', -1, -1, "m" },
	{ true, 'c', 1, 3, "rwm" }, { true, 'c', 1, 8, "rwm" }, { true, 'c', 1, 7, "rwm" },
	{ true, 'c', 5, 0, "rwm" }, { true, 'c', 1, 5, "rwm" }, { true, 'c', 1, 9, "rwm" },
	{ true, 'c', 5, 1, "rwm" }, { true, 'c', 136, -1, "rwm" }, { true, 'c', 5, 2, "rwm" },
	{ true, 'c', 10, 200, "rwm" },
};

static int dev_rule(const char *g, const struct oci_devrule *d, sj_error *err)
{
	char text[64], maj[16], min[16];

	num(maj, sizeof(maj), d->major, "*");
	num(min, sizeof(min), d->minor, "*");
	if (d->type == 'a')
		snprintf(text, sizeof(text), "a");
	else
		snprintf(text, sizeof(text), "%c %s:%s %s", d->type, maj, min, d->access);
	return write_limit(g, d->allow ? "devices.allow" : "devices.deny", text, "devices", err);
}

static int set_devices(const char *g, const struct oci_resources *r, sj_error *err)
{
	for (size_t i = 0; i < r->ndevices; i++)
		if (dev_rule(g, &r->devices[i], err) < 0)
			return -1;
	for (size_t i = 0; i < SJ_NELEM(default_rules); i++)
		if (dev_rule(g, &default_rules[i], err) < 0)
			return -1;
	return 0;
}

static int set_limits(const struct sj_jail *j, const struct hiers *hs,
		      const struct oci_resources *r, bool creating, sj_error *err)
{
	const struct hier *h;
	char g[PATH_MAX], v[32];

	if ((r->memory != OCI_UNSET || r->memory_swap != OCI_UNSET ||
	     r->memory_reservation != OCI_UNSET)) {
		if (!(h = serving(hs, "memory")))
			return sj_fail(err, ENOTSUP, "linux.resources.memory: this machine has no "
				       "memory cgroup controller");
		group_dir(j, h, g, sizeof(g));
		if (set_memory(g, h->v2, r, err) < 0)
			return -1;
	}
	if (r->pids != OCI_UNSET) {
		if (!(h = serving(hs, "pids")))
			return sj_fail(err, ENOTSUP, "linux.resources.pids: this machine has no pids "
				       "cgroup controller");
		group_dir(j, h, g, sizeof(g));
		num(v, sizeof(v), r->pids, "max");
		if (write_limit(g, "pids.max", v, "pids.limit", err) < 0)
			return -1;
	}
	if (r->cpu_shares != OCI_UNSET || r->cpu_quota != OCI_UNSET || r->cpu_period != OCI_UNSET) {
		if (!(h = serving(hs, "cpu")))
			return sj_fail(err, ENOTSUP, "linux.resources.cpu: this machine has no cpu "
				       "cgroup controller");
		group_dir(j, h, g, sizeof(g));
		if (set_cpu(g, h->v2, r, err) < 0)
			return -1;
	}
	if ((r->cpus || r->mems) && (h = serving(hs, "cpuset"))) {
		group_dir(j, h, g, sizeof(g));
		if ((r->cpus && write_limit(g, "cpuset.cpus", r->cpus, "cpu.cpus", err) < 0) ||
		    (r->mems && write_limit(g, "cpuset.mems", r->mems, "cpu.mems", err) < 0))
			return -1;
	}
	/* Device rules are set once, at create: v1 refuses to widen them. */
	if (creating && r->devices_set && (h = serving(hs, "devices")) && !h->v2) {
		group_dir(j, h, g, sizeof(g));
		if (set_devices(g, r, err) < 0)
			return -1;
	}
	return 0;
}

/*
 * The calling process (one thread: the container's init, or an attacher)
 * joins the container's group of every v1 hierarchy through "tasks", and
 * with V2 the v2 one through cgroup.procs: a move the kernel makes wait
 * for an RCU grace period unless another came just before, so the init
 * and a single-threaded caller's attacher are born there (clone3's
 * CLONE_INTO_CGROUP) instead.
 */
int ocg_join(const struct sj_jail *j, bool v2, sj_error *err)
{
	struct hiers hs;
	char g[PATH_MAX];

	find_hiers(&hs);
	for (size_t i = 0; i < hs.n; i++) {
		if (hs.h[i].v2 && !v2)
			continue;
		group_dir(j, &hs.h[i], g, sizeof(g));
		if (put(g, hs.h[i].v2 ? "cgroup.procs" : "tasks", "0") < 0)
			return sj_fail_errno(err, "joining cgroup %s", g);
	}
	return 0;
}

/* The container's v2 group, opened for clone3(2): *FD, or -1 if none. */
int ocg_open_v2(const struct sj_jail *j, int *fd, sj_error *err)
{
	struct hiers hs;
	char g[PATH_MAX];

	*fd = -1;
	find_hiers(&hs);
	for (size_t i = 0; i < hs.n; i++) {
		if (!hs.h[i].v2)
			continue;
		group_dir(j, &hs.h[i], g, sizeof(g));
		*fd = open(g, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (*fd < 0)
			return sj_fail_errno(err, "cgroup %s", g);
		break;
	}
	return 0;
}

/* At create, before the init's clone: the groups and the limits; J's
 * cg_fd is the v2 group, for the clone. */
int ocg_create(struct sj_jail *j, sj_error *err)
{
	struct hiers hs;

	find_hiers(&hs);
	j->oci->cg_made = true;
	for (size_t i = 0; i < hs.n; i++)
		if (make_group(j, &hs, &hs.h[i], err) < 0)
			return -1;
	if (set_limits(j, &hs, &j->oci->spec->res, true, err) < 0)
		return -1;
	return ocg_open_v2(j, &j->cg_fd, err);
}

/* The processes of the container's group, read from one hierarchy. */
int ocg_pids(const struct sj_jail *j, pid_t **pids, size_t *n, sj_error *err)
{
	const char *prefer[] = { "pids", "memory", "freezer", "cpu" };
	const struct hier *h = NULL;
	struct hiers hs;
	char g[PATH_MAX], path[PATH_MAX + 16];
	size_t cap = 0;
	long v;
	FILE *f;

	*pids = NULL;
	*n = 0;
	find_hiers(&hs);
	for (size_t i = 0; !h && i < SJ_NELEM(prefer); i++)
		h = serving(&hs, prefer[i]);
	if (!h && hs.n)
		h = &hs.h[0];
	if (!h)
		return sj_fail(err, ENOTSUP, "this machine has no cgroup hierarchy");
	group_dir(j, h, g, sizeof(g));
	snprintf(path, sizeof(path), "%s/cgroup.procs", g);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : sj_fail_errno(err, "%s", path);
	while (fscanf(f, "%ld", &v) == 1) {
		if (*n == cap) {
			pid_t *p = realloc(*pids, (cap = cap ? cap * 2 : 64) * sizeof(*p));

			if (!p) {
				fclose(f);
				return sj_fail(err, ENOMEM, "out of memory");
			}
			*pids = p;
		}
		(*pids)[(*n)++] = (pid_t)v;
	}
	fclose(f);
	return 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Freeze or thaw: the v1 freezer, else v2's cgroup.freeze. */
int ocg_freeze(const struct sj_jail *j, bool frozen, sj_error *err)
{
	const struct hier *h;
	struct hiers hs;
	char g[PATH_MAX], buf[64];

	find_hiers(&hs);
	h = serving(&hs, "freezer");
	for (size_t i = 0; !h && i < hs.n; i++)
		if (hs.h[i].v2)
			h = &hs.h[i];
	if (!h)
		return sj_fail(err, ENOTSUP, "this machine has no cgroup freezer");
	group_dir(j, h, g, sizeof(g));
	if (h->v2 ? put(g, "cgroup.freeze", frozen ? "1" : "0") < 0
		  : put(g, "freezer.state", frozen ? "FROZEN" : "THAWED") < 0)
		return sj_fail_errno(err, "%s the cgroup %s", frozen ? "freezing" : "thawing", g);
	/* Until every process is there: freezing takes the kernel a moment. */
	for (int i = 0; i < 1000; i++) {
		if (!h->v2 && get(g, "freezer.state", buf, sizeof(buf)) == 0 &&
		    strncmp(buf, frozen ? "FROZEN" : "THAWED", 6) == 0)
			return 0;
		if (h->v2 && get(g, "cgroup.events", buf, sizeof(buf)) == 0 &&
		    strstr(buf, frozen ? "frozen 1" : "frozen 0"))
			return 0;
		if (!h->v2 && frozen && i % 10 == 9)
			put(g, "freezer.state", "FROZEN");
		sleep_ms(1);
	}
	return sj_fail(err, ETIMEDOUT, "the cgroup %s did not %s", g, frozen ? "freeze" : "thaw");
}

/* 1 when the container's group is frozen, 0 if not, -1 when unknown. */
int ocg_frozen(const struct sj_jail *j)
{
	const struct hier *h;
	struct hiers hs;
	char g[PATH_MAX], buf[64];

	find_hiers(&hs);
	h = serving(&hs, "freezer");
	for (size_t i = 0; !h && i < hs.n; i++)
		if (hs.h[i].v2)
			h = &hs.h[i];
	if (!h)
		return -1;
	group_dir(j, h, g, sizeof(g));
	if (!h->v2)
		return get(g, "freezer.state", buf, sizeof(buf)) < 0 ? -1
		       : strncmp(buf, "THAWED", 6) != 0;
	return get(g, "cgroup.freeze", buf, sizeof(buf)) < 0 ? -1 : buf[0] == '1';
}

int ocg_update(const struct sj_jail *j, const struct oci_resources *r, sj_error *err)
{
	struct hiers hs;

	find_hiers(&hs);
	return set_limits(j, &hs, r, false, err);
}

/* Remove the container's group from every hierarchy, waiting for it to empty. */
static int remove_groups(const struct sj_jail *j, bool kill_rest, sj_error *err)
{
	struct hiers hs;
	char g[PATH_MAX];
	int r = 0;

	find_hiers(&hs);
	for (int tries = 0; kill_rest && tries < 500; tries++) {
		pid_t *pids;
		size_t n;
		sj_error ignored;

		if (ocg_pids(j, &pids, &n, &ignored) < 0 || n == 0) {
			free(pids);
			break;
		}
		for (size_t i = 0; i < n; i++)
			kill(pids[i], SIGKILL);
		free(pids);
		/* A frozen group keeps even SIGKILLed processes. */
		if (tries == 0 && ocg_frozen(j) == 1)
			ocg_freeze(j, false, &ignored);
		sleep_ms(4);
	}
	for (size_t i = 0; i < hs.n; i++) {
		group_dir(j, &hs.h[i], g, sizeof(g));
		for (int tries = 0; rmdir(g) < 0 && errno == EBUSY && tries < 250; tries++)
			sleep_ms(4);
		if (access(g, F_OK) == 0 && r == 0)
			r = sj_fail_errno(err, "removing cgroup %s", g);
	}
	return r;
}

/* Undo of ocg_create(), for a create that failed: the init is killed too. */
void ocg_remove_made(struct sj_jail *j)
{
	sj_error ignored;

	if (!j->oci->cg_made)
		return;
	if (j->init_pidfd >= 0)
		sj_forward_signal(j, SIGKILL);
	remove_groups(j, true, &ignored);
	j->oci->cg_made = false;
}

/* At delete: whatever is left is killed, and the groups go. */
int ocg_destroy(const struct sj_jail *j, sj_error *err)
{
	return remove_groups(j, true, err);
}
