/*
 * fuzz-main.c: runs the fuzz target's entry point over every file of a
 * corpus directory, one case per file.
 *
 * usage: fuzz-policy-corpus [DIR]   (default: the source tree's corpus)
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : SJ_FUZZ_CORPUS;
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (!d) {
		tap(false, "corpus directory", "%s: cannot open", dir);
		return 1;
	}
	while ((e = readdir(d))) {
		char path[4096], name[300];
		static unsigned char buf[1 << 20];
		FILE *f;
		size_t len;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		snprintf(name, sizeof(name), "corpus %s", e->d_name);
		if (!(f = fopen(path, "rb"))) {
			tap(false, name, "cannot open");
			continue;
		}
		len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, len);
		tap(true, name, " ");
		n++;
	}
	closedir(d);
	tap(n > 0, "corpus is not empty", "no files in %s", dir);
	return tap_exit();
}
