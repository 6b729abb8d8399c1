/*
 * fixtures.c: what the probes aim at, made on the host before the jail
 * starts and removed after it ends, in reverse order, however the run
 * ends.  Every fixture carries a random nonce, so a probe that reports
 * reaching one has read it back, and names and keys no one else uses.
 *
 *   marker      a file outside the jail's root (and its file handle)
 *   keyring     a key in a session keyring of sjtest's own
 *   shm         a System V segment of a random key
 *   posix       a POSIX message queue and a /dev/shm object
 *   process     a process serving an abstract unix socket (stream and
 *               datagram), a TCP listener on 127.0.0.1 and one on a host
 *               address, with the nonce in its memory below 4 GiB
 *   terminal    a pty, the jail's standard input
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/keyctl.h>
#include <mqueue.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sjtest.h"

static int make_nonce(struct sjt_fixtures *f, sj_error *err)
{
	unsigned char raw[16];

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return sjt_fail_errno(err, "getrandom");
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(f->nonce + 2 * i, 3, "%02x", raw[i]);
	return 0;
}

static int write_new_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	if (close(fd) < 0 || n != (ssize_t)strlen(text))
		return -1;
	return 0;
}

/* The marker, and its file handle for open_by_handle_at(2). */
static int make_marker(struct sjt_fixtures *f, sj_error *err)
{
	char text[64];
	struct file_handle *fh;
	int mount_id;
	size_t n;

	if (!f->dir[0])
		return 0;
	snprintf(f->marker, sizeof(f->marker), "%s/marker", f->dir);
	snprintf(text, sizeof(text), "sjtest-marker %s\n", f->nonce);
	if (write_new_file(f->marker, text, 0600) < 0)
		return sjt_fail_errno(err, "making the marker %s", f->marker);
	fh = calloc(1, sizeof(*fh) + MAX_HANDLE_SZ);
	if (!fh)
		return sjt_fail(err, ENOMEM, "out of memory");
	fh->handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, f->marker, fh, &mount_id, 0) == 0) {
		n = (size_t)snprintf(f->handle, sizeof(f->handle), "%d:", fh->handle_type);
		for (unsigned i = 0; i < fh->handle_bytes && n + 3 < sizeof(f->handle); i++)
			n += (size_t)snprintf(f->handle + n, sizeof(f->handle) - n, "%02x",
					      fh->f_handle[i]);
	}
	free(fh);
	return 0;
}

static void remove_marker(struct sjt_fixtures *f)
{
	if (f->marker[0])
		unlink(f->marker);
	f->marker[0] = '\0';
}

/*
 * A session keyring of our own first: the key must not land in the
 * keyring of the user's login session, and goes with us.
 */
static int make_key(struct sjt_fixtures *f, sj_error *err)
{
	char desc[64];
	long serial;

	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0)
		return sjt_fail_errno(err, "a session keyring of sjtest's own");
	snprintf(desc, sizeof(desc), "sjtest:%s", f->nonce);
	serial = syscall(SYS_add_key, "user", desc, f->nonce, strlen(f->nonce),
			 KEY_SPEC_SESSION_KEYRING);
	if (serial < 0)
		return sjt_fail_errno(err, "adding a key to sjtest's keyring");
	f->key_serial = serial;
	return 0;
}

static void remove_key(struct sjt_fixtures *f)
{
	if (f->key_serial > 0)
		syscall(SYS_keyctl, KEYCTL_INVALIDATE, f->key_serial);
	f->key_serial = 0;
}

static int make_shm(struct sjt_fixtures *f, sj_error *err)
{
	for (int tries = 0; tries < 16; tries++) {
		uint32_t key;
		void *p;

		if (getrandom(&key, sizeof(key), 0) != (ssize_t)sizeof(key))
			return sjt_fail_errno(err, "getrandom");
		key &= 0x7fffffff;
		if (key == IPC_PRIVATE)
			continue;
		f->shm_id = shmget((key_t)key, 4096, IPC_CREAT | IPC_EXCL | 0600);
		if (f->shm_id < 0 && errno == EEXIST)
			continue;
		if (f->shm_id < 0)
			return sjt_fail_errno(err, "making a System V segment");
		f->shm_key = key;
		p = shmat(f->shm_id, NULL, 0);
		if (p != (void *)-1) {
			memcpy(p, f->nonce, strlen(f->nonce));
			shmdt(p);
		}
		return 0;
	}
	return sjt_fail(err, EEXIST, "no free System V key");
}

static void remove_shm(struct sjt_fixtures *f)
{
	if (f->shm_id >= 0)
		shmctl(f->shm_id, IPC_RMID, NULL);
	f->shm_id = -1;
}

