#!/bin/sh
# SPDX-License-Identifier: MIT
#
# unpack-data.sh DEST: unpack the shared trace data sets into DEST so that
# tests, benchmarks, examples and evaluation scripts can read plain files.
#
# Source: $SELFSEQ_DATA if set, else ../shared/data relative to the repo root
# (the data is never shipped with the repository, and never modified here).
#
# Produces (each part only once; a second run is a no-op and cheap):
#   DEST/ADFA-LD/{Training_Data_Master,Validation_Data_Master,Attack_Data_Master}/...
#                               from adfa-ld/ADFA-LD.zip (one trace per file)
#   DEST/adfa-validation.txt    every Validation_Data_Master trace, in sorted
#                               file-name order, one trace per line, calls
#                               separated by spaces (2,122,085 calls)
#   DEST/mit-lpr/real/*.log.int.gz      from mit-lpr/normal-traces.tar.gz
#   DEST/mit-lpr/lprcp-intrusion.int.gz copied as is
#
# Exit status: 0 done; 77 when the data directory is absent (the meson/automake
# "skip" code, so a test can `exit` with it unchanged); 2 bad usage; 1 other
# errors (a damaged archive, a wrong call count, a full disk).
#
# Safe to run concurrently into the same DEST (parallel tests): each part is
# built in a private temporary name and renamed into place; a part that
# appears in the meantime wins and the copy is discarded.
set -eu

if [ $# -ne 1 ] || [ -z "$1" ]; then
	echo "usage: $0 DEST" >&2
	exit 2
fi
dest=$1
root=$(cd "$(dirname "$0")/.." && pwd)
data=${SELFSEQ_DATA:-$root/../shared/data}

if [ ! -f "$data/adfa-ld/ADFA-LD.zip" ] || [ ! -f "$data/mit-lpr/normal-traces.tar.gz" ]; then
	echo "$0: trace data not found in $data (set SELFSEQ_DATA); skipping" >&2
	exit 77
fi
command -v unzip >/dev/null || { echo "$0: unzip is needed (apt-get install unzip)" >&2; exit 1; }

mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
tmp=$(mktemp -d "$dest/.unpack.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Move $1 (in $tmp) to $2 unless $2 appeared meanwhile.
publish() {
	mv -T "$1" "$2" 2>/dev/null || [ -e "$2" ] || { echo "$0: cannot create $2" >&2; exit 1; }
}

if [ ! -d "$dest/ADFA-LD" ]; then
	unzip -q "$data/adfa-ld/ADFA-LD.zip" -d "$tmp/adfa"
	publish "$tmp/adfa/ADFA-LD" "$dest/ADFA-LD"
fi

if [ ! -f "$dest/adfa-validation.txt" ]; then
	# One awk per batch of files; each batch ends its last trace with a newline.
	find "$dest/ADFA-LD/Validation_Data_Master" -type f -name '*.txt' -print0 |
		LC_ALL=C sort -z |
		xargs -0 awk '{ $1 = $1; if (FNR == 1 && NR > 1) printf "\n";
				printf "%s%s", (FNR > 1 && $0 != "" ? " " : ""), $0 }
			      END { if (NR) printf "\n" }' >"$tmp/validation.txt"
	calls=$(wc -w <"$tmp/validation.txt")
	if [ "$calls" -ne 2122085 ]; then
		echo "$0: adfa-validation.txt has $calls calls, expected 2122085" >&2
		exit 1
	fi
	publish "$tmp/validation.txt" "$dest/adfa-validation.txt"
fi

if [ ! -d "$dest/mit-lpr" ]; then
	mkdir "$tmp/mit-lpr"
	tar -xzf "$data/mit-lpr/normal-traces.tar.gz" -C "$tmp/mit-lpr"
	cp "$data/mit-lpr/lprcp-intrusion.int.gz" "$tmp/mit-lpr/"
	publish "$tmp/mit-lpr" "$dest/mit-lpr"
fi
