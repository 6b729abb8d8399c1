/*
 * tap.h: the output every unit test prints, one line per case:
 *   ok - NAME / not ok - NAME: why / skip - NAME: why
 * and an exit status of 0 exactly when no case failed.
 */
#ifndef SJ_TAP_H
#define SJ_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int tap_failed;

static void tap_vline(const char *status, const char *name, const char *fmt, va_list ap)
{
	printf("%s - %s", status, name);
	if (fmt && *fmt) {
		printf(": ");
		vprintf(fmt, ap);
	}
	putchar('\n');
	fflush(stdout);
}

/* Report case NAME: passed when OK, else failed with the reason in FMT. */
__attribute__((format(printf, 3, 4), unused))
static bool tap(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vline(ok ? "ok" : "not ok", name, ok ? NULL : fmt, ap);
	va_end(ap);
	if (!ok)
		tap_failed = 1;
	return ok;
}

__attribute__((format(printf, 2, 3), unused))
static void tap_skip(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vline("skip", name, fmt, ap);
	va_end(ap);
}

__attribute__((unused))
static int tap_exit(void)
{
	return tap_failed;
}

#endif /* SJ_TAP_H */
