#!/usr/bin/env bash
# rectify benchmarks (issue 8): rectify's C functions against what users
# would write by hand, measured in the same run, on generated ledgers.
#
#   bash test/bench/run.sh              the default run (10M rows; ~12 min)
#   bash test/bench/run.sh --quick      100k rows, 10k-item small ledger, 3 runs (~1 min)
#   (both plus the build, and any wait for /tmp/rectify-install.lock)
#
# Options:
#   --rows N         rows for the per-row function measurements (deadline_state,
#                    due_state); default 10000000
#   --parse-rows N   values for the text input measurements; default 1000000
#   --ledger-rows N  items in the large generated ledger (rectify.items): overdue,
#                    on-disk size, escalate at scale; default 10000000
#   --small-ledger-rows N
#                    items in the small ledger: escalate, unit_scorecard;
#                    default 1000000 (1 % of it is the escalation's work)
#   --ref-calls N    calls of the day-by-day working-day reference (scaled
#                    per call to the --parse-rows calls); default 10000
#   --runs K         timed runs per query after one warm-up run; the median is
#                    reported (default 5)
#   --slow-runs K    timed runs of references slower than the rest (PL/pgSQL),
#                    without warm-up (default 3)
#   --only LIST      run only these measurements, comma-separated (names below)
#   --seed S         generator seed (default 1); same seed, same data
#   --jit            run with jit = on (default off; see below)
#   --keep           leave the cluster running at the end and say how to connect
#   --port P         port of the benchmark cluster (default 54340)
#   (environment) RECTIFY_BENCH_ROOT  where the private install and cluster
#                    live (default /tmp/rectify-bench), so that two benchmarks
#                    with different ports can run at once
#
# What it does: builds rectify and installs it into a private copy of the
# PostgreSQL 15 tree under /tmp/rectify-bench (under the install lock that
# scripts/test.sh uses, released before the server starts), so other runs
# that install rectify system-wide cannot swap the library under a running
# benchmark.  It then starts a cluster of its own there as user postgres
# (settings below), generates the data with a fixed seed, runs every
# measurement, and prints one table:
#
#   operation, rows, median time, reference, reference median,
#   ratio (= median / reference median), target, measured, result
#
# result is pass or MISS against the target of issue 8, info for lines
# without a target, skip for measurements whose SQL objects do not exist
# yet.  Every query of one measurement runs in one backend, interleaved
# with its references (order alternating per run) so that load from other
# processes falls on all of them alike; times are taken inside the server
# (planning + execution, rows discarded), medians of the timed runs.
#
# Server settings: shared_buffers 4GB (the 10M-item ledger and its indexes
# fit), work_mem 64MB, max_parallel_workers_per_gather 0 (the issue's
# targets are per core unless stated), jit off: with jit on, the CASE and
# PL/pgSQL references and the rectify calls would all be compiled above
# jit_above_cost, and the measurement would include LLVM's compile time;
# --jit shows that case.  wal_level minimal so the bulk load writes no WAL.
#
# Measurements (names for --only):
#   deadline_state   rectify.deadline_state over N rows vs an inlined SQL CASE
#                    and a PL/pgSQL function, on a plain-table layout
#   due_state        rectify.due_state (what the ledger views use) vs SQL CASE
#   parse            text input of rectify.deadline, rectify.region and
#                    rectify.emission vs date input, 1M values
#   item_score       rectify.item_score over N rows vs the same formula as an
#                    inlined SQL CASE and as a PL/pgSQL function
#   emission_sum     sum(emission) GROUP BY pollutant vs sum(bigint) GROUP BY
#                    pollutant on a (pollutant text, grams bigint) table, the
#                    same amounts; serial and with 2 parallel workers
#   workdays         add_workdays / workdays_between, 1M calls, vs day-by-day
#                    PL/pgSQL references run on --ref-calls calls, scaled
#   unit_scorecard   rectify.unit_scorecard on the small ledger (1M items)
#   office           the dispatch report vs unit_scorecard, the reminder run
#                    vs escalate() per notice (and as whole runs, for
#                    scale), take_notifications of 1,000 rows (last: it
#                    changes the ledger)
#   time_travel      unit_scorecard, ledger and overdue for a past date
#                    (2024-03-31) against bench.asof(), on the small ledger,
#                    as a verifier and an administrator
#   escalate         escalate(asof) on the small ledger and on the large one
#                    with the same number of items (1 % of the small ledger)
#                    newly overdue on asof; each run a fresh session, rolled
#                    back; peak memory of the backend (/proc/self/status)
#   roles            the office's roles under row-level security against the
#                    owner on the same rows: an administrator, a verifier
#                    and an officer of one county unit (~1,000 items) on the
#                    large ledger (overdue lists, direct reads), and the
#                    reports (ledger, item_scores, unit_scorecard, the BI
#                    view as a reader) on the small one
#   overdue          overdue items of one prefecture (Baoding 130600) on the
#                    large ledger: index scan and time; seq scan beside it;
#                    on-disk size per million items
#
# To add a measurement: write a function bench_NAME that checks its SQL
# objects with have_function / have_type (and calls skip otherwise), loads
# its data, calls compare and report, and add NAME to ALL_MEASUREMENTS.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/common.sh

ROWS=10000000
PARSE_ROWS=1000000
LEDGER_ROWS=10000000
SMALL_LEDGER_ROWS=1000000
REF_CALLS=10000
RUNS=5
SLOW_RUNS=3
SEED=1
JIT=off
KEEP=
PORT=54340
ONLY=
ALL_MEASUREMENTS="deadline_state due_state parse item_score emission_sum workdays unit_scorecard time_travel escalate overdue roles office"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
	case $1 in
	--rows) ROWS=$2; shift ;;
	--parse-rows) PARSE_ROWS=$2; shift ;;
	--ledger-rows) LEDGER_ROWS=$2; shift ;;
	--small-ledger-rows) SMALL_LEDGER_ROWS=$2; shift ;;
	--ref-calls) REF_CALLS=$2; shift ;;
	--runs) RUNS=$2; shift ;;
	--slow-runs) SLOW_RUNS=$2; shift ;;
	--seed) SEED=$2; shift ;;
	--only) ONLY=${2//,/ }; shift ;;
	--quick) ROWS=100000 PARSE_ROWS=100000 LEDGER_ROWS=100000 SMALL_LEDGER_ROWS=10000 REF_CALLS=1000 RUNS=3 SLOW_RUNS=3 ;;
	--jit) JIT=on ;;
	--keep) KEEP=1 ;;
	--port) PORT=$2; shift ;;
	-h|--help) usage ;;
	*) echo "unknown option: $1" >&2; usage 2 ;;
	esac
	shift
done
for n in "$ROWS" "$PARSE_ROWS" "$LEDGER_ROWS" "$SMALL_LEDGER_ROWS" "$REF_CALLS" "$RUNS" "$SLOW_RUNS" "$SEED" "$PORT"; do
	[[ $n =~ ^[0-9]+$ ]] || { echo "not a number: $n" >&2; exit 2; }
done
for m in $ONLY; do
	[[ " $ALL_MEASUREMENTS " == *" $m "* ]] || { echo "unknown measurement: $m" >&2; exit 2; }
done
wanted() { [ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]]; }

ROOT=${RECTIFY_BENCH_ROOT:-/tmp/rectify-bench}
DB=bench
started=$SECONDS
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
log() { printf '== [%4ds] %s\n' $((SECONDS - started)) "$*"; }

# ---------------------------------------------------------------------------
# A private PostgreSQL tree with this checkout's rectify, and a cluster on it
# ---------------------------------------------------------------------------

stop_cluster() {
	if [ -f "$ROOT/data/postmaster.pid" ]; then
		as_pg "$PRIVATE_BIN/pg_ctl" -D "$ROOT/data" -m fast -w stop >/dev/null 2>&1 || true
	fi
}

PRIVATE_BIN=$ROOT/pg/usr/lib/postgresql/$PG_MAJOR/bin
ensure_packages
stop_cluster
rm -rf "$ROOT"
mkdir -p "$ROOT/pg/usr/lib/postgresql" "$ROOT/pg/usr/share/postgresql"

log "building rectify into a private PostgreSQL tree in $ROOT/pg"
exec 9>/tmp/rectify-install.lock
flock -n 9 || { log "waiting for /tmp/rectify-install.lock"; flock 9; }
cp -a "/usr/lib/postgresql/$PG_MAJOR" "$ROOT/pg/usr/lib/postgresql/"
cp -a "/usr/share/postgresql/$PG_MAJOR" "$ROOT/pg/usr/share/postgresql/"
make -s PG_CONFIG="$PG_CONFIG" >/dev/null
make -s PG_CONFIG="$PG_CONFIG" DESTDIR="$ROOT/pg" install >/dev/null
exec 9>&-
GIT_REV=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- src Makefile 2>/dev/null || GIT_REV="$GIT_REV+changes"

