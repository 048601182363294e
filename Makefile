# Interlude - build, run, debug and test.
#
#   make            build/interlude.elf and build/interlude.iso
#   make run        boot the ISO in QEMU, serial console on this terminal
#   make run ARGS="hz=250"   ... with a kernel command line
#   make debug      QEMU paused + GDB attached, stopped at kmain
#   make test       every test: host unit tests, in-kernel KTAP, QEMU runs
#   make flood      the e1000 flood scenario at 200,000 frames (docs/net.md)
#   make trace CMD="defer tasklet"   trace one shell command: build/trace.*
#   make pictures   the docs' timeline pictures, from real traces
#   make bench      deterministic benchmarks under -icount; regenerates
#                   the bench figures in the docs
#   make lab LAB=NAME   a student tree labs/NAME/ for a course lab
#                   (docs/labs/README.md); FORCE=1 replaces one
#   make grade [LAB=NAME]  build, then run that lab's checks with a
#                   score per check (all labs, or a student tree's own)
#   make check      formatting and warnings
#   make format     reformat the C sources with .clang-format
#   make clean
#
# Missing tools are installed by scripts/install-deps.sh (needs root/sudo).

# Build with every core unless told otherwise (`make -j1`): a plain
# `make test` then compiles in half the time on the two-core machines.
ifeq ($(filter -j%,$(MAKEFLAGS)),)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)
endif

CROSS_COMPILE ?= i686-linux-gnu-
CC := $(CROSS_COMPILE)gcc
NM := $(CROSS_COMPILE)nm
STRIP := $(CROSS_COMPILE)strip
QEMU ?= qemu-system-i386
PYTHON ?= python3
OPT ?= -O2
ARGS ?=

B := build

# Install what is missing before anything else (fast when nothing is).
ifeq ($(filter clean,$(MAKECMDGOALS)),)
DEPS_STATUS := $(shell scripts/install-deps.sh >&2 || echo failed)
ifeq ($(DEPS_STATUS),failed)
$(error scripts/install-deps.sh failed; install the packages it names)
endif
endif

CFLAGS := -m32 -march=i686 -ffreestanding -fno-pie -fno-pic \
	-fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-omit-frame-pointer -nostdlib -std=gnu11 \
	-Wall -Wextra -Werror -g $(OPT) -I. -MMD -MP
ASFLAGS := -m32 -g -I. -MMD -MP -D__ASSEMBLER__
LDFLAGS := -m32 -nostdlib -no-pie -static -Wl,--build-id=none -T linker.ld

# Every source under the kernel's folders, except the test suite that
# exists only to fail (it goes into the harness self-test kernel alone).
SELFTEST_SRC := tests/kernel/selftest_fail.c
KSRCS := $(filter-out $(SELFTEST_SRC), \
	$(shell find boot kernel drivers lib tests/kernel \
		-name '*.c' -o -name '*.S' | sort))
KOBJS := $(patsubst %,$(B)/obj/%.o,$(basename $(KSRCS)))

# User programs (ring 3): one per user/*.c, each a static ELF linked at
# USER_BASE with the runtime in user/lib and the formatter from lib/.
USER_CFLAGS := -m32 -march=i686 -ffreestanding -fno-pie -fno-pic \
	-fno-stack-protector -fno-asynchronous-unwind-tables -nostdlib \
	-std=gnu11 -Wall -Wextra -Werror -g -O2 -I. -MMD -MP
