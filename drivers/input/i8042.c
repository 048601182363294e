/*
 * drivers/input/i8042.c - see i8042.h. Port numbers and bits from the
 * IBM PC/AT technical reference (8042 keyboard controller).
 */
#include "drivers/input/i8042.h"

#include "kernel/arch/cpu.h"
#include "kernel/arch/io.h"
#include "kernel/bh/workqueue.h"
#include "kernel/irq/irq.h"
#include "kernel/printk.h"
#include "kernel/uio/uio.h"
#include "kernel/sched/spinlock.h"
#include "kernel/sched/wait.h"
#include "lib/errno.h"
#include "lib/ringbuf.h"

#define I8042_DATA	 0x60 /* read: output buffer; write: input */
#define I8042_STATUS	 0x64 /* read: status register */
#define I8042_CMD	 0x64 /* write: controller command */

#define STATUS_OBF	 0x01 /* output buffer full: a byte for us */
#define STATUS_IBF	 0x02 /* input buffer full: controller busy */
#define STATUS_AUXDATA	 0x20 /* the byte came from the mouse port */

#define CMD_READ_CONFIG	 0x20
#define CMD_WRITE_CONFIG 0x60
#define CMD_DISABLE_AUX	 0xa7
#define CMD_DISABLE_KBD	 0xad
#define CMD_ENABLE_KBD	 0xae

#define CONFIG_KBD_INT	 0x01 /* IRQ1 on keyboard data */
#define CONFIG_AUX_INT	 0x02 /* IRQ12 on mouse data */
#define CONFIG_XLATE	 0x40 /* translate to scancode set 1 */

#define SCANCODE_RING	 256
/* Status reads before the controller counts as not answering: at about
 * 1 us per ISA read, 100 ms; a real 8042 answers within a millisecond. */
#define WAIT_LOOPS	 100000

struct i8042_stats i8042_stats;

static uint8_t scancode_buf[SCANCODE_RING];
static struct ringbuf scancodes = { scancode_buf, SCANCODE_RING, 0, 0 };
static volatile uint8_t history[I8042_HISTORY]; /* by sequence number */
static volatile unsigned long last_seq;

static struct kbd_state decoder; /* task context only */
static struct key_event recent[KBD_RECENT];
static unsigned int recent_count; /* total presses recorded */
static DEFINE_SPINLOCK(i8042_lock);
static int i8042_dev; /* our dev_id: its address */
static void kbd_decode_fn(struct work_struct *w);
static struct work_struct kbd_work;

/* ---- top half ------------------------------------------------------- */

static irqreturn_t i8042_interrupt(int irq, void *dev_id)
{
	uint8_t status = inb(I8042_STATUS);
	uint8_t byte;

	(void)irq;
	(void)dev_id;
	if (!(status & STATUS_OBF))
		return IRQ_NONE; /* the controller has nothing for us */
	byte = inb(I8042_DATA);	 /* frees it for the next byte */
	i8042_stats.interrupts++;
	if (status & STATUS_AUXDATA) {
		i8042_stats.aux_bytes++;
		return IRQ_HANDLED;
	}
	i8042_stats.scancodes++;
	history[(last_seq + 1) % I8042_HISTORY] = byte;
	__atomic_store_n(&last_seq, last_seq + 1, __ATOMIC_RELEASE);
	if (!ringbuf_put(&scancodes, byte))
		i8042_stats.overruns++;
	queue_work(system_bh_wq, &kbd_work); /* decoding: the bottom half */
	return IRQ_HANDLED;
}

unsigned long i8042_scancode_seq(void)
{
	return __atomic_load_n(&last_seq, __ATOMIC_ACQUIRE);
}

bool i8042_scancode(unsigned long seq, uint8_t *byte)
{
	unsigned long last = i8042_scancode_seq();

	if (!seq || seq > last || last - seq >= I8042_HISTORY)
		return false;
	*byte = history[seq % I8042_HISTORY];
	/* not overwritten while we read it (the driver ran on meanwhile)? */
	return i8042_scancode_seq() - seq < I8042_HISTORY;
}

/* ---- bottom half: decoding, in a BH work item ----------------------- */

static void queue_for_readers(const struct key_event *ev);

static void remember(const struct key_event *ev)
{
	recent[recent_count % KBD_RECENT] = *ev;
	recent_count++;
	queue_for_readers(ev);
}

int i8042_process(void)
{
	unsigned long flags = spin_lock_irqsave(&i8042_lock);
	struct key_event ev;
	uint8_t byte;
	int events = 0;

	/* The ring has one producer (the interrupt) and one consumer (us):
	 * taking bytes needs no lock against the handler. */
	while (ringbuf_get(&scancodes, &byte)) {
		if (!scancode_decode(&decoder, byte, &ev))
			continue;
		events++;
		i8042_stats.key_events++;
		if (ev.pressed)
			remember(&ev);
	}
	spin_unlock_irqrestore(&i8042_lock, flags);
	return events;
}

int i8042_recent(struct key_event *out, int max)
{
	unsigned long flags = spin_lock_irqsave(&i8042_lock);
	unsigned int n = recent_count < KBD_RECENT ? recent_count : KBD_RECENT;
	unsigned int first = recent_count - n;

	if ((int)n > max)
		n = max;
	for (unsigned int i = 0; i < n; i++)
		out[i] = recent[(first + i) % KBD_RECENT];
	spin_unlock_irqrestore(&i8042_lock, flags);
	return (int)n;
}

