/*
 * inspect.c: state, list, ps, pause, resume, update, features.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sjrun.h"

static int load_id(const struct sjrun *r, int argc, char **argv, const struct opt *opts,
		   struct container *c)
{
	char *id;
	int n;

	if (parse_opts(r, argc, argv, opts, &id, 1, &n))
		return 1;
	if (n != 1)
		return fail(r, "%s: needs a container id", argv[0]);
	if (state_load(r, id, c) < 0)
		return fail(r, "container %s does not exist", id);
	return 0;
}

int do_state(const struct sjrun *r, int argc, char **argv)
{
	struct container c;
	char *text;

	if (load_id(r, argc, argv, NULL, &c))
		return 1;
	text = state_json(&c, state_status(&c, NULL), true);
	if (!text)
		return fail(r, "out of memory");
	puts(text);
	free(text);
	return 0;
}

int do_list(const struct sjrun *r, int argc, char **argv)
{
	const char *format = NULL, *quiet = NULL;
	const struct opt opts[] = {
		{ "format", 'f', true, &format }, { "quiet", 'q', false, &quiet },
		{ NULL, 0, false, NULL },
	};
	bool json = false;
	struct dirent *e;
	json_t *all = json_array();
	DIR *d;
	int n;

	if (parse_opts(r, argc, argv, opts, NULL, 0, &n))
		return 1;
	if (format && strcmp(format, "json") != 0 && strcmp(format, "table") != 0)
		return fail(r, "list: --format '%s' is not table or json", format);
	json = format && strcmp(format, "json") == 0;
	if (!json && !quiet)
		printf("%-12s %-8s %-10s %-40s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED");
	d = opendir(r->root);
	while (d && (e = readdir(d))) {
		struct container c;
		enum status s;

		if (e->d_name[0] == '.' || state_load(r, e->d_name, &c) < 0)
			continue;
		s = state_status(&c, NULL);
		if (json) {
			char *text = state_json(&c, s, false);

			json_array_append_new(all, json_loads(text, 0, NULL));
			free(text);
		} else if (quiet) {
			puts(c.id);
		} else {
			printf("%-12s %-8d %-10s %-40s %s\n", c.id, s == ST_STOPPED ? 0 : (int)c.pid,
			       status_name(s), c.bundle, c.created);
		}
	}
	if (d)
		closedir(d);
	if (json) {
		char *text = json_dumps(all, JSON_COMPACT);

		puts(text ? text : "[]");
		free(text);
	}
	json_decref(all);
	return 0;
}

/* The processes of a running container, by host pid. */
static int pids_of(const struct sjrun *r, const struct container *c, pid_t **pids, size_t *n)
{
	sj_error err;
	sj_jail *j;
	int rc;

	if (state_status(c, &j) == ST_STOPPED)
		return fail(r, "container not running");
	rc = sj_oci_pids(j, pids, n, &err);
	sj_jail_free(j);
	return rc < 0 ? fail(r, "%s", err.msg) : 0;
}

int do_ps(const struct sjrun *r, int argc, char **argv)
{
	const char *format = NULL;
	const struct opt opts[] = { { "format", 'f', true, &format }, { NULL, 0, false, NULL } };
	char *args[2];
	struct container c;
	pid_t *pids;
	size_t n;
	int count;

	if (parse_opts(r, argc, argv, opts, args, 2, &count))
		return 1;
	if (count < 1)
		return fail(r, "ps: needs a container id");
	if (state_load(r, args[0], &c) < 0)
		return fail(r, "container %s does not exist", args[0]);
	if (pids_of(r, &c, &pids, &n))
		return 1;
	if (format && strcmp(format, "json") == 0) {
		putchar('[');
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		puts("]");
	} else {
		/* As runc: ps(1)'s table, the container's lines only. */
		char line[4096];
		FILE *p = popen("exec ps -ef", "re");
		bool header = true;

		while (p && fgets(line, sizeof(line), p)) {
			int pid = 0;
			bool mine = header;

			for (size_t i = 0; !mine && i < n; i++)
				mine = sscanf(line, "%*s %d", &pid) == 1 && pids[i] == pid;
			if (mine)
				fputs(line, stdout);
			header = false;
		}
		if (p)
			pclose(p);
	}
	free(pids);
	return 0;
}

