/*
 * cgroup-end.c: the end of a jail's control groups, and what they say:
 * killing what is in them, removing them, the reason a command ended
 * (the kernel's out-of-memory kills), and use against limits for sjls.
 * See cgroup.c for the design.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <time.h>

#include "cgroup.h"

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/*
 * Whether PID is in a group named as the jail's: a pid listed a moment
 * ago may be another process's now.  Lines of /proc/PID/cgroup end in
 * ":/PATH".
 */
static bool in_jail_group(const struct groups *gs, pid_t pid)
{
	char proc[32], tail[96];
	SJ_AUTOFREE char *s = NULL;

	snprintf(proc, sizeof(proc), "/proc/%d", (int)pid);
	s = cg_slurp(proc, "cgroup");
	snprintf(tail, sizeof(tail), ":/%s/jail-%d\n", gs->w.parent, gs->w.jid);
	return s && strstr(s, tail);
}

/* SIGKILL every process listed in G's cgroup.procs, each through a pidfd. */
static void kill_listed(const struct groups *gs, const struct group *g)
{
	SJ_AUTOFREE char *list = cg_slurp(g->dir, "cgroup.procs");

	for (char *p = list; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		pid_t pid = (pid_t)atoi(p);
		int fd = pid > 0 ? pidfd_open(pid, 0) : -1;

		if (fd < 0)
			continue;
		if (gs->w.fake || in_jail_group(gs, pid))
			pidfd_send_signal(fd, SIGKILL, NULL, 0);
		close(fd);
	}
}

/* Freeze or thaw G; with ON, whether it is frozen within a second. */
static bool freeze(const struct groups *gs, const struct group *g, bool on)
{
	long long deadline = now_ms() + 1000;

	if (cg_put(gs, g->dir, g->v2 ? "cgroup.freeze" : "freezer.state",
		   g->v2 ? (on ? "1" : "0") : (on ? "FROZEN" : "THAWED")) < 0)
		return false;
	while (on && now_ms() < deadline) {
		SJ_AUTOFREE char *state = g->v2 ? NULL : cg_slurp(g->dir, "freezer.state");

		if (g->v2 ? cg_keyed(g->dir, "cgroup.events", "frozen") == 1
			  : state && strncmp(state, "FROZEN", 6) == 0)
			return true;
		usleep(1000);
	}
	return false;
}

/*
 * Kill every process of the jail's groups, so that none escapes by
 * forking: cgroup.kill, which the kernel makes atomic, or else freeze
 * the group, SIGKILL what it lists, and thaw it.
 */
void cg_kill_round(const struct groups *gs)
{
	const struct group *v2 = cg_v2(gs), *g = v2 ? v2 : cg_serving(gs, C_FREEZER);

	/* Only groups we made (a group of that name may be another's). */
	if (g && !(gs->made & BIT(g - gs->g)))
		v2 = g = NULL;
	if (v2 && cg_exists(v2->dir, "cgroup.kill") && cg_put(gs, v2->dir, "cgroup.kill", "1") == 0)
		return;
	if (!g && (gs->n == 0 || !(gs->made & BIT(0))))
		return;
	/* Frozen or not (a second passed), what it lists is killed: a
	 * process that forked meanwhile goes in the next round. */
	if (g)
		freeze(gs, g, true);
	kill_listed(gs, g ? g : &gs->g[0]);
	if (g)
		freeze(gs, g, false);
}

/* Whether G has a process (a zombie no longer counts). */
static bool populated(const struct group *g)
{
	SJ_AUTOFREE char *procs = NULL;

	if (g->v2)
		return cg_keyed(g->dir, "cgroup.events", "populated") > 0;
	procs = cg_slurp(g->dir, "cgroup.procs");
	return procs && strpbrk(procs, "0123456789");
}

/* rmdir G (ENOENT: gone already); in a fake tree, its files first. */
static int remove_dir(const struct groups *gs, const struct group *g)
{
	if (gs->w.fake) {
		DIR *d = opendir(g->dir);
		struct dirent *e;

		while (d && (e = readdir(d)))
			if (e->d_type == DT_REG)
				unlinkat(dirfd(d), e->d_name, 0);
		if (d)
			closedir(d);
	}
	return rmdir(g->dir) < 0 && errno != ENOENT ? -1 : 0;
}

