#!/usr/bin/env bash
# The whole test suite: builds and installs rectify, then runs, each in its
# own temporary PostgreSQL 15 cluster with pg_cron preloaded:
#   1. pg_regress   sql/*.sql against expected/*.out (order: test/schedule)
#   2. isolation    test/isolation/specs/*.spec
#   3. TAP          test/t/*.pl (restart, dump/restore, pg_cron firing, ...)
# Exits non-zero if anything fails.
#
# Usage: scripts/test.sh            the whole suite
#        scripts/test.sh NAME...    only these pg_regress tests (a quick loop
#                                   while developing; CI runs the whole suite)
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh

ensure_packages || exit 1
# One run at a time per machine: the extension is installed system-wide.
exec 9>/tmp/rectify-install.lock
flock 9
build_and_install || exit 1

PGXS_DIR=$("$PG_CONFIG" --pkglibdir)/pgxs
OUT=$(scratch_dir test)
passed=0 failed=0 status=0

# count_results LOG: add pg_regress-style "... ok" / "... FAILED" lines.
count_results() {
	local ok bad
	ok=$(grep -cE '\.\.\. ok' "$1")
	bad=$(grep -cE '\.\.\. FAILED|\.\.\. failed' "$1")
	passed=$((passed + ok)); failed=$((failed + bad))
}

echo "== pg_regress"
as_pg "$PGXS_DIR/src/test/regress/pg_regress" \
	--temp-instance="$OUT/regress-instance" --temp-config=test/regress.conf \
	--bindir="$PG_BINDIR" --inputdir=. --outputdir="$OUT/regress" \
	--encoding=UTF8 --no-locale --port=54321 --dbname=contrib_regression \
	${*:---schedule=test/schedule} 2>&1 | tee "$OUT/regress.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || { status=1; cat "$OUT/regress/regression.diffs" 2>/dev/null; }
count_results "$OUT/regress.log"
if [ $# -gt 0 ]; then
	echo "rectify: $passed passed, $failed failed (pg_regress only: $*)"
	exit $status
fi

echo "== isolation"
specs=$(cd test/isolation/specs && ls *.spec | sed 's/\.spec$//')
as_pg "$PGXS_DIR/src/test/isolation/pg_isolation_regress" \
	--temp-instance="$OUT/isolation-instance" --temp-config=test/regress.conf \
	--bindir="$PG_BINDIR" --inputdir=test/isolation --outputdir="$OUT/isolation" \
	--encoding=UTF8 --no-locale --port=54322 \
	--load-extension=rectify $specs 2>&1 | tee "$OUT/isolation.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || { status=1; cat "$OUT/isolation/regression.diffs" 2>/dev/null; }
count_results "$OUT/isolation.log"

echo "== TAP"
mkdir -p "$OUT/tap" && chown --reference="$OUT" "$OUT/tap"
as_pg env TESTDIR="$OUT/tap" PG_REGRESS="$PGXS_DIR/src/test/regress/pg_regress" \
	PGPORT=54323 REPO="$PWD" \
	prove -I "$PGXS_DIR/src/test/perl" -I test test/t/*.pl 2>&1 | tee "$OUT/tap.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
tap_total=$(sed -nE 's/^Files=[0-9]+, Tests=([0-9]+),.*/\1/p' "$OUT/tap.log")
tap_failed=$(grep -oE 'Failed [0-9]+/' "$OUT/tap.log" | grep -oE '[0-9]+' | awk "{s+=\$1} END {print s+0}")
tap_failed=${tap_failed:-0}
[ "$status" -ne 0 ] && [ "$tap_failed" -eq 0 ] && grep -q 'Result: FAIL' "$OUT/tap.log" && tap_failed=1
passed=$((passed + ${tap_total:-0} - tap_failed)); failed=$((failed + tap_failed))

echo
echo "test output kept in $OUT"
[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
echo "rectify: $passed passed, $failed failed"
exit $status