static int pause_resume(const struct sjrun *r, int argc, char **argv, bool pause)
{
	struct container c;
	sj_error err;
	sj_jail *j;
	enum status s;
	int rc;

	if (load_id(r, argc, argv, NULL, &c))
		return 1;
	s = state_status(&c, &j);
	if (s == ST_STOPPED)
		return fail(r, "container not running");
	if (pause && s != ST_RUNNING) {
		sj_jail_free(j);
		return fail(r, "container not running");
	}
	if (!pause && s != ST_PAUSED) {
		sj_jail_free(j);
		return fail(r, "container not paused");
	}
	rc = sj_oci_pause(j, pause, &err);
	sj_jail_free(j);
	return rc < 0 ? fail(r, "%s", err.msg) : 0;
}

int do_pause(const struct sjrun *r, int argc, char **argv)
{
	return pause_resume(r, argc, argv, true);
}

int do_resume(const struct sjrun *r, int argc, char **argv)
{
	return pause_resume(r, argc, argv, false);
}

/* The whole of FILE, or of standard input for "-". */
static char *slurp(const char *file, size_t *len)
{
	FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "re");
	char *buf = NULL;
	size_t cap = 0;

	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		size_t n;

		if (*len + 4096 > cap) {
			char *b = realloc(buf, cap = cap ? cap * 2 : 8192);

			if (!b)
				break;
			buf = b;
		}
		n = fread(buf + *len, 1, cap - *len - 1, f);
		*len += n;
		if (n == 0)
			break;
	}
	if (f != stdin)
		fclose(f);
	if (buf)
		buf[*len] = '\0';
	return buf;
}

int do_update(const struct sjrun *r, int argc, char **argv)
{
	const char *file = NULL, *memory = NULL, *pids = NULL, *shares = NULL, *quota = NULL,
		   *period = NULL;
	const struct opt opts[] = {
		{ "resources", 'r', true, &file }, { "memory", 'm', true, &memory },
		{ "pids-limit", 0, true, &pids }, { "cpu-share", 0, true, &shares },
		{ "cpu-quota", 0, true, &quota }, { "cpu-period", 0, true, &period },
		{ NULL, 0, false, NULL },
	};
	struct container c;
	char *text = NULL;
	size_t len;
	sj_error err;
	sj_jail *j;
	int rc;

	if (load_id(r, argc, argv, opts, &c))
		return 1;
	if (file) {
		if (!(text = slurp(file, &len)))
			return fail(r, "--resources %s: %s", file, strerror(errno));
	} else {
		/* runc's single-value options, as a LinuxResources object. */
		json_t *o = json_pack("{s:{}, s:{}, s:{}}", "memory", "pids", "cpu");

		if (memory)
			json_object_set_new(json_object_get(o, "memory"), "limit",
					    json_integer(atoll(memory)));
		if (pids)
			json_object_set_new(json_object_get(o, "pids"), "limit",
					    json_integer(atoll(pids)));
		if (shares)
			json_object_set_new(json_object_get(o, "cpu"), "shares",
					    json_integer(atoll(shares)));
		if (quota)
			json_object_set_new(json_object_get(o, "cpu"), "quota",
					    json_integer(atoll(quota)));
		if (period)
			json_object_set_new(json_object_get(o, "cpu"), "period",
					    json_integer(atoll(period)));
		text = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		len = text ? strlen(text) : 0;
	}
	if (state_status(&c, &j) == ST_STOPPED) {
		free(text);
		return fail(r, "container not running");
	}
	rc = sj_oci_update(j, text, len, &err);
	free(text);
	sj_jail_free(j);
	return rc < 0 ? fail(r, "%s", err.msg) : 0;
}

