/*
 * test-mkroot.c: the pure logic under mkjail(8), no root needed.
 *
 *   - ELF parsing: this test program itself (a real PIE of this
 *     machine), synthetic objects of both classes and byte orders, and
 *     every truncation and thousands of corruptions of both (run under
 *     AddressSanitizer in the sanitizer build: a read out of bounds is a
 *     crash, not a pass);
 *   - $ORIGIN, $LIB and $PLATFORM expansion;
 *   - the loader's search, in a temporary tree of synthetic objects:
 *     RPATH up the chain, RUNPATH, ld.so.conf with include (only with a
 *     cache), the system directories, objects of the wrong class passed
 *     over, DF_1_NODEFLIB, names with a '/', SONAME deduplication,
 *     missing libraries;
 *   - root paths: normalising, the tarball entry policy, and opening only
 *     regular files.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkroot.h"
#include "tap.h"

static char tmpdir[] = "/tmp/sj-test-mkroot.XXXXXX";

/* ---- synthetic ELF objects ---------------------------------------------- */

struct synth {
	int cls, data, machine;
	uint32_t flags;
	const char *interp, *soname, *rpath, *runpath;
	const char *needed[6];
	bool nodeflib;
};

static void put(unsigned char *b, size_t off, size_t n, uint64_t v, bool msb)
{
	for (size_t i = 0; i < n; i++)
		b[off + (msb ? n - 1 - i : i)] = (unsigned char)(v >> (8 * i));
}

