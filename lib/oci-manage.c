/*
 * oci-manage.c: what sjrun(8) does to a container once it exists, each
 * on a jail found in the registry (or, for one whose init is gone, a
 * jail described by its bundle, id and jid): signal, pause, list its
 * processes, change its limits, run poststart, delete.  jexec(8)'s
 * processes (sj_attach()) take the bundle's process here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>

#include "oci.h"

/* The process sj_attach() runs in a bundle's jail. */
struct oci_process *oci_exec_process(struct sj_jail *j, const struct sj_exec *e, sj_error *err)
{
	struct oci_process *p;

	if (oci_load(j, err) < 0)
		return NULL;
	if (!j->oci->cg_rel && !(j->oci->cg_rel = ocg_path(j))) {
		sj_fail(err, ENOMEM, "out of memory");
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		sj_fail(err, ENOMEM, "out of memory");
		return NULL;
	}
	if (e->oci_process) {
		if (oci_process_load(e->oci_process, p, err) < 0) {
			free(p);
			return NULL;
		}
		return p;
	}
	/* jexec(8): the bundle's process, with jexec's command, as root. */
	*p = j->oci->spec->proc;
	p->borrowed = true;
	p->args = (char **)e->argv;
	p->cwd = (char *)(e->dir ? e->dir : "/");
	p->uid = 0;
	p->gid = 0;
	p->ngroups = 0;
	p->terminal = e->console > 0;
	return p;
}

void oci_exec_process_free(struct oci_process *p)
{
	if (p && !p->borrowed)
		oci_process_free(p);
	free(p);
}

static int need_oci(sj_jail *j, sj_error *err)
{
	if (!j->cfg.oci)
		return sj_fail(err, EINVAL, "jail %d was not made from an OCI bundle", j->reg.jid);
	if (oci_load(j, err) < 0)
		return -1;
	if (!j->oci->cg_rel && !(j->oci->cg_rel = ocg_path(j)))
		return sj_fail(err, ENOMEM, "out of memory");
	return 0;
}

int sj_oci_kill(sj_jail *j, int sig, bool all, sj_error *err)
{
	sj_error_clear(err);
	if (need_oci(j, err) < 0 || mng_open_init(j, err) < 0)
		return -1;
	if (all) {
		pid_t *pids;
		size_t n;
		bool frozen = false;

		/* As runc: frozen, nothing can fork away from the signal. */
		if (sig == SIGKILL && ocg_frozen(j) == 0)
			frozen = ocg_freeze(j, true, err) == 0;
		if (ocg_pids(j, &pids, &n, err) < 0)
			return -1;
		for (size_t i = 0; i < n; i++)
			kill(pids[i], sig);
		free(pids);
		if (frozen)
			ocg_freeze(j, false, err);
	}
	if (pidfd_send_signal(j->init_pidfd, sig, NULL, 0) < 0 && !(all && errno == ESRCH))
		return sj_fail_errno(err, "signalling jail %d", j->reg.jid);
	return 0;
}

int sj_oci_pause(sj_jail *j, bool pause, sj_error *err)
{
	sj_error_clear(err);
	if (need_oci(j, err) < 0)
		return -1;
	return ocg_freeze(j, pause, err);
}

int sj_oci_paused(sj_jail *j)
{
	sj_error ignored;

	if (need_oci(j, &ignored) < 0)
		return -1;
	return ocg_frozen(j);
}

int sj_oci_pids(sj_jail *j, pid_t **pids, size_t *n, sj_error *err)
{
	sj_error_clear(err);
	*pids = NULL;
	*n = 0;
	if (need_oci(j, err) < 0)
		return -1;
	return ocg_pids(j, pids, n, err);
}

int sj_oci_update(sj_jail *j, const char *json, size_t len, sj_error *err)
{
	struct oci_resources r;
	int ret;

	sj_error_clear(err);
	if (need_oci(j, err) < 0 || oci_resources_parse(json, len, &r, err) < 0)
		return -1;
	ret = ocg_update(j, &r, err);
	oci_resources_free(&r);
	return ret;
}

int sj_oci_poststart(sj_jail *j, sj_error *err)
{
	sj_error_clear(err);
	if (need_oci(j, err) < 0)
		return -1;
	return oci_hooks_run(j, OCI_HOOK_POSTSTART, "running", err);
}

int sj_oci_delete(sj_jail *j, pid_t pid, sj_error *err)
{
	sj_error ignored;
	char name[32];
	int r, dirfd;

	sj_error_clear(err);
	if (need_oci(j, err) < 0)
		return -1;
	r = ocg_destroy(j, err);
	/* A start socket left by a container deleted before it started. */
	dirfd = j->reg.dirfd >= 0 ? dup(j->reg.dirfd) : reg_open(j->cfg.rundir, &ignored);
	if (dirfd >= 0) {
		snprintf(name, sizeof(name), "jail/%d.start", j->reg.jid >= 0 ? j->reg.jid
										 : j->cfg.jid);
		unlinkat(dirfd, name, 0);
		close(dirfd);
	}
	j->init_pid = pid;
	if (oci_hooks_run(j, OCI_HOOK_POSTSTOP, "stopped", err) < 0 && r == 0)
		r = -1;
	return r;
}
