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
 * Create the jail: reserve its jid and name, build its namespaces and
 * root, and start its init, which waits for sj_start().  On failure
 * nothing is left behind.  Needs root.
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

/*
 * Wait for a jail created by this sj_jail to end, and store in *STATUS
 * its exit status: the command's exit code, or 128 + the signal that
 * killed it.  Signals listed in sj_forward_signal() that arrive while
 * waiting are the caller's to forward.
 */
int sj_wait(sj_jail *j, int *status, sj_error *err);

/*
 * Forward signal SIG to the jail's command (through its init).  Meant for
 * a front end's signal handler: async-signal-safe.
 */
int sj_forward_signal(const sj_jail *j, int sig);

/* The jail's id (jid), or -1 before sj_create(). */
int sj_jail_jid(const sj_jail *j);

/* The host pid of the jail's init, or -1 before sj_create(). */
pid_t sj_jail_init_pid(const sj_jail *j);

/* Whether NAME is a parameter the library knows. */
bool sj_param_exists(const char *name);

/*
 * Whether TEXT parses as a list of jail addresses ("192.0.2.1",
 * "2001:db8::1/64", "eth0|192.0.2.1/24", comma-separated), as jail(8)'s
 * legacy form needs to decide whether its third operand is an address.
 */
bool sj_addr_list_valid(const char *text);

#ifdef __cplusplus
}
#endif

#endif /* SYSJAIL_H */
