/*
 * tests/kernel/net_bench.c - what one received packet costs on the NAPI
 * path, from the interrupt to the stack's entry.
 *
 *  napi_rx_low   one packet per interrupt (a quiet line): the interrupt
 *                (irq_offload's vector: the same stub, dispatch and
 *                irq_exit a device's takes), a top half that reads a
 *                cause word, masks and calls napi_schedule, irq_exit's
 *                softirq loop, net_rx_action, one poll of a fake ring
 *                with one filled descriptor, up to the point where the
 *                frame would go to netif_receive_skb.
 *  napi_rx_high  the same with 64 descriptors filled (a flood): one
 *                interrupt and one full-budget poll for 64 packets; the
 *                figure is per packet (to the 64th one's hand-over,
 *                divided by 64).
 *
 * The fake ring is descriptors in RAM with a DD bit, walked as the
 * e1000's poll walks its own; what it leaves out is the card's MMIO (the
 * ICR read, the IMC/IMS and RDT writes - each one instruction to the
 * guest, and emulated by QEMU outside the count) and the stack itself.
 */
#include "kernel/arch/cpu.h"
#include "kernel/irq/offload.h"
#include "kernel/net/napi.h"
#include "kernel/net/netdev.h"
#include "kernel/test/bench.h"

#define RING 64

struct fake_desc {
	uint8_t status; /* bit 0: DD */
	uint16_t length;
	uint8_t *buf;
};

static struct fake_desc ring[RING];
static uint8_t bufs[RING][ETH_ZLEN];
static unsigned int next;
static volatile uint32_t fake_cause, fake_mask;
static volatile uint64_t handed_at;
static volatile unsigned long handed;
static struct napi_struct napi;
static struct net_device dev = { .name = "bench" };

/* Where the frame would go to the stack: stamp it. */
static void stack_entry(const uint8_t *frame, unsigned int len)
{
	(void)frame;
	(void)len;
	handed_at = rdtsc();
	handed++;
}

static int bench_poll(struct napi_struct *n, int budget)
{
	int work = 0;

	while (work < budget && (ring[next].status & 1)) {
		struct fake_desc *d = &ring[next];

		stack_entry(d->buf, d->length);
		d->status = 0;
		next = (next + 1) % RING;
		work++;
	}
	if (work < budget && napi_complete_done(n, work))
		fake_mask = 1; /* the IMS write */
	return work;
}

static void bench_top_half(void *arg)
{
	(void)arg;
	(void)fake_cause; /* the ICR read */
	fake_mask = 0;	  /* the IMC write */
	napi_schedule(&napi);
}

static uint64_t per_packet(int packets)
{
	uint64_t samples[BENCH_RUNS];

	netif_napi_add(&dev, &napi, bench_poll, NAPI_POLL_WEIGHT);
	for (int i = 0; i < RING; i++)
		ring[i] = (struct fake_desc){ .length = ETH_ZLEN,
					      .buf = bufs[i] };
	for (int r = 0; r < BENCH_RUNS; r++) {
		uint64_t start;

		next = 0;
		for (int i = 0; i < packets; i++)
			ring[i].status = 1;
		start = rdtsc();
		irq_offload(bench_top_half,
			    NULL); /* softirqs run at its exit */
		samples[r] = (handed_at - start) / packets;
	}
	return bench_median(samples, BENCH_RUNS);
}

static uint64_t bench_napi_rx_low(void)
{
	return per_packet(1);
}
BENCH(napi_rx_low, bench_napi_rx_low,
      "one packet per interrupt: interrupt -> top half -> NET_RX poll -> stack entry");

static uint64_t bench_napi_rx_high(void)
{
	return per_packet(RING);
}
BENCH(napi_rx_high, bench_napi_rx_high,
      "per packet, 64 per interrupt (one full-budget poll): interrupt -> stack entry");
