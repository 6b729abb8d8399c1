/*
 * registry.c: jail ids, names and uid slots, under the runtime directory.
 *
 *   RUNDIR/lock            flock(2)ed while the registry changes
 *   RUNDIR/next            hint: the jid to try first
 *   RUNDIR/jail/JID.lock   flock(2)ed for the jail's whole life
 *   RUNDIR/jail/JID        the jail's parameters, replaced atomically
 *   RUNDIR/name/NAME       symlink to "JID"
 *   RUNDIR/slot/N.lock     flock(2)ed while the jail owns uid slot N
 *   RUNDIR/net/JID         the jail's addresses and host-side network (netreg.c)
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
#include <dirent.h>
#include <sys/stat.h>
#include <time.h>

#include "sj-private.h"

#define JID_MAX 999999

static const char *rundir(const struct sj_jail *j, char *buf, size_t len)
{
	return j->cfg.rundir ? j->cfg.rundir : reg_default_dir(buf, len);
}

/*
 * The registry when none is named: root's /run/sysjail; a user's
 * $XDG_RUNTIME_DIR/sysjail, or /tmp/sysjail-UID where XDG_RUNTIME_DIR is
 * not set (open_rundir() makes it ours and private, or refuses it).
 */
const char *reg_default_dir(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (geteuid() == 0)
		snprintf(buf, len, "%s", SJ_RUNDIR);
	else if (xdg && xdg[0] == '/')
		snprintf(buf, len, "%s/sysjail", xdg);
	else
		snprintf(buf, len, "/tmp/sysjail-%u", (unsigned)geteuid());
	return buf;
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

/*
 * The jail's life lock file also says where its cgroups are ("cgroup=
 * PARENT"), written when its jid is claimed: a purge after its maker
 * died finds them from it, entry or not.
 */
static void note_cgroup(int lockfd, const char *parent)
{
	char note[96];
	int n = snprintf(note, sizeof(note), "cgroup=%s\n", parent ? parent : SJ_CGROUP_PARENT);

	/* Without the note, a purge leaves an empty group to the jid's
	 * next owner, who replaces it. */
	if (pwrite(lockfd, note, (size_t)n, 0) == n)
		n = ftruncate(lockfd, n);
	(void)n;
}

/* Remove dead jail JID's cgroups (empty ones: cgroup.c), as noted. */
static void purge_cgroups(int dirfd, int jid)
{
	char path[64], note[96];
	SJ_AUTOCLOSE int fd = -1;
	sj_error ignored;
	ssize_t n;

	snprintf(path, sizeof(path), "jail/%d.lock", jid);
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || (n = pread(fd, note, sizeof(note) - 1, 0)) <= 7)
		return;
	note[n] = '\0';
	note[strcspn(note, "\n")] = '\0';
	if (strncmp(note, "cgroup=", 7) == 0)
		cg_remove_orphan(note + 7, jid, 200, &ignored);
}

/* Remove what a dead jail JID left: its entry, its name, what its
 * network left on the host (netreg.c), and with CGROUPS its groups. */
