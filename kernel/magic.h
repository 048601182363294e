/*
 * kernel/magic.h - magic numbers in deferred-work objects (as LK's).
 *
 * A tasklet, a kernel timer and a work item each carry a magic field,
 * set by their initialiser (tasklet_init/TASKLET_INIT, timer_setup,
 * INIT_WORK/WORK_INITIALIZER) and checked where they are used: when they
 * are scheduled, armed, queued, flushed or cancelled, and just before the
 * softirq or worker runs them. A wrong magic means an object that was
 * never initialised (usually 0, or stack garbage) or that was freed
 * (kfree fills it with 0x6b bytes): the use is refused - the function is
 * not called - and one line says so, with a backtrace:
 *
 *   BUG: tasklet_schedule: tasklet at 0012f0a0 (func my_fn) used before
 *        tasklet_init (magic 0x00000000): refused
 *   BUG: queue_work: work at 00c01230 (func ?) used after it was freed
 *        (magic 0x6b6b6b6b): refused
 *
 * (each a single line). The kernel goes on. The magic is a hint, not a
 * proof: memory that happens to hold the right value passes.
 *
 * Context: any (bad_magic prints; it does not sleep).
 */
#ifndef KERNEL_MAGIC_H
#define KERNEL_MAGIC_H

#include <stdbool.h>
#include <stdint.h>

/* Four letters each, readable in a memory dump (little endian). */
#define TASKLET_MAGIC	  0x6b736174u /* "task" */
#define TIMER_MAGIC	  0x726d6974u /* "timr" */
#define WORK_MAGIC	  0x6b726f77u /* "work" */
#define WORK_NOFUNC_MAGIC 0x6e6b726fu /* INIT_WORK with a NULL function */
#define FREED_MAGIC	  0x6b6b6b6bu /* what kfree's poison leaves */

/*
 * Report a refused use: api is the caller ("tasklet_schedule"), what the
 * type ("tasklet"), init the initialiser to name, fn the object's
 * function pointer (looked up as a symbol, never called or read
 * through). Always returns false, for "return bad_magic(...)".
 */
bool bad_magic(const char *api, const char *what, const char *init,
	       const void *obj, uint32_t magic, const void *fn);

extern unsigned long bad_magic_count; /* refused uses (tests) */

#endif
