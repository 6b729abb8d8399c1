/* nr64.c: the x86_64 numbers of the helper's system calls. */
#include <asm/unistd_64.h>

#include "helper.h"

#define SJT_NR(n) [SYS_##n##_] = __NR_##n,
const long sjt_nr64[SJT_NSYS] = { SJT_SYSCALLS(SJT_NR) };
