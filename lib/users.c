/*
 * users.c: who the jail's command runs as.
 *
 * exec.jail_user names a user either in the host's user database (jail -u,
 * looked up through NSS before anything is created) or in the jail's own
 * /etc/passwd and /etc/group (jail -U).  The jail's files are read by the
 * command's process after it has lost every host privilege, and parsed
 * with fgetpwent(3)/fgetgrent(3), never through NSS: NSS would load
 * modules named by the jail's own files into our process.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "sj-private.h"

void users_free(struct sj_cred *c)
{
	free(c->groups);
	free(c->name);
	free(c->home);
	free(c->shell);
	memset(c, 0, sizeof(*c));
}

static int fill(struct sj_cred *c, const struct passwd *pw, sj_error *err)
{
	c->uid = pw->pw_uid;
	c->gid = pw->pw_gid;
	c->name = sj_strdup(pw->pw_name, err);
	c->home = sj_strdup(pw->pw_dir && *pw->pw_dir ? pw->pw_dir : "/", err);
	c->shell = sj_strdup(pw->pw_shell && *pw->pw_shell ? pw->pw_shell : "/bin/sh", err);
	if (!c->name || !c->home || !c->shell)
		return -1;
	c->set = true;
	return 0;
}

/* Look USER (a name or a number) up in the host's user database. */
int users_lookup_host(const char *user, struct sj_cred *c, sj_error *err)
{
	struct passwd *pw;
	int n = 0;

	errno = 0;
	pw = getpwnam(user);
	if (!pw)
		return errno ? sj_fail_errno(err, "looking up user '%s'", user)
			     : sj_fail(err, ENOENT, "%s: no such user", user);
	if (fill(c, pw, err) < 0)
		return -1;
	getgrouplist(pw->pw_name, pw->pw_gid, NULL, &n);
	c->groups = calloc((size_t)n + 1, sizeof(gid_t));
	if (!c->groups)
		return sj_fail(err, ENOMEM, "out of memory");
	if (getgrouplist(pw->pw_name, pw->pw_gid, c->groups, &n) < 0)
		return sj_fail(err, EIO, "%s: cannot list the user's groups", user);
	c->ngroups = n;
	return 0;
}

static int jail_groups(struct sj_cred *c, sj_error *err)
{
	SJ_AUTOFCLOSE FILE *f = fopen("/etc/group", "re");
	struct group *gr;

	c->groups = calloc(1, sizeof(gid_t));
	if (!c->groups)
		return sj_fail(err, ENOMEM, "out of memory");
	c->groups[c->ngroups++] = c->gid;
	if (!f)
		return 0;
	while ((gr = fgetgrent(f))) {
		gid_t *g;

		if (gr->gr_gid == c->gid)
			continue;
		for (char **m = gr->gr_mem; *m; m++) {
			if (strcmp(*m, c->name) != 0)
				continue;
			g = realloc(c->groups, (size_t)(c->ngroups + 1) * sizeof(gid_t));
			if (!g)
				return sj_fail(err, ENOMEM, "out of memory");
			c->groups = g;
			c->groups[c->ngroups++] = gr->gr_gid;
			break;
		}
	}
	return 0;
}

/* Look USER up in the jail's /etc/passwd: call from inside the jail. */
int users_lookup_jail(const char *user, struct sj_cred *c, sj_error *err)
{
	SJ_AUTOFCLOSE FILE *f = fopen("/etc/passwd", "re");
	struct passwd *pw;

	if (!f)
		return sj_fail_errno(err, "%s: cannot read the jail's /etc/passwd", user);
	while ((pw = fgetpwent(f)))
		if (strcmp(pw->pw_name, user) == 0)
			break;
	if (!pw)
		return sj_fail(err, ENOENT, "%s: no such user in the jail", user);
	if (fill(c, pw, err) < 0)
		return -1;
	return jail_groups(c, err);
}
