/*
 * vsnprintf.c - a small printf engine.
 *
 * The formatter walks the format string once. Every output byte goes
 * through out_char(), the only place that touches the buffer, so the
 * "never write past buf[size - 1]" promise is checked in one spot while
 * the count of would-be output keeps growing.
 */
#include <stdbool.h>
#include <stdint.h>
#include "lib/printf.h"
#include "lib/string.h"

struct out {
	char *buf;
	size_t size;
	size_t pos; /* bytes produced so far, stored or not */
};

/* One parsed conversion: %[flags][width][.precision][length]conv */
struct spec {
	bool left; /* '-' */
	bool zero; /* '0' */
	char sign; /* '+', ' ' or 0: what to print before a positive number */
	int width;
	int prec;   /* -1: none given */
	int length; /* 0, 'l', 'L' (for ll) or 'z' */
	char conv;
};

static void out_char(struct out *o, char c)
{
	if (o->pos + 1 < o->size) /* keep the last byte for the NUL */
		o->buf[o->pos] = c;
	o->pos++;
}

static void out_repeat(struct out *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

static void out_bytes(struct out *o, const char *s, size_t n)
{
	while (n--)
		out_char(o, *s++);
}

/*
 * Divide *n by a small base in place and return the remainder, using
 * only 32-bit divisions: i386 has no 64-by-64 divide instruction, and
 * this avoids depending on libgcc's __udivdi3. The low word is fed in
 * 16 bits at a time so each partial dividend, (rem << 16) | chunk with
 * rem < base <= 16, fits in 32 bits.
 */
static unsigned int div_small(uint64_t *n, uint32_t base)
{
	uint32_t hi = (uint32_t)(*n >> 32), lo = (uint32_t)*n;
	uint32_t qhi = hi / base, rem = hi % base;
	uint32_t t, q1, q0;

	t = (rem << 16) | (lo >> 16);
	q1 = t / base;
	rem = t % base;
	t = (rem << 16) | (lo & 0xffff);
	q0 = t / base;
	rem = t % base;
	*n = ((uint64_t)qhi << 32) | (q1 << 16) | q0;
	return rem;
}

/*
 * Print a magnitude with its sign/prefix. Layout, left to right:
 * [spaces] [sign] [prefix] [zeros] digits [spaces if left-aligned].
 */
static void out_number(struct out *o, const struct spec *sp, uint64_t val,
		       char sign, unsigned int base, const char *prefix)
{
	const char *digits =
		sp->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24]; /* 2^64 has 22 octal digits */
	int n = 0, zeros, pad;

	/* C rule: precision 0 and value 0 print no digits at all. */
	while (val || (n == 0 && sp->prec != 0))
		tmp[n++] = digits[div_small(&val, base)];

	zeros = sp->prec > n ? sp->prec - n : 0;
	pad = sp->width - n - zeros - (sign != 0) - (int)strlen(prefix);
	/* The '0' flag pads with zeros, unless '-' or a precision is given. */
	if (sp->zero && !sp->left && sp->prec < 0 && pad > 0) {
		zeros += pad;
		pad = 0;
	}
	if (!sp->left)
		out_repeat(o, ' ', pad);
	if (sign)
		out_char(o, sign);
	out_bytes(o, prefix, strlen(prefix));
	out_repeat(o, '0', zeros);
	while (n)
		out_char(o, tmp[--n]);
	if (sp->left)
		out_repeat(o, ' ', pad);
}

static void out_padded(struct out *o, const struct spec *sp, const char *s,
		       size_t len)
{
	int pad = sp->width > (int)len ? sp->width - (int)len : 0;

	if (!sp->left)
		out_repeat(o, ' ', pad);
	out_bytes(o, s, len);
	if (sp->left)
		out_repeat(o, ' ', pad);
}

static void out_string(struct out *o, const struct spec *sp, const char *s)
{
	size_t len;

	if (!s)
		s = "(null)";
	/* strnlen: with a precision, s need not be NUL-terminated. */
	len = sp->prec >= 0 ? strnlen(s, sp->prec) : strlen(s);
	out_padded(o, sp, s, len);
}

/* Read a run of decimal digits, or '*' meaning "take it from the args". */
static int parse_int(const char **fmt, va_list *ap)
{
	int v = 0;

	if (**fmt == '*') {
		(*fmt)++;
		return va_arg(*ap, int);
	}
	while (**fmt >= '0' && **fmt <= '9')
		v = v * 10 + (*(*fmt)++ - '0');
	return v;
}

