/*
 * bpf-sim.h: a classic-BPF interpreter over struct seccomp_data, to run
 * the filters the library builds without installing them.
 */
#ifndef SJ_BPF_SIM_H
#define SJ_BPF_SIM_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sj-private.h"

struct sim_stats {
	unsigned steps;
	unsigned arg_loads;		/* loads from seccomp_data.args */
	bool bad;			/* invalid program: the result is meaningless */
	char why[96];
};

/* Run one program; returns its SECCOMP_RET_* value. */
uint32_t sim_run(const struct sock_filter *insns, size_t len, const struct seccomp_data *d,
		 struct sim_stats *st);

/* Run a stack of programs as the kernel does: PROGS[0] installed last;
 * the most restrictive action wins, the latest filter on a tie. */
uint32_t sim_run_all(const struct sj_bpf *bpf, const struct seccomp_data *d,
		     struct sim_stats *st);

/* "ALLOW", "ERRNO(EPERM)", "KILL_PROCESS", ... */
const char *sim_action_name(uint32_t ret, char *buf, size_t len);

#endif /* SJ_BPF_SIM_H */
