/* SPDX-License-Identifier: MIT */
/*
 * tracefs lookup and format files (see tracefs.h). The event ids and
 * layouts differ between kernels and boots, so nothing here is hard-coded.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tracefs.h"

#define TRACEFS_DEFAULT "/sys/kernel/tracing"
#define TRACEFS_OLD "/sys/kernel/debug/tracing"

int tracefs_slurp(const char *path, char **text, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf, *nb;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(cap + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t r;

		if (n == cap) {
			if (cap >= (1u << 20)) {
				err = -EFBIG;
				break;
			}
			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				err = -ENOMEM;
				break;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	buf[n] = '\0';
	*text = buf;
	if (len)
		*len = n;
	return 0;
}

/* 1 if @dir/events is a directory, 0 if not, -EACCES if we may not look. */
static int tracefs_has_events(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;

	if ((size_t)snprintf(path, sizeof(path), "%s/events", dir) >= sizeof(path))
		return 0;
	if (stat(path, &st) == 0)
		return S_ISDIR(st.st_mode);
	return errno == EACCES || errno == EPERM ? -EACCES : 0;
}

/* The mount point of a tracefs listed in /proc/mounts: 1, 0 if none, -EACCES if not ours to read. */
static int tracefs_from_mounts(char *dir, size_t dirlen)
{
	char *text = NULL, *line, *save = NULL;
	int found = 0;

	if (tracefs_slurp("/proc/mounts", &text, NULL))
		return 0;
	for (line = strtok_r(text, "\n", &save); line && found <= 0;
	     line = strtok_r(NULL, "\n", &save)) {
		char dev[256], mnt[512], type[64];
		int has;

		if (sscanf(line, "%255s %511s %63s", dev, mnt, type) != 3 ||
		    strcmp(type, "tracefs") != 0 || strlen(mnt) >= dirlen)
			continue;
		has = tracefs_has_events(mnt);
		if (has)
			snprintf(dir, dirlen, "%s", mnt);
		if (has > 0 || !found)
			found = has;
	}
	free(text);
	return found;
}

int tracefs_find(char *dir, size_t dirlen, char *err, size_t errlen)
{
	const char *const places[] = { TRACEFS_DEFAULT, TRACEFS_OLD };
	int found = tracefs_from_mounts(dir, dirlen), i;

	for (i = 0; found <= 0 && i < 2; i++) {
		int has = tracefs_has_events(places[i]);

		if (has)
			snprintf(dir, dirlen, "%s", places[i]);
		if (has > 0 || !found)
			found = has;
	}
	if (found > 0)
		return 0;
	if (found < 0) {
		snprintf(err, errlen, "%s/events: %s", dir, strerror(-found));
		return found;
	}
	if (mount("nodev", TRACEFS_DEFAULT, "tracefs", 0, NULL) == 0 &&
	    tracefs_has_events(TRACEFS_DEFAULT)) {
		snprintf(dir, dirlen, "%s", TRACEFS_DEFAULT);
		return 0;
	}
	snprintf(err, errlen,
		 "tracefs is not mounted and mounting it at %s failed (%s); as root run "
		 "'mount -t tracefs nodev %s'", TRACEFS_DEFAULT, strerror(errno), TRACEFS_DEFAULT);
	return -ENOENT;
}

int tracefs_read_format(const char *dir, const char *sys, const char *event,
			struct tp_format *fmt, char **text, size_t *textlen, char *err,
			size_t errlen)
{
	char path[PATH_MAX], perr[160];
	char *buf = NULL;
	size_t len = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/events/%s/%s/format", dir, sys, event);
	rc = tracefs_slurp(path, &buf, &len);
	if (rc) {
		snprintf(err, errlen, "%s: %s%s", path, strerror(-rc),
			 rc == -EACCES || rc == -EPERM ? " (tracefs is readable by root only)" : "");
		return rc;
	}
	rc = tp_format_parse(buf, len, fmt, perr, sizeof(perr));
	if (rc) {
		snprintf(err, errlen, "%s: %s", path, perr);
		free(buf);
		return rc;
	}
	if (text) {
		*text = buf;
		if (textlen)
			*textlen = len;
	} else {
		free(buf);
	}
	return 0;
}
