/* SPDX-License-Identifier: MIT */
/*
 * Small shared pieces of the core: version, error strings, the extensible
 * struct rule and the allocator wrappers.
 */
#include "internal.h"

SELFSEQ_EXPORT uint32_t selfseq_version(void)
{
	return SELFSEQ_VERSION_NUMBER;
}

struct ss_errname {
	int err;
	const char *text;
};

/* Only the codes the library returns, worded for what they mean here. */
static const struct ss_errname ss_errors[] = {
	{ EINVAL, "invalid argument" },
	{ ENOMEM, "out of memory" },
	{ ERANGE, "call number outside the alphabet" },
	{ ENOSPC, "no room left (capacity or buffer too small)" },
	{ ENOENT, "no such entry" },
	{ EBADMSG, "corrupt data (bad format or checksum)" },
	{ EOVERFLOW, "value too large for the format" },
	{ EPROTO, "unsupported format version" },
	{ E2BIG, "unknown non-zero fields in a newer struct" },
	{ EEXIST, "already exists" },
	{ EIO, "input/output error" },
	{ EACCES, "permission denied" },
	{ EPERM, "operation not permitted" },
	{ ELOOP, "symbolic link refused" },
	{ ENAMETOOLONG, "name too long" },
	{ ENOTDIR, "not a directory" },
	{ EISDIR, "is a directory" },
	{ EBUSY, "in use" },
	{ ENOMSG, "not a selfseq profile (wrong magic)" },
	{ EFBIG, "file too large" },
};

SELFSEQ_EXPORT const char *selfseq_strerror(int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	if (err == 0)
		return "success";
	for (i = 0; i < sizeof(ss_errors) / sizeof(ss_errors[0]); i++)
		if (ss_errors[i].err == err)
			return ss_errors[i].text;
	return "unknown error";
}

int ss_opts_check(const void *opts, size_t known_sz)
{
	const uint8_t *p = opts;
	size_t sz, i;

	if (!opts)
		return 0;
	sz = *(const size_t *)opts;
	if (sz < sizeof(size_t))
		return -EINVAL;
	for (i = known_sz; i < sz; i++)
		if (p[i])
			return -E2BIG;
	return 0;
}

int ss_out_copy_any(void *out, const void *full, size_t full_sz)
{
	size_t sz;

	if (!out)
		return -EINVAL;
	sz = *(const size_t *)out;
	if (sz < sizeof(size_t))
		return -EINVAL;
	if (sz > full_sz) {
		ss_memset((uint8_t *)out + full_sz, 0, sz - full_sz);
		sz = full_sz;
	}
	ss_memcpy((uint8_t *)out + sizeof(size_t), (const uint8_t *)full + sizeof(size_t),
		  sz - sizeof(size_t));
	return 0;
}

void *ss_alloc(const struct selfseq_allocator *a, size_t size)
{
	void *p = a->alloc ? a->alloc(a->ctx, size) : NULL;

	if (p)
		ss_memset(p, 0, size);
	return p;
}

void ss_free(const struct selfseq_allocator *a, void *ptr, size_t size)
{
	if (ptr && a->free)
		a->free(a->ctx, ptr, size);
}
