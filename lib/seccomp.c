/*
 * seccomp.c: a policy (policy.c) compiled by libseccomp into BPF for
 * every ABI this CPU runs, cached under the runtime directory, and
 * installed in the jail's init.
 *
 * Two filters, stacked (the kernel takes the most restrictive answer):
 *
 *   1. the allow-list: default ERRNO(ENOSYS); "allow" -> ALLOW, an
 *      unconditional "deny" -> ERRNO.  It never looks at an argument, so
 *      the kernel's action cache serves every allowed syscall.
 *   2. argument checks: default ALLOW; each "deny ... if" -> ERRNO.
 *      Left out when there are none.
 *
 * Each ABI is compiled in a libseccomp context of its own (a syscall that
 * an ABI lacks is left out of it) and the contexts are merged.  Around
 * libseccomp 2.5.4:
 *   - a rule whose action is the filter's default is refused: skip it;
 *   - in one filter, an unconditional rule silently drops conditional
 *     rules of other actions for the same syscall: filter 1 never has
 *     conditional rules, and filter 2 no unconditional ones except the
 *     multiplexer guards below, which rely on it;
 *   - on ABIs with socketcall(2) and ipc(2) (i386), libseccomp adds a
 *     rule for the multiplexer to every rule of a call it multiplexes,
 *     and for a conditional rule it compares the wrong argument.  The
 *     multiplexer's own unconditional rule, added first, drops those;
 *   - on 32-bit ABIs it compares only the low 32 bits of an argument and
 *     silently truncates wider values, so conditions are compiled for
 *     32-bit arguments there (pol_cond_compile's WIDTH).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "oci.h"
#include "policy.h"

#define CACHE_MAGIC "SJSCBPF\n"
#define CACHE_VERSION 1u
#define KEY_MAX (4u << 20)

/* A growing byte buffer: the cache key, a cache file. */
struct buf {
	unsigned char *p;
	size_t n, cap;
	bool oom;
};

