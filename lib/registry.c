/*
 * registry.c: jail ids, names and uid slots, under the runtime directory.
 *
 *   RUNDIR/lock            flock(2)ed while the registry changes
 *   RUNDIR/next            hint: the jid to try first
 *   RUNDIR/jail/JID.lock   flock(2)ed for the jail's whole life
 *   RUNDIR/jail/JID        the jail's parameters, replaced atomically
 *   RUNDIR/name/NAME       symlink to "JID"
 *   RUNDIR/slot/N.lock     flock(2)ed while the jail owns uid slot N
 *
 * A jail is alive exactly while its JID.lock is locked: the lock belongs
 * to an open file that the jail's manager and its init share, so the
 * kernel drops it when the last of them dies, however it dies.  Nothing
 * here has to be cleaned up for the registry to tell the truth; stale
 * files are removed by whoever next takes their jid, name or slot.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "sj-private.h"

#define JID_MAX 999999

static const char *rundir(const struct sj_jail *j)
{
	return j->cfg.rundir ? j->cfg.rundir : "/run/sysjail";
}

/* Make DIR (and its parents) owned by us and private to us. */
static int open_rundir(const char *dir, sj_error *err)
{
	char buf[PATH_MAX];
	struct stat st;
	int fd;

	snprintf(buf, sizeof(buf), "%s", dir);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return sj_fail_errno(err, "runtime directory %s", buf);
		*p = '/';
	}
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return sj_fail_errno(err, "runtime directory %s", buf);
	fd = open(buf, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return sj_fail_errno(err, "runtime directory %s", buf);
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 022)) {
		close(fd);
		return sj_fail(err, EPERM, "runtime directory %s is not owned by uid %u "
			       "or is writable by others", buf, (unsigned)geteuid());
	}
	for (const char *const *sub = (const char *const[]){ "jail", "name", "slot", NULL };
	     *sub; sub++)
		if (mkdirat(fd, *sub, 0700) < 0 && errno != EEXIST) {
			sj_fail_errno(err, "%s/%s", buf, *sub);
			close(fd);
			return -1;
		}
	return fd;
}

/* Take the registry lock; returns the descriptor that holds it. */
static int lock_registry(int dirfd, sj_error *err)
{
	int fd = openat(dirfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return sj_fail_errno(err, "registry lock");
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			sj_fail_errno(err, "registry lock");
			close(fd);
			return -1;
		}
	}
	return fd;
}

/*
 * Try to take the life lock DIR/N.lock: the descriptor holding it, -2 when
 * somebody alive holds it, -1 on error.
 */
static int try_lock(int dirfd, const char *dir, int n, sj_error *err)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "%s/%d.lock", dir, n);
	fd = openat(dirfd, path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return sj_fail_errno(err, "registry %s", path);
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	close(fd);
	if (errno == EWOULDBLOCK)
		return -2;
	return sj_fail_errno(err, "registry %s", path);
}

/* Whether jail JID is alive: its life lock is held by somebody. */
static bool jid_alive(int dirfd, int jid)
{
	char path[64];
	SJ_AUTOCLOSE int fd = -1;

	snprintf(path, sizeof(path), "jail/%d.lock", jid);
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	if (flock(fd, LOCK_SH | LOCK_NB) == 0)
		return false;
	return errno == EWOULDBLOCK;
}

/*
 * Hints ("next", "next-slot") are numbers in fixed-width text, rewritten
 * in place: truncating a file costs half a millisecond on a journalled
 * /run, more than the rest of the registry together.
 */
static int hint_open(int dirfd, const char *file)
{
	return openat(dirfd, file, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
}

static int hint_read(int fd, int def)
{
	char buf[16] = "";

	if (fd < 0 || pread(fd, buf, sizeof(buf) - 1, 0) <= 0)
		return def;
	return atoi(buf);
}

static void hint_write(int fd, int v)
{
	char buf[16];
	ssize_t r;

	/* A lost hint only costs the next creator a longer search. */
	if (fd >= 0)
		r = pwrite(fd, buf, (size_t)snprintf(buf, sizeof(buf), "%10d\n", v), 0);
	(void)r;
}

/* Remove what a dead jail JID left: its entry and its name. */
static void purge_jid(int dirfd, int jid)
{
	char path[64], name[NAME_MAX + 8], target[32];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "jail/%d", jid);
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0 && (f = fdopen(fd, "re"))) {
		char line[NAME_MAX];

		while (fgets(line, sizeof(line), f)) {
			ssize_t n;

			if (strncmp(line, "name=", 5) != 0 || line[5] == '\n')
				continue;
			line[strcspn(line, "\n")] = '\0';
			snprintf(name, sizeof(name), "name/%s", line + 5);
			n = readlinkat(dirfd, name, target, sizeof(target) - 1);
			if (n > 0 && (target[n] = '\0', atoi(target) == jid))
				unlinkat(dirfd, name, 0);
		}
		fclose(f);
	} else if (fd >= 0) {
		close(fd);
	}
	unlinkat(dirfd, path, 0);
}

