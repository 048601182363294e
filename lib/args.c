/*
 * args.c - in-place word splitting with a read and a write cursor.
 *
 * Removing quote characters makes words shorter, so the write cursor
 * never overtakes the read cursor and one pass over the line suffices.
 */
#include <stdbool.h>
#include <stddef.h>
#include "lib/args.h"
#include "lib/errno.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Copy one word from *rp to w, dropping quotes and escapes. Leaves *rp
 * on the byte that ended the word (a blank or the NUL). Returns the end
 * of the copied word, or NULL for an unterminated quote.
 */
static char *copy_word(const char **rp, char *w)
{
	const char *r = *rp;
	bool quoted = false;

	while (*r && (quoted || !is_blank(*r))) {
		if (*r == '"') {
			quoted = !quoted;
			r++;
		} else if (quoted && *r == '\\' &&
			   (r[1] == '"' || r[1] == '\\')) {
			*w++ = r[1];
			r += 2;
		} else {
			*w++ = *r++;
		}
	}
	*rp = r;
	return quoted ? NULL : w;
}

/* The write cursor never passes the read cursor, so the words not yet
 * split (from r on) are still the caller's text when we stop early. */
int split_args_rest(char *line, char **argv, int max_args, char **rest)
{
	char *r = line;
	char *w = line;
	int argc = 0;

	*rest = NULL;
	for (;;) {
		while (is_blank(*r))
			r++;
		if (!*r)
			break;
		if (argc == max_args) {
			*rest = r;
			break;
		}
		argv[argc++] = w;
		w = copy_word((const char **)&r, w);
		if (!w)
			return -EINVAL;
		/* Step over the blank before writing: w may point at it. */
		if (*r)
			r++;
		*w++ = '\0';
	}
	argv[argc] = NULL;
	return argc;
}

int split_args(char *line, char **argv, int max_args)
{
	char *rest;
	int argc = split_args_rest(line, argv, max_args, &rest);

	return argc >= 0 && rest ? -E2BIG : argc;
}
