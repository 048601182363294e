/* kernel/mm/fault.c - the page-fault handler; see fault.h. */
#include "kernel/mm/fault.h"

#include "kernel/arch/cpu.h"
#include "kernel/backtrace.h"
#include "kernel/mm/paging.h"
#include "kernel/printk.h"

static const char *page_state(uint32_t addr)
{
	uint32_t pte = pte_lookup(addr);

	if (!(pte & PTE_PRESENT))
		return "not mapped";
	if (!(pte & PTE_WRITE))
		return "mapped read-only";
	return "mapped read/write";
}

void page_fault_report(const struct trap_frame *f)
{
	uint32_t addr = read_cr2(), err = f->err_code, off;
	const char *sym = ksym_lookup(f->eip, &off);
	struct kstack ks;

	printk(KERN_ERR
	       "page fault: %s %s at 0x%08lx, %s, from %08lx <%s+0x%lx>\n",
	       err & PF_USER ? "user" : "supervisor",
	       err & PF_INSTR	? "instruction fetch"
	       : err & PF_WRITE ? "write"
				: "read",
	       (unsigned long)addr,
	       err & PF_PROT ? "protection violation" : "page not present",
	       (unsigned long)f->eip, sym ? sym : "?",
	       (unsigned long)(sym ? off : 0));
	printk(KERN_ERR "page fault: page 0x%08lx is %s (pte 0x%08lx)%s\n",
	       (unsigned long)(addr & PTE_ADDR_MASK), page_state(addr),
	       (unsigned long)pte_lookup(addr),
	       err & PF_RSVD ? ", reserved bit set" : "");
	if (kstack_guard_hit(addr, &ks))
		printk(KERN_ERR
		       "BUG: stack overflow: guard page hit at 0x%08lx (kernel stack 0x%08lx-0x%08lx, slot %d)\n",
		       (unsigned long)addr, (unsigned long)ks.base,
		       (unsigned long)ks.top - 1, ks.slot);
}

static void page_fault(struct trap_frame *f)
{
	if (!(f->cs & 3)) /* ring 3's faults get a one-line report */
		page_fault_report(f);
	trap_exception_default(f);
}

void page_fault_init(void)
{
	trap_set_handler(TRAP_PF, page_fault);
}
