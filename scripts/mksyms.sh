#!/bin/sh
# Turn a linked kernel's function symbols into an assembler file for the
# .ksyms section (see kernel/backtrace.c), sorted by address:
#	.long COUNT
#	.long ADDR, name_label   (COUNT times)
#	name strings
# Usage: mksyms.sh NM ELF > ksyms.S
set -eu
nm_tool=$1
elf=$2

# Read nm's output first so a failing nm fails this script (and the build).
syms=$("$nm_tool" -n "$elf")
printf '%s\n' "$syms" | awk '
	BEGIN { n = 0 }
	$2 ~ /^[tTwW]$/ && $3 !~ /^\./ { addr[n] = $1; name[n] = $3; n++ }
	END {
		print "\t.section .ksyms, \"a\""
		print "\t.align 4"
		printf "\t.long %d\n", n
		for (i = 0; i < n; i++)
			printf "\t.long 0x%s, .Lksym%d\n", addr[i], i
		for (i = 0; i < n; i++)
			printf ".Lksym%d:\t.asciz \"%s\"\n", i, name[i]
		print "\t.section .note.GNU-stack, \"\", @progbits"
	}'
