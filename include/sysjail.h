/*
 * sysjail.h: libsysjail, process jails for Linux.
 *
 * A jail is described by parameters (the same names jail(8) and
 * jail.conf(5) use), then created: the library builds the namespaces,
 * the root, the capability set and the seccomp filter, starts the jail's
 * own init as PID 1, and runs the jail's command under it.
 *
 * Conventions:
 *   - Every fallible function returns 0 (or a non-negative value) on
 *     success and -1 on failure, and fills the caller's sj_error with an
 *     errno value and a one-line message that names what went wrong.
 *   - The library never prints, exits or aborts, and keeps no global
 *     state: two jails can be handled in one process.
 *   - Every file descriptor the library opens is close-on-exec.
 */
#ifndef SYSJAIL_H
#define SYSJAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SJ_ERROR_MAX 512

/*
 * An error: errno value (0 when none applies), a message, and, for a
 * command that could not be executed, the exit status a front end should
 * use (SJ_EXIT_NOEXEC or SJ_EXIT_NOTFOUND; otherwise 0).
 */
typedef struct sj_error {
	int errnum;
	int status;
	char msg[SJ_ERROR_MAX];
} sj_error;

/* A jail: opaque. */
typedef struct sj_jail sj_jail;

/* Exit statuses for a command that could not run. */
#define SJ_EXIT_SETUP 125	/* its process could not be set up in the jail */
#define SJ_EXIT_NOEXEC 126	/* the command was found but cannot run */
#define SJ_EXIT_NOTFOUND 127	/* the command does not exist in the jail */

/* Allocate a jail description with every parameter at its default. */
sj_jail *sj_jail_new(sj_error *err);

/*
 * Free a jail description.  Does not stop a running jail: a jail that was
 * created lives on (and sj_wait() can no longer be called for it).
 */
void sj_jail_free(sj_jail *j);

/*
 * Set parameter NAME to VALUE, as jail(8) does for "name=value".  Boolean
 * parameters take "true"/"false"/"1"/"0" (NULL means true), and "noNAME"
 * sets a boolean to false.  List parameters (ip4.addr, ip6.addr) take a
 * comma-separated list and replace the list.  Fails with EINVAL and a
 * message naming the parameter when NAME is unknown or VALUE malformed.
 */
int sj_jail_set(sj_jail *j, const char *name, const char *value, sj_error *err);

/*
 * Append to list parameter NAME, as jail.conf(5)'s "+=" does.  Fails with
 * EINVAL for a parameter that is not a list.
 */
int sj_jail_add(sj_jail *j, const char *name, const char *value, sj_error *err);

/*
 * Write the value of parameter NAME into BUF as jls(8) shows it.  Returns
 * the length of the value, or -1 (ENOENT for an unknown name, ERANGE when
 * BUF is too small).
 */
int sj_jail_get(const sj_jail *j, const char *name, char *buf, size_t len, sj_error *err);

/* Set the command the jail runs as its first process (argv, NULL-ended). */
int sj_jail_set_command(sj_jail *j, char *const argv[], sj_error *err);

/*
 * Receives the library's account of what it does for jail J, one message
 * at a time, without a newline: each step of sj_create() and how long it
 * took, or which step failed (sysjail -d prints them).
 */
typedef void sj_jail_log_fn(void *ctx, const char *msg);

/* Send J's messages to FN (NULL: drop them, the default). */
void sj_jail_set_log(sj_jail *j, sj_jail_log_fn *fn, void *ctx);

/*
 * The jail as a jail.conf(5) block, malloc'ed: every parameter with a
 * value, lists element by element with "+=", the hostname it would get
 * by default (sysjail --print-config).  NULL with ERR set.
 */
char *sj_jail_conf(const sj_jail *j, sj_error *err);

/*
 * Create the jail: reserve its jid and name, build its namespaces and
 * root, and start its init, which waits for sj_start().  On failure
 * nothing is left behind.  Run by a user other than root, it makes the
 * jail in a user namespace of the user's ids, or confines it in place
 * where the kernel refuses that (see enum sj_mode and sj_jail_note()).
 */
int sj_create(sj_jail *j, sj_error *err);

/*
 * Let a created jail run: its init finishes (joins the user namespace,
 * drops capabilities, installs the seccomp filter) and starts the command
 * if one is set.  Returns once the command has been executed; a command
 * that cannot run is reported here, with errnum as execve(2) set it and
 * status SJ_EXIT_NOTFOUND or SJ_EXIT_NOEXEC.  On failure the jail is
 * removed and nothing is left behind.
 */
