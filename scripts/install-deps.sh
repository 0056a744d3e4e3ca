#!/bin/sh
# Installs the Debian packages libselfseq needs to build and test, only if
# some are missing (so repeated runs need no network). Root or sudo.
# (python3-numpy is optional for the Python binding: only its numpy tests need it.)
set -eu
pkgs="meson ninja-build gcc g++ pkgconf libxxhash-dev uthash-dev libcmocka-dev zlib1g-dev
      libaudit-dev libauparse-dev libseccomp-dev unzip python3 python3-pytest valgrind doxygen
      python3-numpy abigail-tools auditd gcc-multilib"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
run=""
[ "$(id -u)" -eq 0 ] || run="sudo"
$run apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $run apt-get install -y -qq --no-install-recommends $missing
