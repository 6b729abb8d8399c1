/*
 * priv.c: probes of privilege.  Calls that would change the machine if
 * they went through get arguments that fail after the permission check:
 * "reached" then means the jail's root got past the check a jail must
 * fail, and nothing happened.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <linux/reboot.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helper.h"

static const char *const cap_names[] = {
	"chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill",
	"setgid", "setuid", "setpcap", "linux_immutable", "net_bind_service",
	"net_broadcast", "net_admin", "net_raw", "ipc_lock", "ipc_owner",
	"sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct",
	"sys_admin", "sys_boot", "sys_nice", "sys_resource", "sys_time",
	"sys_tty_config", "mknod", "lease", "audit_write", "audit_control",
	"setfcap", "mac_override", "mac_admin", "syslog", "wake_alarm",
	"block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
};

/* What jail(8) documents a jail keeps (lib/caps.c), and what allow.* adds. */
static uint64_t documented_caps(const struct ctx *c)
{
	static const int kept[] = {
		CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID, CAP_KILL,
		CAP_SETGID, CAP_SETUID, CAP_SETPCAP, CAP_NET_BIND_SERVICE,
		CAP_SYS_CHROOT, CAP_SETFCAP, CAP_AUDIT_WRITE,
	};
	uint64_t set = 0;

	/* Outside a jail, or confined in place: no root, no capability. */
	if (c->control || c->confined)
		return 0;
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		set |= 1ull << kept[i];
	if (c->allow_raw_sockets)
		set |= 1ull << CAP_NET_RAW;
	if (c->allow_set_hostname)	/* over the jail's own UTS namespace */
		set |= 1ull << CAP_SYS_ADMIN;
	return set;
}

void probe_capabilities_left(const struct ctx *c, struct result *r)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	uint64_t have = 0, extra;
	char list[160] = "";
	size_t n = 0;
	int count = 0;

	if (syscall(SYS_capget, &hdr, d) < 0) {
		failed(r, "capget: %s", ename(errno));
		return;
	}
	for (int i = 0; i < 2; i++)
		have |= (uint64_t)(d[i].effective | d[i].permitted | d[i].inheritable) << (32 * i);
	for (int cap = 0; cap < 64; cap++) {
		/* A user's bounding set, which a user cannot shrink, grants
		 * nothing to a process that holds no capability and has
		 * no_new_privs: confined in place, it is not counted. */
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) > 0 &&
		    !(c->confined && geteuid() != 0 && prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1))
			have |= 1ull << cap;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0) > 0)
			have |= 1ull << cap;
	}
	extra = have & ~documented_caps(c);
	if (!extra) {
		held(r, c->confined ? "none: confined in place, the jail has no capability"
				    : "none beyond the jail's documented set");
		return;
	}
	/* The ones that matter most first. */
	for (int pass = 0; pass < 2; pass++)
		for (int cap = 0; cap < 64; cap++) {
			bool admin = cap == CAP_SYS_ADMIN || cap == CAP_SYS_MODULE ||
				     cap == CAP_SYS_PTRACE || cap == CAP_NET_ADMIN ||
				     cap == CAP_DAC_READ_SEARCH || cap == CAP_SYS_RAWIO;

			if (!(extra & (1ull << cap)) || admin != (pass == 0))
				continue;
			count++;
			if (n < sizeof(list) - 24)
				n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
						      n ? " " : "",
						      cap < (int)(sizeof(cap_names) /
								  sizeof(cap_names[0]))
							      ? cap_names[cap] : "?");
		}
	reached(r, "%d beyond the jail's: %s%s", count, list, n >= sizeof(list) - 24 ? " ..." : "");
}

void probe_no_new_privs(const struct ctx *c, struct result *r)
{
	(void)c;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1)
		held(r, "no_new_privs is set");
	else
		reached(r, "no_new_privs is not set");
}

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

