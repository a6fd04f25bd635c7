#!/usr/bin/env bash
# In-server fuzzing of rectify's type input and binary receive functions.
#
#   test/fuzz/run.sh [COUNT]     COUNT inputs per target (default 1000000)
#
# Targets: the text input of rectify.deadline, region, emission and
# deadline_state, and the binary receive functions of the same four types
# (what COPY ... BINARY and libpq binary parameters reach).  test/fuzz/pgfuzz.c
# generates the inputs (seeds, one-character edits, random mutations, long
# strings, huge numbers, deep nesting, invalid UTF-8, random payloads) and
# runs each as its own statement, pipelined; see its header.
#
# It runs against a server of its own: a private copy of the PostgreSQL 15
# installation under /tmp with this checkout's rectify installed into it
# (make install DESTDIR=...), so it never touches the system-wide install
# or its lock.  With PGFUZZ_PGBIN=/usr/lib/postgresql/15/bin it uses that
# installation as it is instead (rectify must already be installed there).
#
# Passes when every input gave a value or a clean error, no error had
# SQLSTATE XX000, every accepted value printed and re-read equal, the
# postmaster start time did not change and the server log has no
# "terminated by signal".  Exit status 0 on success.  Random seed:
# PGFUZZ_SEED (default fixed, so runs repeat).  Output kept on failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
. scripts/common.sh
. test/private-install.sh

COUNT=${1:-1000000}
SEED=${PGFUZZ_SEED:-20240601}
WORK=$(scratch_dir fuzz)
status=0

cleanup() {
	[ -f "$WORK/data/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1
	if [ "$status" -eq 0 ]; then rm -rf "$WORK"; else echo "fuzz output kept in $WORK"; fi
}
trap cleanup EXIT

if [ -n "${PGFUZZ_PGBIN:-}" ]; then
	BIN=$PGFUZZ_PGBIN
else
	echo "== private PostgreSQL copy in $WORK/install"
	private_install "$WORK/install" || { status=1; exit 1; }
fi

echo "== building pgfuzz"
gcc -O2 -Wall -I"$("$PG_CONFIG" --includedir)" -o "$WORK/pgfuzz" test/fuzz/pgfuzz.c \
	-L"$("$PG_CONFIG" --libdir)" -lpq || { status=1; exit 1; }

[ "$(id -u)" -eq 0 ] && chown -R postgres: "$WORK"
as_pg "$BIN/initdb" -D "$WORK/data" -U postgres --encoding=UTF8 --no-locale >/dev/null || { status=1; exit 1; }
cat >>"$WORK/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$WORK'
port = 54399
# ERROR lines are below LOG here: the log keeps server events (a crashed
# backend is "terminated by signal"), not the millions of rejected inputs.
log_min_messages = log
fsync = off
EOF
as_pg "$BIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w start 9>&- >/dev/null || { status=1; exit 1; }
CONN="host=$WORK port=54399 user=postgres dbname=postgres"
psql_q() { "$BIN/psql" -X -qAt -v ON_ERROR_STOP=1 -d "$CONN" -c "$1"; }
psql_q 'CREATE EXTENSION rectify' || { status=1; exit 1; }
started=$(psql_q 'SELECT pg_postmaster_start_time()')

TARGETS="deadline region emission deadline_state deadline_recv region_recv emission_recv deadline_state_recv"
JOBS=${PGFUZZ_JOBS:-$(( $(nproc) < 8 ? $(nproc) : 8 ))}
echo "== fuzzing: $COUNT inputs per target, random seed $SEED, $JOBS targets at a time"
export WORK COUNT SEED CONN
# One connection per target; a target's output goes to pgfuzz-TARGET.out.
printf '%s\n' $TARGETS | xargs -P "$JOBS" -I{} sh -c \
	'"$WORK/pgfuzz" -t {} -n "$COUNT" -r "$SEED" -s test/fuzz/seeds.txt "$CONN" >"$WORK/pgfuzz-{}.out" 2>&1 \
	 || echo "FAIL: pgfuzz -t {} exited with status $?" >>"$WORK/pgfuzz-{}.out"'
for t in $TARGETS; do
	grep -v '^FAIL:' "$WORK/pgfuzz-$t.out" | grep -v '^ok ' | head -50
	grep -q '^FAIL' "$WORK/pgfuzz-$t.out" && { grep '^FAIL' "$WORK/pgfuzz-$t.out" | head -20; status=1; }
done

now=$(psql_q 'SELECT pg_postmaster_start_time()' 2>&1)
if [ "$now" != "$started" ]; then
	echo "FAIL: the server restarted (start time $started, now $now)"; status=1
fi
if grep -E 'terminated by signal|was terminated|exited with exit code|TRAP:' "$WORK/server.log"; then
	echo "FAIL: a server process died (see above)"; status=1
fi
[ "$status" -eq 0 ] && echo "fuzz: passed, 0 crashes, server up since $started"
exit $status
