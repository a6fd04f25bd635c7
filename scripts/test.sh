#!/usr/bin/env bash
# The whole test suite: builds and installs rectify, starts one temporary
# PostgreSQL 15 cluster with test/regress.conf (pg_cron preloaded,
# cron.database_name = contrib_regression), and runs against it the
# Makefile's targets, as a developer would against their own server:
#   1. pg_regress   make installcheck (sql/*.sql against expected/*.out,
#                   in test/schedule's order)
#   2. isolation    make installcheck (test/isolation/specs/*.spec)
#   3. TAP          make prove_installcheck (test/t/*.pl; each starts its own
#                   servers: restart, dump/restore, pg_cron firing, the
#                   JDBC, ODBC and node-postgres client drivers, ...),
#                   two at a time, in the background while 1, 2 and 4 run
#   4. upgrade      test/upgrade-check.sh --self-test (the upgrade check can
#                   fail), then make upgradecheck (previous release tag ->
#                   this version; skipped when there is no earlier tag)
# Exits non-zero if anything fails.  The last line counts tests: each
# pg_regress test, isolation spec and TAP script is one test, and so are the
# upgrade self-test and the upgrade check (when it had a release to compare).
#
# Usage: scripts/test.sh            the whole suite
#        scripts/test.sh NAME...    only these pg_regress tests, after setup
#                                   (a quick loop while developing; CI runs
#                                   the whole suite)
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh

# Debian's packages for the build, and for the client drivers that
# test/t/060_client_drivers.pl runs: pgjdbc (with the JDK's single-file
# launcher) and psqlODBC under unixODBC, driven by the system python3's
# pyodbc; node and npm come with the machine.  python3-psycopg2 runs the
# notification consumer of docs/notifications.md (test/t/080_notifications.pl).
ensure_packages openjdk-17-jdk-headless libpostgresql-jdbc-java \
	odbc-postgresql unixodbc python3-pyodbc python3-psycopg2 || exit 1
# test/t/090_report_render.pl renders the dispatch report in headless
# Chromium with a CJK font and reads the PDF with pdftotext; it skips when
# they could not be installed.
ensure_packages chromium fonts-wqy-zenhei poppler-utils ||
	echo "== chromium could not be installed: test/t/090_report_render.pl will skip"
# One run at a time per machine: the extension is installed system-wide.
# The test programs get "9>&-" so that no server they start can inherit
# the lock and hold it after the suite ends.
exec 9>/tmp/rectify-install.lock
flock -n 9 || { echo "== waiting for another run to release /tmp/rectify-install.lock"; flock 9; }
started=$SECONDS
build_and_install || exit 1

CHECKOUT=$PWD
OUT=$(scratch_dir test)
# The servers and test programs run as the postgres user, which may not be
# able to read the checkout (a clone under /root): they get a copy.
SRC=$OUT/src
mkdir "$SRC" && tar --exclude=./.git -cf - . | tar -C "$SRC" -xf - || exit 1
[ "$(id -u)" -eq 0 ] && chown -R postgres: "$SRC"
cd "$SRC"

passed=0 failed=0 status=0
summary=() unscheduled=()

# The server for make installcheck: test/regress.conf, reachable only
# through a socket in $OUT.
PGDATA_DIR=$OUT/data
PORT=54321
stop_server() {
	[ -f "$PGDATA_DIR/postmaster.pid" ] && as_pg "$PG_BINDIR/pg_ctl" -D "$PGDATA_DIR" -m fast stop >/dev/null 2>&1
}
trap stop_server EXIT

