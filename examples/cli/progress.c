/* SPDX-License-Identifier: MIT */
/*
 * The progress line: one line rewritten with \r, throttled by the clock
 * so that it costs nothing measurable on fast inputs.
 */
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "progress.h"

#define PROGRESS_EVERY_NS 250000000ull

static struct {
	int on;
	int shown;
	uint64_t start, last;
	uint64_t files, calls, bytes;
	const char *phase;
} pg;

void progress_start(int enabled)
{
	pg.on = enabled && isatty(STDERR_FILENO);
	pg.start = pg.last = cli_now_ns();
	pg.files = pg.calls = pg.bytes = 0;
}

static void progress_show(int force)
{
	uint64_t now, ns;
	double secs;

	if (!pg.on)
		return;
	now = cli_now_ns();
	if (!force && now - pg.last < PROGRESS_EVERY_NS)
		return;
	pg.last = now;
	ns = now - pg.start;
	secs = ns ? (double)ns / 1e9 : 1e-9;
	fprintf(stderr, "\r\033[K%s%s%llu files, %.1f MB, %llu calls, %.1f M calls/s",
		pg.phase ? pg.phase : "", pg.phase ? ": " : "", (unsigned long long)pg.files,
		(double)pg.bytes / 1e6, (unsigned long long)pg.calls, (double)pg.calls / secs / 1e6);
	pg.shown = 1;
}

void progress_bytes(uint64_t n)
{
	pg.bytes += n;
	progress_show(0);
}

void progress_calls(uint64_t n)
{
	pg.calls += n;
}

void progress_file(void)
{
	pg.files++;
	progress_show(0);
}

void progress_phase(const char *phase)
{
	pg.phase = phase;
	progress_show(1);
}

void progress_clear(void)
{
	if (pg.on && pg.shown) {
		fputs("\r\033[K", stderr);
		pg.shown = 0;
	}
}

void progress_stop(void)
{
	progress_clear();
	pg.on = 0;
	pg.phase = NULL;
}
