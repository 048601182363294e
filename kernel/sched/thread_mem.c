/*
 * kernel/sched/thread_mem.c - see thread_mem.h.
 *
 * The struct thread comes from kmalloc; the stack from kstack_alloc, in
 * the stack area with an unmapped guard page below it, so running off
 * the bottom faults instead of overwriting someone else's memory.
 */
#include "kernel/sched/thread_mem.h"

#include <stddef.h>

#include "kernel/mm/kmalloc.h"
#include "kernel/mm/kstack.h"
#include "kernel/sched/thread.h"

static unsigned int in_use;

struct thread *thread_mem_alloc(void)
{
	struct thread *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	if (kstack_alloc(&t->kstack, THREAD_STACK_PAGES)) {
		kfree(t);
		return NULL;
	}
	t->stack_base = t->kstack.base;
	t->stack_top = t->kstack.top;
	__atomic_add_fetch(&in_use, 1, __ATOMIC_RELAXED);
	return t;
}

void thread_mem_free(struct thread *t)
{
	kstack_free(&t->kstack);
	kfree(t);
	__atomic_sub_fetch(&in_use, 1, __ATOMIC_RELAXED);
}

unsigned int thread_mem_in_use(void)
{
	return in_use;
}
