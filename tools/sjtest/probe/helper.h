/*
 * helper.h: sjtest-probe, the static helper sjtest runs inside a jail
 * (and, for --control, outside any jail).  Each probe runs in a child of
 * its own and fills a struct result: held (the access failed, and why),
 * reached (it succeeded: an escape inside a jail, the expected outcome of
 * a control), or not applicable (and why).
 */
#ifndef SJT_HELPER_H
#define SJT_HELPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../probes.h"

enum outcome { OUT_HELD, OUT_REACHED, OUT_NA, OUT_ERROR };

struct result {
	int outcome;
	char detail[240];
};

#define MAX_LEAKED 16

/* What sjtest told us: its fixtures, and the jail's configuration. */
struct ctx {
	bool control;			/* outside any jail */
	bool i386;			/* this run goes through int $0x80 */
	bool has_int80;
	const char *nonce;		/* in every marker the host made */
	const char *marker;		/* host path of the marker, or NULL */
	const char *stage;		/* our directory, as we see it */
	pid_t host_pid;			/* the host's fixture process */
	unsigned long host_mem;		/* where the nonce is in its memory */
	pid_t manager_pid;		/* sjtest */
	pid_t exe_pid;			/* runs the jail manager's binary */
	const char *handle;		/* the marker's file handle, TYPE:HEX */
	const char *abstract;		/* the host's abstract stream socket */
	const char *abstract_dgram;	/* ... and datagram socket */
	int tcp_port;			/* the host's 127.0.0.1 listener */
	const char *host_addr;		/* an IPv4 address of the host's, or NULL */
	int host_addr_port;		/* a listener on it */
	long shm_key;			/* the host's System V segment */
	const char *mq;			/* the host's POSIX message queue */
	const char *pshm;		/* the host's POSIX shm object's path */
	long key_serial;		/* a key in sjtest's session keyring */
	int race_ms;
	/* The jail's parameters that decide whether a probe applies. */
	bool allow_raw_sockets, allow_set_hostname, allow_sysvipc;
	bool net_inherit;
	bool confined;			/* confined in place: the host's PIDs */
	bool jail_addrs;		/* its network namespace has addresses */
	long max_procs, max_memory_mib;	/* -1: the jail sets none */
	/* Descriptors open when we started, other than 0, 1 and 2. */
	int nleaked;
	int leaked[MAX_LEAKED];
	char leaked_what[MAX_LEAKED][96];
};

/* Probe functions, one per row of probes.h. */
#define SJT_DECLARE(id, name, group, flags, text) \
	void probe_##id(const struct ctx *c, struct result *r);
SJT_PROBES(SJT_DECLARE)
#undef SJT_DECLARE

/* Results (main.c). */
void held(struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void reached(struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void not_applicable(struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void failed(struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *ename(int e);
/* Held with errno's name, as the call that was refused left it. */
void held_errno(struct result *r);
/*
 * In a jail confined in place, which shares the host's processes (its
 * Landlock domain keeps it from signalling and tracing them): true, and
 * R not applicable, for a probe of whether it can see them.
 */
bool shares_host_pids(const struct ctx *c, struct result *r);
/* Reached, but the jail's parameter PARAM allows it: not applicable. */
void allowed_by(struct result *r, bool allowed, const char *param);

/*
 * A privilege gate: the call RET (errno set when negative) is held when
 * the kernel or the filter refused it (EPERM, EACCES, ENOSYS); any other
 * outcome means it got past the permission check, with the harmless
 * arguments every such probe passes.  In a control, ENOSYS is a kernel
 * without the call: not applicable.
 */
void gate(const struct ctx *c, struct result *r, long ret, const char *what);

/* System calls through the entry of this run (sys.c). */
#define SJT_SYSCALLS(X) \
	X(read) X(write) X(open) X(close) X(kill) X(ptrace) X(process_vm_readv) \
	X(statx) X(chroot) X(chdir) X(fchdir) X(open_by_handle_at) X(mknodat) \
	X(unlinkat) X(mount) X(umount2) X(fsopen) X(fsconfig) X(fsmount) \
	X(open_tree) X(unshare) X(keyctl) X(bpf) X(perf_event_open) \
	X(userfaultfd) X(io_uring_setup) X(init_module) X(finit_module) \
	X(kexec_load) X(reboot) X(settimeofday) X(swapon) X(sethostname) \
	X(setdomainname) X(socket) X(connect) X(bind) X(listen) X(sendto) \
	X(recvfrom) X(getsockname) X(getpeername) X(shmget) X(mq_open) X(ioctl) \
	X(fcntl) X(pidfd_open) X(getpid)

#define SJT_ENUM(n) SYS_##n##_,
enum sjt_sys { SJT_SYSCALLS(SJT_ENUM) SJT_NSYS };
#undef SJT_ENUM

extern const long sjt_nr64[SJT_NSYS];
extern const long sjt_nr32[SJT_NSYS];

/* Make system call WHICH with six arguments; -1 and errno on failure. */
long sc_call(const struct ctx *c, enum sjt_sys which, const unsigned long a[6]);
#define SC(c, name, ...) sc_call((c), SYS_##name##_, (const unsigned long[6]){ __VA_ARGS__ })
#define U(x) ((unsigned long)(uintptr_t)(x))
/* An int argument: -100 must reach a 32-bit kernel as -100. */
#define I(x) ((unsigned long)(long)(x))

/* Make NR through int $0x80 (int80.c). */
long int80(long nr, const unsigned long a[6]);

/*
 * Memory below 4 GiB, where the i386 entry can point: a static arena (the
 * helper is static and not PIE).  Each probe's child has its own copy.
 */
void *low(size_t n);
char *low_str(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Open PATH through this run's entry and check it holds the nonce: 1 yes,
 * 0 it opened but holds something else, -1 (errno) it did not open. */
int open_marker(const struct ctx *c, const char *path);

/* Milliseconds on a monotonic clock. */
long long now_ms(void);

#endif /* SJT_HELPER_H */