static void buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		unsigned char *np;

		while (cap < b->n + n)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np) {
			b->oom = true;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void buf_u32(struct buf *b, uint32_t v)
{
	buf_add(b, &v, sizeof(v));
}

/* A length-prefixed byte string, so that no two keys run together. */
static void buf_bytes(struct buf *b, const void *p, size_t n)
{
	uint64_t len = n;

	buf_add(b, &len, sizeof(len));
	buf_add(b, p, n);
}

static uint64_t fnv64(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ull;
	return h;
}

/* The ABIs: the native one and those it can also run. */
static const struct abi {
	uint32_t native;
	uint32_t compat[2];
} abis[] = {
	/* x32 is held as a foreign ABI: without it, libseccomp's x86_64
	 * branch kills a process at its first x32 number (bit 30 set).  No
	 * distribution ships an x32 userland; an allow-list for x32 would
	 * cost a third more instructions at every jail start, and libseccomp
	 * compares only the low 32 bits of x32 arguments the kernel reads as
	 * 64. */
	{ SCMP_ARCH_X86_64, { SCMP_ARCH_X86, 0 } },
	{ SCMP_ARCH_AARCH64, { SCMP_ARCH_ARM, 0 } },
	{ SCMP_ARCH_S390X, { SCMP_ARCH_S390, 0 } },
};

size_t sc_arches(uint32_t *out, size_t max)
{
	uint32_t native = seccomp_arch_native();
	size_t n = 0;

	if (max == 0)
		return 0;
	out[n++] = native;
	for (size_t i = 0; i < SJ_NELEM(abis); i++)
		for (size_t k = 0; abis[i].native == native && k < 2 && n < max; k++)
			if (abis[i].compat[k])
				out[n++] = abis[i].compat[k];
	return n;
}

/* How many bits of an argument libseccomp compares on ARCH. */
unsigned sc_arch_width(uint32_t arch)
{
	switch (arch) {
	case SCMP_ARCH_X86:
	case SCMP_ARCH_X32:
	case SCMP_ARCH_ARM:
	case SCMP_ARCH_S390:
	case SCMP_ARCH_PPC:
	case SCMP_ARCH_MIPS:
	case SCMP_ARCH_MIPSEL:
	case SCMP_ARCH_MIPS64N32:
	case SCMP_ARCH_MIPSEL64N32:
		return 32;
	}
	return 64;
}

/* Syscalls multiplexed on some 32-bit ABIs, and their multiplexers. */
static const char *const socket_calls[] = {
	"socket", "bind", "connect", "listen", "accept", "getsockname", "getpeername",
	"socketpair", "send", "recv", "sendto", "recvfrom", "shutdown", "setsockopt",
	"getsockopt", "sendmsg", "recvmsg", "accept4", "recvmmsg", "sendmmsg", NULL,
};
static const char *const ipc_calls[] = {
	"semop", "semget", "semctl", "semtimedop", "msgsnd", "msgrcv", "msgget", "msgctl",
	"shmat", "shmdt", "shmget", "shmctl", NULL,
};
static const struct mux {
	const char *name;
	const char *const *calls;
} muxes[] = { { "socketcall", socket_calls }, { "ipc", ipc_calls } };

static bool in_list(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}


/* Whether NAME is multiplexed on ARCH (i386's socketcall, ipc). */
static bool multiplexed(uint32_t arch, const char *name)
{
	for (size_t m = 0; m < SJ_NELEM(muxes); m++)
		if (in_list(muxes[m].calls, name) &&
		    seccomp_syscall_resolve_name_arch(arch, muxes[m].name) >= 0)
			return true;
	return false;
}

/* Whether ARCH has syscall NAME.  libseccomp names a multiplexed call by
 * a pseudo number there, and its rules cover the direct call and the
 * multiplexer both. */
static bool on_arch(uint32_t arch, const char *name)
{
	return seccomp_syscall_resolve_name_arch(arch, name) >= 0 || multiplexed(arch, name);
}

/* Loading profiles: embedded ones, and files with their includes. */

struct load {
	struct buf key;			/* every file's name and text go here */
	sj_error *err;
};

static const struct pol_embedded *embedded(const char *name)
{
	for (size_t i = 0; i < pol_nembedded; i++)
		if (strcmp(pol_embedded[i].name, name) == 0)
			return &pol_embedded[i];
	return NULL;
}

/* Read policy file PATH, which must be root's (or ours) and not writable
 * by others: whoever can write it decides what the jail may do. */
static int read_policy_file(const char *path, struct pol_text *out, sj_error *err)
{
	SJ_AUTOCLOSE int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	struct stat st;
	size_t n = 0;

	if (fd < 0 || fstat(fd, &st) < 0)
		return sj_fail_errno(err, "%s", path);
	if (!S_ISREG(st.st_mode))
		return sj_fail(err, EINVAL, "%s: not a regular file", path);
	if ((st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & 022))
		return sj_fail(err, EPERM, "%s: must be owned by root and not writable by "
			       "group or others", path);
	if (st.st_size > POL_MAX_FILE)
		return sj_fail(err, EFBIG, "%s: larger than %u bytes", path, POL_MAX_FILE);
	out->owned = malloc((size_t)st.st_size + 1);
	out->name = strdup(path);
	if (!out->owned || !out->name)
		return sj_fail(err, ENOMEM, "out of memory");
	while (n < (size_t)st.st_size) {
		ssize_t r = read(fd, out->owned + n, (size_t)st.st_size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return sj_fail_errno(err, "%s", path);
		if (r == 0)
			break;
		n += (size_t)r;
	}
	out->text = out->owned;
	out->len = n;
	return 0;
}

/* @include NAME from FROM: an embedded profile, or (from a file profile)
 * a file, relative to the including one unless absolute. */
static int include_cb(void *ctx, const char *from, const char *name, struct pol_text *out,
		      sj_error *err)
{
	struct load *ld = ctx;
	const struct pol_embedded *e;
	size_t n = strlen(name);
	char path[PATH_MAX];

	if (!strchr(name, '/') && !(n > 7 && strcmp(name + n - 7, ".policy") == 0)) {
		e = embedded(name);
		if (!e)
			return sj_fail(err, ENOENT, "no embedded profile '%s'", name);
		out->text = e->text;
		out->len = e->len;
		if (asprintf(&out->name, "%s.policy", name) < 0) {
			out->name = NULL;
			return sj_fail(err, ENOMEM, "out of memory");
		}
		return 0;
	}
	if (from[0] != '/')
		return sj_fail(err, EINVAL, "an embedded profile includes only embedded ones");
	if (name[0] == '/')
		snprintf(path, sizeof(path), "%s", name);
	else if ((size_t)snprintf(path, sizeof(path), "%.*s/%s",
				  (int)(strrchr(from, '/') - from), from, name) >= sizeof(path))
		return sj_fail(err, ENAMETOOLONG, "path too long");
	if (read_policy_file(path, out, err) < 0)
		return -1;
	buf_bytes(&ld->key, out->name, strlen(out->name));
	buf_bytes(&ld->key, out->text, out->len);
	return 0;
}

static bool known_cb(void *ctx SJ_UNUSED, const char *name)
{
	return seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR;
}

/* Compiling: one libseccomp context per ABI and filter, then merged. */

struct compiler {
	const struct pol *p;
	uint32_t arch;
	unsigned width;
	scmp_filter_ctx f1, f2;
	bool f2_used;
	sj_error *err;
};

/* An ABI's name for messages. */
static const char *arch_name(uint32_t arch)
{
	switch (arch) {
	case SCMP_ARCH_X86_64: return "x86_64";
	case SCMP_ARCH_X86: return "i386";
	case SCMP_ARCH_X32: return "x32";
	case SCMP_ARCH_AARCH64: return "aarch64";
	case SCMP_ARCH_ARM: return "arm";
	case SCMP_ARCH_S390X: return "s390x";
	case SCMP_ARCH_S390: return "s390";
	}
	return "this ABI";
}

static int lib_fail(struct compiler *c, const struct pol_rule *r, int rc, const char *what)
{
	return sj_fail(c->err, -rc, "%s:%u: %s: libseccomp refused the %s on %s: %s",
		       c->p->file[r->file], r->line, r->name, what, arch_name(c->arch),
		       strerror(-rc));
}

/* A libseccomp filter for ARCH alone, with the attributes every one has. */
static scmp_filter_ctx new_ctx(uint32_t defact, uint32_t arch)
{
	scmp_filter_ctx f = seccomp_init(defact);

	if (!f)
		return NULL;
	if ((arch != seccomp_arch_native() &&
	     (seccomp_arch_add(f, arch) < 0 || seccomp_arch_remove(f, seccomp_arch_native()) < 0)) ||
	    seccomp_attr_set(f, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) < 0 ||
	    seccomp_attr_set(f, SCMP_FLTATR_CTL_NNP, 0) < 0 ||
	    seccomp_attr_set(f, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0) {
		seccomp_release(f);
		return NULL;
	}
	return f;
}

static uint32_t action_of(const struct pol_rule *r)
{
	return r && r->errnum ? SCMP_ACT_ERRNO((uint32_t)r->errnum)
	       : r ? SCMP_ACT_ALLOW : SCMP_ACT_ERRNO(ENOSYS);
}

/*
 * The multiplexers, first: their unconditional rules drop what libseccomp
 * adds to them for the calls they multiplex.  Filter 2 gets one whenever
 * filter 1 may hold such additions, so the policy's word on the
 * multiplexer is final; a conditional rule on a multiplexed call is
 * refused when the multiplexer is allowed, as it would be bypassed.
 */
static int add_muxes(struct compiler *c)
{
	for (size_t m = 0; m < SJ_NELEM(muxes); m++) {
		const struct pol_rule *u = pol_find(c->p, muxes[m].name);
		uint32_t act = action_of(u);
		int nr = seccomp_syscall_resolve_name(muxes[m].name), rc;
		bool used = false;

		if (!on_arch(c->arch, muxes[m].name))
			continue;
		for (size_t i = 0; i < c->p->nrule; i++) {
			const struct pol_rule *r = &c->p->rule[i];

			if (!in_list(muxes[m].calls, r->name) || !on_arch(c->arch, r->name))
				continue;
			if (r->cond && act == SCMP_ACT_ALLOW)
				return sj_fail(c->err, EINVAL, "%s:%u: deny %s ... if: bypassed "
					       "through %s, which is allowed on %s",
					       c->p->file[r->file], r->line, r->name,
					       muxes[m].name, arch_name(c->arch));
			used = true;
		}
		if (act != SCMP_ACT_ERRNO(ENOSYS) &&
		    (rc = seccomp_rule_add_exact(c->f1, act, nr, 0)) < 0)
			return lib_fail(c, u, rc, "rule");
		if (used && act != SCMP_ACT_ALLOW) {
			if ((rc = seccomp_rule_add_exact(c->f2, act, nr, 0)) < 0)
				return sj_fail(c->err, -rc, "%s: libseccomp: %s", muxes[m].name,
					       strerror(-rc));
			c->f2_used = true;
		}
	}
	return 0;
}

static bool is_mux(const char *name)
{
	for (size_t m = 0; m < SJ_NELEM(muxes); m++)
		if (strcmp(muxes[m].name, name) == 0)
			return true;
	return false;
}


/* A conditional deny: one filter-2 rule per term of its conditions. */
static int add_conditional(struct compiler *c, const struct pol_rule *r, int nr)
{
	SJ_AUTOFREE struct pol_term *terms = NULL;
	bool mux = multiplexed(c->arch, r->name);
	size_t n;

	if (pol_rule_expand(r, c->width, &terms, &n, c->err) < 0) {
		sj_error_prefix(c->err, "%s:%u", c->p->file[r->file], r->line);
		return -1;
	}
	for (size_t t = 0; t < n; t++) {
		struct scmp_arg_cmp a[POL_MAX_ARGS];
		int rc;

		for (unsigned i = 0; i < terms[t].n; i++) {
			static const enum scmp_compare ops[] = {
				[POL_CMP_EQ] = SCMP_CMP_EQ, [POL_CMP_LE] = SCMP_CMP_LE,
				[POL_CMP_GE] = SCMP_CMP_GE, [POL_CMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
			};
			const struct pol_cmp *k = &terms[t].cmp[i];

			a[i] = (struct scmp_arg_cmp){ terms[t].arg[i], ops[k->op],
						      k->op == POL_CMP_MASKED_EQ ? k->mask : k->val,
						      k->val };
		}
		/* libseccomp refuses exact conditional rules on multiplexed
		 * calls; the inexact ones it adds to the multiplexer are
		 * dropped by the multiplexer's own rule (add_muxes). */
		rc = mux ? seccomp_rule_add_array(c->f2, action_of(r), nr, terms[t].n, a)
			 : seccomp_rule_add_exact_array(c->f2, action_of(r), nr, terms[t].n, a);
		if (rc < 0)
			return lib_fail(c, r, rc, "conditional rule");
		c->f2_used = true;
	}
	return 0;
}

/* Compile the policy for one ABI into C->f1 and C->f2. */
static int compile_arch(struct compiler *c)
{
	const struct pol *p = c->p;

	if (add_muxes(c) < 0)
		return -1;
	for (size_t i = 0; i < p->nrule; i++) {
		const struct pol_rule *r = &p->rule[i];
		int nr = seccomp_syscall_resolve_name(r->name), rc;

		if (!on_arch(c->arch, r->name))
			continue;
		if (r->cond) {
			if (add_conditional(c, r, nr) < 0)
				return -1;
			continue;
		}
		if (is_mux(r->name) || action_of(r) == SCMP_ACT_ERRNO(ENOSYS))
			continue;
		if ((rc = seccomp_rule_add_exact(c->f1, action_of(r), nr, 0)) < 0)
			return lib_fail(c, r, rc, "rule");
	}
	return 0;
}

/* Export F as BPF into PROG, through a memfd. */
int sc_export_bpf(void *f, struct sj_bpf_prog *prog, sj_error *err)
{
	SJ_AUTOCLOSE int fd = memfd_create("sysjail-bpf", MFD_CLOEXEC);
	struct stat st;
	int rc;

	if (fd < 0)
		return sj_fail_errno(err, "memfd_create");
	if ((rc = seccomp_export_bpf(f, fd)) < 0)
		return sj_fail(err, -rc, "exporting the filter: %s", strerror(-rc));
	if (fstat(fd, &st) < 0)
		return sj_fail_errno(err, "memfd");
	if (st.st_size <= 0 || st.st_size % (off_t)sizeof(struct sock_filter) ||
	    st.st_size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS)
		return sj_fail(err, E2BIG, "the filter has %lld bytes, more than %d instructions",
			       (long long)st.st_size, BPF_MAXINSNS);
	prog->len = (size_t)st.st_size / sizeof(struct sock_filter);
	prog->insns = malloc((size_t)st.st_size);
	if (!prog->insns)
		return sj_fail(err, ENOMEM, "out of memory");
	if (pread(fd, prog->insns, (size_t)st.st_size, 0) != st.st_size)
		return sj_fail_errno(err, "reading the filter back");
	return 0;
}

/* Compile P for every ABI into OUT: filter 1, and filter 2 if needed. */
static int compile(const struct pol *p, struct sj_bpf *out, sj_error *err)
{
	uint32_t arches[4];
	size_t na = sc_arches(arches, SJ_NELEM(arches));
	scmp_filter_ctx f1 = NULL, f2 = NULL;
	bool f2_used = false;
	int r = -1;

	for (size_t i = 0; i < na; i++) {
		struct compiler c = { p, arches[i], sc_arch_width(arches[i]), NULL, NULL, false, err };

		c.f1 = new_ctx(SCMP_ACT_ERRNO(ENOSYS), arches[i]);
		c.f2 = new_ctx(SCMP_ACT_ALLOW, arches[i]);
		if (!c.f1 || !c.f2) {
			sj_fail(err, ENOMEM, "libseccomp: cannot make a filter");
		} else if (compile_arch(&c) == 0) {
			f2_used |= c.f2_used;
			if (!f1) {
				f1 = c.f1;
				f2 = c.f2;
				continue;
			}
			if (seccomp_merge(f1, c.f1) == 0) {
				c.f1 = NULL;
				if (seccomp_merge(f2, c.f2) == 0)
					continue;
			}
			sj_fail(err, EINVAL, "libseccomp: cannot merge the filters of each ABI");
		}
		seccomp_release(c.f1);
		seccomp_release(c.f2);
		goto out;
	}
	if (sc_export_bpf(f1, &out->prog[0], err) < 0)
		goto out;
	out->nprog = 1;
	if (f2_used) {
		if (sc_export_bpf(f2, &out->prog[1], err) < 0)
			goto out;
		out->nprog = 2;
	}
	r = 0;
out:
	seccomp_release(f1);
	seccomp_release(f2);
	return r;
}

/* The cache: RUNDIR/cache/HASH.bpf, root's and private. */

/* RUNDIR/cache, made if missing; -1 (no cache) unless ours and private. */
static int open_cache_dir(int rundir)
{
	int fd;
	struct stat st;

	if (rundir < 0)
		return -1;
	if (mkdirat(rundir, "cache", 0700) < 0 && errno != EEXIST)
		return -1;
	fd = openat(rundir, "cache", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 077)) {
		close(fd);
		return -1;
	}
	return fd;
}

static const unsigned char *take(const unsigned char **p, const unsigned char *end, size_t n)
{
	const unsigned char *r = *p;

	if ((size_t)(end - r) < n)
		return NULL;
	*p += n;
	return r;
}

/* Parse cache file DATA: the whole key must match, every length is
 * bounded, and the checksum at the end covers all before it. */
static bool cache_parse(const unsigned char *data, size_t len, const struct buf *key,
			struct sj_bpf *out)
{
	const unsigned char *p = data, *end, *q;
	uint32_t v[3];
	uint64_t sum;

	if (len < sizeof(sum))
		return false;
	end = data + len - sizeof(sum);
	memcpy(&sum, end, sizeof(sum));
	if (sum != fnv64(data, len - sizeof(sum)))
		return false;
	if (!(q = take(&p, end, 8)) || memcmp(q, CACHE_MAGIC, 8) != 0 ||
	    !(q = take(&p, end, sizeof(v))))
		return false;
	memcpy(v, q, sizeof(v));
	if (v[0] != CACHE_VERSION || v[1] != key->n || !(q = take(&p, end, key->n)) ||
	    memcmp(q, key->p, key->n) != 0 || v[2] < 1 || v[2] > SJ_NELEM(out->prog))
		return false;
	for (uint32_t i = 0; i < v[2]; i++) {
		uint32_t n;

		if (!(q = take(&p, end, sizeof(n))))
			return false;
		memcpy(&n, q, sizeof(n));
		if (n < 1 || n > BPF_MAXINSNS || !(q = take(&p, end, n * sizeof(struct sock_filter))))
			return false;
		out->prog[i].insns = malloc(n * sizeof(struct sock_filter));
		if (!out->prog[i].insns)
			return false;
		memcpy(out->prog[i].insns, q, n * sizeof(struct sock_filter));
		out->prog[i].len = n;
		out->nprog = i + 1;
	}
	return p == end;
}

/* Read cache file NAME into OUT if it is ours, private, and matches KEY. */
static bool cache_load(int dir, const char *name, const struct buf *key, struct sj_bpf *out)
{
	SJ_AUTOCLOSE int fd = openat(dir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	SJ_AUTOFREE unsigned char *data = NULL;
	size_t max = 8 + 12 + key->n + 4 + SJ_NELEM(out->prog) *
		     (4 + BPF_MAXINSNS * sizeof(struct sock_filter)) + 8;
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077) || st.st_size <= 0 || (size_t)st.st_size > max)
		return false;
	data = malloc((size_t)st.st_size);
	if (!data || read(fd, data, (size_t)st.st_size) != st.st_size)
		return false;
	if (cache_parse(data, (size_t)st.st_size, key, out))
		return true;
	for (size_t i = 0; i < SJ_NELEM(out->prog); i++) {
		free(out->prog[i].insns);
		out->prog[i].insns = NULL;
		out->prog[i].len = 0;
	}
	out->nprog = 0;
	return false;
}

/* Write the programs under NAME: a temporary file, then rename(2). */
static bool cache_store(int dir, const char *name, const struct buf *key,
			const struct sj_bpf *bpf)
{
	struct buf f = { 0 };
	char tmp[64];
	uint64_t sum;
	int fd;
	bool ok;

	buf_add(&f, CACHE_MAGIC, 8);
	buf_u32(&f, CACHE_VERSION);
	buf_u32(&f, (uint32_t)key->n);
	buf_u32(&f, (uint32_t)bpf->nprog);
	buf_add(&f, key->p, key->n);
	for (size_t i = 0; i < bpf->nprog; i++) {
		buf_u32(&f, (uint32_t)bpf->prog[i].len);
		buf_add(&f, bpf->prog[i].insns, bpf->prog[i].len * sizeof(struct sock_filter));
	}
	sum = f.oom ? 0 : fnv64(f.p, f.n);
	buf_add(&f, &sum, sizeof(sum));
	snprintf(tmp, sizeof(tmp), ".%s.%d.tmp", name, (int)getpid());
	fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	ok = !f.oom && fd >= 0 && sj_write_all(fd, f.p, f.n) == 0;
	if (fd >= 0 && close(fd) < 0)
		ok = false;
	if (ok && renameat(dir, tmp, dir, name) < 0)
		ok = false;
	if (!ok && fd >= 0)
		unlinkat(dir, tmp, 0);
	free(f.p);
	return ok;
}

/*
 * The cache, for a filter compiled elsewhere (oci-seccomp.c): KEY and LEN
 * are everything the filter depends on.
 */
bool sc_cache_lookup(int rundir, const void *key, size_t len, struct sj_bpf *out)
{
	struct buf k = { (unsigned char *)key, len, len, false };
	char name[40];
	int dir = open_cache_dir(rundir);
	bool hit;

	if (dir < 0)
		return false;
	snprintf(name, sizeof(name), "%016llx.bpf", (unsigned long long)fnv64(key, len));
	hit = cache_load(dir, name, &k, out);
	close(dir);
	return hit;
}

void sc_cache_save(int rundir, const void *key, size_t len, const struct sj_bpf *bpf)
{
	struct buf k = { (unsigned char *)key, len, len, false };
	char name[40];
	int dir = open_cache_dir(rundir);

	if (dir < 0)
		return;
	snprintf(name, sizeof(name), "%016llx.bpf", (unsigned long long)fnv64(key, len));
	cache_store(dir, name, &k, bpf);
	close(dir);
}

void sc_release(struct sj_jail *j)
{
	for (size_t i = 0; i < SJ_NELEM(j->bpf.prog); i++) {
		free(j->bpf.prog[i].insns);
		j->bpf.prog[i].insns = NULL;
		j->bpf.prog[i].len = 0;
	}
	j->bpf.nprog = 0;
}

/* The jail parameters @when can test, as bits of enum pol_param. */
unsigned sc_policy_params(const struct sj_config *c)
{
	bool confine = c->mode == SJ_MODE_CONFINE;
	bool inherit = c->ip4_mode == SJ_NET_INHERIT && c->ip6_mode == SJ_NET_INHERIT;

	return (unsigned)c->allow_raw_sockets << POL_RAW_SOCKETS |
	       (unsigned)c->allow_socket_af << POL_SOCKET_AF |
	       (unsigned)c->allow_set_hostname << POL_SET_HOSTNAME |
	       (unsigned)c->allow_sysvipc << POL_SYSVIPC |
	       (unsigned)c->allow_mount << POL_MOUNT |
	       (unsigned)(confine && !c->allow_sysvipc) << POL_HOST_IPC |
	       (unsigned)(confine && !inherit) << POL_HOST_NET;
}

/* What the output depends on besides the files: versions and parameters. */
static void key_start(struct buf *key, const char *profile, unsigned params)
{
	const struct scmp_version *v = seccomp_version();
	uint64_t h = pol_embedded_hash;

	buf_bytes(key, "sysjail seccomp " SJ_VERSION, strlen("sysjail seccomp " SJ_VERSION));
	buf_u32(key, v->major);
	buf_u32(key, v->minor);
	buf_u32(key, v->micro);
	buf_u32(key, seccomp_arch_native());
	buf_add(key, &h, sizeof(h));
	buf_u32(key, params);
	buf_bytes(key, profile, strlen(profile));
}

struct prep {
	const char *profile;
	struct load ld;
	void (*diag)(void *ctx, const char *file, unsigned line, bool error, const char *what);
	void *diag_ctx;
	struct pol pol;
	bool parsed;
	int cache;			/* cache directory, or -1 */
	char name[40];			/* cache file name */
};

/* Parse the profile: an embedded one, or a file (read into the key). */
static int parse_profile(struct prep *pp, unsigned params, sj_error *err)
{
	struct pol_loader loader = { include_cb, known_cb, &pp->ld, pp->diag, pp->diag_ctx };
	struct pol_text root = { 0 };
	int r;

	if (pp->profile[0] == '/') {
		if (read_policy_file(pp->profile, &root, err) < 0) {
			free(root.owned);
			free(root.name);
			return -1;
		}
		buf_bytes(&pp->ld.key, root.text, root.len);
	} else {
		const struct pol_embedded *e = embedded(pp->profile);

		if (!e)
			return sj_fail(err, ENOENT, "no such embedded profile");
		root.text = e->text;
		root.len = e->len;
		if (asprintf(&root.name, "%s.policy", pp->profile) < 0)
			return sj_fail(err, ENOMEM, "out of memory");
	}
	r = pol_parse(&pp->pol, root.name, root.text, root.len, params, &loader, err);
	free(root.owned);
	free(root.name);
	if (pp->ld.key.oom)
		return sj_fail(err, ENOMEM, "out of memory");
	pp->parsed = r == 0;
	return r;
}

/* Fill J->bpf for PP->profile: from the cache, or by compiling it. */
static int prepare(struct sj_jail *j, struct prep *pp, unsigned flags, struct sc_stats *st,
		   sj_error *err)
{
	unsigned params = sc_policy_params(&j->cfg);
	bool file = strchr(pp->profile, '/') != NULL;

	if (file && pp->profile[0] != '/')
		return sj_fail(err, EINVAL, "a profile file must be an absolute path");
	if (!file && !embedded(pp->profile))
		return sj_fail(err, ENOENT, "no such embedded profile (a profile file must "
			       "be an absolute path)");
	key_start(&pp->ld.key, pp->profile, params);
	/* An embedded profile is known by its name and the build's hash; a
	 * file must be read, with its includes, to know what it says. */
	if (file && parse_profile(pp, params, err) < 0)
		return -1;
	st->parsed = pp->parsed;
	if (pp->ld.key.oom || pp->ld.key.n > KEY_MAX)
		return sj_fail(err, ENOMEM, "the profile is too large");
	if (!(flags & SC_NO_CACHE))
		pp->cache = open_cache_dir(j->reg.dirfd);
	snprintf(pp->name, sizeof(pp->name), "%016llx.bpf",
		 (unsigned long long)fnv64(pp->ld.key.p, pp->ld.key.n));
	if (pp->cache >= 0 && cache_load(pp->cache, pp->name, &pp->ld.key, &j->bpf)) {
		st->cache_hit = true;
		return 0;
	}
	if (flags & SC_CACHE_ONLY)
		return sj_fail(err, ENOENT, "not in the cache");
	if (!pp->parsed && parse_profile(pp, params, err) < 0)
		return -1;
	st->parsed = true;
	if (compile(&pp->pol, &j->bpf, err) < 0)
		return -1;
	st->compiled = true;
	if (pp->cache >= 0)
		st->cache_written = cache_store(pp->cache, pp->name, &pp->ld.key, &j->bpf);
	return 0;
}

/* sc_prepare(), with FLAGS (enum sc_flags) and what happened in *ST. */
int sc_prepare_ex(struct sj_jail *j, unsigned flags, struct sc_stats *st, sj_error *err)
{
	struct sc_stats ignored;
	struct prep pp = { .profile = j->cfg.seccomp ? j->cfg.seccomp : "default",
			   .ld = { .err = err }, .cache = -1 };
	int r;

	if (!st)
		st = &ignored;
	memset(st, 0, sizeof(*st));
	sc_release(j);
	r = prepare(j, &pp, flags, st, err);
	if (r < 0) {
		sc_release(j);
		sj_error_prefix(err, "seccomp profile '%s'", pp.profile);
	}
	if (pp.cache >= 0)
		close(pp.cache);
	if (pp.parsed)
		pol_free(&pp.pol);
	free(pp.ld.key.p);
	return r;
}

int sc_prepare(struct sj_jail *j, sj_error *err)
{
	/* A bundle's filter is its linux.seccomp, or none. */
	if (j->cfg.oci)
		return oci_seccomp_prepare(j, err);
	return sc_prepare_ex(j, 0, NULL, err);
}

int sc_install(const struct sj_bpf *bpf, sj_error *err)
{
	return sc_install_flags(bpf, 0, err);
}

/* The same with seccomp(2) FLAGS (an OCI profile's SECCOMP_FILTER_FLAG_*). */
int sc_install_flags(const struct sj_bpf *bpf, unsigned flags, sj_error *err)
{
	if (bpf->nprog == 0)
		return sj_fail(err, EINVAL, "seccomp: no filter was prepared");
	/* The argument checks first, the allow-list last: installing the
	 * second filter is a seccomp(2) call the first must allow, and the
	 * checks' default is ALLOW, so a profile need not allow seccomp.
	 * The order decides nothing else: the two never answer the same
	 * call with different errnos. */
	for (size_t i = bpf->nprog; i-- > 0;) {
		struct sock_fprog fp = {
			.len = (unsigned short)bpf->prog[i].len,
			.filter = bpf->prog[i].insns,
		};

		/* The jail's init has set no_new_privs: the filter holds for
		 * all it starts, setuid programs included. */
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fp) < 0)
			return sj_fail_errno(err, "seccomp: installing filter %zu of %zu",
					     bpf->nprog - i, bpf->nprog);
	}
	return 0;
}

