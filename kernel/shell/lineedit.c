/*
 * lineedit.c - the line editor state machine.
 *
 * The screen is kept equal to prompt + buf at all times, and the cursor
 * is always at the end of the line: editing happens only at the end, so
 * "\b \b" (back, overwrite with a space, back again) erases one character
 * on any terminal.
 */
#include "kernel/shell/lineedit.h"
#include "lib/string.h"

#define KEY_CTRL_C    0x03
#define KEY_BACKSPACE 0x08
#define KEY_TAB	      0x09
#define KEY_CTRL_U    0x15
#define KEY_ESC	      0x1b
#define KEY_DEL	      0x7f

static void out_str(struct lineedit *le, const char *s)
{
	size_t n = strlen(s);

	if (n)
		le->out(le->ctx, s, n);
}

static void reset_line(struct lineedit *le)
{
	le->len = 0;
	le->buf[0] = '\0';
	le->overflow = false;
	le->hist_pos = -1;
	le->line_done = false;
}

void lineedit_init(struct lineedit *le, const char *prompt,
		   void (*out)(void *ctx, const char *s, size_t n), void *ctx,
		   int (*complete)(void *ctx, const char *prefix, size_t len,
				   const char **matches, int max))
{
	memset(le, 0, sizeof(*le));
	le->prompt = prompt ? prompt : "";
	le->out = out;
	le->ctx = ctx;
	le->complete = complete;
	reset_line(le);
}

/* Stream state (escape sequences, a pending CR LF) is kept on purpose. */
void lineedit_start(struct lineedit *le)
{
	reset_line(le);
	out_str(le, le->prompt);
}

const char *lineedit_line(struct lineedit *le)
{
	return le->buf;
}

static void erase_chars(struct lineedit *le, size_t n)
{
	while (n--)
		out_str(le, "\b \b");
}

/* Append n printable bytes if they all fit; the line is left as is if not. */
static bool append_text(struct lineedit *le, const char *s, size_t n)
{
	if (le->len + n > LINEEDIT_MAX - 1)
		return false;
	memcpy(le->buf + le->len, s, n);
	le->len += n;
	le->buf[le->len] = '\0';
	if (n)
		le->out(le->ctx, s, n);
	return true;
}

static void insert_char(struct lineedit *le, char c)
{
	if (!append_text(le, &c, 1))
		le->overflow = true; /* dropped, and not echoed */
}

static void backspace(struct lineedit *le)
{
	if (!le->len)
		return;
	le->buf[--le->len] = '\0';
	erase_chars(le, 1);
}

static void kill_line(struct lineedit *le)
{
	erase_chars(le, le->len);
	reset_line(le);
}

/* Replace the line, on screen too, e.g. with a history entry. */
static void replace_line(struct lineedit *le, const char *s)
{
	erase_chars(le, le->len);
	le->len = 0;
	le->overflow = false;
	append_text(le, s, strlen(s)); /* history entries always fit */
}

static void history_add(struct lineedit *le)
{
	if (!le->len)
		return;
	if (le->hist_count && !strcmp(le->history[0], le->buf))
		return; /* no consecutive duplicates */
	/* Shift everything one slot older; the oldest falls off the end. */
	memmove(le->history[1], le->history[0],
		sizeof(le->history) - sizeof(le->history[0]));
	strlcpy(le->history[0], le->buf, LINEEDIT_MAX);
	if (le->hist_count < LINEEDIT_HISTORY)
		le->hist_count++;
}

static void history_up(struct lineedit *le)
{
	if (le->hist_pos + 1 >= le->hist_count)
		return; /* already at the oldest entry */
	le->hist_pos++;
	replace_line(le, le->history[le->hist_pos]);
}

static void history_down(struct lineedit *le)
{
	if (le->hist_pos < 0)
		return; /* not browsing */
	le->hist_pos--;
	replace_line(le, le->hist_pos < 0 ? "" : le->history[le->hist_pos]);
}

/* Length of the prefix all n strings share. */
static size_t common_prefix(const char **m, int n)
{
	size_t len = strlen(m[0]);
	int i;

	for (i = 1; i < n; i++) {
		size_t j = 0;

		while (j < len && m[i][j] == m[0][j])
			j++;
		len = j;
	}
	return len;
}

