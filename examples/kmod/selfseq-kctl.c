/* SPDX-License-Identifier: MIT */
/*
 * selfseq-kctl: the command-line side of selfseq.ko (doc/man/selfseq-kctl.1).
 * It sends one command per open of /dev/selfseq (protocol in
 * examples/kmod/README.md) and moves profiles between the module and a
 * profile store through the library, so every profile leaving or entering
 * the kernel is decoded and checked in userland on the way.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <selfseq/selfseq.h>
#include <selfseq/selfseq-file.h>
#include "json.h"

#ifdef KCTL_NO_SYSCALL_NAMES
/* The static build for the test guest goes without libaudit's tables. */
static const char *call_name(uint32_t nr)
{
	(void)nr;
	return NULL;
}
#else
#include "syscall-names.h"

static const char *call_name(uint32_t nr)
{
	return ss_syscall_name(ss_arch_native(), nr);
}
#endif

#define KCTL_DEFAULT_STORE "/var/lib/selfseq/profiles"

static const char *opt_device = "/dev/selfseq";
static const char *opt_store = KCTL_DEFAULT_STORE;
static int opt_json;
static const char *opt_pid;
static uint64_t opt_since;

/* What the device answered. */
struct answer {
	char *data;
	size_t len;
};

static void answer_free(struct answer *a)
{
	free(a->data);
	a->data = NULL;
	a->len = 0;
}

static int read_all(int fd, struct answer *a)
{
	size_t cap = 0;

	a->data = NULL;
	a->len = 0;
	for (;;) {
		ssize_t n;

		if (a->len + 4096 + 1 > cap) {
			char *more;

			cap = cap ? 2 * cap : 65536;
			more = realloc(a->data, cap);
			if (!more)
				return -ENOMEM;
			a->data = more;
		}
		n = read(fd, a->data + a->len, cap - a->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		a->len += (size_t)n;
	}
	a->data[a->len] = '\0';
	return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Run one command (with a load's payload, if any). On failure the module
 * explains itself in the answer ("error: ..."), which is printed after @what.
 */
static int device_command(const char *what, const char *cmd, const void *payload, size_t plen,
			  struct answer *a)
{
	char line[8192];
	int fd, err;

	a->data = NULL;
	a->len = 0;
	fd = open(opt_device, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		fprintf(stderr, "selfseq-kctl: %s: %s%s\n", opt_device, strerror(errno),
			errno == ENOENT ? " (is selfseq.ko loaded?)" : "");
		return err;
	}
	if (payload)
		snprintf(line, sizeof(line), "load %zu\n", plen);
	else if ((size_t)snprintf(line, sizeof(line), "%s\n", cmd) >= sizeof(line)) {
		close(fd);
		fprintf(stderr, "selfseq-kctl: %s: command too long\n", what);
		return -E2BIG;
	}
	err = write_all(fd, line, strlen(line));
	if (!err && payload)
		err = write_all(fd, payload, plen);
	if (err) {
		struct answer why;

		if (!read_all(fd, &why) && !strncmp(why.data, "error: ", 7))
			fprintf(stderr, "selfseq-kctl: %s: %s", what, why.data + 7);
		else
			fprintf(stderr, "selfseq-kctl: %s: %s\n", what, strerror(-err));
		answer_free(&why);
		close(fd);
		return err;
	}
	err = read_all(fd, a);
	close(fd);
	if (err)
		fprintf(stderr, "selfseq-kctl: %s: reading the answer: %s\n", what, strerror(-err));
	return err;
}

/* Commands whose answer is printed as the module wrote it. */
static int cmd_print(const char *cmd)
{
	struct answer a;
	int err = device_command(cmd, cmd, NULL, 0, &a);

	if (err)
		return 1;
	fwrite(a.data, 1, a.len, stdout);
	answer_free(&a);
	return 0;
}

/* The value of "name=" in a record line, unescaped, or NULL; the last field runs to the end. */
static char *field(const char *line, const char *name, char *buf, size_t size)
{
	size_t nlen = strlen(name), n = 0;
	const char *p = line, *v;

	for (;;) {
		if (!strncmp(p, name, nlen) && p[nlen] == '=')
			break;
		p = strchr(p, ' ');
		if (!p)
			return NULL;
		p++;
	}
	for (v = p + nlen + 1; *v && *v != ' ' && *v != '\n' && n + 1 < size; v++) {
		unsigned int c;

		if (v[0] == '\\' && v[1] == 'x' && sscanf(v + 2, "%2x", &c) == 1) {
			buf[n++] = (char)c;
			v += 3;
		} else {
			buf[n++] = *v;
		}
	}
	buf[n] = '\0';
	return buf;
}

static uint64_t field_u64(const char *line, const char *name)
{
	char buf[32];

	return field(line, name, buf, sizeof(buf)) ? strtoull(buf, NULL, 0) : 0;
}

static void print_flags(uint32_t flags)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ SELFSEQ_EVENT_ANOMALOUS, "anomalous" },
		{ SELFSEQ_EVENT_NORMAL, "normal" },
		{ SELFSEQ_EVENT_ANOMALY_LIMIT, "anomaly_limit" },
		{ SELFSEQ_EVENT_TOLERIZE_LIMIT, "tolerize_limit" },
	};
	const char *sep = "";
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].bit) {
			printf(opt_json ? "%s\"%s\"" : "%s%s", sep, names[i].name);
			sep = opt_json ? "," : "+";
		}
}