[ "$(id -u)" -eq 0 ] && chown -R postgres: "$ROOT"
PG_BINDIR=$PRIVATE_BIN
as_pg initdb -D "$ROOT/data" -E UTF8 --no-locale -A trust >/dev/null
cat >> "$ROOT/data/postgresql.conf" <<CONF
port = $PORT
listen_addresses = ''
unix_socket_directories = '$ROOT'
shared_buffers = 4GB
work_mem = 64MB
maintenance_work_mem = 1GB
max_wal_size = 16GB
checkpoint_timeout = 30min
wal_level = minimal
max_wal_senders = 0
max_parallel_workers_per_gather = 0
max_worker_processes = 8
max_parallel_workers = 8
jit = $JIT
autovacuum = off
timezone = 'Asia/Shanghai'
log_min_duration_statement = -1
CONF
as_pg pg_ctl -D "$ROOT/data" -l "$ROOT/server.log" -w start >/dev/null 9>&-
if [ -n "$KEEP" ]; then
	trap 'echo "cluster kept: psql -h $ROOT -p $PORT -U postgres $DB   (stop: runuser -u postgres -- $PRIVATE_BIN/pg_ctl -D $ROOT/data stop)"' EXIT
else
	trap 'stop_cluster; rm -rf "$ROOT"' EXIT
fi

psql_b() { as_pg psql -h "$ROOT" -p "$PORT" -X -q -v ON_ERROR_STOP=1 "$@"; }
psql_b -d postgres -c "CREATE DATABASE $DB"
psql_b -d postgres -c "ALTER DATABASE $DB SET search_path = public, rectify"
# psql_q SQL: run SQL in the benchmark database, print the bare result
psql_q() { psql_b -d "$DB" -At -c "$1"; }
psql_f() { psql_b -d "$DB" "$@"; }

psql_f -c "CREATE EXTENSION rectify"
psql_f -f test/bench/bench.sql
psql_f -f test/bench/gen.sql

# ---------------------------------------------------------------------------
# Helpers for measurements
# ---------------------------------------------------------------------------

have_function() { [ "$(psql_q "SELECT count(*) FROM pg_proc WHERE pronamespace = 'rectify'::regnamespace AND proname = '$1'")" != 0 ]; }
have_type() { [ "$(psql_q "SELECT to_regtype('$1') IS NOT NULL")" = t ]; }

# sql_array 'a' 'b' ...: an SQL text[] literal of dollar-quoted strings
sql_array() {
	local out= s
	for s in "$@"; do out+="${out:+, }\$q\$$s\$q\$"; done
	echo "ARRAY[$out]::text[]"
}
sql_ints() { local IFS=,; echo "ARRAY[$*]::integer[]"; }

