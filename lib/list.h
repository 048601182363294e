/*
 * list.h - intrusive, circular, doubly linked lists.
 *
 * "Intrusive" means the links live inside the object: a struct that can
 * be on a list embeds a `struct list_head`, and list_entry() (which is
 * container_of()) turns a pointer to that member back into a pointer to
 * the object. No allocation is ever needed to put an object on a list.
 *
 * Rules:
 *  - A list is a `struct list_head` head that is not inside any object.
 *    An empty list's head points to itself; so do the links of an entry
 *    that is on no list.
 *  - list_del() re-initialises the entry (init-on-delete), so afterwards
 *    list_empty(&obj->node) is true and "is this object on a list?" has an
 *    answer. Deleting the same entry twice is therefore harmless.
 *  - Entries must be initialised (INIT_LIST_HEAD) or added before use.
 *  - Only list_for_each_entry_safe() allows deleting the current entry
 *    while iterating.
 *  - No locking: the caller protects the list, for example by disabling
 *    interrupts if an interrupt handler also touches it.
 *
 * Context: any; does not sleep.
 */
#ifndef LIB_LIST_H
#define LIB_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_head {
	struct list_head *next, *prev;
};

/* Pointer to a member -> pointer to the struct that contains it. */
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr)-offsetof(type, member)))

#define LIST_HEAD_INIT(name)     \
	{                        \
		&(name), &(name) \
	}
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)

static inline void INIT_LIST_HEAD(struct list_head *list)
{
	list->next = list;
	list->prev = list;
}

/* Link @entry between two neighbours that are known to be adjacent. */
static inline void __list_add(struct list_head *entry, struct list_head *prev,
			      struct list_head *next)
{
	next->prev = entry;
	entry->next = next;
	entry->prev = prev;
	prev->next = entry;
}

/* Insert right after @head: a stack (LIFO) when used alone. */
static inline void list_add(struct list_head *entry, struct list_head *head)
{
	__list_add(entry, head, head->next);
}

/* Insert right before @head, i.e. at the end: a queue (FIFO). */
static inline void list_add_tail(struct list_head *entry,
				 struct list_head *head)
{
	__list_add(entry, head->prev, head);
}

static inline void list_del(struct list_head *entry)
{
	entry->next->prev = entry->prev;
	entry->prev->next = entry->next;
	INIT_LIST_HEAD(entry);
}

static inline bool list_empty(const struct list_head *head)
{
	return head->next == head;
}

/*
 * Unlink the first entry when its own links cannot be trusted (its memory
 * was freed and overwritten while it was on the list): only the others'
 * links are used. Its successor is the entry whose prev points at it,
 * found by walking back from the head (the tail first).
 */
static inline void list_del_first_broken(struct list_head *head)
{
	struct list_head *bad = head->next, *succ = head;

	while (succ->prev != bad)
		succ = succ->prev;
	head->next = succ;
	succ->prev = head;
}

static inline bool list_is_singular(const struct list_head *head)
{
	return !list_empty(head) && head->next == head->prev;
}

static inline void list_move_tail(struct list_head *entry,
				  struct list_head *head)
{
	list_del(entry);
	list_add_tail(entry, head);
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)

/* The list must not be empty. */
#define list_first_entry(head, type, member) \
	list_entry((head)->next, type, member)

#define list_for_each(pos, head) \
	for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)

#define list_for_each_entry(pos, head, member)                             \
	for ((pos) = list_entry((head)->next, __typeof__(*(pos)), member); \
	     &(pos)->member != (head);                                     \
	     (pos) = list_entry((pos)->member.next, __typeof__(*(pos)),    \
				member))

/* @n remembers the next entry, so the loop body may list_del(pos). */
#define list_for_each_entry_safe(pos, n, head, member)                        \
	for ((pos) = list_entry((head)->next, __typeof__(*(pos)), member),    \
	    (n) = list_entry((pos)->member.next, __typeof__(*(pos)), member); \
	     &(pos)->member != (head); (pos) = (n),                           \
	    (n) = list_entry((n)->member.next, __typeof__(*(pos)), member))

/* O(n): walks the whole list. */
static inline size_t list_count(const struct list_head *head)
{
	const struct list_head *p;
	size_t n = 0;

	for (p = head->next; p != head; p = p->next)
		n++;
	return n;
}

#endif /* LIB_LIST_H */
