/* kernel/panic.c - see panic.h. */
#include "kernel/panic.h"

#include <stdarg.h>

#include "drivers/misc/qemu_exit.h"
#include "kernel/arch/cpu.h"
#include "kernel/backtrace.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/printk.h"
#include "kernel/trace/trace.h"
#include "lib/printf.h"
#include "lib/string.h"

bool panic_exits_qemu;
unsigned long warn_count;
static bool in_panic;

void panic(const char *fmt, ...)
{
	char msg[PRINTK_LINE_MAX];
	va_list ap;

	local_irq_disable();
	if (in_panic) /* a fault while panicking: just stop */
		halt_forever();
	in_panic = true;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk(KERN_EMERG "Kernel panic - not syncing: %s\n", msg);
	dump_stack();
	trace_stop_recording();
	trace_flight_dump(); /* what led here, per CPU (if tracing ran) */
	printk(KERN_EMERG "---[ end Kernel panic - not syncing: %s ]---\n",
	       msg);

	if (panic_exits_qemu)
		qemu_exit(QEMU_EXIT_PANIC);
	console_flush();
	halt_forever();
}

void warn_slowpath(const char *file, int line, const char *cond)
{
	warn_count++;
	printk(KERN_WARNING "WARNING: at %s:%d: %s\n", file, line, cond);
	dump_stack();
}

static int panic_param(const char *val)
{
	if (!strcmp(val, "exit"))
		panic_exits_qemu = true;
	else if (!strcmp(val, "halt"))
		panic_exits_qemu = false;
	else
		return -1;
	return 0;
}
KERNEL_PARAM(panic, panic_param, "exit: leave QEMU on panic; halt: stop");
