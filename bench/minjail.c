/*
 * minjail: the least a jail of the host's tree can be, as a floor for
 * bench/startup.sh: a user namespace (root mapped to one unprivileged
 * id), new mount, PID, network, UTS and IPC namespaces, a bind of / with
 * a fresh /proc, entered with pivot_root(2), the old root detached.  No
 * seccomp filter, no capability drop, no cgroups, no registry, no init:
 * COMMAND is PID 1.  Not a jail to use: a measure of what the kernel's
 * namespaces and mounts alone cost here.
 *
 * usage: minjail COMMAND [ARG...]   (as root)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAPPED_ID 100000	/* the jail's root on the host */

static int go[2];
static char **command;

static void die(const char *what)
{
	perror(what);
	_exit(1);
}

static void put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		die(path);
	close(fd);
}

static int child(void *arg)
{
	char c;

	(void)arg;
	close(go[1]);
	if (read(go[0], &c, 1) != 1)
		_exit(1);
	/* Root of the new user namespace, now that its maps are written. */
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		die("setresuid");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("making / private");
	/* A tmpfs to hold the new root's mount point, in our namespace only. */
	if (mount("minjail", "/mnt", "tmpfs", 0, NULL) < 0 || mkdir("/mnt/root", 0755) < 0)
		die("tmpfs on /mnt");
	if (mount("/", "/mnt/root", NULL, MS_BIND | MS_REC, NULL) < 0)
		die("binding /");
	if (mount("proc", "/mnt/root/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die("/proc");
	if (chdir("/mnt/root") < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
		die("pivot_root");
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		die("detaching the old root");
	execv(command[0], command);
	die(command[0]);
	return 1;
}

int main(int argc, char **argv)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	char path[64], map[64];
	int status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: minjail COMMAND [ARG...]\n");
		return 2;
	}
	command = argv + 1;
	if (pipe2(go, O_CLOEXEC) < 0)
		die("pipe");
	pid = clone(child, stack + sizeof(stack), CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID |
		    CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC | SIGCHLD, NULL);
	if (pid < 0)
		die("clone");
	snprintf(map, sizeof(map), "0 %d 1\n", MAPPED_ID);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	put(path, map);
	snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
	put(path, "deny");
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	put(path, map);
	close(go[0]);
	if (write(go[1], "g", 1) != 1)
		die("starting the child");
	close(go[1]);
	while (waitpid(pid, &status, 0) < 0)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
