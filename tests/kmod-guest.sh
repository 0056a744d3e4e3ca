#!/bin/busybox sh
# /init of the qemu guest of kmod-qemu.sh: exercises selfseq.ko in the
# guest's kernel and prints what the host checks. Lines starting with
# "FAIL: " fail the test, "BENCH " lines are the overhead figures, the
# profile and the kernel log go out between markers; "RESULT" comes last.
# With the kernel argument selfseq_bench it only measures the overhead.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mkdir -p /tmp/store

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
kctl() { selfseq-kctl "$@"; }
# Value of a "name value" line of status or params.
stat() { kctl status | sed -n "s/^$1 //p"; }
bench() { echo "BENCH $1: $(shift; getppid-bench "$@")"; }

echo "=== guest $(uname -r), $(nproc) CPUs"

# Overhead run (kernel argument selfseq_bench): under TCG qemu runs it with
# -icount shift=0, where one guest nanosecond is one instruction.
if grep -q selfseq_bench /proc/cmdline; then
	echo "=== overhead"
	bench unloaded -n 20000 -r 3
	bench feed-userland --feed -n 20000 -r 3
	# Started before insmod: stays untracked, measures the probe's lookup alone.
	getppid-bench -n 20000 -r 3 --wait /tmp/go >/tmp/bench-untracked &
	insmod /selfseq.ko || fail "insmod"
	touch /tmp/go
	wait
	echo "BENCH loaded-untracked: $(cat /tmp/bench-untracked)"
	bench loaded-training -n 20000 -r 3
	kctl normalize /bin/getppid-bench >/dev/null || fail "normalize getppid-bench"
	bench loaded-normal -n 20000 -r 3
	rmmod selfseq || fail "rmmod"
	echo "RESULT fails=$fails"
	poweroff -f
fi

echo "=== insmod"
insmod /selfseq.ko || fail "insmod"
[ -c /dev/selfseq ] && ok "/dev/selfseq exists" || fail "/dev/selfseq missing"

echo "=== train /bin/testprog"
i=0
while [ $i -lt 20 ]; do
	testprog normal || fail "testprog normal exit status"
	i=$((i + 1))
done
kctl profiles | grep 'key=/bin/testprog$' >/tmp/p || fail "no profile for /bin/testprog"
cat /tmp/p
id=$(sed -n 's/^id=\([0-9]*\) .*/\1/p' /tmp/p)
grep -Eq 'state=(training|frozen)' /tmp/p && ok "trains" || fail "profile not training"

echo "=== normalize"
kctl normalize /bin/testprog || fail "normalize"
kctl profiles | grep -q "^id=$id state=normal " && ok "normal" || fail "not normal after normalize"
# The normal path stays quiet.
seq0=$(stat events_next)
testprog normal
kctl --since $((seq0 - 1)) anomalies >/tmp/a
if grep -q testprog /tmp/a; then
	cat /tmp/a
	fail "anomalies on the trained path"
else
	ok "normal path: no anomaly"
fi

echo "=== anomalous path"
seq0=$(stat events_next)
testprog anomalous
kctl --since $((seq0 - 1)) anomalies | tee /tmp/a
# uname is 63 on x86_64: the first anomalous call is the inserted one.
grep -q 'pid [0-9]* (testprog) /bin/testprog: call 63 (?) misses [1-9]' /tmp/a &&
	ok "anomaly on uname read from /dev/selfseq" || fail "no uname anomaly in the ring"
n=$(grep -c '(testprog)' /tmp/a)
[ "$n" -ge 2 ] && ok "$n anomalous calls" || fail "only $n anomalous calls"
kctl --json --since $((seq0 - 1)) anomalies | head -2
dmesg | grep -q 'selfseq: anomaly: pid .* (testprog)' && ok "printk" || fail "no anomaly printk"

echo "=== ps and actions by pid"
testprog hold 3 &
hpid=$!
sleep 1
kctl ps | grep "^pid=$hpid " | tee /tmp/ps
grep -q "profile=$id state=normal .*comm=testprog exe=/bin/testprog" /tmp/ps &&
	ok "ps shows the task" || fail "ps does not show pid $hpid"
kctl tolerize --pid $hpid | grep -q "profile $id training" && ok "tolerize by pid" ||
	fail "tolerize --pid"
kctl sensitize $id >/dev/null || fail "sensitize by id"
wait $hpid
i=0
while [ $i -lt 10 ]; do
	testprog normal
	i=$((i + 1))
done
kctl normalize $id | grep -q "profile $id normal" && ok "normalize by id" || fail "normalize by id"
kctl normalize --pid 999999 2>/tmp/e && fail "normalize of an unknown pid worked"
grep -q 'pid 999999 is not tracked' /tmp/e && ok "unknown pid refused" || fail "no message: $(cat /tmp/e)"
kctl set alphabet 5 2>/tmp/e && fail "set alphabet worked"
cat /tmp/e

