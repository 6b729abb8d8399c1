/*
 * test-sysjail.c: the pure logic behind sysjail(8) and the parts of
 * sysjail(3) that need no jail.
 *
 *   - the library's BPF interpreter against the tests' own simulator;
 *   - log-denied's merged program: USER_NOTIF exactly where the stacked
 *     filters answer an errno, their answer everywhere else, for every
 *     combination of the policy parameters, on x86_64 and i386; and
 *     installed on this kernel, a listener answering from the filter;
 *   - the policy linter's findings, each at its file and line, and no
 *     finding in the embedded profiles;
 *   - sysjail's parameters: values, errors, print-config read back;
 *   - the order of the layout mounts.
 *
 * No root needed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/mount.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "bpf-sim.h"
#include "policy.h"
#include "tap.h"

static const uint32_t arches[] = { AUDIT_ARCH_X86_64, AUDIT_ARCH_I386 };

static struct sj_jail *compiled(const char *profile, unsigned params)
{
	sj_error err;
	struct sj_jail *j = sj_jail_new(&err);

	if (!j)
		return NULL;
	j->cfg.seccomp = strdup(profile);
	j->cfg.allow_raw_sockets = params & (1u << POL_RAW_SOCKETS);
	j->cfg.allow_socket_af = params & (1u << POL_SOCKET_AF);
	j->cfg.allow_set_hostname = params & (1u << POL_SET_HOSTNAME);
	j->cfg.allow_sysvipc = params & (1u << POL_SYSVIPC);
	j->cfg.allow_mount = params & (1u << POL_MOUNT);
	if (sc_prepare_ex(j, SC_NO_CACHE, NULL, &err) < 0) {
		printf("# %s: %s\n", profile, err.msg);
		sj_jail_free(j);
		return NULL;
	}
	return j;
}

static uint64_t rnd64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Inputs: every number below 460 on each ABI, arguments that matter to
 * the default profile's checks, and random ones. */
static void input(size_t k, uint64_t *seed, struct seccomp_data *d)
{
	static const uint64_t interesting[] = {
		0, 1, 2, 3, 10, 16, 17, 0x5412, 0x541c, 0x20000, 0x10000000, 0x40000000,
		0x80, 0x2000, 0x6000, 0x8, 0x0040000, 0xffffffff, 0x100005412ull,
	};

	memset(d, 0, sizeof(*d));
	d->arch = arches[k % 2];
	d->nr = (int)((k / 2) % 460);
	d->instruction_pointer = 0x401000;
	for (int i = 0; i < 6; i++)
		d->args[i] = (k / 920) % 2 ? rnd64(seed) :
			     interesting[(k + (size_t)i * 7 + rnd64(seed) % 5) % SJ_NELEM(interesting)];
}

static void test_interpreter(void)
{
	const char *profiles[] = { "default", "minimal" };

	for (size_t p = 0; p < SJ_NELEM(profiles); p++) {
		struct sj_jail *j = compiled(profiles[p], 0);
		uint64_t seed = 88172645463325252ull;
		size_t bad = 0, n = 0;
		char tn[96], b1[48], b2[48];
		struct seccomp_data d;

		if (!tap(j != NULL, "compile", "%s", profiles[p]))
			continue;
		for (size_t k = 0; k < 920 * 4; k++) {
			struct sim_stats st = { 0 };
			uint32_t lib, sim;

			input(k, &seed, &d);
			lib = bpf_run_all(&j->bpf, &d);
			sim = sim_run_all(&j->bpf, &d, &st);
			n++;
			if (lib != sim && bad++ == 0)
				printf("# nr %d arch %x: library %s, simulator %s\n", d.nr, d.arch,
				       sim_action_name(lib, b1, sizeof(b1)),
				       sim_action_name(sim, b2, sizeof(b2)));
		}
		snprintf(tn, sizeof(tn), "bpf_run_all agrees with the simulator on '%s' (%zu inputs)",
			 profiles[p], n);
		tap(bad == 0, tn, "%zu differ", bad);
		sj_jail_free(j);
	}
}

