/* drivers/timer/pit.c - see pit.h. Intel 8254 datasheet, "Control Word". */
#include "drivers/timer/pit.h"

#include "kernel/arch/cpu.h"
#include "kernel/arch/io.h"
#include "kernel/irq/irq.h"
#include "kernel/printk.h"
#include "kernel/sched/time.h"
#include "lib/sort.h"

#define PIT_CH0	       0x40 /* channel 0 data */
#define PIT_CH2	       0x42 /* channel 2 data */
#define PIT_CMD	       0x43 /* mode/command register */

#define CMD_CH0	       0x00
#define CMD_CH2	       0x80
#define CMD_LOHI       0x30 /* access low byte, then high byte */
#define CMD_MODE0      0x00 /* interrupt on terminal count: one shot */
#define CMD_MODE2      0x04 /* rate generator: periodic */

#define PORT_B	       0x61 /* system control port B */
#define PORT_B_GATE2   0x01 /* channel 2 gate */
#define PORT_B_SPEAKER 0x02 /* speaker data enable: keep off */
#define PORT_B_OUT2    0x20 /* channel 2 output, read-only */

#define CALIBRATE_MS   10 /* one window */
#define CALIBRATE_RUNS 5  /* windows; the median counts */

static unsigned long ticks;

unsigned long pit_ticks(void)
{
	return ticks;
}

/*
 * Count TSC cycles while channel 2 counts down CALIBRATE_MS milliseconds
 * in mode 0 (its output goes high at zero). The gate is held low while
 * the count is loaded, then raised to start the countdown.
 */
static uint8_t stopwatch_start(unsigned int ms)
{
	uint16_t count = (uint16_t)((uint32_t)PIT_FREQ_HZ * ms / 1000);
	uint8_t portb = inb(PORT_B) & ~(PORT_B_SPEAKER | PORT_B_GATE2);

	outb(PORT_B, portb);
	outb(PIT_CMD, CMD_CH2 | CMD_LOHI | CMD_MODE0);
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	outb(PORT_B, portb | PORT_B_GATE2); /* go */
	return portb;
}

static void stopwatch_wait(uint8_t portb)
{
	while (!(inb(PORT_B) & PORT_B_OUT2))
		;
	outb(PORT_B, portb);
}

void pit_stopwatch(unsigned int ms, void (*at_start)(void *arg),
		   void (*at_end)(void *arg), void *arg)
{
	uint8_t portb;

	if (ms > PIT_STOPWATCH_MAX_MS)
		ms = PIT_STOPWATCH_MAX_MS;
	portb = stopwatch_start(ms);
	at_start(arg);
	stopwatch_wait(portb);
	at_end(arg);
}

static void tsc_mark(void *arg)
{
	uint64_t *t = arg;

	*t = rdtsc() - *t;
}

static uint64_t tsc_cycles_per_window(void)
{
	uint64_t t = 0;

	/* t = rdtsc at start, then rdtsc at end minus that */
	pit_stopwatch(CALIBRATE_MS, tsc_mark, tsc_mark, &t);
	return t;
}

/*
 * The median of several windows: under emulation on a busy (or virtual)
 * host one window can be stretched, or the host's TSC can jump when the
 * emulator moves between host CPUs. One bad window must not skew every
 * timestamp and time budget for the rest of the run.
 */
uint32_t pit_calibrate_tsc(void)
{
	uint64_t w[CALIBRATE_RUNS];

	for (int i = 0; i < CALIBRATE_RUNS; i++)
		w[i] = tsc_cycles_per_window();
	return (uint32_t)(median_u64(w, CALIBRATE_RUNS) / CALIBRATE_MS);
}

static irqreturn_t pit_interrupt(int irq, void *dev_id)
{
	(void)irq;
	(void)dev_id;
	ticks++;
	jiffies_tick();
	return IRQ_HANDLED; /* nothing else shares IRQ0 */
}

int pit_init(unsigned int rate)
{
	uint32_t divisor = (PIT_FREQ_HZ + rate / 2) / rate;

	/*
	 * Mode 2 (rate generator), as Linux uses: the output drops for one
	 * input clock per period, one rising edge per tick. (Mode 3, the
	 * square wave, ticks about twice too fast through QEMU 7.2's
	 * IO-APIC, which treats every "line high" update on an edge pin as
	 * a new interrupt. Under a loaded host QEMU may deliver mode-2 ticks
	 * late or in bursts; the tick-rate test compares medians for that.)
	 */
	outb(PIT_CMD, CMD_CH0 | CMD_LOHI | CMD_MODE2);
	outb(PIT_CH0, divisor & 0xff);
	outb(PIT_CH0, divisor >> 8);
	pr_info("pit: channel 0 at %u Hz (divisor %lu)\n", rate,
		(unsigned long)divisor);
	/* The tick stays in hard-IRQ context even with "threadirqs": it
	 * drives the scheduler that would run the thread. */
	return request_irq(PIT_IRQ, pit_interrupt,
			   IRQF_TRIGGER_RISING | IRQF_NO_THREAD, "timer",
			   &ticks);
}
