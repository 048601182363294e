/*
 * kernel/proc/user_entry.S - the first entry into ring 3.
 *
 * user_enter(frame) makes the stack pointer point at a struct trap_frame
 * built by the caller (user segments, EIP = the program's entry, ESP =
 * its stack, IF on) and takes the ordinary way out of a trap: the pops
 * and the iret of trap_return. The iret sees a ring-3 CS on the stack and
 * also pops the user's ESP and SS: the CPU is in user mode.
 */
	.text
	.globl user_enter
	.type user_enter, @function
user_enter:
	movl	4(%esp), %esp
	jmp	trap_return
	.size user_enter, . - user_enter

	.section .note.GNU-stack, "", @progbits
