/* kernel/net/napi.c - NAPI poll lists and the NET_RX action; see napi.h. */
#include "kernel/net/napi.h"

#include "kernel/arch/cpu.h"
#include "kernel/bh/softirq.h"
#include "kernel/net/netdev.h"
#include "kernel/sched/spinlock.h"
#include "kernel/sched/time.h"
#include "kernel/trace/trace.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/string.h"

/* A singly linked list of napis, in the order they were scheduled. */
struct napi_list {
	struct napi_struct *head, *tail;
};

/* Each CPU's poll list: touched only by that CPU, with IRQs off (a top
 * half adds to it, NET_RX takes from it). */
static struct napi_list poll_list[MAX_CPUS];
static struct napi_cpu_stat cpu_stat[MAX_CPUS];

static void list_add_tail(struct napi_list *l, struct napi_struct *n)
{
	n->next = NULL;
	if (l->tail)
		l->tail->next = n;
	else
		l->head = n;
	l->tail = n;
}

static struct napi_struct *list_pop(struct napi_list *l)
{
	struct napi_struct *n = l->head;

	if (n) {
		l->head = n->next;
		if (!l->head)
			l->tail = NULL;
		n->next = NULL;
	}
	return n;
}

/* Append all of from to l; from becomes empty. (Unused in lab 8's
 * starter tree, which has no leftovers to put back.) */
static __attribute__((unused)) void list_splice_tail(struct napi_list *l,
						     struct napi_list *from)
{
	if (!from->head)
		return;
	if (l->tail)
		l->tail->next = from->head;
	else
		l->head = from->head;
	l->tail = from->tail;
	from->head = from->tail = NULL;
}

void netif_napi_add(struct net_device *dev, struct napi_struct *napi,
		    int (*poll)(struct napi_struct *, int), int weight)
{
	*napi = (struct napi_struct){ .poll = poll,
				      .weight = weight,
				      .dev = dev };
}

bool napi_schedule_prep(struct napi_struct *napi)
{
	return !test_and_set_bit(NAPI_STATE_SCHED, &napi->state);
}

/* Onto this CPU's list; NET_RX will run here (at this top half's
 * irq_exit, typically). */
void __napi_schedule(struct napi_struct *napi)
{
	unsigned long flags = local_irq_save();

	list_add_tail(&poll_list[smp_processor_id()], napi);
	raise_softirq_irqoff(NET_RX_SOFTIRQ);
	local_irq_restore(flags);
}

bool napi_complete_done(struct napi_struct *napi, int work_done)
{
	(void)work_done;
	napi->completions++; /* before SCHED goes: napi_poll reads it */
	clear_bit(NAPI_STATE_SCHED, &napi->state);
	return true;
}

bool napi_scheduled(const struct napi_struct *napi)
{
	return test_bit(NAPI_STATE_SCHED, &napi->state);
}

/* LAB napi BEGIN */
/* One poll with the napi's weight. A poll that used all of it without
 * completing has more waiting: it goes on repoll, to be polled in the
 * next run of NET_RX (not this one: every napi gets one turn per run).
 * "Without completing" is told by the completion count, not the SCHED
 * bit: once completed, a top half on another CPU may already have
 * scheduled it again, onto that CPU's list. */
static int napi_poll(struct napi_struct *n, struct napi_list *repoll)
{
	struct net_device *dev = n->dev;
	int work;

	unsigned long completions = n->completions;

	n->last_cpu = smp_processor_id();
	work = n->poll(n, n->weight);
	if (work > n->weight)
		work = n->weight; /* a driver bug; never count more */
	trace_event(TRACE_NAPI_POLL, (uint32_t)(dev ? dev->name : "backlog"),
		    work, n->weight);
	if (dev) {
		dev->stats.napi_polls++;
		if (work == n->weight)
			dev->stats.napi_budget_spent++;
	}
	if (work == n->weight && n->completions == completions)
		list_add_tail(repoll, n);
	return work;
}

