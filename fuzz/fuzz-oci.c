/*
 * fuzz-oci.c: libFuzzer target for sjrun's readers of untrusted JSON:
 * config.json (lib/oci-spec.c, oci-linux.c, oci-json.c) and the
 * LinuxResources of `sjrun update`.  No file is read: the bundle is "/",
 * so a root.path of "/" or "/tmp" exists.
 *
 * Input: the text of config.json; the same bytes are also given to the
 * resources reader.  Traps when a failure has no message, or when one
 * that succeeded left a field the runtime relies on unset.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>

#include "oci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oci_resources r;
	struct oci_spec *s;
	sj_error err;

	if (oci_spec_loadb("/", "fuzz", (const char *)data, size, &s, &err) < 0) {
		if (!err.msg[0])
			__builtin_trap();
	} else {
		if (!s->root || !s->proc.args || !s->proc.args[0] || !s->proc.cwd ||
		    s->proc.cwd[0] != '/')
			__builtin_trap();
		for (size_t i = 0; i < s->nmounts; i++)
			if (!s->mounts[i].dest || s->mounts[i].dest[0] != '/' ||
			    (s->mounts[i].bind && !s->mounts[i].source))
				__builtin_trap();
		oci_spec_free(s);
	}
	if (oci_resources_parse((const char *)data, size, &r, &err) == 0)
		oci_resources_free(&r);
	else if (!err.msg[0])
		__builtin_trap();
	return 0;
}