int sj_start(sj_jail *j, sj_error *err);

/* sj_create() then sj_start(): the jail runs its command once this returns 0. */
int sj_spawn(sj_jail *j, sj_error *err);

/*
 * Wait for the command of a jail started by this sj_jail to end, and
 * store in *STATUS its exit status: the command's exit code, or 128 + the
 * signal that killed it.  A jail without persist ends with its command;
 * a persistent one lives on (and one without a command gives 0 at once).
 * Signals that arrive while waiting are the caller's to forward with
 * sj_forward_signal().
 */
int sj_wait(sj_jail *j, int *status, sj_error *err);

/*
 * After sj_wait(): why the command ended when the kernel said more than
 * its status, such as "the command was killed: out of memory (limit
 * sysjail.memory=64 MiB)"; NULL otherwise.  Valid until J is freed.
 */
const char *sj_wait_reason(const sj_jail *j);

/*
 * Forward signal SIG to the jail's command (through its init).  Meant for
 * a front end's signal handler: async-signal-safe.
 */
int sj_forward_signal(const sj_jail *j, int sig);

/*
 * Running jails, as the registry under RUNDIR knows them.  RUNDIR NULL:
 * root's /run/sysjail, or a user's $XDG_RUNTIME_DIR/sysjail
 * (/tmp/sysjail-UID without XDG_RUNTIME_DIR); root also finds there the
 * jails of every user's registry under /run/user/UID and /tmp.  A jail found or listed is an sj_jail like any other: read its
 * parameters with sj_jail_get(); free it with sj_jail_free(), which leaves
 * the jail running.
 */

/* Find the running jail JAIL, a jid or a name; ENOENT if there is none. */
sj_jail *sj_find(const char *rundir, const char *jail, sj_error *err);

#define SJ_LIST_DYING 0x1	/* include jails being removed */

/* The running jails, by jid; free the list with sj_list_free(). */
int sj_list(const char *rundir, unsigned flags, sj_jail ***jails, size_t *n, sj_error *err);
void sj_list_free(sj_jail **jails, size_t n);

/* Whether a jail found or listed is being removed. */
bool sj_jail_dying(const sj_jail *j);

/* When a jail found or listed was created (seconds since the epoch). */
time_t sj_jail_created(const sj_jail *j);

/*
 * Change parameter NAME of a running jail (jail -m).  Only parameters
 * flagged SJ_PARAM_MUTABLE can change (EPERM for the others).
 */
int sj_modify(sj_jail *j, const char *name, const char *value, sj_error *err);

/*
 * Remove a running jail (jail -r): its exec.prestop and exec.stop
 * commands (unless SJ_REMOVE_NOHOOKS, jail -R), SIGTERM to its processes,
 * up to stop.timeout seconds for them to end, then every process killed
 * with its init, its registry entry removed, and exec.poststop.  A stop
 * command that fails keeps the jail, as on FreeBSD.
 */
#define SJ_REMOVE_NOHOOKS 0x1
int sj_remove(sj_jail *j, unsigned flags, sj_error *err);

/* How sj_attach() runs a command in a running jail (jexec(8)). */
struct sj_exec {
	char *const *argv;	/* the command, NULL-ended; searched in PATH */
	const char *user;	/* run as USER (NULL: the jail's root) */
	bool host_user;		/* USER from the host's users (jexec -u), not the jail's (-U) */
	bool clean_env;		/* FreeBSD's exec.clean (jexec -l) */
	const char *dir;	/* working directory in the jail (NULL: its root) */
	int output;		/* descriptor for its stdout and stderr (0: the caller's) */
	/* A jail made from an OCI bundle (sysjail.oci) only: */
	const char *oci_process; /* the process to run, an OCI process.json
				 * (NULL: the bundle's process with ARGV, as
				 * root, in DIR) */
	int console;		/* for a process with a terminal: a socket that
				 * receives its pty master (SCM_RIGHTS); 0: none */
};

/*
 * Start a command in a running jail (found with sj_find(), or started by
 * this process), inside every one
 * of its namespaces and with its confinement: the jail's root user (or
 * E->user), capabilities, no_new_privs and seccomp filter.  Returns the
 * command's pid, a child of the caller (waitpid(2) it), once it has been
 * executed; ESRCH if the jail is not running or being removed.
 */
