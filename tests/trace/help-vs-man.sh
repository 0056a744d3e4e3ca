#!/bin/sh
# selfseq-trace --help and doc/man/selfseq-trace.1 name the same long
# options and the same exit statuses.
# Usage: help-vs-man.sh SELFSEQ_TRACE MANPAGE
set -eu
bin=$1 man=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" --help | grep -o -- '--[a-z][a-z-]*' | sort -u > "$tmp/help"
sed 's/\\-/-/g' "$man" | grep -o -- '--[a-z][a-z-]*' | sort -u > "$tmp/man"
if ! diff -u "$tmp/help" "$tmp/man"; then
	echo "help-vs-man: options differ (- only in --help, + only in the man page)" >&2
	exit 1
fi
for code in 0 1 2 3 4 5 6; do
	"$bin" --help | grep -q "$code " || { echo "help-vs-man: --help lacks exit status $code" >&2; exit 1; }
	grep -q "^\.B $code\$" "$man" || { echo "help-vs-man: man page lacks exit status $code" >&2; exit 1; }
done
echo "help-vs-man: $(wc -l < "$tmp/help") long options agree"
