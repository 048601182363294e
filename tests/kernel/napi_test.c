/*
 * tests/kernel/napi_test.c - NAPI's rules, on fake devices (no hardware).
 *
 * A fake device has `waiting` frames "on its ring" and a `masked` flag:
 * its top half masks it and calls napi_schedule, as the e1000's does; its
 * poll takes min(waiting, budget), and completes and unmasks only when it
 * took fewer than its budget. The cases call the NET_RX action directly
 * inside local_bh_disable (so nothing else runs it meanwhile), or let a
 * top half (irq_offload) schedule and irq_exit run it.
 */
#include "kernel/arch/cpu.h"
#include "kernel/bh/softirq.h"
#include "kernel/irq/offload.h"
#include "kernel/net/loopback.h"
#include "kernel/net/napi.h"
#include "kernel/net/netdev.h"
#include "kernel/sched/thread.h"
#include "kernel/test/ktest.h"
#include "lib/errno.h"
#include "lib/string.h"

#define FAKES 6

struct fake {
	struct net_device dev;
	struct napi_struct napi;
	int waiting;
	bool masked;
	int polls, last_work;
	bool masked_at_poll; /* at the last poll's entry */
	bool serving, hardirq;
	unsigned int cpu;
};

static struct fake fakes[FAKES];
static const char *const names[FAKES] = { "fake0", "fake1", "fake2",
					  "fake3", "fake4", "fake5" };

static int fake_poll(struct napi_struct *napi, int budget)
{
	struct fake *f = (struct fake *)napi->dev->priv;
	int work = f->waiting < budget ? f->waiting : budget;

	f->polls++;
	f->masked_at_poll = f->masked;
	f->serving = in_serving_softirq();
	f->hardirq = in_hardirq();
	f->cpu = smp_processor_id();
	f->waiting -= work;
	f->last_work = work;
	if (work < budget && napi_complete_done(napi, work))
		f->masked = false; /* the driver's IMS write */
	return work;
}

static void fake_top_half(void *arg)
{
	struct fake *f = arg;

	f->masked = true; /* the driver's IMC write */
	napi_schedule(&f->napi);
}

static void setup(int n, int waiting)
{
	for (int i = 0; i < n; i++) {
		struct fake *f = &fakes[i];

		memset(f, 0, sizeof(*f));
		f->dev.name = names[i];
		f->dev.priv = f;
		f->waiting = waiting;
		netif_napi_add(&f->dev, &f->napi, fake_poll, NAPI_POLL_WEIGHT);
	}
}

/* 100 waiting, weight 64: the first run polls 64 and leaves the napi
 * scheduled, the device masked and NET_RX raised; the second takes 36,
 * completes and unmasks. */
static void budget_rule(struct ktest *t)
{
	struct fake *f = &fakes[0];

	setup(1, 100);
	local_bh_disable();
	fake_top_half(f);
	net_rx_action_budget(NETDEV_BUDGET);
	EXPECT_EQ(t, f->polls, 1);
	EXPECT_EQ(t, f->last_work, 64);
	EXPECT_TRUE(t, napi_scheduled(&f->napi));
	EXPECT_TRUE(t, f->masked);
	EXPECT_TRUE(t, local_softirq_pending() & (1u << NET_RX_SOFTIRQ));
	EXPECT_EQ(t, f->dev.stats.napi_budget_spent, 1);

	net_rx_action_budget(NETDEV_BUDGET);
	EXPECT_EQ(t, f->polls, 2);
	EXPECT_EQ(t, f->last_work, 36);
	EXPECT_TRUE(t, f->masked_at_poll); /* masked all along */
	EXPECT_FALSE(t, napi_scheduled(&f->napi));
	EXPECT_FALSE(t, f->masked);
	EXPECT_EQ(t, f->dev.stats.napi_polls, 2);
	EXPECT_EQ(t, f->dev.stats.napi_budget_spent, 1);
	local_bh_enable(); /* the raised NET_RX finds an empty list */
	EXPECT_EQ(t, f->polls, 2);
}

/* Two interrupts before the poll: one poll (the SCHED bit). */
static void schedule_twice_is_one_poll(struct ktest *t)
{
	struct fake *f = &fakes[0];

	setup(1, 10);
	local_bh_disable();
	fake_top_half(f);
	fake_top_half(f);
	local_bh_enable(); /* runs NET_RX here */
	EXPECT_EQ(t, f->polls, 1);
	EXPECT_EQ(t, f->waiting, 0);
	EXPECT_FALSE(t, napi_scheduled(&f->napi));
}

/* Six busy napis, 64 each: the action stops after five (320 >= 300),
 * counts a squeeze and raises NET_RX again; the sixth is polled first in
 * the next run, then the five that stayed busy. */
