/*
 * oci-linux.c: config.json's "linux" object -- namespaces, id maps,
 * devices, resources, sysctls, masked and read-only paths, cgroupsPath,
 * rootfsPropagation, seccomp (kept as JSON for oci-seccomp.c) -- and the
 * LinuxResources of `sjrun update`.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
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
static const struct {
	const char *name;
	int flag;
} ns_types[] = {
	{ "pid", CLONE_NEWPID }, { "network", CLONE_NEWNET }, { "mount", CLONE_NEWNS },
	{ "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS }, { "user", CLONE_NEWUSER },
	{ "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

static int parse_namespaces(struct oj_where *w, const json_t *lx, struct oci_spec *s)
{
	json_t *a, *v;
	size_t n, i;
	int r = oj_member(w, lx, "namespaces", JSON_ARRAY, &a);

	if (r <= 0)
		return r;
	s->ns = calloc(json_array_size(a) + 1, sizeof(*s->ns));
	if (!s->ns)
		return sj_fail(w->err, ENOMEM, "out of memory");
	n = oj_enter(w, "namespaces", 0);
	json_array_foreach(a, i, v) {
		struct oci_ns *ns = &s->ns[s->nns];
		size_t m = oj_enter(w, NULL, i), k;
		SJ_AUTOFREE char *type = NULL;

		if (!json_is_object(v))
			return oj_bad(w, EINVAL, "is %s, not an object", oj_type_name(v));
		if (oj_get_string(w, v, "type", &type) <= 0)
			return type ? -1 : oj_bad(w, EINVAL, "has no type");
		for (k = 0; k < SJ_NELEM(ns_types); k++)
			if (strcmp(type, ns_types[k].name) == 0)
				break;
		if (k == SJ_NELEM(ns_types))
			return oj_bad(w, EINVAL, "unknown namespace type '%s' (pid, network, mount, "
				   "ipc, uts, user, cgroup, time)", type);
		for (size_t d = 0; d < s->nns; d++)
			if (s->ns[d].type == ns_types[k].flag)
				return oj_bad(w, EINVAL, "namespace '%s' is given twice", type);
		ns->type = ns_types[k].flag;
		if (oj_get_string(w, v, "path", &ns->path) < 0)
			return -1;
		s->nns++;
		if (ns->path && ns->path[0] != '/')
			return oj_bad(w, EINVAL, "path: '%s' is not an absolute path", ns->path);
		oj_leave(w, m);
	}
	oj_leave(w, n);
	return 1;
}

static int parse_idmaps(struct oj_where *w, const json_t *lx, const char *key,
			struct oci_idmap **out, size_t *count)
{
	json_t *a, *v;
	size_t n, i;
	int r = oj_member(w, lx, key, JSON_ARRAY, &a);

	if (r <= 0)
		return r;
	*out = calloc(json_array_size(a) + 1, sizeof(**out));
	if (!*out)
		return sj_fail(w->err, ENOMEM, "out of memory");
	n = oj_enter(w, key, 0);
	json_array_foreach(a, i, v) {
		size_t m = oj_enter(w, NULL, i);
		long long in = -1, outid = -1, size = -1;

		if (!json_is_object(v))
			return oj_bad(w, EINVAL, "is %s, not an object", oj_type_name(v));
		if (oj_get_int(w, v, "containerID", 0, UINT32_MAX - 1, &in) < 0 ||
		    oj_get_int(w, v, "hostID", 0, UINT32_MAX - 1, &outid) < 0 ||
		    oj_get_int(w, v, "size", 1, UINT32_MAX, &size) < 0)
			return -1;
		if (in < 0 || outid < 0 || size < 0)
			return oj_bad(w, EINVAL, "needs containerID, hostID and size");
		(*out)[(*count)++] = (struct oci_idmap){ (uint32_t)in, (uint32_t)outid,
							 (uint32_t)size };
		oj_leave(w, m);
	}
	oj_leave(w, n);
	return 1;
}

static int parse_devices(struct oj_where *w, const json_t *lx, struct oci_spec *s)
{
	json_t *a, *v;
	size_t n, i;
	int r = oj_member(w, lx, "devices", JSON_ARRAY, &a);

	if (r <= 0)
		return r;
	s->devices = calloc(json_array_size(a) + 1, sizeof(*s->devices));
	if (!s->devices)
		return sj_fail(w->err, ENOMEM, "out of memory");
	n = oj_enter(w, "devices", 0);
	json_array_foreach(a, i, v) {
		struct oci_device *d = &s->devices[s->ndevices];
		size_t m = oj_enter(w, NULL, i);
		SJ_AUTOFREE char *type = NULL;
		long long maj = 0, min = 0, mode = 0666, uid = 0, gid = 0;

		if (!json_is_object(v))
			return oj_bad(w, EINVAL, "is %s, not an object", oj_type_name(v));
		if (oj_get_string(w, v, "path", &d->path) < 0 || oj_get_string(w, v, "type", &type) < 0)
			return -1;
		s->ndevices++;
		if (!d->path || d->path[0] != '/')
			return oj_bad(w, EINVAL, "path: '%s' is not an absolute path",
				   d->path ? d->path : "");
		if (!type || strlen(type) != 1 || !strchr("cbup", type[0]))
			return oj_bad(w, EINVAL, "type: '%s' is not c, b, u or p", type ? type : "");
		d->type = type[0];
		if (oj_get_int(w, v, "major", 0, 4095, &maj) < 0 ||
		    oj_get_int(w, v, "minor", 0, 1048575, &min) < 0 ||
		    oj_get_int(w, v, "fileMode", 0, 07777, &mode) < 0 ||
		    oj_get_int(w, v, "uid", 0, UINT32_MAX - 1, &uid) < 0 ||
		    oj_get_int(w, v, "gid", 0, UINT32_MAX - 1, &gid) < 0)
			return -1;
		d->major = (unsigned)maj;
		d->minor = (unsigned)min;
		d->mode = (unsigned)mode;
		d->uid = (uid_t)uid;
		d->gid = (gid_t)gid;
		oj_leave(w, m);
	}
	oj_leave(w, n);
	return 1;
}

static int parse_devrules(struct oj_where *w, const json_t *res, struct oci_resources *r)
{
	json_t *a, *v;
	size_t n, i;
	int found = oj_member(w, res, "devices", JSON_ARRAY, &a);

	if (found <= 0)
		return found;
	r->devices_set = true;
	r->devices = calloc(json_array_size(a) + 1, sizeof(*r->devices));
	if (!r->devices)
		return sj_fail(w->err, ENOMEM, "out of memory");
	n = oj_enter(w, "devices", 0);
	json_array_foreach(a, i, v) {
		struct oci_devrule *d = &r->devices[r->ndevices];
		size_t m = oj_enter(w, NULL, i);
		SJ_AUTOFREE char *type = NULL, *access = NULL;

		if (!json_is_object(v))
			return oj_bad(w, EINVAL, "is %s, not an object", oj_type_name(v));
		d->major = d->minor = -1;
		if (oj_get_bool(w, v, "allow", &d->allow) < 0 || oj_get_string(w, v, "type", &type) < 0 ||
		    oj_get_string(w, v, "access", &access) < 0 ||
		    oj_get_int(w, v, "major", -1, 4095, &d->major) < 0 ||
		    oj_get_int(w, v, "minor", -1, 1048575, &d->minor) < 0)
			return -1;
		if (!json_is_boolean(json_object_get(v, "allow")))
			return oj_bad(w, EINVAL, "allow: missing");
		d->type = type ? type[0] : 'a';
		if ((type && strlen(type) != 1) || !strchr("acb", d->type))
			return oj_bad(w, EINVAL, "type: '%s' is not a, c or b", type);
		snprintf(d->access, sizeof(d->access), "%s", access ? access : "rwm");
		if (access && (strlen(access) > 3 || strspn(access, "rwm") != strlen(access)))
			return oj_bad(w, EINVAL, "access: '%s' is not made of r, w and m", access);
		r->ndevices++;
		oj_leave(w, m);
	}
	oj_leave(w, n);
	return 1;
}

/* linux.resources: memory, pids, cpu, devices (others ignored). */
static int parse_resources(struct oj_where *w, const json_t *res, struct oci_resources *r)
{
	json_t *o;
	size_t n;

	r->memory = r->memory_swap = r->memory_reservation = OCI_UNSET;
	r->pids = r->cpu_shares = r->cpu_quota = r->cpu_period = OCI_UNSET;
	if (oj_member(w, res, "memory", JSON_OBJECT, &o) < 0)
		return -1;
	n = oj_enter(w, "memory", 0);
	if (o && (oj_get_int(w, o, "limit", -1, LLONG_MAX, &r->memory) < 0 ||
		  oj_get_int(w, o, "swap", -1, LLONG_MAX, &r->memory_swap) < 0 ||
		  oj_get_int(w, o, "reservation", -1, LLONG_MAX, &r->memory_reservation) < 0))
		return -1;
	oj_leave(w, n);
	if (oj_member(w, res, "pids", JSON_OBJECT, &o) < 0)
		return -1;
	n = oj_enter(w, "pids", 0);
	if (o && oj_get_int(w, o, "limit", LLONG_MIN, LLONG_MAX, &r->pids) < 0)
		return -1;
	/* runc: 0 or less is no limit. */
	if (r->pids != OCI_UNSET && r->pids <= 0)
		r->pids = OCI_MAX;
	oj_leave(w, n);
	if (oj_member(w, res, "cpu", JSON_OBJECT, &o) < 0)
		return -1;
	n = oj_enter(w, "cpu", 0);
	if (o && (oj_get_int(w, o, "shares", 0, 262144, &r->cpu_shares) < 0 ||
		  oj_get_int(w, o, "quota", -1, LLONG_MAX, &r->cpu_quota) < 0 ||
		  oj_get_int(w, o, "period", 0, 1000000, &r->cpu_period) < 0 ||
		  oj_get_string(w, o, "cpus", &r->cpus) < 0 || oj_get_string(w, o, "mems", &r->mems) < 0))
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
	oj_leave(w, n);
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
	struct oj_where w = { .file = "resources", .err = err };
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

static int parse_sysctl(struct oj_where *w, const json_t *lx, struct oci_spec *s)
{
	const char *key;
	json_t *o, *v;
	size_t n;
	int r = oj_member(w, lx, "sysctl", JSON_OBJECT, &o);

	if (r <= 0)
		return r;
	s->sysctls = calloc(json_object_size(o) + 1, sizeof(*s->sysctls));
	if (!s->sysctls)
		return sj_fail(w->err, ENOMEM, "out of memory");
	n = oj_enter(w, "sysctl", 0);
	json_object_foreach(o, key, v) {
		struct oci_sysctl *sc = &s->sysctls[s->nsysctls];

		if (!json_is_string(v))
			return oj_bad(w, EINVAL, "%s: is %s, not a string", key, oj_type_name(v));
		if (!*key || strstr(key, "..") || strchr(key, '/') || key[0] == '.')
			return oj_bad(w, EINVAL, "'%s' is not a sysctl name", key);
		sc->key = strdup(key);
		sc->value = strdup(json_string_value(v));
		s->nsysctls++;
		if (!sc->key || !sc->value)
			return sj_fail(w->err, ENOMEM, "out of memory");
	}
	oj_leave(w, n);
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

/* The MS_* flags of propagation NAME ("rprivate"); -1 if it is none. */
int oj_propagation(const char *name, unsigned long *out)
{
	for (size_t k = 0; k < SJ_NELEM(propagations); k++)
		if (strcmp(name, propagations[k].name) == 0) {
			*out = propagations[k].flag;
			return 0;
		}
	return -1;
}

int oj_parse_linux(struct oj_where *w, const json_t *root, struct oci_spec *s)
{
	json_t *lx, *res;
	SJ_AUTOFREE char *prop = NULL;
	size_t n;
	int r = oj_member(w, root, "linux", JSON_OBJECT, &lx);

	if (r < 0)
		return -1;
	n = oj_enter(w, "linux", 0);
	if (parse_namespaces(w, lx, s) < 0 ||
	    parse_idmaps(w, lx, "uidMappings", &s->uidmap, &s->nuidmap) < 0 ||
	    parse_idmaps(w, lx, "gidMappings", &s->gidmap, &s->ngidmap) < 0 ||
	    parse_devices(w, lx, s) < 0 || parse_sysctl(w, lx, s) < 0 ||
	    oj_get_strings(w, lx, "maskedPaths", true, &s->masked) < 0 ||
	    oj_get_strings(w, lx, "readonlyPaths", true, &s->readonly) < 0 ||
	    oj_get_string(w, lx, "cgroupsPath", &s->cgroups_path) < 0 ||
	    oj_get_string(w, lx, "rootfsPropagation", &prop) < 0)
		return -1;
	if (oj_member(w, lx, "resources", JSON_OBJECT, &res) < 0)
		return -1;
	{
		size_t m = oj_enter(w, "resources", 0);

		if (parse_resources(w, res, &s->res) < 0)
			return -1;
		oj_leave(w, m);
	}
	if (prop) {
		size_t k;

		for (k = 0; k < SJ_NELEM(propagations); k++)
			if (strcmp(prop, propagations[k].name) == 0)
				break;
		if (k == SJ_NELEM(propagations))
			return oj_bad(w, EINVAL, "rootfsPropagation: unknown propagation '%s'", prop);
		s->rootfs_propagation = propagations[k].flag;
	}
	if (json_object_get(lx, "seccomp")) {
		json_t *sc;

		if (oj_member(w, lx, "seccomp", JSON_OBJECT, &sc) < 0)
			return -1;
		if (sc && !(s->seccomp = json_dumps(sc, JSON_COMPACT | JSON_SORT_KEYS)))
			return sj_fail(w->err, ENOMEM, "out of memory");
	}
	if ((s->nuidmap || s->ngidmap) && !oci_spec_has_ns(s, CLONE_NEWUSER))
		return oj_bad(w, EINVAL, "uidMappings: given without a user namespace");
	oj_leave(w, n);
	return 0;
}