/* The merged program against the stack, under every parameter set. */
static void test_notify_merge(void)
{
	for (unsigned params = 0; params < 1u << POL_NPARAMS; params++) {
		struct sj_jail *j = compiled("default", params);
		struct sj_bpf merged;
		uint64_t seed = 0x9e3779b97f4a7c15ull + params;
		size_t bad = 0, notified = 0;
		char tn[128], b1[48], b2[48];
		sj_error err;

		if (!j)
			continue;
		if (!tap(bpf_notify(&j->bpf, &merged, &err) == 0 && merged.nprog == 1,
			 "bpf_notify merges the default profile", "%s", err.msg)) {
			sj_jail_free(j);
			continue;
		}
		for (size_t k = 0; k < 920 * 4; k++) {
			struct sim_stats st = { 0 };
			struct seccomp_data d;
			uint32_t stack, got, want;

			input(k, &seed, &d);
			stack = sim_run_all(&j->bpf, &d, &st);
			got = sim_run(merged.prog[0].insns, merged.prog[0].len, &d, &st);
			want = (stack & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO ?
			       SECCOMP_RET_USER_NOTIF : stack;
			notified += want == SECCOMP_RET_USER_NOTIF;
			if ((got != want || st.bad) && bad++ == 0)
				printf("# params %u nr %d arch %x: merged %s, want %s %s\n", params,
				       d.nr, d.arch, sim_action_name(got, b1, sizeof(b1)),
				       sim_action_name(want, b2, sizeof(b2)), st.bad ? st.why : "");
		}
		snprintf(tn, sizeof(tn), "merged filter = stack with errno -> notify, params %u "
			 "(%zu notified)", params, notified);
		tap(bad == 0 && notified > 0, tn, "%zu differ", bad);
		free(merged.prog[0].insns);
		sj_jail_free(j);
	}
}

/* A profile of one filter merges too: its returns rewritten. */
static void test_notify_single(void)
{
	struct sj_jail *j = compiled("minimal", 0);
	struct sj_bpf one = { 0 }, merged;
	struct seccomp_data d = { .nr = SYS_openat, .arch = AUDIT_ARCH_X86_64 };
	struct sim_stats st = { 0 };
	sj_error err;

	if (!j)
		return;
	one.nprog = 1;
	one.prog[0] = j->bpf.prog[0];
	tap(bpf_notify(&one, &merged, &err) == 0, "bpf_notify of one program", "%s", err.msg);
	tap(sim_run(merged.prog[0].insns, merged.prog[0].len, &d, &st) == SECCOMP_RET_USER_NOTIF,
	    "one program: openat (ENOSYS) notifies", " ");
	d.nr = SYS_read;
	tap(sim_run(merged.prog[0].insns, merged.prog[0].len, &d, &st) == SECCOMP_RET_ALLOW,
	    "one program: read stays allowed", " ");
	free(merged.prog[0].insns);
	sj_jail_free(j);
}

static int send_fd(int sock, int fd)
{
	char c = 'l', ctl[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { &c, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			    .msg_controllen = sizeof(ctl) };
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);

	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &fd, sizeof(fd));
	return sendmsg(sock, &m, 0) < 0 ? -1 : 0;
}

static int recv_fd(int sock)
{
	char c, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &c, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			    .msg_controllen = sizeof(ctl) };
	int fd;

	if (recvmsg(sock, &m, 0) <= 0 || !CMSG_FIRSTHDR(&m))
		return -1;
	memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(fd));
	return fd;
}

/*
 * The merged program on this kernel: a child installs it with a
 * listener and hands it over; its mount(2) and its bluetooth socket wait
 * for the listener here, which answers each with the errno the stacked
 * filters give; read(2) never reaches it.
 */
