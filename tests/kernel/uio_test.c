/*
 * tests/kernel/uio_test.c - user-space interrupt delivery (kernel/uio)
 * and the checks on system call pointers (kernel/proc/uaccess.c).
 *
 * The uio cases borrow the last line with a fake chip that records
 * masking (as irq_core_test does), fire "interrupts" through irq_offload
 * so the top half runs in real hard-IRQ context, and put the line back.
 * A plain struct uio_client stands in for a process. One case runs a
 * real process (irqstat on the RTC) to see that exit detaches its line.
 */
#include "kernel/irq/irqdesc.h"
#include "kernel/irq/offload.h"
#include "kernel/mm/page.h"
#include "kernel/mm/paging.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/uaccess.h"
#include "kernel/sched/thread.h"
#include "kernel/test/ktest.h"
#include "tests/kernel/fake_chip.h"
#include "kernel/uio/uio.h"
#include "lib/errno.h"
#include "lib/string.h"

#define TEST_IRQ (NR_IRQS - 1)
#define RTC_IRQ	 8

static struct irq_desc saved_desc;
static struct uio_client client;
static volatile bool stop_waiting;

static int uio_suite_init(void)
{
	saved_desc = irq_desc[TEST_IRQ];
	return 0;
}

static void uio_suite_exit(void)
{
	irq_desc[TEST_IRQ] = saved_desc;
}

/* A fresh fake line (masked, no handler) of the given trigger type, and
 * a fresh client holding nothing. */
static void fresh(unsigned long trigger)
{
	memset(&irq_desc[TEST_IRQ], 0, sizeof(irq_desc[TEST_IRQ]));
	irq_set_chip(TEST_IRQ, &fake_chip, trigger);
	memset(&fchip, 0, sizeof(fchip));
	fchip.masked = true;
	memset(&client, 0, sizeof(client));
	strlcpy(client.name, "ktest", sizeof(client.name));
	stop_waiting = false;
	client.interrupted = &stop_waiting;
}

static void fire(void *arg)
{
	int n = (int)(uintptr_t)arg;

	while (n-- > 0)
		generic_handle_irq(TEST_IRQ);
}

static void fire_n(int n)
{
	irq_offload(fire, (void *)(uintptr_t)n);
}

/* attach -> interrupt masks and counts -> wait -> ack unmasks -> detach */
static void handle_lifetime(struct ktest *t)
{
	int h;

	fresh(IRQF_TRIGGER_RISING);
	h = uio_attach(&client, TEST_IRQ, 0);
	ASSERT_EQ(t, h, 0);
	EXPECT_TRUE(t, !fchip.masked); /* the first handler opens the line */
	EXPECT_EQ(t, uio_wait(&client, h, IRQ_WAIT_NONBLOCK), -EAGAIN);
	fire_n(1);
	EXPECT_FALSE(t, fchip.masked); /* an edge line is disabled lazily */
	EXPECT_EQ(t, irq_desc[TEST_IRQ].depth, 1); /* the top half did */
	EXPECT_EQ(t, uio_wait(&client, h, 0), 1);  /* does not block */
	EXPECT_EQ(t, uio_wait(&client, h, IRQ_WAIT_NONBLOCK), -EAGAIN);
	EXPECT_EQ(t, uio_ack(&client, h), 0);
	EXPECT_TRUE(t, !fchip.masked);
	EXPECT_EQ(t, irq_desc[TEST_IRQ].depth, 0);
	EXPECT_EQ(t, uio_ack(&client, h), 0); /* nothing to undo: no change */
	EXPECT_EQ(t, irq_desc[TEST_IRQ].depth, 0);
	EXPECT_EQ(t, uio_detach(&client, h), 0);
	EXPECT_TRUE(t, irq_desc[TEST_IRQ].action == NULL);
	EXPECT_TRUE(t, fchip.masked); /* no handler left: masked again */
	EXPECT_EQ(t, uio_wait(&client, h, 0), -EBADF); /* handle is gone */
	EXPECT_EQ(t, uio_ack(&client, h), -EBADF);
	EXPECT_EQ(t, uio_detach(&client, h), -EBADF);
}

