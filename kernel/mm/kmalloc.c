/* kernel/mm/kmalloc.c - see kmalloc.h. */
#include "kernel/mm/kmalloc.h"

#include <stdbool.h>
#include <stdint.h>

#include "kernel/mm/page.h"
#include "kernel/mm/paging.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched/spinlock.h"
#include "lib/bitops.h"
#include "lib/list.h"
#include "lib/string.h"

#define SLAB_MAGIC	  0x51ab51abu
#define LARGE_MAGIC	  0x1a26e000u
#define LARGE_FREED	  0xdeadf7eeu
#define SLAB_HEADER_SIZE  64 /* struct slab, rounded up */
#define SLAB_MAX_OBJS	  ((PAGE_SIZE - SLAB_HEADER_SIZE) / KMALLOC_MIN_SIZE)
#define LARGE_HEADER_SIZE 16

/* At the start of every slab page. */
struct slab {
	uint32_t magic;
	uint16_t class_idx;
	uint16_t nr_objs;      /* objects in this page */
	uint16_t nr_free;      /* of which free */
	uint16_t first_off;    /* offset of object 0 in the page */
	struct list_head node; /* on its class's partial list if nr_free */
	unsigned long used[(SLAB_MAX_OBJS + BITS_PER_LONG - 1) / BITS_PER_LONG];
};

_Static_assert(sizeof(struct slab) <= SLAB_HEADER_SIZE, "slab header");

/* Just before a large allocation's memory. */
struct large_header {
	uint32_t magic;
	uint32_t pages;
	uint32_t pad[2]; /* keeps the memory 16-byte aligned */
};

struct size_class {
	struct list_head partial; /* slabs with at least one free object */
};

static struct size_class classes[KMALLOC_NR_CLASSES];
static struct kmalloc_stats stats;
static bool classes_ready;
static DEFINE_SPINLOCK(kmalloc_lock);

static unsigned class_size(unsigned idx)
{
	return KMALLOC_MIN_SIZE << idx;
}

static unsigned class_of(size_t size)
{
	unsigned idx = 0;

	while (class_size(idx) < size)
		idx++;
	return idx;
}

static void init_classes(void)
{
	for (unsigned i = 0; i < KMALLOC_NR_CLASSES; i++)
		INIT_LIST_HEAD(&classes[i].partial);
	classes_ready = true;
}

/* A fresh page cut into objects of class idx; objects are aligned to
 * their size, so the first one follows the header at a multiple of it. */
static struct slab *new_slab(unsigned idx)
{
	struct slab *s = page_alloc();
	unsigned size = class_size(idx);

	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->magic = SLAB_MAGIC;
	s->class_idx = idx;
	s->first_off = size < SLAB_HEADER_SIZE ? SLAB_HEADER_SIZE : size;
	s->nr_objs = (PAGE_SIZE - s->first_off) / size;
	s->nr_free = s->nr_objs;
	list_add(&s->node, &classes[idx].partial);
	stats.slab_pages++;
	return s;
}

static void *slab_alloc(unsigned idx)
{
	struct list_head *head = &classes[idx].partial;
	struct slab *s;
	unsigned obj = 0;

	s = list_empty(head) ? new_slab(idx)
			     : list_first_entry(head, struct slab, node);
	if (!s)
		return NULL;
	while (test_bit(obj, s->used))
		obj++;
	set_bit(obj, s->used);
	if (--s->nr_free == 0)
		list_del(&s->node);
	return (char *)s + s->first_off + obj * class_size(idx);
}

static void *large_alloc(size_t size)
{
	unsigned pages = (size + LARGE_HEADER_SIZE + PAGE_SIZE - 1) / PAGE_SIZE;
	struct large_header *h = page_alloc_contig(pages);

	if (!h)
		return NULL;
	h->magic = LARGE_MAGIC;
	h->pages = pages;
	stats.large_pages += pages;
	return h + 1;
}

static size_t large_usable(const struct large_header *h)
{
	return h->pages * PAGE_SIZE - LARGE_HEADER_SIZE;
}

