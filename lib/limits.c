/*
 * limits.c: the values of the resource-limit parameters, and rlimits.
 *
 * A limit is a number or "unlimited".  Sizes are bytes, or a number
 * followed by K, M, G or T, binary multiples in either case as FreeBSD's
 * rctl(8) and expand_number(3) read them, with an optional "iB": 64M and
 * 64MiB are 67108864 bytes.  Anything else is refused, not guessed:
 * "64MB" could mean 64000000 or 67108864, "1.5G" and "64 M" are typos.
 * Every value is printed back as a plain number (or "unlimited"), which
 * reads again the same: the registry and jls -s round-trip through it.
 *
 * The cgroup limits (sysjail.memory, .memory_swap, .maxproc, .cpu_weight,
 * .cpu_quota) are applied by cgroup.c.  The rlimits (sysjail.rlimit.NAME,
 * each "N" or "SOFT:HARD") are set here, by the jail's init before it
 * starts the command and by jexec's attacher before it starts its own,
 * so that every process of the jail inherits them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "sj-private.h"

#define MIB (1LL << 20)

enum unit {
	U_BYTES,			/* a size: K, M, G, T allowed */
	U_NUMBER,			/* a plain number */
};

/* Each limit parameter, by its name in params.c's table. */
static const struct limit_def {
	const char *name;
	enum unit unit;
	long long min, max;		/* the numbers allowed */
	bool unlimited;			/* "unlimited" allowed */
	int resource;			/* RLIMIT_*, or -1: a cgroup limit */
	const char *why_min;		/* why MIN, when it is not 0 */
} defs[] = {
	{ "sysjail.memory", U_BYTES, MIB, INT64_MAX, true, -1, NULL },
	{ "sysjail.memory_swap", U_BYTES, 0, INT64_MAX, true, -1, NULL },
	{ "sysjail.maxproc", U_NUMBER, 2, INT32_MAX, true, -1,
	  "the jail's init and its command are two" },
	{ "sysjail.cpu_weight", U_NUMBER, 1, 10000, false, -1, "weights run from 1 to 10000" },
	{ "sysjail.cpu_quota", U_NUMBER, 1, 100000, true, -1,
	  "a percentage of one CPU, from 1 (the kernel's least quota)" },
	{ "sysjail.rlimit.as", U_BYTES, 0, INT64_MAX, true, RLIMIT_AS, NULL },
	{ "sysjail.rlimit.core", U_BYTES, 0, INT64_MAX, true, RLIMIT_CORE, NULL },
	{ "sysjail.rlimit.cpu", U_NUMBER, 0, INT64_MAX, true, RLIMIT_CPU, NULL },
	{ "sysjail.rlimit.data", U_BYTES, 0, INT64_MAX, true, RLIMIT_DATA, NULL },
	{ "sysjail.rlimit.fsize", U_BYTES, 0, INT64_MAX, true, RLIMIT_FSIZE, NULL },
	{ "sysjail.rlimit.locks", U_NUMBER, 0, INT64_MAX, true, RLIMIT_LOCKS, NULL },
	{ "sysjail.rlimit.memlock", U_BYTES, 0, INT64_MAX, true, RLIMIT_MEMLOCK, NULL },
	{ "sysjail.rlimit.msgqueue", U_BYTES, 0, INT64_MAX, true, RLIMIT_MSGQUEUE, NULL },
	{ "sysjail.rlimit.nice", U_NUMBER, 0, 40, false, RLIMIT_NICE, NULL },
	{ "sysjail.rlimit.nofile", U_NUMBER, 0, INT32_MAX, true, RLIMIT_NOFILE, NULL },
	{ "sysjail.rlimit.nproc", U_NUMBER, 0, INT64_MAX, true, RLIMIT_NPROC, NULL },
	{ "sysjail.rlimit.rtprio", U_NUMBER, 0, 99, false, RLIMIT_RTPRIO, NULL },
	{ "sysjail.rlimit.rttime", U_NUMBER, 0, INT64_MAX, true, RLIMIT_RTTIME, NULL },
	{ "sysjail.rlimit.sigpending", U_NUMBER, 0, INT64_MAX, true, RLIMIT_SIGPENDING, NULL },
	{ "sysjail.rlimit.stack", U_BYTES, 0, INT64_MAX, true, RLIMIT_STACK, NULL },
};

static const struct limit_def *def_of(const char *name)
{
	for (size_t i = 0; i < SJ_NELEM(defs); i++)
		if (strcmp(defs[i].name, name) == 0)
			return &defs[i];
	return NULL;
}

/* The multiplier of unit suffix S ("", "K", "MiB", ...), 0 if it is none. */
static long long multiplier(const char *s)
{
	static const char units[] = "kmgt";

	if (!*s)
		return 1;
	for (int i = 0; i < 4; i++)
		if ((s[0] == units[i] || s[0] == units[i] - 'a' + 'A') &&
		    (!s[1] || strcmp(s + 1, "iB") == 0))
			return 1LL << (10 * (i + 1));
	return 0;
}

/* Refuse N (times MUL) below D's least value, saying why. */
static int below_min(const struct limit_def *d, const char *text, long long mul, sj_error *err)
{
	char least[32];

	if (d->unit == U_NUMBER)
		return sj_fail(err, EINVAL, "'%s' is below %lld: %s", text, d->min, d->why_min);
	lim_human(d->min, least, sizeof(least));
	return sj_fail(err, EINVAL, "'%s' is below %s%s%s%s", text, least,
		       mul == 1 ? " (a number without a unit is bytes: did you mean " : "",
		       mul == 1 ? text : "", mul == 1 ? "M?)" : "");
}

