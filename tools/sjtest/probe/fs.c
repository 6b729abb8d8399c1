/*
 * fs.c: probes of the filesystem.  The target of most is the marker, a
 * file sjtest made outside the jail's root holding the nonce: a probe
 * reaches it only if it reads the nonce back.  Knobs under /proc and /sys
 * are opened for writing and never written.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "helper.h"

/* Whether there is a marker outside the jail's root to aim at. */
static bool have_marker(const struct ctx *c, struct result *r)
{
	if (c->marker)
		return true;
	not_applicable(r, "nothing is outside the jail's root to aim at");
	return false;
}

/* Open PATH (the marker by some way round): reached if the nonce is read. */
static void aim_at_marker(const struct ctx *c, struct result *r, const char *path)
{
	int got = open_marker(c, path);

	if (got > 0)
		reached(r, "read the marker through %s", path);
	else if (got == 0)
		reached(r, "%s opened, but not the marker", path);
	else
		held_errno(r);
}

void probe_read_outside_root(const struct ctx *c, struct result *r)
{
	if (have_marker(c, r))
		aim_at_marker(c, r, c->marker);
}

void probe_dotdot_outside_root(const struct ctx *c, struct result *r)
{
	char path[4096];

	if (!have_marker(c, r))
		return;
	snprintf(path, sizeof(path), "/../../../../../../../../../../..%s", c->marker);
	aim_at_marker(c, r, path);
}

void probe_chroot_fchdir_escape(const struct ctx *c, struct result *r)
{
	char *sub = low_str("%s/chroot", c->stage), *dotdot = low_str(".."),
	     *dot = low_str("."), *slash = low_str("/");
	long fd;

	if (!have_marker(c, r))
		return;
	fd = SC(c, open, U(slash), O_RDONLY | O_DIRECTORY);
	/* Confined in place, the host's root is outside the jail's view. */
	if (fd < 0 && c->confined && errno == EACCES) {
		held(r, "open /: EACCES");
		return;
	}
	if (fd < 0) {
		failed(r, "open /: %s", ename(errno));
		return;
	}
	/* The jail's root may chroot (CAP_SYS_CHROOT in its own user
	 * namespace): the escape must then fail at "..". */
	if (SC(c, chroot, U(sub)) == 0 && SC(c, fchdir, I(fd)) < 0) {
		failed(r, "fchdir: %s", ename(errno));
		return;
	}
	for (int i = 0; i < 64; i++)
		if (SC(c, chdir, U(dotdot)) < 0)
			break;
	SC(c, chroot, U(dot));
	aim_at_marker(c, r, c->marker);
}

void probe_proc_self_root(const struct ctx *c, struct result *r)
{
	char path[4096];

	if (!have_marker(c, r))
		return;
	snprintf(path, sizeof(path), "/proc/self/root%s", c->marker);
	aim_at_marker(c, r, path);
}

/*
 * Through the root of a host process (by its host pid), and of the
 * jail's init, which entered the jail from the host (in a control: the
 * host's fixture process, a copy of sjtest like the init).
 */
void probe_proc_pid_root(const struct ctx *c, struct result *r)
{
	char path[4096];
	struct result host = { 0 }, init = { 0 };

	if (!have_marker(c, r))
		return;
	snprintf(path, sizeof(path), "/proc/%d/root%s", (int)c->host_pid, c->marker);
	aim_at_marker(c, &host, path);
	snprintf(path, sizeof(path), "/proc/%d/root%s", (int)c->exe_pid, c->marker);
	aim_at_marker(c, &init, path);
	if (host.outcome == OUT_REACHED)
		*r = host;
	else if (init.outcome == OUT_REACHED)
		*r = init;
	else
		held(r, "host pid %d: %s; pid %d: %s", (int)c->host_pid, host.detail,
		     (int)c->exe_pid, init.detail);
}

/* The handle sjtest made of the marker on the host: "TYPE:HEX". */
static struct file_handle *parse_handle(const char *text)
{
	const char *hex = strchr(text, ':');
	size_t n = hex ? strlen(hex + 1) / 2 : 0;
	struct file_handle *fh;

	if (!hex || n == 0 || n > MAX_HANDLE_SZ)
		return NULL;
	fh = low(sizeof(*fh) + n);
	fh->handle_type = atoi(text);
	fh->handle_bytes = (unsigned)n;
	for (size_t i = 0; i < n; i++) {
		char byte[3] = { hex[1 + 2 * i], hex[2 + 2 * i], '\0' };

		fh->f_handle[i] = (unsigned char)strtoul(byte, NULL, 16);
	}
	return fh;
}

