/*
 * sj-private.h: what libsysjail's files share and the tools never see.
 *
 * One file per mechanism, each with one entry point (or a create/undo
 * pair for the host-side steps in jail.c):
 *
 *   error.c     sj_error helpers
 *   params.c    the parameter table (jail(8), jail.conf(5), sj_jail_set)
 *   addr.c      jail addresses: parsing and printing
 *   users.c     -u/-U: users and groups on the host or in the jail
 *   registry.c  jids, names and liveness under the runtime directory
 *   userns.c    the jail's user namespace and its uid/gid range
 *   mount.c     the jail's root, /proc, /dev, /sys, masks, pivot_root
 *   fstab.c     jail.conf(5)'s mount lines: parsed, targets made
 *   net.c       the jail's network namespace: modes, ownership, the init's part
 *   netcfg.c    the jail's addresses and interfaces, made from outside
 *   netreg.c    address claims and host-side records in the registry
 *   netlink.c   rtnetlink through libnl-route-3 (netlink.h)
 *   caps.c      capability sets, no_new_privs
 *   policy.c    the seccomp policy language: parser, pure logic
 *   conf*.c     jail.conf(5): parser, resolution, files (conf.h)
 *   seccomp.c   policy -> BPF through libseccomp, cache, install
 *   init.c      the jail's PID 1, and the command it starts
 *   command.c   the last steps of every process started in a jail
 *   hooks.c     jail.conf(5)'s exec.* commands
 *   jail.c      the ordered set-up steps and their undo
 *   manage.c    running jails: find, list, modify, remove
 *   limits.c    resource-limit values, and rlimits
 *   cgroup.c    the jail's control groups: limits, membership, kill, use
 *   layout.c    sysjail's bind, ro-bind, tmpfs, dev, proc, dir, symlink, chmod
 *   bpf.c       compiled filters as data: an interpreter, the audit's merge
 *   audit.c     log-denied: the audit process and its listener
 *   learn.c     sj_learn(): what a command calls, as a profile
 *   polcheck.c  sj_policy_check(): the policy linter
 *   confine.c   sj_confine_self(): confinement in place
 *   oci*.c      jails made from OCI bundles (sjrun(8)): see oci.h
 *   unpriv.c    jails made without root: the mode, id maps, joining one
 *   landlock.c  the jail's Landlock domain: scoping, files, TCP ports
 */
#ifndef SJ_PRIVATE_H
#define SJ_PRIVATE_H

#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "sysjail.h"

/* Nothing declared below leaves the shared library: its exports are
 * sysjail.h's alone, whatever the version script's sj_* lets through. */
#pragma GCC visibility push(hidden)

#define SJ_UNUSED __attribute__((unused))
#define SJ_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define SJ_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Cleanup helpers: variables released when they go out of scope. */
void sj_freep(void *p);
void sj_closep(const int *fd);
void sj_fclosep(void *fp);
#define SJ_AUTOFREE __attribute__((cleanup(sj_freep)))
#define SJ_AUTOCLOSE __attribute__((cleanup(sj_closep)))
#define SJ_AUTOFCLOSE __attribute__((cleanup(sj_fclosep)))

/* Hand an fd or pointer out of an auto-cleaned variable. */
static inline int sj_steal_fd(int *fd)
{
	int r = *fd;

	*fd = -1;
	return r;
}

/* error.c */
int sj_fail(sj_error *err, int errnum, const char *fmt, ...) SJ_PRINTF(3, 4);
int sj_fail_errno(sj_error *err, const char *fmt, ...) SJ_PRINTF(2, 3);
void sj_error_prefix(sj_error *err, const char *fmt, ...) SJ_PRINTF(2, 3);
void sj_error_clear(sj_error *err);

/* Small string helpers (error.c). */
char *sj_strdup(const char *s, sj_error *err);
int sj_write_all(int fd, const void *buf, size_t len);
int sj_send_fd(int sock, const void *buf, size_t len, int fd);
ssize_t sj_recv_fd(int sock, void *buf, size_t len, int *fd);
int sj_write_file(const char *path, const char *text, sj_error *err);
int sj_write_fileat(int dirfd, const char *path, const char *text, sj_error *err);