pid_t sj_attach(sj_jail *j, const struct sj_exec *e, sj_error *err);

/*
 * After the command sj_attach() started ended with STATUS (its exit
 * status, or 128 plus the signal that killed it): "the command was
 * killed: out of memory (limit sysjail.memory=64 MiB)" when the kernel
 * killed it for want of memory, NULL otherwise.  Valid until J is freed.
 */
const char *sj_attach_reason(sj_jail *j, int status);

/* A process of a running jail. */
struct sj_proc {
	pid_t pid;			/* on the host */
	pid_t jail_pid;			/* in the jail (1: its init) */
	pid_t ppid;			/* the parent's, on the host */
	uid_t uid;			/* on the host */
	char state;			/* R, S, D, Z, ... as in /proc */
	char comm[16];
	unsigned long long rss;		/* resident memory, bytes */
	unsigned long long cpu_ticks;	/* its CPU time and its reaped children's */
};

#define SJ_NS_COUNT 7

/* What a running jail uses (sjls(8)). */
struct sj_stats {
	size_t nprocs;
	struct sj_proc *procs;		/* init first */
	unsigned long long rss;		/* sum over the processes, bytes */
	unsigned long long cpu_ticks;	/* sum over the processes */
	unsigned long ticks_per_second;
	time_t uptime;			/* seconds since it was created */
	unsigned long ns[SJ_NS_COUNT];	/* namespace inodes, by sj_ns_name() */
	/* From the jail's control groups, when has_cgroup: -1 for a limit
	 * is none, -2 for any value is not known. */
	bool has_cgroup;
	long long memory, memory_max;	/* bytes charged to the jail, and its limit */
	long long tasks, tasks_max;	/* its processes and threads, and their limit */
	long long cpu_usec;		/* CPU time it used, exited processes too */
	long long cpu_quota;		/* percent of one CPU */
	long long oom_kills;		/* processes the kernel killed: out of memory */
};

/* Fill *ST for a jail found with sj_find() or sj_list(). */
int sj_jail_stats(sj_jail *j, struct sj_stats *st, sj_error *err);

/*
 * Fill OUT[i] for each of the N jails JAILS[i], looking at /proc once for
 * all of them; a jail that ended gets no processes.
 */
int sj_jails_stats(sj_jail **jails, size_t n, struct sj_stats *out, sj_error *err);
void sj_stats_free(struct sj_stats *st);

/* The name of namespace I of struct sj_stats ("pid", "mnt", ...). */
const char *sj_ns_name(int i);

/*
 * How a jail is made (sysjail.mode): by root, with namespaces and a uid
 * range of its own; by a user, in a user namespace of their own ids; or,
 * where the kernel refuses a user unprivileged user namespaces, confined
 * in place by Landlock and seccomp, with no namespaces at all.
 */
enum sj_mode {
	SJ_MODE_ROOT = 1,
	SJ_MODE_USERNS,
	SJ_MODE_CONFINE,
};

/* The mode of a jail created, found or listed; 0 before sj_create(). */
int sj_jail_mode(const sj_jail *j);

/*
 * The mode sj_create() would make J in, now (and its notes): what a front
 * end must know before it sets the command, since a jail confined in
 * place runs it from the host's tree, not from its root.  0 with ERR set
 * when sj_create() would refuse the jail's parameters.
 */
int sj_jail_plan(sj_jail *j, sj_error *err);

/*
 * What sj_create() has to tell about the jail it made, one line each
 * without a newline (the mode a user got and why, a limit that could not
 * be applied): the Ith, NULL past the last.  A front end prints them.
 */
const char *sj_jail_note(const sj_jail *j, size_t i);

/* The jail's id (jid), or -1 before sj_create(). */
int sj_jail_jid(const sj_jail *j);

/* The host pid of the jail's init, or -1 before sj_create(). */
pid_t sj_jail_init_pid(const sj_jail *j);

/* Whether NAME is a parameter the library knows. */
bool sj_param_exists(const char *name);

/*
 * Write into *OUT (malloc'ed) the parameters NAMES (all when NULL) of J as
 * a jail(8) -c command line would give them, as FreeBSD's jls -s does:
 * booleans as NAME or noNAME, values quoted when needed, read-only and
 * unused parameters left out.
 */
