/*
 * sjtest.h: what sjtest's files share.
 *
 *   probes.h    the table of probes (shared with the helper)
 *   report.c    the rows of a run, the helper's lines, text and JSON (pure)
 *   fixtures.c  the host-side targets the probes aim at, and their removal
 *   run.c       the jail (or, for --control, none), the helper, the results
 *   probe/      sjtest-probe, the static helper that runs inside the jail
 *
 * sjtest's logic lives here rather than in libsysjail: fixtures (a forked
 * server, a SysV segment, a keyring key, a setuid copy of a binary) are
 * test machinery, not a jail mechanism, and would weigh on every program
 * that links the library.  sjtest uses the library only through its
 * public API, as any other program would.
 */
#ifndef SJTEST_H
#define SJTEST_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "sysjail.h"

/* What a probe's line says; the word shown depends on the mode. */
enum sjt_outcome {
	SJT_NONE,			/* no line from the helper */
	SJT_HELD,
	SJT_REACHED,
	SJT_NA,
	SJT_ERROR,
};

struct sjt_row {
	char name[64];
	const char *group;
	const char *text;		/* the one-line explanation */
	bool i386;			/* the run through int $0x80 */
	enum sjt_outcome outcome;
	char detail[256];
};

struct sjt_report {
	bool control;			/* sjtest --control */
	size_t n;
	struct sjt_row *rows;
};

struct sjt_counts {
	int held, escaped, na, errors;	/* a jail's run */
	int reached, missed;		/* a control's */
};

/* report.c */
int sjt_rows_build(struct sjt_report *r, const char *selection, sj_error *err);
void sjt_rows_free(struct sjt_report *r);
int sjt_parse_line(struct sjt_report *r, char *line);
void sjt_rows_missing(struct sjt_report *r, const char *why);
const char *sjt_word(bool control, enum sjt_outcome o);
void sjt_count(const struct sjt_report *r, struct sjt_counts *c);
void sjt_summary(const struct sjt_report *r, char *buf, size_t len);
int sjt_exit_status(const struct sjt_report *r);
void sjt_print_text(FILE *f, const struct sjt_report *r);
void sjt_print_json(FILE *f, const struct sjt_report *r);
void sjt_json_string(FILE *f, const char *s);
void sjt_print_list(FILE *f, bool verbose);

/* The host's fixtures (fixtures.c). */
struct sjt_fixtures {
	char dir[4000];			/* outside the jail's root; "" if none */
	char marker[4096];
	char nonce[33];
	char handle[300];		/* TYPE:HEX, "" if the fs has none */
	long key_serial;
	int shm_id;
	long shm_key;
	char mq[64], pshm[64];
	bool mq_made, pshm_made;
	char abstract[64], abstract_dgram[64];
	int tcp_port;
	char host_addr[16];		/* "" if the host has none */
	int host_addr_port;
	pid_t pid;			/* the fixture process */
	int ctl;			/* it exits when this closes */
	unsigned long mem;		/* where the nonce is in its memory */
	int pty_master, pty_slave;
	size_t made;			/* steps made, for the teardown */
};

int fx_setup(struct sjt_fixtures *f, const char *dir, sj_error *err);
void fx_teardown(struct sjt_fixtures *f);

/* Options of a run (run.c). */
struct sjt_options {
	bool control;
	const char *selection;		/* probes and groups, comma-separated */
	const char *conf_file, *conf_name;
	const char *helper;		/* --helper */
	int race_ms;
};

int sjt_run(const struct sjt_options *o, struct sjt_report *rep, sj_error *err);

/* A signal arrived (for a front end's handler): stop what runs now. */
void sjt_interrupt(int sig);
/* The signal that interrupted the run, or 0. */
int sjt_interrupted(void);

/* Small helpers (report.c). */
int sjt_fail(sj_error *err, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int sjt_fail_errno(sj_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* SJTEST_H */
