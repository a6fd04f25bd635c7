#!/usr/bin/env bash
# Benchmark: sum(rectify.emission) GROUP BY pollutant against sum(bigint)
# GROUP BY pollutant over the same grams, in the same run, serial and with
# 2 parallel workers.  Not part of the test suite.
#
# Usage: test/bench/emission.sh [-n ROWS] [-r RUNS] [-d CONNSTR]
#   -n ROWS     table size (default 10000000)
#   -r RUNS     timed runs per query and setting; the median is reported (default 5)
#   -d CONNSTR  use this database (rectify 0.2 must be installable there)
#               instead of a temporary cluster
#
# Without -d the script builds rectify, installs it into a private copy of
# PostgreSQL 15 (so other runs installing rectify system-wide cannot swap
# the library under it), starts a temporary cluster as user postgres and
# removes everything at the end.  Times are each query's "Execution Time"
# from EXPLAIN (ANALYZE, TIMING OFF), which also shows how many workers
# were launched.  JIT is off so both sides are measured the same way.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/common.sh

ROWS=10000000 RUNS=5 CONNSTR=
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
	make -s PG_CONFIG="$PG_CONFIG" DESTDIR="$pgroot" install >/dev/null
	chown -R postgres: "$ROOT" 2>/dev/null || true
	PG_BINDIR=$pgroot/usr/lib/postgresql/$PG_MAJOR/bin
	as_pg initdb -D "$ROOT/data" -E UTF8 --no-locale -A trust >/dev/null
	cat >> "$ROOT/data/postgresql.conf" <<-CONF
	port = 54391
	listen_addresses = ''
	unix_socket_directories = '$ROOT'
	shared_buffers = '2GB'
	work_mem = '64MB'
	max_worker_processes = 8
	max_parallel_workers = 8
	jit = off
	CONF
	as_pg pg_ctl -D "$ROOT/data" -l "$ROOT/server.log" -w start >/dev/null
	trap 'as_pg pg_ctl -D "$ROOT/data" -m fast -w stop >/dev/null; rm -rf "$ROOT"' EXIT
	CONNSTR="host=$ROOT port=54391 dbname=postgres"
}

[ -n "$CONNSTR" ] || start_private_cluster
psql_b() { as_pg psql -X -q -v ON_ERROR_STOP=1 -d "$CONNSTR" "$@"; }

echo "== loading $ROWS rows"
psql_b <<SQL
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS rectify;
DROP TABLE IF EXISTS emission_bench;
CREATE UNLOGGED TABLE emission_bench AS
  SELECT rectify.emission(g, 'g', p) AS e, g AS grams, p AS pollutant
    FROM (SELECT (random() * 1e9)::bigint AS g,
                 (ARRAY['COD', 'NH3-N', 'SO2', 'NOx'])[1 + i % 4] AS p
            FROM generate_series(1, $ROWS) i) s;
ALTER TABLE emission_bench SET (parallel_workers = 2);
VACUUM ANALYZE emission_bench;
SQL

# The two aggregates must agree before their speed is worth comparing.
check=$(psql_b -At <<'SQL'
SET search_path = public, rectify;
SELECT bool_and(rectify.grams(s) = b)
  FROM (SELECT pollutant, sum(e) AS s, sum(grams) AS b FROM emission_bench GROUP BY 1) t;
SQL
)
[ "$check" = t ] || { echo "sum(emission) and sum(bigint) disagree" >&2; exit 1; }

declare -A QUERY=(
	[emission]='SELECT pollutant, sum(e) FROM emission_bench GROUP BY pollutant'
	[bigint]='SELECT pollutant, sum(grams) FROM emission_bench GROUP BY pollutant'
)

# measure KIND WORKERS: "<ms> <workers launched>" for one run.
measure() {
	local plan ms launched
	plan=$(psql_b -At <<-SQL
	SET search_path = public, rectify;
	SET max_parallel_workers_per_gather = $2;
	SET parallel_setup_cost = 0;
	SET parallel_tuple_cost = 0;
	EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) ${QUERY[$1]};
	SQL
	)
	ms=$(sed -nE 's/^Execution Time: ([0-9.]+) ms$/\1/p' <<<"$plan")
	launched=$(sed -nE 's/.*Workers Launched: ([0-9]+).*/\1/p' <<<"$plan" | head -1)
	grep -q 'Partial' <<<"$plan" || [ "$2" -eq 0 ] || { echo "no partial aggregate with $2 workers" >&2; exit 1; }
	echo "$ms ${launched:-0}"
}

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

declare -A TIMES LAUNCHED
echo "== warming up, then $RUNS runs of each (interleaved)"
for kind in emission bigint; do for w in 0 2; do measure $kind $w >/dev/null; done; done
for ((run = 1; run <= RUNS; run++)); do
	for w in 0 2; do
		for kind in emission bigint; do
			read -r ms launched < <(measure $kind $w)
			TIMES[$kind.$w]+="$ms "
			LAUNCHED[$kind.$w]=$launched
		done
	done
done

echo
echo "rows: $ROWS, runs: $RUNS, PostgreSQL $(psql_b -At -c 'SHOW server_version'), $(nproc) CPUs"
printf '%-40s %8s %9s %12s %8s\n' query workers launched "median ms" ratio
for w in 0 2; do
	e=$(tr ' ' '\n' <<<"${TIMES[emission.$w]}" | grep . | median)
	b=$(tr ' ' '\n' <<<"${TIMES[bigint.$w]}" | grep . | median)
	ratio=$(awk -v e="$e" -v b="$b" 'BEGIN {printf "%.2f", e / b}')
	printf '%-40s %8s %9s %12.1f %8s\n' 'sum(emission) GROUP BY pollutant' "$w" "${LAUNCHED[emission.$w]}" "$e" "$ratio"
	printf '%-40s %8s %9s %12.1f %8s\n' 'sum(bigint) GROUP BY pollutant' "$w" "${LAUNCHED[bigint.$w]}" "$b" "1.00"
done
e0=$(tr ' ' '\n' <<<"${TIMES[emission.0]}" | grep . | median)
e2=$(tr ' ' '\n' <<<"${TIMES[emission.2]}" | grep . | median)
echo "parallel speed-up of sum(emission), 2 workers vs none: $(awk -v a="$e0" -v b="$e2" 'BEGIN {printf "%.2f", a / b}')x"
psql_b -c 'DROP TABLE emission_bench'
