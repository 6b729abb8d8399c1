/*
 * term.c: probes of the terminal.  Standard input is a pty sjtest made on
 * the host (the user's terminal, in a real jail run); whatever a probe
 * pushes into it stays in that pty, which sjtest throws away.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helper.h"

static bool have_terminal(struct result *r)
{
	if (isatty(0))
		return true;
	failed(r, "standard input is not the terminal sjtest made");
	return false;
}

/*
 * Make the host's terminal our controlling one (a new session may take a
 * terminal no session has), as an attacker with the user's terminal
 * would have it, then push a character into its input.
 */
void probe_tiocsti(const struct ctx *c, struct result *r)
{
	char *x = low_str("x");
	long ret;

	if (!have_terminal(r))
		return;
	setsid();
	ioctl(0, TIOCSCTTY, 0);
	ret = SC(c, ioctl, 0, TIOCSTI, U(x));
	if (ret == 0) {
		reached(r, "pushed input into the host's terminal");
		return;
	}
	held_errno(r);
	/* The filter must mask the high half: the kernel takes an int. */
	if (!c->i386 && syscall(SYS_ioctl, 0, 0xffffffff00000000ul | TIOCSTI, x) == 0)
		reached(r, "pushed input with the request's high bits set");
}

/*
 * On a pty, TIOCLINUX fails in the terminal layer (ENOTTY): the jail must
 * refuse it before, whatever the terminal, as a console would act on it.
 */
void probe_tioclinux(const struct ctx *c, struct result *r)
{
	char *sub = low(8);
	long ret;

	if (!have_terminal(r))
		return;
	sub[0] = 6;	/* TIOCL_GETSHIFTSTATE: a read on a console */
	ret = SC(c, ioctl, 0, TIOCLINUX, U(sub));
	if (ret < 0 && (errno == EPERM || errno == EACCES))
		held_errno(r);
	else
		reached(r, "the request reached the terminal driver (%s)",
			ret < 0 ? ename(errno) : "succeeded");
}
