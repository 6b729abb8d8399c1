/*
 * elfparse.c: what the dynamic loader reads of an ELF file, read here
 * directly, for both classes and both byte orders: PT_INTERP, and from
 * PT_DYNAMIC the DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH and
 * DT_FLAGS_1 entries.  The files may come from a tarball: every offset
 * and size is checked against the file before it is used, and strings
 * must end inside their table.  Also the table of machines the rest of
 * mkjail knows (Debian's architecture names, multiarch triplets, qemu).
 *
 * Written against <elf.h> rather than libelf: what is needed is a few
 * dozen lines of header walking, and a parser of untrusted input this
 * small can be read whole, tested against every truncation and fuzzed.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkroot.h"

#define MAX_PHDRS 4096
#define MAX_DYNS 65536
#define MAX_NEEDED 1024

#ifndef EF_ARM_ABI_FLOAT_HARD
#define EF_ARM_ABI_FLOAT_HARD 0x400
#endif

static const struct elf_machine machines[] = {
	{ EM_X86_64, ELFCLASS64, ELFDATA2LSB, 0, 0, "amd64", "x86_64-linux-gnu", "x86_64", "x86_64" },
	{ EM_386, ELFCLASS32, ELFDATA2LSB, 0, 0, "i386", "i386-linux-gnu", "i686", "i386" },
	{ EM_X86_64, ELFCLASS32, ELFDATA2LSB, 0, 0, "x32", "x86_64-linux-gnux32", "x86_64", NULL },
	{ EM_AARCH64, ELFCLASS64, ELFDATA2LSB, 0, 0, "arm64", "aarch64-linux-gnu", "aarch64", "aarch64" },
	{ EM_ARM, ELFCLASS32, ELFDATA2LSB, EF_ARM_ABI_FLOAT_HARD, EF_ARM_ABI_FLOAT_HARD,
	  "armhf", "arm-linux-gnueabihf", "v7l", "arm" },
	{ EM_ARM, ELFCLASS32, ELFDATA2LSB, 0, 0, "armel", "arm-linux-gnueabi", "v5l", "arm" },
	{ EM_RISCV, ELFCLASS64, ELFDATA2LSB, 0, 0, "riscv64", "riscv64-linux-gnu", "", "riscv64" },
	{ EM_PPC64, ELFCLASS64, ELFDATA2LSB, 0, 0, "ppc64el", "powerpc64le-linux-gnu", "power8", "ppc64le" },
	{ EM_S390, ELFCLASS64, ELFDATA2MSB, 0, 0, "s390x", "s390x-linux-gnu", "z900", "s390x" },
	{ EM_MIPS, ELFCLASS64, ELFDATA2LSB, 0, 0, "mips64el", "mips64el-linux-gnuabi64", "mips64", "mips64el" },
	{ EM_MIPS, ELFCLASS32, ELFDATA2LSB, 0, 0, "mipsel", "mipsel-linux-gnu", "mips", "mipsel" },
};

/* ---- reading the headers ------------------------------------------- */

struct ebuf {
	const unsigned char *p;
	size_t len;
	bool msb, is64;
};

static bool in_file(const struct ebuf *b, uint64_t off, uint64_t size)
{
	return off <= b->len && size <= b->len - off;
}

/* An unsigned field of N bytes at OFF, in the file's byte order. */
static uint64_t rd(const struct ebuf *b, uint64_t off, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | b->p[off + (b->msb ? i : n - 1 - i)];
	return v;
}

