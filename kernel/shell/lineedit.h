/*
 * lineedit.h - line editing for the serial shell, as a state machine.
 *
 * The editor is fed one received byte at a time and answers with an
 * event; everything it wants shown goes through the out() callback. It
 * knows nothing about UARTs or threads, so it is tested on the host.
 *
 * Rules:
 *  - Call lineedit_init() once, then lineedit_start() before each line:
 *    it prints the prompt and empties the line.
 *  - lineedit_feed() returns LE_LINE when Enter ends a line; the text is
 *    then lineedit_line(), valid until lineedit_start() or the next
 *    lineedit_feed() (except the LF of a CR LF pair). LE_CANCEL means Ctrl-C abandoned the line.
 *    LE_TOO_LONG means Enter ended a line that did not fit: the caller
 *    prints the error. After any of these the caller calls
 *    lineedit_start() for the next line.
 *  - Keys: printable ASCII inserts at the end; Backspace/DEL erases one
 *    character; Ctrl-U erases the line; Ctrl-C cancels; Up/Down browse
 *    the last LINEEDIT_HISTORY non-empty lines; Tab completes the first
 *    word through the complete() callback. CR, LF, CR LF and LF CR are
 *    each ONE Enter. Other escape sequences, other control bytes and
 *    bytes >= 0x80 are ignored.
 *  - A line holds at most LINEEDIT_MAX - 1 characters. Characters typed
 *    beyond that are dropped without echo and the line is marked as
 *    overflowed: Enter then gives LE_TOO_LONG, even if some characters
 *    were erased meanwhile, because what the user meant was lost.
 *    Ctrl-U clears the mark.
 *  - complete(ctx, prefix, len, matches, max) stores up to max pointers to
 *    strings starting with the len-byte prefix and returns how many. The
 *    strings must stay valid during the call only.
 *  - Erasing uses "\b \b" per character, so it does not cross a line that
 *    the terminal wrapped.
 *  - No locking: one thread owns a struct lineedit.
 *
 * Context: any; does not sleep (out() and complete() must not either, if
 * the caller needs that).
 */
#ifndef KERNEL_SHELL_LINEEDIT_H
#define KERNEL_SHELL_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>

#define LINEEDIT_MAX	 128 /* bytes incl. NUL: lines of at most 127 characters */
#define LINEEDIT_HISTORY 16
#define LINEEDIT_MATCHES 32 /* most completions shown for one Tab */

enum lineedit_event { LE_NONE, LE_LINE, LE_CANCEL, LE_TOO_LONG };

/* Where we are inside an escape sequence (ESC [ ... or ESC O x). */
enum lineedit_esc { LE_ESC_NONE, LE_ESC_START, LE_ESC_CSI, LE_ESC_SS3 };

struct lineedit {
	char buf[LINEEDIT_MAX];
	size_t len;    /* buf[len] is always '\0' */
	bool overflow; /* characters were dropped from this line */
	enum lineedit_esc esc;
	char last_enter; /* '\r' or '\n' if the previous byte ended a line */
	bool line_done;	 /* buf holds a finished line until the next feed */

	char history[LINEEDIT_HISTORY][LINEEDIT_MAX]; /* [0] is the newest */
	int hist_count;
	int hist_pos; /* entry on screen, or -1 for a new line */

	const char *prompt;
	void (*out)(void *ctx, const char *s, size_t n);
	int (*complete)(void *ctx, const char *prefix, size_t len,
			const char **matches, int max);
	void *ctx;
};

/* complete may be NULL (Tab is then ignored); prompt may be NULL. */
void lineedit_init(struct lineedit *le, const char *prompt,
		   void (*out)(void *ctx, const char *s, size_t n), void *ctx,
		   int (*complete)(void *ctx, const char *prefix, size_t len,
				   const char **matches, int max));
void lineedit_start(struct lineedit *le);
enum lineedit_event lineedit_feed(struct lineedit *le, char c);
const char *lineedit_line(struct lineedit *le);

#endif /* KERNEL_SHELL_LINEEDIT_H */
