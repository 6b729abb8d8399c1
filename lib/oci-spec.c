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
#include <limits.h>
#include <linux/capability.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "oci-json.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

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

static int parse_caps(struct oj_where *w, const json_t *o, struct oci_process *p)
{
	static const char *const sets[OCI_CAP_SETS] = {
		"bounding", "effective", "inheritable", "permitted", "ambient",
	};
	json_t *c, *a, *v;
	int r = oj_member(w, o, "capabilities", JSON_OBJECT, &c);
	size_t n, i;

	if (r <= 0)
		return r;
	p->caps_set = true;
	n = oj_enter(w, "capabilities", 0);
	for (int s = 0; s < OCI_CAP_SETS; s++) {
		size_t m;

		if ((r = oj_member(w, c, sets[s], JSON_ARRAY, &a)) < 0)
			return -1;
		if (r == 0)
			continue;
		m = oj_enter(w, sets[s], 0);
		json_array_foreach(a, i, v) {
			const char *name = json_string_value(v);
			size_t k = oj_enter(w, NULL, i);
			int cap;

			if (!name)
				return oj_bad(w, EINVAL, "is %s, not a string", oj_type_name(v));
			if (strncasecmp(name, "CAP_", 4) != 0)
				return oj_bad(w, EINVAL, "'%s' is not a capability (CAP_...)", name);
			/* As runc: a capability newer than we know is left out. */
			cap = oci_cap_number(name);
			if (cap >= 0)
				p->caps[s] |= 1ull << cap;
			oj_leave(w, k);
		}
		oj_leave(w, m);
	}
	oj_leave(w, n);
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

static int parse_rlimits(struct oj_where *w, const json_t *o, struct oci_process *p)
{
	json_t *a, *v;
	size_t n, i;
	int r = oj_member(w, o, "rlimits", JSON_ARRAY, &a);

	if (r <= 0)
		return r;
	p->rlimits = calloc(json_array_size(a) + 1, sizeof(*p->rlimits));
	if (!p->rlimits)
		return sj_fail(w->err, ENOMEM, "out of memory");
	n = oj_enter(w, "rlimits", 0);
	json_array_foreach(a, i, v) {
		struct oci_rlimit *rl = &p->rlimits[p->nrlimits];
		size_t m = oj_enter(w, NULL, i);
		SJ_AUTOFREE char *type = NULL;
		long long soft = 0, hard = 0;
		size_t k;

		if (!json_is_object(v))
			return oj_bad(w, EINVAL, "is %s, not an object", oj_type_name(v));
		if (oj_get_string(w, v, "type", &type) <= 0)
			return type ? -1 : oj_bad(w, EINVAL, "has no type");
		for (k = 0; k < SJ_NELEM(rlimit_names); k++)
			if (strcmp(type, rlimit_names[k].name) == 0)
				break;
		if (k == SJ_NELEM(rlimit_names))
			return oj_bad(w, EINVAL, "unknown rlimit type '%s'", type);
		/* JSON integers stop at 2^63-1; RLIM_INFINITY is 2^64-1. */
		if (oj_get_int(w, v, "soft", 0, LLONG_MAX, &soft) < 0 ||
		    oj_get_int(w, v, "hard", 0, LLONG_MAX, &hard) < 0)
			return -1;
		rl->resource = rlimit_names[k].resource;
		rl->soft = soft == LLONG_MAX ? RLIM_INFINITY : (rlim_t)soft;
		rl->hard = hard == LLONG_MAX ? RLIM_INFINITY : (rlim_t)hard;
		if (rl->soft > rl->hard)
			return oj_bad(w, EINVAL, "%s: soft limit %llu is above the hard limit %llu",
				   type, (unsigned long long)rl->soft,
				   (unsigned long long)rl->hard);
		p->nrlimits++;
		oj_leave(w, m);
	}
	oj_leave(w, n);
	return 1;
}

static int parse_user(struct oj_where *w, const json_t *o, struct oci_process *p)
{
	json_t *u, *a, *v;
	long long id = 0, mask = -1;
	size_t n, i;
	int r = oj_member(w, o, "user", JSON_OBJECT, &u);

	if (r <= 0)
		return r;
	n = oj_enter(w, "user", 0);
	if (oj_get_int(w, u, "uid", 0, UINT32_MAX - 1, &id) < 0)
		return -1;
	p->uid = (uid_t)id;
	id = 0;
	if (oj_get_int(w, u, "gid", 0, UINT32_MAX - 1, &id) < 0)
		return -1;
	p->gid = (gid_t)id;
	if (oj_get_int(w, u, "umask", 0, 0777, &mask) < 0)
		return -1;
	p->umask = (int)mask;
	if ((r = oj_member(w, u, "additionalGids", JSON_ARRAY, &a)) < 0)
		return -1;
	if (r > 0) {
		size_t m = oj_enter(w, "additionalGids", 0);

		p->groups = calloc(json_array_size(a) + 1, sizeof(*p->groups));
		if (!p->groups)
			return sj_fail(w->err, ENOMEM, "out of memory");
		json_array_foreach(a, i, v) {
			size_t k = oj_enter(w, NULL, i);

			if (!json_is_integer(v) || json_integer_value(v) < 0 ||
			    json_integer_value(v) >= UINT32_MAX)
				return oj_bad(w, EINVAL, "is not a group id");
			p->groups[p->ngroups++] = (gid_t)json_integer_value(v);
			oj_leave(w, k);
		}
		oj_leave(w, m);
	}
	if (json_object_get(u, "username"))
		return oj_bad(w, EINVAL, "username: is for Windows; give uid and gid");
	oj_leave(w, n);
	return 1;
}

static int parse_process(struct oj_where *w, const json_t *o, struct oci_process *p)
{
	json_t *c;
	long long v = 0;
	size_t n;
	int r;

	memset(p, 0, sizeof(*p));
	p->umask = -1;
	if (oj_get_strings(w, o, "args", false, &p->args) < 0)
		return -1;
	if (!p->args || !p->args[0]) {
		oj_enter(w, "args", 0);
		return oj_bad(w, EINVAL, "a process needs at least one argument");
	}
	if (oj_get_strings(w, o, "env", false, &p->env) < 0 || oj_get_string(w, o, "cwd", &p->cwd) < 0)
		return -1;
	n = oj_enter(w, "cwd", 0);
	if (!p->cwd)
		return oj_bad(w, EINVAL, "missing (the working directory, an absolute path)");
	if (p->cwd[0] != '/')
		return oj_bad(w, EINVAL, "'%s' is not an absolute path", p->cwd);
	oj_leave(w, n);
	if (oj_get_bool(w, o, "terminal", &p->terminal) < 0 ||
	    oj_get_bool(w, o, "noNewPrivileges", &p->nnp) < 0)
		return -1;
	if ((r = oj_member(w, o, "consoleSize", JSON_OBJECT, &c)) < 0)
		return -1;
	if (r > 0) {
		n = oj_enter(w, "consoleSize", 0);

		if (oj_get_int(w, c, "height", 0, 65535, &v) < 0)
			return -1;
		p->rows = (unsigned)v;
		v = 0;
		if (oj_get_int(w, c, "width", 0, 65535, &v) < 0)
			return -1;
		p->cols = (unsigned)v;
		oj_leave(w, n);
	}
	if ((r = oj_get_int(w, o, "oomScoreAdj", -1000, 1000, &v)) < 0)
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
	oj_strv_free(p->args);
	oj_strv_free(p->env);
	free(p->cwd);
	free(p->groups);
	free(p->rlimits);
	memset(p, 0, sizeof(*p));
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

static int parse_mount_options(struct oj_where *w, const json_t *o, struct oci_mount *m)
{
	json_t *a, *v;
	size_t n, i;
	int r = oj_member(w, o, "options", JSON_ARRAY, &a);

	if (r <= 0)
		return r;
	n = oj_enter(w, "options", 0);
	json_array_foreach(a, i, v) {
		const char *opt = json_string_value(v);
		size_t k;
		bool done = false;

		if (!opt) {
			oj_enter(w, NULL, i);
			return oj_bad(w, EINVAL, "is %s, not a string", oj_type_name(v));
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
		if (!done && oj_propagation(opt, &m->propagation) == 0)
			done = true;
		for (k = 0; !done && k < SJ_NELEM(mount_ignored); k++)
			done = strcmp(opt, mount_ignored[k]) == 0;
		if (!done && (strcmp(opt, "idmap") == 0 || strcmp(opt, "ridmap") == 0)) {
			oj_enter(w, NULL, i);
			return oj_bad(w, ENOTSUP, "idmapped mounts are not supported by sjrun yet");
		}
		if (!done && add_data(&m->data, opt, w->err) < 0)
			return -1;
	}
	oj_leave(w, n);
	return 1;
}

static int parse_mounts(struct oj_where *w, const json_t *root, struct oci_spec *s)
{
	json_t *a, *v;
	size_t n, i;
	int r = oj_member(w, root, "mounts", JSON_ARRAY, &a);

	if (r <= 0)
		return r;
	s->mounts = calloc(json_array_size(a) + 1, sizeof(*s->mounts));
	if (!s->mounts)
		return sj_fail(w->err, ENOMEM, "out of memory");
	n = oj_enter(w, "mounts", 0);
	json_array_foreach(a, i, v) {
		struct oci_mount *m = &s->mounts[s->nmounts];
		size_t k = oj_enter(w, NULL, i);

		if (!json_is_object(v))
			return oj_bad(w, EINVAL, "is %s, not an object", oj_type_name(v));
		s->nmounts++;
		if (oj_get_string(w, v, "destination", &m->dest) < 0 ||
		    oj_get_string(w, v, "type", &m->type) < 0 ||
		    oj_get_string(w, v, "source", &m->source) < 0 ||
		    parse_mount_options(w, v, m) < 0)
			return -1;
		if (!m->dest)
			return oj_bad(w, EINVAL, "destination: missing");
		if (m->dest[0] != '/')
			return oj_bad(w, EINVAL, "destination: '%s' is not an absolute path", m->dest);
		if (m->type && strcmp(m->type, "bind") == 0) {
			m->bind = true;
			free(m->type);
			m->type = NULL;
		}
		if (!m->bind && !m->type)
			return oj_bad(w, EINVAL, "type: missing (and no bind option)");
		if (m->bind && !m->source)
			return oj_bad(w, EINVAL, "source: a bind mount needs a source");
		/* A relative bind source is the bundle's, as runc reads it. */
		if (m->bind && m->source[0] != '/') {
			char *abs;

			if (asprintf(&abs, "%s/%s", s->bundle, m->source) < 0)
				return sj_fail(w->err, ENOMEM, "out of memory");
			free(m->source);
			m->source = abs;
		}
		oj_leave(w, k);
	}
	oj_leave(w, n);
	return 1;
}

/* ---- hooks --------------------------------------------------------- */

static int parse_hooks(struct oj_where *w, const json_t *root, struct oci_spec *s)
{
	static const char *const kinds[OCI_HOOK_KINDS] = {
		"prestart", "createRuntime", "createContainer", "startContainer", "poststart",
		"poststop",
	};
	json_t *hooks, *a, *v;
	size_t n, i;
	int r = oj_member(w, root, "hooks", JSON_OBJECT, &hooks);

	if (r <= 0)
		return r;
	n = oj_enter(w, "hooks", 0);
	for (int k = 0; k < OCI_HOOK_KINDS; k++) {
		size_t m;

		if ((r = oj_member(w, hooks, kinds[k], JSON_ARRAY, &a)) < 0)
			return -1;
		if (r == 0)
			continue;
		s->hooks[k] = calloc(json_array_size(a) + 1, sizeof(*s->hooks[k]));
		if (!s->hooks[k])
			return sj_fail(w->err, ENOMEM, "out of memory");
		m = oj_enter(w, kinds[k], 0);
		json_array_foreach(a, i, v) {
			struct oci_hook *h = &s->hooks[k][s->nhooks[k]];
			size_t q = oj_enter(w, NULL, i);
			long long timeout = 0;

			if (!json_is_object(v))
				return oj_bad(w, EINVAL, "is %s, not an object", oj_type_name(v));
			s->nhooks[k]++;
			if (oj_get_string(w, v, "path", &h->path) < 0 ||
			    oj_get_strings(w, v, "args", false, &h->args) < 0 ||
			    oj_get_strings(w, v, "env", false, &h->env) < 0 ||
			    oj_get_int(w, v, "timeout", 1, INT32_MAX, &timeout) < 0)
				return -1;
			if (!h->path || h->path[0] != '/')
				return oj_bad(w, EINVAL, "path: '%s' is not an absolute path",
					   h->path ? h->path : "");
			h->timeout = (int)timeout;
			oj_leave(w, q);
		}
		oj_leave(w, m);
	}
	oj_leave(w, n);
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

static int parse_root(struct oj_where *w, const json_t *root, struct oci_spec *s)
{
	json_t *o;
	SJ_AUTOFREE char *path = NULL;
	struct stat st;
	size_t n;

	if (oj_member(w, root, "root", JSON_OBJECT, &o) < 0)
		return -1;
	if (!o)
		return oj_bad(w, EINVAL, "root: missing (the container's root file system)");
	n = oj_enter(w, "root", 0);
	if (oj_get_string(w, o, "path", &path) < 0 || oj_get_bool(w, o, "readonly", &s->root_readonly) < 0)
		return -1;
	if (!path || !*path)
		return oj_bad(w, EINVAL, "path: missing");
	if (path[0] == '/')
		s->root = strdup(path);
	else if (asprintf(&s->root, "%s/%s", s->bundle, path) < 0)
		s->root = NULL;
	if (!s->root)
		return sj_fail(w->err, ENOMEM, "out of memory");
	if (stat(s->root, &st) < 0)
		return oj_bad(w, errno, "path: %s: %s", s->root, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return oj_bad(w, ENOTDIR, "path: %s is not a directory", s->root);
	oj_leave(w, n);
	return 0;
}

static int parse_spec(struct oj_where *w, const json_t *root, struct oci_spec *s)
{
	SJ_AUTOFREE char *version = NULL;
	json_t *p;

	if (!json_is_object(root))
		return oj_bad(w, EINVAL, "is %s, not a JSON object", oj_type_name(root));
	if (oj_get_string(w, root, "ociVersion", &version) < 0)
		return -1;
	if (!version)
		return oj_bad(w, EINVAL, "ociVersion: missing");
	if (strncmp(version, "1.", 2) != 0)
		return oj_bad(w, EINVAL, "ociVersion: '%s' is not a version 1 specification", version);
	if (parse_root(w, root, s) < 0 || oj_get_string(w, root, "hostname", &s->hostname) < 0)
		return -1;
	if (oj_member(w, root, "process", JSON_OBJECT, &p) < 0)
		return -1;
	if (!p)
		return oj_bad(w, EINVAL, "process: missing (sjrun runs a process in every container)");
	{
		size_t n = oj_enter(w, "process", 0);

		if (parse_process(w, p, &s->proc) < 0)
			return -1;
		oj_leave(w, n);
	}
	if (oj_member(w, root, "annotations", JSON_OBJECT, &p) < 0)
		return -1;
	if (p && !(s->annotations = json_dumps(p, JSON_COMPACT)))
		return sj_fail(w->err, ENOMEM, "out of memory");
	if (parse_mounts(w, root, s) < 0 || oj_parse_linux(w, root, s) < 0 ||
	    parse_hooks(w, root, s) < 0)
		return -1;
	if (!oci_spec_has_ns(s, CLONE_NEWNS))
		return oj_bad(w, EINVAL, "linux.namespaces: sjrun needs a mount namespace "
			   "(the container's root is entered with pivot_root)");
	if (s->hostname && *s->hostname && !oci_spec_ns_new(s, CLONE_NEWUTS))
		return oj_bad(w, EINVAL, "hostname: needs a new uts namespace");
	return 0;
}

bool oci_spec_ns_new(const struct oci_spec *s, int type)
{
	for (size_t i = 0; i < s->nns; i++)
		if (s->ns[i].type == type)
			return !s->ns[i].path;
	return false;
}

/* Parse the JSON ROOT of BUNDLE's config.json (ROOT is consumed). */
static int load_root(const char *bundle, const char *id, json_t *root, struct oci_spec **out,
		     sj_error *err)
{
	struct oj_where w = { .file = "config.json", .err = err };
	struct oci_spec *s;
	int r;

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

/* Load BUNDLE/config.json for container ID into *OUT. */
int oci_spec_load(const char *bundle, const char *id, struct oci_spec **out, sj_error *err)
{
	char path[PATH_MAX];
	json_error_t je;
	json_t *root;

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
	return load_root(bundle, id, root, out, err);
}

/* The same from TEXT in memory (fuzz/fuzz-oci.c). */
int oci_spec_loadb(const char *bundle, const char *id, const char *text, size_t len,
		   struct oci_spec **out, sj_error *err)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);

	*out = NULL;
	if (!root)
		return sj_fail(err, EINVAL, "config.json: line %d, column %d: %s", je.line,
			       je.column, je.text);
	return load_root(bundle, id, root, out, err);
}

/* exec --process FILE: one process object. */
int oci_process_load(const char *path, struct oci_process *p, sj_error *err)
{
	struct oj_where w = { .file = path, .err = err };
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
		r = oj_bad(&w, EINVAL, "is %s, not a JSON object", oj_type_name(root));
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
	oj_strv_free(s->masked);
	oj_strv_free(s->readonly);
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
			oj_strv_free(s->hooks[k][i].args);
			oj_strv_free(s->hooks[k][i].env);
		}
		free(s->hooks[k]);
	}
	free(s);
}