int sj_jail_cmdline(const sj_jail *j, const char *const *names, size_t n, char **out,
		    sj_error *err);

/* The Ith parameter of the table, in its order; NULL past the last. */
const char *sj_param_name(size_t i);

#define SJ_PARAM_KNOWN 0x01	/* a parameter at all */
#define SJ_PARAM_BOOL 0x02	/* true or false: jls prints NAME or noNAME */
#define SJ_PARAM_LIST 0x04	/* takes += */
#define SJ_PARAM_MUTABLE 0x08	/* jail -m can change it on a running jail */
#define SJ_PARAM_LOCAL 0x10	/* how a tool runs, not part of the jail */
#define SJ_PARAM_IGNORED 0x20	/* FreeBSD's, meaningless on Linux: no value */
#define SJ_PARAM_PENDING 0x40	/* not supported yet: setting it fails */
#define SJ_PARAM_JAIL8 0x80	/* jail(8)'s, how a jail is made or removed (exec.*,
				 * mount.*, command): not listed by jls */
/* What a running jail has no value for. */
#define SJ_PARAM_NOVALUE (SJ_PARAM_LOCAL | SJ_PARAM_IGNORED | SJ_PARAM_PENDING)

/* What parameter NAME is (SJ_PARAM_*), 0 if unknown. */
unsigned sj_param_flags(const char *name);

/*
 * Whether TEXT parses as a list of jail addresses ("192.0.2.1",
 * "2001:db8::1/64", "eth0|192.0.2.1/24", comma-separated), as jail(8)'s
 * legacy form needs to decide whether its third operand is an address.
 */
bool sj_addr_list_valid(const char *text);

/*
 * ---- jail.conf(5): configuration files (lib/conf*.c) ----------------
 *
 * FreeBSD's jail.conf: jail blocks, global and wildcard parameters,
 * "+=", variables, .include.  Loading parses every file and fails on
 * any syntax error.  A jail's parameters (globals, matching wildcards
 * and its own block, in file order, variables substituted) are resolved
 * when it is applied or shown, so a bad jail does not stop the others.
 * Every error and warning starts with "file:line:col: ".
 */
#define SJ_CONF_PATH "/etc/jail.conf"	/* jail(8)'s default, as FreeBSD */

typedef struct sj_conf sj_conf;

/* Receives one warning: "file:line:col: message", no newline. */
typedef void sj_conf_warn_fn(void *ctx, const char *msg);

/*
 * Load file PATH and the files it includes.  WARN (may be NULL) receives
 * this configuration's warnings, from here and from sj_conf_apply().
 * NULL on failure, ERR set: ENOENT for a missing file, EINVAL for a
 * syntax error.
 */
sj_conf *sj_conf_load(const char *path, sj_conf_warn_fn *warn, void *ctx, sj_error *err);

/*
 * The same from TEXT in memory, called NAME in messages (jail -f - reads
 * standard input as "STDIN").  Relative .include names are taken from
 * NAME's directory, or the current one when NAME has no '/'.
 */
sj_conf *sj_conf_load_text(const char *name, const char *text, size_t len,
			   sj_conf_warn_fn *warn, void *ctx, sj_error *err);

/* Free a configuration. */
void sj_conf_free(sj_conf *c);

/* The jails, in file order, as jail -c without a name starts them
 * (wildcard blocks are not jails).  NULL past the last. */
size_t sj_conf_jail_count(const sj_conf *c);
const char *sj_conf_jail_name(const sj_conf *c, size_t i);

/*
 * Set jail NAME's parameters on J through sj_jail_set() and
 * sj_jail_add(), "command" through sj_jail_set_command().  Fails with
 * ENOENT when there is no such jail, else EINVAL and "file:line:col:
 * param: why"; J then holds some of the parameters: use a fresh one
 * per jail.  FreeBSD parameters that mean nothing on Linux are warned
 * about through WARN, naming them (sj_param_flags() says SJ_PARAM_IGNORED
 * for the table's names).
 */
int sj_conf_apply(const sj_conf *c, const char *name, sj_jail *j, sj_error *err);

/*
 * Jail NAME as jail -e SEP shows it: its parameters but jid, in order,
 * "name" or "name=value[,value...]" joined by SEP, values quoted as
 * FreeBSD quotes them.  Malloc'ed, no newline; NULL with ERR set.
 */
