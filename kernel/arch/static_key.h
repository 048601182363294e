/*
 * kernel/arch/static_key.h - a branch that costs one no-op until it is
 * turned on (Linux's static keys / jump labels).
 *
 * An ordinary "if (flag)" loads the flag and branches on it every time.
 * static_branch_unlikely(&key) instead puts a 5-byte no-op in the code
 * and records, in the __jump_table section, where the no-op is, where
 * the code of the "true" side starts, and which key it belongs to:
 *
 *   if (static_branch_unlikely(&key))        jump_entry { code, target, key }
 *           do_the_rare_thing();
 *
 *   key off:   code:  0f 1f 44 00 00      nopl 0(%eax,%eax)  -> falls through
 *   key on:    code:  e9 xx xx xx xx      jmp target         -> the rare thing
 *
 * static_key_enable/disable rewrite every site of a key, with the other
 * CPUs held still (kernel/smp/stop_machine.h) and write protection
 * lifted for the few stores. A whole set of keys can be changed in one
 * stop: set each key's `enabled`, then static_keys_apply().
 *
 * The condition is the key's state as patched into the code; readers
 * wanting the logical state read static_key_enabled().
 *
 * Context: static_branch_unlikely anywhere; the changers from task
 * context with IRQs on (they sleep on a mutex and stop the machine);
 * static_key_sites for tests and the shell.
 */
#ifndef KERNEL_ARCH_STATIC_KEY_H
#define KERNEL_ARCH_STATIC_KEY_H

#include <stdbool.h>
#include <stdint.h>

struct static_key {
	int enabled; /* what the sites should be: 1 jump, 0 no-op */
};

struct jump_entry {
	uint32_t code;	 /* address of the 5-byte site */
	uint32_t target; /* where the jump goes when on */
	struct static_key *key;
};

#define JUMP_NOP5 0x0f, 0x1f, 0x44, 0x00, 0x00
#define JUMP_JMP  0xe9 /* jmp rel32 */

static inline __attribute__((always_inline)) bool
static_branch_unlikely(struct static_key *key)
{
	asm goto("1: .byte 0x0f, 0x1f, 0x44, 0x00, 0x00\n\t"
		 ".pushsection __jump_table, \"a\"\n\t"
		 ".balign 4\n\t"
		 ".long 1b, %l[on], %c0\n\t"
		 ".popsection"
		 :
		 : "i"(key)
		 :
		 : on);
	return false;
on:
	return true;
}

int static_key_enable(struct static_key *key);
int static_key_disable(struct static_key *key);
/* Patch every site to match its key's `enabled`: 0 or -errno. */
int static_keys_apply(void);

static inline bool static_key_enabled(const struct static_key *key)
{
	return __atomic_load_n(&key->enabled, __ATOMIC_RELAXED);
}

/* How many sites key has, and how many of them are jumps right now. */
void static_key_sites(const struct static_key *key, unsigned int *sites,
		      unsigned int *jumps);

#endif
