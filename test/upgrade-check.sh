#!/usr/bin/env bash
# Upgrade check: does ALTER EXTENSION rectify UPDATE from the previous
# release give the same schema as a fresh install of this version?
#
#   test/upgrade-check.sh              previous release (git tag) -> this tree
#   test/upgrade-check.sh --self-test  shows that the check can fail
#   (make upgradecheck runs the first)
#
# The previous release is the highest tag vX.Y below this version
# (default_version in rectify.control).  Its install script is built from the
# tag's own tree (git archive; its Makefile's rule, or its src/sql/*.sql in
# name order) and installed, with this tree's install and upgrade scripts
# and rectify.so, into a private copy of PostgreSQL (test/private-install.sh);
# nothing system-wide is touched.  In a temporary cluster one database gets
#   CREATE EXTENSION rectify VERSION '<old>'; ALTER EXTENSION rectify UPDATE;
# and another CREATE EXTENSION rectify; the two `pg_dump -s --binary-upgrade`
# outputs (which list every member object of the extension: tables with
# their column order, functions with their bodies, comments, grants, ...)
# must be equal once what legitimately differs is masked: OIDs, LSNs,
# transaction ids, pg_dump's random \restrict key.  A difference is printed
# as a unified diff (- fresh install, + updated) and the exit status is 1.
# No earlier tag: prints that there is nothing to compare, exit status 0.
#
# --self-test fabricates the previous release from this tree's install
# script: "selftest_same" is an unchanged copy and must compare equal;
# "selftest_edited" has one deliberate edit (the text of the first
# COMMENT ON FUNCTION changed) and must compare different.  Both get an
# upgrade script to this version that does nothing.  Exit status 0 when the
# check reports exactly that.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
. test/private-install.sh

mode=release
case "${1:-}" in
	--self-test) mode=self-test ;;
	'') ;;
	*) echo "usage: $0 [--self-test]" >&2; exit 2 ;;
esac

CUR=$(sed -nE "s/^default_version *= *'([^']*)'.*/\1/p" rectify.control)
[ -n "$CUR" ] || { echo "upgrade check: no default_version in rectify.control" >&2; exit 2; }

# The previous release: the highest tag vX.Y that sorts below $CUR.
if [ "$mode" = release ]; then
	if ! git rev-parse --git-dir >/dev/null 2>&1; then
		echo "upgrade check: not a git checkout, no release tags: nothing to compare"
		exit 0
	fi
	PREV_TAG=$(git tag -l 'v[0-9]*' | sed 's/^v//' | while read -r v; do
		[ "$v" != "$CUR" ] && [ "$(printf '%s\n%s\n' "$v" "$CUR" | sort -V | head -1)" = "$v" ] && echo "$v"
	done | sort -V | tail -1)
	if [ -z "$PREV_TAG" ]; then
		echo "upgrade check: no release tag (v*) before $CUR: nothing to compare"
		exit 0
	fi
fi

