/*
 * mkroot.h: what the files that build a jail's root share (mkjail(8)),
 * and nothing else in libsysjail sees.
 *
 *   mkroot.c    sj_mkroot_*: the options, the ordered build steps, rollback
 *   rootpath.c  paths inside a root: normalising, the tar name policy,
 *               openat2() beneath the root, directories, the journal
 *   elfparse.c  the ELF headers the loader reads; the machines mkjail knows
 *   elfdeps.c   the dynamic loader's search for libraries
 *   hostcopy.c  host programs, files, trees and busybox copied into a root
 *   untar.c     safe extraction of a tarball (libarchive reads it)
 *   debian.c    debootstrap
 *   emul.c      qemu-user through binfmt_misc for another architecture
 *   mkcheck.c   what a root lacks for a command
 *   mkspawn.c   helper programs (apt-get, debootstrap, python3 -c, busybox)
 *
 * Everything that writes into a root goes through rootpath.c: names are
 * resolved with openat2(RESOLVE_IN_ROOT) from the root's directory fd, so
 * a symlink in the root (planted by a tarball, or by a jail that ran
 * there) can never carry a write outside it, and the last component is
 * never followed.
 */
#ifndef SJ_MKROOT_H
#define SJ_MKROOT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "sj-private.h"

/* Messages for the caller's log callback (mkroot.c). */
struct mk_log {
	sj_mkroot_log_fn *fn;
	void *arg;
};

void mk_log(const struct mk_log *log, int level, const char *fmt, ...) SJ_PRINTF(3, 4);

/* --- rootpath.c ------------------------------------------------------ */

/* What this run created in the root, in order, to undo on failure. */
struct mk_journal {
	char **path;			/* relative to the root */
	size_t n, cap;
};

int rp_clean(const char *in, char *out, size_t len);
int rp_tar_name(const char *name, char *out, size_t len, const char **why);

/* A tarball entry, as the policy sees it. */
struct rp_tar_entry {
	const char *name;
	const char *hardlink;		/* NULL unless a hard link */
	const char *symlink;		/* NULL unless a symlink */
	mode_t type;			/* S_IFREG, S_IFDIR, ... */
	mode_t mode;			/* permission bits */
	bool devices;			/* --devices */
	bool privileged;		/* euid 0 */
};

enum rp_tar_action {
	RP_TAR_EXTRACT,			/* (WHY, if set, says what was changed) */
	RP_TAR_SKIP,			/* neutralised: left out, WHY says why */
	RP_TAR_REFUSE,			/* hostile or broken: WHY says why */
};

struct rp_tar_verdict {
	enum rp_tar_action action;
	char rel[PATH_MAX];		/* where it lands, relative to the root */
	char link[PATH_MAX];		/* a hard link's target, the same way */
	mode_t mode;			/* the permission bits it gets */
	char why[160];
};

void rp_tar_policy(const struct rp_tar_entry *e, struct rp_tar_verdict *v);
int rp_open(int rootfd, const char *rel, int flags, mode_t mode);
int rp_open_file(int rootfd, const char *rel);
int rp_parent(int rootfd, const char *rel, const char **base);
int rp_mkdirs(int rootfd, const char *rel, mode_t mode, struct mk_journal *j, sj_error *err);
int rp_is_empty_dir(int dirfd);
int mk_journal_add(struct mk_journal *j, const char *rel, sj_error *err);
void mk_journal_undo(struct mk_journal *j, int rootfd);
void mk_journal_free(struct mk_journal *j);

/* --- elfparse.c and elfdeps.c ------------------------------------------ */

/* What the loader reads of an ELF file. */
struct elf_info {
	uint8_t cls;			/* ELFCLASS32 or ELFCLASS64 */
	uint8_t data;			/* ELFDATA2LSB or ELFDATA2MSB */
	uint16_t type;			/* ET_EXEC, ET_DYN, ... */
	uint16_t machine;		/* EM_X86_64, ... */
	uint32_t flags;			/* e_flags */
	bool dynamic;			/* has PT_DYNAMIC */
	bool nodeflib;			/* DF_1_NODEFLIB */
	char *interp;			/* PT_INTERP */
	char *soname;
	char *rpath;			/* DT_RPATH */
	char *runpath;			/* DT_RUNPATH */
	char **needed;			/* DT_NEEDED, in order */
	size_t nneeded;
};

/* A machine the loader knows: Debian's name, multiarch triplet, qemu. */
struct elf_machine {
	uint16_t machine;
	uint8_t cls, data;
	uint32_t flags_mask, flags;	/* e_flags bits that tell ABIs apart */
	const char *arch;		/* Debian's name: amd64, arm64, ... */
	const char *triplet;		/* x86_64-linux-gnu: $LIB is lib/TRIPLET */
	const char *platform;		/* $PLATFORM (AT_PLATFORM) */
	const char *qemu;		/* qemu-user's name, NULL: none */
};

