/*
 * unpriv.c: jails made without root.
 *
 * A user's jail is made in a user namespace of the user's own ids
 * (SJ_MODE_USERNS), as bubblewrap makes its sandboxes: the user is root
 * in it (or keeps their uid, with sysjail.keep_uid), with their ranges of
 * /etc/subuid and /etc/subgid mapped above through newuidmap(1) and
 * newgidmap(1) when they have ranges and the tools exist, and their own
 * ids alone otherwise.  The jail's init is cloned into that namespace
 * and into new mount, PID, UTS, IPC and network namespaces it owns; the
 * creator writes its maps, and the init builds the jail as root's init
 * does, then makes and joins the jail's own user namespace, which owns
 * none of them (userns.c).  Addresses and cgroup limits need what a user
 * is not given, and are refused.
 *
 * Where the kernel refuses a user a user namespace (user.max_user_
 * namespaces=0, kernel.unprivileged_userns_clone=0, AppArmor's
 * restriction), the jail is confined in place (SJ_MODE_CONFINE): no
 * namespace and no new root, but a Landlock domain (landlock.c) that
 * holds it to its files, its TCP ports, its own signals and abstract
 * sockets, and the seccomp filter and no_new_privs as always.  Its init
 * is a child subreaper, not PID 1: every process of the jail descends
 * from it, and dies with it.  Nothing can enter such a jail (jexec): a
 * process from outside could not join its Landlock domain.
 *
 * The user is told which mode they got and why (up_note(),
 * sj_jail_note()).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "sj-private.h"

#define SUBID_MAX 65535u	/* ids 1-65535 in the jail, above its root */