static void print_record(const char *line)
{
	char comm[64], exe[8192], time[48], state[16];
	uint32_t call = (uint32_t)field_u64(line, "call");
	uint32_t flags = (uint32_t)field_u64(line, "flags");
	const char *name = call_name(call);

	field(line, "comm", comm, sizeof(comm));
	field(line, "exe", exe, sizeof(exe));
	field(line, "time", time, sizeof(time));
	field(line, "state", state, sizeof(state));
	if (opt_json) {
		printf("{\"seq\":%" PRIu64 ",\"time\":%s,\"pid\":%" PRIu64 ",\"tgid\":%" PRIu64
		       ",\"exe\":", field_u64(line, "seq"), time, field_u64(line, "pid"),
		       field_u64(line, "tgid"));
		json_string(stdout, exe);
		printf(",\"comm\":");
		json_string(stdout, comm);
		printf(",\"profile\":%" PRIu64 ",\"call\":%" PRIu32 ",\"call_name\":",
		       field_u64(line, "profile"), call);
		if (name)
			json_string(stdout, name);
		else
			printf("null");
		printf(",\"misses\":%" PRIu64 ",\"lfc\":%" PRIu64 ",\"state\":\"%s\",\"events\":[",
		       field_u64(line, "misses"), field_u64(line, "lfc"), state);
		print_flags(flags);
		printf("]}\n");
		return;
	}
	printf("%s pid %" PRIu64 " (%s) %s: call %" PRIu32 " (%s) misses %" PRIu64 " lfc %" PRIu64
	       " profile %s [", time, field_u64(line, "pid"), comm, exe, call, name ? name : "?",
	       field_u64(line, "misses"), field_u64(line, "lfc"), state);
	print_flags(flags);
	printf("]\n");
}

static int cmd_anomalies(void)
{
	char cmd[64];
	struct answer a;
	char *line, *save = NULL;
	uint64_t lost = 0;

	snprintf(cmd, sizeof(cmd), "anomalies %" PRIu64, opt_since);
	if (device_command("anomalies", cmd, NULL, 0, &a))
		return 1;
	for (line = strtok_r(a.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "next=", 5))
			lost = field_u64(line, "lost");
		else if (!strncmp(line, "seq=", 4))
			print_record(line);
	}
	if (lost)
		fprintf(stderr, "selfseq-kctl: %" PRIu64 " events were overwritten before this read\n",
			lost);
	answer_free(&a);
	return 0;
}

static int cmd_set(char **argv, int argc)
{
	char cmd[256];

	if (argc != 2) {
		fprintf(stderr, "selfseq-kctl: usage: set NAME VALUE\n");
		return 2;
	}
	snprintf(cmd, sizeof(cmd), "set %s %s", argv[0], argv[1]);
	return cmd_print(cmd);
}

static int cmd_action(const char *verb, char **argv, int argc)
{
	char cmd[8192];

	if (opt_pid ? argc != 0 : argc != 1) {
		fprintf(stderr, "selfseq-kctl: usage: %s (--pid PID | PROFILE)\n", verb);
		return 2;
	}
	if (opt_pid)
		snprintf(cmd, sizeof(cmd), "%s pid %s", verb, opt_pid);
	else if ((size_t)snprintf(cmd, sizeof(cmd), "%s profile %s", verb, argv[0]) >= sizeof(cmd))
		return 2;
	return cmd_print(cmd);
}

