#!/usr/bin/env bash
# Benchmark: rectify.item_score (C) against the same deduction formula
# written as a SQL CASE expression and as a PL/pgSQL function, over the
# same rows, in the same run.  Not part of the test suite.
#
# Usage: test/bench/score.sh [-n ROWS] [-r RUNS] [-d CONNSTR]
#   -n ROWS     table size (default 1000000)
#   -r RUNS     timed runs per variant; the median is reported (default 5)
#   -d CONNSTR  use this database (rectify 0.4 must be installable there)
#               instead of a temporary cluster
#
# Without -d the script builds rectify, installs it into a private copy of
# PostgreSQL 15 (so other runs installing rectify system-wide cannot swap
# the library under it), starts a temporary cluster as user postgres and
# removes everything at the end.  Each variant computes sum(score) over
# every row; the three sums must agree before any time is reported.  Times
# are the "Execution Time" of EXPLAIN (ANALYZE, TIMING OFF), serial (no
# parallel workers) and with JIT off, so each variant pays its per-row
# cost the same way.  The SQL variant calls rectify.due_date and
# rectify.expected_progress (both C) for what it cannot compute in SQL.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/common.sh

ROWS=1000000 RUNS=5 CONNSTR=
while getopts n:r:d: opt; do
	case $opt in
	n) ROWS=$OPTARG ;;
	r) RUNS=$OPTARG ;;
	d) CONNSTR=$OPTARG ;;
	*) sed -n '6,11p' "$0"; exit 2 ;;
	esac
done

# A private PostgreSQL tree with rectify installed, and a cluster on it.
start_private_cluster() {
	ROOT=$(scratch_dir bench)
	local pgroot=$ROOT/pg
	mkdir -p "$pgroot/usr/lib/postgresql" "$pgroot/usr/share/postgresql"
	cp -a "/usr/lib/postgresql/$PG_MAJOR" "$pgroot/usr/lib/postgresql/"
	cp -a "/usr/share/postgresql/$PG_MAJOR" "$pgroot/usr/share/postgresql/"
	echo "== building rectify into $pgroot"
	make -s PG_CONFIG="$PG_CONFIG" >/dev/null
	rm -f "$pgroot/usr/share/postgresql/$PG_MAJOR"/extension/rectify--*.sql
	make -s PG_CONFIG="$PG_CONFIG" DESTDIR="$pgroot" install >/dev/null
	chown -R postgres: "$ROOT" 2>/dev/null || true
	PG_BINDIR=$pgroot/usr/lib/postgresql/$PG_MAJOR/bin
	as_pg initdb -D "$ROOT/data" -E UTF8 --no-locale -A trust >/dev/null
	cat >> "$ROOT/data/postgresql.conf" <<-CONF
	port = 54392
	listen_addresses = ''
	unix_socket_directories = '$ROOT'
	shared_buffers = '1GB'
	work_mem = '64MB'
	jit = off
	CONF
	as_pg pg_ctl -D "$ROOT/data" -l "$ROOT/server.log" -w start 9>&- >/dev/null
	trap 'as_pg pg_ctl -D "$ROOT/data" -m fast -w stop >/dev/null; rm -rf "$ROOT"' EXIT
	CONNSTR="host=$ROOT port=54392 dbname=postgres"
}

[ -n "$CONNSTR" ] || start_private_cluster
psql_b() { as_pg psql -X -q -v ON_ERROR_STOP=1 -d "$CONNSTR" "$@"; }

echo "== loading $ROWS rows"
psql_b <<SQL
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS rectify;
DROP TABLE IF EXISTS score_bench;
-- 80 % dated deadlines, 10 % immediate, 10 % ongoing; half closed; every
-- level; progress to four decimals like items.progress; a few reopenings.
CREATE UNLOGGED TABLE score_bench AS
  SELECT CASE WHEN i % 10 = 0 THEN 'immediate'
              WHEN i % 10 = 1 THEN 'ongoing'
              ELSE (assigned + 30 + (random() * 400)::integer)::text END::rectify.deadline AS deadline,
         assigned,
         CASE WHEN random() < 0.5 THEN assigned + (random() * 600)::integer END AS closed,
         (enum_range(NULL::rectify.escalation_level))[1 + (random() * 8)::integer] AS level,
         round(random()::numeric, 4)::numeric(5,4) AS progress,
         (random() < 0.05)::integer + (random() < 0.01)::integer AS reopened
    FROM (SELECT i, date '2021-01-01' + (random() * 500)::integer AS assigned
            FROM generate_series(1, $ROWS) i) s;
VACUUM ANALYZE score_bench;

