/*
 * bpf-sim.c: a classic-BPF interpreter for seccomp programs.
 *
 * It implements what the kernel accepts in a seccomp filter (loads of
 * seccomp_data words, the scratch memory, ALU, jumps, returns) and marks
 * anything else, or a jump or load out of bounds, as a bad program.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bpf-sim.h"
#include "policy.h"

#define MAX_STEPS 100000

static uint32_t bad(struct sim_stats *st, const char *why, size_t pc)
{
	st->bad = true;
	snprintf(st->why, sizeof(st->why), "%s at instruction %zu", why, pc);
	return SECCOMP_RET_KILL_PROCESS;
}

/* The 32-bit word of D at byte offset OFF, as BPF_LD|BPF_W|BPF_ABS reads it. */
static bool load_word(const struct seccomp_data *d, uint32_t off, uint32_t *v)
{
	if (off % 4 || off + 4 > sizeof(*d))
		return false;
	memcpy(v, (const char *)d + off, 4);
	return true;
}

static bool alu(uint16_t code, uint32_t *a, uint32_t src)
{
	switch (BPF_OP(code)) {
	case BPF_ADD: *a += src; break;
	case BPF_SUB: *a -= src; break;
	case BPF_MUL: *a *= src; break;
	case BPF_DIV: if (!src) return false; *a /= src; break;
	case BPF_MOD: if (!src) return false; *a %= src; break;
	case BPF_AND: *a &= src; break;
	case BPF_OR: *a |= src; break;
	case BPF_XOR: *a ^= src; break;
	case BPF_LSH: *a = src < 32 ? *a << src : 0; break;
	case BPF_RSH: *a = src < 32 ? *a >> src : 0; break;
	case BPF_NEG: *a = -*a; break;
	default: return false;
	}
	return true;
}

static bool cond_jump(uint16_t code, uint32_t a, uint32_t src, bool *taken)
{
	switch (BPF_OP(code)) {
	case BPF_JEQ: *taken = a == src; break;
	case BPF_JGT: *taken = a > src; break;
	case BPF_JGE: *taken = a >= src; break;
	case BPF_JSET: *taken = (a & src) != 0; break;
	default: return false;
	}
	return true;
}

uint32_t sim_run(const struct sock_filter *p, size_t len, const struct seccomp_data *d,
		 struct sim_stats *st)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };

	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *i = &p[pc];
		uint32_t src = BPF_SRC(i->code) == BPF_X ? x : i->k;
		bool taken;

		if (++st->steps > MAX_STEPS)
			return bad(st, "too many steps", pc);
		switch (BPF_CLASS(i->code)) {
		case BPF_LD:
			if (i->code == (BPF_LD | BPF_W | BPF_ABS)) {
				if (!load_word(d, i->k, &a))
					return bad(st, "load out of seccomp_data", pc);
				if (i->k >= offsetof(struct seccomp_data, args))
					st->arg_loads++;
			} else if (i->code == (BPF_LD | BPF_IMM)) {
				a = i->k;
			} else if (i->code == (BPF_LD | BPF_MEM) && i->k < BPF_MEMWORDS) {
				a = mem[i->k];
			} else if (i->code == (BPF_LD | BPF_W | BPF_LEN)) {
				a = sizeof(*d);
			} else {
				return bad(st, "unsupported load", pc);
			}
			break;
		case BPF_LDX:
			if (i->code == (BPF_LDX | BPF_IMM))
				x = i->k;
			else if (i->code == (BPF_LDX | BPF_MEM) && i->k < BPF_MEMWORDS)
				x = mem[i->k];
			else if (i->code == (BPF_LDX | BPF_W | BPF_LEN))
				x = sizeof(*d);
			else
				return bad(st, "unsupported ldx", pc);
			break;
		case BPF_ST:
		case BPF_STX:
			if (i->k >= BPF_MEMWORDS)
				return bad(st, "store out of scratch memory", pc);
			mem[i->k] = BPF_CLASS(i->code) == BPF_ST ? a : x;
			break;
		case BPF_ALU:
			if (!alu(i->code, &a, src))
				return bad(st, "bad alu operation", pc);
			break;
		case BPF_JMP:
			if (BPF_OP(i->code) == BPF_JA) {
				if (i->k >= len - pc - 1)
					return bad(st, "jump out of the program", pc);
				pc += i->k;
				break;
			}
			if (!cond_jump(i->code, a, src, &taken))
				return bad(st, "bad jump", pc);
			if ((size_t)(taken ? i->jt : i->jf) >= len - pc - 1)
				return bad(st, "jump out of the program", pc);
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
		default:
			return bad(st, "bad instruction class", pc);
		}
	}
	return bad(st, "fell off the end", len);
}

uint32_t sim_run_all(const struct sj_bpf *bpf, const struct seccomp_data *d,
		     struct sim_stats *st)
{
	uint32_t ret = SECCOMP_RET_ALLOW;

	/* The kernel runs the newest filter first and keeps a result only
	 * when it is strictly more restrictive (seccomp_run_filters); the
	 * newest is PROGS[0], which sc_install() installs last. */
	for (size_t i = 0; i < bpf->nprog; i++) {
		uint32_t cur = sim_run(bpf->prog[i].insns, bpf->prog[i].len, d, st);

		if ((int32_t)(cur & SECCOMP_RET_ACTION_FULL) < (int32_t)(ret & SECCOMP_RET_ACTION_FULL))
			ret = cur;
	}
	return ret;
}

const char *sim_action_name(uint32_t ret, char *buf, size_t len)
{
	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_PROCESS: return "KILL_PROCESS";
	case SECCOMP_RET_KILL_THREAD: return "KILL_THREAD";
	case SECCOMP_RET_TRAP: return "TRAP";
	case SECCOMP_RET_ALLOW: return "ALLOW";
	case SECCOMP_RET_LOG: return "LOG";
	case SECCOMP_RET_TRACE: return "TRACE";
	case SECCOMP_RET_ERRNO:
		snprintf(buf, len, "ERRNO(%s)", pol_errno_name((int)(ret & SECCOMP_RET_DATA)));
		return buf;
	}
	snprintf(buf, len, "0x%08x", ret);
	return buf;
}
