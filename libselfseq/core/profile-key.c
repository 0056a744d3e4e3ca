/* SPDX-License-Identifier: MIT */
/*
 * The key a profile belongs to (the executable path, as pH keyed its
 * profiles): kept in the profile so a saved file says whose it is.
 */
#include "internal.h"

void ss_profile_key_release(struct selfseq_profile *p)
{
	if (p->key)
		ss_free(&p->alloc, p->key, (size_t)p->key_len + 1);
	p->key = NULL;
	p->key_len = 0;
}

int ss_profile_set_key_bytes(struct selfseq_profile *p, const char *key, uint32_t len)
{
	char *copy;
	uint32_t i;

	if (!len)
		return -EINVAL;
	if (len > SS_KEY_MAX)
		return -ENAMETOOLONG;
	/* A NUL inside would make the C string lie about the key. */
	for (i = 0; i < len; i++)
		if (!key[i])
			return -EINVAL;
	/* Allocate before releasing, so a failure keeps the old key. */
	copy = ss_alloc(&p->alloc, (size_t)len + 1);
	if (!copy)
		return -ENOMEM;
	ss_memcpy(copy, key, len);
	copy[len] = '\0';
	ss_profile_key_release(p);
	p->key = copy;
	p->key_len = len;
	return 0;
}

SELFSEQ_EXPORT int selfseq_profile_set_key(struct selfseq_profile *p, const char *key)
{
	uint32_t len = 0;

	if (!p)
		return -EINVAL;
	if (!key) {
		ss_profile_key_release(p);
		return 0;
	}
	/* Bounded: never read past one byte beyond the longest key. */
	while (len <= SS_KEY_MAX && key[len])
		len++;
	return ss_profile_set_key_bytes(p, key, len);
}

SELFSEQ_EXPORT const char *selfseq_profile_get_key(const struct selfseq_profile *p)
{
	return p ? p->key : NULL;
}