int do_features(const struct sjrun *r, int argc, char **argv)
{
	static const char features[] =
		"{\n"
		"  \"ociVersionMin\": \"1.0.0\",\n"
		"  \"ociVersionMax\": \"1.1.0\",\n"
		"  \"hooks\": [\"prestart\", \"createRuntime\", \"createContainer\", "
		"\"startContainer\", \"poststart\", \"poststop\"],\n"
		"  \"mountOptions\": [\"ro\", \"rw\", \"nosuid\", \"suid\", \"nodev\", \"dev\", "
		"\"noexec\", \"exec\", \"noatime\", \"relatime\", \"strictatime\", \"nodiratime\", "
		"\"diratime\", \"bind\", \"rbind\", \"private\", \"rprivate\", \"shared\", "
		"\"rshared\", \"slave\", \"rslave\", \"unbindable\", \"runbindable\"],\n"
		"  \"linux\": {\n"
		"    \"namespaces\": [\"cgroup\", \"ipc\", \"mount\", \"network\", \"pid\", "
		"\"time\", \"user\", \"uts\"],\n"
		"    \"capabilities\": [\"CAP_CHOWN\", \"CAP_DAC_OVERRIDE\", "
		"\"CAP_DAC_READ_SEARCH\", \"CAP_FOWNER\", \"CAP_FSETID\", \"CAP_KILL\", "
		"\"CAP_SETGID\", \"CAP_SETUID\", \"CAP_SETPCAP\", \"CAP_LINUX_IMMUTABLE\", "
		"\"CAP_NET_BIND_SERVICE\", \"CAP_NET_BROADCAST\", \"CAP_NET_ADMIN\", "
		"\"CAP_NET_RAW\", \"CAP_IPC_LOCK\", \"CAP_IPC_OWNER\", \"CAP_SYS_MODULE\", "
		"\"CAP_SYS_RAWIO\", \"CAP_SYS_CHROOT\", \"CAP_SYS_PTRACE\", \"CAP_SYS_PACCT\", "
		"\"CAP_SYS_ADMIN\", \"CAP_SYS_BOOT\", \"CAP_SYS_NICE\", \"CAP_SYS_RESOURCE\", "
		"\"CAP_SYS_TIME\", \"CAP_SYS_TTY_CONFIG\", \"CAP_MKNOD\", \"CAP_LEASE\", "
		"\"CAP_AUDIT_WRITE\", \"CAP_AUDIT_CONTROL\", \"CAP_SETFCAP\", "
		"\"CAP_MAC_OVERRIDE\", \"CAP_MAC_ADMIN\", \"CAP_SYSLOG\", \"CAP_WAKE_ALARM\", "
		"\"CAP_BLOCK_SUSPEND\", \"CAP_AUDIT_READ\", \"CAP_PERFMON\", \"CAP_BPF\", "
		"\"CAP_CHECKPOINT_RESTORE\"],\n"
		"    \"cgroup\": {\"v1\": true, \"v2\": true, \"systemd\": false, "
		"\"systemdUser\": false},\n"
		"    \"seccomp\": {\n"
		"      \"enabled\": true,\n"
		"      \"actions\": [\"SCMP_ACT_ALLOW\", \"SCMP_ACT_ERRNO\", \"SCMP_ACT_KILL\", "
		"\"SCMP_ACT_KILL_PROCESS\", \"SCMP_ACT_KILL_THREAD\", \"SCMP_ACT_LOG\", "
		"\"SCMP_ACT_TRACE\", \"SCMP_ACT_TRAP\"],\n"
		"      \"operators\": [\"SCMP_CMP_EQ\", \"SCMP_CMP_GE\", \"SCMP_CMP_GT\", "
		"\"SCMP_CMP_LE\", \"SCMP_CMP_LT\", \"SCMP_CMP_MASKED_EQ\", \"SCMP_CMP_NE\"],\n"
		"      \"archs\": [\"SCMP_ARCH_X86\", \"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X32\", "
		"\"SCMP_ARCH_AARCH64\", \"SCMP_ARCH_ARM\", \"SCMP_ARCH_S390X\"]\n"
		"    },\n"
		"    \"apparmor\": {\"enabled\": false},\n"
		"    \"selinux\": {\"enabled\": false}\n"
		"  },\n"
		"  \"annotations\": {\"org.sysjail.sjrun\": \"every container is a jail\"}\n"
		"}\n";

	int n;

	if (parse_opts(r, argc, argv, NULL, NULL, 0, &n))
		return 1;
	fputs(features, stdout);
	return 0;
}
