/* Stand-in for the kernel's <linux/bitops.h>: hweight32 as the kernel's generic version. */
#ifndef STUB_LINUX_BITOPS_H
#define STUB_LINUX_BITOPS_H
#include <linux/types.h>
static inline unsigned int hweight32(unsigned int w)
{
	w = w - ((w >> 1) & 0x55555555u);
	w = (w & 0x33333333u) + ((w >> 2) & 0x33333333u);
	w = (w + (w >> 4)) & 0x0f0f0f0fu;
	return (w * 0x01010101u) >> 24;
}
#endif
