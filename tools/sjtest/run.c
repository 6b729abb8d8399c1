/*
 * run.c: one run of sjtest, as an ordered table of steps undone in
 * reverse however the run ends (an error, a signal):
 *
 *   helper       find sjtest-probe
 *   jail         a jail description: the default one, or jail.conf's
 *   directories  sjtest's directory outside the jail's root, the default
 *                root in it, and the stage inside the root: the helper,
 *                a setuid-root copy, the probes' scratch space
 *   fixtures     the host's targets (fixtures.c)
 *   probes       the helper, run in the jail (or, for --control, outside
 *                any jail), its results read into the report
 *
 * Layout of the default jail (W: /var/tmp/sjtest.XXXXXX, mode 0711):
 *
 *   W/marker                       the marker, outside the root
 *   W/root/                        the jail's root
 *   W/root/.sjtest.XXXXXX/         the stage, "/.sjtest.XXXXXX" in the jail
 *       sjtest-probe               the helper
 *       suid/sjtest-probe          root:65534 04750, in root:65534 0750
 *       inside, tmp/mnt/, chroot/  the probes' own files
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probes.h"
#include "sjtest.h"

#ifndef SJT_INSTALLED_HELPER
#define SJT_INSTALLED_HELPER "/usr/local/libexec/sysjail/sjtest-probe"
#endif
#ifndef SJT_BUILD_ROOT
#define SJT_BUILD_ROOT ""
#endif
#ifndef SJT_BUILD_HELPER
#define SJT_BUILD_HELPER ""
#endif

#define HELPER_NAME "sjtest-probe"
/* attach-exe-overwrite: at most this many processes, for this long. */
#define MAX_ATTACH 2000
#define ATTACH_MS 20000

struct env {
	const struct sjt_options *o;
	struct sjt_report *rep;
	char helper[PATH_MAX];
	sj_jail *j;
	char work[PATH_MAX];		/* ours, outside the root; "" if none */
	char root[PATH_MAX];		/* the jail's root, on the host */
	char stage[PATH_MAX];		/* inside the root, on the host */
	char stage_view[PATH_MAX];	/* the stage as the helper sees it */
	bool root_is_ours;
	bool confined;			/* the jail will be confined in place */
	struct sjt_fixtures fx;
	bool fx_made;
};

/* For the signal handler: what to stop. */
static volatile sig_atomic_t interrupted;
static sj_jail *volatile running_jail;
static volatile pid_t running_helper;

void sjt_interrupt(int sig)
{
	interrupted = sig;
	if (running_jail)
		sj_forward_signal(running_jail, SIGKILL);
	if (running_helper > 0)
		kill(running_helper, SIGKILL);
}

int sjt_interrupted(void)
{
	return interrupted;
}

/* Format a path into BUF; ENAMETOOLONG rather than a truncated path. */
static int path_fmt(sj_error *err, char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int path_fmt(sj_error *err, char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		return sjt_fail(err, ENAMETOOLONG, "a path is too long: %.64s...", buf);
	return 0;
}

static bool executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/*
 * --helper, $SJTEST_HELPER, the build tree's helper when we run from the
 * build tree, one next to us, then the installed one.
 */
static int find_helper(struct env *e, sj_error *err)
{
	char self[PATH_MAX], dir[PATH_MAX], next[PATH_MAX + 32];
	const char *env = getenv("SJTEST_HELPER");
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	const char *pick = NULL;

	self[n > 0 ? n : 0] = '\0';
	snprintf(dir, sizeof(dir), "%s", self);
	snprintf(next, sizeof(next), "%s/%s", dirname(dir), HELPER_NAME);
	if (e->o->helper)
		pick = e->o->helper;
	else if (env && *env)
		pick = env;
	else if (SJT_BUILD_ROOT[0] && strcmp(dir, SJT_BUILD_ROOT) == 0)
		pick = SJT_BUILD_HELPER;
	else if (executable(next))
		pick = next;
	else
		pick = SJT_INSTALLED_HELPER;
	if (!executable(pick))
		return sjt_fail(err, ENOENT, "the probe helper %s is missing or not executable "
				"(build it, or name it with --helper or SJTEST_HELPER)", pick);
	return path_fmt(err, e->helper, sizeof(e->helper), "%s", pick);
}

static int set(struct env *e, const char *name, const char *value, sj_error *err)
{
	return sj_jail_set(e->j, name, value, err);
}

static void conf_warning(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "sjtest: warning: %s\n", msg);
}

