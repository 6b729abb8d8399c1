/*
 * int80.c: the i386 system call entry, reached from any x86 binary with
 * int $0x80.  The kernel then applies the i386 ABI (and the i386 branch of
 * a seccomp filter) whatever the binary's own ABI is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <asm/unistd_32.h>

#include "probe.h"

#define ENTRY(n) { #n, __NR_##n },

static const struct probe_nr i386_nrs[] = {
	PROBE_COMMON_SYSCALLS(ENTRY)
	PROBE_I386_SYSCALLS(ENTRY)
};

/* Static, hence below 4 GiB in a static non-PIE binary. */
static char low[6][256];
static int nlow;

long probe_nr_i386(const char *name)
{
	for (size_t i = 0; i < sizeof(i386_nrs) / sizeof(i386_nrs[0]); i++)
		if (strcmp(i386_nrs[i].name, name) == 0)
			return i386_nrs[i].nr;
	return -1;
}

unsigned long probe_low_arg(const char *s)
{
	if (strncmp(s, "s:", 2) != 0 || nlow == 6)
		return strtoul(s, NULL, 0);
	strncpy(low[nlow], s + 2, sizeof(low[0]) - 1);
	return (unsigned long)low[nlow++];
}

long probe_int80(long nr, const unsigned long a[6])
{
#if defined(__x86_64__) || defined(__i386__)
	long r;

#ifdef __x86_64__
	register long r8 __asm__("r8") = (long)a[5];
	(void)r8;
	/* ebx ecx edx esi edi ebp: ebp cannot be named; six-argument calls
	 * are not probed. */
	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "a"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4])
			 : "memory", "r8", "r9", "r10", "r11");
#else
	__asm__ volatile("push %%ebx; mov %2, %%ebx; int $0x80; pop %%ebx"
			 : "=a"(r)
			 : "a"(nr), "r"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4])
			 : "memory");
#endif
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