/*
 * Parse PROFILE (an embedded name, or an absolute path) under PARAMS
 * (bits of enum pol_param) into *OUT, as a jail would load it; DIAG and
 * its context, when set, receive what a linter reports (pol_loader).
 * For sysjail's --check-policy and --learn.
 */
int sc_parse(const char *profile, unsigned params,
	     void (*diag)(void *ctx, const char *file, unsigned line, bool error, const char *what),
	     void *diag_ctx, struct pol *out, sj_error *err)
{
	struct prep pp = { .profile = profile, .ld = { .err = err }, .cache = -1 };
	int r;

	if (strchr(profile, '/') && profile[0] != '/')
		return sj_fail(err, EINVAL, "%s: a profile file must be an absolute path", profile);
	pp.diag = diag;
	pp.diag_ctx = diag_ctx;
	r = parse_profile(&pp, params, err);
	free(pp.ld.key.p);
	if (r < 0)
		return -1;
	*out = pp.pol;
	return 0;
}

/* The ABIs of this machine that have syscall NAME (a bit per sc_arches() index). */
unsigned sc_name_arches(const char *name)
{
	uint32_t arches[4];
	size_t n = sc_arches(arches, SJ_NELEM(arches));
	unsigned bits = 0;

	for (size_t i = 0; i < n; i++)
		if (on_arch(arches[i], name))
			bits |= 1u << i;
	return bits;
}

/* The name of syscall NR on audit architecture ARCH, malloc'ed; NULL if unknown. */
char *sc_syscall_name(uint32_t arch, int nr)
{
	return seccomp_syscall_resolve_num_arch(arch, nr);
}

/* An ABI's name ("x86_64", "i386"). */
const char *sc_arch_name(uint32_t arch)
{
	return arch_name(arch);
}

/* Compile P for this machine's ABIs into OUT (for --check-policy). */
int sc_compile(const struct pol *p, struct sj_bpf *out, sj_error *err)
{
	memset(out, 0, sizeof(*out));
	return compile(p, out, err);
}