void probe_userns_mount(const struct ctx *c, struct result *r)
{
	char *target = low_str("%s/tmp/mnt", c->stage), *tmpfs = low_str("tmpfs");
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();

	if (SC(c, unshare, CLONE_NEWUSER) < 0) {
		held(r, "unshare(CLONE_NEWUSER): %s", ename(errno));
		return;
	}
	write_text("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	write_text("/proc/self/uid_map", map);
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	write_text("/proc/self/gid_map", map);
	if (SC(c, unshare, CLONE_NEWNS) < 0) {
		held(r, "a user namespace, but unshare(CLONE_NEWNS): %s", ename(errno));
		return;
	}
	if (SC(c, mount, U(tmpfs), U(target), U(tmpfs), 0, 0) < 0) {
		held(r, "user and mount namespaces, but mount: %s", ename(errno));
		return;
	}
	reached(r, "mounted a tmpfs in a user namespace of its own");
}

/* Run the setuid-root copy as nobody; report the euid it gets. */
void probe_setuid_binary(const struct ctx *c, struct result *r)
{
	char path[4096], out[64] = "";
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	if (geteuid() != 0) {
		not_applicable(r, "the helper runs as uid %u (%s), not the jail's root: it cannot "
			       "become the user the setuid copy is for", (unsigned)geteuid(),
			       c->confined ? "confined in place, as the user" : "exec.jail_user");
		return;
	}
	snprintf(path, sizeof(path), "%s/suid/sjtest-probe", c->stage);
	if (access(path, F_OK) < 0 && errno == ENOENT && !c->control) {
		not_applicable(r, "sjtest runs as a user: only root can make the setuid-root "
			       "copy");
		return;
	}
	if (pipe2(fds, O_CLOEXEC) < 0) {
		failed(r, "pipe: %s", ename(errno));
		return;
	}
	pid = fork();
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
		    setresuid(65534, 65534, 65534) < 0)
			_exit(125);
		dup2(fds[1], 1);
		execl(path, "sjtest-probe", "euid", (char *)NULL);
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(fds[1]);
	n = pid > 0 ? read(fds[0], out, sizeof(out) - 1) : -1;
	close(fds[0]);
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		failed(r, "fork: %s", ename(errno));
		return;
	}
	out[n > 0 ? n : 0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	if (strncmp(out, "euid=", 5) != 0) {
		failed(r, "the setuid copy did not run (status %d)",
		       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		return;
	}
	if (atoi(out + 5) == 0)
		reached(r, "uid 65534 ran it with euid 0");
	else
		held(r, "uid 65534 ran it with %s", out);
}

void probe_keyctl_host_keyring(const struct ctx *c, struct result *r)
{
	char *buf = low(256);
	long n;

	if (c->key_serial <= 0) {
		failed(r, "sjtest made no key");
		return;
	}
	n = SC(c, keyctl, KEYCTL_READ, I(c->key_serial), U(buf), 255);
	if (n >= 0) {
		buf[n < 255 ? n : 255] = '\0';
		reached(r, "read key %ld%s", c->key_serial,
			strstr(buf, c->nonce) ? ", sjtest's marker" : "");
	} else {
		held_errno(r);
	}
}

void probe_bpf(const struct ctx *c, struct result *r)
{
	union bpf_attr *a = low(sizeof(*a));
	long fd;

	a->map_type = BPF_MAP_TYPE_ARRAY;
	a->key_size = 4;
	a->value_size = 4;
	a->max_entries = 1;
	fd = SC(c, bpf, BPF_MAP_CREATE, U(a), sizeof(*a));
	if (fd >= 0)
		SC(c, close, I(fd));
	gate(c, r, fd, "BPF_MAP_CREATE");
}

void probe_perf_event_open(const struct ctx *c, struct result *r)
{
	struct perf_event_attr *a = low(sizeof(*a));
	long fd;

	a->type = PERF_TYPE_SOFTWARE;
	a->size = sizeof(*a);
	a->config = PERF_COUNT_SW_CPU_CLOCK;
	a->disabled = 1;
	/* pid -1, cpu 0: every process on the CPU, host's included. */
	fd = SC(c, perf_event_open, U(a), I(-1), 0, I(-1), PERF_FLAG_FD_CLOEXEC);
	if (fd >= 0)
		SC(c, close, I(fd));
	gate(c, r, fd, "a system-wide counter");
}

void probe_userfaultfd(const struct ctx *c, struct result *r)
{
	long fd = SC(c, userfaultfd, O_CLOEXEC);

	if (fd >= 0)
		SC(c, close, I(fd));
	gate(c, r, fd, "userfaultfd");
}

static int read_sysctl(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atoi(buf) : -1;
}

void probe_io_uring(const struct ctx *c, struct result *r)
{
	struct io_uring_params *p = low(sizeof(*p));
	long fd;

	if (read_sysctl("/proc/sys/kernel/io_uring_disabled") == 2) {
		not_applicable(r, "io_uring is disabled on this host (kernel.io_uring_disabled=2)");
		return;
	}
	fd = SC(c, io_uring_setup, 1, U(p));
	if (fd >= 0)
		SC(c, close, I(fd));
	gate(c, r, fd, "io_uring_setup");
}

void probe_module_load(const struct ctx *c, struct result *r)
{
	char *empty = low_str("%s", "");
	long ret = SC(c, init_module, 0, 0, U(empty));

	gate(c, r, ret, "init_module");
	if (r->outcome == OUT_REACHED)
		return;
	ret = SC(c, finit_module, I(-1), U(empty), 0);
	gate(c, r, ret, "finit_module");
	if (r->outcome == OUT_NA)
		not_applicable(r, "this kernel has no module loading (ENOSYS)");
}

/* Above KEXEC_SEGMENT_MAX: refused right after the capability check. */
void probe_kexec_load(const struct ctx *c, struct result *r)
{
	long ret = SC(c, kexec_load, 0, 0xffff, 0, 0);

	gate(c, r, ret, "kexec_load");
#ifdef SYS_kexec_file_load
	if (r->outcome != OUT_REACHED && !c->i386) {
		struct result again = { 0 };

		/* Flags no kernel knows: refused after the check too. */
		ret = syscall(SYS_kexec_file_load, -1, -1, 0UL, NULL, 0x80000000UL);
		gate(c, &again, ret, "kexec_file_load");
		if (again.outcome == OUT_REACHED || r->outcome == OUT_NA)
			*r = again;
	}
#endif
	if (r->outcome == OUT_NA)
		not_applicable(r, "this kernel has no kexec (ENOSYS)");
}

void probe_reboot(const struct ctx *c, struct result *r)
{
	long ret = SC(c, reboot, LINUX_REBOOT_MAGIC1, 0x5117e57, LINUX_REBOOT_CMD_CAD_OFF, 0);

	gate(c, r, ret, "reboot with a bad magic");
}

/* With no time and no zone, the kernel checks CAP_SYS_TIME and stops. */
void probe_clock_set(const struct ctx *c, struct result *r)
{
	gate(c, r, SC(c, settimeofday, 0, 0), "settimeofday(NULL, NULL)");
}

void probe_swapon(const struct ctx *c, struct result *r)
{
	char *path = low_str("%s/tmp/no-such-swap-file", c->stage);

	gate(c, r, SC(c, swapon, U(path), 0), "swapon of a missing file");
}

/* Longer than __NEW_UTS_LEN: EINVAL right after the capability check. */
void probe_sethostname(const struct ctx *c, struct result *r)
{
	char *name = low(128);

	memset(name, 'x', 100);
	gate(c, r, SC(c, sethostname, U(name), 100), "sethostname");
	if (r->outcome != OUT_REACHED)
		gate(c, r, SC(c, setdomainname, U(name), 100), "setdomainname");
	allowed_by(r, c->allow_set_hostname, "allow.set_hostname, a UTS namespace of its own");
}