/* Where the loader searches: a tree ("/" or a jail's root). */
struct elf_env {
	int rootfd;
	char *rootpath;			/* its real path */
	bool cache;			/* it has /etc/ld.so.cache: conf[] searched */
	char **conf;			/* the ld.so.conf directories, in order */
	size_t nconf;
};

enum elf_how {
	ELF_MAIN,			/* the program itself */
	ELF_INTERP,			/* its PT_INTERP */
	ELF_PATHNAME,			/* a DT_NEEDED with a '/' */
	ELF_RPATH,
	ELF_RUNPATH,
	ELF_CONF,			/* a directory of ld.so.conf (the cache) */
	ELF_DEFAULT,			/* the loader's system directories */
};

/* One object of a program, or a library not found (path NULL). */
struct elf_dep {
	char *path;			/* in the tree, as the loader opens it */
	char *name;			/* as it was asked for */
	char *origin;			/* $ORIGIN */
	int by;				/* index of the object that needed it, -1 */
	enum elf_how how;
	struct elf_info info;
	dev_t dev;
	ino_t ino;
};

struct elf_deps {
	struct elf_dep *v;
	size_t n, cap;
};

int elf_parse(const unsigned char *buf, size_t len, struct elf_info *ei, sj_error *err);
int elf_read_fd(int fd, struct elf_info *ei, sj_error *err);
void elf_info_free(struct elf_info *ei);
const struct elf_machine *elf_machine_of(const struct elf_info *ei);
const struct elf_machine *elf_machine_by_arch(const char *arch);
const struct elf_machine *elf_machine_host(void);
int elf_expand(const char *in, const char *origin, const struct elf_machine *m, char *out,
	       size_t len);
int elf_env_open(struct elf_env *env, const char *root, sj_error *err);
void elf_env_close(struct elf_env *env);
int elf_resolve(const struct elf_env *env, const char *path, struct elf_deps *deps,
		sj_error *err);
bool elf_default_dir(const struct elf_machine *m, const char *dir);
void elf_deps_free(struct elf_deps *deps);

/* --- the build's state, shared by the steps ---------------------------- */

enum mk_flag {
	MK_COPY = 1u << 0,		/* plain copies: no reflinks */
	MK_LINK = 1u << 1,		/* hard links to the host's files */
	MK_DEVICES = 1u << 2,		/* device nodes from a tarball */
	MK_LOCALE = 1u << 3,
	MK_TIMEZONE = 1u << 4,
	MK_DIST_PACKAGES = 1u << 5,	/* python's site directories too */
	MK_BUSYBOX = 1u << 6,
};

struct mk_ctx {
	int rootfd;			/* the target directory, O_PATH */
	const char *rootpath;		/* its path, for messages */
	unsigned flags;			/* enum mk_flag */
	bool privileged;		/* euid 0: owners kept, devices made */
	struct mk_log log;
	struct mk_journal journal;	/* what this run created */
	struct elf_env host;		/* the host's loader, for host programs */
	void *seen;			/* tsearch(3) tree of host paths done */
	unsigned tmpseq;
	unsigned created, updated, unchanged;
	unsigned refused;		/* tarball entries refused */
};

/* hostcopy.c */
int host_install(struct mk_ctx *c, char *const programs[], char *const files[], sj_error *err);

/* untar.c */
int untar_extract(struct mk_ctx *c, const char *tarball, sj_error *err);

/* debian.c */
struct mk_debian {
	const char *suite;
	const char *variant;		/* NULL: minbase */
	const char *mirror;		/* NULL: deb.debian.org */
	const struct elf_machine *machine;
};

int deb_bootstrap(struct mk_ctx *c, const struct mk_debian *d, bool *wipe, sj_error *err);
void deb_wipe(const char *dir);

/* emul.c */
int emul_ensure(const struct mk_log *log, const struct elf_machine *m, sj_error *err);
bool emul_native(const struct elf_machine *m);
int emul_status(const struct elf_machine *m, char *why, size_t len);

/* mkcheck.c */
int mk_check(const char *dir, char *const argv[], const struct mk_log *log, sj_error *err);

/* mkspawn.c */
int mk_run(const struct mk_log *log, const char *const argv[], char *out, size_t outlen,
	   sj_error *err);
int mk_apt_ensure(const struct mk_log *log, const char *const need[][2], size_t n,
		  const char *why, sj_error *err);

#endif /* SJ_MKROOT_H */
