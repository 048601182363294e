/*
 * drivers/input/hotkey.c - a second handler on the keyboard's line.
 *
 * "Different handlers for the same device": the i8042 driver's handler
 * takes each byte off the controller; this one, attached to the same
 * IRQ1 with its own dev_id, watches the same bytes for one combination -
 * Ctrl+Alt+I - and prints the interrupt counts when it sees it. It keeps
 * its own decoder state, does its job in the top half (it is tiny), and
 * can be removed alone with free_irq(1, &hotkey) without touching the
 * keyboard driver.
 *
 * Context: the handler runs in hard-IRQ context after i8042_interrupt.
 */
#include "drivers/input/hotkey.h"

#include "drivers/input/i8042.h"
#include "kernel/irq/irq.h"
#include "kernel/printk.h"
#include "kernel/uio/uio.h"
#include "lib/printf.h"

struct hotkey {
	struct kbd_state st;
	unsigned long seen_seq; /* last scancode looked at */
	unsigned long fired;
	unsigned long missed; /* bytes gone from the history unseen */
};

static struct hotkey hotkey;

static void print_irq_statistics(void)
{
	char line[PRINTK_LINE_MAX];
	int len = snprintf(line, sizeof(line), "hotkey: irq statistics:");

	for (unsigned int irq = 0; irq < NR_IRQS; irq++)
		if (irq_line_in_use(irq) && len < (int)sizeof(line))
			len += snprintf(line + len, sizeof(line) - len,
					" irq%u=%lu", irq, kstat_irqs(irq));
	pr_info("%s\n", line);
}

/* One byte through the hotkey's own decoder: true if it completes the
 * combination. */
static bool hotkey_byte(struct hotkey *hk, uint8_t byte)
{
	struct key_event ev;

	if (!scancode_decode(&hk->st, byte, &ev))
		return false;
	return ev.pressed && ev.code == SC_I && hk->st.ctrl && hk->st.alt;
}

/*
 * Every byte the driver took since our last look, in order: the driver's
 * handler usually ran just before us in the same interrupt, but threaded
 * (threadirqs) our thread may run first, or once for two interrupts.
 */
static irqreturn_t hotkey_interrupt(int irq, void *dev_id)
{
	struct hotkey *hk = dev_id;
	unsigned long last = i8042_scancode_seq();
	irqreturn_t ret = IRQ_NONE;
	uint8_t byte;

	(void)irq;
	for (; hk->seen_seq < last; hk->seen_seq++) {
		if (!i8042_scancode(hk->seen_seq + 1, &byte)) {
			hk->missed++; /* fell out of the history */
			continue;
		}
		if (hotkey_byte(hk, byte)) {
			hk->fired++;
			print_irq_statistics();
			ret = IRQ_HANDLED;
		}
	}
	return ret;
}

int hotkey_init(void)
{
	hotkey.seen_seq = i8042_scancode_seq(); /* from now on */
	return request_irq(I8042_IRQ, hotkey_interrupt, IRQF_SHARED, "hotkey",
			   &hotkey);
}

void hotkey_exit(void)
{
	free_irq(I8042_IRQ, &hotkey);
}

static int hotkey_release(void *dev_id)
{
	(void)dev_id;
	hotkey_exit();
	return 0;
}

static void hotkey_reclaim(void *dev_id)
{
	(void)dev_id;
	hotkey_init();
}

static struct uio_releasable hotkey_releasable = { I8042_IRQ, &hotkey, "hotkey",
						   hotkey_release,
						   hotkey_reclaim };

/* It only reads what i8042's handler took: it goes wherever i8042 goes. */
void hotkey_register_releasable(void)
{
	uio_register_releasable(&hotkey_releasable);
}

unsigned long hotkey_fired(void)
{
	return hotkey.fired;
}
