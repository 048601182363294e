/*
 * kernel/net/napi.h - NAPI: receive by polling, scheduled from the
 * interrupt, run on NET_RX (Linux's "New API", its names).
 *
 * A device that interrupts once per frame can be kept so busy by a flood
 * that the CPU does nothing but take its interrupts: receive livelock.
 * NAPI turns the interrupt into a doorbell:
 *
 *   top half      reads the cause (acks), masks the device's interrupts,
 *                 napi_schedule(): the napi goes on this CPU's poll list
 *                 and NET_RX is raised
 *   NET_RX        net_rx_action() calls each scheduled napi's poll(napi,
 *                 weight) once per run. The poll takes at most `weight`
 *                 frames off its ring (the budget) and hands each to the
 *                 stack. A poll that used its whole budget stays scheduled
 *                 (more is waiting; the device stays masked) and NET_RX is
 *                 raised again; one that caught up calls
 *                 napi_complete_done(), and the driver unmasks.
 *
 * A poll that used its whole budget and did not complete is polled again
 * in the next run; one that completed is not, until scheduled again.
 *
 * The action as a whole stops early after NETDEV_BUDGET frames or
 * NETDEV_BUDGET_TICKS ticks (counted in time_squeeze) and re-raises
 * NET_RX: under a flood every pass of the softirq loop finds NET_RX
 * raised again, the loop spends its restart budget and ksoftirqd takes
 * over - the flood is paced by the scheduler instead of the interrupt.
 *
 * Each napi is polled on the CPU that scheduled it (the poll list is per
 * CPU and NET_RX runs where it was raised); the SCHED bit makes a second
 * napi_schedule before the poll a no-op, so one napi is never on two
 * lists or polled on two CPUs at once.
 *
 * netif_rx() is the pre-NAPI path (the napi=off boot option): a top half
 * copies a frame into the backlog queue and the backlog's own napi hands
 * it to the stack on NET_RX. A full backlog drops (rx_dropped).
 *
 * Context: netif_napi_add at init (task context); napi_schedule and
 * netif_rx from any context (a top half, typically); napi_complete_done
 * from the napi's own poll; net_rx_action is NET_RX's action (softirq),
 * net_rx_action_budget the same for tests (bottom halves off, task);
 * napi_scheduled, netif_rx_backlog_len, napi_cpu_stat anywhere (reads).
 */
#ifndef KERNEL_NET_NAPI_H
#define KERNEL_NET_NAPI_H

#include <stdbool.h>

#include "kernel/percpu.h"

#define NAPI_POLL_WEIGHT    64	/* frames per poll, Linux's default */
#define NETDEV_BUDGET	    300 /* frames per net_rx_action run */
#define NETDEV_BUDGET_TICKS 2	/* ... or this many ticks */
#define NETIF_RX_BACKLOG    256 /* frames netif_rx can hold */

enum napi_state_bits {
	NAPI_STATE_SCHED, /* on a poll list, or being polled */
};

struct net_device;

struct napi_struct {
	struct napi_struct *next; /* on a CPU's poll list */
	unsigned long state;	  /* NAPI_STATE_* bits */
	int weight;
	/* Take at most budget frames; returns how many it took. If fewer,
	 * it has caught up and calls napi_complete_done. */
	int (*poll)(struct napi_struct *napi, int budget);
	struct net_device *dev;
	unsigned int last_cpu;	   /* where it was last polled */
	unsigned long completions; /* napi_complete_done calls */
};

/* NET_RX's work on one CPU (Linux's softnet_stat). */
struct napi_cpu_stat {
	unsigned long runs;	    /* net_rx_action runs */
	unsigned long processed;    /* frames the polls took */
	unsigned long time_squeeze; /* runs stopped by NETDEV_BUDGET/ticks */
};

void napi_init(void); /* opens NET_RX */
void netif_napi_add(struct net_device *dev, struct napi_struct *napi,
		    int (*poll)(struct napi_struct *, int), int weight);
/* Claim the SCHED bit: true if the caller must now __napi_schedule. */
bool napi_schedule_prep(struct napi_struct *napi);
void __napi_schedule(struct napi_struct *napi);
static inline void napi_schedule(struct napi_struct *napi)
{
	if (napi_schedule_prep(napi))
		__napi_schedule(napi);
}
/* The poll caught up after work_done frames: off the list. Returns true
 * (the driver may unmask its interrupts). */
bool napi_complete_done(struct napi_struct *napi, int work_done);
bool napi_scheduled(const struct napi_struct *napi);

/* The pre-NAPI receive path: copy the frame into the backlog. 0, or
 * -ENOSPC (counted in dev's rx_dropped). */
int netif_rx(struct net_device *dev, const void *frame, unsigned int len);
unsigned int netif_rx_backlog_len(void);

const struct napi_cpu_stat *napi_cpu_stat(unsigned int cpu);

/* Tests: the action itself, with a budget other than NETDEV_BUDGET. */
void net_rx_action_budget(int budget);

#endif
