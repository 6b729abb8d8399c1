/*
 * learn.c: sysjail --learn, the smallest profile that lets a command run.
 *
 * The jail runs as any other, under its profile (the default one unless
 * sysjail.seccomp names another), and a tracer on the host watches it
 * with ptrace(2): every system call the jail's init makes once its
 * filter is installed, and every call of the command and what it
 * starts, is noted as (ABI, number).  The tracer only looks (it never
 * changes a register or skips a call), and the filter decides each call
 * as it always does: a call the profile refuses is refused during
 * learning too.
 *
 * The profile written names the calls seen: "allow" for those the base
 * profile allows, with the base profile's argument checks on them,
 * "deny NAME ERRNO" for those it refused with another errno than ENOSYS
 * (the rest fall to the default ENOSYS, as they did).  A name covers
 * every ABI that has it.  A few calls the jail's init makes only on
 * events (forwarding a signal: kill) are allowed too, when the base
 * profile allows them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "policy.h"

/* Calls of the jail's init that a run may or may not show (sendmsg:
 * it hands log-denied's listener over with it). */
static const char *const init_needs[] = {
	"kill", "wait4", "rt_sigtimedwait", "rt_sigtimedwait_time64", "recvfrom", "sendto",
	"sendmsg", "close", "exit_group", "getdents64", "openat", "newfstatat", "fstat",
};

struct seen {
	uint32_t arch;
	int32_t nr;
};

struct calls {
	struct seen *v;
	size_t n, cap;
};

static void note(struct calls *c, uint32_t arch, int32_t nr)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].arch == arch && c->v[i].nr == nr)
			return;
	if (c->n == c->cap) {
		struct seen *v = realloc(c->v, (c->cap = c->cap ? c->cap * 2 : 256) * sizeof(*v));

		if (!v)
			_exit(3);
		c->v = v;
	}
	c->v[c->n++] = (struct seen){ arch, nr };
}

/* Whether the init has its whole filter: NPROG programs installed
 * (the allow-list last: what comes before it needs no allow). */
static bool init_filtered(pid_t init, size_t nprog)
{
	char path[64], line[256];
	bool done = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)init);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "Seccomp_filters:", 16) == 0)
			done = strtoul(line + 16, NULL, 10) >= nprog;
	fclose(f);
	return done;
}

/*
 * The tracer: seize the init (waiting for sj_start()), follow it and all
 * it starts, note their calls, and write them to OUT when none is left.
 */
static void __attribute__((noreturn)) tracer(pid_t init, size_t nprog, int ready, int out)
{
	long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
		    PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
	struct calls c = { 0 };
	bool init_done = false;

	if (ptrace(PTRACE_SEIZE, init, 0, opts) < 0 || ptrace(PTRACE_INTERRUPT, init, 0, 0) < 0)
		_exit(1);
	if (write(ready, "r", 1) != 1)
		_exit(1);
	close(ready);
	for (;;) {
		struct __ptrace_syscall_info info;
		int st, sig, event, inject = 0;
		pid_t pid = waitpid(-1, &st, __WALL);

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;		/* ECHILD: every tracee is gone */
		}
		if (!WIFSTOPPED(st))
			continue;
		sig = WSTOPSIG(st);
		event = (int)((unsigned)st >> 16);
		if (sig == (SIGTRAP | 0x80)) {
			memset(&info, 0, sizeof(info));
			if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(info), &info) > 0 &&
			    info.op == PTRACE_SYSCALL_INFO_ENTRY) {
				if (pid != init || init_done || (init_done = init_filtered(init, nprog)))
					note(&c, info.arch, (int32_t)info.entry.nr);
			}
		} else if (event == PTRACE_EVENT_STOP) {
			/* A group-stop stays one; other stops (the seize's
			 * interrupt, a new tracee's first) go on. */
			if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
				ptrace(PTRACE_LISTEN, pid, 0, 0);
				continue;
			}
		} else if (event == 0) {
			inject = sig;	/* a signal for the tracee: deliver it */
		}
		ptrace(PTRACE_SYSCALL, pid, 0, inject);
	}
	if (sj_write_all(out, c.v, c.n * sizeof(*c.v)) < 0)
		_exit(1);
	_exit(0);
}

