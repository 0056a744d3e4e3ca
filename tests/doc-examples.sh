#!/bin/sh
# Every C example in README.md and doc/*.md compiles and runs against the
# library as installed (meson install into a DESTDIR, found by pkg-config),
# so the examples and selfseq.pc cannot rot. A block with main() is a
# program; any other block is a fragment, run as the body of main() (with
# the selfseq headers, errno.h, stdio.h, stdlib.h and string.h included).
# Each runs in an empty directory of its own and must exit 0; when a ```text
# block follows a ```c block, it is the program's exact output.
# usage: doc-examples.sh SRCDIR BUILDDIR
set -eu
src=$1 build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

meson install -C "$build" --no-rebuild --destdir "$tmp/dest" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; echo "FAIL: meson install"; exit 1; }
pc=$(find "$tmp/dest" -name selfseq.pc | head -n 1)
[ -n "$pc" ] || { echo "FAIL: selfseq.pc not installed"; exit 1; }
export PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$tmp/dest"
flags=$(pkg-config --cflags --libs selfseq)
libdir=$(pkg-config --variable=libdir selfseq)
# pkgconf already prefixes variables with the sysroot.
export LD_LIBRARY_PATH="$libdir"
selfseq_cli=$(find "$tmp/dest" -path '*/bin/selfseq' | head -n 1)

# Split the ```c blocks into files.
n=0
for md in "$src/README.md" "$src"/doc/*.md; do
	awk -v out="$tmp/ex-$(basename "$md" .md)" '
		/^```c$/ { inblk = 1; k++; f = out "-" k ".c"; next }
		/^```text$/ && after_c { intext = 1; t = out "-" k ".out"; next }
		/^```/ && inblk { inblk = 0; close(f); after_c = 1; next }
		/^```/ && intext { intext = 0; close(t); after_c = 0; next }
		inblk { print > f; next }
		intext { print > t; next }
		/^[[:space:]]*$/ { next }
		{ after_c = 0 }' "$md"
done
for c in "$tmp"/ex-*.c; do
	[ -e "$c" ] || continue
	if ! grep -q 'int main(' "$c"; then
		{
			for h in errno stdio stdlib string; do echo "#include <$h.h>"; done
			for h in "$src"/include/selfseq/*.h; do echo "#include <selfseq/$(basename "$h")>"; done
			echo "int main(void) {"
			cat "$c"
			echo "return 0; }"
		} >"$c.wrapped.c"
		mv "$c.wrapped.c" "$c"
	fi
	cc -std=gnu11 -Wall -Wextra -Werror ${SELFSEQ_EXAMPLE_CFLAGS:-} "$c" $flags -o "${c%.c}" ||
		{ echo "FAIL: example $(basename "$c") does not compile"; exit 1; }
	n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "FAIL: no C examples found"; exit 1; }

# Run them; getting-started's program, which takes files, afterwards.
for c in "$tmp"/ex-*.c; do
	[ -e "$c" ] || continue
	ex=${c%.c}
	name=$(basename "$ex")
	[ "$name" = ex-getting-started-1 ] && continue
	mkdir "$tmp/run-$name"
	(cd "$tmp/run-$name" && "$ex" >out 2>err) ||
		{ cat "$tmp/run-$name/err"; echo "FAIL: example $name exits non-zero"; exit 1; }
	if [ -e "$ex.out" ] && ! diff -u "$ex.out" "$tmp/run-$name/out"; then
		echo "FAIL: example $name: output differs from the documented one (- documented, + actual)"
		exit 1
	fi
done
printf '5 3 90 90 5 76 90 6\n' >"$tmp/normal.trace"
printf '5 3 90 5 5 76 90 6\n' >"$tmp/suspect.trace"
out=$("$tmp/ex-getting-started-1" "$tmp/normal.trace" "$tmp/suspect.trace" "$tmp/example.prof")
echo "$out"
# The output the guide shows.
want=$(awk '/^\$ \.\/selfseq-hello /{getline; print; exit}' "$src/doc/getting-started.md")
[ "$out" = "$want" ] || { echo "FAIL: getting-started printed '$out', the guide shows '$want'"; exit 1; }
if [ -n "$selfseq_cli" ]; then
	"$selfseq_cli" show "$tmp/example.prof" >/dev/null || { echo "FAIL: saved profile unreadable"; exit 1; }
fi
echo "$n C examples compiled against the installed library; programs ran"
