/*
 * sjrun.h: what sjrun(8)'s files share.
 *
 *   ../sjrun.c    global options, the log, dispatch
 *   state.c       ROOT/ID/state.json: what create recorded; the status
 *   lifecycle.c   create, start, run, kill, delete
 *   inspect.c     state, list, ps, pause, resume, update, features
 *   exec.c        exec
 */
#ifndef SJRUN_H
#define SJRUN_H

#include <stdbool.h>
#include <sys/types.h>

#include "sysjail.h"

#define SJRUN_ROOT "/run/sjrun"

/* How sjrun was called: the global options. */
struct sjrun {
	const char *root;		/* --root: the state of its containers */
	const char *log;		/* --log FILE, or NULL: stderr */
	bool log_json;			/* --log-format json */
	const char *rundir;		/* $SYSJAIL_RUNDIR: the jails' registry */
	const char *cgroup;		/* $SYSJAIL_CGROUP: the parent of groups
					   a bundle leaves to sysjail */
};

/* What create recorded of a container. */
struct container {
	char id[256];
	char dir[4096];			/* ROOT/ID */
	char bundle[4096];
	char rootfs[4096];
	char created[64];		/* RFC 3339, nanoseconds */
	int jid;
	pid_t pid;			/* of its init, on the host */
	char rundir[4096];		/* the registry it is in ("": the default) */
	char cgroup[256];		/* sysjail.cgroup ("": the default) */
	bool started;
};

/* Statuses, as the runtime spec names them. */
enum status { ST_CREATING, ST_CREATED, ST_RUNNING, ST_PAUSED, ST_STOPPED };

/* sjrun.c: report an error (to --log and stderr); returns 1. */
int fail(const struct sjrun *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void warn_log(const struct sjrun *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* state.c */
bool id_valid(const char *id);
int state_load(const struct sjrun *r, const char *id, struct container *c);
int state_save(const struct container *c);
enum status state_status(const struct container *c, sj_jail **found);
const char *status_name(enum status s);
char *state_json(const struct container *c, enum status s, bool pretty);
int write_pid_file(const char *path, pid_t pid);
void now_rfc3339(char *buf, size_t len);
int remove_dir(const char *dir);

/* Subcommands: argc/argv from the subcommand's name on. */
int do_create(const struct sjrun *r, int argc, char **argv);
int do_start(const struct sjrun *r, int argc, char **argv);
int do_run(const struct sjrun *r, int argc, char **argv);
int do_kill(const struct sjrun *r, int argc, char **argv);
int do_delete(const struct sjrun *r, int argc, char **argv);
int do_state(const struct sjrun *r, int argc, char **argv);
int do_list(const struct sjrun *r, int argc, char **argv);
int do_ps(const struct sjrun *r, int argc, char **argv);
int do_pause(const struct sjrun *r, int argc, char **argv);
int do_resume(const struct sjrun *r, int argc, char **argv);
int do_update(const struct sjrun *r, int argc, char **argv);
int do_features(const struct sjrun *r, int argc, char **argv);
int do_exec(const struct sjrun *r, int argc, char **argv);

/*
 * Options of a subcommand, Go's flag package style as runc takes them:
 * "-x", "--x", "--x=v", "--x v", anywhere before or after the operands.
 */
struct opt {
	const char *name;		/* long name */
	char letter;			/* short, or 0 */
	bool has_arg;
	const char **value;		/* set to the argument, or "" for a flag */
};

/* Parse ARGV (after the subcommand) into OPTS; operands go to OPERANDS. */
int parse_opts(const struct sjrun *r, int argc, char **argv, const struct opt *opts,
	       char **operands, int max, int *n);

#endif /* SJRUN_H */
