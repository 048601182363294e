/* kernel/test/bench.c - run benchmarks and print their figures. */
#include "kernel/test/bench.h"

#include <stddef.h>

#include "drivers/misc/qemu_exit.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/sched/time.h"
#include "lib/sort.h"
#include "lib/string.h"

extern const struct bench __benches_start[], __benches_end[];

static char selection[128];

uint64_t bench_median(uint64_t *v, int n)
{
	return median_u64(v, (size_t)n);
}

static bool selected(const char *name)
{
	size_t len = strlen(name);

	if (!strcmp(selection, "all"))
		return true;
	for (const char *p = selection; p; p = strchr(p, ',')) {
		if (*p == ',')
			p++;
		if (!strncmp(p, name, len) && (p[len] == ',' || !p[len]))
			return true;
	}
	return false;
}

int bench_thread(void *arg)
{
	(void)arg;
	console_printf("# bench: TSC %lu kHz (under -icount: instructions)\n",
		       (unsigned long)tsc_khz);
	for (const struct bench *b = __benches_start; b < __benches_end; b++) {
		uint64_t value;

		if (!selected(b->name))
			continue;
		value = b->run();
		if (value == BENCH_SKIPPED)
			console_printf("# bench: %s skipped\n", b->name);
		else
			console_printf("BENCH %s %llu %s\n", b->name,
				       (unsigned long long)value, b->what);
	}
	console_printf("# bench: done\n");
	qemu_exit(QEMU_EXIT_SUCCESS);
}

bool bench_boot_requested(void)
{
	return selection[0] != '\0';
}

static int bench_param(const char *val)
{
	if (!*val || strlen(val) >= sizeof(selection))
		return -1;
	strlcpy(selection, val, sizeof(selection));
	return 0;
}
KERNEL_PARAM(bench, bench_param, "run benchmarks at boot: all or NAME,NAME");
