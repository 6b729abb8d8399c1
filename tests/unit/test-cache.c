/*
 * test-cache.c: the compiled-filter cache under the runtime directory.
 * A second sc_prepare() for the same inputs is a hit (proved by a run
 * that may not compile), a changed input is a miss, and a corrupted or
 * truncated file is rejected and rewritten.  Uses a temporary directory
 * of its own; no root needed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "policy.h"
#include "tap.h"

static char tmpdir[] = "/tmp/sj-test-cache.XXXXXX";
static int rundir = -1;

static struct sj_jail *make_jail(const char *profile, unsigned params)
{
	sj_error err;
	struct sj_jail *j = sj_jail_new(&err);

	if (!j)
		return NULL;
	j->cfg.seccomp = profile ? strdup(profile) : NULL;
	j->cfg.allow_raw_sockets = params & (1u << POL_RAW_SOCKETS);
	j->cfg.allow_mount = params & (1u << POL_MOUNT);
	j->reg.dirfd = dup(rundir);
	return j;
}

/* Prepare PROFILE with FLAGS; fill ST; returns 0 or -1 with ERR. */
static int prepare(const char *profile, unsigned params, unsigned flags, struct sc_stats *st,
		   struct sj_bpf *copy, sj_error *err)
{
	struct sj_jail *j = make_jail(profile, params);
	int r;

	memset(st, 0, sizeof(*st));
	if (!j)
		return sj_fail(err, ENOMEM, "out of memory");
	r = sc_prepare_ex(j, flags, st, err);
	if (r == 0 && copy) {
		*copy = j->bpf;
		memset(&j->bpf, 0, sizeof(j->bpf));
	}
	sj_jail_free(j);
	return r;
}

static bool same_bpf(const struct sj_bpf *a, const struct sj_bpf *b)
{
	if (a->nprog != b->nprog)
		return false;
	for (size_t i = 0; i < a->nprog; i++)
		if (a->prog[i].len != b->prog[i].len ||
		    memcmp(a->prog[i].insns, b->prog[i].insns, a->prog[i].len * 8) != 0)
			return false;
	return true;
}

static void free_bpf(struct sj_bpf *b)
{
	for (size_t i = 0; i < b->nprog; i++)
		free(b->prog[i].insns);
	memset(b, 0, sizeof(*b));
}

/* The one cache file, by path; "" when there is not exactly one. */
static const char *cache_file(void)
{
	static char path[600];
	char dir[300];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/cache", tmpdir);
	path[0] = '\0';
	if (!(d = opendir(dir)))
		return path;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && n++ == 0)
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
	closedir(d);
	if (n != 1)
		path[0] = '\0';
	return path;
}

static void clear_cache(void)
{
	char dir[300], path[700];
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/cache", tmpdir);
	if (!(d = opendir(dir)))
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' || strlen(e->d_name) > 2) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	closedir(d);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_hit_and_miss(void)
{
	struct sc_stats st = { 0 };
	struct sj_bpf first, second;
	sj_error err;
	struct stat sb;
	char dir[300];
	int r = prepare(NULL, 0, 0, &st, &first, &err);

	if (!tap(r == 0 && st.compiled && !st.cache_hit &&
		 st.cache_written, "first prepare compiles and writes the cache",
		 "%s (compiled %d hit %d written %d)", err.msg, st.compiled, st.cache_hit,
		 st.cache_written))
		return;
	snprintf(dir, sizeof(dir), "%s/cache", tmpdir);
	tap(stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode) && (sb.st_mode & 0777) == 0700,
	    "cache directory is private", "mode %o", (unsigned)sb.st_mode);
	tap(stat(cache_file(), &sb) == 0 && (sb.st_mode & 0777) == 0600,
	    "cache file is private", "'%s' mode %o", cache_file(), (unsigned)sb.st_mode);
	/* SC_CACHE_ONLY: this run cannot compile, so success is a hit. */
	tap(prepare(NULL, 0, SC_CACHE_ONLY, &st, &second, &err) == 0 && st.cache_hit &&
	    !st.compiled && !st.parsed, "second prepare is a hit, without parsing or compiling",
	    "%s", err.msg);
	tap(same_bpf(&first, &second), "the hit gives the compiled programs", " ");
	free_bpf(&second);
	tap(prepare(NULL, 1u << POL_MOUNT, SC_CACHE_ONLY, &st, NULL, &err) < 0 &&
	    strstr(err.msg, "not in the cache"), "a changed parameter is a miss", "%s", err.msg);
	tap(prepare("stdio", 0, SC_CACHE_ONLY, &st, NULL, &err) < 0,
	    "a changed profile name is a miss", "hit");
	tap(prepare(NULL, 1u << POL_MOUNT, 0, &st, &second, &err) == 0 && st.compiled &&
	    !same_bpf(&first, &second), "the changed parameter compiles other programs", "%s",
	    err.msg);
	free_bpf(&second);
	free_bpf(&first);
}

