/*
 * oci-json.h: the JSON walkers the OCI parsers share (oci-json.c): each
 * reads one member, checks its type, and on failure fills the error with
 * the file and the field ("config.json: mounts[2].destination: ...").
 */
#ifndef SJ_OCI_JSON_H
#define SJ_OCI_JSON_H

#include <jansson.h>

#include "oci.h"

/* Where we are, for messages: the file and the field. */
struct oj_where {
	const char *file;
	char field[160];
	sj_error *err;
};

int oj_bad(struct oj_where *w, int errnum, const char *fmt, ...) SJ_PRINTF(3, 4);
size_t oj_enter(struct oj_where *w, const char *name, size_t i);
void oj_leave(struct oj_where *w, size_t n);
const char *oj_type_name(const json_t *v);
int oj_member(struct oj_where *w, const json_t *o, const char *key, json_type type,
	      json_t **out);
int oj_get_string(struct oj_where *w, const json_t *o, const char *key, char **out);
int oj_get_bool(struct oj_where *w, const json_t *o, const char *key, bool *out);
int oj_get_int(struct oj_where *w, const json_t *o, const char *key, long long lo,
	       long long hi, long long *out);
int oj_get_strings(struct oj_where *w, const json_t *o, const char *key, bool abs,
		   char ***out);
void oj_strv_free(char **v);

/* oci-linux.c: config.json's "linux" object, and MS_* of a propagation. */
int oj_parse_linux(struct oj_where *w, const json_t *root, struct oci_spec *s);
int oj_propagation(const char *name, unsigned long *out);

#endif /* SJ_OCI_JSON_H */