/*
 * Remove the jail's groups once they are empty, within TIMEOUT_MS; with
 * KILL, kill what is in them meanwhile.  PARENT stays.
 */
int cg_remove_groups(const struct groups *gs, int timeout_ms, bool kill, sj_error *err)
{
	long long deadline = now_ms() + timeout_ms;
	bool gone[SJ_NELEM(gs->g)] = { false };

	for (int round = 0;; round++) {
		const struct group *busy = NULL;

		/* The kernel refuses to remove a group with a process in it
		 * (EBUSY); one whose last process has just exited may refuse
		 * a moment longer.  A fake tree has no kernel to refuse. */
		for (size_t i = 0; i < gs->n; i++) {
			if (gone[i] || !(gs->made & BIT(i)))
				continue;
			if ((gs->w.fake && populated(&gs->g[i])) || remove_dir(gs, &gs->g[i]) < 0)
				busy = busy ? busy : &gs->g[i];
			else
				gone[i] = true;
		}
		if (!busy)
			return 0;
		if (now_ms() >= deadline)
			return populated(busy)
			       ? sj_fail(err, EBUSY, "cgroup %s still holds processes", busy->dir)
			       : sj_fail_errno(err, "removing cgroup %s", busy->dir);
		if (kill && round % 100 == 0)
			cg_kill_round(gs);
		usleep(1000);
	}
}

/* Kill every process in the jail's groups (jail -r, once SIGTERM had its time). */
void cg_kill(const struct sj_jail *j)
{
	struct where w = cg_where(j);
	struct groups gs;
	sj_error ignored;

	if (cg_layout(&w, &gs, &ignored) == 0)
		cg_kill_round(&gs);
}

/* Remove the jail's groups once empty, within TIMEOUT_MS; nothing is killed. */
int cg_remove(const struct sj_jail *j, int timeout_ms, sj_error *err)
{
	struct where w = cg_where(j);
	struct groups gs;

	if (cg_layout(&w, &gs, err) < 0)
		return -1;
	return cg_remove_groups(&gs, timeout_ms, false, err);
}

/* The registry's: remove dead jail JID's groups under PARENT (NULL: the default). */
int cg_remove_orphan(const char *parent, int jid, int timeout_ms, sj_error *err)
{
	struct where w = { SJ_CGROUP_ROOT, false, parent && *parent ? parent : SJ_CGROUP_PARENT,
			   jid };
	struct groups gs;

	if (cg_parent_valid(w.parent, err) < 0 || cg_layout(&w, &gs, err) < 0)
		return -1;
	return cg_remove_groups(&gs, timeout_ms, false, err);
}

/* Processes the kernel killed in the jail for want of memory; -1 if not known. */
static long long oom_kills(const struct groups *gs)
{
	const struct group *g = cg_serving(gs, C_MEMORY);
	long long n;

	if (!g)
		return -1;
	n = g->v2 ? cg_keyed(g->dir, "memory.events", "oom_kill")
		  : cg_keyed(g->dir, "memory.oom_control", "oom_kill");
	return n < 0 ? -1 : n;
}

/*
 * Why a command of the jail ended with STATUS, in J's wait_reason: the
 * kernel killed processes of the jail for want of memory since there
 * were BEFORE such kills (the group is the jail's alone, so any count is
 * this jail's).  With OTHERS, also when the command was not among them.
 */
static void reason(struct sj_jail *j, const struct groups *gs, int status, long long before,
		   bool others)
{
	char limit[64] = "the machine ran out of memory";
	long long n = oom_kills(gs);

	j->wait_reason[0] = '\0';
	if (n < 0 || (n -= before > 0 ? before : 0) <= 0 || (!others && status != 128 + SIGKILL))
		return;
	if (j->cfg.memory != SJ_LIMIT_NONE) {
		char human[32];

		lim_human(j->cfg.memory, human, sizeof(human));
		snprintf(limit, sizeof(limit), "limit sysjail.memory=%s", human);
	}
	if (status == 128 + SIGKILL)
		snprintf(j->wait_reason, sizeof(j->wait_reason),
			 "the command was killed: out of memory (%s)", limit);
	else
		snprintf(j->wait_reason, sizeof(j->wait_reason), "out of memory: the kernel "
			 "killed %lld process%s in the jail (%s)", n, n == 1 ? "" : "es", limit);
}

