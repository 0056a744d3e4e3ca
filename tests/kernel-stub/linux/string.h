/* Stand-in for the kernel's <linux/string.h>: the kernel exports these three. */
#ifndef STUB_LINUX_STRING_H
#define STUB_LINUX_STRING_H
#include <linux/types.h>
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
void *memmove(void *d, const void *s, size_t n);
#endif
