/*
 * sjls(8): running jails as a Linux operator wants to see them: their
 * processes, memory, CPU time, uptime, use against their limits (from
 * their cgroups) and namespaces, and (-p) the process tree; as a table
 * or JSON.
 *
 *   sjls [-pv] [--json] [jail ...]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysjail.h"

static const char usage_text[] = "usage: sjls [-pv] [--json] [jail ...]\n";

static const char help_text[] =
	"\n"
	"Show running jails with what they use: processes, resident memory, CPU\n"
	"time (with that of reaped children), uptime, and from their cgroups\n"
	"memory, processes and threads against their limits, and CPU quota.\n"
	"\n"
	"  -p          each jail's process tree\n"
	"  -v          each jail's namespaces\n"
	"  --json      one JSON document\n"
	"  --help      show this help\n";

static bool json;

static void human_bytes(unsigned long long b, char *buf, size_t len)
{
	static const char units[] = "BKMGT";
	double v = (double)b;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, u ? "%.1f%c" : "%.0f%c", v, units[u]);
}

static void human_time(unsigned long long s, char *buf, size_t len)
{
	if (s >= 86400)
		snprintf(buf, len, "%llud%02lluh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, len, "%lluh%02llum", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%llum%02llus", s / 60, s % 60);
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

/* The value of NAME, in BUF (empty when unknown or too long). */
static const char *get(sj_jail *j, const char *name, char *buf, size_t len)
{
	sj_error err;

	if (sj_jail_get(j, name, buf, len, &err) < 0)
		buf[0] = '\0';
	return buf;
}

/* "USE/LIMIT" from a jail's cgroup: "-" for no limit, "?" for unknown. */
static void use_of(long long use, long long max, bool bytes, char *buf, size_t len)
{
	char u[24] = "?", m[24] = "?";

	if (use >= 0 && bytes)
		human_bytes((unsigned long long)use, u, sizeof(u));
	else if (use >= 0)
		snprintf(u, sizeof(u), "%lld", use);
	if (max == -1)
		snprintf(m, sizeof(m), "-");
	else if (max >= 0 && bytes)
		human_bytes((unsigned long long)max, m, sizeof(m));
	else if (max >= 0)
		snprintf(m, sizeof(m), "%lld", max);
	snprintf(buf, len, "%s/%s", u, m);
}

/* A cgroup figure for JSON: null when not known, or for no limit. */
static void json_number(const char *key, long long v, bool last)
{
	if (v < 0)
		printf("\"%s\":null%s", key, last ? "" : ",");
	else
		printf("\"%s\":%lld%s", key, v, last ? "" : ",");
}

/* Children of PARENT (host pids), depth-first, as a tree. */
static void tree(const struct sj_stats *st, pid_t parent, int depth)
{
	for (size_t i = 1; i < st->nprocs; i++) {
		const struct sj_proc *p = &st->procs[i];

		if (p->ppid != parent)
			continue;
		printf("%9d %8d %10u %c  %*s%s\n", p->jail_pid, p->pid, p->uid, p->state,
		       2 * depth, "", p->comm);
		tree(st, p->pid, depth + 1);
	}
}

/* Processes whose parent is outside the jail (jexec's) hang off nothing. */
static void orphans(const struct sj_stats *st)
{
	for (size_t i = 1; i < st->nprocs; i++) {
		bool inside = false;

		for (size_t k = 0; k < st->nprocs; k++)
			inside |= st->procs[k].pid == st->procs[i].ppid;
		if (!inside) {
			const struct sj_proc *p = &st->procs[i];

			printf("%9d %8d %10u %c  %s\n", p->jail_pid, p->pid, p->uid, p->state,
			       p->comm);
			tree(st, p->pid, 1);
		}
	}
}

static void show_text(sj_jail *j, const struct sj_stats *st, bool procs, bool verbose)
{
	char mem[16], up[48], cpu[32], name[80], host[80], path[4096];
	char cgmem[56] = "-", tasks[56] = "-", quota[24] = "-";
	double secs = st->ticks_per_second ? (double)st->cpu_ticks / st->ticks_per_second : 0;

	human_bytes(st->rss, mem, sizeof(mem));
	human_time((unsigned long long)st->uptime, up, sizeof(up));
	snprintf(cpu, sizeof(cpu), "%.2fs", secs);
	get(j, "name", name, sizeof(name));
	if (st->has_cgroup) {
		use_of(st->memory, st->memory_max, true, cgmem, sizeof(cgmem));
		use_of(st->tasks, st->tasks_max, false, tasks, sizeof(tasks));
		if (st->cpu_quota >= 0)
			snprintf(quota, sizeof(quota), "%lld%%", st->cpu_quota);
	}
	printf("%5d %-12.12s %6zu %8s %9s %8s %15s %11s %6s %-20.20s %s\n", sj_jail_jid(j),
	       *name ? name : "-", st->nprocs, mem, cpu, up, cgmem, tasks, quota,
	       get(j, "host.hostname", host, sizeof(host)), get(j, "path", path, sizeof(path)));
	if (verbose && st->has_cgroup)
		printf("      cgroup: %.2fs of CPU, %lld killed for want of memory\n",
		       st->cpu_usec >= 0 ? (double)st->cpu_usec / 1e6 : 0.0,
		       st->oom_kills > 0 ? st->oom_kills : 0);
	if (verbose) {
		printf("      namespaces:");
		for (int i = 0; i < SJ_NS_COUNT; i++)
			printf(" %s:%lu", sj_ns_name(i), st->ns[i]);
		putchar('\n');
	}
	if (procs && st->nprocs) {
		const struct sj_proc *init = &st->procs[0];

		printf("%9s %8s %10s %c  %s\n", "PID", "HOSTPID", "HOSTUID", 'S', "COMMAND");
		printf("%9d %8d %10u %c  %s (init)\n", init->jail_pid, init->pid, init->uid,
		       init->state, init->comm);
		tree(st, init->pid, 1);
		orphans(st);
	}
}

