/*
 * drivers/misc/qemu_exit.h - leave QEMU with a status code, or power off.
 *
 * QEMU's isa-debug-exit device (-device isa-debug-exit,iobase=0xf4,
 * iosize=0x04) ends the emulator when the guest writes a value v to its
 * port; QEMU then exits with status (v << 1) | 1. Test runs use it to
 * report pass/fail. Without the device the write does nothing, and
 * qemu_exit() falls back to a clean ACPI power-off.
 *
 *   qemu_exit(QEMU_EXIT_SUCCESS) -> host status 1
 *   qemu_exit(QEMU_EXIT_FAILURE) -> host status 3
 *   qemu_exit(QEMU_EXIT_PANIC)   -> host status 5
 *   (status 0 from QEMU means a triple fault under -no-reboot)
 *
 * Context: any; does not return.
 */
#ifndef DRIVERS_MISC_QEMU_EXIT_H
#define DRIVERS_MISC_QEMU_EXIT_H

#define QEMU_EXIT_PORT	  0xf4
#define QEMU_EXIT_SUCCESS 0
#define QEMU_EXIT_FAILURE 1
#define QEMU_EXIT_PANIC	  2

void qemu_exit(int code) __attribute__((noreturn));
void machine_poweroff(void) __attribute__((noreturn));
void machine_reboot(void) __attribute__((noreturn));

#endif