void up_note(struct sj_jail *j, const char *fmt, ...)
{
	va_list ap;

	if (j->nnotes >= SJ_NOTES_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(j->notes[j->nnotes++], SJ_ERROR_MAX, fmt, ap);
	va_end(ap);
}

int sj_jail_plan(sj_jail *j, sj_error *err)
{
	sj_error_clear(err);
	if (j->created || j->found)
		return sj_jail_mode(j);
	if (params_check(&j->cfg, err) < 0 || up_select(j, err) < 0)
		return 0;
	return j->mode;
}

const char *sj_jail_note(const sj_jail *j, size_t i)
{
	return i < j->nnotes ? j->notes[i] : NULL;
}

int sj_jail_mode(const sj_jail *j)
{
	if (j->mode)
		return j->mode;
	return j->found ? j->cfg.mode : 0;
}

/* A sysctl's value, or -1 when this kernel has no such knob. */
static long sysctl_value(const char *path)
{
	char buf[32] = "";
	SJ_AUTOCLOSE int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

static int probe_child(void *arg SJ_UNUSED)
{
	return 0;
}

/*
 * Whether the kernel refuses us a user namespace with capabilities in it
 * (WHY says who refused); tried, since AppArmor may let the namespace be
 * made and take its capabilities.
 */
static bool userns_refused(char *why, size_t len)
{
	static const struct {
		const char *path, *name;
		long refused;
	} knobs[] = {
		{ "/proc/sys/user/max_user_namespaces", "user.max_user_namespaces", 0 },
		{ "/proc/sys/kernel/unprivileged_userns_clone",
		  "kernel.unprivileged_userns_clone", 0 },
		{ "/proc/sys/kernel/apparmor_restrict_unprivileged_userns",
		  "kernel.apparmor_restrict_unprivileged_userns", 1 },
	};
	char stack[4096] __attribute__((aligned(16)));
	int status;
	pid_t pid;

	pid = clone(probe_child, stack + sizeof(stack),
		    CLONE_VM | CLONE_VFORK | CLONE_NEWUSER | CLONE_NEWNS | SIGCHLD, NULL);
	if (pid > 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		return false;
	}
	snprintf(why, len, "creating a user namespace failed (%s)", strerror(errno));
	for (size_t i = 0; i < SJ_NELEM(knobs); i++)
		if (sysctl_value(knobs[i].path) == knobs[i].refused) {
			snprintf(why, len, "%s is %ld", knobs[i].name, knobs[i].refused);
			break;
		}
	return true;
}

/* What a jail confined in place cannot have: it has no namespaces. */
static int check_confine(struct sj_jail *j, sj_error *err)
{
	const struct sj_config *c = &j->cfg;
	static const char why[] = "a jail confined in place has no namespace of its own";

	if (c->ip4.n || c->ip6.n || c->ip4_mode == SJ_NET_NEW || c->ip6_mode == SJ_NET_NEW)
		return sj_fail(err, EINVAL, "ip4.addr, ip6.addr: %s: it has the host's network, "
			       "TCP limited by Landlock to sysjail.tcp.bind and "
			       "sysjail.tcp.connect", why);
	/* Not a restriction, and jail(8)'s first form always names one. */
	if (c->hostname) {
		up_note(j, "host.hostname %s: the jail has the host's hostname", c->hostname);
		free(j->cfg.hostname);
		j->cfg.hostname = NULL;
	}
	if (c->allow_set_hostname)
		return sj_fail(err, EINVAL, "allow.set_hostname: %s", why);
	if ((c->mount && c->mount[0]) || c->mount_fstab)
		return sj_fail(err, EINVAL, "mount, mount.fstab: %s: its files are the host's, "
			       "limited by Landlock to path and what programs need", why);
	if ((c->exec_start && c->exec_start[0]) || (c->exec_stop && c->exec_stop[0]))
		return sj_fail(err, EINVAL, "exec.start, exec.stop: a jail confined in place "
			       "cannot be entered: only its command runs in it");
	if (c->jail_user)
		return sj_fail(err, EINVAL, "exec.jail_user: a jail confined in place runs its "
			       "command as who made it, with no capability to change user");
	if (!c->command)
		return sj_fail(err, EINVAL, "a jail confined in place needs a command: it "
			       "cannot be entered");
	return 0;
}

/* What a user's jail cannot have: what only root may set up. */
static int check_userns(const struct sj_jail *j, sj_error *err)
{
	const struct sj_config *c = &j->cfg;

	if (c->ip4.n || c->ip6.n || c->ip4_mode == SJ_NET_NEW || c->ip6_mode == SJ_NET_NEW)
		return sj_fail(err, EPERM, "ip4.addr, ip6.addr: a jail's addresses need root "
			       "(a user's jail has loopback only, or the host's network "
			       "with ip4=inherit ip6=inherit)");
	if (c->keep_uid && c->jail_user)
		return sj_fail(err, EINVAL, "exec.jail_user: with sysjail.keep_uid the jail "
			       "has the user's ids alone");
	return 0;
}

/*
 * Choose how the jail is made, from who makes it, what it asks
 * (sysjail.mode, sysjail.userns) and what the kernel allows; refuse what
 * the mode cannot do.  The first step of sj_create().
 */
int up_select(struct sj_jail *j, sj_error *err)
{
	bool root = geteuid() == 0;
	char why[160];
	int want;

	/* What was asked, not what an earlier sj_jail_plan() chose. */
	if (!j->mode_asked)
		j->mode_asked = j->cfg.mode + 1;
	want = j->mode_asked - 1;
	j->nnotes = 0;

	j->owner = geteuid();
	j->owner_gid = getegid();
	if (root) {
		if (want == SJ_MODE_USERNS)
			return sj_fail(err, EINVAL, "sysjail.mode: 'userns' is the mode of a "
				       "user's jails; root's get a uid range of their own ('root')");
		if (j->cfg.keep_uid)
			return sj_fail(err, EINVAL, "sysjail.keep_uid: for a user's jails");
		j->mode = want == SJ_MODE_CONFINE ? SJ_MODE_CONFINE : SJ_MODE_ROOT;
	} else if (want == SJ_MODE_ROOT) {
		return sj_fail(err, EPERM, "sysjail.mode: 'root' needs root");
	} else if (want == SJ_MODE_CONFINE || !j->cfg.userns) {
		j->mode = SJ_MODE_CONFINE;
		up_note(j, "confined in place, as %s asks: Landlock and seccomp, no namespaces",
			want == SJ_MODE_CONFINE ? "sysjail.mode=confine" : "sysjail.userns=false");
	} else if (userns_refused(why, sizeof(why))) {
		if (want == SJ_MODE_USERNS)
			return sj_fail(err, EPERM, "sysjail.mode: no user namespace: %s", why);
		j->mode = SJ_MODE_CONFINE;
		up_note(j, "no user namespace here (%s): confined in place instead, with "
			"Landlock and seccomp: no new root, and the host's processes, network "
			"and System V IPC", why);
	} else {
		j->mode = SJ_MODE_USERNS;
	}
	/* The registry and jls show the mode the jail got. */
	j->cfg.mode = j->mode;
	if (j->mode == SJ_MODE_CONFINE && check_confine(j, err) < 0)
		return -1;
	if (j->mode == SJ_MODE_USERNS && check_userns(j, err) < 0)
		return -1;
	return ll_check(j, err);
}

/* The user's first range in /etc/subuid or /etc/subgid: 0 if none. */
static unsigned long subid_range(const char *file, const char *name, unsigned long id,
				 unsigned long *start)
{
	SJ_AUTOFCLOSE FILE *f = fopen(file, "re");
	char line[512];

	while (f && fgets(line, sizeof(line), f)) {
		char *who = strtok(line, ":"), *s = strtok(NULL, ":"), *n = strtok(NULL, ":\n");
		char *end;

		if (!who || !s || !n)
			continue;
		if (!(name && strcmp(who, name) == 0) &&
		    !(strtoul(who, &end, 10) == id && *end == '\0'))
			continue;
		*start = strtoul(s, NULL, 10);
		return strtoul(n, NULL, 10);
	}
	return 0;
}

/* newuidmap(1) or newgidmap(1), started: its pid, and its output. */
struct idmap_run {
	const char *tool;
	pid_t pid;
	int out;
};

/* Start TOOL for PID: ID onto 0, then COUNT ids of the range at START. */
static int start_idmap(struct idmap_run *t, pid_t pid, unsigned long id, unsigned long start,
		       unsigned long count, sj_error *err)
{
	char a[4][24];
	char *argv[] = { (char *)t->tool, a[0], (char *)"0", a[1], (char *)"1", (char *)"1",
			 a[2], a[3], NULL };
	posix_spawn_file_actions_t fa;
	int out[2], r;

	snprintf(a[0], sizeof(a[0]), "%d", (int)pid);
	snprintf(a[1], sizeof(a[1]), "%lu", id);
	snprintf(a[2], sizeof(a[2]), "%lu", start);
	snprintf(a[3], sizeof(a[3]), "%lu", count);
	t->pid = -1;
	t->out = -1;
	if (pipe2(out, O_CLOEXEC) < 0)
		return sj_fail_errno(err, "%s", t->tool);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out[1], 2);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	r = posix_spawn(&t->pid, t->tool, &fa, NULL, argv, (char *[]){ NULL });
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	if (r != 0) {
		close(out[0]);
		t->pid = -1;
		return sj_fail(err, r, "%s: %s", t->tool, strerror(r));
	}
	t->out = out[0];
	return 0;
}

/* Wait for a started tool; its complaint into ERR (if ERR is not set yet). */
static int finish_idmap(struct idmap_run *t, int r, sj_error *err)
{
	char msg[256] = "";
	int status = 0;
	ssize_t n;

	if (t->pid < 0)
		return r;
	n = read(t->out, msg, sizeof(msg) - 1);
	close(t->out);
	while (waitpid(t->pid, &status, 0) < 0 && errno == EINTR)
		;
	if (r == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
		msg[n > 0 ? n : 0] = '\0';
		msg[strcspn(msg, "\n")] = '\0';
		return sj_fail(err, EPERM, "%s: %s", t->tool, msg[0] ? msg : "failed");
	}
	return r;
}

/*
 * The jail's own user namespace, inside the init's, made by a helper
 * that joins the init's (a user owns it, and may): made by the init, its
 * holder process would take pid 2 of the jail.  Then the init gets it,
 * with the number of ids, the word that its maps are written.
 */
static int send_inner_userns(struct sj_jail *j, sj_error *err)
{
	struct sj_report r = { 0 };
	int sv[2], fd = -1, status;
	char path[64];
	pid_t pid;
	ssize_t n;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return sj_fail_errno(err, "socketpair");
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return sj_fail_errno(err, "fork");
	}
	if (pid == 0) {
		sj_error e;
		SJ_AUTOCLOSE int owner = -1;

		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)j->init_pid);
		owner = open(path, O_RDONLY | O_CLOEXEC);
		if (owner < 0 || setns(owner, CLONE_NEWUSER) < 0) {
			sj_fail_errno(&e, "joining the user namespace of the jail's init");
		} else if (uns_create_inner(j, &e) == 0) {
			sj_send_fd(sv[1], &r, sizeof(r), j->userns_fd);
			_exit(0);
		}
		r = (struct sj_report){ SJ_REPORT_SETUP, e.errnum, "" };
		snprintf(r.msg, sizeof(r.msg), "%s", e.msg);
		sj_send_fd(sv[1], &r, sizeof(r), -1);
		_exit(1);
	}
	close(sv[1]);
	n = sj_recv_fd(sv[0], &r, sizeof(r), &fd);
	close(sv[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(r) || r.stage || fd < 0) {
		if (fd >= 0)
			close(fd);
		r.msg[sizeof(r.msg) - 1] = '\0';
		return sj_fail(err, n == (ssize_t)sizeof(r) ? r.errnum : EIO,
			       "the jail's user namespace: %s",
			       n == (ssize_t)sizeof(r) ? r.msg : "its maker died");
	}
	n = sj_send_fd(j->sock_host, &j->nids, sizeof(j->nids), fd);
	close(fd);
	if (n < 0)
		return sj_fail_errno(err, "telling the jail's init its ids");
	return 0;
}

