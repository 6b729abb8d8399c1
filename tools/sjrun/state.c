/*
 * state.c: what sjrun keeps of a container under --root, and what its
 * status is now.
 *
 *   ROOT/ID/state.json   id, jid, pid, bundle, rootfs, created, started,
 *                        rundir (the registry: $SYSJAIL_RUNDIR at create),
 *                        cgroup ($SYSJAIL_CGROUP at create)
 *
 * The file is written by create (atomically, by rename) and by start.
 * The rest is asked of the registry each time: the container runs while
 * its jail does, and its jail is the one create made while the jid names
 * a live jail whose init is the pid recorded.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sjrun.h"

/* runc's rule for ids: letters, digits, and _ + - . */
bool id_valid(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > 200 || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("_+-.", *p)))
			return false;
	return true;
}

static void copy(char *dst, size_t len, const json_t *v)
{
	snprintf(dst, len, "%s", json_is_string(v) ? json_string_value(v) : "");
}

/* Load ROOT/ID/state.json into *C; -1 with errno ENOENT if there is none. */
int state_load(const struct sjrun *r, const char *id, struct container *c)
{
	char path[PATH_MAX + 16];
	json_t *o;

	memset(c, 0, sizeof(*c));
	if (!id_valid(id)) {
		errno = ENOENT;
		return -1;
	}
	snprintf(c->id, sizeof(c->id), "%s", id);
	snprintf(c->dir, sizeof(c->dir), "%s/%s", r->root, id);
	snprintf(path, sizeof(path), "%s/state.json", c->dir);
	o = json_load_file(path, 0, NULL);
	if (!o) {
		errno = access(c->dir, F_OK) == 0 ? EAGAIN : ENOENT;
		return -1;
	}
	copy(c->bundle, sizeof(c->bundle), json_object_get(o, "bundle"));
	copy(c->rootfs, sizeof(c->rootfs), json_object_get(o, "rootfs"));
	copy(c->created, sizeof(c->created), json_object_get(o, "created"));
	copy(c->rundir, sizeof(c->rundir), json_object_get(o, "rundir"));
	copy(c->cgroup, sizeof(c->cgroup), json_object_get(o, "cgroup"));
	c->jid = (int)json_integer_value(json_object_get(o, "jid"));
	c->pid = (pid_t)json_integer_value(json_object_get(o, "pid"));
	c->started = json_is_true(json_object_get(o, "started"));
	json_decref(o);
	return 0;
}

int state_save(const struct container *c)
{
	char path[PATH_MAX + 16], tmp[PATH_MAX + 16];
	json_t *o = json_pack("{s:s, s:i, s:i, s:s, s:s, s:s, s:b, s:s, s:s}", "id", c->id,
			      "jid", c->jid, "pid", (int)c->pid, "bundle", c->bundle,
			      "rootfs", c->rootfs, "created", c->created, "started", c->started,
			      "rundir", c->rundir, "cgroup", c->cgroup);
	int rc;

	if (!o)
		return -1;
	snprintf(path, sizeof(path), "%s/state.json", c->dir);
	snprintf(tmp, sizeof(tmp), "%s/.state.json.tmp", c->dir);
	rc = json_dump_file(o, tmp, JSON_COMPACT);
	json_decref(o);
	if (rc < 0 || rename(tmp, path) < 0)
		return -1;
	return 0;
}

/*
 * The container's status.  A live one's jail goes to *FOUND (when FOUND
 * is not NULL): the caller frees it.
 */
enum status state_status(const struct container *c, sj_jail **found)
{
	char jid[16];
	sj_error err;
	sj_jail *j;
	int paused;

	if (found)
		*found = NULL;
	if (c->pid <= 0)
		return ST_CREATING;
	snprintf(jid, sizeof(jid), "%d", c->jid);
	/* The registry create used: front ends call the runtime with
	 * environments of their own (podman's start has none of conmon's). */
	j = sj_find(c->rundir[0] ? c->rundir : NULL, jid, &err);
	if (!j)
		return ST_STOPPED;
	if (sj_jail_init_pid(j) != c->pid) {
		sj_jail_free(j);
		return ST_STOPPED;
	}
	paused = sj_oci_paused(j);
	if (found)
		*found = j;
	else
		sj_jail_free(j);
	if (paused == 1)
		return ST_PAUSED;
	return c->started ? ST_RUNNING : ST_CREATED;
}

const char *status_name(enum status s)
{
	static const char *const names[] = { "creating", "created", "running", "paused",
					     "stopped" };

	return names[s];
}

/* The annotations of the bundle's config.json, or an empty object. */
static json_t *annotations(const char *bundle)
{
	char path[PATH_MAX + 16];
	json_t *o, *a;

	snprintf(path, sizeof(path), "%s/config.json", bundle);
	o = json_load_file(path, 0, NULL);
	a = json_object_get(o, "annotations");
	a = json_is_object(a) ? json_incref(a) : json_object();
	json_decref(o);
	return a;
}

/* The state as the runtime spec (and runc) print it; malloc'ed. */
char *state_json(const struct container *c, enum status s, bool pretty)
{
	json_t *o = json_object();
	char *text;

	json_object_set_new(o, "ociVersion", json_string("1.0.2"));
	json_object_set_new(o, "id", json_string(c->id));
	json_object_set_new(o, "pid", json_integer(s == ST_STOPPED ? 0 : c->pid));
	json_object_set_new(o, "status", json_string(status_name(s)));
	json_object_set_new(o, "bundle", json_string(c->bundle));
	json_object_set_new(o, "rootfs", json_string(c->rootfs));
	json_object_set_new(o, "created", json_string(c->created));
	json_object_set_new(o, "owner", json_string(""));
	json_object_set_new(o, "annotations", annotations(c->bundle));
	json_object_set_new(o, "sysjail.jid", json_integer(c->jid));
	text = json_dumps(o, pretty ? JSON_INDENT(2) : JSON_COMPACT);
	json_decref(o);
	return text;
}

/* The bare decimal pid, no newline, in place by rename(2). */
int write_pid_file(const char *path, pid_t pid)
{
	char tmp[PATH_MAX], text[16];
	int fd, n = snprintf(text, sizeof(text), "%d", (int)pid);
	const char *slash = strrchr(path, '/');

	if (slash)
		snprintf(tmp, sizeof(tmp), "%.*s/.%s.tmp", (int)(slash - path), path, slash + 1);
	else
		snprintf(tmp, sizeof(tmp), ".%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (write(fd, text, (size_t)n) != n) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	return rename(tmp, path);
}

void now_rfc3339(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char base[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%09ldZ", base, ts.tv_nsec);
}

/* Remove DIR and the files in it (it holds no directories). */
int remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	return rmdir(dir);
}
