/*
 * kernel/sched/thread_mem.h - memory for threads: the struct thread and
 * its kernel stack, allocated and freed together.
 *
 * Context: task context (may take locks with IRQs off briefly).
 */
#ifndef KERNEL_SCHED_THREAD_MEM_H
#define KERNEL_SCHED_THREAD_MEM_H

struct thread;

/* A zeroed thread with stack_base/stack_top set, or NULL. */
struct thread *thread_mem_alloc(void);
void thread_mem_free(struct thread *t);
unsigned int thread_mem_in_use(void); /* threads allocated now */

#endif