/*
 * The maps of the init's user namespace, written from outside it (the
 * kernel lets only the parent namespace write them).  Runs after the
 * init is cloned; the init waits for the word that they are written.
 */
int up_write_maps(struct sj_jail *j, sj_error *err)
{
	static const char newuidmap[] = "/usr/bin/newuidmap", newgidmap[] = "/usr/bin/newgidmap";
	unsigned long us = 0, gs = 0, un, gn;
	struct idmap_run u = { .tool = newuidmap }, g = { .tool = newgidmap };
	pid_t pid = j->init_pid;
	char path[64], map[64];
	struct passwd *pw;
	int r;

	if (j->mode != SJ_MODE_USERNS)
		return 0;
	/* Only here: through NSS, a static tool loads the shared libc. */
	pw = getpwuid(j->owner);
	un = subid_range("/etc/subuid", pw ? pw->pw_name : NULL, j->owner, &us);
	gn = subid_range("/etc/subgid", pw ? pw->pw_name : NULL, j->owner, &gs);
	if (un && gn && access(newuidmap, X_OK) == 0 && access(newgidmap, X_OK) == 0) {
		un = gn = un < gn ? un : gn;
		if (un > SUBID_MAX)
			un = gn = SUBID_MAX;
		/* Both at once: each is a setuid program's start, ~2 ms. */
		r = start_idmap(&u, pid, j->owner, us, un, err);
		if (r == 0)
			r = start_idmap(&g, pid, j->owner_gid, gs, gn, err);
		r = finish_idmap(&u, r, err);
		r = finish_idmap(&g, r, err);
		if (r < 0) {
			sj_error_prefix(err, "mapping the ranges of /etc/subuid and /etc/subgid");
			return -1;
		}
		j->nids = 1 + (unsigned)un;
	} else {
		/* One id: the kernel lets a user map their own, once
		 * setgroups(2) is denied in the namespace. */
		snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
		if (sj_write_file(path, "deny", err) < 0)
			return -1;
		snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
		snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)j->owner);
		if (sj_write_file(path, map, err) < 0)
			return -1;
		snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
		snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)j->owner_gid);
		if (sj_write_file(path, map, err) < 0)
			return -1;
		j->nids = 1;
	}
	return send_inner_userns(j, err);
}