void probe_open_by_handle_at(const struct ctx *c, struct result *r)
{
	struct file_handle *fh = c->handle ? parse_handle(c->handle) : NULL;
	char *buf = low(256);
	long mfd, fd, n;

	if (!have_marker(c, r))
		return;
	if (!fh) {
		not_applicable(r, "the marker's filesystem gives no file handles");
		return;
	}
	/* Any descriptor on the filesystem: the jail's stage is in its root. */
	mfd = open(c->stage, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mfd < 0) {
		failed(r, "open %s: %s", c->stage, ename(errno));
		return;
	}
	fd = SC(c, open_by_handle_at, I(mfd), U(fh), O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		gate(c, r, fd, "open_by_handle_at");
		return;
	}
	n = SC(c, read, I(fd), U(buf), 255);
	buf[n > 0 ? n : 0] = '\0';
	if (strstr(buf, c->nonce))
		reached(r, "opened the marker by its handle");
	else
		reached(r, "opened a file by handle (not the marker)");
}

static void try_mknod(const struct ctx *c, struct result *r, mode_t type,
		      unsigned maj, unsigned min)
{
	char *path = low_str("%s/tmp/node", c->stage);

	if (SC(c, mknodat, I(AT_FDCWD), U(path), type | 0600, makedev(maj, min)) == 0) {
		SC(c, unlinkat, I(AT_FDCWD), U(path), 0);
		reached(r, "made a %s device node %u:%u", type == S_IFBLK ? "block" : "character",
			maj, min);
	} else {
		held_errno(r);
	}
}

void probe_mknod_block_device(const struct ctx *c, struct result *r)
{
	try_mknod(c, r, S_IFBLK, 7, 0);
}

void probe_mknod_char_device(const struct ctx *c, struct result *r)
{
	try_mknod(c, r, S_IFCHR, 1, 1);
}

/* Mount TYPE on the stage's mount point; undone at once if it worked. */
static void try_mount(const struct ctx *c, struct result *r, const char *type)
{
	char *target = low_str("%s/tmp/mnt", c->stage), *t = low_str("%s", type);

	if (SC(c, mount, U(t), U(target), U(t), MS_NOSUID | MS_NODEV | MS_NOEXEC, 0) == 0) {
		SC(c, umount2, U(target), MNT_DETACH);
		reached(r, "mounted a %s", type);
	} else {
		held_errno(r);
	}
}

void probe_mount_proc(const struct ctx *c, struct result *r)
{
	try_mount(c, r, "proc");
}

void probe_mount_tmpfs(const struct ctx *c, struct result *r)
{
	try_mount(c, r, "tmpfs");
}

/* A detached mount is a mount: fsmount() succeeding is enough. */
void probe_mount_new_api(const struct ctx *c, struct result *r)
{
	char *type = low_str("tmpfs");
	long fs = SC(c, fsopen, U(type), FSOPEN_CLOEXEC), m;

	if (fs < 0) {
		held(r, "fsopen: %s", ename(errno));
		return;
	}
	if (SC(c, fsconfig, I(fs), FSCONFIG_CMD_CREATE, 0, 0, 0) < 0) {
		held(r, "fsopen succeeded, fsconfig: %s", ename(errno));
		return;
	}
	m = SC(c, fsmount, I(fs), FSMOUNT_CLOEXEC, 0);
	if (m < 0)
		held(r, "fsopen and fsconfig succeeded, fsmount: %s", ename(errno));
	else
		reached(r, "made a tmpfs mount");
}

void probe_open_tree_clone(const struct ctx *c, struct result *r)
{
	char *root = low_str("/");
	long m = SC(c, open_tree, I(AT_FDCWD), U(root),
		    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);

	if (m >= 0)
		reached(r, "cloned the mount tree of /");
	else
		held_errno(r);
}

/* Open PATH for writing, and close it unwritten. */
static void open_for_writing(const struct ctx *c, struct result *r, const char *path)
{
	char *p = low_str("%s", path);
	long fd = SC(c, open, U(p), O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		SC(c, close, I(fd));
		reached(r, "%s is open for writing (nothing written)", path);
	} else if (errno == ENOENT && c->control) {
		not_applicable(r, "this kernel has no %s", path);
	} else {
		held(r, "%s: %s", path, ename(errno));
	}
}

void probe_proc_sys_write(const struct ctx *c, struct result *r)
{
	open_for_writing(c, r, "/proc/sys/kernel/panic");
}

void probe_sys_write(const struct ctx *c, struct result *r)
{
	static const char *const knobs[] = {
		"/sys/kernel/mm/transparent_hugepage/enabled",
		"/sys/kernel/mm/ksm/run",
		"/sys/kernel/profiling",
		"/sys/kernel/uevent_helper",
	};

	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		if (access(knobs[i], F_OK) == 0) {
			open_for_writing(c, r, knobs[i]);
			return;
		}
	not_applicable(r, "this kernel has none of the /sys knobs sjtest aims at");
}

void probe_sysrq_trigger(const struct ctx *c, struct result *r)
{
	open_for_writing(c, r, "/proc/sysrq-trigger");
}

void probe_core_pattern(const struct ctx *c, struct result *r)
{
	open_for_writing(c, r, "/proc/sys/kernel/core_pattern");
}