/*
 * The jail's command ended with STATUS: say why when the kernel killed
 * processes of the jail for want of memory, and with REMOVE, remove the
 * groups (the init has ended).
 */
void cg_ended(struct sj_jail *j, int status, bool remove)
{
	struct where w = cg_where(j);
	struct groups found;
	const struct groups *gs = j->cg;
	sj_error ignored;

	j->wait_reason[0] = '\0';
	if (!gs) {
		if (cg_layout(&w, &found, &ignored) < 0)
			return;
		gs = &found;
	}
	reason(j, gs, status, 0, true);
	if (remove && cg_remove_groups(gs, 2000, false, &ignored) == 0) {
		/* The registry's purge need not look for them again. */
		j->cg_removed = true;
		cg_free(j);
	}
}

/* Processes of the jail the kernel killed for want of memory so far; -1 if not known. */
long long cg_oom_kills(const struct sj_jail *j)
{
	struct where w = cg_where(j);
	struct groups gs;
	sj_error ignored;

	return cg_layout(&w, &gs, &ignored) < 0 ? -1 : oom_kills(&gs);
}

/*
 * A command sj_attach() started ended with STATUS: whether the kernel
 * killed it for want of memory, from the count sj_attach() saw before.
 */
const char *sj_attach_reason(sj_jail *j, int status)
{
	struct where w = cg_where(j);
	struct groups gs;
	sj_error ignored;

	j->wait_reason[0] = '\0';
	if (j->oom_before >= 0 && cg_layout(&w, &gs, &ignored) == 0)
		reason(j, &gs, status, j->oom_before, false);
	return sj_wait_reason(j);
}

/* What the jail's groups say it uses, and its limits (sjls). */
int cg_stats(const struct sj_jail *j, struct sj_stats *st)
{
	struct where w = cg_where(j);
	const struct group *mem, *pids, *cpu, *v2, *acct;
	struct groups gs;
	sj_error ignored;

	st->has_cgroup = false;
	if (cg_layout(&w, &gs, &ignored) < 0 || gs.n == 0 || access(gs.g[0].dir, F_OK) < 0)
		return -1;
	st->has_cgroup = true;
	st->memory = st->memory_max = st->tasks = st->tasks_max = -2;
	st->cpu_usec = st->cpu_quota = -2;
	if ((mem = cg_serving(&gs, C_MEMORY))) {
		st->memory = cg_number(mem->dir, mem->v2 ? "memory.current" : "memory.usage_in_bytes");
		st->memory_max = cg_number(mem->dir, mem->v2 ? "memory.max" : "memory.limit_in_bytes");
		if (st->memory_max >= V1_UNLIMITED)
			st->memory_max = SJ_LIMIT_NONE;
	}
	if ((pids = cg_serving(&gs, C_PIDS))) {
		st->tasks = cg_number(pids->dir, "pids.current");
		st->tasks_max = cg_number(pids->dir, "pids.max");
	}
	if ((v2 = cg_v2(&gs)))
		st->cpu_usec = cg_keyed(v2->dir, "cpu.stat", "usage_usec");
	else if ((acct = cg_serving(&gs, C_CPUACCT)) &&
		 (st->cpu_usec = cg_number(acct->dir, "cpuacct.usage")) >= 0)
		st->cpu_usec /= 1000;
	if ((cpu = cg_serving(&gs, C_CPU)) && cpu->v2) {
		SJ_AUTOFREE char *max = cg_slurp(cpu->dir, "cpu.max");
		long long q, p;

		st->cpu_quota = max && strncmp(max, "max", 3) == 0 ? SJ_LIMIT_NONE
			      : max && sscanf(max, "%lld %lld", &q, &p) == 2 && p > 0
			      ? q * 100 / p : -2;
	} else if (cpu) {
		long long q = cg_number(cpu->dir, "cpu.cfs_quota_us");
		long long p = cg_number(cpu->dir, "cpu.cfs_period_us");

		st->cpu_quota = q == -1 ? SJ_LIMIT_NONE : q >= 0 && p > 0 ? q * 100 / p : -2;
	}
	st->oom_kills = oom_kills(&gs);
	return 0;
}

const char *sj_wait_reason(const sj_jail *j)
{
	return j->wait_reason[0] ? j->wait_reason : NULL;
}