/* Detaching while masked (an event not acked) leaves depth 0: the next
 * owner starts with a working line. detach_all frees every handle. */
static void detach_while_masked_then_reattach(struct ktest *t)
{
	int h;

	fresh(IRQF_TRIGGER_RISING);
	h = uio_attach(&client, TEST_IRQ, 0);
	ASSERT_EQ(t, h, 0);
	fire_n(1);
	EXPECT_EQ(t, irq_desc[TEST_IRQ].depth, 1);
	uio_detach_all(&client);
	EXPECT_EQ(t, irq_desc[TEST_IRQ].depth, 0);
	EXPECT_TRUE(t, irq_desc[TEST_IRQ].action == NULL && fchip.masked);
	h = uio_attach(&client, TEST_IRQ, 0);
	EXPECT_EQ(t, h, 0);
	EXPECT_TRUE(t, !fchip.masked);
	fire_n(1);
	EXPECT_EQ(t, uio_wait(&client, h, 0), 1); /* counts restart */
	uio_detach_all(&client);
}

/* Count-only mode on an edge line: events that come while the driver is
 * busy are counted, and the jump in irq_wait's result shows them. */
static void missed_events_counted(struct ktest *t)
{
	int h;

	fresh(IRQF_TRIGGER_RISING);
	h = uio_attach(&client, TEST_IRQ, IRQ_ATTACH_NOMASK);
	ASSERT_EQ(t, h, 0);
	fire_n(1);
	EXPECT_EQ(t, uio_wait(&client, h, 0), 1);
	fire_n(3); /* three while "the driver was busy" */
	EXPECT_TRUE(t, !fchip.masked);
	EXPECT_EQ(t, uio_wait(&client, h, 0), 4); /* jump of 3: 2 missed */
	EXPECT_EQ(t, irq_desc[TEST_IRQ].depth, 0);
	uio_detach_all(&client);
}

/* The rule for level lines: count-only is refused (the line would storm),
 * and the line stays masked until the ack. An interrupt already in
 * flight when the top half disabled the line reaches no handler: the
 * level flow sees the line disabled and leaves it masked. One ack opens
 * it. */
static void level_line_stays_masked_until_ack(struct ktest *t)
{
	int h;

	fresh(IRQF_TRIGGER_HIGH);
	EXPECT_EQ(t, uio_attach(&client, TEST_IRQ, IRQ_ATTACH_NOMASK), -EINVAL);
	h = uio_attach(&client, TEST_IRQ, 0);
	ASSERT_EQ(t, h, 0);
	fire_n(2);
	EXPECT_TRUE(t, fchip.masked);
	EXPECT_EQ(t, fchip.masks, 1);
	EXPECT_EQ(t, irq_desc[TEST_IRQ].depth, 1);
	EXPECT_EQ(t, irq_desc[TEST_IRQ].deferred, 1); /* the one in flight */
	EXPECT_EQ(t, uio_wait(&client, h, 0), 1);
	EXPECT_TRUE(t,
		    fchip.masked); /* waiting did not unmask: only ack does */
	EXPECT_EQ(t, uio_ack(&client, h), 0);
	EXPECT_TRUE(t, !fchip.masked);
	EXPECT_EQ(t, irq_desc[TEST_IRQ].depth, 0);
	uio_detach_all(&client);
}

/* ---- a waiter really blocks and is woken by the interrupt ---------------- */

static struct thread *waiter;

static int fire_when_asleep(void *arg)
{
	(void)arg;
	while (waiter->state != THREAD_SLEEPING)
		yield();
	fire_n(1);
	return 0;
}

static int interrupt_when_asleep(void *arg)
{
	(void)arg;
	while (waiter->state != THREAD_SLEEPING)
		yield();
	stop_waiting = true;
	wake_up_thread(waiter);
	return 0;
}