/* The binary /proc/PID/exe names, if it is not ours: 1 (and *FD), 0, -1. */
static int foreign_exe(pid_t pid, const struct stat *self, int *fd)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	*fd = open(path, O_PATH | O_CLOEXEC);
	if (*fd < 0)
		return -1;
	if (fstat(*fd, &st) == 0 && (st.st_dev != self->st_dev || st.st_ino != self->st_ino))
		return 1;
	close(*fd);
	return 0;
}

static int last_pid(void)
{
	char buf[32] = "";
	int fd = open("/proc/sys/kernel/ns_last_pid", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atoi(buf) : -1;
}

/*
 * CVE-2019-5736 again, on a process entering the jail from the host (as
 * jexec(8) does, through sj_attach()): until it executes its command, its
 * /proc/PID/exe is the manager's binary.  We ask sjtest to add processes
 * that run our own helper, and watch the pids the jail hands out next;
 * reached if we catch a binary that is not ours.  In a control, the
 * host's fixture process (a copy of sjtest) is the target.
 */
void probe_attach_exe_overwrite(const struct ctx *c, struct result *r)
{
	/* Within sjtest's own bound on the processes it adds (run.c). */
	long long deadline = now_ms() + (c->race_ms < 4750 ? 2 * c->race_ms + 500 : 10000);
	unsigned long after = 0, refused = 0;
	int last_errno = 0, fd = -1, got = 0;
	pid_t pid = c->exe_pid;
	struct stat self;

	if (stat("/proc/self/exe", &self) < 0) {
		failed(r, "/proc/self/exe: %s", ename(errno));
		return;
	}
	if (c->control) {
		got = foreign_exe(pid, &self, &fd);
		last_errno = errno;
	} else {
		printf("%s\n", SJT_ATTACH_REQUEST);
		fflush(stdout);
	}
	while (!c->control && got <= 0 && now_ms() < deadline) {
		int last = last_pid();

		for (int k = 1; k <= 3 && got <= 0 && last > 0; k++) {
			pid = last + k;
			got = foreign_exe(pid, &self, &fd);
			if (got == 0)
				after++;
			else if (got < 0 && errno != ENOENT && errno != ESRCH)
				refused++, last_errno = errno;
		}
	}
	if (got > 0) {
		char again[64];
		int w;

		snprintf(again, sizeof(again), "/proc/self/fd/%d", fd);
		w = open(again, O_WRONLY | O_CLOEXEC);
		reached(r, "an O_PATH descriptor of pid %d's binary, not the jail's; re-opened for "
			"writing: %s", (int)pid, w >= 0 ? "yes (nothing written)" : ename(errno));
		if (w >= 0)
			close(w);
		close(fd);
	} else if (c->control) {
		held(r, "/proc/%d/exe: %s", (int)pid, ename(last_errno));
	} else {
		held(r, "caught %lu entering processes only after they executed; %lu refused (%s)",
		     after, refused, last_errno ? ename(last_errno) : "none");
	}
}

void probe_leaked_host_fds(const struct ctx *c, struct result *r)
{
	char list[200] = "";
	size_t n = 0;

	if (c->nleaked < 0) {
		failed(r, "cannot list /proc/self/fd");
		return;
	}
	if (c->nleaked == 0) {
		held(r, "only 0, 1 and 2 are open");
		return;
	}
	for (int i = 0; i < c->nleaked && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%d -> %s", i ? ", " : "",
				      c->leaked[i], c->leaked_what[i]);
	reached(r, "open at start: %s", list);
}

/*
 * CVE-2019-5736: the binary of the jail's manager, through the /proc/PID/exe
 * of a process that runs it (the jail's init, PID 1).  ETXTBSY counts as
 * reached: the path resolved and write permission was granted; only the
 * running program's text lock stood in the way, and runc's attack waits
 * for it to exit.  Nothing is ever written.
 */
void probe_proc_exe_overwrite(const struct ctx *c, struct result *r)
{
	char *exe = low_str("/proc/%d/exe", (int)c->exe_pid);
	long fd = SC(c, open, U(exe), O_WRONLY | O_CLOEXEC), path;
	int first;

	if (fd >= 0 || errno == ETXTBSY) {
		if (fd >= 0)
			SC(c, close, I(fd));
		reached(r, "%s opened for writing%s", exe, fd >= 0 ? "" : " but for ETXTBSY");
		return;
	}
	first = errno;
	path = SC(c, open, U(exe), O_PATH | O_CLOEXEC);
	if (path >= 0) {
		char *again = low_str("/proc/self/fd/%ld", path);

		fd = SC(c, open, U(again), O_WRONLY | O_CLOEXEC);
		if (fd >= 0)
			SC(c, close, I(fd));
		reached(r, "an O_PATH descriptor of the manager's binary; re-opened for "
			"writing: %s", fd >= 0 ? "yes" : ename(errno));
		return;
	}
	held(r, "%s for writing: %s; O_PATH: %s", exe, ename(first), ename(errno));
}
