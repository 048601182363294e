#!/bin/sh
# run_all.sh - run host test binaries; exit 1 if any fails.
# Usage: tests/host/run_all.sh [binary...]   (default: build/host/test_*)

if [ $# -eq 0 ]; then
	set -- build/host/test_*
fi

failed=0
total=0
for t in "$@"; do
	if [ ! -x "$t" ]; then
		echo "run_all: $t: not built (run 'make host-tests')" >&2
		failed=$((failed + 1))
		continue
	fi
	total=$((total + 1))
	if ! "$t"; then
		echo "run_all: FAILED: $t" >&2
		failed=$((failed + 1))
	fi
done

echo "run_all: $total test programs run, $failed failed"
[ "$failed" -eq 0 ]
