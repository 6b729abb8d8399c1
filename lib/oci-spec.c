/*
 * oci-spec.c: a bundle's config.json, and exec's process.json, read with
 * jansson and checked field by field.  Every error names the file and
 * the field ("config.json: mounts[2].destination: 'dev' is not an
 * absolute path"); nothing is half-applied, since nothing is applied
 * here at all.  Unknown properties are ignored, as the runtime spec
 * asks; a known one of the wrong type is an error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "oci.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* Where we are, for messages: the file and the field. */
struct where {
	const char *file;
	char field[160];
	sj_error *err;
};

static int SJ_PRINTF(3, 4) bad(struct where *w, int errnum, const char *fmt, ...)
{
	char msg[SJ_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sj_fail(w->err, errnum, "%s: %s%s%s", w->file, w->field, w->field[0] ? ": " : "",
		       msg);
}

/* Enter field NAME (or [I] when NAME is NULL); returns the old length. */
static size_t enter(struct where *w, const char *name, size_t i)
{
	size_t n = strlen(w->field);

	if (name)
		snprintf(w->field + n, sizeof(w->field) - n, "%s%s", n ? "." : "", name);
	else
		snprintf(w->field + n, sizeof(w->field) - n, "[%zu]", i);
	return n;
}

static void leave(struct where *w, size_t n)
{
	w->field[n] = '\0';
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number with a fraction";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "something";
}

/* Member KEY of object O if present and of type TYPE: 1 found, 0 absent, -1 error. */
static int member(struct where *w, const json_t *o, const char *key, json_type type,
		  json_t **out)
{
	json_t *v = o ? json_object_get(o, key) : NULL;
	size_t n;

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (json_typeof(v) == type || (type == JSON_TRUE && json_is_boolean(v))) {
		*out = v;
		return 1;
	}
	n = enter(w, key, 0);
	bad(w, EINVAL, "is %s, not %s", type_name(v),
	    type == JSON_OBJECT ? "an object" : type == JSON_ARRAY ? "an array" :
	    type == JSON_STRING ? "a string" : type == JSON_INTEGER ? "an integer" :
	    "a boolean");
	leave(w, n);
	return -1;
}

/* A string member, copied; NULL when absent. */
static int get_string(struct where *w, const json_t *o, const char *key, char **out)
{
	json_t *v;
	int r = member(w, o, key, JSON_STRING, &v);

	*out = NULL;
	if (r <= 0)
		return r;
	*out = strdup(json_string_value(v));
	return *out ? 1 : sj_fail(w->err, ENOMEM, "out of memory");
}

static int get_bool(struct where *w, const json_t *o, const char *key, bool *out)
{
	json_t *v;
	int r = member(w, o, key, JSON_TRUE, &v);

	if (r > 0)
		*out = json_is_true(v);
	return r;
}

/* An integer member in [LO, HI]. */
static int get_int(struct where *w, const json_t *o, const char *key, long long lo,
		   long long hi, long long *out)
{
	json_t *v;
	int r = member(w, o, key, JSON_INTEGER, &v);
	size_t n;

	if (r <= 0)
		return r;
	if (json_integer_value(v) < lo || json_integer_value(v) > hi) {
		n = enter(w, key, 0);
		bad(w, ERANGE, "%lld is out of range (%lld to %lld)",
		    (long long)json_integer_value(v), lo, hi);
		leave(w, n);
		return -1;
	}
	*out = json_integer_value(v);
	return 1;
}

/* An array of strings, NULL-ended; each checked absolute when ABS. */
static int get_strings(struct where *w, const json_t *o, const char *key, bool abs, char ***out)
{
	json_t *a, *v;
	size_t i, n;
	char **vec;
	int r = member(w, o, key, JSON_ARRAY, &a);

	*out = NULL;
	if (r <= 0)
		return r;
	vec = calloc(json_array_size(a) + 1, sizeof(*vec));
	if (!vec)
		return sj_fail(w->err, ENOMEM, "out of memory");
	*out = vec;
	n = enter(w, key, 0);
	json_array_foreach(a, i, v) {
		size_t m = enter(w, NULL, i);

		if (!json_is_string(v))
			return bad(w, EINVAL, "is %s, not a string", type_name(v));
		if (abs && json_string_value(v)[0] != '/')
			return bad(w, EINVAL, "'%s' is not an absolute path", json_string_value(v));
		if (!(vec[i] = strdup(json_string_value(v))))
			return sj_fail(w->err, ENOMEM, "out of memory");
		leave(w, m);
	}
	leave(w, n);
	return 1;
}

static void strv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

/* ---- process ------------------------------------------------------- */

static const char *const cap_names[] = {
	"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID",
	"SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST",
	"NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO",
	"SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
	"SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE",
	"AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM",
	"BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
};

/* The number of capability NAME ("CAP_CHOWN"), -1 if unknown. */
int oci_cap_number(const char *name)
{
	if (strncasecmp(name, "CAP_", 4) != 0)
		return -1;
	for (size_t i = 0; i < SJ_NELEM(cap_names); i++)
		if (strcasecmp(name + 4, cap_names[i]) == 0)
			return (int)i;
	return -1;
}

static int parse_caps(struct where *w, const json_t *o, struct oci_process *p)
{
	static const char *const sets[OCI_CAP_SETS] = {
		"bounding", "effective", "inheritable", "permitted", "ambient",
	};
	json_t *c, *a, *v;
	int r = member(w, o, "capabilities", JSON_OBJECT, &c);
	size_t n, i;

	if (r <= 0)
		return r;
	p->caps_set = true;
	n = enter(w, "capabilities", 0);
	for (int s = 0; s < OCI_CAP_SETS; s++) {
		size_t m;

		if ((r = member(w, c, sets[s], JSON_ARRAY, &a)) < 0)
			return -1;
		if (r == 0)
			continue;
		m = enter(w, sets[s], 0);
		json_array_foreach(a, i, v) {
			const char *name = json_string_value(v);
			size_t k = enter(w, NULL, i);
			int cap;

			if (!name)
				return bad(w, EINVAL, "is %s, not a string", type_name(v));
			if (strncasecmp(name, "CAP_", 4) != 0)
				return bad(w, EINVAL, "'%s' is not a capability (CAP_...)", name);
			/* As runc: a capability newer than we know is left out. */
			cap = oci_cap_number(name);
			if (cap >= 0)
				p->caps[s] |= 1ull << cap;
			leave(w, k);
		}
		leave(w, m);
	}
	leave(w, n);
	return 1;
}

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS }, { "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU }, { "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE }, { "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE }, { "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC }, { "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

static int parse_rlimits(struct where *w, const json_t *o, struct oci_process *p)
{
	json_t *a, *v;
	size_t n, i;
	int r = member(w, o, "rlimits", JSON_ARRAY, &a);

	if (r <= 0)
		return r;
	p->rlimits = calloc(json_array_size(a) + 1, sizeof(*p->rlimits));
	if (!p->rlimits)
		return sj_fail(w->err, ENOMEM, "out of memory");
	n = enter(w, "rlimits", 0);
	json_array_foreach(a, i, v) {
		struct oci_rlimit *rl = &p->rlimits[p->nrlimits];
		size_t m = enter(w, NULL, i);
		SJ_AUTOFREE char *type = NULL;
		long long soft = 0, hard = 0;
		size_t k;

		if (!json_is_object(v))
			return bad(w, EINVAL, "is %s, not an object", type_name(v));
		if (get_string(w, v, "type", &type) <= 0)
			return type ? -1 : bad(w, EINVAL, "has no type");
		for (k = 0; k < SJ_NELEM(rlimit_names); k++)
			if (strcmp(type, rlimit_names[k].name) == 0)
				break;
		if (k == SJ_NELEM(rlimit_names))
			return bad(w, EINVAL, "unknown rlimit type '%s'", type);
		/* JSON integers stop at 2^63-1; RLIM_INFINITY is 2^64-1. */
		if (get_int(w, v, "soft", 0, LLONG_MAX, &soft) < 0 ||
		    get_int(w, v, "hard", 0, LLONG_MAX, &hard) < 0)
			return -1;
		rl->resource = rlimit_names[k].resource;
		rl->soft = soft == LLONG_MAX ? RLIM_INFINITY : (rlim_t)soft;
		rl->hard = hard == LLONG_MAX ? RLIM_INFINITY : (rlim_t)hard;
		if (rl->soft > rl->hard)
			return bad(w, EINVAL, "%s: soft limit %llu is above the hard limit %llu",
				   type, (unsigned long long)rl->soft,
				   (unsigned long long)rl->hard);
		p->nrlimits++;
		leave(w, m);
	}
	leave(w, n);
	return 1;
}

static int parse_user(struct where *w, const json_t *o, struct oci_process *p)
{
	json_t *u, *a, *v;
	long long id = 0, mask = -1;
	size_t n, i;
	int r = member(w, o, "user", JSON_OBJECT, &u);

	if (r <= 0)
		return r;
	n = enter(w, "user", 0);
	if (get_int(w, u, "uid", 0, UINT32_MAX - 1, &id) < 0)
		return -1;
	p->uid = (uid_t)id;
	id = 0;
	if (get_int(w, u, "gid", 0, UINT32_MAX - 1, &id) < 0)
		return -1;
	p->gid = (gid_t)id;
	if (get_int(w, u, "umask", 0, 0777, &mask) < 0)
		return -1;
	p->umask = (int)mask;
	if ((r = member(w, u, "additionalGids", JSON_ARRAY, &a)) < 0)
		return -1;
	if (r > 0) {
		size_t m = enter(w, "additionalGids", 0);

		p->groups = calloc(json_array_size(a) + 1, sizeof(*p->groups));
		if (!p->groups)
			return sj_fail(w->err, ENOMEM, "out of memory");
		json_array_foreach(a, i, v) {
			size_t k = enter(w, NULL, i);

			if (!json_is_integer(v) || json_integer_value(v) < 0 ||
			    json_integer_value(v) >= UINT32_MAX)
				return bad(w, EINVAL, "is not a group id");
			p->groups[p->ngroups++] = (gid_t)json_integer_value(v);
			leave(w, k);
		}
		leave(w, m);
	}
	if (json_object_get(u, "username"))
		return bad(w, EINVAL, "username: is for Windows; give uid and gid");
	leave(w, n);
	return 1;
}

static int parse_process(struct where *w, const json_t *o, struct oci_process *p)
{
	json_t *c;
	long long v = 0;
	size_t n;
	int r;

	memset(p, 0, sizeof(*p));
	p->umask = -1;
	if (get_strings(w, o, "args", false, &p->args) < 0)
		return -1;
	if (!p->args || !p->args[0]) {
		enter(w, "args", 0);
		return bad(w, EINVAL, "a process needs at least one argument");
	}
	if (get_strings(w, o, "env", false, &p->env) < 0 || get_string(w, o, "cwd", &p->cwd) < 0)
		return -1;
	n = enter(w, "cwd", 0);
	if (!p->cwd)
		return bad(w, EINVAL, "missing (the working directory, an absolute path)");
	if (p->cwd[0] != '/')
		return bad(w, EINVAL, "'%s' is not an absolute path", p->cwd);
	leave(w, n);
	if (get_bool(w, o, "terminal", &p->terminal) < 0 ||
	    get_bool(w, o, "noNewPrivileges", &p->nnp) < 0)
		return -1;
	if ((r = member(w, o, "consoleSize", JSON_OBJECT, &c)) < 0)
		return -1;
	if (r > 0) {
		n = enter(w, "consoleSize", 0);

		if (get_int(w, c, "height", 0, 65535, &v) < 0)
			return -1;
		p->rows = (unsigned)v;
		v = 0;
		if (get_int(w, c, "width", 0, 65535, &v) < 0)
			return -1;
		p->cols = (unsigned)v;
		leave(w, n);
	}
	if ((r = get_int(w, o, "oomScoreAdj", -1000, 1000, &v)) < 0)
		return -1;
	if (r > 0) {
		p->oom_set = true;
		p->oom_score_adj = (int)v;
	}
	if (parse_user(w, o, p) < 0 || parse_caps(w, o, p) < 0 || parse_rlimits(w, o, p) < 0)
		return -1;
	return 0;
}

void oci_process_free(struct oci_process *p)
{
	strv_free(p->args);
	strv_free(p->env);
	free(p->cwd);
	free(p->groups);
	free(p->rlimits);
	memset(p, 0, sizeof(*p));
}

/* ---- lx --------------------------------------------------------- */

static const struct {
	const char *name;
	int flag;
} ns_types[] = {
	{ "pid", CLONE_NEWPID }, { "network", CLONE_NEWNET }, { "mount", CLONE_NEWNS },
	{ "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS }, { "user", CLONE_NEWUSER },
	{ "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

static int parse_namespaces(struct where *w, const json_t *lx, struct oci_spec *s)
{
	json_t *a, *v;
	size_t n, i;
	int r = member(w, lx, "namespaces", JSON_ARRAY, &a);

	if (r <= 0)
		return r;
	s->ns = calloc(json_array_size(a) + 1, sizeof(*s->ns));
	if (!s->ns)
		return sj_fail(w->err, ENOMEM, "out of memory");
	n = enter(w, "namespaces", 0);
	json_array_foreach(a, i, v) {
		struct oci_ns *ns = &s->ns[s->nns];
		size_t m = enter(w, NULL, i), k;
		SJ_AUTOFREE char *type = NULL;

		if (!json_is_object(v))
			return bad(w, EINVAL, "is %s, not an object", type_name(v));
		if (get_string(w, v, "type", &type) <= 0)
			return type ? -1 : bad(w, EINVAL, "has no type");
		for (k = 0; k < SJ_NELEM(ns_types); k++)
			if (strcmp(type, ns_types[k].name) == 0)
				break;
		if (k == SJ_NELEM(ns_types))
			return bad(w, EINVAL, "unknown namespace type '%s' (pid, network, mount, "
				   "ipc, uts, user, cgroup, time)", type);
		for (size_t d = 0; d < s->nns; d++)
			if (s->ns[d].type == ns_types[k].flag)
				return bad(w, EINVAL, "namespace '%s' is given twice", type);
		ns->type = ns_types[k].flag;
		if (get_string(w, v, "path", &ns->path) < 0)
			return -1;
		s->nns++;
		if (ns->path && ns->path[0] != '/')
			return bad(w, EINVAL, "path: '%s' is not an absolute path", ns->path);
		leave(w, m);
	}
	leave(w, n);
	return 1;
}

static int parse_idmaps(struct where *w, const json_t *lx, const char *key,
			struct oci_idmap **out, size_t *count)
{
	json_t *a, *v;
	size_t n, i;
	int r = member(w, lx, key, JSON_ARRAY, &a);

	if (r <= 0)
		return r;
	*out = calloc(json_array_size(a) + 1, sizeof(**out));
	if (!*out)
		return sj_fail(w->err, ENOMEM, "out of memory");
	n = enter(w, key, 0);
	json_array_foreach(a, i, v) {
		size_t m = enter(w, NULL, i);
		long long in = -1, outid = -1, size = -1;

		if (!json_is_object(v))
			return bad(w, EINVAL, "is %s, not an object", type_name(v));
		if (get_int(w, v, "containerID", 0, UINT32_MAX - 1, &in) < 0 ||
		    get_int(w, v, "hostID", 0, UINT32_MAX - 1, &outid) < 0 ||
		    get_int(w, v, "size", 1, UINT32_MAX, &size) < 0)
			return -1;
		if (in < 0 || outid < 0 || size < 0)
			return bad(w, EINVAL, "needs containerID, hostID and size");
		(*out)[(*count)++] = (struct oci_idmap){ (uint32_t)in, (uint32_t)outid,
							 (uint32_t)size };
		leave(w, m);
	}
	leave(w, n);
	return 1;
}

static int parse_devices(struct where *w, const json_t *lx, struct oci_spec *s)
{
	json_t *a, *v;
	size_t n, i;
	int r = member(w, lx, "devices", JSON_ARRAY, &a);

	if (r <= 0)
		return r;
	s->devices = calloc(json_array_size(a) + 1, sizeof(*s->devices));
	if (!s->devices)
		return sj_fail(w->err, ENOMEM, "out of memory");
	n = enter(w, "devices", 0);
	json_array_foreach(a, i, v) {
		struct oci_device *d = &s->devices[s->ndevices];
		size_t m = enter(w, NULL, i);
		SJ_AUTOFREE char *type = NULL;
		long long maj = 0, min = 0, mode = 0666, uid = 0, gid = 0;

		if (!json_is_object(v))
			return bad(w, EINVAL, "is %s, not an object", type_name(v));
		if (get_string(w, v, "path", &d->path) < 0 || get_string(w, v, "type", &type) < 0)
			return -1;
		s->ndevices++;
		if (!d->path || d->path[0] != '/')
			return bad(w, EINVAL, "path: '%s' is not an absolute path",
				   d->path ? d->path : "");
		if (!type || strlen(type) != 1 || !strchr("cbup", type[0]))
			return bad(w, EINVAL, "type: '%s' is not c, b, u or p", type ? type : "");
		d->type = type[0];
		if (get_int(w, v, "major", 0, 4095, &maj) < 0 ||
		    get_int(w, v, "minor", 0, 1048575, &min) < 0 ||
		    get_int(w, v, "fileMode", 0, 07777, &mode) < 0 ||
		    get_int(w, v, "uid", 0, UINT32_MAX - 1, &uid) < 0 ||
		    get_int(w, v, "gid", 0, UINT32_MAX - 1, &gid) < 0)
			return -1;
		d->major = (unsigned)maj;
		d->minor = (unsigned)min;
		d->mode = (unsigned)mode;
		d->uid = (uid_t)uid;
		d->gid = (gid_t)gid;
		leave(w, m);
	}
	leave(w, n);
	return 1;
}

static int parse_devrules(struct where *w, const json_t *res, struct oci_resources *r)
{
	json_t *a, *v;
	size_t n, i;
	int found = member(w, res, "devices", JSON_ARRAY, &a);

	if (found <= 0)
		return found;
	r->devices_set = true;
	r->devices = calloc(json_array_size(a) + 1, sizeof(*r->devices));
	if (!r->devices)
		return sj_fail(w->err, ENOMEM, "out of memory");
	n = enter(w, "devices", 0);
	json_array_foreach(a, i, v) {
		struct oci_devrule *d = &r->devices[r->ndevices];
		size_t m = enter(w, NULL, i);
		SJ_AUTOFREE char *type = NULL, *access = NULL;

		if (!json_is_object(v))
			return bad(w, EINVAL, "is %s, not an object", type_name(v));
		d->major = d->minor = -1;
		if (get_bool(w, v, "allow", &d->allow) < 0 || get_string(w, v, "type", &type) < 0 ||
		    get_string(w, v, "access", &access) < 0 ||
		    get_int(w, v, "major", -1, 4095, &d->major) < 0 ||
		    get_int(w, v, "minor", -1, 1048575, &d->minor) < 0)
			return -1;
		if (!json_is_boolean(json_object_get(v, "allow")))
			return bad(w, EINVAL, "allow: missing");
		d->type = type ? type[0] : 'a';
		if ((type && strlen(type) != 1) || !strchr("acb", d->type))
			return bad(w, EINVAL, "type: '%s' is not a, c or b", type);
		snprintf(d->access, sizeof(d->access), "%s", access ? access : "rwm");
		if (access && (strlen(access) > 3 || strspn(access, "rwm") != strlen(access)))
			return bad(w, EINVAL, "access: '%s' is not made of r, w and m", access);
		r->ndevices++;
		leave(w, m);
	}
	leave(w, n);
	return 1;
}

/* linux.resources: memory, pids, cpu, devices (others ignored). */
static int parse_resources(struct where *w, const json_t *res, struct oci_resources *r)
{
	json_t *o;
	size_t n;

	r->memory = r->memory_swap = r->memory_reservation = OCI_UNSET;
	r->pids = r->cpu_shares = r->cpu_quota = r->cpu_period = OCI_UNSET;
	if (member(w, res, "memory", JSON_OBJECT, &o) < 0)
		return -1;
	n = enter(w, "memory", 0);
	if (o && (get_int(w, o, "limit", -1, LLONG_MAX, &r->memory) < 0 ||
		  get_int(w, o, "swap", -1, LLONG_MAX, &r->memory_swap) < 0 ||
		  get_int(w, o, "reservation", -1, LLONG_MAX, &r->memory_reservation) < 0))
		return -1;
	leave(w, n);
	if (member(w, res, "pids", JSON_OBJECT, &o) < 0)
		return -1;
	n = enter(w, "pids", 0);
	if (o && get_int(w, o, "limit", LLONG_MIN, LLONG_MAX, &r->pids) < 0)
		return -1;
	/* runc: 0 or less is no limit. */
	if (r->pids != OCI_UNSET && r->pids <= 0)
		r->pids = OCI_MAX;
	leave(w, n);
	if (member(w, res, "cpu", JSON_OBJECT, &o) < 0)
		return -1;
	n = enter(w, "cpu", 0);
	if (o && (get_int(w, o, "shares", 0, 262144, &r->cpu_shares) < 0 ||
		  get_int(w, o, "quota", -1, LLONG_MAX, &r->cpu_quota) < 0 ||
		  get_int(w, o, "period", 0, 1000000, &r->cpu_period) < 0 ||
		  get_string(w, o, "cpus", &r->cpus) < 0 || get_string(w, o, "mems", &r->mems) < 0))
		return -1;
	if (r->cpu_shares == 0)
		r->cpu_shares = OCI_UNSET;
	if (r->cpu_period == 0)
		r->cpu_period = OCI_UNSET;
	if (r->cpus && !*r->cpus) {
		free(r->cpus);
		r->cpus = NULL;
	}
	if (r->mems && !*r->mems) {
		free(r->mems);
		r->mems = NULL;
	}
	leave(w, n);
	return parse_devrules(w, res, r);
}

void oci_resources_free(struct oci_resources *r)
{
	free(r->cpus);
	free(r->mems);
	free(r->devices);
	memset(r, 0, sizeof(*r));
}

/* `sjrun update --resources`: a LinuxResources object alone. */
int oci_resources_parse(const char *text, size_t len, struct oci_resources *r, sj_error *err)
{
	struct where w = { .file = "resources", .err = err };
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	int ret;

	memset(r, 0, sizeof(*r));
	if (!root)
		return sj_fail(err, EINVAL, "resources: line %d, column %d: %s", je.line,
			       je.column, je.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return sj_fail(err, EINVAL, "resources: is not a JSON object");
	}
	ret = parse_resources(&w, root, r);
	json_decref(root);
	if (ret < 0)
		oci_resources_free(r);
	return ret < 0 ? -1 : 0;
}

static int parse_sysctl(struct where *w, const json_t *lx, struct oci_spec *s)
{
	const char *key;
	json_t *o, *v;
	size_t n;
	int r = member(w, lx, "sysctl", JSON_OBJECT, &o);

	if (r <= 0)
		return r;
	s->sysctls = calloc(json_object_size(o) + 1, sizeof(*s->sysctls));
	if (!s->sysctls)
		return sj_fail(w->err, ENOMEM, "out of memory");
	n = enter(w, "sysctl", 0);
	json_object_foreach(o, key, v) {
		struct oci_sysctl *sc = &s->sysctls[s->nsysctls];

		if (!json_is_string(v))
			return bad(w, EINVAL, "%s: is %s, not a string", key, type_name(v));
		if (!*key || strstr(key, "..") || strchr(key, '/') || key[0] == '.')
			return bad(w, EINVAL, "'%s' is not a sysctl name", key);
		sc->key = strdup(key);
		sc->value = strdup(json_string_value(v));
		s->nsysctls++;
		if (!sc->key || !sc->value)
			return sj_fail(w->err, ENOMEM, "out of memory");
	}
	leave(w, n);
	return 1;
}

static const struct {
	const char *name;
	unsigned long flag;
} propagations[] = {
	{ "private", MS_PRIVATE }, { "rprivate", MS_PRIVATE | MS_REC },
	{ "shared", MS_SHARED }, { "rshared", MS_SHARED | MS_REC },
	{ "slave", MS_SLAVE }, { "rslave", MS_SLAVE | MS_REC },
	{ "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
};

static int parse_linux(struct where *w, const json_t *root, struct oci_spec *s)
{
	json_t *lx, *res;
	SJ_AUTOFREE char *prop = NULL;
	size_t n;
	int r = member(w, root, "linux", JSON_OBJECT, &lx);

	if (r < 0)
		return -1;
	n = enter(w, "linux", 0);
	if (parse_namespaces(w, lx, s) < 0 ||
	    parse_idmaps(w, lx, "uidMappings", &s->uidmap, &s->nuidmap) < 0 ||
	    parse_idmaps(w, lx, "gidMappings", &s->gidmap, &s->ngidmap) < 0 ||
	    parse_devices(w, lx, s) < 0 || parse_sysctl(w, lx, s) < 0 ||
	    get_strings(w, lx, "maskedPaths", true, &s->masked) < 0 ||
	    get_strings(w, lx, "readonlyPaths", true, &s->readonly) < 0 ||
	    get_string(w, lx, "cgroupsPath", &s->cgroups_path) < 0 ||
	    get_string(w, lx, "rootfsPropagation", &prop) < 0)
		return -1;
	if (member(w, lx, "resources", JSON_OBJECT, &res) < 0)
		return -1;
	{
		size_t m = enter(w, "resources", 0);

		if (parse_resources(w, res, &s->res) < 0)
			return -1;
		leave(w, m);
	}
	if (prop) {
		size_t k;

		for (k = 0; k < SJ_NELEM(propagations); k++)
			if (strcmp(prop, propagations[k].name) == 0)
				break;
		if (k == SJ_NELEM(propagations))
			return bad(w, EINVAL, "rootfsPropagation: unknown propagation '%s'", prop);
		s->rootfs_propagation = propagations[k].flag;
	}
	if (json_object_get(lx, "seccomp")) {
		json_t *sc;

		if (member(w, lx, "seccomp", JSON_OBJECT, &sc) < 0)
			return -1;
		if (sc && !(s->seccomp = json_dumps(sc, JSON_COMPACT | JSON_SORT_KEYS)))
			return sj_fail(w->err, ENOMEM, "out of memory");
	}
	if ((s->nuidmap || s->ngidmap) && !oci_spec_has_ns(s, CLONE_NEWUSER))
		return bad(w, EINVAL, "uidMappings: given without a user namespace");
	leave(w, n);
	return 0;
}

/* ---- mounts -------------------------------------------------------- */

static const struct {
	const char *name;
	unsigned set, clr;
} mount_attrs[] = {
	{ "ro", MOUNT_ATTR_RDONLY, 0 }, { "rw", 0, MOUNT_ATTR_RDONLY },
	{ "nosuid", MOUNT_ATTR_NOSUID, 0 }, { "suid", 0, MOUNT_ATTR_NOSUID },
	{ "nodev", MOUNT_ATTR_NODEV, 0 }, { "dev", 0, MOUNT_ATTR_NODEV },
	{ "noexec", MOUNT_ATTR_NOEXEC, 0 }, { "exec", 0, MOUNT_ATTR_NOEXEC },
	{ "noatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME },
	{ "relatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME },
	{ "strictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME },
	{ "nodiratime", MOUNT_ATTR_NODIRATIME, 0 }, { "diratime", 0, MOUNT_ATTR_NODIRATIME },
};

/* Options that change nothing here. */
static const char *const mount_ignored[] = {
	"defaults", "async", "norelatime", "nostrictatime", "tmpcopyup", "z", "Z", "U",
	"notmpcopyup", "copy-symlink",
};

static int add_data(char **data, const char *opt, sj_error *err)
{
	char *d;

	if (asprintf(&d, "%s%s%s", *data ? *data : "", *data ? "," : "", opt) < 0)
		return sj_fail(err, ENOMEM, "out of memory");
	free(*data);
	*data = d;
	return 0;
}

static int parse_mount_options(struct where *w, const json_t *o, struct oci_mount *m)
{
	json_t *a, *v;
	size_t n, i;
	int r = member(w, o, "options", JSON_ARRAY, &a);

	if (r <= 0)
		return r;
	n = enter(w, "options", 0);
	json_array_foreach(a, i, v) {
		const char *opt = json_string_value(v);
		size_t k;
		bool done = false;

		if (!opt) {
			enter(w, NULL, i);
			return bad(w, EINVAL, "is %s, not a string", type_name(v));
		}
		if (strcmp(opt, "bind") == 0 || strcmp(opt, "rbind") == 0) {
			m->bind = true;
			m->recursive |= opt[0] == 'r';
			continue;
		}
		for (k = 0; !done && k < SJ_NELEM(mount_attrs); k++)
			if (strcmp(opt, mount_attrs[k].name) == 0) {
				m->attr_set = (m->attr_set & ~mount_attrs[k].clr) | mount_attrs[k].set;
				m->attr_clr = (m->attr_clr & ~mount_attrs[k].set) | mount_attrs[k].clr;
				done = true;
			}
		for (k = 0; !done && k < SJ_NELEM(propagations); k++)
			if (strcmp(opt, propagations[k].name) == 0) {
				m->propagation = propagations[k].flag;
				done = true;
			}
		for (k = 0; !done && k < SJ_NELEM(mount_ignored); k++)
			done = strcmp(opt, mount_ignored[k]) == 0;
		if (!done && (strcmp(opt, "idmap") == 0 || strcmp(opt, "ridmap") == 0)) {
			enter(w, NULL, i);
			return bad(w, ENOTSUP, "idmapped mounts are not supported by sjrun yet");
		}
		if (!done && add_data(&m->data, opt, w->err) < 0)
			return -1;
	}
	leave(w, n);
	return 1;
}

static int parse_mounts(struct where *w, const json_t *root, struct oci_spec *s)
{
	json_t *a, *v;
	size_t n, i;
	int r = member(w, root, "mounts", JSON_ARRAY, &a);

	if (r <= 0)
		return r;
	s->mounts = calloc(json_array_size(a) + 1, sizeof(*s->mounts));
	if (!s->mounts)
		return sj_fail(w->err, ENOMEM, "out of memory");
	n = enter(w, "mounts", 0);
	json_array_foreach(a, i, v) {
		struct oci_mount *m = &s->mounts[s->nmounts];
		size_t k = enter(w, NULL, i);

		if (!json_is_object(v))
			return bad(w, EINVAL, "is %s, not an object", type_name(v));
		s->nmounts++;
		if (get_string(w, v, "destination", &m->dest) < 0 ||
		    get_string(w, v, "type", &m->type) < 0 ||
		    get_string(w, v, "source", &m->source) < 0 ||
		    parse_mount_options(w, v, m) < 0)
			return -1;
		if (!m->dest)
			return bad(w, EINVAL, "destination: missing");
		if (m->dest[0] != '/')
			return bad(w, EINVAL, "destination: '%s' is not an absolute path", m->dest);
		if (m->type && strcmp(m->type, "bind") == 0) {
			m->bind = true;
			free(m->type);
			m->type = NULL;
		}
		if (!m->bind && !m->type)
			return bad(w, EINVAL, "type: missing (and no bind option)");
		if (m->bind && !m->source)
			return bad(w, EINVAL, "source: a bind mount needs a source");
		/* A relative bind source is the bundle's, as runc reads it. */
		if (m->bind && m->source[0] != '/') {
			char *abs;

			if (asprintf(&abs, "%s/%s", s->bundle, m->source) < 0)
				return sj_fail(w->err, ENOMEM, "out of memory");
			free(m->source);
			m->source = abs;
		}
		leave(w, k);
	}
	leave(w, n);
	return 1;
}

/* ---- hooks --------------------------------------------------------- */

static int parse_hooks(struct where *w, const json_t *root, struct oci_spec *s)
{
	static const char *const kinds[OCI_HOOK_KINDS] = {
		"prestart", "createRuntime", "createContainer", "startContainer", "poststart",
		"poststop",
	};
	json_t *hooks, *a, *v;
	size_t n, i;
	int r = member(w, root, "hooks", JSON_OBJECT, &hooks);

	if (r <= 0)
		return r;
	n = enter(w, "hooks", 0);
	for (int k = 0; k < OCI_HOOK_KINDS; k++) {
		size_t m;

		if ((r = member(w, hooks, kinds[k], JSON_ARRAY, &a)) < 0)
			return -1;
		if (r == 0)
			continue;
		s->hooks[k] = calloc(json_array_size(a) + 1, sizeof(*s->hooks[k]));
		if (!s->hooks[k])
			return sj_fail(w->err, ENOMEM, "out of memory");
		m = enter(w, kinds[k], 0);
		json_array_foreach(a, i, v) {
			struct oci_hook *h = &s->hooks[k][s->nhooks[k]];
			size_t q = enter(w, NULL, i);
			long long timeout = 0;

			if (!json_is_object(v))
				return bad(w, EINVAL, "is %s, not an object", type_name(v));
			s->nhooks[k]++;
			if (get_string(w, v, "path", &h->path) < 0 ||
			    get_strings(w, v, "args", false, &h->args) < 0 ||
			    get_strings(w, v, "env", false, &h->env) < 0 ||
			    get_int(w, v, "timeout", 1, INT32_MAX, &timeout) < 0)
				return -1;
			if (!h->path || h->path[0] != '/')
				return bad(w, EINVAL, "path: '%s' is not an absolute path",
					   h->path ? h->path : "");
			h->timeout = (int)timeout;
			leave(w, q);
		}
		leave(w, m);
	}
	leave(w, n);
	return 1;
}

/* ---- the whole file ------------------------------------------------ */

bool oci_spec_has_ns(const struct oci_spec *s, int type)
{
	for (size_t i = 0; i < s->nns; i++)
		if (s->ns[i].type == type)
			return true;
	return false;
}

static int parse_root(struct where *w, const json_t *root, struct oci_spec *s)
{
	json_t *o;
	SJ_AUTOFREE char *path = NULL;
	struct stat st;
	size_t n;

	if (member(w, root, "root", JSON_OBJECT, &o) < 0)
		return -1;
	if (!o)
		return bad(w, EINVAL, "root: missing (the container's root file system)");
	n = enter(w, "root", 0);
	if (get_string(w, o, "path", &path) < 0 || get_bool(w, o, "readonly", &s->root_readonly) < 0)
		return -1;
	if (!path || !*path)
		return bad(w, EINVAL, "path: missing");
	if (path[0] == '/')
		s->root = strdup(path);
	else if (asprintf(&s->root, "%s/%s", s->bundle, path) < 0)
		s->root = NULL;
	if (!s->root)
		return sj_fail(w->err, ENOMEM, "out of memory");
	if (stat(s->root, &st) < 0)
		return bad(w, errno, "path: %s: %s", s->root, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return bad(w, ENOTDIR, "path: %s is not a directory", s->root);
	leave(w, n);
	return 0;
}

static int parse_spec(struct where *w, const json_t *root, struct oci_spec *s)
{
	SJ_AUTOFREE char *version = NULL;
	json_t *p;

	if (!json_is_object(root))
		return bad(w, EINVAL, "is %s, not a JSON object", type_name(root));
	if (get_string(w, root, "ociVersion", &version) < 0)
		return -1;
	if (!version)
		return bad(w, EINVAL, "ociVersion: missing");
	if (strncmp(version, "1.", 2) != 0)
		return bad(w, EINVAL, "ociVersion: '%s' is not a version 1 specification", version);
	if (parse_root(w, root, s) < 0 || get_string(w, root, "hostname", &s->hostname) < 0)
		return -1;
	if (member(w, root, "process", JSON_OBJECT, &p) < 0)
		return -1;
	if (!p)
		return bad(w, EINVAL, "process: missing (sjrun runs a process in every container)");
	{
		size_t n = enter(w, "process", 0);

		if (parse_process(w, p, &s->proc) < 0)
			return -1;
		leave(w, n);
	}
	if (member(w, root, "annotations", JSON_OBJECT, &p) < 0)
		return -1;
	if (p && !(s->annotations = json_dumps(p, JSON_COMPACT)))
		return sj_fail(w->err, ENOMEM, "out of memory");
	if (parse_mounts(w, root, s) < 0 || parse_linux(w, root, s) < 0 ||
	    parse_hooks(w, root, s) < 0)
		return -1;
	if (!oci_spec_has_ns(s, CLONE_NEWNS))
		return bad(w, EINVAL, "linux.namespaces: sjrun needs a mount namespace "
			   "(the container's root is entered with pivot_root)");
	if (s->hostname && *s->hostname && !oci_spec_ns_new(s, CLONE_NEWUTS))
		return bad(w, EINVAL, "hostname: needs a new uts namespace");
	return 0;
}

bool oci_spec_ns_new(const struct oci_spec *s, int type)
{
	for (size_t i = 0; i < s->nns; i++)
		if (s->ns[i].type == type)
			return !s->ns[i].path;
	return false;
}

/* Load BUNDLE/config.json for container ID into *OUT. */
int oci_spec_load(const char *bundle, const char *id, struct oci_spec **out, sj_error *err)
{
	struct where w = { .file = "config.json", .err = err };
	char path[PATH_MAX];
	json_error_t je;
	struct oci_spec *s;
	json_t *root;
	int r;

	*out = NULL;
	if (bundle[0] != '/')
		return sj_fail(err, EINVAL, "bundle: '%s' is not an absolute path", bundle);
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		if (access(path, F_OK) < 0)
			return sj_fail_errno(err, "%s", path);
		return sj_fail(err, EINVAL, "%s: line %d, column %d: %s", path, je.line, je.column,
			       je.text);
	}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->bundle = strdup(bundle)) || !(s->id = strdup(id ? id : ""))) {
		json_decref(root);
		oci_spec_free(s);
		return sj_fail(err, ENOMEM, "out of memory");
	}
	r = parse_spec(&w, root, s);
	json_decref(root);
	if (r < 0) {
		oci_spec_free(s);
		return -1;
	}
	*out = s;
	return 0;
}

/* exec --process FILE: one process object. */
int oci_process_load(const char *path, struct oci_process *p, sj_error *err)
{
	struct where w = { .file = path, .err = err };
	json_error_t je;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	int r;

	memset(p, 0, sizeof(*p));
	if (!root) {
		if (access(path, F_OK) < 0)
			return sj_fail_errno(err, "%s", path);
		return sj_fail(err, EINVAL, "%s: line %d, column %d: %s", path, je.line, je.column,
			       je.text);
	}
	if (!json_is_object(root))
		r = bad(&w, EINVAL, "is %s, not a JSON object", type_name(root));
	else
		r = parse_process(&w, root, p);
	json_decref(root);
	if (r < 0)
		oci_process_free(p);
	return r < 0 ? -1 : 0;
}

void oci_spec_free(struct oci_spec *s)
{
	if (!s)
		return;
	free(s->annotations);
	free(s->bundle);
	free(s->id);
	free(s->root);
	free(s->hostname);
	oci_process_free(&s->proc);
	for (size_t i = 0; i < s->nns; i++)
		free(s->ns[i].path);
	free(s->ns);
	free(s->uidmap);
	free(s->gidmap);
	for (size_t i = 0; i < s->nmounts; i++) {
		free(s->mounts[i].dest);
		free(s->mounts[i].type);
		free(s->mounts[i].source);
		free(s->mounts[i].data);
	}
	free(s->mounts);
	for (size_t i = 0; i < s->ndevices; i++)
		free(s->devices[i].path);
	free(s->devices);
	strv_free(s->masked);
	strv_free(s->readonly);
	for (size_t i = 0; i < s->nsysctls; i++) {
		free(s->sysctls[i].key);
		free(s->sysctls[i].value);
	}
	free(s->sysctls);
	free(s->cgroups_path);
	oci_resources_free(&s->res);
	free(s->seccomp);
	for (int k = 0; k < OCI_HOOK_KINDS; k++) {
		for (size_t i = 0; i < s->nhooks[k]; i++) {
			free(s->hooks[k][i].path);
			strv_free(s->hooks[k][i].args);
			strv_free(s->hooks[k][i].env);
		}
		free(s->hooks[k]);
	}
	free(s);
}
