#!/bin/sh
# The installed libselfseq.a: the library's objects prelinked into one
# relocatable object (ld -r), whose hidden symbols are then made local
# (objcopy --localize-hidden). The core's ss_* helpers and the selfseq__
# internals must be global between the library's own files, but a program
# linked statically must see only the selfseq_ API, as with the shared
# library: otherwise its own ss_alloc or the like would clash with ours.
# usage: make-static.sh LD OBJCOPY AR OUTPUT INPUT.a
set -eu
ld=$1 objcopy=$2 ar=$3 out=$4 in=$5
dir=$out.d
rm -rf "$out" "$dir"
mkdir "$dir"
"$ld" -r -o "$dir/libselfseq.o" --whole-archive "$in" --no-whole-archive
"$objcopy" --localize-hidden "$dir/libselfseq.o"
"$ar" rcD "$out" "$dir/libselfseq.o"
rm -rf "$dir"
