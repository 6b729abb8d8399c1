/*
 * test-cgroup.c: the cgroup module's file logic, against fake trees in a
 * temporary directory (j->cg_fake): a pure cgroup v2 machine, a hybrid
 * one like this project's test machine (controllers in v1, a v2
 * hierarchy with none), and a v1 one with the freezer.  Each tree holds
 * what the kernel would show: the hierarchies' roots, and the jail's
 * groups with their interface files (a fake tree cannot make them on
 * mkdir).  What the module writes is appended to those files, so each
 * case reads back what was written, in order.  Then the limit values:
 * units, typos, bounds, the rctl names, rlimits.  No root needed; the
 * only processes signalled are this test's own children.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "sj-private.h"
#include "tap.h"

static char tmpdir[] = "/tmp/sj-test-cgroup.XXXXXX";

/* Write TEXT to the file TMPDIR/PATH (a format), making its directories. */
static void mkfile(const char *text, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void mkfile(const char *text, const char *fmt, ...)
{
	char path[4096];
	va_list ap;
	FILE *f;
	int n = snprintf(path, sizeof(path), "%s/", tmpdir);

	va_start(ap, fmt);
	vsnprintf(path + n, sizeof(path) - (size_t)n, fmt, ap);
	va_end(ap);
	for (char *p = path + strlen(tmpdir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	f = fopen(path, "we");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* The whole of TMPDIR/PATH, in a static buffer ("" if missing). */
static const char *slurp(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *slurp(const char *fmt, ...)
{
	static char buf[4096];
	char path[4096];
	va_list ap;
	size_t n = 0;
	int len = snprintf(path, sizeof(path), "%s/", tmpdir);
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(path + len, sizeof(path) - (size_t)len, fmt, ap);
	va_end(ap);
	buf[0] = '\0';
	f = fopen(path, "re");
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

/* The last line of a file the module appended to. */
static const char *last(const char *text)
{
	static char line[256];
	size_t n = strlen(text);
	const char *p;

	while (n > 0 && text[n - 1] == '\n')
		n--;
	for (p = text + n; p > text && p[-1] != '\n'; p--)
		;
	snprintf(line, sizeof(line), "%.*s", (int)(text + n - p), p);
	return line;
}

static bool exists(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static bool exists(const char *fmt, ...)
{
	char path[4096];
	va_list ap;
	int len = snprintf(path, sizeof(path), "%s/", tmpdir);

	va_start(ap, fmt);
	vsnprintf(path + len, sizeof(path) - (size_t)len, fmt, ap);
	va_end(ap);
	return access(path, F_OK) == 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Start over with an empty tree. */
static void clear_tree(void)
{
	char root[64];

	snprintf(root, sizeof(root), "%s/root", tmpdir);
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A jail description with parameters "name=value" ..., NULL-ended. */
static struct sj_jail *jail(int jid, pid_t init, ...)
{
	static char root[64];
	sj_error err = { 0 };
	struct sj_jail *j = sj_jail_new(&err);
	va_list ap;

	snprintf(root, sizeof(root), "%s/root", tmpdir);
	j->cg_fake = root;
	j->mode = SJ_MODE_ROOT;		/* root's jail: cgroups of its own */
	j->reg.jid = jid;
	j->init_pid = init;
	va_start(ap, init);
	for (const char *nv; (nv = va_arg(ap, const char *));) {
		char name[64];
		const char *eq = strchr(nv, '=');

		snprintf(name, sizeof(name), "%.*s", (int)(eq - nv), nv);
		if (sj_jail_set(j, name, eq + 1, &err) < 0)
			printf("# setting %s: %s\n", nv, err.msg);
	}
	va_end(ap);
	return j;
}

/*
 * The jail's groups as sj_create() and its init make them: cg_prepare()
 * before the init's clone, cg_create() after it, then the init's own
 * cg_hold() and cg_enter().  The kernel's clone3(CLONE_INTO_CGROUP) that
 * puts the init in the v2 group has no stand-in: what a test kills, it
 * lists in a group's cgroup.procs itself.
 */
static int create(struct sj_jail *j, sj_error *err)
{
	if (cg_prepare(j, err) < 0 || cg_create(j, err) < 0)
		return -1;
	return cg_hold(j, err) < 0 || cg_enter(j, err) < 0 ? -1 : 0;
}

/* PID, listed in DIR's cgroup.procs as the kernel would list it. */
static void list_pid(const char *dir, pid_t pid)
{
	char text[32];

	snprintf(text, sizeof(text), "%d\n", (int)pid);
	mkfile(text, "%s/cgroup.procs", dir);
}

/* A v2 group, as the kernel makes it under a parent with CTLS enabled. */
static void v2_group(const char *dir, bool kill, const char *ctls)
{
	mkfile("", "%s/cgroup.procs", dir);
	mkfile("populated 0\nfrozen 0\n", "%s/cgroup.events", dir);
	mkfile("", "%s/cgroup.freeze", dir);
	mkfile("usage_usec 5000\nuser_usec 3000\n", "%s/cpu.stat", dir);
	if (kill)
		mkfile("", "%s/cgroup.kill", dir);
	if (strstr(ctls, "memory")) {
		mkfile("max\n", "%s/memory.max", dir);
		mkfile("max\n", "%s/memory.swap.max", dir);
		mkfile("4096\n", "%s/memory.current", dir);
		mkfile("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n", "%s/memory.events", dir);
	}
	if (strstr(ctls, "pids")) {
		mkfile("max\n", "%s/pids.max", dir);
		mkfile("3\n", "%s/pids.current", dir);
	}
	if (strstr(ctls, "cpu")) {
		mkfile("max 100000\n", "%s/cpu.max", dir);
		mkfile("100\n", "%s/cpu.weight", dir);
	}
}

/* A pure v2 machine: the root enables SUBTREE for its children. */
static void v2_machine(const char *subtree)
{
	clear_tree();
	mkfile("cpuset cpu io memory pids\n", "root/cgroup.controllers");
	mkfile(subtree, "root/cgroup.subtree_control");
	mkfile("", "root/cgroup.procs");
	mkfile("", "root/sysjail/cgroup.subtree_control");
}

static void test_v2_create(void)
{
	struct sj_jail *j;
	sj_error err = { 0 };
	int r;

	v2_machine("cpu memory pids\n");
	v2_group("root/sysjail/jail-7", true, "memory pids cpu");
	j = jail(7, 4242, "sysjail.memory=64M", "maxproc=100", "pcpu=20",
		 "sysjail.cpu_weight=50", NULL);
	r = create(j, &err);
	tap(r == 0, "v2: create", "%s", err.msg);
	tap(!strcmp(slurp("root/sysjail/cgroup.subtree_control"), "+pids\n+memory\n+cpu\n"),
	    "v2: the parent enables the controllers", "'%s'",
	    slurp("root/sysjail/cgroup.subtree_control"));
	tap(!strcmp(last(slurp("root/sysjail/jail-7/memory.max")), "67108864"),
	    "v2: memory.max", "'%s'", slurp("root/sysjail/jail-7/memory.max"));
	tap(!strcmp(last(slurp("root/sysjail/jail-7/memory.swap.max")), "0"),
	    "v2: no swap beyond the memory limit by default", "'%s'",
	    slurp("root/sysjail/jail-7/memory.swap.max"));
	tap(!strcmp(last(slurp("root/sysjail/jail-7/pids.max")), "100"), "v2: pids.max", "'%s'",
	    slurp("root/sysjail/jail-7/pids.max"));
	tap(!strcmp(last(slurp("root/sysjail/jail-7/cpu.max")), "20000 100000"),
	    "v2: cpu.max is 20% of a period", "'%s'", slurp("root/sysjail/jail-7/cpu.max"));
	tap(!strcmp(last(slurp("root/sysjail/jail-7/cpu.weight")), "50"), "v2: cpu.weight",
	    "'%s'", slurp("root/sysjail/jail-7/cpu.weight"));
	tap(!strcmp(slurp("root/sysjail/jail-7/cgroup.procs"), ""),
	    "v2: no process moved in by its pid (clone3 puts the init there)", "'%s'",
	    slurp("root/sysjail/jail-7/cgroup.procs"));
	tap(!exists("root/pids") && !exists("root/unified"), "v2: no v1 hierarchy looked for",
	    "something was made outside the v2 root");

	/* jexec's attacher joins; jail -m changes a limit; then the end. */
	r = cg_join(j, false, &err);
	tap(r == 0 && !strcmp(slurp("root/sysjail/jail-7/cgroup.procs"), ""),
	    "v2: jexec's attacher joins nothing by pid (clone3 puts it there)", "%d %s", r,
	    r ? err.msg : slurp("root/sysjail/jail-7/cgroup.procs"));
	r = cg_join(j, true, &err);
	tap(r == 0 && !strcmp(slurp("root/sysjail/jail-7/cgroup.procs"), "0\n"),
	    "v2: an attacher not born there (its caller had threads) moves itself in", "%d %s",
	    r, r ? err.msg : slurp("root/sysjail/jail-7/cgroup.procs"));
	r = cg_modify(j, "sysjail.memory", "unlimited", &err);
	tap(r == 0 && !strcmp(last(slurp("root/sysjail/jail-7/memory.max")), "max") &&
	    !strcmp(last(slurp("root/sysjail/jail-7/memory.swap.max")), "max"),
	    "v2: modify to unlimited takes the swap limit too", "%s",
	    r ? err.msg : slurp("root/sysjail/jail-7/memory.swap.max"));
	tap(j->cfg.memory == 67108864, "v2: modify leaves the parameters to its caller",
	    "memory is %lld", j->cfg.memory);
	r = cg_modify(j, "maxproc", "-3", &err);
	tap(r < 0 && !strcmp(err.msg, "maxproc: '-3' is negative"),
	    "v2: modify refuses a bad value", "%d '%s'", r, err.msg);
	cg_kill(j);
	tap(!strcmp(slurp("root/sysjail/jail-7/cgroup.kill"), "1\n"), "v2: cgroup.kill",
	    "'%s'", slurp("root/sysjail/jail-7/cgroup.kill"));
	cg_ended(j, 128 + SIGKILL, true);
	tap(sj_wait_reason(j) && !strcmp(sj_wait_reason(j), "the command was killed: out of "
					  "memory (limit sysjail.memory=64 MiB)"),
	    "v2: the reason, from memory.events", "'%s'", sj_wait_reason(j));
	tap(!exists("root/sysjail/jail-7") && exists("root/sysjail"),
	    "v2: the group removed, the parent kept", "jail-7 or sysjail wrong");
	sj_jail_free(j);
}

/* Without cgroup.kill (kernels before 5.14): freeze, kill what is listed, thaw. */
static void test_v2_freeze(void)
{
	struct sj_jail *j;
	sj_error err = { 0 };
	int status = 0;
	pid_t child;

	v2_machine("memory pids\n");
	v2_group("root/sysjail/jail-8", false, "memory pids");
	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	j = jail(8, child, NULL);
	tap(create(j, &err) == 0, "v2 freeze: create", "%s", err.msg);
	list_pid("root/sysjail/jail-8", child);
	tap(!exists("root/sysjail/jail-8/cpu.max") &&
	    !strstr(slurp("root/sysjail/cgroup.subtree_control"), "cpu"),
	    "v2 freeze: no cpu controller, none asked for", "cpu was touched");
	mkfile("populated 1\nfrozen 1\n", "root/sysjail/jail-8/cgroup.events");
	cg_kill(j);
	waitpid(child, &status, 0);
	tap(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "v2 freeze: the listed process "
	    "killed", "status %#x", status);
	tap(!strcmp(slurp("root/sysjail/jail-8/cgroup.freeze"), "1\n0\n"),
	    "v2 freeze: frozen, then thawed", "'%s'", slurp("root/sysjail/jail-8/cgroup.freeze"));
	tap(cg_remove(j, 100, &err) < 0 && err.errnum == EBUSY,
	    "v2 freeze: a populated group is not removed", "%s", err.msg);
	mkfile("populated 0\nfrozen 0\n", "root/sysjail/jail-8/cgroup.events");
	tap(cg_remove(j, 100, &err) == 0 && !exists("root/sysjail/jail-8"),
	    "v2 freeze: removed once empty", "%s", err.msg);
	sj_jail_free(j);

	j = jail(8, 1, "pcpu=20", NULL);
	tap(create(j, &err) < 0 && strstr(err.msg, "no cpu cgroup controller") &&
	    strstr(err.msg, "sysjail.cpu_quota"), "v2: a limit without its controller fails",
	    "'%s'", err.msg);
	sj_jail_free(j);
}

/* v1 group files of the controllers in CTLS. */
static void v1_group(const char *dir, const char *ctls, bool swap)
{
	mkfile("", "%s/cgroup.procs", dir);
	mkfile("", "%s/tasks", dir);
	if (strstr(ctls, "memory")) {
		mkfile("9223372036854771712\n", "%s/memory.limit_in_bytes", dir);
		if (swap)
			mkfile("9223372036854771712\n", "%s/memory.memsw.limit_in_bytes", dir);
		mkfile("8192\n", "%s/memory.usage_in_bytes", dir);
		mkfile("oom_kill_disable 0\nunder_oom 0\noom_kill 2\n", "%s/memory.oom_control",
		       dir);
	}
	if (strstr(ctls, "pids")) {
		mkfile("max\n", "%s/pids.max", dir);
		mkfile("5\n", "%s/pids.current", dir);
	}
	if (strstr(ctls, "cpu,")) {
		mkfile("1024\n", "%s/cpu.shares", dir);
		mkfile("100000\n", "%s/cpu.cfs_period_us", dir);
		mkfile("-1\n", "%s/cpu.cfs_quota_us", dir);
	}
	if (strstr(ctls, "cpuacct"))
		mkfile("7000000\n", "%s/cpuacct.usage", dir);
	if (strstr(ctls, "freezer"))
		mkfile("", "%s/freezer.state", dir);
}

/* This machine's shape: v1 controllers, and a v2 hierarchy without any. */
static void test_hybrid(void)
{
	static const char *const v1[] = { "pids", "memory", "cpu,", "cpuacct", "freezer" };
	struct sj_stats st = { 0 };
	struct sj_jail *j;
	sj_error err = { 0 };
	int r;

	clear_tree();
	mkfile("", "root/unified/cgroup.controllers");
	mkfile("", "root/unified/cgroup.subtree_control");
	for (size_t i = 0; i < SJ_NELEM(v1); i++)
		mkfile("", "root/%.*s/cgroup.procs", (int)strcspn(v1[i], ","), v1[i]);
	v2_group("root/unified/sysjail/jail-9", true, "");
	v1_group("root/pids/sysjail/jail-9", "pids", true);
	v1_group("root/memory/sysjail/jail-9", "memory", true);
	v1_group("root/cpu/sysjail/jail-9", "cpu,", true);
	j = jail(9, 4343, "memoryuse=64M", "swapuse=16M", "sysjail.maxproc=100", "pcpu=150",
		 "sysjail.cpu_weight=50", NULL);
	r = create(j, &err);
	tap(r == 0, "hybrid: create", "%s", err.msg);
	tap(!strcmp(last(slurp("root/memory/sysjail/jail-9/memory.limit_in_bytes")),
		    "67108864") &&
	    !strcmp(last(slurp("root/memory/sysjail/jail-9/memory.memsw.limit_in_bytes")),
		    "83886080"),
	    "hybrid: v1 memory, and memory+swap", "'%s'",
	    slurp("root/memory/sysjail/jail-9/memory.memsw.limit_in_bytes"));
	tap(!strcmp(last(slurp("root/pids/sysjail/jail-9/pids.max")), "100"), "hybrid: v1 pids",
	    "'%s'", slurp("root/pids/sysjail/jail-9/pids.max"));
	tap(!strcmp(last(slurp("root/cpu/sysjail/jail-9/cpu.cfs_quota_us")), "150000") &&
	    !strcmp(last(slurp("root/cpu/sysjail/jail-9/cpu.shares")), "512"),
	    "hybrid: v1 cpu quota (150%) and shares (weight 50)", "'%s' '%s'",
	    slurp("root/cpu/sysjail/jail-9/cpu.cfs_quota_us"),
	    slurp("root/cpu/sysjail/jail-9/cpu.shares"));
	tap(!strcmp(slurp("root/unified/sysjail/jail-9/cgroup.procs"), "") &&
	    !strcmp(slurp("root/memory/sysjail/jail-9/tasks"), "0\n") &&
	    !strcmp(slurp("root/pids/sysjail/jail-9/tasks"), "0\n") &&
	    !strcmp(slurp("root/cpu/sysjail/jail-9/tasks"), "0\n") &&
	    !strcmp(slurp("root/memory/sysjail/jail-9/cgroup.procs"), ""),
	    "hybrid: the init joins each v1 group itself, as a thread; none moved by pid",
	    "unified '%s' pids tasks '%s'", slurp("root/unified/sysjail/jail-9/cgroup.procs"),
	    slurp("root/pids/sysjail/jail-9/tasks"));
	r = cg_join(j, false, &err);
	tap(r == 0 && !strcmp(slurp("root/pids/sysjail/jail-9/tasks"), "0\n0\n") &&
	    !strcmp(slurp("root/cpu/sysjail/jail-9/tasks"), "0\n0\n") &&
	    !strcmp(slurp("root/unified/sysjail/jail-9/cgroup.procs"), ""),
	    "hybrid: jexec's attacher joins each v1 group itself", "%d %s", r,
	    r ? err.msg : slurp("root/pids/sysjail/jail-9/tasks"));
	tap(!exists("root/freezer/sysjail") && !exists("root/cpuacct/sysjail") &&
	    !strcmp(slurp("root/unified/sysjail/cgroup.subtree_control"), ""),
	    "hybrid: v2 kills and counts CPU: no freezer or cpuacct group; no v2 controller",
	    "freezer, cpuacct or subtree_control touched");
	r = cg_stats(j, &st);
	tap(r == 0 && st.has_cgroup && st.memory == 8192 && st.memory_max == SJ_LIMIT_NONE &&
	    st.tasks == 5 && st.tasks_max == SJ_LIMIT_NONE && st.cpu_usec == 5000 &&
	    st.cpu_quota == SJ_LIMIT_NONE && st.oom_kills == 2,
	    "hybrid: use and limits read back (v1 values, v2 CPU time)",
	    "%d mem %lld/%lld tasks %lld/%lld cpu %lld quota %lld oom %lld", r, st.memory,
	    st.memory_max, st.tasks, st.tasks_max, st.cpu_usec, st.cpu_quota, st.oom_kills);
	cg_ended(j, 0, false);
	tap(sj_wait_reason(j) && !strcmp(sj_wait_reason(j), "out of memory: the kernel killed 2 "
					  "processes in the jail (limit sysjail.memory=64 MiB)"),
	    "hybrid: the reason, from memory.oom_control", "'%s'", sj_wait_reason(j));
	/* jexec's command: only kills since sj_attach(), and only its own. */
	j->oom_before = 2;
	tap(!sj_attach_reason(j, 128 + SIGKILL), "hybrid: jexec: no kill since the attach",
	    "'%s'", sj_attach_reason(j, 128 + SIGKILL));
	j->oom_before = 1;
	tap(!sj_attach_reason(j, 1), "hybrid: jexec: a kill, but the command exited",
	    "'%s'", sj_attach_reason(j, 1));
	tap(sj_attach_reason(j, 128 + SIGKILL) &&
	    !strcmp(sj_attach_reason(j, 128 + SIGKILL), "the command was killed: out of memory "
		    "(limit sysjail.memory=64 MiB)"),
	    "hybrid: jexec: its command killed", "'%s'", sj_attach_reason(j, 128 + SIGKILL));
	j->oom_before = -1;
	tap(!sj_attach_reason(j, 128 + SIGKILL), "hybrid: jexec: no count before, no reason",
	    "'%s'", sj_attach_reason(j, 128 + SIGKILL));
	/* Its processes gone (cgroup.kill), a real cgroup.procs is empty. */
	mkfile("", "root/pids/sysjail/jail-9/cgroup.procs");
	mkfile("", "root/memory/sysjail/jail-9/cgroup.procs");
	mkfile("", "root/cpu/sysjail/jail-9/cgroup.procs");
	cg_destroy(j);
	tap(!exists("root/memory/sysjail/jail-9") && !exists("root/unified/sysjail/jail-9") &&
	    exists("root/memory/sysjail"), "hybrid: destroyed, parents kept", "left behind");
	sj_jail_free(j);
}

/* v1 alone: the freezer kills, cpuacct counts, cpu and cpuacct mounted together. */
static void test_v1_freezer(void)
{
	struct sj_stats st = { 0 };
	struct sj_jail *j;
	sj_error err = { 0 };
	int status = 0, r;
	char path[128];
	pid_t child;

	clear_tree();
	mkfile("", "root/pids/cgroup.procs");
	mkfile("", "root/memory/cgroup.procs");
	mkfile("", "root/freezer/cgroup.procs");
	mkfile("", "root/cpu,cpuacct/cgroup.procs");
	snprintf(path, sizeof(path), "%s/root/cpu", tmpdir);
	r = symlink("cpu,cpuacct", path);
	snprintf(path, sizeof(path), "%s/root/cpuacct", tmpdir);
	r |= symlink("cpu,cpuacct", path);
	tap(r == 0, "v1: cpu and cpuacct mounted together", "symlink: %s", strerror(errno));
	v1_group("root/pids/sysjail/jail-10", "pids", false);
	v1_group("root/memory/sysjail/jail-10", "memory", false);
	v1_group("root/freezer/sysjail/jail-10", "freezer", false);
	v1_group("root/cpu,cpuacct/sysjail/jail-10", "cpu,cpuacct", false);
	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	j = jail(10, child, "sysjail.memory=32M", NULL);
	tap(create(j, &err) == 0, "v1: create (no swap accounting)", "%s", err.msg);
	tap(!strcmp(slurp("root/cpu,cpuacct/sysjail/jail-10/tasks"), "0\n") &&
	    !strcmp(slurp("root/freezer/sysjail/jail-10/tasks"), "0\n"),
	    "v1: cpu and cpuacct share one group, joined once", "'%s'",
	    slurp("root/cpu,cpuacct/sysjail/jail-10/tasks"));
	list_pid("root/freezer/sysjail/jail-10", child);
	tap(cg_stats(j, &st) == 0 && st.cpu_usec == 7000, "v1: CPU time from cpuacct.usage",
	    "%lld", st.cpu_usec);
	cg_kill(j);
	waitpid(child, &status, 0);
	tap(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "v1: the freezer's process killed",
	    "status %#x", status);
	tap(!strcmp(slurp("root/freezer/sysjail/jail-10/freezer.state"), "FROZEN\nTHAWED\n"),
	    "v1: frozen, then thawed", "'%s'", slurp("root/freezer/sysjail/jail-10/freezer.state"));
	/* The pid is gone; a real cgroup.procs would say so. */
	mkfile("", "root/pids/sysjail/jail-10/cgroup.procs");
	mkfile("", "root/memory/sysjail/jail-10/cgroup.procs");
	mkfile("", "root/freezer/sysjail/jail-10/cgroup.procs");
	mkfile("", "root/cpu,cpuacct/sysjail/jail-10/cgroup.procs");
	tap(cg_remove(j, 100, &err) == 0 && !exists("root/pids/sysjail/jail-10") &&
	    !exists("root/cpu,cpuacct/sysjail/jail-10"), "v1: removed", "%s", err.msg);
	sj_jail_free(j);

	v1_group("root/pids/sysjail/jail-11", "pids", false);
	v1_group("root/memory/sysjail/jail-11", "memory", false);
	v1_group("root/freezer/sysjail/jail-11", "freezer", false);
	v1_group("root/cpu,cpuacct/sysjail/jail-11", "cpu,cpuacct", false);
	j = jail(11, 1, "sysjail.memory=32M", "sysjail.memory_swap=1G", NULL);
	tap(create(j, &err) < 0 && strstr(err.msg, "sysjail.memory_swap: this kernel does not "
					       "account swap"),
	    "v1: a swap limit without swap accounting fails", "'%s'", err.msg);
	sj_jail_free(j);
}

/* "name=value" must fail with exactly MSG (NULL: must succeed; then get gives GOT). */
static void value(const char *name, const char *v, const char *msg, const char *got)
{
	char label[160], buf[128];
	sj_error err = { 0 };
	struct sj_jail *j = sj_jail_new(&err);
	int r = sj_jail_set(j, name, v, &err);

	snprintf(label, sizeof(label), "value: %s=%s", name, v);
	if (msg)
		tap(r < 0 && !strcmp(err.msg, msg), label, "got %d '%s'", r, r < 0 ? err.msg : "");
	else if (r < 0)
		tap(false, label, "refused: %s", err.msg);
	else
		tap(sj_jail_get(j, name, buf, sizeof(buf), &err) >= 0 && !strcmp(buf, got), label,
		    "reads back as '%s'", buf);
	sj_jail_free(j);
}

static void test_values(void)
{
	value("sysjail.memory", "64M", NULL, "67108864");
	value("sysjail.memory", "64MiB", NULL, "67108864");
	value("sysjail.memory", "2g", NULL, "2147483648");
	value("sysjail.memory", "1T", NULL, "1099511627776");
	value("sysjail.memory", "unlimited", NULL, "unlimited");
	value("memoryuse", "512k", "memoryuse: '512k' is below 1 MiB", NULL);
	value("sysjail.memory", "64MB", "sysjail.memory: '64MB' has an unknown unit 'MB' "
	      "(K, M, G or T, binary: 64M is 64 MiB)", NULL);
	value("memoryuse", "64 M", "memoryuse: '64 M' has an unknown unit ' M' "
	      "(K, M, G or T, binary: 64M is 64 MiB)", NULL);
	value("sysjail.memory", "1.5G", "sysjail.memory: '1.5G' has an unknown unit '.5G' "
	      "(K, M, G or T, binary: 64M is 64 MiB)", NULL);
	value("sysjail.memory", "-64M", "sysjail.memory: '-64M' is negative", NULL);
	value("sysjail.memory", "lots", "sysjail.memory: 'lots' is not a number or 'unlimited'",
	      NULL);
	value("sysjail.memory", "", "sysjail.memory: needs a value", NULL);
	value("sysjail.memory", "64", "sysjail.memory: '64' is below 1 MiB (a number without a "
	      "unit is bytes: did you mean 64M?)", NULL);
	value("sysjail.memory", "99999999T", "sysjail.memory: '99999999T' is too large "
	      "(at most 9223372036854775807)", NULL);
	value("sysjail.memory_swap", "0", NULL, "0");
	value("swapuse", "1G", NULL, "1073741824");
	value("sysjail.maxproc", "100", NULL, "100");
	value("maxproc", "unlimited", NULL, "unlimited");
	value("maxproc", "1", "maxproc: '1' is below 2: the jail's init and its command are two",
	      NULL);
	value("maxproc", "10k", "maxproc: '10k' is not a whole number", NULL);
	value("pcpu", "20", NULL, "20");
	value("pcpu", "0", "pcpu: '0' is below 1: a percentage of one CPU, from 1 (the kernel's "
	      "least quota)", NULL);
	value("sysjail.cpu_weight", "10001", "sysjail.cpu_weight: '10001' is too large "
	      "(at most 10000)", NULL);
	value("sysjail.cpu_weight", "unlimited", "sysjail.cpu_weight: cannot be 'unlimited'", NULL);
	value("openfiles", "1024", NULL, "1024");
	value("sysjail.rlimit.nofile", "64:4096", NULL, "64:4096");
	value("sysjail.rlimit.nofile", "4096:64", "sysjail.rlimit.nofile: '4096:64': the soft "
	      "limit is above the hard one", NULL);
	value("sysjail.rlimit.core", "0", NULL, "0");
	value("sysjail.rlimit.fsize", "1M:unlimited", NULL, "1048576:unlimited");
	value("sysjail.rlimit.stack", "8M", NULL, "8388608");
	value("sysjail.rlimit.nice", "41", "sysjail.rlimit.nice: '41' is too large (at most 40)",
	      NULL);
	value("sysjail.cgroup", "sysjail-tests-1", NULL, "sysjail-tests-1");
}

/* The defaults, and the checks made when a jail is created. */
static void test_defaults(void)
{
	struct sj_jail *j;
	char buf[64];
	sj_error err = { 0 };

	j = sj_jail_new(&err);
	tap(sj_jail_get(j, "sysjail.maxproc", buf, sizeof(buf), &err) >= 0 && !strcmp(buf, "2048"),
	    "default: 2048 processes", "'%s'", buf);
	tap(sj_jail_get(j, "memoryuse", buf, sizeof(buf), &err) >= 0 &&
	    !strcmp(buf, "unlimited"), "default: memory unlimited", "'%s'", buf);
	tap(sj_jail_get(j, "sysjail.rlimit.nofile", buf, sizeof(buf), &err) == 0,
	    "default: rlimits unset (inherited)", "'%s'", buf);
	tap(sj_jail_get(j, "sysjail.cgroup", buf, sizeof(buf), &err) == 0,
	    "default: sysjail.cgroup unset (\"sysjail\")", "'%s'", buf);
	sj_jail_set(j, "path", "/", &err);
	sj_jail_set(j, "persist", NULL, &err);
	sj_jail_set(j, "swapuse", "1G", &err);
	tap(params_check(&j->cfg, &err) < 0 && strstr(err.msg, "set sysjail.memory too"),
	    "check: swap beyond an unlimited memory", "'%s'", err.msg);
	sj_jail_set(j, "swapuse", "0", &err);
	sj_jail_set(j, "sysjail.cgroup", "../etc", &err);
	tap(params_check(&j->cfg, &err) < 0 && !strcmp(err.msg, "sysjail.cgroup: '../etc' has "
						       "character '.' (one group name: letters, "
						       "digits, '_' and '-' only)"),
	    "check: sysjail.cgroup is one name", "'%s'", err.msg);
	sj_jail_free(j);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_v2_create();
	test_v2_freeze();
	test_hybrid();
	test_v1_freezer();
	test_values();
	test_defaults();
	clear_tree();
	rmdir(tmpdir);
	return tap_exit();
}