/*
 * -f FILE NAME: the jail as jail.conf describes it, but for what makes it
 * a test: its command is the helper, it ends with it (no persist), and it
 * takes a name and jid of its own, so that it runs beside the real jail.
 */
static int apply_conf(struct env *e, sj_error *err)
{
	sj_conf *c = sj_conf_load(e->o->conf_file, conf_warning, NULL, err);
	char name[32];
	int r;

	if (!c)
		return -1;
	r = sj_conf_apply(c, e->o->conf_name, e->j, err);
	sj_conf_free(c);
	if (r < 0)
		return -1;
	snprintf(name, sizeof(name), "sjtest-%d", (int)getpid());
	return set(e, "name", name, err) < 0 || set(e, "jid", "0", err) < 0 ||
	       set(e, "persist", "false", err) < 0 ? -1 : 0;
}

static int make_jail(struct env *e, sj_error *err)
{
	const char *rundir = getenv("SYSJAIL_RUNDIR");

	e->j = sj_jail_new(err);
	if (!e->j)
		return -1;
	if (e->o->conf_file ? apply_conf(e, err) < 0 : set(e, "host.hostname", "sjtest", err) < 0)
		return -1;
	if (rundir && *rundir && set(e, "sysjail.rundir", rundir, err) < 0)
		return -1;
	/* Like SYSJAIL_RUNDIR, as jail(8) takes it. */
	if (getenv("SYSJAIL_CGROUP") && set(e, "sysjail.cgroup", getenv("SYSJAIL_CGROUP"), err) < 0)
		return -1;
	return 0;
}

/*
 * How the jail will be made: confined in place (a user's, where user
 * namespaces are refused), it sees the host's tree, not its root, and
 * shares the host's processes.  Once its path is set.
 */
static int plan_jail(struct env *e, sj_error *err)
{
	char msg[SJ_ERROR_MAX], helper[] = HELPER_NAME;
	char *argv[] = { helper, NULL };
	int mode;

	if (e->o->control)
		return 0;
	/* The command is the helper, set when it is known (start_jailed). */
	if (sj_jail_set_command(e->j, argv, err) < 0)
		return -1;
	mode = sj_jail_plan(e->j, err);
	if (!mode)
		return -1;
	e->confined = mode == SJ_MODE_CONFINE;
	for (size_t i = 0; sj_jail_note(e->j, i); i++) {
		snprintf(msg, sizeof(msg), "%s", sj_jail_note(e->j, i));
		fprintf(stderr, "sjtest: note: %s\n", msg);
	}
	return 0;
}

