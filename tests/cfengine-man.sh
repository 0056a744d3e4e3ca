#!/bin/sh
# selfseq-cfengine's man page and --help name the same long options (suite 'cfengine').
# usage: cfengine-man.sh SELFSEQ_CFENGINE MANPAGE
set -eu
help=$("$1" --help | grep -o -- '--[a-z][a-z-]*' | sort -u)
man=$(sed -n '/^\.SH OPTIONS/,/^\.SH [A-Z]/p' "$2" | sed 's/\\-/-/g; s/\\f[BIRP]//g' | grep -o -- '--[a-z][a-z-]*' | sort -u)
missing=$(printf '%s\n' "$help" | while read -r o; do printf '%s\n' "$man" | grep -qx -- "$o" || echo "$o"; done)
extra=$(printf '%s\n' "$man" | while read -r o; do printf '%s\n' "$help" | grep -qx -- "$o" || echo "$o"; done)
[ -z "$missing" ] || { echo "FAIL: in --help, not in the man page:" $missing; exit 1; }
[ -z "$extra" ] || { echo "FAIL: in the man page, not in --help:" $extra; exit 1; }
echo "$(printf '%s\n' "$help" | wc -l) options in both"
