/* SPDX-License-Identifier: MIT */
/*
 * The statistics state shared by cf-agent's runs of the module and
 * cf-monitord's runs of the measurement: one file, read and written under
 * an exclusive lock so two runs never lose each other's counts. A corrupt
 * file is kept aside for inspection and replaced by a fresh state, so the
 * anomaly classes keep working (see the man page).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "cfengine.h"

#define LOCK_WAIT_MS 30000

void canonify(char *dst, size_t room, const char *src)
{
	size_t n = 0;

	for (; *src && n + 1 < room; src++, n++) {
		char c = *src;

		dst[n] = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '_') ? c : '_';
	}
	dst[n] = 0;
}

static int lock_state(struct state *st)
{
	char lock[4200];
	int waited = 0;

	snprintf(lock, sizeof(lock), "%s.lock", st->path);
	st->lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (st->lockfd < 0) {
		fprintf(stderr, "selfseq-cfengine: %s: %s\n", lock, strerror(errno));
		return EXIT_STATE;
	}
	while (flock(st->lockfd, LOCK_EX | LOCK_NB)) {
		struct timespec ts = { 0, 50 * 1000000L };

		if (errno != EWOULDBLOCK && errno != EINTR) {
			fprintf(stderr, "selfseq-cfengine: %s: %s\n", lock, strerror(errno));
			return EXIT_STATE;
		}
		if (waited >= LOCK_WAIT_MS) {
			fprintf(stderr, "selfseq-cfengine: %s: still locked after %d s by another run\n",
				lock, LOCK_WAIT_MS / 1000);
			return EXIT_STATE;
		}
		nanosleep(&ts, NULL);
		waited += 50;
	}
	return 0;
}

int state_open(struct state *st, const char *path, const struct selfseq_stats_opts *opts,
	       int create)
{
	char msg[256] = "";
	int err, rc;

	memset(st, 0, sizeof(*st));
	st->path = path;
	st->lockfd = -1;
	rc = lock_state(st);
	if (rc)
		return rc;
	err = selfseq_stats_load(path, &st->stats, msg, sizeof(msg));
	if (!err)
		return 0;
	if (err == -ENOENT && create) {
		st->created = 1;
	} else if (create && (err == -EBADMSG || err == -ENOMSG || err == -EPROTO)) {
		char aside[4200];

		snprintf(aside, sizeof(aside), "%s.corrupt", path);
		snprintf(st->msg, sizeof(st->msg), "%s: %s; kept as %s, starting afresh", path, msg,
			 aside);
		if (rename(path, aside)) {
			fprintf(stderr, "selfseq-cfengine: %s: %s; cannot move it aside: %s\n", path, msg,
				strerror(errno));
			return EXIT_STATE;
		}
		fprintf(stderr, "selfseq-cfengine: %s\n", st->msg);
		st->recovered = 1;
	} else {
		fprintf(stderr, "selfseq-cfengine: %s: %s\n", path, msg[0] ? msg : strerror(-err));
		return EXIT_STATE;
	}
	err = selfseq_stats_new(opts, &st->stats);
	if (err) {
		fprintf(stderr, "selfseq-cfengine: bad statistics options: %s\n", strerror(-err));
		return EXIT_USAGE;
	}
	return 0;
}

int state_save(struct state *st)
{
	int err = selfseq_stats_save(st->stats, st->path);

	if (err) {
		fprintf(stderr, "selfseq-cfengine: saving %s: %s\n", st->path, strerror(-err));
		return EXIT_STATE;
	}
	return 0;
}

void state_close(struct state *st)
{
	selfseq_stats_free(st->stats);
	st->stats = NULL;
	if (st->lockfd >= 0)
		close(st->lockfd);	/* releases the lock */
	st->lockfd = -1;
}
