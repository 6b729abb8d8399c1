/*
 * emul.c: programs of another architecture, run through qemu-user, in a
 * jail as anywhere else (jail(8)'s counterpart of FreeBSD's "Linux
 * emulation").
 *
 * The kernel runs a foreign ELF file through binfmt_misc: the entry for
 * its magic names Debian's qemu-user-static interpreter.  A jail's root
 * does not hold that interpreter, so the entry must have the F
 * (fix-binary) flag: the kernel opens the interpreter when the entry is
 * registered and uses that open file in every mount namespace.  The
 * emulator is then an x86_64 process like any other in the jail: the
 * same namespaces, capabilities, no_new_privs and seccomp filter apply
 * to every system call it makes for the guest.
 *
 * Registration: Debian's own tool first (update-binfmts --import, whose
 * format files ask for fix_binary), then, where it declines (its package
 * scripts skip containers), the package's binfmt.d line written to
 * binfmt_misc directly, with F added if it lacks it.  An entry that
 * exists is never changed or removed: one without F is an error.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "mkroot.h"

#define BINFMT "/proc/sys/fs/binfmt_misc"

struct binfmt {
	bool enabled;
	char interp[PATH_MAX];
	char flags[32];
};

/* Whether machine M runs here without an emulator. */
bool emul_native(const struct elf_machine *m)
{
	const struct elf_machine *h = elf_machine_host();

	if (!m || m == h)
		return true;
#if defined(__x86_64__)
	/* i386 runs natively; x32 has no emulator, and jails refuse it. */
	if (m->machine == EM_386 || m->machine == EM_X86_64)
		return true;
#endif
	return false;
}

/* Read entry NAME of binfmt_misc: 1 present, 0 absent. */
static int binfmt_read(const char *name, struct binfmt *b)
{
	char path[128], line[PATH_MAX + 32];
	SJ_AUTOFCLOSE FILE *f = NULL;

	memset(b, 0, sizeof(*b));
	snprintf(path, sizeof(path), BINFMT "/%s", name);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, "enabled") == 0)
			b->enabled = true;
		else if (strncmp(line, "interpreter ", 12) == 0)
			snprintf(b->interp, sizeof(b->interp), "%.*s", (int)sizeof(b->interp) - 1, line + 12);
		else if (strncmp(line, "flags: ", 7) == 0)
			snprintf(b->flags, sizeof(b->flags), "%.*s", (int)sizeof(b->flags) - 1, line + 7);
	}
	return 1;
}

/*
 * Whether programs of machine M run here, jails included: 1 (WHY says
 * how), or 0 (WHY says what is missing).
 */
int emul_status(const struct elf_machine *m, char *why, size_t len)
{
	struct binfmt b;
	char name[64];

	if (emul_native(m)) {
		snprintf(why, len, "%s runs natively", m ? m->arch : "this machine");
		return 1;
	}
	if (!m->qemu) {
		snprintf(why, len, "no emulator is known for %s", m->arch);
		return 0;
	}
	if (access(BINFMT "/register", F_OK) < 0) {
		snprintf(why, len, "%s programs need qemu-user, and binfmt_misc is not mounted "
			 "(mkjail --emulation %s)", m->arch, m->arch);
		return 0;
	}
	snprintf(name, sizeof(name), "qemu-%s", m->qemu);
	if (!binfmt_read(name, &b)) {
		snprintf(why, len, "%s programs need qemu-user: %s is not registered with "
			 "binfmt_misc (mkjail --emulation %s)", m->arch, name, m->arch);
		return 0;
	}
	if (!b.enabled) {
		snprintf(why, len, "%s is registered with binfmt_misc but disabled "
			 "(echo 1 > " BINFMT "/%s)", name, name);
		return 0;
	}
	if (!strchr(b.flags, 'F')) {
		snprintf(why, len, "%s is registered with binfmt_misc without the F (fix-binary) "
			 "flag, so its interpreter %s cannot be opened inside a jail; register it "
			 "again with F", name, b.interp);
		return 0;
	}
	snprintf(why, len, "%s programs run through %s (flags %s, interpreter %s)", m->arch, name,
		 b.flags, b.interp);
	return 1;
}

/* Register NAME from the package's binfmt.d line, with the F flag. */
static int register_line(const struct mk_log *log, const char *name, sj_error *err)
{
	char conf[128], line[1024];
	SJ_AUTOFCLOSE FILE *f = NULL;
	size_t n;

	snprintf(conf, sizeof(conf), "/usr/lib/binfmt.d/%s.conf", name);
	f = fopen(conf, "re");
	if (!f)
		return sj_fail_errno(err, "%s", conf);
	while (fgets(line, sizeof(line), f) && line[0] != ':')
		;
	n = strcspn(line, "\n");
	line[n] = '\0';
	if (line[0] != ':' || strncmp(line + 1, name, strlen(name)) != 0 ||
	    line[1 + strlen(name)] != ':')
		return sj_fail(err, EINVAL, "%s: no registration for %s", conf, name);
	if (!strchr(strrchr(line, ':'), 'F') && n + 1 < sizeof(line))
		strcat(line, "F");
	if (sj_write_file(BINFMT "/register", line, err) < 0) {
		sj_error_prefix(err, "registering %s", name);
		return -1;
	}
	mk_log(log, SJ_MKROOT_NOTICE, "registered %s with binfmt_misc from %s", name, conf);
	return 0;
}

/*
 * Make programs of machine M run here, jails included: the emulator
 * installed, binfmt_misc mounted, the interpreter registered with F.
 */
int emul_ensure(const struct mk_log *log, const struct elf_machine *m, sj_error *err)
{
	char qemu[128], name[64], why[PATH_MAX + 256];
	const char *import[] = { "/usr/sbin/update-binfmts", "--import", name, NULL };
	struct binfmt b;
	sj_error ignored;

	if (emul_status(m, why, sizeof(why)) == 1) {
		mk_log(log, SJ_MKROOT_INFO, "%s", why);
		return 0;
	}
	if (!m->qemu)
		return sj_fail(err, ENOTSUP, "%s", why);
	if (geteuid() != 0)
		return sj_fail(err, EPERM, "%s; setting that up needs root", why);
	snprintf(qemu, sizeof(qemu), "/usr/bin/qemu-%s-static", m->qemu);
	snprintf(name, sizeof(name), "qemu-%s", m->qemu);
	{
		const char *need[][2] = {
			{ qemu, "qemu-user-static" },
			{ "/usr/sbin/update-binfmts", "binfmt-support" },
		};

		if (mk_apt_ensure(log, need, SJ_NELEM(need), "to run other architectures", err) < 0)
			return -1;
	}
	if (access(BINFMT "/register", F_OK) < 0) {
		if (mount("binfmt_misc", BINFMT, "binfmt_misc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  NULL) < 0)
			return sj_fail_errno(err, "mount binfmt_misc on " BINFMT);
		mk_log(log, SJ_MKROOT_NOTICE, "mounted binfmt_misc on " BINFMT);
	}
	if (!binfmt_read(name, &b)) {
		if (access(import[0], X_OK) == 0 && mk_run(log, import, NULL, 0, &ignored) == 0 &&
		    binfmt_read(name, &b))
			mk_log(log, SJ_MKROOT_NOTICE, "registered %s with binfmt_misc (update-binfmts)",
			       name);
		else if (register_line(log, name, err) < 0)
			return -1;
	}
	if (emul_status(m, why, sizeof(why)) != 1)
		return sj_fail(err, ENOEXEC, "%s", why);
	mk_log(log, SJ_MKROOT_NOTICE, "%s", why);
	return 0;
}
