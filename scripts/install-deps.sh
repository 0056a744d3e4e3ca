#!/bin/sh
# Installs the Debian packages libselfseq needs to build and test, only if
# some are missing (so repeated runs need no network). Root or sudo.
# Optional ones only widen the tests (python3-numpy: the binding's numpy
# tests; auditd: the live selfseq-audit test; gcc-multilib: the i386
# selfseq-trace test); if they cannot be installed, those tests skip.
set -eu
pkgs="meson ninja-build gcc g++ pkgconf libxxhash-dev uthash-dev libcmocka-dev zlib1g-dev
      libaudit-dev libauparse-dev libseccomp-dev unzip python3 python3-pytest valgrind doxygen
      abigail-tools"
optional="python3-numpy auditd gcc-multilib"

missing() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			printf ' %s' "$p"
	done
}
need=$(missing $pkgs)
want=$(missing $optional)
[ -z "$need$want" ] && exit 0
run=""
[ "$(id -u)" -eq 0 ] || run="sudo"
$run apt-get update -qq
if [ -n "$need" ]; then
	echo "installing:$need"
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $run apt-get install -y -qq --no-install-recommends $need
fi
if [ -n "$want" ]; then
	echo "installing (optional):$want"
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $run apt-get install -y -qq --no-install-recommends $want ||
		echo "install-deps: optional packages not installed:$want (their tests will skip)"
fi