static void purge_jid(int dirfd, int jid, bool cgroups)
{
	char path[64], name[NAME_MAX + 8], target[32];
	FILE *f;
	int fd;

	netreg_purge(dirfd, jid);
	if (cgroups)
		purge_cgroups(dirfd, jid);
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
			purge_jid(dirfd, n, true);
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
		purge_jid(r->dirfd, r->jid, !j->cg_removed);
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
	char buf[PATH_MAX];

	r->dirfd = open_rundir(rundir(j, buf, sizeof(buf)), err);
	if (r->dirfd < 0)
		return -1;
	lock = lock_registry(r->dirfd, err);
	if (lock < 0)
		goto fail;
	r->jid_lock = claim_jid(r->dirfd, j->cfg.jid, &r->jid, err);
	if (r->jid_lock < 0)
		goto fail;
	if (up_cgroups_allowed(j) && !j->cfg.oci)
		note_cgroup(r->jid_lock, j->cfg.cgroup);
	if (j->cfg.name && claim_name(r->dirfd, j->cfg.name, r->jid, err) < 0)
		goto fail;
	if (j->cfg.userns && j->mode == SJ_MODE_ROOT) {
		r->slot_lock = claim_slot(r->dirfd, &r->slot, err);
		if (r->slot_lock < 0)
			goto fail;
	}
	/* Its addresses, which no two running jails may hold. */
	if (netreg_claim(j, err) < 0)
		goto fail;
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

/* Field 22 of /proc/PID/stat: when the process started, in clock ticks. */
unsigned long long reg_starttime(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long v = 0;
	SJ_AUTOCLOSE int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return 0;
	buf[n] = '\0';
	/* After the command name, which may hold anything but ends at the
	 * last ')': state is field 3, starttime field 22. */
	p = strrchr(buf, ')');
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (p)
		v = strtoull(p + 1, NULL, 10);
	return v;
}

/* Write (or replace) jail J's entry: atomically, by rename(2). */
static int write_entry(struct sj_jail *j, sj_error *err)
{
	struct sj_registry *r = &j->reg;
	SJ_AUTOFREE char *text = NULL;
	SJ_AUTOCLOSE int fd = -1;
	char tmp[64], path[32], num[32];
	const char *name;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&text, &len);
	if (!f)
		return sj_fail_errno(err, "registry entry");
	for (size_t i = 0; (name = sj_param_name(i)); i++) {
		SJ_AUTOFREE char *val = NULL;

		char *const *list = params_list(&j->cfg, name);

		if (sj_param_flags(name) & SJ_PARAM_NOVALUE || strcmp(name, "command") == 0)
			continue;
		/* A list of strings element by element: they may hold commas. */
		if (list) {
			for (; *list; list++)
				append(f, name, *list);
			continue;
		}
		val = param_value(&j->cfg, name, err);
		if (!val) {
			fclose(f);
			return -1;
		}
		append(f, name, val);
	}
	/* The command word by word: "command" itself is split on blanks. */
	for (char **a = j->cfg.command; a && *a; a++)
		append(f, "sysjail.argv", *a);
	snprintf(num, sizeof(num), "%d", (int)j->init_pid);
	append(f, "sysjail.pid", num);
	snprintf(num, sizeof(num), "%llu", j->starttime);
	append(f, "sysjail.starttime", num);
	snprintf(num, sizeof(num), "%u", (unsigned)j->uid_base);
	append(f, "sysjail.uid_base", num);
	snprintf(num, sizeof(num), "%lld", (long long)j->created_at);
	append(f, "sysjail.created", num);
	if (fclose(f) != 0)
		return sj_fail(err, ENOMEM, "registry entry: out of memory");

	snprintf(tmp, sizeof(tmp), "jail/.%d.tmp", r->jid);
	snprintf(path, sizeof(path), "jail/%d", r->jid);
	fd = openat(r->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		    0600);
	/* Root changing a user's jail (jail -m): the entry stays the user's. */
	if (fd >= 0 && j->foreign && fchown(fd, j->owner, j->owner_gid) < 0)
		return sj_fail_errno(err, "registry entry %s", path);
	if (fd < 0 || sj_write_all(fd, text, len) < 0 ||
	    renameat(r->dirfd, tmp, r->dirfd, path) < 0)
		return sj_fail_errno(err, "registry entry %s", path);
	return 0;
}

