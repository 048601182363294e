#!/bin/sh
# Install the Debian packages Interlude needs to build, run, debug and test.
# Safe to run again: it installs only what is missing. Runs as root or via sudo.
set -eu

# package -> a file that proves it is installed
PKGS="
gcc-i686-linux-gnu:/usr/bin/i686-linux-gnu-gcc
binutils-i686-linux-gnu:/usr/bin/i686-linux-gnu-ld
grub-pc-bin:/usr/lib/grub/i386-pc/multiboot.mod
grub-common:/usr/bin/grub-mkrescue
xorriso:/usr/bin/xorriso
mtools:/usr/bin/mformat
qemu-system-x86:/usr/bin/qemu-system-i386
gdb:/usr/bin/gdb
python3:/usr/bin/python3
gcc:/usr/bin/gcc
make:/usr/bin/make
"

missing=""
for entry in $PKGS; do
	pkg=${entry%%:*}
	file=${entry#*:}
	[ -e "$file" ] || missing="$missing $pkg"
done

if [ -z "$missing" ]; then
	exit 0
fi

echo "install-deps: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "install-deps: need root or sudo to install:$missing" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "install-deps: done"