/* addr.c */
struct sj_addr {
	int family;			/* AF_INET or AF_INET6 */
	unsigned char addr[16];		/* network byte order */
	int prefix;			/* -1 when not given */
	char ifname[IF_NAMESIZE];	/* "" unless "ifname|address" */
};

struct sj_addr_list {
	struct sj_addr *v;
	size_t n;
};

int addr_parse(const char *text, struct sj_addr *a, sj_error *err);
int addr_list_parse(const char *text, int family, struct sj_addr_list *out, sj_error *err);
int addr_list_append(struct sj_addr_list *l, const struct sj_addr *a, sj_error *err);
void addr_list_clear(struct sj_addr_list *l);
int addr_format(const struct sj_addr *a, char *buf, size_t len);
bool addr_ifname_valid(const char *name);

/* params.c */
enum sj_netmode {
	SJ_NET_DISABLE,			/* loopback only */
	SJ_NET_NEW,			/* own namespace with the jail's addresses */
	SJ_NET_INHERIT,			/* the host's network namespace */
};

/* Every parameter of a jail.  Set through the table in params.c only. */
struct sj_config {
	int jid;			/* 0: allocate one */
	char *name;
	char *path;
	char *hostname;
	struct sj_addr_list ip4, ip6;
	int ip4_mode, ip6_mode;		/* enum sj_netmode, -1: from the addresses */
	char *interface;		/* interface: where addresses without one go */
	bool persist;
	char **command;			/* argv of the first process */
	bool exec_clean;
	char *jail_user;		/* exec.jail_user */
	bool system_jail_user;		/* look jail_user up on the host */
	bool allow_set_hostname;
	bool allow_raw_sockets;
	bool allow_sysvipc;
	bool allow_mount;
	bool allow_socket_af;
	bool userns;			/* sysjail.userns */
	char *seccomp;			/* sysjail.seccomp: profile name or file */
	char *rundir;			/* sysjail.rundir: the registry */
	char *oci;			/* sysjail.oci: an OCI bundle (oci.c) */
	char *oci_id;			/* sysjail.oci_id: its container id */

	/* jail.conf(5)'s parameters (issue 5).  The exec.*, mount.*,
	 * timeouts and children.max are PF_PENDING in params.c: refused
	 * until jail.c acts on them.  Lists are NULL-ended vectors. */
	char **exec_prestart;		/* exec.prestart: on the host, before */
	char **exec_created;		/* exec.created: on the host, created */
	char **exec_start;		/* exec.start: in the jail */
	char **exec_poststart;		/* exec.poststart: on the host, after */
	char **exec_prestop;		/* exec.prestop: on the host */
	char **exec_stop;		/* exec.stop: in the jail */
	char **exec_poststop;		/* exec.poststop: on the host, after */
	char *exec_system_user;		/* exec.system_user: host commands' user */
	int exec_timeout;		/* exec.timeout: seconds, 0: none */
	char *exec_consolelog;		/* exec.consolelog: output of exec.* */
	int stop_timeout;		/* stop.timeout: seconds after SIGTERM */
	char *mount_fstab;		/* mount.fstab: an fstab(5) file */
	char **mount;			/* mount: fstab(5) lines */
	bool mount_devfs;		/* mount.devfs: always true (/dev) */
	bool mount_fdescfs;		/* mount.fdescfs: always true (/dev/fd) */
	bool mount_procfs;		/* mount.procfs: always true (/proc) */
	int children_max;		/* children.max */
	int sysvmsg, sysvsem, sysvshm;	/* enum sj_netmode as set, 0: unset */