char *sj_conf_show(const sj_conf *c, const char *name, const char *sep, sj_error *err);

/* ---- end of jail.conf(5) ------------------------------------------ */

/* ==== confinement in place, learning, policies (sysjail(8)) =============== */

/*
 * Confine the calling process in place with J's parameters, as a jail's
 * processes are confined but without a jail around it (the pledge-like
 * use): J's environment changes (clearenv, unsetenv, setenv), chdir, gid
 * and uid (numbers; both, or gid alone), die-with-parent, then every
 * capability dropped with no_new_privs, and J's seccomp profile
 * (sysjail.seccomp and allow.*) installed.  Needs no privilege (but
 * changing ids does).  Parameters only a jail of its own can apply
 * (path other than "/", mounts, addresses, host.hostname, exec.*,
 * persist, log-denied, ...) fail with EINVAL naming the first one, before
 * anything changed.  The filter is compiled first; a failure after that
 * leaves the process partly confined: treat it as fatal.  J is not
 * created and can be freed at once.
 */
int sj_confine_self(sj_jail *j, sj_error *err);

/*
 * sysjail --learn: create and run jail J (with a command, not persist,
 * without log-denied) as sj_spawn() and sj_wait() would, watching every
 * system call of the command, of what it starts, and of the jail's init
 * once its filter is in place (ptrace, observation only: J's profile
 * decides each call as usual).  Stores the command's status in *STATUS
 * and in *PROFILE (malloc'ed) the smallest profile, in the policy
 * language, that lets the same command run under the same profile: an
 * allow for each call the profile allowed (with the profile's argument
 * checks for it), a deny for each it refused with an errno other than
 * ENOSYS.  Needs root.
 */
int sj_learn(sj_jail *j, char **profile, int *status, sj_error *err);

/* Receives one finding: "FILE:LINE: error|warning: message", no newline. */
typedef void sj_policy_diag_fn(void *ctx, const char *msg);

/*
 * sysjail --check-policy: read seccomp profile PROFILE (an embedded name
 * or an absolute path, with what it includes) under every combination of
 * the allow.* parameters, compile it for this machine's ABIs, and report
 * to FN syntax errors, unknown syscall names, duplicate rules, rules that
 * never take effect, unreachable calls and what libseccomp refuses.
 * Returns the number of findings (0: clean), or -1 when the profile
 * cannot be read at all.
 */
int sj_policy_check(const char *profile, sj_policy_diag_fn *fn, void *ctx, sj_error *err);

/* ==== end of sysjail(8)'s ================================================ */
/* ==== OCI: jails made from OCI bundles (sjrun(8)) ========================= */

/*
 * A jail whose parameter sysjail.oci names an OCI bundle (a directory
 * with config.json) is made from it: root, mounts, namespaces, process,
 * capabilities, seccomp profile, cgroups and hooks as the runtime spec
 * says, with sysjail's init as its PID 1 and an entry in the registry
 * like any jail's (sysjail.oci_id: the container's id).  sj_create()
 * returns once the container is built and its command checked; it then
 * waits for sj_start(), which any process may call on it after
 * sj_find(), and sj_attach() runs processes in it (e->oci_process).
 */

/*
 * The process of a bundle that asks for a terminal gets a new pty; its
 * master is sent over socket SOCK (SCM_RIGHTS), which the jail owns from
 * here (closed by sj_create() or sj_jail_free()).  Before sj_create().
 */
int sj_oci_set_console(sj_jail *j, int sock, sj_error *err);

/* Signal SIG to a bundle's running jail: to its process (through its
 * init, or the init itself for SIGKILL and SIGSTOP), or with ALL to every
 * process in its cgroup. */
int sj_oci_kill(sj_jail *j, int sig, bool all, sj_error *err);

/* Freeze (PAUSE true) or thaw every process of a bundle's jail. */
int sj_oci_pause(sj_jail *j, bool pause, sj_error *err);

/* 1 if a bundle's jail is frozen, 0 if not, -1 if it cannot tell. */
int sj_oci_paused(sj_jail *j);

/* The host pids of the processes in a bundle's jail's cgroup (malloc'ed). */
int sj_oci_pids(sj_jail *j, pid_t **pids, size_t *n, sj_error *err);

/* Change the cgroup limits of a bundle's jail: JSON is an OCI
 * LinuxResources object (memory, pids, cpu). */