static void parse_flags(const char **fmt, struct spec *sp)
{
	for (;; (*fmt)++) {
		switch (**fmt) {
		case '-':
			sp->left = true;
			break;
		case '0':
			sp->zero = true;
			break;
		case '+':
			sp->sign = '+';
			break;
		case ' ':
			if (sp->sign != '+') /* '+' wins over ' ' */
				sp->sign = ' ';
			break;
		default:
			return;
		}
	}
}

/* Fill *sp from the text after '%'; advances *fmt to the conversion. */
static void parse_spec(const char **fmt, va_list *ap, struct spec *sp)
{
	memset(sp, 0, sizeof(*sp));
	sp->prec = -1;
	parse_flags(fmt, sp);
	sp->width = parse_int(fmt, ap);
	if (sp->width < 0) { /* a negative '*' width means '-' */
		sp->left = true;
		sp->width = -sp->width;
	}
	if (**fmt == '.') {
		(*fmt)++;
		sp->prec = parse_int(fmt, ap);
		if (sp->prec < 0) /* a negative '*' precision: as if none */
			sp->prec = -1;
	}
	if (**fmt == 'l') {
		(*fmt)++;
		sp->length = 'l';
		if (**fmt == 'l') {
			(*fmt)++;
			sp->length = 'L';
		}
	} else if (**fmt == 'z') {
		(*fmt)++;
		sp->length = 'z';
	}
	sp->conv = **fmt;
}

/*
 * Arguments narrower than int arrive promoted to int, so %d reads an int;
 * the length modifier says when the caller passed something wider.
 */
static int64_t arg_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 'l':
		return va_arg(*ap, long);
	case 'L':
		return va_arg(*ap, long long);
	case 'z':
		return va_arg(*ap,
			      ptrdiff_t); /* signed type as wide as size_t */
	default:
		return va_arg(*ap, int);
	}
}

static uint64_t arg_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 'l':
		return va_arg(*ap, unsigned long);
	case 'L':
		return va_arg(*ap, unsigned long long);
	case 'z':
		return va_arg(*ap, size_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static void out_signed(struct out *o, const struct spec *sp, va_list *ap)
{
	int64_t v = arg_signed(sp, ap);
	/* Negate in unsigned arithmetic: -INT64_MIN would overflow. */
	uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	out_number(o, sp, mag, v < 0 ? '-' : sp->sign, 10, "");
}

static void out_pointer(struct out *o, struct spec *sp, va_list *ap)
{
	uintptr_t p = (uintptr_t)va_arg(*ap, void *);

	sp->prec = 2 * sizeof(void *); /* all digits, so columns line up */
	out_number(o, sp, p, 0, 16, "0x");
}

static void out_conversion(struct out *o, struct spec *sp, va_list *ap)
{
	char c;

	switch (sp->conv) {
	case 'd':
	case 'i':
		out_signed(o, sp, ap);
		break;
	case 'u':
		out_number(o, sp, arg_unsigned(sp, ap), 0, 10, "");
		break;
	case 'x':
	case 'X':
		out_number(o, sp, arg_unsigned(sp, ap), 0, 16, "");
		break;
	case 'o':
		out_number(o, sp, arg_unsigned(sp, ap), 0, 8, "");
		break;
	case 'p':
		out_pointer(o, sp, ap);
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		out_padded(o, sp, &c, 1);
		break;
	case 's':
		out_string(o, sp, va_arg(*ap, const char *));
		break;
	case '%':
		out_char(o, '%');
		break;
	default:
		out_char(o, '%');
		out_char(o, sp->conv);
		break;
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size, .pos = 0 };
	struct spec sp;
	va_list args;

	/*
	 * Helpers take a va_list pointer so they all consume the same list.
	 * On some ABIs va_list is an array type, and &ap of a parameter would
	 * have the wrong type: copying into a local variable avoids that.
	 */
	va_copy(args, ap);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			out_char(&o, *fmt);
			continue;
		}
		fmt++;
		parse_spec(&fmt, &args, &sp);
		if (!*fmt) /* the format ended inside a conversion */
			break;
		out_conversion(&o, &sp, &args);
	}
	va_end(args);

	if (size)
		buf[o.pos < size ? o.pos : size - 1] = '\0';
	return (int)o.pos;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return ret;
}