/* Fetch one profile's bytes and decode them with the library. */
static int fetch_profile(const char *which, struct selfseq_profile **p, struct answer *bytes)
{
	char cmd[8192], what[8300];
	int err;

	snprintf(cmd, sizeof(cmd), "save %s", which);
	snprintf(what, sizeof(what), "save %s", which);
	if (device_command(what, cmd, NULL, 0, bytes))
		return -EIO;
	err = selfseq_profile_decode(bytes->data, bytes->len, NULL, p);
	if (err) {
		fprintf(stderr, "selfseq-kctl: profile %s from the module does not decode: %s\n",
			which, selfseq_strerror(err));
		answer_free(bytes);
	}
	return err;
}

/* The decoded profile must encode to exactly the bytes it came from. */
static int same_bytes(const struct selfseq_profile *p, const void *bytes, size_t len)
{
	size_t need = 0;
	void *buf;
	int same;

	if (selfseq_profile_encode(p, NULL, 0, &need) != -ENOSPC || need != len)
		return 0;
	buf = malloc(need);
	if (!buf)
		return 0;
	same = !selfseq_profile_encode(p, buf, need, &need) && !memcmp(buf, bytes, len);
	free(buf);
	return same;
}

static int cmd_save(char **argv, int argc)
{
	struct selfseq_profile *p;
	struct answer bytes;
	int err;

	if (argc != 2) {
		fprintf(stderr, "selfseq-kctl: usage: save PROFILE FILE\n");
		return 2;
	}
	if (fetch_profile(argv[0], &p, &bytes))
		return 1;
	err = same_bytes(p, bytes.data, bytes.len) ? 0 : -EBADMSG;
	if (err)
		fprintf(stderr, "selfseq-kctl: profile %s: re-encoding differs from the module's bytes\n",
			argv[0]);
	else
		err = selfseq_profile_save(p, argv[1]);
	if (err && err != -EBADMSG)
		fprintf(stderr, "selfseq-kctl: %s: %s\n", argv[1], selfseq_strerror(err));
	selfseq_profile_free(p);
	answer_free(&bytes);
	return err ? 1 : 0;
}

/* The ids of the module's profiles, from the "profiles" answer. */
static int profile_ids(uint32_t **ids, size_t *n)
{
	char *line, *save = NULL;
	struct answer a;
	size_t cap = 0;

	*ids = NULL;
	*n = 0;
	if (device_command("profiles", "profiles", NULL, 0, &a))
		return -EIO;
	for (line = strtok_r(a.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "id=", 3))
			continue;
		if (*n == cap) {
			uint32_t *more = realloc(*ids, (cap = cap ? 2 * cap : 64) * sizeof(**ids));

			if (!more) {
				answer_free(&a);
				return -ENOMEM;
			}
			*ids = more;
		}
		(*ids)[(*n)++] = (uint32_t)field_u64(line, "id");
	}
	answer_free(&a);
	return 0;
}

static int cmd_save_all(void)
{
	struct selfseq_store *store;
	uint32_t *ids;
	size_t i, n, saved = 0, failed = 0;
	int err;

	if (profile_ids(&ids, &n))
		return 1;
	err = selfseq_store_open(opt_store, SELFSEQ_STORE_CREATE, &store);
	if (err) {
		fprintf(stderr, "selfseq-kctl: store %s: %s\n", opt_store, selfseq_strerror(err));
		free(ids);
		return 1;
	}
	for (i = 0; i < n; i++) {
		struct selfseq_profile *p;
		struct answer bytes;
		char which[16];

		snprintf(which, sizeof(which), "%" PRIu32, ids[i]);
		if (fetch_profile(which, &p, &bytes)) {
			failed++;
			continue;
		}
		err = selfseq_store_save(store, p);
		if (err) {
			const char *key = selfseq_profile_get_key(p);

			fprintf(stderr, "selfseq-kctl: saving profile %s (%s): %s\n", which,
				key ? key : "no key", selfseq_strerror(err));
			failed++;
		} else {
			saved++;
		}
		selfseq_profile_free(p);
		answer_free(&bytes);
	}
	selfseq_store_close(store);
	free(ids);
	printf("saved %zu profile%s to %s\n", saved, saved == 1 ? "" : "s", opt_store);
	return failed ? 1 : 0;
}