/* Claim NAME for JID; the registry lock is held. */
static int claim_name(int dirfd, const char *name, int jid, sj_error *err)
{
	char path[NAME_MAX + 8], target[32];
	ssize_t n;

	snprintf(path, sizeof(path), "name/%s", name);
	n = readlinkat(dirfd, path, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = '\0';
		if (jid_alive(dirfd, atoi(target)))
			return sj_fail(err, EEXIST, "name: jail '%s' already exists (jid %s)",
				       name, target);
		unlinkat(dirfd, path, 0);
	}
	snprintf(target, sizeof(target), "%d", jid);
	if (symlinkat(target, dirfd, path) < 0)
		return sj_fail_errno(err, "registry name %s", name);
	return 0;
}

/* Take a jid (the one asked for, or the next free one) into *JID. */
static int claim_jid(int dirfd, int want, int *jid, sj_error *err)
{
	SJ_AUTOCLOSE int hint = want ? -1 : hint_open(dirfd, "next");
	int start = want ? want : hint_read(hint, 1);

	if (start < 1 || start > JID_MAX)
		start = 1;
	for (int i = 0, n = start; i < JID_MAX; i++, n = n % JID_MAX + 1) {
		int fd = try_lock(dirfd, "jail", n, err);

		if (fd == -1)
			return -1;
		if (fd >= 0) {
			purge_jid(dirfd, n);
			*jid = n;
			hint_write(hint, n % JID_MAX + 1);
			return fd;
		}
		if (want)
			return sj_fail(err, EEXIST, "jid: jail %d already exists", want);
	}
	return sj_fail(err, EAGAIN, "jid: all %d jail ids are in use", JID_MAX);
}

/* Take a free uid slot. */
static int claim_slot(int dirfd, int *slot, sj_error *err)
{
	SJ_AUTOCLOSE int hint = hint_open(dirfd, "next-slot");
	int start = hint_read(hint, 0);

	if (start < 0 || start >= SJ_UID_SLOTS)
		start = 0;
	for (int i = 0, n = start; i < SJ_UID_SLOTS; i++, n = (n + 1) % SJ_UID_SLOTS) {
		int fd = try_lock(dirfd, "slot", n, err);

		if (fd == -1)
			return -1;
		if (fd >= 0) {
			hint_write(hint, (n + 1) % SJ_UID_SLOTS);
			*slot = n;
			return fd;
		}
	}
	return sj_fail(err, EAGAIN, "all %d uid ranges are in use by running jails",
		       SJ_UID_SLOTS);
}

/* Give back what reg_reserve() took; the registry lock is held. */
static void release_locked(struct sj_jail *j)
{
	struct sj_registry *r = &j->reg;
	char path[64];

	if (r->jid_lock >= 0) {
		purge_jid(r->dirfd, r->jid);
		if (j->cfg.name) {
			char target[32];
			ssize_t n;

			snprintf(path, sizeof(path), "name/%s", j->cfg.name);
			n = readlinkat(r->dirfd, path, target, sizeof(target) - 1);
			if (n > 0 && (target[n] = '\0', atoi(target) == r->jid))
				unlinkat(r->dirfd, path, 0);
		}
		/* Safe while we hold both locks: lock files are only opened
		 * to be taken under the registry lock. */
		snprintf(path, sizeof(path), "jail/%d.lock", r->jid);
		unlinkat(r->dirfd, path, 0);
		close(r->jid_lock);
		r->jid_lock = -1;
	}
	if (r->slot_lock >= 0) {
		snprintf(path, sizeof(path), "slot/%d.lock", r->slot);
		unlinkat(r->dirfd, path, 0);
		close(r->slot_lock);
		r->slot_lock = -1;
	}
	close(r->dirfd);
	r->dirfd = -1;
	r->published = false;
}

