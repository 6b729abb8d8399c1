/*
 * stats.c: what a running jail uses, for sjls(8): its processes (those in
 * its PID namespace, init included), their memory and CPU time, its
 * uptime and its namespaces.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sj-private.h"

static const char *const ns_names[SJ_NS_COUNT] = {
	"pid", "mnt", "net", "uts", "ipc", "user", "cgroup",
};

/* Read a small /proc file into BUF; its length, or -1. */
static ssize_t read_proc(pid_t pid, const char *file, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* One process of the jail: /proc/PID/stat and the pid the jail sees. */
static int read_process(pid_t pid, struct sj_proc *p)
{
	long page = sysconf(_SC_PAGESIZE);
	char buf[2048], *open_paren, *close_paren, *ns;
	unsigned long long ut = 0, st = 0, cut = 0, cst = 0;
	long rss = 0;
	int ppid = 0;

	if (read_proc(pid, "stat", buf, sizeof(buf)) <= 0)
		return -1;
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren)
		return -1;
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	snprintf(p->comm, sizeof(p->comm), "%.*s", (int)(close_paren - open_paren - 1),
		 open_paren + 1);
	/* Fields 3-24: state ppid pgrp session tty tpgid flags minflt
	 * cminflt majflt cmajflt utime stime cutime cstime priority nice
	 * threads itrealvalue starttime vsize rss. */
	if (sscanf(close_paren + 2, "%c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %llu %llu "
		   "%*d %*d %*d %*d %*u %*u %ld", &p->state, &ppid, &ut, &st, &cut, &cst,
		   &rss) != 7)
		return -1;
	p->ppid = ppid;
	p->rss = (unsigned long long)rss * (unsigned long long)page;
	p->cpu_ticks = ut + st + cut + cst;
	if (read_proc(pid, "status", buf, sizeof(buf)) > 0) {
		/* NSpid: the pid in each namespace, the jail's last. */
		if ((ns = strstr(buf, "\nNSpid:"))) {
			char *end = strchr(ns + 1, '\n'), *last;

			if (end)
				*end = '\0';
			last = strrchr(ns, '\t');
			p->jail_pid = last ? (pid_t)atoi(last + 1) : 0;
		}
		if ((ns = strstr(buf, "\nUid:")))
			p->uid = (uid_t)strtoul(ns + 6, NULL, 10);
	}
	return 0;
}

struct collect {
	struct sj_stats *st;
	size_t cap;
	bool oom;
};

static void add(struct collect *c, pid_t pid)
{
	struct sj_proc p;

	if (read_process(pid, &p) < 0)
		return;
	if (c->st->nprocs == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct sj_proc *v = realloc(c->st->procs, cap * sizeof(*v));

		if (!v) {
			c->oom = true;
			return;
		}
		c->st->procs = v;
		c->cap = cap;
	}
	c->st->procs[c->st->nprocs++] = p;
	c->st->rss += p.rss;
	c->st->cpu_ticks += p.cpu_ticks;
}

static void add_descendant(int pidfd SJ_UNUSED, pid_t pid, void *arg)
{
	add(arg, pid);
}

/* A jail's PID namespace, by inode, and where its statistics go. */
struct nsjail {
	unsigned long ino;
	pid_t init;
	struct collect c;
};

static int cmp_ns(const void *a, const void *b)
{
	unsigned long x = ((const struct nsjail *)a)->ino, y = ((const struct nsjail *)b)->ino;

	return (x > y) - (x < y);
}

static void fill_static(sj_jail *j, struct sj_stats *st)
{
	st->ticks_per_second = (unsigned long)sysconf(_SC_CLK_TCK);
	st->uptime = j->created_at ? time(NULL) - j->created_at : 0;
	for (int i = 0; i < SJ_NS_COUNT; i++) {
		char path[64];
		struct stat s;

		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)j->init_pid, ns_names[i]);
		st->ns[i] = stat(path, &s) == 0 ? (unsigned long)s.st_ino : 0;
	}
}

/*
 * Statistics of N jails in one pass over /proc: a process belongs to the
 * jail whose PID namespace it is in (to a jail confined in place if it
 * descends from its init).  A jail that ended meanwhile gets
 * none.  A read-only look: no process is signalled on what is read here.
 */
int sj_jails_stats(sj_jail **jails, size_t n, struct sj_stats *out, sj_error *err)
{
	SJ_AUTOFREE struct nsjail *v = calloc(n ? n : 1, sizeof(*v));
	struct dirent *e;
	size_t nv = 0;
	bool oom = false;
	DIR *d;

	if (!v)
		return sj_fail(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		sj_error ignored;

		memset(&out[i], 0, sizeof(out[i]));
		if (!jails[i]->found || mng_open_init(jails[i], &ignored) < 0)
			continue;
		fill_static(jails[i], &out[i]);
		/* Confined in place, a jail has the host's PID namespace: its
		 * processes are its init's descendants. */
		if (jails[i]->mode == SJ_MODE_CONFINE) {
			struct collect c = { &out[i], 0, false };

			add(&c, jails[i]->init_pid);
			up_each_process(jails[i], add_descendant, &c);
			oom |= c.oom;
			continue;
		}
		cg_stats(jails[i], &out[i]);
		v[nv++] = (struct nsjail){ out[i].ns[0], jails[i]->init_pid, { &out[i], 0, false } };
	}
	qsort(v, nv, sizeof(*v), cmp_ns);
	/* The init first, as sjls shows it. */
	for (size_t i = 0; i < nv; i++)
		add(&v[i].c, v[i].init);
	d = opendir("/proc");
	while (d && (e = readdir(d))) {
		pid_t pid = (pid_t)atoi(e->d_name);
		char path[64];
		struct stat s;
		struct nsjail key, *hit;

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
		if (stat(path, &s) < 0)
			continue;
		key.ino = (unsigned long)s.st_ino;
		hit = bsearch(&key, v, nv, sizeof(*v), cmp_ns);
		if (hit && pid != hit->init)
			add(&hit->c, pid);
	}
	if (d)
		closedir(d);
	for (size_t i = 0; i < nv; i++)
		oom |= v[i].c.oom;
	if (oom) {
		for (size_t i = 0; i < n; i++)
			sj_stats_free(&out[i]);
		return sj_fail(err, ENOMEM, "out of memory");
	}
	return 0;
}

int sj_jail_stats(sj_jail *j, struct sj_stats *st, sj_error *err)
{
	sj_error_clear(err);
	if (!j->found)
		return sj_fail(err, EINVAL, "only a running jail found in the registry has "
			       "statistics");
	if (mng_open_init(j, err) < 0)
		return -1;
	return sj_jails_stats(&j, 1, st, err);
}

void sj_stats_free(struct sj_stats *st)
{
	free(st->procs);
	memset(st, 0, sizeof(*st));
}

const char *sj_ns_name(int i)
{
	return i >= 0 && i < SJ_NS_COUNT ? ns_names[i] : NULL;
}
