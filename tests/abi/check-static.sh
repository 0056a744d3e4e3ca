#!/bin/sh
# The installed static library (libselfseq.a, libselfseq/make-static.sh)
# defines no global symbol but the API of the version script, leaves no
# internal reference unresolved, and links statically with the flags the
# pkg-config file gives (--static), next to a program that defines
# symbols named like the library's internal helpers (static-user.c).
# usage: check-static.sh LIBSELFSEQ_A MAPFILE PKGCONFIG_DIR SRCDIR WORKDIR CC [CFLAGS...]
set -eu
lib=$1 map=$2 pcdir=$3 src=$4 work=$5
shift 5
mkdir -p "$work"
status=0

grep -E '^[[:space:]]+selfseq_[a-z0-9_]+;' "$map" | tr -d ' \t;' | sort -u >"$work/api"
nm -g --defined-only "$lib" | awk 'NF == 3 { print $3 }' | sort -u >"$work/defined"
leaked=$(comm -23 "$work/defined" "$work/api")
if [ -n "$leaked" ]; then
	echo "FAIL: $lib defines global symbols outside the API:"
	echo "$leaked" | sed 's/^/  /'
	status=1
fi
missing=$(comm -13 "$work/defined" "$work/api")
if [ -n "$missing" ]; then
	echo "FAIL: API symbols missing from $lib:"
	echo "$missing" | sed 's/^/  /'
	status=1
fi
internal=$(nm -u "$lib" | awk '{ print $NF }' | grep -E '^(ss_|selfseq_)' || true)
if [ -n "$internal" ]; then
	echo "FAIL: $lib leaves library symbols unresolved: $internal"
	status=1
fi

# The link a static user does: libselfseq.a plus pkg-config --static's other libraries.
libs=$(PKG_CONFIG_PATH=$pcdir pkg-config --static --libs selfseq | tr ' ' '\n' |
	grep -v -e '^-lselfseq$' -e '^-L' | tr '\n' ' ')
# shellcheck disable=SC2086
if ! "$@" -I "$src/include" -o "$work/static-user" "$src/tests/abi/static-user.c" "$lib" $libs; then
	echo "FAIL: static link of tests/abi/static-user.c against $lib with: $libs"
	exit 1
fi
"$work/static-user" || status=1
[ "$status" -ne 0 ] || echo "$(wc -l <"$work/defined") global symbols in $(basename "$lib"), all API; static link OK with: $libs"
exit $status