#define PUT(b, base, is64, msb, T, f, v) \
	((is64) ? put(b, (base) + offsetof(Elf64_##T, f), sizeof(((Elf64_##T *)0)->f), v, msb) \
		: put(b, (base) + offsetof(Elf32_##T, f), sizeof(((Elf32_##T *)0)->f), v, msb))

/* Lay out S as a minimal ELF file: Ehdr, PT_LOAD/PT_INTERP/PT_DYNAMIC,
 * the interpreter's name, a string table and a dynamic section. */
static size_t synth_build(const struct synth *s, unsigned char *b, size_t cap)
{
	bool is64 = s->cls == ELFCLASS64, msb = s->data == ELFDATA2MSB;
	size_t eh = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	size_t ph = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	size_t dsz = is64 ? sizeof(Elf64_Dyn) : sizeof(Elf32_Dyn);
	const uint64_t vbase = 0x400000;
	size_t off = eh + 3 * ph, interp_off = off, str_off, dyn_off, n = 0, end;
	uint64_t dyn[32][2];
	char strtab[1024] = "";
	size_t slen = 1;

	memset(b, 0, cap);
	if (s->interp) {
		strcpy((char *)b + off, s->interp);
		off += strlen(s->interp) + 1;
	}
	str_off = off;
#define ADDSTR(tag, str) do { \
		dyn[n][0] = (tag); dyn[n++][1] = slen; \
		strcpy(strtab + slen, (str)); slen += strlen(str) + 1; \
	} while (0)
	for (size_t i = 0; i < SJ_NELEM(s->needed) && s->needed[i]; i++)
		ADDSTR(DT_NEEDED, s->needed[i]);
	if (s->soname)
		ADDSTR(DT_SONAME, s->soname);
	if (s->rpath)
		ADDSTR(DT_RPATH, s->rpath);
	if (s->runpath)
		ADDSTR(DT_RUNPATH, s->runpath);
#undef ADDSTR
	memcpy(b + str_off, strtab, slen);
	dyn[n][0] = DT_STRTAB;
	dyn[n++][1] = vbase + str_off;
	dyn[n][0] = DT_STRSZ;
	dyn[n++][1] = slen;
	if (s->nodeflib) {
		dyn[n][0] = DT_FLAGS_1;
		dyn[n++][1] = DF_1_NODEFLIB;
	}
	dyn[n][0] = DT_NULL;
	dyn[n++][1] = 0;
	dyn_off = (str_off + slen + 7) & ~(size_t)7;
	for (size_t i = 0; i < n; i++) {
		PUT(b, dyn_off + i * dsz, is64, msb, Dyn, d_tag, dyn[i][0]);
		PUT(b, dyn_off + i * dsz, is64, msb, Dyn, d_un.d_val, dyn[i][1]);
	}
	end = dyn_off + n * dsz;

	memcpy(b, ELFMAG, SELFMAG);
	b[EI_CLASS] = (unsigned char)s->cls;
	b[EI_DATA] = (unsigned char)s->data;
	b[EI_VERSION] = EV_CURRENT;
	PUT(b, 0, is64, msb, Ehdr, e_type, ET_DYN);
	PUT(b, 0, is64, msb, Ehdr, e_machine, (uint64_t)s->machine);
	PUT(b, 0, is64, msb, Ehdr, e_version, EV_CURRENT);
	PUT(b, 0, is64, msb, Ehdr, e_flags, s->flags);
	PUT(b, 0, is64, msb, Ehdr, e_phoff, eh);
	PUT(b, 0, is64, msb, Ehdr, e_ehsize, eh);
	PUT(b, 0, is64, msb, Ehdr, e_phentsize, ph);
	PUT(b, 0, is64, msb, Ehdr, e_phnum, 3);
	PUT(b, eh, is64, msb, Phdr, p_type, PT_LOAD);
	PUT(b, eh, is64, msb, Phdr, p_vaddr, vbase);
	PUT(b, eh, is64, msb, Phdr, p_filesz, end);
	PUT(b, eh, is64, msb, Phdr, p_memsz, end);
	PUT(b, eh + ph, is64, msb, Phdr, p_type, s->interp ? PT_INTERP : PT_NOTE);
	PUT(b, eh + ph, is64, msb, Phdr, p_offset, interp_off);
	PUT(b, eh + ph, is64, msb, Phdr, p_filesz, s->interp ? strlen(s->interp) + 1 : 0);
	PUT(b, eh + 2 * ph, is64, msb, Phdr, p_type, PT_DYNAMIC);
	PUT(b, eh + 2 * ph, is64, msb, Phdr, p_offset, dyn_off);
	PUT(b, eh + 2 * ph, is64, msb, Phdr, p_vaddr, vbase + dyn_off);
	PUT(b, eh + 2 * ph, is64, msb, Phdr, p_filesz, n * dsz);
	return end;
}

static int write_synth(const char *rel, const struct synth *s)
{
	unsigned char buf[4096];
	char path[PATH_MAX], dir[PATH_MAX];
	size_t len = synth_build(s, buf, sizeof(buf));
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = dir + strlen(tmpdir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(dir, 0755);
		*p = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		return -1;
	return close(fd);
}

static int write_text(const char *rel, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* ---- ELF parsing ---------------------------------------------------------- */

static bool has_needed(const struct elf_info *ei, const char *name)
{
	for (size_t i = 0; i < ei->nneeded; i++)
		if (strcmp(ei->needed[i], name) == 0)
			return true;
	return false;
}

static void test_parse_self(void)
{
	const struct elf_machine *host = elf_machine_host();
	struct elf_info ei;
	sj_error err;
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	int r = elf_read_fd(fd, &ei, &err);

	close(fd);
	if (!tap(r == 0, "parse-self", "elf_read_fd: %d %s", r, err.msg))
		return;
	tap(host && ei.cls == host->cls && ei.data == host->data && ei.machine == host->machine,
	    "parse-self-machine", "class %d data %d machine %d", ei.cls, ei.data, ei.machine);
	tap(ei.dynamic && ei.interp && ei.interp[0] == '/', "parse-self-interp", "interp %s",
	    ei.interp ? ei.interp : "(none)");
	tap(has_needed(&ei, "libc.so.6"), "parse-self-needed", "libc.so.6 not among %zu needed",
	    ei.nneeded);
	tap(elf_machine_of(&ei) == host, "parse-self-table", "machine table");
	elf_info_free(&ei);
}

static void test_parse_synth(void)
{
	static const struct { int cls, data, machine; uint32_t flags; const char *arch; } kinds[] = {
		{ ELFCLASS64, ELFDATA2LSB, EM_X86_64, 0, "amd64" },
		{ ELFCLASS32, ELFDATA2LSB, EM_386, 0, "i386" },
		{ ELFCLASS64, ELFDATA2LSB, EM_AARCH64, 0, "arm64" },
		{ ELFCLASS32, ELFDATA2LSB, EM_ARM, 0x400, "armhf" },
		{ ELFCLASS32, ELFDATA2LSB, EM_ARM, 0, "armel" },
		{ ELFCLASS64, ELFDATA2MSB, EM_S390, 0, "s390x" },
	};
	unsigned char buf[4096];

	for (size_t k = 0; k < SJ_NELEM(kinds); k++) {
		struct synth s = {
			.cls = kinds[k].cls, .data = kinds[k].data, .machine = kinds[k].machine,
			.flags = kinds[k].flags, .interp = "/lib/ld-test.so.1", .soname = "libme.so.1",
			.rpath = "$ORIGIN/../lib", .runpath = "/opt/run",
			.needed = { "liba.so.1", "libb.so.2" }, .nodeflib = true,
		};
		size_t len = synth_build(&s, buf, sizeof(buf));
		struct elf_info ei;
		sj_error err;
		char name[64];
		int r = elf_parse(buf, len, &ei, &err);

		snprintf(name, sizeof(name), "parse-synth-%s", kinds[k].arch);
		if (!tap(r == 0, name, "elf_parse: %d %s", r, err.msg))
			continue;
		tap(ei.cls == kinds[k].cls && ei.machine == kinds[k].machine && ei.nneeded == 2 &&
		    strcmp(ei.needed[0], "liba.so.1") == 0 && strcmp(ei.needed[1], "libb.so.2") == 0 &&
		    strcmp(ei.interp, "/lib/ld-test.so.1") == 0 && strcmp(ei.soname, "libme.so.1") == 0 &&
		    strcmp(ei.rpath, "$ORIGIN/../lib") == 0 && strcmp(ei.runpath, "/opt/run") == 0 &&
		    ei.nodeflib && elf_machine_of(&ei) == elf_machine_by_arch(kinds[k].arch),
		    name, "fields differ (machine %s)",
		    elf_machine_of(&ei) ? elf_machine_of(&ei)->arch : "none");
		elf_info_free(&ei);
	}
}

static bool survives(const unsigned char *buf, size_t len)
{
	struct elf_info ei;
	sj_error err;
	int r = elf_parse(buf, len, &ei, &err);

	if (r == 0)
		elf_info_free(&ei);
	return r >= -1 && r <= 1;
}

/* Every truncation and random corruptions of a header: refused or read,
 * never read out of bounds. */
static void test_parse_hostile(void)
{
	struct synth s = {
		.cls = ELFCLASS64, .data = ELFDATA2MSB, .machine = EM_S390, .interp = "/lib/ld.so",
		.rpath = "/r", .needed = { "liba.so", "libb.so" },
	};
	unsigned char orig[4096], *buf;
	size_t len = synth_build(&s, orig, sizeof(orig));
	unsigned seed = 12345;
	bool ok = true;

	for (size_t n = 0; n <= len && ok; n++) {
		buf = malloc(n ? n : 1);
		memcpy(buf, orig, n);
		ok = survives(buf, n);
		free(buf);
	}
	tap(ok, "parse-truncated", "a truncated file broke the parser");
	for (int i = 0; i < 20000 && ok; i++) {
		buf = malloc(len);
		memcpy(buf, orig, len);
		for (int k = 0; k < 1 + i % 4; k++) {
			seed = seed * 1103515245 + 12345;
			buf[(seed >> 8) % len] = (unsigned char)(seed >> 16);
		}
		ok = survives(buf, len);
		free(buf);
	}
	tap(ok, "parse-corrupted", "a corrupted file broke the parser");
	tap(survives(NULL, 0), "parse-empty", "an empty buffer");
}

/* ---- $ORIGIN and friends ------------------------------------------------- */

static void test_expand(void)
{
	static const struct { const char *in, *origin, *out; int r; } cases[] = {
		{ "$ORIGIN/../lib", "/usr/bin", "/usr/bin/../lib", 0 },
		{ "${ORIGIN}/x", "/o", "/o/x", 0 },
		{ "/opt/$LIB", "/o", "/opt/lib/x86_64-linux-gnu", 0 },
		{ "/opt/${LIB}/$PLATFORM", "/o", "/opt/lib/x86_64-linux-gnu/x86_64", 0 },
		{ "/opt/$ORIGINX", "/o", "/opt/$ORIGINX", 0 },
		{ "/opt/$FOO/$", "/o", "/opt/$FOO/$", 0 },
		{ "$ORIGIN/lib", NULL, "", 1 },
		{ "/plain", NULL, "/plain", 0 },
	};
	const struct elf_machine *m = elf_machine_by_arch("amd64");
	char out[PATH_MAX], small[8];

	for (size_t i = 0; i < SJ_NELEM(cases); i++) {
		int r = elf_expand(cases[i].in, cases[i].origin, m, out, sizeof(out));

		tap(r == cases[i].r && (r != 0 || strcmp(out, cases[i].out) == 0), "expand",
		    "'%s' -> %d '%s', expected %d '%s'", cases[i].in, r, r == 0 ? out : "",
		    cases[i].r, cases[i].out);
	}
	tap(elf_expand("$ORIGIN/long", "/a/b/c/d", m, small, sizeof(small)) == -1 &&
	    errno == ENAMETOOLONG, "expand-overflow", "no ENAMETOOLONG");
	tap(elf_expand("/x/$PLATFORM", "/", elf_machine_by_arch("riscv64"), out, sizeof(out)) == 1,
	    "expand-no-platform", "$PLATFORM on a machine without one is not dropped");
}

/* ---- the loader's search --------------------------------------------------- */

static struct synth x64(const char *soname)
{
	struct synth s = { .cls = ELFCLASS64, .data = ELFDATA2LSB, .machine = EM_X86_64,
			   .soname = soname };
	return s;
}

static int build_tree(void)
{
	struct synth prog = x64(NULL), ld = x64("ld-linux-x86-64.so.2"), a = x64("liba.so.1"),
		     b = x64("libb.so.2"), b32 = x64("libb.so.2"), c = x64("libc9.so.3"),
		     e = x64("libe.so.5"), f = x64("libf.so"), g = x64("libg.so.7"),
		     nd = x64("libnd.so.1");

	prog.interp = "/lib64/ld-linux-x86-64.so.2";
	prog.rpath = "$ORIGIN/../privlib";
	prog.needed[0] = "liba.so.1";
	prog.needed[1] = "ld-linux-x86-64.so.2";
	prog.needed[2] = "libe.so.5";
	prog.needed[3] = "/opt/abs/libf.so";
	prog.needed[4] = "libmissing.so.9";
	prog.needed[5] = "libnd.so.1";
	a.needed[0] = "libb.so.2";
	b.runpath = "/opt/$LIB";
	b.needed[0] = "libc9.so.3";
	c.needed[0] = "libb.so.2";		/* loaded already: by SONAME */
	b32.cls = ELFCLASS32;
	b32.machine = EM_386;
	nd.nodeflib = true;
	nd.needed[0] = "libg.so.7";		/* only in a system directory */
	return write_synth("usr/bin/prog", &prog) || write_synth("lib64/ld-linux-x86-64.so.2", &ld) ||
	       write_synth("usr/privlib/liba.so.1", &a) ||
	       write_synth("usr/privlib/libb.so.2", &b32) ||		/* wrong class: passed over */
	       write_synth("usr/lib/x86_64-linux-gnu/libb.so.2", &b) ||
	       write_synth("opt/lib/x86_64-linux-gnu/libc9.so.3", &c) ||
	       write_synth("opt/conf/libe.so.5", &e) || write_synth("opt/abs/libf.so", &f) ||
	       write_synth("usr/lib/libg.so.7", &g) || write_synth("usr/privlib/libnd.so.1", &nd) ||
	       write_text("etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n") ||
	       write_text("etc/ld.so.conf.d/a.conf", "# comment\n/opt/conf\n") ||
	       write_text("etc/ld.so.conf.d/.hidden.conf", "/opt/hidden\n");
}

static const struct elf_dep *find_dep(const struct elf_deps *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->v[i].name, name) == 0)
			return &d->v[i];
	return NULL;
}

static void expect_dep(const struct elf_deps *d, const char *name, const char *path,
		       enum elf_how how)
{
	const struct elf_dep *x = find_dep(d, name);
	char tname[80];

	snprintf(tname, sizeof(tname), "resolve-%s", name);
	if (!path) {
		tap(x && !x->path, tname, "%s", x ? x->path : "not reported missing");
		return;
	}
	tap(x && x->path && strcmp(x->path, path) == 0 && x->how == how, tname,
	    "found %s (how %d), expected %s (how %d)", x && x->path ? x->path : "nothing",
	    x ? (int)x->how : -1, path, (int)how);
}

static void test_resolve(void)
{
	struct elf_env env;
	struct elf_deps deps;
	sj_error err;
	char path[PATH_MAX];
	size_t libb = 0;
	int fd;

	mkdir(tmpdir, 0755);
	mkdir(strcat(strcpy(path, tmpdir), "/etc"), 0755);
	mkdir(strcat(strcpy(path, tmpdir), "/etc/ld.so.conf.d"), 0755);
	if (!tap(build_tree() == 0, "resolve-tree", "building the tree: %s", strerror(errno)))
		return;
	/* No cache: ld.so.conf is not what the loader reads. */
	if (!tap(elf_env_open(&env, tmpdir, &err) == 0, "resolve-env", "%s", err.msg))
		return;
	tap(env.nconf == 1 && strcmp(env.conf[0], "/opt/conf") == 0 && !env.cache,
	    "resolve-ld-so-conf", "%zu dirs, cache %d", env.nconf, env.cache);
	if (!tap(elf_resolve(&env, "/usr/bin/prog", &deps, &err) == 0, "resolve", "%s", err.msg))
		return;
	expect_dep(&deps, "/lib64/ld-linux-x86-64.so.2", "/lib64/ld-linux-x86-64.so.2", ELF_INTERP);
	expect_dep(&deps, "liba.so.1", "/usr/bin/../privlib/liba.so.1", ELF_RPATH);
	expect_dep(&deps, "libb.so.2", "/usr/lib/x86_64-linux-gnu/libb.so.2", ELF_DEFAULT);
	expect_dep(&deps, "libc9.so.3", "/opt/lib/x86_64-linux-gnu/libc9.so.3", ELF_RUNPATH);
	expect_dep(&deps, "/opt/abs/libf.so", "/opt/abs/libf.so", ELF_PATHNAME);
	expect_dep(&deps, "libnd.so.1", "/usr/bin/../privlib/libnd.so.1", ELF_RPATH);
	expect_dep(&deps, "libe.so.5", NULL, 0);
	expect_dep(&deps, "libmissing.so.9", NULL, 0);
	expect_dep(&deps, "libg.so.7", NULL, 0);
	for (size_t i = 0; i < deps.n; i++)
		libb += strcmp(deps.v[i].name, "libb.so.2") == 0 ||
			strcmp(deps.v[i].name, "ld-linux-x86-64.so.2") == 0;
	tap(libb == 1, "resolve-dedup", "libb.so.2 or the loader's SONAME searched %zu times", libb);
	elf_deps_free(&deps);
	elf_env_close(&env);

	/* With a cache, the ld.so.conf directories are searched. */
	write_text("etc/ld.so.cache", "");
	if (elf_env_open(&env, tmpdir, &err) == 0) {
		if (elf_resolve(&env, "/usr/bin/prog", &deps, &err) == 0) {
			expect_dep(&deps, "libe.so.5", "/opt/conf/libe.so.5", ELF_CONF);
			elf_deps_free(&deps);
		}
		tap(elf_resolve(&env, "/etc/ld.so.conf", &deps, &err) == 1, "resolve-not-elf",
		    "a text file is not reported as one");
		tap(elf_resolve(&env, "/nonexistent", &deps, &err) == -1 && err.errnum == ENOENT,
		    "resolve-missing-program", "%s", err.msg);
		elf_env_close(&env);
	}
	/* A symlink out of the tree resolves inside it. */
	snprintf(path, sizeof(path), "%s/usr/bin/escape", tmpdir);
	if (symlink("/../../../../usr/bin/prog", path) == 0 && elf_env_open(&env, tmpdir, &err) == 0) {
		fd = elf_resolve(&env, "/usr/bin/escape", &deps, &err);
		tap(fd == 0 && deps.n > 0 && strcmp(deps.v[0].origin, "/usr/bin") == 0,
		    "resolve-in-root", "%d %s", fd, fd == 0 ? deps.v[0].origin : err.msg);
		if (fd == 0)
			elf_deps_free(&deps);
		elf_env_close(&env);
	}
}

/* The host: this program's own libraries are all found. */
static void test_resolve_host(void)
{
	struct elf_env env;
	struct elf_deps deps;
	char self[PATH_MAX];
	sj_error err;
	bool all = true, libc = false;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0 || elf_env_open(&env, "/", &err) < 0)
		return (void)tap(false, "resolve-host", "no /proc/self/exe or /");
	self[n] = '\0';
	if (!tap(elf_resolve(&env, self, &deps, &err) == 0, "resolve-host", "%s", err.msg)) {
		elf_env_close(&env);
		return;
	}
	for (size_t i = 0; i < deps.n; i++) {
		all &= deps.v[i].path != NULL;
		libc |= strcmp(deps.v[i].name, "libc.so.6") == 0;
	}
	tap(all && libc && deps.v[1].how == ELF_INTERP, "resolve-host",
	    "all found %d, libc %d", all, libc);
	elf_deps_free(&deps);
	elf_env_close(&env);
}

/* ---- paths in a root and the tarball policy -------------------------------- */

static void test_clean(void)
{
	static const char *const cases[][2] = {
		{ "/usr//bin/./sh", "usr/bin/sh" }, { "./", "" }, { "/", "" }, { "a/../b", "a/../b" },
		{ "a/b/", "a/b" }, { ".hidden/./x", ".hidden/x" },
	};
	char out[PATH_MAX], small[4];

	for (size_t i = 0; i < SJ_NELEM(cases); i++)
		tap(rp_clean(cases[i][0], out, sizeof(out)) == 0 && strcmp(out, cases[i][1]) == 0,
		    "clean", "'%s' -> '%s', expected '%s'", cases[i][0], out, cases[i][1]);
	tap(rp_clean("abcdef", small, sizeof(small)) == -1, "clean-overflow", "no error");
}

static void test_tar_policy(void)
{
	static const struct {
		const char *name, *hardlink, *symlink;
		mode_t type, mode;
		bool devices, privileged;
		enum rp_tar_action action;
		const char *rel, *why;
		mode_t out_mode;
	} cases[] = {
		{ "./usr/bin/x", NULL, NULL, S_IFREG, 0755, false, true, RP_TAR_EXTRACT, "usr/bin/x", "", 0755 },
		{ "../x", NULL, NULL, S_IFREG, 0644, false, true, RP_TAR_REFUSE, "", "'..' in the name", 0644 },
		{ "a/../../x", NULL, NULL, S_IFREG, 0644, false, true, RP_TAR_REFUSE, "", "'..'", 0644 },
		{ "a/..", NULL, NULL, S_IFDIR, 0755, false, true, RP_TAR_REFUSE, "", "'..'", 0755 },
		{ "/etc/passwd", NULL, NULL, S_IFREG, 0644, false, true, RP_TAR_REFUSE, "", "absolute", 0644 },
		{ "", NULL, NULL, S_IFREG, 0644, false, true, RP_TAR_REFUSE, "", "empty", 0644 },
		{ "./", NULL, NULL, S_IFDIR, 0755, false, true, RP_TAR_SKIP, "", "", 0755 },
		{ "..x/y..", NULL, NULL, S_IFREG, 0644, false, true, RP_TAR_EXTRACT, "..x/y..", "", 0644 },
		{ "hl", "/etc/shadow", NULL, S_IFREG, 0644, false, true, RP_TAR_REFUSE, "", "hard link target: absolute", 0644 },
		{ "hl", "../../etc/shadow", NULL, S_IFREG, 0644, false, true, RP_TAR_REFUSE, "", "hard link target: '..'", 0644 },
		{ "hl", "./hl", NULL, S_IFREG, 0644, false, true, RP_TAR_REFUSE, "", "itself", 0644 },
		{ "hl", "etc/shadow", NULL, S_IFREG, 0644, false, true, RP_TAR_EXTRACT, "hl", "", 0644 },
		{ "suid", NULL, NULL, S_IFREG, 04755, false, true, RP_TAR_EXTRACT, "suid", "setuid", 0755 },
		{ "sgid", NULL, NULL, S_IFREG, 02755, false, true, RP_TAR_EXTRACT, "sgid", "setgid", 0755 },
		{ "d", NULL, NULL, S_IFDIR, 03777, false, true, RP_TAR_EXTRACT, "d", "", 03777 },
		{ "tmp", NULL, NULL, S_IFDIR, 01777, false, true, RP_TAR_EXTRACT, "tmp", "", 01777 },
		{ "dev/sda", NULL, NULL, S_IFBLK, 0660, false, true, RP_TAR_SKIP, "dev/sda", "--devices", 0660 },
		{ "dev/mem", NULL, NULL, S_IFCHR, 0640, true, true, RP_TAR_EXTRACT, "dev/mem", "", 0640 },
		{ "dev/mem", NULL, NULL, S_IFCHR, 0640, true, false, RP_TAR_SKIP, "dev/mem", "needs root", 0640 },
		{ "fifo", NULL, NULL, S_IFIFO, 0644, false, false, RP_TAR_EXTRACT, "fifo", "", 0644 },
		{ "sock", NULL, NULL, S_IFSOCK, 0644, false, true, RP_TAR_SKIP, "sock", "socket", 0644 },
		{ "l", NULL, "/etc/shadow", S_IFLNK, 0777, false, true, RP_TAR_EXTRACT, "l", "", 0777 },
		{ "a/l", NULL, "../../../etc", S_IFLNK, 0777, false, true, RP_TAR_EXTRACT, "a/l", "climbs above", 0777 },
		{ "a/l", NULL, "../b/./c", S_IFLNK, 0777, false, true, RP_TAR_EXTRACT, "a/l", "", 0777 },
		{ "l", NULL, "", S_IFLNK, 0777, false, true, RP_TAR_REFUSE, "", "empty", 0777 },
	};
	struct rp_tar_verdict v;
	char *longname = malloc(PATH_MAX + 10);

	for (size_t i = 0; i < SJ_NELEM(cases); i++) {
		struct rp_tar_entry e = {
			.name = cases[i].name, .hardlink = cases[i].hardlink,
			.symlink = cases[i].symlink, .type = cases[i].type, .mode = cases[i].mode,
			.devices = cases[i].devices, .privileged = cases[i].privileged,
		};

		rp_tar_policy(&e, &v);
		tap(v.action == cases[i].action && strstr(v.why, cases[i].why) &&
		    (cases[i].action == RP_TAR_REFUSE || strcmp(v.rel, cases[i].rel) == 0) &&
		    (cases[i].action != RP_TAR_EXTRACT || v.mode == cases[i].out_mode),
		    "tar-policy", "'%s': action %d rel '%s' mode %o why '%s'", cases[i].name, v.action,
		    v.rel, v.mode, v.why);
	}
	memset(longname, 'x', PATH_MAX + 9);
	longname[PATH_MAX + 9] = '\0';
	{
		struct rp_tar_entry e = { .name = longname, .type = S_IFREG, .mode = 0644 };

		rp_tar_policy(&e, &v);
		tap(v.action == RP_TAR_REFUSE && strstr(v.why, "too long"), "tar-policy-long",
		    "action %d why '%s'", v.action, v.why);
	}
	free(longname);
}

/* Only regular files are opened: a FIFO would block, a device run its driver. */
static void test_open_file(void)
{
	char path[PATH_MAX];
	int root = open(tmpdir, O_PATH | O_DIRECTORY | O_CLOEXEC), fd;

	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	mkfifo(path, 0644);
	snprintf(path, sizeof(path), "%s/file", tmpdir);
	close(open(path, O_WRONLY | O_CREAT, 0644));
	errno = 0;
	fd = rp_open_file(root, "fifo");
	tap(fd < 0 && errno == EINVAL, "open-file-fifo", "fd %d errno %d", fd, errno);
	fd = rp_open_file(root, "/../../file");
	tap(fd >= 0, "open-file-beneath", "%s", strerror(errno));
	if (fd >= 0)
		close(fd);
	fd = rp_open_file(root, "etc");
	tap(fd < 0 && errno == EISDIR, "open-file-dir", "fd %d errno %d", fd, errno);
	close(root);
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st;
	(void)f;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		tap(false, "setup", "mkdtemp: %s", strerror(errno));
		return tap_exit();
	}
	test_parse_self();
	test_parse_synth();
	test_parse_hostile();
	test_expand();
	test_resolve();
	test_resolve_host();
	test_clean();
	test_tar_policy();
	test_open_file();
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return tap_exit();
}