void *kmalloc(size_t size)
{
	unsigned long flags;
	void *p;

	if (!size)
		return NULL;
	flags = spin_lock_irqsave(&kmalloc_lock);
	if (!classes_ready)
		init_classes();
	if (size <= KMALLOC_SMALL_MAX) {
		unsigned idx = class_of(size);

		p = slab_alloc(idx);
		if (p)
			stats.bytes += class_size(idx);
	} else {
		p = large_alloc(size);
		if (p)
			stats.bytes +=
				large_usable((struct large_header *)p - 1);
	}
	if (p) {
		stats.allocs++;
		stats.total_allocs++;
	}
	spin_unlock_irqrestore(&kmalloc_lock, flags);
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

/* What kind of block p is; fills the slab and object index for small
 * ones. Reads the page header only if the page is mapped. */
enum block_kind { BLOCK_BAD, BLOCK_SMALL, BLOCK_LARGE, BLOCK_LARGE_FREED };

static enum block_kind classify(const void *p, struct slab **sp, unsigned *objp)
{
	uint32_t addr = (uint32_t)p, page = addr & PAGE_MASK;
	struct slab *s = (struct slab *)page;
	unsigned off = addr - page, size;

	if (!vm_is_mapped(page) || page >= page_ram_end())
		return BLOCK_BAD;
	if (off == LARGE_HEADER_SIZE && s->magic == LARGE_MAGIC)
		return BLOCK_LARGE;
	if (off == LARGE_HEADER_SIZE && s->magic == LARGE_FREED)
		return BLOCK_LARGE_FREED;
	if (s->magic != SLAB_MAGIC || s->class_idx >= KMALLOC_NR_CLASSES)
		return BLOCK_BAD;
	size = class_size(s->class_idx);
	if (off < s->first_off || (off - s->first_off) % size ||
	    (off - s->first_off) / size >= s->nr_objs)
		return BLOCK_BAD;
	*sp = s;
	*objp = (off - s->first_off) / size;
	return BLOCK_SMALL;
}

/* Returns the usable size freed, or 0 for a bad free. */
static size_t slab_free(struct slab *s, unsigned obj, void *p)
{
	unsigned size = class_size(s->class_idx);

	if (!test_bit(obj, s->used))
		return 0; /* double free */
	clear_bit(obj, s->used);
	memset(p, KMALLOC_POISON, size);
	if (s->nr_free++ == 0)
		list_add(&s->node, &classes[s->class_idx].partial);
	if (s->nr_free == s->nr_objs) {
		list_del(&s->node);
		s->magic = 0;
		page_free(s);
		stats.slab_pages--;
	}
	return size;
}

static size_t large_free(struct large_header *h)
{
	size_t usable = large_usable(h);
	unsigned pages = h->pages;

	h->magic = LARGE_FREED;
	stats.large_pages -= pages;
	page_free_contig(h, pages);
	return usable;
}

void kfree(const void *p)
{
	unsigned long flags;
	struct slab *s = NULL;
	unsigned obj = 0;
	size_t freed = 0;
	enum block_kind kind;

	if (!p)
		return;
	flags = spin_lock_irqsave(&kmalloc_lock);
	kind = classify(p, &s, &obj);
	if (kind == BLOCK_SMALL)
		freed = slab_free(s, obj, (void *)p);
	else if (kind == BLOCK_LARGE)
		freed = large_free((struct large_header *)p - 1);
	if (freed) {
		stats.allocs--;
		stats.bytes -= freed;
		stats.total_frees++;
	} else {
		stats.bad_frees++;
	}
	spin_unlock_irqrestore(&kmalloc_lock, flags);

	if (!freed) {
		pr_warn("kfree: %s %p ignored\n",
			kind == BLOCK_BAD ? "not a kmalloc pointer"
					  : "double free of",
			p);
		WARN_ON(!freed);
	}
}

size_t ksize(const void *p)
{
	unsigned long flags;
	struct slab *s = NULL;
	unsigned obj = 0;
	size_t size = 0;

	if (!p)
		return 0;
	flags = spin_lock_irqsave(&kmalloc_lock);
	switch (classify(p, &s, &obj)) {
	case BLOCK_SMALL:
		if (test_bit(obj, s->used))
			size = class_size(s->class_idx);
		break;
	case BLOCK_LARGE:
		size = large_usable((const struct large_header *)p - 1);
		break;
	default:
		break;
	}
	spin_unlock_irqrestore(&kmalloc_lock, flags);
	return size;
}

struct kmalloc_stats kmalloc_stats(void)
{
	unsigned long flags = spin_lock_irqsave(&kmalloc_lock);
	struct kmalloc_stats s = stats;

	spin_unlock_irqrestore(&kmalloc_lock, flags);
	return s;
}

struct kmalloc_leak kmalloc_leak_since(const struct kmalloc_stats *before)
{
	struct kmalloc_stats now = kmalloc_stats();
	struct kmalloc_leak l = {
		(long)(now.allocs - before->allocs),
		(long)(now.bytes - before->bytes),
	};

	return l;
}
