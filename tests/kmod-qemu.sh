#!/bin/sh
# selfseq.ko in a real kernel: builds the module with Kbuild against Debian's
# linux-headers (warnings fail the test), boots Debian's linux-image under
# qemu (KVM when it can boot a stock kernel, TCG otherwise) with a busybox
# initramfs, and runs tests/kmod-guest.sh there: train, normalize, anomaly
# through /dev/selfseq, save and verify a profile with the library, load,
# limits, delays, rmmod. The host then checks the guest's verdict, the
# kernel log (oops, WARNING, BUG, KASAN, kmemleak), the taint flags, decodes
# the exported profile again and prints the getppid() overhead figures.
#
# usage: kmod-qemu.sh SRCDIR OUTDIR KCTL_STATIC TESTPROG BENCH_STATIC KCTL
# Exits 77 (skip) only when qemu, busybox-static or a matching Debian kernel
# image + headers pair is missing and cannot be installed with apt-get.
# SELFSEQ_KVER picks a kernel version; SELFSEQ_KMOD_ACCEL=kvm|tcg forces one.
set -eu
src=$1 out=$2 kctl=$3 testprog=$4 bench=$5 kctl_host=$6
mkdir -p "$out"
out=$(cd "$out" && pwd)

skip() { echo "SKIP: $*"; exit 77; }
die() { echo "FAIL: $*"; exit 1; }