static int make_posix(struct sjt_fixtures *f, sj_error *err)
{
	char text[64];
	mqd_t q;
	int fd;

	snprintf(f->mq, sizeof(f->mq), "/sjtest-%s", f->nonce);
	q = mq_open(f->mq, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600, NULL);
	if (q == (mqd_t)-1)
		return sjt_fail_errno(err, "making the POSIX message queue %s", f->mq);
	mq_close(q);
	f->mq_made = true;

	snprintf(f->pshm, sizeof(f->pshm), "/dev/shm/sjtest-%s", f->nonce);
	fd = shm_open(f->pshm + strlen("/dev/shm"), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return sjt_fail_errno(err, "making the POSIX shared memory object %s", f->pshm);
	f->pshm_made = true;
	snprintf(text, sizeof(text), "sjtest-marker %s\n", f->nonce);
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return sjt_fail_errno(err, "writing %s", f->pshm);
	}
	close(fd);
	return 0;
}

static void remove_posix(struct sjt_fixtures *f)
{
	if (f->pshm_made)
		shm_unlink(f->pshm + strlen("/dev/shm"));
	if (f->mq_made)
		mq_unlink(f->mq);
	f->pshm_made = f->mq_made = false;
}

/* The first IPv4 address of an interface that is up and not loopback. */
static void find_host_addr(struct sjt_fixtures *f)
{
	struct ifaddrs *ifs, *i;

	f->host_addr[0] = '\0';
	if (getifaddrs(&ifs) < 0)
		return;
	for (i = ifs; i; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
		    (i->ifa_flags & IFF_UP) && !(i->ifa_flags & IFF_LOOPBACK)) {
			inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr,
				  f->host_addr, sizeof(f->host_addr));
			break;
		}
	freeifaddrs(ifs);
}

static int abstract_socket(const char *name, int type)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));

	memcpy(sa.sun_path + 1, name, strlen(name));
	if (s < 0 || bind(s, (struct sockaddr *)&sa, len) < 0 ||
	    (type == SOCK_STREAM && listen(s, 4096) < 0)) {
		if (s >= 0)
			close(s);
		return -1;
	}
	return s;
}

/* A TCP listener on ADDR, port chosen by the kernel: the socket, *PORT. */
static int tcp_listener(const char *addr, int *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	inet_pton(AF_INET, addr, &sa.sin_addr);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 4096) < 0 ||
	    getsockname(s, (struct sockaddr *)&sa, &len) < 0) {
		if (s >= 0)
			close(s);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return s;
}

enum { SOCK_ABSTRACT, SOCK_DGRAM_ABSTRACT, SOCK_LOOPBACK, SOCK_HOST, SOCK_CTL, NSOCKS };

/*
 * The fixture process: greets every connection with the nonce, drains
 * datagrams, and exits when sjtest goes (its pipe closes, or the kernel's
 * parent-death signal).
 */
