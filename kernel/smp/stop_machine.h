/*
 * kernel/smp/stop_machine.h - run a function while every other CPU is
 * held still.
 *
 * Some changes cannot be made while another CPU might be in the middle
 * of using what changes: rewriting an instruction another CPU may be
 * executing is the example here (kernel/arch/static_key.c). stop_machine
 * sends every other online CPU a call IPI whose function parks that CPU
 * in a spin loop with IRQs off; once all are parked, fn runs on this CPU
 * with IRQs off; then the others are released, and each executes a
 * serializing instruction (cpuid) before it goes on, so that it fetches
 * any rewritten code afresh.
 *
 *   CPU 0 (caller)                     CPU 1
 *   call IPI to CPU 1 ───────────────> park(): parked++, spin (IRQs off)
 *   wait until every other CPU parked
 *   IRQs off; fn(arg); IRQs on
 *   release = 1 ─────────────────────> cpuid; return from the IPI
 *   wait until every park() returned
 *
 * Linux's stop_machine uses a thread per CPU; a call IPI is enough here
 * because fn is short. A CPU that does not park within STOP_WAIT_MS
 * (spinning with IRQs off forever) makes stop_machine give up before fn
 * runs: -ETIMEDOUT and a message.
 *
 * Context: task context with IRQs on (it may sleep on its mutex; it
 * waits for the others with IRQs on so that their calls to us go on).
 * fn runs with IRQs off and must not sleep. With one CPU online, fn just
 * runs with IRQs off.
 */
#ifndef KERNEL_SMP_STOP_MACHINE_H
#define KERNEL_SMP_STOP_MACHINE_H

#define STOP_WAIT_MS 1000

/* fn's return value, or -ETIMEDOUT (fn did not run), -EDEADLK (called
 * with IRQs off or in an interrupt). */
int stop_machine(int (*fn)(void *arg), void *arg);

#endif