/* Write the jail's entry, now that its init runs. */
int reg_publish(struct sj_jail *j, sj_error *err)
{
	j->cfg.jid = j->reg.jid;
	j->starttime = reg_starttime(j->init_pid);
	j->created_at = time(NULL);
	if (write_entry(j, err) < 0)
		return -1;
	j->reg.published = true;
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

/* Reading the registry: what jls, jexec and jail -r/-m find there. */

/* Open the runtime directory RUNDIR (NULL: the default); -1 ENOENT if absent. */
int reg_open(const char *dir, sj_error *err)
{
	char buf[PATH_MAX];
	int fd;

	if (!dir)
		dir = reg_default_dir(buf, sizeof(buf));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return sj_fail_errno(err, "runtime directory %s", dir);
	return fd;
}

/* Whether jail JID is alive: its life lock is held by somebody. */
bool reg_alive(int dirfd, int jid)
{
	return jid_alive(dirfd, jid);
}

/* Whether jail JID is being removed: a remover holds its .dying lock. */
bool reg_dying(int dirfd, int jid)
{
	char path[64];
	SJ_AUTOCLOSE int fd = -1;

	snprintf(path, sizeof(path), "jail/%d.dying", jid);
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	return flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
}

/* Mark jail JID as being removed for as long as the returned fd is open. */
int reg_mark_dying(int dirfd, int jid, sj_error *err)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "jail/%d.dying", jid);
	fd = openat(dirfd, path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return sj_fail_errno(err, "registry %s", path);
	if (flock(fd, LOCK_EX) < 0) {
		sj_fail_errno(err, "registry %s", path);
		close(fd);
		return -1;
	}
	return fd;
}

/* The jid named NAME (a number is a jid), or -1 with ENOENT. */
int reg_lookup(int dirfd, const char *name, sj_error *err)
{
	char path[NAME_MAX + 8], target[32];
	char *end;
	long jid;
	ssize_t n;

	errno = 0;
	jid = strtol(name, &end, 10);
	if (*name && !*end && !errno && jid > 0 && jid <= JID_MAX)
		return (int)jid;
	if (strchr(name, '/') || strlen(name) > NAME_MAX)
		return sj_fail(err, ENOENT, "jail '%s' not found", name);
	snprintf(path, sizeof(path), "name/%s", name);
	n = readlinkat(dirfd, path, target, sizeof(target) - 1);
	if (n <= 0)
		return sj_fail(err, ENOENT, "jail '%s' not found", name);
	target[n] = '\0';
	return atoi(target);
}

/* Undo one "key=value" line's escapes in place. */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			*w++ = *s == 'n' ? '\n' : *s;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

static int add_arg(struct sj_config *c, const char *arg, sj_error *err)
{
	size_t n = 0;
	char **v;

	while (c->command && c->command[n])
		n++;
	v = realloc(c->command, (n + 2) * sizeof(*v));
	if (!v)
		return sj_fail(err, ENOMEM, "out of memory");
	c->command = v;
	v[n] = strdup(arg);
	v[n + 1] = NULL;
	return v[n] ? 0 : sj_fail(err, ENOMEM, "out of memory");
}

static int load_line(struct sj_jail *j, char *line, sj_error *err)
{
	char *eq = strchr(line, '=');
	const char *key = line, *val;

	if (!eq)
		return 0;
	*eq = '\0';
	unescape(eq + 1);
	val = eq + 1;
	if (strcmp(key, "sysjail.argv") == 0)
		return add_arg(&j->cfg, val, err);
	if (strcmp(key, "sysjail.pid") == 0)
		j->init_pid = (pid_t)atoi(val);
	else if (strcmp(key, "sysjail.starttime") == 0)
		j->starttime = strtoull(val, NULL, 10);
	else if (strcmp(key, "sysjail.uid_base") == 0)
		j->uid_base = (uid_t)strtoul(val, NULL, 10);
	else if (strcmp(key, "sysjail.created") == 0)
		j->created_at = (time_t)strtoll(val, NULL, 10);
	/* Unset values are stored empty; keys of newer versions are
	 * skipped, as are parameters no longer known. */
	else if (!*val || !sj_param_flags(key))
		return 0;
	/* A list of strings comes one element a line. */
	else if (params_list(&j->cfg, key) && params_list(&j->cfg, key)[0])
		return params_add(&j->cfg, key, val, err);
	else if (params_set(&j->cfg, key, val, err) < 0)
		return -1;
	return 0;
}

