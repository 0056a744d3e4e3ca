/* SPDX-License-Identifier: MIT */
/*
 * /proc look-ups and executable resolution for selfseq-trace (see proc.h).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uthash.h>

#include "proc.h"

struct interned {
	UT_hash_handle hh;
	char s[];
};

static struct interned *interned;

const char *proc_intern(const char *s)
{
	struct interned *e;
	size_t n = strlen(s);

	HASH_FIND(hh, interned, s, n, e);
	if (e)
		return e->s;
	e = malloc(sizeof(*e) + n + 1);
	if (!e)
		return NULL;
	memcpy(e->s, s, n + 1);
	HASH_ADD_KEYPTR(hh, interned, e->s, n, e);
	return e->s;
}

void proc_intern_free(void)
{
	struct interned *e, *tmp;

	HASH_ITER(hh, interned, e, tmp) {
		HASH_DEL(interned, e);
		free(e);
	}
}

uint32_t proc_elf_arch(const char *path)
{
	unsigned char h[20];
	uint16_t machine;
	uint32_t arch;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, h, sizeof(h));
	close(fd);
	if (n != (ssize_t)sizeof(h) || memcmp(h, ELFMAG, SELFMAG) != 0)
		return 0;
	if (h[EI_DATA] == ELFDATA2LSB)
		machine = (uint16_t)(h[18] | h[19] << 8);
	else if (h[EI_DATA] == ELFDATA2MSB)
		machine = (uint16_t)(h[18] << 8 | h[19]);
	else
		return 0;
	/* <linux/audit.h>: AUDIT_ARCH_X = EM_X | __AUDIT_ARCH_64BIT? | __AUDIT_ARCH_LE? */
	arch = machine;
	if (h[EI_CLASS] == ELFCLASS64)
		arch |= 0x80000000u;
	else if (h[EI_CLASS] != ELFCLASS32)
		return 0;
	if (h[EI_DATA] == ELFDATA2LSB)
		arch |= 0x40000000u;
	return arch;
}

uint32_t proc_probe_arch(void *ctx, const char *path)
{
	(void)ctx;
	return proc_elf_arch(path);
}

int proc_status(uint32_t pid, uint32_t *ppid, uint32_t *uid)
{
	char path[64], line[256];
	int got = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned v;

		if (sscanf(line, "PPid: %u", &v) == 1) {
			*ppid = v;
			got |= 1;
		} else if (sscanf(line, "Uid: %u", &v) == 1) {
			*uid = v;
			got |= 2;
		}
	}
	fclose(f);
	return got == 3 ? 0 : -EBADMSG;
}

void proc_strip_deleted(char *path)
{
	const char *del = " (deleted)";
	size_t n = strlen(path), dl = strlen(del);

	if (n > dl && strcmp(path + n - dl, del) == 0)
		path[n - dl] = '\0';
}

/* readlink /proc/@tid/exe, without the " (deleted)" the kernel appends for a removed file. */
static int proc_exe_link(uint32_t tid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%u/exe", tid);
	n = readlink(path, buf, len - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n >= len - 1)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	proc_strip_deleted(buf);
	return buf[0] == '/' ? 0 : -ENOENT;
}

int proc_probe(void *ctx, uint32_t pid, uint32_t tid, struct task_facts *f)
{
	char link[PATH_MAX];
	int rc;

	(void)ctx;
	rc = proc_exe_link(tid, link, sizeof(link));
	if (rc)
		return rc;
	f->exe = proc_intern(link);
	if (!f->exe)
		return -ENOMEM;
	f->arch = proc_elf_arch(link);
	if (proc_status(pid, &f->ppid, &f->uid)) {
		f->ppid = 0;
		f->uid = UINT32_MAX;
	}
	return 0;
}

static int is_script(const char *path)
{
	char h[2];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, h, 2);
	close(fd);
	return n == 2 && h[0] == '#' && h[1] == '!';
}

void proc_resolve_exec(uint32_t pid, const char *filename, struct task_facts *f)
{
	char link[PATH_MAX], fpath[PATH_MAX + 64], real[PATH_MAX], exe_path[64];
	struct stat a, b;
	const char *chosen = NULL;
	int have_link;

	f->exe = NULL;
	f->arch = 0;
	f->ppid = 0;
	f->uid = UINT32_MAX;
	have_link = proc_exe_link(pid, link, sizeof(link)) == 0;
	if (filename[0] == '/')
		snprintf(fpath, sizeof(fpath), "%s", filename);
	else
		snprintf(fpath, sizeof(fpath), "/proc/%u/cwd/%s", pid, filename);
	snprintf(exe_path, sizeof(exe_path), "/proc/%u/exe", pid);
	if (have_link) {
		if (stat(fpath, &a) == 0 && stat(exe_path, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino)
			chosen = link;		/* the file execve named is what runs */
		else if (is_script(fpath))
			chosen = link;		/* its interpreter runs */
		else if (realpath(fpath, real))
			chosen = real;		/* it has exec'd again since: trust the event */
		else
			chosen = link;
	} else if (filename[0] == '/' && realpath(fpath, real)) {
		chosen = real;			/* it has already exited */
	}
	if (!chosen)
		return;
	f->exe = proc_intern(chosen);
	f->arch = proc_elf_arch(chosen);
	if (have_link && proc_status(pid, &f->ppid, &f->uid)) {
		f->ppid = 0;
		f->uid = UINT32_MAX;
	}
}

int proc_alive(uint32_t pid, uint32_t tid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%u/task/%u", pid, tid);
	return access(path, F_OK) == 0;
}
