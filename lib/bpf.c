/*
 * bpf.c: the jail's compiled seccomp programs, read and rewritten.
 *
 * Two things need the programs as data rather than as something to
 * install:
 *
 *   - bpf_run_all() answers "what would the filter say about this call"
 *     from the values the kernel reported (the architecture, the number,
 *     the argument registers: never memory), so that the audit
 *     (audit.c) can name the errno the policy chose;
 *   - bpf_notify() merges the jail's two stacked programs into one that
 *     returns SECCOMP_RET_USER_NOTIF wherever the pair returns an errno,
 *     so that a listener sees every refused call.  The kernel still
 *     decides which calls are refused: the listener can only answer
 *     them with an error.
 *
 * The interpreter implements what the kernel accepts in a seccomp
 * filter; anything else, a jump out of bounds or a program that does
 * not end, gives KILL_PROCESS, the answer that grants nothing.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <string.h>

#include "sj-private.h"

/* The action of a return value, ordered as the kernel orders them: the
 * lower, the more restrictive (KILL_PROCESS is negative). */
static int32_t action_rank(uint32_t ret)
{
	return (int32_t)(ret & SECCOMP_RET_ACTION_FULL);
}

static bool load(const struct seccomp_data *d, uint32_t off, uint32_t *v)
{
	if (off % 4 || off > sizeof(*d) - 4)
		return false;
	memcpy(v, (const char *)d + off, 4);
	return true;
}

static bool alu(uint16_t code, uint32_t *a, uint32_t src)
{
	switch (BPF_OP(code)) {
	case BPF_ADD: *a += src; return true;
	case BPF_SUB: *a -= src; return true;
	case BPF_MUL: *a *= src; return true;
	case BPF_DIV: if (!src) return false; *a /= src; return true;
	case BPF_MOD: if (!src) return false; *a %= src; return true;
	case BPF_AND: *a &= src; return true;
	case BPF_OR: *a |= src; return true;
	case BPF_XOR: *a ^= src; return true;
	case BPF_LSH: *a = src < 32 ? *a << src : 0; return true;
	case BPF_RSH: *a = src < 32 ? *a >> src : 0; return true;
	case BPF_NEG: *a = -*a; return true;
	}
	return false;
}

/* Run one program on D; its SECCOMP_RET_* value. */
uint32_t bpf_run(const void *prog, size_t len, const struct seccomp_data *d)
{
	const struct sock_filter *f = prog;
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };

	/* Classic BPF jumps only forward: LEN steps at most. */
	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *i = &f[pc];
		uint32_t src = BPF_SRC(i->code) == BPF_X ? x : i->k;
		bool taken;

		switch (BPF_CLASS(i->code)) {
		case BPF_LD:
			if (i->code == (BPF_LD | BPF_W | BPF_ABS)) {
				if (!load(d, i->k, &a))
					return SECCOMP_RET_KILL_PROCESS;
			} else if (i->code == (BPF_LD | BPF_W | BPF_LEN)) {
				a = sizeof(*d);
			} else if (i->code == (BPF_LD | BPF_IMM)) {
				a = i->k;
			} else if (i->code == (BPF_LD | BPF_MEM) && i->k < BPF_MEMWORDS) {
				a = mem[i->k];
			} else {
				return SECCOMP_RET_KILL_PROCESS;
			}
			break;
		case BPF_LDX:
			if (i->code == (BPF_LDX | BPF_W | BPF_LEN))
				x = sizeof(*d);
			else if (i->code == (BPF_LDX | BPF_IMM))
				x = i->k;
			else if (i->code == (BPF_LDX | BPF_MEM) && i->k < BPF_MEMWORDS)
				x = mem[i->k];
			else
				return SECCOMP_RET_KILL_PROCESS;
			break;
		case BPF_ST:
		case BPF_STX:
			if (i->k >= BPF_MEMWORDS)
				return SECCOMP_RET_KILL_PROCESS;
			mem[i->k] = BPF_CLASS(i->code) == BPF_ST ? a : x;
			break;
		case BPF_ALU:
			if (!alu(i->code, &a, src))
				return SECCOMP_RET_KILL_PROCESS;
			break;
		case BPF_JMP:
			if (BPF_OP(i->code) == BPF_JA) {
				if (i->k >= len - pc - 1)
					return SECCOMP_RET_KILL_PROCESS;
				pc += i->k;
				break;
			}
			switch (BPF_OP(i->code)) {
			case BPF_JEQ: taken = a == src; break;
			case BPF_JGT: taken = a > src; break;
			case BPF_JGE: taken = a >= src; break;
			case BPF_JSET: taken = (a & src) != 0; break;
			default: return SECCOMP_RET_KILL_PROCESS;
			}
			if ((size_t)(taken ? i->jt : i->jf) >= len - pc - 1)
				return SECCOMP_RET_KILL_PROCESS;
			pc += taken ? i->jt : i->jf;
			break;
		case BPF_RET:
			return BPF_RVAL(i->code) == BPF_A ? a : i->k;
		case BPF_MISC:
			if (BPF_MISCOP(i->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		}
	}
	return SECCOMP_RET_KILL_PROCESS;
}

