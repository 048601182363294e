/*
 * user/lib/user.h - the tiny C runtime of Interlude's user programs:
 * system call wrappers (one per call in kernel/proc/abi.h), port I/O for
 * drivers that ioperm() granted, and printf through lib/'s formatter.
 *
 * Errors come back as negative errno values, as from the kernel (no
 * global errno).
 *
 * Context: ring 3 only (int 0x80 from the kernel is refused); inb/outb
 * only on ports ioperm() granted, or the process is killed (#GP).
 */
#ifndef USER_LIB_USER_H
#define USER_LIB_USER_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/proc/abi.h"
#include "lib/errno.h"
#include "lib/string.h"

long syscall3(long nr, long a1, long a2, long a3);

void exit(int code) __attribute__((noreturn));
long write(int fd, const void *buf, size_t len);
long read(int fd, void *buf, size_t len);
int getpid(void);
int sleep_ms(unsigned int ms);
int yield(void);
int irq_attach(unsigned int irq, unsigned int flags);
long irq_wait(int handle, unsigned int flags);
int irq_ack(int handle);
int irq_detach(int handle);
int irq_info(int handle, struct irq_info *info);
int ioperm(unsigned int from, unsigned int num, int on);
/* A port the kernel mediates (the i8042's 0x64): the byte read, or a
 * negative errno; port_out returns 0 or a negative errno (-EPERM for a
 * write the policy refuses, e.g. the i8042's reset command). */
int port_in(unsigned int port);
int port_out(unsigned int port, unsigned int val);
/* A user address for device memory, or a negative errno. */
long mmap_device(uint32_t phys, uint32_t len);
int pci_find(uint16_t vendor, uint16_t device, struct pci_info *info);
/* Queue packets on the kernel's loopback device "lo" (raises NET_TX): the
 * packets queued, or a negative errno (-EINVAL: 0 or > NET_SEND_MAX). */
long net_send(unsigned int packets);
/* This CPU's executions of softirq slot nr, by where they ran. */
int softirq_runs(unsigned int nr, struct softirq_runs *out);

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int puts(const char *s);
const char *strerror(long err);	  /* "EINVAL" for -22 */
uint32_t rand32(uint32_t *state); /* xorshift */

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void outb(uint16_t port, uint8_t val)
{
	asm volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t val;

	asm volatile("inb %1, %0" : "=a"(val) : "Nd"(port));
	return val;
}

#endif
