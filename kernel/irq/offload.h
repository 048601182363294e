/*
 * kernel/irq/offload.h - run a function in hard-IRQ context, on demand.
 *
 * irq_offload(fn, arg) raises the software interrupt IRQ_OFFLOAD_VECTOR
 * ("int $0xf0"); its handler enters hard-IRQ context exactly as a device
 * interrupt does (irq_enter, IRQs off), calls fn(arg), and leaves through
 * irq_exit. Tests use it to exercise interrupt paths without waiting for
 * hardware (the idea is Zephyr's irq_offload).
 *
 * Context: task context or any other; does not sleep. fn must not sleep.
 */
#ifndef KERNEL_IRQ_OFFLOAD_H
#define KERNEL_IRQ_OFFLOAD_H

void irq_offload_init(void);
void irq_offload(void (*fn)(void *arg), void *arg);

#endif
