/*
 * fuzz-policy.c: libFuzzer target for the seccomp policy parser
 * (lib/policy.c), and for the compilation of conditions, checked
 * against their direct evaluation.  No libseccomp needed.
 *
 * Input: one byte of jail parameters (bits of enum pol_param; bit 7
 * makes names starting with 'x' unknown syscalls), then the profile's
 * text.  A line "%%" splits off a second file that "@include fuzz"
 * reads; "@include NAME" also reads the embedded profiles.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const char *extra;
	size_t extra_len;
};

static int include(void *ctx, const char *from, const char *name, struct pol_text *out,
		   sj_error *err)
{
	const struct input *in = ctx;

	(void)from;
	if (strcmp(name, "fuzz") == 0 && in->extra) {
		out->text = in->extra;
		out->len = in->extra_len;
	} else {
		size_t i;

		for (i = 0; i < pol_nembedded && strcmp(pol_embedded[i].name, name); i++)
			;
		if (i == pol_nembedded)
			return sj_fail(err, ENOENT, "no profile '%s'", name);
		out->text = pol_embedded[i].text;
		out->len = pol_embedded[i].len;
	}
	out->name = strdup(name);
	return out->name ? 0 : sj_fail(err, ENOMEM, "out of memory");
}

static bool known(void *ctx, const char *name)
{
	(void)ctx;
	return name[0] != 'x';
}

/* Values where a condition's truth may change: its values, their
 * neighbours, the mask, and high-bit garbage on top. */
static void check_cond(const struct pol_cond *c)
{
	static struct pol_cmp cmps[POL_MAX_CMPS];

	for (unsigned width = 32; width <= 64; width += 32) {
		uint64_t u = width == 64 ? ~0ull : 0xffffffffull;
		int n = pol_cond_compile(c, width, cmps, POL_MAX_CMPS);

		if (n < 0)
			continue;
		for (unsigned i = 0; i < c->nval + 1u; i++) {
			uint64_t base = i < c->nval ? c->val[i] : c->mask;

			for (int d = -1; d <= 1; d++)
				for (int g = 0; g < 3; g++) {
					uint64_t x = (base + (uint64_t)(int64_t)d) ^
						     (g == 1 ? 0xdead00000000ull : g == 2 ? ~c->mask : 0);
					bool any = false;

					x &= u;
					for (int k = 0; k < n; k++)
						any |= pol_cmp_eval(&cmps[k], x);
					if (any != pol_cond_eval(c, x))
						__builtin_trap();
				}
		}
	}
}

/* The linter's hook (sysjail --check-policy): every finding is a line
 * of a file the parse read, with a message. */
static void diag(void *ctx, const char *file, unsigned line, bool error, const char *what)
{
	(void)ctx;
	(void)error;
	if (!file || !what || !*what || line == 0 || line > POL_MAX_LINES)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { NULL, 0 };
	struct pol_loader ld = { include, NULL, &in, NULL, NULL };
	const char *text = (const char *)data + 1, *split;
	size_t len = size ? size - 1 : 0;
	struct pol p;
	sj_error err;

	if (size == 0)
		return 0;
	if (data[0] & 0x80)
		ld.known = known;
	/* Bit 5: as the linter reads it, going on past what is wrong. */
	if (data[0] & 0x20)
		ld.diag = diag;
	split = len >= 4 ? memmem(text, len, "\n%%\n", 4) : NULL;
	if (split) {
		in.extra = split + 4;
		in.extra_len = len - (size_t)(split + 4 - text);
		len = (size_t)(split - text) + 1;
	}
	if (pol_parse(&p, "fuzz-root", text, len, data[0] & 0x1f, &ld, &err) < 0) {
		if (!memchr(err.msg, '\0', sizeof(err.msg)) || err.errnum == 0)
			__builtin_trap();
		return 0;
	}
	for (size_t i = 0; i < p.nrule; i++)
		for (unsigned k = 0; k < p.rule[i].ncond; k++)
			check_cond(&p.rule[i].cond[k]);
	pol_free(&p);
	return 0;
}
