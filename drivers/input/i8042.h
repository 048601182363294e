/*
 * drivers/input/i8042.h - the PS/2 keyboard behind the i8042 controller.
 *
 * Top half (i8042_interrupt, IRQ1, name "i8042"): if the controller's
 * status says a byte is waiting, take it off port 0x60 - reading it is
 * what lets the controller deliver the next one - and put it in a ring of
 * scancodes and schedule the decoder. That is all. Decoding the bytes
 * into key events happens later, in a BH work item (kbd_work on
 * system_bh_wq: softirq context, right after the interrupt returns)
 * that runs i8042_process.
 *
 * A second, independent handler may share IRQ1 (the hotkey): the byte can
 * be taken from the controller only once, so it reads what the driver
 * took, by sequence number, from a short history (i8042_scancode). It
 * need not run right after the driver: threaded (threadirqs), the two
 * handlers' threads run in either order, and the hotkey catches up.
 *
 * Context: i8042_init at boot; i8042_process and the getters from task
 * or softirq context; i8042_scancode from any context.
 */
#ifndef DRIVERS_INPUT_I8042_H
#define DRIVERS_INPUT_I8042_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/input/scancode.h"

#define I8042_IRQ  1
#define KBD_RECENT 16 /* key presses remembered for "kbd" */

struct i8042_stats {
	unsigned long interrupts;
	unsigned long scancodes;  /* bytes taken from the controller */
	unsigned long key_events; /* decoded presses and releases */
	unsigned long overruns;	  /* scancode ring full: bytes lost */
	unsigned long aux_bytes;  /* mouse bytes on the keyboard IRQ */
};

extern struct i8042_stats i8042_stats;

int i8042_init(void);
/* Decode waiting scancodes into key events; returns how many events. */
int i8042_process(void);
/* The most recent key presses, oldest first; returns how many. */
int i8042_recent(struct key_event *out, int max);
/* Let a user-space driver take IRQ1 (kernel/uio): the kernel driver
 * frees its handler and gets it back when the user detaches. */
void i8042_register_releasable(void);
/* Scancodes taken so far are numbered 1, 2, ...; the last number, and
 * the byte numbered seq if it is still in the history (the last
 * I8042_HISTORY): true, or false if it is gone (or not there yet). */
#define I8042_HISTORY 16
unsigned long i8042_scancode_seq(void);
bool i8042_scancode(unsigned long seq, uint8_t *byte);

/*
 * Waiting for the controller: every wait (input buffer empty before a
 * command or data byte, output buffer full for an answer) is bounded by
 * WAIT_LOOPS status reads; a timeout warns "i8042: controller never ..."
 * with the last status, counts in i8042_wait_timeouts and gives
 * -ETIMEDOUT, and i8042_init then goes on without a keyboard.
 * i8042_read_config asks for the configuration byte (command 0x20): for
 * i8042_init, and for tests with IRQ1 quiet. Context: task or boot
 * (busy-waits).
 */
extern unsigned long i8042_wait_timeouts;
int i8042_read_config(uint8_t *config);
/* Tests: read the status port through reader (NULL: the port itself). */
void i8042_set_status_reader(uint8_t (*reader)(void));

/*
 * Readers ("kbd read"): every key press goes into a queue of KBD_QUEUE
 * presses that readers take in order (Ctrl+letter arrives as ascii 1-26,
 * so Ctrl-C is 3). A
 * press that finds the queue full is counted in kbd_queue_stats.dropped
 * (readers see the count), never lost silently.
 * Context: task (i8042_read_key sleeps).
 */
#define KBD_QUEUE 64

struct kbd_queue_stats {
	unsigned long queued, dropped;
};
extern struct kbd_queue_stats kbd_queue_stats;

/* Wait up to ticks jiffies for a press: 1 and *out, or 0 on timeout,
 * or -EINVAL from atomic context. */
int i8042_read_key(struct key_event *out, long ticks);
void i8042_flush_keys(void); /* forget presses nobody read */

#endif