/*
 * In the init, first thing: a user's init waits for its maps, then
 * clones the jail's root (which needs the namespace's root) and makes
 * the jail's own user namespace; a jail confined in place has its init
 * take in every orphan of the jail.
 */
int up_init_prepare(struct sj_jail *j, sj_error *err)
{
	struct rlimit core;
	ssize_t n;

	if (j->mode == SJ_MODE_CONFINE) {
		/* Every process of the jail stays our descendant: the jail's
		 * removal finds them all, and our end takes them with us. */
		if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
			return sj_fail_errno(err, "becoming the jail's subreaper");
		if (chdir(j->cfg.path) < 0)
			return sj_fail_errno(err, "path: %s", j->cfg.path);
		return 0;
	}
	if (j->mode != SJ_MODE_USERNS)
		return 0;
	n = sj_recv_fd(j->sock_init, &j->nids, sizeof(j->nids), &j->userns_fd);
	if (n != (ssize_t)sizeof(j->nids) || j->userns_fd < 0)
		return sj_fail(err, ECANCELED, "the jail's creator went away");
	/* Until now our maps were unwritten: we were nobody. */
	if (mnt_prepare_root(j, err) < 0)
		return -1;
	/*
	 * Our owner enters the jail through our pidfd, which wants ptrace
	 * access to us: we stay dumpable, and a Landlock domain of our own
	 * (landlock.c) keeps the jail's processes from tracing us.  Without
	 * Landlock, nobody but root may enter the jail.  Either way no core
	 * of ours is dumped where the jail could read it.
	 */
	if (getrlimit(RLIMIT_CORE, &core) == 0) {
		core.rlim_cur = 0;
		setrlimit(RLIMIT_CORE, &core);
	}
	if (ll_abi() < 1)
		prctl(PR_SET_DUMPABLE, 0);
	return 0;
}