/* One number of limit D: its value, or -1 for "unlimited". */
static int parse_one(const struct limit_def *d, const char *text, long long *out, sj_error *err)
{
	unsigned long long n;
	long long mul = 1;
	char *end;

	if (strcmp(text, "unlimited") == 0) {
		if (!d->unlimited)
			return sj_fail(err, EINVAL, "cannot be 'unlimited'");
		*out = SJ_LIMIT_NONE;
		return 0;
	}
	if (text[0] == '-')
		return sj_fail(err, EINVAL, "'%s' is negative", text);
	errno = 0;
	n = strtoull(text, &end, 10);
	if (end == text || (text[0] < '0' || text[0] > '9'))
		return sj_fail(err, EINVAL, "'%s' is not a number%s", text,
			       d->unlimited ? " or 'unlimited'" : "");
	if (d->unit == U_BYTES)
		mul = multiplier(end);
	else if (*end)
		mul = 0;
	if (mul == 0)
		return d->unit == U_BYTES
		       ? sj_fail(err, EINVAL, "'%s' has an unknown unit '%s' (K, M, G or T, "
				 "binary: 64M is 64 MiB)", text, end)
		       : sj_fail(err, EINVAL, "'%s' is not a whole number", text);
	if (errno == ERANGE || n > (unsigned long long)(d->max / mul))
		return sj_fail(err, ERANGE, "'%s' is too large (at most %lld)", text, d->max);
	if ((long long)n * mul < d->min)
		return below_min(d, text, mul, err);
	*out = (long long)n * mul;
	return 0;
}

static rlim_t to_rlim(long long v)
{
	return v == SJ_LIMIT_NONE ? RLIM_INFINITY : (rlim_t)v;
}

/* "N" or "SOFT:HARD" for rlimit parameter D. */
static int parse_rlimit(const struct limit_def *d, const char *text, struct sj_rlimit *out,
			sj_error *err)
{
	SJ_AUTOFREE char *copy = sj_strdup(text, err);
	char *colon;
	long long soft, hard;

	if (!copy)
		return -1;
	colon = strchr(copy, ':');
	if (colon)
		*colon = '\0';
	if (parse_one(d, copy, &soft, err) < 0)
		return -1;
	hard = soft;
	if (colon && parse_one(d, colon + 1, &hard, err) < 0)
		return -1;
	if (to_rlim(soft) > to_rlim(hard))
		return sj_fail(err, EINVAL, "'%s': the soft limit is above the hard one", text);
	*out = (struct sj_rlimit){ .set = true, .soft = to_rlim(soft), .hard = to_rlim(hard) };
	return 0;
}

/*
 * Parse VALUE of limit parameter NAME into FIELD (a long long, or a
 * struct sj_rlimit for the rlimits).  The message names no parameter:
 * params.c puts the name in front.
 */
int lim_parse(const char *name, const char *value, void *field, sj_error *err)
{
	const struct limit_def *d = def_of(name);

	if (!d)
		return sj_fail(err, EINVAL, "is not a limit");
	if (!*value)
		return sj_fail(err, EINVAL, "needs a value");
	if (d->resource >= 0)
		return parse_rlimit(d, value, field, err);
	return parse_one(d, value, field, err);
}

static void format_rlim(rlim_t v, char *buf, size_t len)
{
	if (v == RLIM_INFINITY)
		snprintf(buf, len, "unlimited");
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}

/* Write the value of limit parameter NAME held in FIELD; its length. */
int lim_format(const char *name, const void *field, char *buf, size_t len)
{
	const struct limit_def *d = def_of(name);
	const struct sj_rlimit *r = field;
	char soft[32], hard[32];

	if (!d)
		return -1;
	if (d->resource < 0) {
		long long v = *(const long long *)field;

		return v == SJ_LIMIT_NONE ? snprintf(buf, len, "unlimited")
					  : snprintf(buf, len, "%lld", v);
	}
	/* Unset: the process's own, inherited from whoever made the jail. */
	if (!r->set)
		return snprintf(buf, len, "%s", "");
	format_rlim(r->soft, soft, sizeof(soft));
	format_rlim(r->hard, hard, sizeof(hard));
	if (r->soft == r->hard)
		return snprintf(buf, len, "%s", soft);
	return snprintf(buf, len, "%s:%s", soft, hard);
}

/* A size for people: "64 MiB", or bytes when it is no whole number of KiB. */
void lim_human(long long bytes, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	int u = -1;

	while (u < 3 && bytes >= 1024 && bytes % 1024 == 0) {
		bytes /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%lld bytes", bytes);
	else
		snprintf(buf, len, "%lld %s", bytes, units[u]);
}

/*
 * Set the jail's rlimits on the calling process, which every process it
 * starts inherits.  Called while the caller is still root on the host: a
 * hard limit above the caller's needs CAP_SYS_RESOURCE.
 */
int lim_apply_rlimits(const struct sj_config *c, sj_error *err)
{
	for (size_t i = 0; i < SJ_NELEM(defs); i++) {
		const struct sj_rlimit *r;
		struct rlimit rl;

		if (defs[i].resource < 0)
			continue;
		r = &c->rlimits[defs[i].resource];
		if (!r->set)
			continue;
		rl.rlim_cur = r->soft;
		rl.rlim_max = r->hard;
		if (setrlimit(defs[i].resource, &rl) < 0)
			return sj_fail_errno(err, "%s", defs[i].name);
	}
	return 0;
}
