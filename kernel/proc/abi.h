/*
 * kernel/proc/abi.h - the system call interface, shared by the kernel and
 * the user programs in user/ (the one header both sides include).
 *
 * A call is "int $0x80" with the number in EAX and up to five arguments
 * in EBX, ECX, EDX, ESI, EDI; the result comes back in EAX: >= 0 on
 * success, a negative Linux errno on failure (-ENOSYS for an unknown
 * number, -EFAULT for a pointer that is not the caller's own memory).
 *
 * Context: user space (ring 3). In the kernel, kernel/proc/syscall.c.
 */
#ifndef KERNEL_PROC_ABI_H
#define KERNEL_PROC_ABI_H

#include <stdint.h>

enum syscall_nr {
	SYS_exit = 0,	      /* exit(code): never returns */
	SYS_write = 1,	      /* write(fd 1|2, buf, len): to the console */
	SYS_read = 2,	      /* read(fd 0, buf, len): console input, blocks */
	SYS_getpid = 3,	      /* getpid() */
	SYS_sleep_ms = 4,     /* sleep_ms(ms): at most SLEEP_MS_MAX */
	SYS_yield = 5,	      /* yield() */
	SYS_irq_attach = 6,   /* irq_attach(irq, flags): a handle */
	SYS_irq_wait = 7,     /* irq_wait(handle, flags): the event count */
	SYS_irq_ack = 8,      /* irq_ack(handle): unmask the line */
	SYS_irq_detach = 9,   /* irq_detach(handle) */
	SYS_ioperm = 10,      /* ioperm(from, num, on) */
	SYS_irq_info = 11,    /* irq_info(handle, struct irq_info *) */
	SYS_mmap_device = 12, /* mmap_device(phys, len): a user address */
	SYS_pci_find = 13,    /* pci_find(vendor, device, struct pci_info *) */
	SYS_port_in = 14,     /* port_in(port): the byte, through the kernel */
	SYS_port_out = 15,    /* port_out(port, byte): filtered by the policy */
	SYS_net_send = 16,    /* net_send(packets): onto the loopback "lo" */
	SYS_softirq_runs = 17, /* softirq_runs(slot, struct softirq_runs *) */
	NR_SYSCALLS
};

#define SLEEP_MS_MAX	  60000

/* irq_attach flags */
#define IRQ_ATTACH_NOMASK 0x1 /* count only, never mask (edge lines only) */

/* irq_wait flags */
#define IRQ_WAIT_NONBLOCK 0x1 /* -EAGAIN instead of blocking */

/* What irq_info reports about an attached line. */
struct irq_info {
	uint32_t irq;
	uint32_t events;   /* interrupts the kernel's top half saw */
	uint32_t acks;	   /* irq_ack calls that unmasked the line */
	uint32_t masked;   /* 1 while the line waits for an ack */
	uint64_t last_tsc; /* TSC when the top half last ran */
	uint32_t level;	   /* 1 for a level-triggered line */
	uint32_t reserved;
};

/* What pci_find reports about a PCI function. */
struct pci_info {
	uint32_t irq;	    /* its interrupt line (ISA IRQ), 0 if none */
	uint32_t bar0;	    /* physical address of its first memory BAR */
	uint32_t bar0_size; /* bytes */
	uint32_t bdf;	    /* bus << 8 | device << 3 | function */
};

/*
 * Where a softirq ran: the kernel counts each execution of a slot by the
 * place that ran the loop (kernel/bh/softirq.c), and softirq_runs reports
 * this CPU's counts for one slot.
 */
enum softirq_place {
	SOFTIRQ_AT_IRQ_EXIT,   /* irq_exit of a hardware interrupt */
	SOFTIRQ_AT_EXCEPTION,  /* return from an exception (vectors 0-31) */
	SOFTIRQ_AT_SYSCALL,    /* return from a system call (int 0x80) */
	SOFTIRQ_AT_BH_ENABLE,  /* local_bh_enable ending the last section */
	SOFTIRQ_AT_DO_SOFTIRQ, /* an explicit do_softirq() */
	SOFTIRQ_AT_KSOFTIRQD,  /* the ksoftirqd/N thread */
	NR_SOFTIRQ_PLACES
};

struct softirq_runs {
	uint32_t runs;			/* executions, wherever they ran */
	uint32_t at[NR_SOFTIRQ_PLACES]; /* ... by place */
};

/* Softirq slot numbers a program may ask about (kernel/bh/softirq.h). */
#define ABI_NET_TX_SOFTIRQ 2
#define ABI_NET_RX_SOFTIRQ 3
#define NET_SEND_MAX	   64 /* packets per net_send call */

#define SYSCALL_VECTOR_NR  0x80

#endif