static void blocking_wait_woken_or_interrupted(struct ktest *t)
{
	int h;

	fresh(IRQF_TRIGGER_RISING);
	h = uio_attach(&client, TEST_IRQ, 0);
	ASSERT_EQ(t, h, 0);
	waiter = current_thread();
	ASSERT_TRUE(t,
		    kthread_run(fire_when_asleep, NULL, "uio-firer") != NULL);
	EXPECT_EQ(t, uio_wait(&client, h, 0), 1);
	uio_ack(&client, h);
	ASSERT_TRUE(t, kthread_run(interrupt_when_asleep, NULL, "uio-killer") !=
			       NULL);
	EXPECT_EQ(t, uio_wait(&client, h, 0), -EINTR);
	uio_detach_all(&client);
}

/* ---- the policy --------------------------------------------------------- */

static void policy_refusals(struct ktest *t)
{
	struct uio_client other;
	int h;

	fresh(IRQF_TRIGGER_RISING);
	EXPECT_EQ(t, uio_attach(&client, 0, 0), -EPERM);	/* the tick */
	EXPECT_EQ(t, uio_attach(&client, NR_IRQS, 0), -EINVAL); /* no line */
	/* the console's line: ttyS0 is not releasable */
	EXPECT_EQ(t, uio_attach(&client, 4, 0), -EBUSY);
	EXPECT_TRUE(t, irq_desc[4].action != NULL); /* untouched */
	h = uio_attach(&client, TEST_IRQ, 0);
	ASSERT_EQ(t, h, 0);
	memset(&other, 0, sizeof(other));
	strlcpy(other.name, "other", sizeof(other.name));
	EXPECT_EQ(t, uio_attach(&other, TEST_IRQ, 0), -EBUSY);	/* one owner */
	EXPECT_TRUE(t, !uio_ports_allowed(&client, 0x3f8, 8));	/* console */
	EXPECT_TRUE(t, !uio_ports_allowed(&client, 0x2f8, 8));	/* not irq 3 */
	EXPECT_TRUE(t, !uio_ports_allowed(&client, 0xffff, 2)); /* wraps */
	uio_detach_all(&client);
}

/* ---- a process's exit detaches its lines ---------------------------------- */

static void process_exit_detaches(struct ktest *t)
{
	char *argv[] = { "irqstat", "-q", "-n", "1000000" };
	struct process *p;
	int err, code, tries = 0;

	if (!boot_module_find("irqstat"))
		KTEST_SKIP(t, "no irqstat module (boot without -initrd)");
	ASSERT_TRUE(t, irq_desc[RTC_IRQ].action == NULL);
	p = proc_spawn("irqstat", 4, argv, NULL, &err);
	ASSERT_TRUE(t, p != NULL);
	/* bounded: the process attaches within its first few time slices */
	while (!irq_desc[RTC_IRQ].action && !proc_exited(p) && ++tries < 10000)
		yield();
	EXPECT_TRUE(t, irq_desc[RTC_IRQ].action != NULL);
	EXPECT_TRUE(t, !strcmp(uio_owner_name(RTC_IRQ), "irqstat"));
	proc_kill(p, "killed by a test");
	code = proc_reap(p); /* 0: it saw -EINTR and exited itself */
	EXPECT_TRUE(t, code == 0 || code == -EINTR);
	EXPECT_TRUE(t, irq_desc[RTC_IRQ].action == NULL); /* detached */
	EXPECT_EQ(t, irq_desc[RTC_IRQ].depth, 0);
	EXPECT_TRUE(t, !strcmp(uio_owner_name(RTC_IRQ), ""));
}

KTEST_SUITE_FULL(uio, uio_suite_init, uio_suite_exit,
		 KTEST_CASE(handle_lifetime),
		 KTEST_CASE(detach_while_masked_then_reattach),
		 KTEST_CASE(missed_events_counted),
		 KTEST_CASE(level_line_stays_masked_until_ack),
		 KTEST_CASE(blocking_wait_woken_or_interrupted),
		 KTEST_CASE(policy_refusals),
		 KTEST_CASE(process_exit_detaches));

/* ---- system call pointers ------------------------------------------------- */

/*
 * A scratch address space: user pages at USER_BASE (rw), USER_BASE+4K
 * (read-only), and the last user page USER_END-4K (rw). USER_BASE+8K is
 * not mapped.
 */
