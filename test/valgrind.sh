#!/usr/bin/env bash
# The whole pg_regress suite (test/schedule) against a server running under
# valgrind memcheck.  A separate command, not part of scripts/test.sh: it
# takes several minutes.
#
#   test/valgrind.sh              the whole schedule
#   test/valgrind.sh NAME...      only these pg_regress tests
#
# The server is a private copy of the PostgreSQL 15 installation with this
# checkout's rectify installed into it (test/private-install.sh), started as
#   valgrind --trace-children=yes --leak-check=no --error-exitcode=128
#            --suppressions="$PWD/test/valgrind.supp" postgres -D ...
# so a backend that hit a memory error exits with status 128 and the
# postmaster restarts: the regression tests then fail too.  Debian ships no
# suppressions file; test/valgrind.supp holds the few known false
# positives of an unmodified server (padding bytes written to WAL and
# files, ...).  Each process logs to valgrind/PID.log.
#
# Limits: Debian's server is not built with USE_VALGRIND, so memcheck sees
# malloc'd memory-context blocks, not individual palloc chunks: reads past
# a palloc'd chunk but inside its block go unseen (the libFuzzer harness
# under AddressSanitizer, test/fuzz/Makefile, covers that for the parsers).
# Uninitialised reads and accesses outside any block are seen.
#
# Report: errors per kind, and every error whose stack has a frame in
# rectify.so.  Exit status 0 if the suite passed and no error was found.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
. test/private-install.sh

command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)"; exit 2; }
PGXS_DIR=$("$PG_CONFIG" --pkglibdir)/pgxs
WORK=$(scratch_dir valgrind)
PORT=${VALGRIND_PORT:-54398}
status=0
cleanup() {
	[ -f "$WORK/data/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1
	rm -rf "$WORK/install"
	echo "valgrind output kept in $WORK (valgrind/*.log, server.log, regress/)"
}
trap cleanup EXIT

echo "== private PostgreSQL copy in $WORK/install"
private_install "$WORK/install" || exit 1
mkdir -p "$WORK/valgrind"
[ "$(id -u)" -eq 0 ] && chown -R postgres: "$WORK"
as_pg "$BIN/initdb" -D "$WORK/data" -U postgres --encoding=UTF8 --no-locale >/dev/null || exit 1
{
	cat test/regress.conf
	echo "listen_addresses = ''"
	echo "unix_socket_directories = '$WORK'"
	echo "port = $PORT"
	echo "fsync = off"
} >>"$WORK/data/postgresql.conf"

echo "== starting postgres under valgrind"
as_pg 9>&- valgrind --quiet --trace-children=yes --leak-check=no --error-exitcode=128 \
	--suppressions="$PWD/test/valgrind.supp" --gen-suppressions=all --num-callers=30 \
	--log-file="$WORK/valgrind/%p.log" \
	"$BIN/postgres" -D "$WORK/data" >"$WORK/server.log" 2>&1 &
pm=$!
for i in $(seq 1 300); do
	"$BIN/pg_isready" -q -h "$WORK" -p "$PORT" && break
	kill -0 $pm 2>/dev/null || break
	sleep 1
done
"$BIN/pg_isready" -q -h "$WORK" -p "$PORT" || { echo "server did not start"; tail "$WORK/server.log"; exit 1; }
"$BIN/createdb" -h "$WORK" -p "$PORT" -U postgres -T template0 -E UTF8 contrib_regression || exit 1

echo "== pg_regress under valgrind"
started=$SECONDS
as_pg "$PGXS_DIR/src/test/regress/pg_regress" 9>&- --use-existing --host="$WORK" --port="$PORT" \
	--user=postgres --bindir="$BIN" --inputdir=. --outputdir="$WORK/regress" \
	--dbname=contrib_regression ${*:---schedule=test/schedule} 2>&1 | tee "$WORK/regress.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || { status=1; echo "pg_regress failed: $WORK/regress/regression.diffs"; }
echo "pg_regress took $((SECONDS - started)) s under valgrind"
as_pg "$BIN/pg_ctl" -D "$WORK/data" -m fast -t 300 stop >/dev/null

echo "== valgrind findings ($(ls "$WORK/valgrind" | wc -l) server processes ran under valgrind)"
if grep -q 'exited with exit code 128' "$WORK/server.log"; then
	echo "a server process exited with valgrind's error status:"
	grep 'exited with exit code 128' "$WORK/server.log" | head
	status=1
fi
# One error block: from "==PID== <kind>" to the blank "==PID== " line.
awk '
	/^==[0-9]+== [A-Z]/ && !inblock && $0 !~ /(Memcheck|Copyright|Using Valgrind|Command:|Parent PID|ERROR SUMMARY|HEAP SUMMARY|For lists|[Ww]arning:|WARNING:)/ {
		inblock = 1; block = ""; kind = $0; sub(/^==[0-9]+== /, "", kind)
	}
	inblock { block = block "\n" $0 }
	inblock && /^==[0-9]+== $/ {
		inblock = 0; errors++; kinds[kind]++
		if (block ~ /rectify\.so|src\/(deadline|region|emission|rectify)\.c/) { ours++; print "-- in rectify:" block }
	}
	END {
		printf "valgrind errors: %d; with a rectify.so frame: %d\n", errors + 0, ours + 0
		for (k in kinds) printf "  %6d  %s\n", kinds[k], k
	}
' "$WORK"/valgrind/*.log | tee "$WORK/findings.txt"
grep -q '^-- in rectify' "$WORK/findings.txt" && status=1
[ "$status" -eq 0 ] && echo "valgrind: suite passed, no memory errors"
exit $status