static void action_budget_reraises(struct ktest *t)
{
	unsigned int cpu = smp_processor_id();
	unsigned long squeezed;

	setup(FAKES, 1000);
	local_bh_disable();
	for (int i = 0; i < FAKES; i++)
		fake_top_half(&fakes[i]);
	squeezed = napi_cpu_stat(cpu)->time_squeeze;
	net_rx_action_budget(NETDEV_BUDGET);
	for (int i = 0; i < FAKES - 1; i++)
		EXPECT_EQ(t, fakes[i].polls, 1);
	EXPECT_EQ(t, fakes[FAKES - 1].polls, 0);
	EXPECT_EQ(t, napi_cpu_stat(cpu)->time_squeeze, squeezed + 1);
	EXPECT_TRUE(t, local_softirq_pending() & (1u << NET_RX_SOFTIRQ));

	net_rx_action_budget(NETDEV_BUDGET);
	EXPECT_EQ(t, fakes[FAKES - 1].polls, 1);
	EXPECT_EQ(t, fakes[0].polls, 2);
	EXPECT_EQ(t, fakes[3].polls, 2);
	EXPECT_EQ(t, fakes[4].polls, 1); /* the budget ran out again */

	for (int i = 0; i < FAKES; i++)
		fakes[i].waiting = 0; /* let them all complete */
	local_bh_enable();
	EXPECT_TRUE(t, KTEST_WAIT_FOR(!napi_scheduled(&fakes[0].napi) &&
				      !napi_scheduled(&fakes[4].napi)));
	for (int i = 0; i < FAKES; i++)
		EXPECT_FALSE(t, fakes[i].masked);
}

/* Scheduled from a top half: polled in softirq context (irq_exit), on
 * the CPU whose top half scheduled it. */
static void poll_runs_in_softirq_here(struct ktest *t)
{
	struct fake *f = &fakes[0];

	setup(1, 3);
	irq_offload(fake_top_half, f);
	EXPECT_EQ(t, f->polls, 1);
	EXPECT_TRUE(t, f->serving);
	EXPECT_FALSE(t, f->hardirq);
	EXPECT_EQ(t, f->cpu, smp_processor_id());
	EXPECT_EQ(t, f->napi.last_cpu, smp_processor_id());
}

static volatile bool remote_done;

static int remote_top_half(void *arg)
{
	irq_offload(fake_top_half, arg);
	remote_done = true;
	return 0;
}

/* The same from a thread on the last CPU: polled there, not here. */
static void poll_runs_on_the_scheduling_cpu(struct ktest *t)
{
	struct fake *f = &fakes[0];
	unsigned int cpu = nr_cpus - 1;
	struct thread *th;

	KTEST_SKIP_UNLESS_SMP(t);
	setup(1, 3);
	remote_done = false;
	th = kthread_create_on_cpu(remote_top_half, f, cpu, "napi_remote");
	ASSERT_TRUE(t, th != NULL);
	wake_up_new_thread(th);
	ASSERT_TRUE(t, KTEST_WAIT_FOR(remote_done && f->polls == 1));
	EXPECT_EQ(t, f->cpu, cpu);
	EXPECT_TRUE(t, f->serving);
}

/* netif_rx: a full backlog refuses and counts the drop. */
static void backlog_full_counts_drops(struct ktest *t)
{
	static uint8_t frame[ETH_ZLEN];
	struct fake *f = &fakes[0];
	int refused = 0;

	setup(1, 0);
	memset(frame, 0xff, ETH_ALEN); /* broadcast, EtherType 0 */
	local_bh_disable();
	for (int i = 0; i < NETIF_RX_BACKLOG + 3; i++)
		if (netif_rx(&f->dev, frame, sizeof(frame)))
			refused++;
	EXPECT_EQ(t, refused, 3);
	EXPECT_EQ(t, f->dev.stats.rx_dropped, 3);
	EXPECT_EQ(t, netif_rx_backlog_len(), NETIF_RX_BACKLOG);
	local_bh_enable(); /* the backlog napi hands them up */
	EXPECT_TRUE(t, KTEST_WAIT_FOR(netif_rx_backlog_len() == 0));
}

/* lo: a frame sent is received (NET_TX moves it, NET_RX delivers). */
static void loopback_frame_comes_back(struct ktest *t)
{
	static uint8_t frame[ETH_ZLEN];
	struct net_device *lo = loopback_dev();
	unsigned long tx = lo->stats.tx_packets, rx = lo->stats.rx_packets;

	memset(frame, 0xff, ETH_ALEN);
	EXPECT_EQ(t, dev_queue_xmit(lo, frame, sizeof(frame)), 0);
	EXPECT_EQ(t, lo->stats.tx_packets, tx + 1);
	EXPECT_TRUE(t, KTEST_WAIT_FOR(lo->stats.rx_packets == rx + 1));
	EXPECT_EQ(t, dev_queue_xmit(lo, frame, 10), -EINVAL);
}

KTEST_SUITE(napi, KTEST_CASE(budget_rule),
	    KTEST_CASE(schedule_twice_is_one_poll),
	    KTEST_CASE(action_budget_reraises),
	    KTEST_CASE(poll_runs_in_softirq_here),
	    KTEST_CASE(poll_runs_on_the_scheduling_cpu),
	    KTEST_CASE(backlog_full_counts_drops),
	    KTEST_CASE(loopback_frame_comes_back));