/*
 * In a child of ours, joining a user's jail (FLAGS, CLONE_NEW*): the
 * user namespace of the user's ids first, where we may join the others
 * (the kernel wants CAP_SYS_ADMIN in their owner and CAP_SYS_CHROOT in
 * our own), then those, then, if FLAGS has it, the jail's user namespace.
 */
int up_attach_setns(const struct sj_jail *j, int flags, sj_error *err)
{
	char path[64];
	SJ_AUTOCLOSE int mnt = -1, owner = -1;
	struct pollfd p = { .fd = j->init_pidfd, .events = POLLIN };

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)j->init_pid);
	mnt = open(path, O_RDONLY | O_CLOEXEC);
	/* The pid was the init's when the pidfd was opened; still alive now,
	 * it still is. */
	if (mnt < 0 || poll(&p, 1, 0) != 0)
		return sj_fail(err, ESRCH, "jail %d is not running", j->reg.jid);
	/* What the jail shares with the host is the host's, not to join. */
	if (!net_private(&j->cfg))
		flags &= ~CLONE_NEWNET;
	if (j->cfg.allow_sysvipc)
		flags &= ~CLONE_NEWIPC;
	owner = ioctl(mnt, NS_GET_USERNS);
	if (owner < 0)
		return sj_fail_errno(err, "jail %d: the owner of its namespaces", j->reg.jid);
	if (setns(owner, CLONE_NEWUSER) < 0)
		return sj_fail_errno(err, "jail %d: joining the owner of its namespaces",
				     j->reg.jid);
	if (setns(j->init_pidfd, flags & ~CLONE_NEWUSER) < 0)
		return sj_fail_errno(err, "jail %d: joining its namespaces", j->reg.jid);
	if ((flags & CLONE_NEWUSER) && setns(j->init_pidfd, CLONE_NEWUSER) < 0)
		return sj_fail_errno(err, "jail %d: joining its user namespace", j->reg.jid);
	return 0;
}

