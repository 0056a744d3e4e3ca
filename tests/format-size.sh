#!/bin/sh
# SPDX-License-Identifier: MIT
# Profile sizes on real data: unpack ADFA-LD (skips with 77 when the data set
# is absent) and run format-size on its training traces.
# usage: format-size.sh SRCDIR DATADIR FORMAT-SIZE
set -eu
src=$1 data=$2 prog=$3
sh "$src/scripts/unpack-data.sh" "$data" || exit $?
exec "$prog" "$data/ADFA-LD/Training_Data_Master" 9
