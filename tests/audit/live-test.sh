#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Live test (suite 'live', changes system state, restores it): a private
# auditd (own configuration, log and plugin directories under a temporary
# directory) runs selfseq-audit as its plugin; the rules come from
# `selfseq-audit rules`; the victim program runs its normal path until its
# profile is normal, then its other path, and the plugin must report the
# anomaly. The log auditd wrote is then replayed: train on it and score a
# second recording. Always removes the rules, stops the daemon, restores the
# audit enabled flag and deletes its files. Exit 77 (skip) where auditd
# cannot run: not root, no auditd, another audit daemon registered, or the
# kernel refuses.
#
# usage: live-test.sh SELFSEQ_AUDIT VICTIM
set -u

AUDIT_BIN=$(realpath "$1")
VICTIM=$(realpath "$2")

skip() { echo "SKIP: $*" >&2; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root to run auditd"
command -v auditd >/dev/null && command -v auditctl >/dev/null ||
	skip "auditd/auditctl not installed (apt-get install auditd)"
case "$AUDIT_BIN$VICTIM" in *[[:space:]]*) skip "build path has blanks: audit rules cannot name it";; esac
status=$(auditctl -s 2>&1) || skip "the kernel audit interface is not available: $status"
old_pid=$(echo "$status" | awk '$1 == "pid" {print $2}')
old_enabled=$(echo "$status" | awk '$1 == "enabled" {print $2}')
[ "${old_pid:-0}" = 0 ] || skip "an audit daemon (pid $old_pid) is already running; not touching it"
[ "$old_enabled" = 2 ] && skip "audit configuration is locked (enabled 2)"

T=$(mktemp -d /tmp/selfseq-live-XXXXXX)
chmod 700 "$T"
AUDITD_PID=
RULES_LOADED=

