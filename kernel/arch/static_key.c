/* kernel/arch/static_key.c - see static_key.h. */
#include "kernel/arch/static_key.h"

#include "kernel/arch/cpu.h"
#include "kernel/smp/stop_machine.h"
#include "lib/string.h"

#define CR0_WP (1u << 16)

extern const struct jump_entry __jump_table_start[], __jump_table_end[];

static const uint8_t nop5[5] = { JUMP_NOP5 };

static uint32_t read_cr0_bits(void)
{
	uint32_t v;

	asm volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static void write_cr0_bits(uint32_t v)
{
	asm volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

/* The five bytes a site should hold for its key's state. */
static void site_bytes(const struct jump_entry *e, uint8_t out[5])
{
	int32_t rel = (int32_t)(e->target - (e->code + 5));

	if (!e->key->enabled) {
		memcpy(out, nop5, 5);
		return;
	}
	out[0] = JUMP_JMP;
	memcpy(out + 1, &rel, 4);
}

/* Kernel text is mapped read-only; clearing CR0.WP lets ring 0 write
 * through that mapping for these stores (IRQs are off: nothing else on
 * this CPU runs meanwhile). */
static void text_write(uint32_t addr, const uint8_t bytes[5])
{
	uint32_t cr0 = read_cr0_bits();

	write_cr0_bits(cr0 & ~CR0_WP);
	memcpy((void *)(uintptr_t)addr, bytes, 5);
	write_cr0_bits(cr0);
}

/* Under stop_machine: every other CPU parked, IRQs off. */
static int patch_all(void *arg)
{
	uint8_t want[5];

	(void)arg;
	for (const struct jump_entry *e = __jump_table_start;
	     e < __jump_table_end; e++) {
		site_bytes(e, want);
		if (memcmp((const void *)(uintptr_t)e->code, want, 5))
			text_write(e->code, want);
	}
	return 0;
}

int static_keys_apply(void)
{
	return stop_machine(patch_all, NULL);
}

int static_key_enable(struct static_key *key)
{
	__atomic_store_n(&key->enabled, 1, __ATOMIC_RELAXED);
	return static_keys_apply();
}

int static_key_disable(struct static_key *key)
{
	__atomic_store_n(&key->enabled, 0, __ATOMIC_RELAXED);
	return static_keys_apply();
}

void static_key_sites(const struct static_key *key, unsigned int *sites,
		      unsigned int *jumps)
{
	*sites = *jumps = 0;
	for (const struct jump_entry *e = __jump_table_start;
	     e < __jump_table_end; e++) {
		if (e->key != key)
			continue;
		(*sites)++;
		if (*(const uint8_t *)(uintptr_t)e->code == JUMP_JMP)
			(*jumps)++;
	}
}