static void test_notify_kernel(void)
{
	struct sj_jail *j = compiled("default", 0);
	struct sj_bpf merged;
	int sv[2], listener, status, seen = 0;
	sj_error err;
	pid_t pid;

	if (!j || bpf_notify(&j->bpf, &merged, &err) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		tap(false, "kernel: setting up", "%s", err.msg);
		return;
	}
	pid = fork();
	if (pid == 0) {
		struct sock_fprog fp = { (unsigned short)merged.prog[0].len, merged.prog[0].insns };
		char buf[1];
		int fd, ok = 1;

		close(sv[0]);
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
				  SECCOMP_FILTER_FLAG_NEW_LISTENER, &fp);
		if (fd < 0 || send_fd(sv[1], fd) < 0)
			_exit(10);
		close(fd);
		ok &= syscall(SYS_mount, "none", "/", "tmpfs", 0, NULL) == -1 && errno == EPERM;
		ok &= socket(AF_BLUETOOTH, SOCK_STREAM, 0) == -1 && errno == EAFNOSUPPORT;
		ok &= read(sv[1], buf, 0) == 0;
		_exit(ok ? 0 : 11);
	}
	close(sv[1]);
	listener = recv_fd(sv[0]);
	if (tap(listener >= 0, "kernel accepts the merged filter with a listener", "%s",
		"the child could not install it")) {
		for (int i = 0; i < 2; i++) {
			struct seccomp_notif n = { 0 };
			struct seccomp_notif_resp r = { 0 };
			uint32_t ret;

			if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &n) < 0)
				break;
			ret = bpf_run_all(&j->bpf, &n.data);
			r.id = n.id;
			r.error = -(int)(ret & SECCOMP_RET_DATA);
			ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &r);
			seen++;
		}
		close(listener);
	}
	waitpid(pid, &status, 0);
	tap(seen == 2 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "kernel: the refused calls reach the listener and fail with the filter's errno",
	    "%d notifications, child status 0x%x", seen, status);
	free(merged.prog[0].insns);
	sj_jail_free(j);
	close(sv[0]);
}

/* The linter. */

static char tmpdir[] = "/tmp/sj-test-sysjail.XXXXXX";

struct findings {
	char text[8192];
	int n;
};

static void collect(void *ctx, const char *msg)
{
	struct findings *f = ctx;
	size_t len = strlen(f->text);

	snprintf(f->text + len, sizeof(f->text) - len, "%s\n", msg);
	f->n++;
}

static const char *write_file(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (!f)
		return NULL;
	fputs(text, f);
	fclose(f);
	chmod(path, 0644);
	return path;
}

static const struct lint_case {
	const char *name, *text, *expect;	/* EXPECT: a line, in the findings */
} lint_cases[] = {
	{ "unknown", "allow read frobnicate\n", ":1: error: unknown syscall 'frobnicate'" },
	{ "duplicate", "allow read\nallow write read\n",
	  ":2: warning: duplicate: read is already allowed at" },
	{ "dead", "deny getpid\nallow read\nallow getpid\n",
	  ":1: warning: deny getpid never takes effect" },
	{ "unreachable", "allow read\ndeny getuid EPERM if arg0 == 1\n",
	  ":2: error: deny getuid ... if: unreachable, getuid is not allowed" },
	{ "always", "allow read socket\ndeny socket EPERM if arg0 <= 0xffffffffffffffff\n",
	  ":1: error: allow socket: unreachable, deny socket ... if at" },
	{ "abi", "allow read arm_fadvise64_64\n",
	  ":1: warning: arm_fadvise64_64 exists on no ABI of this machine" },
	{ "syntax", "allow read\nallow\n", ":2: error: expected a syscall name" },
	{ "blocks", "allow read\n@when allow.mount\ndeny read\n@end\n", NULL },
};

static void test_lint(void)
{
	const char *name;
	struct findings f;
	sj_error err;
	int n;

	for (size_t i = 0; i < SJ_NELEM(lint_cases); i++) {
		const struct lint_case *c = &lint_cases[i];
		const char *path = write_file(c->name, c->text);
		char tn[96];

		memset(&f, 0, sizeof(f));
		n = path ? sj_policy_check(path, collect, &f, &err) : -1;
		snprintf(tn, sizeof(tn), "check-policy: %s", c->name);
		if (c->expect)
			tap(n > 0 && strstr(f.text, c->expect) && strstr(f.text, path), tn,
			    "%d findings, none with '%s': %s", n, c->expect, f.text);
		else
			tap(n == 0, tn, "%d findings: %s", n, f.text);
	}
	for (size_t i = 0; (name = i < pol_nembedded ? pol_embedded[i].name : NULL); i++) {
		char tn[96];

		memset(&f, 0, sizeof(f));
		n = sj_policy_check(name, collect, &f, &err);
		snprintf(tn, sizeof(tn), "check-policy: embedded '%s' is clean", name);
		tap(n == 0, tn, "%d: %s%s", n, f.text, n < 0 ? err.msg : "");
	}
	n = sj_policy_check("/nonexistent/x.policy", collect, &f, &err);
	tap(n == -1 && err.errnum == ENOENT, "check-policy: a missing file is an error",
	    "%d %s", n, err.msg);
}

