/* kernel/sched/spinlock.c - the slow path of spin_lock (see spinlock.h). */
#include "kernel/sched/spinlock.h"

#include "kernel/backtrace.h"
#include "kernel/printk.h"
#include "lib/printf.h"

unsigned long spinlock_recursions;

/* "name+0xoff" for a code address, into buf. */
static const char *pc_name(unsigned long pc, char *buf, size_t size)
{
	uint32_t off;
	const char *name = ksym_lookup(pc, &off);

	if (name)
		snprintf(buf, size, "%s+0x%lx", name, (unsigned long)off);
	else
		snprintf(buf, size, "0x%08lx", pc);
	return buf;
}

static void spin_bug_recursion(struct spinlock *l, unsigned long pc)
{
	static bool reporting; /* printk's own lock may be the one */
	char first[64], again[64];

	spinlock_recursions++;
	if (reporting)
		return;
	reporting = true;
	printk(KERN_ERR "BUG: spinlock recursion on %s\n",
	       l->name ? l->name : "(unnamed)");
	printk(KERN_ERR
	       "lock 0x%08lx held by CPU %u, taken at %s; taken again on the same CPU at %s (the caller goes on as if it had it)\n",
	       (unsigned long)l, l->owner->id, pc_name(l->owner_pc, first, 64),
	       pc_name(pc, again, 64));
	dump_stack();
	reporting = false;
}

/* Not inlined: its return address is in the function that inlined
 * spin_lock, the place that tried to take the lock again. */
__attribute__((noinline)) bool spin_lock_contended(struct spinlock *l)
{
	struct cpu *me = this_cpu();

	for (;;) {
		struct cpu *owner = l->owner;

		if (owner == me) {
			spin_bug_recursion(
				l,
				(unsigned long)__builtin_return_address(0) - 1);
			return false;
		}
		if (!owner && arch_spin_trylock(l))
			return true;
		cpu_relax();
	}
}
