/* drivers/timer/pit.c - see pit.h. Intel 8254 datasheet, "Control Word". */
#include "drivers/timer/pit.h"

#include "kernel/arch/cpu.h"
#include "kernel/arch/io.h"
#include "kernel/irq/irq.h"
#include "kernel/printk.h"
#include "kernel/sched/time.h"
#include "lib/errno.h"

#define PIT_CH0		     0x40 /* channel 0 data */
#define PIT_CH2		     0x42 /* channel 2 data */
#define PIT_CMD		     0x43 /* mode/command register */

#define CMD_CH0		     0x00
#define CMD_CH2		     0x80
#define CMD_LOHI	     0x30 /* access low byte, then high byte */
#define CMD_LATCH	     0x00 /* counter latch: freeze the count to read it */
#define CMD_MODE0	     0x00 /* interrupt on terminal count: one shot */
#define CMD_MODE2	     0x04 /* rate generator: periodic */

#define PORT_B		     0x61 /* system control port B */
#define PORT_B_GATE2	     0x01 /* channel 2 gate */
#define PORT_B_SPEAKER	     0x02 /* speaker data enable: keep off */
#define PORT_B_OUT2	     0x20 /* channel 2 output, read-only */

/*
 * The bound on one stopwatch window, in TSC cycles (its rate is what we
 * are measuring, so it cannot be in milliseconds): 2^30 cycles is about
 * 1 s at 1 GHz and 0.1 s at 10 GHz, always more than the longest window
 * (PIT_STOPWATCH_MAX_MS) on any CPU faster than 20 MHz.
 */
#define STOPWATCH_MAX_CYCLES (1ull << 30)

static unsigned long ticks;
unsigned long pit_stopwatch_timeouts;

static uint8_t read_port_b(void)
{
	return inb(PORT_B);
}

static uint8_t (*port_b_reader)(void) = read_port_b;

void pit_set_port_b_reader(uint8_t (*reader)(void))
{
	port_b_reader = reader ? reader : read_port_b;
}

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

/* Wait for OUT2 (bit 5 of port B) to go high: the count reached zero.
 * Bounded: with no gate (a chipset without port B's bit 0 wired) or no
 * PIT at all, the bit never rises. */
static int stopwatch_wait(uint8_t portb)
{
	uint64_t start = rdtsc();
	int err = 0;

	while (!(port_b_reader() & PORT_B_OUT2)) {
		if (rdtsc() - start > STOPWATCH_MAX_CYCLES) {
			pit_stopwatch_timeouts++;
			err = -ETIMEDOUT;
			break;
		}
	}
	outb(PORT_B, portb);
	return err;
}

int pit_stopwatch(unsigned int ms, void (*at_start)(void *arg),
		  void (*at_end)(void *arg), void *arg)
{
	uint8_t portb;
	int err;

	if (ms > PIT_STOPWATCH_MAX_MS)
		ms = PIT_STOPWATCH_MAX_MS;
	portb = stopwatch_start(ms);
	at_start(arg);
	err = stopwatch_wait(portb);
	at_end(arg);
	return err;
}

/* Latch channel 2's count and read it, low byte first. */
static uint16_t read_channel2(void)
{
	uint8_t lo, hi;

	outb(PIT_CMD, CMD_CH2 | CMD_LATCH);
	lo = inb(PIT_CH2);
	hi = inb(PIT_CH2);
	return (uint16_t)(lo | hi << 8);
}

static uint16_t (*clock_reader)(void) = read_channel2;

void pit_set_clock_reader(uint16_t (*reader)(void))
{
	clock_reader = reader ? reader : read_channel2;
}

/*
 * Mode 0 from 0xffff with the gate held high: channel 2 counts down at
 * 1.193182 MHz, and past zero it wraps to 0xffff and goes on (its output
 * stays high: we do not use it). The speaker stays off.
 */
void pit_clock_start(void)
{
	uint8_t portb = inb(PORT_B) & ~(PORT_B_SPEAKER | PORT_B_GATE2);

	outb(PORT_B, portb);
	outb(PIT_CMD, CMD_CH2 | CMD_LOHI | CMD_MODE0);
	outb(PIT_CH2, 0xff);
	outb(PIT_CH2, 0xff);
	outb(PORT_B, portb | PORT_B_GATE2);
}

uint16_t pit_clock_read(void)
{
	return clock_reader();
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
	int err;

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
	 * drives the scheduler that would run the thread. And it stays on
	 * CPU 0: it is CPU 0's scheduler tick and the kernel's clock. */
	err = request_irq(PIT_IRQ, pit_interrupt,
			  IRQF_TRIGGER_RISING | IRQF_NO_THREAD, "timer",
			  &ticks);
	if (!err)
		irq_set_no_balancing(PIT_IRQ);
	return err;
}
