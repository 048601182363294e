/*
 * kernel/mm/kmalloc.h - the kernel heap: kmalloc, kzalloc, kfree.
 *
 * Two kinds of allocation, chosen by size:
 *
 *  - small (1..1024 bytes): rounded up to a size class (16, 32, 64, 128,
 *    256, 512, 1024). Each class has "slabs": pages cut into objects of
 *    that size, with a header at the start of the page (a magic, the
 *    class, a bitmap of objects in use). kfree finds the slab by rounding
 *    the pointer down to its page. A slab that becomes empty goes back to
 *    the page allocator.
 *  - large (more than 1024 bytes): whole contiguous pages, with a 16-byte
 *    header (a magic, the page count) just before the returned pointer.
 *
 * Rules:
 *  - kmalloc(0) returns NULL; so does a failed allocation. Memory is not
 *    cleared (kzalloc clears). Objects are aligned to their size class up
 *    to 16 bytes; large ones to 16 bytes.
 *  - kfree(NULL) does nothing. kfree of a pointer kmalloc did not return,
 *    or of one already freed, prints a WARNING and is ignored: the slab
 *    bitmap makes double frees of small objects exact; large ones are
 *    caught by the header's magic while the page has not been reused.
 *  - Freed small objects are filled with KMALLOC_POISON (0x6b, as in
 *    Linux): a use after free reads 0x6b6b6b6b, easy to spot.
 *  - Byte counts are usable sizes (ksize): what the caller may use, the
 *    class size or the large block minus its header.
 *
 * Context: any, including hard-IRQ; never sleeps (a spinlock, IRQs off).
 */
#ifndef KERNEL_MM_KMALLOC_H
#define KERNEL_MM_KMALLOC_H

#include <stddef.h>

#define KMALLOC_MIN_SIZE   16
#define KMALLOC_SMALL_MAX  1024
#define KMALLOC_NR_CLASSES 7 /* 16 .. 1024 */
#define KMALLOC_POISON	   0x6b

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(const void *p);
/* The usable size of an allocation (0 for NULL or a bad pointer). */
size_t ksize(const void *p);

struct kmalloc_stats {
	unsigned long allocs;	    /* live allocations */
	unsigned long bytes;	    /* their usable bytes */
	unsigned long slab_pages;   /* pages held by slabs */
	unsigned long large_pages;  /* pages held by large allocations */
	unsigned long total_allocs; /* since boot */
	unsigned long total_frees;  /* since boot */
	unsigned long bad_frees;    /* double frees / bad pointers ignored */
};

struct kmalloc_stats kmalloc_stats(void);

/* The leak check: what was allocated since `before` and is still live.
 * Negative values mean more was freed than allocated since then. */
struct kmalloc_leak {
	long allocs;
	long bytes;
};

struct kmalloc_leak kmalloc_leak_since(const struct kmalloc_stats *before);

#endif