# compare OP NROWS NAME=QUERY... : run the variants (see bench.compare).  A
# NAME prefixed with "slow:" gets --slow-runs runs and no warm-up; one
# prefixed with "set(name=value;...):" runs with those settings.
compare() {
	local op=$1 n=$2 names=() queries=() runs=() settings=() spec name q set
	shift 2
	for spec in "$@"; do
		set=NULL
		if [[ $spec == set\(* ]]; then
			set=${spec#set(}; set="\$q\$${set%%):*}\$q\$"; spec=${spec#*):}
		fi
		name=${spec%%=*}; q=${spec#*=}
		if [[ $name == slow:* ]]; then name=${name#slow:}; runs+=("$SLOW_RUNS"); else runs+=("$RUNS"); fi
		names+=("$name"); queries+=("$q"); settings+=("$set")
	done
	local setarr="ARRAY[$(IFS=,; echo "${settings[*]}")]::text[]"
	psql_q "SELECT bench.compare('$op', $n, $(sql_array "${names[@]}"), $(sql_array "${queries[@]}"), $(sql_ints "${runs[@]}"), $setarr)" >/dev/null
}

# report OP VARIANT REF KIND TARGET_VALUE TARGET_TEXT [EXTRA_OK [LABEL [PER_VARIANT PER_REF]]]
# (PER_VARIANT, PER_REF: how many things a run of each does; the ratio is
# then per thing, see bench.report)
report() {
	psql_q "SELECT bench.report('$1', '$2', $( [ -n "$3" ] && echo "'$3'" || echo NULL), '$4', $5, \$q\$$6\$q\$, ${7:-true}, $( [ -n "${8:-}" ] && echo "\$q\$$8\$q\$" || echo NULL), ${9:-NULL}, ${10:-NULL})" >/dev/null
}

# skip OP TARGET_TEXT WHY
skip() { psql_q "SELECT bench.skip(\$q\$$1\$q\$, \$q\$$2\$q\$, \$q\$$3\$q\$)" >/dev/null; log "skip $1: $3"; }

NOTES=()
note() { NOTES+=("$*"); }
# numfmt N: 10000000 -> 10M, 100000 -> 100k (as the table's rows column)
numfmt() {
	if [ "$1" -ge 1000000 ] && [ $(( $1 % 1000000 )) -eq 0 ]; then echo "$(( $1 / 1000000 ))M"
	elif [ "$1" -ge 1000 ] && [ $(( $1 % 1000 )) -eq 0 ]; then echo "$(( $1 / 1000 ))k"
	else echo "$1"; fi
}

# ---------------------------------------------------------------------------
# Data: the per-row function tables and the ledger, generated on first use
# ---------------------------------------------------------------------------

STATE_LOADED=
load_state_tables() {
	[ -n "$STATE_LOADED" ] && return 0
	log "generating $ROWS rows for the per-row function measurements"
	# The same items twice: once as rectify stores them, once as a user
	# would keep them in plain columns (the deadline's date, or whether it
	# is "immediate"; neither means ongoing).  Both rows are 16 bytes.
	# Rows are produced in generation order (generate_series feeds the probe
	# side of a hash join), so every table lists the items in the same order.
	psql_f <<SQL
SET synchronize_seqscans = off;
CREATE UNLOGGED TABLE bench.st_src AS
  SELECT i, kind, deadline_text, assigned, due_date, completed_on FROM bench.gen($ROWS, $SEED);
CREATE UNLOGGED TABLE bench.st_rectify (deadline rectify.deadline, assigned date, closed date);
CREATE UNLOGGED TABLE bench.st_plain (deadline_date date, immediate boolean, assigned date, closed date);
CREATE UNLOGGED TABLE bench.st_due (due date, closed date);
INSERT INTO bench.st_rectify
  SELECT deadline_text::rectify.deadline, assigned, completed_on FROM bench.st_src;
INSERT INTO bench.st_plain
  SELECT CASE WHEN kind IN ('date', 'sustain', 'month') THEN due_date END,
         kind = 'immediate', assigned, completed_on
    FROM bench.st_src;
INSERT INTO bench.st_due SELECT due_date, completed_on FROM bench.st_src;
DROP TABLE bench.st_src;
VACUUM (FREEZE, ANALYZE) bench.st_rectify, bench.st_plain, bench.st_due;
SQL
	STATE_LOADED=1
}

LEDGER_LOADED=
# load_ledger N: a ledger of N items in rectify.items (nothing if it is
# already there); returns 1 when N is 0.
load_ledger() {
	local n=${1:-$LEDGER_ROWS}
	[ -n "$n" ] && [ "$n" -gt 0 ] || return 1
	[ "$LEDGER_LOADED" = "$n" ] && return 0
	# The per-row and parsing tables have been measured: free their buffers.
	psql_f -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS bench.st_rectify, bench.st_plain, bench.st_due,
	           bench.txt_deadline, bench.txt_region, bench.txt_date, bench.txt_emission,
	           bench.sc_rectify, bench.sc_plain, bench.em_rectify, bench.em_plain, bench.wd_calls, bench.wd_ref_calls"
	STATE_LOADED=
	log "generating a ledger of $n items in rectify.items (INSERT ... SELECT, triggers off)"
	local t0=$SECONDS
	# Straight into the extension's tables, bypassing the BEFORE INSERT
	# trigger (the generator fills the resolved due dates the trigger would).
	# One primary unit (the region's 生态环境局) per item.  TRUNCATE in the
	# same transaction lets wal_level minimal skip the WAL.  The indexes that
	# back no constraint are dropped for the load and built again after it
	# from their own definitions (pg_get_indexdef): a sorted build instead of
	# 10M random insertions, which also makes them denser than the indexes
	# of a ledger grown item by item.
	#
	# Escalation columns as a daily escalate() run on bench.asof() would
	# have left them (built-in ladder, default lag threshold 0.20): each open
	# item with a due date at the level its days overdue require (or notice
	# when lagging 序时进度), and escalation_next the first later date its
	# level can rise (the next threshold; for level none also the day it
	# would start lagging, from the formula of rectify.lag_date).  So no
	# item's escalation_next has come by bench.asof(): the escalate
	# measurement then moves a chosen number of items onto it.
	psql_f <<SQL
BEGIN;
SET LOCAL session_replication_role = replica;
CREATE TEMP TABLE saved_indexes ON COMMIT DROP AS
  SELECT c.relname, pg_get_indexdef(c.oid) AS def
    FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
   WHERE x.indrelid IN ('rectify.items'::regclass, 'rectify.responsibilities'::regclass)
     AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = x.indexrelid);
SELECT format('DROP INDEX rectify.%I', relname) FROM saved_indexes \gexec
TRUNCATE rectify.items, rectify.units, rectify.responsibilities, rectify.measures,
         rectify.effects, rectify.events CASCADE;
INSERT INTO rectify.items (item_id, code, source, batch, region, category, problem, target,
                           leader, deadline, deadline_text, assigned, due_date,
                           original_deadline, original_due_date, status, progress,
                           completed_on, closed_on, reopened_count,
                           escalation_level, escalation_next, calendar, valid_from)
  SELECT i, 'B' || lpad(i::text, 9, '0'), source, batch, region::rectify.region, category,
         problem, target, leader, deadline_text::rectify.deadline, deadline_text, assigned,
         due_date, deadline_text::rectify.deadline, due_date, status::rectify.item_status,
         progress, completed_on, closed_on, (status = 'reopened')::integer,
         lvl::rectify.escalation_level,
         CASE WHEN completed_on IS NULL AND due_date IS NOT NULL THEN
           CASE lvl WHEN 'none' THEN least(due_date + 1,
                                           CASE WHEN progress + 0.20 <= 1 THEN greatest(bench.asof() + 1,
                                             assigned + ceil((progress + 0.20) * greatest(due_date - assigned, 0))::integer) END)
                    WHEN 'notice' THEN due_date + 7 WHEN 'warning' THEN due_date + 15
                    WHEN 'circular' THEN due_date + 30 WHEN 'supervision' THEN due_date + 45
                    WHEN 'listed_supervision' THEN due_date + 60 WHEN 'summons' THEN due_date + 90
                    WHEN 'approval_freeze' THEN due_date + 120 END
         END,
         'cn', assigned
    FROM (SELECT g.*,
                 CASE WHEN g.completed_on IS NOT NULL OR g.due_date IS NULL THEN 'none'
                      WHEN bench.asof() - g.due_date >= 120 THEN 'accountability'
                      WHEN bench.asof() - g.due_date >= 90 THEN 'approval_freeze'
                      WHEN bench.asof() - g.due_date >= 60 THEN 'summons'
                      WHEN bench.asof() - g.due_date >= 45 THEN 'listed_supervision'
                      WHEN bench.asof() - g.due_date >= 30 THEN 'supervision'
                      WHEN bench.asof() - g.due_date >= 15 THEN 'circular'
                      WHEN bench.asof() - g.due_date >= 7 THEN 'warning'
                      WHEN bench.asof() - g.due_date >= 1 THEN 'notice'
                      WHEN rectify.due_progress(g.due_date, g.assigned, bench.asof()) - g.progress >= 0.20 THEN 'notice'
                      ELSE 'none' END AS lvl
            FROM bench.gen($n, $SEED) g OFFSET 0) g;
SELECT setval('rectify.items_item_id_seq', $n) AS item_id_seq \gset
INSERT INTO rectify.units (name, region)
  SELECT DISTINCT region::text || ' 生态环境局', region FROM rectify.items;
INSERT INTO rectify.responsibilities (item_id, unit_id, role, since)
  SELECT i.item_id, u.unit_id, 'primary', i.assigned FROM rectify.items i JOIN rectify.units u USING (region);
-- The history the scorecards read: an 'escalated' event for every step of
-- the built-in ladder an item passed by bench.asof() (closed late items
-- too: they were escalated while late), on the day it passed it; lagging
-- items at notice before their due date reached it on asof; and one
-- 'reopened' event per reopened item.
INSERT INTO rectify.events (item_id, happened_on, kind, from_value, to_value, reason, days_overdue)
  SELECT i.item_id, d.day, 'escalated', l.prev::text, l.level::text, 'bench history', d.day - i.due_date
    FROM rectify.items i
    JOIN (SELECT level, min_days_overdue, lag(level, 1, 'none') OVER (ORDER BY level) AS prev
            FROM rectify.escalation_ladder WHERE level > 'none') l
      ON l.min_days_overdue <= least(coalesce(i.completed_on, bench.asof()), bench.asof()) - i.due_date
   CROSS JOIN LATERAL (SELECT i.due_date + l.min_days_overdue AS day) d
   WHERE i.due_date IS NOT NULL
  UNION ALL
  SELECT i.item_id, bench.asof(), 'escalated', 'none', 'notice', 'bench history: lagging', 0
    FROM rectify.items i
   WHERE i.escalation_level = 'notice' AND i.due_date >= bench.asof()
  UNION ALL
  SELECT i.item_id, least(i.assigned + 60, bench.asof()), 'reopened', 'closed', 'reopened', 'bench history', NULL
    FROM rectify.items i WHERE i.status = 'reopened';
-- The lifecycle the items' rows stand at, as the functions would have
-- recorded it: the completion and the sign-off step reached (escalation
-- ends on completion), the latest progress report of an open item and its
-- start, dated between its assignment and bench.asof().  Then each row's
-- valid_from, highest level and last reopening from its history, as the
-- functions keep them (rectify.item_states reads them).
INSERT INTO rectify.events (item_id, happened_on, kind, from_value, to_value, reason)
  SELECT i.item_id, i.completed_on, 'status', 'in_progress', 'completed', 'bench history'
    FROM rectify.items i WHERE i.completed_on IS NOT NULL
  UNION ALL
  SELECT i.item_id, i.completed_on, 'escalation_ended', 'notice', 'none', 'bench history'
    FROM rectify.items i WHERE i.completed_on IS NOT NULL AND i.completed_on > i.due_date
  UNION ALL
  SELECT i.item_id, coalesce(i.closed_on, i.completed_on), 'status', 'completed', i.status::text, 'bench history'
    FROM rectify.items i WHERE i.completed_on IS NOT NULL AND i.status <> 'completed'
  UNION ALL
  SELECT i.item_id, least(bench.asof(), i.assigned + (i.item_id % 90)::integer), 'status', 'registered', 'in_progress', 'bench history'
    FROM rectify.items i WHERE i.status = 'in_progress'
  UNION ALL
  SELECT i.item_id, least(bench.asof(), i.assigned + (i.item_id % 90)::integer), 'progress', '0', i.progress::text, 'bench history'
    FROM rectify.items i WHERE i.completed_on IS NULL AND i.progress > 0;
UPDATE rectify.items i SET valid_from = greatest(i.assigned, h.valid_from), peak_level = coalesce(h.peak, 'none'),
                           last_reopened = h.last_reopened
  FROM (SELECT e.item_id, max(e.happened_on) AS valid_from,
               max(e.to_value::rectify.escalation_level) FILTER (WHERE e.kind = 'escalated') AS peak,
               max(e.happened_on) FILTER (WHERE e.kind = 'reopened') AS last_reopened
          FROM rectify.events e GROUP BY e.item_id) h
 WHERE h.item_id = i.item_id;
SELECT def FROM saved_indexes \gexec
-- the earlier states of each item, as the triggers would have kept them
SELECT rectify.rebuild_versions() AS versions;
COMMIT;
VACUUM (FULL, ANALYZE) rectify.items;
VACUUM ANALYZE rectify.units, rectify.responsibilities, rectify.events, rectify.item_versions;
CHECKPOINT;
SQL
	# (called as "load_ledger || ...", where set -e does not apply)
	[ $? -eq 0 ] || { echo "loading the ledger failed" >&2; exit 1; }
	log "ledger loaded in $((SECONDS - t0)) s"
	LEDGER_LOADED=$n
}

# ---------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------

# The deadline state as a user would write it without rectify: CASE over
# plain columns, inlined in the query, and the same logic as a PL/pgSQL
# function.  Both return text, as a user's would; rectify returns its enum.
STATE_CASE="CASE
    WHEN closed IS NOT NULL AND closed <= DATE '2024-06-30' THEN
      CASE WHEN @due@ IS NULL OR closed <= @due@ THEN 'closed_on_time' ELSE 'closed_late' END
    WHEN @due@ IS NULL THEN 'ongoing'
    WHEN DATE '2024-06-30' > @due@ THEN 'overdue'
    WHEN DATE '2024-06-30' = @due@ THEN 'due_today'
    WHEN @due@ - DATE '2024-06-30' <= 15 THEN 'due_soon'
    ELSE 'not_due' END"

# The due date of a plain-table row, written out where the CASE uses it.
PLAIN_DUE="(CASE WHEN deadline_date IS NOT NULL THEN deadline_date WHEN immediate THEN assigned + 30 END)"

bench_deadline_state() {
	load_state_tables
	psql_f <<'SQL'
CREATE OR REPLACE FUNCTION bench.plpgsql_deadline_state(
    deadline_date date, immediate boolean, assigned date, closed date,
    asof date, warning_days integer DEFAULT 15, immediate_days integer DEFAULT 30)
  RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  due date;
BEGIN
  IF deadline_date IS NOT NULL THEN
    due := deadline_date;
  ELSIF immediate THEN
    due := assigned + immediate_days;
  END IF;
  IF closed IS NOT NULL AND closed <= asof THEN
    IF due IS NULL OR closed <= due THEN
      RETURN 'closed_on_time';
    END IF;
    RETURN 'closed_late';
  END IF;
  IF due IS NULL THEN
    RETURN 'ongoing';
  ELSIF asof > due THEN
    RETURN 'overdue';
  ELSIF asof = due THEN
    RETURN 'due_today';
  ELSIF due - asof <= warning_days THEN
    RETURN 'due_soon';
  END IF;
  RETURN 'not_due';
END $$;
SQL
	# Same answer from all three before timing them.
	local check
	check=$(psql_q "SELECT (SELECT string_agg(s::text || '=' || c, ',' ORDER BY s::text) FROM (SELECT rectify.deadline_state(deadline, assigned, closed, '2024-06-30', 15, 30) s, count(*) c FROM bench.st_rectify GROUP BY 1) a)
	  = (SELECT string_agg(s || '=' || c, ',' ORDER BY s) FROM (SELECT ${STATE_CASE//@due@/$PLAIN_DUE} s, count(*) c FROM bench.st_plain GROUP BY 1) b)")
	[ "$check" = t ] || { echo "deadline_state and the CASE reference disagree" >&2; exit 1; }
	check=$(psql_q "SELECT count(*) FROM bench.st_plain TABLESAMPLE SYSTEM (2) REPEATABLE (1)
	  WHERE bench.plpgsql_deadline_state(deadline_date, immediate, assigned, closed, '2024-06-30')
	        IS DISTINCT FROM ${STATE_CASE//@due@/$PLAIN_DUE}")
	[ "$check" = 0 ] || { echo "the PL/pgSQL and CASE references disagree on $check rows" >&2; exit 1; }
	log "deadline_state over $ROWS rows"
	compare deadline_state "$ROWS" \
		"rectify=SELECT count(*) FROM bench.st_rectify WHERE rectify.deadline_state(deadline, assigned, closed, '2024-06-30', 15, 30) = 'overdue'" \
		"SQL CASE=SELECT count(*) FROM bench.st_plain WHERE (${STATE_CASE//@due@/$PLAIN_DUE}) = 'overdue'" \
		"slow:PL/pgSQL=SELECT count(*) FROM bench.st_plain WHERE bench.plpgsql_deadline_state(deadline_date, immediate, assigned, closed, '2024-06-30') = 'overdue'" \
		"scan only=SELECT count(*) FROM bench.st_rectify WHERE closed IS NULL"
	report deadline_state rectify 'SQL CASE' ratio_max 1.0 '≤ 1.0× SQL CASE'
	report deadline_state rectify 'PL/pgSQL' ratio_max 0.2 '≥ 5× faster than PL/pgSQL'
	report deadline_state 'scan only' '' info 0 'count(*) of the same table, for scale'
}

bench_due_state() {
	load_state_tables
	log "due_state over $ROWS rows"
	compare due_state "$ROWS" \
		"rectify=SELECT count(*) FROM bench.st_due WHERE rectify.due_state(due, closed, '2024-06-30', 15) = 'overdue'" \
		"SQL CASE=SELECT count(*) FROM bench.st_due WHERE (${STATE_CASE//@due@/due}) = 'overdue'"
	report due_state rectify 'SQL CASE' ratio_max 1.0 '≤ 1.0× SQL CASE (as deadline_state)'
}

bench_parse() {
	log "text input, $PARSE_ROWS values each"
	# The texts of the generated ledger (the plans' phrases, simplified,
	# traditional and English) and its region codes; the reference is date
	# input of ISO dates.
	psql_f <<SQL
CREATE UNLOGGED TABLE bench.txt_deadline AS
  SELECT deadline_text AS t FROM bench.gen($PARSE_ROWS, $SEED + 1);
CREATE UNLOGGED TABLE bench.txt_region AS
  SELECT lpad(region::text, 6, '0') AS t FROM bench.gen($PARSE_ROWS, $SEED + 1);
CREATE UNLOGGED TABLE bench.txt_date AS
  SELECT to_char(coalesce(due_date, assigned), 'YYYY-MM-DD') AS t FROM bench.gen($PARSE_ROWS, $SEED + 1);
VACUUM (FREEZE, ANALYZE) bench.txt_deadline, bench.txt_region, bench.txt_date;
SQL
	local variants=(
		"deadline=SELECT count(t::rectify.deadline) FROM bench.txt_deadline"
		"region=SELECT count(t::rectify.region) FROM bench.txt_region"
		"date=SELECT count(t::date) FROM bench.txt_date"
		"scan only=SELECT count(t) FROM bench.txt_deadline"
	)
	local emission=
	if have_type rectify.emission; then
		psql_f <<SQL
CREATE UNLOGGED TABLE bench.txt_emission AS
  SELECT bench.pick(ARRAY[to_char(u * 100, 'FM9990.0') || ' t NOx', to_char(u * 5, 'FM90.00') || '万吨 COD',
                          to_char(u * 1000, 'FM9990') || ' kg SO2', '氨氮 ' || to_char(u * 10, 'FM90.0') || '吨'],
                    bench.u(g, $SEED * 64 + 40)) AS t
    FROM generate_series(1, $PARSE_ROWS) g, LATERAL (SELECT bench.u(g, $SEED * 64 + 41) AS u) x;
VACUUM (FREEZE, ANALYZE) bench.txt_emission;
SQL
		variants+=("emission=SELECT count(t::rectify.emission) FROM bench.txt_emission")
		emission=1
	fi
	compare parse "$PARSE_ROWS" "${variants[@]}"
	report parse deadline date rate_min 1e6 '≥ 1M values/s per core' true 'parse rectify.deadline'
	report parse region date rate_min 1e6 '≥ 1M values/s per core' true 'parse rectify.region'
	if [ -n "$emission" ]; then
		report parse emission date rate_min 1e6 '≥ 1M values/s per core' true 'parse rectify.emission'
	else
		skip 'parse rectify.emission' '≥ 1M values/s per core' 'type rectify.emission does not exist yet'
	fi
	report parse date '' rate_info 0 'reference: date input' true 'parse date (reference)'
	report parse 'scan only' '' info 0 'count(t) of the deadline texts, for scale' true 'parse: scan only'
}

OVERDUE_DONE=
bench_overdue() {
	[ -n "$OVERDUE_DONE" ] && return 0
	OVERDUE_DONE=1
	load_ledger "$LEDGER_ROWS" || { skip overdue '≤ 50 ms, index scan' '--ledger-rows 0'; return 0; }
	local pref=130600 plan q
	q="SELECT * FROM rectify.overdue('2024-06-30') WHERE region <@ '$pref'"
	plan=$(psql_q "EXPLAIN (COSTS OFF) $q")
	local index_ok=false
	grep -qE 'Index (Only )?Scan .*items_region[a-z_]*_idx|Bitmap Index Scan on items_region[a-z_]*_idx' <<<"$plan" && index_ok=true
	$index_ok || { echo "overdue query does not use the region index:"; echo "$plan"; }
	local counts
	counts=$(psql_q "SELECT (SELECT count(*) FROM rectify.items WHERE region <@ '$pref') || ' items in $pref, ' || (SELECT count(*) FROM ($q) o) || ' overdue; ' || (SELECT count(*) FROM rectify.overdue('2024-06-30')) || ' overdue in the ledger'")
	note "overdue: $counts"
	note "overdue plan: $(grep -oE '(Bitmap )?Index (Only )?Scan[^(]*' <<<"$plan" | head -1 | sed 's/ *$//')"
	log "overdue items of prefecture $pref ($counts)"
	compare overdue "$LEDGER_ROWS" \
		"rectify=$q" \
		"slow:no index=SELECT * FROM rectify.overdue('2024-06-30') WHERE (region <@ '$pref') IS TRUE" \
		"province=SELECT * FROM rectify.overdue('2024-06-30') WHERE region <@ '130000'"
	report overdue rectify '' ms_max 50 '≤ 50 ms, index scan' "$index_ok" "overdue items of one prefecture ($pref)"
	report overdue rectify 'no index' info 0 'same, (region <@ X) IS TRUE: seq scan' true "overdue items of one prefecture, vs no index"
	report overdue province '' info 0 'one province (130000)' true 'overdue items of one province (130000)'
	psql_f -c "INSERT INTO bench.results (op, nrows, target, measured, result)
	  SELECT 'on-disk size per 1M items: ' || what, $LEDGER_ROWS, detail,
	         pg_size_pretty((bytes * 1000000.0 / $LEDGER_ROWS)::bigint), 'info'
	    FROM (VALUES ('rectify.items heap', 'heap + TOAST', pg_table_size('rectify.items')),
	                 ('rectify.items indexes', (SELECT count(*) FROM pg_index WHERE indrelid = 'rectify.items'::regclass) || ' indexes',
	                  pg_indexes_size('rectify.items')),
	                 ('responsibilities', '1 primary unit per item', pg_total_relation_size('rectify.responsibilities')),
	                 ('events', (SELECT round(count(*)::numeric / $LEDGER_ROWS, 2) FROM rectify.events) || ' per item, with indexes',
	                  pg_total_relation_size('rectify.events')))
	         AS s (what, detail, bytes)"
}

# --- later measurements: each skips itself until its SQL objects exist ----

# item_score: the same deduction formula as a SQL CASE expression inlined in
# the query and as a PL/pgSQL function (both
# call rectify.due_date and rectify.expected_progress, C, for what SQL
# cannot compute from the deadline; both references ~2-3 µs a row, so they
# get --slow-runs runs), on the generated items as of
# bench.asof(), each with the level its days overdue reach.
bench_item_score() {
	have_function item_score || { skip 'item_score' '≤ 1.0× SQL CASE; ≥ 5× PL/pgSQL' 'rectify.item_score does not exist yet'; return 0; }
	STATE_LOADED=
	log "generating $ROWS rows for item_score"
	psql_f <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench.st_rectify, bench.st_plain, bench.st_due;
RESET client_min_messages;
CREATE UNLOGGED TABLE bench.sc_rectify AS
  SELECT deadline_text::rectify.deadline AS deadline, assigned, completed_on AS closed,
         (CASE WHEN completed_on IS NOT NULL OR due_date IS NULL OR due_date >= bench.asof() THEN 'none'
               WHEN bench.asof() - due_date >= 120 THEN 'accountability'
               WHEN bench.asof() - due_date >= 60 THEN 'summons'
               WHEN bench.asof() - due_date >= 30 THEN 'supervision'
               WHEN bench.asof() - due_date >= 15 THEN 'circular'
               WHEN bench.asof() - due_date >= 7 THEN 'warning'
               ELSE 'notice' END)::rectify.escalation_level AS level,
         progress::numeric(5,4) AS progress, (status = 'reopened')::integer AS reopened
    FROM bench.gen($ROWS, $SEED);
VACUUM (FREEZE, ANALYZE) bench.sc_rectify;
CREATE OR REPLACE FUNCTION bench.item_score_plpgsql(deadline rectify.deadline, assigned date, closed date,
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
	local asof="DATE '2024-06-30'" c sqlq plq check
	c="SELECT sum(rectify.item_score(deadline, assigned, closed, $asof, level, progress, reopened)) FROM bench.sc_rectify"
	sqlq="SELECT sum(round(least(100, greatest(0,
	         CASE WHEN closed IS NOT NULL AND closed <= $asof THEN
	                CASE WHEN d.due IS NULL OR closed <= d.due THEN 100 ELSE greatest(40, 100 - 2 * (closed - d.due)) END
	              WHEN d.due IS NULL THEN 100
	              WHEN $asof > d.due THEN greatest(0, 60 - ($asof - d.due))
	              ELSE 100 - 50 * greatest(0, rectify.expected_progress(deadline, assigned, $asof) - progress) END
	         - 5 * (array_position(l.levels, level) - 1) - 20 * reopened)), 2))
	       FROM bench.sc_rectify
	      CROSS JOIN LATERAL (SELECT rectify.due_date(deadline, assigned) AS due) d
	      CROSS JOIN (SELECT enum_range(NULL::rectify.escalation_level) AS levels) l"
	plq="SELECT sum(bench.item_score_plpgsql(deadline, assigned, closed, $asof, level, progress, reopened)) FROM bench.sc_rectify"
	# The three must agree before their speed is worth comparing: the sums
	# over every row, and row by row against PL/pgSQL on a 2 % sample.
	check=$(psql_q "SELECT ($c) = ($sqlq)")
	[ "$check" = t ] || { echo "item_score and the SQL CASE reference disagree" >&2; exit 1; }
	check=$(psql_q "SELECT count(*) FROM bench.sc_rectify TABLESAMPLE SYSTEM (2) REPEATABLE (1)
	  WHERE rectify.item_score(deadline, assigned, closed, $asof, level, progress, reopened)
	        IS DISTINCT FROM bench.item_score_plpgsql(deadline, assigned, closed, $asof, level, progress, reopened)")
	[ "$check" = 0 ] || { echo "item_score and the PL/pgSQL reference disagree on $check rows" >&2; exit 1; }
	log "item_score over $ROWS rows"
	compare item_score "$ROWS" "rectify=$c" "slow:SQL CASE=$sqlq" "slow:PL/pgSQL=$plq" \
		"scan only=SELECT sum(progress) FROM bench.sc_rectify"
	report item_score rectify 'SQL CASE' ratio_max 1.0 '≤ 1.0× SQL CASE'
	report item_score rectify 'PL/pgSQL' ratio_max 0.2 '≥ 5× faster than PL/pgSQL'
	report item_score 'scan only' '' info 0 'sum(progress) of the same table, for scale'
	psql_f -c "DROP TABLE bench.sc_rectify"
}

# escalate(asof) on the small ledger and on the large one, with the same
# number of items newly overdue on asof (1 % of the small ledger): the
# loaded ledger has no item whose escalation_next has come by
# bench.asof() (see load_ledger); escalate_setup moves that many open,
# not yet due, not lagging items (chosen by a hash of their id) to a due
# date of the day before, as if their deadline had been set so: each is
# 1 day overdue and reaches notice.  Each run is one fresh session (as a
# pg_cron job is): BEGIN, escalate(asof), the backend's own
# /proc/self/status, ROLLBACK, so every run does the same work.  The time
# is taken in the server around the escalate() call.
ESC_N=
ESC_SETUP_FOR=
escalate_setup() {
	local n=$1
	ESC_N=$(( SMALL_LEDGER_ROWS / 100 ))
	[ "$ESC_N" -gt 0 ] || ESC_N=1
	# once per loaded ledger: escalate and office both use it, and every
	# run of escalate() is rolled back
	[ "$ESC_SETUP_FOR" = "$LEDGER_LOADED" ] && return 0
	psql_f <<SQL
BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE rectify.items i
   SET deadline = (bench.asof() - 1)::text::rectify.deadline,
       deadline_text = to_char(bench.asof() - 1, 'YYYY-MM-DD'),
       due_date = bench.asof() - 1,
       original_deadline = (bench.asof() - 1)::text::rectify.deadline,
       original_due_date = bench.asof() - 1,
       escalation_level = 'none', escalation_next = bench.asof()
 WHERE i.item_id IN (
   SELECT item_id FROM rectify.items
    WHERE completed_on IS NULL AND due_date > bench.asof() AND escalation_level = 'none'
      AND assigned < bench.asof() - 1
    ORDER BY hashint8extended(item_id, $SEED), item_id
    LIMIT $ESC_N);
COMMIT;
VACUUM ANALYZE rectify.items;
SQL
	local due
	due=$(psql_q "SELECT count(*) FROM rectify.items WHERE escalation_next <= bench.asof()")
	[ "$due" = "$ESC_N" ] || { echo "escalate: $due items have escalation_next by asof, expected $ESC_N" >&2; exit 1; }
	ESC_SETUP_FOR=$LEDGER_LOADED
}

# escalate_runs OP: one warm-up and RUNS timed runs; notes the rows
# returned and the peak memory of the last run.
escalate_runs() {
	local op=$1 nrows=$2 r out ms n hwm anon shm
	for ((r = 0; r <= RUNS; r++)); do
		out=$(psql_b -d "$DB" -At <<SQL
BEGIN;
SELECT clock_timestamp() AS t0 \gset
SELECT count(*) AS n FROM rectify.escalate(bench.asof()) \gset
SELECT extract(epoch FROM clock_timestamp() - :'t0') * 1000 AS ms \gset
SELECT string_agg(regexp_replace(l, '\s+', ' ', 'g'), ';')
  FROM regexp_split_to_table(pg_read_file('/proc/self/status'), E'\n') l
 WHERE l ~ '^(VmHWM|RssAnon|RssShmem):' \gset
ROLLBACK;
SELECT :ms || '|' || :n || '|' || :'string_agg';
SQL
)
		IFS='|' read -r ms n mem <<<"$out"
		[ "$n" = "$ESC_N" ] || { echo "escalate changed $n items, expected $ESC_N" >&2; exit 1; }
		[ "$r" -gt 0 ] && psql_q "INSERT INTO bench.samples VALUES ('$op', $nrows, 'rectify', $r, $ms)" >/dev/null
	done
	hwm=$(grep -oE 'VmHWM: [0-9]+' <<<"$mem" | grep -oE '[0-9]+')
	anon=$(grep -oE 'RssAnon: [0-9]+' <<<"$mem" | grep -oE '[0-9]+')
	shm=$(grep -oE 'RssShmem: [0-9]+' <<<"$mem" | grep -oE '[0-9]+')
	ESC_MEM="peak RSS (VmHWM) $((hwm / 1024)) MB, of which shared buffers touched $((shm / 1024)) MB; private $((anon / 1024)) MB after the run"
	ESC_MEM_MB=$(( (hwm - shm) / 1024 ))
}

bench_escalate() {
	have_function escalate || { skip 'escalate' '1M: ≤ 2 s; 10M: ≤ 1.5× the 1M time' 'rectify.escalate does not exist yet'; return 0; }
	load_ledger "$SMALL_LEDGER_ROWS" || { skip escalate '1M: ≤ 2 s' '--small-ledger-rows 0'; return 0; }
	escalate_setup "$SMALL_LEDGER_ROWS"
	local plan
	plan=$(psql_q "EXPLAIN (COSTS OFF) SELECT * FROM rectify.items i WHERE i.escalation_next <= bench.asof() AND i.assigned <= bench.asof() ORDER BY i.item_id FOR UPDATE")
	note "escalate: $ESC_N items newly overdue on 2024-06-30 in each ledger; its scan: $(grep -oE '(Bitmap )?Index (Only )?Scan (using|on) [a-z_]+' <<<"$plan" | head -1)"
	log "escalate() on $SMALL_LEDGER_ROWS items, $ESC_N newly overdue"
	escalate_runs escalate_small "$SMALL_LEDGER_ROWS"
	local small_mem=$ESC_MEM small_mb=$ESC_MEM_MB
	report escalate_small rectify '' ms_max 2000 '≤ 2 s' true "escalate(), $ESC_N newly overdue"
	note "escalate() memory, $SMALL_LEDGER_ROWS items: $small_mem"
	if [ "$LEDGER_ROWS" != "$SMALL_LEDGER_ROWS" ] && load_ledger "$LEDGER_ROWS"; then
		# The overdue measurement wants the ledger as generated: run it first.
		if wanted overdue && [ -z "$OVERDUE_DONE" ]; then bench_overdue; fi
		escalate_setup "$LEDGER_ROWS"
		log "escalate() on $LEDGER_ROWS items, $ESC_N newly overdue"
		escalate_runs escalate_large "$LEDGER_ROWS"
		note "escalate() memory, $LEDGER_ROWS items: $ESC_MEM"
		psql_f -c "INSERT INTO bench.samples SELECT 'escalate_large', nrows, 'small ledger', run, ms FROM bench.samples WHERE op = 'escalate_small'"
		report escalate_large rectify 'small ledger' ratio_max 1.5 "≤ 1.5× the $(numfmt "$SMALL_LEDGER_ROWS") time" true "escalate(), $ESC_N newly overdue"
		psql_f -c "INSERT INTO bench.results (op, nrows, target, measured, result)
		  VALUES ('escalate() peak memory', $LEDGER_ROWS, 'backend VmHWM minus shared buffers', '$ESC_MEM_MB MB ($(numfmt "$SMALL_LEDGER_ROWS"): $small_mb MB)', 'info')"
	fi
}

# sum(emission) GROUP BY pollutant as a user with an emission column writes
# it, against a user's plain (pollutant text, grams bigint) pair summed
# with GROUP BY, the same amounts in both tables; serial, and with 2
# parallel workers.
bench_emission_sum() {
	have_type rectify.emission || { skip 'sum(emission) GROUP BY pollutant' '≤ 1.3× sum(bigint); 2 workers ≥ 1.5×' 'type rectify.emission does not exist yet'; return 0; }
	log "generating $ROWS emission rows"
	psql_f <<SQL
CREATE UNLOGGED TABLE bench.em_plain AS
  SELECT bench.pick(ARRAY['COD', 'NH3-N', 'TN', 'TP', 'SO2', 'NOx', 'VOCs', 'PM'], bench.u(g, $SEED * 64 + 50)) AS pollutant,
         floor(bench.u(g, $SEED * 64 + 51) * 1e9)::bigint AS grams
    FROM generate_series(1, $ROWS) g;
CREATE UNLOGGED TABLE bench.em_rectify AS
  SELECT rectify.emission(grams, 'g', pollutant) AS e FROM bench.em_plain;
ALTER TABLE bench.em_plain SET (parallel_workers = 2);
ALTER TABLE bench.em_rectify SET (parallel_workers = 2);
-- Without statistics on the expression the planner takes the number of
-- groups of GROUP BY pollutant(e) from e's own (n_distinct ~ every row):
-- it then plans a hash aggregate spilling to disk and no partial
-- aggregation.  What a user must do (README, Performance):
CREATE STATISTICS bench.em_rectify_pollutant ON (rectify.pollutant(e)) FROM bench.em_rectify;
VACUUM (FREEZE, ANALYZE) bench.em_plain, bench.em_rectify;
SQL
	local eq="SELECT rectify.pollutant(e), sum(e) FROM bench.em_rectify GROUP BY 1"
	local bq="SELECT pollutant, sum(grams) FROM bench.em_plain GROUP BY pollutant"
	local par='max_parallel_workers_per_gather=2;parallel_setup_cost=0'
	local check
	check=$(psql_q "SELECT count(*) = 8 AND bool_and(rectify.grams(a.sum) = b.sum) FROM ($eq) a (pollutant, sum) JOIN ($bq) b USING (pollutant)")
	[ "$check" = t ] || { echo "sum(emission) and sum(bigint) disagree" >&2; exit 1; }
	# With 2 workers: a Partial Aggregate, and the workers really launched.
	local plan partial=false
	plan=$(psql_q "SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0;
	               EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) $eq")
	grep -q 'Partial .*Aggregate' <<<"$plan" && grep -q 'Workers Launched: 2' <<<"$plan" && partial=true
	$partial || { echo "sum(emission) with 2 workers: no Partial Aggregate or workers not launched:"; echo "$plan"; }
	note "sum(emission) with 2 workers: $(grep -oE '(Finalize|Partial) [A-Za-z]*Aggregate' <<<"$plan" | paste -sd, | sed 's/,/, /g'); $(grep -oE 'Workers Launched: [0-9]+' <<<"$plan" | head -1)"
	log "sum(emission) GROUP BY pollutant over $ROWS rows, serial and with 2 workers"
	local err
	if ! err=$(compare emission_sum "$ROWS" "rectify=$eq" "sum(bigint)=$bq" \
		"set($par):2 workers=$eq" "set($par):sum(bigint), 2 workers=$bq" 2>&1); then
		echo "$err" >&2
		psql_q "SELECT bench.skip('sum(emission) GROUP BY pollutant', '≤ 1.3× sum(bigint); 2 workers ≥ 1.5×', \$q\$failed: $(head -1 <<<"$err")\$q\$)" >/dev/null
		psql_q "UPDATE bench.results SET result = 'MISS' WHERE op = 'sum(emission) GROUP BY pollutant'" >/dev/null
		psql_f -c "DROP TABLE bench.em_plain, bench.em_rectify"
		return 0
	fi
	report emission_sum rectify 'sum(bigint)' ratio_max 1.3 '≤ 1.3× sum(bigint)' true 'sum(emission) GROUP BY pollutant'
	report emission_sum '2 workers' 'rectify' ratio_max 0.6667 '2 workers: Partial Aggregate, ≥ 1.5× faster than none' "$partial" 'sum(emission), 2 workers vs none'
	report emission_sum 'sum(bigint), 2 workers' 'sum(bigint)' info 0 'sum(bigint), 2 workers vs none, for scale' true 'sum(bigint), 2 workers vs none'
	psql_f -c "DROP TABLE bench.em_plain, bench.em_rectify"
}

# add_workdays / workdays_between against a day-by-day reference: the
# calendar's exceptions in a plain table, a PL/pgSQL loop stepping one day
# at a time.  Starts over 2020-01-01 .. 2026-09-30, n = 0 .. 60.  The reference is run
# on the first --ref-calls calls and its time scaled per call to the full
# count (it takes ~160 µs a call: 1M calls would take minutes).
bench_workdays() {
	have_function add_workdays || { skip 'add_workdays / workdays_between' '≥ 20× a day-by-day SQL reference' 'rectify.add_workdays does not exist yet'; return 0; }
	local calls=$PARSE_ROWS
	psql_f <<'SQL'
CREATE TABLE bench.ref_exc (day date PRIMARY KEY, is_off boolean NOT NULL);
INSERT INTO bench.ref_exc SELECT day, is_off FROM rectify.calendar_effective('cn');
ANALYZE bench.ref_exc;
-- a day is a working day unless the calendar says otherwise: Monday to
-- Friday, with the loaded exceptions
CREATE FUNCTION bench.ref_is_workday(t date) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT NOT e.is_off FROM bench.ref_exc e WHERE e.day = t), extract(isodow FROM t) < 6)
$$;
-- the walk both references take, a day at a time from d: until n working
-- days are counted (stop NULL), or until the day stop (n NULL); the day
-- reached and the working days counted
CREATE FUNCTION bench.ref_walk(d date, n integer, stop date, OUT t date, OUT k integer)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  t := d;
  k := 0;
  WHILE CASE WHEN stop IS NULL THEN k < n ELSE t < stop END LOOP
    t := t + 1;
    k := k + bench.ref_is_workday(t)::integer;
  END LOOP;
END $$;
CREATE FUNCTION bench.ref_add_workdays(d date, n integer) RETURNS date
LANGUAGE sql STABLE AS $$ SELECT (bench.ref_walk(d, n, NULL)).t $$;
CREATE FUNCTION bench.ref_workdays_between(a date, b date) RETURNS integer
LANGUAGE sql STABLE AS $$ SELECT (bench.ref_walk(a, NULL, b)).k $$;
SQL
	psql_f <<SQL
CREATE UNLOGGED TABLE bench.wd_calls AS
  SELECT DATE '2020-01-01' + (i % 2465)::integer AS d, ((i * 7919) % 61)::integer AS k
    FROM generate_series(1, $calls::bigint) i;
CREATE UNLOGGED TABLE bench.wd_ref_calls AS
  SELECT DATE '2020-01-01' + (i % 2465)::integer AS d, ((i * 7919) % 61)::integer AS k
    FROM generate_series(1, $REF_CALLS::bigint) i;
VACUUM (FREEZE, ANALYZE) bench.wd_calls, bench.wd_ref_calls;
SQL
	local check
	check=$(psql_q "SELECT (SELECT sum(rectify.add_workdays(d, k) - d) FROM bench.wd_ref_calls) = (SELECT sum(bench.ref_add_workdays(d, k) - d) FROM bench.wd_ref_calls)
	            AND (SELECT sum(rectify.workdays_between(d, d + k)) FROM bench.wd_ref_calls) = (SELECT sum(bench.ref_workdays_between(d, d + k)) FROM bench.wd_ref_calls)
	            AND (SELECT count(*) FROM bench.wd_ref_calls WHERE rectify.workdays_between(d, rectify.add_workdays(d, k)) <> k) = 0")
	[ "$check" = t ] || { echo "add_workdays / workdays_between and the day-by-day reference disagree" >&2; exit 1; }
	log "add_workdays / workdays_between, $calls calls (reference on $REF_CALLS, scaled)"
	local scale refname
	scale=$(awk -v a="$calls" -v b="$REF_CALLS" 'BEGIN {printf "%g", a / b}')
	refname="day-by-day ×$scale"
	compare workdays "$calls" \
		"add_workdays=SELECT sum(rectify.add_workdays(d, k) - d) FROM bench.wd_calls" \
		"workdays_between=SELECT sum(rectify.workdays_between(d, d + k)) FROM bench.wd_calls" \
		"no calendar=SELECT sum(d + k - d) FROM bench.wd_calls" \
		"slow:ref add=SELECT sum(bench.ref_add_workdays(d, k) - d) FROM bench.wd_ref_calls" \
		"slow:ref between=SELECT sum(bench.ref_workdays_between(d, d + k)) FROM bench.wd_ref_calls"
	# The references ran on fewer calls: scale their times per call.
	psql_f -c "UPDATE bench.samples SET ms = ms * $calls / $REF_CALLS::float8,
	             variant = CASE variant WHEN 'ref add' THEN '$refname (add)' ELSE '$refname (between)' END
	           WHERE op = 'workdays' AND variant IN ('ref add', 'ref between')"
	report workdays add_workdays "$refname (add)" ratio_max 0.05 '≥ 20× faster than day-by-day SQL' true 'add_workdays'
	report workdays workdays_between "$refname (between)" ratio_max 0.05 '≥ 20× faster than day-by-day SQL' true 'workdays_between'
	report workdays 'no calendar' '' info 0 'sum(d + k - d), the same scan without calendar' true 'workdays: scan only'
	note "workdays: the day-by-day references ran on $REF_CALLS calls; their times are scaled ×$scale to $calls calls"
	psql_f -c "DROP TABLE bench.wd_calls, bench.wd_ref_calls"
}

# The roles a benchmark logs in as: one per part, and an officer bound to
# the county unit whose item count is nearest 1,000 (one unit per region).
roles_setup() {
	psql_f -q <<'SQL'
DO $$ BEGIN
  IF to_regrole('rb_adam') IS NULL THEN CREATE ROLE rb_adam IN ROLE rectify_admin; END IF;
  IF to_regrole('rb_vera') IS NULL THEN CREATE ROLE rb_vera IN ROLE rectify_verifier; END IF;
  IF to_regrole('rb_olga') IS NULL THEN CREATE ROLE rb_olga; END IF;
  IF to_regrole('rb_rita') IS NULL THEN CREATE ROLE rb_rita IN ROLE rectify_reader; END IF;
END $$;
SQL
	OFFICER_UNIT=$(psql_q "SELECT u.unit_id FROM rectify.units u JOIN rectify.responsibilities r USING (unit_id)
	                        WHERE rectify.region_level(u.region) = 'county'
	                        GROUP BY u.unit_id ORDER BY abs(count(*) - 1000), u.unit_id LIMIT 1")
	psql_q "SELECT rectify.bind_officer('rb_olga', name) FROM rectify.units WHERE unit_id = $OFFICER_UNIT" >/dev/null
	OFFICER_ITEMS=$(psql_q "SELECT count(*) FROM rectify.responsibilities WHERE unit_id = $OFFICER_UNIT")
}

# role_lines OP LABEL: report OP's admin and verifier variants against the
# owner's (ratio ≤ 1.5×, the target of issue 14).
role_lines() {
	local op=$1 label=$2 v
	for v in admin verifier; do
		report "$op" "$v" owner ratio_max 1.5 "≤ 1.5× the owner" true "$label as $v"
	done
}

# roles_ledger_lines ROWS: the lines measured on both ledgers (the one
# loaded): overdue(D), ledger(D) and a direct read of rectify.items as an
# administrator, a verifier and an officer of one county unit, each against
# the owner on the same rows.
roles_ledger_lines() {
	local rows=$1 d="DATE '2024-06-30'" mine
	roles_setup
	mine="item_id IN (SELECT r.item_id FROM rectify.responsibilities r WHERE r.unit_id = $OFFICER_UNIT)"
	note "roles, $(numfmt "$rows") items: officer of unit $OFFICER_UNIT ($OFFICER_ITEMS items); plan of its overdue list: $(psql_q "SET ROLE rb_olga; EXPLAIN (COSTS OFF) SELECT * FROM rectify.overdue($d)" | grep -oE '(Bitmap )?Index (Only )?Scan[^(]*on items[^ ]*' | head -1)"
	log "roles on $rows items: overdue lists, the ledger, direct reads"
	compare roles_overdue_$rows "$rows" \
		"owner=SELECT count(*) FROM rectify.overdue($d)" \
		"set(role=rb_adam):admin=SELECT count(*) FROM rectify.overdue($d)" \
		"set(role=rb_vera):verifier=SELECT count(*) FROM rectify.overdue($d)"
	role_lines roles_overdue_$rows 'overdue(D)'
	compare roles_officer_$rows "$rows" \
		"owner=SELECT count(*) FROM rectify.overdue($d) WHERE $mine" \
		"set(role=rb_olga):officer=SELECT count(*) FROM rectify.overdue($d)"
	report roles_officer_$rows officer owner ratio_max 1.5 '≤ 1.5× the owner, same rows' true "overdue(D) as an officer of one unit ($OFFICER_ITEMS items) vs owner filtered by hand"
	report roles_officer_$rows officer '' ms_max 50 '≤ 50 ms' true "overdue(D) as an officer of one unit, time"
	compare roles_ledger_$rows "$rows" \
		"owner=SELECT count(*) FROM rectify.ledger($d)" \
		"set(role=rb_adam):admin=SELECT count(*) FROM rectify.ledger($d)" \
		"set(role=rb_vera):verifier=SELECT count(*) FROM rectify.ledger($d)" \
		"owner, same rows=SELECT count(*) FROM rectify.ledger($d) WHERE $mine" \
		"set(role=rb_olga):officer=SELECT count(*) FROM rectify.ledger($d)"
	role_lines roles_ledger_$rows 'ledger(D)'
	report roles_ledger_$rows officer "owner, same rows" ratio_max 1.5 '≤ 1.5× the owner, same rows' true 'ledger(D) as an officer'
	compare roles_read_$rows "$rows" \
		"owner=SELECT count(*) FROM rectify.items WHERE completed_on IS NULL AND due_date < $d" \
		"set(role=rb_adam):admin=SELECT count(*) FROM rectify.items WHERE completed_on IS NULL AND due_date < $d" \
		"set(role=rb_vera):verifier=SELECT count(*) FROM rectify.items WHERE completed_on IS NULL AND due_date < $d" \
		"owner, same rows=SELECT count(*) FROM rectify.items WHERE completed_on IS NULL AND due_date < $d AND $mine" \
		"set(role=rb_olga):officer=SELECT count(*) FROM rectify.items WHERE completed_on IS NULL AND due_date < $d"
	role_lines roles_read_$rows 'direct read of rectify.items (open, past due)'
	report roles_read_$rows officer "owner, same rows" ratio_max 1.5 '≤ 1.5× the owner, same rows' true 'direct read of rectify.items as an officer'
}

# roles_score_lines ROWS: the scorecards and the BI view on the ledger
# loaded.  They read every item (officers and readers are refused the
# scorecards, 42501), so administrators and verifiers; on 10M items a
# scorecard takes about 20 s, so there SLOW_RUNS runs without a warm-up.
roles_score_lines() {
	local rows=$1 d="DATE '2024-06-30'" slow=
	[ "$rows" -gt 1000000 ] && slow=slow:
	log "roles on $rows items: scorecards and the BI view"
	compare roles_scores_$rows "$rows" \
		"${slow}owner=SELECT count(*) FROM rectify.item_scores($d)" \
		"set(role=rb_adam):${slow}admin=SELECT count(*) FROM rectify.item_scores($d)" \
		"set(role=rb_vera):${slow}verifier=SELECT count(*) FROM rectify.item_scores($d)"
	role_lines roles_scores_$rows 'item_scores(D)'
	compare roles_scorecard_$rows "$rows" \
		"${slow}owner=SELECT count(*) FROM rectify.unit_scorecard($d)" \
		"set(role=rb_adam):${slow}admin=SELECT count(*) FROM rectify.unit_scorecard($d)" \
		"set(role=rb_vera):${slow}verifier=SELECT count(*) FROM rectify.unit_scorecard($d)"
	role_lines roles_scorecard_$rows 'unit_scorecard(D)'
	compare roles_bi_$rows "$rows" \
		"${slow}owner=SELECT count(*) FROM rectify.bi_items" \
		"set(role=rb_rita):${slow}reader=SELECT count(*) FROM rectify.bi_items"
	report roles_bi_$rows reader owner ratio_max 1.5 '≤ 1.5× the owner' true 'bi_items as a reader'
}

bench_roles() {
	load_ledger "$LEDGER_ROWS" || { skip roles '≤ 1.5× the owner' '--ledger-rows 0'; return 0; }
	roles_ledger_lines "$LEDGER_ROWS"
	roles_score_lines "$LEDGER_ROWS"
	load_ledger "$SMALL_LEDGER_ROWS" || return 0
	roles_ledger_lines "$SMALL_LEDGER_ROWS"
	roles_score_lines "$SMALL_LEDGER_ROWS"
}

bench_unit_scorecard() {
	have_function unit_scorecard || { skip 'unit_scorecard' '1M items: ≤ 3 s' 'rectify.unit_scorecard does not exist yet'; return 0; }
	load_ledger "$SMALL_LEDGER_ROWS" || { skip unit_scorecard '1M items: ≤ 3 s' '--small-ledger-rows 0'; return 0; }
	local units events
	units=$(psql_q "SELECT count(*) FROM rectify.unit_scorecard('2024-06-30')")
	events=$(psql_q "SELECT count(*) FROM rectify.events")
	note "unit_scorecard: $units units over $SMALL_LEDGER_ROWS items (one primary unit per item; $events events of escalation and reopening)"
	log "unit_scorecard on $SMALL_LEDGER_ROWS items ($units units)"
	compare unit_scorecard "$SMALL_LEDGER_ROWS" \
		"rectify=SELECT count(*) FROM rectify.unit_scorecard('2024-06-30')"
	report unit_scorecard rectify '' ms_max 3000 '≤ 3 s' true 'unit_scorecard'
}

# time_travel: the reports for a past date (the end of the quarter before
# bench.asof(), rebuilt from the history where an item changed since)
# against the same reports for bench.asof(), as the roles that read them.
bench_time_travel() {
	have_function item_states || { skip time_travel '≤ 1.5× today' 'rectify.item_states does not exist yet'; return 0; }
	load_ledger "$SMALL_LEDGER_ROWS" || { skip time_travel '≤ 1.5× today' '--small-ledger-rows 0'; return 0; }
	roles_setup
	local now="DATE '2024-06-30'" past="DATE '2024-03-31'" changed
	changed=$(psql_q "SELECT count(*) FROM rectify.items WHERE assigned <= $past AND valid_from > $past")
	note "time_travel: $changed of $(psql_q "SELECT count(*) FROM rectify.items WHERE assigned <= '2024-03-31'") items assigned by 2024-03-31 changed after it (read from rectify.item_versions: $(psql_q "SELECT count(*) FROM rectify.item_versions") versions)"
	log "time travel on $SMALL_LEDGER_ROWS items"
	compare tt_scorecard "$SMALL_LEDGER_ROWS" \
		"set(role=rb_vera):today=SELECT count(*) FROM rectify.unit_scorecard($now)" \
		"set(role=rb_vera):past=SELECT count(*) FROM rectify.unit_scorecard($past)"
	report tt_scorecard past today ratio_max 1.5 '≤ 1.5× today' true 'unit_scorecard(2024-03-31) vs (2024-06-30), verifier'
	report tt_scorecard past '' ms_max 3000 '≤ 3 s' true 'unit_scorecard(2024-03-31), verifier, time'
	compare tt_ledger "$SMALL_LEDGER_ROWS" \
		"set(role=rb_adam):today=SELECT count(*) FROM rectify.ledger($now)" \
		"set(role=rb_adam):past=SELECT count(*) FROM rectify.ledger($past)"
	report tt_ledger past today ratio_max 1.5 '≤ 1.5× today' true 'ledger(2024-03-31) vs (2024-06-30), admin'
	compare tt_overdue "$SMALL_LEDGER_ROWS" \
		"set(role=rb_adam):today=SELECT count(*) FROM rectify.overdue($now)" \
		"set(role=rb_adam):past=SELECT count(*) FROM rectify.overdue($past)"
	report tt_overdue past today ratio_max 1.5 '≤ 1.5× today' true 'overdue(2024-03-31) vs (2024-06-30), admin'
}

# office: what the office sees and sends (issue #15), on the small ledger,
# as the roles that run it: the monthly dispatch report against the unit
# scorecard of the same date (a verifier); the day's reminder run against
# the day's escalate() (an administrator; both rolled back after each run,
# escalate() with 1 % of the items newly overdue as in bench_escalate); and
# an administrator taking 1,000 notifications from the outbox.  It changes
# the ledger (escalate_setup): run it last.
bench_office() {
	have_function dispatch_report && have_function remind || { skip office '≤ 2× unit_scorecard' 'dispatch_report or remind does not exist yet'; return 0; }
	load_ledger "$SMALL_LEDGER_ROWS" || { skip office '≤ 2× unit_scorecard' '--small-ledger-rows 0'; return 0; }
	roles_setup
	log "the dispatch report on $SMALL_LEDGER_ROWS items"
	compare office_report "$SMALL_LEDGER_ROWS" \
		"set(role=rb_vera):scorecard=SELECT count(*) FROM rectify.unit_scorecard(DATE '2024-06-30')" \
		"set(role=rb_vera):report=SELECT length(rectify.dispatch_report(DATE '2024-06-01'))"
	report office_report report scorecard ratio_max 2 '≤ 2× unit_scorecard' true 'dispatch_report(2024-06) vs unit_scorecard(2024-06-30), verifier'
	escalate_setup "$SMALL_LEDGER_ROWS"
	psql_q "GRANT USAGE ON SCHEMA bench TO rb_adam" >/dev/null
	local esc rem
	esc=$(psql_q "SELECT bench.rolled_back('SELECT count(*) FROM rectify.escalate(DATE ''2024-06-30'')')")
	rem=$(psql_q "SELECT bench.rolled_back('SELECT rectify.remind(DATE ''2024-06-30'')')")
	note "office: on 2024-06-30 escalate() writes $esc steps (and as many notifications), remind() $rem reminders"
	log "remind() and escalate() on $SMALL_LEDGER_ROWS items"
	compare office_remind "$SMALL_LEDGER_ROWS" \
		"set(role=rb_adam):escalate=SELECT bench.rolled_back('SELECT count(*) FROM rectify.escalate(DATE ''2024-06-30'')')" \
		"set(role=rb_adam):remind=SELECT bench.rolled_back('SELECT rectify.remind(DATE ''2024-06-30'')')"
	# the target is per notice: a first reminder run writes many more
	# notices than the day's escalation steps
	report office_remind remind escalate ratio_max 2 '≤ 2× escalate() per notice' true \
		"remind() per reminder ($rem) vs escalate() per step ($esc), admin" "$rem" "$esc"
	report office_remind remind escalate info 0 'whole runs, for scale' true \
		"remind() ($rem reminders) vs escalate() ($esc steps), whole runs, admin"
	psql_q "SELECT rectify.remind(DATE '2024-06-30')" >/dev/null
	compare office_take "$SMALL_LEDGER_ROWS" \
		"set(role=rb_adam):take=SELECT count(*) FROM rectify.take_notifications('bench', 1000)"
	report office_take take '' ms_max 50 '≤ 50 ms' true 'take_notifications 1,000 rows, admin'
}

# ---------------------------------------------------------------------------

# Whether the server's shared memory is in huge pages (huge_pages = try
# takes them when the kernel has them reserved).  Without them every new
# backend faults the shared buffers it touches in 4 kB at a time, which
# adds about a second to a fresh session's escalate() or scorecard here
# (docs/performance.md).
huge_pages_note() {
	local total free rsvd
	total=$(awk '/^HugePages_Total:/ {print $2}' /proc/meminfo)
	free=$(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo)
	rsvd=$(awk '/^HugePages_Rsvd:/ {print $2}' /proc/meminfo)
	if [ "${total:-0}" -gt 0 ] && [ $((total - free + rsvd)) -gt 0 ]; then
		echo "huge pages in use ($((total - free + rsvd)) of $total reserved 2 MB pages)"
	else
		echo "no huge pages (vm.nr_hugepages = ${total:-0})"
	fi
}

for m in $ALL_MEASUREMENTS; do
	wanted "$m" && "bench_$m"
done

echo
echo "rectify $GIT_REV, PostgreSQL $(psql_q 'SHOW server_version'), $(nproc) CPUs, $(free -g | awk '/^Mem:/ {print $2}') GB;" \
	"jit $JIT, max_parallel_workers_per_gather 0, shared_buffers 4GB;" \
	"median of $RUNS runs after a warm-up ($SLOW_RUNS for PL/pgSQL, day-by-day and seq scan, no warm-up); seed $SEED; $((SECONDS - started)) s;" \
	"load average $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end;" \
	"$(huge_pages_note)"
psql_f -P footer=off -c "SELECT * FROM bench.report_table"
for n in "${NOTES[@]}"; do echo "$n"; done
psql_f -At -c "COPY (SELECT * FROM bench.results ORDER BY seq) TO STDOUT WITH CSV HEADER" > "$ROOT-results.csv" 2>/dev/null || true
