/*
 * error.c: the error object every fallible function fills, and the few
 * small helpers the rest of the library shares.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "sj-private.h"

void sj_freep(void *p)
{
	free(*(void **)p);
}

void sj_closep(const int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

void sj_fclosep(void *fp)
{
	FILE *f = *(FILE **)fp;

	if (f)
		fclose(f);
}

void sj_error_clear(sj_error *err)
{
	err->errnum = 0;
	err->status = 0;
	err->msg[0] = '\0';
}

static void vset(sj_error *err, int errnum, const char *fmt, va_list ap)
{
	err->errnum = errnum;
	err->status = 0;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

/* Fill ERR with ERRNUM and a message; returns -1 with errno set. */
int sj_fail(sj_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(err, errnum, fmt, ap);
	va_end(ap);
	errno = errnum;
	return -1;
}

/* Like sj_fail() with the current errno, appended as ": strerror". */
int sj_fail_errno(sj_error *err, const char *fmt, ...)
{
	int e = errno;
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vset(err, e, fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(e));
	errno = e;
	return -1;
}

/* Put context in front of the message already in ERR: "context: msg". */
void sj_error_prefix(sj_error *err, const char *fmt, ...)
{
	char old[SJ_ERROR_MAX];
	size_t n;
	va_list ap;

	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", old);
}

char *sj_strdup(const char *s, sj_error *err)
{
	char *r = strdup(s);

	if (!r)
		sj_fail(err, ENOMEM, "out of memory");
	return r;
}

/* Write all of BUF, retrying on short writes and EINTR. */
int sj_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Write TEXT to an existing file such as a /proc knob, in one write. */
int sj_write_file(const char *path, const char *text, sj_error *err)
{
	return sj_write_fileat(AT_FDCWD, path, text, err);
}

/* The same, PATH relative to directory DIRFD. */
int sj_write_fileat(int dirfd, const char *path, const char *text, sj_error *err)
{
	SJ_AUTOCLOSE int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t len = strlen(text);

	if (fd < 0)
		return sj_fail_errno(err, "%s", path);
	if (write(fd, text, len) != (ssize_t)len)
		return sj_fail_errno(err, "write %s", path);
	return 0;
}

/* Send LEN bytes of BUF, and descriptor FD unless -1, on unix socket SOCK
 * in one message; -1 with errno set on failure. */
int sj_send_fd(int sock, const void *buf, size_t len, int fd)
{
	char control[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { (void *)buf, len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	if (fd >= 0) {
		msg.msg_control = control;
		msg.msg_controllen = sizeof(control);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

/* Receive up to LEN bytes into BUF and a descriptor (close-on-exec) into
 * *FD, -1 if none came; what recvmsg(2) returns. */
ssize_t sj_recv_fd(int sock, void *buf, size_t len, int *fd)
{
	char control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { buf, len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			      .msg_controllen = sizeof(control) };
	struct cmsghdr *c;
	ssize_t n;

	*fd = -1;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	for (c = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL; c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	return n;
}
