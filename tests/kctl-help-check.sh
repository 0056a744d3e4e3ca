#!/bin/sh
# selfseq-kctl's --help and its man page name the same commands and options.
# usage: kctl-help-check.sh SELFSEQ_KCTL MANPAGE
set -eu
kctl=$1 man=$2
help=$("$kctl" --help)
fail=0
# Commands: the indented first word of each line of the Commands section.
cmds=$(echo "$help" | sed -n '/^Commands:/,/^$/p' | sed -n 's/^  \([a-z][a-z-]*\).*/\1/p')
# Long options of the Options section.
opts=$(echo "$help" | sed -n 's/.*\(--[a-z][a-z-]*\).*/\1/p' | sort -u)
[ -n "$cmds" ] && [ -n "$opts" ] || { echo "FAIL: cannot parse --help"; exit 1; }
for c in $cmds; do
	# The man page escapes '-' as '\-'.
	pat=$(echo "$c" | sed 's/-/\\\\-/g')
	grep -q "^\.B[IR]* $pat\b" "$man" || grep -q "^\.B[IR]* \"$pat" "$man" ||
		{ echo "FAIL: command $c of --help is not in $man"; fail=1; }
done
for o in $opts; do
	pat=$(echo "$o" | sed 's/-/\\\\-/g')
	grep -q -- "$pat" "$man" || { echo "FAIL: option $o of --help is not in $man"; fail=1; }
done
# And back: every command the man page describes (the line after each .TP
# of the COMMANDS section) is in --help.
for c in $(awk '/^\.SH COMMANDS/ { on = 1; next } /^\.SH / { on = 0 }
		on && tp && /^\.BI? / { print $2 } { tp = on && /^\.TP/ }' "$man" |
		tr -d '"' | sed 's/\\-/-/g' | sort -u); do
	echo "$cmds" | grep -qx -- "$c" || { echo "FAIL: command $c of $man is not in --help"; fail=1; }
done
[ $fail -eq 0 ] && echo "ok: $(echo $cmds | wc -w) commands and $(echo $opts | wc -w) options match"
exit $fail