	/* Resource limits (limits.c, cgroup.c): a number, or SJ_LIMIT_NONE. */
	char *cgroup;			/* sysjail.cgroup: the parent group (NULL: "sysjail") */
	long long memory;		/* sysjail.memory: bytes */
	long long memory_swap;		/* sysjail.memory_swap: bytes beyond memory */
	long long maxproc;		/* sysjail.maxproc: processes and threads */
	long long cpu_weight;		/* sysjail.cpu_weight: 1-10000 */
	long long cpu_quota;		/* sysjail.cpu_quota: percent of one CPU */
	struct sj_rlimit {
		bool set;		/* else inherited from the jail's maker */
		rlim_t soft, hard;
	} rlimits[RLIM_NLIMITS];	/* sysjail.rlimit.*, by RLIMIT_* */
	/* sysjail(8)'s (issue 10): each name is its long option.  Lists of
	 * blank-separated fields, \NNN-escaped as in fstab(5) (layout.c). */
	char **bind, **ro_bind;		/* bind, ro-bind: "SRC DST" */
	char **tmpfs, **dev, **proc;	/* "DST" */
	char **symlink;			/* "TARGET LINK" */
	char **dir;			/* "DIR" */
	char **chmod;			/* "MODE PATH" */
	char *chdir;			/* the command's working directory */
	char **setenv;			/* "VAR=VALUE" */
	char **unsetenv;		/* "VAR" */
	bool clearenv;
	long uid, gid;			/* the command's ids in the jail, -1: unset */
	bool new_session, die_with_parent;
	char *log_denied;		/* "-": stderr, else a file; NULL: off */
	/* Unprivileged jails and Landlock (unpriv.c, landlock.c). */
	int mode;			/* sysjail.mode: enum sj_mode, 0: auto */
	bool keep_uid;			/* sysjail.keep_uid: not root in the jail */
	bool readonly;			/* sysjail.readonly: the root read-only */
	bool landlock_fs;		/* sysjail.landlock.fs: a second wall */
	char *tcp_bind;			/* sysjail.tcp.bind: ports, or "none" */
	char *tcp_connect;		/* sysjail.tcp.connect */
};

void params_init(struct sj_config *c);
void params_free(struct sj_config *c);
int params_set(struct sj_config *c, const char *name, const char *value, sj_error *err);
int params_add(struct sj_config *c, const char *name, const char *value, sj_error *err);
int params_get(const struct sj_config *c, const char *name, char *buf, size_t len, sj_error *err);
int params_check(const struct sj_config *c, sj_error *err);
int params_hostname_valid(const char *name, sj_error *err);
char *const *params_list(const struct sj_config *c, const char *name);

/* What jail.conf(5) needs to know of a parameter (params_lookup). */
struct param_info {
	const char *name;		/* as the table names it: no "no" */
	bool negated;			/* written "noNAME" / "a.noNAME" */
	bool boolean, list, mutable;
	bool noop;			/* FreeBSD's, means nothing on Linux */
	bool pending;			/* refused: not supported yet */
};

int params_lookup(const char *name, struct param_info *out);

/* users.c */
struct sj_cred {
	bool set;
	uid_t uid;
	gid_t gid;
	int ngroups;
	gid_t *groups;
	char *name;
	char *home;
	char *shell;
};

int users_lookup_host(const char *user, struct sj_cred *c, sj_error *err);
int users_lookup_jail(const char *user, struct sj_cred *c, sj_error *err);
void users_free(struct sj_cred *c);

/* registry.c */
struct sj_registry {
	int dirfd;			/* the runtime directory */
	int jid;
	int jid_lock;			/* held for the jail's whole life */
	int slot;			/* uid range slot, -1 without userns */
	int slot_lock;
	bool published;
};

#define SJ_RUNDIR "/run/sysjail"	/* root's registry, by default */

const char *reg_default_dir(char *buf, size_t len);
int reg_foreign(char ***dirs, uid_t **owners, size_t *n);
int reg_reserve(struct sj_jail *j, sj_error *err);
int reg_publish(struct sj_jail *j, sj_error *err);
void reg_release(struct sj_jail *j);
unsigned long long reg_starttime(pid_t pid);
int reg_open(const char *dir, sj_error *err);
bool reg_alive(int dirfd, int jid);
bool reg_dying(int dirfd, int jid);
int reg_mark_dying(int dirfd, int jid, sj_error *err);
int reg_lookup(int dirfd, const char *name, sj_error *err);
int reg_load(int dirfd, int jid, struct sj_jail *j, sj_error *err);
int reg_list(int dirfd, int **jids, size_t *n, sj_error *err);
int reg_list_in(int dirfd, const char *sub, int **jids, size_t *n, sj_error *err);
int reg_purge(int dirfd, int jid, int timeout_ms, sj_error *err);
void reg_sweep(int dirfd);
int reg_rewrite(struct sj_jail *j, sj_error *err);

