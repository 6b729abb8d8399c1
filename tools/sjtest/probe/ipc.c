/*
 * ipc.c: probes of the host's IPC objects, made by sjtest with names and
 * keys drawn at random: found from the jail only if its IPC namespace (or
 * its /dev/shm) is the host's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>

#include "helper.h"

void probe_sysv_shm_host(const struct ctx *c, struct result *r)
{
	long id = SC(c, shmget, I(c->shm_key), 0, 0);

	if (id >= 0)
		reached(r, "found the host's segment of key %#lx", c->shm_key);
	else
		held_errno(r);
	allowed_by(r, c->allow_sysvipc, "allow.sysvipc, the host's IPC namespace");
}

/* POSIX message queues belong to the IPC namespace too: allow.sysvipc
 * shares them. */
void probe_posix_mq_host(const struct ctx *c, struct result *r)
{
	char *name = low_str("%s", c->mq[0] == '/' ? c->mq + 1 : c->mq);
	long fd = SC(c, mq_open, U(name), O_RDONLY, 0, 0);

	if (fd >= 0) {
		SC(c, close, I(fd));
		reached(r, "opened the host's queue %s", c->mq);
	} else {
		held_errno(r);
	}
	allowed_by(r, c->allow_sysvipc, "allow.sysvipc, the host's IPC namespace");
}

void probe_posix_shm_host(const struct ctx *c, struct result *r)
{
	int got = open_marker(c, c->pshm);

	if (got > 0)
		reached(r, "read the host's %s", c->pshm);
	else if (got == 0)
		reached(r, "opened %s, but not the host's", c->pshm);
	else
		held_errno(r);
}