USER_PROGS := $(sort $(basename $(notdir $(wildcard user/*.c))))
USER_PROGS += badelf # hello.elf cut short: the loader must refuse it
USER_ELFS := $(patsubst %,$(B)/user/%.elf,$(USER_PROGS))
USER_RT := $(patsubst %,$(B)/uobj/%.o,user/lib/crt0 user/lib/user \
	lib/string lib/vsnprintf lib/errno)

ELF := $(B)/interlude.elf
ISO := $(B)/interlude.iso
SELFTEST_ELF := $(B)/selftest/interlude.elf

.PHONY: all run debug debug-here test flood bench trace pictures check format clean host-tests lab grade FORCE
all: $(ELF) $(ISO) $(USER_ELFS) $(B)/compile_commands.json

# Keep the user objects (make would delete them as intermediates, and its
# "rm" line would then come after the test summary).
.SECONDARY: $(patsubst %,$(B)/uobj/user/%.o,$(USER_PROGS)) $(USER_RT)

$(B)/uobj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -c $< -o $@

$(B)/uobj/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(ASFLAGS) -c $< -o $@

$(B)/user/badelf.elf: $(B)/user/hello.elf
	head -c 300 $< > $@

$(B)/user/%.elf: $(B)/uobj/user/%.o $(USER_RT) user/user.ld
	@mkdir -p $(dir $@)
	$(CC) -m32 -nostdlib -no-pie -static -Wl,--build-id=none \
		-Wl,-z,max-page-size=4096 -T user/user.ld -o $@ $< $(USER_RT) -lgcc

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# For clangd and other editors: every C file with the build's own flags
# (clangd finds build/compile_commands.json by itself).
USER_CSRCS := $(wildcard user/*.c user/lib/*.c)
$(B)/compile_commands.json: Makefile scripts/compile-commands.py $(KSRCS) $(USER_CSRCS)
	@mkdir -p $(B)
	@$(PYTHON) scripts/compile-commands.py --out $@ --build $(B) \
		--cc $(CC) --flags "$(CFLAGS)" --user-flags "$(USER_CFLAGS)" \
		--user $(USER_CSRCS) -- $(filter %.c,$(KSRCS))

$(B)/obj/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(ASFLAGS) -c $< -o $@

# Two link passes: the first without symbols, whose function addresses
# become the .ksyms table linked into the second. .ksyms sits after all
# code (linker.ld), so the second pass moves no function.
# $(call link_kernel,OUTPUT,OBJECTS)
define link_kernel
	@mkdir -p $(dir $(1))
	$(CC) $(LDFLAGS) -o $(1).pass1 $(2) -lgcc
	scripts/mksyms.sh $(NM) $(1).pass1 > $(1).ksyms.S
	$(CC) $(ASFLAGS) -c $(1).ksyms.S -o $(1).ksyms.o
	$(CC) $(LDFLAGS) -o $(1) $(2) $(1).ksyms.o -lgcc
endef

$(ELF): $(KOBJS) linker.ld scripts/mksyms.sh
	$(call link_kernel,$@,$(KOBJS))

$(SELFTEST_ELF): $(KOBJS) $(B)/obj/tests/kernel/selftest_fail.o linker.ld
	$(call link_kernel,$@,$(KOBJS) $(B)/obj/tests/kernel/selftest_fail.o)

# The ISO: GRUB (BIOS) plus our kernel; ARGS is written into grub.cfg.
$(B)/args.txt: FORCE
	@mkdir -p $(B)
	@echo '$(ARGS)' | cmp -s - $@ || echo '$(ARGS)' > $@

# The user programs travel as one GRUB module, a ustar archive the kernel
# splits into its files (lib/ustar.h, kernel/multiboot.c): GRUB's lookup
# of each module file costs about 27 ms under TCG, 0.43 s for 16 of them.
# The copies carry no debug information (GDB reads it from build/; the
# kernel's backtraces use its own .ksyms): GRUB reads every byte through
# the BIOS, and 1.7 MB of DWARF in the kernel alone cost 0.4 s. badelf,
# cut short on purpose, is no ELF to strip: it is copied as it is.
PROGRAMS_TAR := $(B)/isodir/boot/programs.tar

$(ISO): $(ELF) $(USER_ELFS) iso/boot/grub/grub.cfg $(B)/args.txt Makefile
	rm -rf $(B)/isodir $(B)/isouser
	mkdir -p $(B)/isodir/boot/grub $(B)/isouser
	$(STRIP) --strip-all -o $(B)/isodir/boot/interlude.elf $(ELF)
	for f in $(USER_ELFS); do \
		$(STRIP) --strip-all -o $(B)/isouser/$${f##*/} $$f \
			2>/dev/null || cp $$f $(B)/isouser/; \
	done
	tar --format=ustar --owner=0 --group=0 --numeric-owner --mtime=@0 \
		-cf $(PROGRAMS_TAR) -C $(B)/isouser $(notdir $(USER_ELFS))
	sed -e 's|@ARGS@|$(ARGS)|' iso/boot/grub/grub.cfg \
		> $(B)/isodir/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(B)/isodir \
		--install-modules="multiboot normal part_msdos iso9660 biosdisk configfile" \
		--fonts= --locales= --themes= --compress=xz 2>$(B)/grub-mkrescue.log \
		|| { cat $(B)/grub-mkrescue.log; exit 1; }

# SMP=N: N CPUs (docs/smp.md); 1, QEMU's default, unless asked.
SMP ?= 1
QEMU_BASE := $(QEMU) -display none -no-reboot -m 128M -smp $(SMP) \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04

# The machine the tests use: four UARTs (COM1 the shell, on this
# terminal; COM2-COM4 Unix sockets under build/run/, reached with
# scripts/term), QEMU's edu PCI device, an ATA disk on the primary IDE
# channel (build/run/disk.img, the tests' image: `disk` in the shell;
# what you write to it stays until diskimage.py changes - the ISO's
# CD-ROM is the secondary channel's master, IRQ 15), and a monitor
# socket through which scripts/term kbd types on the PS/2 keyboard.
# Ctrl-A X quits; Ctrl-A C switches to the QEMU monitor and back.
RUN_DIR := $(B)/run
# The e1000 (eth0) on a -netdev dgram wire: one datagram is one Ethernet
# frame between the socket QEMU binds (net-guest) and the host's end
# (net-host, for a host tool to bind). -nic none: no default user-mode NIC.
# addr=5: slot 5 gets IRQ 10, so the edu device (slot 3, IRQ 11) keeps its
# line to itself and run useredu can attach it.
RUN_NET = -nic none -netdev dgram,id=net0,local.type=unix,local.path=$(RUN_DIR)/net-guest,remote.type=unix,remote.path=$(RUN_DIR)/net-host \
	-device e1000,netdev=net0,mac=52:54:00:12:34:56,addr=5
RUN_PORT = -chardev socket,id=$(1),path=$(RUN_DIR)/$(1),server=on,wait=off \
	-serial chardev:$(1)
RUN_DISK := $(RUN_DIR)/disk.img
RUN_DRIVE = -drive file=$(RUN_DISK),format=raw,if=ide,index=0
QEMU_RUN = $(QEMU_BASE) -cdrom $(ISO) -serial mon:stdio \
	$(call RUN_PORT,ttyS1) $(call RUN_PORT,ttyS2) $(call RUN_PORT,ttyS3) \
	-device edu,addr=3 $(RUN_DRIVE) -monitor unix:$(RUN_DIR)/monitor,server=on,wait=off \
	$(RUN_NET)

$(RUN_DISK): tests/harness/diskimage.py
	@mkdir -p $(dir $@)
	$(PYTHON) tests/harness/diskimage.py $@

run: $(ISO) $(RUN_DISK)
	@mkdir -p $(RUN_DIR)
	@rm -f $(RUN_DIR)/net-guest
	@scripts/run-banner $(RUN_DIR) '$(ARGS)' run $(SMP)
	$(QEMU_RUN)

# GDB on this terminal, the shell on a socket (scripts/term ttyS0 from a
# second terminal), built with -Og in build/debug so that stepping
# follows the source and `make test`'s build is untouched.
debug:
	$(MAKE) B=$(B)/debug OPT=-Og debug-here

QEMU_DEBUG = $(QEMU_BASE) -cdrom $(ISO) $(call RUN_PORT,ttyS0) \
	$(call RUN_PORT,ttyS1) $(call RUN_PORT,ttyS2) $(call RUN_PORT,ttyS3) \
	-device edu,addr=3 $(RUN_DRIVE) -monitor unix:$(RUN_DIR)/monitor,server=on,wait=off \
	$(RUN_NET) -s -S

debug-here: $(ISO) $(USER_ELFS) $(RUN_DISK)
	@mkdir -p $(RUN_DIR)
	@rm -f $(RUN_DIR)/net-guest
	@scripts/run-banner $(RUN_DIR) '$(ARGS)' debug $(SMP)
	$(QEMU_DEBUG) & \
	gdb -q -nx -x scripts/gdbinit -ex 'target remote :1234' \
		-ex 'break kmain' -ex continue $(ELF); \
	kill %1 2>/dev/null || true

include tests/host/host.mk

# The flood scenario at the issue's full 200,000 frames per boot (about
# 15 s each here; `make test` sends 20,000): docs/net.md.
flood: $(ELF) $(ISO) $(USER_ELFS)
	NET_FLOOD_FRAMES=200000 $(PYTHON) tests/run_tests.py --elf $(ELF) --iso $(ISO) \
		--only scenario/net_flood

test: $(ELF) $(ISO) $(USER_ELFS) $(SELFTEST_ELF) host-tests
	$(PYTHON) tests/run_tests.py --elf $(ELF) --iso $(ISO) \
		--host-dir $(B)/host --selftest-elf $(SELFTEST_ELF)

C_FILES = $(shell find boot kernel drivers lib tests/kernel tests/host user \
	-name '*.[ch]' 2>/dev/null)

# Warnings are errors in every build, so "all" checks the compiler's part.
# ... and regenerates the bench figures in README.md and docs/*.md from
# the run (tests/harness/benchdocs.py; `make test` checks them).
# make trace CMD="defer tasklet" [EVENTS=all] [SMP=2]: boot, trace that
# shell command line, write build/trace.bin (and, with the converters,
# build/trace.json for ui.perfetto.dev and build/trace.svg): docs/tracing.md.
CMD ?= defer tasklet
EVENTS ?= all
trace: $(ELF) $(USER_ELFS)
	$(PYTHON) scripts/trace-run.py --elf $(ELF) --cmd '$(CMD)' \
		--events '$(EVENTS)' --smp $(if $(filter command line,$(origin SMP)),$(SMP),2) \
		--out $(B)/trace.bin

# make pictures: the timeline pictures of the mechanism pages
# (docs/pictures/*.svg), each from a real trace (scripts/doc-pictures.py).
pictures: $(ELF) $(USER_ELFS)
	$(PYTHON) scripts/doc-pictures.py

bench: $(ELF) $(USER_ELFS)
	$(PYTHON) tests/bench.py --elf $(ELF) --update-docs

# The course labs (docs/labs/README.md, scripts/lab.py).
LAB ?=
lab:
	@$(PYTHON) scripts/lab.py make '$(LAB)' $(if $(FORCE),--force)

grade: $(ELF) $(USER_ELFS)
	@$(PYTHON) scripts/lab.py grade $(LAB)

check: all host-tests
	clang-format --dry-run --Werror $(C_FILES) && echo "check: format ok"
	$(PYTHON) scripts/lab.py check

format:
	clang-format -i $(C_FILES)

clean:
	rm -rf $(B)

-include $(KOBJS:.o=.d) $(wildcard $(B)/uobj/*/*.d $(B)/uobj/*/*/*.d) $(B)/obj/tests/kernel/selftest_fail.d
