/*
 * kernel/proc/uaccess.h - reading and writing user memory, checked.
 *
 * Every pointer a system call receives is checked before the kernel
 * touches it: the whole range [addr, addr + len) must lie inside
 * [USER_BASE, USER_END) without wrapping around, and every page of it
 * must be mapped in the process's page directory with the U bit (and the
 * W bit, for the kernel to write there). Anything else is -EFAULT - the
 * kernel never faults on a user's behalf. A range that starts in user
 * space and runs into the kernel (or past 4 GiB) fails as a whole.
 *
 * Context: the calling process's own thread (its page directory is the
 * active one); any context for user_range_ok().
 */
#ifndef KERNEL_PROC_UACCESS_H
#define KERNEL_PROC_UACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Is [addr, addr + len) user memory of pd, readable (and writable)? */
bool user_range_ok(const uint32_t *pd, uint32_t addr, uint32_t len, bool write);
/* 0 or -EFAULT; nothing is copied unless the whole range is good. */
int copy_from_user(void *dst, uint32_t usrc, uint32_t len);
int copy_to_user(uint32_t udst, const void *src, uint32_t len);

#endif