# A kernel image with the build tree of the same version.
find_kernel() {
	kver=${SELFSEQ_KVER:-}
	if [ -n "$kver" ]; then
		[ -r "/boot/vmlinuz-$kver" ] && [ -d "/lib/modules/$kver/build" ] && return 0
		return 1
	fi
	for img in $(ls /boot/vmlinuz-* 2>/dev/null | sort -V); do
		v=${img#/boot/vmlinuz-}
		[ -r "$img" ] && [ -f "/lib/modules/$v/build/Makefile" ] && kver=$v
	done
	[ -n "$kver" ]
}

have_tools() {
	command -v qemu-system-x86_64 >/dev/null && [ -x /bin/busybox ] &&
		/bin/busybox --list 2>/dev/null | grep -qx insmod && find_kernel
}

if ! have_tools; then
	# Installing is cheap enough to do here, not in scripts/install-deps.sh:
	# only this test needs the ~300 MB of qemu and kernel packages.
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
		echo "installing qemu-system-x86 busybox-static linux-image-amd64 linux-headers-amd64"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			qemu-system-x86 busybox-static linux-image-amd64 linux-headers-amd64 \
			>"$out/apt.log" 2>&1 || skip "apt-get install failed (see $out/apt.log)"
	fi
	have_tools || skip "needs qemu-system-x86_64, busybox-static and a Debian linux-image + linux-headers pair"
fi
[ "$(uname -m)" = x86_64 ] || skip "the guest is x86_64"
echo "kernel $kver"

# 1. The module, warning-free.
ko=$out/ko
make -C "$src/examples/kmod" KVER="$kver" BUILD="$ko" >"$out/kbuild.log" 2>&1 ||
	{ cat "$out/kbuild.log"; die "Kbuild failed"; }
if grep -i 'warning' "$out/kbuild.log" | grep -v 'Skipping BTF generation'; then
	die "Kbuild printed warnings"
fi
echo "built $ko/selfseq.ko"

# 2. The initramfs: busybox, the module, static tools, the guest script.
root=$out/root
rm -rf "$root"
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
cp "$ko/selfseq.ko" "$root/selfseq.ko"
cp "$kctl" "$root/bin/selfseq-kctl"
cp "$testprog" "$root/bin/testprog"
cp "$bench" "$root/bin/getppid-bench"
cp "$src/tests/kmod-guest.sh" "$root/init"
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$out/initramfs.gz"

# 3. Boot twice, at the same time: the test itself, and the overhead run.
# Stock kernels only run under real hardware virtualisation: some hosts offer
# /dev/kvm through another mechanism (here kvm_pvm, which needs a PVM guest
# kernel), so KVM is tried and dropped if the kernel never speaks. Under TCG
# the overhead run uses -icount shift=0: one guest nanosecond is one guest
# instruction, which no load on the host can disturb.
boot() { # ACCEL_ARGS LOG EXTRA_APPEND
	rm -f "$2"
	timeout 170 qemu-system-x86_64 $1 -m 768 -display none -no-reboot \
		-monitor none -serial "file:$2" -kernel "/boot/vmlinuz-$kver" \
		-initrd "$out/initramfs.gz" -append "console=ttyS0 panic=-1 loglevel=4 $3" &
}
accel=${SELFSEQ_KMOD_ACCEL:-}
if [ -z "$accel" ]; then
	accel=tcg
	if [ -w /dev/kvm ] && [ ! -d /sys/module/kvm_pvm ]; then
		accel=kvm
	elif [ -d /sys/module/kvm_pvm ]; then
		echo "/dev/kvm is kvm_pvm (PVM guests only): using TCG"
	fi
fi
started=$(date +%s)
log=$out/console.log
blog=$out/bench-console.log
if [ "$accel" = kvm ]; then
	boot "-enable-kvm -cpu host -smp 2" "$log" ""
	qpid=$!
	i=0
	while [ $i -lt 20 ] && kill -0 $qpid 2>/dev/null && ! grep -q 'Linux version' "$log" 2>/dev/null; do
		sleep 1
		i=$((i + 1))
	done
	if grep -q 'Linux version' "$log" 2>/dev/null; then
		boot "-enable-kvm -cpu host -smp 2" "$blog" selfseq_bench
		bpid=$!
	else
		kill $qpid 2>/dev/null || true
		wait $qpid 2>/dev/null || true
		echo "KVM did not boot the kernel within 20 s: using TCG"
		accel=tcg
	fi
fi
if [ "$accel" = tcg ]; then
	boot "-accel tcg,thread=single -icount shift=0 -cpu max -smp 1" "$blog" selfseq_bench
	bpid=$!
	boot "-accel tcg,thread=multi -cpu max -smp 2" "$log" ""
	qpid=$!
fi
# Meanwhile, the other installed kernel build trees: warning-free too, and
# PREEMPT_RT ones refused with the module's own #error.
others=0
for b in /lib/modules/*/build; do
	v=${b#/lib/modules/}
	v=${v%/build}
	[ "$v" != "$kver" ] && [ -f "$b/Makefile" ] && [ -f "$b/.config" ] || continue
	others=$((others + 1))
	if make -C "$src/examples/kmod" KVER="$v" BUILD="$out/ko-$v" >"$out/kbuild-$v.log" 2>&1; then
		if grep -i 'warning' "$out/kbuild-$v.log" | grep -v 'Skipping BTF generation'; then
			echo "FAIL: Kbuild for $v printed warnings"
			other_fail=1
		else
			echo "built for $v too"
		fi
	elif grep -q '^CONFIG_PREEMPT_RT=y' "$b/.config" &&
		grep -q 'error: #error "selfseq.ko allocates' "$out/kbuild-$v.log"; then
		echo "refused for $v (PREEMPT_RT), as intended"
	else
		tail -20 "$out/kbuild-$v.log"
		echo "FAIL: Kbuild for $v failed"
		other_fail=1
	fi
done
wait $qpid || true
echo "test guest ran $(( $(date +%s) - started )) s under $accel"
wait $bpid || true
echo "overhead guest done after $(( $(date +%s) - started )) s"
# The serial console ends lines with CR LF.
tr -d '\r' <"$log" >"$out/guest.log"
tr -d '\r' <"$blog" >"$out/bench-guest.log"
log=$out/guest.log

# 4. The verdict.
status=0
[ -z "${other_fail:-}" ] || status=1
# What the guest did (without the exported profile and the kernel log).
sed -n '/^=== /,/^DMESG-BEGIN$/p' "$log" | sed '/^PROFILE-BEGIN$/,/^PROFILE-END$/d' || true
grep -q '^RESULT ' "$log" || { tail -50 "$log"; die "the guest did not finish (see $log)"; }
if grep -q '^FAIL: ' "$log"; then
	echo "guest failures:"
	grep '^FAIL: ' "$log"
	status=1
fi
sed -n '/^DMESG-BEGIN$/,/^DMESG-END$/p' "$log" >"$out/dmesg.txt"
if grep -E 'Oops|WARNING:|BUG:|Call Trace|KASAN|kmemleak|general protection|RIP: ' "$out/dmesg.txt"; then
	echo "FAIL: kernel log has an oops, warning or bug report (above)"
	status=1
fi
taint=$(sed -n 's/^TAINT \([0-9]*\)$/\1/p' "$log")
# Allowed: O (out-of-tree, 4096) and E (unsigned module, 8192).
if [ -z "$taint" ] || [ $((taint & ~12288)) -ne 0 ]; then
	echo "FAIL: kernel taint ${taint:-unknown} has flags other than O and E"
	status=1
fi
grep -q 'selfseq: unloaded, core bytes left 0, tasks left 0' "$out/dmesg.txt" ||
	{ echo "FAIL: unload did not report all memory returned"; status=1; }

# 5. The profile the guest saved, decoded again on the host.
sed -n '/^PROFILE-BEGIN$/,/^PROFILE-END$/p' "$log" | sed '1d;$d' | base64 -d >"$out/testprog.prof" ||
	{ echo "FAIL: no profile exported by the guest"; status=1; }
if [ -s "$out/testprog.prof" ]; then
	"$kctl_host" verify "$out/testprog.prof" >"$out/verify.txt" || status=1
	cat "$out/verify.txt"
	grep -q '^key /bin/testprog$' "$out/verify.txt" && grep -q '^state normal$' "$out/verify.txt" ||
		{ echo "FAIL: host decode of the saved profile"; status=1; }
fi

# 6. Overhead: the guest's figures, and the host's speed for the same userland code.
grep -q '^RESULT fails=0$' "$out/bench-guest.log" ||
	{ tail -30 "$out/bench-guest.log"; echo "FAIL: the overhead guest failed"; status=1; }
grep '^FAIL: ' "$out/bench-guest.log" || true
grep '^BENCH ' "$out/bench-guest.log" | tee "$out/bench.txt"
if [ "$accel" = tcg ]; then
	echo "host: $("$bench" --feed -n 200000 -r 9)" | tee -a "$out/bench.txt"
	awk -v units=instructions '
		function best(s) { sub(/.*best /, "", s); sub(/ ns.*/, "", s); return s + 0 }
		/^BENCH unloaded:/ { u = best($0) }
		/^BENCH loaded-untracked:/ { ut = best($0) }
		/^BENCH loaded-training:/ { t = best($0) }
		/^BENCH loaded-normal:/ { n = best($0) }
		/^BENCH feed-userland:/ { gf = best($0) }
		/^host: feed:/ { hf = best($0) }
		END {
			if (!u || !gf || !hf) exit
			printf "guest getppid(): %.0f %s; added: untracked task %+.0f, training %+.0f, normal %+.0f %s per call\n", u, units, ut - u, t - u, n - u, units
			printf "userland selfseq_process_feed(): %.0f guest %s = %.1f ns on this host (CPU time): %.3f ns per %s\n", gf, units, hf, hf / gf, substr(units, 1, length(units) - 1)
			printf "estimated added ns per call at that rate: untracked %.1f, training %.1f, normal %.1f\n", (ut - u) * hf / gf, (t - u) * hf / gf, (n - u) * hf / gf
		}' "$out/bench.txt" | tee -a "$out/bench.txt"
fi
[ $status -eq 0 ] && echo "PASS: selfseq.ko on $kver ($accel)"
exit $status