/* userns.c */
#define SJ_UID_BASE 0x70000000u	/* first host uid of jail slot 0 */
#define SJ_UID_COUNT 0x10000u	/* ids per jail: 0-65535 inside */
#define SJ_UID_SLOTS 4094	/* slots below systemd's foreign range */

int uns_create(struct sj_jail *j, sj_error *err);
int uns_create_inner(struct sj_jail *j, sj_error *err);
void uns_close(struct sj_jail *j);
void uns_reap(struct sj_jail *j);
int uns_enter(const struct sj_jail *j, sj_error *err);
int uns_become_root(const struct sj_jail *j, sj_error *err);

/* unpriv.c: jails made without root (SJ_MODE_USERNS, SJ_MODE_CONFINE). */
#define SJ_NOTES_MAX 4

int up_select(struct sj_jail *j, sj_error *err);
int up_write_maps(struct sj_jail *j, sj_error *err);
int up_init_prepare(struct sj_jail *j, sj_error *err);
int up_attach_setns(const struct sj_jail *j, int flags, sj_error *err);
int up_each_process(const struct sj_jail *j, void (*fn)(int pidfd, pid_t pid, void *arg),
		    void *arg);
void up_kill_all(const struct sj_jail *j);
bool up_owner_ok(const struct sj_jail *j);
bool up_cgroups_allowed(const struct sj_jail *j);
void up_note(struct sj_jail *j, const char *fmt, ...) SJ_PRINTF(2, 3);

/* landlock.c: whose domain ll_restrict() makes. */
enum ll_who {
	LL_INIT,			/* a user's init: a domain above the jail's */
	LL_COMMAND,			/* the jail's command (and root's init) */
	LL_ATTACHED,			/* a command sj_attach() starts */
};

int ll_abi(void);
int ll_ports_parse(const char *text, uint16_t **ports, size_t *n, sj_error *err);
int ll_check(const struct sj_jail *j, sj_error *err);
int ll_restrict(const struct sj_jail *j, enum ll_who who, sj_error *err);

/* fstab.c: one of the jail's own mounts (mount, mount.fstab) */
struct sj_mount {
	char *source;			/* a bind's host path */
	char *target;			/* in the jail, relative to its root */
	char *data;			/* tmpfs options, "key=value,..." */
	unsigned attrs;			/* MOUNT_ATTR_*, nosuid and nodev added */
	bool bind;			/* or tmpfs */
	bool idmap;			/* to the jail's ids, as its root is */
	char special;			/* 'd', 'p': a copy of the jail's /dev, /proc */
};

int fstab_parse_line(const char *line, const char *path, struct sj_mount *m, sj_error *err);
int fstab_add_line(struct sj_jail *j, const char *line, sj_error *err);
char *fstab_field(char **s);
int fstab_prepare(struct sj_jail *j, sj_error *err);
void fstab_undo(struct sj_jail *j);
void fstab_free(struct sj_jail *j);

/* mount.c */
int mnt_prepare_root(struct sj_jail *j, sj_error *err);
void mnt_close_root(struct sj_jail *j);
int mnt_build(const struct sj_jail *j, int (*join_net)(const struct sj_jail *j, sj_error *err),
	      sj_error *err);
int mnt_fs_new(const char *type, const char *source, const char *options, unsigned attrs,
	       sj_error *err);

/* manage.c */
int mng_open_init(struct sj_jail *j, sj_error *err);
int mng_each_process(const struct sj_jail *j, void (*fn)(int pidfd, pid_t pid, void *arg),
		     void *arg);

/* net.c, netcfg.c, netreg.c: the jail's network (net.h inside them). */
struct sj_net;
int net_mode(const struct sj_config *c, int family);
bool net_private(const struct sj_config *c);
int net_prepare(struct sj_jail *j, sj_error *err);
void net_free(struct sj_jail *j);
int net_clone_flags(const struct sj_jail *j);
int net_keep_fd(const struct sj_jail *j);
int net_make_aside(struct sj_jail *j, sj_error *err);
int net_setup_inside(const struct sj_jail *j, sj_error *err);
int net_join_aside(const struct sj_jail *j, sj_error *err);
int net_sysctls(const struct sj_jail *j, int proc, sj_error *err);
int net_configure(struct sj_jail *j, sj_error *err);
int net_hold(struct sj_jail *j, sj_error *err);
void net_teardown(struct sj_jail *j);
int netreg_claim(struct sj_jail *j, sj_error *err);
void netreg_purge(int dirfd, int jid);

