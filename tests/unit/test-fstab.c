/*
 * test-fstab.c: jail.conf(5)'s mount lines, parsed (fstab.c).  No root:
 * this is the parser only; tests/integration/conf.sh mounts them.
 */
#define _GNU_SOURCE
#include <linux/mount.h>
#include <string.h>

#include "../../lib/sj-private.h"
#include "tap.h"

struct fstab_case {
	const char *name, *line, *path;
	int result;			/* of fstab_parse_line() */
	const char *source, *target, *data;
	unsigned attrs;
	bool bind, idmap;
	const char *error;		/* the message, when result is -1 */
};

static const struct fstab_case cases[] = {
	{ "FreeBSD's nullfs line", "/usr/ports /j/www/usr/ports nullfs ro 0 0", "/j/www",
	  1, "/usr/ports", "usr/ports", NULL, MOUNT_ATTR_RDONLY, true, true, NULL },
	{ "a bind, options and dump/pass left out", "/data /j/data bind", "/j/",
	  1, "/data", "data", NULL, 0, true, true, NULL },
	{ "tmpfs with its own options", "tmpfs /j/tmp tmpfs rw,size=1m,mode=1777,noexec", "/j",
	  1, NULL, "tmp", "size=1m,mode=1777", MOUNT_ATTR_NOEXEC, false, true, NULL },
	{ "octal escapes, tabs, noidmap", "/my\\040dir\t/j/a\\040b\tnullfs\tnoidmap,noatime",
	  "/j", 1, "/my dir", "a b", NULL, MOUNT_ATTR_NOATIME, true, false, NULL },
	{ "a jail of / takes the target as it is", "/x /srv/x nullfs rw", "/",
	  1, "/x", "srv/x", NULL, 0, true, true, NULL },
	{ "the last of ro and rw wins", "/x /j/x nullfs ro,rw", "/j",
	  1, "/x", "x", NULL, 0, true, true, NULL },
	{ "a blank line", "  \t ", "/j", 0, NULL, NULL, NULL, 0, false, false, NULL },
	{ "a comment", "  # /x /j/x nullfs", "/j", 0, NULL, NULL, NULL, 0, false, false, NULL },
	{ "too few fields", "/x /j/x", "/j", -1, NULL, NULL, NULL, 0, false, false,
	  "want \"source target type [options [dump [pass]]]\"" },
	{ "too many fields", "/x /j/x nullfs ro 0 0 7", "/j", -1, NULL, NULL, NULL, 0, false,
	  false, "more than six fields" },
	{ "dump that is not a number", "/x /j/x nullfs ro x", "/j", -1, NULL, NULL, NULL, 0,
	  false, false, "the dump and pass fields are numbers" },
	{ "an unknown type", "/dev/sda1 /j/x ext4 rw", "/j", -1, NULL, NULL, NULL, 0, false,
	  false, "type ext4 is not supported (nullfs, bind or tmpfs)" },
	{ "a relative source", "x /j/x nullfs", "/j", -1, NULL, NULL, NULL, 0, false, false,
	  "source x is not an absolute path" },
	{ "a target outside the jail", "/x /jail2/x nullfs", "/jail", -1, NULL, NULL, NULL, 0,
	  false, false, "target /jail2/x is not under the jail's path /jail" },
	{ "a relative target", "/x x nullfs", "/j", -1, NULL, NULL, NULL, 0, false, false,
	  "target x is not an absolute path" },
	{ "the jail's root itself", "/x /j/ nullfs", "/j", -1, NULL, NULL, NULL, 0, false,
	  false, "target /j/ is the jail's root" },
	{ "a .. component", "/x /j/a/../../etc nullfs", "/j", -1, NULL, NULL, NULL, 0, false,
	  false, "target /j/a/../../etc has a '.' or '..' component" },
	{ "under /proc, which sysjail mounts", "/x /j/proc/sys nullfs", "/j", -1, NULL, NULL,
	  NULL, 0, false, false, "target /j/proc/sys: sysjail mounts the jail's /proc itself" },
	{ "/device is not /dev", "/x /j/device nullfs", "/j", 1, "/x", "device", NULL, 0, true,
	  true, NULL },
	{ "suid is refused", "tmpfs /j/t tmpfs suid", "/j", -1, NULL, NULL, NULL, 0, false,
	  false, "option suid: a jail's mounts are always nosuid and nodev" },
	{ "tmpfs options on a bind", "/x /j/x nullfs size=1m", "/j", -1, NULL, NULL, NULL, 0,
	  false, false, "option size=1m is not known for a bind mount" },
};

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int main(void)
{
	for (size_t i = 0; i < SJ_NELEM(cases); i++) {
		const struct fstab_case *c = &cases[i];
		struct sj_mount m;
		sj_error err = { 0 };
		int r = fstab_parse_line(c->line, c->path, &m, &err);

		if (r != c->result) {
			tap(false, c->name, "returned %d, want %d (%s)", r, c->result, err.msg);
			continue;
		}
		if (r < 0)
			tap(strcmp(err.msg, c->error) == 0, c->name, "message \"%s\"", err.msg);
		else if (r == 0)
			tap(true, c->name, " ");
		else
			tap(same(m.source, c->source) && same(m.target, c->target) &&
			    same(m.data, c->data) && m.attrs == c->attrs && m.bind == c->bind &&
			    m.idmap == c->idmap, c->name,
			    "source %s target %s data %s attrs %#x bind %d idmap %d",
			    m.source, m.target, m.data, m.attrs, m.bind, m.idmap);
		if (r > 0) {
			free(m.source);
			free(m.target);
			free(m.data);
		}
	}
	return tap_exit();
}
