/*
 * test-oci.c: config.json and process.json as sjrun reads them
 * (oci-spec.c), and the resources of `sjrun update`.  No root: a bundle
 * in a temporary directory, parsed only; tests/integration/sjrun.sh runs
 * real containers.
 */
#define _GNU_SOURCE
#include <linux/mount.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../lib/oci.h"
#include "tap.h"

static char bundle[] = "/tmp/sjrun-test-oci.XXXXXX";

/* A config.json around FRAGMENT (more top-level members, or ""). */
static void write_config(const char *fragment)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/config.json", bundle);
	f = fopen(path, "w");
	fprintf(f, "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"},\n"
		   " \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\"},\n"
		   " \"linux\": {\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"pid\"},"
		   " {\"type\": \"uts\"}]}%s%s}\n",
		*fragment ? ", " : "", fragment);
	fclose(f);
}

static int load(const char *fragment, struct oci_spec **s, sj_error *err)
{
	write_config(fragment);
	return oci_spec_load(bundle, "c1", s, err);
}

struct bad_case {
	const char *name, *config, *error;
};

/* Each fragment adds members the writer leaves out, breaking one. */
static const struct bad_case bad_cases[] = {
	{ "unknown members are ignored",
	  "\"hooks\": {}, \"x\": 1, \"annotations\": {\"a\": \"b\"}, \"mounts\": [], "
	  "\"hostname\": \"h\", \"domainname\": \"d\", \"linux2\": {}",
	  NULL },
	{ "a relative mount destination",
	  "\"mounts\": [{\"destination\": \"data\", \"type\": \"tmpfs\"}]",
	  "config.json: mounts[0]: destination: 'data' is not an absolute path" },
	{ "a mount with neither type nor bind",
	  "\"mounts\": [{\"destination\": \"/x\"}]",
	  "config.json: mounts[0]: type: missing (and no bind option)" },
	{ "a bind without a source",
	  "\"mounts\": [{\"destination\": \"/x\", \"options\": [\"rbind\"]}]",
	  "config.json: mounts[0]: source: a bind mount needs a source" },
	{ "a wrong type",
	  "\"mounts\": {\"destination\": \"/x\"}",
	  "config.json: mounts: is an object, not an array" },
	{ "a hook with a relative path",
	  "\"hooks\": {\"poststop\": [{\"path\": \"bin/true\"}]}",
	  "config.json: hooks.poststop[0]: path: 'bin/true' is not an absolute path" },
	{ "annotations of the wrong type",
	  "\"annotations\": []",
	  "config.json: annotations: is an array, not an object" },
};

static void test_good(void)
{
	struct oci_spec *s;
	sj_error err;
	int r = load("\"hostname\": \"web\", \"annotations\": {\"k\": \"v\"}, "
		     "\"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
		     " {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\","
		     "  \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"gid=5\"]},"
		     " {\"destination\": \"/etc/hosts\", \"source\": \"hosts\", \"options\": [\"rbind\", \"ro\", \"rprivate\"]}]",
		     &s, &err);

	if (!tap(r == 0, "a good config.json loads", "%s", err.msg))
		return;
	tap(strcmp(s->hostname, "web") == 0, "hostname", "'%s'", s->hostname);
	tap(s->root && strstr(s->root, "/rootfs") && s->root[0] == '/',
	    "root.path relative to the bundle", "'%s'", s->root);
	tap(s->nmounts == 3, "three mounts", "%zu", s->nmounts);
	tap(s->nmounts == 3 && s->mounts[1].data && strcmp(s->mounts[1].data,
	    "newinstance,ptmxmode=0666,gid=5") == 0 &&
	    s->mounts[1].attr_set == (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC),
	    "mount options: flags to attributes, the rest to the file system", "'%s' %#x",
	    s->nmounts == 3 ? s->mounts[1].data : "", s->nmounts == 3 ? s->mounts[1].attr_set : 0);
	tap(s->nmounts == 3 && s->mounts[2].bind && s->mounts[2].recursive &&
	    s->mounts[2].propagation == (MS_PRIVATE | MS_REC) &&
	    strncmp(s->mounts[2].source, bundle, strlen(bundle)) == 0,
	    "rbind, ro, rprivate; a relative source is the bundle's", "'%s'",
	    s->nmounts == 3 ? s->mounts[2].source : "");
	tap(oci_spec_ns_new(s, CLONE_NEWPID) && !oci_spec_has_ns(s, CLONE_NEWNET),
	    "namespaces", "wrong");
	tap(s->annotations && strcmp(s->annotations, "{\"k\":\"v\"}") == 0, "annotations kept",
	    "'%s'", s->annotations);
	tap(s->res.memory == OCI_UNSET && s->res.pids == OCI_UNSET, "no resources: unset", "wrong");
	oci_spec_free(s);
}

