#!/usr/bin/env bash
# The whole test suite: builds and installs rectify, then runs, each in its
# own temporary PostgreSQL 15 cluster with pg_cron preloaded:
#   1. pg_regress   sql/*.sql against expected/*.out (order: test/schedule)
#   2. isolation    test/isolation/specs/*.spec
#   3. TAP          test/t/*.pl (restart, dump/restore, pg_cron firing, ...)
# Exits non-zero if anything fails.  The last line counts tests: each
# pg_regress test, isolation spec and TAP script is one test.
#
# Usage: scripts/test.sh            the whole suite
#        scripts/test.sh NAME...    only these pg_regress tests (a quick loop
#                                   while developing; CI runs the whole suite)
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh

ensure_packages || exit 1
# One run at a time per machine: the extension is installed system-wide.
# The test programs get "9>&-" so that no server they start can inherit
# the lock and hold it after the suite ends.
exec 9>/tmp/rectify-install.lock
flock -n 9 || { echo "== waiting for another run to release /tmp/rectify-install.lock"; flock 9; }
started=$SECONDS
build_and_install || exit 1

PGXS_DIR=$("$PG_CONFIG" --pkglibdir)/pgxs
OUT=$(scratch_dir test)
# The servers and test programs run as the postgres user, which may not be
# able to read the checkout (a clone under /root): they get a copy.
SRC=$OUT/src
mkdir "$SRC" && tar --exclude=./.git -cf - . | tar -C "$SRC" -xf - || exit 1
[ "$(id -u)" -eq 0 ] && chown -R postgres: "$SRC"
cd "$SRC"

passed=0 failed=0 status=0
summary=() unscheduled=()

# finish [NOTE]: print the counts (the last line), keep the output only if
# something failed, and exit.
finish() {
	echo
	[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
	echo "${summary[*]}; $((SECONDS - started)) s"
	if [ "$status" -eq 0 ]; then
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
fi
# cron.database_name in test/regress.conf names this database.
as_pg "$PGXS_DIR/src/test/regress/pg_regress" 9>&- \
	--temp-instance="$OUT/regress-instance" --temp-config=test/regress.conf \
	--bindir="$PG_BINDIR" --inputdir=. --outputdir="$OUT/regress" \
	--dbname=contrib_regression --encoding=UTF8 --no-locale --port=54321 \
	${*:---schedule=test/schedule} 2>&1 | tee "$OUT/regress.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || { status=1; cat "$OUT/regress/regression.diffs" 2>/dev/null; }
count_results pg_regress "$OUT/regress.log"
[ $# -gt 0 ] && finish "pg_regress only: $*"

echo "== isolation"
specs=$(cd test/isolation/specs && ls *.spec 2>/dev/null | sed 's/\.spec$//')
if [ -n "$specs" ]; then
	as_pg "$PGXS_DIR/src/test/isolation/pg_isolation_regress" 9>&- \
		--temp-instance="$OUT/isolation-instance" --temp-config=test/regress.conf \
		--bindir="$PG_BINDIR" --inputdir=test/isolation --outputdir="$OUT/isolation" \
		--dbname=contrib_regression --encoding=UTF8 --no-locale --port=54322 \
		--load-extension=rectify $specs 2>&1 | tee "$OUT/isolation.log"
	[ "${PIPESTATUS[0]}" -eq 0 ] || { status=1; cat "$OUT/isolation/regression.diffs" 2>/dev/null; }
	count_results isolation "$OUT/isolation.log"
fi

echo "== TAP"
if compgen -G 'test/t/*.pl' >/dev/null; then
	mkdir -p "$OUT/tap" && chown --reference="$OUT" "$OUT/tap"
	as_pg 9>&- env TESTDIR="$OUT/tap" PG_REGRESS="$PGXS_DIR/src/test/regress/pg_regress" REPO="$SRC" \
		prove -I "$PGXS_DIR/src/test/perl" -I test test/t/*.pl 2>&1 | tee "$OUT/tap.log"
	[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
	# prove's summary: "Files=N, Tests=M, ..."; each failing script gets a
	# "path (Wstat: ..., Tests: ...)" line under "Test Summary Report".
	tap_files=$(sed -nE 's/^Files=([0-9]+), Tests=.*/\1/p' "$OUT/tap.log")
	tap_failed=$(grep -cE '^test/t/[^ ]+\.pl +\(' "$OUT/tap.log")
	[ -z "$tap_files" ] && tap_files=$(ls test/t/*.pl | wc -l) && tap_failed=$tap_files
	passed=$((passed + tap_files - tap_failed)); failed=$((failed + tap_failed))
	summary+=("TAP $((tap_files - tap_failed))/$tap_files")
	[ "$tap_failed" -gt 0 ] && echo "TAP logs: $OUT/tap/tmp_check/log"
fi

finish