/* caps.c */
int caps_drop(const struct sj_config *c, sj_error *err);

/* seccomp.c: compiled filters, ready to install. */
struct sj_bpf {
	size_t nprog;
	struct sj_bpf_prog {
		size_t len;		/* instructions */
		void *insns;		/* struct sock_filter[len] */
	} prog[2];
};

int sc_prepare(struct sj_jail *j, sj_error *err);
void sc_release(struct sj_jail *j);
int sc_install(const struct sj_bpf *bpf, sj_error *err);

/* bpf.c: the compiled programs as data. */
struct seccomp_data;
uint32_t bpf_run(const void *prog, size_t len, const struct seccomp_data *d);
uint32_t bpf_run_all(const struct sj_bpf *bpf, const struct seccomp_data *d);
int bpf_notify(const struct sj_bpf *in, struct sj_bpf *out, sj_error *err);

/* audit.c: log-denied. */
struct sj_audit {
	int sock;			/* the init's end, to hand the listener over */
	pid_t pid;			/* the audit process */
	int pidfd;
	struct sj_bpf bpf;		/* the filter, merged, errno -> notify */
};

int audit_prepare(struct sj_jail *j, sj_error *err);
void audit_undo(struct sj_jail *j);
void audit_finish(struct sj_jail *j);
void audit_release(struct sj_jail *j);
int audit_install(const struct sj_jail *j, sj_error *err);

/* layout.c: sysjail(8)'s bind, ro-bind, tmpfs, dev, proc, dir, symlink, chmod. */
int layout_check(const char *param, const char *value, sj_error *err);
int layout_mounts(struct sj_jail *j, sj_error *err);
int layout_mkpath(int root, const char *rel, bool dir, sj_error *err);
int layout_apply(const struct sj_jail *j, sj_error *err);

/* What the init, or a process jexec starts, tells its creator. */
struct sj_report {
	int32_t stage;			/* enum sj_report_stage */
	int32_t errnum;			/* or, for SJ_REPORT_EXITED, the status */
	char msg[SJ_ERROR_MAX];
};

enum sj_report_stage {
	SJ_REPORT_SETUP = 1,		/* the set-up failed */
	SJ_REPORT_EXEC,			/* the command could not be executed */
	SJ_REPORT_READY,		/* the jail runs (its command executed) */
	SJ_REPORT_EXITED,		/* a persistent jail's command exited */
	SJ_REPORT_CREATED,		/* an OCI jail is built and waits for start */
	SJ_REPORT_JOINED,		/* an OCI jail's init is in its cgroups */
};

/* command.c: a process to execute in a jail. */
struct sj_cmd {
	char *const *argv;
	const char *user;		/* NULL: stay the jail's root */
	bool host_user;			/* CRED holds USER, from the host */
	const struct sj_cred *cred;
	bool clean_env;
	const char *dir;		/* NULL: "/", or the home with clean_env */
	int output;			/* stdout and stderr (0: as inherited) */
	uid_t id_limit;			/* ids must be below it (0: any) */
	bool ids;			/* take UID and GID (sysjail's uid, gid) */
	long uid, gid;			/* -1: unset */
	bool clearenv, new_session;
	char *const *unsetenv, *const *setenv;
	const struct oci_process *oci;	/* an OCI jail's process (oci-proc.c) */
	int console;			/* its console socket, or -1 */
};

int cmd_confine(const struct sj_jail *j, enum ll_who who, sj_error *err);
void cmd_exec(const struct sj_cmd *c, struct sj_report *r) __attribute__((noreturn));
void cmd_report(struct sj_report *r, int stage, const sj_error *err);

/* init.c */
int init_main(struct sj_jail *j);

/* limits.c */
#define SJ_LIMIT_NONE (-1LL)		/* "unlimited" */
#define SJ_MAXPROC_DEFAULT 2048		/* a jail's processes and threads */
#define SJ_CPU_WEIGHT_DEFAULT 100	/* the kernel's own */