cleanup() {
	set +e
	if [ -n "$RULES_LOADED" ]; then
		auditctl -R "$T/rules.del" >/dev/null 2>&1
	fi
	if [ -n "$AUDITD_PID" ] && kill -0 "$AUDITD_PID" 2>/dev/null; then
		kill -TERM "$AUDITD_PID"
		for _ in $(seq 50); do kill -0 "$AUDITD_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$AUDITD_PID" 2>/dev/null
		wait "$AUDITD_PID" 2>/dev/null
	fi
	[ -n "$old_enabled" ] && auditctl -e "$old_enabled" >/dev/null 2>&1
	# Our rules are gone; anything else listed was there before us.
	if auditctl -l 2>/dev/null | grep -q -- "$VICTIM"; then
		echo "WARNING: a rule naming $VICTIM is still loaded" >&2
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

mkdir -p "$T/etc/plugins.d" "$T/log" "$T/work"
cat > "$T/etc/auditd.conf" <<EOF
local_events = yes
write_logs = yes
log_file = $T/log/audit.log
log_format = ENRICHED
flush = INCREMENTAL_ASYNC
freq = 20
max_log_file = 8
num_logs = 2
name_format = NONE
max_log_file_action = ROTATE
space_left = 2
space_left_action = IGNORE
admin_space_left = 1
admin_space_left_action = IGNORE
disk_full_action = IGNORE
disk_error_action = IGNORE
q_depth = 2000
overflow_action = SYSLOG
max_restarts = 2
plugin_dir = $T/etc/plugins.d
end_of_event_timeout = 2
EOF
# The plugin: monitor with a profile that becomes normal as soon as it freezes.
cat > "$T/etc/selfseq-audit.conf" <<EOF
store = $T/store
output = $T/anomalies.jsonl
normal-wait = 0
save-interval = 1
summary = json
EOF
cat > "$T/etc/plugins.d/selfseq.conf" <<EOF
active = yes
direction = out
path = $AUDIT_BIN
type = always
args = plugin --config=$T/etc/selfseq-audit.conf
format = string
EOF
chmod 640 "$T/etc/auditd.conf" "$T/etc/plugins.d/selfseq.conf"

auditd -n -c "$T/etc" 2>"$T/auditd.err" &
AUDITD_PID=$!
for _ in $(seq 50); do
	pid=$(auditctl -s 2>/dev/null | awk '$1 == "pid" {print $2}')
	[ "$pid" = "$AUDITD_PID" ] && break
	kill -0 "$AUDITD_PID" 2>/dev/null || break
	sleep 0.1
done
if [ "${pid:-0}" != "$AUDITD_PID" ]; then
	cat "$T/auditd.err" >&2
	skip "auditd did not start or did not register with the kernel"
fi
echo "auditd $AUDITD_PID running with plugin $AUDIT_BIN"

# Rules from the helper: never the plugin itself, every call of the victim.
# (auditctl -R reads regular files only.) The deletion rules are ready first.
"$AUDIT_BIN" rules --exe "$VICTIM" > "$T/rules" || fail "rules helper"
"$AUDIT_BIN" rules --exe "$VICTIM" --delete > "$T/rules.del" || fail "rules helper"
cat "$T/rules"
RULES_LOADED=1	# set first: a partly loaded file is cleaned up too
auditctl -R "$T/rules" >/dev/null || fail "auditctl refused the helper's rules"
auditctl -l | grep -q -- "-F exe=$VICTIM" || fail "victim rule not loaded"
auditctl -l | grep -q -- "never,exit.*-F exe=$AUDIT_BIN" || fail "exclusion rule not loaded"

echo data > "$T/work/data.txt"
# Train: identical normal runs until the profile freezes (and so turns normal).
for _ in $(seq 12); do
	"$VICTIM" normal "$T/work/data.txt" >/dev/null || fail "victim normal"
done
sleep 3
[ -s "$T/anomalies.jsonl" ] && fail "anomalies reported while training: $(head -3 "$T/anomalies.jsonl")"
# The other path: calls never seen after this program's start-up.
"$VICTIM" other "$T/work" || fail "victim other"
found=
for _ in $(seq 100); do
	if grep -q '"call":"mkdir"' "$T/anomalies.jsonl" 2>/dev/null; then found=1; break; fi
	sleep 0.1
done
cat "$T/anomalies.jsonl" 2>/dev/null
[ -n "$found" ] || fail "no anomaly reported for the victim's other path"
grep -q "\"exe\":\"$VICTIM\"" "$T/anomalies.jsonl" || fail "anomaly without the victim's exe"
grep -q '"state":"normal"' "$T/anomalies.jsonl" || fail "anomaly not from a normal profile"
grep -q '"mode":"monitor"' "$T/anomalies.jsonl" || fail "anomaly not from monitor mode"

# Stop the rules, then the daemon: it stops the plugin, which must save.
auditctl -R "$T/rules.del" >/dev/null || fail "rule deletion"
auditctl -l | grep -q -- "$VICTIM" && fail "rules left after deletion"
RULES_LOADED=
kill -TERM "$AUDITD_PID"
wait "$AUDITD_PID"
AUDITD_PID=
[ -s "$T/store$VICTIM/%profile" ] || fail "the plugin did not save the victim's profile"

# The log auditd wrote (ENRICHED): replaying it finds the same anomaly.
"$AUDIT_BIN" extract -q "$T/log/audit.log" > "$T/runs.jsonl" || fail "extract"
runs=$(grep -c "\"exe\":\"$VICTIM\"" "$T/runs.jsonl")
[ "$runs" = 13 ] || fail "expected 13 runs of the victim in the log, got $runs"
"$AUDIT_BIN" monitor --no-store -q --normal-wait=0 "$T/log/audit.log" > "$T/replay.jsonl"
[ $? = 1 ] || fail "replay: expected exit status 1 (anomalies)"
grep -q '"call":"mkdir"' "$T/replay.jsonl" || fail "replay did not find the anomaly"
echo "PASS: anomaly reported live by the auditd plugin and in the replayed log"
exit 0