/* Reserve a jid, the jail's name and a uid slot for a new jail. */
int reg_reserve(struct sj_jail *j, sj_error *err)
{
	struct sj_registry *r = &j->reg;
	SJ_AUTOCLOSE int lock = -1;

	r->dirfd = open_rundir(rundir(j), err);
	if (r->dirfd < 0)
		return -1;
	lock = lock_registry(r->dirfd, err);
	if (lock < 0)
		goto fail;
	r->jid_lock = claim_jid(r->dirfd, j->cfg.jid, &r->jid, err);
	if (r->jid_lock < 0)
		goto fail;
	if (j->cfg.name && claim_name(r->dirfd, j->cfg.name, r->jid, err) < 0)
		goto fail;
	if (j->cfg.userns) {
		r->slot_lock = claim_slot(r->dirfd, &r->slot, err);
		if (r->slot_lock < 0)
			goto fail;
	}
	return 0;
fail:
	release_locked(j);
	return -1;
}

/* One "key=value" line; a newline or backslash in a value is escaped. */
static void append(FILE *f, const char *key, const char *val)
{
	fprintf(f, "%s=", key);
	for (const char *p = val; *p; p++) {
		if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\\')
			fputs("\\\\", f);
		else
			fputc(*p, f);
	}
	fputc('\n', f);
}

/* The value of parameter NAME, in a buffer as large as it needs. */
static char *param_value(const struct sj_config *c, const char *name, sj_error *err)
{
	for (size_t len = 256; len <= (1u << 24); len *= 4) {
		char *buf = malloc(len);

		if (!buf) {
			sj_fail(err, ENOMEM, "out of memory");
			return NULL;
		}
		if (params_get(c, name, buf, len, err) >= 0)
			return buf;
		free(buf);
		if (err->errnum != ERANGE)
			return NULL;
	}
	return NULL;
}

static const char *const entry_params[] = {
	"jid", "name", "path", "host.hostname", "ip4.addr", "ip6.addr", "ip4", "ip6",
	"persist", "command", "exec.clean", "exec.jail_user", "exec.system_jail_user",
	"allow.set_hostname", "allow.raw_sockets", "allow.sysvipc", "allow.mount",
	"allow.socket_af", "sysjail.userns", "sysjail.seccomp",
};

/* Write the jail's entry, now that its init runs. */
int reg_publish(struct sj_jail *j, sj_error *err)
{
	struct sj_registry *r = &j->reg;
	SJ_AUTOFREE char *text = NULL;
	SJ_AUTOCLOSE int fd = -1;
	char tmp[64], path[32], num[32];
	size_t len = 0;
	FILE *f;

	j->cfg.jid = r->jid;
	f = open_memstream(&text, &len);
	if (!f)
		return sj_fail_errno(err, "registry entry");
	for (size_t i = 0; i < SJ_NELEM(entry_params); i++) {
		SJ_AUTOFREE char *val = param_value(&j->cfg, entry_params[i], err);

		if (!val) {
			fclose(f);
			return -1;
		}
		append(f, entry_params[i], val);
	}
	snprintf(num, sizeof(num), "%d", (int)j->init_pid);
	append(f, "sysjail.pid", num);
	snprintf(num, sizeof(num), "%u", (unsigned)j->uid_base);
	append(f, "sysjail.uid_base", num);
	if (fclose(f) != 0)
		return sj_fail(err, ENOMEM, "registry entry: out of memory");

	snprintf(tmp, sizeof(tmp), "jail/.%d.tmp", r->jid);
	snprintf(path, sizeof(path), "jail/%d", r->jid);
	fd = openat(r->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		    0600);
	if (fd < 0 || sj_write_all(fd, text, len) < 0 ||
	    renameat(r->dirfd, tmp, r->dirfd, path) < 0)
		return sj_fail_errno(err, "registry entry %s", path);
	r->published = true;
	return 0;
}

/* Give back what reg_reserve() took. */
void reg_release(struct sj_jail *j)
{
	SJ_AUTOCLOSE int lock = -1;
	sj_error ignored;

	if (j->reg.dirfd < 0)
		return;
	lock = lock_registry(j->reg.dirfd, &ignored);
	release_locked(j);
}