void net_rx_action_budget(int budget)
{
	unsigned int cpu = smp_processor_id();
	struct napi_cpu_stat *st = &cpu_stat[cpu];
	struct napi_list list, repoll = { 0 };
	unsigned long start = jiffies;
	struct napi_struct *n;

	st->runs++;
	local_irq_disable();
	list = poll_list[cpu];
	poll_list[cpu] = (struct napi_list){ 0 };
	local_irq_enable();

	while ((n = list_pop(&list))) {
		int work = napi_poll(n, &repoll);

		st->processed += work;
		budget -= work;
		if (budget <= 0 || jiffies - start >= NETDEV_BUDGET_TICKS) {
			st->time_squeeze++;
			break;
		}
	}

	/* What is left - not polled this run, scheduled meanwhile by a top
	 * half, or still busy - is the next run's list; raise it again. */
	local_irq_disable();
	list_splice_tail(&list, &poll_list[cpu]); /* unpolled, then new */
	list_splice_tail(&list, &repoll);	  /* then the busy ones */
	poll_list[cpu] = list;
	if (poll_list[cpu].head)
		raise_softirq_irqoff(NET_RX_SOFTIRQ);
	local_irq_enable();
}
/* LAB napi END */
/* LAB napi STUB: the starter tree has this instead */
#if 0
/* One poll: everything the device has, whatever its weight. */
#define NO_BUDGET 0x7fffffff
static int napi_poll(struct napi_struct *n, struct napi_list *repoll)
{
	struct net_device *dev = n->dev;
	int work;

	(void)repoll;
	n->last_cpu = smp_processor_id();
	work = n->poll(n, NO_BUDGET);
	trace_event(TRACE_NAPI_POLL, (uint32_t)(dev ? dev->name : "backlog"),
		    work, n->weight);
	if (dev)
		dev->stats.napi_polls++;
	return work;
}

void net_rx_action_budget(int budget)
{
	unsigned int cpu = smp_processor_id();
	struct napi_cpu_stat *st = &cpu_stat[cpu];
	struct napi_list list;
	struct napi_struct *n;

	(void)budget;
	st->runs++;
	local_irq_disable();
	list = poll_list[cpu];
	poll_list[cpu] = (struct napi_list){ 0 };
	local_irq_enable();
	/* Your code: poll each napi with its weight; one that used all of it
	 * without completing is polled again in the next run, not this one;
	 * the run stops after `budget` packets or NETDEV_BUDGET_TICKS and
	 * raises NET_RX for what is left (docs/labs/08-napi.md). */
	while ((n = list_pop(&list)))
		st->processed += napi_poll(n, NULL);
}
#endif /* LAB napi STUB END */

static void net_rx_action(void)
{
	net_rx_action_budget(NETDEV_BUDGET);
}

const struct napi_cpu_stat *napi_cpu_stat(unsigned int cpu)
{
	return cpu < MAX_CPUS ? &cpu_stat[cpu] : NULL;
}

/*
 * The backlog: netif_rx's queue, a ring of frame copies. Top halves on
 * any CPU add at head under the lock; the backlog napi (SCHED: one poller
 * at a time) takes the frame at tail, hands it up, then advances tail -
 * the slot is not reused before that, so the stack reads it unlocked.
 */
struct backlog_slot {
	struct net_device *dev;
	unsigned int len;
	uint8_t data[ETH_FRAME_LEN];
};

static struct backlog_slot backlog[NETIF_RX_BACKLOG];
static unsigned int backlog_head, backlog_tail; /* free-running */
static DEFINE_SPINLOCK(backlog_lock);
static struct napi_struct backlog_napi;

unsigned int netif_rx_backlog_len(void)
{
	return backlog_head - backlog_tail;
}

int netif_rx(struct net_device *dev, const void *frame, unsigned int len)
{
	unsigned long flags = spin_lock_irqsave(&backlog_lock);
	struct backlog_slot *s;

	if (netif_rx_backlog_len() == NETIF_RX_BACKLOG || len > ETH_FRAME_LEN) {
		dev->stats.rx_dropped++;
		spin_unlock_irqrestore(&backlog_lock, flags);
		return -ENOSPC;
	}
	s = &backlog[backlog_head % NETIF_RX_BACKLOG];
	s->dev = dev;
	s->len = len;
	memcpy(s->data, frame, len);
	backlog_head++;
	spin_unlock_irqrestore(&backlog_lock, flags);
	napi_schedule(&backlog_napi);
	return 0;
}

static int process_backlog(struct napi_struct *napi, int budget)
{
	int work = 0;

	while (work < budget) {
		unsigned long flags = spin_lock_irqsave(&backlog_lock);
		bool empty = backlog_head == backlog_tail;
		struct backlog_slot *s =
			&backlog[backlog_tail % NETIF_RX_BACKLOG];

		if (empty) {
			/* Complete under the lock: a netif_rx after this
			 * sees SCHED clear and schedules us again. */
			napi_complete_done(napi, work);
			spin_unlock_irqrestore(&backlog_lock, flags);
			break;
		}
		spin_unlock_irqrestore(&backlog_lock, flags);
		trace_event(TRACE_NETIF_RECEIVE_SKB, (uint32_t)s->dev->name,
			    s->len, 0);
		netif_receive_skb(s->dev, s->data, s->len);
		flags = spin_lock_irqsave(&backlog_lock);
		backlog_tail++;
		spin_unlock_irqrestore(&backlog_lock, flags);
		work++;
	}
	return work;
}

void napi_init(void)
{
	netif_napi_add(NULL, &backlog_napi, process_backlog, NAPI_POLL_WEIGHT);
	open_softirq(NET_RX_SOFTIRQ, net_rx_action);
}
