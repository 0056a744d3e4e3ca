#!/bin/sh
# End to end with the real CFEngine (suite 'cfengine'): a test program
# (cfe-victim) behaves normally, then makes calls it never made; a live
# selfseq front end (selfseq-trace, perf tracepoints) reports the anomaly as
# JSON lines; cf-agent runs the example policy, whose module run sets
# selfseq_sequence_anomaly and the statistics classes, and whose response
# signals the offending process, logs a report and acknowledges. Checks the
# classes, the signal, the log, the acknowledgement (the next run is quiet),
# a stale token, cf-monitord sampling the measurement policy, and recovery
# from a corrupt state file.
#
# usage: cfengine-e2e.sh SELFSEQ_CFENGINE CFE_VICTIM POLICY_DIR [SELFSEQ_TRACE]
# Without a usable selfseq-trace (not built, or tracing not allowed) the victim
# reports its own anomaly through the library's pH process API instead, in the
# same JSON lines; the test says which source it used.
# Exit 77 (skip) only when cfengine3 is not installed and cannot be.
set -eu
cfe=$1 victim=$2 policydir=$3 trace=${4:-}

if ! command -v cf-agent >/dev/null 2>&1; then
	echo "cf-agent missing: installing cfengine3"
	run=""
	[ "$(id -u)" -eq 0 ] || run="sudo -n"
	{ $run apt-get install -y -qq --no-install-recommends cfengine3 ||
	  { $run apt-get update -qq && $run apt-get install -y -qq --no-install-recommends cfengine3; }
	} >/dev/null 2>&1 || true
	command -v cf-agent >/dev/null 2>&1 || { echo "SKIP: cfengine3 cannot be installed here"; exit 77; }
fi
cf-agent --version | head -1

T=$(mktemp -d /tmp/selfseq-cfe-XXXXXX)
vpid="" tpid="" mpid=""
stop_trace() {
	[ -n "$tpid" ] || return 0
	kill "$tpid" 2>/dev/null || true
	i=0
	while kill -0 "$tpid" 2>/dev/null && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
	kill -9 "$tpid" 2>/dev/null || true
	wait "$tpid" 2>/dev/null || true
	tpid=""
}
cleanup() {
	[ -n "$vpid" ] && kill "$vpid" 2>/dev/null || true
	[ -n "$mpid" ] && kill "$mpid" 2>/dev/null || true
	stop_trace
	rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; for f in "$T"/agent*.out; do [ -f "$f" ] && { echo "--- $f"; cat "$f"; }; done; exit 1; }

