/*
 * cgroup.h: what cgroup.c (where a jail's groups are, making them, their
 * limits) and cgroup-end.c (killing, removing, reading them) share.
 * See cgroup.c for the design.
 */
#ifndef SJ_CGROUP_H
#define SJ_CGROUP_H

#include <limits.h>
#include <sys/stat.h>

#include "sj-private.h"

enum ctl { C_PIDS, C_MEMORY, C_CPU, C_CPUACCT, C_FREEZER, C_COUNT };

#define BIT(c) (1u << (c))
#define LIMITED (BIT(C_PIDS) | BIT(C_MEMORY) | BIT(C_CPU))

/* cgroup v2's CPU quota period, microseconds: the kernel's default. */
#define CPU_PERIOD 100000
/* v1 reports "no limit" as the largest page count it holds, in bytes. */
#define V1_UNLIMITED (1LL << 62)

/* Where a jail's groups are. */
struct where {
	const char *root;
	bool fake;
	const char *parent;
	int jid;
};

/* One of the jail's groups: a hierarchy, and what it serves there. */
struct group {
	char dir[512];			/* ROOT/HIERARCHY/PARENT/jail-JID */
	size_t parent_len;		/* dir[0, parent_len) is PARENT */
	bool v2;
	unsigned ctls;			/* BIT(enum ctl) */
	int hier;			/* the init's: its hierarchy's root (cg_hold()) */
	dev_t dev;			/* the hierarchy's root, to find */
	ino_t ino;			/* co-mounted v1 controllers */
};

struct groups {
	struct where w;
	size_t n;
	struct group g[C_COUNT + 1];
	unsigned missing;		/* wanted, but not on this machine */
	unsigned made;			/* BIT(i) for g[i] there (cg_layout(): all) */
};

struct where cg_where(const struct sj_jail *j);
int cg_layout(const struct where *w, struct groups *gs, sj_error *err);
const struct group *cg_serving(const struct groups *gs, enum ctl c);
const struct group *cg_v2(const struct groups *gs);

bool cg_exists(const char *dir, const char *file);
int cg_put(const struct groups *gs, const char *dir, const char *file, const char *text);
char *cg_slurp(const char *dir, const char *file);
long long cg_number(const char *dir, const char *file);
long long cg_keyed(const char *dir, const char *file, const char *key);

void cg_kill_round(const struct groups *gs);
int cg_remove_groups(const struct groups *gs, int timeout_ms, bool kill, sj_error *err);

#endif /* SJ_CGROUP_H */
