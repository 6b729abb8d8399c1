/*
 * caps.c: the capabilities a jail keeps.
 *
 * Root in a jail can do what root in a FreeBSD jail can: own and chmod
 * the jail's files, read and write them regardless of mode, signal the
 * jail's processes, change ids, bind low ports, chroot.  It can never
 * load modules, mount, trace the host, change the clock, reboot, or
 * configure the network: those capabilities leave the bounding set
 * before the jail's first program runs, and no_new_privs keeps setuid
 * and file-capability binaries from bringing them back.
 */
#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "sj-private.h"

static const int jail_caps[] = {
	CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID, CAP_KILL,
	CAP_SETGID, CAP_SETUID, CAP_SETPCAP, CAP_NET_BIND_SERVICE,
	CAP_SYS_CHROOT, CAP_SETFCAP, CAP_AUDIT_WRITE,
};

static bool kept(const struct sj_config *c, int cap)
{
	/* Confined in place there is no jail's root: nothing is kept. */
	if (c->mode == SJ_MODE_CONFINE)
		return false;
	for (size_t i = 0; i < SJ_NELEM(jail_caps); i++)
		if (jail_caps[i] == cap)
			return true;
	/* sethostname(2) wants CAP_SYS_ADMIN over the UTS namespace's owner.
	 * With allow.set_hostname the jail's user namespace owns its UTS
	 * namespace and nothing else: every other namespace belongs to the
	 * host's, where this capability counts for nothing. */
	if (cap == CAP_SYS_ADMIN)
		return c->allow_set_hostname && c->userns;
	return cap == CAP_NET_RAW && c->allow_raw_sockets;
}

/*
 * Reduce the bounding, ambient, inheritable, permitted and effective
 * sets to the jail's, and set no_new_privs.
 */
int caps_drop(const struct sj_config *c, sj_error *err)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = { { 0 } };

	/* A user confined in place has no capability to drop, nor the
	 * CAP_SETPCAP to shrink the bounding set: no_new_privs keeps it
	 * from gaining any. */
	bool bounding = c->mode != SJ_MODE_CONFINE || geteuid() == 0;

	for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++) {
		if (kept(c, cap)) {
			data[cap / 32].permitted |= 1u << (cap % 32);
			continue;
		}
		if (bounding && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return sj_fail_errno(err, "dropping capability %d", cap);
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return sj_fail_errno(err, "clearing ambient capabilities");
	data[0].effective = data[0].permitted;
	data[1].effective = data[1].permitted;
	if (syscall(SYS_capset, &hdr, data) < 0)
		return sj_fail_errno(err, "setting capabilities");
	/* Without this, a setuid or file-capability binary in the jail
	 * would regain what the bounding set no longer has for root. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return sj_fail_errno(err, "setting no_new_privs");
	return 0;
}