static void test_bad(void)
{
	struct oci_spec *s;
	sj_error err;

	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		int r = load(c->config, &s, &err);

		if (!c->error) {
			/* Unknown members are ignored, as the spec asks. */
			tap(r == 0, "unknown members are ignored", "%s", err.msg);
			if (r == 0)
				oci_spec_free(s);
			continue;
		}
		if (r == 0)
			oci_spec_free(s);
		tap(r < 0 && strcmp(err.msg, c->error) == 0, c->name, "got '%s'",
		    r < 0 ? err.msg : "success");
	}
}

static void test_whole_file_errors(void)
{
	char path[256];
	struct oci_spec *s;
	sj_error err;
	FILE *f;
	int r;

	snprintf(path, sizeof(path), "%s/config.json", bundle);
	f = fopen(path, "w");
	fputs("{\"ociVersion\": \"1.0.2\",\n \"root\": {\"path\": \"rootfs\"", f);
	fclose(f);
	r = oci_spec_load(bundle, "c1", &s, &err);
	tap(r < 0 && strstr(err.msg, "config.json: line 2, column"), "malformed JSON: the line",
	    "'%s'", err.msg);
	f = fopen(path, "w");
	fputs("{\"ociVersion\": \"1.0.2\", \"ociVersion\": \"1.0.2\"}", f);
	fclose(f);
	r = oci_spec_load(bundle, "c1", &s, &err);
	tap(r < 0 && strstr(err.msg, "duplicate"), "a key given twice", "'%s'", err.msg);
	write_config("\"x\": 1");
	f = fopen(path, "r+");
	fputs("{\"ociVersion\": \"2.0.0\",", f);
	fclose(f);
	r = oci_spec_load(bundle, "c1", &s, &err);
	tap(r < 0 && strcmp(err.msg, "config.json: ociVersion: '2.0.0' is not a version 1 "
			    "specification") == 0, "ociVersion 2", "'%s'", err.msg);
	unlink(path);
	r = oci_spec_load(bundle, "c1", &s, &err);
	tap(r < 0 && strstr(err.msg, "config.json: No such file or directory"), "no config.json",
	    "'%s'", err.msg);
	r = oci_spec_load("relative", "c1", &s, &err);
	tap(r < 0 && strcmp(err.msg, "bundle: 'relative' is not an absolute path") == 0,
	    "a relative bundle", "'%s'", err.msg);
}

