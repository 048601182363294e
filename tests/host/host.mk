# host.mk - build and run the host unit tests (lib/, the line editor, the
# scancode decoder and the ELF checks)
# with the host compiler under AddressSanitizer and UBSan.
#
# Included by the top Makefile; also works alone:
#   make -f tests/host/host.mk host-check
# Targets: host-tests (build), host-check (build and run), host-clean.
# Only HOST_* variables are used, so the top Makefile's CC/CFLAGS (the
# cross compiler) are untouched.

# Remember the includer's default goal: our rules must not take it over.
HOST_SAVED_GOAL := $(.DEFAULT_GOAL)

HOST_CC ?= gcc
HOST_BUILD := build/host
HOST_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -fno-builtin \
	-fsanitize=address,undefined -fno-sanitize-recover=all -I. -MMD -MP
HOST_LDFLAGS := -fsanitize=address,undefined

# The code under test, built with its public names renamed to k_*.
HOST_LIB_SRCS := $(wildcard lib/*.c) kernel/shell/lineedit.c \
	drivers/input/scancode.c kernel/proc/elf_check.c
HOST_LIB_OBJS := $(patsubst %.c,$(HOST_BUILD)/%.o,$(HOST_LIB_SRCS))
HOST_REF_OBJ := $(HOST_BUILD)/tests/host/ref_libc.o

HOST_TEST_SRCS := $(wildcard tests/host/test_*.c)
HOST_TEST_OBJS := $(patsubst %.c,$(HOST_BUILD)/%.o,$(HOST_TEST_SRCS))
HOST_TEST_BINS := $(patsubst tests/host/%.c,$(HOST_BUILD)/%,$(HOST_TEST_SRCS))

.PHONY: host-tests host-check host-clean

host-tests: $(HOST_TEST_BINS)

host-check: host-tests
	sh tests/host/run_all.sh $(HOST_TEST_BINS)

host-clean:
	rm -rf $(HOST_BUILD)

# Static pattern rules: they cannot be confused with the top Makefile's
# generic rules for the cross-compiled objects.
$(HOST_LIB_OBJS): $(HOST_BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -include tests/host/rename.h -c $< -o $@

$(HOST_TEST_OBJS) $(HOST_REF_OBJ): $(HOST_BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

# Every test links every lib object: they are small, and unused ones cost nothing.
$(HOST_TEST_BINS): $(HOST_BUILD)/%: $(HOST_BUILD)/tests/host/%.o $(HOST_LIB_OBJS) $(HOST_REF_OBJ)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@

-include $(HOST_LIB_OBJS:.o=.d) $(HOST_TEST_OBJS:.o=.d) $(HOST_REF_OBJ:.o=.d)

.DEFAULT_GOAL := $(HOST_SAVED_GOAL)