/* sysjail's parameters. */

static const struct param_case {
	const char *name, *value;
	bool ok;
	const char *got;		/* what sj_jail_get() then says (ok only) */
} param_cases[] = {
	{ "bind", "/a /b", true, "/a /b" },
	{ "bind", "/a", false, NULL },
	{ "bind", "a /b", false, NULL },
	{ "bind", "/a /b /c", false, NULL },
	{ "ro-bind", "/with\\040space /b", true, "/with\\040space /b" },
	{ "tmpfs", "/t", true, "/t" },
	{ "tmpfs", "t", false, NULL },
	{ "dir", "/d", true, "/d" },
	{ "symlink", "../x /l", true, "../x /l" },
	{ "symlink", "x l", false, NULL },
	{ "chmod", "0755 /d", true, "0755 /d" },
	{ "chmod", "rwx /d", false, NULL },
	{ "chmod", "17777 /d", false, NULL },
	{ "chdir", "/srv", true, "/srv" },
	{ "chdir", "srv", false, NULL },
	{ "setenv", "A=b c", true, "A=b c" },
	{ "setenv", "A", false, NULL },
	{ "setenv", "=b", false, NULL },
	{ "unsetenv", "A", true, "A" },
	{ "unsetenv", "A=b", false, NULL },
	{ "uid", "1000", true, "1000" },
	{ "uid", "-1", false, NULL },
	{ "gid", "x", false, NULL },
	{ "log-denied", NULL, true, "-" },
	{ "log-denied", "/var/log/x", true, "/var/log/x" },
	{ "log-denied", "false", true, "" },
	{ "log-denied", "relative", false, NULL },
	{ "hostname", "alias.example", true, "alias.example" },
	{ "seccomp", "minimal", true, "minimal" },
	{ "clearenv", NULL, true, "true" },
	{ "new-session", "yes", true, "true" },
	{ "die-with-parent", "maybe", false, NULL },
};

static void test_params(void)
{
	char buf[256], tn[128];
	sj_error err;
	sj_jail *j;

	for (size_t i = 0; i < SJ_NELEM(param_cases); i++) {
		const struct param_case *c = &param_cases[i];
		int r;

		j = sj_jail_new(&err);
		r = sj_jail_set(j, c->name, c->value, &err);
		snprintf(tn, sizeof(tn), "param %s=%s %s", c->name, c->value ? c->value : "(none)",
			 c->ok ? "is taken" : "is refused");
		if (c->ok) {
			r = r == 0 ? sj_jail_get(j, c->name, buf, sizeof(buf), &err) : -1;
			tap(r >= 0 && strcmp(buf, c->got) == 0, tn, "got %s", r >= 0 ? buf : err.msg);
		} else {
			tap(r < 0 && err.errnum == EINVAL && strstr(err.msg, c->name), tn,
			    "%s", r < 0 ? err.msg : "taken");
		}
		sj_jail_free(j);
	}
	j = sj_jail_new(&err);
	sj_jail_set(j, "share-net", NULL, &err);
	sj_jail_get(j, "ip4", buf, sizeof(buf), &err);
	tap(strcmp(buf, "inherit") == 0, "share-net is ip4=inherit", "%s", buf);
	sj_jail_get(j, "ip6", buf, sizeof(buf), &err);
	tap(strcmp(buf, "inherit") == 0, "share-net is ip6=inherit", "%s", buf);
	sj_jail_set(j, "share-net", "false", &err);
	sj_jail_get(j, "ip4", buf, sizeof(buf), &err);
	tap(strcmp(buf, "disable") == 0, "share-net=false undoes it", "%s", buf);
	sj_jail_free(j);
	tap((sj_param_flags("ro-bind") & (SJ_PARAM_LIST | SJ_PARAM_JAIL8)) ==
	    (SJ_PARAM_LIST | SJ_PARAM_JAIL8), "ro-bind is a list of jail(8)'s", " ");
	tap(sj_param_flags("share-net") & SJ_PARAM_BOOL, "share-net is a boolean", " ");
	tap(sj_param_exists("noclearenv"), "noclearenv is a parameter", " ");
}

static void conf_warn(void *ctx, const char *msg)
{
	(void)ctx;
	printf("# %s\n", msg);
}

