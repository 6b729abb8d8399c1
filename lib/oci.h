/*
 * oci.h: what the OCI runtime files of libsysjail share (sjrun(8)).
 *
 * A jail whose parameter sysjail.oci names a bundle is made from the
 * bundle's config.json (runtime-spec 1.0/1.1) instead of from jail(8)'s
 * parameters alone: the same create steps, init, registry and attach,
 * with the OCI description consulted at each step.
 *
 *   oci-spec.c     config.json and process.json: parsed, validated
 *   oci-ns.c       namespaces to make or join, the user namespace maps
 *   oci-mount.c    the container's mounts, devices, masked and read-only
 *                  paths, and pivot_root (in the init)
 *   oci-proc.c     a container process: rlimits, capabilities, user,
 *                  terminal, environment, execve
 *   oci-seccomp.c  linux.seccomp compiled through libseccomp
 *   oci-cgroup.c   cgroupsPath, linux.resources, freezer, pids
 *   oci-hooks.c    hooks, run with the state on their standard input
 *   oci.c          the create steps and the public sj_oci_* calls
 */
#ifndef SJ_OCI_H
#define SJ_OCI_H

#include <stdint.h>
#include <sys/resource.h>

#include "sj-private.h"

/* The five capability sets of a process, as bit masks. */
enum oci_capset {
	OCI_CAP_BOUNDING,
	OCI_CAP_EFFECTIVE,
	OCI_CAP_INHERITABLE,
	OCI_CAP_PERMITTED,
	OCI_CAP_AMBIENT,
	OCI_CAP_SETS,
};

struct oci_rlimit {
	int resource;			/* RLIMIT_* */
	rlim_t soft, hard;
};

/* process (config.json) or a process.json of exec. */
struct oci_process {
	char **args;			/* NULL-ended */
	char **env;			/* NULL-ended */
	char *cwd;
	uid_t uid;
	gid_t gid;
	gid_t *groups;			/* additionalGids */
	size_t ngroups;
	int umask;			/* -1: unset */
	bool terminal;
	unsigned rows, cols;		/* consoleSize, 0: unset */
	bool caps_set;			/* capabilities given at all */
	uint64_t caps[OCI_CAP_SETS];
	bool nnp;			/* noNewPrivileges */
	struct oci_rlimit *rlimits;
	size_t nrlimits;
	bool oom_set;
	int oom_score_adj;
	bool borrowed;			/* pointers are another process's: free none */
};

/* One namespace of linux.namespaces. */
struct oci_ns {
	int type;			/* CLONE_NEW* */
	char *path;			/* join it; NULL: a new one */
};

struct oci_idmap {
	uint32_t inside, outside, size;
};

/* One entry of mounts. */
struct oci_mount {
	char *dest;			/* absolute, in the container */
	char *type;			/* NULL for a bind */
	char *source;			/* absolute on the host for a bind */
	char *data;			/* filesystem options "k=v,flag,..." */
	unsigned attr_set, attr_clr;	/* MOUNT_ATTR_* */
	unsigned long propagation;	/* MS_PRIVATE etc., 0: none */
	bool bind, recursive;
};

struct oci_device {
	char *path;
	char type;			/* c, b, u, p */
	unsigned major, minor;
	unsigned mode;
	uid_t uid;
	gid_t gid;
};

/* linux.resources.devices: one rule. */
struct oci_devrule {
	bool allow;
	char type;			/* a, c, b */
	long long major, minor;		/* -1: any */
	char access[4];			/* of "rwm" */
};

#define OCI_UNSET (-2LL)		/* a resource not given */
#define OCI_MAX (-1LL)			/* "unlimited" */

/* linux.resources: what sjrun applies, each OCI_UNSET when not given. */
struct oci_resources {
	long long memory, memory_swap, memory_reservation;
	long long pids;
	long long cpu_shares, cpu_quota, cpu_period;
	char *cpus, *mems;
	struct oci_devrule *devices;
	size_t ndevices;
	bool devices_set;
};

/* linux.seccomp: kept as JSON text, compiled when needed (oci-seccomp.c). */
struct oci_hook {
	char *path;
	char **args, **env;
	int timeout;			/* seconds, 0: none */
};

enum oci_hook_kind {
	OCI_HOOK_PRESTART,
	OCI_HOOK_CREATE_RUNTIME,
	OCI_HOOK_CREATE_CONTAINER,
	OCI_HOOK_START_CONTAINER,
	OCI_HOOK_POSTSTART,
	OCI_HOOK_POSTSTOP,
	OCI_HOOK_KINDS,
};

struct oci_sysctl {
	char *key, *value;
};

struct oci_spec {
	char *annotations;		/* compact JSON object, or NULL */
	char *bundle;			/* absolute */
	char *id;			/* the container's id */
	char *root;			/* absolute */
	bool root_readonly;
	char *hostname;
	struct oci_process proc;
	struct oci_ns *ns;
	size_t nns;
	struct oci_idmap *uidmap, *gidmap;
	size_t nuidmap, ngidmap;
	struct oci_mount *mounts;
	size_t nmounts;
	struct oci_device *devices;
	size_t ndevices;
	char **masked, **readonly;	/* NULL-ended */
	struct oci_sysctl *sysctls;
	size_t nsysctls;
	char *cgroups_path;		/* NULL: sysjail's default place */
	struct oci_resources res;
	char *seccomp;			/* linux.seccomp, compact JSON, or NULL */
	unsigned long rootfs_propagation; /* MS_*, 0: private */
	struct oci_hook *hooks[OCI_HOOK_KINDS];
	size_t nhooks[OCI_HOOK_KINDS];
};