# finish [NOTE]: print the counts (the last line), keep the output only if
# something failed (or RECTIFY_KEEP_OUTPUT is set: to look at the rendered
# report's PNG), and exit.
finish() {
	stop_server
	echo
	[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
	echo "${summary[*]}; $((SECONDS - started)) s"
	if [ "$status" -eq 0 ] && [ -z "${RECTIFY_KEEP_OUTPUT:-}" ]; then
		cd / && rm -rf "$OUT"
	else
		echo "test output kept in $OUT"
	fi
	echo "rectify: $passed passed, $failed failed${1:+ ($1)}"
	exit $status
}

# count_results KIND LOG: add pg_regress-style "... ok" / "... FAILED" lines.
count_results() {
	local ok bad
	ok=$(grep -cE '\.\.\. ok' "$2")
	bad=$(grep -cE '\.\.\. FAILED|\.\.\. failed' "$2")
	passed=$((passed + ok)); failed=$((failed + bad))
	summary+=("$1 $ok/$((ok + bad))")
}

# pg_make TARGET VAR=VALUE...: make in the copy, as the server's user, with
# libpq pointed at the test server.
pg_make() {
	as_pg 9>&- env PGHOST="$OUT" PGPORT="$PORT" \
		make --no-print-directory PG_CONFIG="$PG_CONFIG" "$@"
}

echo "== starting a test server (test/regress.conf)"
as_pg "$PG_BINDIR/initdb" -D "$PGDATA_DIR" --encoding=UTF8 --no-locale >"$OUT/initdb.log" 2>&1 ||
	{ cat "$OUT/initdb.log"; status=1; finish "initdb failed"; }
{
	cat test/regress.conf
	echo "listen_addresses = ''"
	echo "unix_socket_directories = '$OUT'"
	echo "port = $PORT"
	echo "fsync = off"
} >>"$PGDATA_DIR/postgresql.conf"
as_pg 9>&- "$PG_BINDIR/pg_ctl" -D "$PGDATA_DIR" -l "$OUT/server.log" -w start >/dev/null ||
	{ tail -20 "$OUT/server.log"; status=1; finish "the test server did not start"; }

echo "== pg_regress"
# Every sql/*.sql must be in the schedule, or it would silently never run.
if [ $# -eq 0 ]; then
	for f in sql/*.sql; do
		t=$(basename "$f" .sql)
		grep -qE "^test:.*[[:space:]]$t([[:space:]]|\$)" test/schedule && continue
		echo "sql/$t.sql is not listed in test/schedule"
		failed=$((failed + 1)); status=1; unscheduled+=("$t")
	done
	[ ${#unscheduled[@]} -gt 0 ] && summary+=("unscheduled: ${unscheduled[*]}")
	regress=()
else
	# the named tests, after setup (the helpers they use)
	only=$*
	[[ " $only " == *" setup "* ]] || only="setup $only"
	regress=(REGRESS="$only")
fi
# TAP needs no test server (each script starts its own): in a whole-suite
# run it goes on in the background while the rest runs; its output follows
# at the end.
tap_pid=
if [ $# -eq 0 ] && compgen -G 'test/t/*.pl' >/dev/null; then
	pg_make prove_installcheck PROVE_FLAGS=-j2 >"$OUT/tap.log" 2>&1 &
	tap_pid=$!
fi
pg_make installcheck ISOLATION= TAP_TESTS= "${regress[@]}" 2>&1 | tee "$OUT/regress.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || { status=1; cat regression.diffs 2>/dev/null; }
count_results pg_regress "$OUT/regress.log"
[ $# -gt 0 ] && finish "pg_regress only: $*"

echo "== isolation"
if compgen -G 'test/isolation/specs/*.spec' >/dev/null; then
	pg_make installcheck REGRESS= TAP_TESTS= 2>&1 | tee "$OUT/isolation.log"
	[ "${PIPESTATUS[0]}" -eq 0 ] || { status=1; cat output_iso/regression.diffs 2>/dev/null; }
	count_results isolation "$OUT/isolation.log"
fi
stop_server

echo "== upgrade"
up_ok=0 up_n=0
# The self-test runs in the copy; the check itself needs the checkout's git
# tags, so it runs there (in a private copy of PostgreSQL, like the self-test).
test/upgrade-check.sh --self-test 9>&- 2>&1 | tee "$OUT/upgrade-selftest.log"
if [ "${PIPESTATUS[0]}" -eq 0 ]; then up_ok=$((up_ok + 1)); else status=1; fi
up_n=$((up_n + 1))
(cd "$CHECKOUT" && test/upgrade-check.sh) 9>&- 2>&1 | tee "$OUT/upgrade-check.log"
rc=${PIPESTATUS[0]}
if ! grep -q 'nothing to compare' "$OUT/upgrade-check.log"; then
	up_n=$((up_n + 1))
	if [ "$rc" -eq 0 ]; then up_ok=$((up_ok + 1)); else status=1; fi
fi
passed=$((passed + up_ok)); failed=$((failed + up_n - up_ok))
summary+=("upgrade $up_ok/$up_n")

if [ -n "$tap_pid" ]; then
	echo "== TAP (make prove_installcheck, started with pg_regress)"
	wait "$tap_pid"; tap_rc=$?
	cat "$OUT/tap.log"
	[ "$tap_rc" -eq 0 ] || status=1
	# prove's summary: "Files=N, Tests=M, ..."; each failing script gets a
	# "path (Wstat: ..., Tests: ...)" line under "Test Summary Report".
	tap_files=$(sed -nE 's/^Files=([0-9]+), Tests=.*/\1/p' "$OUT/tap.log")
	tap_failed=$(grep -cE '^test/t/[^ ]+\.pl +\(' "$OUT/tap.log")
	[ -z "$tap_files" ] && tap_files=$(ls test/t/*.pl | wc -l) && tap_failed=$tap_files
	passed=$((passed + tap_files - tap_failed)); failed=$((failed + tap_failed))
	summary+=("TAP $((tap_files - tap_failed))/$tap_files")
	[ "$tap_failed" -gt 0 ] && echo "TAP logs: $SRC/tmp_check/log"
fi

finish
