/*
 * kernel/cmdline.h - the kernel command line: "key=value" options.
 *
 * The loader passes a string such as "hz=250 ktest=all" (QEMU's -kernel
 * puts the image's path in front: "build/interlude.elf hz=250"; a first
 * word without '=' that looks like a path is skipped). Each option is
 * declared where it is used, with KERNEL_PARAM(name, setter, help): the
 * linker gathers them into one table, so adding an option edits no central
 * list. A setter returns 0, or a negative value if the value is bad (the
 * option is then reported and ignored). Unknown options are warned about
 * and ignored: a typo never stops the boot.
 *
 * Context: cmdline_init() once at boot; cmdline_get() anywhere.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stddef.h>

struct kernel_param {
	const char *name;
	int (*set)(const char *val); /* val is "" for a bare "name" */
	const char *help;
};

#define KERNEL_PARAM(pname, setter, helptext)                   \
	static const struct kernel_param __kparam_##pname       \
		__attribute__((used, section(".kernel_params"), \
			       aligned(4))) = { #pname, setter, helptext }

#define CMDLINE_MAX 512

struct cmdline_result {
	int applied;  /* options a setter accepted */
	int rejected; /* known options with a bad value */
	int unknown;  /* options no one declared */
	int dropped;  /* words past the first 32: not applied (logged) */
};

void cmdline_init(const char *raw);
const char *cmdline_get(void); /* the raw line as the loader gave it */

/* Parse line (modified in place) against params[0..n). Exposed for tests. */
struct cmdline_result
cmdline_parse(char *line, const struct kernel_param *params, size_t n);

extern const struct kernel_param __kernel_params_start[];
extern const struct kernel_param __kernel_params_end[];

#endif
