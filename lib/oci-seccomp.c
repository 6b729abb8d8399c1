/*
 * oci-seccomp.c: linux.seccomp, the OCI profile, compiled through
 * libseccomp into the BPF that seccomp.c installs and caches.
 *
 * The profile is the filter: sysjail's own policy is not added to it,
 * so a container sees exactly what its front end asked for.  As runc:
 * syscalls this libseccomp does not know are left out; conditions on
 * the same argument are separate rules (libseccomp ANDs the conditions
 * of one rule, and allows one condition per argument); a rule whose
 * action is the default adds nothing.  SCMP_ACT_NOTIFY needs a listener
 * sjrun does not run: refused, naming the rule.
 *
 * The compiled filter is cached under the runtime directory, keyed by
 * the profile's text, so a front end that starts the same profile again
 * pays for libseccomp once (Podman's default profile compiles in about
 * 10 ms here).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jansson.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>

#include "oci.h"

static const struct {
	const char *name;
	uint32_t arch;
} arches[] = {
	{ "SCMP_ARCH_X86", SCMP_ARCH_X86 }, { "SCMP_ARCH_X86_64", SCMP_ARCH_X86_64 },
	{ "SCMP_ARCH_X32", SCMP_ARCH_X32 }, { "SCMP_ARCH_ARM", SCMP_ARCH_ARM },
	{ "SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64 }, { "SCMP_ARCH_MIPS", SCMP_ARCH_MIPS },
	{ "SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64 }, { "SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32 },
	{ "SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL }, { "SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64 },
	{ "SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32 }, { "SCMP_ARCH_PPC", SCMP_ARCH_PPC },
	{ "SCMP_ARCH_PPC64", SCMP_ARCH_PPC64 }, { "SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE },
	{ "SCMP_ARCH_S390", SCMP_ARCH_S390 }, { "SCMP_ARCH_S390X", SCMP_ARCH_S390X },
	{ "SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64 },
};

static const struct {
	const char *name;
	enum scmp_compare op;
} ops[] = {
	{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
	{ "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
	{ "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
	{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

/* An action by name, with ERRNO's value from RET (-1: EPERM). */
static int action(const char *name, json_int_t ret, uint32_t *out)
{
	int e = ret >= 0 ? (int)ret : EPERM;

	if (!strcmp(name, "SCMP_ACT_ALLOW"))
		*out = SCMP_ACT_ALLOW;
	else if (!strcmp(name, "SCMP_ACT_ERRNO"))
		*out = SCMP_ACT_ERRNO((uint16_t)e);
	else if (!strcmp(name, "SCMP_ACT_KILL") || !strcmp(name, "SCMP_ACT_KILL_THREAD"))
		*out = SCMP_ACT_KILL_THREAD;
	else if (!strcmp(name, "SCMP_ACT_KILL_PROCESS"))
		*out = SCMP_ACT_KILL_PROCESS;
	else if (!strcmp(name, "SCMP_ACT_TRAP"))
		*out = SCMP_ACT_TRAP;
	else if (!strcmp(name, "SCMP_ACT_TRACE"))
		*out = SCMP_ACT_TRACE((uint16_t)e);
	else if (!strcmp(name, "SCMP_ACT_LOG"))
		*out = SCMP_ACT_LOG;
	else
		return -1;
	return 0;
}

static json_int_t errno_ret(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? json_integer_value(v) : -1;
}

/* The conditions of rule R, into ARGS; how many, or -1. */
static int conditions(const json_t *r, struct scmp_arg_cmp *args, bool *same_arg, char *why,
		      size_t len)
{
	const json_t *a = json_object_get(r, "args"), *c;
	size_t i;
	unsigned seen = 0;

	*same_arg = false;
	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a) || json_array_size(a) > 6) {
		snprintf(why, len, "args: at most 6 conditions");
		return -1;
	}
	json_array_foreach(a, i, c) {
		const char *op = json_string_value(json_object_get(c, "op"));
		const json_t *idx = json_object_get(c, "index");
		size_t k;

		for (k = 0; op && k < SJ_NELEM(ops); k++)
			if (!strcmp(op, ops[k].name))
				break;
		if (!op || k == SJ_NELEM(ops) || !json_is_integer(idx) ||
		    json_integer_value(idx) < 0 || json_integer_value(idx) > 5) {
			snprintf(why, len, "args[%zu]: needs an index (0-5) and an op (SCMP_CMP_*)",
				 i);
			return -1;
		}
		args[i] = (struct scmp_arg_cmp){
			.arg = (unsigned)json_integer_value(idx),
			.op = ops[k].op,
			.datum_a = (scmp_datum_t)json_integer_value(json_object_get(c, "value")),
			.datum_b = (scmp_datum_t)json_integer_value(json_object_get(c, "valueTwo")),
		};
		if (seen & (1u << args[i].arg))
			*same_arg = true;
		seen |= 1u << args[i].arg;
	}
	return (int)i;
}