static void list_matches(struct lineedit *le, const char **m, int n)
{
	int i;

	out_str(le, "\r\n");
	for (i = 0; i < n; i++) {
		if (i)
			out_str(le, "  ");
		out_str(le, m[i]);
	}
	out_str(le, "\r\n");
	/* The listing scrolled the line away: draw it again. */
	out_str(le, le->prompt);
	out_str(le, le->buf);
}

static void complete_word(struct lineedit *le, const char **m, int n)
{
	size_t len = le->len, common;

	if (n == 1) {
		size_t rest = strlen(m[0]) - len;

		/* Only complete if the word and the space both fit. */
		if (len + rest + 1 <= LINEEDIT_MAX - 1) {
			append_text(le, m[0] + len, rest);
			append_text(le, " ", 1);
		}
		return;
	}
	common = common_prefix(m, n);
	if (common > len)
		append_text(le, m[0] + len, common - len);
	else
		list_matches(le, m, n);
}

static void tab(struct lineedit *le)
{
	const char *m[LINEEDIT_MATCHES];
	int n, i;

	/* Only the first word (the command) is completed. */
	if (!le->complete || le->overflow || strchr(le->buf, ' '))
		return;
	n = le->complete(le->ctx, le->buf, le->len, m, LINEEDIT_MATCHES);
	if (n > LINEEDIT_MATCHES)
		n = LINEEDIT_MATCHES;
	for (i = 0; i < n; i++) {
		if (strncmp(m[i], le->buf, le->len))
			return; /* a match must extend what was typed */
	}
	if (n > 0)
		complete_word(le, m, n);
}

/*
 * The line is finished. It stays in buf for lineedit_line(); the next
 * feed empties it, so a caller that forgets lineedit_start() does not
 * append to the old line.
 */
static enum lineedit_event end_line(struct lineedit *le)
{
	out_str(le, "\r\n");
	le->line_done = true;
	if (le->overflow)
		return LE_TOO_LONG;
	history_add(le);
	return LE_LINE;
}

static void arrow(struct lineedit *le, unsigned char final)
{
	if (final == 'A')
		history_up(le);
	else if (final == 'B')
		history_down(le);
	/* Left, right and the rest: ignored, the cursor stays at the end. */
}

/*
 * One byte while inside an escape sequence. Returns false if the byte
 * is not part of the sequence (a control byte: the sequence is broken
 * off) and must be handled as a normal key.
 */
static bool feed_escape(struct lineedit *le, unsigned char b)
{
	bool control = b < 0x20 || b >= 0x7f;
	enum lineedit_esc state = le->esc;

	le->esc = LE_ESC_NONE;
	if (control)
		return false;
	if (state == LE_ESC_START && b == '[')
		le->esc = LE_ESC_CSI;
	else if (state == LE_ESC_START && b == 'O')
		le->esc = LE_ESC_SS3;
	else if (state == LE_ESC_CSI && b < 0x40)
		le->esc =
			LE_ESC_CSI; /* parameter bytes, e.g. "3" in ESC [ 3 ~ */
	else if (state != LE_ESC_START)
		arrow(le, b); /* the final byte */
	return true;
}

static enum lineedit_event feed_control(struct lineedit *le, unsigned char b)
{
	switch (b) {
	case KEY_BACKSPACE:
	case KEY_DEL:
		backspace(le);
		break;
	case KEY_CTRL_U:
		kill_line(le);
		break;
	case KEY_CTRL_C:
		out_str(le, "^C\r\n");
		reset_line(le);
		return LE_CANCEL;
	case KEY_TAB:
		tab(le);
		break;
	case KEY_ESC:
		le->esc = LE_ESC_START;
		break;
	default:
		break; /* other control bytes and bytes >= 0x80 */
	}
	return LE_NONE;
}

enum lineedit_event lineedit_feed(struct lineedit *le, char c)
{
	unsigned char b = (unsigned char)c;
	char prev_enter = le->last_enter;
	bool enter = (b == '\r' || b == '\n');

	le->last_enter = 0;
	/*
	 * Terminals send CR, LF, CR LF or LF CR for one Enter: the second
	 * byte of a pair is dropped before it can disturb the finished line.
	 */
	if (enter && prev_enter && prev_enter != c)
		return LE_NONE;
	if (le->line_done)
		reset_line(le);
	if (le->esc != LE_ESC_NONE && feed_escape(le, b))
		return LE_NONE;
	if (enter) {
		le->last_enter = c;
		return end_line(le);
	}
	if (b >= 0x20 && b < 0x7f) {
		insert_char(le, c);
		return LE_NONE;
	}
	return feed_control(le, b);
}