# A private CFEngine work directory: nothing under /var/lib/cfengine3 changes.
W=$T/work
mkdir -p "$W/bin" "$W/inputs" "$W/state"
ln -s "$(command -v cf-promises)" "$W/bin/cf-promises"
cp "$policydir/selfseq-response.cf" "$policydir/selfseq-monitor.cf" "$T/"
chmod 600 "$T"/*.cf
cf-promises -f "$T/selfseq-response.cf" || fail "cf-promises rejects selfseq-response.cf"
cf-promises -f "$T/selfseq-monitor.cf" || fail "cf-promises rejects selfseq-monitor.cf"

EV=$T/anomalies.jsonl ST=$T/cfengine.stats LOG=$T/response.log

# History for the statistics: four earlier weeks with 0 or 1 anomalous call in
# this time-of-week slot and the next (in case a slot boundary passes meanwhile).
now=$(date +%s)
for w in 1 2 3 4; do
	for d in 0 300; do
		"$cfe" add -s "$ST" --series anomalies --value $((w % 2)) --time $((now + d - w * 604800)) >/dev/null
	done
done

# The anomaly, seen by a live front end where possible.
source=""
if [ -n "$trace" ] && [ -x "$trace" ]; then
	"$trace" monitor --no-store --normal-wait 0 -o "$EV" -- "$victim" "$T/pid" "$T/mark" \
		>"$T/trace.out" 2>&1 &
	tpid=$!
	i=0
	while [ ! -s "$T/pid" ] && kill -0 "$tpid" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
	if [ -s "$T/pid" ]; then
		vpid=$(cat "$T/pid")
		i=0
		while ! grep -q "\"pid\":$vpid," "$EV" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
		grep -q "\"pid\":$vpid," "$EV" 2>/dev/null && source="selfseq-trace (live perf tracepoints)"
	fi
	if [ -z "$source" ]; then
		echo "selfseq-trace could not watch the victim here:"; cat "$T/trace.out"
		# As root the live front end must work (suite 'live' proves it can):
		# falling back would hide a broken invocation.
		[ "$(id -u)" != 0 ] || fail "selfseq-trace failed as root"
		[ -n "$vpid" ] && kill "$vpid" 2>/dev/null; vpid=""
		kill "$tpid" 2>/dev/null || true; tpid=""
		rm -f "$EV" "$T/pid" "$T/mark"
	fi
fi
if [ -z "$source" ]; then
	"$victim" --report "$EV" "$T/pid" "$T/mark" &
	vpid=$!
	i=0
	while [ ! -s "$T/pid" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$T/pid" ] || fail "the victim did not start"
	source="the library's pH process API inside the victim (no live front end)"
fi
echo "anomaly source: $source"
echo "victim pid $vpid, $(grep -c "\"pid\":$vpid," "$EV") anomaly lines"

agent() {
	SELFSEQ_CFENGINE=$cfe SELFSEQ_EVENTS=$EV SELFSEQ_STATE=$ST SELFSEQ_LOG=$LOG SELFSEQ_SIGNAL=term \
		cf-agent -K -w "$W" -f "$T/selfseq-response.cf" --show-evaluated-classes='selfseq.*' \
		>"$T/$1" 2>&1 || fail "cf-agent failed"
}

# 0. The gauge of processes that reported anomalies since the last reading
#    (measure counts the lines; run 1 still sees them unacknowledged).
i=0
while ! grep -q "\"pid\":$vpid," "$EV" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
procs=$("$cfe" measure -e "$EV" -s "$ST" --series anomalous_processes | sed -n 's/^selfseq_anomalous_processes=//p')
[ "${procs:-0}" -ge 1 ] || fail "measure: anomalous_processes is '$procs', expected at least the victim"

# 1. The run that responds.
agent agent1.out
grep -q '^selfseq_sequence_anomaly ' "$T/agent1.out" || fail "class selfseq_sequence_anomaly not set"
grep -q '^selfseq_anomalous_process ' "$T/agent1.out" || fail "class selfseq_anomalous_process not set"
grep -q "^selfseq_signalled_$vpid " "$T/agent1.out" || fail "the processes promise did not signal $vpid"
grep -q '^selfseq_anomalies_high_anomalous ' "$T/agent1.out" ||
	fail "statistics class selfseq_anomalies_high_anomalous not set"
grep -q '^selfseq_anomalies_high_dev2 ' "$T/agent1.out" || fail "class selfseq_anomalies_high_dev2 not set"
grep -q "R: selfseq: .* sequence anomalies; live processes \[$vpid\]" "$T/agent1.out" ||
	fail "no report line"
i=0
while [ ! -s "$T/mark" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(cat "$T/mark" 2>/dev/null)" = "signal 15" ] || fail "the victim did not get SIGTERM: '$(cat "$T/mark" 2>/dev/null)'"
# Gone, or a zombie until its parent (this shell, or selfseq-trace) reaps it.
wait "$vpid" 2>/dev/null || true
running() { [ -r "/proc/$1/stat" ] && ! sed 's/.*) //' "/proc/$1/stat" | grep -q '^[ZX]'; }
i=0
while running "$vpid" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
running "$vpid" && fail "the victim still runs"
grep -q "sent term to pid $vpid (.*cfe-victim, LFC [0-9]*)" "$LOG" || fail "no response in the log: $(cat "$LOG")"
echo "run 1: class set, pid $vpid signalled (SIGTERM), report logged"
vpid=""

# 2. Acknowledged: what run 1 saw is not reported again. The front end may
#    still have reported the victim's last calls (its signal handler) after
#    run 1 read the file: those, and only those, are new.
stop_trace
acked=$(sed -n 's/.*anomalies up to byte \([0-9]*\) acknowledged.*/\1/p' "$T/agent1.out")
[ -n "$acked" ] || fail "run 1 did not acknowledge"
late=$(tail -c +$((acked + 1)) "$EV" | grep -c . || true)
agent agent2.out
if [ "$late" -gt 0 ]; then
	grep -q "R: selfseq: $late sequence anomalies; live processes \[\]" "$T/agent2.out" ||
		fail "run 2 should report exactly the $late lines written after run 1"
	grep -q '^selfseq_anomalous_process ' "$T/agent2.out" && fail "a dead process listed"
