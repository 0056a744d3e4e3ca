#!/bin/sh
# Every public header compiles on its own as strict C99 and as C++ (DESIGN.md section 4).
# usage: header-check.sh SRCDIR CC CXX
set -eu
src=$1 cc=$2 cxx=$3
n=0
for h in "$src"/include/selfseq/*.h; do
	name=selfseq/$(basename "$h")
	printf '#include <%s>\nint main(void) { return 0; }\n' "$name" |
		$cc -std=c99 -pedantic -Wall -Wextra -Werror -fsyntax-only -I "$src/include" -x c - ||
		{ echo "FAIL: $name as C99"; exit 1; }
	printf '#include <%s>\nint main() { return 0; }\n' "$name" |
		$cxx -std=c++11 -pedantic -Wall -Wextra -Werror -fsyntax-only -I "$src/include" -x c++ - ||
		{ echo "FAIL: $name as C++"; exit 1; }
	n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "FAIL: no public headers under $src/include/selfseq"; exit 1; }
echo "$n public headers compile as C99 -pedantic and C++11"