static void free_jail(struct env *e)
{
	sj_jail_free(e->j);
	e->j = NULL;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* Remove the tree at PATH: never following a link, never crossing a mount. */
static void remove_tree(const char *path)
{
	if (path[0])
		nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

static int copy_file(const char *from, const char *to, mode_t mode, sj_error *err)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	char buf[65536];
	ssize_t n = 0;

	if (in < 0)
		return sjt_fail_errno(err, "%s", from);
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (out < 0) {
		close(in);
		return sjt_fail_errno(err, "%s", to);
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	close(in);
	if (close(out) < 0 || n < 0)
		return sjt_fail_errno(err, "copying %s to %s", from, to);
	return 0;
}

static bool is_under(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (strcmp(root, "/") == 0)
		return true;
	return strncmp(path, root, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* Our directory outside the jail's root, for the marker: "" if none. */
static int make_work(struct env *e, sj_error *err)
{
	static const char *const bases[] = { "/var/tmp", "/tmp", "/run" };

	e->work[0] = '\0';
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		char real[PATH_MAX];

		if (!realpath(bases[i], real) || (e->root[0] && is_under(real, e->root)))
			continue;
		if (path_fmt(err, e->work, sizeof(e->work), "%s/sjtest.XXXXXX", real) < 0)
			return -1;
		if (!mkdtemp(e->work))
			return sjt_fail_errno(err, "making a directory in %s", real);
		/* The setuid probe's user (nobody) must get through to the stage. */
		if (chmod(e->work, 0711) < 0)
			return sjt_fail_errno(err, "%s", e->work);
		return 0;
	}
	return 0;
}

/*
 * The stage: the helper, its setuid copy, and the probes' own files, in
 * the jail's root (in a jail of the host's whole tree, in /var/tmp).
 */
static int make_stage(struct env *e, sj_error *err)
{
	char path[PATH_MAX + 64];
	static const char *const dirs[] = { "tmp", "tmp/mnt", "chroot" };
	char tmp[PATH_MAX + 8];
	bool whole_host = strcmp(e->root, "/") == 0;

	/* Confined in place, the jail sees the host's tree: the stage is
	 * where it is on the host. */
	if (plan_jail(e, err) < 0)
		return -1;
	if (path_fmt(err, e->stage, sizeof(e->stage), "%s/.sjtest.XXXXXX",
		     whole_host ? "/var/tmp" : e->root) < 0)
		return -1;
	if (!mkdtemp(e->stage))
		return sjt_fail_errno(err, "making sjtest's directory in the jail's root %s",
				      e->root);
	snprintf(e->stage_view, sizeof(e->stage_view), "%s",
		 whole_host || e->confined ? e->stage : e->stage + strlen(e->root));
	if (chmod(e->stage, 0755) < 0)
		return sjt_fail_errno(err, "%s", e->stage);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", e->stage, dirs[i]);
		if (mkdir(path, 0755) < 0)
			return sjt_fail_errno(err, "%s", path);
	}
	/* A jail's exec.jail_user may not be root: its scratch space too. */
	snprintf(tmp, sizeof(tmp), "%s/tmp", e->stage);
	if (chmod(tmp, 01777) < 0)
		return sjt_fail_errno(err, "%s", tmp);
	snprintf(path, sizeof(path), "%s/inside", e->stage);
	if (copy_file("/dev/null", path, 0644, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", e->stage, HELPER_NAME);
	if (copy_file(e->helper, path, 0755, err) < 0)
		return -1;
	/*
	 * The setuid-root copy: only root and group 65534 (the probe's user)
	 * may reach it, and run setuid it only ever prints its euid.  A jail
	 * of the whole host sees the host's ids unmapped (group 65534 is not
	 * its 65534): there, everyone may.  chmod after chown, which clears
	 * the setuid bit.  Only root can make one: run by a user, sjtest
	 * has its probe say so.
	 */
	if (geteuid() != 0)
		return 0;
	snprintf(path, sizeof(path), "%s/suid", e->stage);
	if (mkdir(path, 0700) < 0 || chown(path, 0, 65534) < 0 ||
	    chmod(path, whole_host ? 0755 : 0750) < 0)
		return sjt_fail_errno(err, "%s", path);
	snprintf(path, sizeof(path), "%s/suid/%s", e->stage, HELPER_NAME);
	if (copy_file(e->helper, path, 0700, err) < 0)
		return -1;
	if (chown(path, 0, 65534) < 0 || chmod(path, whole_host ? 04755 : 04750) < 0)
		return sjt_fail_errno(err, "%s", path);
	return 0;
}

static int make_dirs(struct env *e, sj_error *err)
{
	char path[PATH_MAX];

	if (e->o->conf_file) {
		if (sj_jail_get(e->j, "path", path, sizeof(path), err) < 0)
			return -1;
		if (!realpath(path, e->root))
			return sjt_fail_errno(err, "path: %s", path);
		if (make_work(e, err) < 0)
			return -1;
	} else {
		if (make_work(e, err) < 0)
			return -1;
		if (!e->work[0])
			return sjt_fail(err, ENOENT, "no directory for a jail's root "
					"(/var/tmp, /tmp, /run)");
		if (path_fmt(err, e->root, sizeof(e->root), "%s/root", e->work) < 0)
			return -1;
		if (mkdir(e->root, 0755) < 0)
			return sjt_fail_errno(err, "%s", e->root);
		e->root_is_ours = true;
		if (set(e, "path", e->root, err) < 0)
			return -1;
	}
	return make_stage(e, err);
}

static void remove_dirs(struct env *e)
{
	remove_tree(e->stage);
	remove_tree(e->work);
	e->stage[0] = e->work[0] = '\0';
}

static int make_fixtures(struct env *e, sj_error *err)
{
	if (fx_setup(&e->fx, e->work, err) < 0)
		return -1;
	e->fx_made = true;
	return 0;
}

static void remove_fixtures(struct env *e)
{
	if (e->fx_made)
		fx_teardown(&e->fx);
	e->fx_made = false;
}

/*
 * The jail's resource limit WHAT ("processes", or "memory" in MiB): -1
 * when the jail sets none (a user's jail has no cgroups, so none), and
 * the resource probes then say so instead of proving only their own
 * bound.
 */
static long jail_limit(struct env *e, const char *what)
{
	bool memory = strcmp(what, "memory") == 0;
	char v[32];
	sj_error err;
	long long n;

	if (sj_jail_mode(e->j) != SJ_MODE_ROOT)
		return -1;
	if (sj_jail_get(e->j, memory ? "sysjail.memory" : "sysjail.maxproc", v, sizeof(v),
			&err) < 0 || strcmp(v, "unlimited") == 0)
		return -1;
	n = strtoll(v, NULL, 10);
	return (long)(memory ? n >> 20 : n);
}

/* Ours, and the name of every probe selected. */
#define MAX_ARGS 256

struct argv {
	char *v[MAX_ARGS];
	int n;
};

static int add(struct argv *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int add(struct argv *a, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (a->n >= (int)(sizeof(a->v) / sizeof(a->v[0])) - 1)
		return -1;
	va_start(ap, fmt);
	r = vasprintf(&a->v[a->n], fmt, ap);
	va_end(ap);
	if (r < 0)
		return -1;
	a->n++;
	return 0;
}

/* A boolean jail parameter as a helper argument: "allow.x=1". */
static int add_flag(struct env *e, struct argv *a, const char *name, sj_error *err)
{
	char v[16];

	if (sj_jail_get(e->j, name, v, sizeof(v), err) < 0)
		return -1;
	if (add(a, "%s=%d", name, strcmp(v, "true") == 0) < 0)
		return sjt_fail(err, ENOMEM, "the helper's arguments: out of memory");
	return 0;
}

static void free_argv(struct argv *a)
{
	for (int i = 0; i < a->n; i++)
		free(a->v[i]);
	a->n = 0;
}

/* The helper's command line: what it may aim at, as it sees it. */
static int helper_argv(struct env *e, struct argv *a, sj_error *err)
{
	const struct sjt_fixtures *f = &e->fx;
	bool control = e->o->control;
	int r = 0;

	r |= add(a, "%s/%s", control ? e->stage : e->stage_view, HELPER_NAME);
	r |= add(a, "run");
	r |= add(a, "control=%d", control);
	r |= add(a, "nonce=%s", f->nonce);
	r |= add(a, "stage=%s", control ? e->stage : e->stage_view);
	if (f->marker[0])
		r |= add(a, "marker=%s", f->marker);
	if (f->handle[0])
		r |= add(a, "handle=%s", f->handle);
	r |= add(a, "host-pid=%d", (int)f->pid);
	r |= add(a, "host-mem=%#lx", f->mem);
	r |= add(a, "manager-pid=%d", (int)getpid());
	/* In a jail, PID 1 is its init, a copy of us: the manager's binary. */
	r |= add(a, "exe-pid=%d", control ? (int)f->pid : 1);
	r |= add(a, "abstract=%s", f->abstract);
	r |= add(a, "abstract-dgram=%s", f->abstract_dgram);
	r |= add(a, "tcp-port=%d", f->tcp_port);
	if (f->host_addr[0])
		r |= add(a, "host-addr=%s", f->host_addr) | add(a, "host-addr-port=%d",
								 f->host_addr_port);
	r |= add(a, "shm-key=%#lx", f->shm_key);
	r |= add(a, "mq=%s", f->mq);
	r |= add(a, "pshm=%s", f->pshm);
	r |= add(a, "key=%ld", f->key_serial);
	r |= add(a, "race-ms=%d", e->o->race_ms);
	if (!control) {
		char m4[16], m6[16];

		if (add_flag(e, a, "allow.raw_sockets", err) < 0 ||
		    add_flag(e, a, "allow.set_hostname", err) < 0 ||
		    add_flag(e, a, "allow.sysvipc", err) < 0 ||
		    sj_jail_get(e->j, "ip4", m4, sizeof(m4), err) < 0 ||
		    sj_jail_get(e->j, "ip6", m6, sizeof(m6), err) < 0)
			return -1;
		r |= add(a, "net-inherit=%d", !strcmp(m4, "inherit") && !strcmp(m6, "inherit"));
		r |= add(a, "confined=%d", e->confined);
		r |= add(a, "max-procs=%ld", jail_limit(e, "processes"));
		r |= add(a, "max-memory-mib=%ld", jail_limit(e, "memory"));
	}
	r |= add(a, "--");
	if (e->o->selection)
		for (size_t i = 0; i < e->rep->n; i++)
			r |= add(a, "%s", e->rep->rows[i].name);
	if (r)
		return sjt_fail(err, ENOMEM, "the helper's arguments: out of memory");
	a->v[a->n] = NULL;
	return 0;
}

/* FD's current file, kept aside (close-on-exec), or -1 if FD is closed. */
static int save_fd(int fd)
{
	return fcntl(fd, F_GETFD) < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 10);
}

static void restore_fd(int saved, int fd)
{
	if (saved >= 0) {
		dup2(saved, fd);
		close(saved);
	} else {
		close(fd);
	}
}

/*
 * Start the helper as the jail's command.  Its standard input is the
 * terminal fixture and its output OUT: the jail's init takes 0, 1 and 2
 * from us when sj_create() starts it.  A host directory is left open
 * without close-on-exec, as bait: the jail must close it.
 */
static int start_jailed(struct env *e, char **argv, int out, sj_error *err)
{
	int in0, out1, bait, r;

	if (sj_jail_set_command(e->j, argv, err) < 0)
		return -1;
	in0 = save_fd(0);
	out1 = save_fd(1);
	bait = open(e->work[0] ? e->work : e->root, O_RDONLY | O_DIRECTORY);
	fflush(stdout);
	dup2(e->fx.pty_slave, 0);
	dup2(out, 1);
	r = sj_create(e->j, err);
	restore_fd(in0, 0);
	restore_fd(out1, 1);
	if (bait >= 0)
		close(bait);
	if (r < 0)
		return -1;
	running_jail = e->j;
	if (interrupted)
		sj_forward_signal(e->j, SIGKILL);
	return sj_start(e->j, err);
}

/*
 * --control: the helper outside any jail, as root, in a mount namespace
 * of its own so that the mount probes leave nothing on the host; with
 * the same bait descriptor, which it must then see.
 */
static int start_control(struct env *e, char **argv, int out, sj_error *err)
{
	int bait = open(e->work[0] ? e->work : e->root, O_RDONLY | O_DIRECTORY);
	pid_t pid = fork();

	if (pid == 0) {
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			_exit(125);
		dup2(e->fx.pty_slave, 0);
		dup2(out, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	if (bait >= 0)
		close(bait);
	if (pid < 0)
		return sjt_fail_errno(err, "starting the helper");
	running_helper = pid;
	if (interrupted)
		kill(pid, SIGKILL);
	return 0;
}

static int wait_control(int *status, sj_error *err)
{
	int st;
	pid_t pid = running_helper;

	running_helper = 0;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return sjt_fail_errno(err, "waiting for the helper");
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * For attach-exe-overwrite: add processes to the running jail, as jexec(8)
 * does, until the helper's next line comes (its result), or a bound.
 * They run the helper's "true", with /dev/null as input and output.
 */
static void attach_until_answer(struct env *e, int in)
{
	char jid[16], rundir[PATH_MAX], prog[PATH_MAX + 32], arg[] = "true";
	char *argv[] = { prog, arg, NULL };
	struct sj_exec x = { .argv = argv };
	struct pollfd p = { .fd = in, .events = POLLIN };
	long long deadline = now_ms() + ATTACH_MS;
	int null, in0, out1;
	sj_jail *found;
	sj_error err;

	snprintf(jid, sizeof(jid), "%d", sj_jail_jid(e->j));
	snprintf(prog, sizeof(prog), "%s/%s", e->stage_view, HELPER_NAME);
	if (sj_jail_get(e->j, "sysjail.rundir", rundir, sizeof(rundir), &err) < 0)
		rundir[0] = '\0';
	found = sj_find(rundir[0] ? rundir : NULL, jid, &err);
	if (!found)
		return;
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	in0 = save_fd(0);
	out1 = save_fd(1);
	fflush(stdout);
	dup2(null, 0);
	dup2(null, 1);
	for (int i = 0; i < MAX_ATTACH && !interrupted && now_ms() < deadline; i++) {
		pid_t pid;

		if (poll(&p, 1, 0) != 0)
			break;
		pid = sj_attach(found, &x, &err);
		if (pid < 0)
			break;
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	restore_fd(in0, 0);
	restore_fd(out1, 1);
	if (null >= 0)
		close(null);
	sj_jail_free(found);
}

static void handle_line(struct env *e, char *line, int in)
{
	if (strcmp(line, SJT_ATTACH_REQUEST) == 0) {
		if (!e->o->control)
			attach_until_answer(e, in);
		return;
	}
	sjt_parse_line(e->rep, line);
}

/* Read the helper's lines until it (and, in a jail, the jail) is gone. */
static void read_results(struct env *e, int in)
{
	char buf[4096];
	size_t n = 0;

	for (;;) {
		ssize_t got = read(in, buf + n, sizeof(buf) - 1 - n);
		char *nl;

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
		while ((nl = memchr(buf, '\n', n))) {
			size_t len = (size_t)(nl - buf) + 1;

			*nl = '\0';
			handle_line(e, buf, in);
			memmove(buf, buf + len, n - len);
			n -= len;
		}
		/* A line longer than the buffer is no line of the helper's. */
		if (n == sizeof(buf) - 1)
			n = 0;
	}
}

static int run_probes(struct env *e, sj_error *err)
{
	struct argv a = { .n = 0 };
	int fds[2], status = 0, r;
	sj_error ignored, *werr;
	char why[128];

	if (helper_argv(e, &a, err) < 0) {
		free_argv(&a);
		return -1;
	}
	if (pipe2(fds, O_CLOEXEC) < 0) {
		free_argv(&a);
		return sjt_fail_errno(err, "pipe");
	}
	r = e->o->control ? start_control(e, a.v, fds[1], err) : start_jailed(e, a.v, fds[1], err);
	free_argv(&a);
	close(fds[1]);
	if (r == 0)
		read_results(e, fds[0]);
	close(fds[0]);
	/* After a failed start, the start's error is the one to report. */
	werr = r < 0 ? &ignored : err;
	if (e->o->control && running_helper > 0 && wait_control(&status, werr) < 0)
		r = -1;
	else if (running_jail && sj_wait(e->j, &status, werr) < 0)
		r = -1;
	running_jail = NULL;
	if (r < 0)
		return -1;
	if (interrupted)
		return sjt_fail(err, EINTR, "interrupted by SIG%s", sigabbrev_np(interrupted));
	snprintf(why, sizeof(why), "no result: the helper %s %d",
		 status > 128 ? "died of signal" : "exited with status",
		 status > 128 ? status - 128 : status);
	sjt_rows_missing(e->rep, why);
	return 0;
}

static const struct step {
	const char *name;
	int (*apply)(struct env *e, sj_error *err);
	void (*undo)(struct env *e);
} steps[] = {
	{ "helper", find_helper, NULL },
	{ "jail", make_jail, free_jail },
	{ "directories", make_dirs, remove_dirs },
	{ "fixtures", make_fixtures, remove_fixtures },
	{ "probes", run_probes, NULL },
};

#define NSTEPS (sizeof(steps) / sizeof(steps[0]))

int sjt_run(const struct sjt_options *o, struct sjt_report *rep, sj_error *err)
{
	struct env *e = calloc(1, sizeof(*e));
	size_t done = 0;
	int r = 0;

	if (!e)
		return sjt_fail(err, ENOMEM, "out of memory");
	e->o = o;
	e->rep = rep;
	rep->control = o->control;
	for (; done < NSTEPS; done++) {
		if (interrupted) {
			r = sjt_fail(err, EINTR, "interrupted by SIG%s", sigabbrev_np(interrupted));
			break;
		}
		if (steps[done].apply(e, err) < 0) {
			r = -1;
			break;
		}
	}
	/* The failed step undoes itself as far as it got. */
	if (done < NSTEPS && steps[done].undo)
		steps[done].undo(e);
	while (done-- > 0)
		if (steps[done].undo)
			steps[done].undo(e);
	free(e);
	return r;
}
