/* Stand-in for the kernel's <linux/errno.h> (asm-generic numbers). */
#ifndef STUB_LINUX_ERRNO_H
#define STUB_LINUX_ERRNO_H
#define EPERM 1
#define ENOENT 2
#define EIO 5
#define E2BIG 7
#define ENOMEM 12
#define EACCES 13
#define EBUSY 16
#define EEXIST 17
#define ENOTDIR 20
#define EISDIR 21
#define EFBIG 27
#define EINVAL 22
#define ENOSPC 28
#define ERANGE 34
#define ENAMETOOLONG 36
#define ELOOP 40
#define ENOMSG 42
#define EPROTO 71
#define EBADMSG 74
#define EOVERFLOW 75
#endif