/*
 * Whether the jail may have cgroups of its own: root's only.  A user is
 * not delegated a cgroup subtree here; a limit a user's jail cannot have
 * is refused if asked for, and a default one left out with a note
 * (up_note()).
 */
bool up_cgroups_allowed(const struct sj_jail *j)
{
	return j->mode == SJ_MODE_ROOT;
}

/* Whether a jail another user's registry holds is run by that user. */
bool up_owner_ok(const struct sj_jail *j)
{
	char path[64], line[256];
	SJ_AUTOFCLOSE FILE *f = NULL;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)j->init_pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "Uid:", 4) == 0)
			return strtoul(line + 4, NULL, 10) == j->owner;
	return false;
}

/* PID's parent and state, from /proc/PID/stat; -1 when gone. */
static pid_t parent_of(pid_t pid, char *state)
{
	char path[64], buf[512], *p;
	SJ_AUTOCLOSE int fd = -1;
	ssize_t n;
	int ppid;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %c %d", state, &ppid) != 2)
		return -1;
	return (pid_t)ppid;
}

struct child {
	pid_t pid, parent;
};

/* Append PID's children, from /proc/PID/task/ANY/children, to V. */
static int add_children(pid_t pid, struct child **v, size_t *n, size_t *cap)
{
	char path[64], buf[4096];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		SJ_AUTOCLOSE int fd = -1;
		char *save = NULL;
		ssize_t len;

		if (e->d_name[0] == '.')
			continue;
		snprintf(buf, sizeof(buf), "%s/%s/children", path, e->d_name);
		fd = open(buf, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || (len = read(fd, buf, sizeof(buf) - 1)) <= 0)
			continue;
		buf[len] = '\0';
		for (char *s = strtok_r(buf, " \n", &save); s; s = strtok_r(NULL, " \n", &save)) {
			if (*n == *cap) {
				struct child *nv = realloc(*v, (*cap = *cap ? *cap * 2 : 64) *
							   sizeof(*nv));

				if (!nv) {
					closedir(d);
					return -1;
				}
				*v = nv;
			}
			(*v)[(*n)++] = (struct child){ (pid_t)atoi(s), pid };
		}
	}
	closedir(d);
	return 0;
}

/*
 * For a jail confined in place: FN(pidfd, pid) for every living process
 * of the jail but its init, that is its descendants, each checked once
 * its pidfd is open to be still the child of the process it was found
 * under (a pid that ended and was reused is not).  Returns how many.
 */
int up_each_process(const struct sj_jail *j, void (*fn)(int pidfd, pid_t pid, void *arg),
		    void *arg)
{
	struct child *v = NULL;
	size_t n = 0, cap = 0, done = 0;
	int count = 0;

	if (add_children(j->init_pid, &v, &n, &cap) < 0)
		goto out;
	while (done < n) {
		struct child c = v[done++];
		SJ_AUTOCLOSE int fd = pidfd_open(c.pid, 0);
		char state;

		/* A parent that died since left it to the init: it is found
		 * there in the caller's next round. */
		if (fd < 0 || parent_of(c.pid, &state) != c.parent || state == 'Z')
			continue;
		count++;
		if (add_children(c.pid, &v, &n, &cap) < 0)
			break;
		if (fn)
			fn(fd, c.pid, arg);
	}
out:
	free(v);
	return count;
}

static void kill_one(int pidfd, pid_t pid SJ_UNUSED, void *arg SJ_UNUSED)
{
	pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
}

/*
 * Kill every process of a jail confined in place but its init, as the
 * kernel does for a PID namespace whose init dies: rounds of SIGKILL
 * until a round finds none (what a process forked before it died is its
 * orphan, the init's, found in the next round).
 */
void up_kill_all(const struct sj_jail *j)
{
	for (int round = 0; round < 5000; round++) {
		if (up_each_process(j, kill_one, NULL) == 0)
			return;
		usleep(1000);
	}
}