static void show_json(sj_jail *j, const struct sj_stats *st, bool first)
{
	char buf[4096];

	printf("%s{\"jid\":%d,\"name\":", first ? "" : ",", sj_jail_jid(j));
	json_string(get(j, "name", buf, sizeof(buf)));
	printf(",\"hostname\":");
	json_string(get(j, "host.hostname", buf, sizeof(buf)));
	printf(",\"path\":");
	json_string(get(j, "path", buf, sizeof(buf)));
	printf(",\"dying\":%s,\"processes\":%zu,\"rss\":%llu,\"cpu_seconds\":%.2f,"
	       "\"uptime\":%lld,\"namespaces\":{", sj_jail_dying(j) ? "true" : "false",
	       st->nprocs, st->rss,
	       st->ticks_per_second ? (double)st->cpu_ticks / st->ticks_per_second : 0.0,
	       (long long)st->uptime);
	for (int i = 0; i < SJ_NS_COUNT; i++)
		printf("%s\"%s\":%lu", i ? "," : "", sj_ns_name(i), st->ns[i]);
	printf("},\"cgroup\":");
	if (st->has_cgroup) {
		putchar('{');
		json_number("memory", st->memory, false);
		json_number("memory_max", st->memory_max, false);
		json_number("tasks", st->tasks, false);
		json_number("tasks_max", st->tasks_max, false);
		json_number("cpu_usec", st->cpu_usec, false);
		json_number("cpu_quota_percent", st->cpu_quota, false);
		json_number("oom_kills", st->oom_kills, true);
		putchar('}');
	} else {
		printf("null");
	}
	printf(",\"tree\":[");
	for (size_t i = 0; i < st->nprocs; i++) {
		const struct sj_proc *p = &st->procs[i];

		printf("%s{\"pid\":%d,\"host_pid\":%d,\"host_ppid\":%d,\"host_uid\":%u,"
		       "\"state\":\"%c\",\"rss\":%llu,\"command\":", i ? "," : "", p->jail_pid,
		       p->pid, p->ppid, p->uid, p->state, p->rss);
		json_string(p->comm);
		putchar('}');
	}
	printf("]}");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	const char *rundir = getenv("SYSJAIL_RUNDIR");
	bool procs = false, verbose = false, first = true;
	sj_jail **jails = NULL;
	struct sj_stats *stats;
	size_t n = 0;
	int ch, status = 0;
	sj_error err;

	while ((ch = getopt_long(argc, argv, "pv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			procs = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'J':
			json = true;
			break;
		case 'H':
			fputs(usage_text, stdout);
			fputs(help_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 1;
		}
	}
	if (optind < argc) {
		jails = calloc((size_t)(argc - optind), sizeof(*jails));
		for (int i = optind; jails && i < argc; i++) {
			sj_jail *j = sj_find(rundir, argv[i], &err);

			if (!j) {
				fprintf(stderr, "sjls: %s\n", err.msg);
				status = 1;
				continue;
			}
			jails[n++] = j;
		}
	} else if (sj_list(rundir, SJ_LIST_DYING, &jails, &n, &err) < 0) {
		fprintf(stderr, "sjls: %s\n", err.msg);
		return 1;
	}
	if (json)
		printf("{\"jails\":[");
	else
		printf("%5s %-12s %6s %8s %9s %8s %15s %11s %6s %-20s %s\n", "JID", "NAME", "PROCS",
		       "RSS", "CPU", "UPTIME", "MEMORY", "TASKS", "CPUMAX", "HOSTNAME", "PATH");
	stats = calloc(n ? n : 1, sizeof(*stats));
	if (!stats || sj_jails_stats(jails, n, stats, &err) < 0) {
		fprintf(stderr, "sjls: %s\n", stats ? err.msg : "out of memory");
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		/* A jail that ended while we looked has no processes. */
		if (stats[i].nprocs == 0)
			continue;
		if (json)
			show_json(jails[i], &stats[i], first);
		else
			show_text(jails[i], &stats[i], procs, verbose);
		first = false;
		sj_stats_free(&stats[i]);
	}
	free(stats);
	if (json)
		printf("]}\n");
	sj_list_free(jails, n);
	return status;
}