WORK=$(scratch_dir upgrade-check)
PORT=${UPGRADE_CHECK_PORT:-54330}
EXT=
keep=0
cleanup() {
	[ -f "$WORK/data/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1
	if [ "$keep" -eq 1 ]; then
		rm -rf "$WORK/install" "$WORK/data"
		echo "upgrade check: dumps and logs kept in $WORK"
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT

private_install "$WORK/install" >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; keep=1; exit 2; }
EXT=$WORK/install/usr/share/postgresql/$PG_MAJOR/extension
[ -f "$EXT/rectify--$CUR.sql" ] || { echo "upgrade check: no rectify--$CUR.sql was installed" >&2; keep=1; exit 2; }

# The old install scripts (and, for the self-test, the upgrade scripts).
if [ "$mode" = release ]; then
	mkdir "$WORK/old"
	git archive --format=tar "v$PREV_TAG" | tar -x -C "$WORK/old" || { keep=1; exit 2; }
	OLD=$(sed -nE "s/^default_version *= *'([^']*)'.*/\1/p" "$WORK/old/rectify.control")
	[ -n "$OLD" ] || { echo "upgrade check: v$PREV_TAG has no default_version" >&2; keep=1; exit 2; }
	if ! make -s -C "$WORK/old" PG_CONFIG="$PG_CONFIG" "rectify--$OLD.sql" >"$WORK/old.log" 2>&1; then
		# no rule for it in that Makefile: its fragments in name order
		cat "$WORK/old"/src/sql/*.sql >"$WORK/old/rectify--$OLD.sql" || { keep=1; exit 2; }
	fi
	cp "$WORK/old/rectify--$OLD.sql" "$EXT/" || { keep=1; exit 2; }
	echo "upgrade check: $OLD (tag v$PREV_TAG) updated to $CUR, against a fresh install of $CUR"
else
	cp "$EXT/rectify--$CUR.sql" "$EXT/rectify--selftest_same.sql"
	# The edit: the first function comment's text gets a prefix.
	sed -E "0,/^(COMMENT ON FUNCTION .* IS ')/s//\1(edited in the old release only) /" \
		"$EXT/rectify--$CUR.sql" >"$EXT/rectify--selftest_edited.sql"
	if cmp -s "$EXT/rectify--$CUR.sql" "$EXT/rectify--selftest_edited.sql"; then
		echo "upgrade check self-test: the install script has no line starting COMMENT ON FUNCTION ... IS ' to edit" >&2
		keep=1; exit 2
	fi
	for v in selftest_same selftest_edited; do
		printf '%s\n' "\\echo Use \"ALTER EXTENSION rectify UPDATE TO '$CUR'\" to load this file. \\quit" \
			"-- upgrade-check self-test: changes nothing" >"$EXT/rectify--$v--$CUR.sql"
	done
fi

chown -R postgres: "$WORK" 2>/dev/null
as_pg "$BIN/initdb" -D "$WORK/data" -U postgres --encoding=UTF8 --no-locale >"$WORK/initdb.log" 2>&1 ||
	{ cat "$WORK/initdb.log"; keep=1; exit 2; }
{
	echo "listen_addresses = ''"
	echo "unix_socket_directories = '$WORK'"
	echo "port = $PORT"
	echo "fsync = off"
} >>"$WORK/data/postgresql.conf"
as_pg "$BIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w start >/dev/null 9>&- ||
	{ tail "$WORK/server.log"; keep=1; exit 2; }

sql() { # sql DB COMMAND...
	local db=$1; shift
	as_pg "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$WORK" -p "$PORT" -U postgres -d "$db" "$@"
}

# Mask what legitimately differs between two databases with the same
# schema: OIDs, LSNs and xids in pg_dump's binary-upgrade calls, the random
# key of \restrict / \unrestrict, and what a dropped column leaves behind
# (its placeholder, and a TOAST table that only the dropped column needed).
normalise() {
	sed -E \
		-e '/^\\(un)?restrict /d' \
		-e "/binary_upgrade_/ s/'[0-9]+'::pg_catalog\.oid/'OID'::pg_catalog.oid/g" \
		-e "s/(binary_upgrade_set_next_attribute_versions\()'[^']*'/\1'{LSNS}'/" \
		-e "/binary_upgrade_create_empty_extension/ s/'\{[0-9,]*\}'/'{OIDS}'/" \
		-e "s/relfrozenxid = '[0-9]+', relminmxid = '[0-9]+'/relfrozenxid = 'XID', relminmxid = 'MXID'/" |
	awk '
		skip > 0 { skip--; next }
		/^-- For binary upgrade, set toast.s relfrozenxid and relminmxid$/ { skip = 3; next }
		/binary_upgrade_set_next_toast_/ { toast = 1; next }
		toast && /binary_upgrade_set_next_index_/ { next }   # the TOAST index
		{ toast = 0 }
		/^-- For binary upgrade, recreate dropped column\.$/ { skip = 4; next }
		/^ALTER TABLE ONLY .* DROP COLUMN "\.\.\.\.\.\.\.\.pg\.dropped\.[0-9]+\.\.\.\.\.\.\.\."\;$/ { next }
		/^    "\.\.\.\.\.\.\.\.pg\.dropped\.[0-9]+\.\.\.\.\.\.\.\." / {
			# the last column: the one before it loses its comma
			if ($0 !~ /,$/) sub(/,$/, "", prev)
			next
		}
		{ if (have) print prev; prev = $0; have = 1 }
		END { if (have) print prev }
	' | cat -s
}

# compare OLD: 0 same schema, 1 different (diff printed), 2 could not run.
compare() {
	local old=$1 up="upgraded_${1//[^A-Za-z0-9_]/_}" fresh="fresh_${1//[^A-Za-z0-9_]/_}" ver
	sql postgres -c "CREATE DATABASE $up" -c "CREATE DATABASE $fresh" || return 2
	sql "$up" -c "CREATE EXTENSION rectify VERSION '$old'" -c "ALTER EXTENSION rectify UPDATE" \
		>"$WORK/$up.log" 2>&1 || { cat "$WORK/$up.log"; return 2; }
	ver=$(sql "$up" -At -c "SELECT extversion FROM pg_extension WHERE extname = 'rectify'")
	[ "$ver" = "$CUR" ] || { echo "ALTER EXTENSION rectify UPDATE from $old ended at version $ver, not $CUR"; return 2; }
	sql "$fresh" -c "CREATE EXTENSION rectify" >"$WORK/$fresh.log" 2>&1 || { cat "$WORK/$fresh.log"; return 2; }
	for db in "$fresh" "$up"; do
		as_pg "$BIN/pg_dump" -h "$WORK" -p "$PORT" -U postgres -s --binary-upgrade "$db" \
			2>"$WORK/$db.dump.err" | normalise >"$WORK/$db.dump.sql"
		[ "${PIPESTATUS[0]}" -eq 0 ] || { cat "$WORK/$db.dump.err"; return 2; }
	done
	diff -u --label "fresh install of $CUR" --label "$old updated to $CUR" \
		"$WORK/$fresh.dump.sql" "$WORK/$up.dump.sql" >"$WORK/$old.diff"
	case $? in
		0) return 0 ;;
		1) return 1 ;;
		*) return 2 ;;
	esac
}

if [ "$mode" = release ]; then
	compare "$OLD"; rc=$?
	case $rc in
		0) echo "upgrade check: same schema after ALTER EXTENSION rectify UPDATE from $OLD as after a fresh install" ;;
		1) echo "upgrade check: the schema after ALTER EXTENSION rectify UPDATE from $OLD differs from a fresh install of $CUR:"
		   cat "$WORK/$OLD.diff"; keep=1 ;;
		*) echo "upgrade check: could not compare $OLD with $CUR"; keep=1 ;;
	esac
	exit $rc
fi

# Self-test.
status=0
compare selftest_same; rc=$?
if [ $rc -eq 0 ]; then
	echo "upgrade check self-test: an unedited copy of $CUR compares equal: ok"
else
	echo "upgrade check self-test: an unedited copy of $CUR does not compare equal (status $rc):"
	cat "$WORK/selftest_same.diff" 2>/dev/null
	status=1
fi
compare selftest_edited; rc=$?
if [ $rc -eq 1 ]; then
	echo "upgrade check self-test: the deliberate edit is reported: ok"
	cat "$WORK/selftest_edited.diff"
else
	echo "upgrade check self-test: the deliberate edit was NOT reported (status $rc)"
	status=1
fi
[ $status -eq 0 ] || keep=1
exit $status