static void __attribute__((noreturn)) serve(struct sjt_fixtures *f, struct pollfd *p, pid_t parent)
{
	char greeting[64];

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	prctl(PR_SET_NAME, "sjtest-fixture");
	signal(SIGPIPE, SIG_IGN);
	snprintf(greeting, sizeof(greeting), "sjtest %s\n", f->nonce);
	for (;;) {
		if (poll(p, NSOCKS, -1) < 0)
			continue;
		if (p[SOCK_CTL].revents)
			_exit(0);
		for (int i = 0; i < SOCK_CTL; i++) {
			char buf[256];
			int s;

			if (!(p[i].revents & POLLIN))
				continue;
			if (i == SOCK_DGRAM_ABSTRACT) {
				while (recv(p[i].fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
					;
				continue;
			}
			while ((s = accept4(p[i].fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
				/* A client may be gone already: nothing to do then. */
				ssize_t w = write(s, greeting, strlen(greeting));

				(void)w;
				close(s);
			}
		}
	}
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* In the fixture process: nothing of sjtest's descriptors but these. */
static void close_all_but(const struct pollfd *p)
{
	int keep[NSOCKS];
	unsigned from = 3;

	for (int i = 0; i < NSOCKS; i++)
		keep[i] = p[i].fd;
	qsort(keep, NSOCKS, sizeof(keep[0]), cmp_int);
	for (int i = 0; i < NSOCKS; i++) {
		if (keep[i] < (int)from)
			continue;
		if ((unsigned)keep[i] > from)
			close_range(from, (unsigned)keep[i] - 1, 0);
		from = (unsigned)keep[i] + 1;
	}
	close_range(from, ~0u, 0);
}

static int start_process(struct sjt_fixtures *f, sj_error *err)
{
	struct pollfd p[NSOCKS];
	pid_t parent = getpid();
	int ctl[2];
	char *mem;

	for (int i = 0; i < NSOCKS; i++)
		p[i] = (struct pollfd){ .fd = -1, .events = POLLIN };
	/* Memory the i386 entry can name too. */
	mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
		   -1, 0);
	if (mem == MAP_FAILED)
		return sjt_fail_errno(err, "mmap");
	memcpy(mem, f->nonce, strlen(f->nonce));
	f->mem = (unsigned long)mem;

	snprintf(f->abstract, sizeof(f->abstract), "sjtest-%s-s", f->nonce);
	snprintf(f->abstract_dgram, sizeof(f->abstract_dgram), "sjtest-%s-d", f->nonce);
	find_host_addr(f);
	p[SOCK_ABSTRACT].fd = abstract_socket(f->abstract, SOCK_STREAM);
	p[SOCK_DGRAM_ABSTRACT].fd = abstract_socket(f->abstract_dgram, SOCK_DGRAM);
	p[SOCK_LOOPBACK].fd = tcp_listener("127.0.0.1", &f->tcp_port);
	if (f->host_addr[0] && (p[SOCK_HOST].fd = tcp_listener(f->host_addr,
							       &f->host_addr_port)) < 0)
		f->host_addr[0] = '\0';
	if (p[SOCK_ABSTRACT].fd < 0 || p[SOCK_DGRAM_ABSTRACT].fd < 0 || p[SOCK_LOOPBACK].fd < 0 ||
	    pipe2(ctl, O_CLOEXEC) < 0) {
		sjt_fail_errno(err, "the host's listening sockets");
		goto out;
	}
	p[SOCK_CTL].fd = ctl[0];
	f->pid = fork();
	if (f->pid == 0) {
		close_all_but(p);
		serve(f, p, parent);
	}
	if (f->pid < 0) {
		sjt_fail_errno(err, "starting the host's fixture process");
		close(ctl[1]);
	} else {
		f->ctl = ctl[1];	/* the child exits when this closes */
	}
out:
	for (int i = 0; i < NSOCKS; i++)
		if (p[i].fd >= 0)
			close(p[i].fd);
	return f->pid > 0 ? 0 : -1;
}

static void stop_process(struct sjt_fixtures *f)
{
	if (f->pid > 0) {
		kill(f->pid, SIGKILL);
		while (waitpid(f->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	f->pid = 0;
	if (f->ctl >= 0)
		close(f->ctl);
	f->ctl = -1;
	if (f->mem)
		munmap((void *)f->mem, 4096);
	f->mem = 0;
}

static int make_pty(struct sjt_fixtures *f, sj_error *err)
{
	char name[64];

	f->pty_master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (f->pty_master < 0 || grantpt(f->pty_master) < 0 || unlockpt(f->pty_master) < 0 ||
	    ptsname_r(f->pty_master, name, sizeof(name)) != 0)
		return sjt_fail_errno(err, "making a terminal");
	f->pty_slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (f->pty_slave < 0)
		return sjt_fail_errno(err, "%s", name);
	return 0;
}

static void close_pty(struct sjt_fixtures *f)
{
	if (f->pty_slave >= 0)
		close(f->pty_slave);
	if (f->pty_master >= 0)
		close(f->pty_master);
	f->pty_slave = f->pty_master = -1;
}

static const struct step {
	const char *name;
	int (*make)(struct sjt_fixtures *f, sj_error *err);
	void (*remove)(struct sjt_fixtures *f);
} steps[] = {
	{ "nonce", make_nonce, NULL },
	{ "marker", make_marker, remove_marker },
	{ "keyring", make_key, remove_key },
	{ "System V segment", make_shm, remove_shm },
	{ "POSIX objects", make_posix, remove_posix },
	{ "process", start_process, stop_process },
	{ "terminal", make_pty, close_pty },
};

#define NSTEPS (sizeof(steps) / sizeof(steps[0]))

/* Make every fixture; the marker goes in DIR ("" for none). */
int fx_setup(struct sjt_fixtures *f, const char *dir, sj_error *err)
{
	memset(f, 0, sizeof(*f));
	f->shm_id = -1;
	f->ctl = f->pty_master = f->pty_slave = -1;
	snprintf(f->dir, sizeof(f->dir), "%s", dir);
	for (size_t i = 0; i < NSTEPS; i++) {
		if (steps[i].make(f, err) < 0) {
			while (i-- > 0)
				if (steps[i].remove)
					steps[i].remove(f);
			return -1;
		}
		f->made = i + 1;
	}
	return 0;
}

void fx_teardown(struct sjt_fixtures *f)
{
	while (f->made > 0) {
		f->made--;
		if (steps[f->made].remove)
			steps[f->made].remove(f);
	}
}
