#!/usr/bin/env bash
# Benchmark: rectify.add_workdays / workdays_between (C, cached calendar,
# O(log holidays) per call) against a brute-force day-by-day SQL reference
# that walks the calendar one day at a time, on the same CALLS calls:
# starts spread over 2020-01-01 .. 2026-09-30, n = 0 .. 60 working days.
# Both sides must return the same dates (checked by a checksum); prints
# the time of each and the ratio.  Not part of the test suite.
#
# Usage: test/bench/workdays.sh [CALLS]     (default 1000000)
#        REF_CALLS=N test/bench/workdays.sh  run the slow reference on only N
#                                            calls (the ratio is per call)
# It builds and installs rectify under the suite's install lock, which it
# holds until the run ends so no other checkout's build replaces the
# library it measures; the throwaway cluster (port 54328) does not inherit it.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/common.sh

CALLS=${1:-1000000}
REF_CALLS=${REF_CALLS:-$CALLS}
DIR=$(scratch_dir bench)
PORT=54328

ensure_packages
exec 9>/tmp/rectify-install.lock
flock -n 9 || { echo "== waiting for another run to release /tmp/rectify-install.lock"; flock 9; }
build_and_install

stop() { as_pg pg_ctl -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap stop EXIT
as_pg initdb -D "$DIR/data" -E UTF8 --no-locale -A trust >/dev/null 9>&-
cat >> "$DIR/data/postgresql.conf" <<CONF
port = $PORT
listen_addresses = ''
unix_socket_directories = '$DIR'
timezone = 'UTC'
shared_buffers = 128MB
jit = off
CONF
as_pg pg_ctl -D "$DIR/data" -l "$DIR/server.log" -w start >/dev/null 9>&-

q() { as_pg psql -h "$DIR" -p "$PORT" -X -q -A -t -v ON_ERROR_STOP=1 -d postgres "$@" 9>&-; }
q -c "CREATE EXTENSION rectify"

# The reference: the days off and make-up working days of cn in a plain
# table, and a loop that steps one day at a time counting working days.
q <<'SQL'
CREATE TABLE ref_exc (day date PRIMARY KEY, is_off boolean NOT NULL);
INSERT INTO ref_exc SELECT day, is_off FROM rectify.calendar_effective('cn');
ANALYZE ref_exc;
CREATE FUNCTION ref_add_workdays(d date, n integer) RETURNS date
LANGUAGE plpgsql STABLE AS $$
DECLARE
  t date := d;
  k integer := 0;
BEGIN
  WHILE k < n LOOP
    t := t + 1;
    IF coalesce((SELECT NOT e.is_off FROM ref_exc e WHERE e.day = t),
                extract(isodow FROM t) < 6) THEN
      k := k + 1;
    END IF;
  END LOOP;
  RETURN t;
END $$;
CREATE FUNCTION calls(n bigint) RETURNS TABLE (d date, k integer)
LANGUAGE sql IMMUTABLE AS $$
  SELECT date '2020-01-01' + (i % 2465)::integer, ((i * 7919) % 61)::integer
    FROM generate_series(1, n) i $$;
SQL

# time_ms SQL: run it in a fresh session, print "milliseconds result".
time_ms() {
	q <<SQL
SELECT rectify.is_workday('2025-01-01');  -- build the calendar cache
\o /dev/null
SELECT clock_timestamp() AS t0 \gset
\o
SELECT ($1) AS r \gset
SELECT round(extract(epoch FROM clock_timestamp() - :'t0') * 1000) || ' ' || :'r';
SQL
}

echo "== $CALLS calls each (reference: $REF_CALLS), starts 2020-01-01 .. 2026-09-30, n = 0 .. 60"
read -r base_ms base_sum < <(time_ms "SELECT sum(d + k - d) FROM calls($CALLS)" | tail -1)
read -r c_ms c_sum < <(time_ms "SELECT sum(rectify.add_workdays(d, k) - d) FROM calls($CALLS)" | tail -1)
read -r wb_ms wb_sum < <(time_ms "SELECT sum(rectify.workdays_between(d, d + k)) FROM calls($CALLS)" | tail -1)
read -r ref_ms ref_sum < <(time_ms "SELECT sum(ref_add_workdays(d, k) - d) FROM calls($REF_CALLS)" | tail -1)
read -r cref_ms cref_sum < <(time_ms "SELECT sum(rectify.add_workdays(d, k) - d) FROM calls($REF_CALLS)" | tail -1)

[ "$cref_sum" = "$ref_sum" ] || { echo "MISMATCH: add_workdays sum $cref_sum, reference sum $ref_sum"; exit 1; }
awk -v calls="$CALLS" -v rcalls="$REF_CALLS" -v base="$base_ms" -v c="$c_ms" -v wb="$wb_ms" -v ref="$ref_ms" 'BEGIN {
	printf "query without calendar (d + k):   %8d ms\n", base
	printf "add_workdays (C):                 %8d ms  %6.3f us/call\n", c, c * 1000 / calls
	printf "workdays_between (C):             %8d ms  %6.3f us/call\n", wb, wb * 1000 / calls
	printf "day-by-day SQL reference:         %8d ms  %6.3f us/call\n", ref, ref * 1000 / rcalls
	printf "results agree on %d calls\n", rcalls
	printf "ratio reference / add_workdays (per call): %.0fx\n", (ref / rcalls) / (c / calls)
}'
