/*
 * test-landlock.c: what needs no jail of Landlock and of the unprivileged
 * modes: the port lists of sysjail.tcp.*, the new parameters through the
 * table, the check that refuses what the kernel cannot apply, and the
 * registry a user gets by default.  No root needed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/sj-private.h"
#include "tap.h"

struct ports_case {
	const char *text;
	int result;
	size_t n;
	uint16_t first, last;
};

static const struct ports_case ports[] = {
	{ "80", 0, 1, 80, 80 },
	{ "80,443", 0, 2, 80, 443 },
	{ "8000-8099", 0, 100, 8000, 8099 },
	{ "0,22,8000-8001", 0, 4, 0, 8001 },
	{ "65535", 0, 1, 65535, 65535 },
	{ "none", 0, 0, 0, 0 },
	{ "1-4096", 0, 4096, 1, 4096 },
	{ "1-4097", -1, 0, 0, 0 },
	{ "", -1, 0, 0, 0 },
	{ "80,", -1, 0, 0, 0 },
	{ ",80", -1, 0, 0, 0 },
	{ "65536", -1, 0, 0, 0 },
	{ "90-80", -1, 0, 0, 0 },
	{ "8x", -1, 0, 0, 0 },
	{ "-1", -1, 0, 0, 0 },
	{ "80-", -1, 0, 0, 0 },
	{ "80 443", -1, 0, 0, 0 },
	{ "all", -1, 0, 0, 0 },
};

static void test_ports(void)
{
	for (size_t i = 0; i < SJ_NELEM(ports); i++) {
		const struct ports_case *c = &ports[i];
		uint16_t *v = NULL;
		size_t n = 99;
		sj_error err = { 0 };
		char name[80];
		int r = ll_ports_parse(c->text, &v, &n, &err);

		snprintf(name, sizeof(name), "ports '%s'", c->text);
		if (c->result < 0)
			tap(r < 0 && err.errnum == EINVAL && !v && err.msg[0], name,
			    "parsed (r=%d): %s", r, err.msg);
		else
			tap(r == 0 && n == c->n && (!n || (v[0] == c->first && v[n - 1] == c->last)),
			    name, "r=%d n=%zu: %s", r, n, err.msg);
		free(v);
	}
}

/* The new parameters, set and read back through the table. */
static void test_params(void)
{
	static const struct {
		const char *name, *value, *back;
		int result;
	} cases[] = {
		{ "sysjail.mode", "confine", "confine", 0 },
		{ "sysjail.mode", "userns", "userns", 0 },
		{ "sysjail.mode", "auto", "auto", 0 },
		{ "sysjail.mode", "jail", NULL, -1 },
		{ "sysjail.tcp.bind", "80,8000-8010", "80,8000-8010", 0 },
		{ "sysjail.tcp.connect", "none", "none", 0 },
		{ "sysjail.tcp.connect", "http", NULL, -1 },
		{ "sysjail.landlock.fs", NULL, "true", 0 },
		{ "sysjail.readonly", "false", "false", 0 },
		{ "sysjail.keep_uid", "1", "true", 0 },
	};
	struct sj_config c;

	params_init(&c);
	for (size_t i = 0; i < SJ_NELEM(cases); i++) {
		char name[96], buf[64] = "";
		sj_error err = { 0 };
		int r = params_set(&c, cases[i].name, cases[i].value, &err);

		snprintf(name, sizeof(name), "%s=%s", cases[i].name,
			 cases[i].value ? cases[i].value : "(none)");
		if (cases[i].result < 0) {
			tap(r < 0 && strncmp(err.msg, cases[i].name, strlen(cases[i].name)) == 0,
			    name, "accepted, or an error not naming it: %s", err.msg);
			continue;
		}
		params_get(&c, cases[i].name, buf, sizeof(buf), &err);
		tap(r == 0 && strcmp(buf, cases[i].back) == 0, name, "r=%d, read back '%s': %s",
		    r, buf, err.msg);
	}
	params_free(&c);
}

/* A jail confined in place needs ABI 6: refused on a kernel without it. */
static void test_check(void)
{
	sj_error err = { 0 };
	int abi = ll_abi();
	sj_jail *j = sj_jail_new(&err);
	int r;

	if (!j) {
		tap(false, "a jail", "%s", err.msg);
		return;
	}
	tap(abi >= 0, "the Landlock ABI", "%d", abi);
	j->mode = SJ_MODE_CONFINE;
	j->cfg.mode = SJ_MODE_CONFINE;
	r = ll_check(j, &err);
	if (abi >= 6)
		tap(r == 0, "confined in place, on this kernel (ABI 6 or later)", "%s", err.msg);
	else
		tap(r < 0 && err.errnum == EOPNOTSUPP && strstr(err.msg, "needs Landlock ABI 6"),
		    "confined in place, refused on an older kernel", "r=%d: %s", r, err.msg);
	j->mode = j->cfg.mode = SJ_MODE_ROOT;
	r = ll_check(j, &err);
	tap(r == 0, "root's jail needs nothing of Landlock", "%s", err.msg);
	params_set(&j->cfg, "sysjail.tcp.bind", "80", &err);
	r = ll_check(j, &err);
	tap(abi >= 4 ? r == 0 : r < 0 && err.errnum == EOPNOTSUPP, "TCP port rules asked for",
	    "abi %d, r=%d: %s", abi, r, err.msg);
	sj_jail_free(j);
}

/* Where a user's registry is by default. */
static void test_default_rundir(void)
{
	char buf[256];
	char *saved = getenv("XDG_RUNTIME_DIR") ? strdup(getenv("XDG_RUNTIME_DIR")) : NULL;

	if (geteuid() == 0) {
		tap(strcmp(reg_default_dir(buf, sizeof(buf)), SJ_RUNDIR) == 0,
		    "root's registry", "%s", buf);
		free(saved);
		return;
	}
	setenv("XDG_RUNTIME_DIR", "/run/user/4242", 1);
	tap(strcmp(reg_default_dir(buf, sizeof(buf)), "/run/user/4242/sysjail") == 0,
	    "a user's registry under XDG_RUNTIME_DIR", "%s", buf);
	unsetenv("XDG_RUNTIME_DIR");
	{
		char want[64];

		snprintf(want, sizeof(want), "/tmp/sysjail-%u", (unsigned)geteuid());
		tap(strcmp(reg_default_dir(buf, sizeof(buf)), want) == 0,
		    "a user's registry without XDG_RUNTIME_DIR", "%s", buf);
	}
	setenv("XDG_RUNTIME_DIR", "relative", 1);
	tap(strncmp(reg_default_dir(buf, sizeof(buf)), "/tmp/sysjail-", 13) == 0,
	    "a relative XDG_RUNTIME_DIR is not used", "%s", buf);
	if (saved)
		setenv("XDG_RUNTIME_DIR", saved, 1);
	else
		unsetenv("XDG_RUNTIME_DIR");
	free(saved);
}

int main(void)
{
	test_ports();
	test_params();
	test_check();
	test_default_rundir();
	return tap_exit();
}
