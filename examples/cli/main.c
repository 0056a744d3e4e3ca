/* SPDX-License-Identifier: MIT */
/*
 * selfseq: the offline command-line tool. Dispatches to a subcommand;
 * each lives in cmd-<name>.c.
 */
#include <stdio.h>
#include <string.h>

#include <selfseq/selfseq.h>

#include "cli.h"
#include "commands.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *what;
} commands[] = {
	{ "train", cmd_train, "build or extend a profile from traces" },
	{ "score", cmd_score, "score traces against a profile (the paper's measures)" },
	{ "show", cmd_show, "print a profile" },
	{ "merge", cmd_merge, "union of profiles" },
	{ "diff", cmd_diff, "pairs in one profile and not the other" },
	{ "evaluate", cmd_evaluate, "ROC, AUC and detection rates on labelled traces, with a report" },
	{ "growth", cmd_growth, "database growth curve: distinct pairs against calls seen" },
	{ "dump", cmd_dump, "print traces as read (to check parsing, or convert to numbers)" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: selfseq COMMAND [OPTION]... [ARG]...\n"
		   "       selfseq --help | --version\n"
		   "\n"
		   "System-call sequence anomaly detection (lookahead pairs, Forrest et al. 1996;\n"
		   "pH, Somayaji 2000) on recorded traces.\n"
		   "\n"
		   "Commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].what);
	fprintf(f, "\n"
		   "Run 'selfseq COMMAND --help' for a command's options; see selfseq(1).\n"
		   "\n"
		   "Exit status: 0 success; 1 diff found differences; 2 bad command line;\n"
		   "3 a trace could not be read or parsed, or mixes architectures;\n"
		   "4 a profile could not be loaded or saved, or does not fit;\n"
		   "5 out of memory or an output could not be written.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		uint32_t v = selfseq_version();

		printf("selfseq %u.%u.%u\n", v >> 16, (v >> 8) & 0xff, v & 0xff);
		return CLI_EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	cli_error("unknown command '%s' (try 'selfseq --help')", argv[1]);
	return CLI_EXIT_USAGE;
}
