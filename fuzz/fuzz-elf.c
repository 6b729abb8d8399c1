/*
 * fuzz-elf.c: libFuzzer target for what mkjail(8) reads from untrusted
 * roots and tarballs: the ELF header parser (lib/elfparse.c), the
 * expansion of $ORIGIN, $LIB and $PLATFORM in the paths it returns
 * (lib/elfdeps.c), and the tarball entry policy (lib/rootpath.c).
 *
 * Input: the first byte picks the target.  Even: the rest is an ELF file;
 * every string it yields is expanded for its machine.  Odd: the rest is a
 * tarball entry, "name\0hardlink\0symlink", the first byte's high bits
 * giving its type and flags; the policy must never pass a name that is
 * absolute or has a ".." component, nor keep a setuid bit on a file.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mkroot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void expand_all(const struct elf_info *ei)
{
	const struct elf_machine *m = elf_machine_of(ei);
	const char *paths[] = { ei->rpath, ei->runpath, ei->interp };
	char out[PATH_MAX];

	for (size_t i = 0; i < SJ_NELEM(paths); i++)
		if (paths[i] && elf_expand(paths[i], "/origin", m, out, sizeof(out)) == 0 &&
		    strlen(out) >= sizeof(out))
			__builtin_trap();
	for (size_t i = 0; i < ei->nneeded; i++)
		if (!ei->needed[i])
			__builtin_trap();
}

static bool bad_name(const char *rel)
{
	if (rel[0] == '/')
		return true;
	for (const char *p = rel; *p; ) {
		size_t k = strcspn(p, "/");

		if (k == 2 && p[0] == '.' && p[1] == '.')
			return true;
		p += k + (p[k] == '/');
	}
	return false;
}

static void tar_entry(uint8_t flags, const char *data, size_t size)
{
	static const mode_t types[] = { S_IFREG, S_IFDIR, S_IFLNK, S_IFCHR, S_IFBLK, S_IFIFO,
					S_IFSOCK, 0 };
	char *buf = malloc(size + 3);
	const char *name, *hardlink, *symlink;
	struct rp_tar_verdict *v = malloc(sizeof(*v));
	struct rp_tar_entry e;

	if (!buf || !v)
		abort();
	memcpy(buf, data, size);
	buf[size] = buf[size + 1] = buf[size + 2] = '\0';
	name = buf;
	hardlink = name + strlen(name) + 1;
	symlink = hardlink + strlen(hardlink) + 1;
	e = (struct rp_tar_entry){
		.name = name,
		.hardlink = (flags & 0x10) ? hardlink : NULL,
		.symlink = symlink,
		.type = types[(flags >> 1) & 7],
		.mode = (mode_t)((unsigned char)name[0] << 4 | 07000),
		.devices = flags & 0x20,
		.privileged = flags & 0x40,
	};
	rp_tar_policy(&e, v);
	if (v->action == RP_TAR_EXTRACT) {
		if (bad_name(v->rel) || (e.hardlink && bad_name(v->link)))
			__builtin_trap();
		if (e.type == S_IFREG && !e.hardlink && (v->mode & (S_ISUID | S_ISGID)))
			__builtin_trap();
	}
	free(v);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_info ei;
	sj_error err;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		tar_entry(data[0], (const char *)data + 1, size - 1);
		return 0;
	}
	if (elf_parse(data + 1, size - 1, &ei, &err) == 0) {
		expand_all(&ei);
		elf_info_free(&ei);
	}
	return 0;
}