/* Append VALUE as a policy value. */
static void put_value(FILE *f, uint64_t v)
{
	if (v < 10)
		fprintf(f, "%llu", (unsigned long long)v);
	else
		fprintf(f, "0x%llx", (unsigned long long)v);
}

/* A conditional deny, as the policy language writes it. */
static void put_conditional(FILE *f, const struct pol_rule *r)
{
	static const char *const ops[] = {
		[POL_EQ] = "==", [POL_NE] = "!=", [POL_LT] = "<", [POL_LE] = "<=",
		[POL_GT] = ">", [POL_GE] = ">=", [POL_IN] = "in", [POL_NOTIN] = "not in",
	};

	fprintf(f, "deny %s %s if", r->name, pol_errno_name(r->errnum));
	for (unsigned i = 0; i < r->ncond; i++) {
		const struct pol_cond *c = &r->cond[i];

		fprintf(f, "%s arg%u", i ? " &&" : "", c->arg);
		if (c->masked) {
			fputs(" & ", f);
			put_value(f, c->mask);
		}
		fprintf(f, " %s ", ops[c->op]);
		for (unsigned k = 0; k < c->nval; k++) {
			if (k)
				fputs(", ", f);
			put_value(f, c->val[k]);
		}
	}
	fputc('\n', f);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Write "WORD NAME NAME ..." lines of at most 76 columns. */
static void put_names(FILE *f, const char *word, char **names, size_t n)
{
	int col = 0;

	for (size_t i = 0; i < n; i++) {
		if (col && col + 1 + (int)strlen(names[i]) > 76) {
			fputc('\n', f);
			col = 0;
		}
		col += col ? fprintf(f, " %s", names[i]) : fprintf(f, "%s %s", word, names[i]);
	}
	if (col)
		fputc('\n', f);
}

/* Whether NAME is in the first N of V. */
static bool listed(char **v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], name) == 0)
			return true;
	return false;
}

/* The profile for the calls C, from the base profile P. */
static char *write_profile(const struct sj_jail *j, const struct pol *p, const struct seen *c,
			   size_t n, sj_error *err)
{
	char **names = calloc(n + SJ_NELEM(init_needs) + 1, sizeof(*names));
	char *text = NULL, **allowed, **denied;
	size_t nn = 0, na = 0, nd = 0, len = 0;
	unsigned abis = 0;
	uint32_t arches[4];
	size_t narch = sc_arches(arches, SJ_NELEM(arches));
	FILE *f;

	if (!names)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		char *name = sc_syscall_name(c[i].arch, c[i].nr);

		for (size_t a = 0; a < narch; a++)
			if (arches[a] == c[i].arch)
				abis |= 1u << a;
		if (!name || listed(names, nn, name)) {
			free(name);
			continue;
		}
		names[nn++] = name;
	}
	for (size_t i = 0; i < SJ_NELEM(init_needs); i++) {
		if (!sc_name_arches(init_needs[i]) || listed(names, nn, init_needs[i]))
			continue;
		if (!(names[nn] = strdup(init_needs[i])))
			goto oom;
		nn++;
	}
	qsort(names, nn, sizeof(*names), cmp_str);
	allowed = calloc(nn + 1, sizeof(*allowed));
	denied = calloc(nn + 1, sizeof(*denied));
	f = open_memstream(&text, &len);
	if (!allowed || !denied || !f) {
		free(allowed);
		free(denied);
		if (f)
			fclose(f);
		goto oom;
	}
	for (size_t i = 0; i < nn; i++) {
		const struct pol_rule *u = pol_find(p, names[i]);

		if (u && !u->errnum)
			allowed[na++] = names[i];
		else if (u && u->errnum != ENOSYS)
			denied[nd++] = names[i];
	}
	fputs("# Learned by sysjail --learn from:", f);
	for (char **a = j->cfg.command; a && *a; a++) {
		fputc(' ', f);
		for (const char *ch = *a; *ch; ch++)
			fputc((unsigned char)*ch < ' ' ? '?' : *ch, f);
	}
	fprintf(f, "\n# under the profile '%s'; ABIs seen:", j->cfg.seccomp ? j->cfg.seccomp
		: "default");
	for (size_t a = 0; a < narch; a++)
		if (abis & (1u << a))
			fprintf(f, " %s", sc_arch_name(arches[a]));
	fputs(".\n# A call named here is allowed on every ABI that has it; any other\n"
	      "# fails with ENOSYS.\n\n", f);
	put_names(f, "allow", allowed, na);
	for (size_t i = 0; i < nd; i++)
		fprintf(f, "deny %s %s\n", denied[i], pol_errno_name(pol_find(p, denied[i])->errnum));
	for (size_t i = 0; i < p->nrule; i++)
		if (p->rule[i].cond && listed(allowed, na, p->rule[i].name))
			put_conditional(f, &p->rule[i]);
	free(allowed);
	free(denied);
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
oom:
	for (size_t i = 0; names && i < nn; i++)
		free(names[i]);
	free(names);
	sj_fail(err, ENOMEM, "out of memory");
	return NULL;
}

