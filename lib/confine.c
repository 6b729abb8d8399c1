/*
 * confine.c: sj_confine_self(), a jail's confinement for the calling
 * process, in place: the pledge/unveil-like use of the library.
 *
 * What needs no new namespace is applied to the caller itself: the
 * environment and working directory, numeric ids, die-with-parent, the
 * end of every capability with no_new_privs, and the jail's seccomp
 * profile (its allow.* parameters included).  What would need one (a
 * root of its own, mounts, addresses, a hostname, hooks, persistence)
 * is refused, so that a caller never believes itself confined in a way
 * it is not.  The filter is compiled before anything changes; after
 * that the steps cannot be undone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "sj-private.h"

/* The first parameter set on C that only a jail of its own can apply. */
static const char *needs_jail(const struct sj_config *c)
{
	static const char *const lists[] = {
		"mount", "bind", "ro-bind", "tmpfs", "dev", "proc", "dir", "symlink", "chmod",
		"exec.prestart", "exec.created", "exec.start", "exec.poststart", "exec.prestop",
		"exec.stop", "exec.poststop",
	};

	if (c->path && strcmp(c->path, "/") != 0)
		return "path";
	if (c->hostname)
		return "host.hostname";
	if (c->ip4.n || c->ip6.n)
		return c->ip4.n ? "ip4.addr" : "ip6.addr";
	if (c->persist)
		return "persist";
	if (c->mount_fstab)
		return "mount.fstab";
	if (c->jail_user)
		return "exec.jail_user";
	if (c->new_session)
		return "new-session";
	if (c->log_denied)
		return "log-denied";
	if (c->allow_set_hostname)
		return "allow.set_hostname";
	for (size_t i = 0; i < SJ_NELEM(lists); i++) {
		char *const *v = params_list(c, lists[i]);

		if (v && v[0])
			return lists[i];
	}
	return NULL;
}

static int apply_env(const struct sj_config *c, sj_error *err)
{
	if (c->clearenv && clearenv() != 0)
		return sj_fail(err, ENOMEM, "clearenv");
	for (char **u = c->unsetenv; u && *u; u++)
		if (unsetenv(*u) < 0)
			return sj_fail_errno(err, "unsetenv %s", *u);
	for (char **s = c->setenv; s && *s; s++) {
		size_t n = strcspn(*s, "=");
		SJ_AUTOFREE char *name = strndup(*s, n);

		if (!name || setenv(name, *s + n + 1, 1) < 0)
			return sj_fail_errno(err, "setenv %s", *s);
	}
	return 0;
}

/* Every capability goes; no_new_privs keeps setuid and file
 * capabilities from bringing any back. */
static int drop_caps(sj_error *err)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = { { 0 } };

	/* The bounding set only with CAP_SETPCAP; without it, nothing in
	 * it can come back under no_new_privs anyway. */
	for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EPERM)
			return sj_fail_errno(err, "dropping capability %d", cap);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return sj_fail_errno(err, "clearing ambient capabilities");
	if (syscall(SYS_capset, &hdr, data) < 0)
		return sj_fail_errno(err, "dropping capabilities");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return sj_fail_errno(err, "setting no_new_privs");
	return 0;
}

int sj_confine_self(sj_jail *j, sj_error *err)
{
	const struct sj_config *c = &j->cfg;
	const char *what;
	int r;

	sj_error_clear(err);
	if (j->created || j->found)
		return sj_fail(err, EBUSY, "the jail is already created");
	if ((what = needs_jail(c)))
		return sj_fail(err, EINVAL, "%s: sj_confine_self() cannot apply it in place "
			       "(it needs a jail of its own: sj_create())", what);
	if (c->uid >= 0 && c->gid < 0)
		return sj_fail(err, EINVAL, "uid: in place, set gid too");
	/* Everything that can fail for a reason of the caller's, first. */
	if (sc_prepare(j, err) < 0)
		return -1;
	r = apply_env(c, err);
	if (r == 0 && c->chdir && chdir(c->chdir) < 0)
		r = sj_fail_errno(err, "chdir: %s", c->chdir);
	if (r == 0 && c->gid >= 0 && (setgroups(0, NULL) < 0 ||
				     setresgid((gid_t)c->gid, (gid_t)c->gid, (gid_t)c->gid) < 0))
		r = sj_fail_errno(err, "gid: %ld", c->gid);
	if (r == 0 && c->uid >= 0 && setresuid((uid_t)c->uid, (uid_t)c->uid, (uid_t)c->uid) < 0)
		r = sj_fail_errno(err, "uid: %ld", c->uid);
	/* After the ids change, which clears it. */
	if (r == 0 && c->die_with_parent && prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		r = sj_fail_errno(err, "die-with-parent");
	if (r == 0)
		r = drop_caps(err);
	if (r == 0)
		r = sc_install(&j->bpf, err);
	sc_release(j);
	return r;
}
