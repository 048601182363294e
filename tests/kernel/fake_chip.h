/*
 * tests/kernel/fake_chip.h - an interrupt controller made of counters, for
 * the suites that borrow a spare line (irq_core, threaded_irq, uio): it
 * records mask/unmask/ack/EOI/set_type calls (its level lines take the
 * level flow: no fasteoi), and the line is "fired" by
 * calling generic_handle_irq() from irq_offload().
 *
 * Context: the tests' own; suites run one at a time, so they share it.
 */
#ifndef TESTS_KERNEL_FAKE_CHIP_H
#define TESTS_KERNEL_FAKE_CHIP_H

#include <stdbool.h>

#include "kernel/irq/irqdesc.h"

struct fake_chip_state {
	bool masked;
	int masks, unmasks, acks, eois, set_types;
};

extern struct fake_chip_state fchip;
extern struct irq_chip fake_chip;

#endif
