#!/bin/sh
# Live demonstration of selfseq-trace (doc/man/selfseq-trace.1) on the small
# file server examples/trace/demo/demo-server.c:
#   1. train: the server answers ordinary requests, five runs, traced live
#      from the raw_syscalls:sys_enter tracepoint; one profile per executable
#      goes into a fresh profile store;
#   2. score an ordinary session: no anomaly;
#   3. score a session with an exploit-like request ("GET |id": the server's
#      deliberate bug runs it with /bin/sh): the calls it has never made in
#      that context are reported, with the executable, pid and call.
# Needs root (or CAP_PERFMON). Usage: scripts/demo-trace.sh [BUILD_DIR]
set -eu
cd "$(dirname "$0")/.."
build=${1:-build-demo}
if [ ! -x "$build/examples/trace/selfseq-trace" ] || [ ! -x "$build/examples/trace/demo/demo-server" ]; then
	[ -d "$build" ] || meson setup "$build" -Dbuildtype=release >/dev/null
	ninja -C "$build" examples/trace/selfseq-trace examples/trace/demo/demo-server >/dev/null
fi
trace=$build/examples/trace/selfseq-trace
server=$(realpath "$build/examples/trace/demo/demo-server")
work=$(mktemp -d /tmp/selfseq-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/docroot"
printf '<h1>hello</h1>\n' > "$work/docroot/index.html"
printf 'about us\n' > "$work/docroot/about.html"
head -c 3000 /dev/urandom > "$work/docroot/logo.png"
store=$work/profiles

# Ordinary clients: pages, sizes, a missing page, a forbidden path, a bad request.
session() {
	case $1 in
	1) printf 'GET index.html\nGET about.html\nSTAT logo.png\nGET logo.png\n' ;;
	2) printf 'STAT index.html\nGET missing.html\nGET index.html\n' ;;
	3) printf 'GET ../etc/passwd\nGET about.html\nHELLO\nGET index.html\n' ;;
	4) printf 'GET logo.png\nSTAT nothing\nGET about.html\nGET about.html\n' ;;
	5) printf 'GET index.html\n' ;;
	esac
}

echo "== 1. training on 5 ordinary sessions (profile store $store)"
for i in 1 2 3 4 5; do
	session $i | "$trace" train -s "$store" --summary=none -- "$server" "$work/docroot" >/dev/null
done
find "$store" -name '%profile' | sed "s|^$store| profile:|; s|/%profile\$||"

echo
echo "== 2. an ordinary session, scored against the profile"
rc=0
printf 'GET about.html\nSTAT index.html\nGET index.html\n' |
	"$trace" score -s "$store" --text --summary=none -o "$work/normal.txt" -- \
		"$server" "$work/docroot" >/dev/null || rc=$?
echo "   selfseq-trace exit status $rc, $(wc -l < "$work/normal.txt") anomalies"

echo
echo "== 3. an exploit-like request: GET |id (the server runs it with /bin/sh)"
rc=0
printf 'GET index.html\nGET |id\nGET about.html\n' |
	"$trace" score -s "$store" --text -o "$work/attack.txt" -- \
		"$server" "$work/docroot" > "$work/served.txt" 2> "$work/stderr.txt" || rc=$?
echo "   what the attacker got back: $(grep uid= "$work/served.txt" || echo '(nothing)')"
echo "   selfseq-trace exit status $rc, $(wc -l < "$work/attack.txt") anomalous calls of $server:"
# The full reports (--text; JSON lines without it) carry time, uid, exe, arch and state too.
awk '{ printf "   "; for (i = 1; i <= NF; i++) if ($i ~ /^(pid|ppid|call|misses|lfc)=/) printf "%-21s ", $i; print "" }' \
	"$work/attack.txt"
echo
sed 's/^/   /' "$work/stderr.txt"
[ "$rc" = 1 ]