int sj_oci_update(sj_jail *j, const char *json, size_t len, sj_error *err);

/* Run the bundle's poststart hooks, after sj_start(). */
int sj_oci_poststart(sj_jail *j, sj_error *err);

/*
 * Remove what a bundle's jail leaves once its init is gone (or, found
 * running, kill it first): its cgroups, then its poststop hooks, given
 * PID as the state's pid.  J is found with sj_find(), or for a jail that
 * ended, a new sj_jail with sysjail.oci, sysjail.oci_id and jid set.
 */
int sj_oci_delete(sj_jail *j, pid_t pid, sj_error *err);

/* ==== end of OCI ========================================================== */

/* ==== mkroot: building a jail's root (mkjail(8)) ========================== */

/*
 * A root to build: a directory, filled from host programs and their
 * libraries, busybox, debootstrap or a tarball.  Set the sources and
 * options with sj_mkroot_set(), then sj_mkroot_build().  Opaque.
 */
typedef struct sj_mkroot sj_mkroot;

/* How much a message from the build matters. */
enum sj_mkroot_level {
	SJ_MKROOT_INFO,		/* progress: what was installed or left alone */
	SJ_MKROOT_NOTICE,	/* a change to the machine: a package installed,
				 * binfmt_misc mounted or an interpreter registered */
	SJ_MKROOT_WARNING,	/* input refused or changed: a tarball entry
				 * refused, a device skipped, a setuid bit dropped */
	SJ_MKROOT_LACK,		/* sj_mkroot_check(): something the root lacks */
};

/* Receives the build's messages, one line each, without a newline. */
typedef void sj_mkroot_log_fn(void *arg, int level, const char *msg);

/*
 * Describe a root to build in DIR (made if missing; its parent must
 * exist; never "/").  Nothing is touched before sj_mkroot_build().
 */
sj_mkroot *sj_mkroot_new(const char *dir, sj_error *err);

/* Free a description; the root built stays. */
void sj_mkroot_free(sj_mkroot *m);

/* Send the build's messages to FN (by default they are dropped). */
void sj_mkroot_set_log(sj_mkroot *m, sj_mkroot_log_fn *fn, void *arg);

/*
 * Set option NAME, named as mkjail(8)'s long option: "program" and "file"
 * add a host program or a host file or directory (each call adds one);
 * "busybox", "copy", "link", "devices", "locale", "timezone" and
 * "dist-packages" are booleans (VALUE NULL, "true" or "false"); "debian"
 * takes a suite, "tar" a tarball, "arch" a Debian architecture name,
 * "variant" a debootstrap variant, "mirror" a URL.  Fails with EINVAL
 * and a message naming the option when NAME is unknown or VALUE
 * malformed.
 */
int sj_mkroot_set(sj_mkroot *m, const char *name, const char *value, sj_error *err);

/*
 * Build the root: the Debian system or the tarball first, then busybox,
 * then the programs and files with every library they need, then the
 * mount points a jail needs (/proc, /dev, /sys, /tmp) and, for a root of
 * host programs or busybox, a minimal /etc.  Running it again over the
 * same root brings it up to date and changes nothing that is current.
 * On failure, whatever this call created is removed (never what was
 * there before) and ERR says what went wrong.  Debian roots, device
 * nodes and another architecture need root.
 */
int sj_mkroot_build(sj_mkroot *m, sj_error *err);

/*
 * Say what root DIR lacks to run ARGV (NULL: /bin/sh) in a jail: each
 * lack goes to FN at SJ_MKROOT_LACK.  Returns the number of lacks (0:
 * the command can start), or -1 when DIR cannot be examined.
 */
int sj_mkroot_check(const char *dir, char *const argv[], sj_mkroot_log_fn *fn, void *arg,
		    sj_error *err);

/*
 * Make programs of Debian architecture ARCH run on this machine, in jails
 * too: qemu-user-static installed if missing, binfmt_misc mounted, and
 * the interpreter registered with the F flag (opened at registration, so
 * a jail's root need not hold it).  Never changes a registration it did
 * not make: one without the F flag is an error.  Native architectures
 * need nothing.  Needs root.
 */
int sj_mkroot_emulation(const char *arch, sj_mkroot_log_fn *fn, void *arg, sj_error *err);

/* ==== end of mkroot ======================================================= */

#ifdef __cplusplus
}
#endif

#endif /* SYSJAIL_H */
