/*
 * drivers/input/hotkey.h - Ctrl+Alt+I prints interrupt statistics: a
 * second, independent handler on the keyboard's IRQ1 (see hotkey.c).
 *
 * Context: hotkey_init/hotkey_exit from task context, after i8042_init.
 */
#ifndef DRIVERS_INPUT_HOTKEY_H
#define DRIVERS_INPUT_HOTKEY_H

int hotkey_init(void);
void hotkey_exit(void);
void hotkey_register_releasable(void); /* with i8042's, for kernel/uio */
unsigned long hotkey_fired(void);

#endif