/*
 * The bottom half: a work item on the BH work queue (softirq context,
 * right after the interrupt returns), queued by the top half for every
 * byte and run once for however many bytes arrived meanwhile. Until
 * issue 6 this was a tasklet; the BH work queue gives the same timing
 * plus flush_work/cancel_work_sync (docs/drivers.md).
 */
static void kbd_decode_fn(struct work_struct *w)
{
	(void)w;
	i8042_process();
}

/* ---- readers: a queue of key presses --------------------------------- */

struct kbd_queue_stats kbd_queue_stats;
static struct key_event key_queue[KBD_QUEUE];
static unsigned int key_head, key_tail; /* free-running; i8042_lock */
static DECLARE_WAIT_QUEUE_HEAD(key_readers);

/* From the decoder, i8042_lock held. */
static void queue_for_readers(const struct key_event *ev)
{
	if (key_head - key_tail >= KBD_QUEUE) {
		kbd_queue_stats.dropped++;
		return;
	}
	key_queue[key_head % KBD_QUEUE] = *ev;
	key_head++;
	kbd_queue_stats.queued++;
	wake_up(&key_readers); /* takes only the wait queue's own lock */
}

static bool take_key(struct key_event *out)
{
	unsigned long flags = spin_lock_irqsave(&i8042_lock);
	bool got = key_head != key_tail;

	if (got)
		*out = key_queue[key_tail++ % KBD_QUEUE];
	spin_unlock_irqrestore(&i8042_lock, flags);
	return got;
}

int i8042_read_key(struct key_event *out, long ticks)
{
	if (might_sleep())
		return -EINVAL;
	return wait_event_timeout(key_readers, take_key(out), ticks) ? 1 : 0;
}

void i8042_flush_keys(void)
{
	unsigned long flags = spin_lock_irqsave(&i8042_lock);

	key_tail = key_head;
	spin_unlock_irqrestore(&i8042_lock, flags);
}

/* ---- set-up ---------------------------------------------------------- */

static uint8_t read_status(void)
{
	return inb(I8042_STATUS);
}

/* The set-up's waits read the status through this (tests substitute a
 * controller that never answers); the interrupt handler reads the port. */
static uint8_t (*status_reader)(void) = read_status;
unsigned long i8042_wait_timeouts;

void i8042_set_status_reader(uint8_t (*reader)(void))
{
	status_reader = reader ? reader : read_status;
}

/* Every wait for the controller is bounded, and says what it waited for. */
static int i8042_timed_out(const char *what, uint8_t status)
{
	i8042_wait_timeouts++;
	pr_warn("i8042: controller never %s (status 0x%02x after %d reads); giving up\n",
		what, status, WAIT_LOOPS);
	return -ETIMEDOUT;
}

/* The controller takes a byte only with its input buffer (IBF) empty. */
static int wait_input_empty(void)
{
	uint8_t status = 0;

	for (int i = 0; i < WAIT_LOOPS; i++) {
		status = status_reader();
		if (!(status & STATUS_IBF))
			return 0;
	}
	return i8042_timed_out("emptied its input buffer", status);
}

static int i8042_command(uint8_t cmd)
{
	int err = wait_input_empty();

	if (err)
		return err;
	outb(I8042_CMD, cmd);
	return 0;
}

static void flush_output(void)
{
	for (int i = 0; i < 64 && (status_reader() & STATUS_OBF); i++)
		inb(I8042_DATA);
}

int i8042_read_config(uint8_t *config)
{
	uint8_t status = 0;
	int err = i8042_command(CMD_READ_CONFIG);

	if (err)
		return err;
	for (int i = 0; i < WAIT_LOOPS; i++) {
		status = status_reader();
		if (status & STATUS_OBF) {
			*config = inb(I8042_DATA);
			return 0;
		}
	}
	return i8042_timed_out("answered with its output buffer", status);
}

int i8042_init(void)
{
	uint8_t config;

	/* Quiet both ports while we change the configuration. */
	if (i8042_command(CMD_DISABLE_KBD) || i8042_command(CMD_DISABLE_AUX))
		goto out_no_controller;
	flush_output();
	if (i8042_read_config(&config))
		goto out_no_controller;
	config |= CONFIG_KBD_INT | CONFIG_XLATE;
	config &= ~CONFIG_AUX_INT;
	if (i8042_command(CMD_WRITE_CONFIG) || wait_input_empty())
		goto out_no_controller;
	outb(I8042_DATA, config);
	if (i8042_command(CMD_ENABLE_KBD))
		goto out_no_controller;
	pr_info("i8042: keyboard on irq %d (config 0x%02x)\n", I8042_IRQ,
		config);
	INIT_WORK(&kbd_work, kbd_decode_fn);
	return request_irq(I8042_IRQ, i8042_interrupt, IRQF_SHARED, "i8042",
			   &i8042_dev);

out_no_controller:
	pr_warn("i8042: controller does not answer; no keyboard\n");
	return -1;
}

/* ---- handing the keyboard to user space (kernel/uio) ------------------ */

static int i8042_release(void *dev_id)
{
	free_irq(I8042_IRQ, dev_id);
	return 0;
}

/* Take the keyboard back: whatever the user driver left unread would
 * hold the controller's output buffer (and the line) forever. */
static void i8042_reclaim(void *dev_id)
{
	flush_output();
	request_irq(I8042_IRQ, i8042_interrupt, IRQF_SHARED, "i8042", dev_id);
}

static struct uio_releasable i8042_releasable = { I8042_IRQ, &i8042_dev,
						  "i8042", i8042_release,
						  i8042_reclaim };

void i8042_register_releasable(void)
{
	uio_register_releasable(&i8042_releasable);
}
