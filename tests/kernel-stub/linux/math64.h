/* Stand-in for the kernel's <linux/math64.h>: div64_u64 is an exported or inline helper. */
#ifndef STUB_LINUX_MATH64_H
#define STUB_LINUX_MATH64_H
#include <linux/types.h>
u64 div64_u64(u64 dividend, u64 divisor);
#endif
