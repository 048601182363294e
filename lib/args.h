/*
 * args.h - split a command line into words, in place.
 *
 * Used by the shell and by the kernel command-line parser.
 *
 * Rules:
 *  - Words are separated by runs of spaces and tabs.
 *  - Double quotes group: `echo "a b" c` gives echo, `a b`, c. Quotes may
 *    appear inside a word and are removed: `ab"c d"e` is the one word
 *    `abc de`. `""` is an empty word. Inside quotes, `\"` and `\\` stand
 *    for `"` and `\`; any other backslash is kept as it is.
 *  - The line is modified: the words are compacted within it and
 *    NUL-terminated, and argv[] points into it. No allocation.
 *  - argv must have room for max_args + 1 pointers: argv[argc] is set to
 *    NULL, like C's main().
 *  - Returns argc (0 for a blank line), -E2BIG if there are more than
 *    max_args words, or -EINVAL for an unterminated quote. After an error
 *    the line and argv contents are unspecified.
 *  - split_args_rest() is the same, except that more than max_args words
 *    is not an error: the first max_args are split, *rest points at the
 *    first word left over (the rest of the line, untouched), and
 *    max_args is returned. *rest is NULL when every word fit.
 *
 * Context: any; does not sleep.
 */
#ifndef LIB_ARGS_H
#define LIB_ARGS_H

int split_args(char *line, char **argv, int max_args);
int split_args_rest(char *line, char **argv, int max_args, char **rest);

#endif /* LIB_ARGS_H */
