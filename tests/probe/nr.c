/* nr.c: the probe's own ABI's system call numbers. */
#include <string.h>
#include <sys/syscall.h>

#include "probe.h"

#define ENTRY(n) { #n, __NR_##n },

static const struct probe_nr native[] = {
	PROBE_COMMON_SYSCALLS(ENTRY)
#ifdef __i386__
	PROBE_I386_SYSCALLS(ENTRY)
#else
	ENTRY(kexec_file_load)
#endif
};

long probe_nr_native(const char *name)
{
	for (size_t i = 0; i < sizeof(native) / sizeof(native[0]); i++)
		if (strcmp(native[i].name, name) == 0)
			return native[i].nr;
	return -1;
}
