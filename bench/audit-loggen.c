/* SPDX-License-Identifier: MIT */
/*
 * Writes a large synthetic audit log for the selfseq-audit throughput
 * benchmark: N SYSCALL records (each followed by its PROCTITLE, every
 * openat also by a CWD and a PATH record, as auditd writes them), RAW or
 * ENRICHED, from a few hundred processes of a dozen executables running
 * interleaved, each program replaying one of a few call sequences (its
 * start-up, a loop body with small variations, its exit), with execs and
 * exit_groups, so the tool does all of its per-process work.
 *
 * usage: audit-loggen [-n RECORDS] [-r] [-s SEED] > audit.log
 *   -n  SYSCALL records (default 1000000)   -r  RAW (default ENRICHED)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* x86_64 numbers of a typical program's calls. */
static const int startup[] = { 59, 12, 9, 21, 257, 262, 9, 3, 257, 0, 17, 262, 17, 9, 9, 9,
			       9, 9, 3, 9, 158, 218, 273, 334, 10, 10, 10, 302, 11 };
static const int loops[4][8] = {
	{ 257, 262, 0, 0, 3, 1, 1, 7 },
	{ 7, 45, 44, 232, 0, 1, 3, 7 },
	{ 4, 257, 217, 217, 3, 1, 16, 72 },
	{ 228, 230, 257, 0, 3, 13, 14, 1 },
};
static const char *const names[] = {
	"read", "write", "open", "close", "stat", "fstat", "lstat", "poll", "lseek", "mmap",
};

struct proc {
	uint32_t pid, ppid, exe;
	uint32_t phase;		/* 0: start-up, 1: loops, 2: exiting */
	uint32_t pos, iters;
};

static uint64_t rng = 88172645463325252ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

int main(int argc, char **argv)
{
	uint64_t n = 1000000, serial = 1000, i;
	uint64_t t_ms = 1795000000000ull;
	int raw = 0, c;
	struct proc ps[256];
	uint32_t next_pid = 20000;
	static char buf[1 << 20];

	while ((c = getopt(argc, argv, "n:rs:")) != -1) {
		switch (c) {
		case 'n':
			n = strtoull(optarg, NULL, 10);
			break;
		case 'r':
			raw = 1;
			break;
		case 's':
			rng = strtoull(optarg, NULL, 10) | 1;
			break;
		default:
			fprintf(stderr, "usage: audit-loggen [-n RECORDS] [-r] [-s SEED]\n");
			return 2;
		}
	}
	setvbuf(stdout, buf, _IOFBF, sizeof(buf));
	for (i = 0; i < 256; i++) {
		ps[i] = (struct proc){ .pid = next_pid++, .ppid = 1000 + rnd(10), .exe = rnd(12) };
	}
	for (i = 0; i < n; i++) {
		struct proc *p = &ps[rnd(256)];
		int nr, ok = 1;
		uint32_t uid = p->exe % 3 ? 1000 : 0;
		char stamp[64];

		if (p->phase == 0) {
			nr = startup[p->pos++];
			if (p->pos == sizeof(startup) / sizeof(startup[0])) {
				p->phase = 1;
				p->pos = 0;
				p->iters = 20 + rnd(200);
			}
		} else if (p->phase == 1) {
			nr = loops[p->exe % 4][p->pos++];
			if (!rnd(50))	/* small variations, as real programs have */
				nr = loops[(p->exe + 1) % 4][rnd(8)];
			if (p->pos == 8) {
				p->pos = 0;
				if (!--p->iters)
					p->phase = 2;
			}
		} else {
			nr = 231;	/* exit_group: the pid is reused by a new process */
			ok = -1;
		}
		if (!rnd(7))
			t_ms++;
		snprintf(stamp, sizeof(stamp), "%" PRIu64 ".%03u:%" PRIu64, t_ms / 1000,
			 (unsigned)(t_ms % 1000), serial++);
		printf("type=SYSCALL msg=audit(%s): arch=c000003e syscall=%d ", stamp, nr);
		if (ok >= 0)
			printf("success=yes exit=%d ", nr == 257 ? 3 : 0);
		printf("a0=3 a1=7ffc1b2c3d40 a2=80000 a3=0 items=%d ppid=%u pid=%u auid=%u "
		       "uid=%u gid=%u euid=%u suid=%u fsuid=%u egid=%u sgid=%u fsgid=%u "
		       "tty=pts0 ses=3 comm=\"prog%u\" exe=\"/usr/bin/prog%u\" key=\"selfseq\"",
		       nr == 257 ? 1 : 0, p->ppid, p->pid, 1000, uid, uid, uid, uid, uid, uid,
		       uid, uid, p->exe, p->exe);
		if (!raw)
			printf("\x1d" "ARCH=x86_64 SYSCALL=%s AUID=\"alice\" UID=\"%s\" GID=\"%s\" "
			       "EUID=\"%s\" SUID=\"%s\" FSUID=\"%s\" EGID=\"%s\" SGID=\"%s\" FSGID=\"%s\"",
			       names[nr % 10], uid ? "alice" : "root", uid ? "alice" : "root",
			       uid ? "alice" : "root", uid ? "alice" : "root", uid ? "alice" : "root",
			       uid ? "alice" : "root", uid ? "alice" : "root", uid ? "alice" : "root");
		putchar('\n');
		if (nr == 257) {
			printf("type=CWD msg=audit(%s): cwd=\"/home/alice\"\n", stamp);
			printf("type=PATH msg=audit(%s): item=0 name=\"/etc/ld.so.cache\" inode=1835 "
			       "dev=fe:01 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL "
			       "cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0%s\n", stamp,
			       raw ? "" : "\x1dOUID=\"root\" OGID=\"root\"");
		}
		printf("type=PROCTITLE msg=audit(%s): proctitle=2F7573722F62696E2F70726F67\n", stamp);
		if (ok < 0)
			*p = (struct proc){ .pid = next_pid++, .ppid = 1000 + rnd(10), .exe = rnd(12) };
	}
	return fflush(stdout) ? 1 : 0;
}