echo "=== concurrency: threads of one profile on both CPUs, forks, control commands"
cp /bin/testprog /tmp/stress
(i=0; while [ $i -lt 3 ]; do /tmp/stress threads 6 || echo "FAIL: threads"; i=$((i + 1)); done) &
s1=$!
(i=0; while [ $i -lt 30 ]; do testprog normal; i=$((i + 1)); done) &
s2=$!
i=0
loads=0
while [ $i -lt 10 ]; do
	kctl ps >/dev/null || fail "ps under load"
	kctl profiles >/dev/null || fail "profiles under load"
	# Replacing the profile its threads run on: every attached task moves over.
	kctl save /tmp/stress /tmp/stress.prof 2>/dev/null && kctl load /tmp/stress.prof >/dev/null &&
		loads=$((loads + 1))
	i=$((i + 1))
done
wait $s1 $s2
[ $loads -gt 0 ] && ok "$loads loads of a busy profile" || fail "no load of the busy profile"
kctl profiles | grep 'key=/tmp/stress$' | grep -q 'tasks=0 ' && ok "threads detached" ||
	fail "stress profile still has tasks: $(kctl profiles | grep 'key=/tmp/stress$')"

echo "=== status"
kctl status | tee /tmp/s
[ "$(stat calls)" -gt 0 ] && ok "calls counted" || fail "no calls"

echo "=== save, verify, export"
kctl -s /tmp/store save-all || fail "save-all"
kctl verify /tmp/store/bin/testprog/%profile | tee /tmp/v || fail "verify"
grep -q '^re-encoded identical$' /tmp/v && grep -q '^state normal$' /tmp/v &&
	ok "saved profile decodes" || fail "saved profile"
kctl save $id /tmp/one.prof && cmp /tmp/one.prof /tmp/store/bin/testprog/%profile &&
	ok "save one = save-all" || fail "save one differs"
echo "PROFILE-BEGIN"
base64 /tmp/store/bin/testprog/%profile
echo "PROFILE-END"

echo "=== load back"
kctl -s /tmp/store load-all | tee /tmp/l || fail "load-all"
grep -q '^loaded .* /bin/testprog$' /tmp/l && ok "load-all" || fail "testprog not loaded"
kctl profiles | grep -q "^id=$id state=normal .*key=/bin/testprog$" && ok "replaced in place" ||
	fail "loaded profile not in place"
testprog anomalous
kctl ps >/dev/null
# A profile whose executable is gone cannot be keyed by its inode.
cp /bin/testprog /tmp/gone
/tmp/gone normal
kctl save /tmp/gone /tmp/gone.prof || fail "save /tmp/gone"
rm /tmp/gone
kctl load /tmp/gone.prof 2>/tmp/e && fail "profile of a deleted executable loaded"
grep -q 'executable /tmp/gone: no such entry' /tmp/e && ok "load needs the executable" ||
	fail "load of /tmp/gone: $(cat /tmp/e)"
echo garbage >/tmp/bad.prof
kctl load /tmp/bad.prof 2>/tmp/e && fail "garbage loaded"
cat /tmp/e
# Straight to the device, past the library's checks: the module decodes with the same core.
before=$(kctl profiles | grep -c '^id=')
printf 'load 16\n0123456789abcdef' >/dev/selfseq && fail "the module took garbage"
head -c 200 /tmp/one.prof >/tmp/cut.prof
{ echo "load 200"; cat /tmp/cut.prof; } >/dev/selfseq && fail "the module took a truncated profile"
printf 'load 99999999999\n' >/dev/selfseq && fail "the module took an absurd size"
printf 'frobnicate\n' >/dev/selfseq && fail "unknown command accepted"
[ "$(kctl profiles | grep -c '^id=')" = "$before" ] && ok "bad loads refused, profiles intact" ||
	fail "profiles changed by bad loads"

echo "=== parameters"
kctl set anomaly_limit 40 >/dev/null || fail "set"
kctl params | grep -q '^anomaly_limit 40$' && ok "set anomaly_limit" || fail "params"

echo "=== delay response and unload while a task sleeps"
kctl set delay_factor 25 >/dev/null || fail "set delay_factor"
testprog anomalous &
dpid=$!
sleep 3
[ "$(stat delays)" -gt 0 ] && ok "delays applied" || fail "no delay"
t0=$(date +%s)
rmmod selfseq || fail "rmmod"
wait $dpid
echo "rmmod and the delayed task took $(( $(date +%s) - t0 )) s"
[ $(( $(date +%s) - t0 )) -le 10 ] && ok "unload woke the delayed task" || fail "unload waited"
[ -e /dev/selfseq ] && fail "/dev/selfseq still there"

echo "=== limits"
insmod /selfseq.ko max_profiles=2 max_tasks=4 || fail "insmod with limits"
# Three executables, one after the other: the third finds no room for its profile.
testprog normal
getppid-bench -n 1000 -r 1 >/dev/null
kctl status >/dev/null
# Six tasks at once: two find no room.
for i in 1 2 3 4 5 6; do sleep 2 & done
sleep 1
kctl status | tee /tmp/s
[ "$(stat profiles)" -le 2 ] && [ "$(stat profiles_untracked)" -gt 0 ] &&
	ok "max_profiles" || fail "max_profiles"
[ "$(stat tasks_untracked)" -gt 0 ] && ok "max_tasks" || fail "max_tasks"
wait
rmmod selfseq || fail "rmmod after limits"

echo "=== kernel"
echo "TAINT $(cat /proc/sys/kernel/tainted)"
echo "DMESG-BEGIN"
dmesg
echo "DMESG-END"
echo "RESULT fails=$fails"
poweroff -f
