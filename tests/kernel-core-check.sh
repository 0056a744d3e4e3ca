#!/bin/sh
# The freestanding core compiled as the kernel module compiles it (-D__KERNEL__,
# stand-in kernel headers, no libc headers at all), then nm proves that its
# objects need nothing beyond what the kernel exports. Also checks that the
# userland build of the core needs no libc symbol beyond mem*.
# usage: kernel-core-check.sh SRCDIR OUTDIR STATIC_LIB CC [CC ARGS...]
set -eu
src=$1 out=$2
lib=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
shift 3
mkdir -p "$out"
rm -f "$out"/*.o

n=0
for c in "$src"/libselfseq/core/*.c; do
	o="$out/$(basename "$c" .c).o"
	"$@" -std=gnu11 -D__KERNEL__ -nostdinc -ffreestanding -fno-stack-protector \
		-fno-pic -mno-red-zone -mcmodel=kernel -Wall -Wextra -Werror \
		-isystem "$src/tests/kernel-stub" -I "$src/include" -c "$c" -o "$o"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "FAIL: no core sources found under $src/libselfseq/core"; exit 1; }

# Symbols the objects need from outside themselves.
# nm's output goes through files so that a failing nm (an unreadable or
# empty object) fails the check instead of passing with nothing listed.
external() {
	nm --defined-only "$@" >"$out/nm.defined" || { echo "FAIL: nm $*" >&2; exit 1; }
	nm -u "$@" >"$out/nm.undefined" || { echo "FAIL: nm -u $*" >&2; exit 1; }
	awk 'NF==3 {print $3}' "$out/nm.defined" | sort -u >"$out/defined"
	[ -s "$out/defined" ] || { echo "FAIL: nm lists no symbol defined in $*" >&2; exit 1; }
	awk 'NF==2 {print $2}' "$out/nm.undefined" | sort -u | comm -23 - "$out/defined"
}

# What the kernel exports to a module, plus the allocator the module's glue defines.
allowed_kernel='^(memcpy|memset|memmove|xxh64|div64_u64|selfseq__default_allocator)$'
ext=$(external "$out"/*.o)
bad=$(echo "$ext" | grep -Ev "$allowed_kernel" || true)
if [ -n "$bad" ]; then
	echo "FAIL: kernel build of the core needs symbols the kernel does not export:"
	echo "$bad"
	exit 1
fi
echo "kernel build: $n core objects, external symbols: $(echo "$ext" | tr '\n' ' ')"

# Userland: the core objects inside the static library.
[ -f "$lib" ] || { echo "FAIL: static library $lib missing"; exit 1; }
# Thin archives (meson's uninstalled static libraries) list members by path.
members=$(ar t "$lib" | grep -E '(^|/)core_[^/]*$' || true)
[ -n "$members" ] || { echo "FAIL: no core objects in $lib"; exit 1; }
tmp="$out/userland"
rm -rf "$tmp" && mkdir -p "$tmp"
for m in $members; do
	ar p "$lib" "$m" >"$tmp/$(basename "$m")"
done
# Sanitizer builds add their own runtime hooks; those are not libc. The
# selfseq__ names are the userland glue (xxhash-glue.c, alloc-libc.c, and
# score-vector.c's AVX-512 scorer, which the kernel build does not call).
allowed_user='^(memcpy|memset|memmove|selfseq__xxh64|selfseq__default_allocator|selfseq__score_vector|_GLOBAL_OFFSET_TABLE_|__(asan|ubsan|sanitizer|lsan)_.*)$'
ext=$(external "$tmp"/core_*.o)
bad=$(echo "$ext" | grep -Ev "$allowed_user" || true)
if [ -n "$bad" ]; then
	echo "FAIL: userland core objects use libc or other symbols:"
	echo "$bad"
	exit 1
fi
echo "userland build: $(echo "$members" | wc -l) core objects, libc-free beyond mem*"
