/*
 * mkcheck.c: what a root lacks to run a command in a jail (mkjail
 * --check): the mount points, the command itself, its #! interpreter,
 * its ELF interpreter and every library the loader would look for, all
 * resolved inside the root as the jail will see it (elfdeps.c, with the
 * root's own ld.so.conf and only if it has a cache), the emulator for a
 * foreign architecture, and python's standard library.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkroot.h"

#define JAIL_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define MAX_INTERP_DEPTH 4

struct check {
	const struct elf_env *env;
	const struct mk_log *log;
	int lacks;
};

static void lack(struct check *k, const char *fmt, ...) SJ_PRINTF(2, 3);

static void lack(struct check *k, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	k->lacks++;
	mk_log(k->log, SJ_MKROOT_LACK, "%s", msg);
}

static void mount_points(struct check *k)
{
	static const char *const dirs[] = { "proc", "dev", "tmp" };
	struct stat st;

	for (size_t i = 0; i < SJ_NELEM(dirs); i++) {
		SJ_AUTOCLOSE int fd = rp_open(k->env->rootfd, dirs[i], O_PATH | O_DIRECTORY, 0);

		if (fd < 0)
			lack(k, "/%s: no mount point (mkjail makes it)", dirs[i]);
		else if (i == 2 && fstat(fd, &st) == 0 && (st.st_mode & 01777) != 01777)
			lack(k, "/tmp: mode %04o, not 1777", st.st_mode & 07777);
	}
}

/* NAME as the jail's execvp() would find it; "" when it would not. */
static void find_command(const struct check *k, const char *name, char *out, size_t len)
{
	const char *p = JAIL_PATH;

	if (strchr(name, '/')) {
		snprintf(out, len, "%s", name);
		return;
	}
	while (*p) {
		size_t n = strcspn(p, ":");
		SJ_AUTOCLOSE int fd = -1;

		snprintf(out, len, "%.*s/%s", (int)n, p, name);
		fd = rp_open(k->env->rootfd, out, O_PATH, 0);
		if (fd >= 0)
			return;
		p += n + (p[n] == ':');
	}
	out[0] = '\0';
}

/* python's standard library, next to the interpreter's real name. */
static void python_stdlib(struct check *k, int fd, const char *path)
{
	char link[64], real[PATH_MAX], lib[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, real, sizeof(real) - 1);
	if (n <= 0)
		return;
	real[n] = '\0';
	base = strrchr(real, '/') + 1;
	if (fnmatch("python[0-9].[0-9]*", base, 0) != 0)
		return;
	snprintf(lib, sizeof(lib), "usr/lib/%s/os.py", base);
	fd = rp_open(k->env->rootfd, lib, O_PATH, 0);
	if (fd < 0)
		lack(k, "%s: its standard library /usr/lib/%s is missing", path, base);
	else
		close(fd);
}

static void program(struct check *k, const char *path, int depth);

/* A file that is not ELF: a #! script, or nothing that can run. */
static void script(struct check *k, int fd, const char *path, int depth)
{
	char buf[256], interp[PATH_MAX];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	size_t s;

	if (n < 2 || buf[0] != '#' || buf[1] != '!') {
		lack(k, "%s: not a program (neither ELF nor a #! script)", path);
		return;
	}
	buf[n] = '\0';
	s = 2 + strspn(buf + 2, " \t");
	snprintf(interp, sizeof(interp), "%.*s", (int)strcspn(buf + s, " \t\n"), buf + s);
	if (depth >= MAX_INTERP_DEPTH)
		lack(k, "%s: too many levels of #! interpreters", path);
	else
		program(k, interp, depth + 1);
}

static void libraries(struct check *k, const char *path, const struct elf_deps *deps)
{
	const struct elf_machine *m = elf_machine_of(&deps->v[0].info);
	char why[PATH_MAX + 256];
	size_t found = 0;

	if (emul_status(m, why, sizeof(why)) != 1)
		lack(k, "%s: %s", path, why);
	for (size_t i = 1; i < deps->n; i++) {
		const struct elf_dep *d = &deps->v[i];

		if (d->path)
			found++;
		else if (d->by == 0 && deps->v[0].info.interp &&
			 strcmp(d->name, deps->v[0].info.interp) == 0)
			lack(k, "%s: its ELF interpreter %s is missing", path, d->name);
		else
			lack(k, "%s: not found (needed by %s)", d->name,
			     d->by >= 0 ? deps->v[d->by].path : path);
	}
	mk_log(k->log, SJ_MKROOT_INFO, "%s: %s program for %s, %zu objects found", path,
	       deps->v[0].info.dynamic ? "a dynamic" : "a static", m ? m->arch : "an unknown machine",
	       found);
}

static void program(struct check *k, const char *name, int depth)
{
	char path[PATH_MAX];
	SJ_AUTOCLOSE int fd = -1;
	struct elf_deps deps;
	struct stat st;
	sj_error err;
	int r;

	find_command(k, name, path, sizeof(path));
	if (!path[0]) {
		lack(k, "%s: not found in %s", name, JAIL_PATH);
		return;
	}
	fd = rp_open_file(k->env->rootfd, path);
	if (fd < 0 || fstat(fd, &st) < 0) {
		lack(k, "%s: %s", path, strerror(errno));
		return;
	}
	if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111)) {
		lack(k, "%s: not an executable file", path);
		return;
	}
	r = elf_resolve(k->env, path, &deps, &err);
	if (r < 0)
		lack(k, "%s", err.msg);
	else if (r == 1)
		script(k, fd, path, depth);
	else
		libraries(k, path, &deps);
	if (r == 0)
		elf_deps_free(&deps);
	python_stdlib(k, fd, path);
}

/* Report what root DIR lacks to run ARGV[0]; returns how many lacks. */
int mk_check(const char *dir, char *const argv[], const struct mk_log *log, sj_error *err)
{
	struct elf_env env;
	struct check k = { .env = &env, .log = log };
	struct stat st;

	if (stat(dir, &st) < 0)
		return sj_fail_errno(err, "%s", dir);
	if (!S_ISDIR(st.st_mode))
		return sj_fail(err, ENOTDIR, "%s: not a directory", dir);
	if (elf_env_open(&env, dir, err) < 0)
		return -1;
	mount_points(&k);
	program(&k, argv && argv[0] ? argv[0] : "/bin/sh", 0);
	elf_env_close(&env);
	return k.lacks;
}
