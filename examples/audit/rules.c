/* SPDX-License-Identifier: MIT */
/*
 * `selfseq-audit rules`: the auditctl rules that record every system call
 * of chosen executables or users, one rule per ABI (auditctl(8): with no
 * arch a rule is looked up in the native table only, wrong for 32-bit
 * calls). The plugin's own executable is excluded first, with -A so the
 * exclusion lands at the head of the exit list whatever rules exist: the
 * kernel exempts auditd but not its plugins, and a plugin whose reads of the
 * audit stream are themselves audited feeds on its own output.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "../common/syscall-names.h"

#define SS_RULES_MAX 64

struct ss_rules {
	const char *exe[SS_RULES_MAX];
	size_t nexe;
	uint32_t uid[SS_RULES_MAX], auid[SS_RULES_MAX];
	size_t nuid, nauid;
	const char *exclude[SS_RULES_MAX];
	size_t nexclude;
	int no_exclude, b64, b32, delete;
	const char *key;
};

static void ss_rules_usage(FILE *f)
{
	fputs("Usage: selfseq-audit rules [OPTION]...\n"
	      "Print auditctl rules recording every system call of the chosen executables\n"
	      "(--exe) and users (--uid, --auid), excluding selfseq-audit itself.\n"
	      "Load them with: selfseq-audit rules ... > FILE && auditctl -R FILE\n"
	      "(auditctl -R wants a regular file: not a pipe or /dev/stdin)\n"
	      "\n"
	      "  -e, --exe=PATH        record the processes running PATH (absolute)\n"
	      "  -u, --uid=USER        record the processes of this user (name or number)\n"
	      "  -U, --auid=USER       record the processes of this login user\n"
	      "  -k, --key=KEY         rule key (default selfseq)\n"
	      "      --arch=ABI        b64, b32 or both (default: both on 64-bit machines)\n"
	      "  -x, --exclude=PATH    never record PATH (default: this program's own path)\n"
	      "      --no-exclude      no exclusion rule\n"
	      "  -d, --delete          print the rules that delete these rules\n"
	      "  -h, --help            this help\n", f);
}

static int ss_parse_user(const char *s, uint32_t *uid)
{
	struct passwd *pw;
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s && !*end && !errno && v < UINT32_MAX) {
		*uid = (uint32_t)v;
		return 0;
	}
	pw = getpwnam(s);
	if (!pw)
		return -1;
	*uid = (uint32_t)pw->pw_uid;
	return 0;
}

/* auditctl splits rule lines at blanks: such a path cannot be written in a rule. */
static int ss_rule_path_ok(const char *p)
{
	if (p[0] != '/')
		return 0;
	for (; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return 0;
	return 1;
}

static void ss_rule(const struct ss_rules *r, const char *action, const char *field,
		    const char *value, int with_key)
{
	static const char *const abis[2] = { "b64", "b32" };
	int i;

	for (i = 0; i < 2; i++) {
		if ((i == 0 && !r->b64) || (i == 1 && !r->b32))
			continue;
		printf("%s -F arch=%s -S all -F %s=%s", action, abis[i], field, value);
		if (with_key)
			printf(" -k %s", r->key);
		putchar('\n');
	}
}

int ss_rules_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "exe", required_argument, NULL, 'e' },
		{ "uid", required_argument, NULL, 'u' },
		{ "auid", required_argument, NULL, 'U' },
		{ "key", required_argument, NULL, 'k' },
		{ "arch", required_argument, NULL, 'A' },
		{ "exclude", required_argument, NULL, 'x' },
		{ "no-exclude", no_argument, NULL, 'N' },
		{ "delete", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ss_rules r = { .key = "selfseq", .b64 = -1, .b32 = -1 };
	char self[PATH_MAX];
	char buf[32];
	size_t i;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "e:u:U:k:x:dh", longopts, NULL)) != -1) {
		switch (c) {
		case 'e':
			if (r.nexe == SS_RULES_MAX || !ss_rule_path_ok(optarg)) {
				fprintf(stderr, "selfseq-audit rules: --exe %s: %s\n", optarg,
					r.nexe == SS_RULES_MAX ? "too many" :
					"need an absolute path without blanks");
				return SS_EXIT_USAGE;
			}
			r.exe[r.nexe++] = optarg;
			break;
		case 'u':
		case 'U': {
			uint32_t *v = c == 'u' ? r.uid : r.auid;
			size_t *n = c == 'u' ? &r.nuid : &r.nauid;

			if (*n == SS_RULES_MAX || ss_parse_user(optarg, &v[*n])) {
				fprintf(stderr, "selfseq-audit rules: unknown user %s\n", optarg);
				return SS_EXIT_USAGE;
			}
			(*n)++;
			break;
		}
		case 'k':
			if (!*optarg || strlen(optarg) > 31 || strpbrk(optarg, " \t\"")) {
				fprintf(stderr, "selfseq-audit rules: bad key %s\n", optarg);
				return SS_EXIT_USAGE;
			}
			r.key = optarg;
			break;
		case 'A':
			r.b64 = !strcmp(optarg, "b64") || !strcmp(optarg, "both");
			r.b32 = !strcmp(optarg, "b32") || !strcmp(optarg, "both");
			if (!r.b64 && !r.b32) {
				fprintf(stderr, "selfseq-audit rules: --arch b64, b32 or both\n");
				return SS_EXIT_USAGE;
			}
			break;
		case 'x':
			if (r.nexclude == SS_RULES_MAX || !ss_rule_path_ok(optarg)) {
				fprintf(stderr, "selfseq-audit rules: bad --exclude %s\n", optarg);
				return SS_EXIT_USAGE;
			}
			r.exclude[r.nexclude++] = optarg;
			break;
		case 'N':
			r.no_exclude = 1;
			break;
		case 'd':
			r.delete = 1;
			break;
		case 'h':
			ss_rules_usage(stdout);
			return SS_EXIT_OK;
		default:
			ss_rules_usage(stderr);
			return SS_EXIT_USAGE;
		}
	}
	if (optind < argc || !(r.nexe + r.nuid + r.nauid)) {
		fprintf(stderr, "selfseq-audit rules: choose what to record with --exe, --uid or --auid\n");
		return SS_EXIT_USAGE;
	}
	if (r.b64 < 0) {
		/* A 64-bit kernel also runs 32-bit programs; a 32-bit one has no b64. */
		const char *native = ss_arch_name(ss_arch_native());
		int is64 = native && (strstr(native, "64") || !strcmp(native, "s390x"));

		r.b64 = is64;
		r.b32 = 1;
	}
	if (!r.no_exclude && !r.nexclude) {
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (n <= 0) {
			fprintf(stderr, "selfseq-audit rules: cannot find my own path; use --exclude\n");
			return SS_EXIT_USAGE;
		}
		self[n] = '\0';
		if (!ss_rule_path_ok(self)) {
			fprintf(stderr, "selfseq-audit rules: my path %s cannot be written in a rule; "
				"use --exclude\n", self);
			return SS_EXIT_USAGE;
		}
		r.exclude[r.nexclude++] = self;
	}

	printf("## selfseq-audit: record every system call of the chosen programs and users\n");
	printf("## (%s with: auditctl -R FILE, or copy to /etc/audit/rules.d/ and run augenrules --load)\n",
	       r.delete ? "delete them" : "load");
	if (r.nexclude)
		printf("## first: never record the plugin itself, or it audits its own reading\n");
	for (i = 0; i < r.nexclude; i++)
		ss_rule(&r, r.delete ? "-d never,exit" : "-A never,exit", "exe", r.exclude[i], 0);
	for (i = 0; i < r.nexe; i++)
		ss_rule(&r, r.delete ? "-d always,exit" : "-a always,exit", "exe", r.exe[i], 1);
	for (i = 0; i < r.nuid; i++) {
		snprintf(buf, sizeof(buf), "%u", r.uid[i]);
		ss_rule(&r, r.delete ? "-d always,exit" : "-a always,exit", "uid", buf, 1);
	}
	for (i = 0; i < r.nauid; i++) {
		snprintf(buf, sizeof(buf), "%u", r.auid[i]);
		ss_rule(&r, r.delete ? "-d always,exit" : "-a always,exit", "auid", buf, 1);
	}
	return fflush(stdout) ? SS_EXIT_INPUT : SS_EXIT_OK;
}
