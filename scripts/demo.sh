#!/usr/bin/env bash
# The demo: builds and installs rectify, starts a throwaway PostgreSQL 15
# cluster of its own (data in /tmp/rectify-demo, port 54329 on 127.0.0.1,
# pg_cron preloaded), loads the sample ledger taken from the inspection
# documents, and prints what a rectification office looks at as of a date.
#
# Usage: scripts/demo.sh [ASOF]      (default 2022-06-20)
# Running it again starts over with a fresh cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh

ASOF=${1:-2022-06-20}
DEMO_DIR=/tmp/rectify-demo
PORT=54329
DB=rectify_demo

ensure_packages
# Install under the lock the test suite uses, then let go of it before the
# server starts (a server would inherit the descriptor and keep the lock).
exec 9>/tmp/rectify-install.lock
flock 9
build_and_install
exec 9>&-

# Start over: stop a cluster left by an earlier run, then make a new one.
if [ -f "$DEMO_DIR/data/postmaster.pid" ]; then
	as_pg pg_ctl -D "$DEMO_DIR/data" -m fast -w stop >/dev/null || true
fi
rm -rf "$DEMO_DIR"
mkdir -p "$DEMO_DIR"
[ "$(id -u)" -eq 0 ] && chown postgres: "$DEMO_DIR"
echo "== starting a PostgreSQL $PG_MAJOR cluster in $DEMO_DIR (port $PORT)"
as_pg initdb -D "$DEMO_DIR/data" -E UTF8 --no-locale -A trust >/dev/null
cat >> "$DEMO_DIR/data/postgresql.conf" <<CONF
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DEMO_DIR'
shared_preload_libraries = 'pg_cron'
cron.database_name = '$DB'
cron.use_background_workers = on
max_worker_processes = 20
timezone = 'UTC'
CONF
as_pg pg_ctl -D "$DEMO_DIR/data" -l "$DEMO_DIR/server.log" -w start >/dev/null

psql_demo() { as_pg psql -h "$DEMO_DIR" -p "$PORT" -X -q -v ON_ERROR_STOP=1 "$@"; }
psql_demo -d postgres -c "CREATE DATABASE $DB"
# Operators and aggregates on rectify's types resolve through the search_path.
psql_demo -d "$DB" -c "ALTER DATABASE $DB SET search_path = \"\$user\", public, rectify" \
	-c "CREATE EXTENSION rectify"
echo "== loading the sample ledger (data/sample-ledger.csv)"
psql_demo -d "$DB" -f data/load-sample.sql
psql_demo -d "$DB" -f data/demo-progress.sql >/dev/null
for extra in data/demo-*.sql; do
	case "$extra" in data/demo-progress.sql|data/demo-report.sql) continue ;; esac
	echo "== $extra"
	psql_demo -d "$DB" -v asof="$ASOF" -f "$extra"
done
psql_demo -d "$DB" -v asof="$ASOF" -f data/demo-report.sql
# the monthly dispatch report for the month of ASOF (docs/report.md)
REPORT=$DEMO_DIR/dispatch-report-${ASOF:0:7}.html
psql_demo -d "$DB" -At -c "SELECT rectify.dispatch_report('$ASOF')" -o "$REPORT"
echo
echo "== the monthly dispatch report for ${ASOF:0:7}: $REPORT"

cat <<MSG

The demo cluster is running.
  connect:  psql -h 127.0.0.1 -p $PORT -U postgres $DB
  stop:     runuser -u postgres -- $PG_BINDIR/pg_ctl -D $DEMO_DIR/data stop
MSG
