/*
 * oci-json.c: reading one JSON member at a time, its type checked, every
 * error naming the file and the field (oci-json.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "oci-json.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

int oj_bad(struct oj_where *w, int errnum, const char *fmt, ...)
{
	char msg[SJ_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sj_fail(w->err, errnum, "%s: %s%s%s", w->file, w->field, w->field[0] ? ": " : "",
		       msg);
}

/* Enter field NAME (or [I] when NAME is NULL); returns the old length. */
size_t oj_enter(struct oj_where *w, const char *name, size_t i)
{
	size_t n = strlen(w->field);

	if (name)
		snprintf(w->field + n, sizeof(w->field) - n, "%s%s", n ? "." : "", name);
	else
		snprintf(w->field + n, sizeof(w->field) - n, "[%zu]", i);
	return n;
}

void oj_leave(struct oj_where *w, size_t n)
{
	w->field[n] = '\0';
}

const char *oj_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number with a fraction";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "something";
}

/* Member KEY of object O if present and of type TYPE: 1 found, 0 absent, -1 error. */
int oj_member(struct oj_where *w, const json_t *o, const char *key, json_type type,
		  json_t **out)
{
	json_t *v = o ? json_object_get(o, key) : NULL;
	size_t n;

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (json_typeof(v) == type || (type == JSON_TRUE && json_is_boolean(v))) {
		*out = v;
		return 1;
	}
	n = oj_enter(w, key, 0);
	oj_bad(w, EINVAL, "is %s, not %s", oj_type_name(v),
	    type == JSON_OBJECT ? "an object" : type == JSON_ARRAY ? "an array" :
	    type == JSON_STRING ? "a string" : type == JSON_INTEGER ? "an integer" :
	    "a boolean");
	oj_leave(w, n);
	return -1;
}

/* A string member, copied; NULL when absent. */
int oj_get_string(struct oj_where *w, const json_t *o, const char *key, char **out)
{
	json_t *v;
	int r = oj_member(w, o, key, JSON_STRING, &v);

	*out = NULL;
	if (r <= 0)
		return r;
	*out = strdup(json_string_value(v));
	return *out ? 1 : sj_fail(w->err, ENOMEM, "out of memory");
}

int oj_get_bool(struct oj_where *w, const json_t *o, const char *key, bool *out)
{
	json_t *v;
	int r = oj_member(w, o, key, JSON_TRUE, &v);

	if (r > 0)
		*out = json_is_true(v);
	return r;
}

/* An integer member in [LO, HI]. */
int oj_get_int(struct oj_where *w, const json_t *o, const char *key, long long lo,
		   long long hi, long long *out)
{
	json_t *v;
	int r = oj_member(w, o, key, JSON_INTEGER, &v);
	size_t n;

	if (r <= 0)
		return r;
	if (json_integer_value(v) < lo || json_integer_value(v) > hi) {
		n = oj_enter(w, key, 0);
		oj_bad(w, ERANGE, "%lld is out of range (%lld to %lld)",
		    (long long)json_integer_value(v), lo, hi);
		oj_leave(w, n);
		return -1;
	}
	*out = json_integer_value(v);
	return 1;
}

/* An array of strings, NULL-ended; each checked absolute when ABS. */
int oj_get_strings(struct oj_where *w, const json_t *o, const char *key, bool abs, char ***out)
{
	json_t *a, *v;
	size_t i, n;
	char **vec;
	int r = oj_member(w, o, key, JSON_ARRAY, &a);

	*out = NULL;
	if (r <= 0)
		return r;
	vec = calloc(json_array_size(a) + 1, sizeof(*vec));
	if (!vec)
		return sj_fail(w->err, ENOMEM, "out of memory");
	*out = vec;
	n = oj_enter(w, key, 0);
	json_array_foreach(a, i, v) {
		size_t m = oj_enter(w, NULL, i);

		if (!json_is_string(v))
			return oj_bad(w, EINVAL, "is %s, not a string", oj_type_name(v));
		if (abs && json_string_value(v)[0] != '/')
			return oj_bad(w, EINVAL, "'%s' is not an absolute path", json_string_value(v));
		if (!(vec[i] = strdup(json_string_value(v))))
			return sj_fail(w->err, ENOMEM, "out of memory");
		oj_leave(w, m);
	}
	oj_leave(w, n);
	return 1;
}

void oj_strv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}