/* Send a profile to the module (the library encodes it: the bytes are checked). */
static int send_profile(const char *what, const struct selfseq_profile *p)
{
	struct answer a;
	size_t need = 0;
	void *buf;
	int err;

	if (selfseq_profile_encode(p, NULL, 0, &need) != -ENOSPC)
		return -EINVAL;
	buf = malloc(need);
	if (!buf)
		return -ENOMEM;
	err = selfseq_profile_encode(p, buf, need, &need);
	if (!err)
		err = device_command(what, "load", buf, need, &a);
	free(buf);
	if (!err) {
		fwrite(a.data, 1, a.len, stdout);
		answer_free(&a);
	}
	return err;
}

static int cmd_load(char **argv, int argc)
{
	struct selfseq_profile *p;
	int err;

	if (argc != 1) {
		fprintf(stderr, "selfseq-kctl: usage: load FILE\n");
		return 2;
	}
	err = selfseq_profile_load(argv[0], NULL, &p);
	if (err) {
		fprintf(stderr, "selfseq-kctl: %s: %s\n", argv[0], selfseq_strerror(err));
		return 1;
	}
	err = send_profile(argv[0], p);
	selfseq_profile_free(p);
	return err ? 1 : 0;
}

struct load_all {
	struct selfseq_store *store;
	size_t loaded, failed;
};

static int load_one(const char *key, void *ctx)
{
	struct load_all *l = ctx;
	struct selfseq_profile *p;
	int err = selfseq_store_load(l->store, key, NULL, &p);

	if (err) {
		fprintf(stderr, "selfseq-kctl: %s in %s: %s\n", key, opt_store, selfseq_strerror(err));
		l->failed++;
		return 0;
	}
	if (send_profile(key, p))
		l->failed++;
	else
		l->loaded++;
	selfseq_profile_free(p);
	return 0;
}

static int cmd_load_all(void)
{
	struct load_all l = { 0 };
	int err = selfseq_store_open(opt_store, 0, &l.store);

	if (err) {
		fprintf(stderr, "selfseq-kctl: store %s: %s\n", opt_store, selfseq_strerror(err));
		return 1;
	}
	err = selfseq_store_list(l.store, load_one, &l);
	selfseq_store_close(l.store);
	if (err)
		fprintf(stderr, "selfseq-kctl: listing %s: %s\n", opt_store, selfseq_strerror(err));
	printf("loaded %zu profile%s from %s\n", l.loaded, l.loaded == 1 ? "" : "s", opt_store);
	return err || l.failed ? 1 : 0;
}

static int read_file(const char *path, struct answer *a)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	err = read_all(fd, a);
	close(fd);
	return err;
}

static const char *state_name(uint32_t flags)
{
	if (flags & SELFSEQ_STATE_NORMAL)
		return "normal";
	return flags & SELFSEQ_STATE_FROZEN ? "frozen" : "training";
}

