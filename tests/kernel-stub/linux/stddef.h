/* Stand-in for the kernel's <linux/stddef.h>. */
#ifndef STUB_LINUX_STDDEF_H
#define STUB_LINUX_STDDEF_H
#define NULL ((void *)0)
#define offsetof(t, m) __builtin_offsetof(t, m)
#endif
