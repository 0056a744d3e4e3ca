/* SPDX-License-Identifier: MIT */
/*
 * The order logs are read in. auditd rotates audit.log to audit.log.1,
 * .1 to .2 and so on: the oldest records are in the highest number. Files
 * named BASE and BASE.N given together (e.g. by the shell glob audit.log*,
 * which sorts .10 before .2) are read BASE.N, ..., BASE.1, BASE; other
 * files keep the order given. A directory stands for its audit.log* files.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit.h"

struct ss_log {
	char *path;
	size_t base_len;	/* path without ".N" */
	unsigned long n;	/* rotation number; 0: the live file */
	size_t group;		/* first position of its base among the arguments */
};

static void ss_log_split(struct ss_log *l)
{
	char *dot = strrchr(l->path, '.'), *slash = strrchr(l->path, '/'), *end;

	l->base_len = strlen(l->path);
	l->n = 0;
	if (!dot || (slash && dot < slash) || !dot[1])
		return;
	errno = 0;
	l->n = strtoul(dot + 1, &end, 10);
	if (*end || errno || dot[1] < '0' || dot[1] > '9' || l->n == 0) {
		l->n = 0;
		return;
	}
	l->base_len = (size_t)(dot - l->path);
}

static int ss_log_cmp(const void *x, const void *y)
{
	const struct ss_log *a = x, *b = y;

	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;	/* higher rotation number = older */
	return 0;
}

static int ss_log_add(struct ss_log **v, size_t *n, size_t *cap, const char *path)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		struct ss_log *nv = realloc(*v, c * sizeof(**v));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = c;
	}
	(*v)[*n].path = strdup(path);
	if (!(*v)[*n].path)
		return -ENOMEM;
	ss_log_split(&(*v)[(*n)++]);
	return 0;
}

/* audit.log and audit.log.N in @dir. */
static int ss_log_dir(struct ss_log **v, size_t *n, size_t *cap, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int err = 0;

	if (!d)
		return -errno;
	while (!err && (e = readdir(d))) {
		const char *s = e->d_name + 9;
		char *path;

		if (strncmp(e->d_name, "audit.log", 9))
			continue;
		if (*s) {
			if (*s++ != '.' || !*s)
				continue;
			while (*s >= '0' && *s <= '9')
				s++;
			if (*s)
				continue;
		}
		if (asprintf(&path, "%s/%s", dir, e->d_name) < 0) {
			err = -ENOMEM;
			break;
		}
		err = ss_log_add(v, n, cap, path);
		free(path);
	}
	closedir(d);
	return err;
}

int ss_order_logs(char **in, size_t nin, char ***out, size_t *nout)
{
	struct ss_log *v = NULL;
	size_t n = 0, cap = 0, i, j;
	char **paths;
	int err = 0;

	for (i = 0; i < nin && !err; i++) {
		struct stat st;
		size_t before = n;

		if (!stat(in[i], &st) && S_ISDIR(st.st_mode)) {
			err = ss_log_dir(&v, &n, &cap, in[i]);
			if (err)
				fprintf(stderr, "selfseq-audit: %s: %s\n", in[i], strerror(-err));
			else if (n == before)
				fprintf(stderr, "selfseq-audit: %s: no audit.log files\n", in[i]);
		} else {
			err = ss_log_add(&v, &n, &cap, in[i]);
		}
	}
	/* Group each file with the first file of the same base. */
	for (i = 0; i < n; i++) {
		v[i].group = i;
		for (j = 0; j < i; j++)
			if (v[j].base_len == v[i].base_len &&
			    !strncmp(v[j].path, v[i].path, v[i].base_len)) {
				v[i].group = v[j].group;
				break;
			}
	}
	paths = err ? NULL : calloc(n + 1, sizeof(*paths));
	if (!paths) {
		for (i = 0; i < n; i++)
			free(v[i].path);
		free(v);
		return err ? err : -ENOMEM;
	}
	/* qsort is not stable: ties only happen for the same path given twice. */
	qsort(v, n, sizeof(*v), ss_log_cmp);
	for (i = 0; i < n; i++)
		paths[i] = v[i].path;
	free(v);
	*out = paths;
	*nout = n;
	return 0;
}

void ss_free_logs(char **paths, size_t n)
{
	size_t i;

	for (i = 0; paths && i < n; i++)
		free(paths[i]);
	free(paths);
}