/* Damage the cache file with FN, then: refused, recompiled, rewritten. */
static void test_damage(const char *name, void (*fn)(const char *path))
{
	struct sc_stats st;
	sj_error err;
	char tn[160];

	clear_cache();
	if (prepare(NULL, 0, 0, &st, NULL, &err) < 0 || !*cache_file()) {
		tap(false, name, "no cache file: %s", err.msg);
		return;
	}
	fn(cache_file());
	snprintf(tn, sizeof(tn), "%s: rejected", name);
	tap(prepare(NULL, 0, SC_CACHE_ONLY, &st, NULL, &err) < 0, tn, "accepted");
	snprintf(tn, sizeof(tn), "%s: recompiled and rewritten", name);
	tap(prepare(NULL, 0, 0, &st, NULL, &err) == 0 && st.compiled && st.cache_written, tn,
	    "%s", err.msg);
	snprintf(tn, sizeof(tn), "%s: then a hit again", name);
	tap(prepare(NULL, 0, SC_CACHE_ONLY, &st, NULL, &err) == 0 && st.cache_hit, tn, "%s",
	    err.msg);
}

static void truncate_half(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) == 0 && truncate(path, sb.st_size / 2) < 0)
		perror("truncate");
}

static void truncate_empty(const char *path)
{
	if (truncate(path, 0) < 0)
		perror("truncate");
}

static void flip_byte(const char *path, off_t where)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	struct stat sb;
	unsigned char c;

	if (fd < 0 || fstat(fd, &sb) < 0)
		return;
	if (where < 0)
		where += sb.st_size;
	if (pread(fd, &c, 1, where) == 1) {
		c ^= 0x40;
		if (pwrite(fd, &c, 1, where) != 1)
			perror("pwrite");
	}
	close(fd);
}

static void flip_magic(const char *path) { flip_byte(path, 0); }
static void flip_key(const char *path) { flip_byte(path, 30); }
static void flip_insn(const char *path) { flip_byte(path, -100); }
static void flip_sum(const char *path) { flip_byte(path, -1); }

static void make_writable(const char *path)
{
	chmod(path, 0666);
}

static void append_byte(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);

	if (fd >= 0) {
		if (write(fd, "x", 1) != 1)
			perror("write");
		close(fd);
	}
}

/* A file profile: its content is in the key, includes too. */
static void test_file_profile(void)
{
	char path[300], inc[300];
	struct sc_stats st;
	sj_error err;
	FILE *f;

	clear_cache();
	snprintf(path, sizeof(path), "%s/p.policy", tmpdir);
	snprintf(inc, sizeof(inc), "%s/inc.policy", tmpdir);
	if (!(f = fopen(inc, "w")))
		return;
	fputs("allow getpid\n", f);
	fclose(f);
	if (!(f = fopen(path, "w")))
		return;
	fputs("@include stdio\n@include inc.policy\n", f);
	fclose(f);
	chmod(path, 0644);
	chmod(inc, 0644);
	tap(prepare(path, 0, 0, &st, NULL, &err) == 0 && st.compiled, "file profile compiles",
	    "%s", err.msg);
	tap(prepare(path, 0, SC_CACHE_ONLY, &st, NULL, &err) == 0 && st.cache_hit && st.parsed,
	    "file profile: second prepare is a hit (after reading the files)", "%s", err.msg);
	if ((f = fopen(inc, "w"))) {
		fputs("allow getppid\n", f);
		fclose(f);
	}
	tap(prepare(path, 0, SC_CACHE_ONLY, &st, NULL, &err) < 0,
	    "file profile: a changed included file is a miss", "hit");
	unlink(path);
	unlink(inc);
}

/* Timing: how much a hit saves (reported, not tested). */
static void report_timing(void)
{
	struct sc_stats st;
	sj_error err;
	double t0, t1, t2;
	int n = 50;

	clear_cache();
	t0 = now();
	for (int i = 0; i < n; i++)
		prepare(NULL, 0, SC_NO_CACHE, &st, NULL, &err);
	t1 = now();
	prepare(NULL, 0, 0, &st, NULL, &err);
	t2 = now();
	for (int i = 0; i < n; i++)
		prepare(NULL, 0, SC_CACHE_ONLY, &st, NULL, &err);
	printf("# default profile: compile %.0f us, cache hit %.0f us (mean of %d)\n",
	       (t1 - t0) / n * 1e6, (now() - t2) / n * 1e6, n);
}

static void rm_rf_tmp(void)
{
	char dir[300];

	clear_cache();
	snprintf(dir, sizeof(dir), "%s/cache", tmpdir);
	rmdir(dir);
	close(rundir);
	rmdir(tmpdir);
}

int main(void)
{
	struct sc_stats st;
	sj_error err;
	char dir[300];

	if (!mkdtemp(tmpdir) || (rundir = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		tap(false, "temporary directory", "%s", strerror(errno));
		return 1;
	}
	test_hit_and_miss();
	test_damage("truncated cache file", truncate_half);
	test_damage("empty cache file", truncate_empty);
	test_damage("cache file with a bad magic", flip_magic);
	test_damage("cache file with another key", flip_key);
	test_damage("cache file with a changed instruction", flip_insn);
	test_damage("cache file with a bad checksum", flip_sum);
	test_damage("cache file with a trailing byte", append_byte);
	test_damage("cache file writable by others", make_writable);
	test_file_profile();

	/* A cache directory others can write is not used, and no error. */
	clear_cache();
	snprintf(dir, sizeof(dir), "%s/cache", tmpdir);
	chmod(dir, 0777);
	tap(prepare(NULL, 0, 0, &st, NULL, &err) == 0 && st.compiled && !st.cache_written,
	    "an open cache directory is ignored, the profile compiled", "%s", err.msg);
	chmod(dir, 0700);
	report_timing();
	rm_rf_tmp();
	return tap_exit();
}
