/*
 * errno.h - error numbers shared by the whole kernel.
 *
 * Rules:
 *  - The numbers are Linux's, so a student can look them up in errno(3)
 *    and a later user-space libc can pass them through unchanged.
 *  - Functions that can fail return 0 (or a count) on success and a
 *    NEGATIVE error number on failure: `return -EINVAL;`. There is no
 *    global errno variable; the error travels in the return value.
 *  - errno_name() accepts either sign, so callers can print a return value
 *    directly: printk("open: %s\n", errno_name(ret)).
 *
 * Context: any; does not sleep.
 */
#ifndef LIB_ERRNO_H
#define LIB_ERRNO_H

#define EPERM	     1	 /* operation not permitted */
#define ENOENT	     2	 /* no such file or entry */
#define ESRCH	     3	 /* no such process */
#define EINTR	     4	 /* interrupted (e.g. by a signal) */
#define EIO	     5	 /* hardware or I/O error */
#define ENXIO	     6	 /* no such device or address (a CPU offline) */
#define E2BIG	     7	 /* argument list too long */
#define ENOEXEC	     8	 /* not an executable this kernel can run */
#define EBADF	     9	 /* bad file descriptor or handle */
#define EAGAIN	     11	 /* try again later (nothing ready yet) */
#define ENOMEM	     12	 /* out of memory */
#define EFAULT	     14	 /* bad address */
#define EBUSY	     16	 /* resource in use */
#define EEXIST	     17	 /* already exists */
#define ENODEV	     19	 /* no such device */
#define EINVAL	     22	 /* invalid argument */
#define ENOSPC	     28	 /* no space left */
#define ERANGE	     34	 /* result out of range */
#define EDEADLK	     35	 /* would deadlock */
#define ENOSYS	     38	 /* not implemented */
#define EMSGSIZE     90	 /* message too long (a datagram over the MTU) */
#define EADDRINUSE   98	 /* address (a port) already in use */
#define ETIMEDOUT    110 /* timed out */
#define EHOSTUNREACH 113 /* no route to the host */

/* "EINVAL" for 22 or -22; "E?" for numbers this table does not know. */
const char *errno_name(int err);

#endif /* LIB_ERRNO_H */
