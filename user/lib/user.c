/* user/lib/user.c - see user.h. */
#include "user/lib/user.h"

#include "lib/printf.h"

long syscall3(long nr, long a1, long a2, long a3)
{
	long ret;

	asm volatile("int $0x80"
		     : "=a"(ret)
		     : "a"(nr), "b"(a1), "c"(a2), "d"(a3)
		     : "memory");
	return ret;
}

void exit(int code)
{
	syscall3(SYS_exit, code, 0, 0);
	for (;;)
		; /* exit does not return */
}

long write(int fd, const void *buf, size_t len)
{
	return syscall3(SYS_write, fd, (long)buf, (long)len);
}

long read(int fd, void *buf, size_t len)
{
	return syscall3(SYS_read, fd, (long)buf, (long)len);
}

int getpid(void)
{
	return (int)syscall3(SYS_getpid, 0, 0, 0);
}

int sleep_ms(unsigned int ms)
{
	return (int)syscall3(SYS_sleep_ms, (long)ms, 0, 0);
}

int yield(void)
{
	return (int)syscall3(SYS_yield, 0, 0, 0);
}

int irq_attach(unsigned int irq, unsigned int flags)
{
	return (int)syscall3(SYS_irq_attach, (long)irq, (long)flags, 0);
}

long irq_wait(int handle, unsigned int flags)
{
	return syscall3(SYS_irq_wait, handle, (long)flags, 0);
}

int irq_ack(int handle)
{
	return (int)syscall3(SYS_irq_ack, handle, 0, 0);
}

int irq_detach(int handle)
{
	return (int)syscall3(SYS_irq_detach, handle, 0, 0);
}

int irq_info(int handle, struct irq_info *info)
{
	return (int)syscall3(SYS_irq_info, handle, (long)info, 0);
}

int ioperm(unsigned int from, unsigned int num, int on)
{
	return (int)syscall3(SYS_ioperm, (long)from, (long)num, on);
}

int port_in(unsigned int port)
{
	return (int)syscall3(SYS_port_in, (long)port, 0, 0);
}

int port_out(unsigned int port, unsigned int val)
{
	return (int)syscall3(SYS_port_out, (long)port, (long)val, 0);
}

int printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	write(1, buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}

int puts(const char *s)
{
	write(1, s, strlen(s));
	return (int)write(1, "\n", 1);
}

const char *strerror(long err)
{
	return errno_name((int)err);
}

uint32_t rand32(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

long mmap_device(uint32_t phys, uint32_t len)
{
	return syscall3(SYS_mmap_device, (long)phys, (long)len, 0);
}

int pci_find(uint16_t vendor, uint16_t device, struct pci_info *info)
{
	return (int)syscall3(SYS_pci_find, vendor, device, (long)info);
}

long net_send(unsigned int packets)
{
	return syscall3(SYS_net_send, (long)packets, 0, 0);
}

int softirq_runs(unsigned int nr, struct softirq_runs *out)
{
	return (int)syscall3(SYS_softirq_runs, (long)nr, (long)out, 0);
}