/*
 * Run the jail's stacked programs as the kernel does: the newest first
 * (prog[0], which sc_install() installs last), an older one's answer
 * taken only when it is strictly more restrictive.
 */
uint32_t bpf_run_all(const struct sj_bpf *bpf, const struct seccomp_data *d)
{
	uint32_t ret = SECCOMP_RET_ALLOW;

	for (size_t i = 0; i < bpf->nprog; i++) {
		uint32_t r = bpf_run(bpf->prog[i].insns, bpf->prog[i].len, d);

		if (i == 0 || action_rank(r) < action_rank(ret))
			ret = r;
	}
	return ret;
}

/* What the merged program returns for what the pair returned. */
static uint32_t notify_of(uint32_t ret)
{
	return (ret & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO ? SECCOMP_RET_USER_NOTIF : ret;
}

/* Whether every instruction of P is one the merge can rewrite: returns
 * only ALLOW, ERRNO or KILL_PROCESS as constants, no scratch memory. */
static int check_mergeable(const struct sj_bpf_prog *p, sj_error *err)
{
	const struct sock_filter *f = p->insns;

	for (size_t pc = 0; pc < p->len; pc++) {
		uint16_t c = f[pc].code;
		uint32_t act = f[pc].k & SECCOMP_RET_ACTION_FULL;

		if (BPF_CLASS(c) == BPF_ST || BPF_CLASS(c) == BPF_STX ||
		    c == (BPF_LD | BPF_MEM) || c == (BPF_LDX | BPF_MEM))
			return sj_fail(err, EINVAL, "the filter uses scratch memory");
		if (BPF_CLASS(c) != BPF_RET)
			continue;
		if (BPF_RVAL(c) != BPF_K)
			return sj_fail(err, EINVAL, "the filter returns a computed value");
		if (act != SECCOMP_RET_ALLOW && act != SECCOMP_RET_ERRNO &&
		    act != SECCOMP_RET_KILL_PROCESS)
			return sj_fail(err, EINVAL, "the filter returns action 0x%x", act);
	}
	return 0;
}

/*
 * Merge the programs of IN (one or two: the allow-list, then the
 * argument checks) into OUT's single program, which answers
 * USER_NOTIF wherever the stack would answer ERRNO, and what the stack
 * answers everywhere else.
 *
 * The second program follows the first twice: once for the calls the
 * first allows (its answers kept, ERRNO made USER_NOTIF), once for those
 * the first refuses (everything but KILL_PROCESS made USER_NOTIF: the
 * stack answers an errno, the first's or the second's).  The first
 * program's returns become jumps to one copy or the other; KILL_PROCESS
 * stays final.  Replacing one instruction by one keeps every jump offset
 * as it was, and no scratch memory is used, so an allowed call whose
 * answer depends on no argument is still one the kernel's action cache
 * can serve.
 */
int bpf_notify(const struct sj_bpf *in, struct sj_bpf *out, sj_error *err)
{
	const struct sj_bpf_prog *p1 = &in->prog[0], *p2 = in->nprog > 1 ? &in->prog[1] : NULL;
	size_t n1 = p1->len, n2 = p2 ? p2->len : 0, len = n1 + 2 * n2;
	struct sock_filter *o;

	memset(out, 0, sizeof(*out));
	if (in->nprog < 1 || in->nprog > 2)
		return sj_fail(err, EINVAL, "log-denied: %zu filters to merge", in->nprog);
	if (check_mergeable(p1, err) < 0 || (p2 && check_mergeable(p2, err) < 0)) {
		sj_error_prefix(err, "log-denied");
		return -1;
	}
	if (len > BPF_MAXINSNS)
		return sj_fail(err, E2BIG, "log-denied: the merged filter would have %zu "
			       "instructions, more than %d", len, BPF_MAXINSNS);
	o = malloc(len * sizeof(*o));
	if (!o)
		return sj_fail(err, ENOMEM, "out of memory");
	memcpy(o, p1->insns, n1 * sizeof(*o));
	if (p2) {
		memcpy(o + n1, p2->insns, n2 * sizeof(*o));
		memcpy(o + n1 + n2, p2->insns, n2 * sizeof(*o));
	}
	for (size_t pc = 0; pc < len; pc++) {
		uint32_t act = o[pc].k & SECCOMP_RET_ACTION_FULL;

		if (BPF_CLASS(o[pc].code) != BPF_RET || act == SECCOMP_RET_KILL_PROCESS)
			continue;
		if (pc < n1 && p2)
			/* To the copy for what the first program said. */
			o[pc] = (struct sock_filter){ BPF_JMP | BPF_JA, 0, 0,
				(uint32_t)(n1 + (act == SECCOMP_RET_ALLOW ? 0 : n2) - pc - 1) };
		else if (pc < n1 + n2 || act != SECCOMP_RET_ALLOW)
			o[pc].k = notify_of(o[pc].k);
		else
			o[pc].k = SECCOMP_RET_USER_NOTIF;
	}
	out->prog[0] = (struct sj_bpf_prog){ len, o };
	out->nprog = 1;
	return 0;
}