int lim_parse(const char *name, const char *value, void *field, sj_error *err);
int lim_format(const char *name, const void *field, char *buf, size_t len);
void lim_human(long long bytes, char *buf, size_t len);
int lim_apply_rlimits(const struct sj_config *c, sj_error *err);

/* cgroup.c */
#define SJ_CGROUP_ROOT "/sys/fs/cgroup"
#define SJ_CGROUP_PARENT "sysjail"	/* sysjail.cgroup's default */

struct groups;

int cg_parent_valid(const char *name, sj_error *err);
int cg_prepare(struct sj_jail *j, sj_error *err);
int cg_create(struct sj_jail *j, sj_error *err);
int cg_hold(struct sj_jail *j, sj_error *err);
int cg_enter(struct sj_jail *j, sj_error *err);
void cg_destroy(struct sj_jail *j);
void cg_free(struct sj_jail *j);
int cg_open_v2(const struct sj_jail *j, int *fd, sj_error *err);
int cg_join(const struct sj_jail *j, bool v2, sj_error *err);
int cg_modify(struct sj_jail *j, const char *name, const char *value, sj_error *err);
void cg_kill(const struct sj_jail *j);
int cg_remove(const struct sj_jail *j, int timeout_ms, sj_error *err);
void cg_ended(struct sj_jail *j, int status, bool remove);
long long cg_oom_kills(const struct sj_jail *j);
int cg_stats(const struct sj_jail *j, struct sj_stats *st);
int cg_remove_orphan(const char *parent, int jid, int timeout_ms, sj_error *err);

/* hooks.c: jail.conf(5)'s exec.* commands. */
enum sj_hook {
	HOOK_PRESTART,
	HOOK_CREATED,
	HOOK_START,
	HOOK_POSTSTART,
	HOOK_PRESTOP,
	HOOK_STOP,
	HOOK_POSTSTOP,
};

int hooks_run(struct sj_jail *j, enum sj_hook h, sj_error *err);

/* The jail: its parameters and what sj_create() made of them. */
struct sj_jail {
	struct sj_config cfg;
	struct sj_registry reg;
	struct sj_cred cred;		/* exec.jail_user, resolved */
	struct sj_bpf bpf;
	struct sj_audit audit;		/* log-denied */
	sj_jail_log_fn *log;		/* sj_jail_set_log() */
	void *log_ctx;
	uid_t uid_base;			/* host uid of jail uid 0 */
	int userns_fd;
	pid_t holder_pid;		/* made the user namespace; to reap */
	int root_fd;			/* the jail's root tree, detached */
	struct sj_mount *mounts;	/* its own mounts, in order */
	size_t nmounts;
	char **made;			/* mount targets made for them */
	size_t nmade;
	int sock_host;			/* sj_start() <-> init and command: */
	int sock_init;			/* "go" one way, failures the other */
	pid_t init_pid;
	int init_pidfd;
	unsigned long long starttime;	/* the init's, in clock ticks */
	time_t created_at;		/* when the entry was published */
	bool created;			/* by sj_create(), in this process */
	bool started;
	bool found;			/* running, found in the registry */
	bool dying;			/* being removed */
	struct sj_net *net;		/* its network (net.c), NULL if none */
	const char *cg_fake;		/* a directory standing in for /sys/fs/cgroup
					 * (unit tests; see cgroup.c), or NULL */
	char wait_reason[160];		/* why the command ended, if the kernel said */
	long long oom_before;		/* the jail's memory kills at sj_attach(), or -1 */
	struct groups *cg;		/* its groups (cg_prepare()), until removed */
	int cg_fd;			/* its v2 group, for clone3(2), or -1 */
	bool cg_removed;		/* sj_wait() removed them */
	struct oci_state *oci;		/* made from an OCI bundle (oci.h), or NULL */

	/* Made without root (unpriv.c). */
	int mode;			/* enum sj_mode, 0 until chosen */
	int mode_asked;			/* sysjail.mode as set, plus 1 (0: not yet) */
	unsigned nids;			/* ids mapped in an unprivileged jail */
	uid_t owner;			/* who made it (whose registry it is in) */
	gid_t owner_gid;
	bool foreign;			/* another user's, found by root */
	size_t nnotes;
	char notes[SJ_NOTES_MAX][SJ_ERROR_MAX];
};

#pragma GCC visibility pop

#endif /* SJ_PRIVATE_H */