/* Read everything from FD into *BUF. */
static ssize_t read_all(int fd, void **buf)
{
	size_t n = 0, cap = 0;
	char *b = NULL;

	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb = realloc(b, cap = cap ? cap * 2 : 4096);

			if (!nb) {
				free(b);
				return -1;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(b);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*buf = b;
	return (ssize_t)n;
}

/* Undo a jail created but not started: its init killed, sj_start()
 * then undoes everything sj_create() made. */
static void abandon(sj_jail *j)
{
	sj_error ignored;

	sj_forward_signal(j, SIGKILL);
	sj_start(j, &ignored);
}

int sj_learn(sj_jail *j, char **profile, int *status, sj_error *err)
{
	struct pol base;
	int ready[2] = { -1, -1 }, out[2] = { -1, -1 };
	void *data = NULL;
	ssize_t n;
	pid_t pid;
	char c;
	int r = -1, wst;

	sj_error_clear(err);
	*profile = NULL;
	if (!j->cfg.command)
		return sj_fail(err, EINVAL, "learn: the jail needs a command");
	if (j->cfg.persist)
		return sj_fail(err, EINVAL, "learn: a persistent jail never ends; learning needs "
			       "a jail that ends with its command");
	if (j->cfg.log_denied)
		return sj_fail(err, EINVAL, "learn: log-denied and learning do not mix");
	if (sc_parse(j->cfg.seccomp ? j->cfg.seccomp : "default", sc_policy_params(&j->cfg),
		     NULL, NULL, &base, err) < 0)
		return -1;
	if (sj_create(j, err) < 0)
		goto out;
	if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
		sj_fail_errno(err, "learn: pipe");
		abandon(j);
		goto out;
	}
	pid = fork();
	if (pid == 0)
		tracer(j->init_pid, j->bpf.nprog, ready[1], out[1]);
	close(ready[1]);
	close(out[1]);
	out[1] = ready[1] = -1;
	if (pid < 0 || read(ready[0], &c, 1) != 1) {
		sj_fail(err, EPERM, "learn: cannot trace the jail's init (ptrace)");
		abandon(j);
		if (pid > 0)
			waitpid(pid, &wst, 0);
		goto out;
	}
	if (sj_start(j, err) < 0 || sj_wait(j, status, err) < 0) {
		waitpid(pid, &wst, 0);
		goto out;
	}
	n = read_all(out[0], &data);
	if (waitpid(pid, &wst, 0) < 0 || !WIFEXITED(wst) || WEXITSTATUS(wst) != 0 || n < 0) {
		sj_fail(err, EIO, "learn: the tracer failed");
		goto out;
	}
	*profile = write_profile(j, &base, data, (size_t)n / sizeof(struct seen), err);
	r = *profile ? 0 : -1;
out:
	for (int i = 0; i < 2; i++) {
		if (ready[i] >= 0)
			close(ready[i]);
		if (out[i] >= 0)
			close(out[i]);
	}
	free(data);
	pol_free(&base);
	return r;
}
