/*
 * user/irqstat.c - wait on an interrupt line and count its events.
 *
 *   run irqstat [-n EVENTS] [-slow MS] [-q] [-bench]
 *
 * The device is the RTC's periodic interrupt (IRQ 8, ports 0x70-0x71),
 * set to 1024 Hz: a source that keeps firing on its own. irqstat prints
 * the event count that each irq_wait returns. The kernel's count is
 * "top halves run", so a jump of more than one between two waits means
 * interrupts this driver never serviced one by one: missed.
 *
 *  - default: the line is masked by the top half until irq_ack, so each
 *    wait sees exactly one more event (nothing can be missed: the RTC
 *    waits, masked);
 *  - -slow MS: attached with IRQ_ATTACH_NOMASK (allowed: the line is
 *    edge-triggered) and sleeping MS ms per event: the count keeps
 *    running while irqstat sleeps, and the jumps show it;
 *  - -q: no line per event, only the summary at the end;
 *  - -bench: 51 rounds measuring instructions (TSC under -icount) from
 *    the top half to irq_wait's return in user space; exits with the
 *    median (the kernel's "uio_wakeup" benchmark runs this).
 */
#include "user/lib/user.h"

#define RTC_IRQ	   8
#define RTC_INDEX  0x70
#define RTC_DATA   0x71
#define RTC_REG_A  0x0a /* rate select */
#define RTC_REG_B  0x0b /* interrupt enables */
#define RTC_REG_C  0x0c /* flags; reading clears them and the IRQ */
#define RTC_PIE	   0x40 /* periodic interrupt enable */
#define RTC_RATE   0x26 /* 32768 Hz base, rate 6: 1024 Hz */
#define NMI_OFF	   0x80 /* index bit 7 keeps NMIs off while we talk */
#define BENCH_RUNS 51

static uint8_t rtc_read(uint8_t reg)
{
	outb(RTC_INDEX, reg | NMI_OFF);
	return inb(RTC_DATA);
}

static void rtc_write(uint8_t reg, uint8_t v)
{
	outb(RTC_INDEX, reg | NMI_OFF);
	outb(RTC_DATA, v);
}

static void rtc_periodic(int on)
{
	rtc_write(RTC_REG_A, RTC_RATE);
	rtc_write(RTC_REG_B,
		  (rtc_read(RTC_REG_B) & ~RTC_PIE) | (on ? RTC_PIE : 0));
	rtc_read(RTC_REG_C);
}

static int sort_median(uint32_t *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint32_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return (int)v[n / 2];
}

static int bench(int h)
{
	uint32_t samples[BENCH_RUNS];
	struct irq_info info;

	for (int i = 0; i < BENCH_RUNS; i++) {
		long n = irq_wait(h, 0);
		uint64_t now = rdtsc();

		if (n < 0)
			return 1;
		irq_info(h, &info);
		samples[i] = (uint32_t)(now - info.last_tsc);
		rtc_read(RTC_REG_C);
		irq_ack(h);
	}
	return sort_median(samples, BENCH_RUNS);
}

static void count(int h, unsigned long events, unsigned long slow_ms, int quiet)
{
	unsigned long last = 0, missed = 0;

	for (unsigned long i = 0; i < events; i++) {
		long n = irq_wait(h, 0);

		if (n < 0)
			break;
		if ((unsigned long)n - last > 1)
			missed += (unsigned long)n - last - 1;
		if (!quiet)
			printf("irqstat: event count %ld (+%lu)\n", n,
			       (unsigned long)n - last);
		last = (unsigned long)n;
		if (slow_ms)
			sleep_ms(slow_ms);
		rtc_read(RTC_REG_C); /* the RTC lowers its line */
		irq_ack(h);
	}
	printf("irqstat: %lu events seen, %lu missed while %s\n", last, missed,
	       slow_ms ? "sleeping between waits" : "masked until each ack");
}

int main(int argc, char **argv)
{
	unsigned long events = 10, slow_ms = 0;
	int is_bench = 0, quiet = 0, h, ret = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			kstrtoul(argv[++i], 10, &events);
		else if (!strcmp(argv[i], "-slow") && i + 1 < argc)
			kstrtoul(argv[++i], 10, &slow_ms);
		else if (!strcmp(argv[i], "-q"))
			quiet = 1;
		else if (!strcmp(argv[i], "-bench"))
			is_bench = 1;
	}
	h = irq_attach(RTC_IRQ, slow_ms ? IRQ_ATTACH_NOMASK : 0);
	if (h < 0 || ioperm(RTC_INDEX, 2, 1) < 0) {
		printf("irqstat: cannot get irq %d and ports 0x70-0x71: %s\n",
		       RTC_IRQ, strerror(h < 0 ? h : -EPERM));
		return 1;
	}
	rtc_periodic(1);
	if (is_bench)
		ret = bench(h);
	else
		count(h, events, slow_ms, quiet);
	rtc_periodic(0);
	return ret;
}