/* Decode a profile file with the library, print it, and check it re-encodes to the same bytes. */
static int cmd_verify(char **argv, int argc)
{
	struct selfseq_profile_state s = { .sz = sizeof(s) };
	struct selfseq_profile *p;
	struct answer bytes;
	const char *key;
	int err, same;

	if (argc != 1) {
		fprintf(stderr, "selfseq-kctl: usage: verify FILE\n");
		return 2;
	}
	err = read_file(argv[0], &bytes);
	if (!err)
		err = selfseq_profile_decode(bytes.data, bytes.len, NULL, &p);
	if (err) {
		fprintf(stderr, "selfseq-kctl: %s: %s\n", argv[0], selfseq_strerror(err));
		answer_free(&bytes);
		return 1;
	}
	selfseq_profile_get_state(p, &s);
	key = selfseq_profile_get_key(p);
	same = same_bytes(p, bytes.data, bytes.len);
	printf("file %s\nbytes %zu\nkey %s\nstate %s\nwindow %" PRIu32 "\nalphabet %" PRIu32
	       "\narch 0x%" PRIx32 "\ncount %" PRIu64 "\ntrain_count %" PRIu64
	       "\nsequences %" PRIu64 "\nanomalies %" PRIu64 "\ntrain_pairs %" PRIu32
	       "\ntest_pairs %" PRIu32 "\ncalls %" PRIu32 "\nre-encoded %s\n",
	       argv[0], bytes.len, key ? key : "-", state_name(s.flags), s.window, s.alphabet,
	       s.arch, s.count, s.train_count, s.sequences, s.anomalies, s.train_pairs,
	       s.test_pairs, selfseq_db_get_calls(selfseq_profile_get_train(p)),
	       same ? "identical" : "DIFFERENT");
	selfseq_profile_free(p);
	answer_free(&bytes);
	return same ? 0 : 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: selfseq-kctl [OPTIONS] COMMAND [ARGS]\n"
		"Control selfseq.ko, the libselfseq kernel module, through /dev/selfseq.\n"
		"\n"
		"Commands:\n"
		"  status                  module counters (calls, tasks, profiles, untracked, ...)\n"
		"  params                  current parameters\n"
		"  ps                      tracked tasks: pid, profile, state, calls, LFC\n"
		"  profiles                loaded profiles: id, state, counters, executable\n"
		"  anomalies               anomalies and profile state changes from the module's ring\n"
		"  set NAME VALUE          change a parameter for every profile: window, normal_factor,\n"
		"                          normal_factor_den, normal_wait (seconds), anomaly_limit,\n"
		"                          tolerize_limit, delay_factor (jiffies), max_profiles, max_tasks\n"
		"  normalize PROFILE       start normal monitoring now\n"
		"  sensitize PROFILE       forget recently learnt behaviour (reset training)\n"
		"  tolerize PROFILE        accept recent behaviour (stop normal monitoring)\n"
		"                          PROFILE: an id or an executable path; or use --pid PID\n"
		"  save PROFILE FILE       save one profile to FILE (atomically)\n"
		"  save-all                save every profile into the profile store\n"
		"  load FILE               load one profile file into the module\n"
		"  load-all                load every profile of the profile store\n"
		"  verify FILE             decode a profile file, print it, check it re-encodes identically\n"
		"\n"
		"Options:\n"
		"  -d, --device PATH       control device (default /dev/selfseq)\n"
		"  -s, --store DIR         profile store (default " KCTL_DEFAULT_STORE ")\n"
		"  -p, --pid PID           normalize/sensitize/tolerize the profile of this task\n"
		"      --since SEQ         anomalies: only events after sequence number SEQ\n"
		"  -j, --json              anomalies: one JSON object per line\n"
		"  -h, --help              this help\n"
		"  -V, --version           library version\n"
		"\n"
		"Exit status: 0 success, 1 failure, 2 usage error.\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "store", required_argument, NULL, 's' },
		{ "pid", required_argument, NULL, 'p' },
		{ "since", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "d:s:p:jhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			opt_device = optarg;
			break;
		case 's':
			opt_store = optarg;
			break;
		case 'p':
			opt_pid = optarg;
			break;
		case 'S':
			errno = 0;
			opt_since = strtoull(optarg, &end, 10);
			if (errno || *end || end == optarg) {
				fprintf(stderr, "selfseq-kctl: --since: '%s' is not a number\n", optarg);
				return 2;
			}
			break;
		case 'j':
			opt_json = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V': {
			uint32_t v = selfseq_version();

			printf("selfseq-kctl (libselfseq %u.%u.%u)\n", v >> 16, (v >> 8) & 0xff, v & 0xff);
			return 0;
		}
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind++];
	argv += optind;
	argc -= optind;
	if (opt_pid && strcmp(cmd, "normalize") && strcmp(cmd, "sensitize") &&
	    strcmp(cmd, "tolerize")) {
		fprintf(stderr, "selfseq-kctl: --pid only goes with normalize, sensitize, tolerize\n");
		return 2;
	}
	if (!strcmp(cmd, "status") || !strcmp(cmd, "params") || !strcmp(cmd, "ps") ||
	    !strcmp(cmd, "profiles")) {
		if (argc) {
			fprintf(stderr, "selfseq-kctl: %s takes no arguments\n", cmd);
			return 2;
		}
		return cmd_print(cmd);
	}
	if (!strcmp(cmd, "anomalies") && !argc)
		return cmd_anomalies();
	if (!strcmp(cmd, "set"))
		return cmd_set(argv, argc);
	if (!strcmp(cmd, "normalize") || !strcmp(cmd, "sensitize") || !strcmp(cmd, "tolerize"))
		return cmd_action(cmd, argv, argc);
	if (!strcmp(cmd, "save"))
		return cmd_save(argv, argc);
	if (!strcmp(cmd, "save-all") && !argc)
		return cmd_save_all();
	if (!strcmp(cmd, "load"))
		return cmd_load(argv, argc);
	if (!strcmp(cmd, "load-all") && !argc)
		return cmd_load_all();
	if (!strcmp(cmd, "verify"))
		return cmd_verify(argv, argc);
	fprintf(stderr, "selfseq-kctl: unknown command or arguments: %s (see --help)\n", cmd);
	return 2;
}