-- The same formula in PL/pgSQL.
CREATE OR REPLACE FUNCTION public.item_score_plpgsql(deadline rectify.deadline, assigned date, closed date,
                                                     asof date, level rectify.escalation_level,
                                                     progress numeric, reopened integer)
  RETURNS numeric LANGUAGE plpgsql IMMUTABLE AS \$\$
DECLARE
  due date := rectify.due_date(deadline, assigned);
  base numeric;
BEGIN
  IF closed IS NOT NULL AND closed <= asof THEN
    base := CASE WHEN due IS NULL OR closed <= due THEN 100 ELSE greatest(40, 100 - 2 * (closed - due)) END;
  ELSIF due IS NULL THEN
    base := 100;
  ELSIF asof > due THEN
    base := greatest(0, 60 - (asof - due));
  ELSE
    base := 100 - 50 * greatest(0, rectify.expected_progress(deadline, assigned, asof) - progress);
  END IF;
  base := base - 5 * (array_position(enum_range(NULL::rectify.escalation_level), level) - 1) - 20 * reopened;
  RETURN round(least(100, greatest(0, base)), 2);
END \$\$;
SQL

ASOF="date '2022-06-30'"
declare -A QUERY=(
	[c]="SELECT sum(rectify.item_score(deadline, assigned, closed, $ASOF, level, progress, reopened)) FROM score_bench"
	[sql]="SELECT sum(round(least(100, greatest(0,
	         CASE WHEN closed IS NOT NULL AND closed <= $ASOF THEN
	                CASE WHEN d.due IS NULL OR closed <= d.due THEN 100 ELSE greatest(40, 100 - 2 * (closed - d.due)) END
	              WHEN d.due IS NULL THEN 100
	              WHEN $ASOF > d.due THEN greatest(0, 60 - ($ASOF - d.due))
	              ELSE 100 - 50 * greatest(0, rectify.expected_progress(deadline, assigned, $ASOF) - progress) END
	         - 5 * (array_position(l.levels, level) - 1) - 20 * reopened)), 2))
	       FROM score_bench
	      CROSS JOIN LATERAL (SELECT rectify.due_date(deadline, assigned) AS due) d
	      CROSS JOIN (SELECT enum_range(NULL::rectify.escalation_level) AS levels) l"
	[plpgsql]="SELECT sum(public.item_score_plpgsql(deadline, assigned, closed, $ASOF, level, progress, reopened)) FROM score_bench"
)

# The three must agree, row for row, before their speed is worth comparing.
check=$(psql_b -At <<SQL
SELECT count(*) FILTER (WHERE c IS DISTINCT FROM p) FROM (
  SELECT rectify.item_score(deadline, assigned, closed, $ASOF, level, progress, reopened) AS c,
         public.item_score_plpgsql(deadline, assigned, closed, $ASOF, level, progress, reopened) AS p
    FROM score_bench) t;
SQL
)
[ "$check" = 0 ] || { echo "item_score and the PL/pgSQL formula disagree on $check rows" >&2; exit 1; }
sums=$(for k in c sql plpgsql; do psql_b -At -c "${QUERY[$k]}"; done | sort -u | wc -l)
[ "$sums" = 1 ] || { echo "the three variants give different sums" >&2; exit 1; }

# measure KIND: execution time in ms of one run.
measure() {
	psql_b -At <<-SQL | sed -nE 's/^Execution Time: ([0-9.]+) ms$/\1/p'
	SET max_parallel_workers_per_gather = 0;
	EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) ${QUERY[$1]};
	SQL
}

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

declare -A TIMES
echo "== warming up, then $RUNS runs of each (interleaved)"
for kind in c sql plpgsql; do measure $kind >/dev/null; done
for ((run = 1; run <= RUNS; run++)); do
	for kind in c sql plpgsql; do
		TIMES[$kind]+="$(measure $kind) "
	done
done

echo
echo "rows: $ROWS, runs: $RUNS, PostgreSQL $(psql_b -At -c 'SHOW server_version'), $(nproc) CPUs, serial, JIT off"
printf '%-44s %12s %12s\n' variant "median ms" "ratio to C"
c=$(tr ' ' '\n' <<<"${TIMES[c]}" | grep . | median)
declare -A NAME=([c]='rectify.item_score (C)' [sql]='SQL CASE expression' [plpgsql]='PL/pgSQL function')
for kind in c sql plpgsql; do
	m=$(tr ' ' '\n' <<<"${TIMES[$kind]}" | grep . | median)
	printf '%-44s %12.1f %12s\n' "${NAME[$kind]}" "$m" "$(awk -v m="$m" -v c="$c" 'BEGIN {printf "%.2f", m / c}')"
done
psql_b -c 'DROP TABLE score_bench; DROP FUNCTION public.item_score_plpgsql'
