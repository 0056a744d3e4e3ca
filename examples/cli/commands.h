/* SPDX-License-Identifier: MIT */
/*
 * The selfseq subcommands. Each takes the arguments after the command name
 * (argv[0] is the command) and returns a CLI_EXIT_* code.
 */
#ifndef SELFSEQ_CLI_COMMANDS_H
#define SELFSEQ_CLI_COMMANDS_H

int cmd_train(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_evaluate(int argc, char **argv);
int cmd_growth(int argc, char **argv);
int cmd_dump(int argc, char **argv);

#endif /* SELFSEQ_CLI_COMMANDS_H */