/* print-config's text, read back by jail.conf(5)'s parser, is the same jail. */
static void test_print_config(void)
{
	static const char *const set[][2] = {
		{ "name", "web" }, { "path", "/srv/it's" }, { "persist", NULL },
		{ "ro-bind", "/usr /usr" }, { "bind", "/a\\040b /c" }, { "tmpfs", "/tmp" },
		{ "setenv", "X=$HOME" }, { "setenv", "Y=a 'b' \"c\"" }, { "uid", "7" },
		{ "allow.raw_sockets", NULL }, { "sysjail.seccomp", "minimal" },
		{ "log-denied", "/var/log/denied" }, { "chmod", "700 /tmp" },
	};
	char *text, *again = NULL;
	sj_jail *j, *k;
	sj_conf *c;
	sj_error err;

	j = sj_jail_new(&err);
	for (size_t i = 0; i < SJ_NELEM(set); i++)
		if ((sj_param_flags(set[i][0]) & SJ_PARAM_LIST ? sj_jail_add : sj_jail_set)
		    (j, set[i][0], set[i][1], &err) < 0)
			tap(false, "print-config: setting", "%s", err.msg);
	text = sj_jail_conf(j, &err);
	if (!tap(text != NULL, "print-config: the text", "%s", err.msg))
		return;
	c = sj_conf_load_text("print-config", text, strlen(text), conf_warn, NULL, &err);
	k = sj_jail_new(&err);
	if (tap(c && sj_conf_apply(c, "web", k, &err) == 0, "print-config: jail.conf reads it",
		"%s\n%s", err.msg, text))
		again = sj_jail_conf(k, &err);
	/* The default hostname is one, then set. */
	if (strstr(text, "\t# by default"))
		memmove(strstr(text, "\t# by default"), strstr(text, "\t# by default") + 13,
			strlen(strstr(text, "\t# by default") + 13) + 1);
	tap(again && strcmp(text, again) == 0, "print-config: read back, it is the same jail",
	    "\n%s---\n%s", text, again ? again : err.msg);
	free(text);
	free(again);
	sj_conf_free(c);
	sj_jail_free(j);
	sj_jail_free(k);
}

/* The layout's mounts: parents first, whatever order they came in. */
static void test_layout_order(void)
{
	static const char *const set[][2] = {
		{ "bind", "/etc /x/y/z" }, { "ro-bind", "/usr /x/y" }, { "tmpfs", "/x" },
		{ "proc", "/x/proc" }, { "proc", "/proc" }, { "dev", "/dev/" },
	};
	static const char *const want[] = { "x", "x/y", "x/proc", "x/y/z" };
	char got[256] = "";
	sj_error err;
	sj_jail *j = sj_jail_new(&err);
	bool ok;

	sj_jail_set(j, "path", "/", &err);
	for (size_t i = 0; i < SJ_NELEM(set); i++)
		sj_jail_add(j, set[i][0], set[i][1], &err);
	ok = layout_mounts(j, &err) == 0 && j->nmounts == SJ_NELEM(want);
	for (size_t i = 0; i < j->nmounts; i++) {
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s ", j->mounts[i].target);
		ok = ok && i < SJ_NELEM(want) && strcmp(j->mounts[i].target, want[i]) == 0;
	}
	tap(ok, "layout: mounts by depth, the jail's own /dev and /proc left out", "%s%s", got,
	    err.msg);
	tap(j->nmounts == 4 && j->mounts[2].special == 'p' && !j->mounts[2].bind &&
	    j->mounts[1].bind && (j->mounts[1].attrs & MOUNT_ATTR_RDONLY) &&
	    !(j->mounts[3].attrs & MOUNT_ATTR_RDONLY),
	    "layout: ro-bind read-only, bind not, proc a copy", " ");
	sj_jail_free(j);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_interpreter();
	test_notify_merge();
	test_notify_single();
	test_notify_kernel();
	test_lint();
	test_params();
	test_print_config();
	test_layout_order();
	for (size_t i = 0; i < SJ_NELEM(lint_cases); i++) {
		char path[256];

		snprintf(path, sizeof(path), "%s/%s", tmpdir, lint_cases[i].name);
		unlink(path);
	}
	rmdir(tmpdir);
	return tap_exit();
}
