/*
 * drivers/pci/pci.h - PCI configuration space, mechanism #1 (PCI Local
 * Bus spec 3.0, 3.2.2.3.2): write an address to 0xcf8, read or write the
 * 32-bit register at 0xcfc.
 *
 * pci_init() walks bus 0 (every device, every function of a
 * multi-function device) once at boot and remembers each function's IDs,
 * class, first memory BAR and interrupt line. The interrupt line is what
 * the firmware (SeaBIOS) wrote into config register 0x3c: the ISA IRQ its
 * INTx pin is routed to (PIIX PIRQ routing), level-triggered - the MADT's
 * overrides say so for the IOAPIC. A device's memory BARs belong to its
 * line: kernel/uio lets a process map them only while it holds the line.
 *
 * Context: pci_init() once at boot (task context or earlier); the lookups
 * anywhere.
 */
#ifndef DRIVERS_PCI_PCI_H
#define DRIVERS_PCI_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_MAX_DEVICES 32

struct pci_device {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint32_t class_code;	   /* class << 16 | subclass << 8 | prog-if */
	uint32_t bar0, bar0_size;  /* first memory BAR (0: none) */
	uint8_t irq_line, irq_pin; /* 0x3c, 0x3d (pin 0: no INTx) */
};

void pci_init(void);
unsigned int pci_count(void);
const struct pci_device *pci_get(unsigned int i);
const struct pci_device *pci_find(uint16_t vendor, uint16_t device);
/* Let the device decode its memory BARs and master the bus (DMA), as a
 * driver that gives it descriptor rings must. Context: task context. */
void pci_enable_bus_master(const struct pci_device *d);

#endif