static void test_linux_members(void)
{
	struct oci_spec *s;
	sj_error err;
	char cfg[2048];
	FILE *f;
	int r;

	/* "linux" is given by the writer: these cases write a whole file. */
	snprintf(cfg, sizeof(cfg), "%s/config.json", bundle);
	f = fopen(cfg, "w");

	fputs("{\"ociVersion\": \"1.1.0\", \"root\": {\"path\": \"rootfs\", \"readonly\": true},\n"
	      " \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": 1, \"gid\": 2,"
	      "   \"additionalGids\": [3, 4]}, \"noNewPrivileges\": true, \"oomScoreAdj\": 5,"
	      "   \"capabilities\": {\"bounding\": [\"CAP_KILL\", \"CAP_NEW_IN_2030\"],"
	      "   \"ambient\": [\"CAP_CHOWN\"]},"
	      "   \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 100, \"hard\": 200}]},\n"
	      " \"linux\": {\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"network\","
	      "   \"path\": \"/proc/1/ns/net\"}, {\"type\": \"user\"}],"
	      "  \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 10}],"
	      "  \"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 10}],"
	      "  \"cgroupsPath\": \"/a/b\", \"resources\": {\"memory\": {\"limit\": 1048576,"
	      "   \"swap\": -1}, \"pids\": {\"limit\": 0}, \"cpu\": {\"shares\": 512},"
	      "   \"devices\": [{\"allow\": false, \"access\": \"rwm\"},"
	      "    {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 3, \"access\": \"rw\"}]},"
	      "  \"sysctl\": {\"net.ipv4.ip_forward\": \"1\"}, \"maskedPaths\": [\"/proc/kcore\"],"
	      "  \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\"},"
	      "  \"devices\": [{\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10,"
	      "   \"minor\": 229}]}}\n", f);
	fclose(f);
	r = oci_spec_load(bundle, "c1", &s, &err);
	if (!tap(r == 0, "a full linux section loads", "%s", err.msg))
		return;
	tap(s->root_readonly, "root.readonly", "wrong");
	tap(s->proc.uid == 1 && s->proc.gid == 2 && s->proc.ngroups == 2 && s->proc.groups[1] == 4,
	    "process.user", "wrong");
	tap(s->proc.nnp && s->proc.oom_set && s->proc.oom_score_adj == 5, "nnp and oomScoreAdj", "wrong");
	tap(s->proc.caps[OCI_CAP_BOUNDING] == 1ull << 5 && s->proc.caps[OCI_CAP_AMBIENT] == 1,
	    "capabilities; an unknown CAP_ name is left out, as runc does", "%#llx",
	    (unsigned long long)s->proc.caps[OCI_CAP_BOUNDING]);
	tap(s->proc.nrlimits == 1 && s->proc.rlimits[0].soft == 100 &&
	    s->proc.rlimits[0].hard == 200, "rlimits", "wrong");
	tap(s->nns == 3 && s->ns[1].path && !oci_spec_ns_new(s, CLONE_NEWNET) &&
	    oci_spec_ns_new(s, CLONE_NEWUSER), "a namespace joined by path", "wrong");
	tap(s->nuidmap == 1 && s->uidmap[0].outside == 1000 && s->uidmap[0].size == 10,
	    "uid mappings", "wrong");
	tap(s->res.memory == 1048576 && s->res.memory_swap == OCI_MAX && s->res.pids == OCI_MAX &&
	    s->res.cpu_shares == 512, "resources; pids 0 is no limit, as runc", "wrong");
	tap(s->res.ndevices == 2 && !s->res.devices[0].allow && s->res.devices[0].type == 'a' &&
	    s->res.devices[1].major == 1 && strcmp(s->res.devices[1].access, "rw") == 0,
	    "device rules", "wrong");
	tap(s->nsysctls == 1 && strcmp(s->sysctls[0].key, "net.ipv4.ip_forward") == 0, "sysctl", "wrong");
	tap(s->masked && strcmp(s->masked[0], "/proc/kcore") == 0, "maskedPaths", "wrong");
	tap(s->seccomp && strstr(s->seccomp, "SCMP_ACT_ALLOW"), "seccomp kept as JSON", "wrong");
	tap(s->ndevices == 1 && s->devices[0].major == 10 && s->devices[0].mode == 0666,
	    "devices, fileMode 0666 by default", "wrong");
	tap(strcmp(s->cgroups_path, "/a/b") == 0, "cgroupsPath", "wrong");
	oci_spec_free(s);
}

static void test_resources(void)
{
	static const char good[] = "{\"memory\": {\"limit\": 67108864}, \"cpu\": {\"quota\": 50000}}";
	static const char bad[] = "{\"memory\": {\"limit\": \"64m\"}}";
	struct oci_resources r;
	sj_error err;

	tap(oci_resources_parse(good, strlen(good), &r, &err) == 0 && r.memory == 67108864 &&
	    r.cpu_quota == 50000 && r.pids == OCI_UNSET, "update --resources", "%s", err.msg);
	oci_resources_free(&r);
	tap(oci_resources_parse(bad, strlen(bad), &r, &err) < 0 &&
	    strcmp(err.msg, "resources: memory.limit: is a string, not an integer") == 0,
	    "update --resources with a wrong type", "'%s'", err.msg);
	tap(oci_cap_number("CAP_SYS_ADMIN") == 21 && oci_cap_number("cap_chown") == 0 &&
	    oci_cap_number("SYS_ADMIN") == -1, "capability names", "wrong");
}

int main(void)
{
	char root[256];

	if (!mkdtemp(bundle))
		return 1;
	snprintf(root, sizeof(root), "%s/rootfs", bundle);
	mkdir(root, 0755);
	test_good();
	test_bad();
	test_whole_file_errors();
	test_linux_members();
	test_resources();
	rmdir(root);
	{
		char path[256];

		snprintf(path, sizeof(path), "%s/config.json", bundle);
		unlink(path);
	}
	rmdir(bundle);
	return tap_exit();
}