static uint32_t *scratch_space(void)
{
	uint32_t *pd = pgdir_create();
	static const uint32_t where[] = { USER_BASE, USER_BASE + PAGE_SIZE,
					  USER_END - PAGE_SIZE };

	if (!pd)
		return NULL;
	for (int i = 0; i < 3; i++) {
		void *pg = page_zalloc();
		uint32_t fl =
			(i == 1 ? PAGE_USER_RO : PAGE_USER_RW) | PTE_OWNED;

		if (!pg || pgdir_map(pd, where[i], (uint32_t)pg, fl)) {
			if (pg)
				page_free(pg);
			pgdir_destroy(pd);
			return NULL;
		}
	}
	return pd;
}

static void pointer_checks(struct ktest *t)
{
	uint32_t *pd = scratch_space();

	ASSERT_TRUE(t, pd != NULL);
	EXPECT_TRUE(t, user_range_ok(pd, USER_BASE, PAGE_SIZE, true));
	EXPECT_TRUE(t, user_range_ok(pd, USER_BASE, 2 * PAGE_SIZE, false));
	/* a write running into the read-only page */
	EXPECT_TRUE(t, !user_range_ok(pd, USER_BASE + PAGE_SIZE - 4, 8, true));
	/* into the unmapped page */
	EXPECT_TRUE(
		t, !user_range_ok(pd, USER_BASE + 2 * PAGE_SIZE - 4, 8, false));
	/* the last bytes of user space, then one past them */
	EXPECT_TRUE(t, user_range_ok(pd, USER_END - 8, 8, true));
	EXPECT_TRUE(t, !user_range_ok(pd, USER_END - 8, 9, false));
	EXPECT_TRUE(t, !user_range_ok(pd, USER_END - 8, 16, false));
	EXPECT_TRUE(t, !user_range_ok(pd, USER_END, 1, false));
	/* starting below user space (the kernel stacks), across USER_BASE */
	EXPECT_TRUE(t, !user_range_ok(pd, USER_BASE - 4, 8, false));
	/* wrapping around 4 GiB, and absurd lengths */
	EXPECT_TRUE(t, !user_range_ok(pd, USER_BASE + 16, 0xfffffff8, false));
	EXPECT_TRUE(t, !user_range_ok(pd, 0xfffffff0, 0x20, false));
	/* kernel memory, even when the kernel has it mapped */
	EXPECT_TRUE(t, !user_range_ok(pd, 0x00100000, 4, false));
	EXPECT_TRUE(t, !user_range_ok(pd, 0, 4, false));
	/* an empty buffer is fine in user space, not elsewhere */
	EXPECT_TRUE(t, user_range_ok(pd, USER_BASE + 2 * PAGE_SIZE, 0, true));
	EXPECT_TRUE(t, !user_range_ok(pd, 0x00100000, 0, false));
	pgdir_destroy(pd);
}

/* No process: copy_*_user refuse everything (the kernel's own threads
 * have no user memory). */
static void no_process_no_user_memory(struct ktest *t)
{
	uint32_t word = 0;

	EXPECT_TRUE(t, current_process() == NULL);
	EXPECT_EQ(t, copy_from_user(&word, USER_BASE, 4), -EFAULT);
	EXPECT_EQ(t, copy_to_user(USER_BASE, &word, 4), -EFAULT);
}

/* The address spaces share the kernel: a kernel page table added later
 * reaches spaces created earlier. */
static void kernel_part_shared(struct ktest *t)
{
	uint32_t *pd = scratch_space();
	unsigned long before = pgdir_count();

	ASSERT_TRUE(t, pd != NULL);
	EXPECT_EQ(t, pgdir_lookup(pd, 0x00100000), pte_lookup(0x00100000));
	EXPECT_TRUE(t, !(pgdir_lookup(pd, 0x00100000) & PTE_USER));
	EXPECT_TRUE(t, pgdir_lookup(pd, USER_BASE) & PTE_USER);
	EXPECT_EQ(t, pte_lookup(USER_BASE), 0); /* not in the kernel's */
	pgdir_destroy(pd);
	EXPECT_EQ(t, pgdir_count(), before - 1);
}

KTEST_SUITE(uaccess, KTEST_CASE(pointer_checks),
	    KTEST_CASE(no_process_no_user_memory),
	    KTEST_CASE(kernel_part_shared));
