/*
 * nr32.c: the i386 numbers of the same calls, for int $0x80.  A separate
 * file: <asm/unistd_32.h> and <asm/unistd_64.h> define the same names.
 */
#include <asm/unistd_32.h>

#include "helper.h"

#define SJT_NR(n) [SYS_##n##_] = __NR_##n,
const long sjt_nr32[SJT_NSYS] = { SJT_SYSCALLS(SJT_NR) };
