/*
 * test_list.c - lib/list.h: after every change, walking the list forwards
 * and backwards must visit the same entries in mirrored order.
 */
#include <stdbool.h>
#include <stddef.h>
#include "tests/host/check.h"
#include "tests/host/rename.h"
#include "lib/list.h"

struct item {
	int value;
	struct list_head node;
};

/* Every link must be mirrored: next->prev == self. Returns the count. */
static int check_links(struct list_head *head)
{
	struct list_head *p = head;
	int n = 0;

	do {
		CHECK(p->next->prev == p);
		CHECK(p->prev->next == p);
		p = p->next;
		n++;
	} while (p != head && n < 1000);
	return n - 1;
}

/* The list holds exactly want[0..n), in order, both ways round. */
static bool list_is(struct list_head *head, const int *want, int n)
{
	struct list_head *p;
	int i = 0;

	if (check_links(head) != n || (int)list_count(head) != n)
		return false;
	list_for_each (p, head) {
		if (list_entry(p, struct item, node)->value != want[i++])
			return false;
	}
	for (p = head->prev; p != head; p = p->prev) {
		if (list_entry(p, struct item, node)->value != want[--i])
			return false;
	}
	return true;
}

static void init_empty(void)
{
	LIST_HEAD(head);
	struct list_head dyn;

	INIT_LIST_HEAD(&dyn);
	CHECK(list_empty(&head));
	CHECK(list_empty(&dyn));
	CHECK(!list_is_singular(&head));
	CHECK_EQ(list_count(&head), 0);
	CHECK(list_is(&head, NULL, 0));
}

static void add_and_add_tail(void)
{
	LIST_HEAD(head);
	struct item a = { .value = 1 }, b = { .value = 2 }, c = { .value = 3 };
	static const int want_one[] = { 1 }, want_all[] = { 3, 1, 2 };

	list_add_tail(&a.node, &head);
	CHECK(list_is_singular(&head));
	CHECK(list_is(&head, want_one, 1));
	list_add_tail(&b.node, &head); /* at the end */
	list_add(&c.node, &head);      /* at the front */
	CHECK(!list_is_singular(&head));
	CHECK(list_is(&head, want_all, 3));
	CHECK(list_first_entry(&head, struct item, node) == &c);
	CHECK(container_of(&b.node, struct item, node) == &b);
}

static void del_reinitialises(void)
{
	LIST_HEAD(head);
	struct item a = { .value = 1 }, b = { .value = 2 }, c = { .value = 3 };
	static const int want[] = { 1, 3 };

	list_add_tail(&a.node, &head);
	list_add_tail(&b.node, &head);
	list_add_tail(&c.node, &head);
	list_del(&b.node);
	CHECK(list_is(&head, want, 2));
	CHECK(list_empty(&b.node)); /* init-on-delete */
	list_del(&b.node);	    /* deleting twice is harmless */
	CHECK(list_is(&head, want, 2));
	list_del(&a.node);
	list_del(&c.node);
	CHECK(list_empty(&head));
}

/* What kfree leaves in a freed object. */
static void poison(void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((unsigned char *)p)[i] = 0x6b;
}

/* The first entry was freed and poisoned while listed: it comes off
 * through its neighbours' links alone, and the rest stays in order. */
static void del_first_broken(void)
{
	LIST_HEAD(head);
	struct item a = { .value = 1 }, b = { .value = 2 }, c = { .value = 3 };
	static const int want[] = { 2, 3 };

	list_add_tail(&a.node, &head);
	list_add_tail(&b.node, &head);
	list_add_tail(&c.node, &head);
	poison(&a, sizeof(a));
	list_del_first_broken(&head);
	CHECK(list_is(&head, want, 2));
	list_del(&b.node);
	poison(&c, sizeof(c)); /* the only one left */
	list_del_first_broken(&head);
	CHECK(list_empty(&head));
}

static void move_tail(void)
{
	LIST_HEAD(head);
	LIST_HEAD(other);
	struct item a = { .value = 1 }, b = { .value = 2 }, c = { .value = 3 };
	static const int want_rot[] = { 2, 3, 1 }, want_rest[] = { 3, 1 };
	static const int want_other[] = { 2 };

	list_add_tail(&a.node, &head);
	list_add_tail(&b.node, &head);
	list_add_tail(&c.node, &head);
	list_move_tail(&a.node, &head); /* round-robin rotation */
	CHECK(list_is(&head, want_rot, 3));
	list_move_tail(&b.node, &other); /* to another list */
	CHECK(list_is(&head, want_rest, 2));
	CHECK(list_is(&other, want_other, 1));
}

static void for_each_entry_order(void)
{
	LIST_HEAD(head);
	struct item items[10], *pos;
	int i, expect = 0;

	for (i = 0; i < 10; i++) {
		items[i].value = i;
		list_add_tail(&items[i].node, &head);
	}
	list_for_each_entry (pos, &head, node)
		CHECK_EQ(pos->value, expect++);
	CHECK_EQ(expect, 10);
}

/* Deleting the current entry is allowed only with the _safe walk. */
static void delete_during_safe_walk(void)
{
	LIST_HEAD(head);
	struct item items[10], *pos, *n;
	static const int want_odd[] = { 1, 3, 5, 7, 9 };
	int i, visited = 0;

	for (i = 0; i < 10; i++) {
		items[i].value = i;
		list_add_tail(&items[i].node, &head);
	}
	list_for_each_entry_safe (pos, n, &head, node) {
		visited++;
		if (pos->value % 2 == 0)
			list_del(&pos->node);
	}
	CHECK_EQ(visited, 10);
	CHECK(list_is(&head, want_odd, 5));
	list_for_each_entry_safe (pos, n, &head, node)
		list_del(&pos->node);
	CHECK(list_empty(&head));
	for (i = 0; i < 10; i++)
		CHECK(list_empty(&items[i].node));
}

static const struct test_case cases[] = {
	TEST_CASE(init_empty),		 TEST_CASE(add_and_add_tail),
	TEST_CASE(del_reinitialises),	 TEST_CASE(move_tail),
	TEST_CASE(for_each_entry_order), TEST_CASE(delete_during_safe_walk),
	TEST_CASE(del_first_broken),
};

int main(void)
{
	return RUN_TESTS(cases);
}
