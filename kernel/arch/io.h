/*
 * kernel/arch/io.h - x86 port I/O.
 *
 * Context: any; does not sleep.
 */
#ifndef KERNEL_ARCH_IO_H
#define KERNEL_ARCH_IO_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t val)
{
	asm volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t val)
{
	asm volatile("outw %0, %1" : : "a"(val), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t val)
{
	asm volatile("outl %0, %1" : : "a"(val), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t val;

	asm volatile("inl %1, %0" : "=a"(val) : "Nd"(port));
	return val;
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t val;

	asm volatile("inb %1, %0" : "=a"(val) : "Nd"(port));
	return val;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t val;

	asm volatile("inw %1, %0" : "=a"(val) : "Nd"(port));
	return val;
}

/* Read/write n 16-bit words at buf from/to one port: the PIO data
 * transfer of an ATA drive (256 words per sector). */
static inline void insw(uint16_t port, void *buf, uint32_t n)
{
	asm volatile("rep insw" : "+D"(buf), "+c"(n) : "d"(port) : "memory");
}

static inline void outsw(uint16_t port, const void *buf, uint32_t n)
{
	asm volatile("rep outsw" : "+S"(buf), "+c"(n) : "d"(port) : "memory");
}

/* A write to an unused port takes about 1 us on real hardware: the classic
 * delay between 8259 initialisation words. Harmless under QEMU. */
static inline void io_wait(void)
{
	outb(0x80, 0); /* POST diagnostic port */
}

#endif
