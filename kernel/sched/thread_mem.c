/*
 * kernel/sched/thread_mem.c - see thread_mem.h.
 *
 * For now a fixed pool of thread slots, each with a 16 KiB stack.
 */
#include "kernel/sched/thread_mem.h"

#include <stddef.h>

#include "kernel/sched/spinlock.h"
#include "kernel/sched/thread.h"
#include "lib/string.h"

#define MAX_THREADS 64
#define STACK_SIZE  (THREAD_STACK_PAGES * 4096)

struct thread_slot {
	struct thread t;
	bool used;
};

static struct thread_slot slots[MAX_THREADS];
static uint8_t stacks[MAX_THREADS][STACK_SIZE] __attribute__((aligned(4096)));
static DEFINE_SPINLOCK(slot_lock);

struct thread *thread_mem_alloc(void)
{
	unsigned long flags = spin_lock_irqsave(&slot_lock);
	struct thread *t = NULL;

	for (int i = 0; i < MAX_THREADS && !t; i++) {
		if (slots[i].used)
			continue;
		slots[i].used = true;
		t = &slots[i].t;
		memset(t, 0, sizeof(*t));
		t->stack_base = (uint32_t)stacks[i];
		t->stack_top = (uint32_t)stacks[i] + STACK_SIZE;
		t->stack_owner = &slots[i];
		memset(stacks[i], STACK_FILL, STACK_SIZE);
	}
	spin_unlock_irqrestore(&slot_lock, flags);
	return t;
}

unsigned int thread_mem_in_use(void)
{
	unsigned int n = 0;

	for (int i = 0; i < MAX_THREADS; i++)
		n += slots[i].used;
	return n;
}

void thread_mem_free(struct thread *t)
{
	struct thread_slot *slot = t->stack_owner;
	unsigned long flags = spin_lock_irqsave(&slot_lock);

	slot->used = false;
	spin_unlock_irqrestore(&slot_lock, flags);
}
