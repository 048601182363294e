/* drivers/pci/pci.c - see pci.h. */
#include "drivers/pci/pci.h"

#include <stddef.h>

#include "kernel/arch/cpu.h"
#include "kernel/arch/io.h"
#include "kernel/printk.h"
#include "kernel/uio/uio.h"

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA	   0xcfc
#define PCI_ENABLE	   0x80000000u

#define PCI_VENDOR_ID	   0x00 /* vendor 15:0, device 31:16 */
#define PCI_COMMAND	   0x04 /* command 15:0, status 31:16 */
#define PCI_CLASS	   0x08 /* revision 7:0, class code 31:8 */
#define PCI_HEADER_TYPE	   0x0e /* byte; bit 7: multi-function */
#define PCI_BAR0	   0x10
#define PCI_INTERRUPT	   0x3c /* line 7:0, pin 15:8 */
#define BAR_IO		   0x1	/* bit 0: I/O space BAR */
#define BAR_MEM_MASK	   0xfffffff0u
#define CMD_MEMORY	   (1u << 1) /* answer memory BAR accesses */
#define CMD_MASTER	   (1u << 2) /* may start DMA (bus master) */
#define CMD_INTX_OFF	   (1u << 10)

static struct pci_device devices[PCI_MAX_DEVICES];
static unsigned int nr_devices;

static uint32_t config_address(uint8_t bus, uint8_t dev, uint8_t fn,
			       uint8_t reg)
{
	return PCI_ENABLE | (uint32_t)bus << 16 | (uint32_t)dev << 11 |
	       (uint32_t)fn << 8 | (reg & 0xfc);
}

static uint32_t pci_read32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t reg)
{
	outl(PCI_CONFIG_ADDRESS, config_address(bus, dev, fn, reg));
	return inl(PCI_CONFIG_DATA);
}

static void pci_write32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t reg,
			uint32_t v)
{
	outl(PCI_CONFIG_ADDRESS, config_address(bus, dev, fn, reg));
	outl(PCI_CONFIG_DATA, v);
}

/* A memory BAR's size: write all ones, read back which bits stick. */
static uint32_t bar_size(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t bar)
{
	unsigned long flags = local_irq_save();
	uint32_t probe;

	pci_write32(bus, dev, fn, PCI_BAR0, 0xffffffffu);
	probe = pci_read32(bus, dev, fn, PCI_BAR0) & BAR_MEM_MASK;
	pci_write32(bus, dev, fn, PCI_BAR0, bar);
	local_irq_restore(flags);
	return probe ? ~probe + 1 : 0;
}

static void record(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t id)
{
	struct pci_device *d = &devices[nr_devices];
	uint32_t bar, intr;

	if (nr_devices == PCI_MAX_DEVICES)
		return;
	bar = pci_read32(bus, dev, fn, PCI_BAR0);
	intr = pci_read32(bus, dev, fn, PCI_INTERRUPT);
	d->bus = bus;
	d->dev = dev;
	d->fn = fn;
	d->vendor = id & 0xffff;
	d->device = id >> 16;
	d->class_code = pci_read32(bus, dev, fn, PCI_CLASS) >> 8;
	d->irq_line = intr & 0xff;
	d->irq_pin = (intr >> 8) & 0xff;
	if (bar && !(bar & BAR_IO)) {
		d->bar0 = bar & BAR_MEM_MASK;
		d->bar0_size = bar_size(bus, dev, fn, bar);
	}
	nr_devices++;
	pr_info("pci: %02x:%02x.%u %04x:%04x class %06lx, irq %u (pin %u), bar0 0x%08lx+0x%lx\n",
		bus, dev, fn, d->vendor, d->device,
		(unsigned long)d->class_code, d->irq_pin ? d->irq_line : 0,
		d->irq_pin, (unsigned long)d->bar0,
		(unsigned long)d->bar0_size);
	if (d->irq_pin && d->bar0 && d->bar0_size)
		uio_register_mmio(d->irq_line, d->bar0, d->bar0_size);
}

void pci_init(void)
{
	for (uint8_t dev = 0; dev < 32; dev++) {
		uint32_t id = pci_read32(0, dev, 0, PCI_VENDOR_ID);
		uint8_t fns;

		if ((id & 0xffff) == 0xffff)
			continue; /* nothing in this slot */
		fns = (pci_read32(0, dev, 0, PCI_HEADER_TYPE) >> 16) & 0x80 ? 8
									    : 1;
		for (uint8_t fn = 0; fn < fns; fn++) {
			id = pci_read32(0, dev, fn, PCI_VENDOR_ID);
			if ((id & 0xffff) != 0xffff)
				record(0, dev, fn, id);
		}
	}
}

unsigned int pci_count(void)
{
	return nr_devices;
}

const struct pci_device *pci_get(unsigned int i)
{
	return i < nr_devices ? &devices[i] : NULL;
}

const struct pci_device *pci_find(uint16_t vendor, uint16_t device)
{
	for (unsigned int i = 0; i < nr_devices; i++)
		if (devices[i].vendor == vendor && devices[i].device == device)
			return &devices[i];
	return NULL;
}

/* Memory decoding on, bus mastering on, INTx not disabled. Only the
 * command half of the register is written: status bits are write-1-to-
 * clear, so writing back what was read would clear them. */
void pci_enable_bus_master(const struct pci_device *d)
{
	uint32_t cmd = pci_read32(d->bus, d->dev, d->fn, PCI_COMMAND) & 0xffff;

	cmd = (cmd | CMD_MEMORY | CMD_MASTER) & ~CMD_INTX_OFF;
	pci_write32(d->bus, d->dev, d->fn, PCI_COMMAND, cmd);
}
