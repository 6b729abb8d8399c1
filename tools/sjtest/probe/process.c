/*
 * process.c: probes of the host's processes.  The target is sjtest's
 * fixture process on the host (and sjtest itself): signal 0, a seize
 * that the probe's exit undoes, a read of memory sjtest filled with the
 * nonce.  The jail's PID namespace must hide them all.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/stat.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "helper.h"

void probe_kill_host_process(const struct ctx *c, struct result *r)
{
	if (SC(c, kill, I(c->host_pid), 0) == 0)
		reached(r, "signal 0 reached host pid %d", (int)c->host_pid);
	else
		held_errno(r);
}

/* The seize ends when this probe's process exits. */
void probe_ptrace_host_process(const struct ctx *c, struct result *r)
{
	if (SC(c, ptrace, PTRACE_SEIZE, I(c->host_pid), 0, 0) == 0)
		reached(r, "seized host pid %d", (int)c->host_pid);
	else
		held_errno(r);
}

struct iovec32 {
	uint32_t base, len;
};

void probe_process_vm_readv_host(const struct ctx *c, struct result *r)
{
	size_t len = strlen(c->nonce);
	char *buf = low(len + 1);
	void *local, *remote;
	long n;

	if (c->i386) {
		struct iovec32 *l = low(sizeof(*l)), *rm = low(sizeof(*rm));

		*l = (struct iovec32){ (uint32_t)U(buf), (uint32_t)len };
		*rm = (struct iovec32){ (uint32_t)c->host_mem, (uint32_t)len };
		local = l;
		remote = rm;
	} else {
		struct iovec *l = low(sizeof(*l)), *rm = low(sizeof(*rm));

		*l = (struct iovec){ buf, len };
		*rm = (struct iovec){ (void *)c->host_mem, len };
		local = l;
		remote = rm;
	}
	/* sjtest put the nonce below 4 GiB, where the i386 entry can name it;
	 * EFAULT would still mean the call got to the process's memory. */
	n = SC(c, process_vm_readv, I(c->host_pid), U(local), 1, U(remote), 1, 0);
	if (n > 0 && memcmp(buf, c->nonce, len) == 0)
		reached(r, "read the host process's memory");
	else if (n >= 0 || errno == EFAULT)
		reached(r, "the call reached the host process (%s)",
			n >= 0 ? "read other bytes" : "EFAULT: its address is above 4 GiB");
	else
		held_errno(r);
}

void probe_proc_pid_host(const struct ctx *c, struct result *r)
{
	char *path = low_str("/proc/%d", (int)c->host_pid);
	struct statx *st = low(sizeof(*st));

	if (shares_host_pids(c, r))
		return;
	if (SC(c, statx, I(AT_FDCWD), U(path), 0, STATX_BASIC_STATS, U(st)) == 0)
		reached(r, "%s exists", path);
	else
		held_errno(r);
}

void probe_pidfd_open_host(const struct ctx *c, struct result *r)
{
	long fd;

	if (shares_host_pids(c, r))
		return;
	fd = SC(c, pidfd_open, I(c->host_pid), 0);
	if (fd >= 0) {
		SC(c, close, I(fd));
		reached(r, "a pidfd of host pid %d", (int)c->host_pid);
	} else {
		held_errno(r);
	}
}

/* Without O_ASYNC nothing is ever sent; F_SETOWN alone resolves the pid. */
void probe_fsetown_host_process(const struct ctx *c, struct result *r)
{
	int s;

	if (shares_host_pids(c, r))
		return;
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		failed(r, "socket: %s", ename(errno));
		return;
	}
	if (SC(c, fcntl, I(s), F_SETOWN, I(c->host_pid)) == 0)
		reached(r, "host pid %d is the socket's owner", (int)c->host_pid);
	else
		held_errno(r);
	close(s);
}

void probe_signal_jail_manager(const struct ctx *c, struct result *r)
{
	if (SC(c, kill, I(c->manager_pid), 0) == 0)
		reached(r, "signal 0 reached sjtest, pid %d", (int)c->manager_pid);
	else
		held_errno(r);
}
