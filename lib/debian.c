/*
 * debian.c: a full Debian system in a root, made by debootstrap
 * (installed with apt when missing), for this architecture or, through
 * qemu-user (emul.c), another one.
 *
 * debootstrap needs an empty directory; a directory that already holds
 * the Debian asked for is left as it is, so running again is harmless.
 * debootstrap is not ours to journal file by file: when it fails, the
 * directory it filled is emptied again (deb_wipe()), any mount it left
 * there detached first.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "mkroot.h"

#define DEFAULT_MIRROR "http://deb.debian.org/debian"

static bool valid_suite(const char *s)
{
	if (!*s || strlen(s) > 64 || s[0] == '-' || s[0] == '.')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		      *s == '.' || *s == '+'))
			return false;
	return true;
}

/* debootstrap's --variant for our VARIANT name; NULL: its default set. */
static int variant_arg(const char *variant, char *out, size_t len, sj_error *err)
{
	static const char *const known[] = { "minbase", "buildd", "fakechroot" };

	out[0] = '\0';
	if (!variant)
		variant = "minbase";
	if (strcmp(variant, "important") == 0)
		return 0;
	for (size_t i = 0; i < SJ_NELEM(known); i++)
		if (strcmp(variant, known[i]) == 0) {
			snprintf(out, len, "--variant=%s", variant);
			return 0;
		}
	return sj_fail(err, EINVAL, "variant: '%s' is not one of minbase, buildd, fakechroot, "
		       "important", variant);
}

/* VERSION_CODENAME of the root's /etc/os-release, or "". */
static void codename(int rootfd, char *out, size_t len)
{
	SJ_AUTOFCLOSE FILE *f = NULL;
	char line[256];
	int fd = rp_open_file(rootfd, "etc/os-release");

	out[0] = '\0';
	if (fd < 0 || !(f = fdopen(fd, "re"))) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VERSION_CODENAME=", 17) == 0) {
			snprintf(out, len, "%.*s", (int)strcspn(line + 17, "\n\"'"), line + 17);
			return;
		}
}

/*
 * 1 when the root already holds Debian SUITE for machine M, 0 when it
 * holds nothing, -1 (with ERR) when it holds something else.
 */
static int existing(struct mk_ctx *c, const struct mk_debian *d, sj_error *err)
{
	static const char *const aliases[] = { "stable", "testing", "unstable", "oldstable", "sid" };
	SJ_AUTOCLOSE int status = rp_open(c->rootfd, "var/lib/dpkg/status", O_PATH, 0);
	SJ_AUTOCLOSE int unfinished = rp_open(c->rootfd, "debootstrap", O_PATH, 0);
	SJ_AUTOCLOSE int dpkg = -1;
	const struct elf_machine *m = NULL;
	struct elf_info ei;
	char have[64];
	bool alias = false;
	int empty = rp_is_empty_dir(c->rootfd);

	if (empty == 1)
		return 0;
	if (status < 0)
		return sj_fail(err, ENOTEMPTY, "%s is neither empty nor a Debian root; debootstrap "
			       "needs an empty directory", c->rootpath);
	if (unfinished >= 0)
		return sj_fail(err, EEXIST, "%s holds a debootstrap that did not finish (its "
			       "/debootstrap is there): empty it first", c->rootpath);
	dpkg = rp_open_file(c->rootfd, "usr/bin/dpkg");
	if (dpkg >= 0 && elf_read_fd(dpkg, &ei, err) == 0) {
		m = elf_machine_of(&ei);
		elf_info_free(&ei);
	}
	if (m != d->machine)
		return sj_fail(err, EEXIST, "%s holds a Debian system for %s, not %s", c->rootpath,
			       m ? m->arch : "another architecture", d->machine->arch);
	for (size_t i = 0; i < SJ_NELEM(aliases); i++)
		alias |= strcmp(d->suite, aliases[i]) == 0;
	codename(c->rootfd, have, sizeof(have));
	if (!alias && strcmp(have, d->suite) != 0)
		return sj_fail(err, EEXIST, "%s holds Debian %s, not %s", c->rootpath,
			       have[0] ? have : "(unknown)", d->suite);
	mk_log(&c->log, SJ_MKROOT_INFO, "%s already holds Debian %s for %s: not bootstrapped again",
	       c->rootpath, d->suite, d->machine->arch);
	return 1;
}

/*
 * Bootstrap Debian D into the root.  *WIPE is set once debootstrap has
 * started in the (empty) directory: undoing a failure empties it.
 */
int deb_bootstrap(struct mk_ctx *c, const struct mk_debian *d, bool *wipe, sj_error *err)
{
	static const char *const need[][2] = { { "/usr/sbin/debootstrap", "debootstrap" } };
	const char *mirror = d->mirror ? d->mirror : DEFAULT_MIRROR;
	char variant[64], arch[64];
	const char *argv[8];
	size_t n = 0;
	int r;

	*wipe = false;
	if (!valid_suite(d->suite))
		return sj_fail(err, EINVAL, "debian: '%s' is not a suite name", d->suite);
	if (variant_arg(d->variant, variant, sizeof(variant), err) < 0)
		return -1;
	if (strncmp(mirror, "http://", 7) != 0 && strncmp(mirror, "https://", 8) != 0 &&
	    strncmp(mirror, "file:///", 8) != 0)
		return sj_fail(err, EINVAL, "mirror: '%s' is not an http, https or file URL", mirror);
	if (!c->privileged)
		return sj_fail(err, EPERM, "debian: debootstrap needs root");
	r = existing(c, d, err);
	if (r != 0)
		return r < 0 ? -1 : 0;
	if (!emul_native(d->machine) && emul_ensure(&c->log, d->machine, err) < 0)
		return -1;
	if (mk_apt_ensure(&c->log, need, 1, "for --debian", err) < 0)
		return -1;
	snprintf(arch, sizeof(arch), "--arch=%s", d->machine->arch);
	argv[n++] = "/usr/sbin/debootstrap";
	if (variant[0])
		argv[n++] = variant;
	argv[n++] = arch;
	argv[n++] = d->suite;
	argv[n++] = c->rootpath;
	argv[n++] = mirror;
	argv[n] = NULL;
	mk_log(&c->log, SJ_MKROOT_INFO, "running debootstrap %s %s %s %s %s", variant, arch,
	       d->suite, c->rootpath, mirror);
	*wipe = true;
	if (mk_run(&c->log, argv, NULL, 0, err) < 0)
		return -1;
	c->created++;
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st;
	if (f->level == 0)
		return 0;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/*
 * Empty directory DIR again after a failed debootstrap: detach what is
 * mounted below it (debootstrap mounts /proc and /sys there), then
 * remove everything in it, never crossing into another filesystem.
 */
void deb_wipe(const char *dir)
{
	char line[4096], mnt[PATH_MAX], *points[64];
	size_t len = strlen(dir), n = 0;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	while (f && fgets(line, sizeof(line), f) && n < SJ_NELEM(points))
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1 && strncmp(mnt, dir, len) == 0 &&
		    mnt[len] == '/')
			points[n++] = strdup(mnt);
	if (f)
		fclose(f);
	while (n > 0) {
		char *p = points[--n];

		if (p)
			umount2(p, MNT_DETACH);
		free(p);
	}
	nftw(dir, rm_entry, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}
