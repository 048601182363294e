/* kernel/cmdline.c - see cmdline.h. */
#include "kernel/cmdline.h"

#include "kernel/printk.h"
#include "lib/args.h"
#include "lib/errno.h"
#include "lib/string.h"

#define CMDLINE_MAX_ARGS 32

static char cmdline_raw[CMDLINE_MAX];

static const struct kernel_param *
find_param(const char *name, const struct kernel_param *params, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(params[i].name, name))
			return &params[i];
	return NULL;
}

/* Apply one "key=value" (or bare "key") word. */
static void apply_option(char *word, const struct kernel_param *params,
			 size_t n, struct cmdline_result *res)
{
	char *eq = strchr(word, '=');
	const char *val = "";
	const struct kernel_param *p;

	if (eq) {
		*eq = '\0';
		val = eq + 1;
	}
	p = find_param(word, params, n);
	if (!p) {
		pr_warn("cmdline: unknown option '%s' ignored\n", word);
		res->unknown++;
	} else if (p->set(val) < 0) {
		pr_warn("cmdline: bad value '%s' for %s (%s); ignored\n", val,
			word, p->help);
		res->rejected++;
	} else {
		res->applied++;
	}
}

/* 1 if argv[0] is the kernel image's own path ("build/interlude.elf"),
 * which some loaders put in front of the options, else 0. */
static int image_name_words(int argc, char **argv)
{
	if (argc == 0 || strchr(argv[0], '='))
		return 0;
	return strchr(argv[0], '/') || strstr(argv[0], ".elf") ? 1 : 0;
}

/* Words in what is left of a line (it is split up, so after the log). */
static int count_words(char *s)
{
	char *argv[CMDLINE_MAX_ARGS + 1];
	int words = 0;

	while (s) {
		int n = split_args_rest(s, argv, CMDLINE_MAX_ARGS, &s);

		if (n < 0)
			break;
		words += n;
	}
	return words;
}

struct cmdline_result cmdline_parse(char *line,
				    const struct kernel_param *params, size_t n)
{
	struct cmdline_result res = { 0, 0, 0, 0 };
	char *argv[CMDLINE_MAX_ARGS + 1];
	char *rest;
	int argc = split_args_rest(line, argv, CMDLINE_MAX_ARGS, &rest);

	if (argc < 0) {
		pr_warn("cmdline: cannot parse (unterminated quote); options ignored\n");
		return res;
	}
	/* Keep what fits and say exactly what did not. QEMU's -kernel
	 * passes the image's path first; GRUB does not. */
	if (rest)
		pr_warn("cmdline: more than %d words; not applied: %s\n",
			CMDLINE_MAX_ARGS, rest);
	for (int i = image_name_words(argc, argv); i < argc; i++)
		apply_option(argv[i], params, n, &res);
	res.dropped = count_words(rest);
	return res;
}

void cmdline_init(const char *raw)
{
	char copy[CMDLINE_MAX];

	strlcpy(cmdline_raw, raw ? raw : "", sizeof(cmdline_raw));
	if (raw && strlen(raw) >= sizeof(cmdline_raw))
		pr_warn("cmdline: longer than %d bytes, cut\n",
			CMDLINE_MAX - 1);
	strlcpy(copy, cmdline_raw, sizeof(copy));
	pr_info("Command line: %s\n", cmdline_raw);
	cmdline_parse(copy, __kernel_params_start,
		      __kernel_params_end - __kernel_params_start);
}

const char *cmdline_get(void)
{
	return cmdline_raw;
}