/*
 * What a jail made from a bundle holds beyond its spec: descriptors the
 * creator opens for the init, and what was made for it on the host.
 */
struct oci_state {
	struct oci_spec *spec;
	int *nsfd;			/* per spec->ns: an fd to join, or -1 */
	int listen;			/* RUNDIR/jail/JID.start, for sj_start() */
	int console;			/* the caller's console socket, or -1 */
	int pty;			/* in the init: the terminal's slave, or -1 */
	bool listening;			/* the start socket's file exists */
	bool cg_made;			/* oci-cgroup.c made the groups */
	char *cg_rel;			/* the groups' path under each hierarchy */
};

/* oci-spec.c */
int oci_spec_load(const char *bundle, const char *id, struct oci_spec **out, sj_error *err);
int oci_spec_loadb(const char *bundle, const char *id, const char *text, size_t len,
		   struct oci_spec **out, sj_error *err);
void oci_spec_free(struct oci_spec *s);
int oci_process_load(const char *path, struct oci_process *p, sj_error *err);
void oci_process_free(struct oci_process *p);
int oci_resources_parse(const char *text, size_t len, struct oci_resources *r, sj_error *err);
void oci_resources_free(struct oci_resources *r);
int oci_cap_number(const char *name);
bool oci_spec_has_ns(const struct oci_spec *s, int type);
bool oci_spec_ns_new(const struct oci_spec *s, int type);

/* oci-ns.c */
int oci_ns_open(struct sj_jail *j, sj_error *err);
void oci_ns_close(struct sj_jail *j);
unsigned long oci_clone_flags(const struct sj_jail *j);
bool oci_ns_new(const struct sj_jail *j, int type);
int oci_ns_join_pid(struct sj_jail *j, int *restore, sj_error *err);
void oci_ns_restore_pid(int restore);
int oci_ns_join_inside(const struct sj_jail *j, sj_error *err);
int oci_userns_maps(const struct sj_jail *j, pid_t pid, sj_error *err);

/* oci-mount.c */
int oci_prepare_root(struct sj_jail *j, sj_error *err);
int oci_mnt_build(const struct sj_jail *j, sj_error *err);
int oci_resolve(int root, const char *path, int mode, int *out, sj_error *err);

/* oci-proc.c */
int oci_init_confine(const struct sj_jail *j, const struct oci_process *p, sj_error *err);
int oci_drop_all_caps(sj_error *err);
void oci_exec(const struct sj_jail *j, const struct oci_process *p, int console,
	      struct sj_report *r) __attribute__((noreturn));
int oci_console_open(int sock, const struct oci_process *p, int *slave, sj_error *err);
int oci_console_init(struct sj_jail *j, sj_error *err);

/* oci-seccomp.c */
int oci_seccomp_prepare(struct sj_jail *j, sj_error *err);
unsigned oci_seccomp_flags(const struct sj_jail *j);

/* seccomp.c, for oci-seccomp.c */
int sc_export_bpf(void *ctx, struct sj_bpf_prog *prog, sj_error *err);
bool sc_cache_lookup(int rundir, const void *key, size_t len, struct sj_bpf *out);
void sc_cache_save(int rundir, const void *key, size_t len, const struct sj_bpf *bpf);
int sc_install_flags(const struct sj_bpf *bpf, unsigned flags, sj_error *err);

/* oci-cgroup.c */
char *ocg_path(const struct sj_jail *j);
int ocg_create(struct sj_jail *j, sj_error *err);
void ocg_remove_made(struct sj_jail *j);
int ocg_join(const struct sj_jail *j, bool v2, sj_error *err);
int ocg_open_v2(const struct sj_jail *j, int *fd, sj_error *err);
int ocg_freeze(const struct sj_jail *j, bool frozen, sj_error *err);
int ocg_frozen(const struct sj_jail *j);
int ocg_pids(const struct sj_jail *j, pid_t **pids, size_t *n, sj_error *err);
int ocg_update(const struct sj_jail *j, const struct oci_resources *r, sj_error *err);
int ocg_destroy(const struct sj_jail *j, sj_error *err);

/* oci-hooks.c */
int oci_hooks_run(const struct sj_jail *j, enum oci_hook_kind kind, const char *status,
		  sj_error *err);
char *oci_state_json(const struct sj_jail *j, const char *status, pid_t pid);

/* oci.c: the rows of sj_create()'s table, and the init's side */
int oci_load(struct sj_jail *j, sj_error *err);
void oci_unload(struct sj_jail *j);
int oci_open_ns(struct sj_jail *j, sj_error *err);
int oci_listen(struct sj_jail *j, sj_error *err);
void oci_unlisten(struct sj_jail *j);
int oci_make_cgroups(struct sj_jail *j, sj_error *err);
int oci_after_spawn(struct sj_jail *j, sj_error *err);
void oci_undo_spawn(struct sj_jail *j);
int oci_wait_built(struct sj_jail *j, sj_error *err);
int oci_start_found(struct sj_jail *j, sj_error *err);
int oci_init_setup(struct sj_jail *j, sj_error *err);
pid_t oci_start_command(struct sj_jail *j, struct sj_report *r);
struct oci_process *oci_exec_process(struct sj_jail *j, const struct sj_exec *e,
				     sj_error *err);
void oci_exec_process_free(struct oci_process *p);

#endif /* SJ_OCI_H */