fi
agent agent3.out
grep -q '^selfseq_sequence_anomaly ' "$T/agent3.out" && fail "the anomaly class persists after the acknowledgement"
out=$("$cfe" module -e "$EV" -s "$ST")
echo "$out" | grep -q '^=selfseq_anomalies_unacked=0$' || fail "module still reports unacknowledged anomalies"
echo "$out" | grep -q '^+selfseq_anomalies_high_anomalous$' || fail "statistics classes lost"
echo "$out" | grep -q '^=selfseq_anomalous_processes_value=0$' || fail "a quiet run did not measure 0 anomalous processes"
echo "run 2: $late later lines reported once, run 3: quiet"

# 3. A token of a replaced file acknowledges nothing.
rc=0
"$cfe" ack -s "$ST" --token 0123456789abcdef:10 2>/dev/null || rc=$?
[ $rc -eq 5 ] || fail "stale token: exit $rc, expected 5"

# 4. measure (cf-monitord) prints the series as a number.
"$cfe" measure -e "$EV" -s "$ST" --series anomalies --scale 10 | grep -Eq '^selfseq_anomalies=[0-9]+$' ||
	fail "measure output"
# For cf-monitord, a state whose latest finished slot holds 4 anomalies (the
# current slot too, in case it finishes meanwhile): measure must print 40.
MEV=$T/measure.jsonl MST=$T/measure.stats
: >"$MEV"
now=$(date +%s)
"$cfe" add -s "$MST" --series anomalies --value 4 --time $((now - 300)) >/dev/null
"$cfe" add -s "$MST" --series anomalies --value 4 --time "$now" >/dev/null
measured=$("$cfe" measure -e "$MEV" -s "$MST" --series anomalies --scale 10)
[ "$measured" = selfseq_anomalies=40 ] || fail "measure printed '$measured', expected selfseq_anomalies=40"

# 4b. cf-monitord runs that measurement and ingests it as observable selfseq_anomalies.
MW=$T/monwork
mkdir -p "$MW/bin" "$MW/inputs" "$MW/state"
ln -s "$(command -v cf-promises)" "$MW/bin/cf-promises"
sed "s|/usr/bin/selfseq-cfengine|$cfe|; s|/var/log/selfseq/anomalies.jsonl|$MEV|; s|/var/lib/selfseq/cfengine.stats|$MST|" \
	"$T/selfseq-monitor.cf" >"$T/monitor.cf"
chmod 600 "$T/monitor.cf"
CFENGINE_TEST_OVERRIDE_WORKDIR=$MW cf-monitord -F -K -f "$T/monitor.cf" >"$T/monitord.out" 2>&1 &
mpid=$!
i=0
while ! grep -q '^value_selfseq_anomalies=' "$MW/state/env_data" 2>/dev/null && [ $i -lt 150 ]; do
	sleep 0.1; i=$((i + 1))
done
kill "$mpid" 2>/dev/null || true
wait "$mpid" 2>/dev/null || true
mpid=""
grep -q '^value_selfseq_anomalies=' "$MW/state/env_data" 2>/dev/null ||
	fail "cf-monitord did not sample the measurement: $(tail -5 "$T/monitord.out")"
sampled=$(grep '^value_selfseq_anomalies=' "$MW/state/env_data" | head -n 1)
echo "cf-monitord: $sampled (measure printed ${measured#*=})"
awk -v a="${sampled#*=}" -v b="${measured#*=}" 'BEGIN { exit !(a + 0 == b + 0) }' ||
	fail "cf-monitord sampled ${sampled#*=}, the measurement was ${measured#*=}"

# 5. A corrupt state file is reported, kept aside and replaced; the anomalies
#    it had acknowledged are reported again rather than lost.
printf 'garbage' | dd of="$ST" bs=1 seek=100 conv=notrunc 2>/dev/null
out=$("$cfe" module -e "$EV" -s "$ST" 2>"$T/err")
echo "$out" | grep -q '^+selfseq_state_recovered$' || fail "corrupt state not reported: $out"
grep -q 'checksum mismatch' "$T/err" || fail "no checksum message: $(cat "$T/err")"
echo "$out" | grep -q '^+selfseq_sequence_anomaly$' || fail "anomalies lost with the corrupt state"
[ -f "$ST.corrupt" ] || fail "corrupt state not kept"
echo "corrupt state detected ($(cat "$T/err" | head -1 | cut -c1-120)...)"
echo "PASS"
