/* Stand-in for the kernel's <linux/types.h>: just enough to compile the core as the kernel would. */
#ifndef STUB_LINUX_TYPES_H
#define STUB_LINUX_TYPES_H
typedef unsigned char uint8_t;
typedef unsigned short uint16_t;
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;
typedef signed char int8_t;
typedef short int16_t;
typedef int int32_t;
typedef long long int64_t;
typedef __SIZE_TYPE__ size_t;
typedef unsigned long uintptr_t;
typedef _Bool bool;
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
/* The kernel's compiler_attributes.h (always included) makes these macros. */
#define noinline __attribute__((__noinline__))
#define __always_inline inline __attribute__((__always_inline__))
#endif