/* Field F of the structure at BASE: Elf32_T or Elf64_T by the class. */
#define FIELD(b, base, T, f) \
	((b)->is64 ? rd(b, (base) + offsetof(Elf64_##T, f), sizeof(((Elf64_##T *)0)->f)) \
		   : rd(b, (base) + offsetof(Elf32_##T, f), sizeof(((Elf32_##T *)0)->f)))
#define SIZE(b, T) ((b)->is64 ? sizeof(Elf64_##T) : sizeof(Elf32_##T))

struct phdrs {
	uint64_t off;			/* of the first header */
	uint64_t entsize;
	uint64_t n;
};

/* The file offset of virtual address ADDR, through the PT_LOAD segments. */
static bool vaddr_offset(const struct ebuf *b, const struct phdrs *ph, uint64_t addr,
			 uint64_t *off, uint64_t *avail)
{
	for (uint64_t i = 0; i < ph->n; i++) {
		uint64_t base = ph->off + i * ph->entsize;
		uint64_t vaddr = FIELD(b, base, Phdr, p_vaddr);
		uint64_t filesz = FIELD(b, base, Phdr, p_filesz);

		if (FIELD(b, base, Phdr, p_type) != PT_LOAD)
			continue;
		if (addr >= vaddr && addr - vaddr < filesz) {
			*off = FIELD(b, base, Phdr, p_offset) + (addr - vaddr);
			*avail = filesz - (addr - vaddr);
			return in_file(b, *off, 0);
		}
	}
	return false;
}

/* A NUL-terminated string within [OFF, OFF + MAX) of the file, copied. */
static char *str_at(const struct ebuf *b, uint64_t off, uint64_t max)
{
	const char *s, *nul;

	if (!in_file(b, off, 0))
		return NULL;
	if (max > b->len - off)
		max = b->len - off;
	s = (const char *)b->p + off;
	nul = memchr(s, '\0', max);
	return nul ? strndup(s, (size_t)(nul - s)) : NULL;
}

static int bad(sj_error *err, const char *what)
{
	return sj_fail(err, ENOEXEC, "malformed ELF file: %s", what);
}

struct dyn {
	uint64_t strtab, strsz;
	bool have_strtab, have_strsz;
	uint64_t soname, rpath, runpath;
	bool have_soname, have_rpath, have_runpath;
	uint64_t needed[MAX_NEEDED];
	size_t nneeded;
};

static int read_dynamic(const struct ebuf *b, uint64_t off, uint64_t size, struct dyn *d,
			struct elf_info *ei, sj_error *err)
{
	uint64_t entsize = SIZE(b, Dyn);

	if (!in_file(b, off, size))
		return bad(err, "PT_DYNAMIC outside the file");
	for (uint64_t i = 0; i < size / entsize && i < MAX_DYNS; i++) {
		uint64_t base = off + i * entsize;
		uint64_t tag = FIELD(b, base, Dyn, d_tag);
		uint64_t val = FIELD(b, base, Dyn, d_un.d_val);

		switch (tag) {
		case DT_NULL:
			return 0;
		case DT_NEEDED:
			if (d->nneeded == MAX_NEEDED)
				return bad(err, "too many DT_NEEDED entries");
			d->needed[d->nneeded++] = val;
			break;
		case DT_STRTAB:
			d->strtab = val;
			d->have_strtab = true;
			break;
		case DT_STRSZ:
			d->strsz = val;
			d->have_strsz = true;
			break;
		case DT_SONAME:
			d->soname = val;
			d->have_soname = true;
			break;
		case DT_RPATH:
			d->rpath = val;
			d->have_rpath = true;
			break;
		case DT_RUNPATH:
			d->runpath = val;
			d->have_runpath = true;
			break;
		case DT_FLAGS_1:
			ei->nodeflib = val & DF_1_NODEFLIB;
			break;
		default:
			break;
		}
	}
	return 0;
}

/* Copy the strings the dynamic section names out of its string table. */
static int dyn_strings(const struct ebuf *b, const struct phdrs *ph, const struct dyn *d,
		       struct elf_info *ei, sj_error *err)
{
	uint64_t off, avail;

	if (!d->nneeded && !d->have_soname && !d->have_rpath && !d->have_runpath)
		return 0;
	if (!d->have_strtab || !vaddr_offset(b, ph, d->strtab, &off, &avail))
		return bad(err, "DT_STRTAB outside the file");
	if (d->have_strsz && d->strsz < avail)
		avail = d->strsz;
#define STR(val, dst) do { \
		if ((val) >= avail || !((dst) = str_at(b, off + (val), avail - (val)))) \
			return bad(err, "string outside DT_STRTAB"); \
	} while (0)
	if (d->have_soname)
		STR(d->soname, ei->soname);
	if (d->have_rpath)
		STR(d->rpath, ei->rpath);
	if (d->have_runpath)
		STR(d->runpath, ei->runpath);
	ei->needed = calloc(d->nneeded + 1, sizeof(char *));
	if (!ei->needed)
		return sj_fail(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < d->nneeded; i++) {
		STR(d->needed[i], ei->needed[i]);
		ei->nneeded++;
	}
#undef STR
	return 0;
}

/*
 * Read what the loader reads from the ELF file in BUF.  Returns 0, 1 if
 * BUF is not an ELF file, -1 (ENOEXEC) if it is a malformed one.
 */
int elf_parse(const unsigned char *buf, size_t len, struct elf_info *ei, sj_error *err)
{
	struct ebuf b = { .p = buf, .len = len };
	struct phdrs ph;
	struct dyn *d;
	int r = 0;

	memset(ei, 0, sizeof(*ei));
	if (len < EI_NIDENT || memcmp(buf, ELFMAG, SELFMAG) != 0)
		return 1;
	ei->cls = buf[EI_CLASS];
	ei->data = buf[EI_DATA];
	if ((ei->cls != ELFCLASS32 && ei->cls != ELFCLASS64) ||
	    (ei->data != ELFDATA2LSB && ei->data != ELFDATA2MSB))
		return bad(err, "unknown class or byte order");
	b.is64 = ei->cls == ELFCLASS64;
	b.msb = ei->data == ELFDATA2MSB;
	if (!in_file(&b, 0, SIZE(&b, Ehdr)))
		return bad(err, "truncated header");
	ei->type = (uint16_t)FIELD(&b, 0, Ehdr, e_type);
	ei->machine = (uint16_t)FIELD(&b, 0, Ehdr, e_machine);
	ei->flags = (uint32_t)FIELD(&b, 0, Ehdr, e_flags);
	ph.off = FIELD(&b, 0, Ehdr, e_phoff);
	ph.entsize = FIELD(&b, 0, Ehdr, e_phentsize);
	ph.n = FIELD(&b, 0, Ehdr, e_phnum);
	if (ph.n == 0)
		return 0;
	if (ph.n > MAX_PHDRS || ph.entsize < SIZE(&b, Phdr) ||
	    !in_file(&b, ph.off, ph.n * ph.entsize))
		return bad(err, "program headers outside the file");

	d = calloc(1, sizeof(*d));
	if (!d)
		return sj_fail(err, ENOMEM, "out of memory");
	for (uint64_t i = 0; i < ph.n && r == 0; i++) {
		uint64_t base = ph.off + i * ph.entsize;
		uint64_t type = FIELD(&b, base, Phdr, p_type);
		uint64_t off = FIELD(&b, base, Phdr, p_offset);
		uint64_t size = FIELD(&b, base, Phdr, p_filesz);

		if (type == PT_INTERP && !ei->interp) {
			if (!in_file(&b, off, size) || !(ei->interp = str_at(&b, off, size)))
				r = bad(err, "PT_INTERP outside the file");
		} else if (type == PT_DYNAMIC && !ei->dynamic) {
			ei->dynamic = true;
			r = read_dynamic(&b, off, size, d, ei, err);
		}
	}
	if (r == 0)
		r = dyn_strings(&b, &ph, d, ei, err);
	free(d);
	if (r < 0)
		elf_info_free(ei);
	return r;
}

/* elf_parse() of the file open on FD. */
int elf_read_fd(int fd, struct elf_info *ei, sj_error *err)
{
	struct stat st;
	void *map;
	int r;

	memset(ei, 0, sizeof(*ei));
	if (fstat(fd, &st) < 0)
		return sj_fail_errno(err, "fstat");
	if (!S_ISREG(st.st_mode) || st.st_size < EI_NIDENT)
		return 1;
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return sj_fail_errno(err, "mmap");
	r = elf_parse(map, (size_t)st.st_size, ei, err);
	munmap(map, (size_t)st.st_size);
	return r;
}

void elf_info_free(struct elf_info *ei)
{
	free(ei->interp);
	free(ei->soname);
	free(ei->rpath);
	free(ei->runpath);
	for (size_t i = 0; i < ei->nneeded; i++)
		free(ei->needed[i]);
	free(ei->needed);
	memset(ei, 0, sizeof(*ei));
}

/* ---- machines --------------------------------------------------------- */

const struct elf_machine *elf_machine_of(const struct elf_info *ei)
{
	for (size_t i = 0; i < SJ_NELEM(machines); i++) {
		const struct elf_machine *m = &machines[i];

		if (m->machine == ei->machine && m->cls == ei->cls && m->data == ei->data &&
		    (ei->flags & m->flags_mask) == m->flags)
			return m;
	}
	return NULL;
}

const struct elf_machine *elf_machine_by_arch(const char *arch)
{
	for (size_t i = 0; i < SJ_NELEM(machines); i++)
		if (strcmp(machines[i].arch, arch) == 0)
			return &machines[i];
	return NULL;
}

/* The machine this library was built for. */
const struct elf_machine *elf_machine_host(void)
{
#if defined(__x86_64__) && defined(__ILP32__)
	return elf_machine_by_arch("x32");
#elif defined(__x86_64__)
	return elf_machine_by_arch("amd64");
#elif defined(__i386__)
	return elf_machine_by_arch("i386");
#elif defined(__aarch64__)
	return elf_machine_by_arch("arm64");
#elif defined(__arm__) && defined(__ARM_PCS_VFP)
	return elf_machine_by_arch("armhf");
#elif defined(__riscv) && __riscv_xlen == 64
	return elf_machine_by_arch("riscv64");
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return elf_machine_by_arch("ppc64el");
#elif defined(__s390x__)
	return elf_machine_by_arch("s390x");
#else
	return NULL;
#endif
}
