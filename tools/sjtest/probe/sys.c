/*
 * sys.c: system calls through the entry a probe's run names, and the low
 * memory their pointers must live in for the i386 entry.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "helper.h"

/*
 * int $0x80 from a 64-bit process: the kernel takes the i386 ABI (numbers,
 * argument registers ebx ecx edx esi edi ebp, 32-bit pointers) and the
 * seccomp filter's i386 branch.  rbp is saved by hand (it cannot be named
 * as an operand), below the red zone; r8-r11 come back zeroed.
 */
long int80(long nr, const unsigned long a[6])
{
#ifdef __x86_64__
	long r;
	unsigned long a5 = a[5];

	__asm__ volatile("lea -128(%%rsp), %%rsp\n\t"
			 "push %%rbp\n\t"
			 "mov %k[a5], %%ebp\n\t"
			 "int $0x80\n\t"
			 "pop %%rbp\n\t"
			 "lea 128(%%rsp), %%rsp"
			 : "=a"(r)
			 : "a"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4]),
			   [a5] "r"(a5)
			 : "memory", "cc", "r8", "r9", "r10", "r11");
	r = (long)(int)r;
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
#else
	(void)nr;
	(void)a;
	errno = ENOSYS;
	return -1;
#endif
}

long sc_call(const struct ctx *c, enum sjt_sys which, const unsigned long a[6])
{
	if (c->i386)
		return int80(sjt_nr32[which], a);
	return syscall(sjt_nr64[which], a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* The arena: in .bss, below 4 GiB in a static non-PIE binary. */
static char arena[1 << 20] __attribute__((aligned(64)));
static size_t arena_used;

void *low(size_t n)
{
	void *p;

	n = (n + 63) & ~(size_t)63;
	if (n > sizeof(arena) - arena_used) {
		/* A probe's own bug; it runs in a child of its own. */
		fputs("sjtest-probe: out of low memory\n", stderr);
		_exit(3);
	}
	p = arena + arena_used;
	arena_used += n;
	memset(p, 0, n);
	return p;
}

char *low_str(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	char *s;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	s = low(strlen(buf) + 1);
	strcpy(s, buf);
	return s;
}

int open_marker(const struct ctx *c, const char *path)
{
	char *p = low_str("%s", path), *buf = low(256);
	long fd = SC(c, open, U(p), O_RDONLY | O_CLOEXEC), n;
	int e;

	if (fd < 0)
		return -1;
	n = SC(c, read, I(fd), U(buf), 255);
	e = errno;
	SC(c, close, I(fd));
	errno = e;
	if (n < 0)
		return 0;
	buf[n] = '\0';
	return strstr(buf, c->nonce) ? 1 : 0;
}

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