/*
 * Load the entry of jail JID into J (a fresh sj_jail): its parameters and
 * what the registry knows of its init.  Fails with ESRCH if the jail is
 * not alive, or has no entry yet.
 */
int reg_load(int dirfd, int jid, struct sj_jail *j, sj_error *err)
{
	char path[32], *line = NULL;
	size_t cap = 0;
	FILE *f;
	int fd, r = 0;

	snprintf(path, sizeof(path), "jail/%d", jid);
	if (!jid_alive(dirfd, jid))
		return sj_fail(err, ESRCH, "jail %d is not running", jid);
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || !(f = fdopen(fd, "re"))) {
		if (fd >= 0)
			close(fd);
		return errno == ENOENT ? sj_fail(err, ESRCH, "jail %d is not running", jid)
				       : sj_fail_errno(err, "registry %s", path);
	}
	while (r == 0 && getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		r = load_line(j, line, err);
	}
	free(line);
	fclose(f);
	if (r < 0) {
		sj_error_prefix(err, "registry %s", path);
		return -1;
	}
	j->reg.jid = jid;
	j->cfg.jid = jid;
	return 0;
}

static int cmp_jid(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* The jids with an entry, ascending (alive or not: see reg_alive()). */
int reg_list(int dirfd, int **jids, size_t *n, sj_error *err)
{
	return reg_list_in(dirfd, "jail", jids, n, err);
}

/* The jids named by files in the registry's directory SUB, ascending. */
int reg_list_in(int dirfd, const char *sub, int **jids, size_t *n, sj_error *err)
{
	SJ_AUTOCLOSE int fd = openat(dirfd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	size_t cap = 0;
	struct dirent *e;
	DIR *d;

	*jids = NULL;
	*n = 0;
	if (fd < 0 || !(d = fdopendir(fd)))
		return errno == ENOENT ? 0 : sj_fail_errno(err, "registry %s", sub);
	fd = -1;
	while ((e = readdir(d))) {
		char *end;
		long jid = strtol(e->d_name, &end, 10);

		if (*end || jid <= 0 || e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		if (*n == cap) {
			int *v = realloc(*jids, (cap = cap ? cap * 2 : 64) * sizeof(*v));

			if (!v) {
				closedir(d);
				return sj_fail(err, ENOMEM, "out of memory");
			}
			*jids = v;
		}
		(*jids)[(*n)++] = (int)jid;
	}
	closedir(d);
	qsort(*jids, *n, sizeof(**jids), cmp_jid);
	return 0;
}

/*
 * After a removal: wait until nobody holds jail JID's life lock, then
 * remove its files.  Gives up after TIMEOUT_MS with EBUSY.
 */
int reg_purge(int dirfd, int jid, int timeout_ms, sj_error *err)
{
	char path[64];
	SJ_AUTOCLOSE int fd = -1, lock = -1;

	snprintf(path, sizeof(path), "jail/%d.lock", jid);
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0) {
		int waited = 0;

		while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			if (errno != EWOULDBLOCK || waited >= timeout_ms)
				return sj_fail(err, EBUSY, "jail %d: its processes did not end",
					       jid);
			usleep(2000);
			waited += 2;
		}
	}
	/* We hold the life lock: nobody can take the jid while we purge. */
	lock = lock_registry(dirfd, err);
	if (lock < 0)
		return -1;
	purge_jid(dirfd, jid, true);
	unlinkat(dirfd, path, 0);
	snprintf(path, sizeof(path), "jail/%d.dying", jid);
	unlinkat(dirfd, path, 0);
	return 0;
}

/* Replace jail J's entry with its current parameters (jail -m). */
int reg_rewrite(struct sj_jail *j, sj_error *err)
{
	return write_entry(j, err);
}

/*
 * Purge every jail whose life lock nobody holds: one whose maker and
 * init both died leaves its files and its cgroups until a purge.  The
 * lock file must still be the one we locked, or a new jail has taken
 * the jid meanwhile.
 */
void reg_sweep(int dirfd)
{
	SJ_AUTOCLOSE int dfd = openat(dirfd, "jail", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *e;
	DIR *d;

	if (dfd < 0 || !(d = fdopendir(dfd)))
		return;
	dfd = -1;
	while ((e = readdir(d))) {
		char path[64], *end;
		long jid = strtol(e->d_name, &end, 10);
		SJ_AUTOCLOSE int fd = -1, lock = -1;
		struct stat held, now;
		sj_error ignored;

		if (jid <= 0 || jid > JID_MAX || strcmp(end, ".lock") != 0)
			continue;
		snprintf(path, sizeof(path), "jail/%ld.lock", jid);
		fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
			continue;
		lock = lock_registry(dirfd, &ignored);
		if (lock < 0 || fstat(fd, &held) < 0 || fstatat(dirfd, path, &now, AT_SYMLINK_NOFOLLOW) < 0 ||
		    held.st_ino != now.st_ino || held.st_dev != now.st_dev)
			continue;
		purge_jid(dirfd, (int)jid, true);
		unlinkat(dirfd, path, 0);
		snprintf(path, sizeof(path), "jail/%ld.dying", jid);
		unlinkat(dirfd, path, 0);
	}
	closedir(d);
}

/* Whether DIR is a registry that UID alone owns and may write. */
static bool owned_by(const char *dir, uid_t uid)
{
	struct stat st;

	return lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == uid &&
	       !(st.st_mode & 022);
}

static int add_foreign(char ***dirs, uid_t **owners, size_t *n, const char *dir, uid_t uid)
{
	char **d = realloc(*dirs, (*n + 1) * sizeof(*d));
	uid_t *o;

	if (!d)
		return -1;
	*dirs = d;
	o = realloc(*owners, (*n + 1) * sizeof(*o));
	if (!o)
		return -1;
	*owners = o;
	if (!(d[*n] = strdup(dir)))
		return -1;
	o[(*n)++] = uid;
	return 0;
}

/*
 * For root: the users' registries, where their jails are: each user's
 * default ones (/run/user/UID/sysjail, XDG_RUNTIME_DIR's usual place,
 * and /tmp/sysjail-UID), if owned by that user and private.  A user who
 * names another registry (SYSJAIL_RUNDIR) keeps its jails to themself.
 */
int reg_foreign(char ***dirs, uid_t **owners, size_t *n)
{
	static const struct {
		const char *parent, *prefix, *suffix;
	} places[] = {
		{ "/run/user", "", "/sysjail" },
		{ "/tmp", "sysjail-", "" },
	};

	*dirs = NULL;
	*owners = NULL;
	*n = 0;
	for (size_t i = 0; i < SJ_NELEM(places); i++) {
		size_t plen = strlen(places[i].prefix);
		DIR *d = opendir(places[i].parent);
		struct dirent *e;

		while (d && (e = readdir(d))) {
			char path[PATH_MAX], *end;
			unsigned long uid;

			if (strncmp(e->d_name, places[i].prefix, plen) != 0 ||
			    e->d_name[plen] < '1' || e->d_name[plen] > '9')
				continue;
			uid = strtoul(e->d_name + plen, &end, 10);
			if (*end || uid == 0 || uid > UINT32_MAX - 1)
				continue;
			snprintf(path, sizeof(path), "%s/%s%s", places[i].parent, e->d_name,
				 places[i].suffix);
			if (owned_by(path, (uid_t)uid) &&
			    add_foreign(dirs, owners, n, path, (uid_t)uid) < 0) {
				closedir(d);
				return -1;
			}
		}
		if (d)
			closedir(d);
	}
	return 0;
}
