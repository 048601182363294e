/*
 * bitops.h - bit numbers in words and in arrays of words (bitmaps).
 *
 * Rules:
 *  - Bit nr of a bitmap lives in word nr / BITS_PER_LONG, at position
 *    nr % BITS_PER_LONG (bit 0 is the least significant bit of word 0).
 *  - set_bit, clear_bit, test_and_set_bit and test_and_clear_bit are
 *    atomic read-modify-writes (a `lock`-prefixed instruction on x86) and
 *    full memory barriers, so an interrupt handler or another CPU may
 *    change other bits of the same word concurrently. test_bit is a plain
 *    read.
 *  - __ffs(word) is undefined for word == 0 (check first); fls(0) is 0.
 *  - for_each_set_bit(bit, word) walks ONE word, lowest bit first (unlike
 *    Linux's, which walks a whole bitmap). The word is copied once, so the
 *    body may change the original. Do not nest two of these loops in one
 *    scope: they share a hidden variable name.
 *
 * Context: any; does not sleep.
 */
#ifndef LIB_BITOPS_H
#define LIB_BITOPS_H

#include <stdbool.h>
#include <stdint.h>

#define BITS_PER_LONG ((unsigned int)(sizeof(unsigned long) * 8))
#define BIT(n)	      (1UL << (n))

static inline unsigned long *bit_word(unsigned long *addr, unsigned int nr)
{
	return addr + nr / BITS_PER_LONG;
}

static inline unsigned long bit_mask(unsigned int nr)
{
	return BIT(nr % BITS_PER_LONG);
}

static inline void set_bit(unsigned int nr, unsigned long *addr)
{
	__atomic_fetch_or(bit_word(addr, nr), bit_mask(nr), __ATOMIC_SEQ_CST);
}

static inline void clear_bit(unsigned int nr, unsigned long *addr)
{
	__atomic_fetch_and(bit_word(addr, nr), ~bit_mask(nr), __ATOMIC_SEQ_CST);
}

static inline bool test_bit(unsigned int nr, const unsigned long *addr)
{
	return (addr[nr / BITS_PER_LONG] & bit_mask(nr)) != 0;
}

/* Returns the old value: true means someone else had already set it. */
static inline bool test_and_set_bit(unsigned int nr, unsigned long *addr)
{
	unsigned long old = __atomic_fetch_or(bit_word(addr, nr), bit_mask(nr),
					      __ATOMIC_SEQ_CST);

	return (old & bit_mask(nr)) != 0;
}

static inline bool test_and_clear_bit(unsigned int nr, unsigned long *addr)
{
	unsigned long old = __atomic_fetch_and(bit_word(addr, nr),
					       ~bit_mask(nr), __ATOMIC_SEQ_CST);

	return (old & bit_mask(nr)) != 0;
}

/* Index (0-based) of the lowest set bit; word must not be 0. */
static inline unsigned int __ffs(unsigned long word)
{
	return __builtin_ctzl(word); /* x86: one bsf/tzcnt instruction */
}

/* Position (1-based) of the highest set bit: fls(1) = 1, fls(0x80000000) = 32. */
static inline int fls(uint32_t x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

/* Number of set bits ("Hamming weight"). */
static inline unsigned int hweight32(uint32_t w)
{
	return __builtin_popcount(w);
}

/* w & (w - 1) clears the lowest set bit, so each pass finds the next one. */
#define for_each_set_bit(bit, word)                    \
	for (unsigned long __fesb_w = (word);          \
	     __fesb_w && ((bit) = __ffs(__fesb_w), 1); \
	     __fesb_w &= __fesb_w - 1)

#endif /* LIB_BITOPS_H */