static int add_rule(scmp_filter_ctx ctx, uint32_t def, const json_t *r, size_t ri, sj_error *err)
{
	const json_t *names = json_object_get(r, "names"), *nm;
	const char *act_name = json_string_value(json_object_get(r, "action"));
	struct scmp_arg_cmp args[6];
	uint32_t act;
	char why[128];
	bool same;
	int nargs;
	size_t i;

	if (!json_is_array(names) && json_is_string(json_object_get(r, "name")))
		names = NULL;
	if (!act_name || action(act_name, errno_ret(r, "errnoRet"), &act) < 0)
		return sj_fail(err, EINVAL, "syscalls[%zu].action: '%s' is not an action sjrun "
			       "can compile", ri, act_name ? act_name : "");
	if (act == def)
		return 0;
	nargs = conditions(r, args, &same, why, sizeof(why));
	if (nargs < 0)
		return sj_fail(err, EINVAL, "syscalls[%zu].%s", ri, why);
	for (i = 0; names ? i < json_array_size(names) : i < 1; i++) {
		const char *name;
		int nr, rc = 0;

		nm = names ? json_array_get(names, i) : json_object_get(r, "name");
		name = json_string_value(nm);
		if (!name)
			return sj_fail(err, EINVAL, "syscalls[%zu].names[%zu]: not a string", ri, i);
		nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR)
			continue;
		if (!same) {
			rc = seccomp_rule_add_array(ctx, act, nr, (unsigned)nargs, args);
		} else {
			for (int a = 0; rc == 0 && a < nargs; a++)
				rc = seccomp_rule_add_array(ctx, act, nr, 1, &args[a]);
		}
		if (rc < 0)
			return sj_fail(err, -rc, "syscalls[%zu]: %s: %s", ri, name, strerror(-rc));
	}
	return 0;
}

static int compile(const json_t *p, struct sj_bpf *out, sj_error *err)
{
	const char *defname = json_string_value(json_object_get(p, "defaultAction"));
	const json_t *a, *v;
	scmp_filter_ctx ctx;
	uint32_t def;
	size_t i;
	int r = -1;

	if (!defname || action(defname, errno_ret(p, "defaultErrnoRet"), &def) < 0)
		return sj_fail(err, EINVAL, "defaultAction: '%s' is not an action sjrun can "
			       "compile", defname ? defname : "");
	ctx = seccomp_init(def);
	if (!ctx)
		return sj_fail(err, ENOMEM, "libseccomp: cannot make a filter");
	a = json_object_get(p, "architectures");
	json_array_foreach(a, i, v) {
		const char *name = json_string_value(v);
		size_t k;
		int rc;

		for (k = 0; name && k < SJ_NELEM(arches); k++)
			if (!strcmp(name, arches[k].name))
				break;
		if (!name || k == SJ_NELEM(arches)) {
			sj_fail(err, EINVAL, "architectures[%zu]: unknown '%s'", i, name ? name : "");
			goto out;
		}
		rc = seccomp_arch_add(ctx, arches[k].arch);
		if (rc < 0 && rc != -EEXIST) {
			sj_fail(err, -rc, "architectures[%zu]: %s: %s", i, name, strerror(-rc));
			goto out;
		}
	}
	a = json_object_get(p, "syscalls");
	json_array_foreach(a, i, v)
		if (add_rule(ctx, def, v, i, err) < 0)
			goto out;
	if (sc_export_bpf(ctx, &out->prog[0], err) < 0)
		goto out;
	out->nprog = 1;
	r = 0;
out:
	seccomp_release(ctx);
	return r;
}

int oci_seccomp_prepare(struct sj_jail *j, sj_error *err)
{
	const char *text;
	SJ_AUTOFREE char *key = NULL;
	const struct scmp_version *v = seccomp_version();
	json_error_t je;
	json_t *p;
	int len, r;

	sc_release(j);
	if (!j->oci || !j->oci->spec || !(text = j->oci->spec->seccomp))
		return 0;
	len = asprintf(&key, "sjrun seccomp %s %u.%u.%u %u\n%s", SJ_VERSION, v->major, v->minor,
		       v->micro, seccomp_arch_native(), text);
	if (len < 0)
		return sj_fail(err, ENOMEM, "out of memory");
	if (sc_cache_lookup(j->reg.dirfd, key, (size_t)len, &j->bpf))
		return 0;
	p = json_loads(text, 0, &je);
	if (!p)
		return sj_fail(err, EINVAL, "linux.seccomp: %s", je.text);
	r = compile(p, &j->bpf, err);
	json_decref(p);
	if (r < 0) {
		sc_release(j);
		sj_error_prefix(err, "config.json: linux.seccomp");
		return -1;
	}
	sc_cache_save(j->reg.dirfd, key, (size_t)len, &j->bpf);
	return 0;
}

/* linux.seccomp.flags, as seccomp(2) takes them. */
unsigned oci_seccomp_flags(const struct sj_jail *j)
{
	json_t *p = j->oci->spec->seccomp ? json_loads(j->oci->spec->seccomp, 0, NULL) : NULL;
	const json_t *v;
	unsigned flags = 0;
	size_t i;

	json_array_foreach(json_object_get(p, "flags"), i, v) {
		const char *f = json_string_value(v);

		if (f && !strcmp(f, "SECCOMP_FILTER_FLAG_LOG"))
			flags |= SECCOMP_FILTER_FLAG_LOG;
		else if (f && !strcmp(f, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"))
			flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
	}
	json_decref(p);
	return flags;
}
